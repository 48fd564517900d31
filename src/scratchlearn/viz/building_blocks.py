"""Figures and explorers of Chapter 23 (the building blocks of a network).

A computation graph of a small network with its forward and backward passes; the
activations and their derivatives; and a one-hidden-layer network learning the two
moons, whose decision boundary and loss curves the explorers redraw as the number of
hidden units, the activation, the learning rate, the batch size and the number of
epochs change.
"""

import numpy as np

from scratchlearn.deep import (
    SGD,
    Dense,
    Sequential,
    SparseCategoricalCrossentropy,
    activations,
)
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in
from scratchlearn.viz.figures import COLOURS, grid_over

TRAIN_COLOUR = "#1f77b4"
VALIDATION_COLOUR = "#ff7f0e"
BACKWARD_COLOUR = "#c0392b"

# The explorer's starting point, and the static explorer's settings: each changes
# one thing from the starting point (capacity, activation, step size, batch size).
DEFAULT = {
    "hidden_units": 16,
    "activation": "tanh",
    "learning_rate": 0.3,
    "batch_size": 32,
    "epochs": 100,
}
SETTINGS = [
    {**DEFAULT, "hidden_units": 1},
    {**DEFAULT, "hidden_units": 2},
    {**DEFAULT, "hidden_units": 4},
    DEFAULT,
    {**DEFAULT, "activation": "relu"},
    {**DEFAULT, "activation": "sigmoid"},
    {**DEFAULT, "learning_rate": 0.01},
    {**DEFAULT, "learning_rate": 3.0},
    # 100, not 10: at 10 training is chaotic (the loss after 100 epochs changes with
    # the last bits of the data, so no stored figure could show it reproducibly);
    # at 100 the tanh units saturate at once and the loss climbs the same way
    # on every machine.
    {**DEFAULT, "learning_rate": 100.0},
    {**DEFAULT, "batch_size": 8},
    {**DEFAULT, "batch_size": 200},
]


# --- the network of the explorers ---------------------------------------------------


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
        X[:, 0],
        X[:, 1],
        c=y,
        cmap=ListedColormap(COLOURS[:2]),
        edgecolor="k",
        linewidth=0.5,
        s=20,
    )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_loss_curves(history, ax):
    """Training and validation loss per epoch."""
    logs = history.history
    epochs = np.arange(1, len(logs["loss"]) + 1)
    ax.plot(epochs, logs["loss"], color=TRAIN_COLOUR, label="training")
    ax.plot(epochs, logs["val_loss"], color=VALIDATION_COLOUR, label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")
    ax.set_ylim(bottom=0)
    ax.legend()
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
        ax.annotate(
            "", (x, 0.3), (x, 0.9), arrowprops={"arrowstyle": "->", "color": "0.3"}
        )
    edges = [(0.5, 2.5), (2.5, 4.6), (4.6, 6.7), (6.7, 8.9)]
    gaps = [(0.3, 0.75), (0.75, 0.65), (0.65, 0.8), (0.8, 1.05)]
    for (left, right), (gap_left, gap_right) in zip(edges, gaps, strict=True):
        ax.annotate(
            "",
            (right - gap_right, 0.12),
            (left + gap_left, 0.12),
            arrowprops={"arrowstyle": "->", "color": "k"},
        )
        ax.annotate(
            "",
            (left + gap_left, -0.12),
            (right - gap_right, -0.12),
            arrowprops={"arrowstyle": "->", "color": BACKWARD_COLOUR},
        )
    gradients = [
        (8.9, -0.75, r"$\frac{\partial L}{\partial Z_2} = \frac{1}{n}(P - Y)$"),
        (
            6.7,
            -0.75,
            r"$\frac{\partial L}{\partial A_1} = "
            r"\frac{\partial L}{\partial Z_2}W_2^\top$",
        ),
        (
            6.7,
            -1.45,
            r"$\frac{\partial L}{\partial W_2} = "
            r"A_1^\top\frac{\partial L}{\partial Z_2}$",
        ),
        (
            4.6,
            -0.75,
            r"$\frac{\partial L}{\partial Z_1} = \frac{\partial L}{\partial A_1}"
            r"\odot f'(Z_1)$",
        ),
        (
            2.5,
            -0.75,
            r"$\frac{\partial L}{\partial X} = "
            r"\frac{\partial L}{\partial Z_1}W_1^\top$",
        ),
        (
            2.5,
            -1.45,
            r"$\frac{\partial L}{\partial W_1} = "
            r"X^\top\frac{\partial L}{\partial Z_1}$",
        ),
    ]
    for x, y, text in gradients:
        ax.text(
            x, y, text, ha="center", va="center", fontsize=13, color=BACKWARD_COLOUR
        )
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


# --- explorers ---------------------------------------------------------------------


def _explorer_figure(X_train, y_train, X_val, y_val, setting):
    import matplotlib.pyplot as plt

    model, history = train_network(X_train, y_train, X_val, y_val, **setting)
    with plt.ioff():  # shown in the widget only, not by the notebook
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1, 1.1]}
        )
    if history is None:
        for ax in (left, right):
            ax.text(0.5, 0.5, "training diverged", ha="center", transform=ax.transAxes)
    else:
        plot_boundary(model, X_train, y_train, left, resolution=60)
        plot_loss_curves(history, right)
    fig.suptitle(describe(setting, history), fontsize=10)
    fig.tight_layout()
    return fig


def live_explorer(X_train, y_train, X_val, y_val):
    """ipywidgets controls for the hidden units, the activation, the learning rate,
    the batch size and the number of epochs; every change retrains the network from
    the same initial seed and redraws its boundary and its loss curves."""
    import ipywidgets as widgets
    from IPython.display import display

    wide = {"description_width": "initial"}
    units = widgets.IntSlider(
        value=DEFAULT["hidden_units"], min=1, max=32, description="hidden units"
    )
    activation = widgets.Dropdown(
        options=["tanh", "relu", "sigmoid"],
        value=DEFAULT["activation"],
        description="activation",
    )
    learning_rate = widgets.FloatLogSlider(
        value=DEFAULT["learning_rate"],
        base=10,
        min=-3,
        max=1,
        step=0.25,
        description="learning rate",
        style=wide,
    )
    batch_size = widgets.SelectionSlider(
        options=[8, 16, 32, 64, 128, 200],
        value=DEFAULT["batch_size"],
        description="batch size",
    )
    epochs = widgets.IntSlider(
        value=DEFAULT["epochs"], min=10, max=200, step=10, description="epochs"
    )
    controls = {
        "hidden_units": units,
        "activation": activation,
        "learning_rate": learning_rate,
        "batch_size": batch_size,
        "epochs": epochs,
    }
    out = widgets.Output()

    def redraw(_change=None):
        setting = {name: control.value for name, control in controls.items()}
        show_figure_in(out, _explorer_figure(X_train, y_train, X_val, y_val, setting))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox(
            [
                widgets.HBox([units, activation, learning_rate]),
                widgets.HBox([batch_size, epochs]),
                out,
            ]
        )
    )


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    settings=SETTINGS,
    resolution=36,
    name="building-blocks-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    slider over ``settings``, each showing the network's probability map (left) and
    its loss curves (right)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.1)
    titles, groups = [], []
    shades = [[0.0, COLOURS[0]], [0.5, "white"], [1.0, COLOURS[1]]]
    for index, setting in enumerate(settings):
        model, history = train_network(X_train, y_train, X_val, y_val, **setting)
        titles.append(describe(setting, history))
        xs, ys, probability = probability_grid(model, X_train, resolution)
        start = len(figure.data)
        figure.add_trace(
            go.Contour(
                x=rounded(xs, 3),
                y=rounded(ys, 3),
                z=rounded(probability, 2),
                zmin=0,
                zmax=1,
                colorscale=shades,
                contours={"start": 0, "end": 1, "size": 0.1},
                line={"width": 0},
                showscale=False,
                hoverinfo="skip",
                visible=index == 0,
            ),
            row=1,
            col=1,
        )
        logs = history.history if history is not None else {"loss": [], "val_loss": []}
        epochs = np.arange(1, len(logs["loss"]) + 1)
        for key, label, colour in [
            ("loss", "training loss", TRAIN_COLOUR),
            ("val_loss", "validation loss", VALIDATION_COLOUR),
        ]:
            figure.add_trace(
                go.Scatter(
                    x=epochs,
                    y=rounded(logs[key], 4),
                    mode="lines",
                    name=label,
                    line={"color": colour},
                    showlegend=index == 0,
                    legendgroup=key,
                    visible=index == 0,
                ),
                row=1,
                col=2,
            )
        groups.append(range(start, len(figure.data)))
    n_varying = len(figure.data)
    for label, colour in enumerate(COLOURS[:2]):
        members = y_train == label
        figure.add_trace(
            go.Scatter(
                x=rounded(X_train[members, 0], 3),
                y=rounded(X_train[members, 1], 3),
                mode="markers",
                name=f"moon {label}",
                marker={
                    "color": colour,
                    "size": 5,
                    "line": {"width": 0.5, "color": "black"},
                },
            ),
            row=1,
            col=1,
        )
    steps = [
        {
            "label": str(step + 1),
            "method": "update",
            "args": [
                {"visible": [i in groups[step] for i in range(n_varying)]},
                {"title.text": titles[step]},
                list(range(n_varying)),
            ],
        }
        for step in range(len(settings))
    ]
    figure.update_layout(
        title={"text": titles[0], "font": {"size": 12}},
        height=500,
        sliders=[
            {
                "active": 0,
                "currentvalue": {"prefix": "setting "},
                "pad": {"t": 40},
                "steps": steps,
            }
        ],
    )
    figure.update_xaxes(title_text="x1", row=1, col=1)
    figure.update_yaxes(title_text="x2", row=1, col=1)
    figure.update_xaxes(title_text="epoch", row=1, col=2)
    figure.update_yaxes(title_text="cross-entropy", rangemode="tozero", row=1, col=2)
    return PlotlyFigure(figure, name)
