"""Logistic regression, binary and multinomial (Chapter 5).

A linear model gives each class a score, a *logit*, ``z = X w + b``. Logistic
regression turns logits into probabilities: with two classes, one logit and the
sigmoid ``p = 1 / (1 + exp(-z))``; with more, one logit per class and the softmax
``p_k = exp(z_k) / sum_l exp(z_l)``. Training picks the weights that minimise the
log-loss (the cross-entropy) plus an L2 penalty on the weights, never on the
intercept. This module minimises it two ways:

* ``solver="newton"``: Newton's method, which for this loss is also called
  iteratively reweighted least squares (IRLS): a handful of steps, each solving a
  linear system with the Hessian (by conjugate gradient, which needs only products
  of the Hessian with vectors, never the Hessian itself);
* ``solver="gd"``: gradient descent with a fixed learning rate: cheap steps, many
  of them.

Everything is written for a design matrix ``X`` that carries the intercept as a last
column of ones, and a parameter matrix ``theta`` with one row per output (one for two
classes, one per class otherwise) whose last column is the intercepts. The penalty is
a vector with one strength per column, 0 for the intercept's: that is all it takes to
leave the intercept unpenalised.

The sigmoid, the softmax and the log-loss never overflow, even for logits of
magnitude 1000: the first two come from :mod:`scratchlearn.numerics`, the book's one
module of numerically safe functions, and the loss is computed from the logits.
"""

import warnings
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.numerics import log_softmax, sigmoid, softmax
from scratchlearn.utils.validation import (
    Interval,
    Options,
    check_predict_input,
    check_X_y,
)


def probabilities_from_logits(logits):
    """What the model's outputs predict: the sigmoid of a single column of logits
    (two classes: the probability of the second), the softmax of several."""
    if logits.shape[1] == 1:
        return sigmoid(logits)  # (n_samples, 1)
    return softmax(logits)  # (n_samples, n_classes)


def log_loss_from_logits(Y, logits):
    """Mean log-loss (cross-entropy) of the targets ``Y`` given the ``logits``.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        With one output (two classes), 1 for the second class and 0 for the first;
        otherwise one-hot rows, 1 in the column of each sample's class.
    logits : ndarray of shape (n_samples, n_outputs)

    Returns
    -------
    float
        :math:`-\\frac{1}{n}\\sum_i \\log p_i(y_i)`, finite for any finite logits.

    Notes
    -----
    With one logit :math:`z` and :math:`p = \\sigma(z)`,
    :math:`-y \\log p - (1 - y) \\log(1 - p) = \\log(1 + e^z) - y z`, and
    :math:`\\log(1 + e^z)` is ``np.logaddexp(0, z)``, which never overflows. Taking
    ``np.log`` of a probability that has rounded to 0 would give infinity instead.
    """
    if logits.shape[1] == 1:
        return float(np.mean(np.logaddexp(0.0, logits) - Y * logits))
    return float(-np.sum(Y * log_softmax(logits)) / len(Y))


def logistic_objective(X, Y, theta, penalty):
    """The training objective and its gradient.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_columns)
        The features, followed by a column of ones if the model has an intercept.
    Y : ndarray of shape (n_samples, n_outputs)
        The targets, as for :func:`log_loss_from_logits`.
    theta : ndarray of shape (n_outputs, n_columns)
        One row of weights per output; the last column is the intercepts if ``X``
        ends with ones.
    penalty : ndarray of shape (n_columns,)
        The L2 strength of each column: ``1 / (C * n_samples)`` for a feature, 0
        for the intercept.

    Returns
    -------
    loss : float
        :math:`\\frac{1}{n}\\sum_i \\ell_i + \\frac12 \\sum_{k,j} \\lambda_j
        \\theta_{kj}^2`.
    gradient : ndarray of shape (n_outputs, n_columns)
        :math:`\\frac{1}{n} (P - Y)^\\top X + \\lambda \\odot \\theta`.

    Notes
    -----
    The derivative of the log-loss with respect to a logit is, for the sigmoid as for
    the softmax, *predicted probability minus target*. The loss is a mean, so the
    gradient is too: the learning rate of gradient descent does not depend on the
    number of samples.
    """
    logits = X @ theta.T  # (n_samples, n_outputs)
    loss = log_loss_from_logits(Y, logits) + 0.5 * np.sum(penalty * theta**2)
    errors = (probabilities_from_logits(logits) - Y) / len(X)  # (n_samples, n_outputs)
    gradient = errors.T @ X + penalty * theta  # (n_outputs, n_columns)
    return loss, gradient


def logistic_hessian(X, theta, penalty):
    """The Hessian of :func:`logistic_objective` with respect to ``theta``.

    Parameters
    ----------
    X, theta, penalty
        As for :func:`logistic_objective`.

    Returns
    -------
    ndarray of shape (n_outputs * n_columns, n_outputs * n_columns)
        Rows and columns are ordered as ``theta.ravel()``: output by output.

    Notes
    -----
    The derivative of the softmax probabilities of a sample with respect to its
    logits is :math:`\\operatorname{diag}(p) - p p^\\top`, so

    .. math::

        H = \\frac{1}{n} \\sum_i \\big(\\operatorname{diag}(p_i) - p_i p_i^\\top\\big)
        \\otimes x_i x_i^\\top + I \\otimes \\operatorname{diag}(\\lambda).

    The second term, :math:`-\\sum_i (p_i \\otimes x_i)(p_i \\otimes x_i)^\\top`, is a
    single matrix product; the first is block-diagonal, one block
    :math:`X^\\top \\operatorname{diag}(p_{\\cdot k}) X` per class. With one output
    (two classes, the sigmoid) the formula reads
    :math:`X^\\top \\operatorname{diag}(p - p^2) X`: the weights
    :math:`p(1 - p)` of iteratively reweighted least squares.
    """
    n_samples, n_columns = X.shape
    probabilities = probabilities_from_logits(X @ theta.T)  # (n_samples, n_outputs)
    n_outputs = probabilities.shape[1]
    # Row i of `outer` is the Kronecker product p_i ⊗ x_i.
    outer = (probabilities[:, :, np.newaxis] * X[:, np.newaxis, :]).reshape(
        n_samples, n_outputs * n_columns
    )  # (n_samples, n_outputs * n_columns)
    hessian = -(outer.T @ outer) / n_samples
    for k in range(n_outputs):  # the diagonal blocks: a loop over classes, not samples
        block = slice(k * n_columns, (k + 1) * n_columns)
        weighted = X.T * probabilities[:, k]  # (n_columns, n_samples)
        hessian[block, block] += (weighted @ X) / n_samples + np.diag(penalty)
    return hessian


def newton_direction(hessian, gradient, penalty):
    """The Newton step: the solution ``delta`` of ``H delta = gradient``.

    Parameters
    ----------
    hessian : ndarray of shape (n_outputs * n_columns, n_outputs * n_columns)
    gradient : ndarray of shape (n_outputs, n_columns)
    penalty : ndarray of shape (n_columns,)

    Returns
    -------
    ndarray of shape (n_outputs, n_columns)

    Notes
    -----
    With several outputs, adding the same number to column ``j`` of every class's
    parameters adds the same amount to every logit of a sample and changes no
    probability. Where that column is unpenalised (the intercepts; every column
    when ``C`` is infinite) the objective is flat in that direction :math:`u_j`,
    and :math:`H` is singular. The gradient has no component along :math:`u_j`
    (it sums to 0 over the classes), so adding :math:`u_j u_j^\\top` to :math:`H`
    changes nothing but that: the solution is the one step with no component
    along :math:`u_j`, and the columns keep summing to 0 over the classes, as
    scikit-learn's do. If the matrix is singular all the same (duplicated features
    and no penalty), ``np.linalg.lstsq`` gives the step of smallest norm.
    """
    n_outputs, n_columns = gradient.shape
    if n_outputs > 1:
        hessian = hessian.copy()
        for j in np.flatnonzero(penalty == 0):
            flat = np.zeros((n_outputs, n_columns))
            flat[:, j] = 1.0  # the same change of column j for every class
            hessian += np.outer(flat.ravel(), flat.ravel())
    try:
        step = np.linalg.solve(hessian, gradient.ravel())
    except np.linalg.LinAlgError:
        step = np.linalg.lstsq(hessian, gradient.ravel(), rcond=None)[0]
    return step.reshape(n_outputs, n_columns)


def logistic_hessian_product(X, probabilities, penalty, V):
    """The product ``H V`` of the Hessian with a direction ``V``, without forming ``H``.

    Parameters
    ----------
    X, penalty
        As for :func:`logistic_objective`.
    probabilities : ndarray of shape (n_samples, n_outputs)
        The model's outputs at ``theta``, where the Hessian is taken.
    V : ndarray of shape (n_outputs, n_columns)
        A change of ``theta``.

    Returns
    -------
    ndarray of shape (n_outputs, n_columns)
        ``(logistic_hessian(X, theta, penalty) @ V.ravel()).reshape(V.shape)``.

    Notes
    -----
    Moving ``theta`` along ``V`` changes the logits by :math:`R = X V^\\top`, and the
    probabilities of sample :math:`i` by :math:`(\\operatorname{diag}(p_i) - p_i
    p_i^\\top) r_i = p_i \\odot (r_i - p_i^\\top r_i)`; the gradient changes by
    :math:`\\frac1n` of those changes times :math:`X`, as in
    :func:`logistic_objective`. Two products with ``X``, the cost of one gradient,
    where forming :math:`H` costs ``n_samples * (n_outputs * n_columns) ** 2``. With
    one output the formula reads :math:`p (1 - p) r`, the IRLS weights again.
    """
    logit_changes = X @ V.T  # (n_samples, n_outputs)
    mean_change = np.sum(probabilities * logit_changes, axis=1, keepdims=True)
    changes = probabilities * (logit_changes - mean_change)  # (n_samples, n_outputs)
    return changes.T @ X / len(X) + penalty * V  # (n_outputs, n_columns)


def newton_direction_cg(X, probabilities, penalty, gradient):
    """The Newton step ``delta`` of ``H delta = gradient``, by conjugate gradient.

    Parameters
    ----------
    X, penalty
        As for :func:`logistic_objective`.
    probabilities : ndarray of shape (n_samples, n_outputs)
        The model's outputs at the current ``theta``.
    gradient : ndarray of shape (n_outputs, n_columns)

    Returns
    -------
    ndarray of shape (n_outputs, n_columns)

    Notes
    -----
    Conjugate gradient solves a symmetric positive (semi-)definite system with
    products :math:`H v` only (:func:`logistic_hessian_product`): each iteration
    moves along a direction conjugate to the previous ones, and after at most
    ``gradient.size`` of them the solution is exact. It stops much earlier, once the
    residual :math:`g - H \\delta` is below :math:`\\eta \\lVert g \\rVert_1`, with
    :math:`\\eta = \\min(1/2, \\sqrt{\\lVert g \\rVert_1})` (scikit-learn's
    ``newton-cg`` rule): a rough step far from the minimum, where an exact one would
    be wasted, and an ever more exact one near it, so that the convergence stays
    faster than linear (*truncated* or *inexact* Newton).

    Started from zero, every iterate is a combination of ``gradient`` and products
    with :math:`H`, so it has no component along the flat directions of
    :func:`newton_direction` (where :math:`H u = 0`): no special care is needed.
    """
    size = np.sum(np.abs(gradient))
    stop = min(0.5, np.sqrt(size)) * size
    step = np.zeros_like(gradient)
    residual = gradient.copy()  # gradient - H step
    direction = residual.copy()
    residual_norm = np.sum(residual**2)
    for _ in range(gradient.size):
        if np.sum(np.abs(residual)) <= stop:
            break
        curved = logistic_hessian_product(X, probabilities, penalty, direction)
        curvature = np.sum(direction * curved)
        if curvature <= 0:  # a flat direction, up to rounding: go no further
            break
        length = residual_norm / curvature
        step += length * direction
        residual -= length * curved
        new_norm = np.sum(residual**2)
        direction = residual + (new_norm / residual_norm) * direction
        residual_norm = new_norm
    return step


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression with an L2 penalty: binary, or multinomial (softmax).

    Parameters
    ----------
    C : float > 0 or ``np.inf``, default 1.0
        Inverse of the penalty's strength, as in scikit-learn: smaller is stronger.
        ``np.inf`` fits without any penalty.
    solver : {"newton", "gd"}, default "newton"
        ``"newton"``: Newton's method (IRLS), with step halving. ``"gd"``: gradient
        descent with the fixed learning rate ``learning_rate`` (it needs far more
        iterations than ``max_iter``'s default).
    learning_rate : float > 0, default 0.1
        Learning rate of gradient descent. Used only by ``"gd"``.
    max_iter : int >= 1, default 100
        Most iterations (Newton steps or gradient steps).
    tol : float > 0, default 1e-4
        Stop once no entry of the objective's gradient exceeds ``tol`` in absolute
        value (scikit-learn's ``lbfgs`` stops on the same rule).
    fit_intercept : bool, default True
        Learn an (unpenalised) intercept for each output.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted. Any labels work, strings too.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        One row for two classes (the weights of ``classes_[1]``'s logit), one row
        per class otherwise. The same layout as scikit-learn's.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Zeros if ``fit_intercept=False``.
    n_iter_ : int
        Iterations run.
    loss_history_ : ndarray of shape (n_iter_,)
        The objective (mean log-loss plus penalty, see Notes) after each iteration.
    n_features_in_ : int

    Notes
    -----
    With :math:`n` samples, scikit-learn minimises
    :math:`C \\sum_i \\ell_i + \\frac12 \\lVert W \\rVert^2`, with :math:`\\ell_i` the
    log-loss of sample :math:`i` and :math:`W` the weights without the intercepts.
    Divided by :math:`C n`, which does not move its minimum, that is

    .. math::

        \\frac{1}{n} \\sum_i \\ell_i + \\frac{\\lambda}{2} \\lVert W \\rVert^2,
        \\qquad \\lambda = \\frac{1}{C n},

    the objective used here: a *mean*, so that its gradient is a mean too.

    *Gradient descent* steps :math:`\\theta \\leftarrow \\theta - \\eta g`. *Newton's
    method* solves :math:`H \\delta = g` with the Hessian :math:`H` (see
    :func:`logistic_hessian`) and steps :math:`\\theta \\leftarrow \\theta - t
    \\delta`, with :math:`t = 1` unless the objective would rise, in which case
    :math:`t` is halved until it does not. The system is solved by conjugate
    gradient (:func:`newton_direction_cg`), as scikit-learn's ``newton-cg`` does:
    forming :math:`H` would cost ``n_samples * (n_outputs * n_columns) ** 2``
    (650 x 650 entries for ten digits), each product :math:`H v` costs one
    gradient. For two classes each Newton step is a
    weighted least-squares fit with weights :math:`p_i(1 - p_i)`, hence the name
    IRLS. Near the minimum Newton's method converges quadratically: the number of
    correct digits doubles at each step.

    With more than two classes, adding the same vector to every class's
    parameters changes no probability; :func:`newton_direction` explains how the
    Newton step handles that, and why the intercepts (and, without a penalty, the
    weights) sum to zero over the classes, as scikit-learn's do.

    Chapter 5 explains this code.

    References
    ----------
    Hastie, T., Tibshirani, R. and Friedman, J. (2009). The Elements of Statistical
    Learning, 2nd ed., Section 4.4 (logistic regression, IRLS). Springer.

    Bishop, C. M. (2006). Pattern Recognition and Machine Learning, Sections 4.3.2
    to 4.3.4 (the softmax, IRLS and the multiclass Hessian). Springer.
    """

    _parameter_constraints: ClassVar[dict] = {
        # np.inf means no penalty at all.
        "C": [Interval(float, 0, None, closed="neither"), Options(np.inf)],
        "solver": [Options("newton", "gd")],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "tol": [Interval(float, 0, None, closed="neither")],
        "fit_intercept": [bool],
    }

    def __init__(
        self,
        *,
        C=1.0,
        solver="newton",
        learning_rate=0.1,
        max_iter=100,
        tol=1e-4,
        fit_intercept=True,
    ):
        self.C = C
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        """Learn the weights from ``X`` (n_samples, n_features) and labels ``y``.

        Raises
        ------
        ValueError
            If ``y`` holds fewer than two classes, or if gradient descent diverges
            (the estimator then keeps what it had learned before).
        """
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)

        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"y holds one class ({classes[0]!r}); a classifier needs at least "
                "two classes."
            )
        n_samples, n_features = X.shape
        if len(classes) == 2:  # one output: the logit of the second class
            Y = (y_index == 1).astype(np.float64)[:, np.newaxis]  # (n_samples, 1)
        else:  # one output per class, one-hot targets
            Y = np.eye(len(classes))[y_index]  # (n_samples, n_classes)
        if self.fit_intercept:
            X = np.hstack([X, np.ones((n_samples, 1))])  # (n_samples, n_features + 1)
        # The penalty's strength for each column: the intercept's is 0.
        penalty = np.zeros(X.shape[1])
        penalty[:n_features] = 1.0 / (self.C * n_samples)  # 0 when C is infinite

        theta = np.zeros((Y.shape[1], X.shape[1]))  # (n_outputs, n_columns)
        theta, losses, converged = self._minimise(X, Y, theta, penalty)
        if not converged:
            warnings.warn(
                f"LogisticRegression(solver={self.solver!r}) did not converge in "
                f"max_iter={self.max_iter} iterations: the gradient is still above "
                f"tol={self.tol:g}. Increase max_iter"
                + (" or learning_rate" if self.solver == "gd" else "")
                + ", or standardise the features.",
                ConvergenceWarning,
                stacklevel=2,
            )

        # Set only now: a fit that failed above has changed nothing.
        self.classes_ = classes
        self.coef_ = theta[:, :n_features]  # (n_outputs, n_features)
        self.intercept_ = (
            theta[:, n_features] if self.fit_intercept else np.zeros(len(theta))
        )  # (n_outputs,)
        self.n_iter_ = len(losses)
        self.loss_history_ = np.array(losses)
        self.n_features_in_ = n_features
        return self

    def _minimise(self, X, Y, theta, penalty):
        """Run the solver from ``theta``; return it, the losses and convergence."""
        loss, gradient = logistic_objective(X, Y, theta, penalty)
        losses = []
        # A too-large learning rate makes the iterates overflow; that is reported
        # below as a clear error, so NumPy's overflow warnings would only be noise.
        with np.errstate(over="ignore", invalid="ignore"):
            for iteration in range(self.max_iter):
                if np.max(np.abs(gradient)) <= self.tol:
                    break
                if self.solver == "gd":
                    theta = theta - self.learning_rate * gradient
                    loss, gradient = logistic_objective(X, Y, theta, penalty)
                    if not np.isfinite(loss):
                        raise ValueError(
                            f"Gradient descent diverged at iteration {iteration + 1}: "
                            f"the objective became {loss}. Use a smaller "
                            f"learning_rate (it is {self.learning_rate}; try "
                            f"{self.learning_rate / 10:g}) or standardise the "
                            "features first (scratchlearn.preprocessing."
                            "StandardScaler)."
                        )
                else:
                    stepped = self._newton_step(X, Y, theta, penalty, loss, gradient)
                    if stepped is None:  # no step lowers the objective any more
                        break
                    theta, loss, gradient = stepped
                losses.append(loss)
        return theta, losses, bool(np.max(np.abs(gradient)) <= self.tol)

    @staticmethod
    def _newton_step(X, Y, theta, penalty, loss, gradient):
        """One Newton step from ``theta``, halved until the objective does not rise.

        The step solves :math:`H \\delta = g` only as far as
        :func:`newton_direction_cg` goes: far from the minimum roughly, near it
        almost exactly.

        Returns the new ``(theta, loss, gradient)``, or ``None`` if even a tiny step
        raises the objective.
        """
        probabilities = probabilities_from_logits(X @ theta.T)  # (n_samples, n_outputs)
        step = newton_direction_cg(X, probabilities, penalty, gradient)
        step_size = 1.0
        for _ in range(30):
            candidate = theta - step_size * step
            new_loss, new_gradient = logistic_objective(X, Y, candidate, penalty)
            # Near the minimum the decrease is below rounding: allow for that.
            if new_loss <= loss * (1.0 + 1e-12):
                return candidate, new_loss, new_gradient
            step_size /= 2.0
        return None

    def decision_function(self, X):
        """The logits ``X @ coef_.T + intercept_``.

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (positive means
        ``classes_[1]``), else (n_samples, n_classes).
        """
        X = check_predict_input(self, X)
        logits = X @ self.coef_.T + self.intercept_  # (n_samples, n_outputs)
        return logits[:, 0] if logits.shape[1] == 1 else logits

    def predict_proba(self, X):
        """Probability of each class, shape (n_samples, n_classes); rows sum to 1."""
        logits = self.decision_function(X)
        if logits.ndim == 1:  # two classes: sigmoid(-z) = 1 - sigmoid(z), exactly
            return np.column_stack([sigmoid(-logits), sigmoid(logits)])
        return softmax(logits)

    def predict(self, X):
        """The most probable class of each row of ``X``, shape (n_samples,)."""
        logits = self.decision_function(X)
        if logits.ndim == 1:
            return self.classes_[(logits > 0).astype(int)]
        return self.classes_[np.argmax(logits, axis=1)]
