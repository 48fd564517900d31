"""Chapter 27: our recurrent networks against TensorFlow/Keras, on one thread each.

Whole trainings, timed like any ``fit`` (see ``harness.TrainedNetwork``): each side
trains a fresh network with the same architecture, optimizer and epochs, so the fit
ratio is the ratio of the time per epoch; ``score`` is the test accuracy.

* the digits read row by row (8 steps of 8 pixels), with SimpleRNN, GRU and LSTM;
* ``datasets.token_sequences``: token ids padded with 0 to 20 steps, through
  ``Embedding(mask_zero=True)`` and an LSTM, so that masking is part of the cost;
* ``datasets.sunspots``: the chapter's forecaster, GRU(16) then Dense(1), reading 12
  years to forecast the next, trained on the years before 1965 and scored (R^2) on
  1965-2008.

Both start from the same initial weights (ours, copied into Keras's model); Keras
trains in its default single precision, ours in float64, each shuffling with its own
generator. TensorFlow is limited to one thread by ``run.py``.
"""

import keras
import numpy as np
from harness import Case, TrainedNetwork

from scratchlearn import datasets
from scratchlearn.deep import GRU, LSTM, Adam, Dense, Embedding, Sequential, SimpleRNN
from scratchlearn.deep.losses import MeanSquaredError, SparseCategoricalCrossentropy

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
        # The same initial weights as ours (same layout): only the arithmetic
        # (float32) and the order of the mini-batches differ.
        twin = ours(cell, n_classes, embedding)(n_samples).build(input_shape)
        model.set_weights(twin.get_weights())
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


WINDOW, FORECAST_UNITS, FORECAST_EPOCHS = 12, 16, 30


def sunspot_windows():
    """Windows of 12 years and the year after, split in time: the forecasts of the
    years before 1965 train, those of 1965-2008 test (as the chapter's test)."""
    data = datasets.sunspots()
    years, counts = data.X[:, 0], data.y
    X = np.lib.stride_tricks.sliding_window_view(counts[:-1], WINDOW)  # (297, 12)
    y = counts[WINDOW:]
    train = years[WINDOW:] < 1965
    return X[train], X[~train], y[train], y[~train]


class Forecaster:
    """A network that forecasts a number, as an estimator for ``measure``: it
    scales inputs and targets with the training targets' mean and deviation, trains
    ``make()`` for ``epochs`` on the squared error, and scores R^2."""

    def __init__(self, make, epochs, dtype=None):
        self.make, self.epochs, self.dtype = make, epochs, dtype

    def _inputs(self, X):
        X = ((X - self.mean_) / self.std_)[..., np.newaxis]  # (n, steps, 1)
        return X if self.dtype is None else X.astype(self.dtype)

    def fit(self, X, y):
        self.mean_, self.std_ = y.mean(), y.std()
        self.model_ = self.make()
        targets = (y - self.mean_) / self.std_
        self.model_.fit(
            self._inputs(X), targets, epochs=self.epochs, batch_size=32, verbose=0
        )
        return self

    def predict(self, X):
        scaled = self.model_.predict(self._inputs(X), verbose=0)[:, 0]
        return scaled * self.std_ + self.mean_

    def score(self, X, y):
        residual = np.sum((y - self.predict(X)) ** 2)
        return float(1.0 - residual / np.sum((y - y.mean()) ** 2))


def our_forecaster():
    model = Sequential([GRU(FORECAST_UNITS), Dense(1)], random_state=0)
    return model.compile(Adam(0.01), MeanSquaredError())


def keras_forecaster():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((WINDOW, 1)),
            keras.layers.GRU(FORECAST_UNITS),
            keras.layers.Dense(1),
        ]
    )
    model.set_weights(our_forecaster().build((WINDOW, 1)).get_weights())
    model.compile(keras.optimizers.Adam(0.01), keras.losses.MeanSquaredError())
    return model


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
    Case(
        name=f"GRU({FORECAST_UNITS}) sunspots forecast ({FORECAST_EPOCHS} epochs)",
        chapter="27",
        data=sunspot_windows,
        ours=lambda: Forecaster(our_forecaster, FORECAST_EPOCHS),
        reference=lambda: Forecaster(keras_forecaster, FORECAST_EPOCHS, "float32"),
        repeats=3,
        notes="12 past years -> the next; trained on the years before 1965, "
        "R^2 on 1965-2008; Keras in float32; fit = training, per epoch: divide "
        "by the epochs",
    ),
]
