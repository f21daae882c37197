"""A hyperparameter sweep: 10,000 Adam configurations x 500 steps on Rosenbrock.

One ``optlib.run`` call with ``(K, 1)`` arrays for lr and beta1 and a ``(K, 2)``
start runs all K optimizers at once. The same sweep as a Python loop over
configurations (one ``optlib.run`` per configuration) is timed on a subset and
scaled to K; the two are checked to give the same trajectories.
Target: the broadcast sweep < 1 s.
"""

from __future__ import annotations

import json

import numpy as np

import optlib
from benchmarks.common import check, ratio, summary, timings

STEPS = 500
GRID = 100  # 100 learning rates x 100 beta1 values = 10,000 configurations
LOOP_SUBSET = 100  # configurations timed one by one (the full loop would take minutes)
TARGET_S = 1.0


def grid(n=GRID):
    lr, beta1 = np.meshgrid(np.geomspace(1e-4, 1e-1, n), np.linspace(0.0, 0.99, n))
    return lr.reshape(-1, 1), beta1.reshape(-1, 1)


def broadcast(problem, lr, beta1, steps=STEPS):
    x0 = np.broadcast_to(problem.x0, (lr.shape[0], problem.x0.size))
    return optlib.run(optlib.adam(lr=lr, beta1=beta1), problem, steps, x0=x0)


def loop(problem, lr, beta1, steps=STEPS):
    return [
        optlib.run(optlib.adam(lr=float(a), beta1=float(b)), problem, steps)
        for a, b in zip(lr[:, 0], beta1[:, 0], strict=True)
    ]


def measure(repeats=7):
    problem = optlib.problems.rosenbrock()
    lr, beta1 = grid()
    K = lr.shape[0]
    t_sweep = summary(timings(lambda: broadcast(problem, lr, beta1), repeats=repeats))

    pick = np.linspace(0, K - 1, LOOP_SUBSET).astype(int)
    t_loop_sub = summary(timings(lambda: loop(problem, lr[pick], beta1[pick]), repeats=3))
    t_loop = {k: v * K / LOOP_SUBSET for k, v in t_loop_sub.items() if k in ("min", "median")}

    # the broadcast sweep is the loop: same trajectories, bit for bit on this subset
    batched = broadcast(problem, lr[pick], beta1[pick])
    single = loop(problem, lr[pick], beta1[pick])
    same = all(
        np.array_equal(batched.params[:, i], r.params, equal_nan=True) for i, r in enumerate(single)
    )
    speedup = ratio(t_loop, t_sweep)
    return {
        "check": check(
            "sweep of 10,000 configurations x 500 steps (broadcast)",
            t_sweep["min"] / TARGET_S,
            1.0,
            "lower",
            "time / 1 s",
            {
                "sweep_s": t_sweep,
                "loop_s_scaled": t_loop,
                "loop_subset": LOOP_SUBSET,
                "loop_over_broadcast": speedup,
                "configurations": K,
                "steps": STEPS,
                "broadcast_equals_loop": bool(same),
                "diverged": int(broadcast(problem, lr, beta1).diverged.sum()),
            },
        )
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
