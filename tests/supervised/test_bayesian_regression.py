"""Bayesian linear regression (Chapter 4): toys solved by hand, the closed-form
posterior, scikit-learn's BayesianRidge for the mean and covariance, calibrated
credible intervals, and posterior draws.

How the priors correspond: BayesianRidge has our known-noise model, with its
``lambda_`` our ``prior_precision`` and its ``alpha_`` our ``noise_precision``, and
estimates the two from the data. Fixed to its estimates, our posterior mean and
covariance are its ``coef_`` and ``sigma_``. With the noise unknown (the
Normal-inverse-gamma prior) our posterior mean is ridge with ``alpha =
prior_precision``, so ``prior_precision = lambda_ / alpha_`` gives its ``coef_``.
"""

import numpy as np
import pytest
from scipy import stats
from sklearn import linear_model
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from scratchlearn import NotFittedError
from scratchlearn.supervised import BayesianLinearRegression, Ridge
from scratchlearn.supervised.bayesian_regression import (
    student_t_cdf,
    student_t_quantile,
)

# One feature, four samples (as in Chapters 2 and 3): mean(x) = 2.5, mean(y) = 4.5,
# x_c = [-1.5, -0.5, 0.5, 1.5], y_c = [-2.5, -1.5, 0.5, 3.5],
# ||x_c||^2 = 5, x_c . y_c = 10.
X_ONE = np.array([[1.0], [2.0], [3.0], [4.0]])
Y_ONE = np.array([2.0, 3.0, 5.0, 8.0])


def _data(name):
    if name == "diabetes":
        return load_diabetes(return_X_y=True)
    if name == "diabetes standardised":
        X, y = load_diabetes(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    rng = np.random.default_rng(0)
    if name == "tall":
        X = rng.normal(size=(200, 6)) * rng.uniform(0.5, 3, 6) + 4.0
        y = X @ rng.normal(size=6) + 10.0 + rng.normal(size=200)
        return X, y
    if name == "wide":  # more features than samples
        X = rng.normal(size=(25, 40))
        y = X[:, :3] @ np.array([2.0, -1.0, 3.0]) - 5.0 + rng.normal(size=25)
        return X, y
    raise ValueError(name)


DATASETS = ["diabetes", "diabetes standardised", "tall", "wide"]


# ---------------------------------------------------------------------------
# (a) Student t distribution (NumPy has none)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dof", [0.1, 0.5, 1.0, 2.0, 2.5, 7.0, 30.0, 441.0, 1e4])
def test_student_t_matches_scipy(dof):
    for t in [-40.0, -3.0, -1.0, -0.1, 0.0, 0.2, 1.5, 4.0, 1e5]:
        assert student_t_cdf(t, dof) == pytest.approx(
            stats.t.cdf(t, dof), rel=1e-10, abs=1e-13
        )
    for p in [1e-8, 0.01, 0.3, 0.5, 0.75, 0.9, 0.95, 0.975, 0.999]:
        assert student_t_quantile(p, dof) == pytest.approx(
            stats.t.ppf(p, dof), rel=1e-9, abs=1e-12
        )


def test_student_t_with_infinite_dof_is_the_normal():
    for p in [0.05, 0.5, 0.9, 0.95]:
        assert student_t_quantile(p, np.inf) == pytest.approx(stats.norm.ppf(p))
    assert student_t_cdf(1.3, np.inf) == pytest.approx(stats.norm.cdf(1.3))


@pytest.mark.parametrize("p", [0.0, 1.0, -0.5, 2.0])
def test_student_t_quantile_needs_a_probability_strictly_inside(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        student_t_quantile(p, 3.0)


# ---------------------------------------------------------------------------
# (b) Toys computed by hand
# ---------------------------------------------------------------------------


def test_known_noise_one_feature_by_hand():
    # Precision 1 + 1 * 5 = 6, so the variance of the slope is 1/6 and its mean
    # 1 * (1/6) * 10 = 5/3; the intercept is 4.5 - 2.5 * 5/3 = 1/3.
    model = BayesianLinearRegression(prior_precision=1.0, noise_precision=1.0)
    model.fit(X_ONE, Y_ONE)
    np.testing.assert_allclose(model.coef_, [5 / 3])
    assert model.intercept_ == pytest.approx(1 / 3)
    np.testing.assert_allclose(model.covariance_, [[1 / 6]])
    assert model.dof_ == np.inf
    assert model.noise_precision_ == 1.0
    # At x = mean(x) only the intercept's variance 1/(n beta) and the noise's 1/beta
    # are left: 1/4 + 1.
    y_mean, y_std = model.predict([[2.5]], return_std=True)
    np.testing.assert_allclose(y_mean, [4.5])
    np.testing.assert_allclose(y_std, [np.sqrt(1.25)])
    # At x = 4.5 the slope's uncertainty adds (4.5 - 2.5)^2 / 6.
    _, y_std = model.predict([[4.5]], return_std=True)
    np.testing.assert_allclose(y_std, [np.sqrt(4 / 6 + 1.25)])


def test_unknown_noise_one_feature_by_hand():
    # Ridge with alpha = 1: slope 10 / (5 + 1) = 5/3. Residuals y_c - x_c * 5/3 =
    # [0, -2/3, -1/3, 1], squared sum 14/9; plus 1 * (5/3)^2 = 25/9 makes 13/3.
    # a_n = 1 + (4 - 1)/2 = 5/2 (the intercept costs one sample), b_n = 1 + 13/6.
    model = BayesianLinearRegression(prior_precision=1.0, a0=1.0, b0=1.0)
    model.fit(X_ONE, Y_ONE)
    shape, rate = 5 / 2, 19 / 6
    np.testing.assert_allclose(model.coef_, [5 / 3])
    assert model.intercept_ == pytest.approx(1 / 3)
    assert model.dof_ == pytest.approx(2 * shape)
    assert model.noise_precision_ == pytest.approx(shape / rate)
    # Covariance of the multivariate t: b_n / (a_n - 1) * (1 / 6).
    np.testing.assert_allclose(model.covariance_, [[rate / (shape - 1) / 6]])
    # At x = mean(x) the predictive t has squared scale (b_n / a_n) (1 + 1/4).
    scale = np.sqrt(rate / shape * 1.25)
    lower, upper = model.predict_interval([[2.5]], level=0.9)
    half_width = stats.t.ppf(0.95, 2 * shape) * scale
    np.testing.assert_allclose(lower, [4.5 - half_width])
    np.testing.assert_allclose(upper, [4.5 + half_width])
    _, y_std = model.predict([[2.5]], return_std=True)
    np.testing.assert_allclose(y_std, [scale * np.sqrt(5 / 3)])  # t variance nu/(nu-2)


def test_without_intercept_by_hand():
    # Through the origin: ||x||^2 = 30, x . y = 2 + 6 + 15 + 32 = 55. Precision
    # 2 + 0.5 * 30 = 17, slope 0.5 * 55 / 17, and no intercept uncertainty.
    model = BayesianLinearRegression(
        prior_precision=2.0, noise_precision=0.5, fit_intercept=False
    ).fit(X_ONE, Y_ONE)
    np.testing.assert_allclose(model.coef_, [27.5 / 17])
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.covariance_, [[1 / 17]])
    _, y_std = model.predict([[2.0]], return_std=True)
    np.testing.assert_allclose(y_std, [np.sqrt(4 / 17 + 2.0)])


# ---------------------------------------------------------------------------
# (c) The closed-form posterior
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", DATASETS)
def test_known_noise_posterior_is_the_closed_form(data):
    X, y = _data(data)
    prior_precision, noise_precision = 0.7, 0.02
    model = BayesianLinearRegression(
        prior_precision=prior_precision, noise_precision=noise_precision
    ).fit(X, y)
    X_c, y_c = X - X.mean(axis=0), y - y.mean()
    precision = prior_precision * np.eye(X.shape[1]) + noise_precision * X_c.T @ X_c
    covariance = np.linalg.inv(precision)
    mean = noise_precision * covariance @ X_c.T @ y_c
    np.testing.assert_allclose(model.coef_, mean, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(model.covariance_, covariance, rtol=1e-9, atol=1e-12)
    assert model.intercept_ == pytest.approx(y.mean() - X.mean(axis=0) @ mean)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("data", DATASETS)
def test_unknown_noise_posterior_is_the_normal_inverse_gamma_closed_form(
    data, fit_intercept
):
    # The textbook update (Murphy 2012, eq. 7.70-7.73) with V0 = I / lambda, w0 = 0:
    # V_n = (V0^-1 + X^T X)^-1, m_n = V_n X^T y, a_n = a0 + n/2,
    # b_n = b0 + (y^T y - m_n^T V_n^-1 m_n) / 2, on centred data with n - 1 in a_n.
    X, y = _data(data)
    prior_precision, a0, b0 = 3.0, 2.0, 5.0
    model = BayesianLinearRegression(
        prior_precision=prior_precision, a0=a0, b0=b0, fit_intercept=fit_intercept
    ).fit(X, y)
    if fit_intercept:
        X, y = X - X.mean(axis=0), y - y.mean()
    n_observations = len(y) - 1 if fit_intercept else len(y)
    V_n_inverse = prior_precision * np.eye(X.shape[1]) + X.T @ X
    V_n = np.linalg.inv(V_n_inverse)
    m_n = V_n @ X.T @ y
    a_n = a0 + n_observations / 2
    b_n = b0 + (y @ y - m_n @ V_n_inverse @ m_n) / 2
    np.testing.assert_allclose(model.coef_, m_n, rtol=1e-9, atol=1e-9)
    assert model.dof_ == pytest.approx(2 * a_n)
    assert model.noise_precision_ == pytest.approx(a_n / b_n, rel=1e-8)
    np.testing.assert_allclose(
        model.covariance_, b_n / (a_n - 1) * V_n, rtol=1e-8, atol=1e-12
    )


def _augmented_posterior(X, y, prior_precision, noise_precision, intercept_precision):
    """The known-noise posterior of theta = (b, w) with a column of ones in X and a
    prior of precision ``intercept_precision`` on b: the textbook formula with no
    centring at all."""
    design = np.column_stack([np.ones(len(X)), X])  # (n_samples, n_features + 1)
    prior = np.diag([intercept_precision] + [prior_precision] * X.shape[1])
    covariance = np.linalg.inv(prior + noise_precision * design.T @ design)
    mean = noise_precision * covariance @ design.T @ y
    return mean, covariance


@pytest.mark.parametrize("data", ["tall", "diabetes standardised"])
def test_centring_is_a_flat_prior_on_the_intercept(data):
    """Centring the data is not a trick: it gives exactly the posterior of the model
    with an intercept parameter whose prior is flat (the limit of a Normal prior of
    precision -> 0), predictions and their uncertainty included."""
    X, y = _data(data)
    prior_precision, noise_precision = 0.5, 0.01
    model = BayesianLinearRegression(
        prior_precision=prior_precision, noise_precision=noise_precision
    ).fit(X, y)
    mean, covariance = _augmented_posterior(
        X, y, prior_precision, noise_precision, intercept_precision=1e-12
    )
    np.testing.assert_allclose(model.intercept_, mean[0], rtol=1e-7)
    np.testing.assert_allclose(model.coef_, mean[1:], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(model.covariance_, covariance[1:, 1:], rtol=1e-7)
    X_new = np.random.default_rng(1).normal(size=(7, X.shape[1])) * 3
    design = np.column_stack([np.ones(len(X_new)), X_new])
    expected_std = np.sqrt(
        np.einsum("ij,jk,ik->i", design, covariance, design) + 1 / noise_precision
    )
    y_mean, y_std = model.predict(X_new, return_std=True)
    np.testing.assert_allclose(y_mean, design @ mean, rtol=1e-7)
    np.testing.assert_allclose(y_std, expected_std, rtol=1e-7)


def test_centring_is_a_flat_prior_on_the_intercept_with_unknown_noise():
    """The same with the Normal-inverse-gamma prior. A conjugate prior on b,
    N(0, sigma^2 / epsilon), brings its own factor 1/sigma, half an observation's
    worth of noise information, that our flat prior (independent of sigma) does not:
    so the augmented model matches ours with a0 one half smaller."""
    X, y = _data("tall")
    prior_precision, a0, b0, epsilon = 2.0, 3.0, 4.0, 1e-12
    model = BayesianLinearRegression(prior_precision=prior_precision, a0=a0, b0=b0)
    model.fit(X, y)
    design = np.column_stack([np.ones(len(X)), X])
    V_n_inverse = np.diag([epsilon] + [prior_precision] * X.shape[1])
    V_n_inverse += design.T @ design
    V_n = np.linalg.inv(V_n_inverse)
    m_n = V_n @ design.T @ y
    a_n = (a0 - 0.5) + len(y) / 2
    b_n = b0 + (y @ y - m_n @ V_n_inverse @ m_n) / 2
    np.testing.assert_allclose(model.intercept_, m_n[0], rtol=1e-7)
    np.testing.assert_allclose(model.coef_, m_n[1:], rtol=1e-7)
    assert model.dof_ == pytest.approx(2 * a_n)
    assert model.noise_precision_ == pytest.approx(a_n / b_n, rel=1e-6)
    np.testing.assert_allclose(
        model.covariance_, b_n / (a_n - 1) * V_n[1:, 1:], rtol=1e-6
    )
    x_new = np.array([[1.0, -2.0, 0.5, 3.0, 8.0, -1.0]])
    design_new = np.column_stack([np.ones(1), x_new])
    scale = np.sqrt(b_n / a_n * (1 + design_new @ V_n @ design_new.T))[0, 0]
    lower, upper = model.predict_interval(x_new, level=0.8)
    quantile = stats.t.ppf(0.9, 2 * a_n)
    np.testing.assert_allclose(upper - lower, [2 * quantile * scale], rtol=1e-6)


@pytest.mark.parametrize("data", DATASETS)
def test_the_posterior_mean_is_ridge(data):
    X, y = _data(data)
    known = BayesianLinearRegression(prior_precision=4.0, noise_precision=0.5)
    unknown = BayesianLinearRegression(prior_precision=4.0)
    ridge_known, ridge_unknown = Ridge(alpha=8.0), Ridge(alpha=4.0)
    for model, ridge in ((known, ridge_known), (unknown, ridge_unknown)):
        model.fit(X, y)
        ridge.fit(X, y)
        np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-9, atol=1e-9)
        assert model.intercept_ == pytest.approx(ridge.intercept_)


# ---------------------------------------------------------------------------
# (d) scikit-learn's BayesianRidge, fixed to its own estimates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("data", DATASETS)
def test_matches_bayesian_ridge_given_its_precisions(data, fit_intercept):
    X, y = _data(data)
    reference = linear_model.BayesianRidge(fit_intercept=fit_intercept).fit(X, y)
    lambda_, alpha_ = float(reference.lambda_), float(reference.alpha_)
    model = BayesianLinearRegression(
        prior_precision=lambda_, noise_precision=alpha_, fit_intercept=fit_intercept
    ).fit(X, y)
    coef_scale = np.abs(reference.coef_).max()
    np.testing.assert_allclose(
        model.coef_, reference.coef_, rtol=0, atol=1e-9 * coef_scale
    )
    assert model.intercept_ == pytest.approx(reference.intercept_, rel=1e-10, abs=1e-9)
    sigma_scale = np.abs(reference.sigma_).max()
    np.testing.assert_allclose(
        model.covariance_, reference.sigma_, rtol=0, atol=1e-9 * sigma_scale
    )
    # The predictive mean is the same; the variance differs by exactly the
    # intercept's 1/(n alpha_), which BayesianRidge takes to be exactly known.
    y_mean, y_std = model.predict(X, return_std=True)
    reference_mean, reference_std = reference.predict(X, return_std=True)
    np.testing.assert_allclose(y_mean, reference_mean, rtol=1e-10, atol=1e-8)
    intercept_variance = 1 / (len(y) * alpha_) if fit_intercept else 0.0
    np.testing.assert_allclose(
        y_std**2 - reference_std**2, intercept_variance, rtol=1e-6, atol=1e-9
    )
    # With the noise unknown, prior_precision is the ratio lambda_ / alpha_.
    unknown = BayesianLinearRegression(
        prior_precision=lambda_ / alpha_, fit_intercept=fit_intercept
    ).fit(X, y)
    np.testing.assert_allclose(
        unknown.coef_, reference.coef_, rtol=0, atol=1e-9 * coef_scale
    )


# ---------------------------------------------------------------------------
# (e) Credible intervals: their shape, and their coverage when the model is right
# ---------------------------------------------------------------------------


def test_intervals_are_centred_on_the_prediction_with_the_right_quantile():
    X, y = _data("tall")
    X_new = X[:20] + 1.0
    known = BayesianLinearRegression(noise_precision=1.0).fit(X, y)
    unknown = BayesianLinearRegression().fit(X, y)
    for model in (known, unknown):
        y_mean, y_std = model.predict(X_new, return_std=True)
        nu = model.dof_
        for level in (0.5, 0.9, 0.99):
            lower, upper = model.predict_interval(X_new, level=level)
            np.testing.assert_allclose((lower + upper) / 2, y_mean)
            # std = scale * sqrt(nu / (nu - 2)) for the t; = scale for the Normal.
            scale = y_std if np.isinf(nu) else y_std * np.sqrt((nu - 2) / nu)
            quantile = stats.t.ppf(0.5 + level / 2, nu)
            np.testing.assert_allclose(upper - lower, 2 * quantile * scale)
            line_lower, line_upper = model.predict_interval(
                X_new, level=level, include_noise=False
            )
            assert np.all(line_upper - line_lower < upper - lower)


def test_the_band_of_the_line_shrinks_with_data_and_the_predictive_one_to_the_noise():
    rng = np.random.default_rng(2)
    x = rng.uniform(-2, 2, size=(10_000, 1))
    y = 1.0 + 2.0 * x[:, 0] + rng.normal(scale=0.5, size=10_000)
    x_new = np.array([[-1.5], [0.0], [1.5]])
    line_widths, predictive_widths = [], []
    for n in (5, 50, 500, 10_000):
        model = BayesianLinearRegression(noise_precision=4.0).fit(x[:n], y[:n])
        lower, upper = model.predict_interval(x_new, include_noise=False)
        line_widths.append(upper - lower)
        lower, upper = model.predict_interval(x_new)
        predictive_widths.append(upper - lower)
    line_widths, predictive_widths = np.array(line_widths), np.array(predictive_widths)
    assert np.all(np.diff(line_widths, axis=0) < 0)
    assert np.all(line_widths[-1] < 0.05)
    # 90% of N(0, 0.5^2) lies within +-1.645 * 0.5.
    np.testing.assert_allclose(predictive_widths[-1], 2 * 1.6449 * 0.5, rtol=0.01)


def _coverage_experiment(unknown_noise, n_repeats=3000, n_train=8, level=0.9):
    """Draw data sets from the model's own prior, fit, and count how often the
    interval for a fresh observation (and for the true line) holds it."""
    rng = np.random.default_rng(3)
    prior_precision, a0, b0, noise_precision = 0.5, 3.0, 2.0, 4.0
    hits_predictive = hits_line = 0
    for _ in range(n_repeats):
        if unknown_noise:
            tau = rng.gamma(shape=a0, scale=1 / b0)
            w = rng.normal(scale=1 / np.sqrt(prior_precision * tau), size=2)
        else:
            tau = noise_precision
            w = rng.normal(scale=1 / np.sqrt(prior_precision), size=2)
        b = rng.uniform(-50, 50)  # the flat prior: any intercept is as good
        X = rng.normal(size=(n_train + 1, 2)) * 2
        line = b + X @ w
        y = line + rng.normal(scale=1 / np.sqrt(tau), size=n_train + 1)
        model = BayesianLinearRegression(
            prior_precision=prior_precision,
            noise_precision=None if unknown_noise else noise_precision,
            a0=a0,
            b0=b0,
        ).fit(X[:-1], y[:-1])
        lower, upper = model.predict_interval(X[-1:], level=level)
        hits_predictive += int(lower[0] <= y[-1] <= upper[0])
        lower, upper = model.predict_interval(X[-1:], level=level, include_noise=False)
        hits_line += int(lower[0] <= line[-1] <= upper[0])
    return hits_predictive / n_repeats, hits_line / n_repeats


@pytest.mark.parametrize("unknown_noise", [False, True])
def test_intervals_hold_their_level_when_the_model_is_right(unknown_noise):
    predictive, line = _coverage_experiment(unknown_noise)
    # Binomial standard error sqrt(0.9 * 0.1 / 3000) = 0.0055: allow 3.5 of them.
    assert predictive == pytest.approx(0.9, abs=0.02)
    assert line == pytest.approx(0.9, abs=0.02)


# ---------------------------------------------------------------------------
# (f) Posterior draws
# ---------------------------------------------------------------------------


def test_draws_are_reproducible_from_random_state():
    X, y = _data("tall")
    model = BayesianLinearRegression(random_state=7).fit(X, y)
    first = model.sample_coef(5)
    assert first.shape == (5, X.shape[1])
    np.testing.assert_array_equal(model.sample_coef(5), first)
    np.testing.assert_array_equal(
        BayesianLinearRegression(random_state=7).fit(X, y).sample_coef(5), first
    )
    assert not np.allclose(model.set_params(random_state=8).sample_coef(5), first)
    generator_draws = model.set_params(
        random_state=np.random.default_rng(7)
    ).sample_coef(5)
    np.testing.assert_array_equal(generator_draws, first)
    assert model.sample_predictions(X[:3], n_draws=4).shape == (4, 3)


def test_known_noise_draws_are_coef_plus_cholesky_factor_times_normals():
    X, y = _data("tall")
    model = BayesianLinearRegression(noise_precision=1.0, random_state=0).fit(X, y)
    z = np.random.default_rng(0).standard_normal((3, X.shape[1]))
    expected = model.coef_ + z @ np.linalg.cholesky(model.covariance_).T
    np.testing.assert_allclose(model.sample_coef(3), expected)


@pytest.mark.parametrize("noise_precision", [1.0, None])
def test_draws_have_the_posterior_mean_and_covariance(noise_precision):
    X, y = _data("tall")
    X, y = X[:30], y[:30]  # few samples: a t with 29 degrees of freedom
    model = BayesianLinearRegression(
        noise_precision=noise_precision, random_state=0
    ).fit(X, y)
    draws = model.sample_coef(200_000)
    std = np.sqrt(np.diag(model.covariance_))
    np.testing.assert_allclose(draws.mean(axis=0), model.coef_, atol=0.01 * std.max())
    np.testing.assert_allclose(
        np.cov(draws.T), model.covariance_, atol=0.02 * std.max() ** 2
    )
    # The lines drawn spread as the credible band of the line says.
    lines = model.sample_predictions(X[:4], n_draws=200_000)
    lower, upper = model.predict_interval(X[:4], level=0.8, include_noise=False)
    np.testing.assert_allclose(np.quantile(lines, 0.1, axis=0), lower, rtol=0.01)
    np.testing.assert_allclose(np.quantile(lines, 0.9, axis=0), upper, rtol=0.01)


# ---------------------------------------------------------------------------
# (g) The intercept is free, the prior pulls towards 0, and edge cases
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("noise_precision", [0.3, None])
def test_shifting_y_moves_only_the_intercept(noise_precision):
    X, y = _data("diabetes standardised")
    model = BayesianLinearRegression(noise_precision=noise_precision)
    before = model.fit(X, y)
    coef, intercept, covariance = before.coef_, before.intercept_, before.covariance_
    after = model.fit(X, y + 1000.0)
    np.testing.assert_allclose(after.coef_, coef, rtol=1e-10)
    assert after.intercept_ - intercept == pytest.approx(1000.0)
    np.testing.assert_allclose(after.covariance_, covariance, rtol=1e-10)


def test_a_strong_prior_gives_the_prior():
    X, y = _data("tall")
    model = BayesianLinearRegression(prior_precision=1e12, noise_precision=1.0)
    model.fit(X, y)
    np.testing.assert_allclose(model.coef_, 0.0, atol=1e-8)
    np.testing.assert_allclose(
        model.covariance_, 1e-12 * np.eye(6), rtol=1e-6, atol=1e-18
    )
    assert model.intercept_ == pytest.approx(y.mean())


def test_too_few_samples_for_a_finite_variance():
    # Two samples and an intercept: a_n = a0 + 1/2, so dof < 2 and the t has no
    # variance, while its intervals exist.
    model = BayesianLinearRegression().fit([[0.0], [1.0]], [1.0, 3.0])
    assert model.dof_ < 2
    assert np.all(np.isinf(model.covariance_))
    _, y_std = model.predict([[0.5]], return_std=True)
    assert np.isinf(y_std[0])
    lower, upper = model.predict_interval([[0.5]])
    assert np.isfinite(lower[0]) and np.isfinite(upper[0]) and lower[0] < upper[0]


@pytest.mark.parametrize(
    "use",
    [
        lambda model, X: model.predict_interval(X),
        lambda model, X: model.sample_coef(2),
        lambda model, X: model.sample_predictions(X, 2),
    ],
    ids=["predict_interval", "sample_coef", "sample_predictions"],
)
def test_methods_need_a_fitted_model(use):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        use(BayesianLinearRegression(), X_ONE)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, "high"])
def test_bad_level_is_named(level):
    model = BayesianLinearRegression().fit(X_ONE, Y_ONE)
    with pytest.raises((ValueError, TypeError), match="level"):
        model.predict_interval(X_ONE, level=level)


@pytest.mark.parametrize("n_draws", [0, 2.5, "many"])
def test_bad_number_of_draws_is_named(n_draws):
    model = BayesianLinearRegression().fit(X_ONE, Y_ONE)
    with pytest.raises((ValueError, TypeError), match="n_draws"):
        model.sample_coef(n_draws)
