"""Schedule-free AdamW: interpolation and averaging in place of a learning-rate schedule.

Derived in the part "After Adam" (its schedule-free chapter).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like


class ScheduleFreeState(NamedTuple):
    t: int  # number of updates taken so far
    z: np.ndarray  # the base sequence z_t (AdamW's iterates)
    v: np.ndarray  # second moment v_t
    b1: float | np.ndarray  # the interpolation weight beta1 (for eval_params)
    max_lr: float | np.ndarray  # the largest learning rate so far
    weight_sum: float | np.ndarray  # sum of the averaging weights max_lr^power


def warmup(lr, warmup_steps, count):
    """optax's ``warmup_constant_schedule(0, lr, warmup_steps)`` at ``count``: linear from
    0 to ``lr`` over ``warmup_steps`` steps, then ``lr`` (``lr`` itself if None)."""
    if warmup_steps is None:
        return lr
    frac = 1 - min(count, warmup_steps) / warmup_steps
    return (0 - lr) * frac + lr


def eval_params(state, params):
    """The evaluation point x_t, from the gradient point y_t (``params``) and z_t:
    ``x = (y - (1 - beta1) z) / beta1``, as ``optax.contrib.schedule_free_eval_params``.
    Report losses at x: y is where the gradients are taken, x is the average."""
    params = base.as_float_array("params", params)
    if params.shape != state.z.shape:
        raise ValueError(
            f"params has shape {params.shape}, but the state was initialised for params "
            f"of shape {state.z.shape}"
        )
    # eq. sf-eval
    return (params - (1.0 - state.b1) * state.z) / state.b1


def schedule_free_adamw(
    lr=0.0025,
    warmup_steps=None,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    weight_decay=0.0,
    weight_lr_power=2.0,
):
    r"""Schedule-free AdamW (Defazio et al. 2024), as optax.contrib.schedule_free_adamw.

    Symbols: learning rate :math:`\eta` (``lr``; with ``warmup_steps`` = W it rises
    linearly from 0 over W steps, :math:`\eta_t`), interpolation weight
    :math:`\beta_1` (``beta1``), second-moment decay :math:`\beta_2` (``beta2``),
    :math:`\epsilon` (``eps``), weight decay :math:`\omega` (applied at y, inside the
    step, as optax does), averaging power :math:`r` (``weight_lr_power``).

    .. code-block:: text

        z_0 <- y_0 <- theta_0, v_0 <- 0, S_0 <- 0
        for t = 1, 2, ...  (g_t is the gradient at y_{t-1}, the params)
            w_t <- (max_{s<=t} eta_s)^r, S_t <- S_{t-1} + w_t, c_t <- w_t / S_t  (eq. sf-weight)
            v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2                  (eq. adam-v)
            z_t <- z_{t-1} - eta_{t-1} (g_t / (sqrt(v_t / (1 - beta2^t)) + eps)
                                        + omega y_{t-1})              (eq. sf-z)
            x_{t-1} <- (y_{t-1} - (1 - beta1) z_{t-1}) / beta1        (eq. sf-eval)
            x_t <- (1 - c_t) x_{t-1} + c_t z_t                        (eq. sf-x)
            y_t <- beta1 x_t + (1 - beta1) z_t                        (eq. sf-y)

    z is AdamW without momentum (its first moment is replaced by what follows);
    x is a weighted average of the z's (with constant :math:`\eta` and
    :math:`r`, :math:`c_t = 1/t`: the plain average), the point to evaluate;
    y, between them, is where the gradient is taken and what ``params`` hold.
    :func:`eval_params` gives x from y and the state. Like optax, the step size of
    z uses the warm-up schedule at ``t - 1`` and the averaging weight at ``t``.
    The updates returned are :math:`y_t - y_{t-1}`, a difference of iterates: for
    tiny steps on large parameters they carry that difference's rounding.

    ``lr`` is a number (or an array): the warm-up is the only schedule, as in
    optax; the default 0.0025 and the others are optax's.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.schedule_free_adamw(lr=0.1)
        >>> theta = np.zeros(1)
        >>> state = opt.init(theta)
        >>> for _ in range(3):
        ...     updates, state = opt.update(np.array([1.0]), state, theta)
        ...     theta = theta + updates
        >>> state.z, optlib.schedule_free_eval_params(state, theta)  # z: AdamW; x: its average
        (array([-0.3]), array([-0.2]))

    References:
        Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky (2024), The road less
        scheduled, NeurIPS.
    """
    if callable(lr):
        raise TypeError(
            "lr must be a number or an array for schedule_free_adamw, got a schedule: "
            "its only schedule is the warm-up (warmup_steps)"
        )
    base.check_lr(lr)
    if warmup_steps is not None:
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int | np.integer):
            raise TypeError(
                f"warmup_steps must be None or a whole number >= 1, got {warmup_steps!r}"
            )
        if warmup_steps < 1:
            raise ValueError(
                f"warmup_steps must be None or a whole number >= 1, got {warmup_steps!r}"
            )
        warmup_steps = int(warmup_steps)
    base.check_hyper("beta1", beta1, 0, 1, low_open=True, high_open=False)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("weight_decay", weight_decay, 0)
    base.check_hyper("weight_lr_power", weight_lr_power, 0)
    use_decay = base.any_nonzero(weight_decay)
    lr64 = float(lr) if np.ndim(lr) == 0 else np.asarray(lr, np.float64)

    def init(params):
        params = base.check_params(
            params,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            weight_decay=weight_decay,
            weight_lr_power=weight_lr_power,
        )
        b1 = like(beta1, params.dtype)
        return ScheduleFreeState(0, params.copy(), np.zeros_like(params), b1, 0.0, 0.0)

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.z, params)
        if params is None:
            raise ValueError(
                "params must be given to schedule_free_adamw's update: they are y_t, "
                "from which the average x_t is recovered"
            )
        dtype, t = grads.dtype, state.t + 1
        b1, b2 = state.b1, like(beta2, dtype)
        eta = like(warmup(lr64, warmup_steps, state.t), dtype)  # the step's count: t - 1
        # eq. sf-weight (optax's count for the weights starts at 1)
        max_lr = np.maximum(state.max_lr, warmup(lr64, warmup_steps, t))
        weight = base.power(max_lr, weight_lr_power)
        weight_sum = state.weight_sum + weight
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.nan_to_num(np.divide(weight, weight_sum), nan=0.0)  # 0 / 0 -> 0
        c = like(c, dtype)
        # eq. adam-v
        v = (1 - b2) * (grads * grads) + b2 * state.v
        c2 = 1.0 - base.power(beta2, t)
        # eq. sf-z
        u = grads / (np.sqrt(v / like(c2, dtype)) + like(eps, dtype))
        if use_decay:
            u = u + like(weight_decay, dtype) * params
        z = state.z + u * -eta
        # x_{t-1}, recovered from y_{t-1} and z_{t-1} as in eval_params
        x_prev = (params - (1.0 - b1) * state.z) / b1
        # eq. sf-x
        x = (1.0 - c) * x_prev + c * z
        # eq. sf-y
        y = b1 * x + (1.0 - b1) * z
        new_state = ScheduleFreeState(t, z, v, state.b1, max_lr, weight_sum)
        return (y - params).astype(dtype, copy=False), new_state

    return base.optimizer(init, update)
