"""The perceptron (Chapter 6): a training run traced by hand, the same weights as
scikit-learn's Perceptron, Novikoff's bound on seeded separable data, and the mistakes
a perceptron is easily written with."""

import numpy as np
import pytest
from sklearn import linear_model
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from scratchlearn.supervised import Perceptron
from scratchlearn.supervised.perceptron import (
    epoch_loss,
    geometric_margin,
    mistake_bound,
    perceptron_epoch,
    train_perceptron,
)

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def separable(n_samples, n_features, gamma, *, fit_intercept=True, seed=0):
    """Seeded data that a known hyperplane separates with margin at least ``gamma``.

    A random unit vector ``u`` (and offset ``c`` if ``fit_intercept``) is drawn; points
    closer than ``gamma`` to the hyperplane ``u . x + c = 0`` are dropped, the others
    labelled by their side. Returns ``X``, ``y`` in {0, 1}, ``u`` and ``c``.
    """
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n_features)
    u /= np.linalg.norm(u)
    c = rng.uniform(-0.5, 0.5) if fit_intercept else 0.0
    X = rng.uniform(-2.0, 2.0, size=(20 * n_samples, n_features))
    distance = X @ u + c
    keep = np.abs(distance) >= gamma
    X, distance = X[keep][:n_samples], distance[keep][:n_samples]
    assert len(X) == n_samples
    return X, (distance > 0).astype(int), u, c


def standardised(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def signed_labels(y, positive=1):
    return np.where(y == positive, 1.0, -1.0)


def reference(**settings):
    """scikit-learn's Perceptron with the same settings (its default ``tol=1e-3``
    and ``n_iter_no_change=5`` are ours): the same updates."""
    eta0 = settings.pop("learning_rate", 1.0)
    return linear_model.Perceptron(eta0=eta0, penalty=None, **settings)


# ---------------------------------------------------------------------------
# (a) A run traced by hand
# ---------------------------------------------------------------------------

# One feature, three samples: class 1 at x = 2 and x = 3, class 0 at x = 1. With the
# intercept as a second weight and labels +-1, the signed samples are s1 = (2, 1),
# s2 = (3, 1) and s3 = -(1, 1). From w = (0, 0), visiting them in order, an update
# w <- w + s happens whenever s . w <= 0:
#   epoch 1: s1 (0 <= 0) -> (2, 1); s2 fine (7); s3 (-3) -> (1, 0)
#   epoch 2: s1, s2 fine; s3 (-1) -> (0, -1)
#   epoch 3: s1 (-1) -> (2, 0); s2 fine; s3 (-2) -> (1, -1)
#   epoch 4: s1 (1), s2 (2) fine; s3 (0 <= 0) -> (0, -2)
#   epoch 5: s1 (-2) -> (2, -1); s2 fine; s3 (-1) -> (1, -2)
#   epoch 6: s1 (0) -> (3, -1); s2 fine; s3 (-2) -> (2, -2)
#   epoch 7: s1 (2), s2 (4) fine; s3 (0) -> (1, -3)
#   epoch 8: s1 (-1) -> (3, -2); s2 fine; s3 (-1) -> (2, -3)
#   epoch 9: margins 1, 3, 1: no mistake, stop.
# 13 updates in 9 epochs; the boundary 2x - 3 = 0 lies half-way, at x = 1.5.
X_HAND = np.array([[2.0], [3.0], [1.0]])
Y_HAND = np.array([1, 1, 0])
UPDATES_HAND = [0, 2, 2, 0, 2, 2, 0, 2, 0, 2, 2, 0, 2]
MISTAKES_PER_EPOCH_HAND = [2, 1, 2, 1, 2, 2, 1, 2, 0]


def test_training_by_hand():
    model = Perceptron(shuffle=False).fit(X_HAND, Y_HAND)
    np.testing.assert_array_equal(model.coef_, [[2.0]])
    np.testing.assert_array_equal(model.intercept_, [-3.0])
    assert model.n_updates_ == 13
    assert model.n_iter_ == 9
    assert list(model.predict([[1.4], [1.6], [0.0], [10.0]])) == [0, 1, 0, 1]
    np.testing.assert_array_equal(model.decision_function([[1.0]]), [-1.0])


def test_train_perceptron_by_hand_records_every_update():
    signed = signed_labels(Y_HAND)[:, np.newaxis] * np.column_stack([X_HAND, [1, 1, 1]])
    coef, updates, mistakes_per_epoch = train_perceptron(
        signed, max_iter=100, shuffle=False
    )
    np.testing.assert_array_equal(coef, [2.0, -3.0])
    assert updates.tolist() == UPDATES_HAND
    assert mistakes_per_epoch.tolist() == MISTAKES_PER_EPOCH_HAND
    # The weights are the sum of the samples the perceptron got wrong.
    np.testing.assert_array_equal(signed[updates].sum(axis=0), coef)


def test_one_epoch_by_hand():
    signed = np.array([[2.0, 1.0], [3.0, 1.0], [-1.0, -1.0]])
    coef = np.zeros(2)
    assert perceptron_epoch(signed, coef) == [0, 2]
    np.testing.assert_array_equal(coef, [1.0, 0.0])
    assert perceptron_epoch(signed, coef) == [2]
    np.testing.assert_array_equal(coef, [0.0, -1.0])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("block_size", [1, 3, 64, 10_000])
def test_checking_blocks_at_once_equals_one_sample_at_a_time(block_size, seed):
    rng = np.random.default_rng(seed)
    signed = rng.normal(size=(200, 4))  # not separable: many mistakes per epoch
    start = rng.normal(size=4)

    expected_coef, expected = start.copy(), []
    for row, sample in enumerate(signed):  # the textbook loop
        if sample @ expected_coef <= 0:
            expected_coef += sample
            expected.append(row)

    coef = start.copy()
    assert perceptron_epoch(signed, coef, block_size) == expected
    np.testing.assert_array_equal(coef, expected_coef)


# ---------------------------------------------------------------------------
# (b) The same weights and accuracy as scikit-learn's Perceptron
# ---------------------------------------------------------------------------

DATASETS = {
    "iris (3 classes, not separable)": lambda: standardised(load_iris),
    "wine (3 classes, separable)": lambda: standardised(load_wine),
    "breast cancer (2 classes, not separable)": lambda: standardised(
        load_breast_cancer
    ),
    "iris versicolor vs rest (hardest)": lambda: (
        standardised(load_iris)[0],
        (load_iris().target == 1).astype(int),
    ),
    "separable blobs": lambda: separable(300, 5, 0.05)[:2],
}


@pytest.mark.parametrize("tol", [1e-3, None])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("name", list(DATASETS))
def test_same_weights_as_scikit_learn_without_shuffling(name, fit_intercept, tol):
    # Same order, same updates, the same stopping rule: the weights are equal, to the
    # last bit here; the tolerance allows for dot products summed in another order.
    X, y = DATASETS[name]()
    settings = {
        "shuffle": False,
        "fit_intercept": fit_intercept,
        "max_iter": 200,
        "tol": tol,
    }
    ours = Perceptron(**settings).fit(X, y)
    theirs = reference(**settings).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(
        ours.decision_function(X), theirs.decision_function(X), rtol=0, atol=1e-8
    )
    assert ours.score(X, y) == theirs.score(X, y)
    assert ours.coef_.shape == theirs.coef_.shape
    assert ours.intercept_.shape == theirs.intercept_.shape
    # scikit-learn goes on after an epoch without a mistake, changing nothing.
    assert ours.n_iter_ <= theirs.n_iter_


@pytest.mark.parametrize("name", ["iris (3 classes, not separable)", "digits"])
def test_stops_after_the_same_epoch_as_scikit_learn_when_not_separable(name):
    # Every epoch makes mistakes, so only the tol rule ends training: after the
    # same epoch on both sides, with the same weights, long before max_iter.
    if name == "digits":
        X, y = load_digits(return_X_y=True)
        X, y = X[:600], y[:600]
    else:
        X, y = DATASETS[name]()
    ours = Perceptron(shuffle=False).fit(X, y)
    theirs = reference(shuffle=False).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 100
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-9)
    without_rule = Perceptron(shuffle=False, tol=None, max_iter=200).fit(X, y)
    assert without_rule.n_iter_ == 200


def test_the_tol_rule_by_hand():
    # Losses per epoch 10, 9, 9.5, 9, 8.9995, 9 (in units of n_samples): with
    # tol = 0.001 only the second epoch improves on the best by more than tol, so the
    # count of epochs without improvement goes 0, 0, 1, 2, 3, 4: with
    # n_iter_no_change = 4 training stops after epoch 6.
    best, count, stopped = np.inf, 0, None
    for epoch, loss in enumerate([10, 9, 9.5, 9, 8.9995, 9], start=1):
        count = 0 if loss <= best - 1e-3 else count + 1
        best = min(best, loss)
        if count >= 4:
            stopped = epoch
            break
    assert stopped == 6
    # The same rule in train_perceptron, on XOR: every epoch makes the same two
    # mistakes with the same summed loss, so it stops after 1 + n_iter_no_change.
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    signed = signed_labels(np.array([0, 0, 1, 1]))[:, np.newaxis] * np.column_stack(
        [X, np.ones(4)]
    )
    for patience in (1, 3, 7):
        _, _, mistakes_per_epoch = train_perceptron(
            signed, max_iter=100, tol=1e-3, n_iter_no_change=patience, shuffle=False
        )
        losses = [
            epoch_loss(signed[updates], start)
            for updates, start in _epochs_by_hand(signed, len(mistakes_per_epoch))
        ]
        assert len(mistakes_per_epoch) < 100
        # the last epoch is the patience-th in a row not below the best minus tol
        best = np.minimum.accumulate(losses)
        not_better = [
            losses[k] / 4 > best[k - 1] / 4 - 1e-3 for k in range(1, len(losses))
        ]
        assert all(not_better[-patience:])
        assert not all(not_better[-patience - 1 :]) or len(not_better) == patience


def _epochs_by_hand(signed, n_epochs):
    """(rows updated, weights before) of each unshuffled epoch, one sample at a time."""
    coef = np.zeros(signed.shape[1])
    for _ in range(n_epochs):
        start, rows = coef.copy(), []
        for row, sample in enumerate(signed):
            if sample @ coef <= 0:
                coef = coef + sample
                rows.append(row)
        yield rows, start


def test_epoch_loss_is_the_summed_loss_sample_by_sample():
    rng = np.random.default_rng(0)
    signed = rng.normal(size=(50, 3))  # not separable: many mistakes
    start = rng.normal(size=3)
    coef, expected, rows = start.copy(), 0.0, []
    for row, sample in enumerate(signed):
        margin = sample @ coef
        expected += max(0.0, -margin)  # 0 on its side, else how far across
        if margin <= 0:
            coef = coef + sample
            rows.append(row)
    assert rows == perceptron_epoch(signed, start.copy())
    np.testing.assert_allclose(epoch_loss(signed[rows], start), expected, rtol=1e-12)


@pytest.mark.parametrize("learning_rate", [0.5, 0.01])
def test_same_weights_as_scikit_learn_with_another_learning_rate(learning_rate):
    X, y = standardised(load_wine)
    ours = Perceptron(learning_rate=learning_rate, shuffle=False).fit(X, y)
    theirs = reference(learning_rate=learning_rate, shuffle=False).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-12)


def test_same_weights_as_scikit_learn_on_digits():
    X, y = load_digits(return_X_y=True)  # pixel intensities 0-16, not standardised
    ours = Perceptron(shuffle=False, max_iter=50).fit(X[:600], y[:600])
    theirs = reference(shuffle=False, max_iter=50).fit(X[:600], y[:600])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X[600:]), theirs.predict(X[600:]))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_same_accuracy_as_scikit_learn_on_separable_data_when_shuffled(
    seed, fit_intercept
):
    # scikit-learn shuffles with another generator, so the weights differ; on
    # separable data both separate the training set: accuracy 1.0 for both.
    X, y, _, _ = separable(400, 4, 0.05, fit_intercept=fit_intercept, seed=seed)
    # tol=None: scikit-learn's loss rule could stop either before it separates.
    settings = {"fit_intercept": fit_intercept, "random_state": seed, "tol": None}
    ours = Perceptron(**settings).fit(X, y)
    theirs = reference(**settings).fit(X, y)
    assert ours.score(X, y) == theirs.score(X, y) == 1.0
    assert ours.n_iter_ < 1000, "it stops at the first epoch without a mistake"


def test_test_accuracy_equals_scikit_learns_on_separable_wine():
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    ours = Perceptron(shuffle=False).fit(X_train, y_train)
    theirs = reference(shuffle=False).fit(X_train, y_train)
    assert ours.score(X_train, y_train) == theirs.score(X_train, y_train) == 1.0
    assert ours.score(X_test, y_test) == theirs.score(X_test, y_test)


# ---------------------------------------------------------------------------
# (c) Novikoff: at most (R / gamma)^2 updates on separable data
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize(
    ("n_features", "gamma", "fit_intercept", "seed"),
    [
        (2, 0.3, True, 0),
        (2, 0.05, True, 1),
        (5, 0.1, True, 2),
        (10, 0.02, True, 3),
        (3, 0.1, False, 4),
        (20, 0.05, False, 5),
    ],
)
def test_updates_stay_within_novikoffs_bound(
    n_features, gamma, fit_intercept, seed, shuffle
):
    X, y, u, c = separable(
        300, n_features, gamma, fit_intercept=fit_intercept, seed=seed
    )
    model = Perceptron(
        fit_intercept=fit_intercept,
        shuffle=shuffle,
        random_state=seed,
        max_iter=10_000,
        tol=None,  # Novikoff's theorem is about training until no mistake is left
    ).fit(X, y)

    # The bound by hand: R the largest norm of an extended sample (x, 1), gamma the
    # margin of the unit vector (u, c) / ||(u, c)|| in that space.
    extended = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    R = np.max(np.linalg.norm(extended, axis=1))
    direction = np.append(u, c) if fit_intercept else u
    margin = np.min(signed_labels(y) * (extended @ direction)) / np.linalg.norm(
        direction
    )
    assert margin >= gamma / np.linalg.norm(direction) > 0
    bound = (R / margin) ** 2
    assert mistake_bound(X, signed_labels(y), u, c, fit_intercept=fit_intercept) == (
        pytest.approx(bound)
    )

    assert model.n_updates_ <= bound
    assert model.score(X, y) == 1.0, "the result separates the training data"
    assert np.all(signed_labels(y) * model.decision_function(X) > 0)
    assert model.n_iter_ < model.max_iter


def test_the_bound_holds_for_any_learning_rate_and_order():
    X, y, u, c = separable(200, 3, 0.05, seed=7)
    bound = mistake_bound(X, signed_labels(y), u, c)
    for learning_rate in (0.001, 1.0, 100.0):
        for seed in range(5):
            model = Perceptron(
                learning_rate=learning_rate,
                random_state=seed,
                max_iter=10_000,
                tol=None,
            ).fit(X, y)
            assert model.n_updates_ <= bound
            assert model.score(X, y) == 1.0


def test_geometric_margin_by_hand():
    # The line x1 + x2 - 1 = 0; the points (1, 1) and (0, 0) are 1 / sqrt(2) from it,
    # but in the extended space the norm of (1, 1, -1) is sqrt(3).
    X = np.array([[1.0, 1.0], [0.0, 0.0]])
    y = np.array([1.0, -1.0])
    assert geometric_margin(X, y, np.array([1.0, 1.0]), -1.0) == pytest.approx(
        1 / np.sqrt(3)
    )
    assert geometric_margin(X, -y, np.array([1.0, 1.0]), -1.0) < 0
    # R^2 = |(1, 1, 1)|^2 = 3 and gamma^2 = 1/3: the bound is 9.
    assert mistake_bound(X, y, np.array([1.0, 1.0]), -1.0) == pytest.approx(9.0)
    assert mistake_bound(X, -y, np.array([1.0, 1.0]), -1.0) == np.inf


# ---------------------------------------------------------------------------
# (d) The mistakes a perceptron is easily written with
# ---------------------------------------------------------------------------


def test_a_zero_score_is_a_mistake_or_nothing_is_ever_learned():
    # From w = 0 every score is 0. Updating only on scores < 0 would never update.
    X, y, _, _ = separable(50, 2, 0.2)
    model = Perceptron(shuffle=False).fit(X, y)
    assert model.n_updates_ >= 1
    assert np.any(model.coef_ != 0)
    assert model.score(X, y) == 1.0


@pytest.mark.parametrize(
    "labels",
    [[0, 1], [-1, 1], [1, 2], ["no", "yes"], [False, True]],
    ids=["0/1", "-1/+1", "1/2", "strings", "booleans"],
)
def test_any_two_labels_give_the_same_perceptron(labels):
    # Using the labels 0/1 directly in the update w += y x would make every sample
    # of class 0 update by nothing.
    X, y01, _, _ = separable(100, 3, 0.1, seed=2)
    y = np.array(labels)[y01]
    expected = Perceptron(shuffle=False).fit(X, np.where(y01 == 1, 1, -1))
    model = Perceptron(shuffle=False).fit(X, y)
    np.testing.assert_array_equal(model.coef_, expected.coef_)
    np.testing.assert_array_equal(model.intercept_, expected.intercept_)
    np.testing.assert_array_equal(model.classes_, np.unique(y))
    assert model.score(X, y) == 1.0


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_learning_rate_only_scales_the_weights(shuffle):
    # From w = 0, w is learning_rate times a sum of samples: every score is scaled by
    # it, so the same samples are mistakes and the predictions are the same.
    X, y = standardised(load_breast_cancer)  # not separable: many updates
    # Without the tol rule: the loss it watches is scaled by the learning rate too
    # (as scikit-learn's), so with it the learning rate changes when training stops.
    settings = {"shuffle": shuffle, "random_state": 0, "max_iter": 20, "tol": None}
    unit = Perceptron(learning_rate=1.0, **settings).fit(X, y)
    for learning_rate in (
        0.5,
        0.125,
        4.0,
    ):  # powers of 2: scaling is exact in floating point
        scaled = Perceptron(learning_rate=learning_rate, **settings).fit(X, y)
        np.testing.assert_array_equal(scaled.coef_, learning_rate * unit.coef_)
        np.testing.assert_array_equal(
            scaled.intercept_, learning_rate * unit.intercept_
        )
        assert scaled.n_updates_ == unit.n_updates_
    other = Perceptron(learning_rate=0.01, **settings).fit(X, y)
    np.testing.assert_array_equal(other.predict(X), unit.predict(X))


def test_the_intercept_is_learned_and_needed():
    # Two classes on either side of x1 = 5, far from the origin: no line through the
    # origin separates them.
    rng = np.random.default_rng(0)
    X = rng.uniform(0.0, 1.0, size=(100, 2)) + np.array([4.5, 0.0])
    X[:, 0] += np.where(X[:, 0] > 5.0, 0.1, -0.1)
    y = (X[:, 0] > 5.0).astype(int)
    with_intercept = Perceptron(max_iter=10_000, tol=None, random_state=0).fit(X, y)
    assert with_intercept.score(X, y) == 1.0
    assert with_intercept.intercept_[0] < 0
    without = Perceptron(
        fit_intercept=False, max_iter=50, tol=None, random_state=0
    ).fit(X, y)
    assert without.score(X, y) < 1.0
    np.testing.assert_array_equal(without.intercept_, [0.0])
    assert without.n_iter_ == 50


def test_training_stops_after_the_first_epoch_without_a_mistake():
    X, y, _, _ = separable(100, 2, 0.3, seed=3)
    model = Perceptron(shuffle=False).fit(X, y)
    signed = signed_labels(y)[:, np.newaxis] * np.column_stack([X, np.ones(len(X))])
    _, _, mistakes_per_epoch = train_perceptron(signed, max_iter=1000, shuffle=False)
    assert mistakes_per_epoch[-1] == 0
    assert np.all(mistakes_per_epoch[:-1] > 0)
    assert model.n_iter_ == len(mistakes_per_epoch) < 1000
    assert model.n_updates_ == mistakes_per_epoch.sum()
    # One more epoch of its own would change nothing.
    weights = np.append(model.coef_[0], model.intercept_)
    assert perceptron_epoch(signed, weights) == []


def test_xor_is_never_separated():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    model = Perceptron(max_iter=200, tol=None, random_state=0).fit(X, y)
    assert model.n_iter_ == 200
    assert model.score(X, y) < 1.0
    assert model.n_updates_ >= 200  # at least one mistake in every epoch


def test_multiclass_is_one_vs_rest():
    X, y = standardised(load_wine)
    model = Perceptron(shuffle=False).fit(X, y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.intercept_.shape == (3,)
    assert model.decision_function(X).shape == (len(X), 3)
    total_updates, epochs = 0, []
    for index, label in enumerate(model.classes_):
        binary = Perceptron(shuffle=False).fit(X, y == label)
        np.testing.assert_array_equal(model.coef_[index], binary.coef_[0])
        assert model.intercept_[index] == binary.intercept_[0]
        total_updates += binary.n_updates_
        epochs.append(binary.n_iter_)
    assert model.n_updates_ == total_updates
    assert model.n_iter_ == max(epochs)
    scores = model.decision_function(X)
    np.testing.assert_array_equal(
        model.predict(X), model.classes_[np.argmax(scores, axis=1)]
    )


def test_binary_shapes_and_a_zero_score_predicts_the_first_class():
    model = Perceptron(shuffle=False).fit(X_HAND, Y_HAND)
    assert model.coef_.shape == (1, 1)
    assert model.intercept_.shape == (1,)
    assert model.decision_function(X_HAND).shape == (3,)
    # 2 x - 3 = 0 at x = 1.5: scikit-learn predicts classes_[1] only for scores > 0.
    assert model.predict([[1.5]])[0] == 0


def test_a_single_class_is_refused():
    with pytest.raises(ValueError, match="one class"):
        Perceptron().fit(X_HAND, [1, 1, 1])


def test_shuffling_is_seeded():
    X, y = standardised(load_breast_cancer)
    first = Perceptron(random_state=5, max_iter=10).fit(X, y)
    again = Perceptron(random_state=5, max_iter=10).fit(X, y)
    other = Perceptron(random_state=6, max_iter=10).fit(X, y)
    np.testing.assert_array_equal(first.coef_, again.coef_)
    assert not np.array_equal(first.coef_, other.coef_)


def test_refitting_after_set_params():
    X, y = standardised(load_iris)
    model = Perceptron(shuffle=False, max_iter=5).fit(X, y)
    before = model.coef_.copy()
    model.set_params(max_iter=50, fit_intercept=False).fit(X, y)
    fresh = Perceptron(shuffle=False, max_iter=50, fit_intercept=False).fit(X, y)
    np.testing.assert_array_equal(model.coef_, fresh.coef_)
    np.testing.assert_array_equal(model.intercept_, [0.0, 0.0, 0.0])
    assert not np.array_equal(model.coef_, before)
