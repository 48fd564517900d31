"""Chapter 10: decision trees against scikit-learn's DecisionTree*."""

from harness import Case, split
from sklearn import tree

from scratchlearn.supervised import DecisionTreeClassifier, DecisionTreeRegressor


def breast_cancer():
    return split("breast_cancer")


def digits():
    return split("digits")


def diabetes():
    return split("diabetes")


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
