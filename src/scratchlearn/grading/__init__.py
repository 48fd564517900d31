"""Graded exercises: the tests' helpers, and the tools that build and grade notebooks.

Each exercise has a master notebook in ``solutions/<part>/<chapter>.ipynb`` written in
otter-grader's assign format: questions, the solution between ``# BEGIN SOLUTION`` and
``# END SOLUTION``, public and hidden tests. From it,

* ``python -m scratchlearn.grading assign`` (``make exercises``) generates the learner's
  notebook ``exercises/<part>/<chapter>.ipynb``;
* ``python -m scratchlearn.grading grade [path]`` (``make grade``) grades learners'
  notebooks without Docker, one question at a time, with time limits;
* ``python -m scratchlearn.grading autograder <master> <outdir>`` writes the autograder
  zip file for otter-grader's own bulk grading (``otter grade``, in Docker).

Importing this package needs NumPy only: the tests import their helpers from here in
the learner's kernel. otter-grader and nbclient are imported inside the functions of
the submodules that need them.
"""

from scratchlearn.grading.checks import (
    TIME_LIMIT,
    call,
    check_array,
    check_no_python_loops,
    check_untouched,
    show_score,
    time_limit,
)
from scratchlearn.grading.reference import Reference, load_reference

# The book's repository: Colab clones it to get the package and the exercises, and the
# generated notebooks' set-up cells are written from this one constant.
REPOSITORY_URL = "https://github.com/scratchlearn/scratchlearn"

__all__ = [
    "REPOSITORY_URL",
    "TIME_LIMIT",
    "Reference",
    "call",
    "check_array",
    "check_no_python_loops",
    "check_untouched",
    "load_reference",
    "show_score",
    "time_limit",
]
