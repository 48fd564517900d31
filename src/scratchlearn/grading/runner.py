"""Run an exercise's test files against a namespace: otter's format, without otter.

The grader sends this module's source to the learner's kernel with the tests, after
the learner's last cell has run (see :mod:`scratchlearn.grading.grade`), so nothing
here is imported, or patchable, before then. It reads otter-grader's exception-based
test files (``name``, ``points``, functions decorated with ``@test_case``) and
reports each test's outcome; the points are added up by the grading process, from
the same files (:func:`question_points`). Only the standard library is used: otter
itself takes seconds to import in every graded kernel.
"""

import inspect
import json
import re

_OTTER_IMPORT = re.compile(
    r"^from otter\.test_files import test_case\s*$", re.MULTILINE
)


class test_case:
    """Stand-in for ``otter.test_files.test_case``: records a test and its options."""

    def __init__(self, name=None, points=None, hidden=False, **messages):
        self.name, self.points, self.hidden = name, points, hidden

    def __call__(self, function):
        self.function = function
        return self


def load(source, path="<test>"):
    """``(name, points, [test_case, ...])`` of one test file's source."""
    namespace = {"test_case": test_case, "__name__": "__test__"}
    exec(compile(_OTTER_IMPORT.sub("", source), path, "exec"), namespace)
    cases = [value for value in namespace.values() if isinstance(value, test_case)]
    for number, case in enumerate(cases, 1):
        if case.name is None:
            case.name = f"{namespace['name']} - {number}"
    return namespace["name"], namespace.get("points"), cases


def run_checks(tests, environment, reference=None):
    """Run every test of ``tests`` (``{question: source}``) against ``environment``.

    ``reference`` is the exercise's reference data as JSON text (see
    :mod:`scratchlearn.grading.reference`), or ``None`` if it has none.

    Returns
    -------
    str
        JSON: ``{question: [[test, hidden, passed, message], ...]}``. A test's
        arguments are taken from ``environment`` by name (``None`` if missing), as
        otter does, except ``env`` (the environment itself) and ``reference`` (the
        reference data, never a variable of the learner's).
    """
    if reference is not None:
        from scratchlearn.grading.reference import decode

        reference = decode(reference)
    special = {"env": environment, "reference": reference}
    report = {}
    for question, source in tests.items():
        outcomes = report[question] = []
        try:
            _, _, cases = load(source, f"{question}.py")
        except BaseException as error:
            outcomes.append(["all checks", False, False, _message(error)])
            continue
        for case in cases:
            try:
                names = inspect.signature(case.function).parameters
                case.function(
                    **{
                        name: special[name]
                        if name in special
                        else environment.get(name)
                        for name in names
                    }
                )
                outcomes.append([case.name, case.hidden, True, ""])
            except BaseException as error:  # SystemExit too: it costs this test only
                outcomes.append([case.name, case.hidden, False, _message(error)])
    return json.dumps(report)


def _message(error):
    return f"{type(error).__name__}: {str(error).strip(chr(39))}"


def question_points(source):
    """``{test name: points}`` of one test file, resolved as otter resolves them."""
    _, total, cases = load(source)
    given = [case.points for case in cases]
    if isinstance(total, list):
        given, total = list(total), None
    fixed = sum(points for points in given if points is not None)
    open_ = sum(points is None for points in given)
    if total is None:
        share = 1 / open_ if open_ and fixed == 0 else 0.0
    else:
        share = (total - fixed) / open_ if open_ else 0.0
    return {
        case.name: float(share if points is None else points)
        for case, points in zip(cases, given, strict=True)
    }
