"""Figures and the explorer of Chapter 11 (random forests).

On two features a forest is drawn as the regions where each class wins, next to the
out-of-bag and test accuracies of its first 1, 2, ... trees. The explorer changes
``n_estimators``, ``max_features`` and ``max_depth``: few trees give the jagged
regions of single trees, many trees average them into a smoother boundary.
"""

import numpy as np

from scratchlearn.supervised.experiments import forest_stages
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
    LabelledTree,
    chosen_line,
    class_points,
    curve,
    plot_decision_boundary,
    region_trace,
)

GROWN = None  # max_depth for trees grown until their leaves are pure
DEPTHS = (1, 2, 3, 4, 5, 6, 8, 10, GROWN)
MAX_TREES = 60  # the explorer's largest forest
OOB_LABEL, TEST_LABEL = "out-of-bag accuracy (training data)", "test accuracy"
# The explorer's legend, in the accuracy panel's empty lower right (as in
# the still figure), which leaves the panels the figure's whole width.
LEGEND = {
    "x": 1,
    "xanchor": "right",
    "y": 0,
    "yanchor": "bottom",
    "bgcolor": "rgba(255,255,255,0.8)",
}


def plot_trees_and_forest(forest, X, y, axes):
    """Three fully grown trees of a fitted ``forest``, each grown on its own
    bootstrap sample of ``X``, ``y``, then the forest.

    ``axes`` holds four matplotlib axes. The trees are the forest's own first
    three trees, so the last panel is exactly their average with the others.
    """
    for index, ax in enumerate(axes[:3]):
        tree = LabelledTree(forest.estimators_[index], forest.classes_)
        plot_decision_boundary(
            tree, X, y, ax, resolution=120, title=f"tree {index + 1} of the forest"
        )
    title = f"forest of {len(forest.estimators_)} trees"
    plot_decision_boundary(forest, X, y, axes[3], resolution=120, title=title)
    return axes


def _format(score):
    return "n/a" if np.isnan(score) else f"{score:.3f}"


def explorer(X_train, y_train, X_test, y_test, *, resolution=50):
    """A forest's regions on two features, for ``n_estimators`` (slider),
    ``max_features`` and ``max_depth`` (menu), beside the out-of-bag and test
    accuracy of its first 1, 2, ..., ``MAX_TREES`` trees (a dotted line marks
    ``n_estimators``).

    One forest of ``MAX_TREES`` trees is grown per (``max_features``,
    ``max_depth``) and kept: its first ``n`` trees are the forest of ``n`` trees
    (see :func:`~scratchlearn.supervised.experiments.forest_stages`), so moving
    ``n_estimators`` refits nothing.
    """
    classes = np.unique(y_train)
    names = [f"class {label}" for label in classes]

    grown = forest_stages(X_train, y_train, X_test, y_test, MAX_TREES, resolution)

    def draw(max_features, max_depth, n_estimators):
        oob, test, xs, ys, regions, depths = grown(max_features, max_depth)
        last = n_estimators - 1
        curves = [
            curve(oob, name=OOB_LABEL, colour=TRAIN_COLOUR),
            curve(test, name=TEST_LABEL, colour=VALIDATION_COLOUR),
        ]
        return View(
            [
                region_trace(xs, ys, regions[last], len(classes)),
                *class_points(X_train, y_train, names=names),
                *((trace, 2) for trace in curves),
            ],
            layout={"shapes": [chosen_line(n_estimators)]},
            title=(
                f"max_features={max_features}, max_depth={max_depth}: "
                f"{n_estimators} tree(s), deepest {depths[last]}; out-of-bag "
                f"accuracy {_format(oob[last])}, test accuracy {test[last]:.3f}"
            ),
        )

    return Explorer(
        [
            Control("max_features", [1, 2], start=1),
            Control("max_depth", [GROWN, 3], live_values=DEPTHS),
            Control(
                "n_estimators",
                [1, 3, 10, 30, MAX_TREES],
                live_values=range(1, MAX_TREES + 1),
                start=10,
            ),
        ],
        draw,
        name="random-forest-explorer",
        panels=(1, 2),
        subplot_titles=("regions of the training data", "accuracy as trees are added"),
        axis_titles=[("feature 1", "feature 2"), ("number of trees", "accuracy")],
        layout={
            "xaxis2.range": [0, MAX_TREES + 1],
            "yaxis2.range": [0.5, 1.0],
            "legend": LEGEND,
        },
        description=(
            "Decision regions of a random forest on two moon-shaped classes, and its "
            "out-of-bag and test accuracy as trees are added"
        ),
    )
