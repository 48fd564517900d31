"""Chapter 27: our recurrent networks against TensorFlow/Keras, on one thread each.

Whole trainings, timed like any ``fit`` (see ``harness.TrainedNetwork``): each side
trains a fresh network with the same architecture, optimizer and epochs, so the fit
ratio is the ratio of the time per epoch; ``score`` is the test accuracy.

* the digits read row by row (8 steps of 8 pixels), with SimpleRNN, GRU and LSTM;
* ``datasets.token_sequences``: token ids padded with 0 to 20 steps, through
  ``Embedding(mask_zero=True)`` and an LSTM, so that masking is part of the cost.

Keras trains in its default single precision, ours in float64. TensorFlow is
limited to one thread by ``run.py``.
"""

import keras
from harness import Case, TrainedNetwork

from scratchlearn import datasets
from scratchlearn.deep import GRU, LSTM, Adam, Dense, Embedding, Sequential, SimpleRNN
from scratchlearn.deep.losses import SparseCategoricalCrossentropy

EPOCHS, BATCH_SIZE, UNITS = 10, 32, 32
LEARNING_RATE = 0.005

CELLS = {
    "SimpleRNN": (SimpleRNN, keras.layers.SimpleRNN),
    "GRU": (GRU, keras.layers.GRU),
    "LSTM": (LSTM, keras.layers.LSTM),
}


def _parts(data):
    """``(X_train, X_test, y_train, y_test)``, the harness's layout."""
    parts = datasets.split(data.X, data.y, random_state=0)
    return parts.X_train, parts.X_test, parts.y_train, parts.y_test


def digit_rows():
    return _parts(datasets.digit_rows())


def tokens():
    return _parts(datasets.token_sequences(2000, random_state=0))


def ours(cell, n_classes, embedding=None):
    def make(n_samples):
        layers = [] if embedding is None else [Embedding(*embedding, mask_zero=True)]
        model = Sequential(
            [*layers, CELLS[cell][0](UNITS), Dense(n_classes)], random_state=0
        )
        model.compile(
            Adam(LEARNING_RATE), SparseCategoricalCrossentropy(from_logits=True)
        )
        return model

    return make


def theirs(cell, n_classes, input_shape, embedding=None):
    def make(n_samples):
        keras.utils.set_random_seed(0)
        first = []
        if embedding is not None:
            first = [keras.layers.Embedding(*embedding, mask_zero=True)]
        model = keras.Sequential(
            [
                keras.Input(input_shape),
                *first,
                CELLS[cell][1](UNITS),
                keras.layers.Dense(n_classes),
            ]
        )
        model.compile(
            keras.optimizers.Adam(LEARNING_RATE),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        return model

    return make


def digits_case(cell):
    return Case(
        name=f"{cell}({UNITS}) digits row by row ({EPOCHS} epochs)",
        chapter="27",
        data=digit_rows,
        ours=lambda: TrainedNetwork(ours(cell, 10), EPOCHS),
        reference=lambda: TrainedNetwork(
            theirs(cell, 10, (8, 8)), EPOCHS, dtype="float32"
        ),
        repeats=3,
        notes="fit = training; per epoch: divide by the epochs; Keras in float32",
    )


TOKEN_EPOCHS = 5
CASES = [
    *(digits_case(cell) for cell in CELLS),
    Case(
        name=f"Embedding+LSTM({UNITS}) masked tokens ({TOKEN_EPOCHS} epochs)",
        chapter="27",
        data=tokens,
        ours=lambda: TrainedNetwork(ours("LSTM", 2, (30, 16)), TOKEN_EPOCHS),
        reference=lambda: TrainedNetwork(
            theirs("LSTM", 2, (20,), (30, 16)), TOKEN_EPOCHS
        ),
        repeats=3,
        notes="token ids padded with 0 to 20 steps, mask_zero=True; Keras in "
        "float32; fit = training, per epoch: divide by the epochs",
    ),
]
