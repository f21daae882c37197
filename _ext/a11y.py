"""A Sphinx extension for the book: accessible names and roles the theme gets wrong.

axe-core (WCAG 2.1 A/AA, ``tests/test_accessibility.py``) finds three defects in the
HTML that sphinx-book-theme, MyST-NB and docutils write; each is mended here, in every
page written, once the build has finished:

- a control whose accessible name does not contain its visible text (WCAG 2.5.3): the
  search buttons (named "Search", showing "Search Ctrl+K"), the colour-mode button
  (its icons carry titles), and the "Show code cell source" toggles (named "Toggle
  hidden content");
- the bibliography, a ``role=list`` whose children are not list items.

Each fix is a literal replacement, so a theme upgrade that changes the markup leaves
the page as it was and the accessibility test names the defect again.
"""

from pathlib import Path

FIXES = [
    # name from content: "Search Ctrl+K", as shown
    (' title="Search" aria-label="Search"', ' title="Search"'),
    # the colour-mode icons are decoration: the button's name is "Color mode"
    ('fa-lg" data-mode="light" title="Light">', 'fa-lg" data-mode="light" aria-hidden="true">'),
    ('fa-lg" data-mode="dark"  title="Dark">', 'fa-lg" data-mode="dark" aria-hidden="true">'),
    (
        'fa-lg" data-mode="auto"  title="System Settings">',
        'fa-lg" data-mode="auto" aria-hidden="true">',
    ),
    # a <summary> is named by its text ("Show code cell source") and announces its state
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    # the bibliography is a sequence of entries, not an ARIA list of links
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
]


def mend(html):
    """The page with every fix applied."""
    for old, new in FIXES:
        html = html.replace(old, new)
    return html


def _mend_pages(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        mended = mend(text)
        if mended != text:
            page.write_text(mended, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _mend_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
