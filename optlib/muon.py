"""Muon: momentum orthogonalised by a Newton-Schulz iteration, for matrix parameters.

Derived in the part "After Adam" (its Muon chapter).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from optlib import base
from optlib.base import like, lr_at

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # torch's (and Jordan et al.'s) quintic
ADJUST_LR = (None, "original", "match_rms_adamw")


class MuonState(NamedTuple):
    t: int  # number of updates taken so far
    buf: np.ndarray  # momentum buffer B_t


def newton_schulz(x, coefficients=NS_COEFFICIENTS, steps=5, eps=1e-7):
    r"""``steps`` quintic Newton-Schulz iterations on the matrices in the last two axes
    of ``x``, as torch's ``_zeropower_via_newtonschulz`` (in the dtype of ``x``; torch
    computes in bfloat16).

    With :math:`X \leftarrow X / \max(\|X\|_F, \epsilon)` and then
    :math:`X \leftarrow aX + (b\,XX^\top + c\,(XX^\top)^2)X`, each singular value
    :math:`s` of X goes through :math:`p(s) = as + bs^3 + cs^5` while the singular
    vectors stay: the result is :math:`U\,p^{(k)}(S/\|X\|_F)\,V^\top`. A wide matrix
    is iterated as is, a tall one transposed (the smaller Gram matrix).
    """
    a, b, c = coefficients
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = np.swapaxes(x, -1, -2)
    norm = np.sqrt(np.sum(x * x, axis=(-2, -1), keepdims=True))
    x = x / np.maximum(norm, like(eps, x.dtype))
    for _ in range(steps):
        gram = x @ np.swapaxes(x, -1, -2)
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return np.swapaxes(x, -1, -2) if tall else x


def lr_ratio(shape, adjust_lr_fn):
    """torch's learning-rate adjustment for an ``A x B`` matrix: ``sqrt(max(1, A/B))``
    (``None``, ``"original"``) or ``0.2 sqrt(max(A, B))`` (``"match_rms_adamw"``)."""
    rows, cols = shape[-2], shape[-1]
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * math.sqrt(max(rows, cols))
    return math.sqrt(max(1, rows / cols))


def muon(
    lr=1e-3,
    weight_decay=0.1,
    momentum=0.95,
    nesterov=True,
    ns_coefficients=NS_COEFFICIENTS,
    eps=1e-7,
    ns_steps=5,
    adjust_lr_fn=None,
):
    r"""Muon (Jordan et al. 2024), as torch.optim.Muon.

    Symbols: learning rate :math:`\eta` (``lr``), weight decay :math:`\omega`
    (decoupled), momentum :math:`\mu` (``momentum``), Newton-Schulz coefficients
    :math:`(a, b, c)` and step count :math:`k` (``ns_coefficients``, ``ns_steps``),
    :math:`\epsilon` (``eps``, a floor on the Frobenius norm), and the rate
    adjustment :math:`\gamma(A, B)` of an :math:`A \times B` matrix (``adjust_lr_fn``).

    .. code-block:: text

        B_0 <- 0
        for t = 1, 2, ...
            B_t <- mu * B_{t-1} + (1 - mu) * G_t                   (eq. muon-buffer)
            M_t <- (1 - mu) * G_t + mu * B_t  (nesterov; else B_t)  (eq. muon-nesterov)
            O_t <- NS_k(M_t / max(||M_t||_F, eps))                 (eq. muon-ns)
            theta_t <- theta_{t-1} - eta omega theta_{t-1}
                       - eta gamma(A, B) O_t                       (eq. muon-step)

    :func:`newton_schulz` keeps the singular vectors of :math:`M_t` and maps each
    singular value :math:`s` (relative to :math:`\|M_t\|_F`) to :math:`p^{(5)}(s)`,
    which lies in [0.68, 1.14] for every :math:`s \ge 0.01` (not exactly 1: the
    coefficients trade accuracy for speed, by design): the step has the directions
    of the momentum and about the same size in each.
    :math:`\gamma = \sqrt{\max(1, A/B)}` (torch's default, ``"original"``) or
    :math:`0.2\sqrt{\max(A, B)}` (``"match_rms_adamw"``). torch's buffer is an
    average (``lerp``), not a sum; the scale does not matter after the normalisation.

    **Matrices and batching.** The last two axes of ``params`` hold one matrix; the
    axes before them are independent runs (``(K, A, B)``: K runs), so a
    hyperparameter array must have size 1 on the last two axes, e.g. ``(K, 1, 1)``.
    torch refuses parameters that are not 2-D; here params need at least 2 axes.

    torch orthogonalises in bfloat16 (8 significant bits): its steps differ from
    this float64 rule by about 1e-2 relative (the tests measure it); with the
    bfloat16 cast removed, torch's code and this one agree to 1e-10.

    Example:
        >>> import numpy as np, optlib
        >>> opt = optlib.muon(lr=0.1, weight_decay=0.0)
        >>> g = np.array([[3.0, 0.0], [0.0, 0.01]])  # condition number 300
        >>> updates, _ = opt.update(g, opt.init(np.zeros((2, 2))))
        >>> np.round(updates, 3)  # the direction with 1/300 of the gradient: a larger step
        array([[-0.07 , -0.   ],
               [-0.   , -0.116]])

    References:
        Jordan, Jin, Boza, You, Cesista, Newhouse, Bernstein (2024), Muon: an
        optimizer for hidden layers in neural networks,
        https://kellerjordan.github.io/posts/muon/.
    """
    base.check_lr(lr)
    base.check_hyper("weight_decay", weight_decay, 0)
    base.check_hyper("momentum", momentum, 0, 1)
    base.check_hyper("eps", eps, 0, low_open=True)
    nesterov = base.check_flag("nesterov", nesterov)
    if not isinstance(ns_coefficients, tuple | list) or len(ns_coefficients) != 3:
        raise ValueError(
            f"ns_coefficients must be three numbers (a, b, c), got {ns_coefficients!r}"
        )
    for name, value in zip(("a", "b", "c"), ns_coefficients, strict=True):
        base.check_hyper(f"ns_coefficients {name}", value, -np.inf, low_open=True)
        if np.ndim(value):
            raise TypeError(f"ns_coefficients must be three numbers, got {ns_coefficients!r}")
    coefficients = tuple(float(v) for v in ns_coefficients)
    if isinstance(ns_steps, bool) or not isinstance(ns_steps, int | np.integer):
        raise TypeError(f"ns_steps must be a whole number in [0, 99], got {ns_steps!r}")
    if not 0 <= ns_steps <= 99:
        raise ValueError(f"ns_steps must be a whole number in [0, 99], got {ns_steps!r}")
    if adjust_lr_fn not in ADJUST_LR:
        raise ValueError(
            f"adjust_lr_fn must be None, 'original' or 'match_rms_adamw', got {adjust_lr_fn!r}"
        )
    use_decay = base.any_nonzero(weight_decay)
    hypers = {"weight_decay": weight_decay, "momentum": momentum, "eps": eps}

    def init(params):
        params = base.check_params(params, lr=lr_at(lr, 0), **hypers)
        if params.ndim < 2:
            raise ValueError(
                f"params must have at least 2 axes for muon (the last two hold one matrix), "
                f"got shape {params.shape}"
            )
        base.check_per_run({"lr": lr_at(lr, 0), **hypers}, 2, "muon orthogonalises each matrix")
        return MuonState(t=0, buf=np.zeros_like(params))

    def update(grads, state, params=None):
        grads, params = base.check_grads(grads, state.buf, params, needs_params=use_decay)
        dtype = grads.dtype
        eta, mu = like(lr_at(lr, state.t), dtype), like(momentum, dtype)
        # eq. muon-buffer
        buf = mu * state.buf + (1 - mu) * grads
        # eq. muon-nesterov
        direction = (1 - mu) * grads + mu * buf if nesterov else buf
        # eq. muon-ns
        o = newton_schulz(direction, coefficients, int(ns_steps), eps)
        # eq. muon-step
        step = -(eta * lr_ratio(grads.shape, adjust_lr_fn)) * o
        if use_decay:
            step = step - eta * like(weight_decay, dtype) * params
        return step.astype(dtype, copy=False), MuonState(state.t + 1, buf)

    return base.optimizer(init, update)
