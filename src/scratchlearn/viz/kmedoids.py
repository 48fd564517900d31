"""Figures and the explorer of Chapter 17 (k-medoids).

PAM is drawn a step at a time: the build adds the medoids one by one, then each
swap exchanges one medoid for the point that lowers the total distance most (a line
from the medoid that leaves to the one that comes in), until no swap helps. The
points take the colour of their nearest medoid; k-means's centres on the same data
are drawn as black crosses, so that adding far outliers shows which of the two they
pull away from the groups. Beside it, the total distance after every step.
"""

import functools

import numpy as np

from scratchlearn.unsupervised import KMeans
from scratchlearn.unsupervised.experiments import MAX_STEPS, pam_path
from scratchlearn.unsupervised.kmedoids import (
    exact_distances,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    TRAIN_COLOUR,
    chosen_line,
    class_colourscale,
    curve,
)


def step_title(path, step):
    """What step ``step`` (1-based) did, in words."""
    if step > len(path):
        swaps = sum(record["kind"] == "swap" for record in path)
        return f"no swap lowers the total: PAM stops after {swaps} swap(s)"
    record = path[step - 1]
    if record["kind"] == "build":
        added = record["medoids"][-1]
        return f"build {len(record['medoids'])}: point {added} added"
    return f"swap: medoid {record['out']} out, point {record['in']} in"


def points_trace(X, labels, n_clusters):
    """The points in the colour of their cluster (one trace: a colour index each)."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=X[:, 0],
        y=X[:, 1],
        mode="markers",
        marker={
            "size": 7,
            "color": labels,
            "colorscale": class_colourscale(n_clusters, _colours(n_clusters)),
            "cmin": -0.5,
            "cmax": n_clusters - 0.5,
            "line": {"width": 0.5, "color": "black"},
        },
        name="points",
        hoverinfo="skip",
    )


def _colours(n):
    return [COLOURS[i % len(COLOURS)] for i in range(n)]


def medoid_trace(X, record):
    """The medoids as large diamonds; after a swap, a dotted line from the one
    that left (a hollow diamond) to the one that came in."""
    import plotly.graph_objects as go

    medoids = record["medoids"]
    k = len(medoids)
    if record["kind"] != "swap":
        xy, sizes, symbols, colours = X[medoids], 16, "diamond", _colours(k)
    else:
        xy = np.full((2 * k + 2, 2), np.nan)  # medoid, gap, ..., medoid, gap, out, in
        xy[0 : 2 * k : 2], xy[2 * k], xy[2 * k + 1] = (
            X[medoids],
            X[record["out"]],
            X[record["in"]],
        )
        sizes = [16, 0] * k + [16, 0]
        symbols = ["diamond", "diamond"] * k + ["diamond-open", "diamond"]
        colours = [c for c in _colours(k) for _ in range(2)] + ["black", "black"]
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="lines+markers" if record["kind"] == "swap" else "markers",
        line={"color": "black", "width": 1.5, "dash": "dot"},
        marker={
            "size": sizes,
            "symbol": symbols,
            "color": colours,
            "line": {"color": "black", "width": 1.5},
        },
        name="medoids",
    )


def cross_trace(centres):
    """k-means's centres as black crosses."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=centres[:, 0],
        y=centres[:, 1],
        mode="markers",
        marker={"symbol": "x-thin", "size": 14, "line": {"width": 3}},
        marker_color="black",
        name="k-means centres",
    )


def layout(feature_names):
    """The explorer's axes: the points in equal units, the PAM steps."""
    return {
        "xaxis.title.text": feature_names[0],
        "yaxis.title.text": feature_names[1],
        "yaxis.scaleanchor": "x",
        "xaxis2.title.text": "PAM step (build, then swaps)",
        "xaxis2.range": [0.5, MAX_STEPS + 0.5],
        "legend": {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"},
    }


def explorer(X, outliers, *, feature_names=("x1", "x2"), static_steps=8):
    """PAM on two features, a step at a time (slider), for each number of clusters
    and with or without the far points ``outliers`` (menu), beside the total
    distance after each step; k-means's centres on the same data as crosses."""

    @functools.cache
    def data(n_outliers):
        return np.vstack([X, outliers[:n_outliers]])

    @functools.cache
    def path_of(n_outliers, n_clusters):
        both = data(n_outliers)
        return pam_path(exact_distances(both, both), n_clusters)

    @functools.cache
    def kmeans_centres(n_outliers, n_clusters):
        return KMeans(n_clusters, random_state=0).fit(data(n_outliers)).cluster_centers_

    def draw(n_outliers, n_clusters, step):
        both, path = data(n_outliers), path_of(n_outliers, n_clusters)
        shown = min(step, len(path))
        record = path[shown - 1]
        if step > len(path):  # the final medoids, with no swap drawn
            record = {**record, "kind": "final"}
        labels = np.argmin(exact_distances(both, both[record["medoids"]]), axis=1)
        costs = [r["cost"] for r in path]
        total = curve(costs, name="total distance", colour=TRAIN_COLOUR, markers=True)
        return View(
            [
                points_trace(both, labels, n_clusters),
                cross_trace(kmeans_centres(n_outliers, n_clusters)),
                medoid_trace(both, record),
                (total, 2),
            ],
            title=(
                f"k={n_clusters}, {n_outliers} outlier(s): {step_title(path, step)}; "
                f"total distance {costs[shown - 1]:.4g}"
            ),
            layout={"shapes": [chosen_line(shown)]},
        )

    return Explorer(
        [
            Control(
                "n_outliers",
                [0, len(outliers)],
                label="outliers",
                live_values=range(len(outliers) + 1),
            ),
            Control(
                "n_clusters", [2, 3, 4], label="k", live_values=range(1, 7), start=3
            ),
            Control(
                "step",
                range(1, static_steps + 1),
                live_values=range(1, MAX_STEPS + 1),
                start=1,
            ),
        ],
        draw,
        name="kmedoids-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.6, 0.4], "horizontal_spacing": 0.1},
        subplot_titles=(
            "medoids (diamonds) and k-means centres (crosses)",
            "total distance",
        ),
        layout=layout(feature_names),
        description=(
            "PAM's build and swap steps for k-medoids on two features, with k-means's "
            "centres for comparison and the total distance after each step"
        ),
    )
