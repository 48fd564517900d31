"""Scores for classifiers and regressors (each one line of NumPy, on purpose)."""

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
