"""Layers for sequences (Chapter 27): Embedding, SimpleRNN, LSTM, GRU and
Bidirectional, with masks for padded sequences and backpropagation through time.

A batch of sequences has shape ``(batch, timesteps, features)``; sequences of token
ids have shape ``(batch, timesteps)`` and go through :class:`Embedding` first. When
sequences of different lengths are padded with 0 to one length, the boolean mask
``(batch, timesteps)`` (True at a real step) tells the layers above which steps to
ignore: ``Embedding(mask_zero=True)`` makes it, a recurrent layer honours it (a
padded step changes neither the state nor any gradient), and
:class:`~scratchlearn.deep.model.Sequential` carries it from layer to layer (see
:mod:`scratchlearn.deep.base`).

The parameters have Keras's names, shapes and gate orders, so weights copy 1:1 and
the tests hold every output and gradient to TensorFlow's.
"""

import numpy as np

from scratchlearn.deep.base import Layer
from scratchlearn.deep.layers import _cache_of, _check_input_shape, _check_positive_int

__all__ = ["Embedding"]


# GENERAL: belongs in scratchlearn.deep.initializers
def random_uniform(shape, rng, minval=-0.05, maxval=0.05):
    """Keras's ``RandomUniform`` with its defaults, U(-0.05, 0.05) (embeddings)."""
    return rng.uniform(minval, maxval, size=shape)


# --- Embedding ---------------------------------------------------------------------


class Embedding(Layer):
    """A lookup table: token id ``i`` becomes row ``i`` of ``embeddings``.

    Parameters
    ----------
    input_dim : int
        Size of the vocabulary: ids are integers in ``[0, input_dim)``. With
        ``mask_zero=True`` id 0 is padding, so a vocabulary of n words needs
        ``input_dim = n + 1``.
    output_dim : int
        Length of each token's vector.
    mask_zero : bool, default False
        Make the mask ``X != 0`` for the layers above (0 is the padding id).
    embeddings_initializer : callable ``(shape, rng) -> array``, optional
        Keras's default, U(-0.05, 0.05), if None.

    Inputs ``(batch, timesteps)`` of integer ids (floats holding exact integers are
    accepted: :class:`~scratchlearn.deep.model.Sequential` stores every input as
    float64, which holds every id below 2**53 exactly) give ``(batch, timesteps,
    output_dim)``. Parameter: ``embeddings`` of shape ``(input_dim, output_dim)``.

    Notes
    -----
    The lookup is the product of a one-hot row with the table,
    :math:`y_t = \\mathrm{onehot}(x_t)^\\top E`, so the gradient of row :math:`i`
    of :math:`E` is the sum of the upstream gradients of every position holding id
    :math:`i` (a scatter-add). The ids are not differentiable: the gradient returned
    for them is 0.

    References
    ----------
    Bengio, Y., Ducharme, R., Vincent, P. and Jauvin, C. (2003). A neural
    probabilistic language model. JMLR 3, 1137-1155.
    """

    def __init__(
        self, input_dim, output_dim, *, mask_zero=False, embeddings_initializer=None
    ):
        super().__init__()
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero
        self.embeddings_initializer = embeddings_initializer

    def build(self, input_shape, rng):
        _check_positive_int(self.input_dim, "input_dim")
        _check_positive_int(self.output_dim, "output_dim")
        if not isinstance(self.mask_zero, bool | np.bool_):
            raise ValueError(
                f"mask_zero must be True or False, got {self.mask_zero!r}."
            )
        input_shape = _check_input_shape(self, input_shape)
        rng = np.random.default_rng(rng)
        init = self.embeddings_initializer or random_uniform
        shape = (self.input_dim, self.output_dim)
        self.params["embeddings"] = np.asarray(init(shape, rng), dtype=np.float64)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def _ids(self, X):
        """``X`` as int64 ids, after checking that they are exact integers in range."""
        if not self.built:
            raise RuntimeError(
                "Embedding is not built yet: call build(input_shape, rng) first "
                "(a Sequential model does it)."
            )
        X = self.check_input(X)
        if not np.issubdtype(X.dtype, np.integer):
            try:
                X = np.asarray(X, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"Embedding expects integer token ids; got dtype {X.dtype}."
                ) from None
            if not np.all(np.isfinite(X)) or np.any(X != np.round(X)):
                bad = X[~np.isfinite(X) | (X != np.round(X))].ravel()[0]
                raise ValueError(
                    "Embedding expects integer token ids; got a value that is not "
                    f"a whole number ({bad!r}). Pass the ids themselves, not "
                    "features or scaled values."
                )
        ids = X.astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            raise ValueError(
                f"Token ids must be in [0, input_dim) = [0, {self.input_dim}); got "
                f"ids from {ids.min()} to {ids.max()}. Raise input_dim to the "
                "vocabulary size (+1 with mask_zero: 0 is padding)."
            )
        return ids

    def forward(self, X, training=False):
        ids = self._ids(X)  # (batch, timesteps)
        self._cache = ids
        return self.params["embeddings"][ids]  # (batch, timesteps, output_dim)

    def backward(self, grad_output):
        ids = _cache_of(self)
        grad_output = np.asarray(grad_output, dtype=np.float64)
        grad = np.zeros_like(self.params["embeddings"])
        # Scatter-add: a repeated id collects the gradient of every position it is at.
        np.add.at(grad, ids.ravel(), grad_output.reshape(-1, self.output_dim))
        self.grads["embeddings"] = grad
        return np.zeros(ids.shape)  # ids are not differentiable

    def compute_mask(self, X, mask=None):
        """``X != 0`` with ``mask_zero=True`` (0 is padding), else no mask."""
        if not self.mask_zero:
            return None
        return np.asarray(X) != 0  # (batch, timesteps)

    def get_config(self):
        return {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "mask_zero": self.mask_zero,
        }
