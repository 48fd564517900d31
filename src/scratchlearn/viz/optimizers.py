"""Figures and explorers of Chapter 24 (optimizers, schedules and callbacks): the
optimizers racing on two-parameter loss surfaces (:mod:`scratchlearn.deep.surfaces`),
training curves with callbacks, and two explorers of an optimizer, its learning
rate, momentum and schedule: on a surface, and training a small digits network."""

import numpy as np

from scratchlearn.deep.experiments import (
    OPTIMIZER_NAMES,
    RACE_STEPS,
    SCHEDULE_NAMES,
    descend_with,
    surface_grid,
    train_digits_network,
)
from scratchlearn.deep.surfaces import QUADRATIC, SURFACES
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS as PALETTE,
)
from scratchlearn.viz.figures import (
    LOG_AXIS,
    REFERENCE_COLOUR,
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
    curve,
)

# Each optimizer's colour in every picture: the book's six, and its grey.
COLOURS = {
    "SGD": PALETTE[0],
    "momentum": PALETTE[1],
    "Nesterov": PALETTE[5],
    "Adagrad": PALETTE[2],
    "Adadelta": REFERENCE_COLOUR,
    "RMSprop": PALETTE[4],
    "Adam": PALETTE[3],
}
SCHEDULE_COLOUR = REFERENCE_COLOUR


def plot_race(surface, paths, axes):
    """Each path of ``{name: path}`` over the contours of ``surface`` (``axes[0]``),
    and the loss along it, on a log scale (``axes[1]``)."""
    left, right = axes
    xs, ys, values = surface_grid(surface, 120)
    levels = np.logspace(-2, np.log10(values.max()), 14)
    left.contour(xs, ys, values, levels=levels, cmap="Greys_r", linewidths=0.7)
    left.plot(*surface.minimum, marker="*", markersize=14, color="gold", mec="k")
    for name, path in paths.items():
        style = {"color": COLOURS[name], "linewidth": 1.4, "label": name}
        left.plot(*path.T, "-", **style)
        left.plot(*path[-1], "o", color=COLOURS[name], markersize=5)
        right.semilogy(surface.value(path), **style)
    left.plot(*surface.start, "ks", markersize=6)  # where every path starts
    left.set(xlim=surface.x_range, ylim=surface.y_range, xlabel="$w_1$", ylabel="$w_2$")
    right.set(xlabel="step", ylabel="loss")
    right.legend(fontsize=8, loc="lower left")
    left.set_title(surface.name, fontsize=10)
    right.set_title(f"{surface.name}: loss per step", fontsize=10)
    return axes


def plot_history(history, axes, early_stopping=None):
    """Training curves of a ``fit``: losses (``axes[0]``) and the learning rate
    (``axes[1]``) per epoch; with ``early_stopping``, its best epoch is marked."""
    logs = history.history
    epochs = np.arange(1, len(logs["loss"]) + 1)
    axes[0].plot(epochs, logs["loss"], color=TRAIN_COLOUR, label="training loss")
    validation = {"color": VALIDATION_COLOUR, "label": "validation loss"}
    axes[0].plot(epochs, logs["val_loss"], **validation)
    if early_stopping is not None and early_stopping.best is not None:
        best = early_stopping.best_epoch + 1
        axes[0].axvline(best, color="k", linestyle=":", linewidth=1)
        label = f"best epoch ({best}): weights restored"
        arrow = {"arrowprops": {"arrowstyle": "->"}, "xytext": (5, 25), "fontsize": 8}
        point = (best, early_stopping.best)
        axes[0].annotate(label, point, textcoords="offset points", **arrow)
    axes[0].set(xlabel="epoch", ylabel="loss", yscale="log")
    axes[0].legend(fontsize=8)
    axes[1].step(epochs, logs["learning_rate"], where="mid", color=SCHEDULE_COLOUR)
    axes[1].set(xlabel="epoch", ylabel="learning rate", yscale="log")
    return axes


# The learning rates the live explorers offer.
LIVE_RATES = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 6e-3, 0.01, 0.02, 0.03, 0.06, 0.07]
LIVE_RATES += [0.1, 0.2, 0.3, 0.6, 1.0, 2.0, 3.0, 10.0]


def _controls(learning_rates, optimizers=OPTIMIZER_NAMES, **others):
    """The optimizer (the static menu, over ``optimizers``), the schedule, the
    momentum, ``others`` (``name=(static value, live values)``) and the learning rate
    (the slider, over ``learning_rates``): statically a constant rate, momentum 0.9."""
    return [
        Control("optimizer", optimizers, live_values=OPTIMIZER_NAMES, start="momentum"),
        Control("schedule", ["constant"], live_values=SCHEDULE_NAMES),
        Control("momentum", [0.9], live_values=[0.0, 0.5, 0.8, 0.9, 0.95, 0.99]),
        *(
            Control(name, [value], name.replace("_", " "), live_values=live)
            for name, (value, live) in others.items()
        ),
        Control("learning_rate", learning_rates, "learning rate", LIVE_RATES, 0.01),
    ]


def _rate_curve(rates, steps, col):
    """The learning rate at ``steps``, in panel ``col``."""
    return curve(rates, x=steps, name="rate", colour=SCHEDULE_COLOUR, legend=False), col


def _contours(surface, resolution=40):
    """The contours of ``surface`` (of its log: evenly spread) and its minimum."""
    import plotly.graph_objects as go

    xs, ys, values = surface_grid(surface, resolution)
    lines = {"contours": {"coloring": "lines"}, "ncontours": 18, "showscale": False}
    star = {"symbol": "star", "size": 16, "color": "gold", "line": {"width": 1}}
    contour = go.Contour(x=xs, y=ys, z=np.log10(values + 1e-3), **lines)
    contour.update(colorscale="Greys", reversescale=True, hoverinfo="skip")
    minimum = go.Scatter(x=[surface.minimum[0]], y=[surface.minimum[1]], marker=star)
    return [contour, minimum]


def race_explorer(surface=QUADRATIC):
    """One optimizer's path over the contours of a surface, its loss and learning
    rate per step. Statically the optimizers on ``surface`` at a few learning rates,
    from crawling to diverging (0.07 is just above SGD's limit 2/30 on the quadratic);
    live, the surface, schedule, momentum and number of steps change too, and RMSprop
    comes in: at a constant rate its steps rattle chaotically around the minimum
    (where it is after 100 steps changes with the last bits of the arithmetic)."""

    def draw(optimizer, schedule, momentum, surface, steps, learning_rate):
        chosen = SURFACES[surface]
        path, losses, at, rates = descend_with(
            optimizer, chosen, steps, learning_rate, schedule, momentum
        )
        colour = COLOURS[optimizer]
        outcome = f"loss after {steps} steps {losses[-1]:.2g}"
        if len(path) <= steps:
            outcome = f"diverged after {len(path) - 1} steps"
        walk = curve(path[:, 1], x=path[:, 0], name="path", colour=colour, markers=True)
        walk.update(marker={"size": 3})
        loss = curve(losses, x=np.arange(len(path)), name="loss", colour=colour)
        return View(
            [*_contours(chosen), walk, (loss, 2), _rate_curve(rates, at, (2, 2))],
            title=f"{optimizer}, {schedule} learning rate {learning_rate:g}: {outcome}",
            layout={"xaxis.range": chosen.x_range, "yaxis.range": chosen.y_range},
        )

    return Explorer(
        _controls(
            [0.01, 0.06, 0.07, 1.0],
            [name for name in OPTIMIZER_NAMES if name != "RMSprop"],
            surface=(surface.name, list(SURFACES)),
            steps=(RACE_STEPS[surface.name], [20, 50, 100, 200, 500]),
        ),
        draw,
        name="optimizers-race-explorer",
        panels=(2, 2),
        subplots={"specs": [[{"rowspan": 2}, {}], [None, {}]]},
        subplot_titles=("path (star: the minimum)", "loss", "learning rate"),
        layout={
            "showlegend": False,
            "xaxis.title.text": "w1",
            "yaxis.title.text": "w2",
            "yaxis2": LOG_AXIS,
            "yaxis3": LOG_AXIS,
            "xaxis3.title.text": "step",
        },
        description="An optimizer's path on a two-parameter loss surface, and its "
        "loss and learning rate per step",
    )


def training_explorer(X_train, y_train, X_val, y_val, epochs=15):
    """A small network (64 -> 32 ReLU -> 10) trained on digits for ``epochs``: its
    losses and learning rate per epoch. Statically every optimizer at a few learning
    rates; live, the schedule, the momentum and the batch size change too."""
    data = (X_train, y_train, X_val, y_val)

    def draw(optimizer, schedule, momentum, batch_size, learning_rate):
        logs = train_digits_network(
            data,
            optimizer,
            schedule,
            momentum,
            batch_size,
            learning_rate,
            epochs=epochs,
        )
        title = f"{optimizer}, {schedule} learning rate {learning_rate:g}"
        if logs is None:
            return View([], title=f"{title}: diverged")
        accuracies = f"training accuracy {logs['accuracy'][-1]:.3f}, validation"
        return View(
            [
                curve(logs["loss"], name="training", colour=TRAIN_COLOUR),
                curve(logs["val_loss"], name="validation", colour=VALIDATION_COLOUR),
                _rate_curve(logs["learning_rate"], np.arange(1, epochs + 1), 2),
            ],
            title=f"{title}: {accuracies} {logs['val_accuracy'][-1]:.3f}",
        )

    return Explorer(
        _controls([0.001, 0.01, 0.1, 1.0], batch_size=(32, [8, 16, 32, 64, 128])),
        draw,
        name="optimizers-training-explorer",
        panels=(1, 2),
        subplot_titles=("loss per epoch", "learning rate per epoch"),
        layout={"yaxis": LOG_AXIS, "yaxis2": LOG_AXIS},
        description=f"A small network learning {len(X_train)} digits: its training "
        "and validation loss and its learning rate per epoch",
    )
