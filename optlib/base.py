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

import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    """A pair of pure functions: ``init(params) -> state`` and
    ``update(grads, state, params) -> (updates, state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]


FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
MAX_STEP = 2**63 - 1  # step counts are int64


def check_flag(name, value):
    """A switch must be a bool (``"False"`` or ``"no"`` would silently mean True)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def real_array(name, value):
    """``value`` as a numpy array of real numbers (int or float), or a ``TypeError``
    naming the parameter: bools, complex numbers, strings, None and ragged lists are
    not hyperparameters."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "iuf":  # bools are kind "b"
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {value!r}")
    return array


def check_hyper(name, value, low, high=np.inf, *, low_open=False, high_open=True):
    """Raise unless every entry of ``value`` is a real number in the range.

    The message names the parameter and the accepted range, e.g.
    ``beta1 must be in [0, 1), got 1.0`` (a ``ValueError``), or the parameter and
    the accepted type (a ``TypeError``).
    """
    array = real_array(name, value)
    left = "(" if low_open else "["
    right = ")" if high_open or high == np.inf else "]"
    interval = f"{left}{low:g}, {'inf' if high == np.inf else f'{high:g}'}{right}"
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    too_low = array <= low if low_open else array < low
    too_high = array >= high if high_open else array > high
    if np.any(too_low | too_high):
        bad = array[too_low | too_high].flat[0] if array.ndim else array.item()
        raise ValueError(f"{name} must be in {interval}, got {bad!r}")
    return value


def check_lr(lr):
    """A learning rate is a number (or array) >= 0, or a schedule ``lr(t)``."""
    if callable(lr):
        return lr
    return check_hyper("lr", lr, 0)


def type_name(value):
    """``list``, ``numpy.matrix``: the type as a reader would write it."""
    kind = type(value)
    module = kind.__module__.split(".")[0]
    return kind.__name__ if module == "builtins" else f"{module}.{kind.__name__}"


def plain_array(value):
    """``value`` as a plain ndarray (a numpy scalar becomes a 0-d array), or None if it
    is anything else (a list, None, an ndarray subclass such as ``np.matrix``)."""
    if isinstance(value, np.generic):
        value = np.asarray(value)
    return value if type(value) is np.ndarray else None


def as_float_array(name, value):
    """A plain numpy array of float32 or float64 (a numpy scalar becomes a 0-d array).

    Anything else is a ``TypeError`` naming the parameter: lists (convert them with
    ``np.asarray(x, dtype=float)``), ints, bools, complex, float16 (too coarse for
    eps = 1e-8), and ndarray subclasses such as ``np.matrix``, whose ``*`` is a
    matrix product.
    """
    array = plain_array(value)
    if array is None:
        raise TypeError(
            f"{name} must be a floating-point numpy array (float32 or float64), "
            f"got {type_name(value)}"
        )
    if array.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name} must be a floating-point numpy array (float32 or float64), got {array.dtype}"
        )
    return array


def check_params(params, **hypers):
    """Params must be a float32 or float64 numpy array, and each array hyperparameter
    must broadcast against params without growing it. Returns params as an array."""
    params = as_float_array("params", params)
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


def check_per_run(hypers, ndim, why):
    """Each hyperparameter array must have size 1 on the last ``ndim`` axes (those of one
    parameter: one value per run), for an optimizer whose step mixes a parameter's
    coordinates (``why`` says how)."""
    for name, value in hypers.items():
        shape = np.shape(value)
        if any(size != 1 for size in shape[-ndim:]):
            raise ValueError(
                f"{name} has shape {shape}, which varies within one parameter (the last "
                f"{'two axes' if ndim == 2 else 'axis'} of params): {why}, so an array needs "
                f"size 1 there, one value per run, e.g. shape {(2,) + (1,) * ndim}"
            )


def check_grads(grads, state_array, params=None, needs_params=False):
    """grads (and params, when given) must be arrays of the shape and dtype of the
    params the state was built for (torch refuses a dtype mismatch too: a float64
    gradient would silently turn float32 params into float64, an int one would
    truncate array hyperparameters). Returns ``(grads, params)`` as arrays."""
    shape, dtype = np.shape(state_array), state_array.dtype
    if (  # the common case, checked cheaply: it runs once per step
        type(grads) is np.ndarray
        and grads.shape == shape
        and grads.dtype == dtype
        and (
            (params is None and not needs_params)
            or (type(params) is np.ndarray and params.shape == shape and params.dtype == dtype)
        )
    ):
        return grads, params
    checked = []
    for name, value in (("grads", grads), ("params", params)):
        if value is None and name == "params":
            checked.append(None)
            continue
        array = plain_array(value)
        if array is None or array.shape != shape:
            got = type_name(value) if array is None else array.shape
            raise ValueError(
                f"{name} has shape {got}, but the state was initialised for params of shape {shape}"
            )
        if array.dtype != dtype:
            raise TypeError(
                f"{name} must have the dtype of the params the state was initialised for, "
                f"{dtype}, got {array.dtype}"
            )
        checked.append(array)
    if params is None and needs_params:
        raise ValueError("params must be given to update when weight_decay != 0")
    return checked[0], checked[1]


def optimizer(init, update):
    """The ``Optimizer`` pair, with updates always returned as arrays (numpy turns
    arithmetic on 0-d arrays into numpy scalars)."""

    def update_array(grads, state, params=None):
        updates, state = update(grads, state, params)
        return (updates if type(updates) is np.ndarray else np.asarray(updates)), state

    update_array.__doc__ = update.__doc__
    return Optimizer(init, update_array)


def lr_at(lr, t):
    """The learning rate for the update at step count t (0 for the first update).

    A schedule's value is checked like a number: a negative rate would be gradient
    ascent, NaN would poison every parameter.
    """
    if not callable(lr):
        return lr
    value = lr(t)
    if isinstance(value, float) and 0.0 <= value < math.inf:  # the common case, cheap
        return value
    try:
        check_hyper("lr", value, 0)
    except (TypeError, ValueError) as error:
        raise type(error)(
            f"lr is a schedule that returned {value!r} at t={t}; "
            "a schedule must return a real learning rate in [0, inf)"
        ) from None
    return value


def like(value, dtype):
    """A hyperparameter in the params' dtype.

    Numbers become Python floats, which numpy treats as weak scalars, so a
    float32 array stays float32; arrays are cast to ``dtype``.
    """
    if isinstance(value, float | int) or np.ndim(value) == 0:  # isinstance first: it is cheap
        return float(value)
    return np.asarray(value, dtype=dtype)


@functools.lru_cache(maxsize=1 << 16)
def _power_of_numbers(base, exponent):
    """``power`` of two floats, remembered: a run asks for beta**t at every step t."""
    return np.power(np.array([base]), np.array([exponent])).item()


def power(base, exponent):
    """``base ** exponent`` in float64, rounded the same for numbers and arrays.

    numpy rounds a power differently (in the last bit) depending on its operands'
    layout: two contiguous arrays take a vectorised loop, a number or a broadcast
    operand the C library's ``pow`` (as Python's ``**`` does). Both operands are made
    full contiguous arrays here, so a broadcast sweep equals its separate runs bit
    for bit. Returns a Python float for two numbers.
    """
    if isinstance(base, float | int) and isinstance(exponent, float | int):  # cheap first
        return _power_of_numbers(float(base), float(exponent))
    base, exponent = np.broadcast_arrays(
        np.asarray(base, np.float64), np.asarray(exponent, np.float64)
    )
    out = np.power(np.ascontiguousarray(base), np.ascontiguousarray(exponent))
    return out.reshape(base.shape)[()]  # ascontiguousarray made 0-d inputs 1-d


def any_nonzero(value):
    """True if a hyperparameter (number or array) has any non-zero entry."""
    return bool(np.any(np.asarray(value) != 0))
