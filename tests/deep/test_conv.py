"""Conv2D, MaxPooling2D, AveragePooling2D, ZeroPadding2D, ConstantPadding2D and
UpSampling2D (Chapter 26): forward passes and gradients with respect to the input,
kernel and bias against Keras layers in float64 under tf.GradientTape, finite
differences of every backward pass, Keras's padding conventions (odd padding at the
bottom/right, -inf for max pooling, valid-only counts for average pooling), the
past mistakes (pooling in every padding mode; up-sampling backward sums), and clear
errors for bad input.
"""

import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import json

import keras
import numpy as np
import pytest

from scratchlearn.deep.base import Layer
from scratchlearn.deep.conv import (
    AveragePooling2D,
    ConstantPadding2D,
    Conv2D,
    MaxPooling2D,
    UpSampling2D,
    ZeroPadding2D,
)
from tests.deep.test_layers import (
    check_layer_gradients,
    keras_forward_backward,
)


def built(layer, input_shape, seed=0):
    layer.build(input_shape, np.random.default_rng(seed))
    return layer


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-10)


def assert_matches_keras(ours, theirs, X, seed=0):
    """Same output shape, output, input gradient and parameter gradients as the
    Keras layer (already holding our weights), for a random upstream gradient."""
    keras_shape = tuple(theirs.compute_output_shape((None, *X.shape[1:])))[1:]
    assert ours.output_shape_ == keras_shape
    upstream = np.random.default_rng(seed).normal(size=(X.shape[0], *keras_shape))
    y, grad_X, grad_params = keras_forward_backward(theirs, X, upstream)
    assert_close(ours.forward(X, training=True), y)
    assert_close(ours.backward(upstream), grad_X)
    assert len(grad_params) == len(ours.params)
    for name, expected in zip(ours.params, grad_params, strict=True):
        assert_close(ours.grads[name], expected)


# ---------------------------------------------------------------------------
# Conv2D
# ---------------------------------------------------------------------------

CONV_CASES = [
    # (sample shape, filters, kernel_size, strides, padding, activation, use_bias)
    ((7, 7, 3), 4, 3, 1, "valid", None, True),
    ((7, 7, 3), 4, 3, 1, "same", None, True),
    ((8, 8, 2), 3, 1, 1, "valid", None, True),
    ((8, 8, 2), 3, 1, 2, "same", None, True),
    ((6, 9, 2), 2, 2, 1, "same", None, True),  # odd total padding: bottom/right
    ((6, 9, 2), 2, 2, 2, "valid", None, True),
    ((9, 9, 1), 3, 5, 1, "valid", None, True),
    ((9, 10, 1), 3, 5, 2, "same", "relu", True),
    ((10, 11, 2), 2, 5, 3, "same", None, True),
    ((10, 11, 2), 2, 3, 3, "valid", None, False),
    ((7, 8, 3), 3, (2, 3), (1, 2), "same", None, True),  # non-square
    ((7, 8, 3), 3, (3, 1), (2, 1), "valid", "tanh", True),
    ((5, 7, 2), 2, (1, 4), (3, 2), "same", None, False),
    ((5, 5, 2), 3, 5, 1, "valid", None, True),  # kernel covers the whole image
    ((3, 4, 2), 2, 5, 1, "same", None, True),  # kernel larger than the image
    ((8, 8, 2), 2, 2, 3, "same", None, True),  # stride larger than the kernel
]
CONV_IDS = [
    f"{shape}-k{k}-s{s}-{pad}-{act}-bias{b}"
    for shape, _, k, s, pad, act, b in CONV_CASES
]


@pytest.mark.parametrize(
    "shape, filters, kernel_size, strides, padding, activation, use_bias",
    CONV_CASES,
    ids=CONV_IDS,
)
def test_conv2d_matches_keras(
    shape, filters, kernel_size, strides, padding, activation, use_bias
):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, *shape))
    options = dict(
        strides=strides, padding=padding, activation=activation, use_bias=use_bias
    )
    ours = built(Conv2D(filters, kernel_size, **options), shape, seed=1)
    if use_bias:
        ours.params["bias"][...] = rng.normal(size=filters)
    theirs = keras.layers.Conv2D(filters, kernel_size, dtype="float64", **options)
    theirs.build((None, *shape))
    # Same names, same layouts: the weights copy 1:1.
    theirs.set_weights(list(ours.params.values()))
    assert [v.name for v in theirs.trainable_variables] == list(ours.params)
    assert ours.n_params == theirs.count_params()
    assert_matches_keras(ours, theirs, X)


@pytest.mark.parametrize(
    "shape, filters, kernel_size, strides, padding, activation, use_bias",
    [*CONV_CASES[::2], CONV_CASES[-1]],
    ids=[*CONV_IDS[::2], CONV_IDS[-1]],
)
def test_conv2d_backward_matches_finite_differences(
    shape, filters, kernel_size, strides, padding, activation, use_bias
):
    layer = Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        activation=activation,
        use_bias=use_bias,
    )
    built(layer, shape)
    if use_bias:
        layer.params["bias"][...] = np.random.default_rng(3).normal(size=filters)
    X = np.random.default_rng(2).normal(size=(2, *shape))
    check_layer_gradients(layer, X)


def test_conv2d_by_hand_is_a_cross_correlation():
    # Keras's "convolution" slides the kernel without flipping it (textbook
    # convolution flips it; the flip would give 67, 57, 37, 27 here).
    layer = built(Conv2D(1, 2), (3, 3, 1))
    layer.params["kernel"][...] = np.array([[1.0, 2.0], [3.0, 4.0]])[:, :, None, None]
    layer.params["bias"][...] = 0.5
    X = np.arange(9.0).reshape(1, 3, 3, 1)
    np.testing.assert_allclose(
        layer.forward(X)[0, :, :, 0], [[27.5, 37.5], [57.5, 67.5]]
    )
    grad_X = layer.backward(np.ones((1, 2, 2, 1)))
    # dK[p, q] = sum of the pixels that weight p, q saw; db = number of outputs.
    np.testing.assert_allclose(layer.grads["kernel"][:, :, 0, 0], [[8, 12], [20, 24]])
    np.testing.assert_allclose(layer.grads["bias"], [4.0])
    # dX = sum of the weights that touched each pixel.
    np.testing.assert_allclose(grad_X[0, :, :, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


def test_conv2d_same_puts_the_odd_padding_at_the_bottom_right():
    layer = built(Conv2D(1, 2, padding="same", use_bias=False), (2, 2, 1))
    layer.params["kernel"][...] = 1.0
    X = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    # One row of zeros below, one column to the right (top/left would give
    # [[1, 3], [4, 10]]).
    np.testing.assert_allclose(layer.forward(X)[0, :, :, 0], [[10, 6], [7, 4]])


def test_conv2d_parameters_and_default_initialisation():
    layer = built(Conv2D(8, (3, 2)), (10, 10, 4))
    assert layer.params["kernel"].shape == (3, 2, 4, 8)
    assert layer.params["bias"].shape == (8,)
    np.testing.assert_array_equal(layer.params["bias"], 0.0)
    # glorot_uniform with Keras's fans: the receptive field counts, 3*2*4 in and
    # 3*2*8 out.
    limit = np.sqrt(6 / (3 * 2 * 4 + 3 * 2 * 8))
    assert np.abs(layer.params["kernel"]).max() <= limit
    assert np.abs(layer.params["kernel"]).max() > 0.9 * limit
    assert layer.n_params == 3 * 2 * 4 * 8 + 8
    assert built(Conv2D(8, 3, use_bias=False), (5, 5, 2)).n_params == 144
    np.testing.assert_array_equal(
        built(Conv2D(2, 3), (5, 5, 1), seed=7).params["kernel"],
        built(Conv2D(2, 3), (5, 5, 1), seed=7).params["kernel"],
    )
    config = Conv2D(3, (2, 3), strides=2, padding="same", activation="relu")
    assert json.loads(json.dumps(config.get_config())) == {
        "filters": 3,
        "kernel_size": [2, 3],
        "strides": 2,
        "padding": "same",
        "activation": "relu",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
        "bias_initializer": "zeros",
    }
    assert "Conv2D(filters=3" in repr(config)


# ---------------------------------------------------------------------------
# Pooling: every padding mode, forward and backward (a past mistake)
# ---------------------------------------------------------------------------

POOL_CASES = [
    # (sample shape, pool_size, strides)
    ((6, 6, 2), 2, None),
    ((7, 7, 2), 2, None),  # "same": one extra row and column, bottom/right
    ((7, 7, 2), 2, 1),  # overlapping windows
    ((5, 6, 3), 3, 2),
    ((8, 7, 1), 3, None),
    ((7, 8, 2), (2, 3), (1, 2)),  # non-square
    ((9, 8, 1), (3, 2), 3),
    ((5, 5, 2), 1, 2),  # stride larger than the window
    ((4, 5, 2), (4, 5), 1),  # one window covers the whole image
]
POOL_IDS = [f"{shape}-p{p}-s{s}" for shape, p, s in POOL_CASES]
POOLS = {"max": (MaxPooling2D, keras.layers.MaxPooling2D)}
POOLS["average"] = (AveragePooling2D, keras.layers.AveragePooling2D)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("shape, pool_size, strides", POOL_CASES, ids=POOL_IDS)
@pytest.mark.parametrize("kind", ["max", "average"])
def test_pooling_matches_keras_in_every_padding_mode(
    kind, shape, pool_size, strides, padding
):
    ours_class, keras_class = POOLS[kind]
    # Continuous random values: no ties inside a window. All negative, so that a
    # "same" max pooling padded with 0 instead of -inf would fail.
    X = -np.abs(np.random.default_rng(4).normal(size=(3, *shape))) - 0.1
    options = dict(pool_size=pool_size, strides=strides, padding=padding)
    ours = built(ours_class(**options), shape)
    theirs = keras_class(dtype="float64", **options)
    assert ours.params == {}
    assert_matches_keras(ours, theirs, X)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(
    "shape, pool_size, strides", POOL_CASES[1:6], ids=POOL_IDS[1:6]
)
@pytest.mark.parametrize("kind", ["max", "average"])
def test_pooling_backward_matches_finite_differences(
    kind, shape, pool_size, strides, padding
):
    layer = POOLS[kind][0](pool_size=pool_size, strides=strides, padding=padding)
    built(layer, shape)
    X = np.random.default_rng(5).normal(size=(2, *shape))
    check_layer_gradients(layer, X)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool_size, strides", [(2, None), (2, 1), (3, 1), (3, 2)])
def test_max_pooling_breaks_ties_like_tensorflow(pool_size, strides, padding):
    # Many equal values: the first maximum of a window, reading row by row, gets
    # the gradient (np.argmax's rule, and TensorFlow's on CPU).
    X = np.random.default_rng(6).integers(0, 3, size=(2, 7, 7, 2)).astype(float)
    options = dict(pool_size=pool_size, strides=strides, padding=padding)
    ours = built(MaxPooling2D(**options), (7, 7, 2))
    assert_matches_keras(ours, keras.layers.MaxPooling2D(dtype="float64", **options), X)


def test_max_pooling_by_hand():
    X = np.array([[1.0, 5.0, 2.0], [3.0, 4.0, -1.0], [0.0, 6.0, -2.0]])
    layer = built(MaxPooling2D(2, padding="same"), (3, 3, 1))
    # The padded cells (-inf) never win; the lone pixel -2 is its window's max.
    np.testing.assert_allclose(
        layer.forward(X.reshape(1, 3, 3, 1))[0, :, :, 0], [[5, 2], [6, -2]]
    )
    grad_X = layer.backward(np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1))
    np.testing.assert_allclose(grad_X[0, :, :, 0], [[0, 1, 2], [0, 0, 0], [0, 3, 4]])


def test_average_pooling_same_divides_by_the_real_pixels():
    X = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    layer = built(AveragePooling2D(2, padding="same"), (3, 3, 1))
    # Windows hanging over the bottom/right border average only what they cover:
    # [1 2 4 5] / 4, [3 6] / 2, [7 8] / 2, [9] / 1 (zero-padded means would give
    # 3, 9/4, 15/4, 9/4).
    np.testing.assert_allclose(layer.forward(X)[0, :, :, 0], [[3.0, 4.5], [7.5, 9.0]])
    grad_X = layer.backward(np.ones((1, 2, 2, 1)))
    expected = [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]]
    np.testing.assert_allclose(grad_X[0, :, :, 0], expected)
    # A constant image stays constant, borders included.
    ones = built(AveragePooling2D(3, strides=1, padding="same"), (4, 5, 2))
    np.testing.assert_allclose(ones.forward(np.full((2, 4, 5, 2), 7.0)), 7.0)


def test_pooling_defaults_follow_keras():
    layer = MaxPooling2D()
    assert layer.get_config() == {"pool_size": 2, "strides": None, "padding": "valid"}
    # strides=None means strides=pool_size: windows side by side.
    assert built(MaxPooling2D(3), (9, 9, 1)).output_shape_ == (3, 3, 1)
    assert built(AveragePooling2D((2, 3)), (9, 9, 4)).output_shape_ == (4, 3, 4)
    assert built(AveragePooling2D(2, padding="same"), (9, 9, 4)).output_shape_ == (
        5,
        5,
        4,
    )


# ---------------------------------------------------------------------------
# Padding layers
# ---------------------------------------------------------------------------

PADDINGS = [0, 1, 2, (1, 2), (0, 3), ((1, 0), (2, 3)), ((0, 2), (0, 0))]


@pytest.mark.parametrize("padding", PADDINGS, ids=str)
def test_zero_padding_matches_keras(padding):
    X = np.random.default_rng(7).normal(size=(3, 4, 5, 2))
    ours = built(ZeroPadding2D(padding), (4, 5, 2))
    theirs = keras.layers.ZeroPadding2D(padding, dtype="float64")
    assert_matches_keras(ours, theirs, X)


@pytest.mark.parametrize("padding", PADDINGS, ids=str)
@pytest.mark.parametrize("value", [0.0, -1.5, 3])
def test_constant_padding_is_zero_padding_shifted_by_the_value(padding, value):
    # Keras has no ConstantPadding2D: padding (X - value) with zeros and adding
    # value back is the same thing, and its gradient is Keras's ZeroPadding2D's.
    X = np.random.default_rng(8).normal(size=(3, 4, 5, 2))
    ours = built(ConstantPadding2D(padding, value=value), (4, 5, 2))
    theirs = keras.layers.ZeroPadding2D(padding, dtype="float64")
    upstream = np.random.default_rng(9).normal(size=(3, *ours.output_shape_))
    y, grad_X, _ = keras_forward_backward(theirs, X - value, upstream)
    assert_close(ours.forward(X), y + value)
    assert_close(ours.backward(upstream), grad_X)


def test_constant_padding_by_hand():
    layer = built(ConstantPadding2D(((1, 0), (0, 2)), value=9.0), (1, 2, 1))
    X = np.array([[1.0, 2.0]]).reshape(1, 1, 2, 1)
    np.testing.assert_allclose(
        layer.forward(X)[0, :, :, 0], [[9, 9, 9, 9], [1, 2, 9, 9]]
    )
    # Backward is cropping: the gradient of the copied cells, nothing else.
    grad = np.arange(8.0).reshape(1, 2, 4, 1)
    np.testing.assert_allclose(layer.backward(grad)[0, :, :, 0], [[4, 5]])


@pytest.mark.parametrize(
    "make",
    [
        lambda: ZeroPadding2D(((1, 0), (2, 1))),
        lambda: ConstantPadding2D((2, 1), value=-3.0),
    ],
    ids=["zero", "constant"],
)
def test_padding_backward_matches_finite_differences(make):
    layer = built(make(), (3, 4, 2))
    check_layer_gradients(layer, np.random.default_rng(10).normal(size=(2, 3, 4, 2)))


# ---------------------------------------------------------------------------
# UpSampling2D: backward sums each block (a past mistake)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, (2, 3), (1, 2)], ids=str)
def test_upsampling_matches_keras(size):
    X = np.random.default_rng(11).normal(size=(3, 4, 3, 2))
    ours = built(UpSampling2D(size), (4, 3, 2))
    theirs = keras.layers.UpSampling2D(size, dtype="float64")
    assert_matches_keras(ours, theirs, X)


def test_upsampling_backward_sums_each_block():
    layer = built(UpSampling2D((2, 3)), (2, 2, 1))
    X = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    Y = layer.forward(X)[0, :, :, 0]
    np.testing.assert_allclose(Y[:2, :3], 1.0)
    np.testing.assert_allclose(Y[2:, 3:], 4.0)
    # Each input feeds a 2 x 3 block: with an upstream of ones it collects 6 (a
    # mean would give 1, one element of the block 1).
    np.testing.assert_allclose(layer.backward(np.ones((1, 4, 6, 1))), 6.0)
    grad = np.arange(24.0).reshape(1, 4, 6, 1)
    expected = [[0 + 1 + 2 + 6 + 7 + 8, 3 + 4 + 5 + 9 + 10 + 11]]
    expected.append([12 + 13 + 14 + 18 + 19 + 20, 15 + 16 + 17 + 21 + 22 + 23])
    np.testing.assert_allclose(layer.backward(grad)[0, :, :, 0], expected)


def test_upsampling_backward_matches_finite_differences():
    layer = built(UpSampling2D((3, 2)), (2, 3, 2))
    check_layer_gradients(layer, np.random.default_rng(12).normal(size=(2, 2, 3, 2)))


# ---------------------------------------------------------------------------
# The Layer interface and bad input
# ---------------------------------------------------------------------------

ALL_LAYERS = [
    (lambda: Conv2D(3, 3, padding="same", activation="relu"), (5, 6, 2)),
    (lambda: MaxPooling2D(2, padding="same"), (5, 6, 2)),
    (lambda: AveragePooling2D(3, strides=1), (5, 6, 2)),
    (lambda: ZeroPadding2D((1, 2)), (5, 6, 2)),
    (lambda: ConstantPadding2D(1, value=2.0), (5, 6, 2)),
    (lambda: UpSampling2D(2), (5, 6, 2)),
]
LAYER_IDS = ["Conv2D", "MaxPool", "AvgPool", "ZeroPad", "ConstPad", "UpSample"]


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
        assert Y.dtype == np.float64
        grad_X = layer.backward(np.ones_like(Y))
        assert grad_X.shape == X.shape and grad_X.dtype == np.float64
    assert set(layer.grads) == set(layer.params)
    # A batch of one and a list input work too.
    assert layer.forward(X[:1].tolist()).shape == (1, *layer.output_shape_)


@pytest.mark.parametrize("make, shape", ALL_LAYERS, ids=LAYER_IDS)
def test_wrong_input_shape_is_a_clear_error(make, shape):
    layer = built(make(), shape)
    wrong = (*shape[:-1], shape[-1] + 1)
    expected = f"expects inputs of shape \\(batch, {', '.join(map(str, shape))}\\)"
    with pytest.raises(ValueError, match=expected):
        layer.forward(np.ones((2, *wrong)))
    with pytest.raises(ValueError, match="expects inputs"):
        layer.forward(np.ones(shape))  # one image without its batch axis
    with pytest.raises(ValueError, match="expects inputs"):
        layer.forward(np.ones((2, *shape[:2])))  # no channel axis


@pytest.mark.parametrize("make, shape", ALL_LAYERS, ids=LAYER_IDS)
def test_non_image_samples_cannot_be_built(make, shape):
    for sample_shape in [shape[:2], (4,), (*shape, 1), (0, 5, 2)]:
        with pytest.raises(ValueError, match=r"\(height, width, channels\)"):
            make().build(sample_shape, np.random.default_rng(0))


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
        (Conv2D(2, 5), (3, 8, 1), r"kernel \(5, 5\) is larger than its input"),
        (Conv2D(2, (1, 4)), (8, 3, 1), "larger than its input"),
        (MaxPooling2D(3), (2, 5, 1), r"pool window \(3, 3\) is larger"),
        (AveragePooling2D((1, 6)), (5, 5, 1), "larger than its input"),
        (Conv2D(0, 3), (5, 5, 1), r"filters must be an int in \[1, inf\)"),
        (Conv2D(2.0, 3), (5, 5, 1), r"filters must be an int in \[1, inf\)"),
        (Conv2D(2, 0), (5, 5, 1), "kernel_size must be a positive integer"),
        (Conv2D(2, (3,)), (5, 5, 1), "kernel_size must be"),
        (Conv2D(2, (2, 2.5)), (5, 5, 1), "kernel_size must be"),
        (Conv2D(2, "3"), (5, 5, 1), "kernel_size must be"),
        (Conv2D(2, 3, strides=0), (5, 5, 1), "strides must be"),
        (Conv2D(2, 3, padding="full"), (5, 5, 1), "padding must be 'valid' or"),
        (Conv2D(2, 3, activation="rleu"), (5, 5, 1), "Unknown activation"),
        (Conv2D(2, 3, kernel_initializer="xavier"), (5, 5, 1), "Unknown initial"),
        (MaxPooling2D(0), (5, 5, 1), "pool_size must be"),
        (MaxPooling2D(2, strides=(1, 0)), (5, 5, 1), "strides must be"),
        (AveragePooling2D(2, padding="SAME!"), (5, 5, 1), "padding must be"),
        (ZeroPadding2D(-1), (5, 5, 1), "padding must be a non-negative int"),
        (ZeroPadding2D(((1,), (2,))), (5, 5, 1), "padding must be"),
        (ZeroPadding2D((1, 2, 3)), (5, 5, 1), "padding must be"),
        (ConstantPadding2D(1, value=np.nan), (5, 5, 1), "value must be a finite"),
        (ConstantPadding2D(1, value="0"), (5, 5, 1), "value must be a finite"),
        (UpSampling2D(0), (5, 5, 1), "size must be"),
        (UpSampling2D((2, -1)), (5, 5, 1), "size must be"),
    ],
    ids=str,
)
def test_invalid_hyperparameters_fail_at_build(layer, shape, message):
    # The validation module's rule: a value of the wrong type is a TypeError.
    with pytest.raises((ValueError, TypeError), match=message):
        layer.build(shape, np.random.default_rng(0))


def test_same_padding_allows_windows_larger_than_the_image():
    # As Keras: "same" pads enough for any window, "valid" refuses.
    assert built(Conv2D(2, 5, padding="same"), (3, 4, 1)).output_shape_ == (3, 4, 2)
    assert built(MaxPooling2D(4, padding="same"), (3, 3, 1)).output_shape_ == (1, 1, 1)
