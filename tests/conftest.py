"""Shared fixtures: small seeded data sets that every estimator can be fitted on."""

import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def toy_data(estimator, n_samples=40, n_features=3, seed=0):
    """Seeded data fitting the kind of ``estimator``: labels for a classifier,
    real targets otherwise (transformers ignore them)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    if getattr(estimator, "_estimator_type", None) == "classifier":
        y = (X[:, 0] + 0.5 * rng.normal(size=n_samples) > 0).astype(int)
    else:
        y = X @ np.arange(1.0, n_features + 1) + 0.1 * rng.normal(size=n_samples)
    return X, y


def stretched_classes():
    """Two long, thin, tilted classes side by side (the LDA chapter's picture)."""
    rng = np.random.default_rng(0)
    turn = np.deg2rad(35)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    shared = rotation @ np.diag([2.5, 0.08]) @ rotation.T
    X = np.vstack(
        [
            rng.multivariate_normal([0.0, 0.0], shared, size=60),
            rng.multivariate_normal([1.5, 0.0], shared, size=60),
        ]
    )
    return X, np.repeat([0, 1], 60)


def standardised_diabetes():
    """Diabetes split as the regularisation chapter splits it, standardised with the
    training part's statistics: (Z_train, y_train, Z_test, y_test, feature_names)."""
    from scratchlearn import datasets
    from scratchlearn.preprocessing import StandardScaler

    data = datasets.diabetes()
    parts = datasets.split(data.X, data.y, test_size=0.25)
    scaler = StandardScaler().fit(parts.X_train)
    Z_train, Z_test = scaler.transform(parts.X_train), scaler.transform(parts.X_test)
    return Z_train, parts.y_train, Z_test, parts.y_test, data.feature_names


def required_arguments(cls):
    """Fresh values of the arguments ``cls`` has no default for, or ``{}``.

    Meta-estimators (Chapter 15) combine or tune other estimators, which they cannot
    guess: a voting ensemble needs its members, a search its model and grid. The
    parametrised tests build them with these.
    """
    from scratchlearn.supervised import (
        DecisionTreeClassifier,
        GaussianNB,
        KNeighborsClassifier,
    )

    tables = {
        "VotingClassifier": lambda: {
            "estimators": [
                ("knn", KNeighborsClassifier(3)),
                ("tree", DecisionTreeClassifier(max_depth=3)),
                ("nb", GaussianNB()),
            ]
        },
        "GridSearchCV": lambda: {
            "estimator": KNeighborsClassifier(),
            "param_grid": {"n_neighbors": [1, 3, 5]},
        },
        "RandomizedSearchCV": lambda: {
            "estimator": KNeighborsClassifier(),
            "param_distributions": {"n_neighbors": list(range(1, 16))},
            "random_state": 0,  # the same draws each fit, so refits can be compared
        },
    }
    return tables[cls.__name__]() if cls.__name__ in tables else {}


def make_estimator(cls, **params):
    """``cls(**params)``, with the arguments it requires added unless given."""
    return cls(**{**required_arguments(cls), **params})


def output_method(estimator):
    """The method that uses a fitted estimator: predict, or transform."""
    return estimator.predict if hasattr(estimator, "predict") else estimator.transform


@pytest.fixture
def root():
    return ROOT
