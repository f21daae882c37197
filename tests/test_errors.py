"""Bad input is refused with a ValueError (a value out of range) or a TypeError (a value of
the wrong kind) whose message names the parameter and what it accepts."""

import numpy as np
import pytest

import optlib
from optlib import schedules

# (factory, bad kwargs, words the message must contain)
BAD_HYPERPARAMETERS = (
    [(name, {"lr": -0.1}, ["lr", "[0, inf)"]) for name in optlib.OPTIMIZERS]
    + [
        (name, {"eps": 0.0}, ["eps", "(0, inf)"])
        for name in ("adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam", "radam")
    ]
    + [("muon", {"eps": -1e-7}, ["eps", "(0, inf)"])]
    + [
        (name, {"weight_decay": -1e-3}, ["weight_decay", "[0, inf)"])
        for name in optlib.OPTIMIZERS
        if name != "rprop"  # torch's Rprop has no weight decay
    ]
    + [
        (name, {beta: value}, [beta, "[0, 1)"])
        for name in ("adam", "adamw", "adamax", "nadam", "radam", "lion")
        for beta in ("beta1", "beta2")
        for value in (1.0, -0.1)
    ]
    + [
        ("sgd", {"momentum": 1.0}, ["momentum", "[0, 1)"]),
        ("sgd", {"momentum": -0.5}, ["momentum", "[0, 1)"]),
        ("sgd", {"dampening": 1.5}, ["dampening", "[0, 1]"]),
        ("sgd", {"nesterov": True}, ["nesterov", "momentum"]),
        ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, ["nesterov", "dampening"]),
        ("adagrad", {"lr_decay": -1.0}, ["lr_decay", "[0, inf)"]),
        ("adagrad", {"initial_accumulator_value": -1.0}, ["initial_accumulator_value"]),
        ("rmsprop", {"rho": 1.0}, ["rho", "[0, 1)"]),
        ("rmsprop", {"momentum": 2.0}, ["momentum", "[0, 1)"]),
        ("adadelta", {"rho": 1.5}, ["rho", "[0, 1]"]),
        ("nadam", {"momentum_decay": -1.0}, ["momentum_decay", "[0, inf)"]),
        ("rprop", {"eta_minus": 1.0}, ["eta_minus", "(0, 1)"]),
        ("rprop", {"eta_minus": 0.0}, ["eta_minus", "(0, 1)"]),
        ("rprop", {"eta_plus": 1.0}, ["eta_plus", "(1, inf)"]),
        ("rprop", {"step_size_min": -1e-6}, ["step_size_min", "[0, inf)"]),
        ("rprop", {"step_size_max": 0.0}, ["step_size_max", "(0, inf)"]),
        ("rprop", {"step_size_min": 1.0, "step_size_max": 0.5}, ["step_size_min", "<="]),
        ("rprop", {"lr": optlib.schedules.exponential_decay(0.1, 0.9)}, ["lr", "schedule"]),
        ("radam", {"decoupled_weight_decay": "yes"}, ["decoupled_weight_decay", "True or False"]),
        ("adafactor", {"beta2_decay": 0.1}, ["beta2_decay", "(-inf, 0]"]),
        ("adafactor", {"eps1": 0.0}, ["eps1", "(0, inf)"]),
        ("adafactor", {"eps2": -1e-3}, ["eps2", "[0, inf)"]),
        ("adafactor", {"d": 0.5}, ["d", "[1, inf)"]),
        ("adafactor", {"factored": 1}, ["factored", "True or False"]),
        ("muon", {"momentum": 1.0}, ["momentum", "[0, 1)"]),
        ("muon", {"eps": 0.0}, ["eps", "(0, inf)"]),
        ("muon", {"ns_coefficients": (1.0, 2.0)}, ["ns_coefficients", "three numbers"]),
        ("muon", {"ns_coefficients": (1.0, float("nan"), 0.5)}, ["ns_coefficients b"]),
        ("muon", {"ns_coefficients": (1.0, "2", 0.5)}, ["ns_coefficients b"]),
        ("muon", {"ns_steps": 100}, ["ns_steps", "[0, 99]"]),
        ("muon", {"ns_steps": -1}, ["ns_steps", "[0, 99]"]),
        ("muon", {"ns_steps": 2.0}, ["ns_steps", "whole number"]),
        ("muon", {"ns_steps": True}, ["ns_steps", "whole number"]),
        ("muon", {"adjust_lr_fn": "rms"}, ["adjust_lr_fn", "match_rms_adamw"]),
        ("muon", {"nesterov": None}, ["nesterov", "True or False"]),
        ("schedule_free_adamw", {"beta1": 0.0}, ["beta1", "(0, 1]"]),
        ("schedule_free_adamw", {"beta2": 1.0}, ["beta2", "[0, 1)"]),
        ("schedule_free_adamw", {"eps": 0.0}, ["eps", "(0, inf)"]),
        ("schedule_free_adamw", {"weight_lr_power": -1.0}, ["weight_lr_power", "[0, inf)"]),
        ("schedule_free_adamw", {"warmup_steps": 0}, ["warmup_steps", ">= 1"]),
        ("schedule_free_adamw", {"warmup_steps": 2.5}, ["warmup_steps", "whole number"]),
        (
            "schedule_free_adamw",
            {"lr": optlib.schedules.exponential_decay(0.1, 0.9)},
            ["lr", "schedule", "warmup_steps"],
        ),
        ("adam", {"lr": np.array([[0.1], [-0.1]])}, ["lr", "-0.1"]),
        ("adam", {"lr": float("nan")}, ["lr"]),
        ("adam", {"beta1": "0.9"}, ["beta1"]),
    ]
)


def assert_refused(factory, kwargs, words):
    """factory(**kwargs) raises a ValueError or TypeError whose message contains every word."""
    with pytest.raises((ValueError, TypeError)) as error:
        factory(**kwargs)
    for word in words:
        assert word in str(error.value), (word, str(error.value))


@pytest.mark.parametrize(
    "name, kwargs, words",
    BAD_HYPERPARAMETERS,
    ids=[f"{n}-{'-'.join(k)}" for n, k, _ in BAD_HYPERPARAMETERS],
)
def test_bad_hyperparameter_is_named_with_its_range(name, kwargs, words):
    assert_refused(optlib.OPTIMIZERS[name], kwargs, words)


@pytest.mark.parametrize("name", list(optlib.OPTIMIZERS))
def test_params_must_be_a_float_array(name):
    opt = optlib.OPTIMIZERS[name]()
    matrix = np.asarray([[1.0, 2.0]]).view(np.matrix)  # a subclass, built without the warning
    for bad in (np.array([1, 2]), [1.0, 2.0], matrix, np.zeros(2, np.float16)):
        with pytest.raises(TypeError, match="params must be a floating-point numpy array"):
            opt.init(bad)


@pytest.mark.parametrize("name", list(optlib.OPTIMIZERS))
def test_grads_must_match_the_params(name):
    opt = optlib.OPTIMIZERS[name]()
    state = opt.init(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"grads has shape \(3,\).*\(2, 3\)"):
        opt.update(np.zeros(3), state, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"params has shape \(3, 2\)"):
        opt.update(np.zeros((2, 3)), state, np.zeros((3, 2)))


@pytest.mark.parametrize("name", list(optlib.OPTIMIZERS))
def test_a_hyperparameter_array_must_broadcast_against_params(name):
    opt = optlib.OPTIMIZERS[name](lr=np.full((4, 1), 1e-3))
    with pytest.raises(ValueError, match=r"lr has shape \(4, 1\).*params of shape \(3, 2\)"):
        opt.init(np.zeros((3, 2)))


def test_rprop_refuses_bounds_that_do_not_broadcast():
    assert_refused(
        optlib.rprop,
        {"step_size_min": np.zeros(3), "step_size_max": np.ones(2)},
        ["step_size_min", "step_size_max", "broadcast"],
    )


def test_adafactor_refuses_what_would_blur_one_parameter_with_another():
    """factored=True needs a matrix in the last two axes; a hyperparameter array must be
    constant over each parameter (one value per run); the step needs the params."""
    with pytest.raises(ValueError, match=r"params must have at least 2 axes.*\(3,\)"):
        optlib.adafactor(factored=True).init(np.zeros(3))
    with pytest.raises(ValueError, match=r"lr has shape \(1, 3\), which varies within one"):
        optlib.adafactor(lr=np.full((1, 3), 0.1)).init(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"d has shape \(2, 1\), which varies within one"):
        optlib.adafactor(d=np.ones((2, 1)), factored=True).init(np.zeros((3, 2, 4)))
    opt = optlib.adafactor()
    with pytest.raises(ValueError, match="params must be given to adafactor's update"):
        opt.update(np.ones(2), opt.init(np.zeros(2)))


def test_muon_needs_matrices_and_one_value_per_run():
    with pytest.raises(ValueError, match=r"params must have at least 2 axes for muon.*\(5,\)"):
        optlib.muon().init(np.zeros(5))
    with pytest.raises(ValueError, match=r"lr has shape \(2, 1\), which varies within one"):
        optlib.muon(lr=np.full((2, 1), 0.1)).init(np.zeros((3, 2, 4)))
    optlib.muon(lr=np.full((3, 1, 1), 0.1)).init(np.zeros((3, 2, 4)))  # one per run: fine


def test_schedule_free_needs_params_and_eval_params_checks_them():
    opt = optlib.schedule_free_adamw()
    state = opt.init(np.zeros(3))
    with pytest.raises(ValueError, match="params must be given to schedule_free_adamw"):
        opt.update(np.ones(3), state)
    with pytest.raises(ValueError, match=r"params has shape \(2,\)"):
        optlib.schedule_free_eval_params(state, np.zeros(2))
    with pytest.raises(TypeError, match="params must be a floating-point numpy array"):
        optlib.schedule_free_eval_params(state, [0.0, 0.0, 0.0])


def test_weight_decay_needs_params():
    opt = optlib.adam(weight_decay=0.1)
    state = opt.init(np.zeros(2))
    with pytest.raises(ValueError, match="params must be given"):
        opt.update(np.ones(2), state)


BAD_SCHEDULES = [
    (schedules.step_decay, {"lr": 0.1, "step_size": 0}, ["step_size", "[1, 2**63 - 1]"]),
    (schedules.step_decay, {"lr": 0.1, "step_size": 2.5}, ["step_size"]),
    (schedules.step_decay, {"lr": 0.1, "step_size": 2, "gamma": 0.0}, ["gamma", "(0, 1]"]),
    (schedules.exponential_decay, {"lr": -1.0, "gamma": 0.9}, ["lr", "[0, inf)"]),
    (schedules.exponential_decay, {"lr": 0.1, "gamma": 1.5}, ["gamma", "(0, 1]"]),
    (
        schedules.cyclic_triangular,
        {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 0},
        ["step_size_up"],
    ),
    (
        schedules.cyclic_triangular,
        {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 2, "mode": "sine"},
        ["mode", "triangular2"],
    ),
    (schedules.cosine_annealing, {"lr": 0.1, "T_max": 0}, ["T_max", "[1, 2**63 - 1]"]),
    (schedules.cosine_annealing, {"lr": 0.1, "T_max": 5, "eta_min": -1.0}, ["eta_min"]),
    (
        schedules.cosine_warm_restarts,
        {"lr": 0.1, "T_0": 3, "T_mult": 0},
        ["T_mult", "[1, 2**63 - 1]"],
    ),
    (schedules.linear_warmup, {"lr": 0.1, "warmup_steps": 0}, ["warmup_steps"]),
    (
        schedules.linear_warmup,
        {"lr": 0.1, "warmup_steps": 3, "start_factor": 0.0},
        ["start_factor", "(0, 1]"],
    ),
    (schedules.linear_warmup, {"lr": 0.1, "warmup_steps": 3, "then": 0.5}, ["then"]),
    (schedules.inverse_sqrt, {"lr": 0.1, "warmup_steps": 0}, ["warmup_steps", "[1, 2**63 - 1]"]),
    (schedules.inverse_sqrt, {"lr": -0.1, "warmup_steps": 4}, ["lr", "[0, inf)"]),
    (schedules.one_cycle, {"max_lr": 0.1, "total_steps": 0}, ["total_steps"]),
    (schedules.one_cycle, {"max_lr": 0.1, "total_steps": 10, "pct_start": 1.0}, ["pct_start"]),
    (  # pct_start * total_steps = 1: the warm-up phase would have no step
        schedules.one_cycle,
        {"max_lr": 0.1, "total_steps": 10, "pct_start": 0.1},
        ["pct_start * total_steps", "got pct_start = 0.1, total_steps = 10"],
    ),
    (
        schedules.one_cycle,
        {"max_lr": 0.1, "total_steps": 10, "pct_start": 0.6, "three_phase": True},
        ["(total_steps + 1) / 2"],
    ),
    (schedules.one_cycle, {"max_lr": 0.1, "total_steps": 10, "div_factor": 0.0}, ["div_factor"]),
    (
        schedules.one_cycle,
        {"max_lr": 0.1, "total_steps": 10, "anneal_strategy": "cosine"},
        ["anneal_strategy", "'linear'"],
    ),
    (schedules.one_cycle, {"max_lr": 0.1, "total_steps": 10, "three_phase": 1}, ["three_phase"]),
    (schedules.lr_range_test, {"min_lr": 0.1, "max_lr": 0.1, "num_steps": 5}, ["max_lr"]),
    (
        schedules.lr_range_test,
        {"min_lr": 0.0, "max_lr": 1.0, "num_steps": 5, "mode": "exponential"},
        ["min_lr", "(0, inf)"],
    ),
    (schedules.lr_range_test, {"min_lr": 0.1, "max_lr": 1.0, "num_steps": 0}, ["num_steps"]),
    (
        schedules.lr_range_test,
        {"min_lr": 0.1, "max_lr": 1.0, "num_steps": 5, "mode": "log"},
        ["mode", "'exponential'"],
    ),
]


@pytest.mark.parametrize(
    "factory, kwargs, words",
    BAD_SCHEDULES,
    ids=[f"{f.__name__}-{'-'.join(k)}" for f, k, _ in BAD_SCHEDULES],
)
def test_bad_schedule_argument_is_named(factory, kwargs, words):
    assert_refused(factory, kwargs, words)


@pytest.mark.parametrize("t", [-1, 2.5, np.array([0, -3]), 2**63, "3", True, None])
def test_schedules_refuse_bad_step_counts(t):
    with pytest.raises((ValueError, TypeError), match="t must be a whole step count"):
        schedules.cosine_annealing(0.1, T_max=10)(t)


def test_one_cycle_refuses_to_step_past_total_steps():
    """torch's OneCycleLR raises after total_steps calls of step(); so does ours."""
    oc = schedules.one_cycle(0.1, total_steps=10)
    assert np.isfinite(oc(10))
    with pytest.raises(ValueError, match="t must be at most total_steps = 10"):
        oc(np.array([3, 11]))


def test_runner_refuses_bad_steps():
    with pytest.raises(ValueError, match="steps"):
        optlib.run(optlib.sgd(), optlib.problems.quadratic(), steps=-1)
