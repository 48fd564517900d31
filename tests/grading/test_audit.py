"""Simulated learners who cheat or tamper, over every exercise, and the runtime guards.

The audit reads a notebook's code before it runs (scratchlearn.grading.audit): these
tests need no grading run, so they cover every exercise in seconds. Simulated
learners: the right answer and the untouched notebook (nothing found), an answer that
calls a library's implementation (its question scores zero), and a catalogue of
tampering, in a cell of its own or inside an answer (the notebook scores zero).
The end-to-end gradings of such notebooks are in test_grading.py.
"""

import ast
import copy
import signal
import threading

import nbformat
import numpy as np
import pytest

from scratchlearn.grading import call, check_array, check_untouched
from scratchlearn.grading.audit import answer_names, audit
from scratchlearn.grading.grade import _catch_exceptions_only, _hardened
from tests.conftest import ROOT

MASTERS = sorted(
    path
    for path in (ROOT / "solutions").rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)
IDS = [m.relative_to(ROOT / "solutions").as_posix() for m in MASTERS]


def _notebooks(master_path):
    master = nbformat.read(master_path, as_version=4)
    exercise = ROOT / "exercises" / master_path.relative_to(ROOT / "solutions")
    return master, nbformat.read(exercise, as_version=4)


def solved(learner, master):
    """The learner's notebook with the master's answers written in (right answers)."""
    sources = {c.get("id"): c.source for c in master.cells if c.cell_type == "code"}
    notebook = copy.deepcopy(learner)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("id") in sources:
            cell.source = "\n".join(
                line
                for line in sources[cell.id].splitlines()
                if "# BEGIN SOLUTION" not in line and "# END SOLUTION" not in line
            )
    return notebook


def _answer_cells(notebook, names):
    """The code cells defining any of ``names``."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        defined = {
            getattr(node, "name", None)
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)
        }
        defined |= {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        if defined & set(names):
            found.append(cell)
    return found


def _use_library(source, names, statement):
    """``source`` whose definitions of ``names`` run ``statement`` first.

    A function or class gets it as its first statements; an answer that is a value
    (``best_k = ...``) gets the statements before it and the last one's value in it.
    """
    tree = ast.parse(source)
    extra = ast.parse(statement).body
    body = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in names:
            node.body[:0] = copy.deepcopy(extra)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in names for t in node.targets
        ):
            body += copy.deepcopy(extra)
            if isinstance(extra[-1], ast.Expr):
                body.pop()
                value = f"({ast.unparse(extra[-1])}, {ast.unparse(node.value)})[1]"
                node.value = ast.parse(value).body[0].value
        body.append(node)
    tree.body = body
    return ast.unparse(tree)


@pytest.mark.parametrize("master_path", MASTERS, ids=IDS)
def test_right_and_untouched_answers_are_clean(master_path):
    master, learner = _notebooks(master_path)
    assert answer_names(master), "every exercise names its answers"
    for notebook in (learner, solved(learner, master)):
        found = audit(notebook, learner, master)
        assert not found.tampering, found.tampering
        assert not found.library, found.library


# Library calls, written as the first statement of every answer of a question.
CHEATS = {
    "scikit-learn": (
        "from sklearn.linear_model import LinearRegression\nLinearRegression()",
        "sklearn.linear_model.LinearRegression",
    ),
    "scratchlearn": (
        "import scratchlearn.supervised as own\nown.KNeighborsClassifier()",
        "scratchlearn.supervised",
    ),
    "scipy's solvers": (
        "from scipy.optimize import minimize\nminimize",
        "scipy.optimize.minimize",
    ),
    "TensorFlow": ("import tensorflow as tf\ntf.nn.conv2d", "tensorflow"),
}


@pytest.mark.parametrize("master_path", MASTERS, ids=IDS)
@pytest.mark.parametrize("library", list(CHEATS))
def test_an_answer_calling_a_library_scores_zero_on_its_question(master_path, library):
    master, learner = _notebooks(master_path)
    statement, named = CHEATS[library]
    answers = answer_names(master)
    for question, names in answers.items():
        notebook = solved(learner, master)
        cells = _answer_cells(notebook, names)
        assert cells, f"{question}: no cell defines {names}"
        for cell in cells:
            cell.source = _use_library(cell.source, names, statement)
        found = audit(notebook, learner, master)
        assert not found.tampering, found.tampering
        # Tasks whose answers call this one's functions lose their points too.
        assert question in found.library, (question, found.library)
        (message,) = found.library[question]
        assert named in message and "write it yourself" in message, message


def test_a_helper_in_another_cell_does_not_hide_a_library_call():
    master, learner = _notebooks(ROOT / "solutions" / "supervised" / "knn.ipynb")
    notebook = solved(learner, master)
    helper = nbformat.v4.new_code_cell(
        "from sklearn.neighbors import KNeighborsClassifier\n\n\n"
        "def helper(X, y, Q, k):\n"
        "    return KNeighborsClassifier(k).fit(X, y).predict(Q)\n"
    )
    notebook.cells.insert(3, helper)
    (cell,) = _answer_cells(notebook, ["knn_predict"])
    cell.source = (
        "def knn_predict(X_train, y_train, X_query, k):\n"
        "    return helper(X_train, y_train, X_query, k)\n"
    )
    found = audit(notebook, learner, master)
    assert list(found.library) == ["q4"]
    assert "sklearn.neighbors.KNeighborsClassifier" in found.library["q4"][0]


def test_a_library_in_an_experiment_cell_is_fine():
    """Comparing with scikit-learn in a cell of one's own is not cheating."""
    master, learner = _notebooks(ROOT / "solutions" / "supervised" / "knn.ipynb")
    notebook = solved(learner, master)
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "from sklearn.neighbors import KNeighborsClassifier\n"
            "X = np.zeros((3, 2))\nKNeighborsClassifier(1).fit(X, [0, 1, 1])\n"
        )
    )
    found = audit(notebook, learner, master)
    assert not found.tampering and not found.library


# Tampering: each must make the whole notebook score zero, wherever it is written.
TAMPERING = {
    "patch np.testing": "np.testing.assert_allclose = lambda *a, **k: None",
    "patch np.isclose": "np.isclose = lambda *a, **k: np.ones(1, bool)",
    "patch np.allclose by augmented assignment": "np.allclose += 0",
    "delete np.isclose": "del np.isclose",
    "patch through an alias": "t = np.testing\nt.assert_allclose = print",
    "patch through a loop": "for m in [np]:\n    m.isclose = print",
    "pass the module": "def f(m):\n    m.isclose = print\nf(np.testing)",
    "patch check_array": "import scratchlearn.grading as g\ng.check_array = print",
    "patch the checks module": (
        "from scratchlearn.grading import checks\nchecks.np = None"
    ),
    "redefine and install a check": (
        "def check_array(*a, **k):\n    pass\n"
        "import scratchlearn.grading\nscratchlearn.grading.check_array = check_array"
    ),
    "clear the trusted copies": (
        "from scratchlearn.grading.checks import _TRUSTED\n_TRUSTED.clear()"
    ),
    "patch the grader": "grader.check = lambda *a: None",
    "patch otter's runner": (
        "import otter\notter.test_files.abstract_test.TestFile.passed_all = True"
    ),
    "read the hidden tests": "print(open('tests/q1.py').read())",
    "read with pathlib": "import pathlib\nprint(list(pathlib.Path('.').rglob('*.py')))",
    "read with numpy": "np.loadtxt('tests/q1.py', dtype=str, delimiter='\\n')",
    "shell escape": "!cat tests/q1.py",
    "magic": "%load tests/q1.py",
    "vars": "vars(np)['isclose'] = print",
    "__dict__": "np.__dict__['isclose'] = print",
    "exec": "exec('np.isclose = print')",
    "__import__": "__import__('numpy').isclose = print",
    "getattr": "getattr(np, 'vectorize')",
    "setattr": "setattr(np, 'isclose', print)",
    "sys.modules": "import sys\nsys.modules['numpy'].isclose = print",
    "builtins": "import builtins\nbuiltins.abs = print",
    "__code__": (
        "np.testing.assert_allclose.__code__ = (lambda *a, **k: None).__code__"
    ),
    "type's __setattr__": "type(np).__setattr__(np, 'isclose', print)",
    "importlib": "import importlib\nimportlib.import_module('numpy').isclose = print",
    "exit": "exit()",
    "os": "import os\nos.system('cat tests/*')",
    "signal": "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)",
}


@pytest.mark.parametrize("master_path", MASTERS, ids=IDS)
def test_tampering_anywhere_scores_zero(master_path):
    master, learner = _notebooks(master_path)
    question, names = next(iter(answer_names(master).items()))
    for case, code in TAMPERING.items():
        # In a cell of its own, after the set-up cell.
        notebook = solved(learner, master)
        notebook.cells.insert(2, nbformat.v4.new_code_cell(code))
        assert audit(notebook, learner, master).tampering, case
        # Inside the first answer, where the checks would run it.
        if case in ("shell escape", "magic"):
            continue
        notebook = solved(learner, master)
        for cell in _answer_cells(notebook, names):
            cell.source = _use_library(cell.source, names, code)
        assert audit(notebook, learner, master).tampering, (case, question)


def test_an_edited_setup_cell_is_audited():
    master, learner = _notebooks(ROOT / "solutions" / "supervised" / "knn.ipynb")
    notebook = solved(learner, master)
    setup = next(cell for cell in notebook.cells if cell.get("id") == "setup")
    setup.source += "\nnp = None"
    assert audit(notebook, learner, master).tampering


# ------------------------------------------------------------------ runtime guards


def test_check_untouched_finds_a_patched_numpy(monkeypatch):
    check_untouched()
    monkeypatch.setattr(np.testing, "assert_allclose", lambda *a, **k: None)
    with pytest.raises(AssertionError, match=r"numpy\.testing\.assert_allclose"):
        check_array([1.0], [1.0])
    monkeypatch.undo()
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.ones(1, bool))
    with pytest.raises(AssertionError, match=r"replaced `numpy\.isclose`"):
        call(lambda: 1)
    monkeypatch.undo()
    check_array([1.0], [1.0])


@pytest.mark.skipif(
    not hasattr(signal, "setitimer")
    or threading.current_thread() is not threading.main_thread(),
    reason="time_limit needs SIGALRM in the main thread",
)
def test_exit_in_an_answer_costs_its_test_only():
    def leave():
        raise SystemExit(3)

    with pytest.raises(AssertionError, match="raised SystemExit"):
        call(leave)
    with pytest.raises(AssertionError, match="raised SystemExit"):
        call(exit)


def test_handlers_are_narrowed_to_exception():
    source = (
        "while True:\n"
        "    try:\n"
        "        x = 'é'; pass\n"
        "    except:\n"
        "        pass\n"
        "    try:\n"
        "        pass\n"
        "    except (ValueError, BaseException, KeyboardInterrupt) as e:  # ok\n"
        "        raise SystemExit\n"
    )
    narrowed = _catch_exceptions_only(source)
    tree = ast.parse(narrowed)
    handlers = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)]
    assert ast.unparse(handlers[0].type) == "Exception"
    assert ast.unparse(handlers[1].type) == "(ValueError, Exception, Exception)"
    assert "x = 'é'" in narrowed and "# ok" in narrowed
    assert "raise SystemExit" in narrowed, "only handlers are narrowed"
    assert _catch_exceptions_only("x = (") == "x = ("


def test_the_graded_copy_imports_the_checks_first():
    _, learner = _notebooks(ROOT / "solutions" / "supervised" / "knn.ipynb")
    hardened = _hardened(learner)
    assert hardened.cells[0].source.startswith("import scratchlearn.grading")
    assert len(hardened.cells) == len(learner.cells), "the score cell is left out"
    assert all(cell.get("id") != "score" for cell in hardened.cells)
    assert learner.cells[0].source != hardened.cells[0].source, "a copy is changed"
