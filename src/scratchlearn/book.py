"""What a chapter notebook uses besides its pictures: the source code it shows,
read from ``src/``, the timed fits it compares with a library, as a table, and the
numbers of its stored outputs, rounded so that they reproduce on any processor
(the figures' JSON and printed results; ``tests/book`` checks both).

(The pictures are in :mod:`scratchlearn.viz`; the runs they draw in each family's
``experiments`` module.)"""

import base64
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


# --- stored outputs that reproduce on any processor ----------------------------

# What a stored figure keeps of each number. Matrix products, reductions and the
# vectorised exp/log differ in their last bits between processors and BLAS builds,
# so a figure that stored every bit of float64 would differ from machine to machine
# (and fail the notebook regression tests). Numbers on a linear axis keep
# LINEAR_DIGITS significant digits of the largest number in their array (one part
# in 10^4 to 10^5 of the plot's extent, far below a pixel); numbers on a log axis
# keep LOG_DIGITS significant digits of their own (0.1% of a value, invisible on a
# log scale). make test runs every notebook as another processor would (see
# tests/conftest.py) and compares the stored figures byte for byte.
LINEAR_DIGITS = 5


LOG_DIGITS = 3


def displayed(spec, rounding=None):
    """``spec`` (a plotly figure's JSON, or a part of it) with every float rounded
    for display by ``rounding`` (default :func:`_round_linear`): arrays to
    ``LINEAR_DIGITS`` significant digits of their largest magnitude, lone numbers
    to ``LINEAR_DIGITS`` of their own.

    Integers, booleans, strings and plotly's template (the same on every machine)
    are kept as they are.
    """
    rounding = rounding or _round_linear
    if isinstance(spec, dict):
        if _is_typed_array(spec):
            return _encode(rounding(_decode(spec)), spec)
        return {
            key: value if key == "template" else displayed(value, rounding)
            for key, value in spec.items()
        }
    if isinstance(spec, list):
        if _is_numbers(spec):
            return _round_list(spec, rounding)
        return [displayed(value, rounding) for value in spec]
    if isinstance(spec, float):
        return float(rounding(np.array([spec]))[0])
    return spec


def figure_for_display(spec):
    """A plotly figure's JSON ``spec`` as it is stored in a notebook: every float
    rounded by :func:`displayed`, except the ``x`` and ``y`` of traces drawn on log
    axes, which keep ``LOG_DIGITS`` significant digits value by value (on a log
    scale a small value is as visible as a large one, so it must not be rounded to
    the largest one's digits)."""
    log_axes = {
        name
        for name, axis in spec.get("layout", {}).items()
        if name.startswith(("xaxis", "yaxis"))
        and isinstance(axis, dict)
        and axis.get("type") == "log"
    }

    def rounding(trace, key):
        axis = trace.get(f"{key}axis", key)  # "x", "x2", ... for x and y
        on_log_axis = key in ("x", "y") and f"{key}axis{axis[1:]}" in log_axes
        return _round_log if on_log_axis else _round_linear

    data = [
        {key: displayed(value, rounding(trace, key)) for key, value in trace.items()}
        for trace in spec.get("data", [])
    ]
    return {**displayed({k: v for k, v in spec.items() if k != "data"}), "data": data}


def _round_linear(values):
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0 or finite.max() == 0:
        return values
    # The nearest power of ten to the largest magnitude, not the one below it: a
    # largest value of 0.99999999 or 1.0 (a probability) gives the same digits.
    exponent = int(np.floor(np.log10(finite.max()) + 0.5))
    return np.round(values, LINEAR_DIGITS - 1 - exponent)


def _round_log(values):
    values = np.asarray(values, dtype=float)
    flat = [float(f"{v:.{LOG_DIGITS - 1}e}") for v in values.ravel().tolist()]
    return np.array(flat, dtype=float).reshape(values.shape)


def _is_numbers(values):
    """A non-empty list of numbers (or ``None`` gaps) with at least one float."""
    numbers = [v for v in values if v is not None]
    return (
        bool(numbers)
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers
        )
        and any(isinstance(v, float) for v in numbers)
    )


def _round_list(values, rounding):
    array = np.array([np.nan if v is None else v for v in values], dtype=float)
    result = rounding(array).tolist()
    return [None if v is None else r for v, r in zip(values, result, strict=True)]


def _is_typed_array(spec):
    return "bdata" in spec and "dtype" in spec


def _decode(spec):
    values = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=spec["dtype"])
    if "shape" in spec:
        values = values.reshape([int(n) for n in str(spec["shape"]).split(",")])
    return values


def _encode(values, spec):
    """``values`` in the typed-array form of ``spec`` (same shape). Rounded floats
    are stored in float32 (7 significant digits, more than they keep) where they
    fit: half the bytes of float64, and the same numbers on every machine."""
    if np.dtype(spec["dtype"]).kind != "f":
        return spec
    magnitudes = np.abs(values[np.isfinite(values) & (values != 0)])
    fits = magnitudes.size == 0 or (
        magnitudes.min() > 1e-30 and magnitudes.max() < 1e30
    )
    dtype = "f4" if fits else "f8"
    data = np.ascontiguousarray(values, dtype=dtype).tobytes()
    return {**spec, "dtype": dtype, "bdata": base64.b64encode(data).decode()}


def rounded(values, decimals=4):
    """Round floats for figures and printed output so stored notebooks are stable
    across machines (the last bits of a float can differ between BLAS builds)."""
    return np.round(np.asarray(values, dtype=float), decimals)
