"""What every chapter notebook uses: showing source code, plotly figures that work
with no network, timing side-by-side comparisons, and the static explorer."""

import html
import inspect
import json
import pathlib
import time

import numpy as np

SRC = pathlib.Path(__file__).resolve().parents[2]  # the folder holding scratchlearn/


def show_source(obj):
    """Display the source code of a class, function or method of scratchlearn.

    The chapter shows the code that actually runs, read from ``src/`` at display time,
    never a copy pasted into the notebook.
    """
    from IPython.display import Markdown

    lines, first = inspect.getsourcelines(obj)
    path = pathlib.Path(inspect.getsourcefile(obj)).resolve()
    try:
        where = path.relative_to(SRC.parent).as_posix()
    except ValueError:  # installed elsewhere than the repository's src/
        where = path.name
    header = f"`{where}`, lines {first}-{first + len(lines) - 1}"
    return Markdown(f"{header}\n\n```python\n{''.join(lines)}```")


class PlotlyFigure:
    """A plotly figure that draws in JupyterLab, on Colab and on the static site.

    Jupyter front ends render the ``application/vnd.plotly.v1+json`` bundle with their
    plotly extension. The site renders the ``text/html`` bundle, which calls the copy
    of plotly.js that the build ships in ``_static`` (nothing is fetched from a CDN).
    The ``<div>`` id is fixed by ``name`` so that stored outputs are reproducible and
    the notebook regression tests can compare them.
    """

    def __init__(self, figure, name):
        self.figure = figure
        self.name = name

    def _repr_mimebundle_(self, include=None, exclude=None):
        spec = json.loads(self.figure.to_json())
        div_id = f"plotly-{self.name}"
        config = {"responsive": True, "displaylogo": False}
        script = (
            f"Plotly.newPlot({json.dumps(div_id)}, {json.dumps(spec['data'])}, "
            f"{json.dumps(spec['layout'])}, {json.dumps(config)});"
        )
        height = spec["layout"].get("height", 450)
        page = (
            f'<div id="{div_id}" class="plotly-graph-div" '
            f'style="height:{height}px; width:100%;"></div>\n'
            f'<script type="text/javascript">\n'
            f"if (window.Plotly) {{ {script} }} else {{ "
            f"document.getElementById({json.dumps(div_id)}).textContent = "
            f"{json.dumps(_NO_PLOTLY)}; }}\n</script>"
        )
        return {"application/vnd.plotly.v1+json": spec, "text/html": page}

    def __repr__(self):
        return f"PlotlyFigure({self.name!r})"


_NO_PLOTLY = html.escape(
    "This interactive figure needs plotly.js, which this page did not load. "
    "Open the notebook in JupyterLab, Binder or Colab to see it."
)


def rounded(values, decimals=4):
    """Round floats for figures and printed output so stored notebooks are stable
    across machines (the last bits of a float can differ between BLAS builds)."""
    return np.round(np.asarray(values, dtype=float), decimals)


def fit_and_time(estimator, X_train, y_train, X_test, y_test, repeats=3):
    """Fit ``estimator``, score it on the test set and time fit and predict.

    Returns a dict with ``score``, ``fit_ms`` and ``predict_ms`` (medians over
    ``repeats``). Times vary from run to run; print them in a cell of their own.
    """
    fit_times, predict_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        fit_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        estimator.predict(X_test)
        predict_times.append(time.perf_counter() - start)
    return {
        "score": float(estimator.score(X_test, y_test)),
        "fit_ms": 1e3 * float(np.median(fit_times)),
        "predict_ms": 1e3 * float(np.median(predict_times)),
    }


def side_by_side(results, columns, decimals=4):
    """Format ``{"scratchlearn": {...}, "scikit-learn": {...}}`` as an aligned table."""
    names = list(results)
    width = max(len(column) for column in columns) + 2
    lines = [" " * width + "".join(f"{name:>16}" for name in names)]
    for column in columns:
        cells = "".join(f"{results[name][column]:>16.{decimals}f}" for name in names)
        lines.append(f"{column:<{width}}{cells}")
    return "\n".join(lines)


def show_figure_in(output, figure):
    """Replace what the ipywidgets ``Output`` widget ``output`` shows by ``figure``.

    Explorers redraw this way instead of ``with output: plt.show()``: the figure goes
    into the widget's state in one update (no flicker, no half-drawn frame), and no
    display message is sent from the cell, so the notebook's stored outputs are the
    same whether it runs in JupyterLab, nbclient or the nbval regression test.
    """
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # not in a kernel: nothing can show the figure
        plt.close(figure)
        return
    data, metadata = shell.display_formatter.format(figure)
    output.outputs = (
        {"output_type": "display_data", "data": data, "metadata": metadata},
    )
    plt.close(figure)
