"""scratchlearn.supervised.experiments: the runs and computations behind the
book's Part I pictures (moved here from tests/viz with them; assertions unchanged)."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import (
    AdaBoostClassifier,
    ElasticNet,
    RandomForestClassifier,
    experiments,
)
from tests.conftest import standardised_diabetes, stretched_classes


def test_sample_weights_by_round_are_the_boosting_weights():
    # Four samples, by hand (the chapter's example): round 1 misses x = 2 with
    # alpha log 3, so round 2 weighs it three times as much as the others.
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 0])
    model = AdaBoostClassifier(2).fit(X, y)
    weights = experiments.sample_weights_by_round(model, X, y)
    np.testing.assert_allclose(weights[0], np.full(4, 0.25))
    np.testing.assert_allclose(weights[1], np.array([1, 1, 3, 1]) / 6)


def test_a_normal_curve_is_a_density_over_four_standard_deviations():
    x, density = experiments.normal_curve(1.5, 0.2)
    assert x[0] == pytest.approx(0.7) and x[-1] == pytest.approx(2.3)
    assert np.trapezoid(density, x) == pytest.approx(0.99994, abs=2e-4)


def test_the_line_is_noisy_lines_numbers_moved_to_zero_to_four():
    x, y = experiments.line_data(0.7, n_points=50, seed=3)
    line = datasets.noisy_line(50, slope=0.8, intercept=-1.0, noise=0.7, random_state=3)
    np.testing.assert_allclose(x, 2 * (line.X[:, 0] + 1), atol=1e-12)
    noise = y - experiments.true_line(x)
    np.testing.assert_allclose(noise, line.y - (-1.0 + 0.8 * line.X[:, 0]), atol=1e-12)


def test_staged_errors_of_a_classifier_are_error_rates():
    from scratchlearn.supervised import GradientBoostingClassifier

    X = np.random.default_rng(0).normal(size=(100, 2))
    y = (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)
    model = GradientBoostingClassifier(n_estimators=5, max_depth=1).fit(X, y)
    errors = experiments.staged_errors(model, X, y)
    assert errors.shape == (5,)
    assert errors[-1] == pytest.approx(1 - model.score(X, y))


@pytest.fixture(scope="module")
def stretched():
    return stretched_classes()


def test_with_separation_moves_the_means_and_keeps_the_shapes(stretched):
    X, y = stretched
    moved = experiments.with_separation(X, y, 2.0)
    for c in (0, 1):
        np.testing.assert_allclose(
            moved[y == c] - moved[y == c].mean(axis=0),
            X[y == c] - X[y == c].mean(axis=0),
        )
    gap = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    moved_gap = moved[y == 1].mean(axis=0) - moved[y == 0].mean(axis=0)
    np.testing.assert_allclose(moved_gap, 2.0 * gap)


@pytest.fixture(scope="module")
def wave_halves():
    wave = datasets.noisy_wave(48)
    x, y = wave.X[:, 0], wave.y
    return x[:24], y[:24], x[24:], y[24:]


@pytest.mark.parametrize("degree", [1, 3, 8])
def test_descent_converges_just_below_the_limit_and_not_above(wave_halves, degree):
    x_train, y_train, _, _ = wave_halves
    Z = experiments.polynomial_features(x_train, degree)(x_train)
    limit = experiments.largest_stable_learning_rate(Z)
    below, losses, failure = experiments.descend(Z, y_train, 0.98 * limit, 400)
    assert below is not None and failure is None
    assert np.all(np.diff(losses) <= 1e-12 * losses[0])  # every epoch lowers it
    above, losses, failure = experiments.descend(Z, y_train, 1.02 * limit, 400)
    assert above is None and "diverge" in failure
    assert losses[-1] > losses[1]


def test_errors_by_degree_are_the_closed_forms(wave_halves):
    x_train, y_train, x_val, y_val = wave_halves
    train, validation = experiments.errors_by_degree(*wave_halves, [1, 4])
    for index, degree in enumerate([1, 4]):
        coef = np.polyfit(x_train, y_train, degree)
        assert train[index] == pytest.approx(
            np.mean((np.polyval(coef, x_train) - y_train) ** 2)
        )
        assert validation[index] == pytest.approx(
            np.mean((np.polyval(coef, x_val) - y_val) ** 2)
        )
    assert train[1] < train[0]


def test_priors_with_gives_one_class_its_prior_and_shares_the_rest():
    priors = experiments.priors_with([10, 30, 60], 1, 0.7)
    np.testing.assert_allclose(priors, [0.3 * 10 / 70, 0.7, 0.3 * 60 / 70])
    assert priors.sum() == pytest.approx(1.0)


@pytest.fixture(scope="module")
def moon_halves():
    X, y = datasets.moons(160, noise=0.3, random_state=0)
    parts = datasets.split(X, y, test_size=0.5)
    return parts.X_train, parts.y_train, parts.X_test, parts.y_test


def test_the_staged_out_of_bag_score_is_the_forests(moon_halves):
    X_train, y_train, X_test, y_test = moon_halves
    forest = RandomForestClassifier(25, oob_score=True, random_state=0)
    forest.fit(X_train, y_train)
    oob, test = experiments.staged_scores(forest, X_train, y_train, X_test, y_test)
    assert oob[-1] == pytest.approx(forest.oob_score_)
    assert test[-1] == pytest.approx(forest.score(X_test, y_test))
    for n in (1, 4, 10):
        smaller = RandomForestClassifier(n, random_state=0).fit(X_train, y_train)
        assert test[n - 1] == pytest.approx(smaller.score(X_test, y_test))


@pytest.fixture(scope="module")
def diabetes():
    return standardised_diabetes()


def test_the_path_is_the_elastic_net_and_its_scores_the_models_r2(diabetes):
    Z_train, y_train, Z_val, y_val, _ = diabetes
    alphas = [0.1, 10.0]
    path = experiments.regularization_path(
        Z_train, y_train, Z_val, y_val, 0.5, alphas=alphas
    )
    for coef, train_r2, alpha in zip(path.coefs, path.train_r2, alphas, strict=True):
        model = ElasticNet(alpha=alpha, l1_ratio=0.5, tol=1e-10).fit(Z_train, y_train)
        # Both stop once the duality gap is below tol: the path's (tol = 1e-4) a
        # little earlier.
        np.testing.assert_allclose(coef, model.coef_, atol=1e-3 * np.abs(coef).max())
        assert train_r2 == pytest.approx(model.score(Z_train, y_train), abs=1e-4)
        scores = experiments.r2_scores(model.coef_, Z_train, y_train, Z_val, y_val)
        assert scores[0] == pytest.approx(model.score(Z_val, y_val), abs=1e-12)


def test_boosting_stages_start_at_the_mean_and_add_shrunk_trees():
    X, y = datasets.noisy_curve(60, noise=0.25, low=0.0, high=6.0)
    grid = np.linspace(0.0, 6.0, 30)[:, np.newaxis]
    fits, train, trees, mse = experiments.boosting_stages(
        X, y, grid, 3, learning_rate=0.3, max_depth=2
    )
    assert len(fits) == len(train) == len(mse) == 4 and len(trees) == 3
    np.testing.assert_allclose(fits[0], y.mean())  # F_0: the initial estimate
    for m in (1, 2, 3):  # F_m = F_{m-1} + 0.3 h_m
        np.testing.assert_allclose(fits[m], fits[m - 1] + 0.3 * trees[m - 1])
        assert mse[m] == pytest.approx(np.mean((y - train[m]) ** 2))
    assert mse[3] < mse[0]


def test_xgboost_fit_is_the_models_prediction_leaves_and_errors():
    from scratchlearn.supervised import XGBoostRegressor

    X, y = datasets.noisy_curve(80, slope=0.2, low=0.0, high=10.0)
    grid = experiments.grid_along(X, 50)
    assert grid.shape == (50, 1) and grid[0, 0] == X.min() and grid[-1, 0] == X.max()
    params = {"n_estimators": 7, "max_depth": 3, "gamma": 2.5, "reg_lambda": 0.3}
    prediction, n_leaves, errors = experiments.xgboost_fit(
        X[::2], y[::2], grid, (X[1::2], y[1::2]), **params
    )
    model = XGBoostRegressor(**params).fit(X[::2], y[::2])
    np.testing.assert_allclose(prediction, model.predict(grid))
    assert n_leaves == sum(trees[0].n_leaves for trees in model.estimators_)
    assert errors[0] == pytest.approx(np.mean((y[::2] - model.predict(X[::2])) ** 2))
    assert errors[1] == pytest.approx(np.mean((y[1::2] - model.predict(X[1::2])) ** 2))


def test_probabilities_over_a_grid_and_the_margins_of_each_class():
    from sklearn.metrics import log_loss

    from scratchlearn.supervised import LogisticRegression

    X, y = datasets.gaussian_quantiles(150, n_classes=3, random_state=0)
    model = LogisticRegression().fit(X, y)
    xs, ys = np.linspace(-2.0, 2.0, 5), np.linspace(-1.0, 1.0, 4)
    probabilities, margins = experiments.probabilities_over(model, xs, ys)
    assert probabilities.shape == (4, 5, 3) and margins.shape == (3, 4, 5)
    # Row i, column j is the point (xs[j], ys[i]).
    point = np.array([[xs[1], ys[2]]])
    np.testing.assert_allclose(probabilities[2, 1], model.predict_proba(point)[0])
    # Exactly one class has a positive margin wherever there is no tie.
    assert np.all(np.sum(margins > 0, axis=0) == 1)
    winner = np.argmax(probabilities, axis=2)
    np.testing.assert_array_equal(np.argmax(margins, axis=0), winner)
    expected = log_loss(y, model.predict_proba(X), labels=model.classes_)
    assert experiments.mean_log_loss(model, X, y) == pytest.approx(expected)
