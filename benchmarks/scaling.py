"""How the costs grow: with the number of parameters and with the number of steps.

- Parameter count: one Adam step on n float32 parameters, n = 10 ... 10^7, for
  optlib (``opt.update`` + ``params + updates``) and torch.optim.Adam (single
  tensor, foreach, fused), beside the bandwidth bound 28 n bytes / bandwidth.
- Steps: ``optlib.run`` of Adam on Rosenbrock for 10 ... 1000 steps, with K = 1
  (a widget update), 100 and 10,000 configurations broadcast in one call (a sweep).
"""

from __future__ import annotations

import json

import numpy as np

import optlib
from benchmarks.bandwidth import ARRAYS_MOVED, bandwidth, optlib_step, setup, torch_adam
from benchmarks.common import summary, timings

SIZES = [10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
STEPS = [10, 30, 100, 300, 1000]
BATCHES = [1, 100, 10_000]
TORCH_KINDS = {
    "torch_single_tensor": {"foreach": False},
    "torch_foreach": {"foreach": True},
    "torch_fused": {"fused": True},
}


def _number(n):
    """Calls per sample: about 10 M parameter-updates per sample, at least one."""
    return max(1, 10_000_000 // (n * 10))


def by_size(repeats=5):
    bw = bandwidth(n=10_000_000)
    best = max(bw["copy_GBps"], bw["add_GBps"]) * 1e9
    rows = []
    for n in SIZES:
        opt, x, g, state = setup(n)
        number = min(_number(n), 200)
        row = {"n": n, "bound_s": ARRAYS_MOVED * 4 * n / best}
        row["optlib_s"] = summary(
            timings(optlib_step, opt, x, g, state, repeats=repeats, number=number)
        )
        for name, kind in TORCH_KINDS.items():
            topt = torch_adam(x, g, **kind)
            row[f"{name}_s"] = summary(timings(topt.step, repeats=repeats, number=number))
            del topt
        rows.append(row)
    return {"bandwidth_GBps": best / 1e9, "rows": rows}


def by_steps(repeats=5):
    problem = optlib.problems.rosenbrock()
    rows = []
    for K in BATCHES:
        lr = np.geomspace(1e-4, 1e-1, K).reshape(K, 1)
        x0 = np.broadcast_to(problem.x0, (K, 2))
        opt = optlib.adam(lr=lr)
        for steps in STEPS:
            t = summary(timings(optlib.run, opt, problem, steps, x0, repeats=repeats))
            rows.append({"K": K, "steps": steps, "run_s": t})
    return {"rows": rows}


def measure():
    return {"by_size": by_size(), "by_steps": by_steps()}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
