"""k-means (Chapter 16): a run worked by hand; from the same initial centres the same
labels, centres, inertia and iterations as scikit-learn's KMeans(algorithm="lloyd");
k-means++ draws by the D² rule (its exact threshold rule with scripted uniforms, and
its frequencies over many draws); n_init keeps the run of lowest inertia; the
silhouette finds the number of blobs."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from scipy.stats import chisquare
from sklearn import cluster
from sklearn.datasets import load_digits, make_blobs

from scratchlearn.metrics import silhouette_score
from scratchlearn.unsupervised import KMeans, kmeans_plusplus
from scratchlearn.unsupervised.kmeans import lloyd, nearest_centres, random_centres


@pytest.fixture(scope="module")
def digits():
    return load_digits(return_X_y=True)[0]


def reference(init, **settings):
    return cluster.KMeans(len(init), init=init, n_init=1, algorithm="lloyd", **settings)


# --- by hand ---------------------------------------------------------------------


def test_a_run_by_hand():
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    model = KMeans(2, init=np.array([[0.0], [1.0]]), tol=0.0).fit(X)
    # Iteration 1: 0 -> c0; 1, 10, 11 -> c1, so the centres move to 0 and 22/3.
    # Iteration 2: 0, 1 -> c0; 10, 11 -> c1, centres 0.5 and 10.5.
    # Iteration 3: the same labels (strict convergence).
    np.testing.assert_allclose(model.cluster_centers_, [[0.5], [10.5]])
    np.testing.assert_array_equal(model.labels_, [0, 0, 1, 1])
    assert model.inertia_ == pytest.approx(4 * 0.25)
    assert model.n_iter_ == 3
    two_steps = KMeans(2, init=np.array([[0.0], [1.0]]), max_iter=1).fit(X)
    np.testing.assert_allclose(two_steps.cluster_centers_, [[0.0], [22 / 3]])
    # After max_iter the labels are those of the last centres.
    np.testing.assert_array_equal(two_steps.labels_, [0, 0, 1, 1])


def test_a_point_midway_joins_the_lower_centre_even_where_rounding_hides_the_tie():
    centres = np.array([[1e8, 0.0], [1e8 + 2.0, 0.0]])
    X = np.array([[1e8 + 1.0, 0.0], [1e8 + 1.0, 3.0], [1e8 + 1.5, 0.0]])
    np.testing.assert_array_equal(nearest_centres(X, centres), [0, 0, 1])
    np.testing.assert_array_equal(nearest_centres(X, centres[::-1]), [0, 0, 0])


# --- against scikit-learn, from the same initial centres --------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_clusters", [2, 4, 7])
def test_same_labels_centres_inertia_and_iterations_as_scikit_learn(seed, n_clusters):
    X, _ = make_blobs(300, n_features=3, centers=5, cluster_std=2.0, random_state=seed)
    rng = np.random.default_rng(seed)
    init = X[rng.choice(len(X), n_clusters, replace=False)]
    for settings in ({}, {"tol": 0.0}, {"max_iter": 2}, {"tol": 1e-2}):
        ours = KMeans(n_clusters, init=init, **settings).fit(X)
        theirs = reference(init, **settings).fit(X)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        np.testing.assert_allclose(
            ours.cluster_centers_, theirs.cluster_centers_, rtol=0, atol=1e-12
        )
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-12)
        assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("seed", range(4))
def test_same_result_as_scikit_learn_on_digits(digits, seed):
    """Digits are integers, so a point can sit exactly midway between two initial
    centres (both data points): scikit-learn, which subtracts the mean first, may
    break such a tie the other way and then take an iteration more or fewer on the
    way; the result is the same."""
    rng = np.random.default_rng(seed)
    init = digits[rng.choice(len(digits), 10, replace=False)]
    ours = KMeans(10, init=init).fit(digits)
    theirs = reference(init).fit(digits)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=0, atol=1e-12
    )
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-12)


def test_an_empty_cluster_takes_the_farthest_point_as_in_scikit_learn():
    X, _ = make_blobs(120, centers=3, random_state=1)
    init = np.vstack([X[:2], [[100.0, 100.0]]])  # nothing is nearest the third
    ours = KMeans(3, init=init).fit(X)
    theirs = reference(init).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_)
    assert len(np.unique(ours.labels_)) == 3
    # After one iteration the third centre is the point farthest from its centre.
    one = KMeans(3, init=init, max_iter=1).fit(X)
    farthest = np.argmax(np.sum((X - init[nearest_centres(X, init)]) ** 2, axis=1))
    np.testing.assert_allclose(one.cluster_centers_[2], X[farthest])


def test_predict_transform_and_score_agree_with_scikit_learn(digits):
    X_train, X_test = digits[:1200], digits[1200:]
    init = X_train[:10]
    ours = KMeans(10, init=init).fit(X_train)
    theirs = reference(init).fit(X_train)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(
        ours.transform(X_test), theirs.transform(X_test), rtol=1e-10
    )
    assert ours.score(X_test) == pytest.approx(theirs.score(X_test), rel=1e-10)
    np.testing.assert_allclose(
        ours.transform(X_test), cdist(X_test, ours.cluster_centers_), rtol=1e-10
    )
    np.testing.assert_array_equal(ours.predict(X_train), ours.labels_)
    np.testing.assert_array_equal(
        KMeans(10, init=init).fit_predict(X_train), ours.labels_
    )


def test_lloyd_never_raises_the_inertia(digits):
    rng = np.random.default_rng(0)
    init = digits[rng.choice(len(digits), 8, replace=False)]
    inertias = [
        KMeans(8, init=init, max_iter=t).fit(digits).inertia_ for t in range(1, 15)
    ]
    assert np.all(np.diff(inertias) <= 1e-9 * inertias[0])


# --- k-means++: the D² rule ---------------------------------------------------------


class ScriptedGenerator(np.random.Generator):
    """A generator whose integers() returns ``first`` and random(size) the next
    ``size`` of ``uniforms``."""

    def __init__(self, first, uniforms):
        super().__init__(np.random.PCG64(0))
        self.first, self.uniforms = first, iter(uniforms)

    def integers(self, *args, **kwargs):
        return self.first

    def random(self, size=None, *args, **kwargs):
        if size is None:
            return next(self.uniforms)
        return np.array([next(self.uniforms) for _ in range(size)])


def plus_plus(X, n_clusters, first, uniforms, n_local_trials):
    rng = ScriptedGenerator(first, uniforms)
    return kmeans_plusplus(
        X, n_clusters, n_local_trials=n_local_trials, random_state=rng
    )


def test_the_d2_rule_draws_where_the_running_sum_crosses_the_uniform():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    # From the first centre 0: D² = 0, 1, 9, 49 (sum 59); running sums 0, 1, 10, 59.
    for u, expected in [(0.0, 1), (0.99 / 59, 1), (1.01 / 59, 2), (9.9 / 59, 2)]:
        assert plus_plus(X, 2, 0, [u], n_local_trials=1)[1][1] == expected, u
    assert plus_plus(X, 2, 0, [10.5 / 59], n_local_trials=1)[1][1] == 3
    # Second draw from {0, 7}: D² = 0, 1, 9, 0 (sum 10): u = 0.5 -> threshold 5 -> 3.
    centres, indices = plus_plus(X, 3, 0, [0.99, 0.5], n_local_trials=1)
    np.testing.assert_array_equal(indices, [0, 3, 2])
    np.testing.assert_array_equal(centres, X[[0, 3, 2]])


def test_the_greedy_rule_keeps_the_candidate_that_lowers_the_sum_most():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    # Candidates 1 (u = 0.5 / 59) and 3 (u = 30 / 59): adding 1 leaves D² = 0, 0,
    # 4, 36 (sum 40); adding 3 leaves 0, 1, 9, 0 (sum 10): 3 is kept, either order.
    assert plus_plus(X, 2, 0, [0.5 / 59, 30 / 59], n_local_trials=2)[1][1] == 3
    assert plus_plus(X, 2, 0, [30 / 59, 0.5 / 59], n_local_trials=2)[1][1] == 3
    # Equal sums: from the centre 0.0, candidates -1 and 1 both leave D² = 1.
    X = np.array([[-1.0], [0.0], [1.0]])
    assert plus_plus(X, 2, 1, [0.25, 0.75], n_local_trials=2)[1][1] == 0
    assert plus_plus(X, 2, 1, [0.75, 0.25], n_local_trials=2)[1][1] == 2


class ScriptedRandomState(np.random.RandomState):
    """scikit-learn's kind of generator, scripted the same way: choice() gives the
    first centre, uniform() the candidates' numbers."""

    def __init__(self, first, uniforms):
        super().__init__(0)
        self.first, self.uniforms = first, iter(uniforms)

    def choice(self, *args, **kwargs):
        return self.first

    def uniform(self, size=None, *args, **kwargs):
        return np.array([next(self.uniforms) for _ in range(size)])


@pytest.mark.parametrize("seed", range(5))
def test_the_same_start_as_scikit_learns_k_means_plus_plus_from_the_same_numbers(
    digits, seed
):
    """Fed the same random numbers, our seeding and scikit-learn's choose the same
    digits, with its default number of candidates (2 + ln 10 = 4) and with one."""
    from sklearn.cluster import kmeans_plusplus as sklearn_plus_plus

    rng = np.random.default_rng(seed)
    first, uniforms = int(rng.integers(len(digits))), rng.random(40).tolist()
    for n_local_trials in (None, 1):
        ours = plus_plus(digits, 10, first, uniforms, n_local_trials)[1]
        _, theirs = sklearn_plus_plus(
            digits,
            10,
            n_local_trials=n_local_trials,
            random_state=ScriptedRandomState(first, uniforms),
        )
        np.testing.assert_array_equal(ours, theirs)


def test_the_d2_rule_frequencies_follow_d2():
    """Over 30,000 draws of two centres from five points: the first uniform, the
    second, given the first, with probability D² / sum D² (chi-square, p > 0.001)."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [-1.0, 4.0]])
    rng = np.random.default_rng(0)
    draws = np.array(
        [
            kmeans_plusplus(X, 2, n_local_trials=1, random_state=rng)[1]
            for _ in range(30_000)
        ]
    )
    first_counts = np.bincount(draws[:, 0], minlength=5)
    assert chisquare(first_counts).pvalue > 1e-3
    for first in range(5):
        seconds = draws[draws[:, 0] == first, 1]
        squared = np.sum((X - X[first]) ** 2, axis=1)
        expected = squared / squared.sum() * len(seconds)
        observed = np.bincount(seconds, minlength=5)
        assert observed[first] == 0  # a chosen point has D² = 0
        keep = expected > 0
        assert chisquare(observed[keep], expected[keep]).pvalue > 1e-3


def test_k_means_plus_plus_with_fewer_distinct_points_than_clusters():
    X = np.array([[1.0, 1.0]] * 3 + [[5.0, 5.0]] * 2)
    for seed in range(10):
        centres, indices = kmeans_plusplus(X, 4, random_state=seed)
        assert len(set(indices)) == 4  # never the same row twice
        assert {tuple(c) for c in centres} == {(1.0, 1.0), (5.0, 5.0)}
    model = KMeans(4, random_state=0).fit(X)
    assert model.inertia_ == 0.0


# --- n_init, random_state ------------------------------------------------------------


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_n_init_keeps_the_run_of_lowest_inertia(digits, init):
    shared = np.random.default_rng(3)
    runs = [
        KMeans(10, init=init, n_init=1, random_state=shared).fit(digits)
        for _ in range(6)
    ]
    best = min(runs, key=lambda run: run.inertia_)
    model = KMeans(10, init=init, n_init=6, random_state=np.random.default_rng(3))
    model.fit(digits)
    assert model.inertia_ == min(run.inertia_ for run in runs)
    np.testing.assert_array_equal(model.labels_, best.labels_)
    np.testing.assert_array_equal(model.cluster_centers_, best.cluster_centers_)
    assert len({round(run.inertia_) for run in runs}) > 1  # the runs differ


def test_random_init_draws_distinct_points():
    X = np.arange(12.0).reshape(6, 2)
    model = KMeans(6, init="random", n_init=1, random_state=0, max_iter=1).fit(X)
    assert model.inertia_ == 0.0  # six distinct points, one per cluster


def test_seeded_fits_repeat_and_seeds_differ(digits):
    first = KMeans(10, n_init=1, random_state=5).fit(digits)
    again = KMeans(10, n_init=1, random_state=5).fit(digits)
    np.testing.assert_array_equal(first.cluster_centers_, again.cluster_centers_)
    other = KMeans(10, n_init=1, random_state=6).fit(digits)
    assert other.inertia_ != first.inertia_


def test_k_means_plus_plus_starts_and_ends_lower_than_random_starts():
    """Eight blobs, 30 seeds: the D² rule spreads the starting centres over the
    blobs, where uniform draws often put two in one blob; the medians of the start
    and of the final inertia are both lower (here by far more than chance)."""
    X, _ = make_blobs(400, centers=8, cluster_std=1.0, random_state=7)

    def medians(init):
        starts, finals = [], []
        for seed in range(30):
            rng = np.random.default_rng(seed)  # the draws KMeans makes with seed
            if init == "k-means++":
                centres = kmeans_plusplus(X, 8, random_state=rng)[0]
            else:
                centres = random_centres(X, 8, random_state=rng)
            starts.append(np.sum((X - centres[nearest_centres(X, centres)]) ** 2))
            model = KMeans(8, init=init, n_init=1, random_state=seed).fit(X)
            finals.append(model.inertia_)
        return np.median(starts), np.median(finals)

    plus_start, plus_final = medians("k-means++")
    random_start, random_final = medians("random")
    assert plus_start < 0.6 * random_start
    assert plus_final < 0.8 * random_final


# --- choosing k -----------------------------------------------------------------------


def test_the_silhouette_finds_the_number_of_blobs():
    corners = [[0.0, 0.0], [6.0, 6.0], [0.0, 8.0], [8.0, 0.0]]
    X, _ = make_blobs(300, centers=corners, cluster_std=0.8, random_state=2)
    scores = {
        k: silhouette_score(X, KMeans(k, random_state=0).fit_predict(X))
        for k in range(2, 8)
    }
    assert max(scores, key=scores.get) == 4
    inertias = [KMeans(k, random_state=0).fit(X).inertia_ for k in range(1, 8)]
    drops = -np.diff(inertias)
    # The elbow: big drops up to k = 4, small ones after.
    assert drops[2] > 5 * drops[3]


# --- edge cases -----------------------------------------------------------------------


def test_one_sample_one_cluster():
    model = KMeans(1).fit([[2.0, 3.0]])
    np.testing.assert_array_equal(model.cluster_centers_, [[2.0, 3.0]])
    assert model.inertia_ == 0.0
    np.testing.assert_array_equal(model.labels_, [0])


@pytest.mark.parametrize("n_samples", [1, 5])
def test_more_clusters_than_samples_is_a_clear_error(n_samples):
    X = np.arange(2.0 * n_samples).reshape(n_samples, 2)
    with pytest.raises(ValueError, match=rf"n_clusters=8 is more than the {n_samples}"):
        KMeans().fit(X)


def test_initial_centres_of_the_wrong_shape_or_with_nan():
    X = np.zeros((10, 3)) + np.arange(10.0)[:, np.newaxis]
    with pytest.raises(
        ValueError, match=r"init must have shape .*\(2, 3\), got \(2, 2\)"
    ):
        KMeans(2, init=np.zeros((2, 2))).fit(X)
    with pytest.raises(ValueError, match="init contains NaN"):
        KMeans(2, init=np.full((2, 3), np.nan)).fit(X)
    given = np.zeros((2, 3))
    KMeans(2, init=given).fit(X)
    np.testing.assert_array_equal(given, 0.0)  # the caller's array is left alone


def test_lloyd_returns_the_labels_of_its_final_centres(digits):
    centres, labels, inertia, _ = lloyd(digits, digits[:5], max_iter=3)
    np.testing.assert_array_equal(labels, nearest_centres(digits, centres))
    assert inertia == pytest.approx(np.sum((digits - centres[labels]) ** 2))
