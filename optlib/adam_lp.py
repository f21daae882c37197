"""Adam with an L^p second moment: the family whose p -> infinity limit is AdaMax.

Derived in the chapter "AdaMax" (book/adamax.ipynb), to show the limit; not a
method in common use (and not in torch.optim).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.adam import bias_correction
from optlib.base import like, lr_at


class AdamLpState(NamedTuple):
    t: int  # number of updates taken so far
    m: np.ndarray  # first moment m_t
    u: np.ndarray  # the p-th root of the L^p moment, u_t = v_t^(1/p)


def adam_lp(lr=2e-3, beta1=0.9, beta2=0.999, p=2.0, eps=1e-8):
    r"""Adam's second moment generalised to the L^p norm (Kingma and Ba 2015, sec. 7.1).

    .. code-block:: text

        m_0 <- 0, v_0 <- 0
        for t = 1, 2, ...
            m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t                    (eq. adam-m)
            v_t <- beta2^p * v_{t-1} + (1 - beta2^p) * |g_t|^p            (eq. lp-v)
            theta_t <- theta_{t-1} - eta / (1 - beta1^t) * m_t / (v_t^(1/p) + eps)
                                                                          (eq. lp-v)

    As p -> infinity, v_t^(1/p) -> max(beta2 * u_{t-1}, |g_t|), AdaMax's u_t. The
    state keeps u_t = v_t^(1/p) and updates it in a form that cannot overflow for
    large p. Like AdaMax's u, v_t is not bias-corrected. At p = 2 this is not Adam: it
    is Adam with beta2 replaced by beta2^2 and v left uncorrected (so the first step is
    eta / sqrt(1 - beta2^2), about 22.4 eta with the defaults).

    Example:
        >>> import numpy as np, optlib
        >>> from optlib.adam_lp import adam_lp
        >>> opt = adam_lp(lr=0.01, p=2.0)
        >>> updates, _ = opt.update(np.array([3.0]), opt.init(np.zeros(1)))
        >>> round(float(updates[0] / 0.01), 4)  # -1 / sqrt(1 - beta2^2), up to eps
        -22.3663

    References:
        Kingma and Ba (2015), Adam: a method for stochastic optimization, ICLR, sec. 7.1.
    """
    base.check_lr(lr)
    base.check_hyper("beta1", beta1, 0, 1)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("p", p, 1, high=1e6, high_open=False)
    base.check_hyper("eps", eps, 0, low_open=True)

    def init(params):
        params = base.check_params(params, lr=lr_at(lr, 0), beta1=beta1, beta2=beta2, p=p, eps=eps)
        return AdamLpState(t=0, m=np.zeros_like(params), u=np.zeros_like(params))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.m, params)
        dtype, t = grads.dtype, state.t + 1
        eta, b1, b2, q = (like(h, dtype) for h in (lr_at(lr, state.t), beta1, beta2, p))
        # eq. adam-m
        m = b1 * state.m + (1 - b1) * grads
        # eq. lp-v, for u_t = v_t^(1/p): factor out the larger of beta2 u and |g|
        # so that no power overflows
        decayed, size = b2 * state.u, np.abs(grads)
        top = np.maximum(decayed, size)
        safe = np.where(top > 0, top, 1)
        u = top * ((decayed / safe) ** q + (1 - b2**q) * (size / safe) ** q) ** (1 / q)
        # eq. lp-v, the step: only m is bias-corrected
        step = -(eta / bias_correction(beta1, t, dtype)) * m / (u + like(eps, dtype))
        return step, AdamLpState(t, m, u)

    return base.optimizer(init, update)
