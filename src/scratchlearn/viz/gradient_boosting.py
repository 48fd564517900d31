"""Figures and explorers of Chapter 13 (gradient boosting).

On a one-feature regression problem the boosting stages can be watched: each tree is
fitted to what the model so far gets wrong (the residuals), and the model creeps
towards the data one shrunk step at a time. The explorers change the number of
trees, the learning rate, the depth of the trees and the subsample, and show the fit
and the staged training and test errors.
"""

import numpy as np

from scratchlearn.supervised import GradientBoostingRegressor
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

OURS, THEIRS, DATA = "tab:blue", "tab:orange", "0.35"
STAGES = (1, 2, 5, 50)


def plot_stages(X, y, *, stages=STAGES, learning_rate=0.3, max_depth=2):
    """A row per chosen stage ``m``: left, the residuals ``y - F_{m-1}`` and the
    tree ``h_m`` fitted to them; right, the data and the model ``F_m`` after it.

    ``X`` has one feature. Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    model = GradientBoostingRegressor(
        n_estimators=max(stages), learning_rate=learning_rate, max_depth=max_depth
    ).fit(X, y)
    grid = np.linspace(X.min(), X.max(), 400)[:, np.newaxis]  # (400, 1)
    fits = [np.full(len(grid), model.initial_estimate_)]
    fits += list(model.staged_predict(grid))  # fits[m] is F_m on the grid
    train = [np.full(len(y), model.initial_estimate_)]
    train += list(model.staged_predict(X))
    fig, axes = plt.subplots(
        len(stages), 2, figsize=(11, 2.3 * len(stages)), sharex=True
    )
    for row, stage in zip(axes, stages, strict=True):
        residuals = y - train[stage - 1]
        tree = model.estimators_[stage - 1][0]
        row[0].scatter(X[:, 0], residuals, s=10, color=DATA)
        row[0].plot(grid[:, 0], tree.predict(grid), color="tab:red", lw=2)
        row[0].axhline(0, color="0.8", lw=0.8, zorder=0)
        row[0].set_ylabel(f"stage {stage}")
        row[0].set_title(
            f"residuals y - F$_{{{stage - 1}}}$ and tree h$_{{{stage}}}$", fontsize=9
        )
        row[1].scatter(X[:, 0], y, s=10, color=DATA)
        row[1].plot(grid[:, 0], fits[stage - 1], color="0.6", lw=1, ls="--")
        row[1].plot(grid[:, 0], fits[stage], color=OURS, lw=2)
        mse = np.mean((y - train[stage]) ** 2)
        row[1].set_title(
            f"F$_{{{stage}}}$ = F$_{{{stage - 1}}}$ + {learning_rate} h$_{{{stage}}}$"
            f" (dashed: F$_{{{stage - 1}}}$); training MSE {mse:.3f}",
            fontsize=9,
        )
    axes[-1, 0].set_xlabel("x")
    axes[-1, 1].set_xlabel("x")
    fig.tight_layout()
    return fig


def staged_errors(model, X, y):
    """Mean squared error (regressor) or error rate (classifier) after each stage."""
    if hasattr(model, "predict_proba"):
        return np.array([np.mean(p != y) for p in model.staged_predict(X)])
    return np.array([np.mean((y - p) ** 2) for p in model.staged_predict(X)])


def plot_staged_error(curves, ax, *, ylabel="test error"):
    """Draw ``{label: staged errors}`` as lines against the number of trees."""
    styles = [{"color": OURS, "lw": 2.5}, {"color": THEIRS, "lw": 1.2, "ls": "--"}]
    for index, (label, errors) in enumerate(curves.items()):
        style = styles[index % len(styles)]
        ax.plot(np.arange(1, len(errors) + 1), errors, label=label, **style)
    ax.set_xlabel("number of trees")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


class _StagedFits:
    """The fits of every stage of one model, kept so that moving the
    ``n_estimators`` slider needs no refit: stage ``n`` is the model with n trees."""

    def __init__(self, X_train, y_train, X_test, y_test, grid, max_trees):
        self.data = (X_train, y_train, X_test, y_test)
        self.grid = grid
        self.max_trees = max_trees
        self.cache = {}

    def get(self, learning_rate, max_depth, subsample):
        key = (learning_rate, max_depth, subsample)
        if key not in self.cache:
            X_train, y_train, X_test, y_test = self.data
            model = GradientBoostingRegressor(
                n_estimators=self.max_trees,
                learning_rate=learning_rate,
                max_depth=max_depth,
                subsample=subsample,
                random_state=0,
            ).fit(X_train, y_train)
            self.cache = {  # keep one model: the sliders rarely come back
                key: (
                    np.array(list(model.staged_predict(self.grid))),
                    staged_errors(model, X_train, y_train),
                    staged_errors(model, X_test, y_test),
                )
            }
        return self.cache[key]


def live_explorer(X_train, y_train, X_test, y_test, *, max_trees=100):
    """ipywidgets controls for ``n_estimators``, ``learning_rate``, ``max_depth``
    and ``subsample`` on a one-feature regression. Left, the data and the fit;
    right, the training and test MSE against the number of trees."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    grid = np.linspace(X_train.min(), X_train.max(), 300)[:, np.newaxis]
    fits = _StagedFits(X_train, y_train, X_test, y_test, grid, max_trees)
    style = {"description_width": "initial"}
    n_trees = widgets.IntSlider(
        value=20, min=1, max=max_trees, description="n_estimators", style=style
    )
    rate = widgets.FloatLogSlider(
        value=0.1,
        base=10,
        min=-2,
        max=0,
        step=0.25,
        description="learning_rate",
        style=style,
        continuous_update=False,
    )
    depth = widgets.IntSlider(
        value=2, min=1, max=4, description="max_depth", continuous_update=False
    )
    subsample = widgets.FloatSlider(
        value=1.0,
        min=0.2,
        max=1.0,
        step=0.1,
        description="subsample",
        continuous_update=False,
    )
    out = widgets.Output()

    def redraw(_change=None):
        curves, train_mse, test_mse = fits.get(
            round(rate.value, 4), depth.value, round(subsample.value, 2)
        )
        n = n_trees.value
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
        left.scatter(X_train[:, 0], y_train, s=10, color=DATA, label="training data")
        left.scatter(
            X_test[:, 0], y_test, s=10, color=DATA, marker="x", label="test data"
        )
        left.plot(grid[:, 0], curves[n - 1], color=OURS, lw=2, label=f"{n} trees")
        left.set_xlabel("x")
        left.legend(loc="upper right", fontsize=8)
        stages = np.arange(1, len(train_mse) + 1)
        right.plot(stages, train_mse, color=OURS, label="training MSE")
        right.plot(stages, test_mse, color=THEIRS, label="test MSE")
        right.axvline(n, color="0.5", ls=":")
        right.set_xlabel("number of trees")
        right.set_yscale("log")
        right.legend()
        fig.suptitle(
            f"{n} trees: training MSE {train_mse[n - 1]:.3f}, "
            f"test MSE {test_mse[n - 1]:.3f} (best test MSE "
            f"{test_mse.min():.3f} at {int(np.argmin(test_mse)) + 1} trees)",
            fontsize=10,
        )
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in (n_trees, rate, depth, subsample):
        control.observe(redraw, names="value")
    redraw()
    display(
        widgets.VBox(
            [widgets.HBox([n_trees, rate]), widgets.HBox([depth, subsample]), out]
        )
    )


def static_explorer(
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    learning_rates=(0.05, 0.3, 1.0),
    n_trees=(1, 2, 3, 5, 10, 20, 50, 100, 200),
    max_depth=2,
    name="gradient-boosting-explorer",
):
    """The explorer precomputed for the static site: one panel per learning rate,
    a slider over the number of trees, the test MSE of each panel in its title."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    grid = np.linspace(X_train.min(), X_train.max(), 150)[:, np.newaxis]
    figure = make_subplots(
        rows=1,
        cols=len(learning_rates),
        shared_yaxes=True,
        subplot_titles=[f"learning_rate = {rate}" for rate in learning_rates],
    )
    for col in range(1, len(learning_rates) + 1):
        figure.add_trace(
            go.Scatter(
                x=rounded(X_train[:, 0], 3),
                y=rounded(y_train, 3),
                mode="markers",
                marker={"color": "grey", "size": 4},
                name="training data",
                showlegend=col == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
    n_fixed = len(learning_rates)
    test_mse = np.zeros((len(learning_rates), len(n_trees)))
    for col, rate in enumerate(learning_rates, start=1):
        model = GradientBoostingRegressor(
            n_estimators=max(n_trees), learning_rate=rate, max_depth=max_depth
        ).fit(X_train, y_train)
        staged_grid = list(model.staged_predict(grid))
        errors = staged_errors(model, X_test, y_test)
        for step, n in enumerate(n_trees):
            test_mse[col - 1, step] = errors[n - 1]
            figure.add_trace(
                go.Scatter(
                    x=rounded(grid[:, 0], 3),
                    y=rounded(staged_grid[n - 1], 3),
                    mode="lines",
                    line={"color": "#1f77b4", "width": 2.5},
                    name="model",
                    showlegend=False,
                    visible=False,
                ),
                row=1,
                col=col,
            )
    n_steps = len(n_trees)

    def visible(step):
        flags = [True] * n_fixed
        for _ in learning_rates:
            flags += [index == step for index in range(n_steps)]
        return flags

    def title(step):
        scores = ", ".join(
            f"rate {rate}: {test_mse[index, step]:.3f}"
            for index, rate in enumerate(learning_rates)
        )
        return f"{n_trees[step]} trees of depth {max_depth}; test MSE {scores}"

    start = n_trees.index(10) if 10 in n_trees else 0
    for index, flag in enumerate(visible(start)):
        figure.data[index].visible = flag
    steps = [
        {
            "label": str(n),
            "method": "update",
            "args": [{"visible": visible(step)}, {"title.text": title(step)}],
        }
        for step, n in enumerate(n_trees)
    ]
    figure.update_layout(
        title={"text": title(start), "font": {"size": 12}},
        height=430,
        margin={"t": 90},
        sliders=[
            {
                "active": start,
                "currentvalue": {"prefix": "n_estimators = "},
                "pad": {"t": 40},
                "steps": steps,
            }
        ],
    )
    return PlotlyFigure(figure, name)
