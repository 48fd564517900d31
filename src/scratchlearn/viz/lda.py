"""Figures and explorers of Chapter 8 (linear discriminant analysis).

Fisher's question, in pictures: project two-dimensional classes onto a direction
(a line through the middle of the data) and look at the two histograms of the
projections. The explorers turn the direction, move the classes apart or together,
and shrink the covariance, and show Fisher's criterion ``J`` for every direction,
with the best one (Fisher's) marked.
"""

import numpy as np

from scratchlearn.supervised import (
    LinearDiscriminantAnalysis,
    fisher_criterion,
    fisher_direction,
)
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in
from scratchlearn.viz.figures import COLOURS, predicted_regions

ANGLES = np.arange(0, 180, 5)  # the static explorer's directions, in degrees


def unit(angle_degrees):
    """The unit vector(s) at ``angle_degrees`` from the first axis: (2,) or (2, n)."""
    radians = np.deg2rad(angle_degrees)
    return np.array([np.cos(radians), np.sin(radians)])


def angle_of(w):
    """The angle of direction ``w`` in degrees, in [0, 180): a direction and its
    opposite are the same line."""
    return float(np.rad2deg(np.arctan2(w[1], w[0])) % 180.0)


def with_separation(X, y, factor):
    """``X`` with each class moved so that its distance from the overall mean is
    ``factor`` times what it was; the classes' shapes do not change."""
    classes, y_index = np.unique(y, return_inverse=True)
    centre = X.mean(axis=0)
    means = np.array([X[y_index == c].mean(axis=0) for c in range(len(classes))])
    return X + (factor - 1.0) * (means - centre)[y_index]  # (n_samples, n_features)


def histogram_bins(X, n_bins=40):
    """Bin edges shared by every direction: projections of ``X - mean`` onto a unit
    vector lie within the largest distance of a point from the mean."""
    reach = np.linalg.norm(X - X.mean(axis=0), axis=1).max()
    return np.linspace(-reach, reach, n_bins + 1)


def plot_projection(
    X,
    y,
    w,
    ax_points,
    ax_histogram,
    *,
    bins=None,
    other=None,
    class_names=None,
    feature_names=("feature 1", "feature 2"),
    title=None,
):
    """Two-feature data with the line of direction ``w`` through their mean (left),
    and the histograms of the points projected onto it (right).

    ``other`` is an optional ``(direction, label, colour)`` drawn dashed for
    comparison (Fisher's direction, say).
    """
    classes = np.unique(y)
    names = class_names or [str(label) for label in classes]
    w = np.asarray(w, dtype=float) / np.linalg.norm(w)
    centre = X.mean(axis=0)
    bins = histogram_bins(X) if bins is None else bins
    reach = bins[-1]
    for index, label in enumerate(classes):
        members = X[y == label]
        ax_points.scatter(
            *members.T,
            s=14,
            color=COLOURS[index],
            edgecolor="k",
            linewidth=0.3,
            alpha=0.8,
            label=names[index],
        )
        ax_histogram.hist(
            (members - centre) @ w,
            bins=bins,
            color=COLOURS[index],
            alpha=0.6,
            label=names[index],
        )
    ends = centre + np.outer([-reach, reach], w)  # the line's two ends
    ax_points.plot(*ends.T, color="black", linewidth=2, label="direction w")
    if other is not None:
        direction, label, colour = other
        direction = np.asarray(direction, dtype=float) / np.linalg.norm(direction)
        ends = centre + np.outer([-reach, reach], direction)
        ax_points.plot(*ends.T, color=colour, linestyle="--", linewidth=2, label=label)
    # A square window around the data: the lines run through it, and equal scales
    # keep right angles right.
    low, high = X.min(axis=0), X.max(axis=0)
    half = 0.55 * np.max(high - low)
    middle = (low + high) / 2
    ax_points.set_xlim(middle[0] - half, middle[0] + half)
    ax_points.set_ylim(middle[1] - half, middle[1] + half)
    ax_points.set_aspect("equal", adjustable="box")
    ax_points.set_xlabel(feature_names[0])
    ax_points.set_ylabel(feature_names[1])
    ax_points.legend(loc="upper left", fontsize=8)
    ax_histogram.set_xlabel("projection onto w")
    ax_histogram.set_ylabel("count")
    ax_histogram.set_xlim(bins[0], bins[-1])
    if title:
        ax_points.set_title(title, fontsize=10)
    return ax_points, ax_histogram


def ellipse_points(mean, covariance, n_stds=(1, 2), n_points=64):
    """Contours of a 2-D Gaussian at ``n_stds`` standard deviations, as (xs, ys)
    with NaN between the ellipses (a break in the line).

    With ``covariance = L L'`` (Cholesky), the points ``mean + k L u`` for unit
    vectors ``u`` have Mahalanobis distance ``k`` from the mean.
    """
    angles = np.append(np.linspace(0.0, 2.0 * np.pi, n_points), np.nan)
    circle = np.array([np.cos(angles), np.sin(angles)])  # (2, n_points + 1)
    factor = np.linalg.cholesky(covariance)
    pieces = [mean[:, np.newaxis] + k * factor @ circle for k in n_stds]
    points = np.hstack(pieces)  # (2, len(n_stds) * (n_points + 1))
    return points[0], points[1]


def plot_shared_gaussians(
    model,
    X,
    y,
    ax,
    *,
    resolution=150,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
    title=None,
):
    """A fitted 2-feature model: the regions each class wins, every class's Gaussian
    at 1 and 2 standard deviations (one shared, tilted shape), and the points."""
    from matplotlib.colors import ListedColormap

    n_classes = len(model.classes_)
    names = class_names or [str(label) for label in model.classes_]
    grid_x, grid_y, predicted = predicted_regions(model, X, resolution)
    ax.pcolormesh(
        grid_x,
        grid_y,
        predicted,
        cmap=ListedColormap(COLOURS[:n_classes]),
        alpha=0.2,
        shading="auto",
        vmin=-0.5,
        vmax=n_classes - 0.5,
    )
    for index, label in enumerate(model.classes_):
        colour = COLOURS[index]
        ax.scatter(*X[y == label].T, s=18, color=colour, edgecolor="k", linewidth=0.4)
        xs, ys = ellipse_points(model.means_[index], model.covariance_)
        ax.plot(xs, ys, color=colour, linewidth=2, label=names[index])
        ax.plot(*model.means_[index], marker="+", markersize=12, color="k")
    ax.set_xlim(grid_x[0], grid_x[-1])
    ax.set_ylim(grid_y[0], grid_y[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_projected(Z, y, ax, *, class_names=None, ratios=None, title=None):
    """Points already projected to two discriminant directions, by class."""
    classes = np.unique(y)
    names = class_names or [str(label) for label in classes]
    for index, label in enumerate(classes):
        ax.scatter(
            *Z[y == label, :2].T,
            s=18,
            color=COLOURS[index],
            edgecolor="k",
            linewidth=0.4,
            label=names[index],
        )
    for axis, (set_label, number) in enumerate(
        ((ax.set_xlabel, 1), (ax.set_ylabel, 2))
    ):
        share = "" if ratios is None else f" ({100 * ratios[axis]:.0f} %)"
        set_label(f"discriminant direction {number}{share}")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def criterion_curve(X, y, angles=None):
    """Fisher's criterion J of every direction at ``angles`` (degrees, default every
    degree from 0 to 179)."""
    angles = np.arange(180) if angles is None else np.asarray(angles)
    return angles, fisher_criterion(X, y, unit(angles))


def _explorer_figure(X, y, angle, shrinkage, bins, feature_names, class_names):
    """The live explorer's figure for one setting."""
    import matplotlib.pyplot as plt

    with plt.ioff():  # shown in the widget only, not by the notebook
        fig = plt.figure(figsize=(10, 4.6))
    grid = fig.add_gridspec(2, 2, width_ratios=(1.1, 1), hspace=0.6, wspace=0.25)
    ax_points = fig.add_subplot(grid[:, 0])
    ax_histogram = fig.add_subplot(grid[0, 1])
    ax_curve = fig.add_subplot(grid[1, 1])
    fisher = fisher_direction(X, y)
    model = LinearDiscriminantAnalysis(shrinkage=shrinkage).fit(X, y)
    lda = model.scalings_[:, 0]
    w = unit(angle)
    best, current = fisher_criterion(X, y, np.column_stack([fisher, w]))
    plot_projection(
        X,
        y,
        w,
        ax_points,
        ax_histogram,
        bins=bins,
        other=(fisher, "Fisher's direction", "#d62728"),
        class_names=class_names,
        feature_names=feature_names,
    )
    if shrinkage:
        centre, reach = X.mean(axis=0), bins[-1]
        ends = centre + np.outer([-reach, reach], lda / np.linalg.norm(lda))
        ax_points.plot(
            *ends.T,
            color="#9467bd",
            linestyle=":",
            linewidth=2.5,
            label="with shrinkage",
        )
        ax_points.legend(loc="upper left", fontsize=8)
    angles, values = criterion_curve(X, y)
    ax_curve.plot(angles, values, color="black")
    ax_curve.axvline(angle_of(fisher), color="#d62728", linestyle="--")
    ax_curve.plot([angle], [current], "o", color="black")
    if shrinkage:
        ax_curve.axvline(angle_of(lda), color="#9467bd", linestyle=":", linewidth=2.5)
    ax_curve.set_xlabel("angle of w (degrees)")
    ax_curve.set_ylabel("J(w)")
    ax_curve.set_xlim(0, 180)
    text = (
        f"angle {angle:.0f}°: J(w) = {current:.3g}, {100 * current / best:.0f} % of "
        f"Fisher's J = {best:.3g} (at {angle_of(fisher):.0f}°)"
    )
    if shrinkage:
        shrunk = fisher_criterion(X, y, lda)
        text += f"\nshrinkage {shrinkage:.2f}: direction at {angle_of(lda):.0f}°, "
        text += f"J = {shrunk:.3g}"
    fig.suptitle(text, fontsize=10)
    return fig


def live_explorer(X, y, *, feature_names=("feature 1", "feature 2"), class_names=None):
    """ipywidgets controls for the direction's angle, the distance between the
    classes and the shrinkage; every change redraws the projection, its histograms
    and Fisher's criterion over all directions."""
    import ipywidgets as widgets
    from IPython.display import display

    angle = widgets.IntSlider(value=0, min=0, max=179, step=1, description="angle (°)")
    separation = widgets.FloatSlider(
        value=1.0,
        min=0.2,
        max=2.0,
        step=0.1,
        description="separation",
        style={"description_width": "initial"},
    )
    shrinkage = widgets.FloatSlider(
        value=0.0, min=0.0, max=1.0, step=0.05, description="shrinkage"
    )
    out = widgets.Output()
    bins = histogram_bins(with_separation(X, y, separation.max))

    def redraw(_change=None):
        moved = with_separation(X, y, separation.value)
        fig = _explorer_figure(
            moved, y, angle.value, shrinkage.value, bins, feature_names, class_names
        )
        show_figure_in(out, fig)

    for control in (angle, separation, shrinkage):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([angle, separation, shrinkage]), out]))


def static_explorer(
    X,
    y,
    *,
    angles=ANGLES,
    n_bins=40,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
    name="lda-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure whose
    slider turns the direction (and has one stop at Fisher's direction). Each step
    replaces only the line, the two histograms and the marker on the J curve."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    classes = np.unique(y)
    names = class_names or [str(label) for label in classes]
    fisher = fisher_direction(X, y)
    fisher_angle = angle_of(fisher)
    stops = np.sort(np.append(np.asarray(angles, dtype=float), fisher_angle))
    values = fisher_criterion(X, y, unit(stops))
    best = fisher_criterion(X, y, fisher)
    centre = X.mean(axis=0)
    bins = histogram_bins(X, n_bins)
    reach, middles = bins[-1], rounded((bins[:-1] + bins[1:]) / 2, 3)

    figure = make_subplots(
        rows=2,
        cols=2,
        specs=[[{"rowspan": 2}, {}], [None, {}]],
        column_widths=[0.5, 0.5],
        horizontal_spacing=0.1,
        vertical_spacing=0.2,
    )
    for index, label in enumerate(classes):
        figure.add_trace(
            go.Scatter(
                x=rounded(X[y == label, 0], 3),
                y=rounded(X[y == label, 1], 3),
                mode="markers",
                name=names[index],
                marker={
                    "color": COLOURS[index],
                    "size": 5,
                    "line": {"width": 0.5, "color": "black"},
                },
            ),
            row=1,
            col=1,
        )
    ends = centre + np.outer([-reach, reach], fisher)
    figure.add_trace(
        go.Scatter(
            x=rounded(ends[:, 0], 3),
            y=rounded(ends[:, 1], 3),
            mode="lines",
            name="Fisher's direction",
            line={"color": "#d62728", "dash": "dash", "width": 2},
        ),
        row=1,
        col=1,
    )

    def step_data(angle):
        """The line, the two histograms and the J marker for one direction."""
        w = unit(angle)
        ends = centre + np.outer([-reach, reach], w)
        counts = [
            np.histogram((X[y == label] - centre) @ w, bins=bins)[0].tolist()
            for label in classes
        ]
        value = float(fisher_criterion(X, y, w))
        return (
            [
                rounded(ends[:, 0], 3).tolist(),
                *([middles.tolist()] * len(classes)),
                [round(float(angle), 1)],
            ],
            [rounded(ends[:, 1], 3).tolist(), *counts, [round(value, 4)]],
        )

    start = 0
    xs, ys = step_data(stops[start])
    moving = len(figure.data) + np.arange(
        len(classes) + 2
    )  # the traces each step replaces
    figure.add_trace(
        go.Scatter(
            x=xs[0],
            y=ys[0],
            mode="lines",
            name="direction w",
            line={"color": "black", "width": 3},
        ),
        row=1,
        col=1,
    )
    for index in range(len(classes)):
        figure.add_trace(
            go.Bar(
                x=xs[1 + index],
                y=ys[1 + index],
                width=float(bins[1] - bins[0]),
                marker={"color": COLOURS[index]},
                opacity=0.6,
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=2,
        )
    figure.add_trace(
        go.Scatter(
            x=xs[3],
            y=ys[3],
            mode="markers",
            marker={"color": "black", "size": 10},
            showlegend=False,
            hoverinfo="skip",
        ),
        row=2,
        col=2,
    )
    curve_angles, curve = criterion_curve(X, y)
    figure.add_trace(
        go.Scatter(
            x=curve_angles.tolist(),
            y=rounded(curve, 4).tolist(),
            mode="lines",
            line={"color": "black", "width": 1.5},
            name="J(w)",
            showlegend=False,
        ),
        row=2,
        col=2,
    )
    figure.add_vline(
        x=fisher_angle, line={"color": "#d62728", "dash": "dash"}, row=2, col=2
    )

    def title(angle, value):
        return (
            f"angle {angle:.1f}°: J(w) = {value:.3g}, {100 * value / best:.0f} % of "
            f"Fisher's J = {best:.3g} (at {fisher_angle:.1f}°)"
        )

    steps = []
    for angle, value in zip(stops, values, strict=True):
        xs, ys = step_data(angle)
        is_fisher = angle == fisher_angle
        steps.append(
            {
                "label": f"{angle:.1f} (Fisher)" if is_fisher else f"{angle:.0f}",
                "method": "update",
                "args": [
                    {"x": xs, "y": ys},
                    {"title.text": title(angle, value)},
                    moving.tolist(),
                ],
            }
        )
    figure.update_layout(
        title={"text": title(stops[start], values[start]), "font": {"size": 13}},
        height=560,
        barmode="overlay",
        sliders=[
            {
                "active": start,
                "currentvalue": {"prefix": "angle of w (degrees): "},
                "pad": {"t": 50},
                "steps": steps,
            }
        ],
        legend={"x": 0.0, "y": 1.0, "bgcolor": "rgba(255,255,255,0.6)"},
        margin={"t": 70},
    )
    figure.update_xaxes(title_text=feature_names[0], row=1, col=1)
    figure.update_yaxes(
        title_text=feature_names[1], scaleanchor="x", scaleratio=1, row=1, col=1
    )
    figure.update_xaxes(
        title_text="projection onto w", range=[bins[0], bins[-1]], row=1, col=2
    )
    figure.update_yaxes(title_text="count", row=1, col=2)
    figure.update_xaxes(title_text="angle of w (degrees)", range=[0, 180], row=2, col=2)
    figure.update_yaxes(title_text="J(w)", row=2, col=2)
    return PlotlyFigure(figure, name)
