"""Integer ``sample_weight`` versus repeated rows, around ``LinearSVC``.

scikit-learn's ``check_sample_weight_equivalence_on_sparse_data`` (and its dense
twin) fits ``BalancedThresholdClassifier(LinearSVC())`` once with integer
weights and once on the rows repeated that many times, and found one
``decision_function`` entry off by 5.5e-7 (relative 3.9e-7 > rtol 1e-7).

The cause is LinearSVC's solver, not this wrapper:

* ``decision_function`` returns ``estimator_.decision_function`` untouched, and
  ``estimator_`` is bit for bit a plain ``LinearSVC`` fitted on the full data:
  the cv folds and the tuned offsets never reach it.
* With ``dual="auto"`` and more rows than features, liblinear runs its primal
  trust-region Newton solver, which stops once the gradient norm falls under
  ``tol * max(min(pos, neg), 1) / n_rows * |g0|`` (``tol=1e-4`` by default).
  The stopped iterate is still about 6e-4 (relative) from the unique optimum
  of the strongly convex primal. The weighted and repeated problems are the
  same objective, but their sums are taken over different rows (45 rows with
  ``C * w_i`` against 57 rows with ``C``), so rounding nudges the Newton path
  and the early stop freezes that nudge at ~1e-7. Merely permuting the repeated
  rows, without any weight, moves the same fit by 8.7e-7.
* At ``tol=1e-10`` both fits converge to the optimum and agree to 1.2e-10, and
  scikit-learn's own check passes. scikit-learn itself lists both checks as
  expected failures for ``LinearSVC`` for the same reason.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.svm import LinearSVC
from sklearn.utils import shuffle
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
)

from sklearn_balanced import BalancedThresholdClassifier

TIGHT_TOL = 1e-10


def _weighted_and_repeated():
    """The data of scikit-learn's check: query ``X``, weighted and repeated fits.

    As in the check, the weights (or repetitions) sit in the first of three
    ``LeaveOneGroupOut`` groups; the other two hold ``X`` with unit weight.
    """
    rng = np.random.RandomState(42)
    n_samples = 15
    X = rng.rand(n_samples, 2 * n_samples)
    y = rng.randint(0, 3, size=n_samples)
    sw = rng.randint(0, 5, size=n_samples)

    X_rep, y_rep = X.repeat(sw, axis=0), y.repeat(sw)
    X_w, y_w, sw_w = shuffle(X, y, sw, random_state=0)

    def stack(X_first, y_first):
        groups = np.repeat([0, 1, 2], [y_first.size, n_samples, n_samples])
        X_all = np.vstack([X_first, X, X])
        cv = list(LeaveOneGroupOut().split(X_all, groups=groups))
        return sparse.csr_array(X_all), np.hstack([y_first, y, y]), cv

    X_w, y_w, cv_w = stack(X_w, y_w)
    sw_w = np.hstack([sw_w, np.ones(2 * n_samples, dtype=sw_w.dtype)])
    X_rep, y_rep, cv_rep = stack(X_rep, y_rep)
    return X, (X_w, y_w, sw_w, cv_w), (X_rep, y_rep, None, cv_rep)


def _fit(fit_data, tol):
    X, y, sample_weight, cv = fit_data
    clf = BalancedThresholdClassifier(LinearSVC(tol=tol, random_state=0), cv=cv)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        warnings.simplefilter("error", ConvergenceWarning)
        return clf.fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("tol", [1e-4, TIGHT_TOL])
def test_decision_function_is_the_plain_refitted_linear_svc(tol):
    X, weighted, repeated = _weighted_and_repeated()
    for fit_data in (weighted, repeated):
        clf = _fit(fit_data, tol)
        X_fit, y_fit, sample_weight, _ = fit_data
        plain = clone(clf.estimator).fit(X_fit, y_fit, sample_weight=sample_weight)
        # The wrapper adds nothing: the solver alone decides these values.
        assert_array_equal(
            clf.decision_function(X), clf.estimator_.decision_function(X)
        )
        assert_array_equal(clf.decision_function(X), plain.decision_function(X))
        assert_array_equal(clf.estimator_.coef_, plain.coef_)
        assert_array_equal(clf.estimator_.intercept_, plain.intercept_)


def test_default_tol_gap_is_far_inside_the_solver_error():
    X, weighted, repeated = _weighted_and_repeated()
    default_w = _fit(weighted, 1e-4).decision_function(X)
    default_r = _fit(repeated, 1e-4).decision_function(X)
    optimum = _fit(repeated, TIGHT_TOL).decision_function(X)

    gap = np.max(np.abs(default_w - default_r))
    # Each default fit stops ~6e-4 (relative) from the optimum; the
    # weighted/repeated gap (~5.5e-7) is a thousand times smaller.
    error_w = np.max(np.abs(default_w - optimum))
    error_r = np.max(np.abs(default_r - optimum))
    assert gap < min(error_w, error_r) / 10
    assert_allclose(default_w, default_r, rtol=1e-5)


def test_tight_tol_makes_weights_equal_repetitions():
    X, weighted, repeated = _weighted_and_repeated()
    clf_w, clf_r = _fit(weighted, TIGHT_TOL), _fit(repeated, TIGHT_TOL)
    assert_allclose(clf_w.decision_function(X), clf_r.decision_function(X), rtol=1e-8)
    assert_array_equal(clf_w.predict(X), clf_r.predict(X))
    assert_allclose(clf_w.best_offsets_, clf_r.best_offsets_, rtol=1e-8, atol=1e-9)

    # Reordering the repeated rows (no weights at all) converges likewise.
    X_rep, y_rep, _, cv_rep = repeated
    order = np.random.RandomState(0).permutation(y_rep.size)
    rank = np.argsort(order)
    cv_perm = [(rank[train], rank[test]) for train, test in cv_rep]
    clf_p = _fit((X_rep[order], y_rep[order], None, cv_perm), TIGHT_TOL)
    assert_allclose(clf_p.decision_function(X), clf_r.decision_function(X), rtol=1e-8)


@pytest.mark.parametrize(
    "check",
    [
        check_sample_weight_equivalence_on_sparse_data,
        check_sample_weight_equivalence_on_dense_data,
    ],
)
def test_sklearn_check_passes_once_linear_svc_converges(check):
    estimator = BalancedThresholdClassifier(LinearSVC(tol=TIGHT_TOL))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        warnings.simplefilter("error", ConvergenceWarning)
        check("BalancedThresholdClassifier", estimator)
