"""Sequential as one step of a bigger computation (GANs, autoencoders, DQNs):
forward and backward are public, backward returns the gradient with respect to the
input, and gradients flow through two chained models exactly: by finite differences
and as TensorFlow's GradientTape computes them."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from scratchlearn.deep import layers as L
from scratchlearn.deep.losses import MeanSquaredError
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import SGD


def chained_pair(seed=0):
    """A 'generator' (3 -> 6 -> 5) feeding a 'discriminator' (5 -> 4 -> 1)."""
    first = Sequential(
        [L.Dense(6, activation="tanh"), L.BatchNormalization(), L.Dense(5)],
        random_state=seed,
    )
    second = Sequential(
        [L.Dense(4, activation="sigmoid"), L.Dense(1)], random_state=seed + 1
    )
    first.build((3,))
    second.build((5,))
    return first, second


def loss_of(first, second, Z, weights):
    """A scalar of the chain's output: sum(weights * second(first(Z)))."""
    return float(np.sum(weights * second(first(Z, training=True), training=True)))


def chain_gradients(first, second, Z, weights):
    output = second(first(Z, training=True), training=True)  # (batch, 1)
    assert output.shape == weights.shape
    between = second.backward(weights)  # d loss / d first's output
    return first.backward(between), between  # d loss / d Z


def test_backward_returns_the_input_gradient_through_two_models():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(7, 3))
    weights = rng.normal(size=(7, 1))
    first, second = chained_pair()
    grad_Z, _ = chain_gradients(first, second, Z, weights)
    assert grad_Z.shape == Z.shape
    numeric = np.zeros_like(Z)
    step = 1e-6
    for index in np.ndindex(Z.shape):
        moved = Z.copy()
        moved[index] += step
        up = loss_of(first, second, moved, weights)
        moved[index] -= 2 * step
        down = loss_of(first, second, moved, weights)
        numeric[index] = (up - down) / (2 * step)
    np.testing.assert_allclose(grad_Z, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("which", ["first", "second"])
def test_parameter_gradients_through_the_chain_match_finite_differences(which):
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(6, 3))
    weights = rng.normal(size=(6, 1))
    first, second = chained_pair(seed=2)
    chain_gradients(first, second, Z, weights)
    model = first if which == "first" else second
    for layer in model.layers:
        for name, value in layer.params.items():
            analytic = layer.grads[name].copy()
            numeric = np.zeros_like(value)
            for index in np.ndindex(value.shape):
                original = value[index]
                value[index] = original + 1e-6
                up = loss_of(first, second, Z, weights)
                value[index] = original - 1e-6
                down = loss_of(first, second, Z, weights)
                value[index] = original
                numeric[index] = (up - down) / 2e-6
            np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_gradients_through_the_chain_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(5, 3))
    weights = rng.normal(size=(5, 1))
    first = Sequential([L.Dense(6, activation="tanh"), L.Dense(5)], random_state=4)
    second = Sequential([L.Dense(4, activation="sigmoid"), L.Dense(1)], random_state=5)
    first.build((3,))
    second.build((5,))
    grad_Z, between = chain_gradients(first, second, Z, weights)

    def twin(model, activations):
        dense = []
        for layer, activation in zip(
            [x for x in model.layers if x.params], activations, strict=True
        ):
            kernel = tf.Variable(layer.params["kernel"], dtype=tf.float64)
            bias = tf.Variable(layer.params["bias"], dtype=tf.float64)
            dense.append((kernel, bias, activation))
        return dense

    def run(dense, X):
        for kernel, bias, activation in dense:
            X = tf.matmul(X, kernel) + bias
            X = activation(X) if activation else X
        return X

    tf_first = twin(first, [tf.tanh, None])
    tf_second = twin(second, [tf.sigmoid, None])
    Z_tf = tf.Variable(Z, dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        hidden = run(tf_first, Z_tf)
        loss = tf.reduce_sum(weights * run(tf_second, hidden))
    np.testing.assert_allclose(grad_Z, tape.gradient(loss, Z_tf).numpy(), rtol=1e-10)
    np.testing.assert_allclose(between, tape.gradient(loss, hidden).numpy(), rtol=1e-10)
    for model, dense in ((first, tf_first), (second, tf_second)):
        ours = [x for x in model.layers if x.params]
        for layer, (kernel, bias, _) in zip(ours, dense, strict=True):
            np.testing.assert_allclose(
                layer.grads["kernel"], tape.gradient(loss, kernel).numpy(), rtol=1e-10
            )
            np.testing.assert_allclose(
                layer.grads["bias"], tape.gradient(loss, bias).numpy(), rtol=1e-10
            )
    del keras


def test_apply_gradients_after_backward_is_a_training_step():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    by_hand = Sequential([L.Dense(4, activation="relu"), L.Dense(2)], random_state=0)
    by_fit = Sequential([L.Dense(4, activation="relu"), L.Dense(2)], random_state=0)
    for model in (by_hand, by_fit):
        model.compile(SGD(learning_rate=0.1), MeanSquaredError())
    y_pred = by_hand(X, training=True)
    by_hand.backward(MeanSquaredError().gradient(y, y_pred))
    by_hand.apply_gradients()
    by_fit.build((3,)).train_step(X, y)
    for ours, theirs in zip(by_hand.get_weights(), by_fit.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_forward_only_model_leaves_training_state_alone():
    # A DQN's target network: forward in inference mode, never backward.
    model = Sequential([L.Dense(3), L.Dropout(0.5)], random_state=0)
    X = np.ones((4, 2))
    np.testing.assert_array_equal(model(X), model.predict(X))
    with pytest.raises(RuntimeError, match=r"forward\(X, training=True\) first"):
        model.backward(np.ones((4, 3)))


def test_backward_with_the_wrong_shape_is_a_clear_error():
    model = Sequential([L.Dense(3)], random_state=0)
    model(np.ones((4, 2)), training=True)
    with pytest.raises(ValueError, match=r"shape \(4, 2\).*shape \(4, 3\)"):
        model.backward(np.ones((4, 2)))
