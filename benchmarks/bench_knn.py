"""Chapter 1: k-nearest neighbours against scikit-learn's brute-force search."""

import numpy as np
from harness import Case, split
from sklearn import neighbors

from scratchlearn.supervised import KNeighborsClassifier, KNeighborsRegressor


def digits():
    return split("digits")


def diabetes():
    return split("diabetes")


def large_random():
    """10,000 training and 2,000 test points in 20 dimensions, four classes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12_000, 20))
    y = (X[:, :2] @ [1.0, -1.0] > 0).astype(int) + 2 * (X[:, 2] > 0)
    return X[:10_000], X[10_000:], y[:10_000], y[10_000:]


def brute(cls, **settings):
    return lambda: cls(algorithm="brute", **settings)


CASES = [
    Case(
        name="KNeighborsClassifier k=5, digits",
        chapter="1",
        data=digits,
        ours=lambda: KNeighborsClassifier(5),
        reference=brute(neighbors.KNeighborsClassifier, n_neighbors=5),
        notes="reference: sklearn KNeighborsClassifier(algorithm='brute')",
    ),
    Case(
        name="KNeighborsClassifier k=5 distance, 10000 x 20",
        chapter="1",
        data=large_random,
        ours=lambda: KNeighborsClassifier(5, weights="distance"),
        reference=brute(
            neighbors.KNeighborsClassifier, n_neighbors=5, weights="distance"
        ),
        repeats=3,
    ),
    Case(
        name="KNeighborsClassifier k=5 manhattan, digits",
        chapter="1",
        data=digits,
        ours=lambda: KNeighborsClassifier(5, metric="manhattan"),
        reference=brute(neighbors.KNeighborsClassifier, n_neighbors=5, p=1),
        repeats=3,
    ),
    Case(
        name="KNeighborsRegressor k=10 distance, diabetes",
        chapter="1",
        data=diabetes,
        ours=lambda: KNeighborsRegressor(10, weights="distance"),
        reference=brute(
            neighbors.KNeighborsRegressor, n_neighbors=10, weights="distance"
        ),
    ),
]
