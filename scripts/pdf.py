"""Write the whole book as one PDF, ``_build/pdf/book.pdf`` (``make pdf``).

Serves the built site (``_build/html``) on a free localhost port and opens every page of
the table of contents, in book order, in headless Chromium (Playwright). On each page,
once MathJax has typeset it, every explorer is replaced by a static figure: its first
slider is set to a few values (smallest, default, largest), the explorer's own script
redraws, and the drawn panels are copied side by side, each column captioned with the
values shown. Each page is printed with the site's print stylesheet (``_static/print.css``)
and Chromium's outline of its headings; pypdf then merges them behind a contents page
(chapter titles, page numbers, links), keeps each chapter's headings as bookmarks and
stamps a page number at the foot of every page. Works offline.

Usage: ``.venv/bin/python scripts/pdf.py [OUT]`` after ``make book``.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import io
import shutil
import sys
import threading
import time
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import Fit

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "pdf" / "book.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MM = 96 / 25.4  # CSS pixels per millimetre
A4 = (210, 297)  # mm
SIDE = 15  # mm, the left and right margins of _static/print.css
VIEWPORT = {"width": round((A4[0] - 2 * SIDE) * MM), "height": 1000}  # the printed width
MARKER = "the web version has sliders"  # in every static figure's caption


def toc_entries():
    """The book's pages in reading order: ``(part caption or None, file)`` from _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [(None, toc["root"])]
    for part in toc.get("parts", []):
        entries += [(part.get("caption"), chapter["file"]) for chapter in part["chapters"]]
    entries += [(None, chapter["file"]) for chapter in toc.get("chapters", [])]
    return entries


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-file
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory=HTML):
    """Serve ``directory`` on a free localhost port; yield its base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_for_maths(page, timeout=30_000):
    """Wait until MathJax has loaded and typeset the page (if it has any maths)."""
    page.wait_for_function(
        "() => !document.querySelector('.math')"
        " || (window.MathJax && MathJax.startup && MathJax.startup.promise)",
        timeout=timeout,
    )
    page.evaluate(
        "async () => { if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; } }"
    )


# Replaces each explorer by a static figure: for its first slider's smallest, default and
# largest values, dispatch `input` so the explorer's script redraws, copy its panels (clip
# ids renamed) and readout; lay them out as columns (one per setting) and rows (one per
# panel). Returns the number of explorers replaced.
_FREEZE = """
() => {
  const explorers = [...document.querySelectorAll("div.optlib-explorer")];
  explorers.forEach((root, e) => {
    const inputs = [...root.querySelectorAll("input[type=range]")];
    const labels = [...root.querySelectorAll(".ox-controls label")];
    const first = inputs[0], start = first.value, last = Number(first.max);
    const picks = [...new Set([0, Number(start), last])].sort((a, b) => a - b);
    if (picks.length < 3 && last >= 2) picks.splice(1, 0, Math.round(last / 2));
    const columns = [...new Set(picks)].map((value, s) => {
      first.value = value;
      first.dispatchEvent(new Event("input", {bubbles: true}));
      // "β₁ = 0.9, β₂ = 0.999": each symbol as shown (typeset by MathJax, or words)
      const caption = labels.flatMap((l, i) => [
        i ? ", " : "",
        l.querySelector(".ox-symbol").cloneNode(true),
        ` = ${l.querySelector("output").textContent}`,
      ]);
      const panels = [...root.querySelectorAll(".ox-panels > svg")].map(svg => {
        const copy = svg.cloneNode(true);
        copy.querySelectorAll("clipPath").forEach(clip => {
          const id = `${clip.id}-s${s}`;
          copy.querySelectorAll(`[clip-path="url(#${clip.id})"]`)
            .forEach(n => n.setAttribute("clip-path", `url(#${id})`));
          clip.id = id;
        });
        copy.removeAttribute("width");
        copy.removeAttribute("height");
        return copy;
      });
      const readout = root.querySelector(".ox-readout").textContent.trim();
      return {caption, panels, readout};
    });
    first.value = start;
    first.dispatchEvent(new Event("input", {bubbles: true}));

    // still an .optlib-explorer, with its stylesheet: the panels keep the explorer's look
    const figure = document.createElement("figure");
    figure.className = "optlib-explorer optlib-static";
    figure.setAttribute("aria-label", root.getAttribute("aria-label") || "explorer");
    root.querySelectorAll("style").forEach(style => figure.appendChild(style.cloneNode(true)));
    const title = root.querySelector(".ox-title");
    if (title) figure.appendChild(title.cloneNode(true));
    const grid = document.createElement("div");
    grid.className = "ox-grid";
    grid.style.gridTemplateColumns = `repeat(${columns.length}, minmax(0, 1fr))`;
    const cell = (cls, nodes) => {
      const div = document.createElement("div");
      div.className = cls;
      div.append(...nodes);
      grid.appendChild(div);
    };
    columns.forEach(c => cell("ox-caption", c.caption));
    columns[0].panels.forEach((_, p) => columns.forEach(c => grid.appendChild(c.panels[p])));
    if (columns.some(c => c.readout)) columns.forEach(c => cell("ox-readout", [c.readout]));
    figure.appendChild(grid);
    const symbol = root.querySelector(".ox-symbol").cloneNode(true);
    const others = inputs.length > 1 ? ", the other sliders at their defaults" : "";
    const note = document.createElement("figcaption");
    note.append(`Printed at ${columns.length} settings of `, symbol,
                `${others}; __MARKER__.`);
    figure.appendChild(note);
    root.replaceWith(figure);
  });
  return explorers.length;
}
""".replace("__MARKER__", MARKER)

# Equations, tables and outputs wider than their column are scaled down to fit (on screen
# they scroll); links into the site lose their target (the PDF has no site to go to).
_FIT = """
() => {
  for (const wide of document.querySelectorAll("article mjx-container, article table")) {
    const inner = wide.tagName === "TABLE" ? wide : wide.firstElementChild || wide;
    const width = Math.max(wide.scrollWidth, inner.getBoundingClientRect().width);
    const room = wide.parentElement.closest("p, li, dd, td, th, div, section")
      .getBoundingClientRect().width;
    if (width > room) wide.style.zoom = (room / width).toFixed(3);
  }
  // an output's columns (a printed table) read better scaled down than wrapped
  for (const pre of document.querySelectorAll("article .cell_output pre")) {
    pre.style.setProperty("white-space", "pre", "important");
    const scale = pre.clientWidth / pre.scrollWidth;
    if (scale < 1 && scale >= 0.5) pre.style.zoom = scale.toFixed(3);
    else pre.style.removeProperty("white-space");  // fits, or too wide to scale: wraps
  }
  for (const a of document.querySelectorAll("a[href]")) {
    if (new URL(a.href, location.href).origin === location.origin) a.removeAttribute("href");
  }
}
"""


# The printed headings as (level, text): maths as MathJax's spoken text, no "#" links
_HEADINGS = """
() => [...document.querySelectorAll("article :is(h1, h2, h3, h4, h5, h6, [role=heading])")]
  .filter(h => h.getClientRects().length)
  .map(h => {
    const copy = h.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(n => n.remove());
    copy.querySelectorAll("mjx-container").forEach(m => {
      const mml = m.querySelector("mjx-assistive-mml");
      m.replaceWith(mml ? mml.textContent : "");
    });
    const level = Number(h.getAttribute("aria-level") || h.tagName[1]);
    return [level, copy.textContent.replace(/\\s+/g, " ").trim()];
  })
"""


def start_page(browser, url):
    """Start loading one page of the book; ``render_page`` prints it. Each page has a
    renderer of its own, so the next page loads while one is printed."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url, wait_until="commit")
    return page


def render_page(page):
    """One started page of the book, printed: ``(pdf bytes, headings, number of
    explorers)``; ``headings`` are ``(level, text)`` of the headings printed, the title
    first."""
    try:
        page.wait_for_load_state("load")
        wait_for_maths(page)
        page.emulate_media(media="print")
        explorers = page.evaluate(_FREEZE)
        page.evaluate(_FIT)
        headings = page.evaluate(_HEADINGS)
        pdf = page.pdf(
            format="A4",
            prefer_css_page_size=True,
            print_background=True,
            outline=True,
            tagged=True,
        )
        return pdf, headings, explorers
    finally:
        page.close()


def _print_html(browser, markup):
    """Print a small generated HTML document (contents page, page-number stamps)."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.set_content(markup)
        return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    finally:
        page.close()


_CONTENTS_CSS = """
@page { size: A4; margin: 0; }
body { margin: 0; padding: 18mm 22mm 14mm; font-family: system-ui, sans-serif; color: #222; }
h1 { font-size: 20pt; font-weight: 600; margin: 0 0 2mm; }
.edition { color: #555; margin: 0 0 6mm; }
h2 { font-size: 14pt; margin: 0 0 2mm; }
h3 { font-size: 10pt; text-transform: uppercase; letter-spacing: .05em; color: #555;
     margin: 3.5mm 0 1mm; }
.entry { display: flex; font-size: 11pt; line-height: 1.55; break-inside: avoid; }
.entry .dots { flex: 1; border-bottom: 1px dotted #888; margin: 0 2mm 1.3mm; }
"""


def contents_html(book, entries, first_pages):
    """The contents page: book title, then each chapter under its part with its page."""
    rows, part = [], object()
    for (caption, _), (title, *_), start in zip(
        entries, book["chapters"], first_pages, strict=True
    ):
        if caption != part:
            part = caption
            if caption:
                rows.append(f"<h3>{html.escape(caption)}</h3>")
        rows.append(
            f'<div class="entry"><span class="title">{html.escape(title)}</span>'
            f'<span class="dots"></span><span class="page">{start + 1}</span></div>'
        )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{_CONTENTS_CSS}</style>"
        f"</head><body><h1>{html.escape(book['title'])}</h1>"
        f"<p class='edition'>{html.escape(book['edition'])}</p>"
        f"<h2>Contents</h2>{''.join(rows)}</body></html>"
    )


def stamps_html(labels):
    """One A4 page per label, blank but for its footer line (merged over the book)."""
    pages = "".join(
        f'<div class="p"><div class="n"><span>{html.escape(left)}</span>'
        f"<span>{html.escape(right)}</span></div></div>"
        for left, right in labels
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 0; } body { margin: 0; }"
        ".p { height: 296mm; position: relative; break-after: page; overflow: hidden; }"
        ".p:last-child { break-after: auto; }"
        f".n {{ position: absolute; bottom: 8mm; left: {SIDE}mm; right: {SIDE}mm; display: flex;"
        " justify-content: space-between; font: 8.5pt system-ui, sans-serif; color: #555; }"
        f"</style></head><body>{pages}</body></html>"
    )


def build_pdf(browser, base_url, out=OUT, log=print):
    """Print every page of the book at ``base_url`` and write one PDF to ``out``.

    Returns a summary: ``path``, ``pages``, ``bytes``, ``chapters`` (titles in order),
    ``starts`` (each chapter's first page, from 0) and ``explorers`` (static figures made).
    """
    entries = toc_entries()
    urls = [f"{base_url}/{file}.html" for _, file in entries]
    chapters, explorers = [], 0
    ahead = start_page(browser, urls[0])
    for k, (_, file) in enumerate(entries):
        page, ahead = ahead, (start_page(browser, urls[k + 1]) if k + 1 < len(urls) else None)
        pdf, headings, count = render_page(page)
        reader = PdfReader(io.BytesIO(pdf))
        if not headings:
            raise RuntimeError(f"{file}.html has no heading: is it in the built site?")
        chapters.append((headings[0][1], reader, headings))
        explorers += count
        log(f"  {file}: {len(reader.pages)} pages, {count} explorers")
    book = {"title": chapters[0][0], "chapters": chapters, "edition": _edition(browser, base_url)}

    # the contents page's own length decides where the chapters start: settle it
    front = 1
    while True:
        starts, first = [], front
        for _, reader, _ in chapters:
            starts.append(first)
            first += len(reader.pages)
        contents = _print_html(browser, contents_html(book, entries, starts))
        if len(contents.pages) == front:
            break
        front = len(contents.pages)

    writer = PdfWriter()
    writer.append(contents, import_outline=False)
    writer.add_outline_item(title="Contents", page_number=0)
    for (_, reader, headings), start in zip(chapters, starts, strict=True):
        writer.append(reader, import_outline=False)
        add_bookmarks(writer, reader, headings, start, log)
    total = len(writer.pages)

    labels = [(book["title"], f"{n + 1}") for n in range(front)]
    for (title, reader, _), start in zip(chapters, starts, strict=True):
        labels += [(title, f"{start + k + 1}") for k in range(len(reader.pages))]
    stamps = _print_html(browser, stamps_html(labels))
    if len(stamps.pages) != total:
        raise RuntimeError(f"{len(stamps.pages)} page-number stamps for {total} pages")
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()  # merging leaves the page's contents uncompressed

    for rect, target in _contents_links(browser, book, entries, starts):
        writer.add_annotation(0, Link(rect=rect, target_page_index=target, fit=Fit.fit()))
    author = yaml.safe_load((ROOT / "_config.yml").read_text()).get("author", "")
    writer.add_metadata({"/Title": book["title"], "/Author": author})
    writer.page_mode = "/UseOutlines"

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        writer.write(f)
    return {
        "path": out,
        "pages": total,
        "bytes": out.stat().st_size,
        "chapters": [title for title, _, _ in chapters],
        "starts": starts,
        "explorers": explorers,
    }


def _flatten(reader, items, depth=1):
    """Chromium's outline of a printed page as ``(depth, title, page)`` in order."""
    flat = []
    for item in items:
        if isinstance(item, list):
            flat += _flatten(reader, item, depth + 1)
        else:
            flat.append((depth, item.title, reader.get_destination_page_number(item)))
    return flat


def add_bookmarks(writer, reader, headings, start, log=print):
    """The chapter's bookmark (its title) with its sections (h2) and subsections (h3).

    Pages come from Chromium's outline of the printed page (one item per heading, in
    order); titles and levels from the page's headings (Chromium's titles can repeat
    runs of text and drop maths).
    """
    flat = _flatten(reader, reader.outline)
    if len(flat) == len(headings):
        flat = [
            (level, text, page) for (level, text), (_, _, page) in zip(headings, flat, strict=True)
        ]
    else:
        log(f"  outline: {len(flat)} items for {len(headings)} headings, Chromium's titles kept")
    parents = {0: None}
    for level, text, page in flat:
        if level > 3:
            continue
        parent = parents[max(k for k in parents if k < level)]
        parents = {k: v for k, v in parents.items() if k < level}
        parents[level] = writer.add_outline_item(
            title=text, page_number=start + page, parent=parent
        )


def _contents_links(browser, book, entries, starts):
    """Link rectangles (PDF points) of the contents page's entries, with their targets."""
    page = browser.new_page(viewport={"width": round(A4[0] * MM), "height": 1000})
    try:
        page.set_content(contents_html(book, entries, starts))
        page.emulate_media(media="print")
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('.entry')].map(e => {"
            " const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
        )
    finally:
        page.close()
    height = A4[1] * MM
    links = []
    for (left, top, right, bottom), start in zip(boxes, starts, strict=True):
        if bottom > height:  # entries past the first page are reached through the outline
            continue
        pt = 0.75  # PDF points per CSS pixel
        links.append(((left * pt, (height - bottom) * pt, right * pt, (height - top) * pt), start))
    return links


def _edition(browser, base_url):
    """The edition line of the site's footer (version, date), for the contents page."""
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/{toc_entries()[0][1]}.html")
        text = page.evaluate(
            "() => ['.component-author', '.optbook-edition']"
            ".map(s => document.querySelector(s)).filter(Boolean)"
            ".map(n => n.innerText.trim()).join(' · ')"
        )
    finally:
        page.close()
    return " ".join(text.split())


def main(argv=None):
    from playwright.sync_api import sync_playwright

    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT
    if not (HTML / "index.html").exists():
        sys.exit("No site at _build/html: run `make book` first.")
    began = time.perf_counter()
    with serve() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            summary = build_pdf(browser, base, out)
        finally:
            browser.close()
    print(
        f"The book is at {summary['path']}: {summary['pages']} pages, "
        f"{summary['bytes'] / 1e6:.1f} MB, {summary['explorers']} explorers as static figures "
        f"({time.perf_counter() - began:.0f} s)"
    )


if __name__ == "__main__":
    main()
