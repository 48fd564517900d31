"""Figures and explorers of Chapter 10 (decision trees).

A fitted tree is drawn two ways: as a diagram of its questions (each internal node
"feature <= threshold", each leaf its majority class and sample count), and, on two
features, as the axis-aligned rectangles where each class wins. The explorers change
``max_depth`` and ``min_samples_split`` and show how the rectangles multiply.
"""

import numpy as np

from scratchlearn.supervised import DecisionTreeClassifier
from scratchlearn.viz.common import PlotlyFigure, rounded, show_figure_in
from scratchlearn.viz.figures import COLOURS, plot_decision_boundary, predicted_regions

DEPTHS = (1, 2, 3, 4, 5, 6, 8, 10, None)


def node_positions(model, max_draw_depth):
    """Where to draw each node of the top ``max_draw_depth`` levels.

    Leaves (or nodes cut off at ``max_draw_depth``) take the next free x position,
    left to right; an internal node sits halfway between its children. The explicit
    stack walks the tree as ``fit`` grew it, so no recursion is needed here either.

    Returns
    -------
    dict {node id: (x, depth)}
    """
    positions, next_x = {}, 0
    stack = [(0, 0, False)]  # (node, depth, children already placed)
    while stack:
        node, depth, placed = stack.pop()
        is_drawn_leaf = model.left_[node] == -1 or depth == max_draw_depth
        if is_drawn_leaf:
            positions[node] = (float(next_x), depth)
            next_x += 1
        elif placed:
            left_x = positions[model.left_[node]][0]
            right_x = positions[model.right_[node]][0]
            positions[node] = ((left_x + right_x) / 2, depth)
        else:
            stack.append((node, depth, True))
            stack.append((model.right_[node], depth + 1, False))
            stack.append((model.left_[node], depth + 1, False))
    return positions


def plot_tree_diagram(
    model, ax, *, feature_names=None, class_names=None, max_draw_depth=4
):
    """Draw the top ``max_draw_depth`` levels of a fitted classification tree.

    Internal nodes show their question; leaves their majority class (the box takes
    its colour) and sample count. A node cut off by ``max_draw_depth`` shows "...".
    """
    positions = node_positions(model, max_draw_depth)
    n_features = model.n_features_in_
    features = feature_names or [f"x{j}" for j in range(n_features)]
    names = class_names or [str(label) for label in model.classes_]
    for node, (x, depth) in positions.items():
        for child in (model.left_[node], model.right_[node]):
            if child in positions:
                child_x, child_depth = positions[child]
                ax.plot([x, child_x], [-depth, -child_depth], color="0.6", zorder=1)
        majority = int(np.argmax(model.value_[node]))
        if model.left_[node] == -1:
            text = f"{names[majority]}\nn={model.n_node_samples_[node]}"
            box = {"boxstyle": "round", "facecolor": COLOURS[majority], "alpha": 0.35}
        elif depth == max_draw_depth:
            text = f"...\nn={model.n_node_samples_[node]}"
            box = {"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"}
        else:
            feature = features[model.feature_[node]]
            text = f"{feature}\n<= {model.threshold_[node]:.3g}"
            box = {"boxstyle": "round", "facecolor": "white", "edgecolor": "k"}
        ax.text(x, -depth, text, ha="center", va="center", fontsize=7, bbox=box)
    xs = [x for x, _ in positions.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(-max(depth for _, depth in positions.values()) - 0.5, 0.5)
    ax.axis("off")
    return ax


def describe(model, X_train, y_train, X_val, y_val):
    """One line: the tree's size and both accuracies."""
    return (
        f"depth {model.get_depth()}, {model.get_n_leaves()} leaves; "
        f"train accuracy {model.score(X_train, y_train):.3f}, "
        f"validation {model.score(X_val, y_val):.3f}"
    )


def live_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
):
    """ipywidgets sliders for ``max_depth`` and ``min_samples_split``; every change
    refits the tree and redraws its regions and its diagram."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    depth = widgets.IntSlider(value=3, min=1, max=12, description="max_depth")
    split = widgets.IntSlider(
        value=2,
        min=2,
        max=60,
        description="min_samples_split",
        style={"description_width": "initial"},
    )
    out = widgets.Output()

    def redraw(_change=None):
        model = DecisionTreeClassifier(
            max_depth=depth.value, min_samples_split=split.value
        ).fit(X_train, y_train)
        with plt.ioff():  # shown in the widget only, not by the notebook
            fig, (left, right) = plt.subplots(
                1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1, 1.4]}
            )
        plot_decision_boundary(
            model, X_train, y_train, left, resolution=120, feature_names=feature_names
        )
        plot_tree_diagram(
            model, right, feature_names=feature_names, class_names=class_names
        )
        fig.suptitle(describe(model, X_train, y_train, X_val, y_val), fontsize=10)
        fig.tight_layout()
        show_figure_in(out, fig)

    for control in (depth, split):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([depth, split]), out]))


def static_explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    depths=DEPTHS,
    resolution=80,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
    name="decision-tree-explorer",
):
    """The live explorer precomputed for the static site: a plotly figure with a
    slider over ``max_depth`` showing the regions of each tree."""
    import plotly.graph_objects as go

    classes = np.unique(y_train)
    n_classes = len(classes)
    names = class_names or [str(label) for label in classes]
    colourscale = [
        [edge, COLOURS[i]]
        for i in range(n_classes)
        for edge in (i / n_classes, (i + 1) / n_classes)
    ]
    traces, titles = [], []
    for max_depth in depths:
        model = DecisionTreeClassifier(max_depth=max_depth).fit(X_train, y_train)
        xs, ys, regions = predicted_regions(model, X_train, resolution)
        traces.append(
            go.Heatmap(
                x=rounded(xs, 3),
                y=rounded(ys, 3),
                z=regions,
                zmin=-0.5,
                zmax=n_classes - 0.5,
                colorscale=colourscale,
                opacity=0.3,
                showscale=False,
                hoverinfo="skip",
                visible=False,
            )
        )
        titles.append(
            f"max_depth = {max_depth}: "
            + describe(model, X_train, y_train, X_val, y_val)
        )
    n_heatmaps = len(traces)
    for index, label in enumerate(classes):
        members = y_train == label
        traces.append(
            go.Scatter(
                x=rounded(X_train[members, 0], 3),
                y=rounded(X_train[members, 1], 3),
                mode="markers",
                name=names[index],
                marker={
                    "color": COLOURS[index],
                    "size": 6,
                    "line": {"width": 0.5, "color": "black"},
                },
            )
        )
    start = min(2, n_heatmaps - 1)
    traces[start].visible = True
    steps = [
        {
            "label": str(max_depth),
            "method": "update",
            "args": [
                {"visible": [index == step for index in range(n_heatmaps)]},
                {"title.text": titles[step]},
                list(range(n_heatmaps)),
            ],
        }
        for step, max_depth in enumerate(depths)
    ]
    figure = go.Figure(traces)
    xs, ys, _ = predicted_regions(model, X_train, 2)  # the grid's corners
    figure.update_layout(
        title={"text": titles[start], "font": {"size": 12}},
        height=560,
        xaxis={"title": feature_names[0], "range": [xs[0], xs[-1]]},
        yaxis={"title": feature_names[1], "range": [ys[0], ys[-1]]},
        sliders=[
            {
                "active": start,
                "currentvalue": {"prefix": "max_depth = "},
                "pad": {"t": 40},
                "steps": steps,
            }
        ],
    )
    return PlotlyFigure(figure, name)
