"""Deep learning from scratch: layers, losses, optimizers and a Sequential model
(Part III of the book). NumPy only; every gradient is checked by finite differences
and against TensorFlow in the tests.

    from scratchlearn.deep import Sequential, Dense, Activation, Adam

The names mirror Keras's, so that the book's side-by-side comparisons read alike.
"""

from scratchlearn.deep.base import Layer
from scratchlearn.deep.callbacks import (
    Callback,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ReduceLROnPlateau,
)
from scratchlearn.deep.cnn import decay_steps_for, digits_cnn, feature_maps
from scratchlearn.deep.conv import (
    AveragePooling2D,
    ConstantPadding2D,
    Conv2D,
    MaxPooling2D,
    UpSampling2D,
    ZeroPadding2D,
)
from scratchlearn.deep.gan import (
    GAN,
    dense_discriminator,
    dense_generator,
    discriminator_loss,
    generator_loss,
    judge_samples,
)
from scratchlearn.deep.gradient_check import (
    check_layer_gradients,
    check_model_gradients,
    numerical_gradient,
    relative_error,
)
from scratchlearn.deep.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    Flatten,
    Reshape,
)
from scratchlearn.deep.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from scratchlearn.deep.mlp import MLPConfig, build_mlp, train_mlp
from scratchlearn.deep.model import Sequential, load_model
from scratchlearn.deep.optimizers import SGD, Adadelta, Adagrad, Adam, RMSprop
from scratchlearn.deep.schedules import CosineDecay, ExponentialDecay, StepDecay
from scratchlearn.deep.surfaces import Surface, descend

__all__ = [
    "GAN",
    "SGD",
    "Activation",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AveragePooling2D",
    "BatchNormalization",
    "BinaryCrossentropy",
    "Callback",
    "CategoricalCrossentropy",
    "ConstantPadding2D",
    "Conv2D",
    "CosineDecay",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "ExponentialDecay",
    "Flatten",
    "History",
    "Layer",
    "LearningRateScheduler",
    "MLPConfig",
    "MaxPooling2D",
    "MeanSquaredError",
    "RMSprop",
    "ReduceLROnPlateau",
    "Reshape",
    "Sequential",
    "SparseCategoricalCrossentropy",
    "StepDecay",
    "Surface",
    "UpSampling2D",
    "ZeroPadding2D",
    "build_mlp",
    "check_layer_gradients",
    "check_model_gradients",
    "decay_steps_for",
    "dense_discriminator",
    "dense_generator",
    "descend",
    "digits_cnn",
    "discriminator_loss",
    "feature_maps",
    "generator_loss",
    "judge_samples",
    "load_model",
    "numerical_gradient",
    "relative_error",
    "train_mlp",
]
