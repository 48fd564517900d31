"""Figures and the explorer of Chapter 3 (ridge, lasso and elastic net).

The explorer fits an elastic net, ``ElasticNet(alpha, l1_ratio)``, on training data
and scores it on validation data. For one ``l1_ratio``, :func:`regularization_path`
fits it for the whole grid :data:`ALPHAS` at once (warm-started, so fast); every
``alpha`` the explorer offers is on that grid, so a setting is read off its path.
"""

import dataclasses
import functools

import numpy as np

from scratchlearn.supervised import ElasticNet, coefficient_path
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import chosen_line, curve

# One colour per feature (matplotlib's "tab10", plotly's "D3").
FEATURE_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
FEATURE_COLOURS += ["#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
# Penalty strengths, 12 per power of ten from 0.001 to 1000 (3 significant digits):
# the paths and the live explorer use them all, the static explorer every sixth.
ALPHAS = tuple(float(f"{alpha:.3g}") for alpha in np.logspace(-3, 3, 73))
L1_RATIOS = (1.0, 0.5, 0.1, 0.0)
LIVE_L1_RATIOS = tuple(round(0.1 * step, 1) for step in range(11))
ALPHA = "alpha (penalty strength)"
# The dotted lines at the chosen alpha, one per panel.
AXES, LINE = (("x", "y"), ("x2", "y2")), {"color": "dimgrey", "width": 1.5}


def r2_scores(coefs, X_train, y_train, X, y):
    """R² on ``(X, y)`` of the linear models whose coefficients are the rows of
    ``coefs`` (n_models, n_features), each with its unpenalised intercept
    ``mean(y_train) - mean(X_train) @ coef``. Returns shape (n_models,)."""
    coefs = np.atleast_2d(coefs)
    intercepts = y_train.mean() - coefs @ X_train.mean(axis=0)  # (n_models,)
    y_pred = X @ coefs.T + intercepts  # (n_samples, n_models)
    residual_sum = np.sum((y[:, np.newaxis] - y_pred) ** 2, axis=0)  # (n_models,)
    return 1.0 - residual_sum / np.sum((y - y.mean()) ** 2)


@dataclasses.dataclass
class Path:
    """An elastic net fitted for every ``alpha`` of a grid, with one ``l1_ratio``."""

    l1_ratio: float
    alphas: np.ndarray  # (n_alphas,), increasing
    coefs: np.ndarray  # (n_alphas, n_features)
    train_r2: np.ndarray  # (n_alphas,)
    validation_r2: np.ndarray  # (n_alphas,)


def regularization_path(X_train, y_train, X_val, y_val, l1_ratio, alphas=ALPHAS):
    """Fit ``ElasticNet(alpha, l1_ratio)`` for each of ``alphas`` (increasing) and score
    every fit on the training and validation data.

    The fits run from the largest ``alpha`` to the smallest, each starting from the
    previous solution: a warm start, which needs only a few passes.
    """
    alphas = np.sort(np.asarray(alphas, dtype=float))
    model = ElasticNet(l1_ratio=l1_ratio)
    coefs = coefficient_path(model, X_train, y_train, alphas[::-1])[::-1]
    return Path(
        l1_ratio=l1_ratio,
        alphas=alphas,
        coefs=coefs,
        train_r2=r2_scores(coefs, X_train, y_train, X_train, y_train),
        validation_r2=r2_scores(coefs, X_train, y_train, X_val, y_val),
    )


def plot_shrinkage(ax, threshold=1.0, limit=3.0):
    """What each penalty does to one coefficient, in the simplest case.

    With one standardised feature (or orthonormal features), least squares gives a
    coefficient ``z``; ridge divides it, ``z / (1 + threshold)``; lasso
    soft-thresholds it, ``S(z, threshold)``: exactly 0 while ``|z| <= threshold``.
    """
    z = np.linspace(-limit, limit, 401)
    soft = np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0)
    ax.plot(z, z, color="grey", linestyle=":", label="least squares: $z$")
    ax.plot(z, z / (1 + threshold), color=FEATURE_COLOURS[0], label="ridge")
    ax.plot(z, soft, color=FEATURE_COLOURS[3], linewidth=2, label="lasso")
    ax.axvspan(-threshold, threshold, color=FEATURE_COLOURS[3], alpha=0.08)
    ax.set(xlabel="least-squares coefficient $z$", ylabel="penalised coefficient")
    ax.legend(fontsize=8)
    return ax


def plot_coefficients(coef, true_coef, ax, *, title=None, colour=FEATURE_COLOURS[3]):
    """Fitted coefficients as stems, one per feature, over the true ones (circles):
    shows at a glance which features a model uses and how far off it is."""
    features = np.arange(len(coef))
    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.vlines(features, 0.0, coef, color=colour, linewidth=1.2)
    ax.scatter(features, coef, color=colour, s=8, zorder=3, label="fitted")
    relevant = np.flatnonzero(true_coef)
    ax.scatter(
        relevant,
        true_coef[relevant],
        facecolors="none",
        edgecolors="black",
        s=40,
        zorder=4,
        label="true (the others are 0)",
    )
    ax.set(xlabel="feature", ylabel="coefficient")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    return ax


def explorer(X_train, y_train, X_val, y_val, *, feature_names):
    """Coefficient paths of the elastic net against ``alpha`` for one ``l1_ratio``,
    and the training and validation R² along them, with the chosen ``alpha``
    marked. A path is computed once per ``l1_ratio``."""
    import plotly.graph_objects as go

    n_features = X_train.shape[1]
    names = [str(name) for name in feature_names]  # plotly wants str, not np.str_
    colours = [FEATURE_COLOURS[j % len(FEATURE_COLOURS)] for j in range(n_features)]
    path_of = functools.cache(
        lambda l1_ratio: regularization_path(X_train, y_train, X_val, y_val, l1_ratio)
    )

    def draw(l1_ratio, alpha):
        path = path_of(l1_ratio)
        at = ALPHAS.index(alpha)  # every offered alpha is on the path's grid
        scores = [path.train_r2[at], path.validation_r2[at]]
        scores = np.round(scores, 3) + 0.0  # -0.0001 (predicting the mean): 0.000
        paths = [
            (curve(coef, x=path.alphas, name=name, colour=colour), 1)
            for coef, name, colour in zip(path.coefs.T, names, colours, strict=True)
        ]
        paths += [  # in black: a colour would be mistaken for a feature's
            (curve(values, x=path.alphas, name=name, colour="black", dash=dash), 2)
            for values, name, dash in (
                (path.train_r2, "training R²", None),
                (path.validation_r2, "validation R²", "dash"),
            )
        ]
        # The coefficients at alpha as dots; the R² values are in the title.
        dots = go.Scatter(
            x=np.full(n_features, alpha),
            y=path.coefs[at],
            mode="markers",
            marker_color=colours,
            marker_size=9,
            marker_line_width=1,
            hoverinfo="skip",  # the paths' own hover labels say it all
            showlegend=False,
        )
        kind = {1.0: "lasso", 0.0: "ridge"}.get(l1_ratio, "elastic net")
        return View(
            [*paths, (dots, 1)],
            title=(
                f"alpha = {alpha:g}, l1_ratio = {l1_ratio:g} ({kind}): "
                f"{np.count_nonzero(path.coefs[at])} of {n_features} coefficients "
                f"non-zero; R² train {scores[0]:.3f}, validation {scores[1]:.3f}"
            ),
            # The dotted lines (shapes 0 and 1) move to the chosen alpha.
            layout={
                f"shapes[{i}].{end}": alpha for i in (0, 1) for end in ("x0", "x1")
            },
        )

    return Explorer(
        [
            Control("l1_ratio", L1_RATIOS, live_values=LIVE_L1_RATIOS, start=1.0),
            Control("alpha", ALPHAS[::6], live_values=ALPHAS, start=1.0),
        ],
        draw,
        name="regularized-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.6, 0.4], "horizontal_spacing": 0.1},
        subplot_titles=("coefficients", "R²"),
        axis_titles=[(ALPHA, "coefficient"), (ALPHA, "R²")],
        layout={
            "shapes": [chosen_line(1.0, axes, **LINE) for axes in AXES],
            "xaxis.type": "log",
            "xaxis2.type": "log",
            "xaxis.dtick": 1,  # a tick at each power of ten
            "xaxis2.dtick": 1,
        },
        description=(
            "Coefficient paths of the elastic net on the diabetes data against the "
            "penalty strength alpha, and the training and validation R² along them"
        ),
    )
