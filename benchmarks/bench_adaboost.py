"""Chapter 12: AdaBoost (SAMME) against scikit-learn's AdaBoostClassifier."""

from harness import Case, split
from sklearn import ensemble, tree

from scratchlearn.supervised import AdaBoostClassifier


def breast_cancer():
    return split("breast_cancer")


def digits():
    return split("digits")


def reference(n_estimators, learning_rate=1.0):
    return ensemble.AdaBoostClassifier(
        tree.DecisionTreeClassifier(max_depth=1),
        n_estimators=n_estimators,
        learning_rate=learning_rate,
        random_state=0,
    )


CASES = [
    Case(
        name="AdaBoostClassifier 50 stumps, breast cancer",
        chapter="12",
        data=breast_cancer,
        ours=lambda: AdaBoostClassifier(50),
        reference=lambda: reference(50),
        notes="SAMME; same stumps and weights as scikit-learn",
    ),
    Case(
        name="AdaBoostClassifier 50 stumps lr=0.5, digits",
        chapter="12",
        data=digits,
        ours=lambda: AdaBoostClassifier(50, learning_rate=0.5),
        reference=lambda: reference(50, 0.5),
        repeats=5,
        notes="SAMME, 10 classes",
    ),
]
