"""LinearRegression (Chapter 2): hand-computed toys, scikit-learn on the same data,
the numerics of the closed form, and the gradient that gradient descent follows."""

import warnings

import numpy as np
import pytest
from sklearn import linear_model
from sklearn import preprocessing as sk_preprocessing
from sklearn.datasets import load_diabetes
from sklearn.pipeline import make_pipeline

from scratchlearn.preprocessing import PolynomialFeatures, StandardScaler
from scratchlearn.supervised import LinearRegression
from scratchlearn.supervised.linear_regression import (
    DIVERGENCE_FACTOR,
    DivergenceError,
    mse_gradient,
)

TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def diabetes():
    return load_diabetes(return_X_y=True)


def standardised_diabetes():
    """Diabetes with standardised features: gradient descent converges on it."""
    X, y = diabetes()
    return StandardScaler().fit_transform(X), y


def random_regression(n_samples=200, n_features=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = X @ rng.normal(size=n_features) + 3.0 + 0.3 * rng.normal(size=n_samples)
    return X, y


# (a) Toys computed by hand ---------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        LinearRegression(),
        LinearRegression(solver="gd", learning_rate=0.1, max_iter=3000),
    ],
    ids=["lstsq", "gd"],
)
def test_three_points_on_a_line_give_that_line(model):
    X = np.array([[0.0], [1.0], [2.0]])
    y = 2.0 * X[:, 0] + 1.0  # y = 2x + 1
    model.fit(X, y)
    np.testing.assert_allclose(model.coef_, [2.0], atol=1e-9)
    assert model.intercept_ == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(model.predict([[10.0]]), [21.0], atol=1e-8)


@pytest.mark.parametrize(
    "model",
    [
        LinearRegression(),
        LinearRegression(solver="gd", learning_rate=0.1, max_iter=3000),
    ],
    ids=["lstsq", "gd"],
)
def test_three_points_off_a_line_give_the_least_squares_line(model):
    # Points (0, 1), (1, 3), (2, 4). With means x̄ = 1 and ȳ = 8/3:
    # slope = Σ(x - x̄)(y - ȳ) / Σ(x - x̄)² = 3 / 2, intercept = ȳ - slope x̄ = 7/6.
    X = np.array([[0.0], [1.0], [2.0]])
    y = np.array([1.0, 3.0, 4.0])
    model.fit(X, y)
    np.testing.assert_allclose(model.coef_, [1.5], atol=1e-9)
    assert model.intercept_ == pytest.approx(7 / 6, abs=1e-9)


@pytest.mark.parametrize("solver", ["lstsq", "gd"])
def test_without_intercept_the_line_goes_through_the_origin(solver):
    # Through the origin the slope is Σxy / Σx² = (1*2 + 2*5) / (1 + 4) = 12 / 5.
    X = np.array([[1.0], [2.0]])
    y = np.array([2.0, 5.0])
    model = LinearRegression(solver=solver, fit_intercept=False, learning_rate=0.1).fit(
        X, y
    )
    np.testing.assert_allclose(model.coef_, [2.4], atol=1e-9)
    assert model.intercept_ == 0.0


def test_predict_and_score():
    X, y = random_regression()
    model = LinearRegression().fit(X[:150], y[:150])
    np.testing.assert_allclose(
        model.predict(X[150:]), X[150:] @ model.coef_ + model.intercept_
    )
    reference = linear_model.LinearRegression().fit(X[:150], y[:150])
    assert model.score(X[150:], y[150:]) == pytest.approx(
        reference.score(X[150:], y[150:]), rel=1e-12
    )
    assert isinstance(model.intercept_, float)
    assert model.coef_.shape == (X.shape[1],)


# (b) The same answers as scikit-learn ----------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    "data", [diabetes, random_regression], ids=["diabetes", "random"]
)
def test_lstsq_agrees_with_scikit_learn(data, fit_intercept):
    X, y = data()
    ours = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    reference = linear_model.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, **TOLERANCE)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, **TOLERANCE)


@pytest.mark.parametrize(
    ("data", "learning_rate", "max_iter"),
    [(standardised_diabetes, 0.2, 10_000), (random_regression, 0.2, 2_000)],
    ids=["diabetes", "random"],
)
def test_gradient_descent_converges_to_scikit_learn(data, learning_rate, max_iter):
    X, y = data()
    ours = LinearRegression(
        solver="gd", learning_rate=learning_rate, max_iter=max_iter
    ).fit(X, y)
    reference = linear_model.LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, **TOLERANCE)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, **TOLERANCE)


@pytest.mark.parametrize("n_features", [1, 2])
@pytest.mark.parametrize("degree", [2, 3])
def test_polynomial_regression_agrees_with_scikit_learn(degree, n_features):
    rng = np.random.default_rng(degree * 10 + n_features)
    X = rng.uniform(-2, 2, size=(100, n_features))
    y = np.sin(2 * X).sum(axis=1) + 0.1 * rng.normal(size=100)
    features = PolynomialFeatures(degree).fit(X)
    ours = LinearRegression().fit(features.transform(X), y)
    reference = make_pipeline(
        sk_preprocessing.PolynomialFeatures(degree, include_bias=False),
        linear_model.LinearRegression(),
    ).fit(X, y)
    reference_model = reference[-1]
    np.testing.assert_allclose(ours.coef_, reference_model.coef_, **TOLERANCE)
    np.testing.assert_allclose(ours.intercept_, reference_model.intercept_, **TOLERANCE)
    X_new = rng.uniform(-2, 2, size=(20, n_features))
    np.testing.assert_allclose(
        ours.predict(features.transform(X_new)), reference.predict(X_new), **TOLERANCE
    )


# (c) The closed form is solved stably ----------------------------------------------


def test_nearly_collinear_features_are_solved_accurately():
    # x1 and x2 differ by 1e-7: the centred design has a condition number of about
    # 2e7, and X^T X about 4e14, so inverting X^T X loses most digits while lstsq
    # (an SVD of X itself) loses only about as many as the condition number of X.
    rng = np.random.default_rng(0)
    x1 = rng.normal(size=200)
    X = np.column_stack([x1, x1 + 1e-7 * rng.normal(size=200), rng.normal(size=200)])
    true_coef = np.array([1.0, 2.0, -3.0])
    y = X @ true_coef + 0.5  # exact: the least-squares solution is true_coef

    model = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, true_coef, atol=1e-7)
    assert model.intercept_ == pytest.approx(0.5, abs=1e-9)

    # The same as np.linalg.lstsq on the design with a column of ones ...
    design = np.column_stack([np.ones(len(X)), X])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, solution[1:], atol=1e-7)
    np.testing.assert_allclose(model.intercept_, solution[0], atol=1e-9)

    # ... while the textbook formula with an explicit inverse is far off, which is
    # what makes this test able to tell the two apart.
    X_centred, y_centred = X - X.mean(axis=0), y - y.mean()
    with_inverse = np.linalg.inv(X_centred.T @ X_centred) @ X_centred.T @ y_centred
    assert np.max(np.abs(with_inverse - true_coef)) > 1e-4


def test_duplicated_feature_gets_the_minimum_norm_solution():
    # y = 2x with the column x given twice: every (a, b) with a + b = 2 fits
    # exactly; the one of smallest norm splits the weight evenly.
    X = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    y = 2.0 * X[:, 0]
    model = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, [1.0, 1.0], atol=1e-12)
    reference = linear_model.LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, **TOLERANCE)


# (d) The gradient, and why it is averaged ------------------------------------------


def test_mse_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 4))
    y = rng.normal(size=30)
    coef, intercept = rng.normal(size=4), 0.7

    def loss(coef, intercept):
        return np.mean((X @ coef + intercept - y) ** 2)

    grad_coef, grad_intercept = mse_gradient(X, y, coef, intercept)
    step = 1e-6
    numerical = np.array(
        [
            (loss(coef + step * e, intercept) - loss(coef - step * e, intercept))
            / (2 * step)
            for e in np.eye(4)
        ]
    )
    np.testing.assert_allclose(grad_coef, numerical, rtol=1e-6, atol=1e-8)
    numerical_intercept = (
        loss(coef, intercept + step) - loss(coef, intercept - step)
    ) / (2 * step)
    assert grad_intercept == pytest.approx(numerical_intercept, rel=1e-6)


def test_gradient_is_averaged_so_learning_rate_does_not_depend_on_n():
    X, y = random_regression(n_samples=50)
    X_repeated, y_repeated = np.tile(X, (10, 1)), np.tile(y, 10)  # 500 samples
    coef = np.linspace(-1, 1, X.shape[1])
    for got, expected in zip(
        mse_gradient(X_repeated, y_repeated, coef, 0.3),
        mse_gradient(X, y, coef, 0.3),
        strict=True,
    ):
        np.testing.assert_allclose(got, expected, rtol=1e-12)

    # One epoch of batch gradient descent is one step: the same step for both.
    # A summed gradient would make the step on the repeated data 10 times longer.
    small = LinearRegression(solver="gd", learning_rate=0.1, max_iter=1).fit(X, y)
    large = LinearRegression(solver="gd", learning_rate=0.1, max_iter=1).fit(
        X_repeated, y_repeated
    )
    np.testing.assert_allclose(large.coef_, small.coef_, rtol=1e-12)
    assert large.intercept_ == pytest.approx(small.intercept_, rel=1e-12)
    np.testing.assert_allclose(large.loss_history_, small.loss_history_, rtol=1e-12)


def test_loss_history_decreases_and_ends_at_the_training_error():
    X, y = standardised_diabetes()
    model = LinearRegression(solver="gd", learning_rate=0.1, max_iter=200).fit(X, y)
    history = np.asarray(model.loss_history_)
    assert model.n_iter_ == 200
    assert history.shape == (200,)
    # Below 2 / (largest eigenvalue of the Hessian) every step lowers the loss.
    assert np.all(np.diff(history) <= 0)
    assert history[-1] == pytest.approx(np.mean((model.predict(X) - y) ** 2))


def test_refitting_with_lstsq_drops_the_gradient_descent_history():
    X, y = random_regression()
    model = LinearRegression(solver="gd", max_iter=10).fit(X, y)
    assert hasattr(model, "loss_history_")
    model.set_params(solver="lstsq").fit(X, y)
    assert not hasattr(model, "loss_history_")
    assert not hasattr(model, "n_iter_")


# (e) Mini-batches ------------------------------------------------------------------


def test_mini_batches_reach_about_the_same_solution():
    X, y = random_regression(n_samples=300)
    exact = LinearRegression().fit(X, y)
    model = LinearRegression(
        solver="gd", learning_rate=0.01, max_iter=300, batch_size=16, random_state=0
    ).fit(X, y)
    # A constant learning rate leaves mini-batch descent jittering near the optimum,
    # not on it.
    np.testing.assert_allclose(model.coef_, exact.coef_, atol=0.02)
    assert model.intercept_ == pytest.approx(exact.intercept_, abs=0.02)
    assert not np.allclose(model.coef_, exact.coef_, atol=1e-8, rtol=0)


def test_mini_batches_are_reproducible_with_random_state():
    X, y = random_regression()
    settings = {"solver": "gd", "learning_rate": 0.05, "max_iter": 5, "batch_size": 8}
    first = LinearRegression(**settings, random_state=42).fit(X, y)
    second = LinearRegression(**settings, random_state=42).fit(X, y)
    other = LinearRegression(**settings, random_state=7).fit(X, y)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    np.testing.assert_array_equal(first.loss_history_, second.loss_history_)
    assert not np.array_equal(first.coef_, other.coef_), "the order must be shuffled"


def test_a_batch_as_large_as_the_data_is_batch_gradient_descent():
    X, y = random_regression(n_samples=40)
    full = LinearRegression(solver="gd", max_iter=20).fit(X, y)
    one_batch = LinearRegression(solver="gd", max_iter=20, batch_size=40).fit(X, y)
    np.testing.assert_allclose(one_batch.coef_, full.coef_, rtol=1e-12)


# (f) Divergence --------------------------------------------------------------------


def test_divergence_raises_and_keeps_the_previous_fit():
    X, y = standardised_diabetes()
    model = LinearRegression(solver="gd", learning_rate=0.1, max_iter=50).fit(X, y)
    coef, intercept = model.coef_.copy(), model.intercept_
    history = np.array(model.loss_history_)

    # learning_rate = 1 is far above 2 / (largest Hessian eigenvalue, about 8): the
    # loss grows geometrically until it passes the divergence line.
    with pytest.raises(DivergenceError, match=r"diverged.*smaller learning_rate"):
        model.set_params(learning_rate=1.0, max_iter=5000).fit(X, y)
    np.testing.assert_array_equal(model.coef_, coef)
    assert model.intercept_ == intercept
    np.testing.assert_array_equal(model.loss_history_, history)
    assert model.n_iter_ == 50


def diverged(model, X, y):
    """The DivergenceError that fitting ``model`` raises."""
    with pytest.raises(DivergenceError) as caught:
        model.fit(X, y)
    return caught.value


@pytest.mark.parametrize(
    ("batch_size", "learning_rate"), [(None, 1.0), (32, 0.3)], ids=["batch", "mini"]
)
def test_divergence_is_reported_where_the_loss_passes_the_line(
    batch_size, learning_rate
):
    X, y = standardised_diabetes()
    model = LinearRegression(
        solver="gd", learning_rate=learning_rate, batch_size=batch_size, random_state=0
    )
    error = diverged(model, X, y)
    losses = error.loss_history
    line = DIVERGENCE_FACTOR * np.mean(y**2)  # times the loss of coef = 0
    epoch = len(losses)
    assert f"diverged at epoch {epoch}:" in str(error)
    assert losses[-1] > line and np.all(losses[:-1] <= line)
    assert np.all(np.isfinite(losses)), "stopped long before overflow"
    # The losses up to there are those of a run that stops one epoch earlier.
    shorter = model.set_params(max_iter=epoch - 1).fit(X, y)
    np.testing.assert_array_equal(shorter.loss_history_, losses[:-1])


def test_the_epoch_of_divergence_does_not_depend_on_the_last_bits():
    # The loss grows geometrically (about 50 times per epoch here), so it passes the
    # line with room to spare on both sides: changing every input by a few ulps, as
    # another processor's arithmetic would, cannot move the crossing. Overflow to
    # inf, the old rule, happened at epoch 175 on one machine and 176 on another.
    X, y = standardised_diabetes()
    model = LinearRegression(solver="gd", learning_rate=1.0, max_iter=300)
    error = diverged(model, X, y)
    ratios = np.log10(error.loss_history[-2:] / np.mean(y**2))
    assert ratios[0] < np.log10(DIVERGENCE_FACTOR) - 0.5
    assert ratios[1] > np.log10(DIVERGENCE_FACTOR) + 0.5
    rng = np.random.default_rng(0)
    for _ in range(3):
        ulps = rng.integers(-4, 5, size=X.shape)
        X_nudged = X + ulps * np.spacing(X)
        y_nudged = y + rng.integers(-4, 5, size=y.shape) * np.spacing(y)
        assert str(diverged(model, X_nudged, y_nudged)) == str(error)
    assert "diverged at epoch 7:" in str(error)


def test_a_learning_rate_that_overflows_at_once_raises_without_warnings():
    X, y = random_regression()
    model = LinearRegression(solver="gd", learning_rate=1e300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning from NumPy
        error = diverged(model, X, y)
    assert "diverged at epoch 1:" in str(error)
    assert len(error.loss_history) == 1 and not np.isfinite(error.loss_history[0])
