"""Tests of BalancedLogisticRegression: estimator API, agreement with scikit-learn."""

import numpy as np
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_balanced import (
    BalancedLogisticRegression,
    balanced_accuracy_score,
    balanced_accuracy_scorer,
)
from sklearn_balanced._cli._demo_data import make_demo_data
from sklearn_balanced.model_selection import BalancedThresholdClassifier

SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
SKLEARN_WEIGHTED_BALANCED = SKLEARN_VERSION >= (1, 7)
TIGHT = {"tol": 1e-10, "max_iter": 10_000}


def _listed(mark):
    """The mark of ``parametrize_with_checks`` with its checks in a list.

    scikit-learn 1.6 passes a generator, which pytest 9 deprecates.
    """
    names, values = mark.args
    return pytest.mark.parametrize(names, list(values), **mark.kwargs)


@_listed(
    parametrize_with_checks(
        [
            BalancedLogisticRegression(),
            BalancedLogisticRegression(solver="newton-cholesky"),
            BalancedLogisticRegression(proba_prior="train"),
        ]
    )
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _balanced_weights(codes, sample_weight, n_classes):
    totals = np.bincount(codes, weights=sample_weight, minlength=n_classes)
    return totals.sum() / (n_classes * totals)


def _reference(X, y, sample_weight, **params):
    """scikit-learn's optimum with balanced class weights, version-independently.

    scikit-learn < 1.7 ignored ``sample_weight`` when computing "balanced"
    weights; 1.7+ weights the class counts. We compare against the latter by
    passing the product of weights explicitly.
    """
    classes, codes = np.unique(y, return_inverse=True)
    weight = _balanced_weights(codes, sample_weight, classes.shape[0])[codes]
    if sample_weight is not None:
        weight = weight * sample_weight
    return LogisticRegression(**params, **TIGHT).fit(X, y, sample_weight=weight)


def _assert_same_model(ours, ref, rtol=1e-4):
    scale = max(np.abs(ref.coef_).max(), np.abs(ref.intercept_).max(), 1.0)
    assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=rtol * scale)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol, atol=rtol * scale)
    assert_array_equal(ours.classes_, ref.classes_)


def _problem(seed, n_samples, n_features, n_classes, imbalance=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    coef = rng.standard_normal((n_classes, n_features))
    scores = X @ coef.T - imbalance * np.arange(n_classes)
    y = (scores + rng.gumbel(size=scores.shape)).argmax(axis=1)
    y[:n_classes] = np.arange(n_classes)  # every class present
    return X, y


@settings(derandomize=True, deadline=None, max_examples=40)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_samples=st.integers(15, 80),
    n_features=st.integers(1, 6),
    n_classes=st.integers(2, 4),
    C=st.sampled_from([0.05, 1.0, 20.0]),
    fit_intercept=st.booleans(),
    weighted=st.booleans(),
    sparse_X=st.booleans(),
    solver=st.sampled_from(["auto", "lbfgs", "newton-cholesky"]),
)
def test_same_optimum_as_sklearn(
    seed,
    n_samples,
    n_features,
    n_classes,
    C,
    fit_intercept,
    weighted,
    sparse_X,
    solver,
):
    X, y = _problem(seed, n_samples, n_features, n_classes)
    rng = np.random.default_rng(seed + 1)
    sample_weight = rng.uniform(0.1, 3.0, n_samples) if weighted else None
    if sparse_X:
        X = sparse.csr_matrix(np.where(np.abs(X) > 0.7, X, 0.0))
    params = {"C": C, "fit_intercept": fit_intercept}
    ours = BalancedLogisticRegression(solver=solver, **params, **TIGHT).fit(
        X, y, sample_weight=sample_weight
    )
    _assert_same_model(ours, _reference(X, y, sample_weight, **params))


@pytest.mark.parametrize(
    ("n_samples", "n_features", "n_classes", "sparse_X"),
    [(20_000, 30, 2, False), (5_000, 20, 5, False), (4_000, 300, 2, True)],
)
def test_same_optimum_as_sklearn_large(n_samples, n_features, n_classes, sparse_X):
    X, y = _problem(0, n_samples, n_features, n_classes, imbalance=1.5)
    if sparse_X:
        X = sparse.random(
            n_samples, n_features, density=0.05, format="csr", random_state=0
        )
        y = (X @ np.linspace(-3, 1, n_features) > -0.2).astype(int)
    sample_weight = np.random.default_rng(0).uniform(0.5, 2.0, n_samples)
    ours = BalancedLogisticRegression(**TIGHT).fit(X, y, sample_weight=sample_weight)
    _assert_same_model(ours, _reference(X, y, sample_weight))


@pytest.mark.skipif(
    not SKLEARN_WEIGHTED_BALANCED,
    reason="scikit-learn < 1.7 computes 'balanced' from unweighted counts",
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_balanced_with_sample_weight_matches_sklearn_directly(n_classes):
    X, y = _problem(3, 200, 4, n_classes)
    sample_weight = np.random.default_rng(3).uniform(0.0, 4.0, 200)
    ours = BalancedLogisticRegression(**TIGHT).fit(X, y, sample_weight=sample_weight)
    ref = LogisticRegression(class_weight="balanced", **TIGHT)
    _assert_same_model(ours, ref.fit(X, y, sample_weight=sample_weight))


@pytest.mark.parametrize("class_weight", [None, {0: 1.0, 1: 3.0}, {2: 0.5}])
def test_class_weight_options_match_sklearn(class_weight):
    X, y = _problem(1, 150, 3, 3)
    ours = BalancedLogisticRegression(class_weight=class_weight, **TIGHT).fit(X, y)
    ref = LogisticRegression(class_weight=class_weight, **TIGHT).fit(X, y)
    _assert_same_model(ours, ref)
    expected = np.ones(3)
    for label, weight in (class_weight or {}).items():
        expected[label] = weight
    assert_allclose(ours.class_weight_, expected)


def test_unpenalised_binary_matches_sklearn():
    X, y = _problem(2, 300, 3, 2)
    X = X + np.random.default_rng(2).standard_normal(X.shape)  # not separable
    ours = BalancedLogisticRegression(C=np.inf, **TIGHT).fit(X, y)
    ref = LogisticRegression(C=np.inf, class_weight="balanced", **TIGHT).fit(X, y)
    _assert_same_model(ours, ref)


def test_seed_data_set_reproduced():
    X, y = make_demo_data(random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    weighted = BalancedLogisticRegression().fit(X_train, y_train)
    plain = BalancedLogisticRegression(class_weight=None).fit(X_train, y_train)
    ba_weighted = balanced_accuracy_score(y_val, weighted.predict(X_val))
    ba_plain = balanced_accuracy_score(y_val, plain.predict(X_val))
    # the seed measured 0.837 (weighted) against 0.525 (unweighted)
    assert ba_weighted > 0.8
    assert ba_plain < 0.7
    assert ba_weighted - ba_plain > 0.2
    assert weighted.score(X_val, y_val) == pytest.approx(
        accuracy_score(y_val, weighted.predict(X_val))
    )
    _assert_same_model(
        BalancedLogisticRegression(**TIGHT).fit(X_train, y_train),
        LogisticRegression(class_weight="balanced", **TIGHT).fit(X_train, y_train),
    )
    _assert_same_model(
        BalancedLogisticRegression(class_weight=None, **TIGHT).fit(X_train, y_train),
        LogisticRegression(**TIGHT).fit(X_train, y_train),
    )


@pytest.mark.parametrize("n_classes", [2, 4])
def test_predictions_match_sklearn(n_classes):
    X, y = _problem(5, 300, 4, n_classes)
    labels = np.array(["ant", "bee", "cat", "dog"])[:n_classes]
    y = labels[y]
    ours = BalancedLogisticRegression(**TIGHT).fit(X, y)
    ref = LogisticRegression(class_weight="balanced", **TIGHT).fit(X, y)
    assert_array_equal(ours.predict(X), ref.predict(X))
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-5)
    assert_allclose(ours.predict_log_proba(X), np.log(ours.predict_proba(X)))
    assert ours.predict(X).dtype == y.dtype


@pytest.mark.parametrize("n_classes", [2, 3])
def test_no_overflow_on_separable_badly_scaled_data(n_classes):
    X, y = _problem(6, 200, 2, n_classes)
    X = X * 1e6
    with pytest.warns(ConvergenceWarning):
        clf = BalancedLogisticRegression(C=1e6, max_iter=5, solver="lbfgs").fit(X, y)
    assert np.isfinite(clf.coef_).all()
    log_proba = clf.predict_log_proba(X * 10)
    assert np.isfinite(log_proba).all()
    assert_allclose(np.exp(log_proba).sum(axis=1), 1.0)


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton-cholesky"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_unpenalised_separable_data_stays_finite(solver, n_classes):
    X = np.random.default_rng(24).standard_normal((200, 2))
    y = np.digitize(X[:, 0], [0.0] if n_classes == 2 else [-0.5, 0.5])
    clf = BalancedLogisticRegression(C=np.inf, solver=solver, max_iter=200).fit(X, y)
    assert np.isfinite(clf.coef_).all()
    assert np.isfinite(clf.loss_curve_).all()
    assert clf.loss_curve_[-1] < 1e-2
    assert_array_equal(clf.predict(X), y)


def test_badly_scaled_auto_switches_to_newton():
    X, y = _problem(7, 3000, 10, 2)
    X = X * np.logspace(-2, 2, 10)
    auto = BalancedLogisticRegression(max_iter=1000).fit(X, y)
    lbfgs = BalancedLogisticRegression(max_iter=1000, solver="lbfgs").fit(X, y)
    assert auto.solver_ == "lbfgs-then-newton"
    assert auto.n_iter_[0] < lbfgs.n_iter_[0]
    assert auto.loss_curve_[-1] <= lbfgs.loss_curve_[-1] + 1e-9


@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton-cholesky"])
def test_convergence_warning_and_n_iter(solver):
    X, y = _problem(8, 500, 5, 3)
    X = X * np.logspace(-2, 2, 5)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        clf = BalancedLogisticRegression(solver=solver, max_iter=2).fit(X, y)
    assert clf.n_iter_.tolist() == [2]
    assert clf.n_iter_.dtype == np.int32
    assert len(clf.loss_curve_) == 2


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_loss_curve_decreases_to_sklearn_objective(solver):
    X, y = _problem(9, 400, 4, 2)
    clf = BalancedLogisticRegression(solver=solver, **TIGHT).fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_[0]
    assert np.all(np.diff(clf.loss_curve_) <= 1e-12)
    ref = LogisticRegression(class_weight="balanced", **TIGHT).fit(X, y)
    proba = ref.predict_proba(X)[np.arange(400), y]
    weight = clf.class_weight_[y]
    expected = -(weight @ np.log(proba)) / weight.sum()
    expected += (ref.coef_**2).sum() / (2 * weight.sum())
    assert clf.loss_curve_[-1] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_warm_start(solver):
    X, y = _problem(10, 400, 4, 3)
    clf = BalancedLogisticRegression(solver=solver, warm_start=True, **TIGHT)
    clf.fit(X, y)
    first = clf.coef_.copy()
    clf.fit(X, y)
    assert clf.n_iter_[0] <= 1
    assert_allclose(clf.coef_, first, atol=1e-6)
    cold = BalancedLogisticRegression(solver=solver, max_iter=3, tol=0.0)
    with pytest.warns(ConvergenceWarning):
        cold.fit(X, y)
    warm = clone(cold).set_params(warm_start=True)
    warm.coef_, warm.intercept_ = cold.coef_, cold.intercept_
    with pytest.warns(ConvergenceWarning):
        warm.fit(X, y)
    assert warm.loss_curve_[0] < cold.loss_curve_[0]
    with pytest.raises(ValueError, match="warm_start=True needs the previous coef_"):
        clf.fit(X[:, :2], y)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_float32_stays_float32(n_classes):
    X, y = _problem(11, 500, 4, n_classes)
    clf64 = BalancedLogisticRegression(tol=1e-6).fit(X, y)
    clf32 = BalancedLogisticRegression(tol=1e-6).fit(X.astype(np.float32), y)
    assert clf32.coef_.dtype == np.float32
    assert clf32.intercept_.dtype == np.float32
    assert clf32.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert_allclose(clf32.coef_, clf64.coef_, rtol=1e-3, atol=1e-4)


def test_sparse_equals_dense():
    X, y = _problem(12, 300, 6, 3)
    X[np.abs(X) < 0.8] = 0.0
    for solver in ["lbfgs", "newton-cholesky"]:
        dense = BalancedLogisticRegression(solver=solver, **TIGHT).fit(X, y)
        csr = BalancedLogisticRegression(solver=solver, **TIGHT).fit(
            sparse.csr_matrix(X), y
        )
        assert_allclose(csr.coef_, dense.coef_, rtol=1e-6, atol=1e-9)
        assert_allclose(csr.predict_proba(sparse.csr_matrix(X)), dense.predict_proba(X))


def test_inputs_not_mutated():
    X, y = _problem(13, 100, 3, 2)
    weight = np.linspace(0.5, 1.5, 100)
    X_copy, y_copy, weight_copy = X.copy(), y.copy(), weight.copy()
    BalancedLogisticRegression(early_stopping=True, random_state=0).fit(
        X, y, sample_weight=weight
    )
    assert_array_equal(X, X_copy)
    assert_array_equal(y, y_copy)
    assert_array_equal(weight, weight_copy)


def test_early_stopping_attributes_and_best_coefficients():
    X, y = _problem(14, 2000, 8, 2, imbalance=2.0)
    X = X * np.logspace(-1, 1, 8)
    clf = BalancedLogisticRegression(
        early_stopping=True, n_iter_no_change=3, random_state=0, solver="lbfgs"
    ).fit(X, y)
    n_iter = clf.n_iter_[0]
    assert len(clf.validation_scores_) == len(clf.loss_curve_) == n_iter
    best = clf.best_iteration_
    assert clf.validation_scores_[best - 1] == max(clf.validation_scores_)
    assert best == 1 + int(np.argmax(clf.validation_scores_))
    assert n_iter - best == 3 or n_iter == clf.max_iter
    # the kept coefficients are those of the best iteration: refit to it
    rerun = BalancedLogisticRegression(
        early_stopping=True,
        n_iter_no_change=10**6,
        max_iter=best,
        random_state=0,
        solver="lbfgs",
    )
    with pytest.warns(ConvergenceWarning):
        rerun.fit(X, y)
    assert_allclose(clf.coef_, rerun.coef_)
    # hold-out: stratified, seeded, and balanced weights from the training part
    train, val = train_test_split(
        np.arange(2000), test_size=200, stratify=y, random_state=0
    )
    assert_allclose(clf.class_weight_, 1800 / (2 * np.bincount(y[train])), rtol=1e-12)
    X_val, y_val = X[val], y[val]
    assert clf.validation_scores_[best - 1] == pytest.approx(
        balanced_accuracy_score(y_val, clf.predict(X_val))
    )


def test_early_stopping_reproducible_and_without_attributes_when_off():
    X, y = _problem(15, 400, 4, 3)
    params = {"early_stopping": True, "random_state": 1, "n_iter_no_change": 2}
    a = BalancedLogisticRegression(**params).fit(X, y)
    b = BalancedLogisticRegression(**params).fit(X, y)
    assert_array_equal(a.coef_, b.coef_)
    assert a.validation_scores_ == b.validation_scores_
    off = BalancedLogisticRegression().fit(X, y)
    assert not hasattr(off, "validation_scores_")
    assert not hasattr(off, "best_iteration_")
    assert len(off.loss_curve_) == off.n_iter_[0]


def test_early_stopping_with_sample_weight_and_newton():
    X, y = _problem(16, 600, 3, 2)
    weight = np.random.default_rng(16).uniform(0.5, 2.0, 600)
    clf = BalancedLogisticRegression(
        early_stopping=True, random_state=0, solver="newton-cholesky"
    ).fit(X, y, sample_weight=weight)
    assert 1 <= clf.best_iteration_ <= clf.n_iter_[0]


def test_verbose_prints_iterations(capsys):
    X, y = _problem(17, 200, 3, 2)
    BalancedLogisticRegression(verbose=1, early_stopping=True, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss =" in out
    assert "validation balanced accuracy" in out


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"C": 0.0}, "'C' parameter"),
        ({"C": -1.0}, "'C' parameter"),
        ({"validation_fraction": 0.0}, "'validation_fraction' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"solver": "sag"}, "'solver' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter"),
        ({"class_weight": "auto"}, "'class_weight' parameter"),
        ({"proba_prior": "uniform"}, "'proba_prior' parameter"),
        ({"proba_prior": 0.5}, "'proba_prior' parameter"),
    ],
)
def test_bad_parameters(params, match):
    X, y = _problem(18, 50, 2, 2)
    with pytest.raises(ValueError, match=match):
        BalancedLogisticRegression(**params).fit(X, y)


def test_bad_inputs():
    X, y = _problem(19, 60, 2, 3)
    clf = BalancedLogisticRegression()
    with pytest.raises(ValueError, match="class_weight has keys"):
        clf.set_params(class_weight={0: 1.0, 7: 2.0}).fit(X, y)
    with pytest.raises(ValueError, match="class_weight values must be"):
        clf.set_params(class_weight={0: -1.0}).fit(X, y)
    clf.set_params(class_weight="balanced")
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X, np.zeros(60))
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(bad, y)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.fit(bad, y)
    weight = np.ones(60)
    weight[y == 2] = 0.0
    with pytest.raises(ValueError, match="total weight zero"):
        clf.fit(X, y, sample_weight=weight)
    with pytest.raises(ValueError, match="total weight of zero"):
        clf.set_params(class_weight={0: 0.0, 1: 0.0, 2: 0.0}).fit(X, y)


def test_early_stopping_too_few_samples():
    X, y = _problem(20, 60, 2, 3)
    y[3:] = np.where(y[3:] == 2, 0, y[3:])  # class 2 has a single sample
    with pytest.raises(ValueError, match="early_stopping=True needs at least 2"):
        BalancedLogisticRegression(early_stopping=True).fit(X, y)
    X, y = _problem(21, 30, 2, 3)
    with pytest.raises(ValueError, match=r"validation_fraction=0\.05"):
        BalancedLogisticRegression(early_stopping=True, validation_fraction=0.05).fit(
            X, y
        )


def test_composes_with_pipeline_search_and_threshold():
    X, y = _problem(22, 400, 4, 2, imbalance=2.5)
    pipe = make_pipeline(StandardScaler(), BalancedLogisticRegression())
    search = GridSearchCV(
        pipe,
        {"balancedlogisticregression__C": [0.01, 1.0]},
        scoring=balanced_accuracy_scorer,
        cv=3,
    ).fit(X, y)
    assert search.best_params_["balancedlogisticregression__C"] in (0.01, 1.0)
    thresholded = BalancedThresholdClassifier(BalancedLogisticRegression(), cv=3)
    thresholded.fit(X, y)
    assert set(thresholded.predict(X)) <= {0, 1}


def test_metadata_routing_of_sample_weight():
    X, y = _problem(23, 300, 3, 2)
    weight = np.random.default_rng(23).uniform(0.2, 2.0, 300)
    cv = KFold(3)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = (
            BalancedLogisticRegression()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=False)
        )
        routed = cross_validate(
            clf, X, y, cv=cv, params={"sample_weight": weight}, return_estimator=True
        )
    for (train, _), fitted in zip(cv.split(X), routed["estimator"], strict=True):
        manual = BalancedLogisticRegression().fit(
            X[train], y[train], sample_weight=weight[train]
        )
        unweighted = BalancedLogisticRegression().fit(X[train], y[train])
        assert_allclose(fitted.coef_, manual.coef_)
        assert not np.allclose(fitted.coef_, unweighted.coef_)
