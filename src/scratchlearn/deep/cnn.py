"""The convolutional network of Chapter 26, and a look inside it.

:func:`digits_cnn` builds the chapter's network for 8x8 grey images (scikit-learn's
digits) from the layers of :mod:`scratchlearn.deep.conv` and
:mod:`scratchlearn.deep.layers`, compiled with Adam and a cosine learning-rate decay;
the notebook builds the same network in Keras, layer for layer. :func:`feature_maps`
runs images through the first layers of a trained network to show what they see.
"""

import math

import numpy as np

from scratchlearn.deep.conv import Conv2D, MaxPooling2D
from scratchlearn.deep.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
)
from scratchlearn.deep.losses import SparseCategoricalCrossentropy
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import SGD, Adam, RMSprop
from scratchlearn.deep.schedules import CosineDecay

__all__ = ["OPTIMIZERS", "decay_steps_for", "digits_cnn", "feature_maps"]

# The optimizers the chapter's explorer offers, by name.
OPTIMIZERS = {
    "adam": Adam,
    "rmsprop": RMSprop,
    "sgd": lambda learning_rate: SGD(learning_rate, momentum=0.9),
}


def digits_cnn(
    *,
    filters=(16, 32),
    dense_units=64,
    dropout=0.3,
    batch_norm_momentum=0.99,
    n_classes=10,
    optimizer="adam",
    learning_rate=0.003,
    decay_steps=None,
    random_state=0,
):
    """The chapter's network: two convolution blocks, then a small dense classifier.

    Each block is ``Conv2D(3x3, "same") -> BatchNormalization -> ReLU ->
    MaxPooling2D(2)``: 8x8 images become 4x4 maps of ``filters[0]`` channels, then
    2x2 maps of ``filters[1]`` channels, flattened into ``4 * filters[1]`` numbers
    for ``Dense(dense_units, relu) -> Dropout(dropout) -> Dense(n_classes)``. The
    last layer outputs logits; the loss is the sparse categorical cross-entropy
    computed from them (labels are class indices).

    Parameters
    ----------
    filters : tuple of (int, int), default (16, 32)
        Kernels of the first and second convolution.
    dense_units : int, default 64
    dropout : float in [0, 1), default 0.3
        Dropout rate before the output layer.
    batch_norm_momentum : float, default 0.99
        How slowly batch normalisation's running mean and variance (used at
        inference) follow the batches' statistics; Keras's default. After a few
        dozen steps the running statistics still remember their start (mean 0,
        variance 1), so a short training needs a smaller momentum, e.g. 0.9.
    n_classes : int, default 10
    optimizer : {"adam", "rmsprop", "sgd"}, default "adam"
        ``"sgd"`` has momentum 0.9.
    learning_rate : float, default 0.003
        The initial learning rate.
    decay_steps : int or None, default None
        If given, the learning rate follows :class:`CosineDecay` from
        ``learning_rate`` to 0 over that many steps (the number of epochs times
        ``ceil(n_samples / batch_size)``); otherwise it stays constant.
    random_state : int or None, default 0

    Returns
    -------
    Sequential
        Compiled, with the metric ``"accuracy"``; not yet built (the first ``fit``
        builds it for the images' shape).

    Notes
    -----
    Batch normalisation of image features keeps one mean and variance per channel,
    over the batch and every pixel, as Keras's. Chapter 26 explains this network.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}."
        )
    layers = []
    for n_filters in filters:
        layers += [
            Conv2D(n_filters, 3, padding="same"),  # (batch, h, w, n_filters)
            BatchNormalization(momentum=batch_norm_momentum),  # per channel
            Activation("relu"),
            MaxPooling2D(2),  # (batch, h / 2, w / 2, n_filters)
        ]
    layers += [
        Flatten(),  # (batch, h / 4 * w / 4 * filters[-1])
        Dense(dense_units, activation="relu"),
        Dropout(dropout),
        Dense(n_classes),  # logits
    ]
    model = Sequential(layers, random_state=random_state)
    if decay_steps is not None:
        learning_rate = CosineDecay(learning_rate, decay_steps)
    model.compile(
        OPTIMIZERS[optimizer](learning_rate),
        SparseCategoricalCrossentropy(from_logits=True),
        ["accuracy"],
    )
    return model


def decay_steps_for(n_samples, batch_size, epochs):
    """Number of optimizer steps in ``epochs`` epochs: ``epochs * ceil(n / batch)``."""
    return epochs * math.ceil(n_samples / batch_size)


def feature_maps(model, X, n_layers):
    """The output of the first ``n_layers`` layers of ``model`` for ``X``.

    Inference mode, as :meth:`Sequential.predict`: batch normalisation uses its
    running statistics and dropout does nothing.

    Parameters
    ----------
    model : Sequential
        A built (usually trained) model.
    X : ndarray of shape (n_samples, *model.input_shape_)
    n_layers : int
        How many layers to run, from the first.

    Returns
    -------
    ndarray of shape (n_samples, *model.layers[n_layers - 1].output_shape_)
    """
    outputs = np.asarray(X, dtype=np.float64)
    for layer in model.layers[:n_layers]:
        outputs = layer.forward(outputs, training=False)
    return outputs
