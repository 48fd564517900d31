"""Figures and explorer of Chapter 14 (XGBoost).

The pictures use one feature so that a model is a curve: boosting rounds adding up,
the second-order (Taylor) approximation of the log loss, and how ``reg_lambda``
shrinks the steps of a tree while ``gamma`` removes them.
"""

import numpy as np

from scratchlearn.supervised.experiments import grid_along, xgboost_fit
from scratchlearn.supervised.xgboost import logistic_gradients
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, data_points

BLUE, ORANGE, GREEN, RED = COLOURS[:4]
# What the live explorer offers beyond the precomputed settings.
GAMMAS = np.arange(0.0, 10.5, 0.5).tolist()
LEARNING_RATES = np.round(np.arange(0.05, 1.01, 0.05), 2).tolist()
LAMBDAS = [0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]


def plot_rounds(X, y, ax, rounds=(1, 3, 10, 100), **params):
    """Data and the model after several numbers of boosting rounds."""
    grid = grid_along(X)
    ax.scatter(X[:, 0], y, s=10, color="0.6", label="data")
    for n_rounds, colour in zip(rounds, [ORANGE, GREEN, RED, BLUE], strict=False):
        prediction = xgboost_fit(X, y, grid, n_estimators=n_rounds, **params)[0]
        label = f"{n_rounds} round{'s' if n_rounds > 1 else ''}"
        ax.step(grid[:, 0], prediction, where="mid", color=colour, label=label)
    ax.set(xlabel="x", ylabel="y")
    ax.legend(fontsize=8)
    return ax


def plot_taylor(ax, margins_at=(-1.0, 1.5)):
    """The log loss of a positive sample against its margin, and its second-order
    approximations at two margins, with the minimum of each (the Newton step)."""
    m = np.linspace(-4.0, 4.0, 400)
    ax.plot(m, np.logaddexp(0.0, -m), color="k", lw=2, label="log loss, y = 1")
    for m0, colour in zip(margins_at, (ORANGE, BLUE), strict=True):
        loss0 = np.logaddexp(0.0, -m0)
        g, h = (value[0] for value in logistic_gradients(np.ones(1), np.array([m0])))
        quadratic = loss0 + g * (m - m0) + h * (m - m0) ** 2 / 2
        ax.plot(m, quadratic, color=colour, ls="--", label=f"quadratic at {m0:g}")
        ax.plot([m0], [loss0], "o", color=colour)
        newton = (m0 - g / h, loss0 - g**2 / (2 * h))  # the quadratic's minimum
        arrow = {"arrowstyle": "->", "color": colour}
        ax.annotate("", xy=newton, xytext=(m0, loss0), arrowprops=arrow)
    ax.set(ylim=(-0.5, 4.5), xlabel="margin (current prediction, a logit)")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    return ax


def plot_lambda_gamma(X, y, axes, lambdas=(0.0, 10.0, 100.0), gammas=(0.0, 2.0, 8.0)):
    """One tree of depth 4 (learning rate 1) for several ``reg_lambda`` (left) and
    several ``gamma`` (right): lambda pulls the leaves towards the base score,
    gamma merges leaves whose split gained less than it."""
    grid = grid_along(X)
    one_tree = dict(n_estimators=1, max_depth=4, learning_rate=1.0)
    for ax in axes:
        ax.scatter(X[:, 0], y, s=8, color="0.75")
        ax.set_xlabel("x")
    for reg_lambda, colour in zip(lambdas, (BLUE, ORANGE, RED), strict=True):
        prediction, _, _ = xgboost_fit(X, y, grid, **one_tree, reg_lambda=reg_lambda)
        label = f"reg_lambda = {reg_lambda:g}"
        axes[0].step(grid[:, 0], prediction, where="mid", color=colour, label=label)
    axes[0].axhline(y.mean(), color="0.4", lw=0.8, ls=":", label="base score")
    for gamma, colour in zip(gammas, (BLUE, ORANGE, RED), strict=True):
        prediction, n_leaves, _ = xgboost_fit(X, y, grid, **one_tree, gamma=gamma)
        label = f"gamma = {gamma:g}: {n_leaves} leaves"
        axes[1].step(grid[:, 0], prediction, where="mid", color=colour, label=label)
    axes[0].set_title("reg_lambda shrinks every leaf", fontsize=10)
    axes[1].set_title("gamma removes weak splits (reg_lambda = 1)", fontsize=10)
    axes[0].set_ylabel("y")
    for ax in axes:
        ax.legend(fontsize=8)
    return axes


def describe(n_leaves, errors):
    """One line: the number of leaves and both mean squared errors."""
    train, val = errors
    return f"{n_leaves} leaves in all; MSE train {train:.3f}, validation {val:.3f}"


def explorer(X_train, y_train, X_val, y_val, *, resolution=200):
    """The training and validation points and the model (a step curve) for
    ``gamma``, ``max_depth``, ``learning_rate``, ``n_estimators`` and
    ``reg_lambda``; every setting refits."""
    import plotly.graph_objects as go

    grid = grid_along(np.vstack([X_train, X_val]), resolution)

    def draw(gamma, max_depth, learning_rate, n_estimators, reg_lambda):
        prediction, n_leaves, errors = xgboost_fit(
            X_train,
            y_train,
            grid,
            (X_val, y_val),
            n_estimators=n_estimators,
            max_depth=max_depth,
            learning_rate=learning_rate,
            reg_lambda=reg_lambda,
            gamma=gamma,
        )
        # The grid is evenly spaced: x0 and dx instead of x halve the stored figure.
        curve = go.Scatter(
            x0=grid[0, 0],
            dx=grid[1, 0] - grid[0, 0],
            y=prediction,
            mode="lines",
            line={"shape": "hvh", "color": BLUE, "width": 2},
            name="model",
        )
        return View(
            [
                data_points(X_train[:, 0], y_train, "training", "#999999", size=5),
                data_points(X_val[:, 0], y_val, "validation", GREEN, size=5),
                curve,
            ],
            title=(
                f"reg_lambda = {reg_lambda:g}, gamma = {gamma:g}: "
                + describe(n_leaves, errors)
            ),
        )

    return Explorer(
        [
            Control("gamma", [0.0, 1.0, 4.0], live_values=GAMMAS, start=0.0),
            Control("max_depth", [3, 6], live_values=range(1, 7), start=3),
            Control("learning_rate", [0.3], live_values=LEARNING_RATES),
            Control("n_estimators", [20], live_values=range(1, 101)),
            Control(
                "reg_lambda", [0.0, 1.0, 10.0, 100.0], live_values=LAMBDAS, start=1.0
            ),
        ],
        draw,
        name="xgboost-explorer",
        axis_titles=[("x", "y")],
        description=(
            "XGBoost on one feature: the training and validation points and the "
            "model's step curve, for reg_lambda, gamma and the tree depth"
        ),
    )
