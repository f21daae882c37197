"""The explorer: precomputed settings equal live runs; the web view is self-contained."""

import json
import re

import numpy as np
import pytest

import optlib
from optlib.explore import Explorer, Slider, curves, paths

PROBLEM = optlib.problems.quadratic((1.0, 10.0), angle=0.5)
LRS = (0.01, 0.05, 0.15, 0.25)  # the last is above 2 / lambda_max = 0.2: it diverges
BETAS = (0.0, 0.5, 0.9)


def compute(lr, beta):
    record = optlib.run(
        optlib.sgd(lr=lr, momentum=beta), PROBLEM, 80, x0=np.tile(PROBLEM.x0, (len(lr), 1))
    )
    return {"path": record.params.swapaxes(0, 1), "loss": record.losses.T}


@pytest.fixture(scope="module")
def explorer():
    return Explorer(
        [Slider("lr", r"\eta", LRS, default=0.05), Slider("beta", r"\beta", BETAS, default=0.5)],
        compute,
        [paths(PROBLEM, ["path"], ["SGD"]), curves(["loss"], ["SGD"], ylabel="loss", logy=True)],
        title="test",
        readout=lambda d: f"final loss {d['loss'][-1]:.3g}",
    )


def test_grid_is_every_combination_in_slider_order(explorer):
    assert explorer.shape == (4, 3) and len(explorer.grid) == 12
    assert explorer.data["path"].shape == (12, 81, 2)
    assert explorer.index(lr=0.15, beta=0.9) == 2 * 3 + 2


@pytest.mark.parametrize("lr", LRS)
@pytest.mark.parametrize("beta", BETAS)
def test_precomputed_setting_equals_a_live_run(explorer, lr, beta):
    pre, live = explorer.setting(lr=lr, beta=beta), explorer.live(lr=lr, beta=beta)
    np.testing.assert_array_equal(pre["path"], live["path"])
    alone = optlib.run(optlib.sgd(lr=lr, momentum=beta), PROBLEM, 80)
    np.testing.assert_array_equal(pre["loss"], alone.losses)


def test_web_view_embeds_the_data_and_marks_divergence(explorer):
    spec = explorer._spec()
    # lr = 0.25 without momentum diverges; the record is NaN from that step on
    k = explorer.index(lr=0.25, beta=0.0)
    assert spec["diverged"]["path"][k] > 0
    assert spec["diverged"]["path"][explorer.index(lr=0.05, beta=0.0)] == -1
    assert spec["readout"][explorer.index()].startswith("final loss")
    assert spec["data"]["path"]["shape"][0] == 12


def test_web_view_loads_nothing_from_elsewhere(explorer):
    page = explorer.html()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script>" in page and 'type="range"' in page
    assert explorer.nbytes < 200_000


def test_mime_bundle_has_both_views(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="optlib-explorer"')
    json.dumps(bundle["application/vnd.jupyter.widget-view+json"])


def test_live_widget_recomputes_when_a_slider_moves(explorer):
    box = explorer.widget()
    controls, figure, text = box.children
    background, data = figure.children
    before, drawn = text.value, data.value
    controls.children[0].value = 0.01
    assert text.value != before
    assert text.value == f"final loss {explorer.setting(lr=0.01)['loss'][-1]:.3g}"
    assert data.value != drawn, "the figure was not redrawn"
    assert controls.children[0].continuous_update, "the figure must follow a drag"


def composite(background, layer):
    import io

    from PIL import Image

    images = [Image.open(io.BytesIO(png)).convert("RGBA") for png in (background, layer)]
    return Image.alpha_composite(*images)


def test_live_figure_after_a_move_is_the_figure_drawn_afresh(explorer):
    """The background plus the data layer, as the browser lays them, equals a figure
    drawn from scratch (up to the few pixels where the start marker and the star
    overlap differently)."""
    import io

    from PIL import Image

    box = explorer.widget()
    controls, figure = box.children[0].children, box.children[1]
    controls[0].value, controls[1].value = 0.15, 0.9  # far from the default setting
    live = composite(*(image.value for image in figure.children))
    fresh = io.BytesIO()
    explorer.figure(explorer.live(lr=0.15, beta=0.9)).savefig(fresh, format="png")
    a, b = (np.asarray(im.convert("RGB"), float) for im in (live, Image.open(fresh)))
    assert a.shape == b.shape
    differ = np.abs(a - b).max(axis=-1) > 40
    assert differ.mean() < 0.002, f"{differ.mean():.2%} of the pixels differ"


def test_live_figure_is_sharp_and_keeps_its_labels_inside(explorer):
    """Drawn at twice the CSS size (high-density screens), every axis label and tick
    label inside the image."""
    from optlib.explore import _Drawing

    drawing = _Drawing(explorer)
    width, height = drawing.canvas.get_width_height()
    assert (width, height) == tuple(2 * n for n in drawing.css_size)
    box = drawing.fig.bbox
    renderer = drawing.canvas.get_renderer()

    for ax in drawing.axes:
        lo, hi = sorted(ax.get_ylim())
        ticks = [t.label1 for t in ax.yaxis.get_major_ticks() if lo <= t.get_loc() <= hi]
        for label in [ax.xaxis.label, ax.yaxis.label, *ticks]:
            extent = label.get_window_extent(renderer)
            if label.get_text():
                assert box.x0 <= extent.x0 and extent.x1 <= box.x1, label.get_text()
                assert box.y0 <= extent.y0 and extent.y1 <= box.y1, label.get_text()


def test_a_series_that_starts_undefined_is_drawn_not_called_diverged():
    """A rate is NaN before the first gradient: that is not divergence, and the curve
    is drawn from its first value, in both views."""
    from optlib import plotting

    late = np.array([np.nan, np.nan, 1.0, 0.5, 0.25])
    assert plotting.first_nan(late) == -1 and plotting.first_finite(late) == 2
    assert plotting.first_nan(np.array([np.nan, 1.0, np.nan])) == 2
    assert plotting.first_nan(np.array([1.0, 2.0, np.inf, np.nan])) == 2

    def rate(c):
        y = np.tile(c, (1, 5)) / np.arange(1.0, 6.0)
        y[:, 0] = np.nan
        return {"y": y}

    ex = Explorer([Slider("c", "c", [1.0, 2.0])], rate, [curves(["y"], ["rate"])])
    assert ex.ylim(ex.panels[0]) == pytest.approx((0.2 - 0.04, 1.0 + 0.04))  # rows kept
    spec = re.search(r"\(document.getElementById\([^)]*\), (.*)\);", ex.html()).group(1)
    spec = json.loads(spec)
    assert spec["diverged"]["y"] == [-1, -1]
    line = ex.figure(ex.setting()).axes[0].get_lines()[0]
    assert list(line.get_xdata()) == [1, 2, 3, 4]


def test_words_are_words_and_symbols_are_maths():
    from optlib.explore import _is_maths

    assert _is_maths(r"\eta") and _is_maths(r"\beta_1") and _is_maths("p") and _is_maths("T_0")
    assert _is_maths("v₀") and _is_maths("T_{mult}")
    assert not _is_maths("rare density") and not _is_maths("seed") and not _is_maths("T_mult")


def test_curves_keep_the_grids_range_without_diverged_runs():
    """Explorer.ylim: min and max over every setting that stayed finite, padded by 5%."""

    def ramp(c):
        y = c * np.arange(1.0, 6.0)  # c, 2c, ..., 5c
        y[c[:, 0] == 3.0, 3:] = [1e30, np.nan]  # the c = 3 run blows up, then diverges
        return {"y": y}

    ex = Explorer([Slider("c", "c", [1.0, 2.0, 3.0])], ramp, [curves(["y"])])
    lo, hi = 1.0, 10.0  # from c = 1 (1) and c = 2 (10); c = 3 left out
    assert ex.ylim(ex.panels[0]) == pytest.approx((lo - 0.45, hi + 0.45))
    assert json.loads(re.search(r'"ylim":(\[[^]]*\])', ex.html()).group(1)) == pytest.approx(
        [lo - 0.45, hi + 0.45]
    )


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"name": "lr", "symbol": r"\eta", "values": []}, "values"),
        ({"name": "lr", "symbol": r"\eta", "values": [0.1, 0.2], "default": 0.3}, "default"),
        ({"name": "lr", "symbol": r"\eta", "values": [0.1, np.nan]}, "finite"),
    ],
)
def test_bad_slider_is_named(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Slider(**kwargs)


def test_compute_must_return_what_the_panels_draw():
    with pytest.raises(ValueError, match="'loss'"):
        Explorer(
            [Slider("lr", r"\eta", [0.1])],
            lambda lr: {"path": np.zeros((1, 3, 2))},
            [curves(["loss"])],
        )


def test_an_explorer_whose_rows_depend_on_the_grid_fails_its_live_check():
    """A compute that seeds each grid row by its position (so the web view of a setting
    is not what the Jupyter view computes for it) is refused when the chapter runs."""

    def row_seeded(lr):
        return {"loss": np.array([[k + float(lr[k, 0])] * 3 for k in range(len(lr))])}

    with pytest.raises(AssertionError, match="web and Jupyter views disagree"):
        Explorer([Slider("lr", r"\eta", LRS)], row_seeded, [curves(["loss"])])


def test_values_are_shown_exactly():
    """0.9999 is not "1" and 1024 is not "1020" (the labels of the two views)."""
    from optlib.explore import _fmt

    shown = [_fmt(v) for v in (0.9999, 1024, 1e-8, 2.5e-7, 0.0533, 0.1687, 123456.0, 0)]
    assert shown == ["0.9999", "1024", "1e-8", "2.5e-7", "0.0533", "0.1687", "1.23456e5", "0"]


def test_web_view_names_its_group_and_speaks_its_values(explorer):
    from optlib.explore import _fmt

    page = explorer.html()
    assert 'role="group"' in page and f'aria-label="{explorer.title}"' in page
    for slider in explorer.sliders:
        assert f'aria-valuetext="{_fmt(slider.default)}"' in page


def test_a_long_title_is_wrapped_inside_a_one_panel_figure():
    from optlib.explore import _Drawing

    title = "Step length on a slope whose gradient is scaled by c after step 150"
    ex = Explorer(
        [Slider("c", "c", [1.0, 2.0])],
        lambda c: {"y": c * np.ones((1, 5))},
        [curves(["y"])],
        title=title,
    )
    drawing = _Drawing(ex)
    box, renderer = drawing.fig.bbox, drawing.canvas.get_renderer()
    extent = drawing.fig._suptitle.get_window_extent(renderer)
    assert box.x0 <= extent.x0 and extent.x1 <= box.x1, "the title is cut off"
    assert drawing.fig.get_suptitle().replace("\n", " ") == title


def test_web_view_draws_with_the_books_palette_and_dashes(explorer):
    """Series j of a panel: the palette's colour j (a CSS variable holding plotting.COLORS)
    and plotting's dash pattern j, as in the Jupyter view."""
    from optlib import plotting

    page = explorer.html()
    for i, color in enumerate(plotting.COLORS):
        assert f"--ox-c{i}:{color};" in page
    for panel in explorer._spec()["panels"]:
        n = len(panel["keys"])
        assert panel["colors"] == [j % len(plotting.COLORS) for j in range(n)]
        assert panel["dashes"] == [plotting.DASHES[j] for j in range(n)]
    assert "#1f77b4" not in page and "#b8b8b8" not in page, "a colour not from the theme"


def test_web_view_takes_its_colours_from_the_theme_with_legible_fallbacks():
    """Every colour of the web view is a pydata-sphinx-theme variable with a fallback
    (for pages without that theme) that is legible on the fallback background: text
    4.5:1, axes, slider thumbs and the focus ring 3:1."""
    from test_plotting import contrast

    from optlib.explore import _CSS, _THEME

    for name, (theme, fallback) in _THEME.items():
        assert f"{name}:var({theme},{fallback});" in _CSS
    background = _THEME["--ox-bg"][1]
    assert contrast(_THEME["--ox-fg"][1], background) >= 4.5
    for name in ("--ox-muted", "--ox-thumb", "--ox-focus"):
        assert contrast(_THEME[name][1], background) >= 3.0, name
    rules = re.sub(r"--ox-[\w-]+:[^;]*;", "", _CSS.split(".optlib-explorer{", 1)[1])
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", rules), "a colour set outside the variables"
    assert "focus-visible{outline:3px solid var(--ox-focus)" in _CSS
