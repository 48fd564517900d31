"""Pairwise distances between two sets of points, vectorised.

Used by k-nearest neighbours (Chapter 1) and by the clustering chapters. No Python
loop runs over samples: the Euclidean distance uses the expansion
``|a - b|^2 = |a|^2 + |b|^2 - 2 a.b`` (one matrix product), and the other metrics
broadcast over blocks of queries so that memory stays bounded.
"""

import numpy as np

METRICS = ("euclidean", "manhattan", "minkowski")

# Values in one broadcast block (n_block, n_train, n_features): 2**18 float64 values
# are 2 MB, which stays in the processor's cache. Far larger blocks are several times
# slower, although they make fewer Python iterations.
_BLOCK_VALUES = 2**18


def pairwise_distances(X, Y, metric="euclidean", p=2):
    """Distances between every row of ``X`` and every row of ``Y``.

    Parameters
    ----------
    X : ndarray of shape (n_queries, n_features)
    Y : ndarray of shape (n_train, n_features)
    metric : {"euclidean", "manhattan", "minkowski"}
        ``"minkowski"`` uses the order ``p``; it equals ``"manhattan"`` for ``p=1``
        and ``"euclidean"`` for ``p=2``.
    p : float >= 1
        Order of the Minkowski distance.

    Returns
    -------
    distances : ndarray of shape (n_queries, n_train)

    Notes
    -----
    The Minkowski distance of order :math:`p` is
    :math:`d(a, b) = (\\sum_j |a_j - b_j|^p)^{1/p}`.

    Chapter 1 (k-nearest neighbours) explains this code.
    """
    if metric == "euclidean" or (metric == "minkowski" and p == 2):
        # Rounding can make the expansion slightly negative for (near-)identical points.
        return np.sqrt(np.maximum(squared_euclidean(X, Y), 0.0))
    if metric == "manhattan" or (metric == "minkowski" and p == 1):
        return _blockwise(X, Y, lambda diff: np.abs(diff).sum(axis=2))
    if metric == "minkowski":
        return _blockwise(X, Y, lambda diff: (np.abs(diff) ** p).sum(axis=2) ** (1 / p))
    raise ValueError(f"metric must be one of {list(METRICS)}, got {metric!r}.")


def squared_euclidean(X, Y):
    """Squared Euclidean distances, shape (n_queries, n_train), by one matrix product.

    Ranking points by squared distance gives the same order as by distance, without
    a square root per pair: k-nearest neighbours takes roots of the k winners only.
    Values can be slightly negative (down to about -1e-12 times the norms) through
    rounding when two points (nearly) coincide.
    """
    squared = X @ Y.T  # (n_queries, n_train)
    squared *= -2.0
    squared += np.sum(X**2, axis=1)[:, np.newaxis]  # (n_queries, 1) broadcast
    squared += np.sum(Y**2, axis=1)[np.newaxis, :]  # (1, n_train) broadcast
    return squared


def _blockwise(X, Y, reduce):
    n_queries, n_train = X.shape[0], Y.shape[0]
    # At least 16 queries a block, so that huge training sets never mean one Python
    # iteration per query.
    block = max(16, _BLOCK_VALUES // max(1, n_train * X.shape[1]))
    distances = np.empty((n_queries, n_train))
    for start in range(0, n_queries, block):
        stop = start + block
        diff = (
            X[start:stop, np.newaxis, :] - Y[np.newaxis, :, :]
        )  # (block, n_train, n_features)
        distances[start:stop] = reduce(diff)
    return distances


def exact_distances(X, Y, metric="euclidean"):
    """Distances between every row of ``X`` and every row of ``Y``, computed from
    the differences: the same bits on every processor, shape (n_x, n_y).

    Parameters
    ----------
    X : ndarray of shape (n_x, n_features)
    Y : ndarray of shape (n_y, n_features)
    metric : {"euclidean", "manhattan"}
        :math:`\\sqrt{\\sum_f (x_f - y_f)^2}` or :math:`\\sum_f |x_f - y_f|`.

    Returns
    -------
    distances : ndarray of shape (n_x, n_y)

    Notes
    -----
    The expansion of :func:`squared_euclidean` is faster, but a matrix product sums
    in an order that depends on the processor and the BLAS, so its last bits do too.
    Here every difference is squared (or made positive) and summed by NumPy alone,
    block after block of rows of ``X``; each block's differences are overwritten
    in place, so that no second array of their size is made.

    Chapter 17 (k-medoids) explains why the bits matter: its sums of distances must
    compare equal, and break ties the same way, on every machine.
    """
    block = max(1, _BLOCK_VALUES // max(1, len(Y) * X.shape[1]))
    distances = np.empty((len(X), len(Y)))
    for start in range(0, len(X), block):
        difference = X[start : start + block, np.newaxis, :] - Y  # (block, n_y, n_f)
        if metric == "euclidean":
            np.square(difference, out=difference)
        else:
            np.abs(difference, out=difference)
        np.sum(difference, axis=2, out=distances[start : start + block])
    if metric == "euclidean":
        np.sqrt(distances, out=distances)
    return distances
