"""Behaviour of the public metric API: seed cases, options, invariances, inputs."""

import contextlib
import inspect
import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import sklearn_balanced
from sklearn_balanced.metrics import (
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
MISSING_CLASS_WARNING = "y_pred contains classes not in y_true"


@contextlib.contextmanager
def _no_warnings():
    """A context in which any warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- seed cases ---------------------------------------------------------------


def test_always_majority_on_990_negatives_and_10_positives():
    y_true = np.array([0] * 990 + [1] * 10)
    y_pred = np.zeros_like(y_true)
    assert skm.accuracy_score(y_true, y_pred) == pytest.approx(0.99)
    assert balanced_accuracy_score(y_true, y_pred) == 0.5
    assert balanced_accuracy_score(y_true, y_pred, adjusted=True) == 0.0
    assert balanced_error_rate(y_true, y_pred) == 0.5
    np.testing.assert_array_equal(per_class_recall(y_true, y_pred), [1.0, 0.0])


def test_six_sample_seed_case():
    score = balanced_accuracy_score([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1])
    assert score == pytest.approx(2 / 3, rel=1e-15)


@pytest.mark.parametrize(
    ("matrix", "expected", "expected_adjusted"),
    [
        # 50 negatives of which 39 right, 50 positives of which 45 right.
        ([[39, 11], [5, 45]], 0.84, 0.68),
        # 80 negatives of which 75 right, 20 positives of which 4 right.
        ([[75, 5], [16, 4]], 0.56875, 0.1375),
    ],
)
def test_confusion_matrix_seed_cases(matrix, expected, expected_adjusted):
    assert balanced_accuracy_from_confusion_matrix(matrix) == pytest.approx(expected)
    assert balanced_accuracy_from_confusion_matrix(
        matrix, adjusted=True
    ) == pytest.approx(expected_adjusted)
    # Rows are true classes: the transposed matrix scores differently.
    transposed = np.transpose(matrix)
    assert balanced_accuracy_from_confusion_matrix(transposed) != pytest.approx(
        expected
    )
    # Same orientation as scikit-learn's confusion_matrix, and the same score as
    # the samples the matrix counts.
    y_true, y_pred = _samples_from_matrix(matrix)
    np.testing.assert_array_equal(skm.confusion_matrix(y_true, y_pred), matrix)
    assert balanced_accuracy_score(y_true, y_pred) == pytest.approx(expected)


def _samples_from_matrix(matrix):
    matrix = np.asarray(matrix)
    pairs = [
        (i, j)
        for i in range(matrix.shape[0])
        for j in range(matrix.shape[1])
        for _ in range(matrix[i, j])
    ]
    y_true, y_pred = zip(*pairs, strict=True)
    return np.array(y_true), np.array(y_pred)


def test_public_names_are_reexported_at_top_level():
    for name in [
        "balanced_accuracy_score",
        "balanced_accuracy_from_confusion_matrix",
        "balanced_error_rate",
        "per_class_recall",
        "balanced_accuracy_scorer",
        "adjusted_balanced_accuracy_scorer",
        "make_balanced_accuracy_scorer",
    ]:
        assert getattr(sklearn_balanced, name) is getattr(
            sklearn_balanced.metrics, name
        )


@pytest.mark.parametrize(
    "function", [balanced_accuracy_score, balanced_error_rate, per_class_recall]
)
def test_options_are_keyword_only(function):
    with pytest.raises(TypeError):
        function([0, 1], [0, 1], [0, 1])


def test_confusion_matrix_options_are_keyword_only():
    with pytest.raises(TypeError):
        balanced_accuracy_from_confusion_matrix([[1, 0], [0, 1]], True)


def test_balanced_error_rate_has_the_same_signature():
    assert inspect.signature(balanced_error_rate) == inspect.signature(
        balanced_accuracy_score
    )


# --- labels -------------------------------------------------------------------

Y_TRUE = [0, 0, 1, 1, 1, 2, 2, 2, 2]
Y_PRED = [0, 1, 1, 1, 0, 2, 2, 0, 1]
RECALL = {0: 1 / 2, 1: 2 / 3, 2: 2 / 4}


def test_labels_order_only_changes_per_class_order():
    for labels in ([0, 1, 2], [2, 0, 1], [1, 2, 0]):
        recall = per_class_recall(Y_TRUE, Y_PRED, labels=labels)
        np.testing.assert_allclose(recall, [RECALL[k] for k in labels])
        assert balanced_accuracy_score(Y_TRUE, Y_PRED, labels=labels) == pytest.approx(
            np.mean(list(RECALL.values()))
        )


def test_default_labels_are_the_sorted_classes():
    recall = per_class_recall(["b", "a", "c", "a"], ["b", "a", "a", "c"])
    np.testing.assert_allclose(recall, [0.5, 1.0, 0.0])


def test_samples_with_true_class_outside_labels_are_ignored():
    score = balanced_accuracy_score(Y_TRUE, Y_PRED, labels=[0, 1])
    assert score == pytest.approx((RECALL[0] + RECALL[1]) / 2)
    # Changing the predictions of ignored samples does not change the score.
    y_pred = [p if t != 2 else 0 for t, p in zip(Y_TRUE, Y_PRED, strict=True)]
    assert balanced_accuracy_score(Y_TRUE, y_pred, labels=[0, 1]) == score


def test_predictions_outside_labels_are_errors_for_their_true_class():
    y_true = [0, 0, 1, 1]
    assert balanced_accuracy_score(
        y_true, [0, 7, 1, 1], labels=[0, 1]
    ) == pytest.approx(0.75)
    np.testing.assert_allclose(
        per_class_recall(y_true, [0, 7, 1, 9], labels=[0, 1]), [0.5, 0.5]
    )


@pytest.mark.parametrize(
    ("zero_division", "expected"),
    [(0.0, (1 / 2 + 2 / 3 + 0) / 3), (1.0, (1 / 2 + 2 / 3 + 1) / 3), (0.25, None)],
)
def test_label_without_true_samples_takes_numeric_zero_division(
    zero_division, expected
):
    y_true, y_pred = [0, 0, 1, 1, 1], [0, 1, 1, 1, 0]
    if expected is None:
        expected = (1 / 2 + 2 / 3 + zero_division) / 3
    with _no_warnings():
        score = balanced_accuracy_score(
            y_true, y_pred, labels=[0, 1, 5], zero_division=zero_division
        )
        recall = per_class_recall(
            y_true, y_pred, labels=[0, 1, 5], zero_division=zero_division
        )
    assert score == pytest.approx(expected)
    np.testing.assert_allclose(recall, [1 / 2, 2 / 3, zero_division])


def test_label_without_true_samples_with_nan_zero_division():
    y_true, y_pred = [0, 0, 1, 1, 1], [0, 1, 1, 1, 0]
    with _no_warnings():
        score = balanced_accuracy_score(
            y_true, y_pred, labels=[0, 1, 5], zero_division=np.nan
        )
        recall = per_class_recall(
            y_true, y_pred, labels=[0, 1, 5], zero_division=np.nan
        )
        defined = balanced_accuracy_score(
            y_true, y_pred, labels=[0, 1], zero_division=np.nan
        )
    assert math.isnan(score)
    np.testing.assert_allclose(recall, [1 / 2, 2 / 3, np.nan])
    assert defined == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_label_without_true_samples_with_warn_is_dropped():
    y_true, y_pred = [0, 0, 1, 1, 1], [0, 1, 1, 1, 0]
    with pytest.warns(UserWarning, match="labels"):
        score = balanced_accuracy_score(y_true, y_pred, labels=[0, 1, 5])
    assert score == pytest.approx((1 / 2 + 2 / 3) / 2)
    with pytest.warns(UserWarning, match="labels"):
        adjusted = balanced_accuracy_score(
            y_true, y_pred, labels=[0, 1, 5], adjusted=True
        )
    # K counts the classes actually averaged: 2, not 3.
    assert adjusted == pytest.approx(((1 / 2 + 2 / 3) / 2 - 1 / 2) / (1 / 2))


# --- zero_division without labels -----------------------------------------------


def test_predicted_class_absent_from_y_true():
    y_true, y_pred = [0, 0, 1], [0, 2, 1]
    with pytest.warns(UserWarning, match=MISSING_CLASS_WARNING):
        assert balanced_accuracy_score(y_true, y_pred) == pytest.approx(0.75)
    with _no_warnings():
        assert balanced_accuracy_score(
            y_true, y_pred, zero_division=0.0
        ) == pytest.approx(0.5)
        assert balanced_accuracy_score(
            y_true, y_pred, zero_division=1.0
        ) == pytest.approx(2.5 / 3)
        assert math.isnan(balanced_accuracy_score(y_true, y_pred, zero_division=np.nan))
        np.testing.assert_allclose(
            per_class_recall(y_true, y_pred, zero_division=0.5), [0.5, 1.0, 0.5]
        )


def test_per_class_recall_of_a_class_without_true_samples():
    with pytest.warns(UserWarning, match=MISSING_CLASS_WARNING):
        recall = per_class_recall([0, 0, 1], [0, 2, 1])
    np.testing.assert_array_equal(recall, [0.5, 1.0, np.nan])
    with _no_warnings():
        recall = per_class_recall([0, 0, 1], [0, 2, 1], zero_division=np.nan)
    np.testing.assert_array_equal(recall, [0.5, 1.0, np.nan])


def test_class_with_only_zero_weights_takes_zero_division():
    y_true, y_pred = [0, 0, 1, 2], [0, 1, 1, 2]
    weights = [1.0, 1.0, 0.0, 2.0]
    with pytest.warns(UserWarning, match=MISSING_CLASS_WARNING):
        score = balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    assert score == pytest.approx((0.5 + 1.0) / 2)
    with _no_warnings():
        score = balanced_accuracy_score(
            y_true, y_pred, sample_weight=weights, zero_division=0.0
        )
    assert score == pytest.approx((0.5 + 0.0 + 1.0) / 3)


# --- adjusted -------------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3, 8])
def test_adjusted_formula(n_classes):
    rng = np.random.default_rng(n_classes)
    y_true = rng.integers(0, n_classes, size=200)
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, n_classes, 200))
    score = balanced_accuracy_score(y_true, y_pred)
    chance = 1 / n_classes
    assert balanced_accuracy_score(y_true, y_pred, adjusted=True) == pytest.approx(
        (score - chance) / (1 - chance)
    )
    # Chance-level predictions score about 0 adjusted, perfect ones exactly 1.
    assert balanced_accuracy_score(y_true, y_true, adjusted=True) == 1.0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "n_warnings"),
    [
        # The predicted-only class is dropped (one warning), then K = 1.
        ([0, 0, 0], [0, 1, 0], {}, 2),
        ([1, 1, 1], [1, 1, 1], {}, 1),
        ([0, 0, 1, 1], [0, 1, 1, 1], {"labels": [1]}, 1),
        ([0, 0, 1, 1], [0, 1, 1, 1], {"labels": [1], "zero_division": 0.0}, 1),
    ],
)
def test_adjusted_with_a_single_class_is_nan_with_a_warning(
    y_true, y_pred, kwargs, n_warnings
):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        score = balanced_accuracy_score(y_true, y_pred, adjusted=True, **kwargs)
    assert type(score) is float
    assert math.isnan(score)
    assert all(issubclass(w.category, UserWarning) for w in record)
    assert len(record) == n_warnings
    assert "adjusted" in str(record[-1].message)


def test_adjusted_from_confusion_matrix_with_a_single_class():
    with pytest.warns(UserWarning, match="adjusted"):
        score = balanced_accuracy_from_confusion_matrix([[3]], adjusted=True)
    assert math.isnan(score)


# --- from a confusion matrix ------------------------------------------------------


def test_from_confusion_matrix_with_an_empty_row():
    matrix = [[4, 1, 0], [0, 0, 0], [1, 1, 2]]
    with pytest.warns(UserWarning, match="y_true"):
        score = balanced_accuracy_from_confusion_matrix(matrix)
    assert score == pytest.approx((4 / 5 + 2 / 4) / 2)
    with _no_warnings():
        assert balanced_accuracy_from_confusion_matrix(
            matrix, zero_division=1.0
        ) == pytest.approx((4 / 5 + 1 + 2 / 4) / 3)
        assert math.isnan(
            balanced_accuracy_from_confusion_matrix(matrix, zero_division=np.nan)
        )


def test_from_confusion_matrix_accepts_float_counts():
    matrix = np.array([[0.5, 1.5], [0.25, 0.75]])
    score = balanced_accuracy_from_confusion_matrix(matrix)
    assert type(score) is float
    assert score == pytest.approx((0.25 + 0.75) / 2)


# --- invariances (hypothesis) -------------------------------------------------------


@st.composite
def _problem(draw, min_samples=1):
    n_classes = draw(st.integers(1, 6))
    n_samples = draw(st.integers(min_samples, 30))
    codes = st.integers(0, n_classes - 1)
    y_true = np.array(draw(st.lists(codes, min_size=n_samples, max_size=n_samples)))
    y_pred = np.array(draw(st.lists(codes, min_size=n_samples, max_size=n_samples)))
    weights = np.array(
        draw(st.lists(st.floats(0.01, 10.0), min_size=n_samples, max_size=n_samples))
    )
    return y_true, y_pred, weights


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@settings(max_examples=80, **SETTINGS)
@given(problem=_problem(), seed=st.integers(0, 2**32 - 1), adjusted=st.booleans())
def test_permuting_samples_does_not_change_the_score(problem, seed, adjusted):
    y_true, y_pred, weights = problem
    assume(not adjusted or len(np.unique(y_true)) > 1)
    order = np.random.default_rng(seed).permutation(len(y_true))
    for sample_weight in (None, weights):
        permuted_weight = None if sample_weight is None else sample_weight[order]
        expected = _quiet(
            balanced_accuracy_score,
            y_true,
            y_pred,
            sample_weight=sample_weight,
            adjusted=adjusted,
        )
        permuted = _quiet(
            balanced_accuracy_score,
            y_true[order],
            y_pred[order],
            sample_weight=permuted_weight,
            adjusted=adjusted,
        )
        assert permuted == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=80, **SETTINGS)
@given(problem=_problem(), seed=st.integers(0, 2**32 - 1))
def test_relabelling_classes_permutes_per_class_recall(problem, seed):
    y_true, y_pred, weights = problem
    classes = np.unique(np.concatenate([y_true, y_pred]))
    # A bijection onto strings whose sorted order differs from the codes' order.
    rng = np.random.default_rng(seed)
    names = np.array([f"class-{v}" for v in rng.permutation(len(classes)) * 7 + 3])
    rename = dict(zip(classes.tolist(), names.tolist(), strict=True))
    new_true = np.array([rename[v] for v in y_true.tolist()])
    new_pred = np.array([rename[v] for v in y_pred.tolist()])
    recall = _quiet(per_class_recall, y_true, y_pred, sample_weight=weights)
    new_recall = _quiet(
        per_class_recall,
        new_true,
        new_pred,
        sample_weight=weights,
        labels=names,
    )
    np.testing.assert_allclose(new_recall, recall, rtol=1e-12, atol=1e-12)
    assert _quiet(
        balanced_accuracy_score, new_true, new_pred, sample_weight=weights
    ) == pytest.approx(
        _quiet(balanced_accuracy_score, y_true, y_pred, sample_weight=weights),
        rel=1e-12,
        abs=1e-12,
    )


@settings(max_examples=80, **SETTINGS)
@given(problem=_problem(), data=st.data())
def test_integer_weights_equal_repeated_samples(problem, data):
    y_true, y_pred, _ = problem
    counts = np.array(
        data.draw(
            st.lists(st.integers(0, 4), min_size=len(y_true), max_size=len(y_true))
        )
    )
    assume(counts.sum() > 0)
    labels = np.unique(np.concatenate([y_true, y_pred]))
    for kwargs in ({}, {"labels": labels}, {"labels": labels, "zero_division": 0.5}):
        weighted = _quiet(
            balanced_accuracy_score, y_true, y_pred, sample_weight=counts, **kwargs
        )
        repeated = _quiet(
            balanced_accuracy_score,
            np.repeat(y_true, counts),
            np.repeat(y_pred, counts),
            **kwargs,
        )
        assert weighted == pytest.approx(repeated, rel=1e-12, abs=1e-12)


@settings(max_examples=80, **SETTINGS)
@given(problem=_problem(min_samples=2), data=st.data())
def test_zero_weight_equals_removing_the_sample(problem, data):
    y_true, y_pred, weights = problem
    n = len(y_true)
    removed = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    assume(not removed.all())
    zeroed = np.where(removed, 0.0, weights)
    labels = np.unique(np.concatenate([y_true, y_pred]))
    # With fixed labels and a numeric zero_division, a class that loses all its
    # samples takes zero_division either way; with "warn" it is dropped either
    # way. Both give the same score.
    for kwargs in ({"labels": labels, "zero_division": 0.25}, {}):
        with_zero = _quiet(
            balanced_accuracy_score, y_true, y_pred, sample_weight=zeroed, **kwargs
        )
        without = _quiet(
            balanced_accuracy_score,
            y_true[~removed],
            y_pred[~removed],
            sample_weight=weights[~removed],
            **kwargs,
        )
        assert with_zero == pytest.approx(without, rel=1e-12, abs=1e-12)


@settings(max_examples=80, **SETTINGS)
@given(problem=_problem(), scale=st.sampled_from([1e-3, 0.5, 3.0, 1e6]))
def test_scaling_all_weights_does_not_change_the_score(problem, scale):
    y_true, y_pred, weights = problem
    expected = _quiet(balanced_accuracy_score, y_true, y_pred, sample_weight=weights)
    scaled = _quiet(
        balanced_accuracy_score, y_true, y_pred, sample_weight=weights * scale
    )
    assert scaled == pytest.approx(expected, rel=1e-12, abs=1e-12)
    unit = _quiet(balanced_accuracy_score, y_true, y_pred)
    for constant in (np.ones(len(y_true)), np.full(len(y_true), 2.5)):
        assert _quiet(
            balanced_accuracy_score, y_true, y_pred, sample_weight=constant
        ) == pytest.approx(unit, rel=1e-12, abs=1e-12)


@settings(max_examples=80, **SETTINGS)
@given(problem=_problem())
def test_per_class_recall_mean_and_error_rate_agree_with_the_score(problem):
    y_true, y_pred, weights = problem
    score = _quiet(balanced_accuracy_score, y_true, y_pred, sample_weight=weights)
    recall = _quiet(per_class_recall, y_true, y_pred, sample_weight=weights)
    assert isinstance(recall, np.ndarray)
    assert recall.dtype == np.float64
    assert recall.shape == (len(np.unique(np.concatenate([y_true, y_pred]))),)
    assert np.nanmean(recall) == pytest.approx(score, rel=1e-12, abs=1e-12)
    assert _quiet(
        balanced_error_rate, y_true, y_pred, sample_weight=weights
    ) == pytest.approx(1 - score, rel=1e-12, abs=1e-12)
    assert 0.0 <= score <= 1.0


# --- input types ---------------------------------------------------------------------

TRUE = [0, 0, 1, 1, 2, 2, 2]
PRED = [0, 1, 1, 1, 2, 0, 2]
WEIGHT = [1.0, 2.0, 1.0, 0.5, 3.0, 1.0, 1.0]


def _read_only(values):
    array = np.array(values)
    array.setflags(write=False)
    return array


CONTAINERS = {
    "list": list,
    "tuple": tuple,
    "ndarray": np.asarray,
    "readonly": _read_only,
}


@pytest.mark.parametrize("kind", list(CONTAINERS))
def test_container_types(kind):
    make = CONTAINERS[kind]
    expected = skm.balanced_accuracy_score(TRUE, PRED, sample_weight=WEIGHT)
    score = balanced_accuracy_score(make(TRUE), make(PRED), sample_weight=make(WEIGHT))
    assert type(score) is float
    assert score == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("dtype", [str, object])
def test_read_only_string_arrays(dtype):
    y_true = _read_only(np.array([f"c{v}" for v in TRUE], dtype=dtype))
    y_pred = _read_only(np.array([f"c{v}" for v in PRED], dtype=dtype))
    expected = skm.balanced_accuracy_score(y_true, y_pred, sample_weight=WEIGHT)
    score = balanced_accuracy_score(y_true, y_pred, sample_weight=_read_only(WEIGHT))
    assert score == pytest.approx(expected, rel=1e-15)
    assert balanced_accuracy_score(
        y_true, y_pred, labels=_read_only(["c2", "c0"])
    ) == pytest.approx(balanced_accuracy_score(TRUE, PRED, labels=[2, 0]))


def test_column_vectors_are_accepted_like_sklearn():
    y_true = np.asarray(TRUE).reshape(-1, 1)
    y_pred = np.asarray(PRED).reshape(-1, 1)
    expected = skm.balanced_accuracy_score(y_true, y_pred)
    assert balanced_accuracy_score(y_true, y_pred) == pytest.approx(expected)


@pytest.mark.parametrize(
    "make_series",
    [
        lambda pd, v: pd.Series(v),
        lambda pd, v: pd.Series(v, index=[10, 3, 7, 1, 0, 5, 6]),
        lambda pd, v: pd.Series(v, dtype="category"),
        lambda pd, v: pd.Series(v, dtype="Int64"),
        lambda pd, v: pd.Series([f"c{x}" for x in v]),
        lambda pd, v: pd.Series([f"c{x}" for x in v], dtype="string"),
        lambda pd, v: pd.Series([x > 0 for x in v], dtype="boolean"),
        lambda pd, v: pd.DataFrame({"y": v}),
    ],
    ids=[
        "int",
        "shuffled-index",
        "category",
        "Int64",
        "object-str",
        "string",
        "boolean",
        "one-column-frame",
    ],
)
def test_pandas_series(make_series):
    pd = pytest.importorskip("pandas")
    y_true, y_pred = make_series(pd, TRUE), make_series(pd, PRED)
    weights = pd.Series(WEIGHT, index=np.arange(7)[::-1])
    expected = skm.balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    score = balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    assert type(score) is float
    assert score == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(
        per_class_recall(y_true, y_pred, sample_weight=weights),
        skm.recall_score(y_true, y_pred, sample_weight=weights, average=None),
    )


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_pandas_missing_values_are_rejected_like_sklearn():
    pd = pytest.importorskip("pandas")
    y_true = pd.Series([0, pd.NA, 1], dtype="Int64")
    y_pred = pd.Series([0, 1, 1], dtype="Int64")
    with pytest.raises(ValueError, match="y_true"):
        skm.balanced_accuracy_score(y_true, y_pred)
    with pytest.raises(ValueError, match="y_true"):
        balanced_accuracy_score(y_true, y_pred)


def test_labels_accept_array_like_containers():
    expected = balanced_accuracy_score(TRUE, PRED, labels=[2, 0])
    for labels in ((2, 0), np.array([2, 0]), np.array([2, 0], dtype=np.int8)):
        assert balanced_accuracy_score(TRUE, PRED, labels=labels) == expected


def test_inputs_are_not_mutated():
    y_true = np.array(TRUE)
    y_pred = np.array(PRED)
    weights = np.array(WEIGHT)
    labels = np.array([2, 1, 0])
    copies = [a.copy() for a in (y_true, y_pred, weights, labels)]
    kwargs = {"sample_weight": weights, "labels": labels}
    per_class_recall(y_true, y_pred, **kwargs)
    for function in (balanced_accuracy_score, balanced_error_rate):
        function(y_true, y_pred, **kwargs)
        function(y_true, y_pred, adjusted=True, **kwargs)
    for original, copy in zip((y_true, y_pred, weights, labels), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
    matrix = np.array([[3.0, 1.0], [0.0, 2.0]])
    matrix_copy = matrix.copy()
    balanced_accuracy_from_confusion_matrix(matrix, adjusted=True)
    np.testing.assert_array_equal(matrix, matrix_copy)
