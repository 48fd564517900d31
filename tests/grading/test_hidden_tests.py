"""Static checks over the hidden tests of every exercise (issue 15, section 3).

Hidden tests never compute what they compare against with a library (scikit-learn,
SciPy, TensorFlow, scratchlearn's own implementation) in the learner's kernel, where a
learner's cell could reach it: expected values that need one are worked out when the
autograder is built, in the master's reference data cell, and reach the tests as
numbers (scratchlearn.grading.reference). This test reads every hidden test cell and
fails on any library import but those in SCAFFOLDING, each with its reason.
"""

import ast
import functools
from pathlib import Path

import nbformat

from tests.conftest import ROOT

LIBRARIES = {
    "keras",
    "scipy",
    "scratchlearn",
    "sklearn",
    "statsmodels",
    "tensorflow",
    "torch",
    "xgboost",
}
# The grading helpers (call, check_array, ...) run in the kernel by design.
ALLOWED = ("scratchlearn.grading",)

# Library code that a hidden test needs as the learner's function's INPUT, not to work
# out an expected value: {exercise: (imports, why)}. The expected values of these tests
# are reference data too.
SCAFFOLDING = {
    "deep/autoencoders.ipynb": (
        {"scratchlearn.deep"},
        "q3: chained_step is given the book's dense and convolutional autoencoders",
    ),
    "deep/gan.ipynb": (
        {"scratchlearn.deep"},
        "q3: train_step is given the book's generator and discriminator (Sequential)",
    ),
}
KNOWN = {exercise: imports for exercise, (imports, _) in SCAFFOLDING.items()}


def _library_imports(source):
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            if name.split(".")[0] in LIBRARIES and not name.startswith(ALLOWED):
                modules.add(name)
    return modules


@functools.cache
def _hidden_imports():
    found = {}
    for master in sorted(Path(ROOT, "solutions").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in master.parts:
            continue
        notebook = nbformat.read(master, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and "hidden: true" in cell.source:
                modules = _library_imports(cell.source)
                if modules:
                    key = master.relative_to(ROOT / "solutions").as_posix()
                    found.setdefault(key, set()).update(modules)
    return found


def _beyond(these, those):
    """{exercise: sorted imports in ``these`` and not in ``those``}, where any."""
    return {
        key: sorted(extra)
        for key, modules in these.items()
        if (extra := modules - those.get(key, set()))
    }


def test_no_hidden_test_gains_a_library_import():
    new = _beyond(_hidden_imports(), KNOWN)
    assert not new, (
        "Hidden tests must not import a library in the learner's kernel: put what "
        "they compare against in the master's '# REFERENCE DATA' cell "
        f"(scratchlearn.grading.reference); new imports: {new}"
    )


def test_the_known_library_imports_are_still_true():
    stale = _beyond(KNOWN, _hidden_imports())
    assert not stale, f"Remove from SCAFFOLDING, these imports are gone: {stale}"


def test_the_scan_finds_a_library_import():
    source = '""" # BEGIN TEST CONFIG\nhidden: true\n"""\nfrom sklearn.tree import X\n'
    assert _library_imports(source) == {"sklearn.tree"}
    assert _library_imports("from scratchlearn.grading import call") == set()
