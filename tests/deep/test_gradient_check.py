"""Gradient checking (Chapter 23): central differences computed by hand, the relative
error's definition, correct layers and models pass, and a deliberately wrong backward
pass is caught and named. A small network's gradients on a batch of digits also
equal tf.GradientTape's to 1e-5 (the chapter's headline)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
from sklearn.datasets import load_digits

from scratchlearn.deep import (
    SGD,
    BatchNormalization,
    CategoricalCrossentropy,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MeanSquaredError,
    Sequential,
    SparseCategoricalCrossentropy,
    check_layer_gradients,
    check_model_gradients,
    numerical_gradient,
    relative_error,
)

# A correct backward pass checked in float64 is off by rounding only.
CORRECT = 1e-7
# A wrong formula is off by a sizeable fraction of the gradient.
WRONG = 1e-2


def built(layer, input_shape, seed=0):
    layer.build(input_shape, np.random.default_rng(seed))
    return layer


# --- the two helpers, by hand ---------------------------------------------------------


def test_numerical_gradient_of_a_cubic_by_hand():
    """f(x) = sum(x^3): the central difference is 3 x^2 + h^2 exactly, so with
    h = 1e-3 it is 3 x^2 + 1e-6 (the error of order h^2, visible)."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(x**3)), x, epsilon=1e-3)
    np.testing.assert_allclose(grad, 3 * before**2 + 1e-6, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(x, before)  # restored in place


def test_numerical_gradient_moves_the_array_that_f_reads():
    """f reads x itself: a linear function's gradient is its coefficients."""
    w = np.array([2.0, -1.0, 0.5])
    x = np.zeros(3)
    grad = numerical_gradient(lambda: float(w @ x), x)
    np.testing.assert_allclose(grad, w, atol=1e-9)


def test_relative_error_by_hand():
    a = np.array([1.0, -2.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == 1.0  # 8 / (4 + 4)
    # max |a - n| = 0.5, max |a| = 4, max |n| = 4: 0.5 / 8.
    assert relative_error(a, [1.0, -2.5, 4.0]) == pytest.approx(0.0625)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="different shapes"):
        relative_error(np.zeros(3), np.zeros(4))


# --- correct layers pass --------------------------------------------------------------

LAYERS = [
    (lambda: Dense(4), (3,)),
    (lambda: Dense(3, activation="tanh"), (5,)),
    (lambda: Dense(3, activation="sigmoid"), (4,)),
    (lambda: Dense(5, activation="softmax"), (4,)),
    (lambda: Dense(2, activation="relu", use_bias=False), (6,)),
    (lambda: Conv2D(2, 3, padding="same", activation="elu"), (5, 5, 2)),
    (lambda: Flatten(), (2, 3)),
]


@pytest.mark.parametrize("make, shape", LAYERS)
def test_correct_layers_pass(make, shape):
    layer = built(make(), shape)
    X = np.random.default_rng(1).normal(size=(4, *shape))
    params_before = {name: p.copy() for name, p in layer.params.items()}
    errors = check_layer_gradients(layer, X)
    assert set(errors) == {"X", *layer.params}
    assert max(errors.values()) < CORRECT, errors
    for name, param in layer.params.items():  # moved and restored
        np.testing.assert_array_equal(param, params_before[name])


def test_batch_normalization_in_training_mode_passes():
    """The batch statistics depend on every sample: the hardest backward pass of
    the library, checked in training mode."""
    layer = built(BatchNormalization(), (3,))
    X = np.random.default_rng(2).normal(loc=1.0, size=(6, 3))
    errors = check_layer_gradients(layer, X, training=True)
    assert max(errors.values()) < CORRECT, errors


def test_the_layer_keeps_its_analytic_gradients():
    layer = built(Dense(2, activation="tanh"), (3,))
    X = np.random.default_rng(3).normal(size=(5, 3))
    check_layer_gradients(layer, X, random_state=7)
    R = np.random.default_rng(7).normal(size=(5, 2))
    Z = X @ layer.params["kernel"] + layer.params["bias"]
    dZ = R * (1 - np.tanh(Z) ** 2)
    np.testing.assert_allclose(layer.grads["kernel"], X.T @ dZ, rtol=1e-12)
    np.testing.assert_allclose(layer.grads["bias"], dZ.sum(axis=0), rtol=1e-12)


# --- wrong backward passes are caught -------------------------------------------------


class DenseWithoutActivationDerivative(Dense):
    """A classic mistake: backpropagate through the matrix product but forget to
    multiply by the activation's derivative."""

    def backward(self, grad_output):
        X = self._cache[0]
        self.grads["kernel"] = X.T @ grad_output
        self.grads["bias"] = grad_output.sum(axis=0)
        return grad_output @ self.params["kernel"].T


class DenseWithMeanBias(Dense):
    """Another: averaging the bias gradient over the batch when the loss's gradient
    already carries the 1 / batch factor (so the bias learns batch-size times too
    slowly). The other gradients are right."""

    def backward(self, grad_input):
        grad_X = super().backward(grad_input)
        self.grads["bias"] = self.grads["bias"] / len(grad_input)
        return grad_X


def test_a_forgotten_activation_derivative_is_caught():
    layer = built(DenseWithoutActivationDerivative(3, activation="tanh"), (4,))
    X = np.random.default_rng(4).normal(size=(6, 4))
    errors = check_layer_gradients(layer, X)
    assert all(error > WRONG for error in errors.values()), errors


def test_a_wrong_bias_gradient_is_caught_and_only_it():
    layer = built(DenseWithMeanBias(3, activation="relu"), (4,))
    X = np.random.default_rng(5).normal(size=(8, 4))
    errors = check_layer_gradients(layer, X)
    assert errors["bias"] > 0.5  # 1/8 of the right size: 7/8 / (1 + 1/8)
    assert errors["X"] < CORRECT and errors["kernel"] < CORRECT


def test_a_wrong_layer_inside_a_model_is_named():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(10, 4))
    y = rng.integers(0, 3, size=10)
    model = Sequential(
        [
            Dense(5, activation="tanh"),
            DenseWithoutActivationDerivative(4, activation="sigmoid"),
            Dense(3),
        ],
        random_state=0,
    )
    model.build((4,))
    errors = check_model_gradients(
        model, X, y, loss=SparseCategoricalCrossentropy(from_logits=True)
    )
    wrong = {name for name, error in errors.items() if error > WRONG}
    # The faulty layer's own parameters and everything below it are wrong; the
    # layer above it is right.
    assert wrong == {"X", "dense/kernel", "dense/bias"} | {
        "dense_without_activation_derivative/kernel",
        "dense_without_activation_derivative/bias",
    }
    assert errors["dense_1/kernel"] < CORRECT and errors["dense_1/bias"] < CORRECT


# --- whole models ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "loss, targets",
    [
        (CategoricalCrossentropy(from_logits=True), "one_hot"),
        (SparseCategoricalCrossentropy(from_logits=True), "labels"),
        (MeanSquaredError(), "values"),
    ],
)
def test_correct_models_pass(loss, targets):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(12, 5))
    labels = rng.integers(0, 3, size=12)
    y = {
        "one_hot": np.eye(3)[labels],
        "labels": labels,
        "values": rng.normal(size=(12, 3)),
    }[targets]
    model = Sequential(
        [
            Dense(6, activation="tanh"),
            BatchNormalization(),
            Dense(4, activation="relu"),
            Dense(3),
        ],
        random_state=1,
    )
    model.compile(SGD(), loss)
    model.build((5,))
    errors = check_model_gradients(model, X, y)
    assert set(errors) == {
        "X",
        "dense/kernel",
        "dense/bias",
        "batch_normalization/gamma",
        "batch_normalization/beta",
        "dense_1/kernel",
        "dense_1/bias",
        "dense_2/kernel",
        "dense_2/bias",
    }
    assert max(errors.values()) < CORRECT, errors


def test_model_check_needs_a_loss_and_a_deterministic_forward():
    model = Sequential([Dense(2)], random_state=0)
    with pytest.raises(ValueError, match="loss"):
        check_model_gradients(model, np.ones((3, 2)), np.ones((3, 2)))
    # Dropout draws new masks at every forward pass: the check then fails, which is
    # why it must not be used on such a model.
    noisy = Sequential([Dense(8), Dropout(0.5), Dense(2)], random_state=0)
    errors = check_model_gradients(
        noisy, np.ones((4, 3)), np.zeros((4, 2)), loss=MeanSquaredError()
    )
    assert max(errors.values()) > WRONG


# --- against TensorFlow ---------------------------------------------------------------


def test_our_gradients_equal_tensorflow_on_digits():
    """The chapter's headline: a Dense-tanh-Dense-relu-Dense network on a batch of 64
    digits, softmax cross-entropy from logits; loss, gradients with respect to the
    input and every parameter equal tf.GradientTape's to 1e-5 (relative)."""
    keras = pytest.importorskip("keras")
    import tensorflow as tf

    X, y = load_digits(return_X_y=True)
    X, y = X[:64] / 16.0, y[:64]
    model = Sequential(
        [Dense(32, activation="tanh"), Dense(16, activation="relu"), Dense(10)],
        random_state=0,
    )
    model.compile(SGD(), SparseCategoricalCrossentropy(from_logits=True))
    model.build((64,))
    output = X
    for layer in model.layers:
        output = layer.forward(output, training=True)
    loss = model.loss.loss(y, output)
    grad = model.loss.gradient(y, output)
    for layer in reversed(model.layers):
        grad = layer.backward(grad)
    ours = [grad] + [layer.grads[n] for layer in model.layers for n in layer.params]

    previous = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        theirs_model = keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(32, activation="tanh"),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dense(10),
            ]
        )
        theirs_model.set_weights(model.get_weights())
        x = tf.constant(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            logits = theirs_model(x)
            theirs_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
                y, logits
            )
        theirs = tape.gradient(theirs_loss, [x, *theirs_model.trainable_variables])
    finally:
        keras.config.set_dtype_policy(previous[1])
        keras.config.set_floatx(previous[0])
    assert loss == pytest.approx(float(theirs_loss), rel=1e-10)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-5, atol=1e-12)
