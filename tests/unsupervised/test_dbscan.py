"""DBSCAN (Chapter 18): hand-computed cases, the border-point rule, and the same
labels, core points and cluster numbers as scikit-learn's DBSCAN on two moons and
on blobs with background noise (exactly equal: not only up to renaming)."""

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components
from scipy.spatial.distance import cdist
from sklearn import cluster

from scratchlearn import datasets
from scratchlearn.unsupervised import DBSCAN
from scratchlearn.unsupervised.dbscan import (
    connected_components,
    neighbour_pairs,
)


def same_as_scikit_learn(X, **settings):
    ours = DBSCAN(**settings).fit(X)
    theirs = cluster.DBSCAN(**settings).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(
        ours.core_sample_indices_, theirs.core_sample_indices_
    )
    np.testing.assert_array_equal(ours.components_, theirs.components_)
    return ours


# --- by hand ------------------------------------------------------------------------


def test_core_border_and_noise_by_hand():
    # On a line, eps = 1.1, min_samples = 3 (the point itself counts):
    #   0, 1, 2, 3: 1 and 2 have three points within 1.1 -> core; 0 and 3 two -> border
    #   10, 11, 12: 11 is core; 10 and 12 border
    #   20: alone -> noise
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [11.0], [12.0], [20.0]])
    model = DBSCAN(eps=1.1, min_samples=3).fit(X)
    np.testing.assert_array_equal(model.core_sample_indices_, [1, 2, 5])
    np.testing.assert_array_equal(model.labels_, [0, 0, 0, 0, 1, 1, 1, -1])
    np.testing.assert_array_equal(model.components_, X[[1, 2, 5]])
    # min_samples = 1: every point is core, and 20 is a cluster of its own.
    np.testing.assert_array_equal(
        DBSCAN(eps=1.1, min_samples=1).fit_predict(X), [0, 0, 0, 0, 1, 1, 1, 2]
    )
    # A distance of exactly eps counts as within eps.
    np.testing.assert_array_equal(
        DBSCAN(eps=1.0, min_samples=3).fit(X).core_sample_indices_, [1, 2, 5]
    )


def two_clusters_and_a_shared_border(first):
    """Four core points around (0, 0) and four around (2, 0), and a point at (1, 0)
    that is within eps of a core point of each but is not core itself; the cluster
    listed ``first`` comes first in X."""
    left = np.array([[0.0, 0.0], [-0.1, 0.0], [-0.2, 0.0], [-0.3, 0.0]])
    right = np.array([[2.0, 0.0], [2.1, 0.0], [2.2, 0.0], [2.3, 0.0]])
    border = np.array([[1.0, 0.0]])
    parts = [left, right] if first == "left" else [right, left]
    return np.vstack([*parts, border])


@pytest.mark.parametrize("first", ["left", "right"])
def test_a_border_point_joins_the_lowest_numbered_cluster(first):
    X = two_clusters_and_a_shared_border(first)
    model = same_as_scikit_learn(X, eps=1.01, min_samples=4)
    assert 8 not in model.core_sample_indices_
    # The cluster of X's first point is cluster 0: the border point joins it,
    # whichever side it is on.
    np.testing.assert_array_equal(model.labels_, [0] * 4 + [1] * 4 + [0])
    # Moved to the front of X, it still joins cluster 0, now the one whose core
    # point comes first.
    moved = same_as_scikit_learn(np.roll(X, 1, axis=0), eps=1.01, min_samples=4)
    np.testing.assert_array_equal(moved.labels_, [0] + [0] * 4 + [1] * 4)


def test_a_single_sample():
    X = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(same_as_scikit_learn(X, min_samples=1).labels_, [0])
    np.testing.assert_array_equal(same_as_scikit_learn(X, min_samples=2).labels_, [-1])


def test_all_noise():
    X = np.arange(10.0).reshape(5, 2) * 10
    model = same_as_scikit_learn(X, eps=1.0, min_samples=2)
    assert model.components_.shape == (0, 2)
    np.testing.assert_array_equal(model.predict(X), [-1] * 5)


# --- the pieces ---------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_neighbour_pairs_are_every_pair_within_eps(metric):
    # Points on an integer grid: many pairs at exactly eps, which must be in.
    rng = np.random.default_rng(0)
    X = rng.integers(0, 6, size=(120, 2)).astype(float)
    Y = rng.integers(0, 6, size=(90, 2)).astype(float)
    for eps in (1.0, 2.0, np.sqrt(2.0), 2.5):
        rows, columns = neighbour_pairs(X, Y, eps, metric)
        found = np.zeros((len(X), len(Y)), dtype=int)
        np.add.at(found, (rows, columns), 1)
        distances = cdist(X, Y, "euclidean" if metric == "euclidean" else "cityblock")
        np.testing.assert_array_equal(found, distances <= eps)


def test_neighbour_pairs_in_many_blocks_and_dimensions():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(700, 5))
    rows, columns = neighbour_pairs(X, X, 1.2)
    expected = np.argwhere(cdist(X, X) <= 1.2)
    found = np.column_stack([rows, columns])
    np.testing.assert_array_equal(found[np.lexsort(found.T[::-1])], expected)


@pytest.mark.parametrize("seed", range(4))
def test_connected_components_equal_scipys(seed):
    rng = np.random.default_rng(seed)
    n_nodes, n_edges = 300, int(rng.integers(50, 400))
    rows = rng.integers(0, n_nodes, size=n_edges)
    columns = rng.integers(0, n_nodes, size=n_edges)
    root = connected_components(n_nodes, rows, columns)
    graph = coo_matrix((np.ones(n_edges), (rows, columns)), shape=(n_nodes,) * 2)
    _, theirs = scipy_components(graph, directed=False)
    # The same partition, and each component named by its smallest node.
    _, first = np.unique(theirs, return_index=True)
    np.testing.assert_array_equal(root, first[theirs])


def test_a_long_chain_is_one_component():
    order = np.random.default_rng(2).permutation(1000)
    root = connected_components(1000, order[:-1], order[1:])
    np.testing.assert_array_equal(root, np.zeros(1000))


# --- against scikit-learn -----------------------------------------------------------


def moons_with_noise():
    return datasets.add_uniform_noise(
        datasets.moons(400, noise=0.08, random_state=0).X, 40, random_state=1
    )


def blobs_with_noise():
    X = datasets.blobs(500, centers=4, cluster_std=0.8, random_state=3).X
    return datasets.add_uniform_noise(X, 60, margin=2.0, random_state=4)


@pytest.mark.parametrize("min_samples", [2, 4, 8, 15])
@pytest.mark.parametrize("eps", [0.08, 0.12, 0.2, 0.35])
def test_two_moons_like_scikit_learn(eps, min_samples):
    same_as_scikit_learn(moons_with_noise(), eps=eps, min_samples=min_samples)


@pytest.mark.parametrize("min_samples", [3, 5, 10, 20])
@pytest.mark.parametrize("eps", [0.3, 0.5, 0.8, 1.5])
def test_blobs_with_noise_like_scikit_learn(eps, min_samples):
    same_as_scikit_learn(blobs_with_noise(), eps=eps, min_samples=min_samples)


@pytest.mark.parametrize("eps", [0.5, 1.0, 2.0])
def test_manhattan_like_scikit_learn(eps):
    same_as_scikit_learn(blobs_with_noise(), eps=eps, min_samples=5, metric="manhattan")


def test_the_chapters_settings_find_the_moons_and_the_noise():
    moons = datasets.moons(240, noise=0.07, random_state=0)
    X = datasets.add_uniform_noise(moons.X, 24, random_state=1)
    labels = same_as_scikit_learn(X, eps=0.2, min_samples=6).labels_
    # Each moon is one cluster, all of it; background points that fall on a moon
    # are indistinguishable from it, the others are noise.
    assert set(labels[:240][moons.y == 0]) == {0}
    assert set(labels[:240][moons.y == 1]) == {1}
    assert np.count_nonzero(labels[240:] == -1) == np.count_nonzero(labels == -1) == 12


def test_with_one_sample_dbscan_is_single_linkage_cut_at_eps():
    """min_samples=1: every point is core, and the clusters are the components of
    the "within eps" graph, which single linkage cut at eps also gives."""
    from scipy.cluster import hierarchy

    X = moons_with_noise()
    Z = hierarchy.linkage(X, "single")
    for eps in (0.05, 0.1, 0.2):
        labels = DBSCAN(eps, min_samples=1).fit(X).labels_
        theirs = hierarchy.fcluster(Z, eps, criterion="distance")
        pairs = set(zip(labels.tolist(), theirs.tolist(), strict=True))
        assert len(pairs) == len(set(labels)) == len(set(theirs))


def test_digits_with_integer_distances_like_scikit_learn():
    """Pixel values are integers: many pairs at exactly eps = 20 (squared 400)."""
    X = datasets.digits().X
    assert np.any(cdist(X, X) == 20.0)
    for eps in (18.0, 20.0, 24.0):
        same_as_scikit_learn(X, eps=eps, min_samples=6)


# --- predict ------------------------------------------------------------------------


def test_predict_gives_the_training_points_their_labels():
    for X, eps in [(moons_with_noise(), 0.12), (blobs_with_noise(), 0.5)]:
        model = DBSCAN(eps=eps, min_samples=6).fit(X)
        np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_predict_new_points_by_the_border_rule():
    X = two_clusters_and_a_shared_border("left")
    model = DBSCAN(eps=1.01, min_samples=4).fit(X)
    new = np.array([[0.5, 0.0], [2.8, 0.0], [1.0, 0.0], [1.0, 5.0], [-1.4, 0.0]])
    # Within eps of the left cluster only, of the right only, of both (the lower
    # number wins), of none, and beyond eps of every core point.
    np.testing.assert_array_equal(model.predict(new), [0, 1, 0, -1, -1])
