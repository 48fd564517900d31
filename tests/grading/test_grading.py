"""Graded exercises: the tests' helpers, exercises/ against its masters, and grading.

The promises tested here: a master's solution gets full marks; an untouched exercise
gets zero but is graded to the end; a faulty answer (raising, exiting, wrong shape,
NaN, an endless loop, even under a bare `except:`, a library's implementation called)
costs its question only, with a message that says why, in bounded time (in detail on
kNN; on every exercise, one graded run each with a different fault per task, see
simulated.py); tampering costs the notebook (refused before it runs, in every
exercise; test_audit.py tries many kinds without running); the graded kernel cannot
reach the hidden tests; exercises/ is exactly what `make exercises` generates; every
learner notebook runs end to end. The slow tests share their gradings through
module-scoped fixtures, which run them two at a time beside `make grade`.
"""

import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import nbformat
import numpy as np
import pytest

from scratchlearn.grading import (
    REPOSITORY_URL,
    call,
    check_array,
    check_no_python_loops,
    time_limit,
)
from tests.conftest import ROOT
from tests.grading.simulated import FAULTS, faulty_notebook

MASTERS = sorted(
    path
    for path in (ROOT / "solutions").rglob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)
EXERCISES = [ROOT / "exercises" / m.relative_to(ROOT / "solutions") for m in MASTERS]
IDS = [m.relative_to(ROOT / "solutions").as_posix() for m in MASTERS]

# Short limits keep the faulty-answer tests fast; the mechanisms are the real ones.
# (The masters and exercises are graded with the defaults: their cells may be slow.)
TIME_LIMIT = "4"
# Generous: on a loaded 2-core machine an import-heavy cell can take several seconds,
# and only the endless loop must reach this limit.
CELL_TIMEOUT = 20
TIMEOUT = 120


# --------------------------------------------------------------- the tests' helpers


@pytest.fixture
def alarm():
    """time_limit needs SIGALRM in the main thread; elsewhere these tests would hang."""
    if not hasattr(signal, "setitimer"):
        pytest.skip("no SIGALRM on this platform")
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")


@pytest.mark.usefixtures("alarm")
def test_time_limit_stops_an_endless_loop():
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=r"did not finish within 0\.2 s"):
        with time_limit(0.2):
            while True:
                pass
    assert time.monotonic() - start < 2


@pytest.mark.usefixtures("alarm")
def test_time_limit_is_not_swallowed_by_except_exception():
    with pytest.raises(TimeoutError, match="loops forever"):
        with time_limit(0.2):
            while True:
                try:
                    pass
                except Exception:
                    pass


@pytest.mark.usefixtures("alarm")
def test_time_limit_restores_the_outer_timer_and_handler():
    handler = signal.getsignal(signal.SIGALRM)
    with time_limit(5):
        with time_limit(0.5):
            pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 3 < remaining <= 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


@pytest.mark.usefixtures("alarm")
def test_call_turns_mistakes_into_clear_messages():
    def divide(x):
        return x / 0

    def forever(x):
        while True:
            pass

    with pytest.raises(AssertionError, match="not defined"):
        call(None, 1)
    with pytest.raises(AssertionError, match=r"divide\(1\) raised ZeroDivisionError"):
        call(divide, 1)
    with pytest.raises(TimeoutError, match=r"forever\(<array of shape \(2,\)>\)"):
        call(forever, np.zeros(2), seconds=0.2)
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="earlier test"):
        call(forever, np.zeros(2), seconds=0.2)
    assert time.monotonic() - start < 0.1, "a second call should fail at once"


@pytest.mark.parametrize(
    ("result", "expected", "options", "message"),
    [
        (None, [1.0], {}, "returned None"),
        (
            np.zeros((3, 2)),
            np.zeros((2, 3)),
            {"shape_names": "(n_queries, n_train)"},
            r"expected \(n_queries, n_train\) = \(2, 3\), got \(3, 2\)",
        ),
        ([1.0, np.nan], [1.0, 2.0], {}, r"NaN .* 1 place\(s\), first at index \(1,\)"),
        ([1.0, 2.5], [1.0, 2.0], {}, r"largest difference is 0\.5 at index \(1,\)"),
        ([0, 2, 2], [0, 1, 2], {"exact": True}, r"index \(1,\): expected 1, got 2"),
        ([0.0, 1.0], [0, 1], {"integer": True}, "should hold integers"),
        (["a", "b"], [0, 1], {"exact": True}, "should hold numbers"),
    ],
    ids=["None", "shape", "NaN", "values", "exact", "integer", "strings"],
)
def test_check_array_explains_the_first_difference(result, expected, options, message):
    with pytest.raises(AssertionError, match=message):
        check_array(result, expected, name="f(X)", **options)


def test_check_array_accepts_the_right_answer():
    check_array(np.array([[1.0, 2.0]]) + 1e-12, [[1, 2]], name="f(X)")
    check_array(np.array([3, 1]), [3, 1], exact=True, integer=True)


def test_check_no_python_loops():
    def looping(X):
        return np.array([row.sum() for row in X])

    def while_looping(X):
        total = 0
        while total < 3:
            total += 1
        return total

    def vectorised(X):
        return X.sum(axis=1)

    with pytest.raises(AssertionError, match="list comprehension"):
        check_no_python_loops(looping)
    with pytest.raises(AssertionError, match="`while` loop"):
        check_no_python_loops(while_looping)
    check_no_python_loops(vectorised)


# -------------------------------------------------------------------- the notebooks


def test_every_master_has_its_exercise_and_nothing_else():
    found = sorted(
        path
        for path in (ROOT / "exercises").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )
    assert found == sorted(EXERCISES), "run `make exercises`"
    assert MASTERS, "no master notebook in solutions/"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_first_code_cell_sets_up_colab_then_the_grader(exercise):
    notebook = nbformat.read(exercise, as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    setup = code[0]
    assert '"google.colab" in sys.modules' in setup
    assert REPOSITORY_URL in setup
    assert setup.index("pip") < setup.index("import otter")
    assert f'otter.Notebook("{exercise.name}")' in setup
    assert not any("otter" in source for source in code[1:] if "grader." not in source)
    assert all(not cell.get("outputs") for cell in notebook.cells)


@pytest.fixture(scope="module")
def fresh_builds(tmp_path_factory):
    """Every master built from scratch (not from the cache) into a temporary folder."""
    from scratchlearn.grading.assign import CACHE_FOLDER, _cache_key, _locked, build

    folder = tmp_path_factory.mktemp("builds")
    builds = {
        master: build(master, folder / str(number), ROOT)
        for number, master in enumerate(MASTERS)
    }
    # The gradings below use the cache: fill it with these builds where it is cold
    # (a fresh clone, or the package changed), instead of building everything twice.
    for master, built in builds.items():
        exercise = master.relative_to(ROOT / "solutions").with_suffix("")
        cached = ROOT / CACHE_FOLDER / exercise / _cache_key(master, ROOT)[:16]
        with _locked(ROOT / CACHE_FOLDER / ".lock"):
            if not (cached / "questions.json").is_file():
                shutil.rmtree(cached, ignore_errors=True)
                shutil.copytree(built.learner.parent, cached)
    return builds


@pytest.mark.slow
@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_exercise_is_what_make_exercises_generates(master, fresh_builds):
    exercise = ROOT / "exercises" / master.relative_to(ROOT / "solutions")
    assert exercise.read_bytes() == fresh_builds[master].learner.read_bytes(), (
        f"{exercise} differs from what its master generates: run `make exercises`"
    )


@pytest.mark.slow
def test_make_exercises_is_deterministic(tmp_path, fresh_builds):
    from scratchlearn.grading.assign import assign

    written = assign(ROOT, destination=tmp_path)
    assert len(written) == len(MASTERS)
    for master, build in fresh_builds.items():
        again = tmp_path / master.relative_to(ROOT / "solutions")
        assert again.read_bytes() == build.learner.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_colab_test_files_check_the_solution(master, fresh_builds, tmp_path):
    """On Colab the public checks run from files written out of the notebook."""
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    from scratchlearn.grading.colab import write_public_tests

    build = fresh_builds[master]
    written = write_public_tests(build.learner, tmp_path / "tests")
    assert sorted(path.stem for path in written) == sorted(build.questions), (
        "every question needs a public check, for instant feedback"
    )
    solved = {}
    solution = nbformat.read(build.solution, as_version=4)
    for cell in solution.cells:
        if cell.cell_type != "code" or cell.id in ("setup", "score"):
            continue
        if "grader." in cell.source:
            continue
        exec(cell.source, solved)
    for path in written:
        test = create_test_file(str(path), NBMetadataConfig())
        test.run(solved)
        assert test.passed_all, test.summary()


def _run_as_a_learner(path, copy):
    """Copy the notebook at ``path`` to ``copy`` (otter writes its log file next to
    the notebook, and finds it by the name the notebook gives) and run the copy in a
    plain kernel, as a learner would; return it run."""
    from nbclient import NotebookClient

    shutil.copyfile(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        allow_errors=False,
        resources={"metadata": {"path": str(copy.parent)}},
    ).execute()
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_learner_notebook_runs_end_to_end(exercise, tmp_path):
    """Untouched, it runs without an error: its checks fail politely."""
    notebook = _run_as_a_learner(exercise, tmp_path / exercise.name)
    checks = [c for c in notebook.cells if c.source.startswith("grader.check(")]
    assert checks
    score = notebook.cells[-1]
    assert score.id == "score", "the notebook ends with the score"
    printed = "".join(output.get("text", "") for output in score.outputs)
    assert re.search(r"Public checks: 0 / [1-9][\d.]* points", printed), printed
    assert "Download" in score.source and "grading grade" in score.source
    for cell in checks:
        text = "".join(
            str(output.get("data", {}).get("text/plain", "")) for output in cell.outputs
        )
        assert "Test case failed" in text, text


# ------------------------------------------------------------------------- grading


# Faulty answers to the kNN exercise. Each breaks one function; knn_predict (q4) uses
# the other three, so it fails with them. Expected: (zero, full, message).
KNN = ROOT / "solutions" / "supervised" / "knn.ipynb"
FAULTY = {
    "raises": (
        {
            "nearest_neighbors": "def nearest_neighbors(distances, k):\n"
            "    order = np.argsort(distances, axis=1, kind='stable')\n"
            "    return order[:, :k] + np.zeros(k + 1, dtype=int)\n"
        },
        None,
        ({"q2", "q4"}, {"q1", "q3"}, r"raised ValueError: operands could not be"),
    ),
    "wrong shape": (
        {
            "euclidean_distances": "def euclidean_distances(X, Y):\n"
            "    difference = X[:, np.newaxis, :] - Y[np.newaxis, :, :]\n"
            "    return np.sqrt(np.sum(difference**2, axis=2)).T\n"
        },
        None,
        ({"q1", "q4"}, {"q2", "q3"}, r"expected \(n_queries, n_train\) = \(2, 3\)"),
    ),
    "NaN": (
        {
            "euclidean_distances": "def euclidean_distances(X, Y):\n"
            "    squared = (X**2).sum(1)[:, None] + (Y**2).sum(1) - 2 * X @ Y.T\n"
            "    return np.sqrt(squared - 1e-9)  # not clipped at 0\n"
        },
        None,
        ({"q1"}, {"q2", "q3"}, r"contains NaN"),
    ),
    "endless loop": (
        {
            "majority_vote": "def majority_vote(neighbor_labels):\n"
            "    winners, row = [], 0\n"
            "    while row < len(neighbor_labels):  # row never grows\n"
            "        try:\n"
            "            values, counts = np.unique(neighbor_labels[row], "
            "return_counts=True)\n"
            "            winners.append(values[np.argmax(counts)])\n"
            "        except Exception:\n"
            "            pass\n"
            "    return np.array(winners)\n"
        },
        None,
        ({"q3", "q4"}, {"q1", "q2"}, rf"did not finish within {TIME_LIMIT} s"),
    ),
    "endless loop at top level": (
        {},
        "# Trying things out.\nwhile True:\n    pass\n",
        (set(), {"q1", "q2", "q3", "q4"}, None),
    ),
    "deaf endless loop at top level": (
        {},
        # A loop in C code that never looks at interruptions (a loop in Python that
        # catches them is made interruptible: handlers are narrowed to Exception).
        "total = sum(range(10**15))\n",
        ({"q1", "q2", "q3", "q4"}, set(), None),
    ),
    "endless loop under a bare except": (
        {
            "majority_vote": "def majority_vote(neighbor_labels):\n"
            "    while True:\n"
            "        try:\n"
            "            pass\n"
            "        except:  # swallows everything, the grader's alarm too\n"
            "            pass\n"
        },
        None,
        ({"q3", "q4"}, {"q1", "q2"}, rf"did not finish within {TIME_LIMIT} s"),
    ),
    "SystemExit": (
        {
            "majority_vote": "def majority_vote(neighbor_labels):\n"
            "    raise SystemExit\n"
        },
        None,
        ({"q3", "q4"}, {"q1", "q2"}, r"raised SystemExit"),
    ),
    "library call": (
        {
            "knn_predict": "from sklearn.neighbors import KNeighborsClassifier\n\n\n"
            "def knn_predict(X_train, y_train, X_query, k):\n"
            "    model = KNeighborsClassifier(k, algorithm='brute')\n"
            "    return model.fit(X_train, y_train).predict(X_query)\n"
        },
        None,
        ({"q4"}, {"q1", "q2", "q3"}, r"scikit-learn's own implementation"),
    ),
    "forged reference data": (
        # The hidden tests' reference data comes from the grader, never from the
        # learner's variables: with this one, every answer of zeros would pass them.
        {
            "knn_predict": "def knn_predict(X_train, y_train, X_query, k):\n"
            "    return np.zeros(len(X_query), dtype=int)\n"
        },
        "from scratchlearn.grading import Reference\n\n"
        "fake = {'X_train': np.zeros((3, 2)), 'y_train': np.zeros(3, int),\n"
        "        'X_query': np.zeros((3, 2))}\n"
        "fake.update({f'k={k}': np.zeros(3, int) for k in (1, 4, 5, 10, 15)})\n"
        "reference = Reference(wine=fake, iris=fake)\n",
        ({"q4"}, {"q1", "q2", "q3"}, r"knn_predict on the wine data with k=1"),
    ),
    "tampering": (
        {},
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n",
        ({"q1", "q2", "q3", "q4"}, set(), r"no points"),
    ),
}
# Tampering, one kind per exercise in turn (test_audit.py tries every kind on every
# exercise without running it; here the whole grading refuses the notebook).
TAMPERING = [
    "np.testing.assert_allclose = lambda *a, **k: None\n",
    "np.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n",
    "import scratchlearn.grading\n\nscratchlearn.grading.check_array = print\n",
    "hidden = open('../../solutions/supervised/knn.ipynb').read()\n",
    "grader.check = lambda *a, **k: None\n",
]
# The deaf loop ignores interruptions: only the overall timeout ends it.
DEAF_TIMEOUT = 30


def _faulty_notebook(solution, replacements, top_level, path):
    notebook = json.loads(solution.read_text())
    for cell in notebook["cells"]:
        for function, source in replacements.items():
            if "".join(cell["source"]).startswith(f"def {function}("):
                cell["source"] = source
    if top_level:
        after_setup = 1 + next(
            index for index, c in enumerate(notebook["cells"]) if c["id"] == "setup"
        )
        cell = nbformat.v4.new_code_cell(top_level)
        cell["id"] = "experiment"
        notebook["cells"].insert(after_setup, cell)
    path.write_text(json.dumps(notebook))
    return path


@pytest.fixture(scope="module")
def gradings(tmp_path_factory):
    """All the gradings of this file, overlapping: `make grade` on every exercise and
    master in the background while the faulty notebooks are graded a few at a time,
    with short limits.
    """
    from scratchlearn.grading.assign import cached_build
    from scratchlearn.grading.grade import _kill_process_tree, grade_notebook

    # Build first: concurrent gradings would otherwise each wait for the build.
    solution = cached_build(KNN, ROOT).solution
    for master in MASTERS:
        cached_build(master, ROOT)
    command = [sys.executable, "-m", "scratchlearn.grading", "grade", "--jobs", "2"]
    command += [str(path) for path in EXERCISES + MASTERS]
    make_grade = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    folder = tmp_path_factory.mktemp("faulty")
    previous = os.environ.get("SCRATCHLEARN_TIME_LIMIT")
    os.environ["SCRATCHLEARN_TIME_LIMIT"] = TIME_LIMIT

    def run(case):
        replacements, top_level, _ = FAULTY[case]
        path = folder / (re.sub(r"\W+", "_", case) + ".ipynb")
        _faulty_notebook(solution, replacements, top_level, path)
        timeout = DEAF_TIMEOUT if case.startswith("deaf") else TIMEOUT
        start = time.monotonic()
        result = grade_notebook(
            path, timeout=timeout, cell_timeout=CELL_TIMEOUT, root=ROOT
        )
        return result, time.monotonic() - start

    def simulate(index, master):
        path = folder / "every" / IDS[index]
        path.parent.mkdir(parents=True, exist_ok=True)
        kinds = faulty_notebook(
            master, cached_build(master, ROOT).solution, index, path
        )
        start = time.monotonic()
        result = grade_notebook(
            path, timeout=TIMEOUT, cell_timeout=CELL_TIMEOUT, root=ROOT
        )
        return kinds, result, time.monotonic() - start

    def tamper(index, master):
        path = folder / "tampered" / IDS[index]
        path.parent.mkdir(parents=True, exist_ok=True)
        notebook = json.loads(cached_build(master, ROOT).solution.read_text())
        cell = nbformat.v4.new_code_cell(TAMPERING[index % len(TAMPERING)])
        cell["id"] = "tampering"
        notebook["cells"].insert(-1, cell)
        path.write_text(json.dumps(notebook))
        start = time.monotonic()
        result = grade_notebook(
            path, timeout=TIMEOUT, cell_timeout=CELL_TIMEOUT, root=ROOT
        )
        return result, time.monotonic() - start

    try:
        # The deaf loop mostly sleeps until its timeout: start it first.
        cases = sorted(FAULTY, key=lambda case: not case.startswith("deaf"))
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = {case: pool.submit(run, case) for case in cases}
            every = [pool.submit(simulate, i, m) for i, m in enumerate(MASTERS)]
            tampered = [pool.submit(tamper, i, m) for i, m in enumerate(MASTERS)]
            faulty = {case: future.result() for case, future in futures.items()}
            every = [future.result() for future in every]
            tampered = [future.result() for future in tampered]
        # A limit that grows with the book: every notebook is graded once, two at a
        # time, each in well under TIMEOUT; only a hung grader would need more.
        stdout, stderr = make_grade.communicate(
            timeout=max(TIMEOUT * 4, TIMEOUT * len(command) // 4)
        )
    finally:
        _kill_process_tree(make_grade)  # and its graders, should a test have failed
        if previous is None:
            del os.environ["SCRATCHLEARN_TIME_LIMIT"]
        else:
            os.environ["SCRATCHLEARN_TIME_LIMIT"] = previous
    assert make_grade.returncode == 0, stderr
    return {
        "make grade": stdout.splitlines(),
        "faulty": faulty,
        "every": every,
        "tampered": tampered,
    }


@pytest.fixture(scope="module")
def make_grade(gradings):
    """The lines `make grade` printed, and the (score, possible) of each notebook."""
    lines = gradings["make grade"]
    scores = [
        tuple(float(x) for x in re.fullmatch(r"  score: (\S+) / (\S+)", line).groups())
        for line in lines
        if line.startswith("  score:")
    ]
    return lines, scores


@pytest.fixture(scope="module")
def faulty_results(gradings):
    """{case: (Result, seconds)} for each faulty notebook."""
    return gradings["faulty"]


@pytest.mark.slow
def test_make_grade_prints_points_per_question_and_a_total(make_grade):
    lines, scores = make_grade
    assert len(scores) == 2 * len(MASTERS)
    score = sum(s for s, _ in scores)
    possible = sum(p for _, p in scores)
    assert lines[-1] == f"TOTAL: {score:g}/{possible:g}"
    assert any(re.fullmatch(r"  q1 +\S+ / \S+", line) for line in lines)


@pytest.mark.slow
def test_masters_get_full_marks(make_grade):
    lines, scores = make_grade
    assert len(scores) == len(EXERCISES) + len(MASTERS), "\n".join(lines)
    for score, possible in scores[len(EXERCISES) :]:
        assert possible > 0
        assert score == possible, "\n".join(lines)


@pytest.mark.slow
def test_untouched_exercises_score_zero(make_grade):
    lines, scores = make_grade
    assert len(scores) == len(EXERCISES) + len(MASTERS), "\n".join(lines)
    for score, possible in scores[: len(EXERCISES)]:
        assert possible > 0
        assert score == 0, "\n".join(lines)
    assert any("returned None" in line for line in lines)


@pytest.mark.slow
@pytest.mark.parametrize("case", list(FAULTY))
def test_a_faulty_answer_costs_its_question_only(case, faulty_results):
    result, seconds = faulty_results[case]
    zero, full, message = FAULTY[case][2]
    questions = {question.name: question for question in result.questions}
    for name in zero:
        assert questions[name].score == 0, f"{name}: {questions[name]}"
        assert questions[name].failures
    for name in full:
        assert questions[name].score == questions[name].possible > 0, questions[name]
        assert not questions[name].failures
    if message:
        broken = min(zero)
        texts = [text for _, text in questions[broken].failures]
        assert any(re.search(message, text) for text in texts), texts
    limit = DEAF_TIMEOUT if case.startswith("deaf") else TIMEOUT
    assert seconds < limit + 15


@pytest.mark.slow
def test_endless_loops_at_top_level_are_reported(faulty_results):
    interrupted, _ = faulty_results["endless loop at top level"]
    assert any("was interrupted" in note for note in interrupted.notes)
    deaf, _ = faulty_results["deaf endless loop at top level"]
    assert any(f"Grading stopped after {DEAF_TIMEOUT} s" in n for n in deaf.notes)
    # Graded to the end despite the loop; the deaf one was not (make grade exits 1).
    assert interrupted.complete and not deaf.complete


@pytest.mark.slow
def test_tampering_is_not_run_and_explained(faulty_results):
    result, seconds = faulty_results["tampering"]
    assert seconds < 15, "a tampering notebook is refused before it runs"
    assert any("np.testing.assert_allclose" in note for note in result.notes)


@pytest.mark.slow
def test_grading_leaves_no_process_behind(faulty_results):
    psutil = pytest.importorskip("psutil")
    left = [
        " ".join(child.cmdline())
        for child in psutil.Process().children(recursive=True)
        if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    ]
    assert not [c for c in left if "ipykernel" in c or "scratchlearn.grading" in c]


@pytest.mark.slow
def test_the_score_cell_gives_a_solved_notebook_all_public_points(tmp_path):
    """The last cell runs every public check and prints the points with a total."""
    from scratchlearn.grading.assign import cached_build

    # A learner's notebook with every answer right: the solution's cells, with the
    # learner's checks (the solution carries the hidden ones too, which only run
    # with the grader's reference data).
    built = cached_build(KNN, ROOT)
    solved = json.loads(built.solution.read_text())
    learner = json.loads(built.learner.read_text())
    solved["metadata"]["otter"]["tests"] = learner["metadata"]["otter"]["tests"]
    path = tmp_path / "solved.ipynb"
    path.write_text(json.dumps(solved))
    notebook = _run_as_a_learner(path, tmp_path / KNN.name)
    score = notebook.cells[-1]
    assert score.id == "score"
    printed = "".join(output.get("text", "") for output in score.outputs)
    total = re.search(r"Public checks: (\S+) / (\S+) points", printed)
    assert total and float(total[1]) == float(total[2]) > 0, printed
    assert "q4: " in printed and "grader.check" not in printed, printed


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(MASTERS)), ids=IDS)
def test_every_exercise_grades_each_kind_of_fault_as_zero_with_its_message(
    index, gradings
):
    """One graded run per exercise, each task answered with a different fault."""
    kinds, result, seconds = gradings["every"][index]
    assert result.complete, result.notes
    assert seconds < TIMEOUT + 15
    for question in result.questions:
        kind = kinds[question.name]
        texts = [text for _, text in question.failures]
        assert question.possible > 0
        assert question.score == 0, (kind, question)
        assert any(re.search(FAULTS[kind][1], text) for text in texts), (kind, texts)


def test_every_kind_of_fault_meets_many_exercises():
    from scratchlearn.grading.audit import answer_names
    from tests.grading.simulated import kinds_for

    met = {}
    for index, master in enumerate(MASTERS):
        questions = list(answer_names(nbformat.read(master, as_version=4)))
        kinds = kinds_for(index, questions)
        assert len(set(kinds.values())) == len(questions), "a kind per task"
        for kind in kinds.values():
            met[kind] = met.get(kind, 0) + 1
    assert set(met) == set(FAULTS)
    assert min(met.values()) >= len(MASTERS) // 3, met


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(MASTERS)), ids=IDS)
def test_tampering_in_any_exercise_scores_zero_without_running(index, gradings):
    result, seconds = gradings["tampered"][index]
    assert result.score == 0 and result.possible > 0
    assert any("No points" in note for note in result.notes), result.notes
    assert seconds < 15, "refused before it runs"


ATTACKS = """\
import os
import pathlib
import subprocess

found = []  # what the answers could reach of the hidden tests
here = pathlib.Path.cwd()
found += [str(p) for p in here.rglob("*") if p.suffix in (".py", ".zip")]
for target in TARGETS:
    try:
        with open(target, "rb") as handle:
            found.append(f"read {target}: {len(handle.read())} bytes")
    except OSError as error:
        refused.append(type(error).__name__)
try:
    subprocess.run(["cat", TARGETS[0]], capture_output=True)
    found.append("started cat")
except OSError as error:
    refused.append(type(error).__name__)
"""


def test_the_answers_cannot_reach_the_hidden_tests(tmp_path):
    """Run by the grader's kernel without the audit (which refuses such code before
    it runs): no test file in the kernel's folder, the solutions, the builds (the
    autograder zip) and git's history cannot be opened, no program can be started;
    the tests arrive after the last cell and still find the answers.
    """
    from scratchlearn.grading.assign import cached_build
    from scratchlearn.grading.grade import PROTECTED, _hardened, _run_kernel

    built = cached_build(KNN, ROOT)
    targets = [str(KNN), str(built.autograder), str(ROOT / ".git" / "HEAD")]
    protected = [ROOT / name for name in PROTECTED] + [built.autograder.parent]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(f"TARGETS = {targets!r}\nrefused = []"),
        nbformat.v4.new_code_cell(ATTACKS),
    ]
    notebook = _hardened(notebook, protected)
    test = (
        "from otter.test_files import test_case\n\nname = 'q1'\npoints = 1\n\n"
        "@test_case(points=None, hidden=True)\n"
        "def test_q1_nothing_leaked(found, refused):\n"
        "    assert found == [], found\n"
        "    assert refused == ['PermissionError'] * 4, refused\n"
    )
    graded = _run_kernel(notebook, {"q1": test}, tmp_path, 60, [])
    assert graded == {"q1": {"score": 1.0, "failures": []}}, graded
