"""Chapter 11: random forests against scikit-learn's RandomForest* (n_jobs=1)."""

from harness import Case
from sklearn import ensemble
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import RandomForestClassifier, RandomForestRegressor


def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0)


CASES = [
    Case(
        name="RandomForestClassifier 100 trees, breast cancer",
        chapter="11",
        data=breast_cancer,
        ours=lambda: RandomForestClassifier(100, random_state=0),
        reference=lambda: ensemble.RandomForestClassifier(
            100, random_state=0, n_jobs=1
        ),
        repeats=5,
        notes="max_features='sqrt'; the two forests draw different random numbers",
    ),
    Case(
        name="RandomForestClassifier 100 trees, digits",
        chapter="11",
        data=digits,
        ours=lambda: RandomForestClassifier(100, random_state=0),
        reference=lambda: ensemble.RandomForestClassifier(
            100, random_state=0, n_jobs=1
        ),
        repeats=3,
        notes="max_features='sqrt'; the two forests draw different random numbers",
    ),
    Case(
        name="RandomForestRegressor 100 trees sqrt, diabetes",
        chapter="11",
        data=diabetes,
        ours=lambda: RandomForestRegressor(
            100, max_features="sqrt", min_samples_leaf=3, random_state=0
        ),
        reference=lambda: ensemble.RandomForestRegressor(
            100, max_features="sqrt", min_samples_leaf=3, random_state=0, n_jobs=1
        ),
        repeats=3,
    ),
]
