"""AdaMax: Adam with the L-infinity norm in place of the L2 second moment.

Derived in the chapter "AdaMax" (book/adamax.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.adam import bias_correction
from optlib.base import like, lr_at


class AdaMaxState(NamedTuple):
    t: int  # number of updates taken so far
    m: np.ndarray  # first moment m_t
    u: np.ndarray  # exponentially weighted infinity norm u_t


def adamax(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    r"""AdaMax (Kingma and Ba 2015, sec. 7.1), as torch.optim.Adamax.

    Symbols: as :func:`optlib.adam`; :math:`u_t` is the weighted infinity norm.

    .. code-block:: text

        m_0 <- 0, u_0 <- 0
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}
            m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t               (eq. adam-m)
            u_t <- max(beta2 * u_{t-1}, |g_t| + eps)                 (eq. adamax-u)
            theta_t <- theta_{t-1} - eta / (1 - beta1^t) * m_t / u_t (eq. adamax-u)

    ``u_t`` is the limit p -> infinity of Adam's L^p moment and needs no bias
    correction. torch adds eps inside the max (the paper has none) so u_t > 0.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.adamax(lr=0.002)
        >>> updates, _ = opt.update(np.array([4.0, -0.5]), opt.init(np.zeros(2)))
        >>> np.round(updates, 6)
        array([-0.002,  0.002])

    References:
        Kingma and Ba (2015), Adam: a method for stochastic optimization, ICLR, sec. 7.1.
    """
    base.check_lr(lr)
    base.check_hyper("beta1", beta1, 0, 1)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("weight_decay", weight_decay, 0)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params, lr=lr_at(lr, 0), beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
        )
        return AdaMaxState(t=0, m=np.zeros_like(params), u=np.zeros_like(params))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.m, params, needs_params=use_decay)
        dtype, t = grads.dtype, state.t + 1
        eta, b1 = like(lr_at(lr, state.t), dtype), like(beta1, dtype)
        g = grads + like(weight_decay, dtype) * params if use_decay else grads
        # eq. adam-m: the first moment, as Adam's
        m = b1 * state.m + (1 - b1) * g
        # eq. adamax-u: the running max replaces Adam's average of g^2
        u = np.maximum(like(beta2, dtype) * state.u, np.abs(g) + like(eps, dtype))
        # eq. adamax-u, the step: only m is bias-corrected
        step = -(eta / bias_correction(beta1, t, dtype)) * m / u
        return step, AdaMaxState(t, m, u)

    return base.optimizer(init, update)
