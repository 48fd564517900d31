"""Words for a matplotlib figure, stored beside its picture: the site's alt text
(book/_ext/site_fixes.py gives them to the picture; tests/book/test_site.py checks
every page). Words that say what the picture shows start with its title: a picture
with no title is told only by its axes ("(x: epoch; y: loss)"), or not at all."""

import json
import re
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from notebooks import stored_notebooks

NOT_DESCRIBED = "A chart drawn by the code above"  # figure_alt_text's last resort

# Notebooks allowed pictures without a title, {notebook: how many}: none today. A
# notebook listed here must still have some (the list can only shrink).
UNTITLED = {}


def untitled(alt):
    """Why the stored words ``alt`` do not say what their picture shows, or None."""
    if not alt:
        return "no words"
    if alt == NOT_DESCRIBED:
        return "no title, axes or legend"
    if alt.startswith("(") or re.match(r"\d+ panels: \(", alt):
        return "no title: only the axes"
    return None


def stored_alt_texts(path):
    """The alt text stored beside each PNG output of the notebook at ``path``."""
    notebook = json.loads((ROOT / path).read_text(encoding="utf-8"))
    return [
        output.get("metadata", {}).get("image/png", {}).get("alt")
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def test_the_words_say_what_is_untitled():
    assert untitled("(x: epoch; y: loss)") == "no title: only the axes"
    assert untitled("2 panels: (x: k; y: inertia); (y: silhouette)")
    assert untitled(NOT_DESCRIBED) and untitled(None)
    assert untitled("Loss by epoch (x: epoch; y: loss)") is None
    assert untitled("Two runs. 2 panels: (x: epoch; y: loss); Weights") is None


@pytest.mark.parametrize("path", [p.as_posix() for p in stored_notebooks()])
def test_every_stored_picture_has_a_title_in_its_words(path):
    missing = [
        f"{alt!r}: {why}" for alt in stored_alt_texts(path) if (why := untitled(alt))
    ]
    allowed = UNTITLED.get(path, 0)
    assert len(missing) <= allowed, f"{path}: pictures without a title:\n" + "\n".join(
        missing
    )
    if allowed:
        assert missing, f"{path}: every picture has a title now; drop it from UNTITLED"


@pytest.mark.parametrize("path", [p.as_posix() for p in stored_notebooks()])
def test_every_stored_plotly_figure_has_words(path):
    """A plotly figure's words are stored as its ``description`` (the page element's
    aria-label on the site, which tests/book/test_site.py checks in the browser)."""
    from scratchlearn.viz.common import PLOTLY_MIME

    notebook = json.loads((ROOT / path).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if PLOTLY_MIME in output.get("data", {}):
                words = output.get("metadata", {}).get(PLOTLY_MIME, {})
                assert len(words.get("description", "").strip()) > 20, (path, words)


def test_a_matplotlib_figure_is_described_by_its_titles_axes_and_legend():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scratchlearn.viz.common import figure_alt_text

    figure, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], label="training")
    left.plot([1, 0], label="validation")
    left.legend()
    left.set(title="Loss", xlabel="epoch", ylabel="$\\log$ loss")
    right.set_title("Weights")
    figure.suptitle("An MLP learns")
    text = figure_alt_text(figure)
    plt.close(figure)
    assert text == (
        "An MLP learns. 2 panels: Loss (x: epoch; y: log loss; legend: training, "
        "validation); Weights"
    )
    empty, _ = plt.subplots()
    assert figure_alt_text(empty) == NOT_DESCRIBED
    plt.close(empty)


def test_a_title_set_at_the_left_or_over_two_lines_counts():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scratchlearn.viz.common import figure_alt_text

    figure, (top, bottom) = plt.subplots(2, 1)
    top.set_title("k-means", loc="left")
    top.axis("off")
    bottom.set_title("rebuilt from\n2 numbers", loc="right")
    bottom.axis("off")
    text = figure_alt_text(figure)
    plt.close(figure)
    assert text == "2 panels: k-means; rebuilt from 2 numbers"


def test_a_colour_bar_is_told_with_the_panel_it_colours():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scratchlearn.viz.common import figure_alt_text

    figure, ax = plt.subplots()
    image = ax.imshow([[0.0, 1.0], [1.0, 0.0]])
    figure.colorbar(image, label="accuracy")
    ax.set(title="Accuracy by k and p", xlabel="k", ylabel="p")
    text = figure_alt_text(figure)
    plt.close(figure)
    assert text == "Accuracy by k and p (x: k; y: p; colour: accuracy)"
