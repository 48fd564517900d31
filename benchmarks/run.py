"""Time every from-scratch estimator against its reference library: ``make bench``.

Writes ``benchmarks/results.json`` and ``book/appendix/benchmark_table.md`` (shown by
the book's appendix page). Each ``bench_*.py`` module beside this file contributes its
``CASES``; ``python benchmarks/run.py knn`` runs only the modules whose name contains
``knn``. A full run also times the live explorers' redraws (``explorers.py``).
"""

import importlib
import json
import os
import pathlib
import platform
import sys

# TensorFlow, the deep-learning reference, single-threaded like every other case (the
# Makefile sets the BLAS threads). Set before any benchmark module imports it: once
# TensorFlow has started, its thread pools can no longer be changed.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import sklearn

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import measure  # noqa: E402

TABLE = HERE.parent / "book" / "appendix" / "benchmark_table.md"


def main(selection=()):
    previous = HERE / "results.json"
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        if selection and not any(word in path.stem for word in selection):
            continue
        module = importlib.import_module(path.stem)
        for case in module.CASES:
            row = measure(case)
            rows.append(row)
            print(
                f"{row['name']:<42} fit x{row['fit_ratio']:6.2f}   "
                f"predict x{row['predict_ratio']:6.2f}   "
                f"score {row['ours_score']:.4f} vs {row['reference_score']:.4f}",
                flush=True,
            )
    if selection:  # a partial run keeps the other cases of the last full run
        if previous.exists():
            fresh = {row["name"] for row in rows}
            old = json.loads(previous.read_text())["cases"]
            rows = [row for row in old if row["name"] not in fresh] + rows
    rows.sort(key=lambda row: (int(row["chapter"]), row["name"]))  # book order
    explorers = []
    if not selection or "explorers" in selection:
        import explorers as explorer_timing

        explorers = explorer_timing.main()
    elif previous.exists():  # a partial run keeps the last measured explorers
        explorers = json.loads(previous.read_text()).get("explorers", [])
    results = {
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "cpus": _cpus(),
        },
        "cases": rows,
        "explorers": explorers,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(markdown_table(rows) + explorer_table(explorers))
    print(f"wrote {HERE / 'results.json'} and {TABLE}")


def _cpus():
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def markdown_table(rows):
    """The results as a Markdown table: times in milliseconds, ratios ours/reference."""
    lines = [
        "| chapter | case | fit ms (ours / ref) | fit ratio | predict ms (ours / ref)"
        " | predict ratio | test score (ours / ref) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['chapter']} | {r['name']} "
            f"| {1e3 * r['ours_fit_s']:.2f} / {1e3 * r['reference_fit_s']:.2f} "
            f"| {r['fit_ratio']:.2f} "
            f"| {1e3 * r['ours_predict_s']:.2f} / {1e3 * r['reference_predict_s']:.2f} "
            f"| {r['predict_ratio']:.2f} "
            f"| {r['ours_score']:.4f} / {r['reference_score']:.4f} |"
        )
    return "\n".join(lines) + "\n"


def explorer_table(rows):
    """The live explorers' redraw times as a Markdown table (empty if not measured)."""
    if not rows:
        return ""
    lines = [
        "",
        "Live explorers: time from moving a slider to the new figure being ready "
        "(refit, plot, PNG), over every slider of the chapter's explorer.",
        "",
        "| notebook | slider moves | median s | slowest s |",
        "|---|---|---|---|",
    ]
    for r in rows:
        timing = f"{r['median_s']:.3f} | {r['max_s']:.3f}"
        lines.append(f"| {r['notebook']} | {r['moves']} | {timing} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main(tuple(sys.argv[1:]))
