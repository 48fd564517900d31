"""Small fixes to the HTML Jupyter Book 1 writes, as a local Sphinx extension.

sphinx-thebe and sphinx-togglebutton register their inline configuration scripts
once per reading of the sources, and Jupyter Book reads them twice, so every page
declared ``const THEBE_JS_URL`` twice: a JavaScript error (redeclared constant) on
every page. The duplicates are added after the page context is built, so once the
build has finished we drop repeated identical inline ``<script>`` lines from each
page's head.
"""

import pathlib
import re

_INLINE_SCRIPT = re.compile(r"^\s*<script>.*</script>\s*$")


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
        fixed = "".join(kept) + separator + body
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _drop_duplicate_inline_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
