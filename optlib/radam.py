"""RAdam: Adam whose adaptive step is switched on, and rectified, once its variance is finite.

Derived in the part "After Adam" (its RAdam chapter).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.adam import bias_correction, sqrt_of
from optlib.base import like, lr_at

RHO_SWITCH = 5.0  # the adaptive step is used once rho_t > 5 (torch and the paper)


class RAdamState(NamedTuple):
    t: int  # number of updates taken so far
    m: np.ndarray  # first moment m_t
    v: np.ndarray  # second moment v_t


def in_float64(value):
    """A hyperparameter as a Python float (a number) or a float64 array."""
    return float(value) if np.ndim(value) == 0 else np.asarray(value, np.float64)


def rectification(beta2, t):
    """``(rho_t, r_t)``: the length of the approximated simple moving average and the
    rectification factor at step t, in float64 (numbers or arrays, as ``beta2``).

    ``r_t`` is 1 where ``rho_t <= 5`` (no adaptive step there, so no factor).
    """
    b2 = in_float64(beta2)
    power = base.power(b2, t)
    # eq. radam-rho-inf
    rho_inf = 2 / (1 - b2) - 1
    # eq. radam-rho
    rho = rho_inf - 2 * t * power / (1 - power)
    on = rho > RHO_SWITCH
    # where the rule is off, stand-in values keep the root real (and are not used)
    rho_on, inf_on = np.where(on, rho, 6.0), np.where(on, rho_inf, 7.0)
    # eq. radam-rect
    r = np.sqrt((rho_on - 4) * (rho_on - 2) * inf_on / ((inf_on - 4) * (inf_on - 2) * rho_on))
    r = np.where(on, r, 1.0)
    return (rho, float(r)) if np.ndim(r) == 0 else (rho, r)


def radam(
    lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, decoupled_weight_decay=False
):
    r"""RAdam (Liu et al. 2020), as torch.optim.RAdam.

    Symbols: learning rate :math:`\eta` (``lr``), moment decays :math:`\beta_1,
    \beta_2` (``beta1``, ``beta2``), :math:`\epsilon` (``eps``, outside the root of the
    *uncorrected* :math:`v_t`, as torch places it), weight decay :math:`\omega`
    (an L2 penalty in the gradient, or decoupled as in AdamW with
    ``decoupled_weight_decay=True``).

    .. code-block:: text

        m_0 <- 0, v_0 <- 0, rho_inf <- 2 / (1 - beta2) - 1               (eq. radam-rho-inf)
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}     (or theta_{t-1} <- (1 - eta omega) theta_{t-1})
            m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t                    (eq. adam-m)
            v_t <- beta2 * v_{t-1} + (1 - beta2) * g_t^2                  (eq. adam-v)
            m_hat_t <- m_t / (1 - beta1^t)
            rho_t <- rho_inf - 2 t beta2^t / (1 - beta2^t)                (eq. radam-rho)
            if rho_t > 5:
                r_t <- sqrt((rho_t - 4)(rho_t - 2) rho_inf
                            / ((rho_inf - 4)(rho_inf - 2) rho_t))         (eq. radam-rect)
                theta_t <- theta_{t-1} - eta * m_hat_t * r_t
                           * sqrt(1 - beta2^t) / (sqrt(v_t) + eps)        (eq. radam-step)
            else:
                theta_t <- theta_{t-1} - eta * m_hat_t                    (eq. radam-sgd)

    :math:`\rho_t` is the length of the simple moving average that the exponential
    average :math:`v_t` approximates; the variance of the adaptive rate
    :math:`\sqrt{(1-\beta_2^t)/v_t}` is finite only for :math:`\rho_t > 4`, and the
    rule uses it from :math:`\rho_t > 5` on, multiplied by :math:`r_t`, which scales
    that variance down to its limit's (:math:`r_t \to 1` as :math:`t \to \infty`).
    Before, the step is bias-corrected momentum SGD. With the default
    :math:`\beta_2 = 0.999` the switch is at step 6 (:func:`rectification` gives
    :math:`\rho_t` and :math:`r_t`); with :math:`\beta_2 \le 2/3`,
    :math:`\rho_\infty \le 5` and RAdam is momentum SGD for ever.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.radam(lr=0.1)
        >>> state, steps = opt.init(np.zeros(1)), []
        >>> for _ in range(7):
        ...     updates, state = opt.update(np.array([2.0]), state)
        ...     steps.append(updates[0])
        >>> np.round(steps, 4)  # -lr g for 5 steps, then -lr r_t sign(g): r_6 = 0.026
        array([-0.2   , -0.2   , -0.2   , -0.2   , -0.2   , -0.0026, -0.0033])

    References:
        Liu, Jiang, He, Chen, Liu, Gao, Han (2020), On the variance of the adaptive
        learning rate and beyond, ICLR.
    """
    base.check_lr(lr)
    base.check_hyper("beta1", beta1, 0, 1)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("weight_decay", weight_decay, 0)
    decoupled = base.check_flag("decoupled_weight_decay", decoupled_weight_decay)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params, lr=lr_at(lr, 0), beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
        )
        zeros = np.zeros_like(params)
        return RAdamState(t=0, m=zeros, v=zeros)

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
        c1, c2 = bias_correction(beta1, t, dtype), bias_correction(beta2, t, dtype)
        rho, r = rectification(beta2, t)
        on = rho > RHO_SWITCH
        # eq. radam-sgd
        sgd = (m / c1) * eta
        # eq. radam-step
        adaptive = sgd * (sqrt_of(c2) / (np.sqrt(v) + like(eps, dtype))) * like(r, dtype)
        step = -np.where(on, adaptive, sgd) if np.ndim(on) else -(adaptive if on else sgd)
        return (step if decay is None else step + decay), RAdamState(t, m, v)

    return base.optimizer(init, update)
