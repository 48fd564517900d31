"""How fast each chapter's live explorer redraws: part of ``make bench``.

Runs each chapter notebook in a kernel, then moves every control of its live explorer
and times the refit and redraw that each move triggers (ipywidgets calls the
explorer's observers synchronously, so the time covers fitting, plotting and turning
the figure into the PNG the front end shows; not the browser's own painting). The
target is well under a second per move.
"""

import json
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))
from notebooks import toc_files  # noqa: E402

PROBE = """
import json as _json, statistics as _statistics, time as _time
import ipywidgets as _widgets
from ipywidgets.widgets.widget import _instances
_kinds = (_widgets.IntSlider, _widgets.FloatSlider, _widgets.FloatLogSlider,
          _widgets.SelectionSlider, _widgets.ToggleButtons, _widgets.Dropdown)
_times = []
for _control in [w for w in list(_instances.values()) if isinstance(w, _kinds)]:
    if _control.disabled:
        continue
    if isinstance(_control, (_widgets.SelectionSlider, _widgets.ToggleButtons,
                             _widgets.Dropdown)):
        _values = list(_control._options_values)  # the values, not the labels
        _values = _values[:: max(1, len(_values) // 4)]
    else:
        _values = [_control.min + (_control.max - _control.min) * f
                   for f in (0.2, 0.5, 0.8)]
        if isinstance(_control, _widgets.IntSlider):
            _values = [int(round(v)) for v in _values]
    for _value in _values:
        _start = _time.perf_counter()
        _control.value = _value
        _times.append(_time.perf_counter() - _start)
print(_json.dumps({"moves": len(_times),
                   "median_s": _statistics.median(_times) if _times else None,
                   "max_s": max(_times) if _times else None}))
"""


def redraw_times(path):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    output = notebook.cells[-1].outputs[-1]["text"]
    return json.loads(output.strip().splitlines()[-1])


def main():
    rows = []
    chapters = [ROOT / p for p in toc_files() if p.parts[0] == "book"]
    for path in [p for p in chapters if p.suffix == ".ipynb"]:
        text = path.read_text()
        if ".live()" not in text and "live_explorer" not in text:
            continue
        row = {"notebook": str(path.relative_to(ROOT)), **redraw_times(path)}
        rows.append(row)
        print(
            f"{row['notebook']:<45} {row['moves']:3d} moves  median "
            f"{row['median_s']:.3f} s  max {row['max_s']:.3f} s",
            flush=True,
        )
    return rows


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
