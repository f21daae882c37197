"""The conventions table of book/conventions.ipynb, checked against optax and Keras.

The recordings (``tests/reference/optax_keras.npz``, made by
``tests/reference/record_optax_keras.py`` with optax 0.2.8 and Keras 3.15.1 on jax,
float64) are replayed here with optlib and the switch the book names for each
library's form, or, where optlib has no switch, with the book's closed form of the
difference; the torch-form optlib must then miss the recording, so the difference is
real. Needs neither jax nor Keras. The ``keras_*_wd`` recordings check that Keras's
``weight_decay`` is decoupled in every optimizer, not only in AdamW.
"""

import inspect
import json
from pathlib import Path

import numpy as np
import pytest
from registry import OPTAX_EVAL, OPTAX_FACTORY, OPTAX_OPTIMIZERS, optax_kwargs

import optlib
import optlib.schedule_free
from optlib.reference import keras_weight_decay, library_gap, library_runs

HERE = Path(__file__).parent / "reference"
RUNS = library_runs()  # the recordings, read by the same helper the chapter uses
INFO = json.loads((HERE / "optax_keras.json").read_text())
G, X0 = RUNS["gradients"], RUNS["x0"]
B2 = 0.999


def gap(path, recorded):
    """Largest relative distance of a hand-computed path from a recorded one (the
    measure ``library_gap`` uses for optlib's)."""
    return float(np.max(np.abs(path - recorded) / np.abs(recorded)))


def keras_eps(t):
    """Keras's epsilon, moved into PyTorch's place: eps / sqrt(1 - beta2^t)."""
    return 1e-7 / np.sqrt(1 - B2**t)


# The book's table, column by column (the libraries' defaults).
OPTAX_DEFAULTS = {
    "adagrad": {"initial_accumulator_value": 0.1, "eps": 1e-7},
    "rmsprop": {"decay": 0.9, "eps": 1e-8},
    "adadelta": {"rho": 0.9, "eps": 1e-6},
    "adam": {"eps": 1e-8, "eps_root": 0.0},
    "adamw": {"weight_decay": 1e-4},
}
KERAS_DEFAULTS = {
    "Adagrad": {"learning_rate": 1e-3, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
    "RMSprop": {"learning_rate": 1e-3, "rho": 0.9, "epsilon": 1e-7},
    "Adadelta": {"learning_rate": 1e-3, "rho": 0.95, "epsilon": 1e-7},
    "Adam": {"epsilon": 1e-7},
    "AdamW": {"weight_decay": 4e-3},
    "Adamax": {"learning_rate": 1e-3, "epsilon": 1e-7},
    "Nadam": {"learning_rate": 1e-3},
}


def test_recorded_defaults_are_the_tables():
    for factory, expected in OPTAX_DEFAULTS.items():
        recorded = INFO["optax_defaults"][factory]
        assert {k: recorded[k] for k in expected} == expected, f"optax.{factory}"
    for cls, expected in KERAS_DEFAULTS.items():
        recorded = INFO["keras_defaults"][cls]
        assert {k: recorded[k] for k in expected} == expected, f"keras.optimizers.{cls}"


# Runs that optlib reproduces with a switch: run name -> the optlib optimizer.
SAME = {
    "optax_sgd_momentum": lambda: optlib.sgd(lr=0.01, momentum=0.9),
    "keras_sgd_momentum": lambda: optlib.sgd(lr=0.01, momentum=0.9),  # v = mu v - eta g
    "optax_adagrad": lambda: optlib.adagrad(
        lr=0.01, initial_accumulator_value=0.1, eps=1e-7, eps_inside=True
    ),
    "keras_adagrad": lambda: optlib.adagrad(
        lr=1e-3, initial_accumulator_value=0.1, eps=1e-7, eps_inside=True
    ),
    "optax_rmsprop": lambda: optlib.rmsprop(lr=0.01, rho=0.9, eps=1e-8, eps_inside=True),
    "keras_rmsprop": lambda: optlib.rmsprop(lr=1e-3, rho=0.9, eps=1e-7, eps_inside=True),
    "optax_adadelta": lambda: optlib.adadelta(lr=1.0, rho=0.9, eps=1e-6),
    "keras_adadelta": lambda: optlib.adadelta(lr=1e-3, rho=0.95, eps=1e-7),
    "optax_adam": lambda: optlib.adam(lr=0.01),
    "optax_adamw": lambda: optlib.adamw(lr=0.01, weight_decay=1e-4),
    "optax_adamax": lambda: optlib.adamax(lr=0.01),  # eps inside the max, as torch
    "optax_nadam": lambda: optlib.nadam(lr=0.01, momentum_decay=1e4),  # mu_t = beta1
    "keras_nadam": lambda: optlib.nadam(lr=1e-3, eps=1e-7, momentum_decay=1.0),  # 0.96^t
}


@pytest.mark.parametrize("run", sorted(SAME))
def test_optlib_with_the_books_switch_is_the_library(run):
    assert library_gap(run, lambda t: SAME[run]()) < 1e-12


@pytest.mark.parametrize(
    "run, make",
    [
        ("keras_adam", lambda eps: optlib.adam(lr=1e-3, eps=eps)),
        ("keras_amsgrad", lambda eps: optlib.adam(lr=1e-3, eps=eps, amsgrad=True)),
        ("keras_adamw", lambda eps: optlib.adamw(lr=1e-3, eps=eps, weight_decay=4e-3)),
    ],
)
def test_keras_adds_eps_to_the_uncorrected_root(run, make):
    """Keras's Adam is PyTorch's with eps replaced by eps / sqrt(1 - beta2^t)."""
    assert library_gap(run, lambda t: make(keras_eps(t))) < 1e-12
    assert library_gap(run, lambda t: make(1e-7)) > 1e-4  # a constant eps misses


def test_optax_amsgrad_takes_the_maximum_of_the_corrected_v():
    b1, lr, eps = 0.9, 0.01, 1e-8
    x, m, v, v_max, out = X0.copy(), 0.0, 0.0, 0.0, [X0]
    for t, g in enumerate(G, start=1):
        m = b1 * m + (1 - b1) * g
        v = B2 * v + (1 - B2) * g * g
        v_max = np.maximum(v_max, v / (1 - B2**t))  # corrected, then the maximum
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v_max) + eps)
        out.append(x)
    assert gap(np.array(out), RUNS["optax_amsgrad"]) < 1e-12
    assert library_gap("optax_amsgrad", lambda t: optlib.adam(lr=lr, amsgrad=True)) > 1e-4


def test_keras_adamax_adds_eps_to_u():
    b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-7
    x, m, u, out = X0.copy(), 0.0, 0.0, [X0]
    for t, g in enumerate(G, start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))  # eps is not inside the max ...
        x = x - lr * m / ((1 - b1**t) * (u + eps))  # ... but added to u
        out.append(x)
    assert gap(np.array(out), RUNS["keras_adamax"]) < 1e-12
    assert library_gap("keras_adamax", lambda t: optlib.adamax(lr=lr, eps=eps)) > 1e-7


def test_the_libraries_differ_from_pytorchs_defaults():
    """Without the switches, PyTorch's forms miss every non-PyTorch recording above."""
    torch_forms = {
        "optax_adagrad": optlib.adagrad(lr=0.01),
        "keras_rmsprop": optlib.rmsprop(lr=1e-3, rho=0.9, eps=1e-7),
        "keras_nadam": optlib.nadam(lr=1e-3, eps=1e-7),
        "optax_nadam": optlib.nadam(lr=0.01),
    }
    for run, opt in torch_forms.items():
        assert library_gap(run, lambda t, opt=opt: opt) > 1e-6, run


# Keras's weight_decay in optimizers other than AdamW: run -> (Keras's learning rate, the
# optlib optimizer of step t that matches the run without decay, given weight_decay=...
# for PyTorch's L2 form). The switches are those of SAME and of Keras's Adam above.
WD = INFO["runs"]["keras_adam_wd"]["kwargs"]["weight_decay"]
KERAS_WD = {
    "keras_sgd_momentum_wd": (1e-2, lambda t, **wd: optlib.sgd(lr=1e-2, momentum=0.9, **wd)),
    "keras_adagrad_wd": (
        1e-3,
        lambda t, **wd: optlib.adagrad(
            lr=1e-3, initial_accumulator_value=0.1, eps=1e-7, eps_inside=True, **wd
        ),
    ),
    "keras_rmsprop_wd": (
        1e-3,
        lambda t, **wd: optlib.rmsprop(lr=1e-3, rho=0.9, eps=1e-7, eps_inside=True, **wd),
    ),
    "keras_adadelta_wd": (1e-3, lambda t, **wd: optlib.adadelta(lr=1e-3, rho=0.95, eps=1e-7, **wd)),
    "keras_adam_wd": (1e-3, lambda t, **wd: optlib.adam(lr=1e-3, eps=keras_eps(t), **wd)),
    "keras_nadam_wd": (
        1e-3,
        lambda t, **wd: optlib.nadam(lr=1e-3, eps=1e-7, momentum_decay=1.0, **wd),
    ),
}


def decay_after(opt, lr, weight_decay):
    """The other order: the step first, then theta <- theta(1 - lr * weight_decay)."""

    def update(grads, state, params):
        updates, state = opt.update(grads, state, params)
        return updates - lr * weight_decay * (params + updates), state

    return optlib.Optimizer(opt.init, update)


def test_the_weight_decay_runs_are_recorded():
    assert sorted(KERAS_WD) == sorted(r for r in INFO["runs"] if r.endswith("_wd"))
    assert all(INFO["runs"][r]["kwargs"]["weight_decay"] == WD for r in KERAS_WD)


@pytest.mark.parametrize("run", sorted(KERAS_WD))
def test_keras_decouples_weight_decay_in_every_optimizer(run):
    """theta <- theta - eta * omega * theta with the theta from before the step, then the
    optimizer's own step on the gradient alone; PyTorch's L2 form (omega * theta added
    to the gradient) and the decay applied after the step both miss."""
    lr, make = KERAS_WD[run]
    decoupled = library_gap(run, lambda t: keras_weight_decay(make(t), lr, WD))
    l2 = library_gap(run, lambda t: make(t, weight_decay=WD))
    after = library_gap(run, lambda t: decay_after(make(t), lr, WD))
    assert decoupled < 1e-12, f"{run}: the decoupled form is off by {decoupled:.1e}"
    assert l2 > 1e-5, f"{run}: the L2 form is within {l2:.1e} (decoupled {decoupled:.1e})"
    assert after > 1e-11, f"{run}: decay after the step is within {after:.1e}"


def test_keras_adam_with_weight_decay_is_adamw():
    """keras.optimizers.Adam(weight_decay=w) is optlib.adamw, as Keras's AdamW is."""
    gap_ = library_gap(
        "keras_adam_wd", lambda t: optlib.adamw(lr=1e-3, eps=keras_eps(t), weight_decay=WD)
    )
    assert gap_ < 1e-12, f"keras_adam_wd vs optlib.adamw: {gap_:.1e}"


# Optimizers that torch.optim lacks, optax being their reference (tests/registry.py).
RTOL = 1e-10  # as for the torch fixtures: both sides compute in float64
# optax's warm-up schedule computes in float32 even with jax_enable_x64 (its step count is
# an int32, and int32 / int gives float32): the warm-up learning rates carry relative
# errors up to 2^-24 = 6e-8, which move the recorded path by about 1e-9 (measured 8.7e-10)
RTOL_FLOAT32_WARMUP = 1e-8


def tolerance(kwargs):
    return RTOL_FLOAT32_WARMUP if kwargs.get("warmup_steps") else RTOL


@pytest.mark.parametrize(
    "run_id, factory, kwargs", OPTAX_OPTIMIZERS, ids=[o[0] for o in OPTAX_OPTIMIZERS]
)
def test_optimizers_without_torch_class_match_optax(run_id, factory, kwargs):
    recorded = RUNS[f"optax_{run_id}"]
    assert INFO["dtype"] == "float64" and recorded.dtype == np.float64
    assert np.linalg.norm(recorded[-1] - recorded[0]) > 0.1  # the run goes somewhere
    gap = library_gap(f"optax_{run_id}", lambda t: optlib.OPTIMIZERS[factory](**kwargs))
    assert gap < tolerance(kwargs)


def float32_warmup(lr, warmup_steps, count):
    """optax's warmup_constant_schedule(0, lr, warmup_steps) as it computes: in float32."""
    if warmup_steps is None:
        return lr
    f32 = np.float32
    frac = f32(1) - f32(min(count, warmup_steps)) / f32(warmup_steps)
    return float((f32(0) - f32(lr)) * frac + f32(lr))


def schedule_free_path(kwargs):
    """optlib's y_t and x_t (eval_params) on the recorded gradients."""
    opt = optlib.schedule_free_adamw(**kwargs)
    y = RUNS["x0"].copy()
    state, ys, xs = opt.init(y), [y], [y]
    for g in G:
        updates, state = opt.update(g, state, y)
        y = y + updates
        ys.append(y)
        xs.append(optlib.schedule_free_eval_params(state, y))
    return np.array(ys), np.array(xs)


SCHEDULE_FREE = [o for o in OPTAX_OPTIMIZERS if o[1] == "schedule_free_adamw"]


@pytest.mark.parametrize(
    "run_id, factory, kwargs", SCHEDULE_FREE, ids=[o[0] for o in SCHEDULE_FREE]
)
def test_schedule_free_evaluation_point_matches_optax(run_id, factory, kwargs, monkeypatch):
    """x_t = (y_t - (1 - beta1) z_t) / beta1 against optax.contrib.schedule_free_eval_params;
    and with the warm-up rounded to float32 as optax rounds it, both paths match to
    float64 rounding, which confirms where the warm-up runs' gap comes from."""
    ys, xs = schedule_free_path(kwargs)
    recorded_y, recorded_x = RUNS[f"optax_{run_id}"], RUNS[f"optax_{run_id}_eval"]
    assert gap(xs, recorded_x) < tolerance(kwargs)
    assert gap(xs, ys) > 1e-3  # x and y are different points
    monkeypatch.setattr(optlib.schedule_free, "warmup", float32_warmup)
    ys, xs = schedule_free_path(kwargs)
    assert gap(ys, recorded_y) < 1e-13 and gap(xs, recorded_x) < 1e-13


def test_optax_optimizers_are_recorded_and_share_optax_defaults():
    """Every OPTAX_OPTIMIZERS entry is recorded, with optax's call; optlib's defaults are
    optax's (the learning rate aside: optax has none)."""
    for run_id, factory, kwargs in OPTAX_OPTIMIZERS:
        run = INFO["runs"][f"optax_{run_id}"]
        assert run["call"] == f"optax.{OPTAX_FACTORY[factory]}"
        assert run["kwargs"] == optax_kwargs(factory, kwargs)
        if factory in OPTAX_EVAL:
            evaluation = INFO["runs"][f"optax_{run_id}_eval"]
            assert evaluation == {"call": f"optax.{OPTAX_EVAL[factory]}", "of": f"optax_{run_id}"}
    for factory in {o[1] for o in OPTAX_OPTIMIZERS}:
        signature = inspect.signature(optlib.OPTIMIZERS[factory])
        ours = {k: p.default for k, p in signature.parameters.items()}
        recorded = INFO["optax_defaults"][OPTAX_FACTORY[factory]]
        numbers = {
            k: v
            for k, v in ours.items()
            if k != "lr" and isinstance(v, int | float) and not isinstance(v, bool)
        }
        theirs = optax_kwargs(factory, numbers)
        assert {k: recorded[k] for k in theirs} == theirs, factory
