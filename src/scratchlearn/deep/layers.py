"""The dense building blocks of a network (Chapters 23-25): Dense, Activation,
Dropout, BatchNormalization, Flatten and Reshape.

Every layer follows :class:`scratchlearn.deep.base.Layer`: hyperparameters in
``__init__``, parameters created in ``build(input_shape, rng)``, and the forward
and backward passes side by side. The parameters have Keras's names and layouts
(``kernel`` of shape ``(n_in, units)``, ``bias``, ``gamma``, ``beta``, the running
statistics ``moving_mean`` and ``moving_variance``), so weights copy 1:1 between
the two libraries, and the tests hold every output and gradient to TensorFlow's.

Convention for the backward pass: ``grad_output`` is the gradient of the *batch
mean* of the loss (what :mod:`scratchlearn.deep.losses` returns), so the parameter
gradients below are sums over the batch, never means.
"""

import math
import numbers

import numpy as np

from scratchlearn.deep import activations
from scratchlearn.deep.base import Layer
from scratchlearn.utils.validation import POSITIVE_INT, RATE, check_value

__all__ = [
    "Activation",
    "BatchNormalization",
    "Dense",
    "Dropout",
    "Flatten",
    "Reshape",
]


# --- shared checks -----------------------------------------------------------------


def _as_generator(rng):
    """``rng`` as a NumPy Generator: a Generator is used as is (so the model's seed
    governs every layer), an int seeds a new one, ``None`` gives an unseeded one."""
    return np.random.default_rng(rng)


def _check_forward_input(layer, X):
    """The input of ``layer.forward`` as float64, after ``Layer.check_input``."""
    if not layer.built:
        raise RuntimeError(
            f"{type(layer).__name__} is not built yet: call "
            "build(input_shape, rng) first (a Sequential model does it)."
        )
    return layer.check_input(np.asarray(X, dtype=np.float64))


def _cache_of(layer):
    """What the last forward pass kept for the backward pass."""
    cache = getattr(layer, "_cache", None)
    if cache is None:
        raise RuntimeError(
            f"{type(layer).__name__}.backward needs a forward pass first."
        )
    return cache


def _check_input_shape(layer, input_shape, *, min_ndim=1):
    input_shape = tuple(input_shape)
    if len(input_shape) < min_ndim or not all(
        isinstance(n, numbers.Integral) and n >= 1 for n in input_shape
    ):
        raise ValueError(
            f"{type(layer).__name__} cannot be built for samples of shape "
            f"{input_shape}: it needs at least {min_ndim} positive dimension(s)."
        )
    return tuple(int(n) for n in input_shape)


# --- Dense -------------------------------------------------------------------------


class Dense(Layer):
    """Fully connected layer: ``activation(X @ kernel + bias)``.

    Parameters
    ----------
    units : int
        Number of outputs.
    activation : str or None
        A name from :mod:`scratchlearn.deep.activations` (``"relu"``, ``"softmax"``...);
        ``None`` is linear.
    use_bias : bool
    kernel_initializer, bias_initializer : str or callable
        Names from :mod:`scratchlearn.deep.initializers`, or functions
        ``(shape, rng) -> array``.

    Inputs of shape ``(batch, n_in)`` give ``(batch, units)``; like Keras, higher
    inputs ``(batch, ..., n_in)`` are transformed along their last axis.
    Parameters: ``kernel`` of shape ``(n_in, units)`` and ``bias`` of ``(units,)``.
    """

    supports_masking = True  # works step by step: a padded step stays padded

    def __init__(
        self,
        units,
        *,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
    ):
        super().__init__()
        self.units = units
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    def build(self, input_shape, rng):
        check_value(self.units, "units", [POSITIVE_INT])
        input_shape = _check_input_shape(self, input_shape)
        self._activation = activations.get(self.activation)
        rng = _as_generator(rng)
        self.add_kernel_and_bias((input_shape[-1], self.units), (self.units,), rng)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        Z = X @ self.params["kernel"]
        if self.use_bias:
            Z = Z + self.params["bias"]
        Y = self._activation.forward(Z)
        self._cache = (X, Z, Y)
        return Y

    def backward(self, grad_output):
        X, Z, Y = _cache_of(self)
        dZ = self._activation.backward(Z, Y, np.asarray(grad_output, dtype=np.float64))
        # Every row of every sample contributes x^T dz to the kernel's gradient.
        X_rows = X.reshape(-1, X.shape[-1])
        dZ_rows = dZ.reshape(-1, self.units)
        self.grads["kernel"] = X_rows.T @ dZ_rows
        if self.use_bias:
            self.grads["bias"] = dZ_rows.sum(axis=0)
        return dZ @ self.params["kernel"].T

    def get_config(self):
        return {
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": self.kernel_initializer,
            "bias_initializer": self.bias_initializer,
        }


# --- Activation --------------------------------------------------------------------


class Activation(Layer):
    """Applies an activation function, by name (see
    :mod:`scratchlearn.deep.activations`); no parameters."""

    supports_masking = True  # works step by step: a padded step stays padded

    def __init__(self, activation):
        super().__init__()
        self.activation = activation

    def build(self, input_shape, rng):
        self._activation = activations.get(self.activation)
        super().build(_check_input_shape(self, input_shape, min_ndim=0), rng)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        Y = self._activation.forward(X)
        self._cache = (X, Y)
        return Y

    def backward(self, grad_output):
        X, Y = _cache_of(self)
        return self._activation.backward(
            X, Y, np.asarray(grad_output, dtype=np.float64)
        )

    def get_config(self):
        return {"activation": self.activation}


# --- Dropout -----------------------------------------------------------------------


class Dropout(Layer):
    """Inverted dropout: in training, zero each value with probability ``rate`` and
    scale the kept ones by 1 / (1 - rate); at inference, the identity.

    The scaling keeps every value's expectation unchanged,
    E[y] = (1 - rate) * x / (1 - rate) = x, so the next layer sees inputs of the same
    size in training and at inference and nothing needs rescaling afterwards.
    The masks are drawn from the generator passed to ``build`` (the model's), so a
    seeded model drops the same units on every run.
    """

    supports_masking = True  # works step by step: a padded step stays padded

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def build(self, input_shape, rng):
        check_value(self.rate, "rate", [RATE])  # the fraction of values dropped
        self._rng = _as_generator(rng)
        super().build(_check_input_shape(self, input_shape, min_ndim=0), rng)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        if training and self.rate > 0:
            keep = self._rng.random(X.shape) >= self.rate
            self._cache = keep / (1.0 - self.rate)
            return X * self._cache
        self._cache = 1.0  # identity: the gradient passes unchanged
        return X

    def backward(self, grad_output):
        return np.asarray(grad_output, dtype=np.float64) * _cache_of(self)

    def get_config(self):
        return {"rate": self.rate}


# --- BatchNormalization ------------------------------------------------------------


class BatchNormalization(Layer):
    """Normalise each feature (each channel of an image) to mean 0 and variance 1
    over the batch, then scale by ``gamma`` and shift by ``beta``.

    Statistics are taken over every axis but the last: over the batch for inputs
    ``(batch, features)``, and over the batch *and* the pixels for images
    ``(batch, height, width, channels)``, one mean and variance per channel.

    * Training: ``y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta`` with the
      batch's mean and (biased, divided by n) variance, as Keras; then the running
      statistics move towards them:
      ``moving = moving * momentum + batch_statistic * (1 - momentum)``.
    * Inference: the same formula with ``moving_mean`` and ``moving_variance``.

    Parameters ``gamma`` (ones; absent if ``scale=False``) and ``beta`` (zeros; absent
    if ``center=False``); state ``moving_mean`` (zeros) and ``moving_variance`` (ones).
    """

    def __init__(self, *, momentum=0.99, epsilon=1e-3, center=True, scale=True):
        super().__init__()
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale

    def build(self, input_shape, rng):
        if (
            isinstance(self.momentum, bool)
            or not isinstance(self.momentum, numbers.Real)
            or not 0 <= self.momentum <= 1
        ):
            raise ValueError(f"momentum must be in [0, 1], got {self.momentum!r}.")
        if (
            isinstance(self.epsilon, bool)
            or not isinstance(self.epsilon, numbers.Real)
            or not self.epsilon > 0
        ):
            raise ValueError(f"epsilon must be positive, got {self.epsilon!r}.")
        input_shape = _check_input_shape(self, input_shape)
        channels = input_shape[-1]
        if self.scale:
            self.params["gamma"] = np.ones(channels)
        if self.center:
            self.params["beta"] = np.zeros(channels)
        self.state["moving_mean"] = np.zeros(channels)
        self.state["moving_variance"] = np.ones(channels)
        super().build(input_shape, rng)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        axes = tuple(range(X.ndim - 1))  # all but the channels
        if training:
            mean = X.mean(axis=axes)
            variance = X.var(axis=axes)  # biased (divided by n), as Keras
            # Keras's update of the running statistics, in place.
            m = self.momentum
            moving_mean = self.state["moving_mean"]
            moving_variance = self.state["moving_variance"]
            moving_mean[...] = moving_mean * m + mean * (1.0 - m)
            moving_variance[...] = moving_variance * m + variance * (1.0 - m)
        else:
            mean = self.state["moving_mean"]
            variance = self.state["moving_variance"]
        inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        X_hat = (X - mean) * inv_std
        Y = X_hat
        if self.scale:
            Y = Y * self.params["gamma"]
        if self.center:
            Y = Y + self.params["beta"]
        self._cache = (X_hat, inv_std, axes, training)
        return Y

    def backward(self, grad_output):
        X_hat, inv_std, axes, training = _cache_of(self)
        grad_output = np.asarray(grad_output, dtype=np.float64)
        grad_X_hat = grad_output
        if self.scale:
            self.grads["gamma"] = (grad_output * X_hat).sum(axis=axes)
            grad_X_hat = grad_output * self.params["gamma"]
        if self.center:
            self.grads["beta"] = grad_output.sum(axis=axes)
        if not training:
            # Fixed statistics: an affine map of x, element by element.
            return grad_X_hat * inv_std
        # In training, mean and variance depend on every x of the channel too.
        # Differentiating x_hat = (x - mean) * inv_std through both gives, per channel,
        # dx = inv_std * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)).
        return inv_std * (
            grad_X_hat
            - grad_X_hat.mean(axis=axes)
            - X_hat * (grad_X_hat * X_hat).mean(axis=axes)
        )

    def get_config(self):
        return {
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
        }


# --- Flatten and Reshape -----------------------------------------------------------


class Flatten(Layer):
    """``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)``; no parameters."""

    def build(self, input_shape, rng):
        super().build(_check_input_shape(self, input_shape, min_ndim=0), rng)

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        self._cache = X.shape
        return X.reshape(X.shape[0], -1)

    def backward(self, grad_output):
        return np.reshape(grad_output, _cache_of(self))


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (without the batch dimension, as
    Keras); one entry may be -1, inferred from the others."""

    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = target_shape

    def build(self, input_shape, rng):
        super().build(_check_input_shape(self, input_shape, min_ndim=0), rng)

    def compute_output_shape(self, input_shape):
        try:
            target = tuple(int(n) for n in self.target_shape)
        except (TypeError, ValueError):
            raise ValueError(
                f"target_shape must be a tuple of ints, got {self.target_shape!r}."
            ) from None
        size = math.prod(input_shape)
        unknown = [i for i, n in enumerate(target) if n == -1]
        known = math.prod(n for n in target if n != -1)
        if len(unknown) > 1 or any(n < 1 and n != -1 for n in target):
            raise ValueError(
                f"target_shape {target} is invalid: positive sizes and at most one -1."
            )
        if unknown and known and size % known == 0:
            target = tuple(size // known if n == -1 else n for n in target)
        if math.prod(target) != size or -1 in target:
            raise ValueError(
                f"Cannot reshape samples of shape {tuple(input_shape)} ({size} values) "
                f"to {tuple(self.target_shape)}."
            )
        return target

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        self._cache = X.shape
        return X.reshape((X.shape[0], *self.output_shape_))

    def backward(self, grad_output):
        return np.reshape(grad_output, _cache_of(self))

    def get_config(self):
        return {"target_shape": self.target_shape}
