"""Adam, its AMSGrad variant, and AdamW (decoupled weight decay).

Derived in the chapter "Adam" (book/adam.ipynb).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class AdamState(NamedTuple):
    t: int  # number of updates taken so far
    m: np.ndarray  # first moment m_t
    v: np.ndarray  # second moment v_t
    v_max: np.ndarray  # running maximum of v_t (AMSGrad only)


def bias_correction(beta, t, dtype):
    """1 - beta**t in float64 (then cast, if beta is an array); see ``base.power``."""
    c = 1.0 - base.power(beta, t)
    return float(c) if isinstance(c, float) else c.astype(dtype)  # float: a weak scalar


def sqrt_of(value):
    """Square root of a bias correction, a float or an array."""
    return math.sqrt(value) if isinstance(value, float) else np.sqrt(value)


def _adam(lr, beta1, beta2, eps, amsgrad, weight_decay, decoupled, corrected):
    base.check_lr(lr)
    base.check_hyper("beta1", beta1, 0, 1)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("weight_decay", weight_decay, 0)
    amsgrad = base.check_flag("amsgrad", amsgrad)
    corrected = base.check_flag("bias_correction", corrected)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params, lr=lr_at(lr, 0), beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
        )
        zeros = np.zeros_like(params)
        return AdamState(t=0, m=zeros, v=zeros, v_max=zeros)

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.m, params, needs_params=use_decay)
        dtype, t = grads.dtype, state.t + 1
        eta, b1, b2 = like(lr_at(lr, state.t), dtype), like(beta1, dtype), like(beta2, dtype)
        decay = None
        if use_decay and decoupled:
            # eq. adamw-decay: shrink theta directly, outside the adaptive scaling
            decay = -eta * like(weight_decay, dtype) * params
            g = grads
        elif use_decay:
            g = grads + like(weight_decay, dtype) * params  # L2 penalty in the gradient
        else:
            g = grads
        # eq. adam-m
        m = b1 * state.m + (1 - b1) * g
        # eq. adam-v
        v = b2 * state.v + (1 - b2) * g * g
        # eq. amsgrad: torch keeps the maximum of the *uncorrected* v_t
        v_max = np.maximum(state.v_max, v) if amsgrad else state.v_max
        # eq. adam-hat: m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t), applied as
        # sqrt(v) / sqrt(1 - beta2^t) + eps, which places eps as torch does
        # (corrected=False drops both factors: the uncorrected rule the chapter contrasts)
        c1, c2 = (bias_correction(b, t, dtype) if corrected else 1.0 for b in (beta1, beta2))
        denom = np.sqrt(v_max if amsgrad else v) / sqrt_of(c2) + like(eps, dtype)
        # eq. adam-step
        step = -(eta / c1) * m / denom
        # (no "+ 0.0" without decay: on large arrays it would be one more full pass)
        return (step if decay is None else step + decay), AdamState(t, m, v, v_max)

    return base.optimizer(init, update)


def adam(
    lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=False, weight_decay=0.0, bias_correction=True
):
    r"""Adam (Kingma and Ba 2015), with the AMSGrad option, as torch.optim.Adam.

    Symbols: learning rate :math:`\eta` (``lr``), moment decays :math:`\beta_1,
    \beta_2` (``beta1``, ``beta2``), :math:`\epsilon` (``eps``, outside the root),
    weight decay :math:`\omega` (added to the gradient, an L2 penalty).

    .. code-block:: text

        m_0 <- 0, v_0 <- 0, v_max_0 <- 0
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}
            m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t              (eq. adam-m)
            v_t <- beta2 * v_{t-1} + (1 - beta2) * g_t^2            (eq. adam-v)
            if amsgrad: v_max_t <- max(v_max_{t-1}, v_t); use v_max_t for v_t  (eq. amsgrad)
            m_hat_t <- m_t / (1 - beta1^t), v_hat_t <- v_t / (1 - beta2^t)   (eq. adam-hat)
            theta_t <- theta_{t-1} - eta * m_hat_t / (sqrt(v_hat_t) + eps)   (eq. adam-step)

    The first step is ``eta * g / (|g| + eps)``: ``eta * sign(g)`` up to eps.
    ``bias_correction=False`` drops the (eq. adam-hat) factors (not a torch option;
    the Adam chapter uses it to show why the correction is there).

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.adam(lr=0.1)
        >>> updates, _ = opt.update(np.array([1e-3, -50.0]), opt.init(np.zeros(2)))
        >>> np.round(updates, 4)
        array([-0.1,  0.1])

    References:
        Kingma and Ba (2015), Adam: a method for stochastic optimization, ICLR.
        Reddi, Kale, Kumar (2018), On the convergence of Adam and beyond, ICLR (AMSGrad).

    Warning:
        optax's ``amsgrad`` takes the maximum of the bias-corrected v; torch and
        optlib take it of the raw v. Keras's eps is 1e-7.
    """
    return _adam(lr, beta1, beta2, eps, amsgrad, weight_decay, False, bias_correction)


def adamw(
    lr=1e-3,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    amsgrad=False,
    weight_decay=1e-2,
    bias_correction=True,
):
    r"""AdamW (Loshchilov and Hutter 2019): Adam with decoupled weight decay, as
    torch.optim.AdamW.

    Same as :func:`adam`, except that the decay is not added to the gradient:

    .. code-block:: text

        theta_{t-1} <- theta_{t-1} - eta * omega * theta_{t-1}    (eq. adamw-decay)
        ... then Adam's update with g_t = grad                      (eq. adam-m .. adam-step)

    With ``weight_decay=0`` AdamW is Adam.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.adamw(lr=0.1, weight_decay=0.5)
        >>> theta = np.array([2.0])
        >>> updates, _ = opt.update(np.array([1.0]), opt.init(theta), theta)
        >>> np.round(updates, 6)  # -lr * sign(g) - lr * omega * theta
        array([-0.2])

    References:
        Loshchilov and Hutter (2019), Decoupled weight decay regularization, ICLR.
    """
    return _adam(lr, beta1, beta2, eps, amsgrad, weight_decay, True, bias_correction)
