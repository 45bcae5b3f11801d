"""Tests of the loss, solver and monitor behind BalancedLogisticRegression."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import sparse
from scipy.optimize import approx_fprime
from scipy.special import expit, log_softmax, softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from sklearn_balanced import BalancedLogisticRegression
from sklearn_balanced.linear_model import _logistic
from sklearn_balanced.linear_model._class_weight import (
    class_totals,
    resolve_class_weight,
)
from sklearn_balanced.linear_model._logistic import encode_labels
from sklearn_balanced.linear_model._loss import LogLoss, log_partition
from sklearn_balanced.linear_model._monitor import TrainingMonitor
from sklearn_balanced.linear_model._solvers import (
    choose_solver,
    gauge_projector,
    minimize_lbfgs,
    minimize_newton,
    newton_direction,
)


def _never(w, loss):
    return False


def _loss_problem(seed, n_samples, n_features, n_outputs, fit_intercept, sparse_X):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    if sparse_X:
        X = sparse.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    if n_outputs == 1:
        target = (rng.random(n_samples) < 0.3).astype(float)[None, :]
    else:
        target = np.eye(n_outputs)[:, rng.integers(0, n_outputs, n_samples)]
    weight = rng.uniform(0.1, 2.0, n_samples)
    loss = LogLoss(X, target, weight, 0.3, fit_intercept)
    w = rng.standard_normal(n_outputs * (n_features + fit_intercept))
    return loss, w, X, target, weight


def _direct_loss(X, target, weight, alpha, fit_intercept, w):
    """The objective written out naively, as an independent reference."""
    n_outputs = target.shape[0]
    matrix = w.reshape(n_outputs, -1)
    coef = matrix[:, : X.shape[1]]
    raw = np.asarray(X @ coef.T) + (matrix[:, -1] if fit_intercept else 0.0)
    if n_outputs == 1:
        log_proba = np.column_stack([-np.logaddexp(0, raw[:, 0]), raw[:, 0]])
        log_proba[:, 1] -= np.logaddexp(0, raw[:, 0])
        pointwise = -(target[0] * log_proba[:, 1] + (1 - target[0]) * log_proba[:, 0])
    else:
        pointwise = -(target.T * log_softmax(raw, axis=1)).sum(axis=1)
    return weight @ pointwise / weight.sum() + 0.5 * alpha * (coef**2).sum()


@settings(derandomize=True, deadline=None, max_examples=25)
@given(
    seed=st.integers(0, 2**31),
    n_outputs=st.sampled_from([1, 3]),
    fit_intercept=st.booleans(),
    sparse_X=st.booleans(),
)
def test_loss_gradient_hessian_are_consistent(seed, n_outputs, fit_intercept, sparse_X):
    loss, w, X, target, weight = _loss_problem(
        seed, 40, 3, n_outputs, fit_intercept, sparse_X
    )
    value, gradient, hessian = loss.loss_gradient_hessian(w)
    direct = _direct_loss(X, target, weight, 0.3, fit_intercept, w)
    assert value == pytest.approx(direct, rel=1e-12)
    assert loss.loss(w) == pytest.approx(value, rel=1e-14)
    assert_allclose(loss.loss_gradient(w)[1], gradient, rtol=1e-12)
    assert_allclose(gradient, approx_fprime(w, loss.loss, 1e-7), atol=1e-5)
    numeric = np.array(
        [
            approx_fprime(w, lambda v, i=i: loss.loss_gradient(v)[1][i], 1e-7)
            for i in range(w.size)
        ]
    )
    assert_allclose(hessian, numeric, atol=1e-5)
    assert_allclose(hessian, hessian.T)


def test_loss_is_chunked_consistently():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 5))
    target = np.eye(3)[:, rng.integers(0, 3, 20_000)]
    loss = LogLoss(X, target, np.ones(20_000), 0.1, True)
    w = rng.standard_normal(18)
    direct = _direct_loss(X, target, np.ones(20_000), 0.1, True, w)
    assert loss.loss(w) == pytest.approx(direct, rel=1e-12)


def test_log_partition_is_stable():
    raw = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]])
    value, proba = log_partition(raw.copy())
    assert_allclose(value, np.logaddexp(0, raw[0]))
    assert_allclose(proba[0], expit(raw[0]))
    raw = np.array([[1000.0, -1000.0, 0.0], [999.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    value, proba = log_partition(raw.copy())
    assert np.isfinite(value).all()
    assert_allclose(proba, softmax(raw, axis=0))


def test_newton_direction_singular_falls_back_to_least_squares():
    hessian = np.array([[1.0, 0.0], [0.0, 0.0]])
    direction = newton_direction(hessian, np.array([2.0, 0.0]), None)
    assert_allclose(direction, [-2.0, 0.0])


def test_gauge_projector_makes_softmax_hessian_invertible():
    loss, w, *_ = _loss_problem(0, 50, 2, 3, True, False)
    w = w.reshape(3, 3)
    w -= w.mean(axis=0)
    _, gradient, hessian = loss.loss_gradient_hessian(w.ravel())
    gauge = gauge_projector(3, 3, 2, True)
    assert np.linalg.matrix_rank(hessian) == 8
    direction = newton_direction(hessian, gradient, gauge)
    assert_allclose(hessian @ direction, -gradient, atol=1e-10)
    assert_allclose(direction.reshape(3, 3).sum(axis=0), 0.0, atol=1e-12)
    assert gauge_projector(1, 3, 2, True) is None
    assert_allclose(np.diag(gauge_projector(2, 2, 1, False)), 0.5)


def test_newton_line_search_backtracks():
    def f(w):
        return float(np.sqrt(1.0 + w @ w))

    def fgh(w):
        value = f(w)
        return value, w / value, np.eye(w.size) / value**3

    result = minimize_newton(
        f, fgh, np.array([2.0]), tol=1e-10, max_iter=50, callback=_never
    )
    assert result.converged
    assert_allclose(result.w, 0.0, atol=1e-9)


def test_newton_reports_line_search_failure_and_callback_stop():
    def fgh(w):
        return float(w @ w), 2 * w, -2 * np.eye(w.size)  # wrong-signed Hessian

    result = minimize_newton(
        lambda w: fgh(w)[0], fgh, np.ones(2), tol=1e-8, max_iter=5, callback=_never
    )
    assert not result.converged
    assert result.message == "line search failed"
    assert result.n_iter == 0

    def good(w):
        return float(w @ w), 2 * w, 2 * np.eye(w.size)

    calls = []
    stopped = minimize_newton(
        lambda w: good(w)[0],
        good,
        np.ones(2),
        tol=0.0,
        max_iter=5,
        callback=lambda w, v: calls.append(v) or True,
    )
    assert stopped.message == "stopped early"
    assert stopped.n_iter == len(calls) == 1


def test_lbfgs_reports_max_iter():
    def f(w):
        scale = np.logspace(0, 4, w.size)
        return float(scale @ w**2), 2 * scale * w

    result = minimize_lbfgs(f, np.ones(5), tol=1e-12, max_iter=2, callback=_never)
    assert not result.converged
    assert result.n_iter == 2


def test_monitor_without_validation():
    monitor = TrainingMonitor(None, 2, 0)
    assert not any(monitor(np.zeros(1), v) for v in [3.0, 2.0, 1.0])
    assert monitor.loss_curve == [3.0, 2.0, 1.0]
    assert monitor.validation_scores == []
    assert monitor.best_iteration is None


def test_choose_solver():
    assert choose_solver("lbfgs", 10, 10**6) == "lbfgs"
    assert choose_solver("newton-cholesky", 10, 10**6) == "newton-cholesky"
    assert choose_solver("auto", 1000, 201) == "lbfgs"
    assert choose_solver("auto", 1999, 200) == "lbfgs"
    assert choose_solver("auto", 2000, 200) == "lbfgs-then-newton"


@settings(derandomize=True, deadline=None, max_examples=30)
@given(
    codes=st.lists(st.integers(0, 3), min_size=4, max_size=40),
    weighted=st.booleans(),
)
def test_balanced_class_weight_formula(codes, weighted):
    codes = np.array(codes)
    classes = np.unique(codes)
    codes = np.searchsorted(classes, codes)
    rng = np.random.default_rng(len(codes))
    weight = rng.uniform(0.1, 2.0, codes.size) if weighted else None
    result = resolve_class_weight(
        "balanced", classes, class_totals(codes, weight, classes.size)
    )
    per_sample = np.ones(codes.size) if weight is None else weight
    totals = np.array([per_sample[codes == k].sum() for k in range(classes.size)])
    # every class ends up with the same total weight, and the grand total is kept
    assert_allclose(result * totals, per_sample.sum() / classes.size)


def test_multinomial_unpenalised_newton_matches_sklearn_probabilities():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((300, 2))
    y = rng.integers(0, 3, 300)
    ours = BalancedLogisticRegression(
        C=np.inf, solver="newton-cholesky", tol=1e-10
    ).fit(X, y)
    ref = LogisticRegression(
        C=np.inf, class_weight="balanced", tol=1e-10, max_iter=10_000
    )
    ref.fit(X, y)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert_allclose(ours.coef_.sum(axis=0), 0.0, atol=1e-8)


def test_warm_start_without_intercept_and_zero_iterations():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 3))
    y = (X[:, 0] + rng.standard_normal(200) > 0).astype(int)
    clf = BalancedLogisticRegression(fit_intercept=False, warm_start=True, tol=1e-3)
    first = clf.fit(X, y).coef_.copy()
    assert clf.fit(X, y).n_iter_[0] == 0
    assert_allclose(clf.coef_, first)
    stopper = BalancedLogisticRegression(early_stopping=True, tol=10.0).fit(X, y)
    assert stopper.n_iter_[0] == 0
    assert stopper.best_iteration_ is None
    assert stopper.validation_scores_ == []
    assert_allclose(stopper.coef_, 0.0)


def test_newton_max_iter_warns():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((100, 2)) * [1e-3, 1e3]
    y = (X[:, 0] > 0).astype(int)
    with pytest.warns(ConvergenceWarning, match="max_iter reached"):
        BalancedLogisticRegression(solver="newton-cholesky", max_iter=1, tol=0.0).fit(
            X, y
        )


@pytest.mark.parametrize(
    "dtype", [np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint64]
)
@pytest.mark.parametrize("where", ["low", "high", "zero", "full"])
def test_encode_labels_matches_unique(dtype, where):
    info = np.iinfo(dtype)
    low = {"low": info.min, "high": info.max - 3, "zero": 0, "full": info.min}[where]
    high = info.max if where == "full" else low + 3
    y = np.random.default_rng(0).integers(low, high, 40, dtype=dtype, endpoint=True)
    classes, codes = encode_labels(y)
    expected_classes, expected_codes = np.unique(y, return_inverse=True)
    assert classes.dtype == expected_classes.dtype
    assert codes.dtype == expected_codes.dtype
    np.testing.assert_array_equal(classes, expected_classes)
    np.testing.assert_array_equal(codes, expected_codes)


@pytest.mark.parametrize(
    "y", [np.array(["b", "a", "b"]), np.array([2.0, 0.0, 2.0]), np.array([1, 0, 1])]
)
def test_encode_labels_other_dtypes(y):
    classes, codes = encode_labels(y)
    expected_classes, expected_codes = np.unique(y, return_inverse=True)
    np.testing.assert_array_equal(classes, expected_classes)
    np.testing.assert_array_equal(codes, expected_codes)


def test_encode_labels_rejects_continuous_targets():
    with pytest.raises(ValueError, match="Unknown label type"):
        encode_labels(np.array([0.5, 1.0, 0.5]))


def test_fit_builds_the_blas_controller_once(monkeypatch):
    built = []

    class CountingController(_logistic.ThreadpoolController):
        def __init__(self):
            built.append(True)
            super().__init__()

    monkeypatch.setattr(_logistic, "ThreadpoolController", CountingController)
    _logistic.blas_controller.cache_clear()
    X = np.random.default_rng(0).standard_normal((60, 3))
    y = np.repeat([-5, 7], 30)
    try:
        for _ in range(3):
            model = BalancedLogisticRegression().fit(X, y)
    finally:
        _logistic.blas_controller.cache_clear()
    assert len(built) == 1
    np.testing.assert_array_equal(model.classes_, [-5, 7])
