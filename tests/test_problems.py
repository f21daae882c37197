"""The test problems: gradients agree with finite differences, minimisers are stationary,
and value and gradient are vectorised over leading axes."""

import numpy as np
import pytest

from optlib import problems

PROBLEMS = {
    "quadratic": lambda: problems.quadratic((1.0, 50.0), angle=0.4),
    "quadratic-4d": lambda: problems.quadratic((0.5, 2.0, 8.0, 30.0), angle=1.0),
    "rosenbrock": problems.rosenbrock,
    "beale": problems.beale,
    "rastrigin": problems.rastrigin,
    "saddle": problems.saddle,
    "sparse_logistic": lambda: problems.sparse_logistic(n_samples=300),
    "sparse_logistic-batched": lambda: problems.sparse_logistic(n_samples=300, batch_size=30),
    "digits-logistic": lambda: problems.digits("logistic", n_train=100, batch_size=None),
    "digits-mlp": lambda: problems.digits("mlp", hidden=6, n_train=100, batch_size=None),
    "least_squares": lambda: problems.least_squares(n_samples=50, scales=(1.0, 0.5, 2.0)),
}


def central_difference(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


@pytest.mark.parametrize("name", [n for n in PROBLEMS if "batched" not in n])
def test_gradient_matches_finite_differences(name):
    problem = PROBLEMS[name]()
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = problem.x0 + rng.normal(scale=0.5, size=problem.x0.shape)
        numeric = central_difference(problem.value, x)
        np.testing.assert_allclose(problem.grad(x), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
def test_digits_minibatches_average_to_the_full_gradient(model):
    full = problems.digits(model, hidden=6, n_train=128, batch_size=None)
    batched = problems.digits(model, hidden=6, n_train=128, batch_size=32)
    w = full.x0
    mean_of_batches = np.mean([batched.grad(w, t) for t in range(4)], axis=0)
    np.testing.assert_allclose(mean_of_batches, full.grad(w), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_digits_value_is_the_mean_cross_entropy(model, dtype):
    """value (log-sum-exp minus the label's logit) equals the textbook form, the mean of
    -sum_k Y_k log softmax_k, for a batch of parameter vectors."""
    problem = problems.digits(model, hidden=6, n_train=100, batch_size=None)
    rng = np.random.default_rng(2)
    w = (problem.x0 + rng.normal(scale=2.0, size=(3, problem.x0.size))).astype(dtype)
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(labels))
    X, y = images[order][:100] / 16.0, labels[order][:100]
    sizes = [(64, 10), (10,)] if model == "logistic" else [(64, 6), (6,), (6, 10), (10,)]
    expected = []
    for row in w.astype(np.float64):
        parts, i = [], 0
        for shape in sizes:
            parts.append(row[i : i + int(np.prod(shape))].reshape(shape))
            i += int(np.prod(shape))
        h = X if model == "logistic" else np.tanh(X @ parts[0] + parts[1])
        logits = h @ parts[-2] + parts[-1]
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        expected.append(-np.mean(np.sum(np.eye(10)[y] * log_p, axis=1)))
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(problem.value(w), expected, rtol=rtol)


def test_digits_mlp_learns():
    import optlib

    problem = problems.digits("mlp", hidden=16)
    record = optlib.run(optlib.adam(lr=0.01), problem, 300)
    assert record.losses[-1] < 0.5 * record.losses[0]
    assert problem.data["accuracy"](record.final) > 0.8


def test_minibatch_gradients_average_to_the_full_gradient():
    full = problems.sparse_logistic(n_samples=300)
    batched = problems.sparse_logistic(n_samples=300, batch_size=30)
    w = np.linspace(-1, 1, full.x0.size)
    mean_of_batches = np.mean([batched.grad(w, t) for t in range(10)], axis=0)
    np.testing.assert_allclose(mean_of_batches, full.grad(w), rtol=1e-12, atol=1e-15)
    assert not np.allclose(batched.grad(w, 0), batched.grad(w, 1))


@pytest.mark.parametrize(
    "name", ["quadratic", "quadratic-4d", "rosenbrock", "beale", "rastrigin", "least_squares"]
)
def test_the_minimizer_is_stationary_and_lowest_nearby(name):
    problem = PROBLEMS[name]()
    x = problem.minimizer
    np.testing.assert_allclose(problem.grad(x), 0, atol=1e-12)
    rng = np.random.default_rng(1)
    nearby = x + rng.normal(scale=1e-2, size=(50, x.size))
    assert np.all(problem.value(nearby) > problem.value(x))


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_value_and_gradient_are_vectorised_over_leading_axes(name):
    problem = PROBLEMS[name]()
    rng = np.random.default_rng(2)
    batch = problem.x0 + rng.normal(size=(3, 4, problem.x0.size))
    values, grads = problem.value(batch), problem.grad(batch, 3)
    assert values.shape == (3, 4) and grads.shape == batch.shape
    for i in range(3):
        for j in range(4):
            np.testing.assert_allclose(values[i, j], problem.value(batch[i, j]), rtol=1e-13)
            np.testing.assert_allclose(grads[i, j], problem.grad(batch[i, j], 3), rtol=1e-13)


def test_quadratic_hessian_has_the_requested_spectrum_and_rotation():
    problem = problems.quadratic((2.0, 40.0), angle=np.pi / 6)
    np.testing.assert_allclose(np.linalg.eigvalsh(problem.hessian), [2.0, 40.0])
    # eigenvalue i belongs to axis i rotated by the angle: R = [[c, -s], [s, c]]
    shallow = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    steep = np.array([-np.sin(np.pi / 6), np.cos(np.pi / 6)])
    np.testing.assert_allclose(problem.hessian @ shallow, 2.0 * shallow)
    np.testing.assert_allclose(problem.hessian @ steep, 40.0 * steep)


def test_online_counterexample_gradients_and_projection():
    problem = problems.online_counterexample(big=3.0, small=-1.0, period=3)
    x = np.array([0.2])
    assert [float(problem.grad(x, t)[0]) for t in range(6)] == [3, -1, -1, 3, -1, -1]
    # the average slope (3 - 1 - 1) / 3 > 0, so the best point of [-1, 1] is -1
    assert problem.minimizer[0] == -1.0
    np.testing.assert_allclose(problem.value(np.array([-1.0])), -1 / 3)
    np.testing.assert_array_equal(
        problem.project(np.array([[-3.0], [0.5], [2.0]])).ravel(), [-1.0, 0.5, 1.0]
    )


def test_sparse_features_have_zero_gradient_where_absent():
    problem = problems.sparse_logistic(n_samples=200, rare_density=0.01, batch_size=10)
    X = problem.data["X"]
    for t in range(20):
        rows = X[t * 10 % 200 : t * 10 % 200 + 10]
        absent = rows.sum(axis=0) == 0
        g = problem.grad(np.ones(X.shape[1]), t)
        assert np.all(g[absent] == 0)


def test_bad_problem_arguments_are_named():
    with pytest.raises(ValueError, match="eigenvalues"):
        problems.quadratic((1.0, -2.0))
    with pytest.raises(ValueError, match="rare_density"):
        problems.sparse_logistic(rare_density=0.0)


def test_least_squares_minibatches_are_unbiased_with_variance_over_batch_size():
    """Rows drawn with replacement: the mean of many mini-batch gradients is the full
    gradient, and their covariance is one example's covariance over B (within 5 standard
    errors of the R draws)."""
    full = problems.least_squares(n_samples=64)
    X, y = full.data["X"], full.data["y"]
    w = np.array([0.3, -0.2])
    np.testing.assert_allclose(full.value(w), 0.5 * np.mean((X @ w - y) ** 2), rtol=1e-12)
    per_example = (X @ w - y)[:, None] * X  # the N gradients of single examples
    spread = np.sum(per_example.var(axis=0))  # tr Sigma, population covariance
    R = 20_000
    for B in (1, 8):
        batched = problems.least_squares(n_samples=64, batch_size=B)
        g = batched.grad(np.tile(w, (R, 1)), 5)  # R rows, R independent mini-batches
        error = np.sum((g - full.grad(w)) ** 2, axis=-1)
        se = g.std(axis=0) / np.sqrt(R)
        assert np.all(np.abs(g.mean(axis=0) - full.grad(w)) < 5 * se)
        assert abs(error.mean() - spread / B) < 5 * error.std() / np.sqrt(R)


def test_least_squares_draws_depend_on_the_step_and_seed_only():
    batched = problems.least_squares(n_samples=64, batch_size=4, seed=3)
    w = np.array([0.5, 0.5])
    np.testing.assert_array_equal(batched.grad(w, 7), batched.grad(w, 7))
    assert not np.allclose(batched.grad(w, 7), batched.grad(w, 8))
    rows = batched.grad(np.tile(w, (3, 1)), 7)
    np.testing.assert_array_equal(rows[0], batched.grad(w, 7))  # row 0 is the single run
    assert not np.allclose(rows[1], rows[2])  # the other rows draw their own batches
    np.testing.assert_allclose(
        problems.least_squares(n_samples=64, seed=3).grad(batched.minimizer), 0, atol=1e-12
    )
    with pytest.raises(ValueError, match="batch_size"):
        problems.least_squares(batch_size=0)
