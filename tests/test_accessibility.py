"""Every page of the site, checked for its readers with disabilities and on a phone.

axe-core (vendored in ``tests/vendor/axe-core``, see ``scripts/vendor.sh``) runs the
WCAG 2.1 A and AA rules on every page, in the light and the dark colour mode and at a
phone's width; no serious or critical violation may remain. The checks after it are
those axe cannot make: that an image's alt text describes the figure, that formulas are
not tab stops unless they scroll, that focus is visible, that display maths keeps its
equation number in view on a phone, and that no progress bar or warning is printed on
the site.

Each page is visited once: its three modes load side by side and axe runs in all three
at once (each page has a renderer process of its own, so two cores share the work);
the per-page tests below read what the visit found.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_site import open_page, pages, settle, start_page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = 390  # CSS pixels: an iPhone 12 to 15 held upright
BUTTONS = ("search-button", "primary-toggle", "dropdown-toggle", "theme-switch-button")
MODES = {"light": {}, "dark": {"dark": True}, "phone": {"width": PHONE}}


# The theme makes every box that scrolls a tab stop, 300 ms after the page last changed
# (a debounced MutationObserver; MathJax's typesetting keeps it waiting): axe runs once
# it has, or after 5 s, when a box still missing its tab stop is a violation.
SCROLLING_BOXES_ARE_TAB_STOPS = """() => [...document.querySelectorAll(
    'pre, .cell_output > .output, .pst-scrollable-table-container')].every(
    e => !(e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight) || e.tabIndex >= 0)"""


def start_axe(page):
    """Start axe's WCAG 2.1 A/AA run on ``page``; ``axe_violations`` collects it."""
    try:
        page.wait_for_function(SCROLLING_BOXES_ARE_TAB_STOPS, timeout=5000)
    except PlaywrightTimeout:
        pass  # axe reports the boxes still missing
    page.add_script_tag(path=str(AXE))
    page.evaluate(
        """(tags) => { window.optbookAxe = axe.run(document, {runOnly: {type: 'tag', values: tags}})
          .then(result => result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.help}; ` +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))); }""",
        WCAG,
    )


def axe_violations(page):
    """The serious and critical WCAG 2.1 A/AA violations axe finds on ``page``."""
    if not page.evaluate("() => 'optbookAxe' in window"):
        start_axe(page)
    return page.evaluate("() => window.optbookAxe")


# What one visit of a page found, for the tests below: each page is loaded once in each
# mode, the three side by side (each in a renderer of its own, so both cores work), and
# axe runs in all three at once; the light page then answers the other checks.
VISITS = {}


def visit(browser, site, name):
    if name not in VISITS:
        opened = {mode: start_page(browser, f"{site}/{name}", **MODES[mode]) for mode in MODES}
        for page, *_ in opened.values():
            settle(page)
        for page, *_ in opened.values():
            start_axe(page)
        found = {mode: axe_violations(page) for mode, (page, *_) in opened.items()}
        found["dark theme"] = opened["dark"][0].evaluate("document.documentElement.dataset.theme")
        light = opened["light"][0]
        found["reader"] = reader_state(light)
        found["explorers"] = explorer_descriptions(light)
        for page, *_ in opened.values():
            page.close()
        VISITS[name] = found
    return VISITS[name]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", pages())
def test_no_serious_accessibility_violation(browser, site, name, mode):
    found = visit(browser, site, name)
    if mode == "dark":
        assert found["dark theme"] == "dark"
    assert not found[mode], "\n".join(found[mode])


def test_axe_finds_a_violation_when_there_is_one(browser, site):
    """The check above can fail: a link at 4.29:1 (the theme's colour on an exercise
    box before book.css) and an unnamed button are found."""
    page, *_ = open_page(browser, f"{site}/book/adam.html")
    page.evaluate(
        """() => {
        const p = document.querySelector('article p');
        p.insertAdjacentHTML('afterend', '<button><svg width="9" height="9"></svg></button>' +
          '<p style="background:#ecf3ff; color:#176de8">A sentence at 4.29:1.</p>');
    }"""
    )
    found = " ".join(axe_violations(page))
    page.close()
    assert "color-contrast" in found and "button-name" in found


def reader_state(page):
    return page.evaluate(
        """() => ({
        alts: [...document.querySelectorAll('article img')].map(i => i.alt),
        stops: [...document.querySelectorAll('mjx-container')].filter(m => m.tabIndex >= 0)
                 .map(m => m.scrollWidth > m.clientWidth + 1),
        stderr: document.querySelectorAll('.output.stderr').length,
        code: [...document.querySelectorAll('.cell_input pre')]
                .filter(p => p.scrollWidth > p.clientWidth).map(p => p.textContent.slice(0, 60)),
    })"""
    )


@pytest.mark.parametrize("name", pages())
def test_page_for_every_reader(browser, site, name):
    """What axe does not check: alt text that describes, formulas out of the tab
    order unless they scroll, no text on the site that only Jupyter should show, and
    code of 88 columns that fits the column on a desktop."""
    state = visit(browser, site, name)["reader"]
    for alt in state["alts"]:
        words = alt.split()
        assert len(words) >= 8 and not alt.endswith(".png"), f"alt text {alt!r}"
    assert len(set(state["alts"])) == len(state["alts"]), "two figures share an alt text"
    assert all(state["stops"]), "a formula that does not scroll is a tab stop"
    assert state["stderr"] == 0, "a progress bar or warning is printed on the site"
    assert not state["code"], f"code scrolls sideways at 1280 px: {state['code']}"


def test_focus_is_visible_on_the_theme_buttons(browser, site):
    """Tabbing reaches the search, sidebar, download and colour-mode buttons, and each
    shows a ring."""
    page, *_ = open_page(browser, f"{site}/book/adam.html")
    rings = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
            return [e.className.toString(), s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
        )
        for button in BUTTONS:
            if button in info[0]:
                rings[button] = info[1] != "none" and info[2] >= 2
    page.close()
    assert rings == dict.fromkeys(BUTTONS, True), rings


@pytest.mark.parametrize("name", ["book/gradient_descent.html", "book/adam.html"])
def test_maths_and_code_on_a_phone(browser, site, name):
    """At 390 px the page never scrolls sideways; a formula wider than the column
    scrolls inside it, is a tab stop, and its equation number stays in view; code
    wraps; a wide figure keeps its text legible and scrolls."""
    page, *_ = open_page(browser, f"{site}/{name}", width=PHONE)
    state = page.evaluate(
        """() => ({
        page: document.scrollingElement.scrollWidth,
        numbers: [...document.querySelectorAll('div.math > .eqno')].map(e => {
            const r = e.getBoundingClientRect(); return [r.left, r.right]; }),
        code: [...document.querySelectorAll('.cell_input pre')]
                .filter(p => p.scrollWidth > p.clientWidth).length,
        figures: [...document.querySelectorAll('.cell_output img')].map(i => {
            const box = i.closest('.optbook-figure');
            return [i.getBoundingClientRect().width / i.naturalWidth,
                    box.scrollWidth > box.clientWidth + 1 ? box.tabIndex : 0]; }),
        wide: [...document.querySelectorAll('div.math mjx-container')]
                .filter(m => m.scrollWidth > m.clientWidth + 1).map(m => m.tabIndex),
    })"""
    )
    page.close()
    assert state["page"] <= PHONE, f"the page is {state['page']} px wide"
    assert state["numbers"], "no numbered equation"
    assert all(0 <= left and right <= PHONE for left, right in state["numbers"])
    assert state["wide"] and all(t == 0 for t in state["wide"])
    assert state["code"] == 0, "code hides off the edge instead of wrapping"
    # figures keep >= 0.65 of their drawn size (text >= 9 px), in a box that scrolls
    assert state["figures"] and all(s >= 0.649 and t == 0 for s, t in state["figures"])


def explorer_descriptions(page):
    """For each explorer: its panels' names, slider symbols, readout, and the panels'
    names after its first slider moved to the other end."""
    explorers = page.locator(".optlib-explorer")
    described = []
    for e in range(explorers.count()):
        explorer = explorers.nth(e)
        names = explorer.locator("svg[role=img]").evaluate_all(
            "svgs => svgs.map(s => s.getAttribute('aria-label'))"
        )
        symbols = explorer.locator(".ox-symbol").evaluate_all(
            "spans => spans.map(s => [s.innerText, !!s.querySelector('mjx-container')])"
        )
        readout = explorer.locator(".ox-readout").inner_text()
        slider = explorer.locator("input[type=range]").first
        slider.focus()
        page.keyboard.press("End" if slider.input_value() == "0" else "Home")
        moved = explorer.locator("svg[role=img]").evaluate_all(
            "svgs => svgs.map(s => s.getAttribute('aria-label'))"
        )
        described.append((names, symbols, readout, moved))
    return described


@pytest.mark.parametrize("name", pages())
def test_explorers_say_what_they_show(browser, site, name):
    """Each explorer panel is an image whose name states its result in words (where each
    series ends, or where it diverged) and follows the sliders; slider symbols are
    typeset, never raw TeX; every explorer has a readout."""
    for names, symbols, readout, moved in visit(browser, site, name)["explorers"]:
        assert names and all(" ends at " in n or " diverges at step " in n for n in names), names
        assert moved != names, "a panel's description did not follow the slider"
        for text, typeset in symbols:
            assert "\\" not in text and "_" not in text, f"raw TeX in a slider label: {text!r}"
            assert typeset or " " in text or len(text) > 1, text
        assert readout.strip(), "an explorer without a readout"
