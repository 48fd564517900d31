"""Figures and explorers of Chapter 11 (random forests).

On two features a forest is drawn as the regions where each class wins, next to the
out-of-bag and test accuracies of its first 1, 2, ... trees. The explorers change
``n_estimators``, ``max_features`` and ``max_depth``: few trees give the jagged
regions of single trees, many trees average them into a smoother boundary.
"""

import numpy as np

from scratchlearn.supervised import RandomForestClassifier
from scratchlearn.viz.common import (
    PlotlyFigure,
    show_figure_in,
    staged_regions_explorer,
)
from scratchlearn.viz.figures import COLOURS, grid_over, plot_decision_boundary

# The static explorer's settings: forest sizes, then (max_features, max_depth) pairs.
SIZES = (1, 3, 10, 30, 60)
SETTINGS = ((1, None), (2, None), (1, 3), (2, 3))
DEPTHS = (1, 2, 3, 4, 5, 6, 8, 10, None)


def staged_scores(forest, X_train, y_train, X_test, y_test):
    """Out-of-bag and test accuracy of the first 1, 2, ..., B trees of ``forest``.

    Uses only the fitted forest's public attributes: each tree's class
    probabilities (its columns are the class indices its bootstrap sample held)
    and ``estimators_samples_``, the rows each tree was grown on. After ``b`` trees
    a training sample's out-of-bag vote averages those of the first ``b`` trees
    that left it out; samples that no tree left out yet are skipped.

    Returns
    -------
    oob, test : ndarray of shape (n_estimators,)
    """
    n_classes = len(forest.classes_)
    y_train_index = np.searchsorted(forest.classes_, y_train)
    y_test_index = np.searchsorted(forest.classes_, y_test)
    n_trees, n_train = len(forest.estimators_), len(y_train)
    train_proba = np.zeros((n_trees, n_train, n_classes))
    test_proba = np.zeros((n_trees, len(y_test), n_classes))
    out_of_bag = np.ones((n_trees, n_train), dtype=bool)
    for index, (tree, rows) in enumerate(
        zip(forest.estimators_, forest.estimators_samples_, strict=True)
    ):
        train_proba[index][:, tree.classes_] = tree.predict_proba(X_train)
        test_proba[index][:, tree.classes_] = tree.predict_proba(X_test)
        out_of_bag[index, rows] = False
    # Running sums over the trees: (n_trees, n_samples, n_classes).
    oob_votes = np.cumsum(train_proba * out_of_bag[..., np.newaxis], axis=0)
    covered = np.cumsum(out_of_bag, axis=0) > 0  # (n_trees, n_train)
    oob_right = np.argmax(oob_votes, axis=2) == y_train_index  # (n_trees, n_train)
    oob = np.sum(oob_right & covered, axis=1) / np.maximum(covered.sum(axis=1), 1)
    oob[covered.sum(axis=1) == 0] = np.nan
    test_votes = np.cumsum(test_proba, axis=0)
    test = np.mean(np.argmax(test_votes, axis=2) == y_test_index, axis=1)
    return oob, test


def plot_staged_scores(oob, test, ax, *, title=None):
    """Draw the out-of-bag and test accuracies against the number of trees."""
    trees = np.arange(1, len(test) + 1)
    ax.plot(trees, oob, label="out-of-bag accuracy (training data)", color=COLOURS[2])
    ax.plot(trees, test, label="test accuracy", color=COLOURS[1])
    ax.set_xlabel("number of trees")
    ax.set_ylabel("accuracy")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def plot_trees_and_forest(X, y, axes, *, n_estimators=100, random_state=0):
    """Three fully grown trees, each on its own bootstrap sample, then the forest.

    ``axes`` holds four matplotlib axes. The trees are the forest's own first
    three trees, so the last panel is exactly their average with the others.
    """
    forest = RandomForestClassifier(n_estimators, random_state=random_state)
    forest.fit(X, y)
    for index, ax in enumerate(axes[:3]):
        tree = forest.estimators_[index]
        # The tree predicts class indices; wrap it to draw it with the labels.
        single = LabelledTree(tree, forest.classes_)
        plot_decision_boundary(
            single, X, y, ax, resolution=120, title=f"tree {index + 1} of the forest"
        )
    plot_decision_boundary(
        forest, X, y, axes[3], resolution=120, title=f"forest of {n_estimators} trees"
    )
    return forest


class LabelledTree:
    """A tree of an ensemble, fitted on class indices, that predicts the ensemble's
    labels instead, so that it can be drawn like a classifier."""

    def __init__(self, tree, classes):
        self.tree, self.classes_ = tree, classes

    def predict(self, X):
        return self.classes_[self.tree.predict(X)]


def staged_regions(forest, X, sizes, resolution=50):
    """Class index predicted over a grid by the first ``n`` trees, for ``n`` in
    ``sizes``: a list of arrays of shape (resolution, resolution).

    The trees are grown one after the other from one seed, so the first ``n`` trees
    of a forest are exactly the forest that ``n_estimators=n`` grows.
    """
    xs, ys, points = grid_over(X, resolution)
    n_classes = len(forest.classes_)
    votes = np.zeros((len(points), n_classes))  # (n_points, n_classes)
    regions = []
    for count, tree in enumerate(forest.estimators_, start=1):
        votes[:, tree.classes_] += tree.predict_proba(points)
        if count in sizes:
            regions.append(np.argmax(votes, axis=1).reshape(len(ys), len(xs)))
    return xs, ys, regions


def describe(forest, oob, test):
    """One line: the forest's size and its last out-of-bag and test accuracies."""
    depth = max(tree.get_depth() for tree in forest.estimators_)
    return (
        f"{len(forest.estimators_)} tree(s), deepest {depth}: out-of-bag accuracy "
        f"{_format(oob[-1])}, test accuracy {test[-1]:.3f}"
    )


def _format(score):
    return "n/a" if np.isnan(score) else f"{score:.3f}"


def live_explorer(X_train, y_train, X_test, y_test):
    """ipywidgets controls for ``n_estimators``, ``max_features`` and ``max_depth``;
    every change refits the forest and redraws its regions and its accuracy curves."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    n_estimators = widgets.IntSlider(
        value=10, min=1, max=60, description="n_estimators"
    )
    max_features = widgets.ToggleButtons(
        options=[1, 2], value=1, description="max_features"
    )
    # Options are labels: a selection widget reads the value None as "nothing chosen".
    depths = {str(depth): depth for depth in DEPTHS}
    max_depth = widgets.SelectionSlider(
        options=list(depths), value="None", description="max_depth"
    )
    out = widgets.Output()

    def redraw(_change=None):
        forest = RandomForestClassifier(
            n_estimators.value,
            max_features=max_features.value,
            max_depth=depths[max_depth.value],
            random_state=0,
        ).fit(X_train, y_train)
        oob, test = staged_scores(forest, X_train, y_train, X_test, y_test)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
        plot_decision_boundary(forest, X_train, y_train, left, resolution=100)
        plot_staged_scores(oob, test, right)
        right.set_ylim(0.5, 1.0)
        fig.suptitle(describe(forest, oob, test), fontsize=10)
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in (n_estimators, max_features, max_depth):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([n_estimators, max_depth]), max_features, out]))


def static_explorer(
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    sizes=SIZES,
    settings=SETTINGS,
    resolution=50,
    name="random-forest-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu over (``max_features``, ``max_depth``) and a slider over ``n_estimators``.

    For each menu entry one forest of ``max(sizes)`` trees is grown; its first
    ``n`` trees are the forest of ``n`` trees (see :func:`staged_regions`).
    """
    classes = np.unique(y_train)
    regions, titles = [], []
    for features, depth in settings:
        forest = RandomForestClassifier(
            max(sizes), max_features=features, max_depth=depth, random_state=0
        ).fit(X_train, y_train)
        oob, test = staged_scores(forest, X_train, y_train, X_test, y_test)
        xs, ys, setting_regions = staged_regions(forest, X_train, sizes, resolution)
        regions.append(setting_regions)
        titles.append(
            [
                f"max_features={features}, max_depth={depth}: {size} tree(s), "
                f"out-of-bag accuracy {_format(oob[size - 1])}, "
                f"test accuracy {test[size - 1]:.3f}"
                for size in sizes
            ]
        )
    figure = staged_regions_explorer(
        X_train,
        y_train,
        xs,
        ys,
        regions,
        titles,
        colours=COLOURS[: len(classes)],
        menu_labels=[f"max_features={f}, max_depth={d}" for f, d in settings],
        slider_labels=[str(size) for size in sizes],
        start=sizes.index(10) if 10 in sizes else 0,
    )
    return PlotlyFigure(figure, name)


def features_used_per_tree(forest):
    """How many distinct features each tree of ``forest`` splits on: (n_estimators,)."""
    trees = forest.estimators_
    return np.array(
        [len(np.unique(tree.feature_[tree.feature_ >= 0])) for tree in trees]
    )
