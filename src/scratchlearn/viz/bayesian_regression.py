"""Figures and the explorer of Chapter 4 (Bayesian linear regression).

The explorer fits a line ``y = b + w x`` to the first ``n`` points of one seeded data
set, with a known noise level, and shows the posterior: lines drawn from it, the
credible band of the line, the predictive interval for new observations, and the
prior and posterior of the slope ``w``. :func:`explore` computes all of it for one
setting; :func:`plot_lines` draws it with matplotlib, :func:`explorer` with plotly.
"""

import numpy as np

from scratchlearn.supervised.experiments import (
    GRID,
    LEVEL,
    N_DRAWS,
    N_POINTS,
    TRUE_SLOPE,
    explore,
    normal_curve,
    true_line,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    COLOURS,
    REFERENCE_COLOUR,
    chosen_line,
    curve,
    translucent,
)

Y_LIMITS = (-6.0, 7.0)
SLOPE_RANGE = (-3.0, 3.0)

MEAN_COLOUR = COLOURS[0]  # Okabe-Ito blue
TRUE_COLOUR = "black"
TRUE = "true line"
BAND = f"{LEVEL:.0%} band of the line"
PREDICTIVE = f"{LEVEL:.0%} predictive"
# How each line is drawn (colour, dash, width), in the legend's order.
STYLES = {
    TRUE: (TRUE_COLOUR, "dot", 1.5),
    "posterior mean": (MEAN_COLOUR, None, 2),
    "posterior draws": ("#99c7e0", None, 0.8),  # the blue, light
    BAND: (MEAN_COLOUR, None, 0),
    PREDICTIVE: (COLOURS[1], "dash", 1.5),  # orange
    "prior of w": (REFERENCE_COLOUR, "dash", 1.5),  # grey
    "posterior of w": (MEAN_COLOUR, None, 2),
}
PRIORS = (0.01, 1.0, 100.0)
LIVE_PRIORS = tuple(float(f"{10**e:.3g}") for e in np.linspace(-2, 2, 41))
LIVE_NOISE_STDS = tuple(round(0.1 * step, 1) for step in range(1, 21))


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
    for (label, values), colour in zip(coverages.items(), COLOURS, strict=False):
        ax.plot(levels, values, "o-", color=colour, label=label)
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
                    trace.update(fill="toself", fillcolor=translucent(MEAN_COLOUR, 0.2))
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
