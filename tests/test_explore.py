"""The explorer: precomputed settings equal live runs; the web view is self-contained."""

import base64
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
    controls, out, text = box.children[0].children, box.children[1], box.children[2]
    before = text.value
    controls[0].value = 0.01
    assert text.value != before
    assert text.value == f"final loss {explorer.setting(lr=0.01)['loss'][-1]:.3g}"
    assert out.outputs, "the figure was not drawn"


def test_live_figure_after_a_move_is_the_figure_drawn_afresh(explorer):
    """The cached background plus the redrawn data equals a figure drawn from scratch
    (up to the few pixels where the start marker and the star overlap differently)."""
    import io

    from PIL import Image

    box = explorer.widget()
    controls, out = box.children[0].children, box.children[1]
    controls[0].value, controls[1].value = 0.15, 0.9  # far from the default setting
    live = Image.open(io.BytesIO(base64.b64decode(out.outputs[0]["data"]["image/png"])))
    fresh = io.BytesIO()
    explorer.figure(explorer.live(lr=0.15, beta=0.9)).savefig(fresh, format="png", dpi=80)
    a, b = (np.asarray(im.convert("RGB"), float) for im in (live, Image.open(fresh)))
    assert a.shape == b.shape
    differ = np.abs(a - b).max(axis=-1) > 40
    assert differ.mean() < 0.002, f"{differ.mean():.2%} of the pixels differ"


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
