"""Activations (Chapter 23): every function and its derivative against
keras.activations and tf.GradientTape in float64, finite differences of every
backward pass, and stability for large inputs (the initialisers are proven in
test_initializers.py)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn.deep import activations
from scratchlearn.deep.layers import Activation, Dense
from tests.deep.test_layers import check_layer_gradients, numerical_gradient

NAMES = [
    "linear",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "sigmoid",
    "tanh",
    "softplus",
    "softmax",
]
SHAPES = [(7,), (5, 4), (2, 3, 6), (2, 4, 4, 3)]


def _keras(name, x, upstream):
    """Keras's activation ``name`` at ``x`` and dLoss/dx for dLoss/dy = upstream."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras.activations.get(name)(x)
    grad = tape.gradient(y, x, output_gradients=tf.constant(upstream))
    return y.numpy(), grad.numpy()


def _inputs(shape, seed=0, scale=3.0):
    rng = np.random.default_rng(seed)
    return scale * rng.normal(size=shape)


def test_every_activation_is_registered():
    assert sorted(activations.ACTIVATIONS) == sorted(NAMES)
    assert activations.get(None).name == "linear"


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_forward_and_backward_match_keras(name, shape):
    x = _inputs(shape)
    upstream = np.random.default_rng(1).normal(size=shape)
    act = activations.get(name)
    y = act.forward(x)
    y_keras, grad_keras = _keras(name, x, upstream)
    np.testing.assert_allclose(y, y_keras, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(
        act.backward(x, y, upstream), grad_keras, rtol=1e-5, atol=1e-12
    )


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_finite_differences(name):
    x = _inputs((4, 5), seed=2, scale=2.0)
    upstream = np.random.default_rng(3).normal(size=x.shape)
    act = activations.get(name)
    expected = act.backward(x, act.forward(x), upstream)
    point = x.copy()
    numeric = numerical_gradient(lambda: np.sum(act.forward(point) * upstream), point)
    np.testing.assert_allclose(expected, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_at_zero_follow_tensorflow(name):
    # The kinks of relu, leaky_relu, elu and selu: one-sided choices at exactly 0.
    x = np.array([[0.0, 0.0, 1.0]])
    upstream = np.ones_like(x)
    act = activations.get(name)
    y_keras, grad_keras = _keras(name, x, upstream)
    np.testing.assert_allclose(act.forward(x), y_keras, atol=1e-15)
    np.testing.assert_allclose(act.backward(x, act.forward(x), upstream), grad_keras)


@pytest.mark.parametrize("name", NAMES)
def test_stable_for_inputs_of_size_1000(name):
    x = np.array([[-1000.0, -800.0, -30.0, 0.0, 30.0, 800.0, 1000.0]])
    upstream = np.ones_like(x)
    act = activations.get(name)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow: 0
        y = act.forward(x)
        grad = act.backward(x, y, upstream)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(grad))
    y_keras, grad_keras = _keras(name, x, upstream)
    np.testing.assert_allclose(y, y_keras, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(grad, grad_keras, rtol=1e-5, atol=1e-12)


def test_sigmoid_and_softplus_extremes_by_hand():
    np.testing.assert_array_equal(
        activations.sigmoid([-1000.0, 0.0, 1000.0]), [0, 0.5, 1]
    )
    np.testing.assert_allclose(activations.softplus([-1000.0, 1000.0]), [0.0, 1000.0])
    np.testing.assert_allclose(activations.softplus([0.0]), [np.log(2.0)])


def test_softmax_rows_sum_to_one_and_shift_invariance():
    x = _inputs((3, 5))
    y = activations.softmax(x)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0)
    np.testing.assert_allclose(activations.softmax(x + 1000.0), y)


def test_softmax_backward_is_the_jacobian_vector_product():
    x = _inputs((3, 4))
    g = np.random.default_rng(4).normal(size=x.shape)
    y = activations.softmax(x)
    for row in range(x.shape[0]):
        jacobian = np.diag(y[row]) - np.outer(y[row], y[row])
        np.testing.assert_allclose(
            activations.softmax_backward(y, g)[row], jacobian.T @ g[row]
        )


def test_keras_constants():
    assert activations.LEAKY_RELU_SLOPE == pytest.approx(
        keras.activations.leaky_relu(tf.constant([-1.0])).numpy()[0] / -1.0
    )
    np.testing.assert_allclose(
        activations.selu(np.array([-1.0, 1.0])),
        keras.activations.selu(tf.constant([-1.0, 1.0], tf.float64)).numpy(),
    )


@pytest.mark.parametrize("name", NAMES)
def test_activation_layer_and_dense_activation_match_keras(name):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(6, 4))
    upstream = rng.normal(size=(6, 3))
    ours = Dense(3, activation=name)
    ours.build((4,), np.random.default_rng(0))
    theirs = keras.layers.Dense(3, activation=name, dtype="float64")
    theirs.build((None, 4))
    theirs.set_weights([ours.params["kernel"], rng.normal(size=3)])
    ours.params["bias"][...] = theirs.get_weights()[1]
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = theirs(x)
    grads = tape.gradient(
        y, [x, *theirs.trainable_variables], output_gradients=tf.constant(upstream)
    )
    np.testing.assert_allclose(ours.forward(X), y.numpy(), rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(ours.backward(upstream), grads[0].numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours.grads["kernel"], grads[1].numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours.grads["bias"], grads[2].numpy(), rtol=1e-5)

    layer = Activation(name)
    layer.build((4,), None)
    keras_y, keras_grad = _keras(name, X, np.ones_like(X))
    np.testing.assert_allclose(layer.forward(X), keras_y, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(
        layer.backward(np.ones_like(X)), keras_grad, rtol=1e-5, atol=1e-12
    )
    check_layer_gradients(layer, X)


def test_unknown_activation_names_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown activation 'rleu'.*relu"):
        activations.get("rleu")
    layer = Activation("rleu")
    with pytest.raises(ValueError, match="Unknown activation"):
        layer.build((3,), None)
