"""Figures and the explorer of Chapter 3 (ridge, lasso and elastic net).

The explorer fits an elastic net, ``ElasticNet(alpha, l1_ratio)``, on training data
and scores it on validation data. For one ``l1_ratio``, :func:`regularization_path`
fits it for the whole grid :data:`ALPHAS` at once (warm-started, so fast); every
``alpha`` the explorer offers is on that grid, so a setting is read off its path.
"""

import functools

import numpy as np

from scratchlearn.supervised.experiments import ALPHAS, regularization_path
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, chosen_line, curve

RIDGE_COLOUR, LASSO_COLOUR = COLOURS[0], COLOURS[3]  # blue, vermillion
L1_RATIOS = (1.0, 0.5, 0.1, 0.0)
LIVE_L1_RATIOS = tuple(round(0.1 * step, 1) for step in range(11))
ALPHA = "alpha (penalty strength)"
# The dotted lines at the chosen alpha, one per panel.
AXES, LINE = (("x", "y"), ("x2", "y2")), {"color": "dimgrey", "width": 1.5}


def plot_shrinkage(ax, threshold=1.0, limit=3.0):
    """What each penalty does to one coefficient, in the simplest case.

    With one standardised feature (or orthonormal features), least squares gives a
    coefficient ``z``; ridge divides it, ``z / (1 + threshold)``; lasso
    soft-thresholds it, ``S(z, threshold)``: exactly 0 while ``|z| <= threshold``.
    """
    z = np.linspace(-limit, limit, 401)
    soft = np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0)
    ax.plot(z, z, color="grey", linestyle=":", label="least squares: $z$")
    ax.plot(z, z / (1 + threshold), color=RIDGE_COLOUR, label="ridge")
    ax.plot(z, soft, color=LASSO_COLOUR, linewidth=2, label="lasso")
    ax.axvspan(-threshold, threshold, color=LASSO_COLOUR, alpha=0.08)
    ax.set(xlabel="least-squares coefficient $z$", ylabel="penalised coefficient")
    ax.legend(fontsize=8)
    return ax


def plot_coefficients(coef, true_coef, ax, *, title=None, colour=LASSO_COLOUR):
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


def feature_styles(n_features):
    """One ``(colour, dash)`` per feature: the book's six colours, solid, then the
    same again, dashed (the diabetes data have ten features)."""
    return [
        (COLOURS[j % len(COLOURS)], None if j < len(COLOURS) else "dash")
        for j in range(n_features)
    ]


def coefficient_dots(alpha, coefs, styles):
    """The coefficients at ``alpha`` as dots in their features' ``styles``, hollow
    for the dashed ones (whose colours the solid ones share)."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=np.full(len(coefs), alpha),
        y=coefs,
        mode="markers",
        marker_color=[colour for colour, _ in styles],
        marker_symbol=[
            "circle" if dash is None else "circle-open" for _, dash in styles
        ],
        marker_size=9,
        marker_line_width=1,
        hoverinfo="skip",  # the paths' own hover labels say it all
        showlegend=False,
    )


def explorer(X_train, y_train, X_val, y_val, *, feature_names):
    """Coefficient paths of the elastic net against ``alpha`` for one ``l1_ratio``,
    and the training and validation R² along them, with the chosen ``alpha``
    marked. A path is computed once per ``l1_ratio``."""
    n_features = X_train.shape[1]
    names = [str(name) for name in feature_names]  # plotly wants str, not np.str_
    styles = feature_styles(n_features)
    path_of = functools.cache(
        lambda l1_ratio: regularization_path(X_train, y_train, X_val, y_val, l1_ratio)
    )

    def draw(l1_ratio, alpha):
        path = path_of(l1_ratio)
        at = ALPHAS.index(alpha)  # every offered alpha is on the path's grid
        scores = [path.train_r2[at], path.validation_r2[at]]
        scores = np.round(scores, 3) + 0.0  # -0.0001 (predicting the mean): 0.000
        paths = [
            (curve(coef, x=path.alphas, name=name, colour=colour, dash=dash), 1)
            for coef, name, (colour, dash) in zip(
                path.coefs.T, names, styles, strict=True
            )
        ]
        paths += [  # in black: a colour would be mistaken for a feature's
            (curve(values, x=path.alphas, name=name, colour="black", dash=dash), 2)
            for values, name, dash in (
                (path.train_r2, "training R²", None),
                (path.validation_r2, "validation R²", "dash"),
            )
        ]
        # The coefficients at alpha as dots; the R² values are in the title.
        dots = coefficient_dots(alpha, path.coefs[at], styles)
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
