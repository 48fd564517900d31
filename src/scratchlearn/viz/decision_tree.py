"""Figures and the explorer of Chapter 10 (decision trees).

A fitted tree is drawn two ways: as a diagram of its questions (each internal node
"feature <= threshold", each leaf its majority class and sample count), and, on two
features, as the axis-aligned rectangles where each class wins. The explorer changes
``max_depth`` and ``min_samples_split`` and shows both pictures side by side.
"""

import numpy as np

from scratchlearn.supervised import DecisionTreeClassifier
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, class_points, model_regions

# An ipywidgets selection reads the value None as "nothing chosen", so the explorer's
# controls say "None" (a string) for a tree grown until its leaves are pure.
GROWN = "None"
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


def node_label(model, node, depth, max_draw_depth, features, names):
    """What a node's box says, and its kind: "leaf", "cut" (not drawn further) or
    "question"."""
    count = model.n_node_samples_[node]
    if model.left_[node] == -1:
        return f"{names[int(np.argmax(model.value_[node]))]}\nn={count}", "leaf"
    if depth == max_draw_depth:
        return f"...\nn={count}", "cut"
    question = f"{features[model.feature_[node]]}\n<= {model.threshold_[node]:.3g}"
    return question, "question"


def plot_tree_diagram(
    model, ax, *, feature_names=None, class_names=None, max_draw_depth=4
):
    """Draw the top ``max_draw_depth`` levels of a fitted classification tree.

    Internal nodes show their question; leaves their majority class (the box takes
    its colour) and sample count. A node cut off by ``max_draw_depth`` shows "...".
    """
    positions = node_positions(model, max_draw_depth)
    features = feature_names or [f"x{j}" for j in range(model.n_features_in_)]
    names = class_names or [str(label) for label in model.classes_]
    for node, (x, depth) in positions.items():
        for child in (model.left_[node], model.right_[node]):
            if child in positions:
                child_x, child_depth = positions[child]
                ax.plot([x, child_x], [-depth, -child_depth], color="0.6", zorder=1)
        text, kind = node_label(model, node, depth, max_draw_depth, features, names)
        box = {"boxstyle": "round", "facecolor": "white", "edgecolor": "k"}
        if kind == "leaf":
            colour = COLOURS[int(np.argmax(model.value_[node]))]
            box = {"boxstyle": "round", "facecolor": colour, "alpha": 0.35}
        elif kind == "cut":
            box["edgecolor"] = "0.6"
        ax.text(x, -depth, text, ha="center", va="center", fontsize=7, bbox=box)
    xs = [x for x, _ in positions.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(-max(depth for _, depth in positions.values()) - 0.5, 0.5)
    ax.axis("off")
    return ax


def tree_diagram_traces(
    model, *, feature_names, class_names, max_draw_depth=DIAGRAM_DEPTH
):
    """The diagram of :func:`plot_tree_diagram` as plotly traces: the edges as one
    line, the nodes as square markers with their text (leaves in their class's
    colour). Node ``(x, depth)`` is drawn at ``(x, -depth)``."""
    import plotly.graph_objects as go

    positions = node_positions(model, max_draw_depth)
    edge_x, edge_y = [], []
    for node, (x, depth) in positions.items():
        for child in (model.left_[node], model.right_[node]):
            if child in positions:
                edge_x += [x, positions[child][0], None]
                edge_y += [-depth, -positions[child][1], None]
    texts, fills, borders = [], [], []
    for node, (_, depth) in positions.items():
        text, kind = node_label(
            model, node, depth, max_draw_depth, feature_names, class_names
        )
        texts.append(text.replace("\n", "<br>").replace("<=", "≤"))
        majority = COLOURS[int(np.argmax(model.value_[node]))]
        fills.append(_tint(majority, 0.35) if kind == "leaf" else "white")
        borders.append({"leaf": majority, "cut": "#999999"}.get(kind, "black"))
    x, y = zip(*((x, -depth) for x, depth in positions.values()), strict=True)
    return [
        go.Scatter(
            x=edge_x,
            y=edge_y,
            mode="lines",
            line={"color": "#999999", "width": 1},
            hoverinfo="skip",
            showlegend=False,
        ),
        go.Scatter(
            x=x,
            y=y,
            mode="markers+text",
            text=texts,
            textfont={"size": 9},
            marker={
                "symbol": "square",
                "size": 44,
                "color": fills,
                "line": {"color": borders, "width": 1},
            },
            hoverinfo="text",
            showlegend=False,
        ),
    ]


def _tint(colour, strength):
    """``"#rrggbb"`` mixed with white, opaque (the edges behind a box stay hidden):
    ``strength`` 1 is the colour itself, 0 is white."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    red, green, blue = (round(255 - strength * (255 - c)) for c in channels)
    return f"rgb({red},{green},{blue})"


def describe(model, X_train, y_train, X_val, y_val):
    """One line: the tree's size and both accuracies."""
    return (
        f"depth {model.get_depth()}, {model.get_n_leaves()} leaves; "
        f"train accuracy {model.score(X_train, y_train):.3f}, "
        f"validation {model.score(X_val, y_val):.3f}"
    )


def explorer(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    feature_names=("feature 1", "feature 2"),
    class_names=None,
):
    """A tree's regions on two features and its diagram, for ``max_depth`` (slider)
    and ``min_samples_split`` (menu), with its training and validation accuracy."""
    classes = np.unique(y_train)
    names = class_names or [str(label) for label in classes]

    def draw(min_samples_split, max_depth):
        model = DecisionTreeClassifier(
            max_depth=None if max_depth == GROWN else max_depth,
            min_samples_split=min_samples_split,
        ).fit(X_train, y_train)
        diagram = tree_diagram_traces(
            model, feature_names=feature_names, class_names=names
        )
        right = max(x for x, _ in node_positions(model, DIAGRAM_DEPTH).values())
        return View(
            [
                model_regions(model, X_train, resolution=60),
                *class_points(X_train, y_train, names=names),
                *((trace, 2) for trace in diagram),
            ],
            title=(
                f"max_depth = {max_depth}, min_samples_split = {min_samples_split}: "
                + describe(model, X_train, y_train, X_val, y_val)
            ),
            layout={"xaxis2.range": [-0.6, max(right, 3) + 0.6]},
        )

    hidden = {"visible": False, "fixedrange": True}
    return Explorer(
        [
            Control(
                "min_samples_split", [2, 10, 30], live_values=range(2, 61), start=2
            ),
            Control("max_depth", DEPTHS, live_values=(*range(1, 13), GROWN), start=3),
        ],
        draw,
        name="decision-tree-explorer",
        panels=(1, 2),
        subplots={"column_widths": [0.45, 0.55], "horizontal_spacing": 0.06},
        subplot_titles=(
            "regions of the training data",
            f"the tree (top {DIAGRAM_DEPTH + 1} levels)",
        ),
        layout={
            "xaxis.title.text": feature_names[0],
            "yaxis.title.text": feature_names[1],
            "xaxis2": hidden,
            "yaxis2": {**hidden, "range": [-DIAGRAM_DEPTH - 0.5, 0.5]},
            # The diagram on white, like a page, not on the plot's background.
            "shapes": [
                {
                    "type": "rect",
                    "xref": "x2 domain",
                    "yref": "y2 domain",
                    "x0": 0,
                    "x1": 1,
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "white",
                    "line": {"width": 0},
                    "layer": "below",
                }
            ],
        },
        description=(
            "Decision regions of a decision tree on two wine features, and the "
            "tree's questions as a diagram"
        ),
    )
