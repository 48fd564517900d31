"""Gradient boosting (Chapter 13): two stages of regression, a binary and a
three-class stage computed by hand (Newton leaf values, the (K - 1) / K factor), the
initial estimate included in every prediction, the same predictions, probabilities
and training losses as scikit-learn's GradientBoosting* on tie-free seeded data and
on diabetes, accuracy within a point on real data, stochastic subsampling, the staged
curves, and bad input."""

import numpy as np
import pytest
from sklearn import ensemble as sklearn_ensemble
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import (
    DecisionTreeRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)
from scratchlearn.supervised.gradient_boosting import newton_leaf_values

X_TOY = np.array([[0.0], [1.0], [2.0], [3.0]])

# Regression, y = 0, 0, 1, 3, depth-1 trees, learning rate 1/2.
# F0 = mean = 1; residuals -1, -1, 0, 2. Sums of squared errors of the splits:
#   t = 0.5: 0 + 42/9,  t = 1.5: 0 + 2,  t = 2.5: 6/9 + 0  -> t = 2.5,
#   leaves -2/3 and 2: F1 = 1 + (-1/3, -1/3, -1/3, 1) = (2/3, 2/3, 2/3, 2).
# Residuals -2/3, -2/3, 1/3, 1: t = 0.5: 114/81, t = 1.5: 2/9, t = 2.5: 6/9
#   -> t = 1.5, leaves -2/3 and 2/3: F2 = (1/3, 1/3, 1, 7/3).
Y_TOY = np.array([0.0, 0.0, 1.0, 3.0])

# Two classes, y = 0, 0, 0, 1: F0 = log(1/4 / (3/4)) = -log 3, p = 1/4,
# residuals y - p = -1/4, -1/4, -1/4, 3/4; the split at 2.5 is pure. Newton steps:
#   left:  (-3/4) / (3 * 3/16) = -4/3,   right: (3/4) / (3/16) = 4
# (the mean residuals, -1/4 and 3/4, would be the squared-error steps).
Y_TOY_BINARY = np.array([0, 0, 0, 1])

# Three classes, x = 0, 1, 2 with y = 0, 1, 2: F0 = 0, p = 1/3 everywhere.
# Class 0 residuals (2/3, -1/3, -1/3): split 0.5, steps (K - 1)/K * sum r / sum p(1-p):
#   left 2/3 * (2/3) / (2/9) = 2,  right 2/3 * (-2/3) / (4/9) = -1.
# Class 1 residuals (-1/3, 2/3, -1/3): both splits tie, the first (0.5) wins:
#   left 2/3 * (-1/3) / (2/9) = -1,  right 2/3 * (1/3) / (4/9) = 1/2.
# Class 2 (-1/3, -1/3, 2/3): split 1.5: left -1, right 2.
X_TOY3 = np.array([[0.0], [1.0], [2.0]])
Y_TOY3 = np.array([0, 1, 2])
F_TOY3 = np.array([[2.0, -1.0, -1.0], [-1.0, 0.5, -1.0], [-1.0, 0.5, 2.0]])


def seeded_data(seed, n_samples=300, n_classes=None):
    """Continuous features exactly representable in float32 (scikit-learn's trees
    store X as float32), real targets or noisy classes: no two splits tie."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 5)).astype(np.float32).astype(np.float64)
    y = X[:, 0] + X[:, 1] ** 2 - X[:, 2] + 0.3 * rng.normal(size=n_samples)
    if n_classes is None:
        return X, y
    edges = np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1])
    return X, np.digitize(y, edges)


def reference_regressor(**params):
    return sklearn_ensemble.GradientBoostingRegressor(random_state=0, **params)


def reference_classifier(**params):
    return sklearn_ensemble.GradientBoostingClassifier(random_state=0, **params)


# -- by hand ------------------------------------------------------------------


def test_two_regression_stages_by_hand():
    model = GradientBoostingRegressor(
        n_estimators=2, learning_rate=0.5, max_depth=1
    ).fit(X_TOY, Y_TOY)
    assert model.initial_estimate_ == 1.0
    first, second = (trees[0] for trees in model.estimators_)
    assert (first.threshold_[0], second.threshold_[0]) == (2.5, 1.5)
    np.testing.assert_allclose(first.value_[1:], [-2 / 3, 2])
    staged = list(model.staged_predict(X_TOY))
    np.testing.assert_allclose(staged[0], [2 / 3, 2 / 3, 2 / 3, 2])
    np.testing.assert_allclose(staged[1], [1 / 3, 1 / 3, 1, 7 / 3])
    np.testing.assert_allclose(model.predict(X_TOY), [1 / 3, 1 / 3, 1, 7 / 3])
    mse = [np.mean((Y_TOY - f) ** 2) for f in staged]
    np.testing.assert_allclose(model.train_score_, mse)


def test_binary_leaves_hold_the_newton_step():
    model = GradientBoostingClassifier(
        n_estimators=1, learning_rate=1.0, max_depth=1
    ).fit(X_TOY, Y_TOY_BINARY)
    assert model.initial_estimate_ == pytest.approx(-np.log(3))
    tree = model.estimators_[0][0]
    assert tree.threshold_[0] == 2.5
    np.testing.assert_allclose(tree.value_[1:], [-4 / 3, 4])  # not -1/4 and 3/4
    expected = -np.log(3) + np.array([-4 / 3, -4 / 3, -4 / 3, 4])
    np.testing.assert_allclose(model.decision_function(X_TOY), expected)
    p = 1 / (1 + np.exp(-expected))
    np.testing.assert_allclose(model.predict_proba(X_TOY), np.column_stack([1 - p, p]))
    np.testing.assert_array_equal(model.predict(X_TOY), Y_TOY_BINARY)


def test_three_classes_by_hand_need_the_k_minus_1_over_k_factor():
    model = GradientBoostingClassifier(
        n_estimators=1, learning_rate=1.0, max_depth=1
    ).fit(X_TOY3, Y_TOY3)
    np.testing.assert_allclose(model.initial_estimate_, 0.0, atol=1e-15)
    assert [trees.threshold_[0] for trees in model.estimators_[0]] == [0.5, 0.5, 1.5]
    np.testing.assert_allclose(model.decision_function(X_TOY3), F_TOY3)
    # Without the factor 2/3 the steps would be 3/2 times larger.
    assert not np.allclose(model.decision_function(X_TOY3), 1.5 * F_TOY3)
    exp = np.exp(F_TOY3)
    np.testing.assert_allclose(
        model.predict_proba(X_TOY3), exp / exp.sum(axis=1, keepdims=True)
    )


def test_newton_leaf_values_directly():
    tree = DecisionTreeRegressor(max_depth=1).fit(X_TOY, [-1.0, -1.0, 1.0, 1.0])
    leaves = tree.apply(X_TOY)
    values = newton_leaf_values(
        tree, leaves, np.array([-1.0, -3.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0, 4.0])
    )
    np.testing.assert_allclose(values, [tree.value_[0], -2.0, 1.0])
    # Probabilities already 0 or 1: no Hessian, and the step is 0, not a huge number.
    values = newton_leaf_values(tree, leaves, np.full(4, 1e-20), np.zeros(4), 2 / 3)
    np.testing.assert_array_equal(values[1:], [0.0, 0.0])


# -- the initial estimate is part of the model (a known mistake) ----------------


def test_regression_predictions_include_the_initial_estimate():
    X, y = seeded_data(0)
    shifted = y + 1000.0
    model = GradientBoostingRegressor(n_estimators=20).fit(X, shifted)
    assert model.initial_estimate_ == pytest.approx(shifted.mean())
    y_pred = model.predict(X)
    # The trees fit residuals of mean 0, so the training predictions keep the mean
    # of y; without the initial estimate they would be centred on 0.
    assert y_pred.mean() == pytest.approx(shifted.mean())
    trees_only = sum(0.1 * trees[0].predict(X) for trees in model.estimators_)
    np.testing.assert_allclose(y_pred, model.initial_estimate_ + trees_only)
    assert abs(trees_only.mean()) < 1e-9
    np.testing.assert_allclose(
        y_pred, reference_regressor(n_estimators=20).fit(X, shifted).predict(X)
    )
    # Shifting y shifts the predictions by exactly as much.
    np.testing.assert_allclose(
        y_pred - 1000.0, GradientBoostingRegressor(n_estimators=20).fit(X, y).predict(X)
    )


def test_classification_starts_from_the_log_odds_and_log_priors():
    X, y = seeded_data(1, n_classes=2)
    imbalanced = np.where(np.arange(len(y)) % 5 == 0, 1, 0)
    model = GradientBoostingClassifier(n_estimators=1).fit(X, imbalanced)
    assert model.initial_estimate_ == pytest.approx(np.log(0.2 / 0.8))
    theirs = reference_classifier(n_estimators=1).fit(X, imbalanced)
    np.testing.assert_allclose(
        model.decision_function(X), theirs.decision_function(X), atol=1e-12
    )
    X3, y3 = seeded_data(2, n_classes=3)
    y3 = np.where(np.arange(len(y3)) % 2 == 0, 0, y3)  # skewed priors
    model = GradientBoostingClassifier(n_estimators=1).fit(X3, y3)
    log_priors = np.log(np.bincount(y3) / len(y3))
    np.testing.assert_allclose(model.initial_estimate_, log_priors - log_priors.mean())
    theirs = reference_classifier(n_estimators=1).fit(X3, y3)
    np.testing.assert_allclose(
        model.decision_function(X3), theirs.decision_function(X3), atol=1e-12
    )


# -- against scikit-learn -------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"min_samples_leaf": 5},
        {
            "learning_rate": 0.3,
            "max_depth": 4,
            "n_estimators": 50,
            "min_samples_leaf": 8,
        },
        {"max_depth": 2, "min_samples_leaf": 5, "min_samples_split": 12},
        {"max_depth": None, "min_samples_leaf": 20, "n_estimators": 20},
    ],
    ids=repr,
)
def test_regressor_matches_scikit_learn_on_tie_free_data(params):
    # Leaves of a few samples keep ties away: in a node of two samples, every
    # feature that separates them gives the same split, and scikit-learn picks one
    # at random where we pick the first.
    X, y = seeded_data(0)
    X_new, _ = seeded_data(4)
    ours = GradientBoostingRegressor(**params).fit(X, y)
    theirs = reference_regressor(**params).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-10)
    np.testing.assert_allclose(ours.predict(X_new), theirs.predict(X_new), atol=1e-10)
    np.testing.assert_allclose(ours.train_score_, theirs.train_score_, atol=1e-10)
    for mine, their in zip(
        ours.staged_predict(X_new), theirs.staged_predict(X_new), strict=True
    ):
        np.testing.assert_allclose(mine, their, atol=1e-10)


@pytest.mark.parametrize(
    ("n_classes", "params"),
    [
        (2, {"min_samples_leaf": 5}),
        (2, {"learning_rate": 0.5, "max_depth": 2, "min_samples_leaf": 10}),
        (3, {"min_samples_leaf": 5}),
        (3, {"learning_rate": 0.5, "max_depth": 2, "min_samples_leaf": 5}),
        (5, {"max_depth": 2, "min_samples_leaf": 10}),
    ],
    ids=repr,
)
def test_classifier_matches_scikit_learn_on_tie_free_data(n_classes, params):
    X, y = seeded_data(0, n_classes=n_classes)
    X_new, _ = seeded_data(5, n_classes=n_classes)
    ours = GradientBoostingClassifier(**params).fit(X, y)
    theirs = reference_classifier(**params).fit(X, y)
    for data in (X, X_new):
        np.testing.assert_allclose(
            ours.decision_function(data), theirs.decision_function(data), atol=1e-10
        )
        np.testing.assert_allclose(
            ours.predict_proba(data), theirs.predict_proba(data), atol=1e-10
        )
        np.testing.assert_array_equal(ours.predict(data), theirs.predict(data))
    # scikit-learn reports the binary log-loss doubled (the "deviance").
    factor = 2.0 if n_classes == 2 else 1.0
    np.testing.assert_allclose(factor * ours.train_score_, theirs.train_score_)
    for mine, their in zip(
        ours.staged_predict_proba(X_new),
        theirs.staged_predict_proba(X_new),
        strict=True,
    ):
        np.testing.assert_allclose(mine, their, atol=1e-10)


def test_diabetes_predictions_match_scikit_learn():
    X, y = load_diabetes(return_X_y=True)
    X = X.astype(np.float32).astype(np.float64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    params = {"min_samples_leaf": 10}  # leaves this large leave no tied splits here
    ours = GradientBoostingRegressor(**params).fit(X_train, y_train)
    theirs = reference_regressor(**params).fit(X_train, y_train)
    np.testing.assert_allclose(ours.predict(X_test), theirs.predict(X_test), atol=1e-9)
    assert ours.score(X_test, y_test) == pytest.approx(theirs.score(X_test, y_test))


@pytest.mark.parametrize(
    "loader", [load_breast_cancer, load_wine], ids=lambda loader: loader.__name__
)
def test_accuracy_within_a_point_on_real_data(loader):
    # Class labels make the first stage's residuals take few values, so tied splits
    # occur, which scikit-learn breaks by a random feature order: the ensembles can
    # differ a little, the accuracies hardly.
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    ours = GradientBoostingClassifier(n_estimators=50).fit(X_train, y_train)
    theirs = reference_classifier(n_estimators=50).fit(X_train, y_train)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01 + 1e-9
    # The first stage has no ties at the root: the same first question.
    assert (
        ours.estimators_[0][0].feature_[0] == theirs.estimators_[0, 0].tree_.feature[0]
    )


# -- stochastic gradient boosting -------------------------------------------------


def test_subsample_grows_each_tree_on_a_fresh_subset():
    X, y = seeded_data(6)
    model = GradientBoostingRegressor(
        n_estimators=10, learning_rate=0.3, subsample=0.5, random_state=0
    ).fit(X, y)
    roots = [trees[0].n_node_samples_[0] for trees in model.estimators_]
    assert roots == [150] * 10
    again = GradientBoostingRegressor(
        n_estimators=10, learning_rate=0.3, subsample=0.5, random_state=0
    )
    np.testing.assert_array_equal(again.fit(X, y).predict(X), model.predict(X))
    other_seed = GradientBoostingRegressor(
        n_estimators=10, learning_rate=0.3, subsample=0.5
    )
    other_seed.set_params(random_state=1).fit(X, y)
    assert not np.allclose(other_seed.predict(X), model.predict(X))
    full = GradientBoostingRegressor(n_estimators=10).fit(X, y)
    assert not np.allclose(full.predict(X), model.predict(X))
    # Still learning: the fit on half the data lowers the error as well.
    assert model.score(X, y) > 0.8


def test_subsampled_classifier_is_close_to_scikit_learn():
    # Different random subsets, so only the quality can be compared.
    X, y = seeded_data(7, n_samples=600, n_classes=3)
    X_test, y_test = seeded_data(8, n_samples=600, n_classes=3)
    params = {"subsample": 0.5, "max_depth": 2, "n_estimators": 50}
    ours = GradientBoostingClassifier(random_state=0, **params).fit(X, y)
    theirs = reference_classifier(**params).fit(X, y)
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) < 0.05


# -- staged curves, labels, bad input ------------------------------------------


def test_staged_methods_end_at_the_final_model():
    X, y = seeded_data(9, n_classes=3)
    model = GradientBoostingClassifier(n_estimators=15, max_depth=2).fit(X, y)
    staged = list(model.staged_predict(X))
    assert len(staged) == 15
    np.testing.assert_array_equal(staged[-1], model.predict(X))
    np.testing.assert_allclose(
        list(model.staged_decision_function(X))[-1], model.decision_function(X)
    )
    scores = list(model.staged_score(X, y))
    assert scores[-1] == model.score(X, y) and scores[-1] > scores[0]
    # The training loss goes down at every stage without subsampling.
    assert np.all(np.diff(model.train_score_) < 0)
    X_r, y_r = seeded_data(9)
    regressor = GradientBoostingRegressor(n_estimators=15).fit(X_r, y_r)
    r2 = list(regressor.staged_score(X_r, y_r))
    assert r2[-1] == pytest.approx(regressor.score(X_r, y_r))
    assert np.all(np.diff(r2) > 0)


def test_string_labels_and_binary_labels_other_than_0_and_1():
    X, y = seeded_data(10, n_classes=3)
    labels = np.array(["ant", "bee", "cat"])[y]
    model = GradientBoostingClassifier(n_estimators=10).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["ant", "bee", "cat"])
    np.testing.assert_array_equal(
        model.predict(X),
        np.array(["ant", "bee", "cat"])[
            GradientBoostingClassifier(n_estimators=10).fit(X, y).predict(X)
        ],
    )
    X2, y2 = seeded_data(11, n_classes=2)
    signs = np.where(y2 == 1, 7, -7)
    ours = GradientBoostingClassifier(n_estimators=10).fit(X2, signs)
    theirs = reference_classifier(n_estimators=10).fit(X2, signs)
    np.testing.assert_array_equal(ours.predict(X2), theirs.predict(X2))
    np.testing.assert_allclose(ours.predict_proba(X2), theirs.predict_proba(X2))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"n_estimators": 0}, "n_estimators"),
        ({"subsample": 0.0}, "subsample"),
        ({"subsample": 1.5}, "subsample"),
        ({"max_depth": 0}, "max_depth"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_bad_hyperparameters(params, name):
    for cls, y in (
        (GradientBoostingRegressor, Y_TOY),
        (GradientBoostingClassifier, Y_TOY_BINARY),
    ):
        with pytest.raises((ValueError, TypeError), match=name):
            cls(**params).fit(X_TOY, y)


def test_one_class_is_rejected():
    with pytest.raises(ValueError, match="two classes"):
        GradientBoostingClassifier().fit(X_TOY, np.zeros(4))
