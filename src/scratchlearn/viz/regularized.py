"""Figures and explorers of Chapter 3 (ridge, lasso and elastic net).

The explorers fit an elastic net, ``ElasticNet(alpha, l1_ratio)``, on training data and
score it on validation data. For one ``l1_ratio``, :func:`regularization_path` fits it
for a whole grid of ``alpha`` values at once (warm-started, so fast); the live explorer
draws one such path with matplotlib and marks the chosen ``alpha`` on it, the static
one precomputes a few paths into a plotly figure.
"""

import dataclasses

import numpy as np

from scratchlearn.supervised import ElasticNet, coefficient_path
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in

# One colour per feature (matplotlib's "tab10"), then one per data split.
FEATURE_COLOURS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]
TRAIN_COLOUR = "#1b9e77"
VALIDATION_COLOUR = "#d95f02"
# The explorers' penalty strengths: 6 per power of ten from 0.001 to 1000.
ALPHAS = np.logspace(-3, 3, 37)


def short(number):
    """``number`` with 3 significant digits and no exponent: 0.00464, 2.15, 1000."""
    return np.format_float_positional(
        float(number), precision=3, unique=False, fractional=False, trim="-"
    )


def feature_colour(index):
    """The colour of feature ``index`` (the ten colours repeat after ten features)."""
    return FEATURE_COLOURS[index % len(FEATURE_COLOURS)]


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


def describe(alpha, l1_ratio, coef, train_r2, validation_r2):
    """One line saying what the fit at ``alpha`` is: sparsity and both scores."""
    n_nonzero = np.count_nonzero(coef)
    return (
        f"alpha = {short(alpha)}, l1_ratio = {l1_ratio:g}: {n_nonzero} of {len(coef)} "
        f"coefficients non-zero; R² train {train_r2:.3f}, validation "
        f"{validation_r2:.3f}"
    )


def plot_path(path, ax, *, feature_names=None, alpha=None, coef=None, legend=True):
    """Each coefficient of ``path`` against ``alpha`` (log scale), with the chosen
    ``alpha`` as a vertical line and its coefficients ``coef`` as dots."""
    n_features = path.coefs.shape[1]
    names = feature_names or [f"x{j}" for j in range(n_features)]
    ax.axhline(0.0, color="black", linewidth=0.6)
    for j in range(n_features):
        ax.plot(path.alphas, path.coefs[:, j], color=feature_colour(j), label=names[j])
    if alpha is not None:
        ax.axvline(alpha, color="black", linewidth=1, linestyle="--")
    if coef is not None:
        colours = [feature_colour(j) for j in range(n_features)]
        ax.scatter(
            np.full(n_features, alpha), coef, c=colours, edgecolor="black", zorder=3
        )
    ax.set_xscale("log")
    ax.set_xlabel("alpha (penalty strength)")
    ax.set_ylabel("coefficient")
    if legend:
        ax.legend(fontsize=7, ncol=2, loc="upper right")
    return ax


def plot_scores(path, ax, *, alpha=None, scores=None):
    """Training and validation R² of ``path`` against ``alpha`` (log scale), with the
    chosen ``alpha`` as a vertical line and its two ``scores`` as dots."""
    ax.plot(path.alphas, path.train_r2, color=TRAIN_COLOUR, label="training")
    ax.plot(
        path.alphas, path.validation_r2, color=VALIDATION_COLOUR, label="validation"
    )
    if alpha is not None:
        ax.axvline(alpha, color="black", linewidth=1, linestyle="--")
    if scores is not None:
        ax.scatter(
            [alpha, alpha], scores, c=[TRAIN_COLOUR, VALIDATION_COLOUR], zorder=3
        )
    low = min(path.train_r2.min(), path.validation_r2.min())
    high = max(path.train_r2.max(), path.validation_r2.max())
    ax.set_ylim(min(low, 0.0) - 0.05, high + 0.05)
    ax.set_xscale("log")
    ax.set_xlabel("alpha (penalty strength)")
    ax.set_ylabel("R²")
    ax.legend(fontsize=8, loc="lower left")
    return ax


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
    ax.set_xlabel("least-squares coefficient $z$")
    ax.set_ylabel("penalised coefficient")
    ax.legend(fontsize=8)
    return ax


def live_explorer(X_train, y_train, X_val, y_val, *, feature_names=None, alphas=ALPHAS):
    """ipywidgets controls for ``alpha`` and ``l1_ratio``: every change refits the
    elastic net and redraws the coefficient paths and the R² curves with the chosen
    ``alpha`` marked. A path is computed once per ``l1_ratio`` and kept."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display
    from matplotlib.ticker import NullLocator

    alpha = widgets.FloatLogSlider(
        value=1.0,
        base=10,
        min=np.log10(alphas.min()),
        max=np.log10(alphas.max()),
        step=0.05,
        description="alpha",
        readout_format=".3g",
    )
    l1_ratio = widgets.FloatSlider(
        value=1.0, min=0.0, max=1.0, step=0.1, description="l1_ratio"
    )
    out = widgets.Output()
    paths = {}

    def redraw(_change=None):
        ratio = round(l1_ratio.value, 2)
        if ratio not in paths:
            paths[ratio] = regularization_path(
                X_train, y_train, X_val, y_val, ratio, alphas
            )
        model = ElasticNet(alpha=alpha.value, l1_ratio=ratio).fit(X_train, y_train)
        scores = [model.score(X_train, y_train), model.score(X_val, y_val)]
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
        # Fixed margins: tight_layout would measure every label on each redraw.
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.22)
        plot_path(
            paths[ratio],
            left,
            feature_names=feature_names,
            alpha=alpha.value,
            coef=model.coef_,
        )
        plot_scores(paths[ratio], right, alpha=alpha.value, scores=scores)
        for axes in (left, right):
            # Minor ticks on a log scale are many, and slow to draw for little gain.
            axes.xaxis.set_minor_locator(NullLocator())
        fig.suptitle(describe(alpha.value, ratio, model.coef_, *scores), fontsize=10)
        show_figure_in(out, fig)

    for control in (alpha, l1_ratio):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([alpha, l1_ratio]), out]))


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    feature_names=None,
    l1_ratios=(1.0, 0.5, 0.1, 0.0),
    alphas=ALPHAS,
    every=2,
    initial=(0, 9),
    name="regularized-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu for ``l1_ratio`` and a slider for ``alpha``.

    The paths are drawn over all of ``alphas``; the slider steps through every
    ``every``-th of them. ``initial`` gives the indices, into ``l1_ratios`` and the
    slider's steps, of the setting shown first.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    alphas = np.sort(np.asarray(alphas, dtype=float))
    steps = np.arange(0, len(alphas), every)  # indices into alphas
    n_features = X_train.shape[1]
    names = feature_names or [f"x{j}" for j in range(n_features)]
    paths = [
        regularization_path(X_train, y_train, X_val, y_val, ratio, alphas)
        for ratio in l1_ratios
    ]
    figure = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.6, 0.4],
        horizontal_spacing=0.1,
        subplot_titles=("coefficients", "R²: training (green), validation (orange)"),
    )
    alphas_shown = [float(f"{a:.4g}") for a in alphas]
    # Every trace with its column and when it shows: for one l1_ratio
    # ("ratio", ratio_index) or for one setting ("setting", ratio_index, step_index).
    traces, titles = [], {}
    for ratio_index, path in enumerate(paths):
        key = ("ratio", ratio_index)
        for j in range(n_features):
            line = go.Scatter(
                x=alphas_shown,
                y=rounded(path.coefs[:, j]),
                mode="lines",
                name=names[j],
                legendgroup=names[j],
                line={"color": feature_colour(j), "width": 2},
                hovertemplate=f"{names[j]}: %{{y:.3f}}<br>alpha %{{x:.3g}}"
                "<extra></extra>",
            )
            traces.append((line, 1, key))
        for values, label, colour in (
            (path.train_r2, "training R²", TRAIN_COLOUR),
            (path.validation_r2, "validation R²", VALIDATION_COLOUR),
        ):
            curve = go.Scatter(
                x=alphas_shown,
                y=rounded(values),
                mode="lines",
                name=label,
                showlegend=False,  # the subplot's title names the colours
                line={"color": colour, "width": 2},
                hovertemplate=f"{label} %{{y:.3f}}<br>alpha %{{x:.3g}}<extra></extra>",
            )
            traces.append((curve, 2, key))
        for step_index, alpha_index in enumerate(steps):
            key = ("setting", ratio_index, step_index)
            alpha = alphas_shown[alpha_index]
            coef = path.coefs[alpha_index]
            scores = [path.train_r2[alpha_index], path.validation_r2[alpha_index]]
            titles[ratio_index, step_index] = describe(
                alpha, path.l1_ratio, coef, *scores
            )
            dots = go.Scatter(
                x=[alpha] * n_features,
                y=rounded(coef),
                mode="markers",
                marker={
                    "color": [feature_colour(j) for j in range(n_features)],
                    "size": 9,
                    "line": {"color": "black", "width": 1},
                },
                hoverinfo="skip",  # the paths' own hover labels say it all
                showlegend=False,
            )
            score_dots = go.Scatter(
                x=[alpha, alpha],
                y=rounded(scores),
                mode="markers",
                marker={"color": [TRAIN_COLOUR, VALIDATION_COLOUR], "size": 9},
                hoverinfo="skip",
                showlegend=False,
            )
            traces += [(dots, 1, key), (score_dots, 2, key)]

    for trace, col, _ in traces:
        figure.add_trace(trace, row=1, col=col)

    def visibility(ratio_index, step_index):
        shown = (("ratio", ratio_index), ("setting", ratio_index, step_index))
        return [key in shown for _, _, key in traces]

    def marker_lines(step_index):
        # The chosen alpha as a dashed line across both panels: layout shapes, so
        # that the slider moves them without extra traces.
        alpha = alphas_shown[steps[step_index]]
        return [
            {
                "type": "line",
                "xref": xref,
                "yref": "paper",
                "x0": alpha,
                "x1": alpha,
                "y0": 0,
                "y1": 1,
                "line": {"color": "black", "width": 1, "dash": "dash"},
            }
            for xref in ("x", "x2")
        ]

    def slider(ratio_index, step_index):
        # A step restyles only this l1_ratio's markers (the third argument lists
        # them): the page stays small, as the other traces keep their visibility.
        markers = [
            (index, key[2])
            for index, (_, _, key) in enumerate(traces)
            if key[:2] == ("setting", ratio_index)
        ]
        return {
            "active": step_index,
            "currentvalue": {
                "prefix": f"l1_ratio = {l1_ratios[ratio_index]:g}, alpha = "
            },
            "pad": {"t": 50},
            "steps": [
                {
                    "label": short(alphas_shown[alpha_index]),
                    "method": "update",
                    "args": [
                        {"visible": [step == index for _, step in markers]},
                        {
                            "title.text": titles[ratio_index, index],
                            "shapes": marker_lines(index),
                        },
                        [trace_index for trace_index, _ in markers],
                    ],
                }
                for index, alpha_index in enumerate(steps)
            ],
        }

    def ratio_label(ratio):
        kind = {1.0: " (lasso)", 0.0: " (ridge)"}.get(ratio, " (elastic net)")
        return f"l1_ratio = {ratio:g}{kind}"

    def menu_button(ratio_index, step_index):
        return {
            "label": ratio_label(l1_ratios[ratio_index]),
            "method": "update",
            "args": [
                {"visible": visibility(ratio_index, step_index)},
                {
                    "sliders": [slider(ratio_index, step_index)],
                    "title.text": titles[ratio_index, step_index],
                    "shapes": marker_lines(step_index),
                },
            ],
        }

    ratio_index, step_index = initial
    for trace, shown in zip(
        figure.data, visibility(ratio_index, step_index), strict=True
    ):
        trace.visible = shown
    figure.update_xaxes(type="log", title_text="alpha (penalty strength)", dtick=1)
    figure.update_yaxes(title_text="coefficient", row=1, col=1)
    figure.update_yaxes(title_text="R²", row=1, col=2)
    figure.update_layout(
        # From the top: the menu (beside plotly's buttons), the title, the panels'
        # titles; the slider below.
        # The margins leave room for each, so that nothing overlaps.
        title={
            "text": titles[ratio_index, step_index],
            "font": {"size": 13},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.9,
            "yanchor": "top",
        },
        height=650,
        margin={"t": 120, "b": 150},
        shapes=marker_lines(step_index),
        legend={"font": {"size": 11}},
        sliders=[slider(ratio_index, step_index)],
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.31,
                "yanchor": "top",
                "active": ratio_index,
                # A new l1_ratio keeps the alpha shown first: a menu cannot read the
                # slider's position.
                "buttons": [
                    menu_button(index, step_index) for index in range(len(l1_ratios))
                ],
            }
        ],
    )
    return PlotlyFigure(figure, name)


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
    ax.set_xlabel("feature")
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    return ax
