"""Support vector machines trained by sequential minimal optimisation (Chapter 9).

A support vector classifier separates two classes by the hyperplane with the widest
*margin*, in the feature space of a kernel. Training solves a quadratic programme,
the *dual* problem, over one coefficient ``alpha_i`` per sample. Sequential minimal
optimisation (SMO) solves it without any quadratic-programming library: it
repeatedly picks two coefficients and optimises them analytically, keeping every
other one fixed. Two is the fewest that can move, because of the equality constraint
``sum_i y_i alpha_i = 0``.

Which two to pick decides how fast SMO converges. This module uses the second-order
working-set selection of Fan, Chen and Lin (2005), the one LIBSVM (and so
scikit-learn's ``SVC``) uses, and the same stopping rule, so that both stop at the
same point up to the tolerance ``tol``.

The kernel matrix of the training set is computed once, vectorised; every SMO
iteration then costs a handful of NumPy operations over ``n_samples`` numbers.
"""

import warnings
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin
from scratchlearn.distances import squared_euclidean
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.utils.validation import (
    Interval,
    Options,
    check_predict_input,
    check_X_y,
)

KERNELS = ("linear", "poly", "rbf")

# LIBSVM's stand-in for a curvature that is zero or negative (a kernel matrix that is
# not strictly positive definite along the chosen pair of coefficients).
_TAU = 1e-12
# Working-set scores this close (relative to their scale) are ties: see _first_largest.
_TIE = 1e-11


def kernel_matrix(X, Y, kernel="rbf", *, gamma=1.0, degree=3, coef0=0.0):
    """The kernel between every row of ``X`` and every row of ``Y``.

    Parameters
    ----------
    X : ndarray of shape (n_queries, n_features)
    Y : ndarray of shape (n_train, n_features)
    kernel : {"linear", "poly", "rbf"}
    gamma : float
        Scale of the inner product (``"poly"``) or of the squared distance (``"rbf"``).
    degree : int
        Degree of the polynomial kernel.
    coef0 : float
        Constant added inside the polynomial kernel.

    Returns
    -------
    ndarray of shape (n_queries, n_train)

    Notes
    -----
    .. math::

        k_{\\text{linear}}(x, z) = x^\\top z, \\qquad
        k_{\\text{poly}}(x, z) = (\\gamma\\, x^\\top z + c_0)^d, \\qquad
        k_{\\text{rbf}}(x, z) = \\exp(-\\gamma \\lVert x - z \\rVert^2).

    Each is one matrix product and element-wise operations, as in scikit-learn.
    """
    if kernel == "linear":
        return X @ Y.T  # (n_queries, n_train)
    if kernel == "poly":
        return (gamma * (X @ Y.T) + coef0) ** degree  # (n_queries, n_train)
    if kernel == "rbf":
        # Rounding can make a squared distance slightly negative: clip it at 0.
        distances = np.maximum(squared_euclidean(X, Y), 0.0)  # (n_queries, n_train)
        return np.exp(-gamma * distances)
    raise ValueError(f"kernel must be one of {list(KERNELS)}, got {kernel!r}.")


def smo_pair_update(alpha_i, alpha_j, y_i, y_j, gradient_i, gradient_j, curvature, C):
    """Optimise the two coefficients of the working set exactly, inside the box.

    Parameters
    ----------
    alpha_i, alpha_j : float
        The current coefficients, each in ``[0, C]``.
    y_i, y_j : {-1.0, +1.0}
        Their labels.
    gradient_i, gradient_j : float
        The dual objective's gradient at ``i`` and ``j``.
    curvature : float
        :math:`K_{ii} + K_{jj} - 2 K_{ij}`, the second derivative along the move.
    C : float
        The upper bound of the box.

    Returns
    -------
    new_alpha_i, new_alpha_j : float

    Notes
    -----
    The equality constraint keeps :math:`y_i \\alpha_i + y_j \\alpha_j` fixed, so the
    pair moves along one line: :math:`\\alpha_i \\leftarrow \\alpha_i + y_i t`,
    :math:`\\alpha_j \\leftarrow \\alpha_j - y_j t`. Along it the objective is a
    parabola in :math:`t` with second derivative :math:`K_{ii} + K_{jj} - 2K_{ij}`
    and first derivative :math:`y_i G_i - y_j G_j` at :math:`t = 0`, so its minimum
    is at

    .. math::

        t^\\ast = \\frac{-y_i G_i + y_j G_j}{K_{ii} + K_{jj} - 2 K_{ij}}.

    The step is then *clipped*: shortened until both coefficients are back in
    :math:`[0, C]`. Because the objective is a parabola, the clipped point is the
    minimum along the part of the line inside the box. A curvature of zero or less
    is replaced by a tiny positive number, as in LIBSVM, which makes a long step
    that clipping then stops at the box.
    """
    curvature = max(curvature, _TAU)
    step = (-y_i * gradient_i + y_j * gradient_j) / curvature
    # How far the step can go before one of the four bounds is hit. Moving by
    # +t changes alpha_i by y_i t and alpha_j by -y_j t.
    low, high = -np.inf, np.inf
    for alpha, direction in ((alpha_i, y_i), (alpha_j, -y_j)):
        if direction > 0:  # alpha grows with t: 0 <= alpha + t <= C
            low, high = max(low, -alpha), min(high, C - alpha)
        else:  # alpha shrinks with t: 0 <= alpha - t <= C
            low, high = max(low, alpha - C), min(high, alpha)
    step = min(max(step, low), high)
    new_i = min(max(alpha_i + y_i * step, 0.0), C)  # min/max absorb rounding only
    new_j = min(max(alpha_j - y_j * step, 0.0), C)
    return new_i, new_j


def select_working_set(y, alpha, gradient, kernel_diagonal, kernel_rows, C, tol):
    """The pair ``(i, j)`` of Fan, Chen and Lin (2005), or ``None`` at convergence.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    alpha : ndarray of shape (n_samples,)
    gradient : ndarray of shape (n_samples,)
    kernel_diagonal : ndarray of shape (n_samples,)
        :math:`K_{tt}`.
    kernel_rows : callable
        ``kernel_rows(i)`` returns row ``i`` of the kernel matrix.
    C : float
    tol : float
        Stop when the largest violation of the KKT conditions is at most ``tol``.

    Notes
    -----
    With :math:`v_t = -y_t G_t`, the sets

    .. math::

        I_{\\text{up}} = \\{t : \\alpha_t < C, y_t = 1 \\text{ or }
        \\alpha_t > 0, y_t = -1\\}, \\quad
        I_{\\text{low}} = \\{t : \\alpha_t < C, y_t = -1 \\text{ or }
        \\alpha_t > 0, y_t = 1\\}

    hold the coefficients that can move up, resp. down, along a feasible pair
    direction. The KKT conditions say :math:`\\max_{I_{\\text{up}}} v \\le
    \\min_{I_{\\text{low}}} v`; SMO stops once the gap
    :math:`\\max_{I_{\\text{up}}} v - \\min_{I_{\\text{low}}} v` is at most ``tol``.

    ``i`` is the most violating index of :math:`I_{\\text{up}}`. ``j`` is the index
    of :math:`I_{\\text{low}}` with :math:`v_j < v_i` whose pair with ``i`` lowers
    the objective most for an unclipped step: with :math:`b = v_i - v_j > 0` and
    :math:`a = K_{ii} + K_{jj} - 2K_{ij}`, the decrease is :math:`b^2 / (2a)`.
    Using the curvature (second order) rather than the gap alone (first order) is
    what makes LIBSVM converge in few iterations.
    """
    violation = -y * gradient  # v_t, (n_samples,)
    below_C, above_0 = alpha < C, alpha > 0
    up = np.where(y > 0, below_C, above_0)
    low = np.where(y > 0, above_0, below_C)
    v_up = np.where(up, violation, -np.inf)  # an empty set gives -inf: stop below
    i = _first_largest(v_up, scale=max(1.0, float(np.abs(violation).max())))
    v_max = v_up[i]
    v_min = np.where(low, violation, np.inf).min()
    if v_max - v_min <= tol:
        return None
    gap = v_max - violation  # b_t, (n_samples,)
    curvature = kernel_diagonal[i] + kernel_diagonal - 2.0 * kernel_rows(i)
    curvature = np.maximum(curvature, _TAU)  # (n_samples,)
    candidates = low & (gap > 0)
    decrease = np.where(candidates, gap**2 / curvature, -np.inf)
    j = _first_largest(decrease, scale=float(decrease.max()))
    return i, j


def _first_largest(scores, scale):
    """Index of the largest of ``scores``, the lowest index among near-ties.

    Ties are structural in SMO: after an unclipped step on a pair, both coefficients
    have the same violation ``v`` in exact arithmetic, so which one ``argmax`` sees as
    larger is decided by the last bits of rounding, and those differ between
    processors and BLAS builds. Scores within ``_TIE * scale`` of the largest count
    as equal and the lowest index wins: the same pair on every machine, and so the
    same iterations.
    """
    best = scores.max()
    if not np.isfinite(best):
        return int(scores.argmax())
    return int(np.flatnonzero(scores >= best - _TIE * scale)[0])


def intercept_from_kkt(y, alpha, gradient, C):
    """The intercept ``b`` (LIBSVM's ``-rho``) from the KKT conditions.

    Notes
    -----
    At the optimum there is a number :math:`\\rho` with :math:`y_t G_t = \\rho` for
    every *free* coefficient (:math:`0 < \\alpha_t < C`): these are the support
    vectors exactly on the margin, :math:`y_t f(x_t) = 1`. The intercept is
    :math:`b = -\\rho`; averaging over the free coefficients spreads out the
    tolerance's error. If no coefficient is free, the KKT conditions only bound
    :math:`\\rho` between the values of the coefficients at their bounds, and the
    midpoint of that interval is taken, as LIBSVM does.
    """
    y_gradient = y * gradient  # (n_samples,)
    free = (alpha > 0) & (alpha < C)
    if free.any():
        return -float(np.mean(y_gradient[free]))
    at_upper = alpha >= C
    # Bounds on rho: y G <= rho for one group and y G >= rho for the other.
    upper_group = np.where(at_upper, y < 0, y > 0)
    upper = np.min(y_gradient[upper_group], initial=np.inf)
    lower = np.max(y_gradient[~upper_group], initial=-np.inf)
    if not np.isfinite(upper):
        upper = lower
    if not np.isfinite(lower):
        lower = upper
    return -float((upper + lower) / 2.0)


class SVC(ClassifierMixin, BaseEstimator):
    """Support vector classifier (two classes), trained by SMO.

    Parameters
    ----------
    C : float > 0, default 1.0
        Penalty of margin violations: the upper bound of every dual coefficient.
        Small ``C``: a wide margin that tolerates errors; large ``C``: a narrow one.
    kernel : {"linear", "poly", "rbf"}, default "rbf"
    degree : int >= 0, default 3
        Degree of the polynomial kernel.
    gamma : {"scale", "auto"} or float > 0, default "scale"
        Kernel coefficient of ``"poly"`` and ``"rbf"``. ``"scale"`` is
        ``1 / (n_features * X.var())`` and ``"auto"`` is ``1 / n_features``, as in
        scikit-learn.
    coef0 : float, default 0.0
        Constant of the polynomial kernel.
    tol : float > 0, default 1e-3
        Stop once the KKT conditions are violated by at most ``tol`` (LIBSVM's rule).
    max_iter : int, default -1
        Most SMO iterations (pair updates); ``-1`` means no limit.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels seen in ``fit``, sorted. ``decision_function > 0`` means
        ``classes_[1]``.
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors (samples with ``alpha > 0``), grouped by class
        in the order of ``classes_`` and ascending within a class, as scikit-learn's.
    support_vectors_ : ndarray of shape (n_SV, n_features)
    n_support_ : ndarray of shape (2,)
        Number of support vectors of each class.
    dual_coef_ : ndarray of shape (1, n_SV)
        :math:`y_i \\alpha_i` of each support vector (``y = +1`` for ``classes_[1]``).
    intercept_ : ndarray of shape (1,)
    coef_ : ndarray of shape (1, n_features)
        The weights of the hyperplane; only with ``kernel="linear"``.
    n_iter_ : int
        SMO iterations run.
    fit_status_ : int
        0 if SMO converged, 1 if it stopped at ``max_iter``.
    n_features_in_ : int

    Notes
    -----
    With labels :math:`y_i \\in \\{-1, +1\\}` and a kernel :math:`K`, the soft-margin
    SVM's dual problem is

    .. math::

        \\min_{\\alpha} \\; \\frac12 \\alpha^\\top Q \\alpha - \\mathbf{1}^\\top \\alpha
        \\quad \\text{s.t.} \\quad 0 \\le \\alpha_i \\le C, \\quad y^\\top \\alpha = 0,
        \\qquad Q_{ij} = y_i y_j K(x_i, x_j),

    with gradient :math:`G = Q\\alpha - \\mathbf{1}`. The classifier is
    :math:`f(x) = \\sum_i y_i \\alpha_i K(x_i, x) + b`; only the samples with
    :math:`\\alpha_i > 0`, the *support vectors*, count. The KKT conditions say, with
    :math:`y_i f(x_i) - 1 = G_i + y_i b`: :math:`\\alpha_i = 0` needs
    :math:`y_i f(x_i) \\ge 1` (outside the margin), :math:`0 < \\alpha_i < C` needs
    :math:`y_i f(x_i) = 1` (on it) and :math:`\\alpha_i = C` needs
    :math:`y_i f(x_i) \\le 1` (inside it, or misclassified).

    Each SMO iteration selects a pair (:func:`select_working_set`), optimises it
    analytically with clipping (:func:`smo_pair_update`) and updates the gradient
    with two columns of :math:`Q`: :math:`G \\leftarrow G + Q_{:i} \\Delta\\alpha_i +
    Q_{:j} \\Delta\\alpha_j`, an :math:`O(n)` operation. The intercept comes from the
    KKT conditions at the end (:func:`intercept_from_kkt`).

    Chapter 9 explains this code.

    References
    ----------
    Platt, J. C. (1998). Sequential minimal optimization: a fast algorithm for
    training support vector machines. Microsoft Research Technical Report
    MSR-TR-98-14.

    Fan, R.-E., Chen, P.-H. and Lin, C.-J. (2005). Working set selection using
    second order information for training support vector machines. Journal of
    Machine Learning Research 6, 1889-1918.

    Chang, C.-C. and Lin, C.-J. (2011). LIBSVM: a library for support vector
    machines. ACM Transactions on Intelligent Systems and Technology 2(3), 27.
    """

    _parameter_constraints: ClassVar[dict] = {
        "C": [Interval(float, 0, None, closed="neither")],
        "kernel": [Options(*KERNELS)],
        "degree": [Interval(int, 0, None, closed="left")],
        "gamma": [Options("scale", "auto"), Interval(float, 0, None, closed="neither")],
        "coef0": [Interval(float, None, None, closed="neither")],
        "tol": [Interval(float, 0, None, closed="neither")],
        # -1 means no limit.
        "max_iter": [Options(-1), Interval(int, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        C=1.0,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        tol=1e-3,
        max_iter=-1,
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X, y):
        """Solve the dual problem by SMO on ``X`` (n_samples, n_features) and ``y``.

        Raises
        ------
        ValueError
            If ``y`` does not hold exactly two classes (one-vs-one multiclass is not
            implemented).
        """
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=False)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) != 2:
            raise ValueError(
                f"SVC here is binary: y must hold exactly two classes, it holds "
                f"{len(classes)}. For more, fit one SVC per pair of classes."
            )
        n_features = X.shape[1]
        gamma = self._gamma_value(X)
        signs = np.where(y_index == 1, 1.0, -1.0)  # (n_samples,) in {-1, +1}
        K = kernel_matrix(
            X, X, self.kernel, gamma=gamma, degree=self.degree, coef0=self.coef0
        )  # (n_samples, n_samples)
        alpha, gradient, n_iter = self._smo(K, signs)
        intercept = intercept_from_kkt(signs, alpha, gradient, self.C)

        # Support vectors grouped by class (classes_[0] first), as scikit-learn's.
        support = np.concatenate(
            [np.flatnonzero((alpha > 0) & (y_index == k)) for k in (0, 1)]
        )
        dual_coef = (signs * alpha)[support][np.newaxis, :]  # (1, n_SV)

        # Set only now: a fit that failed above has changed nothing.
        self.classes_ = classes
        self.support_ = support
        self.support_vectors_ = X[support]
        self.n_support_ = np.array([np.sum(y_index[support] == k) for k in (0, 1)])
        self.dual_coef_ = dual_coef
        self.intercept_ = np.array([intercept])
        self.coef_ = (
            dual_coef @ X[support] if self.kernel == "linear" else None
        )  # (1, n_features)
        self.n_iter_ = n_iter
        self.fit_status_ = int(self.max_iter != -1 and n_iter >= self.max_iter)
        self._gamma = gamma
        self.n_features_in_ = n_features
        return self

    def _gamma_value(self, X):
        """The number that ``gamma`` stands for, given the training data."""
        if self.gamma == "scale":
            variance = X.var()
            return 1.0 / (X.shape[1] * variance) if variance > 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _smo(self, K, y):
        """Run SMO from ``alpha = 0``; return ``alpha``, the gradient and iterations."""
        n_samples = len(y)
        Q = K * y[:, np.newaxis] * y[np.newaxis, :]  # (n_samples, n_samples)
        diagonal = np.diag(K).copy()  # (n_samples,)
        alpha = np.zeros(n_samples)
        gradient = -np.ones(n_samples)  # G = Q alpha - 1 at alpha = 0
        C = float(self.C)
        limit = np.inf if self.max_iter == -1 else self.max_iter
        n_iter = 0
        while n_iter < limit:
            pair = select_working_set(
                y, alpha, gradient, diagonal, lambda i: K[i], C, self.tol
            )
            if pair is None:
                break
            i, j = pair
            # Python floats: scalar arithmetic on them is faster than on NumPy's.
            new_i, new_j = smo_pair_update(
                float(alpha[i]),
                float(alpha[j]),
                float(y[i]),
                float(y[j]),
                float(gradient[i]),
                float(gradient[j]),
                float(diagonal[i] + diagonal[j] - 2.0 * K[i, j]),
                C,
            )
            # G = Q alpha - 1 is linear in alpha: two columns of Q update it.
            gradient += Q[i] * (new_i - alpha[i]) + Q[j] * (new_j - alpha[j])
            alpha[i], alpha[j] = new_i, new_j
            n_iter += 1
        else:
            warnings.warn(
                f"SVC's SMO stopped at max_iter={self.max_iter} iterations before the "
                f"KKT conditions held to tol={self.tol:g}. Increase max_iter, or "
                "standardise the features.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return alpha, gradient, n_iter

    def decision_function(self, X):
        """Signed score ``f(x)`` of each row of ``X``, shape (n_samples,).

        Positive means ``classes_[1]``; ``-1`` and ``+1`` are the margin's edges.
        """
        X = check_predict_input(self, X)
        K = kernel_matrix(
            X,
            self.support_vectors_,
            self.kernel,
            gamma=self._gamma,
            degree=self.degree,
            coef0=self.coef0,
        )  # (n_samples, n_SV)
        return K @ self.dual_coef_[0] + self.intercept_[0]

    def predict(self, X):
        """The class of each row of ``X``, shape (n_samples,)."""
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(int)]
