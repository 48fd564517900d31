"""Attention (Chapter 28): scaled dot-product attention by hand; MultiHeadAttention,
LayerNormalization and a Transformer encoder block against Keras's layers with the
same weights in float64 (outputs, attention weights, and gradients with respect to
the inputs and every weight under tf.GradientTape, to 1e-5), with and without
padding and causal masks; every backward pass against finite differences; dropout on
the attention weights; the sinusoidal positional encoding; the marker-sequence data;
clear errors for bad input.
"""

import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn import datasets
from scratchlearn.deep.attention import (
    LayerNormalization,
    MultiHeadAttention,
    PositionalEncoding,
    TransformerEncoder,
    causal_mask,
    masked_softmax,
    positional_encoding,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)
from scratchlearn.deep.gradient_check import numerical_gradient


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-9)


def assert_gradient(analytic, f, x):
    """``analytic`` against central differences of the scalar ``f()`` in ``x``."""
    np.testing.assert_allclose(analytic, numerical_gradient(f, x), rtol=1e-6, atol=1e-8)


def padding_mask(batch, steps, lengths):
    return np.arange(steps)[None, :] < np.asarray(lengths)[:, None]  # (batch, steps)


# ---------------------------------------------------------------------------
# Scaled dot-product attention, by hand
# ---------------------------------------------------------------------------


def test_attention_by_hand():
    # Two queries, two keys of dimension 1 (d_k = 1, so no scaling).
    Q = np.array([[1.0], [0.0]])
    K = np.array([[np.log(3.0)], [0.0]])
    V = np.array([[10.0, 0.0], [0.0, 10.0]])
    output, weights = scaled_dot_product_attention(Q, K, V)
    # Query 1 scores log 3 and 0: softmax (3/4, 1/4). Query 2: 0 and 0, (1/2, 1/2).
    np.testing.assert_allclose(weights, [[0.75, 0.25], [0.5, 0.5]])
    np.testing.assert_allclose(output, [[7.5, 2.5], [5.0, 5.0]])
    # Masking the first key leaves query 1 only the second.
    output, weights = scaled_dot_product_attention(Q, K, V, mask=[[False, True]])
    np.testing.assert_allclose(weights, [[0.0, 1.0], [0.0, 1.0]])
    np.testing.assert_allclose(output, [[0.0, 10.0], [0.0, 10.0]])


def test_scaling_by_the_square_root_of_the_key_dimension():
    Q = np.ones((1, 4))
    K = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
    _, weights = scaled_dot_product_attention(Q, K, np.eye(2))
    # Scores 4 / sqrt(4) = 2 and 0.
    np.testing.assert_allclose(weights[0, 0], np.exp(2) / (np.exp(2) + 1))


def test_causal_mask_and_fully_masked_rows():
    np.testing.assert_array_equal(causal_mask(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]])
    assert causal_mask(2, 4).shape == (2, 4)
    weights = masked_softmax(np.zeros((2, 3)), [[True, True, False], [False] * 3])
    np.testing.assert_allclose(weights, [[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("masked", [False, True])
def test_attention_backward_matches_finite_differences(masked):
    rng = np.random.default_rng(0)
    Q, K, V = (
        rng.normal(size=(2, 3, 4)),
        rng.normal(size=(2, 5, 4)),
        rng.normal(size=(2, 5, 2)),
    )
    mask = rng.random((2, 3, 5)) > 0.3 if masked else None
    R = rng.normal(size=(2, 3, 2))
    _, weights = scaled_dot_product_attention(Q, K, V, mask)
    grads = scaled_dot_product_attention_backward(R, Q, K, V, weights)
    for x, grad in zip((Q, K, V), grads, strict=True):
        assert_gradient(
            grad,
            lambda: float(np.sum(scaled_dot_product_attention(Q, K, V, mask)[0] * R)),
            x,
        )


# ---------------------------------------------------------------------------
# MultiHeadAttention against Keras
# ---------------------------------------------------------------------------


def random_weights(layer, seed):
    rng = np.random.default_rng(seed)
    for param in layer.params.values():
        param[...] = rng.normal(scale=0.5, size=param.shape)


def keras_twin(ours, query_shape, value_shape=None, key_shape=None):
    theirs = keras.layers.MultiHeadAttention(
        ours.num_heads,
        ours.key_dim,
        value_dim=ours.value_dim,
        dropout=ours.dropout,
        use_bias=ours.use_bias,
        output_shape=ours.output_shape,
        dtype="float64",
    )
    value_shape = value_shape or query_shape
    theirs.build(
        (None, *query_shape), (None, *value_shape), key_shape and (None, *key_shape)
    )
    assert [tuple(v.shape) for v in theirs.trainable_variables] == [
        p.shape for p in ours.params.values()
    ]
    theirs.set_weights(list(ours.params.values()))
    return theirs


def keras_attention(theirs, query, value, key, upstream, query_mask=None, **options):
    """Keras's output, attention weights and gradients (query, value, key, then every
    weight) for dLoss/dOutput = upstream. The same array for query, value and key
    is one tensor (self-attention: the gradient sums the three paths)."""
    inputs = {"query": tf.constant(query)}
    inputs["value"] = inputs["query"] if value is query else tf.constant(value)
    if key is not None:
        inputs["key"] = inputs["value"] if key is value else tf.constant(key)
    with tf.GradientTape(persistent=True) as tape:
        for tensor in inputs.values():
            tape.watch(tensor)
        if query_mask is not None:
            # Keras reads the query's mask from the tensor, as a functional model
            # would have attached it.
            inputs["query"]._keras_mask = tf.constant(query_mask)
        y, scores = theirs(
            inputs["query"],
            inputs["value"],
            inputs.get("key"),
            return_attention_scores=True,
            **options,
        )
    up = tf.constant(upstream)
    distinct = list({id(t): t for t in inputs.values()}.values())
    grads = [tape.gradient(y, t, output_gradients=up).numpy() for t in distinct]
    weights = tape.gradient(y, theirs.trainable_variables, output_gradients=up)
    return y.numpy(), scores.numpy(), grads, [g.numpy() for g in weights]


SELF_CASES = [
    # (batch, steps, features, num_heads, key_dim, value_dim, use_bias, output_shape)
    (2, 5, 6, 2, 3, None, True, None),
    (3, 4, 4, 1, 4, None, True, None),
    (2, 6, 5, 3, 2, 4, True, None),
    (2, 3, 4, 2, 3, 2, False, None),
    (1, 7, 3, 4, 2, None, True, 5),
]
MASKS = ["none", "padding", "causal", "padding+causal"]


@pytest.mark.parametrize("mask_kind", MASKS)
@pytest.mark.parametrize("case", SELF_CASES, ids=[str(c) for c in SELF_CASES])
def test_self_attention_matches_keras(case, mask_kind):
    batch, steps, features, heads, key_dim, value_dim, use_bias, out = case
    rng = np.random.default_rng(1)
    X = rng.normal(size=(batch, steps, features))
    ours = MultiHeadAttention(
        heads, key_dim, value_dim=value_dim, use_bias=use_bias, output_shape=out
    )
    ours.build((steps, features), np.random.default_rng(2))
    random_weights(ours, 3)
    theirs = keras_twin(ours, (steps, features))
    mask = None
    if "padding" in mask_kind:
        lengths = rng.integers(1, steps + 1, size=batch)
        lengths[0] = max(1, steps - 2)  # at least one padded sample
        mask = padding_mask(batch, steps, lengths)
    causal = "causal" in mask_kind
    y_out = out or features
    upstream = rng.normal(size=(batch, steps, y_out))
    y, scores, (grad_X,), weight_grads = keras_attention(
        theirs,
        X,
        X,
        None,
        upstream,
        query_mask=mask,
        value_mask=None if mask is None else tf.constant(mask),
        use_causal_mask=causal,
    )
    if causal:
        ours_y = ours(X, X, query_mask=mask, value_mask=mask, use_causal_mask=True)
        grad_query, grad_value, grad_key = ours.backward(upstream)
        assert grad_key is None
        ours_grad_X = grad_query + grad_value
    else:  # the Sequential's way in: forward(X, mask=...)
        ours_y = ours.forward(X, mask=mask)
        ours_grad_X = ours.backward(upstream)
    assert_close(ours_y, y)
    assert_close(ours.attention_scores_, scores)
    assert_close(ours_grad_X, grad_X)
    assert list(ours.grads) == list(ours.params)
    for name, expected in zip(ours.params, weight_grads, strict=True):
        assert_close(ours.grads[name], expected)


CROSS_CASES = [
    # (batch, n_queries, n_keys, d_query, d_value, d_key or None, heads, key_dim)
    (2, 3, 5, 4, 6, None, 2, 3),
    (3, 4, 2, 3, 3, 5, 3, 2),
    (1, 6, 6, 2, 4, 3, 1, 4),
]


@pytest.mark.parametrize("case", CROSS_CASES, ids=[str(c) for c in CROSS_CASES])
@pytest.mark.parametrize("masked", [False, True])
def test_cross_attention_matches_keras(case, masked):
    batch, n_q, n_k, d_q, d_v, d_k, heads, key_dim = case
    rng = np.random.default_rng(4)
    query = rng.normal(size=(batch, n_q, d_q))
    value = rng.normal(size=(batch, n_k, d_v))
    key = None if d_k is None else rng.normal(size=(batch, n_k, d_k))
    ours = MultiHeadAttention(heads, key_dim)
    ours.build((n_q, d_q), 5, (n_k, d_v), None if d_k is None else (n_k, d_k))
    random_weights(ours, 6)
    theirs = keras_twin(
        ours, (n_q, d_q), (n_k, d_v), None if d_k is None else (n_k, d_k)
    )
    options = {}
    if masked:
        options = {
            "query_mask": padding_mask(batch, n_q, rng.integers(1, n_q + 1, batch)),
            "value_mask": padding_mask(batch, n_k, rng.integers(1, n_k + 1, batch)),
            "attention_mask": rng.random((batch, n_q, n_k)) > 0.2,
        }
    upstream = rng.normal(size=(batch, n_q, d_q))
    keras_options = {k: tf.constant(v) for k, v in options.items() if k != "query_mask"}
    y, scores, grads, weight_grads = keras_attention(
        theirs, query, value, key, upstream, options.get("query_mask"), **keras_options
    )
    ours_y, ours_scores = ours(
        query, value, key, return_attention_scores=True, **options
    )
    assert_close(ours_y, y)
    assert_close(ours_scores, scores)
    ours_grads = [g for g in ours.backward(upstream) if g is not None]
    for mine, expected in zip(ours_grads, grads, strict=True):
        assert_close(mine, expected)
    for name, expected in zip(ours.params, weight_grads, strict=True):
        assert_close(ours.grads[name], expected)


@pytest.mark.parametrize("mask_kind", ["none", "padding", "causal"])
def test_attention_backward_matches_finite_differences_for_every_weight(mask_kind):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(2, 4, 3))
    layer = MultiHeadAttention(2, 2, value_dim=3, output_shape=4)
    layer.build((4, 3), np.random.default_rng(8))
    random_weights(layer, 9)
    mask = padding_mask(2, 4, [2, 4]) if mask_kind == "padding" else None
    R = rng.normal(size=(2, 4, 4))

    def run(inputs):
        if mask_kind == "causal":
            return layer(inputs, inputs, use_causal_mask=True)
        return layer.forward(inputs, mask=mask)

    run(X)
    grad_X = layer.backward(R)
    if mask_kind == "causal":
        grad_X = grad_X[0] + grad_X[1]
    grads = {name: g.copy() for name, g in layer.grads.items()}
    assert_gradient(grad_X, lambda: float(np.sum(run(X) * R)), X)
    for name, param in layer.params.items():
        assert_gradient(grads[name], lambda: float(np.sum(run(X) * R)), param)


def test_cross_attention_gradients_match_finite_differences():
    rng = np.random.default_rng(10)
    query, value, key = (
        rng.normal(size=(2, 3, 2)),
        rng.normal(size=(2, 4, 3)),
        rng.normal(size=(2, 4, 5)),
    )
    layer = MultiHeadAttention(2, 2)
    layer.build((3, 2), 0, (4, 3), (4, 5))
    random_weights(layer, 11)
    R = rng.normal(size=(2, 3, 2))
    kw = {"value_mask": padding_mask(2, 4, [3, 4])}
    layer(query, value, key, **kw)
    grads = layer.backward(R)
    for x, grad in zip((query, value, key), grads, strict=True):
        assert_gradient(
            grad, lambda: float(np.sum(layer(query, value, key, **kw) * R)), x
        )


def test_padded_steps_change_nothing_for_the_real_ones():
    """With the padding mask, what a real step outputs does not depend on what
    (or how much) padding follows it."""
    rng = np.random.default_rng(12)
    layer = MultiHeadAttention(2, 3)
    layer.build((6, 4), 0)
    X = rng.normal(size=(1, 6, 4))
    mask = padding_mask(1, 6, [3])
    y = layer.forward(X, mask=mask)
    X_other = X.copy()
    X_other[0, 3:] = rng.normal(size=(3, 4)) * 10
    assert_close(layer.forward(X_other, mask=mask)[0, :3], y[0, :3])
    layer_short = MultiHeadAttention(2, 3)
    layer_short.build((3, 4), 0)
    for name in layer.params:
        layer_short.params[name][...] = layer.params[name]
    assert_close(layer_short.forward(X[:, :3])[0], y[0, :3])
    # The padded queries read nothing: their output is the output bias.
    assert_close(y[0, 3:], np.broadcast_to(layer.params["output_bias"], (3, 4)))
    assert np.all(layer.attention_scores_[0, :, :, 3:] == 0)


def test_dropout_on_the_attention_weights():
    rng = np.random.default_rng(13)
    X = rng.normal(size=(4, 6, 5))
    layer = MultiHeadAttention(2, 3, dropout=0.5)
    layer.build((6, 5), np.random.default_rng(14))
    first = layer.forward(X, training=False)
    assert_close(layer.forward(X, training=False), first)  # inference: deterministic
    assert_close(layer.attention_scores_.sum(axis=-1), 1.0)
    trained = layer.forward(X, training=True)
    assert np.max(np.abs(trained - first)) > 1e-3
    assert np.max(np.abs(layer.forward(X, training=True) - trained)) > 1e-3
    # About half the weights are dropped: same output as attending with the dropped
    # (and rescaled) weights.
    kept = layer._cache[7]
    assert 0.35 < np.mean(kept == 0) < 0.65
    assert set(np.unique(kept)) == {0.0, 2.0}
    # The backward pass goes through the same drops: replay them for the check.
    R = rng.normal(size=trained.shape)

    def run():
        layer._rng = np.random.default_rng(99)
        return float(np.sum(layer.forward(X, training=True) * R))

    run()
    grad_X = layer.backward(R)
    grads = {name: g.copy() for name, g in layer.grads.items()}
    assert_gradient(grad_X, run, X)
    assert_gradient(grads["query_kernel"], run, layer.params["query_kernel"])
    assert_gradient(grads["value_bias"], run, layer.params["value_bias"])


def test_dropout_matches_keras_in_inference():
    rng = np.random.default_rng(15)
    X = rng.normal(size=(2, 4, 4))
    ours = MultiHeadAttention(2, 2, dropout=0.3)
    ours.build((4, 4), 0)
    theirs = keras_twin(ours, (4, 4))
    assert_close(ours.forward(X), theirs(X, X, training=False).numpy())


def test_multi_head_attention_bad_input():
    layer = MultiHeadAttention(2, 3)
    with pytest.raises(RuntimeError, match="not built"):
        layer.forward(np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match="sequences"):
        MultiHeadAttention(2, 3).build((4,), 0)
    for bad in (0, -1, 2.5, True):  # a wrong type is a TypeError, a bad int not
        with pytest.raises((ValueError, TypeError), match="num_heads"):
            MultiHeadAttention(bad, 3).build((3, 4), 0)
        with pytest.raises((ValueError, TypeError), match="key_dim"):
            MultiHeadAttention(2, bad).build((3, 4), 0)
    with pytest.raises(ValueError, match="dropout"):
        MultiHeadAttention(2, 3, dropout=1.0).build((3, 4), 0)
    layer.build((3, 4), 0)
    with pytest.raises(ValueError, match="4 features"):
        layer.forward(np.zeros((1, 3, 5)))
    with pytest.raises(ValueError, match=r"\(batch, steps, features\)"):
        layer.forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="NaN"):
        layer.forward(np.full((1, 3, 4), np.nan))
    with pytest.raises(ValueError, match="mask must have shape"):
        layer.forward(np.zeros((1, 3, 4)), mask=np.ones((1, 2), bool))
    with pytest.raises(ValueError, match="same number of steps"):
        layer(np.zeros((1, 3, 4)), np.zeros((1, 3, 4)), np.zeros((1, 2, 4)))
    with pytest.raises(RuntimeError, match="forward pass first"):
        MultiHeadAttention(1, 1).backward(np.zeros((1, 1, 1)))


# ---------------------------------------------------------------------------
# LayerNormalization
# ---------------------------------------------------------------------------

NORM_CASES = [
    ((5,), 1e-3, True, True),
    ((4, 6), 1e-3, True, True),
    ((3, 2, 4), 1e-5, True, False),
    ((7,), 1e-6, False, True),
    ((3, 5), 1e-3, False, False),
]


@pytest.mark.parametrize("shape, epsilon, center, scale", NORM_CASES)
def test_layer_normalization_matches_keras(shape, epsilon, center, scale):
    rng = np.random.default_rng(16)
    X = rng.normal(loc=2.0, scale=3.0, size=(4, *shape))
    ours = LayerNormalization(epsilon=epsilon, center=center, scale=scale)
    ours.build(shape, 0)
    for param in ours.params.values():
        param[...] = rng.normal(size=param.shape)
    theirs = keras.layers.LayerNormalization(
        epsilon=epsilon, center=center, scale=scale, dtype="float64"
    )
    theirs.build((None, *shape))
    theirs.set_weights(list(ours.params.values()))
    upstream = rng.normal(size=X.shape)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = theirs(x)
    grads = tape.gradient(
        y, [x, *theirs.trainable_variables], output_gradients=upstream
    )
    assert_close(ours.forward(X), y.numpy())
    assert_close(ours.backward(upstream), grads[0].numpy())
    for name, expected in zip(ours.params, grads[1:], strict=True):
        assert_close(ours.grads[name], expected.numpy())


def test_layer_normalization_by_hand_and_finite_differences():
    layer = LayerNormalization(epsilon=1e-12)
    layer.build((2,), 0)
    # x = (1, 3): mean 2, standard deviation 1, so x_hat = (-1, 1).
    np.testing.assert_allclose(layer.forward(np.array([[1.0, 3.0]])), [[-1.0, 1.0]])
    rng = np.random.default_rng(17)
    X = rng.normal(size=(3, 4, 5))
    layer = LayerNormalization()
    layer.build((4, 5), 0)
    for param in layer.params.values():
        param[...] = rng.normal(size=param.shape)
    R = rng.normal(size=X.shape)
    layer.forward(X)
    grad_X = layer.backward(R)
    grads = {name: g.copy() for name, g in layer.grads.items()}
    assert_gradient(grad_X, lambda: float(np.sum(layer.forward(X) * R)), X)
    for name, param in layer.params.items():
        assert_gradient(grads[name], lambda: float(np.sum(layer.forward(X) * R)), param)


def test_layer_normalization_bad_input():
    with pytest.raises(ValueError, match="epsilon"):
        LayerNormalization(epsilon=0).build((3,), 0)
    layer = LayerNormalization()
    with pytest.raises(RuntimeError, match="not built"):
        layer.forward(np.zeros((1, 3)))
    layer.build((3,), 0)
    with pytest.raises(ValueError, match="expects inputs"):
        layer.forward(np.zeros((1, 4)))


# ---------------------------------------------------------------------------
# Positional encoding
# ---------------------------------------------------------------------------


def test_positional_encoding_values():
    pe = positional_encoding(50, 6)
    assert pe.shape == (50, 6)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1, 0, 1])  # sin 0, cos 0
    for pos in (1, 7, 49):
        for i in range(3):
            angle = pos / 10000 ** (2 * i / 6)
            np.testing.assert_allclose(pe[pos, 2 * i], np.sin(angle))
            np.testing.assert_allclose(pe[pos, 2 * i + 1], np.cos(angle))
    assert len({tuple(np.round(row, 9)) for row in pe}) == 50  # every position unique
    # An odd depth ends with a sine.
    np.testing.assert_allclose(positional_encoding(3, 5)[2, 4], np.sin(2 / 10000**0.8))


def test_positional_encoding_layer_adds_it_and_passes_the_gradient():
    layer = PositionalEncoding(scale=0.5)
    layer.build((4, 6), 0)
    X = np.random.default_rng(18).normal(size=(2, 4, 6))
    assert_close(layer.forward(X), X + 0.5 * positional_encoding(4, 6))
    R = np.ones((2, 4, 6))
    assert_close(layer.backward(R), R)
    mask = padding_mask(2, 4, [2, 4])
    assert layer.compute_mask(X, mask) is mask
    with pytest.raises(ValueError, match=r"\(steps, depth\)"):
        PositionalEncoding().build((4,), 0)


# ---------------------------------------------------------------------------
# The Transformer encoder block
# ---------------------------------------------------------------------------


def keras_encoder_twin(ours):
    """The same block from Keras's layers, with our weights."""
    attention = keras_twin(ours.attention, ours.input_shape_)
    norm1 = keras.layers.LayerNormalization(epsilon=ours.epsilon, dtype="float64")
    norm2 = keras.layers.LayerNormalization(epsilon=ours.epsilon, dtype="float64")
    dense1 = keras.layers.Dense(ours.ff_dim, activation="relu", dtype="float64")
    dense2 = keras.layers.Dense(ours.input_shape_[-1], dtype="float64")
    pairs = [
        (norm1, ours.norm1),
        (dense1, ours.dense1),
        (dense2, ours.dense2),
        (norm2, ours.norm2),
    ]
    for layer, mine in pairs:
        layer.build((None, *mine.input_shape_))
        layer.set_weights(list(mine.params.values()))

    def call(x, mask):
        if mask is not None:
            x._keras_mask = tf.constant(mask)
        attended, _ = attention(
            x,
            x,
            value_mask=None if mask is None else tf.constant(mask),
            return_attention_scores=True,
        )
        a = norm1(x + attended)
        return norm2(a + dense2(dense1(a)))

    variables = [
        v
        for layer in (attention, norm1, dense1, dense2, norm2)
        for v in layer.trainable_variables
    ]
    return call, variables


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize(
    "shape, heads, key_dim, ff_dim", [((5, 4), 2, 3, 8), ((3, 6), 3, 2, 5)]
)
def test_transformer_encoder_matches_keras(shape, heads, key_dim, ff_dim, masked):
    rng = np.random.default_rng(19)
    X = rng.normal(size=(3, *shape))
    ours = TransformerEncoder(heads, key_dim, ff_dim)
    ours.build(shape, np.random.default_rng(20))
    for param in ours.params.values():
        param[...] = rng.normal(scale=0.5, size=param.shape)
    call, variables = keras_encoder_twin(ours)
    mask = padding_mask(3, shape[0], [shape[0] - 1, shape[0], 1]) if masked else None
    upstream = rng.normal(size=X.shape)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = call(x, mask)
    grads = tape.gradient(y, [x, *variables], output_gradients=upstream)
    assert_close(ours.forward(X, mask=mask), y.numpy())
    assert_close(ours.backward(upstream), grads[0].numpy())
    assert list(ours.grads) == list(ours.params)
    for name, expected in zip(ours.params, grads[1:], strict=True):
        assert_close(ours.grads[name], expected.numpy())


def test_transformer_encoder_finite_differences_and_dropout():
    rng = np.random.default_rng(21)
    X = rng.normal(size=(2, 3, 4))
    block = TransformerEncoder(2, 2, 5, dropout=0.3)
    block.build((3, 4), 0)
    mask = padding_mask(2, 3, [2, 3])
    R = rng.normal(size=X.shape)

    def run():
        return float(np.sum(block.forward(X, mask=mask) * R))

    run()
    grad_X = block.backward(R)
    grads = {name: g.copy() for name, g in block.grads.items()}
    assert_gradient(grad_X, run, X)
    for name in ("attention.key_kernel", "norm1.gamma", "dense1.kernel", "norm2.beta"):
        assert_gradient(grads[name], run, block.params[name])
    inference = block.forward(X, mask=mask)
    assert_close(block.forward(X, mask=mask), inference)
    assert np.max(np.abs(block.forward(X, training=True, mask=mask) - inference)) > 1e-3
    # The block's params are the sublayers' arrays: an optimizer's update reaches them.
    block.params["dense2.bias"] += 1.0
    assert_close(block.dense2.params["bias"], np.ones(4))


# ---------------------------------------------------------------------------
# In a Sequential, with the mask an Embedding makes
# ---------------------------------------------------------------------------


def attention_classifier(vocab, depth, heads, key_dim, n_classes, steps, seed=0):
    from scratchlearn.deep import Dense, Embedding, Sequential
    from scratchlearn.deep.pooling import GlobalAveragePooling1D

    model = Sequential(
        [
            Embedding(vocab, depth, mask_zero=True),
            MultiHeadAttention(heads, key_dim),
            GlobalAveragePooling1D(),
            Dense(n_classes, activation="softmax"),
        ],
        random_state=seed,
    )
    model.build((steps,))
    inputs = keras.Input((steps,), dtype="int32")
    x = keras.layers.Embedding(vocab, depth, mask_zero=True, dtype="float64")(inputs)
    x = keras.layers.MultiHeadAttention(heads, key_dim, dtype="float64")(x, x)
    x = keras.layers.GlobalAveragePooling1D(dtype="float64")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", dtype="float64")(x)
    twin = keras.Model(inputs, outputs)
    twin.set_weights(model.get_weights())
    return model, twin


def test_attention_classifier_matches_keras_with_the_embedding_mask():
    from scratchlearn.deep.losses import SparseCategoricalCrossentropy

    X, y, _ = datasets.marker_sequences(
        6, n_classes=3, vocab_size=9, max_length=7, min_length=2, random_state=0
    )
    model, twin = attention_classifier(9, 6, 2, 3, 3, 7)
    model.compile("adam", SparseCategoricalCrossentropy())
    loss, proba = model.compute_gradients(X, y)
    with tf.GradientTape() as tape:
        keras_proba = twin(X, training=True)
        keras_loss = keras.losses.SparseCategoricalCrossentropy()(y, keras_proba)
    keras_grads = tape.gradient(keras_loss, twin.trainable_variables)
    assert_close(proba, keras_proba.numpy())
    assert_close(loss, float(keras_loss))
    ours_grads = [g for layer in model.layers for g in layer.grads.values()]
    assert len(ours_grads) == len(keras_grads)
    for mine, expected in zip(ours_grads, keras_grads, strict=True):
        expected = tf.convert_to_tensor(expected).numpy()  # the embedding's is sparse
        assert_close(mine, expected)


def test_attention_classifier_ignores_the_padding_length():
    from scratchlearn.deep.losses import SparseCategoricalCrossentropy

    X, y, _ = datasets.marker_sequences(
        5, n_classes=3, vocab_size=9, max_length=6, min_length=2, random_state=1
    )
    model, _ = attention_classifier(9, 6, 2, 3, 3, 6)
    longer, _ = attention_classifier(9, 6, 2, 3, 3, 10)
    longer.set_weights(model.get_weights())
    padded = np.pad(X, ((0, 0), (0, 4)))
    assert_close(longer.predict(padded), model.predict(X))
    # Finite differences through the whole model, every weight.
    # Finite differences of the loss for every weight (token ids have none).
    model.compile("adam", SparseCategoricalCrossentropy())
    model.compute_gradients(X, y)
    grads = [g.copy() for layer in model.layers for g in layer.grads.values()]
    params = [p for layer in model.layers for p in layer.params.values()]
    for grad, param in zip(grads, params, strict=True):
        assert_gradient(
            grad, lambda: model.loss.loss(y, model.forward(X, training=True)), param
        )


def test_transformer_encoder_saves_and_loads(tmp_path):
    from scratchlearn.deep import Dense, Embedding, Sequential
    from scratchlearn.deep.model import load_model
    from scratchlearn.deep.pooling import GlobalAveragePooling1D

    model = Sequential(
        [
            Embedding(9, 4, mask_zero=True),
            PositionalEncoding(),
            TransformerEncoder(2, 2, 8),
            GlobalAveragePooling1D(),
            Dense(3),
        ],
        random_state=0,
    )
    X, _, _ = datasets.marker_sequences(
        4, n_classes=3, vocab_size=9, max_length=6, min_length=2, random_state=2
    )
    before = model.predict(X)
    model.save(tmp_path / "model.npz")
    loaded = load_model(tmp_path / "model.npz")
    assert_close(loaded.predict(X), before)
    # The loaded block's sublayers hold the loaded weights (not stale copies).
    block = loaded.layers[2]
    assert block.params["dense1.kernel"] is block.dense1.params["kernel"]


# ---------------------------------------------------------------------------
# The guide's text model, whole, against its Keras twin
# ---------------------------------------------------------------------------


def keras_text_model(vocab, steps, n_classes, sizes, rates):
    embedding_dim, units, heads, key_dim, dense_units = sizes
    dropout, recurrent_dropout, dense_dropout = rates
    layers = keras.layers
    inputs = keras.Input((steps,), dtype="int32")
    x = layers.Embedding(vocab, embedding_dim, mask_zero=True, dtype="float64")(inputs)
    x = layers.LSTM(
        units,
        return_sequences=True,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        dtype="float64",
    )(x)
    x = layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim, dtype="float64")(
        x, x
    )
    x = layers.GlobalAveragePooling1D(dtype="float64")(x)
    x = layers.Dense(dense_units, activation="relu", dtype="float64")(x)
    x = layers.Dropout(dense_dropout, dtype="float64")(x)
    outputs = layers.Dense(n_classes, activation="softmax", dtype="float64")(x)
    return keras.Model(inputs, outputs)


TEXT_CASES = [
    # (vocab, steps, n_classes, batch, (embedding_dim, units, heads, key_dim, dense))
    (9, 7, 3, 5, (6, 5, 2, 3, 4)),
    (12, 9, 4, 4, (8, 6, 3, 2, 5)),
    (20, 16, 4, 3, (128, 128, 8, 64, 64)),  # the guide's sizes
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=["small", "medium", "guide"])
def test_the_guides_text_model_matches_keras(case):
    from scratchlearn.deep.attention import text_model
    from scratchlearn.deep.losses import SparseCategoricalCrossentropy

    vocab, steps, n_classes, batch, sizes = case
    embedding_dim, units, heads, key_dim, dense_units = sizes
    X, y, _ = datasets.marker_sequences(
        batch,
        n_classes=n_classes,
        vocab_size=vocab,
        min_length=2,
        max_length=steps,
        random_state=3,
    )
    options = dict(
        embedding_dim=embedding_dim,
        units=units,
        num_heads=heads,
        key_dim=key_dim,
        dense_units=dense_units,
        random_state=0,
    )
    # The guide's dropouts: the same outputs in inference.
    ours = text_model(vocab, n_classes, **options)
    ours.build((steps,))
    twin = keras_text_model(vocab, steps, n_classes, sizes, (0.2, 0.2, 0.5))
    twin.set_weights(ours.get_weights())
    assert ours.count_params() == twin.count_params()
    assert_close(ours.predict(X), twin(X, training=False).numpy())
    # Without dropout, training steps are deterministic: the same loss gradients
    # for every weight.
    rates = {"dropout": 0.0, "recurrent_dropout": 0.0, "dense_dropout": 0.0}
    ours = text_model(vocab, n_classes, **options, **rates)
    ours.build((steps,))
    ours.compile("adam", SparseCategoricalCrossentropy())
    twin = keras_text_model(vocab, steps, n_classes, sizes, (0.0, 0.0, 0.0))
    twin.set_weights(ours.get_weights())
    loss, proba = ours.compute_gradients(X, y)
    with tf.GradientTape() as tape:
        keras_proba = twin(X, training=True)
        keras_loss = keras.losses.SparseCategoricalCrossentropy()(y, keras_proba)
    expected = tape.gradient(keras_loss, twin.trainable_variables)
    assert_close(proba, keras_proba.numpy())
    assert_close(loss, float(keras_loss))
    mine = [g for layer in ours.layers for g in layer.grads.values()]
    assert len(mine) == len(expected)
    for grad, reference in zip(mine, expected, strict=True):
        assert_close(grad, tf.convert_to_tensor(reference).numpy())


def test_the_text_model_ignores_padding_and_its_dropout_is_random_in_training():
    from scratchlearn.deep.attention import text_model

    X, _, _ = datasets.marker_sequences(
        6, n_classes=3, vocab_size=10, min_length=2, max_length=8, random_state=4
    )
    sizes = dict(embedding_dim=6, units=5, num_heads=2, key_dim=3, dense_units=4)
    model = text_model(10, 3, **sizes, random_state=0)
    model.build((8,))
    longer = text_model(10, 3, **sizes, random_state=1)
    longer.build((13,))
    longer.set_weights(model.get_weights())
    assert_close(longer.predict(np.pad(X, ((0, 0), (0, 5)))), model.predict(X))
    inference = model.predict(X)
    assert_close(model.predict(X), inference)
    trained = model.forward(X, training=True)
    assert np.max(np.abs(trained - inference)) > 1e-3


# ---------------------------------------------------------------------------
# The layer interface
# ---------------------------------------------------------------------------


def _all_layers():
    from scratchlearn.deep.pooling import (
        GlobalAveragePooling1D,
        GlobalAveragePooling2D,
        GlobalMaxPooling1D,
        GlobalMaxPooling2D,
    )

    return [
        (lambda: MultiHeadAttention(2, 3, dropout=0.2), (5, 4)),
        (lambda: LayerNormalization(), (5, 4)),
        (lambda: PositionalEncoding(), (5, 4)),
        (lambda: TransformerEncoder(2, 3, 8, dropout=0.1), (5, 4)),
        (GlobalAveragePooling1D, (5, 4)),
        (GlobalMaxPooling1D, (5, 4)),
        (GlobalAveragePooling2D, (3, 5, 4)),
        (GlobalMaxPooling2D, (3, 5, 4)),
    ]


@pytest.mark.parametrize("index", range(8))
def test_every_layer_follows_the_layer_interface(index):
    import json

    from scratchlearn.deep.base import Layer

    make, shape = _all_layers()[index]
    layer = make()
    assert isinstance(layer, Layer) and not layer.built
    assert layer.params == {} and layer.state == {}
    json.dumps(layer.get_config())
    assert type(layer)(**layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(RuntimeError, match="not built"):
        layer.forward(np.ones((2, *shape)))
    layer.build(shape, np.random.default_rng(0))
    assert layer.built and layer.input_shape_ == shape
    with pytest.raises(RuntimeError, match="forward pass first"):
        layer.backward(np.ones((2, *layer.output_shape_)))
    X = np.random.default_rng(1).normal(size=(3, *shape))
    for training in (True, False):
        Y = layer.forward(X, training=training)
        assert Y.shape == (3, *layer.output_shape_)
        assert layer.backward(np.ones_like(Y)).shape == X.shape
    assert list(layer.grads) == list(layer.params)
    with pytest.raises(ValueError):
        layer.forward(np.ones((2, *shape[:-1], shape[-1] + 1)))
