"""Figures and the explorer of Chapter 4 (Bayesian linear regression).

The explorer fits a line ``y = b + w x`` to the first ``n`` points of one seeded data
set, with a known noise level, and shows the posterior: lines drawn from it, the
credible band of the line, the predictive interval for new observations, and the
prior and posterior of the slope ``w``. :func:`explore` computes all of it for one
setting; :func:`plot_lines` draws it with matplotlib, :func:`explorer` with plotly.
"""

import dataclasses

import numpy as np

from scratchlearn import datasets
from scratchlearn.supervised import BayesianLinearRegression
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import chosen_line, curve

TRUE_INTERCEPT, TRUE_SLOPE = -1.0, 0.8
X_RANGE = (0.0, 4.0)  # where the data lie
GRID = np.linspace(-1.0, 5.0, 25)  # where the lines are drawn: a little beyond
Y_LIMITS = (-6.0, 7.0)
SLOPE_RANGE = (-3.0, 3.0)
LEVEL = 0.9  # of the credible band and the predictive interval
N_DRAWS = 20

MEAN_COLOUR = "#1f77b4"
TRUE_COLOUR = "black"
TRUE = "true line"
BAND = f"{LEVEL:.0%} band of the line"
PREDICTIVE = f"{LEVEL:.0%} predictive"
# How each line is drawn (colour, dash, width), in the legend's order.
STYLES = {
    TRUE: (TRUE_COLOUR, "dot", 1.5),
    "posterior mean": (MEAN_COLOUR, None, 2),
    "posterior draws": ("#9ecae1", None, 0.8),  # light blue
    BAND: (MEAN_COLOUR, None, 0),
    PREDICTIVE: ("#ff7f0e", "dash", 1.5),  # orange
    "prior of w": ("#7f7f7f", "dash", 1.5),  # grey
    "posterior of w": (MEAN_COLOUR, None, 2),
}
# The explorer's choices: numbers of observed points, prior precisions (the live
# explorer's: 10 per power of ten) and noise levels (the static explorer's: 1).
N_POINTS = (1, 2, 3, 5, 10, 20, 50, 100, 200)
PRIORS = (0.01, 1.0, 100.0)
LIVE_PRIORS = tuple(float(f"{10**e:.3g}") for e in np.linspace(-2, 2, 41))
LIVE_NOISE_STDS = tuple(round(0.1 * step, 1) for step in range(1, 21))


def true_line(x):
    """The line the data come from."""
    return TRUE_INTERCEPT + TRUE_SLOPE * np.asarray(x)


def line_data(noise_std, n_points=N_POINTS[-1], seed=0):
    """Seeded points ``(x, y)`` of :func:`true_line` plus noise of standard deviation
    ``noise_std``, shapes (n_points,). The first ``n`` points are the same for every
    ``n_points >= n`` and every noise level (only their scale changes), so that the
    explorer adds points one by one to the same data set."""
    data = datasets.noisy_line(
        n_points,
        slope=TRUE_SLOPE,
        intercept=TRUE_INTERCEPT,
        noise=noise_std,
        low=X_RANGE[0],
        high=X_RANGE[1],
        random_state=seed,
    )
    return data.X[:, 0], data.y


def normal_curve(mean, std):
    """The Normal density of mean ``mean`` and standard deviation ``std``, over 4
    standard deviations either side: ``x`` and the density, shapes (41,)."""
    x = mean + std * np.linspace(-4.0, 4.0, 41)
    return x, np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


@dataclasses.dataclass
class Setting:
    """What the pictures show of one fit (see :func:`explore`)."""

    x: np.ndarray  # (n_points,) the observed points
    y: np.ndarray
    mean: np.ndarray  # (2,) the posterior mean line at GRID[0] and GRID[-1]
    band: tuple  # lower, upper (len(GRID),): credible band of the line
    predictive: tuple  # lower, upper (len(GRID),): predictive interval
    draws: np.ndarray  # (N_DRAWS, 2) lines drawn, at GRID[0] and GRID[-1]
    slope_mean: float
    slope_std: float


def explore(n_points, prior_precision, noise_std, seed=0):
    """Fit the Bayesian line to the first ``n_points`` points, with the noise known."""
    x, y = line_data(noise_std, seed=seed)
    x, y = x[:n_points], y[:n_points]
    model = BayesianLinearRegression(
        prior_precision=prior_precision,
        noise_precision=1.0 / noise_std**2,
        random_state=seed,
    ).fit(x.reshape(-1, 1), y)
    grid = GRID.reshape(-1, 1)  # (len(GRID), 1)
    ends = np.array([[GRID[0]], [GRID[-1]]])  # a straight line needs only its ends
    return Setting(
        x=x,
        y=y,
        mean=model.predict(ends),
        band=model.predict_interval(grid, level=LEVEL, include_noise=False),
        predictive=model.predict_interval(grid, level=LEVEL),
        draws=model.sample_predictions(ends, n_draws=N_DRAWS),
        slope_mean=float(model.coef_[0]),
        slope_std=float(np.sqrt(model.covariance_[0, 0])),
    )


def pieces(setting):
    """What the line panel of ``setting`` draws, as ``{name: (x, y)}``, the band
    first (beneath the lines). NaN breaks a line (all the drawn lines are one), and
    the band is its outline: along its top, then back along its bottom."""
    ends = np.array([GRID[0], GRID[-1], np.nan])  # a straight line needs only these
    draws = np.column_stack([setting.draws, np.full(N_DRAWS, np.nan)])
    low, high = setting.band
    lower, upper = setting.predictive
    return {
        BAND: (np.r_[GRID, GRID[::-1]], np.r_[high, low[::-1]]),
        TRUE: (GRID, true_line(GRID)),
        "posterior draws": (np.tile(ends, N_DRAWS), draws.ravel()),
        "posterior mean": (ends[:2], setting.mean),
        PREDICTIVE: (np.r_[GRID, np.nan, GRID], np.r_[lower, np.nan, upper]),
    }


def plot_lines(setting, ax, *, legend=True):
    """The data, lines drawn from the posterior, the posterior mean with its
    credible band, the predictive interval and the true line."""
    dashes = {"dot": ":", "dash": "--", None: "-"}
    for name, (x, y) in pieces(setting).items():
        colour, dash, width = STYLES[name]
        if name == BAND:
            ax.fill(x, y, color=colour, alpha=0.2, linewidth=0, label=name)
        else:
            ax.plot(x, y, dashes[dash], color=colour, linewidth=width, label=name)
    ax.scatter(setting.x, setting.y, color=TRUE_COLOUR, s=14, zorder=3)
    ax.set_xlim(GRID[0], GRID[-1])
    ax.set_ylim(*Y_LIMITS)
    ax.set(xlabel="x", ylabel="y")
    if legend:
        ax.legend(fontsize=7, loc="upper left")
    return ax


def plot_coverage(levels, coverages, ax):
    """Empirical coverage of intervals against their nominal level: calibrated
    intervals lie on the diagonal. ``coverages`` maps a label to one coverage per
    level."""
    ax.plot([0, 1], [0, 1], ":", color=TRUE_COLOUR, label="calibrated")
    for label, values in coverages.items():
        ax.plot(levels, values, "o-", label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set(xlabel="level of the interval", ylabel="share of test targets inside")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def explorer(*, seed=0):
    """The posterior's lines and the slope's prior and posterior densities as the
    number of observed points, the prior precision and the noise level change."""

    def draw(prior_precision, noise_std, n_points):
        setting = explore(n_points, prior_precision, noise_std, seed=seed)
        mean, std = setting.slope_mean, setting.slope_std
        densities = {
            "prior of w": normal_curve(0.0, prior_precision**-0.5),
            "posterior of w": normal_curve(mean, std),
        }
        traces = []
        for panel, shown in enumerate([pieces(setting), densities], start=1):
            for name, (x, y) in shown.items():
                colour, dash, width = STYLES[name]
                trace = curve(y, x=x, name=name, colour=colour, dash=dash)
                trace.update(line_width=width, zorder=int(name == TRUE))
                trace.legendrank = 1 + list(STYLES).index(name)  # the points: 0
                if name == BAND:  # filled in the mean's colour, light
                    trace.update(fill="toself", fillcolor="rgba(31, 119, 180, 0.2)")
                traces.append((trace, panel))
        points = curve(setting.y, x=setting.x, name="observed points", colour="black")
        # On top: shared by several settings, it comes before their bands.
        points.update(mode="markers", marker_color="black", legendrank=0, zorder=1)
        traces.append(points)
        title = (
            f"n = {n_points}, prior precision {prior_precision:g}, noise std "
            f"{noise_std:g}: slope {mean:.2f} ± {std:.2f} (true {TRUE_SLOPE:g})"
        )
        return View(traces, title=title)

    return Explorer(
        [
            Control("prior_precision", PRIORS, "prior precision", LIVE_PRIORS),
            Control("noise_std", [1.0], "noise std", live_values=LIVE_NOISE_STDS),
            Control("n_points", N_POINTS, "n points", start=5),
        ],
        draw,
        name="bayesian-regression-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.6, 0.4], "horizontal_spacing": 0.1},
        subplot_titles=("lines", "slope"),
        layout={
            "xaxis.range": [GRID[0], GRID[-1]],
            "yaxis.range": list(Y_LIMITS),
            "xaxis2.range": list(SLOPE_RANGE),
            "yaxis2.rangemode": "tozero",
            # The true slope: a dotted line across the right panel.
            "shapes": [chosen_line(TRUE_SLOPE, color=TRUE_COLOUR, width=None)],
        },
        axis_titles=[("x", "y"), ("slope w", "density")],
        description=(
            "Bayesian linear regression of a line: the observed points, lines drawn "
            "from the posterior, its mean, the credible band of the line and the "
            "predictive interval; beside them the prior and posterior of the slope"
        ),
    )
