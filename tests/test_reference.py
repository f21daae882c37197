"""optlib against torch.optim: replay the recorded trajectories and learning rates.

The fixtures were recorded once by ``tests/reference/record.py`` (torch 2.13, float64,
see ``tests/reference/metadata.json``); this test needs no torch.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from registry import (
    MATRIX_BFLOAT16,
    MATRIX_OPTIMIZERS,
    MATRIX_SHAPE,
    MATRIX_SHAPES,
    OPTIMIZERS,
    PLATEAU_RUN,
    PLATEAUS,
    SCHEDULED_RUNS,
    SCHEDULES,
    STATE_CONFIGS,
)

import optlib
from optlib.reference import (
    matrix_trajectories,
    relative_gap,
    replay,
    replay_matrix,
    torch_gap,
    trajectories,
)

HERE = Path(__file__).resolve().parent / "reference"
TRAJECTORIES = np.load(HERE / "torch_trajectories.npz")
LRS = np.load(HERE / "torch_schedules.npz")
MATRIX = np.load(HERE / "torch_matrix_trajectories.npz")
PLATEAU = np.load(HERE / "torch_plateaus.npz")
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


@pytest.mark.parametrize("pid, kwargs", PLATEAUS, ids=[p[0] for p in PLATEAUS])
def test_reduce_on_plateau_matches_torch(pid, kwargs):
    """The rate after each loss equals ReduceLROnPlateau's, to the last bit (the rule only
    compares and multiplies)."""
    plateau = optlib.schedules.reduce_on_plateau(**kwargs)
    sign = -1.0 if kwargs.get("mode") == "max" else 1.0
    state, lrs = plateau.init(), []
    for loss in PLATEAU["losses"]:
        state = plateau.update(sign * loss, state)
        lrs.append(state.lr)
    np.testing.assert_array_equal(lrs, PLATEAU[pid])


def test_plateau_fixtures_make_every_branch_bind():
    """The recorded runs cut the rate (so matching them tests the rule), min_lr and eps
    each stop a cut, and the default run, whose loss keeps improving, never cuts."""
    runs = {pid: PLATEAU[pid] for pid, _ in PLATEAUS}
    kwargs = dict(PLATEAUS)
    assert np.all(runs["plateau-default"] == kwargs["plateau-default"]["lr"])
    for pid in ("plateau-rel", "plateau-abs-cooldown", "plateau-max"):
        assert len(np.unique(runs[pid])) >= 5, pid
    assert runs["plateau-min-lr"].min() == kwargs["plateau-min-lr"]["min_lr"]
    # eps: the last cut would have been smaller than eps, so the rate stops above it
    assert runs["plateau-eps"].min() / 2 < kwargs["plateau-eps"]["eps"] < runs["plateau-eps"].min()


def test_sgd_with_reduce_on_plateau_matches_torch():
    """SGD with momentum whose rate ReduceLROnPlateau cuts on each iterate's loss: optlib's
    updates scaled by lr_t / lr (SGD's update is proportional to its rate) follow torch."""
    run_id, sgd_kwargs, plateau_kwargs = PLATEAU_RUN
    data = trajectories()
    A, x, noise = data["A"], data["x0"], data["noise"]
    opt = optlib.sgd(**sgd_kwargs)
    plateau = optlib.schedules.reduce_on_plateau(**plateau_kwargs)
    state, cut = opt.init(x), plateau.init()
    path, lrs = [x], []
    for t in range(len(noise)):
        updates, state = opt.update(A @ x + noise[t], state)
        x = x + cut.lr / sgd_kwargs["lr"] * updates
        cut = plateau.update(0.5 * x @ A @ x, cut)
        path.append(x)
        lrs.append(cut.lr)
    assert len(np.unique(PLATEAU[run_id + "-lrs"])) >= 5
    np.testing.assert_array_equal(lrs, PLATEAU[run_id + "-lrs"])
    assert relative_gap(np.array(path), PLATEAU[run_id]) < RTOL


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
    state_sizes = json.loads((HERE / "torch_state.json").read_text())
    assert set(state_sizes) == {c[0] for c in STATE_CONFIGS}
    assert set(PLATEAU.files) == {"losses", PLATEAU_RUN[0], PLATEAU_RUN[0] + "-lrs"} | {
        p[0] for p in PLATEAUS
    }


@pytest.mark.parametrize(
    "run_id, factory, kwargs", MATRIX_OPTIMIZERS, ids=[o[0] for o in MATRIX_OPTIMIZERS]
)
def test_matrix_trajectory_matches_torch(run_id, factory, kwargs):
    """A matrix parameter (torch: one 2-D tensor; optlib: Adafactor with factored=True,
    Muon). torch's Muon runs were recorded with its Newton-Schulz in float64 (the one
    cast to bfloat16 removed, see record.py), so the tolerance is float64's too."""
    torch_path = MATRIX[run_id]
    shape = MATRIX_SHAPES.get(run_id, MATRIX_SHAPE)
    ours = replay_matrix(optlib.OPTIMIZERS[factory](**kwargs), len(torch_path) - 1, shape)
    assert ours.shape == torch_path.shape == (201, *shape)
    flat, torch_flat = ours.reshape(201, -1), torch_path.reshape(201, -1)
    assert np.linalg.norm(torch_flat[-1] - torch_flat[0]) > 0.1
    assert relative_gap(flat, torch_flat) < RTOL
    assert torch_gap(run_id) == relative_gap(flat, torch_flat)


def clipped_steps(kwargs, path, gradient):
    """At each recorded iterate, whether Adafactor's update clipping (eq. adafactor-clip)
    changed the step: the same state, updated with d = 1e300 (never clips), differs.
    Clipping does not touch the state, so one state sequence serves both."""
    opt = optlib.adafactor(**kwargs)
    free = optlib.adafactor(**{**kwargs, "d": 1e300})
    state, out = opt.init(path[0]), []
    for t in range(len(path) - 1):
        g = gradient(path[t], t)
        updates, next_state = opt.update(g, state, path[t])
        out.append(not np.array_equal(updates, free.update(g, state, path[t])[0]))
        state = next_state
    return np.array(out)


def test_adafactor_fixtures_clip_and_floor():
    """The recorded Adafactor runs exercise both sides of each max(): the update clipping
    binds on some steps and not on others, and eps2 = 1 floors the iterate's RMS on some
    steps of "adafactor-options" (whose RMS falls from 1.8 to about 0.01)."""
    data = trajectories()
    A, noise = data["A"], data["noise"]
    configs = {rid: kwargs for rid, factory, kwargs in OPTIMIZERS if factory == "adafactor"}
    for run_id, kwargs in configs.items():
        clipped = clipped_steps(kwargs, TRAJECTORIES[run_id], lambda x, t: A @ x + noise[t])
        assert 5 <= clipped.sum() <= len(clipped) - 5, (run_id, clipped.sum())
    rms = np.sqrt(np.mean(TRAJECTORIES["adafactor-options"] ** 2, axis=1))
    eps2 = configs["adafactor-options"]["eps2"]
    assert np.sum(rms < eps2) >= 5 and np.sum(rms > eps2) >= 5
    # factored, v_hat is a rank-one fit and RMS(u) exceeds d less often: the default
    # run clips on a few steps only, the options run (d = 1.1) on more
    m = matrix_trajectories()
    counts = {
        run_id: clipped_steps(
            kwargs,
            MATRIX[run_id],
            lambda x, t: (m["A"] @ x.ravel() + m["noise"][t]).reshape(MATRIX_SHAPE),
        ).sum()
        for run_id, factory, kwargs in MATRIX_OPTIMIZERS
        if factory == "adafactor"
    }
    assert counts["adafactor-matrix"] >= 1
    assert 5 <= counts["adafactor-matrix-options"] <= 195


def test_matrix_fixtures_cover_the_registry():
    recorded = set(MATRIX.files) - {"A", "x0", "noise"}
    assert recorded == {o[0] for o in MATRIX_OPTIMIZERS + MATRIX_BFLOAT16}


def test_muon_as_shipped_orthogonalises_in_bfloat16():
    """torch.optim.Muon casts the momentum to bfloat16 (8 significant bits, relative
    spacing 2^-7 = 8e-3) for its Newton-Schulz iteration; each step's direction then carries
    errors of a few 1e-3, and the float64 rule misses the shipped trajectory by about
    1e-2 of the iterate's norm: loose (< 0.03), and not rounding (> 1e-3). The float64
    recording of the same configuration matches to 1e-10 (above)."""
    ((run_id, factory, kwargs),) = MATRIX_BFLOAT16
    float64_twin = next(o for o in MATRIX_OPTIMIZERS if o[1] == factory and o[2] == kwargs)
    assert torch_gap(float64_twin[0]) < RTOL
    gap = torch_gap(run_id)
    assert 1e-3 < gap < 0.03, gap
    shipped, float64 = MATRIX[run_id], MATRIX[float64_twin[0]]
    assert relative_gap(float64.reshape(201, -1), shipped.reshape(201, -1)) == pytest.approx(
        gap, rel=1e-6
    )
