"""Chapter 5: logistic regression against scikit-learn's.

Both sides get the same ``C``, ``tol`` and ``max_iter`` and stop on the same rule (no
entry of the gradient of the mean objective above ``tol``). scikit-learn uses its
default solver, L-BFGS: many cheap steps in compiled code; ours takes a handful of
Newton steps, each solving its linear system by conjugate gradient with products of
the Hessian and a vector (each the cost of one gradient), never forming the Hessian.
(Our gradient descent is not benchmarked: its thousands of steps of NumPy calls
take about 20 times L-BFGS's time on the breast cancer data; Chapter 5 shows why
Newton's method is the default.)
"""

from functools import cache

from harness import Case, split
from sklearn import linear_model
from sklearn.datasets import (
    make_classification,
)

from scratchlearn import datasets
from scratchlearn.supervised import LogisticRegression

CHAPTER = "5"
SETTINGS = {"C": 1.0, "tol": 1e-4, "max_iter": 1000}


@cache
def breast_cancer():
    """569 x 30, two classes."""
    return split("breast_cancer", standardise=True)


@cache
def wine():
    """178 x 13, three classes."""
    return split("wine", standardise=True)


@cache
def digits():
    """1797 x 64, ten classes: 10 x 65 parameters."""
    return split("digits", standardise=True)


@cache
def large():
    """Seeded 20000 x 50 two-class problem (before the split)."""
    X, y = make_classification(
        n_samples=20_000,
        n_features=50,
        n_informative=20,
        flip_y=0.05,
        random_state=0,
    )
    return split(datasets.Dataset(X, y), standardise=True)


def _case(name, data, notes="", **settings):
    settings = {**SETTINGS, **settings}
    return Case(
        name,
        CHAPTER,
        data,
        lambda: LogisticRegression(**settings),
        lambda: linear_model.LogisticRegression(**settings),
        notes=notes,
    )


CASES = [
    _case("LogisticRegression C=1, breast cancer", breast_cancer),
    _case("LogisticRegression C=1, wine (3 classes)", wine),
    _case(
        "LogisticRegression C=0.1, digits (10 classes)",
        digits,
        notes="Newton-CG: 650 parameters, Hessian-vector products",
        C=0.1,
    ),
    _case("LogisticRegression C=1, 15000x50", large),
]
