"""Chapter 10: decision trees against scikit-learn's DecisionTree*."""

from harness import Case
from sklearn import tree
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import DecisionTreeClassifier, DecisionTreeRegressor


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
        name="DecisionTreeClassifier gini, breast cancer",
        chapter="10",
        data=breast_cancer,
        ours=lambda: DecisionTreeClassifier(),
        reference=lambda: tree.DecisionTreeClassifier(random_state=0),
        notes="fully grown; scikit-learn may break tied splits differently",
    ),
    Case(
        name="DecisionTreeClassifier entropy max_depth=8, digits",
        chapter="10",
        data=digits,
        ours=lambda: DecisionTreeClassifier("entropy", max_depth=8),
        reference=lambda: tree.DecisionTreeClassifier(
            criterion="entropy", max_depth=8, random_state=0
        ),
        repeats=5,
    ),
    Case(
        name="DecisionTreeRegressor min_samples_leaf=5, diabetes",
        chapter="10",
        data=diabetes,
        ours=lambda: DecisionTreeRegressor(min_samples_leaf=5),
        reference=lambda: tree.DecisionTreeRegressor(
            min_samples_leaf=5, random_state=0
        ),
    ),
]
