"""One registry of optimizer and schedule configurations for every test.

Plain data (no optlib import), so that ``tests/reference/record.py`` can read it in
a torch-only environment. Each entry names the optlib factory, its keyword
arguments in optlib's naming, and how torch spells the same thing.
"""

from __future__ import annotations

# (id, optlib factory, optlib kwargs). Together they exercise every option of every
# factory that torch also has; test_registry checks that coverage.
OPTIMIZERS = [
    ("sgd", "sgd", {"lr": 0.02}),
    ("sgd-momentum", "sgd", {"lr": 0.02, "momentum": 0.9}),
    ("sgd-nesterov", "sgd", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    ("sgd-dampening", "sgd", {"lr": 0.02, "momentum": 0.8, "dampening": 0.3}),
    ("sgd-weight-decay", "sgd", {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.1}),
    ("adagrad", "adagrad", {"lr": 0.3}),
    ("adagrad-lr-decay", "adagrad", {"lr": 0.3, "lr_decay": 0.01}),
    ("adagrad-accumulator", "adagrad", {"lr": 0.3, "initial_accumulator_value": 0.5}),
    ("adagrad-weight-decay-eps", "adagrad", {"lr": 0.3, "weight_decay": 0.05, "eps": 1e-3}),
    ("rmsprop", "rmsprop", {"lr": 0.01}),
    ("rmsprop-centered", "rmsprop", {"lr": 0.01, "centered": True}),
    ("rmsprop-momentum", "rmsprop", {"lr": 0.005, "momentum": 0.8}),
    ("rmsprop-centered-momentum", "rmsprop", {"lr": 0.005, "centered": True, "momentum": 0.5}),
    (
        "rmsprop-rho-eps-decay",
        "rmsprop",
        {"lr": 0.01, "rho": 0.9, "eps": 1e-4, "weight_decay": 0.05},
    ),
    ("adadelta", "adadelta", {}),
    ("adadelta-options", "adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4}),
    ("adadelta-weight-decay", "adadelta", {"weight_decay": 0.1}),
    ("adam", "adam", {"lr": 0.01}),
    ("adam-amsgrad", "adam", {"lr": 0.01, "amsgrad": True}),
    ("adam-weight-decay", "adam", {"lr": 0.01, "weight_decay": 0.05}),
    ("adam-betas-eps", "adam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("adam-amsgrad-decay", "adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.05}),
    ("adamw", "adamw", {"lr": 0.01}),
    ("adamw-decay", "adamw", {"lr": 0.01, "weight_decay": 0.1}),
    ("adamw-amsgrad", "adamw", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("adamw-betas-eps", "adamw", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("adamax", "adamax", {"lr": 0.01}),
    (
        "adamax-options",
        "adamax",
        {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05},
    ),
    ("nadam", "nadam", {"lr": 0.01}),
    ("nadam-momentum-decay", "nadam", {"lr": 0.01, "momentum_decay": 0.01}),
    ("nadam-no-schedule-decay", "nadam", {"lr": 0.01, "momentum_decay": 0.0, "weight_decay": 0.05}),
    ("nadam-betas-eps", "nadam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("radam", "radam", {"lr": 0.01}),
    ("radam-weight-decay", "radam", {"lr": 0.01, "weight_decay": 0.05}),
    (
        "radam-decoupled",
        "radam",
        {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
    ),
    ("radam-betas-eps", "radam", {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
    ("adafactor", "adafactor", {}),
    # eps2 = 1 binds while the iterate's RMS is below 1; d = 1.2 clips (test_reference)
    (
        "adafactor-options",
        "adafactor",
        {
            "lr": 0.05,
            "beta2_decay": -0.6,
            "eps1": 1e-4,
            "eps2": 1.0,
            "d": 1.2,
            "weight_decay": 0.1,
        },
    ),
    ("rprop", "rprop", {}),
    # narrow bounds, so that both clips bind on this problem (test_reference checks they do)
    (
        "rprop-etas-clips",
        "rprop",
        {
            "lr": 0.05,
            "eta_minus": 0.3,
            "eta_plus": 1.5,
            "step_size_min": 0.01,
            "step_size_max": 0.2,
        },
    ),
]

# Optimizers without a torch.optim class, recorded from optax instead
# (tests/reference/record_optax_keras.py, run "optax_" + id; replayed by
# tests/test_optax_keras.py): (id, optlib factory, optlib kwargs).
OPTAX_OPTIMIZERS = [
    ("lion", "lion", {"lr": 0.01}),
    ("lion-no-decay", "lion", {"lr": 0.01, "weight_decay": 0.0}),
    ("lion-options", "lion", {"lr": 0.01, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.1}),
    ("schedule-free-adamw", "schedule_free_adamw", {"lr": 0.1}),
    (
        "schedule-free-adamw-options",
        "schedule_free_adamw",
        {
            "lr": 0.02,
            "warmup_steps": 5,
            "beta1": 0.8,
            "beta2": 0.99,
            "eps": 1e-6,
            "weight_decay": 0.1,
            "weight_lr_power": 1.0,
        },
    ),
]

OPTAX_FACTORY = {"lion": "lion", "schedule_free_adamw": "contrib.schedule_free_adamw"}
# optax functions that give an optimizer's evaluation point from (state, params): recorded
# as run "optax_<id>_eval"
OPTAX_EVAL = {"schedule_free_adamw": "contrib.schedule_free_eval_params"}


def optax_kwargs(factory, kwargs):
    """optlib's keyword arguments as optax spells them."""
    names = {"lr": "learning_rate", "beta1": "b1", "beta2": "b2"}
    return {names.get(k, k): v for k, v in kwargs.items()}


# Matrix parameters (factored=True), recorded on a quadratic over 4 x 6 matrices:
# (id, optlib factory, optlib kwargs). torch sees one 2-D tensor.
MATRIX_SHAPE = (4, 6)
MATRIX_OPTIMIZERS = [
    ("adafactor-matrix", "adafactor", {"factored": True}),
    (
        "adafactor-matrix-options",
        "adafactor",
        {
            "factored": True,
            "lr": 0.05,
            "beta2_decay": -0.5,
            "eps1": 1e-5,
            "eps2": 0.05,
            "d": 1.1,  # clips on some steps (test_reference)
            "weight_decay": 0.05,
        },
    ),
]

MATRIX_OPTIMIZERS += [
    ("muon", "muon", {"lr": 0.02}),
    (
        "muon-options",
        "muon",
        {
            "lr": 0.02,
            "weight_decay": 0.0,
            "momentum": 0.8,
            "nesterov": False,
            "ns_coefficients": (2.0, -1.5, 0.5),
            "eps": 1e-3,
            "ns_steps": 3,
            "adjust_lr_fn": "match_rms_adamw",
        },
    ),
    ("muon-tall", "muon", {"lr": 0.02, "adjust_lr_fn": "original"}),  # 6 x 4: transposed
]
# runs on another shape of the same 24-D problem (the flattened matrix)
MATRIX_SHAPES = {"muon-tall": (6, 4)}
# torch.optim.Muon orthogonalises in bfloat16; the MATRIX_OPTIMIZERS runs are recorded
# with that cast removed (float64, record.py's float64_newton_schulz), these as shipped
MATRIX_BFLOAT16 = [("muon-bfloat16", "muon", {"lr": 0.02})]

# optlib options that torch does not have; the hand-derived tests cover them.
OPTLIB_ONLY_OPTIONS = {
    "adagrad": {"eps_inside"},
    "rmsprop": {"eps_inside"},
    "adam": {"bias_correction"},
    "adamw": {"bias_correction"},
}

TORCH_CLASS = {
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adadelta": "Adadelta",
    "adam": "Adam",
    "adamw": "AdamW",
    "adamax": "Adamax",
    "nadam": "NAdam",
    "rprop": "Rprop",
    "radam": "RAdam",
    "adafactor": "Adafactor",
    "muon": "Muon",
}


def torch_kwargs(factory, kwargs):
    """optlib's keyword arguments as torch.optim spells them, with torch's defaults
    made explicit where optlib's differ (none should)."""
    out = dict(kwargs)
    if "beta1" in out or "beta2" in out:
        defaults = {
            "adam": (0.9, 0.999),
            "adamw": (0.9, 0.999),
            "adamax": (0.9, 0.999),
            "nadam": (0.9, 0.999),
            "radam": (0.9, 0.999),
        }[factory]
        out["betas"] = (out.pop("beta1", defaults[0]), out.pop("beta2", defaults[1]))
    if factory == "rmsprop" and "rho" in out:
        out["alpha"] = out.pop("rho")
    if factory == "adafactor":  # torch's eps pair; factored is the tensor's shape there
        out["eps"] = (out.pop("eps1", None), out.pop("eps2", 1e-3))
        out.pop("factored", None)
    if factory == "rprop":
        out["etas"] = (out.pop("eta_minus", 0.5), out.pop("eta_plus", 1.2))
        out["step_sizes"] = (out.pop("step_size_min", 1e-6), out.pop("step_size_max", 50.0))
    return out


# The state each optimizer keeps, counted in torch after one step on a 64 x 32 float32
# matrix (record.py writes torch_state.json): (id, optlib factory, kwargs)
STATE_SHAPE = (64, 32)
STATE_CONFIGS = [
    ("sgd", "sgd", {}),
    ("sgd-momentum", "sgd", {"momentum": 0.9}),
    ("adagrad", "adagrad", {}),
    ("rmsprop", "rmsprop", {}),
    ("rmsprop-centered-momentum", "rmsprop", {"centered": True, "momentum": 0.9}),
    ("rprop", "rprop", {}),
    ("adadelta", "adadelta", {}),
    ("adam", "adam", {}),
    ("amsgrad", "adam", {"amsgrad": True}),
    ("adamw", "adamw", {}),
    ("adamax", "adamax", {}),
    ("nadam", "nadam", {}),
    ("radam", "radam", {}),
    ("adafactor", "adafactor", {}),
    ("muon", "muon", {}),
]


# (id, optlib schedule, kwargs, number of steps recorded)
SCHEDULES = [
    ("step", "step_decay", {"lr": 0.1, "step_size": 7, "gamma": 0.5}, 60),
    ("exponential", "exponential_decay", {"lr": 0.1, "gamma": 0.95}, 60),
    (
        "triangular",
        "cyclic_triangular",
        {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "step_size_down": 8},
        80,
    ),
    (
        "triangular2",
        "cyclic_triangular",
        {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "mode": "triangular2"},
        80,
    ),
    (
        "exp-range",
        "cyclic_triangular",
        {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "mode": "exp_range", "gamma": 0.97},
        80,
    ),
    ("cosine", "cosine_annealing", {"lr": 0.1, "T_max": 10, "eta_min": 0.001}, 60),
    ("warm-restarts", "cosine_warm_restarts", {"lr": 0.1, "T_0": 5, "eta_min": 0.002}, 60),
    ("warm-restarts-mult", "cosine_warm_restarts", {"lr": 0.1, "T_0": 3, "T_mult": 2}, 100),
    ("warmup", "linear_warmup", {"lr": 0.1, "warmup_steps": 10, "start_factor": 0.1}, 30),
    (
        "warmup-cosine",
        "linear_warmup",
        {
            "lr": 0.1,
            "warmup_steps": 5,
            "start_factor": 0.2,
            "then": ("cosine_annealing", {"lr": 0.1, "T_max": 20}),
        },
        40,
    ),
    ("one-cycle", "one_cycle", {"max_lr": 0.1, "total_steps": 50}, 50),
    (
        "one-cycle-three-linear",
        "one_cycle",
        {
            "max_lr": 0.1,
            "total_steps": 31,
            "pct_start": 0.4,
            "div_factor": 10.0,
            "final_div_factor": 100.0,
            "anneal_strategy": "linear",
            "three_phase": True,
        },
        31,
    ),
    ("multi-step", "multi_step", {"lr": 0.1, "milestones": [5, 12, 12, 30], "gamma": 0.5}, 40),
    ("polynomial", "polynomial", {"lr": 0.1, "total_iters": 20, "power": 2.0}, 30),
    ("constant-factor", "constant_factor", {"lr": 0.1, "factor": 0.25, "total_iters": 7}, 20),
    (
        "linear-factor-down",
        "linear_factor",
        {"lr": 0.1, "start_factor": 1.0, "end_factor": 0.1, "total_iters": 15},
        25,
    ),
]

# reduce_on_plateau, fed a loss curve recorded with its rates (record.py's
# plateau_losses): (id, kwargs); mode "max" is fed the negated losses. Between them the
# runs make every branch bind: relative and absolute thresholds, patience, cooldown,
# min_lr and eps.
PLATEAUS = [
    ("plateau-default", {"lr": 0.1}),
    ("plateau-rel", {"lr": 0.1, "factor": 0.5, "patience": 3, "threshold": 0.05}),
    (
        "plateau-abs-cooldown",
        {
            "lr": 0.1,
            "factor": 0.5,
            "patience": 2,
            "threshold": 0.01,
            "threshold_mode": "abs",
            "cooldown": 4,
        },
    ),
    ("plateau-max", {"lr": 0.1, "factor": 0.3, "patience": 2, "mode": "max"}),
    ("plateau-min-lr", {"lr": 0.1, "factor": 0.5, "patience": 1, "min_lr": 0.01}),
    ("plateau-eps", {"lr": 1e-7, "factor": 0.5, "patience": 1, "eps": 1e-8}),
]
# SGD with momentum on the noisy quadratic, its rate cut by reduce_on_plateau stepped on
# each iterate's loss x^T A x / 2: (id, sgd kwargs, plateau kwargs)
PLATEAU_RUN = (
    "sgd-plateau",
    {"lr": 0.02, "momentum": 0.9},
    {"lr": 0.02, "factor": 0.5, "patience": 5, "threshold": 0.01},
)

# An optimizer driven by a schedule: (id, factory, kwargs without lr, schedule id, steps)
SCHEDULED_RUNS = [
    ("adam-cosine", "adam", {}, ("cosine_annealing", {"lr": 0.05, "T_max": 50}), 200),
    (
        "sgd-momentum-step",
        "sgd",
        {"momentum": 0.9},
        ("step_decay", {"lr": 0.02, "step_size": 30, "gamma": 0.5}),
        200,
    ),
]
