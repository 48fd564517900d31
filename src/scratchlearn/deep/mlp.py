"""The multilayer perceptron of Chapter 25: its architecture and how it is trained,
in one small configuration.

A hidden block is ``Dense -> BatchNormalization -> Activation -> Dropout``; the
chapter's network stacks two of them and ends with a softmax layer::

    Dense(128) -> BatchNorm -> ReLU -> Dropout(0.2)
    Dense(64)  -> BatchNorm -> ReLU -> Dropout(0.2)
    Dense(10, softmax)

:class:`MLPConfig` holds every setting (architecture, optimizer, schedule, batch
size, epochs, seed); :func:`build_mlp` and :func:`make_optimizer` turn it into a
:class:`~scratchlearn.deep.model.Sequential` and an optimizer, and :func:`train_mlp`
does both and trains. The book's explorers and the tests call :func:`train_mlp` with
other settings; the layers themselves are those of :mod:`scratchlearn.deep.layers`.
"""

import dataclasses
import math

import numpy as np

from scratchlearn.deep.layers import Activation, BatchNormalization, Dense, Dropout
from scratchlearn.deep.losses import CategoricalCrossentropy
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import SGD, Adagrad, Adam, RMSprop
from scratchlearn.deep.schedules import CosineDecay, ExponentialDecay, StepDecay

__all__ = [
    "OPTIMIZER_NAMES",
    "SCHEDULE_NAMES",
    "MLPConfig",
    "build_mlp",
    "make_optimizer",
    "one_hot",
    "train_mlp",
]

# The optimizers and schedules the explorers offer, by the names they show.
OPTIMIZER_NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
SCHEDULE_NAMES = ("constant", "step", "exponential", "cosine")


@dataclasses.dataclass(frozen=True)
class MLPConfig:
    """Every setting of the chapter's network and of its training.

    Parameters
    ----------
    hidden_units : tuple of int, default (128, 64)
        Width of each hidden block.
    dropout : float in [0, 1), default 0.2
        Dropout rate after each hidden block's activation (0: no Dropout layer).
    batch_norm : bool, default True
        Whether each hidden block normalises its Dense outputs. With batch norm the
        Dense layer has no bias: batch norm subtracts the mean, so a bias would be
        cancelled, and its ``beta`` plays that role.
    activation : str, default "relu"
    optimizer : str, default "adam"
        One of :data:`OPTIMIZER_NAMES` (``"momentum"`` is SGD with momentum 0.9).
    learning_rate : float, default 3e-3
        The initial learning rate.
    schedule : str, default "cosine"
        One of :data:`SCHEDULE_NAMES`: constant; halved every quarter of the
        training ("step"); divided by 10 over the training ("exponential");
        cosine decay to 0 over the training ("cosine").
    batch_size : int, default 32
    epochs : int, default 30
    random_state : int, default 0
        Seed of the initial weights, the batches' order and the dropout masks.
    """

    hidden_units: tuple = (128, 64)
    dropout: float = 0.2
    batch_norm: bool = True
    activation: str = "relu"
    optimizer: str = "adam"
    learning_rate: float = 3e-3
    schedule: str = "cosine"
    batch_size: int = 32
    epochs: int = 30
    random_state: int = 0


def build_mlp(config, n_features, n_classes):
    """The network of ``config`` for ``n_features`` inputs and ``n_classes``
    outputs (softmax probabilities), built (weights initialised).

    Each hidden block is ``Dense -> [BatchNormalization] -> Activation ->
    [Dropout]``: batch norm on the Dense layer's outputs, before the non-linearity,
    as Ioffe and Szegedy (2015) place it; dropout on the block's output.
    """
    layers = []
    for units in config.hidden_units:
        layers.append(Dense(units, use_bias=not config.batch_norm))
        if config.batch_norm:
            layers.append(BatchNormalization())
        layers.append(Activation(config.activation))
        if config.dropout > 0:
            layers.append(Dropout(config.dropout))
    layers.append(Dense(n_classes, activation="softmax"))
    model = Sequential(layers, random_state=config.random_state)
    return model.build((n_features,))


def make_optimizer(config, steps_per_epoch):
    """The optimizer of ``config``, its learning rate following ``config.schedule``
    over ``config.epochs * steps_per_epoch`` steps."""
    total_steps = config.epochs * steps_per_epoch
    lr = config.learning_rate
    if config.schedule == "constant":
        learning_rate = lr
    elif config.schedule == "step":
        learning_rate = StepDecay(lr, drop_every=max(total_steps // 4, 1), factor=0.5)
    elif config.schedule == "exponential":
        learning_rate = ExponentialDecay(lr, decay_steps=total_steps, decay_rate=0.1)
    elif config.schedule == "cosine":
        learning_rate = CosineDecay(lr, decay_steps=total_steps)
    else:
        raise ValueError(
            f"schedule must be one of {SCHEDULE_NAMES}; got {config.schedule!r}."
        )
    optimizers = {
        "sgd": lambda: SGD(learning_rate),
        "momentum": lambda: SGD(learning_rate, momentum=0.9),
        "adagrad": lambda: Adagrad(learning_rate),
        "rmsprop": lambda: RMSprop(learning_rate),
        "adam": lambda: Adam(learning_rate),
    }
    if config.optimizer not in optimizers:
        raise ValueError(
            f"optimizer must be one of {OPTIMIZER_NAMES}; got {config.optimizer!r}."
        )
    return optimizers[config.optimizer]()


def one_hot(y, n_classes):
    """Class indices ``y`` of shape (n_samples,) as one-hot rows (n_samples,
    n_classes)."""
    return np.eye(n_classes)[np.asarray(y, dtype=int)]


def train_mlp(config, X_train, y_train, validation_data=None, n_classes=None):
    """Build the network of ``config``, compile it and train it.

    Parameters
    ----------
    config : MLPConfig
    X_train : array of shape (n_samples, n_features)
    y_train : array of shape (n_samples,)
        Class indices 0, ..., n_classes - 1.
    validation_data : tuple (X_val, y_val), optional
        Class indices too; evaluated after every epoch.
    n_classes : int, optional
        Defaults to ``max(y_train) + 1``.

    Returns
    -------
    model : Sequential
        The trained model (``model.predict`` gives class probabilities).
    history : dict of str to list of float
        Per epoch: ``loss``, ``accuracy``, ``learning_rate`` and, with validation
        data, ``val_loss`` and ``val_accuracy``.
    """
    n_classes = int(np.max(y_train)) + 1 if n_classes is None else n_classes
    model = build_mlp(config, np.shape(X_train)[1], n_classes)
    steps_per_epoch = math.ceil(len(X_train) / config.batch_size)
    model.compile(
        make_optimizer(config, steps_per_epoch),
        CategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    if validation_data is not None:
        X_val, y_val = validation_data
        validation_data = (X_val, one_hot(y_val, n_classes))
    history = model.fit(
        X_train,
        one_hot(y_train, n_classes),
        epochs=config.epochs,
        batch_size=config.batch_size,
        validation_data=validation_data,
        verbose=0,
    )
    return model, history.history
