"""Chapter 19's explorer and pictures (scratchlearn.viz.agglomerative): the
dendrogram drawn from our own linkage matrix lies exactly where SciPy's dendrogram
puts it; a cut crosses one branch per cluster; the static explorer has one menu
entry per linkage and one slider step per cut, and live-only cuts draw the same
clusters as scikit-learn's distance_threshold."""

import numpy as np
import pytest
from scipy.cluster import hierarchy
from sklearn import cluster

from scratchlearn import datasets
from scratchlearn.unsupervised import experiments
from scratchlearn.unsupervised.agglomerative import LINKAGES, cut_tree, linkage
from scratchlearn.viz import agglomerative as plots
from scratchlearn.viz.explorer import shown_traces
from scratchlearn.viz.figures import COLOURS


@pytest.fixture(scope="module")
def X():
    moons = datasets.moons(60, noise=0.06, random_state=0).X
    blob = datasets.blobs(15, centers=[[2.2, 1.4]], cluster_std=0.15, random_state=1)
    return np.vstack([moons, blob.X])


@pytest.fixture(scope="module")
def explorer(X):
    return plots.explorer(X)


def same_partition(a, b):
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(b))


@pytest.mark.parametrize("method", LINKAGES)
def test_the_dendrogram_is_where_scipy_draws_it(X, method):
    Z = linkage(X, method)
    theirs = hierarchy.dendrogram(Z, no_plot=True)
    leaves, _, _ = plots.dendrogram_layout(Z)
    np.testing.assert_array_equal(leaves, theirs["leaves"])
    xs, ys = plots.dendrogram_lines(Z)
    ours = np.column_stack([xs.reshape(-1, 5)[:, :4], ys.reshape(-1, 5)[:, :4]])
    expected = np.column_stack([theirs["icoord"], theirs["dcoord"]])
    key = lambda rows: rows[np.lexsort(rows.T[::-1])]  # noqa: E731
    np.testing.assert_allclose(key(ours), key(expected), rtol=1e-12)
    assert np.isnan(xs[4::5]).all() and np.isnan(ys[4::5]).all()  # gaps


@pytest.mark.parametrize("method", LINKAGES)
def test_a_cut_crosses_one_branch_per_cluster(X, method):
    Z = linkage(X, method)
    leaves, _, _ = plots.dendrogram_layout(Z)
    first = experiments.first_leaves(Z, leaves)
    for n_clusters in (1, 2, 3, 7, len(X)):
        tops = experiments.cluster_tops(Z, n_clusters)
        labels = cut_tree(Z, n_clusters)
        assert len(tops) == n_clusters
        # Each top's leftmost point is in a different cluster, and the tops hold
        # all the points between them.
        assert len(set(labels[first[tops]])) == n_clusters
        sizes = np.concatenate([np.ones(len(X)), Z[:, 3]])
        assert sizes[tops].sum() == len(X)
    # The number of clusters below a cut, as scikit-learn counts them.
    height = (Z[-4, 2] + Z[-3, 2]) / 2
    assert experiments.n_clusters_below(Z, height) == 4
    model = cluster.AgglomerativeClustering(
        None, distance_threshold=height, linkage=method
    )
    assert model.fit(X).n_clusters_ == 4


def test_one_menu_entry_per_linkage_and_one_step_per_cut(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == [f"{c:g}" for c in plots.CUTS]
    assert slider.steps[slider.active].label == "0.3"
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [f"linkage = {m}" for m in LINKAGES]
    assert menu.buttons[menu.active].label == "linkage = single"
    trees = set()
    for entry, button in enumerate(menu.buttons):
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(plots.CUTS)
        for position in range(len(steps)):
            shown = shown_traces(figure, entry, position)
            assert len(shown) == 4  # points, dendrogram, cut line, crossings
            lines = [i for i in shown if figure.data[i].mode == "lines"]
            trees.update(i for i in lines if len(figure.data[i].x) > 2)
    # Each linkage's dendrogram is stored once, shown by all its steps.
    assert len(trees) == len(LINKAGES)


@pytest.mark.parametrize("method", LINKAGES)
def test_a_live_cut_draws_scikit_learns_clusters(explorer, X, method):
    assert 0.55 in plots.LIVE_CUTS and 0.55 not in plots.CUTS
    figure = explorer.figure(method=method, cut=0.55)
    Z = linkage(X, method)
    height = 0.55 * Z[-1, 2]
    reference = cluster.AgglomerativeClustering(
        None, distance_threshold=height, linkage=method
    ).fit(X)
    points, tree, cut_line, crossings = figure.data
    assert reference.n_clusters_ <= len(COLOURS)  # colours name the clusters
    assert same_partition(points.marker.color, reference.labels_)
    assert f": {reference.n_clusters_} cluster" in figure.layout.title.text
    np.testing.assert_allclose(cut_line.y, [height, height])
    np.testing.assert_allclose(crossings.y, np.full(reference.n_clusters_, height))
    # Each crossing wears the colour of the points of its branch.
    tops, colours = plots.crossings(Z, height)
    np.testing.assert_array_equal(crossings.marker.color, colours)
    leaves, x, _ = plots.dendrogram_layout(Z)
    np.testing.assert_allclose(crossings.x, x[tops])
    first = experiments.first_leaves(Z, leaves)
    palette = np.array(COLOURS)
    np.testing.assert_array_equal(palette[points.marker.color[first[tops]]], colours)
    np.testing.assert_allclose(tree.x, plots.dendrogram_lines(Z)[0])


def test_the_still_dendrogram(X):
    import matplotlib.pyplot as plt

    Z = linkage(X, "ward")
    fig, ax = plt.subplots()
    plots.plot_dendrogram(Z, ax, cut=(Z[-3, 2] + Z[-2, 2]) / 2)
    (crossings,) = ax.collections
    assert len(crossings.get_offsets()) == 3
    plt.close(fig)
