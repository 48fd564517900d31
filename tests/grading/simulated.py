"""Simulated learners for every exercise: one notebook per exercise, a fault per task.

From an exercise's solved notebook (the build's ``solution.ipynb``), the master's
answers are kept under other names (``right_<name>``, their calls to each other
renamed too), and each task's functions are replaced by a faulty answer of one kind,
built on the right one where the fault is in the result (NaN, wrong shape) and
calling it where the fault is only the library import. The kinds rotate from one
exercise to the next, so that each exercise's tasks get different kinds and every
kind meets many exercises in one graded run each (not 35 x 7 runs). The notebook's
demonstration cells (code that uses the answers outside their definitions) are left
out: a faulty answer makes them fail or loop, which the kNN cases of test_grading.py
already cover, and here it would only cost time.
"""

import ast
import json

import nbformat

from scratchlearn.grading.audit import answer_names

# kind: (faulty body, a pattern of the message that the learner must see). Every kind
# scores zero on its task: a check that does not look at values (no Python loop, the
# inputs left unchanged) also runs the answer against a known result, so NaN and a
# wrong shape cost all of a task's points (issue 15).
FAULTS = {
    "raises": (
        "raise ValueError('simulated mistake')",
        r"raised ValueError: simulated mistake",
    ),
    "NaN": (
        "return with_nan(right_{name}(*args, **kwargs))",
        r"NaN|nan|finite|should hold integers",
    ),
    "wrong shape": (
        "return with_an_axis_more(right_{name}(*args, **kwargs))",
        r"shape|dimension|length|size",
    ),
    "endless loop": (
        "while True:\n        pass",
        r"did not finish within|ran out of time",
    ),
    "SystemExit": ("raise SystemExit", r"raised SystemExit"),
    "untouched": ("...", r"returned None|None|should return|must return"),
    "library call": (
        "import sklearn  # noqa: F401\n    return right_{name}(*args, **kwargs)",
        r"own implementation",
    ),
}
KINDS = list(FAULTS)

HELPERS = '''\
def with_nan(result):
    """The answer with NaN in place of every number."""
    if isinstance(result, tuple | list):
        return type(result)(with_nan(part) for part in result)
    if isinstance(result, dict):
        return {key: with_nan(value) for key, value in result.items()}
    array = np.asarray(result)
    if array.dtype.kind in "biufc":
        return np.full(array.shape, np.nan)
    return result


def with_an_axis_more(result):
    """The answer with one more axis (an array of shape (n,) becomes (n, 1))."""
    if isinstance(result, tuple | list):
        return type(result)(with_an_axis_more(part) for part in result)
    if isinstance(result, dict):
        return {key: with_an_axis_more(value) for key, value in result.items()}
    return np.asarray(result)[..., np.newaxis]
'''


def kinds_for(index, questions):
    """``{question: kind}`` of the ``index``-th exercise: consecutive kinds, rotated."""
    return {
        question: KINDS[(index * 3 + number) % len(KINDS)]
        for number, question in enumerate(questions)
    }


class _Rename(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_Name(self, node):
        if node.id in self.names:
            node.id = "right_" + node.id
        return node

    def visit_FunctionDef(self, node):
        if node.name in self.names:
            node.name = "right_" + node.name
        self.generic_visit(node)
        return node


def _names_in(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return defined, used


def faulty_notebook(master, solution, index, path):
    """Write the simulated learner of the ``index``-th exercise to ``path``.

    Returns ``{question: kind}``.
    """
    answers = answer_names(nbformat.read(master, as_version=4))
    kinds = kinds_for(index, list(answers))
    kind_of = {name: kinds[q] for q, names in answers.items() for name in names}
    notebook = nbformat.read(solution, as_version=4)
    cells, helpers_added = [], False
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell.get("id") in ("setup", "score"):
            cells.append(cell)
            continue
        defined, used = _names_in(cell.source)
        answered = defined & set(kind_of)
        if not answered:
            if used & set(kind_of):
                continue  # a demonstration of the answers: left out
            cells.append(cell)
            continue
        if not helpers_added:
            helper = nbformat.v4.new_code_cell(HELPERS)
            helper.id = "simulated-helpers"
            cells.append(helper)
            helpers_added = True
        tree = _Rename(set(kind_of)).visit(ast.parse(cell.source))
        cell.source = ast.unparse(tree)
        cells.append(cell)
        for name in sorted(answered):
            body = FAULTS[kind_of[name]][0].format(name=name)
            faulty = nbformat.v4.new_code_cell(
                f"def {name}(*args, **kwargs):\n    {body}\n"
            )
            faulty.id = f"faulty-{name}"
            cells.append(faulty)
    notebook.cells = cells
    path.write_text(json.dumps(nbformat.from_dict(notebook)))
    return kinds
