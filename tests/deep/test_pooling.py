"""Global pooling (Chapter 28): GlobalAveragePooling1D (mask-aware),
GlobalMaxPooling1D, GlobalAveragePooling2D and GlobalMaxPooling2D against Keras in
float64 (outputs and input gradients under tf.GradientTape, to 1e-5), by hand, by
finite differences, ties as TensorFlow shares them, and clear errors.
"""

import os
import warnings

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn.deep.gradient_check import numerical_gradient
from scratchlearn.deep.pooling import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
)

PAIRS = [
    (GlobalAveragePooling1D, keras.layers.GlobalAveragePooling1D, (5, 3)),
    (GlobalMaxPooling1D, keras.layers.GlobalMaxPooling1D, (6, 2)),
    (GlobalAveragePooling2D, keras.layers.GlobalAveragePooling2D, (4, 5, 3)),
    (GlobalMaxPooling2D, keras.layers.GlobalMaxPooling2D, (3, 4, 2)),
]


def keras_forward_backward(layer, X, upstream, mask=None):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x) if mask is None else layer(x, mask=tf.constant(mask))
    return y.numpy(), tape.gradient(y, x, output_gradients=upstream).numpy()


@pytest.mark.parametrize("ours_class, keras_class, shape", PAIRS)
@pytest.mark.parametrize("batch", [1, 4])
def test_global_pooling_matches_keras(ours_class, keras_class, shape, batch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, *shape))
    ours = ours_class()
    ours.build(shape, 0)
    theirs = keras_class(dtype="float64")
    upstream = rng.normal(size=(batch, shape[-1]))
    y, grad = keras_forward_backward(theirs, X, upstream)
    assert ours.output_shape_ == (shape[-1],)
    np.testing.assert_allclose(ours.forward(X), y, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(ours.backward(upstream), grad, rtol=1e-5, atol=1e-12)
    R = upstream
    numeric = numerical_gradient(lambda: float(np.sum(ours.forward(X) * R)), X)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_average_pooling_1d_with_a_mask_matches_keras_and_by_hand():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 5, 2))
    mask = np.arange(5)[None, :] < np.array([[2], [5], [1]])
    layer = GlobalAveragePooling1D()
    layer.build((5, 2), 0)
    y = layer.forward(X, mask=mask)
    np.testing.assert_allclose(y[0], X[0, :2].mean(axis=0))  # the 2 real steps
    np.testing.assert_allclose(y[2], X[2, 0])
    upstream = rng.normal(size=(3, 2))
    y_keras, grad = keras_forward_backward(
        keras.layers.GlobalAveragePooling1D(dtype="float64"), X, upstream, mask
    )
    np.testing.assert_allclose(y, y_keras, rtol=1e-5)
    np.testing.assert_allclose(layer.backward(upstream), grad, rtol=1e-5, atol=1e-12)
    assert np.all(layer.backward(upstream)[0, 2:] == 0)  # padding gets no gradient
    assert layer.compute_mask(X, mask) is None
    # A sample with no real step: zeros, not 0 / 0.
    empty = layer.forward(X, mask=np.zeros((3, 5), bool))
    assert np.all(empty == 0)


def test_max_pooling_shares_ties_as_tensorflow():
    X = np.array([[[1.0], [3.0], [3.0], [0.0]]])  # two maxima
    layer = GlobalMaxPooling1D()
    layer.build((4, 1), 0)
    np.testing.assert_allclose(layer.forward(X), [[3.0]])
    _, grad = keras_forward_backward(
        keras.layers.GlobalMaxPooling1D(dtype="float64"), X, np.array([[1.0]])
    )
    np.testing.assert_allclose(layer.backward(np.array([[1.0]])), grad)
    np.testing.assert_allclose(grad[0, :, 0], [0, 0.5, 0.5, 0])


@pytest.mark.parametrize(
    "layer_class, shape",
    [
        (GlobalAveragePooling1D, (4,)),
        (GlobalMaxPooling1D, (3, 4, 2)),
        (GlobalAveragePooling2D, (4, 3)),
        (GlobalMaxPooling2D, (4,)),
    ],
)
def test_global_pooling_bad_shapes(layer_class, shape):
    with pytest.raises(ValueError, match="expects samples of shape"):
        layer_class().build(shape, 0)
    layer = layer_class()
    with pytest.raises(RuntimeError, match="not built"):
        layer.forward(np.zeros((1, *shape)))
    with pytest.raises(RuntimeError, match="forward pass first"):
        layer.backward(np.zeros((1, 2)))


def test_wrong_mask_shape():
    layer = GlobalAveragePooling1D()
    layer.build((5, 2), 0)
    with pytest.raises(ValueError, match="mask must have shape"):
        layer.forward(np.zeros((2, 5, 2)), mask=np.ones((2, 4), bool))


def test_a_global_average_pooling_cnn_matches_keras():
    """The guide's image model's head: convolutions, then GlobalAveragePooling2D
    instead of Flatten, then a softmax layer; built from our layers with the weights
    copied into its Keras twin: the same probabilities, loss and gradients."""
    from scratchlearn.deep import (
        Activation,
        BatchNormalization,
        Conv2D,
        Dense,
        MaxPooling2D,
        Sequential,
    )
    from scratchlearn.deep.losses import SparseCategoricalCrossentropy

    rng = np.random.default_rng(2)
    X = rng.normal(size=(6, 8, 8, 1))
    y = rng.integers(0, 10, size=6)
    model = Sequential(
        [
            Conv2D(8, 3, padding="same"),
            BatchNormalization(),
            Activation("relu"),
            MaxPooling2D(2),
            Conv2D(16, 3, padding="same", activation="relu"),
            GlobalAveragePooling2D(),
            Dense(10, activation="softmax"),
        ],
        random_state=0,
    )
    model.build((8, 8, 1))
    layers = keras.layers
    twin = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            layers.Conv2D(8, 3, padding="same", dtype="float64"),
            layers.BatchNormalization(dtype="float64"),
            layers.Activation("relu", dtype="float64"),
            layers.MaxPooling2D(2, dtype="float64"),
            layers.Conv2D(16, 3, padding="same", activation="relu", dtype="float64"),
            layers.GlobalAveragePooling2D(dtype="float64"),
            layers.Dense(10, activation="softmax", dtype="float64"),
        ]
    )
    twin.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(X), twin(X).numpy(), rtol=1e-5)
    model.compile("adam", SparseCategoricalCrossentropy())
    loss, proba = model.compute_gradients(X, y)
    with tf.GradientTape() as tape:
        keras_proba = twin(X, training=True)
        keras_loss = keras.losses.SparseCategoricalCrossentropy()(y, keras_proba)
    expected = tape.gradient(keras_loss, twin.trainable_variables)
    np.testing.assert_allclose(proba, keras_proba.numpy(), rtol=1e-5)
    np.testing.assert_allclose(loss, float(keras_loss), rtol=1e-5)
    mine = [g for layer in model.layers for g in layer.grads.values()]
    assert len(mine) == len(expected)
    for grad, reference in zip(mine, expected, strict=True):
        np.testing.assert_allclose(grad, reference.numpy(), rtol=1e-5, atol=1e-9)


def test_the_mask_passes_through_dense_dropout_and_activation_as_in_keras():
    # Embedding(mask_zero) -> Dense -> Dropout -> Activation -> GlobalAveragePooling1D:
    # the layers between work step by step and hand the mask on, so the pooling
    # averages over the real tokens only, in Keras as here.
    from scratchlearn.deep import Activation, Dense, Dropout, Embedding, Sequential

    tokens = np.array([[3, 1, 0, 0], [2, 2, 4, 0], [1, 0, 0, 0]])
    ours = Sequential(
        [
            Embedding(5, 3, mask_zero=True),
            Dense(4),
            Dropout(0.5),
            Activation("tanh"),
            GlobalAveragePooling1D(),
        ],
        random_state=0,
    )
    ours.build((4,))
    theirs = keras.Sequential(
        [
            keras.Input((4,), dtype="int64"),
            keras.layers.Embedding(5, 3, mask_zero=True, dtype="float64"),
            keras.layers.Dense(4, dtype="float64"),
            keras.layers.Dropout(0.5, dtype="float64"),
            keras.layers.Activation("tanh", dtype="float64"),
            keras.layers.GlobalAveragePooling1D(dtype="float64"),
        ]
    )
    theirs.set_weights(ours.get_weights())
    expected = theirs(tokens, training=False).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no layer drops the mask
        got = ours.predict(tokens)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-12)
    # Padding does not count: the last sample is its one real token's values.
    unmasked = ours.layers[3].forward(
        ours.layers[1].forward(ours.layers[0].forward(tokens.astype(float)))
    )
    np.testing.assert_allclose(got[2], unmasked[2, 0], rtol=1e-12)
