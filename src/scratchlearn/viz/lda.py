"""Figures and the explorer of Chapter 8 (linear discriminant analysis).

Fisher's question, in pictures: project two-dimensional classes onto a direction
(a line through the middle of the data) and look at the two histograms of the
projections. The explorer turns the direction, moves the classes apart or together,
and shrinks the covariance, and shows Fisher's criterion ``J`` for every direction,
with the best one (Fisher's) marked.
"""

import numpy as np

from scratchlearn.supervised import fisher_criterion, fisher_direction
from scratchlearn.supervised.experiments import (
    angle_of,
    histogram_bins,
    shrunk_direction,
    unit,
    with_separation,
)
from scratchlearn.viz.explorer import Control, Explorer, View, show
from scratchlearn.viz.figures import (
    COLOURS,
    class_colourscale,
    class_points,
    curve,
    ellipse_points,
    plot_decision_boundary,
)

# The static explorer's directions (degrees); the live explorer turns the direction
# degree by degree, moves the classes apart or together and shrinks the covariance.
ANGLES = tuple(range(0, 180, 5))
SHRINKAGES = tuple(round(s, 2) for s in np.arange(0.0, 1.001, 0.05))
SEPARATIONS = tuple(round(s, 1) for s in np.arange(0.2, 2.01, 0.1))
# How the explorer draws each direction: in the data, and as a stem on J's curve.
W_STYLE = {"name": "direction w", "colour": "black"}
FISHER_STYLE = {"name": "Fisher's direction", "colour": "#d62728", "dash": "dash"}
SHRUNK_STYLE = {"colour": "#9467bd", "dash": "dot"}
J_STYLE = {"name": "J(w)", "colour": "black", "legend": False}
ANGLE = "angle of w (degrees)"
EVERY_ANGLE = np.arange(180)  # J's curve, a degree apart
# Points and lines on the left, over both rows; histograms and J's curve on the right.
PANELS = {"specs": [[{"rowspan": 2}, {}], [None, {}]], "vertical_spacing": 0.22}
DESCRIPTION = (
    "Two classes projected onto a direction w, the histograms of the projections, "
    "and Fisher's criterion J over every direction"
)


def plot_projection(X, y, w, axes, *, bins=None, names=("x1", "x2"), title=None):
    """Two-feature data (features ``names``) with the line of direction ``w`` through
    their mean, and the histograms of the points projected onto it: ``axes`` holds
    the two matplotlib axes."""
    ax_points, ax_histogram = axes
    w = np.asarray(w, dtype=float) / np.linalg.norm(w)
    centre = X.mean(axis=0)
    bins = histogram_bins(X) if bins is None else bins
    for index, label in enumerate(np.unique(y)):
        members = X[y == label]
        style = {"color": COLOURS[index], "label": str(label)}
        ax_points.scatter(*members.T, s=14, ec="k", lw=0.3, alpha=0.8, **style)
        ax_histogram.hist((members - centre) @ w, bins=bins, alpha=0.6, **style)
    ends = centre + np.outer([bins[0], bins[-1]], w)  # the line's two ends
    ax_points.plot(*ends.T, color="black", linewidth=2, label="direction w")
    # A square window around the data: the line runs through it, and equal scales
    # keep right angles right.
    low, high = X.min(axis=0), X.max(axis=0)
    middle, half = (low + high) / 2, 0.55 * np.max(high - low)
    ax_points.set(xlim=middle[0] + np.array([-half, half]), xlabel=names[0])
    ax_points.set(ylim=middle[1] + np.array([-half, half]), ylabel=names[1])
    ax_points.set_aspect("equal", adjustable="box")
    ax_points.legend(loc="upper left", fontsize=8)
    ax_histogram.set(xlim=bins[[0, -1]], xlabel="projection onto w", ylabel="count")
    if title:
        ax_points.set_title(title, fontsize=10)
    return axes


def plot_shared_gaussians(model, X, y, ax, *, class_names=None, **kwargs):
    """A fitted 2-feature model: the regions each class wins, every class's Gaussian
    at 1 and 2 standard deviations (one shared, tilted shape), and the points.
    ``kwargs`` (``feature_names``, ``title``) go to ``plot_decision_boundary``."""
    plot_decision_boundary(model, X, y, ax, **kwargs)
    names = class_names or [str(label) for label in model.classes_]
    for index, mean in enumerate(model.means_):
        xs, ys = ellipse_points(mean, model.covariance_)
        ax.plot(xs, ys, color=COLOURS[index], linewidth=2, label=names[index])
        ax.plot(*mean, marker="+", markersize=12, color="k")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_projected(Z, y, ax, *, class_names=None, ratios=None, title=None):
    """Points already projected to two discriminant directions, by class."""
    classes = np.unique(y)
    names = class_names or [str(label) for label in classes]
    for index, label in enumerate(classes):
        style = {"color": COLOURS[index], "label": names[index]}
        ax.scatter(*Z[y == label, :2].T, s=18, ec="k", lw=0.4, **style)
    shares = ["", ""] if ratios is None else [f" ({100 * r:.0f} %)" for r in ratios]
    ax.set_xlabel(f"discriminant direction 1{shares[0]}")
    ax.set_ylabel(f"discriminant direction 2{shares[1]}")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def direction_traces(X, reach, direction, value, style):
    """A direction as the explorer draws it, with ``style`` (``curve``'s name, colour
    and dash): a line through the mean of ``X``, ``reach`` long on either side, and
    a stem at its angle up to its criterion ``value`` (for the third panel)."""
    ends = X.mean(axis=0) + np.outer([-reach, reach], direction)  # (2, 2)
    at = angle_of(direction)
    stem = curve([0, value], x=[at, at], markers=True, legend=False, **style)
    return [curve(ends[:, 1], x=ends[:, 0], **style), (stem, (2, 2))]


def projection_bars(X, y, w, bins):
    """The histograms of ``X - mean`` projected onto ``w`` (unit), every class's in
    its colour, as one plotly bar trace (one trace to show or hide per direction)."""
    import plotly.graph_objects as go

    classes, n_bins = np.unique(y), len(bins) - 1
    projected = (X - X.mean(axis=0)) @ w
    counts = [np.histogram(projected[y == c], bins=bins)[0] for c in classes]
    return go.Bar(
        x=np.tile((bins[:-1] + bins[1:]) / 2, len(classes)),  # class after class
        y=np.concatenate(counts),
        width=bins[1] - bins[0],
        marker={"color": np.repeat(np.arange(len(classes)), n_bins), "opacity": 0.6},
        marker_colorscale=class_colourscale(len(classes)),
        marker_cmin=-0.5,
        marker_cmax=len(classes) - 0.5,
        showlegend=False,
        hoverinfo="skip",
    )


def explorer(X, y, *, n_bins=40, feature_names=("x1", "x2")):
    """Two-class data and a direction ``w`` (left), the histograms of the data
    projected onto ``w`` (top right), and Fisher's criterion over every direction
    (bottom right), with ``w``, Fisher's direction (dashed) and LDA's with
    shrinkage (dotted) marked."""
    fisher = fisher_direction(X, y)
    # A stop at Fisher's direction (labelled to a tenth of a degree, drawn exactly).
    # Moving the classes apart keeps their shapes, and so Fisher's direction.
    fisher_stop = round(angle_of(fisher), 1)
    angles = sorted([*ANGLES, fisher_stop])
    live_angles = sorted([*range(180), fisher_stop])

    def draw(separation, shrinkage, angle):
        moved = with_separation(X, y, separation)
        bins = histogram_bins(moved, n_bins)
        w = unit(angle_of(fisher) if angle == fisher_stop else angle)
        directions = [(fisher, FISHER_STYLE)]
        if shrinkage:  # LDA's direction with a shrunk covariance
            shrunk = shrunk_direction(moved, y, shrinkage)
            shrunk_style = {**SHRUNK_STYLE, "name": f"shrinkage {shrinkage:g}"}
            directions.append((shrunk, shrunk_style))
        directions.append((w, W_STYLE))
        # One direction at a time: Fisher's J is then computed from the same numbers
        # in every setting, and its stem is stored once on any processor.
        J = [fisher_criterion(moved, y, direction) for direction, _ in directions]
        title = (
            f"angle {show(angle)}°: J(w) = {J[-1]:.3g}, {100 * J[-1] / J[0]:.0f} % "
            f"of Fisher's J = {J[0]:.3g} (at {fisher_stop:g}°)"
        )
        if shrinkage:
            title += (
                f"; {shrunk_style['name']}: {angle_of(shrunk):.0f}°, J = {J[1]:.3g}"
            )
        every_J = fisher_criterion(moved, y, unit(EVERY_ANGLE))
        traces = [
            *class_points(moved, y),
            (curve(every_J, x=EVERY_ANGLE, **J_STYLE), (2, 2)),
        ]
        for (direction, style), value in zip(directions, J, strict=True):
            traces += direction_traces(moved, bins[-1], direction, value, style)
        traces.append((projection_bars(moved, y, w, bins), 2))
        return View(traces, title, layout={"xaxis2.range": [bins[0], bins[-1]]})

    return Explorer(
        [
            Control("separation", [1.0], live_values=SEPARATIONS),
            Control("shrinkage", [0.0], live_values=SHRINKAGES),
            Control("angle", angles, ANGLE, live_angles, start=0),
        ],
        draw,
        name="lda-explorer",
        panels=(2, 2),
        subplots=PANELS,
        layout={
            "barmode": "overlay",
            "legend": {"orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom"},
            "yaxis.scaleanchor": "x",
            "xaxis3.range": [0, 180],
        },
        axis_titles=[feature_names, ("projection onto w", "count"), (ANGLE, "J(w)")],
        description=DESCRIPTION,
    )
