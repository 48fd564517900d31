"""Notebook helpers of scratchlearn.viz.common that need a kernel to prove."""

import base64
import io

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image


@pytest.mark.slow
def test_compact_figures_stores_palette_pngs_a_third_of_the_size():
    notebook = nbformat.v4.new_notebook()
    plot = (
        "import numpy as np\n"
        "fig, ax = plt.subplots(figsize=(6, 4))\n"
        "x = np.linspace(0, 6, 200)\n"
        "for k in range(6):\n"
        "    ax.plot(x, np.sin(x + k), label=str(k))\n"
        "ax.legend()\n"
        "plt.show()"
    )
    # Called first, as in a chapter: matplotlib's inline backend starts later, at
    # the first figure, and must not replace the palette formatter then.
    compact_notebook = nbformat.v4.new_notebook()
    compact_notebook.cells = [
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "from scratchlearn.viz.common import compact_figures\n"
            "compact_figures()"
        ),
        nbformat.v4.new_code_cell(plot),
    ]
    notebook.cells = [
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell(plot),
    ]
    for each in (notebook, compact_notebook):
        NotebookClient(each, timeout=120, kernel_name="python3").execute()

    def png(cell):
        (output,) = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        return base64.b64decode(output["data"]["image/png"])

    full, compact = png(notebook.cells[1]), png(compact_notebook.cells[1])
    assert Image.open(io.BytesIO(compact)).mode == "P"  # 256-colour palette
    assert Image.open(io.BytesIO(compact)).size == Image.open(io.BytesIO(full)).size
    assert len(compact) < 0.6 * len(full)
