"""Chapter 21: PCA by the SVD against scikit-learn's PCA (its default solver, which on
data much taller than wide takes the eigenvectors of the covariance matrix instead).

A PCA has no ``predict``: the harness times ``transform`` in its place, and the score
is the share of the test data's variance that the reconstruction keeps (R^2 of
``inverse_transform(transform(X))``).
"""

from functools import cache

import numpy as np
from harness import Case, split
from sklearn import decomposition

from scratchlearn.unsupervised import PCA

CHAPTER = "21"


class Projection:
    """A PCA (ours or scikit-learn's, made by ``make``) as the harness times an
    estimator: ``predict`` projects, ``score`` is the reconstruction's R^2."""

    def __init__(self, make):
        self.make = make

    def fit(self, X, y=None):
        self.model_ = self.make().fit(X)
        return self

    def predict(self, X):
        return self.model_.transform(X)

    def score(self, X, y=None):
        rebuilt = self.model_.inverse_transform(self.model_.transform(X))
        return 1.0 - np.sum((X - rebuilt) ** 2) / np.sum((X - X.mean(axis=0)) ** 2)


@cache
def digits():
    return split("digits")


@cache
def tall():
    """20,000 training and 5,000 test points in 100 correlated dimensions."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(25_000, 100)) @ rng.normal(size=(100, 100))
    return X[:20_000], X[20_000:], None, None


@cache
def wide():
    """300 training and 100 test points in 2,000 dimensions."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 20)) @ rng.normal(size=(20, 2_000))
    X += 0.1 * rng.normal(size=X.shape)
    return X[:300], X[300:], None, None


def case(name, data, **settings):
    return Case(
        name=f"PCA {name}",
        chapter=CHAPTER,
        data=data,
        ours=lambda: Projection(lambda: PCA(**settings)),
        reference=lambda: Projection(lambda: decomposition.PCA(**settings)),
        repeats=9,
    )


CASES = [
    case("all components, digits", digits),
    case("n_components=2, digits", digits, n_components=2),
    case("n_components=0.9 whiten, digits", digits, n_components=0.9, whiten=True),
    case("n_components=10, 20000 x 100", tall, n_components=10),
    case("n_components=10, 300 x 2000", wide, n_components=10),
]
