"""XGBoost (Chapter 14): a stump computed by hand, gradients and hessians against
finite differences, lambda and gamma both applied (the earlier collection's
mistake), gamma pruning from the bottom up, min_child_weight, the initial score,
and the same predictions as the xgboost package (tree_method="exact", float32
inside it) on diabetes, breast cancer, wine and digits."""

import numpy as np
import pytest
import xgboost
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import XGBoostClassifier, XGBoostRegressor
from scratchlearn.supervised.xgboost import (
    best_split,
    leaf_weight,
    logistic_gradients,
    softmax_gradients,
    split_gain,
    squared_error_gradients,
)

# Four samples, one feature: x = 0, 1, 2, 3 and y = 1, 2, 5, 6. With base_score 0
# every g_i = 0 - y_i = -y_i and h_i = 1, so G = -14, H = 4 at the root. With
# lambda = 1 the three thresholds score G_L^2/(H_L+1) + G_R^2/(H_R+1) - 196/5:
#   t = 0.5:  1/2  + 169/4 - 196/5 = 3.55
#   t = 1.5:  9/3  + 121/3 - 196/5 = 62/15 (about 4.133), the best
#   t = 2.5: 64/4  +  36/2 - 196/5 = -5.2
# Leaf weights -G/(H+1): left 3/3 = 1, right 11/3. Root weight 14/5 = 2.8.
# With lambda = 0 the leaves are the plain means of the residuals, 1.5 and 5.5.
X_TOY = np.array([[0.0], [1.0], [2.0], [3.0]])
Y_TOY = np.array([1.0, 2.0, 5.0, 6.0])
GAIN_TOY = 62 / 15


def stump(**params):
    settings = dict(n_estimators=1, max_depth=1, learning_rate=1.0, base_score=0.0)
    settings.update(params)
    return XGBoostRegressor(**settings)


def reference(cls, **params):
    """The xgboost package with the settings that make it the exact greedy
    algorithm of the chapter: one thread, no sampling."""
    return cls(
        tree_method="exact", n_jobs=1, subsample=1.0, colsample_bytree=1.0, **params
    )


def float32_data(loader):
    """xgboost stores X in float32: give both sides the same values."""
    X, y = loader(return_X_y=True)
    return X.astype(np.float32).astype(np.float64), y


def their_leaf_counts(model):
    return [tree.count("leaf=") for tree in model.get_booster().get_dump()]


def our_leaf_counts(model):
    return [tree.n_leaves for trees in model.estimators_ for tree in trees]


# -- by hand ------------------------------------------------------------------


def test_stump_by_hand():
    model = stump(reg_lambda=1.0).fit(X_TOY, Y_TOY)
    tree = model.estimators_[0][0]
    assert tree.threshold[0] == 1.5
    assert tree.gain[0] == pytest.approx(GAIN_TOY)
    np.testing.assert_allclose(model.predict(X_TOY), [1, 1, 11 / 3, 11 / 3])
    np.testing.assert_allclose(tree.weight, [2.8, 1.0, 11 / 3])
    assert best_split(X_TOY, -Y_TOY, np.ones(4), 1.0, 1.0) == pytest.approx(
        (0, 1.5, GAIN_TOY)
    )


def test_leaf_weight_and_split_gain_formulas():
    assert leaf_weight(-3.0, 2.0, 1.0) == pytest.approx(1.0)
    assert leaf_weight(-3.0, 2.0, 0.0) == pytest.approx(1.5)
    assert split_gain(-3.0, 2.0, -11.0, 2.0, 1.0) == pytest.approx(GAIN_TOY)
    # A split that puts nothing apart gains nothing: G_L/H_L = G_R/H_R, lambda 0.
    assert split_gain(2.0, 1.0, 4.0, 2.0, 0.0) == pytest.approx(0.0)


def test_lambda_shrinks_the_leaf_weights():
    without = stump(reg_lambda=0.0).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(without.predict(X_TOY), [1.5, 1.5, 5.5, 5.5])
    # lambda = 1/2: the same split (gain 130/5 - 196/9 > 0), leaves -G / (H + 1/2):
    # left 3 / 2.5 = 1.2, right 11 / 2.5 = 4.4, closer to 0 than the means.
    mild = stump(reg_lambda=0.5).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(mild.predict(X_TOY), [1.2, 1.2, 4.4, 4.4])
    # lambda = 10: every split's gain is negative (t = 1.5: 130/12 - 196/14 < 0),
    # so the tree is the root alone, of weight 14 / (4 + 10) = 1.
    strong = stump(reg_lambda=10.0).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(strong.predict(X_TOY), 1.0)
    assert strong.estimators_[0][0].n_leaves == 1


def test_gamma_prunes_a_split_whose_gain_is_below_it():
    kept = stump(gamma=GAIN_TOY - 0.01).fit(X_TOY, Y_TOY)
    pruned = stump(gamma=GAIN_TOY + 0.01).fit(X_TOY, Y_TOY)
    assert kept.estimators_[0][0].n_leaves == 2
    assert pruned.estimators_[0][0].n_leaves == 1
    # The pruned tree is one leaf: the root weight 14 / (4 + 1).
    np.testing.assert_allclose(pruned.predict(X_TOY), 2.8)
    # The same on both sides of gamma in xgboost: gamma is compared with the gain
    # without the paper's factor 1/2.
    for gamma, n_leaves in [(GAIN_TOY - 0.01, 2), (GAIN_TOY + 0.01, 1)]:
        theirs = reference(
            xgboost.XGBRegressor,
            n_estimators=1,
            max_depth=1,
            learning_rate=1.0,
            base_score=0.0,
            gamma=gamma,
        ).fit(X_TOY, Y_TOY)
        assert their_leaf_counts(theirs) == [n_leaves]


def test_gamma_prunes_from_the_bottom_up():
    # y = x0 XOR x1, nearly: the first split gains almost nothing, but the splits
    # below it gain a lot. Pruning bottom up keeps the weak root split because its
    # children are not leaves; a greedy "gain < gamma, stop" rule would not.
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 5, dtype=float)
    y = np.array([0.0, 1.0, 1.0, 0.2] * 5)
    model = XGBoostRegressor(
        1, max_depth=2, learning_rate=1.0, base_score=0.5, gamma=0.5
    ).fit(X, y)
    tree = model.estimators_[0][0]
    assert tree.gain[0] < 0.5 < tree.gain[1:].max()
    assert tree.n_leaves == 4
    theirs = reference(
        xgboost.XGBRegressor,
        n_estimators=1,
        max_depth=2,
        learning_rate=1.0,
        base_score=0.5,
        gamma=0.5,
    ).fit(X, y)
    assert their_leaf_counts(theirs) == [4]
    np.testing.assert_allclose(model.predict(X), theirs.predict(X), rtol=1e-6)


def test_min_child_weight_bounds_the_hessian_of_each_child():
    # Squared error: h = 1, so min_child_weight = 2 forbids one-sample leaves.
    assert best_split(X_TOY, -Y_TOY, np.ones(4), 1.0, 2.0)[1] == 1.5
    assert best_split(X_TOY, -Y_TOY, np.ones(4), 1.0, 3.0) is None
    assert stump(min_child_weight=3.0).fit(X_TOY, Y_TOY).estimators_[0][0].n_leaves == 1


def test_prediction_starts_from_the_base_score():
    # Gradient boosting's predict must include the initial estimate.
    model = XGBoostRegressor(1, learning_rate=1e-9, base_score=100.0).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(model.predict(X_TOY), 100.0, atol=1e-6)
    default = XGBoostRegressor(1, learning_rate=1e-9).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(default.predict(X_TOY), Y_TOY.mean(), atol=1e-6)
    classifier = XGBoostClassifier(1, learning_rate=1e-9, base_score=0.2)
    proba = classifier.fit(X_TOY, [0, 0, 1, 1]).predict_proba(X_TOY)
    np.testing.assert_allclose(proba[:, 1], 0.2, atol=1e-6)


def test_base_score_of_more_classes_is_any_margin():
    # Two classes: a probability, strictly in (0, 1). More: every class's initial
    # margin, any number; softmax ignores a common shift, so the model is the same.
    X, y = X_TOY, np.array([0, 1, 2, 2])
    shifted = XGBoostClassifier(3, base_score=7.5).fit(X, y)
    centred = XGBoostClassifier(3, base_score=0.0).fit(X, y)
    np.testing.assert_allclose(shifted.initial_margin_, 7.5)
    np.testing.assert_allclose(shifted.predict_proba(X), centred.predict_proba(X))
    with pytest.raises(ValueError, match="base_score is a probability"):
        XGBoostClassifier(3, base_score=7.5).fit(X, [0, 1, 1, 1])


# -- gradients and hessians -----------------------------------------------------


def _finite_difference(loss, margin, step=1e-5):
    return (loss(margin + step) - loss(margin - step)) / (2 * step)


def test_gradients_and_hessians_match_finite_differences():
    rng = np.random.default_rng(0)
    margin = rng.normal(size=20)
    y = rng.normal(size=20)
    g, h = squared_error_gradients(y, margin)
    squared = lambda m: 0.5 * (m - y) ** 2  # noqa: E731
    np.testing.assert_allclose(g, _finite_difference(squared, margin), atol=1e-8)
    np.testing.assert_allclose(h, 1.0)

    labels = (rng.random(20) < 0.5).astype(float)
    log_loss = lambda m: np.logaddexp(0, m) - labels * m  # noqa: E731
    g, h = logistic_gradients(labels, margin)
    np.testing.assert_allclose(g, _finite_difference(log_loss, margin), atol=1e-8)
    gradient = lambda m: logistic_gradients(labels, m)[0]  # noqa: E731
    np.testing.assert_allclose(h, _finite_difference(gradient, margin), atol=1e-8)

    margins = rng.normal(size=(20, 3))
    one_hot = np.eye(3)[rng.integers(0, 3, size=20)]
    g, h = softmax_gradients(one_hot, margins)
    for k in range(3):
        step = np.zeros(3)
        step[k] = 1e-5

        def cross_entropy(m):
            return np.log(np.exp(m).sum(axis=1)) - (one_hot * m).sum(axis=1)

        numeric = (cross_entropy(margins + step) - cross_entropy(margins - step)) / 2e-5
        np.testing.assert_allclose(g[:, k], numeric, atol=1e-8)
        gk = lambda m: softmax_gradients(one_hot, m)[0][:, k]  # noqa: E731, B023
        diagonal = (gk(margins + step) - gk(margins - step)) / 2e-5
        # xgboost's multi:softprob takes twice the diagonal of the true hessian.
        np.testing.assert_allclose(h[:, k], 2 * diagonal, atol=1e-7)


# -- against the xgboost package --------------------------------------------------

SETTINGS = [
    dict(max_depth=3, learning_rate=0.3, reg_lambda=1.0, gamma=0.0),
    dict(max_depth=4, learning_rate=0.1, reg_lambda=0.0, gamma=0.0),
    dict(max_depth=4, learning_rate=0.1, reg_lambda=10.0, gamma=3000.0),
    dict(max_depth=2, learning_rate=0.5, reg_lambda=1.0, min_child_weight=20.0),
]


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: str(sorted(p.items())))
def test_regression_matches_xgboost_on_diabetes(params):
    X, y = float32_data(load_diabetes)
    # Fitted on half the samples, compared on all: unseen samples lying between two
    # training values go the same way (float32 midpoints on both sides).
    ours = XGBoostRegressor(40, base_score=150.0, **params).fit(X[::2], y[::2])
    theirs = reference(
        xgboost.XGBRegressor, n_estimators=40, base_score=150.0, **params
    ).fit(X[::2], y[::2])
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-5)
    assert our_leaf_counts(ours) == their_leaf_counts(theirs)


def test_lambda_and_gamma_are_applied_as_in_xgboost():
    # The mistake to avoid: ignoring reg_lambda or gamma. Each changes our model,
    # and each change is the one xgboost makes.
    X, y = float32_data(load_diabetes)
    plain = dict(n_estimators=20, max_depth=4, learning_rate=0.3, base_score=150.0)
    base = XGBoostRegressor(**plain, reg_lambda=0.0).fit(X, y)
    for extra in [dict(reg_lambda=50.0), dict(reg_lambda=0.0, gamma=20000.0)]:
        ours = XGBoostRegressor(**plain, **extra).fit(X, y)
        theirs = reference(xgboost.XGBRegressor, **plain, **extra).fit(X, y)
        assert np.max(np.abs(ours.predict(X) - base.predict(X))) > 1.0
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-5)
    pruned = XGBoostRegressor(**plain, reg_lambda=0.0, gamma=20000.0).fit(X, y)
    assert sum(our_leaf_counts(pruned)) < sum(our_leaf_counts(base))


def test_binary_classification_matches_xgboost_on_breast_cancer():
    X, y = float32_data(load_breast_cancer)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    params = dict(n_estimators=50, max_depth=3, learning_rate=0.3, gamma=0.5)
    ours = XGBoostClassifier(base_score=0.5, **params).fit(X_train, y_train)
    theirs = reference(xgboost.XGBClassifier, base_score=0.5, **params)
    theirs.fit(X_train, y_train)
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-5
    )
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01
    assert our_leaf_counts(ours) == their_leaf_counts(theirs)


@pytest.mark.parametrize("loader", [load_wine, load_digits], ids=["wine", "digits"])
def test_softmax_classification_matches_xgboost(loader):
    X, y = float32_data(loader)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    params = dict(n_estimators=10, max_depth=3, learning_rate=0.3, reg_lambda=2.0)
    ours = XGBoostClassifier(base_score=0.5, **params).fit(X_train, y_train)
    theirs = reference(xgboost.XGBClassifier, base_score=0.5, **params)
    theirs.fit(X_train, y_train)
    n_classes = len(np.unique(y))
    assert len(ours.estimators_) == 10
    assert all(len(trees) == n_classes for trees in ours.estimators_)
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-5
    )
    assert abs(ours.score(X_test, y_test) - theirs.score(X_test, y_test)) <= 0.01


# -- the estimator around the trees -----------------------------------------------


def test_string_labels_and_probabilities():
    X, y = float32_data(load_wine)
    labels = np.array(["ant", "bee", "cat"])[y]
    model = XGBoostClassifier(5, max_depth=2).fit(X, labels)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        model.classes_[proba.argmax(axis=1)], model.predict(X)
    )
    assert model.decision_function(X).shape == (len(X), 3)
    binary = XGBoostClassifier(5).fit(X[y < 2], labels[y < 2])
    assert binary.decision_function(X).shape == (len(X),)
    assert set(binary.predict(X)) <= {"ant", "bee"}


@pytest.mark.parametrize(
    ("cls", "params", "name"),
    [
        (XGBoostRegressor, {"n_estimators": 0}, "n_estimators"),
        (XGBoostRegressor, {"max_depth": 0}, "max_depth"),
        (XGBoostRegressor, {"learning_rate": 0.0}, "learning_rate"),
        (XGBoostRegressor, {"reg_lambda": -1.0}, "reg_lambda"),
        (XGBoostRegressor, {"gamma": -0.1}, "gamma"),
        (XGBoostRegressor, {"min_child_weight": -1.0}, "min_child_weight"),
        (XGBoostRegressor, {"base_score": "mean"}, "base_score"),
        (XGBoostClassifier, {"base_score": 1.5}, "base_score"),
    ],
)
def test_bad_hyperparameters(cls, params, name):
    y = Y_TOY if cls is XGBoostRegressor else np.array([0, 0, 1, 1])
    with pytest.raises((ValueError, TypeError), match=name):
        cls(**params).fit(X_TOY, y)


def test_one_class_is_rejected():
    with pytest.raises(ValueError, match="two classes"):
        XGBoostClassifier().fit(X_TOY, np.zeros(4))
