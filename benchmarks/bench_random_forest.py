"""Chapter 11: random forests against scikit-learn's RandomForest* (n_jobs=1)."""

from harness import Case, split
from sklearn import ensemble

from scratchlearn.supervised import RandomForestClassifier, RandomForestRegressor


def breast_cancer():
    return split("breast_cancer")


def digits():
    return split("digits")


def diabetes():
    return split("diabetes")


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
