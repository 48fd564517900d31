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

More than two classes are handled as LIBSVM does, *one-vs-one*: one binary SVM per
pair of classes, and a vote. ``probability=True`` adds Platt's sigmoid per pair,
fitted on decision values of an internal 5-fold cross-validation, and couples the
pairwise probabilities into one per class (:func:`platt_sigmoid`,
:func:`pairwise_coupling`), again as LIBSVM does.
"""

import warnings
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin
from scratchlearn.distances import squared_euclidean
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.utils.metaestimators import available_if
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    check_predict_input,
    check_random_state,
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


def platt_sigmoid(decisions, positive, *, max_iter=100):
    """Platt's sigmoid ``P(positive | f) = 1 / (1 + exp(A f + B))``, fitted as LIBSVM.

    Parameters
    ----------
    decisions : ndarray of shape (n_samples,)
        Decision values ``f``, ideally of samples the SVM was not trained on.
    positive : ndarray of bool, shape (n_samples,)
        Which samples belong to the class the probability is of.
    max_iter : int
        Most Newton iterations.

    Returns
    -------
    A, B : float

    Notes
    -----
    Platt (2000) fits ``A`` and ``B`` by maximum likelihood, with the targets
    softened from 1 and 0 to :math:`t_+ = (N_+ + 1)/(N_+ + 2)` and
    :math:`t_- = 1/(N_- + 2)` (a prior that keeps a separable set from pushing
    ``A`` to infinity). The negative log-likelihood

    .. math::

        F(A, B) = \\sum_i t_i (A f_i + B) + \\log(1 + e^{-(A f_i + B)})

    is convex. It is minimised as Lin, Lin and Weng (2007) do, the code in LIBSVM:
    Newton's method on :math:`(A, B)` from :math:`A = 0`,
    :math:`B = \\log((N_- + 1)/(N_+ + 1))`, with the Hessian plus
    :math:`10^{-12} I` (always invertible), a backtracking line search with the
    sufficient-decrease test :math:`F_{new} < F + 10^{-4} s\\, g^\\top d`, and the stop
    :math:`|g_A|, |g_B| < 10^{-5}`. Each of :math:`\\log(1 + e^{\\pm z})` is computed
    on the side where the exponential cannot overflow.
    """
    f = np.asarray(decisions, dtype=np.float64)  # (n_samples,)
    positive = np.asarray(positive, dtype=bool)
    n_positive = float(positive.sum())
    n_negative = float(len(positive) - n_positive)
    t = np.where(
        positive, (n_positive + 1.0) / (n_positive + 2.0), 1.0 / (n_negative + 2.0)
    )  # (n_samples,) softened targets

    def objective(A, B):
        z = f * A + B
        # t z + log(1 + e^-z), written without overflow for either sign of z.
        return float(
            np.sum(
                np.where(z >= 0, t * z, (t - 1.0) * z) + np.log1p(np.exp(-np.abs(z)))
            )
        )

    A, B = 0.0, float(np.log((n_negative + 1.0) / (n_positive + 1.0)))
    value = objective(A, B)
    for _ in range(max_iter):
        z = f * A + B
        p = np.exp(-np.logaddexp(0.0, z))  # 1 / (1 + e^z), (n_samples,)
        q = 1.0 - p
        curvature = p * q
        h11 = 1e-12 + np.sum(f * f * curvature)
        h22 = 1e-12 + np.sum(curvature)
        h21 = np.sum(f * curvature)
        g1 = np.sum(f * (t - p))
        g2 = np.sum(t - p)
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det  # the Newton direction -H^-1 g
        dB = -(-h21 * g1 + h11 * g2) / det
        slope = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            new_value = objective(A + step * dA, B + step * dB)
            if new_value < value + 1e-4 * step * slope:
                A, B, value = A + step * dA, B + step * dB, new_value
                break
            step /= 2.0
        else:
            break  # the line search failed: keep the last point, as LIBSVM
    return float(A), float(B)


def pairwise_coupling(pairwise, *, max_iter=100):
    """Class probabilities from pairwise ones, by Wu, Lin and Weng's method 2.

    Parameters
    ----------
    pairwise : ndarray of shape (n_samples, n_classes, n_classes)
        ``pairwise[:, i, j]`` estimates ``P(class i | class i or j)``; ``[:, j, i]``
        is one minus it. The diagonal is ignored.
    max_iter : int
        Most sweeps; LIBSVM's ``max(100, n_classes)``.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Rows sum to 1.

    Notes
    -----
    With :math:`r_{ij}` the pairwise estimates, the probabilities :math:`p` minimise
    :math:`\\sum_i \\sum_{j \\ne i} (r_{ji} p_i - r_{ij} p_j)^2 = p^\\top Q p` over the
    simplex, with :math:`Q_{ii} = \\sum_{j \\ne i} r_{ji}^2` and
    :math:`Q_{ij} = -r_{ji} r_{ij}`. The optimality conditions say
    :math:`(Qp)_t = p^\\top Q p` for every ``t``; LIBSVM sweeps over ``t``, moving
    :math:`p_t` to meet its condition and renormalising, until every
    :math:`|(Qp)_t - p^\\top Q p|` is below :math:`0.005 / k`. This is that loop,
    run on all samples at once (each stops on its own).
    """
    r = np.asarray(pairwise, dtype=np.float64)
    n_samples, k, _ = r.shape
    off = ~np.eye(k, dtype=bool)
    Q = -r.transpose(0, 2, 1) * r  # Q[n, t, j] = -r[n, j, t] r[n, t, j]
    Q[:, np.arange(k), np.arange(k)] = np.sum((r.transpose(0, 2, 1) ** 2) * off, axis=2)
    p = np.full((n_samples, k), 1.0 / k)
    for _ in range(max(max_iter, k)):
        Qp = np.einsum("ntj,nj->nt", Q, p)  # (n_samples, k)
        pQp = np.sum(p * Qp, axis=1)  # (n_samples,)
        active = np.max(np.abs(Qp - pQp[:, np.newaxis]), axis=1) >= 0.005 / k
        if not active.any():
            break
        for t in range(k):
            Q_tt = Q[active, t, t]
            diff = (-Qp[active, t] + pQp[active]) / Q_tt
            p[active, t] += diff
            pQp[active] = (pQp[active] + diff * (diff * Q_tt + 2.0 * Qp[active, t])) / (
                1.0 + diff
            ) ** 2
            Qp[active] = (Qp[active] + diff[:, np.newaxis] * Q[active, t, :]) / (
                1.0 + diff[:, np.newaxis]
            )
            p[active] /= 1.0 + diff[:, np.newaxis]
    return p


def ovr_from_ovo(ovo, n_classes):
    """One score per class from one-vs-one decision values, as scikit-learn's SVC.

    ``ovo[:, p]`` is the decision of pair ``p = (i, j)``, pairs in the order
    ``(0, 1), (0, 2), ..., (1, 2), ...``, positive for class ``i``. Each class gets
    its number of votes plus its summed confidence squashed into ``(-1/3, 1/3)``, so
    the votes decide and the confidences only break ties:
    ``votes + s / (3 (|s| + 1))``.
    """
    n_samples = ovo.shape[0]
    votes = np.zeros((n_samples, n_classes))
    confidence = np.zeros((n_samples, n_classes))
    p = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            votes[:, i] += ovo[:, p] >= 0
            votes[:, j] += ovo[:, p] < 0
            confidence[:, i] += ovo[:, p]
            confidence[:, j] -= ovo[:, p]
            p += 1
    return votes + confidence / (3.0 * (np.abs(confidence) + 1.0))


class SVC(ClassifierMixin, BaseEstimator):
    """Support vector classifier, trained by SMO; one-vs-one for more classes.

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
        Most SMO iterations (pair updates) of each binary SVM; ``-1``: no limit.
    probability : bool, default False
        Also learn class probabilities (``predict_proba``) by Platt scaling, which
        costs five more fits per pair of classes (an internal 5-fold
        cross-validation).
    decision_function_shape : {"ovr", "ovo"}, default "ovr"
        With more than two classes, ``decision_function`` gives one score per class
        (``"ovr"``, built from the one-vs-one votes as scikit-learn does) or one per
        pair (``"ovo"``). Training is one-vs-one either way.
    random_state : None, int or numpy.random.Generator, default None
        The shuffle of Platt scaling's internal cross-validation; unused without
        ``probability``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted. With two classes,
        ``decision_function > 0`` means ``classes_[1]``.
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors (samples with ``alpha > 0`` in at least one
        pair), grouped by class in the order of ``classes_`` and ascending within a
        class, as scikit-learn's.
    support_vectors_ : ndarray of shape (n_SV, n_features)
    n_support_ : ndarray of shape (n_classes,)
        Number of support vectors of each class.
    dual_coef_ : ndarray of shape (n_classes - 1, n_SV)
        :math:`y_i \\alpha_i` of each support vector in each pair it belongs to, in
        LIBSVM's layout (see Notes). With two classes, ``y = +1`` for
        ``classes_[1]``.
    intercept_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        One per pair.
    coef_ : ndarray of shape (n_classes * (n_classes - 1) / 2, n_features)
        The weights of each pair's hyperplane; only with ``kernel="linear"``.
    probA_, probB_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        Platt's sigmoid of each pair (empty without ``probability``), in LIBSVM's
        sign: :math:`P(\\text{class } i) = 1 / (1 + e^{A f + B})` with ``f``
        positive for the pair's first class ``i``.
    n_iter_ : int
        SMO iterations run, summed over the pairs.
    fit_status_ : int
        0 if SMO converged, 1 if it stopped at ``max_iter`` in some pair.
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

    **More than two classes: one-vs-one.** As LIBSVM, ``fit`` trains one binary SVM
    for each pair of classes :math:`i < j` on the samples of those two classes only,
    and ``predict`` lets each pair vote (for ``i`` if its decision is positive) and
    takes the class with most votes, the first of them on a tie. ``dual_coef_`` keeps
    each support vector's coefficients in LIBSVM's layout: for the pair ``(i, j)``,
    those of class ``i``'s support vectors are in row ``j - 1``, those of class
    ``j``'s in row ``i``. In each pair the decision is positive for ``i``; with two
    classes only, scikit-learn flips it, so that positive means ``classes_[1]``,
    and so does this class.

    **Probabilities: Platt scaling.** With ``probability=True`` each pair's decision
    values are turned into :math:`P(i \\mid i \\text{ or } j) = 1 / (1 + e^{Af + B})`,
    with ``A`` and ``B`` fitted (:func:`platt_sigmoid`) on decision values of samples
    the SVM was not trained on: an internal 5-fold cross-validation on that pair's
    samples, as LIBSVM. The pairwise probabilities, clipped to
    :math:`[10^{-7}, 1 - 10^{-7}]`, are then coupled into one per class
    (:func:`pairwise_coupling`). The folds are random, so probabilities depend on
    ``random_state`` (LIBSVM's own shuffle differs: they are close to scikit-learn's,
    not equal), and ``predict`` (the votes) can disagree with the most probable class
    of ``predict_proba`` on samples near a boundary, in scikit-learn too.

    Chapter 9 explains this code.

    References
    ----------
    Platt, J. C. (1998). Sequential minimal optimization: a fast algorithm for
    training support vector machines. Microsoft Research Technical Report
    MSR-TR-98-14.

    Fan, R.-E., Chen, P.-H. and Lin, C.-J. (2005). Working set selection using
    second order information for training support vector machines. Journal of
    Machine Learning Research 6, 1889-1918.

    Platt, J. C. (2000). Probabilistic outputs for support vector machines and
    comparisons to regularized likelihood methods. In Advances in Large Margin
    Classifiers, MIT Press.

    Lin, H.-T., Lin, C.-J. and Weng, R. C. (2007). A note on Platt's probabilistic
    outputs for support vector machines. Machine Learning 68, 267-276.

    Wu, T.-F., Lin, C.-J. and Weng, R. C. (2004). Probability estimates for
    multi-class classification by pairwise coupling. Journal of Machine Learning
    Research 5, 975-1005.

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
        "probability": [bool],
        "decision_function_shape": [Options("ovr", "ovo")],
        "random_state": [*RANDOM_STATE],
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
        probability=False,
        decision_function_shape="ovr",
        random_state=None,
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.max_iter = max_iter
        self.probability = probability
        self.decision_function_shape = decision_function_shape
        self.random_state = random_state

    def fit(self, X, y):
        """Train one SVM by SMO per pair of classes of ``y`` on ``X``.

        Raises
        ------
        ValueError
            If ``y`` holds fewer than two classes, or real numbers (a regression
            target) rather than labels.
        """
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        n_classes = len(classes)
        if n_classes < 2:
            raise ValueError(
                f"SVC needs samples of at least two classes; y holds {n_classes} "
                f"class ({classes[0]!r})."
            )
        gamma = self._gamma_value(X)
        K = kernel_matrix(
            X, X, self.kernel, gamma=gamma, degree=self.degree, coef0=self.coef0
        )  # (n_samples, n_samples)
        rng = check_random_state(self.random_state)
        pairs = [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]
        # alpha of every sample in every pair; 0 outside the pair's two classes.
        alpha = np.zeros((len(pairs), len(y)))  # (n_pairs, n_samples)
        intercepts, platt, n_iter, stopped = [], [], 0, False
        for p, (i, j) in enumerate(pairs):
            rows = np.flatnonzero((y_index == i) | (y_index == j))
            signs = np.where(y_index[rows] == j, 1.0, -1.0)  # +1: the pair's second
            K_pair = K[np.ix_(rows, rows)]
            alpha_pair, intercept, iterations = self._fit_binary(K_pair, signs)
            alpha[p, rows] = alpha_pair
            intercepts.append(intercept)
            n_iter += iterations
            stopped |= self.max_iter != -1 and iterations >= self.max_iter
            if self.probability:
                platt.append(self._platt(K_pair, signs, rng))

        # Support vectors: support in some pair; grouped by class, as scikit-learn.
        is_support = (alpha > 0).any(axis=0)  # (n_samples,)
        support = np.concatenate(
            [np.flatnonzero(is_support & (y_index == k)) for k in range(n_classes)]
        )
        column = np.full(len(y), -1)
        column[support] = np.arange(len(support))  # sample -> its column
        # Our pairs' decisions are positive for j; LIBSVM's (and so scikit-learn's
        # with 3 or more classes) for i. scikit-learn flips back for two classes.
        sign = 1.0 if n_classes == 2 else -1.0
        dual_coef = np.zeros((n_classes - 1, len(support)))  # (n_classes-1, n_SV)
        for p, (i, j) in enumerate(pairs):
            for k, row, y_k in ((i, j - 1, -1.0), (j, i, 1.0)):
                members = np.flatnonzero((y_index == k) & (alpha[p] > 0))
                dual_coef[row, column[members]] = sign * y_k * alpha[p, members]

        # Set only now: a fit that failed above has changed nothing.
        self.classes_ = classes
        self.support_ = support
        self.support_vectors_ = X[support]
        self.n_support_ = np.array(
            [np.sum(y_index[support] == k) for k in range(n_classes)]
        )
        self.dual_coef_ = dual_coef
        self.intercept_ = sign * np.array(intercepts)  # (n_pairs,)
        self.probA_ = np.array([a for a, _ in platt])
        self.probB_ = np.array([b for _, b in platt])
        self.n_iter_ = n_iter
        self.fit_status_ = int(stopped)
        self._gamma = gamma
        self.n_features_in_ = X.shape[1]
        self.coef_ = (
            self._pair_weights() if self.kernel == "linear" else None
        )  # (n_pairs, n_features)
        return self

    def _fit_binary(self, K, signs):
        """SMO on one binary problem: ``alpha``, the intercept and the iterations."""
        alpha, gradient, n_iter = self._smo(K, signs)
        return alpha, intercept_from_kkt(signs, alpha, gradient, self.C), n_iter

    def _platt(self, K, signs, rng, n_folds=5):
        """Platt's ``(A, B)`` of one pair, on 5-fold cross-validated decisions.

        As LIBSVM's ``svm_binary_svc_probability``: shuffle, cut into five
        consecutive folds, train on four and take the decision values of the fifth
        (``+1``/``-1`` if the four hold one class only), in LIBSVM's sign (positive
        for the pair's first class, ``signs == -1``).
        """
        n = len(signs)
        order = rng.permutation(n)
        decisions = np.zeros(n)
        for k in range(n_folds):
            test = order[k * n // n_folds : (k + 1) * n // n_folds]
            train = np.setdiff1d(order, test, assume_unique=True)
            has_first = np.any(signs[train] < 0)
            has_second = np.any(signs[train] > 0)
            if not (has_first and has_second):
                decisions[test] = 1.0 if has_first else (-1.0 if has_second else 0.0)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)  # fit() warns
                alpha, intercept, _ = self._fit_binary(
                    K[np.ix_(train, train)], signs[train]
                )
            f = K[np.ix_(test, train)] @ (signs[train] * alpha) + intercept
            decisions[test] = -f
        return platt_sigmoid(decisions, signs < 0)

    def _pair_weights(self):
        """The weight vector of each pair's hyperplane (linear kernel only):
        :math:`w = \\sum_i y_i \\alpha_i x_i`, the same sum as a decision with the
        support vectors' features in place of kernel values."""
        features = self.support_vectors_.T  # (n_features, n_SV)
        return np.array(
            [self._pair_decision(features, i, j) for i, j in self._pairs()]
        )  # (n_pairs, n_features)

    def _pairs(self):
        """The pairs ``(i, j)``, ``i < j``, of class indices, in LIBSVM's order."""
        n_classes = len(self.classes_)
        return [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]

    def _pair_decision(self, kernel_values, i, j):
        """``kernel_values`` (n, n_SV) times the coefficients of the pair ``(i, j)``.

        Only the support vectors of classes ``i`` and ``j`` take part, with their
        coefficients in rows ``j - 1`` and ``i`` of ``dual_coef_``.
        """
        starts = np.concatenate([[0], np.cumsum(self.n_support_)])
        of_i = slice(starts[i], starts[i + 1])
        of_j = slice(starts[j], starts[j + 1])
        return (
            kernel_values[:, of_i] @ self.dual_coef_[j - 1, of_i]
            + kernel_values[:, of_j] @ self.dual_coef_[i, of_j]
        )  # (n,)

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

    def _ovo_decisions(self, X):
        """Each pair's decision for each row of ``X``, shape (n_samples, n_pairs).

        In ``dual_coef_``'s sign: positive for the pair's first class with three or
        more classes, for ``classes_[1]`` with two.
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
        return np.column_stack(
            [
                self._pair_decision(K, i, j) + self.intercept_[p]
                for p, (i, j) in enumerate(self._pairs())
            ]
        )

    def decision_function(self, X):
        """Scores of the rows of ``X``.

        Two classes: the signed score ``f(x)``, shape (n_samples,); positive means
        ``classes_[1]``, and ``-1`` and ``+1`` are the margin's edges. More: shape
        (n_samples, n_classes) with ``decision_function_shape="ovr"`` (the votes of
        the pairs, ties broken by their confidences, :func:`ovr_from_ovo`), or
        (n_samples, n_pairs), one decision per pair, with ``"ovo"``.
        """
        decisions = self._ovo_decisions(X)
        if len(self.classes_) == 2:
            return decisions[:, 0]
        if self.decision_function_shape == "ovo":
            return decisions
        return ovr_from_ovo(decisions, len(self.classes_))

    def predict(self, X):
        """The class of each row of ``X``, shape (n_samples,): the most voted.

        Each pair ``(i, j)`` votes for ``i`` if its decision is positive, else for
        ``j``; the class with most votes wins, the first one on a tie (LIBSVM's
        rule). With two classes this is the sign of ``decision_function``.
        """
        decisions = self._ovo_decisions(X)
        if len(self.classes_) == 2:
            return self.classes_[(decisions[:, 0] > 0).astype(int)]
        votes = np.zeros((len(decisions), len(self.classes_)), dtype=int)
        rows = np.arange(len(decisions))
        for p, (i, j) in enumerate(self._pairs()):
            np.add.at(votes, (rows, np.where(decisions[:, p] > 0, i, j)), 1)
        return self.classes_[votes.argmax(axis=1)]

    def _has_probabilities(self):
        return self.probability

    @available_if(
        _has_probabilities, "predict_proba is only available with probability=True."
    )
    def predict_proba(self, X):
        """Probability of each class for each row of ``X``, (n_samples, n_classes).

        Only with ``probability=True``. Platt's sigmoid of each pair's decision,
        clipped to ``[1e-7, 1 - 1e-7]``, coupled into one probability per class
        (:func:`pairwise_coupling`), as LIBSVM.
        """
        decisions = self._ovo_decisions(X)  # (n_samples, n_pairs)
        if len(self.classes_) == 2:
            decisions = -decisions  # back to LIBSVM's sign: positive for classes_[0]
        n_classes = len(self.classes_)
        pairwise = np.full((len(decisions), n_classes, n_classes), 0.5)
        for p, (i, j) in enumerate(self._pairs()):
            z = self.probA_[p] * decisions[:, p] + self.probB_[p]
            probability = np.exp(-np.logaddexp(0.0, z))  # 1 / (1 + e^z)
            probability = np.clip(probability, 1e-7, 1.0 - 1e-7)
            pairwise[:, i, j] = probability
            pairwise[:, j, i] = 1.0 - probability
        if n_classes == 2:
            return pairwise[:, [0, 1], [1, 0]]
        return pairwise_coupling(pairwise)

    @available_if(
        _has_probabilities, "predict_proba is only available with probability=True."
    )
    def predict_log_proba(self, X):
        """The logarithm of :meth:`predict_proba`."""
        return np.log(self.predict_proba(X))
