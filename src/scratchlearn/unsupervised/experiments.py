"""The book's experiments of Part II: the runs and computations its chapters draw.

Each chapter's pictures (``scratchlearn.viz.<chapter>``) draw results; what they
draw is computed here, one section per chapter, so that the chapter, its explorer
and its tests ask one place for it:

- k-means: Lloyd's algorithm recorded an iteration at a time from a given start;
- k-medoids: PAM recorded a build step or a swap at a time;
- Gaussian mixtures: fits that may stop at ``max_iter``, and a BIC table;
- agglomerative clustering: the clusters a cut of the merge tree leaves;
- association rules: what Apriori did with every itemset, and the FP-tree;
- DBSCAN: the kind of every point (core, border, noise);
- PCA: one sample of each class.
"""

import functools
import warnings
from itertools import combinations

import numpy as np

from scratchlearn.unsupervised import GaussianMixture, KMeans
from scratchlearn.unsupervised.association_rules import apriori_candidates, one_hot
from scratchlearn.unsupervised.gaussian_mixture import COVARIANCE_TYPES
from scratchlearn.unsupervised.kmeans import kmeans_plusplus, lloyd_step, random_centres
from scratchlearn.unsupervised.kmedoids import pam_build, pam_swap, total_cost

# --- kmeans -------------------------------------------------------------------

MAX_ITERATIONS = 12  # the explorer's slider: iterations 0 (the start) to this


def starting_centres(X, n_clusters, init, seed):
    """The centres ``KMeans(n_clusters, init=init, n_init=1, random_state=seed)``
    starts from."""
    rng = np.random.default_rng(seed)  # as KMeans turns its random_state into one
    if init == "k-means++":
        return kmeans_plusplus(X, n_clusters, random_state=rng)[0]
    return random_centres(X, n_clusters, random_state=rng)


def lloyd_path(X, centres, max_iter=MAX_ITERATIONS):
    """Every iteration of Lloyd's algorithm from ``centres`` until no label changes.

    Returns
    -------
    list of dict
        One per iteration that changed something: ``before`` (the centres the
        points were assigned to), ``labels``, ``after`` (the means), and the inertia
        after the assignment (``assigned``) and after the update (``updated``).
    """
    path = []
    for _ in range(max_iter):
        labels, after = lloyd_step(X, centres)
        if path and np.array_equal(labels, path[-1]["labels"]):
            break  # converged: the labels repeat, the centres stay
        path.append(
            {
                "before": centres,
                "labels": labels,
                "after": after,
                "assigned": np.sum((X - centres[labels]) ** 2),
                "updated": np.sum((X - after[labels]) ** 2),
            }
        )
        centres = after
    return path


def kmeans_runs(X):
    """The explorer's runs on ``X``, each computed once and kept:
    ``path_of(init, n_clusters, seed)``, Lloyd's iterations from that start
    (:func:`lloyd_path`), and ``best_inertia(n_clusters)``, the lowest inertia of
    ten k-means++ starts."""

    @functools.cache
    def path_of(init, n_clusters, seed):
        return lloyd_path(X, starting_centres(X, n_clusters, init, seed))

    @functools.cache
    def best_inertia(n_clusters):
        return KMeans(n_clusters, n_init=10, random_state=0).fit(X).inertia_

    return path_of, best_inertia


def inertia_by_step(path):
    """The inertia after each assignment and each update, at iterations
    0.5, 1, 1.5, 2, ...: ``(iterations, inertias)``."""
    inertias = np.array([[p["assigned"], p["updated"]] for p in path]).ravel()
    return np.arange(1, len(inertias) + 1) / 2, inertias


# --- kmedoids -----------------------------------------------------------------

MAX_STEPS = 12  # build steps and swaps the live explorer can show


def pam_path(distances, n_clusters, max_swaps=MAX_STEPS):
    """Every step of PAM: ``n_clusters`` build steps, then the swaps.

    Returns
    -------
    list of dict
        One per step: ``medoids`` after it (point indices), ``cost`` (total
        distance to the nearest medoid), ``kind`` (``"build"`` or ``"swap"``),
        and for a swap the point that left (``out``) and the one that came in
        (``in``).
    """
    built = pam_build(distances, n_clusters)
    # The greedy build adds one medoid at a time: its first j are the build of j.
    path = [
        {
            "medoids": built[:j],
            "kind": "build",
            "cost": total_cost(distances, built[:j]),
        }
        for j in range(1, n_clusters + 1)
    ]
    medoids = built
    for _ in range(max_swaps):
        swapped_to, swapped = pam_swap(distances, medoids)
        if not swapped:
            break
        position = int(np.flatnonzero(swapped_to != medoids)[0])
        path.append(
            {
                "medoids": swapped_to,
                "kind": "swap",
                "cost": total_cost(distances, swapped_to),
                "out": int(medoids[position]),
                "in": int(swapped_to[position]),
            }
        )
        medoids = swapped_to
    return path


# --- gaussian_mixture ---------------------------------------------------------


def fit_quietly(X, n_components, covariance_type, **settings):
    """A fitted mixture; a model that stops at ``max_iter`` is still drawn."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = GaussianMixture(
            n_components, covariance_type=covariance_type, **settings
        )
        return model.fit(X)


def bic_table(X, n_components, **settings):
    """``{covariance_type: [BIC for each number of components]}`` on ``X``."""
    return {
        covariance_type: [
            fit_quietly(X, k, covariance_type, **settings).bic(X) for k in n_components
        ]
        for covariance_type in COVARIANCE_TYPES
    }


def mixture_runs(X, n_components, **settings):
    """The explorer's mixtures on ``X``: ``fitted(covariance_type, k)``, each
    fitted once and kept, the table ``{covariance_type: [BIC for each k in
    n_components]}`` and the ``(covariance_type, k)`` of the lowest BIC."""

    @functools.cache
    def fitted(covariance_type, k):
        return fit_quietly(X, k, covariance_type, **settings)

    table = {
        covariance_type: [fitted(covariance_type, k).bic(X) for k in n_components]
        for covariance_type in COVARIANCE_TYPES
    }
    best = min(
        ((name, k) for name in COVARIANCE_TYPES for k in n_components),
        key=lambda setting: table[setting[0]][n_components.index(setting[1])],
    )
    return fitted, table, best


# --- agglomerative ------------------------------------------------------------


def n_clusters_below(Z, cut):
    """How many clusters a cut at height ``cut`` leaves: one more than the merges
    at or above it (as scikit-learn's ``distance_threshold``)."""
    return int(np.count_nonzero(Z[:, 2] >= cut)) + 1


def cluster_tops(Z, n_clusters):
    """The clusters that a cut into ``n_clusters`` leaves: the children of the
    undone merges that are not undone merges themselves (the root if 1)."""
    n_samples = len(Z) + 1
    kept = n_samples - n_clusters
    if n_clusters == 1:
        return np.array([2 * n_samples - 2])
    children = Z[kept:, :2].astype(np.intp).ravel()
    return np.sort(children[children < n_samples + kept])


def first_leaves(Z, leaves):
    """The leftmost point under each cluster, shape (2 n_samples - 1,)."""
    n_samples = len(Z) + 1
    position = np.empty(n_samples, dtype=np.intp)
    position[leaves] = np.arange(n_samples)
    first = np.arange(2 * n_samples - 1)
    for k, (left, right) in enumerate(Z[:, :2].astype(np.intp)):
        a, b = first[left], first[right]
        first[n_samples + k] = a if position[a] < position[b] else b
    return first


# --- association_rules --------------------------------------------------------


def lattice_status(transactions, min_support):
    """For every itemset of the items: its count and what Apriori did with it.

    Returns ``{itemset: (count, status)}`` with status ``"frequent"``,
    ``"infrequent"`` (a candidate that Apriori counted and dropped) or
    ``"skipped"`` (never counted: pruned, or not joined at all).
    """
    present, items = one_hot(transactions)  # (n_transactions, n_items)
    n_transactions, n_items = present.shape
    counts = {
        itemset: int(present[:, list(itemset)].all(axis=1).sum())
        for size in range(1, n_items + 1)
        for itemset in combinations(range(n_items), size)
    }
    frequent = {s for s, c in counts.items() if c / n_transactions >= min_support}
    counted = {(i,) for i in range(n_items)}  # every single item is counted
    level = np.array(sorted(s for s in frequent if len(s) == 1))
    while len(level) > 1:
        candidates = [tuple(c) for c in apriori_candidates(level).tolist()]
        counted.update(candidates)
        level = np.array([c for c in candidates if c in frequent])
    status = {}
    for itemset, count in counts.items():
        kind = "frequent" if itemset in frequent else "infrequent"
        named = tuple(items[i] for i in itemset)
        status[named] = (count, kind if itemset in counted else "skipped")
    return status


def fp_tree(transactions, min_support):
    """The FP-tree of ``transactions``: ``{path: count}``, one node per distinct
    prefix of the transactions' frequent items in the tree's order (most frequent
    first, ties by item), and that order."""
    present, items = one_hot(transactions)  # (n_transactions, n_items)
    counts = present.sum(axis=0)
    frequent = [i for i in range(len(items)) if counts[i] / len(present) >= min_support]
    order = sorted(frequent, key=lambda i: (-counts[i], i))
    nodes = {}
    for row in present:
        path = tuple(items[i] for i in order if row[i])
        for depth in range(1, len(path) + 1):
            nodes[path[:depth]] = nodes.get(path[:depth], 0) + 1
    return nodes, [items[i] for i in order]


# --- dbscan -------------------------------------------------------------------


def point_kinds(model):
    """``"core"``, ``"border"`` or ``"noise"`` for each training point of a fitted
    DBSCAN, shape (n_samples,)."""
    kinds = np.where(model.labels_ == -1, "noise", "border").astype(object)
    kinds[model.core_sample_indices_] = "core"
    return kinds


# --- pca ----------------------------------------------------------------------


def one_of_each(y):
    """The index of the first sample of each class, in class order."""
    classes = np.unique(y)
    return np.array([np.flatnonzero(y == label)[0] for label in classes])
