"""Figures and explorers of Chapter 9 (support vector machines).

On two features a fitted :class:`~scratchlearn.supervised.SVC` is drawn as its
decision function over a grid: the boundary ``f(x) = 0`` (solid), the edges of the
margin ``f(x) = -1`` and ``f(x) = +1`` (dashed) and the support vectors (circled).
The explorers move ``C`` and the RBF kernel's ``gamma``.
"""

import numpy as np

from scratchlearn.supervised import SVC
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in
from scratchlearn.viz.figures import COLOURS, grid_over

# The explorers' settings: from a soft, wide margin to a hard, narrow one, and from
# smooth to wiggly RBF kernels.
CS = (0.1, 1.0, 10.0, 100.0, 1000.0)
GAMMAS = (0.1, 1.0, 10.0)


def decision_grid(model, X, resolution=100):
    """The decision function over a grid covering ``X``.

    Returns ``xs`` (resolution,), ``ys`` (resolution,) and the values of shape
    (resolution, resolution), one row per ``y``.
    """
    xs, ys, points = grid_over(X, resolution)
    values = model.decision_function(points).reshape(len(ys), len(xs))
    return xs, ys, values


def plot_margin(
    model,
    X,
    y,
    ax,
    *,
    resolution=120,
    title=None,
    feature_names=("feature 1", "feature 2"),
):
    """Draw a fitted 2-feature SVC: regions, boundary, margin and support vectors."""
    from matplotlib.colors import ListedColormap

    xs, ys, values = decision_grid(model, X, resolution)
    ax.contourf(
        xs,
        ys,
        values,
        levels=[values.min() - 1.0, 0.0, values.max() + 1.0],
        cmap=ListedColormap(COLOURS[:2]),
        alpha=0.2,
    )
    ax.contour(
        xs,
        ys,
        values,
        levels=[-1, 0, 1],
        colors="k",
        linestyles=["--", "-", "--"],
        linewidths=[1, 2, 1],
    )
    for index, label in enumerate(model.classes_):
        members = y == label
        ax.scatter(
            *X[members].T,
            s=18,
            color=COLOURS[index],
            edgecolor="k",
            linewidth=0.4,
            label=str(label),
        )
    ax.scatter(
        *model.support_vectors_.T,
        s=70,
        facecolor="none",
        edgecolor="k",
        linewidth=1.0,
        label=f"support vectors ({len(model.support_)})",
    )
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def describe(model, X_train, y_train, X_val, y_val):
    """One line: the number of support vectors and both accuracies."""
    return (
        f"{len(model.support_)} support vectors; train accuracy "
        f"{model.score(X_train, y_train):.3f}, validation accuracy "
        f"{model.score(X_val, y_val):.3f}"
    )


def live_explorer(X_train, y_train, X_val, y_val):
    """ipywidgets sliders for ``C`` and ``gamma`` of an RBF SVC; every change refits
    and redraws the margin and the support vectors."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    C = widgets.FloatLogSlider(
        value=1.0, base=10, min=-2, max=3, step=0.25, description="C"
    )
    gamma = widgets.FloatLogSlider(
        value=0.5, base=10, min=-2, max=2, step=0.25, description="gamma"
    )
    out = widgets.Output()

    def redraw(_change=None):
        model = SVC(C=C.value, gamma=gamma.value).fit(X_train, y_train)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, ax = plt.subplots(figsize=(6.5, 5))
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.1, top=0.9)
        plot_margin(
            model,
            X_train,
            y_train,
            ax,
            resolution=80,
            title=f"C = {C.value:.3g}, gamma = {gamma.value:.3g}\n"
            + describe(model, X_train, y_train, X_val, y_val),
        )
        show_figure_in(out, fig)

    for control in (C, gamma):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([C, gamma]), out]))


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    Cs=CS,
    gammas=GAMMAS,
    resolution=32,
    name="svm-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    slider over ``C`` and a menu over ``gamma`` (RBF kernel).

    Each setting has a filled contour of its decision function (clipped to
    [-2, 2], which keeps the page small: only the levels -1, 0 and 1 are drawn)
    and its support vectors. A slider step restyles only the traces of the chosen
    ``gamma``.
    """
    import plotly.graph_objects as go

    classes = np.unique(y_train)
    # Strong colours beyond the margin, pale ones inside it.
    colourscale = [
        [0.0, COLOURS[0]],
        [0.25, COLOURS[0]],
        [0.5, "white"],
        [0.75, COLOURS[1]],
        [1.0, COLOURS[1]],
    ]
    traces, titles = [], {}  # key: (g_index, c_index) or None (always shown)
    for g_index, gamma in enumerate(gammas):
        for c_index, C in enumerate(Cs):
            model = SVC(C=C, gamma=gamma).fit(X_train, y_train)
            xs, ys, values = decision_grid(model, X_train, resolution)
            contour = go.Contour(
                x=rounded(xs, 3),
                y=rounded(ys, 3),
                z=rounded(np.clip(values, -2.0, 2.0), 2),
                zmin=-2,
                zmax=2,
                contours={"start": -1, "end": 1, "size": 1, "coloring": "fill"},
                colorscale=colourscale,
                opacity=0.35,
                line={"width": 1.5, "color": "black"},
                showscale=False,
                hoverinfo="skip",
            )
            support = go.Scatter(
                x=rounded(model.support_vectors_[:, 0], 3),
                y=rounded(model.support_vectors_[:, 1], 3),
                mode="markers",
                name="support vectors",
                marker={
                    "size": 11,
                    "color": "rgba(0,0,0,0)",
                    "line": {"width": 1.2, "color": "black"},
                },
                hoverinfo="skip",
            )
            traces += [(contour, (g_index, c_index)), (support, (g_index, c_index))]
            titles[g_index, c_index] = f"C = {C:g}, gamma = {gamma:g}: " + describe(
                model, X_train, y_train, X_val, y_val
            )
    for index, label in enumerate(classes):
        members = y_train == label
        points = go.Scatter(
            x=rounded(X_train[members, 0], 3),
            y=rounded(X_train[members, 1], 3),
            mode="markers",
            name=f"class {label}",
            marker={
                "color": COLOURS[index],
                "size": 6,
                "line": {"width": 0.5, "color": "black"},
            },
        )
        traces.append((points, None))

    def slider(g_index, c_index):
        own = [
            (trace_index, key[1])
            for trace_index, (_, key) in enumerate(traces)
            if key is not None and key[0] == g_index
        ]
        return {
            "active": c_index,
            "currentvalue": {"prefix": "C = "},
            "pad": {"t": 40},
            "steps": [
                {
                    "label": f"{C:g}",
                    "method": "update",
                    "args": [
                        {"visible": [step == index for _, step in own]},
                        {"title.text": titles[g_index, index]},
                        [trace_index for trace_index, _ in own],
                    ],
                }
                for index, C in enumerate(Cs)
            ],
        }

    def button(g_index, c_index):
        return {
            "label": f"gamma = {gammas[g_index]:g}",
            "method": "update",
            "args": [
                {
                    "visible": [
                        key is None or key == (g_index, c_index) for _, key in traces
                    ]
                },
                {
                    "sliders": [slider(g_index, c_index)],
                    "title.text": titles[g_index, c_index],
                },
            ],
        }

    g_start, c_start = min(1, len(gammas) - 1), min(1, len(Cs) - 1)
    for trace, key in traces:
        trace.visible = key is None or key == (g_start, c_start)
    figure = go.Figure([trace for trace, _ in traces])
    xs, ys, _ = grid_over(X_train, 2)  # the grid's corners
    figure.update_layout(
        title={"text": titles[g_start, c_start], "font": {"size": 12}, "y": 0.96},
        height=600,
        xaxis={"title": "feature 1", "range": [xs[0], xs[-1]]},
        yaxis={"title": "feature 2", "range": [ys[0], ys[-1]]},
        sliders=[slider(g_start, c_start)],
        margin={"t": 110},
        showlegend=False,
        updatemenus=[
            {
                "type": "dropdown",
                "x": 1,
                "xanchor": "right",
                "y": 1.18,
                "active": g_start,
                "buttons": [button(index, c_start) for index in range(len(gammas))],
            }
        ],
    )
    return PlotlyFigure(figure, name)
