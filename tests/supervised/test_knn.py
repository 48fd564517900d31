"""k-nearest neighbours (Chapter 1): hand-computed cases, the tie rules, and identical
predictions to scikit-learn's brute-force KNeighbors* on seeded and bundled data."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn import neighbors
from sklearn.datasets import load_diabetes, load_digits, load_iris, load_wine

from scratchlearn.distances import pairwise_distances, squared_euclidean
from scratchlearn.supervised import KNeighborsClassifier, KNeighborsRegressor
from scratchlearn.supervised.knn import k_smallest

SETTINGS = [
    {"metric": "euclidean", "weights": "uniform"},
    {"metric": "euclidean", "weights": "distance"},
    {"metric": "manhattan", "weights": "uniform"},
    {"metric": "manhattan", "weights": "distance"},
    {"metric": "minkowski", "p": 3, "weights": "uniform"},
    {"metric": "minkowski", "p": 1.5, "weights": "distance"},
]


def reference(cls, settings, n_neighbors):
    """The same model in scikit-learn, with brute-force search."""
    settings = dict(settings)
    metric = settings.pop("metric")
    p = settings.pop("p", {"euclidean": 2, "manhattan": 1}.get(metric))
    return cls(n_neighbors, algorithm="brute", metric="minkowski", p=p, **settings)


# --- hand-computed cases -------------------------------------------------------------


def test_distances_by_hand():
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    b = np.array([[3.0, 4.0]])
    np.testing.assert_allclose(pairwise_distances(a, b), [[5.0], [np.sqrt(13)]])
    np.testing.assert_allclose(pairwise_distances(a, b, "manhattan"), [[7.0], [5.0]])
    np.testing.assert_allclose(
        pairwise_distances(a, b, "minkowski", p=3),
        [[(27 + 64) ** (1 / 3)], [35 ** (1 / 3)]],
    )
    np.testing.assert_allclose(squared_euclidean(a, b), [[25.0], [13.0]])


def test_classifier_by_hand():
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    y = np.array(["a", "a", "b", "b", "b"])
    model = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    # 1.4: neighbours 1 (0.4), 2 (0.6), 0 (1.4) -> a, b, a -> "a"
    # 9.0: neighbours 10 (1), 11 (2), 2 (7)     -> b, b, b -> "b"
    assert list(model.predict([[1.4], [9.0]])) == ["a", "b"]
    np.testing.assert_allclose(model.predict_proba([[1.4]]), [[2 / 3, 1 / 3]])
    distances, indices = model.kneighbors([[1.4]])
    np.testing.assert_allclose(distances, [[0.4, 0.6, 1.4]])
    np.testing.assert_array_equal(indices, [[1, 2, 0]])


def test_distance_weights_by_hand():
    X = np.array([[0.0], [1.0], [4.0]])
    y = np.array([0.0, 10.0, 40.0])
    model = KNeighborsRegressor(n_neighbors=3, weights="distance").fit(X, y)
    # query 2: distances 2, 1, 2 -> weights 1/2, 1, 1/2
    expected = (0.5 * 0 + 1 * 10 + 0.5 * 40) / (0.5 + 1 + 0.5)
    np.testing.assert_allclose(model.predict([[2.0]]), [expected])
    uniform = KNeighborsRegressor(n_neighbors=2).fit(X, y)
    np.testing.assert_allclose(uniform.predict([[0.2]]), [5.0])


def test_query_on_a_training_point_takes_its_answer_under_distance_weights():
    X = np.array([[0.0], [1.0], [1.0], [3.0]])
    y = np.array([0, 1, 1, 0])
    model = KNeighborsClassifier(n_neighbors=4, weights="distance").fit(X, y)
    np.testing.assert_allclose(model.predict_proba([[1.0]]), [[0.0, 1.0]])
    regressor = KNeighborsRegressor(n_neighbors=3, weights="distance").fit(X, y * 5.0)
    np.testing.assert_allclose(regressor.predict([[1.0]]), [5.0])


# --- tie rules -----------------------------------------------------------------------


def test_neighbours_at_equal_distance_keep_training_order():
    X = np.array([[2.0], [-1.0], [1.0], [-2.0], [0.5]])
    model = KNeighborsClassifier(n_neighbors=3).fit(X, [0, 1, 0, 1, 0])
    # Distances from 0: 2, 1, 1, 2, 0.5 -> 4 first, then 1 before 2, then 0 before 3.
    np.testing.assert_array_equal(model.kneighbors([[0.0]])[1], [[4, 1, 2]])
    model.set_params(n_neighbors=4).fit(X, [0, 1, 0, 1, 0])
    np.testing.assert_array_equal(model.kneighbors([[0.0]])[1], [[4, 1, 2, 0]])


def test_equal_votes_go_to_the_smallest_label():
    X = np.array([[-1.0], [1.0]])
    for labels, winner in [([7, 3], 3), ([3, 7], 3), (["pear", "apple"], "apple")]:
        model = KNeighborsClassifier(n_neighbors=2).fit(X, labels)
        assert model.predict([[0.0]])[0] == winner


@pytest.mark.parametrize("seed", range(5))
def test_k_smallest_equals_a_stable_full_sort(seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 5, size=(50, 30)).astype(float)  # many ties
    for k in (1, 2, 7, 30):
        expected = np.argsort(scores, axis=1, kind="stable")[:, :k]
        np.testing.assert_array_equal(k_smallest(scores, k), expected)


# --- against scikit-learn ----------------------------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "minkowski"])
def test_distances_match_scipy(metric):
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(30, 5)), rng.normal(size=(40, 5))
    scipy_metric = {"euclidean": "euclidean", "manhattan": "cityblock"}.get(metric)
    expected = (
        cdist(A, B, scipy_metric) if scipy_metric else cdist(A, B, "minkowski", p=3.5)
    )
    np.testing.assert_allclose(
        pairwise_distances(A, B, metric, p=3.5), expected, atol=1e-10
    )


def _jittered(X, y, seed=0):
    """Bundled data with a seeded jitter far below its resolution, which removes
    exactly tied distances (where scikit-learn's choice is implementation-defined)."""
    return X + 1e-6 * np.random.default_rng(seed).normal(size=X.shape), y


# Tie-free data: identical predictions are required.
DATA_SETS = {
    "wine": load_wine(return_X_y=True),
    "iris-jittered": _jittered(*load_iris(return_X_y=True)),
    # 600 of the digits keep the Minkowski cases (no BLAS shortcut) quick.
    "digits-jittered": _jittered(
        *[part[:600] for part in load_digits(return_X_y=True)]
    ),
    "seeded": (
        np.random.default_rng(7).normal(size=(300, 6)),
        np.random.default_rng(8).integers(0, 4, size=300),
    ),
}


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
@pytest.mark.parametrize("data", list(DATA_SETS))
@pytest.mark.parametrize("n_neighbors", [1, 4, 15])
def test_classifier_matches_scikit_learn(data, settings, n_neighbors):
    X, y = DATA_SETS[data]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    train, test = order[: len(X) // 2], order[len(X) // 2 :]
    ours = KNeighborsClassifier(n_neighbors, **settings).fit(X[train], y[train])
    theirs = reference(neighbors.KNeighborsClassifier, settings, n_neighbors)
    theirs.fit(X[train], y[train])
    np.testing.assert_array_equal(ours.predict(X[test]), theirs.predict(X[test]))
    our_distances, _ = ours.kneighbors(X[test])
    # With distance weights, a near-duplicate neighbour (distance below 1e-4) weighs
    # 1/d, and scikit-learn's d is off by up to 1e-3 relative there (see below).
    close = (our_distances[:, 0] < 1e-4) & (settings["weights"] == "distance")
    our_proba, their_proba = ours.predict_proba(X[test]), theirs.predict_proba(X[test])
    np.testing.assert_allclose(our_proba[~close], their_proba[~close], atol=1e-12)
    np.testing.assert_allclose(our_proba[close], their_proba[close], atol=1e-3)
    their_distances, _ = theirs.kneighbors(X[test])
    # scikit-learn's distances come from the expansion |x|^2 + |y|^2 - 2 x.y, whose
    # squares are off by rounding relative to the norms (about 1e-14 here): for
    # near-duplicates (distance 4e-6) that is 2e-9 in the distance itself, and the
    # amount depends on the BLAS. Ours are exact (next test); compare the squares.
    np.testing.assert_allclose(our_distances**2, their_distances**2, atol=1e-12)
    np.testing.assert_allclose(our_distances, their_distances, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
@pytest.mark.parametrize("n_neighbors", [1, 5, 20])
def test_regressor_matches_scikit_learn(settings, n_neighbors):
    X, y = load_diabetes(return_X_y=True)
    ours = KNeighborsRegressor(n_neighbors, **settings).fit(X[:300], y[:300])
    theirs = reference(neighbors.KNeighborsRegressor, settings, n_neighbors)
    theirs.fit(X[:300], y[:300])
    np.testing.assert_allclose(
        ours.predict(X[300:]), theirs.predict(X[300:]), rtol=1e-10
    )
    assert ours.score(X[300:], y[300:]) == pytest.approx(theirs.score(X[300:], y[300:]))


def _direct_distances(X, Y, metric):
    differences = X[:, np.newaxis, :] - Y[np.newaxis, :, :]
    if metric == "manhattan":
        return np.abs(differences).sum(axis=2)
    return np.sqrt(np.sum(differences**2, axis=2))


@pytest.mark.parametrize("settings", SETTINGS[:4], ids=str)
@pytest.mark.parametrize("loader", [load_iris, load_digits])
def test_on_data_with_ties_we_follow_our_rule_and_agree_elsewhere(loader, settings):
    """Iris (0.1 cm resolution) and digits (integer pixels) have many equal distances.
    Where several training points tie at the k-th distance, scikit-learn's pick among
    them is implementation-defined and ours is documented (training order); on every
    other query the predictions must be identical."""
    X, y = loader(return_X_y=True)
    train, test = slice(0, None, 2), slice(1, None, 2)
    k = 5
    ours = KNeighborsClassifier(k, **settings).fit(X[train], y[train])
    theirs = reference(neighbors.KNeighborsClassifier, settings, k).fit(
        X[train], y[train]
    )
    # Our rule: nearest by the distance computed directly (exact to rounding, the
    # same on every machine), equal distances in training order.
    full = _direct_distances(X[test], X[train], settings["metric"])
    np.testing.assert_array_equal(
        ours.kneighbors(X[test])[1], np.argsort(full, axis=1, kind="stable")[:, :k]
    )
    kth = np.sort(full, axis=1)[:, k - 1 : k]
    tied = np.count_nonzero(np.isclose(full, kth, rtol=0, atol=1e-9), axis=1) > 1
    assert 0 < tied.sum() < len(tied)  # the data really has ties, and not only ties
    np.testing.assert_array_equal(
        ours.predict(X[test])[~tied], theirs.predict(X[test])[~tied]
    )


def test_euclidean_distances_are_exact_and_the_same_on_every_machine():
    # Near-duplicates: the matrix-product expansion loses most digits of their
    # distance (and how many depends on the BLAS); kneighbors returns the distance
    # computed directly, to the last bit.
    X_train = np.array([[5.1, 3.5], [5.1 + 3e-6, 3.5 + 2e-6], [0.3, 0.7]])
    query = np.array([[5.1, 3.5]]) + 1e-7
    distances, indices = (
        KNeighborsClassifier(2).fit(X_train, [0, 1, 0]).kneighbors(query)
    )
    direct = np.sqrt(np.sum((query - X_train[indices[0]]) ** 2, axis=1))
    np.testing.assert_array_equal(distances[0], direct)
    # Ties in exact arithmetic that rounding splits (distances of 0.1 cm measured
    # from both sides): the lower training index wins, whatever the product's
    # rounding, also after moving every input by a few units in the last place.
    X_train = np.array([[4.9, 1.0], [5.1, 1.0], [5.0, 1.1], [5.0, 0.9]])
    for factor in (1.0, 1 + 2.2e-16, 1 - 4.4e-16, 1 + 8.8e-16):
        model = KNeighborsClassifier(1).fit(X_train * factor, [0, 1, 2, 3])
        exact = np.sqrt(
            np.sum((X_train * factor - np.array([5.0, 1.0]) * factor) ** 2, axis=1)
        )
        expected = np.argsort(exact, kind="stable")[0]
        assert model.kneighbors(np.array([[5.0, 1.0]]) * factor)[1][0, 0] == expected


def test_neighbour_indices_match_scikit_learn_on_tie_free_data():
    rng = np.random.default_rng(3)
    X, Q = rng.normal(size=(200, 4)), rng.normal(size=(50, 4))
    ours = KNeighborsClassifier(6).fit(X, np.zeros(200))
    theirs = neighbors.NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X)
    np.testing.assert_array_equal(ours.kneighbors(Q)[1], theirs.kneighbors(Q)[1])


def test_string_labels_and_refitting_with_other_parameters():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = KNeighborsClassifier(3).fit(X, names)
    assert set(model.predict(X)) <= set(names)
    before = model.score(X, names)
    model.set_params(n_neighbors=1, metric="manhattan").fit(X, names)
    assert model.score(X, names) == 1.0  # each point is its own nearest neighbour
    assert before < 1.0


def test_more_neighbours_than_training_points_is_a_clear_error():
    with pytest.raises(
        ValueError, match="n_neighbors=5 is more than the training set's 3 sample"
    ):
        KNeighborsClassifier(5).fit(np.zeros((3, 2)), [0, 1, 0])
