"""Bayesian linear regression with a conjugate prior (Chapter 4).

Least squares returns one line. Bayesian linear regression returns a *distribution*
over lines: a prior belief about the coefficients ``w``, updated by the data through
Bayes' rule into a posterior. With a Normal prior and Normal noise the posterior is
Normal again (the prior is *conjugate*), so it is known in closed form:

* its mean is ridge regression's solution (Chapter 3), with ``alpha`` the ratio of
  the prior's precision to the noise's;
* its covariance says how sure we are of each coefficient, and shrinks as data come;
* from it follow credible intervals for new predictions, and random draws of
  plausible regression lines.

Two priors are offered. With a *known* noise precision, the prior on ``w`` is Normal
and so is everything that follows. With the noise *unknown*, a Gamma prior on its
precision joins the Normal prior on ``w`` (the Normal-inverse-gamma prior, conjugate
too), and the uncertainty about the noise turns the Normal distributions into
Student t distributions with heavier tails.

The intercept gets a flat prior (no penalty): the data are centred first, as in
Chapters 2 and 3, and its uncertainty, the uncertainty of the mean of ``y``, is added
back in the predictions.

NumPy has no quantile function for the Student t distribution (scipy has, but the
algorithms here depend on NumPy only), so this module computes it too:
:func:`student_t_cdf` and :func:`student_t_quantile`.
"""

import functools
import math
import statistics
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, RegressorMixin, check_is_fitted
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    check_predict_input,
    check_random_state,
    check_value,
    check_X_y,
)


class BayesianLinearRegression(RegressorMixin, BaseEstimator):
    """Linear regression with a conjugate Normal prior on the coefficients.

    Parameters
    ----------
    prior_precision : float > 0, default 1.0
        :math:`\\lambda`, the precision (inverse variance) of the Normal prior on each
        coefficient, centred on 0. Larger values pull the coefficients harder
        towards 0. With ``noise_precision=None`` it is measured in units of the
        noise precision (see Notes): then it is exactly ridge's ``alpha``.
    noise_precision : float > 0 or None, default None
        :math:`\\beta = 1 / \\sigma^2`, the precision of the Gaussian noise on ``y``,
        if it is known. ``None``: the noise is unknown and gets a Gamma prior of
        shape ``a0`` and rate ``b0`` (a Normal-inverse-gamma prior on the
        coefficients and the noise variance).
    a0 : float > 0, default 1e-6
        Shape of the Gamma prior on the noise precision (``noise_precision=None``
        only). Small ``a0`` and ``b0`` make the prior almost uninformative.
    b0 : float > 0, default 1e-6
        Rate of the Gamma prior on the noise precision (``noise_precision=None``
        only). The prior's mean noise precision is ``a0 / b0``.
    fit_intercept : bool, default True
        Fit an intercept with a flat prior (it is not shrunk towards 0). If False
        the regression goes through the origin.
    random_state : None, int or numpy.random.Generator, default None
        Seeds :meth:`sample_coef` and :meth:`sample_predictions`. Each call starts
        from this seed: with an int, the same call returns the same draws.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Posterior mean of the coefficients (also their most probable value).
    intercept_ : float
        Posterior mean of the intercept: ``mean(y) - mean(X) @ coef_``.
    covariance_ : ndarray of shape (n_features, n_features)
        Posterior covariance of the coefficients. With the noise unknown it is
        infinite (``np.inf`` everywhere) when ``dof_ <= 2``.
    noise_precision_ : float
        The noise precision used: ``noise_precision`` if given, else its posterior
        mean :math:`a_n / b_n`.
    dof_ : float
        Degrees of freedom of the Student t distributions of the posterior and of
        the predictions, :math:`2 a_n`; ``np.inf`` (Normal distributions) when the
        noise precision is known.
    n_features_in_ : int

    Notes
    -----
    **Known noise.** Prior :math:`w \\sim N(0, \\lambda^{-1} I)`, likelihood
    :math:`y \\mid w \\sim N(Xw, \\beta^{-1} I)`. Bayes' rule gives the posterior
    :math:`w \\mid y \\sim N(m, S)` with

    .. math::

        S = (\\lambda I + \\beta X^\\top X)^{-1}, \\qquad m = \\beta S X^\\top y
        = (X^\\top X + \\tfrac{\\lambda}{\\beta} I)^{-1} X^\\top y ,

    the ridge solution with ``alpha`` :math:`= \\lambda / \\beta`. The code computes
    :math:`G = (X^\\top X + \\alpha I)^{-1}`, then :math:`m = G X^\\top y` and
    :math:`S = G / \\beta`. scikit-learn's ``BayesianRidge`` has the same model
    (its ``lambda_`` is :math:`\\lambda`, its ``alpha_`` is :math:`\\beta`) but
    *estimates* the two precisions from the data; given its estimates, ``coef_``
    and ``covariance_`` here equal its ``coef_`` and ``sigma_``.

    **Unknown noise: Normal-inverse-gamma.** The noise precision
    :math:`\\beta = 1/\\sigma^2` gets a prior :math:`\\beta \\sim
    \\mathrm{Gamma}(a_0, b_0)` (shape, rate), and the coefficients a prior scaled
    by the noise, :math:`w \\mid \\beta \\sim N(0, (\\lambda\\beta)^{-1} I)`. This pair
    is conjugate: with :math:`G = (X^\\top X + \\lambda I)^{-1}` and
    :math:`m = G X^\\top y` (ridge with ``alpha`` :math:`= \\lambda`), the posterior
    is :math:`w \\mid \\beta, y \\sim N(m, G / \\beta)`,
    :math:`\\beta \\mid y \\sim \\mathrm{Gamma}(a_n, b_n)` with

    .. math::

        a_n = a_0 + \\tfrac{n}{2}, \\qquad
        b_n = b_0 + \\tfrac12 \\left(\\lVert y - Xm \\rVert^2
        + \\lambda \\lVert m \\rVert^2\\right).

    Averaged over :math:`\\beta`, the coefficients follow a multivariate Student t
    distribution with :math:`\\nu = 2a_n` degrees of freedom, location :math:`m` and
    scale matrix :math:`(b_n / a_n) G`, whose covariance is
    :math:`\\frac{b_n}{a_n - 1} G` (for :math:`a_n > 1`).

    **The intercept** :math:`b` has a flat prior. Then :math:`b` can be integrated
    out exactly: the posterior of :math:`w` is the one above computed on the
    centred data :math:`X - \\bar x`, :math:`y - \\bar y`, and given :math:`w` (and
    the noise), :math:`b \\sim N(\\bar y - \\bar x^\\top w, 1 / (n \\beta))`: the
    uncertainty of a mean of :math:`n` noisy values. Integrating :math:`b` out uses
    up one observation's worth of information about the noise, so with an
    intercept :math:`a_n = a_0 + (n - 1)/2`, as the sample variance divides by
    :math:`n - 1`.

    **Predictions.** At a new :math:`x`, with :math:`\\tilde x = x - \\bar x`,
    :math:`y = b + x^\\top w + \\varepsilon` has mean
    :math:`\\bar y + \\tilde x^\\top m` = ``predict(x)``, and is Normal (known noise)
    or Student t with :math:`\\nu` degrees of freedom, of squared scale

    .. math::

        s^2 = \\tilde x^\\top \\Sigma \\tilde x + \\frac{1}{n \\hat\\beta}
        + \\frac{1}{\\hat\\beta} ,

    where :math:`\\Sigma` is :math:`S` or the t's scale matrix, and
    :math:`\\hat\\beta` is ``noise_precision_``. The three terms are the
    uncertainty of the coefficients, of the intercept and the noise. Without the
    last one, :math:`s` describes the regression line itself
    (``include_noise=False``).
    scikit-learn's ``BayesianRidge.predict(return_std=True)`` leaves out the middle
    term: it treats its intercept as exactly known.

    Chapter 4 explains this code.

    References
    ----------
    Bishop, C. M. (2006). Pattern Recognition and Machine Learning, Section 3.3.
    Springer.

    Murphy, K. P. (2012). Machine Learning: A Probabilistic Perspective, Section 7.6.
    MIT Press.

    MacKay, D. J. C. (1992). Bayesian interpolation. Neural Computation 4(3),
    415-447. (The model of scikit-learn's ``BayesianRidge``.)
    """

    _parameter_constraints: ClassVar[dict] = {
        "prior_precision": [Interval(float, 0, None, closed="neither")],
        "noise_precision": [None, Interval(float, 0, None, closed="neither")],
        "a0": [Interval(float, 0, None, closed="neither")],
        "b0": [Interval(float, 0, None, closed="neither")],
        "fit_intercept": [bool],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        *,
        prior_precision=1.0,
        noise_precision=None,
        a0=1e-6,
        b0=1e-6,
        fit_intercept=True,
        random_state=None,
    ):
        self.prior_precision = prior_precision
        self.noise_precision = noise_precision
        self.a0 = a0
        self.b0 = b0
        self.fit_intercept = fit_intercept
        self.random_state = random_state

    def fit(self, X, y):
        """Compute the posterior from ``X`` (n_samples, n_features) and ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y)

        n_samples, n_features = X.shape
        if self.fit_intercept:
            X_mean, y_mean = X.mean(axis=0), y.mean()  # (n_features,) and a number
        else:
            X_mean, y_mean = np.zeros(n_features), 0.0
        X_c, y_c = X - X_mean, y - y_mean  # X_c: (n_samples, n_features)

        # The posterior mean is ridge's solution with this alpha (see Notes).
        if self.noise_precision is None:
            ridge_alpha = self.prior_precision
        else:
            ridge_alpha = self.prior_precision / self.noise_precision
        gram = X_c.T @ X_c  # (n_features, n_features)
        gram[np.diag_indices_from(gram)] += ridge_alpha
        coef = np.linalg.solve(gram, X_c.T @ y_c)  # (n_features,)
        # The covariance itself is wanted here, so the inverse is computed. The
        # eigenvalues of gram are at least ridge_alpha > 0: it is invertible.
        unit_covariance = np.linalg.inv(gram)  # covariance per unit of noise variance

        if self.noise_precision is None:
            # Integrating out the intercept costs one observation (see Notes).
            n_observations = n_samples - 1 if self.fit_intercept else n_samples
            residual = y_c - X_c @ coef  # (n_samples,)
            shape = self.a0 + 0.5 * n_observations  # a_n
            rate = self.b0 + 0.5 * (residual @ residual + ridge_alpha * (coef @ coef))
            noise_precision = shape / rate  # posterior mean of the noise precision
            dof = 2.0 * shape
        else:
            noise_precision = float(self.noise_precision)
            dof = np.inf

        self.coef_ = coef
        self.intercept_ = float(y_mean - X_mean @ coef)
        # The Normal's covariance, or the scale matrix of the Student t:
        self._coef_scale = unit_covariance / noise_precision
        self.covariance_ = self._coef_scale * _variance_factor(dof)
        self.noise_precision_ = float(noise_precision)
        self.dof_ = float(dof)
        self._X_mean = X_mean
        # Scale of the intercept's uncertainty given w: 1 / (n * noise precision).
        self._intercept_squared_scale = (
            1.0 / (n_samples * noise_precision) if self.fit_intercept else 0.0
        )
        self.n_features_in_ = n_features
        return self

    def predict(self, X, return_std=False):
        """Posterior predictive mean ``X @ coef_ + intercept_``, shape (n_samples,).

        With ``return_std=True`` also the predictive standard deviation of a new
        observation at each row of ``X`` (noise included), shape (n_samples,).
        """
        X = check_predict_input(self, X)
        y_mean = X @ self.coef_ + self.intercept_  # (n_samples,)
        if not return_std:
            return y_mean
        y_scale = self._predictive_scale(X, include_noise=True)
        return y_mean, y_scale * np.sqrt(_variance_factor(self.dof_))

    def predict_interval(self, X, level=0.9, *, include_noise=True):
        """Central credible interval holding a new observation with probability
        ``level``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        level : float in (0, 1), default 0.9
            Posterior probability of the interval.
        include_noise : bool, default True
            True: the interval for a new *observation* ``y`` at ``X`` (the
            predictive interval). False: the interval for the regression line
            ``intercept + X @ coef`` itself (the credible band of the mean), which
            shrinks to nothing as data accumulate.

        Returns
        -------
        lower, upper : ndarrays of shape (n_samples,)
        """
        check_value(level, "level", [Interval(float, 0, 1, closed="neither")])
        check_value(include_noise, "include_noise", [bool])
        X = check_predict_input(self, X)
        y_mean = X @ self.coef_ + self.intercept_  # (n_samples,)
        half_width = student_t_quantile(0.5 + level / 2, self.dof_) * (
            self._predictive_scale(X, include_noise=include_noise)
        )
        return y_mean - half_width, y_mean + half_width

    def _predictive_scale(self, X, include_noise):
        """Scale ``s`` of the predictive distribution at each row of ``X`` (see
        Notes): the standard deviation when the noise is known."""
        X_c = X - self._X_mean  # (n_samples, n_features)
        coef_part = np.einsum("ij,jk,ik->i", X_c, self._coef_scale, X_c)  # x S x
        squared_scale = coef_part + self._intercept_squared_scale  # (n_samples,)
        if include_noise:
            squared_scale = squared_scale + 1.0 / self.noise_precision_
        return np.sqrt(squared_scale)

    def sample_coef(self, n_draws=1):
        """Draws of the coefficients from their posterior, shape (n_draws,
        n_features).

        With the noise known, a draw is ``coef_ + L z`` with ``z`` standard Normal
        and ``L`` the Cholesky factor of the covariance (``L @ L.T =
        covariance_``): then ``cov(L z) = L cov(z) L.T = covariance_``. With the
        noise unknown, ``L`` factors the Student t's scale matrix and ``L z`` is
        divided by ``sqrt(g)``, ``g`` a Gamma draw of mean 1 (a random noise
        precision relative to its mean): that makes the draw a Student t one.
        """
        coefs, _ = self._draw(n_draws)
        return coefs

    def sample_predictions(self, X, n_draws=1):
        """Draws of the regression line ``intercept + X @ coef`` from the posterior.

        Each draw is one plausible line, evaluated at every row of ``X``; noise is
        not added. Returns shape (n_draws, n_samples).
        """
        X = check_predict_input(self, X)
        coefs, intercepts = self._draw(n_draws)
        return coefs @ X.T + intercepts[:, np.newaxis]  # (n_draws, n_samples)

    def _draw(self, n_draws):
        """``n_draws`` joint posterior draws of the coefficients and the intercept:
        shapes (n_draws, n_features) and (n_draws,)."""
        check_is_fitted(self)
        check_value(n_draws, "n_draws", [Interval(int, 1, None, closed="left")])
        rng = check_random_state(self.random_state)
        n_features = self.n_features_in_
        cholesky = np.linalg.cholesky(self._coef_scale)  # (n_features, n_features)
        z = rng.standard_normal((n_draws, n_features))  # (n_draws, n_features)
        z_intercept = rng.standard_normal(n_draws)  # (n_draws,)
        if np.isinf(self.dof_):
            spread = np.ones(n_draws)
        else:  # g ~ Gamma(shape dof/2, rate dof/2): the noise precision / its mean
            g = rng.gamma(shape=self.dof_ / 2, scale=2 / self.dof_, size=n_draws)
            spread = 1.0 / np.sqrt(g)  # (n_draws,)
        deviations = (z @ cholesky.T) * spread[:, np.newaxis]  # (n_draws, n_features)
        coefs = self.coef_ + deviations
        # Given the coefficients, the intercept is mean(y) - mean(X) @ coef, give or
        # take the uncertainty of the mean of y.
        intercepts = (
            self.intercept_
            - deviations @ self._X_mean
            + np.sqrt(self._intercept_squared_scale) * z_intercept * spread
        )
        return coefs, intercepts


def _variance_factor(dof):
    """Variance of a Student t with ``dof`` degrees of freedom relative to its
    squared scale: ``dof / (dof - 2)``; 1 for a Normal, infinite for ``dof <= 2``."""
    if np.isinf(dof):
        return 1.0
    return dof / (dof - 2) if dof > 2 else np.inf


def student_t_cdf(t, dof):
    """P(T <= t) for a Student t variable T with ``dof`` > 0 degrees of freedom.

    ``dof=np.inf`` gives the standard Normal distribution. Agrees with
    ``scipy.stats.t.cdf`` to about 1e-12 up to 1e4 degrees of freedom; beyond, the
    digits that ``math.lgamma`` of large numbers loses leave about 1e-10 at 1e5.
    """
    tail = _student_t_tail(abs(float(t)), float(dof))  # P(T > |t|)
    return 1.0 - tail if t > 0 else tail  # the distribution is symmetric about 0


# Pure and a few milliseconds each: a fitted model asks for the same one every time.
@functools.lru_cache(maxsize=1024)
def student_t_quantile(p, dof):
    """The value ``t`` with ``P(T <= t) = p``, for 0 < ``p`` < 1 and a Student t
    variable ``T`` with ``dof`` > 0 degrees of freedom (``np.inf``: Normal).

    Bisection: the tail probability ``P(T > t)`` decreases with ``t``, so double an
    upper bound until its tail is below the wanted one, then halve the bracket until
    no float is left inside it. Working with the smaller tail, ``p`` or ``1 - p``,
    keeps the digits of small probabilities.
    """
    p, dof = float(p), float(dof)
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1 (exclusive), got {p!r}.")
    if math.isinf(dof):
        return statistics.NormalDist().inv_cdf(p)
    tail = min(p, 1.0 - p)
    low, high = 0.0, 1.0
    while _student_t_tail(high, dof) > tail:
        low, high = high, 2.0 * high
    while True:
        middle = 0.5 * (low + high)
        if middle in (low, high):  # no float left between them
            break
        if _student_t_tail(middle, dof) > tail:
            low = middle
        else:
            high = middle
    return middle if p >= 0.5 else -middle


def _student_t_tail(t, dof):
    """P(T > t) for t >= 0: with :math:`x = \\nu / (\\nu + t^2)`, it is
    :math:`\\tfrac12 I_x(\\nu/2, 1/2)`, :math:`I_x(a, b)` the regularised incomplete
    beta function."""
    if math.isinf(dof):
        return statistics.NormalDist().cdf(-t)
    if t == 0.0:
        return 0.5
    ratio = dof / t / t  # dof / t², without overflowing t²
    if math.isinf(ratio):  # t so small that the tail rounds to 1/2
        return 0.5
    # x = dof / (dof + t²) and 1 - x, each computed directly: for large dof, x is
    # close to 1 and 1.0 - x would lose digits.
    x, one_minus_x = ratio / (1.0 + ratio), 1.0 / (1.0 + ratio)
    return 0.5 * _regularized_incomplete_beta(x, one_minus_x, dof / 2, 0.5)


def _regularized_incomplete_beta(x, one_minus_x, a, b):
    """:math:`I_x(a, b)`, by its continued fraction (Numerical Recipes, 6.4).

    The fraction converges fast for :math:`x < (a + 1) / (a + b + 2)`; above that,
    the symmetry :math:`I_x(a, b) = 1 - I_{1-x}(b, a)` brings ``x`` below. Passing
    ``1 - x`` as well keeps its digits when ``x`` is close to 1.
    """
    if x <= 0.0:
        return 0.0
    if one_minus_x <= 0.0:
        return 1.0
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _regularized_incomplete_beta(one_minus_x, x, b, a)
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    front = math.exp(a * math.log(x) + b * math.log(one_minus_x) - log_beta) / a
    return front * _beta_continued_fraction(x, a, b)


def _beta_continued_fraction(x, a, b, max_terms=100_000):
    """The continued fraction of :math:`I_x(a, b)`, by the modified Lentz method."""
    tiny = 1e-300  # stands in for a zero denominator

    def nonzero(value):
        return value if abs(value) > tiny else tiny

    c, d = 1.0, 1.0 / nonzero(1.0 - (a + b) * x / (a + 1))
    fraction = d
    for m in range(1, max_terms + 1):
        # Two terms per step: the even one, then the odd one.
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 / nonzero(1.0 + numerator * d)
            c = nonzero(1.0 + numerator / c)
            fraction *= c * d
        if abs(c * d - 1.0) <= 2.3e-16:  # the last factor is 1 to rounding
            break
    return fraction
