"""Pictures that several chapters of Parts II-IV draw alike: curves per epoch of
several runs, rows of digits, and flat images tiled into one array. (Kept apart
from the shared modules for now; they belong with them.)"""

import numpy as np

from scratchlearn.viz.figures import COLOURS


def epoch_curves(curves, *, ylabel, log=False, reference=None, ylim=None, ax=None):
    """One line per run, with matplotlib: ``curves`` maps a label to one value per
    epoch (epoch 1 first); ``reference``, a ``(value, label)`` pair, adds a dashed
    horizontal line. Draws on ``ax`` (default: a new figure); returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    if reference is not None:
        ax.axhline(reference[0], color="grey", linestyle="--", label=reference[1])
    for (label, values), colour in zip(curves.items(), COLOURS, strict=False):
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, marker=".", color=colour, label=label)
    ax.set(xlabel="epoch", ylabel=ylabel, yscale="log" if log else "linear")
    if ylim is not None:
        ax.set_ylim(ylim)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.figure.tight_layout()
    return ax.figure


def mosaic(images, n_columns=5, side=8):
    """Flat images (n_images, side * side) tiled ``n_columns`` to a row, with a
    blank (NaN) line of pixels between neighbours: one array to draw as one image."""
    n_rows = -(-len(images) // n_columns)  # ceiling
    tiled = np.full((n_rows * (side + 1) - 1, n_columns * (side + 1) - 1), np.nan)
    for index, image in enumerate(images):
        row, column = divmod(index, n_columns)
        top, left = row * (side + 1), column * (side + 1)
        tiled[top : top + side, left : left + side] = image.reshape(side, side)
    return tiled


def digit_rows(rows, *, size=0.9):
    """Digits in rows, one row per entry of ``rows`` (a dict from a label to images
    of shape ``(n, 8, 8)`` or ``(n, 64)``), the label at the left; returns the
    figure."""
    import matplotlib.pyplot as plt

    n_columns = max(len(images) for images in rows.values())
    fig, axes = plt.subplots(
        len(rows),
        n_columns,
        figsize=(size * n_columns + 1.2, size * len(rows)),
        squeeze=False,
    )
    for axes_row, (label, images) in zip(axes, rows.items(), strict=True):
        images = np.asarray(images).reshape(len(images), 8, 8)
        for column, ax in enumerate(axes_row):
            ax.set(xticks=[], yticks=[])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if column < len(images):
                ax.imshow(np.clip(images[column], 0, 1), cmap="gray_r", vmin=0, vmax=1)
        axes_row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return fig
