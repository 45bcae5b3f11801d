"""Sample weights of extreme scale, on every path that sums them.

Every score, curve, threshold and decision rule here only depends on ratios of
sums of weights, so multiplying every weight by a power of two ``2**e`` must
leave it unchanged, for any ``e`` that keeps the weights finite: 1e308 (sums
overflow), 1e-300 and subnormals down to 5e-324 (sums underflow), mixtures of
1e308 and 1. Small integers times ``2**e`` are exact float64 numbers for
``e`` in [-1070, 1020] (subnormals hold the multiples of ``2**-1074``), and so
are their sums in a unit of a power of two: the answers are the unit-weight
answers bit for bit.

For ``BalancedLogisticRegression`` the weights are absolute, as in
scikit-learn: scaling every weight by ``c`` is scaling ``C`` by ``c``.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin

from sklearn_balanced import (
    BalancedLogisticRegression,
    BalancedThresholdClassifier,
)
from sklearn_balanced._cli import main
from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    ScoreCounts,
    balanced_accuracy_curve,
    balanced_accuracy_interval,
    compare_balanced_accuracy,
)
from sklearn_balanced.model_selection import tune_offsets, tune_threshold
from sklearn_balanced.utils._steps import select_plateau
from sklearn_balanced.utils._validation import (
    check_scaled_sample_weight,
    weight_exponent,
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
#: Exponents ``e`` for which small integer weights times ``2**e`` are exact.
EXPONENTS = st.integers(-1070, 1020)
#: Sums of float64 weights of one class overflow past 1.8e308.
HUGE = 1e308


def _problem(seed, n_samples=40, n_classes=2):
    """Labels, a binary score, per-class scores and integer weights in [1, 7]."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    rng.shuffle(y)
    score = y + rng.normal(size=n_samples)
    scores = rng.normal(size=(n_samples, n_classes)) + 1.5 * np.eye(n_classes)[y]
    weights = rng.integers(1, 8, n_samples).astype(np.float64)
    return y, score, scores, weights


def _assert_same_curve(got, expected):
    for name in got._fields:
        assert_array_equal(getattr(got, name), getattr(expected, name))


# ---------------------------------------------------------------- the helper


@settings(max_examples=60, **SETTINGS)
@given(exponent=EXPONENTS, seed=st.integers(0, 2**16))
def test_scaled_weights_are_the_weights_in_a_unit_of_a_power_of_two(exponent, seed):
    *_, weights = _problem(seed)
    scaled, unit = check_scaled_sample_weight(weights * 2.0**exponent, 40)
    # Exact: the scaled weights are the weights times a power of two.
    assert_array_equal(np.ldexp(scaled, unit), weights * 2.0**exponent)
    assert np.isfinite(scaled.sum() * scaled.shape[0])
    assert scaled.max() >= 2.0**-64 or unit == weight_exponent(weights.max())


def test_the_unit_grows_with_the_largest_weight_from_zero_up():
    """Merged counts take the largest unit of theirs: that of the whole data.

    Weights that are all zero took the unit 2**0, above that of tiny weights.
    """
    largest = np.sort(np.r_[0.0, 5e-324, 1e-310, 2.0**-80, 2.0**-64, 1.0, 1e308])
    exponents = [weight_exponent(value) for value in largest]
    assert exponents == sorted(exponents)
    assert exponents[0] == exponents[1] < exponents[-1]


# ------------------------------------------------- curves and ScoreCounts


@settings(max_examples=60, **SETTINGS)
@given(exponent=EXPONENTS, seed=st.integers(0, 2**16))
@example(exponent=1020, seed=0).via("sums overflow")
@example(exponent=-1070, seed=0).via("subnormal weights")
def test_curve_is_invariant_to_a_power_of_two(exponent, seed):
    y, score, _, weights = _problem(seed)
    expected = balanced_accuracy_curve(y, score, sample_weight=weights)
    got = balanced_accuracy_curve(y, score, sample_weight=weights * 2.0**exponent)
    _assert_same_curve(got, expected)


@pytest.mark.parametrize("scale", [HUGE, 1e-300, 5e-324])
def test_curve_of_uniform_extreme_weights_is_the_unweighted_curve(scale):
    """The issue's example: weights of 1e308 made every value NaN.

    Not a power of two, the weights are not exact multiples of the unit: the
    curve is the unweighted one to the rounding of sums of 40 terms.
    """
    y, score, _, _ = _problem(0)
    weights = np.full(y.shape[0], scale)
    got = balanced_accuracy_curve(y, score, sample_weight=weights)
    expected = balanced_accuracy_curve(y, score)
    assert_array_equal(got.thresholds, expected.thresholds)
    tolerance = 4 * y.shape[0] * np.finfo(np.float64).eps
    for name in expected._fields[1:]:
        assert_allclose(getattr(got, name), getattr(expected, name), atol=tolerance)
    assert got.best_threshold() == expected.best_threshold()


def test_curve_of_a_mixture_of_huge_and_unit_weights():
    """Sums overflow; the unit weights are negligible next to the huge ones."""
    y, score, _, _ = _problem(1)
    huge = np.arange(y.shape[0]) % 3 == 0
    weights = np.where(huge, HUGE, 1.0)
    got = balanced_accuracy_curve(y, score, sample_weight=weights)
    # Exactly the curve of the huge samples alone, at every threshold of theirs.
    alone = balanced_accuracy_curve(y, score, sample_weight=huge.astype(float))
    at = np.isin(got.thresholds, alone.thresholds)
    assert_array_equal(got.balanced_accuracy[at], alone.balanced_accuracy)
    assert np.isfinite(got.balanced_accuracy).all()


@pytest.mark.parametrize("max_bins", [None, 4])
@settings(max_examples=30, **SETTINGS)
@given(
    exponents=st.lists(EXPONENTS, min_size=3, max_size=3),
    seed=st.integers(0, 2**16),
)
@example(exponents=[1020, 0, -1070], seed=0).via("every scale at once")
def test_score_counts_of_chunks_of_any_scale(max_bins, exponents, seed):
    """Chunks weighted at different scales merge into the counts of the whole."""
    y, score, _, weights = _problem(seed)
    chunks = np.array_split(np.arange(y.shape[0]), 3)
    scaled = weights.copy()
    for chunk, exponent in zip(chunks, exponents, strict=True):
        scaled[chunk] *= 2.0**exponent
    whole = ScoreCounts(max_bins=max_bins).update(y, score, sample_weight=scaled)
    parts = [
        ScoreCounts(max_bins=max_bins).update(
            y[chunk], score[chunk], sample_weight=scaled[chunk]
        )
        for chunk in chunks
    ]
    merged = parts[2] + (parts[0] + parts[1])
    assert merged.best_threshold() == whole.best_threshold()
    expected = balanced_accuracy_curve(y, score, sample_weight=scaled)
    if max_bins is None:
        # Sums in another order: equal to the rounding of 40 terms.
        tolerance = 4 * y.shape[0] * np.finfo(np.float64).eps
        for name in expected._fields[1:]:
            assert_allclose(
                getattr(merged.curve(), name), getattr(expected, name), atol=tolerance
            )
        assert_array_equal(merged.curve().thresholds, expected.thresholds)


@pytest.mark.parametrize("scale", [HUGE, 5e-324])
def test_score_counts_best_threshold_of_uniform_extreme_weights(scale):
    """The issue's example: "No sample of positive weight" with weights of 1e308."""
    y, score, _, _ = _problem(2)
    weights = np.full(y.shape[0], scale)
    counts = ScoreCounts().update(y, score, sample_weight=weights)
    assert counts.best_threshold() == balanced_accuracy_curve(y, score).best_threshold()


def test_score_counts_refine_keeps_the_unit_of_its_first_pass():
    y, score, _, weights = _problem(3)
    huge = weights * 2.0**1000
    coarse = ScoreCounts(max_bins=4).update(y, score, sample_weight=huge)
    while not coarse.exact:
        coarse = coarse.refine(max_bins=4).update(y, score, sample_weight=huge)
    expected = balanced_accuracy_curve(y, score, sample_weight=weights)
    assert coarse.best_threshold() == expected.best_threshold()


def test_display_from_predictions_with_huge_weights(pyplot):
    """The curve was NaN, and the accuracy too (its class shares overflowed)."""
    y, score, _, weights = _problem(4)
    display = BalancedAccuracyCurveDisplay.from_predictions(
        y, score, sample_weight=weights * 2.0**1020
    )
    expected = BalancedAccuracyCurveDisplay.from_predictions(
        y, score, sample_weight=weights
    )
    assert_array_equal(display.balanced_accuracy, expected.balanced_accuracy)
    assert_array_equal(display.accuracy, expected.accuracy)


# ------------------------------------------------------- threshold searches


@settings(max_examples=40, **SETTINGS)
@given(exponents=st.lists(EXPONENTS, min_size=2, max_size=2), seed=st.integers(0, 99))
@example(exponents=[1020, -1070], seed=0).via("sums overflow, subnormals")
def test_tune_threshold_is_invariant_to_a_power_of_two_per_fold(exponents, seed):
    y, score, _, weights = _problem(seed)
    folds = [slice(0, 20), slice(20, 40)]

    def search(scales):
        return tune_threshold(
            [y[fold] for fold in folds],
            [score[fold] for fold in folds],
            sample_weight=[
                weights[fold] * s for fold, s in zip(folds, scales, strict=True)
            ],
            max_positive_rate=0.6,
            min_recall={0: 0.3},
        )

    expected = search([1.0, 1.0])
    got = search([2.0**exponent for exponent in exponents])
    for name in expected._fields:
        assert_array_equal(getattr(got, name), getattr(expected, name))


@pytest.mark.parametrize("scale", [HUGE, 5e-324])
def test_tune_threshold_with_uniform_extreme_weights(scale):
    """The issue's example: an IndexError in utils/_steps.py with 1e308."""
    y, score, _, _ = _problem(5)
    result = tune_threshold(y, score, sample_weight=np.full(y.shape[0], scale))
    assert result.threshold == tune_threshold(y, score).threshold


def test_tune_threshold_of_dask_folds_with_huge_weights():
    """The class weights of a Dask fold are summed in a safe unit too."""
    da = pytest.importorskip("dask.array")
    y, score, _, weights = _problem(6)
    got = tune_threshold(
        da.from_array(y, chunks=15),
        da.from_array(score, chunks=15),
        sample_weight=da.from_array(weights * 2.0**1020, chunks=15),
        max_positive_rate=0.5,
    )
    expected = tune_threshold(y, score, sample_weight=weights, max_positive_rate=0.5)
    assert got.threshold == expected.threshold
    assert_array_equal(got.positive_rate, expected.positive_rate)


@settings(max_examples=25, **SETTINGS)
@given(exponent=EXPONENTS, seed=st.integers(0, 99))
@example(exponent=1020, seed=0).via("sums overflow")
def test_tune_offsets_is_invariant_to_a_power_of_two(exponent, seed):
    y, _, scores, weights = _problem(seed, n_samples=45, n_classes=3)
    expected = tune_offsets(y, scores, sample_weight=weights, min_recall={2: 0.5})
    got = tune_offsets(
        y, scores, sample_weight=weights * 2.0**exponent, min_recall={2: 0.5}
    )
    assert_array_equal(got.offsets, expected.offsets)
    assert got.score == expected.score


class _FixedScores(ClassifierMixin, BaseEstimator):
    """Scores that do not depend on the fit: its first columns (no weights)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        n_classes = self.classes_.shape[0]
        return X[:, 0] if n_classes == 2 else X[:, :n_classes]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("exponent", [-1070, -1000, 1000, 1020])
def test_threshold_classifier_is_invariant_to_a_power_of_two(n_classes, exponent):
    """The class prior that starts the offset search was NaN with 1e308."""
    y, score, scores, weights = _problem(7, n_samples=60, n_classes=n_classes)
    X = scores if n_classes > 2 else score[:, np.newaxis]

    def fit(sample_weight):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "_FixedScores.fit does not accept")
            return BalancedThresholdClassifier(_FixedScores(), cv=3).fit(
                X, y, sample_weight=sample_weight
            )

    expected, got = fit(weights), fit(weights * 2.0**exponent)
    assert got.best_score_ == expected.best_score_
    if n_classes == 2:
        assert got.best_threshold_ == expected.best_threshold_
    else:
        assert_array_equal(got.best_offsets_, expected.best_offsets_)


# ------------------------------------------------------- intervals, comparisons


@pytest.mark.parametrize("exponent", [-1070, 1020])
@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_interval_is_invariant_to_a_power_of_two(exponent, method):
    y, score, _, weights = _problem(8)
    y_pred = (score > 0.5).astype(int)
    options = {"method": method, "n_resamples": 99, "random_state": 0}
    expected = balanced_accuracy_interval(y, y_pred, sample_weight=weights, **options)
    got = balanced_accuracy_interval(
        y, y_pred, sample_weight=weights * 2.0**exponent, **options
    )
    assert (got.score, got.low, got.high) == (
        expected.score,
        expected.low,
        expected.high,
    )


@pytest.mark.parametrize("exponent", [-1070, 1020])
def test_comparison_is_invariant_to_a_power_of_two(exponent):
    y, score, _, weights = _problem(9)
    y_a, y_b = (score > 0.5).astype(int), (score > 0.0).astype(int)
    expected = compare_balanced_accuracy(y, y_a, y_b, sample_weight=weights)
    got = compare_balanced_accuracy(y, y_a, y_b, sample_weight=weights * 2.0**exponent)
    for name in ("difference", "low", "high", "p_value", "prob_a_better"):
        assert getattr(got, name) == getattr(expected, name)


# ------------------------------------------------- BalancedLogisticRegression


@settings(max_examples=12, **SETTINGS)
@given(exponent=st.integers(-1020, 1020))
@example(exponent=1020).via("sums overflow")
@example(exponent=-1020).via("C * total weight overflows")
def test_logistic_weights_times_c_are_c_times_C(exponent):
    """The scikit-learn objective: ``sum_i c w_i loss_i`` with ``C`` is that of
    ``w_i`` with ``c C``; sums of 1e308 weights overflowed into a false
    "total weight of zero" error."""
    y, _, scores, weights = _problem(10, n_samples=45, n_classes=3)
    expected = BalancedLogisticRegression().fit(scores, y, sample_weight=weights)
    got = BalancedLogisticRegression(C=2.0**-exponent).fit(
        scores, y, sample_weight=weights * 2.0**exponent
    )
    assert_array_equal(got.coef_, expected.coef_)
    assert_array_equal(got.intercept_, expected.intercept_)
    assert_array_equal(got.class_prior_, expected.class_prior_)


def test_logistic_with_huge_class_weights():
    """Class weights of 1e308 summed to inf, which zeroed every weight."""
    y, _, scores, _ = _problem(11, n_classes=3)
    huge = BalancedLogisticRegression(class_weight=dict.fromkeys(range(3), HUGE))
    unit = BalancedLogisticRegression(class_weight=dict.fromkeys(range(3), 1.0))
    huge.fit(scores, y)
    unit.set_params(C=HUGE).fit(scores, y)
    assert_array_equal(huge.coef_, unit.coef_)
    assert_array_equal(huge.proba_prior_, unit.proba_prior_)


@pytest.mark.parametrize(
    ("C", "scale"), [(1.0, 5e-324), (5e-324, 1.0), (1e-300, 1e-30)]
)
def test_logistic_penalty_past_float64_is_a_clear_error(C, scale):
    y, _, scores, _ = _problem(12)
    model = BalancedLogisticRegression(C=C)
    with pytest.raises(ValueError, match=r"penalty 1 / \(C \* total weight\)"):
        model.fit(scores, y, sample_weight=np.full(y.shape[0], scale))


@settings(max_examples=20, **SETTINGS)
@given(exponent=st.integers(-1070, 1020))
@example(exponent=1020).via("the sum overflows")
def test_proba_prior_is_invariant_to_a_power_of_two(exponent):
    y, _, scores, _ = _problem(13, n_classes=3)
    prior = np.array([5.0, 6.0, 7.0])
    expected = BalancedLogisticRegression(proba_prior=prior).fit(scores, y)
    got = BalancedLogisticRegression(proba_prior=prior * 2.0**exponent).fit(scores, y)
    assert_array_equal(got.proba_prior_, expected.proba_prior_)
    assert_array_equal(got.proba_offset_, expected.proba_offset_)


def test_proba_prior_of_huge_values():
    """The issue's example: ``[1e308, 1e308]`` gave a prior of zeros and NaN."""
    y, _, scores, _ = _problem(14)
    got = BalancedLogisticRegression(proba_prior=[HUGE, HUGE]).fit(scores, y)
    expected = BalancedLogisticRegression(proba_prior=[1.0, 1.0]).fit(scores, y)
    assert_array_equal(got.proba_prior_, [0.5, 0.5])
    assert_array_equal(got.predict_proba(scores), expected.predict_proba(scores))


def test_proba_prior_with_a_subnormal_share_has_finite_log_probabilities():
    """The issue's example: ``[1, 1, 5e-324]`` gave log-probabilities of -inf.

    The share of 5e-324 (2**-1075 after normalising) rounds to 0, but its log
    is finite: the log-probabilities of that class are those of a prior of
    ``2**-1000`` shifted by ``log(2**-1075 / 2**-1001)``, and those of the other
    classes the same (the third class weighs nothing in either).
    """
    y, _, scores, _ = _problem(15, n_classes=3)
    tiny = BalancedLogisticRegression(proba_prior=[1.0, 1.0, 5e-324]).fit(scores, y)
    normal = BalancedLogisticRegression(proba_prior=[1.0, 1.0, 2.0**-1000])
    normal.fit(scores, y)
    got, expected = tiny.predict_log_proba(scores), normal.predict_log_proba(scores)
    assert np.isfinite(got).all()
    assert_array_equal(tiny.proba_prior_, [0.5, 0.5, 0.0])
    # log-probabilities of magnitude up to ~760: a few ulps of that.
    tolerance = 8 * np.finfo(np.float64).eps * np.abs(got).max()
    assert_allclose(got[:, :2], expected[:, :2], rtol=0, atol=tolerance)
    assert_allclose(
        got[:, 2], expected[:, 2] - 74 * np.log(2.0), rtol=0, atol=tolerance
    )


# ---------------------------------------------------------------- the CLI


def test_report_with_huge_weights_runs_end_to_end(tmp_path, capsys):
    """The issue's example: ``report --score s --sample-weight w`` tracebacked."""
    y, score, _, _ = _problem(16)
    path = tmp_path / "scored.csv"
    rows = [
        f"{label},{float(value)!r},{HUGE!r},1"
        for label, value in zip(y, score, strict=True)
    ]
    path.write_text("y,s,w,u\n" + "\n".join(rows) + "\n")

    def report(weight):
        argv = ["report", str(path), "--y-true", "y", "--score", "s"]
        status = main([*argv, "--sample-weight", weight])
        out = capsys.readouterr().out
        return status, [
            line for line in out.splitlines() if "balanced accuracy" in line
        ]

    huge_status, huge_lines = report("w")
    unit_status, unit_lines = report("u")
    assert huge_status == unit_status == 0
    assert huge_lines == unit_lines


def test_select_plateau_of_an_undefined_objective_is_a_clear_error():
    """A NaN objective (the symptom of overflowed sums) raised an IndexError."""
    thresholds = np.array([np.inf, 0.8, 0.4])
    objective = np.array([0.5, np.nan, 0.75])
    with pytest.raises(ValueError, match="undefined"):
        select_plateau(thresholds, objective, "middle")


@pytest.mark.parametrize(
    ("dtype", "exponent"), [(np.uint8, 0), (np.int64, 0), (np.int64, 60)]
)
def test_integer_weights_are_the_float_weights(dtype, exponent):
    y, score, _, weights = _problem(17)
    integers = weights.astype(dtype) * dtype(2) ** dtype(exponent)
    expected = tune_threshold(y, score, sample_weight=weights, max_positive_rate=0.5)
    got = tune_threshold(y, score, sample_weight=integers, max_positive_rate=0.5)
    for name in expected._fields:
        assert_array_equal(getattr(got, name), getattr(expected, name))
    counts = ScoreCounts().update(y, score, sample_weight=integers)
    assert counts.best_threshold() == expected.fold_thresholds[0]


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_dask_logistic_fit_with_overflowing_weights_is_a_clear_error():
    """Not yet fitted in a safe unit (the partitions' class totals are summed as
    given): a clear error, where "a total weight of zero" was claimed."""
    da = pytest.importorskip("dask.array")
    y, _, scores, _ = _problem(18)
    weights = da.from_array(np.full(y.shape[0], HUGE), chunks=20)
    model = BalancedLogisticRegression()
    X, y = da.from_array(scores, chunks=(20, 2)), da.from_array(y, chunks=20)
    with pytest.raises(ValueError, match="add up past the float64 range"):
        model.fit(X, y, sample_weight=weights)
