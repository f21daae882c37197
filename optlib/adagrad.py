"""AdaGrad: per-coordinate rates from the running sum of squared gradients.

Derived in the chapter "AdaGrad" (book/adagrad.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class AdaGradState(NamedTuple):
    t: int  # number of updates taken so far
    v: np.ndarray  # running sum of squared gradients v_t


def adagrad(
    lr=1e-2,
    lr_decay=0.0,
    initial_accumulator_value=0.0,
    eps=1e-10,
    weight_decay=0.0,
    eps_inside=False,
):
    r"""AdaGrad (Duchi, Hazan, Singer 2011), as torch.optim.Adagrad.

    Symbols: learning rate :math:`\eta` (``lr``), rate decay :math:`\zeta`
    (``lr_decay``), initial accumulator :math:`v_0` (``initial_accumulator_value``),
    :math:`\epsilon` (``eps``, outside the root), weight decay :math:`\omega`.

    .. code-block:: text

        v_0 <- initial_accumulator_value
        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}
            eta_t <- eta / (1 + (t - 1) * zeta)                (torch's lr_decay)
            v_t <- v_{t-1} + g_t^2                              (eq. adagrad-sum)
            theta_t <- theta_{t-1} - eta_t * g_t / (sqrt(v_t) + eps)   (eq. adagrad-sum)

    ``eps_inside=True`` divides by ``sqrt(v_t + eps)`` instead, as Keras and optax do
    (not a torch option; the conventions chapter measures the difference).

    Under a constant gradient g the t-th step is ``eta * g / (sqrt(t) * |g| + eps)``:
    the effective rate decays as 1/sqrt(t), and the step's size, about eta / sqrt(t)
    once sqrt(t) * |g| >> eps, does not depend on |g|.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.adagrad(lr=0.5)
        >>> theta = np.array([1.0, 100.0])
        >>> updates, _ = opt.update(np.array([0.01, 10.0]), opt.init(theta))
        >>> np.round(updates, 6)  # the first step is lr * sign(g) in every coordinate
        array([-0.5, -0.5])

    References:
        Duchi, Hazan, Singer (2011), Adaptive subgradient methods for online learning
        and stochastic optimization, JMLR 12.
    """
    base.check_lr(lr)
    base.check_hyper("lr_decay", lr_decay, 0)
    base.check_hyper("initial_accumulator_value", initial_accumulator_value, 0)
    base.check_hyper("eps", eps, 0, low_open=True)
    base.check_hyper("weight_decay", weight_decay, 0)
    eps_inside = base.check_flag("eps_inside", eps_inside)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params,
            lr=lr_at(lr, 0),
            lr_decay=lr_decay,
            eps=eps,
            initial_accumulator_value=initial_accumulator_value,
            weight_decay=weight_decay,
        )
        v0 = np.broadcast_to(np.asarray(initial_accumulator_value, params.dtype), params.shape)
        return AdaGradState(t=0, v=v0.copy())

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.v, params, needs_params=use_decay)
        dtype = grads.dtype
        g = grads + like(weight_decay, dtype) * params if use_decay else grads
        # torch's lr_decay: torch counts t from 1, so the first update uses eta itself
        eta_t = like(lr_at(lr, state.t), dtype) / (1 + state.t * like(lr_decay, dtype))
        # eq. adagrad-sum
        v = state.v + g * g
        # eq. adagrad-sum, the step: eps outside the root, as torch (Keras and optax put it inside)
        root = np.sqrt(v + like(eps, dtype)) if eps_inside else np.sqrt(v) + like(eps, dtype)
        return -eta_t * g / root, AdaGradState(state.t + 1, v)

    return base.optimizer(init, update)
