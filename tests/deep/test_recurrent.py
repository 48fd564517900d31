"""Sequences (Chapter 27): the mask protocol of Layer and Sequential, Embedding,
SimpleRNN, LSTM, GRU and Bidirectional against Keras layers holding the same
weights (float64, forward and gradients under tf.GradientTape), finite differences
of every backward pass, masks that freeze the state and the gradient of padded
steps, dropout masks shared across time steps, and clipnorm.
"""

import os
import warnings

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn.deep import SGD, Dense, Flatten, Sequential, load_model
from scratchlearn.deep.base import Layer
from scratchlearn.deep.recurrent import (
    GRU,
    LSTM,
    Bidirectional,
    Embedding,
    SimpleRNN,
)
from scratchlearn.numerics import sigmoid
from tests.deep.test_layers import numerical_gradient


def built(layer, input_shape, seed=0):
    layer.build(input_shape, np.random.default_rng(seed))
    return layer


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-10)


# ---------------------------------------------------------------------------
# The mask protocol
# ---------------------------------------------------------------------------


class MaskRecorder(Layer):
    """Identity that records the mask it was given (accepts masks, passes them)."""

    accepts_mask = True
    supports_masking = True

    def forward(self, X, training=False, mask=None):
        self.seen = None if mask is None else mask.copy()
        return X

    def backward(self, grad_output):
        return grad_output


class MaskConsumer(MaskRecorder):
    """Uses the mask and stops it (as a recurrent layer without return_sequences)."""

    def compute_mask(self, X, mask=None):
        return None


class Passive(Layer):
    """Neither accepts nor supports masks (like Flatten)."""

    def forward(self, X, training=False):
        return X

    def backward(self, grad_output):
        return grad_output


PADDED = np.array([[3, 1, 0, 0], [2, 2, 2, 0], [1, 0, 0, 0]])


def test_layer_defaults_stop_the_mask_unless_supports_masking():
    mask = PADDED != 0
    assert Layer.accepts_mask is False and Layer.supports_masking is False
    assert Passive().compute_mask(PADDED, mask) is None
    passing = MaskRecorder()
    assert passing.compute_mask(PADDED, mask) is mask


def test_embedding_mask_zero_makes_the_mask_and_sequential_carries_it():
    recorder, after = MaskRecorder(), MaskRecorder()
    model = Sequential([Embedding(4, 3, mask_zero=True), recorder, after])
    model.forward(PADDED)
    np.testing.assert_array_equal(recorder.seen, PADDED != 0)
    np.testing.assert_array_equal(after.seen, PADDED != 0)  # passed on unchanged
    # Without mask_zero there is no mask at all.
    recorder = MaskRecorder()
    Sequential([Embedding(4, 3), recorder]).forward(PADDED)
    assert recorder.seen is None


def test_a_consumer_stops_the_mask():
    consumer, after = MaskConsumer(), MaskRecorder()
    model = Sequential([Embedding(4, 3, mask_zero=True), consumer, after])
    model.forward(PADDED)
    np.testing.assert_array_equal(consumer.seen, PADDED != 0)
    assert after.seen is None


def test_a_layer_without_masking_drops_the_mask_with_a_warning():
    after = MaskRecorder()
    model = Sequential([Embedding(4, 3, mask_zero=True), Passive(), after])
    with pytest.warns(UserWarning, match="Passive neither accepts nor supports"):
        model.forward(PADDED)
    assert after.seen is None
    # No mask, no warning.
    model = Sequential([Embedding(4, 3), Flatten(), Dense(2)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.forward(PADDED)


def test_mask_given_to_sequential_forward_reaches_the_first_layer():
    recorder = MaskRecorder()
    model = Sequential([recorder, MaskConsumer(), Flatten()])
    X = np.ones((2, 3, 4))
    mask = np.array([[True, True, False], [True, False, False]])
    model(X, mask=mask)
    np.testing.assert_array_equal(recorder.seen, mask)
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, timesteps\)"):
        model.forward(X, mask=mask[:, :2])
    with pytest.raises(TypeError, match="boolean"):
        model.forward(X, mask=mask.astype(int))


def test_sequential_backward_and_training_with_a_mask_consumer():
    # The mask protocol does not disturb a training step: gradients still flow.
    model = Sequential([Embedding(5, 2, mask_zero=True), MaskConsumer(), Flatten()])
    model.compile("sgd", "mse")
    y = np.zeros((3, 8))
    loss, _ = model.train_step(model._check_X(PADDED), y)
    assert np.isfinite(loss)
    assert model.layers[0].grads["embeddings"].shape == (5, 2)


# ---------------------------------------------------------------------------
# Embedding
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, input_dim, output_dim", [((4,), 4, 3), ((6,), 10, 1), ((2, 3), 7, 5)]
)
def test_embedding_matches_keras(shape, input_dim, output_dim):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, input_dim, size=(5, *shape))
    ours = built(Embedding(input_dim, output_dim, mask_zero=True), shape)
    theirs = keras.layers.Embedding(
        input_dim, output_dim, mask_zero=True, dtype="float64"
    )
    theirs.build((None, *shape))
    theirs.set_weights([ours.params["embeddings"]])
    upstream = rng.normal(size=(5, *shape, output_dim))
    with tf.GradientTape() as tape:
        y = theirs(tf.constant(ids))
    (grad,) = tape.gradient(y, theirs.trainable_variables, output_gradients=upstream)
    grad = tf.convert_to_tensor(grad)  # IndexedSlices (a scatter-add) to dense
    assert ours.output_shape_ == (*shape, output_dim)
    assert_close(ours.forward(ids.astype(np.float64)), y.numpy())
    grad_ids = ours.backward(upstream)
    assert_close(ours.grads["embeddings"], grad.numpy())
    np.testing.assert_array_equal(grad_ids, np.zeros(ids.shape))
    np.testing.assert_array_equal(
        ours.compute_mask(ids), theirs.compute_mask(tf.constant(ids)).numpy()
    )


def test_embedding_gradient_by_finite_differences_and_by_hand():
    layer = built(Embedding(4, 2), (3,))
    ids = np.array([[1, 1, 3], [0, 1, 2]])
    R = np.random.default_rng(1).normal(size=(2, 3, 2))

    def loss():
        return float(np.sum(layer.forward(ids) * R))

    layer.forward(ids)
    layer.backward(R)
    numeric = numerical_gradient(loss, layer.params["embeddings"])
    np.testing.assert_allclose(layer.grads["embeddings"], numeric, atol=1e-8)
    # Row 1 appears three times: its gradient is the sum of the three upstreams.
    assert_close(layer.grads["embeddings"][1], R[0, 0] + R[0, 1] + R[1, 1])


def test_embedding_rejects_non_integer_and_out_of_range_ids():
    layer = built(Embedding(4, 2), (3,))
    with pytest.raises(ValueError, match="not a whole number"):
        layer.forward(np.array([[0.0, 1.5, 2.0]]))
    with pytest.raises(ValueError, match="not a whole number"):
        layer.forward(np.array([[0.0, np.nan, 2.0]]))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        layer.forward(np.array([[0, 4, 2]]))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        layer.forward(np.array([[0, -1, 2]]))
    with pytest.raises(ValueError, match="expects inputs of shape"):
        layer.forward(np.array([[0, 1]]))
    with pytest.raises(RuntimeError, match="not built"):
        Embedding(4, 2).forward(np.array([[0, 1]]))
    with pytest.raises(ValueError, match="input_dim"):
        built(Embedding(0, 2), (3,))
    with pytest.raises(ValueError, match="mask_zero"):
        built(Embedding(3, 2, mask_zero="yes"), (3,))


def test_ids_reach_embedding_exactly_through_sequential():
    # Sequential stores inputs as float64 (exact for ids below 2**53): the lookup
    # through the model is the lookup of the integer ids.
    model = Sequential([Embedding(5000, 2)], random_state=0)
    ids = np.array([[4999, 4998, 0], [1, 2, 3]])
    table = model.build((3,)).layers[0].params["embeddings"]
    assert_close(model.predict(ids), table[ids])


# ---------------------------------------------------------------------------
# SimpleRNN, LSTM, GRU against Keras
# ---------------------------------------------------------------------------

CELLS = {
    "SimpleRNN": (SimpleRNN, keras.layers.SimpleRNN, {}),
    "LSTM": (LSTM, keras.layers.LSTM, {}),
    "GRU": (GRU, keras.layers.GRU, {}),
    "GRU-reset_before": (GRU, keras.layers.GRU, {"reset_after": False}),
}

# (batch, timesteps, features, units, options, masked)
CASES = [
    (3, 5, 2, 4, {}, False),
    (3, 5, 2, 4, {"return_sequences": True}, False),
    (2, 1, 4, 1, {"return_state": True}, False),
    (4, 6, 3, 5, {"return_sequences": True, "return_state": True}, True),
    (4, 6, 3, 2, {"return_state": True}, True),
    (5, 7, 1, 3, {"go_backwards": True, "return_sequences": True}, True),
    (4, 6, 3, 3, {"activation": "relu", "use_bias": False}, True),
]


def padded_mask(batch, timesteps, seed=0):
    """Masks with padding at the end, at the start, a gap, and one full row."""
    rng = np.random.default_rng(seed)
    mask = rng.random((batch, timesteps)) > 0.3
    mask[0] = True
    if batch > 1:
        mask[1, timesteps // 2 :] = False  # padded at the end
    if batch > 2 and timesteps > 1:
        mask[2, :1] = False  # padded at the start
    return mask


def as_list(y):
    return list(y) if isinstance(y, list | tuple) else [y]


def keras_run(theirs, X, mask, upstreams, training=False, dropout_masks=None):
    """Keras's outputs and gradients (w.r.t. X and each trainable weight) of
    sum(output_i * upstream_i)."""
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        if dropout_masks is not None:  # replay our masks: Keras caches them per call
            cell = theirs.cell
            cell._dropout_mask, cell._recurrent_dropout_mask = dropout_masks
        y = as_list(
            theirs(
                x, mask=None if mask is None else tf.constant(mask), training=training
            )
        )
        loss = sum(tf.reduce_sum(a * r) for a, r in zip(y, upstreams, strict=True))
    grads = tape.gradient(loss, [x, *theirs.trainable_variables])
    return [a.numpy() for a in y], [tf.convert_to_tensor(g).numpy() for g in grads]


def twins(name, units, options, input_shape, seed=0):
    ours_cls, keras_cls, extra = CELLS[name]
    ours = built(ours_cls(units, **extra, **options), input_shape, seed)
    theirs = keras_cls(units, **extra, **options, dtype="float64")
    theirs.build((None, *input_shape))
    theirs.set_weights(list(ours.params.values()))
    return ours, theirs


def assert_layer_matches_keras(ours, theirs, X, mask, training=False, masks=None):
    outputs = as_list(ours.forward(X, training=training, mask=mask))
    rng = np.random.default_rng(7)
    upstreams = [rng.normal(size=y.shape) for y in outputs]
    expected, grads = keras_run(theirs, X, mask, upstreams, training, masks)
    assert len(outputs) == len(expected)
    for y, e in zip(outputs, expected, strict=True):
        assert_close(y, e)
    grad_X = ours.backward(upstreams if len(outputs) > 1 else upstreams[0])
    assert_close(grad_X, grads[0])
    assert list(ours.grads) == list(ours.params)
    for name, expected_grad in zip(ours.params, grads[1:], strict=True):
        assert_close(ours.grads[name], expected_grad)


@pytest.mark.parametrize("name", list(CELLS))
@pytest.mark.parametrize("batch, timesteps, features, units, options, masked", CASES)
def test_recurrent_layer_matches_keras(
    name, batch, timesteps, features, units, options, masked
):
    X = np.random.default_rng(1).normal(size=(batch, timesteps, features))
    mask = padded_mask(batch, timesteps) if masked else None
    ours, theirs = twins(name, units, options, (timesteps, features))
    keras_shape = theirs.compute_output_shape((None, timesteps, features))
    first = keras_shape[0] if options.get("return_state") else keras_shape
    assert ours.output_shape_ == tuple(first)[1:]
    assert_layer_matches_keras(ours, theirs, X, mask)


def keras_masks(masks):
    if masks is None:
        return None
    if len(masks) == 1:
        return tf.constant(masks[0])
    return [tf.constant(m) for m in masks]


@pytest.mark.parametrize("name", list(CELLS))
@pytest.mark.parametrize(
    "dropout, recurrent_dropout", [(0.3, 0.0), (0.0, 0.4), (0.3, 0.4)]
)
def test_dropout_training_matches_keras_with_the_same_masks(
    name, dropout, recurrent_dropout
):
    X = np.random.default_rng(2).normal(size=(4, 6, 3))
    mask = padded_mask(4, 6)
    options = {
        "dropout": dropout,
        "recurrent_dropout": recurrent_dropout,
        "return_sequences": True,
    }
    ours, theirs = twins(name, 5, options, (6, 3))
    ours.forward(X, training=True, mask=mask)
    in_masks, rec_masks = ours._last_dropout_masks
    # Keras 3's layout: one mask per gate as soon as recurrent_dropout > 0.
    per_gate = ours.n_gates if recurrent_dropout > 0 else 1
    if dropout > 0:
        assert in_masks.shape == (per_gate, 4, 3)
        assert set(np.unique(in_masks)) <= {0.0, 1 / (1 - dropout)}
    if recurrent_dropout > 0:
        assert rec_masks.shape == (per_gate, 4, 5)
    # Replay the very masks in Keras: forward and gradients agree.
    assert_layer_matches_keras_with_masks(ours, theirs, X, mask)


def assert_layer_matches_keras_with_masks(ours, theirs, X, mask):
    outputs = ours.forward(X, training=True, mask=mask)
    masks = ours._last_dropout_masks
    upstream = np.random.default_rng(7).normal(size=outputs.shape)
    (expected,), grads = keras_run(
        theirs,
        X,
        mask,
        [upstream],
        training=True,
        dropout_masks=(keras_masks(masks[0]), keras_masks(masks[1])),
    )
    assert_close(outputs, expected)
    assert_close(ours.backward(upstream), grads[0])
    for name, expected_grad in zip(ours.params, grads[1:], strict=True):
        assert_close(ours.grads[name], expected_grad)


@pytest.mark.parametrize("name", list(CELLS))
def test_dropout_masks_are_shared_across_time_and_inference_is_deterministic(name):
    X = np.random.default_rng(3).normal(size=(6, 5, 4))
    ours, _ = twins(name, 3, {"dropout": 0.5, "return_sequences": True}, (5, 4))
    plain, _ = twins(name, 3, {"return_sequences": True}, (5, 4))
    plain.params.update({k: v.copy() for k, v in ours.params.items()})
    trained = ours.forward(X, training=True)
    inferred = ours.forward(X)
    assert not np.allclose(trained, inferred)  # training drops inputs
    assert_close(ours.forward(X), inferred)  # inference: no randomness
    assert_close(inferred, plain.forward(X))  # ... and no dropout at all
    # A dropped input feature is dropped at every step: its gradient is 0 at every
    # step of that sequence, and nonzero at every step where it is kept.
    ours._rng = np.random.default_rng(0)
    ours.forward(X, training=True)
    grad = ours.backward(np.ones((6, 5, 3)))  # (batch, timesteps, features)
    dropped = np.all(grad == 0, axis=1)  # (batch, features), over every step
    kept = np.all(grad != 0, axis=1)
    np.testing.assert_array_equal(dropped | kept, True)  # never mixed over time
    assert dropped.any() and kept.any()


def finite_difference_check(layer, X, mask, training=False, seed=None):
    """Every gradient of sum(outputs * R) against central differences; with
    ``seed``, the dropout masks are replayed from a fixed generator."""

    def run(inputs):
        if seed is not None:
            layer._rng = np.random.default_rng(seed)
        return as_list(layer.forward(inputs, training=training, mask=mask))

    outputs = run(X)
    rng = np.random.default_rng(3)
    R = [rng.normal(size=y.shape) for y in outputs]

    def loss(inputs):
        return float(sum(np.sum(y * r) for y, r in zip(run(inputs), R, strict=True)))

    run(X)
    grad_X = layer.backward(R if len(R) > 1 else R[0])
    grads = {k: g.copy() for k, g in layer.grads.items()}
    point = X.copy()
    numeric_X = numerical_gradient(lambda: loss(point), point)
    np.testing.assert_allclose(grad_X, numeric_X, rtol=1e-6, atol=1e-8)
    for name, param in layer.params.items():
        numeric = numerical_gradient(lambda: loss(X), param)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-8)
    return grad_X


@pytest.mark.parametrize("name", list(CELLS))
@pytest.mark.parametrize(
    "options, training",
    [
        ({"return_sequences": True, "return_state": True}, False),
        ({"go_backwards": True}, False),
        ({"dropout": 0.3, "recurrent_dropout": 0.3, "return_state": True}, True),
        (
            {"dropout": 0.4, "return_sequences": True, "zero_output_for_mask": True},
            True,
        ),
    ],
)
def test_gradients_by_finite_differences(name, options, training):
    X = np.random.default_rng(4).normal(size=(3, 5, 2))
    mask = padded_mask(3, 5)
    layer, _ = twins(name, 3, options, (5, 2))
    grad_X = finite_difference_check(layer, X, mask, training, seed=0)
    # A padded step gets no gradient.
    np.testing.assert_array_equal(grad_X[~mask], 0.0)


@pytest.mark.parametrize("name", list(CELLS))
def test_padding_changes_neither_state_nor_gradient(name):
    rng = np.random.default_rng(5)
    real = rng.normal(size=(2, 4, 3))  # two sequences of 4 real steps
    short, _ = twins(name, 3, {"return_state": True}, (4, 3))
    long, _ = twins(name, 3, {"return_state": True}, (9, 3))
    long.params.update({k: v.copy() for k, v in short.params.items()})
    padded = np.concatenate([real, rng.normal(size=(2, 5, 3))], axis=1)  # junk pads
    mask = np.zeros((2, 9), bool)
    mask[:, :4] = True
    y_short = short.forward(real)
    y_long = long.forward(padded, mask=mask)
    for a, b in zip(y_short, y_long, strict=True):
        assert_close(b, a)
    upstreams = [rng.normal(size=a.shape) for a in y_short]
    g_short = short.backward(upstreams)
    g_long = long.backward(upstreams)
    assert_close(g_long[:, :4], g_short)
    np.testing.assert_array_equal(g_long[:, 4:], 0.0)
    for key in short.params:
        assert_close(long.grads[key], short.grads[key])


# ---------------------------------------------------------------------------
# Gate order and conventions, by hand
# ---------------------------------------------------------------------------


def test_lstm_gate_order_by_hand():
    # One unit, one feature: the four kernel columns are i, f, c, o (Keras's order).
    layer = built(LSTM(1, return_state=True), (2, 1))
    w = np.array([0.5, -0.3, 0.8, 0.2])
    u = np.array([0.1, 0.4, -0.6, 0.7])
    b = np.array([0.05, 1.0, -0.1, 0.3])
    layer.params["kernel"][:] = w
    layer.params["recurrent_kernel"][:] = u
    layer.params["bias"][:] = b
    x = np.array([[[1.5], [-0.7]]])
    h, c = 0.0, 0.0
    for x_t in x[0, :, 0]:
        i, f, g, o = (w * x_t + u * h + b)[[0, 1, 2, 3]]
        i, f, o, g = sigmoid(i), sigmoid(f), sigmoid(o), np.tanh(g)
        c = f * c + i * g
        h = o * np.tanh(c)
    y, h_T, c_T = layer.forward(x)
    assert_close(y, [[h]])
    assert_close(h_T, [[h]])
    assert_close(c_T, [[c]])
    fresh = built(LSTM(2), (3, 1))
    np.testing.assert_array_equal(fresh.params["bias"], [0, 0, 1, 1, 0, 0, 0, 0])


def test_gru_conventions_by_hand():
    w = np.array([0.5, -0.3, 0.8])  # z, r, h
    u = np.array([0.1, 0.4, -0.6])
    b_in = np.array([0.2, -0.1, 0.3])
    b_rec = np.array([-0.4, 0.25, 0.15])
    x = np.array([[[1.5], [-0.7], [0.4]]])
    for reset_after in (True, False):
        layer = built(GRU(1, reset_after=reset_after), (3, 1))
        layer.params["kernel"][:] = w
        layer.params["recurrent_kernel"][:] = u
        layer.params["bias"][...] = np.stack([b_in, b_rec]) if reset_after else b_in
        h = 0.0
        for x_t in x[0, :, 0]:
            z = sigmoid(w[0] * x_t + b_in[0] + u[0] * h + reset_after * b_rec[0])
            r = sigmoid(w[1] * x_t + b_in[1] + u[1] * h + reset_after * b_rec[1])
            if reset_after:  # r multiplies (h U_h + b_h)
                candidate = np.tanh(w[2] * x_t + b_in[2] + r * (u[2] * h + b_rec[2]))
            else:  # the paper's form: (r h) U_h
                candidate = np.tanh(w[2] * x_t + b_in[2] + (r * h) * u[2])
            h = z * h + (1 - z) * candidate  # z near 1 keeps the old state
        assert_close(layer.forward(x), [[h]])
    assert built(GRU(2), (3, 1)).params["bias"].shape == (2, 6)
    assert built(GRU(2, reset_after=False), (3, 1)).params["bias"].shape == (6,)


def test_simple_rnn_bptt_by_hand():
    # h_t = tanh(w x_t + u h_{t-1}); the gradient of h_T w.r.t. x_1 is the product
    # of the step Jacobians: the chain rule over time.
    layer = built(SimpleRNN(1, use_bias=False), (3, 1))
    w, u = 0.9, 0.5
    layer.params["kernel"][:] = w
    layer.params["recurrent_kernel"][:] = u
    x = np.array([[[0.3], [-0.2], [0.7]]])
    h = [0.0]
    for x_t in x[0, :, 0]:
        h.append(np.tanh(w * x_t + u * h[-1]))
    layer.forward(x)
    grad = layer.backward(np.ones((1, 1)))[0, :, 0]
    d3 = 1 - h[3] ** 2
    d2 = d3 * u * (1 - h[2] ** 2)
    d1 = d2 * u * (1 - h[1] ** 2)
    assert_close(grad, [d1 * w, d2 * w, d3 * w])
    assert_close(layer.grads["recurrent_kernel"], [[d3 * h[2] + d2 * h[1] + d1 * h[0]]])


# ---------------------------------------------------------------------------
# Bidirectional
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_bidirectional_matches_keras(merge_mode, return_sequences, cell):
    X = np.random.default_rng(6).normal(size=(4, 6, 3))
    mask = padded_mask(4, 6)
    ours_cls, keras_cls, _ = CELLS[cell]
    ours = built(
        Bidirectional(
            ours_cls(3, return_sequences=return_sequences), merge_mode=merge_mode
        ),
        (6, 3),
    )
    theirs = keras.layers.Bidirectional(
        keras_cls(3, return_sequences=return_sequences, dtype="float64"),
        merge_mode=merge_mode,
        dtype="float64",
    )
    theirs.build((None, 6, 3))
    theirs.set_weights(list(ours.params.values()))
    assert ours.output_shape_ == theirs.compute_output_shape((None, 6, 3))[1:]
    assert_layer_matches_keras(ours, theirs, X, mask)
    if return_sequences:
        np.testing.assert_array_equal(ours.compute_mask(X, mask), mask)
    else:
        assert ours.compute_mask(X, mask) is None


def test_bidirectional_finite_differences():
    X = np.random.default_rng(8).normal(size=(3, 4, 2))
    layer = built(
        Bidirectional(GRU(2, return_sequences=True), merge_mode="mul"), (4, 2)
    )
    finite_difference_check(layer, X, padded_mask(3, 4))


# ---------------------------------------------------------------------------
# clipnorm
# ---------------------------------------------------------------------------


@pytest.fixture
def float64_keras():
    """Keras's optimizer variables (learning rate, clipnorm) in float64."""
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(previous)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_clipnorm_matches_keras(momentum, float64_keras):
    rng = np.random.default_rng(9)
    params = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    variables = [keras.Variable(p.copy(), dtype="float64") for p in params]
    ours = SGD(learning_rate=0.1, momentum=momentum, clipnorm=1.0)
    theirs = keras.optimizers.SGD(learning_rate=0.1, momentum=momentum, clipnorm=1.0)
    for _ in range(3):
        # one gradient above the norm and one below
        grads = [rng.normal(size=(3, 4)) * 3, rng.normal(size=(4,)) * 0.1]
        ours.apply(params, grads)
        theirs.apply_gradients(
            zip([tf.constant(g) for g in grads], variables, strict=True)
        )
        for p, v in zip(params, variables, strict=True):
            assert_close(p, v.numpy())
    assert ours.get_config()["clipnorm"] == 1.0


def test_clipnorm_scales_each_array_separately():
    params = [np.zeros(2), np.zeros(2)]
    SGD(learning_rate=1.0, clipnorm=1.0).apply(
        params, [np.array([3.0, 4.0]), np.array([0.3, 0.4])]
    )
    assert_close(params[0], [-0.6, -0.8])  # norm 5 cut to 1
    assert_close(params[1], [-0.3, -0.4])  # norm 0.5 kept
    with pytest.raises(ValueError, match="clipnorm"):
        SGD(clipnorm=0).apply([np.zeros(2)], [np.ones(2)])


# ---------------------------------------------------------------------------
# In a model: Embedding -> recurrent -> Dense, against Keras
# ---------------------------------------------------------------------------


def token_data(n=12, timesteps=7, vocab=6, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, timesteps + 1, size=n)
    ids = rng.integers(1, vocab, size=(n, timesteps))
    ids[np.arange(timesteps) >= lengths[:, None]] = 0  # padded with 0 at the end
    return ids


def text_models(recurrent, keras_recurrent, vocab=6, timesteps=7):
    ours = Sequential(
        [Embedding(vocab, 4, mask_zero=True), recurrent, Dense(2)], random_state=0
    )
    ours.build((timesteps,))
    theirs = keras.Sequential(
        [
            keras.Input((timesteps,), dtype="int64"),
            keras.layers.Embedding(vocab, 4, mask_zero=True, dtype="float64"),
            keras_recurrent,
            keras.layers.Dense(2, dtype="float64"),
        ]
    )
    theirs.set_weights(ours.get_weights())
    return ours, theirs


@pytest.mark.parametrize(
    "recurrent, keras_recurrent",
    [
        (lambda: LSTM(3), lambda: keras.layers.LSTM(3, dtype="float64")),
        (
            lambda: Bidirectional(GRU(3)),
            lambda: keras.layers.Bidirectional(
                keras.layers.GRU(3, dtype="float64"), dtype="float64"
            ),
        ),
    ],
)
def test_masked_text_model_trains_like_keras(recurrent, keras_recurrent, float64_keras):
    ids = token_data()
    y = np.random.default_rng(1).normal(size=(len(ids), 2))
    ours, theirs = text_models(recurrent(), keras_recurrent())
    assert_close(ours.predict(ids), theirs.predict(ids, verbose=0))
    # No clipnorm here: Keras clips an Embedding's sparse gradient by the norm of
    # its slices, one per occurrence of a token, not by the norm of the gradient.
    ours.compile(SGD(learning_rate=0.5), "mse")
    theirs.compile(keras.optimizers.SGD(learning_rate=0.5), "mse")
    for _ in range(3):
        ours.train_step(ours._check_X(ids), y)
        theirs.train_on_batch(ids, y)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        assert_close(a, b)


def test_clipped_sequence_model_trains_like_keras(float64_keras):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(10, 6, 3)) * 3
    y = rng.normal(size=(10, 1)) * 5
    ours = Sequential(
        [GRU(4, return_sequences=True), LSTM(3), Dense(1)], random_state=0
    )
    ours.build((6, 3))
    theirs = keras.Sequential(
        [
            keras.Input((6, 3), dtype="float64"),
            keras.layers.GRU(4, return_sequences=True, dtype="float64"),
            keras.layers.LSTM(3, dtype="float64"),
            keras.layers.Dense(1, dtype="float64"),
        ]
    )
    theirs.set_weights(ours.get_weights())
    ours.compile(SGD(learning_rate=0.1, clipnorm=0.5), "mse")
    theirs.compile(keras.optimizers.SGD(learning_rate=0.1, clipnorm=0.5), "mse")
    for _ in range(3):
        ours.train_step(X, y)
        theirs.train_on_batch(X, y)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        assert_close(a, b)


def test_predictions_do_not_depend_on_the_padding_length():
    ids = token_data()
    model = Sequential(
        [Embedding(6, 4, mask_zero=True), GRU(3, return_sequences=True), LSTM(2)],
        random_state=1,
    )
    longer = Sequential(
        [Embedding(6, 4, mask_zero=True), GRU(3, return_sequences=True), LSTM(2)],
        random_state=1,
    )
    longer.build((12,))
    model.build((7,))
    longer.set_weights(model.get_weights())
    padded = np.pad(ids, ((0, 0), (0, 5)))
    assert_close(longer.predict(padded), model.predict(ids))


def test_a_model_trained_on_padded_sequences_ignores_the_padding_length():
    """Trained (not only initialised) on padded variable-length sequences, the
    weights it learned give the same predictions with 0, 5 or 20 more padded steps."""
    ids = token_data(n=40, seed=3)
    target = (ids > 2).sum(axis=1, keepdims=True) / 7.0  # needs every real step
    layers = lambda: [  # noqa: E731
        Embedding(6, 4, mask_zero=True),
        LSTM(5, return_sequences=True, dropout=0.2, recurrent_dropout=0.2),
        GRU(3),
        Dense(1),
    ]
    model = Sequential(layers(), random_state=4)
    model.compile(SGD(learning_rate=0.1, clipnorm=1.0), "mse")
    model.build((7,))
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(ids, target, epochs=30, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(before, model.get_weights(), strict=True)
    )
    for extra in (5, 20):
        longer = Sequential(layers(), random_state=0)
        longer.build((7 + extra,))
        longer.set_weights(model.get_weights())
        padded = np.pad(ids, ((0, 0), (0, extra)))
        assert_close(longer.predict(padded), model.predict(ids))


def test_recurrent_model_saves_and_loads(tmp_path):
    ids = token_data()
    model = Sequential(
        [
            Embedding(6, 4, mask_zero=True),
            Bidirectional(LSTM(3, return_sequences=True), merge_mode="sum"),
            SimpleRNN(2, dropout=0.2),
        ],
        random_state=2,
    )
    model.compile(SGD(clipnorm=1.0), "mse")
    model.fit(ids, np.zeros((len(ids), 2)), epochs=1, verbose=0)
    path = model.save(tmp_path / "model")
    loaded = load_model(path)
    assert_close(loaded.predict(ids), model.predict(ids))
    assert loaded.optimizer.clipnorm == 1.0
    assert "bidirectional" in model.summary(print_fn=None)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="units"):
        built(LSTM(0), (3, 2))
    with pytest.raises(ValueError, match="dropout"):
        built(GRU(2, dropout=1.0), (3, 2))
    with pytest.raises(ValueError, match="recurrent_dropout"):
        built(SimpleRNN(2, recurrent_dropout=-0.1), (3, 2))
    with pytest.raises(ValueError, match="at least 2"):
        built(LSTM(2), (3,))
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        built(LSTM(2), (3, 2, 2))
    layer = built(LSTM(2, return_state=True), (3, 2))
    X = np.zeros((2, 3, 2))
    with pytest.raises(ValueError, match="expects inputs of shape"):
        layer.forward(np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match="boolean mask of shape"):
        layer.forward(X, mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="boolean mask of shape"):
        layer.forward(X, mask=np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="forward pass first"):
        built(GRU(2), (3, 2)).backward(np.zeros((2, 2)))
    layer.forward(X)
    with pytest.raises(ValueError, match="2 state"):
        layer.backward([np.zeros((2, 2)), np.zeros((2, 2))])
    with pytest.raises(TypeError, match="SimpleRNN, LSTM or GRU"):
        Bidirectional(Dense(2))
    with pytest.raises(ValueError, match="merge_mode"):
        built(Bidirectional(LSTM(2), merge_mode="max"), (3, 2))
