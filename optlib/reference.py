"""Compare optlib with the trajectories recorded from torch.optim.

The recordings live beside the tests (``tests/reference/``, made by
``tests/reference/record.py`` with torch 2.13 in float64); the configurations in
``tests/registry.py``. Chapters use :func:`torch_gap` to print how far optlib is
from torch for their optimizer; the tests assert the same numbers.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

import numpy as np

import optlib

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "reference"

__all__ = [
    "registry",
    "trajectories",
    "matrix_trajectories",
    "path",
    "replay",
    "replay_matrix",
    "relative_gap",
    "torch_gap",
    "library_runs",
    "library_gap",
    "keras_weight_decay",
]


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


def path(make, gradient, x0, steps):
    """The iterates of ``make(t)`` (the optimizer of step t = 1, 2, ...; the state
    carries over) fed ``gradient(x, t)``, from ``x0``, as an array of steps + 1 points."""
    x = np.array(x0, dtype=float)
    state, points = make(1).init(x), [x]
    for t in range(1, steps + 1):
        updates, state = make(t).update(gradient(x, t), state, x)
        x = x + updates
        points.append(x)
    return np.array(points)


def replay(opt, steps):
    """optlib's trajectory on the recorded noisy quadratic ``g_t = A x_t + noise_t``."""
    data = trajectories()
    A, noise = data["A"], data["noise"]
    return path(lambda t: opt, lambda x, t: A @ x + noise[t - 1], data["x0"], steps)


@cache
def matrix_trajectories():
    """The recorded torch trajectories of matrix parameters (``registry.MATRIX_SHAPE``,
    one 2-D tensor) and the problem they ran on (on the flattened matrix)."""
    return dict(np.load(FIXTURES / "torch_matrix_trajectories.npz"))


def replay_matrix(opt, steps, shape=None):
    """optlib's trajectory on the recorded matrix problem, ``G_t = reshape(A vec(X_t) +
    noise_t)``: an array of shape ``(steps + 1, r, c)`` (``shape``: ``(r, c)``, by
    default ``registry().MATRIX_SHAPE``)."""
    data = matrix_trajectories()
    A, noise = data["A"], data["noise"]
    shape = registry().MATRIX_SHAPE if shape is None else shape
    x0 = data["x0"].reshape(shape)
    return path(
        lambda t: opt, lambda x, t: (A @ x.ravel() + noise[t - 1]).reshape(shape), x0, steps
    )


def relative_gap(ours, torch):
    """Largest |ours - torch| relative to the norm of torch's iterate at that step
    (per-iterate scaling keeps a coordinate crossing zero from inflating the ratio)."""
    scale = np.linalg.norm(torch, axis=-1, keepdims=True)
    return float(np.max(np.abs(ours - torch) / scale))


def torch_gap(run_id):
    """Max relative gap between optlib and torch over a recorded run, e.g. ``"adam"`` (or
    a matrix run, e.g. ``"adafactor-matrix"``; ``"muon-bfloat16"`` is torch's Muon as
    shipped, which orthogonalises in bfloat16)."""
    configs = {rid: (factory, kwargs) for rid, factory, kwargs in registry().OPTIMIZERS}
    reg = registry()
    matrix = {rid: (f, kwargs) for rid, f, kwargs in reg.MATRIX_OPTIMIZERS + reg.MATRIX_BFLOAT16}
    if run_id not in configs and run_id not in matrix:
        raise ValueError(f"run_id must be one of {sorted(configs | matrix)}, got {run_id!r}")
    if run_id in matrix:
        factory, kwargs = matrix[run_id]
        torch_path = matrix_trajectories()[run_id]
        shape = reg.MATRIX_SHAPES.get(run_id, reg.MATRIX_SHAPE)
        ours = replay_matrix(optlib.OPTIMIZERS[factory](**kwargs), len(torch_path) - 1, shape)
        # per iterate, the whole matrix is the point: flatten before measuring
        return relative_gap(ours.reshape(len(ours), -1), torch_path.reshape(len(ours), -1))
    factory, kwargs = configs[run_id]
    torch_path = trajectories()[run_id]
    return relative_gap(
        replay(optlib.OPTIMIZERS[factory](**kwargs), len(torch_path) - 1), torch_path
    )


@cache
def library_runs():
    """The trajectories recorded from optax 0.2.8 and Keras 3.15.1 in float64
    (``tests/reference/record_optax_keras.py``): ``"gradients"``, ``"x0"`` and one
    path per library optimizer, e.g. ``"keras_adam"``, ``"optax_amsgrad"``."""
    runs = dict(np.load(FIXTURES / "optax_keras.npz"))
    runs["x0"] = np.array(json.loads((FIXTURES / "optax_keras.json").read_text())["x0"])
    return runs


def library_gap(run, make):
    """Max relative gap between a recorded optax/Keras path and optlib fed the same
    gradients. ``make(t)`` gives the optimizer for step t = 1, 2, ... (the state carries
    over; a constant such as Keras's effective epsilon may change with t)."""
    runs = library_runs()
    gradients = runs["gradients"]
    ours = path(make, lambda x, t: gradients[t - 1], runs["x0"], len(gradients))
    recorded = runs[run]
    return float(np.max(np.abs(ours - recorded) / np.abs(recorded)))


def keras_weight_decay(opt, lr, weight_decay):
    """``opt`` with weight decay applied as Keras 3 applies it in every optimizer (its
    base optimizer's ``_apply_weight_decay``, before ``update_step``):
    ``theta <- theta - lr * weight_decay * theta``, with theta from before the step and
    outside ``opt``'s rule, which sees the gradient alone. Pass ``opt`` without decay."""

    def update(grads, state, params):
        updates, state = opt.update(grads, state, params)
        return updates - lr * weight_decay * params, state

    return optlib.Optimizer(opt.init, update)
