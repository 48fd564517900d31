"""Execute notebooks in place, storing their outputs: `make notebooks`.

    python .ci/execute_notebooks.py          # every notebook in book/ and solutions/
    python .ci/execute_notebooks.py book/supervised/knn.ipynb

Each notebook runs in its own folder with this environment's python3 kernel. Widget
state is dropped after the run: the site would otherwise load the widget manager
from a CDN, and
the live explorers need a kernel anyway. Per-cell timing metadata is dropped so that a
re-run changes only what really changed.
"""

import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from notebooks import ROOT, problems, stored_notebooks, write


def execute(path):
    notebook = nbformat.read(ROOT / path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        allow_errors=False,
        store_widget_state=True,
        record_timing=False,
        # What C libraries write to the process's file descriptors (TensorFlow's
        # timestamped notices at import) stays out of the notebook, as it does under
        # nbval (ipykernel does not capture it while pytest runs): what is stored is
        # what the regression test sees.
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
        resources={"metadata": {"path": str((ROOT / path).parent)}},
    )
    start = time.perf_counter()
    client.execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    write(notebook, ROOT / path)
    return time.perf_counter() - start


def coalesce_streams(outputs):
    """Join consecutive stdout (or stderr) chunks: how a kernel splits a cell's
    printing into messages varies from run to run, and would churn the diffs."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and output.output_type == "stream"
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def main(paths):
    paths = [
        pathlib.Path(p).resolve().relative_to(ROOT) for p in paths
    ] or stored_notebooks()
    for path in paths:
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path}", flush=True)
        for problem in problems(path):
            print("  " + problem)


if __name__ == "__main__":
    main(sys.argv[1:])
