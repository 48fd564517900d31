"""Principal component analysis by the singular value decomposition (Chapter 21).

PCA finds the directions along which centred data vary most, each orthogonal to the
ones before: the *principal components*. Projecting onto the first few keeps as much
of the data's variance as any projection of that dimension can, which is why it
compresses (64 pixels of a digit to a handful of numbers), denoises and draws
high-dimensional data in two dimensions.

The components are the right singular vectors of the centred data matrix
:math:`X_c = U S V^T`, and the variance along component :math:`j` is
:math:`s_j^2 / (n - 1)`. Nothing here forms the covariance matrix
:math:`X_c^T X_c / (n - 1)`: squaring :math:`X_c` would square its condition number
and lose the small variances to rounding, while the SVD computes them from
:math:`X_c` itself.

Signs are fixed by a rule, scikit-learn's (``svd_flip``): a singular vector and its
opposite are equally valid, so each component is turned to make its entry of largest
magnitude positive (of equal magnitudes, the first). The same data then give the
same components on every machine and in both libraries.
"""

import numbers
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, TransformerMixin, check_is_fitted
from scratchlearn.utils.validation import (
    Interval,
    RealNotInt,
    check_array,
    check_predict_input,
    check_X_y,
)


def right_singular_vectors(X_centred):
    """Singular values ``s`` (descending) and right singular vectors ``Vt`` (one per
    row) of ``X_centred`` (n_samples, n_features): the SVD without its ``U``.

    A tall matrix is first reduced to its square triangle :math:`R` (:math:`X_c = Q
    R`, :math:`Q` with orthonormal columns): :math:`R` has the same singular values
    and right singular vectors, and the SVD of an n_features x n_features matrix is
    much cheaper than one that also computes :math:`U` (n_samples x n_features).
    """
    n_samples, n_features = X_centred.shape
    if n_samples > n_features:
        X_centred = np.linalg.qr(X_centred, mode="r")  # (n_features, n_features)
    _, singular_values, Vt = np.linalg.svd(X_centred, full_matrices=False)
    return singular_values, Vt  # (k,), (k, n_features) with k = min(n_s., n_f.)


def flip_signs(Vt):
    """``Vt`` with each row turned so that its entry of largest magnitude is
    positive (``np.argmax`` takes the first of equal magnitudes):
    scikit-learn's ``svd_flip`` rule, which makes the signs deterministic."""
    largest = np.argmax(np.abs(Vt), axis=1)  # (n_components,)
    signs = np.sign(Vt[np.arange(len(Vt)), largest])  # (n_components,)
    return Vt * signs[:, np.newaxis]


def components_for_share(explained_variance_ratio, share):
    """The fewest components whose explained variance adds up to more than
    ``share`` of the total (scikit-learn's rule: strictly more, so that 0.5 of two
    equal components takes both)."""
    cumulative = np.cumsum(explained_variance_ratio)
    count = int(np.searchsorted(cumulative, share, side="right")) + 1
    return min(count, len(explained_variance_ratio))


class PCA(TransformerMixin, BaseEstimator):
    """Principal component analysis: project onto the directions of most variance.

    Parameters
    ----------
    n_components : int >= 1, float in (0, 1) or None, default None
        How many components to keep: a number; a share of the variance to explain
        (the fewest components that explain more than it); or ``None``, all
        ``min(n_samples, n_features)``.
    whiten : bool, default False
        Divide each projected coordinate by its standard deviation, so that the
        transformed data have unit variance in every component (useful before a
        model that assumes it; :meth:`inverse_transform` undoes it).

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        The principal directions, one unit vector per row, by decreasing variance;
        each signed so that its largest-magnitude entry is positive.
    explained_variance_ : ndarray of shape (n_components_,)
        The variance of the data along each component.
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Each component's share of the total variance (of all components, kept or
        not).
    singular_values_ : ndarray of shape (n_components_,)
        The singular values of the centred data, :math:`s_j = \\sqrt{(n - 1)
        \\lambda_j}`.
    mean_ : ndarray of shape (n_features,)
    n_components_ : int
    n_features_in_ : int

    Notes
    -----
    With the centred data :math:`X_c = X - \\bar x = U S V^T`, the components are the
    rows of :math:`V^T` and the explained variances :math:`\\lambda_j = s_j^2 /
    (n - 1)`. ``transform`` computes :math:`Z = (X - \\bar x) V_k` (divided by
    :math:`\\sqrt{\\lambda_j}` when whitening) and ``inverse_transform``
    :math:`\\hat X = Z V_k^T + \\bar x`: with all components it gives ``X`` back
    exactly, with fewer the closest approximation of that rank (Eckart-Young).
    Chapter 21 explains this code.

    References
    ----------
    Pearson, K. (1901). On lines and planes of closest fit to systems of points in
    space. Philosophical Magazine 2(11), 559-572. Jolliffe, I. T. (2002). Principal
    Component Analysis, 2nd ed. Springer.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_components": [
            None,
            Interval(int, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
        ],
        "whiten": [bool],
    }

    def __init__(self, n_components=None, *, whiten=False):
        self.n_components = n_components
        self.whiten = whiten

    def fit(self, X, y=None):
        """Find the principal components of ``X`` (n_samples, n_features); ``y`` is
        ignored (if given, it must be as long as ``X``)."""
        self._fit(X, y)
        return self

    def fit_transform(self, X, y=None):
        """Fit to ``X`` and return its projection, (n_samples, n_components_)."""
        X_centred = self._fit(X, y)
        return self._project(X_centred)

    def _fit(self, X, y):
        """Fit, and return the centred data (for ``fit_transform``)."""
        self._validate_params()
        X = check_array(X) if y is None else check_X_y(X, y, y_numeric=False)[0]
        n_samples, n_features = X.shape
        if n_samples < 2:
            raise ValueError(
                f"PCA needs at least 2 samples; X has {n_samples} sample(s)."
            )
        largest = min(n_samples, n_features)
        counted = isinstance(self.n_components, numbers.Integral)
        if counted and self.n_components > largest:
            raise ValueError(
                f"n_components={self.n_components} is more than min(n_samples, "
                f"n_features) = {largest}: there are no more components."
            )
        mean = X.mean(axis=0)  # (n_features,)
        X_centred = X - mean  # (n_samples, n_features)
        singular_values, Vt = right_singular_vectors(X_centred)
        explained_variance = singular_values**2 / (n_samples - 1)  # (k,)
        total = explained_variance.sum()
        ratio = explained_variance / total if total > 0 else explained_variance
        if self.n_components is None:
            n_components = largest
        elif counted:
            n_components = int(self.n_components)
        else:
            n_components = components_for_share(ratio, self.n_components)
        self.mean_ = mean
        self.components_ = flip_signs(Vt[:n_components])  # (n_components, n_features)
        self.explained_variance_ = explained_variance[:n_components]
        self.explained_variance_ratio_ = ratio[:n_components]
        self.singular_values_ = singular_values[:n_components]
        self.n_components_ = n_components
        self.n_features_in_ = n_features
        return X_centred

    def _scale(self):
        """What whitening divides each coordinate by: its standard deviation, at
        least the machine epsilon (a direction of no variance is not blown up)."""
        return np.maximum(np.sqrt(self.explained_variance_), np.finfo(float).eps)

    def _project(self, X_centred):
        Z = X_centred @ self.components_.T  # (n_samples, n_components_)
        return Z / self._scale() if self.whiten else Z

    def transform(self, X):
        """The coordinates of ``X`` along the components, (n_samples,
        n_components_)."""
        X = check_predict_input(self, X)
        return self._project(X - self.mean_)

    def inverse_transform(self, Z):
        """Points in the original space from their coordinates ``Z`` (n_samples,
        n_components_): the reconstruction :math:`Z V_k^T + \\bar x`."""
        check_is_fitted(self)
        Z = check_array(Z, name="Z")
        if Z.shape[1] != self.n_components_:
            raise ValueError(
                f"Z has {Z.shape[1]} columns, but this PCA has {self.n_components_} "
                "components."
            )
        if self.whiten:
            Z = Z * self._scale()
        return Z @ self.components_ + self.mean_  # (n_samples, n_features)
