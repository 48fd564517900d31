"""Figures and explorers of Chapter 14 (XGBoost).

The pictures use one feature so that a model is a curve: boosting rounds adding up,
the second-order (Taylor) approximation of the log loss, and how ``reg_lambda``
shrinks the steps of a tree while ``gamma`` removes them. The explorers change
``reg_lambda``, ``gamma``, ``max_depth``, ``learning_rate`` and ``n_estimators``
(ipywidgets sliders with a kernel; a plotly slider over precomputed settings on the
static site).
"""

import numpy as np

from scratchlearn.metrics import mean_squared_error
from scratchlearn.supervised import XGBoostRegressor
from scratchlearn.supervised.xgboost import logistic_gradients
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

BLUE, ORANGE, GREEN, RED = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"


def noisy_wave(n_samples=200, seed=0):
    """One feature in [0, 10] and a noisy wave ``sin(x) + x / 5 + noise``, seeded."""
    rng = np.random.default_rng(seed)
    X = np.sort(rng.uniform(0.0, 10.0, size=n_samples))[:, np.newaxis]  # (n, 1)
    y = np.sin(X[:, 0]) + X[:, 0] / 5 + rng.normal(scale=0.3, size=n_samples)
    return X, y


def _grid(X, n_points=300):
    low, high = X[:, 0].min(), X[:, 0].max()
    return np.linspace(low, high, n_points)[:, np.newaxis]  # (n_points, 1)


def plot_rounds(X, y, ax, rounds=(1, 3, 10, 100), **params):
    """Data and the model after several numbers of boosting rounds."""
    grid = _grid(X)
    ax.scatter(X[:, 0], y, s=10, color="0.6", label="data")
    colours = [ORANGE, GREEN, RED, BLUE]
    for n_rounds, colour in zip(rounds, colours, strict=False):
        model = XGBoostRegressor(n_rounds, **params).fit(X, y)
        ax.step(
            grid[:, 0],
            model.predict(grid),
            where="mid",
            color=colour,
            label=f"{n_rounds} round{'s' if n_rounds > 1 else ''}",
        )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8)
    return ax


def plot_taylor(ax, margins_at=(-1.0, 1.5)):
    """The log loss of a positive sample against its margin, and its second-order
    approximations at two margins, with the minimum of each (the Newton step)."""
    m = np.linspace(-4.0, 4.0, 400)
    ax.plot(m, np.logaddexp(0.0, -m), color="k", lw=2, label="log loss, y = 1")
    for m0, colour in zip(margins_at, (ORANGE, BLUE), strict=True):
        loss0 = np.logaddexp(0.0, -m0)
        g, h = logistic_gradients(np.array([1.0]), np.array([m0]))
        g, h = g[0], h[0]
        step = m - m0
        ax.plot(
            m,
            loss0 + g * step + h * step**2 / 2,
            color=colour,
            ls="--",
            label=f"quadratic at margin {m0:g}",
        )
        newton = m0 - g / h
        ax.plot([m0], [loss0], "o", color=colour)
        ax.annotate(
            "",
            xy=(newton, loss0 - g**2 / (2 * h)),
            xytext=(m0, loss0),
            arrowprops={"arrowstyle": "->", "color": colour},
        )
    ax.set_ylim(-0.5, 4.5)
    ax.set_xlabel("margin (current prediction, a logit)")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    return ax


def plot_lambda_gamma(X, y, axes, lambdas=(0.0, 10.0, 100.0), gammas=(0.0, 2.0, 8.0)):
    """One tree of depth 4 (learning rate 1) for several ``reg_lambda`` (left) and
    several ``gamma`` (right): lambda pulls the leaves towards the base score,
    gamma merges leaves whose split gained less than it."""
    grid = _grid(X)
    one_tree = dict(n_estimators=1, max_depth=4, learning_rate=1.0)
    colours = (BLUE, ORANGE, RED)
    for ax in axes:
        ax.scatter(X[:, 0], y, s=8, color="0.75")
        ax.set_xlabel("x")
    for reg_lambda, colour in zip(lambdas, colours, strict=True):
        model = XGBoostRegressor(**one_tree, reg_lambda=reg_lambda).fit(X, y)
        axes[0].step(
            grid[:, 0],
            model.predict(grid),
            where="mid",
            color=colour,
            label=f"reg_lambda = {reg_lambda:g}",
        )
    axes[0].axhline(y.mean(), color="0.4", lw=0.8, ls=":", label="base score")
    for gamma, colour in zip(gammas, colours, strict=True):
        model = XGBoostRegressor(**one_tree, reg_lambda=1.0, gamma=gamma).fit(X, y)
        n_leaves = model.estimators_[0][0].n_leaves
        axes[1].step(
            grid[:, 0],
            model.predict(grid),
            where="mid",
            color=colour,
            label=f"gamma = {gamma:g}: {n_leaves} leaves",
        )
    axes[0].set_title("reg_lambda shrinks every leaf", fontsize=10)
    axes[1].set_title("gamma removes weak splits (reg_lambda = 1)", fontsize=10)
    axes[0].set_ylabel("y")
    for ax in axes:
        ax.legend(fontsize=8)
    return axes


def describe(model, X_train, y_train, X_val, y_val):
    """One line: the number of leaves and both mean squared errors."""
    n_leaves = sum(trees[0].n_leaves for trees in model.estimators_)
    train = mean_squared_error(y_train, model.predict(X_train))
    val = mean_squared_error(y_val, model.predict(X_val))
    return f"{n_leaves} leaves in all; MSE train {train:.3f}, validation {val:.3f}"


def live_explorer(X_train, y_train, X_val, y_val):
    """ipywidgets sliders for reg_lambda, gamma, max_depth, learning_rate and
    n_estimators; every change refits and redraws the curve."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    wide = {"description_width": "initial"}
    controls = {
        "reg_lambda": widgets.FloatLogSlider(
            value=1.0, base=10, min=-2, max=3, description="reg_lambda", style=wide
        ),
        "gamma": widgets.FloatSlider(
            value=0.0, min=0.0, max=10.0, step=0.25, description="gamma", style=wide
        ),
        "max_depth": widgets.IntSlider(
            value=3, min=1, max=6, description="max_depth", style=wide
        ),
        "learning_rate": widgets.FloatSlider(
            value=0.3,
            min=0.05,
            max=1.0,
            step=0.05,
            description="learning_rate",
            style=wide,
        ),
        "n_estimators": widgets.IntSlider(
            value=20, min=1, max=100, description="n_estimators", style=wide
        ),
    }
    out = widgets.Output()
    grid = _grid(np.vstack([X_train, X_val]))

    def redraw(_change=None):
        params = {name: control.value for name, control in controls.items()}
        model = XGBoostRegressor(**params).fit(X_train, y_train)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, ax = plt.subplots(figsize=(9, 4))
        ax.scatter(X_train[:, 0], y_train, s=10, color="0.6", label="training")
        ax.scatter(X_val[:, 0], y_val, s=10, color=GREEN, alpha=0.5, label="validation")
        ax.step(
            grid[:, 0],
            model.predict(grid),
            where="mid",
            color=BLUE,
            lw=2,
            label="model",
        )
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(fontsize=8, loc="upper left")
        ax.set_title(describe(model, X_train, y_train, X_val, y_val), fontsize=10)
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    rows = list(controls.values())
    display(widgets.VBox([widgets.HBox(rows[:3]), widgets.HBox(rows[3:]), out]))


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    lambdas=(0.0, 1.0, 10.0, 100.0),
    gammas=(0.0, 1.0, 4.0),
    n_estimators=20,
    max_depth=3,
    learning_rate=0.3,
    name="xgboost-explorer",
):
    """The live explorer precomputed for the static site: a plotly slider over
    combinations of ``reg_lambda`` and ``gamma`` (the other settings fixed)."""
    import plotly.graph_objects as go

    grid = _grid(np.vstack([X_train, X_val]), n_points=200)
    settings = [(reg_lambda, gamma) for gamma in gammas for reg_lambda in lambdas]
    traces, titles = [], []
    for reg_lambda, gamma in settings:
        model = XGBoostRegressor(
            n_estimators,
            max_depth=max_depth,
            learning_rate=learning_rate,
            reg_lambda=reg_lambda,
            gamma=gamma,
        ).fit(X_train, y_train)
        traces.append(
            go.Scatter(
                x=rounded(grid[:, 0], 3),
                y=rounded(model.predict(grid), 3),
                mode="lines",
                line={"shape": "hvh", "color": BLUE, "width": 2},
                name="model",
                visible=False,
            )
        )
        titles.append(
            f"reg_lambda = {reg_lambda:g}, gamma = {gamma:g}: "
            + describe(model, X_train, y_train, X_val, y_val)
        )
    n_curves = len(traces)
    for X, y, label, colour in [
        (X_train, y_train, "training", "#999999"),
        (X_val, y_val, "validation", GREEN),
    ]:
        traces.append(
            go.Scatter(
                x=rounded(X[:, 0], 3),
                y=rounded(y, 3),
                mode="markers",
                name=label,
                marker={"color": colour, "size": 5},
            )
        )
    start = 1  # reg_lambda = 1, gamma = 0: xgboost's defaults
    traces[start].visible = True
    steps = [
        {
            "label": f"λ={reg_lambda:g}, γ={gamma:g}",
            "method": "update",
            "args": [
                {"visible": [index == step for index in range(n_curves)]},
                {"title.text": titles[step]},
                list(range(n_curves)),
            ],
        }
        for step, (reg_lambda, gamma) in enumerate(settings)
    ]
    figure = go.Figure(traces)
    figure.update_layout(
        title={"text": titles[start], "font": {"size": 12}},
        height=520,
        xaxis={"title": "x"},
        yaxis={"title": "y"},
        sliders=[
            {
                "active": start,
                "currentvalue": {
                    "prefix": f"{n_estimators} trees of depth {max_depth}, "
                    f"learning_rate {learning_rate:g}: "
                },
                "pad": {"t": 40},
                "steps": steps,
            }
        ],
    )
    return PlotlyFigure(figure, name)
