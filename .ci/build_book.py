"""Build the site into _build/html: `make book`.

1. Ship plotly.js (copied from the pinned plotly package) as a static file of the
   site, so that figures draw with no network. It waits in _build/vendor, not in a
   top-level _static: Jupyter Book 1 puts every script of that folder in the head of
   every page, and book/_ext/site_fixes.py loads plotly.js only on the pages that draw
   a plotly figure.
2. Refuse stored notebooks with unexecuted cells or error outputs: Jupyter Book would
   print such a traceback into the page and still exit 0.
3. Run Jupyter Book with Sphinx warnings as errors.

With EXECUTE=1 every notebook is executed again during the build instead, and any
cell error fails it (myst-nb's nb_execution_raise_on_error).
"""

import os
import pathlib
import shutil
import subprocess
import sys

from notebooks import ROOT, problems, stored_notebooks, toc_files

VENDOR = ROOT / "_build" / "vendor"  # html_static_path in _config.yml


def ship_plotly():
    import plotly

    source = pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = VENDOR / "plotly.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)
    # Where earlier builds shipped it: Jupyter Book would load it on every page.
    stale = ROOT / "_static" / "plotly.min.js"
    if stale.exists():
        stale.unlink()
        if not any(stale.parent.iterdir()):
            stale.parent.rmdir()


def main():
    ship_plotly()
    toc = set(toc_files())
    stored = stored_notebooks()
    missing = [str(p) for p in stored if p not in toc]
    found = [problem for path in stored for problem in problems(path)]
    if missing:
        found.append(f"notebooks missing from _toc.yml: {missing}")
    if found:
        print("The book cannot be built:\n  " + "\n  ".join(found), file=sys.stderr)
        print("Run `make notebooks` to re-execute the notebooks.", file=sys.stderr)
        return 1
    command = [
        str(pathlib.Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(ROOT),
        "--builder",
        "html",
        "--warningiserror",
        "--keep-going",
    ]
    if os.environ.get("EXECUTE") == "1":
        config = ROOT / "_build" / "_config_execute.yml"
        config.parent.mkdir(exist_ok=True)
        text = (ROOT / "_config.yml").read_text()
        text = text.replace('execute_notebooks: "off"', "execute_notebooks: force")
        text += "\n    nb_execution_raise_on_error: true\n"
        config.write_text(text)
        command += ["--config", str(config)]
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
