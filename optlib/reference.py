"""Compare optlib with the trajectories recorded from torch.optim.

The recordings live beside the tests (``tests/reference/``, made by
``tests/reference/record.py`` with torch 2.13 in float64); the configurations in
``tests/registry.py``. Chapters use :func:`torch_gap` to print how far optlib is
from torch for their optimizer; the tests assert the same numbers.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np

import optlib

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "reference"

__all__ = ["registry", "trajectories", "replay", "relative_gap", "torch_gap"]


@cache
def registry():
    """The shared registry of configurations (``tests/registry.py``)."""
    spec = importlib.util.spec_from_file_location("registry", ROOT / "tests" / "registry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def trajectories():
    """The recorded torch trajectories (and the problem they ran on)."""
    return dict(np.load(FIXTURES / "torch_trajectories.npz"))


def replay(opt, steps):
    """optlib's trajectory on the recorded noisy quadratic ``g_t = A x_t + noise_t``."""
    data = trajectories()
    A, noise, x = data["A"], data["noise"], data["x0"].copy()
    state, path = opt.init(x), [x]
    for t in range(steps):
        updates, state = opt.update(A @ x + noise[t], state, x)
        x = x + updates
        path.append(x)
    return np.array(path)


def relative_gap(ours, torch):
    """Largest |ours - torch| relative to the norm of torch's iterate at that step
    (per-iterate scaling keeps a coordinate crossing zero from inflating the ratio)."""
    scale = np.linalg.norm(torch, axis=-1, keepdims=True)
    return float(np.max(np.abs(ours - torch) / scale))


def torch_gap(run_id):
    """Max relative gap between optlib and torch over a recorded run, e.g. ``"adam"``."""
    configs = {rid: (factory, kwargs) for rid, factory, kwargs in registry().OPTIMIZERS}
    if run_id not in configs:
        raise ValueError(f"run_id must be one of {sorted(configs)}, got {run_id!r}")
    factory, kwargs = configs[run_id]
    torch_path = trajectories()[run_id]
    return relative_gap(
        replay(optlib.OPTIMIZERS[factory](**kwargs), len(torch_path) - 1), torch_path
    )
