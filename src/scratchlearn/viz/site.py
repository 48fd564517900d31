"""The website's renderer for plotly figures (a myst-nb mime renderer plugin).

Notebooks store each plotly figure once, as plotly's JSON bundle
(``application/vnd.plotly.v1+json``), which JupyterLab draws with its plotly
extension. Jupyter Book has no renderer for that bundle; this plugin, registered
under myst-nb's ``myst_nb.mime_renderers`` entry point in ``pyproject.toml``, turns
it into a page element that calls the copy of plotly.js the build ships with the
site (``.ci/build_book.py``): the site draws every figure with no network and no
second copy of its data in the notebook.
"""

import json

from docutils import nodes

from scratchlearn.viz.common import PLOTLY_MIME, plotly_html


class PlotlyMimeRenderer:
    """Draw ``application/vnd.plotly.v1+json`` outputs in HTML builds."""

    # Ahead of text/html (priority 40 in myst-nb's table): the bundle is the figure.
    mime_priority_overrides = (("html", PLOTLY_MIME, 5), ("dirhtml", PLOTLY_MIME, 5))

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != PLOTLY_MIME:
            return None
        spec = data.content
        if isinstance(spec, (str, bytes)):
            spec = json.loads(spec)
        about = (data.output_metadata or {}).get(PLOTLY_MIME, {})
        name = about.get("name") or f"cell{data.cell_index}-{data.output_index}"
        page = plotly_html(spec, f"plotly-{name}", about.get("description", ""))
        return [nodes.raw("", page, format="html", classes=["output", "text_html"])]
