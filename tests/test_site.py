"""The published site, checked the way a reader sees it.

Builds the book (warnings are errors; executed notebooks are cached), serves
``_build/html`` on localhost and opens every page in headless Chromium. Each page
must load with no console error, send no request off the machine, have every
formula typeset by MathJax, every image loaded and every embedded widget drawn.
A screenshot of each page is saved in ``_build/screenshots/`` to look at.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")
sys.path.insert(0, str(ROOT / "scripts"))
# one browser set-up and one local server for the site checks (conftest.py) and the PDF
from pdf import CHROMIUM, CHROMIUM_ARGS, serve, wait_for_maths  # noqa: E402, F401


def pages():
    """The site's pages, one per entry of the table of contents."""
    from test_notebooks import toc_files

    return sorted(f"{entry}.html" for entry in toc_files())


def open_page(browser, url, width=1280, dark=False):
    """Load a page (``width`` CSS pixels wide, in the dark colour mode if ``dark``);
    return it with the lists of external requests, errors and 404s."""
    opened = start_page(browser, url, width, dark)
    settle(opened[0])
    return opened


def start_page(browser, url, width=1280, dark=False):
    """``open_page`` without waiting for the page: each page has a renderer of its own,
    so pages started one after the other load side by side (see ``settle``)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    if dark:  # the theme reads the reader's choice from localStorage
        page.add_init_script("localStorage.setItem('mode', 'dark')")
    external, errors, missing = [], [], []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else external.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto(url, wait_until="commit")
    return page, external, errors, missing


def settle(page):
    """Wait until a started page has loaded and MathJax has typeset it."""
    page.wait_for_load_state("networkidle")
    wait_for_maths(page, timeout=20_000)  # MathJax typesets asynchronously
    page.wait_for_timeout(300)


def test_explorer_slider_redraws_from_the_embedded_data(browser, site):
    """On the static page, moving an explorer's slider with the keyboard redraws it
    from the precomputed data: the readout and the drawn path follow the new setting."""
    page, external, errors, _ = open_page(browser, f"{site}/book/how_to_use.html")
    explorer = page.locator(".optlib-explorer").first
    before = explorer.get_attribute("data-index")
    path_before = explorer.locator("svg polyline").last.get_attribute("points")
    slider = explorer.locator("input[type=range]").first
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    after = explorer.get_attribute("data-index")
    state = page.evaluate(
        """(root) => {
        const script = root.nextElementSibling.textContent;
        const call = script.lastIndexOf('document.getElementById(');
        const spec = JSON.parse(script.slice(script.indexOf('), ', call) + 3,
                                             script.lastIndexOf(');')));
        const input = root.querySelector('input[type=range]');
        return {readout: spec.readout, shown: root.querySelector('.ox-readout').textContent,
                k: Number(root.dataset.index), group: root.getAttribute('role'),
                valuetext: input.getAttribute('aria-valuetext'),
                output: root.querySelector('output').textContent};
    }""",
        explorer.element_handle(),
    )
    path_after = explorer.locator("svg polyline").last.get_attribute("points")
    page.close()
    assert after != before, "the slider did not change the setting"
    assert path_after != path_before, "the drawing did not change"
    assert state["shown"] == state["readout"][state["k"]], "readout is not the embedded one"
    assert state["group"] == "group", "an explorer is a labelled group"
    assert state["valuetext"] == state["output"], "a screen reader must hear the value shown"
    assert not external and not errors


@pytest.mark.parametrize("name", pages())
def test_page_reads_well_offline(browser, site, name):
    check_page(browser, site, name, SHOTS)


# pages started ahead: while one page is checked, the next loads in its own renderer
AHEAD = {}


def check_page(browser, site, name, shots):
    """Open one page of the site served at ``site``; assert it reads well offline."""
    opened = AHEAD.pop((site, name), None) or start_page(browser, f"{site}/{name}")
    order = pages()
    following = order[order.index(name) + 1 : order.index(name) + 2]
    for after in following:
        if (site, after) not in AHEAD:
            AHEAD[site, after] = start_page(browser, f"{site}/{after}")
    page, external, errors, missing = opened
    settle(page)
    shot = shots / (name.replace("/", "_").replace(".html", ".png"))
    page.screenshot(path=str(shot), full_page=True)
    report = page.evaluate(
        """() => {
        const article = document.querySelector('article') || document.body;
        // prose only: code listings may legitimately contain TeX source
        const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
        const keep = n => n.parentElement.closest(skip)
            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {acceptNode: keep});
        let text = '';
        while (walker.nextNode()) text += walker.currentNode.nodeValue;
        const images = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                                           .map(i => i.src);
        const widgetState = document.querySelector(
            'script[type="application/vnd.jupyter.widget-state+json"]');
        const widgetViews = document.querySelectorAll(
            'script[type="application/vnd.jupyter.widget-view+json"]').length;
        const drawnWidgets = document.querySelectorAll('.jupyter-widgets, .widget-inline-hbox,'
            + ' .widget-vbox, .widget-hbox').length;
        return {
          rawMath: (text.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/g) || []).length,
          // numbers in the prose are values: no role source, no unevaluated name
          rawMyst: text.match(/\\{(eval|glue|cite|ref|eq|numref)[}:]|\\b\\w+_text\\b/g) || [],
          mathErrors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
          typeset: document.querySelectorAll('mjx-container').length,
          mathNodes: document.querySelectorAll('.math, .MathJax_Preview').length,
          brokenImages: images,
          // a cell ending in ax.legend() or ax.set(...) prints the return value's repr
          strayReprs: [...document.querySelectorAll('.cell_output .text_plain pre')]
            .map(p => p.textContent.trim())
            .filter(t => /^(<matplotlib\\.|\\[?Text\\(|<Figure size)/.test(t))
            .map(t => t.slice(0, 60)),
          widgetViews, hasWidgetState: !!widgetState, drawnWidgets,
          title: document.title,
        };
    }"""
    )
    page.close()
    assert not external, f"{name} requested off-site URLs: {external}"
    assert not missing, f"{name} got HTTP errors for {missing}"
    assert not errors, f"{name} logged errors: {errors}"
    assert report["mathErrors"] == 0, f"{name}: MathJax reported errors"
    assert report["rawMath"] == 0, f"{name}: untypeset TeX is visible"
    assert not report["rawMyst"], f"{name}: raw MyST or unevaluated numbers {report['rawMyst']}"
    if report["mathNodes"]:
        assert report["typeset"] > 0, f"{name}: formulas present but none typeset"
    assert not report["brokenImages"], f"{name}: images failed to load {report['brokenImages']}"
    assert not report["strayReprs"], f"{name}: outputs show bare reprs {report['strayReprs']}"
    if report["widgetViews"]:
        assert report["hasWidgetState"], f"{name}: widget views without embedded state"
        assert report["drawnWidgets"] > 0, f"{name}: embedded widgets were not drawn"
