"""Figures and explorer of Chapter 13 (gradient boosting).

On a one-feature regression problem the boosting stages can be watched: each tree is
fitted to what the model so far gets wrong (the residuals), and the model creeps
towards the data one shrunk step at a time.
"""

import numpy as np

from scratchlearn.supervised.experiments import boosting_stages, staged_fits
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import (
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
    chosen_line,
    curve,
    data_points,
)

DATA, MODEL, TREE = "0.35", TRAIN_COLOUR, VALIDATION_COLOUR
# What the live explorer offers beyond the precomputed settings.
LEARNING_RATES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]
SUBSAMPLES = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def plot_stages(X, y, *, stages=(1, 2, 5, 50), learning_rate=0.3, max_depth=2):
    """A row per chosen stage ``m``: left, the residuals ``y - F_{m-1}`` and the
    tree ``h_m`` fitted to them; right, the data and the model ``F_m`` after it.

    ``X`` has one feature. Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    grid = np.linspace(X.min(), X.max(), 400)[:, np.newaxis]  # (400, 1)
    fits, train, trees, mse = boosting_stages(
        X, y, grid, max(stages), learning_rate=learning_rate, max_depth=max_depth
    )
    fig, axes = plt.subplots(
        len(stages), 2, figsize=(11, 2.3 * len(stages)), sharex=True
    )
    for (left, right), m in zip(axes, stages, strict=True):
        left.scatter(X[:, 0], y - train[m - 1], s=10, color=DATA)
        left.plot(grid[:, 0], trees[m - 1], color=TREE, lw=2)
        left.axhline(0, color="0.8", lw=0.8, zorder=0)
        left.set_ylabel(f"stage {m}")
        left.set_title(f"residuals y - F$_{{{m - 1}}}$ and tree h$_{{{m}}}$", size=9)
        right.scatter(X[:, 0], y, s=10, color=DATA)
        right.plot(grid[:, 0], fits[m - 1], color="0.6", lw=1, ls="--")
        right.plot(grid[:, 0], fits[m], color=MODEL, lw=2)
        right.set_title(
            f"F$_{{{m}}}$ = F$_{{{m - 1}}}$ + {learning_rate} h$_{{{m}}}$ (dashed: "
            f"F$_{{{m - 1}}}$); training MSE {mse[m]:.3f}",
            size=9,
        )
    for ax in axes[-1]:
        ax.set_xlabel("x")
    fig.tight_layout()
    return fig


def explorer(X_train, y_train, X_test, y_test, *, max_trees=200, resolution=100):
    """The data and the model after ``n_estimators`` trees (left), the training and
    test MSE after every tree (right, log scale), for a learning rate, a tree depth
    and a subsample."""
    import plotly.graph_objects as go

    grid = np.linspace(X_train.min(), X_train.max(), resolution)[:, np.newaxis]
    fits = staged_fits(X_train, y_train, X_test, y_test, grid, max_trees)

    def points(X, y, name, symbol):
        return data_points(X[:, 0], y, name, "grey", size=5, symbol=symbol)

    def draw(learning_rate, max_depth, subsample, n_estimators):
        curves, train, test = fits(learning_rate, max_depth, subsample)
        n = n_estimators
        # The grid is evenly spaced: x0 and dx instead of x halve the stored figure.
        x0, dx = grid[0, 0], grid[1, 0] - grid[0, 0]
        line = {"color": "black"}
        model = go.Scatter(
            x0=x0, dx=dx, y=curves[n - 1], mode="lines", line=line, name="model"
        )
        best = int(np.argmin(test)) + 1
        return View(
            [
                points(X_train, y_train, "training data", "circle"),
                points(X_test, y_test, "test data", "x-thin-open"),
                model,
                (curve(train, name="training MSE", colour=TRAIN_COLOUR), 2),
                (curve(test, name="test MSE", colour=VALIDATION_COLOUR), 2),
            ],
            title=(
                f"{n} tree{'s' * (n > 1)}: training MSE {train[n - 1]:.3f}, test "
                f"MSE {test[n - 1]:.3f} (best test MSE {test.min():.3f}, after "
                f"{best} tree{'s' * (best > 1)})"
            ),
            layout={"shapes": [chosen_line(n, color="grey", width=None)]},
        )

    trees = [n for n in (1, 2, 5, 10, 20, 50, 100, 200) if n <= max_trees]
    return Explorer(
        [
            Control("learning_rate", [0.05, 0.3, 1.0], live_values=LEARNING_RATES),
            Control("max_depth", [2, 4], live_values=[1, 2, 3, 4, 5], start=2),
            Control("subsample", [1.0], live_values=SUBSAMPLES),
            Control("n_estimators", trees, live_values=range(1, max_trees + 1)),
        ],
        draw,
        name="gradient-boosting-explorer",
        panels=(1, 2),
        subplot_titles=["the data and the model", "error after each tree"],
        axis_titles=[("x", "y"), ("number of trees", "mean squared error")],
        layout={
            "xaxis2.type": "log",
            "xaxis2.tickvals": trees,
            "yaxis2.type": "log",
            "yaxis2.range": [-3, 0],  # 0.001 to 1
            "yaxis2.dtick": 1,  # a label per power of ten
        },
        description=(
            "Gradient boosting on one feature: the model after a number of trees, "
            "and its training and test mean squared error after every tree"
        ),
    )
