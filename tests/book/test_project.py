"""The project's own consistency: pinned versions agree, every chapter has its exercise
and solution, stored notebooks are clean, and the book's table of contents is whole."""

import re
import sys
import tomllib

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from notebooks import problems, stored_notebooks, toc_files

PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s;]+)\s*$")


def _pins(lines):
    pins = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_pins_the_same_versions_as_pyproject():
    project = _pyproject()
    binder_groups = ["book", "grade", "lab"]
    wanted = _pins(project["dependencies"])
    for group in binder_groups:
        wanted.update(_pins(project["optional-dependencies"][group]))
    environment = _pins((ROOT / "environment.yml").read_text().splitlines())
    assert environment == wanted
    assert "python=3.11" in (ROOT / "environment.yml").read_text()


def test_every_dependency_is_pinned_and_matches_the_constraints():
    project = _pyproject()
    requirements = list(project["dependencies"])
    for group, items in project["optional-dependencies"].items():
        if group != "all":
            requirements += items
    unpinned = [r for r in requirements if not PIN.match(r)]
    assert not unpinned, f"pin these exactly: {unpinned}"
    constraints = _pins((ROOT / ".ci" / "constraints.txt").read_text().splitlines())
    mismatched = {
        name: (version, constraints.get(name))
        for name, version in _pins(requirements).items()
        if constraints.get(name) != version
    }
    assert not mismatched, f"pyproject vs .ci/constraints.txt: {mismatched}"


# Chapters are the notebooks of book/ in the table of contents; the appendix's
# notebooks (book/appendix/) are pages without an exercise.
CHAPTERS = [
    p
    for p in toc_files()
    if p.parts[0] == "book" and p.suffix == ".ipynb" and p.parts[1] != "appendix"
]


def test_the_book_has_chapters():
    assert CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_every_chapter_has_an_exercise_and_a_solution_in_the_book(chapter):
    toc = set(toc_files())
    relative = chapter.relative_to("book")
    assert ("solutions" / relative) in toc, f"no solutions/{relative}"
    assert ("exercises" / relative) in toc, f"no exercises/{relative}"
    text = (ROOT / chapter).read_text()
    assert f"exercises/{relative.as_posix()}" in text, (
        "the chapter does not link its exercise"
    )
    assert f"solutions/{relative.as_posix()}" in text, (
        "the chapter does not link its solution"
    )
    module = (ROOT / "src" / "scratchlearn" / "viz" / f"{chapter.stem}.py").read_text()
    # Both explorers from the one builder (scratchlearn.viz.explorer): the live one
    # for a running kernel, the static one for the website.
    # (directly, or through figures.loss_accuracy_explorer, which returns one)
    assert "Explorer(" in module or "loss_accuracy_explorer(" in module, (
        "the chapter's explorer comes from the builder"
    )
    assert ".live()" in text and ".static()" in text, (
        "the chapter needs a live and a static explorer"
    )
    assert "import ipywidgets" not in module, "widgets are the builder's business"


@pytest.mark.parametrize("notebook", stored_notebooks(), ids=str)
def test_stored_notebooks_are_fully_executed_without_errors(notebook):
    assert not problems(notebook)


@pytest.mark.parametrize(
    "master", sorted((ROOT / "solutions").rglob("*.ipynb")), ids=lambda p: p.name
)
def test_hidden_checks_stay_off_the_solution_pages(master):
    """The site shows each master notebook as its solution page; the hidden checks that
    grading adds are tagged remove-cell so that the page does not publish them."""
    import json

    cells = json.loads(master.read_text())["cells"]
    hidden = [
        cell
        for cell in cells
        if cell["cell_type"] == "code" and "hidden: true" in "".join(cell["source"])
    ]
    assert hidden, "a master needs hidden checks"
    untagged = [c for c in hidden if "remove-cell" not in c["metadata"].get("tags", [])]
    assert not untagged, (
        f"{len(untagged)} hidden check cell(s) lack the remove-cell tag"
    )


HAND_NUMBERED = re.compile(
    r"\b[Cc]hapters? \d"  # "Chapter 3", "chapters 11 to 14"
    r"|<chapter-\w+>`,? (?:and|or|to) \d"  # a link, then a number typed by hand
)


@pytest.mark.parametrize("notebook", stored_notebooks(), ids=str)
def test_chapters_are_referred_to_by_links_not_typed_numbers(notebook):
    """A reference to another chapter is a {numref} link the build checks (it numbers
    itself, and follows the table of contents), never a number typed by hand."""
    import json

    cells = json.loads((ROOT / notebook).read_text())["cells"]
    typed = [
        match.group(0)
        for cell in cells
        if cell["cell_type"] == "markdown"
        for match in HAND_NUMBERED.finditer("".join(cell["source"]))
    ]
    assert not typed, f"typed chapter numbers: {typed}"


def test_every_chapter_can_be_linked_to():
    """Each chapter's first cell carries the label its references point at."""
    import json

    for chapter in CHAPTERS:
        first = json.loads((ROOT / chapter).read_text())["cells"][0]
        assert "".join(first["source"]).startswith(f"(chapter-{chapter.stem})=\n# ")
