"""What the exercises' tests use to call a learner's function and judge its answer.

Every test of an exercise goes through two helpers:

* :func:`call` runs the learner's function inside :func:`time_limit`, and turns
  whatever goes wrong (an exception, an endless loop) into an ``AssertionError`` or a
  ``TimeoutError`` whose message says what happened, in the learner's terms;
* :func:`check_array` compares the answer with the expected one and explains the
  first difference it finds: ``None`` returned, wrong shape, NaN, wrong values.

A failed test therefore costs the learner the test's points and shows one clear
sentence; it never stops the grading of the other questions.

Only NumPy and the standard library are imported here: the tests run in the learner's
kernel, which may be a bare Colab or Binder session.
"""

import ast
import contextlib
import inspect
import os
import re
import signal
import textwrap
import threading
import time
import traceback
import weakref

import numpy as np

# Seconds one call of a learner's function may take. A correct answer needs
# milliseconds; the limit only has to catch endless loops. SCRATCHLEARN_TIME_LIMIT
# overrides it (the grading tests use a short one to stay fast).
TIME_LIMIT = float(os.environ.get("SCRATCHLEARN_TIME_LIMIT", "10"))

# What the checks and the tests rely on, as it was when this module was first
# imported: the grader imports it before any of the learner's cells runs, so that
# code replacing, say, np.isclose or np.testing.assert_allclose is found out.
_WATCHED_MODULES = (
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "numpy.testing",
    "builtins",
)
# The kernel itself swaps these builtins at each cell it runs.
_KERNEL_BUILTINS = {
    "input",
    "raw_input",
    "getpass",
    "help",
    "display",
    "get_ipython",
    "exit",
    "quit",
    "copyright",
    "credits",
    "license",
}


def _snapshot():
    import builtins
    import importlib

    import numpy.testing  # noqa: F401  (loaded, so that it is watched)

    snapshot = {}
    for name in _WATCHED_MODULES:
        module = builtins if name == "builtins" else importlib.import_module(name)
        snapshot[name] = (
            module,
            {
                key: value
                for key, value in vars(module).items()
                if not key.startswith("_")
                and (callable(value) or inspect.ismodule(value))
                # The kernel itself swaps these builtins at each cell it runs.
                and not (name == "builtins" and key in _KERNEL_BUILTINS)
            },
        )
    return snapshot


_TRUSTED = _snapshot()


def check_untouched():
    """Assert that NumPy's and Python's functions are those the checks started with.

    Raises
    ------
    AssertionError
        Naming the first function the notebook replaced or removed (an answer that
        patches ``np.isclose`` or ``np.testing.assert_allclose`` gets no points).
    """
    for name, (module, functions) in _TRUSTED.items():
        namespace = vars(module)
        for key, value in functions.items():
            if namespace.get(key) is not value:
                raise AssertionError(
                    f"The notebook replaced `{name}.{key}`, which the checks rely on: "
                    "no points for a notebook that changes how it is checked."
                )


# Functions that already ran out of time: later tests fail at once instead of
# waiting for the same endless loop again. Redefining the function gives a new
# object, which is tried afresh.
_OUT_OF_TIME = weakref.WeakSet()


class _OutOfTime(BaseException):
    """Raised by the alarm inside the learner's code.

    A ``BaseException`` so that an ``except Exception:`` in the learner's loop cannot
    swallow it; :func:`time_limit` turns it into a ``TimeoutError`` on the way out.
    """


def _alarm_available():
    # SIGALRM exists on Linux and macOS only, and Python delivers signals to the main
    # thread only (where Jupyter kernels run cells).
    return hasattr(signal, "setitimer") and (
        threading.current_thread() is threading.main_thread()
    )


@contextlib.contextmanager
def time_limit(seconds, what="The code"):
    """Stop the code in the ``with`` block after ``seconds`` with a ``TimeoutError``.

    Parameters
    ----------
    seconds : float
        How long the block may run.
    what : str
        What runs in the block, for the message (``"knn_predict(X, y, X_query, k=3)"``).

    Raises
    ------
    TimeoutError
        If the block runs longer than ``seconds``; its message says that the code did
        not finish and probably loops forever.

    Notes
    -----
    The limit is a ``SIGALRM`` timer, so it works in the main thread of a Linux or
    macOS process, which is where a Jupyter kernel runs cells. Elsewhere (Windows, a
    worker thread) the block runs without a limit, and only the grader's overall
    timeout protects against an endless loop. A timer already running (an outer
    ``time_limit``) is restarted afterwards with the time it has left.

    After the first alarm the timer fires again every 0.1 s, so that code catching the
    first interruption is interrupted again.
    """
    if not _alarm_available():
        yield
        return
    armed = True

    def interrupt(signum, frame):
        if armed:
            raise _OutOfTime

    outer_handler = signal.signal(signal.SIGALRM, interrupt)
    if outer_handler is None:  # set outside Python: it cannot be put back
        outer_handler = signal.SIG_DFL
    outer_remaining, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    except _OutOfTime:
        armed = False
        raise TimeoutError(
            f"{what} did not finish within {seconds:g} s: it probably loops forever "
            "(check the loop's stopping condition)."
        ) from None
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_remaining > 0:
            left = outer_remaining - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)


def _describe_call(name, args, kwargs):
    """``name(X, y, k=3)``-style text for a call, with arrays shown by their shape."""

    def short(value):
        if isinstance(value, np.ndarray):
            return f"<array of shape {value.shape}>"
        text = repr(value)
        return text if len(text) <= 20 else text[:17] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _where_in_learner_code(error):
    """``(in f, line 4: return x @ y)``: the deepest line of the learner's own code.

    That is the last frame in a notebook cell (IPython names their files
    ``.../ipykernel_<pid>/<hash>.py``), or else the last one outside installed
    packages (NumPy) and this module.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    frames = traceback.extract_tb(error.__traceback__)
    in_cells = [
        f for f in frames if re.search(r"ipykernel_|<ipython-input", f.filename)
    ]
    frames = in_cells or [
        frame
        for frame in frames
        if not frame.filename.startswith(here)
        and not re.search(r"[/\\](site|dist)-packages[/\\]", frame.filename)
    ]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    return f" (in {frame.name}, line {frame.lineno}: {line})" if line else ""


def call(function, *args, seconds=None, **kwargs):
    """Call a learner's ``function(*args, **kwargs)`` within a time limit.

    Parameters
    ----------
    function : callable or None
        The learner's function, as found in the notebook (``None`` if undefined).
    *args, **kwargs
        Passed to ``function``. Pass copies if the test reuses them afterwards.
    seconds : float, optional
        The time limit; :data:`TIME_LIMIT` by default.

    Returns
    -------
    The function's return value.

    Raises
    ------
    AssertionError
        If ``function`` is missing or raises; the message names the exception and the
        line of the learner's code it came from.
    TimeoutError
        If ``function`` does not finish in time, or already ran out of time in an
        earlier test.
    """
    seconds = TIME_LIMIT if seconds is None else seconds
    check_untouched()
    if function is None:
        raise AssertionError(
            "The function to test is not defined: run the cell that defines it (and "
            "the cells above it) first."
        )
    if not callable(function):
        raise AssertionError(f"Expected a function, got {type(function).__name__}.")
    name = getattr(function, "__name__", "the function")
    described = _describe_call(name, args, kwargs)
    if function in _OUT_OF_TIME:
        raise TimeoutError(
            f"{name} ran out of time in an earlier test ({seconds:g} s); not run again."
        )
    try:
        with time_limit(seconds, described):
            return function(*args, **kwargs)
    except TimeoutError:
        _OUT_OF_TIME.add(function)
        raise
    except (Exception, SystemExit, KeyboardInterrupt, GeneratorExit) as error:
        # SystemExit too: `raise SystemExit` or exit() in an answer costs its test,
        # not the grading of the whole notebook.
        raise AssertionError(
            f"{described} raised {type(error).__name__}: {str(error).strip()}"
            + _where_in_learner_code(error)
        ) from None


def check_array(
    result,
    expected,
    *,
    name="the result",
    shape_names=None,
    exact=False,
    integer=False,
    atol=1e-8,
    hint=None,
):
    """Assert that ``result`` equals ``expected``, explaining the first difference.

    Checks, in this order: something was returned, it converts to a numeric array,
    the shape, NaN and infinity, then the values.

    Parameters
    ----------
    result : object
        What the learner's function returned.
    expected : array-like
        The right answer.
    name : str
        How to call ``result`` in messages (``"euclidean_distances(X, Y)"``).
    shape_names : str, optional
        The expected shape in words (``"(n_queries, n_train)"``), shown next to the
        numbers when the shape is wrong.
    exact : bool
        Compare exactly (indices, labels) instead of with a floating-point tolerance.
    integer : bool
        Require an integer array (indices, which NumPy needs to index with).
    atol : float
        Absolute tolerance of the floating-point comparison (the relative one is
        ``1e-6``).
    hint : str, optional
        Appended to the message when the values are wrong.

    Raises
    ------
    AssertionError
        With a message a learner can act on.
    """
    check_untouched()
    expected = np.asarray(expected)
    if result is None:
        raise AssertionError(
            f"{name} returned None. Write your code in place of the `...` and make "
            "sure the function ends with `return`."
        )
    try:
        result = np.asarray(result)
    except Exception as error:  # ragged lists and other things NumPy cannot read
        raise AssertionError(
            f"{name} should be a NumPy array, got {type(result).__name__} that NumPy "
            f"cannot convert ({error})."
        ) from None
    numeric = np.issubdtype(result.dtype, np.number) or result.dtype == bool
    if not numeric and np.issubdtype(expected.dtype, np.number):
        raise AssertionError(
            f"{name} should hold numbers, got an array of {result.dtype} "
            f"(type {type(result).__name__})."
        )
    if integer and not np.issubdtype(result.dtype, np.integer):
        raise AssertionError(
            f"{name} should hold integers (positions to index with), got "
            f"{result.dtype}."
        )
    if result.shape != expected.shape:
        words = f"{shape_names} = " if shape_names else ""
        raise AssertionError(
            f"{name} has the wrong shape: expected {words}{expected.shape}, got "
            f"{result.shape}."
        )
    if np.issubdtype(result.dtype, np.inexact):
        for bad, what, why in (
            (np.isnan(result), "NaN (not a number)", "np.sqrt of a negative or 0 / 0"),
            (np.isinf(result), "infinity", "a division by zero"),
        ):
            if bad.any():
                first = tuple(int(i) for i in np.argwhere(bad)[0])
                raise AssertionError(
                    f"{name} contains {what} in {int(bad.sum())} place(s), first at "
                    f"index {first}. It usually comes from {why}."
                )
    if exact:
        wrong = result != expected
        if wrong.any():
            first = tuple(int(i) for i in np.argwhere(wrong)[0])
            message = (
                f"{name} is wrong in {int(wrong.sum())} of {wrong.size} place(s); "
                f"first at index {first}: expected {expected[first].item()!r}, got "
                f"{result[first].item()!r}."
            )
            raise AssertionError(message + (f" {hint}" if hint else ""))
        return
    close = np.isclose(result, expected, rtol=1e-6, atol=atol)
    if not close.all():
        difference = np.abs(result.astype(float) - expected)
        worst = tuple(
            int(i) for i in np.unravel_index(np.argmax(difference), difference.shape)
        )
        message = (
            f"{name} is wrong in {int((~close).sum())} of {close.size} place(s); the "
            f"largest difference is {float(difference[worst]):.3g} at index {worst} "
            f"(expected {float(expected[worst]):.6g}, got {float(result[worst]):.6g})."
        )
        raise AssertionError(message + (f" {hint}" if hint else ""))


_LOOP_NODES = {
    ast.For: "`for` loop",
    ast.While: "`while` loop",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
}
# NumPy helpers that run a Python function once per element or row: loops in disguise.
_LOOPING_CALLS = {"vectorize", "apply_along_axis", "frompyfunc", "fromiter", "map"}


def check_no_python_loops(function, *, instead="NumPy broadcasting"):
    """Assert that ``function``'s source has no Python loop (nor a disguised one).

    Parameters
    ----------
    function : callable
        The learner's function.
    instead : str
        What to use instead, for the message.

    Raises
    ------
    AssertionError
        Naming the loop and its line within the function.

    Notes
    -----
    The source is read with :func:`inspect.getsource`, which finds functions defined
    in notebook cells. When the source cannot be found the check passes: the learner
    is not penalised for how the grader runs.
    """
    if function is None or not callable(function):
        raise AssertionError("The function to check is not defined.")
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return
    name = getattr(function, "__name__", "the function")
    body = tree.body[0] if tree.body else tree
    for node in ast.walk(body):
        kind = _LOOP_NODES.get(type(node))
        if kind is None and isinstance(node, ast.Call):
            called = node.func
            called_name = getattr(called, "attr", getattr(called, "id", None))
            if called_name in _LOOPING_CALLS:
                kind = f"call of {called_name} (a loop in disguise)"
        if kind is not None:
            raise AssertionError(
                f"{name} uses a {kind} (line {node.lineno} of the function). Work on "
                f"all the rows at once with {instead} instead: it is much faster."
            )


def show_score(grader, questions, environment):
    """Run every question's public checks and print the points, with a total.

    The learner's notebook ends with a cell calling this, so that a learner on
    Binder or Colab sees a score without ``make grade``.

    Parameters
    ----------
    grader : otter.Notebook
        The notebook's grader (made by the set-up cell).
    questions : list of str
        The questions, in order (``["q1", "q2"]``).
    environment : dict
        The notebook's globals, where the answers are.

    Returns
    -------
    tuple of float
        The points scored and the points possible.
    """
    score = possible = 0.0
    lines = []
    for question in questions:
        try:
            result = grader.check(question, environment)
            got, out_of = float(result.score), float(result.possible)
            failed = not result.passed_all
        except Exception as error:  # the checks could not run at all
            got, out_of, failed = 0.0, 0.0, True
            lines.append(f"{question}: the checks could not run ({error}).")
            continue
        score, possible = score + got, possible + out_of
        note = f'  (run grader.check("{question}") to see why)' if failed else ""
        lines.append(f"{question}: {got:g} / {out_of:g}{note}")
    print("\n".join(lines))
    print(
        f"Public checks: {score:g} / {possible:g} points. Grading adds hidden checks, "
        "so the final score can be lower."
    )
    return score, possible
