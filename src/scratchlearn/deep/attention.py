"""Attention (Chapter 28 explains this code): scaled dot-product attention,
MultiHeadAttention with padding and causal masks, LayerNormalization, a sinusoidal
PositionalEncoding and a small Transformer encoder block.

Attention lets every position of a sequence read from every other one. Each query
``q`` scores every key ``k`` by a dot product, the scores become weights by a
softmax, and the output is the weighted mean of the values::

    weights = softmax(Q K^T / sqrt(d_k))        # (n_queries, n_keys), rows sum to 1
    output  = weights V                         # (n_queries, d_v)

A mask removes keys from the softmax (padding that is not part of the sentence, or
the future in a decoder). :class:`MultiHeadAttention` runs ``num_heads`` of these in
parallel on learned projections of its inputs and mixes their outputs.

The layers follow :class:`scratchlearn.deep.base.Layer` and Keras's names and weight
layouts, so weights copy 1:1 from ``keras.layers.MultiHeadAttention`` and
``keras.layers.LayerNormalization``; the tests hold outputs and gradients to
TensorFlow's in float64.

Masks. A padding mask is a boolean array ``(batch, steps)``, True where a step is
real. Layers that read it take ``forward(X, training=False, mask=None)``; layers
that keep the sequence pass it on through ``compute_mask(X, mask)``, as in Keras.
Inside a Sequential, MultiHeadAttention is self-attention: queries, keys and values
are all the input, and the incoming padding mask masks both the queries and the keys.
"""

import math
import numbers

import numpy as np

from scratchlearn.deep.base import Layer
from scratchlearn.deep.layers import Dense, Dropout, _cache_of
from scratchlearn.numerics import softmax
from scratchlearn.utils.validation import POSITIVE_INT, RATE, check_value

__all__ = [
    "LayerNormalization",
    "MultiHeadAttention",
    "PositionalEncoding",
    "TransformerEncoder",
    "causal_mask",
    "masked_softmax",
    "masked_softmax_backward",
    "positional_encoding",
    "scaled_dot_product_attention",
    "scaled_dot_product_attention_backward",
    "text_model",
]

# Keras's stand-in for minus infinity in a masked softmax (float32 and float64).
LARGE_NEGATIVE = -1e9


# --- the attention function ---------------------------------------------------------


def masked_softmax(scores, mask=None):
    """Softmax over the last axis, with the positions where ``mask`` is False
    removed.

    Parameters
    ----------
    scores : ndarray of shape (..., n_queries, n_keys)
    mask : bool array broadcastable to ``scores``, optional
        True where a query may attend to a key.

    Returns
    -------
    ndarray of the shape of ``scores``
        Each row sums to 1 over its allowed keys and is 0 on the masked ones. A row
        with no allowed key is all zeros.

    Notes
    -----
    As Keras's ``Softmax`` layer: a masked score becomes -1e9 before the softmax
    (its exponential is 0), and the masked weights are set to exactly 0 after it,
    so that a fully masked row (a padded query) reads nothing instead of a uniform
    mean.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if mask is None:
        return softmax(scores, axis=-1)
    mask = np.asarray(mask, dtype=bool)
    weights = softmax(np.where(mask, scores, LARGE_NEGATIVE), axis=-1)
    return np.where(mask, weights, 0.0)


def masked_softmax_backward(weights, grad_weights):
    """dLoss/dScores from dLoss/dWeights, for ``weights = masked_softmax(scores)``.

    Row by row, the softmax's Jacobian is ``diag(a) - a a^T``, so

        dscores_j = a_j * (dweights_j - sum_k a_k dweights_k)

    A masked weight is the constant 0 (``a_j = 0``), so its score gets no gradient.
    """
    weighted = np.sum(grad_weights * weights, axis=-1, keepdims=True)  # (..., T, 1)
    return weights * (grad_weights - weighted)


def causal_mask(n_queries, n_keys=None):
    """The mask of a decoder, ``(n_queries, n_keys)``: query ``i`` may attend to
    keys ``0..i`` only (the past and itself), never to the future."""
    n_keys = n_queries if n_keys is None else n_keys
    return np.tril(np.ones((n_queries, n_keys), dtype=bool))


def scaled_dot_product_attention(Q, K, V, mask=None):
    """``softmax(Q K^T / sqrt(d_k)) V`` and its weights.

    Parameters
    ----------
    Q : ndarray of shape (..., n_queries, d_k)
    K : ndarray of shape (..., n_keys, d_k)
    V : ndarray of shape (..., n_keys, d_v)
    mask : bool array broadcastable to (..., n_queries, n_keys), optional
        True where a query may attend to a key.

    Returns
    -------
    output : ndarray of shape (..., n_queries, d_v)
    weights : ndarray of shape (..., n_queries, n_keys)
        Row ``i`` says how much query ``i`` reads from each key; it sums to 1 (or 0
        for a fully masked row).

    Notes
    -----
    With entries of ``q`` and ``k`` of variance 1, ``q . k`` has variance ``d_k``;
    dividing by ``sqrt(d_k)`` brings it back to 1, so the softmax does not saturate
    (and its gradient vanish) as ``d_k`` grows.

    References
    ----------
    Vaswani et al., "Attention is all you need", NeurIPS 2017, section 3.2.1.
    """
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / math.sqrt(d_k)  # (..., T, S)
    weights = masked_softmax(scores, mask)  # (..., T, S)
    return weights @ V, weights  # (..., T, d_v), (..., T, S)


def scaled_dot_product_attention_backward(grad_output, Q, K, V, weights):
    """Gradients of the loss with respect to ``Q``, ``K`` and ``V`` from
    dLoss/dOutput, for ``output, weights = scaled_dot_product_attention(Q, K, V)``.

    Returns ``(grad_Q, grad_K, grad_V)``, shaped like ``Q``, ``K`` and ``V``.
    """
    scale = 1.0 / math.sqrt(Q.shape[-1])
    grad_V = np.swapaxes(weights, -1, -2) @ grad_output  # (..., S, d_v)
    grad_weights = grad_output @ np.swapaxes(V, -1, -2)  # (..., T, S)
    grad_scores = masked_softmax_backward(weights, grad_weights)  # (..., T, S)
    grad_Q = grad_scores @ K * scale  # (..., T, d_k)
    grad_K = np.swapaxes(grad_scores, -1, -2) @ Q * scale  # (..., S, d_k)
    return grad_Q, grad_K, grad_V


# --- shared checks -------------------------------------------------------------------


def _check_sequences(layer, X, name="X", depth=None):
    """``X`` as a finite float64 array of shape (batch, steps, depth)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 3:
        raise ValueError(
            f"{type(layer).__name__} expects {name} of shape (batch, steps, "
            f"features), got an array of shape {X.shape}."
        )
    if depth is not None and X.shape[-1] != depth:
        raise ValueError(
            f"{type(layer).__name__} was built for {name} with {depth} features per "
            f"step, got {X.shape[-1]} (shape {X.shape})."
        )
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return X


def _check_mask(mask, shape, name="mask"):
    """A padding mask as a bool array of ``shape`` (None stays None)."""
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {mask.shape}.")
    return mask.astype(bool)


# --- MultiHeadAttention -------------------------------------------------------------


class MultiHeadAttention(Layer):
    """Multi-head attention, Keras's ``MultiHeadAttention``.

    Each head ``h`` projects the inputs, attends, and the heads' outputs are mixed
    back to the query's width::

        Q_h = query W^Q_h + b^Q_h
        K_h = key W^K_h + b^K_h
        V_h = value W^V_h + b^V_h
        O_h = softmax(Q_h K_h^T / sqrt(key_dim) + mask) V_h
        output = sum_h O_h W^O_h + b^O

    Parameters
    ----------
    num_heads : int
        Number of attention heads.
    key_dim : int
        Size of each head's queries and keys.
    value_dim : int, optional
        Size of each head's values; ``key_dim`` by default.
    dropout : float, default 0.0
        Dropout rate on the attention weights in training (a dropped weight reads
        nothing from its key; the kept ones are scaled by 1 / (1 - dropout)).
    use_bias : bool, default True
    output_shape : int, optional
        Width of the output; the query's width by default.
    kernel_initializer, bias_initializer : str or callable

    Attributes
    ----------
    params : dict
        ``query_kernel`` (d_query, num_heads, key_dim), ``query_bias`` (num_heads,
        key_dim), ``key_kernel`` (d_key, num_heads, key_dim), ``key_bias``,
        ``value_kernel`` (d_value, num_heads, value_dim), ``value_bias``,
        ``output_kernel`` (num_heads, value_dim, output_shape), ``output_bias``
        (output_shape,): Keras's variables in Keras's order.
    attention_scores_ : ndarray of shape (batch, num_heads, n_queries, n_keys)
        The attention weights of the last forward pass (before dropout).

    Notes
    -----
    Two ways to call it:

    * ``forward(X, training, mask)``, what a Sequential does: self-attention,
      ``query = value = key = X``, with the padding ``mask`` (batch, steps) masking
      padded keys (nobody reads them) and padded queries (they read nothing).
      ``backward(grad)`` returns dLoss/dX, the sum of the three paths into ``X``.
    * ``layer(query, value, key=None, query_mask=..., value_mask=...,
      attention_mask=..., use_causal_mask=..., return_attention_scores=...)``, as in
      Keras. ``backward(grad)`` then returns ``(grad_query, grad_value, grad_key)``,
      with ``grad_key`` None when no separate key was given (its gradient is in
      ``grad_value``).

    The masks combine as Keras's: ``query_mask[:, :, None] & value_mask[:, None, :]
    & attention_mask & causal``, one (batch, n_queries, n_keys) mask shared by the
    heads. A query whose row is fully masked gets zero weights, so its output is
    ``output_bias`` (Keras's explicit-scores path does the same; its fused path,
    used when no scores are returned and ``dropout=0``, gives those rows a uniform
    mean instead: only padded queries differ, and a mask-aware pooling ignores them).

    References
    ----------
    Vaswani et al., "Attention is all you need", NeurIPS 2017, section 3.2.2.
    """

    supports_masking = True
    accepts_mask = True

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
    ):
        super().__init__()
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim
        self.dropout = dropout
        self.use_bias = use_bias
        self.output_shape = output_shape
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    # --- building --------------------------------------------------------------------

    def build(self, input_shape, rng, value_shape=None, key_shape=None):
        """Create the projections for queries of ``input_shape`` (steps, d_query);
        values and keys have the query's shape unless given (self-attention)."""
        heads = check_value(self.num_heads, "num_heads", [POSITIVE_INT])
        key_dim = check_value(self.key_dim, "key_dim", [POSITIVE_INT])
        value_dim = key_dim if self.value_dim is None else self.value_dim
        value_dim = check_value(value_dim, "value_dim", [POSITIVE_INT])
        self._rate = float(check_value(self.dropout, "dropout", [RATE]))
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or not all(
            isinstance(n, numbers.Integral) and n >= 1 for n in input_shape
        ):
            raise ValueError(
                "MultiHeadAttention is built for sequences: samples of shape "
                f"(steps, features), got {input_shape}."
            )
        value_shape = input_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        d_query, d_value, d_key = input_shape[-1], value_shape[-1], key_shape[-1]
        d_out = d_query if self.output_shape is None else self.output_shape
        d_out = check_value(d_out, "output_shape", [POSITIVE_INT])
        self._rng = np.random.default_rng(rng)
        shapes = {
            "query": ((d_query, heads, key_dim), (heads, key_dim)),
            "key": ((d_key, heads, key_dim), (heads, key_dim)),
            "value": ((d_value, heads, value_dim), (heads, value_dim)),
            "output": ((heads, value_dim, d_out), (d_out,)),
        }
        self.params = {}
        for name, (kernel_shape, bias_shape) in shapes.items():
            self.add_kernel_and_bias(kernel_shape, bias_shape, self._rng, f"{name}_")
        self._value_dim = value_dim
        self.value_shape_, self.key_shape_ = value_shape, key_shape
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        d_out = input_shape[-1] if self.output_shape is None else self.output_shape
        return (input_shape[0], d_out)

    def compute_mask(self, X, mask=None):
        """The output keeps the query's padding mask (as Keras)."""
        return mask

    # --- the two ways in -------------------------------------------------------------

    def forward(self, X, training=False, mask=None):
        """Self-attention over ``X`` (batch, steps, features) with its padding
        ``mask`` (batch, steps); returns (batch, steps, output_shape)."""
        self._check_built()
        X = _check_sequences(self, X, depth=self.input_shape_[-1])
        mask = _check_mask(mask, X.shape[:2])
        if self.value_shape_[-1] != X.shape[-1] or self.key_shape_[-1] != X.shape[-1]:
            raise ValueError(
                "This layer was built for cross-attention (values or keys of another "
                "width than the queries): call it as layer(query, value, key)."
            )
        attention_mask = None
        if mask is not None:
            attention_mask = mask[:, :, None] & mask[:, None, :]  # (B, T, T)
        output = self._attend(X, X, X, attention_mask, training)
        self._self_attention = True
        return output

    def __call__(
        self,
        query,
        value,
        key=None,
        *,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=False,
        use_causal_mask=False,
    ):
        """Attention of ``query`` (batch, T, d_query) over ``value`` (batch, S,
        d_value) with keys ``key`` (``value`` if None), as Keras's ``call``.

        Masks: ``query_mask`` (batch, T), ``value_mask``/``key_mask`` (batch, S),
        ``attention_mask`` (batch, T, S), all True where allowed, and
        ``use_causal_mask`` (query i sees keys 0..i). Builds the layer (with an
        unseeded generator) on first use if it is not built.
        """
        query = _check_sequences(self, query, "query")
        value = _check_sequences(self, value, "value")
        key = None if key is None else _check_sequences(self, key, "key")
        if not self.built:
            key_shape = None if key is None else key.shape[1:]
            self.build(query.shape[1:], None, value.shape[1:], key_shape)
        _check_sequences(self, query, "query", self.input_shape_[-1])
        _check_sequences(self, value, "value", self.value_shape_[-1])
        if key is not None:
            _check_sequences(self, key, "key", self.key_shape_[-1])
            if key.shape[1] != value.shape[1]:
                raise ValueError(
                    f"key and value must have the same number of steps, got "
                    f"{key.shape[1]} and {value.shape[1]}."
                )
        if query.shape[0] != value.shape[0]:
            raise ValueError("query and value must have the same batch size.")
        batch, n_queries, n_keys = query.shape[0], query.shape[1], value.shape[1]
        combined = np.ones((batch, n_queries, n_keys), dtype=bool)
        if attention_mask is not None:
            combined &= _check_mask(attention_mask, combined.shape, "attention_mask")
        if query_mask is not None:
            combined &= _check_mask(query_mask, (batch, n_queries), "query_mask")[
                :, :, None
            ]
        for name, mask in (("value_mask", value_mask), ("key_mask", key_mask)):
            if mask is not None:
                combined &= _check_mask(mask, (batch, n_keys), name)[:, None, :]
        if use_causal_mask:
            combined &= causal_mask(n_queries, n_keys)[None]
        output = self._attend(
            query, value, value if key is None else key, combined, training
        )
        self._self_attention = False
        self._separate_key = key is not None
        if return_attention_scores:
            return output, self.attention_scores_
        return output

    # --- forward and backward --------------------------------------------------------

    def _project(self, X, name):
        """(batch, steps, d) -> (batch, heads, steps, size) with ``name``'s weights."""
        kernel = self.params[f"{name}_kernel"]  # (d, heads, size)
        d, heads, size = kernel.shape
        P = (X @ kernel.reshape(d, heads * size)).reshape(*X.shape[:2], heads, size)
        if self.use_bias:
            P = P + self.params[f"{name}_bias"]  # (batch, steps, heads, size)
        return P.transpose(0, 2, 1, 3)

    @staticmethod
    def _project_backward(X, grad, kernel):
        """dLoss/dKernel and dLoss/dX of ``_project``; ``grad`` is (batch, heads,
        steps, size). Both are one matrix product over every (sample, step) row."""
        d, heads, size = kernel.shape
        grad_rows = grad.transpose(0, 2, 1, 3).reshape(-1, heads * size)
        grad_kernel = (X.reshape(-1, d).T @ grad_rows).reshape(d, heads, size)
        grad_X = (grad_rows @ kernel.reshape(d, heads * size).T).reshape(X.shape)
        return grad_kernel, grad_X

    def _attend(self, query, value, key, attention_mask, training):
        Q = self._project(query, "query")  # (B, H, T, key_dim)
        K = self._project(key, "key")  # (B, H, S, key_dim)
        V = self._project(value, "value")  # (B, H, S, value_dim)
        mask = None if attention_mask is None else attention_mask[:, None]  # (B,1,T,S)
        scores = Q @ np.swapaxes(K, -1, -2) / math.sqrt(self.key_dim)  # (B, H, T, S)
        weights = masked_softmax(scores, mask)  # (B, H, T, S)
        keep = 1.0
        if training and self._rate > 0:
            keep = (self._rng.random(weights.shape) >= self._rate) / (1.0 - self._rate)
        dropped = weights * keep  # (B, H, T, S)
        heads = dropped @ V  # (B, H, T, value_dim)
        # Concatenate the heads of each step, then one product mixes them.
        concatenated = heads.transpose(0, 2, 1, 3).reshape(*query.shape[:2], -1)
        output_kernel = self.params["output_kernel"]  # (H, value_dim, d_out)
        output = concatenated @ output_kernel.reshape(-1, output_kernel.shape[-1])
        if self.use_bias:
            output = output + self.params["output_bias"]  # (B, T, d_out)
        self.attention_scores_ = weights
        self._cache = (query, value, key, Q, K, V, weights, keep, dropped, concatenated)
        return output

    def backward(self, grad_output):
        query, value, key, Q, K, V, weights, keep, dropped, concatenated = _cache_of(
            self
        )
        grad_output = np.asarray(grad_output, dtype=np.float64)  # (B, T, d_out)
        p = self.params
        heads, value_dim, d_out = p["output_kernel"].shape
        grad_rows = grad_output.reshape(-1, d_out)  # (B * T, d_out)
        self.grads["output_kernel"] = (
            concatenated.reshape(grad_rows.shape[0], -1).T @ grad_rows
        ).reshape(heads, value_dim, d_out)
        grad_heads = (
            (grad_output @ p["output_kernel"].reshape(-1, d_out).T)
            .reshape(*grad_output.shape[:2], heads, value_dim)
            .transpose(0, 2, 1, 3)
        )  # (B, H, T, value_dim)
        grad_V = np.swapaxes(dropped, -1, -2) @ grad_heads  # (B, H, S, value_dim)
        grad_weights = grad_heads @ np.swapaxes(V, -1, -2) * keep  # (B, H, T, S)
        grad_scores = masked_softmax_backward(weights, grad_weights) / math.sqrt(
            self.key_dim
        )
        grad_Q = grad_scores @ K  # (B, H, T, key_dim)
        grad_K = np.swapaxes(grad_scores, -1, -2) @ Q  # (B, H, S, key_dim)
        inputs = {}
        for name, X, grad in (
            ("query", query, grad_Q),
            ("key", key, grad_K),
            ("value", value, grad_V),
        ):
            self.grads[f"{name}_kernel"], inputs[name] = self._project_backward(
                X, grad, p[f"{name}_kernel"]
            )
            if self.use_bias:
                self.grads[f"{name}_bias"] = grad.sum(axis=(0, 2))
        if self.use_bias:
            self.grads["output_bias"] = grad_output.sum(axis=(0, 1))
        self.grads = {name: self.grads[name] for name in self.params}  # Keras's order
        if self._self_attention:
            return inputs["query"] + inputs["key"] + inputs["value"]
        if self._separate_key:
            return inputs["query"], inputs["value"], inputs["key"]
        return inputs["query"], inputs["value"] + inputs["key"], None

    def _check_built(self):
        if not self.built:
            raise RuntimeError(
                "MultiHeadAttention is not built yet: call build(input_shape, rng) "
                "first (a Sequential model does it), or call it as layer(query, value)."
            )

    def get_config(self):
        return {
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": self.output_shape,
            "kernel_initializer": self.kernel_initializer,
            "bias_initializer": self.bias_initializer,
        }


# --- LayerNormalization -------------------------------------------------------------


class LayerNormalization(Layer):
    """Normalise each sample's features (each step's, in a sequence) to mean 0 and
    variance 1, then scale by ``gamma`` and shift by ``beta``; Keras's
    ``LayerNormalization(axis=-1)``.

    Parameters
    ----------
    epsilon : float, default 1e-3
        Added to the variance (Keras's default).
    center, scale : bool, default True
        Whether to learn ``beta`` (zeros) and ``gamma`` (ones), of shape (features,).

    Notes
    -----
    For one vector ``x`` of ``n`` features, with ``mu`` its mean and ``s^2`` its
    (biased) variance::

        x_hat = (x - mu) / sqrt(s^2 + epsilon)        y = gamma * x_hat + beta

    Unlike batch normalisation, the statistics are the sample's own: the same in
    training and inference, nothing is kept, and padding in the batch changes
    nothing. The input gradient, with ``g = dLoss/dx_hat = dLoss/dy * gamma``::

        dLoss/dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(s^2 + epsilon)

    (the two means remove what the normalisation cannot pass: a shift of all
    features, and a scaling of ``x_hat``).

    References
    ----------
    Ba, Kiros and Hinton, "Layer normalization", arXiv:1607.06450, 2016.
    """

    supports_masking = True

    def __init__(self, epsilon=1e-3, center=True, scale=True):
        super().__init__()
        self.epsilon = epsilon
        self.center = center
        self.scale = scale

    def build(self, input_shape, rng):
        if (
            isinstance(self.epsilon, bool)
            or not isinstance(self.epsilon, numbers.Real)
            or not self.epsilon > 0
        ):
            raise ValueError(f"epsilon must be positive, got {self.epsilon!r}.")
        input_shape = tuple(input_shape)
        if len(input_shape) < 1 or not all(
            isinstance(n, numbers.Integral) and n >= 1 for n in input_shape
        ):
            raise ValueError(
                "LayerNormalization cannot be built for samples of shape "
                f"{input_shape}."
            )
        features = input_shape[-1]
        self.params = {}
        if self.scale:
            self.params["gamma"] = np.ones(features)
        if self.center:
            self.params["beta"] = np.zeros(features)
        super().build(input_shape, rng)

    def compute_mask(self, X, mask=None):
        return mask

    def forward(self, X, training=False, mask=None):
        if not self.built:
            raise RuntimeError("LayerNormalization is not built yet.")
        X = self.check_input(np.asarray(X, dtype=np.float64))
        mean = X.mean(axis=-1, keepdims=True)  # (..., 1)
        variance = X.var(axis=-1, keepdims=True)  # (..., 1), biased as Keras
        inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        X_hat = (X - mean) * inv_std  # (..., features)
        Y = X_hat
        if self.scale:
            Y = Y * self.params["gamma"]
        if self.center:
            Y = Y + self.params["beta"]
        self._cache = (X_hat, inv_std)
        return Y

    def backward(self, grad_output):
        X_hat, inv_std = _cache_of(self)
        grad_output = np.asarray(grad_output, dtype=np.float64)
        axes = tuple(range(grad_output.ndim - 1))  # every axis but the features
        grad_X_hat = grad_output
        if self.scale:
            self.grads["gamma"] = (grad_output * X_hat).sum(axis=axes)
            grad_X_hat = grad_output * self.params["gamma"]
        if self.center:
            self.grads["beta"] = grad_output.sum(axis=axes)
        mean_grad = grad_X_hat.mean(axis=-1, keepdims=True)
        mean_grad_x_hat = (grad_X_hat * X_hat).mean(axis=-1, keepdims=True)
        return (grad_X_hat - mean_grad - X_hat * mean_grad_x_hat) * inv_std

    def get_config(self):
        return {"epsilon": self.epsilon, "center": self.center, "scale": self.scale}


# --- positional encoding ------------------------------------------------------------


def positional_encoding(length, depth):
    """The sinusoidal positional encoding of Vaswani et al., shape (length, depth).

    ``PE[pos, 2i] = sin(pos / 10000^(2i / depth))`` and
    ``PE[pos, 2i + 1] = cos(pos / 10000^(2i / depth))``: each pair of features is a
    clock turning at its own speed, from once every 2 pi steps down to once every
    10000 * 2 pi, so every position gets its own pattern, and ``PE[pos + k]`` is a
    rotation of ``PE[pos]`` that depends on ``k`` only.
    """
    length = check_value(length, "length", [POSITIVE_INT])
    depth = check_value(depth, "depth", [POSITIVE_INT])
    positions = np.arange(length)[:, None]  # (length, 1)
    pair = np.arange(depth) // 2  # i for features 2i and 2i + 1
    angles = positions / np.power(10000.0, 2 * pair / depth)  # (length, depth)
    return np.where(np.arange(depth) % 2 == 0, np.sin(angles), np.cos(angles))


class PositionalEncoding(Layer):
    """Adds :func:`positional_encoding` to a sequence (batch, steps, depth).

    Attention on its own treats a sequence as a set: permuting the steps permutes the
    outputs. Adding a different vector at every position lets the layers above tell
    "the token after the marker" from "a token somewhere". No parameters; the mask
    passes through.

    Parameters
    ----------
    scale : float, default 1.0
        Factor of the encoding (some models use ``sqrt(depth)`` on the embedding
        instead).
    """

    supports_masking = True

    def __init__(self, scale=1.0):
        super().__init__()
        self.scale = scale

    def build(self, input_shape, rng):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                f"PositionalEncoding expects samples of shape (steps, depth), got "
                f"{input_shape}."
            )
        self.encoding_ = positional_encoding(*input_shape)
        super().build(input_shape, rng)

    def compute_mask(self, X, mask=None):
        return mask

    def forward(self, X, training=False, mask=None):
        if not self.built:
            raise RuntimeError("PositionalEncoding is not built yet.")
        X = self.check_input(np.asarray(X, dtype=np.float64))
        self._cache = True
        return X + self.scale * self.encoding_

    def backward(self, grad_output):
        _cache_of(self)  # a constant added: the gradient passes unchanged
        return np.asarray(grad_output, dtype=np.float64)

    def get_config(self):
        return {"scale": self.scale}


# --- a Transformer encoder block ----------------------------------------------------


class TransformerEncoder(Layer):
    """One block of a Transformer's encoder (post-norm, as the original paper)::

        A = LayerNorm(X + Dropout(MultiHeadAttention(X, X, mask)))
        Y = LayerNorm(A + Dropout(Dense(d, Dense(ff_dim, relu)(A))))

    Parameters
    ----------
    num_heads, key_dim : int
        Of the attention.
    ff_dim : int
        Width of the feed-forward layer's hidden layer.
    dropout : float, default 0.0
        Rate of the two dropout layers (on each sublayer's output, before the sum).
    epsilon : float, default 1e-6
        Of the two layer normalisations.

    Attributes
    ----------
    attention, norm1, dense1, dense2, norm2, dropout1, dropout2 : Layer
        The sublayers; ``params`` and ``grads`` hold their arrays (the same
        objects) under ``"attention.query_kernel"``, ``"norm1.gamma"``... so that an
        optimizer updates the sublayers in place.

    Notes
    -----
    The residual sums are why the block stacks well: the gradient reaches ``X``
    directly through each ``+ X``, whatever the sublayers do. The mask passes
    through (every position keeps its own output).

    References
    ----------
    Vaswani et al., "Attention is all you need", NeurIPS 2017, section 3.1.
    """

    supports_masking = True
    accepts_mask = True

    def __init__(self, num_heads, key_dim, ff_dim, dropout=0.0, epsilon=1e-6):
        super().__init__()
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.ff_dim = ff_dim
        self.dropout = dropout
        self.epsilon = epsilon

    def _sublayers(self):
        return {
            "attention": self.attention,
            "norm1": self.norm1,
            "dense1": self.dense1,
            "dense2": self.dense2,
            "norm2": self.norm2,
        }

    def build(self, input_shape, rng):
        input_shape = tuple(input_shape)
        check_value(self.ff_dim, "ff_dim", [POSITIVE_INT])
        rate = float(check_value(self.dropout, "dropout", [RATE]))
        rng = np.random.default_rng(rng)
        depth = input_shape[-1]
        self.attention = MultiHeadAttention(self.num_heads, self.key_dim)
        self.norm1 = LayerNormalization(epsilon=self.epsilon)
        self.dense1 = Dense(self.ff_dim, activation="relu")
        self.dense2 = Dense(depth)
        self.norm2 = LayerNormalization(epsilon=self.epsilon)
        self.dropout1, self.dropout2 = Dropout(rate), Dropout(rate)
        self.attention.build(input_shape, rng)
        for layer in (self.norm1, self.dropout1, self.dense1):
            layer.build(input_shape, rng)
        self.dense2.build((*input_shape[:-1], self.ff_dim), rng)
        for layer in (self.dropout2, self.norm2):
            layer.build(input_shape, rng)
        self.params = {
            f"{prefix}.{name}": array
            for prefix, layer in self._sublayers().items()
            for name, array in layer.params.items()
        }
        super().build(input_shape, rng)

    def compute_mask(self, X, mask=None):
        return mask

    def forward(self, X, training=False, mask=None):
        if not self.built:
            raise RuntimeError("TransformerEncoder is not built yet.")
        X = self.check_input(np.asarray(X, dtype=np.float64))
        attended = self.attention.forward(X, training=training, mask=mask)
        A = self.norm1.forward(X + self.dropout1.forward(attended, training), training)
        hidden = self.dense1.forward(A, training)
        fed = self.dense2.forward(hidden, training)
        self._cache = True
        return self.norm2.forward(A + self.dropout2.forward(fed, training), training)

    def backward(self, grad_output):
        _cache_of(self)
        grad_sum2 = self.norm2.backward(grad_output)  # dLoss/d(A + fed)
        grad_fed = self.dropout2.backward(grad_sum2)
        grad_A = grad_sum2 + self.dense1.backward(self.dense2.backward(grad_fed))
        grad_sum1 = self.norm1.backward(grad_A)  # dLoss/d(X + attended)
        grad_X = grad_sum1 + self.attention.backward(self.dropout1.backward(grad_sum1))
        self.grads = {
            f"{prefix}.{name}": layer.grads[name]
            for prefix, layer in self._sublayers().items()
            for name in layer.params
        }
        return grad_X

    def get_config(self):
        return {
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "ff_dim": self.ff_dim,
            "dropout": self.dropout,
            "epsilon": self.epsilon,
        }


# --- the guide's text model -------------------------------------------------------


def text_model(
    vocab_size,
    n_classes,
    *,
    embedding_dim=128,
    units=128,
    num_heads=8,
    key_dim=64,
    dense_units=64,
    dropout=0.2,
    recurrent_dropout=0.2,
    dense_dropout=0.5,
    mask_zero=True,
    random_state=None,
):
    """The text classifier of the "advanced algorithms" guide, from our layers::

        Embedding(vocab_size, 128, mask_zero=True)
        LSTM(128, return_sequences=True, dropout=0.2, recurrent_dropout=0.2)
        MultiHeadAttention(num_heads=8, key_dim=64)     # self-attention, masked
        GlobalAveragePooling1D()                         # mean of the real steps
        Dense(64, activation="relu")
        Dropout(0.5)
        Dense(n_classes, activation="softmax")

    The defaults are the guide's sizes; smaller ones train faster. Token 0 is
    padding: the embedding makes the mask, the LSTM skips the padded steps, the
    attention neither reads them nor lets them read, and the pooling leaves them
    out, so a sequence's prediction does not depend on its padding.
    """
    from scratchlearn.deep.model import Sequential
    from scratchlearn.deep.pooling import GlobalAveragePooling1D
    from scratchlearn.deep.recurrent import LSTM, Embedding

    return Sequential(
        [
            Embedding(vocab_size, embedding_dim, mask_zero=mask_zero),
            LSTM(
                units,
                return_sequences=True,
                dropout=dropout,
                recurrent_dropout=recurrent_dropout,
            ),
            MultiHeadAttention(num_heads=num_heads, key_dim=key_dim),
            GlobalAveragePooling1D(),
            Dense(dense_units, activation="relu"),
            Dropout(dense_dropout),
            Dense(n_classes, activation="softmax"),
        ],
        random_state=random_state,
    )
