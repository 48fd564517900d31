"""Chapter 23: a small dense network trained by mini-batch SGD, scratchlearn.deep
against the same network in Keras (float64, same initial weights, no shuffling, so
both follow the same trajectory)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from harness import Case
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split

from scratchlearn.deep import SGD, Dense, Sequential, SparseCategoricalCrossentropy


def moons():
    X, y = make_moons(1000, noise=0.2, random_state=1)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)


class Network:
    """fit / predict / score around a Sequential of dense layers: ``hidden`` is a
    list of (units, activation), followed by a linear layer of logits."""

    def __init__(self, hidden, n_classes, *, epochs, learning_rate, batch_size=32):
        self.hidden = hidden
        self.n_classes = n_classes
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size

    def _build(self, n_features):
        model = Sequential(
            [Dense(units, activation=name) for units, name in self.hidden]
            + [Dense(self.n_classes)],
            random_state=0,
        )
        return model.build((n_features,))

    def fit(self, X, y):
        self.model_ = self._build(X.shape[1])
        self.model_.compile(
            SGD(learning_rate=self.learning_rate),
            SparseCategoricalCrossentropy(from_logits=True),
        )
        self.model_.fit(
            X,
            y,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=False,
            verbose=0,
        )
        return self

    def predict(self, X):
        return self.model_.predict(X, batch_size=len(X)).argmax(axis=1)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == y))


class KerasNetwork(Network):
    """The same network in Keras, in float64, from scratchlearn's initial weights."""

    def fit(self, X, y):
        import keras

        keras.config.set_floatx("float64")
        keras.config.set_dtype_policy("float64")
        layers = [keras.Input((X.shape[1],))]
        layers += [keras.layers.Dense(u, activation=a) for u, a in self.hidden]
        layers.append(keras.layers.Dense(self.n_classes))
        self.model_ = keras.Sequential(layers)
        self.model_.set_weights(self._build(X.shape[1]).get_weights())
        self.model_.compile(
            keras.optimizers.SGD(learning_rate=self.learning_rate),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        self.model_.fit(
            X,
            y,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=False,
            verbose=0,
        )
        return self

    def predict(self, X):
        return self.model_.predict(X, batch_size=len(X), verbose=0).argmax(axis=1)


MOONS = {"hidden": [(16, "tanh")], "n_classes": 2, "epochs": 60, "learning_rate": 0.3}
DIGITS = {
    "hidden": [(64, "relu")],
    "n_classes": 10,
    "epochs": 20,
    "learning_rate": 0.1,
}

CASES = [
    Case(
        name="Dense 16 tanh, SGD 60 epochs, moons",
        chapter="23",
        data=moons,
        ours=lambda: Network(**MOONS),
        reference=lambda: KerasNetwork(**MOONS),
        repeats=3,
        notes="reference: Keras (float64, same initial weights, no shuffling)",
    ),
    Case(
        name="Dense 64 relu, SGD 20 epochs, digits",
        chapter="23",
        data=digits,
        ours=lambda: Network(**DIGITS),
        reference=lambda: KerasNetwork(**DIGITS),
        repeats=3,
        notes="reference: Keras (float64, same initial weights, no shuffling)",
    ),
]
