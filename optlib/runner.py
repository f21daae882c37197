"""Run an optimizer on a problem and keep the whole record.

The runner returns a :class:`Run`: trajectory, losses, each step's update and
gradient (and from them the per-step effective learning rates) and, for every run
in the batch, the step at which it diverged (a non-finite or exploding loss).
Diverged runs are never passed off as data: their entries after ``diverged_at`` are
NaN and ``diverged_at`` says so.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optlib.base import Optimizer, check_hyper
from optlib.problems import Problem


class Run(NamedTuple):
    """The record of a (batched) run of ``steps`` updates.

    Shapes, for a start point of shape ``(*batch, n)``:
    ``params`` ``(steps + 1, *batch, n)`` (the start, then each iterate),
    ``losses`` ``(steps + 1, *batch)``, ``updates`` and ``grads`` ``(steps, *batch, n)``
    (each step's update and the gradient it was computed from),
    ``diverged_at`` ``(*batch)`` (the first step whose iterate diverged, -1 if none).
    Entries from a diverged run's ``diverged_at`` on are NaN.
    """

    params: np.ndarray
    losses: np.ndarray
    updates: np.ndarray
    grads: np.ndarray
    diverged_at: np.ndarray

    @property
    def rates(self):
        """The effective learning rate of each step, ``-update / grad`` per coordinate
        (NaN where the gradient is 0), shape ``(steps, *batch, n)``: computed when asked
        for, since most experiments never look at it."""
        with np.errstate(all="ignore"):
            return np.divide(
                -self.updates,
                self.grads,
                out=np.full_like(self.grads, np.nan),
                where=self.grads != 0,
            )

    @property
    def diverged(self):
        """True for each run of the batch that diverged."""
        return self.diverged_at >= 0

    @property
    def final(self):
        """The last iterate of each run (NaN for diverged runs)."""
        return self.params[-1]


def run(
    opt: Optimizer,
    problem: Problem,
    steps: int,
    x0=None,
    *,
    noise=0.0,
    seed=0,
    explode=1e6,
    dtype=np.float64,
    report=None,
):
    """Take ``steps`` updates of ``opt`` on ``problem`` and return a :class:`Run`.

    ``x0`` defaults to the problem's start; give it a leading batch shape (e.g.
    ``(K, n)``, with hyperparameters of shape ``(K, 1)``) to run K optimizers in one
    call. ``noise`` adds Gaussian noise of that standard deviation to each
    gradient (a number or an array broadcasting against ``x0``), drawn from
    ``np.random.default_rng(seed)``. A run diverges at the first step whose loss is
    not finite or exceeds ``explode * (1 + |initial loss|)`` in magnitude.

    ``report(state, params)``, if given, is the point each step reports: the record's
    ``params`` and ``losses`` are taken there, while the gradients are still taken at the
    optimizer's iterate. Schedule-free AdamW takes its gradients at :math:`y_t` and
    reports the average :math:`x_t`: pass ``report=optlib.schedule_free_eval_params``.

    Example:
        >>> import optlib
        >>> record = optlib.run(optlib.sgd(lr=0.05), optlib.problems.quadratic(), steps=100)
        >>> record.params.shape, int(record.diverged_at)
        ((101, 2), -1)
        >>> record = optlib.run(optlib.sgd(lr=0.25), optlib.problems.quadratic(), steps=100)
        >>> int(record.diverged_at)  # lr above 2 / lambda_max = 0.2
        18
    """
    if report is not None and not callable(report):
        raise TypeError(f"report must be a function (state, params) -> params, got {report!r}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    check_hyper("explode", explode, 0, low_open=True)
    steps = int(steps)
    x = np.array(problem.x0 if x0 is None else x0, dtype=dtype)
    rng = np.random.default_rng(seed)
    noisy = np.any(np.asarray(noise) != 0)
    noise = np.asarray(noise, dtype=dtype)

    params = np.empty((steps + 1, *x.shape), dtype=dtype)
    losses = np.empty((steps + 1, *x.shape[:-1]))
    updates_made = np.empty((steps, *x.shape), dtype=dtype)
    grads = np.empty((steps, *x.shape), dtype=dtype)
    state = opt.init(x)
    shown = x if report is None else report(state, x)
    params[0], losses[0] = shown, problem.value(shown)
    limit = explode * (1.0 + np.abs(losses[0]))
    diverged_at = np.where(np.isfinite(losses[0]), -1, 0)

    with np.errstate(all="ignore"):  # diverging runs overflow; they are marked below
        for t in range(steps):
            g = np.asarray(problem.grad(x, t), dtype=dtype)  # the run computes in dtype
            if noisy:
                # eq. sgd-noisy-gradient: the gradient plus noise of standard deviation sigma
                g = g + noise * rng.standard_normal(x.shape).astype(dtype)
            updates, state = opt.update(g, state, x)
            x = x + updates
            if problem.project is not None:
                x = problem.project(x)
            shown = x if report is None else report(state, x)
            params[t + 1], losses[t + 1] = shown, problem.value(shown)
            updates_made[t], grads[t] = updates, g
        # divergence once for all steps: the loop stays cheap for small problems
        bad = ~np.isfinite(losses[1:]) | (np.abs(losses[1:]) > limit)  # (steps, *batch)
        if steps:
            first_bad = np.argmax(bad, axis=0) + 1
            diverged_at = np.where((diverged_at < 0) & bad.any(axis=0), first_bad, diverged_at)

    step = np.arange(steps + 1).reshape(-1, *[1] * diverged_at.ndim)
    after = (diverged_at >= 0) & (step >= diverged_at)  # (steps + 1, *batch)
    params[after], losses[after] = np.nan, np.nan
    updates_made[after[1:]], grads[after[1:]] = np.nan, np.nan
    return Run(params, losses, updates_made, grads, diverged_at)
