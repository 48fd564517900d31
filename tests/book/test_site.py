"""The built site, opened as a person sees it: in real headless Chromium.

`make test` builds the site first (`make book`); these tests read _build/html. For
every page of the table of contents, in one visit: no JavaScript error, no request
leaving the machine (figures and maths must work offline), every plotly figure drawn,
no serious or critical accessibility violation (axe-core, run inside the page), nor any
of the rules in ALWAYS_BLOCKING whatever its impact, every figure with words for
screen readers and every explorer with keyboard controls, and launch buttons on
notebook pages; and no broken internal link anywhere. A screenshot
of the top of each page is kept in _build/screenshots/, and each page's axe-core
findings (of every impact) in _build/accessibility/.

axe-core comes with the tests, not the network: the pinned axe-playwright-python
package ships its axe.min.js (axe-core 4.12.1, Deque Systems, MPL-2.0); only that
file is used.
"""

import functools
import html.parser
import http.server
import importlib.resources
import json
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

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from site_fixes import NO_DESCRIPTION

SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
AXE_FINDINGS = ROOT / "_build" / "accessibility"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = [path.with_suffix(".html").as_posix() for path in toc_files()]
NOTEBOOK_PAGES = [p for p in PAGES if (ROOT / p).with_suffix(".ipynb").exists()]

pytestmark = pytest.mark.site

# pydata-sphinx-theme logs this with console.error on a first visit, when no colour
# mode has been stored yet; it then picks "auto" as intended. Nothing is broken.
THEME_NOISE = {"Got invalid theme mode: . Resetting to auto."}
# The site has no icon; a browser asks for /favicon.ico on its first page anyway.
NO_FAVICON = "/favicon.ico"


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
                # No name resolves but the test server's: a request leaving the
                # machine fails here (and open_page reports it), with no routing of
                # every request through playwright, which would turn the cache off.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def reader(browser):
    """One browser context for the pages a reader visits in turn: plotly.js and
    MathJax come from its cache (compiled once) instead of being fetched and
    compiled again for each page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def open_page(where, url, mode=None):
    """Open ``url`` in ``where`` (a browser: a fresh context; or a context); return
    the page and what went wrong while it loaded.

    ``mode="dark"``: as a reader who chose the theme's dark mode before (the theme
    keeps the choice in localStorage and sets ``data-theme`` as the page loads)."""
    if hasattr(where, "new_context"):
        page = where.new_page(viewport={"width": 1280, "height": 900})
    else:
        page = where.new_page()
    if mode is not None:
        page.add_init_script(f"localStorage.setItem('mode', {json.dumps(mode)})")
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and message.text not in THEME_NOISE
            and not message.location.get("url", "").endswith(NO_FAVICON)
            and problems.append(f"console error: {message.text}")
        ),
    )
    page.on(
        "request",
        lambda request: (
            OUTSIDE.match(request.url)
            and problems.append(f"request leaving the machine: {request.url}")
        ),
    )
    page.goto(url, wait_until="load")
    return page, problems


OUTSIDE = re.compile(r"^(?!http://127\.0\.0\.1)(https?|wss?)://")


# One wait for what a page draws after it has loaded: every plotly figure has its
# SVG (and a page with figures has an explorer's slider) and MathJax has typeset
# every formula (none left as raw TeX). One browser round trip, not one per figure.
DRAWN = """() => {
    const figures = [...document.querySelectorAll('div.plotly-graph-div')];
    const drawn = figures.every(f => f.querySelector('svg.main-svg'));
    const slider = !figures.length
        || document.querySelector('div.plotly-graph-div g.slider-container');
    const maths = !document.querySelector('span.math, div.math')
        || document.querySelector('mjx-container');
    return drawn && slider && maths;
}"""

# What the page shows a screen reader or a keyboard, read in the same visit.
READ_PAGE = """() => ({
    links: [...document.querySelectorAll('a[href]')].map(e => e.href),
    images: [...document.querySelectorAll('.bd-article img')].map(e => ({
        src: e.getAttribute('src'), alt: e.getAttribute('alt'),
        output: !!e.closest('div.cell_output')})),
    figures: [...document.querySelectorAll('div.plotly-graph-div')].map(e => ({
        id: e.id, role: e.getAttribute('role'), label: e.getAttribute('aria-label'),
        controls: ((e.layout || {}).sliders || []).length
            + ((e.layout || {}).updatemenus || []).length,
        keys: e.nextElementSibling && e.nextElementSibling.matches('.explorer-keys')
            ? e.nextElementSibling.querySelectorAll('select, input').length : 0})),
})"""

# axe-core leaves out plotly's SVG drawing everywhere: a picture, aria-hidden by
# book/_static/scratchlearn.js and told in words by the figure's aria-label. On each
# page it also leaves out MathJax's typeset glyphs and the code blocks' syntax
# colours: thousands of spans per chapter, coloured by one style sheet each (the
# theme's text colour; pygments' theme), which made axe four times slower.
# test_code_and_maths_pass_contrast checks them in full on pages that have both, in
# light mode, and test_figures_are_readable_in_dark_mode in dark mode.
FULL_CONTEXT = {"exclude": [["div.plotly-graph-div svg.main-svg"]]}
AXE_CONTEXT = {
    "exclude": [*FULL_CONTEXT["exclude"], ["mjx-container"], ["div.highlight"]]
}
BLOCKING = ("serious", "critical")
# Rules of lesser impact that no page breaks any more, kept that way: content outside
# every landmark (the theme's sidebar, made a region by book/_ext/site_fixes.py) and
# a table's header cell with no words for axe (a formula alone: MathJax is left out).
ALWAYS_BLOCKING = ("region", "empty-table-header")


@functools.cache
def _axe_source():
    return (
        importlib.resources.files("axe_playwright_python") / "axe.min.js"
    ).read_text(encoding="utf-8")


def axe_violations(page, context=AXE_CONTEXT):
    """axe-core's violations of ``page`` (every impact), with no network.

    No preloading: axe would fetch the style sheets again to read their rules (for
    one rule, on screen orientation), and resolves sphinx's ``@import "basic.css"``
    against the site's root, a request that fails."""
    page.evaluate(_axe_source())
    results = page.evaluate(
        "context => axe.run(context, {resultTypes: ['violations'], preload: false})",
        context,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [str(node["target"]) for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]


def blocking(violations):
    return [
        f"axe {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'][:5])}"
        for v in violations
        if v["impact"] in BLOCKING or v["id"] in ALWAYS_BLOCKING
    ]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_offline_and_draws_its_figures(reader, site_url, path):
    page, problems = open_page(reader, f"{site_url}/{path}")
    try:
        page.wait_for_function(DRAWN, timeout=15000)
        violations = axe_violations(page)
        seen = page.evaluate(READ_PAGE)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / (path.replace("/", "__") + ".png")))
    finally:
        page.close()
    AXE_FINDINGS.mkdir(parents=True, exist_ok=True)
    (AXE_FINDINGS / (path.replace("/", "__") + ".json")).write_text(
        json.dumps(violations, indent=1)
    )
    assert not problems, "\n".join(problems)
    assert not blocking(violations), "\n".join(blocking(violations))
    _assert_figures_have_words_and_keys(path, seen)
    if path in NOTEBOOK_PAGES:
        # Read in the same visit: opening each page twice cost a minute of the suite.
        _assert_launch_and_download_buttons(seen["links"])


def _assert_figures_have_words_and_keys(path, seen):
    """Every picture has alt text that says something (not its file name; in the
    chapters, words stored with the figure), every plotly figure an accessible name,
    and every explorer keyboard controls for each of its sliders and menus."""
    for image in seen["images"]:
        alt = (image["alt"] or "").strip()
        assert (
            alt and "_images/" not in alt and not alt.endswith((".png", ".svg", ".jpg"))
        ), f"{path}: image {image['src']} has no alt text ({alt!r})"
        if image["output"] and path.startswith("book/"):
            assert alt != NO_DESCRIPTION, f"{path}: {image['src']} is not described"
    for figure in seen["figures"]:
        assert figure["role"] == "figure", figure["id"]
        assert len((figure["label"] or "").strip()) > 20, f"{figure['id']}: no words"
        assert figure["keys"] == figure["controls"], (
            f"{figure['id']}: {figure['controls']} sliders and menus, "
            f"{figure['keys']} keyboard controls"
        )


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
    reader, site_url, path, entry
):
    """Clicked as a reader would (a menu entry, then the slider's far end), the
    figure shows exactly the traces its stored updates promise."""
    from scratchlearn.viz.explorer import shown_traces

    page, problems = open_page(reader, f"{site_url}/{path}")
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


def test_an_explorer_works_by_keyboard(reader, site_url):
    """plotly's own slider and menu take no focus; the native controls that
    book/_static/scratchlearn.js puts under the figure do. Tab reaches them, the
    arrow keys and Home/End move them, and the figure then shows exactly what the
    same choice made with plotly's controls shows. plotly's toolbar buttons are
    reached by Tab too, and the toolbar shows while one has the focus."""
    from scratchlearn.viz.explorer import shown_traces

    page, problems = open_page(reader, f"{site_url}/book/supervised/svm.html")
    try:
        figure = page.locator("div.plotly-graph-div:has(g.slider-container)").first
        figure.locator("g.slider-container").wait_for(state="attached")
        spec = figure.evaluate(READ_FIGURE)
        keys = page.locator(".explorer-keys").first
        menu, slider = keys.locator("select"), keys.locator("input[type=range]")
        first = spec["layout"]["updatemenus"][0]["active"]
        n_entries = len(spec["layout"]["updatemenus"][0]["buttons"])
        entry = first + 1 if first + 1 < n_entries else first - 1
        menu.focus()
        page.keyboard.press("ArrowDown" if entry > first else "ArrowUp")
        page.keyboard.press("Tab")
        on_slider = slider.evaluate("e => e === document.activeElement")
        page.keyboard.press("End")
        page.wait_for_timeout(300)
        button = spec["layout"]["updatemenus"][0]["buttons"][entry]
        n_steps = len(button["args"][1]["sliders"][0]["steps"])
        state_end = figure.evaluate(
            "gd => [gd.layout.updatemenus[0].active, gd.layout.sliders[0].active,"
            " gd.data.map(t => t.visible !== false)]"
        )
        page.keyboard.press("Home")
        page.wait_for_timeout(300)
        visible_home = figure.evaluate("gd => gd.data.map(t => t.visible !== false)")
        said = slider.get_attribute("aria-valuetext")
        # Back from the menu with Shift+Tab: the last button of plotly's toolbar,
        # which fades in (0.3 s) while it has the focus.
        menu.focus()
        page.keyboard.press("Shift+Tab")
        on_toolbar = page.evaluate("document.activeElement.matches('.modebar-btn')")
        page.wait_for_function(
            "getComputedStyle(document.activeElement.closest('.modebar-group'))"
            ".opacity === '1'",
            timeout=3000,
        )
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    assert on_slider, "Tab from the menu does not reach the slider"
    assert state_end[:2] == [entry, n_steps - 1]
    assert [i for i, on in enumerate(state_end[2]) if on] == shown_traces(
        spec, entry, n_steps - 1
    )
    assert [i for i, on in enumerate(visible_home) if on] == shown_traces(
        spec, entry, 0
    )
    assert said.startswith("C = ")
    assert on_toolbar


# Two chapters with both kinds of figure: matplotlib pictures and plotly explorers.
@pytest.mark.parametrize("path", ["book/supervised/svm.html", "book/deep/mlp.html"])
def test_figures_are_readable_in_dark_mode(browser, site_url, path):
    """In the theme's dark mode every figure sits on a white card (its black text and
    axes stay readable), undimmed, and the page has no serious or critical
    accessibility violation, contrast included."""
    page, problems = open_page(browser, f"{site_url}/{path}", mode="dark")
    try:
        page.wait_for_function(DRAWN, timeout=15000)
        looks = page.evaluate(
            """() => ({
            theme: document.documentElement.dataset.theme,
            page: getComputedStyle(document.body).backgroundColor,
            figures: [...document.querySelectorAll(
                'div.cell_output img, div.cell_output div.plotly-graph-div')].map(e => {
                const style = getComputedStyle(e);
                return [e.tagName, style.backgroundColor, style.filter,
                        e.layout ? e._fullLayout.paper_bgcolor : 'none'];
            }),
        })"""
        )
        violations = axe_violations(page, FULL_CONTEXT)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / ("dark__" + path.replace("/", "__") + ".png")))
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    assert looks["theme"] == "dark"
    red, green, blue = map(int, re.findall(r"\d+", looks["page"])[:3])
    assert max(red, green, blue) < 40, looks["page"]  # the theme's dark background
    kinds = {tag for tag, *_ in looks["figures"]}
    assert kinds == {"IMG", "DIV"}, kinds
    for tag, background, image_filter, paper in looks["figures"]:
        assert background == "rgb(255, 255, 255)", (tag, background)
        assert image_filter == "none", (tag, image_filter)
        assert paper in ("none", "white", "#fff", "#ffffff", "rgb(255, 255, 255)")
    assert not blocking(violations), "\n".join(blocking(violations))


@pytest.mark.parametrize(
    "path", ["book/supervised/svm.html", "solutions/deep/building_blocks.html"]
)
def test_code_and_maths_pass_contrast(reader, site_url, path):
    """What the per-page check leaves out for time, checked in full on a chapter and
    a solution: the code blocks' syntax colours and MathJax's formulas."""
    page, problems = open_page(reader, f"{site_url}/{path}")
    try:
        page.wait_for_function(DRAWN, timeout=15000)
        counts = page.evaluate(
            "() => [document.querySelectorAll('div.highlight').length,"
            " document.querySelectorAll('mjx-container').length]"
        )
        violations = axe_violations(page, FULL_CONTEXT)
    finally:
        page.close()
    assert not problems, "\n".join(problems)
    assert min(counts) > 0, counts
    assert not blocking(violations), "\n".join(blocking(violations))
