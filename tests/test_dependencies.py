"""Every package that src/ imports is declared where it is used.

- The algorithms (everything but ``viz``, ``datasets``, ``book``, ``grading`` and
  the ``experiments``) need NumPy only: pyproject's ``dependencies``. An optional extra
  (tqdm's progress bar) is imported inside ``try``/``except ImportError``, with a
  fallback.
- ``scratchlearn.viz``, ``scratchlearn.datasets``, ``scratchlearn.book`` (what a
  chapter notebook uses besides pictures) and each family's ``experiments`` (the
  book's runs) may import the ``book`` extra;
  ``scratchlearn.grading`` the ``grade`` and ``book`` extras.

The first tests read every import statement of src/ (including those inside
functions, which run only when called); the last one imports every algorithm module
in a fresh virtual environment that holds NumPy and nothing else.
"""

import ast
import functools
import importlib.metadata
import re
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src" / "scratchlearn"
NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)")


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"core": project["dependencies"], **project["optional-dependencies"]}
    return {
        group: {_normalise(NAME.match(r).group(1)) for r in requirements}
        for group, requirements in groups.items()
    }


def _group(path):
    parts = path.relative_to(SRC).parts
    if parts[0] in ("viz",) or parts[0] in ("datasets.py", "book.py"):
        return "book"
    if parts[-1] == "experiments.py":  # the book's runs (CartPole from Gymnasium)
        return "book"
    if parts[0] == "grading":
        return "grade"
    return "core"


ALLOWED = {
    "core": ("core",),
    "book": ("core", "book"),
    "grade": ("core", "book", "grade"),
}


def _imports(tree):
    """(top-level module, line, optional) of every absolute import; optional means
    inside a ``try`` whose handlers catch ImportError."""
    optional_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name)
            and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            for child in node.body:
                optional_lines.update(range(child.lineno, child.end_lineno + 1))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            yield name.split(".")[0], node.lineno, node.lineno in optional_lines


@functools.cache
def _installed():
    return importlib.metadata.packages_distributions()


def _distributions(module):
    found = _installed().get(module, [])
    return {_normalise(name) for name in found}


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_import_is_declared_for_its_part_of_the_library(path):
    declared = _declared()
    group = _group(path)
    allowed = set().union(*(declared[g] for g in ALLOWED[group]))
    anywhere = set().union(*declared.values())
    tree = ast.parse(path.read_text())
    undeclared = []
    for module, line, optional in _imports(tree):
        if module in sys.stdlib_module_names or module == "scratchlearn":
            continue
        distributions = _distributions(module)
        assert distributions, (
            f"{path.name}:{line} imports {module}, which is not installed"
        )
        if distributions & allowed:
            continue
        if optional and group == "core" and distributions & anywhere:
            continue  # an optional extra, with a fallback when it is missing
        undeclared.append(f"line {line}: {module} ({', '.join(sorted(distributions))})")
    assert not undeclared, (
        f"{path.relative_to(ROOT)} ({group}) imports packages not declared for it in "
        f"pyproject.toml: {undeclared}"
    )


def _core_modules():
    return sorted(
        ".".join(
            ("scratchlearn", *p.relative_to(SRC).with_suffix("").parts)
        ).removesuffix(".__init__")
        for p in MODULES
        if _group(p) == "core"
    )


@pytest.mark.slow
def test_the_algorithms_import_with_numpy_alone(tmp_path):
    """A fresh virtual environment with only the declared core dependency."""
    (requirement,) = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", requirement],
        check=True,
    )
    modules = _core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from scratchlearn.deep import Dense, Sequential\n"
        "import numpy as np\n"
        "model = Sequential([Dense(2)], random_state=0)\n"
        "model.compile('sgd', 'mse')\n"
        "model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=2, verbose=1)\n"
        "print('imported', len(sys.modules))\n"
    )
    result = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r})\n{code}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout
    assert "epoch 2/2" in result.stdout.lower() or "Epoch 2/2" in result.stdout
