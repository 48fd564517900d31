"""Bad input gets a clear error naming the problem, for every estimator, and loses
nothing: a failed call leaves a fitted estimator as it was."""

import numpy as np
import pytest

from scratchlearn import NotFittedError, all_estimators
from tests.conftest import make_estimator, output_method, toy_data

ESTIMATORS = all_estimators()
IDS = [cls.__name__ for cls in ESTIMATORS]

# Invalid hyperparameters of each estimator. Every estimator must have an entry, so
# that adding one to the package without saying how it rejects bad settings fails.
INVALID_PARAMS = {
    "XGBoostClassifier": [
        {"n_estimators": 0},
        {"n_estimators": 2.5},
        {"max_depth": 0},
        {"learning_rate": 0.0},
        {"reg_lambda": -1.0},
        {"gamma": -0.5},
        {"min_child_weight": -1.0},
        {"base_score": 1.0},  # a probability for two classes: strictly in (0, 1)
        {"base_score": "prior"},
    ],
    "XGBoostRegressor": [
        {"n_estimators": -1},
        {"max_depth": 1.5},
        {"learning_rate": "fast"},
        {"reg_lambda": "strong"},
        {"gamma": -1.0},
        {"min_child_weight": -0.1},
        {"base_score": "mean"},
    ],
    "AdaBoostClassifier": [
        {"n_estimators": 0},
        {"n_estimators": 2.5},
        {"learning_rate": 0.0},
        {"learning_rate": -1.0},
        {"learning_rate": "fast"},
        {"max_depth": 0},
        {"max_depth": 1.5},
        {"random_state": "seed"},
    ],
    "DecisionTreeClassifier": [
        {"criterion": "squared_error"},
        {"max_depth": 0},
        {"max_depth": 2.5},
        {"min_samples_split": 1},
        {"min_samples_split": 1.5},
        {"min_samples_leaf": 0},
        {"min_samples_leaf": 0.0},
        {"max_features": 0},
        {"max_features": 100},
        {"max_features": "all"},
        {"max_features": 1.5},
        {"random_state": "seed"},
    ],
    "DecisionTreeRegressor": [
        {"criterion": "gini"},
        {"max_depth": -1},
        {"min_samples_split": 0},
        {"min_samples_leaf": -2},
        {"max_features": -1},
        {"max_features": "auto"},
    ],
    "RandomForestClassifier": [
        {"n_estimators": 0},
        {"n_estimators": 2.5},
        {"criterion": "squared_error"},
        {"max_depth": 0},
        {"min_samples_split": 1},
        {"min_samples_leaf": 0},
        {"max_features": 0},
        {"max_features": "auto"},
        {"bootstrap": "yes"},
        {"oob_score": 1.5},
        {"random_state": "seed"},
    ],
    "RandomForestRegressor": [
        {"n_estimators": -1},
        {"criterion": "gini"},
        {"max_depth": 1.5},
        {"max_features": 1.5},
        {"bootstrap": None},
        {"oob_score": "yes"},
    ],
    "GradientBoostingClassifier": [
        {"learning_rate": 0.0},
        {"learning_rate": "fast"},
        {"n_estimators": 0},
        {"n_estimators": 2.5},
        {"max_depth": 0},
        {"min_samples_split": 1},
        {"min_samples_leaf": 0},
        {"subsample": 0.0},
        {"subsample": 1.5},
        {"random_state": "seed"},
    ],
    "GradientBoostingRegressor": [
        {"learning_rate": -0.1},
        {"n_estimators": -1},
        {"max_depth": 1.5},
        {"min_samples_leaf": 0.0},
        {"subsample": "half"},
        {"random_state": "seed"},
    ],
    "SVC": [
        {"C": 0.0},
        {"C": -1.0},
        {"kernel": "sigmoid"},
        {"degree": -1},
        {"degree": 2.5},
        {"gamma": "large"},
        {"gamma": -0.1},
        {"coef0": "one"},
        {"tol": 0.0},
        {"max_iter": 0},
        {"max_iter": 1.5},
        {"probability": "yes"},
        {"decision_function_shape": "ovo-ovr"},
        {"random_state": "seed"},
    ],
    "KNeighborsClassifier": [
        {"n_neighbors": 0},
        {"n_neighbors": -3},
        {"n_neighbors": 2.5},
        {"metric": "cosine"},
        {"weights": "gaussian"},
        {"p": 0.5},
    ],
    "KNeighborsRegressor": [
        {"n_neighbors": 0},
        {"n_neighbors": 1000},  # more neighbours than training samples
        {"metric": "chebyshev"},
        {"weights": None},
    ],
    "Ridge": [
        {"alpha": -1.0},
        {"alpha": "strong"},
        {"fit_intercept": "yes"},
    ],
    "Lasso": [
        {"alpha": -1.0},
        {"max_iter": 0},
        {"max_iter": 2.5},
        {"tol": -1.0},
        {"tol": 0.0},
        {"fit_intercept": None},
    ],
    "ElasticNet": [
        {"alpha": -0.5},
        {"l1_ratio": 1.5},
        {"l1_ratio": -0.1},
        {"max_iter": 0},
        {"tol": -1.0},
        {"fit_intercept": "no"},
    ],
    "GaussianNB": [
        {"var_smoothing": -1e-9},
        {"var_smoothing": "small"},
        {"priors": [0.5, 0.6]},  # does not sum to 1
        {"priors": [1.5, -0.5]},  # negative
        {"priors": [1.0]},  # one prior for two classes
        {"priors": "uniform"},
    ],
    "LinearDiscriminantAnalysis": [
        {"n_components": 0},
        {"n_components": 2},  # two classes have one discriminant direction
        {"n_components": 1.5},
        {"solver": "lsqr"},
        {"shrinkage": -0.1},
        {"shrinkage": 1.5},
        {"shrinkage": "auto"},
        {"priors": [0.5, 0.6]},  # does not sum to 1
        {"priors": [1.0]},  # one prior for two classes
    ],
    "LogisticRegression": [
        {"C": 0.0},
        {"C": -1.0},
        {"C": "strong"},
        {"solver": "lbfgs"},
        {"learning_rate": 0},
        {"learning_rate": -0.5},
        {"max_iter": 0},
        {"max_iter": 2.5},
        {"tol": 0.0},
        {"tol": -1e-4},
        {"fit_intercept": "yes"},
    ],
    "LinearRegression": [
        {"solver": "newton"},
        {"fit_intercept": "yes"},
        {"learning_rate": 0},
        {"learning_rate": -0.1},
        {"learning_rate": "fast"},
        {"max_iter": 0},
        {"max_iter": 2.5},
        {"batch_size": 0},
        {"batch_size": 1.5},
        {"random_state": "seed"},
    ],
    "Perceptron": [
        {"learning_rate": 0},
        {"learning_rate": -1.0},
        {"learning_rate": "fast"},
        {"max_iter": 0},
        {"max_iter": 2.5},
        {"tol": -1e-3},
        {"tol": "small"},
        {"n_iter_no_change": 0},
        {"shuffle": "yes"},
        {"fit_intercept": None},
        {"random_state": "seed"},
    ],
    "PolynomialFeatures": [
        {"degree": -1},
        {"degree": 2.5},
        {"degree": 0},  # with include_bias=False: no output column at all
        {"include_bias": "yes"},
    ],
    "StandardScaler": [],
    "VotingClassifier": [
        {"voting": "average"},
        {"estimators": []},
        {"estimators": "knn"},
        {"estimators": [("a", None)]},  # not an estimator
        {"weights": [1.0, 2.0]},  # three estimators
        {"weights": [1.0, -1.0, 1.0]},
        {"weights": [0.0, 0.0, 0.0]},
        {"weights": "equal"},
    ],
    "GridSearchCV": [
        {"estimator": None},
        {"param_grid": {"n_neighbors": 3}},  # not a list of values
        {"param_grid": {"n_neighbors": []}},
        {"param_grid": {"neighbours": [1, 3]}},  # not a hyperparameter
        {"param_grid": "n_neighbors"},
        {"scoring": "f2"},
        {"cv": 1},
        {"cv": "five"},
    ],
    "RandomizedSearchCV": [
        {"n_iter": 0},
        {"n_iter": 2.5},
        {"param_distributions": {"n_neighbors": 5}},
        {"param_distributions": {"k": [1, 2]}},
        {"scoring": "auc"},
        {"cv": 0},
        {"random_state": "seed"},
    ],
    "KMeans": [
        {"n_clusters": 0},
        {"n_clusters": 2.5},
        {"n_clusters": 1000},  # more clusters than samples
        {"init": "kmeans++"},
        {"init": [[0.0, 0.0, 0.0]]},  # one centre for eight clusters
        {"n_init": 0},
        {"max_iter": 0},
        {"tol": -1e-4},
        {"random_state": "seed"},
    ],
    "KMedoids": [
        {"n_clusters": 0},
        {"n_clusters": 1000},  # more clusters than samples
        {"method": "clara"},
        {"metric": "cosine"},
        {"max_iter": 1.5},
        {"random_state": "seed"},
    ],
    "BayesianLinearRegression": [
        {"prior_precision": 0.0},
        {"prior_precision": -1.0},
        {"prior_precision": "strong"},
        {"noise_precision": 0.0},
        {"noise_precision": "known"},
        {"a0": 0.0},
        {"b0": -1.0},
        {"fit_intercept": "yes"},
        {"random_state": "seed"},
    ],
    # Chapter 22: association rules.
    "Apriori": [
        {"min_support": 0.0},  # every itemset, even those in no transaction
        {"min_support": 1.5},
        {"min_support": 2},  # a count, not a share of the transactions
        {"min_confidence": -0.1},
        {"min_confidence": 1.2},
        {"max_len": 0},
        {"max_len": 2.5},
    ],
    "FPGrowth": [
        {"min_support": -0.1},
        {"min_support": "0.5"},
        {"min_confidence": "high"},
        {"max_len": -1},
    ],
    "DBSCAN": [
        {"eps": 0.0},
        {"eps": -0.5},
        {"eps": "wide"},
        {"min_samples": 0},
        {"min_samples": 2.5},
        {"metric": "cosine"},
    ],
    "AgglomerativeClustering": [
        {"n_clusters": 0},
        {"n_clusters": 2.5},
        {"n_clusters": 41},  # more clusters than the 40 samples
        {"distance_threshold": -1.0},
        {"distance_threshold": 1.0},  # with n_clusters=2: give one of the two
        {"distance_threshold": "auto"},
        {"linkage": "centroid"},
    ],
    "GaussianMixture": [
        {"n_components": 0},
        {"n_components": 2.5},
        {"n_components": 100},  # more components than the 40 samples
        {"covariance_type": "diagonal"},
        {"tol": -1.0},
        {"reg_covar": -1e-6},
        {"max_iter": 0},
        {"n_init": 0},
        {"init_params": "kmeans++"},
        {"weights_init": "uniform"},
        {"weights_init": [0.5, 0.5]},  # two weights for one component
        {"means_init": [[0.0]]},  # one feature, the data have three
        {"precisions_init": [[1.0, 0.0, 0.0]]},  # not (1, 3, 3) for "full"
        {"random_state": "seed"},
    ],
    "PCA": [
        {"n_components": 0},
        {"n_components": 1.0},  # a share must be below 1
        {"n_components": 1.5},
        {"n_components": 10},  # more than the 3 features
        {"n_components": "mle"},
        {"whiten": "yes"},
    ],
    "BernoulliRBM": [
        {"n_components": 0},
        {"n_components": 2.5},
        {"learning_rate": 0.0},
        {"learning_rate": "fast"},
        {"batch_size": 0},
        {"n_iter": -1},
        {"k": 0},
        {"k": 1.5},
        {"persistent": "yes"},
        {"random_state": "seed"},
    ],
}


def _bad_training_sets(estimator):
    X, y = toy_data(estimator)
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    y_nan = y.astype(float)
    y_nan[5] = np.nan
    return {
        "NaN in X": (X_nan, y, "NaN or infinity"),
        "inf in X": (X_inf, y, "NaN or infinity"),
        "NaN in y": (X, y_nan, "NaN or infinity"),
        "empty X": (X[:0], y[:0], "empty"),
        "1-D X": (X[:, 0], y, "2-D"),
        "X and y of different lengths": (X, y[:-1], "different numbers of samples"),
    }


CASES = [
    "NaN in X",
    "inf in X",
    "NaN in y",
    "empty X",
    "1-D X",
    "X and y of different lengths",
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_fit_rejects_bad_data_clearly(cls, case):
    estimator = make_estimator(cls)
    X, y, message = _bad_training_sets(estimator)[case]
    kind = getattr(estimator, "_estimator_type", None)
    if case == "NaN in y" and kind in (None, "clusterer"):
        pytest.skip("a transformer or a clusterer ignores y's values")
    if case == "X and y of different lengths" and kind == "clusterer":
        pytest.skip("a clusterer ignores y, as scikit-learn's do")
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, y)


CLASSIFIERS = [
    cls
    for cls in ESTIMATORS
    if getattr(make_estimator(cls), "_estimator_type", None) == "classifier"
]


@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda cls: cls.__name__)
def test_a_classifier_refuses_a_continuous_target(cls):
    # A regression target given to a classifier would otherwise become one class
    # per sample; the message says what went wrong (scikit-learn's wording).
    estimator = make_estimator(cls)
    X, _ = toy_data(estimator, n_samples=30)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        estimator.fit(X, np.linspace(0, 1, len(X)))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_a_failed_fit_loses_nothing(cls):
    estimator = make_estimator(cls)
    X, y = toy_data(estimator)
    before = output_method(estimator.fit(X, y))(X)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError):
        estimator.fit(X_nan, y)
    np.testing.assert_array_equal(output_method(estimator)(X), before)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_using_before_fit_raises_not_fitted(cls):
    estimator = make_estimator(cls)
    X, _ = toy_data(estimator)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        output_method(estimator)(X)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=IDS)
def test_other_number_of_features_after_fit(cls):
    estimator = make_estimator(cls)
    X, y = toy_data(estimator, n_features=3)
    estimator.fit(X, y)
    with pytest.raises(ValueError, match=r"X has 2 features, but .* with 3 features"):
        output_method(estimator)(X[:, :2])
    with pytest.raises(ValueError, match="NaN or infinity"):
        output_method(estimator)(np.full_like(X, np.nan))
    with pytest.raises(ValueError, match="2-D"):
        output_method(estimator)(X[0])


def test_every_estimator_lists_its_invalid_hyperparameters():
    missing = [cls.__name__ for cls in ESTIMATORS if cls.__name__ not in INVALID_PARAMS]
    assert not missing, f"add invalid hyperparameters for {missing} to INVALID_PARAMS"


@pytest.mark.parametrize(
    ("cls", "params"),
    [
        (cls, params)
        for cls in ESTIMATORS
        for params in INVALID_PARAMS.get(cls.__name__, [])
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else repr(value),
)
def test_invalid_hyperparameter_is_named_in_the_error(cls, params):
    estimator = make_estimator(cls, **params)
    X, y = toy_data(estimator)
    (name,) = params
    with pytest.raises((ValueError, TypeError), match=name):
        estimator.fit(X, y)
