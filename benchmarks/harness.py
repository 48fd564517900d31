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


def median_time(function, repeats):
    """Median wall time of ``function()`` over ``repeats`` calls (after one warm-up)."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    for side, make in (("ours", case.ours), ("reference", case.reference)):
        fitted = make().fit(X_train, y_train)
        row[f"{side}_fit_s"] = median_time(
            lambda make=make: make().fit(X_train, y_train), case.repeats
        )
        row[f"{side}_predict_s"] = median_time(
            lambda fitted=fitted: fitted.predict(X_test), case.repeats
        )
        row[f"{side}_score"] = float(fitted.score(X_test, y_test))
    row["fit_ratio"] = row["ours_fit_s"] / row["reference_fit_s"]
    row["predict_ratio"] = row["ours_predict_s"] / row["reference_predict_s"]
    return row
