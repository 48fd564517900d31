"""Chapter 29: our autoencoders against their Keras twins, training on the digits.

``fit`` trains a fresh autoencoder (the same initial weights on both sides: the
Keras twin gets a copy of ours) for a fixed number of epochs, so the fit ratio is
the ratio of the times per epoch; ``predict`` reconstructs the test digits;
``score`` is the test reconstruction error (mean squared error, lower is better;
for the denoising case, of noisy test digits against the clean ones). Keras trains
in its default single precision with its own ``fit``; TensorFlow is limited to one
thread by ``run.py``, as NumPy's BLAS by ``make bench``.
"""

import keras
import numpy as np
from harness import Case, split

from scratchlearn.deep.autoencoder import (
    conv_autoencoder,
    corrupt,
    dense_autoencoder,
    stack,
)

BATCH_SIZE, LEARNING_RATE, NOISE = 32, 0.01, 0.3


def digits(images):
    # Images (n_samples, 8, 8, 1) or rows (n_samples, 64), intensities in [0, 1].
    return split("digit_images") if images else split("digits", scale=16.0)


def keras_twin(model):
    """The Keras Sequential of our autoencoder's layers, with a copy of its
    weights, compiled as ours (Adam, mean squared error)."""
    layers = [
        getattr(keras.layers, type(layer).__name__)(**layer.get_config())
        for layer in [*model.encoder.layers, *model.decoder.layers]
    ]
    twin = keras.Sequential([keras.Input(model.encoder.input_shape_), *layers])
    twin.set_weights(stack(model.encoder, model.decoder).get_weights())
    twin.compile(keras.optimizers.Adam(LEARNING_RATE), "mse")
    return twin


class TrainedAutoencoder:
    """An autoencoder as an estimator: ``fit`` trains a fresh one for ``epochs``
    (ours, or its Keras twin when ``keras_twin``), ``predict`` reconstructs,
    ``score`` is the reconstruction error (of noisy inputs against clean ones when
    ``noise``)."""

    def __init__(self, make, epochs, *, use_keras=False, noise=0.0):
        self.make, self.epochs = make, epochs
        self.use_keras, self.noise = use_keras, noise

    def fit(self, X, y=None):
        model = self.make()
        if self.use_keras:
            keras.utils.set_random_seed(0)
            self.model_ = keras_twin(model)
            X32 = X.astype(np.float32)
            fit = {"epochs": self.epochs, "batch_size": BATCH_SIZE, "verbose": 0}
            self.model_.fit(X32, X32, **fit)
        else:
            self.model_ = model
            model.fit(X, epochs=self.epochs, batch_size=BATCH_SIZE)
        return self

    def predict(self, X):
        if self.use_keras:
            return self.model_.predict(X.astype(np.float32), verbose=0)
        return self.model_.reconstruct(X)

    def score(self, X, y=None):
        noisy = corrupt(X, self.noise, np.random.default_rng(1)) if self.noise else X
        return float(np.mean((self.predict(noisy) - X) ** 2))


def case(name, make, epochs, images=False, noise=0.0, repeats=3):
    return Case(
        name=f"{name} ({epochs} epochs)",
        chapter="29",
        data=lambda: digits(images),
        ours=lambda: TrainedAutoencoder(make, epochs, noise=noise),
        reference=lambda: TrainedAutoencoder(make, epochs, use_keras=True, noise=noise),
        repeats=repeats,
        notes="fit = training; per epoch: divide by the epochs; score: test "
        "reconstruction MSE (lower is better); Keras in float32",
    )


CASES = [
    case(
        "Dense autoencoder 64-64-32-2, digits",
        lambda: dense_autoencoder((64,), hidden_units=(64, 32), latent_dim=2),
        20,
    ),
    case(
        "Conv autoencoder conv16-conv8, code 8, digits",
        lambda: conv_autoencoder((8, 8, 1), latent_dim=8),
        5,
        images=True,
    ),
    case(
        f"Denoising dense autoencoder, noise {NOISE}, digits",
        lambda: dense_autoencoder((64,), hidden_units=(64,), latent_dim=8, noise=NOISE),
        20,
        noise=NOISE,
    ),
]
