"""Figures and the explorer of Chapter 5 (logistic regression).

Still figures: one feature with the logistic curve, the sigmoid and the log-loss, and
both solvers' loss curves. The explorer fits ``LogisticRegression`` on two features
by Newton's method and by gradient descent, and draws a *probability map* (each point
in the colour of its most probable class, paler where the model is less sure) and
the *loss curves* (each solver's objective minus its minimum, per iteration).
"""

import functools

import numpy as np

from scratchlearn.numerics import sigmoid
from scratchlearn.supervised.experiments import (
    FLOOR,
    excess_losses,
    logistic_fits,
    mean_log_loss,
    probabilities_over,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    LOG_AXIS,
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
    class_points,
    curve,
    grid_over,
    image_trace,
    level_lines,
    thinned,
)

NEWTON_COLOUR, GD_COLOUR = "#444444", TRAIN_COLOUR
CONFIDENCE_LEVEL = 0.9  # the winning class's probability at the dashed lines
# After the data set's menu. The static explorer draws Newton's map for each C, with
# 200 gradient steps at learning rate 1; the live explorer varies all four.
MAPS = ("Newton", "gradient descent")
RATES, STEPS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0), (1, 3, 10, 30, 100, 200, 1000)
CONTROLS = (
    Control("solver", MAPS[:1], label="map of", live_values=MAPS),
    Control("learning_rate", [1.0], label="learning rate", live_values=RATES),
    Control("n_iter", [200], label="steps", live_values=STEPS),
    Control(
        "C",
        (0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0),
        live_values=[float(f"{10.0**e:.3g}") for e in np.arange(-3, 3.01, 0.25)],
        start=1.0,
    ),
)
LAYOUT = {
    "yaxis.autorange": False,  # an image would turn the y axis upside down
    "yaxis.scaleanchor": False,  # and square its pixels
    "xaxis2.title.text": "iteration",
    # From just below the floor to about 3.
    "yaxis2": {**LOG_AXIS, "range": [-10.5, 0.5], "dtick": 2},
    # The classes, in the map's upper left (as in the still figures); the title
    # names the curves' colours.
    "legend": {"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.7)"},
}
DESCRIPTION = (
    "Logistic regression on two features: the probability map of Newton's fit, with "
    "its decision boundaries and the training and validation points, and how far "
    "Newton's method and gradient descent are above the objective's minimum after "
    "each iteration"
)


def probability_map(model, xs, ys):
    """What a fitted two-feature classifier predicts over the grid ``xs`` x ``ys``.

    Returns
    -------
    rgb : ndarray of shape (len(ys), len(xs), 3)
        The colour of the most probable class, mixed with white the more, the closer
        its probability is to a uniform guess 1 / n_classes. Row 0 is ``ys[0]``.
    margins : ndarray of shape (n_classes, len(ys), len(xs))
        See :func:`~scratchlearn.supervised.experiments.probabilities_over`.
    confidence : ndarray of shape (len(ys), len(xs))
        The most probable class's probability.
    """
    from matplotlib.colors import to_rgb

    probabilities, margins = probabilities_over(model, xs, ys)
    n_classes = len(model.classes_)
    best = probabilities.argmax(axis=2)  # (len(ys), len(xs))
    confidence = probabilities.max(axis=2)
    strength = (confidence - 1 / n_classes) / (1 - 1 / n_classes)  # 0 to 1
    palette = np.array([to_rgb(colour) for colour in COLOURS[:n_classes]])
    mix = 0.85 * strength[:, :, np.newaxis]
    rgb = (1 - mix) * 1.0 + mix * palette[best]  # (len(ys), len(xs), 3)
    return rgb, margins, confidence


def describe(model, X_train, y_train, X_val, y_val):
    """Accuracy on both sets and the validation log-loss, in words."""
    log_loss = mean_log_loss(model, X_val, y_val)
    return (
        f"accuracy train {model.score(X_train, y_train):.3f}, validation "
        f"{model.score(X_val, y_val):.3f}; validation log-loss {log_loss:.3f}"
    )


# --- matplotlib: the chapter's still figures -------------------------------------


def plot_loss_curves(models, minimum, ax):
    """How far each fitted model's objective is above ``minimum``, per iteration.

    ``models`` maps a label to a fitted ``LogisticRegression``. A log scale shows
    the rate of convergence: a straight line for gradient descent (the excess is
    divided by the same factor at each step), a plunge for Newton's method.
    """
    colours = [NEWTON_COLOUR, GD_COLOUR, VALIDATION_COLOUR]
    for (label, model), colour in zip(models.items(), colours, strict=False):
        excess = excess_losses(model, minimum, floor=1e-16)
        marker = "o" if len(excess) < 30 else None
        ax.plot(excess, color=colour, marker=marker, markersize=4, label=label)
    ax.set(yscale="log", xlabel="iteration", ylabel="objective − minimum")
    ax.legend(fontsize=8)
    return ax


def plot_one_feature(x, y, model, line, ax, *, xlabel="x", ylabel="P(y = 1)"):
    """Labels 0/1 of one feature, with the logistic curve of ``model`` and the
    least-squares line ``line`` (any fitted regressor) through the same points."""
    jitter = 0.04 * np.random.default_rng(0).normal(size=len(y))  # to separate
    ax.scatter(x, y + jitter, s=8, alpha=0.4, color="black", label="tumours")
    grid = np.linspace(x.min(), x.max(), 300)[:, np.newaxis]  # (300, 1)
    probability = model.predict_proba(grid)[:, 1]
    ax.plot(grid, probability, color=COLOURS[1], lw=2.5, label="logistic regression")
    ax.plot(grid, line.predict(grid), color=COLOURS[2], ls="--", label="least squares")
    ax.axhspan(0, 1, color="grey", alpha=0.08)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_sigmoid_and_log_loss(left, right, limit=8.0):
    """The sigmoid of a logit ``z`` (left) and the log-loss of each class (right):
    ``log(1 + exp(-z))`` when the class is 1, ``log(1 + exp(z))`` when it is 0."""
    z = np.linspace(-limit, limit, 401)
    left.plot(z, sigmoid(z), color=COLOURS[1], linewidth=2)
    left.axhline(0.5, color="grey", linewidth=0.6, linestyle=":")
    left.axvline(0.0, color="grey", linewidth=0.6, linestyle=":")
    left.set(xlabel="logit $z$", ylabel=r"$\sigma(z)$", title="the sigmoid")
    right.plot(z, np.logaddexp(0, -z), color=COLOURS[1], linewidth=2, label="$y = 1$")
    right.plot(z, np.logaddexp(0, z), color=COLOURS[0], linewidth=2, label="$y = 0$")
    right.set(xlabel="logit $z$", ylabel="log-loss", title="the log-loss")
    right.legend(fontsize=8)
    return left, right


# --- plotly: the explorer ------------------------------------------------------------


def map_traces(model, xs, ys):
    """The probability map of a fitted two-feature classifier over ``xs`` x ``ys``,
    its decision boundaries and its lines of probability 0.9."""
    rgb, margins, confidence = probability_map(model, xs, ys)
    # Every boundary between two classes is also the boundary of a region other
    # than the last class's: drawing those is enough.
    boundaries = [level_lines(xs, ys, margin, 0.0) for margin in margins[:-1]]
    sure = level_lines(xs, ys, confidence, CONFIDENCE_LEVEL, dash="dash", width=1)
    return [image_trace(rgb, xs, ys), *boundaries, sure]


def loss_traces(newton, descent):
    """Both solvers' objective minus the minimum (Newton's final objective) per
    iteration: every one of the first 20 iterations, then every 10th."""
    traces = []
    for model, colour, name in [
        (newton, NEWTON_COLOUR, "Newton"),
        (descent, GD_COLOUR, "gradient descent"),
    ]:
        if model is not None:  # gradient descent may have diverged
            excess = excess_losses(model, newton.loss_history_[-1])
            steps, excess = thinned(excess, every=10)
            style = {"markers": model is newton, "legend": False}
            traces.append(curve(excess, x=steps, name=name, colour=colour, **style))
    return traces


def summary(newton, descent, failure, learning_rate, n_iter):
    """Both solvers' progress in words, for the explorer's title."""
    if failure is not None:
        return f"Newton: {newton.n_iter_} iterations (grey); {failure} (blue)"
    excess = excess_losses(descent, newton.loss_history_[-1])[-1]
    gap = f"{excess:.1e} above" if excess > FLOOR else f"within {FLOOR:.0e} of"
    return (
        f"Newton: {newton.n_iter_} iterations (grey); gradient descent (learning rate "
        f"{learning_rate:g}) after {n_iter} steps: {gap} the minimum (blue)"
    )


def explorer(examples, *, resolution=60):
    """Probability map (left) and loss curves (right) of logistic regression, for
    ``C``, the map's solver, gradient descent's learning rate and number of steps.

    ``examples`` maps a name to ``(X_train, y_train, X_val, y_val, feature_names)``
    with two standardised features; a menu chooses among them.
    """
    grids = {
        name: grid_over(np.vstack([X_train, X_val]), resolution)[:2]
        for name, (X_train, _, X_val, _, _) in examples.items()
    }

    @functools.lru_cache(maxsize=64)  # both maps of a setting share its fits
    def fitted(data, C, learning_rate, n_iter):
        X_train, y_train = examples[data][:2]
        return logistic_fits(X_train, y_train, C, learning_rate, n_iter)

    def draw(data, solver, learning_rate, n_iter, C):
        X_train, y_train, X_val, y_val, names = examples[data]
        xs, ys = grids[data]
        newton, descent, failure = fitted(data, C, learning_rate, n_iter)
        shown = descent if solver == MAPS[1] and failure is None else newton
        hollow = class_points(X_val, y_val, classes=shown.classes_, hollow=True)
        hollow = [t.update(showlegend=False) for t in hollow]  # see the panel's title
        what = "Newton's" if shown is newton else "gradient descent's"
        return View(
            [
                *map_traces(shown, xs, ys),
                *class_points(X_train, y_train, classes=shown.classes_),
                *hollow,
                *[(trace, 2) for trace in loss_traces(newton, descent)],
            ],
            title=(
                f"C = {C:g}, {what} map: "
                f"{describe(shown, X_train, y_train, X_val, y_val)}<br>"
                f"{summary(newton, descent, failure, learning_rate, n_iter)}"
            ),
            layout={
                "xaxis.range": [float(xs[0]), float(xs[-1])],
                "yaxis.range": [float(ys[0]), float(ys[-1])],
                "xaxis.title.text": names[0],
                "yaxis.title.text": names[1],
            },
        )

    return Explorer(
        [Control("data", list(examples)), *CONTROLS],
        draw,
        name="logistic-regression-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.55, 0.45], "horizontal_spacing": 0.12},
        subplot_titles=("probability map (hollow: validation)", "objective − minimum"),
        layout=LAYOUT,
        description=DESCRIPTION,
    )
