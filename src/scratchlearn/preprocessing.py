"""Transformers that reshape the features before a model sees them (Chapter 2).

* :class:`PolynomialFeatures` adds powers and products of the features, so that a
  linear model can fit curves: polynomial regression is linear regression on them.
* :class:`StandardScaler` centres each feature and divides it by its standard
  deviation, so that gradient descent sees features of one scale.

Both learn from ``X`` alone: ``fit(X, y=None)`` accepts ``y`` only so that they fit
in the same places as a model, and ignores it beyond checking its length.
"""

from itertools import combinations_with_replacement
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, TransformerMixin, check_is_fitted
from scratchlearn.utils.validation import (
    Interval,
    check_array,
    check_predict_input,
    check_X_y,
)


def _check_fit_input(X, y):
    """``X`` validated as for any ``fit``; ``y``, if given, must be as long as ``X``."""
    if y is None:
        return check_array(X)
    X, _ = check_X_y(X, y, y_numeric=False)
    return X


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """Every product of the features up to a total degree, in scikit-learn's order.

    With two features :math:`a, b` and ``degree=2`` the output columns are
    :math:`a, b, a^2, ab, b^2` (and first a column of ones if ``include_bias``).

    Parameters
    ----------
    degree : int >= 0, default 2
        The largest total degree of a product.
    include_bias : bool, default False
        Add a first column of ones (the degree-0 term). The default differs from
        scikit-learn's (``True``) on purpose: :class:`LinearRegression` fits its own
        intercept, and a column of ones beside it would only duplicate it.

    Attributes
    ----------
    powers_ : ndarray of shape (n_output_features_, n_features_in_)
        ``powers_[j, i]`` is the exponent of input feature ``i`` in output column
        ``j``.
    n_output_features_ : int
        Number of output columns.
    n_features_in_ : int
        Number of input features seen in ``fit``.

    Notes
    -----
    The output columns are the monomials :math:`\\prod_i x_i^{p_i}` with
    :math:`1 \\le \\sum_i p_i \\le d` (:math:`0 \\le` with the bias), ordered first by
    total degree and then as :func:`itertools.combinations_with_replacement` lists
    the feature indices, which is scikit-learn's order. With :math:`n` features there
    are :math:`\\binom{n + d}{d}` of them counting the bias: the number of columns
    grows fast with the degree, and so does the risk of overfitting.

    Chapter 2 explains this code.

    References
    ----------
    Hastie, T., Tibshirani, R. and Friedman, J. (2009). The Elements of Statistical
    Learning, 2nd ed., Section 5.1 (basis expansions). Springer.
    """

    _parameter_constraints: ClassVar[dict] = {
        "degree": [Interval(int, 0, None, closed="left")],
        "include_bias": [bool],
    }

    def __init__(self, degree=2, *, include_bias=False):
        self.degree = degree
        self.include_bias = include_bias

    def fit(self, X, y=None):
        """Work out the output columns for ``X`` (n_samples, n_features)."""
        self._validate_params()
        if self.degree == 0 and not self.include_bias:  # two hyperparameters together
            raise ValueError(
                "degree=0 with include_bias=False leaves no output column; use "
                "degree >= 1 or include_bias=True."
            )
        X = _check_fit_input(X, y)
        n_features = X.shape[1]
        lowest_degree = 0 if self.include_bias else 1
        # Each combination lists the input features multiplied together, with
        # repeats: (0, 0, 1) is x0 * x0 * x1.
        combinations = [
            combination
            for degree in range(lowest_degree, self.degree + 1)
            for combination in combinations_with_replacement(range(n_features), degree)
        ]
        # Counting how often each feature appears gives its exponent.
        powers = np.array(
            [
                np.bincount(np.array(combination, dtype=int), minlength=n_features)
                for combination in combinations
            ]
        )
        self.powers_ = powers  # (n_output_features, n_features)
        self.n_output_features_ = len(combinations)
        self.n_features_in_ = n_features
        return self

    def transform(self, X):
        """The polynomial features of ``X``, shape (n_samples, n_output_features_)."""
        X = check_predict_input(self, X)
        feature_indices = np.arange(self.n_features_in_)
        columns = [
            # Products of repeated columns rather than powers: exact for squares and
            # the same arithmetic as scikit-learn. The empty product is 1 (the bias).
            np.prod(X[:, np.repeat(feature_indices, exponents)], axis=1)
            for exponents in self.powers_
        ]
        return np.stack(columns, axis=1)  # (n_samples, n_output_features)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, such as ``"x0^2 x1"``, as scikit-learn gives.

        ``input_features`` names the input columns (default ``x0, x1, ...``).
        """
        check_is_fitted(self)
        if input_features is None:
            input_features = [f"x{i}" for i in range(self.n_features_in_)]
        if len(input_features) != self.n_features_in_:
            raise ValueError(
                f"input_features has {len(input_features)} names, but "
                f"PolynomialFeatures was fitted with {self.n_features_in_} features."
            )
        names = []
        for exponents in self.powers_:
            terms = [
                name if power == 1 else f"{name}^{power}"
                for name, power in zip(input_features, exponents, strict=True)
                if power > 0
            ]
            names.append(" ".join(terms) or "1")
        return np.asarray(names, dtype=object)


class StandardScaler(TransformerMixin, BaseEstimator):
    """Centre each feature on 0 and scale it to unit variance.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        Mean of each feature in the training set.
    var_ : ndarray of shape (n_features,)
        Variance of each feature (divided by ``n_samples``, not ``n_samples - 1``).
    scale_ : ndarray of shape (n_features,)
        Standard deviation of each feature, or 1 for a constant feature.
    n_features_in_ : int

    Notes
    -----
    :math:`z = (x - \\mu) / \\sigma` feature by feature, with :math:`\\mu` and
    :math:`\\sigma` learned on the training set only and reused on new data, so that
    test data are transformed exactly as the training data were.

    A constant feature has :math:`\\sigma = 0`; it gets scale 1 (so it becomes a
    column of zeros rather than NaN), as in scikit-learn. "Constant" allows for
    rounding: a variance below the error bound of the two-pass variance computation
    (Chan, Golub and LeVeque), :math:`n \\epsilon \\sigma^2 + (n \\epsilon \\mu)^2`,
    counts as zero, the test scikit-learn uses.

    Chapter 2 explains this code.

    References
    ----------
    Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983). Algorithms for computing the
    sample variance: analysis and recommendations. The American Statistician 37(3),
    242-247.
    """

    _parameter_constraints: ClassVar[dict] = {}  # no hyperparameters

    def __init__(self):
        pass

    def fit(self, X, y=None):
        """Learn the mean and scale of each feature of ``X`` (n_samples, n_features)."""
        self._validate_params()
        X = _check_fit_input(X, y)
        n_samples = X.shape[0]
        mean = X.mean(axis=0)  # (n_features,)
        var = X.var(axis=0)  # (n_features,)
        eps = np.finfo(np.float64).eps
        constant = var <= n_samples * eps * var + (n_samples * eps * mean) ** 2
        self.mean_ = mean
        self.var_ = var
        self.scale_ = np.where(constant, 1.0, np.sqrt(var))  # (n_features,)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """Standardised ``X``, ``(X - mean_) / scale_`` (same shape)."""
        X = check_predict_input(self, X)
        return (X - self.mean_) / self.scale_  # broadcasts over the rows

    def inverse_transform(self, X):
        """Undo :meth:`transform`: ``X * scale_ + mean_``."""
        X = check_predict_input(self, X)
        return X * self.scale_ + self.mean_
