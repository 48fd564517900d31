"""Pictures that several chapters draw: the book's colours, a grid over two
features, the regions a classifier assigns, the points of each class and curves
over iterations, for matplotlib (the chapters' still figures) and plotly (the
explorers). No chapter owns this module; chapter modules keep only what is theirs.
"""

import numpy as np

# Colour-blind-safe (ColorBrewer's Dark2), one per class, in class order.
COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
# Curves: training, validation (or test), and a reference library.
TRAIN_COLOUR, VALIDATION_COLOUR, REFERENCE_COLOUR = "#1f77b4", "#d62728", "#7f7f7f"
REGION_OPACITY = 0.3
POINT_SIZE = 6


def grid_over(X, resolution=150, margin=0.5):
    """A (resolution x resolution) grid covering the two features of ``X``.

    Returns ``xs`` and ``ys`` (the axes, each of shape (resolution,)) and ``points``
    of shape (resolution**2, 2), row-major: ``points[i * resolution + j]`` is
    ``(xs[j], ys[i])``.
    """
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(xs, ys)  # (resolution, resolution) each
    return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])


def tint(colour, strength):
    """``"#rrggbb"`` mixed with white, opaque (edges behind a filled box stay
    hidden): ``strength`` 1 is the colour itself, 0 is white."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    red, green, blue = (round(255 - strength * (255 - c)) for c in channels)
    return f"rgb({red},{green},{blue})"


def translucent(colour, alpha):
    """``"#rrggbb"`` as a plotly ``rgba(...)`` colour of opacity ``alpha``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def ellipse_points(mean, covariance, n_stds=(1, 2), n_points=64):
    """Contours of a 2-D Gaussian at ``n_stds`` standard deviations, as (xs, ys)
    with NaN between the ellipses (a break in the line). With ``covariance = L L'``
    (Cholesky), ``mean + k L u`` for unit vectors ``u`` is ``k`` deviations away."""
    angles = np.append(np.linspace(0.0, 2.0 * np.pi, n_points), np.nan)
    circle = np.array([np.cos(angles), np.sin(angles)])  # (2, n_points + 1)
    factor = np.linalg.cholesky(covariance)  # (2, 2)
    pieces = [mean[:, np.newaxis] + k * factor @ circle for k in n_stds]
    points = np.hstack(pieces)  # (2, len(n_stds) * (n_points + 1))
    return points[0], points[1]


class LabelledTree:
    """A tree of an ensemble, fitted on class indices, that predicts the ensemble's
    labels instead, so that it can be drawn like a classifier."""

    def __init__(self, tree, classes):
        self.tree, self.classes_ = tree, classes

    def predict(self, X):
        return self.classes_[self.tree.predict(X)]


def predicted_regions(model, X, resolution=150):
    """Class index predicted at every grid point: shape (resolution, resolution)."""
    xs, ys, points = grid_over(X, resolution)
    labels = model.predict(points)
    regions = np.searchsorted(model.classes_, labels).reshape(len(ys), len(xs))
    return xs, ys, regions


def class_colourscale(n_classes, colours=COLOURS):
    """A plotly colour scale that paints class index ``i`` (``zmin=-0.5``,
    ``zmax=n_classes - 0.5``) in ``colours[i]``, with hard edges between classes."""
    return [
        [edge, colours[i]]
        for i in range(n_classes)
        for edge in (i / n_classes, (i + 1) / n_classes)
    ]


# --- matplotlib -------------------------------------------------------------------


def plot_decision_boundary(
    model,
    X,
    y,
    ax,
    *,
    resolution=150,
    title=None,
    feature_names=("feature 1", "feature 2"),
):
    """Draw the regions a fitted 2-feature classifier assigns, with the points."""
    from matplotlib.colors import ListedColormap

    xs, ys, regions = predicted_regions(model, X, resolution)
    n_classes = len(model.classes_)
    cmap = ListedColormap(COLOURS[:n_classes])
    ax.pcolormesh(
        xs,
        ys,
        regions,
        cmap=cmap,
        alpha=0.25,
        shading="auto",
        vmin=-0.5,
        vmax=n_classes - 0.5,
    )
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=np.searchsorted(model.classes_, y),
        cmap=cmap,
        vmin=-0.5,
        vmax=n_classes - 0.5,
        edgecolor="k",
        linewidth=0.5,
        s=25,
    )
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title:
        ax.set_title(title)
    return ax


# --- plotly -----------------------------------------------------------------------


def region_trace(xs, ys, regions, n_classes):
    """A plotly heatmap of class indices ``regions`` (len(ys), len(xs)) in the
    classes' colours."""
    import plotly.graph_objects as go

    return go.Heatmap(
        x=xs,
        y=ys,
        z=regions,
        zmin=-0.5,
        zmax=n_classes - 0.5,
        colorscale=class_colourscale(n_classes),
        opacity=REGION_OPACITY,
        showscale=False,
        hoverinfo="skip",
    )


def model_regions(model, X, resolution=80):
    """The regions a fitted 2-feature classifier assigns over a grid covering ``X``,
    as a plotly heatmap."""
    xs, ys, regions = predicted_regions(model, X, resolution)
    return region_trace(xs, ys, regions, len(model.classes_))


def class_points(X, y, *, classes=None, names=None, hollow=False, suffix=""):
    """One plotly scatter trace per class of the two features of ``X``, in the
    classes' colours; ``hollow`` draws rings (a validation set beside a training
    set)."""
    import plotly.graph_objects as go

    classes = np.unique(y) if classes is None else classes
    traces = []
    for index, label in enumerate(classes):
        members = y == label
        colour = COLOURS[index % len(COLOURS)]
        if hollow:
            marker = {
                "color": "rgba(0,0,0,0)",
                "size": POINT_SIZE,
                "line": {"color": colour, "width": 1.2},
            }
        else:
            marker = {
                "color": colour,
                "size": POINT_SIZE,
                "line": {"width": 0.5, "color": "black"},
            }
        name = names[index] if names is not None else str(label)
        traces.append(
            go.Scatter(
                x=X[members, 0],
                y=X[members, 1],
                mode="markers",
                marker=marker,
                name=f"{name}{suffix}",
                legendgroup=str(label),
            )
        )
    return traces


def curve(y, *, name, colour, x=None, dash=None, markers=False, legend=True):
    """A plotly line (``y`` against ``x``, or against 1, 2, ...)."""
    import plotly.graph_objects as go

    y = np.asarray(y, dtype=float)
    x = np.arange(1, len(y) + 1) if x is None else x
    return go.Scatter(
        x=x,
        y=y,
        mode="lines+markers" if markers else "lines",
        name=name,
        line={"color": colour, "dash": dash},
        showlegend=legend,
        legendgroup=name,
    )


def chosen_line(x, axes=("x2", "y2")):
    """A plotly shape: a dotted vertical line at ``x`` across a panel (by default the
    second), marking the setting chosen on a curve drawn over all settings."""
    return {
        "type": "line",
        "xref": axes[0],
        "yref": f"{axes[1]} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": "black", "width": 1, "dash": "dot"},
    }
