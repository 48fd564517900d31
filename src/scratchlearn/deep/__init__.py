"""Deep learning from scratch: layers, losses, optimizers and a Sequential model
(Part III of the book). NumPy only; every gradient is checked by finite differences
and against TensorFlow in the tests.

    from scratchlearn.deep import Sequential, Dense, Activation, Adam

The names mirror Keras's, so that the book's side-by-side comparisons read alike.
"""

from scratchlearn.deep.attention import (
    LayerNormalization,
    MultiHeadAttention,
    PositionalEncoding,
    TransformerEncoder,
    causal_mask,
    positional_encoding,
    scaled_dot_product_attention,
)
from scratchlearn.deep.autoencoder import (
    Autoencoder,
    GaussianNoise,
    conv_autoencoder,
    dense_autoencoder,
)
from scratchlearn.deep.base import Layer
from scratchlearn.deep.callbacks import (
    Callback,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ReduceLROnPlateau,
)
from scratchlearn.deep.cnn import decay_steps_for, digits_cnn, feature_maps
from scratchlearn.deep.compression import (
    dequantize,
    fine_tune,
    load_compressed,
    magnitude_masks,
    prune,
    quantize,
    quantize_model,
    recalibrate_batch_norm,
    save_compressed,
)
from scratchlearn.deep.conv import (
    AveragePooling2D,
    ConstantPadding2D,
    Conv2D,
    Conv2DTranspose,
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
    Huber,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from scratchlearn.deep.mlp import MLPConfig, build_mlp, train_mlp
from scratchlearn.deep.model import Sequential, load_model
from scratchlearn.deep.optimizers import SGD, Adadelta, Adagrad, Adam, RMSprop
from scratchlearn.deep.pooling import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
)
from scratchlearn.deep.rbm import (
    BernoulliRBM,
    contrastive_divergence_gradients,
    free_energy,
    log_partition_function,
)
from scratchlearn.deep.recurrent import GRU, LSTM, Bidirectional, Embedding, SimpleRNN
from scratchlearn.deep.schedules import CosineDecay, ExponentialDecay, StepDecay
from scratchlearn.deep.surfaces import Surface, descend

__all__ = [
    "GAN",
    "GRU",
    "LSTM",
    "SGD",
    "Activation",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Autoencoder",
    "AveragePooling2D",
    "BatchNormalization",
    "BernoulliRBM",
    "Bidirectional",
    "BinaryCrossentropy",
    "Callback",
    "CategoricalCrossentropy",
    "ConstantPadding2D",
    "Conv2D",
    "Conv2DTranspose",
    "CosineDecay",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "Embedding",
    "ExponentialDecay",
    "Flatten",
    "GaussianNoise",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "History",
    "Huber",
    "Layer",
    "LayerNormalization",
    "LearningRateScheduler",
    "MLPConfig",
    "MaxPooling2D",
    "MeanSquaredError",
    "MultiHeadAttention",
    "PositionalEncoding",
    "RMSprop",
    "ReduceLROnPlateau",
    "Reshape",
    "Sequential",
    "SimpleRNN",
    "SparseCategoricalCrossentropy",
    "StepDecay",
    "Surface",
    "TransformerEncoder",
    "UpSampling2D",
    "ZeroPadding2D",
    "build_mlp",
    "causal_mask",
    "check_layer_gradients",
    "check_model_gradients",
    "contrastive_divergence_gradients",
    "conv_autoencoder",
    "decay_steps_for",
    "dense_autoencoder",
    "dense_discriminator",
    "dense_generator",
    "dequantize",
    "descend",
    "digits_cnn",
    "discriminator_loss",
    "feature_maps",
    "fine_tune",
    "free_energy",
    "generator_loss",
    "judge_samples",
    "load_compressed",
    "load_model",
    "log_partition_function",
    "magnitude_masks",
    "numerical_gradient",
    "positional_encoding",
    "prune",
    "quantize",
    "quantize_model",
    "recalibrate_batch_norm",
    "relative_error",
    "save_compressed",
    "scaled_dot_product_attention",
    "train_mlp",
]
