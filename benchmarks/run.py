"""Time every from-scratch estimator against its reference library: ``make bench``.

Writes ``benchmarks/results.json``, ``book/appendix/benchmark_table.md`` and
``book/appendix/benchmark_ratios.svg`` (shown by
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
from targets import fit_target, predict_target  # noqa: E402

TABLE = HERE.parent / "book" / "appendix" / "benchmark_table.md"
FIGURE = HERE.parent / "book" / "appendix" / "benchmark_ratios.svg"


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
    results = {"machine": machine(), "cases": rows, "explorers": explorers}
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(
        machine_line(results["machine"])
        + markdown_table(rows)
        + explorer_table(explorers)
    )
    ratio_figure(rows, FIGURE)
    print(f"wrote {HERE / 'results.json'}, {TABLE} and {FIGURE}")


def machine():
    """What the times were measured on: processor, cores, BLAS and versions."""
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    processor = platform.processor() or platform.machine()
    cpuinfo = pathlib.Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                processor = line.split(":", 1)[1].strip()
                break
    return {
        "processor": processor,
        "cpus": _cpus(),
        "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }


def machine_line(description):
    return (
        f"Measured on {description['cpus']} cores of an {description['processor']}"
        f" processor, {description['blas']}, Python {description['python']}, NumPy"
        f" {description['numpy']}, scikit-learn {description['scikit-learn']}; both"
        " sides single-threaded. A ratio above its target is in **bold**.\n\n"
    )


def _cpus():
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def _ratio(value, target):
    text = f"{value:.2f}"
    return f"**{text}** (> {target:g})" if value > target else text


def ratio_figure(rows, path):
    """Time ratio (fit and predict, log scale, each case's targets drawn) and test
    score difference of every case, in book order; written to ``path`` (SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "scratchlearn"  # the same file for the same data
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: small, searchable
    names = [f"{r['chapter']:>2}  {r['name'][:48]}" for r in rows]
    y = np.arange(len(rows))[::-1]  # first case at the top
    fig, (times, scores) = plt.subplots(
        1,
        2,
        figsize=(11, 0.22 * len(rows) + 1.2),
        sharey=True,
        gridspec_kw={"width_ratios": [3, 1]},
    )
    fit = [r["fit_ratio"] for r in rows]
    predict = [r["predict_ratio"] for r in rows]
    times.scatter(fit, y, s=18, color="#1b9e77", label="fit", zorder=3)
    times.scatter(
        predict,
        y,
        s=18,
        facecolors="none",
        edgecolors="#7570b3",
        label="predict",
        zorder=3,
    )
    for row, level in zip(rows, y, strict=True):
        for target, colour in (
            (fit_target(row["name"]), "#1b9e77"),
            (predict_target(row["name"]), "#7570b3"),
        ):
            times.plot(
                [target, target],
                [level - 0.4, level + 0.4],
                color=colour,
                linewidth=1.2,
                alpha=0.6,
            )
    times.axvline(1.0, color="0.4", linewidth=0.8)
    times.set_xscale("log")
    times.set_xlabel("time ratio, ours / reference (log scale; bars: targets)")
    times.legend(loc="lower right", fontsize=8)
    # Relative, as the scores are accuracies, R^2, inertias or log-likelihoods.
    difference = np.array(
        [
            100
            * (r["ours_score"] - r["reference_score"])
            / max(abs(r["reference_score"]), 1e-12)
            for r in rows
        ]
    )
    shown = np.clip(difference, -5.0, 5.0)  # beyond 5% the bar ends in an arrow
    scores.barh(y, shown, color="#d95f02", height=0.6)
    for level, value, full in zip(y, shown, difference, strict=True):
        if value != full:
            scores.annotate(f"{full:+.0f}%", (value, level), fontsize=6, va="center")
    scores.axvline(0.0, color="0.4", linewidth=0.8)
    scores.set_xlim(-5.5, 5.5)
    scores.set_xlabel("test score, ours vs reference (%)")
    times.set_yticks(y, names, fontsize=7)
    times.set_ylim(-1, len(rows))
    for axis in (times, scores):
        axis.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


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
            f"| {_ratio(r['fit_ratio'], fit_target(r['name']))} "
            f"| {1e3 * r['ours_predict_s']:.2f} / {1e3 * r['reference_predict_s']:.2f} "
            f"| {_ratio(r['predict_ratio'], predict_target(r['name']))} "
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
