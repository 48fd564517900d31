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

from scratchlearn.deep import Dense, Flatten, Sequential
from scratchlearn.deep.base import Layer
from scratchlearn.deep.recurrent import Embedding
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
