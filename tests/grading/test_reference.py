"""Reference data: exact round trips, clear errors, and what the build does with it."""

import json
import re
import zipfile

import nbformat
import numpy as np
import pytest

from scratchlearn.grading import reference as ref
from scratchlearn.grading.reference import Reference, decode, encode, load_reference
from scratchlearn.grading.runner import run_checks
from tests.conftest import ROOT


def test_values_come_back_bit_for_bit():
    rng = np.random.default_rng(0)
    data = Reference(
        floats=rng.normal(size=(4, 3)),
        float32=rng.normal(size=5).astype(np.float32),
        ints=np.arange(-3, 3, dtype=np.int16),
        labels=np.array(["setosa", "virginica"]),
        flags=np.array([True, False]),
        special=np.array([np.nan, np.inf, -0.0, 5e-324]),
        scalar=np.float64(0.1) + np.float64(0.2),
        integer=np.int64(7),
        empty=np.zeros((0, 3)),
        nested={"k=1": [1, 2.5, "three", None, True], "inner": {"a": np.eye(2)}},
        pair=(1, 2),
    )
    back = decode(encode(data))
    assert isinstance(back, Reference)
    for key in ("floats", "float32", "ints", "labels", "flags", "empty"):
        assert back[key].dtype == data[key].dtype
        assert back[key].shape == data[key].shape
        np.testing.assert_array_equal(back[key], data[key])
    assert back["special"].tobytes() == data["special"].tobytes()
    assert type(back["scalar"]) is np.float64 and back["scalar"] == data["scalar"]
    assert type(back["integer"]) is np.int64 and back["integer"] == 7
    assert back["nested"]["k=1"] == [1, 2.5, "three", None, True]
    np.testing.assert_array_equal(back["nested"]["inner"]["a"], np.eye(2))
    assert back["pair"] == [1, 2]


@pytest.mark.parametrize(
    "value, message",
    [
        (np.array([{}, 1], dtype=object), "Python objects"),
        ({1: 2}, "keys must be strings"),
        ({"__ndarray__": 1}, "reserved"),
        (object(), "cannot store a object"),
    ],
)
def test_what_cannot_be_stored_is_refused_with_where_it_is(value, message):
    with pytest.raises((TypeError, ValueError), match=message) as error:
        encode({"outer": value})
    assert "reference['outer']" in str(error.value)


def test_a_missing_key_names_the_keys_there_are():
    with pytest.raises(KeyError, match=r"no 'wine'.*\['iris'\]"):
        Reference(iris=1)["wine"]


def test_load_reference_takes_the_graders_data_not_a_learners_variable(
    tmp_path, monkeypatch
):
    given = Reference(a=1)
    assert load_reference(given) is given
    monkeypatch.chdir(tmp_path)
    # otter's own runner passes the notebook's variable of that name: not trusted.
    with pytest.raises(RuntimeError, match="only the grader has"):
        load_reference({"a": 2})
    (tmp_path / ref.FILE_NAME).write_text(encode(Reference(a=3)))
    assert load_reference({"a": 2}) == {"a": 3}
    assert load_reference(None) == {"a": 3}


def test_the_runner_gives_tests_the_reference_not_the_environments():
    source = (
        "from otter.test_files import test_case\n"
        "name = 'q1'\n"
        "@test_case(points=1)\n"
        "def test_it(reference):\n"
        "    assert reference['answer'] == 42, reference\n"
    )
    environment = {"reference": Reference(answer=0)}
    report = json.loads(
        run_checks({"q1": source}, environment, encode(Reference(answer=42)))
    )
    assert report == {"q1": [["q1 - 1", False, True, ""]]}
    report = json.loads(run_checks({"q1": source}, environment))
    assert report["q1"][0][2] is False  # no reference data: None, not the variable


def test_run_cell_needs_a_reference():
    assert ref.run_cell("reference = {'a': 1}") == {"a": 1}
    with pytest.raises(ValueError, match="must assign a Reference"):
        ref.run_cell("x = 1")


def test_the_build_keeps_the_reference_cell_out_of_the_learners_files():
    from scratchlearn.grading.assign import cached_build

    master = ROOT / "solutions" / "supervised" / "knn.ipynb"
    cells = nbformat.read(master, as_version=4).cells
    assert sum(cell.source.startswith(ref.MARKER) for cell in cells) == 1
    built = cached_build(master)
    for notebook in (built.learner, built.solution):
        assert ref.MARKER not in notebook.read_text()
    with zipfile.ZipFile(built.autograder) as archive:
        names = archive.namelist()
        stored = decode(archive.read(f"files/{ref.FILE_NAME}").decode())
        tests = "".join(
            archive.read(name).decode() for name in names if name.startswith("tests/")
        )
    assert not re.search(
        r"^\s*(from|import) (sklearn|scratchlearn\.(?!grading))", tests, re.M
    )
    assert ref.MARKER not in tests
    assert stored["wine"]["X_train"].shape == (120, 13)
    assert set(stored) == {"wine", "iris"}
