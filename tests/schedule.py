"""A pytest plugin, always loaded (pyproject's ``addopts``): the slowest files first.

``make test`` runs two workers, and each file (a notebook's cells, a module's shared
fixtures) stays on one worker. Handed out in the order they are collected, a long
file that comes last keeps one worker busy while the other has nothing left to do.
Starting with the files that took longest last time (longest processing time first)
keeps both busy to the end. The times are each file's seconds in a recent full run,
stored in ``.ci/test_durations.json`` (only files that took long are listed; any
other file counts as the median listed one).

``SCRATCHLEARN_RECORD_DURATIONS=1 make test`` writes that file again from the run.
The order changes no result: every test is independent of the others' order.
"""

import collections
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
DURATIONS = ROOT / ".ci" / "test_durations.json"

_seconds = collections.Counter()


def _file(nodeid):
    return nodeid.split("::", 1)[0]


def _known():
    if not DURATIONS.exists():
        return {}
    return json.loads(DURATIONS.read_text())


def pytest_collection_modifyitems(session, config, items):
    known = _known()
    listed = sorted(known.values())
    unknown = listed[len(listed) // 2] if listed else 0.0
    first_seen = {}
    for item in items:
        first_seen.setdefault(_file(item.nodeid), len(first_seen))

    def key(item):
        name = _file(item.nodeid)
        return (-known.get(name, unknown), first_seen[name])

    items.sort(key=key)  # stable: a file's own tests keep their order


def pytest_runtest_logreport(report):
    _seconds[_file(report.nodeid)] += report.duration


def pytest_sessionfinish(session, exitstatus):
    is_worker = hasattr(session.config, "workerinput")
    if is_worker or os.environ.get("SCRATCHLEARN_RECORD_DURATIONS") != "1":
        return
    durations = {
        name: round(seconds, 1)
        for name, seconds in sorted(_seconds.items())
        if seconds >= 5  # the rest are short enough in any order
    }
    DURATIONS.write_text(json.dumps(durations, indent=1) + "\n")
