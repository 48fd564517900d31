"""Chapter 15: model selection and voting against scikit-learn's.

``fit`` of a search is the whole search (every candidate on every fold, plus the
refit of the best); ``predict`` uses the refitted best model. With scikit-learn's
estimator inside both searches, the ratio measures the search machinery alone.
"""

from harness import Case, split
from sklearn import discriminant_analysis, ensemble, model_selection, neighbors, tree

from scratchlearn import datasets
from scratchlearn.model_selection import GridSearchCV, RandomizedSearchCV
from scratchlearn.supervised import (
    DecisionTreeClassifier,
    KNeighborsClassifier,
    LinearDiscriminantAnalysis,
    VotingClassifier,
)

KNN_GRID = {"n_neighbors": [1, 3, 5, 9, 15, 25], "weights": ["uniform", "distance"]}


def standardised(loader):
    def data():
        X, y = loader()
        return split(datasets.Dataset((X - X.mean(axis=0)) / X.std(axis=0), y))

    return data


def our_members():
    return [
        ("knn", KNeighborsClassifier(7)),
        ("lda", LinearDiscriminantAnalysis()),
        ("tree", DecisionTreeClassifier(max_depth=3)),
    ]


def their_members():
    return [
        ("knn", neighbors.KNeighborsClassifier(7)),
        ("lda", discriminant_analysis.LinearDiscriminantAnalysis()),
        ("tree", tree.DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


CASES = [
    Case(
        name="GridSearchCV 12 kNN candidates x 5 folds (sklearn kNN in both), wine",
        chapter="15",
        data=standardised(datasets.wine),
        ours=lambda: GridSearchCV(neighbors.KNeighborsClassifier(), KNN_GRID),
        reference=lambda: model_selection.GridSearchCV(
            neighbors.KNeighborsClassifier(), KNN_GRID
        ),
        repeats=3,
        notes="same folds and scores; the ratio is the search machinery alone",
    ),
    Case(
        name="GridSearchCV 12 kNN candidates x 5 folds, breast cancer",
        chapter="15",
        data=standardised(datasets.breast_cancer),
        ours=lambda: GridSearchCV(KNeighborsClassifier(), KNN_GRID),
        reference=lambda: model_selection.GridSearchCV(
            neighbors.KNeighborsClassifier(), KNN_GRID
        ),
        repeats=3,
        notes="our search with our kNN vs theirs with theirs; same scores",
    ),
    Case(
        name="RandomizedSearchCV 8 kNN draws x 5 folds, breast cancer",
        chapter="15",
        data=standardised(datasets.breast_cancer),
        ours=lambda: RandomizedSearchCV(
            KNeighborsClassifier(), KNN_GRID, n_iter=8, random_state=0
        ),
        reference=lambda: model_selection.RandomizedSearchCV(
            neighbors.KNeighborsClassifier(), KNN_GRID, n_iter=8, random_state=0
        ),
        repeats=3,
        notes="different draws (NumPy's generator vs RandomState)",
    ),
    Case(
        name="VotingClassifier soft, kNN + LDA + tree (sklearn members in both)",
        chapter="15",
        data=standardised(datasets.breast_cancer),
        ours=lambda: VotingClassifier(their_members(), voting="soft"),
        reference=lambda: ensemble.VotingClassifier(their_members(), voting="soft"),
        notes="same probabilities to 1e-12",
    ),
    Case(
        name="VotingClassifier soft, kNN + LDA + tree, breast cancer",
        chapter="15",
        data=standardised(datasets.breast_cancer),
        ours=lambda: VotingClassifier(our_members(), voting="soft", weights=[2, 1, 1]),
        reference=lambda: ensemble.VotingClassifier(
            their_members(), voting="soft", weights=[2, 1, 1]
        ),
        notes="our members vs scikit-learn's",
    ),
]
