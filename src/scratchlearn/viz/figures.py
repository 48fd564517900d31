"""Pictures that several chapters draw: the book's colours, a grid over two
features, the regions a classifier assigns, the points of each class, curves over
iterations, epochs or the stages of an ensemble, the cells of a nearest-centre rule,
level lines, pixel pictures, grids of titled images, rows of digits and mosaics of
images, for matplotlib (the chapters' still figures) and plotly (the explorers). No
chapter owns this module; chapter modules keep only what is theirs.
"""

import base64
import io

import numpy as np

# One per class, in class order: six of the eight colours of Okabe and Ito's palette
# for colour-blind readers ("Color Universal Design", 2008; not its black, kept for
# text, nor its yellow, too pale on white). tests/viz/test_palette.py checks that each
# pair stays apart under simulated protan, deutan and tritan vision.
COLOURS = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9"]
# Curves: training (Okabe-Ito blue), validation or test (Okabe-Ito vermillion), and a
# reference library (neutral grey).
TRAIN_COLOUR, VALIDATION_COLOUR, REFERENCE_COLOUR = "#0072b2", "#d55e00", "#7f7f7f"
REGION_OPACITY = 0.3
POINT_SIZE = 6
FEATURE_NAMES = ("feature 1", "feature 2")  # the axes' titles of two features
# A log axis that reads 10^-4, not 100µ.
LOG_AXIS = {"type": "log", "exponentformat": "power"}


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


# A plotly colour axis that paints cluster k in COLOURS[k % 6], for every trace
# that names it (``marker.coloraxis``).
CLUSTER_COLOURS = {
    "colorscale": class_colourscale(len(COLOURS)),
    "cmin": -0.5,
    "cmax": len(COLOURS) - 0.5,
    "showscale": False,
}


# --- the plane cut into the cells of a nearest-centre rule ----------------------


def clip_polygon(polygon, normal, offset):
    """The part of a convex polygon (n_vertices, 2) where ``x . normal <= offset``
    (one step of Sutherland and Hodgman's clipping)."""
    # Products written out, not ``polygon @ normal``: the same bits on every machine.
    along = polygon[:, 0] * normal[0] + polygon[:, 1] * normal[1]  # (n_vertices,)
    inside = along <= offset
    kept = []
    following = np.roll(polygon, -1, axis=0)
    for a, b, a_in, b_in in zip(
        polygon, following, inside, np.roll(inside, -1), strict=True
    ):
        if a_in:
            kept.append(a)
        if a_in != b_in:  # the edge crosses the line: keep the crossing point
            t = (offset - _dot(a, normal)) / _dot(b - a, normal)
            kept.append(a + t * (b - a))
    return np.array(kept).reshape(-1, 2)


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1]


def voronoi_cells(centres, box):
    """The region of the rectangle ``box = ((x0, x1), (y0, y1))`` nearer to each
    centre than to any other: one convex polygon (n_vertices, 2) per centre.

    Point :math:`x` is nearer to :math:`c_i` than to :math:`c_j` where
    :math:`2 x \\cdot (c_j - c_i) \\le |c_j|^2 - |c_i|^2`: a half plane. The cell
    is the box cut by one half plane per other centre.
    """
    (x0, x1), (y0, y1) = box
    square = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
    cells = []
    for i, centre in enumerate(centres):
        cell = square
        for j, other in enumerate(centres):
            if j != i and not np.array_equal(other, centre):
                offset = (_dot(other, other) - _dot(centre, centre)) / 2.0
                cell = clip_polygon(cell, other - centre, offset)
        cells.append(cell)
    return cells


def cell_traces(centres, box):
    """The Voronoi cells of ``centres`` as filled plotly polygons, in the
    clusters' colours."""
    import plotly.graph_objects as go

    traces = []
    for i, cell in enumerate(voronoi_cells(centres, box)):
        closed = np.vstack([cell, cell[:1]])
        traces.append(
            go.Scatter(
                x=closed[:, 0],
                y=closed[:, 1],
                fill="toself",
                fillcolor=tint(COLOURS[i % len(COLOURS)], 0.35),
                mode="none",
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return traces


# --- matplotlib -------------------------------------------------------------------


def plot_decision_boundary(
    model, X, y, ax, *, resolution=150, title=None, feature_names=FEATURE_NAMES
):
    """Draw the regions a fitted 2-feature classifier assigns, with the points."""
    from matplotlib.colors import ListedColormap

    xs, ys, regions = predicted_regions(model, X, resolution)
    n_classes = len(model.classes_)
    colours = {
        "cmap": ListedColormap(COLOURS[:n_classes]),
        "vmin": -0.5,
        "vmax": n_classes - 0.5,
    }
    ax.pcolormesh(xs, ys, regions, alpha=0.25, shading="auto", **colours)
    y_index = np.searchsorted(model.classes_, y)
    ax.scatter(*X.T, c=y_index, edgecolor="k", linewidth=0.5, s=25, **colours)
    ax.set(xlabel=feature_names[0], ylabel=feature_names[1])
    if title:
        ax.set_title(title)
    return ax


def staged_curves(curves, ax, *, xlabel, ylabel, reference=None, title=None):
    """Values after each stage (tree, round: 1, 2, ...) of an ensemble, with
    matplotlib: ``curves`` maps a label to one value per stage, the first drawn in
    the training colour, the second in the validation colour; ``reference``, a
    ``(label, values)`` pair (another library's), is drawn dashed in black on top."""
    for (label, values), colour in zip(
        curves.items(), (TRAIN_COLOUR, VALIDATION_COLOUR), strict=False
    ):
        ax.plot(np.arange(1, len(values) + 1), values, color=colour, label=label)
    if reference is not None:
        stages = np.arange(1, len(reference[1]) + 1)
        ax.plot(stages, reference[1], "k--", linewidth=1, label=reference[0])
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def epoch_curves(curves, *, ylabel, log=False, reference=None, ylim=None, ax=None):
    """One line per run, with matplotlib: ``curves`` maps a label to one value per
    epoch (epoch 1 first); ``reference``, a ``(value, label)`` pair, adds a dashed
    horizontal line. Draws on ``ax`` (default: a new figure); returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    if reference is not None:
        ax.axhline(reference[0], color="grey", linestyle="--", label=reference[1])
    for (label, values), colour in zip(curves.items(), COLOURS, strict=False):
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, marker=".", color=colour, label=label)
    ax.set(xlabel="epoch", ylabel=ylabel, yscale="log" if log else "linear")
    if ylim is not None:
        ax.set_ylim(ylim)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.figure.tight_layout()
    return ax.figure


def mosaic(images, n_columns=5, side=8):
    """Flat images (n_images, side * side) tiled ``n_columns`` to a row, with a
    blank (NaN) line of pixels between neighbours: one array to draw as one image."""
    n_rows = -(-len(images) // n_columns)  # ceiling
    tiled = np.full((n_rows * (side + 1) - 1, n_columns * (side + 1) - 1), np.nan)
    for index, image in enumerate(images):
        row, column = divmod(index, n_columns)
        top, left = row * (side + 1), column * (side + 1)
        tiled[top : top + side, left : left + side] = image.reshape(side, side)
    return tiled


def image_grid(images, titles=None, *, n_columns=8, size=1.3, cmap="gray_r", **more):
    """Images in a grid, ``n_columns`` to a row, each with its own title if
    ``titles`` are given; returns the matplotlib figure.

    ``images`` are 2-D, ``(n, height, width)``, or flat 8 x 8 digits ``(n, 64)``.
    ``more`` may hold ``limits``, the ``(low, high)`` of the colour scale (default:
    each image's own range; centred on zero for the diverging ``"RdBu_r"``, for
    kernels whose weights have both signs), ``title_colours``, one per title, and
    ``title``, over the whole grid.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    images = images.reshape(len(images), 8, 8) if images.ndim == 2 else images
    n_rows = -(-len(images) // n_columns)  # ceil
    extra = 0.3 * (titles is not None) + 0.3 * ("title" in more)
    figsize = (size * n_columns, size * n_rows + extra)
    fig, axes = plt.subplots(n_rows, n_columns, figsize=figsize, squeeze=False)
    limit = np.abs(images).max()
    default = (-limit, limit) if cmap == "RdBu_r" else (None, None)
    low, high = more.get("limits", default)
    colours = more.get("title_colours") or ["black"] * len(images)
    for index, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if index >= len(images):
            continue
        ax.imshow(images[index], cmap=cmap, vmin=low, vmax=high)
        if titles is not None:
            ax.set_title(titles[index], fontsize=8, color=colours[index])
    if "title" in more:
        fig.suptitle(more["title"], fontsize=10)
    fig.tight_layout()
    return fig


def digit_rows(rows, *, size=0.9):
    """Digits in rows, one row per entry of ``rows`` (a dict from a label to images
    of shape ``(n, 8, 8)`` or ``(n, 64)``), the label at the left; returns the
    figure."""
    import matplotlib.pyplot as plt

    n_columns = max(len(images) for images in rows.values())
    fig, axes = plt.subplots(
        len(rows),
        n_columns,
        figsize=(size * n_columns + 1.2, size * len(rows)),
        squeeze=False,
    )
    for axes_row, (label, images) in zip(axes, rows.items(), strict=True):
        images = np.asarray(images).reshape(len(images), 8, 8)
        for column, ax in enumerate(axes_row):
            ax.set(xticks=[], yticks=[])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if column < len(images):
                ax.imshow(np.clip(images[column], 0, 1), cmap="gray_r", vmin=0, vmax=1)
        axes_row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return fig


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
        marker = {"color": colour, "size": POINT_SIZE}
        marker["line"] = {"width": 0.5, "color": "black"}
        if hollow:
            marker.update(color="rgba(0,0,0,0)", line={"color": colour, "width": 1.2})
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


def thinned(values, every, first=20):
    """Steps (0, 1, ...) and ``values`` to draw of a long curve: every step of the
    first ``first``, then every ``every``-th, and the last (a static explorer
    stores many curves; thinned, they look the same)."""
    steps = np.arange(len(values))
    keep = (steps < first) | (steps % every == 0) | (steps == len(values) - 1)
    return steps[keep], np.asarray(values)[keep]


def chosen_line(x, axes=("x2", "y2"), **line):
    """A plotly shape: a vertical line at ``x`` across a panel (by default the
    second), marking the setting chosen on a curve drawn over all settings. ``line``
    changes its style (default: black, dotted, width 1; ``None`` leaves a property
    to plotly)."""
    line = {"color": "black", "width": 1, "dash": "dot", **line}
    return {
        "type": "line",
        "xref": axes[0],
        "yref": f"{axes[1]} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {key: value for key, value in line.items() if value is not None},
    }


def data_points(x, y, name, colour, *, hollow=False, **marker):
    """A plotly scatter of points ``(x, y)``: filled (training data) or rings
    (validation data); ``marker`` sets more of their look (size, symbol)."""
    import plotly.graph_objects as go

    marker = {"color": colour, "size": POINT_SIZE, **marker}
    if hollow:
        marker = {**marker, "color": "white", "line": {"color": colour, "width": 1.5}}
    return go.Scatter(x=x, y=y, mode="markers", name=name, marker=marker)


def image_trace(rgb, xs, ys):
    """``rgb`` (len(ys), len(xs), 3), row 0 at ``ys[0]``, as a plotly image over the
    grid ``xs`` x ``ys``: a PNG, a fraction of the size of the numbers."""
    import matplotlib.image
    import plotly.graph_objects as go

    buffer = io.BytesIO()
    # plotly draws the image's first row at y0, which is ys[0] here: no flip. No
    # metadata, so that the bytes depend on the picture only.
    matplotlib.image.imsave(buffer, rgb, format="png", metadata={"Software": None})
    source = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    x0, y0, dx, dy = (float(v) for v in (xs[0], ys[0], xs[1] - xs[0], ys[1] - ys[0]))
    grid = {"x0": x0, "y0": y0, "dx": dx, "dy": dy}
    return go.Image(source=source, **grid, zsmooth="fast", hoverinfo="skip")


def level_lines(xs, ys, field, level, *, dash=None, width=1.5):
    """Where ``field`` (len(ys), len(xs)) equals ``level``: one black plotly line
    trace, NaN between curves (empty if ``field`` never crosses ``level``)."""
    import contourpy
    import plotly.graph_objects as go

    points = np.empty((0, 2))
    if field.min() < level < field.max():
        curves = contourpy.contour_generator(xs, ys, field).lines(level)
        gap = np.full((1, 2), np.nan)
        points = np.concatenate([part for c in curves for part in (c, gap)])
    line = {"color": "black", "width": width, "dash": dash}
    quiet = {"showlegend": False, "hoverinfo": "skip"}
    return go.Scatter(x=points[:, 0], y=points[:, 1], mode="lines", line=line, **quiet)


def loss_accuracy_explorer(controls, draw, *, name, titles, description):
    """An explorer of learning curves: loss per epoch (left, log scale) and accuracy
    per epoch (right, 0 to 1), as the deep chapters draw them.

    ``controls`` and ``draw`` are those of :class:`scratchlearn.viz.explorer.Explorer`
    (``draw`` puts the loss traces in panel 1 and the accuracy traces in panel 2);
    ``titles`` are the two panels' titles.
    """
    from scratchlearn.viz.explorer import Explorer  # the explorer builds on figures

    return Explorer(
        controls,
        draw,
        name=name,
        panels=(1, 2),
        subplot_titles=tuple(titles),
        layout={"yaxis.type": "log", "yaxis2.range": [0.0, 1.02]},
        axis_titles=[("epoch", None)] * 2,
        description=description,
    )
