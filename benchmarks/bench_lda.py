"""Chapter 8: linear discriminant analysis against scikit-learn's
LinearDiscriminantAnalysis, with the same solver on both sides.

Fitting is a few matrix products and one small eigenproblem (or two SVDs), so on the
bundled data sets both take about a millisecond and the ratio mostly measures
scikit-learn's input validation; the large seeded case measures the linear algebra.
"""

from functools import cache

import numpy as np
from harness import Case, split
from sklearn import discriminant_analysis

from scratchlearn.supervised import LinearDiscriminantAnalysis

CHAPTER = "8"


@cache
def wine():
    return split("wine")


@cache
def breast_cancer():
    return split("breast_cancer")


@cache
def digits():
    return split("digits")


@cache
def large_random():
    """50,000 training and 10,000 test points in 50 dimensions, ten classes sharing
    one correlated covariance."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, size=60_000)
    mixing = rng.normal(size=(50, 50)) / np.sqrt(50)
    X = rng.normal(size=(10, 50))[y] + rng.normal(size=(60_000, 50)) @ mixing
    return X[:50_000], X[50_000:], y[:50_000], y[50_000:]


def _pair(**params):
    return {
        "ours": lambda: LinearDiscriminantAnalysis(**params),
        "reference": lambda: discriminant_analysis.LinearDiscriminantAnalysis(**params),
    }


CASES = [
    Case(
        name="LDA eigen, wine",
        chapter=CHAPTER,
        data=wine,
        notes="reference: sklearn LinearDiscriminantAnalysis",
        **_pair(solver="eigen"),
    ),
    Case(
        name="LDA svd, wine",
        chapter=CHAPTER,
        data=wine,
        **_pair(solver="svd"),
    ),
    Case(
        name="LDA eigen, breast cancer",
        chapter=CHAPTER,
        data=breast_cancer,
        **_pair(solver="eigen"),
    ),
    Case(
        name="LDA svd, digits (singular S_w)",
        chapter=CHAPTER,
        data=digits,
        **_pair(solver="svd"),
    ),
    Case(
        name="LDA eigen shrinkage=0.1, digits",
        chapter=CHAPTER,
        data=digits,
        **_pair(solver="eigen", shrinkage=0.1),
    ),
    Case(
        name="LDA eigen, 50000 x 50, 10 classes",
        chapter=CHAPTER,
        data=large_random,
        repeats=5,
        **_pair(solver="eigen"),
    ),
    Case(
        name="LDA svd, 50000 x 50, 10 classes",
        chapter=CHAPTER,
        data=large_random,
        repeats=5,
        **_pair(solver="svd"),
    ),
]
