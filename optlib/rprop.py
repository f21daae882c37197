"""Rprop: steps of a per-coordinate size, adapted by whether the gradient's sign agrees.

RMSProp's ancestor, derived in the chapter "RMSProp" (book/rmsprop.ipynb).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like


class RpropState(NamedTuple):
    t: int  # number of updates taken so far
    prev: np.ndarray  # the previous step's gradient g_{t-1}, zero where its sign flipped
    step: np.ndarray  # per-coordinate step sizes Delta_t


def rprop(lr=1e-2, eta_minus=0.5, eta_plus=1.2, step_size_min=1e-6, step_size_max=50.0):
    r"""Rprop (Riedmiller and Braun, 1993), as torch.optim.Rprop.

    Symbols: initial step size :math:`\Delta_0 = \eta` (``lr``), shrink and growth
    factors :math:`\eta^-` and :math:`\eta^+` (``eta_minus``, ``eta_plus``, torch's
    ``etas``), step-size bounds :math:`\Delta_{\min}` and :math:`\Delta_{\max}`
    (``step_size_min``, ``step_size_max``, torch's ``step_sizes``).

    .. code-block:: text

        g_0 <- 0, Delta_0 <- eta
        for t = 1, 2, ...
            a_t <- eta_plus  if g_t * g_{t-1} > 0
                   eta_minus if g_t * g_{t-1} < 0
                   1         otherwise                                (eq. rprop-factor)
            Delta_t <- clip(a_t * Delta_{t-1}, Delta_min, Delta_max)  (eq. rprop-size)
            g_t <- 0 where g_t * g_{t-1} < 0                          (eq. rprop-flip)
            theta_t <- theta_{t-1} - sign(g_t) * Delta_t              (eq. rprop-step)

    Only the gradient's sign moves the parameters; its size is ignored. Where the
    sign flips, the step size shrinks, the coordinate stays put for that step and
    the stored gradient is zero, so the next step neither grows nor shrinks its
    size (the variant without weight-backtracking that Igel and Huesken (2000) call
    iRprop-; torch implements it). The first step has size ``lr`` (clipped to the
    bounds), since ``g_0 = 0`` gives the factor 1.

    ``lr`` is only the initial step size: it must be a number (or an array), not a
    schedule, because Rprop never reads it again (torch ignores a scheduler's lr
    too). Rprop has no weight decay in torch, so none here.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.rprop(lr=0.01)
        >>> state = opt.init(np.zeros(2))
        >>> steps = []
        >>> for g in ([3.0, -0.2], [1.0, 0.5], [2.0, 0.1]):
        ...     updates, state = opt.update(np.array(g), state)
        ...     steps.append(updates)
        >>> np.round(steps, 6)  # grow by 1.2 while the sign holds; a flip shrinks and waits
        array([[-0.01  ,  0.01  ],
               [-0.012 , -0.    ],
               [-0.0144, -0.005 ]])

    References:
        Riedmiller and Braun (1993), A direct adaptive method for faster
        backpropagation learning: the RPROP algorithm, IEEE International Conference
        on Neural Networks. Igel and Huesken (2000), Improving the Rprop learning
        algorithm, Second International Symposium on Neural Computation.
    """
    if callable(lr):
        raise TypeError(
            "lr must be a number or an array for rprop, got a schedule: "
            "Rprop uses lr only as the initial step size"
        )
    base.check_lr(lr)
    base.check_hyper("eta_minus", eta_minus, 0, 1, low_open=True)
    base.check_hyper("eta_plus", eta_plus, 1, low_open=True)
    base.check_hyper("step_size_min", step_size_min, 0)
    base.check_hyper("step_size_max", step_size_max, 0, low_open=True)
    try:
        crossed = np.asarray(step_size_min) > np.asarray(step_size_max)
    except ValueError:
        raise ValueError(
            f"step_size_min has shape {np.shape(step_size_min)}, which does not broadcast "
            f"against step_size_max of shape {np.shape(step_size_max)}"
        ) from None
    if np.any(crossed):
        raise ValueError(
            f"step_size_min must be <= step_size_max, got {step_size_min!r} > {step_size_max!r}"
        )

    def init(params):
        params = base.check_params(
            params,
            lr=lr,
            eta_minus=eta_minus,
            eta_plus=eta_plus,
            step_size_min=step_size_min,
            step_size_max=step_size_max,
        )
        zeros = np.zeros_like(params)
        return RpropState(t=0, prev=zeros, step=zeros + like(lr, params.dtype))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.step, params)
        dtype = grads.dtype
        # the factors in the params' dtype, as torch writes them into a tensor of it
        plus, minus = like(eta_plus, dtype), like(eta_minus, dtype)
        low, high = like(step_size_min, dtype), like(step_size_max, dtype)
        agree = grads * state.prev
        # eq. rprop-factor
        factor = np.where(agree > 0, plus, np.where(agree < 0, minus, 1.0)).astype(dtype)
        # eq. rprop-size
        step = np.clip(state.step * factor, low, high)
        # eq. rprop-flip
        g = np.where(agree < 0, 0.0, grads).astype(dtype)
        # eq. rprop-step
        return -np.sign(g) * step, RpropState(state.t + 1, g, step)

    return base.optimizer(init, update)
