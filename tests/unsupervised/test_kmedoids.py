"""k-medoids (Chapter 17): cases worked by hand; PAM's build and swap steps against
brute-force versions that recompute every cost from scratch; PAM's medoids against a
brute-force search over all medoid sets (the optimum) on small and real data; and
the guarantee that holds everywhere, that no single swap lowers PAM's final cost."""

import itertools

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.datasets import load_iris, load_wine, make_blobs

from scratchlearn import distances
from scratchlearn.unsupervised import KMeans, KMedoids
from scratchlearn.unsupervised.kmedoids import (
    alternate_step,
    exact_distances,
    pam_build,
    pam_swap,
    swap_gains,
    total_cost,
)

SCIPY_METRIC = {"euclidean": "euclidean", "manhattan": "cityblock"}


def brute_force_optimum(distances, n_clusters, chunk=20_000):
    """The lowest cost over all medoid sets, and every set (sorted indices) that
    reaches it (to 1e-12, relative)."""
    combos = np.array(list(itertools.combinations(range(len(distances)), n_clusters)))
    costs = np.empty(len(combos))
    for start in range(0, len(combos), chunk):
        sets = combos[start : start + chunk]
        cost = distances[:, sets[:, 0]]
        for j in range(1, n_clusters):
            cost = np.minimum(cost, distances[:, sets[:, j]])
        costs[start : start + chunk] = cost.sum(axis=0)
    best = costs.min()
    optimal = combos[costs <= best * (1 + 1e-12)]
    return best, [list(medoids) for medoids in optimal]


def cost_of(distances, medoids):
    """The total cost, by a loop over points (independent of the module's code)."""
    return sum(min(distances[j, m] for m in medoids) for j in range(len(distances)))


def random_data(seed, n_samples=12, n_features=3):
    return np.random.default_rng(seed).normal(size=(n_samples, n_features))


# --- by hand ---------------------------------------------------------------------


def test_one_medoid_is_the_most_central_point_and_ties_go_to_the_lower_index():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    # Sums of distances: 13, 11, 11, 27 -> points 1 and 2 tie -> point 1.
    model = KMedoids(1).fit(X)
    np.testing.assert_array_equal(model.medoid_indices_, [1])
    assert model.inertia_ == 11.0


def test_two_medoids_by_hand():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    model = KMedoids(2).fit(X)
    # Build: sums of distances 36, 32, 30, 30, 32, 36 -> point 2 (the lower of the
    # tie); then adding point 3, 4 or 5 costs 6, 5, 6 -> point 4: {2, 4}, cost 5.
    # Swap: 1 for 2 gives {1, 4}, cost 1+0+1+1+0+1 = 4; no swap lowers 4 further.
    np.testing.assert_array_equal(model.medoid_indices_, [1, 4])
    assert model.inertia_ == 4.0
    assert model.n_iter_ == 1
    np.testing.assert_array_equal(model.labels_, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(model.cluster_centers_, X[[1, 4]])


# --- build and swap against brute-force versions ------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("seed", range(5))
def test_build_adds_the_point_that_lowers_the_cost_most(metric, seed):
    X = random_data(seed, n_samples=15)
    distances = cdist(X, X, SCIPY_METRIC[metric])
    expected = []
    for _ in range(4):
        candidates = [h for h in range(len(X)) if h not in expected]
        costs = [cost_of(distances, [*expected, h]) for h in candidates]
        expected.append(candidates[int(np.argmin(costs))])
    np.testing.assert_array_equal(pam_build(distances, 4), expected)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("seed", range(5))
def test_swap_gains_are_the_changes_of_cost(metric, seed):
    X = random_data(seed)
    distances = cdist(X, X, SCIPY_METRIC[metric])
    medoids = np.random.default_rng(seed).choice(len(X), 3, replace=False)
    delta = swap_gains(distances, medoids)
    now = cost_of(distances, medoids)
    for i, h in itertools.product(range(3), range(len(X))):
        if h in medoids:
            assert delta[i, h] == np.inf
            continue
        swapped = medoids.copy()
        swapped[i] = h
        assert delta[i, h] == pytest.approx(
            cost_of(distances, swapped) - now, abs=1e-12
        )


def test_swap_gains_with_one_medoid():
    X = random_data(0)
    distances = cdist(X, X)
    delta = swap_gains(distances, np.array([4]))
    expected = distances.sum(axis=0) - distances[:, 4].sum()
    expected[4] = np.inf
    np.testing.assert_allclose(delta[0], expected, atol=1e-12)


def test_a_swap_is_made_only_if_it_lowers_the_cost():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    distances = cdist(X, X)
    medoids, swapped = pam_swap(distances, np.array([1, 4]))  # already the best
    assert not swapped
    np.testing.assert_array_equal(medoids, [1, 4])
    medoids, swapped = pam_swap(distances, np.array([0, 5]))
    assert swapped
    assert total_cost(distances, medoids) < total_cost(distances, np.array([0, 5]))


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("seed", range(20))
def test_no_single_swap_lowers_the_final_cost(metric, seed):
    """PAM is a local search: its guarantee, everywhere, is that no exchange of one
    medoid for one other point lowers the cost."""
    X = random_data(seed, n_samples=25, n_features=2)
    k = 2 + seed % 4
    model = KMedoids(k, metric=metric).fit(X)
    distances = cdist(X, X, SCIPY_METRIC[metric])
    final = cost_of(distances, model.medoid_indices_)
    assert model.inertia_ == pytest.approx(final, rel=1e-12)
    for i, h in itertools.product(range(k), range(len(X))):
        if h not in model.medoid_indices_:
            swapped = model.medoid_indices_.copy()
            swapped[i] = h
            assert cost_of(distances, swapped) >= final - 1e-12


# --- against the brute-force optimum --------------------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("n_clusters", [2, 3])
def test_pam_finds_the_optimal_medoids_of_small_blobs(metric, n_clusters):
    """On 60 small data sets (14 points in n_clusters blobs) PAM's medoids are the
    best of all medoid sets, found by brute force."""
    for seed in range(60):
        X, _ = make_blobs(14, centers=n_clusters, cluster_std=0.5, random_state=seed)
        model = KMedoids(n_clusters, metric=metric).fit(X)
        distances = cdist(X, X, SCIPY_METRIC[metric])
        best_cost, optimal = brute_force_optimum(distances, n_clusters)
        assert model.inertia_ == pytest.approx(best_cost, rel=1e-12), seed
        assert sorted(model.medoid_indices_) in optimal, seed


@pytest.mark.parametrize(
    ("data", "n_clusters", "n_sets"),
    [("iris", 2, 11_175), ("iris", 3, 551_300), ("wine", 2, 15_753)],
)
def test_pam_finds_the_optimal_medoids_of_real_data(data, n_clusters, n_sets):
    if data == "iris":
        X = load_iris().data
    else:
        X = load_wine().data
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    distances = cdist(X, X)
    assert len(list(itertools.combinations(range(len(X)), n_clusters))) == n_sets
    best_cost, optimal = brute_force_optimum(distances, n_clusters)
    model = KMedoids(n_clusters).fit(X)
    assert optimal == [sorted(model.medoid_indices_)]  # the one optimal set
    assert model.inertia_ == pytest.approx(best_cost, rel=1e-12)


def test_pam_is_never_below_the_optimum_and_usually_on_it():
    """On 100 small random data sets (no structure at all) PAM stays a local search:
    never below the optimum (which would be a bug), and on it in most of them."""
    on_optimum = 0
    for seed in range(100):
        X = random_data(seed, n_samples=10, n_features=2)
        distances = cdist(X, X)
        best_cost, _ = brute_force_optimum(distances, 3)
        cost = KMedoids(3).fit(X).inertia_
        assert cost >= best_cost - 1e-12
        on_optimum += cost <= best_cost + 1e-12
    assert on_optimum >= 80


# --- the alternate method ------------------------------------------------------------


def test_alternate_ends_where_each_medoid_is_its_clusters_best_member():
    X, _ = make_blobs(80, centers=4, random_state=3)
    model = KMedoids(4, method="alternate", random_state=0).fit(X)
    distances = cdist(X, X)
    np.testing.assert_array_equal(
        alternate_step(distances, model.medoid_indices_), model.medoid_indices_
    )
    for i, medoid in enumerate(model.medoid_indices_):
        members = np.flatnonzero(model.labels_ == i)
        sums = distances[np.ix_(members, members)].sum(axis=1)
        assert sums.min() == pytest.approx(distances[members, medoid].sum())


def test_alternate_starts_from_random_points_and_repeats_with_a_seed():
    X, _ = make_blobs(80, centers=4, random_state=3)
    first = KMedoids(4, method="alternate", random_state=1).fit(X)
    again = KMedoids(4, method="alternate", random_state=1).fit(X)
    np.testing.assert_array_equal(first.medoid_indices_, again.medoid_indices_)
    pam = KMedoids(4).fit(X)
    assert pam.inertia_ <= first.inertia_ + 1e-9


# --- predict, transform, distances ----------------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_distances_predict_and_transform(metric):
    X = load_iris().data
    np.testing.assert_allclose(
        exact_distances(X, X[:7], metric),
        cdist(X, X[:7], SCIPY_METRIC[metric]),
        atol=1e-12,
    )
    model = KMedoids(3, metric=metric).fit(X[::2])
    np.testing.assert_array_equal(model.predict(X[::2]), model.labels_)
    to_medoids = cdist(X[1::2], model.cluster_centers_, SCIPY_METRIC[metric])
    np.testing.assert_allclose(model.transform(X[1::2]), to_medoids, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X[1::2]), np.argmin(to_medoids, axis=1))
    assert model.score(X[1::2]) == pytest.approx(-to_medoids.min(axis=1).sum())
    assert model.inertia_ == pytest.approx(-model.score(X[::2]))


def test_an_outlier_drags_a_mean_much_further_than_a_medoid():
    X, _ = make_blobs(60, centers=[[0.0, 0.0], [6.0, 0.0]], random_state=0)
    far = np.vstack([X, [[60.0, 0.0]]])
    for model_class in (KMedoids, KMeans):
        before = model_class(2, random_state=0).fit(X).cluster_centers_
        after = model_class(2, random_state=0).fit(far).cluster_centers_
        moved = np.abs(np.sort(after[:, 0]) - np.sort(before[:, 0])).max()
        if model_class is KMedoids:
            assert moved < 0.5
        else:
            assert moved > 0.8


# --- edge cases -----------------------------------------------------------------------


def test_one_sample_and_as_many_clusters_as_samples():
    model = KMedoids(1).fit([[2.0, 3.0]])
    np.testing.assert_array_equal(model.medoid_indices_, [0])
    assert model.inertia_ == 0.0
    X = random_data(0, n_samples=5)
    model = KMedoids(5).fit(X)
    assert sorted(model.medoid_indices_) == list(range(5))
    assert model.inertia_ == 0.0


@pytest.mark.parametrize("method", ["pam", "alternate"])
def test_more_clusters_than_samples_is_a_clear_error(method):
    with pytest.raises(ValueError, match=r"n_clusters=8 is more than the 1 sample"):
        KMedoids(method=method).fit([[1.0, 2.0]])


def test_duplicate_points():
    X = np.array([[0.0, 0.0]] * 4 + [[5.0, 5.0]] * 3)
    for method in ("pam", "alternate"):
        model = KMedoids(3, method=method, random_state=0).fit(X)
        assert model.inertia_ == 0.0


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_exact_distances_are_the_textbook_formula_bit_for_bit_in_blocks(metric):
    # Many blocks (300 rows of 64 features against 300): every block, the last one
    # shorter, gives the same bits as the formula written out in one array.
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(300, 64)), rng.normal(size=(300, 64))
    difference = X[:, np.newaxis, :] - Y
    if metric == "euclidean":
        textbook = np.sqrt(np.sum(difference**2, axis=2))
    else:
        textbook = np.sum(np.abs(difference), axis=2)
    np.testing.assert_array_equal(exact_distances(X, Y, metric), textbook)
    np.testing.assert_array_equal(
        distances.exact_distances(X[:5], Y, metric), textbook[:5]
    )
