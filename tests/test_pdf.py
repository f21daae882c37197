"""The book on paper: the print stylesheet (_static/print.css) and `make pdf`.

The page checks emulate print media in Chromium on a chapter with explorers; the PDF
checks build the whole book with scripts/pdf.py's ``build_pdf`` (as `make pdf` does)
from the site the ``site`` fixture serves, and read it back with pypdf.
"""

from __future__ import annotations

import re
import sys

import pytest
from test_site import HTML, ROOT, open_page

sys.path.insert(0, str(ROOT / "scripts"))
import pdf  # noqa: E402

CHAPTER = "book/adam.html"  # two explorers, exercises with solutions, long code


def _squeeze(text):
    return re.sub(r"\s+", "", text)


def print_view(browser, url, width):
    """A page as the print stylesheet lays it out ``width`` CSS pixels wide."""
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(url, wait_until="networkidle")
    pdf.wait_for_maths(page)
    page.emulate_media(media="print")
    return page


@pytest.fixture(scope="module")
def printed(browser, site):
    """The Adam chapter at the paper's width (A4 less the margins)."""
    page = print_view(browser, f"{site}/{CHAPTER}", pdf.VIEWPORT["width"])
    yield page
    page.close()


def test_print_hides_sliders_and_shows_each_explorers_values(printed):
    explorers = printed.locator("div.optlib-explorer")
    assert explorers.count() >= 1
    shown = printed.evaluate(
        """() => [...document.querySelectorAll("input[type=range]")]
             .filter(i => i.getClientRects().length).length"""
    )
    assert shown == 0, f"{shown} range inputs are printed"
    for i in range(explorers.count()):
        explorer = explorers.nth(i)
        text = explorer.inner_text()
        for label in explorer.locator(".ox-controls label").all():
            symbol = label.locator(".ox-symbol").inner_text()
            value = label.locator("output").inner_text()
            assert label.is_visible() and _squeeze(f"{symbol}={value}") in _squeeze(text)


def test_print_keeps_explorers_and_code_inside_their_boxes(printed):
    overflow = printed.evaluate(
        """() => [...document.querySelectorAll("pre, div.optlib-explorer")]
             .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth)
             .map(e => e.tagName + ": " + e.textContent.slice(0, 60))"""
    )
    assert printed.locator("pre").count() > 10
    assert overflow == [], f"wider than their box on paper: {overflow}"
    unsplittable = printed.evaluate(
        """() => [...document.querySelectorAll("div.optlib-explorer")]
             .map(e => getComputedStyle(e).breakInside)"""
    )
    assert set(unsplittable) == {"avoid"}


def test_print_hides_the_site_chrome_and_uses_the_full_width(browser, site):
    """Even laid out as wide as a desktop window (where the screen shows sidebars)."""
    page = print_view(browser, f"{site}/{CHAPTER}", 1280)
    try:
        for chrome in [".bd-sidebar-primary", ".bd-sidebar-secondary", ".bd-header-article"]:
            assert page.locator(chrome).count() >= 1
            assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
        article = page.locator("article").bounding_box()
        assert article["width"] >= 0.95 * 1280, "the article is not full width"
    finally:
        page.close()


def test_print_opens_solutions_and_keeps_folded_cells_folded(printed):
    solutions = printed.locator(".solution.dropdown")
    assert solutions.count() >= 1
    for i in range(solutions.count()):
        body = solutions.nth(i).locator("section").first
        assert body.is_visible() and body.bounding_box()["height"] > 10
    folded = printed.locator("details.hide")
    assert folded.count() >= 1 and not folded.first.is_visible(), "a folded cell is printed"


@pytest.fixture(scope="module")
def book(browser, site, tmp_path_factory):
    """The whole book, printed by scripts/pdf.py, and its text page by page."""
    from pypdf import PdfReader

    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    summary = pdf.build_pdf(browser, site, out, log=lambda message: None)
    reader = PdfReader(summary["path"])
    return summary, reader


def test_pdf_has_every_chapter_in_its_text_contents_and_outline(book):
    summary, reader = book
    pages = len(reader.pages)
    assert summary["pages"] == pages
    assert 10 * len(pdf.toc_entries()) <= pages <= 40 * len(pdf.toc_entries())
    titles = summary["chapters"]
    assert len(titles) == len(pdf.toc_entries())
    # one contents page, so that every entry is a link (pdf._contents_links)
    assert summary["starts"][0] == 1, f"the contents take {summary['starts'][0]} pages"
    contents = _squeeze(reader.pages[0].extract_text())
    outline = {item.title: item for item in reader.outline if not isinstance(item, list)}
    for title, start in zip(titles, summary["starts"], strict=True):
        assert _squeeze(title) in contents, f"{title!r} is not on the contents page"
        assert _squeeze(title) in _squeeze(reader.pages[start].extract_text())
        assert title in outline, f"{title!r} has no bookmark"
        assert reader.get_destination_page_number(outline[title]) == start


def test_pdf_shows_each_explorer_as_a_static_figure(book):
    summary, reader = book
    in_site = sum(
        (HTML / f"{file}.html").read_text().count('class="optlib-explorer"')
        for _, file in pdf.toc_entries()
    )
    text = _squeeze("".join(page.extract_text() for page in reader.pages))
    assert in_site >= 1
    assert summary["explorers"] == in_site
    assert text.count(_squeeze(pdf.MARKER)) == in_site


def test_a_page_printed_in_dark_mode_prints_light(browser, site):
    """Paper is white: print switches a dark page to the light colours, then back."""
    page, *_ = open_page(browser, f"{site}/{CHAPTER}", dark=True)
    try:
        modes = page.evaluate(
            """() => { const html = document.documentElement, seen = [html.dataset.theme];
            window.dispatchEvent(new Event('beforeprint')); seen.push(html.dataset.theme);
            window.dispatchEvent(new Event('afterprint')); seen.push(html.dataset.theme);
            return seen; }"""
        )
    finally:
        page.close()
    assert modes == ["dark", "light", "dark"]
