"""Stored notebook outputs reproduce on any processor.

nbval compares every stored output exactly. Matrix products, reductions and NumPy's
vectorised exp/log differ in their last bits between processors and BLAS builds, so
an output reproduces everywhere only if it does not depend on those bits. Under
`make test`, nbval runs every notebook with its inputs moved by a few ulps
(``perturb_inputs.py``, installed by ``tests/conftest.py``); the tests here prove
that the perturbation is real, that figures are stored rounded to what the eye can
see, and that only a few outputs, each with its reason, are exempt.
"""

import json
import pathlib
import subprocess
import sys
import types

import numpy as np
import pytest

from tests.conftest import ROOT

PERTURB = ROOT / "tests" / "book" / "perturb_inputs.py"
NOTEBOOKS = sorted(
    p
    for folder in ("book", "solutions")
    for p in (ROOT / folder).rglob("*.ipynb")
    if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts
)


# --- the perturbation ------------------------------------------------------------


def test_the_perturbation_moves_every_input_by_a_few_ulps():
    code = f"""
import numpy as np
from sklearn import datasets
exact_digits = datasets.load_digits()
exact_moons = datasets.make_moons(50, noise=0.1, random_state=0)[0]
exact_normal = np.random.default_rng(0).normal(size=1000)
import runpy
runpy.run_path({str(PERTURB)!r})
from sklearn.datasets import load_digits, make_moons
digits = load_digits()
moons = make_moons(50, noise=0.1, random_state=0)[0]
rng = np.random.default_rng(0)
normal = rng.normal(size=1000)
integers = rng.integers(0, 10, size=5)
assert isinstance(rng, np.random.Generator)
ulp = np.finfo(float).eps
for exact, moved in ((exact_moons, moons), (exact_normal, normal)):
    assert not np.array_equal(moved, exact)
    factor = moved[exact != 0] / exact[exact != 0]
    # One factor for the whole array, a few ulps from 1: ties and order survive.
    assert np.abs(factor - factor[0]).max() <= 2 * ulp
    assert 0 < abs(factor[0] - 1) <= 4.5 * ulp
    assert np.array_equal(np.argsort(moved, axis=0), np.argsort(exact, axis=0))
# Whole numbers (the digits' pixel intensities) are held exactly everywhere.
assert np.array_equal(digits.data, exact_digits.data)
assert np.array_equal(digits.images.reshape(len(digits.data), -1), digits.data)
assert integers.dtype.kind == "i"
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_nbval_kernels_start_with_the_perturbation(monkeypatch):
    import nbval.kernel

    from tests import conftest

    calls = []

    def fake_start(*args, **kwargs):
        calls.append(kwargs)
        return "kernel"

    monkeypatch.setattr(nbval.kernel, "start_new_kernel", fake_start)
    monkeypatch.delenv("SCRATCHLEARN_EXACT_INPUTS", raising=False)
    config = types.SimpleNamespace(option=types.SimpleNamespace(nbval=True))
    conftest.pytest_configure(config)
    assert nbval.kernel.start_new_kernel("python3", cwd=".") == "kernel"
    startup = pathlib.Path(calls[0]["env"]["IPYTHONDIR"], "profile_default", "startup")
    (script,) = startup.iterdir()
    assert str(PERTURB) in script.read_text()


def test_the_suite_compares_outputs_strictly():
    makefile = (ROOT / "Makefile").read_text()
    assert "--nbval " in makefile or "--nbval\t" in makefile
    assert "--nbval-lax" not in makefile
    assert "nbval-lax" not in (ROOT / "pyproject.toml").read_text()
    assert "OPENBLAS_CORETYPE" not in makefile  # the kernels are the machine's own


# --- figures are stored rounded ----------------------------------------------------


def _stored(figure):
    from scratchlearn.viz.common import PlotlyFigure

    data, metadata = PlotlyFigure(figure, "test")._repr_mimebundle_()
    return json.dumps(data), json.dumps(metadata)


def _figure(values, log_values, points):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2)
    figure.add_trace(go.Heatmap(z=values, zmin=0, zmax=1), row=1, col=1)
    figure.add_trace(
        go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers"), row=1, col=1
    )
    figure.add_trace(
        go.Scatter(x=np.arange(len(log_values)), y=log_values), row=1, col=2
    )
    figure.update_yaxes(type="log", row=1, col=2)
    figure.update_layout(xaxis_range=[float(points[:, 0].min()), 1.0])
    return figure


@pytest.mark.parametrize("seed", range(5))
def test_a_figure_is_stored_byte_for_byte_the_same_after_a_few_ulps(seed):
    rng = np.random.default_rng(seed)
    probabilities = 1 / (1 + np.exp(-rng.normal(scale=5, size=(60, 60))))
    probabilities[0, 0] = 1.0 - 1e-15  # a largest value just below 1
    # A loss curve falling from 1 to 1e-10 on a log axis.
    losses = np.logspace(0, -10, 80) * (1 + 0.1 * rng.random(80))
    points = rng.normal(size=(300, 2))
    exact = _stored(_figure(probabilities, losses, points))

    def moved(values):
        steps = rng.integers(-4, 5, size=np.shape(values))
        return values * (1 + steps * np.finfo(float).eps)

    for _ in range(3):
        again = _stored(_figure(moved(probabilities), moved(losses), moved(points)))
        assert again == exact


def test_rounding_keeps_what_the_eye_can_see():
    from scratchlearn.viz.common import (
        LINEAR_DIGITS,
        LOG_DIGITS,
        _decode,
        figure_for_display,
    )

    rng = np.random.default_rng(0)
    values = rng.normal(scale=30, size=(40, 40))
    losses = np.logspace(0, -12, 50)
    points = rng.normal(size=(100, 2))
    spec = json.loads(_figure(values, losses, points).to_json())
    shown = figure_for_display(spec)
    z = _decode(shown["data"][0]["z"])
    extent = np.abs(values).max()
    assert np.abs(z - values).max() <= extent * 10.0 ** (1 - LINEAR_DIGITS)
    assert not np.array_equal(z, values)  # it was rounded
    y = _decode(shown["data"][2]["y"])
    assert np.all(np.abs(y - losses) <= losses * 10.0 ** (1 - LOG_DIGITS))
    assert y.min() > 0  # small values on a log axis are not rounded to zero
    assert shown["layout"]["template"] == spec["layout"]["template"]


def test_integers_booleans_and_text_are_stored_unchanged():
    from scratchlearn.viz.common import displayed

    spec = {
        "visible": [True, False],
        "x": [1, 2, 3],
        "text": ["0.123456789"],
        "gaps": [0.123456789, None, 2.0],
    }
    assert displayed(spec) == {**spec, "gaps": [0.1235, None, 2.0]}


# --- outputs exempt from comparison ------------------------------------------------


def _cells_with_outputs():
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text())
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code" and cell.get("outputs"):
                yield path, cell


IGNORING = {"nbval-ignore-output", "nbval-skip"}


def test_fewer_than_a_fifth_of_the_outputs_are_exempt_and_each_says_why():
    cells = list(_cells_with_outputs())
    exempt = [
        (path, cell)
        for path, cell in cells
        if IGNORING & set(cell.get("metadata", {}).get("tags", []))
    ]
    assert len(exempt) < len(cells) / 5, (len(exempt), len(cells))
    unexplained = [
        f"{path.relative_to(ROOT)}: {''.join(cell['source'])[:60]!r}"
        for path, cell in exempt
        if not "".join(cell["source"]).lstrip().startswith("#")
    ]
    assert not unexplained, "begin each exempt cell with a comment saying why"


def test_no_notebook_cell_is_compared_loosely():
    # nbval's per-cell escape hatches other than the explained exemptions above.
    loose = [
        str(path.relative_to(ROOT))
        for path, cell in _cells_with_outputs()
        if "NBVAL_IGNORE_OUTPUT" in "".join(cell["source"])
        or "nbval-lax" in cell.get("metadata", {}).get("tags", [])
    ]
    assert not loose
