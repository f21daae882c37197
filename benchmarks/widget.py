"""One widget update: 500 Adam steps on Rosenbrock plus a redraw of the figure.

This is what a reader waits for after moving a slider in a live notebook: a fresh
``optlib.run`` for the new learning rate, ``set_data`` on the Line2D that already
shows the old path, and one draw of the Agg canvas (the headline check, on a plain
5 x 4 inch axes). Also timed, for the book's own figures: the same update on the
book's path figure (``optlib.plotting.figure``, constrained layout, with the
problem's contours), the same with the static background cached (blitting), and a
redraw from scratch as ``optlib.explore`` does it today (new figure, contours,
paths, PNG). Target: < 50 ms.
"""

from __future__ import annotations

import io
import itertools
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import optlib  # noqa: E402
from benchmarks.common import check, summary, timings  # noqa: E402
from optlib import plotting  # noqa: E402

STEPS = 500
TARGET_S = 0.050


def measure(repeats=25):
    problem = optlib.problems.rosenbrock()
    lrs = itertools.cycle(np.geomspace(1e-3, 1e-1, 11))  # a slider moving over its range

    def compute():
        return optlib.run(optlib.adam(lr=next(lrs)), problem, STEPS)

    def line_on(fig, ax):
        (line,) = ax.plot(*problem.x0[:, None], color=plotting.COLORS[0], lw=1.4, zorder=2)
        fig.canvas.draw()
        return line

    plain_fig, plain_ax = plt.subplots(figsize=(5, 4), dpi=100)
    plain_ax.set(xlim=problem.bounds[0], ylim=problem.bounds[1])
    plain = line_on(plain_fig, plain_ax)

    book_fig, book_ax = plotting.figure()
    plotting.contour(book_ax, problem)
    book = line_on(book_fig, book_ax)

    blit_fig, blit_ax = plotting.figure()
    plotting.contour(blit_ax, problem)
    blit = line_on(blit_fig, blit_ax)
    blit.set_animated(True)  # left out of the cached background
    blit_fig.canvas.draw()
    background = blit_fig.canvas.copy_from_bbox(blit_fig.bbox)

    def draw(line, record):
        line.set_data(record.params[:, 0], record.params[:, 1])
        line.figure.canvas.draw()

    def draw_blit(record):
        blit.set_data(record.params[:, 0], record.params[:, 1])
        blit_fig.canvas.restore_region(background)
        blit_ax.draw_artist(blit)
        blit_fig.canvas.blit(blit_fig.bbox)

    def from_scratch(record):
        fig, ax = plotting.figure(width=4.0, height=3.2)
        plotting.contour(ax, problem)
        plotting.plot_paths(ax, [record.params], ["Adam"])
        fig.savefig(io.BytesIO(), format="png", dpi=80)
        plt.close(fig)

    record = compute()
    t = {
        "compute_s": summary(timings(compute, repeats=repeats)),
        "draw_plain_s": summary(timings(lambda: draw(plain, record), repeats=repeats)),
        "draw_book_figure_s": summary(timings(lambda: draw(book, record), repeats=repeats)),
        "draw_book_figure_blit_s": summary(timings(lambda: draw_blit(record), repeats=repeats)),
        "draw_from_scratch_png_s": summary(timings(lambda: from_scratch(record), repeats=repeats)),
        "update_s": summary(timings(lambda: draw(plain, compute()), repeats=repeats)),
        "update_book_figure_s": summary(timings(lambda: draw(book, compute()), repeats=repeats)),
        "update_book_figure_blit_s": summary(
            timings(lambda: draw_blit(compute()), repeats=repeats)
        ),
    }
    for fig in (plain_fig, book_fig, blit_fig):
        plt.close(fig)
    t["steps"] = STEPS
    over = {k[:-2]: v["min"] / TARGET_S for k, v in t.items() if k.startswith("update")}
    return {
        "checks": [
            check(
                "widget update: 500 Adam steps on Rosenbrock + set_data + Agg draw",
                over["update"],
                1.0,
                "lower",
                "time / 50 ms",
                {**t, "over_target": over},
            ),
            check(
                "widget update on the book's path figure (contours, constrained layout)",
                over["update_book_figure"],
                1.0,
                "lower",
                "time / 50 ms",
            ),
            check(
                "widget update on the book's path figure, background cached (blit)",
                over["update_book_figure_blit"],
                1.0,
                "lower",
                "time / 50 ms",
            ),
        ]
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
