"""One widget update: what the kernel does when a reader moves an explorer's slider.

Timed through the book's own code path: an :class:`optlib.explore.Explorer` (a path
panel over the Rosenbrock contours and a loss panel, 500 Adam steps per setting) whose
``SelectionSlider`` is moved to the next learning rate. Since the Jupyter view draws
every setting's data layer once, when the explorer is shown, the callback only looks
the setting up and sends its picture. Beside it: the cost of drawing one layer (over the
cached background, then PNG), of drawing them all when the explorer is shown, of the 500
steps a live run takes (what ``check_live`` compares the grid with), and of drawing
the figure from scratch as optlib once did. Target: < 50 ms for the update. (What a
reader waits for in JupyterLab, browser included, is measured by tests/test_jupyterlab.py.)
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
    slider, figure = box.children[0].children[0], box.children[1]
    moves = iter(np.tile(RATES, 2 * repeats + 4))

    def move():  # what the kernel does when the frontend sends a new slider value
        before = figure.children[1].value
        slider.value = float(next(moves))
        assert figure.children[1].value != before

    drawing, setting = _Drawing(ex), ex.live(lr=0.01)

    def all_frames():
        for k in range(len(ex.grid)):
            drawing.layer({key: value[k] for key, value in ex.data.items()})

    def from_scratch():  # a new figure, its contours and a PNG on every move
        fig = ex.figure(setting)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    t = {
        "update_s": summary(timings(move, repeats=repeats)),
        "layer_png_s": summary(timings(lambda: drawing.layer(setting), repeats=repeats)),
        "all_layers_s": summary(timings(all_frames, repeats=max(3, repeats // 5))),
        "compute_s": summary(timings(lambda: ex.live(lr=0.01), repeats=repeats)),
        "redraw_from_scratch_png_s": summary(timings(from_scratch, repeats=repeats)),
        "settings": len(ex.grid),
        "steps": STEPS,
    }
    t["from_scratch_over_layer"] = t["redraw_from_scratch_png_s"]["min"] / t["layer_png_s"]["min"]
    return {
        "checks": [
            check(
                "widget update: slider moved, the setting's picture sent (kernel side)",
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
