"""Small fixes to the HTML Jupyter Book 1 writes, as a local Sphinx extension.

sphinx-thebe and sphinx-togglebutton register their inline configuration scripts
once per reading of the sources, and Jupyter Book reads them twice, so every page
declared ``const THEBE_JS_URL`` twice: a JavaScript error (redeclared constant) on
every page. The duplicates are added after the page context is built, so once the
build has finished we drop repeated identical inline ``<script>`` lines from each
page's head.

The theme's sidebar toggles (a chevron icon in a ``<summary>``) get the name of the
section they open, for screen readers, the bibliography's entries are list items of
its list, and the left sidebar is a landmark (a named region) holding the book's
title and search button.

plotly.js (4.8 MB, shipped by .ci/build_book.py) is loaded only by
the pages that draw a plotly figure: parsed on every page, it cost each of the
others about a second before the reader saw anything.

Matplotlib figures get alt text: ``scratchlearn.viz.common.compact_figures`` stores
words for each figure beside its picture (the output's ``alt`` metadata, from the
figure's titles, axes and legends); myst-nb keeps only the picture, whose file is
named by the SHA-256 of its bytes, so we match each image to its output by that hash
and give it the stored words. A picture stored without words (a plain matplotlib
figure in a solution) says where it comes from instead of showing its file name.
"""

import base64
import hashlib
import json
import pathlib
import re

from docutils import nodes

_INLINE_SCRIPT = re.compile(r"^\s*<script>.*</script>\s*$")
# The theme's sidebar opens a section with a <summary> holding only a chevron icon:
# a screen reader announces a nameless control. It gets the section's name.
_NAMELESS_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal" href="[^"]*">([^<]+)</a>'
    r'<details(?: open="open")?>)'
    r'<summary><span class="toctree-toggle" role="presentation">'
)


def _drop_duplicate_inline_scripts(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in pathlib.Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        head, separator, body = text.partition("</head>")
        seen, kept = set(), []
        for line in head.splitlines(keepends=True):
            if _INLINE_SCRIPT.match(line):
                if line.strip() in seen:
                    continue
                seen.add(line.strip())
            kept.append(line)
        body = _NAMELESS_TOGGLE.sub(_name_the_toggle, body)
        body = _BIBLIOGRAPHY_ENTRY.sub(r'\1 role="listitem">', body)
        body = body.replace(_PRIMARY_SIDEBAR, _SIDEBAR_LANDMARK, 1)
        fixed = "".join(kept) + separator + body
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


# docutils writes the bibliography as a role="list" of role="doc-biblioentry" items,
# a role that ARIA 1.2 deprecated: a list must hold list items (axe: critical).
_BIBLIOGRAPHY_ENTRY = re.compile(
    r'(<div class="citation" id="[^"]*") role="doc-biblioentry">'
)


# The theme's left sidebar is a plain <div>: the book's title at its top (a link
# home) and the search button sit outside every landmark, where a screen reader's
# list of regions never reaches them (axe: "region", on every page). Its table of
# contents is a <nav> of its own; the sidebar as a whole becomes a named region.
_PRIMARY_SIDEBAR = (
    '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'
)
_SIDEBAR_LANDMARK = _PRIMARY_SIDEBAR.replace(
    ">", ' role="region" aria-label="The book: title, search and contents">'
)


def _name_the_toggle(match):
    name = match.group(2).strip()
    return (
        f'{match.group(1)}<summary aria-label="Show or hide the pages of {name}">'
        '<span class="toctree-toggle" role="presentation">'
    )


NO_DESCRIPTION = "A figure drawn by the code cell above"


def _stored_alt_texts(path):
    """{SHA-256 of a stored PNG: its alt text} for the notebook at ``path``."""
    notebook = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    texts = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png is None:
                continue
            digest = hashlib.sha256(base64.b64decode("".join(png))).hexdigest()
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            texts[digest] = alt or NO_DESCRIPTION
    return texts


def _give_figures_alt_text(app, doctree):
    path = pathlib.Path(app.env.doc2path(app.env.docname))
    if path.suffix != ".ipynb":
        return
    texts = _stored_alt_texts(path)
    for image in doctree.findall(nodes.image):
        stem = pathlib.PurePosixPath(image["uri"]).stem
        if stem in texts and not image.get("alt"):
            image["alt"] = texts[stem]


# What scratchlearn.viz.common.plotly_html writes for each figure.
PLOTLY_FIGURE = 'class="plotly-graph-div"'


def _load_plotly_where_needed(app, pagename, templatename, context, doctree):
    """Add plotly.js to this page's scripts (in its head: before the figures' own
    inline scripts, which call it) if its body draws a plotly figure.

    The builder's list of scripts is this page's (Sphinx restores it before the
    next page); ``app.add_js_file`` would also register the file for every page."""
    if PLOTLY_FIGURE in (context.get("body") or ""):
        app.builder.add_js_file("plotly.min.js", priority=400)


def setup(app):
    app.connect("html-page-context", _load_plotly_where_needed)
    app.connect("doctree-read", _give_figures_alt_text)
    app.connect("build-finished", _drop_duplicate_inline_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
