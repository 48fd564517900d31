"""Static checks over the hidden tests of every exercise (issue 15, section 3).

The issue asks that hidden tests never compute their expected answers with a library
(scikit-learn, SciPy, TensorFlow, scratchlearn's own reference implementation) in the
learner's kernel, where a learner's cell could reach it (monkeypatching sys.modules).
Most hidden tests still do: KNOWN lists them, as they are today, so that this test
fails on any NEW such import and on any entry that is no longer true (the list can
only shrink). Moving the expected values out of the kernel is the open work; when it
is done, KNOWN is empty.
"""

import ast
import functools
from pathlib import Path

import nbformat

from tests.conftest import ROOT

LIBRARIES = {
    "keras",
    "scipy",
    "scratchlearn",
    "sklearn",
    "statsmodels",
    "tensorflow",
    "torch",
    "xgboost",
}
# The grading helpers (call, check_array, ...) run in the kernel by design.
ALLOWED = ("scratchlearn.grading",)

KNOWN = {
    "deep/autoencoders.ipynb": {"scratchlearn.deep"},
    "deep/gan.ipynb": {"scratchlearn.deep"},
    "evolutionary/genetic_algorithm.ipynb": {"scipy"},
    "evolutionary/neuroevolution.ipynb": {"scratchlearn.deep"},
    "evolutionary/particle_swarm.ipynb": {"scratchlearn.evolutionary.swarm"},
    "supervised/adaboost.ipynb": {
        "sklearn.datasets",
        "sklearn.ensemble",
        "sklearn.tree",
    },
    "supervised/bayesian_regression.ipynb": {
        "sklearn.datasets",
        "sklearn.linear_model",
    },
    "supervised/decision_tree.ipynb": {"sklearn.datasets", "sklearn.tree"},
    "supervised/gradient_boosting.ipynb": {
        "scratchlearn.supervised",
        "sklearn._loss.loss",
        "sklearn.datasets",
        "sklearn.ensemble",
    },
    "supervised/lda.ipynb": {
        "scipy.linalg",
        "sklearn.datasets",
        "sklearn.discriminant_analysis",
    },
    "supervised/linear_regression.ipynb": {
        "scratchlearn.supervised",
        "scratchlearn.supervised.linear_regression",
        "sklearn.datasets",
        "sklearn.linear_model",
        "sklearn.preprocessing",
    },
    "supervised/logistic_regression.ipynb": {
        "scratchlearn.supervised",
        "scratchlearn.supervised.logistic_regression",
        "sklearn.datasets",
        "sklearn.linear_model",
    },
    "supervised/model_selection.ipynb": {
        "sklearn.datasets",
        "sklearn.ensemble",
        "sklearn.linear_model",
        "sklearn.model_selection",
        "sklearn.naive_bayes",
        "sklearn.neighbors",
        "sklearn.tree",
    },
    "unsupervised/agglomerative.ipynb": {
        "scipy.cluster.hierarchy",
        "scratchlearn.unsupervised.agglomerative",
        "sklearn.metrics",
    },
    "unsupervised/association_rules.ipynb": {
        "scratchlearn.unsupervised",
        "scratchlearn.unsupervised.association_rules",
    },
    "unsupervised/dbscan.ipynb": {
        "sklearn.cluster",
        "sklearn.datasets",
        "sklearn.metrics",
    },
    "unsupervised/gaussian_mixture.ipynb": {
        "scipy.special",
        "scipy.stats",
        "scratchlearn.unsupervised.gaussian_mixture",
        "sklearn.mixture",
    },
    "unsupervised/kmeans.ipynb": {
        "scratchlearn.unsupervised.kmeans",
        "sklearn.cluster",
        "sklearn.datasets",
    },
    "unsupervised/kmedoids.ipynb": {
        "scipy.spatial.distance",
        "scratchlearn.unsupervised",
        "scratchlearn.unsupervised.kmedoids",
        "sklearn.datasets",
    },
    "unsupervised/pca.ipynb": {
        "scratchlearn.metrics",
        "scratchlearn.unsupervised",
        "sklearn.datasets",
        "sklearn.decomposition",
    },
}


def _library_imports(source):
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            if name.split(".")[0] in LIBRARIES and not name.startswith(ALLOWED):
                modules.add(name)
    return modules


@functools.cache
def _hidden_imports():
    found = {}
    for master in sorted(Path(ROOT, "solutions").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in master.parts:
            continue
        notebook = nbformat.read(master, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and "hidden: true" in cell.source:
                modules = _library_imports(cell.source)
                if modules:
                    key = master.relative_to(ROOT / "solutions").as_posix()
                    found.setdefault(key, set()).update(modules)
    return found


def _beyond(these, those):
    """{exercise: sorted imports in ``these`` and not in ``those``}, where any."""
    return {
        key: sorted(extra)
        for key, modules in these.items()
        if (extra := modules - those.get(key, set()))
    }


def test_no_hidden_test_gains_a_library_import():
    new = _beyond(_hidden_imports(), KNOWN)
    assert not new, (
        "Hidden tests must not compute expected answers with a library in the "
        f"learner's kernel; new imports: {new}"
    )


def test_the_known_library_imports_are_still_true():
    stale = _beyond(KNOWN, _hidden_imports())
    assert not stale, f"Remove from KNOWN, these imports are gone: {stale}"


def test_the_scan_finds_a_library_import():
    source = '""" # BEGIN TEST CONFIG\nhidden: true\n"""\nfrom sklearn.tree import X\n'
    assert _library_imports(source) == {"sklearn.tree"}
    assert _library_imports("from scratchlearn.grading import call") == set()
