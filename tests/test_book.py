"""scratchlearn.book: what a chapter notebook uses besides its pictures."""

import numpy as np

from scratchlearn.book import fit_and_time, show_source, side_by_side
from scratchlearn.supervised import KNeighborsClassifier


def test_show_source_names_the_file_under_src_and_its_lines():
    text = show_source(fit_and_time).data
    header = text.splitlines()[0]
    assert header.startswith("`src/scratchlearn/book.py`, lines ")
    assert "def fit_and_time(" in text


def test_fit_and_time_scores_and_side_by_side_aligns_the_columns():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    result = fit_and_time(KNeighborsClassifier(n_neighbors=1), X, y, X, y, repeats=1)
    assert result["score"] == 1.0 and result["fit_ms"] >= 0
    table = side_by_side({"ours": result, "theirs": result}, ["score"]).splitlines()
    assert table[1].split() == ["score", "1.0000", "1.0000"]
