"""Figures and the explorer of Chapter 23 (the building blocks of a network).

A computation graph of a small network with its forward and backward passes; the
activations and their derivatives; and a one-hidden-layer network learning the two
moons, whose probability map and loss curves the explorer redraws as the number of
hidden units, the activation, the learning rate, the batch size and the number of
epochs change.
"""

import dataclasses

import numpy as np

from scratchlearn.deep import (
    SGD,
    Dense,
    Sequential,
    SparseCategoricalCrossentropy,
    activations,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
    class_points,
    curve,
    grid_over,
)

BACKWARD_COLOUR = "#c0392b"

# The network of the chapter's first figure, where the explorer starts.
DEFAULT = {
    "hidden_units": 16,
    "activation": "tanh",
    "learning_rate": 0.3,
    "batch_size": 32,
    "epochs": 100,
}
# What the explorer varies. A static figure precomputes the values of the two
# controls it varies, at the DEFAULT of the others (the chapter shows two: the
# activation and the hidden units; the batch size and the learning rate); the live
# explorer offers every control's live_values.
CONTROLS = {
    "learning_rate": Control(
        "learning_rate",
        # Each static value trains the same way on every machine, so that stored
        # figures reproduce. Not 3 or 10: in batches of 8 (at 3) or 32 (at 10)
        # training is chaotic, the loss after 100 epochs changes with the last bits
        # of the data; at 100 the tanh units saturate at once and the loss climbs
        # the same way everywhere.
        [0.01, 0.03, 0.1, 0.3, 1.0, 100.0],
        label="learning rate",
        live_values=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0],
    ),
    "batch_size": Control(
        "batch_size",
        [8, 32, 200],
        label="batch size",
        live_values=[8, 16, 32, 64, 128, 200],
    ),
    "epochs": Control("epochs", [100], live_values=range(10, 201, 10)),
    "activation": Control("activation", ["tanh", "relu", "sigmoid"]),
    "hidden_units": Control(
        "hidden_units",
        [1, 2, 4, 8, 16, 32],
        label="hidden units",
        live_values=range(1, 33),
    ),
}


# --- the network of the explorer ----------------------------------------------------


def moons_network(hidden_units, activation, random_state=0):
    """Two inputs, one hidden layer, two logits (one per moon)."""
    return Sequential(
        [Dense(hidden_units, activation=activation), Dense(2)],
        random_state=random_state,
    )


def train_network(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    hidden_units,
    activation,
    learning_rate,
    batch_size,
    epochs,
    random_state=0,
):
    """A :func:`moons_network` trained by mini-batch SGD on softmax cross-entropy.

    Returns the model and its ``History`` (train and validation loss and accuracy
    per epoch), or the model and ``None`` if training diverged (the loss refuses
    non-finite outputs).
    """
    model = moons_network(hidden_units, activation, random_state)
    model.compile(
        SGD(learning_rate=learning_rate),
        SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    try:
        history = model.fit(
            X_train,
            y_train,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(X_val, y_val),
            verbose=0,
        )
    except ValueError:  # NaN or infinite outputs: the steps were too large
        return model, None
    return model, history


def probability_grid(model, X, resolution=100):
    """The network's probability of class 1 over a grid covering ``X``: shape
    (resolution, resolution)."""
    xs, ys, points = grid_over(X, resolution)
    logits = model.predict(points, batch_size=len(points))  # (n_points, 2)
    probability = activations.softmax(logits)[:, 1]
    return xs, ys, probability.reshape(len(ys), len(xs))


def describe(setting, history):
    """One line: the setting and the final accuracies (or that it diverged)."""
    text = (
        f"{setting['hidden_units']} {setting['activation']} units, "
        f"lr {setting['learning_rate']:g}, batch {setting['batch_size']}, "
        f"{setting['epochs']} epochs"
    )
    if history is None:
        return text + ": diverged (NaN)"
    logs = history.history
    return (
        f"{text}: train accuracy {logs['accuracy'][-1]:.3f}, "
        f"validation {logs['val_accuracy'][-1]:.3f}"
    )


# --- matplotlib figures --------------------------------------------------------------


def plot_boundary(model, X, y, ax, *, resolution=100, title=None):
    """The probability of class 1 as shades, the boundary (probability 0.5) as a
    line, and the points coloured by class."""
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap

    xs, ys, probability = probability_grid(model, X, resolution)
    shades = LinearSegmentedColormap.from_list(
        "moons", [COLOURS[0], "white", COLOURS[1]]
    )
    ax.contourf(xs, ys, probability, levels=np.linspace(0, 1, 11), cmap=shades)
    ax.contour(xs, ys, probability, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(
        *X.T, c=y, cmap=ListedColormap(COLOURS[:2]), edgecolor="k", linewidth=0.5, s=20
    )
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_activations(axes, names=("sigmoid", "tanh", "relu")):
    """Each activation (top row of ``axes``) and its derivative (bottom row)."""
    z = np.linspace(-4, 4, 401)
    for column, name in enumerate(names):
        function = getattr(activations, name)
        derivative = getattr(activations, f"{name}_derivative")
        top, bottom = axes[0][column], axes[1][column]
        top.plot(z, function(z), color=TRAIN_COLOUR)
        top.set_title(name)
        bottom.plot(z, derivative(z), color=BACKWARD_COLOUR)
        bottom.set_xlabel("$z$")
        for ax in (top, bottom):
            ax.axhline(0, color="0.7", linewidth=0.8)
            ax.axvline(0, color="0.7", linewidth=0.8)
    axes[0][0].set_ylabel("$f(z)$")
    axes[1][0].set_ylabel("$f'(z)$")
    return axes


def _partial(of, to):
    return rf"\frac{{\partial {of}}}{{\partial {to}}}"


# The backward pass of the computation graph: (x, y, formula), drawn in red.
GRADIENTS = [
    (8.9, -0.75, rf"{_partial('L', 'Z_2')} = \frac{{1}}{{n}}(P - Y)"),
    (6.7, -0.75, rf"{_partial('L', 'A_1')} = {_partial('L', 'Z_2')}W_2^\top"),
    (6.7, -1.45, rf"{_partial('L', 'W_2')} = A_1^\top{_partial('L', 'Z_2')}"),
    (4.6, -0.75, rf"{_partial('L', 'Z_1')} = {_partial('L', 'A_1')}\odot f'(Z_1)"),
    (2.5, -0.75, rf"{_partial('L', 'X')} = {_partial('L', 'Z_1')}W_1^\top"),
    (2.5, -1.45, rf"{_partial('L', 'W_1')} = X^\top{_partial('L', 'Z_1')}"),
]


def plot_computation_graph(ax):
    """The computation graph of Dense, activation, Dense, softmax cross-entropy:
    values flow right (forward, black), gradients flow left (backward, red)."""
    boxes = [
        (0.5, r"$X$"),
        (2.5, r"$Z_1 = X W_1 + b_1$"),
        (4.6, r"$A_1 = f(Z_1)$"),
        (6.7, r"$Z_2 = A_1 W_2 + b_2$"),
        (8.9, r"$L = \mathrm{CE}(\mathrm{softmax}(Z_2), Y)$"),
    ]
    style = {"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "k"}
    for x, text in boxes:
        ax.text(x, 0, text, ha="center", va="center", fontsize=10, bbox=style)
    for x, text in [(2.5, r"$W_1, b_1$"), (6.7, r"$W_2, b_2$"), (8.9, r"$Y$")]:
        ax.text(x, 1.1, text, ha="center", va="center", fontsize=10, color="0.3")
        arrow = {"arrowstyle": "->", "color": "0.3"}
        ax.annotate("", (x, 0.3), (x, 0.9), arrowprops=arrow)
    edges = [(0.5, 2.5), (2.5, 4.6), (4.6, 6.7), (6.7, 8.9)]
    gaps = [(0.3, 0.75), (0.75, 0.65), (0.65, 0.8), (0.8, 1.05)]
    for (left, right), (gap_left, gap_right) in zip(edges, gaps, strict=True):
        start, end = left + gap_left, right - gap_right
        forward = {"arrowstyle": "->", "color": "k"}
        ax.annotate("", (end, 0.12), (start, 0.12), arrowprops=forward)
        backward = {"arrowstyle": "->", "color": BACKWARD_COLOUR}
        ax.annotate("", (start, -0.12), (end, -0.12), arrowprops=backward)
    for x, y, formula in GRADIENTS:
        style = {"ha": "center", "va": "center", "fontsize": 13}
        ax.text(x, y, f"${formula}$", color=BACKWARD_COLOUR, **style)
    ax.text(0.0, 0.55, "forward", fontsize=9)
    ax.text(0.0, -0.55, "backward", fontsize=9, color=BACKWARD_COLOUR)
    ax.set_xlim(-0.3, 10.6)
    ax.set_ylim(-1.8, 1.4)
    ax.axis("off")
    return ax


def plot_error_by_step(steps, errors, ax):
    """Relative error of finite differences against the step h (log-log): too large
    a step is inexact (truncation, order h^2), too small drowns in rounding."""
    ax.loglog(steps, errors, "o-", color=TRAIN_COLOUR)
    ax.set_xlabel("step $h$")
    ax.set_ylabel("relative error")
    ax.grid(True, which="major", color="0.9")
    return ax


# --- the explorer ---------------------------------------------------------------------


def probability_contour(model, X, resolution=36):
    """The network's probability of class 1 over a grid covering ``X`` as plotly
    shades, from the colour of class 0 through white (0.5) to that of class 1."""
    import plotly.graph_objects as go

    xs, ys, probability = probability_grid(model, X, resolution)
    return go.Contour(
        x=xs,
        y=ys,
        # In whole percent, one byte a point: the shades change every 10%.
        z=np.rint(100 * probability).astype(np.uint8),
        zmin=0,
        zmax=100,
        colorscale=[[0.0, COLOURS[0]], [0.5, "white"], [1.0, COLOURS[1]]],
        contours={"start": 0, "end": 100, "size": 10},
        line={"width": 0},
        showscale=False,
        hoverinfo="skip",
    )


def explorer(X_train, y_train, X_val, y_val, *, vary=("activation", "hidden_units")):
    """The moons network's probability map (left) and its loss curves (right), for
    the hidden units, the activation, the learning rate, the batch size and the
    number of epochs.

    The live explorer offers every control. The static one precomputes the two
    controls of ``vary`` (a menu over the first, a slider over the second), the
    others at their :data:`DEFAULT`. Each setting trains once, from the same initial
    weights, and is kept: going back to it redraws at once.
    """
    runs = {}
    points = class_points(X_train, y_train, names=("moon 0", "moon 1"))
    curves = [
        ("loss", "training", TRAIN_COLOUR),
        ("val_loss", "validation", VALIDATION_COLOUR),
    ]

    def draw(**setting):
        key = tuple(sorted(setting.items()))
        if key not in runs:
            runs[key] = train_network(X_train, y_train, X_val, y_val, **setting)
        model, history = runs[key]
        if history is None:
            return View(points, title=describe(setting, None))
        losses = [
            (curve(history.history[key], name=f"{name} loss", colour=colour), 2)
            for key, name, colour in curves
        ]
        return View(
            [probability_contour(model, X_train), *points, *losses],
            title=describe(setting, history),
        )

    def control(name):  # the static values of the varied, the default of the others
        if name in vary:
            return dataclasses.replace(CONTROLS[name], start=DEFAULT[name])
        every = CONTROLS[name].live_values or CONTROLS[name].values
        return dataclasses.replace(
            CONTROLS[name], values=[DEFAULT[name]], live_values=every
        )

    fixed = [name for name in CONTROLS if name not in vary]
    return Explorer(
        [control(name) for name in [*fixed, *vary]],
        draw,
        name="building-blocks-" + "-".join(vary).replace("_", "-"),
        panels=(1, 2),
        subplot_titles=("probability of moon 1", "cross-entropy per epoch"),
        layout={
            "xaxis.title.text": "x1",
            "yaxis.title.text": "x2",
            "xaxis2.title.text": "epoch",
            "yaxis2.rangemode": "tozero",
        },
        description=(
            "A one-hidden-layer network learning the two moons: its probability of "
            "the second moon over the plane, and its training and validation loss"
        ),
    )
