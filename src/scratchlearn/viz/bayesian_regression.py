"""Figures and explorers of Chapter 4 (Bayesian linear regression).

The explorers fit a line ``y = b + w x`` to the first ``n`` points of one seeded data
set, with a known noise level, and show the posterior: lines drawn from it, the
credible band of the line, the predictive interval for new observations, and the
prior and posterior of the slope ``w``. :func:`explore` computes all of it for one
setting; the live explorer draws it with matplotlib, the static one precomputes a
grid of settings into a plotly figure.
"""

import dataclasses

import numpy as np

from scratchlearn.supervised import BayesianLinearRegression
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

TRUE_INTERCEPT, TRUE_SLOPE = -1.0, 0.8
X_RANGE = (0.0, 4.0)  # where the data lie
GRID = np.linspace(-1.0, 5.0, 41)  # where the lines are drawn: a little beyond
Y_LIMITS = (-6.0, 7.0)
SLOPE_GRID = np.linspace(-3.0, 3.0, 121)
LEVEL = 0.9  # of the credible band and the predictive interval
N_DRAWS = 20

MEAN_COLOUR = "#1f77b4"
DRAW_COLOUR = "#9ecae1"
PREDICTIVE_COLOUR = "#ff7f0e"
PRIOR_COLOUR = "#7f7f7f"
TRUE_COLOUR = "black"
# The explorers' choices: numbers of observed points, prior precisions, noise levels.
N_POINTS = (1, 2, 3, 5, 10, 20, 50, 100, 200)
PRIOR_PRECISIONS = (0.01, 1.0, 100.0)


def true_line(x):
    """The line the data come from."""
    return TRUE_INTERCEPT + TRUE_SLOPE * np.asarray(x)


def line_data(noise_std, n_points=N_POINTS[-1], seed=0):
    """Seeded points ``(x, y)`` of :func:`true_line` plus noise of standard deviation
    ``noise_std``, shapes (n_points,). The first ``n`` points are the same for every
    ``n_points >= n`` and every noise level (only their scale changes), so that the
    explorers add points one by one to the same data set."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(*X_RANGE, size=n_points)
    noise = rng.standard_normal(n_points)
    return x, true_line(x) + noise_std * noise


def normal_density(x, mean, std):
    """The Normal density of mean ``mean`` and standard deviation ``std`` at ``x``."""
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


@dataclasses.dataclass
class Setting:
    """What the explorers show for one setting (see :func:`explore`)."""

    n_points: int
    prior_precision: float
    noise_std: float
    x: np.ndarray  # (n_points,) the observed points
    y: np.ndarray
    mean: np.ndarray  # (2,) the posterior mean line at GRID[0] and GRID[-1]
    band: tuple  # lower, upper (len(GRID),): credible band of the line
    predictive: tuple  # lower, upper (len(GRID),): predictive interval
    draws: np.ndarray  # (N_DRAWS, 2) lines drawn, at GRID[0] and GRID[-1]
    slope_mean: float
    slope_std: float

    def title(self):
        """The setting and what the posterior says about the slope, in words."""
        return (
            f"n = {self.n_points}, prior precision {self.prior_precision:g}, noise "
            f"std {self.noise_std:g}: slope {self.slope_mean:.2f} ± "
            f"{self.slope_std:.2f} (true {TRUE_SLOPE:g})"
        )


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
        n_points=n_points,
        prior_precision=prior_precision,
        noise_std=noise_std,
        x=x,
        y=y,
        mean=model.predict(ends),
        band=model.predict_interval(grid, level=LEVEL, include_noise=False),
        predictive=model.predict_interval(grid, level=LEVEL),
        draws=model.sample_predictions(ends, n_draws=N_DRAWS),
        slope_mean=float(model.coef_[0]),
        slope_std=float(np.sqrt(model.covariance_[0, 0])),
    )


def plot_lines(setting, ax, *, legend=True):
    """The data, lines drawn from the posterior, the posterior mean with its
    credible band, the predictive interval and the true line."""
    percent = f"{LEVEL:.0%}"
    ends = [GRID[0], GRID[-1]]  # the straight lines are drawn between these
    ax.fill_between(
        GRID,
        *setting.band,
        color=MEAN_COLOUR,
        alpha=0.2,
        linewidth=0,
        label=f"{percent} credible band of the line",
    )
    for index, draw in enumerate(setting.draws):
        ax.plot(
            ends,
            draw,
            color=DRAW_COLOUR,
            linewidth=0.8,
            label="lines drawn from the posterior" if index == 0 else None,
        )
    ax.plot(ends, setting.mean, color=MEAN_COLOUR, linewidth=2, label="posterior mean")
    for index, bound in enumerate(setting.predictive):
        ax.plot(
            GRID,
            bound,
            color=PREDICTIVE_COLOUR,
            linestyle="--",
            label=f"{percent} predictive interval" if index == 0 else None,
        )
    ax.plot(GRID, true_line(GRID), ":", color=TRUE_COLOUR, label="true line")
    ax.scatter(setting.x, setting.y, color=TRUE_COLOUR, s=14, zorder=3)
    ax.set_xlim(GRID[0], GRID[-1])
    ax.set_ylim(*Y_LIMITS)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if legend:
        ax.legend(fontsize=7, loc="upper left")
    return ax


def plot_slope(setting, ax):
    """The prior and the posterior density of the slope, and the true slope."""
    prior_std = 1.0 / np.sqrt(setting.prior_precision)
    ax.plot(
        SLOPE_GRID,
        normal_density(SLOPE_GRID, 0.0, prior_std),
        "--",
        color=PRIOR_COLOUR,
        label="prior",
    )
    ax.plot(
        SLOPE_GRID,
        normal_density(SLOPE_GRID, setting.slope_mean, setting.slope_std),
        color=MEAN_COLOUR,
        label="posterior",
    )
    ax.axvline(TRUE_SLOPE, color=TRUE_COLOUR, linestyle=":", label="true slope")
    ax.set_xlabel("slope w")
    ax.set_ylabel("density")
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
    ax.set_xlabel("level of the interval")
    ax.set_ylabel("share of test targets inside")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def live_explorer(*, n_points=N_POINTS, seed=0):
    """ipywidgets controls for the number of observed points, the prior precision
    and the noise level: every change refits and redraws the posterior lines and
    the slope's densities."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    count = widgets.SelectionSlider(
        options=list(n_points), value=5, description="n points"
    )
    prior = widgets.FloatLogSlider(
        value=1.0,
        base=10,
        min=-2,
        max=2,
        step=0.1,
        description="prior prec.",
        readout_format=".3g",
    )
    noise = widgets.FloatSlider(
        value=1.0, min=0.1, max=2.0, step=0.1, description="noise std"
    )
    out = widgets.Output()

    def redraw(_change=None):
        setting = explore(count.value, prior.value, noise.value, seed=seed)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(
                1, 2, figsize=(10, 4.2), width_ratios=[1.5, 1]
            )
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9, wspace=0.2)
        plot_lines(setting, left)
        plot_slope(setting, right)
        fig.suptitle(setting.title(), fontsize=10)
        show_figure_in(out, fig)

    for control in (count, prior, noise):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([count, prior, noise]), out]))


def static_explorer(
    *,
    n_points=N_POINTS,
    prior_precisions=PRIOR_PRECISIONS,
    noise_std=1.0,
    initial=(1, 3),
    seed=0,
    name="bayesian-regression-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu for the prior precision and a slider for the number of observed points.

    ``initial`` gives the indices, into ``prior_precisions`` and ``n_points``, of the
    setting shown first. The noise level is fixed at ``noise_std``.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    settings = {
        (p, k): explore(n, prior, noise_std, seed=seed)
        for p, prior in enumerate(prior_precisions)
        for k, n in enumerate(n_points)
    }
    figure = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.6, 0.4],
        horizontal_spacing=0.12,
        subplot_titles=("lines", "slope: prior (grey) and posterior (blue)"),
    )
    percent = f"{LEVEL:.0%}"
    grid = rounded(GRID)
    # Every trace with its column and when it shows: always ("all",), for one prior
    # ("prior", p), or for one setting ("setting", p, k).
    traces = [
        (
            go.Scatter(
                x=grid,
                y=rounded(true_line(GRID)),
                mode="lines",
                name="true line",
                line={"color": TRUE_COLOUR, "dash": "dot"},
                hoverinfo="skip",
            ),
            1,
            ("all",),
        ),
    ]
    for p, prior in enumerate(prior_precisions):
        prior_density = normal_density(SLOPE_GRID, 0.0, 1.0 / np.sqrt(prior))
        traces.append(
            (
                go.Scatter(
                    x=rounded(SLOPE_GRID),
                    y=rounded(prior_density),
                    mode="lines",
                    showlegend=False,
                    line={"color": PRIOR_COLOUR, "dash": "dash"},
                    hovertemplate="prior density %{y:.3f}<extra></extra>",
                ),
                2,
                ("prior", p),
            )
        )
        for k in range(len(n_points)):
            setting = settings[p, k]
            key = ("setting", p, k)
            band = go.Scatter(
                x=np.concatenate([grid, grid[::-1]]),
                y=rounded(np.concatenate([setting.band[1], setting.band[0][::-1]])),
                fill="toself",
                fillcolor="rgba(31, 119, 180, 0.2)",
                line={"width": 0},
                name=f"{percent} credible band of the line",
                hoverinfo="skip",
            )
            # All the drawn lines as one trace, separated by gaps (None).
            draws_x = [GRID[0], GRID[-1], None] * N_DRAWS
            draws_y = [
                value
                for draw in rounded(setting.draws)
                for value in (*draw.tolist(), None)
            ]
            draws = go.Scatter(
                x=draws_x,
                y=draws_y,
                mode="lines",
                line={"color": DRAW_COLOUR, "width": 1},
                name="lines drawn from the posterior",
                hoverinfo="skip",
            )
            predictive = go.Scatter(
                x=[*grid, None, *grid],
                y=[
                    *rounded(setting.predictive[0]),
                    None,
                    *rounded(setting.predictive[1]),
                ],
                mode="lines",
                line={"color": PREDICTIVE_COLOUR, "dash": "dash"},
                name=f"{percent} predictive interval",
                hoverinfo="skip",
            )
            mean = go.Scatter(
                x=[GRID[0], GRID[-1]],
                y=rounded(setting.mean),
                mode="lines",
                line={"color": MEAN_COLOUR, "width": 2},
                name="posterior mean",
                hovertemplate="x %{x:.2f}: y %{y:.2f}<extra></extra>",
            )
            points = go.Scatter(
                x=rounded(setting.x),
                y=rounded(setting.y),
                mode="markers",
                marker={"color": TRUE_COLOUR, "size": 6},
                name="observed points",
                hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>",
            )
            posterior = go.Scatter(
                x=rounded(SLOPE_GRID),
                y=rounded(
                    normal_density(SLOPE_GRID, setting.slope_mean, setting.slope_std)
                ),
                mode="lines",
                line={"color": MEAN_COLOUR},
                showlegend=False,
                hovertemplate="slope %{x:.2f}: density %{y:.3f}<extra></extra>",
            )
            for trace in (band, draws, predictive, mean, points):
                traces.append((trace, 1, key))
            traces.append((posterior, 2, key))

    for trace, col, _ in traces:
        figure.add_trace(trace, row=1, col=col)

    def visibility(p, k):
        shown = (("all",), ("prior", p), ("setting", p, k))
        return [key in shown for _, _, key in traces]

    def slider(p, k):
        # A step restyles only this prior's settings (the third argument lists
        # them): the page stays small, as the other traces keep their visibility.
        indices = [
            index
            for index, (_, _, key) in enumerate(traces)
            if key[:2] == ("setting", p)
        ]
        return {
            "active": k,
            "currentvalue": {
                "prefix": f"prior precision {prior_precisions[p]:g}, n = "
            },
            "y": -0.36,
            "pad": {"t": 10},
            "steps": [
                {
                    "label": str(n),
                    "method": "update",
                    "args": [
                        {"visible": [traces[index][2][2] == step for index in indices]},
                        {"title.text": settings[p, step].title()},
                        indices,
                    ],
                }
                for step, n in enumerate(n_points)
            ],
        }

    def menu_button(p, k):
        return {
            "label": f"prior precision {prior_precisions[p]:g}",
            "method": "update",
            "args": [
                {"visible": visibility(p, k)},
                {"sliders": [slider(p, k)], "title.text": settings[p, k].title()},
            ],
        }

    p, k = initial
    for trace, shown in zip(figure.data, visibility(p, k), strict=True):
        trace.visible = shown
    figure.update_xaxes(title_text="x", range=[GRID[0], GRID[-1]], row=1, col=1)
    figure.update_yaxes(title_text="y", range=list(Y_LIMITS), row=1, col=1)
    figure.update_xaxes(
        title_text="slope w", range=[SLOPE_GRID[0], SLOPE_GRID[-1]], row=1, col=2
    )
    figure.update_yaxes(title_text="density", rangemode="tozero", row=1, col=2)
    figure.update_layout(
        # The true slope: a vertical line across the right panel, whatever its scale.
        shapes=[
            {
                "type": "line",
                "xref": "x2",
                "yref": "y2 domain",
                "x0": TRUE_SLOPE,
                "x1": TRUE_SLOPE,
                "y0": 0,
                "y1": 1,
                "line": {"color": TRUE_COLOUR, "dash": "dot"},
            }
        ],
        title={
            "text": settings[p, k].title(),
            "font": {"size": 13},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.9,
            "yanchor": "top",
        },
        height=700,
        margin={"t": 120, "b": 230},
        # Below the panels, one entry per kind of line (only the shown setting's
        # traces are visible, so each kind appears once); the slider below it.
        legend={
            "font": {"size": 11},
            "orientation": "h",
            "x": 0,
            "y": -0.17,
            "yanchor": "top",
        },
        sliders=[slider(p, k)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.3,
                "yanchor": "top",
                "active": p,
                # A new prior keeps the number of points shown first: a menu cannot
                # read the slider's position.
                "buttons": [
                    menu_button(index, k) for index in range(len(prior_precisions))
                ],
            }
        ],
    )
    return PlotlyFigure(figure, name)
