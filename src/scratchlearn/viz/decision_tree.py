"""Figures and the explorer of Chapter 10 (decision trees).

A fitted tree is drawn two ways, together: on two features, as the axis-aligned
rectangles where each class wins, and as a diagram of its questions (each internal
node "feature <= threshold", each leaf its majority class and sample count). The
explorer changes ``max_depth`` and ``min_samples_split``.
"""

import numpy as np

from scratchlearn.supervised import DecisionTreeClassifier
from scratchlearn.viz.common import PlotlyFigure
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, class_points, model_regions, tint
from scratchlearn.viz.figures import FEATURE_NAMES as NAMES

GROWN = None  # max_depth for trees grown until their leaves are pure
DEPTHS = (1, 2, 3, 4, 5, 6, 8, 10, GROWN)
DIAGRAM_DEPTH = 4  # levels of the diagram below the root; deeper nodes show "..."


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


def diagram_traces(model, *, feature_names, class_names, depth=DIAGRAM_DEPTH):
    """The top ``depth`` levels of a fitted classification tree as plotly traces:
    the edges as one line, the nodes as square markers with their text, node
    ``(x, level)`` at ``(x, -level)``.

    An internal node shows its question; a leaf its majority class (the box takes
    its colour) and sample count; a node cut off at ``depth`` shows "...".
    """
    import plotly.graph_objects as go

    positions = node_positions(model, depth)
    edge_x, edge_y, texts, fills, borders = [], [], [], [], []
    for node, (x, level) in positions.items():
        for child in (model.left_[node], model.right_[node]):
            if child in positions:
                edge_x += [x, positions[child][0], None]
                edge_y += [-level, -positions[child][1], None]
        majority = int(np.argmax(model.value_[node]))
        count = f"<br>n={model.n_node_samples_[node]}"
        if model.left_[node] == -1:  # a leaf
            texts.append(f"{class_names[majority]}{count}")
            fills.append(tint(COLOURS[majority], 0.35))
            borders.append(COLOURS[majority])
        elif level == depth:  # drawn no further
            texts.append(f"...{count}")
            fills.append("white")
            borders.append("#999999")
        else:
            feature = feature_names[model.feature_[node]]
            texts.append(f"{feature}<br>≤ {model.threshold_[node]:.3g}")
            fills.append("white")
            borders.append("black")
    x, y = zip(*((x, -level) for x, level in positions.values()), strict=True)
    edges = go.Scatter(
        x=edge_x,
        y=edge_y,
        mode="lines",
        line={"color": "#999999", "width": 1},
        hoverinfo="skip",
        showlegend=False,
    )
    box = {"symbol": "square", "size": 44, "color": fills}
    nodes = go.Scatter(
        x=x,
        y=y,
        mode="markers+text",
        text=texts,
        textfont={"size": 9},
        marker={**box, "line": {"color": borders, "width": 1}},
        hoverinfo="text",
        showlegend=False,
    )
    return [edges, nodes]


def tree_traces(model, X, y, *, feature_names, class_names, diagram_panel=2):
    """A fitted tree's regions with the points ``X``, ``y`` (in panel 1) and its
    diagram (in ``diagram_panel``): a list of (trace, panel)."""
    diagram = diagram_traces(
        model, feature_names=feature_names, class_names=class_names
    )
    return [
        (model_regions(model, X, resolution=60), 1),
        *((trace, 1) for trace in class_points(X, y, names=class_names)),
        *((trace, diagram_panel) for trace in diagram),
    ]


def diagram_range(model):
    """The diagram's x range: its boxes, and at least the width of four."""
    width = max(x for x, _ in node_positions(model, DIAGRAM_DEPTH).values())
    return {"xaxis2.range": [-0.6, max(width, 3) + 0.6]}


def _layout(feature_names):
    """Both panels' layout: the regions' axis titles, the diagram's axes hidden."""
    hidden = {"visible": False, "fixedrange": True}
    return {
        "xaxis.title.text": feature_names[0],
        "yaxis.title.text": feature_names[1],
        "xaxis2": hidden,
        "yaxis2": {**hidden, "range": [-DIAGRAM_DEPTH - 0.5, 0.5]},
        "plot_bgcolor": "white",  # the diagram on white, like a page
    }


def picture(model, X, y, *, feature_names, class_names):
    """A still figure of a fitted tree: its regions beside its diagram."""
    from plotly.subplots import make_subplots

    figure = make_subplots(
        1,
        2,
        subplot_titles=("its regions", "its questions"),
        column_widths=[0.45, 0.55],
    )
    traces = tree_traces(
        model, X, y, feature_names=feature_names, class_names=class_names
    )
    for trace, panel in traces:
        figure.add_trace(trace, row=1, col=panel)
    figure.update_layout({**_layout(feature_names), **diagram_range(model)})
    levels = min(model.get_depth(), DIAGRAM_DEPTH)
    figure.update_layout({"yaxis2.range": [-levels - 0.5, 0.5]})  # no empty levels
    figure.update_layout(height=420, margin={"t": 40})
    description = "A decision tree's regions on two features and its diagram"
    return PlotlyFigure(figure, "decision-tree-picture", description=description)


def explorer(X_train, y_train, X_val, y_val, *, feature_names=NAMES, class_names=None):
    """A tree's regions on two features and its diagram, for ``max_depth`` (slider)
    and ``min_samples_split`` (menu), with its training and validation accuracy."""
    names = class_names or [str(label) for label in np.unique(y_train)]

    def draw(min_samples_split, max_depth):
        model = DecisionTreeClassifier(
            max_depth=max_depth,
            min_samples_split=min_samples_split,
        ).fit(X_train, y_train)
        title = (
            f"max_depth = {max_depth}, min_samples_split = {min_samples_split}: "
            f"depth {model.get_depth()}, {model.get_n_leaves()} leaves; "
            f"train accuracy {model.score(X_train, y_train):.3f}, "
            f"validation {model.score(X_val, y_val):.3f}"
        )
        traces = tree_traces(
            model,
            X_train,
            y_train,
            feature_names=feature_names,
            class_names=names,
            diagram_panel=(2, 1),  # below the regions: the diagram needs the width
        )
        return View(traces, title=title, layout=diagram_range(model))

    return Explorer(
        [
            Control(
                "min_samples_split", [2, 10, 30], live_values=range(2, 61), start=2
            ),
            Control("max_depth", DEPTHS, live_values=(*range(1, 13), GROWN), start=3),
        ],
        draw,
        name="decision-tree-explorer",
        panels=(2, 1),
        height=860,
        subplots={"vertical_spacing": 0.12},
        subplot_titles=(
            "regions of the training data",
            f"the tree (top {DIAGRAM_DEPTH + 1} levels)",
        ),
        layout=_layout(feature_names),
        description=(
            "Decision regions of a decision tree on two wine features, and the "
            "tree's questions as a diagram"
        ),
    )
