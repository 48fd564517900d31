"""k-medoids clustering by PAM, Partitioning Around Medoids (Chapter 17).

k-medoids is k-means with one change: each cluster is summed up by one of its own
points, the *medoid*, instead of a mean. It minimises the sum of distances (not
squared) from every point to its nearest medoid, for any distance, so that one far
outlier moves a medoid much less than it moves a mean, and the centres are real
samples (a real digit, not a blur of many).

PAM (Kaufman and Rousseeuw, 1990) works on the table of all pairwise distances:

1. **build**: the first medoid is the point with the smallest sum of distances to
   all the others; each next one is the point that lowers the total cost most;
2. **swap**: among all exchanges of a medoid with a non-medoid, make the one that
   lowers the total cost most, and repeat until no exchange lowers it.

The swap step tries every pair at once: with :math:`D_j` the distance of point
:math:`j` to its nearest medoid and :math:`E_j` to its second nearest, swapping
medoid :math:`m` for point :math:`h` changes the cost by

.. math::
    \\Delta(m, h) = \\sum_{j:\\, m \\text{ is nearest}} [\\min(d_{jh}, E_j) - D_j]
    + \\sum_{j:\\, m \\text{ is not}} [\\min(d_{jh}, D_j) - D_j],

one pass over the table per step instead of one per pair.

``method="alternate"`` is the faster, k-means-like alternative (Park and Jun, 2009):
from ``n_clusters`` random points, assign each point to its nearest medoid, then make
each cluster's medoid the member with the smallest sum of distances to the others,
until nothing changes. It often stops in a worse local minimum than PAM.

Ties, broken deterministically: a point equally near two medoids joins the one
chosen first; among equally good build candidates or swaps, the lowest point index
(then the first medoid) wins. Distances are computed directly, not by a matrix
product, so that they are the same on every machine; a swap is made only if the cost,
recomputed from scratch, strictly falls, which guarantees that the search ends.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from scratchlearn.distances import exact_distances
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    check_clustering_data,
    check_predict_input,
    check_random_state,
)

METRICS = ("euclidean", "manhattan")


def total_cost(distances, medoids):
    """Sum over the points (rows) of the distance to their nearest medoid."""
    return float(np.sum(np.min(distances[:, medoids], axis=1)))


def pam_build(distances, n_clusters):
    """PAM's greedy start: medoids added one at a time, each the point that lowers
    the total cost most.

    Parameters
    ----------
    distances : ndarray of shape (n_samples, n_samples)
        Symmetric, zero on the diagonal.
    n_clusters : int

    Returns
    -------
    medoids : ndarray of int, shape (n_clusters,)
        Point indices, in the order added.
    """
    medoids = [int(np.argmin(np.sum(distances, axis=0)))]  # the most central point
    nearest = distances[:, medoids[0]]  # D_j, (n_samples,)
    for _ in range(1, n_clusters):
        # The cost if point h were added: each point keeps the nearer of the two.
        cost_with = np.sum(np.minimum(distances, nearest[:, np.newaxis]), axis=0)
        cost_with[medoids] = np.inf  # (n_samples,)
        medoids.append(int(np.argmin(cost_with)))
        nearest = np.minimum(nearest, distances[:, medoids[-1]])
    return np.array(medoids)


def swap_gains(distances, medoids):
    """The change of total cost for every swap of a medoid with a non-medoid.

    Returns
    -------
    delta : ndarray of shape (n_clusters, n_samples)
        ``delta[i, h]``: the cost after replacing medoid ``medoids[i]`` by point
        ``h``, minus the cost now (``inf`` where ``h`` is a medoid already).
    """
    to_medoids = distances[:, medoids]  # (n_samples, n_clusters)
    order = np.argsort(to_medoids, axis=1, kind="stable")  # ties: first medoid first
    rows = np.arange(len(distances))
    labels = order[:, 0]  # (n_samples,)
    nearest = to_medoids[rows, labels][:, np.newaxis]  # D_j, (n_samples, 1)
    if len(medoids) > 1:
        second = to_medoids[rows, order[:, 1]][:, np.newaxis]  # E_j, (n_samples, 1)
    else:  # with one medoid, swapping it leaves no other
        second = np.full_like(nearest, np.inf)
    kept = np.minimum(distances, nearest) - nearest  # its medoid stays, (n, n)
    lost = np.minimum(distances, second) - nearest  # its medoid goes, (n, n)
    delta = np.empty((len(medoids), len(distances)))
    everyone_keeps = np.sum(kept, axis=0)  # (n_samples,)
    for i in range(len(medoids)):  # a loop over clusters, not samples
        members = labels == i
        delta[i] = everyone_keeps + np.sum(lost[members] - kept[members], axis=0)
    delta[:, medoids] = np.inf
    return delta


def pam_swap(distances, medoids):
    """PAM's swap step: the best single swap, if it lowers the cost.

    Returns
    -------
    medoids : ndarray of int, shape (n_clusters,)
        The medoids after the best swap (the medoid replaced keeps its position),
        or the same medoids if no swap lowers the cost.
    swapped : bool
    """
    delta = swap_gains(distances, medoids)  # (n_clusters, n_samples)
    # The lowest delta; ties: the lowest point index h, then the first medoid.
    position, point = np.unravel_index(np.argmin(delta.T), delta.T.shape)[::-1]
    candidate = medoids.copy()
    candidate[position] = point
    if total_cost(distances, candidate) < total_cost(distances, medoids):
        return candidate, True
    return medoids, False


def alternate_step(distances, medoids):
    """One step of the alternate method: assign every point to its nearest medoid,
    then make each cluster's medoid the member with the smallest sum of distances
    to the other members."""
    labels = np.argmin(distances[:, medoids], axis=1)  # (n_samples,)
    updated = medoids.copy()
    for i in range(len(medoids)):  # a loop over clusters, not samples
        members = np.flatnonzero(labels == i)
        if len(members) == 0:  # a duplicate of an earlier medoid: nobody joins it
            continue
        within = distances[np.ix_(members, members)]  # (n_members, n_members)
        updated[i] = members[np.argmin(np.sum(within, axis=1))]
    return updated


class KMedoids(ClusterMixin, TransformerMixin, BaseEstimator):
    """k-medoids clustering: clusters summed up by actual samples, found by PAM.

    Parameters
    ----------
    n_clusters : int >= 1, default 8
        How many clusters (and medoids); at most the number of samples.
    method : {"pam", "alternate"}, default "pam"
        ``"pam"``: greedy build, then best swaps (:func:`pam_build`,
        :func:`pam_swap`). ``"alternate"``: from random points, alternate between
        assigning points and re-centring each cluster on its best member.
    metric : {"euclidean", "manhattan"}, default "euclidean"
        The distance whose sum the medoids minimise.
    max_iter : int >= 1, default 300
        Swaps (``"pam"``) or alternations (``"alternate"``) at most.
    random_state : None, int or numpy.random.Generator
        Draws the starting points of ``"alternate"``; PAM's build is deterministic
        and does not use it.

    Attributes
    ----------
    medoid_indices_ : ndarray of int, shape (n_clusters,)
        Rows of the training ``X`` that are medoids.
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The medoids themselves, ``X[medoid_indices_]``.
    labels_ : ndarray of shape (n_samples,)
        The cluster of each training sample (the position of its nearest medoid).
    inertia_ : float
        Sum of distances from each training sample to its nearest medoid.
    n_iter_ : int
        Swaps made (``"pam"``) or alternations run (``"alternate"``).
    n_features_in_ : int

    Notes
    -----
    k-medoids minimises :math:`\\sum_i \\min_{m \\in M} d(x_i, x_m)` over sets
    :math:`M` of ``n_clusters`` sample indices. PAM needs the whole table of
    pairwise distances: :math:`O(n^2)` memory, and :math:`O(k n^2)` time per swap
    step. Chapter 17 explains the code.

    References
    ----------
    Kaufman, L. and Rousseeuw, P. J. (1990). Partitioning Around Medoids (Program
    PAM). In Finding Groups in Data, Wiley, chapter 2.
    Park, H.-S. and Jun, C.-H. (2009). A simple and fast algorithm for K-medoids
    clustering. Expert Systems with Applications 36(2), 3336-3341.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_clusters": [Interval(int, 1, None, closed="left")],
        "method": [Options("pam", "alternate")],
        "metric": [Options(*METRICS)],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "random_state": [*RANDOM_STATE],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        method="pam",
        metric="euclidean",
        max_iter=300,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.method = method
        self.metric = metric
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y=None):
        """Cluster ``X`` (n_samples, n_features); ``y`` is ignored."""
        self._validate_params()
        X = check_clustering_data(X, self.n_clusters, "k-medoids")
        distances = exact_distances(X, X, self.metric)  # (n_samples, n_samples)
        if self.method == "pam":
            medoids, n_iter = pam_build(distances, self.n_clusters), 0
            for _ in range(self.max_iter):
                medoids, swapped = pam_swap(distances, medoids)
                if not swapped:
                    break
                n_iter += 1
        else:
            rng = check_random_state(self.random_state)
            medoids = rng.choice(len(X), size=self.n_clusters, replace=False)
            n_iter = 0
            while n_iter < self.max_iter:
                updated = alternate_step(distances, medoids)
                n_iter += 1
                if np.array_equal(updated, medoids):
                    break
                medoids = updated
        self.medoid_indices_ = medoids
        self.cluster_centers_ = X[medoids]
        self.labels_ = np.argmin(distances[:, medoids], axis=1)
        self.inertia_ = total_cost(distances, medoids)
        self.n_iter_ = n_iter
        self.n_features_in_ = X.shape[1]
        return self

    def _to_medoids(self, X):
        X = check_predict_input(self, X)
        return exact_distances(X, self.cluster_centers_, self.metric)

    def predict(self, X):
        """The nearest medoid of each row of ``X`` (its position in
        ``medoid_indices_``), shape (n_samples,)."""
        return np.argmin(self._to_medoids(X), axis=1)

    def transform(self, X):
        """Distance from each row of ``X`` to each medoid, shape (n_samples,
        n_clusters)."""
        return self._to_medoids(X)

    def score(self, X, y=None):
        """Minus the sum of distances from each row of ``X`` to its nearest medoid
        (higher is better, as ``KMeans.score``)."""
        return -float(np.sum(np.min(self._to_medoids(X), axis=1)))
