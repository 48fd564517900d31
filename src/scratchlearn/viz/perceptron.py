"""Figures and the explorer of Chapter 6 (the perceptron): training on data that a
known line separates with a chosen margin (``datasets.separable``), replayed one
update at a time (``experiments.perceptron_runs``), with Novikoff's bound on the
number of updates.
"""

import numpy as np

from scratchlearn.supervised.experiments import perceptron_runs
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, class_points, curve

BOUNDARY_COLOUR = COLOURS[2]
MISTAKE_COLOUR = "crimson"
LIMITS = (-2.2, 2.2)  # both axes of the 2-D pictures
# Regions and lines are cut to this larger square; the axes clip them to LIMITS.
BOX = (-10.0, 10.0)


def half_plane(coef, intercept, limits=BOX):
    """Where the line ``coef . x + intercept = 0`` cuts the square ``limits^2``.

    Returns ``polygon``, the corners (in order) of the part of the square with a
    positive score, where the perceptron predicts class 1 (empty if none), and
    ``segment``, the two ends of the line inside the square (empty if it misses).
    Both are lists of ``(x1, x2)``. One pass of Sutherland-Hodgman clipping: walk
    round the square, keep the corners with a positive score and add the points
    where an edge crosses the line.
    """
    low, high = limits
    corners = np.array([[low, low], [high, low], [high, high], [low, high]])
    scores = corners @ np.asarray(coef, dtype=float) + intercept  # (4,)
    polygon, segment = [], []
    for k in range(4):
        nxt = (k + 1) % 4
        if scores[k] > 0:
            polygon.append(tuple(corners[k]))
        if (scores[k] > 0) != (scores[nxt] > 0):  # this edge crosses the line
            t = scores[k] / (scores[k] - scores[nxt])
            crossing = tuple(corners[k] + t * (corners[nxt] - corners[k]))
            polygon.append(crossing)
            segment.append(crossing)
    return polygon, segment


def describe(history, step):
    """One line saying what update ``step`` (0: the start) did."""
    w1, w2, b = history.weights[step]
    weights = f"w = ({w1:.3g}, {w2:.3g}), b = {b:.3g}"
    if step == 0:
        return f"start: {weights}, every score is 0, every sample a mistake"
    sample = history.samples[step - 1]
    return (
        f"update {step} of {history.n_updates} (epoch {history.epochs[step - 1]}): "
        f"sample {sample} was on the wrong side; now {weights}"
    )


def summary(history, max_iter):
    """One line: how training ended, against Novikoff's bound."""
    if history.converged:
        ending = (
            f"separated after {history.n_updates} updates in {history.n_epochs} "
            "epochs (the last without a mistake)"
        )
    else:
        separated = "separated" if history.errors[-1] == 0 else "not yet separated"
        ending = (
            f"stopped after max_iter = {max_iter} epochs and {history.n_updates} "
            f"updates, {separated}"
        )
    return f"{ending}; Novikoff's bound (R/γ)² = {history.bound:.0f} updates"


def plot_training(X, y, history, ax, *, every=1, true_line=None):
    """The data, some boundaries met during training (faded, every ``every``-th
    update) and the final one, with its predicted region shaded."""
    for step in range(1, history.n_updates, every):
        _, segment = half_plane(history.weights[step, :2], history.weights[step, 2])
        if segment:
            ax.plot(*np.transpose(segment), color=BOUNDARY_COLOUR, alpha=0.35, lw=1)
    polygon, segment = half_plane(history.weights[-1, :2], history.weights[-1, 2])
    if polygon:
        ax.fill(*np.transpose(polygon), color=COLOURS[1], alpha=0.15, lw=0)
    ax.plot(*np.transpose(segment), color=BOUNDARY_COLOUR, lw=2.5, label="final")
    if true_line is not None:
        _, segment = half_plane(*true_line)
        ax.plot(*np.transpose(segment), "--", color="grey", lw=1, label="true line")
    for label in (0, 1):
        points = {"color": COLOURS[label], "edgecolor": "black", "lw": 0.5, "s": 25}
        ax.scatter(*X[y == label].T, label=f"class {label}", **points)
    ax.set(xlim=LIMITS, ylim=LIMITS, xlabel="feature 1", ylabel="feature 2")
    ax.set_aspect("equal")
    return ax


# --- the explorer -----------------------------------------------------------------

MARGINS = [0.3, 0.1, 0.03]
LIVE_MARGINS = [round(0.01 * k, 2) for k in range(1, 51)]
# Live: a tenth of a decade apart from 0.01 to 10 (two significant digits).
LIVE_LEARNING_RATES = sorted({float(f"{r:.2g}") for r in np.logspace(-2, 1, 31)})
LIVE_MAX_ITER = [*range(1, 31), 50, 100]
LIVE_UPDATES = range(101)  # beyond the last update, the end of training
ERRORS = 2  # the right-hand panel
HEIGHT = 640
LAYOUT = {
    "showlegend": False,
    # Equal scales, so that w is drawn perpendicular to the line; the panel shrinks
    # to a square ("domain") rather than showing more than LIMITS.
    "xaxis": {"title.text": "feature 1", "range": LIMITS, "constrain": "domain"},
    "yaxis": {"title.text": "feature 2", "range": LIMITS, "constrain": "domain"},
    "yaxis.scaleanchor": "x",
    "xaxis2.title.text": "updates",
}
# The region of class 1, outlined: its edges on the square BOX lie outside the
# axes, so the one edge in view is the boundary (one trace for both).
REGION = {"fill": "toself", "fillcolor": "rgba(217, 95, 2, 0.15)", "mode": "lines"}
REGION["line"] = {"color": BOUNDARY_COLOUR, "width": 3}
TRUE_LINE = {"mode": "lines", "line": {"color": "grey", "dash": "dash", "width": 1}}
RING = {"size": 16, "color": "rgba(0,0,0,0)", "line": {"color": MISTAKE_COLOUR}}
MISTAKE = {"mode": "markers", "marker": {**RING, "line_width": 2}}
NOW = {"mode": "markers", "marker": {"color": MISTAKE_COLOUR, "size": 9}}
ERRORS_LINE = {"name": "misclassified", "colour": BOUNDARY_COLOUR, "markers": True}


def lines(points, **style):
    """A plotly line or set of markers through ``points`` (a list of (x1, x2))."""
    import plotly.graph_objects as go

    x, y = np.transpose(points) if len(points) else ([], [])
    return go.Scatter(x=x, y=y, hoverinfo="skip", **style)


def explorer(n_samples=60, *, seed=0):
    """The perceptron's line after each update (left: the region it gives class 1,
    shaded, and the sample that caused the update, circled; dashed, the line the data
    were drawn from) and how many training samples each line misclassifies (right).
    """

    training = perceptron_runs(n_samples, seed)

    def draw(learning_rate, max_iter, margin, update):
        X, y, true_line, history = training(margin, learning_rate, max_iter)
        step = min(update, history.n_updates)  # beyond the end: the end
        weights = history.weights[step]  # (w1, w2, b)
        polygon, _ = half_plane(weights[:2], weights[2])
        errors = curve(history.errors, x=np.arange(len(history.errors)), **ERRORS_LINE)
        traces = [
            lines(polygon + polygon[:1], **REGION),  # closed: back to the start
            *class_points(X, y, names=("class 0", "class 1")),
            lines(half_plane(*true_line)[1], **TRUE_LINE),
            lines(X[history.samples[step - 1 : step]] if step else [], **MISTAKE),
            (errors.update(line_shape="hv", marker_size=4), ERRORS),
            (lines([(step, history.errors[step])], **NOW), ERRORS),
        ]
        title = f"margin {margin:g}: {describe(history, step)}<br>"
        return View(traces, title + summary(history, max_iter))

    # The static slider: each of the first 14 updates (all of margin 0.1's), then
    # every 10th and the last (a step per update would weigh three times as much).
    last = max(training(margin, 1.0, 100)[-1].n_updates for margin in MARGINS)
    shown = sorted({*range(15), *range(20, last, 10), last})
    return Explorer(
        [
            Control("learning_rate", [1.0], "learning rate", LIVE_LEARNING_RATES),
            Control("max_iter", [100], live_values=LIVE_MAX_ITER),
            Control("margin", MARGINS, live_values=LIVE_MARGINS, start=0.1),
            Control("update", shown, "updates made", LIVE_UPDATES, start=0),
        ],
        draw,
        name="perceptron-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.55, 0.45], "horizontal_spacing": 0.1},
        subplot_titles=("shaded: predicted class 1", "samples misclassified"),
        height=HEIGHT,
        layout={**LAYOUT, "yaxis2.range": [0, 1.05 * n_samples]},
        description=(
            "A perceptron's line on two-feature data after each update, with the "
            "sample behind the update, and the training samples it misclassifies"
        ),
    )
