"""Figures and the explorer of Chapter 29 (autoencoders): digits and their
reconstructions, the 2-D latent map coloured by digit, the digits the decoder makes
from a grid of codes (matplotlib), and a dense autoencoder trained with each latent
size and noise level (plotly, live and static).
"""

import numpy as np

from scratchlearn.deep.autoencoder import corrupt
from scratchlearn.deep.experiments import autoencoder_runs, decoded_grid
from scratchlearn.viz.explorer import Control, Explorer, View

# Ten colours, one per digit (Tableau 10: distinct for most colour-blind readers).
DIGIT_COLOURS = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
]  # fmt: skip
# The same colours as a plotly colour scale over the digits 0..9 (cmin -0.5, cmax 9.5).
DIGIT_COLOURSCALE = [
    [position, colour]
    for digit, colour in enumerate(DIGIT_COLOURS)
    for position in (digit / 10, (digit + 1) / 10)
]
LATENT_DIMS = (2, 8, 32)
NOISES = (0.0, 0.2, 0.4, 0.6)
EPOCHS = 15


def plot_latent_map(codes, y, *, ax=None, title="latent space"):
    """Each sample's 2-D code as a dot coloured by its digit, with the digit written
    at its class's median code; returns the axes."""
    import matplotlib.pyplot as plt

    codes = np.asarray(codes)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    for digit in range(10):
        members = codes[y == digit]
        colour = DIGIT_COLOURS[digit]
        ax.scatter(*members.T, s=9, color=colour, alpha=0.7, label=str(digit))
        ax.text(
            *np.median(members, axis=0),
            str(digit),
            fontsize=14,
            fontweight="bold",
            color=colour,
            ha="center",
            va="center",
            bbox={"boxstyle": "circle", "fc": "white", "ec": colour, "alpha": 0.8},
        )
    ax.set(xlabel="code 1", ylabel="code 2", title=title)
    ax.legend(fontsize=7, markerscale=1.5, ncols=2, loc="best", title="digit")
    return ax


def plot_decoded_grid(model, codes, y, *, n=12):
    """Two panels: the latent map of ``codes``, and what the decoder draws at each
    point of a grid over it."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.3))
    plot_latent_map(codes, y, ax=left, title="held-out digits' codes")
    mosaic, extent = decoded_grid(model, codes, n=n)
    right.imshow(mosaic, cmap="gray_r", extent=extent, aspect="auto", vmin=0, vmax=1)
    right.set(xlabel="code 1", ylabel="code 2", title="decoder's digit at each code")
    left.set(xlim=extent[:2], ylim=extent[2:])
    fig.tight_layout()
    return fig


def mosaic(images, gap=1):
    """Flat 8x8 digits ``(n, 64)`` side by side in one array ``(8, 9 n - 1)``,
    with ``gap`` blank columns between them."""
    images = np.clip(np.asarray(images).reshape(-1, 8, 8), 0, 1)  # (n, 8, 8)
    padded = np.pad(images, ((0, 0), (0, 0), (0, gap)))  # (n, 8, 8 + gap)
    return padded.transpose(1, 0, 2).reshape(8, -1)[
        :, :-gap
    ]  # (8, n * (8 + gap) - gap)


def _percent_heatmap(image, y0):
    """A grey heatmap of ``image`` (values in [0, 1]) stored as whole percents, one
    byte a pixel: a quarter of the size of floats, and the same on every machine."""
    import plotly.graph_objects as go

    percent = np.round(np.clip(image, 0, 1) * 100).astype(np.uint8)
    return go.Heatmap(
        z=percent, y0=y0, zmin=0, zmax=100, showscale=False,
        colorscale=[[0, "white"], [1, "black"]], hoverinfo="skip",
    )  # fmt: skip


def explorer(X_train, X_val, y_val, *, n_shown=8, n_points=300, epochs=EPOCHS):
    """Reconstructions of noisy held-out digits and the latent map of the same
    digits, for a dense autoencoder trained with each latent size and noise level
    (the noise corrupts both its training inputs and the digits shown). The chapter
    passes its validation digits. Every run is trained once, when first drawn
    (about half a second), and kept."""
    import plotly.graph_objects as go

    X_train, X_val = np.reshape(X_train, (-1, 64)), np.reshape(X_val, (-1, 64))
    noisy = {s: corrupt(X_val, s, np.random.default_rng(1)) for s in NOISES}

    # The legend: one empty trace per digit, the same in every setting (stored once).
    legend = [
        go.Scatter(x=[None], y=[None], mode="markers", name=str(digit),
                   marker={"color": DIGIT_COLOURS[digit], "size": 6})
        for digit in range(10)
    ]  # fmt: skip

    run = autoencoder_runs(
        X_train, X_val, noisy, n_shown=n_shown, n_points=n_points, epochs=epochs
    )

    def draw(latent_dim, noise):
        codes, reconstructions, (clean, denoised) = run(latent_dim, noise)
        blank = np.zeros((1, 9 * n_shown - 1))
        shown = np.vstack(
            [mosaic(X_val[:n_shown]), blank, mosaic(noisy[noise][:n_shown]), blank]
        )
        traces = [
            (_percent_heatmap(shown, y0=0), 1),
            (_percent_heatmap(mosaic(reconstructions), y0=18), 1),
            *((trace, 2) for trace in legend),
            # One trace for every digit, coloured by digit: stored once per setting.
            (go.Scatter(
                x=codes[:, 0], y=codes[:, 1], mode="markers", showlegend=False,
                marker={"color": y_val[:n_points].astype(np.uint8), "size": 6,
                        "colorscale": DIGIT_COLOURSCALE, "cmin": -0.5, "cmax": 9.5},
            ), 2),
        ]  # fmt: skip
        axis = "code" if latent_dim == 2 else "principal axis of the codes"
        baseline = np.mean((noisy[noise] - X_val) ** 2)
        title = (
            f"latent size {latent_dim}, noise {noise:g}: validation MSE {clean:.4f} on "
            f"clean digits, {denoised:.4f} rebuilding them from noisy ones<br>"
            f"(the noisy digits themselves are {baseline:.4f} from the clean ones)"
        )
        layout = {"xaxis2.title.text": f"{axis} 1", "yaxis2.title.text": f"{axis} 2"}
        return View(traces, title, layout)

    return Explorer(
        [
            Control("latent_dim", LATENT_DIMS, label="latent size", start=2),
            Control("noise", NOISES, label="noise", start=0.2),
        ],
        draw,
        name="autoencoder-explorer",
        panels=(1, 2),
        subplot_titles=("validation digits: clean, noisy, rebuilt", "latent map"),
        layout={
            "yaxis": {
                "autorange": "reversed",
                "scaleanchor": "x",
                "tickvals": [3.5, 12.5, 21.5],
                "ticktext": ["clean", "noisy", "rebuilt"],
            },
            "xaxis": {"visible": False},
            "legend": {"title": {"text": "digit"}},
        },
        description=(
            "Left: validation digits, the same digits with Gaussian noise, and the "
            "autoencoder's reconstructions of the noisy ones. Right: the "
            "validation digits' codes, coloured by digit"
        ),
    )
