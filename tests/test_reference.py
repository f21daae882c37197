"""optlib against torch.optim: replay the recorded trajectories and learning rates.

The fixtures were recorded once by ``tests/reference/record.py`` (torch 2.13, float64,
see ``tests/reference/metadata.json``); this test needs no torch.
"""

from pathlib import Path

import numpy as np
import pytest
from registry import OPTIMIZERS, SCHEDULED_RUNS, SCHEDULES

import optlib
from optlib.reference import relative_gap, replay, torch_gap, trajectories

HERE = Path(__file__).resolve().parent / "reference"
TRAJECTORIES = np.load(HERE / "torch_trajectories.npz")
LRS = np.load(HERE / "torch_schedules.npz")
RTOL = 1e-10


def make_schedule(name, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("then"), tuple):
        kwargs["then"] = make_schedule(*kwargs["then"])
    return getattr(optlib.schedules, name)(**kwargs)


@pytest.mark.parametrize("run_id, factory, kwargs", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_trajectory_matches_torch(run_id, factory, kwargs):
    torch_path = TRAJECTORIES[run_id]
    ours = replay(optlib.OPTIMIZERS[factory](**kwargs), len(torch_path) - 1)
    assert ours.shape == torch_path.shape == (201, 4)
    # the run must go somewhere, or matching it would prove little
    assert np.linalg.norm(torch_path[-1] - torch_path[0]) > 0.1
    assert relative_gap(ours, torch_path) < RTOL
    assert torch_gap(run_id) == relative_gap(ours, torch_path)


@pytest.mark.parametrize(
    "run_id, factory, kwargs, schedule, steps", SCHEDULED_RUNS, ids=[r[0] for r in SCHEDULED_RUNS]
)
def test_scheduled_trajectory_matches_torch(run_id, factory, kwargs, schedule, steps):
    opt = optlib.OPTIMIZERS[factory](lr=make_schedule(*schedule), **kwargs)
    torch_path = TRAJECTORIES[run_id]
    assert relative_gap(replay(opt, steps), torch_path) < RTOL


@pytest.mark.parametrize("sid, name, kwargs, steps", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_torch(sid, name, kwargs, steps):
    torch_lrs = LRS[sid]
    schedule = make_schedule(name, kwargs)
    t = np.arange(steps + 1)
    ours = schedule(t)
    assert ours.shape == torch_lrs.shape
    # torch computes cosine annealing recursively; near eta_min = 0 the recursion's
    # rounding (about 1e-17 absolute) dwarfs the value, hence the tiny atol
    np.testing.assert_allclose(ours, torch_lrs, rtol=RTOL, atol=1e-15)
    # scalars agree with the array evaluation
    for k in (0, 1, steps // 2, steps):
        assert float(schedule(int(k))) == pytest.approx(float(ours[k]), rel=1e-15)
    # and the schedule does change (a constant would match too little)
    assert np.ptp(torch_lrs) > 0


def test_rprop_fixtures_make_both_clips_bind():
    """The custom Rprop run reaches both step-size bounds (else its match would not test
    the clipping), and the default run's sizes grow and shrink."""
    data = trajectories()
    A, noise = data["A"], data["noise"]
    configs = {rid: kwargs for rid, factory, kwargs in OPTIMIZERS if factory == "rprop"}
    sizes = {}
    for run_id, kwargs in configs.items():
        opt, x = optlib.rprop(**kwargs), data["x0"]
        state, seen = opt.init(x), []
        for t in range(len(noise)):
            updates, state = opt.update(A @ x + noise[t], state)
            x = x + updates
            seen.append(state.step)
        sizes[run_id] = np.array(seen)
    clips = configs["rprop-etas-clips"]
    assert np.sum(sizes["rprop-etas-clips"] == clips["step_size_min"]) >= 5
    assert np.sum(sizes["rprop-etas-clips"] == clips["step_size_max"]) >= 5
    assert sizes["rprop"].min() < 0.01 < sizes["rprop"].max()


def test_fixtures_cover_the_registry():
    recorded = set(TRAJECTORIES.files) - {"A", "x0", "noise"}
    assert recorded == {o[0] for o in OPTIMIZERS} | {r[0] for r in SCHEDULED_RUNS}
    assert set(LRS.files) == {s[0] for s in SCHEDULES}
