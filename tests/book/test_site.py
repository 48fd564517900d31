"""The built site, opened as a person sees it: in real headless Chromium.

`make test` builds the site first (`make book`); these tests read _build/html. For
every page of the table of contents: no JavaScript error, no request leaving the
machine (figures and maths must work offline), every plotly figure drawn, launch
buttons on notebook pages (read in the same visit); and no broken internal link
anywhere. A screenshot of each page is kept in _build/screenshots/.
"""

import functools
import html.parser
import http.server
import pathlib
import re
import shutil
import sys
import threading
import urllib.parse

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / ".ci"))
from notebooks import toc_files

SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = [path.with_suffix(".html").as_posix() for path in toc_files()]
NOTEBOOK_PAGES = [p for p in PAGES if (ROOT / p).with_suffix(".ipynb").exists()]

pytestmark = pytest.mark.site

# pydata-sphinx-theme logs this with console.error on a first visit, when no colour
# mode has been stored yet; it then picks "auto" as intended. Nothing is broken.
THEME_NOISE = {"Got invalid theme mode: . Resetting to auto."}


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / "book" / "intro.html").exists():
        pytest.fail("No built site in _build/html: run `make book` first.")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is missing: run .ci/ensure-chromium (apt-get install chromium)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, url):
    """Open ``url``; return the page and what went wrong while it loaded."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and message.text not in THEME_NOISE
            and problems.append(f"console error: {message.text}")
        ),
    )

    def outside(route):
        problems.append(f"request leaving the machine: {route.request.url}")
        route.abort()

    page.route(re.compile(r"^(?!http://127\.0\.0\.1)(https?|wss?)://.*"), outside)
    page.goto(url, wait_until="load")
    return page, problems


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_offline_and_draws_its_figures(browser, site_url, path):
    page, problems = open_page(browser, f"{site_url}/{path}")
    try:
        figures = page.locator("div.plotly-graph-div")
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            figure.locator("svg.main-svg").first.wait_for(
                state="attached", timeout=15000
            )
        if figures.count():
            # The static explorer's controls: the slider and the menu exist and respond.
            page.locator("div.plotly-graph-div g.slider-container").first.wait_for(
                state="attached"
            )
        # MathJax typesets every formula (none left as raw TeX).
        if page.locator("span.math, div.math").count():
            page.wait_for_function(
                "document.querySelectorAll('mjx-container').length > 0", timeout=15000
            )
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SHOTS / (path.replace("/", "__") + ".png")), full_page=True
        )
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    if path in NOTEBOOK_PAGES:
        # Read in the same visit: opening each page twice cost a minute of the suite.
        _assert_launch_and_download_buttons(links)


def _assert_launch_and_download_buttons(links):
    assert any("mybinder.org/v2/gh/" in link for link in links), "no Binder button"
    assert any("colab.research.google.com/github/" in link for link in links), (
        "no Colab button"
    )
    assert any(link.endswith(".ipynb") and "_sources" in link for link in links), (
        "no notebook download"
    )


def test_chapters_link_to_their_exercise_and_solution():
    for path in PAGES:
        if not path.startswith("book/") or path.endswith(("intro.html", "index.html")):
            continue
        if path.startswith("book/appendix/"):  # pages, not chapters: no exercise
            continue
        text = (SITE / path).read_text()
        part, name = (
            pathlib.PurePosixPath(path).parts[1],
            pathlib.PurePosixPath(path).stem,
        )
        assert f"exercises/{part}/{name}.html" in text, f"{path}: no exercise link"
        assert f"solutions/{part}/{name}.html" in text, f"{path}: no solution link"


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@functools.cache
def _parse(path):
    parser = _Links()
    parser.feed(path.read_text(errors="replace"))
    return parser


def test_no_internal_link_is_broken():
    pages = [p for p in SITE.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= len(PAGES)
    broken = []
    for page in pages:
        for href in _parse(page).links:
            parts = urllib.parse.urlsplit(href)
            if (
                parts.scheme
                or parts.netloc
                or href.startswith(("mailto:", "javascript:"))
            ):
                continue
            target = (
                (page.parent / urllib.parse.unquote(parts.path)).resolve()
                if parts.path
                else page
            )
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)} -> {href}")
            elif parts.fragment and target.suffix == ".html":
                if parts.fragment not in _parse(target).ids:
                    broken.append(
                        f"{page.relative_to(SITE)} -> {href} (no such anchor)"
                    )
    assert not broken, "\n".join(broken[:50])


READ_FIGURE = """gd => ({
    data: gd.data.map(t => ({visible: t.visible === undefined ? true : t.visible})),
    layout: {sliders: gd.layout.sliders, updatemenus: gd.layout.updatemenus || []},
})"""


@pytest.mark.parametrize(
    ("path", "entry"),
    [("book/supervised/svm.html", 1), ("book/supervised/lda.html", None)],
)
def test_a_static_explorer_shows_what_its_menu_and_slider_choose(
    browser, site_url, path, entry
):
    """Clicked as a reader would (a menu entry, then the slider's far end), the
    figure shows exactly the traces its stored updates promise."""
    from scratchlearn.viz.explorer import shown_traces

    page, problems = open_page(browser, f"{site_url}/{path}")
    try:
        figure = page.locator("div.plotly-graph-div:has(g.slider-container)").first
        figure.scroll_into_view_if_needed()
        figure.locator("g.slider-container").wait_for(state="attached")
        spec = figure.evaluate(READ_FIGURE)
        if entry is not None:
            figure.locator("g.updatemenu-header-group").click()
            figure.locator("g.updatemenu-dropdown-button").nth(entry).click()
            spec_slider = spec["layout"]["updatemenus"][0]["buttons"][entry]
            n_steps = len(spec_slider["args"][1]["sliders"][0]["steps"])
        else:
            n_steps = len(spec["layout"]["sliders"][0]["steps"])
        rail = figure.locator("rect.slider-rail-touch-rect").bounding_box()
        page.mouse.click(rail["x"] + rail["width"] - 3, rail["y"] + rail["height"] / 2)
        page.wait_for_timeout(500)
        now = figure.evaluate("gd => gd.layout.sliders[0].active")
        visible = figure.evaluate("gd => gd.data.map(t => t.visible !== false)")
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    assert now == n_steps - 1
    shown = [index for index, on in enumerate(visible) if on]
    assert shown == shown_traces(spec, entry, n_steps - 1)
    assert shown != shown_traces(spec, entry, 0)  # the click changed something
