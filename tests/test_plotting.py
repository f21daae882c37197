"""The book's figures show up in a notebook, every one of them, and mark divergence."""

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

import optlib  # noqa: E402
from optlib import plotting  # noqa: E402


def test_every_figure_of_a_notebook_is_displayed():
    """Regression: rc_context used to switch the inline backend's interactive mode off
    after the first figure, so later cells showed no figure at all."""
    cell = "fig, ax = plotting.figure()\nax.plot([1, 2])\nax.set(xlabel='x')"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from optlib import plotting")]
        + [nbformat.v4.new_code_cell(cell) for _ in range(3)]
    )
    nb.metadata["kernelspec"] = {
        "name": "optbook",
        "display_name": "Python (optbook)",
        "language": "python",
    }
    NotebookClient(nb, timeout=120).execute()
    shown = [any("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells[1:]]
    assert shown == [True, True, True]


def test_a_diverged_path_ends_in_a_marked_x():
    problem = optlib.problems.quadratic((1.0, 10.0))
    record = optlib.run(optlib.sgd(lr=0.25), problem, 100)
    fig, ax = plotting.figure()
    plotting.plot_paths(ax, [record.params], ["too large"])
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"diverged at step {int(record.diverged_at)}"]
    line = ax.lines[0]
    assert np.all(np.isfinite(line.get_xydata()))  # nothing past the divergence is drawn
    assert len(line.get_xdata()) == record.diverged_at


def test_jshtml_loads_nothing_from_a_cdn():
    from matplotlib.animation import FuncAnimation

    fig, ax = plotting.figure()
    (line,) = ax.plot([], [])
    animation = FuncAnimation(fig, lambda i: line.set_data([0, i], [0, i]), frames=3)
    html = plotting.jshtml(animation)
    assert "<script" in html and "cdn" not in html.lower() and "font-awesome" not in html
