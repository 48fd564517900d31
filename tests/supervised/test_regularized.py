"""Ridge, lasso and elastic net (Chapter 3, book/supervised/regularized.ipynb):
hand-computed toys, scikit-learn on the same data, and the properties the chapter
relies on (sparsity, an unpenalised intercept, the L1 norm in the penalty,
coefficient paths)."""

import warnings

import numpy as np
import pytest
from sklearn import linear_model
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from scratchlearn import NotFittedError
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.supervised import (
    ElasticNet,
    Lasso,
    Ridge,
    coefficient_path,
    soft_threshold,
)

# Every fit here is expected to converge, except where a test says otherwise
# (pytest.warns records warnings whatever this filter says).
pytestmark = pytest.mark.filterwarnings(
    "error::scratchlearn.exceptions.ConvergenceWarning"
)

TIGHT = {"tol": 1e-10, "max_iter": 100_000}

# One feature, four samples, small enough to solve by hand:
# mean(x) = 2.5, x_c = [-1.5, -0.5, 0.5, 1.5];
# mean(y) = 4.5, y_c = [-2.5, -1.5, 0.5, 3.5];
# ||x_c||^2 = 5, x_c . y_c = 10, so the least-squares slope is 10 / 5 = 2.
X_ONE = np.array([[1.0], [2.0], [3.0], [4.0]])
Y_ONE = np.array([2.0, 3.0, 5.0, 8.0])


def _sparse_tall(n_samples=200, n_features=30, n_informative=5, seed=0):
    """More samples than features; only the first few features matter."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * rng.uniform(0.5, 3, n_features)
    true_coef = np.zeros(n_features)
    true_coef[:n_informative] = rng.uniform(1, 5, n_informative) * rng.choice(
        [-1, 1], n_informative
    )
    y = X @ true_coef + 3.0 + rng.normal(size=n_samples)
    return X, y


def _data(name):
    if name == "diabetes":
        return load_diabetes(return_X_y=True)
    if name == "diabetes standardised":
        X, y = load_diabetes(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    if name == "sparse tall":  # n_samples > n_features: the Gram-matrix updates
        return _sparse_tall()
    if name == "sparse wide":  # n_features > n_samples: the residual updates
        return _sparse_tall(n_samples=40, n_features=80, seed=1)
    raise ValueError(name)


DATASETS = ["diabetes", "diabetes standardised", "sparse tall", "sparse wide"]


def _objective(model, X, y):
    """scikit-learn's elastic-net objective at the fitted ``model``, with the
    model's own ``penalty``."""
    residual = y - model.predict(X)
    return residual @ residual / (2 * len(y)) + model.penalty()


# ---------------------------------------------------------------------------
# (a) Toys computed by hand
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "threshold", "expected"),
    [
        (3.0, 1.0, 2.0),
        (-3.0, 1.0, -2.0),
        (0.5, 1.0, 0.0),
        (-1.0, 1.0, 0.0),
        (2.0, 0.0, 2.0),
    ],
)
def test_soft_threshold_by_hand(z, threshold, expected):
    assert soft_threshold(z, threshold) == expected


def test_ridge_one_feature_by_hand():
    # slope = x_c.y_c / (||x_c||^2 + alpha) = 10 / (5 + 5) = 1; 4.5 - 2.5 * 1 = 2.
    model = Ridge(alpha=5.0).fit(X_ONE, Y_ONE)
    np.testing.assert_allclose(model.coef_, [1.0])
    assert model.intercept_ == pytest.approx(2.0)


def test_lasso_one_feature_is_the_soft_thresholded_slope():
    # d/dw [ ||y_c - x_c w||^2 / (2n) + alpha |w| ] = 0 gives
    # w = S(x_c.y_c / n, alpha) / (||x_c||^2 / n) = S(2.5, 0.5) / 1.25 = 1.6,
    # i.e. the least-squares slope 2 soft-thresholded by n alpha / ||x_c||^2 = 0.4.
    model = Lasso(alpha=0.5, **TIGHT).fit(X_ONE, Y_ONE)
    np.testing.assert_allclose(model.coef_, [1.6])
    assert model.intercept_ == pytest.approx(4.5 - 2.5 * 1.6)
    # From alpha = x_c.y_c / n = 2.5 on, the slope is exactly 0.
    model = Lasso(alpha=2.5).fit(X_ONE, Y_ONE)
    assert model.coef_[0] == 0.0
    assert model.intercept_ == pytest.approx(4.5)


def test_elastic_net_one_feature_by_hand():
    # w = S(x_c.y_c / n, alpha l1_ratio) / (||x_c||^2 / n + alpha (1 - l1_ratio))
    #   = S(2.5, 0.25) / (1.25 + 0.25) = 2.25 / 1.5 = 1.5.
    model = ElasticNet(alpha=0.5, l1_ratio=0.5, **TIGHT).fit(X_ONE, Y_ONE)
    np.testing.assert_allclose(model.coef_, [1.5])
    assert model.intercept_ == pytest.approx(4.5 - 2.5 * 1.5)


# ---------------------------------------------------------------------------
# (b) The same fit as scikit-learn, on the same data
# ---------------------------------------------------------------------------


def _assert_same_fit(ours, reference, X, y):
    ours.fit(X, y)
    reference.fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=0, atol=1e-4)
    assert ours.intercept_ == pytest.approx(reference.intercept_, rel=0, abs=1e-4)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=0, atol=1e-3)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.01, 1.0, 100.0])
@pytest.mark.parametrize("data", DATASETS)
def test_ridge_matches_scikit_learn(data, alpha, fit_intercept):
    X, y = _data(data)
    _assert_same_fit(
        Ridge(alpha=alpha, fit_intercept=fit_intercept),
        linear_model.Ridge(alpha=alpha, fit_intercept=fit_intercept),
        X,
        y,
    )


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0, 10.0])
@pytest.mark.parametrize("data", DATASETS)
def test_lasso_matches_scikit_learn(data, alpha):
    X, y = _data(data)
    _assert_same_fit(
        Lasso(alpha=alpha, **TIGHT), linear_model.Lasso(alpha=alpha, **TIGHT), X, y
    )


@pytest.mark.parametrize("l1_ratio", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0])
@pytest.mark.parametrize("data", DATASETS)
def test_elastic_net_matches_scikit_learn(data, alpha, l1_ratio):
    X, y = _data(data)
    _assert_same_fit(
        ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT),
        linear_model.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **TIGHT),
        X,
        y,
    )


@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
def test_without_intercept_matches_scikit_learn(cls):
    X, y = _data("sparse tall")
    reference = getattr(linear_model, cls.__name__)
    _assert_same_fit(
        cls(alpha=0.1, fit_intercept=False, **TIGHT),
        reference(alpha=0.1, fit_intercept=False, **TIGHT),
        X,
        y,
    )


def test_a_constant_feature_gets_a_zero_coefficient():
    X, y = _data("sparse tall")
    X = np.column_stack([X[:, :3], np.full(len(X), 7.0), X[:, 3:]])
    for cls in (Lasso, ElasticNet):
        reference = getattr(linear_model, cls.__name__)
        ours = cls(alpha=0.1, **TIGHT)
        _assert_same_fit(ours, reference(alpha=0.1, **TIGHT), X, y)
        assert ours.coef_[3] == 0.0


def test_the_fit_minimises_the_objective_with_its_own_penalty():
    # If penalty() and the coordinate updates disagreed about the objective, some
    # small move of one coefficient would lower the objective computed with penalty().
    X, y = _data("diabetes standardised")
    for model in (Lasso(alpha=0.5, **TIGHT), ElasticNet(alpha=0.3, **TIGHT)):
        model.fit(X, y)
        best = _objective(model, X, y)
        coef, intercept = model.coef_.copy(), model.intercept_
        for j in range(X.shape[1]):
            for step in (-1e-3, 1e-3):
                model.coef_ = coef.copy()
                model.coef_[j] += step
                model.intercept_ = intercept - X[:, j].mean() * step
                assert _objective(model, X, y) > best
        model.coef_, model.intercept_ = coef, intercept


@pytest.mark.parametrize("n_passes", [1, 3])
@pytest.mark.parametrize(
    ("alpha", "l1_ratio"), [(0.0, 0.5), (0.1, 0.0), (0.1, 0.5), (1.0, 1.0)]
)
@pytest.mark.parametrize("data", ["diabetes standardised", "sparse wide"])
def test_same_iterates_and_duality_gap_as_scikit_learn(data, alpha, l1_ratio, n_passes):
    # Same cyclic order from the same start: after any number of passes the
    # coefficients agree, and so does the duality gap (each of its three forms:
    # with an L1 part, ridge's, and no penalty at all).
    X, y = _data(data)
    settings = {
        "alpha": alpha,
        "l1_ratio": l1_ratio,
        "max_iter": n_passes,
        "tol": 1e-12,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # neither has converged; alpha=0 is frowned on
        ours = ElasticNet(**settings).fit(X, y)
        reference = linear_model.ElasticNet(**settings).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=0, atol=1e-8)
    assert ours.n_iter_ == reference.n_iter_ == n_passes
    assert ours.dual_gap_ == pytest.approx(reference.dual_gap_, rel=1e-6, abs=1e-6)


def test_converged_fit_reports_a_duality_gap_within_tolerance():
    X, y = _data("sparse tall")
    model = ElasticNet(alpha=0.1, tol=1e-6).fit(X, y)
    y_c = y - y.mean()
    assert 0 <= model.dual_gap_ <= 1e-6 * (y_c @ y_c) / len(y)
    assert 1 <= model.n_iter_ <= model.max_iter


# ---------------------------------------------------------------------------
# (c) The penalty is the L1 norm (plus the squared L2 norm); the intercept is free
# ---------------------------------------------------------------------------


def test_penalty_values_by_hand():
    coef = np.array([1.0, -2.0, 0.0, 3.0])  # ||coef||_1 = 6, ||coef||_2^2 = 14
    assert Lasso(alpha=2.0).penalty(coef) == pytest.approx(2.0 * 6)
    # 2 * 0.25 * 6 + 0.5 * 2 * 0.75 * 14 = 3 + 10.5
    assert ElasticNet(alpha=2.0, l1_ratio=0.25).penalty(coef) == pytest.approx(13.5)
    assert Ridge(alpha=2.0).penalty(coef) == pytest.approx(2.0 * 14)


def test_penalty_defaults_to_the_fitted_coefficients():
    X, y = _data("sparse tall")
    model = Lasso(alpha=0.3)
    with pytest.raises(NotFittedError):
        model.penalty()
    model.fit(X, y)
    assert model.penalty() == pytest.approx(0.3 * np.abs(model.coef_).sum())


@pytest.mark.parametrize(
    "model",
    [Ridge(alpha=10.0), Lasso(alpha=0.5, **TIGHT), ElasticNet(alpha=0.5, **TIGHT)],
    ids=["Ridge", "Lasso", "ElasticNet"],
)
def test_shifting_y_moves_only_the_intercept(model):
    X, y = _data("sparse tall")
    coef, intercept = model.fit(X, y).coef_.copy(), model.intercept_
    model.fit(X, y + 100.0)
    np.testing.assert_allclose(model.coef_, coef, rtol=0, atol=1e-8)
    assert model.intercept_ == pytest.approx(intercept + 100.0)


def test_huge_alpha_keeps_the_intercept_at_the_mean_of_y():
    X, y = _data("sparse tall")
    for model in (Lasso(alpha=1e6), ElasticNet(alpha=1e6)):
        model.fit(X, y)
        assert np.all(model.coef_ == 0.0)
        assert model.intercept_ == pytest.approx(y.mean())
    ridge = Ridge(alpha=1e12).fit(X, y)
    np.testing.assert_allclose(ridge.coef_, 0.0, atol=1e-6)
    assert ridge.intercept_ == pytest.approx(y.mean(), rel=1e-6)


def test_without_intercept_the_intercept_is_zero():
    X, y = _data("sparse tall")
    for model in (Ridge(fit_intercept=False), Lasso(fit_intercept=False)):
        assert model.fit(X, y).intercept_ == 0.0


# ---------------------------------------------------------------------------
# (d) No penalty is least squares; l1_ratio=0 is ridge
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", DATASETS[:3])
def test_ridge_with_alpha_zero_is_least_squares(data):
    X, y = _data(data)
    with_ones = np.column_stack([np.ones(len(X)), X])
    solution = np.linalg.lstsq(with_ones, y, rcond=None)[0]
    model = Ridge(alpha=0.0).fit(X, y)
    np.testing.assert_allclose(model.coef_, solution[1:], rtol=1e-7, atol=1e-8)
    assert model.intercept_ == pytest.approx(solution[0])


def test_lasso_with_alpha_zero_converges_to_least_squares():
    X, y = _data("sparse tall")
    with_ones = np.column_stack([np.ones(len(X)), X])
    solution = np.linalg.lstsq(with_ones, y, rcond=None)[0]
    model = Lasso(alpha=0.0, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(model.coef_, solution[1:], rtol=0, atol=1e-6)


def test_elastic_net_with_l1_ratio_zero_is_ridge():
    # ||r||^2 / (2n) + alpha ||w||^2 / 2, times 2n: ||r||^2 + n alpha ||w||^2.
    X, y = _data("diabetes standardised")
    alpha = 0.05
    net = ElasticNet(alpha=alpha, l1_ratio=0.0, **TIGHT).fit(X, y)
    ridge = Ridge(alpha=len(y) * alpha).fit(X, y)
    np.testing.assert_allclose(net.coef_, ridge.coef_, rtol=0, atol=1e-6)
    assert net.intercept_ == pytest.approx(ridge.intercept_)


# ---------------------------------------------------------------------------
# (e) Sparsity, and the smallest alpha that zeroes every coefficient
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", DATASETS)
def test_alpha_max_is_where_every_coefficient_becomes_zero(data):
    X, y = _data(data)
    X_c, y_c = X - X.mean(axis=0), y - y.mean()
    correlations = np.abs(X_c.T @ y_c) / len(y)
    alpha_max = correlations.max()
    assert np.all(Lasso(alpha=alpha_max * (1 + 1e-9)).fit(X, y).coef_ == 0.0)
    just_below = Lasso(alpha=alpha_max * (1 - 1e-3), **TIGHT).fit(X, y)
    # The first coefficient to leave zero is that of the most correlated feature.
    assert np.flatnonzero(just_below.coef_).tolist() == [np.argmax(correlations)]
    # For the elastic net, only the L1 share of alpha counts.
    l1_ratio = 0.4
    net = ElasticNet(alpha=alpha_max / l1_ratio * (1 + 1e-9), l1_ratio=l1_ratio)
    assert np.all(net.fit(X, y).coef_ == 0.0)


def test_lasso_gives_exact_zeros_and_ridge_does_not():
    X, y = _data("sparse tall")  # 5 informative features of 30
    lasso = Lasso(alpha=0.5).fit(X, y)
    ridge = Ridge(alpha=0.5 * len(y)).fit(X, y)
    assert np.count_nonzero(lasso.coef_ == 0.0) >= 20
    assert np.all(lasso.coef_[:5] != 0.0)  # the informative ones survive
    assert np.count_nonzero(ridge.coef_ == 0.0) == 0


# ---------------------------------------------------------------------------
# (f) Coefficient paths
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [Ridge(), Lasso(**TIGHT), ElasticNet(l1_ratio=0.7, **TIGHT)],
    ids=["Ridge", "Lasso", "ElasticNet"],
)
def test_coefficient_path_equals_individual_fits(model):
    X, y = _data("diabetes standardised")
    alphas = np.logspace(1, -2, 12)  # large to small: warm starts help most
    params = model.get_params()
    path = coefficient_path(model, X, y, alphas)
    assert path.shape == (len(alphas), X.shape[1])
    for alpha, row in zip(alphas, path, strict=True):
        single = type(model)(**{**params, "alpha": alpha}).fit(X, y)
        np.testing.assert_allclose(row, single.coef_, rtol=0, atol=1e-6)
    assert model.get_params() == params, "the estimator passed in is not modified"
    assert not hasattr(model, "coef_")


def test_coefficient_path_of_the_lasso_grows_from_zero():
    X, y = _data("diabetes standardised")
    path = coefficient_path(Lasso(), X, y, np.logspace(2, -1, 10))
    n_nonzero = np.count_nonzero(path, axis=1)
    assert n_nonzero[0] == 0
    assert n_nonzero[-1] > 5


@pytest.mark.parametrize("alphas", [[], [[0.1, 1.0]]])
def test_coefficient_path_rejects_bad_alphas(alphas):
    X, y = _data("sparse tall")
    with pytest.raises(ValueError, match="alphas"):
        coefficient_path(Lasso(), X, y, alphas)


def test_a_warm_start_from_the_solution_stops_after_one_pass():
    X, y = _data("diabetes standardised")
    cold = Lasso(alpha=0.05, tol=1e-8, max_iter=10_000).fit(X, y)
    assert cold.n_iter_ > 10
    warm = Lasso(alpha=0.05, tol=1e-8)._fit(X, y, coef_init=cold.coef_)
    assert warm.n_iter_ == 1
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=0, atol=1e-5)


# ---------------------------------------------------------------------------
# (g) Not converging is said, converging is silent
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
def test_convergence_warning_when_max_iter_is_reached(cls):
    X, y = _data("diabetes")  # strongly correlated features: many passes needed
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = cls(alpha=1e-4, max_iter=1).fit(X, y)
    assert model.n_iter_ == 1


def test_no_warning_when_converged():
    X, y = _data("sparse tall")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Lasso(alpha=0.1).fit(X, y)
        ElasticNet(alpha=0.1).fit(X, y)


# ---------------------------------------------------------------------------
# (h) Hyperparameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "new_params"),
    [
        (Ridge(alpha=0.1), {"alpha": 30.0}),
        (Lasso(alpha=0.1), {"alpha": 1.0}),
        (ElasticNet(alpha=0.1, l1_ratio=0.2), {"alpha": 0.5, "l1_ratio": 0.9}),
    ],
    ids=["Ridge", "Lasso", "ElasticNet"],
)
def test_refitting_after_set_params(model, new_params):
    X, y = _data("diabetes standardised")
    before = model.fit(X, y).coef_.copy()
    model.set_params(**new_params).fit(X, y)
    fresh = type(model)(**model.get_params()).fit(X, y)
    np.testing.assert_array_equal(model.coef_, fresh.coef_)
    assert not np.allclose(model.coef_, before)


def test_lasso_lists_only_its_own_parameters():
    assert set(Lasso().get_params()) == {"alpha", "fit_intercept", "max_iter", "tol"}
    with pytest.raises(ValueError, match="no parameter"):
        Lasso().set_params(l1_ratio=0.5)


@pytest.mark.parametrize("cls", [Ridge, Lasso, ElasticNet])
def test_negative_alpha_is_named_in_the_error(cls):
    X, y = _data("sparse tall")
    with pytest.raises(ValueError, match="alpha"):
        cls(alpha=-1.0).fit(X, y)
