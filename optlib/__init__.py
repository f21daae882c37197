"""optlib: adaptive learning-rate optimizers in small, exact numpy.

Each optimizer is a pair of pure functions, ``init`` and ``update``, that follow
``torch.optim``'s conventions exactly (see the book's conventions chapter)::

    import optlib
    opt = optlib.adam(lr=1e-3)
    state = opt.init(params)
    updates, state = opt.update(grads, state, params)
    params = params + updates

Plotting and widget helpers live apart from the maths, in ``optlib.plotting``
and ``optlib.explore``; this package's core imports numpy only.
"""

from optlib import problems, schedules
from optlib.adadelta import adadelta
from optlib.adafactor import adafactor
from optlib.adagrad import adagrad
from optlib.adam import adam, adamw
from optlib.adam_lp import adam_lp
from optlib.adamax import adamax
from optlib.base import Optimizer
from optlib.lion import lion
from optlib.muon import muon
from optlib.nadam import nadam
from optlib.radam import radam
from optlib.rmsprop import rmsprop
from optlib.rprop import rprop
from optlib.runner import Run, run
from optlib.schedule_free import eval_params as schedule_free_eval_params
from optlib.schedule_free import schedule_free_adamw
from optlib.sgd import sgd

OPTIMIZERS = {
    "sgd": sgd,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "rprop": rprop,
    "adadelta": adadelta,
    "adam": adam,
    "adamw": adamw,
    "adamax": adamax,
    "nadam": nadam,
    "radam": radam,
    "lion": lion,
    "adafactor": adafactor,
    "muon": muon,
    "schedule_free_adamw": schedule_free_adamw,
}

# adam_lp (the L^p family behind AdaMax) has no torch counterpart, so it is not in OPTIMIZERS
__all__ = [
    *OPTIMIZERS,
    "adam_lp",
    "schedule_free_eval_params",
    "OPTIMIZERS",
    "Optimizer",
    "Run",
    "run",
    "problems",
    "schedules",
]
