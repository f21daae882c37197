"""No silent wrong answer, whatever optlib is given (hypothesis fuzz).

Every factory, every schedule and every ``init``/``update`` is fed arbitrary input:
dtypes (bool, int, float16/32/64, complex), shapes (0-d, empty, broadcasting or not),
types (list, tuple, None, str, numpy scalar, ``np.matrix``), flags, hyperparameter
arrays with edge values, step counts up to 2**63 - 1. The property each time: the call
returns the right answer (a first step derived by hand, or a schedule value computed
with Python's exact integers), or it raises a ``ValueError``/``TypeError`` whose message
names the parameter. Never a hang (each case runs under an alarm), never a silent cast.

The accepted ranges below are the contract (DESIGN.md), written out independently of
optlib's own checks.
"""

from __future__ import annotations

import inspect
import math
import signal
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import optlib
from optlib import schedules

pytestmark = pytest.mark.filterwarnings(
    "ignore::RuntimeWarning", "ignore:the matrix subclass:PendingDeprecationWarning"
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def time_limit(seconds=2):
    """Fail instead of hanging: a case that runs longer than ``seconds`` is a bug."""

    def stop(signum, frame):
        raise TimeoutError(f"the call did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(call, name):
    """Run call(); return ("ok", value) or ("refused", message). A refusal must be a
    ValueError or TypeError naming ``name``; anything else (or a hang) fails."""
    with time_limit():
        try:
            return "ok", call()
        except (ValueError, TypeError) as error:
            assert name in str(error), f"the message does not name {name!r}: {error}"
            return "refused", str(error)


# ---------------------------------------------------------------------------------------
# The contract: each numeric hyperparameter's accepted interval (low, high, low_open,
# high_open) and each flag.
UNIT = (0.0, 1.0, False, True)  # [0, 1)
HALF_LINE = (0.0, math.inf, False, True)  # [0, inf)
POSITIVE = (0.0, math.inf, True, True)  # (0, inf)
RANGES = {
    "sgd": {"lr": HALF_LINE, "momentum": UNIT, "dampening": (0, 1, False, False)},
    "adagrad": {"lr": HALF_LINE, "lr_decay": HALF_LINE, "initial_accumulator_value": HALF_LINE},
    "rmsprop": {"lr": HALF_LINE, "rho": UNIT, "momentum": UNIT},
    "adadelta": {"lr": HALF_LINE, "rho": (0, 1, False, False)},
    "adam": {"lr": HALF_LINE, "beta1": UNIT, "beta2": UNIT},
    "adamw": {"lr": HALF_LINE, "beta1": UNIT, "beta2": UNIT},
    "adamax": {"lr": HALF_LINE, "beta1": UNIT, "beta2": UNIT},
    "nadam": {"lr": HALF_LINE, "beta1": UNIT, "beta2": UNIT, "momentum_decay": HALF_LINE},
    "radam": {"lr": HALF_LINE, "beta1": UNIT, "beta2": UNIT},
    "lion": {"lr": HALF_LINE, "beta1": UNIT, "beta2": UNIT},
    "adafactor": {
        "lr": HALF_LINE,
        "beta2_decay": (-math.inf, 0.0, True, False),  # (-inf, 0]
        "eps1": POSITIVE,  # or None: the params' machine epsilon
        "eps2": HALF_LINE,
        "d": (1.0, math.inf, False, True),  # [1, inf)
    },
    "muon": {"lr": HALF_LINE, "momentum": UNIT},
    "schedule_free_adamw": {
        "lr": HALF_LINE,
        "beta1": (0.0, 1.0, True, False),  # (0, 1]: x is recovered by dividing by beta1
        "beta2": UNIT,
        "weight_lr_power": HALF_LINE,
    },
    "rprop": {
        "lr": HALF_LINE,
        "eta_minus": (0.0, 1.0, True, True),  # (0, 1)
        "eta_plus": (1.0, math.inf, True, True),  # (1, inf)
        "step_size_min": HALF_LINE,
        "step_size_max": POSITIVE,
    },
}
for name, ranges in RANGES.items():
    if name == "rprop":  # torch's Rprop has neither weight decay nor eps
        continue
    ranges["weight_decay"] = HALF_LINE
    if name not in ("sgd", "lion", "adafactor"):  # no eps (Adafactor: eps1 and eps2)
        ranges["eps"] = POSITIVE
# A bound on one option set by another's default: Rprop's step_size_min <= step_size_max.
RELATIONS = {
    ("rprop", "step_size_min"): lambda array: np.all(array <= 50.0),
    ("rprop", "step_size_max"): lambda array: np.all(array >= 1e-6),
}
FLAGS = {
    "sgd": ["nesterov"],
    "adagrad": ["eps_inside"],
    "rmsprop": ["centered", "eps_inside"],
    "adam": ["amsgrad", "bias_correction"],
    "adamw": ["amsgrad", "bias_correction"],
    "radam": ["decoupled_weight_decay"],
    "adafactor": ["factored"],
    "muon": ["nesterov"],
}
# Options that are neither numbers nor flags, checked by name in test_errors.py:
# Muon's Newton-Schulz coefficients (three numbers), step count and rate adjustment.
OTHER_OPTIONS = {
    "muon": {"ns_coefficients", "ns_steps", "adjust_lr_fn"},
    "schedule_free_adamw": {"warmup_steps"},  # None or a whole number >= 1
}
# Optimizers for matrices only: params need at least 2 axes (the last two: one matrix).
MATRIX_ONLY = {"muon"}
# Optimizers whose updates are differences of iterates (y_t - y_{t-1}).
DIFFERENCES = {"schedule_free_adamw"}
# Options for which None is a value: Adafactor's eps1 (None: the params' machine epsilon).
NONE_ALLOWED = {("adafactor", "eps1")}
# Optimizers whose hyperparameter arrays hold one value per run: size 1 on the last axis,
# the parameter's (Adafactor's step uses the RMS over each parameter).
PER_RUN = {"adafactor": 1, "muon": 2}  # the number of a parameter's axes


def test_the_contract_lists_every_option():
    for name, factory in optlib.OPTIMIZERS.items():
        listed = set(RANGES[name]) | set(FLAGS.get(name, [])) | OTHER_OPTIONS.get(name, set())
        assert listed == set(inspect.signature(factory).parameters), name


def in_range(value, low, high, low_open, high_open):
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    return bool(np.all(above & below))


def acceptable(value, interval, relation=None):
    """Whether the contract accepts ``value``: a real number (not a bool) or an array of
    them (int or float dtype), finite and inside the interval (and, for an option bounded
    by another, within the other's default)."""
    if isinstance(value, bool | np.bool_ | str | complex | np.complexfloating) or value is None:
        return False
    try:
        array = np.asarray(value)
    except ValueError:
        return False
    if array.dtype.kind not in "iuf" or not np.all(np.isfinite(array)):
        return False
    array = array.astype(np.float64)
    return in_range(array, *interval) and (relation is None or bool(relation(array)))


EDGE_NUMBERS = [
    0,
    1,
    -1,
    0.0,
    -0.0,
    1e-300,
    0.5,
    0.999,
    0.9999999,
    1.0,
    2.0,
    1e300,
    -1e-9,
    math.inf,
    -math.inf,
    math.nan,
]
hyper_values = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.floats(-2, 2, allow_nan=False),
    st.integers(-3, 3),
    st.booleans(),
    st.sampled_from([None, "0.1", "no", b"1", [0.1, 0.2], (0.1,), [[0.1], [0.0]], [1, [2]]]),
    st.complex_numbers(max_magnitude=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(EDGE_NUMBERS).map(np.float32),
    st.sampled_from([0.0, 0.5, 0.9]).map(np.float64),
    st.sampled_from([0, 1]).map(np.int64),
    st.lists(st.sampled_from(EDGE_NUMBERS[:12]), min_size=2, max_size=2).map(
        lambda v: np.array(v)[:, None]
    ),
    st.sampled_from(
        [
            np.array([[0.1], [0.0]], np.float32),
            np.array([[1], [0]], np.int8),
            np.array([[True], [False]]),
            np.array([[0.1 + 1j], [0.2]]),
            np.array([0.1, 0.2, 0.3]),
        ]
    ),
)


def first_step(name, g, theta, h):
    """The first update, derived by hand from each rule (float64), for hyperparameters h
    (numbers or arrays): every moment starts at zero, so m_1 = (1 - b1) g,
    v_1 = (1 - b2) g^2, and the bias corrections divide by (1 - b1), (1 - b2)."""
    lr, wd = h["lr"], h.get("weight_decay", 0.0)
    decoupled = name == "radam" and h["decoupled_weight_decay"]
    if name in ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamax", "nadam", "radam"):
        g = g if decoupled else g + wd * theta  # L2 decay in the gradient (AdamW decouples it)
    if name == "sgd":  # the buffer starts at g; Nesterov adds beta b_1 = beta g
        return -lr * (g + h["momentum"] * g if h["nesterov"] else g)
    if name == "adagrad":
        v = h["initial_accumulator_value"] + g * g
        root = np.sqrt(v + h["eps"]) if h["eps_inside"] else np.sqrt(v) + h["eps"]
        return -lr * g / root
    if name == "rmsprop":
        v = (1 - h["rho"]) * g * g
        var = v - ((1 - h["rho"]) * g) ** 2 if h["centered"] else v
        s = np.sqrt(var + h["eps"]) if h["eps_inside"] else np.sqrt(var) + h["eps"]
        return -lr * g / s  # b_1 = g / s with momentum too
    if name == "adadelta":
        v = (1 - h["rho"]) * g * g
        return -lr * np.sqrt(h["eps"]) / np.sqrt(v + h["eps"]) * g
    if name in ("adam", "adamw"):
        b1, b2, eps = h["beta1"], h["beta2"], h["eps"]
        if h["bias_correction"]:
            step = -lr * g / (np.abs(g) + eps)
        else:
            step = -lr * (1 - b1) * g / (np.sqrt(1 - b2) * np.abs(g) + eps)
        return step - lr * wd * theta if name == "adamw" else step
    if name == "radam":  # rho_1 = rho_inf - 2 beta2 / (1 - beta2) = 1 <= 5: -lr m_hat = -lr g
        return -lr * g - lr * wd * theta if decoupled else -lr * g
    if name == "lion":  # c_1 = (1 - b1) g, whose sign is g's; decay outside the sign
        return -lr * (np.sign(g) + wd * theta)
    if name == "adafactor":  # t = 1: beta2_1 = 1 - 1^c = 0, v = g^2, rho = min(lr, 1)
        eps1 = np.finfo(np.float64).eps if h["eps1"] is None else h["eps1"]
        with np.errstate(over="ignore"):  # eps1^2 may overflow to inf: then u = 0
            u = g / np.sqrt(np.maximum(g * g, eps1 * eps1))
        axis = -1 if np.ndim(theta) else None  # one parameter per row (the last axis)
        n = max(np.shape(theta)[-1] if np.ndim(theta) else 1, 1)
        rms = np.sqrt(np.sum(theta * theta, axis=axis, keepdims=True) / n)
        rms_u = np.sqrt(np.sum(u * u, axis=axis, keepdims=True) / n)
        alpha = np.maximum(h["eps2"], rms) * np.minimum(lr, 1.0)
        return -alpha / np.maximum(1.0, rms_u / h["d"]) * u - lr * wd * theta
    if name == "muon":  # B_1 = (1 - mu) g; M_1 = (1 + mu) B_1 (Nesterov) or B_1
        mu = h["momentum"]
        m = (1 - mu) * g * ((1 + mu) if h["nesterov"] else 1)
        return -lr * muon_ratio(g.shape, h["adjust_lr_fn"]) * orthogonalised(m, h) - lr * wd * theta
    if name == "schedule_free_adamw":  # z_1 = theta + AdamW's step s, x_0 = theta
        step = -lr * (g / (np.abs(g) + h["eps"]) + wd * theta)
        with np.errstate(over="ignore", under="ignore"):
            w = np.float64(lr) ** h["weight_lr_power"]
        # c_1 = w_1 / w_1 = 1, unless w_1 under- or overflows (0/0 or inf/inf: optax's 0);
        # then x_1 = (1 - c_1) theta + c_1 z_1 and y_1 - theta = (c_1 + (1 - c_1)(1 - b1)) s
        c = np.where((w > 0) & np.isfinite(w), 1.0, 0.0)
        return (c + (1 - c) * (1 - h["beta1"])) * step
    if name == "adamax":
        return -lr * g / (np.abs(g) + h["eps"])  # u_1 = |g| + eps, m_hat = g
    if name == "rprop":  # g_0 = 0: the factor is 1, the step size lr clipped to the bounds
        return -np.sign(g) * np.clip(lr, h["step_size_min"], h["step_size_max"])
    if name == "nadam":
        b1, psi, eps = h["beta1"], h["momentum_decay"], h["eps"]
        mu1 = b1 * (1 - 0.5 * 0.96 ** (psi * 1))
        mu2 = b1 * (1 - 0.5 * 0.96 ** (psi * 2))
        m_bar = g + mu2 * (1 - b1) * g / (1 - mu1 * mu2)  # (1 - mu1) g / (1 - mu1) = g
        return -lr * m_bar / (np.abs(g) + eps)
    raise AssertionError(name)


def orthogonalised(m, h):
    """Newton-Schulz by the singular values: after X = M / max(||M||_F, eps), each
    iteration X <- aX + (b XX^T + c (XX^T)^2) X maps X = U S V^T to U p(S) V^T with
    p(s) = a s + b s^3 + c s^5, so the result is U p^(k)(S / max(||M||_F, eps)) V^T."""
    a, b, c = h["ns_coefficients"]
    u, s, vt = np.linalg.svd(m, full_matrices=False)
    eps = float(np.asarray(h["eps"]).ravel()[0])  # one value per matrix: size 1 if accepted
    s = s / max(np.linalg.norm(m), eps)
    for _ in range(h["ns_steps"]):
        s = a * s + b * s**3 + c * s**5
    return (u * s) @ vt


def muon_ratio(shape, adjust):
    rows, cols = shape[-2:]
    return (
        0.2 * math.sqrt(max(rows, cols))
        if adjust == "match_rms_adamw"
        else math.sqrt(max(1.0, rows / cols))
    )


def defaults(name):
    return {k: p.default for k, p in inspect.signature(optlib.OPTIMIZERS[name]).parameters.items()}


@pytest.mark.parametrize("name", list(optlib.OPTIMIZERS))
@SETTINGS
@given(data=st.data())
def test_any_hyperparameter_gives_the_right_step_or_a_named_error(name, data):
    option = data.draw(st.sampled_from(sorted(RANGES[name])), label="option")
    value = data.draw(hyper_values, label="value")
    state, made = outcome(lambda: optlib.OPTIMIZERS[name](**{option: value}), option)
    if name == "sgd" and option == "nesterov":
        return
    relation = RELATIONS.get((name, option))
    accepted = acceptable(value, RANGES[name][option], relation)
    accepted = accepted or (value is None and (name, option) in NONE_ALLOWED)
    assert (state == "ok") == accepted, (option, value, made)
    if state == "refused":
        return
    theta = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])
    g = np.array([[1.0, -2.0, 0.5], [-0.3, 4.0, 1e-3]])
    try:
        shape_ok = np.broadcast_shapes(np.shape(value), theta.shape) == theta.shape
    except ValueError:
        shape_ok = False
    if name in PER_RUN and np.ndim(value) >= 1:  # one value per run: size 1 on its axes
        shape_ok = shape_ok and all(size == 1 for size in np.shape(value)[-PER_RUN[name] :])
    init_state, _ = outcome(lambda: made.init(theta), option)
    assert (init_state == "ok") == shape_ok
    if not shape_ok:
        return
    updates, _ = made.update(g, made.init(theta), theta)
    h = {**defaults(name), option: None if value is None else np.asarray(value, np.float64)}
    expected = first_step(name, g, theta, h)
    assert type(updates) is np.ndarray and updates.dtype == np.float64
    if np.max(np.abs(g + h.get("weight_decay", 0.0) * theta)) > 1e150:
        return  # g^2 overflows float64 (in torch too): outside what any float64 rule can do
    # schedule-free's update is y_1 - theta, a difference of iterates: rounding of theta
    atol = 4e-16 * np.max(np.abs(theta)) if name in DIFFERENCES else 1e-300
    np.testing.assert_allclose(updates, expected, rtol=1e-12, atol=atol)


@pytest.mark.parametrize("name", list(FLAGS))
@SETTINGS
@given(data=st.data())
def test_flags_are_bools_or_refused(name, data):
    flag = data.draw(st.sampled_from(FLAGS[name]), label="flag")
    value = data.draw(
        st.sampled_from([True, False, np.True_, np.False_, "False", "no", 0, 1, None, [True]])
    )
    extra = {"momentum": 0.9} if flag == "nesterov" else {}
    state, made = outcome(lambda: optlib.OPTIMIZERS[name](**extra, **{flag: value}), flag)
    assert (state == "ok") == isinstance(value, bool | np.bool_), (flag, value)
    if state == "ok":
        theta, g = np.array([0.5, -1.0]), np.array([2.0, -0.1])
        if name in ("adafactor", "muon"):  # a 1 x 2 matrix (Adafactor factored: v_hat = g^2)
            theta, g = theta[None], g[None]
        updates, _ = made.update(g, made.init(theta), theta)
        h = {**defaults(name), **extra, flag: bool(value)}
        np.testing.assert_allclose(updates, first_step(name, g, theta, h), rtol=1e-12)


DTYPES = [
    np.bool_,
    np.int8,
    np.int64,
    np.uint8,
    np.float16,
    np.float32,
    np.float64,
    np.complex64,
    np.complex128,
]
SHAPES = [(), (0,), (3,), (2, 3), (1, 3)]


@st.composite
def arrays_of_any_kind(draw, shape=None):
    """An array-like of any dtype and container: ndarray, list, tuple, numpy scalar,
    np.matrix, None, a string."""
    kind = draw(
        st.sampled_from(
            ["ndarray", "ndarray", "ndarray", "list", "tuple", "scalar", "matrix", "none", "str"]
        )
    )
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(st.sampled_from(SHAPES)) if shape is None else shape
    values = np.linspace(-1.5, 2.0, max(1, math.prod(shape)))[: math.prod(shape)]
    array = values.reshape(shape).astype(dtype)
    if kind == "list":
        return array.tolist()
    if kind == "tuple":
        return tuple(array.ravel().tolist())
    if kind == "scalar":
        return dtype(1.25)
    if kind == "matrix":
        return np.matrix(array.reshape(1, -1) if array.ndim < 2 else array)
    if kind == "none":
        return None
    if kind == "str":
        return "1.0"
    return array


def accepted_array(value):
    """The contract for params: a plain ndarray (or numpy scalar) of float32/float64."""
    if isinstance(value, np.generic):
        value = np.asarray(value)
    return type(value) is np.ndarray and value.dtype in (np.float32, np.float64)


@pytest.mark.parametrize("name", list(optlib.OPTIMIZERS))
@SETTINGS
@given(params=arrays_of_any_kind(), data=st.data())
@example(params=np.float32(2.0), data=None)
@example(params=np.zeros(()), data=None)
def test_params_and_grads_of_any_kind(name, params, data):
    opt = optlib.OPTIMIZERS[name](lr=0.1)
    state, init = outcome(lambda: opt.init(params), "params")
    accepted = accepted_array(params) and (name not in MATRIX_ONLY or np.ndim(params) >= 2)
    assert (state == "ok") == accepted, (type(params), params)
    if state == "refused":
        return
    theta = np.asarray(params)
    if data is None:
        grads = np.asarray(np.full(theta.shape, 0.75, theta.dtype))[()]
    else:
        grads = data.draw(arrays_of_any_kind(shape=data.draw(st.sampled_from([theta.shape, (3,)]))))
    fits = accepted_array(grads) and np.shape(grads) == theta.shape
    fits = fits and np.asarray(grads).dtype == theta.dtype
    state, result = outcome(lambda: opt.update(grads, init, theta), "grads")
    assert (state == "ok") == fits, (theta.dtype, theta.shape, type(grads), grads)
    if state == "ok":
        updates, _ = result
        assert type(updates) is np.ndarray, type(updates)  # not a numpy scalar for 0-d
        assert updates.shape == theta.shape and updates.dtype == theta.dtype
        h = {**defaults(name), "lr": 0.1}
        expected = first_step(name, np.asarray(grads, np.float64), theta.astype(np.float64), h)
        rtol = 1e-6 if theta.dtype == np.float32 else 1e-12
        scale = np.max(np.abs(theta), initial=0.0) if name in DIFFERENCES else 0.0
        atol = scale * (1e-7 if theta.dtype == np.float32 else 4e-16)
        if name in MATRIX_ONLY and theta.dtype == np.float32:
            # Newton-Schulz's slope is at most a = 3.4445 (at 0) per iteration: float32
            # rounding (6e-8) grows up to a^5 = 486-fold over 5, relative to the largest entry
            atol = 6e-8 * 3.4445**5 * np.max(np.abs(expected), initial=0.0)
        np.testing.assert_allclose(updates, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", list(optlib.OPTIMIZERS))
def test_update_refuses_params_that_do_not_match(name):
    opt = optlib.OPTIMIZERS[name](**({} if name == "rprop" else {"weight_decay": 0.1}))
    shape = (1, 3) if name in MATRIX_ONLY else (3,)
    state = opt.init(np.zeros(shape, np.float32))
    for params, error in (
        (np.zeros(shape), TypeError),  # float64 params with a float32 state
        (np.zeros(2, np.float32), ValueError),
        (np.zeros(shape).tolist(), ValueError),
    ):
        with pytest.raises(error, match="params"):
            opt.update(np.ones(shape, np.float32), state, params)


# ---------------------------------------------------------------------------------------
# Schedules: the value at any step count, computed with Python's exact integers.
def exact_value(kind, t):
    """The reference value of each schedule below at step t, computed with Python's
    unbounded integers (no int64 wrap-around) and its float maths."""
    if kind == "step":  # StepLR(lr=0.1, step_size=7, gamma=0.5)
        return 0.1 * 0.5 ** (t // 7)
    if kind == "exponential":  # ExponentialLR(gamma=0.9)
        return 0.1 * 0.9**t if t < 10**4 else 0.0
    if kind == "cosine":  # CosineAnnealingLR(T_max=10, eta_min=0.001): period 2 T_max
        return 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * (t % 20) / 10)) / 2
    if kind == "sgdr":  # CosineAnnealingWarmRestarts(T_0=10, T_mult=2)
        start, length = 0, 10
        while t - start >= length:
            start, length = start + length, length * 2
        return 0.1 * (1 + math.cos(math.pi * (t - start) / length)) / 2
    if kind == "sgdr1":  # T_mult = 1
        return 0.1 * (1 + math.cos(math.pi * (t % 6) / 6)) / 2
    if kind == "triangular2":  # CyclicLR(0.01, 0.1, step_size_up=5, mode="triangular2")
        cycle = 1 + t // 10
        x = abs(t / 5 - 2 * cycle + 1) if t < 2**52 else abs((t % 10) / 5 - 1)
        return 0.01 + 0.09 * max(0.0, 1 - x) * (0.5 ** (cycle - 1) if cycle < 2000 else 0.0)
    if kind == "warmup":  # LinearLR(0.25, total_iters=4) then cosine, T_max=10
        if t < 4:
            return 0.1 * (0.25 + 0.75 * t / 4)
        return exact_value("cosine-plain", t - 4)
    if kind == "cosine-plain":
        return 0.1 * (1 + math.cos(math.pi * (t % 20) / 10)) / 2
    if kind == "inverse-sqrt":  # Vaswani et al.: n = t + 1, peak 0.1 at n = W = 4
        n = t + 1
        return 0.1 * min(n / 4, math.sqrt(4 / n))
    if kind == "range-test":  # from 1e-4 to 1 over 100 steps, exponentially, then held
        return 1e-4 * 1e4 ** (min(t, 100) / 100)
    if kind == "multi-step":  # MultiStepLR(milestones=[3, 8, 8], gamma=0.5)
        return 0.1 * 0.5 ** sum(m <= t for m in (3, 8, 8))
    if kind == "polynomial":  # PolynomialLR(total_iters=9, power=1.5)
        return 0.1 * (1 - min(t, 9) / 9) ** 1.5
    if kind == "constant-factor":  # ConstantLR(factor=0.5, total_iters=6)
        return 0.05 if t < 6 else 0.1
    if kind == "linear-factor":  # LinearLR(start_factor=1, end_factor=0.2, total_iters=8)
        return 0.1 * (1 - 0.8 * min(t, 8) / 8)
    raise AssertionError(kind)


SCHEDULES = {
    "step": schedules.step_decay(0.1, step_size=7, gamma=0.5),
    "exponential": schedules.exponential_decay(0.1, gamma=0.9),
    "cosine": schedules.cosine_annealing(0.1, T_max=10, eta_min=0.001),
    "sgdr": schedules.cosine_warm_restarts(0.1, T_0=10, T_mult=2),
    "sgdr1": schedules.cosine_warm_restarts(0.1, T_0=6),
    "triangular2": schedules.cyclic_triangular(0.01, 0.1, 5, mode="triangular2"),
    "warmup": schedules.linear_warmup(
        0.1, 4, start_factor=0.25, then=schedules.cosine_annealing(0.1, T_max=10)
    ),
    "inverse-sqrt": schedules.inverse_sqrt(0.1, 4),
    "range-test": schedules.lr_range_test(1e-4, 1.0, 100, mode="exponential"),
    "multi-step": schedules.multi_step(0.1, milestones=[8, 3, 8], gamma=0.5),
    "polynomial": schedules.polynomial(0.1, total_iters=9, power=1.5),
    "constant-factor": schedules.constant_factor(0.1, factor=0.5, total_iters=6),
    "linear-factor": schedules.linear_factor(0.1, 1.0, 0.2, total_iters=8),
}
step_counts = st.one_of(
    st.integers(0, 200),
    st.integers(0, 2**63 - 1),
    st.sampled_from([2**63 - 1, 2**63 - 2, 2**62, 2**53 + 1, 10 * (2**59 - 1), 10 * 2**59]),
)


@pytest.mark.parametrize("kind", list(SCHEDULES))
@SETTINGS
@given(t=step_counts)
@example(t=2**63 - 1)
def test_schedules_at_any_step_count(kind, t):
    with time_limit():
        value = SCHEDULES[kind](t)
        batch = SCHEDULES[kind](np.array([t, 0, t], dtype=np.int64))
    assert np.isfinite(value) and value >= 0
    assert math.isclose(float(value), exact_value(kind, t), rel_tol=1e-9, abs_tol=1e-12), (
        kind,
        t,
        float(value),
        exact_value(kind, t),
    )
    np.testing.assert_array_equal(batch[[0, 2]], value)


bad_steps = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=2**63),
    st.floats().filter(lambda x: not (math.isfinite(x) and x == int(x) and 0 <= x < 2**63)),
    st.sampled_from([True, False, None, "3", [1, "a"], 1 + 2j, np.array([1.5]), object()]),
)


@pytest.mark.parametrize("kind", list(SCHEDULES))
@SETTINGS
@given(t=bad_steps)
def test_schedules_refuse_bad_step_counts_by_name(kind, t):
    state, _ = outcome(lambda: SCHEDULES[kind](t), "t")
    assert state == "refused", t


SCHEDULE_COUNTS = {
    schedules.step_decay: ("step_size", {"lr": 0.1}),
    schedules.cosine_annealing: ("T_max", {"lr": 0.1}),
    schedules.cosine_warm_restarts: ("T_0", {"lr": 0.1}),
    schedules.linear_warmup: ("warmup_steps", {"lr": 0.1}),
    schedules.cyclic_triangular: ("step_size_up", {"base_lr": 0.0, "max_lr": 1.0}),
    schedules.inverse_sqrt: ("warmup_steps", {"lr": 0.1}),
    schedules.lr_range_test: ("num_steps", {"min_lr": 1e-4, "max_lr": 1.0}),
    schedules.polynomial: ("total_iters", {"lr": 0.1}),
    schedules.constant_factor: ("total_iters", {"lr": 0.1}),
    schedules.linear_factor: ("total_iters", {"lr": 0.1}),
}


def is_step_count(value):
    """A whole number of steps in [1, 2**63 - 1], as an int or a float (not a bool)."""
    return (
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool | np.bool_)
        and math.isfinite(value)
        and value == int(value)
        and 1 <= value <= 2**63 - 1
    )


@pytest.mark.parametrize("factory", list(SCHEDULE_COUNTS), ids=lambda f: f.__name__)
@SETTINGS
@given(value=st.one_of(hyper_values, st.integers(2**62, 2**70)))
def test_schedule_step_counts_are_whole_numbers_or_refused(factory, value):
    name, kwargs = SCHEDULE_COUNTS[factory]
    state, schedule = outcome(lambda: factory(**kwargs, **{name: value}), name)
    whole = is_step_count(value)
    assert (state == "ok") == whole, (name, value)
    if state == "ok":
        with time_limit():
            assert np.isfinite(schedule(12345)) and np.isfinite(schedule(2**63 - 1))


@SETTINGS
@given(value=st.one_of(hyper_values, st.integers(2**62, 2**70)))
def test_milestones_are_whole_step_counts_or_refused(value):
    """Each milestone of multi_step is checked like a step count; a bare number is refused."""
    state, schedule = outcome(
        lambda: schedules.multi_step(0.1, milestones=[4, value]), "milestones"
    )
    whole = is_step_count(value)
    assert (state == "ok") == whole, value
    with pytest.raises(TypeError, match="milestones"):
        schedules.multi_step(0.1, milestones=4)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"factor": 1.0}, "factor"),
        ({"factor": -0.1}, "factor"),
        ({"patience": -1}, "patience"),
        ({"patience": 2.5}, "patience"),
        ({"cooldown": True}, "cooldown"),
        ({"threshold": math.nan}, "threshold"),
        ({"threshold_mode": "relative"}, "threshold_mode"),
        ({"mode": "minimum"}, "mode"),
        ({"min_lr": 0.2}, "min_lr"),  # above lr
        ({"eps": -1e-8}, "eps"),
    ],
)
def test_reduce_on_plateau_refuses_bad_settings_by_name(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        schedules.reduce_on_plateau(0.1, **kwargs)


def test_reduce_on_plateau_refuses_a_nan_loss():
    """A NaN loss compares false with everything, so it would pass for "no improvement"
    and cut the rate in silence: it is refused instead (an infinite loss is a loss)."""
    plateau = schedules.reduce_on_plateau(0.1)
    with pytest.raises(ValueError, match="loss"):
        plateau.update(math.nan, plateau.init())
    assert plateau.update(math.inf, plateau.init()).lr == 0.1


@pytest.mark.parametrize(
    "value", [-0.1, math.nan, math.inf, "0.1", None, 1j, np.array([0.1, -0.2])]
)
def test_a_schedule_that_returns_a_bad_rate_is_refused(value):
    opt = optlib.sgd(lr=lambda t: value if t >= 1 else 0.1)
    state = opt.init(np.zeros(2))
    _, state = opt.update(np.ones(2), state)
    with pytest.raises((ValueError, TypeError), match=r"lr is a schedule .* at t=1"):
        opt.update(np.ones(2), state)
