"""Chapter 7: Gaussian naive Bayes against scikit-learn's GaussianNB."""

import numpy as np
from harness import Case, split
from sklearn import naive_bayes

from scratchlearn.supervised import GaussianNB


def digits():
    return split("digits")


def breast_cancer():
    return split("breast_cancer")


def many_features():
    """2,000 training and 1,000 test points with 800 features, two classes: the
    product of 800 densities underflows to 0, the log-space sums do not."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=3_000)
    X = rng.normal(size=(3_000, 800)) + 0.1 * y[:, np.newaxis]
    return X[:2_000], X[2_000:], y[:2_000], y[2_000:]


def large_random():
    """50,000 training and 10,000 test points in 20 dimensions, five classes."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 5, size=60_000)
    centres = rng.normal(size=(5, 20))
    X = centres[y] + rng.normal(scale=2.0, size=(60_000, 20))
    return X[:50_000], X[50_000:], y[:50_000], y[50_000:]


CASES = [
    Case(
        name="GaussianNB, digits",
        chapter="7",
        data=digits,
        ours=GaussianNB,
        reference=naive_bayes.GaussianNB,
        notes="reference: sklearn GaussianNB",
    ),
    Case(
        name="GaussianNB var_smoothing=0.1, digits",
        chapter="7",
        data=digits,
        ours=lambda: GaussianNB(var_smoothing=0.1),
        reference=lambda: naive_bayes.GaussianNB(var_smoothing=0.1),
    ),
    Case(
        name="GaussianNB, breast cancer",
        chapter="7",
        data=breast_cancer,
        ours=GaussianNB,
        reference=naive_bayes.GaussianNB,
    ),
    Case(
        name="GaussianNB, 2000 x 800 (no underflow)",
        chapter="7",
        data=many_features,
        ours=GaussianNB,
        reference=naive_bayes.GaussianNB,
        repeats=5,
    ),
    Case(
        name="GaussianNB, 50000 x 20, 5 classes",
        chapter="7",
        data=large_random,
        ours=GaussianNB,
        reference=naive_bayes.GaussianNB,
        repeats=5,
    ),
]
