"""Chapter 24: optimizers and schedules training a digits network, against Keras.

``harness.TrainedNetwork`` gives a network of each library the estimator interface
the harness times (``fit`` trains, ``predict`` gives classes). Both train the same
architecture (64 -> 64 ReLU -> 10 logits) with the same optimizer, schedule, batch
size and number of epochs, in float32 for Keras (its default) and float64 for ours.
"""

import numpy as np
from harness import Case, TrainedNetwork, split

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
    return split("digits", scale=16.0)


def decay_steps(n_samples):
    return N_EPOCHS * -(-n_samples // BATCH_SIZE)  # every step of the run


def ours(optimizer_name):
    """``optimizer_name``: "adam", or "sgd-cosine" (Nesterov with cosine decay)."""

    def make(n_samples):
        if optimizer_name == "adam":
            optimizer = Adam(0.001)
        else:
            schedule = CosineDecay(0.1, decay_steps(n_samples))
            optimizer = SGD(schedule, momentum=0.9, nesterov=True)
        model = Sequential([Dense(64, activation="relu"), Dense(10)], random_state=0)
        model.compile(optimizer, SparseCategoricalCrossentropy(from_logits=True))
        return model

    return make


def keras_(optimizer_name):
    def make(n_samples):
        import keras

        keras.utils.set_random_seed(0)
        if optimizer_name == "adam":
            optimizer = keras.optimizers.Adam(0.001)
        else:
            schedule = keras.optimizers.schedules.CosineDecay(
                0.1, decay_steps(n_samples)
            )
            optimizer = keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True)
        model = keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(10),
            ]
        )
        model.compile(
            optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        )
        return model

    return make


CASES = [
    Case(
        name="MLP 64-64-10 Adam, 20 epochs, digits",
        chapter="24",
        data=digits,
        ours=lambda: TrainedNetwork(ours("adam"), N_EPOCHS),
        reference=lambda: TrainedNetwork(keras_("adam"), N_EPOCHS, dtype=np.float32),
        repeats=3,
        notes="Keras 3 (TensorFlow CPU), float32; ours float64",
    ),
    Case(
        name="MLP 64-64-10 Nesterov + cosine decay, digits",
        chapter="24",
        data=digits,
        ours=lambda: TrainedNetwork(ours("sgd-cosine"), N_EPOCHS),
        reference=lambda: TrainedNetwork(
            keras_("sgd-cosine"), N_EPOCHS, dtype=np.float32
        ),
        repeats=3,
        notes="SGD momentum 0.9, cosine decay from 0.1 over the run",
    ),
]
