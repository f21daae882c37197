"""The seed documents' erroneous update rules, kept only to be shown wrong.

Each factory here reproduces a rule as one of the book's source documents
(``shared/seeds/``) states it, so that a chapter or the errata appendix can run
it beside the correct method and measure the difference. None of them is an
optimizer to use. Same interface as the real ones: ``init`` and
``update(grads, state, params=None)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib.base import check_grads, check_hyper, check_lr, check_params, like, lr_at, optimizer

__all__ = [
    "seed000_adagrad",
    "seed000_rmsprop",
    "seed000_adam",
    "seed002_adamax",
    "seed002_adadelta",
    "seed002_nadam",
    "seed002_triangular",
]


class RateState(NamedTuple):
    t: int
    alpha: np.ndarray  # the per-coordinate "rate vector" the document accumulates


def seed000_adagrad(lr=1e-2, delta=1e-7):
    """AdaGrad as document 000 states it (wrong): rates are *summed*.

    .. code-block:: text

        alpha_t <- alpha_{t-1} + lr / (delta + |g_t|)
        theta_t <- theta_{t-1} - alpha_t * g_t

    Under a constant gradient g the step grows as ``t * lr * |g| / (delta + |g|)``,
    without bound; Duchi et al. (2011) divide by the root of the summed squares
    instead (:func:`optlib.adagrad`).
    """
    check_lr(lr)
    check_hyper("delta", delta, 0, low_open=True)

    def update(grads, state, params=None):
        grads, params = check_grads(grads, state[1], params)
        eta = like(lr_at(lr, state.t), grads.dtype)
        alpha = state.alpha + eta / (like(delta, grads.dtype) + np.abs(grads))
        return -alpha * grads, RateState(state.t + 1, alpha)

    return optimizer(lambda p: RateState(0, np.zeros_like(check_params(p))), update)


def seed000_rmsprop(lr=1e-2, rho=0.9, delta=1e-7):
    """RMSProp as document 000 states it (wrong): the *rates* are averaged.

    .. code-block:: text

        alpha_t <- rho * alpha_{t-1} + (1 - rho) * lr / (delta + |g_t|)
        theta_t <- theta_{t-1} - alpha_t * g_t

    Hinton's RMSProp averages the squared gradients and divides by the root of
    that average (:func:`optlib.rmsprop`).
    """
    check_lr(lr)
    check_hyper("rho", rho, 0, 1)
    check_hyper("delta", delta, 0, low_open=True)

    def update(grads, state, params=None):
        grads, params = check_grads(grads, state[1], params)
        dtype = grads.dtype
        r, eta = like(rho, dtype), like(lr_at(lr, state.t), dtype)
        alpha = r * state.alpha + (1 - r) * eta / (like(delta, dtype) + np.abs(grads))
        return -alpha * grads, RateState(state.t + 1, alpha)

    return optimizer(lambda p: RateState(0, np.zeros_like(check_params(p))), update)


class LaggedAdamState(NamedTuple):
    t: int
    p: np.ndarray  # first moment, fed the previous gradient
    r: np.ndarray  # second moment
    g_prev: np.ndarray  # the previous gradient (zero before the first step)


def seed000_adam(lr=1e-3, beta1=0.9, beta2=0.999, delta=1e-8):
    """Adam as document 000's comparison table states it (wrong): the first
    moment is fed the *previous* gradient.

    .. code-block:: text

        p_t <- beta1 * p_{t-1} + (1 - beta1) * g_{t-1}      (g_0 = 0)
        r_t <- beta2 * r_{t-1} + (1 - beta2) * g_t^2
        theta_t <- theta_{t-1} - lr * p_hat_t / (delta + sqrt(r_hat_t))

    Kingma and Ba (2015, Alg. 1) feed both moments the current gradient
    (:func:`optlib.adam`). The lag makes the first step zero.
    """
    check_lr(lr)
    check_hyper("beta1", beta1, 0, 1)
    check_hyper("beta2", beta2, 0, 1)
    check_hyper("delta", delta, 0, low_open=True)

    def init(params):
        zeros = np.zeros_like(check_params(params))
        return LaggedAdamState(0, zeros, zeros, zeros)

    def update(grads, state, params=None):
        grads, params = check_grads(grads, state[1], params)
        dtype, t = grads.dtype, state.t + 1
        b1, b2 = like(beta1, dtype), like(beta2, dtype)
        p = b1 * state.p + (1 - b1) * state.g_prev
        r = b2 * state.r + (1 - b2) * grads * grads
        p_hat, r_hat = p / (1 - b1**t), r / (1 - b2**t)
        step = -like(lr_at(lr, state.t), dtype) * p_hat / (like(delta, dtype) + np.sqrt(r_hat))
        return step, LaggedAdamState(t, p, r, grads.copy())

    return optimizer(init, update)


class ScalarMomentState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray  # one number per run: the document's v is a scalar


def seed002_adamax(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """AdaMax as document 002 states it (wrong): a squared *scalar* max-norm,
    averaged like Adam's second moment.

    .. code-block:: text

        m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t <- beta2 * v_{t-1} + (1 - beta2) * max_i |g_{t,i}|^2     (one number)
        theta_t <- theta_{t-1} - lr * m_hat_t / (sqrt(v_hat_t) + eps)

    Kingma and Ba (2015, sec. 7.1) keep ``u_t = max(beta2 * u_{t-1}, |g_t|)``
    element-wise, with no square and no bias correction (:func:`optlib.adamax`).
    Here every coordinate is divided by the largest gradient, so small
    coordinates crawl.
    """
    check_lr(lr)
    check_hyper("beta1", beta1, 0, 1)
    check_hyper("beta2", beta2, 0, 1)
    check_hyper("eps", eps, 0, low_open=True)

    def init(params):
        params = check_params(params)
        return ScalarMomentState(0, np.zeros_like(params), np.zeros_like(params[..., :1]))

    def update(grads, state, params=None):
        grads, params = check_grads(grads, state[1], params)
        dtype, t = grads.dtype, state.t + 1
        b1, b2 = like(beta1, dtype), like(beta2, dtype)
        m = b1 * state.m + (1 - b1) * grads
        v = b2 * state.v + (1 - b2) * np.max(np.abs(grads), axis=-1, keepdims=True) ** 2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        step = -like(lr_at(lr, state.t), dtype) * m_hat / (np.sqrt(v_hat) + like(eps, dtype))
        return step, ScalarMomentState(t, m, v)

    return optimizer(init, update)


class SquareAverageState(NamedTuple):
    t: int
    v: np.ndarray


def seed002_adadelta(rho=0.9, eps=1e-6):
    """AdaDelta as document 002 states it (wrong): the rate is a ratio of two
    successive *gradient* averages.

    .. code-block:: text

        v_t <- rho * v_{t-1} + (1 - rho) * g_t^2
        theta_t <- theta_{t-1} - sqrt((v_{t-1} + eps) / (v_t + eps)) * g_t

    Once the gradients settle (``g_t`` near constant) the ratio tends to 1, so this
    becomes plain gradient descent with step 1 and no units fixed; Zeiler (2012)
    divides the RMS of past *updates* by the RMS of gradients (:func:`optlib.adadelta`).
    """
    check_hyper("rho", rho, 0, 1, high_open=False)
    check_hyper("eps", eps, 0, low_open=True)

    def update(grads, state, params=None):
        grads, params = check_grads(grads, state[1], params)
        r, e = like(rho, grads.dtype), like(eps, grads.dtype)
        v = r * state.v + (1 - r) * grads * grads
        return -np.sqrt((state.v + e) / (v + e)) * grads, SquareAverageState(state.t + 1, v)

    return optimizer(lambda p: SquareAverageState(0, np.zeros_like(check_params(p))), update)


def seed002_triangular(base_lr, max_lr, mu):
    """Document 002's "triangular" cyclic rate (wrong): it never cycles.

    .. code-block:: text

        eta_t = base_lr + (max_lr - base_lr) * max(0, 1 - |t/mu - 2 floor(t/mu) - 1|)

    For ``k <= t/mu < k + 1`` the expression inside the absolute value lies in
    ``[-k - 1, -k)``, so the rate ramps up once over the first ``mu`` steps,
    falls back to ``base_lr`` and stays there. Smith (2017) takes the cycle as
    ``floor(1 + t / (2 s))`` (:func:`optlib.schedules.cyclic_triangular`).
    """
    check_hyper("base_lr", base_lr, 0)
    check_hyper("max_lr", max_lr, 0)
    check_hyper("mu", mu, 0, low_open=True)

    def schedule(t):
        x = np.asarray(t, dtype=np.float64) / mu
        return base_lr + (max_lr - base_lr) * np.maximum(0, 1 - np.abs(x - 2 * np.floor(x) - 1))

    return schedule


class LookaheadState(NamedTuple):
    t: int
    u: np.ndarray  # the notes' velocity, which carries eta
    v: np.ndarray  # their average of squared gradients


def seed002_nadam(grad, lr=2e-3, beta=0.9, beta1=0.9, beta2=0.999, eps=1e-8):
    """NAdam as document 002 states it (wrong): a NAG velocity mixed into an
    RMSProp step. ``grad(theta)`` is the loss gradient, needed at the look-ahead point.

    .. code-block:: text

        u_{t+1} <- beta * u_t + lr * grad(theta_t - beta * u_t)    (look-ahead gradient)
        v_{t+1} <- beta2 * v_t + (1 - beta2) * g_t^2
        theta_{t+1} <- theta_t - lr / (sqrt(v_{t+1}) + eps) * (beta1 * u_{t+1} + (1 - beta1) * g_t)

    ``lr`` sits inside ``u`` and again in front of the step, so the momentum part of
    the step scales as ``lr**2``; ``beta`` and ``beta1`` are two unrelated momentum
    coefficients; and it needs a gradient at a second point per step, which Dozat's
    NAdam (:func:`optlib.nadam`) exists to avoid.
    """
    check_lr(lr)
    for name, value in (("beta", beta), ("beta1", beta1), ("beta2", beta2)):
        check_hyper(name, value, 0, 1)
    check_hyper("eps", eps, 0, low_open=True)
    if not callable(grad):
        raise TypeError(f"grad must be the loss gradient, a function of theta, got {grad!r}")

    def init(params):
        zeros = np.zeros_like(check_params(params))
        return LookaheadState(0, zeros, zeros)

    def update(grads, state, params=None):
        grads, params = check_grads(grads, state[1], params)
        if params is None:
            raise ValueError("params must be given: the rule needs the look-ahead point")
        dtype = grads.dtype
        eta, b, b1, b2 = (like(h, dtype) for h in (lr_at(lr, state.t), beta, beta1, beta2))
        u = b * state.u + eta * np.asarray(grad(params - b * state.u), dtype=dtype)
        v = b2 * state.v + (1 - b2) * grads * grads
        step = -eta / (np.sqrt(v) + like(eps, dtype)) * (b1 * u + (1 - b1) * grads)
        return step, LookaheadState(state.t + 1, u, v)

    return optimizer(init, update)
