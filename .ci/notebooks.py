"""Which notebooks the book is made of, and checks of their stored outputs.

Shared by the book build (.ci/build_book.py), the notebook runner
(.ci/execute_notebooks.py) and the tests.
"""

import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def toc_files():
    """Every file listed in _toc.yml, as repository-relative paths with suffix."""
    entries = re.findall(r"(?:file|root):\s*([^\s#]+)", (ROOT / "_toc.yml").read_text())
    paths = []
    for entry in entries:
        matches = [p for p in ROOT.glob(entry + ".*") if p.suffix in (".ipynb", ".md")]
        if not matches:
            raise SystemExit(f"_toc.yml lists {entry}, but no such page exists")
        paths.append(matches[0].relative_to(ROOT))
    return paths


def stored_notebooks():
    """Notebooks whose outputs are stored and regression-tested (book/, solutions/)."""
    return sorted(
        p.relative_to(ROOT)
        for folder in ("book", "solutions")
        for p in (ROOT / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


# What the site can show (myst-nb's priority list for HTML).
SHOWABLE = {
    # Plotly figures: drawn by scratchlearn.viz.site, the book's myst-nb plugin.
    "application/vnd.plotly.v1+json",
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "text/html",
    "image/svg+xml",
    "image/png",
    "image/gif",
    "image/jpeg",
    "text/markdown",
    "text/latex",
    "text/plain",
}


PLOTLY = "application/vnd.plotly.v1+json"


def write(notebook, path):
    """Write ``notebook`` (an nbformat node) as nbformat would, except that each
    stored plotly figure is written on one line.

    nbformat indents every value on a line of its own; a static explorer's slider
    and menu hold long lists of visibility flags, which then cost some 20 bytes each
    instead of 5. The file is the same JSON (nbformat, nbval and Jupyter read it
    unchanged); a notebook saved from Jupyter is indented again, so store outputs
    with ``make notebooks``.
    """
    import nbformat

    data = json.loads(nbformat.writes(notebook))  # nbformat's canonical form
    figures = {}
    for cell in data["cells"]:
        for output in cell.get("outputs", []):
            bundle = output.get("data", {})
            if PLOTLY in bundle:
                key = f"@scratchlearn-figure-{len(figures)}@"
                figures[json.dumps(key)] = json.dumps(
                    bundle[PLOTLY],
                    sort_keys=True,
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                bundle[PLOTLY] = key
    text = json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False)
    for key, figure in figures.items():
        text = text.replace(key, figure, 1)
    pathlib.Path(path).write_text(text + "\n")


def problems(path):
    """What is wrong with a stored notebook's outputs: unexecuted cells, errors, and
    outputs the site could not show."""
    notebook = json.loads((ROOT / path).read_text())
    found = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue
        if cell.get("execution_count") is None:
            found.append(f"{path}: code cell {number} was never executed")
        for output in cell.get("outputs", []):
            if "data" in output and not SHOWABLE & set(output["data"]):
                found.append(
                    f"{path}: code cell {number} has an output the site cannot show: "
                    f"{sorted(output['data'])}"
                )
            if output["output_type"] == "error":
                found.append(
                    f"{path}: code cell {number} stored an error: "
                    f"{output['ename']}: {output['evalue']}"
                )
    return found
