"""Reference data: what hidden tests compare against, worked out outside the kernel.

A hidden test that needs a library to know the right answer (scikit-learn's
predictions, scratchlearn's own implementation, a data set shipped with scikit-learn)
does not import that library. Its master notebook computes the answers once, in one
code cell that starts with ``# REFERENCE DATA`` and assigns a :class:`Reference` to
``reference``::

    # REFERENCE DATA
    from sklearn.datasets import load_wine

    from scratchlearn.grading.reference import Reference

    X, y = load_wine(return_X_y=True)
    reference = Reference(wine_X=X, wine_y=y)

and each test that needs it takes a ``reference`` argument::

    def test_q4_wine(knn_predict, reference):
        from scratchlearn.grading import load_reference

        data = load_reference(reference)
        ...data["wine_X"]...

The cell is not part of the learner's notebook nor of the test files. When the
autograder is built (:mod:`scratchlearn.grading.assign`), the cell runs in the build's
process and its values are stored, as numbers, in the autograder zip
(:data:`FILE_NAME`). When a notebook is graded (:mod:`scratchlearn.grading.grade`),
the grading process reads them from the zip and hands them to the tests itself, after
the learner's last cell has run: the learner's code never imports the libraries the
answers come from, so it cannot change them, and a variable the learner names
``reference`` is not what the tests get. In the master notebook, run top to bottom,
the cell simply defines ``reference`` for the test cells below it.

Values may be NumPy arrays and scalars (of any dtype but ``object``), Python numbers,
strings, booleans, ``None``, lists, tuples (read back as lists) and dicts with string
keys, nested. They cross as JSON with arrays in NumPy's own ``.npy`` format, so they
come back bit for bit, dtype and shape included.
"""

import base64
import io
import json
import pathlib

import numpy as np

MARKER = "# REFERENCE DATA"
FILE_NAME = "scratchlearn_reference.json"
_ARRAY, _SCALAR = "__ndarray__", "__scalar__"


class Reference(dict):
    """The reference data of one exercise: a dict whose missing keys say so clearly."""

    def __missing__(self, key):
        raise KeyError(
            f"The reference data has no {key!r}; it has {sorted(self)}. Add it to "
            f"the master notebook's '{MARKER}' cell."
        )


def encode(reference):
    """JSON text of ``reference`` (see the module docstring for what it may hold)."""
    return json.dumps(_encode(reference, "reference"), separators=(",", ":"))


def decode(text):
    """The :class:`Reference` that :func:`encode` wrote as ``text``."""
    return Reference(_decode(json.loads(text)))


def load_reference(given):
    """The reference data for a hidden test's ``reference`` argument.

    Under ``make grade`` and in the master notebook, ``given`` is the
    :class:`Reference` itself. otter-grader's own runner (``otter run``, ``otter
    grade`` in Docker) fills test arguments from the notebook's variables instead, so
    there the data is read from the file that otter copies beside the submission.
    """
    if isinstance(given, Reference):
        return given
    path = pathlib.Path(FILE_NAME)
    if not path.is_file():
        raise RuntimeError(
            "This check needs the exercise's reference data, which only the grader "
            "has: grade with `python -m scratchlearn.grading grade <notebook>`."
        )
    return decode(path.read_text(encoding="utf-8"))


def run_cell(source):
    """Run a master's ``# REFERENCE DATA`` cell alone; return its :class:`Reference`.

    The cell must be self-contained (its own imports and data) and assign
    ``reference``.
    """
    namespace = {"__name__": "__reference__"}
    exec(compile(source, "<reference data cell>", "exec"), namespace)
    reference = namespace.get("reference")
    if not isinstance(reference, dict):
        raise ValueError(
            f"The '{MARKER}' cell must assign a Reference (a dict) to `reference`; "
            f"it assigned {type(reference).__name__}."
        )
    return Reference(reference)


def _encode(value, where):
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise TypeError(f"{where}: arrays of Python objects cannot be stored")
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        return {_SCALAR if isinstance(value, np.generic) else _ARRAY: data}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError(f"{where}: dict keys must be strings")
        if {_ARRAY, _SCALAR} & set(value):
            raise ValueError(f"{where}: the keys {_ARRAY}, {_SCALAR} are reserved")
        return {key: _encode(item, f"{where}[{key!r}]") for key, item in value.items()}
    raise TypeError(f"{where}: cannot store a {type(value).__name__}")


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        for tag in (_ARRAY, _SCALAR):
            if set(value) == {tag}:
                raw = base64.b64decode(value[tag])
                array = np.load(io.BytesIO(raw), allow_pickle=False)
                return array[()] if tag == _SCALAR else array
        return {key: _decode(item) for key, item in value.items()}
    return value
