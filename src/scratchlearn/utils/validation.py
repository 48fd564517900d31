"""Input and hyperparameter validation, in one place.

Every ``fit``/``predict`` makes one call here at its top, so that the algorithm below
stays readable and every estimator reports bad input with the same clear messages
instead of a NumPy broadcasting error ten lines later.
"""

import numbers

import numpy as np

from scratchlearn.base import check_is_fitted


def check_array(X, *, name="X", ensure_2d=True, dtype=np.float64):
    """Return ``X`` as a finite, non-empty NumPy array of ``dtype``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    name : str
        How the array is called in error messages.
    ensure_2d : bool
        Require two dimensions (a design matrix); ``False`` requires one (targets).
    dtype : NumPy dtype or None
        Convert to this type; ``None`` keeps the array's own (class labels).

    Raises
    ------
    ValueError
        If the array is empty, has the wrong number of dimensions, or holds NaN or
        infinity, or cannot be converted to numbers.
    """
    try:
        array = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} could not be converted to numbers: {error}") from None
    if array.dtype == object:
        raise ValueError(f"{name} holds Python objects; pass a numeric array.")
    if ensure_2d and array.ndim != 2:
        if array.ndim == 1:
            raise ValueError(
                f"{name} must be 2-D, of shape (n_samples, n_features), but it is 1-D "
                f"with shape {array.shape}. Use {name}.reshape(-1, 1) if it holds one "
                f"feature, or {name}.reshape(1, -1) if it holds one sample."
            )
        raise ValueError(
            f"{name} must be 2-D, of shape (n_samples, n_features), but it has "
            f"{array.ndim} dimensions (shape {array.shape})."
        )
    if not ensure_2d and array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, of shape (n_samples,), but it has shape "
            f"{array.shape}. Use {name}.ravel() if it is a column."
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 samples (shape {array.shape}).")
    if array.ndim == 2 and array.shape[1] == 0:
        raise ValueError(f"{name} has 0 features (shape {array.shape}).")
    if np.issubdtype(array.dtype, np.number) and not np.all(np.isfinite(array)):
        n_bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(
            f"{name} contains NaN or infinity ({n_bad} value(s)). Remove or impute "
            "them before fitting or predicting."
        )
    return array


def check_X_y(X, y, *, y_numeric=True):
    """Validate a training set: ``X`` 2-D, ``y`` 1-D, both of the same length.

    ``y_numeric=False`` keeps the labels' own type (class labels may be strings).
    """
    X = check_array(X, name="X")
    y = check_array(
        y, name="y", ensure_2d=False, dtype=np.float64 if y_numeric else None
    )
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y have different numbers of samples: X has {X.shape[0]}, "
            f"y has {y.shape[0]}."
        )
    return X, y


def check_predict_input(estimator, X):
    """Check that ``estimator`` is fitted and ``X`` matches what it was fitted on."""
    check_is_fitted(estimator)
    X = check_array(X, name="X")
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} was fitted "
            f"with {estimator.n_features_in_} features."
        )
    return X


def check_scalar(value, name, kind, *, low=None, high=None, low_inclusive=True):
    """Check a numeric hyperparameter's type and range; return it.

    ``kind`` is ``int`` or ``float`` (a float accepts ints too). ``low``/``high`` are
    the bounds; ``high`` is inclusive and ``low`` inclusive unless told otherwise.
    """
    types = numbers.Integral if kind is int else numbers.Real
    if isinstance(value, bool) or not isinstance(value, types):
        raise TypeError(
            f"{name} must be {'an int' if kind is int else 'a number'}, "
            f"got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        relation = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {relation} {low}, got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}.")
    return value


def check_option(value, name, options):
    """Check that a string hyperparameter is one of ``options``; return it."""
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}.")
    return value


def check_priors(priors, n_classes, name="priors"):
    """Check class probabilities given by the user; return them as a float array.

    ``priors`` must hold ``n_classes`` non-negative numbers (one per class, in the
    order of the sorted class labels) that sum to 1, as scikit-learn requires.
    """
    try:
        array = np.array(priors, dtype=np.float64)  # a copy: never the user's array
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be an array of {n_classes} probabilities, got {priors!r}."
        ) from None
    if array.shape != (n_classes,):
        raise ValueError(
            f"{name} must hold one probability per class ({n_classes} classes), got "
            f"shape {array.shape}."
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be non-negative and finite, got {array}.")
    if not np.isclose(array.sum(), 1.0):
        raise ValueError(f"{name} must sum to 1, got {array.sum():g}.")
    return array


def check_random_state(random_state):
    """Turn ``None``, an int seed or a Generator into a ``numpy.random.Generator``."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise TypeError(
        f"random_state must be None, an int or a numpy.random.Generator, "
        f"got {random_state!r}."
    )
