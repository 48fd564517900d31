"""Chapter 10's explorer (scratchlearn.viz.decision_tree): every setting is drawn,
the regions are the tree's predictions and the diagram is the tree."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import DecisionTreeClassifier
from scratchlearn.viz import decision_tree as tree_plots
from scratchlearn.viz.figures import predicted_regions

NAMES = ("alcohol", "flavanoids")
CULTIVARS = ["cultivar 1", "cultivar 2", "cultivar 3"]


@pytest.fixture(scope="module")
def halves():
    X, y = datasets.wine()
    parts = datasets.split(X[:, [0, 6]], y, test_size=0.5)
    return parts.X_train, parts.y_train, parts.X_test, parts.y_test


@pytest.fixture(scope="module")
def explorer(halves):
    return tree_plots.explorer(*halves, feature_names=NAMES, class_names=CULTIVARS)


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    depths, splits = (control.values for control in explorer.controls[::-1])
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [str(d) for d in depths]
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"min_samples_split = {split}" for split in splits
    ]
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == len(depths)
    # Both panels have something to show in the first setting.
    shown = [trace for trace in figure.data if trace.visible]
    assert {trace.xaxis or "x" for trace in shown} == {"x", "x2"}


def test_a_live_only_setting_draws_the_regions_of_its_tree(explorer, halves):
    X_train, y_train, X_val, y_val = halves
    figure = explorer.figure(min_samples_split=7, max_depth=12)
    tree = DecisionTreeClassifier(max_depth=12, min_samples_split=7)
    tree.fit(X_train, y_train)
    _, _, expected = predicted_regions(tree, X_train, resolution=60)
    (heatmap,) = [trace for trace in figure.data if trace.type == "heatmap"]
    np.testing.assert_array_equal(np.asarray(heatmap.z), expected)
    assert f"validation {tree.score(X_val, y_val):.3f}" in figure.layout.title.text


def test_none_grows_the_tree_until_its_leaves_are_pure(explorer, halves):
    X_train, y_train, _, _ = halves
    figure = explorer.figure(min_samples_split=2, max_depth=tree_plots.GROWN)
    grown = DecisionTreeClassifier().fit(X_train, y_train)
    assert f"depth {grown.get_depth()}, {grown.get_n_leaves()} leaves" in (
        figure.layout.title.text
    )
    assert "train accuracy 1.000" in figure.layout.title.text


def test_the_diagram_is_the_tree(halves):
    X_train, y_train, _, _ = halves
    tree = DecisionTreeClassifier(max_depth=2).fit(X_train, y_train)
    edges, nodes = tree_plots.diagram_traces(
        tree, feature_names=NAMES, class_names=CULTIVARS
    )
    # Every node of a tree shallower than the diagram is drawn, each child joined
    # to its parent by one segment (two points and a gap).
    assert len(nodes.x) == tree.node_count_
    assert len(edges.x) == 3 * (tree.node_count_ - 1)
    positions = tree_plots.node_positions(tree, tree_plots.DIAGRAM_DEPTH)
    order = list(positions)  # the nodes in the order they are drawn
    root = nodes.text[order.index(0)]
    assert root == f"{NAMES[tree.feature_[0]]}<br>≤ {tree.threshold_[0]:.3g}"
    leaves = np.flatnonzero(tree.left_ == -1)
    for leaf in leaves:
        majority = CULTIVARS[int(np.argmax(tree.value_[leaf]))]
        text = nodes.text[order.index(leaf)]
        assert text == f"{majority}<br>n={tree.n_node_samples_[leaf]}"
    # Leaves sit in left-to-right order, one unit apart; a parent halfway between
    # its children, one level above them.
    assert sorted(positions[leaf][0] for leaf in leaves) == list(range(len(leaves)))
    for node in np.flatnonzero(tree.left_ != -1):
        left, right = positions[tree.left_[node]], positions[tree.right_[node]]
        assert positions[node][0] == (left[0] + right[0]) / 2
        assert left[1] == right[1] == positions[node][1] + 1


def test_the_diagram_stops_at_its_depth(halves):
    X_train, y_train, _, _ = halves
    tree = DecisionTreeClassifier().fit(X_train, y_train)
    _, nodes = tree_plots.diagram_traces(
        tree, feature_names=NAMES, class_names=CULTIVARS, depth=2
    )
    assert max(-np.asarray(nodes.y)) == 2
    cut = [text for text in nodes.text if text.startswith("...")]
    assert cut, "a deeper tree shows where the diagram stops"


def test_the_picture_shows_the_regions_and_the_whole_small_tree(halves):
    X_train, y_train, _, _ = halves
    tree = DecisionTreeClassifier(max_depth=2).fit(X_train, y_train)
    figure = tree_plots.picture(
        tree, X_train, y_train, feature_names=NAMES, class_names=CULTIVARS
    ).figure
    (heatmap,) = [trace for trace in figure.data if trace.type == "heatmap"]
    _, _, expected = predicted_regions(tree, X_train, resolution=60)
    np.testing.assert_array_equal(np.asarray(heatmap.z), expected)
    nodes = [trace for trace in figure.data if trace.xaxis == "x2" and trace.text]
    assert len(nodes[0].x) == tree.node_count_
    assert tuple(figure.layout.yaxis2.range) == (-2.5, 0.5)
