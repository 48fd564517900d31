"""AdaBoost with SAMME (Chapter 12): the first rounds computed by hand for two and
three classes, the multi-class ``log(K - 1)`` term, the weighted stump, the same
rounds, votes and probabilities as scikit-learn's AdaBoostClassifier on tie-free
seeded data, accuracy within a point of it on breast cancer, wine and digits, the
staged error curve, early stopping, and bad input."""

import numpy as np
import pytest
from sklearn import ensemble as sklearn_ensemble
from sklearn import tree as sklearn_tree
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import AdaBoostClassifier
from scratchlearn.supervised.adaboost import (
    WeightedDecisionTree,
    weighted_best_split,
)

# Four samples, one feature, two classes: x = 0, 1, 2, 3 with labels 0, 0, 1, 0.
# Round 1, weights 1/4 each. Weighted Gini mass W - sum c^2 / W of each split:
#   t = 0.5: left {0} pure, right {0, 1, 0}: 3/4 - (4/16 + 1/16) / (3/4) = 1/3
#   t = 1.5: left {0, 0} pure, right {1, 0}: 1/2 - (1/16 + 1/16) / (1/2) = 1/4
#   t = 2.5: left {0, 0, 1}: 1/3, right {0} pure                          = 1/3
# The stump splits at 1.5; its right leaf ties 1/4 : 1/4 and says class 0, so the
# stump says 0 everywhere and misses x = 2: err = 1/4,
# alpha = log((1 - 1/4) / (1/4)) + log(2 - 1) = log 3.
# New weights: x = 2 times 3, renormalised: (1, 1, 3, 1) / 6.
# Round 2: the split at 1.5 now has right leaf {1: 1/2, 0: 1/6}, says 1, misses
# x = 3: err = 1/6, alpha = log 5 (Gini masses 1/4 at t = 1.5, 2/5 at 0.5 and 2.5).
X_TOY = np.array([[0.0], [1.0], [2.0], [3.0]])
Y_TOY = np.array([0, 0, 1, 0])

# Three samples, three classes: x = 0, 1, 2 with labels 0, 1, 2. Both splits score
# 1/3; the first (t = 0.5) wins; the right leaf ties 1/3 : 1/3 and says 1, so only
# x = 2 is missed: err = 1/3, alpha = log((2/3) / (1/3)) + log(3 - 1) = log 4.
# The two-class formula would give log 2. New weights (1, 1, 4) / 6.
X_TOY3 = np.array([[0.0], [1.0], [2.0]])
Y_TOY3 = np.array([0, 1, 2])


def seeded_data(seed, n_samples=300, n_classes=3):
    """Continuous features exactly representable in float32 (scikit-learn's trees
    store X as float32) and noisy labels: no two splits tie."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 5)).astype(np.float32).astype(np.float64)
    score = X[:, 0] + X[:, 1] ** 2 - X[:, 2] + rng.normal(size=n_samples)
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1]))
    return X, y


def reference(n_estimators=50, learning_rate=1.0, max_depth=1):
    return sklearn_ensemble.AdaBoostClassifier(
        sklearn_tree.DecisionTreeClassifier(max_depth=max_depth),
        n_estimators=n_estimators,
        learning_rate=learning_rate,
        random_state=0,
    )


# -- by hand ------------------------------------------------------------------


def test_two_rounds_by_hand():
    model = AdaBoostClassifier(n_estimators=2).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(model.estimator_errors_, [1 / 4, 1 / 6])
    np.testing.assert_allclose(model.estimator_weights_, [np.log(3), np.log(5)])
    assert [tree.threshold_[0] for tree in model.estimators_] == [1.5, 1.5]
    # The vote: class 0 gets log 3 everywhere, class 1 gets log 5 right of 1.5.
    np.testing.assert_array_equal(model.predict(X_TOY), [0, 0, 1, 1])


def test_first_round_weights_by_hand():
    one_round = AdaBoostClassifier(n_estimators=1).fit(X_TOY, Y_TOY)
    assert one_round.estimators_[0].threshold_[0] == 1.5
    np.testing.assert_array_equal(one_round.estimators_[0].predict(X_TOY), 0)
    # The second stump is fitted to the updated weights (1, 1, 3, 1) / 6: refitting
    # a stump to them by hand gives the same split and predictions.
    stump = WeightedDecisionTree(1).fit(X_TOY, Y_TOY, np.array([1, 1, 3, 1]) / 6, 2)
    two_rounds = AdaBoostClassifier(n_estimators=2).fit(X_TOY, Y_TOY)
    np.testing.assert_array_equal(
        stump.predict(X_TOY), two_rounds.estimators_[1].predict(X_TOY)
    )
    np.testing.assert_array_equal(stump.predict(X_TOY), [0, 0, 1, 1])


def test_three_classes_by_hand_need_the_log_k_minus_1_term():
    model = AdaBoostClassifier(n_estimators=1).fit(X_TOY3, Y_TOY3)
    assert model.estimator_errors_[0] == pytest.approx(1 / 3)
    assert model.estimator_weights_[0] == pytest.approx(np.log(4))
    two_class_formula = np.log((1 - 1 / 3) / (1 / 3))
    assert model.estimator_weights_[0] != pytest.approx(two_class_formula)
    # Without log(K - 1) a learner with error 1/2 would get alpha = 0, but with
    # three classes it beats guessing (2/3) and SAMME gives it log 2 > 0.


def test_log_k_minus_1_on_a_real_three_class_problem():
    X, y = load_wine(return_X_y=True)
    model = AdaBoostClassifier(n_estimators=5).fit(X, y)
    err = model.estimator_errors_
    np.testing.assert_allclose(
        model.estimator_weights_, np.log((1 - err) / err) + np.log(2)
    )
    assert not np.allclose(model.estimator_weights_, np.log((1 - err) / err))
    np.testing.assert_allclose(
        model.estimator_weights_, reference(n_estimators=5).fit(X, y).estimator_weights_
    )


def test_weighted_split_follows_the_weights():
    # Unweighted, x = 0, 1, 2, 3 with labels 0, 0, 1, 1 splits at 1.5; moving most
    # of the weight onto a mislabelled-looking sample moves the split.
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    class_weights = np.eye(2)[y] / 4
    assert weighted_best_split(X, class_weights) == (0, 1.5)
    heavy = np.eye(2)[[0, 1, 1, 1]] * np.array([[1], [10], [1], [1]])
    assert weighted_best_split(X, heavy) == (0, 0.5)
    assert weighted_best_split(np.ones((3, 2)), np.eye(2)[[0, 1, 0]]) is None


# -- against scikit-learn ---------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("learning_rate", [1.0, 0.3])
def test_same_rounds_as_scikit_learn_on_tie_free_data(n_classes, learning_rate):
    X, y = seeded_data(n_classes, n_classes=n_classes)
    ours = AdaBoostClassifier(20, learning_rate=learning_rate).fit(X, y)
    theirs = reference(20, learning_rate).fit(X, y)
    np.testing.assert_allclose(ours.estimator_errors_, theirs.estimator_errors_)
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_)
    for tree, their_tree in zip(ours.estimators_, theirs.estimators_, strict=True):
        assert tree.feature_[0] == their_tree.tree_.feature[0]
        assert tree.threshold_[0] == pytest.approx(their_tree.tree_.threshold[0])
    np.testing.assert_allclose(
        ours.decision_function(X), theirs.decision_function(X), atol=1e-12
    )
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    for mine, their in zip(
        ours.staged_score(X, y), theirs.staged_score(X, y), strict=True
    ):
        assert mine == pytest.approx(their)


def test_deeper_trees_match_scikit_learn():
    X, y = seeded_data(7, n_classes=3)
    ours = AdaBoostClassifier(10, max_depth=3).fit(X, y)
    theirs = reference(10, max_depth=3).fit(X, y)
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))


def _split(loader):
    X, y = loader(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.mark.parametrize(
    ("loader", "n_estimators", "learning_rate"),
    [
        (load_breast_cancer, 50, 1.0),
        (load_wine, 50, 0.5),
        (load_digits, 30, 1.0),
    ],
    ids=["breast_cancer", "wine", "digits"],
)
def test_accuracy_within_a_point_of_scikit_learn(loader, n_estimators, learning_rate):
    X_train, X_test, y_train, y_test = _split(loader)
    ours = AdaBoostClassifier(n_estimators, learning_rate=learning_rate)
    theirs = reference(n_estimators, learning_rate)
    ours_score = ours.fit(X_train, y_train).score(X_test, y_test)
    their_score = theirs.fit(X_train, y_train).score(X_test, y_test)
    assert abs(ours_score - their_score) <= 0.01
    # The first rounds pick the same stumps here too.
    np.testing.assert_allclose(
        ours.estimator_weights_[:5], theirs.estimator_weights_[:5]
    )


# -- the staged error curve and early stopping ----------------------------------


def test_staged_score_tracks_the_rounds():
    X, y = seeded_data(1, n_classes=3)
    model = AdaBoostClassifier(25).fit(X, y)
    scores = list(model.staged_score(X, y))
    assert len(scores) == len(model.estimators_) == 25
    assert scores[-1] == model.score(X, y)
    staged = list(model.staged_predict(X))
    np.testing.assert_array_equal(staged[-1], model.predict(X))
    # Boosting drives the training error down: the end beats the first stump.
    assert scores[-1] > scores[0]
    assert max(scores[-5:]) >= max(scores[:5])


def test_probabilities_sum_to_one_and_agree_with_predict():
    X, y = seeded_data(2, n_classes=4)
    model = AdaBoostClassifier(10).fit(X, y)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        model.classes_[proba.argmax(axis=1)], model.predict(X)
    )


def test_a_perfect_learner_stops_boosting():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    model = AdaBoostClassifier(10).fit(X, np.array([0, 0, 1, 1]))
    assert len(model.estimators_) == 1
    np.testing.assert_array_equal(model.estimator_weights_[:2], [1.0, 0.0])
    np.testing.assert_array_equal(model.estimator_errors_[:2], [0.0, 1.0])


def test_a_learner_no_better_than_guessing_stops_boosting():
    # XOR: every stump misses half of the four points, so boosting cannot start.
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    with pytest.raises(ValueError, match="no better than guessing"):
        AdaBoostClassifier(5).fit(X, y)
    # Here the reweighted errors climb to 1/2 within a few rounds, and boosting
    # stops where scikit-learn stops, keeping only learners that beat guessing.
    X = np.array([[2.0], [1.0], [2.0], [2.0], [1.0], [1.0]])
    y = np.array([0, 1, 1, 1, 0, 0])
    ours = AdaBoostClassifier(10).fit(X, y)
    theirs = reference(10).fit(X, y)
    n_kept = len(ours.estimators_)
    assert 1 < n_kept == len(theirs.estimators_) < 10
    assert np.all(ours.estimator_errors_[:n_kept] <= 0.5)
    np.testing.assert_array_equal(ours.estimator_errors_[n_kept:], 1.0)
    np.testing.assert_array_equal(ours.estimator_weights_[n_kept:], 0.0)
    assert len(list(ours.staged_predict(X))) == n_kept


def test_string_labels_and_refit_with_defaults():
    X, y = seeded_data(4, n_classes=3)
    labels = np.array(["ant", "bee", "cat"])[y]
    model = AdaBoostClassifier(10).fit(X, labels)
    assert set(model.predict(X)) <= set(labels)
    np.testing.assert_array_equal(
        model.predict(X), AdaBoostClassifier(10).fit(X, labels).predict(X)
    )


# -- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"max_depth": 0}, "max_depth"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_bad_hyperparameters(params, name):
    with pytest.raises((ValueError, TypeError), match=name):
        AdaBoostClassifier(**params).fit(X_TOY, Y_TOY)


def test_one_class_is_rejected():
    with pytest.raises(ValueError, match="two classes"):
        AdaBoostClassifier().fit(X_TOY, np.zeros(4))
