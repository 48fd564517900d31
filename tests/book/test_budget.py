"""The book's size budget (issue 10): every notebook under 400 KB, all of them
together on course for under 12 MB at 35 chapters, and the figure code small enough
to read: no function in ``scratchlearn.viz`` over 80 lines, each chapter's explorer
declared in under 100."""

import ast
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from notebooks import write

NOTEBOOK_LIMIT = 400_000  # bytes, each notebook of book/, solutions/ and exercises/
BOOK_LIMIT = 12_000_000  # bytes, every notebook of the whole book (35 chapters)
CHAPTERS_PLANNED = 35
FUNCTION_LIMIT = 80  # lines, any function or method in viz/
EXPLORER_LIMIT = 100  # lines, a chapter's explorer declaration
VIZ = ROOT / "src" / "scratchlearn" / "viz"
# Chapters still being ported to the explorer builder: their notebooks and modules
# may be over the budget until then (strictly: each name must go once it is under).
PENDING = set()
PENDING_NOTEBOOKS = set()


def _notebooks():
    return sorted(
        p.relative_to(ROOT)
        for folder in ("book", "solutions", "exercises")
        for p in (ROOT / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def _pending(pending):
    return pytest.mark.xfail(
        pending, reason="being ported to the explorer builder", strict=True
    )


@pytest.mark.parametrize(
    "notebook",
    [
        pytest.param(p, marks=_pending(p.as_posix() in PENDING_NOTEBOOKS), id=str(p))
        for p in _notebooks()
    ],
)
def test_each_notebook_is_under_400_kb(notebook):
    size = (ROOT / notebook).stat().st_size
    assert size < NOTEBOOK_LIMIT, f"{notebook} weighs {size / 1000:.0f} KB"


@_pending(bool(PENDING_NOTEBOOKS))
def test_the_whole_book_stays_under_12_mb_at_35_chapters():
    chapters = list((ROOT / "book").glob("*/*.ipynb"))
    total = sum((ROOT / p).stat().st_size for p in _notebooks())
    projected = total / len(chapters) * CHAPTERS_PLANNED
    assert projected < BOOK_LIMIT, (
        f"{total / 1e6:.1f} MB for {len(chapters)} chapters: "
        f"{projected / 1e6:.1f} MB at {CHAPTERS_PLANNED}"
    )


def _functions(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize(
    "module",
    [
        pytest.param(p, marks=_pending(p.stem in PENDING), id=p.name)
        for p in sorted(VIZ.glob("*.py"))
    ],
)
def test_no_function_in_viz_is_over_80_lines(module):
    long = {name: n for name, n in _functions(module) if n > FUNCTION_LIMIT}
    assert not long, f"functions over {FUNCTION_LIMIT} lines: {long}"


@pytest.mark.parametrize(
    "module",
    [
        pytest.param(p, marks=_pending(p.stem in PENDING), id=p.name)
        for p in sorted(VIZ.glob("*.py"))
        if list((ROOT / "book").glob(f"*/{p.stem}.ipynb"))  # a chapter's module
    ],
)
def test_each_chapter_declares_its_explorer_in_under_100_lines(module):
    explorers = {n: lines for n, lines in _functions(module) if n.endswith("explorer")}
    assert explorers, "a chapter module makes its explorers in functions *explorer()"
    long = {name: n for name, n in explorers.items() if n >= EXPLORER_LIMIT}
    assert not long, f"explorers of {EXPLORER_LIMIT} lines or more: {long}"


def test_the_measure_can_fail(tmp_path):
    """The line counts are real: a 90-line function is seen as 90 lines."""
    body = "".join(f"    x{i} = {i}\n" for i in range(89))
    path = tmp_path / "long.py"
    path.write_text(f"def long():\n{body}")
    assert dict(_functions(path)) == {"long": 90}


def test_notebooks_are_written_with_each_figure_on_one_line(tmp_path):
    """``make notebooks`` writes nbformat's JSON with each plotly figure compact: the
    same notebook when read back, in fewer bytes."""
    import json

    import nbformat

    path = ROOT / "book" / "supervised" / "knn.ipynb"
    notebook = nbformat.read(path, as_version=4)
    written = tmp_path / "knn.ipynb"
    write(notebook, written)
    assert json.loads(written.read_text()) == json.loads(nbformat.writes(notebook))
    nbformat.validate(nbformat.read(written, as_version=4))
    indented = tmp_path / "indented.ipynb"
    nbformat.write(notebook, indented)
    assert written.stat().st_size < 0.9 * indented.stat().st_size
