"""Linear regression by least squares or gradient descent (Chapter 2).

A linear model predicts :math:`\\hat y = X w + b`. Training picks the coefficients
:math:`w` and the intercept :math:`b` that minimise the mean squared error on the
training set. This module finds them two ways:

* ``solver="lstsq"``: in closed form, from the normal equation, solved stably with
  :func:`numpy.linalg.lstsq`;
* ``solver="gd"``: by gradient descent, one step downhill at a time, on the whole
  training set or on shuffled mini-batches.

Polynomial regression is this same model fitted on polynomial features
(:class:`scratchlearn.preprocessing.PolynomialFeatures`): the model stays linear in
its parameters, only the inputs change.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, RegressorMixin
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    check_predict_input,
    check_random_state,
    check_X_y,
)

# Gradient descent has diverged once the training loss is this many times the loss it
# started from (or is no longer finite). A diverging loss grows geometrically, so it
# crosses the line within a few epochs and far below overflow; a converging one never
# comes near it. A line ten orders of magnitude away is crossed at the same epoch on
# every machine, where overflow is reached at an epoch that depends on the last bits.
DIVERGENCE_FACTOR = 1e10


class DivergenceError(ValueError):
    """Gradient descent diverged: the learning rate is too large for the data.

    ``loss_history`` holds the training loss after each epoch, up to and including
    the one at which the loss grew past ``DIVERGENCE_FACTOR`` times its start.
    """

    def __init__(self, message, loss_history):
        super().__init__(message)
        self.loss_history = loss_history


def mse_gradient(X, y, coef, intercept):
    """Gradient of the mean squared error with respect to ``coef`` and ``intercept``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
    intercept : float

    Returns
    -------
    grad_coef : ndarray of shape (n_features,)
        :math:`\\frac{2}{n} X^\\top (X w + b - y)`.
    grad_intercept : float
        :math:`\\frac{2}{n} \\sum_i (x_i^\\top w + b - y_i)`.

    Notes
    -----
    The loss is :math:`L(w, b) = \\frac{1}{n} \\sum_i (x_i^\\top w + b - y_i)^2`.
    Because it is a *mean*, so is its gradient: a data set and the same data set
    repeated ten times have the same gradient, and a learning rate that works for one
    works for the other.
    """
    residual = X @ coef + intercept - y  # (n_samples,)
    grad_coef = 2.0 * (X.T @ residual) / X.shape[0]  # (n_features,)
    grad_intercept = 2.0 * float(np.mean(residual))
    return grad_coef, grad_intercept


class LinearRegression(RegressorMixin, BaseEstimator):
    """Ordinary least squares: fit ``y ≈ X @ coef_ + intercept_``.

    Parameters
    ----------
    solver : {"lstsq", "gd"}, default "lstsq"
        ``"lstsq"`` solves the normal equation in closed form (exact, one shot).
        ``"gd"`` runs gradient descent on the mean squared error.
    fit_intercept : bool, default True
        Learn an intercept. ``False`` forces the fitted line through the origin.
    learning_rate : float > 0, default 0.01
        Step size of gradient descent. Used only by ``"gd"``.
    max_iter : int >= 1, default 1000
        Epochs (passes over the training set) of gradient descent. Used only by
        ``"gd"``.
    batch_size : int >= 1 or None, default None
        ``None``: each step uses the whole training set (batch gradient descent).
        An int: each epoch reshuffles the samples and takes one step per mini-batch
        of this many samples (the last one may be smaller). Used only by ``"gd"``.
    random_state : None, int or numpy.random.Generator, default None
        Seeds the reshuffling of mini-batches, for reproducible fits.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weight of each feature.
    intercept_ : float
        The prediction when every feature is 0 (0.0 if ``fit_intercept=False``).
    n_features_in_ : int
        Number of features seen in ``fit``.
    loss_history_ : ndarray of shape (n_iter_,)
        Training mean squared error after each epoch (``"gd"`` only).
    n_iter_ : int
        Epochs run (``"gd"`` only).

    Notes
    -----
    *Closed form.* Centring removes the intercept from the problem: with
    :math:`\\bar x`, :math:`\\bar y` the training means and :math:`X_c = X - \\bar x`,
    :math:`y_c = y - \\bar y`, the coefficients solve the normal equation

    .. math:: X_c^\\top X_c \\, w = X_c^\\top y_c,

    and then :math:`b = \\bar y - \\bar x^\\top w`. The intercept is therefore never
    a column of ones inside the least-squares problem. :func:`numpy.linalg.lstsq`
    solves the equation through a singular value decomposition of :math:`X_c`, never
    forming the inverse of :math:`X_c^\\top X_c`: that matrix has the *square* of the
    condition number of :math:`X_c`, so inverting it loses twice as many digits when
    features are nearly collinear. When they are exactly collinear, ``lstsq`` returns
    the solution of smallest norm, as scikit-learn does. One difference: since
    version 1.9 scikit-learn treats singular values below ``tol=1e-6`` times the
    largest as zero, while ``lstsq`` here keeps all but those at rounding level, so
    on nearly collinear features the two can disagree (this one is nearer the exact
    least-squares solution; scikit-learn's is more regularised).

    *Gradient descent.* Starting from :math:`w = 0, b = 0`, each step moves against
    the gradient of the mean squared error over a batch :math:`B`:

    .. math::

        w \\leftarrow w - \\eta \\, \\frac{2}{|B|} X_B^\\top (X_B w + b - y_B),
        \\qquad
        b \\leftarrow b - \\eta \\, \\frac{2}{|B|}
        \\sum_{i \\in B} (x_i^\\top w + b - y_i).

    The gradient is averaged over the batch, so the learning rate :math:`\\eta` does
    not depend on the number of samples. Batch gradient descent converges when
    :math:`\\eta < 2 / \\lambda_{\\max}`, with :math:`\\lambda_{\\max}` the largest
    eigenvalue of the Hessian :math:`\\frac{2}{n} [X, 1]^\\top [X, 1]`; it converges
    slowly when features have very different scales, hence standardising them first
    (:class:`scratchlearn.preprocessing.StandardScaler`). With a constant learning
    rate, mini-batches keep jittering around the solution unless the data fit a line
    exactly. Once the training loss exceeds ``DIVERGENCE_FACTOR`` (1e10) times its
    value at the start, descent has diverged and ``fit`` raises a
    :class:`DivergenceError` rather than return NaN.

    Chapter 2 explains this code.

    References
    ----------
    Hastie, T., Tibshirani, R. and Friedman, J. (2009). The Elements of Statistical
    Learning, 2nd ed., Section 3.2. Springer.

    Golub, G. H. and Van Loan, C. F. (2013). Matrix Computations, 4th ed., Chapter 5
    (least squares and the normal equations). Johns Hopkins University Press.
    """

    _parameter_constraints: ClassVar[dict] = {
        "solver": [Options("lstsq", "gd")],
        "fit_intercept": [bool],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "batch_size": [None, Interval(int, 1, None, closed="left")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        *,
        solver="lstsq",
        fit_intercept=True,
        learning_rate=0.01,
        max_iter=1000,
        batch_size=None,
        random_state=None,
    ):
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.random_state = random_state

    def fit(self, X, y):
        """Learn ``coef_`` and ``intercept_`` from ``X`` (n_samples, n_features), ``y``.

        Raises
        ------
        DivergenceError (a ValueError)
            If gradient descent diverges (the training loss grows past
            ``DIVERGENCE_FACTOR`` times its start); the estimator then keeps what it
            had learned before.
        """
        self._validate_params()
        rng = check_random_state(self.random_state)
        X, y = check_X_y(X, y)

        if self.solver == "lstsq":
            coef, intercept = self._solve_lstsq(X, y)
            # A refit must not leave the history of an earlier gradient descent.
            for name in ("loss_history_", "n_iter_"):
                vars(self).pop(name, None)
        else:
            coef, intercept, loss_history = self._gradient_descent(X, y, rng)
            # Set only once descent has succeeded: a diverged fit changes nothing.
            self.loss_history_ = loss_history
            self.n_iter_ = len(loss_history)
        self.coef_ = coef  # (n_features,)
        self.intercept_ = intercept
        self.n_features_in_ = X.shape[1]
        return self

    def _solve_lstsq(self, X, y):
        """Least-squares coefficients and intercept, through the centred data."""
        if not self.fit_intercept:
            coef = np.linalg.lstsq(X, y, rcond=None)[0]  # (n_features,)
            return coef, 0.0
        X_mean = X.mean(axis=0)  # (n_features,)
        y_mean = float(y.mean())
        coef = np.linalg.lstsq(X - X_mean, y - y_mean, rcond=None)[0]  # (n_features,)
        return coef, y_mean - float(X_mean @ coef)

    def _gradient_descent(self, X, y, rng):
        """Coefficients, intercept and per-epoch training MSE by gradient descent."""
        n_samples, n_features = X.shape
        batch_size = n_samples if self.batch_size is None else self.batch_size
        coef = np.zeros(n_features)
        intercept = 0.0
        loss_history = np.empty(self.max_iter)
        start_loss = float(np.mean(y**2))  # the loss of coef = 0, intercept = 0
        # A far too large learning rate can overflow within one epoch; that is
        # reported below as a clear error, so NumPy's warnings would only be noise.
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(self.max_iter):
                if batch_size >= n_samples:
                    batches = [slice(None)]  # the full batch needs no shuffling
                else:
                    order = rng.permutation(n_samples)
                    batches = [
                        order[start : start + batch_size]
                        for start in range(0, n_samples, batch_size)
                    ]
                for batch in batches:
                    grad_coef, grad_intercept = mse_gradient(
                        X[batch], y[batch], coef, intercept
                    )
                    coef = coef - self.learning_rate * grad_coef
                    if self.fit_intercept:
                        intercept = intercept - self.learning_rate * grad_intercept
                loss = float(np.mean((X @ coef + intercept - y) ** 2))
                loss_history[epoch] = loss
                if not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * start_loss:
                    raise DivergenceError(
                        f"Gradient descent diverged at epoch {epoch + 1}: the "
                        f"training loss grew past {DIVERGENCE_FACTOR:.0e} times its "
                        "starting value. Use a smaller learning_rate (it is "
                        f"{self.learning_rate}; try {self.learning_rate / 10:g}) or "
                        "standardise the features first "
                        "(scratchlearn.preprocessing.StandardScaler).",
                        loss_history[: epoch + 1],
                    )
        return coef, intercept, loss_history

    def predict(self, X):
        """Predicted targets ``X @ coef_ + intercept_``, shape (n_samples,)."""
        X = check_predict_input(self, X)
        return X @ self.coef_ + self.intercept_
