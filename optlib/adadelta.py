"""AdaDelta: the ratio of RMS past updates to RMS gradients, which carries units.

Derived in the chapter "AdaDelta" (book/adadelta.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class AdaDeltaState(NamedTuple):
    t: int  # number of updates taken so far
    v: np.ndarray  # decaying average of squared gradients v_t = E[g^2]_t
    d: np.ndarray  # decaying average of squared unscaled updates d_t = E[dx^2]_t (dx = delta_t)


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    r"""AdaDelta (Zeiler 2012), as torch.optim.Adadelta.

    Symbols: learning rate :math:`\eta` (``lr``, 1 in the paper), decay
    :math:`\rho` (``rho``), :math:`\epsilon` (``eps``, inside both roots),
    weight decay :math:`\omega`.

    .. code-block:: text

        v_0 <- 0, d_0 <- 0
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}
            v_t <- rho * v_{t-1} + (1 - rho) * g_t^2                  (eq. adadelta-v)
            dx_t <- sqrt(d_{t-1} + eps) / sqrt(v_t + eps) * g_t        (eq. adadelta-dx)
            d_t <- rho * d_{t-1} + (1 - rho) * dx_t^2                 (eq. adadelta-d)
            theta_t <- theta_{t-1} - eta * dx_t                        (eq. adadelta-step)

    The numerator RMS[dx]_{t-1} has the units of theta, so the step does too.
    At start-up it is sqrt(eps): the first step is about ``sqrt(eps / (1 - rho))``.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.adadelta()
        >>> updates, _ = opt.update(np.array([5.0]), opt.init(np.zeros(1)))
        >>> round(float(-updates[0]), 6)  # sqrt(1e-6 / (0.1 * 25 + 1e-6)) * 5
        0.003162

    References:
        Zeiler (2012), ADADELTA: an adaptive learning rate method, arXiv:1212.5701.
    """
    base.check_lr(lr)
    base.check_hyper("rho", rho, 0, 1, high_open=False)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("weight_decay", weight_decay, 0)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params, lr=lr_at(lr, 0), rho=rho, eps=eps, weight_decay=weight_decay
        )
        return AdaDeltaState(t=0, v=np.zeros_like(params), d=np.zeros_like(params))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.v, params, needs_params=use_decay)
        dtype = grads.dtype
        eta, r, e = like(lr_at(lr, state.t), dtype), like(rho, dtype), like(eps, dtype)
        g = grads + like(weight_decay, dtype) * params if use_decay else grads
        # eq. adadelta-v
        v = r * state.v + (1 - r) * g * g
        # eq. adadelta-dx: RMS of past updates over RMS of gradients, eps inside the roots
        dx = np.sqrt(state.d + e) / np.sqrt(v + e) * g
        # eq. adadelta-d
        d = r * state.d + (1 - r) * dx * dx
        # eq. adadelta-step
        return -eta * dx, AdaDeltaState(state.t + 1, v, d)

    return base.optimizer(init, update)
