"""The L^p generalisation of Adam and its limit, AdaMax."""

import numpy as np
import pytest

import optlib
from optlib.adam_lp import adam_lp


def test_first_step_by_hand():
    """u_1 = (1 - beta2^p)^(1/p) |g|, m_hat_1 = g: step = -lr g / ((1-beta2^p)^(1/p) |g| + eps)."""
    for p in (1.0, 2.0, 7.0):
        opt = adam_lp(lr=0.01, beta2=0.99, p=p, eps=1e-8)
        g = np.array([3.0, -0.5])
        step, state = opt.update(g, opt.init(np.zeros(2)))
        u1 = (1 - 0.99**p) ** (1 / p) * np.abs(g)
        np.testing.assert_allclose(state.u, u1, rtol=1e-13)
        np.testing.assert_allclose(step, -0.01 * g / (u1 + 1e-8), rtol=1e-13)


def test_second_moment_recursion_by_hand():
    """v_2 = beta2^p v_1 + (1 - beta2^p)|g_2|^p with v = u^p."""
    p, b2 = 3.0, 0.9
    opt = adam_lp(beta2=b2, p=p)
    state = opt.init(np.zeros(1))
    _, state = opt.update(np.array([2.0]), state)
    _, state = opt.update(np.array([-1.0]), state)
    v2 = b2**p * (1 - b2**p) * 2.0**p + (1 - b2**p) * 1.0
    np.testing.assert_allclose(state.u, v2 ** (1 / p), rtol=1e-13)


def test_large_p_approaches_adamax():
    problem = optlib.problems.rosenbrock()
    adamax = optlib.run(optlib.adamax(lr=0.01, eps=1e-12), problem, 300).params
    gaps = [
        np.abs(optlib.run(adam_lp(lr=0.01, p=p, eps=1e-12), problem, 300).params - adamax).max()
        for p in (8, 64, 512, 4096)
    ]
    assert all(b < a for a, b in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] < 1e-4


def test_huge_gradients_do_not_overflow_at_large_p():
    opt = adam_lp(p=1000.0)
    step, state = opt.update(np.array([1e30, 1e-30]), opt.init(np.zeros(2)))
    assert np.all(np.isfinite(step)) and np.all(np.isfinite(state.u))


def test_float32_is_kept():
    opt = adam_lp(p=4.0)
    step, state = opt.update(np.ones(3, np.float32), opt.init(np.zeros(3, np.float32)))
    assert step.dtype == state.u.dtype == np.float32


@pytest.mark.parametrize("p", [0.5, -1.0, np.inf])
def test_p_outside_its_range_is_named(p):
    with pytest.raises(ValueError, match=r"p must be in \[1, 1e\+06\]"):
        adam_lp(p=p)
