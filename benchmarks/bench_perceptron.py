"""Chapter 6: the perceptron against scikit-learn's Perceptron.

Both sides get the same settings: learning rate 1 (``eta0``), no penalty, the samples
in their order (``shuffle=False``, so that both make exactly the same updates and end
with the same weights) and ``max_iter=1000``. scikit-learn is given ``tol=None``, its
setting without a stopping rule, with which it runs all ``max_iter`` epochs; ours
stops after the first epoch without a mistake, after which no epoch changes anything.
On separable data that is early, and ours is faster (less so when separating takes
hundreds of epochs, as on breast cancer); on data that no hyperplane separates both
run 1000 epochs, and the times compare a Python loop that turns once
per mistake (ours) with compiled code that visits every sample (scikit-learn's).
"""

from functools import cache

import numpy as np
from harness import Case
from sklearn import linear_model
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from scratchlearn.supervised import Perceptron

CHAPTER = "6"
SETTINGS = {"shuffle": False, "max_iter": 1000}


def _standardised_split(loader):
    X, y = loader(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@cache
def wine():
    return _standardised_split(load_wine)


@cache
def breast_cancer():
    return _standardised_split(load_breast_cancer)


@cache
def iris():
    return _standardised_split(load_iris)


@cache
def digits():
    return _standardised_split(load_digits)


@cache
def large_separable():
    """Seeded 5000 + 1000 points in 20 dimensions, separated by a known hyperplane
    with margin 0.05."""
    rng = np.random.default_rng(0)
    u = rng.normal(size=20)
    u /= np.linalg.norm(u)
    X = rng.uniform(-1.0, 1.0, size=(12_000, 20))
    distance = X @ u + 0.1
    X, distance = X[np.abs(distance) >= 0.05][:6000], distance[np.abs(distance) >= 0.05]
    y = (distance[:6000] > 0).astype(int)
    return X[:5000], X[5000:], y[:5000], y[5000:]


def _case(name, data, notes="", repeats=5):
    return Case(
        name=name,
        chapter=CHAPTER,
        data=data,
        ours=lambda: Perceptron(**SETTINGS),
        reference=lambda: linear_model.Perceptron(
            eta0=1.0, penalty=None, tol=None, **SETTINGS
        ),
        repeats=repeats,
        notes=notes,
    )


CASES = [
    _case(
        "Perceptron, wine (separable)",
        wine,
        notes="3 classes one-vs-rest; ours stops after 10 epochs, sklearn runs 1000",
    ),
    _case(
        "Perceptron, 5000x20 separable",
        large_separable,
        notes="ours stops at the first epoch without a mistake",
    ),
    _case(
        "Perceptron, breast cancer",
        breast_cancer,
        notes="the training part is separable, but only after 241 epochs",
    ),
    _case(
        "Perceptron, digits (10 classes)",
        digits,
        notes="10 one-vs-rest problems, most not separable: 1000 epochs each",
        repeats=3,
    ),
    _case(
        "Perceptron, iris (not separable)",
        iris,
        notes="worst case: a mistake every few samples in every epoch, and the "
        "Python loop turns once per mistake",
    ),
]
