"""Figures and the explorer of Chapter 27 (recurrent networks): a digit read row by
row with the state it leaves, loss curves, and the gradient that reaches each time
step of SimpleRNN, GRU and LSTM (vanishing and exploding gradients), computed for
every setting in advance so that both explorers only draw.
"""

import numpy as np

from scratchlearn.deep.recurrent import GRU, LSTM, SimpleRNN
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, REFERENCE_COLOUR, curve

CELLS = {"SimpleRNN": SimpleRNN, "GRU": GRU, "LSTM": LSTM}
SCALES = (0.5, 1.0, 2.0)
TIMESTEPS = (10, 25, 50, 100)
UNITS, BATCH, CLIPNORM = 16, 32, 1.0


def gradient_per_step(cell, timesteps, scale, *, units=UNITS, batch=BATCH, seed=0):
    """How much of a loss at the last step reaches each earlier step.

    A fresh ``cell`` layer (Keras's initial weights, its recurrent kernel times
    ``scale``) reads random sequences; the loss is a random projection of the last
    state. Returns ``(norms, kernel_norm)``: the mean over the batch of
    ``||dLoss/dx_t||`` for every step ``t`` (shape ``(timesteps,)``), and the norm
    of the gradient of the recurrent kernel (what ``clipnorm`` looks at).
    """
    rng = np.random.default_rng(seed)
    layer = CELLS[cell](units)
    layer.build((timesteps, 4), rng)
    layer.params["recurrent_kernel"] *= scale
    X = rng.normal(size=(batch, timesteps, 4))
    layer.forward(X, training=True)
    grad = layer.backward(rng.normal(size=(batch, units)))  # (batch, timesteps, 4)
    norms = np.linalg.norm(grad, axis=-1).mean(axis=0)
    return norms, float(np.linalg.norm(layer.grads["recurrent_kernel"]))


def plot_reading(image, states, *, title=""):
    """A digit (8x8) next to the state an RNN holds after reading each of its rows:
    ``states`` of shape ``(8, units)``, one row per time step."""
    import matplotlib.pyplot as plt

    fig, (ax_image, ax_states) = plt.subplots(
        1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1, 2.6]}
    )
    ax_image.imshow(image, cmap="gray_r")
    ax_image.set(title="input: one row per step", xticks=[], ylabel="time step")
    limit = np.abs(states).max() or 1.0
    shown = ax_states.imshow(states, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax_states.set(title="state h_t after each row", xlabel="unit", ylabel="time step")
    fig.colorbar(shown, ax=ax_states, fraction=0.03)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_curves(histories, key="loss", *, log=True, ylabel=None):
    """One line per run: ``histories`` maps a label to a ``History.history``-like
    dict; ``key`` is the logged quantity drawn against the epoch."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.4))
    for index, (label, history) in enumerate(histories.items()):
        values = np.asarray(history[key], dtype=float)
        epochs = np.arange(1, len(values) + 1)
        dash = "--" if "Keras" in label else "-"
        colour = COLOURS[index % len(COLOURS)]
        ax.plot(epochs, values, dash, marker=".", label=label, color=colour)
    ax.set(xlabel="epoch", ylabel=ylabel or key, yscale="log" if log else "linear")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_gradient_steps(runs):
    """``||dLoss/dx_t||`` against the step ``t`` on a log scale, one line per run:
    ``runs`` maps a label to the norms of :func:`gradient_per_step`."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.4))
    for index, (label, norms) in enumerate(runs.items()):
        steps = np.arange(1, len(norms) + 1)
        ax.plot(steps, norms, label=label, color=COLOURS[index % len(COLOURS)])
    ax.set(xlabel="time step t (the loss is at the last one)", yscale="log")
    ax.set_ylabel("mean ||dLoss/dx_t||")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def explorer(*, scales=SCALES, timesteps=TIMESTEPS):
    """The gradient reaching each step, for each cell, recurrent-weight scale and
    sequence length, next to SimpleRNN's (grey); every setting computed here."""
    runs = {
        (cell, scale, n): gradient_per_step(cell, n, scale)
        for cell in CELLS
        for scale in scales
        for n in timesteps
    }

    def draw(cell, scale, timesteps):
        norms, kernel_norm = runs[cell, scale, timesteps]
        traces = [curve(norms, name=cell, colour=COLOURS[0])]
        if cell != "SimpleRNN":
            simple = runs["SimpleRNN", scale, timesteps][0]
            traces.append(curve(simple, name="SimpleRNN", colour=REFERENCE_COLOUR))
        factor = min(1.0, CLIPNORM / kernel_norm)
        title = (
            f"{cell}, recurrent kernel x{scale:g}, {timesteps} steps: the first step "
            f"gets {norms[0] / norms[-1]:.2g} times the last step's gradient<br>"
            f"recurrent kernel's gradient norm {kernel_norm:.3g}: clipnorm="
            f"{CLIPNORM:g} scales it by {factor:.3g}"
        )
        return View(traces, title)

    return Explorer(
        [
            Control("cell", list(CELLS), start="LSTM"),
            Control("scale", scales, label="recurrent kernel scale", start=1.0),
            Control("timesteps", timesteps, label="sequence length"),
        ],
        draw,
        name="recurrent-explorer",
        layout={
            "yaxis.type": "log",
            "yaxis.title.text": "mean ||dLoss/dx_t||",
            "xaxis.title.text": "time step t (the loss is at the last step)",
        },
        description=(
            "The mean norm of the gradient of a loss at the last step with respect to "
            "each step's input, on a log scale, for a fresh recurrent layer of "
            f"{UNITS} units reading random sequences"
        ),
    )
