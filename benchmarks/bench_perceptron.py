"""Chapter 6: the perceptron against scikit-learn's Perceptron.

Both sides get the same settings: learning rate 1 (``eta0``), no penalty, the samples
in their order (``shuffle=False``, so that both make exactly the same updates and end
with the same weights), ``max_iter=1000`` and the same stopping rule, scikit-learn's
default: ``tol=1e-3``, ``n_iter_no_change=5`` (stop once the mean perceptron loss of
an epoch has failed five epochs in a row to fall by ``tol``). Ours also stops at the
first epoch without a mistake, after which no epoch changes anything; scikit-learn
then runs ``n_iter_no_change`` epochs more. The times compare a Python loop that turns
once per mistake (ours) with compiled code that visits every sample (scikit-learn's).
"""

from functools import cache

import numpy as np
from harness import Case, split
from sklearn import linear_model

from scratchlearn.supervised import Perceptron

CHAPTER = "6"
SETTINGS = {"shuffle": False, "max_iter": 1000}


@cache
def wine():
    return split("wine", standardise=True)


@cache
def breast_cancer():
    return split("breast_cancer", standardise=True)


@cache
def iris():
    return split("iris", standardise=True)


@cache
def digits():
    return split("digits", standardise=True)


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
            eta0=1.0, penalty=None, tol=1e-3, n_iter_no_change=5, **SETTINGS
        ),
        repeats=repeats,
        notes=notes,
    )


CASES = [
    _case(
        "Perceptron, wine (separable)",
        wine,
        notes="3 classes one-vs-rest; separable after 12 epochs (sklearn: 5 more)",
    ),
    _case(
        "Perceptron, 5000x20 separable",
        large_separable,
        notes="ours stops at the first epoch without a mistake",
    ),
    _case(
        "Perceptron, breast cancer",
        breast_cancer,
        notes="separable only after 241 epochs: both stop at 14 by the tol rule",
    ),
    _case(
        "Perceptron, digits (10 classes)",
        digits,
        notes="10 one-vs-rest problems, most not separable: the tol rule stops them",
        repeats=3,
    ),
    _case(
        "Perceptron, iris (not separable)",
        iris,
        notes="a mistake every few samples in every epoch; both stop after 16 "
        "epochs by the tol rule",
    ),
]
