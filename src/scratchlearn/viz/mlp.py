"""Figures and the explorer of Chapter 25 (a multilayer perceptron with dropout and
batch normalisation, on digits).

The explorer trains the chapter's network (:func:`scratchlearn.deep.mlp.train_mlp`)
on a subset of the digits for a few epochs and draws its learning curves.
"""

import dataclasses

import numpy as np

from scratchlearn.deep.experiments import mlp_runs
from scratchlearn.deep.mlp import SCHEDULE_NAMES, MLPConfig
from scratchlearn.viz.explorer import Control, View
from scratchlearn.viz.figures import (
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
    curve,
    image_grid,
    loss_accuracy_explorer,
)

# What the explorer trains: the chapter's network, on a subset, for a few epochs.
EXPLORER_CONFIG = MLPConfig(epochs=12, schedule="constant")

# The optimizers by the names the reader sees, each with a learning rate that suits
# it (SGD takes larger steps than the adaptive methods).
OPTIMIZERS = {
    "SGD": ("sgd", 0.1),
    "SGD + momentum": ("momentum", 0.05),
    "Adagrad": ("adagrad", 0.03),
    "RMSprop": ("rmsprop", 0.001),
    "Adam": ("adam", 0.003),
}
PER_OPTIMIZER = "per optimizer"

# The static explorer: a menu over batch norm and three optimizers, a slider over
# the dropout rate. The live one offers more of everything.
CONTROLS = [
    Control("batch_norm", ["on", "off"], label="batch norm"),
    Control(
        "optimizer",
        ["SGD + momentum", "RMSprop", "Adam"],
        live_values=list(OPTIMIZERS),
        start="Adam",
    ),
    Control(
        "learning_rate",
        [PER_OPTIMIZER],
        label="learning rate",
        live_values=[PER_OPTIMIZER, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0],
    ),
    Control("batch_size", [32], label="batch size", live_values=[16, 32, 64, 128]),
    Control("schedule", ["constant"], live_values=SCHEDULE_NAMES),
    Control(
        "dropout",
        [0.0, 0.2, 0.5],
        label="dropout rate",
        live_values=[rate / 10 for rate in range(8)],
    ),
]
# The two curves of each panel, by the prefix of their key in the history.
CURVES = {
    "": {"name": "training", "colour": TRAIN_COLOUR, "dash": "dash"},
    "val_": {"name": "validation", "colour": VALIDATION_COLOUR},
}


def plot_digits(X, y, n=20, *, predicted=None, columns=10):
    """The first ``n`` digits of ``X`` (rows of 64 pixels), titled by their label
    (and the predicted one, in red when wrong); returns the figure."""
    y = y[:n]
    if predicted is None:
        titles, colours = [str(label) for label in y], None
    else:
        pairs = list(zip(y, predicted[:n], strict=True))
        titles = [f"{true} as {said}" for true, said in pairs]
        colours = ["black" if true == said else "red" for true, said in pairs]
    return image_grid(
        X[:n],
        titles,
        n_columns=columns,
        size=0.9,
        limits=(0, X.max()),
        title_colours=colours,
    )


def plot_block_outputs(outputs, titles, *, reference=None):
    """Heat maps of hidden units' outputs, one panel per array of ``outputs``
    (each (n_samples, n_units): one row per sample); returns the figure.

    With ``reference`` (the outputs at inference), the values that are positive
    there and zero in a panel, the ones dropout switched off, are marked with a
    cross.
    """
    import matplotlib.pyplot as plt

    vmax = max(float(np.max(o)) for o in outputs)
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.6 * len(outputs), 2.8))
    for ax, values, title in zip(np.ravel(axes), outputs, titles, strict=True):
        image = ax.imshow(values, cmap="magma", vmin=0, vmax=vmax, aspect="auto")
        if reference is not None:
            rows, columns = np.nonzero((reference > 0) & (values == 0))
            ax.scatter(columns, rows, marker="x", s=14, color="#1b9e77", linewidth=1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("hidden unit")
    np.ravel(axes)[0].set_ylabel("sample")
    fig.colorbar(image, ax=axes, shrink=0.8)
    return fig


def plot_learning_curves(history, axes, *, label, style="-", validation="validation"):
    """Loss (``axes[0]``, log scale) and accuracy (``axes[1]``) per epoch of one
    run: ``validation`` thick, training thin in the same colour."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, key in zip(axes, ("loss", "accuracy"), strict=True):
        shown = f"{label} {validation}"
        (line,) = ax.plot(epochs, history[f"val_{key}"], style, label=shown)
        thin = {"color": line.get_color(), "alpha": 0.45, "linewidth": 1}
        ax.plot(epochs, history[key], style, label=f"{label} training", **thin)
        ax.set(xlabel="epoch", ylabel=key)
        ax.grid(alpha=0.3)
    axes[0].set_yscale("log")
    axes[1].legend(fontsize=8, loc="lower right")
    return axes


def explorer(X_fit, y_fit, X_val, y_val, *, config=EXPLORER_CONFIG):
    """Loss and accuracy per epoch, training and validation, of the chapter's
    network trained on ``(X_fit, y_fit)`` with ``config`` changed by the
    :data:`CONTROLS`. Each setting trains once (same seed, so the same initial
    weights) and is kept: the live explorer reuses the static one's runs."""
    run = mlp_runs(X_fit, y_fit, X_val, y_val)

    def draw(batch_norm, optimizer, learning_rate, batch_size, schedule, dropout):
        name, suited_rate = OPTIMIZERS[optimizer]
        if learning_rate == PER_OPTIMIZER:
            learning_rate = suited_rate
        setting = dataclasses.replace(
            config,
            batch_norm=batch_norm == "on",
            optimizer=name,
            learning_rate=learning_rate,
            batch_size=batch_size,
            schedule=schedule,
            dropout=dropout,
        )
        history = run(setting)
        traces = [
            (curve(history[prefix + key], legend=col == 1, **style), col)
            for col, key in ((1, "loss"), (2, "accuracy"))
            for prefix, style in CURVES.items()
        ]
        # One line: a second would slip under the static explorer's menu.
        title = (
            f"{optimizer} at learning rate {learning_rate:g}: validation accuracy "
            f"{history['val_accuracy'][-1]:.3f}, loss {history['val_loss'][-1]:.3f}"
        )
        return View(traces, title)

    return loss_accuracy_explorer(
        CONTROLS,
        draw,
        name="mlp-explorer",
        titles=("loss (log scale)", "accuracy"),
        description=(
            "Learning curves (loss and accuracy per epoch, training dashed and "
            f"validation solid) of the chapter's network on {len(X_fit)} digits"
        ),
    )
