"""Figures and the explorer of Chapter 30 (generative adversarial networks): grids
of generated digits, the two players' training curves, the samples of fixed noise
epoch by epoch, the judge's class histogram, and an explorer over the latent
dimension, the learning rate and the epochs (small runs trained once, in advance:
both explorers only draw).
"""

import numpy as np

from scratchlearn.deep.experiments import train_every_gan
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import REFERENCE_COLOUR, TRAIN_COLOUR, curve

SIDE = 8  # the digits are 8 x 8 pixels
INK = [[0.0, "white"], [1.0, "black"]]
# The explorer's settings: latent dimensions, learning rates (both players'), and
# the epochs at which the samples of fixed noise are shown.
LATENT_DIMS = (2, 8, 32)
LEARNING_RATES = (0.0003, 0.001, 0.003)
EPOCHS = (1, 5, 15, 40)
DESCRIPTION = (
    "Eight digits generated from fixed noise by a small GAN after a number of "
    "epochs, for a latent dimension and a learning rate, with the two players' "
    "losses per epoch"
)


def mosaic(images, n_columns=8):
    """Flat 8 x 8 images tiled ``n_columns`` to a row, a blank (NaN) line of pixels
    between neighbours: one array to draw as one image."""
    n_rows = -(-len(images) // n_columns)  # ceiling
    tiled = np.full((n_rows * (SIDE + 1) - 1, n_columns * (SIDE + 1) - 1), np.nan)
    for index, image in enumerate(images):
        row, column = divmod(index, n_columns)
        top, left = row * (SIDE + 1), column * (SIDE + 1)
        tiled[top : top + SIDE, left : left + SIDE] = np.reshape(image, (SIDE, SIDE))
    return tiled


def plot_history(history):
    """The two players per epoch: their losses (left) and the mean probability the
    discriminator gives real and generated digits (right)."""
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_proba) = plt.subplots(1, 2, figsize=(11, 3.4))
    epochs = np.arange(1, len(history["d_loss"]) + 1)
    ax_loss.plot(epochs, history["d_loss"], label="discriminator")
    ax_loss.plot(epochs, history["g_loss"], label="generator (non-saturating)")
    ax_loss.set(xlabel="epoch", ylabel="loss (mean over the epoch)")
    ax_proba.plot(epochs, history["d_real"], label="D(x), real digits")
    ax_proba.plot(epochs, history["d_fake"], label="D(G(z)), generated")
    ax_proba.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax_proba.set(xlabel="epoch", ylabel="mean probability 'real'", ylim=(0, 1))
    for ax in (ax_loss, ax_proba):
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_samples_per_epoch(samples, epochs, *, n_shown=10):
    """The images of the same fixed noise after each epoch of ``epochs`` (1-based),
    one row per epoch: ``samples[e - 1]`` holds those after epoch ``e``, in [-1, 1]."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(epochs), n_shown, figsize=(0.8 * n_shown + 0.8, 0.8 * len(epochs))
    )
    for row, epoch in zip(np.atleast_2d(axes), epochs, strict=True):
        images = (np.asarray(samples[epoch - 1])[:n_shown] + 1) / 2
        for ax, image in zip(row, images, strict=True):
            ax.imshow(image.reshape(SIDE, SIDE), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(f"epoch {epoch}", rotation=0, ha="right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_class_shares(shares, real_shares=None, *, floor=0.04):
    """The share of generated digits the judge gives each label, next to the
    real digits' shares (if given), with the floor below which a class counts as
    dropped."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 2.8))
    labels = np.arange(len(shares))
    width = 0.4 if real_shares is not None else 0.8
    ax.bar(labels, shares, width, label="generated (judge's label)")
    if real_shares is not None:
        ax.bar(labels + width, real_shares, width, label="real training digits")
    ax.axhline(floor, color="black", lw=0.8, ls="--", label=f"{floor:.0%} floor")
    ax.set(xticks=labels + width / 2 * (real_shares is not None), xticklabels=labels)
    ax.set(xlabel="digit", ylabel="share")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- the explorer ---------------------------------------------------------------------


def explorer(
    X, *, epochs=EPOCHS, latent_dims=LATENT_DIMS, learning_rates=LEARNING_RATES
):
    """Eight samples of fixed noise after some epochs (left) and both players'
    losses per epoch (right) of small GANs trained on ``X`` with each latent
    dimension and learning rate. Every setting is trained here, once (a second or
    two each), and both explorers draw the kept runs."""
    import plotly.graph_objects as go

    runs = train_every_gan(X, latent_dims, learning_rates, epochs=max(epochs))
    image = {"colorscale": INK, "zmin": 0, "zmax": 1, "showscale": False}

    def draw(latent_dim, learning_rate, epochs):
        history = runs[latent_dim, learning_rate]
        # Rounded to what the eye sees: the stored figure reproduces on any machine.
        images = np.round((history["samples"][epochs - 1] + 1) / 2, 2)
        traces = [(go.Heatmap(z=mosaic(images), hoverinfo="skip", **image), 1)]
        for key, name, colour in (
            ("d_loss", "discriminator", REFERENCE_COLOUR),
            ("g_loss", "generator", TRAIN_COLOUR),
        ):
            line = curve(np.round(history[key][:epochs], 3), name=name, colour=colour)
            traces.append((line, 2))
        return View(
            traces,
            f"latent dimension {latent_dim}, learning rate {learning_rate:g}: after "
            f"{epochs} epoch(s), D(x) = {history['d_real'][epochs - 1]:.2f}, "
            f"D(G(z)) = {history['d_fake'][epochs - 1]:.2f}",
        )

    bare = {"showticklabels": False, "showgrid": False, "zeroline": False}
    return Explorer(
        [
            Control("latent_dim", latent_dims, label="latent dimension"),
            Control("learning_rate", learning_rates, label="learning rate"),
            Control("epochs", epochs, start=epochs[-1]),
        ],
        draw,
        name="gan-explorer",
        panels=(1, 2),
        subplot_titles=("samples of fixed noise", "losses per epoch"),
        layout={
            "xaxis": {**bare, "scaleanchor": "y"},
            "yaxis": {**bare, "autorange": "reversed"},
            "xaxis2": {"title.text": "epoch", "range": [0.5, max(epochs) + 0.5]},
            "yaxis2": {"range": [0, 3]},
        },
        description=DESCRIPTION,
    )
