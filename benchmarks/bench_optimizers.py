"""Chapter 24: optimizers and schedules training a digits network, against Keras.

The harness times ``fit``/``predict`` and scores estimators; these small adapters
give a Sequential network of each library that interface. Both train the same
architecture (64 -> 64 ReLU -> 10 logits) with the same optimizer, schedule, batch
size and number of epochs, in float32 for Keras (its default) and float64 for ours.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from harness import Case
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.deep import (
    SGD,
    Adam,
    CosineDecay,
    Dense,
    Sequential,
    SparseCategoricalCrossentropy,
)

N_EPOCHS = 20
BATCH_SIZE = 32


def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)


def decay_steps(n_samples):
    return N_EPOCHS * -(-n_samples // BATCH_SIZE)  # every step of the run


class ScratchNetwork:
    def __init__(self, optimizer):
        self.optimizer = optimizer  # "adam" or "sgd-cosine"

    def fit(self, X, y):
        if self.optimizer == "adam":
            optimizer = Adam(0.001)
        else:
            schedule = CosineDecay(0.1, decay_steps(len(X)))
            optimizer = SGD(schedule, momentum=0.9, nesterov=True)
        self.model_ = Sequential(
            [Dense(64, activation="relu"), Dense(10)], random_state=0
        )
        self.model_.compile(optimizer, SparseCategoricalCrossentropy(from_logits=True))
        self.model_.fit(X, y, epochs=N_EPOCHS, batch_size=BATCH_SIZE, verbose=0)
        return self

    def predict(self, X):
        return np.argmax(self.model_.predict(X), axis=1)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == y))


class KerasNetwork(ScratchNetwork):
    def fit(self, X, y):
        import keras

        keras.utils.set_random_seed(0)
        if self.optimizer == "adam":
            optimizer = keras.optimizers.Adam(0.001)
        else:
            schedule = keras.optimizers.schedules.CosineDecay(0.1, decay_steps(len(X)))
            optimizer = keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True)
        self.model_ = keras.Sequential(
            [
                keras.Input((X.shape[1],)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(10),
            ]
        )
        self.model_.compile(
            optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        )
        self.model_.fit(X, y, epochs=N_EPOCHS, batch_size=BATCH_SIZE, verbose=0)
        return self

    def predict(self, X):
        return np.argmax(self.model_.predict(X, verbose=0), axis=1)


CASES = [
    Case(
        name="MLP 64-64-10 Adam, 20 epochs, digits",
        chapter="24",
        data=digits,
        ours=lambda: ScratchNetwork("adam"),
        reference=lambda: KerasNetwork("adam"),
        repeats=3,
        notes="Keras 3 (TensorFlow CPU), float32; ours float64",
    ),
    Case(
        name="MLP 64-64-10 Nesterov + cosine decay, digits",
        chapter="24",
        data=digits,
        ours=lambda: ScratchNetwork("sgd-cosine"),
        reference=lambda: KerasNetwork("sgd-cosine"),
        repeats=3,
        notes="SGD momentum 0.9, cosine decay from 0.1 over the run",
    ),
]
