"""Chapter 22's explorer and pictures (scratchlearn.viz.association_rules): one
slider step per min_support and one menu entry per min_confidence, each showing
exactly the rules and itemsets FP-Growth finds there; a live-only setting draws;
Apriori's lattice and the FP-tree of the classic baskets, checked by hand and
against the conditional pattern bases that FP-Growth mines."""

import matplotlib
import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.unsupervised import FPGrowth, experiments
from scratchlearn.unsupervised.association_rules import merge_identical, one_hot
from scratchlearn.viz import association_rules as plots

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def baskets():
    return datasets.named_baskets()


@pytest.fixture(scope="module")
def explorer(baskets):
    return plots.explorer(baskets)


def shown(figure, visible):
    return [trace for trace, on in zip(figure.data, visible, strict=True) if on]


def assert_draws_the_rules(traces, title, baskets, min_support, min_confidence):
    model = FPGrowth(min_support, min_confidence=min_confidence).fit(baskets)
    (points,) = [t for t in traces if t.type == "scatter"]
    (bars,) = [t for t in traces if t.type == "bar"]
    (table,) = [t for t in traces if t.type == "table"]
    rules = model.rules_
    np.testing.assert_array_equal(points.x, [r.support for r in rules])
    np.testing.assert_array_equal(points.y, [r.confidence for r in rules])
    np.testing.assert_array_equal(points.marker.color, [r.lift for r in rules])
    assert list(points.text) == [plots.rule_text(r) for r in rules]
    # The table: the strongest rules, in the order of rules_.
    columns = table.cells["values"]
    assert list(columns[0]) == [
        plots.itemset_text(r.antecedent) for r in rules[: plots.TABLE_ROWS]
    ]
    np.testing.assert_array_equal(columns[4], [r.lift for r in rules[:8]])
    # The bars: the most frequent itemsets of two items or more, the top one last
    # (plotly draws the first bar at the bottom).
    larger = {s: v for s, v in model.frequent_itemsets_.items() if len(s) > 1}
    top = sorted(larger.values(), reverse=True)[: plots.BARS]
    np.testing.assert_array_equal(bars.x[::-1], top)
    assert bars.y[-1] == "bread + butter"
    n_larger = len(larger)
    assert (
        f"{len(model.frequent_itemsets_)} frequent itemsets ({n_larger} of two items "
        f"or more), {len(rules)} rules" in title
    )


def test_the_static_explorer_has_a_step_per_support_and_an_entry_per_confidence(
    explorer, baskets
):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [
        f"{s:g}" for s in plots.MIN_SUPPORTS
    ]
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [
        f"min_confidence = {c:g}" for c in plots.MIN_CONFIDENCES
    ]
    # Check two steps of the second menu entry (min_confidence 0.5).
    button = menu.buttons[plots.MIN_CONFIDENCES.index(0.5)]
    entry_slider = button.args[1]["sliders"][0]
    mine = entry_slider["steps"][0]["args"][2]  # the traces this entry restyles
    for index in (0, 3):
        step = entry_slider["steps"][index]
        visible = np.zeros(len(figure.data), dtype=bool)
        visible[np.array(mine)[step["args"][0]["visible"]]] = True
        min_support = plots.MIN_SUPPORTS[index]
        title = step["args"][1]["title.text"]
        assert_draws_the_rules(shown(figure, visible), title, baskets, min_support, 0.5)
        lines = step["args"][1]["shapes"]
        assert lines[0]["y0"] == 0.5 and lines[1]["x0"] == min_support


def test_a_live_only_setting_draws(explorer, baskets):
    assert 0.01 not in plots.MIN_SUPPORTS and 0.15 not in plots.MIN_CONFIDENCES
    figure = explorer.figure(min_confidence=0.15, min_support=0.01)
    assert_draws_the_rules(figure.data, figure.layout.title.text, baskets, 0.01, 0.15)


def test_the_fp_tree_holds_the_conditional_pattern_bases_fp_growth_mines(baskets):
    """For each item, the tree's nodes of that item (path above it, count) are the
    merged paths that FP-Growth's first step builds for it."""
    nodes, order = experiments.fp_tree(baskets[:300], 0.1)
    present, items = one_hot(baskets[:300])
    columns = [items.index(item) for item in order]
    paths = present[:, columns]  # (n_transactions, n_frequent) in the tree's order
    for position, item in enumerate(order):
        through = paths[:, position]
        base, weights = merge_identical(
            paths[through, :position], np.ones(int(through.sum()), dtype=int)
        )
        from_fp_growth = {
            tuple(o for o, on in zip(order, row, strict=False) if on): w
            for row, w in zip(base.tolist(), weights.tolist(), strict=True)
        }
        from_tree = {p[:-1]: c for p, c in nodes.items() if p[-1] == item}
        assert from_tree == from_fp_growth


def test_the_still_pictures_draw_every_itemset_and_node():
    import matplotlib.pyplot as plt

    transactions = datasets.classic_transactions()
    fig, (left, right) = plt.subplots(1, 2)
    plots.plot_lattice(transactions, 0.25, left)
    plots.plot_fp_tree(transactions, 0.25, right)
    assert len(left.texts) == 15
    counted = [t.get_text() for t in left.texts if "\n" in t.get_text()]
    assert len(counted) == 15 - 3  # three itemsets never counted
    assert len(right.texts) == 9 + 1  # the nodes and the root
    assert "2: 6" in [t.get_text() for t in right.texts]
    plt.close(fig)
