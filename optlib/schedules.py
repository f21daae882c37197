"""Learning-rate schedules: pure functions of the step count t.

A schedule maps ``t`` (0 for the first update; an int or an integer array) to
the learning rate of that update. Each equals the lr that the matching
``torch.optim.lr_scheduler`` holds after ``t`` calls of ``scheduler.step()``, in
closed form (torch computes some of them recursively; the two agree to
rounding). Pass one to any optimizer as ``lr=schedule``. Rates are absolute,
as torch's ``eta_min`` (optax's ``alpha`` is a fraction of the initial rate).

Derived in the chapter "Learning-rate schedules" (book/schedules.ipynb).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from optlib.base import MAX_STEP, check_hyper, power

__all__ = [
    "constant",
    "step_decay",
    "exponential_decay",
    "cyclic_triangular",
    "cosine_annealing",
    "cosine_warm_restarts",
    "linear_warmup",
    "inverse_sqrt",
    "one_cycle",
    "lr_range_test",
    "multi_step",
    "polynomial",
    "constant_factor",
    "linear_factor",
    "reduce_on_plateau",
    "Plateau",
    "PlateauState",
]


def _steps(t):
    """t as an int64 array: a whole step count in [0, 2**63 - 1], or an array of them.

    Whole floats (``3.0``) are accepted; fractions, negative or larger counts are a
    ``ValueError``, bools, strings and other types a ``TypeError``, each naming ``t``.
    """
    try:
        array = np.asarray(t)
    except (TypeError, ValueError):
        array = np.asarray(None)
    accepted = "a whole step count in [0, 2**63 - 1] (an int or an integer array)"
    if array.dtype.kind == "O" and all(isinstance(k, int) for k in array.flat):
        raise ValueError(f"t must be {accepted}, got {t!r}")  # Python ints beyond int64
    if array.dtype.kind not in "iuf":  # bools are kind "b", strings "U", None "O"
        raise TypeError(f"t must be {accepted}, got {t!r}")
    if array.dtype.kind == "f":
        whole = np.isfinite(array) & (np.mod(array, 1) == 0)
        if not np.all(whole & (array >= 0) & (array < 2.0**63)):
            raise ValueError(f"t must be {accepted}, got {t!r}")
        return array.astype(np.int64)
    if np.any(array < 0) or (array.dtype == np.uint64 and np.any(array > MAX_STEP)):
        raise ValueError(f"t must be {accepted}, got {t!r}")
    return array.astype(np.int64, copy=False)


def _losses(name, value):
    """A number of losses: an int >= 0, named in the error otherwise (a float such as
    2.0 is refused, like a bool)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def _count(name, value):
    """A whole number of steps in [1, 2**63 - 1], named in the error otherwise."""
    accepted = "a whole number in [1, 2**63 - 1]"
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be {accepted}, got {value!r}")
    whole = isinstance(value, int | np.integer) or (
        isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value)
    )
    if not whole or not 1 <= value <= MAX_STEP:
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return int(value)


def constant(lr):
    """eta_t = eta: a constant rate, as a schedule."""
    check_hyper("lr", lr, 0)
    return lambda t: lr + 0.0 * _steps(t)


def step_decay(lr, step_size, gamma=0.1):
    r"""Step decay, as ``StepLR``: :math:`\eta_t = \eta\,\gamma^{\lfloor t/s \rfloor}`.

    Example:
        >>> from optlib.schedules import step_decay
        >>> [float(step_decay(1.0, step_size=2, gamma=0.5)(t)) for t in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    check_hyper("lr", lr, 0)
    step_size = _count("step_size", step_size)
    check_hyper("gamma", gamma, 0, 1, low_open=True, high_open=False)
    # eq. step-exponential (step decay; power, not **: see base.power)
    return lambda t: lr * power(gamma, _steps(t) // step_size)


def exponential_decay(lr, gamma):
    r"""Exponential decay, as ``ExponentialLR``: :math:`\eta_t = \eta\,\gamma^t`.

    The continuous form :math:`\eta e^{-\lambda t}` is the same with
    :math:`\lambda = -\ln\gamma`.

    Example:
        >>> from optlib.schedules import exponential_decay
        >>> float(exponential_decay(0.1, gamma=0.5)(3))
        0.0125
    """
    check_hyper("lr", lr, 0)
    check_hyper("gamma", gamma, 0, 1, low_open=True, high_open=False)
    # eq. step-exponential (exponential decay)
    return lambda t: lr * power(gamma, _steps(t).astype(np.float64))


def cyclic_triangular(
    base_lr, max_lr, step_size_up, step_size_down=None, mode="triangular", gamma=1.0
):
    r"""Smith's cyclical learning rate, as ``CyclicLR(cycle_momentum=False)``.

    With :math:`s_u` steps up, :math:`s_d` down and :math:`T = s_u + s_d`:

    .. code-block:: text

        cycle = floor(1 + t / T)                       (eq. clr)
        x = 1 + t / T - cycle                          (position in the cycle, [0, 1))
        h = x / (s_u/T) if x <= s_u/T else (x - 1) / (s_u/T - 1)   (eq. clr)
        eta_t = base_lr + (max_lr - base_lr) * h * scale          (eq. clr)

    where ``scale`` is 1 (``"triangular"``), ``1 / 2**(cycle - 1)``
    (``"triangular2"``) or ``gamma**t`` (``"exp_range"``). With ``s_d = s_u = s``
    this is Smith's ``1 - |t/s - 2 cycle + 1|``.

    Example:
        >>> from optlib.schedules import cyclic_triangular
        >>> clr = cyclic_triangular(0.0, 1.0, step_size_up=2)
        >>> [float(clr(t)) for t in range(6)]
        [0.0, 0.5, 1.0, 0.5, 0.0, 0.5]

    References:
        Smith (2017), Cyclical learning rates for training neural networks, WACV.
    """
    check_hyper("base_lr", base_lr, 0)
    check_hyper("max_lr", max_lr, 0)
    step_size_up = _count("step_size_up", step_size_up)
    step_size_down = (
        step_size_up if step_size_down is None else _count("step_size_down", step_size_down)
    )
    if not isinstance(mode, str) or mode not in ("triangular", "triangular2", "exp_range"):
        raise ValueError(
            f"mode must be one of 'triangular', 'triangular2', 'exp_range', got {mode!r}"
        )
    check_hyper("gamma", gamma, 0, 1, low_open=True, high_open=False)
    total = float(step_size_up + step_size_down)
    ratio = step_size_up / total

    def schedule(t):
        t = _steps(t)
        cycle = np.floor(1 + t / total)  # eq. clr
        x = 1.0 + t / total - cycle
        height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))  # eq. clr
        if mode == "triangular":
            scale = 1.0
        elif mode == "triangular2":
            scale = power(0.5, cycle - 1)  # 1 / 2**(cycle - 1), exact; underflows quietly
        else:
            scale = power(gamma, t.astype(np.float64))
        return base_lr + (max_lr - base_lr) * height * scale  # eq. clr

    return schedule


def cosine_annealing(lr, T_max, eta_min=0.0):
    r"""Cosine annealing, as ``CosineAnnealingLR``:

    .. math:: \eta_t = \eta_{\min} + \tfrac12(\eta - \eta_{\min})(1 + \cos(\pi t / T_{\max}))

    Past ``T_max`` it rises again (period ``2 T_max``), as torch's does.

    Example:
        >>> from optlib.schedules import cosine_annealing
        >>> [round(float(cosine_annealing(1.0, T_max=4)(t)), 4) for t in range(5)]
        [1.0, 0.8536, 0.5, 0.1464, 0.0]

    References:
        Loshchilov and Hutter (2017), SGDR: stochastic gradient descent with warm
        restarts, ICLR.
    """
    check_hyper("lr", lr, 0)
    T_max = _count("T_max", T_max)
    check_hyper("eta_min", eta_min, 0)
    period = 2 * T_max  # the rate rises again after T_max, as torch's does

    def schedule(t):
        t = _steps(t)
        # t modulo the period first: exact in int64, so huge counts stay accurate
        t = t % period if period <= MAX_STEP else t
        # eq. cosine (T_cur = t modulo the period, T_i = T_max)
        return eta_min + (lr - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2

    return schedule


def cosine_warm_restarts(lr, T_0, T_mult=1, eta_min=0.0):
    r"""SGDR, as ``CosineAnnealingWarmRestarts``: cosine annealing that restarts.

    Period i lasts :math:`T_i = T_0 T_{mult}^i` steps; within it, with
    :math:`T_{cur}` steps since the restart,
    :math:`\eta_t = \eta_{\min} + \tfrac12(\eta - \eta_{\min})(1 + \cos(\pi T_{cur}/T_i))`.

    Example:
        >>> from optlib.schedules import cosine_warm_restarts
        >>> sgdr = cosine_warm_restarts(1.0, T_0=2, T_mult=2)
        >>> [round(float(sgdr(t)), 3) for t in range(8)]
        [1.0, 0.5, 1.0, 0.854, 0.5, 0.146, 1.0, 0.962]

    References:
        Loshchilov and Hutter (2017), SGDR: stochastic gradient descent with warm
        restarts, ICLR.
    """
    check_hyper("lr", lr, 0)
    T_0 = _count("T_0", T_0)
    T_mult = _count("T_mult", T_mult)
    check_hyper("eta_min", eta_min, 0)

    def schedule(t):
        t = _steps(t)
        t_cur, t_i = t.astype(np.int64) % T_0, np.full(t.shape, T_0, dtype=np.int64)
        if T_mult > 1:
            # walk the periods: period i starts at T_0 (T_mult^i - 1) / (T_mult - 1). The
            # comparisons are written so that nothing overflows int64; a length that
            # would pass 2**63 - 1 is longer than any t, so it is capped there, and its
            # exact value (for the ratio below) is kept as a float.
            start, length = np.zeros_like(t_i), t_i.copy()
            length_f = length.astype(np.float64)
            later = t - start >= length
            while np.any(later):
                start = np.where(later, start + length, start)
                grown = np.where(length > MAX_STEP // T_mult, MAX_STEP, length * T_mult)
                length = np.where(later, grown, length)
                length_f = np.where(later, length_f * T_mult, length_f)
                later = t - start >= length
            t_cur, t_i = t - start, length_f
        # eq. cosine (with restarts)
        return eta_min + (lr - eta_min) * (1 + np.cos(np.pi * t_cur / t_i)) / 2

    return schedule


def linear_warmup(lr, warmup_steps, start_factor=1 / 3, then=None):
    r"""Linear warm-up, as ``LinearLR(start_factor, end_factor=1, total_iters=warmup_steps)``.

    .. math:: \eta_t = \eta\,\big(f_0 + (1 - f_0)\min(t, W)/W\big)

    With ``then`` (another schedule) it is followed by ``then(t - W)`` from step W
    on, as ``SequentialLR([LinearLR(...), then], milestones=[W])``; e.g. warm-up
    into cosine annealing.

    Example:
        >>> from optlib.schedules import linear_warmup
        >>> warm = linear_warmup(0.4, warmup_steps=3, start_factor=0.25)
        >>> [round(float(warm(t)), 2) for t in range(5)]
        [0.1, 0.2, 0.3, 0.4, 0.4]

    References:
        Goyal et al. (2017), Accurate, large minibatch SGD: training ImageNet in 1 hour.
    """
    check_hyper("lr", lr, 0)
    warmup_steps = _count("warmup_steps", warmup_steps)
    check_hyper("start_factor", start_factor, 0, 1, low_open=True, high_open=False)
    if then is not None and not callable(then):
        raise TypeError(f"then must be a schedule (a function of t) or None, got {then!r}")

    ramp = linear_factor(lr, start_factor, 1.0, warmup_steps)
    if then is None:
        return ramp

    def schedule(t):
        t = _steps(t)
        return np.where(t < warmup_steps, ramp(t), then(np.maximum(t - warmup_steps, 0)))

    return schedule


def inverse_sqrt(lr, warmup_steps):
    r"""Warm-up then inverse square root, the Transformer's schedule (Vaswani et al.).

    .. math:: \eta_t = \eta\,\min\Big(\frac{t+1}{W},\ \sqrt{\frac{W}{t+1}}\Big)

    The rate climbs linearly to its peak ``lr`` at the W-th update (t = W - 1) and
    then falls as :math:`1/\sqrt{t+1}`: it halves each time the step count
    quadruples. Vaswani et al. write it as
    :math:`d^{-1/2}\min(n^{-1/2}, n W^{-3/2})` with :math:`n = t + 1`, whose peak is
    :math:`\eta = (dW)^{-1/2}`. torch has no class for it (``LambdaLR`` with this
    function gives the same rates).

    Example:
        >>> from optlib.schedules import inverse_sqrt
        >>> [round(float(inverse_sqrt(1.0, warmup_steps=4)(t)), 3) for t in (0, 3, 15)]
        [0.25, 1.0, 0.5]

    References:
        Vaswani et al. (2017), Attention is all you need, NeurIPS.
    """
    check_hyper("lr", lr, 0)
    warmup_steps = _count("warmup_steps", warmup_steps)

    def schedule(t):
        n = _steps(t).astype(np.float64) + 1.0  # Vaswani's step number, from 1
        # eq. inverse-sqrt
        return lr * np.minimum(n / warmup_steps, np.sqrt(warmup_steps / n))

    return schedule


def one_cycle(
    max_lr,
    total_steps,
    pct_start=0.3,
    div_factor=25.0,
    final_div_factor=1e4,
    anneal_strategy="cos",
    three_phase=False,
):
    r"""Smith and Topin's one-cycle policy, as ``OneCycleLR(cycle_momentum=False)``.

    The rate starts at :math:`\eta_0 = \eta_{\max}/d` (``div_factor`` d), rises to
    ``max_lr`` by step :math:`p = \text{pct\_start}\cdot N - 1`, then falls to
    :math:`\eta_0/d_f` (``final_div_factor``) at step :math:`N - 1`. Each phase from
    step :math:`a` to step :math:`b` goes from rate :math:`u` to rate :math:`w` as

    .. code-block:: text

        x = (t - a) / (b - a)                                  (eq. one-cycle)
        cos:    eta_t = w + (u - w) (1 + cos(pi x)) / 2        (eq. one-cycle)
        linear: eta_t = u + (w - u) x                          (eq. one-cycle)

    With ``three_phase`` a second phase returns to :math:`\eta_0` by step
    :math:`2\,\text{pct\_start}\cdot N - 2` before the last falls to the minimum.
    Defined for t = 0 .. N (torch refuses to step past N; so does this schedule). At
    t = N, one step past the last phase, that phase is extrapolated as in torch: with
    linear annealing the rate there falls below the minimum (and may be negative).

    Example:
        >>> from optlib.schedules import one_cycle
        >>> oc = one_cycle(1.0, total_steps=10, pct_start=0.3, div_factor=4.0)
        >>> [float(oc(t)) for t in (0, 1, 2, 9)]
        [0.25, 0.625, 1.0, 2.5e-05]

    References:
        Smith and Topin (2019), Super-convergence: very fast training of neural
        networks using large learning rates, SPIE 11006.
    """
    check_hyper("max_lr", max_lr, 0)
    total_steps = _count("total_steps", total_steps)
    check_hyper("pct_start", pct_start, 0, 1, low_open=True)
    check_hyper("div_factor", div_factor, 0, low_open=True)
    check_hyper("final_div_factor", final_div_factor, 0, low_open=True)
    if not isinstance(anneal_strategy, str) or anneal_strategy not in ("cos", "linear"):
        raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
    if not isinstance(three_phase, bool | np.bool_):
        raise TypeError(f"three_phase must be True or False, got {three_phase!r}")
    initial = max_lr / div_factor
    lowest = initial / final_div_factor
    up = float(pct_start * total_steps) - 1  # torch's phase ends, as floats
    if three_phase:
        ends = [up, float(2 * pct_start * total_steps) - 2, total_steps - 1]
        rates = [(initial, max_lr), (max_lr, initial), (initial, lowest)]
    else:
        ends = [up, total_steps - 1]
        rates = [(initial, max_lr), (max_lr, lowest)]
    starts = [0.0, *ends[:-1]]
    limit = "(total_steps + 1) / 2" if three_phase else "total_steps"
    if not all(b > a for a, b in zip(starts, ends, strict=True)):
        raise ValueError(
            "pct_start * total_steps must leave every phase at least one step: need "
            f"1 < pct_start * total_steps < {limit}, "
            f"got pct_start = {pct_start!r}, total_steps = {total_steps}"
        )

    def schedule(t):
        t = _steps(t)
        if np.any(t > total_steps):
            raise ValueError(
                f"t must be at most total_steps = {total_steps} (torch's OneCycleLR "
                f"refuses to step further), got {t.max()}"
            )
        t = t.astype(np.float64)
        out = np.empty(t.shape)
        # the phase of each step: the first whose end it has not passed (the last takes
        # every later step, as in torch)
        phase = np.minimum(np.searchsorted(np.array(ends[:-1]), t, side="left"), len(ends) - 1)
        phases = zip(starts, ends, rates, strict=True)
        for i, (a, b, (u, w)) in enumerate(phases):
            here = phase == i
            x = (t[here] - a) / (b - a)  # eq. one-cycle
            if anneal_strategy == "cos":
                out[here] = w + (u - w) / 2.0 * (np.cos(np.pi * x) + 1)  # eq. one-cycle
            else:
                out[here] = (w - u) * x + u  # eq. one-cycle
        return out if out.ndim else out[()]

    return schedule


def lr_range_test(min_lr, max_lr, num_steps, mode="linear"):
    r"""The learning-rate range test: a rate that grows from ``min_lr`` to ``max_lr``.

    .. math::

        \eta_t = \eta_{\min} + (\eta_{\max} - \eta_{\min})\,\frac{\min(t, N)}{N}
        \quad\text{or}\quad
        \eta_t = \eta_{\min}\Big(\frac{\eta_{\max}}{\eta_{\min}}\Big)^{\min(t, N)/N}

    (``mode="linear"``, Smith's, or ``"exponential"``, which spends as many steps on
    each factor of ten). One short run with this schedule, the loss read against
    :math:`\eta_t`, shows where the loss starts to fall and where it blows up; the
    rate is held at ``max_lr`` after N steps.

    Example:
        >>> from optlib.schedules import lr_range_test
        >>> rt = lr_range_test(1e-3, 1.0, num_steps=3, mode="exponential")
        >>> [round(float(rt(t)), 4) for t in range(5)]
        [0.001, 0.01, 0.1, 1.0, 1.0]

    References:
        Smith (2017), Cyclical learning rates for training neural networks, WACV
        (section 3.3).
    """
    if not isinstance(mode, str) or mode not in ("linear", "exponential"):
        raise ValueError(f"mode must be 'linear' or 'exponential', got {mode!r}")
    check_hyper("min_lr", min_lr, 0, low_open=mode == "exponential")
    check_hyper("max_lr", max_lr, min_lr, low_open=True)
    num_steps = _count("num_steps", num_steps)

    def schedule(t):
        x = np.minimum(_steps(t), num_steps) / num_steps
        if mode == "linear":
            return min_lr + (max_lr - min_lr) * x  # eq. range-test
        return min_lr * power(max_lr / min_lr, x)  # eq. range-test

    return schedule


def multi_step(lr, milestones, gamma=0.1):
    r"""Decay by ``gamma`` at each milestone, as ``MultiStepLR``.

    .. math:: \eta_t = \eta\,\gamma^{\#\{k:\ m_k \le t\}}

    A milestone listed twice decays twice, as in torch.

    Example:
        >>> from optlib.schedules import multi_step
        >>> [float(multi_step(1.0, milestones=[2, 4], gamma=0.5)(t)) for t in range(6)]
        [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """
    check_hyper("lr", lr, 0)
    check_hyper("gamma", gamma, 0, 1, low_open=True, high_open=False)
    if isinstance(milestones, str) or not hasattr(milestones, "__iter__"):
        raise TypeError(f"milestones must be a list of step counts, got {milestones!r}")
    marks = np.sort([_count("milestones", m) for m in milestones])

    def schedule(t):
        passed = np.searchsorted(marks, _steps(t), side="right")  # milestones <= t
        return lr * power(gamma, passed)  # eq. multi-step

    return schedule


def polynomial(lr, total_iters=5, power=1.0):
    r"""Polynomial decay to zero over ``total_iters`` steps, as ``PolynomialLR``.

    .. math:: \eta_t = \eta\,\big(1 - \min(t, T)/T\big)^{p}

    ``power=1`` is a linear decay; the rate stays 0 after T steps.

    Example:
        >>> from optlib.schedules import polynomial
        >>> [float(polynomial(1.0, total_iters=4, power=2.0)(t)) for t in range(6)]
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    check_hyper("lr", lr, 0)
    total_iters = _count("total_iters", total_iters)
    check_hyper("power", power, 0, low_open=True)
    exponent = power

    def schedule(t):
        left = 1.0 - np.minimum(_steps(t), total_iters) / total_iters
        return lr * left**exponent  # eq. polynomial

    return schedule


def constant_factor(lr, factor=1 / 3, total_iters=5):
    r"""``factor`` times the rate for the first ``total_iters`` steps, as ``ConstantLR``.

    .. math:: \eta_t = \eta\,f \ \text{ for } t < T, \qquad \eta_t = \eta \ \text{ after}

    Example:
        >>> from optlib.schedules import constant_factor
        >>> [float(constant_factor(1.0, factor=0.5, total_iters=2)(t)) for t in range(4)]
        [0.5, 0.5, 1.0, 1.0]
    """
    check_hyper("lr", lr, 0)
    check_hyper("factor", factor, 0, 1, high_open=False)
    total_iters = _count("total_iters", total_iters)
    return lambda t: lr * np.where(_steps(t) < total_iters, factor, 1.0)  # eq. constant-factor


def linear_factor(lr, start_factor=1 / 3, end_factor=1.0, total_iters=5):
    r"""A rate that moves linearly from ``start_factor`` to ``end_factor`` times ``lr``
    over ``total_iters`` steps, then stays, as ``LinearLR``.

    .. math:: \eta_t = \eta\,\big(f_0 + (f_1 - f_0)\min(t, T)/T\big)

    :func:`linear_warmup` is its rising case, :math:`f_1 = 1`.

    Example:
        >>> from optlib.schedules import linear_factor
        >>> [float(linear_factor(1.0, 1.0, 0.5, total_iters=2)(t)) for t in range(4)]
        [1.0, 0.75, 0.5, 0.5]
    """
    check_hyper("lr", lr, 0)
    check_hyper("start_factor", start_factor, 0, 1, low_open=True, high_open=False)
    check_hyper("end_factor", end_factor, 0, 1, high_open=False)
    total_iters = _count("total_iters", total_iters)

    def schedule(t):
        done = np.minimum(_steps(t), total_iters) / total_iters
        return lr * (start_factor + (end_factor - start_factor) * done)  # eq. linear-factor

    return schedule


class PlateauState(NamedTuple):
    """The state of :func:`reduce_on_plateau`: the current ``lr``, the ``best`` loss
    seen, the number of ``bad_steps`` since it, and the ``cooldown`` steps left."""

    lr: float
    best: float
    bad_steps: int
    cooldown: int


class Plateau(NamedTuple):
    """``init() -> PlateauState`` and ``update(loss, state) -> PlateauState``."""

    init: Callable[[], PlateauState]
    update: Callable[[float, PlateauState], PlateauState]


def reduce_on_plateau(
    lr,
    factor=0.1,
    patience=10,
    threshold=1e-4,
    threshold_mode="rel",
    mode="min",
    cooldown=0,
    min_lr=0.0,
    eps=1e-8,
):
    r"""Cut the rate by ``factor`` when the loss stops improving, as ``ReduceLROnPlateau``.

    This schedule depends on the losses, not on t, so it is a pure pair like an
    optimizer: ``update(loss, state)`` returns the next state, whose ``lr`` is the rate
    for the steps that follow. A loss :math:`L` improves on the best :math:`L^*` if
    :math:`L < L^*(1 - \tau)` (``threshold_mode="rel"``) or :math:`L < L^* - \tau`
    (``"abs"``), mirrored for ``mode="max"``. After more than ``patience`` losses in a
    row without improvement the rate becomes :math:`\max(f\eta, \eta_{\min})` (kept
    unless it falls by more than ``eps``), and ``cooldown`` losses are ignored.

    Any optimizer whose update is proportional to its rate runs with it by scaling its
    updates: build it with ``lr`` and take ``params + state.lr / lr * updates``. That is
    every optimizer of the book but Rprop and schedule-free AdamW (whose rates are no
    schedule) and Adafactor once its ``lr`` exceeds :math:`1/\sqrt t`.

    Example:
        >>> from optlib.schedules import reduce_on_plateau
        >>> plateau = reduce_on_plateau(1.0, factor=0.5, patience=1)
        >>> state = plateau.init()
        >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0]:
        ...     state = plateau.update(loss, state)
        >>> state.lr
        0.25
    """
    check_hyper("lr", lr, 0)
    check_hyper("factor", factor, 0, 1)
    patience, cooldown = _losses("patience", patience), _losses("cooldown", cooldown)
    check_hyper("threshold", threshold, 0)
    if threshold_mode not in ("rel", "abs"):
        raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
    check_hyper("min_lr", min_lr, 0, lr, high_open=False)
    check_hyper("eps", eps, 0)

    def better(loss, best):
        if mode == "min":
            return loss < (best * (1 - threshold) if threshold_mode == "rel" else best - threshold)
        return loss > (best * (1 + threshold) if threshold_mode == "rel" else best + threshold)

    def init():
        return PlateauState(float(lr), math.inf if mode == "min" else -math.inf, 0, 0)

    def update(loss, state):
        loss = float(loss)
        if math.isnan(loss):
            raise ValueError("loss must be a number, got nan")
        lr_now, best, bad, cool = state
        # eq. plateau: b counts the checks since the best loss (none while cooling down);
        # past the patience the rate is cut, unless the cut is smaller than eps
        best, bad = (loss, 0) if better(loss, best) else (best, bad + 1)
        cool, bad = (cool - 1, 0) if cool > 0 else (cool, bad)
        cut = max(lr_now * factor, min_lr) if bad > patience else lr_now
        lr_now = cut if lr_now - cut > eps else lr_now
        cool, bad = (cooldown, 0) if bad > patience else (cool, bad)
        return PlateauState(lr_now, best, bad, cool)

    return Plateau(init, update)
