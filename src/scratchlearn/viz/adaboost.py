"""Figures and the explorer of Chapter 12 (AdaBoost).

A boosted ensemble is drawn round by round: each weak learner's regions, with the
training points sized by the weight they had when it was fitted, and then the regions
of the weighted vote. The staged error curve shows the training and test error after
each round. The explorer changes ``n_estimators``, ``learning_rate`` and the depth of
the weak learners.
"""

import numpy as np

from scratchlearn.supervised.experiments import (
    adaboost_stages,
    sample_weights_by_round,
)
from scratchlearn.viz.explorer import Control, Explorer, View, show
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

MAX_ROUNDS = 100  # the explorer's largest ensemble
RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0)


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


def explorer(X_train, y_train, X_test, y_test, *, resolution=50):
    """The vote's regions on two features, for ``n_estimators`` (slider),
    ``learning_rate`` and ``max_depth`` (menu), beside the training and test error
    after each of ``MAX_ROUNDS`` rounds (a dotted line marks ``n_estimators``).

    One ensemble of ``MAX_ROUNDS`` rounds is boosted per (``max_depth``,
    ``learning_rate``) and kept, so moving ``n_estimators`` refits nothing (see
    :func:`~scratchlearn.supervised.experiments.adaboost_stages`).
    """
    classes = np.unique(y_train)
    names = [f"class {label}" for label in classes]

    boosted = adaboost_stages(X_train, y_train, X_test, y_test, MAX_ROUNDS, resolution)

    def draw(max_depth, learning_rate, n_estimators):
        train, test, xs, ys, regions = boosted(max_depth, learning_rate)
        rounds = min(n_estimators, len(train))  # fewer after an early stop
        curves = [
            curve(train, name="training error", colour=TRAIN_COLOUR),
            curve(test, name="test error", colour=VALIDATION_COLOUR),
        ]
        return View(
            [
                region_trace(xs, ys, regions[n_estimators - 1], len(classes)),
                *class_points(X_train, y_train, names=names),
                *((trace, 2) for trace in curves),
            ],
            layout={"shapes": [chosen_line(rounds)]},
            title=(
                f"learning_rate={show(learning_rate)}, max_depth={max_depth}: after "
                f"{rounds} round(s), training error {train[rounds - 1]:.3f}, "
                f"test error {test[rounds - 1]:.3f}"
            ),
        )

    return Explorer(
        [
            Control("max_depth", [1, 2], live_values=[1, 2, 3], start=2),
            Control("learning_rate", [0.1, 0.5, 1.0], live_values=RATES, start=1.0),
            Control(
                "n_estimators",
                [1, 3, 10, 30, MAX_ROUNDS],
                live_values=range(1, MAX_ROUNDS + 1),
                start=30,
            ),
        ],
        draw,
        name="adaboost-explorer",
        panels=(1, 2),
        subplot_titles=("regions of the weighted vote", "error after each round"),
        axis_titles=[("feature 1", "feature 2"), ("boosting round", "error rate")],
        layout={
            "xaxis2.range": [0, MAX_ROUNDS + 1],
            "yaxis2.range": [0, 0.7],
        },
        description=(
            "Decision regions of AdaBoost on three classes in rings, and its training "
            "and test error after each boosting round"
        ),
    )
