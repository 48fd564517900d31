"""Global pooling (Chapter 28 explains this code): a whole sequence or a whole image
summed up in one vector, by the mean or the maximum of each feature.

* ``GlobalAveragePooling1D``: (batch, steps, features) -> (batch, features), the mean
  over the *real* steps when a padding mask comes with the input, as Keras's;
* ``GlobalMaxPooling1D``: the maximum over the steps (Keras's ignores the mask);
* ``GlobalAveragePooling2D`` and ``GlobalMaxPooling2D``: (batch, height, width,
  channels) -> (batch, channels), the head of the guide's image model in place of
  Flatten (a few numbers per channel instead of one weight per pixel).

No parameters. The maximum's gradient goes to the position of the maximum; where
several positions tie it is shared equally among them, as TensorFlow's.
"""

import numpy as np

from scratchlearn.deep.base import Layer

__all__ = [
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
]


class _GlobalPooling(Layer):
    """Pools every axis between the batch and the features (``_ndim`` of them)."""

    _ndim = 1

    def build(self, input_shape, rng):
        input_shape = tuple(input_shape)
        if len(input_shape) != self._ndim + 1 or min(input_shape, default=0) < 1:
            expected = (
                "(steps, features)" if self._ndim == 1 else "(rows, cols, channels)"
            )
            raise ValueError(
                f"{type(self).__name__} expects samples of shape {expected}, got "
                f"{input_shape}."
            )
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (input_shape[-1],)

    def compute_mask(self, X, mask=None):
        return None  # the steps are gone, and their mask with them

    @property
    def _axes(self):
        return tuple(range(1, self._ndim + 1))

    def _checked(self, X):
        if not self.built:
            raise RuntimeError(f"{type(self).__name__} is not built yet.")
        return self.check_input(np.asarray(X, dtype=np.float64))

    def _cache_of(self):
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward needs a forward pass first."
            )
        return cache


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps, (batch, steps, features) -> (batch, features).

    With a padding ``mask`` (batch, steps), the mean of the real steps only::

        y = sum_t m_t x_t / sum_t m_t

    so that a sentence's summary does not depend on how much padding follows it.
    A sample with no real step gives zeros (Keras's gives NaN, 0 / 0).
    """

    supports_masking = True
    accepts_mask = True

    def forward(self, X, training=False, mask=None):
        X = self._checked(X)
        if mask is None:
            weights = np.full(X.shape[:2], 1.0 / X.shape[1])  # (batch, steps)
        else:
            mask = np.asarray(mask, dtype=np.float64)
            if mask.shape != X.shape[:2]:
                raise ValueError(
                    f"mask must have shape {X.shape[:2]}, got {mask.shape}."
                )
            counts = np.maximum(mask.sum(axis=1, keepdims=True), 1.0)  # (batch, 1)
            weights = mask / counts  # (batch, steps), each row sums to 1 (or 0)
        self._cache = weights
        return np.einsum("bt,btf->bf", weights, X)

    def backward(self, grad_output):
        weights = self._cache_of()
        return weights[:, :, None] * np.asarray(grad_output)[:, None, :]


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over rows and columns, (batch, rows, cols, channels) -> (batch,
    channels)."""

    _ndim = 2

    def forward(self, X, training=False):
        X = self._checked(X)
        self._cache = X.shape
        return X.mean(axis=self._axes)

    def backward(self, grad_output):
        shape = self._cache_of()
        n = shape[1] * shape[2]
        grad = np.asarray(grad_output, dtype=np.float64)[:, None, None, :] / n
        return np.broadcast_to(grad, shape).copy()


class _GlobalMax(_GlobalPooling):
    def forward(self, X, training=False):
        X = self._checked(X)
        Y = X.max(axis=self._axes)  # (batch, features)
        expanded = Y.reshape(Y.shape[0], *([1] * self._ndim), Y.shape[-1])
        winners = (X == expanded).astype(np.float64)  # 1 at each maximum
        # Ties share the gradient, as TensorFlow's reduce_max.
        self._cache = winners / winners.sum(axis=self._axes, keepdims=True)
        return Y

    def backward(self, grad_output):
        share = self._cache_of()
        grad = np.asarray(grad_output, dtype=np.float64)
        return share * grad.reshape(grad.shape[0], *([1] * self._ndim), grad.shape[-1])


class GlobalMaxPooling1D(_GlobalMax):
    """Maximum over the steps, (batch, steps, features) -> (batch, features).

    Like Keras's, it ignores a padding mask (and ends it): a padded step whose
    features are larger than the real ones' wins the maximum. Pad after a layer
    that zeroes padded outputs, or use the mask-aware mean.
    """

    supports_masking = True  # takes the mask without a warning, and drops it

    _ndim = 1


class GlobalMaxPooling2D(_GlobalMax):
    """Maximum over rows and columns, (batch, rows, cols, channels) -> (batch,
    channels)."""

    _ndim = 2
