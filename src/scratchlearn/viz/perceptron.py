"""Figures and explorers of Chapter 6 (the perceptron).

The explorers train a perceptron on a seeded two-feature data set that a known line
separates with a chosen margin (:func:`separable_data`), and replay the training one
update at a time (:func:`replay`): the boundary after each update, the sample that
caused it, the training errors of that boundary, and Novikoff's bound on the number
of updates. The live explorer draws one replay with matplotlib, the static one
precomputes a few into a plotly figure with a slider over the updates.
"""

import dataclasses

import numpy as np

from scratchlearn.supervised.perceptron import mistake_bound, train_perceptron
from scratchlearn.utils.validation import check_random_state
from scratchlearn.viz.common import PlotlyFigure, show_figure_in

COLOURS = ["#1b9e77", "#d95f02"]  # class 0, class 1 (as in Chapter 1)
BOUNDARY_COLOUR = "#7570b3"
MISTAKE_COLOUR = "crimson"
LIMITS = (-2.2, 2.2)  # both axes of the 2-D pictures
# Regions and lines are cut to this larger square; the axes clip them to LIMITS.
BOX = (-10.0, 10.0)


def separable_data(n_samples=60, margin=0.3, *, angle=2.2, offset=0.4, seed=0):
    """Seeded points on both sides of a line, the nearest of each class at distance
    exactly ``margin`` from it.

    The line is ``u . x + c = 0`` with ``u = (cos angle, sin angle)`` and
    ``c = offset``; a point's class is 1 on the side ``u`` points to, else 0. The
    points are drawn uniformly in ``[-2, 2]^2``; then each class is moved away from
    the line, along ``u``, until its nearest point is ``margin`` from it. The same
    ``seed`` with another ``margin`` gives the same cloud, opened or closed.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), labels 0 and 1
    true_coef : ndarray of shape (2,), the unit vector ``u``
    true_intercept : float, ``c``
    """
    rng = check_random_state(seed)
    true_coef = np.array([np.cos(angle), np.sin(angle)])
    X = rng.uniform(-2.0, 2.0, size=(n_samples, 2))
    distances = X @ true_coef + offset  # (n_samples,) signed distances to the line
    y = (distances > 0).astype(int)
    for label, side in ((1, 1.0), (0, -1.0)):
        members = y == label
        shift = margin - np.min(np.abs(distances[members]))
        X[members] += side * shift * true_coef  # (n_members, 2)
    return X, y, true_coef, offset


@dataclasses.dataclass
class Replay:
    """A perceptron's training on 2-D data, one update at a time.

    Row ``t`` of ``weights`` holds ``(w_1, w_2, b)`` after ``t`` updates (row 0: all
    zero); ``samples[t - 1]`` and ``epochs[t - 1]`` say which sample caused update
    ``t`` and in which epoch; ``errors[t]`` counts the training samples that the
    weights of row ``t`` misclassify (a score of exactly 0 counting as an error).
    ``converged`` says whether training ended with an epoch without a mistake.
    """

    weights: np.ndarray  # (n_updates + 1, 3)
    samples: np.ndarray  # (n_updates,)
    epochs: np.ndarray  # (n_updates,)
    errors: np.ndarray  # (n_updates + 1,)
    n_epochs: int
    converged: bool
    bound: float

    @property
    def n_updates(self):
        return len(self.samples)


def replay(X, y, true_coef, true_intercept, *, lr=1.0, max_iter=20, seed=0):
    """Train a perceptron (shuffled epochs, seeded) and record every update.

    ``true_coef`` and ``true_intercept`` describe a separating line, used for the
    bound :func:`~scratchlearn.supervised.perceptron.mistake_bound`.
    """
    y_signed = np.where(y == 1, 1.0, -1.0)  # (n_samples,)
    extended = np.column_stack([X, np.ones(len(X))])  # (n_samples, 3)
    signed = lr * y_signed[:, np.newaxis] * extended  # (n_samples, 3)
    _, samples, mistakes_per_epoch = train_perceptron(
        signed, max_iter=max_iter, shuffle=True, rng=check_random_state(seed)
    )
    # The weights after each update are the running sums of the signed samples.
    weights = np.vstack([np.zeros(3), np.cumsum(signed[samples], axis=0)])
    margins = weights @ signed.T  # (n_updates + 1, n_samples)
    errors = np.count_nonzero(margins <= 0, axis=1)  # (n_updates + 1,)
    n_epochs = len(mistakes_per_epoch)
    return Replay(
        weights=weights,
        samples=samples,
        epochs=np.repeat(np.arange(1, n_epochs + 1), mistakes_per_epoch),
        errors=errors,
        n_epochs=n_epochs,
        converged=bool(mistakes_per_epoch[-1] == 0),
        bound=mistake_bound(X, y_signed, true_coef, true_intercept),
    )


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


class _LiveFigure:
    """The live explorer's matplotlib figure: drawn once, then only its artists'
    data change, which is several times faster than drawing a new figure."""

    def __init__(self):
        import matplotlib.pyplot as plt

        # Made by pyplot, which sets up the notebook's display of figures, but with
        # interactive mode off and closed at once: only the widget shows it.
        with plt.ioff():
            self.figure = plt.figure(figsize=(10, 4.6))
        plt.close(self.figure)
        data, errors = self.figure.subplots(1, 2, width_ratios=(1.1, 1))
        self.figure.subplots_adjust(
            left=0.06, right=0.98, bottom=0.12, top=0.83, wspace=0.22
        )
        (self.region,) = data.fill([], [], color=COLOURS[1], alpha=0.15, lw=0)
        self.points = [
            data.scatter([], [], color=COLOURS[label], edgecolor="black", lw=0.5, s=25)
            for label in (0, 1)
        ]
        (self.true_line,) = data.plot([], [], "--", color="grey", lw=1)
        (self.boundary,) = data.plot([], [], color=BOUNDARY_COLOUR, lw=2.5)
        (self.ring,) = data.plot(
            [], [], "o", ms=14, mfc="none", mec=MISTAKE_COLOUR, mew=2
        )
        data.set(xlim=LIMITS, ylim=LIMITS, xlabel="feature 1", ylabel="feature 2")
        data.set_aspect("equal")
        data.set_title("shaded: predicted class 1; dashed: the true line", fontsize=9)
        (self.errors_line,) = errors.step([], [], where="post", color=BOUNDARY_COLOUR)
        (self.current,) = errors.plot([], [], "o", color=MISTAKE_COLOUR)
        errors.set(xlabel="updates", ylabel="misclassified")
        errors.set_title("training samples misclassified", fontsize=9)
        self.errors_axes = errors
        self.suptitle = self.figure.suptitle("", fontsize=10)

    def show_data(self, X, y, true_coef, true_intercept, history, max_iter):
        for label, points in enumerate(self.points):
            points.set_offsets(X[y == label])
        _, segment = half_plane(true_coef, true_intercept)
        self.true_line.set_data(*np.transpose(segment))
        steps = np.arange(history.n_updates + 1)
        self.errors_line.set_data(steps, history.errors)
        self.errors_axes.set_xlim(-0.5, history.n_updates + 1)
        self.errors_axes.set_ylim(0, len(X) * 1.05)
        self.X, self.history = X, history
        self.summary = summary(history, max_iter)

    def show_step(self, step):
        """Draw update ``step`` and return the figure."""
        history = self.history
        w1, w2, b = history.weights[step]
        polygon, segment = half_plane((w1, w2), b)
        self.region.set_xy(polygon if polygon else np.empty((0, 2)))
        self.boundary.set_data(*(np.transpose(segment) if segment else ([], [])))
        if step:
            self.ring.set_data(*self.X[history.samples[step - 1], :, np.newaxis])
        else:
            self.ring.set_data([], [])
        self.current.set_data([step], [history.errors[step]])
        self.suptitle.set_text(f"{describe(history, step)}\n{self.summary}")
        return self.figure


def live_explorer(n_samples=60, seed=0):
    """ipywidgets controls for the learning rate, the number of epochs and the data
    set's margin, and a player over the updates: each change retrains the
    perceptron and redraws its boundary after the chosen update."""
    import ipywidgets as widgets
    from IPython.display import display

    lr = widgets.FloatLogSlider(
        value=1.0, base=10, min=-2, max=1, step=0.1, description="lr"
    )
    max_iter = widgets.IntSlider(value=20, min=1, max=30, description="max_iter")
    margin = widgets.FloatSlider(
        value=0.1, min=0.01, max=0.5, step=0.01, description="margin"
    )
    step = widgets.IntSlider(value=0, min=0, max=1, description="update")
    play = widgets.Play(value=0, min=0, max=1, interval=500, description="play")
    widgets.jslink((play, "value"), (step, "value"))
    out = widgets.Output()
    live = _LiveFigure()

    def retrain(_change=None):
        X, y, true_coef, true_intercept = separable_data(
            n_samples, margin.value, seed=seed
        )
        history = replay(
            X, y, true_coef, true_intercept, lr=lr.value, max_iter=max_iter.value
        )
        live.show_data(X, y, true_coef, true_intercept, history, max_iter.value)
        for control in (step, play):
            control.max = history.n_updates
        if step.value == history.n_updates:
            redraw()
        step.value = history.n_updates  # the end of training (redraws when it moves)

    def redraw(_change=None):
        show_figure_in(out, live.show_step(min(step.value, live.history.n_updates)))

    for control in (lr, max_iter, margin):
        control.observe(retrain, names="value")
    step.observe(redraw, names="value")
    retrain()
    display(
        widgets.VBox(
            [widgets.HBox([lr, max_iter, margin]), widgets.HBox([play, step]), out]
        )
    )


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
        ax.scatter(
            *X[y == label].T,
            color=COLOURS[label],
            edgecolor="black",
            lw=0.5,
            s=25,
            label=f"class {label}",
        )
    ax.set(xlim=LIMITS, ylim=LIMITS, xlabel="feature 1", ylabel="feature 2")
    ax.set_aspect("equal")
    return ax


def _rounded_points(points):
    """x and y lists of 2-D points, rounded to 3 decimals (a small page)."""
    if not len(points):
        return [], []
    x, y = np.round(np.transpose(points), 3)
    return x.tolist(), y.tolist()


def static_explorer(
    margins=(0.3, 0.1, 0.03),
    *,
    n_samples=60,
    seed=0,
    max_steps=40,
    initial=1,
    name="perceptron-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu for the data set's margin and a slider over the first ``max_steps``
    updates (and the last one) of training with ``lr=1``."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    figure = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        horizontal_spacing=0.1,
        subplot_titles=("shaded: predicted class 1", "samples misclassified"),
    )
    runs = []  # per margin: the replay, its steps, and where its traces start
    for margin in margins:
        X, y, true_coef, true_intercept = separable_data(n_samples, margin, seed=seed)
        history = replay(X, y, true_coef, true_intercept, max_iter=100)
        steps = list(range(min(history.n_updates, max_steps) + 1))
        if steps[-1] != history.n_updates:
            steps.append(history.n_updates)
        first = len(figure.data)
        figure.add_trace(  # 0: the region of class 1, restyled by the slider
            go.Scatter(
                x=[],
                y=[],
                fill="toself",
                mode="none",
                fillcolor="rgba(217, 95, 2, 0.15)",
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
        for label in (0, 1):  # 1, 2: the samples
            x, y_values = _rounded_points(X[y == label])
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=y_values,
                    mode="markers",
                    name=f"class {label}",
                    marker={
                        "color": COLOURS[label],
                        "line": {"width": 0.5, "color": "black"},
                    },
                    showlegend=False,
                    hovertemplate="(%{x}, %{y})<extra></extra>",
                ),
                row=1,
                col=1,
            )
        x, y_values = _rounded_points(half_plane(true_coef, true_intercept)[1])
        figure.add_trace(  # 3: the line the data were drawn from
            go.Scatter(
                x=x,
                y=y_values,
                mode="lines",
                line={"color": "grey", "dash": "dash", "width": 1},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
        for trace in (  # 4: the boundary, 5: the mistaken sample (both restyled)
            go.Scatter(mode="lines", line={"color": BOUNDARY_COLOUR, "width": 3}),
            go.Scatter(
                mode="markers",
                marker={
                    "size": 16,
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": MISTAKE_COLOUR, "width": 2},
                },
            ),
        ):
            trace.update(x=[], y=[], hoverinfo="skip", showlegend=False)
            figure.add_trace(trace, row=1, col=1)
        figure.add_trace(  # 6: training errors after each update
            go.Scatter(
                x=list(range(history.n_updates + 1)),
                y=history.errors.tolist(),
                mode="lines+markers",
                line={"color": BOUNDARY_COLOUR, "shape": "hv"},
                marker={"size": 4},
                hovertemplate="after %{x} updates: %{y} misclassified<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=2,
        )
        figure.add_trace(  # 7: the current update (restyled)
            go.Scatter(
                x=[],
                y=[],
                mode="markers",
                marker={"color": MISTAKE_COLOUR, "size": 9},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=2,
        )
        runs.append((margin, history, steps, first, X))
    traces_per_run = 8

    def restyle(run_index, step):
        """The data of the four traces that change with the update shown (the
        region, the boundary, the ring round the mistaken sample, the current
        point of the error curve), and those traces' indices."""
        _, history, _, first, X = runs[run_index]
        weights = history.weights[step]
        polygon, segment = half_plane(weights[:2], weights[2])
        ring = [X[history.samples[step - 1]]] if step else []
        current = [(step, history.errors[step])]
        data = [_rounded_points(points) for points in (polygon, segment, ring, current)]
        indices = [first + offset for offset in (0, 4, 5, 7)]
        return {"x": [x for x, _ in data], "y": [y for _, y in data]}, indices

    def title(run_index, step):
        margin, history, *_ = runs[run_index]
        return (
            f"margin {margin:g}: {describe(history, step)}<br>{summary(history, 100)}"
        )

    def slider(run_index):
        _, _, steps, _, _ = runs[run_index]
        return {
            "active": 0,
            "currentvalue": {"prefix": "updates made: "},
            "pad": {"t": 40},
            "steps": [step_of_slider(run_index, step) for step in steps],
        }

    def step_of_slider(run_index, step):
        data, indices = restyle(run_index, step)
        return {
            "label": str(step),
            "method": "update",
            "args": [data, {"title.text": title(run_index, step)}, indices],
        }

    def visibility(run_index):
        return [
            index // traces_per_run == run_index for index in range(len(figure.data))
        ]

    # Every run starts at step 0, and the menu puts every trace back to that state
    # (the slider of another run may have moved some), so it carries all the data.
    for run_index in range(len(runs)):
        data, indices = restyle(run_index, 0)
        for index, x, y in zip(indices, data["x"], data["y"], strict=True):
            figure.data[index].update(x=x, y=y)
    start_x = [list(trace.x) for trace in figure.data]
    start_y = [list(trace.y) for trace in figure.data]
    for trace, shown in zip(figure.data, visibility(initial), strict=True):
        trace.visible = shown

    # Equal scales, so that w is drawn perpendicular to the line; the panel shrinks
    # to a square ("domain") rather than showing more than LIMITS.
    figure.update_xaxes(
        range=list(LIMITS), title_text="feature 1", constrain="domain", row=1, col=1
    )
    figure.update_yaxes(
        range=list(LIMITS),
        title_text="feature 2",
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        row=1,
        col=1,
    )
    figure.update_xaxes(title_text="updates", row=1, col=2)
    figure.update_yaxes(range=[0, n_samples * 1.05], row=1, col=2)
    figure.update_layout(
        # From the top: the menu (beside plotly's buttons), the title, the panels'
        # titles; the slider below. The margins leave room for each.
        title={
            "text": title(initial, 0),
            "font": {"size": 12},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.88,
            "yanchor": "top",
        },
        height=640,
        margin={"t": 150, "b": 120},
        sliders=[slider(initial)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.36,
                "yanchor": "top",
                "active": initial,
                "buttons": [
                    {
                        "label": f"margin {margin:g}",
                        "method": "update",
                        "args": [
                            {"visible": visibility(index), "x": start_x, "y": start_y},
                            {
                                "sliders": [slider(index)],
                                "title.text": title(index, 0),
                            },
                        ],
                    }
                    for index, (margin, *_) in enumerate(runs)
                ],
            }
        ],
    )
    return PlotlyFigure(figure, name)
