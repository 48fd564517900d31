"""Every tree of an ensemble walked at once gives each tree's own walk, and the
ensembles predict exactly what adding their trees one at a time gives."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine

from scratchlearn.supervised import (
    AdaBoostClassifier,
    DecisionTreeClassifier,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    XGBoostClassifier,
    XGBoostRegressor,
)
from scratchlearn.supervised.forest import apply_forest, join_trees, tree_depth


def test_a_forest_by_hand():
    # Tree A: a stump on feature 0 at 0.5. Tree B: feature 1 at 0, then feature 0
    # at 2 on the right. Joined, B's nodes come after A's three.
    stump = (
        np.array([0, -1, -1]),
        np.array([0.5, 0, 0]),
        np.array([1, -1, -1]),
        np.array([2, -1, -1]),
    )
    deeper = (
        np.array([1, -1, 0, -1, -1]),
        np.array([0.0, 0, 2.0, 0, 0]),
        np.array([1, -1, 3, -1, -1]),
        np.array([2, -1, 4, -1, -1]),
    )
    forest = join_trees([stump, deeper])
    assert forest.depth == 2
    assert forest.roots.tolist() == [0, 3]
    X = np.array([[0.0, -1.0], [1.0, 1.0], [3.0, 1.0], [0.5, 0.0]])
    leaves = apply_forest(forest, X)
    # Row by row: A sends x0 <= 0.5 left (node 1), else node 2; B sends x1 <= 0
    # to its node 1 (joined 4), else to node 2 and on: x0 <= 2 to 3 (joined 6),
    # else 4 (joined 7).
    assert leaves.tolist() == [[1, 4], [2, 6], [2, 7], [1, 4]]
    strict = apply_forest(forest, X, strictly_below=True)
    assert strict.tolist() == [[1, 4], [2, 6], [2, 7], [2, 6]]


def test_depth_of_one_leaf_and_of_a_chain():
    assert tree_depth(np.array([-1]), np.array([-1])) == 0
    # a chain going right three times
    left = np.array([1, -1, 3, -1, 5, -1, -1])
    right = np.array([2, -1, 4, -1, 6, -1, -1])
    assert tree_depth(left, right) == 3


@pytest.mark.parametrize("seed", range(3))
def test_walking_all_trees_at_once_equals_each_trees_own_walk(seed):
    rng = np.random.default_rng(seed)
    X, y = load_wine(return_X_y=True)
    trees = [
        DecisionTreeClassifier(max_depth=int(rng.integers(1, 8)), random_state=0).fit(
            X[rows], y[rows]
        )
        for rows in (rng.choice(len(X), len(X)) for _ in range(7))
    ]
    forest = join_trees(
        (tree.feature_, tree.threshold_, tree.left_, tree.right_) for tree in trees
    )
    X_new = X + rng.normal(scale=0.5, size=X.shape)
    leaves = apply_forest(forest, X_new)  # (n_samples, n_trees)
    for t, tree in enumerate(trees):
        np.testing.assert_array_equal(leaves[:, t] - forest.roots[t], tree.apply(X_new))


def _last(generator):
    *_, last = generator
    return last


@pytest.mark.parametrize(
    ("make", "load"),
    [
        (lambda: GradientBoostingRegressor(n_estimators=30), load_diabetes),
        (lambda: GradientBoostingClassifier(n_estimators=20), load_wine),
        (lambda: GradientBoostingClassifier(n_estimators=20), load_breast_cancer),
    ],
)
def test_the_ensemble_predicts_what_its_stages_add_up_to(make, load):
    # Bit for bit: the same additions in the same order, only the walks batched.
    X, y = load(return_X_y=True)
    model = make().fit(X[::2], y[::2])
    X_test = X[1::2]
    if hasattr(model, "staged_decision_function"):
        expected = _last(model.staged_decision_function(X_test))
        np.testing.assert_array_equal(model.decision_function(X_test), expected)
    else:
        expected = _last(model.staged_predict(X_test))
        np.testing.assert_array_equal(model.predict(X_test), expected)


@pytest.mark.parametrize(
    ("make", "load"),
    [
        (lambda: XGBoostRegressor(n_estimators=30), load_diabetes),
        (lambda: XGBoostClassifier(n_estimators=10), load_wine),
    ],
)
def test_xgboost_margins_are_the_sum_of_each_trees_leaves(make, load):
    X, y = load(return_X_y=True)
    model = make().fit(X[::2], y[::2])
    X_test = X[1::2]
    margins = np.tile(model.initial_margin_, (len(X_test), 1))
    for trees in model.estimators_:  # one tree at a time, as the chapter explains
        margins += np.column_stack([tree.predict(X_test) for tree in trees])
    np.testing.assert_array_equal(model._margins(X_test), margins)


@pytest.mark.parametrize(
    ("make", "load"),
    [
        (lambda: AdaBoostClassifier(n_estimators=25, max_depth=2), load_wine),
        (lambda: AdaBoostClassifier(n_estimators=25), load_breast_cancer),
    ],
)
def test_adaboost_votes_are_those_of_each_tree(make, load):
    X, y = load(return_X_y=True)
    model = make().fit(X[::2], y[::2])
    X_test = X[1::2]
    n_classes = len(model.classes_)
    coding = np.where(np.eye(n_classes) == 1, 1.0, -1.0 / (n_classes - 1))
    votes = sum(  # one tree at a time, as the chapter explains
        alpha * coding[tree.predict(X_test)]
        for tree, alpha in zip(
            model.estimators_, model.estimator_weights_, strict=False
        )
    )
    decision = votes / model.estimator_weights_.sum()
    if n_classes == 2:
        decision = decision[:, 1] - decision[:, 0]
    np.testing.assert_array_equal(model.decision_function(X_test), decision)
