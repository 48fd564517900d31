"""Losses (Chapter 23; Huber, of Chapter 35): values and gradients against
keras.losses in float64 under tf.GradientTape, finite differences, stability for
logits of size 1000, and clear errors for labels of the wrong shape or range and for
NaN."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn.deep import losses
from scratchlearn.deep.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Huber,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from tests.deep.test_layers import numerical_gradient

KERAS = {
    MeanSquaredError: keras.losses.MeanSquaredError,
    BinaryCrossentropy: keras.losses.BinaryCrossentropy,
    CategoricalCrossentropy: keras.losses.CategoricalCrossentropy,
    SparseCategoricalCrossentropy: keras.losses.SparseCategoricalCrossentropy,
}


def _keras_loss_and_gradient(loss, y_true, y_pred):
    theirs = KERAS[type(loss)](**loss.get_config(), dtype="float64")
    y_pred = tf.constant(y_pred, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(y_pred)
        value = theirs(tf.constant(y_true), y_pred)
    return float(value), tape.gradient(value, y_pred).numpy()


def _check_against_keras(loss, y_true, y_pred, rtol=1e-5):
    value, grad = _keras_loss_and_gradient(loss, y_true, y_pred)
    assert loss.loss(y_true, y_pred) == pytest.approx(value, rel=rtol, abs=1e-12)
    np.testing.assert_allclose(
        loss.gradient(y_true, y_pred), grad, rtol=rtol, atol=1e-12
    )
    assert isinstance(loss.loss(y_true, y_pred), float)
    assert loss(y_true, y_pred) == loss.loss(y_true, y_pred)


def _data(kind, shape, seed=0):
    """Labels and network outputs of ``shape`` for a loss of ``kind``."""
    rng = np.random.default_rng(seed)
    logits = 2.0 * rng.normal(size=shape)
    if kind == "regression":
        return rng.normal(size=shape), logits
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(float), logits
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    if kind == "sparse":
        return labels, logits
    return np.eye(shape[-1])[labels], logits


SHAPES = [(8, 1), (6, 3), (4, 2, 5)]
FROM_LOGITS = [True, False]


@pytest.mark.parametrize("shape", [(8,), *SHAPES], ids=str)
def test_mean_squared_error_matches_keras(shape):
    y_true, y_pred = _data("regression", shape)
    _check_against_keras(MeanSquaredError(), y_true, y_pred)


def test_mean_squared_error_by_hand():
    loss = MeanSquaredError()
    assert loss.loss([[1.0], [3.0]], [[2.0], [1.0]]) == pytest.approx((1 + 4) / 2)
    np.testing.assert_allclose(
        loss.gradient([[1.0], [3.0]], [[2.0], [1.0]]), [[1], [-2]]
    )
    # Targets (batch,) for a column of predictions (batch, 1): accepted, as Keras,
    # instead of broadcasting to a (batch, batch) matrix.
    assert loss.loss([1.0, 3.0], [[2.0], [1.0]]) == pytest.approx(2.5)
    assert loss.gradient([1.0, 3.0], [[2.0], [1.0]]).shape == (2, 1)


# ---------------------------------------------------------------------------
# Huber (the loss of the deep Q-network, Chapter 35)
# ---------------------------------------------------------------------------


def test_huber_by_hand():
    huber = Huber(delta=1.0)
    y_true = np.array([0.0, 0.0, 0.0, 0.0])
    y_pred = np.array([0.5, -0.5, 3.0, -2.0])
    # 0.5 * 0.25 twice (inside delta), then |x| - 0.5 for 3 and -2.
    assert huber.loss(y_true, y_pred) == pytest.approx((0.125 + 0.125 + 2.5 + 1.5) / 4)
    np.testing.assert_allclose(
        huber.gradient(y_true, y_pred), np.array([0.5, -0.5, 1.0, -1.0]) / 4
    )


@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("shape", [(7,), (6, 1), (4, 3)])
def test_huber_equals_keras(delta, shape):
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=shape), 3 * rng.normal(size=shape)
    theirs = keras.losses.Huber(delta=delta, dtype="float64")
    prediction = tf.constant(y_pred, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(prediction)
        value = theirs(tf.constant(y_true), prediction)
    ours = Huber(delta)
    assert ours.loss(y_true, y_pred) == pytest.approx(float(value), rel=1e-12)
    np.testing.assert_allclose(
        ours.gradient(y_true, y_pred),
        tape.gradient(value, prediction).numpy(),
        rtol=1e-12,
        atol=1e-15,
    )


def test_huber_gradient_by_finite_differences():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=(5, 2)), 2 * rng.normal(size=(5, 2))
    huber = Huber(0.8)
    numeric = numerical_gradient(lambda: huber.loss(y_true, y_pred), y_pred)
    np.testing.assert_allclose(huber.gradient(y_true, y_pred), numeric, atol=1e-8)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("from_logits", FROM_LOGITS)
def test_binary_crossentropy_matches_keras(from_logits, shape):
    y_true, logits = _data("binary", shape)
    y_pred = logits if from_logits else 1 / (1 + np.exp(-logits))
    _check_against_keras(BinaryCrossentropy(from_logits=from_logits), y_true, y_pred)


@pytest.mark.parametrize("shape", SHAPES[1:], ids=str)
@pytest.mark.parametrize("from_logits", FROM_LOGITS)
def test_categorical_crossentropy_matches_keras(from_logits, shape):
    y_true, logits = _data("categorical", shape)
    y_pred = (
        logits if from_logits else np.exp(logits) / np.exp(logits).sum(-1)[..., None]
    )
    _check_against_keras(
        CategoricalCrossentropy(from_logits=from_logits), y_true, y_pred
    )
    sparse = SparseCategoricalCrossentropy(from_logits=from_logits)
    _check_against_keras(sparse, y_true.argmax(axis=-1), y_pred)


def test_categorical_crossentropy_with_soft_labels_and_unnormalised_probabilities():
    rng = np.random.default_rng(1)
    y_true = rng.dirichlet(np.ones(4), size=5)
    _check_against_keras(
        CategoricalCrossentropy(from_logits=True), y_true, rng.normal(size=(5, 4))
    )
    # Keras divides each row of probabilities by its sum first.
    _check_against_keras(
        CategoricalCrossentropy(), y_true, rng.uniform(0.05, 0.5, size=(5, 4))
    )


def test_sparse_categorical_crossentropy_accepts_a_column_of_labels():
    y_true, logits = _data("sparse", (6, 3))
    loss = SparseCategoricalCrossentropy(from_logits=True)
    assert loss.loss(y_true[:, None], logits) == loss.loss(y_true, logits)
    _check_against_keras(loss, y_true[:, None], logits)


LOSS_CASES = [
    (MeanSquaredError(), "regression", (5, 3)),
    (Huber(0.8), "regression", (5, 3)),
    (BinaryCrossentropy(from_logits=True), "binary", (5, 2)),
    (BinaryCrossentropy(), "binary", (5, 2)),
    (CategoricalCrossentropy(from_logits=True), "categorical", (5, 4)),
    (CategoricalCrossentropy(), "categorical", (5, 4)),
    (SparseCategoricalCrossentropy(from_logits=True), "sparse", (5, 4)),
    (SparseCategoricalCrossentropy(), "sparse", (5, 4)),
]


@pytest.mark.parametrize("loss, kind, shape", LOSS_CASES, ids=repr)
def test_gradient_matches_finite_differences(loss, kind, shape):
    y_true, y_pred = _data(kind, shape, seed=3)
    from_logits = getattr(loss, "from_logits", True)
    if not from_logits:
        y_pred = 1 / (1 + np.exp(-y_pred))  # probabilities, away from the clip
        if kind != "binary":
            y_pred /= y_pred.sum(axis=-1, keepdims=True)
    point = y_pred.copy()
    numeric = numerical_gradient(lambda: loss.loss(y_true, point), point)
    np.testing.assert_allclose(
        loss.gradient(y_true, y_pred), numeric, rtol=1e-6, atol=1e-9
    )


# ---------------------------------------------------------------------------
# Stability
# ---------------------------------------------------------------------------


def test_binary_crossentropy_from_logits_of_size_1000():
    loss = BinaryCrossentropy(from_logits=True)
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
    logits = np.array([[1000.0], [1000.0], [-1000.0], [-1000.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        value = loss.loss(y_true, logits)
        grad = loss.gradient(y_true, logits)
    # Right with certainty costs 0, wrong with certainty costs |logit| = 1000.
    assert value == pytest.approx((0 + 1000 + 1000 + 0) / 4)
    np.testing.assert_allclose(grad, [[0.0], [0.25], [-0.25], [0.0]])
    _check_against_keras(loss, y_true, logits)


def test_categorical_crossentropy_from_logits_of_size_1000():
    loss = CategoricalCrossentropy(from_logits=True)
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    logits = np.array(
        [[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]
    )
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        value = loss.loss(y_true, logits)
        grad = loss.gradient(y_true, logits)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    # Costs: 0; 2000 (logsumexp 1000 minus -1000); 1 + log(1 + e^-1) (1000 vs 999).
    expected = (0.0 + 2000.0 + 1.0 + np.log1p(np.exp(-1.0))) / 3
    assert value == pytest.approx(expected)
    _check_against_keras(loss, y_true, logits)
    sparse = SparseCategoricalCrossentropy(from_logits=True)
    assert sparse.loss([0, 1, 2], logits) == pytest.approx(expected)


@pytest.mark.parametrize(
    "loss",
    [BinaryCrossentropy(), CategoricalCrossentropy()],
    ids=repr,
)
def test_probabilities_of_exactly_0_and_1_are_clipped_as_keras(loss):
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
    y_pred = np.array([[0.0, 1.0], [0.0, 1.0]])  # certain, once wrong, once right
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        value = loss.loss(y_true, y_pred)
        grad = loss.gradient(y_true, y_pred)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    _check_against_keras(loss, y_true, y_pred)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_integer_labels_for_categorical_crossentropy_say_what_to_do():
    labels, logits = _data("sparse", (6, 3))
    loss = CategoricalCrossentropy(from_logits=True)
    for method in (loss.loss, loss.gradient):
        with pytest.raises(ValueError, match="one-hot") as error:
            method(labels, logits)
        assert "SparseCategoricalCrossentropy" in str(error.value)
        with pytest.raises(ValueError, match="one-hot"):
            method(labels[:, None], logits)


def test_one_hot_labels_for_sparse_crossentropy_say_what_to_do():
    one_hot, logits = _data("categorical", (6, 3))
    with pytest.raises(ValueError, match=r"looks one-hot.*CategoricalCrossentropy"):
        SparseCategoricalCrossentropy(from_logits=True).loss(one_hot, logits)


@pytest.mark.parametrize(
    "loss, y_true, y_pred, message",
    [
        (MeanSquaredError(), np.ones(4), np.ones((4, 2)), "same"),
        (MeanSquaredError(), np.ones((3, 2)), np.ones((4, 2)), "same"),
        (MeanSquaredError(), np.ones((2, 3)), np.ones((2, 2, 1)), "same"),
        (BinaryCrossentropy(True), np.ones((5, 1)), np.ones((4, 1)), "same"),
        (BinaryCrossentropy(True), [[-1.0], [1.0]], np.zeros((2, 1)), r"\[0, 1\]"),
        (BinaryCrossentropy(), [[0.0], [1.0]], [[-2.0], [3.0]], "from_logits=True"),
        (CategoricalCrossentropy(), np.eye(3), 3 * np.eye(3), "from_logits=True"),
        (SparseCategoricalCrossentropy(True), [0, 3], np.zeros((2, 3)), r"\[0, 3\)"),
        (SparseCategoricalCrossentropy(True), [0, 1.5], np.zeros((2, 3)), "integer"),
        (SparseCategoricalCrossentropy(True), [0, 1, 2], np.zeros((2, 3)), "shape"),
        (MeanSquaredError(), np.ones((0, 2)), np.ones((0, 2)), "non-empty"),
        (MeanSquaredError(), 1.0, 1.0, "non-empty"),
        (MeanSquaredError(), [["a"]], [[1.0]], "converted to numbers"),
    ],
    ids=str,
)
def test_bad_labels_are_clear_errors(loss, y_true, y_pred, message):
    for method in (loss.loss, loss.gradient):
        with pytest.raises(ValueError, match=message):
            method(y_true, y_pred)


@pytest.mark.parametrize("loss, kind, shape", LOSS_CASES, ids=repr)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_infinity_is_a_clear_error(loss, kind, shape, bad):
    y_true, y_pred = _data(kind, shape)
    if not getattr(loss, "from_logits", True):
        y_pred = np.full(shape, 0.5)
    broken = y_pred.copy()
    broken[0, 0] = bad
    with pytest.raises(ValueError, match=r"y_pred contains NaN.*diverged"):
        loss.loss(y_true, broken)
    with pytest.raises(ValueError, match="y_pred contains NaN"):
        loss.gradient(y_true, broken)
    labels = np.array(y_true, dtype=float)
    labels.flat[0] = np.nan
    with pytest.raises(ValueError, match="y_true contains NaN"):
        loss.loss(labels, y_pred)


def test_losses_by_name_with_keras_defaults():
    assert isinstance(losses.get("mse"), MeanSquaredError)
    assert losses.get("huber").delta == 1.0
    assert losses.get("binary_crossentropy").from_logits is False
    loss = CategoricalCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    assert repr(loss) == "CategoricalCrossentropy(from_logits=True)"
    with pytest.raises(ValueError, match="Unknown loss"):
        losses.get("hinge")
