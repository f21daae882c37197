"""The book's figures show up in a notebook, every one of them, and mark divergence."""

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.text  # noqa: E402
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


# -- colour, line styles and text size (issue 17) ------------------------------------


def luminance(color):
    """WCAG 2.1 relative luminance of a matplotlib colour."""
    from matplotlib.colors import to_rgb

    channels = np.array(to_rgb(color))
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a, b):
    """WCAG 2.1 contrast ratio of two colours, from 1 to 21."""
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def theme_dark_backgrounds():
    """--pst-color-background in dark mode, from the stylesheets of pydata-sphinx-theme
    and of sphinx-book-theme (which overrides it; the site shows the latter)."""
    import re
    from pathlib import Path

    import pydata_sphinx_theme
    import sphinx_book_theme

    found = []
    for module, name in [
        (pydata_sphinx_theme, "pydata-sphinx-theme.css"),
        (sphinx_book_theme, "sphinx-book-theme.css"),
    ]:
        css = next(Path(module.__file__).parent.rglob(name)).read_text()
        blocks = re.findall(r"html\[data-theme=dark\]\{[^}]*", css)
        found += re.findall(r"--pst-color-background:(#[0-9a-fA-F]{3,6})", "".join(blocks))
    assert len(found) == 2, found
    return found


def test_contrast_formula_matches_the_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_series_colour_stands_out_from_the_panel(mode):
    """Lines >= 3:1 (WCAG 1.4.11) against a figure's white and the site's dark background:
    the same palette draws the figures, the Jupyter view and the web view in both modes."""
    backgrounds = [matplotlib.rcParams["figure.facecolor"]]
    if mode == "dark":
        backgrounds = theme_dark_backgrounds()
    for background in backgrounds:
        low = {c: round(contrast(c, background), 2) for c in plotting.COLORS}
        assert min(low.values()) >= 3.0, f"below 3:1 on {background}: {low}"
    assert len(set(map(str.lower, plotting.COLORS))) == len(plotting.COLORS) >= 6


def test_the_palettes_backgrounds_are_the_themes():
    assert plotting.BACKGROUNDS["dark"].lower() == theme_dark_backgrounds()[-1].lower()
    assert luminance(plotting.BACKGROUNDS["light"]) == luminance(
        matplotlib.rcParams["figure.facecolor"]
    )


def dash(line):
    """A line's dash pattern (None when solid), as matplotlib stores it before scaling."""
    return line._unscaled_dash_pattern[1]


def test_no_series_is_told_apart_by_colour_alone():
    """Ten series (the comparison chapter's count) in ten line styles, drawn by
    plot_curves or by a plain ax.plot in the book's style; legends show the styles."""
    t = np.arange(50.0)
    fig, ax = plotting.figure()
    plotting.plot_curves(ax, [t + i for i in range(10)], [f"s{i}" for i in range(10)])
    fig, plain = plotting.figure()
    for i in range(10):
        plain.plot(t, t + i, label=f"s{i}")
    plain.legend()
    for axes in (ax, plain):
        styles = [str(dash(line)) for line in axes.lines]
        assert len(set(styles)) == 10, styles
        assert [dash(h) for h in axes.get_legend().legend_handles] == [
            dash(line) for line in axes.lines
        ]
        assert [line.get_color().lower() for line in axes.lines] == [
            plotting.color(i).lower() for i in range(10)
        ]


def test_figure_text_is_at_least_9_points():
    """Every text of a figure drawn through optlib.plotting, at the figure's own size:
    ticks, axis labels, legends, titles and the 'diverged at step' note."""
    from optlib.explore import Explorer, Slider, curves, paths

    problem = optlib.problems.quadratic((1.0, 10.0))
    fig, axes = plotting.figure(ncols=2)
    plotting.contour(axes[0], problem)
    diverged = optlib.run(optlib.sgd(lr=0.25), problem, 2000)
    plotting.plot_paths(axes[0], [diverged.params], ["too large"])
    plotting.plot_curves(axes[1], [diverged.losses], ["too large"], logy=True, ylabel="loss")
    small, _ = plotting.small_multiples([1, 2], lambda ax, v: ax.plot([0, v]), ["a", "b"])

    def compute(lr):
        record = optlib.run(optlib.sgd(lr=lr), problem, 30, x0=np.tile(problem.x0, (len(lr), 1)))
        return {"path": record.params.swapaxes(0, 1), "loss": record.losses.T}

    explorer = Explorer(
        [Slider("lr", r"\eta", [0.05, 0.1])],
        compute,
        [paths(problem, ["path"], ["SGD"]), curves(["loss"], ["SGD"], ylabel="loss")],
        title="an explorer",
    )
    figures = {"figure": fig, "small multiples": small}
    figures["explorer"] = explorer.figure(explorer.setting())
    for name, f in figures.items():
        f.canvas.draw()
        shown = [t for t in f.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]
        assert len(shown) > 10
        small_texts = [(t.get_text(), t.get_fontsize()) for t in shown if t.get_fontsize() < 9]
        assert not small_texts, f"{name}: text below 9 pt {small_texts}"
    notes = [t for t in fig.findobj(matplotlib.text.Text) if "diverged" in t.get_text()]
    assert len(notes) == 2


def test_a_run_that_leaves_a_contour_map_is_marked_at_its_edge():
    """The last finite point of a diverged path is far outside the map: its x and its
    note are drawn at the map's edge (matplotlib would skip them), as on the web."""
    problem = optlib.problems.quadratic((1.0, 10.0))
    record = optlib.run(optlib.sgd(lr=0.25), problem, 2000)
    fig, ax = plotting.figure()
    plotting.contour(ax, problem)
    plotting.plot_paths(ax, [record.params], ["too large"])
    fig.canvas.draw()
    box = ax.get_window_extent()
    (note,) = ax.texts
    assert note.get_text() == f"diverged at step {int(record.diverged_at)}"
    extent = note.get_window_extent()
    assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 <= box.y1
    mark = [line for line in ax.lines if line.get_marker() == "x"][0]
    x, y = mark.get_transform().transform(mark.get_xydata())[0]
    assert box.contains(x, y)
