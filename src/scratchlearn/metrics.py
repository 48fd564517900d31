"""Scores for classifiers and regressors (each one line of NumPy, on purpose), and
the silhouette of a clustering (Part II)."""

import numpy as np


def _pair(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred have different shapes: {y_true.shape} and "
            f"{y_pred.shape}."
        )
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty.")
    return y_true, y_pred


def accuracy_score(y_true, y_pred):
    """Fraction of predictions equal to the true labels."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def mean_squared_error(y_true, y_pred):
    """Mean of the squared residuals, ``mean((y_true - y_pred) ** 2)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


def r2_score(y_true, y_pred):
    """Coefficient of determination, ``1 - SS_residual / SS_total``.

    1 is a perfect fit and 0 is no better than predicting the mean of ``y_true``;
    as in scikit-learn, a constant ``y_true`` gives 1.0 for a perfect prediction and
    0.0 otherwise.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    ss_residual = np.sum((y_true - y_pred) ** 2)
    ss_total = np.sum((y_true - np.mean(y_true)) ** 2)
    if ss_total == 0:
        return 1.0 if ss_residual == 0 else 0.0
    return float(1.0 - ss_residual / ss_total)


def silhouette_samples(X, labels, *, block_size=1024):
    """The silhouette of each sample of a clustering of ``X``: how much closer it is
    to its own cluster than to the nearest other one.

    For sample :math:`i`, with :math:`a_i` its mean Euclidean distance to the other
    members of its cluster and :math:`b_i` the smallest mean distance to the members
    of another cluster, :math:`s_i = (b_i - a_i) / \\max(a_i, b_i)`, in [-1, 1]. A
    sample alone in its cluster gets 0, as in scikit-learn.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        The cluster of each sample; between 2 and n_samples - 1 distinct values.
    block_size : int
        Rows of the distance matrix held at once (memory: block_size * n_samples).

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    from scratchlearn.distances import squared_euclidean
    from scratchlearn.utils.validation import check_array

    X = check_array(X)
    labels = np.asarray(labels)
    if labels.shape != (len(X),):
        raise ValueError(
            f"labels must have one entry per sample of X ({len(X)}), got shape "
            f"{labels.shape}."
        )
    clusters, index = np.unique(labels, return_inverse=True)
    if not 2 <= len(clusters) <= len(X) - 1:
        raise ValueError(
            f"The silhouette needs 2 to n_samples - 1 = {len(X) - 1} clusters, got "
            f"{len(clusters)}."
        )
    members = np.zeros((len(X), len(clusters)))  # one-hot: (n_samples, n_clusters)
    members[np.arange(len(X)), index] = 1.0
    sizes = members.sum(axis=0)  # (n_clusters,)
    scores = np.empty(len(X))
    for start in range(0, len(X), block_size):
        rows = slice(start, start + block_size)
        distances = np.sqrt(np.maximum(squared_euclidean(X[rows], X), 0.0))
        own = np.arange(len(distances))
        distances[own, own + start] = 0.0  # each sample to itself, exactly
        sums = distances @ members  # (block, n_clusters)
        mine = index[rows]
        alone = sizes[mine] == 1
        a = sums[own, mine] / np.where(alone, 1.0, sizes[mine] - 1)
        means = sums / sizes
        means[own, mine] = np.inf  # b looks at the other clusters only
        b = means.min(axis=1)
        with np.errstate(invalid="ignore"):  # a = b = 0: duplicates of one point
            block = (b - a) / np.maximum(a, b)
        scores[rows] = np.where(alone | ~np.isfinite(block), 0.0, block)
    return scores


def silhouette_score(X, labels):
    """The mean silhouette of all samples (see :func:`silhouette_samples`): near 1
    for compact, well-separated clusters, near 0 for overlapping ones."""
    return float(np.mean(silhouette_samples(X, labels)))
