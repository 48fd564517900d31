"""Figures and explorers of Chapter 5 (logistic regression).

The explorers fit ``LogisticRegression`` on two features, by Newton's method and by
gradient descent, and draw two things:

* a *probability map*: each point of the plane takes the colour of its most
  probable class, the paler the less sure the model is; black lines are the decision
  boundaries, dashed ones where the most probable class reaches a given probability;
* the *loss curves*: how far the objective is above its minimum after each iteration,
  for both solvers, on a log scale.

:func:`probability_map` computes the picture for one fitted model; the live explorer
draws it with matplotlib (ipywidgets controls refit and redraw), the static one
precomputes it for a few values of ``C`` into a plotly figure.
"""

import base64
import io
import warnings

import numpy as np

from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.supervised import LogisticRegression
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

# One colour per class (as in Chapter 1), one per solver.
COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
NEWTON_COLOUR = "#444444"
GD_COLOUR = "#1f77b4"
# The most probable class's probability at the dashed lines of the maps.
CONFIDENCE_LEVELS = (0.9,)
# Newton's fit, converged as far as floating point allows: the minimum of the curves.
EXACT = {"tol": 1e-10, "max_iter": 100}


def short(number):
    """``number`` with 3 significant digits and no exponent: 0.001, 3.16, 1000."""
    return np.format_float_positional(
        float(number), precision=3, unique=False, fractional=False, trim="-"
    )


def hex_to_rgb(colour):
    """``"#1b9e77"`` as three floats in [0, 1]."""
    return np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def grid_over(X, resolution=100, margin=0.5):
    """Axes ``xs``, ``ys`` (shape (resolution,) each) covering the two features of
    ``X``, and the grid's points, shape (resolution**2, 2), row by row:
    ``points[i * resolution + j]`` is ``(xs[j], ys[i])``."""
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(xs, ys)  # (resolution, resolution) each
    return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])


def probability_map(model, xs, ys):
    """What a fitted two-feature classifier predicts over the grid ``xs`` x ``ys``.

    Returns
    -------
    rgb : ndarray of shape (len(ys), len(xs), 3)
        The colour of the most probable class, mixed with white the more, the closer
        its probability is to a uniform guess 1 / n_classes. Row 0 is ``ys[0]``.
    margins : ndarray of shape (n_classes, len(ys), len(xs))
        Each class's probability minus the largest of the others': positive where
        the class wins, 0 on its decision boundary.
    confidence : ndarray of shape (len(ys), len(xs))
        The most probable class's probability.
    """
    xx, yy = np.meshgrid(xs, ys)  # (len(ys), len(xs)) each
    points = np.column_stack([xx.ravel(), yy.ravel()])
    n_classes = len(model.classes_)
    probabilities = model.predict_proba(points).reshape(len(ys), len(xs), n_classes)
    best = probabilities.argmax(axis=2)  # (len(ys), len(xs))
    confidence = probabilities.max(axis=2)
    strength = (confidence - 1 / n_classes) / (1 - 1 / n_classes)  # 0 to 1
    palette = np.array([hex_to_rgb(COLOURS[k]) for k in range(n_classes)])
    colour = palette[best]  # (len(ys), len(xs), 3)
    mix = 0.85 * strength[:, :, np.newaxis]
    rgb = (1 - mix) * 1.0 + mix * colour
    margins = np.empty((n_classes, len(ys), len(xs)))
    for k in range(n_classes):
        others = np.delete(probabilities, k, axis=2).max(axis=2)
        margins[k] = probabilities[:, :, k] - others
    return rgb, margins, confidence


def fit_both(X, y, C, lr, n_iter):
    """Fit Newton's method to convergence and ``n_iter`` steps of gradient descent.

    Returns ``(newton, descent, failure)``: the two fitted models and ``None`` or
    why gradient descent failed. If its weights overflowed, ``descent`` is ``None``;
    if its objective only grew, ``descent`` holds that run, to draw.
    """
    newton = LogisticRegression(C=C, **EXACT).fit(X, y)
    descent = LogisticRegression(
        C=C, solver="gd", learning_rate=lr, max_iter=n_iter, tol=1e-12
    )
    with warnings.catch_warnings():
        # Stopping early is the point of a fixed n_iter: no warning for it.
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            descent.fit(X, y)
        except ValueError as error:
            return newton, None, str(error).split(":")[0]
    if descent.loss_history_[-1] > np.log(len(descent.classes_)):  # above the start
        return newton, descent, "Gradient descent diverges: the objective grows"
    return newton, descent, None


def excess_losses(model, minimum, floor=1e-16):
    """The objective minus ``minimum`` before the first iteration (all weights 0,
    so the loss is log(n_classes)) and after each, floored at ``floor`` for a log
    scale."""
    start = np.log(len(model.classes_))
    losses = np.concatenate([[start], model.loss_history_])
    return np.maximum(losses - minimum, floor)


# The static explorer's floor for the objective's excess. An objective near 1 is
# known to about 1e-15 (its last bits differ between processors), so an excess of
# 1e-14 is mostly rounding noise; from 1e-10 up it is known to 5 digits, and the
# stored figure is the same on every machine.
STATIC_FLOOR = 1e-10


def describe(model, X_train, y_train, X_val, y_val):
    """Accuracy on both sets and the validation log-loss, in words."""
    probabilities = model.predict_proba(X_val)
    rows = np.searchsorted(model.classes_, y_val)
    log_loss = -np.mean(
        np.log(np.maximum(probabilities[np.arange(len(y_val)), rows], 1e-300))
    )
    return (
        f"accuracy train {model.score(X_train, y_train):.3f}, validation "
        f"{model.score(X_val, y_val):.3f}; validation log-loss {log_loss:.3f}"
    )


def plot_probability_map(
    model,
    X,
    y,
    ax,
    *,
    X_val=None,
    y_val=None,
    resolution=120,
    feature_names=("feature 1", "feature 2"),
    title=None,
):
    """Draw the probability map of a fitted two-feature classifier, with the decision
    boundaries (black), the lines where the winning class reaches a probability of
    0.9 (dashed), the training points (filled) and validation points (hollow)."""
    xs, ys, _ = grid_over(np.vstack([X] if X_val is None else [X, X_val]), resolution)
    rgb, margins, confidence = probability_map(model, xs, ys)
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    ax.imshow(
        rgb, origin="lower", extent=extent, aspect="auto", interpolation="bilinear"
    )
    # Every boundary between two classes is also the boundary of a region other
    # than the last class's: drawing those is enough.
    for margin in margins[:-1]:
        if margin.min() < 0 < margin.max():
            ax.contour(xs, ys, margin, levels=[0.0], colors="black", linewidths=1.2)
    if confidence.min() < CONFIDENCE_LEVELS[0] < confidence.max():
        lines = ax.contour(
            xs,
            ys,
            confidence,
            levels=list(CONFIDENCE_LEVELS),
            colors="black",
            linewidths=0.8,
            linestyles="dashed",
        )
        ax.clabel(lines, fontsize=7, fmt="%.1f")
    for k, label in enumerate(model.classes_):
        members = y == label
        ax.scatter(
            X[members, 0],
            X[members, 1],
            s=16,
            color=COLOURS[k],
            edgecolor="black",
            linewidth=0.4,
            label=str(label),
        )
        if X_val is not None:
            members = y_val == label
            ax.scatter(
                X_val[members, 0],
                X_val[members, 1],
                s=16,
                facecolors="none",
                edgecolors=COLOURS[k],
                linewidth=0.9,
            )
    ax.set(xlim=extent[:2], ylim=extent[2:])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(fontsize=8, loc="upper left", framealpha=0.8)
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_loss_curves(models, minimum, ax):
    """How far each fitted model's objective is above ``minimum``, per iteration.

    ``models`` maps a label to a fitted ``LogisticRegression``. A log scale shows
    the rate of convergence: a straight line for gradient descent (the excess is
    divided by the same factor at each step), a plunge for Newton's method.
    """
    for (label, model), colour in zip(
        models.items(), [NEWTON_COLOUR, GD_COLOUR, "#d62728"], strict=False
    ):
        excess = excess_losses(model, minimum)
        ax.plot(
            np.arange(len(excess)),
            excess,
            color=colour,
            marker="o" if len(excess) < 30 else None,
            markersize=4,
            label=label,
        )
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("objective − minimum")
    ax.legend(fontsize=8)
    return ax


def plot_one_feature(x, y, model, line, ax, *, xlabel="x", ylabel="P(y = 1)"):
    """Labels 0/1 of one feature, with the logistic curve of ``model`` and the
    least-squares line ``line`` (any fitted regressor) through the same points."""
    rng = np.random.default_rng(0)
    jitter = 0.04 * rng.normal(size=len(y))  # so that points at 0 and 1 separate
    ax.scatter(x, y + jitter, s=8, alpha=0.4, color="black", label="tumours")
    grid = np.linspace(x.min(), x.max(), 300)
    ax.plot(
        grid,
        model.predict_proba(grid[:, np.newaxis])[:, 1],
        color=COLOURS[1],
        linewidth=2.5,
        label="logistic regression",
    )
    ax.plot(
        grid,
        line.predict(grid[:, np.newaxis]),
        color=COLOURS[2],
        linestyle="--",
        label="least squares",
    )
    ax.axhspan(0, 1, color="grey", alpha=0.08)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_sigmoid_and_log_loss(left, right, limit=8.0):
    """The sigmoid of a logit ``z`` (left) and the log-loss of each class (right):
    ``log(1 + exp(-z))`` when the class is 1, ``log(1 + exp(z))`` when it is 0."""
    from scratchlearn.supervised import sigmoid

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


def live_explorer(datasets, *, initial="binary"):
    """ipywidgets controls for the data set, ``C``, the solver, the learning rate and
    the number of gradient-descent iterations; every change refits both solvers and
    redraws the chosen one's probability map and both loss curves.

    ``datasets`` maps a name to ``(X_train, y_train, X_val, y_val, feature_names)``
    with two standardised features.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display
    from matplotlib.ticker import NullLocator

    data = widgets.ToggleButtons(
        options=list(datasets), value=initial, description="data"
    )
    C = widgets.FloatLogSlider(
        value=1.0,
        base=10,
        min=-3,
        max=3,
        step=0.1,
        description="C",
        readout_format=".3g",
    )
    solver = widgets.ToggleButtons(
        options=["newton", "gd"], value="newton", description="map of"
    )
    lr = widgets.FloatLogSlider(
        value=1.0,
        base=10,
        min=-2,
        max=1,
        step=0.1,
        description="lr",
        readout_format=".3g",
    )
    n_iter = widgets.IntSlider(value=100, min=1, max=1000, description="gd steps")
    out = widgets.Output()

    def redraw(_change=None):
        X_train, y_train, X_val, y_val, names = datasets[data.value]
        newton, descent, failure = fit_both(
            X_train, y_train, C.value, lr.value, n_iter.value
        )
        use_descent = solver.value == "gd" and failure is None
        shown = descent if use_descent else newton
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(
                1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": (1.15, 1)}
            )
        # Fixed margins: tight_layout would measure every label on each redraw.
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.85, wspace=0.22)
        what = (
            "Newton" if shown is newton else f"gradient descent, {n_iter.value} steps"
        )
        plot_probability_map(
            shown,
            X_train,
            y_train,
            left,
            X_val=X_val,
            y_val=y_val,
            resolution=100,
            feature_names=names,
            title=f"{what}: {describe(shown, X_train, y_train, X_val, y_val)}",
        )
        curves = {f"Newton ({newton.n_iter_} iterations)": newton}
        if descent is not None:
            curves[f"gradient descent, lr={lr.value:.3g}"] = descent
        plot_loss_curves(curves, newton.loss_history_[-1], right)
        right.yaxis.set_minor_locator(NullLocator())  # many, slow, little gain
        right.set_ylim(1e-16, 2.0)
        if failure is not None:
            right.text(
                0.5,
                0.5,
                failure,
                transform=right.transAxes,
                ha="center",
                color="crimson",
                fontsize=11,
                wrap=True,
            )
        right.set_title("training objective per iteration", fontsize=9)
        fig.suptitle(
            f"C = {C.value:.3g}: the larger C, the weaker the penalty and the sharper "
            "the probabilities",
            fontsize=10,
        )
        show_figure_in(out, fig)

    for control in (data, C, solver, lr, n_iter):
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox([widgets.HBox([data, solver]), widgets.HBox([C, lr, n_iter]), out])
    )


def _png(rgb):
    """``rgb`` (rows from the bottom up) as a PNG data URI, for a plotly image."""
    import matplotlib.image

    buffer = io.BytesIO()
    # plotly draws the image's first row at y0, which is ys[0] here: no flip. No
    # metadata, so that the bytes depend on the picture only.
    matplotlib.image.imsave(buffer, rgb, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _lines(xs, ys, field, level):
    """The curves where ``field`` (len(ys), len(xs)) equals ``level``, as x and y
    lists with ``None`` between curves (one plotly trace draws them all)."""
    import contourpy

    if not field.min() < level < field.max():
        return [], []
    generator = contourpy.contour_generator(xs, ys, field)
    x_all, y_all = [], []
    for curve in generator.lines(level):
        x_all += [*rounded(curve[:, 0], 3).tolist(), None]
        y_all += [*rounded(curve[:, 1], 3).tolist(), None]
    return x_all, y_all


def _thin(values, every=10, first=20):
    """Iteration numbers and values to draw: every one at first, then every 10th."""
    iterations = np.arange(len(values))
    keep = (iterations < first) | (iterations % every == 0)
    keep[-1] = True
    return iterations[keep], values[keep]


def static_explorer(
    datasets,
    *,
    Cs=(0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0),
    lr=1.0,
    n_iter=200,
    resolution=60,
    initial=(0, 3),
    name="logistic-regression-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu for the data set and a slider for ``C``. Left, Newton's probability map;
    right, both solvers' loss curves (gradient descent with ``lr`` for ``n_iter``
    steps). ``initial`` gives the indices, into ``datasets`` and ``Cs``, of the
    setting shown first."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = list(datasets)
    figure = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        horizontal_spacing=0.12,
        subplot_titles=("Newton's probability map", "objective − minimum"),
    )
    # Every trace with its column and when it shows: for one data set
    # ("data", data_index) or for one setting ("setting", data_index, C_index).
    traces, titles, ranges = [], {}, {}
    for data_index, data_name in enumerate(names):
        X_train, y_train, X_val, y_val, feature_names = datasets[data_name]
        xs, ys, _ = grid_over(np.vstack([X_train, X_val]), resolution)
        ranges[data_index] = (xs, ys, feature_names)
        key = ("data", data_index)
        for k, label in enumerate(np.unique(y_train)):
            for X, y, hollow in ((X_train, y_train, False), (X_val, y_val, True)):
                members = y == label
                marker = {"color": COLOURS[k], "size": 6, "line": {"width": 0.5}}
                if hollow:
                    marker = {
                        "color": "rgba(0,0,0,0)",
                        "size": 6,
                        "line": {"color": COLOURS[k], "width": 1.2},
                    }
                points = go.Scatter(
                    x=rounded(X[members, 0], 3),
                    y=rounded(X[members, 1], 3),
                    mode="markers",
                    marker=marker,
                    name=f"{label} ({'validation' if hollow else 'training'})",
                    legendgroup=str(label),
                    hoverinfo="skip",
                )
                traces.append((points, 1, key))
        for C_index, C in enumerate(Cs):
            key = ("setting", data_index, C_index)
            newton, descent, failure = fit_both(X_train, y_train, C, lr, n_iter)
            rgb, margins, confidence = probability_map(newton, xs, ys)
            image = go.Image(
                source=_png(rgb),
                x0=float(xs[0]),
                dx=float(xs[1] - xs[0]),
                y0=float(ys[0]),
                dy=float(ys[1] - ys[0]),
                zsmooth="fast",
                hoverinfo="skip",
            )
            boundary_x, boundary_y = [], []
            for margin in margins[:-1]:  # as in plot_probability_map
                x_line, y_line = _lines(xs, ys, margin, 0.0)
                boundary_x += x_line
                boundary_y += y_line
            boundary = go.Scatter(
                x=boundary_x,
                y=boundary_y,
                mode="lines",
                line={"color": "black", "width": 1.5},
                name="decision boundary",
                showlegend=False,
                hoverinfo="skip",
            )
            sure_x, sure_y = _lines(xs, ys, confidence, CONFIDENCE_LEVELS[0])
            sure = go.Scatter(
                x=sure_x,
                y=sure_y,
                mode="lines",
                line={"color": "black", "width": 1, "dash": "dash"},
                name="probability 0.9",
                showlegend=False,
                hoverinfo="skip",
            )
            minimum = newton.loss_history_[-1]
            curves = [
                go.Scatter(
                    x=list(range(newton.n_iter_ + 1)),
                    y=excess_losses(newton, minimum, STATIC_FLOOR),
                    mode="lines+markers",
                    line={"color": NEWTON_COLOUR},
                    name="Newton",
                    showlegend=False,
                )
            ]
            if descent is not None:
                steps, values = _thin(excess_losses(descent, minimum, STATIC_FLOOR))
                curves.append(
                    go.Scatter(
                        x=steps,
                        y=values,
                        mode="lines",
                        line={"color": GD_COLOUR},
                        name=f"gradient descent, lr={lr:g}",
                        showlegend=False,
                    )
                )
            for trace in (image, boundary, sure):
                traces.append((trace, 1, key))
            traces += [(curve, 2, key) for curve in curves]
            if failure is not None:
                gd_text = f"{failure[0].lower()}{failure[1:]} (lr={lr:g})"
            else:
                excess = excess_losses(descent, minimum, STATIC_FLOOR)[-1]
                gd_text = f"gradient descent (lr={lr:g}) after {n_iter} steps: " + (
                    f"{excess:.1e} above"
                    if excess > STATIC_FLOOR
                    else f"within {STATIC_FLOOR:.0e} of"
                )
            titles[data_index, C_index] = (
                f"{data_name}, C = {short(C)}: "
                f"{describe(newton, X_train, y_train, X_val, y_val)}<br>"
                f"Newton: {newton.n_iter_} iterations (grey); {gd_text} (blue)"
            )

    for trace, col, _ in traces:
        figure.add_trace(trace, row=1, col=col)

    def visibility(data_index, C_index):
        shown = (("data", data_index), ("setting", data_index, C_index))
        return [key in shown for _, _, key in traces]

    def slider(data_index, C_index):
        # A step restyles only this data set's settings (the third argument lists
        # them): the other traces keep their visibility.
        settings = [
            (index, key[2])
            for index, (_, _, key) in enumerate(traces)
            if key[:2] == ("setting", data_index)
        ]
        return {
            "active": C_index,
            "currentvalue": {"prefix": f"{names[data_index]}: C = "},
            "pad": {"t": 50},
            "steps": [
                {
                    "label": short(C),
                    "method": "update",
                    "args": [
                        {"visible": [step == index for _, step in settings]},
                        {"title.text": titles[data_index, index]},
                        [trace_index for trace_index, _ in settings],
                    ],
                }
                for index, C in enumerate(Cs)
            ],
        }

    def axes(data_index):
        xs, ys, feature_names = ranges[data_index]
        return {
            "xaxis.range": [float(xs[0]), float(xs[-1])],
            "yaxis.range": [float(ys[0]), float(ys[-1])],
            "xaxis.title.text": feature_names[0],
            "yaxis.title.text": feature_names[1],
        }

    data_index, C_index = initial
    for trace, shown in zip(figure.data, visibility(data_index, C_index), strict=True):
        trace.visible = shown
    xs, ys, feature_names = ranges[data_index]
    figure.update_xaxes(
        range=[float(xs[0]), float(xs[-1])], title_text=feature_names[0], row=1, col=1
    )
    figure.update_yaxes(
        range=[float(ys[0]), float(ys[-1])],
        autorange=False,
        title_text=feature_names[1],
        row=1,
        col=1,
    )
    figure.update_xaxes(title_text="iteration", row=1, col=2)
    figure.update_yaxes(
        type="log", range=[-10.5, 0.5], exponentformat="power", dtick=2, row=1, col=2
    )
    figure.update_layout(
        # From the top: the menu, the title (two lines), the panels' titles; below
        # the panels the slider, then the legend. The margins leave room for each.
        title={
            "text": titles[data_index, C_index],
            "font": {"size": 12},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.905,
            "yanchor": "top",
        },
        height=760,
        margin={"t": 140, "b": 220},
        legend={
            "font": {"size": 10},
            "orientation": "h",
            "x": 0,
            "y": -0.45,
            "yanchor": "top",
        },
        sliders=[slider(data_index, C_index)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.34,
                "yanchor": "top",
                "active": data_index,
                # A new data set starts from the C shown first: a menu cannot read
                # the slider's position.
                "buttons": [
                    {
                        "label": data_name,
                        "method": "update",
                        "args": [
                            {"visible": visibility(index, C_index)},
                            {
                                "sliders": [slider(index, C_index)],
                                "title.text": titles[index, C_index],
                                **axes(index),
                            },
                        ],
                    }
                    for index, data_name in enumerate(names)
                ],
            }
        ],
    )
    return PlotlyFigure(figure, name)
