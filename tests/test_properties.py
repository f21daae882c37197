"""Properties every optimizer must have, checked over generated inputs (hypothesis)."""

import inspect

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from registry import MATRIX_OPTIMIZERS, OPTAX_OPTIMIZERS, OPTIMIZERS, OPTLIB_ONLY_OPTIONS

import optlib

# every reference configuration: torch's, and optax's for the optimizers torch lacks
REFERENCED = OPTIMIZERS + OPTAX_OPTIMIZERS
CONFIGS = pytest.mark.parametrize(
    "run_id, factory, kwargs", REFERENCED, ids=[o[0] for o in REFERENCED]
)
SETTINGS = settings(max_examples=25, deadline=None)
gradients = st.lists(
    st.floats(-100, 100, allow_nan=False, allow_subnormal=False), min_size=3, max_size=3
)


def trajectory(opt, grads_seq, params):
    state = opt.init(params)
    out = []
    for g in grads_seq:
        u, state = opt.update(g, state, params)
        params = params + u
        out.append(params)
    return np.array(out), state


def test_registry_covers_every_factory_and_option():
    assert {o[1] for o in REFERENCED + MATRIX_OPTIMIZERS} == set(optlib.OPTIMIZERS)
    assert not {o[1] for o in OPTIMIZERS} & {o[1] for o in OPTAX_OPTIMIZERS}  # one reference
    for name, factory in optlib.OPTIMIZERS.items():
        options = set(inspect.signature(factory).parameters)
        used = set().union(*(kw for _, f, kw in REFERENCED + MATRIX_OPTIMIZERS if f == name))
        untested = options - used - OPTLIB_ONLY_OPTIONS.get(name, set())
        assert not untested, f"{name}: options {untested} are in no reference configuration"


# Decays stay below 1; hyperparameters whose default is 0 sweep around a typical value.
DECAYS = ("beta", "momentum", "rho", "dampening", "eta_minus")
TYPICAL = {
    "weight_decay": 0.1,
    "momentum": 0.5,
    "dampening": 0.3,
    "lr_decay": 0.01,
    "initial_accumulator_value": 0.5,
    "momentum_decay": 4e-3,
}
# the special value 0 (momentum 0, weight decay 0, ...) is in every sweep where it is allowed
NO_ZERO = ("eps", "eps1", "eta_minus", "step_size_max")
# ranges other than [0, inf) or [0, 1): Adafactor's decay exponent and clipping threshold
SPECIAL_SWEEPS = {"beta2_decay": [0.0, -0.4, -0.8, -1.6], "d": [1.0, 1.1, 1.5, 3.0]}
# optimizers whose coordinates interact: Adafactor's step uses the RMS of the whole
# parameter (its relative step size and its update clipping)
NOT_DIAGONAL = {"adafactor"}
# schedule-free's beta1 is in (0, 1]: x is recovered by dividing by it
NO_ZERO_FOR = {("schedule_free_adamw", "beta1")}
# the options torch lacks, and flags, run through the same property
EXTRA_CONFIGS = [
    ("adam-no-bias-correction", "adam", {"lr": 0.01, "bias_correction": False}),
    ("adagrad-eps-inside", "adagrad", {"lr": 0.3, "eps_inside": True}),
    ("rmsprop-eps-inside-centered", "rmsprop", {"lr": 0.01, "eps_inside": True, "centered": True}),
]


def sweep_values(name, value, kwargs, factory=None):
    """Four values of one hyperparameter: 0 (where allowed), half, itself, more."""
    if name in SPECIAL_SWEEPS:
        return SPECIAL_SWEEPS[name]
    if (factory, name) in NO_ZERO_FOR:
        return [value / 4, value / 2, value, (1 + value) / 2]
    v = value or TYPICAL.get(name, 0.1)
    if name == "eta_plus":  # Rprop's growth factor stays above 1
        return [1 + (v - 1) / 4, 1 + (v - 1) / 2, v, 2 * v]
    more = (1 + v) / 2 if name.startswith(DECAYS) else 2 * v
    zero_allowed = name not in NO_ZERO and not (name == "momentum" and kwargs.get("nesterov"))
    return [0.0 if zero_allowed else v / 4, v / 2, v, more]


@pytest.mark.parametrize(
    "run_id, factory, kwargs",
    REFERENCED + EXTRA_CONFIGS,
    ids=[o[0] for o in REFERENCED + EXTRA_CONFIGS],
)
def test_batched_sweep_equals_separate_runs(run_id, factory, kwargs):
    """Every numeric hyperparameter of shape (K, 1) with params (K, n) runs K
    optimizers at once; each equals its own run with plain numbers, bit for bit,
    including rows where a hyperparameter is 0 (momentum 0 with dampening, no decay).
    Each hyperparameter's values are rotated differently, so the rows mix them."""
    problem = optlib.problems.quadratic((1.0, 20.0, 5.0), angle=0.3)
    defaults = {
        name: p.default
        for name, p in inspect.signature(optlib.OPTIMIZERS[factory]).parameters.items()
        if isinstance(p.default, float) and not isinstance(p.default, bool)
    }
    numbers = {k: v for k, v in {**defaults, **kwargs}.items() if k in defaults}
    if kwargs.get("nesterov"):
        del numbers["dampening"]  # Nesterov requires dampening 0
    swept = {
        k: np.roll(sweep_values(k, v, kwargs, factory), j)[:, None]
        for j, (k, v) in enumerate(numbers.items())
    }
    K = 4
    batched = optlib.run(
        optlib.OPTIMIZERS[factory](**{**kwargs, **swept}),
        problem,
        60,
        x0=np.tile(problem.x0, (K, 1)),
        noise=0.0,
    )
    for k in range(K):
        alone = {name: float(value[k, 0]) for name, value in swept.items()}
        single = optlib.run(optlib.OPTIMIZERS[factory](**{**kwargs, **alone}), problem, 60)
        np.testing.assert_array_equal(batched.params[:, k], single.params, err_msg=str(alone))


def test_a_zero_momentum_row_with_dampening_is_plain_gradient_descent():
    """torch: with momentum 0 there is no buffer and the dampening is ignored, so the
    step is -lr g, not -lr (1 - dampening) g."""
    opt = optlib.sgd(lr=0.1, momentum=np.array([[0.0], [0.9]]), dampening=0.5)
    theta = np.ones((2, 2))
    state = opt.init(theta)
    for _ in range(3):
        updates, state = opt.update(np.full((2, 2), 2.0), state, theta)
    np.testing.assert_array_equal(updates[0], [-0.2, -0.2])


@CONFIGS
@SETTINGS
@given(g=gradients)
def test_float32_in_float32_out(run_id, factory, kwargs, g):
    params = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    opt = optlib.OPTIMIZERS[factory](**kwargs)
    state = opt.init(params)
    for _ in range(3):
        u, state = opt.update(np.array(g, dtype=np.float32), state, params)
        assert u.dtype == np.float32
    arrays = [a for a in state if isinstance(a, np.ndarray)]
    assert arrays and all(a.dtype == np.float32 for a in arrays)


DIAGONAL = [o for o in REFERENCED if o[1] not in NOT_DIAGONAL]


@pytest.mark.parametrize("run_id, factory, kwargs", DIAGONAL, ids=[o[0] for o in DIAGONAL])
@SETTINGS
@given(seq=st.lists(gradients, min_size=1, max_size=5))
def test_coordinates_are_independent(run_id, factory, kwargs, seq):
    """Every optimizer here but Adafactor is diagonal: coordinate i alone follows the same
    path. (Adafactor's is checked below: its coordinates interact through the RMS.)"""
    grads = [np.array(g) for g in seq]
    params = np.array([0.5, -1.0, 2.0])
    together, _ = trajectory(optlib.OPTIMIZERS[factory](**kwargs), grads, params)
    for i in range(3):
        alone, _ = trajectory(
            optlib.OPTIMIZERS[factory](**kwargs), [g[i : i + 1] for g in grads], params[i : i + 1]
        )
        np.testing.assert_array_equal(alone[:, 0], together[:, i])


@SETTINGS
@given(seq=st.lists(gradients, min_size=1, max_size=6), c=st.floats(1e-3, 1e3))
def test_adam_step_is_invariant_to_gradient_scale(seq, c):
    """m scales by c and sqrt(v) by |c|: with eps negligible the step does not change."""
    grads = [np.array(g) + 0.5 for g in seq]  # keep away from exact zeros, where eps matters
    params = np.zeros(3)
    a, _ = trajectory(optlib.adam(lr=0.01, eps=1e-300), grads, params)
    b, _ = trajectory(optlib.adam(lr=0.01, eps=1e-300), [c * g for g in grads], params)
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-15)


@SETTINGS
@given(seq=st.lists(gradients, min_size=1, max_size=6))
def test_adamw_without_decay_is_adam(seq):
    grads = [np.array(g) for g in seq]
    params = np.array([1.0, -2.0, 0.5])
    a, _ = trajectory(optlib.adamw(lr=0.01, weight_decay=0.0), grads, params)
    b, _ = trajectory(optlib.adam(lr=0.01), grads, params)
    np.testing.assert_array_equal(a, b)


@CONFIGS
def test_update_is_pure(run_id, factory, kwargs):
    """update mutates neither its inputs nor the old state."""
    opt = optlib.OPTIMIZERS[factory](**kwargs)
    params, g = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -3.0])
    state = opt.init(params)
    state, _ = opt.update(g, state, params)[1], None
    before = [np.copy(a) if isinstance(a, np.ndarray) else a for a in state]
    p0, g0 = params.copy(), g.copy()
    first, _ = opt.update(g, state, params)
    again, _ = opt.update(g, state, params)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(params, p0)
    np.testing.assert_array_equal(g, g0)
    for old, new in zip(before, state, strict=True):
        np.testing.assert_array_equal(old, new)


def test_runner_marks_divergence_and_hides_nothing():
    """GD on a quadratic with lr above 2/lambda_max diverges; the record says where, and
    leaves no finite-looking garbage after that step."""
    problem = optlib.problems.quadratic((1.0, 10.0))
    lr = np.array([[0.05], [0.25]])  # stable, unstable (2 / 10 = 0.2)
    record = optlib.run(optlib.sgd(lr=lr), problem, 300, x0=np.tile(problem.x0, (2, 1)))
    assert record.diverged_at[0] == -1 and record.diverged_at[1] > 0
    k = record.diverged_at[1]
    assert np.all(np.isfinite(record.params[:k, 1])) and np.all(np.isnan(record.params[k:, 1]))
    assert np.all(np.isnan(record.losses[k:, 1])) and np.all(np.isfinite(record.losses[:, 0]))
    assert list(record.diverged) == [False, True]
    # the update of step t leads to iterate t + 1: from the diverging one on, all NaN
    for name in ("updates", "grads", "rates"):
        kept = getattr(record, name)
        assert np.all(np.isfinite(kept[: k - 1, 1])) and np.all(np.isnan(kept[k - 1 :, 1]))
        assert np.all(np.isfinite(kept[:, 0]))
    # gradient descent: the update is -lr times the gradient, so the rate is lr
    np.testing.assert_allclose(record.updates[:, 0], -0.05 * record.grads[:, 0], rtol=1e-15)
    np.testing.assert_allclose(record.rates[: k - 1], np.tile([[0.05], [0.25]], (k - 1, 1, 2)))
    # the loss grows by |1 - 0.25 * 10|^2 = 2.25 per step until it passes 1e6 (1 + f_0)
    f0 = record.losses[0, 1]
    assert k == int(np.ceil(np.log(1e6 * (1 + f0) / f0) / np.log(2.25)))


def test_runner_effective_rates_of_sgd_are_the_learning_rate():
    record = optlib.run(optlib.sgd(lr=1e-3), optlib.problems.rosenbrock(), 50)
    assert record.diverged_at == -1
    np.testing.assert_allclose(record.rates, 1e-3, rtol=1e-12)


def test_runner_reports_the_point_it_is_told_to():
    """With report=, the record holds schedule-free AdamW's average x_t (recovered from
    y_t and z_t) while the gradients stay at y_t: the path y is the same with or without."""
    p = optlib.problems.quadratic((1.0, 10.0))
    opt = optlib.schedule_free_adamw(lr=0.05)
    at_y = optlib.run(opt, p, 60)
    at_x = optlib.run(opt, p, 60, report=optlib.schedule_free_eval_params)
    # replay by hand: the same y path, and x = (y - (1 - beta1) z) / beta1
    state, y, xs = opt.init(p.x0), np.array(p.x0, dtype=float), [p.x0]
    for t in range(60):
        updates, state = opt.update(p.grad(y, t), state, y)
        y = y + updates
        xs.append((y - 0.1 * state.z) / 0.9)
    np.testing.assert_allclose(at_y.params[-1], y, rtol=1e-15)
    np.testing.assert_allclose(at_x.params, np.array(xs), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(at_x.losses, p.value(np.array(xs)), rtol=1e-12)
    assert not np.allclose(at_x.params[1:], at_y.params[1:])  # x is not y
    with pytest.raises(TypeError, match="report"):
        optlib.run(opt, p, 5, report="x")


def test_runner_noise_is_seeded():
    p = optlib.problems.quadratic()
    a = optlib.run(optlib.adam(lr=0.1), p, 20, noise=0.5, seed=3)
    b = optlib.run(optlib.adam(lr=0.1), p, 20, noise=0.5, seed=3)
    c = optlib.run(optlib.adam(lr=0.1), p, 20, noise=0.5, seed=4)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


@SETTINGS
@given(t=st.lists(st.integers(0, 500), min_size=1, max_size=20))
@example(t=[8])  # step_decay: 0.1**2 by Python's ** (or numpy's scalar path) is 1 ulp off
def test_schedules_agree_on_arrays_and_scalars(t):
    for schedule in (
        optlib.schedules.cosine_warm_restarts(0.1, T_0=3, T_mult=2),
        optlib.schedules.cyclic_triangular(0.01, 0.1, 5, 7, mode="triangular2"),
        optlib.schedules.step_decay(0.1, 4),
    ):
        array = schedule(np.array(t))
        np.testing.assert_array_equal(array, [schedule(k) for k in t])


@SETTINGS
@given(seq=st.lists(gradients, min_size=2, max_size=5))
def test_adafactor_coordinates_interact_only_through_the_rms(seq):
    """Not diagonal: with clipping off (d huge) and the iterate's RMS below eps2 (so
    alpha_t = eps2 rho_t for both), a vector's coordinates follow their own paths;
    Adafactor couples them only through RMS(theta) and the clipping."""
    grads = [np.array(g) for g in seq]
    params = np.array([1e-3, -2e-3, 5e-4])
    opt = lambda: optlib.adafactor(lr=1e-4, eps2=1.0, d=1e300)  # noqa: E731
    together, _ = trajectory(opt(), grads, params)
    for i in range(3):
        alone, _ = trajectory(opt(), [g[i : i + 1] for g in grads], params[i : i + 1])
        np.testing.assert_allclose(alone[:, 0], together[:, i], rtol=1e-14, atol=0)


def test_adafactor_factored_batch_equals_separate_runs():
    """params (K, r, c) with factored=True and (K, 1, 1) hyperparameters: K runs on one
    r x c matrix each, bit for bit."""
    rng = np.random.default_rng(0)
    K, shape = 3, (4, 5)
    theta0 = rng.normal(size=(K, *shape))
    grads = rng.normal(size=(6, K, *shape))
    lr, d = np.array([0.01, 0.05, 0.2])[:, None, None], np.array([1.0, 1.2, 3.0])[:, None, None]
    batched, _ = trajectory(optlib.adafactor(lr=lr, d=d, factored=True), grads, theta0)
    for k in range(K):
        opt = optlib.adafactor(lr=float(lr[k, 0, 0]), d=float(d[k, 0, 0]), factored=True)
        alone, _ = trajectory(opt, grads[:, k], theta0[k])
        np.testing.assert_array_equal(batched[:, k], alone)


@pytest.mark.parametrize(
    "run_id, factory, kwargs", MATRIX_OPTIMIZERS, ids=[o[0] for o in MATRIX_OPTIMIZERS]
)
def test_matrix_optimizers_batch_float32_and_purity(run_id, factory, kwargs):
    """The matrix configurations: params (K, r, c) with (K, 1, 1) learning rates are K runs,
    bit for bit; float32 stays float32; update mutates nothing."""
    rng = np.random.default_rng(1)
    K, shape = 3, (3, 5)
    theta0, grads = rng.normal(size=(K, *shape)), rng.normal(size=(5, K, *shape))
    lr = np.array([0.01, 0.03, 0.1])[:, None, None]
    batched, _ = trajectory(optlib.OPTIMIZERS[factory](**{**kwargs, "lr": lr}), grads, theta0)
    for k in range(K):
        opt = optlib.OPTIMIZERS[factory](**{**kwargs, "lr": float(lr[k, 0, 0])})
        alone, _ = trajectory(opt, grads[:, k], theta0[k])
        np.testing.assert_array_equal(batched[:, k], alone)
    opt = optlib.OPTIMIZERS[factory](**kwargs)
    path32, state = trajectory(opt, grads[:, 0].astype(np.float32), theta0[0].astype(np.float32))
    assert path32.dtype == np.float32
    assert all(a.dtype == np.float32 for a in state if isinstance(a, np.ndarray))
    g, theta = grads[0, 0].copy(), theta0[0].copy()
    state = opt.update(g, opt.init(theta), theta)[1]
    before = [np.copy(a) if isinstance(a, np.ndarray) else a for a in state]
    first, _ = opt.update(g, state, theta)
    np.testing.assert_array_equal(first, opt.update(g, state, theta)[0])
    np.testing.assert_array_equal(g, grads[0, 0])
    np.testing.assert_array_equal(theta, theta0[0])
    for old, new in zip(before, state, strict=True):
        np.testing.assert_array_equal(old, new)
