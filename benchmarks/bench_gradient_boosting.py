"""Chapter 13: gradient boosting against scikit-learn's GradientBoosting*."""

from harness import Case, split
from sklearn import ensemble

from scratchlearn.supervised import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)


def diabetes():
    return split("diabetes")


def breast_cancer():
    return split("breast_cancer")


def wine():
    return split("wine")


CASES = [
    Case(
        name="GradientBoostingRegressor 100 trees depth 3, diabetes",
        chapter="13",
        data=diabetes,
        ours=lambda: GradientBoostingRegressor(min_samples_leaf=10),
        reference=lambda: ensemble.GradientBoostingRegressor(
            min_samples_leaf=10, random_state=0
        ),
        repeats=5,
        notes="squared error; same predictions as scikit-learn on float32-exact X",
    ),
    Case(
        name="GradientBoostingClassifier 100 trees depth 3, breast cancer",
        chapter="13",
        data=breast_cancer,
        ours=lambda: GradientBoostingClassifier(),
        reference=lambda: ensemble.GradientBoostingClassifier(random_state=0),
        repeats=3,
        notes="binary log-loss, Newton leaves; tied splits can differ",
    ),
    Case(
        name="GradientBoostingClassifier 100 stages depth 3, wine",
        chapter="13",
        data=wine,
        ours=lambda: GradientBoostingClassifier(),
        reference=lambda: ensemble.GradientBoostingClassifier(random_state=0),
        repeats=3,
        notes="3 classes: 3 trees per stage on the softmax",
    ),
]
