"""The seed documents' wrong rules behave as the errata say (hand-derived values)."""

import numpy as np
import pytest

import optlib
from optlib import errata


def steps(opt, grads, params=None):
    """The updates of opt fed a fixed sequence of gradients."""
    state = opt.init(np.zeros_like(grads[0]) if params is None else params)
    out = []
    for g in grads:
        u, state = opt.update(g, state)
        out.append(u)
    return np.array(out)


def test_seed000_adagrad_step_grows_linearly_under_a_constant_gradient():
    # alpha_t = t * lr / (delta + |g|), so the t-th step is t * lr * g / (delta + |g|)
    g, lr, delta = 2.0, 0.1, 1e-7
    u = steps(errata.seed000_adagrad(lr, delta), [np.array([g])] * 50)[:, 0]
    t = np.arange(1, 51)
    np.testing.assert_allclose(u, -t * lr * g / (delta + g), rtol=1e-12)
    # the correct AdaGrad's steps shrink as 1/sqrt(t) instead
    right = steps(optlib.adagrad(lr=lr), [np.array([g])] * 50)[:, 0]
    np.testing.assert_allclose(right, -lr * g / (np.sqrt(t) * g + 1e-10), rtol=1e-12)


def test_seed000_rmsprop_averages_rates():
    # alpha_1 = (1 - rho) lr / (delta + |g|); alpha_2 = rho alpha_1 + (1 - rho) lr / (delta + |g|)
    lr, rho, delta = 0.1, 0.9, 1e-7
    u = steps(errata.seed000_rmsprop(lr, rho, delta), [np.array([4.0]), np.array([1.0])])[:, 0]
    a1 = 0.1 * lr / (delta + 4.0)
    a2 = rho * a1 + 0.1 * lr / (delta + 1.0)
    np.testing.assert_allclose(u, [-a1 * 4.0, -a2 * 1.0], rtol=1e-12)


def test_seed000_adam_lags_the_first_moment():
    # p_1 = (1 - beta1) * g_0 = 0: the first step is exactly zero; the second uses g_1 only
    lr, b1, b2, delta = 0.01, 0.9, 0.999, 1e-8
    g = [np.array([3.0]), np.array([-1.0])]
    u = steps(errata.seed000_adam(lr, b1, b2, delta), g)[:, 0]
    assert u[0] == 0.0
    p2 = b1 * 0 + (1 - b1) * 3.0
    r2 = b2 * (1 - b2) * 9.0 + (1 - b2) * 1.0
    expected = -lr * (p2 / (1 - b1**2)) / (delta + np.sqrt(r2 / (1 - b2**2)))
    np.testing.assert_allclose(u[1], expected, rtol=1e-12)


def test_seed002_adamax_divides_every_coordinate_by_the_largest_gradient():
    # first step: m_hat = g, v_hat = max|g|^2, so the step is -lr * g / (max|g| + eps)
    lr, eps = 0.002, 1e-8
    g = np.array([[10.0, 0.01], [1.0, -1.0]])
    u = steps(errata.seed002_adamax(lr=lr, eps=eps), [g])[0]
    expected = -lr * g / (np.max(np.abs(g), axis=-1, keepdims=True) + eps)
    np.testing.assert_allclose(u, expected, rtol=1e-12)
    # the correct AdaMax moves each coordinate by lr * sign(g) at first
    right = steps(optlib.adamax(lr=lr, eps=eps), [g])[0]
    np.testing.assert_allclose(right, -lr * g / (np.abs(g) + eps), rtol=1e-12)


def test_seed002_adadelta_ratio_tends_to_one():
    # v_0 = 0: the first factor is sqrt(eps / ((1 - rho) g^2 + eps)); under a constant
    # gradient v_t -> g^2 and the factor -> 1: gradient descent with step size 1
    rho, eps, g = 0.9, 1e-6, 2.0
    u = steps(errata.seed002_adadelta(rho, eps), [np.array([g])] * 200)[:, 0]
    np.testing.assert_allclose(u[0], -np.sqrt(eps / (0.1 * g * g + eps)) * g, rtol=1e-12)
    np.testing.assert_allclose(u[-1], -g, rtol=1e-6)


def test_seed002_triangular_ramps_once_and_never_cycles():
    lr = errata.seed002_triangular(0.1, 1.1, mu=4)(np.arange(40))
    np.testing.assert_allclose(lr[:4], [0.1, 0.35, 0.6, 0.85])
    np.testing.assert_allclose(lr[4:], 0.1)


@pytest.mark.parametrize(
    "factory, name",
    [
        (errata.seed000_adagrad, "delta"),
        (errata.seed000_rmsprop, "delta"),
        (errata.seed000_adam, "delta"),
        (errata.seed002_adamax, "eps"),
        (errata.seed002_adadelta, "eps"),
    ],
)
def test_bad_constants_are_named(factory, name):
    with pytest.raises(ValueError, match=name):
        factory(**{name: 0.0})


def test_seed002_nadam_momentum_part_scales_as_lr_squared():
    """u_1 = lr g (the look-ahead point is theta itself since u_0 = 0), v_1 = (1-b2) g^2,
    so step 1 = -lr (b1 lr g + (1 - b1) g) / (sqrt(1-b2) |g| + eps): affine in lr."""
    g = np.array([3.0])
    for lr in (0.002, 0.05):
        opt = errata.seed002_nadam(lambda theta: g, lr=lr)
        u, _ = opt.update(g, opt.init(np.zeros(1)), np.zeros(1))
        expected = -lr * (0.9 * lr * g + 0.1 * g) / (np.sqrt(0.001) * 3.0 + 1e-8)
        np.testing.assert_allclose(u, expected, rtol=1e-12)


def test_seed002_nadam_needs_params_and_a_gradient_function():
    with pytest.raises(TypeError, match="grad"):
        errata.seed002_nadam(grad=0.5)
    opt = errata.seed002_nadam(lambda theta: theta)
    with pytest.raises(ValueError, match="params"):
        opt.update(np.ones(2), opt.init(np.zeros(2)))
