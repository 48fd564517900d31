"""Agglomerative (hierarchical) clustering: single, complete, average and Ward
linkage (Chapter 19).

Start with every point in a cluster of its own; merge the two closest clusters;
repeat until one cluster is left. The merges form a tree (a *dendrogram*); cutting
it at a height, or where ``n_clusters`` branches remain, gives a flat clustering.
What "closest" means is the *linkage*: the distance between two clusters is the
smallest distance between their points (single), the largest (complete), the mean
(average), or the growth of the within-cluster sum of squares that merging them
would cause (Ward).

The naive loop (find the closest pair among all clusters, merge, repeat) costs
O(n^3). This module uses the **nearest-neighbour chain** algorithm instead (Murtagh
1983; the one SciPy uses for these linkages): follow a chain of nearest neighbours
``a -> b -> c -> ...`` until two clusters are each other's nearest neighbour, merge
those, and continue from what is left of the chain. For the four linkages here
merging two mutual nearest neighbours never brings another cluster closer than
they were (Bruynooghe's *reducibility*), so the chain stays valid after a merge and
the merges are the same as the naive loop's. Each merge updates one row of the
distance matrix by the Lance-Williams formula, and the chain grows by at most
``3 n`` steps in all, each a scan of one row: **O(n^2) time and O(n^2) memory**.

Ties are broken deterministically and as SciPy's ``linkage`` breaks them: the chain
starts at the lowest-numbered cluster; among equal nearest neighbours the previous
link of the chain is kept, else the lowest-numbered one; the merged cluster takes
the higher number of its two parts. Distances are computed feature by feature as
:math:`\\sqrt{\\sum_j (x_{ij} - x_{kj})^2}`, the same arithmetic as SciPy's
``pdist`` and the same on every processor.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClusterMixin
from scratchlearn.distances import pairwise_distances
from scratchlearn.utils.validation import (
    Interval,
    Options,
    check_array,
    check_predict_input,
)

LINKAGES = ("ward", "complete", "average", "single")
# Running sums of distances kept to about 2**16 values (512 KB): the cache's size.
_CACHE_VALUES = 2**16


def euclidean_distance_matrix(X):
    """Distances between all rows of ``X``, shape (n_samples, n_samples).

    Summed one feature at a time, in order, so that every entry is rounded exactly
    as SciPy's ``pdist`` rounds it, on any processor (no matrix product, whose
    rounding depends on the BLAS library). A block of rows at a time, against the
    rows from the block on (the matrix is symmetric: the rest is a copy), so that
    the running sums stay in the processor's cache.
    """
    n_samples = len(X)
    columns = np.ascontiguousarray(X.T)  # (n_features, n): each feature contiguous
    D = np.empty((n_samples, n_samples))
    rows = max(1, _CACHE_VALUES // n_samples)
    difference = np.empty(rows * n_samples)
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        squared = D[start:stop, start:]  # (block, n - start), a view
        squared[:] = 0.0
        step = difference[: squared.size].reshape(squared.shape)
        for column in columns:
            np.subtract(column[start:stop, np.newaxis], column[start:], out=step)
            step *= step
            squared += step
        np.sqrt(squared, out=squared)
        D[start:, start:stop] = squared.T  # the mirror image below the diagonal
    return D


def lance_williams(linkage, d_xi, d_yi, d_xy, n_x, n_y, n_i):
    """Distance from the merge of clusters ``x`` and ``y`` to every cluster ``i``.

    Parameters
    ----------
    linkage : {"ward", "complete", "average", "single"}
    d_xi, d_yi : ndarrays of shape (n_clusters,)
        Distances from ``x`` and from ``y`` to each cluster.
    d_xy : float
        The distance between ``x`` and ``y``.
    n_x, n_y : int
        Sizes of ``x`` and ``y``.
    n_i : ndarray of shape (n_clusters,)
        Size of each cluster.

    Notes
    -----
    Lance and Williams (1967): each linkage's distance to a merged cluster follows
    from the distances to its two parts, so the points themselves are never looked
    at again. Ward's formula works on distances, not squared ones, as SciPy's does:

    .. math::

        d(x \\cup y, i)^2 = \\frac{(n_i + n_x)\\, d_{xi}^2 + (n_i + n_y)\\, d_{yi}^2
        - n_i\\, d_{xy}^2}{n_x + n_y + n_i}.
    """
    if linkage == "single":
        return np.minimum(d_xi, d_yi)
    if linkage == "complete":
        return np.maximum(d_xi, d_yi)
    if linkage == "average":
        return (n_x * d_xi + n_y * d_yi) / (n_x + n_y)
    t = 1.0 / (n_x + n_y + n_i)
    return np.sqrt(
        (n_i + n_x) * t * d_xi * d_xi
        + (n_i + n_y) * t * d_yi * d_yi
        - n_i * t * d_xy * d_xy
    )


def merge(D, size, x, y, linkage):
    """Merge clusters ``x < y`` into slot ``y``, in place: row and column ``y`` of
    the cluster distances ``D`` get the merged cluster's distances (Lance-Williams),
    row and column ``x`` go to infinity, and ``size`` follows.

    Returns
    -------
    row : list
        ``[x, y, distance, size of the merged cluster]``: one row of the merges.
    """
    d_xy, n_x, n_y = D[x, y], size[x], size[y]
    updated = lance_williams(linkage, D[x], D[y], d_xy, n_x, n_y, size)  # (n,)
    # Slots merged away earlier stay at infinity: every formula maps (inf, inf) to
    # inf. The merged cluster is not its own neighbour.
    updated[y] = np.inf
    D[y, :] = updated
    D[:, y] = updated
    D[x, :] = np.inf
    D[:, x] = np.inf
    size[x], size[y] = 0, n_x + n_y
    return [x, y, d_xy, n_x + n_y]


def start_distances(X):
    """The distances between the points with an infinite diagonal (a cluster is
    not its own neighbour), and the size of each one-point cluster."""
    D = euclidean_distance_matrix(X)  # (n, n)
    np.fill_diagonal(D, np.inf)
    return D, np.ones(len(X))


def naive_linkage(X, method="ward"):
    """Agglomerative clustering by its definition: O(n^3) time.

    Each of the ``n - 1`` steps scans the whole matrix of cluster distances for
    its smallest entry (O(n^2) work), merges those two clusters and updates the
    distances (:func:`merge`). For comparison with :func:`linkage`, which finds the
    same merges in O(n^2) time; among equal distances this one takes the first in
    row-major order, not SciPy's choice.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        The linkage matrix (see :func:`linkage_matrix`).
    """
    D, size = start_distances(check_array(X))
    merges = []
    for _ in range(len(D) - 1):
        x, y = np.unravel_index(np.argmin(D), D.shape)  # the closest pair
        merges.append(merge(D, size, min(x, y), max(x, y), method))
    return linkage_matrix(np.array(merges))


def nearest_neighbour_chain(X, linkage):
    """The merges of agglomerative clustering, in the order the chain finds them.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    linkage : {"ward", "complete", "average", "single"}

    Returns
    -------
    merges : ndarray of shape (n_samples - 1, 4)
        One row per merge: the two clusters merged, named by *slot* (the cluster
        in slot ``s`` always holds point ``s``; a merge keeps the higher slot),
        their distance and the size of the merged cluster. Not yet sorted by
        distance; :func:`linkage_matrix` sorts and renames them.

    Notes
    -----
    O(n^2) time and memory: see the module docstring.
    """
    D, size = start_distances(X)  # (n, n), updated in place; (n,)
    merges = []
    chain = []
    while len(merges) < len(D) - 1:
        if not chain:
            chain.append(int(np.argmax(size > 0)))  # the first slot still in use
        while True:  # follow nearest neighbours until two are mutual
            x = chain[-1]
            y = int(D[x].argmin())  # merged slots are at infinity
            if len(chain) > 1 and D[x, chain[-2]] <= D[x, y]:
                y = chain[-2]  # the previous link: mutual nearest neighbours
                break
            chain.append(y)
        del chain[-2:]
        merges.append(merge(D, size, min(x, y), max(x, y), linkage))
    return np.array(merges)


def minimum_spanning_tree(X):
    """The edges of a minimum spanning tree of the points, by Prim's algorithm.

    Single linkage merges the two clusters with the closest pair of points, which
    is Kruskal's algorithm for a minimum spanning tree: its merges are the tree's
    edges, shortest first (Gower and Ross 1969). Prim's algorithm finds the same
    tree faster on a complete graph: grow it from point 0, each time adding the
    point nearest to the tree. Distances from the newest point are computed as
    needed, so this takes O(n^2) time but only O(n) memory.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    merges : ndarray of shape (n_samples - 1, 4)
        One edge per row: the two points it joins, its length, and 0 (the sizes
        come from :func:`linkage_matrix`), in the order Prim's algorithm adds them.
    """
    n_samples = len(X)
    columns = np.ascontiguousarray(X.T)  # (n_features, n): each feature contiguous
    to_tree = np.full(n_samples, np.inf)  # each point's distance to the tree
    via = np.zeros(n_samples, dtype=np.intp)  # the tree point it is that close to
    outside = np.zeros(n_samples)  # inf once a point is in the tree
    merges = np.zeros((n_samples - 1, 4))
    newest = 0
    for step in range(n_samples - 1):
        outside[newest] = np.inf
        difference = columns - columns[:, newest : newest + 1]  # (n_features, n)
        difference *= difference
        # Summed feature after feature, as in euclidean_distance_matrix.
        distance = np.sqrt(difference.sum(axis=0)) + outside  # (n,)
        np.copyto(via, newest, where=distance < to_tree)  # now nearest to newest
        np.minimum(to_tree, distance, out=to_tree)
        to_tree[newest] = np.inf
        newest = int(to_tree.argmin())
        merges[step, :3] = via[newest], newest, to_tree[newest]
    return merges


def linkage_matrix(merges):
    """SciPy's linkage matrix from the merges of :func:`nearest_neighbour_chain`.

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        Row ``k`` merges clusters ``Z[k, 0] < Z[k, 1]`` at distance ``Z[k, 2]`` into
        cluster ``n_samples + k`` of ``Z[k, 3]`` points; clusters below
        ``n_samples`` are the points themselves. Rows go by increasing distance.

    Notes
    -----
    The merges are sorted by distance (stably, so equal distances keep the chain's
    order), then replayed in that order to name each merged cluster: a small
    union-find over the points, as SciPy does, whose ``find`` climbs from a point's
    slot to the newest cluster containing it.
    """
    n_samples = len(merges) + 1
    Z = merges[np.argsort(merges[:, 2], kind="stable")]  # a copy
    parent = np.arange(2 * n_samples - 1)  # each cluster's parent, itself if none
    size = np.ones(2 * n_samples - 1)

    def find(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # halve the path on the way up
            node = parent[node]
        return node

    for k in range(n_samples - 1):
        a, b = sorted((find(int(Z[k, 0])), find(int(Z[k, 1]))))
        new = n_samples + k
        parent[a] = parent[b] = new
        size[new] = size[a] + size[b]
        Z[k, 0], Z[k, 1], Z[k, 3] = a, b, size[new]
    return Z


def linkage(X, method="ward"):
    """Agglomerative clustering of the rows of ``X``, as SciPy's
    ``scipy.cluster.hierarchy.linkage(X, method)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), n_samples >= 2
    method : {"ward", "complete", "average", "single"}

    Returns
    -------
    Z : ndarray of shape (n_samples - 1, 4)
        The linkage matrix (see :func:`linkage_matrix`).
    """
    X = check_array(X)
    if len(X) < 2:
        raise ValueError(
            f"Agglomerative clustering needs at least 2 samples to merge; X has "
            f"{len(X)} sample(s)."
        )
    if method == "single":  # the same merges as the chain, in less memory
        merges = minimum_spanning_tree(X)
    else:
        merges = nearest_neighbour_chain(X, method)
    return linkage_matrix(merges)


def cut_tree(Z, n_clusters):
    """Flat clusters: the tree of ``Z`` without its last ``n_clusters - 1`` merges.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Clusters numbered 0, 1, ... in the order of their first point (point 0 is
        in cluster 0).

    Notes
    -----
    Each of the kept merges points its two clusters at the new one; then every
    point climbs to its highest kept cluster by pointer jumping (``top =
    top[top]``, which doubles the distance climbed each time: O(log n) rounds).
    """
    n_samples = len(Z) + 1
    kept = n_samples - n_clusters
    top = np.arange(2 * n_samples - 1)
    children = Z[:kept, :2].astype(np.intp)  # (kept, 2)
    top[children[:, 0]] = top[children[:, 1]] = n_samples + np.arange(kept)
    while True:
        jumped = top[top]
        if np.array_equal(jumped, top):
            break
        top = jumped
    heads, first, inverse = np.unique(
        top[:n_samples], return_index=True, return_inverse=True
    )
    rank = np.empty(len(heads), dtype=np.intp)
    rank[np.argsort(first)] = np.arange(len(heads))  # order of first appearance
    return rank[inverse]


class AgglomerativeClustering(ClusterMixin, BaseEstimator):
    """Hierarchical clustering: merge the two closest clusters until
    ``n_clusters`` remain, or until the closest are ``distance_threshold`` apart.

    Parameters
    ----------
    n_clusters : int >= 1 or None, default 2
        How many clusters to keep. ``None`` if ``distance_threshold`` is given.
    distance_threshold : float >= 0 or None, default None
        Merge only clusters closer than this (the cut height of the dendrogram);
        ``n_clusters`` must then be ``None``.
    linkage : {"ward", "complete", "average", "single"}, default "ward"
        The distance between two clusters (module docstring).

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training point, numbered in the order of first appearance.
    children_ : ndarray of shape (n_samples - 1, 2)
        The two clusters each merge joins, as scikit-learn gives them: clusters
        below ``n_samples`` are points, cluster ``n_samples + k`` is made by merge
        ``k``.
    distances_ : ndarray of shape (n_samples - 1,)
        The distance between the clusters of each merge (increasing).
    linkage_matrix_ : ndarray of shape (n_samples - 1, 4)
        SciPy's format: ``children_``, ``distances_`` and the merged sizes as
        columns; scipy.cluster.hierarchy.dendrogram draws it.
    n_clusters_ : int
    n_leaves_ : int
    X_fit_ : ndarray of shape (n_samples, n_features)
    n_features_in_ : int

    Notes
    -----
    The nearest-neighbour chain algorithm with Lance-Williams updates: O(n^2)
    time and memory (module docstring), against O(n^3) for the naive loop. Chapter
    19 explains it.

    ``predict`` is not in scikit-learn's AgglomerativeClustering: it gives a new
    point the cluster of its nearest training point (the lowest-numbered one among
    equally near), so that on the training points it returns ``labels_``.

    References
    ----------
    Lance, G. N. and Williams, W. T. (1967). A general theory of classificatory
    sorting strategies: 1. Hierarchical systems. The Computer Journal 9(4), 373-380.

    Murtagh, F. (1983). A survey of recent advances in hierarchical clustering
    algorithms. The Computer Journal 26(4), 354-359.

    Müllner, D. (2011). Modern hierarchical, agglomerative clustering algorithms.
    arXiv:1109.2378.

    Ward, J. H. (1963). Hierarchical grouping to optimize an objective function.
    Journal of the American Statistical Association 58(301), 236-244.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_clusters": [Interval(int, 1, None, closed="left"), None],
        "distance_threshold": [Interval(float, 0, None, closed="left"), None],
        "linkage": [Options(*LINKAGES)],
    }

    def __init__(self, n_clusters=2, *, distance_threshold=None, linkage="ward"):
        self.n_clusters = n_clusters
        self.distance_threshold = distance_threshold
        self.linkage = linkage

    def fit(self, X, y=None):
        """Build the tree of ``X`` (n_samples, n_features) and cut it; ``y`` is
        ignored."""
        self._validate_params()
        if (self.n_clusters is None) == (self.distance_threshold is None):
            raise ValueError(
                "Give exactly one of n_clusters and distance_threshold, and set the "
                f"other to None; got n_clusters={self.n_clusters!r} and "
                f"distance_threshold={self.distance_threshold!r}."
            )
        X = check_array(X)
        if self.n_clusters is not None and self.n_clusters > len(X):
            raise ValueError(
                f"n_clusters={self.n_clusters} is more clusters than the {len(X)} "
                "samples of X."
            )
        Z = linkage(X, self.linkage)
        if self.distance_threshold is not None:
            # Merges at the threshold or above are undone, as in scikit-learn.
            n_clusters = int(np.count_nonzero(Z[:, 2] >= self.distance_threshold)) + 1
        else:
            n_clusters = self.n_clusters

        self.linkage_matrix_ = Z
        self.children_ = Z[:, :2].astype(np.intp)
        self.distances_ = Z[:, 2].copy()
        self.n_clusters_ = n_clusters
        self.n_leaves_ = len(X)
        self.labels_ = cut_tree(Z, n_clusters)
        self.X_fit_ = X
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """Cluster of the nearest training point of each row of ``X``, shape
        (n_queries,)."""
        X = check_predict_input(self, X)
        nearest = np.argmin(pairwise_distances(X, self.X_fit_), axis=1)  # (n_queries,)
        return self.labels_[nearest]
