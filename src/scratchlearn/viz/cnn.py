"""Figures and the explorer of Chapter 26 (convolutional networks): images, kernels
and feature maps (matplotlib), training curves, and the chapter's network trained on
a few digits with each optimizer and learning rate (every run trained once, in
advance: both explorers only draw).
"""

import numpy as np

from scratchlearn.deep.cnn import feature_maps
from scratchlearn.deep.experiments import train_every_optimizer
from scratchlearn.viz.explorer import Control, View
from scratchlearn.viz.figures import (
    REFERENCE_COLOUR,
    TRAIN_COLOUR,
    curve,
    loss_accuracy_explorer,
)

# The explorer's settings, by the names the reader sees ("sgd" has momentum 0.9),
# and the default setting every run is drawn next to.
OPTIMIZERS = {"Adam": "adam", "RMSprop": "rmsprop", "SGD + momentum": "sgd"}
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03)
DEFAULT = ("Adam", 0.003)
EPOCHS = 6


def plot_convolution(image, kernel, output, *, title_kernel="kernel"):
    """Three panels: an image, a kernel and the image convolved with it, every
    value written in its cell (for small examples)."""
    import matplotlib.pyplot as plt

    panels = [("image", image), (title_kernel, kernel), ("output", output)]
    fig, axes = plt.subplots(
        1, 3, figsize=(10, 3.4), gridspec_kw={"width_ratios": [8, 3.5, 8]}
    )
    for ax, (title, values) in zip(axes, panels, strict=True):
        values = np.asarray(values, dtype=float)
        limit = np.abs(values).max() or 1.0
        ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (row, column), value in np.ndenumerate(values):
            ax.text(column, row, f"{value:.3g}", ha="center", va="center", fontsize=7)
        ax.set_title(f"{title} {values.shape[0]}x{values.shape[1]}", fontsize=10)
        ax.set(xticks=[], yticks=[])
    fig.tight_layout()
    return fig


def plot_feature_maps(model, image, layers=(3, 7)):
    """One digit and what the network's blocks make of it: for each index in
    ``layers``, every channel of the output of the first ``index`` layers (by
    default after each block's max pooling)."""
    import matplotlib.pyplot as plt

    maps = [feature_maps(model, image[None], n)[0] for n in layers]
    n_columns = max(m.shape[-1] for m in maps) // 2
    n_rows = [-(-m.shape[-1] // n_columns) for m in maps]  # ceil, for each layer
    fig = plt.figure(figsize=(13, 1.0 + 1.6 * sum(n_rows)))
    grid = fig.add_gridspec(1 + sum(n_rows), n_columns + 2)
    ax = fig.add_subplot(grid[:, :2])
    ax.imshow(image[:, :, 0], cmap="gray_r")
    ax.set_title("input 8x8", fontsize=9)
    ax.set_axis_off()
    row = 0
    for n_layers, values, rows in zip(layers, maps, n_rows, strict=True):
        name = type(model.layers[n_layers - 1]).__name__
        height, width, channels = values.shape
        for channel in range(channels):
            r, c = divmod(channel, n_columns)
            cell = fig.add_subplot(grid[row + r, 2 + c])
            cell.imshow(values[:, :, channel], cmap="viridis")
            cell.set_axis_off()
            if channel == 0:
                cell.set_title(
                    f"after layer {n_layers} ({name}): {channels} maps of "
                    f"{height}x{width}",
                    fontsize=9,
                    loc="left",
                )
        row += rows
    return fig


def explorer(X_train, y_train, X_val, y_val, *, epochs=EPOCHS):
    """Training loss and validation accuracy per epoch of the chapter's network
    trained on ``(X_train, y_train)`` (a few hundred images) with each optimizer and
    learning rate, next to the default setting's.

    A training takes half a second to a second, too long for a live control: every
    setting is trained here, once, and both explorers (the live one offers exactly
    these settings) draw the kept runs.
    """
    data = (X_train, y_train, X_val, y_val)
    runs = train_every_optimizer(data, OPTIMIZERS, LEARNING_RATES, epochs=epochs)
    default = (runs[DEFAULT], "default ({}, {:g})".format(*DEFAULT), REFERENCE_COLOUR)

    def draw(optimizer, learning_rate):
        history = runs[optimizer, learning_rate]
        traces = []
        for col, key in ((1, "loss"), (2, "val_accuracy")):
            for run, name, colour in (default, (history, "this setting", TRAIN_COLOUR)):
                line = curve(
                    run[key], name=name, colour=colour, markers=True, legend=col == 1
                )
                traces.append((line, col))
        last = (
            f"after {len(history['loss'])} epochs: training loss "
            f"{history['loss'][-1]:.3f}, validation accuracy "
            f"{history['val_accuracy'][-1]:.3f}"
        )
        return View(traces, f"{optimizer}, learning rate {learning_rate:g}: {last}")

    return loss_accuracy_explorer(
        [
            Control("optimizer", list(OPTIMIZERS)),
            Control("learning_rate", LEARNING_RATES, label="learning rate"),
        ],
        draw,
        name="cnn-explorer",
        titles=("training loss (log scale)", "validation accuracy"),
        description=(
            "Training loss and validation accuracy per epoch of the chapter's "
            f"convolutional network on {len(X_train)} digits, next to the default "
            "setting's (grey)"
        ),
    )
