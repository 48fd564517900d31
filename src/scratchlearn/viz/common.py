"""How every chapter notebook stores its figures: plotly figures that work with no
network (their numbers rounded by :func:`scratchlearn.book.figure_for_display`, so
that they reproduce on any processor), and compact matplotlib charts with words for
screen readers. (The source code a chapter shows and its timed comparisons are in
:mod:`scratchlearn.book` too.)"""

import functools
import html
import io
import json
import sys

from scratchlearn.book import figure_for_display

PLOTLY_MIME = "application/vnd.plotly.v1+json"


class PlotlyFigure:
    """A plotly figure stored once in a notebook, drawn everywhere with no network.

    The notebook keeps only plotly's own JSON bundle (``application/vnd.plotly.v1+
    json``), rounded by :func:`~scratchlearn.book.figure_for_display` so that it
    reproduces on any processor. JupyterLab and Binder draw it with the
    jupyterlab-plotly extension, which ships plotly.js; the website draws it with the
    copy of plotly.js the build puts in ``_static`` (``scratchlearn.viz.site`` turns
    the bundle into a page element). Colab has no renderer for the bundle, so there,
    and only there, an HTML version that loads plotly.js from its CDN is added.

    ``name`` fixes the page element's id; ``description`` says in words what the
    figure shows, for screen readers (the element's ``aria-label``).
    """

    def __init__(self, figure, name, description=""):
        self.figure = figure
        self.name = name
        self.description = description

    def _repr_mimebundle_(self, include=None, exclude=None):
        spec = figure_for_display(json.loads(self.figure.to_json()))
        if spec["layout"].get("template") == _default_template():
            spec["layout"]["template"] = book_template()
        data = {PLOTLY_MIME: spec}
        metadata = {PLOTLY_MIME: {"name": self.name, "description": self.description}}
        if "google.colab" in sys.modules:
            data["text/html"] = plotly_html(
                spec, f"plotly-{self.name}", self.description, source=_plotly_cdn()
            )
        return data, metadata

    def __repr__(self):
        return (
            f"<interactive figure {self.name!r}: open the notebook in JupyterLab or "
            "read it on the book's website to see it>"
        )


@functools.cache
def _default_template():
    import plotly.graph_objects as go

    return json.loads(go.Figure().to_json())["layout"]["template"]


@functools.cache
def book_template():
    """The look of plotly's default template in a tenth of its size.

    Plotly copies its whole default template (about 10 KB, mostly styles of trace
    types the book never draws) into every figure; stored notebooks carry this
    instead: the same background, grid, fonts, colours and colour scales.
    """
    layout = _default_template()["layout"]
    keep = ("font", "paper_bgcolor", "plot_bgcolor", "colorway", "colorscale")
    keep += ("hovermode", "hoverlabel", "xaxis", "yaxis", "title")
    return {"layout": {key: layout[key] for key in keep if key in layout}}


def _plotly_cdn():
    """plotly.js on its CDN, the version the pinned plotly package ships (Colab)."""
    from plotly.offline import get_plotlyjs_version

    return f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"


def plotly_html(spec, element_id, description="", source=None):
    """The HTML that draws the plotly JSON ``spec`` in a page that has loaded
    plotly.js (or that loads it from ``source``), with a message instead of the
    figure where it has not."""
    config = {"responsive": True, "displaylogo": False}
    script = (
        f"Plotly.newPlot({json.dumps(element_id)}, {json.dumps(spec['data'])}, "
        f"{json.dumps(spec['layout'])}, {json.dumps(config)});"
    )
    height = spec["layout"].get("height", 450)
    label = html.escape(description or "Interactive figure", quote=True)
    loader = f'<script src="{source}"></script>\n' if source else ""
    return (
        f"{loader}"
        f'<div id="{element_id}" class="plotly-graph-div" role="figure" '
        f'aria-label="{label}" style="height:{height}px; width:100%;"></div>\n'
        f'<script type="text/javascript">\n'
        f"if (window.Plotly) {{ {script} }} else {{ "
        f"document.getElementById({json.dumps(element_id)}).textContent = "
        f"{json.dumps(_NO_PLOTLY)}; }}\n</script>"
    )


_NO_PLOTLY = html.escape(
    "This interactive figure needs plotly.js, which this page did not load. "
    "Open the notebook in JupyterLab, Binder or Colab to see it."
)


def compact_figures():
    """Store the notebook's matplotlib figures as 256-colour PNGs.

    A chart has few colours, and a palette PNG of it is about a third of the size
    of the full-colour one Jupyter stores by default, with no visible difference:
    the book's notebooks stay small enough to open quickly on Binder and Colab.
    Call it once, in a chapter's first code cell.
    """
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is not None:
        # Start the inline backend first: started later (at the first figure), it
        # would register its own PNG formatter over this one.
        shell.run_line_magic("matplotlib", "inline")
        shell.display_formatter.formatters["image/png"].for_type(Figure, _palette_png)


def figure_alt_text(figure):
    """Words for a matplotlib ``figure``, for readers who cannot see it: its titles,
    each panel's axes, colour scale and legend. Stored beside the picture (the
    output's ``alt`` metadata), the website gives them to screen readers as the
    image's alt text."""
    coloured_by = {}  # a colour bar's own axes: the panel whose colours it explains
    for ax in figure.axes:
        for drawn in [*ax.images, *ax.collections]:
            if getattr(drawn, "colorbar", None) is not None:
                coloured_by[drawn.colorbar.ax] = ax
    panels = []
    for ax in figure.axes:
        if ax in coloured_by:
            continue  # told with its panel, not as a panel of its own
        titles = [ax.get_title(loc=where) for where in ("left", "center", "right")]
        title = " ".join(title for title in titles if title)  # set at any place
        words = [title] if title else []
        axes = [
            f"{name}: {label}"
            for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
            if label
        ]
        for scale, panel in coloured_by.items():
            label = scale.get_ylabel() or scale.get_xlabel()
            if panel is ax and label:
                axes.append(f"colour: {label}")
        legend = ax.get_legend()
        if legend is not None:
            labels = [text.get_text() for text in legend.get_texts()]
            axes.append("legend: " + ", ".join(label for label in labels if label))
        if axes:
            words.append(f"({'; '.join(axes)})")
        if words:
            panels.append(" ".join(words))
    title = figure.get_suptitle()
    text = f"{title}. " if title else ""
    if len(panels) > 1:
        text += f"{len(panels)} panels: " + "; ".join(panels)
    elif panels:
        text += panels[0]
    text = text.replace("$", "").replace("\\", "")  # TeX markup, read aloud badly
    text = " ".join(text.split())  # a title's line breaks are a picture's layout
    return text.strip().rstrip(".") or "A chart drawn by the code above"


def _palette_png(figure):
    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    image = Image.open(buffer).convert("RGB")
    palette = image.quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    compact = io.BytesIO()
    palette.save(compact, format="PNG", optimize=True)
    return compact.getvalue(), {"alt": figure_alt_text(figure)}
