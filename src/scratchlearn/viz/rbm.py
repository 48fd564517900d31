"""Figures and the explorer of Chapter 31 (restricted Boltzmann machines): the
filters (each hidden unit's weights drawn as an 8x8 image), digits next to their
reconstructions after successive epochs, and an explorer over the number of hidden
units, the k of CD-k and the learning rate that draws the filters and the
reconstruction error per epoch of each setting (each trained once, when first drawn).
"""

import numpy as np

from scratchlearn.deep.experiments import rbm_runs
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    REFERENCE_COLOUR,
    TRAIN_COLOUR,
    curve,
    digit_rows,
    mosaic,
)

# The explorer's settings, and the one every run is drawn next to.
HIDDEN_UNITS = (16, 36, 100)
KS = (1, 5)
LEARNING_RATES = (0.1, 0.3, 0.6)
DEFAULT = {"n_components": 100, "k": 1, "learning_rate": 0.3}
N_ITER = 6
N_SHOWN = 16  # filters drawn per setting, as a 4x4 mosaic
SEED = 0


def strongest(components, n_filters):
    """The indices of the ``n_filters`` hidden units with the largest weight norms
    (the ones training moved most), largest first."""
    norms = np.linalg.norm(components, axis=1)  # (n_components,)
    return np.argsort(-norms, kind="stable")[:n_filters]


def filter_mosaic(components, n_columns, side=8):
    """The filters (rows of ``components``, each ``side * side`` weights) tiled
    into one image, ``n_columns`` per row, with a NaN gap of one pixel between
    them. Each filter is divided by its largest magnitude, so that its shape shows
    whatever its scale (the colour scale is then [-1, 1])."""
    scales = np.abs(components).max(axis=1, keepdims=True)  # (n_filters, 1)
    return mosaic(components / np.where(scales > 0, scales, 1.0), n_columns, side)


def plot_filters(components, *, n_columns=10, title=None):
    """Every hidden unit's weights as an 8x8 image (red: the pixel excites the
    unit, blue: it inhibits it), in one mosaic; returns the matplotlib figure."""
    import matplotlib.pyplot as plt

    mosaic = filter_mosaic(components, n_columns)
    height, width = mosaic.shape
    fig, ax = plt.subplots(figsize=(0.08 * width + 0.4, 0.08 * height + 0.5))
    ax.imshow(mosaic, cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def plot_reconstructions(X, rows, *, size=0.9):
    """``X`` (n, 64) on the first row, then one row per entry of ``rows``, a dict
    from a label ("after epoch 1") to the reconstructions of ``X`` (n, 64), each
    with its mean squared error; returns the matplotlib figure."""
    errors = {f"{k}\nMSE {np.mean((X - v) ** 2):.4f}": v for k, v in rows.items()}
    return digit_rows({"digits": X, **errors}, size=size)


def explorer(X_train, X_val, *, n_iter=N_ITER):
    """Filters and reconstruction error per epoch of a CD-k machine trained on
    ``X_train`` for each number of hidden units, k and learning rate, next to the
    default setting's; the title gives the reconstruction error on ``X_val`` too.

    Each setting is trained when it is first drawn and kept: the static explorer
    trains them all once, and the live one, offering the same settings, redraws
    from what is kept.
    """
    import plotly.graph_objects as go

    trained = rbm_runs(X_train, n_iter=n_iter, random_state=SEED)

    def draw(n_components, k, learning_rate):
        rbm, default = trained(n_components, k, learning_rate), trained(**DEFAULT)
        validation_error = np.mean((X_val - rbm.reconstruct(X_val)) ** 2)
        shown = rbm.components_[strongest(rbm.components_, N_SHOWN)]
        # Percent of each filter's largest weight, as small integers (a sixth of
        # the stored size of floats); the gaps between filters are white (0).
        percent = np.nan_to_num(100 * filter_mosaic(shown, 4)[::-1])  # row 0 on top
        mosaic = go.Heatmap(
            z=np.round(percent).astype(np.int8),
            colorscale="RdBu_r",
            zmin=-100,
            zmax=100,
            showscale=False,
            hoverinfo="skip",
        )
        lines = [
            curve(e, name=name, colour=colour, markers=True)
            for e, name, colour in (
                (default.reconstruction_errors_, "default", REFERENCE_COLOUR),
                (rbm.reconstruction_errors_, "this setting", TRAIN_COLOUR),
            )
        ]
        title = (
            f"{n_components} hidden units, CD-{k}, learning rate {learning_rate:g}: "
            f"reconstruction error {rbm.reconstruction_errors_[-1]:.4f} (training), "
            f"{validation_error:.4f} (validation)"
        )
        return View([(mosaic, 1), *((line, 2) for line in lines)], title)

    return Explorer(
        [
            Control("n_components", HIDDEN_UNITS, label="hidden units"),
            Control("k", KS),
            Control("learning_rate", LEARNING_RATES, label="learning rate"),
        ],
        draw,
        name="rbm-explorer",
        panels=(1, 2),
        subplot_titles=(
            f"the {N_SHOWN} strongest filters (red +, blue -)",
            "reconstruction error per epoch",
        ),
        layout={
            "xaxis.visible": False,
            "yaxis.visible": False,
            "yaxis.scaleanchor": "x",
            "xaxis2.title.text": "epoch",
            "yaxis2.title.text": "mean squared error",
        },
        description=(
            f"The {N_SHOWN} strongest filters of a restricted Boltzmann machine "
            f"trained by CD-k on {len(X_train)} digits, and its reconstruction "
            "error per epoch next to the default setting's (grey)"
        ),
    )
