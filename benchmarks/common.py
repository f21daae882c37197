"""Timing and machine information shared by the benchmarks.

Every benchmark reports ratios measured in one run, so that a slow or busy machine
moves the numerator and the denominator together. Each timing is repeated; the
minimum is the figure least disturbed by other processes (the machine has 2 cores
shared with other jobs), the median and maximum show the spread.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import time

import numpy as np


def timings(fn, *args, repeats=7, number=1, warmup=1):
    """Seconds per call of ``fn(*args)`` (averaged over ``number`` calls), each repeat."""
    for _ in range(warmup):
        fn(*args)
    out = []
    enabled = gc.isenabled()
    gc.disable()  # a collection in the middle of one sample is noise, not cost
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(number):
                fn(*args)
            out.append((time.perf_counter() - start) / number)
    finally:
        if enabled:
            gc.enable()
    return out


def summary(samples):
    """min / median / max of a list of samples, and the spread max / min."""
    samples = np.asarray(samples, dtype=float)
    return {
        "min": float(samples.min()),
        "median": float(np.median(samples)),
        "max": float(samples.max()),
        "spread": float(samples.max() / samples.min()),
        "repeats": int(samples.size),
    }


def ratio(numerator, denominator):
    """The ratio of two timing summaries: of the minima (the headline) and of the medians."""
    return {
        "min": numerator["min"] / denominator["min"],
        "median": numerator["median"] / denominator["median"],
    }


def check(name, value, target, better, unit, detail=None):
    """One target: ``better`` is "lower" (value < target passes) or "higher"."""
    passed = value < target if better == "lower" else value >= target
    return {
        "name": name,
        "value": float(value),
        "target": float(target),
        "better": better,
        "unit": unit,
        "pass": bool(passed),
        "detail": detail or {},
    }


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine():
    """Where and with what the benchmarks ran (numpy's BLAS kernel via threadpoolctl)."""
    import matplotlib

    info = {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "load_average_1min": os.getloadavg()[0],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE", "(unset)"),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [
            {k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for pool in threadpool_info()
            if pool.get("user_api") == "blas"
        ]
    except ImportError:
        info["blas"] = "threadpoolctl not installed"
    return info
