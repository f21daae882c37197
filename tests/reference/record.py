"""Record reference trajectories and learning rates from torch.optim, once, by hand.

Run from the repository root in an environment with torch (not the book's):

    python3 -m venv .venv-torch
    .venv-torch/bin/pip install -r benchmarks/requirements-torch.txt
    .venv-torch/bin/python tests/reference/record.py

(``--schedules-only`` re-records only ``torch_schedules.npz``, ``torch_plateaus.npz`` and
``torch_state.json`` (the floats of state each optimizer keeps) and ``torch_defaults.json``.)
It imports torch and numpy only, never optlib, so the fixtures stay an independent
reference. It writes ``tests/reference/torch_trajectories.npz``,
``tests/reference/torch_schedules.npz``, ``tests/reference/torch_plateaus.npz``
(``ReduceLROnPlateau``) and ``tests/reference/torch_matrix_trajectories.npz``
(matrix parameters, ``registry.MATRIX_OPTIMIZERS``; torch's Muon orthogonalises in
bfloat16, so its float64 runs are recorded with that one cast removed from torch's
source, and ``registry.MATRIX_BFLOAT16`` as shipped) plus ``metadata.json``; the tests
replay them with optlib and need no torch.

The problem is a rotated, ill-conditioned quadratic in 4-D,
``f(x) = x^T A x / 2`` with eigenvalues (1, 5, 20, 50) and a random rotation,
and each gradient carries a fixed noise vector: ``g_t = A x_t + noise_t``. The
noise keeps sign-like methods (RMSProp, Adam) from settling into a chaotic
chatter near the optimum, where last-bit differences would grow.

An existing recording is compared first: if a run it holds would change (another torch,
another CPU), nothing is written unless ``--replace`` is given, so adding a registry
entry records the new run and leaves every recorded array bit for bit as it was.
"""

from __future__ import annotations

import datetime
import inspect
import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import registry  # noqa: E402  (plain data shared with the tests)
from unchanged import changed_runs, refuse_changes  # noqa: E402

STEPS = 200
SEED = 20261124


def make_problem():
    rng = np.random.default_rng(SEED)
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    A = q @ np.diag([1.0, 5.0, 20.0, 50.0]) @ q.T
    A = (A + A.T) / 2
    x0 = rng.normal(size=4) * 2.0
    noise = rng.normal(scale=0.5, size=(STEPS, 4))
    return A, x0, noise


def torch_schedule(optimizer, name, kwargs):
    """The torch.optim.lr_scheduler equivalent of an optlib schedule."""
    s = torch.optim.lr_scheduler
    kw = dict(kwargs)
    if name == "step_decay":
        return s.StepLR(optimizer, step_size=kw["step_size"], gamma=kw["gamma"])
    if name == "exponential_decay":
        return s.ExponentialLR(optimizer, gamma=kw["gamma"])
    if name == "cyclic_triangular":
        return s.CyclicLR(
            optimizer,
            base_lr=kw["base_lr"],
            max_lr=kw["max_lr"],
            step_size_up=kw["step_size_up"],
            step_size_down=kw.get("step_size_down"),
            mode=kw.get("mode", "triangular"),
            gamma=kw.get("gamma", 1.0),
            cycle_momentum=False,
        )
    if name == "cosine_annealing":
        return s.CosineAnnealingLR(optimizer, T_max=kw["T_max"], eta_min=kw.get("eta_min", 0.0))
    if name == "cosine_warm_restarts":
        return s.CosineAnnealingWarmRestarts(
            optimizer, T_0=kw["T_0"], T_mult=kw.get("T_mult", 1), eta_min=kw.get("eta_min", 0.0)
        )
    if name == "linear_warmup":
        ramp = {"start_factor": kw.get("start_factor", 1 / 3), "end_factor": 1.0}
        warm = torch_schedule(
            optimizer, "linear_factor", {**ramp, "total_iters": kw["warmup_steps"]}
        )
        if kw.get("then") is None:
            return warm
        then_name, then_kwargs = kw["then"]
        then = torch_schedule(optimizer, then_name, then_kwargs)
        return s.SequentialLR(optimizer, [warm, then], milestones=[kw["warmup_steps"]])
    if name == "one_cycle":
        return s.OneCycleLR(optimizer, cycle_momentum=False, **kw)
    if name == "multi_step":
        return s.MultiStepLR(optimizer, milestones=kw["milestones"], gamma=kw["gamma"])
    if name == "polynomial":
        return s.PolynomialLR(optimizer, total_iters=kw["total_iters"], power=kw["power"])
    if name == "constant_factor":
        return s.ConstantLR(optimizer, factor=kw["factor"], total_iters=kw["total_iters"])
    if name == "linear_factor":
        return s.LinearLR(
            optimizer,
            start_factor=kw["start_factor"],
            end_factor=kw["end_factor"],
            total_iters=kw["total_iters"],
        )
    raise ValueError(f"no torch scheduler for {name}")


def base_lr(name, kwargs):
    if name == "cyclic_triangular":
        return kwargs["base_lr"]
    return kwargs["max_lr"] if name == "one_cycle" else kwargs["lr"]


def record_schedule(name, kwargs, steps):
    """torch's lr after t calls of scheduler.step(), t = 0 .. steps."""
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=base_lr(name, kwargs))
    scheduler = torch_schedule(optimizer, name, kwargs)
    lrs = [optimizer.param_groups[0]["lr"]]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(optimizer.param_groups[0]["lr"])
    return np.array(lrs, dtype=np.float64)


def record_run(factory, kwargs, A, x0, noise, schedule=None, shape=None):
    """torch's parameter trajectory, x_0 .. x_STEPS, on the noisy quadratic (with
    ``shape``, the parameter is one tensor of that shape, x its flattening)."""
    shape = x0.shape if shape is None else shape
    x = torch.tensor(x0.reshape(shape), dtype=torch.float64, requires_grad=True)
    At = torch.tensor(A, dtype=torch.float64)
    cls = getattr(torch.optim, registry.TORCH_CLASS[factory])
    tk = registry.torch_kwargs(factory, kwargs)
    if schedule is not None:
        tk["lr"] = base_lr(*schedule)
    optimizer = cls([x], **tk)
    scheduler = torch_schedule(optimizer, *schedule) if schedule is not None else None
    path = [x.detach().numpy().copy()]
    for t in range(noise.shape[0]):
        optimizer.zero_grad()
        flat = At @ x.detach().reshape(-1) + torch.tensor(noise[t], dtype=torch.float64)
        x.grad = flat.reshape(shape)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        path.append(x.detach().numpy().copy())
    path = np.array(path)
    assert np.all(np.isfinite(path)), f"{factory} {kwargs} diverged in torch"
    return path


def make_matrix_problem(shape):
    """The same kind of problem over matrices of ``shape``: a rotated quadratic in
    r * c dimensions, eigenvalues spread from 1 to 50, on the flattened matrix."""
    rng = np.random.default_rng(SEED + 1)
    n = int(np.prod(shape))
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = q @ np.diag(np.geomspace(1.0, 50.0, n)) @ q.T
    A = (A + A.T) / 2
    x0 = rng.normal(size=n) * 2.0
    noise = rng.normal(scale=0.5, size=(STEPS, n))
    return A, x0, noise


def stored_problem(path=HERE / "torch_trajectories.npz", problem=make_problem):
    """The problem the fixtures were recorded on, when they exist, else a fresh one.

    ``make_problem``'s QR rounds differently in the last bit on another CPU (OpenBLAS
    picks its kernels at run time), which would change every recorded trajectory by
    about 1e-13; re-recording on the stored problem keeps the existing entries bit for
    bit, and only new registry entries are added.
    """
    A, x0, noise = problem()
    if not path.exists():
        return A, x0, noise
    stored = np.load(path)
    for name, fresh in (("A", A), ("x0", x0), ("noise", noise)):
        gap = np.max(np.abs(stored[name] - fresh)) / np.max(np.abs(fresh))
        assert gap < 1e-12, f"the stored {name} is not make_problem()'s ({gap:.1e})"
    return stored["A"], stored["x0"], stored["noise"]


def float64_newton_schulz():
    """torch's ``_zeropower_via_newtonschulz`` with its one cast to bfloat16 removed, so
    that it computes in the gradient's dtype (float64 here); the rest is torch's source,
    unchanged (checked: exactly one ``grad.bfloat16()`` is replaced)."""
    from torch.optim import _muon

    source = inspect.getsource(_muon._zeropower_via_newtonschulz)
    assert source.count("grad.bfloat16()") == 1, "torch's Newton-Schulz code changed"
    namespace = dict(vars(_muon))
    exec(source.replace("grad.bfloat16()", "grad.clone()"), namespace)  # noqa: S102
    return namespace["_zeropower_via_newtonschulz"]


def record_matrix_runs(A, x0, noise):
    """The matrix runs: MATRIX_OPTIMIZERS in float64 throughout (Muon's Newton-Schulz
    without its bfloat16 cast), MATRIX_BFLOAT16 with torch as shipped."""
    from torch.optim import _muon

    shipped = _muon._zeropower_via_newtonschulz
    runs = {}
    for configs, newton_schulz in (
        (registry.MATRIX_OPTIMIZERS, float64_newton_schulz()),
        (registry.MATRIX_BFLOAT16, shipped),
    ):
        _muon._zeropower_via_newtonschulz = newton_schulz
        try:
            for run_id, factory, kwargs in configs:
                shape = registry.MATRIX_SHAPES.get(run_id, registry.MATRIX_SHAPE)
                path = record_run(factory, kwargs, A, x0, noise, shape=shape)
                runs[run_id] = path.reshape(len(path), *shape)
        finally:
            _muon._zeropower_via_newtonschulz = shipped
    return runs


PLATEAU_STEPS = 120
PLATEAU_SEED = 20261202


def plateau_losses():
    """A falling, levelling, noisy loss curve: 1 / (1 + t / 10) + 0.02 |noise|."""
    rng = np.random.default_rng(PLATEAU_SEED)
    t = np.arange(PLATEAU_STEPS)
    return 1 / (1 + t / 10) + 0.02 * np.abs(rng.normal(size=PLATEAU_STEPS))


def torch_plateau(optimizer, kwargs):
    kw = {k: v for k, v in kwargs.items() if k != "lr"}
    return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **kw)


def record_plateaus(A, x0, noise):
    """ReduceLROnPlateau's rate after each loss of plateau_losses() (negated for mode
    "max"), and SGD's path with its rate cut on each iterate's loss: torch_plateaus.npz."""
    losses = plateau_losses()
    runs = {"losses": losses}
    for pid, kwargs in registry.PLATEAUS:
        param = torch.zeros(1, requires_grad=True)
        optimizer = torch.optim.SGD([param], lr=kwargs["lr"])
        scheduler = torch_plateau(optimizer, kwargs)
        sign = -1.0 if kwargs.get("mode") == "max" else 1.0
        lrs = []
        for loss in losses:
            scheduler.step(sign * float(loss))
            lrs.append(optimizer.param_groups[0]["lr"])
        runs[pid] = np.array(lrs)
    run_id, sgd_kwargs, plateau_kwargs = registry.PLATEAU_RUN
    x = torch.tensor(x0, requires_grad=True)
    At = torch.tensor(A)
    optimizer = torch.optim.SGD([x], **sgd_kwargs)
    scheduler = torch_plateau(optimizer, plateau_kwargs)
    path, lrs = [x.detach().numpy().copy()], []
    for t in range(noise.shape[0]):
        optimizer.zero_grad()
        x.grad = At @ x.detach() + torch.tensor(noise[t])
        optimizer.step()
        xd = x.detach()
        scheduler.step(float(0.5 * xd @ At @ xd))
        path.append(xd.numpy().copy())
        lrs.append(optimizer.param_groups[0]["lr"])
    runs[run_id], runs[run_id + "-lrs"] = np.array(path), np.array(lrs)
    return runs


def record_torch_defaults():
    """The constructor defaults of torch's optimizers after Adam (numbers, and number
    pairs such as betas): torch_defaults.json, for the conventions chapter's table."""
    defaults = {}
    for cls in ("RAdam", "Adafactor", "Muon"):
        params = inspect.signature(getattr(torch.optim, cls).__init__).parameters
        defaults[cls] = {
            name: p.default
            for name, p in params.items()
            if isinstance(p.default, int | float | tuple) and not isinstance(p.default, bool)
        }
    defaults["has"] = {cls: hasattr(torch.optim, cls) for cls in ("Lion", "ScheduleFree")}
    (HERE / "torch_defaults.json").write_text(json.dumps(defaults, indent=1) + "\n")


def record_state_sizes():
    """Floats of optimizer state per parameter, as torch keeps them after one step on a
    float32 matrix (0-d tensors such as the step count left out): torch_state.json."""
    sizes = {}
    for state_id, factory, kwargs in registry.STATE_CONFIGS:
        param = torch.zeros(registry.STATE_SHAPE, dtype=torch.float32, requires_grad=True)
        cls = getattr(torch.optim, registry.TORCH_CLASS[factory])
        optimizer = cls([param], **registry.torch_kwargs(factory, kwargs))
        param.grad = torch.ones_like(param)
        optimizer.step()
        kept = optimizer.state[param].values()
        floats = sum(v.numel() for v in kept if torch.is_tensor(v) and v.dim() >= 1)
        sizes[state_id] = floats / param.numel()
    (HERE / "torch_state.json").write_text(json.dumps(sizes, indent=2) + "\n")
    return sizes


def record_schedules(replace=False, problem=None):
    """The learning rates of every registry schedule: torch_schedules.npz; and the plateau
    runs on ``problem`` (A, x0, noise; default: the stored one): torch_plateaus.npz."""
    lrs = {
        sid: record_schedule(name, kwargs, steps) for sid, name, kwargs, steps in registry.SCHEDULES
    }
    refuse_changes(changed_runs(lrs, HERE / "torch_schedules.npz"), replace)
    plateaus = record_plateaus(*(problem or stored_problem()))
    refuse_changes(changed_runs(plateaus, HERE / "torch_plateaus.npz"), replace)
    np.savez_compressed(HERE / "torch_schedules.npz", **lrs)
    np.savez_compressed(HERE / "torch_plateaus.npz", **plateaus)


def main(replace=False):
    if "--schedules-only" in sys.argv[1:]:  # new schedules: the trajectories stay as they are
        torch.set_default_dtype(torch.float64)
        record_schedules(replace)
        meta = json.loads((HERE / "metadata.json").read_text())
        meta["schedules"] = [s[0] for s in registry.SCHEDULES]
        meta["state_sizes"] = record_state_sizes()
        record_torch_defaults()
        meta["plateaus"] = [p[0] for p in registry.PLATEAUS] + [registry.PLATEAU_RUN[0]]
        (HERE / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n")
        return
    torch.set_default_dtype(torch.float64)
    A, x0, noise = stored_problem()
    runs = {"A": A, "x0": x0, "noise": noise}
    for run_id, factory, kwargs in registry.OPTIMIZERS:
        runs[run_id] = record_run(factory, kwargs, A, x0, noise)
    for run_id, factory, kwargs, schedule, steps in registry.SCHEDULED_RUNS:
        runs[run_id] = record_run(factory, kwargs, A, x0, noise[:steps], schedule)
    shape = registry.MATRIX_SHAPE
    matrix_file = HERE / "torch_matrix_trajectories.npz"
    A_m, x0_m, noise_m = stored_problem(matrix_file, lambda: make_matrix_problem(shape))
    matrix_runs = {"A": A_m, "x0": x0_m, "noise": noise_m}
    matrix_runs.update(record_matrix_runs(A_m, x0_m, noise_m))
    changed = changed_runs(runs, HERE / "torch_trajectories.npz")
    refuse_changes(changed + changed_runs(matrix_runs, matrix_file), replace)
    record_schedules(replace, (A, x0, noise))
    state_sizes = record_state_sizes()
    record_torch_defaults()
    np.savez_compressed(HERE / "torch_trajectories.npz", **runs)
    np.savez_compressed(matrix_file, **matrix_runs)

    meta = {
        "recorded": datetime.date.today().isoformat(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "command": ".venv-torch/bin/python tests/reference/record.py",
        "problem": "f(x) = x^T A x / 2, 4-D, eigenvalues (1, 5, 20, 50), random rotation; "
        f"g_t = A x_t + noise_t, noise N(0, 0.5^2); seed {SEED}; {STEPS} steps",
        "optimizers": [r[0] for r in registry.OPTIMIZERS],
        "matrix_problem": f"the same over {shape[0]} x {shape[1]} matrices (one 2-D tensor): "
        f"x = the flattened matrix, {int(np.prod(shape))}-D, eigenvalues geometric from 1 to "
        f"50; seed {SEED + 1}; {STEPS} steps (torch_matrix_trajectories.npz)",
        "matrix_optimizers": [r[0] for r in registry.MATRIX_OPTIMIZERS],
        "matrix_shapes": {k: list(v) for k, v in registry.MATRIX_SHAPES.items()},
        "matrix_bfloat16": [r[0] for r in registry.MATRIX_BFLOAT16],
        "muon": "MATRIX_OPTIMIZERS' Muon runs use torch's Newton-Schulz code with its "
        "cast to bfloat16 removed (float64); MATRIX_BFLOAT16's are torch as shipped",
        "scheduled_runs": [r[0] for r in registry.SCHEDULED_RUNS],
        "schedules": [s[0] for s in registry.SCHEDULES],
        "plateaus": [p[0] for p in registry.PLATEAUS] + [registry.PLATEAU_RUN[0]],
        "state_sizes": state_sizes,
    }
    (HERE / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main(replace="--replace" in sys.argv[1:])
