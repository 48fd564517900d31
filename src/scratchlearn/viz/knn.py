"""The explorer of Chapter 1 (k-nearest neighbours): k, the metric and the
weighting, and the decision regions they give."""

from scratchlearn.supervised import KNeighborsClassifier
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import FEATURE_NAMES, class_points, model_regions


def explorer(X_train, y_train, X_val, y_val, *, feature_names=FEATURE_NAMES):
    """Decision regions of a k-nearest-neighbours classifier on two features, with
    its accuracy on the training and the validation set."""

    def draw(metric, weights, n_neighbors):
        model = KNeighborsClassifier(n_neighbors, metric=metric, weights=weights)
        model.fit(X_train, y_train)
        return View(
            [
                model_regions(model, X_train, resolution=60),
                *class_points(X_train, y_train),
            ],
            title=(
                f"k={n_neighbors}, {metric}, {weights}: train accuracy "
                f"{model.score(X_train, y_train):.3f}, validation "
                f"{model.score(X_val, y_val):.3f}"
            ),
        )

    return Explorer(
        [
            Control("metric", ["euclidean", "manhattan"]),
            Control("weights", ["uniform", "distance"]),
            Control(
                "n_neighbors",
                [1, 3, 5, 9, 15, 25, 40],
                label="k",
                live_values=range(1, 41),
                start=5,
            ),
        ],
        draw,
        name="knn-explorer",
        axis_titles=[feature_names],
        description="Decision regions of k-nearest neighbours on two iris features",
    )
