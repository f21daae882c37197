"""RMSProp: divide by the root of a decaying average of squared gradients.

Derived in the chapter "RMSProp" (book/rmsprop.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class RMSPropState(NamedTuple):
    t: int  # number of updates taken so far
    v: np.ndarray  # decaying average of squared gradients v_t
    m: np.ndarray  # decaying average of gradients m_t (centered variant only)
    b: np.ndarray  # momentum buffer b_t (momentum variant only)


def rmsprop(
    lr=1e-2, rho=0.99, eps=1e-8, momentum=0.0, centered=False, weight_decay=0.0, eps_inside=False
):
    r"""RMSProp (Hinton, lecture 6e, 2012), as torch.optim.RMSprop.

    Symbols: learning rate :math:`\eta` (``lr``), decay :math:`\rho` (``rho``,
    torch's ``alpha``), :math:`\epsilon` (``eps``, outside the root), momentum
    :math:`\beta` (``momentum``), weight decay :math:`\omega`.

    .. code-block:: text

        v_0 <- 0, m_0 <- 0, b_0 <- 0
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}
            v_t <- rho * v_{t-1} + (1 - rho) * g_t^2            (eq. rmsprop-v)
            m_t <- rho * m_{t-1} + (1 - rho) * g_t   if centered (eq. rmsprop-m)
            s_t <- sqrt(v_t - m_t^2) + eps if centered,
                   sqrt(v_t) + eps otherwise                     (eq. rmsprop-step)
            if beta > 0:
                b_t <- beta * b_{t-1} + g_t / s_t                 (eq. rmsprop-momentum)
                theta_t <- theta_{t-1} - eta * b_t
            else:
                theta_t <- theta_{t-1} - eta * g_t / s_t          (eq. rmsprop-step)

    ``eps_inside=True`` puts eps under the root, ``sqrt(v_t + eps)``, as Keras and
    optax do (not a torch option; the conventions chapter measures the difference).

    No bias correction: the first step is ``eta / sqrt(1 - rho)`` in each
    coordinate's sign (10 * eta at rho = 0.99), the start-up bias that Adam corrects.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.rmsprop(lr=0.01, rho=0.99)
        >>> updates, _ = opt.update(np.array([3.0, -0.2]), opt.init(np.zeros(2)))
        >>> np.round(updates, 6)
        array([-0.1,  0.1])

    References:
        Tieleman and Hinton (2012), Lecture 6.5 - RMSProp, COURSERA: Neural Networks
        for Machine Learning. Graves (2013), Generating sequences with recurrent
        neural networks (the centered variant).
    """
    base.check_lr(lr)
    base.check_hyper("rho", rho, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("momentum", momentum, 0, 1)
    base.check_hyper("weight_decay", weight_decay, 0)
    centered = base.check_flag("centered", centered)
    eps_inside = base.check_flag("eps_inside", eps_inside)
    use_momentum = base.any_nonzero(momentum)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params, lr=lr_at(lr, 0), rho=rho, eps=eps, momentum=momentum, weight_decay=weight_decay
        )
        zeros = np.zeros_like(params)
        return RMSPropState(t=0, v=zeros, m=zeros, b=zeros)

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.v, params, needs_params=use_decay)
        dtype = grads.dtype
        eta, r = like(lr_at(lr, state.t), dtype), like(rho, dtype)
        g = grads + like(weight_decay, dtype) * params if use_decay else grads
        # eq. rmsprop-v
        v = r * state.v + (1 - r) * g * g
        if centered:
            m = r * state.m + (1 - r) * g  # eq. rmsprop-m
            var = v - m * m  # the variance estimate
        else:
            m, var = state.m, v
        # eq. rmsprop-step: eps outside the root, as torch (Keras and optax put it inside)
        s = np.sqrt(var + like(eps, dtype)) if eps_inside else np.sqrt(var) + like(eps, dtype)
        scaled = g / s
        if use_momentum:
            b = like(momentum, dtype) * state.b + scaled  # eq. rmsprop-momentum
            return -eta * b, RMSPropState(state.t + 1, v, m, b)
        return -eta * scaled, RMSPropState(state.t + 1, v, m, state.b)  # eq. rmsprop-step

    return base.optimizer(init, update)
