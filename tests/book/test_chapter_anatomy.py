"""Every chapter, in every part, has the anatomy DESIGN.md describes: it opens with
learning objectives, linked prerequisites and an estimated time; it has two or three
self-check questions with hidden answers; and it closes with key takeaways and
references into the book's one bibliography. Citations and glossary links must point at
entries that exist (the build checks them too, but this says which chapter is wrong
without building the site)."""

import json
import re

import pytest

from tests.book.test_project import CHAPTERS
from tests.conftest import ROOT

CITE = re.compile(r"\{cite(?::[tp])?\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")
CHECK = re.compile(r"^:::\{admonition\} Check yourself: .+\n:class: dropdown\n", re.M)


def _markdown(chapter):
    cells = json.loads((ROOT / chapter).read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def _bib_keys():
    bib = (ROOT / "references.bib").read_text()
    return set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.M))


def _glossary_terms():
    path = ROOT / "book" / "appendix" / "glossary.md"
    if not path.exists():
        return None
    text = path.read_text()
    block = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    # A term is a line that starts at the margin (definitions are indented).
    lines = block.splitlines()
    return {line.strip().lower() for line in lines if line and not line[0].isspace()}


def test_every_part_is_covered():
    parts = {chapter.parts[1] for chapter in CHAPTERS}
    expected = {"supervised", "unsupervised", "deep", "evolutionary", "reinforcement"}
    assert expected <= parts


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_a_chapter_opens_with_objectives_prerequisites_and_time(chapter):
    opener = _markdown(chapter)[1]
    assert opener.startswith("**Learning objectives.** After this chapter you can:")
    prerequisites = opener.split("**Prerequisites.**", 1)[1].split("**Time.**", 1)[0]
    assert "{numref}" in prerequisites or "Mathematics:" in prerequisites
    assert re.search(r"\*\*Time\.\*\* About .+ (minutes|hours?)", opener)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_a_chapter_has_two_or_three_self_checks_with_hidden_answers(chapter):
    cells = [s for s in _markdown(chapter) if s.startswith("## Check yourself")]
    assert len(cells) == 1, "one 'Check yourself' section"
    checks = CHECK.findall(cells[0])
    assert 2 <= len(checks) <= 3, f"{len(checks)} self-checks"
    assert cells[0].count(":::{admonition}") == len(checks), "every check is a dropdown"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_a_chapter_closes_with_takeaways_and_references(chapter):
    last = _markdown(chapter)[-1]
    assert last.startswith("## Key takeaways\n")
    references = last.split("\n## References\n", 1)[1]
    assert CITE.search(references), "the references cite the bibliography"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=str)
def test_every_citation_and_glossary_link_has_its_entry(chapter):
    text = "\n".join(_markdown(chapter))
    keys = {key.strip() for match in CITE.findall(text) for key in match.split(",")}
    missing = sorted(keys - _bib_keys())
    assert not missing, f"not in references.bib: {missing}"
    terms = _glossary_terms()
    if terms is not None:
        targets = (re.sub(r"^.*<(.+)>$", r"\1", t) for t in TERM.findall(text))
        linked = {target.strip().lower() for target in targets}
        assert not linked - terms, f"not in the glossary: {sorted(linked - terms)}"
