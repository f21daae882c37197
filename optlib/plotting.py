"""Figures for the book: one style, contours from the problem, divergence marked.

Drawing only; the maths lives in the optimizer modules. Matplotlib is imported
here and in :mod:`optlib.explore`, never by the core of optlib.

    from optlib import plotting
    fig, ax = plotting.figure()
    plotting.contour(ax, problem)
    plotting.plot_paths(ax, [record.params], ["Adam"])
"""

from __future__ import annotations

import re

import contourpy
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

__all__ = [
    "COLORS",
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

# One palette for the book (matplotlib's tab10), shared with the explorers' web view.
COLORS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]
CONTOUR_COLOR = "#b8b8b8"
STYLE = {
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": plt.cycler(color=COLORS),
    "font.size": 10,
    "legend.frameon": False,
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


def _mark_divergence(ax, x, y, step, color):
    """An x at the last finite point, labelled with the step the run diverged."""
    ax.plot(x, y, marker="x", color=color, ms=9, mew=2, ls="none", zorder=4)
    ax.annotate(
        f"diverged at step {step}",
        (x, y),
        xytext=(4, 4),
        textcoords="offset points",
        color=color,
        fontsize=8,
    )


def plot_paths(ax, paths, labels, colors=None, legend=True):
    """Trajectories ``(steps + 1, 2)`` on ``ax``; a diverged one ends in a marked x.

    ``paths`` are arrays as ``optlib.run`` records them (NaN after divergence).
    """
    for i, (path, label) in enumerate(zip(paths, labels, strict=True)):
        color = (colors or COLORS)[i % len(COLORS)]
        path = np.asarray(path)
        k = first_nan(path)
        good = path[first_finite(path) : None if k < 0 else k]
        if not len(good):
            continue
        ax.plot(good[:, 0], good[:, 1], color=color, lw=1.4, label=label, zorder=2)
        ax.plot(*good[0], marker="o", color=color, ms=4, zorder=3)
        if k >= 0:
            _mark_divergence(ax, *good[-1], k, color)
    if legend and any(labels):
        ax.legend(loc="best", fontsize=8)


def plot_curves(
    ax, curves, labels, x=None, logy=False, xlabel="step $t$", ylabel="", colors=None, legend=True
):
    """Curves over steps (or over ``x``); a diverged one ends in a marked x. A curve
    that starts undefined (NaN) is drawn from its first finite value."""
    for i, (y, label) in enumerate(zip(curves, labels, strict=True)):
        color = (colors or COLORS)[i % len(COLORS)]
        y = np.asarray(y, dtype=float)
        xs = np.arange(len(y)) if x is None else np.asarray(x)
        k = first_nan(y)
        start, stop = first_finite(y), len(y) if k < 0 else k
        ax.plot(xs[start:stop], y[start:stop], color=color, lw=1.4, label=label)
        if k >= 0:
            _mark_divergence(ax, xs[stop - 1], y[stop - 1], k, color)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if legend and any(labels):
        ax.legend(loc="best", fontsize=8)


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
        ax.set_title(title, fontsize=9)
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
