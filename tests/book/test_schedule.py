"""The suite's order (tests/schedule.py): slowest files first, each file whole."""

import json
import types

from tests import schedule


def _items(nodeids):
    return [types.SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]


def test_slowest_listed_files_come_first_and_files_stay_whole(tmp_path, monkeypatch):
    durations = tmp_path / "test_durations.json"
    durations.write_text(json.dumps({"b.py": 100.0, "c.ipynb": 300.0, "d.py": 10.0}))
    monkeypatch.setattr(schedule, "DURATIONS", durations)
    items = _items(
        [
            *["a.py::one", "b.py::one", "a.py::two", "c.ipynb::Cell 0", "b.py::two"],
            *["c.ipynb::Cell 1", "d.py::one", "e.py::one"],
        ]
    )
    schedule.pytest_collection_modifyitems(None, None, items)
    # c (300 s); then b (100 s) and the unlisted a and e, which count as the median
    # (100 s), in collection order; d (10 s) last.
    assert [item.nodeid for item in items] == [
        "c.ipynb::Cell 0",
        "c.ipynb::Cell 1",
        "a.py::one",
        "a.py::two",
        "b.py::one",
        "b.py::two",
        "e.py::one",
        "d.py::one",
    ]


def test_without_durations_the_collection_order_stands(tmp_path, monkeypatch):
    monkeypatch.setattr(schedule, "DURATIONS", tmp_path / "missing.json")
    nodeids = ["a.py::one", "b.py::one", "a.py::two"]
    items = _items(nodeids)
    schedule.pytest_collection_modifyitems(None, None, items)
    assert [item.nodeid for item in items] == ["a.py::one", "a.py::two", "b.py::one"]
