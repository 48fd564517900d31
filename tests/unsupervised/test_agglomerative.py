"""Agglomerative clustering (Chapter 19): a hand-computed tree, the naive O(n^3)
definition, and identical merges, distances and labels to SciPy's ``linkage`` and
``fcluster`` and scikit-learn's AgglomerativeClustering for all four linkages on
tie-free data."""

import numpy as np
import pytest
from scipy.cluster import hierarchy
from sklearn import cluster

from scratchlearn import datasets
from scratchlearn.unsupervised import AgglomerativeClustering
from scratchlearn.unsupervised.agglomerative import (
    LINKAGES,
    cut_tree,
    euclidean_distance_matrix,
    linkage,
    linkage_matrix,
    minimum_spanning_tree,
    naive_linkage,
    nearest_neighbour_chain,
)

# Relative tolerance of merge distances against SciPy's. The arithmetic is the
# same (distances summed feature by feature, SciPy's Lance-Williams formulas); what
# remains is the compiler's freedom in evaluating them.
RTOL = 1e-12


def same_partition(a, b):
    """Whether two labellings split the samples the same way (up to renaming)."""
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def seeded(n_samples, n_features, seed):
    """Gaussian data: no two pairs of points at the same distance (tie-free)."""
    return np.random.default_rng(seed).normal(size=(n_samples, n_features))


TIE_FREE = {
    "normal-60x2": seeded(60, 2, 0),
    "normal-250x5": seeded(250, 5, 1),
    "blobs-300x2": datasets.blobs(300, centers=4, random_state=2).X,
    "moons-200": datasets.moons(200, noise=0.1, random_state=3).X,
    # Measured to 0.1 unit: jittered far below that to remove the ties.
    "wine-jittered": datasets.wine().X
    + 1e-7 * np.random.default_rng(4).normal(size=(178, 13)),
}


# --- by hand ------------------------------------------------------------------------


def test_a_tree_by_hand():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    # Every linkage merges 0 and 1 first (cluster 4), then {0, 1} and 3 (cluster 5),
    # then everything (cluster 6); the heights differ.
    expected = {
        "single": [1.0, 2.0, 4.0],
        "complete": [1.0, 3.0, 7.0],
        "average": [1.0, (3 + 2) / 2, (7 + 6 + 4) / 3],
        # Ward: sqrt(2 n_a n_b / (n_a + n_b)) times the distance between centroids.
        "ward": [1.0, np.sqrt(4 / 3) * 2.5, np.sqrt(6 / 4) * (7 - 4 / 3)],
    }
    for method, heights in expected.items():
        Z = linkage(X, method)
        merges = [[0, 1, 2], [2, 4, 3], [3, 5, 4]]
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], merges)
        np.testing.assert_allclose(Z[:, 2], heights, rtol=1e-14)


def definition(X, method):
    """The definition, O(n^3): merge the closest pair of clusters, measuring
    distances between clusters from their points every time."""
    clusters = {i: [i] for i in range(len(X))}
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    rows = []

    def distance(a, b):
        between = D[np.ix_(clusters[a], clusters[b])]
        if method == "single":
            return between.min()
        if method == "complete":
            return between.max()
        if method == "average":
            return between.mean()
        # Ward: sqrt of twice the growth of the within-cluster sum of squares.
        A, B = X[clusters[a]], X[clusters[b]]
        growth = len(A) * len(B) / (len(A) + len(B))
        return np.sqrt(2 * growth * ((A.mean(0) - B.mean(0)) ** 2).sum())

    while len(clusters) > 1:
        names = sorted(clusters)
        height, a, b = min(
            (distance(a, b), a, b) for i, a in enumerate(names) for b in names[i + 1 :]
        )
        new = len(X) + len(rows)
        clusters[new] = clusters.pop(a) + clusters.pop(b)
        rows.append([a, b, height, len(clusters[new])])
    return np.array(rows)


@pytest.mark.parametrize("method", LINKAGES)
@pytest.mark.parametrize("seed", range(3))
def test_the_same_tree_as_the_naive_definition(method, seed):
    X = seeded(30, 3, seed)
    Z = linkage(X, method)
    expected = definition(X, method)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], expected[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], expected[:, 2], rtol=1e-10)
    # The book's naive loop (Lance-Williams updates, the whole matrix scanned at
    # each step) finds the same tree; it merges in another order, so the
    # heights may round differently.
    naive = naive_linkage(X, method)
    np.testing.assert_array_equal(naive[:, [0, 1, 3]], Z[:, [0, 1, 3]])
    np.testing.assert_allclose(naive[:, 2], Z[:, 2], rtol=RTOL)


# --- against SciPy and scikit-learn -------------------------------------------------


@pytest.mark.parametrize("method", LINKAGES)
@pytest.mark.parametrize("data", list(TIE_FREE))
def test_the_same_linkage_matrix_as_scipy(data, method):
    X = TIE_FREE[data]
    Z, theirs = linkage(X, method), hierarchy.linkage(X, method)
    np.testing.assert_array_equal(Z[:, [0, 1, 3]], theirs[:, [0, 1, 3]])
    np.testing.assert_allclose(Z[:, 2], theirs[:, 2], rtol=RTOL)
    assert hierarchy.is_valid_linkage(Z)


@pytest.mark.parametrize("method", LINKAGES)
@pytest.mark.parametrize("data", list(TIE_FREE))
def test_the_same_flat_clusters_as_fcluster(data, method):
    X = TIE_FREE[data]
    Z = linkage(X, method)
    for n_clusters in (1, 2, 3, 5, 12, len(X)):
        theirs = hierarchy.fcluster(Z, n_clusters, criterion="maxclust")
        assert same_partition(cut_tree(Z, n_clusters), theirs), n_clusters
    # Cut between two merge heights: fcluster keeps merges at or below t.
    heights = Z[:, 2]
    for k in (len(heights) // 2, len(heights) - 3, len(heights) - 2):
        t = (heights[k] + heights[k + 1]) / 2
        model = AgglomerativeClustering(None, distance_threshold=t, linkage=method)
        theirs = hierarchy.fcluster(Z, t, criterion="distance")
        assert same_partition(model.fit(X).labels_, theirs)
        assert model.n_clusters_ == len(set(theirs))


@pytest.mark.parametrize("method", LINKAGES)
@pytest.mark.parametrize("data", list(TIE_FREE))
def test_the_same_tree_and_labels_as_scikit_learn(data, method):
    X = TIE_FREE[data]
    for n_clusters in (2, 4, 9):
        ours = AgglomerativeClustering(n_clusters, linkage=method).fit(X)
        theirs = cluster.AgglomerativeClustering(
            n_clusters, linkage=method, compute_distances=True
        ).fit(X)
        # For single linkage scikit-learn lists a merge's two children in the
        # order its own minimum spanning tree gives; SciPy's and ours, smaller
        # first.
        np.testing.assert_array_equal(ours.children_, np.sort(theirs.children_, 1))
        if method != "single":
            np.testing.assert_array_equal(ours.children_, theirs.children_)
        np.testing.assert_allclose(ours.distances_, theirs.distances_, rtol=RTOL)
        assert same_partition(ours.labels_, theirs.labels_)
        assert ours.n_clusters_ == theirs.n_clusters_ == n_clusters


@pytest.mark.parametrize("method", LINKAGES)
def test_distance_threshold_like_scikit_learn(method):
    X = TIE_FREE["blobs-300x2"]
    heights = linkage(X, method)[:, 2]
    for k in (150, 290, 296):
        threshold = (heights[k] + heights[k + 1]) / 2
        settings = {"distance_threshold": threshold, "linkage": method}
        ours = AgglomerativeClustering(None, **settings).fit(X)
        theirs = cluster.AgglomerativeClustering(None, **settings).fit(X)
        assert ours.n_clusters_ == theirs.n_clusters_ == len(heights) - k
        assert same_partition(ours.labels_, theirs.labels_)


def test_ties_are_broken_as_scipy_breaks_them():
    """Iris has duplicate flowers and distances repeated many times over; the
    chain, SciPy's tie rules and the same arithmetic give SciPy's tree anyway."""
    X = datasets.iris().X
    for method in ("complete", "average", "ward"):
        Z, theirs = linkage(X, method), hierarchy.linkage(X, method)
        np.testing.assert_array_equal(Z[:, [0, 1, 3]], theirs[:, [0, 1, 3]])
        np.testing.assert_allclose(Z[:, 2], theirs[:, 2], rtol=RTOL)


def test_only_single_linkage_finds_the_chapters_moons_and_blob():
    moons = datasets.moons(90, noise=0.06, random_state=0)
    blob = datasets.blobs(25, centers=[[2.2, 1.4]], cluster_std=0.15, random_state=1)
    X = np.vstack([moons.X, blob.X])
    truth = np.concatenate([moons.y, np.full(25, 2)])
    for method in LINKAGES:
        Z = linkage(X, method)
        assert same_partition(cut_tree(Z, 3), truth) == (method == "single")
    Z = linkage(X, "single")
    for share in (0.45, 0.6):  # of the tree's height, as the explorer cuts it
        model = AgglomerativeClustering(
            None, distance_threshold=share * Z[-1, 2], linkage="single"
        )
        assert same_partition(model.fit(X).labels_, truth)


# --- the pieces ---------------------------------------------------------------------


def test_distances_are_summed_as_scipys_pdist():
    from scipy.spatial.distance import pdist, squareform

    X = TIE_FREE["wine-jittered"]
    np.testing.assert_array_equal(euclidean_distance_matrix(X), squareform(pdist(X)))


@pytest.mark.parametrize("data", list(TIE_FREE))
def test_single_linkage_is_the_minimum_spanning_tree(data):
    """The chain with single linkage's update and Prim's tree give one tree."""
    X = TIE_FREE[data]
    by_chain = linkage_matrix(nearest_neighbour_chain(X, "single"))
    np.testing.assert_array_equal(by_chain, linkage_matrix(minimum_spanning_tree(X)))


# --- the estimator ------------------------------------------------------------------


def test_labels_count_in_order_of_first_appearance():
    X = TIE_FREE["blobs-300x2"]
    labels = AgglomerativeClustering(4).fit(X).labels_
    _, first = np.unique(labels, return_index=True)
    assert labels[0] == 0 and np.all(np.diff(first) > 0)


def test_predict_gives_the_training_points_their_labels():
    X = TIE_FREE["moons-200"]
    for method in LINKAGES:
        model = AgglomerativeClustering(3, linkage=method).fit(X)
        np.testing.assert_array_equal(model.predict(X), model.labels_)
        # A new point takes its nearest training point's cluster.
        near = X[[7, 120]] + 1e-3
        np.testing.assert_array_equal(model.predict(near), model.labels_[[7, 120]])


def test_clear_errors():
    X = seeded(5, 2, 0)
    with pytest.raises(ValueError, match="n_clusters=6 is more clusters than the 5"):
        AgglomerativeClustering(6).fit(X)
    with pytest.raises(ValueError, match="at least 2 samples"):
        AgglomerativeClustering(1).fit(X[:1])
    with pytest.raises(ValueError, match="exactly one of n_clusters and distance"):
        AgglomerativeClustering(2, distance_threshold=1.0).fit(X)
    with pytest.raises(ValueError, match="exactly one of n_clusters and distance"):
        AgglomerativeClustering(None).fit(X)


def test_as_many_clusters_as_samples_and_one_cluster():
    X = seeded(6, 2, 1)
    np.testing.assert_array_equal(AgglomerativeClustering(6).fit(X).labels_, range(6))
    np.testing.assert_array_equal(AgglomerativeClustering(1).fit(X).labels_, [0] * 6)
    model = AgglomerativeClustering(None, distance_threshold=0.0).fit(X)
    assert model.n_clusters_ == 6
