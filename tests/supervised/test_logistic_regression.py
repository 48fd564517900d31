"""LogisticRegression (Chapter 5): hand-computed toys, scikit-learn on the same data,
stable numerics at huge logits, gradients and Hessians against finite differences, an
unpenalised intercept, and both solvers' behaviour."""

import warnings

import numpy as np
import pytest
from sklearn import linear_model
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.preprocessing import StandardScaler

from scratchlearn import numerics
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.supervised import (
    LogisticRegression,
    logistic_regression,
    sigmoid,
    softmax,
)
from scratchlearn.supervised.logistic_regression import (
    log_loss_from_logits,
    log_softmax,
    logistic_hessian,
    logistic_hessian_product,
    logistic_objective,
    newton_direction,
    newton_direction_cg,
    probabilities_from_logits,
)

# Every fit here is expected to converge, except where a test says otherwise.
pytestmark = pytest.mark.filterwarnings(
    "error::scratchlearn.exceptions.ConvergenceWarning"
)

TIGHT = {"tol": 1e-10, "max_iter": 100}


def _standardised(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _overlapping(n_samples=300, n_classes=3, n_features=4, seed=0):
    """Gaussian classes that overlap: the unpenalised optimum is finite."""
    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    centres = rng.normal(size=(n_classes, n_features))
    X = centres[y] + 1.5 * rng.normal(size=(n_samples, n_features))
    return X, y


def _data(name):
    if name == "breast_cancer":
        return _standardised(load_breast_cancer)
    if name == "iris":
        return _standardised(load_iris)
    if name == "wine":
        return _standardised(load_wine)
    if name == "binary overlapping":
        return _overlapping(n_classes=2)
    if name == "multiclass overlapping":
        return _overlapping(n_classes=4, seed=1)
    raise ValueError(name)


def _reference(C, fit_intercept=True, solver="lbfgs"):
    """scikit-learn's LogisticRegression, converged as far as it goes."""
    return linear_model.LogisticRegression(
        C=C, fit_intercept=fit_intercept, solver=solver, tol=1e-12, max_iter=100_000
    )


def _fit_reference(reference, X, y):
    with warnings.catch_warnings():
        # lbfgs may stop at rounding level above tol=1e-12 and say so.
        warnings.simplefilter("ignore")
        return reference.fit(X, y)


def _setup(X, y, C=1.0, fit_intercept=True):
    """The design matrix, targets and penalty vector that ``fit`` builds."""
    classes, y_index = np.unique(y, return_inverse=True)
    if len(classes) == 2:
        Y = (y_index == 1).astype(float)[:, np.newaxis]
    else:
        Y = np.eye(len(classes))[y_index]
    n_samples, n_features = X.shape
    if fit_intercept:
        X = np.hstack([X, np.ones((n_samples, 1))])
    penalty = np.zeros(X.shape[1])
    penalty[:n_features] = 1.0 / (C * n_samples)
    return X, Y, penalty


# ---------------------------------------------------------------------------
# (a) Toys computed by hand
# ---------------------------------------------------------------------------


def test_sigmoid_by_hand():
    # sigmoid(log 3) = 1 / (1 + 1/3) = 3/4.
    np.testing.assert_allclose(
        sigmoid([0.0, np.log(3.0), -np.log(3.0)]), [0.5, 0.75, 0.25], rtol=1e-15
    )


def test_softmax_by_hand():
    # exp(0), exp(log 2), exp(log 5) = 1, 2, 5: probabilities 1/8, 2/8, 5/8. Adding
    # the same number to every logit of a row changes nothing.
    logits = np.log([[1.0, 2.0, 5.0]])
    np.testing.assert_allclose(softmax(logits), [[1 / 8, 2 / 8, 5 / 8]], rtol=1e-15)
    np.testing.assert_allclose(softmax(logits + 7.0), softmax(logits), rtol=1e-14)
    np.testing.assert_allclose(
        log_softmax(logits), np.log([[1 / 8, 2 / 8, 5 / 8]]), rtol=1e-14
    )


def test_log_loss_by_hand():
    # Binary: a logit of 0 is p = 1/2 whatever the class, a loss of log 2; a logit
    # of log 3 is p = 3/4: loss -log(3/4) for y = 1 and -log(1/4) for y = 0.
    Y = np.array([[1.0], [0.0], [1.0], [0.0]])
    logits = np.array([[0.0], [0.0], [np.log(3.0)], [np.log(3.0)]])
    expected = (2 * np.log(2) - np.log(0.75) - np.log(0.25)) / 4
    assert log_loss_from_logits(Y, logits) == pytest.approx(expected, rel=1e-14)
    # Multiclass: the loss is -log of the true class's softmax probability.
    Y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    logits = np.log([[1.0, 2.0, 5.0], [1.0, 2.0, 5.0]])
    expected = -(np.log(5 / 8) + np.log(1 / 8)) / 2
    assert log_loss_from_logits(Y, logits) == pytest.approx(expected, rel=1e-14)


def test_two_groups_without_penalty_give_their_proportions():
    # x = 0: 1 of 4 samples positive; x = 1: 3 of 4. With a free intercept and no
    # penalty the model can match both proportions exactly, so the fit has
    # sigmoid(b) = 1/4 and sigmoid(b + w) = 3/4: b = -log 3 and w = 2 log 3.
    X = np.array([[0.0]] * 4 + [[1.0]] * 4)
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    for solver, settings in [
        ("newton", TIGHT),
        ("gd", {"learning_rate": 2.0, "max_iter": 5000, "tol": 1e-10}),
    ]:
        model = LogisticRegression(C=np.inf, solver=solver, **settings).fit(X, y)
        np.testing.assert_allclose(model.coef_, [[2 * np.log(3)]], atol=1e-7)
        np.testing.assert_allclose(model.intercept_, [-np.log(3)], atol=1e-7)
        np.testing.assert_allclose(
            model.predict_proba([[0.0], [1.0]]), [[0.75, 0.25], [0.25, 0.75]], atol=1e-7
        )


def test_without_information_the_intercepts_are_the_log_proportions():
    # A feature that is always 0 tells nothing: the softmax of the intercepts alone
    # must give the class proportions 1/8, 2/8 and 5/8, with the intercepts summing
    # to 0 over the classes (scikit-learn's choice among the equivalent ones).
    X = np.zeros((8, 1))
    y = np.array(["a", "b", "b", "c", "c", "c", "c", "c"])
    model = LogisticRegression(**TIGHT).fit(X, y)
    log_proportions = np.log([1 / 8, 2 / 8, 5 / 8])
    np.testing.assert_allclose(
        model.intercept_, log_proportions - log_proportions.mean(), atol=1e-9
    )
    np.testing.assert_allclose(model.coef_, 0.0, atol=1e-12)
    # Two classes: one logit, the log-odds of the second class, log(5/3).
    binary = LogisticRegression(**TIGHT).fit(X, y == "c")
    np.testing.assert_allclose(binary.intercept_, [np.log(5 / 3)], atol=1e-9)


def test_one_newton_step_is_a_weighted_least_squares_fit():
    # IRLS: with weights w_i = p_i (1 - p_i) and working response
    # z = X theta + (y - p) / w, Newton's new theta solves the penalised weighted
    # least-squares problem (X^T W X + n Lambda) theta_new = X^T W z.
    X, y = _data("binary overlapping")
    X, Y, penalty = _setup(X, y, C=0.5)
    rng = np.random.default_rng(3)
    theta = 0.3 * rng.normal(size=(1, X.shape[1]))
    p = sigmoid(X @ theta[0])
    weights = p * (1 - p)
    working = X @ theta[0] + (Y[:, 0] - p) / weights
    n = len(X)
    irls = np.linalg.solve(
        X.T @ (weights[:, np.newaxis] * X) + n * np.diag(penalty),
        X.T @ (weights * working),
    )
    _, gradient = logistic_objective(X, Y, theta, penalty)
    step = newton_direction(logistic_hessian(X, theta, penalty), gradient, penalty)
    np.testing.assert_allclose(theta - step, irls[np.newaxis, :], rtol=1e-9)


# ---------------------------------------------------------------------------
# (b) The same probabilities (and weights) as scikit-learn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
@pytest.mark.parametrize("data", ["breast_cancer", "iris", "wine"])
def test_newton_matches_scikit_learn(data, C):
    X, y = _data(data)
    ours = LogisticRegression(C=C, **TIGHT).fit(X, y)
    reference = _fit_reference(_reference(C), X, y)
    np.testing.assert_array_equal(ours.classes_, reference.classes_)
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-4
    )
    assert ours.coef_.shape == reference.coef_.shape
    assert ours.intercept_.shape == reference.intercept_.shape
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=0, atol=1e-3)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, rtol=0, atol=1e-3)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))


@pytest.mark.parametrize("data", ["breast_cancer", "wine"])
def test_same_solution_as_scikit_learns_newton_solver(data):
    # scikit-learn's newton-cholesky solves the same problem the same way: the
    # weights agree to rounding, which pins down the objective exactly (the
    # penalty's scale, the unpenalised intercept, the intercepts' sum over classes).
    X, y = _data(data)
    ours = LogisticRegression(C=10.0, tol=1e-12).fit(X, y)
    reference = _fit_reference(_reference(10.0, solver="newton-cholesky"), X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        ours.decision_function(X), reference.decision_function(X), rtol=0, atol=1e-8
    )


@pytest.mark.parametrize("data", ["breast_cancer", "wine"])
def test_without_intercept_matches_scikit_learn(data):
    X, y = _data(data)
    ours = LogisticRegression(C=1.0, fit_intercept=False, **TIGHT).fit(X, y)
    reference = _fit_reference(_reference(1.0, fit_intercept=False), X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-4
    )
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=0, atol=1e-3)
    np.testing.assert_array_equal(ours.intercept_, np.zeros(len(ours.intercept_)))


@pytest.mark.parametrize("data", ["binary overlapping", "multiclass overlapping"])
def test_without_penalty_matches_scikit_learn(data):
    X, y = _data(data)
    ours = LogisticRegression(C=np.inf, **TIGHT).fit(X, y)
    reference = _fit_reference(_reference(np.inf), X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-4
    )
    # Without a penalty the weights of the classes sum to 0, as scikit-learn's do.
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=0, atol=1e-3)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, rtol=0, atol=1e-3)


@pytest.mark.parametrize(
    ("data", "C", "learning_rate"),
    [("breast_cancer", 0.1, 0.5), ("iris", 1.0, 1.0), ("wine", 1.0, 0.5)],
)
def test_gradient_descent_matches_scikit_learn(data, C, learning_rate):
    X, y = _data(data)
    ours = LogisticRegression(
        C=C, solver="gd", learning_rate=learning_rate, tol=1e-8, max_iter=20_000
    )
    ours.fit(X, y)
    reference = _fit_reference(_reference(C), X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-4
    )


def test_string_labels_and_their_order():
    X, y = _data("iris")
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    ours = LogisticRegression(**TIGHT).fit(X, names)
    reference = _fit_reference(_reference(1.0), X, names)
    np.testing.assert_array_equal(ours.classes_, ["setosa", "versicolor", "virginica"])
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.predict_proba(X), rtol=0, atol=1e-4
    )
    # Two string classes: the single logit is that of classes_[1].
    binary = LogisticRegression(**TIGHT).fit(X, np.where(y == 0, "yes", "no"))
    np.testing.assert_array_equal(binary.classes_, ["no", "yes"])
    assert binary.coef_.shape == (1, X.shape[1])
    positive = binary.decision_function(X) > 0
    np.testing.assert_array_equal(positive, binary.predict(X) == "yes")
    np.testing.assert_array_equal(positive, y == 0)  # setosa is separable


# ---------------------------------------------------------------------------
# (c) Numerically stable at huge logits
# ---------------------------------------------------------------------------


def test_sigmoid_softmax_and_log_loss_are_finite_at_huge_logits():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    # Underflow to 0 is harmless (exp(-1000) is 0 to double precision); overflow,
    # 0 / 0 and log(0) would raise here.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = sigmoid(z)
        assert np.all(np.isfinite(p))
        assert p[0] == 0.0 and p[-1] == 1.0 and p[2] == 0.5
        assert p[1] == pytest.approx(np.exp(-40.0), rel=1e-12)  # not rounded to 0

        logits = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0]])
        probabilities = softmax(logits)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
        np.testing.assert_allclose(
            probabilities[1], np.exp([-1, -1, 0]) / (2 * np.exp(-1) + 1)
        )

        # Confidently wrong costs exactly the logit; confidently right, nothing.
        wrong = log_loss_from_logits(np.array([[0.0]]), np.array([[1000.0]]))
        right = log_loss_from_logits(np.array([[1.0]]), np.array([[1000.0]]))
        assert wrong == pytest.approx(1000.0) and right == 0.0
        multi = log_loss_from_logits(np.array([[0.0, 0.0, 1.0]]), logits[:1])
        assert multi == pytest.approx(2000.0)
    # The textbook formulas overflow, so these checks can fail.
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        1.0 / (1.0 + np.exp(-z))
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        np.exp(logits)


def test_predictions_are_finite_for_far_away_points():
    X, y = _data("multiclass overlapping")
    model = LogisticRegression(C=10.0).fit(X, y)
    far = 1e4 * X[:20]  # logits in the thousands
    assert np.abs(model.decision_function(far)).max() > 1000
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        probabilities = model.predict_proba(far)
    assert np.all(np.isfinite(probabilities))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    binary = LogisticRegression(C=10.0).fit(*_data("binary overlapping"))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        probabilities = binary.predict_proba(1e4 * X[:20])
    assert np.all(np.isfinite(probabilities))
    assert np.all(probabilities.max(axis=1) > 1 - 1e-12)  # sure, and rightly so


def test_the_safe_functions_are_the_books_shared_ones():
    # One implementation for the whole book (scratchlearn.numerics); the names stay
    # importable from this module and from scratchlearn.supervised.
    assert logistic_regression.sigmoid is numerics.sigmoid
    assert logistic_regression.softmax is numerics.softmax
    assert logistic_regression.log_softmax is numerics.log_softmax
    assert sigmoid is numerics.sigmoid and softmax is numerics.softmax


def test_objective_and_predictions_are_exact_at_logits_of_1000():
    # Two samples, one feature: x = +-1000 with weight 1 gives logits +-1000, both
    # labelled 1. The first costs nothing, the second exactly 1000: mean 500. The
    # loss's derivatives with respect to the logits, (p - y) / n, are 0 and -1/2,
    # exactly: 500 for the weight, -1/2 for the intercept.
    X = np.array([[1000.0, 1.0], [-1000.0, 1.0]])  # the intercept's column last
    Y = np.array([[1.0], [1.0]])
    theta = np.array([[1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, gradient = logistic_objective(X, Y, theta, np.zeros(2))
        hessian = logistic_hessian(X, theta, np.zeros(2))
    assert loss == 500.0
    np.testing.assert_array_equal(gradient, [[500.0, -0.5]])
    assert np.all(np.isfinite(hessian))
    # The same through a fitted model: four classes, logits of +-1000 and 0.
    model = LogisticRegression().fit(*_data("multiclass overlapping"))
    model.coef_ = np.zeros_like(model.coef_)
    model.intercept_ = np.array([1000.0, -1000.0, 0.0, -1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        probabilities = model.predict_proba(np.zeros((1, model.n_features_in_)))
    np.testing.assert_array_equal(probabilities, [[1.0, 0.0, 0.0, 0.0]])


def test_separable_data_without_penalty_stays_finite():
    # No finite minimum exists: the weights grow until the gradient is below tol.
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(C=np.inf, max_iter=50).fit(X, y)
    assert np.all(np.isfinite(model.coef_)) and model.coef_[0, 0] > 5
    assert np.all(np.isfinite(model.loss_history_))
    np.testing.assert_array_equal(model.predict(X), y)


# ---------------------------------------------------------------------------
# (d) Gradients and Hessians: finite differences, and averaged over samples
# ---------------------------------------------------------------------------


def _numerical_gradient(function, theta, step=1e-6):
    gradient = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        shift = np.zeros_like(theta)
        shift[index] = step
        gradient[index] = (function(theta + shift) - function(theta - shift)) / (
            2 * step
        )
    return gradient


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("C", [0.3, np.inf])
@pytest.mark.parametrize("data", ["binary overlapping", "multiclass overlapping"])
def test_gradient_matches_finite_differences(data, C, fit_intercept):
    X, y = _data(data)
    X, Y, penalty = _setup(X[:60], y[:60], C, fit_intercept)
    rng = np.random.default_rng(2)
    theta = rng.normal(size=(Y.shape[1], X.shape[1]))
    _, gradient = logistic_objective(X, Y, theta, penalty)
    numerical = _numerical_gradient(
        lambda t: logistic_objective(X, Y, t, penalty)[0], theta
    )
    np.testing.assert_allclose(gradient, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("data", ["binary overlapping", "multiclass overlapping"])
def test_hessian_matches_finite_differences_of_the_gradient(data):
    X, y = _data(data)
    X, Y, penalty = _setup(X[:60], y[:60], C=0.3)
    rng = np.random.default_rng(4)
    theta = rng.normal(size=(Y.shape[1], X.shape[1]))
    hessian = logistic_hessian(X, theta, penalty)
    size = theta.size
    numerical = np.zeros((size, size))
    for column in range(size):
        shift = np.zeros(size)
        shift[column] = 1e-6
        plus = logistic_objective(X, Y, theta + shift.reshape(theta.shape), penalty)
        minus = logistic_objective(X, Y, theta - shift.reshape(theta.shape), penalty)
        numerical[:, column] = (plus[1] - minus[1]).ravel() / 2e-6
    np.testing.assert_allclose(hessian, numerical, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(hessian, hessian.T, rtol=0, atol=1e-15)


@pytest.mark.parametrize("data", ["binary overlapping", "multiclass overlapping"])
def test_hessian_product_is_the_hessian_times_the_direction(data):
    X, y = _data(data)
    X, Y, penalty = _setup(X, y, C=0.3)
    rng = np.random.default_rng(5)
    theta = rng.normal(size=(Y.shape[1], X.shape[1]))
    probabilities = probabilities_from_logits(X @ theta.T)
    hessian = logistic_hessian(X, theta, penalty)
    for _ in range(3):
        V = rng.normal(size=theta.shape)
        product = logistic_hessian_product(X, probabilities, penalty, V)
        np.testing.assert_allclose(
            product.ravel(), hessian @ V.ravel(), rtol=1e-12, atol=1e-14
        )


@pytest.mark.parametrize("data", ["binary overlapping", "multiclass overlapping"])
@pytest.mark.parametrize("C", [0.3, np.inf])
def test_conjugate_gradient_step_is_the_newton_step_near_the_minimum(data, C):
    # Near the minimum the gradient is small and conjugate gradient runs until the
    # residual is tiny: the same step as solving with the Hessian.
    X, y = _data(data)
    model = LogisticRegression(C=C, tol=1e-3).fit(X, y)
    X, Y, penalty = _setup(X, y, C=C)
    theta = np.column_stack([model.coef_, model.intercept_])
    _, gradient = logistic_objective(X, Y, theta, penalty)
    probabilities = probabilities_from_logits(X @ theta.T)
    step = newton_direction_cg(X, probabilities, penalty, gradient)
    exact = newton_direction(logistic_hessian(X, theta, penalty), gradient, penalty)
    size = np.sum(np.abs(gradient))
    assert size < 0.05
    np.testing.assert_allclose(step, exact, rtol=0, atol=2 * size**1.5)
    # No component along the directions in which the softmax is flat.
    if Y.shape[1] > 1:
        assert abs(step[:, -1].sum()) < 1e-12


def test_conjugate_gradient_stops_at_scikit_learns_residual():
    X, y = _data("multiclass overlapping")
    X, Y, penalty = _setup(X, y, C=1.0)
    theta = np.zeros((Y.shape[1], X.shape[1]))
    _, gradient = logistic_objective(X, Y, theta, penalty)
    probabilities = probabilities_from_logits(X @ theta.T)
    step = newton_direction_cg(X, probabilities, penalty, gradient)
    residual = gradient - logistic_hessian_product(X, probabilities, penalty, step)
    size = np.sum(np.abs(gradient))
    assert np.sum(np.abs(residual)) <= min(0.5, np.sqrt(size)) * size


def test_the_objective_is_scikit_learns_divided_by_C_n():
    # scikit-learn: C * sum of log-losses + 0.5 ||W||^2, intercept not penalised.
    X, y = _data("multiclass overlapping")
    C = 0.7
    X1, Y, penalty = _setup(X, y, C)
    rng = np.random.default_rng(5)
    theta = rng.normal(size=(Y.shape[1], X1.shape[1]))
    ours, _ = logistic_objective(X1, Y, theta, penalty)
    logits = X1 @ theta.T
    log_likelihood = np.sum(Y * log_softmax(logits))
    weights = theta[:, :-1]  # the intercept column is not penalised
    scikit_learn = -C * log_likelihood + 0.5 * np.sum(weights**2)
    assert ours == pytest.approx(scikit_learn / (C * len(X)), rel=1e-12)


def test_gradient_is_averaged_so_the_learning_rate_does_not_depend_on_n():
    X, y = _data("binary overlapping")
    X, y = X[:50], y[:50]
    X_repeated, y_repeated = np.tile(X, (10, 1)), np.tile(y, 10)  # 500 samples
    # The data term is a mean: repeating the data changes nothing. The penalty
    # is 1 / (C n) per sample, so ten times the samples with C / 10 is the same.
    for C, C_repeated in [(np.inf, np.inf), (1.0, 0.1)]:
        small = _setup(X, y, C)
        large = _setup(X_repeated, y_repeated, C_repeated)
        theta = np.linspace(-1, 1, X.shape[1] + 1)[np.newaxis, :]
        loss, gradient = logistic_objective(*small[:2], theta, small[2])
        loss_repeated, gradient_repeated = logistic_objective(
            *large[:2], theta, large[2]
        )
        assert loss_repeated == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(gradient_repeated, gradient, rtol=1e-12, atol=1e-15)
    # One gradient step is then the same step for both (a summed gradient would
    # make it ten times longer on the repeated data).
    settings = {"solver": "gd", "learning_rate": 0.5, "max_iter": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one = LogisticRegression(C=1.0, **settings).fit(X, y)
        repeated = LogisticRegression(C=0.1, **settings).fit(X_repeated, y_repeated)
    np.testing.assert_allclose(repeated.coef_, one.coef_, rtol=1e-12)
    np.testing.assert_allclose(repeated.intercept_, one.intercept_, rtol=1e-12)


# ---------------------------------------------------------------------------
# (e) The intercept is not penalised
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["breast_cancer", "iris"])
def test_predicted_class_shares_match_the_training_shares(data):
    # Setting the derivative with respect to a free intercept to zero gives
    # sum_i (p_ik - y_ik) = 0: on the training data the mean predicted probability
    # of each class is its share, whatever the penalty. A penalised intercept
    # would be pulled towards 0 and break this.
    X, y = _data(data)
    shares = np.bincount(y) / len(y)
    for C in (0.001, 1.0):
        model = LogisticRegression(C=C, **TIGHT).fit(X, y)
        np.testing.assert_allclose(
            model.predict_proba(X).mean(axis=0), shares, rtol=0, atol=1e-9
        )


def test_shifting_a_feature_moves_only_the_intercept():
    X, y = _data("breast_cancer")
    model = LogisticRegression(C=0.5, **TIGHT).fit(X, y)
    coef, intercept = model.coef_.copy(), model.intercept_.copy()
    X_shifted = X.copy()
    X_shifted[:, 3] += 100.0
    model.fit(X_shifted, y)
    np.testing.assert_allclose(model.coef_, coef, rtol=0, atol=1e-7)
    np.testing.assert_allclose(
        model.intercept_, intercept - 100.0 * coef[:, 3], rtol=0, atol=1e-5
    )


def test_a_huge_penalty_leaves_the_intercept_at_the_log_odds():
    X, y = _data("breast_cancer")
    model = LogisticRegression(C=1e-9, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, 0.0, atol=1e-6)
    share = y.mean()
    assert model.intercept_[0] == pytest.approx(np.log(share / (1 - share)), rel=1e-6)


# ---------------------------------------------------------------------------
# (f) The solvers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["breast_cancer", "wine"])
def test_newton_converges_in_a_few_steps_and_quadratically(data):
    X, y = _data(data)
    model = LogisticRegression(C=1.0, **TIGHT).fit(X, y)
    assert model.n_iter_ <= 12
    assert model.loss_history_.shape == (model.n_iter_,)
    assert np.all(np.diff(model.loss_history_) <= 1e-15)
    # How far each iterate's objective is above the final one. Gradient descent
    # divides it by about the same factor at every step (linear convergence);
    # Newton's method by a factor that grows at every step (superlinear: near the
    # minimum the number of correct digits doubles).
    excess = model.loss_history_[:-1] - model.loss_history_[-1]
    excess = excess[excess > 1e-14]
    ratios = excess[1:] / excess[:-1]
    assert excess[-1] < 1e-6
    assert np.all(np.diff(ratios[-3:]) < 0), ratios
    assert ratios[-1] < 1e-3, ratios


def test_newton_halves_a_step_that_would_raise_the_objective():
    # Far from the solution, the full Newton step of nearly separable data
    # overshoots. The objective still never rises.
    rng = np.random.default_rng(6)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + 0.05 * rng.normal(size=200) > 0).astype(int)
    model = LogisticRegression(C=1e4, **TIGHT).fit(X, y)
    losses = np.concatenate([[np.log(2.0)], model.loss_history_])
    assert np.all(np.diff(losses) <= 1e-15)


def test_gradient_descent_loss_decreases_and_ends_at_the_training_objective():
    X, y = _data("iris")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(solver="gd", learning_rate=0.5, max_iter=200).fit(
            X, y
        )
    assert model.n_iter_ == 200
    assert np.all(np.diff(model.loss_history_) <= 0)
    X1, Y, penalty = _setup(X, y)
    theta = np.column_stack([model.coef_, model.intercept_])
    final, _ = logistic_objective(X1, Y, theta, penalty)
    assert model.loss_history_[-1] == pytest.approx(final, rel=1e-12)


def test_newton_needs_far_fewer_iterations_than_gradient_descent():
    X, y = _data("wine")
    newton = LogisticRegression(C=1.0, tol=1e-6).fit(X, y)
    descent = LogisticRegression(
        C=1.0, solver="gd", learning_rate=0.5, tol=1e-6, max_iter=50_000
    )
    descent.fit(X, y)
    assert newton.n_iter_ < 10 < 1000 < descent.n_iter_
    np.testing.assert_allclose(
        descent.predict_proba(X), newton.predict_proba(X), atol=1e-4
    )


def test_convergence_warning_when_max_iter_is_reached():
    X, y = _data("breast_cancer")
    with pytest.warns(ConvergenceWarning, match=r"did not converge.*max_iter=5"):
        model = LogisticRegression(solver="gd", max_iter=5).fit(X, y)
    assert model.n_iter_ == 5
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        LogisticRegression(max_iter=1).fit(X, y)


def test_no_warning_when_converged():
    X, y = _data("wine")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression().fit(X, y)
        LogisticRegression(solver="gd", learning_rate=0.5, max_iter=20_000).fit(X, y)


def test_divergence_raises_and_keeps_the_previous_fit():
    X, y = _data("binary overlapping")
    model = LogisticRegression(C=1.0).fit(X, y)
    coef, intercept = model.coef_.copy(), model.intercept_.copy()
    history = model.loss_history_.copy()
    # With C = 1e-4 the penalty's curvature is 1 / (C n) = 33: any learning rate
    # above 2 / 33 makes the weights grow geometrically, until they overflow.
    with pytest.raises(ValueError, match=r"diverged.*smaller learning_rate"):
        model.set_params(C=1e-4, solver="gd", learning_rate=1.0, max_iter=10_000).fit(
            X, y
        )
    np.testing.assert_array_equal(model.coef_, coef)
    np.testing.assert_array_equal(model.intercept_, intercept)
    np.testing.assert_array_equal(model.loss_history_, history)


# ---------------------------------------------------------------------------
# (g) The rest of the API
# ---------------------------------------------------------------------------


def test_shapes_of_the_outputs():
    X, y = _data("wine")
    model = LogisticRegression().fit(X, y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.intercept_.shape == (3,)
    assert model.decision_function(X).shape == (len(X), 3)
    assert model.predict_proba(X).shape == (len(X), 3)
    assert isinstance(model.n_iter_, int)
    binary = LogisticRegression().fit(X, y == 1)
    assert binary.coef_.shape == (1, X.shape[1])
    assert binary.intercept_.shape == (1,)
    assert binary.decision_function(X).shape == (len(X),)
    probabilities = binary.predict_proba(X)
    assert probabilities.shape == (len(X), 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(
        probabilities[:, 1], sigmoid(binary.decision_function(X))
    )


def test_predict_is_the_most_probable_class_and_score_its_accuracy():
    X, y = _data("iris")
    model = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(
        model.predict(X), np.argmax(model.predict_proba(X), axis=1)
    )
    assert model.score(X, y) == pytest.approx(np.mean(model.predict(X) == y))


def test_a_single_class_is_refused():
    X, y = _data("iris")
    with pytest.raises(ValueError, match="one class"):
        LogisticRegression().fit(X[:20], y[:20])


def test_infinite_C_is_accepted_and_other_infinities_are_not():
    X, y = _data("binary overlapping")
    LogisticRegression(C=np.inf).fit(X, y)
    LogisticRegression(C=float("inf")).fit(X, y)
    with pytest.raises(ValueError, match="C"):
        LogisticRegression(C=-np.inf).fit(X, y)


def test_refitting_after_set_params():
    X, y = _data("breast_cancer")
    model = LogisticRegression(C=0.01).fit(X, y)
    before = model.coef_.copy()
    model.set_params(C=10.0).fit(X, y)
    fresh = LogisticRegression(C=10.0).fit(X, y)
    np.testing.assert_array_equal(model.coef_, fresh.coef_)
    assert not np.allclose(model.coef_, before)
    # From two classes to three: the shapes follow.
    X3, y3 = _data("iris")
    model.fit(X3, y3)
    assert model.coef_.shape == (3, 4) and len(model.classes_) == 3
