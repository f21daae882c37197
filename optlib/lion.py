"""Lion: the sign of an interpolation between the momentum and the gradient.

Derived in the part "After Adam" (its Lion chapter).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class LionState(NamedTuple):
    t: int  # number of updates taken so far
    m: np.ndarray  # momentum m_t


def lion(lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=1e-3):
    r"""Lion (Chen et al. 2023), as optax.lion (torch.optim has no Lion).

    Symbols: learning rate :math:`\eta` (``lr``), interpolation weight :math:`\beta_1`
    (``beta1``, optax's ``b1``), momentum decay :math:`\beta_2` (``beta2``, optax's
    ``b2``), weight decay :math:`\omega` (decoupled, multiplied by :math:`\eta`).

    .. code-block:: text

        m_0 <- 0
        for t = 1, 2, ...
            c_t <- beta1 * m_{t-1} + (1 - beta1) * g_t                      (eq. lion-c)
            theta_t <- theta_{t-1} - eta * (sign(c_t) + omega * theta_{t-1})  (eq. lion-step)
            m_t <- beta2 * m_{t-1} + (1 - beta2) * g_t                      (eq. lion-m)

    Every coordinate moves by exactly :math:`\eta` (plus the decay), in the direction
    of the sign of :math:`c_t`, an interpolation that weighs the current gradient
    more (:math:`1-\beta_1 = 0.1`) than the momentum stores it
    (:math:`1-\beta_2 = 0.01`). One state array per parameter, against Adam's two.
    ``sign(0) = 0``: a coordinate whose :math:`c_t` is exactly zero only decays.

    optax requires a learning rate; the default here, 1e-4, is Adam's 1e-3 divided
    by ten, the upper end of the 3-10 times smaller rate that optax's documentation
    advises for Lion. ``weight_decay`` defaults to optax's 1e-3.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.lion(lr=0.1, weight_decay=0.0)
        >>> state, steps = opt.init(np.zeros(2)), []
        >>> for g in ([1.0, -1e-6], [-0.5, 1e-6]):
        ...     updates, state = opt.update(np.array(g), state)
        ...     steps.append(updates)
        >>> np.array(steps)  # c_2 = 0.9 * 0.01 + 0.1 * (-0.5) < 0: the sign follows g
        array([[-0.1,  0.1],
               [ 0.1, -0.1]])

    References:
        Chen, Liang, Huang, Real, Wang, Pham, Dong, Luong, Hsieh, Lu, Le (2023),
        Symbolic discovery of optimization algorithms, NeurIPS.
    """
    base.check_lr(lr)
    base.check_hyper("beta1", beta1, 0, 1)
    base.check_hyper("beta2", beta2, 0, 1)
    base.check_hyper("weight_decay", weight_decay, 0)
    use_decay = base.any_nonzero(weight_decay)

    def init(params):
        params = base.check_params(
            params, lr=lr_at(lr, 0), beta1=beta1, beta2=beta2, weight_decay=weight_decay
        )
        return LionState(t=0, m=np.zeros_like(params))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.m, params, needs_params=use_decay)
        dtype = grads.dtype
        eta, b1, b2 = like(lr_at(lr, state.t), dtype), like(beta1, dtype), like(beta2, dtype)
        # eq. lion-c
        c = (1 - b1) * grads + b1 * state.m
        # eq. lion-step
        direction = np.sign(c) + like(weight_decay, dtype) * params if use_decay else np.sign(c)
        step = direction * -eta
        # eq. lion-m
        m = (1 - b2) * grads + b2 * state.m
        return step, LionState(state.t + 1, m)

    return base.optimizer(init, update)
