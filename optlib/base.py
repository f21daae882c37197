"""What every optimizer shares: the ``Optimizer`` pair, argument checks, dtypes.

An optimizer is a pair of pure functions (the shape of optax's
``GradientTransformation``)::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params)
    params = params + updates

Hyperparameters are numbers or numpy arrays that broadcast against ``params``
(a ``(K, 1)`` learning rate with ``(K, n)`` params runs K optimizers at once).
The learning rate may also be a schedule: a function of the step count ``t``
(0 for the first update), see :mod:`optlib.schedules`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    """A pair of pure functions: ``init(params) -> state`` and
    ``update(grads, state, params) -> (updates, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]


def check_hyper(name, value, low, high=np.inf, *, low_open=False, high_open=True):
    """Raise ``ValueError`` unless every entry of ``value`` lies in the range.

    The message names the parameter and the accepted range, e.g.
    ``beta1 must be in [0, 1), got 1.0``.
    """
    array = np.asarray(value)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must be a number or numeric array, got {value!r}")
    left = "(" if low_open else "["
    right = ")" if high_open or high == np.inf else "]"
    interval = f"{left}{low:g}, {'inf' if high == np.inf else f'{high:g}'}{right}"
    too_low = array <= low if low_open else array < low
    too_high = array >= high if high_open else array > high
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    if np.any(too_low | too_high):
        bad = array[too_low | too_high].flat[0] if array.ndim else array.item()
        raise ValueError(f"{name} must be in {interval}, got {bad!r}")
    return value


def check_lr(lr):
    """A learning rate is a number (or array) >= 0, or a schedule ``lr(t)``."""
    if callable(lr):
        return lr
    return check_hyper("lr", lr, 0)


def check_params(params, **hypers):
    """Params must be a floating-point numpy array (float32 or float64), and each
    array hyperparameter must broadcast against params without growing it."""
    if not isinstance(params, np.ndarray) or not np.issubdtype(params.dtype, np.floating):
        kind = getattr(params, "dtype", type(params).__name__)
        raise ValueError(f"params must be a floating-point numpy array, got {kind}")
    for name, value in hypers.items():
        shape = np.shape(value)
        try:
            fits = np.broadcast_shapes(shape, params.shape) == params.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"{name} has shape {shape}, which does not broadcast against "
                f"params of shape {params.shape}"
            )
    return params


def check_grads(grads, state_array, params=None, needs_params=False):
    """grads (and params, when given) must match the array the state was built for."""
    if not isinstance(grads, np.ndarray) or grads.shape != state_array.shape:
        shape = getattr(grads, "shape", type(grads).__name__)
        raise ValueError(
            f"grads has shape {shape}, but the state was initialised for params "
            f"of shape {state_array.shape}"
        )
    if params is None:
        if needs_params:
            raise ValueError("params must be given to update when weight_decay != 0")
    elif params.shape != state_array.shape:
        raise ValueError(
            f"params has shape {params.shape}, but the state was initialised for "
            f"params of shape {state_array.shape}"
        )


def lr_at(lr, t):
    """The learning rate for the update at step count t (0 for the first update)."""
    return lr(t) if callable(lr) else lr


def like(value, dtype):
    """A hyperparameter in the params' dtype.

    Numbers become Python floats, which numpy treats as weak scalars, so a
    float32 array stays float32; arrays are cast to ``dtype``.
    """
    if isinstance(value, float | int) or np.ndim(value) == 0:  # isinstance first: it is cheap
        return float(value)
    return np.asarray(value, dtype=dtype)


def power(base, exponent):
    """``base ** exponent`` in float64, rounded the same for numbers and arrays.

    numpy rounds a power differently (in the last bit) depending on its operands'
    layout: two contiguous arrays take a vectorised loop, a number or a broadcast
    operand the C library's ``pow`` (as Python's ``**`` does). Both operands are made
    full contiguous arrays here, so a broadcast sweep equals its separate runs bit
    for bit. Returns a Python float for two numbers.
    """
    if isinstance(base, float | int) and isinstance(exponent, float | int):  # cheap first
        return np.power(np.array([float(base)]), np.array([float(exponent)])).item()
    base, exponent = np.broadcast_arrays(
        np.asarray(base, np.float64), np.asarray(exponent, np.float64)
    )
    out = np.power(np.ascontiguousarray(base), np.ascontiguousarray(exponent))
    return out.reshape(base.shape)[()]  # ascontiguousarray made 0-d inputs 1-d


def any_nonzero(value):
    """True if a hyperparameter (number or array) has any non-zero entry."""
    return bool(np.any(np.asarray(value) != 0))
