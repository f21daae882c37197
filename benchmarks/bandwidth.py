"""One Adam step on 10 million float32 parameters against the memory-bandwidth bound.

An Adam step must at least read params, grads, m and v and write params, m and v:
7 arrays of N float32, 28 N bytes. The machine's bandwidth is measured in the same
run, as the faster of a large numpy copy (2 arrays moved) and add (3 arrays moved);
the bound is 28 N bytes / that bandwidth. Timed beside it: optlib's step
(``opt.update`` then ``params + updates``, whole arrays), the same optlib update
applied block by block (so that its temporaries stay in the cache, see
:func:`blocked_step`), and ``torch.optim.Adam`` with ``foreach=True`` and
``fused=True``, and :func:`numpy_floor`, the fastest numpy formulation we found, which
bounds what any one-ufunc-per-operation step can do. Target: optlib within 2.5x of
the bound.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import torch

import optlib
from benchmarks.common import check, summary, timings

# numpy runs on one thread: compare like with like. (With 2 threads on this shared
# 2-core machine, torch's second thread also waits for other jobs: ms-long stalls.)
torch.set_num_threads(1)

N = 10_000_000
ARRAYS_MOVED = 7  # read params, grads, m, v; write params, m, v
TARGET = 2.5
BLOCK = 2**15  # elements per block: 128 KiB per float32 array, a few of them fit in L2


def bandwidth(n=N, repeats=9):
    """Bytes per second of a numpy copy and add on n float32 (destination already touched)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(n, dtype=np.float32), rng.standard_normal(n, dtype=np.float32)
    out = np.zeros_like(a)
    copy = summary(timings(lambda: np.copyto(out, a), repeats=repeats))
    add = summary(timings(lambda: np.add(a, b, out=out), repeats=repeats))
    size = a.nbytes
    return {
        "copy_GBps": 2 * size / copy["min"] / 1e9,
        "add_GBps": 3 * size / add["min"] / 1e9,
        "copy_s": copy,
        "add_s": add,
    }


def blocked_step(opt, grads, state, params, block=BLOCK):
    """``opt.update`` and ``params + updates`` on consecutive blocks of a flat array.

    The update is elementwise (for scalar hyperparameters), so applying it to blocks
    gives the same numbers bit for bit; each block's temporaries stay in the cache,
    so memory traffic drops to the arrays that must be read and written.
    """
    fields = [f for f in state._fields if isinstance(getattr(state, f), np.ndarray)]
    new = {f: np.empty_like(getattr(state, f)) for f in fields}
    new_params = np.empty_like(params)
    t = None
    for start in range(0, params.size, block):
        part = slice(start, start + block)
        sub = state._replace(**{f: getattr(state, f)[part] for f in fields})
        updates, sub = opt.update(grads[part], sub, params[part])
        np.add(params[part], updates, out=new_params[part])
        for f in fields:
            new[f][part] = getattr(sub, f)
        t = sub.t
    return new_params, state._replace(t=t, **new)


def numpy_floor(opt, grads, state, params, block=BLOCK):
    """Adam as few numpy calls as it can be: 13 ufuncs per block, written into
    preallocated outputs and two cache-sized scratch arrays (no allocation inside the
    loop, no Python per element). Not optlib's code: the yardstick of what a step made
    of one-operation-at-a-time numpy calls can reach; its result must equal optlib's.
    """
    b1, b2, eps, t = 0.9, 0.999, 1e-8, state.t + 1  # optlib.adam's defaults, lr = 1e-3
    scale, root_c2 = -(1e-3 / (1 - b1**t)), math.sqrt(1 - b2**t)
    m, v, new_params = np.empty_like(params), np.empty_like(params), np.empty_like(params)
    scratch, denom = np.empty(block, params.dtype), np.empty(block, params.dtype)
    for start in range(0, params.size, block):
        part = slice(start, start + block)
        g, mb, vb = grads[part], m[part], v[part]
        tmp, d = scratch[: len(g)], denom[: len(g)]
        np.multiply(state.m[part], b1, out=mb)  # m = b1 m + (1 - b1) g
        np.multiply(g, 1 - b1, out=tmp)
        np.add(mb, tmp, out=mb)
        np.multiply(state.v[part], b2, out=vb)  # v = b2 v + (1 - b2) g g
        np.multiply(g, 1 - b2, out=tmp)
        np.multiply(tmp, g, out=tmp)
        np.add(vb, tmp, out=vb)
        np.sqrt(vb, out=d)  # sqrt(v) / sqrt(1 - b2^t) + eps
        np.divide(d, root_c2, out=d)
        np.add(d, eps, out=d)
        np.multiply(mb, scale, out=tmp)  # -(lr / (1 - b1^t)) m / denom
        np.divide(tmp, d, out=tmp)
        np.add(params[part], tmp, out=new_params[part])
    return new_params, state._replace(t=t, m=m, v=v)


def setup(n=N, seed=0):
    """Params, grads and an Adam state after a few steps (bias corrections not 1)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n, dtype=np.float32)
    g = rng.standard_normal(n, dtype=np.float32)
    opt = optlib.adam(lr=1e-3)
    state = opt.init(x)
    for _ in range(3):
        _, state = opt.update(g, state, x)
    return opt, x, g, state


def optlib_step(opt, x, g, state):
    updates, state = opt.update(g, state, x)
    return x + updates, state


def torch_adam(x, g, **kind):
    """A torch.optim.Adam on a copy of x with grad g, stepped once to create its state."""
    p = torch.tensor(x, requires_grad=True)
    p.grad = torch.from_numpy(g)
    opt = torch.optim.Adam([p], lr=1e-3, **kind)
    opt.step()
    return opt


# Beside Adam, one step of other optimizers against their own floors: s arrays of state
# per parameter move (3 + 2s) arrays of 4N bytes (read params, grads and the state,
# write params and the state). name: (s, optlib optimizer, torch class and kwargs or None,
# the torch implementations to time)
OTHERS = {
    "SGD, momentum 0.9": (
        1,
        lambda: optlib.sgd(lr=1e-3, momentum=0.9),
        ("SGD", {"lr": 1e-3, "momentum": 0.9}),
        {"foreach": {"foreach": True}, "fused": {"fused": True}},
    ),
    "RAdam": (
        2,
        lambda: optlib.radam(lr=1e-3),
        ("RAdam", {"lr": 1e-3}),
        {"foreach": {"foreach": True}},
    ),
    "Lion": (1, lambda: optlib.lion(lr=1e-4), None, {}),
    "Adafactor (a vector: not factored)": (
        1,
        lambda: optlib.adafactor(lr=1e-2),
        ("Adafactor", {"lr": 1e-2}),
        {"foreach": {"foreach": True}},
    ),
}


def measure_others(x, g, bandwidth_Bps, repeats=5):
    """optlib's step and torch's implementations of each of OTHERS, over their floors."""
    out = {}
    for name, (s, make, torch_spec, kinds) in OTHERS.items():
        opt = make()
        state = opt.init(x)
        for _ in range(3):
            _, state = opt.update(g, state, x)
        floor_s = (3 + 2 * s) * 4 * x.size / bandwidth_Bps
        row = {"s": s, "floor_s": floor_s}
        step = functools.partial(optlib_step, opt, x, g, state)
        row["optlib_s"] = summary(timings(step, repeats=repeats))
        row["torch_s"] = {}
        for kind, kwargs in kinds.items():
            p = torch.tensor(x, requires_grad=True)
            p.grad = torch.from_numpy(g)
            topt = getattr(torch.optim, torch_spec[0])([p], **torch_spec[1], **kwargs)
            topt.step()
            row["torch_s"][kind] = summary(timings(topt.step, repeats=repeats))
            del topt, p
        row["over_floor"] = {
            "optlib": row["optlib_s"]["min"] / floor_s,
            **{f"torch_{k}": v["min"] / floor_s for k, v in row["torch_s"].items()},
        }
        out[name] = row
        del state, step
    return out


def measure(repeats=7):
    bw = bandwidth()
    best = max(bw["copy_GBps"], bw["add_GBps"]) * 1e9
    bound_s = ARRAYS_MOVED * 4 * N / best

    opt, x, g, state = setup()
    whole = summary(timings(lambda: optlib_step(opt, x, g, state), repeats=repeats))
    blocked = summary(timings(lambda: blocked_step(opt, g, state, x), repeats=repeats))
    floor = summary(timings(lambda: numpy_floor(opt, g, state, x), repeats=repeats))
    reference = optlib_step(opt, x, g, state)[0]
    same = np.array_equal(reference, blocked_step(opt, g, state, x)[0])
    floor_same = np.array_equal(reference, numpy_floor(opt, g, state, x)[0])
    torch_s = {}
    for name, kind in {
        "foreach": {"foreach": True},
        "fused": {"fused": True},
        "single_tensor": {"foreach": False},
    }.items():
        topt = torch_adam(x, g, **kind)
        torch_s[name] = summary(timings(topt.step, repeats=repeats))
        del topt
    detail = {
        "n": N,
        "dtype": "float32",
        "bytes_per_step_bound": ARRAYS_MOVED * 4 * N,
        "bandwidth": bw,
        "bound_s": bound_s,
        "optlib_s": whole,
        "optlib_blocked_s": blocked,
        "blocked_equals_whole": bool(same),
        "numpy_floor_s": floor,
        "numpy_floor_equals_whole": bool(floor_same),
        "block": BLOCK,
        "torch_s": torch_s,
        "over_bound": {
            "optlib": whole["min"] / bound_s,
            "optlib_blocked": blocked["min"] / bound_s,
            "numpy_floor": floor["min"] / bound_s,
            **{f"torch_{k}": v["min"] / bound_s for k, v in torch_s.items()},
        },
        "torch_threads": torch.get_num_threads(),
        "others": measure_others(x, g, best),
    }
    return {
        "checks": [
            check(
                "one Adam step, 10M float32 (optlib, whole arrays)",
                whole["min"] / bound_s,
                TARGET,
                "lower",
                "time / bandwidth bound",
                detail,
            ),
            check(
                "one Adam step, 10M float32 (optlib update applied blockwise)",
                blocked["min"] / bound_s,
                TARGET,
                "lower",
                "time / bandwidth bound",
                {"see": "detail of the whole-array check"},
            ),
        ]
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
