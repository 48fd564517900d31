"""Command line: ``python -m scratchlearn.grading {assign,grade,autograder}``.

python -m scratchlearn.grading assign [MASTER ...]    # make exercises
python -m scratchlearn.grading grade [PATH ...]       # make grade [NB=PATH]
python -m scratchlearn.grading autograder MASTER DIR  # zip for `otter grade`
"""

import argparse
import sys

from scratchlearn.grading import grade as grading


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m scratchlearn.grading", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)

    assign = commands.add_parser(
        "assign", help="regenerate exercises/ from the master notebooks in solutions/"
    )
    assign.add_argument(
        "masters", nargs="*", metavar="MASTER", help="only these (default: all)"
    )
    assign.add_argument(
        "--output", help="write the learner notebooks here instead of exercises/"
    )

    grade = commands.add_parser(
        "grade",
        help="grade notebooks (default: every notebook in exercises/); a master in "
        "solutions/ stands for its solution",
    )
    grade.add_argument("paths", nargs="*", default=["exercises"], metavar="PATH")
    grade.add_argument(
        "--timeout",
        type=float,
        default=grading.TIMEOUT,
        help="seconds the grading of one notebook may take (default %(default)g)",
    )
    grade.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="notebooks graded at the same time (default %(default)d)",
    )
    grade.add_argument(
        "--cell-timeout",
        type=float,
        default=grading.CELL_TIMEOUT,
        help="seconds one cell may run before it is interrupted (default %(default)g)",
    )

    autograder = commands.add_parser(
        "autograder", help="write the autograder zip of a master notebook, for otter"
    )
    autograder.add_argument("master", help="a master notebook in solutions/")
    autograder.add_argument("output", help="folder to write the zip file into")

    # Internal: the process that grade starts for each notebook, and may kill.
    worker = commands.add_parser("_worker")
    worker.add_argument("autograder")
    worker.add_argument("submission")
    worker.add_argument("report")
    worker.add_argument("--cell-timeout", type=float, default=grading.CELL_TIMEOUT)

    arguments = parser.parse_args(argv)
    if arguments.command == "assign":
        from scratchlearn.grading.assign import assign as assign_all

        masters = arguments.masters or None
        for path in assign_all(destination=arguments.output, masters=masters):
            print(f"wrote {path}")
    elif arguments.command == "grade":
        results, skipped = grading.grade(
            arguments.paths,
            timeout=arguments.timeout,
            cell_timeout=arguments.cell_timeout,
            jobs=arguments.jobs,
        )
        # Lost points are a result; a notebook that could not be graded, or not to
        # its end, is an error.
        incomplete = [result for result in results if not result.complete]
        return 1 if skipped or incomplete or not results else 0
    elif arguments.command == "autograder":
        from scratchlearn.grading.assign import write_autograder

        print(write_autograder(arguments.master, arguments.output))
    else:
        grading.run_worker(
            arguments.autograder,
            arguments.submission,
            arguments.report,
            arguments.cell_timeout,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
