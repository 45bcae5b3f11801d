"""Property tests: our metrics against scikit-learn, the reference implementation.

scikit-learn 1.9 is the anchor. With ``labels=None`` and ``zero_division="warn"``
our ``balanced_accuracy_score`` must return scikit-learn's value, emit the same
``UserWarning`` and raise the same exception types. The extensions (``labels``,
numeric ``zero_division``, ``per_class_recall``) are checked against
``sklearn.metrics.precision_recall_fscore_support``, whose per-class recall with
``labels`` has the semantics we document.
"""

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.utils.multiclass import unique_labels

from sklearn_balanced.metrics import (
    ConfusionCounts,
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)
from sklearn_balanced.metrics._counts import confusion_counts

# scikit-learn's confusion_matrix notice about single-label targets (see
# ``_user_warnings``) is noise here.
pytestmark = pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
MISSING_CLASS_WARNING = "y_pred contains classes not in y_true"

# Label pools: a small integer range (counting fast path), integers spread over a
# huge range (general path), strings, and booleans.
SMALL_INTS = list(range(-3, 6))
OFFSET_INTS = list(range(1000, 1009))
SPARSE_INTS = [-(2**40), -7, 0, 3, 10**6, 2**40, 2**62, 5, 99]
STRINGS = ["a", "ab", "b", "cat", "dog", "Z", "é", "🙂", "10", "2", "", "x" * 30]

INT_DTYPES = {
    "small": ["list", "int8", "int16", "int32", "int64", "float64"],
    "offset": ["list", "int16", "int64", "uint16", "float64"],
    "sparse": ["list", "int64"],
}
STR_DTYPES = ["list", "tuple", "unicode", "object"]


def _as_container(values, kind):
    if kind == "list":
        return list(values)
    if kind == "tuple":
        return tuple(values)
    if kind == "unicode":
        return np.asarray(values, dtype=str)
    return np.asarray(values, dtype=kind)


@st.composite
def _targets(draw, pool, kinds):
    """Draw ``(y_true, y_pred)`` over 1 to 8 candidate classes of ``pool``."""
    n_classes = draw(st.integers(1, min(8, len(pool))))
    classes = draw(
        st.lists(
            st.sampled_from(pool), min_size=n_classes, max_size=n_classes, unique=True
        )
    )
    n_samples = draw(st.integers(1, 40))
    true_values = draw(
        st.lists(st.sampled_from(classes), min_size=n_samples, max_size=n_samples)
    )
    # Predictions sometimes use classes that never occur in y_true.
    pred_pool = classes + draw(st.lists(st.sampled_from(pool), max_size=2))
    pred_values = draw(
        st.lists(st.sampled_from(pred_pool), min_size=n_samples, max_size=n_samples)
    )
    y_true = _as_container(true_values, draw(st.sampled_from(kinds)))
    y_pred = _as_container(pred_values, draw(st.sampled_from(kinds)))
    return y_true, y_pred


@st.composite
def _int_targets(draw):
    pool_name = draw(st.sampled_from(["small", "offset", "sparse"]))
    pool = {"small": SMALL_INTS, "offset": OFFSET_INTS, "sparse": SPARSE_INTS}
    return draw(_targets(pool[pool_name], INT_DTYPES[pool_name]))


def _weights(n_samples):
    """None, or non-negative weights of which at least one is positive."""
    floats = st.lists(
        st.floats(0.0, 10.0, allow_nan=False, allow_infinity=False),
        min_size=n_samples,
        max_size=n_samples,
    )
    ints = st.lists(st.integers(0, 4), min_size=n_samples, max_size=n_samples)
    return st.none() | (floats | ints).filter(lambda w: sum(w) > 0)


def _call(function, *args, **kwargs):
    """Return ``function``'s result and the warnings it emitted."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, record


def _user_warnings(record):
    """Messages of the UserWarnings recorded, but for an irrelevant one.

    scikit-learn's ``confusion_matrix`` warns when the targets hold a single label
    (its matrix shape may be wrong); this is no concern for a balanced accuracy,
    which does not repeat it.
    """
    return sorted(
        str(w.message)
        for w in record
        if issubclass(w.category, UserWarning)
        and not str(w.message).startswith("A single label was found")
    )


def _n_true_classes_with_weight(y_true, sample_weight):
    """Number of true classes of positive total weight: the classes averaged."""
    y_true = np.asarray(y_true)
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    return len(
        {label for label, w in zip(y_true.tolist(), weights, strict=True) if w > 0}
    )


def _check_against_sklearn(y_true, y_pred, sample_weight, adjusted):
    expected, sk_record = _call(
        skm.balanced_accuracy_score,
        y_true,
        y_pred,
        sample_weight=sample_weight,
        adjusted=adjusted,
    )
    ours, our_record = _call(
        balanced_accuracy_score,
        y_true,
        y_pred,
        sample_weight=sample_weight,
        adjusted=adjusted,
    )
    assert type(ours) is float
    expected_warnings = _user_warnings(sk_record)
    # scikit-learn warns about classes left out: predicted-only classes and true
    # classes whose weights are all zero. We warn alike, with the same words.
    assert set(expected_warnings) <= {MISSING_CLASS_WARNING}
    if adjusted and _n_true_classes_with_weight(y_true, sample_weight) == 1:
        # scikit-learn divides by zero (nan or -inf); we return nan and say why.
        assert math.isnan(ours)
        adjusted_warning = [w for w in _user_warnings(our_record) if "adjusted" in w]
        assert len(adjusted_warning) == 1
        assert sorted([*expected_warnings, *adjusted_warning]) == _user_warnings(
            our_record
        )
        return
    rel = 1e-15 if sample_weight is None else 1e-12
    assert ours == pytest.approx(expected, rel=rel, abs=rel)
    assert _user_warnings(our_record) == expected_warnings


@settings(max_examples=350, **SETTINGS)
@given(data=st.data(), adjusted=st.booleans())
def test_integer_labels_match_sklearn(data, adjusted):
    y_true, y_pred = data.draw(_int_targets())
    sample_weight = data.draw(_weights(len(y_true)))
    _check_against_sklearn(y_true, y_pred, sample_weight, adjusted)


@settings(max_examples=250, **SETTINGS)
@given(data=st.data(), adjusted=st.booleans())
def test_string_labels_match_sklearn(data, adjusted):
    y_true, y_pred = data.draw(_targets(STRINGS, STR_DTYPES))
    sample_weight = data.draw(_weights(len(y_true)))
    _check_against_sklearn(y_true, y_pred, sample_weight, adjusted)


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), exponent=st.integers(-1070, 1020))
def test_confusion_counts_accuracy_matches_sklearn_at_any_scale(data, exponent):
    y_true, y_pred = data.draw(_int_targets() | _targets(STRINGS, STR_DTYPES))
    sample_weight = data.draw(_weights(len(y_true)))
    expected = skm.accuracy_score(y_true, y_pred, sample_weight=sample_weight)
    counts = ConfusionCounts().update(y_true, y_pred, sample_weight=sample_weight)
    assert counts.accuracy() == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # Weights scaled by a power of two give the same accuracy, even where
    # their sums (or single cells) are past the float64 range.
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    weights = np.asarray(weights, dtype=np.float64)
    scaled = np.ldexp(weights, exponent)
    if np.array_equal(np.ldexp(scaled, -exponent), weights):  # scaled exactly
        rescaled = ConfusionCounts().update(y_true, y_pred, sample_weight=scaled)
        assert rescaled.accuracy() == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), adjusted=st.booleans())
def test_boolean_labels_match_sklearn(data, adjusted):
    y_true, y_pred = data.draw(_targets([False, True], ["list", "bool"]))
    sample_weight = data.draw(_weights(len(y_true)))
    _check_against_sklearn(y_true, y_pred, sample_weight, adjusted)


@settings(max_examples=100, **SETTINGS)
@given(data=st.data(), adjusted=st.booleans())
def test_from_sklearn_confusion_matrix_matches_sklearn(data, adjusted):
    y_true, y_pred = data.draw(_int_targets())
    sample_weight = data.draw(_weights(len(y_true)))
    assume(not adjusted or _n_true_classes_with_weight(y_true, sample_weight) > 1)
    matrix = skm.confusion_matrix(y_true, y_pred, sample_weight=sample_weight)
    expected, sk_record = _call(
        skm.balanced_accuracy_score,
        y_true,
        y_pred,
        sample_weight=sample_weight,
        adjusted=adjusted,
    )
    ours, our_record = _call(
        balanced_accuracy_from_confusion_matrix, matrix, adjusted=adjusted
    )
    assert type(ours) is float
    assert ours == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert bool(_user_warnings(our_record)) == bool(_user_warnings(sk_record))


@settings(max_examples=100, **SETTINGS)
@given(data=st.data())
def test_balanced_error_rate_is_one_minus_sklearn(data):
    y_true, y_pred = data.draw(_targets(STRINGS, STR_DTYPES))
    sample_weight = data.draw(_weights(len(y_true)))
    expected, _ = _call(
        skm.balanced_accuracy_score, y_true, y_pred, sample_weight=sample_weight
    )
    ours, _ = _call(balanced_error_rate, y_true, y_pred, sample_weight=sample_weight)
    assert type(ours) is float
    assert ours == pytest.approx(1.0 - expected, rel=1e-12, abs=1e-12)


@settings(max_examples=100, **SETTINGS)
@given(data=st.data())
def test_confusion_counts_match_sklearn_confusion_matrix(data):
    y_true, y_pred = data.draw(_int_targets() | _targets(STRINGS, STR_DTYPES))
    sample_weight = data.draw(_weights(len(y_true)))
    matrix = skm.confusion_matrix(y_true, y_pred, sample_weight=sample_weight)
    counts = confusion_counts(y_true, y_pred, sample_weight=sample_weight)
    expected_classes = unique_labels(y_true, y_pred)
    np.testing.assert_array_equal(counts.classes, expected_classes)
    np.testing.assert_allclose(counts.correct, np.diag(matrix), rtol=1e-12)
    np.testing.assert_allclose(counts.support, matrix.sum(axis=1), rtol=1e-12)
    assert counts.support.dtype == np.float64


@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_counts_of_parts_add_up_to_counts_of_the_whole(data):
    y_true, y_pred = data.draw(_int_targets() | _targets(STRINGS, STR_DTYPES))
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    sample_weight = data.draw(_weights(len(y_true)))
    weights = (
        np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight)
    )
    labels = unique_labels(y_true, y_pred)
    split = data.draw(st.integers(0, len(y_true)))
    whole = confusion_counts(y_true, y_pred, labels=labels, sample_weight=weights)
    parts = [
        confusion_counts(
            y_true[part], y_pred[part], labels=labels, sample_weight=weights[part]
        )
        for part in (slice(None, split), slice(split, None))
        if len(y_true[part])
    ]
    for field in ("correct", "support"):
        total = sum(getattr(counts, field) for counts in parts)
        np.testing.assert_allclose(total, getattr(whole, field), rtol=1e-12)
    for counts in parts:
        np.testing.assert_array_equal(counts.classes, labels)


# --- labels and zero_division, against sklearn's per-class recall -------------


@st.composite
def _labelled_problem(draw):
    """Targets plus a ``labels`` list in any order, partly outside the data."""
    y_true, y_pred = draw(_int_targets() | _targets(STRINGS, STR_DTYPES))
    present = sorted(
        set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist())
    )
    pool = STRINGS if isinstance(present[0], str) else SMALL_INTS
    candidates = present + [label for label in pool if label not in present]
    labels = draw(
        st.lists(st.sampled_from(candidates), min_size=1, max_size=6, unique=True)
    )
    return y_true, y_pred, labels


def _reference_recall(y_true, y_pred, labels, sample_weight, zero_division):
    """Per-class recall over ``labels`` and the weighted support of each class."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, recall, _, support = skm.precision_recall_fscore_support(
            y_true,
            y_pred,
            labels=labels,
            sample_weight=sample_weight,
            average=None,
            zero_division=0.0,
        )
    return np.where(support > 0, recall, zero_division), support


@settings(max_examples=200, **SETTINGS)
@given(
    problem=_labelled_problem(),
    zero_division=st.floats(0.0, 1.0),
    adjusted=st.booleans(),
    data=st.data(),
)
def test_labels_with_numeric_zero_division_match_sklearn_recall(
    problem, zero_division, adjusted, data
):
    y_true, y_pred, labels = problem
    sample_weight = data.draw(_weights(len(y_true)))
    # A numeric zero_division applies even when no class of labels has a true
    # sample, as in scikit-learn's recall_score(..., average=None).
    recall, _ = _reference_recall(y_true, y_pred, labels, sample_weight, zero_division)
    kwargs = {
        "labels": labels,
        "sample_weight": sample_weight,
        "zero_division": zero_division,
    }
    expected = recall.mean()
    if adjusted:
        assume(len(labels) > 1)
        expected = (expected - 1 / len(labels)) / (1 - 1 / len(labels))
    ours, record = _call(
        balanced_accuracy_score, y_true, y_pred, adjusted=adjusted, **kwargs
    )
    assert type(ours) is float
    assert ours == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert not _user_warnings(record)
    per_class, record = _call(per_class_recall, y_true, y_pred, **kwargs)
    np.testing.assert_allclose(per_class, recall, rtol=1e-12, atol=1e-12)
    assert not _user_warnings(record)


@settings(max_examples=150, **SETTINGS)
@given(problem=_labelled_problem(), data=st.data())
def test_labels_with_warn_and_nan_zero_division(problem, data):
    y_true, y_pred, labels = problem
    sample_weight = data.draw(_weights(len(y_true)))
    recall, support = _reference_recall(y_true, y_pred, labels, sample_weight, 0.0)
    defined = support > 0
    if not defined.any():
        _assert_undefined(
            y_true, y_pred, {"labels": labels, "sample_weight": sample_weight}
        )
        return

    ours, record = _call(
        balanced_accuracy_score,
        y_true,
        y_pred,
        labels=labels,
        sample_weight=sample_weight,
        zero_division=np.nan,
    )
    if defined.all():
        assert ours == pytest.approx(recall.mean(), rel=1e-12, abs=1e-12)
    else:
        assert math.isnan(ours)

    ours, record = _call(
        balanced_accuracy_score,
        y_true,
        y_pred,
        labels=labels,
        sample_weight=sample_weight,
        zero_division="warn",
    )
    assert bool(_user_warnings(record)) == (not defined.all())
    assert ours == pytest.approx(recall[defined].mean(), rel=1e-12, abs=1e-12)


def _assert_undefined(y_true, y_pred, kwargs):
    """No class of ``labels`` has a true sample of positive weight and
    ``zero_division="warn"`` leaves nothing to average: an error."""
    for function in (balanced_accuracy_score, per_class_recall):
        with pytest.raises(ValueError, match="labels"):
            function(y_true, y_pred, **kwargs)
