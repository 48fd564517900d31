"""k-means clustering with k-means++ seeding (Chapter 16).

k-means splits ``n_samples`` points into ``n_clusters`` groups, each summed up by its
centre (the mean of its points), so that the *inertia*, the sum of squared distances
from every point to its centre, is as small as it can find. Lloyd's algorithm
alternates two steps that can only lower it:

1. **assign** every point to its nearest centre;
2. **update** every centre to the mean of the points assigned to it;

until no point changes cluster, or the centres move (in total squared distance) by no
more than ``tol`` times the data's mean variance (scikit-learn's rule, which this
module follows step for step, so that the same initial centres give the same labels,
centres and inertia as ``sklearn.cluster.KMeans(algorithm="lloyd")``).

The result depends on where the centres start. ``init="k-means++"`` draws them with
the D² rule of Arthur and Vassilvitskii (2007): the first uniformly among the
points, each next one with probability proportional to the squared distance of a
point to its nearest centre chosen so far (the best of a few such draws, as in
scikit-learn). ``n_init`` runs start from different draws, and the run with the
lowest inertia is kept.

Ties, broken deterministically:

* a point at equal distance from two centres joins the one with the lower index; the
  distances of such near-ties are computed again exactly (see
  :func:`nearest_centres`), so that the choice is the same on every machine;
* a cluster left empty by the assignment takes the point farthest from its centre
  (the next empty cluster the next farthest), as scikit-learn does;
* runs of equal inertia: the first one is kept.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from scratchlearn.distances import squared_euclidean
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Instance,
    Interval,
    Options,
    check_array,
    check_clustering_data,
    check_predict_input,
    check_random_state,
)

# How far the matrix-product expansion of a squared distance can be from the exact
# value, relative to the squared norms involved: a few hundred units of rounding.
_EXPANSION_ERROR = 1e-13


def nearest_centres(X, centres, x_squared_norms=None):
    """The nearest centre of each point.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    centres : ndarray of shape (n_clusters, n_features)
    x_squared_norms : ndarray of shape (n_samples,), optional
        :math:`|x|^2` of each row of ``X``, if already known (Lloyd's iterations
        compute them once).

    Returns
    -------
    labels : ndarray of int, shape (n_samples,)
        Index of the nearest centre; equal distances go to the lower index.

    Notes
    -----
    One matrix product gives every squared distance at once,
    :math:`|x - c|^2 = |x|^2 + |c|^2 - 2 x \\cdot c`; the term :math:`|x|^2` is the
    same for every centre, so the ranking needs only the other two. Their last bits
    depend on the processor, though: where a point's two nearest centres are within
    that rounding of each other, its distances to all centres are computed again
    directly, as :math:`\\sum_j (x_j - c_j)^2`, so that ties are broken the same way
    everywhere.
    """
    centre_norms = np.sum(centres**2, axis=1)  # (n_clusters,)
    ranking = centre_norms - 2.0 * (X @ centres.T)  # |x - c|^2 - |x|^2, (n, k)
    labels = np.argmin(ranking, axis=1)  # (n_samples,)
    nearest = ranking[np.arange(len(X)), labels]  # (n_samples,)
    if x_squared_norms is None:
        x_squared_norms = np.sum(X**2, axis=1)  # (n_samples,)
    rounding = _EXPANSION_ERROR * (x_squared_norms + np.max(centre_norms))
    close = ranking <= (nearest + rounding)[:, np.newaxis]  # (n_samples, n_clusters)
    unsure = np.count_nonzero(close, axis=1) > 1  # (n_samples,)
    if unsure.any():
        difference = X[unsure, np.newaxis, :] - centres  # (n_unsure, k, n_features)
        labels[unsure] = np.argmin(np.sum(difference**2, axis=2), axis=1)
    return labels


def kmeans_plusplus(X, n_clusters, *, n_local_trials=None, random_state=None):
    """Draw ``n_clusters`` initial centres among the rows of ``X`` by the D² rule.

    The first centre is a point drawn uniformly. Each next one is drawn with
    probability :math:`D(x_i)^2 / \\sum_j D(x_j)^2`, where :math:`D(x)` is the
    distance from :math:`x` to the nearest centre chosen so far: far points are
    likely picks, so the centres spread over the data, and a point already chosen
    (at distance 0) is never drawn again. The greedy variant draws
    ``n_local_trials`` candidates so, and keeps the one that lowers the sum of
    :math:`D^2` most.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_clusters : int, at most n_samples
    n_local_trials : int >= 1, optional
        Candidates per centre after the first. Default :math:`2 + \\lfloor \\ln k
        \\rfloor`, scikit-learn's choice; 1 is the original rule, one draw per
        centre.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    indices : ndarray of int, shape (n_clusters,)
        The rows of ``X`` chosen, in order.

    Notes
    -----
    Each draw takes a uniform number :math:`u` in :math:`[0, 1)` and picks the
    first point whose running sum of :math:`D^2` exceeds :math:`u \\sum_j D_j^2`.
    Equal sums after the candidates: the one drawn first. If every point is already
    a centre (fewer distinct points than clusters), the lowest-numbered point not
    yet chosen is taken. The squared distances to the candidates come from one
    matrix product, :math:`|x|^2 + |c|^2 - 2 x \\cdot c`, as in
    :func:`nearest_centres`.

    With one trial per centre, the expected inertia of the start is at most
    :math:`8 (\\ln k + 2)` times the optimum (Arthur and Vassilvitskii). The greedy
    variant is what scikit-learn uses: with many points per cluster in many
    dimensions, the points near a centre already chosen add up to a large share of
    :math:`\\sum D^2`, and the single draw lands among them too often.

    References
    ----------
    Arthur, D. and Vassilvitskii, S. (2007). k-means++: the advantages of careful
    seeding. Proceedings of SODA, 1027-1035.
    """
    rng = check_random_state(random_state)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    n_samples = len(X)
    x_squared_norms = np.sum(X**2, axis=1)  # (n_samples,)

    def squared_distances_to(rows):  # (len(rows), n_samples), one matrix product
        cross = X[rows] @ X.T
        squared = x_squared_norms[rows, np.newaxis] + x_squared_norms - 2.0 * cross
        return np.maximum(squared, 0.0)

    indices = np.empty(n_clusters, dtype=int)
    indices[0] = rng.integers(n_samples)
    closest = squared_distances_to(indices[:1])[0]  # D(x)^2, (n_samples,)
    closest[indices[0]] = 0.0  # exactly: a chosen point is never drawn again
    for c in range(1, n_clusters):
        cumulative = np.cumsum(closest)  # (n_samples,)
        if cumulative[-1] == 0:  # every point coincides with a centre already chosen
            indices[c] = np.setdiff1d(np.arange(n_samples), indices[:c])[0]
            continue
        thresholds = rng.random(n_local_trials) * cumulative[-1]  # (n_trials,)
        candidates = np.searchsorted(cumulative, thresholds, side="right")
        candidates = np.minimum(candidates, n_samples - 1)  # (n_trials,)
        with_each = np.minimum(
            closest, squared_distances_to(candidates)
        )  # (n_trials, n)
        best = np.argmin(np.sum(with_each, axis=1))  # the first drawn on a tie
        indices[c] = candidates[best]
        closest = with_each[best]
        closest[indices[: c + 1]] = 0.0
    return X[indices].copy(), indices


def random_centres(X, n_clusters, *, random_state=None):
    """``n_clusters`` distinct rows of ``X`` drawn uniformly: the ``"random"`` start.

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    """
    rng = check_random_state(random_state)
    return X[rng.choice(len(X), size=n_clusters, replace=False)]


def cluster_sums(X, labels, n_clusters):
    """The sum of the points of each cluster, (n_clusters, n_features), and their
    number, (n_clusters,).

    The points are sorted by cluster and each run of rows added up in order
    (``np.add.reduceat``): the same bits on every machine, which a matrix product
    (one-hot table times ``X``) would not promise, its rounding depending on the
    BLAS library.
    """
    order = np.argsort(labels, kind="stable")  # (n_samples,), cluster by cluster
    counts = np.bincount(labels, minlength=n_clusters).astype(float)
    starts = np.concatenate([[0], np.cumsum(counts[:-1])]).astype(int)
    sums = np.zeros((n_clusters, X.shape[1]))
    filled = counts > 0
    sums[filled] = np.add.reduceat(X[order], starts[filled], axis=0)
    return sums, counts


def lloyd_step(X, centres, x_squared_norms=None):
    """One iteration of Lloyd's algorithm: assign, then update.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Each point's nearest centre among ``centres``.
    new_centres : ndarray of shape (n_clusters, n_features)
        The mean of each cluster's points. A cluster left empty takes the point
        farthest from its centre instead (removed from its own cluster's mean).
    """
    labels = nearest_centres(X, centres, x_squared_norms)
    sums, counts = cluster_sums(X, labels, len(centres))
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        squared_distances = np.sum((X - centres[labels]) ** 2, axis=1)  # (n_samples,)
        # The farthest points, farthest first (equal distances: lower index first).
        farthest = np.argsort(-squared_distances, kind="stable")[: len(empty)]
        for cluster, point in zip(empty, farthest, strict=True):
            sums[labels[point]] -= X[point]
            counts[labels[point]] -= 1
            sums[cluster], counts[cluster] = X[point], 1
    return labels, sums / counts[:, np.newaxis]


def lloyd(X, centres, *, max_iter=300, tol=0.0):
    """Lloyd's algorithm from the given centres, until the labels stop changing, the
    centres move by at most ``tol`` (sum of squared shifts), or ``max_iter``.

    Returns
    -------
    centres : ndarray of shape (n_clusters, n_features)
    labels : ndarray of shape (n_samples,)
        Each point's nearest final centre.
    inertia : float
        Sum of squared distances from each point to its centre.
    n_iter : int
        Iterations run.
    """
    x_squared_norms = np.sum(X**2, axis=1)  # (n_samples,), the same every iteration
    labels_before = None
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (returned below)
        labels, new_centres = lloyd_step(X, centres, x_squared_norms)
        shift = np.sum((new_centres - centres) ** 2)
        centres = new_centres
        if labels_before is not None and np.array_equal(labels, labels_before):
            break  # the centres are the means of these labels: nothing will change
        if shift <= tol:
            # The labels were those of the previous centres: assign once more.
            labels = nearest_centres(X, centres, x_squared_norms)
            break
        labels_before = labels
    else:
        labels = nearest_centres(X, centres, x_squared_norms)
    inertia = float(np.sum((X - centres[labels]) ** 2))
    return centres, labels, inertia, n_iter


class KMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    """k-means clustering by Lloyd's algorithm, seeded by k-means++.

    Parameters
    ----------
    n_clusters : int >= 1, default 8
        How many clusters (and centres) to find; at most the number of samples.
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features)
        Where the centres start: drawn by the D² rule (:func:`kmeans_plusplus`),
        ``n_clusters`` distinct points drawn uniformly, or these centres (then one
        run only, whatever ``n_init``).
    n_init : int >= 1, default 10
        Runs from different draws of ``init``; the one of lowest inertia is kept.
    max_iter : int >= 1, default 300
        Iterations of one run at most.
    tol : float >= 0, default 1e-4
        A run stops when its centres move, in total squared distance, by at most
        ``tol`` times the mean variance of the features of ``X``.
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the draws of ``init``; the runs draw from one generator, one after
        the other. The default is a fixed seed, so fitting twice on the same data
        gives the same clusters (scikit-learn's default, ``None``, draws afresh
        every time, as ``None`` does here).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
        The cluster of each training sample.
    inertia_ : float
        Sum of squared distances from each training sample to its centre.
    n_iter_ : int
        Iterations of the run kept.
    n_features_in_ : int

    Notes
    -----
    k-means minimises the inertia :math:`\\sum_i \\lVert x_i - \\mu_{c(i)}\\rVert^2`
    over the assignment :math:`c` and the centres :math:`\\mu`. The assignment step
    minimises it over :math:`c` with :math:`\\mu` fixed, the update step over
    :math:`\\mu` with :math:`c` fixed (a cluster's mean minimises the sum of squared
    distances to its points), so it never rises, and a run ends in a local minimum.
    See the module docstring for the tie rules and Chapter 16 for the idea.

    References
    ----------
    Lloyd, S. (1982). Least squares quantization in PCM. IEEE Transactions on
    Information Theory 28(2), 129-137.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_clusters": [Interval(int, 1, None, closed="left")],
        "init": [
            Options("k-means++", "random"),
            Instance(
                (np.ndarray, list, tuple),
                description="an array of shape (n_clusters, n_features)",
            ),
        ],
        "n_init": [Interval(int, 1, None, closed="left")],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "tol": [Interval(float, 0, None, closed="left")],
        "random_state": [*RANDOM_STATE],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init=10,
        max_iter=300,
        tol=1e-4,
        random_state=0,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _initial_centres(self, X, rng):
        """The centres one run starts from, shape (n_clusters, n_features)."""
        if self.init == "k-means++":
            return kmeans_plusplus(X, self.n_clusters, random_state=rng)[0]
        return random_centres(X, self.n_clusters, random_state=rng)

    def _check_init(self, X):
        """The given initial centres as a float array, or None for a drawn init."""
        if isinstance(self.init, str):
            return None
        centres = check_array(self.init, name="init")
        if centres.shape != (self.n_clusters, X.shape[1]):
            raise ValueError(
                f"init must have shape (n_clusters, n_features) = "
                f"({self.n_clusters}, {X.shape[1]}), got {centres.shape}."
            )
        return centres.copy()

    def fit(self, X, y=None):
        """Cluster ``X`` (n_samples, n_features); ``y`` is ignored."""
        self._validate_params()
        X = check_clustering_data(X, self.n_clusters, "k-means")
        given = self._check_init(X)
        rng = check_random_state(self.random_state)
        tol = self.tol * np.mean(np.var(X, axis=0))  # relative to the data's spread
        best = None
        for _ in range(1 if given is not None else self.n_init):
            start = given if given is not None else self._initial_centres(X, rng)
            run = lloyd(X, start, max_iter=self.max_iter, tol=tol)
            if best is None or run[2] < best[2]:  # a tie keeps the earlier run
                best = run
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = best
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """The nearest centre of each row of ``X``, shape (n_samples,)."""
        X = check_predict_input(self, X)
        return nearest_centres(X, self.cluster_centers_)

    def transform(self, X):
        """Euclidean distance from each row of ``X`` to each centre, shape
        (n_samples, n_clusters)."""
        X = check_predict_input(self, X)
        return np.sqrt(np.maximum(squared_euclidean(X, self.cluster_centers_), 0.0))

    def score(self, X, y=None):
        """Minus the inertia of ``X`` with the fitted centres (higher is better, as
        scikit-learn's ``KMeans.score``)."""
        X = check_predict_input(self, X)
        labels = nearest_centres(X, self.cluster_centers_)
        return -float(np.sum((X - self.cluster_centers_[labels]) ** 2))
