"""Chapter 12: AdaBoost (SAMME) against scikit-learn's AdaBoostClassifier."""

from harness import Case
from sklearn import ensemble, tree
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import AdaBoostClassifier


def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


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
