"""Decision trees (Chapter 10, book/supervised/decision_tree.ipynb): impurities and a
split computed by hand, the same tree as scikit-learn's DecisionTree* on data without
tied improvements (features, thresholds, children, values, sample counts, impurities,
importances, depth and leaf count), the hyperparameters, and the mistakes to avoid:
ragged object arrays under modern NumPy, refitting with other settings, recursion
limits on deep trees, and random forests' per-split feature sampling."""

import sys

import numpy as np
import pytest
from sklearn import tree as sklearn_tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine

from scratchlearn.supervised import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    best_split,
    entropy,
    gini,
)
from scratchlearn.supervised.decision_tree import row_statistics

# Four samples, one feature, two classes:
#   x = 1, 2, 3, 4  with labels 0, 0, 1, 1.
# Root: p = (1/2, 1/2), gini = 1 - 1/4 - 1/4 = 0.5, entropy = 1 bit.
# Thresholds are midpoints 1.5, 2.5, 3.5; the split at 2.5 leaves two pure children.
X_TOY = np.array([[1.0], [2.0], [3.0], [4.0]])
Y_TOY = np.array([0, 0, 1, 1])


def seeded_data(seed, n_samples=500):
    """Continuous features exactly representable in float32 (scikit-learn stores
    X as float32, so its thresholds are midpoints of float32 values), noisy labels
    and targets: no two splits of a node improve the impurity equally."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 4)).astype(np.float32).astype(np.float64)
    y_class = (X[:, 0] + X[:, 1] ** 2 + rng.normal(size=n_samples) > 0.5).astype(
        int
    ) + (X[:, 2] + rng.normal(size=n_samples) > 1)
    y_real = 2 * X[:, 0] + np.sin(3 * X[:, 1]) + 0.3 * rng.normal(size=n_samples)
    return X, y_class, y_real


def assert_same_tree(ours, reference, *, regression=False):
    tree = reference.tree_
    assert ours.node_count_ == tree.node_count
    np.testing.assert_array_equal(ours.feature_, tree.feature)
    np.testing.assert_array_equal(ours.threshold_, tree.threshold)
    np.testing.assert_array_equal(ours.left_, tree.children_left)
    np.testing.assert_array_equal(ours.right_, tree.children_right)
    np.testing.assert_array_equal(ours.n_node_samples_, tree.n_node_samples)
    values = tree.value[:, 0, 0] if regression else tree.value[:, 0, :]
    np.testing.assert_allclose(ours.value_, values, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.impurity_, tree.impurity, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        ours.feature_importances_, reference.feature_importances_, atol=1e-10
    )
    assert ours.get_depth() == reference.get_depth()
    assert ours.get_n_leaves() == reference.get_n_leaves()


# ---------------------------------------------------------------------------
# (a) By hand
# ---------------------------------------------------------------------------


def test_impurities_by_hand():
    assert gini([0, 0, 1, 1]) == pytest.approx(0.5)
    assert entropy([0, 0, 1, 1]) == pytest.approx(1.0)
    assert gini([3, 3, 3]) == 0.0
    assert entropy([3, 3, 3]) == 0.0
    # p = (1/2, 1/4, 1/4): gini = 1 - 1/4 - 1/16 - 1/16 = 0.625, entropy = 1.5 bits
    assert gini(["a", "a", "b", "c"]) == pytest.approx(0.625)
    assert entropy(["a", "a", "b", "c"]) == pytest.approx(1.5)


def test_best_split_by_hand():
    one_hot = np.eye(2)[Y_TOY]
    split = best_split(X_TOY, one_hot, "gini")
    assert (split.feature, split.threshold, split.score) == (0, 2.5, 0.0)
    # The children: two pure nodes of two samples each.
    np.testing.assert_array_equal(split.left.sums, [2, 0])
    np.testing.assert_array_equal(split.right.sums, [0, 2])
    assert (split.left.weight, split.left.impurity) == (2, 0)
    # Regression: y = 0, 0, 10, 12 -> split at 2.5; right child 10, 12 has
    # n * variance = 2 * 1 = 2. Each row's statistics are (w, w y, w y^2).
    statistics = row_statistics(np.array([0, 0, 10, 12.0]), np.ones(4), "squared_error")
    split = best_split(X_TOY, statistics, "squared_error")
    assert (split.feature, split.threshold) == (0, 2.5)
    assert split.score == pytest.approx(2.0)
    np.testing.assert_allclose(split.right.sums, [2, 22, 244])
    assert split.right.impurity == pytest.approx(1.0)
    # min_samples_leaf=3 leaves no valid split of four samples
    assert best_split(X_TOY, one_hot, "gini", min_samples_leaf=3) is None
    # A weight of 2 counts as two copies of the row (but min_samples_leaf counts rows).
    weighted = row_statistics(one_hot, np.array([1.0, 1, 2, 1]), "gini")
    split = best_split(X_TOY, weighted, "gini")
    np.testing.assert_array_equal(split.right.sums, [0, 3])


def test_toy_tree_by_hand():
    model = DecisionTreeClassifier().fit(X_TOY, Y_TOY)
    np.testing.assert_array_equal(model.feature_, [0, -2, -2])
    np.testing.assert_array_equal(model.threshold_, [2.5, -2, -2])
    np.testing.assert_array_equal(model.left_, [1, -1, -1])
    np.testing.assert_array_equal(model.right_, [2, -1, -1])
    np.testing.assert_allclose(model.value_, [[0.5, 0.5], [1, 0], [0, 1]])
    np.testing.assert_allclose(model.impurity_, [0.5, 0, 0])
    np.testing.assert_array_equal(model.n_node_samples_, [4, 2, 2])
    np.testing.assert_array_equal(model.apply([[0.0], [2.5], [2.6]]), [1, 1, 2])
    np.testing.assert_array_equal(model.predict([[0.0], [9.0]]), [0, 1])
    assert model.get_depth() == 1 and model.get_n_leaves() == 2
    np.testing.assert_allclose(model.feature_importances_, [1.0])


def test_midpoint_threshold_and_ties_go_to_the_first_feature():
    # Both features separate the classes perfectly: the first one wins.
    X = np.array([[0.0, 10.0], [1.0, 20.0], [4.0, 30.0], [5.0, 40.0]])
    model = DecisionTreeClassifier().fit(X, [0, 0, 1, 1])
    assert model.feature_[0] == 0 and model.threshold_[0] == 2.5


# ---------------------------------------------------------------------------
# (b) The same tree as scikit-learn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_same_classification_tree_as_sklearn(seed, criterion):
    X, y, _ = seeded_data(seed)
    settings = dict(max_depth=4, min_samples_leaf=10)
    ours = DecisionTreeClassifier(criterion, **settings).fit(X, y)
    reference = sklearn_tree.DecisionTreeClassifier(
        criterion=criterion, random_state=0, **settings
    ).fit(X, y)
    assert_same_tree(ours, reference)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X))
    np.testing.assert_array_equal(ours.apply(X), reference.apply(X))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_same_regression_tree_as_sklearn(seed):
    X, _, y = seeded_data(seed)
    settings = dict(max_depth=4, min_samples_leaf=10)
    ours = DecisionTreeRegressor(**settings).fit(X, y)
    reference = sklearn_tree.DecisionTreeRegressor(random_state=0, **settings).fit(X, y)
    assert_same_tree(ours, reference, regression=True)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X))


@pytest.mark.parametrize("criterion", ["gini", "entropy", "squared_error"])
@pytest.mark.parametrize("weights", ["bootstrap counts", "fractional"])
def test_same_weighted_tree_as_sklearn(criterion, weights):
    # A bootstrap sample's counts (rows not drawn weigh 0 and take no part) or any
    # positive weights: the same tree as scikit-learn's fit(X, y, sample_weight),
    # with min_samples_leaf counting rows and the impurities and values weights.
    # Integer counts make exactly tied splits likelier (scikit-learn breaks them by
    # a random feature order): this seed draws counts that give none.
    X, y_class, y_real = seeded_data(4)
    rng = np.random.default_rng(7)
    if weights == "fractional":
        # Quarters: sums of them are exact, as they need to be for scikit-learn's
        # pure nodes to have an impurity of exactly 0 as ours do.
        sample_weight = rng.integers(1, 12, size=len(X)) / 4
    else:
        drawn = rng.integers(0, len(X), size=len(X))
        sample_weight = np.bincount(drawn, minlength=len(X)).astype(float)
    settings = dict(max_depth=5, min_samples_leaf=5)
    regression = criterion == "squared_error"
    if regression:
        ours = DecisionTreeRegressor(**settings)
        reference = sklearn_tree.DecisionTreeRegressor(random_state=0, **settings)
        y = y_real
    else:
        ours = DecisionTreeClassifier(criterion, **settings)
        reference = sklearn_tree.DecisionTreeClassifier(
            criterion=criterion, random_state=0, **settings
        )
        y = y_class
    ours.fit(X, y, sample_weight=sample_weight)
    reference.fit(X, y, sample_weight=sample_weight)
    assert_same_tree(ours, reference, regression=regression)
    np.testing.assert_allclose(
        ours.weighted_n_node_samples_, reference.tree_.weighted_n_node_samples
    )


def test_sample_weight_is_checked():
    X, y, _ = seeded_data(0, n_samples=20)
    with pytest.raises(ValueError, match="sample_weight"):
        DecisionTreeClassifier().fit(X, y, sample_weight=np.ones(19))
    with pytest.raises(ValueError, match="sample_weight"):
        DecisionTreeClassifier().fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="zero"):
        DecisionTreeClassifier().fit(X, y, sample_weight=np.zeros(20))


def test_a_continuous_target_is_refused_by_the_classifier():
    X, _, y_real = seeded_data(0, n_samples=20)
    with pytest.raises(ValueError, match="continuous"):
        DecisionTreeClassifier().fit(X, y_real)


def test_same_full_depth_regression_tree_as_sklearn():
    # Grown until the leaves hold fewer than 2 * 3 samples.
    X, _, y = seeded_data(1)
    ours = DecisionTreeRegressor(min_samples_leaf=3).fit(X, y)
    reference = sklearn_tree.DecisionTreeRegressor(
        min_samples_leaf=3, random_state=0
    ).fit(X, y)
    assert_same_tree(ours, reference, regression=True)


def test_same_trees_on_bundled_data():
    X, y = load_diabetes(return_X_y=True)
    X = X.astype(np.float32).astype(np.float64)
    for settings in [dict(max_depth=3), dict(min_samples_leaf=5)]:
        assert_same_tree(
            DecisionTreeRegressor(**settings).fit(X, y),
            sklearn_tree.DecisionTreeRegressor(random_state=0, **settings).fit(X, y),
            regression=True,
        )
    X, y = load_wine(return_X_y=True)
    X = X.astype(np.float32).astype(np.float64)
    assert_same_tree(
        DecisionTreeClassifier(max_depth=3).fit(X, y),
        sklearn_tree.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y),
    )


def test_full_trees_fit_the_training_set_like_sklearn():
    # Fully grown trees have tied splits in their small nodes, which scikit-learn
    # breaks by its random feature order; both still fit the training set exactly.
    X, y = load_breast_cancer(return_X_y=True)
    ours = DecisionTreeClassifier().fit(X, y)
    reference = sklearn_tree.DecisionTreeClassifier(random_state=0).fit(X, y)
    assert ours.score(X, y) == reference.score(X, y) == 1.0
    assert ours.feature_[0] == reference.tree_.feature[0]
    assert ours.threshold_[0] == pytest.approx(reference.tree_.threshold[0], rel=1e-6)


# ---------------------------------------------------------------------------
# (c) Hyperparameters
# ---------------------------------------------------------------------------


def test_max_depth_min_samples_split_and_leaf_are_respected():
    X, y, _ = seeded_data(0)
    assert DecisionTreeClassifier(max_depth=3).fit(X, y).get_depth() == 3
    model = DecisionTreeClassifier(min_samples_leaf=25).fit(X, y)
    assert model.n_node_samples_[model.left_ == -1].min() >= 25
    model = DecisionTreeClassifier(min_samples_split=60).fit(X, y)
    internal = model.left_ != -1
    assert model.n_node_samples_[internal].min() >= 60
    fraction = DecisionTreeClassifier(min_samples_leaf=0.05).fit(X, y)
    assert fraction.n_node_samples_[fraction.left_ == -1].min() >= 25


@pytest.mark.parametrize(
    ("max_features", "n_drawn"),
    [(None, 4), (2, 2), (0.5, 2), ("sqrt", 2), ("log2", 2), (1, 1)],
)
def test_max_features_draws_features_per_split(max_features, n_drawn):
    # Mistake of the earlier collection: random forests sample features per split,
    # not once per tree. With max_features < n_features, different nodes of one tree
    # must be able to use features outside any single fixed subset.
    X, y, _ = seeded_data(0, n_samples=300)
    model = DecisionTreeClassifier(max_features=max_features, random_state=0)
    model._resolve_hyperparameters(300, 4)
    assert model._resolve_hyperparameters(300, 4)[3] == n_drawn
    model.fit(X, y)
    if n_drawn < 4:
        assert len(set(model.feature_[model.feature_ >= 0])) > n_drawn
        again = DecisionTreeClassifier(max_features=max_features, random_state=0)
        np.testing.assert_array_equal(again.fit(X, y).feature_, model.feature_)


def test_max_features_searches_on_when_drawn_features_are_constant():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.zeros(50), np.ones(50), rng.normal(size=50)])
    y = (X[:, 2] > 0).astype(int)
    for seed in range(5):
        model = DecisionTreeClassifier(max_features=1, random_state=seed).fit(X, y)
        assert model.feature_[0] == 2 and model.score(X, y) == 1.0


# ---------------------------------------------------------------------------
# (d) Mistakes to avoid
# ---------------------------------------------------------------------------


def test_integer_features_and_string_labels_work_with_modern_numpy():
    # The earlier collection stored trees in ragged nested lists that modern NumPy
    # refuses to turn into arrays. Here every attribute is a flat numeric array.
    rng = np.random.default_rng(0)
    X = rng.integers(0, 10, size=(60, 3))
    y = np.where(X[:, 0] + X[:, 1] > 9, "big", "small")
    model = DecisionTreeClassifier().fit(X, y)
    assert model.score(X, y) == 1.0
    assert set(model.predict(X)) <= {"big", "small"}
    for name in ["feature_", "threshold_", "left_", "right_", "value_", "impurity_"]:
        assert getattr(model, name).dtype != object
    assert np.all(model.threshold_[model.feature_ >= 0] % 0.5 == 0)  # midpoints


def test_refitting_with_other_parameters_works():
    X, y, y_real = seeded_data(2)
    model = DecisionTreeClassifier(max_depth=2).fit(X, y)
    assert model.get_depth() == 2
    model.set_params(max_depth=None, criterion="entropy").fit(X, y)
    fresh = DecisionTreeClassifier(criterion="entropy").fit(X, y)
    np.testing.assert_array_equal(model.feature_, fresh.feature_)
    np.testing.assert_array_equal(model.threshold_, fresh.threshold_)
    assert model.get_depth() > 2
    regressor = DecisionTreeRegressor(max_depth=1).fit(X, y_real)
    regressor.set_params(max_depth=3, min_samples_leaf=5).fit(X[:, :2], y_real)
    assert regressor.n_features_in_ == 2 and regressor.get_depth() == 3


def test_a_failed_fit_keeps_the_fitted_tree():
    X, y, _ = seeded_data(0)
    model = DecisionTreeClassifier(max_depth=2).fit(X, y)
    before = model.feature_.copy()
    with pytest.raises(ValueError, match="max_depth"):
        model.set_params(max_depth=0).fit(X[:, :2], y)
    np.testing.assert_array_equal(model.feature_, before)
    assert model.n_features_in_ == 4


def test_very_deep_tree_needs_no_recursion():
    # Alternating classes along one feature: peeling off the first sample always
    # lowers the impurity most, so the tree is a chain of depth n_samples - 1, deeper
    # than Python's recursion limit allows a recursive builder to go.
    n_samples = sys.getrecursionlimit() + 200
    X = np.arange(n_samples, dtype=np.float64).reshape(-1, 1)
    y = np.arange(n_samples) % 2
    classifier = DecisionTreeClassifier().fit(X, y)
    assert classifier.get_depth() == n_samples - 1
    assert classifier.score(X, y) == 1.0
    # n * variance of 0/1 targets is n * gini / 2: the same chain for regression.
    regressor = DecisionTreeRegressor().fit(X, y.astype(float))
    assert regressor.get_depth() == n_samples - 1
    np.testing.assert_array_equal(regressor.predict(X), y)


def test_feature_importances_match_sklearn_on_a_full_tree():
    X, _, y = seeded_data(3)
    ours = DecisionTreeRegressor(max_depth=6, min_samples_leaf=5).fit(X, y)
    reference = sklearn_tree.DecisionTreeRegressor(
        max_depth=6, min_samples_leaf=5, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(
        ours.feature_importances_, reference.feature_importances_, atol=1e-10
    )
    assert ours.feature_importances_.sum() == pytest.approx(1.0)
    # A pure root is a single leaf: no split, importances all zero.
    stump = DecisionTreeClassifier().fit(X, np.zeros(len(X)))
    assert stump.node_count_ == 1
    np.testing.assert_array_equal(stump.feature_importances_, 0.0)
