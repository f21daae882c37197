"""NAdam: Nesterov momentum inside Adam's bias-corrected first moment.

Derived in the chapter "NAdam" (book/nadam.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.adam import bias_correction
from optlib.base import like, lr_at


class NAdamState(NamedTuple):
    t: int  # number of updates taken so far
    m: np.ndarray  # first moment m_t
    v: np.ndarray  # second moment v_t
    mu_prod: float | np.ndarray  # product mu_1 * ... * mu_t, in float64


def momentum_schedule(beta1, momentum_decay, t):
    """mu_t = beta1 * (1 - 0.5 * 0.96**(t * momentum_decay))  (eq. nadam-mu), in float64."""
    decay = base.power(0.96, t * np.asarray(momentum_decay, np.float64))  # not **: see power
    return np.asarray(beta1, np.float64) * (1.0 - 0.5 * decay)


def nadam(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3, weight_decay=0.0):
    r"""NAdam (Dozat 2016), as torch.optim.NAdam.

    Symbols: as :func:`optlib.adam`, plus the momentum decay :math:`\psi`
    (``momentum_decay``) of the momentum schedule :math:`\mu_t`.

    .. code-block:: text

        m_0 <- 0, v_0 <- 0
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}
            mu_t <- beta1 * (1 - 0.5 * 0.96^(t * psi))               (eq. nadam-mu)
            m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t               (eq. adam-m)
            v_t <- beta2 * v_{t-1} + (1 - beta2) * g_t^2             (eq. adam-v)
            m_bar_t <- mu_{t+1} m_t / (1 - prod_{i<=t+1} mu_i)
                       + (1 - mu_t) g_t / (1 - prod_{i<=t} mu_i)     (eq. nadam-mbar)
            theta_t <- theta_{t-1} - eta * m_bar_t / (sqrt(v_t / (1 - beta2^t)) + eps)
                                                                     (eq. nadam-mbar)

    The Nesterov look-ahead is the mu_{t+1} m_t term: next step's momentum,
    applied now, so no gradient at a look-ahead point is needed.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.nadam(lr=0.002)
        >>> updates, _ = opt.update(np.array([3.0]), opt.init(np.zeros(1)))
        >>> round(float(updates[0]), 6)  # larger than lr: the look-ahead adds mu_2 m_1
        -0.002113

    References:
        Dozat (2016), Incorporating Nesterov momentum into Adam, ICLR workshop.
    """
    base.check_lr(lr)
    base.check_hyper("beta1", beta1, 0, 1)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("momentum_decay", momentum_decay, 0)
    base.check_hyper("weight_decay", weight_decay, 0)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params,
            lr=lr_at(lr, 0),
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            momentum_decay=momentum_decay,
            weight_decay=weight_decay,
        )
        zeros = np.zeros_like(params)
        return NAdamState(t=0, m=zeros, v=zeros, mu_prod=1.0)

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.m, params, needs_params=use_decay)
        dtype, t = grads.dtype, state.t + 1
        eta, b1, b2 = like(lr_at(lr, state.t), dtype), like(beta1, dtype), like(beta2, dtype)
        g = grads + like(weight_decay, dtype) * params if use_decay else grads
        # eq. nadam-mu: this step's and next step's momentum coefficients
        mu = momentum_schedule(beta1, momentum_decay, t)
        mu_next = momentum_schedule(beta1, momentum_decay, t + 1)
        mu_prod = state.mu_prod * mu
        # eq. adam-m, eq. adam-v
        m = b1 * state.m + (1 - b1) * g
        v = b2 * state.v + (1 - b2) * g * g
        denom = np.sqrt(v / bias_correction(beta2, t, dtype)) + like(eps, dtype)
        # eq. nadam-mbar and the step: the current gradient's share, then the
        # look-ahead momentum's share
        c_g = like(-(1.0 - mu) / (1.0 - mu_prod), dtype)
        c_m = like(-mu_next / (1.0 - mu_prod * mu_next), dtype)
        step = eta * c_g * g / denom + eta * c_m * m / denom

        mu_prod = float(mu_prod) if np.ndim(mu_prod) == 0 else mu_prod
        return step, NAdamState(t, m, v, mu_prod)

    return base.optimizer(init, update)
