"""Stochastic gradient descent with heavy-ball or Nesterov momentum.

Derived in the chapter "Gradient descent and momentum" (book/gradient_descent.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at


class SGDState(NamedTuple):
    t: int  # number of updates taken so far
    b: np.ndarray  # momentum buffer b_t


def sgd(lr=1e-3, momentum=0.0, nesterov=False, dampening=0.0, weight_decay=0.0):
    r"""SGD with optional heavy-ball (Polyak) or Nesterov momentum, as torch.optim.SGD.

    Symbols: learning rate :math:`\eta` (``lr``), momentum :math:`\beta`
    (``momentum``), dampening :math:`\tau` (``dampening``), weight decay
    :math:`\omega` (``weight_decay``), momentum buffer :math:`b_t`.

    .. code-block:: text

        for t = 1, 2, ...
            g_t <- grad + omega * theta_{t-1}                  (L2 weight decay)
            b_t <- g_t                          if t = 1        (eq. sgd-buffer)
                   beta * b_{t-1} + (1 - tau) * g_t otherwise
            d_t <- g_t + beta * b_t   if nesterov, else b_t       (eq. sgd-nesterov)
            theta_t <- theta_{t-1} - eta * d_t                  (eq. sgd-step)

    With ``momentum=0`` this is plain gradient descent, ``theta - eta * g``.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.sgd(lr=0.1, momentum=0.9)
        >>> theta = np.array([1.0, -2.0])
        >>> state = opt.init(theta)
        >>> updates, state = opt.update(2 * theta, state, theta)  # grad of |theta|^2
        >>> theta + updates
        array([ 0.8, -1.6])

    References:
        Polyak (1964), Some methods of speeding up the convergence of iteration methods.
        Sutskever, Martens, Dahl, Hinton (2013), On the importance of initialization and
        momentum in deep learning (Nesterov momentum as a look-ahead step).
        Bengio, Boulanger-Lewandowski, Pascanu (2013), Advances in optimizing recurrent
        networks (the change of variables that gives the form used here and in torch).
    """
    base.check_lr(lr)
    base.check_hyper("momentum", momentum, 0, 1)
    base.check_hyper("dampening", dampening, 0, 1, high_open=False)
    base.check_hyper("weight_decay", weight_decay, 0)
    nesterov = base.check_flag("nesterov", nesterov)
    if nesterov and (np.any(np.asarray(momentum) <= 0) or base.any_nonzero(dampening)):
        raise ValueError(
            "nesterov=True requires momentum in (0, 1) and dampening = 0, "
            f"got momentum={momentum!r}, dampening={dampening!r}"
        )
    use_momentum = base.any_nonzero(momentum)
    use_decay = base.any_nonzero(weight_decay)
    # torch has no buffer at momentum 0 (d_t = g_t, whatever the dampening): in a sweep
    # whose momentum array holds zeros, those rows must take g_t, not (1 - tau) g_t
    zero_rows = base.any_nonzero(dampening) and np.any(np.asarray(momentum) == 0)

    def init(params):
        params = base.check_params(
            params,
            lr=lr_at(lr, 0),
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
        )
        return SGDState(t=0, b=np.zeros_like(params))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.b, params, needs_params=use_decay)
        dtype = grads.dtype
        eta = like(lr_at(lr, state.t), dtype)
        g = grads + like(weight_decay, dtype) * params if use_decay else grads
        if not use_momentum:
            # eq. sgd-step with d_t = g_t: plain gradient descent
            return -eta * g, SGDState(state.t + 1, state.b)
        beta = like(momentum, dtype)
        # eq. sgd-buffer: torch starts the buffer at the first gradient itself
        b = g.copy() if state.t == 0 else beta * state.b + (1 - like(dampening, dtype)) * g
        # eq. sgd-nesterov: look ahead along the buffer
        d = g + beta * b if nesterov else b
        if zero_rows:
            d = np.where(beta == 0, g, d)
        # eq. sgd-step
        return -eta * d, SGDState(state.t + 1, b)

    return base.optimizer(init, update)
