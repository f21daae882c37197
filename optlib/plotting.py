"""Figures for the book: one style, contours from the problem, divergence marked.

Drawing only; the maths lives in the optimizer modules. Matplotlib is imported
here and in :mod:`optlib.explore`, never by the core of optlib.

    from optlib import plotting
    fig, ax = plotting.figure()
    plotting.contour(ax, problem)
    plotting.plot_paths(ax, [record.params], ["Adam"])
"""

from __future__ import annotations

import math
import re

import contourpy
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection

__all__ = [
    "COLORS",
    "DASHES",
    "color",
    "linestyle",
    "figure",
    "contour_lines",
    "contour",
    "plot_paths",
    "plot_curves",
    "small_multiples",
    "jshtml",
    "first_nan",
    "first_finite",
]

# One palette for the book, shared with the explorers' web view. Okabe & Ito's
# colour-blind-safe hues (Wong, Nature Methods 8, 441, 2011), in the order where the
# first pairs differ most, each at least 3:1 against a white panel AND against the
# site's dark background (WCAG 2.1, 1.4.11; tests/test_plotting.py): blue, vermillion
# and bluish green as published; reddish purple slightly darker (#CC79A7 is 3.06:1 on
# white), sky blue darker (#56B4E9 is 2.3:1) and grey for black (1.2:1 on the dark
# page). Orange and yellow are left out: darkened to 3:1 on white they read as
# vermillion and olive to red-green colour-blind readers. Under simulated protanopia,
# deuteranopia and tritanopia (Machado et al. 2009) every pair stays >= 10 apart in CIELAB.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#C4709F", "#3A8FC2", "#777777"]
# A dash pattern per series, in line widths, so no series is told apart by colour
# alone (series i: COLORS[i % 6], DASHES[i % 10]; ten series all differ in dash).
DASHES = [
    None,  # solid
    (4, 2),  # dashed
    (1, 1.6),  # dotted
    (6, 2, 1, 2),  # dash-dot
    (10, 3),  # long dashes
    (6, 2, 1, 2, 1, 2),  # dash-dot-dot
    (1, 4),  # sparse dots
    (10, 2, 3, 2),  # long-short
    (4, 2, 4, 2, 1, 2),  # dash-dash-dot
    (3, 1.5, 1, 1.5, 1, 1.5),  # dash-dot-dot, short
]
# The panel backgrounds the palette is checked against: the book's figures and the
# light theme are white; the dark one is the site's --pst-color-background in dark mode
# (sphinx-book-theme's; pydata-sphinx-theme's own #14181e is checked too).
BACKGROUNDS = {"light": "#ffffff", "dark": "#121212"}
CONTOUR_COLOR = "#b8b8b8"
FONT_MIN = 9  # points: no text of a figure is smaller at the figure's own size


def color(i, colors=None):
    """The colour of series ``i`` (of ``colors`` if given, else the book's palette)."""
    colors = colors or COLORS
    return colors[i % len(colors)]


def linestyle(i):
    """The line style of series ``i``: solid, then one dash pattern each (matplotlib's
    ``(offset, pattern)``, scaled by the line width)."""
    dashes = DASHES[i % len(DASHES)]
    return "-" if dashes is None else (0, dashes)


_CYCLE = math.lcm(len(COLORS), len(DASHES))
STYLE = {
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": plt.cycler(
        color=[color(i) for i in range(_CYCLE)], linestyle=[linestyle(i) for i in range(_CYCLE)]
    ),
    "font.size": 10,
    "legend.frameon": False,
    "legend.fontsize": FONT_MIN,
    "legend.handlelength": 3.0,  # long enough to show a dash pattern (and in plot_*)
}


def figure(ncols=1, nrows=1, width=4.2, height=3.4, layout="constrained", **kwargs):
    """A figure in the book's style: ``ncols`` panels of ``width`` x ``height`` inches.

    ``layout=None`` skips constrained layout, half the drawing time of a small
    figure, for figures redrawn on every slider move."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(width * ncols, height * nrows), layout=layout, **kwargs
        )
        # the first figure switches IPython's inline backend to interactive mode; keep it
        # on when rc_context restores the other settings, or no later figure is shown
        interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)
    for ax in np.atleast_1d(axes).ravel():
        for key in ("top", "right"):
            ax.spines[key].set_visible(False)
    return fig, axes


def contour_lines(problem, levels=14, resolution=120):
    """Contour polylines of a 2-D problem over its plotting box.

    The levels are evenly spaced in ``log(1 + f - f_min)``, so valleys and
    plateaus both show. Returns a list of (n, 2) arrays, the same ones the
    explorers draw on the web.
    """
    (x0, x1), (y0, y1) = problem.bounds
    x, y = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(x, y)
    Z = problem.value(np.stack([X, Y], axis=-1))
    Z = np.log1p(Z - Z.min())
    generator = contourpy.contour_generator(X, Y, Z)
    lines = []
    for level in np.linspace(Z.min(), Z.max(), levels + 2)[1:-1]:
        lines.extend(seg for seg in generator.lines(level) if len(seg) > 1)
    return lines


def contour(ax, problem, levels=14):
    """Draw the problem's contours and its minimiser (if known) on ``ax``."""
    # one collection for all contour lines: far cheaper to draw than a line each
    ax.add_collection(
        LineCollection(
            contour_lines(problem, levels), colors=CONTOUR_COLOR, linewidths=0.7, zorder=0
        )
    )
    if problem.minimizer is not None and len(problem.minimizer) == 2:
        ax.plot(*problem.minimizer, marker="*", color="black", ms=10, ls="none", zorder=3)
    (x0, x1), (y0, y1) = problem.bounds
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=r"$\theta_1$", ylabel=r"$\theta_2$")


def first_nan(values):
    """Index of the first step whose value is not finite after a finite one, or -1:
    where a run diverged.

    ``values`` has the steps on axis 0; any further axes are reduced. A series may
    start undefined (NaN before its first value, as a rate is before the first
    gradient): those leading steps are not a divergence."""
    finite = _finite_steps(values)
    start = _first_true(finite)
    bad = ~finite[start:]
    return start + _first_true(bad) if bad.any() else -1


def first_finite(values):
    """Index of the first step whose value is finite (``len(values)`` if none)."""
    return _first_true(_finite_steps(values))


def _finite_steps(values):
    """Per step (axis 0): whether all of that step's values are finite."""
    return np.isfinite(np.asarray(values).reshape(len(values), -1)).all(axis=1)


def _first_true(flags):
    return int(np.argmax(flags)) if flags.any() else len(flags)


def _mark_divergence(ax, x, y, step, series_color):
    """An x in the series' colour at the last finite point, labelled (in the text
    colour) with the step the run diverged, on the side with room. On axes whose
    limits are fixed (a contour map, an explorer's panel) a point outside them is
    marked at the nearest edge, as the web view does, rather than not at all."""
    fx, fy = ax.transAxes.inverted().transform(ax.transData.transform((x, y)))
    fixed = not (ax.get_autoscalex_on() or ax.get_autoscaley_on())
    if fixed:
        fx, fy = np.clip([fx, fy], 0.03, 0.97)
    xy, coords = ((fx, fy), "axes fraction") if fixed else ((x, y), "data")
    transform = ax.transAxes if fixed else ax.transData
    ax.plot(
        *xy,
        marker="x",
        color=series_color,
        ms=9,
        mew=2,
        ls="none",
        zorder=4,
        transform=transform,
        clip_on=not fixed,
    )
    right, top = fx > 0.6, fy > 0.9
    ax.annotate(
        f"diverged at step {step}",
        xy,
        xycoords=coords,
        xytext=(-6 if right else 6, -6 if top else 4),
        textcoords="offset points",
        ha="right" if right else "left",
        va="top" if top else "bottom",
        fontsize=FONT_MIN,
        # a halo in the panel's colour keeps the note legible over lines and contours
        path_effects=[patheffects.withStroke(linewidth=3, foreground=BACKGROUNDS["light"])],
    )


def plot_paths(ax, paths, labels, colors=None, legend=True):
    """Trajectories ``(steps + 1, 2)`` on ``ax``; a diverged one ends in a marked x.
    Series ``i`` is drawn in ``color(i)`` with ``linestyle(i)``.

    ``paths`` are arrays as ``optlib.run`` records them (NaN after divergence).
    """
    for i, (path, label) in enumerate(zip(paths, labels, strict=True)):
        c = color(i, colors)
        path = np.asarray(path)
        k = first_nan(path)
        good = path[first_finite(path) : None if k < 0 else k]
        if not len(good):
            continue
        ax.plot(good[:, 0], good[:, 1], color=c, ls=linestyle(i), lw=1.4, label=label, zorder=2)
        ax.plot(*good[0], marker="o", color=c, ms=4, ls="none", zorder=3)
        if k >= 0:
            _mark_divergence(ax, *good[-1], k, c)
    if legend and any(labels):
        ax.legend(loc="best", fontsize=FONT_MIN, handlelength=3)


def plot_curves(
    ax, curves, labels, x=None, logy=False, xlabel="step $t$", ylabel="", colors=None, legend=True
):
    """Curves over steps (or over ``x``); a diverged one ends in a marked x. A curve
    that starts undefined (NaN) is drawn from its first finite value. Series ``i`` is
    drawn in ``color(i)`` with ``linestyle(i)``."""
    for i, (y, label) in enumerate(zip(curves, labels, strict=True)):
        c = color(i, colors)
        y = np.asarray(y, dtype=float)
        xs = np.arange(len(y)) if x is None else np.asarray(x)
        k = first_nan(y)
        start, stop = first_finite(y), len(y) if k < 0 else k
        ax.plot(xs[start:stop], y[start:stop], color=c, ls=linestyle(i), lw=1.4, label=label)
        if k >= 0:
            _mark_divergence(ax, xs[stop - 1], y[stop - 1], k, c)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if legend and any(labels):
        ax.legend(loc="best", fontsize=FONT_MIN, handlelength=3)


def small_multiples(values, draw, titles, ncols=4, width=2.8, height=2.5, sharey=True):
    """One small panel per value: ``draw(ax, value)``; the kernel-free view of a sweep."""
    values = list(values)
    nrows = -(-len(values) // ncols)
    fig, axes = figure(
        ncols=min(ncols, len(values)),
        nrows=nrows,
        width=width,
        height=height,
        sharey=sharey,
        squeeze=False,
    )
    for ax, value, title in zip(axes.ravel(), values, titles, strict=False):
        draw(ax, value)
        ax.set_title(title, fontsize=FONT_MIN + 1)
    for ax in axes.ravel()[len(values) :]:
        ax.set_visible(False)
    return fig, axes


def jshtml(animation):
    """``animation.to_jshtml()`` without its Font Awesome stylesheet from a CDN.

    The book's site loads nothing from other hosts; the theme's own icons draw the
    buttons. Closes the animation's figure so it is not shown twice.
    """
    html = animation.to_jshtml()
    plt.close(animation._fig)
    return re.sub(r"<link[^>]+(font-awesome|fontawesome)[^>]*>", "", html)
