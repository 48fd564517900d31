"""Model selection and voting (Chapter 15): folds and scores computed by hand, the
same fold index arrays as scikit-learn's KFold and StratifiedKFold, and the same
scores (to 1e-12) as its cross_val_score, GridSearchCV, RandomizedSearchCV (given the
same candidates), learning_curve, validation_curve and VotingClassifier, with
scikit-learn's estimators inside and with ours inside. Also the mistakes such code
makes: estimators not cloned (folds leaking into each other, the caller's estimator
fitted), candidates scored on different folds, ties, the standard deviation's ddof,
and a best estimator not refitted on all the data."""

import warnings

import numpy as np
import pytest
import scipy.stats
from sklearn import ensemble as sklearn_ensemble
from sklearn import linear_model as sklearn_linear
from sklearn import model_selection as sklearn_ms
from sklearn import naive_bayes as sklearn_nb
from sklearn import neighbors as sklearn_neighbors
from sklearn import tree as sklearn_tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

from scratchlearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    clone,
    is_fitted,
)
from scratchlearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
    learning_curve,
    parameter_grid,
    validation_curve,
)
from scratchlearn.supervised import (
    DecisionTreeClassifier,
    GaussianNB,
    KNeighborsClassifier,
    LinearDiscriminantAnalysis,
    LogisticRegression,
    Ridge,
    VotingClassifier,
)

EXACT = {"rtol": 0, "atol": 1e-12}


def sklearn_ready(cls):
    """Our estimator class plus the ``__sklearn_tags__`` that scikit-learn (>= 1.6)
    asks of the estimators inside its meta-estimators. Only the tests need it: our
    own model_selection reads ``_estimator_type``."""
    classifier = getattr(cls, "_estimator_type", None) == "classifier"

    def __sklearn_tags__(self):
        return Tags(
            estimator_type="classifier" if classifier else "regressor",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags() if classifier else None,
            regressor_tags=None if classifier else RegressorTags(),
        )

    return type(cls.__name__, (cls,), {"__sklearn_tags__": __sklearn_tags__})


def folds_as_lists(splitter, X, y=None):
    return [(train.tolist(), test.tolist()) for train, test in splitter.split(X, y)]


class MeanRegressor(RegressorMixin, BaseEstimator):
    """Predicts the mean training target (plus ``shift``): scores by hand."""

    def __init__(self, shift=0.0):
        self.shift = shift

    def fit(self, X, y):
        self.mean_ = float(np.mean(y)) + self.shift
        self.n_features_in_ = np.shape(X)[1]
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


class ConstantClassifier(ClassifierMixin, BaseEstimator):
    """Always answers class index ``answer`` with probabilities ``proba``."""

    def __init__(self, answer=0, proba=(0.5, 0.5)):
        self.answer = answer
        self.proba = proba

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_features_in_ = np.shape(X)[1]
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[self.answer])

    def predict_proba(self, X):
        return np.tile(np.asarray(self.proba, dtype=float), (len(X), 1))


# -- folds by hand ------------------------------------------------------------


def test_kfold_by_hand():
    # 7 samples, 3 folds: 7 = 3 + 2 + 2, consecutive, the larger fold first.
    folds = folds_as_lists(KFold(3), np.zeros((7, 1)))
    assert [test for _, test in folds] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [train for train, _ in folds] == [
        [3, 4, 5, 6],
        [0, 1, 2, 5, 6],
        [0, 1, 2, 3, 4],
    ]


def test_stratified_kfold_by_hand():
    # y = 0 0 0 0 1 1, two folds. Sorted labels dealt to folds 0 1 0 1 0 1: fold 0
    # gets two 0s and one 1, fold 1 the same. The 0s (samples 0-3) go to folds
    # 0 0 1 1 in order, the 1s (samples 4, 5) to folds 0 1.
    y = np.array([0, 0, 0, 0, 1, 1])
    folds = folds_as_lists(StratifiedKFold(2), np.zeros((6, 1)), y)
    assert [test for _, test in folds] == [[0, 1, 4], [2, 3, 5]]
    # Plain k-fold would test only 0s in fold 0 and put both 1s in fold 1.
    assert [test for _, test in folds_as_lists(KFold(2), y)] == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize("n_samples", [10, 11, 23, 150])
@pytest.mark.parametrize("n_splits", [2, 3, 5, 10])
def test_kfold_is_scikit_learns(n_samples, n_splits):
    X = np.zeros((n_samples, 2))
    ours = folds_as_lists(KFold(n_splits), X)
    assert ours == folds_as_lists(sklearn_ms.KFold(n_splits), X)


@pytest.mark.parametrize("seed", range(12))
def test_stratified_kfold_is_scikit_learns(seed):
    rng = np.random.default_rng(seed)
    n_samples, n_classes = int(rng.integers(30, 200)), int(rng.integers(2, 6))
    labels = np.array(["pear", "apple", "fig", "kiwi", "date"])[:n_classes]
    # Uneven classes, in an order unlike the sorted one.
    y = rng.choice(labels, size=n_samples, p=rng.dirichlet(np.ones(n_classes) * 3))
    n_splits = int(rng.integers(2, 6))
    X = np.zeros((n_samples, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a small class may have < n_splits members
        ours = folds_as_lists(StratifiedKFold(n_splits), X, y)
        theirs = folds_as_lists(sklearn_ms.StratifiedKFold(n_splits), X, y)
    assert ours == theirs


@pytest.mark.parametrize("splitter", [KFold, StratifiedKFold])
def test_shuffled_folds_partition_the_samples_and_keep_strata(splitter):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=101)
    X = np.zeros((101, 1))
    folds = list(splitter(4, shuffle=True, random_state=5).split(X, y))
    tested = np.concatenate([test for _, test in folds])
    np.testing.assert_array_equal(np.sort(tested), np.arange(101))  # each sample once
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert len(train) + len(test) == 101
    assert folds_as_lists(splitter(4, shuffle=True, random_state=5), X, y) == [
        (train.tolist(), test.tolist()) for train, test in folds
    ]
    assert folds_as_lists(splitter(4, shuffle=True, random_state=6), X, y) != [
        (train.tolist(), test.tolist()) for train, test in folds
    ]
    if splitter is StratifiedKFold:  # shuffling moves samples, not the allocation
        unshuffled = list(StratifiedKFold(4).split(X, y))
        for (_, test), (_, plain) in zip(folds, unshuffled, strict=True):
            np.testing.assert_array_equal(
                np.bincount(y[test], minlength=3), np.bincount(y[plain], minlength=3)
            )
            counts = np.bincount(y[test], minlength=3)
            assert np.all(np.abs(counts - np.bincount(y) / 4) < 1)


def test_splitters_reject_impossible_folds():
    with pytest.raises(ValueError, match="n_splits"):
        list(KFold(5).split(np.zeros((3, 1))))
    with pytest.raises(ValueError, match="n_splits"):
        list(KFold(1).split(np.zeros((3, 1))))
    with pytest.raises(ValueError, match="every class"):
        list(StratifiedKFold(3).split(np.zeros((4, 1)), [0, 0, 1, 1]))
    with pytest.warns(UserWarning, match="smallest class"):
        list(StratifiedKFold(3).split(np.zeros((5, 1)), [0, 0, 0, 1, 1]))
    with pytest.raises(TypeError, match="random_state"):
        list(KFold(2, shuffle=True, random_state="seed").split(np.zeros((4, 1))))


# -- cross-validated scores ---------------------------------------------------


def test_cross_val_score_by_hand():
    # y = 1..6 in three folds of two. Fold 1 trains on 3, 4, 5, 6 (mean 4.5) and
    # tests 1, 2: squared errors 3.5^2 and 2.5^2, MSE 9.25. Fold 2: mean of 1, 2,
    # 5, 6 is 3.5, errors 0.5 and 0.5: 0.25. Fold 3 mirrors fold 1: 9.25.
    X = np.arange(6.0)[:, np.newaxis]
    y = np.arange(1.0, 7.0)
    scores = cross_val_score(
        MeanRegressor(), X, y, cv=3, scoring="neg_mean_squared_error"
    )
    np.testing.assert_allclose(scores, [-9.25, -0.25, -9.25])
    # The estimator's own score (R²): fold 2's test targets 3, 4 have mean 3.5 and
    # are predicted 3.5 each: R² = 1 - 0.5 / 0.5 = 0.
    assert cross_val_score(MeanRegressor(), X, y, cv=3)[1] == 0.0


def test_cross_val_score_clones_and_never_fits_the_estimator():
    model = KNeighborsClassifier(3)
    X, y = load_iris(return_X_y=True)
    cross_val_score(model, X, y, cv=5)
    assert not is_fitted(model)
    # Each fold fits a fresh clone carrying the estimator's hyperparameters. With
    # shift 1 the folds of the by-hand case above predict 5.5, 4.5 and 3.5 for
    # test targets (1, 2), (3, 4) and (5, 6): MSEs (4.5^2 + 3.5^2) / 2 = 16.25,
    # (1.5^2 + 0.5^2) / 2 = 1.25 and (1.5^2 + 2.5^2) / 2 = 4.25.
    X, y = np.arange(6.0)[:, np.newaxis], np.arange(1.0, 7.0)
    shifted = cross_val_score(
        MeanRegressor(shift=1.0), X, y, cv=3, scoring="neg_mean_squared_error"
    )
    np.testing.assert_allclose(shifted, [-16.25, -1.25, -4.25])


def test_clone_copies_parameters_and_nested_estimators():
    members = [("knn", KNeighborsClassifier(3)), ("nb", GaussianNB())]
    voting = VotingClassifier(members, voting="soft", weights=[1, 2])
    copy = clone(voting)
    assert copy.voting == "soft" and copy.weights == [1, 2]
    assert copy.weights is not voting.weights
    assert copy.estimators[0][1] is not members[0][1]
    assert copy.estimators[0][1].n_neighbors == 3
    assert not is_fitted(copy)


@pytest.mark.parametrize(
    ("loader", "make", "scoring"),
    [
        (load_iris, lambda: sklearn_neighbors.KNeighborsClassifier(7), None),
        (load_wine, lambda: sklearn_nb.GaussianNB(), "accuracy"),
        (
            load_breast_cancer,
            lambda: sklearn_tree.DecisionTreeClassifier(max_depth=3, random_state=0),
            None,
        ),
        (load_diabetes, lambda: sklearn_linear.Ridge(1.0), None),
        (load_diabetes, lambda: sklearn_linear.Ridge(0.1), "neg_mean_squared_error"),
        (load_diabetes, lambda: sklearn_linear.Ridge(0.1), "r2"),
    ],
    ids=["iris-knn", "wine-nb", "cancer-tree", "diabetes-ridge", "mse", "r2"],
)
def test_cross_val_score_is_scikit_learns_with_its_estimators(loader, make, scoring):
    X, y = loader(return_X_y=True)
    for cv in (5, 3):
        np.testing.assert_allclose(
            cross_val_score(make(), X, y, cv=cv, scoring=scoring),
            sklearn_ms.cross_val_score(make(), X, y, cv=cv, scoring=scoring),
            **EXACT,
        )


@pytest.mark.parametrize(
    ("loader", "cls", "params"),
    [
        (load_iris, KNeighborsClassifier, {"n_neighbors": 7}),
        (load_wine, GaussianNB, {}),
        (load_breast_cancer, DecisionTreeClassifier, {"max_depth": 3}),
        (load_diabetes, Ridge, {"alpha": 0.5}),
    ],
    ids=["iris-knn", "wine-nb", "cancer-tree", "diabetes-ridge"],
)
def test_cross_val_score_is_scikit_learns_with_our_estimators(loader, cls, params):
    X, y = loader(return_X_y=True)
    ours = cross_val_score(cls(**params), X, y, cv=4)
    theirs = sklearn_ms.cross_val_score(sklearn_ready(cls)(**params), X, y, cv=4)
    np.testing.assert_allclose(ours, theirs, **EXACT)


def _neg_mean_absolute_error(estimator, X, y):
    # A scorer of our own, callable as scikit-learn's are: (estimator, X, y).
    return -float(np.mean(np.abs(y - estimator.predict(X))))


@pytest.mark.parametrize(
    ("loader", "make", "scoring"),
    [
        (load_iris, lambda: KNeighborsClassifier(7), ["accuracy"]),
        (load_wine, lambda: GaussianNB(), None),
        (load_breast_cancer, lambda: LogisticRegression(), "accuracy"),
        (load_diabetes, lambda: Ridge(alpha=0.5), ["r2", "neg_mean_squared_error"]),
        (
            load_diabetes,
            lambda: Ridge(alpha=0.5),
            {"mse": "neg_mean_squared_error", "mae": _neg_mean_absolute_error},
        ),
        (load_diabetes, lambda: sklearn_linear.Ridge(0.1), ("neg_mean_squared_error",)),
    ],
    ids=[
        "iris-knn-list",
        "wine-nb",
        "cancer-logistic",
        "ridge-list",
        "ridge-dict",
        "theirs",
    ],
)
@pytest.mark.parametrize("return_train_score", [False, True])
def test_cross_validate_is_scikit_learns(loader, make, scoring, return_train_score):
    X, y = loader(return_X_y=True)
    ours = cross_validate(
        make(), X, y, cv=4, scoring=scoring, return_train_score=return_train_score
    )
    theirs = sklearn_ms.cross_validate(
        make(), X, y, cv=4, scoring=scoring, return_train_score=return_train_score
    )
    assert list(ours) == list(theirs)  # the same keys, in the same order
    for key in ours:
        assert ours[key].shape == (4,)
        if key.endswith("_time"):
            assert np.all(ours[key] >= 0)
        else:
            np.testing.assert_allclose(ours[key], theirs[key], **EXACT)


def test_cross_validate_one_scorer_is_cross_val_score():
    X, y = load_iris(return_X_y=True)
    results = cross_validate(
        KNeighborsClassifier(3), X, y, cv=5, return_train_score=True
    )
    assert list(results) == ["fit_time", "score_time", "test_score", "train_score"]
    np.testing.assert_array_equal(
        results["test_score"], cross_val_score(KNeighborsClassifier(3), X, y, cv=5)
    )
    # Fitted on its training rows, 3-NN is not perfect there but close.
    assert np.all(results["train_score"] >= results["test_score"] - 0.1)


@pytest.mark.parametrize(
    ("scoring", "error", "message"),
    [
        ([_neg_mean_absolute_error], TypeError, "give callables in a dict"),
        ([], ValueError, "at least one scorer"),
        (["r2", "r2"], ValueError, "each once"),
        ({}, ValueError, "empty dict"),
        (["f1_macro"], ValueError, "scoring"),
    ],
)
def test_cross_validate_refuses_bad_scoring(scoring, error, message):
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(error, match=message):
        cross_validate(Ridge(), X, y, cv=3, scoring=scoring)


def test_cross_validation_refuses_a_continuous_target_for_a_classifier():
    # Refused with the classifier's message, before stratified folds are cut.
    X, _ = load_diabetes(return_X_y=True)
    y = np.linspace(0.0, 1.0, len(X))
    for run in (cross_val_score, cross_validate):
        with pytest.raises(ValueError, match="Unknown label type: continuous"):
            run(KNeighborsClassifier(), X, y)


def test_cross_val_score_takes_splitters_and_index_pairs():
    X, y = load_wine(return_X_y=True)
    model = sklearn_neighbors.KNeighborsClassifier()
    expected = sklearn_ms.cross_val_score(
        model, X, y, cv=sklearn_ms.KFold(4, shuffle=True, random_state=0)
    )
    pairs = list(sklearn_ms.KFold(4, shuffle=True, random_state=0).split(X))
    np.testing.assert_allclose(cross_val_score(model, X, y, cv=pairs), expected)
    np.testing.assert_allclose(
        cross_val_score(
            model, X, y, cv=sklearn_ms.KFold(4, shuffle=True, random_state=0)
        ),
        expected,
    )
    # cv=int stratifies for a classifier, like scikit-learn: wine is sorted by
    # class, so plain k-fold gives worse scores.
    stratified = cross_val_score(model, X, y, cv=3)
    plain = cross_val_score(model, X, y, cv=KFold(3))
    np.testing.assert_allclose(
        stratified, cross_val_score(model, X, y, cv=StratifiedKFold(3))
    )
    assert plain.mean() < stratified.mean()


# -- grid and random search -----------------------------------------------------


def test_parameter_grid_is_scikit_learns():
    for grid in (
        {"b": [1, 2, 3], "a": ["x", "y"]},
        [
            {"kernel": ["rbf"], "gamma": [0.1, 1.0], "C": [1, 10]},
            {"kernel": ["linear"]},
        ],
        {},
    ):
        assert parameter_grid(grid) == list(sklearn_ms.ParameterGrid(grid))


def compare_searches(ours, theirs):
    n_splits = theirs.n_splits_
    assert ours.n_splits_ == n_splits
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    for key in ["mean_test_score", "std_test_score"] + [
        f"split{k}_test_score" for k in range(n_splits)
    ]:
        np.testing.assert_allclose(
            ours.cv_results_[key], theirs.cv_results_[key], **EXACT
        )
    np.testing.assert_array_equal(
        ours.cv_results_["rank_test_score"], theirs.cv_results_["rank_test_score"]
    )
    assert ours.best_index_ == theirs.best_index_
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_score_ == pytest.approx(theirs.best_score_, abs=1e-12)


def test_grid_search_is_scikit_learns_with_its_estimators():
    X, y = load_wine(return_X_y=True)
    grid = {"n_neighbors": [1, 3, 5, 9, 15, 25], "weights": ["uniform", "distance"]}
    model = sklearn_neighbors.KNeighborsClassifier()
    ours = GridSearchCV(model, grid).fit(X, y)
    theirs = sklearn_ms.GridSearchCV(model, grid).fit(X, y)
    compare_searches(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == theirs.score(X, y)
    # A regressor, a named score and a list of grids.
    X, y = load_diabetes(return_X_y=True)
    grid = [
        {"alpha": [0.01, 0.1, 1.0, 10.0]},
        {"alpha": [0.5], "fit_intercept": [False]},
    ]
    ours = GridSearchCV(
        sklearn_linear.Ridge(), grid, scoring="neg_mean_squared_error", cv=4
    ).fit(X, y)
    theirs = sklearn_ms.GridSearchCV(
        sklearn_linear.Ridge(), grid, scoring="neg_mean_squared_error", cv=4
    ).fit(X, y)
    compare_searches(ours, theirs)
    assert ours.cv_results_["param_fit_intercept"] == [None] * 4 + [False]
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), **EXACT)


def test_grid_search_is_scikit_learns_with_our_estimators():
    X, y = load_breast_cancer(return_X_y=True)
    grid = {"max_depth": [1, 2, 3, 4], "min_samples_leaf": [1, 10]}
    ours = GridSearchCV(DecisionTreeClassifier(), grid, cv=4).fit(X, y)
    theirs = sklearn_ms.GridSearchCV(
        sklearn_ready(DecisionTreeClassifier)(), grid, cv=4
    ).fit(X, y)
    compare_searches(ours, theirs)
    X, y = load_iris(return_X_y=True)
    grid = {"n_neighbors": list(range(1, 30, 2)), "weights": ["uniform", "distance"]}
    ours = GridSearchCV(KNeighborsClassifier(), grid).fit(X, y)
    theirs = sklearn_ms.GridSearchCV(sklearn_ready(KNeighborsClassifier)(), grid)
    compare_searches(ours, theirs.fit(X, y))


def test_grid_search_by_hand_ties_std_and_refit():
    # MeanRegressor with shift 1, 0 and -1 on y = 1..6, three folds, neg MSE. A
    # shift s changes fold j's MSE from m_j to m_j + 2 s b_j + s^2, where the
    # folds' biases b_j (prediction minus mean test target) are +3, 0 and -3: they
    # cancel in the mean, which is 18.75 / 3 + s^2. Shifts 1 and -1 tie (rank 2,
    # the smaller rank of the tie), below shift 0.
    X = np.arange(6.0)[:, np.newaxis]
    y = np.arange(1.0, 7.0)
    search = GridSearchCV(
        MeanRegressor(),
        {"shift": [1.0, 0.0, -1.0]},
        scoring="neg_mean_squared_error",
        cv=3,
    ).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"],
        [-(18.75 / 3 + 1), -18.75 / 3, -(18.75 / 3 + 1)],
    )
    np.testing.assert_array_equal(search.cv_results_["rank_test_score"], [2, 1, 2])
    assert search.best_params_ == {"shift": 0.0}
    # Population standard deviation (ddof=0) of -9.25, -0.25, -9.25: sqrt(18).
    assert search.cv_results_["std_test_score"][1] == pytest.approx(np.sqrt(18.0))
    # Refitted on all six samples: mean 3.5 (a fold's model would say 4.5 or 2.5).
    assert search.best_estimator_.mean_ == 3.5
    np.testing.assert_allclose(search.predict(X[:2]), [3.5, 3.5])
    # An exact tie for the best goes to the first candidate.
    tie = GridSearchCV(
        MeanRegressor(), {"shift": [-1.0, 1.0]}, scoring="neg_mean_squared_error", cv=3
    ).fit(X, y)
    assert tie.best_params_ == {"shift": -1.0}


def test_every_candidate_sees_the_same_folds():
    # An unseeded shuffling splitter gives new folds on every split() call; the
    # search lists them once, so two identical candidates get identical scores.
    X, y = load_wine(return_X_y=True)
    search = GridSearchCV(
        KNeighborsClassifier(), {"n_neighbors": [5, 5]}, cv=KFold(5, shuffle=True)
    ).fit(X, y)
    np.testing.assert_array_equal(
        [search.cv_results_[f"split{k}_test_score"][0] for k in range(5)],
        [search.cv_results_[f"split{k}_test_score"][1] for k in range(5)],
    )


def test_search_leaves_the_estimator_alone_and_refits_a_clone():
    X, y = load_iris(return_X_y=True)
    model = KNeighborsClassifier()
    search = GridSearchCV(model, {"n_neighbors": [1, 10]}).fit(X, y)
    assert not is_fitted(model) and model.n_neighbors == 5
    assert search.best_estimator_ is not model
    fresh = KNeighborsClassifier(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict(X), fresh.predict(X))
    np.testing.assert_array_equal(search.classes_, [0, 1, 2])
    np.testing.assert_allclose(search.predict_proba(X), fresh.predict_proba(X))


def test_randomized_search_draws_distinct_grid_points_reproducibly():
    X, y = load_wine(return_X_y=True)
    grid = {"n_neighbors": [1, 3, 5, 9, 15], "weights": ["uniform", "distance"]}
    first = RandomizedSearchCV(KNeighborsClassifier(), grid, n_iter=6, random_state=0)
    second = RandomizedSearchCV(KNeighborsClassifier(), grid, n_iter=6, random_state=0)
    candidates = first.fit(X, y).cv_results_["params"]
    assert candidates == second.fit(X, y).cv_results_["params"]
    assert len(candidates) == 6
    everything = parameter_grid(grid)
    assert all(candidate in everything for candidate in candidates)
    assert len({tuple(sorted(c.items())) for c in candidates}) == 6  # no repeats
    with pytest.warns(UserWarning, match="all of them"):
        whole = RandomizedSearchCV(KNeighborsClassifier(), grid, n_iter=50).fit(X, y)
    assert len(whole.cv_results_["params"]) == 10


def test_randomized_search_is_scikit_learns_given_the_same_candidates():
    X, y = load_breast_cancer(return_X_y=True)
    distributions = {
        "alpha": scipy.stats.loguniform(1e-3, 1e2),
        "fit_intercept": [True, False],
    }
    ours = RandomizedSearchCV(
        sklearn_linear.RidgeClassifier(), distributions, n_iter=8, random_state=1
    ).fit(X, y)
    candidates = ours.cv_results_["params"]
    alphas = [c["alpha"] for c in candidates]
    assert all(1e-3 <= a <= 1e2 for a in alphas) and len(set(alphas)) == 8
    as_grid = [{name: [value] for name, value in c.items()} for c in candidates]
    theirs = sklearn_ms.GridSearchCV(sklearn_linear.RidgeClassifier(), as_grid)
    compare_searches(ours, theirs.fit(X, y))
    # And with our estimator inside both.
    grid = {"n_neighbors": list(range(1, 40)), "weights": ["uniform", "distance"]}
    ours = RandomizedSearchCV(KNeighborsClassifier(), grid, random_state=2).fit(X, y)
    as_grid = [{k: [v] for k, v in c.items()} for c in ours.cv_results_["params"]]
    theirs = sklearn_ms.GridSearchCV(sklearn_ready(KNeighborsClassifier)(), as_grid)
    compare_searches(ours, theirs.fit(X, y))


def test_nested_cross_validation_is_scikit_learns():
    # A search is itself an estimator: cross-validating it scores the whole
    # tuning procedure on data it never saw (the honest estimate).
    X, y = load_wine(return_X_y=True)
    grid = {"n_neighbors": [1, 5, 15]}
    model = sklearn_neighbors.KNeighborsClassifier()
    ours = cross_val_score(GridSearchCV(model, grid, cv=3), X, y, cv=4)
    theirs = sklearn_ms.cross_val_score(
        sklearn_ms.GridSearchCV(model, grid, cv=3), X, y, cv=4
    )
    np.testing.assert_allclose(ours, theirs, **EXACT)


# -- curves ---------------------------------------------------------------


def shuffled(loader, seed=0):
    X, y = loader(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(y))
    return X[order], y[order]


@pytest.mark.filterwarnings("ignore:Removed duplicate entries")  # scikit-learn's
@pytest.mark.parametrize(
    "train_sizes", [np.linspace(0.1, 1.0, 5), [0.05, 0.3, 0.3, 1.0], [20, 50, 100]]
)
def test_learning_curve_is_scikit_learns(train_sizes):
    X, y = shuffled(load_breast_cancer)
    model = sklearn_neighbors.KNeighborsClassifier()
    ours = learning_curve(model, X, y, train_sizes=train_sizes)
    theirs = sklearn_ms.learning_curve(model, X, y, train_sizes=train_sizes)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1], **EXACT)
    np.testing.assert_allclose(ours[2], theirs[2], **EXACT)


def test_learning_curve_is_scikit_learns_with_our_estimator():
    X, y = shuffled(load_diabetes)
    ours = learning_curve(Ridge(0.1), X, y, cv=4, scoring="neg_mean_squared_error")
    theirs = sklearn_ms.learning_curve(
        sklearn_ready(Ridge)(0.1), X, y, cv=4, scoring="neg_mean_squared_error"
    )
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, reference, **EXACT)
    assert ours[1].shape == ours[2].shape == (5, 4)
    # Shuffled subsets: other samples, the same sizes.
    sizes, train, _ = learning_curve(
        Ridge(0.1), X, y, cv=4, shuffle=True, random_state=0
    )
    np.testing.assert_array_equal(sizes, ours[0])
    assert not np.allclose(train, ours[1])


def test_validation_curve_is_scikit_learns():
    X, y = load_breast_cancer(return_X_y=True)
    depths = [1, 2, 4, 8, None]
    ours = validation_curve(
        DecisionTreeClassifier(), X, y, param_name="max_depth", param_range=depths
    )
    theirs = sklearn_ms.validation_curve(
        sklearn_ready(DecisionTreeClassifier)(),
        X,
        y,
        param_name="max_depth",
        param_range=depths,
    )
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, reference, **EXACT)
    # Bias and variance: the training score grows with depth to 1 at full depth.
    assert np.all(np.diff(ours[0].mean(axis=1)) >= 0) and ours[0][-1].min() == 1.0
    X, y = load_iris(return_X_y=True)
    ks = [1, 5, 15, 45]
    ours = validation_curve(
        sklearn_neighbors.KNeighborsClassifier(),
        X,
        y,
        param_name="n_neighbors",
        param_range=ks,
        cv=3,
    )
    theirs = sklearn_ms.validation_curve(
        sklearn_neighbors.KNeighborsClassifier(),
        X,
        y,
        param_name="n_neighbors",
        param_range=ks,
        cv=3,
    )
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, reference, **EXACT)


def test_curves_reject_bad_arguments():
    X, y = load_iris(return_X_y=True)
    model = KNeighborsClassifier()
    with pytest.raises(ValueError, match="train_sizes"):
        learning_curve(model, X, y, train_sizes=[0.0, 0.5])
    with pytest.raises(ValueError, match="train_sizes"):
        learning_curve(model, X, y, train_sizes=[10, 1000])
    with pytest.raises(ValueError, match="not a hyperparameter"):
        validation_curve(model, X, y, param_name="k", param_range=[1, 3])
    with pytest.raises(ValueError, match="scoring"):
        cross_val_score(model, X, y, scoring="f1")
    with pytest.raises(TypeError, match="estimator"):
        cross_val_score("knn", X, y)
    with pytest.raises(ValueError, match="NaN"):
        cross_val_score(model, np.full_like(X, np.nan), y)


# -- voting -------------------------------------------------------------------


def constant_members(weights=None):
    return [
        ("a", ConstantClassifier(0, (0.9, 0.1))),
        ("b", ConstantClassifier(1, (0.4, 0.6))),
        ("c", ConstantClassifier(1, (0.45, 0.55))),
    ]


@pytest.mark.parametrize(
    ("voting", "weights", "expected", "proba_no"),
    [
        # a says "no", b and c say "yes": 1 vote against 2.
        ("hard", None, "yes", None),
        # a's vote weighs 3: 3 against 2.
        ("hard", [3, 1, 1], "no", None),
        # 2 against 2: the tie goes to the smaller label, "no".
        ("hard", [2, 1, 1], "no", None),
        # Soft: P(no) = (0.9 + 0.4 + 0.45) / 3 = 0.5833: a's confidence wins.
        ("soft", None, "no", 1.75 / 3),
        # Without a: P(no) = (0.4 + 0.45) / 2 = 0.425.
        ("soft", [0, 1, 1], "yes", 0.425),
        # P(no) = (2 * 0.9 + 0.4 + 0.45) / 4 = 0.6625.
        ("soft", [2, 1, 1], "no", 0.6625),
    ],
)
def test_voting_by_hand(voting, weights, expected, proba_no):
    X = np.zeros((3, 1))
    y = np.array(["yes", "no", "yes"])
    model = VotingClassifier(constant_members(), voting=voting, weights=weights)
    np.testing.assert_array_equal(model.fit(X, y).predict(X), [expected] * 3)
    np.testing.assert_array_equal(model.classes_, ["no", "yes"])
    if proba_no is not None:
        np.testing.assert_allclose(model.predict_proba(X)[:, 0], proba_no)
    else:
        with pytest.raises(AttributeError, match="soft"):
            model.predict_proba(X)


def test_voting_clones_its_members():
    X, y = load_iris(return_X_y=True)
    knn = KNeighborsClassifier()
    model = VotingClassifier([("knn", knn), ("nb", GaussianNB())]).fit(X, y)
    assert not is_fitted(knn)
    assert model.named_estimators_["knn"] is model.estimators_[0] is not knn
    # Members learn class indices, whatever the labels.
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    model.fit(X, labels)
    np.testing.assert_array_equal(model.estimators_[0].classes_, [0, 1, 2])
    assert set(model.predict(X)) <= set(labels)


def sklearn_members():
    return [
        ("lr", sklearn_linear.LogisticRegression(max_iter=5000)),
        ("nb", sklearn_nb.GaussianNB()),
        ("tree", sklearn_tree.DecisionTreeClassifier(max_depth=3, random_state=0)),
        ("knn", sklearn_neighbors.KNeighborsClassifier(7)),
    ]


def our_members(ready=lambda cls: cls):
    return [
        ("lr", ready(LogisticRegression)(C=1.0, max_iter=200)),
        ("nb", ready(GaussianNB)()),
        ("tree", ready(DecisionTreeClassifier)(max_depth=3)),
        ("knn", ready(KNeighborsClassifier)(7)),
    ]


@pytest.mark.parametrize("voting", ["hard", "soft"])
@pytest.mark.parametrize("weights", [None, [1, 2, 1, 1], [0.5, 0, 2.5, 1]])
@pytest.mark.parametrize(
    "loader", [load_breast_cancer, load_wine], ids=["cancer", "wine"]
)
def test_voting_is_scikit_learns(voting, weights, loader):
    X, y = loader(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    train, test = np.arange(len(y)) % 3 != 0, np.arange(len(y)) % 3 == 0
    settings = {"voting": voting, "weights": weights}
    for ours, theirs in [
        (  # scikit-learn's members in both
            VotingClassifier(sklearn_members(), **settings),
            sklearn_ensemble.VotingClassifier(sklearn_members(), **settings),
        ),
        (  # ours in both
            VotingClassifier(our_members(), **settings),
            sklearn_ensemble.VotingClassifier(our_members(sklearn_ready), **settings),
        ),
    ]:
        ours.fit(X[train], y[train])
        theirs.fit(X[train], y[train])
        np.testing.assert_array_equal(ours.predict(X[test]), theirs.predict(X[test]))
        assert ours.score(X[test], y[test]) == theirs.score(X[test], y[test])
        if voting == "soft":
            np.testing.assert_allclose(
                ours.predict_proba(X[test]), theirs.predict_proba(X[test]), **EXACT
            )


def test_cross_validated_voting_is_scikit_learns():
    X, y = load_wine(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    ours = cross_val_score(
        VotingClassifier(sklearn_members(), voting="soft", weights=[2, 1, 1, 1]), X, y
    )
    theirs = sklearn_ms.cross_val_score(
        sklearn_ensemble.VotingClassifier(
            sklearn_members(), voting="soft", weights=[2, 1, 1, 1]
        ),
        X,
        y,
    )
    np.testing.assert_allclose(ours, theirs, **EXACT)


def test_soft_voting_beats_each_member_on_breast_cancer():
    # The chapter's ensemble: kNN, a shallow tree and LDA make different mistakes.
    X, y = shuffled(load_breast_cancer)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    members = [
        ("knn", KNeighborsClassifier(7)),
        ("tree", DecisionTreeClassifier(max_depth=3)),
        ("lda", LinearDiscriminantAnalysis()),
    ]
    member_scores = [cross_val_score(m, X, y).mean() for _, m in members]
    for weights in (None, [2, 1, 1]):
        vote = VotingClassifier(members, voting="soft", weights=weights)
        assert cross_val_score(vote, X, y).mean() > max(member_scores)
