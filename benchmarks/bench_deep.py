"""Part III: our deep-learning library against TensorFlow/Keras, on one thread each.

Two kinds of cases, both shaped like the others (``fit``/``predict``/``score``) by
small adapters, so that ``run.py`` times them alike:

* whole trainings on the digits (chapter 25's MLP, chapter 26's CNN): ``fit`` trains
  a fresh network for a fixed number of epochs (so the fit ratio is the ratio of the
  time per epoch), ``predict`` gives the classes, ``score`` the test accuracy;
* one convolution layer alone: ``fit`` is one forward and backward pass (Keras's
  ``Conv2D`` under ``tf.GradientTape``), ``predict`` the forward pass only, and
  ``score`` the loss ``sum(Y * G)``, the same on both sides up to rounding.

Keras trains in its default single precision; the convolution cases use float64 on
both sides. TensorFlow is limited to one thread, as ``make bench`` limits NumPy's BLAS.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from harness import Case, TrainedNetwork, split

from scratchlearn.deep import Conv2D, decay_steps_for, digits_cnn
from scratchlearn.deep.losses import CategoricalCrossentropy
from scratchlearn.deep.mlp import MLPConfig, build_mlp, make_optimizer

# run.py makes TensorFlow single-threaded (TF_NUM_INTRAOP_THREADS=1 and
# TF_NUM_INTEROP_THREADS=1) before any benchmark module starts it.

CNN_EPOCHS, MLP_EPOCHS, BATCH_SIZE = 20, 20, 32


def digits(images):
    # Images (n_samples, 8, 8, 1) or rows (n_samples, 64), intensities in [0, 1].
    return split("digit_images") if images else split("digits", scale=16.0)


def our_cnn(n_samples):
    steps = decay_steps_for(n_samples, BATCH_SIZE, CNN_EPOCHS)
    return digits_cnn(decay_steps=steps, random_state=0)


def keras_cnn(n_samples):
    keras.utils.set_random_seed(0)
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((8, 8, 1))]
        + [
            layer
            for filters in (16, 32)
            for layer in (
                layers.Conv2D(filters, 3, padding="same"),
                layers.BatchNormalization(),
                layers.Activation("relu"),
                layers.MaxPooling2D(2),
            )
        ]
        + [
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.3),
            layers.Dense(10),
        ]
    )
    steps = decay_steps_for(n_samples, BATCH_SIZE, CNN_EPOCHS)
    model.compile(
        keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(0.003, steps)),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


MLP_CONFIG = MLPConfig(epochs=MLP_EPOCHS, batch_size=BATCH_SIZE)


def our_mlp(n_samples):
    model = build_mlp(MLP_CONFIG, 64, 10)
    steps_per_epoch = math.ceil(n_samples / BATCH_SIZE)
    model.compile(
        make_optimizer(MLP_CONFIG, steps_per_epoch), CategoricalCrossentropy()
    )
    return model


def keras_mlp(n_samples):
    """Chapter 25's network (scratchlearn.deep.mlp's defaults) in Keras."""
    keras.utils.set_random_seed(0)
    layers = keras.layers
    hidden = []
    for units in MLP_CONFIG.hidden_units:
        hidden += [
            layers.Dense(units, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dropout(MLP_CONFIG.dropout),
        ]
    model = keras.Sequential(
        [keras.Input((64,)), *hidden, layers.Dense(10, activation="softmax")]
    )
    steps = MLP_EPOCHS * math.ceil(n_samples / BATCH_SIZE)
    schedule = keras.optimizers.schedules.CosineDecay(MLP_CONFIG.learning_rate, steps)
    model.compile(keras.optimizers.Adam(schedule), "categorical_crossentropy")
    return model


# --- one convolution layer ---------------------------------------------------------


def conv_data(batch, size, channels, filters, seed=0):
    """Random images and a random upstream gradient for the output of a 3x3 "same"
    convolution: ``(X, X, G, G)`` in the harness's (train, test) layout."""

    def data():
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(batch, size, size, channels))
        G = rng.normal(size=(batch, size, size, filters))
        return X, X, G, G

    return data


def _kernel(channels, filters):
    rng = np.random.default_rng(1)
    return rng.normal(size=(3, 3, channels, filters)) / 3.0, rng.normal(size=filters)


class OurConv:
    """Our Conv2D: ``fit`` = forward + backward, ``predict`` = forward."""

    def __init__(self, channels, filters):
        kernel, bias = _kernel(channels, filters)
        self.layer = Conv2D(filters, 3, padding="same")
        self.kernel, self.bias = kernel, bias

    def fit(self, X, G):
        if not self.layer.built:
            self.layer.build(X.shape[1:], np.random.default_rng(0))
            self.layer.params["kernel"][...] = self.kernel
            self.layer.params["bias"][...] = self.bias
        self.layer.forward(X, training=True)
        self.grad_input_ = self.layer.backward(G)
        return self

    def predict(self, X):
        return self.layer.forward(X)

    def score(self, X, G):
        return float(np.sum(self.predict(X) * G))


class KerasConv:
    """Keras's Conv2D in float64: ``fit`` = forward + backward (tf.GradientTape)."""

    def __init__(self, channels, filters):
        kernel, bias = _kernel(channels, filters)
        self.layer = keras.layers.Conv2D(filters, 3, padding="same", dtype="float64")
        self.kernel, self.bias = kernel, bias

    def fit(self, X, G):
        X, G = tf.constant(X), tf.constant(G)
        if not self.layer.built:
            self.layer.build(X.shape)
            self.layer.set_weights([self.kernel, self.bias])
        with tf.GradientTape() as tape:
            tape.watch(X)
            loss = tf.reduce_sum(self.layer(X) * G)
        self.grad_input_, *_ = tape.gradient(loss, [X, *self.layer.trainable_weights])
        return self

    def predict(self, X):
        return self.layer(tf.constant(X)).numpy()

    def score(self, X, G):
        return float(np.sum(self.predict(X) * G))


def conv_case(batch, size, channels, filters, repeats):
    return Case(
        name=f"Conv2D 3x3 fwd+bwd {batch}x{size}x{size}x{channels} -> {filters}",
        chapter="26",
        data=conv_data(batch, size, channels, filters),
        ours=lambda: OurConv(channels, filters),
        reference=lambda: KerasConv(channels, filters),
        repeats=repeats,
        notes="fit: forward + backward; predict: forward; score: sum(Y * G); "
        "float64 both sides",
    )


CASES = [
    Case(
        name=f"MLP 128-64 BN dropout, digits ({MLP_EPOCHS} epochs)",
        chapter="25",
        data=lambda: digits(images=False),
        ours=lambda: TrainedNetwork(our_mlp, MLP_EPOCHS, one_hot=True),
        reference=lambda: TrainedNetwork(
            keras_mlp, MLP_EPOCHS, one_hot=True, dtype=np.float32
        ),
        repeats=3,
        notes="fit = training; per epoch: divide by the epochs; Keras in float32",
    ),
    Case(
        name=f"CNN conv16-conv32 BN, digits ({CNN_EPOCHS} epochs)",
        chapter="26",
        data=lambda: digits(images=True),
        ours=lambda: TrainedNetwork(our_cnn, CNN_EPOCHS),
        reference=lambda: TrainedNetwork(keras_cnn, CNN_EPOCHS, dtype=np.float32),
        repeats=3,
        notes="fit = training; per epoch: divide by the epochs; Keras in float32",
    ),
    conv_case(64, 8, 16, 32, repeats=7),
    conv_case(64, 28, 8, 32, repeats=5),
]
