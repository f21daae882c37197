"""One widget update: 500 Adam steps on Rosenbrock plus a redraw of the figure.

This is what a reader waits for after moving a slider in a live notebook, timed
through the book's own code path: an :class:`optlib.explore.Explorer` (a path panel
over the problem's contours and a loss panel) whose ``SelectionSlider`` is moved to
the next learning rate; its callback runs ``optlib.run`` for 500 steps, redraws the
data over the cached background, encodes the PNG and sets the ``Output`` widget.
Beside it, its two parts, and the redraw as optlib did it before (a new figure with
its contours and a PNG on every move). Target: < 50 ms.
"""

from __future__ import annotations

import io
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import optlib  # noqa: E402
from benchmarks.common import check, summary, timings  # noqa: E402
from optlib.explore import Explorer, Slider, _Drawing, curves, paths  # noqa: E402

STEPS = 500
TARGET_S = 0.050
RATES = np.geomspace(1e-3, 1e-1, 11)


def explorer():
    problem = optlib.problems.rosenbrock()

    def compute(lr):
        x0 = np.tile(problem.x0, (len(lr), 1))
        record = optlib.run(optlib.adam(lr=lr), problem, STEPS, x0=x0)
        return {"path": record.params.swapaxes(0, 1), "loss": record.losses.T}

    return Explorer(
        sliders=[Slider("lr", r"\eta", RATES)],
        compute=compute,
        panels=[paths(problem, ["path"], ["Adam"]), curves(["loss"], ["Adam"], logy=True)],
        title="Adam on the Rosenbrock valley",
    )


def measure(repeats=25):
    ex = explorer()
    box = ex.widget()
    slider, out = box.children[0].children[0], box.children[1]
    moves = iter(np.tile(RATES, 2 * repeats + 4))

    def move():  # what the frontend does when the reader lets go of the slider
        slider.value = float(next(moves))
        assert out.outputs[0]["data"]["image/png"]

    drawing, setting = _Drawing(ex), ex.live(lr=0.01)

    def from_scratch():  # optlib's redraw before the cached background
        fig = ex.figure(setting)
        fig.savefig(io.BytesIO(), format="png", dpi=80)
        plt.close(fig)

    t = {
        "update_s": summary(timings(move, repeats=repeats)),
        "compute_s": summary(timings(lambda: ex.live(lr=0.01), repeats=repeats)),
        "redraw_png_s": summary(timings(lambda: drawing.png(setting), repeats=repeats)),
        "redraw_from_scratch_png_s": summary(timings(from_scratch, repeats=repeats)),
        "steps": STEPS,
    }
    t["from_scratch_over_cached"] = t["redraw_from_scratch_png_s"]["min"] / t["redraw_png_s"]["min"]
    return {
        "checks": [
            check(
                "widget update: slider moved, 500 Adam steps on Rosenbrock, paths + loss redrawn",
                t["update_s"]["min"] / TARGET_S,
                1.0,
                "lower",
                "time / 50 ms",
                t,
            )
        ]
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
