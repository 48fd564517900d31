"""Figures and the explorer of Chapter 22 (association rules).

Apriori's lattice of itemsets (which were frequent, which were counted and failed,
which were never counted), the FP-tree of a few baskets, and the explorer: the
rules that ``min_support`` and ``min_confidence`` keep, as a support/confidence
scatter coloured by lift and as a table, beside the most frequent itemsets.
"""

from itertools import combinations

import numpy as np

from scratchlearn.unsupervised import FPGrowth
from scratchlearn.unsupervised.association_rules import one_hot
from scratchlearn.unsupervised.experiments import fp_tree, lattice_status
from scratchlearn.viz.explorer import Control, Explorer, View, show
from scratchlearn.viz.figures import COLOURS


def itemset_text(itemset):
    """``("bread", "butter")`` as ``"bread + butter"``; ``(1, 4)`` as ``"{1, 4}"``."""
    if all(isinstance(item, str) for item in itemset):
        return " + ".join(itemset)
    return "{" + ", ".join(str(item) for item in itemset) + "}"


def rule_text(rule):
    return f"{itemset_text(rule.antecedent)} → {itemset_text(rule.consequent)}"


# --- the baskets, Apriori's lattice and the FP-tree (still pictures) --------------


def plot_baskets(transactions, axes):
    """The baskets as a table (a filled square where a basket holds an item) and,
    beside it, how many baskets hold each pair of items. Returns that count table,
    (n_items, n_items), with each item's own count on the diagonal."""
    present, items = one_hot(transactions)  # (n_transactions, n_items)
    together = present.T.astype(int) @ present.astype(int)  # (n_items, n_items)
    ax_baskets, ax_pairs = axes
    ax_baskets.imshow(present, cmap="Greens", vmin=0, vmax=1.3)
    ax_baskets.set_yticks(
        range(len(present)), [f"basket {i + 1}" for i in range(len(present))]
    )
    ax_baskets.set_title("which basket holds which item")
    ax_pairs.imshow(together, cmap="Blues", vmin=0, vmax=1.3 * together.max())
    for (row, column), count in np.ndenumerate(together):
        ax_pairs.text(column, row, str(count), ha="center", va="center")
    ax_pairs.set_yticks(range(len(items)), items)
    ax_pairs.set_ylabel("item")
    ax_pairs.set_title("baskets holding both items")
    for ax in axes:
        ax.set_xticks(range(len(items)), items)
        ax.set_xlabel("item")
    return together


LATTICE_STYLE = {
    "frequent": {"facecolor": COLOURS[0], "edgecolor": COLOURS[0], "color": "white"},
    "infrequent": {"facecolor": "white", "edgecolor": COLOURS[1], "color": "black"},
    "skipped": {"facecolor": "#eeeeee", "edgecolor": "#bbbbbb", "color": "#999999"},
}
LATTICE_LEGEND = {
    "frequent": "frequent",
    "infrequent": "counted, not frequent",
    "skipped": "never counted",
}


def plot_lattice(transactions, min_support, ax):
    """Every itemset in rows by size, with its count if Apriori counted it; lines
    join each itemset to its subsets one item smaller. Colours say what Apriori did
    (``LATTICE_STYLE``)."""
    status = lattice_status(transactions, min_support)
    by_size = {}
    for itemset in status:
        by_size.setdefault(len(itemset), []).append(itemset)
    position = {
        itemset: (i - (len(row) - 1) / 2, -size)
        for size, row in by_size.items()
        for i, itemset in enumerate(row)
    }
    for itemset, (x, y) in position.items():
        for subset in combinations(itemset, len(itemset) - 1):
            if subset in position:
                ax.plot(*zip((x, y), position[subset], strict=True), color="#cccccc")
    for itemset, (x, y) in position.items():
        count, kind = status[itemset]
        style = LATTICE_STYLE[kind]
        shown = "" if kind == "skipped" else f"\n{count}"  # Apriori never knew it
        ax.text(
            x,
            y,
            itemset_text(itemset) + shown,
            ha="center",
            va="center",
            fontsize=8,
            color=style["color"],
            bbox={
                "boxstyle": "round",
                "facecolor": style["facecolor"],
                "edgecolor": style["edgecolor"],
            },
        )
    for kind, style in LATTICE_STYLE.items():
        ax.scatter(
            [],
            [],
            marker="s",
            s=80,
            label=LATTICE_LEGEND[kind],
            color=style["facecolor"],
            edgecolors=style["edgecolor"],
        )
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    widest = max(len(row) for row in by_size.values())
    ax.set_xlim(-widest / 2 - 0.2, widest / 2 + 0.2)
    ax.set_ylim(-len(by_size) - 0.6, -0.4)
    ax.axis("off")


def plot_fp_tree(transactions, min_support, ax):
    """Draw :func:`~scratchlearn.unsupervised.experiments.fp_tree`: the root on
    top, each node ``item: count``, children left to right in the tree's order."""
    nodes, order = fp_tree(transactions, min_support)
    leaves = [
        p
        for p in sorted(nodes, key=lambda p: [order.index(i) for i in p])
        if not any(q[:-1] == p for q in nodes)
    ]
    x_of = {leaf: float(i) for i, leaf in enumerate(leaves)}
    for path in sorted(nodes, key=len, reverse=True):  # parents centred on children
        children = [x_of[q] for q in nodes if q[:-1] == path]
        x_of.setdefault(path, float(np.mean(children)) if children else 0.0)
    x_of[()] = float(np.mean([x_of[p] for p in nodes if len(p) == 1]))
    for path, x in x_of.items():
        if path:
            ax.plot([x, x_of[path[:-1]]], [-len(path), 1 - len(path)], color="#999999")
    for path, x in x_of.items():
        text = f"{path[-1]}: {nodes[path]}" if path else "root"
        ax.text(
            x,
            -len(path),
            text,
            ha="center",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": COLOURS[2]},
        )
    ax.set_xlim(-0.7, len(leaves) - 0.3)
    ax.set_ylim(-max(map(len, nodes)) - 0.5, 0.5)
    ax.axis("off")


# --- the explorer ------------------------------------------------------------------

MIN_SUPPORTS = (0.03, 0.05, 0.08, 0.1, 0.15, 0.2)
MIN_CONFIDENCES = (0.3, 0.5, 0.7)
LIVE_SUPPORTS = tuple(round(s, 2) for s in np.arange(0.01, 0.301, 0.01))
LIVE_CONFIDENCES = tuple(round(c, 2) for c in np.arange(0.1, 0.951, 0.05))
TABLE_ROWS = 8  # the strongest rules
BARS = 12  # the most frequent itemsets of two items or more
TABLE_HEADER = ("if a basket holds", "it also holds", "support", "confidence", "lift")


def rule_points(rules, lift_range):
    """The rules as points: support across, confidence up, lift as colour."""
    import plotly.graph_objects as go

    return go.Scatter(
        x=[r.support for r in rules],
        y=[r.confidence for r in rules],
        mode="markers",
        text=[rule_text(r) for r in rules],
        hovertemplate="%{text}<br>support %{x:.3f}, confidence %{y:.3f}"
        "<br>lift %{marker.color:.2f}<extra></extra>",
        marker={
            "color": [r.lift for r in rules],
            "cmin": lift_range[0],
            "cmax": lift_range[1],
            "colorscale": "Viridis",
            "colorbar": {
                "title": {"text": "lift"},
                "len": 0.5,
                "y": 1,
                "yanchor": "top",
                "x": 0.37,  # beside the scatter, not the bars
                "thickness": 12,
            },
            "size": 7,
        },
        showlegend=False,
    )


def itemset_bars(frequent_itemsets):
    """The most frequent itemsets of two items or more, the most frequent on top."""
    import plotly.graph_objects as go

    larger = [(s, v) for s, v in frequent_itemsets.items() if len(s) > 1]
    top = sorted(larger, key=lambda pair: -pair[1])[:BARS][::-1]  # stable: ties keep
    return go.Bar(
        x=[support for _, support in top],
        y=[itemset_text(itemset) for itemset, _ in top],
        orientation="h",
        marker={"color": COLOURS[0]},
        hovertemplate="%{y}: support %{x:.3f}<extra></extra>",
        showlegend=False,
    )


def rule_table(rules):
    """The first ``TABLE_ROWS`` rules (the strongest) as a plotly table."""
    import plotly.graph_objects as go

    shown = rules[:TABLE_ROWS]
    columns = [
        [itemset_text(r.antecedent) for r in shown],
        [itemset_text(r.consequent) for r in shown],
        *([r[field] for r in shown] for field in (2, 3, 4)),
    ]
    return go.Table(
        header={"values": list(TABLE_HEADER), "align": "left"},
        cells={
            "values": columns,
            "format": ["", "", ".3f", ".3f", ".2f"],
            "align": "left",
        },
        columnwidth=[3, 2, 1, 1, 1],
    )


def threshold_lines(min_support, min_confidence):
    """Dotted lines across the scatter at the two thresholds (plotly shapes)."""
    line = {"color": "black", "width": 1, "dash": "dot"}
    across = {"xref": "x domain", "x0": 0, "x1": 1, "yref": "y"}
    up = {"xref": "x", "yref": "y domain", "y0": 0, "y1": 1}
    return [
        {
            "type": "line",
            **across,
            "y0": min_confidence,
            "y1": min_confidence,
            "line": line,
        },
        {"type": "line", **up, "x0": min_support, "x1": min_support, "line": line},
    ]


def explorer(transactions):
    """The rules and frequent itemsets of ``transactions`` (FP-Growth) as
    ``min_confidence`` (menu) and ``min_support`` (slider) change."""
    # Colours and axes fixed over every setting: lifts over the static settings
    # (a live setting's rarer rules may lift more: they take the top colour), and
    # supports up to the most frequent itemset of two items or more.
    lowest = FPGrowth(min(MIN_SUPPORTS), min_confidence=min(MIN_CONFIDENCES))
    lifts = [rule.lift for rule in lowest.fit(transactions).rules_]
    lift_range = (min(lifts), max(lifts))
    largest = max(v for s, v in lowest.frequent_itemsets_.items() if len(s) > 1)

    def draw(min_confidence, min_support):
        model = FPGrowth(min_support, min_confidence=min_confidence)
        model.fit(transactions)
        n_larger = sum(len(s) > 1 for s in model.frequent_itemsets_)
        return View(
            [
                (rule_points(model.rules_, lift_range), (1, 1)),
                (itemset_bars(model.frequent_itemsets_), (1, 2)),
                (rule_table(model.rules_), (2, 1)),
            ],
            title=(
                f"min_support {show(min_support)}, min_confidence "
                f"{show(min_confidence)}: {len(model.frequent_itemsets_)} frequent "
                f"itemsets ({n_larger} of two items or more), "
                f"{len(model.rules_)} rules"
            ),
            layout={"shapes": threshold_lines(min_support, min_confidence)},
        )

    return Explorer(
        [
            Control(
                "min_confidence",
                MIN_CONFIDENCES,
                start=0.5,
                live_values=LIVE_CONFIDENCES,
            ),
            Control("min_support", MIN_SUPPORTS, start=0.05, live_values=LIVE_SUPPORTS),
        ],
        draw,
        name="association-rules-explorer",
        panels=(2, 2),
        subplots={
            "specs": [[{}, {}], [{"type": "table", "colspan": 2}, None]],
            "row_heights": [0.58, 0.42],
            "horizontal_spacing": 0.3,
            "vertical_spacing": 0.1,
        },
        subplot_titles=("the rules kept", "the most frequent itemsets"),
        layout={
            "xaxis.title.text": "support",
            "xaxis.range": [0, 1.05 * largest],
            "yaxis.title.text": "confidence",
            "yaxis.range": [0, 1.02],
            "xaxis2.title.text": "support",
            "yaxis2.tickfont.size": 10,
        },
        height=820,
        description="Association rules of shopping baskets as a support/confidence "
        "scatter coloured by lift, the most frequent itemsets as bars, and the "
        "strongest rules as a table",
    )
