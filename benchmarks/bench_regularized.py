"""Chapter 3: ridge, lasso and elastic net against scikit-learn's.

Both sides get the same ``alpha``, ``l1_ratio``, ``tol`` and ``max_iter``, and both
stop on the same duality-gap rule, so they do the same number of coordinate-descent
passes: the times compare the cost of a pass, Python-and-NumPy against Cython.

The alphas of the diabetes cases are those scikit-learn's ``RidgeCV``, ``LassoCV``
and ``ElasticNetCV`` (5-fold) choose on its training part, rounded; one case adds a
small alpha, where the lasso needs hundreds of passes, to show the worst of it.
"""

from functools import cache

from harness import Case, split
from sklearn import linear_model
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import ElasticNet, Lasso, Ridge

CHAPTER = "3"
TOL = 1e-4
MAX_ITER = 10_000


@cache
def diabetes():
    """Diabetes (442 x 10), standardised with the training part's statistics."""
    return split("diabetes", standardise=True)


@cache
def large():
    """Seeded 5000 x 100 regression with 20 informative features (before the split)."""
    X, y = make_regression(
        n_samples=6250, n_features=100, n_informative=20, noise=10.0, random_state=0
    )
    return tuple(train_test_split(X, y, test_size=1250, random_state=0))


def _pair(ours, reference, **params):
    """Factories of the two estimators with the same hyperparameters."""
    return (lambda: ours(**params)), (lambda: reference(**params))


def _case(name, data, ours, reference, notes="", **params):
    make_ours, make_reference = _pair(ours, reference, **params)
    return Case(name, CHAPTER, data, make_ours, make_reference, notes=notes)


_ITERATIVE = {"tol": TOL, "max_iter": MAX_ITER}

CASES = [
    _case("Ridge alpha=25, diabetes", diabetes, Ridge, linear_model.Ridge, alpha=25.0),
    _case(
        "Lasso alpha=1.9, diabetes",
        diabetes,
        Lasso,
        linear_model.Lasso,
        alpha=1.9,
        **_ITERATIVE,
    ),
    _case(
        "Lasso alpha=0.01, diabetes",
        diabetes,
        Lasso,
        linear_model.Lasso,
        notes="small alpha: hundreds of passes, the Python loop's worst case",
        alpha=0.01,
        **_ITERATIVE,
    ),
    _case(
        "ElasticNet alpha=0.2 l1_ratio=0.5, diabetes",
        diabetes,
        ElasticNet,
        linear_model.ElasticNet,
        alpha=0.2,
        l1_ratio=0.5,
        **_ITERATIVE,
    ),
    _case("Ridge alpha=1, 5000x100", large, Ridge, linear_model.Ridge, alpha=1.0),
    _case(
        "Lasso alpha=0.1, 5000x100",
        large,
        Lasso,
        linear_model.Lasso,
        alpha=0.1,
        **_ITERATIVE,
    ),
    _case(
        "ElasticNet alpha=0.2 l1_ratio=0.5, 5000x100",
        large,
        ElasticNet,
        linear_model.ElasticNet,
        alpha=0.2,
        l1_ratio=0.5,
        **_ITERATIVE,
    ),
]
