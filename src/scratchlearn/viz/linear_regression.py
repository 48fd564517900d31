"""Figures and the explorer of Chapter 2 (linear and polynomial regression).

The explorer fits a polynomial of one feature, ``x``, two ways: in closed form
(``solver="lstsq"``) and by batch gradient descent with a chosen learning rate, and
shows both curves, the loss per epoch and the errors against the degree.
"""

import numpy as np

from scratchlearn.supervised.experiments import (
    errors_by_degree,
    polynomial_fits,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, curve, data_points, thinned

TRAIN_COLOUR, VALIDATION_COLOUR, GD_COLOUR = COLOURS[:3]
LSTSQ_COLOUR = "#444444"


def plot_residuals(x, y, model, ax, *, xlabel="x", ylabel="y"):
    """A fitted line through 1-feature data, with each residual drawn as a segment."""
    y_pred = model.predict(x.reshape(-1, 1))
    ax.vlines(x, y, y_pred, color=VALIDATION_COLOUR, linewidth=0.8, alpha=0.6)
    ax.scatter(x, y, s=12, color=TRAIN_COLOUR, label="patients")
    order = np.argsort(x)
    ax.plot(x[order], y_pred[order], color=LSTSQ_COLOUR, linewidth=2, label="fit")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    return ax


def plot_loss_curves(histories, minimum, ax):
    """How far above the minimum several gradient-descent runs are, epoch by epoch.

    ``histories`` maps a label to a ``loss_history_``; ``minimum`` is the training MSE
    of the closed-form solution, which no run can go below. Drawing the excess loss on
    a log scale shows what the loss itself hides: the rate of convergence, and the
    noise of mini-batches.
    """
    for (label, losses), colour in zip(histories.items(), COLOURS, strict=False):
        epochs = np.arange(1, len(losses) + 1)
        # Rounding can put a converged loss a hair below the minimum; log needs > 0.
        excess = np.maximum(losses - minimum, 1e-12)
        ax.plot(epochs, excess, linewidth=1.2, color=colour, label=label)
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="training MSE − minimum")
    ax.legend()
    return ax


# --- the explorer -----------------------------------------------------------------

LEARNING_RATES = [0.01, 0.1, 0.3, 0.9]
# Live: a tenth of a decade apart from 0.001 to 1 (two significant digits), and
# the static figure's rates.
LIVE_LEARNING_RATES = sorted(
    {float(f"{rate:.2g}") for rate in np.logspace(-3, 0, 31)} | set(LEARNING_RATES)
)
DEGREES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15]
LIVE_DEGREES = range(1, 16)
# The curves across the top; the loss per epoch and the errors by degree below.
PANELS = {
    "specs": [[{"colspan": 2}, None], [{}, {}]],
    "row_heights": [0.55, 0.45],
    "vertical_spacing": 0.14,
}
LOSSES, BY_DEGREE = (2, 1), (2, 2)
SUBPLOT_TITLES = (
    "",
    "gradient descent: training MSE per epoch",
    "closed form: MSE against degree",
)
HEIGHT = 850
LAYOUT = {
    "legend": {
        "orientation": "h",
        "x": 1,
        "xanchor": "right",
        "y": 1.02,
        "yanchor": "bottom",
        "font": {"size": 11},
    },
    # Log axes: one tick per power of ten (the 2s and 5s between would crowd).
    "yaxis2": {"type": "log", "dtick": 1},
    "yaxis3": {"type": "log", "dtick": 1},
}
AXIS_TITLES = [("x", "y"), ("epoch", "training MSE"), ("degree", "MSE")]
LSTSQ = {"name": "closed form (lstsq)", "colour": LSTSQ_COLOUR, "dash": "dash"}
GD = {"name": "gradient descent", "colour": GD_COLOUR}
BLACK = {"colour": "black", "legend": False}
MINIMUM = {**BLACK, "name": "closed form's training MSE", "dash": "dash"}
LOSS = {"name": "training MSE per epoch", "colour": GD_COLOUR}
TRAIN_MSE = {"name": "training MSE", "colour": TRAIN_COLOUR, "markers": True}
VALIDATION_MSE = {**TRAIN_MSE, "name": "validation MSE", "colour": VALIDATION_COLOUR}


def title(fit, degree, learning_rate, max_iter):
    """Both fits' training and validation errors, in two lines."""
    lstsq = (
        f"degree {degree}, closed form: MSE train {fit['lstsq_mse'][0]:.3f}, "
        f"validation {fit['lstsq_mse'][1]:.3f}"
    )
    if fit["failure"] is None:
        gd = (
            f"gradient descent, learning rate {learning_rate:g}, {max_iter} epochs: "
            f"MSE train {fit['gd_mse'][0]:.3f}, validation {fit['gd_mse'][1]:.3f}"
        )
    else:
        gd = (
            f"learning rate {learning_rate:g}: {fit['failure']} (it converges for a "
            f"learning rate < 2/λmax = {fit['limit']:.3f})"
        )
    return f"{lstsq}<br>{gd}"


def words(text, x, y):
    """A red word at ``(x, y)``, for a run that diverged."""
    import plotly.graph_objects as go

    font = {"color": "crimson", "size": 16}
    return go.Scatter(
        x=[x], y=[y], text=[text], mode="text", textfont=font, showlegend=False
    )


def explorer(x_train, y_train, x_val, y_val, *, max_iter=500):
    """Polynomials of one feature fitted in closed form and by ``max_iter`` epochs of
    batch gradient descent: both curves (top), gradient descent's training loss per
    epoch (bottom left) and the closed form's errors against the degree (bottom
    right, a line at the degree shown)."""
    data = (x_train, y_train, x_val, y_val)
    x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    x_grid = np.linspace(x_all.min() - 0.1, x_all.max() + 0.1, 100)
    y_margin = 0.15 * np.ptp(y_all)
    y_range = [y_all.min() - y_margin, y_all.max() + y_margin]
    # Losses: from below the best fit's to well above the start, so that a
    # diverging run visibly leaves the chart through the top.
    loss_range = np.array([0.01 * np.var(y_train), 30.0 * np.mean(y_train**2)])
    degrees = np.arange(1, max(LIVE_DEGREES) + 1)
    train_errors, val_errors = errors_by_degree(*data, degrees)
    error_range = [0.5 * train_errors.min(), 2.0 * val_errors.max()]
    fixed = [
        data_points(x_train, y_train, "training points", TRAIN_COLOUR),
        data_points(x_val, y_val, "validation points", VALIDATION_COLOUR, hollow=True),
        (curve(train_errors, x=degrees, **TRAIN_MSE), BY_DEGREE),
        (curve(val_errors, x=degrees, **VALIDATION_MSE), BY_DEGREE),
    ]

    def draw(learning_rate, degree):
        fit = polynomial_fits(*data, x_grid, degree, learning_rate, max_iter)
        minimum = [fit["lstsq_mse"][0]] * 2
        # Every 20th epoch after the first 20: the static figure carries 40 loss
        # curves; thinned, they look the same.
        epochs, losses = thinned(fit["losses"], every=20)
        at_degree = curve(error_range, x=[degree] * 2, name=f"degree {degree}", **BLACK)
        gd_curve = curve(fit["gd_curve"], x=x_grid[: len(fit["gd_curve"])], **GD)
        traces = [  # the dashed closed form on top of gradient descent
            *fixed,
            gd_curve.update(line_width=3),
            curve(fit["lstsq_curve"], x=x_grid, **LSTSQ),
            (curve(losses, x=epochs, legend=False, **LOSS), LOSSES),
            (curve(minimum, x=[0, max_iter], **MINIMUM), LOSSES),
            (at_degree, BY_DEGREE),
        ]
        if fit["failure"] is not None:
            middle = np.sqrt(np.prod(loss_range))  # of the log axis
            traces += [
                words("gradient descent diverged", 0, y_range[0] + 0.3),
                (words("diverged", max_iter / 2, middle), LOSSES),
            ]
        return View(traces, title(fit, degree, learning_rate, max_iter))

    controls = [
        Control(
            "learning_rate",
            LEARNING_RATES,
            "learning rate",
            LIVE_LEARNING_RATES,
            start=0.1,
        ),
        Control("degree", DEGREES, live_values=LIVE_DEGREES, start=3),
    ]
    ranges = {
        "xaxis.range": [x_grid[0], x_grid[-1]],
        "yaxis.range": y_range,
        "xaxis2.range": [0, max_iter],
        "yaxis2.range": np.log10(loss_range),
    }
    return Explorer(
        controls,
        draw,
        name="linear-regression-explorer",
        panels=(2, 2),
        subplots=PANELS,
        subplot_titles=SUBPLOT_TITLES,
        height=HEIGHT,
        layout={**LAYOUT, **ranges},
        axis_titles=AXIS_TITLES,
        description=(
            "Polynomials fitted to noisy points of a wave in closed form and by "
            "gradient descent, gradient descent's training loss per epoch, and the "
            "training and validation errors against the degree"
        ),
    )
