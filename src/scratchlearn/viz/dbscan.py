"""Figures and the explorer of Chapter 18 (DBSCAN).

A fitted DBSCAN is drawn as three kinds of point: core points (large, filled, in
their cluster's colour), border points (rings in their cluster's colour) and noise
(grey crosses), with a circle of radius ``eps`` for scale. The explorer moves
``eps`` (slider) and ``min_samples`` (menu).
"""

import functools

import numpy as np

from scratchlearn.unsupervised import DBSCAN
from scratchlearn.unsupervised.experiments import point_kinds
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import CLUSTER_COLOURS, COLOURS

# The static explorer's settings; the live explorer's are finer.
EPS = (0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3)
MIN_SAMPLES = (3, 6, 12)
LIVE_EPS = tuple(round(e, 2) for e in np.arange(0.03, 0.401, 0.01))
LIVE_MIN_SAMPLES = tuple(range(1, 31))
NOISE_COLOUR = "#7f7f7f"
KINDS = ("core", "border", "noise")
DESCRIPTION = (
    "DBSCAN's clusters on two moons with background noise: core points filled, "
    "border points as rings in their cluster's colour, noise as grey crosses"
)


def summary(model):
    """``"2 clusters; 380 core, 25 border, 35 noise points"``."""
    kinds = point_kinds(model)
    n_clusters = int(model.labels_.max()) + 1
    counts = ", ".join(f"{np.count_nonzero(kinds == k)} {k}" for k in KINDS)
    return f"{n_clusters} cluster{'s' * (n_clusters != 1)}; {counts} points"


def plot_clusters(model, X, ax, *, title=None, names=("x1", "x2")):
    """A fitted DBSCAN on two features, with matplotlib (the chapter's still
    pictures): core points filled, border points as rings, noise as crosses."""
    kinds, labels = point_kinds(model), model.labels_
    colours = np.array(COLOURS)[labels % len(COLOURS)]
    core, border, noise = (kinds == kind for kind in KINDS)
    ax.scatter(*X[core].T, s=28, c=colours[core], ec="k", lw=0.4, label="core")
    ax.scatter(*X[border].T, s=28, fc="none", ec=colours[border], lw=1.3)
    ax.scatter([], [], s=28, fc="none", ec="k", lw=1.3, label="border")  # key only
    ax.scatter(*X[noise].T, s=22, c=NOISE_COLOUR, marker="x", lw=1, label="noise")
    ax.set(xlabel=names[0], ylabel=names[1], aspect="equal")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(title or f"eps = {model.eps:g}, min_samples = {model.min_samples}")
    return ax


def kind_traces(model, X):
    """The plotly traces of a fitted DBSCAN: one per kind of point, coloured by
    cluster through a numeric colour (a cluster's number, cycling through the
    book's colours, on the figure's shared colour axis :data:`CLUSTER_COLOURS`),
    so that a setting stores three traces however many clusters it has."""
    import plotly.graph_objects as go

    kinds, labels = point_kinds(model), model.labels_
    shared = {"coloraxis": "coloraxis"}  # the explorer's layout holds the scale
    markers = {
        "core": {"size": 8, "line": {"width": 0.5, "color": "black"}, **shared},
        "border": {"size": 8, "symbol": "circle-open", "line": {"width": 2}, **shared},
        "noise": {"size": 7, "symbol": "x-thin-open", "color": NOISE_COLOUR},
    }
    traces = []
    for kind in KINDS:
        members = kinds == kind
        marker = dict(markers[kind])
        if kind != "noise":
            marker["color"] = (labels[members] % len(COLOURS)).astype(np.int8)
        traces.append(
            go.Scatter(
                x=X[members, 0],
                y=X[members, 1],
                mode="markers",
                marker=marker,
                name=kind,
                hoverinfo="skip",
            )
        )
    return traces


def eps_circle(centre, eps):
    """A plotly layout shape: the circle of radius ``eps`` around ``centre``."""
    return {
        "type": "circle",
        "xref": "x",
        "yref": "y",
        "x0": centre[0] - eps,
        "x1": centre[0] + eps,
        "y0": centre[1] - eps,
        "y1": centre[1] + eps,
        "line": {"color": "black", "width": 1, "dash": "dot"},
    }


def explorer(X, *, feature_names=("x1", "x2")):
    """DBSCAN on two features: its core, border and noise points and how many
    clusters it finds, for each ``eps`` and ``min_samples``. A dotted circle of
    radius ``eps`` around the first point shows the neighbourhood's size."""
    low, high = X.min(axis=0) - 0.1, X.max(axis=0) + 0.1

    @functools.cache  # the live explorer refits only settings it has not seen
    def fitted(eps, min_samples):
        return DBSCAN(eps, min_samples=min_samples).fit(X)

    def draw(min_samples, eps):
        model = fitted(eps, min_samples)
        return View(
            kind_traces(model, X),
            title=f"eps = {eps:g}, min_samples = {min_samples}: {summary(model)}",
            layout={"shapes": [eps_circle(X[0], eps)]},
        )

    return Explorer(
        [
            Control("min_samples", MIN_SAMPLES, live_values=LIVE_MIN_SAMPLES, start=6),
            Control("eps", EPS, live_values=LIVE_EPS, start=0.2),
        ],
        draw,
        name="dbscan-explorer",
        layout={
            "xaxis": {"title.text": feature_names[0], "range": [low[0], high[0]]},
            "yaxis": {
                "title.text": feature_names[1],
                "range": [low[1], high[1]],
                "scaleanchor": "x",
            },
            "legend": {"orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom"},
            "coloraxis": CLUSTER_COLOURS,
        },
        description=DESCRIPTION,
    )
