"""Chapter 28: attention against TensorFlow/Keras, on one thread each.

* the guide's text model (Embedding -> LSTM -> MultiHeadAttention ->
  GlobalAveragePooling1D -> Dense -> Dropout -> Dense) at the chapter's sizes, trained
  on the marker task: ``fit`` trains a fresh model for a fixed number of epochs (the
  fit ratio is the ratio of the time per epoch), ``score`` is the test accuracy;
* one MultiHeadAttention layer alone, self-attention with a padding mask: ``fit`` is
  one forward and backward pass (Keras's under ``tf.GradientTape``), ``predict`` the
  forward pass, ``score`` the loss ``sum(Y * G)``; float64 on both sides.
"""

import keras
import numpy as np
import tensorflow as tf
from harness import Case, TrainedNetwork

from scratchlearn import datasets
from scratchlearn.deep import Adam, MultiHeadAttention
from scratchlearn.deep.attention import text_model

# run.py makes TensorFlow single-threaded before any benchmark module starts it.

EPOCHS, STEPS, VOCAB, N_CLASSES = 5, 12, 20, 4
SIZES = dict(embedding_dim=32, units=32, num_heads=4, key_dim=16, dense_units=32)
LEARNING_RATE = 0.005


def marker_data():
    X, y, _ = datasets.marker_sequences(
        1600, n_classes=N_CLASSES, max_length=STEPS, random_state=0
    )
    return X[:1200], X[1200:], y[:1200], y[1200:]


def our_text_model(n_samples):
    model = text_model(VOCAB, N_CLASSES, **SIZES, random_state=0)
    model.compile(Adam(LEARNING_RATE), "sparse_categorical_crossentropy")
    return model


def keras_text_model(n_samples):
    keras.utils.set_random_seed(0)
    layers = keras.layers
    inputs = keras.Input((STEPS,), dtype="int32")
    x = layers.Embedding(VOCAB, SIZES["embedding_dim"], mask_zero=True)(inputs)
    x = layers.LSTM(
        SIZES["units"], return_sequences=True, dropout=0.2, recurrent_dropout=0.2
    )(x)
    x = layers.MultiHeadAttention(SIZES["num_heads"], SIZES["key_dim"])(x, x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(SIZES["dense_units"], activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(N_CLASSES, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        keras.optimizers.Adam(LEARNING_RATE), "sparse_categorical_crossentropy"
    )
    return model


# --- one attention layer -------------------------------------------------------------


def attention_data(batch, steps, features, seed=0):
    """Random sequences with their padding mask as one more feature (the harness
    wants one array), and an upstream gradient, in the harness's (train, test)
    layout: ``(X_and_mask, X_and_mask, G, G)``."""

    def data():
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(batch, steps, features))
        lengths = rng.integers(steps // 2, steps + 1, size=batch)
        mask = np.arange(steps)[None, :] < lengths[:, None]
        G = rng.normal(size=(batch, steps, features)) * mask[:, :, None]
        X_and_mask = np.concatenate([X, mask[:, :, None]], axis=-1)
        return X_and_mask, X_and_mask, G, G

    return data


def _split(X_and_mask):
    """The sequences and their boolean padding mask."""
    return X_and_mask[..., :-1], X_and_mask[..., -1] > 0.5


def _weights(features, heads, key_dim):
    layer = MultiHeadAttention(heads, key_dim)
    layer.build((1, features), np.random.default_rng(1))
    return list(layer.params.values())


class OurAttention:
    """Our MultiHeadAttention: ``fit`` = forward + backward, ``predict`` = forward."""

    def __init__(self, features, heads, key_dim):
        self.layer = MultiHeadAttention(heads, key_dim)
        self.weights = _weights(features, heads, key_dim)

    def fit(self, inputs, G):
        X, mask = _split(inputs)
        if not self.layer.built:
            self.layer.build(X.shape[1:], np.random.default_rng(0))
            for param, value in zip(
                self.layer.params.values(), self.weights, strict=True
            ):
                param[...] = value
        self.layer.forward(X, training=True, mask=mask)
        self.grad_input_ = self.layer.backward(G)
        return self

    def predict(self, inputs):
        X, mask = _split(inputs)
        return self.layer.forward(X, mask=mask)

    def score(self, inputs, G):
        return float(np.sum(self.predict(inputs) * G))


class KerasAttention:
    """Keras's MultiHeadAttention in float64, self-attention with the padding mask as
    query and value masks: ``fit`` = forward + backward (tf.GradientTape)."""

    def __init__(self, features, heads, key_dim):
        self.layer = keras.layers.MultiHeadAttention(heads, key_dim, dtype="float64")
        self.weights = _weights(features, heads, key_dim)

    def _call(self, X, mask):
        X._keras_mask = mask  # the query's mask, as a functional model attaches it
        return self.layer(X, X, value_mask=mask)

    def fit(self, inputs, G):
        X, mask = map(tf.constant, _split(inputs))
        if not self.layer.built:
            self.layer.build(X.shape, X.shape)
            self.layer.set_weights(self.weights)
        with tf.GradientTape() as tape:
            tape.watch(X)
            loss = tf.reduce_sum(self._call(X, mask) * tf.constant(G))
        self.grad_input_, *_ = tape.gradient(loss, [X, *self.layer.trainable_weights])
        return self

    def predict(self, inputs):
        X, mask = map(tf.constant, _split(inputs))
        return self._call(X, mask).numpy()

    def score(self, inputs, G):
        return float(np.sum(self.predict(inputs) * G))


def attention_case(batch, steps, features, heads, key_dim, repeats):
    return Case(
        name=(
            f"MultiHeadAttention {heads}x{key_dim} fwd+bwd {batch}x{steps}x{features}"
        ),
        chapter="28",
        data=attention_data(batch, steps, features),
        ours=lambda: OurAttention(features, heads, key_dim),
        reference=lambda: KerasAttention(features, heads, key_dim),
        repeats=repeats,
        notes="padding mask; fit: forward + backward; predict: forward; "
        "score: sum(Y * G); float64 both sides",
    )


CASES = [
    Case(
        name=f"Embedding-LSTM-attention text model, marker task ({EPOCHS} epochs)",
        chapter="28",
        data=marker_data,
        ours=lambda: TrainedNetwork(our_text_model, EPOCHS),
        reference=lambda: TrainedNetwork(keras_text_model, EPOCHS),
        repeats=3,
        notes="the guide's layers at the chapter's sizes (32, 32, 4 heads x 16, 32); "
        "fit = training; per epoch: divide by the epochs; Keras in float32",
    ),
    attention_case(32, 16, 64, 4, 16, repeats=7),
    attention_case(32, 64, 128, 8, 64, repeats=5),
]
