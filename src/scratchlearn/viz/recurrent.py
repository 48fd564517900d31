"""Figures and the explorer of Chapter 27 (recurrent networks): a digit read row by
row with the state it leaves, loss curves, a time series' parts and forecasts, and
the gradient that reaches each time step of SimpleRNN, GRU and LSTM (vanishing and
exploding gradients, and what clipping does to them). The explorer computes the
static settings once, in advance, and the live explorer's others when asked.
"""

import numpy as np

from scratchlearn.deep.experiments import CELLS, clipped_shares
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, REFERENCE_COLOUR, curve

SCALES = (1.0, 2.0)
UNIT_CHOICES = (8, 32)
CLIPNORMS = (None, 1.0)
TIMESTEPS = (10, 30, 100)


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


def plot_parts(years, values, parts):
    """A yearly series with its chronological parts shaded: ``parts`` maps each
    part's name to its first year, in time order (training, validation, test)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 2.6))
    ax.plot(years, values, color="black", linewidth=1)
    edges = [*parts.values(), years[-1] + 1]
    for index, name in enumerate(parts):
        colour = COLOURS[index % len(COLOURS)]
        ax.axvspan(edges[index] - 0.5, edges[index + 1] - 0.5, color=colour, alpha=0.15)
        ax.text(edges[index], values.max(), f" {name}", va="top", fontsize=9)
    ax.set(xlabel="year", ylabel="sunspot number", xlim=(years[0], years[-1]))
    fig.tight_layout()
    return fig


def plot_forecasts(years, observed, forecasts):
    """The observed values of ``years`` and the forecasts of each method:
    ``forecasts`` maps a label to its values (the first, a baseline, dashed grey)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 2.8))
    ax.plot(years, observed, color="black", marker=".", label="observed")
    for index, (label, values) in enumerate(forecasts.items()):
        dash = "--" if index == 0 else "-"
        colour = REFERENCE_COLOUR if index == 0 else COLOURS[index % len(COLOURS)]
        ax.plot(years, values, dash, color=colour, label=label)
    ax.set(xlabel="year", ylabel="sunspot number")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=len(forecasts) + 1)
    fig.tight_layout()
    return fig


def plot_gradient_steps(runs):
    """``||dLoss/dx_t||`` against the step ``t`` on a log scale, one line per run:
    ``runs`` maps a label to the norms of
    :func:`~scratchlearn.deep.experiments.gradient_per_step`."""
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


def _line(values, **style):
    """A curve stored in single precision: all a log-scale line shows, in half the
    bytes of the figure."""
    trace = curve(values, **style)
    trace.y = np.asarray(values, dtype=np.float32)
    return trace


def explorer(*, scales=SCALES, units=UNIT_CHOICES, timesteps=TIMESTEPS):
    """Each step's share of the recurrent kernel's gradient, for each cell, number
    of units, recurrent-weight scale and sequence length, with and without
    ``clipnorm``; the static settings computed here, the live ones on demand."""
    computed = {}

    def shares_of(*setting):
        if setting not in computed:
            computed[setting] = clipped_shares(*setting)
        return computed[setting]

    def draw(cell, units, scale, clipnorm, timesteps):
        shares, clipped, norm = shares_of(cell, timesteps, scale, units, clipnorm)
        steps = np.arange(2, timesteps + 1)  # step 1's share is 0: h_0 = 0
        traces = [_line(clipped[1:], x=steps, name=cell, colour=COLOURS[0])]
        if clipnorm is None:
            clipping = "no clipping"
        else:
            line = _line(
                shares[1:],
                x=steps,
                name="before clipping",
                colour=REFERENCE_COLOUR,
                dash="dash",
            )
            traces.insert(0, line)
            factor = min(1.0, clipnorm / norm)
            clipping = f"clipnorm={clipnorm:g} scales every share by {factor:.3g}"
        title = (
            f"{cell}, {units} units, kernel x{scale:g}, {timesteps} steps: step 2's "
            f"share is {shares[1] / shares[-1]:.2g} times the last's<br>"
            f"gradient norm {norm:.3g}; {clipping}"
        )
        return View(traces, title)

    return Explorer(
        [
            Control("cell", list(CELLS), start="LSTM"),
            Control("units", units, start=units[0], live_values=(4, 8, 16, 32, 64)),
            Control(
                "scale",
                scales,
                label="recurrent kernel scale",
                start=scales[0],
                live_values=sorted({0.5, 1.0, 1.5, 2.0, *scales}),
            ),
            Control("clipnorm", CLIPNORMS, start=None),
            Control(
                "timesteps",
                timesteps,
                label="sequence length",
                live_values=sorted({*timesteps, 200}),
            ),
        ],
        draw,
        name="recurrent-explorer",
        layout={
            "yaxis.type": "log",
            "yaxis.title.text": "step t's share of the gradient",
            "xaxis.title.text": "time step t (the loss is at the last step)",
        },
        description=(
            "On a log scale, the norm of each time step's share of the gradient of "
            "a fresh recurrent layer's recurrent kernel (the gradient is their sum), "
            "for a loss at the last step of random sequences, before and after "
            "clipping by norm"
        ),
    )
