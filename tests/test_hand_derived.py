"""Values derived by hand from the update rules (each derivation in its docstring)."""

import numpy as np
import pytest

import optlib
from optlib import schedules


def updates(opt, grads, params=None):
    """The updates of opt fed a sequence of gradients at fixed params."""
    params = np.zeros_like(grads[0]) if params is None else params
    state = opt.init(params)
    out = []
    for g in grads:
        u, state = opt.update(g, state, params)
        out.append(u)
    return np.array(out), state


G = np.array([3.0, -0.02, 1e3])


def test_adam_first_step_is_lr_times_sign():
    """m_1 = (1-b1) g, v_1 = (1-b2) g^2, so m_hat = g, sqrt(v_hat) = |g| and the step
    is -lr g / (|g| + eps), -lr sign(g) up to eps."""
    lr, eps = 0.01, 1e-8
    (u,), _ = updates(optlib.adam(lr=lr, eps=eps), [G])
    np.testing.assert_allclose(u, -lr * G / (np.abs(G) + eps), rtol=1e-13)
    np.testing.assert_allclose(u, -lr * np.sign(G), rtol=1e-5)


def test_adam_without_bias_correction_first_step():
    """Uncorrected: -lr (1-b1) g / (sqrt(1-b2) |g| + eps) = -lr 0.1/sqrt(0.001) sign(g)."""
    (u,), _ = updates(optlib.adam(lr=0.01, bias_correction=False), [G])
    np.testing.assert_allclose(u, -0.01 * 0.1 * G / (np.sqrt(0.001) * np.abs(G) + 1e-8), rtol=1e-12)


def test_adagrad_constant_gradient_steps_decay_as_one_over_sqrt_t():
    """v_t = t g^2, so step t is -lr g / (sqrt(t) |g| + eps)."""
    lr, eps, g = 0.5, 1e-10, np.array([2.0, -0.1])
    u, state = updates(optlib.adagrad(lr=lr, eps=eps), [g] * 30)
    t = np.arange(1, 31)[:, None]
    np.testing.assert_allclose(u, -lr * g / (np.sqrt(t) * np.abs(g) + eps), rtol=1e-13)
    np.testing.assert_allclose(state.v, 30 * g**2)


def test_adagrad_lr_decay_and_initial_accumulator():
    """eta_t = lr / (1 + (t-1) zeta); v_t = v_0 + t g^2."""
    lr, zeta, v0, g = 0.5, 0.1, 0.25, np.array([1.0])
    u, _ = updates(optlib.adagrad(lr=lr, lr_decay=zeta, initial_accumulator_value=v0), [g] * 3)
    expected = [-lr / (1 + (t - 1) * zeta) / (np.sqrt(v0 + t) + 1e-10) for t in (1, 2, 3)]
    np.testing.assert_allclose(u[:, 0], expected, rtol=1e-13)


def test_adagrad_eps_inside_the_root():
    (u,), _ = updates(optlib.adagrad(lr=0.1, eps=1e-4, eps_inside=True), [np.array([0.01])])
    np.testing.assert_allclose(u, [-0.1 * 0.01 / np.sqrt(1e-4 + 1e-4)], rtol=1e-13)


def test_rprop_grows_while_the_sign_holds_and_waits_after_a_flip():
    """Delta_1 = lr (g_0 = 0); same sign: Delta_2 = 1.2 lr; a flip: Delta_3 = 0.5 * 1.2 lr
    and no move, the stored gradient zero; so the next step keeps Delta_3 (factor 1)."""
    lr, g = 0.01, np.array([2.0, -3.0])
    u, state = updates(optlib.rprop(lr=lr), [g, g, -g, -g])
    sizes = np.array([lr, 1.2 * lr, 0.5 * 1.2 * lr, 0.5 * 1.2 * lr])[:, None]
    np.testing.assert_allclose(u, -np.sign([g, g, 0 * g, -g]) * sizes, rtol=1e-15)
    assert np.all(u[2] == 0)
    np.testing.assert_array_equal(state.prev, -g)


def test_rprop_step_sizes_are_clipped_to_their_bounds():
    """lr above the cap: the first step is already clipped; flips shrink to the floor."""
    opt = optlib.rprop(lr=5.0, step_size_min=0.1, step_size_max=2.0)
    g = np.array([1.0])
    u, _ = updates(opt, [g, -g, g, -g, g, -g, g, -g])
    # 2 (clipped); each flip halves the size and skips the move, the next step keeps it
    np.testing.assert_allclose(np.abs(u[:, 0]), [2.0, 0, 1.0, 0, 0.5, 0, 0.25, 0], rtol=1e-15)
    opt = optlib.rprop(lr=0.3, eta_minus=0.1, step_size_min=0.05)
    u, state = updates(opt, [g, -g])
    np.testing.assert_allclose(state.step, [0.05])  # 0.03 is below the floor


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho():
    """v_1 = (1-rho) g^2: the first step is -lr g / (sqrt(1-rho) |g| + eps), 10 lr at rho=0.99."""
    lr, rho = 0.01, 0.99
    (u,), _ = updates(optlib.rmsprop(lr=lr, rho=rho), [G])
    np.testing.assert_allclose(u, -lr * G / (np.sqrt(1 - rho) * np.abs(G) + 1e-8), rtol=1e-13)
    np.testing.assert_allclose(np.abs(u), 10 * lr, rtol=1e-5)


def test_rmsprop_centered_first_step_divides_by_eps():
    """Centered: m_1 = (1-rho) g, v_1 - m_1^2 = (1-rho) rho g^2, so the step is
    -lr g / (sqrt((1-rho) rho) |g| + eps)."""
    lr, rho = 0.01, 0.9
    (u,), _ = updates(optlib.rmsprop(lr=lr, rho=rho, centered=True), [G])
    np.testing.assert_allclose(u, -lr * G / (np.sqrt(0.1 * 0.9) * np.abs(G) + 1e-8), rtol=1e-12)


def test_rmsprop_momentum_accumulates_scaled_gradients():
    """b_1 = g/s_1, b_2 = beta b_1 + g/s_2 with s_t = sqrt(v_t) + eps."""
    lr, rho, beta, g = 0.01, 0.5, 0.9, np.array([2.0])
    u, _ = updates(optlib.rmsprop(lr=lr, rho=rho, momentum=beta), [g, g])
    s1, s2 = np.sqrt(0.5 * 4) + 1e-8, np.sqrt(0.5 * 0.5 * 4 + 0.5 * 4) + 1e-8
    np.testing.assert_allclose(u[:, 0], [-lr * 2 / s1, -lr * (beta * 2 / s1 + 2 / s2)], rtol=1e-13)


def test_adadelta_first_step_is_about_sqrt_eps_over_one_minus_rho():
    """d_0 = 0, v_1 = (1-rho) g^2: step = -lr sqrt(eps) g / sqrt((1-rho) g^2 + eps)."""
    rho, eps = 0.9, 1e-6
    (u,), state = updates(optlib.adadelta(rho=rho, eps=eps), [G])
    exact = -np.sqrt(eps) * G / np.sqrt((1 - rho) * G**2 + eps)
    np.testing.assert_allclose(u, exact, rtol=1e-13)
    big = np.abs(G) > 1  # where eps is negligible against (1-rho) g^2
    np.testing.assert_allclose(np.abs(u[big]), np.sqrt(eps / (1 - rho)), rtol=1e-4)
    np.testing.assert_allclose(state.d, (1 - rho) * exact**2, rtol=1e-13)


def test_sgd_momentum_buffer_starts_at_the_gradient():
    """b_1 = g_1 (not (1-tau) g_1); b_2 = beta b_1 + (1-tau) g_2."""
    beta, tau, lr = 0.9, 0.3, 0.1
    g1, g2 = np.array([1.0, -2.0]), np.array([0.5, 4.0])
    u, state = updates(optlib.sgd(lr=lr, momentum=beta, dampening=tau), [g1, g2])
    np.testing.assert_allclose(u[0], -lr * g1)
    np.testing.assert_allclose(state.b, beta * g1 + (1 - tau) * g2)
    np.testing.assert_allclose(u[1], -lr * (beta * g1 + (1 - tau) * g2))


def test_sgd_nesterov_looks_ahead_along_the_buffer():
    """Nesterov: d_t = g_t + beta b_t; the first step is -lr (1 + beta) g."""
    beta, lr = 0.9, 0.1
    g1, g2 = np.array([1.0]), np.array([3.0])
    u, _ = updates(optlib.sgd(lr=lr, momentum=beta, nesterov=True), [g1, g2])
    np.testing.assert_allclose(u[0], -lr * (1 + beta) * g1)
    np.testing.assert_allclose(u[1], -lr * (g2 + beta * (beta * g1 + g2)))


def test_sgd_weight_decay_adds_omega_theta():
    theta = np.array([2.0, -1.0])
    (u,), _ = updates(optlib.sgd(lr=0.1, weight_decay=0.5), [np.zeros(2)], params=theta)
    np.testing.assert_allclose(u, -0.1 * 0.5 * theta)


def test_adamax_first_step_is_lr_times_sign():
    """m_1 = (1-b1) g, u_1 = |g| + eps, correction 1/(1-b1): step -lr g/(|g|+eps)."""
    lr = 0.002
    (u,), state = updates(optlib.adamax(lr=lr), [G])
    np.testing.assert_allclose(u, -lr * G / (np.abs(G) + 1e-8), rtol=1e-13)
    np.testing.assert_allclose(state.u, np.abs(G) + 1e-8)


def test_adamax_norm_is_a_decaying_max():
    """u_2 = max(b2 u_1, |g_2| + eps): a small gradient after a large one keeps b2 u_1."""
    (_, _), state = updates(optlib.adamax(beta2=0.9), [np.array([10.0]), np.array([1.0])])
    np.testing.assert_allclose(state.u, [0.9 * (10 + 1e-8)])


def test_nadam_first_step_from_the_momentum_schedule():
    """mu_t = b1 (1 - 0.5 * 0.96^(t psi)); step 1 =
    -lr [ (1-mu_1) g / (1-mu_1) + mu_2 m_1 / (1 - mu_1 mu_2) ] / (sqrt(v_1/(1-b2)) + eps)
    with m_1 = (1-b1) g and sqrt(v_1/(1-b2)) = |g|."""
    lr, b1, psi = 0.002, 0.9, 4e-3
    mu1 = b1 * (1 - 0.5 * 0.96 ** (1 * psi))
    mu2 = b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    (u,), state = updates(optlib.nadam(lr=lr, beta1=b1, momentum_decay=psi), [G])
    expected = -lr * (G + mu2 * (1 - b1) * G / (1 - mu1 * mu2)) / (np.abs(G) + 1e-8)
    np.testing.assert_allclose(u, expected, rtol=1e-12)
    assert state.mu_prod == pytest.approx(mu1, rel=1e-15)


def test_adamw_decays_theta_by_lr_omega():
    """AdamW: step = -lr sign(g) - lr omega theta on the first update."""
    theta = np.array([2.0, -4.0])
    (u,), _ = updates(optlib.adamw(lr=0.1, weight_decay=0.5), [np.array([1.0, 1.0])], theta)
    np.testing.assert_allclose(u, -0.1 * np.array([1.0, 1.0]) - 0.1 * 0.5 * theta, rtol=1e-7)


def test_radam_is_momentum_sgd_until_rho_passes_5_then_rectified_adam():
    """A constant gradient g: m_t = (1 - b1^t) g, so m_hat = g, and v_t = (1 - b2^t) g^2.
    rho_inf = 2/(1-b2) - 1 = 1999, rho_t = rho_inf - 2 t b2^t / (1 - b2^t), which is
    1 at t = 1 and about t - (t^2 - t)(1 - b2)/3 after; it first exceeds 5 at t = 6.
    Before: step -lr g. After: -lr r_t sqrt(1-b2^t) g / (sqrt(v_t) + eps)
    = -lr r_t g / (|g| + eps / sqrt(1 - b2^t))."""
    lr, b2, eps, g = 0.1, 0.999, 1e-8, np.array([3.0, -0.02])
    u, _ = updates(optlib.radam(lr=lr, beta2=b2, eps=eps), [g] * 40)
    rho_inf = 2 / (1 - b2) - 1
    for t in range(1, 41):
        rho = rho_inf - 2 * t * b2**t / (1 - b2**t)
        assert (rho > 5) == (t >= 6), t
        if t < 6:
            expected = -lr * g
        else:
            r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            expected = -lr * r * g / (np.abs(g) + eps / np.sqrt(1 - b2**t))
        # rho_t is a difference of two numbers near 2000 that leaves about 6: a last-bit
        # difference in b2^t (numpy's power against Python's) is amplified ~300-fold
        np.testing.assert_allclose(u[t - 1], expected, rtol=1e-10, err_msg=str(t))
    assert u[5, 0] / u[4, 0] < 0.03  # the adaptive step starts small: r_6 = 0.026


def test_radam_rectification_tends_to_one():
    """r_t -> 1 as t -> infinity (rho_t -> rho_inf); with b2 = 0.6, rho_inf = 4 and
    rho_t < rho_inf <= 5: never on (any b2 <= 2/3 has rho_inf <= 5)."""
    from optlib.radam import rectification

    rho, r = rectification(0.999, 10**6)
    assert rho == pytest.approx(1999.0, rel=1e-12) and r == pytest.approx(1.0, rel=1e-12)
    assert all(rectification(0.6, t)[0] <= 5 for t in (1, 10, 10**6))


def test_radam_weight_decay_coupled_and_decoupled():
    """Step 1 is -lr m_hat = -lr g_1: with the L2 penalty g_1 = g + omega theta;
    decoupled, theta shrinks by lr omega theta and g_1 = g."""
    theta, g, lr, wd = np.array([2.0, -4.0]), np.array([1.0, 0.5]), 0.1, 0.5
    (u,), _ = updates(optlib.radam(lr=lr, weight_decay=wd), [g], theta)
    np.testing.assert_allclose(u, -lr * (g + wd * theta), rtol=1e-14)
    (u,), _ = updates(optlib.radam(lr=lr, weight_decay=wd, decoupled_weight_decay=True), [g], theta)
    np.testing.assert_allclose(u, -lr * g - lr * wd * theta, rtol=1e-14)


def test_lion_moves_every_coordinate_by_lr_with_the_sign_of_the_interpolation():
    """A gradient that flips sign: g, -g, g, ... with g = 1. m_t = (1 - b2) sum_k
    b2^(t-1-k) g_k (alternating), so |m_{t-1}| <= 1 - b2 = 0.01, and c_t = b1 m_{t-1} +
    (1 - b1) g_t has the sign of g_t since 0.1 > 0.9 * 0.01: every step is -lr g_t,
    whatever the size of g. With b1 = 0.99 the momentum wins once |m| > 0.01/0.99."""
    lr = 0.1
    seq = [np.array([(-1.0) ** k * s for s in (1.0, 1e-6, 1e6)]) for k in range(20)]
    u, state = updates(optlib.lion(lr=lr, weight_decay=0.0), seq)
    np.testing.assert_array_equal(u, -lr * np.sign(np.array(seq)))
    # constant then flipped: after 50 steps of +1, m = (1 - b2) sum_{k<50} b2^k =
    # 1 - 0.99^50, and with b1 = 0.99, c = 0.99 m - 0.01 > 0 for the first -1: Lion
    # keeps going the way the momentum points
    opt = optlib.lion(lr=lr, beta1=0.99, weight_decay=0.0)
    u, state = updates(opt, [np.ones(1)] * 50 + [-np.ones(1)])
    m50 = 1 - 0.99**50
    assert 0.99 * m50 - 0.01 > 0 and u[-1, 0] == -lr


def test_lion_weight_decay_is_lr_omega_theta_outside_the_sign():
    theta, g, lr, wd = np.array([2.0, -4.0]), np.array([1e-8, -3.0]), 0.01, 0.5
    (u,), state = updates(optlib.lion(lr=lr, weight_decay=wd), [g], theta)
    np.testing.assert_allclose(u, -lr * (np.sign(g) + wd * theta), rtol=1e-15)
    np.testing.assert_allclose(state.m, 0.01 * g, rtol=1e-15)  # m_1 = (1 - b2) g


def test_adafactor_first_factored_moment_is_the_rank_one_fit_of_g_squared():
    """beta2_1 = 1 - 1^c = 0, so R_1 = mean over columns of g^2 (r numbers), C_1 = mean
    over rows (c numbers), and v_hat_1 = R_1 C_1 / mean(R_1): exact when g^2 has rank
    one (then u_1 = sign(g)), the best such fit in the I-divergence otherwise."""
    g = np.array([[1.0, -2.0, 0.5], [3.0, 0.1, -1.0]])
    theta = np.full((2, 3), 0.5)
    opt = optlib.adafactor(lr=0.01, factored=True)
    (u,), state = updates(opt, [g], theta)
    row, col = np.mean(g * g, axis=1, keepdims=True), np.mean(g * g, axis=0, keepdims=True)
    np.testing.assert_allclose(state.row, row, rtol=1e-15)
    np.testing.assert_allclose(state.col, col, rtol=1e-15)
    assert state.row.size + state.col.size == 2 + 3 and state.v is None
    v_hat = row * col / np.mean(row)
    u_1 = g / np.sqrt(v_hat)
    k = max(1.0, np.sqrt(np.mean(u_1 * u_1)))  # d = 1
    np.testing.assert_allclose(u, -0.5 * 0.01 / k * u_1, rtol=1e-14)  # alpha = RMS(0.5) lr
    rank_one = np.outer([1.0, 2.0], [1.0, -3.0, 0.5])  # g^2 of rank one: v_hat = g^2
    (u,), _ = updates(opt, [rank_one], theta)
    np.testing.assert_allclose(u, -0.5 * 0.01 * np.sign(rank_one), rtol=1e-14)


def test_adafactor_constant_gradient_shrinks_theta_geometrically():
    """A constant gradient: v_t = g^2 for every t (an average of g^2 started at g^2), so
    u_t = sign(g), RMS(u_t) = 1 = d: no clipping. With theta = 2 (1, 1, 1) and g > 0,
    each step is -RMS(theta) rho_t, so theta_t = theta_{t-1} (1 - rho_t):
    rho_t = min(lr, 1/sqrt(t)); with lr = 0.5, rho_t = 0.5 up to t = 4, then 1/sqrt(t),
    until RMS(theta) falls below eps2 = 1e-3, where the step becomes eps2 rho_t."""
    theta = np.full(3, 2.0)
    opt = optlib.adafactor(lr=0.5)
    state, expected, x = opt.init(theta), 2.0, theta
    for t in range(1, 13):
        u, state = opt.update(np.full(3, 5.0), state, x)
        x = x + u
        expected *= 1 - min(0.5, 1 / np.sqrt(t))
        np.testing.assert_allclose(x, expected, rtol=1e-13, err_msg=str(t))
    assert expected > 1e-3  # the floor eps2 never bound here
    # below eps2: steps of eps2 * rho_t, whatever the size of theta
    tiny = np.full(3, 1e-6)
    u, _ = updates(optlib.adafactor(lr=0.01), [np.full(3, -7.0)], tiny)
    np.testing.assert_allclose(u[0], 1e-3 * 0.01, rtol=1e-14)


def test_adafactor_clips_the_update_to_rms_d():
    """Step 2 after a small gradient: w_2 = 2^-0.8, v_2 = (1 - w_2) g_1^2 + w_2 g_2^2, so
    u_2 = g_2 / sqrt(v_2) has RMS above 1 when g_2 >> g_1; the step is
    alpha_2 u_2 / max(1, RMS(u_2) / d): its RMS is alpha_2 d for d = 1 and 1.2, and
    d = 1.5 > RMS(u_2) = 1.32 leaves it unclipped."""
    g1, g2, theta = np.array([0.1, -0.1]), np.array([3.0, -1.0]), np.array([1.0, 1.0])
    w = 2.0**-0.8
    u2 = g2 / np.sqrt((1 - w) * g1 * g1 + w * g2 * g2)
    rms_u2 = np.sqrt(np.mean(u2 * u2))
    assert 1.2 < rms_u2 < 1.5
    alpha = 1.0 * min(0.01, 1 / np.sqrt(2))  # RMS(theta) = 1, fixed params here
    for d in (1.0, 1.2):
        u, _ = updates(optlib.adafactor(lr=0.01, d=d), [g1, g2], theta)
        np.testing.assert_allclose(u[1], -alpha * d / rms_u2 * u2, rtol=1e-14)
        assert np.sqrt(np.mean(u[1] ** 2)) == pytest.approx(alpha * d, rel=1e-14)
    u, _ = updates(optlib.adafactor(lr=0.01, d=1.5), [g1, g2], theta)
    np.testing.assert_allclose(u[1], -alpha * u2, rtol=1e-14)


def p_iterated(s, steps=5, coefficients=(3.4445, -4.7750, 2.0315)):
    """p(s) = a s + b s^3 + c s^5 applied ``steps`` times."""
    a, b, c = coefficients
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return s


def test_muon_newton_schulz_maps_singular_values_through_the_quintic():
    """X = U S V^T (normalised by ||G||_F): XX^T X = U S^3 V^T and (XX^T)^2 X = U S^5 V^T,
    so one iteration is U p(S) V^T; k iterations U p^k(S) V^T. A tall matrix is iterated
    transposed: the same result, transposed back."""
    from optlib.muon import newton_schulz

    rng = np.random.default_rng(3)
    G = rng.normal(size=(3, 5))
    u, s, vt = np.linalg.svd(G, full_matrices=False)
    expected = (u * p_iterated(s / np.linalg.norm(G))) @ vt
    np.testing.assert_allclose(newton_schulz(G), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(newton_schulz(G.T), expected.T, rtol=1e-12, atol=1e-14)
    # rank one: s = 1 after the normalisation, so O = p^5(1) u v^T, p^5(1) = 0.696
    rank_one = np.outer([1.0, -2.0], [0.5, 1.0, 3.0])
    u1 = rank_one / np.linalg.norm(rank_one)
    np.testing.assert_allclose(newton_schulz(rank_one), p_iterated(1.0) * u1, rtol=1e-13)
    assert 0.69 < p_iterated(1.0) < 0.70


def test_muon_step_with_a_constant_gradient_is_constant():
    """B_t = (1 - mu^t) G and M_t = (1 - mu) G + mu B_t are positive multiples of G, and
    the iteration starts by normalising: every step is -lr gamma NS(G) - lr omega theta,
    with gamma = sqrt(max(1, A/B)) (1 for 4 x 6, sqrt(1.5) for 6 x 4) or
    0.2 sqrt(max(A, B)) (match_rms_adamw)."""
    from optlib.muon import newton_schulz

    rng = np.random.default_rng(4)
    for shape, adjust, gamma in (
        ((4, 6), None, 1.0),
        ((6, 4), "original", np.sqrt(1.5)),
        ((4, 6), "match_rms_adamw", 0.2 * np.sqrt(6)),
    ):
        G, theta = rng.normal(size=shape), rng.normal(size=shape)
        for nesterov in (True, False):
            opt = optlib.muon(lr=0.02, weight_decay=0.1, nesterov=nesterov, adjust_lr_fn=adjust)
            u, _ = updates(opt, [G] * 4, theta)
            expected = -0.02 * gamma * newton_schulz(G) - 0.02 * 0.1 * theta
            np.testing.assert_allclose(u, np.broadcast_to(expected, u.shape), rtol=1e-11)


def schedule_free_run(opt, grads, theta):
    state, zs, xs, ys = opt.init(theta), [], [], []
    for g in grads:
        u, state = opt.update(g, state, theta)
        theta = theta + u
        zs.append(state.z)
        xs.append(optlib.schedule_free_eval_params(state, theta))
        ys.append(theta)
    return np.array(zs), np.array(xs), np.array(ys)


def test_schedule_free_x_is_the_average_of_z_and_z_is_adam_without_momentum():
    """Constant lr: w_t = lr^2, S_t = t lr^2, c_t = 1/t, so x_t = (1 - 1/t) x_{t-1} + z_t / t
    = (z_1 + ... + z_t) / t; y_t = b1 x_t + (1 - b1) z_t. Without decay z_t takes Adam's
    steps with beta1 = 0 (m_hat = g) at the gradients g_t, whatever point they came from."""
    rng = np.random.default_rng(5)
    grads, theta = rng.normal(size=(12, 3)), np.array([0.5, -1.0, 2.0])
    zs, xs, ys = schedule_free_run(optlib.schedule_free_adamw(lr=0.1, beta1=0.7), grads, theta)
    t = np.arange(1, 13)[:, None]
    np.testing.assert_allclose(xs, np.cumsum(zs, axis=0) / t, rtol=1e-13)
    np.testing.assert_allclose(ys, 0.7 * xs + 0.3 * zs, rtol=1e-13)
    adam_path, _ = updates(optlib.adam(lr=0.1, beta1=0.0), list(grads))
    np.testing.assert_allclose(zs, theta + np.cumsum(adam_path, axis=0), rtol=1e-13)


def test_schedule_free_warmup_weights_the_average_by_lr_squared():
    """warmup_steps = W: z's step t uses lr (t - 1) / W (0 for the first), the average's
    weight w_t = (lr min(t, W) / W)^2 (optax counts the two from 0 and from 1), so
    x_t = sum_s w_s z_s / sum_s w_s."""
    rng = np.random.default_rng(6)
    grads, theta, lr, W = rng.normal(size=(8, 2)), np.array([1.0, -1.0]), 0.1, 4
    opt = optlib.schedule_free_adamw(lr=lr, warmup_steps=W)
    zs, xs, _ = schedule_free_run(opt, grads, theta)
    np.testing.assert_array_equal(zs[0], theta)  # the first step has lr 0
    w = (lr * np.minimum(np.arange(1, 9), W) / W) ** 2
    np.testing.assert_allclose(
        xs, np.cumsum(w[:, None] * zs, axis=0) / np.cumsum(w)[:, None], rtol=1e-13
    )


def test_amsgrad_keeps_the_largest_raw_second_moment():
    """After a large then small gradients, v falls but v_max holds (1-b2) * 100."""
    grads = [np.array([10.0])] + [np.array([0.1])] * 5
    _, state = updates(optlib.adam(amsgrad=True), grads)
    assert state.v_max[0] == pytest.approx(0.001 * 100.0, rel=1e-12)
    assert state.v[0] < state.v_max[0]


# -- schedules at hand-picked steps -----------------------------------------------


def test_step_decay():
    s = schedules.step_decay(0.1, step_size=3, gamma=0.5)
    assert [float(s(t)) for t in (0, 2, 3, 5, 6, 9)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]
    )


def test_exponential_decay_matches_exp_minus_lambda_t():
    gamma = 0.9
    s = schedules.exponential_decay(0.2, gamma)
    t = np.arange(20)
    np.testing.assert_allclose(s(t), 0.2 * np.exp(np.log(gamma) * t), rtol=1e-14)


def test_smith_triangular_formula():
    """Smith (2017): cycle = floor(1 + t/(2s)), x = |t/s - 2 cycle + 1|,
    lr = base + (max - base) max(0, 1 - x)."""
    base, top, s = 0.01, 0.1, 4
    t = np.arange(30)
    cycle = np.floor(1 + t / (2 * s))
    x = np.abs(t / s - 2 * cycle + 1)
    expected = base + (top - base) * np.maximum(0, 1 - x)
    np.testing.assert_allclose(schedules.cyclic_triangular(base, top, s)(t), expected, rtol=1e-14)


def test_triangular2_halves_each_cycle():
    s = schedules.cyclic_triangular(0.0, 1.0, step_size_up=2, mode="triangular2")
    # peaks at t = 2, 6, 10 with heights 1, 1/2, 1/4
    assert [float(s(t)) for t in (2, 6, 10)] == pytest.approx([1.0, 0.5, 0.25])


def test_cosine_annealing_halfway_and_end():
    s = schedules.cosine_annealing(0.1, T_max=10, eta_min=0.02)
    assert float(s(0)) == pytest.approx(0.1)
    assert float(s(5)) == pytest.approx(0.06)  # the midpoint of 0.1 and 0.02
    assert float(s(10)) == pytest.approx(0.02)


def test_warm_restarts_with_t_mult_two_restart_at_0_3_9_21():
    """Periods 3, 6, 12: restarts at t = 0, 3, 9, 21; halfway through the second at t = 6."""
    s = schedules.cosine_warm_restarts(1.0, T_0=3, T_mult=2)
    assert [float(s(t)) for t in (0, 3, 9, 21)] == pytest.approx([1.0] * 4)
    assert float(s(6)) == pytest.approx(0.5)
    assert float(s(8)) == pytest.approx((1 + np.cos(np.pi * 5 / 6)) / 2)


def test_linear_warmup_then_cosine():
    s = schedules.linear_warmup(
        0.1, warmup_steps=4, start_factor=0.2, then=schedules.cosine_annealing(0.1, T_max=8)
    )
    np.testing.assert_allclose(s(np.arange(5)), [0.02, 0.04, 0.06, 0.08, 0.1], rtol=1e-14)
    assert float(s(8)) == pytest.approx(0.05)  # four steps into an 8-step cosine


def test_inverse_sqrt_climbs_to_its_peak_then_halves_as_the_count_quadruples():
    """Vaswani et al.: n = t + 1, rate min(n / W, sqrt(W / n)) times the peak."""
    s = schedules.inverse_sqrt(1.0, warmup_steps=4)
    np.testing.assert_allclose(s(np.arange(4)), [0.25, 0.5, 0.75, 1.0], rtol=1e-15)
    assert [float(s(t)) for t in (15, 63, 255)] == pytest.approx([0.5, 0.25, 0.125], rel=1e-15)
    assert float(s(4)) == pytest.approx(np.sqrt(4 / 5))  # the first step after the peak
    assert np.argmax(s(np.arange(1000))) == 3  # the peak is the W-th update


def test_one_cycle_by_hand():
    """OneCycleLR(max_lr=1, total_steps=10, pct_start=0.3, div_factor=4): the rise ends at
    step 0.3 * 10 - 1 = 2, the fall at 9, from 1/4 to 1 to 1/4 / 1e4."""
    oc = schedules.one_cycle(1.0, total_steps=10, pct_start=0.3, div_factor=4.0)
    assert float(oc(0)) == 0.25 and float(oc(2)) == 1.0
    assert float(oc(1)) == pytest.approx(0.625)  # halfway up the cosine: the midpoint
    assert float(oc(9)) == pytest.approx(2.5e-5, rel=1e-12)
    # two sevenths of the way down: 2.5e-5 + (1 - 2.5e-5) (1 + cos(2 pi / 7)) / 2
    assert float(oc(4)) == pytest.approx(2.5e-5 + (1 - 2.5e-5) * (1 + np.cos(2 * np.pi / 7)) / 2)
    lin = schedules.one_cycle(1.0, 10, pct_start=0.3, div_factor=4.0, anneal_strategy="linear")
    assert float(lin(1)) == pytest.approx(0.625) and float(lin(4)) == pytest.approx(
        1 - (1 - 2.5e-5) * 2 / 7
    )
    # three phases: up to step 2, back to the initial 1/25 by step 2 * 3 - 2 = 4, down by 9
    three = schedules.one_cycle(1.0, 10, pct_start=0.3, three_phase=True, anneal_strategy="linear")
    np.testing.assert_allclose(three(np.arange(5)), [0.04, 0.52, 1.0, 0.52, 0.04], rtol=1e-14)
    assert float(three(9)) == pytest.approx(4e-6, rel=1e-12)


def test_lr_range_test_by_hand():
    lin = schedules.lr_range_test(0.01, 1.0, num_steps=99)
    assert [float(lin(t)) for t in (0, 33, 99, 500)] == pytest.approx([0.01, 0.34, 1.0, 1.0])
    exp = schedules.lr_range_test(1e-3, 1.0, num_steps=30, mode="exponential")
    # ten steps for each factor of ten
    assert [float(exp(t)) for t in (0, 10, 20, 30, 40)] == pytest.approx(
        [1e-3, 1e-2, 1e-1, 1.0, 1.0], rel=1e-13
    )


def test_a_schedule_drives_the_optimizer_by_step_count():
    """SGD with step decay: the update at count t uses lr(t)."""
    opt = optlib.sgd(lr=schedules.step_decay(1.0, step_size=2, gamma=0.1))
    u, _ = updates(opt, [np.array([1.0])] * 5)
    np.testing.assert_allclose(u[:, 0], [-1.0, -1.0, -0.1, -0.1, -0.01])
