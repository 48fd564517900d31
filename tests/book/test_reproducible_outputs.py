"""Stored notebook outputs reproduce on any processor.

nbval compares every stored output exactly. Matrix products, LAPACK's
factorisations and NumPy's vectorised exp, log, tanh or power differ in their last
bits between processors and BLAS builds (data and element-wise arithmetic do not:
IEEE 754 fixes them), so an output reproduces everywhere only if it does not depend
on those bits. Under `make test`, nbval runs every notebook as another processor
would (``tests/conftest.py``): NumPy's loops take other instructions, and a BLAS and
LAPACK round differently (``blas_noise.c``). The tests here prove that this is real
and shaped like another machine, that figures are stored rounded to what the eye can
see, and that only a few outputs, each with its reason, are exempt.
"""

import json
import subprocess
import sys
import types

import numpy as np
import pytest

from tests.book.other_processor import other_processor_environment
from tests.conftest import ROOT

NOTEBOOKS = sorted(
    p
    for folder in ("book", "solutions")
    for p in (ROOT / folder).rglob("*.ipynb")
    if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts
)


# --- the noise ---------------------------------------------------------------------

PROBE = """
import json
import numpy as np
rng = np.random.Generator(np.random.PCG64(0))
A, B = rng.normal(size=(40, 25)), rng.normal(size=(25, 30))
S = A.T @ A + np.eye(25)
out = {
    "product": (A @ B).tolist(),
    "fortran": (np.asfortranarray(A) @ B).tolist(),
    "vector": (A @ B[:, 0]).tolist(),
    "gram": (A @ A.T).tolist(),
    "solve": np.linalg.solve(S, B[:, 0]).tolist(),
    "eigh": np.linalg.eigvalsh(S).tolist(),
    "svd": np.linalg.svd(A, compute_uv=False).tolist(),
    "cholesky": np.linalg.cholesky(S).tolist(),
    "lstsq": np.linalg.lstsq(A, A[:, 0] + 1, rcond=None)[0].tolist(),
    "dyadic": (np.round(A * 4) / 4 @ np.round(B * 8)).tolist(),
}
print(json.dumps(out))
"""


def _probe(environment):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**environment, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {key: np.array(value) for key, value in json.loads(result.stdout).items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("blas")
    return {
        "exact": _probe({}),
        "noisy": _probe(other_processor_environment(folder)),
        "again": _probe(other_processor_environment(folder)),
        "other seed": _probe(other_processor_environment(folder, seed=7)),
    }


def test_the_noise_moves_every_blas_and_lapack_result_a_little(runs):
    exact, noisy = runs["exact"], runs["noisy"]
    for key in set(exact) - {"dyadic"}:
        change = np.abs(noisy[key] - exact[key])
        assert change.max() > 0, f"{key} did not move"
        # At most a few units of rounding of the terms involved: 100 ulps of the
        # result's scale is far beyond it, and far below anything a reader sees.
        assert change.max() <= 100 * 2.2e-16 * np.abs(exact[key]).max() * 25, key
    moved = np.mean(noisy["product"] != exact["product"])
    assert moved > 0.5  # most entries of a product move, as with another kernel


def test_the_noise_keeps_what_every_blas_keeps(runs):
    # Products of small dyadic numbers (quarters times integers) are exact in any
    # order of summation, on every machine.
    np.testing.assert_array_equal(runs["noisy"]["dyadic"], runs["exact"]["dyadic"])
    gram = runs["noisy"]["gram"]
    np.testing.assert_array_equal(gram, gram.T)  # A @ A.T is exactly symmetric
    lower = runs["noisy"]["cholesky"]
    np.testing.assert_array_equal(np.triu(lower, 1), 0)  # the factor stays triangular


def test_the_noise_depends_on_the_operands_and_a_seed_only(runs):
    for key in runs["exact"]:
        np.testing.assert_array_equal(runs["noisy"][key], runs["again"][key])
    assert not np.array_equal(runs["noisy"]["product"], runs["other seed"]["product"])


def test_nbval_kernels_start_with_the_noise(monkeypatch):
    import nbval.kernel

    from tests.book import other_processor

    calls = []

    def fake_start(*args, **kwargs):
        calls.append(kwargs)
        return "kernel"

    monkeypatch.setattr(nbval.kernel, "start_new_kernel", fake_start)
    monkeypatch.delenv("SCRATCHLEARN_EXACT_NUMERICS", raising=False)
    config = types.SimpleNamespace(option=types.SimpleNamespace(nbval=True))
    other_processor.pytest_configure(config)
    assert nbval.kernel.start_new_kernel("python3", cwd=".") == "kernel"
    environment = calls[0]["env"]
    assert "libblasnoise.so" in environment["LD_PRELOAD"]
    assert "openblas" in environment["SCRATCHLEARN_BLAS_LIBRARY"]
    assert "NPY_DISABLE_CPU_FEATURES" in environment
    assert "OPENBLAS_CORETYPE" not in environment  # the BLAS's own kernels stay


def test_numpy_takes_other_instructions_for_its_own_loops(tmp_path):
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    if not any(__cpu_features__.get(name) for name in __cpu_dispatch__):
        pytest.skip("this processor runs NumPy's baseline loops already")
    code = (
        "import hashlib, numpy as np; x = np.linspace(-30, 30, 100001); "
        "values = np.exp(x).tobytes() + np.log1p(x * x).tobytes(); "
        "print(hashlib.sha256(values).hexdigest())"
    )
    here = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    elsewhere = subprocess.run(
        [sys.executable, "-c", code],
        env=other_processor_environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert here.returncode == elsewhere.returncode == 0, elsewhere.stderr
    assert here.stdout != elsewhere.stdout


def test_the_suite_compares_outputs_strictly():
    makefile = (ROOT / "Makefile").read_text()
    assert "--nbval " in makefile or "--nbval\t" in makefile
    assert "--nbval-lax" not in makefile
    assert "nbval-lax" not in (ROOT / "pyproject.toml").read_text()
    assert "OPENBLAS_CORETYPE" not in makefile  # the kernels are the machine's own
    plugin = (ROOT / "tests" / "book" / "other_processor.py").read_text()
    assert "OPENBLAS_CORETYPE" not in plugin


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
    from scratchlearn.book import (
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
    from scratchlearn.book import displayed

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


def test_nbval_alone_runs_notebooks_as_another_processor(tmp_path):
    """`pytest --nbval book` (without tests/) must compute elsewhere too: the
    plugin is loaded by pyproject's addopts, not by tests/conftest.py."""
    import os

    import nbformat

    if os.environ.get("SCRATCHLEARN_EXACT_NUMERICS") == "1":
        pytest.skip("this run computes as this machine does, as asked")

    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "import os\n"
        "print(bool(os.environ.get('NPY_DISABLE_CPU_FEATURES') is not None),\n"
        "      'libblasnoise' in os.environ.get('LD_PRELOAD', ''))"
    )
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="True True\n")]
    notebook.cells.append(cell)
    path = tmp_path / "probe.ipynb"
    nbformat.write(notebook, path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--nbval",
            "--nbval-current-env",
            "--rootdir",
            str(ROOT),
            "-c",
            str(ROOT / "pyproject.toml"),
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
