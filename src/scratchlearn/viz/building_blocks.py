"""Figures and the explorer of Chapter 23 (the building blocks of a network): a
computation graph with its forward and backward passes, the activations and their
derivatives, and a one-hidden-layer network learning the two moons."""

import itertools

import numpy as np

from scratchlearn import deep
from scratchlearn.deep.experiments import train_network
from scratchlearn.viz import figures
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import TRAIN_COLOUR, VALIDATION_COLOUR

BACKWARD_COLOUR = "#c0392b"
# The probability of the second moon (0, 0.5, 1), and as a plotly colour axis (%).
SHADES = [figures.COLOURS[0], "white", figures.COLOURS[1]]
SHADES_AXIS = {
    "colorscale": list(zip([0, 0.5, 1], SHADES, strict=True)),
    "cmin": 0,
    "cmax": 100,
    "showscale": False,
}

# What the explorer varies: (label, the first figure's value, the values a static
# explorer precomputes, the live one's). Each static value trains the same way on
# every machine, so that stored figures reproduce: not 3 to 30, where SGD in small
# batches is chaotic (the loss changes with the last bits of the arithmetic).
CHOICES = {
    "learning_rate": (
        "learning rate",
        0.3,
        [0.01, 0.03, 0.1, 0.3, 1.0, 100.0],
        [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0],
    ),
    "batch_size": ("batch size", 32, [8, 32, 200], [8, 16, 32, 64, 200]),
    "epochs": ("epochs", 100, [100], range(10, 201, 10)),
    "activation": ("activation", "tanh", ["tanh", "relu", "sigmoid"], None),
    "hidden_units": ("hidden units", 16, [1, 2, 4, 8, 16, 32], range(1, 33)),
}
DEFAULT = {name: choice[1] for name, choice in CHOICES.items()}
# The explorer's two loss curves, by the prefix of their keys in the history.
CURVES = {"": ("training", TRAIN_COLOUR), "val_": ("validation", VALIDATION_COLOUR)}


def probability_grid(model, X, resolution=100):
    """The network's probability of class 1 over a grid covering ``X``."""
    xs, ys, points = figures.grid_over(X, resolution)
    logits = model.predict(points, batch_size=len(points))  # (n_points, 2)
    probability = deep.activations.softmax(logits)[:, 1]
    return xs, ys, probability.reshape(len(ys), len(xs))


def describe(setting, history):
    """One line: the setting and the final accuracies (or that it diverged)."""
    text = "{hidden_units} {activation} units, lr {learning_rate:g}, batch {batch_size}"
    text = text.format(**setting) + f", {setting['epochs']} epochs"
    if history is None:
        return text + ": diverged (NaN)"
    train, validation = (history.history[p + "accuracy"][-1] for p in CURVES)
    return f"{text}: train accuracy {train:.3f}, validation {validation:.3f}"


def plot_boundary(model, X, y, ax, *, resolution=100, title=None):
    """The probability of class 1 as shades, the boundary (probability 0.5) as a
    line, and the points coloured by class."""
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap

    xs, ys, probability = probability_grid(model, X, resolution)
    shades = LinearSegmentedColormap.from_list("moons", SHADES)
    ax.contourf(xs, ys, probability, levels=np.linspace(0, 1, 11), cmap=shades)
    ax.contour(xs, ys, probability, levels=[0.5], colors="k", linewidths=1.5)
    points = ListedColormap(figures.COLOURS[:2])
    ax.scatter(*X.T, c=y, cmap=points, edgecolor="k", linewidth=0.5, s=20)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.set_title(title or "", fontsize=10)
    return ax


def plot_activations(axes, names=("sigmoid", "tanh", "relu")):
    """Each activation (top row of ``axes``) and its derivative (bottom row)."""
    z = np.linspace(-4, 4, 401)
    for column, name in enumerate(names):
        top, bottom = axes[0][column], axes[1][column]
        top.plot(z, getattr(deep.activations, name)(z), color=TRAIN_COLOUR)
        top.set_title(name)
        derivative = getattr(deep.activations, f"{name}_derivative")
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


# The computation graph: boxes (centre, half width, text), the parameters fed in
# (x, text) and, under them in red, the backward pass (x, y, formula).
BOXES = [
    (0.5, 0.3, r"$X$"),
    (2.5, 0.75, r"$Z_1 = X W_1 + b_1$"),
    (4.6, 0.65, r"$A_1 = f(Z_1)$"),
    (6.7, 0.8, r"$Z_2 = A_1 W_2 + b_2$"),
    (8.9, 1.05, r"$L = \mathrm{CE}(\mathrm{softmax}(Z_2), Y)$"),
]
INPUTS = [(2.5, r"$W_1, b_1$"), (6.7, r"$W_2, b_2$"), (8.9, r"$Y$")]
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
    box = {"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "k"}
    centred = {"ha": "center", "va": "center"}
    grey = {"arrowstyle": "->", "color": "0.3"}
    for x, _, text in BOXES:
        ax.text(x, 0, text, fontsize=10, bbox=box, **centred)
    for x, text in INPUTS:
        ax.text(x, 1.1, text, fontsize=10, color="0.3", **centred)
        ax.annotate("", (x, 0.3), (x, 0.9), arrowprops=grey)
    forward = {"arrowstyle": "->", "color": "k"}
    backward = {"arrowstyle": "->", "color": BACKWARD_COLOUR}
    for (left, left_half, _), (right, right_half, _) in itertools.pairwise(BOXES):
        start, end = left + left_half, right - right_half  # from edge to edge
        ax.annotate("", (end, 0.12), (start, 0.12), arrowprops=forward)
        ax.annotate("", (start, -0.12), (end, -0.12), arrowprops=backward)
    for x, y, formula in GRADIENTS:
        ax.text(x, y, f"${formula}$", fontsize=13, color=BACKWARD_COLOUR, **centred)
    ax.text(0.0, 0.55, "forward", fontsize=9)
    ax.text(0.0, -0.55, "backward", fontsize=9, color=BACKWARD_COLOUR)
    ax.set(xlim=(-0.3, 10.6), ylim=(-1.8, 1.4))
    ax.axis("off")
    return ax


def probability_contour(model, X, resolution=30):
    """:func:`probability_grid` in plotly, shaded by the axis :data:`SHADES_AXIS`."""
    import plotly.graph_objects as go

    xs, ys, probability = probability_grid(model, X, resolution)
    # Stored once per setting: the grid by its first point and step (not every
    # point), the probability in whole percent (one byte a point, not eight).
    grid = {"x0": xs[0], "dx": xs[1] - xs[0], "y0": ys[0], "dy": ys[1] - ys[0]}
    return go.Contour(
        **grid,
        z=np.rint(100 * probability).astype(np.uint8),
        coloraxis="coloraxis",
        contours={"start": 0, "end": 100, "size": 10},
        line={"width": 0},
        hoverinfo="skip",
    )


def explorer(X_train, y_train, X_val, y_val, *, vary=("activation", "hidden_units")):
    """The moons network's probability map and its loss curves. The static explorer
    varies the two :data:`CHOICES` of ``vary`` (a menu, a slider), the others stay at
    their :data:`DEFAULT`; the live one varies all. Each setting trains once."""
    runs = {}
    points = figures.class_points(X_train, y_train, names=("moon 0", "moon 1"))

    def draw(**setting):
        key = tuple(sorted(setting.items()))
        if key not in runs:
            with np.errstate(all="ignore"):  # a huge learning rate overflows
                runs[key] = train_network(X_train, y_train, X_val, y_val, **setting)
        model, history = runs[key]
        if history is None:
            return View(points, title=describe(setting, None))
        logs = history.history
        losses = [
            (figures.curve(logs[prefix + "loss"], name=name, colour=colour), 2)
            for prefix, (name, colour) in CURVES.items()
        ]
        contour = probability_contour(model, X_train)
        return View([contour, *points, *losses], title=describe(setting, history))

    def control(name):  # not varied: its default only, but live its every value
        label, start, values, live_values = CHOICES[name]
        static = values if name in vary else [start]
        return Control(name, static, label, live_values or values, start)

    fixed = [name for name in CHOICES if name not in vary]
    return Explorer(
        [control(name) for name in [*fixed, *vary]],
        draw,
        name="building-blocks-" + "-".join(vary).replace("_", "-"),
        panels=(1, 2),
        subplot_titles=("probability of moon 1", "cross-entropy per epoch"),
        layout={"yaxis2.rangemode": "tozero", "coloraxis": SHADES_AXIS},
        axis_titles=[("x1", "x2"), ("epoch", None)],
        description=(
            "A one-hidden-layer network learning the two moons: its probability of "
            "the second moon over the plane, and its training and validation loss"
        ),
    )
