"""Dense, Activation, Dropout, BatchNormalization, Flatten and Reshape (Chapters
23-25): forward passes and gradients with respect to inputs and parameters against
Keras layers in float64 under tf.GradientTape, finite differences of every backward
pass, inverted dropout, batch normalisation per channel with its running statistics,
and clear errors for bad input.

``numerical_gradient`` and ``check_layer_gradients`` are shared with the other
tests of ``scratchlearn.deep``.
"""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn.deep.base import Layer
from scratchlearn.deep.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    Reshape,
)
from scratchlearn.deep.losses import CategoricalCrossentropy

# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------


def numerical_gradient(f, x, h=1e-6):
    """Central differences of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is changed in place, one element at a time, and restored: pass the very
    array that ``f`` reads (an input copy, or a layer's parameter).
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        f_plus = f()
        x[index] = old - h
        f_minus = f()
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def check_layer_gradients(
    layer, X, *, training=True, before_forward=None, rtol=1e-6, atol=1e-7
):
    """``layer.backward`` against finite differences, for the input and every
    parameter, with the scalar loss sum(forward(X) * R) for a random R.

    ``before_forward`` runs before each forward pass (to replay a dropout mask).
    """
    before_forward = before_forward or (lambda: None)
    X = np.array(X, dtype=np.float64)
    before_forward()
    R = np.random.default_rng(123).normal(size=layer.forward(X, training).shape)

    def loss(inputs):
        before_forward()
        return float(np.sum(layer.forward(inputs, training) * R))

    before_forward()
    layer.forward(X, training)
    grad_X = layer.backward(R)
    grads = {name: g.copy() for name, g in layer.grads.items()}
    assert grad_X.shape == X.shape
    assert set(grads) == set(layer.params)

    point = X.copy()
    np.testing.assert_allclose(
        grad_X, numerical_gradient(lambda: loss(point), point), rtol=rtol, atol=atol
    )
    for name, param in layer.params.items():
        assert grads[name].shape == param.shape
        numeric = numerical_gradient(lambda: loss(X), param)
        np.testing.assert_allclose(grads[name], numeric, rtol=rtol, atol=atol)


def keras_forward_backward(keras_layer, X, upstream, training=False):
    """Keras's output, dLoss/dX and dLoss/d(each trainable variable) for
    dLoss/dOutput = upstream."""
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras_layer(x, training=training)
    variables = keras_layer.trainable_variables
    grads = tape.gradient(y, [x, *variables], output_gradients=tf.constant(upstream))
    return y.numpy(), grads[0].numpy(), [g.numpy() for g in grads[1:]]


def built(layer, input_shape, seed=0):
    layer.build(input_shape, np.random.default_rng(seed))
    return layer


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-10)


# ---------------------------------------------------------------------------
# Dense
# ---------------------------------------------------------------------------

DENSE_CASES = [
    # (input shape of one sample, units, activation, use_bias)
    ((3,), 4, None, True),
    ((5,), 1, "sigmoid", True),
    ((6,), 3, "relu", False),
    ((4,), 5, "softmax", True),
    ((3, 4), 2, "tanh", True),  # (batch, 3, 4): along the last axis, as Keras
    ((2, 2, 3), 3, "elu", True),
]


@pytest.mark.parametrize("shape, units, activation, use_bias", DENSE_CASES)
def test_dense_matches_keras(shape, units, activation, use_bias):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, *shape))
    ours = built(Dense(units, activation=activation, use_bias=use_bias), shape, seed=1)
    if use_bias:
        ours.params["bias"][...] = rng.normal(size=units)
    theirs = keras.layers.Dense(
        units, activation=activation, use_bias=use_bias, dtype="float64"
    )
    theirs.build((None, *shape))
    # Same names, same layouts: the weights copy 1:1.
    theirs.set_weights(list(ours.params.values()))
    assert [v.name for v in theirs.trainable_variables] == list(ours.params)
    assert ours.n_params == theirs.count_params()
    assert ours.output_shape_ == tuple(theirs.compute_output_shape((None, *shape)))[1:]

    upstream = rng.normal(size=(7, *shape[:-1], units))
    y, grad_X, grad_params = keras_forward_backward(theirs, X, upstream)
    assert_close(ours.forward(X), y)
    assert_close(ours.backward(upstream), grad_X)
    for name, expected in zip(ours.params, grad_params, strict=True):
        assert_close(ours.grads[name], expected)


@pytest.mark.parametrize("shape, units, activation, use_bias", DENSE_CASES)
def test_dense_backward_matches_finite_differences(shape, units, activation, use_bias):
    layer = built(Dense(units, activation=activation, use_bias=use_bias), shape)
    X = np.random.default_rng(2).normal(size=(4, *shape))
    check_layer_gradients(layer, X)


def test_dense_by_hand():
    layer = built(Dense(2), (3,))
    layer.params["kernel"][...] = [[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]
    layer.params["bias"][...] = [0.5, -0.5]
    X = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(layer.forward(X), [[4.5, -1.5]])
    # dL/dX = g W^T, dL/dW = X^T g, dL/db = sum of g over the batch.
    np.testing.assert_allclose(layer.backward(np.array([[1.0, 2.0]])), [[1, 2, -1]])
    np.testing.assert_allclose(layer.grads["kernel"], [[1, 2], [2, 4], [3, 6]])
    np.testing.assert_allclose(layer.grads["bias"], [1, 2])


def test_dense_parameters_and_default_initialisation():
    layer = built(Dense(20), (30,))
    assert layer.params["kernel"].shape == (30, 20)
    assert layer.params["bias"].shape == (20,)
    np.testing.assert_array_equal(layer.params["bias"], 0.0)
    limit = np.sqrt(6 / 50)  # glorot_uniform, as Keras's default
    assert np.abs(layer.params["kernel"]).max() <= limit
    assert layer.n_params == 30 * 20 + 20
    assert built(Dense(20, use_bias=False), (30,)).n_params == 600
    # Seeded: the model's Generator makes initialisation reproducible.
    np.testing.assert_array_equal(
        built(Dense(3), (4,), seed=5).params["kernel"],
        built(Dense(3), (4,), seed=5).params["kernel"],
    )
    assert json.loads(json.dumps(Dense(3, activation="relu").get_config())) == {
        "units": 3,
        "activation": "relu",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
    }
    assert "Dense(units=3" in repr(Dense(3))


# ---------------------------------------------------------------------------
# Activation, Flatten, Reshape
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4,), (3, 5), (4, 4, 2)], ids=str)
@pytest.mark.parametrize("name", ["relu", "softmax", "selu"])
def test_activation_layer_matches_keras(name, shape):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, *shape))
    upstream = rng.normal(size=X.shape)
    layer = built(Activation(name), shape)
    y, grad_X, _ = keras_forward_backward(
        keras.layers.Activation(name, dtype="float64"), X, upstream
    )
    assert_close(layer.forward(X), y)
    assert_close(layer.backward(upstream), grad_X)
    check_layer_gradients(layer, X)
    assert layer.n_params == 0 and layer.output_shape_ == shape


@pytest.mark.parametrize(
    "shape, target",
    [((3, 4), (12,)), ((2, 3, 4), (6, 4)), ((12,), (3, -1)), ((2, 2, 3), (-1, 2))],
    ids=str,
)
def test_flatten_and_reshape_match_keras(shape, target):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, *shape))
    for ours, theirs in [
        (Flatten(), keras.layers.Flatten(dtype="float64")),
        (Reshape(target), keras.layers.Reshape(target, dtype="float64")),
    ]:
        layer = built(ours, shape)
        expected_shape = tuple(theirs.compute_output_shape((None, *shape)))[1:]
        assert layer.output_shape_ == expected_shape
        upstream = rng.normal(size=(3, *expected_shape))
        y, grad_X, _ = keras_forward_backward(theirs, X, upstream)
        assert_close(layer.forward(X), y)
        assert_close(layer.backward(upstream), grad_X)
        check_layer_gradients(layer, X)


def test_flatten_keeps_the_batch_and_reshape_excludes_it():
    X = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(built(Flatten(), (3, 4)).forward(X), X.reshape(2, 12))
    assert built(Reshape((4, 3)), (3, 4)).forward(X).shape == (2, 4, 3)
    assert built(Reshape((-1,)), (3, 4)).output_shape_ == (12,)
    assert Reshape((4, 3)).get_config() == {"target_shape": (4, 3)}


# ---------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------


def test_dropout_is_the_identity_at_inference():
    X = np.random.default_rng(0).normal(size=(5, 4))
    layer = built(Dropout(0.5), (4,))
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.forward(X, training=False), X)
    upstream = np.ones_like(X)
    np.testing.assert_array_equal(layer.backward(upstream), upstream)
    # Keras agrees.
    theirs = keras.layers.Dropout(0.5, dtype="float64")
    np.testing.assert_array_equal(theirs(X, training=False).numpy(), X)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_inverted_dropout_keeps_the_expected_activation(rate):
    X = np.full((400, 250), 3.0)  # 100 000 values
    layer = built(Dropout(rate), (250,))
    Y = layer.forward(X, training=True)
    kept = Y != 0
    # Kept values are scaled by 1 / (1 - rate), the others are zero...
    np.testing.assert_allclose(Y[kept], 3.0 / (1 - rate))
    # ... a fraction rate of them is dropped, and the mean is unchanged.
    assert 1 - kept.mean() == pytest.approx(rate, abs=0.01)
    assert Y.mean() == pytest.approx(3.0, rel=0.03)
    # The gradient flows through the kept units only, with the same scale.
    grad = layer.backward(np.ones_like(X))
    np.testing.assert_allclose(grad, Y / 3.0)
    # Keras's inverted dropout scales the same way.
    keras_Y = keras.layers.Dropout(rate, seed=0, dtype="float64")(X, training=True)
    keras_Y = keras_Y.numpy()
    np.testing.assert_allclose(keras_Y[keras_Y != 0], 3.0 / (1 - rate))


def test_dropout_masks_come_from_the_layers_generator():
    X = np.ones((8, 10))
    first = built(Dropout(0.5), (10,), seed=42)
    second = built(Dropout(0.5), (10,), seed=42)
    np.testing.assert_array_equal(
        first.forward(X, training=True), second.forward(X, training=True)
    )
    # A new mask each step.
    assert not np.array_equal(first.forward(X, training=True), second.forward(X))
    assert built(Dropout(0.0), (10,)).forward(X, training=True) is not None


def test_dropout_backward_matches_finite_differences():
    layer = built(Dropout(0.4), (3, 4))
    X = np.random.default_rng(1).normal(size=(5, 3, 4))

    def same_mask():
        layer._rng = np.random.default_rng(9)

    check_layer_gradients(layer, X, before_forward=same_mask)


# ---------------------------------------------------------------------------
# BatchNormalization
# ---------------------------------------------------------------------------

BN_CASES = [
    # (input shape of one sample, center, scale)
    ((4,), True, True),
    ((3,), False, True),
    ((5,), True, False),
    ((4, 4, 3), True, True),  # images: statistics per channel
    ((2, 3, 2), False, False),
    ((6, 2), True, True),  # sequences: per feature over batch and time
]


def _bn_pair(shape, center, scale, momentum=0.9, epsilon=1e-3, seed=0):
    """Our layer and Keras's, with the same random gamma, beta and statistics."""
    rng = np.random.default_rng(seed)
    channels = shape[-1]
    ours = built(
        BatchNormalization(
            momentum=momentum, epsilon=epsilon, center=center, scale=scale
        ),
        shape,
    )
    theirs = keras.layers.BatchNormalization(
        momentum=momentum, epsilon=epsilon, center=center, scale=scale, dtype="float64"
    )
    theirs.build((None, *shape))
    if scale:
        ours.params["gamma"][...] = rng.uniform(0.5, 2.0, size=channels)
    if center:
        ours.params["beta"][...] = rng.normal(size=channels)
    ours.state["moving_mean"][...] = rng.normal(size=channels)
    ours.state["moving_variance"][...] = rng.uniform(0.5, 2.0, size=channels)
    theirs.set_weights([*ours.params.values(), *ours.state.values()])
    return ours, theirs


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("shape, center, scale", BN_CASES)
def test_batch_normalization_matches_keras(shape, center, scale, training):
    ours, theirs = _bn_pair(shape, center, scale)
    assert ours.n_params == sum(int(np.prod(v.shape)) for v in theirs.trainable_weights)
    rng = np.random.default_rng(1)
    X = 2.0 + 3.0 * rng.normal(size=(8, *shape))
    upstream = rng.normal(size=X.shape)
    y, grad_X, grad_params = keras_forward_backward(theirs, X, upstream, training)
    assert_close(ours.forward(X, training=training), y)
    assert_close(ours.backward(upstream), grad_X)
    for name, expected in zip(ours.params, grad_params, strict=True):
        assert_close(ours.grads[name], expected)


@pytest.mark.parametrize("shape, center, scale", BN_CASES)
def test_batch_normalization_running_statistics_follow_keras(shape, center, scale):
    ours, theirs = _bn_pair(shape, center, scale, momentum=0.8)
    rng = np.random.default_rng(2)
    for _ in range(4):
        X = rng.normal(loc=1.0, scale=2.0, size=(6, *shape))
        ours.forward(X, training=True)
        theirs(X, training=True)
    moving_mean, moving_variance = (v.numpy() for v in theirs.non_trainable_weights)
    assert_close(ours.state["moving_mean"], moving_mean)
    assert_close(ours.state["moving_variance"], moving_variance)
    # Then inference uses them.
    X = rng.normal(size=(3, *shape))
    assert_close(ours.forward(X), theirs(X, training=False).numpy())


def test_batch_normalization_per_channel_by_hand():
    # Two images of 2x2 pixels and 2 channels: channel 0 holds 0..7, channel 1 is 5.
    X = np.zeros((2, 2, 2, 2))
    X[..., 0] = np.arange(8.0).reshape(2, 2, 2)
    X[..., 1] = 5.0
    layer = built(BatchNormalization(momentum=0.5, epsilon=1e-3), (2, 2, 2))
    Y = layer.forward(X, training=True)
    # Channel 0: mean 3.5 and biased variance 5.25 over the 8 values of the channel
    # (every image and every pixel), not per pixel.
    np.testing.assert_allclose(Y[..., 0], (X[..., 0] - 3.5) / np.sqrt(5.25 + 1e-3))
    np.testing.assert_allclose(Y[..., 1], 0.0)
    np.testing.assert_allclose(Y[..., 0].mean(), 0.0, atol=1e-12)
    # moving = moving * momentum + batch * (1 - momentum), from 0 and 1.
    np.testing.assert_allclose(layer.state["moving_mean"], [1.75, 2.5])
    np.testing.assert_allclose(layer.state["moving_variance"], [3.125, 0.5])
    assert set(layer.params) == {"gamma", "beta"}
    assert set(layer.state) == {"moving_mean", "moving_variance"}


@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("shape, center, scale", BN_CASES)
def test_batch_normalization_backward_matches_finite_differences(
    shape, center, scale, training
):
    ours, _ = _bn_pair(shape, center, scale)
    X = np.random.default_rng(3).normal(size=(5, *shape))
    check_layer_gradients(ours, X, training=training)


# ---------------------------------------------------------------------------
# Layers together
# ---------------------------------------------------------------------------


def test_a_small_network_matches_keras_end_to_end():
    """Dense -> BatchNormalization -> Activation -> Flatten -> Dense, with the
    categorical cross-entropy: chaining the backward passes gives TensorFlow's
    gradients of the batch-mean loss for every parameter."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3, 4))
    y = np.eye(5)[rng.integers(0, 5, size=10)]
    ours = [
        Dense(6),
        BatchNormalization(),
        Activation("relu"),
        Flatten(),
        Dense(5),
    ]
    shape = X.shape[1:]
    for layer in ours:
        layer.build(shape, rng)
        shape = layer.output_shape_
    theirs = keras.Sequential(
        [
            keras.Input((3, 4), dtype="float64"),
            keras.layers.Dense(6, dtype="float64"),
            keras.layers.BatchNormalization(dtype="float64"),
            keras.layers.Activation("relu", dtype="float64"),
            keras.layers.Flatten(dtype="float64"),
            keras.layers.Dense(5, dtype="float64"),
        ]
    )
    weights = []
    for layer in ours:
        weights += [*layer.params.values(), *layer.state.values()]
    theirs.set_weights(weights)

    out = X
    for layer in ours:
        out = layer.forward(out, training=True)
    loss = CategoricalCrossentropy(from_logits=True)
    grad = loss.gradient(y, out)
    for layer in reversed(ours):
        grad = layer.backward(grad)

    keras_loss = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    with tf.GradientTape() as tape:
        value = keras_loss(y, theirs(X, training=True))
    keras_grads = tape.gradient(value, theirs.trainable_variables)
    assert loss.loss(y, out) == pytest.approx(float(value), rel=1e-10)
    ours_grads = [layer.grads[name] for layer in ours for name in layer.params]
    assert len(ours_grads) == len(keras_grads)
    for mine, expected in zip(ours_grads, keras_grads, strict=True):
        assert_close(mine, expected.numpy())


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

ALL_LAYERS = [
    (lambda: Dense(3), (4,)),
    (lambda: Activation("relu"), (4,)),
    (lambda: Dropout(0.5), (4,)),
    (lambda: BatchNormalization(), (4,)),
    (lambda: BatchNormalization(), (2, 2, 3)),
    (lambda: Flatten(), (2, 3)),
    (lambda: Reshape((3, 2)), (2, 3)),
]
LAYER_IDS = ["Dense", "Activation", "Dropout", "BN", "BN-4D", "Flatten", "Reshape"]


@pytest.mark.parametrize("make, shape", ALL_LAYERS, ids=LAYER_IDS)
def test_every_layer_follows_the_layer_interface(make, shape):
    layer = make()
    assert isinstance(layer, Layer) and not layer.built
    assert layer.params == {} and layer.state == {}
    json.dumps(layer.get_config())
    layer.build(shape, np.random.default_rng(0))
    assert layer.built and layer.input_shape_ == shape
    X = np.random.default_rng(1).normal(size=(3, *shape))
    for training in (True, False):
        Y = layer.forward(X, training=training)
        assert Y.shape == (3, *layer.output_shape_)
        assert layer.backward(np.ones_like(Y)).shape == X.shape
    assert set(layer.grads) == set(layer.params)


@pytest.mark.parametrize("make, shape", ALL_LAYERS, ids=LAYER_IDS)
def test_wrong_input_shape_is_a_clear_error(make, shape):
    layer = make()
    layer.build(shape, np.random.default_rng(0))
    wrong = (*shape[:-1], shape[-1] + 1)
    expected = f"expects inputs of shape \\(batch, {', '.join(map(str, shape))}\\)"
    with pytest.raises(ValueError, match=expected):
        layer.forward(np.ones((2, *wrong)))
    with pytest.raises(ValueError, match="expects inputs"):
        layer.forward(np.ones(shape))  # one sample without its batch axis


@pytest.mark.parametrize("make, shape", ALL_LAYERS, ids=LAYER_IDS)
def test_forward_before_build_and_backward_before_forward(make, shape):
    layer = make()
    with pytest.raises(RuntimeError, match="not built"):
        layer.forward(np.ones((2, *shape)))
    layer.build(shape, np.random.default_rng(0))
    with pytest.raises(RuntimeError, match="forward pass first"):
        layer.backward(np.ones((2, *layer.output_shape_)))


@pytest.mark.parametrize(
    "layer, shape, message",
    [
        (Dense(0), (3,), r"units must be an int in \[1, inf\)"),
        (Dense(2.5), (3,), r"units must be an int in \[1, inf\)"),
        (Dense(2, activation="rleu"), (3,), "Unknown activation"),
        (Dense(2, kernel_initializer="xavier"), (3,), "Unknown initializer"),
        (Dense(2), (), "cannot be built"),
        (Dropout(1.0), (3,), r"in \[0, 1\)"),
        (Dropout(-0.1), (3,), r"in \[0, 1\)"),
        (Dropout("half"), (3,), r"in \[0, 1\)"),
        (BatchNormalization(momentum=1.5), (3,), "momentum"),
        (BatchNormalization(epsilon=0), (3,), "epsilon"),
        (Reshape((4, 2)), (2, 3), "Cannot reshape"),
        (Reshape((-1, -1)), (2, 3), "at most one -1"),
        (Reshape((4, -1)), (2, 3), "Cannot reshape"),
    ],
    ids=str,
)
def test_invalid_hyperparameters_fail_at_build(layer, shape, message):
    # The validation module's rule: a value of the wrong type is a TypeError.
    with pytest.raises((ValueError, TypeError), match=message):
        layer.build(shape, np.random.default_rng(0))
