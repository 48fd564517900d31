"""Figures and explorers of Chapter 12 (AdaBoost).

A boosted ensemble is drawn round by round: each weak learner's regions, with the
training points sized by the weight they had when it was fitted, and then the regions
of the weighted vote. The staged error curve shows the training and test error after
each round. The explorers change ``n_estimators``, ``learning_rate`` and the depth of
the weak learners.
"""

import numpy as np

from scratchlearn.supervised import AdaBoostClassifier
from scratchlearn.viz.common import (
    PlotlyFigure,
    show_figure_in,
    staged_regions_explorer,
)
from scratchlearn.viz.figures import COLOURS, grid_over, plot_decision_boundary
from scratchlearn.viz.random_forest import LabelledTree

# The static explorer's settings: ensemble sizes, then (learning_rate, max_depth).
SIZES = (1, 3, 10, 30, 100)
SETTINGS = ((1.0, 2), (0.5, 2), (0.1, 2), (1.0, 1), (0.5, 1), (0.1, 1))


def sample_weights_by_round(model, X, y):
    """The sample weights each learner of a fitted ``model`` was trained with.

    Round 1 starts from equal weights; every round multiplies the weights of the
    samples its learner got wrong by ``exp(alpha)`` and renormalises. So the weights
    before round ``m`` are proportional to ``exp(sum of alpha_j over the rounds
    j < m whose learner missed the sample)``, computed here from the learners and
    their weights alone.

    Returns
    -------
    ndarray of shape (n_rounds, n_samples), each row summing to 1.
    """
    y_index = np.searchsorted(model.classes_, y)
    alphas = model.estimator_weights_[: len(model.estimators_)]  # (n_rounds,)
    wrong = np.stack([tree.predict(X) != y_index for tree in model.estimators_])
    # Penalty before round m: the alphas of rounds 0 .. m-1 that missed the sample.
    penalties = np.cumsum(alphas[:, np.newaxis] * wrong, axis=0)  # (n_rounds, n)
    penalties = np.vstack([np.zeros(len(y)), penalties[:-1]])  # shift by one round
    weights = np.exp(penalties - penalties.max(axis=1, keepdims=True))  # stable exp
    return weights / weights.sum(axis=1, keepdims=True)


def plot_rounds(model, X, y, axes):
    """The first ``len(axes) - 1`` learners with the weights they were fitted to,
    then the whole ensemble's regions in the last axes."""
    weights = sample_weights_by_round(model, X, y)
    for round_, ax in enumerate(axes[:-1]):
        learner = LabelledTree(model.estimators_[round_], model.classes_)
        plot_decision_boundary(learner, X, y, ax, resolution=120)
        ax.collections[-1].set_sizes(6000 * weights[round_])  # area ~ weight
        ax.set_title(
            f"round {round_ + 1}: error {model.estimator_errors_[round_]:.3f}, "
            f"alpha {model.estimator_weights_[round_]:.3f}",
            fontsize=10,
        )
    plot_decision_boundary(model, X, y, axes[-1], resolution=120)
    axes[-1].collections[-1].set_sizes(np.full(len(y), 25.0))
    axes[-1].set_title(f"weighted vote of {len(model.estimators_)} learners")
    return axes


def staged_errors(model, X, y):
    """Error rate (1 - accuracy) after each boosting round: (n_rounds,)."""
    return 1.0 - np.fromiter(model.staged_score(X, y), dtype=float)


def plot_staged_errors(train, test, ax, *, reference=None, title=None):
    """Training and test error against the number of rounds; ``reference`` (test
    errors of another implementation) is drawn dashed on top."""
    rounds = np.arange(1, len(train) + 1)
    ax.plot(rounds, train, label="training error", color=COLOURS[0])
    ax.plot(rounds, test, label="test error", color=COLOURS[1])
    if reference is not None:
        ax.plot(
            np.arange(1, len(reference) + 1),
            reference,
            "k--",
            linewidth=1,
            label="test error, scikit-learn",
        )
    ax.set_xlabel("boosting round")
    ax.set_ylabel("error rate")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def describe(model, train, test):
    """One line: the number of learners and the last training and test errors."""
    return (
        f"{len(model.estimators_)} learner(s): training error {train[-1]:.3f}, "
        f"test error {test[-1]:.3f}"
    )


def live_explorer(X_train, y_train, X_test, y_test):
    """ipywidgets controls for ``n_estimators``, ``learning_rate`` and ``max_depth``;
    every change refits the ensemble and redraws its regions and its staged errors."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    n_estimators = widgets.IntSlider(
        value=30, min=1, max=100, description="n_estimators"
    )
    learning_rate = widgets.FloatLogSlider(
        value=1.0, base=10, min=-2, max=0.5, step=0.1, description="learning_rate"
    )
    max_depth = widgets.ToggleButtons(
        options=[1, 2, 3], value=2, description="max_depth"
    )
    style = {"description_width": "initial"}
    for control in (n_estimators, learning_rate, max_depth):
        control.style = style
    out = widgets.Output()

    def redraw(_change=None):
        model = AdaBoostClassifier(
            n_estimators.value,
            learning_rate=learning_rate.value,
            max_depth=max_depth.value,
        ).fit(X_train, y_train)
        train = staged_errors(model, X_train, y_train)
        test = staged_errors(model, X_test, y_test)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
        plot_decision_boundary(model, X_train, y_train, left, resolution=70)
        plot_staged_errors(train, test, right)
        right.set_xlim(0, n_estimators.max + 1)
        right.set_ylim(0, 0.7)
        fig.suptitle(describe(model, train, test), fontsize=10)
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in (n_estimators, learning_rate, max_depth):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([n_estimators, learning_rate]), max_depth, out]))


def staged_regions(model, X, sizes, resolution=50):
    """Class index predicted over a grid after ``n`` rounds, for ``n`` in ``sizes``
    (after an early stop, the last round stands in for later ones).

    Returns ``xs``, ``ys`` and a list of arrays of shape (resolution, resolution).
    """
    xs, ys, points = grid_over(X, resolution)
    staged = list(model.staged_predict(points))
    regions = []
    for size in sizes:
        labels = staged[min(size, len(staged)) - 1]
        index = np.searchsorted(model.classes_, labels)
        regions.append(index.reshape(len(ys), len(xs)))
    return xs, ys, regions


def static_explorer(
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    sizes=SIZES,
    settings=SETTINGS,
    resolution=50,
    name="adaboost-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu over (``learning_rate``, ``max_depth``) and a slider over the number of
    rounds. Each menu entry boosts ``max(sizes)`` rounds once; the ensemble after
    ``n`` rounds is exactly the one ``n_estimators=n`` would train."""
    classes = np.unique(y_train)
    regions, titles = [], []
    for rate, depth in settings:
        model = AdaBoostClassifier(max(sizes), learning_rate=rate, max_depth=depth)
        model.fit(X_train, y_train)
        train = staged_errors(model, X_train, y_train)
        test = staged_errors(model, X_test, y_test)
        xs, ys, setting_regions = staged_regions(model, X_train, sizes, resolution)
        regions.append(setting_regions)
        # After an early stop the last round stands in for later ones.
        last = [min(size, len(train)) - 1 for size in sizes]
        titles.append(
            [
                f"learning_rate={rate}, max_depth={depth}: after {k + 1} "
                f"round(s), training error {train[k]:.3f}, "
                f"test error {test[k]:.3f}"
                for k in last
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
        menu_labels=[f"learning_rate={r}, max_depth={d}" for r, d in settings],
        slider_labels=[str(size) for size in sizes],
        start=sizes.index(30) if 30 in sizes else 0,
    )
    return PlotlyFigure(figure, name)
