"""Figures and the explorer of Chapter 16 (k-means).

Lloyd's algorithm is drawn an iteration at a time: the *assignment* colours the
plane by the nearest centre (each centre's Voronoi cell, so every point takes the
colour of the cell it lies in), the *update* moves every centre to the mean of the
points in its cell (a line from where it was to the cross where it goes). Beside it,
the inertia after every assignment and every update: it never rises. The explorer
chooses the start (k-means++ or random points, and the seed) and the number of
clusters.
"""

import numpy as np

from scratchlearn.unsupervised.experiments import (
    MAX_ITERATIONS,
    inertia_by_step,
    kmeans_runs,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    REFERENCE_COLOUR,
    TRAIN_COLOUR,
    cell_traces,
    chosen_line,
    curve,
    data_points,
)


def iteration_view(path, iteration):
    """What iteration ``iteration`` shows: the centres whose cells are drawn (None
    at the start), the centres drawn, the centres they moved from (None if they did
    not move) and its name. Beyond the last iteration, the final state."""
    if iteration == 0:
        return None, path[0]["before"], None, "start"
    if iteration > len(path):
        final = path[-1]["after"]
        name = f"converged (iteration {len(path) + 1} changes no label)"
        return final, final, None, name
    record = path[iteration - 1]
    name = f"iteration {iteration}"
    return record["before"], record["after"], record["before"], name


def centre_trace(centres, moved_from):
    """The centres as black crosses (each in its cell's colour); after an update,
    with a line from where each was (one trace: the old ends are markers of size
    0)."""
    import plotly.graph_objects as go

    k = len(centres)
    if moved_from is None:
        xy, sizes = centres, 14
    else:
        xy = np.full((3 * k, 2), np.nan)  # old, new, gap: a segment per centre
        xy[0::3], xy[1::3] = moved_from, centres
        sizes = np.tile([0, 14, 0], k)  # an array: plotly stores it compactly
    return go.Scatter(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers" if moved_from is None else "lines+markers",
        line={"color": "black", "width": 1.5},
        marker={"symbol": "x-thin", "size": sizes, "line": {"width": 3}},
        marker_color="black",
        name="centres",
    )


def inertia_curves(steps, inertias, best):
    """The inertia along the run, and the best of ten k-means++ runs (dashed)."""
    return [
        curve(inertias, x=steps, name="inertia", colour=TRAIN_COLOUR, markers=True),
        curve(
            [best, best],
            x=[0, MAX_ITERATIONS + 1],
            name="best of 10 runs",
            colour=REFERENCE_COLOUR,
            dash="dash",
        ),
    ]


def layout(box, feature_names):
    """The explorer's axes: the points' box in equal units (so that the cells'
    edges stand at right angles to the lines between centres), the iterations."""
    return {
        "xaxis.title.text": feature_names[0],
        "yaxis.title.text": feature_names[1],
        "xaxis.range": list(box[0]),
        "yaxis.range": list(box[1]),
        "yaxis.scaleanchor": "x",
        "xaxis.constrain": "domain",
        "yaxis.constrain": "domain",
        "xaxis2.title.text": "iteration (assign at .5, update at the integer)",
        "xaxis2.range": [0, MAX_ITERATIONS + 0.5],
        "legend": {"x": 1, "xanchor": "right", "y": 1, "yanchor": "top"},
    }


def explorer(X, *, seed=0, static_iterations=6, feature_names=("x1", "x2"), margin=0.5):
    """Lloyd's algorithm on two features, an iteration at a time (slider), for
    each start and number of clusters (menu), beside the inertia after every
    assignment and update and the best inertia of ten k-means++ runs (dashed).

    The static explorer shows k = 3 and 4, the starts drawn with ``seed`` and
    iterations 0 to ``static_iterations`` (every setting stored costs the page
    weight); the live one, k = 2 to 6, seeds 0 to 99 and up to
    ``MAX_ITERATIONS``."""

    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    box = ((low[0], high[0]), (low[1], high[1]))
    points = data_points(*X.T, "points", "#333333", size=5).update(hoverinfo="skip")

    path_of, best_inertia = kmeans_runs(X)

    def draw(init, n_clusters, seed, iteration):
        path = path_of(init, n_clusters, seed)
        assigned_to, centres, moved_from, name = iteration_view(path, iteration)
        steps, inertias = inertia_by_step(path)
        curves = inertia_curves(steps, inertias, best_inertia(n_clusters))
        done = min(iteration, len(path))
        inertia = f", inertia {inertias[2 * done - 1]:.4g}" if done else ""
        cells = [] if assigned_to is None else cell_traces(assigned_to, box)
        return View(
            [
                *cells,
                points,
                centre_trace(centres, moved_from),
                *((trace, 2) for trace in curves),
            ],
            title=f"k={n_clusters}, init {init}, seed {seed}: {name}{inertia}",
            layout={"shapes": [chosen_line(done)] if done else []},
        )

    return Explorer(
        [
            Control("init", ["k-means++", "random"]),
            Control("n_clusters", [3, 4], label="k", live_values=range(2, 7)),
            Control("seed", [seed], live_values=range(100)),
            Control(
                "iteration",
                range(static_iterations + 1),
                live_values=range(MAX_ITERATIONS + 1),
                start=0,
            ),
        ],
        draw,
        name="kmeans-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.6, 0.4], "horizontal_spacing": 0.1},
        subplot_titles=("assign (cells), then update (lines)", "inertia"),
        layout=layout(box, feature_names),
        description=(
            "Lloyd's algorithm for k-means on two features, an iteration at a time: "
            "the cells of the centres, the centres moving to their clusters' means, "
            "and the inertia after every assignment and update"
        ),
    )
