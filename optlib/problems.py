"""Test problems: value and gradient, vectorised over leading axes.

Every problem takes points ``x`` of shape ``(..., n)`` and returns values of
shape ``(...)`` and gradients of shape ``(..., n)``, so one call evaluates a
whole batch of runs. A problem knows its start, its minimiser (where known) and
the box to draw it in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from optlib.base import check_hyper

__all__ = [
    "Problem",
    "quadratic",
    "rosenbrock",
    "beale",
    "rastrigin",
    "saddle",
    "sparse_logistic",
    "digits",
    "least_squares",
    "online_counterexample",
]


@dataclass(frozen=True)
class Problem:
    """A differentiable test problem.

    ``grad(x, t)`` takes the step count ``t`` (0 for the first update) so that
    online and mini-batch problems can change with time; the others ignore it.
    """

    name: str
    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[..., np.ndarray]
    x0: np.ndarray
    minimizer: np.ndarray | None = None
    bounds: tuple[tuple[float, float], ...] | None = None  # plotting box, 2-D problems
    project: Callable[[np.ndarray], np.ndarray] | None = None  # feasible set, if any
    hessian: np.ndarray | None = None  # constant Hessian, quadratic problems
    data: dict = field(default_factory=dict)  # anything else a chapter may show


def quadratic(eigenvalues=(1.0, 10.0), angle=0.0, x0=None):
    r"""f(x) = 1/2 x^T A x with A = R diag(lambda) R^T, R a rotation by ``angle``.

    The rotation acts in the plane of the first two coordinates, so the valley is
    not aligned with the axes when ``angle != 0`` (a diagonal method then loses its
    advantage). The condition number is max(lambda) / min(lambda).
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    check_hyper("eigenvalues", lam, 0, low_open=True)
    n = lam.size
    rotation = np.eye(n)
    c, s = np.cos(angle), np.sin(angle)
    if n >= 2:
        rotation[:2, :2] = [[c, -s], [s, c]]
    A = rotation @ np.diag(lam) @ rotation.T
    start = np.asarray(x0, dtype=np.float64) if x0 is not None else np.ones(n) * 2.0
    extent = 1.25 * float(np.max(np.abs(start))) + 0.5
    return Problem(
        name=f"quadratic(eigenvalues={tuple(lam.tolist())}, angle={angle:g})",
        # elementwise sums, not BLAS: a batched run then equals separate runs bit for bit
        value=lambda x: 0.5 * (x * (x[..., None, :] * A).sum(axis=-1)).sum(axis=-1),
        grad=lambda x, t=0: (x[..., None, :] * A.astype(x.dtype, copy=False)).sum(axis=-1),
        x0=start,
        minimizer=np.zeros(n),
        bounds=((-extent, extent),) * 2,
        hessian=A,
        data={"eigenvalues": lam, "rotation": rotation},
    )


def rosenbrock(a=1.0, b=100.0):
    """f(x, y) = (a - x)^2 + b (y - x^2)^2, minimum 0 at (a, a^2): a curved valley."""

    def value(p):
        x, y = p[..., 0], p[..., 1]
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(p, t=0):
        x, y = p[..., 0], p[..., 1]
        dx = -2 * (a - x) - 4 * b * x * (y - x**2)
        dy = 2 * b * (y - x**2)
        return np.stack([dx, dy], axis=-1)

    return Problem(
        "rosenbrock",
        value,
        grad,
        x0=np.array([-1.5, 2.0]),
        minimizer=np.array([a, a**2]),
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
    )


_BEALE = ((1.5, 1), (2.25, 2), (2.625, 3))  # (c_k, k): terms (c_k - x + x y^k)^2


def beale():
    """f(x, y) = sum_k (c_k - x + x y^k)^2, c = (1.5, 2.25, 2.625); minimum 0 at (3, 0.5)."""

    def value(p):
        x, y = p[..., 0], p[..., 1]
        return sum((c - x + x * y**k) ** 2 for c, k in _BEALE)

    def grad(p, t=0):
        x, y = p[..., 0], p[..., 1]
        dx = sum(2 * (c - x + x * y**k) * (y**k - 1) for c, k in _BEALE)
        dy = sum(2 * (c - x + x * y**k) * k * x * y ** (k - 1) for c, k in _BEALE)
        return np.stack([dx, dy], axis=-1)

    return Problem(
        "beale",
        value,
        grad,
        x0=np.array([1.0, 1.4]),
        minimizer=np.array([3.0, 0.5]),
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
    )


def rastrigin(A=10.0, n=2):
    """f(x) = A n + sum_i (x_i^2 - A cos(2 pi x_i)): many local minima, global 0 at 0."""
    return Problem(
        "rastrigin",
        value=lambda x: A * n + np.sum(x**2 - A * np.cos(2 * np.pi * x), axis=-1),
        grad=lambda x, t=0: 2 * x + 2 * np.pi * A * np.sin(2 * np.pi * x),
        x0=np.full(n, 2.3),
        minimizer=np.zeros(n),
        bounds=((-5.12, 5.12),) * 2,
    )


def saddle():
    """f(x, y) = (x^2 - y^2) / 2: a saddle at 0, unbounded below along y."""
    H = np.diag([1.0, -1.0])
    return Problem(
        "saddle",
        value=lambda p: 0.5 * (p[..., 0] ** 2 - p[..., 1] ** 2),
        grad=lambda p, t=0: p * np.array([1.0, -1.0], dtype=p.dtype),
        x0=np.array([1.5, 1e-3]),
        minimizer=None,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        hessian=H,
    )


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|


def sparse_logistic(
    n_common=5,
    n_rare=5,
    common_density=0.5,
    rare_density=0.02,
    n_samples=2000,
    batch_size=None,
    seed=0,
):
    """Logistic regression on binary features, some common and some rare.

    Features are 0/1 with the given densities; the true weights are +-1 on the
    common features and +-4 on the rare ones, so the rare features carry much of
    the signal but appear in few samples. Where a feature is 0 its gradient is 0.
    With ``batch_size`` the gradient at step t is the mean over mini-batch
    ``t mod (n_samples // batch_size)`` (an online problem); otherwise full batch.
    The loss is the mean log-loss over all samples.
    """
    check_hyper("common_density", common_density, 0, 1, low_open=True, high_open=False)
    check_hyper("rare_density", rare_density, 0, 1, low_open=True, high_open=False)
    rng = np.random.default_rng(seed)
    density = np.r_[np.full(n_common, common_density), np.full(n_rare, rare_density)]
    X = (rng.random((n_samples, density.size)) < density).astype(np.float64)
    signs = rng.choice([-1.0, 1.0], size=density.size)
    w_true = signs * np.r_[np.ones(n_common), 4.0 * np.ones(n_rare)]
    y = (rng.random(n_samples) < _sigmoid(X @ w_true)).astype(np.float64)
    n_batches = n_samples // batch_size if batch_size else 1

    def value(w):
        z = w @ X.T.astype(w.dtype, copy=False)
        # log(1 + e^z) - y z, computed stably
        return np.mean(np.logaddexp(0, z) - y.astype(w.dtype, copy=False) * z, axis=-1)

    def grad(w, t=0):
        if batch_size:
            rows = slice((t % n_batches) * batch_size, (t % n_batches + 1) * batch_size)
        else:
            rows = slice(None)
        Xb, yb = X[rows].astype(w.dtype, copy=False), y[rows].astype(w.dtype, copy=False)
        return (_sigmoid(w @ Xb.T) - yb) @ Xb / Xb.shape[0]

    return Problem(
        f"sparse_logistic(rare_density={rare_density:g})",
        value,
        grad,
        x0=np.zeros(density.size),
        minimizer=None,
        data={
            "X": X,
            "y": y,
            "w_true": w_true,
            "density": density,
            "rare": np.arange(n_common, density.size),
        },
    )


def digits(model="logistic", hidden=16, n_train=500, batch_size=64, seed=0):
    """Classify scikit-learn's bundled 8x8 digits (no download): a real data set.

    ``model="logistic"``: multinomial logistic regression, 64 x 10 weights and 10
    biases. ``model="mlp"``: one hidden layer of ``hidden`` tanh units, then softmax;
    its gradient is back-propagation written out by hand (the tests check it
    against finite differences). The parameters are one flat vector (``..., P``) so
    any optimizer applies; start: small random weights from ``seed``.

    ``value`` is the mean cross-entropy over the ``n_train`` training images;
    ``grad(x, t)`` is that of mini-batch ``t`` (``batch_size=None``: all of them).
    ``data["accuracy"](x)`` is the accuracy on the remaining held-out images.
    """
    from sklearn.datasets import load_digits  # bundled with scikit-learn

    if model not in ("logistic", "mlp"):
        raise ValueError(f"model must be 'logistic' or 'mlp', got {model!r}")
    images, labels = load_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(labels))
    X_all, y_all = images[order] / 16.0, labels[order]
    X, y, X_test, y_test = X_all[:n_train], y_all[:n_train], X_all[n_train:], y_all[n_train:]
    Y = np.eye(10)[y]
    train_rows = np.arange(len(y))
    sizes = (
        [(64, 10), (10,)] if model == "logistic" else [(64, hidden), (hidden,), (hidden, 10), (10,)]
    )
    n_params = sum(int(np.prod(s)) for s in sizes)
    n_batches = n_train // batch_size if batch_size else 1

    def unpack(w):
        out, i = [], 0
        for shape in sizes:
            n = int(np.prod(shape))
            out.append(w[..., i : i + n].reshape(*w.shape[:-1], *shape))
            i += n
        return out

    def affine(Xb, W, b):
        """Xb @ W + b for shared inputs Xb (N, i) and weights W (..., i, o): one BLAS call."""
        out = np.moveaxis(np.tensordot(Xb, W, axes=([-1], [-2])), 0, -2)
        return out + b[..., None, :]

    def forward(w, Xb):
        """Logits and the hidden activations (None for the logistic model)."""
        if model == "logistic":
            W, b = unpack(w)
            return affine(Xb, W, b), None
        W1, b1, W2, b2 = unpack(w)
        H = np.tanh(affine(Xb, W1, b1))
        return H @ W2 + b2[..., None, :], H

    def softmax(z):
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def value(w):
        """Mean cross-entropy: log-sum-exp of the logits minus the true class's logit
        (the log-softmax picked at the label; fast for many rows)."""
        logits, _ = forward(w, X.astype(w.dtype, copy=False))
        top = logits.max(axis=-1, keepdims=True)
        log_sum = top[..., 0] + np.log(np.exp(logits - top).sum(axis=-1))
        return np.mean(log_sum - logits[..., train_rows, y], axis=-1, dtype=np.float64)

    def grad(w, t=0):
        rows = (
            slice((t % n_batches) * batch_size, (t % n_batches + 1) * batch_size)
            if batch_size
            else slice(None)
        )
        Xb, Yb = X[rows].astype(w.dtype, copy=False), Y[rows].astype(w.dtype, copy=False)
        logits, H = forward(w, Xb)
        dZ = (softmax(logits) - Yb) / len(Xb)  # d loss / d logits
        XbT = np.swapaxes(Xb, -1, -2)
        if model == "logistic":
            parts = [XbT @ dZ, dZ.sum(axis=-2)]
        else:
            _, _, W2, _ = unpack(w)
            dH = dZ @ np.swapaxes(W2, -1, -2) * (1 - H**2)  # back through W2 and tanh
            parts = [XbT @ dH, dH.sum(axis=-2), np.swapaxes(H, -1, -2) @ dZ, dZ.sum(axis=-2)]
        return np.concatenate([p.reshape(*w.shape[:-1], -1) for p in parts], axis=-1)

    def accuracy(w):
        logits, _ = forward(w, X_test)
        return np.mean(np.argmax(logits, axis=-1) == y_test, axis=-1)

    x0 = np.random.default_rng(seed + 1).normal(scale=0.1, size=n_params)
    return Problem(
        f"digits({model})",
        value,
        grad,
        x0=x0,
        data={"accuracy": accuracy, "n_params": n_params, "n_test": len(y_test)},
    )


def least_squares(n_samples=256, scales=(1.0, 0.5), noise=0.5, batch_size=None, seed=0):
    r"""Linear least squares with random mini-batches: f(w) = 1/(2N) sum_i (x_i^T w - y_i)^2.

    The N rows x_i are Gaussian with standard deviation ``scales[j]`` in feature j;
    the targets are y_i = x_i^T w_true + ``noise`` * e_i with w_true = (1, ..., 1) and
    standard normal e_i, so the mean loss at the least-squares solution (the
    ``minimizer``) is about noise^2 / 2. ``hessian`` is X^T X / N.

    ``batch_size=None``: ``grad`` is the full gradient. Otherwise ``grad(w, t)`` is the
    mean of the per-example gradients (x_i^T w - y_i) x_i over ``batch_size`` rows drawn
    uniformly *with replacement* (eq. minibatch-gradient of the stochastic-gradients
    chapter), from ``np.random.default_rng((seed, t))``: the same step count gives the same
    draws, and each row of a batch of points ``w`` of shape ``(K, n)`` draws its own
    mini-batch, so K rows are K independent runs. (Row 0 of such a batch draws what a
    single run draws; the other rows differ from single runs.) The estimate is
    unbiased, and its covariance is that of one example's gradient divided by the
    batch size. ``value`` is always the full mean loss.
    """
    check_hyper("n_samples", n_samples, 0, low_open=True)
    check_hyper("noise", noise, 0)
    if batch_size is not None:
        check_hyper("batch_size", batch_size, 1)
    scales = np.asarray(scales, dtype=np.float64)
    check_hyper("scales", scales, 0, low_open=True)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((int(n_samples), scales.size)) * scales
    w_true = np.ones(scales.size)
    y = X @ w_true + noise * rng.standard_normal(int(n_samples))
    A = X.T @ X / len(y)
    w_star = np.linalg.solve(A, X.T @ y / len(y))

    f_star = 0.5 * np.mean((X @ w_star - y) ** 2)

    def value(w):
        # the mean loss written exactly as f* + (w - w*)^T A (w - w*) / 2: cheap for many rows
        d = w - w_star.astype(w.dtype, copy=False)
        return f_star + 0.5 * np.sum(
            d * np.sum(d[..., None, :] * A.astype(w.dtype, copy=False), -1), -1
        )

    def grad(w, t=0):
        if batch_size is None:
            Xb, yb = X.astype(w.dtype, copy=False), y.astype(w.dtype, copy=False)
        else:
            draws = np.random.default_rng((seed, int(t)))
            rows = draws.integers(0, len(y), size=(*w.shape[:-1], int(batch_size)))
            Xb, yb = X[rows].astype(w.dtype, copy=False), y[rows].astype(w.dtype, copy=False)
        # eq. minibatch-gradient: the mean over the batch of (x_i^T w - y_i) x_i
        r = np.sum(w[..., None, :] * Xb, axis=-1) - yb
        return np.mean(r[..., None] * Xb, axis=-2)

    return Problem(
        f"least_squares(batch_size={batch_size})",
        value,
        grad,
        x0=np.zeros(scales.size),
        minimizer=w_star,
        bounds=((-0.5, 2.5),) * 2 if scales.size == 2 else None,
        hessian=A,
        data={"X": X, "y": y, "w_true": w_true, "f_star": f_star, "batch_size": batch_size},
    )


def online_counterexample(big=3.0, small=-1.0, period=3):
    """Reddi, Kale and Kumar's (2018) online problem on the interval [-1, 1].

    The loss at step t is ``f_t(x) = big * x`` when ``t % period == 0`` and
    ``small * x`` otherwise, so the gradient is ``big`` once per period and
    ``small`` in between. With ``big + (period - 1) * small > 0`` the average loss
    is minimised at x = -1. ``value`` is that average loss; ``project`` clips to
    the interval. Their Theorem 1 uses big=C, small=-1, period=3 with C > 2.
    """
    slope = (big + (period - 1) * small) / period

    def grad(x, t=0):
        return np.full_like(x, big if t % period == 0 else small)

    return Problem(
        f"online_counterexample(big={big:g}, small={small:g}, period={period})",
        value=lambda x: slope * x[..., 0],
        grad=grad,
        x0=np.zeros(1),
        minimizer=np.array([-1.0 if slope > 0 else 1.0]),
        project=lambda x: np.clip(x, -1.0, 1.0),
        data={"average_slope": slope},
    )
