"""k-nearest neighbours for classification and regression (Chapter 1).

A k-nearest-neighbours model learns nothing at ``fit`` time: it remembers the
training set. To predict for a query point it finds the ``k`` training points closest
to it and lets them vote (classification) or averages their targets (regression),
optionally weighting each neighbour by the inverse of its distance.

Ties, broken deterministically and the same way as scikit-learn's brute-force search:

* neighbours at equal distance: the one that comes first in the training set is
  nearer (see :func:`k_smallest`); Euclidean distances of the candidates are
  computed exactly, so that "equal" means the same on every machine (see
  :func:`exact_nearest_distances`);
* classes with equal votes: the smallest class label wins (``np.argmax`` returns the
  first maximum, and ``classes_`` is sorted).
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from scratchlearn.distances import METRICS, pairwise_distances, squared_euclidean
from scratchlearn.utils.validation import (
    Interval,
    Options,
    check_predict_input,
    check_X_y,
)


def k_smallest(scores, k):
    """Column indices of the ``k`` smallest values of each row, smallest first.

    Equal values are ordered by column index, so that among training points at the
    same distance the one seen first in training wins.

    Sorting whole rows would cost O(n_train log n_train) per query; a partial sort
    (``np.argpartition``, linear time) finds the k smallest instead, in no particular
    order. Where the k-th smallest value is shared by more points than there are
    places left, the partition chose among them arbitrarily: only those rows are
    sorted in full, stably. The k winners are then ordered by value, then index.

    Parameters
    ----------
    scores : ndarray of shape (n_queries, n_train)
    k : int, 1 <= k <= n_train

    Returns
    -------
    indices : ndarray of shape (n_queries, k)
    """
    indices = np.argpartition(scores, k - 1, axis=1)[:, :k]  # (n_queries, k)
    values = np.take_along_axis(scores, indices, axis=1)  # (n_queries, k)
    kth = values.max(axis=1, keepdims=True)  # (n_queries, 1)
    crowded = np.count_nonzero(scores <= kth, axis=1) > k  # (n_queries,)
    if crowded.any():
        indices[crowded] = np.argsort(scores[crowded], axis=1, kind="stable")[:, :k]
        values = np.take_along_axis(scores, indices, axis=1)
    order = np.lexsort((indices, values), axis=1)  # by value, then by index
    return np.take_along_axis(indices, order, axis=1)


# How far the matrix-product expansion of a squared distance can be from the exact
# value, relative to the squared norms involved: a few hundred units of rounding.
_EXPANSION_ERROR = 1e-13


def exact_nearest_distances(X, Y, k):
    """Euclidean distances from each row of ``X`` to its candidate nearest rows of
    ``Y``, computed directly; ``inf`` for rows of ``Y`` that cannot be among the
    ``k`` nearest. Shape (n_queries, n_train).

    The expansion :math:`|x|^2 + |y|^2 - 2 x \\cdot y` computes every distance with
    one matrix product (fast), but its rounding depends on the processor and the
    BLAS library, and near-ties (two training points at equal distance, common with
    measurements to one decimal) would then be broken differently on different
    machines. So the expansion only shortlists: every point within its rounding
    error of the k-th nearest is a candidate, and the candidates' distances are
    computed again as :math:`\\sqrt{\\sum_j (x_j - y_j)^2}`, which rounds the same
    way everywhere. Equal distances then go to the lower index on every machine.
    """
    approximate = squared_euclidean(X, Y)  # (n_queries, n_train)
    kth = np.partition(approximate, k - 1, axis=1)[:, k - 1 : k]  # (n_queries, 1)
    norms = np.sum(X**2, axis=1)[:, np.newaxis] + np.max(np.sum(Y**2, axis=1))
    candidates = approximate <= kth + _EXPANSION_ERROR * norms  # (n_queries, n_train)
    rows, columns = np.nonzero(candidates)  # (n_candidates,) each
    scores = np.full(approximate.shape, np.inf)
    scores[rows, columns] = np.sqrt(np.sum((X[rows] - Y[columns]) ** 2, axis=1))
    return scores


class _KNeighborsBase(BaseEstimator):
    """What the classifier and the regressor share: storing data, finding neighbours."""

    _parameter_constraints: ClassVar[dict] = {
        "n_neighbors": [Interval(int, 1, None, closed="left")],
        "weights": [Options("uniform", "distance")],
        "metric": [Options(*METRICS)],
        "p": [Interval(float, 1, None, closed="left")],
    }

    def __init__(self, n_neighbors=5, *, weights="uniform", metric="euclidean", p=2):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.metric = metric
        self.p = p

    def _fit(self, X, y, *, classifier):
        X, y = check_X_y(X, y, classifier=classifier)
        if self.n_neighbors > X.shape[0]:
            raise ValueError(
                f"n_neighbors={self.n_neighbors} is more than the training set's "
                f"{X.shape[0]} sample(s)."
            )
        # "Training" is remembering the data.
        self.X_fit_ = X  # (n_train, n_features)
        self.n_features_in_ = X.shape[1]
        return y

    def kneighbors(self, X):
        """Find the ``n_neighbors`` nearest training points of each row of ``X``.

        Returns
        -------
        distances : ndarray of shape (n_queries, n_neighbors)
            Sorted from nearest to farthest.
        indices : ndarray of shape (n_queries, n_neighbors)
            Row numbers of the neighbours in the training set.
        """
        X = check_predict_input(self, X)
        euclidean = self.metric == "euclidean" or (
            self.metric == "minkowski" and self.p == 2
        )
        if euclidean:  # a shortlist by matrix product, then exact distances
            scores = exact_nearest_distances(X, self.X_fit_, self.n_neighbors)
        else:
            scores = pairwise_distances(X, self.X_fit_, self.metric, self.p)
        indices = k_smallest(scores, self.n_neighbors)  # (n_queries, k)
        return np.take_along_axis(scores, indices, axis=1), indices

    def _neighbour_weights(self, distances):
        """Weight of each neighbour, shape (n_queries, n_neighbors).

        ``"distance"`` weighs a neighbour by 1 / distance. A query that coincides
        with training points (distance 0) takes its answer from those points alone.
        """
        if self.weights == "uniform":
            return np.ones_like(distances)
        exact = distances == 0  # (n_queries, n_neighbors)
        with np.errstate(divide="ignore"):
            weights = 1.0 / distances
        has_exact = exact.any(axis=1)
        weights[has_exact] = exact[has_exact]
        return weights


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """Classify a point by the (weighted) vote of its ``k`` nearest training points.

    Parameters
    ----------
    n_neighbors : int >= 1, default 5
        How many neighbours vote.
    weights : {"uniform", "distance"}, default "uniform"
        ``"uniform"``: one vote each. ``"distance"``: a vote of 1 / distance, so that
        nearer neighbours count more.
    metric : {"euclidean", "manhattan", "minkowski"}, default "euclidean"
        How distance is measured; see :func:`scratchlearn.distances.pairwise_distances`.
    p : float >= 1, default 2
        Order of the Minkowski distance (used only when ``metric="minkowski"``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    X_fit_ : ndarray of shape (n_train, n_features)
        The remembered training points.
    y_fit_ : ndarray of shape (n_train,)
        Each training point's class, as an index into ``classes_``.
    n_features_in_ : int

    Notes
    -----
    With neighbour set :math:`N_k(x)` and weights :math:`w_i`, the predicted class is
    :math:`\\arg\\max_c \\sum_{i \\in N_k(x)} w_i [y_i = c]`, ties going to the smallest
    label. See the module docstring for the tie rules and Chapter 1 for the idea.

    References
    ----------
    Cover, T. and Hart, P. (1967). Nearest neighbor pattern classification. IEEE
    Transactions on Information Theory 13(1), 21-27.
    """

    def fit(self, X, y):
        """Remember the training set ``X`` (n_samples, n_features) and labels ``y``."""
        self._validate_params()
        y = self._fit(X, y, classifier=True)
        self.classes_, self.y_fit_ = np.unique(y, return_inverse=True)
        return self

    def predict_proba(self, X):
        """Share of the (weighted) vote of each class, shape (n_queries, n_classes)."""
        distances, indices = self.kneighbors(X)  # (n_queries, k) each
        weights = self._neighbour_weights(distances)  # (n_queries, k)
        labels = self.y_fit_[indices]  # (n_queries, k)
        one_hot = labels[:, :, np.newaxis] == np.arange(
            len(self.classes_)
        )  # (n_queries, k, n_classes)
        votes = (weights[:, :, np.newaxis] * one_hot).sum(
            axis=1
        )  # (n_queries, n_classes)
        return votes / votes.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most voted class of each row of ``X``; ties go to the smallest label."""
        probabilities = self.predict_proba(X)  # (n_queries, n_classes)
        return self.classes_[np.argmax(probabilities, axis=1)]


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """Predict the (weighted) mean target of the ``k`` nearest training points.

    Parameters
    ----------
    n_neighbors : int >= 1, default 5
    weights : {"uniform", "distance"}, default "uniform"
    metric : {"euclidean", "manhattan", "minkowski"}, default "euclidean"
    p : float >= 1, default 2
        As for :class:`KNeighborsClassifier`.

    Attributes
    ----------
    X_fit_ : ndarray of shape (n_train, n_features)
    y_fit_ : ndarray of shape (n_train,)
    n_features_in_ : int

    Notes
    -----
    :math:`\\hat y(x) = \\sum_{i \\in N_k(x)} w_i y_i / \\sum_{i \\in N_k(x)} w_i`.
    """

    def fit(self, X, y):
        """Remember the training set ``X`` (n_samples, n_features) and targets ``y``."""
        self._validate_params()
        self.y_fit_ = self._fit(X, y, classifier=False)
        return self

    def predict(self, X):
        """Weighted mean of the neighbours' targets, shape (n_queries,)."""
        distances, indices = self.kneighbors(X)  # (n_queries, k) each
        weights = self._neighbour_weights(distances)  # (n_queries, k)
        return np.sum(weights * self.y_fit_[indices], axis=1) / np.sum(weights, axis=1)
