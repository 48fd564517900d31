"""Grade learners' notebooks without Docker: ``make grade``.

Each notebook is graded in a worker process of its own, which runs the learner's cells
in a fresh Jupyter kernel with nbclient and then the exercise's tests (public and
hidden) from the autograder built from its master (the same test files that otter
grades with in Docker; :mod:`scratchlearn.grading.runner` runs them without otter).

**Where the answers run, and what they can reach.** Before anything runs, the code
audit (:mod:`scratchlearn.grading.audit`) reads the notebook in this process and
refuses tampering and library calls. Then:

* the kernel starts in an empty temporary folder holding only the notebook: no test
  file is ever written where it could be found. The worker reads the tests from the
  autograder zip into its own memory and sends them to the kernel, as the code of
  one last cell, only after the learner's last cell has run, so no answer cell can see
  or change them in advance (the cell is run without being stored in the kernel's
  history);
* the kernel's first cell imports the checks (they keep trusted references to
  NumPy's functions before any answer runs) and installs an audit hook
  (:mod:`scratchlearn.grading.guard`) that refuses, for the rest of the kernel's life,
  to open any file of ``solutions/``, ``_build/`` (where the autograder zip lives) or
  ``.git/``, and to start other programs;
* the report comes back as the value of that last cell (an ``execute_result``, which
  printing cannot forge), and the points are added up here, from the test files.

Running the checks in another process than the answers, with only the answers'
values crossing over, was weighed and not chosen: the tests call the learner's
functions many times, with random generators, callbacks and arrays changed in place,
so each call would have to travel between processes and keep its side effects.

Three limits keep a faulty notebook from hanging the grader, from the innermost out:

1. **Each call of a learner's function** in a test runs under
   :func:`scratchlearn.grading.time_limit` (a ``SIGALRM`` timer in the kernel): an
   endless loop costs that test its points, with a message, and the next tests run.
2. **Each cell of the learner's notebook** gets ``cell_timeout`` seconds; nbclient
   interrupts a cell that runs too long (``interrupt_on_timeout``) and goes on with
   the next, so an endless loop at top level loses only what depends on it. The last
   cell, which runs the tests, is exempt: limit 1 bounds it.
3. **The whole worker** gets ``timeout`` seconds. If it is still running then (a loop
   that swallows interrupts, a kernel stuck in C code), it is killed with its kernel,
   and every question not graded scores zero with a message.

What the tests compare against never comes from the kernel: hidden tests import no
library but, in two tests, the book's models that the learner's function takes as
input (tests/grading/test_hidden_tests.py checks it). An expected value that needs
scikit-learn, scipy or scratchlearn's own implementation is worked out when the
autograder is built, in the master's reference data cell
(:mod:`scratchlearn.grading.reference`); this process reads it from the zip and sends
it with the tests, and the runner hands it to them itself. What remains reachable:
the tests run in the learner's kernel, after its cells, with NumPy and the checks
imported there; the audit's refusal of any assignment to a module's or class's
attribute is what keeps the learner's code from patching those.
"""

import concurrent.futures
import dataclasses
import inspect
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import textwrap

from scratchlearn.grading.assign import cached_build, find_root

TIMEOUT = 300
CELL_TIMEOUT = 60

# Folders of the repository whose files the learner's kernel may not open.
PROTECTED = ("solutions", "_build", ".git")


@dataclasses.dataclass
class Question:
    """The result of one question: points, and why points were lost."""

    name: str
    score: float
    possible: float
    failures: list = dataclasses.field(default_factory=list)
    """``(test, message)`` pairs, one per failed test."""


@dataclasses.dataclass
class Result:
    """The result of grading one notebook."""

    notebook: str
    questions: list
    notes: list = dataclasses.field(default_factory=list)
    complete: bool = True
    """False if the grading could not run to its end (timeout, a failure)."""

    @property
    def score(self):
        return sum(question.score for question in self.questions)

    @property
    def possible(self):
        return sum(question.possible for question in self.questions)


def find_master(notebook, root=None):
    """The master notebook that ``notebook`` was generated from.

    A notebook in ``solutions/`` is a master itself. Otherwise the assignment name
    that ``make exercises`` stores in the notebook's metadata says which master it is
    (so a renamed or moved copy is still found), and failing that, the notebook's
    path below ``exercises/``.
    """
    notebook = pathlib.Path(notebook).resolve()
    root = find_root(notebook) if root is None else pathlib.Path(root).resolve()
    solutions = root / "solutions"
    if notebook.is_relative_to(solutions):
        return notebook
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]
        name = metadata["otter"]["assignment_name"]
        master = solutions / f"{name}.ipynb"
        if master.is_file():
            return master
    except (KeyError, TypeError, ValueError):
        pass
    for folder in notebook.parents:
        if folder.name == "exercises":
            master = solutions / notebook.relative_to(folder)
            if master.is_file():
                return master
    raise FileNotFoundError(
        f"{notebook} does not belong to any exercise: no master notebook for it in "
        f"{solutions}."
    )


def notebooks_in(path):
    """The notebooks to grade for ``path``: itself, or every notebook below it."""
    path = pathlib.Path(path)
    if path.is_dir():
        return sorted(
            found
            for found in path.rglob("*.ipynb")
            if ".ipynb_checkpoints" not in found.parts
        )
    return [path]


def grade_notebook(notebook, *, timeout=TIMEOUT, cell_timeout=CELL_TIMEOUT, root=None):
    """Grade one learner notebook (or, given a master, its solution).

    Parameters
    ----------
    notebook : path
        A learner's notebook, or a master in ``solutions/`` to grade its solution.
    timeout : float
        Seconds the whole grading may take.
    cell_timeout : float
        Seconds one cell of the notebook may run before it is interrupted.
    root : path, optional
        The repository root; found from ``notebook`` by default.

    Returns
    -------
    Result
    """
    import nbformat

    from scratchlearn.grading.audit import audit

    notebook = pathlib.Path(notebook)
    master = find_master(notebook.resolve(), root)
    built = cached_build(master, root)
    submission = built.solution if notebook.resolve() == master else notebook.resolve()
    try:
        submitted = nbformat.read(submission, as_version=4)
    except Exception as error:
        problem = f"Grading could not finish: the notebook cannot be read ({error})."
        return _result(str(notebook), built.questions, {}, problem, complete=False)
    # Read before anything runs, in this process, where the answers cannot reach.
    found = audit(
        submitted,
        nbformat.read(built.learner, as_version=4),
        nbformat.read(master, as_version=4),
    )
    if found.tampering:
        return _tampered(str(notebook), built.questions, found.tampering)
    with tempfile.TemporaryDirectory() as temporary:
        temporary = pathlib.Path(temporary)
        # The set-up cell opens the notebook under its master's name.
        copy = temporary / master.name
        root = find_root(master) if root is None else pathlib.Path(root)
        protected = [root / name for name in PROTECTED] + [built.autograder.parent]
        nbformat.write(_hardened(submitted, protected), copy)
        report_path = temporary / "result.json"
        log_path = temporary / "worker.log"
        command = [
            sys.executable,
            "-m",
            "scratchlearn.grading",
            "_worker",
            str(built.autograder),
            str(copy),
            str(report_path),
            "--cell-timeout",
            str(cell_timeout),
        ]
        with open(log_path, "wb") as log:
            worker = subprocess.Popen(
                command,
                cwd=temporary,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                worker.wait(timeout)
                problem = None
            except subprocess.TimeoutExpired:
                problem = (
                    f"Grading stopped after {timeout:g} s: the notebook did not "
                    "finish. A cell probably loops forever (and ignores "
                    "interruptions). Questions not graded by then score 0."
                )
            finally:
                _kill_process_tree(worker)
        if problem is None and not report_path.is_file():
            log = log_path.read_text(errors="replace").strip().splitlines()
            problem = "The grader failed:\n" + "\n".join(log[-15:])
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    result = _result(str(notebook), built.questions, report, problem)
    for question in result.questions:
        for message in found.library.get(question.name, []):
            question.score = 0.0
            question.failures.insert(0, ("library", message))
    return result


def _result(notebook, possible, report, problem, complete=None):
    """Combine the worker's report with the questions the autograder should grade."""
    graded = report.get("questions", {})
    notes = list(report.get("notes", []))
    if problem:
        notes.append(problem)
    if report.get("error"):
        notes.append(report["error"])
    questions = []
    for name, points in possible.items():
        if name in graded:
            question = graded[name]
            failures = [tuple(failure) for failure in question["failures"]]
            questions.append(Question(name, question["score"], points, failures))
        else:
            questions.append(
                Question(name, 0.0, points, [("all checks", "not graded (see below)")])
            )
    if complete is None:
        complete = not problem and not report.get("error")
    return Result(notebook, questions, notes, complete)


def _tampered(notebook, possible, messages):
    """The result of a notebook that tampers with the grading: zero, not run."""
    questions = [
        Question(name, 0.0, points, [("all checks", "no points (see below)")])
        for name, points in possible.items()
    ]
    note = (
        "No points: this notebook's code could change how it is checked, so it was "
        "not run. An answer needs NumPy and plain Python only; remove what is named "
        "here and grade again.\n" + "\n".join(f"- {m}" for m in messages)
    )
    return Result(notebook, questions, [note], True)


# What an answer's `except` may not catch: the grader's interruptions and exits.
_UNCATCHABLE = {"BaseException", "KeyboardInterrupt", "SystemExit", "GeneratorExit"}
_FIRST_CELL = """\
import scratchlearn.grading  # the checks take their trusted copies of NumPy first
from scratchlearn.grading.guard import protect

protect({folders!r})  # no file of the solutions, builds or history can be opened
del protect"""


def _hardened(notebook, protected=()):
    """A copy of ``notebook`` made safe to grade.

    A first cell imports the checks before any of the learner's cells runs (see
    :func:`scratchlearn.grading.check_untouched`), and in every cell ``except:``,
    ``except BaseException`` and the like catch ``Exception`` only, so that a loop
    wrapped in a bare ``try``/``except`` cannot swallow the grader's time limits.
    """
    import copy

    import nbformat

    notebook = copy.deepcopy(notebook)
    # The score cell runs the public checks for the learner; grading runs them anyway
    # (and an endless loop there would be met once more, with another message).
    notebook.cells = [cell for cell in notebook.cells if cell.get("id") != "score"]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = _catch_exceptions_only(cell.source)
    first = nbformat.v4.new_code_cell(
        _FIRST_CELL.format(folders=[str(folder) for folder in protected])
    )
    first.id = "grading-first"
    notebook.cells.insert(0, first)
    return notebook


def _catch_exceptions_only(source):
    """``source`` with its exception handlers narrowed to ``Exception``."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    edits = []  # (line, start byte, end byte, text)
    for handler in ast.walk(tree):
        if not isinstance(handler, ast.ExceptHandler):
            continue
        if handler.type is None:
            start = handler.col_offset + len("except")
            edits.append((handler.lineno, start, start, " Exception"))
            continue
        for node in ast.walk(handler.type):
            if isinstance(node, ast.Name) and node.id in _UNCATCHABLE:
                edits.append(
                    (node.lineno, node.col_offset, node.end_col_offset, "Exception")
                )
    if not edits:
        return source
    lines = source.splitlines(keepends=True)
    encoded = [line.encode() for line in lines]
    for line, start, end, text in sorted(edits, reverse=True):
        row = encoded[line - 1]
        encoded[line - 1] = row[:start] + text.encode() + row[end:]
    return b"".join(encoded).decode()


def _kill_process_tree(process):
    """Kill a worker and everything it started (its kernel runs in its own session)."""
    try:
        import psutil

        try:
            family = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        for member in family:
            try:
                member.kill()
            except psutil.NoSuchProcess:
                pass
    except ImportError:  # psutil comes with ipykernel; without it, the group kill
        pass  # below still ends the worker, and the kernel notices its parent is gone
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def grade(paths, *, timeout=TIMEOUT, cell_timeout=CELL_TIMEOUT, jobs=1, out=None):
    """Grade notebooks and print points per question, ending with ``TOTAL: x/y``.

    Parameters
    ----------
    paths : list of path
        Notebooks, or folders of notebooks.
    timeout, cell_timeout : float
        See :func:`grade_notebook`.
    jobs : int
        How many notebooks to grade at the same time. The report keeps their order.
    out : file, optional
        Where to print (standard output by default).

    Returns
    -------
    results : list of Result
        One per notebook graded.
    skipped : list of str
        Notebooks that could not be graded: no master notebook for them.
    """
    out = sys.stdout if out is None else out
    notebooks = [found for path in paths for found in notebooks_in(path)]
    results, skipped = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:

        def submit(notebook):
            # Paths and the repository are resolved here, before any thread starts:
            # building an autograder changes the working directory for a while.
            try:
                root = find_root(notebook.resolve())
            except FileNotFoundError as error:
                failed = concurrent.futures.Future()
                failed.set_exception(error)
                return failed
            return pool.submit(
                grade_notebook,
                notebook.resolve(),
                timeout=timeout,
                cell_timeout=cell_timeout,
                root=root,
            )

        futures = [submit(notebook) for notebook in notebooks]
        for notebook, future in zip(notebooks, futures, strict=True):
            print(f"{notebook}", file=out, flush=True)
            try:
                result = future.result()
            except FileNotFoundError as error:
                print(f"  skipped: {error}", file=out, flush=True)
                skipped.append(str(notebook))
                continue
            _print_result(result, out)
            results.append(result)
    score = sum(result.score for result in results)
    possible = sum(result.possible for result in results)
    print(f"TOTAL: {_points(score)}/{_points(possible)}", file=out, flush=True)
    return results, skipped


def _print_result(result, out):
    for question in result.questions:
        print(
            f"  {question.name:<4} {_points(question.score):>5} / "
            f"{_points(question.possible)}",
            file=out,
        )
        for tests, message in _group_failures(question.failures):
            names = [_check_name(test, question.name) for test in tests]
            text = f"{names[0]}: {message}"
            if len(names) > 1:
                text += f" (Same in {', '.join(names[1:])}.)"
            print(_indent(text, "         - ", "           "), file=out)
    for note in result.notes:
        print(_indent(note, "  note: ", "        "), file=out)
    print(
        f"  score: {_points(result.score)} / {_points(result.possible)}",
        file=out,
        flush=True,
    )


def _check_name(test, question):
    """otter's "q1 - 3 (hidden)" as "check 3 (hidden)", kept on one line."""
    name = re.sub(rf"^{re.escape(question)} - (\d+)", r"check \1", test)
    # No-break spaces: the wrapped report never splits a check's name.
    return name.replace(" ", "\N{NO-BREAK SPACE}")


# What went wrong, after the description of the call that differs from test to test.
_REASON = re.compile(
    r"(returned None|has the wrong shape|should hold|should be|is not defined|raised "
    r"|did not finish|ran out of time).*",
    re.DOTALL,
)


def _group_failures(failures):
    """Failures as ``(tests, message)``; tests failing for the same reason share one.

    An untouched function fails every test by returning None: one line says so.
    """
    groups = {}
    for test, message in failures:
        reason = _REASON.search(message)
        key = reason.group() if reason else message
        groups.setdefault(key, ([], message))[0].append(test)
    return list(groups.values())


def _indent(text, first, rest):
    lines = []
    for number, line in enumerate(str(text).splitlines() or [""]):
        lines += textwrap.wrap(
            line,
            88,
            initial_indent=first if number == 0 else rest,
            subsequent_indent=rest,
            break_on_hyphens=False,
        ) or [rest]
    return "\n".join(lines)


def _points(value):
    return f"{round(value, 2):g}"


# ----------------------------------------------------------------------------- worker


def run_worker(autograder, submission, report_path, cell_timeout=CELL_TIMEOUT):
    """Run ``submission``'s cells, then its checks, in a kernel; write a JSON report.

    Runs in the worker process that :func:`grade_notebook` starts and may kill. The
    tests are read here from the autograder zip, into memory; the kernel gets them
    only after the last of the learner's cells has run (see the module docstring).
    """
    import nbformat

    report = {"questions": {}, "notes": [], "error": None}
    interrupted = []
    try:
        tests, reference = _read_tests(autograder)
        notebook = nbformat.read(submission, as_version=4)
        notebook.cells = [
            cell
            for cell in notebook.cells
            if cell.get("id") != "setup" and not _is_grader_cell(cell)
        ]
        report["questions"] = _run_kernel(
            notebook,
            tests,
            pathlib.Path(submission).parent,
            cell_timeout,
            interrupted,
            reference,
        )
    except Exception as error:  # a dead kernel, an unreadable notebook...
        report["error"] = _explain_error(error)
    report["notes"] = [
        f"A cell ran longer than {cell_timeout:g} s and was interrupted (probably an "
        f"endless loop); the rest of the notebook ran without it. It starts with: "
        f"{_first_line(source)}"
        # A cell interrupted twice (it ignored the first interruption) is one note.
        for source in dict.fromkeys(interrupted)
    ]
    pathlib.Path(report_path).write_text(json.dumps(report, indent=1))


def _read_tests(autograder):
    """``{question: test file source}`` from the autograder zip, in question order,
    and the exercise's reference data (JSON text, or ``None``)."""
    import zipfile

    from scratchlearn.grading.reference import FILE_NAME

    with zipfile.ZipFile(autograder) as archive:
        names = [
            name
            for name in archive.namelist()
            if re.fullmatch(r"tests/[^/]+\.py", name)
        ]
        tests = {
            pathlib.PurePosixPath(name).stem: archive.read(name).decode()
            for name in names
        }
        reference = (
            archive.read(f"files/{FILE_NAME}").decode()
            if f"files/{FILE_NAME}" in archive.namelist()
            else None
        )
    tests = dict(sorted(tests.items(), key=lambda item: _natural_key(item[0])))
    return tests, reference


def _natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _is_grader_cell(cell):
    """A learner's ``grader.check("q1")`` cell: its public checks run with the rest."""
    return cell.cell_type == "code" and re.fullmatch(
        r"\s*grader\.check\(\"q\w+\"\)\s*", cell.source
    )


# Run in the kernel after the learner's last cell: the runner's source, then its call.
# The cell's value, its last expression, is the report: an execute_result, which no
# print of the learner's can forge.
_CHECK_CALL = """

_scratchlearn_report = run_checks({tests!r}, globals(), {reference!r})
del run_checks, load, question_points, test_case
_scratchlearn_report"""


def _run_kernel(notebook, tests, folder, cell_timeout, interrupted, reference=None):
    """Execute the cells with nbclient, each within ``cell_timeout``, then the checks.

    Returns ``{question: {"score": ..., "failures": [(test, message), ...]}}``.
    """
    import ast

    import nbformat
    from nbclient import NotebookClient

    class Client(NotebookClient):
        async def _async_handle_timeout(self, timeout, cell=None):
            interrupted.append(cell.source if cell is not None else "")
            return await super()._async_handle_timeout(timeout, cell)

    client = Client(
        notebook,
        kernel_name="python3",
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    )
    from scratchlearn.grading import runner

    source = inspect.getsource(runner) + _CHECK_CALL.format(
        tests=tests, reference=reference
    )
    checks = nbformat.v4.new_code_cell(source)
    cells = list(notebook.cells)
    notebook.cells.append(checks)
    with client.setup_kernel():
        for index, cell in enumerate(cells):
            client.execute_cell(cell, index)
        # The checks bound each call of the learner's functions themselves.
        client.timeout = None
        client.execute_cell(checks, len(cells), store_history=False)
    results = [
        output
        for output in checks.outputs
        if output.get("output_type") == "execute_result"
    ]
    if not results:
        errors = [o for o in checks.outputs if o.get("output_type") == "error"]
        why = f"{errors[0].ename}: {errors[0].evalue}" if errors else "no report"
        raise RuntimeError(f"the checks did not run to their end ({why})")
    report = json.loads(ast.literal_eval(results[-1]["data"]["text/plain"]))
    graded = {}
    for name, source in tests.items():
        points = runner.question_points(source)
        outcomes = report.get(name) or [["all checks", False, False, "not run"]]
        graded[name] = {
            "score": sum(
                points.get(test, 0.0) for test, _, passed, _ in outcomes if passed
            ),
            "failures": [
                (test + (" (hidden)" if hidden else ""), _message_for(message))
                for test, hidden, passed, message in outcomes
                if not passed
            ],
        }
    return graded


def _message_for(message):
    """A failed test's message for the learner: what went wrong, in its words."""
    return re.sub(r"^AssertionError: ", "", (message or "").strip())


def _explain_error(error):
    text = f"{type(error).__name__}: {error}"
    if "DeadKernelError" in text or "Kernel died" in text:
        text = "The notebook's kernel died while running it (" + text + ")."
    return "Grading could not finish: " + text


def _first_line(source):
    lines = [line for line in source.splitlines() if line.strip()]
    first = lines[0].strip() if lines else "(empty)"
    return first if len(first) <= 60 else first[:57] + "..."
