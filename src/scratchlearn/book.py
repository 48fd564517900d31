"""What a chapter notebook uses besides its pictures: the source code it shows,
read from ``src/``, and the timed fits it compares with a library, as a table.

(The pictures are in :mod:`scratchlearn.viz`; the runs they draw in each family's
``experiments`` module.)"""

import inspect
import pathlib
import time

import numpy as np

SRC = pathlib.Path(__file__).resolve().parents[1]  # the folder holding scratchlearn/


def show_source(obj):
    """Display the source code of a class, function or method of scratchlearn.

    The chapter shows the code that actually runs, read from ``src/`` at display time,
    never a copy pasted into the notebook.
    """
    from IPython.display import Markdown

    lines, first = inspect.getsourcelines(obj)
    path = pathlib.Path(inspect.getsourcefile(obj)).resolve()
    try:
        where = path.relative_to(SRC.parent).as_posix()
    except ValueError:  # installed elsewhere than the repository's src/
        where = path.name
    header = f"`{where}`, lines {first}-{first + len(lines) - 1}"
    return Markdown(f"{header}\n\n```python\n{''.join(lines)}```")


def fit_and_time(estimator, X_train, y_train, X_test, y_test, repeats=3):
    """Fit ``estimator``, score it on the test set and time fit and predict.

    Returns a dict with ``score``, ``fit_ms`` and ``predict_ms`` (medians over
    ``repeats``). Times vary from run to run; print them in a cell of their own.
    """
    fit_times, predict_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        fit_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        estimator.predict(X_test)
        predict_times.append(time.perf_counter() - start)
    return {
        "score": float(estimator.score(X_test, y_test)),
        "fit_ms": 1e3 * float(np.median(fit_times)),
        "predict_ms": 1e3 * float(np.median(predict_times)),
    }


def side_by_side(results, columns, decimals=4):
    """Format ``{"scratchlearn": {...}, "scikit-learn": {...}}`` as an aligned table."""
    names = list(results)
    width = max(len(column) for column in columns) + 2
    lines = [" " * width + "".join(f"{name:>16}" for name in names)]
    for column in columns:
        cells = "".join(f"{results[name][column]:>16.{decimals}f}" for name in names)
        lines.append(f"{column:<{width}}{cells}")
    return "\n".join(lines)
