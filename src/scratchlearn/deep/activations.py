"""Activation functions and their derivatives, side by side (Chapter 23).

Each element-wise activation ``f`` comes with ``f_derivative(x, y=None)``, the
derivative f'(x) evaluated element by element (``y = f(x)`` may be passed when it is
already known, which saves recomputing it). The backward pass of an element-wise
activation is then ``grad_input = grad_output * f_derivative(x, y)``.

Softmax is not element-wise: each output depends on every input of its row, so its
derivative is a Jacobian matrix per sample. :func:`softmax_backward` multiplies the
upstream gradient by that Jacobian without ever forming it.

Every function matches ``keras.activations`` numerically, and each is available by
name (``"relu"``, ``"softmax"``...) to :class:`~scratchlearn.deep.layers.Activation`
and to ``Dense(..., activation=name)`` through :func:`get`.
"""

from typing import NamedTuple

import numpy as np

# One implementation of each, shared with the estimators (numerically safe at +-1000).
from scratchlearn.numerics import sigmoid, softmax

# Keras's constants for SELU (Klambauer et al., 2017), to the digits Keras uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
# keras.activations.leaky_relu's default slope for x < 0 (the LeakyReLU *layer*
# defaults to 0.3; ``Activation("leaky_relu")`` in Keras uses the function's 0.2).
LEAKY_RELU_SLOPE = 0.2


# --- identity ----------------------------------------------------------------------


def linear(x):
    """The identity, f(x) = x: what ``activation=None`` means."""
    return np.asarray(x, dtype=np.float64)


def linear_derivative(x, y=None):
    return np.ones_like(x, dtype=np.float64)


# --- rectified linear units --------------------------------------------------------


def relu(x):
    """f(x) = max(x, 0)."""
    return np.maximum(x, 0.0)


def relu_derivative(x, y=None):
    """1 where x > 0, else 0 (0 at x = 0 exactly, as TensorFlow)."""
    return (np.asarray(x) > 0).astype(np.float64)


def leaky_relu(x, negative_slope=LEAKY_RELU_SLOPE):
    """f(x) = x for x >= 0, negative_slope * x below (negative inputs keep a
    gradient)."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, x, negative_slope * x)


def leaky_relu_derivative(x, y=None, negative_slope=LEAKY_RELU_SLOPE):
    return np.where(np.asarray(x) > 0, 1.0, negative_slope)


def elu(x, alpha=1.0):
    """f(x) = x for x > 0, alpha * (exp(x) - 1) below (``expm1`` keeps small x
    exact)."""
    x = np.asarray(x, dtype=np.float64)
    # exp of the negative part only: no overflow warning for large positive x.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_derivative(x, y=None, alpha=1.0):
    """1 for x >= 0, alpha * exp(x) = f(x) + alpha below (TensorFlow's convention
    at 0)."""
    x = np.asarray(x, dtype=np.float64)
    if y is None:
        y = elu(x, alpha)
    return np.where(x < 0, y + alpha, 1.0)


def selu(x):
    """Scaled ELU: scale * elu(x, alpha) with the self-normalising constants."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_derivative(x, y=None):
    x = np.asarray(x, dtype=np.float64)
    if y is None:
        y = selu(x)
    # Below 0: d/dx scale * alpha * (exp(x) - 1) = scale * alpha * exp(x)
    #                                             = y + scale * alpha.
    return np.where(x < 0, y + SELU_SCALE * SELU_ALPHA, SELU_SCALE)


# --- squashing functions -----------------------------------------------------------


def sigmoid_derivative(x, y=None):
    """f'(x) = f(x) (1 - f(x))."""
    if y is None:
        y = sigmoid(x)
    return y * (1.0 - y)


def tanh(x):
    return np.tanh(x)


def tanh_derivative(x, y=None):
    """f'(x) = 1 - tanh(x)^2."""
    if y is None:
        y = np.tanh(x)
    return 1.0 - y**2


def softplus(x):
    """f(x) = log(1 + exp(x)), a smooth ReLU, computed without overflow.

    log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)), whose exponential is at most 1.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softplus_derivative(x, y=None):
    """f'(x) = sigmoid(x)."""
    return sigmoid(x)


# --- softmax -----------------------------------------------------------------------


def softmax_backward(y, grad_output):
    """dLoss/dx from dLoss/dy for y = softmax(x), over the last axis.

    The Jacobian of one row is J = diag(y) - y y^T, so
    grad_x = J^T g = y * g - y (y . g) = y * (g - sum(g * y)),
    the same for every row at once and without building J.
    """
    dot = np.sum(grad_output * y, axis=-1, keepdims=True)
    return y * (grad_output - dot)


# --- lookup by name ----------------------------------------------------------------


class ActivationFunction(NamedTuple):
    """An activation as the layers use it: ``forward(x) -> y`` and
    ``backward(x, y, grad_output) -> grad_input``."""

    name: str
    forward: object
    backward: object


def _elementwise(name, function, derivative):
    def backward(x, y, grad_output):
        return grad_output * derivative(x, y)

    return ActivationFunction(name, function, backward)


ACTIVATIONS = {
    "linear": _elementwise("linear", linear, linear_derivative),
    "relu": _elementwise("relu", relu, relu_derivative),
    "leaky_relu": _elementwise("leaky_relu", leaky_relu, leaky_relu_derivative),
    "elu": _elementwise("elu", elu, elu_derivative),
    "selu": _elementwise("selu", selu, selu_derivative),
    "sigmoid": _elementwise("sigmoid", sigmoid, sigmoid_derivative),
    "tanh": _elementwise("tanh", tanh, tanh_derivative),
    "softplus": _elementwise("softplus", softplus, softplus_derivative),
    "softmax": ActivationFunction(
        "softmax", softmax, lambda x, y, grad_output: softmax_backward(y, grad_output)
    ),
}


def get(name):
    """The :class:`ActivationFunction` called ``name`` (``None`` means linear).

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if name is None:
        name = "linear"
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {name!r}; use one of {sorted(ACTIVATIONS)} or None."
        )
    return ACTIVATIONS[name]
