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


def output_method(estimator):
    """The method that uses a fitted estimator: predict, or transform."""
    return estimator.predict if hasattr(estimator, "predict") else estimator.transform


@pytest.fixture
def root():
    return ROOT
