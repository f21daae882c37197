"""Per-step overhead on small problems: optlib against torch.optim.

The same problem (a diagonal quadratic f(x) = 1/2 sum h_i x_i^2, gradient h * x) and
the same 1000 steps, in float64, for Adam and SGD with momentum, with 2 and 100
parameters. optlib: ``g = h * x; updates, state = opt.update(g, state, x); x = x +
updates``. torch: ``p.grad = h * p; opt.step()`` under ``no_grad``, with the
default ``foreach=None`` and with ``foreach=False``. Both end at the same point
(checked to a relative 1e-10). Target: torch's time per step >= 3x optlib's.
"""

from __future__ import annotations

import json

import numpy as np
import torch

import optlib
from benchmarks.common import check, ratio, summary, timings

# numpy runs on one thread: compare like with like. (With 2 threads on this shared
# 2-core machine, torch's second thread also waits for other jobs: ms-long stalls.)
torch.set_num_threads(1)

STEPS = 1000
SIZES = (2, 100)
TARGET = 3.0
CONFIGS = {
    "adam": (
        lambda: optlib.adam(lr=1e-2),
        lambda p, fe: torch.optim.Adam([p], lr=1e-2, foreach=fe),
    ),
    "sgd_momentum": (
        lambda: optlib.sgd(lr=1e-2, momentum=0.9),
        lambda p, fe: torch.optim.SGD([p], lr=1e-2, momentum=0.9, foreach=fe),
    ),
}


def problem(n):
    h = np.geomspace(1.0, 10.0, n)  # curvatures
    x0 = np.linspace(-1.0, 1.0, n) + 0.5
    return h, x0


def optlib_loop(make, h, x0, steps=STEPS):
    opt = make()
    x = x0.copy()
    state = opt.init(x)
    for _ in range(steps):
        updates, state = opt.update(h * x, state, x)
        x = x + updates
    return x


def torch_loop(make, h, x0, foreach, steps=STEPS):
    p = torch.tensor(x0, requires_grad=True)
    ht = torch.tensor(h)
    opt = make(p, foreach)
    with torch.no_grad():
        for _ in range(steps):
            p.grad = ht * p
            opt.step()
    return p.detach().numpy()


def measure(repeats=7):
    checks, rows = [], []
    for name, (make_ours, make_torch) in CONFIGS.items():
        for n in SIZES:
            h, x0 = problem(n)
            ours = summary(timings(optlib_loop, make_ours, h, x0, repeats=repeats))
            for foreach in (None, False):
                theirs = summary(timings(torch_loop, make_torch, h, x0, foreach, repeats=repeats))
                ref = torch_loop(make_torch, h, x0, foreach)
                gap = float(np.max(np.abs(optlib_loop(make_ours, h, x0) - ref) / np.abs(ref)))
                speedup = ratio(theirs, ours)
                rows.append(
                    {
                        "optimizer": name,
                        "n": n,
                        "foreach": foreach,
                        "optlib_us_per_step": {k: ours[k] / STEPS * 1e6 for k in ("min", "median")},
                        "torch_us_per_step": {
                            k: theirs[k] / STEPS * 1e6 for k in ("min", "median")
                        },
                        "optlib_spread": ours["spread"],
                        "torch_spread": theirs["spread"],
                        "torch_over_optlib": speedup,
                        "max_relative_gap": gap,
                    }
                )
                checks.append(
                    check(
                        f"step overhead, {name}, n={n}, torch foreach={foreach}",
                        speedup["min"],
                        TARGET,
                        "higher",
                        "torch time / optlib time",
                        rows[-1],
                    )
                )
    return {"checks": checks}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
