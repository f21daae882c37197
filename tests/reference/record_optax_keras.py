"""Record optax's and Keras's optimizers, once, by hand: the book's conventions table.

Run from the repository root in an environment with jax, optax and Keras 3 (not the
book's; pins in ``requirements-optax-keras.txt``):

    python3 -m venv .venv-optax-keras
    .venv-optax-keras/bin/pip install -r tests/reference/requirements-optax-keras.txt
    .venv-optax-keras/bin/python tests/reference/record_optax_keras.py

It imports numpy, optax and Keras only, never optlib. Every optimizer starts from the
same parameters and receives the same fixed gradient sequence (it does not depend on
the parameters, so no autodiff is involved) in float64. The three coordinates'
gradients are of size 1e-6, 1e-2 and 1, so where epsilon sits shows. Writes
``optax_keras.npz`` (one trajectory per run) and ``optax_keras.json`` (versions, the
constructor calls, and each library's defaults); ``tests/test_optax_keras.py`` checks
the book's table against them. The ``keras_*_wd`` runs repeat Keras's SGD (momentum),
AdaGrad, RMSprop, AdaDelta, Adam and NAdam with ``weight_decay=WD``: the book's claim
that Keras decouples weight decay in every optimizer, not only in AdamW. The
``optax_<id>`` runs of ``registry.OPTAX_OPTIMIZERS`` (Lion, schedule-free AdamW) are
the references of the optimizers that torch.optim lacks; ``optax_<id>_eval`` holds the
evaluation points of those that have one (``registry.OPTAX_EVAL``).

An existing ``optax_keras.npz`` is compared first: if a run it holds would change
(e.g. under other versions), nothing is written unless ``--replace`` is given.
"""

from __future__ import annotations

import datetime
import inspect
import json
import os
import platform
import sys
from pathlib import Path

os.environ["KERAS_BACKEND"] = "jax"
os.environ["JAX_ENABLE_X64"] = "1"

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import registry  # noqa: E402  (plain data shared with the tests)
from unchanged import changed_runs, refuse_changes  # noqa: E402

STEPS = 25
SEED = 20261124
X0 = np.array([0.5, -1.0, 2.0])
SCALES = np.array([1e-6, 1e-2, 1.0])
WD = 4e-3  # weight_decay of the keras_*_wd runs (AdamW's default in Keras)

OPTAX = {  # run name -> (optax factory, keyword arguments)
    "optax_sgd_momentum": ("sgd", {"learning_rate": 0.01, "momentum": 0.9}),
    "optax_adagrad": ("adagrad", {"learning_rate": 0.01}),
    "optax_rmsprop": ("rmsprop", {"learning_rate": 0.01}),
    "optax_adadelta": ("adadelta", {"learning_rate": 1.0}),
    "optax_adam": ("adam", {"learning_rate": 0.01}),
    "optax_amsgrad": ("amsgrad", {"learning_rate": 0.01}),
    "optax_adamw": ("adamw", {"learning_rate": 0.01}),
    "optax_adamax": ("adamax", {"learning_rate": 0.01}),
    "optax_nadam": ("nadam", {"learning_rate": 0.01}),
    # optimizers that torch lacks, optax being their reference (tests/registry.py)
    **{
        f"optax_{run_id}": (registry.OPTAX_FACTORY[factory], registry.optax_kwargs(factory, kw))
        for run_id, factory, kw in registry.OPTAX_OPTIMIZERS
    },
}
KERAS = {  # run name -> (keras.optimizers class, keyword arguments): Keras's defaults
    "keras_sgd_momentum": ("SGD", {"momentum": 0.9}),
    "keras_adagrad": ("Adagrad", {}),
    "keras_rmsprop": ("RMSprop", {}),
    "keras_adadelta": ("Adadelta", {}),
    "keras_adam": ("Adam", {}),
    "keras_amsgrad": ("Adam", {"amsgrad": True}),
    "keras_adamw": ("AdamW", {}),
    "keras_adamax": ("Adamax", {}),
    "keras_nadam": ("Nadam", {}),
    "keras_sgd_momentum_wd": ("SGD", {"momentum": 0.9, "weight_decay": WD}),
    "keras_adagrad_wd": ("Adagrad", {"weight_decay": WD}),
    "keras_rmsprop_wd": ("RMSprop", {"weight_decay": WD}),
    "keras_adadelta_wd": ("Adadelta", {"weight_decay": WD}),
    "keras_adam_wd": ("Adam", {"weight_decay": WD}),
    "keras_nadam_wd": ("Nadam", {"weight_decay": WD}),
}


def gradients():
    rng = np.random.default_rng(SEED)
    return SCALES * rng.normal(size=(STEPS, X0.size))


# defaults only (no run): the optimizers after Adam, for the conventions chapter's table
DEFAULTS_ONLY_OPTAX = ["radam", "lion", "adafactor", "contrib.muon", "contrib.schedule_free_adamw"]
DEFAULTS_ONLY_KERAS = ["Lion", "Adafactor", "Muon"]


def optax_function(name):
    """``optax.<name>``, dotted names included (``"contrib.schedule_free_adamw"``)."""
    obj = optax
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def run_optax(factory, kwargs, grads, evaluate=None):
    """The params after each step; with ``evaluate`` (an optax function of (state,
    params)), also the evaluation points, as a second array."""
    opt = optax_function(factory)(**kwargs)
    params = jax.numpy.asarray(X0)
    state = opt.init(params)
    out, points = [np.asarray(params)], [np.asarray(params)]
    for g in grads:
        updates, state = opt.update(jax.numpy.asarray(g), state, params)
        params = optax.apply_updates(params, updates)
        out.append(np.asarray(params))
        if evaluate is not None:
            points.append(np.asarray(optax_function(evaluate)(state, params)))
    return np.array(out) if evaluate is None else (np.array(out), np.array(points))


def run_keras(cls, kwargs, grads):
    opt = getattr(keras.optimizers, cls)(**kwargs)
    var = keras.Variable(X0, dtype="float64")
    out = [np.asarray(var)]
    for g in grads:
        opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
        out.append(np.asarray(var))
    return np.array(out)


def optax_defaults(factory):
    return {
        name: p.default
        for name, p in inspect.signature(optax_function(factory)).parameters.items()
        if isinstance(p.default, int | float) and not isinstance(p.default, bool)
    }


def keras_defaults(cls):
    config = getattr(keras.optimizers, cls)().get_config()
    return {k: v for k, v in config.items() if isinstance(v, int | float | bool)}


def main(replace=False):
    keras.config.set_floatx("float64")
    grads = gradients()
    runs, meta = {"gradients": grads}, {}
    for name, (factory, kwargs) in OPTAX.items():
        runs[name] = run_optax(factory, kwargs, grads)
        meta[name] = {"call": f"optax.{factory}", "kwargs": kwargs}
    for run_id, factory, _ in registry.OPTAX_OPTIMIZERS:
        if factory in registry.OPTAX_EVAL:  # the evaluation point x_t, beside y_t
            evaluate = registry.OPTAX_EVAL[factory]
            optax_factory, optax_kwargs = OPTAX[f"optax_{run_id}"]
            _, points = run_optax(optax_factory, optax_kwargs, grads, evaluate)
            runs[f"optax_{run_id}_eval"] = points
            meta[f"optax_{run_id}_eval"] = {"call": f"optax.{evaluate}", "of": f"optax_{run_id}"}
    for name, (cls, kwargs) in KERAS.items():
        runs[name] = run_keras(cls, kwargs, grads)
        meta[name] = {"call": f"keras.optimizers.{cls}", "kwargs": kwargs}
    for name, trajectory in runs.items():
        assert np.all(np.isfinite(trajectory)), name
    refuse_changes(changed_runs(runs, HERE / "optax_keras.npz"), replace)
    np.savez(HERE / "optax_keras.npz", **runs)
    info = {
        "recorded": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "jax": jax.__version__,
        "optax": optax.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "dtype": str(np.asarray(runs["keras_adam"]).dtype),
        "x0": X0.tolist(),
        "steps": STEPS,
        "seed": SEED,
        "gradient_scales": SCALES.tolist(),
        "runs": meta,
        "optax_defaults": {
            f: optax_defaults(f) for f in [*(f for f, _ in OPTAX.values()), *DEFAULTS_ONLY_OPTAX]
        },
        "keras_defaults": {
            c: keras_defaults(c) for c in [*(c for c, _ in KERAS.values()), *DEFAULTS_ONLY_KERAS]
        },
    }
    (HERE / "optax_keras.json").write_text(json.dumps(info, indent=1) + "\n")
    print(f"wrote {len(runs) - 1} runs to {HERE / 'optax_keras.npz'}")


if __name__ == "__main__":
    main(replace="--replace" in sys.argv[1:])
