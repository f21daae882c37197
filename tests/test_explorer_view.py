"""The explorers' web view on the built site, as a reader sees it (issue 17): colours
from the theme in light and dark mode with WCAG contrast, touch-sized sliders with a
visible focus ring, and a layout that fits a 390-px phone with legible text.

Each page that holds an explorer is opened once; the explorers are measured in light
mode, in dark mode (the theme's own switch, ``html[data-theme=dark]``), with every
slider at its last value (where runs diverge and say so) and at 390 px; the tests
below check those measurements.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from test_plotting import contrast as contrast_of
from test_plotting import luminance
from test_site import HTML, settle, start_page

# Everything one explorer shows, with the colours the browser computed for it.
MEASURE = """(root) => {
  const css = getComputedStyle(root);
  const color = el => getComputedStyle(el).color;
  const html = [root.querySelector('.ox-title'), ...root.querySelectorAll('label, output'),
                root.querySelector('.ox-readout')].filter(el => el && el.textContent.trim());
  const svgs = [...root.querySelectorAll('svg')];
  const scale = svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const lines = [...root.querySelectorAll('svg .ox-series')];
  const texts = [...root.querySelectorAll('svg text')].filter(t => t.textContent.trim())
    .map(t => ({text: t.textContent, fill: getComputedStyle(t).fill,
                mark: t.classList.contains('ox-mark'), rotated: t.hasAttribute('transform'),
                px: parseFloat(getComputedStyle(t).fontSize) * scale(t.closest('svg')),
                height: t.getBoundingClientRect().height}));
  const box = root.getBoundingClientRect(), column = root.parentElement.getBoundingClientRect();
  return {
    background: css.backgroundColor,
    pageBackground: getComputedStyle(document.documentElement)
      .getPropertyValue('--pst-color-background').trim(),
    thumb: css.getPropertyValue('--ox-thumb').trim(),
    html: html.map(el => ({text: el.textContent.trim().slice(0, 40), color: color(el)})),
    texts: texts,
    series: lines.map(l => getComputedStyle(l).stroke),
    dashed: lines.map(l => l.getAttribute('stroke-dasharray')),
    axes: [...root.querySelectorAll('svg .ox-axis')].map(l => getComputedStyle(l).stroke),
    inputs: [...root.querySelectorAll('input[type=range]')]
      .map(i => { const r = i.getBoundingClientRect(); return [r.width, r.height]; }),
    box: [box.left, box.right, root.scrollWidth, root.clientWidth],
    column: [column.left, column.right],
    panels: svgs.map(s => s.getBoundingClientRect())
      .map(r => [r.left, r.top, r.right, r.bottom]),
    // how far the drawn lines reach beyond their panel, in panel sizes (0: inside)
    far: Math.max(0, ...[...root.querySelectorAll('svg polyline')].map(line => {
      const vb = line.closest('svg').viewBox.baseVal;
      return Math.max(...line.getAttribute('points').trim().split(/\\s+/).map(xy => {
        const [x, y] = xy.split(',').map(Number);
        return Math.max(-x / vb.width, x / vb.width - 1, -y / vb.height, y / vb.height - 1);
      }));
    })),
  };
}"""

# Every slider to its last value (large steps: runs diverge), redrawn.
LAST = """(root) => { for (const input of root.querySelectorAll('input[type=range]')) {
  input.value = input.max; input.dispatchEvent(new Event('input')); } }"""


def rgb(value):
    """(r, g, b, alpha) of a computed CSS colour: rgb(), rgba() or #hex."""
    if value.startswith("#"):
        value = value[1:]
        if len(value) == 3:
            value = "".join(2 * c for c in value)
        return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4)) + (1.0,)
    numbers = [float(n) for n in re.findall(r"[\d.]+", value)]
    assert value.startswith("rgb") and len(numbers) in (3, 4), f"not a colour: {value!r}"
    return tuple(numbers[:3]) + (numbers[3] if len(numbers) == 4 else 1.0,)


def contrast(fg, bg):
    """WCAG 2.1 contrast ratio of a computed colour on an opaque background."""
    fg, bg = rgb(fg), rgb(bg)
    alpha = fg[3]
    shown = [alpha * f + (1 - alpha) * b for f, b in zip(fg[:3], bg[:3], strict=True)]
    return contrast_of(np.array(shown) / 255, np.array(bg[:3]) / 255)


def explorer_pages():
    return sorted(
        str(path.relative_to(HTML))
        for path in (HTML / "book").glob("*.html")
        if "optlib-explorer" in path.read_text()
    )


def thumb_disc(page, handle, color):
    """Width and height in CSS px of the slider thumb as drawn: the pixels of the
    thumb's colour in a screenshot of the first slider."""
    from PIL import Image

    handle.scroll_into_view_if_needed()
    shot = Image.open(io.BytesIO(handle.screenshot())).convert("RGB")
    pixels = np.asarray(shot, dtype=float)
    mask = (np.abs(pixels - np.array(rgb(color)[:3])) <= 16).all(axis=-1)
    if not mask.any():
        return 0, 0
    ys, xs = np.nonzero(mask)
    return xs.max() - xs.min() + 1, ys.max() - ys.min() + 1


def focus_ring(page, handle):
    """The focus ring of a slider focused from the keyboard: colour, width, style."""
    handle.focus()
    page.keyboard.press("Shift")  # a key press: the focus is the keyboard's (:focus-visible)
    return page.evaluate(
        """(input) => { const s = getComputedStyle(input);
        return {visible: input.matches(':focus-visible'), color: s.outlineColor,
                width: parseFloat(s.outlineWidth), style: s.outlineStyle}; }""",
        handle,
    )


@pytest.fixture(scope="module")
def measured(browser, site):
    """{(page, state): [measurements per explorer]} for states light, dark, light-last
    (every slider at its last value), dark-last and phone (390 px, light)."""
    pages = explorer_pages()
    assert pages, "no page of the site holds an explorer"
    found = {}
    ahead = start_page(browser, f"{site}/{pages[0]}")  # the next page loads while one is measured
    for k, name in enumerate(pages):
        (page, _, errors, _), ahead = (
            ahead,
            start_page(browser, f"{site}/{pages[k + 1]}") if k + 1 < len(pages) else None,
        )
        settle(page)
        roots = page.query_selector_all(".optlib-explorer")
        for mode in ("light", "dark"):
            page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")
            page.wait_for_timeout(200)
            found[name, mode] = [page.evaluate(MEASURE, root) for root in roots]
            for root, m in zip(roots, found[name, mode], strict=True):
                slider = root.query_selector("input[type=range]")
                m["focus"] = focus_ring(page, slider)
                m["disc"] = thumb_disc(page, slider, m["thumb"]) if m["thumb"] else (0, 0)
        page.reload(wait_until="networkidle")
        roots = page.query_selector_all(".optlib-explorer")
        for root in roots:
            page.evaluate(LAST, root)
        for mode in ("light", "dark"):
            page.evaluate(f"document.documentElement.dataset.theme = '{mode}'")
            page.wait_for_timeout(200)
            found[name, f"{mode}-last"] = [page.evaluate(MEASURE, root) for root in roots]
        page.evaluate("document.documentElement.dataset.theme = 'light'")
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(400)
        found[name, "phone"] = [page.evaluate(MEASURE, root) for root in roots]
        page.close()
        assert not errors, f"{name}: {errors}"
    return found


def test_explorers_follow_the_theme_into_dark_mode(measured):
    """In dark mode an explorer's panel is the page's dark background, not a white card."""
    for (name, state), explorers in measured.items():
        for m in explorers:
            assert m["pageBackground"], f"{name}: the theme's variables are missing"
            assert rgb(m["background"])[3] == 1, f"{name}: the panel is transparent"
            assert rgb(m["background"])[:3] == rgb(m["pageBackground"])[:3], (
                f"{name} ({state}): the explorer is {m['background']} on a page of "
                f"{m['pageBackground']}"
            )
        if state == "dark":
            assert all(
                luminance(np.array(rgb(m["background"])[:3]) / 255) < 0.05 for m in explorers
            ), name
            # and the same layout: panels side by side in light mode stay so
            for light, dark in zip(measured[name, "light"], explorers, strict=True):
                rows = [len({round(panel[1]) for panel in m["panels"]}) for m in (light, dark)]
                assert rows[0] == rows[1], f"{name}: panels in {rows} rows in light, dark mode"


def test_text_lines_and_controls_contrast_with_the_panel(measured):
    """Text (title, labels, values, readout, ticks, legends, 'diverged at step N')
    >= 4.5:1; series lines, axes, the marks of divergence, the slider thumb and the
    focus ring >= 3:1, in light and dark mode, at the default and at the last setting."""
    seen_divergence = False
    for (name, state), explorers in measured.items():
        for m in explorers:
            bg = m["background"]
            where = f"{name} ({state})"
            for item in m["html"]:
                assert contrast(item["color"], bg) >= 4.5, (where, item)
            for t in m["texts"]:
                need = 3.0 if t["mark"] else 4.5
                assert contrast(t["fill"], bg) >= need, (where, t["text"], t["fill"], bg)
                seen_divergence |= t["text"].startswith("diverged at step")
            for stroke in m["series"] + m["axes"]:
                assert contrast(stroke, bg) >= 3.0, (where, stroke, bg)
            assert m["series"], f"{where}: no series drawn"
            if "focus" in m:
                assert contrast(m["thumb"], bg) >= 3.0, (where, "thumb", m["thumb"], bg)
                ring = m["focus"]
                assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, where
                assert contrast(ring["color"], bg) >= 3.0, (where, "focus ring", ring, bg)
    assert seen_divergence, "no explorer showed a divergence: the note was never checked"


def test_series_differ_in_line_style(measured):
    """Series drawn in different colours differ in dash pattern too (and their legend
    samples show it)."""
    compared = 0
    for (name, state), explorers in measured.items():
        for m in explorers:
            assert m["series"], f"{name} ({state}): no series drawn"
            styles = dict(zip(m["series"], m["dashed"], strict=True))
            assert len(set(styles.values())) == len(styles), (name, state, styles)
            compared += len(styles) > 1
    assert compared, "no explorer draws two series: their line styles were never compared"


def test_sliders_are_touch_targets(measured):
    """Range inputs 44 px tall (24 at least on a phone) with a thumb >= 24 px (its
    coloured disc >= 20 px inside a ring in the panel's colour)."""
    for (name, state), explorers in measured.items():
        for m in explorers:
            for width, height in m["inputs"]:
                assert height >= (24 if state == "phone" else 44), (name, state, height)
                assert width >= 100, (name, state, width)
            if "disc" in m:
                assert min(m["disc"]) >= 20, (name, state, "thumb", m["disc"])


def test_explorers_fit_a_phone(measured):
    """At 390 px each explorer fits its column (no sideways scroll), its panels stack,
    and the SVG text is drawn at 11 CSS px or more."""
    for name, _ in [key for key in measured if key[1] == "phone"]:
        for m in measured[name, "phone"]:
            left, right, scroll, client = m["box"]
            assert m["column"][0] - 0.5 <= left and right <= m["column"][1] + 0.5, (name, m["box"])
            assert scroll <= client, f"{name}: the explorer scrolls sideways"
            for panel in m["panels"]:
                assert left <= panel[0] and panel[2] <= right + 0.5, (name, panel, m["box"])
            for above, below in zip(m["panels"], m["panels"][1:], strict=False):
                assert below[1] >= above[3], f"{name}: panels side by side at 390 px"
            for t in m["texts"]:
                assert t["px"] >= 11, (name, t["text"], t["px"])
                if not t["rotated"]:
                    assert t["height"] >= 11, (name, t["text"], t["height"])


def test_lines_stay_near_their_panel(measured):
    """A run that escapes far beyond the plot (the saddle's) is drawn only up to a box
    three times its panel: points millions of pixels away changed nothing on screen but
    made axe-core build a grid over them and never finish."""
    for (name, state), explorers in measured.items():
        for m in explorers:
            assert m["far"] <= 1 + 1e-6, (name, state, m["far"])
