"""Chapter 30: our GAN against a Keras twin, on one thread each.

Both train the chapter's players (generator 32 -> 256 -> 256 -> 64 tanh,
discriminator 64 -> 256 -> 128 -> 1 with dropout 0.2, leaky ReLU 0.2) with
Adam(0.001, beta_1=0.5), one-sided label smoothing 0.9 and the non-saturating
generator loss, one discriminator step then one generator step per batch of 64,
for a fixed number of epochs (so the fit ratio is the ratio of the time per
epoch). Keras's step is a ``tf.function`` with two ``GradientTape``s, in its
default single precision; ours keeps no weight average here
(``average_decay=0``), as Keras's twin keeps none.

A GAN has no test accuracy: ``predict`` draws 500 samples from fixed noise and
``score`` is the correlation of their mean image with the mean of the held-out real
digits (1 when the generator draws ink where the digits have it), a coarse check
that both sides learned, not a measure of quality (the chapter's judge is).
"""

import keras
import numpy as np
import tensorflow as tf
from harness import Case, split

from scratchlearn.deep.gan import GAN, dense_discriminator, dense_generator

# run.py makes TensorFlow single-threaded before any benchmark module starts it.

EPOCHS, BATCH_SIZE, LATENT_DIM = 10, 64, 32


def digits():
    X_train, X_test, y_train, y_test = split("digits", scale=8.0)
    return X_train - 1.0, X_test - 1.0, y_train, y_test  # (n_samples, 64) in [-1, 1]


def mean_image_correlation(samples, X):
    return float(np.corrcoef(np.mean(samples, axis=0), np.mean(X, axis=0))[0, 1])


NOISE = np.random.default_rng(123).normal(size=(500, LATENT_DIM))


class OurGAN:
    def fit(self, X, y=None):
        self.gan = GAN(
            dense_generator(LATENT_DIM),
            dense_discriminator(),
            average_decay=0,
            random_state=0,
        )
        self.gan.fit(X, epochs=EPOCHS, batch_size=BATCH_SIZE)
        return self

    def predict(self, X):
        return self.gan.generate(NOISE)

    def score(self, X, y):
        return mean_image_correlation(self.predict(X), X)


class KerasGAN:
    def fit(self, X, y=None):
        keras.utils.set_random_seed(0)
        layers = keras.layers
        self.generator = keras.Sequential(
            [
                keras.Input((LATENT_DIM,)),
                layers.Dense(256, activation="leaky_relu"),
                layers.Dense(256, activation="leaky_relu"),
                layers.Dense(64, activation="tanh"),
            ]
        )
        discriminator = keras.Sequential(
            [
                keras.Input((64,)),
                layers.Dense(256, activation="leaky_relu"),
                layers.Dropout(0.2),
                layers.Dense(128, activation="leaky_relu"),
                layers.Dropout(0.2),
                layers.Dense(1),
            ]
        )
        g_optimizer = keras.optimizers.Adam(0.001, beta_1=0.5)
        d_optimizer = keras.optimizers.Adam(0.001, beta_1=0.5)
        generator = self.generator

        @tf.function
        def train_step(real):
            n = tf.shape(real)[0]
            noise = tf.random.normal((n, LATENT_DIM))
            with tf.GradientTape() as tape:
                real_logits = discriminator(real, training=True)
                fake_logits = discriminator(generator(noise), training=True)
                d_loss = tf.reduce_mean(
                    tf.nn.sigmoid_cross_entropy_with_logits(
                        0.9 * tf.ones_like(real_logits), real_logits
                    )
                ) + tf.reduce_mean(tf.nn.softplus(fake_logits))
            grads = tape.gradient(d_loss, discriminator.trainable_variables)
            d_optimizer.apply_gradients(
                zip(grads, discriminator.trainable_variables, strict=True)
            )
            noise = tf.random.normal((n, LATENT_DIM))
            with tf.GradientTape() as tape:
                fake_logits = discriminator(generator(noise, training=True))
                g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
            grads = tape.gradient(g_loss, generator.trainable_variables)
            g_optimizer.apply_gradients(
                zip(grads, generator.trainable_variables, strict=True)
            )

        data = tf.data.Dataset.from_tensor_slices(X.astype(np.float32))
        data = data.shuffle(len(X), seed=0).batch(BATCH_SIZE)
        for _ in range(EPOCHS):
            for batch in data:
                train_step(batch)
        return self

    def predict(self, X):
        return self.generator(NOISE.astype(np.float32)).numpy()

    def score(self, X, y):
        return mean_image_correlation(self.predict(X), X)


CASES = [
    Case(
        name=f"GAN dense 256, digits ({EPOCHS} epochs)",
        chapter="30",
        data=digits,
        ours=OurGAN,
        reference=KerasGAN,
        repeats=3,
        notes="fit: time per epoch ratio; score: correlation of the mean sample "
        "with the mean real digit (a coarse check, not quality)",
    )
]
