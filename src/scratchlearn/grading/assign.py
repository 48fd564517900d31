"""Build an exercise from its master notebook: learner notebook, solution, autograder.

``otter assign`` does the real work. Around it, this module

* adds what the master does not spell out: the autograder's Python version and pinned
  requirements (from ``pyproject.toml``) and the ``scratchlearn`` package itself, so
  that the zip grades in otter's Docker image exactly as ``make grade`` does here;
* puts a set-up cell first in the learner's notebook (Colab, then the grader), written
  from :data:`scratchlearn.grading.REPOSITORY_URL`;
* makes every output deterministic: cell ids, metadata, no outputs, and a zip file with
  a fixed name, order and dates (otter stamps the time into both), so that a test can
  regenerate ``exercises/`` and compare.

Builds are cached under ``_build/grading/`` (ignored by git), keyed by a hash of
everything they depend on.
"""

import contextlib
import dataclasses
import hashlib
import io
import json
import pathlib
import re
import shutil
import tempfile
import threading
import time
import tomllib
import zipfile

from scratchlearn.grading import REPOSITORY_URL, reference

# What the exercises' tests import besides NumPy; pinned as in pyproject.toml.
TEST_REQUIREMENTS = ("scikit-learn",)
CACHE_FOLDER = pathlib.Path("_build") / "grading"
# Bump when the build changes in a way the cache key cannot see.
BUILD_VERSION = "3"
_THREAD_LOCK = threading.Lock()
# Zip entries get this date instead of the time of the build.
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)

SETUP_CELL = """\
# Set-up: run this cell first. On Colab it downloads the book's code and this
# exercise's checks (about a minute); anywhere else it only starts the grader.
import sys

if "google.colab" in sys.modules:
    import importlib
    import os
    import subprocess

    REPOSITORY, CLONE = "{url}", "/content/scratchlearn"
    if not os.path.isdir(CLONE):
        subprocess.run(["git", "clone", "--depth=1", REPOSITORY, CLONE], check=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", CLONE + "[grade]"],
            check=True,
        )
        importlib.invalidate_caches()
    from scratchlearn.grading.colab import enter_exercise

    enter_exercise(CLONE, "{exercise}")

import otter

grader = otter.Notebook("{notebook}")"""


SCORE_CELL = """\
# Your score: run this cell last. It runs the public checks of every task and adds up
# their points; grading adds hidden checks, so the final score can be lower.
# To hand in your work, save this notebook (on Colab: File > Download > Download
# .ipynb) and send the .ipynb file to your instructor, who grades it with
# `python -m scratchlearn.grading grade <notebook>` (`make grade NB=<notebook>`).
from scratchlearn.grading import show_score

show_score(grader, {questions}, globals())"""


@dataclasses.dataclass(frozen=True)
class Build:
    """The files built from one master notebook.

    Attributes
    ----------
    master : pathlib.Path
        The master notebook.
    exercise : str
        Its path below ``solutions/`` (``"supervised/knn.ipynb"``).
    learner : pathlib.Path
        The learner's notebook, as ``exercises/<exercise>`` must contain it.
    solution : pathlib.Path
        The learner's notebook with the solutions filled in (it must get full marks).
    autograder : pathlib.Path
        The autograder zip file for ``otter run`` and ``otter grade``.
    questions : dict
        Points possible per question, in order (``{"q1": 3.0, ...}``).
    """

    master: pathlib.Path
    exercise: str
    learner: pathlib.Path
    solution: pathlib.Path
    autograder: pathlib.Path
    questions: dict


def find_root(start=None):
    """The repository root: the nearest folder holding ``solutions/``.

    Searched upwards from ``start`` (a path), then from the working directory, then
    from this package's location (an editable install in the repository).
    """
    candidates = []
    if start is not None:
        candidates.append(pathlib.Path(start).resolve())
    candidates += [pathlib.Path.cwd(), pathlib.Path(__file__).resolve()]
    for candidate in candidates:
        for folder in [candidate, *candidate.parents]:
            if (folder / "solutions").is_dir():
                return folder
    raise FileNotFoundError(
        "Cannot find the book's repository (a folder with solutions/ in it); run this "
        "from the repository."
    )


def master_notebooks(root):
    """Every master notebook in ``root/solutions``, sorted."""
    return sorted(
        path
        for path in (pathlib.Path(root) / "solutions").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


def build(master, output, root=None):
    """Build the learner notebook, the solution and the autograder of ``master``.

    Parameters
    ----------
    master : path
        A master notebook in ``solutions/``.
    output : path
        Folder to write into (created; existing files are replaced).
    root : path, optional
        The repository root; found from ``master`` by default.

    Returns
    -------
    Build
    """
    import nbformat
    import yaml
    from otter.assign import main as otter_assign
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    master = pathlib.Path(master).resolve()
    root = find_root(master) if root is None else pathlib.Path(root).resolve()
    exercise = master.relative_to(root / "solutions").as_posix()
    output = pathlib.Path(output)
    output.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.read(master, as_version=4)

    config_cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "raw" and cell.source.startswith("# ASSIGNMENT CONFIG")
    ]
    if len(config_cells) != 1:
        raise ValueError(
            f"{master} needs one raw cell starting with '# ASSIGNMENT CONFIG' (otter "
            f"assign's format); it has {len(config_cells)}."
        )
    (config_cell,) = config_cells
    # The reference data cell runs here, in the build; only its values go on.
    reference_cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.startswith(reference.MARKER)
    ]
    if len(reference_cells) > 1:
        raise ValueError(
            f"{master} has {len(reference_cells)} cells starting with "
            f"'{reference.MARKER}'; put the reference data in one."
        )
    data = reference.run_cell(reference_cells[0].source) if reference_cells else None
    notebook.cells = [cell for cell in notebook.cells if cell not in reference_cells]
    config = yaml.safe_load(config_cell.source) or {}
    config.update(_environment(root))
    config_cell.source = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(
        config, sort_keys=False
    )

    with tempfile.TemporaryDirectory() as temporary:
        temporary = pathlib.Path(temporary)
        copy = temporary / master.name
        nbformat.write(notebook, copy)
        # otter prints progress and warnings of its own; the caller reports results.
        with contextlib.redirect_stdout(io.StringIO()):
            otter_assign(
                str(copy), str(temporary / "dist"), no_pdfs=True, no_run_tests=True
            )
        dist = temporary / "dist"
        master_ids = [cell.get("id") for cell in notebook.cells]
        for kind, target in (("student", "learner"), ("autograder", "solution")):
            generated = nbformat.read(dist / kind / master.name, as_version=4)
            _normalise(generated, master_ids, exercise, master.name)
            nbformat.write(generated, output / f"{target}.ipynb")
        (zip_path,) = (dist / "autograder").glob("*.zip")
        autograder = output / f"{master.stem}-autograder.zip"
        extra = {} if data is None else {reference.FILE_NAME: reference.encode(data)}
        _rewrite_zip(zip_path, autograder, root, extra)
        with zipfile.ZipFile(autograder) as archive:
            tests = [name for name in archive.namelist() if name.startswith("tests/")]
            archive.extractall(temporary / "unzipped", tests)
        questions = {}
        for test in sorted(
            (temporary / "unzipped" / "tests").glob("*.py"), key=_natural
        ):
            test_file = create_test_file(str(test), NBMetadataConfig())
            questions[test.stem] = float(test_file.possible)
    (output / "questions.json").write_text(json.dumps(questions, indent=1) + "\n")
    return Build(
        master,
        exercise,
        output / "learner.ipynb",
        output / "solution.ipynb",
        autograder,
        questions,
    )


def _natural(path):
    """Sort key putting q2 before q10."""
    return [
        int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.stem)
    ]


def cached_build(master, root=None):
    """:func:`build` into ``_build/grading/``, reusing an earlier identical build.

    Each build has a folder named after its cache key, written once and then only
    read, so that a grading in progress keeps its files when a change of the sources
    makes the next grading build anew. Builds unused for a day are removed.
    """
    master = pathlib.Path(master).resolve()
    root = find_root(master) if root is None else pathlib.Path(root).resolve()
    exercise = master.relative_to(root / "solutions").with_suffix("")
    key = _cache_key(master, root)
    folder = root / CACHE_FOLDER / exercise / key[:16]
    questions = folder / "questions.json"
    with _locked(root / CACHE_FOLDER / ".lock"):
        if not questions.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            build(master, folder, root)
        folder.touch()
        for old in folder.parent.iterdir():
            if old != folder and time.time() - old.stat().st_mtime > 86400:
                shutil.rmtree(old, ignore_errors=True)
    return Build(
        master,
        exercise.as_posix() + ".ipynb",
        folder / "learner.ipynb",
        folder / "solution.ipynb",
        folder / f"{master.stem}-autograder.zip",
        json.loads(questions.read_text()),
    )


@contextlib.contextmanager
def _locked(path):
    """Hold a lock so that concurrent builds wait for each other.

    otter assign changes the working directory of the whole process while it runs,
    so builds in threads must not overlap; the file lock covers two processes (say
    ``make grade`` and the tests) filling the same cache.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCK, open(path, "a") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: threads are still serialised
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def assign(root=None, destination=None, masters=None):
    """Regenerate ``exercises/`` from ``solutions/``: ``make exercises``.

    Parameters
    ----------
    root : path, optional
        The repository root (found from the working directory by default).
    destination : path, optional
        Where to write the learner notebooks instead of ``root/exercises`` (the drift
        test writes into a temporary folder).
    masters : list of path, optional
        Only these master notebooks (all of ``solutions/`` by default).

    Returns
    -------
    list of pathlib.Path
        The learner notebooks written.
    """
    root = find_root() if root is None else pathlib.Path(root).resolve()
    destination = (
        root / "exercises" if destination is None else pathlib.Path(destination)
    )
    written = []
    masters = master_notebooks(root) if masters is None else masters
    for master in masters:
        built = cached_build(master, root)
        target = destination / built.exercise
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built.learner, target)
        written.append(target)
    return written


def write_autograder(master, output):
    """Copy the autograder zip of ``master`` into the folder ``output``.

    Returns
    -------
    pathlib.Path
        The zip file written.
    """
    built = cached_build(master)
    output = pathlib.Path(output)
    output.mkdir(parents=True, exist_ok=True)
    target = output / built.autograder.name
    shutil.copyfile(built.autograder, target)
    return target


def setup_cell_source(exercise, notebook_name):
    """The learner notebook's first code cell (see :data:`SETUP_CELL`)."""
    return SETUP_CELL.format(
        url=REPOSITORY_URL, exercise=exercise, notebook=notebook_name
    )


def _environment(root):
    """The autograder's Python version and pinned requirements, from pyproject.toml."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pinned = list(pyproject["dependencies"])
    for group in pyproject.get("optional-dependencies", {}).values():
        pinned += [
            requirement
            for requirement in group
            if re.split(r"[=<>!~\[ ;]", requirement)[0] in TEST_REQUIREMENTS
        ]
    python = re.search(r"\d+\.\d+", pyproject["requires-python"]).group()
    return {"python_version": python, "requirements": sorted(set(pinned))}


def _normalise(notebook, master_ids, exercise, notebook_name):
    """Make a generated notebook deterministic and add the set-up cell, in place."""
    import nbformat

    setup = nbformat.v4.new_code_cell(setup_cell_source(exercise, notebook_name))
    setup.metadata = {"deletable": False, "editable": False, "tags": ["setup"]}
    first_code = next(
        index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
    )
    notebook.cells.insert(first_code, setup)
    questions = list(
        dict.fromkeys(
            match.group(1)
            for cell in notebook.cells
            if cell.cell_type == "code"
            for match in [re.fullmatch(r'grader\.check\("(q\w+)"\)\s*', cell.source)]
            if match
        )
    )
    score = nbformat.v4.new_code_cell(SCORE_CELL.format(questions=questions))
    score.metadata = {"deletable": False, "editable": False, "tags": ["score"]}
    notebook.cells.append(score)
    used = set()
    for index, cell in enumerate(notebook.cells):
        # Keep the master's ids; otter's new cells (the checks) get ids from their
        # content, so that regenerating gives the same file.
        if cell is setup:
            cell_id = "setup"
        elif cell is score:
            cell_id = "score"
        elif cell.get("id") in master_ids:
            cell_id = cell["id"]
        else:
            slug = re.sub(r"[^A-Za-z0-9]+", "-", cell.source).strip("-")[:40]
            cell_id = slug or f"cell-{index}"
        while cell_id in used:
            cell_id += "-x"
        used.add(cell_id)
        cell["id"] = cell_id
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
        "otter": notebook.metadata["otter"],
    }
    notebook.nbformat, notebook.nbformat_minor = 4, 5


def _rewrite_zip(source, target, root, extra=None):
    """Copy otter's zip with fixed dates and order, adding the scratchlearn package
    and the ``extra`` files (``{name: text}``, the reference data).

    otter copies the zip's ``files/`` into the folder where the submission runs, so
    the tests import this very ``scratchlearn`` in otter's Docker image too, and
    find the reference data there.
    """
    entries = {}
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            entries[name] = archive.read(name)
    package = pathlib.Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        name = "files/scratchlearn/" + path.relative_to(package).as_posix()
        entries[name] = path.read_bytes()
    for name, text in (extra or {}).items():
        entries["files/" + name] = text.encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if name == "run_autograder" else 0o644) << 16
            archive.writestr(info, entries[name])


def _cache_key(master, root):
    """Hash of what a build depends on: the master, the package, the pins, otter."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update(f"{BUILD_VERSION} otter-grader {version('otter-grader')}".encode())
    digest.update(json.dumps(_environment(root)).encode())
    digest.update(master.read_bytes())
    package = pathlib.Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
