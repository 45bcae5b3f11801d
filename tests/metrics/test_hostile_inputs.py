"""Regressions for hostile inputs: odd containers, extreme weights, huge labels.

Each test compares with scikit-learn where it has an answer, or states the
invariance the answer must keep (a score does not depend on the weights' scale).
"""

import inspect
import math
import tracemalloc
import warnings

import numpy as np
import pytest
import sklearn
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_balanced.metrics import (
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_interval,
    balanced_accuracy_interval_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_error_rate,
    make_balanced_accuracy_scorer,
    per_class_recall,
)
from sklearn_balanced.metrics._counts import confusion_counts

SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
METHODS = ["posterior", "bootstrap", "bootstrap-percentile"]
Y_TRUE = np.array([0, 1, 1, 2, 2, 2, 0, 1])
Y_PRED = np.array([0, 1, 0, 2, 1, 2, 2, 1])


@pytest.fixture
def xp():
    """array-api-strict with scikit-learn's Array API dispatch on."""
    namespace = pytest.importorskip("array_api_strict")
    with sklearn.config_context(array_api_dispatch=True):
        yield namespace


def _peak_memory(function, *args, **kwargs):
    """Result of ``function`` and the peak memory traced while it ran."""
    tracemalloc.start()
    try:
        result = function(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


# --- strings held as Python objects -------------------------------------------------


def _object_labels_with_one_long_label(n_samples, length):
    rng = np.random.default_rng(0)
    pool = np.array(["cat", "dog", "emu", "x" * length], dtype=object)
    y_true = pool[rng.integers(0, 3, n_samples)]
    y_pred = pool[rng.integers(0, 3, n_samples)]
    y_true[n_samples // 2] = pool[3]
    y_pred[n_samples // 3] = pool[3]
    return y_true, y_pred


@pytest.mark.parametrize("labels", [None, ["dog", "cat", "x" * 2_000]])
def test_one_long_object_label_does_not_pad_every_label(labels):
    # A fixed-width copy would take 20_000 * 2_000 * 4 bytes = 160 MB per target.
    y_true, y_pred = _object_labels_with_one_long_label(20_000, 2_000)
    score, peak = _peak_memory(balanced_accuracy_score, y_true, y_pred, labels=labels)
    assert peak < 8 * 2**20, f"peak traced memory {peak / 2**20:.1f} MiB"
    if labels is None:
        expected = skm.balanced_accuracy_score(y_true, y_pred)
    else:
        expected = skm.recall_score(y_true, y_pred, labels=labels, average=None).mean()
    assert score == pytest.approx(expected, rel=1e-12)


def test_object_and_fixed_width_strings_mix():
    y_true, y_pred = _object_labels_with_one_long_label(500, 50)
    expected = skm.balanced_accuracy_score(y_true, y_pred)
    assert balanced_accuracy_score(y_true, y_pred.astype(str)) == pytest.approx(
        expected, rel=1e-12
    )
    counts = confusion_counts(y_true.astype(str), y_pred)
    np.testing.assert_array_equal(counts.classes, np.unique(y_true.astype(str)))


def test_pandas_object_strings():
    pd = pytest.importorskip("pandas")
    y_true, y_pred = _object_labels_with_one_long_label(300, 100)
    expected = skm.balanced_accuracy_score(y_true, y_pred)
    score = balanced_accuracy_score(pd.Series(y_true), pd.Series(y_pred))
    assert score == pytest.approx(expected, rel=1e-12)


# --- masked arrays ------------------------------------------------------------------


@pytest.mark.parametrize("masked", ["y_true", "y_pred", "both"])
def test_masked_targets_are_read_as_scikit_learn_reads_them(masked):
    mask = np.zeros(Y_TRUE.shape[0], dtype=bool)
    mask[[1, 4]] = True
    y_true = np.ma.array(Y_TRUE, mask=mask) if masked != "y_pred" else Y_TRUE
    y_pred = np.ma.array(Y_PRED, mask=mask) if masked != "y_true" else Y_PRED
    expected = skm.balanced_accuracy_score(Y_TRUE, Y_PRED)  # the data
    if SKLEARN_VERSION >= (1, 7):  # 1.6 raises a TypeError on masked arrays
        assert skm.balanced_accuracy_score(y_true, y_pred) == expected
    assert balanced_accuracy_score(y_true, y_pred) == pytest.approx(expected)
    np.testing.assert_allclose(
        per_class_recall(y_true, y_pred),
        skm.recall_score(Y_TRUE, Y_PRED, average=None),
    )


# --- weights of extreme scale -------------------------------------------------------


@pytest.mark.parametrize(
    "weight",
    # Around the ends of the ordinary range, whose weights are counted with one
    # check of their smallest value: totals near 2**63 and 2 n 2**-64.
    [5e-324, 1e-200, 1e-100, 2.0**-64, 2.0**-58, 2.0**52, 2.0**60, 1e100, 1e200, 1e308],
)
def test_equal_extreme_weights_change_nothing(weight):
    weights = np.full(Y_TRUE.shape[0], weight)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = balanced_accuracy_score(Y_TRUE, Y_PRED, sample_weight=weights)
        recall = per_class_recall(Y_TRUE, Y_PRED, sample_weight=weights)
        intervals = [
            balanced_accuracy_interval(
                Y_TRUE, Y_PRED, sample_weight=weights, method=method, random_state=0
            )
            for method in METHODS
        ]
    assert score == balanced_accuracy_score(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(recall, per_class_recall(Y_TRUE, Y_PRED))
    for method, interval in zip(METHODS, intervals, strict=True):
        unweighted = balanced_accuracy_interval(
            Y_TRUE, Y_PRED, method=method, random_state=0
        )
        assert interval.low == pytest.approx(unweighted.low, rel=1e-9)
        assert interval.high == pytest.approx(unweighted.high, rel=1e-9)


def test_weights_summing_past_the_float_range():
    weights = np.full(Y_TRUE.shape[0], 1e308)
    weights[0] = 3e307
    expected = skm.balanced_accuracy_score(
        Y_TRUE, Y_PRED, sample_weight=weights / 1e300
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = balanced_accuracy_score(Y_TRUE, Y_PRED, sample_weight=weights)
        counts = confusion_counts(Y_TRUE, Y_PRED, sample_weight=weights)
    assert score == pytest.approx(expected, rel=1e-12)
    # Weight totals keep the weights' units: beyond the float range, infinite.
    np.testing.assert_array_equal(counts.support, [1.3e308, np.inf, np.inf])


def test_weight_totals_keep_their_units():
    weights = np.full(Y_TRUE.shape[0], 1e250)
    counts = confusion_counts(Y_TRUE, Y_PRED, sample_weight=weights)
    np.testing.assert_allclose(counts.support, [2e250, 3e250, 3e250], rtol=1e-15)
    np.testing.assert_allclose(counts.correct, [1e250, 2e250, 2e250], rtol=1e-15)


@pytest.mark.parametrize("factor", [1.0, 1e-100, 1e200])
def test_interval_rejects_weights_too_small_for_their_squares(factor):
    weights = np.where(Y_TRUE == 2, 1e-170, 1.0) * factor
    with pytest.raises(ValueError, match="sample_weight spans too many orders"):
        balanced_accuracy_interval(Y_TRUE, Y_PRED, sample_weight=weights)


@st.composite
def _weighted_problem(draw):
    n_samples = draw(st.integers(2, 30))
    labels = st.lists(st.integers(0, 3), min_size=n_samples, max_size=n_samples)
    weights = st.lists(st.floats(0.01, 10.0), min_size=n_samples, max_size=n_samples)
    return np.array(draw(labels)), np.array(draw(labels)), np.array(draw(weights))


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return function(*args, **kwargs)


@settings(max_examples=80, **SETTINGS)
@given(
    problem=_weighted_problem(),
    factor=st.floats(1e-305, 1e307),
    adjusted=st.booleans(),
)
def test_scores_do_not_depend_on_the_scale_of_the_weights(problem, factor, adjusted):
    y_true, y_pred, weights = problem
    kwargs = {"adjusted": adjusted}
    expected = _quiet(
        skm.balanced_accuracy_score, y_true, y_pred, sample_weight=weights, **kwargs
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        score = _quiet(
            balanced_accuracy_score,
            y_true,
            y_pred,
            sample_weight=weights * factor,
            **kwargs,
        )
        recall = _quiet(
            per_class_recall, y_true, y_pred, sample_weight=weights * factor
        )
    if math.isnan(expected):
        assert math.isnan(score)
    else:
        assert score == pytest.approx(expected, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        recall, _quiet(per_class_recall, y_true, y_pred, sample_weight=weights)
    )


@settings(max_examples=40, **SETTINGS)
@given(problem=_weighted_problem(), exponent=st.integers(-1000, 1000))
def test_scaling_weights_by_a_power_of_two_is_exact(problem, exponent):
    y_true, y_pred, weights = problem
    scaled = weights * 2.0**exponent
    assert _quiet(
        balanced_accuracy_score, y_true, y_pred, sample_weight=scaled
    ) == _quiet(balanced_accuracy_score, y_true, y_pred, sample_weight=weights)
    if np.unique(y_true).shape[0] > 1:
        assert _quiet(
            balanced_accuracy_interval, y_true, y_pred, sample_weight=scaled
        ) == _quiet(balanced_accuracy_interval, y_true, y_pred, sample_weight=weights)


@settings(max_examples=30, **SETTINGS)
@given(
    problem=_weighted_problem(),
    factor=st.floats(1e-305, 1e307),
    method=st.sampled_from(METHODS),
)
def test_interval_does_not_depend_on_the_scale_of_the_weights(problem, factor, method):
    y_true, y_pred, weights = problem
    if np.unique(y_true).shape[0] < 2:
        return
    kwargs = {"method": method, "random_state": 0, "n_resamples": 499}
    expected = _quiet(
        balanced_accuracy_interval, y_true, y_pred, sample_weight=weights, **kwargs
    )
    result = _quiet(
        balanced_accuracy_interval,
        y_true,
        y_pred,
        sample_weight=weights * factor,
        **kwargs,
    )
    assert result.score == pytest.approx(expected.score, rel=1e-12)
    # Effective sizes agree to rounding; the bootstrap rounds them to integers.
    assert result.low == pytest.approx(expected.low, abs=1e-6)
    assert result.high == pytest.approx(expected.high, abs=1e-6)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("scale", [1e20, 1e300, 5e307])
def test_confusion_matrix_with_huge_counts(scale, method):
    matrix = np.array([[3.0, 1.0], [1.0, 2.0]]) * scale  # 5e307: rows sum past 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = balanced_accuracy_interval_from_confusion_matrix(
            matrix, method=method, random_state=0, n_resamples=999
        )
        score = balanced_accuracy_from_confusion_matrix(matrix)
    assert score == pytest.approx((3 / 4 + 2 / 3) / 2, rel=1e-15)
    assert result.score == score
    # So many samples leave no visible uncertainty.
    assert result.low == pytest.approx(score, abs=1e-6)
    assert result.high == pytest.approx(score, abs=1e-6)


# --- labels without true samples and a numeric zero_division ----------------------


@pytest.mark.parametrize("zero_division", [0, 0.0, 1.0])
def test_numeric_zero_division_applies_when_no_label_has_true_samples(zero_division):
    kwargs = {"labels": [3], "zero_division": zero_division}
    expected = skm.recall_score([0, 1], [0, 3], average=None, **kwargs)
    assert expected.tolist() == [zero_division]
    np.testing.assert_array_equal(per_class_recall([0, 1], [0, 3], **kwargs), expected)
    assert balanced_accuracy_score([0, 1], [0, 3], **kwargs) == expected.mean()
    assert balanced_error_rate([0, 1], [0, 3], **kwargs) == 1 - expected.mean()
    assert balanced_accuracy_from_confusion_matrix(
        np.zeros((2, 2)), zero_division=zero_division
    ) == float(zero_division)


def test_nan_zero_division_when_no_label_has_true_samples():
    kwargs = {"labels": [3], "zero_division": np.nan}
    assert math.isnan(balanced_accuracy_score([0, 1], [0, 3], **kwargs))
    assert np.isnan(per_class_recall([0, 1], [0, 3], **kwargs)).all()


def test_warn_still_has_nothing_to_average():
    with pytest.raises(ValueError, match="labels"):
        balanced_accuracy_score([0, 1], [0, 3], labels=[3])


def test_numeric_zero_division_between_zero_and_one():
    kwargs = {"labels": [3, 4], "zero_division": 0.25}
    np.testing.assert_array_equal(per_class_recall([0, 1], [0, 3], **kwargs), 0.25)
    assert balanced_accuracy_score([0, 1], [0, 3], adjusted=True, **kwargs) == -0.5


def test_numeric_zero_division_in_the_array_api_path(xp):
    kwargs = {"labels": [3], "zero_division": 0.5}
    score = balanced_accuracy_score(xp.asarray([0, 1]), xp.asarray([0, 3]), **kwargs)
    assert score == 0.5


# --- Array API: labels beyond the int64 range --------------------------------------


BIG_LABELS = [
    (np.array([2.0**63, 2.0**63 + 2048, 0.0]), np.array([2.0**63, 2.0**63, 0.0])),
    (np.array([2.0**64, 1e300, -1.0]), np.array([2.0**64, 2.0**64, -1.0])),
    (
        np.array([2**64 - 1, 2**63, 0], dtype=np.uint64),
        np.array([2**64 - 1, 0, 0], dtype=np.uint64),
    ),
]


@pytest.mark.parametrize(("y_true", "y_pred"), BIG_LABELS)
def test_array_api_keeps_labels_beyond_int64_apart(xp, y_true, y_pred):
    # scikit-learn calls floats beyond int64 "continuous"; the NumPy path counts
    # them as labels, and the Array API path must agree with it.
    expected = balanced_accuracy_score(y_true, y_pred)
    assert expected == pytest.approx(2 / 3)
    if y_true.dtype.kind == "u":
        assert expected == skm.balanced_accuracy_score(y_true, y_pred)
    score = balanced_accuracy_score(xp.asarray(y_true), xp.asarray(y_pred))
    assert score == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        per_class_recall(xp.asarray(y_true), xp.asarray(y_pred)),
        per_class_recall(y_true, y_pred),
    )
    labels = np.unique(y_true)[::-1]
    np.testing.assert_allclose(
        per_class_recall(xp.asarray(y_true), xp.asarray(y_pred), labels=labels),
        per_class_recall(y_true, y_pred, labels=labels),
    )


def test_array_api_non_integer_labels_match_nothing(xp):
    kwargs = {"labels": [0.5, 1], "zero_division": 0.0}
    np.testing.assert_array_equal(
        per_class_recall(xp.asarray(Y_TRUE), xp.asarray(Y_PRED), **kwargs),
        per_class_recall(Y_TRUE, Y_PRED, **kwargs),
    )


# --- one set of error messages for NumPy and Array API inputs ----------------------


BAD_INPUTS = {
    "labels-duplicates": ([0, 1, 1], [0, 1, 0], None, [1, 0, 1]),
    "weight-negative": ([0, 1], [0, 1], [-1.0, 1.0], None),
    "weight-nan": ([0, 1], [0, 1], [np.nan, 1.0], None),
    "weight-inf": ([0, 1], [0, 1], [np.inf, 1.0], None),
    "weight-length": ([0, 1], [0, 1], [1.0, 1.0, 1.0], None),
    "weight-2d": ([0, 1], [0, 1], [[1.0, 1.0]], None),
    "weight-all-zero": ([0, 1], [0, 1], [0.0, 0.0], None),
    "empty": (np.array([], dtype=int), np.array([], dtype=int), None, None),
    "length-mismatch": ([0, 1, 1], [0, 1], None, None),
    "nan-true": ([np.nan, 1.0], [0, 1], None, None),
    "continuous-pred": ([0, 1, 2], [0.5, 1.0, 2.0], None, None),
    "continuous-both": ([0.5, 1.5], [0.5, 1.5], None, None),
}


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(
    ("y_true", "y_pred", "sample_weight", "labels"),
    list(BAD_INPUTS.values()),
    ids=list(BAD_INPUTS),
)
def test_array_api_errors_are_the_numpy_errors(
    xp, y_true, y_pred, sample_weight, labels
):
    messages = []
    for convert in (np.asarray, xp.asarray):
        with pytest.raises(ValueError) as error:  # noqa: PT011 - compared below
            balanced_accuracy_score(
                convert(np.asarray(y_true)),
                convert(np.asarray(y_pred)),
                labels=labels,
                sample_weight=None
                if sample_weight is None
                else convert(np.asarray(sample_weight)),
            )
        messages.append(str(error.value))
    assert messages[0] == messages[1]


# --- parameter validation -----------------------------------------------------------


VALID_ARGUMENTS = {
    balanced_accuracy_score: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0]},
    per_class_recall: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0]},
    balanced_error_rate: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0]},
    balanced_accuracy_from_confusion_matrix: {"C": [[2, 1], [0, 3]]},
    balanced_accuracy_interval: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0]},
    balanced_accuracy_interval_from_confusion_matrix: {"C": [[2, 1], [0, 3]]},
    make_balanced_accuracy_scorer: {},
}
PARAMETERS = [
    pytest.param(function, name, id=f"{function.__name__}-{name}")
    for function in VALID_ARGUMENTS
    for name in inspect.signature(function).parameters
]


@pytest.mark.parametrize(("function", "name"), PARAMETERS)
def test_every_parameter_is_declared_to_validate_params(function, name):
    arguments = {**VALID_ARGUMENTS[function], name: object()}
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        function(**arguments)


ZERO_DIVISION_VALUES = [
    "warn",
    0,
    1,
    0.5,
    np.float32(0.25),
    np.nan,
    -0.1,
    1.5,
    np.inf,
    "nan",
    "ignore",
    None,
    [0.5],
]


def _accepts_zero_division(function, value):
    try:
        function(zero_division=value, **VALID_ARGUMENTS[function])
    except InvalidParameterError:
        return False
    return True


def test_zero_division_is_one_constraint_everywhere():
    takers = [
        function
        for function in VALID_ARGUMENTS
        if "zero_division" in inspect.signature(function).parameters
    ]
    assert make_balanced_accuracy_scorer in takers
    accepted = {
        function.__name__: [
            _accepts_zero_division(function, value) for value in ZERO_DIVISION_VALUES
        ]
        for function in takers
    }
    assert accepted["balanced_accuracy_score"] == [True] * 6 + [False] * 7
    assert len({tuple(values) for values in accepted.values()}) == 1, accepted
