"""Figures and explorers of Chapter 1 (k-nearest neighbours)."""

import itertools

import numpy as np

from scratchlearn.supervised import KNeighborsClassifier
from scratchlearn.viz.common import PlotlyFigure, show_figure_in

COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]


def grid_over(X, resolution=150, margin=0.5):
    """A (resolution x resolution) grid covering the two features of ``X``.

    Returns ``xs`` and ``ys`` (the axes, each of shape (resolution,)) and ``points``
    of shape (resolution**2, 2), row-major: ``points[i * resolution + j]`` is
    ``(xs[j], ys[i])``.
    """
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs = np.linspace(low[0], high[0], resolution)
    ys = np.linspace(low[1], high[1], resolution)
    xx, yy = np.meshgrid(xs, ys)  # (resolution, resolution) each
    return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])


def predicted_regions(model, X, resolution=150):
    """Class index predicted at every grid point: shape (resolution, resolution)."""
    xs, ys, points = grid_over(X, resolution)
    labels = model.predict(points)
    regions = np.searchsorted(model.classes_, labels).reshape(len(ys), len(xs))
    return xs, ys, regions


def plot_decision_boundary(
    model,
    X,
    y,
    ax,
    *,
    resolution=150,
    title=None,
    feature_names=("feature 1", "feature 2"),
):
    """Draw the regions a fitted 2-feature classifier assigns, with the points."""
    from matplotlib.colors import ListedColormap

    xs, ys, regions = predicted_regions(model, X, resolution)
    n_classes = len(model.classes_)
    cmap = ListedColormap(COLOURS[:n_classes])
    ax.pcolormesh(
        xs,
        ys,
        regions,
        cmap=cmap,
        alpha=0.25,
        shading="auto",
        vmin=-0.5,
        vmax=n_classes - 0.5,
    )
    ax.scatter(
        X[:, 0],
        X[:, 1],
        c=np.searchsorted(model.classes_, y),
        cmap=cmap,
        vmin=-0.5,
        vmax=n_classes - 0.5,
        edgecolor="k",
        linewidth=0.5,
        s=25,
    )
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    if title:
        ax.set_title(title)
    return ax


def live_explorer(
    X_train, y_train, X_val, y_val, *, feature_names=("feature 1", "feature 2")
):
    """ipywidgets controls for k, the metric and the weighting; every change refits
    the classifier and redraws its decision boundary with both accuracies."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    k = widgets.IntSlider(value=5, min=1, max=40, description="k")
    metric = widgets.Dropdown(
        options=["euclidean", "manhattan", "minkowski"],
        value="euclidean",
        description="metric",
    )
    p = widgets.FloatSlider(value=3.0, min=1.0, max=8.0, step=0.5, description="p")
    weights = widgets.ToggleButtons(
        options=["uniform", "distance"], description="weights"
    )
    out = widgets.Output()

    def redraw(_change=None):
        model = KNeighborsClassifier(
            k.value, weights=weights.value, metric=metric.value, p=p.value
        )
        model.fit(X_train, y_train)
        p.disabled = metric.value != "minkowski"
        fig, ax = plt.subplots(figsize=(6, 4.5))
        plot_decision_boundary(
            model,
            X_train,
            y_train,
            ax,
            resolution=120,
            feature_names=feature_names,
            title=(
                f"train accuracy {model.score(X_train, y_train):.3f}   "
                f"validation accuracy {model.score(X_val, y_val):.3f}"
            ),
        )
        show_figure_in(out, fig)

    for control in (k, metric, p, weights):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([k, metric]), widgets.HBox([weights, p]), out]))


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    ks=(1, 3, 5, 9, 15, 25, 40),
    metrics=("euclidean", "manhattan"),
    weightings=("uniform", "distance"),
    resolution=60,
    feature_names=("feature 1", "feature 2"),
    name="knn-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    menu for metric and weighting and a slider for k."""
    import plotly.graph_objects as go

    classes = np.unique(y_train)
    n_classes = len(classes)
    colourscale = [
        [edge, COLOURS[i]]
        for i in range(n_classes)
        for edge in (i / n_classes, (i + 1) / n_classes)
    ]
    figure = go.Figure()
    combos = list(itertools.product(metrics, weightings))
    titles, n_regions = {}, len(combos) * len(ks)
    for (metric, weighting), k in itertools.product(combos, ks):
        model = KNeighborsClassifier(k, metric=metric, weights=weighting)
        model.fit(X_train, y_train)
        xs, ys, regions = predicted_regions(model, X_train, resolution)
        figure.add_trace(
            go.Heatmap(
                x=np.round(xs, 3),
                y=np.round(ys, 3),
                z=regions,
                zmin=-0.5,
                zmax=n_classes - 0.5,
                colorscale=colourscale,
                opacity=0.35,
                showscale=False,
                visible=False,
                hoverinfo="skip",
            )
        )
        titles[metric, weighting, k] = (
            f"k={k}, {metric}, {weighting}: train accuracy "
            f"{model.score(X_train, y_train):.3f}, validation "
            f"{model.score(X_val, y_val):.3f}"
        )
    for index, label in enumerate(classes):
        members = y_train == label
        figure.add_trace(
            go.Scatter(
                x=np.round(X_train[members, 0], 3),
                y=np.round(X_train[members, 1], 3),
                mode="markers",
                name=str(label),
                marker={
                    "color": COLOURS[index],
                    "line": {"width": 0.5, "color": "black"},
                },
            )
        )

    def visibility(combo_index, k_index):
        shown = [False] * n_regions + [True] * n_classes
        shown[combo_index * len(ks) + k_index] = True
        return shown

    def slider(combo_index):
        metric, weighting = combos[combo_index]
        return {
            "active": 2,
            "currentvalue": {"prefix": "k = "},
            "pad": {"t": 40},
            "steps": [
                {
                    "label": str(k),
                    "method": "update",
                    "args": [
                        {"visible": visibility(combo_index, k_index)},
                        {"title.text": titles[metric, weighting, k]},
                    ],
                }
                for k_index, k in enumerate(ks)
            ],
        }

    first = visibility(0, 2)
    for trace, shown in zip(figure.data, first, strict=True):
        trace.visible = shown
    figure.update_layout(
        title={"text": titles[combos[0][0], combos[0][1], ks[2]], "font": {"size": 13}},
        height=560,
        xaxis_title=feature_names[0],
        yaxis_title=feature_names[1],
        sliders=[slider(0)],
        margin={"t": 90},
        updatemenus=[
            {
                "type": "dropdown",
                "x": 0,
                "xanchor": "left",
                "y": 1.13,
                "buttons": [
                    {
                        "label": f"{metric}, {weighting}",
                        "method": "update",
                        "args": [
                            {"visible": visibility(index, 2)},
                            {
                                "sliders": [slider(index)],
                                "title.text": titles[metric, weighting, ks[2]],
                            },
                        ],
                    }
                    for index, (metric, weighting) in enumerate(combos)
                ],
            }
        ],
    )
    return PlotlyFigure(figure, name)
