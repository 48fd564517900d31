"""DBSCAN: density-based clustering with noise (Chapter 18).

A point is a *core* point if at least ``min_samples`` points (itself included) lie
within distance ``eps`` of it. Core points within ``eps`` of each other belong to the
same cluster, and so, by a chain of such steps, does every core point reachable from
them: the clusters are the connected components of the graph of core points. A point
that is not core but lies within ``eps`` of a core point is a *border* point and
joins that core point's cluster; every other point is *noise* (label -1).

The steps, each vectorised:

1. :func:`neighbour_pairs`: every pair of points within ``eps`` (a sparse list of
   ``(row, column)`` pairs instead of an ``(n, n)`` matrix);
2. core points: those with at least ``min_samples`` pairs;
3. :func:`connected_components`: the clusters of the core points;
4. :func:`attach_to_clusters`: the border points join a neighbouring cluster.

Deterministic, and the same as scikit-learn's DBSCAN (which grows the clusters one
after the other by depth-first search, starting each from the unlabelled core point
of lowest index; see ``sklearn/cluster/_dbscan_inner.pyx``):

* clusters are numbered in the order of their lowest-index core point, exactly as
  scikit-learn numbers them;
* a border point within ``eps`` of core points of *several* clusters joins the one
  with the smallest number. In scikit-learn the first cluster grown claims it, and
  clusters are grown in the order of their numbers, so the result is the same;
* a pair at distance exactly ``eps`` are neighbours (``<=``, as in scikit-learn).
  Euclidean distances are shortlisted by a matrix product and then computed again
  directly, so that "within ``eps``" does not depend on the processor's rounding.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClusterMixin
from scratchlearn.distances import squared_euclidean
from scratchlearn.utils.validation import (
    Interval,
    Options,
    check_array,
    check_predict_input,
)

METRICS = ("euclidean", "manhattan")

# How far the matrix-product expansion of a squared distance can be from the exact
# value, relative to the squared norms involved (as in Chapter 1's k-NN).
_EXPANSION_ERROR = 1e-13
# Queries compared a block at a time: at most 256 of them (so that a block spans
# a narrow slab of the sorted data), and at most about 2**20 distances (8 MB).
_BLOCK_ROWS = 256
_BLOCK_VALUES = 2**20


def neighbour_pairs(X, Y, eps, metric="euclidean"):
    """Every pair ``(i, j)`` with ``distance(X[i], Y[j]) <= eps``.

    Parameters
    ----------
    X : ndarray of shape (n_queries, n_features)
    Y : ndarray of shape (n_points, n_features)
    eps : float
    metric : {"euclidean", "manhattan"}

    Returns
    -------
    rows, columns : ndarrays of shape (n_pairs,)
        Indices into ``X`` and ``Y``, in no particular order.

    Notes
    -----
    Two points within ``eps`` are within ``eps`` along every feature, in particular
    along the widest one. So both sets are sorted by that feature, the queries are
    taken a block at a time, and each block is compared only with the slab of
    ``Y`` that lies within ``eps`` of it along that feature (found by binary
    search): on two-feature data a small fraction of all pairs. Only the pairs
    within ``eps`` are kept, so memory grows with the number of neighbours, not
    with ``n_queries * n_points``.

    Euclidean distances of a block come from one matrix product,
    :math:`|x|^2 + |y|^2 - 2 x \\cdot y`. That expansion rounds differently on
    different processors, so it only shortlists the pairs within its rounding
    error of ``eps``, and theirs are computed again as
    :math:`\\sqrt{\\sum_j (x_j - y_j)^2}`, which rounds the same way everywhere.
    """
    widest = int(np.argmax(np.ptp(Y, axis=0)))
    by_query, by_point = np.argsort(X[:, widest]), np.argsort(Y[:, widest])
    X_sorted, Y_sorted = X[by_query], Y[by_point]
    keys = Y_sorted[:, widest]  # (n_points,), increasing
    # A slab a little wider than eps, so that rounding never leaves a neighbour out.
    reach = eps + 1e-9 * (eps + np.abs(keys).max() + np.abs(X[:, widest]).max())
    # Manhattan distances broadcast a (block, n_slab, n_features) difference.
    per_row = len(Y) * (X.shape[1] if metric == "manhattan" else 1)
    block = max(1, min(_BLOCK_ROWS, _BLOCK_VALUES // per_row))
    found_rows, found_columns = [], []
    for start in range(0, len(X), block):
        part = X_sorted[start : start + block]  # (block, n_features)
        low = np.searchsorted(keys, part[0, widest] - reach, side="left")
        high = np.searchsorted(keys, part[-1, widest] + reach, side="right")
        slab = Y_sorted[low:high]  # (n_slab, n_features)
        if metric == "euclidean":
            approximate = squared_euclidean(part, slab)  # (block, n_slab)
            norms = np.sum(part**2, axis=1).max() + np.sum(slab**2, axis=1).max()
            rows, columns = np.nonzero(approximate <= eps**2 + _EXPANSION_ERROR * norms)
            exact = np.sqrt(np.sum((part[rows] - slab[columns]) ** 2, axis=1))
        else:
            distances = np.abs(part[:, np.newaxis, :] - slab).sum(axis=2)
            rows, columns = np.nonzero(distances <= eps)  # (block, n_slab) above
            exact = distances[rows, columns]
        within = exact <= eps
        found_rows.append(by_query[start + rows[within]])
        found_columns.append(by_point[low + columns[within]])
    return np.concatenate(found_rows), np.concatenate(found_columns)


def connected_components(n_nodes, rows, columns):
    """Component of each node of an undirected graph, as its smallest node index.

    Parameters
    ----------
    n_nodes : int
    rows, columns : ndarrays of shape (n_edges,)
        The edges, each given in one direction or both.

    Returns
    -------
    root : ndarray of shape (n_nodes,)
        ``root[i]`` is the smallest index of the nodes connected to ``i``.

    Notes
    -----
    Union-find, vectorised over all edges at once. Every node keeps a pointer
    ``root[i] <= i`` to a node of its own component. Each round *hooks*: for every
    edge whose two ends point to different roots, the larger root is pointed at
    the smaller one; then it *compresses*: ``root = root[root]`` until every node
    points at a root. A round removes at least one root, so the loop ends; it ends
    when every edge joins nodes of the same root, which is then the smallest index
    of the component (pointers only go down, and stay inside the component). In
    practice a handful of rounds suffice, each O(n_nodes + n_edges).
    """
    root = np.arange(n_nodes)
    while True:
        a, b = root[rows], root[columns]  # (n_edges,) each: the two ends' roots
        if np.array_equal(a, b):
            return root
        np.minimum.at(root, np.maximum(a, b), np.minimum(a, b))  # hook
        while True:  # compress
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped


def attach_to_clusters(n_points, rows, core_labels):
    """Label of each point from the clusters of the core points within its reach.

    Parameters
    ----------
    n_points : int
    rows : ndarray of shape (n_pairs,)
        For each pair ``(point, core point)`` within ``eps``, the point.
    core_labels : ndarray of shape (n_pairs,)
        For each such pair, the core point's cluster.

    Returns
    -------
    labels : ndarray of shape (n_points,)
        The *smallest* cluster number among each point's core neighbours, or -1
        (noise) if it has none; the tie rule of scikit-learn (module docstring).
    """
    labels = np.full(n_points, np.iinfo(np.intp).max)
    np.minimum.at(labels, rows, core_labels)
    labels[labels == np.iinfo(np.intp).max] = -1
    return labels


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based spatial clustering of applications with noise.

    Parameters
    ----------
    eps : float > 0, default 0.5
        The radius of a neighbourhood.
    min_samples : int >= 1, default 5
        How many points (the point itself included) a neighbourhood must hold for
        its centre to be a core point.
    metric : {"euclidean", "manhattan"}, default "euclidean"

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training point: 0, 1, ... numbered in the order of their
        first core point; -1 for noise.
    core_sample_indices_ : ndarray of shape (n_core,)
        Row numbers of the core points, increasing.
    components_ : ndarray of shape (n_core, n_features)
        The core points themselves.
    n_features_in_ : int

    Notes
    -----
    With :math:`N_\\varepsilon(x) = \\{x_j : d(x, x_j) \\le \\varepsilon\\}`, a
    point is core if :math:`|N_\\varepsilon(x_i)| \\ge` ``min_samples``; two core
    points are in one cluster if a chain of core points leads from one to the other,
    each within :math:`\\varepsilon` of the next. Cost: O(n^2) distance evaluations
    (in blocks, so memory grows with the number of neighbour pairs) and
    near-linear time in the number of pairs for the rest. See the module docstring
    for how ties are broken, and Chapter 18 for the idea.

    ``predict`` is not in scikit-learn's DBSCAN: it gives a new point the cluster it
    would join as a border point (the smallest-numbered cluster with a core point
    within ``eps``), or -1. On the training points it returns ``labels_``.

    References
    ----------
    Ester, M., Kriegel, H.-P., Sander, J. and Xu, X. (1996). A density-based
    algorithm for discovering clusters in large spatial databases with noise.
    Proceedings of KDD-96, 226-231.

    Schubert, E., Sander, J., Ester, M., Kriegel, H.-P. and Xu, X. (2017). DBSCAN
    revisited, revisited. ACM Transactions on Database Systems 42(3), 19.
    """

    _parameter_constraints: ClassVar[dict] = {
        "eps": [Interval(float, 0, None, closed="neither")],
        "min_samples": [Interval(int, 1, None, closed="left")],
        "metric": [Options(*METRICS)],
    }

    def __init__(self, eps=0.5, *, min_samples=5, metric="euclidean"):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric

    def fit(self, X, y=None):
        """Cluster ``X`` (n_samples, n_features); ``y`` is ignored."""
        self._validate_params()
        X = check_array(X)
        n_samples = len(X)
        rows, columns = neighbour_pairs(X, X, self.eps, self.metric)  # self included
        is_core = np.bincount(rows, minlength=n_samples) >= self.min_samples
        core = np.flatnonzero(is_core)  # (n_core,)

        # Clusters: connected components of the core points, numbered by their
        # smallest member (np.unique sorts the roots).
        linked = is_core[rows] & is_core[columns]
        root = connected_components(n_samples, rows[linked], columns[linked])
        cluster_of = np.full(n_samples, -1)
        cluster_of[core] = np.unique(root[core], return_inverse=True)[1]

        # Every point joins the smallest cluster among its core neighbours; a core
        # point's core neighbours are all in its own cluster.
        to_core = is_core[columns]
        labels = attach_to_clusters(
            n_samples, rows[to_core], cluster_of[columns[to_core]]
        )

        self.labels_ = labels
        self.core_sample_indices_ = core
        self.components_ = X[core]
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """Cluster of each new point: the smallest-numbered cluster with a core
        point within ``eps`` of it, or -1 (noise). Shape (n_queries,)."""
        X = check_predict_input(self, X)
        if len(self.components_) == 0:
            return np.full(len(X), -1)
        rows, columns = neighbour_pairs(X, self.components_, self.eps, self.metric)
        core_labels = self.labels_[self.core_sample_indices_]  # (n_core,)
        return attach_to_clusters(len(X), rows, core_labels[columns])
