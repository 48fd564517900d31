"""Figures and the explorer of Chapter 19 (agglomerative clustering).

The dendrogram is drawn from a linkage matrix (ours, in SciPy's format) by
:func:`dendrogram_layout`, which places the leaves as SciPy's ``dendrogram`` does:
a left-first walk from the root, leaf ``i`` of the walk at ``x = 10 i + 5``, each
merge above the middle of its two children, at its height. Cutting the tree at a
height keeps the merges below it: each branch the cut crosses is a cluster. The
explorer picks the linkage (menu) and the cut height (slider) and shows the
clusters beside the dendrogram.
"""

import functools

import numpy as np

from scratchlearn.unsupervised.agglomerative import LINKAGES, cut_tree, linkage
from scratchlearn.unsupervised.experiments import (
    cluster_tops,
    first_leaves,
    n_clusters_below,
)
from scratchlearn.viz.explorer import Control, Explorer, View, show
from scratchlearn.viz.figures import CLUSTER_COLOURS, COLOURS

# Cut heights as shares of the tree's height (the last merge): the linkages' trees
# have very different heights, a share means the same on all of them.
CUTS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8)
LIVE_CUTS = tuple(round(c, 2) for c in np.arange(0.01, 0.991, 0.01))
TREE_COLOUR = "#555555"
DESCRIPTION = (
    "Agglomerative clustering of two moons and a blob: the points coloured by "
    "cluster (left) and the dendrogram with the cut (right), each branch the cut "
    "crosses marked in its cluster's colour"
)


def dendrogram_layout(Z):
    """Where a dendrogram draws every cluster of the linkage matrix ``Z``.

    Returns
    -------
    leaves : ndarray of shape (n_samples,)
        The points from left to right (SciPy's ``dendrogram(Z)["leaves"]``).
    x : ndarray of shape (2 n_samples - 1,)
        Horizontal position of each cluster (points first, then merges).
    height : ndarray of shape (2 n_samples - 1,)
        0 for the points, the merge distance for the others.
    """
    n_samples = len(Z) + 1
    children = Z[:, :2].astype(np.intp)  # (n_samples - 1, 2)
    size = np.concatenate([np.ones(n_samples), Z[:, 3]])  # points under each node
    # From the root down: the left child starts where its parent starts, the right
    # child after the left one's points.
    start = np.zeros(2 * n_samples - 1)
    for k in range(n_samples - 2, -1, -1):
        left, right = children[k]
        start[left] = start[n_samples + k]
        start[right] = start[n_samples + k] + size[left]
    x = np.empty(2 * n_samples - 1)
    x[:n_samples] = 10 * start[:n_samples] + 5
    for k in range(n_samples - 1):  # from the bottom up: children come first
        x[n_samples + k] = x[children[k]].mean()
    height = np.concatenate([np.zeros(n_samples), Z[:, 2]])
    return np.argsort(start[:n_samples]), x, height


def dendrogram_lines(Z):
    """Every merge's upside-down U (from the left child up to the merge's height,
    across, and down to the right child) as one polyline with NaN gaps: ``xs``
    and ``ys`` of shape (5 (n_samples - 1),)."""
    _, x, height = dendrogram_layout(Z)
    n_samples = len(Z) + 1
    left, right = Z[:, 0].astype(np.intp), Z[:, 1].astype(np.intp)
    top = height[n_samples:]
    gap = np.full(n_samples - 1, np.nan)
    xs = np.column_stack([x[left], x[left], x[right], x[right], gap]).ravel()
    ys = np.column_stack([height[left], top, top, height[right], gap]).ravel()
    return xs, ys


def plot_dendrogram(Z, ax, *, cut=None, leaf_labels=False, title=None):
    """Draw the dendrogram of ``Z`` with matplotlib, and the cut at height ``cut``
    with each branch it crosses marked in its cluster's colour; ``leaf_labels``
    writes each point's number under its leaf."""
    leaves, x, _ = dendrogram_layout(Z)
    xs, ys = dendrogram_lines(Z)
    ax.plot(xs, ys, color=TREE_COLOUR, linewidth=0.8)
    if cut is not None:
        tops, colours = crossings(Z, cut)
        ax.axhline(cut, color="black", linestyle="--", linewidth=1)
        ax.scatter(x[tops], np.full(len(tops), cut), c=colours, s=40, zorder=3)
    ticks = x[leaves] if leaf_labels else []
    ax.set_xticks(ticks, [str(leaf) for leaf in leaves] if leaf_labels else [])
    ax.set(xlim=(0, 10 * (len(Z) + 1)), ylabel="merge distance")
    if title:
        ax.set_title(title)
    return ax


def crossings(Z, cut):
    """The clusters a cut at height ``cut`` crosses, and the colour of each (its
    cluster number, as :func:`~scratchlearn.unsupervised.agglomerative.cut_tree`
    numbers them, cycling through the book's colours)."""
    n_clusters = n_clusters_below(Z, cut)
    tops = cluster_tops(Z, n_clusters)
    labels = cut_tree(Z, n_clusters)
    leaves, _, _ = dendrogram_layout(Z)
    first_leaf = first_leaves(Z, leaves)
    return tops, np.array(COLOURS)[labels[first_leaf[tops]] % len(COLOURS)]


def explorer(X, *, feature_names=("x1", "x2")):
    """The clusters of ``X`` (two features) for each linkage and cut height, with
    the dendrogram and the cut beside them."""
    import plotly.graph_objects as go

    @functools.cache  # each linkage's tree is built once
    def tree(method):
        Z = linkage(X, method)
        return Z, dendrogram_layout(Z)[1], dendrogram_lines(Z)

    def draw(method, cut):
        Z, x, (xs, ys) = tree(method)
        height = cut * Z[-1, 2]
        n_clusters = n_clusters_below(Z, height)
        labels = cut_tree(Z, n_clusters)
        tops, colours = crossings(Z, height)
        colour = (labels % len(COLOURS)).astype(np.int8)  # (n_samples,)
        marker = {"color": colour, "coloraxis": "coloraxis", "size": 7}
        points = go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", marker=marker)
        lines = go.Scatter(x=xs, y=ys, mode="lines", line_color=TREE_COLOUR)
        cut_line = go.Scatter(
            x=[0, 10 * len(X)], y=[height, height], mode="lines", line_dash="dash"
        )
        branches = go.Scatter(
            x=x[tops], y=np.full(len(tops), height), mode="markers", marker_size=9
        )
        branches.marker.color = colours
        cut_line.line.color = "black"
        for trace in (points, lines, cut_line, branches):
            trace.update(showlegend=False, hoverinfo="skip")
        return View(
            [points, (lines, 2), (cut_line, 2), (branches, 2)],
            title=(
                f"{method} linkage, cut at {show(cut)} of the tree's height "
                f"({height:.3g}): {n_clusters} cluster{'s' * (n_clusters != 1)}"
            ),
            layout={"yaxis2.range": [0, 1.05 * Z[-1, 2]]},
        )

    return Explorer(
        [
            Control("method", LINKAGES, label="linkage", start="single"),
            Control("cut", CUTS, "cut height (share of the tree's)", LIVE_CUTS, 0.3),
        ],
        draw,
        name="agglomerative-explorer",
        panels=(1, 2),
        subplot_titles=("clusters", "dendrogram"),
        layout={
            "xaxis": {"title.text": feature_names[0]},
            "yaxis": {"title.text": feature_names[1], "scaleanchor": "x"},
            "xaxis2": {"showticklabels": False, "range": [0, 10 * len(X)]},
            "yaxis2.title.text": "merge distance",
            "coloraxis": CLUSTER_COLOURS,
        },
        description=DESCRIPTION,
    )
