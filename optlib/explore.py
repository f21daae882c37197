"""Explorers: one declaration, live sliders in Jupyter, precomputed sliders on the web.

Status: ready.

A chapter declares an experiment once: its sliders (a name, the equation's
symbol, a modest grid of values), a ``compute`` function, and the panels to
draw. ``compute`` receives every slider as a ``(K, 1)`` array and returns a dict
of arrays whose first axis is K, so a whole grid runs in one vectorised
``optlib.run`` call::

    import numpy as np, optlib
    from optlib.explore import Explorer, Slider, curves, paths

    problem = optlib.problems.rosenbrock()

    def compute(lr, beta1):
        x0 = np.tile(problem.x0, (len(lr), 1))
        record = optlib.run(optlib.adam(lr=lr, beta1=beta1), problem, 300, x0=x0)
        return {"path": record.params.swapaxes(0, 1), "loss": record.losses.T}

    Explorer(
        sliders=[Slider("lr", r"\\eta", np.geomspace(1e-3, 0.3, 11), default=0.03),
                 Slider("beta1", r"\\beta_1", [0.0, 0.5, 0.9, 0.99], default=0.9)],
        compute=compute,
        panels=[paths(problem, ["path"], ["Adam"]),
                curves(["loss"], ["Adam"], ylabel="loss", logy=True)],
        title="Adam on the Rosenbrock valley",
    )

Displayed in a notebook it is ONE output with two renderings: an ipywidgets
view (``SelectionSlider`` per slider; the kernel draws each setting's figure from
the grid once, then switches pictures while a slider moves) that Jupyter shows, and a
self-contained HTML view (the grid's results embedded as float32 data, drawn as SVG by inline
JavaScript, ``<input type=range>`` sliders) that the book's site shows, since
``_config.yml`` ranks ``text/html`` above the widget MIME type. Nothing is loaded
from another host. Runs that diverged (NaN, as ``optlib.run`` records them) are
drawn up to the divergence and marked "diverged at step k".
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import html
import itertools
import json
import math
import os
import re
import struct
import textwrap
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from optlib import plotting

__all__ = ["Slider", "Panel", "paths", "curves", "Explorer"]

MAX_BYTES = 1_500_000  # refuse to embed more than this per explorer
_JS = (Path(__file__).with_name("explore.js")).read_text()

# How a slider's TeX symbol reads on the web, where labels are plain text.
_UNICODE = {
    r"\eta": "η",
    r"\beta_1": "β₁",
    r"\beta_2": "β₂",
    r"\beta": "β",
    r"\rho": "ρ",
    r"\epsilon": "ε",
    r"\psi": "ψ",
    r"\kappa": "κ",
    r"\omega": "ω",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\gamma": "γ",
    r"\tau": "τ",
    r"\zeta": "ζ",
    r"\sigma": "σ",
    r"\delta": "δ",
    r"\eta_{\max}": "η_max",
    r"\eta_{\min}": "η_min",
    r"\log_{10}\eta": "log₁₀ η",
}


def _fmt(value):
    """A slider value as shown: exact to 6 significant digits, without trailing zeros
    (0.9999 stays 0.9999, 1024 stays 1024), in e-notation below 1e-3 and from 1e5.
    The web view's ``fmt`` (explore.js) writes the same strings."""
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 1e5 or abs(value) < 1e-3:
        mantissa, exponent = f"{value:.5e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{value:.6g}"


@dataclass(frozen=True)
class Slider:
    """One control: ``name`` is the keyword given to ``compute``; ``symbol`` the TeX
    symbol of the equation it sets (e.g. ``r"\\eta"``); ``values`` the grid the
    web view precomputes; ``default`` one of them (the middle one if omitted)."""

    name: str
    symbol: str
    values: tuple
    default: float | None = None
    text: str | None = None  # the plain-text label on the web; derived from symbol

    def __post_init__(self):
        values = tuple(float(v) for v in np.ravel(self.values))
        if not values:
            raise ValueError(f"values of slider {self.name!r} must hold at least one number")
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"values of slider {self.name!r} must be finite numbers")
        object.__setattr__(self, "values", values)
        default = values[len(values) // 2] if self.default is None else float(self.default)
        if not any(math.isclose(default, v, rel_tol=1e-9, abs_tol=1e-15) for v in values):
            raise ValueError(
                f"default of slider {self.name!r} must be one of its values "
                f"{[_fmt(v) for v in values]}, got {self.default!r}"
            )
        object.__setattr__(self, "default", default)
        if self.text is None:
            object.__setattr__(self, "text", _UNICODE.get(self.symbol, self.symbol))

    @property
    def default_index(self):
        return int(np.argmin(np.abs(np.array(self.values) - self.default)))


class Panel(NamedTuple):
    """What one panel draws; build it with :func:`paths` or :func:`curves`."""

    kind: str
    keys: tuple
    labels: tuple
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    logy: bool = False
    problem: object = None
    x: object = None
    ylim: object = None


def paths(problem, keys, labels=None, title="", bounds=None):
    """2-D trajectories over the problem's contours. Each key's data has shape
    ``(K, steps + 1, 2)`` (``record.params.swapaxes(0, 1)``). ``bounds``
    (``((x0, x1), (y0, y1))``) zooms in on part of the problem's plotting box."""
    if bounds is not None:
        problem = dataclasses.replace(problem, bounds=tuple(tuple(map(float, b)) for b in bounds))
    if problem.bounds is None:
        raise ValueError(
            f"problem {problem.name!r} has no plotting bounds: paths need a 2-D problem"
        )
    keys = tuple(keys)
    return Panel(
        "paths", keys, tuple(labels or [""] * len(keys)), title, "θ₁", "θ₂", problem=problem
    )


def curves(keys, labels=None, xlabel="step t", ylabel="", logy=False, title="", x=None, ylim=None):
    """Curves over the steps (or over ``x``). Each key's data has shape ``(K, T)``.
    ``ylim`` fixes the vertical range (otherwise the whole grid's, see ``Explorer.ylim``)."""
    keys = tuple(keys)
    return Panel(
        "curves",
        keys,
        tuple(labels or [""] * len(keys)),
        title,
        xlabel,
        ylabel,
        bool(logy),
        x=None if x is None else np.asarray(x, dtype=float),
        ylim=ylim,
    )


class Explorer:
    """An experiment with sliders: computed over the grid in one batch, checked against
    live runs, drawn by the kernel in Jupyter and by inline JavaScript on the web.

    ``readout`` (optional) maps one setting's data (a dict of arrays without the
    K axis) to a line of text shown under the panels, e.g. the final loss.
    ``max_points`` caps the points per curve embedded in the web view.
    """

    def __init__(self, sliders, compute: Callable, panels, title="", readout=None, max_points=120):
        self.sliders = list(sliders)
        if not self.sliders or not all(isinstance(s, Slider) for s in self.sliders):
            raise ValueError("sliders must be a non-empty list of Slider")
        names = [s.name for s in self.sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"sliders must have distinct names, got {names}")
        self.panels = list(panels)
        if not self.panels or not all(isinstance(p, Panel) for p in self.panels):
            raise ValueError("panels must be a non-empty list of paths(...) or curves(...)")
        if not callable(compute):
            raise ValueError("compute must be a function of the sliders' values")
        if int(max_points) < 2:
            raise ValueError(f"max_points must be >= 2, got {max_points!r}")
        self.compute, self.title, self.readout = compute, title, readout
        self.max_points = int(max_points)
        self.shape = tuple(len(s.values) for s in self.sliders)
        self.grid = np.array(list(itertools.product(*[range(n) for n in self.shape])))
        self.data = self._run(
            {
                s.name: np.array(s.values)[self.grid[:, i]][:, None]
                for i, s in enumerate(self.sliders)
            },
            len(self.grid),
        )
        self.check_live()

    # -- the data side -----------------------------------------------------------
    def _run(self, columns, K):
        data = self.compute(**columns)
        if not isinstance(data, dict):
            raise ValueError("compute must return a dict of arrays")
        data = {key: np.asarray(value) for key, value in data.items()}
        for panel in self.panels:
            for key in panel.keys:
                if key not in data:
                    raise ValueError(f"compute returned no {key!r}, which a panel draws")
                if data[key].shape[0] != K:
                    raise ValueError(f"{key!r} has first axis {data[key].shape[0]}, expected K={K}")
        return data

    def index(self, **values):
        """The grid row of a setting given as slider values."""
        flat = 0
        for slider, n in zip(self.sliders, self.shape, strict=True):
            value = values.get(slider.name, slider.default)
            hits = [i for i, v in enumerate(slider.values) if math.isclose(v, value, rel_tol=1e-9)]
            if not hits:
                raise ValueError(f"{slider.name} must be one of {slider.values}, got {value!r}")
            flat = flat * n + hits[0]
        return flat

    def setting(self, **values):
        """The precomputed data of one setting (defaults for sliders not given)."""
        return self._row(self.index(**values))

    def _row(self, k):
        """The data of grid row ``k`` (a setting's arrays without the K axis)."""
        return {key: value[k] for key, value in self.data.items()}

    @functools.cached_property
    def _readouts(self):
        """The readout line of every grid row (both views show these)."""
        return [self.readout(self._row(k)) if self.readout else "" for k in range(len(self.grid))]

    def live(self, **values):
        """Compute one setting afresh (K = 1): what ``check_live`` compares the grid with."""
        columns = {s.name: np.array([[float(values.get(s.name, s.default))]]) for s in self.sliders}
        return {key: value[0] for key, value in self._run(columns, 1).items()}

    def check_live(self, points=None):
        """Check that the precomputed grid (the web view) equals live runs (the Jupyter
        view) at grid points: the default setting and ``points`` others drawn at random
        (all of them if the grid is smaller). The environment variable
        ``OPTBOOK_EXPLORER_POINTS`` sets the number (the test suite sets 64; 3 otherwise).
        A compute whose rows depend on their position in the grid (a seed per row, say)
        fails here."""
        if points is None:
            points = int(os.environ.get("OPTBOOK_EXPLORER_POINTS", "3"))
        rng = np.random.default_rng(0)
        others = rng.permutation(len(self.grid))[:points]
        for k in [self.index(), *others]:
            values = {s.name: s.values[i] for s, i in zip(self.sliders, self.grid[k], strict=True)}
            live = self.live(**values)
            for key, value in self.data.items():
                if not np.allclose(value[k], live[key], rtol=1e-9, atol=0, equal_nan=True):
                    raise AssertionError(
                        f"explorer {self.title!r}: the precomputed {key!r} at {values} differs "
                        "from a live run of that setting (the web and Jupyter views disagree)"
                    )

    # -- the matplotlib view (Jupyter) -------------------------------------------
    def ylim(self, panel):
        """The vertical range of a curves panel: ``panel.ylim``, or the range of the
        whole grid (runs that diverged left out), so the axes stay put while the
        sliders move. Both views use it."""
        if panel.ylim is not None:
            return tuple(float(v) for v in panel.ylim)
        rows = np.concatenate([self.data[k].reshape(len(self.grid), -1) for k in panel.keys], 1)
        diverged = [[plotting.first_nan(row) >= 0 for row in self.data[k]] for k in panel.keys]
        kept = ~np.any(diverged, axis=0)
        values = rows[kept] if kept.any() else rows
        values = values[np.isfinite(values) & ((values > 0) if panel.logy else True)]
        if values.size == 0:
            return (1e-3, 1.0) if panel.logy else (0.0, 1.0)
        lo, hi = float(values.min()), float(values.max())
        if panel.logy:
            lo = max(lo, hi * 1e-18)  # a run that reaches 1e-300 need not flatten the rest
            return (lo / 2, hi * 2) if lo == hi else (lo / 1.5, hi * 1.5)
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        return (lo - pad, hi + pad)

    def figure(self, setting):
        """A matplotlib figure of one setting's data, in the book's style."""
        drawing = _Drawing(self)
        drawing.draw(setting)
        return drawing.fig

    def widget(self):
        """Live ipywidgets controls that switch the figure while a slider moves.

        Every setting's data layer is drawn once, when the explorer is shown (a few
        milliseconds each, from the grid: the data the web view draws, checked against
        live runs by ``check_live``), so a slider move only sends a picture. ipywidgets
        holds back new values until the kernel has answered the last one, so a fast drag
        never queues work."""
        import ipywidgets as widgets

        controls = [
            widgets.SelectionSlider(
                options=[(_fmt(v), v) for v in s.values],
                value=s.values[s.default_index],
                description=rf"\({s.symbol}\)" if _is_maths(s.symbol) else s.text,
                continuous_update=True,
                style={"description_width": "initial"},
            )
            for s in self.sliders
        ]
        drawing = _Drawing(self)
        frames = [drawing.layer(self._row(k)) for k in range(len(self.grid))]
        width, height = drawing.css_size
        layer = {"grid_area": "1 / 1", "width": f"{width}px", "max_width": "100%"}
        background = widgets.Image(
            value=drawing.background, format="png", layout=widgets.Layout(**layer)
        )
        data = widgets.Image(format="png", layout=widgets.Layout(**layer))
        figure = widgets.GridBox([background, data], layout=widgets.Layout(width=f"{width}px"))
        text = widgets.Label()

        def redraw(_change=None):
            k = self.index(**{s.name: c.value for s, c in zip(self.sliders, controls, strict=True)})
            data.value, text.value = frames[k], self._readouts[k]

        for control in controls:
            control.observe(redraw, names="value")
        redraw()
        return widgets.VBox([widgets.HBox(controls), figure, text])

    # -- the web view (the book's site) ------------------------------------------
    def _spec(self):
        stride = max(1, math.ceil(max(self._length(p) for p in self.panels) / self.max_points))
        keys = sorted({k for p in self.panels for k in p.keys})
        data, diverged = {}, {}
        for key in keys:
            full = self.data[key]
            diverged[key] = [plotting.first_nan(full[k]) for k in range(len(full))]
            small = np.ascontiguousarray(full[:, ::stride], dtype=np.float32)
            data[key] = {
                "shape": list(small.shape),
                "b64": base64.b64encode(small.tobytes()).decode("ascii"),
            }
        panels = []
        for p in self.panels:
            entry = {
                "kind": p.kind,
                "keys": list(p.keys),
                "labels": list(p.labels),
                "title": p.title,
                "xlabel": p.xlabel,
                "ylabel": p.ylabel,
                "logy": p.logy,
                "stride": stride,
                # series j: the palette's colour (a CSS variable) and dash pattern
                "colors": [j % len(plotting.COLORS) for j in range(len(p.keys))],
                "dashes": [plotting.DASHES[j % len(plotting.DASHES)] for j in range(len(p.keys))],
            }
            if p.kind == "paths":
                entry["contours"] = [
                    np.round(seg[:: max(1, len(seg) // 60)], 3).tolist()
                    for seg in plotting.contour_lines(p.problem)
                ]
                entry["xlim"], entry["ylim"] = list(p.problem.bounds[0]), list(p.problem.bounds[1])
                m, (bx, by) = p.problem.minimizer, p.problem.bounds
                inside = m is not None and bx[0] <= m[0] <= bx[1] and by[0] <= m[1] <= by[1]
                entry["minimizer"] = [float(m[0]), float(m[1])] if inside else None
            else:
                entry["ylim"] = list(self.ylim(p))
                if p.x is not None:
                    entry["x"] = p.x[::stride].tolist()
            panels.append(entry)
        readout = self._readouts if self.readout else None
        return {
            "sliders": [{"name": s.name, "values": list(s.values)} for s in self.sliders],
            "shape": list(self.shape),
            "panels": panels,
            "data": data,
            "diverged": diverged,
            "readout": readout,
        }

    def _length(self, panel):
        return max(self.data[k].shape[1] for k in panel.keys)

    def html(self):
        """The self-contained web view: data, sliders and drawing code in one block."""
        spec = json.dumps(self._spec(), separators=(",", ":"), allow_nan=False).replace(
            "</", "<\\/"
        )
        if len(spec) > MAX_BYTES:
            raise ValueError(
                f"the explorer embeds {len(spec)} bytes (> {MAX_BYTES}): use fewer "
                "slider values, fewer steps or a smaller max_points"
            )
        ident = f"ox-{uuid.uuid4().hex[:12]}"
        controls = "".join(
            f"<label>{_label(s)} = "
            f'<input type="range" min="0" max="{len(s.values) - 1}" step="1" '
            f'value="{s.default_index}" aria-label="{html.escape(s.text)}" '
            f'aria-valuetext="{_fmt(s.default)}">'
            f"<output>{_fmt(s.default)}</output></label>"
            for s in self.sliders
        )
        title = f'<div class="ox-title">{html.escape(self.title)}</div>' if self.title else ""
        script = _JS.replace("__ID__", ident).replace("__SPEC__", spec)
        return (
            f'<div class="optlib-explorer" id="{ident}" role="group" '
            f'aria-label="{html.escape(self.title or "explorer")}">{_CSS}{title}'
            f'<div class="ox-controls">{controls}</div><div class="ox-panels"></div>'
            f'<div class="ox-readout" aria-live="polite"></div>'
            "<noscript>This explorer needs JavaScript to draw.</noscript></div>"
            f"<script>{script}</script>"
        )

    @property
    def nbytes(self):
        """Size in bytes of the web view (what one page embeds for this explorer)."""
        return len(self.html().encode())

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/html"] = self.html()
        bundle["text/plain"] = f"<Explorer: {', '.join(s.name for s in self.sliders)}>"
        return bundle


# The web view's colours come from the page's theme (pydata-sphinx-theme's variables,
# so an explorer follows the site into dark mode) with light fallbacks where there is
# no such theme (JupyterLab, a plain HTML export). Series colours are the book's palette.
_THEME = {
    "--ox-bg": ("--pst-color-background", plotting.BACKGROUNDS["light"]),
    "--ox-fg": ("--pst-color-text-base", "#222832"),  # text, 15:1 on white
    "--ox-muted": ("--pst-color-text-muted", "#48566b"),  # axes and slider tracks, 7.5:1
    "--ox-border": ("--pst-color-border", "#d1d5da"),  # the card's edge (decoration)
    "--ox-thumb": ("--pst-color-primary", "#0a7d91"),  # slider thumbs, 4.9:1
    "--ox-focus": ("--pst-color-accent", "#c132af"),  # the focus ring, 4.9:1
}
_RANGE = ".optlib-explorer input[type=range]"
_CSS = (
    "<style>.optlib-explorer{"
    + "".join(f"{name}:var({theme},{fallback});" for name, (theme, fallback) in _THEME.items())
    + "".join(f"--ox-c{i}:{c};" for i, c in enumerate(plotting.COLORS))
    + "background:var(--ox-bg);color:var(--ox-fg);border:1px solid var(--ox-border);"
    "border-radius:6px;padding:8px 10px;margin:1em 0;font-family:system-ui,sans-serif;"
    "max-width:100%;box-sizing:border-box}"
    ".optlib-explorer .ox-title{font-weight:600;margin-bottom:6px}"
    ".optlib-explorer .ox-controls{display:flex;flex-wrap:wrap;gap:0 22px;margin-bottom:4px}"
    ".optlib-explorer label{display:flex;align-items:center;gap:8px;font-size:15px;"
    "flex:0 1 auto;min-width:0}"
    ".optlib-explorer .ox-symbol{white-space:nowrap}"
    ".optlib-explorer output{min-width:3.5em;font-variant-numeric:tabular-nums}"
    # touch targets: the whole 44-px row takes a tap; the thumb is 26 px
    f"{_RANGE}{{-webkit-appearance:none;appearance:none;background:transparent;height:44px;"
    "width:170px;min-width:100px;flex:0 1 170px;margin:0;padding:0 2px;cursor:pointer}"
    f"{_RANGE}::-webkit-slider-runnable-track{{height:4px;border-radius:2px;"
    "background:var(--ox-muted)}"
    f"{_RANGE}::-moz-range-track{{height:4px;border-radius:2px;background:var(--ox-muted)}}"
    f"{_RANGE}::-webkit-slider-thumb{{-webkit-appearance:none;appearance:none;box-sizing:"
    "border-box;width:26px;height:26px;margin-top:-11px;border-radius:50%;"
    "background:var(--ox-thumb);border:2px solid var(--ox-bg)}"
    f"{_RANGE}::-moz-range-thumb{{box-sizing:border-box;width:26px;height:26px;"
    "border-radius:50%;background:var(--ox-thumb);border:2px solid var(--ox-bg)}"
    f"{_RANGE}:focus{{outline:none}}"
    f"{_RANGE}:focus-visible{{outline:3px solid var(--ox-focus);outline-offset:1px;"
    "border-radius:4px}"
    ".optlib-explorer .ox-panels{display:flex;flex-wrap:wrap;gap:4px 6px;"
    "align-items:flex-start}"
    ".optlib-explorer svg{max-width:100%;height:auto;overflow:visible}"
    ".optlib-explorer svg text{fill:var(--ox-fg)}"
    ".optlib-explorer svg .ox-axis{stroke:var(--ox-muted)}"
    # contours are the map, not data: the muted colour, faded
    ".optlib-explorer svg .ox-contour{stroke:var(--ox-muted);stroke-opacity:.45;fill:none}"
    ".optlib-explorer svg .ox-series{stroke:var(--c);fill:none}"
    ".optlib-explorer svg .ox-mark{fill:var(--c)}"
    # a halo in the panel's colour keeps a note legible over lines and contours
    ".optlib-explorer svg .ox-note{paint-order:stroke;stroke:var(--ox-bg);stroke-width:3px;"
    "stroke-linejoin:round}"
    ".optlib-explorer .ox-readout{font-size:14px;min-height:1.3em}</style>"
)


def _label(slider):
    """A slider's symbol on the web: TeX for MathJax to typeset (as JupyterLab shows
    it; a notebook's page ignores maths outside classes like ``mathjax_process``), or
    plain words; the range input's aria-label is the plain text."""
    if _is_maths(slider.symbol):
        tex = html.escape(rf"\({slider.symbol}\)")
        return f'<span class="ox-symbol mathjax_process">{tex}</span>'
    return f'<span class="ox-symbol">{html.escape(slider.text)}</span>'


def _is_maths(symbol):
    """Whether a slider's symbol is TeX (typeset as maths) or words (shown as text)."""
    one_letter = re.fullmatch(r"\w([_^](\w|\{[^}]*\}))?", symbol)
    return "\\" in symbol or bool(one_letter) or len(symbol) <= 2


class _Drawing:
    """The Jupyter view's figure in two layers, at twice the screen's pixel density.

    Everything that does not depend on the sliders (axes, labels, contours, legends)
    is drawn once into ``background``; a slider move draws only the data, over a
    transparent copy of the same canvas (matplotlib's blitting), and the browser lays
    that ``layer`` over the background. The layout is computed once, for the default
    setting, then frozen, so the background never goes stale.
    """

    SCALE = 2  # pixels per CSS pixel: sharp on high-density screens

    def __init__(self, explorer, dpi=96):
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.panels = explorer.panels
        fig, axes = plotting.figure(
            ncols=len(self.panels), width=3.6, height=3.0, squeeze=False, dpi=dpi * self.SCALE
        )
        plt.close(fig)  # shown through the widget only, never by pyplot
        self.fig, self.axes, self.canvas = fig, axes.ravel(), FigureCanvasAgg(fig)
        for ax, panel in zip(self.axes, self.panels, strict=True):
            if panel.kind == "paths":
                plotting.contour(ax, panel.problem)
                limits = panel.problem.bounds
            else:
                length = max(explorer.data[k].shape[1] for k in panel.keys)
                x = np.arange(length) if panel.x is None else panel.x
                limits = ((float(x[0]), float(x[-1])), explorer.ylim(panel))
                ax.set_yscale("log" if panel.logy else "linear")
                ax.set(xlabel=panel.xlabel, ylabel=panel.ylabel)
            ax.set(xlim=limits[0], ylim=limits[1])  # fixed: no autoscaling when data change
            ax.set_title(panel.title, fontsize=10)
        if explorer.title:  # wrapped to the figure's width (about 9 characters an inch)
            width = int(fig.get_figwidth() * 9)
            fig.suptitle(textwrap.fill(explorer.title, width), fontsize=11)
        # lay out (labels inside the image) and place the legends for the default setting
        self.artists = []
        self.draw(explorer.setting(), legend=True)
        self.canvas.draw()
        fig.set_layout_engine("none")
        for ax in self.axes:
            if ax.get_legend() is not None:
                box = ax.get_legend().get_window_extent().transformed(ax.transAxes.inverted())
                ax.get_legend().set_loc((box.x0, box.y0))  # "best" no longer moves
        for artist in self.artists:
            if artist is not getattr(artist.axes, "legend_", None):
                artist.remove()
        self.artists = []
        self.canvas.draw()
        self.background = self._png()
        # the same canvas with nothing but transparency, to draw the data on
        static = [a for ax in self.axes for a in ax.get_children()] + [fig.patch, *fig.texts]
        shown = [a.get_visible() for a in static]
        for a in static:
            a.set_visible(False)
        self.canvas.draw()
        self.blank = self.canvas.copy_from_bbox(fig.bbox)
        for a, visible in zip(static, shown, strict=True):
            a.set_visible(visible)

    @property
    def css_size(self):
        """The figure's size on screen, in CSS pixels."""
        width, height = self.canvas.get_width_height()
        return width // self.SCALE, height // self.SCALE

    def draw(self, setting, legend=False):
        """Replace the data artists by those of ``setting`` (drawn by ``layer``/savefig)."""
        for artist in self.artists:
            artist.remove()
        self.artists = []
        for ax, panel in zip(self.axes, self.panels, strict=True):
            before = set(ax.get_children())
            data, labels = [setting[k] for k in panel.keys], list(panel.labels)
            if panel.kind == "paths":
                plotting.plot_paths(ax, data, labels, legend=legend)
            else:
                plotting.plot_curves(
                    ax,
                    data,
                    labels,
                    x=panel.x,
                    logy=panel.logy,
                    xlabel=panel.xlabel,
                    ylabel=panel.ylabel,
                    legend=legend,
                )
            self.artists += [a for a in ax.get_children() if a not in before]

    def layer(self, setting):
        """The data of ``setting`` as a PNG with a transparent background."""
        self.draw(setting)
        self.canvas.restore_region(self.blank)
        for artist in self.artists:
            artist.axes.draw_artist(artist)
        return self._png()

    def _png(self):
        """The canvas as a PNG: unfiltered rows, fast zlib (the data layer is mostly
        transparent, which this compresses at several times PIL's speed)."""
        width, height = self.canvas.get_width_height()
        rows = np.zeros((height, 4 * width + 1), np.uint8)  # a 0 byte per row: no filter
        rows[:, 1:] = np.asarray(self.canvas.buffer_rgba()).reshape(height, -1)
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
        return b"\x89PNG\r\n\x1a\n" + b"".join(
            _chunk(kind, data)
            for kind, data in [
                (b"IHDR", header),
                (b"IDAT", zlib.compress(rows.tobytes(), 1)),
                (b"IEND", b""),
            ]
        )


def _chunk(kind, data):
    """One PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
