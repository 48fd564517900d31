"""Gradient checking: a layer's or a model's backward pass against finite differences
(Chapter 23 explains this code).

A backward pass is hand-written calculus, and a wrong one fails silently: the network
still trains, only worse. The check needs nothing but the forward pass. For a scalar
function ``f`` of an array ``x``, the central difference

    (f(x + h e_i) - f(x - h e_i)) / (2 h)

approximates df/dx_i with an error of order h^2 (the terms in h, h^3... cancel
between the two sides). Comparing it with the analytic gradient, for the input and
every parameter, catches a wrong formula at once.

Only deterministic computations can be checked this way: a layer that draws random
numbers in its forward pass (dropout in training) gives a different function at every
call. Check it in inference mode, or with its randomness fixed.
"""

import numpy as np

from scratchlearn.deep import losses as losses_module

__all__ = [
    "check_layer_gradients",
    "check_model_gradients",
    "numerical_gradient",
    "relative_error",
]


def numerical_gradient(f, x, epsilon=1e-6):
    """Central differences of the scalar ``f()`` with respect to the array ``x``.

    Parameters
    ----------
    f : callable
        Takes no argument and returns a number; it must read ``x`` (the very array,
        not a copy), so that changing ``x`` changes ``f()``.
    x : ndarray of float64
        Changed in place, one element at a time, and restored afterwards.
    epsilon : float, default 1e-6
        The step h. Smaller steps cut the truncation error (order h^2) but raise the
        rounding error (order machine epsilon / h); in float64, h around 1e-6 to
        1e-5 balances the two.

    Returns
    -------
    ndarray of the shape of ``x``
        (f(x + h e_i) - f(x - h e_i)) / (2 h) for every element i.

    Notes
    -----
    It costs two evaluations of ``f`` per element of ``x``: fine for checking a small
    network, far too slow to train one (backpropagation gets every gradient for the
    price of about two forward passes).
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + epsilon
        f_plus = f()
        x[index] = original - epsilon
        f_minus = f()
        x[index] = original  # restored before the next element is moved
        grad[index] = (f_plus - f_minus) / (2.0 * epsilon)
    return grad


def relative_error(analytic, numeric):
    """How far two gradient arrays are apart, relative to their size:

        max_i |a_i - n_i| / (max_i |a_i| + max_i |n_i|)

    0 for equal arrays (also when both are zero), 1 for opposite ones; about 1e-9 or
    less for a correct backward pass checked in float64, above 1e-3 for a wrong
    formula. Normalising by the array's largest entry, not entry by entry, keeps
    entries that are 0 up to rounding (a dead ReLU's) from dominating.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"The gradients have different shapes: {analytic.shape} (analytic) and "
            f"{numeric.shape} (numeric)."
        )
    if analytic.size == 0:
        return 0.0
    scale = np.max(np.abs(analytic)) + np.max(np.abs(numeric))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)


def check_layer_gradients(layer, X, *, training=False, epsilon=1e-6, random_state=0):
    """Compare ``layer.backward`` with finite differences, for the input and every
    parameter; returns the :func:`relative_error` of each.

    The layer must be built. The scalar that is differentiated is
    ``sum(layer.forward(X) * R)`` for a fixed random array ``R``: its gradient with
    respect to the output is exactly ``R``, so ``backward(R)`` must return its gradient
    with respect to ``X`` and leave the parameters' gradients in ``layer.grads``.

    Parameters
    ----------
    layer : Layer
        A built layer (``layer.build(input_shape, rng)``).
    X : array of shape (batch, *layer.input_shape_)
    training : bool, default False
        The mode of the forward passes. Layers that draw random numbers in training
        (dropout) can only be checked with ``training=False``.
    epsilon : float, default 1e-6
        Step of :func:`numerical_gradient`.
    random_state : int, default 0
        Seed of ``R``.

    Returns
    -------
    dict of str to float
        ``{"X": ..., "<parameter name>": ...}``, e.g. ``{"X": 3e-11, "kernel": 2e-11,
        "bias": 1e-11}`` for a dense layer.

    Notes
    -----
    The layer's parameters are moved and restored in place: after the check they hold
    the same values, and ``layer.grads`` holds the analytic gradients at ``X``.
    """
    X = np.array(X, dtype=np.float64)  # a copy: the caller's X is never moved
    Y = layer.forward(X, training=training)
    R = np.random.default_rng(random_state).normal(size=Y.shape)  # dLoss/dOutput

    def loss():
        return float(np.sum(layer.forward(X, training=training) * R))

    layer.forward(X, training=training)
    grads = {"X": layer.backward(R)}
    grads.update({name: layer.grads[name].copy() for name in layer.params})
    errors = {"X": relative_error(grads["X"], numerical_gradient(loss, X, epsilon))}
    for name, param in layer.params.items():
        numeric = numerical_gradient(loss, param, epsilon)
        errors[name] = relative_error(grads[name], numeric)
    # Leave the layer as a training step would: its grads at the unmoved point.
    layer.forward(X, training=training)
    layer.backward(R)
    return errors


def check_model_gradients(model, X, y, *, loss=None, epsilon=1e-6):
    """Compare backpropagation through a whole :class:`~scratchlearn.deep.Sequential`
    model with finite differences of its loss; returns the :func:`relative_error` of
    the input's gradient and of every parameter's.

    Parameters
    ----------
    model : Sequential
        A built model (``model.build(input_shape)``, or after ``fit``) without layers
        that draw random numbers in training (dropout with ``rate > 0``).
    X : array of shape (batch, *model.input_shape_)
    y : array
        Targets in the form ``loss`` expects.
    loss : Loss or str, optional
        The loss to differentiate; by default the model's (set by ``compile``).
    epsilon : float, default 1e-6
        Step of :func:`numerical_gradient`.

    Returns
    -------
    dict of str to float
        ``{"X": ..., "dense/kernel": ..., "dense/bias": ..., "dense_1/kernel": ...}``,
        named as in ``model.summary()``.

    Notes
    -----
    The backward pass is the chain rule, layer by layer from the top: each layer
    receives dLoss/dOutput and returns dLoss/dInput for the layer below, exactly as
    in :meth:`Sequential.compute_gradients`. The forward passes run in training mode,
    as in a training step.
    """
    if loss is None:
        loss = model.loss
        if loss is None:
            raise ValueError("Pass a loss, or compile the model first.")
    loss = losses_module.get(loss)
    X = np.array(X, dtype=np.float64)
    if not model.built:
        model.build(X.shape[1:])

    def forward():
        output = X
        for layer in model.layers:
            output = layer.forward(output, training=True)
        return output

    def loss_value():
        return loss.loss(y, forward())

    grad = loss.gradient(y, forward())  # dLoss/dOutput of the last layer
    for layer in reversed(model.layers):
        grad = layer.backward(grad)  # dLoss/dInput, the next layer down's output
    analytic = {"X": grad}
    for name, layer in zip(model.layer_names(), model.layers, strict=True):
        for param_name in layer.params:
            analytic[f"{name}/{param_name}"] = layer.grads[param_name].copy()

    numeric_X = numerical_gradient(loss_value, X, epsilon)
    errors = {"X": relative_error(analytic["X"], numeric_X)}
    for name, layer in zip(model.layer_names(), model.layers, strict=True):
        for param_name, param in layer.params.items():
            numeric = numerical_gradient(loss_value, param, epsilon)
            key = f"{name}/{param_name}"
            errors[key] = relative_error(analytic[key], numeric)
    return errors
