"""Figures and explorers of Chapter 24 (optimizers, schedules and callbacks).

The optimizers race on two-parameter loss surfaces
(:mod:`scratchlearn.deep.surfaces`): a contour plot with each optimizer's path, and
the loss along the way. The explorers move the optimizer, its learning rate, its
momentum and a learning-rate schedule, on a surface (fast) or on a small digits
network (loss curves and accuracy); the static version precomputes the paths of a few
learning rates per optimizer.
"""

import numpy as np

from scratchlearn.deep import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    CosineDecay,
    Dense,
    ExponentialDecay,
    RMSprop,
    Sequential,
    SparseCategoricalCrossentropy,
    StepDecay,
)
from scratchlearn.deep.surfaces import QUADRATIC, ROSENBROCK, SURFACES, descend
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

COLOURS = {
    "SGD": "#1f77b4",
    "momentum": "#ff7f0e",
    "Nesterov": "#8c564b",
    "Adagrad": "#2ca02c",
    "Adadelta": "#7f7f7f",
    "RMSprop": "#9467bd",
    "Adam": "#d62728",
}
OPTIMIZER_NAMES = tuple(COLOURS)
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")

# Learning rates that do well on each surface in RACE_STEPS steps (found by trying a
# grid from 1e-4 to 1: larger ones diverge or oscillate, smaller ones crawl).
RACE_STEPS = {QUADRATIC.name: 100, ROSENBROCK.name: 500}
RACE_LEARNING_RATES = {
    QUADRATIC.name: {
        "SGD": 0.06,
        "momentum": 0.01,
        "Nesterov": 0.01,
        "Adagrad": 1.0,
        "Adadelta": 1.0,
        "RMSprop": 0.06,
        "Adam": 0.3,
    },
    ROSENBROCK.name: {
        "SGD": 0.001,
        "momentum": 0.001,
        "Nesterov": 0.001,
        "Adagrad": 1.0,
        "Adadelta": 1.0,
        "RMSprop": 0.01,
        "Adam": 0.3,
    },
}
# The static explorer's grid: a few learning rates per optimizer, around the good one.
STATIC_LEARNING_RATES = {
    "SGD": (0.01, 0.03, 0.06, 0.07),
    "momentum": (0.001, 0.003, 0.01, 0.03, 0.06),
    "Nesterov": (0.001, 0.003, 0.01, 0.03, 0.06),
    "Adagrad": (0.1, 0.3, 1.0, 3.0),
    "Adadelta": (0.1, 1.0, 3.0, 10.0),
    "RMSprop": (0.01, 0.03, 0.06, 0.3),
    "Adam": (0.01, 0.03, 0.1, 0.3, 1.0),
}


def schedule(name, learning_rate, n_steps):
    """The learning rate ``learning_rate``, constant or decaying over ``n_steps``.

    ``"step"`` halves it every quarter of the run, ``"exponential"`` takes it down to
    a hundredth smoothly, ``"cosine"`` down to zero along half a cosine.
    """
    if name == "constant":
        return learning_rate
    if name == "step":
        return StepDecay(learning_rate, drop_every=max(n_steps // 4, 1), factor=0.5)
    if name == "exponential":
        return ExponentialDecay(learning_rate, decay_steps=n_steps, decay_rate=0.01)
    if name == "cosine":
        return CosineDecay(learning_rate, decay_steps=n_steps)
    raise ValueError(f"Unknown schedule {name!r}; use one of {SCHEDULE_NAMES}.")


def make_optimizer(name, learning_rate, momentum=0.9):
    """A fresh optimizer by its label in :data:`COLOURS` (``momentum`` is used by
    "momentum" and "Nesterov" only)."""
    if name == "SGD":
        return SGD(learning_rate)
    if name == "momentum":
        return SGD(learning_rate, momentum=momentum)
    if name == "Nesterov":
        return SGD(learning_rate, momentum=momentum, nesterov=True)
    if name == "Adagrad":
        return Adagrad(learning_rate)
    if name == "Adadelta":
        return Adadelta(learning_rate)
    if name == "RMSprop":
        return RMSprop(learning_rate)
    if name == "Adam":
        return Adam(learning_rate)
    raise ValueError(f"Unknown optimizer {name!r}; use one of {OPTIMIZER_NAMES}.")


def race(surface, learning_rates=None, n_steps=None):
    """Every optimizer's path on ``surface``, each at its own learning rate.

    Returns a dict ``{label: path}``, paths of shape (n_taken + 1, 2).
    """
    learning_rates = learning_rates or RACE_LEARNING_RATES[surface.name]
    n_steps = n_steps or RACE_STEPS[surface.name]
    return {
        name: descend(make_optimizer(name, lr, momentum=0.9), surface, n_steps)
        for name, lr in learning_rates.items()
    }


def plot_surface(surface, ax, resolution=120):
    """Contours of ``surface`` at logarithmically spaced levels, and its minimum."""
    xs = np.linspace(*surface.x_range, resolution)
    ys = np.linspace(*surface.y_range, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)  # (resolution, resolution, 2)
    values = surface.value(grid)  # (resolution, resolution)
    levels = np.logspace(-2, np.log10(values.max()), 14)
    ax.contour(xs, ys, values, levels=levels, cmap="Greys_r", linewidths=0.7)
    ax.plot(*surface.minimum, marker="*", markersize=14, color="gold", mec="k")
    ax.set_xlim(surface.x_range)
    ax.set_ylim(surface.y_range)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    return ax


def plot_paths(surface, paths, ax, labels=None):
    """Each path of ``{label: path}`` over the contours of ``surface``."""
    plot_surface(surface, ax)
    for name, path in paths.items():
        colour = COLOURS.get(name.split(" ")[0], None)
        label = labels[name] if labels else name
        ax.plot(*path.T, "-", color=colour, linewidth=1.4, label=label)
        ax.plot(*path[-1], "o", color=colour, markersize=5)
    ax.plot(*paths[next(iter(paths))][0], "ks", markersize=6)  # the common start
    return ax


def plot_losses(surface, paths, ax):
    """The loss along each path against the step, on a log scale."""
    for name, path in paths.items():
        colour = COLOURS.get(name.split(" ")[0], None)
        ax.semilogy(surface.value(path), color=colour, linewidth=1.4, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    return ax


def plot_race(surface, paths, axes, title=True):
    """Paths on the contours (``axes[0]``) and their losses (``axes[1]``)."""
    plot_paths(surface, paths, axes[0])
    plot_losses(surface, paths, axes[1])
    axes[1].legend(fontsize=8, loc="lower left")
    if title:
        axes[0].set_title(surface.name, fontsize=10)
        axes[1].set_title(f"{surface.name}: loss per step", fontsize=10)
    return axes


def plot_history(history, axes, early_stopping=None, label=""):
    """Training curves of a ``fit``: losses (``axes[0]``) and the learning rate
    (``axes[1]``) per epoch; with ``early_stopping``, its best epoch is marked."""
    logs = history.history
    epochs = np.arange(1, len(logs["loss"]) + 1)
    axes[0].plot(epochs, logs["loss"], label=f"training loss{label}")
    if "val_loss" in logs:
        axes[0].plot(epochs, logs["val_loss"], label=f"validation loss{label}")
    if early_stopping is not None and early_stopping.best is not None:
        best = early_stopping.best_epoch + 1
        axes[0].axvline(best, color="k", linestyle=":", linewidth=1)
        axes[0].annotate(
            f"best epoch ({best}): weights restored",
            (best, early_stopping.best),
            xytext=(5, 25),
            textcoords="offset points",
            fontsize=8,
            arrowprops={"arrowstyle": "->"},
        )
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("loss")
    axes[0].set_yscale("log")
    axes[0].legend(fontsize=8)
    axes[1].step(epochs, logs["learning_rate"], where="mid")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("learning rate")
    return axes


def race_explorer():
    """ipywidgets controls for one optimizer on a two-parameter surface: the
    surface, the optimizer, its learning rate and momentum, a schedule and the number
    of steps. Every change reruns the descent and redraws the path and its loss."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    surface = widgets.Dropdown(
        options=list(SURFACES), value=QUADRATIC.name, description="surface"
    )
    optimizer = widgets.Dropdown(
        options=OPTIMIZER_NAMES, value="momentum", description="optimizer"
    )
    learning_rate = widgets.FloatLogSlider(
        value=0.01, base=10, min=-4, max=0.5, step=0.1, description="learning rate"
    )
    momentum = widgets.FloatSlider(
        value=0.9, min=0.0, max=0.99, step=0.01, description="momentum"
    )
    decay = widgets.Dropdown(
        options=SCHEDULE_NAMES, value="constant", description="schedule"
    )
    n_steps = widgets.IntSlider(
        value=100, min=20, max=500, step=20, description="steps"
    )
    out = widgets.Output()

    def redraw(_change=None):
        chosen = SURFACES[surface.value]
        momentum.disabled = optimizer.value not in ("momentum", "Nesterov")
        lr = schedule(decay.value, learning_rate.value, n_steps.value)
        path = descend(
            make_optimizer(optimizer.value, lr, momentum.value), chosen, n_steps.value
        )
        name = optimizer.value
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        plot_race(chosen, {name: path}, axes, title=False)
        steps = np.arange(n_steps.value)
        rates = lr(steps) if callable(lr) else np.full(n_steps.value, lr)
        twin = axes[1].twinx()
        twin.plot(steps, rates, color="0.6", linestyle="--", linewidth=1)
        twin.set_ylabel("learning rate (dashed)")
        loss = float(chosen.value(path[-1]))
        if len(path) <= n_steps.value:
            outcome = f"diverged after {len(path) - 1} steps"
        else:
            outcome = f"loss after {n_steps.value} steps: {loss:.3g}"
        fig.suptitle(f"{name}, {decay.value} learning rate: {outcome}", fontsize=11)
        fig.tight_layout()
        show_figure_in(out, fig)

    controls = (surface, optimizer, learning_rate, momentum, decay, n_steps)
    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox(
            [
                widgets.HBox([surface, optimizer, decay]),
                widgets.HBox([learning_rate, momentum, n_steps]),
                out,
            ]
        )
    )


def train_digits(X_train, y_train, X_val, y_val, optimizer, batch_size, n_epochs):
    """A small network (64 -> 32 ReLU -> 10) trained on digits with ``optimizer``;
    returns the fitted model and its ``History``."""
    model = Sequential([Dense(32, activation="relu"), Dense(10)], random_state=0)
    model.compile(
        optimizer, SparseCategoricalCrossentropy(from_logits=True), ["accuracy"]
    )
    history = model.fit(
        X_train,
        y_train,
        epochs=n_epochs,
        batch_size=batch_size,
        validation_data=(X_val, y_val),
        verbose=0,
    )
    return model, history


def training_explorer(X_train, y_train, X_val, y_val, n_epochs=15):
    """ipywidgets controls for training a small digits network: the optimizer, the
    learning rate, the momentum, the batch size and a schedule. Every change retrains
    and redraws the loss curves, the learning rate and the accuracies."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    optimizer = widgets.Dropdown(
        options=OPTIMIZER_NAMES, value="Adam", description="optimizer"
    )
    learning_rate = widgets.FloatLogSlider(
        value=0.01, base=10, min=-4, max=0.5, step=0.1, description="learning rate"
    )
    momentum = widgets.FloatSlider(
        value=0.9, min=0.0, max=0.99, step=0.01, description="momentum"
    )
    batch_size = widgets.SelectionSlider(
        options=[8, 16, 32, 64, 128], value=32, description="batch size"
    )
    decay = widgets.Dropdown(
        options=SCHEDULE_NAMES, value="constant", description="schedule"
    )
    out = widgets.Output()

    def redraw(_change=None):
        momentum.disabled = optimizer.value not in ("momentum", "Nesterov")
        steps_per_epoch = -(-len(X_train) // batch_size.value)  # ceil
        lr = schedule(decay.value, learning_rate.value, n_epochs * steps_per_epoch)
        _, history = train_digits(
            X_train,
            y_train,
            X_val,
            y_val,
            make_optimizer(optimizer.value, lr, momentum.value),
            batch_size.value,
            n_epochs,
        )
        logs = history.history
        with plt.ioff():
            fig, axes = plt.subplots(
                1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [2, 1]}
            )
        if np.all(np.isfinite(logs["loss"])):
            plot_history(history, axes)
        fig.suptitle(
            f"{optimizer.value}, batch size {batch_size.value}, {decay.value} "
            f"learning rate: training accuracy {logs['accuracy'][-1]:.3f}, "
            f"validation accuracy {logs['val_accuracy'][-1]:.3f}",
            fontsize=11,
        )
        fig.tight_layout()
        show_figure_in(out, fig)

    controls = (optimizer, learning_rate, momentum, batch_size, decay)
    for control in controls:
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox(
            [
                widgets.HBox([optimizer, decay, batch_size]),
                widgets.HBox([learning_rate, momentum]),
                out,
            ]
        )
    )


def static_explorer(
    surface=QUADRATIC,
    learning_rates=STATIC_LEARNING_RATES,
    n_steps=None,
    resolution=60,
    name="optimizers-explorer",
):
    """The race explorer precomputed for the static site: a plotly figure with a
    menu over the optimizers and a slider over a few learning rates of each.

    The contours are drawn once; each setting adds one path, and a slider step
    shows only the chosen path of the chosen optimizer.
    """
    import plotly.graph_objects as go

    n_steps = n_steps or RACE_STEPS[surface.name]
    xs = np.linspace(*surface.x_range, resolution)
    ys = np.linspace(*surface.y_range, resolution)
    values = surface.value(np.stack(np.meshgrid(xs, ys), axis=-1))
    contour = go.Contour(
        x=rounded(xs, 3),
        y=rounded(ys, 3),
        z=rounded(np.log10(values + 1e-3), 2),
        colorscale="Greys",
        reversescale=True,
        contours={"coloring": "lines"},
        ncontours=18,
        showscale=False,
        hoverinfo="skip",
    )
    minimum = go.Scatter(
        x=[surface.minimum[0]],
        y=[surface.minimum[1]],
        mode="markers",
        marker={"symbol": "star", "size": 16, "color": "gold", "line": {"width": 1}},
        hoverinfo="skip",
    )
    traces, titles = [(contour, None), (minimum, None)], {}
    names = list(learning_rates)
    for o_index, optimizer in enumerate(names):
        for l_index, lr in enumerate(learning_rates[optimizer]):
            path = descend(make_optimizer(optimizer, lr), surface, n_steps)
            traces.append(
                (
                    go.Scatter(
                        x=rounded(path[:, 0], 3),
                        y=rounded(path[:, 1], 3),
                        mode="lines+markers",
                        line={"color": COLOURS[optimizer], "width": 2},
                        marker={"size": 3},
                        hoverinfo="skip",
                    ),
                    (o_index, l_index),
                )
            )
            if len(path) <= n_steps:
                outcome = f"diverged after {len(path) - 1} steps"
            else:
                outcome = f"loss after {n_steps} steps: {surface.value(path[-1]):.2g}"
            titles[o_index, l_index] = f"{optimizer}, learning rate {lr:g}: {outcome}"

    def slider(o_index, l_index):
        own = [
            (trace_index, key[1])
            for trace_index, (_, key) in enumerate(traces)
            if key is not None and key[0] == o_index
        ]
        return {
            "active": l_index,
            "currentvalue": {"prefix": "learning rate = "},
            "pad": {"t": 40},
            "steps": [
                {
                    "label": f"{lr:g}",
                    "method": "update",
                    "args": [
                        {"visible": [step == index for _, step in own]},
                        {"title.text": titles[o_index, index]},
                        [trace_index for trace_index, _ in own],
                    ],
                }
                for index, lr in enumerate(learning_rates[names[o_index]])
            ],
        }

    def start_of(o_index):  # the slider starts at the race's learning rate
        rates = learning_rates[names[o_index]]
        good = RACE_LEARNING_RATES.get(surface.name, {}).get(names[o_index])
        return rates.index(good) if good in rates else 0

    def button(o_index):
        l_index = start_of(o_index)
        return {
            "label": names[o_index],
            "method": "update",
            "args": [
                {
                    "visible": [
                        key is None or key == (o_index, l_index) for _, key in traces
                    ]
                },
                {
                    "sliders": [slider(o_index, l_index)],
                    "title.text": titles[o_index, l_index],
                },
            ],
        }

    o_start = names.index("momentum") if "momentum" in names else 0
    l_start = start_of(o_start)
    for trace, key in traces:
        trace.visible = key is None or key == (o_start, l_start)
    figure = go.Figure([trace for trace, _ in traces])
    figure.update_layout(
        title={"text": titles[o_start, l_start], "font": {"size": 12}, "y": 0.96},
        height=560,
        xaxis={"title": "w1", "range": list(surface.x_range)},
        yaxis={"title": "w2", "range": list(surface.y_range)},
        sliders=[slider(o_start, l_start)],
        margin={"t": 110},
        showlegend=False,
        updatemenus=[
            {
                "type": "dropdown",
                "x": 1,
                "xanchor": "right",
                "y": 1.2,
                "active": o_start,
                "buttons": [button(index) for index in range(len(names))],
            }
        ],
    )
    return PlotlyFigure(figure, name)
