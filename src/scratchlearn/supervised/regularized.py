"""Ridge, lasso and elastic net: least squares with a penalty (Chapter 3).

All three fit a line (a hyperplane) ``y ≈ X w + b`` like ordinary least squares, but
add to the squared error a penalty on the size of the coefficients ``w``:

* ridge penalises ``||w||_2^2`` and shrinks every coefficient a little;
* lasso penalises ``||w||_1`` and sets some coefficients to exactly zero;
* elastic net mixes the two.

The intercept ``b`` is never penalised, or the model would depend on where the origin
of ``y`` happens to be. Every estimator therefore fits on centred data (each column of
``X`` and ``y`` minus its mean), where the best intercept is 0, and recovers
``b = mean(y) - mean(X) @ w`` afterwards.

Ridge has a closed form. Lasso and elastic net do not (``|w_j|`` has no derivative at
0) and are fitted by cyclic coordinate descent: minimise over one coefficient at a
time, which has a closed form, the soft-thresholding of :func:`soft_threshold`.
"""

import warnings
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, RegressorMixin, check_is_fitted
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.utils.validation import Interval, check_predict_input, check_X_y


def soft_threshold(z, threshold):
    """Shrink the number ``z`` towards 0 by ``threshold``, to exactly 0 if it is closer.

    ``S(z, t) = sign(z) * max(|z| - t, 0)``: the minimiser over ``w`` of
    ``0.5 * (w - z)**2 + t * |w|``. It is why the lasso gives exact zeros.
    """
    if z > threshold:
        return z - threshold
    if z < -threshold:
        return z + threshold
    return 0.0


def _centre(X, y, fit_intercept):
    """Centred ``X`` and ``y`` and their means; unchanged data and zero means if the
    model has no intercept."""
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    X_mean = X.mean(axis=0)  # (n_features,)
    y_mean = y.mean()
    return X - X_mean, y - y_mean, X_mean, y_mean  # X - X_mean: (n_samples, n_features)


class _PenalisedLinearModel(RegressorMixin, BaseEstimator):
    """What the three models share: the linear prediction and the fitted ``coef``."""

    def predict(self, X):
        """Predicted targets ``X @ coef_ + intercept_``, shape (n_samples,)."""
        X = check_predict_input(self, X)
        return X @ self.coef_ + self.intercept_

    def _coef_or_fitted(self, coef):
        """``coef`` as an array, or the fitted ``coef_`` when ``coef`` is None."""
        if coef is None:
            check_is_fitted(self)
            return self.coef_
        return np.asarray(coef, dtype=np.float64)


class Ridge(_PenalisedLinearModel):
    """Least squares with an L2 penalty, solved in closed form.

    Parameters
    ----------
    alpha : float >= 0, default 1.0
        Strength of the penalty. 0 gives ordinary least squares.
    fit_intercept : bool, default True
        Fit an (unpenalised) intercept. If False the data are assumed centred.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_features_in_ : int

    Notes
    -----
    Ridge minimises, as scikit-learn's ``Ridge`` does,

    .. math:: \\|y - Xw - b\\|_2^2 + \\alpha \\|w\\|_2^2 .

    With :math:`X_c, y_c` the centred data, setting the gradient to zero gives the
    linear system :math:`(X_c^T X_c + \\alpha I)\\, w = X_c^T y_c`. For
    :math:`\\alpha > 0` the matrix is symmetric positive definite (its eigenvalues are
    at least :math:`\\alpha`), so ``np.linalg.solve`` is stable. Inverting it
    explicitly would be slower and less accurate. For :math:`\\alpha = 0` the matrix
    may be singular, so ``np.linalg.lstsq`` solves the least-squares problem on
    :math:`X_c` directly (the minimum-norm solution if there are many). Forming
    :math:`X_c^T X_c` costs :math:`O(n_{samples} n_{features}^2)`; with far more
    features than samples the equivalent "dual" form
    :math:`w = X_c^T (X_c X_c^T + \\alpha I)^{-1} y_c` would be cheaper.

    Chapter 3 explains this code.

    References
    ----------
    Hoerl, A. E. and Kennard, R. W. (1970). Ridge regression: biased estimation for
    nonorthogonal problems. Technometrics 12(1), 55-67.
    """

    _parameter_constraints: ClassVar[dict] = {
        "alpha": [Interval(float, 0, None, closed="left")],
        "fit_intercept": [bool],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True):
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        """Fit to ``X`` (n_samples, n_features) and targets ``y`` (n_samples,)."""
        self._validate_params()
        X, y = check_X_y(X, y)

        X_c, y_c, X_mean, y_mean = _centre(X, y, self.fit_intercept)
        if self.alpha == 0:
            coef = np.linalg.lstsq(X_c, y_c, rcond=None)[0]  # (n_features,)
        else:
            gram = X_c.T @ X_c  # (n_features, n_features)
            gram[np.diag_indices_from(gram)] += self.alpha
            coef = np.linalg.solve(gram, X_c.T @ y_c)  # (n_features,)

        self.coef_ = coef
        self.intercept_ = float(y_mean - X_mean @ coef)
        self.n_features_in_ = X.shape[1]
        return self

    def penalty(self, coef=None):
        """Value of the penalty ``alpha * ||coef||_2^2`` (of ``coef_`` if not given)."""
        coef = self._coef_or_fitted(coef)
        return float(self.alpha * (coef @ coef))


class ElasticNet(_PenalisedLinearModel):
    """Least squares with a mix of L1 and L2 penalties, by coordinate descent.

    Parameters
    ----------
    alpha : float >= 0, default 1.0
        Strength of the whole penalty. 0 gives ordinary least squares (slowly: use
        :class:`Ridge` with ``alpha=0`` for that).
    l1_ratio : float in [0, 1], default 0.5
        Share of the penalty that is L1. 1 is the lasso, 0 is ridge.
    fit_intercept : bool, default True
        Fit an (unpenalised) intercept. If False the data are assumed centred.
    max_iter : int >= 1, default 1000
        Most passes over all the coefficients.
    tol : float > 0, default 1e-4
        Stop once the duality gap is at most ``tol * ||y_c||^2`` (see Notes).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
        Passes over the coefficients that were made.
    dual_gap_ : float
        Duality gap at the end, on the scale of the objective below: an upper bound
        on how far that objective is above its minimum.
    n_features_in_ : int

    Notes
    -----
    The objective is exactly scikit-learn's:

    .. math::

        \\frac{1}{2 n} \\|y - Xw - b\\|_2^2
        + \\alpha \\rho \\|w\\|_1 + \\frac{\\alpha (1 - \\rho)}{2} \\|w\\|_2^2 ,

    with :math:`n` samples and :math:`\\rho` = ``l1_ratio``. Multiplied by :math:`n`,
    on centred data, it is :math:`\\tfrac12 \\|y - Xw\\|^2 + \\lambda_1 \\|w\\|_1 +
    \\tfrac12 \\lambda_2 \\|w\\|^2` with :math:`\\lambda_1 = n \\alpha \\rho` and
    :math:`\\lambda_2 = n \\alpha (1 - \\rho)`.

    **Coordinate update.** Holding every coefficient but :math:`w_j` fixed, let
    :math:`r = y - Xw` be the residual and :math:`z_j = X_j^T r + \\|X_j\\|^2 w_j` the
    correlation of column :math:`j` with the residual *without* feature :math:`j`'s
    contribution. The best :math:`w_j` is then

    .. math:: w_j \\leftarrow \\frac{S(z_j, \\lambda_1)}{\\|X_j\\|^2 + \\lambda_2},
        \\qquad S(z, t) = \\operatorname{sign}(z) \\max(|z| - t, 0).

    One pass updates :math:`j = 1, \\dots, p` in turn. The squared column norms
    :math:`\\|X_j\\|^2` are computed once.

    **Where the correlations come from.** With more samples than features
    (:math:`n > p`), the code precomputes the Gram matrix :math:`G = X^T X` and
    :math:`X^T y` once, in :math:`O(n p^2)`; then
    :math:`X_j^T r = X_j^T y - G_j w` is one dot product of length :math:`p`, and
    nothing but :math:`w` has to be kept up to date. Otherwise the Gram matrix would
    be the larger object, so the code keeps the residual :math:`r` itself: one dot
    product of length :math:`n` per coordinate, and after a change :math:`\\delta`
    of :math:`w_j` the update :math:`r \\leftarrow r - \\delta X_j`, both vectorised.
    Either way the loop over coordinates runs in Python, with one or two NumPy calls
    per coordinate; the Gram form makes those calls short. scikit-learn runs the
    same loop compiled (Cython): the benchmark appendix shows what that is worth.

    **Stopping rule (as scikit-learn's).** After a pass whose largest coefficient
    change is at most ``tol`` times the largest coefficient, the duality gap is
    computed: the primal objective minus the value of the dual problem at a dual
    point built from the residual. It is never negative and bounds how far the
    objective is from its minimum, so stopping when it is at most
    ``tol * ||y_c||^2`` (on the scale multiplied by :math:`n`) is a guarantee, not a
    guess. If ``max_iter`` passes end before that, a :class:`ConvergenceWarning` is
    issued.

    Chapter 3 explains this code.

    References
    ----------
    Friedman, J., Hastie, T. and Tibshirani, R. (2010). Regularization paths for
    generalized linear models via coordinate descent. Journal of Statistical Software
    33(1), 1-22.

    Zou, H. and Hastie, T. (2005). Regularization and variable selection via the
    elastic net. Journal of the Royal Statistical Society B 67(2), 301-320.
    """

    _parameter_constraints: ClassVar[dict] = {
        "alpha": [Interval(float, 0, None, closed="left")],
        "l1_ratio": [Interval(float, 0, 1, closed="both")],
        "fit_intercept": [bool],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "tol": [Interval(float, 0, None, closed="neither")],
    }

    def __init__(
        self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, max_iter=1000, tol=1e-4
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        """Fit to ``X`` (n_samples, n_features) and targets ``y`` (n_samples,)."""
        return self._fit(X, y)

    def _fit(self, X, y, coef_init=None):
        """``fit``, starting coordinate descent from ``coef_init`` instead of zeros.

        A warm start from the solution for a nearby ``alpha`` needs only a few passes:
        :func:`coefficient_path` uses it.
        """
        self._validate_params()
        X, y = check_X_y(X, y)

        n_samples, n_features = X.shape
        X_c, y_c, X_mean, y_mean = _centre(X, y, self.fit_intercept)
        coef = np.zeros(n_features) if coef_init is None else np.array(coef_init, float)
        # The objective times n_samples has the simpler coordinate update.
        l1_strength = n_samples * self.alpha * self.l1_ratio
        l2_strength = n_samples * self.alpha * (1.0 - self.l1_ratio)
        coef, n_passes, gap, gap_tol = _coordinate_descent(
            X_c, y_c, coef, l1_strength, l2_strength, self.max_iter, self.tol
        )
        if gap > gap_tol:
            warnings.warn(
                f"{type(self).__name__} did not converge in max_iter={self.max_iter} "
                f"passes: duality gap {gap:.3e} > tolerance {gap_tol:.3e}. Increase "
                "max_iter, increase tol or standardise the features.",
                ConvergenceWarning,
                stacklevel=3,
            )

        self.coef_ = coef
        self.intercept_ = float(y_mean - X_mean @ coef)
        self.n_iter_ = n_passes
        self.dual_gap_ = gap / n_samples
        self.n_features_in_ = n_features
        return self

    def penalty(self, coef=None):
        """Value of the penalty (of ``coef_`` if ``coef`` is not given):
        ``alpha * l1_ratio * ||coef||_1 + 0.5 * alpha * (1 - l1_ratio) * ||coef||_2^2``.
        """
        coef = self._coef_or_fitted(coef)
        l1_norm = np.sum(np.abs(coef))
        squared_l2_norm = coef @ coef
        return float(
            self.alpha * self.l1_ratio * l1_norm
            + 0.5 * self.alpha * (1.0 - self.l1_ratio) * squared_l2_norm
        )


class Lasso(ElasticNet):
    """Least squares with an L1 penalty, by coordinate descent: sparse coefficients.

    Parameters
    ----------
    alpha : float >= 0, default 1.0
        Strength of the penalty. From ``max|X_c^T y_c| / n_samples`` upwards every
        coefficient is exactly 0.
    fit_intercept : bool, default True
    max_iter : int >= 1, default 1000
    tol : float > 0, default 1e-4
        As for :class:`ElasticNet`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float
    n_features_in_ : int

    Notes
    -----
    The objective is scikit-learn's,
    :math:`\\frac{1}{2n} \\|y - Xw - b\\|_2^2 + \\alpha \\|w\\|_1`: the elastic net
    with ``l1_ratio=1``, fitted by the same coordinate descent (see
    :class:`ElasticNet`). Each coordinate update is then a pure soft-thresholding,
    :math:`w_j \\leftarrow S(z_j, n\\alpha) / \\|X_j\\|^2`, which is 0 whenever
    :math:`|z_j| \\le n\\alpha`. With :math:`w = 0`, :math:`z_j = X_j^T y_c`, so 0 is
    the solution exactly when :math:`\\alpha \\ge \\max_j |X_j^T y_c| / n`.

    Chapter 3 explains this code.

    References
    ----------
    Tibshirani, R. (1996). Regression shrinkage and selection via the lasso. Journal of
    the Royal Statistical Society B 58(1), 267-288.

    Friedman, J., Hastie, T. and Tibshirani, R. (2010). Regularization paths for
    generalized linear models via coordinate descent. Journal of Statistical Software
    33(1), 1-22.
    """

    # A lasso is an elastic net whose penalty is all L1. The ratio is fixed here, on
    # the class, rather than taken by __init__: get_params then lists only what a user
    # of Lasso can set, and only that is declared.
    l1_ratio = 1.0
    _parameter_constraints: ClassVar[dict] = {
        name: constraints
        for name, constraints in ElasticNet._parameter_constraints.items()
        if name != "l1_ratio"
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, max_iter=1000, tol=1e-4):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol


def _coordinate_descent(X, y, coef, l1_strength, l2_strength, max_iter, tol):
    """Minimise ``0.5 ||y - X w||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2`` from ``coef``.

    ``X`` (n_samples, n_features) and ``y`` (n_samples,) are centred; ``coef`` is
    updated in place. Returns ``coef``, the number of passes, the final duality gap
    and the gap tolerance ``tol * ||y||^2``.
    """
    n_samples, n_features = X.shape
    X_t_y = X.T @ y  # (n_features,)
    y_norm2 = y @ y
    gap_tol = tol * y_norm2
    # The passes read one number at a time in a Python loop, where Python floats and
    # lists are several times faster than NumPy scalars and arrays: hence tolist().
    squared_norms = np.einsum("ij,ij->j", X, X).tolist()  # ||X_j||^2, n_features
    use_gram = n_samples > n_features  # see ElasticNet's Notes
    if use_gram:
        gram = X.T @ X  # (n_features, n_features)
        gram_rows = list(gram)  # n_features rows of shape (n_features,)
        X_t_y_list = X_t_y.tolist()
    else:
        columns = list(np.ascontiguousarray(X.T))  # n_features of shape (n_samples,)
        residual = y - X @ coef  # (n_samples,)

    for n_passes in range(1, max_iter + 1):
        coef_before = coef.copy()
        if use_gram:
            _pass_with_gram(
                coef, gram_rows, X_t_y_list, squared_norms, l1_strength, l2_strength
            )
        else:
            _pass_with_residual(
                coef, columns, residual, squared_norms, l1_strength, l2_strength
            )
        largest_change = np.abs(coef - coef_before).max()
        largest_coef = np.abs(coef).max()
        # The gap costs a full matrix-vector product: check it only once the
        # coefficients have almost stopped moving (or on the last pass).
        if (
            largest_coef == 0
            or largest_change <= tol * largest_coef
            or n_passes == max_iter
        ):
            if use_gram:
                X_t_residual = X_t_y - gram @ coef  # (n_features,) X^T r
                residual_y = y_norm2 - coef @ X_t_y  # r.y = y.y - w.X^T y
                residual_norm2 = residual_y - coef @ X_t_residual  # r.r = r.y - w.X^T r
            else:
                X_t_residual = X.T @ residual  # (n_features,)
                residual_y = residual @ y
                residual_norm2 = residual @ residual
            gap = _duality_gap(
                coef, X_t_residual, residual_norm2, residual_y, l1_strength, l2_strength
            )
            if gap <= gap_tol:
                break
    return coef, n_passes, gap, gap_tol


def _pass_with_gram(coef, gram_rows, X_t_y, squared_norms, l1_strength, l2_strength):
    """One pass of coordinate updates of ``coef`` (in place), using ``G = X^T X``.

    ``X_j^T r = X_j^T y - G_j w`` is one dot product of length n_features, so nothing
    but ``coef`` needs keeping up to date.
    """
    for j in range(len(coef)):
        if squared_norms[j] == 0.0:
            continue  # a constant feature: its coefficient stays 0
        # z_j = X_j^T r + ||X_j||^2 w_j: feature j's own contribution taken back out.
        z = X_t_y[j] - float(gram_rows[j].dot(coef)) + squared_norms[j] * coef.item(j)
        coef[j] = soft_threshold(z, l1_strength) / (squared_norms[j] + l2_strength)


def _pass_with_residual(
    coef, columns, residual, squared_norms, l1_strength, l2_strength
):
    """One pass of coordinate updates of ``coef`` and ``r = y - X w`` (in place)."""
    for j in range(len(coef)):
        if squared_norms[j] == 0.0:
            continue  # a constant feature: its coefficient stays 0
        old = coef.item(j)
        z = float(columns[j].dot(residual)) + squared_norms[j] * old
        new = soft_threshold(z, l1_strength) / (squared_norms[j] + l2_strength)
        if new != old:
            coef[j] = new
            residual -= (new - old) * columns[j]  # (n_samples,)


def _duality_gap(coef, X_t_residual, residual_norm2, residual_y, l1, l2):
    """Duality gap of ``0.5 ||r||^2 + l1 ||w||_1 + 0.5 l2 ||w||^2`` at ``coef``.

    Follows scikit-learn's ``_cd_fast.gap_enet``. With an L1 part the dual point is
    the residual scaled down until it is feasible (``|X^T theta - l2 w| <= l1``);
    without, ridge's own dual is used; with no penalty at all there is no dual and
    the squared gradient ``||X^T r||^2`` stands in for the gap.
    """
    coef_norm2 = coef @ coef
    if l1 > 0:
        dual_norm = np.max(np.abs(X_t_residual - l2 * coef))
        scale = min(1.0, l1 / dual_norm) if dual_norm > 0 else 1.0
        primal = 0.5 * (residual_norm2 + l2 * coef_norm2) + l1 * np.sum(np.abs(coef))
        dual = -0.5 * scale**2 * (residual_norm2 + l2 * coef_norm2) + scale * residual_y
        return float(primal - dual)
    gradient_norm2 = X_t_residual @ X_t_residual
    if l2 > 0:
        return float(
            residual_norm2
            + 0.5 * l2 * coef_norm2
            - residual_y
            + gradient_norm2 / (2 * l2)
        )
    return float(gradient_norm2)


def coefficient_path(estimator, X, y, alphas):
    """Coefficients of ``estimator`` refitted for each value of ``alpha``.

    Parameters
    ----------
    estimator : Ridge, Lasso or ElasticNet (or any estimator with ``alpha``)
        Its other hyperparameters are kept; it is not modified.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alphas : array-like of shape (n_alphas,)
        Penalty strengths, fitted in the order given. Lasso and elastic net start each
        fit from the previous solution (a warm start), which helps most when
        ``alphas`` go from large to small.

    Returns
    -------
    coefs : ndarray of shape (n_alphas, n_features)
        Row ``i`` holds ``coef_`` fitted with ``alpha=alphas[i]``.

    Notes
    -----
    Chapter 3 plots these paths: each coefficient as a function of ``alpha``.
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    if alphas.ndim != 1 or alphas.size == 0:
        raise ValueError(
            f"alphas must be a non-empty 1-D array, got shape {alphas.shape}."
        )
    model = type(estimator)(**estimator.get_params())
    coefs = []
    for alpha in alphas:
        model.set_params(alpha=float(alpha))
        if coefs and isinstance(model, ElasticNet):
            model._fit(X, y, coef_init=coefs[-1])
        else:
            model.fit(X, y)
        coefs.append(model.coef_.copy())
    return np.array(coefs)  # (n_alphas, n_features)
