"""What a benchmark case is, and how one is timed.

Each ``bench_<chapter>.py`` module in this folder defines ``CASES``, a list of
:class:`Case`. ``run.py`` times every case's from-scratch estimator and its reference
in the same process, one after the other, and reports their ratio: absolute times on a
shared machine are noisy, ratios taken in one run much less so.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from scratchlearn import datasets


@dataclass
class Case:
    """One from-scratch estimator against its reference on the same data.

    ``data()`` returns ``(X_train, X_test, y_train, y_test)``; ``ours()`` and
    ``reference()`` return fresh, unfitted estimators with the same settings.
    """

    name: str
    chapter: str
    data: Callable
    ours: Callable
    reference: Callable
    repeats: int = 7
    notes: str = ""
    extra: dict = field(default_factory=dict)


def interleaved_medians(functions, repeats):
    """Median wall time of each function over ``repeats`` rounds (after a warm-up).

    Each round calls every function once, one after the other, so that a change in
    the machine's load (other processes on a shared machine) affects both sides of
    a comparison alike instead of whichever happened to run at that moment.
    """
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, record in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def measure(case):
    """Fit and predict times and test scores of both estimators of ``case``."""
    X_train, X_test, y_train, y_test = case.data()
    row = {
        "name": case.name,
        "chapter": case.chapter,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "n_features": X_train.shape[1],
        "notes": case.notes,
    }
    sides = {"ours": case.ours, "reference": case.reference}
    fitted = {side: make().fit(X_train, y_train) for side, make in sides.items()}
    fit_times = interleaved_medians(
        [lambda make=make: make().fit(X_train, y_train) for make in sides.values()],
        case.repeats,
    )
    predict_times = interleaved_medians(
        [lambda model=model: model.predict(X_test) for model in fitted.values()],
        case.repeats,
    )
    for side, fit_time, predict_time in zip(
        sides, fit_times, predict_times, strict=True
    ):
        row[f"{side}_fit_s"] = fit_time
        row[f"{side}_predict_s"] = predict_time
        row[f"{side}_score"] = float(fitted[side].score(X_test, y_test))
    row["fit_ratio"] = row["ours_fit_s"] / row["reference_fit_s"]
    row["predict_ratio"] = row["ours_predict_s"] / row["reference_predict_s"]
    return row


class TrainedNetwork:
    """A neural network as an estimator, so that ``measure`` times a training like
    any ``fit`` (Part III).

    ``make(n_samples)`` returns a fresh compiled network, ours or Keras's: both have
    ``fit(X, y, epochs=, batch_size=, shuffle=, verbose=)`` and ``predict(X,
    verbose=)``. ``fit`` trains it for ``epochs``, so the ratio of fit times is the
    ratio of times per epoch; ``predict`` returns class indices; ``score`` is the
    accuracy. Labels are one-hot encoded when ``one_hot``; inputs are cast to
    ``dtype`` (Keras trains in float32 by default, ours in float64).
    """

    def __init__(
        self, make, epochs, *, batch_size=32, shuffle=True, one_hot=False, dtype=None
    ):
        self.make, self.epochs, self.batch_size = make, epochs, batch_size
        self.shuffle, self.one_hot, self.dtype = shuffle, one_hot, dtype

    def _inputs(self, X):
        return X if self.dtype is None else X.astype(self.dtype)

    def fit(self, X, y):
        self.model_ = self.make(len(X))
        targets = np.eye(y.max() + 1)[y] if self.one_hot else y  # (n_samples, K)
        self.model_.fit(
            self._inputs(X),
            targets,
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            verbose=0,
        )
        return self

    def predict(self, X):
        return np.argmax(self.model_.predict(self._inputs(X), verbose=0), axis=1)

    def score(self, X, y):
        return float(np.mean(self.predict(X) == y))


def split(data, *, scale=1.0, standardise=False, test_size=0.25, random_state=0):
    """``(X_train, X_test, y_train, y_test)`` of a data set, divided as every chapter
    divides it (:func:`scratchlearn.datasets.split`: scikit-learn's
    ``train_test_split``, stratified for class labels).

    ``data`` is the name of a :mod:`scratchlearn.datasets` loader (``"digits"``) or
    a :class:`~scratchlearn.datasets.Dataset`. ``X`` is divided by ``scale`` (16
    puts the digits' pixels in [0, 1]); with ``standardise`` the features are
    scaled by a ``StandardScaler`` fitted on the training part.
    """
    if isinstance(data, str):
        data = getattr(datasets, data)()
    parts = datasets.split(
        data.X / scale, data.y, test_size=test_size, random_state=random_state
    )
    X_train, X_test = parts.X_train, parts.X_test
    if standardise:
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    return X_train, X_test, parts.y_train, parts.y_test


class Clustering:
    """A clusterer as the harness times it. Clustering has no test set: ``fit``
    clusters the data (timed), ``predict`` returns the labels found (both sides
    alike, so its ratio is about 1 and says nothing), and ``score`` is the adjusted
    Rand index of the labels against the groups the data were drawn from."""

    def __init__(self, model):
        self.model = model

    def fit(self, X, y=None):
        self.model.fit(X)
        return self

    def predict(self, X):
        return self.model.labels_

    def score(self, X, y):
        from sklearn.metrics import adjusted_rand_score

        return adjusted_rand_score(y, self.model.labels_)
