"""The book's numerically safe functions, written once and used everywhere.

Logistic regression, softmax regression, naive Bayes, LDA, boosting and every
neural-network layer and loss turn scores into probabilities. Written naively,
``1 / (1 + exp(-z))`` overflows for ``z < -709`` and ``exp(z) / sum(exp(z))`` for
``z > 709``; a log of a probability that underflowed to 0 is ``-inf``. The forms here
never take ``exp`` of a positive number, so they hold at logits of +-1000 (tested).

Chapters 5 (logistic regression) and 23 (building blocks) explain this code.
"""

import numpy as np


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, element by element.

    With ``e = exp(-|z|)``, always in (0, 1], the two halves are ``1 / (1 + e)`` for
    ``z >= 0`` and ``e / (1 + e)`` (that is ``exp(z) / (1 + exp(z))``) below: neither
    overflows.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def log_sum_exp(a, axis=-1, keepdims=False):
    """``log(sum(exp(a)))`` along ``axis``, without overflow or underflow.

    Parameters
    ----------
    a : ndarray
        Logarithms, e.g. of shape (n_samples, n_classes); ``-inf`` stands for 0.
    axis : int, default -1
    keepdims : bool, default False
        Keep ``axis`` with length 1 (to broadcast against ``a``).

    Notes
    -----
    With :math:`m = \\max_k a_k`,

    .. math:: \\log \\sum_k e^{a_k} = m + \\log \\sum_k e^{a_k - m} .

    The largest term of the new sum is :math:`e^0 = 1`, so the sum lies between 1
    and the number of terms: it can neither overflow nor underflow to 0.
    ``np.log(np.sum(np.exp(a)))`` gives ``-inf`` as soon as every :math:`a_k` is
    below about -745, which is common in naive Bayes with many features.
    """
    a = np.asarray(a, dtype=np.float64)
    peak = np.max(a, axis=axis, keepdims=True)
    # All terms -inf (all zero): shift by 0 instead of -inf, to avoid -inf - -inf.
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer there
        total = np.log(np.sum(np.exp(a - peak), axis=axis, keepdims=True)) + peak
    return total if keepdims else np.squeeze(total, axis=axis)


def log_softmax(z, axis=-1):
    """``z_k - log(sum_l exp(z_l))`` along ``axis``: the log of :func:`softmax`,
    finite for any finite ``z`` (no ``log(0)``)."""
    z = np.asarray(z, dtype=np.float64)
    return z - log_sum_exp(z, axis=axis, keepdims=True)


def softmax(z, axis=-1):
    """Probabilities ``exp(z_k) / sum_l exp(z_l)`` along ``axis``.

    Subtracting the largest ``z`` first changes nothing mathematically (the factor
    ``exp(-max)`` cancels) and keeps every exponential in (0, 1].
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
