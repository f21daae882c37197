"""Adafactor: a second moment factored into row and column statistics, relative steps.

Derived in the part "After Adam" (its Adafactor chapter).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class AdafactorState(NamedTuple):
    t: int  # number of updates taken so far
    v: np.ndarray | None  # second moment v_t of a vector parameter (None if factored)
    row: np.ndarray | None  # row statistics R_t, shape (..., r, 1) (None if not factored)
    col: np.ndarray | None  # column statistics C_t, shape (..., 1, c) (None if not factored)


def rms(x, axes):
    """Root mean square over ``axes`` (kept, size 1), as torch's ``x.norm() / sqrt(numel)``."""
    n = math.prod(x.shape[a] for a in axes)
    return np.sqrt(np.sum(x * x, axis=axes, keepdims=True)) / math.sqrt(max(n, 1))


def adafactor(
    lr=1e-2, beta2_decay=-0.8, eps1=None, eps2=1e-3, d=1.0, weight_decay=0.0, factored=False
):
    r"""Adafactor (Shazeer and Stern 2018), as torch.optim.Adafactor.

    Symbols: relative step bound :math:`\eta` (``lr``), decay exponent :math:`c`
    (``beta2_decay``), floors :math:`\epsilon_1` (``eps1``, on the second moment's
    root; ``None`` is the params' machine epsilon, torch's default) and
    :math:`\epsilon_2` (``eps2``, on the parameters' RMS), clipping threshold
    :math:`d` (``d``), weight decay :math:`\omega` (decoupled: the parameters shrink
    by :math:`\eta\omega\theta`). torch's ``eps=(eps1, eps2)`` is the pair.

    .. code-block:: text

        for t = 1, 2, ...
            beta2_t <- 1 - t^c                                             (eq. adafactor-beta2)
            rho_t <- min(eta, 1 / sqrt(t))                                 (eq. adafactor-rho)
            alpha_t <- max(eps2, RMS(theta_{t-1})) * rho_t                 (eq. adafactor-alpha)
            matrix (r x c):
              R_t <- beta2_t R_{t-1} + (1 - beta2_t) mean_cols(g_t^2)     (eq. adafactor-row)
              C_t <- beta2_t C_{t-1} + (1 - beta2_t) mean_rows(g_t^2)     (eq. adafactor-col)
              v_hat_t <- R_t C_t / max(mean(R_t), eps1)                   (eq. adafactor-vhat)
            vector:
              v_hat_t <- beta2_t v_{t-1} + (1 - beta2_t) g_t^2            (eq. adafactor-v)
            u_t <- g_t / sqrt(max(v_hat_t, eps1^2))                       (eq. adafactor-u)
            k_t <- max(1, RMS(u_t) / d)                                   (eq. adafactor-clip)
            theta_t <- theta_{t-1} - eta omega theta_{t-1}
                       - (alpha_t / k_t) u_t                              (eq. adafactor-step)

    **Matrices and batching.** optlib's leading axes hold independent runs, so what
    counts as *one parameter* must be said: with ``factored=False`` (the default) it
    is the last axis of ``params`` (a vector; a 0-d array is one number), with
    ``factored=True`` the last two axes (an ``r x c`` matrix, whose second moment
    is stored as ``r + c`` numbers instead of ``r c``). Every axis before those is a
    batch axis, so ``params`` of shape ``(K, r, c)`` with ``factored=True`` are K
    runs on one ``r x c`` matrix each, and the RMS in (eq. adafactor-alpha) and
    (eq. adafactor-clip) is taken over each parameter alone. A torch parameter of
    two dimensions is ``factored=True``, one of one dimension (or none)
    ``factored=False``; torch's RMS of a 3-dimensional tensor, which spans its
    leading axis, has no equivalent here. For the same reason a hyperparameter
    array must have size 1 on the parameter's axes: shape ``(K, 1)`` (or
    ``(K, 1, 1)`` if factored), one value per run.

    The rule is not diagonal: the step of each coordinate depends on the RMS of
    the whole parameter (``alpha_t``, ``k_t``) and, factored, on its row and
    column. The decay exponent gives :math:`\beta_{2,1} = 0`, so the first
    :math:`\hat v_1` is :math:`g_1^2` (factored: its rank-one fit) and no bias
    correction is needed.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.adafactor(lr=0.01, factored=True)
        >>> theta = np.full((2, 3), 2.0)
        >>> state = opt.init(theta)
        >>> state.row.shape, state.col.shape  # r + c numbers, not r * c
        ((2, 1), (1, 3))
        >>> updates, state = opt.update(np.array([[1.0, 2, 3], [2, 4, 6]]), state, theta)
        >>> np.round(updates, 6)  # a rank-one gradient: u_1 = sign(g), alpha_1 = 2 * 0.01
        array([[-0.02, -0.02, -0.02],
               [-0.02, -0.02, -0.02]])

    References:
        Shazeer and Stern (2018), Adafactor: adaptive learning rates with sublinear
        memory cost, ICML.
    """
    base.check_lr(lr)
    base.check_hyper("beta2_decay", beta2_decay, -np.inf, 0, low_open=True, high_open=False)
    if eps1 is not None:
        base.check_hyper("eps1", eps1, 0, low_open=True)
    base.check_hyper("eps2", eps2, 0)
    base.check_hyper("d", d, 1)
    base.check_hyper("weight_decay", weight_decay, 0)
    factored = base.check_flag("factored", factored)
    use_decay = base.any_nonzero(weight_decay)
    hypers = {"beta2_decay": beta2_decay, "eps2": eps2, "d": d, "weight_decay": weight_decay}
    if eps1 is not None:
        hypers["eps1"] = eps1
    ndim = 2 if factored else 1

    def axes_of(params):
        return tuple(range(-min(ndim, params.ndim), 0))

    def init(params):
        params = base.check_params(params, lr=lr_at(lr, 0), **hypers)
        if factored and params.ndim < 2:
            raise ValueError(
                f"params must have at least 2 axes with factored=True (the last two hold "
                f"one matrix), got shape {params.shape}"
            )
        base.check_per_run(
            {"lr": lr_at(lr, 0), **hypers}, ndim, "adafactor's steps use the RMS of each parameter"
        )
        if factored:
            shape = params.shape
            zeros = np.zeros((), params.dtype)
            row = np.broadcast_to(zeros, (*shape[:-1], 1)).copy()
            col = np.broadcast_to(zeros, (*shape[:-2], 1, shape[-1])).copy()
            return AdafactorState(t=0, v=None, row=row, col=col)
        return AdafactorState(t=0, v=np.zeros_like(params), row=None, col=None)

    def update(grads, state, params=None):
        if factored:
            shape = (*state.row.shape[:-1], state.col.shape[-1])
            like_params = np.broadcast_to(np.zeros((), state.row.dtype), shape)
        else:
            like_params = state.v
        grads, params = base.check_grads(grads, like_params, params)
        if params is None:
            raise ValueError(
                "params must be given to adafactor's update: its step is relative to their RMS"
            )
        dtype, t, axes = grads.dtype, state.t + 1, axes_of(grads)
        eta = like(lr_at(lr, state.t), dtype)
        floor = float(np.finfo(dtype).eps) if eps1 is None else like(eps1, dtype)
        # eq. adafactor-beta2: w = 1 - beta2_t = t^c, the weight of the new g^2
        w = like(base.power(t, beta2_decay), dtype)
        # eq. adafactor-rho
        rho = min(eta, 1 / t**0.5) if isinstance(eta, float) else np.minimum(eta, 1 / t**0.5)
        # eq. adafactor-alpha
        alpha = np.maximum(like(eps2, dtype), rms(params, axes)) * rho
        g2 = grads * grads
        row = col = None
        if factored:
            r, c = grads.shape[-2], grads.shape[-1]
            # eq. adafactor-row
            row = (1 - w) * state.row + w * (np.sum(g2, axis=-1, keepdims=True) / max(c, 1))
            # eq. adafactor-col
            col = (1 - w) * state.col + w * (np.sum(g2, axis=-2, keepdims=True) / max(r, 1))
            # eq. adafactor-vhat
            mean_row = np.sum(row, axis=-2, keepdims=True) / max(r, 1)
            v_hat = row * col / np.maximum(mean_row, floor)
        else:
            # eq. adafactor-v
            v_hat = (1 - w) * state.v + w * g2
        # eq. adafactor-u
        u = grads / np.sqrt(np.maximum(v_hat, floor * floor))
        # eq. adafactor-clip
        k = np.maximum(1.0, rms(u, axes) / like(d, dtype))
        # eq. adafactor-step
        step = -(alpha / k) * u
        if use_decay:
            step = step - eta * like(weight_decay, dtype) * params
        v = None if factored else v_hat
        return step.astype(dtype, copy=False), AdafactorState(t, v, row, col)

    return base.optimizer(init, update)
