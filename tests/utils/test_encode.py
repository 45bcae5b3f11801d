"""The one label encoder and the one pos_label rule, against NumPy and scikit-learn."""

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_balanced.metrics import balanced_accuracy_curve
from sklearn_balanced.utils._encode import (
    codes_in,
    default_pos_label,
    encode,
    encode_union,
    positive_label,
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}

_SIZES = st.integers(0, 40)


def _ints(dtype, low, high):
    return hnp.arrays(dtype, _SIZES, elements=st.integers(low, high))


#: Short strings are packed into 64-bit keys, long ones hashed: both are drawn.
_TEXT = st.text(alphabet="ab\u00e9\u4e2d\U0001f600", max_size=12)

LABELS = st.one_of(
    _ints(np.int64, -(2**62), 2**62),  # wide range: sorted
    _ints(np.int64, -3, 5),  # small range: offset and bincount
    _ints(np.int8, -128, 127),
    _ints(np.uint64, 2**64 - 50, 2**64 - 1),  # beyond the index type
    _ints(np.uint8, 0, 255),
    hnp.arrays(np.bool_, _SIZES),
    hnp.arrays(np.float64, _SIZES, elements=st.sampled_from([0.0, -1.5, 2.0, 1e300])),
    st.lists(_TEXT, max_size=40).map(np.array),  # fixed width, mixed lengths
    st.lists(_TEXT, max_size=40).map(lambda v: np.array(v, dtype=object)),
    st.lists(st.integers(-5, 5), max_size=40).map(lambda v: np.array(v, dtype=object)),
)


def _check_encoding(y, classes, codes):
    expected_classes, expected_codes = np.unique(y, return_inverse=True)
    assert classes.dtype == expected_classes.dtype
    np.testing.assert_array_equal(classes, expected_classes)
    assert codes.dtype == np.intp
    np.testing.assert_array_equal(codes, expected_codes.reshape(-1))


@settings(max_examples=150, **SETTINGS)
@given(y=LABELS)
def test_encode_is_numpy_unique(y):
    before = y.copy()
    classes, codes = encode(y)
    _check_encoding(y, classes, codes)
    np.testing.assert_array_equal(y, before)


def test_encode_hashed_strings_of_many_lengths():
    """Labels too long to pack into 64 bits go through the hash path."""
    rng = np.random.default_rng(0)
    words = np.array(["x" * n + "\u4e2d" * (n % 3) for n in range(1, 40)])
    y = rng.choice(words, size=3000)
    _check_encoding(y, *encode(y))


def test_encode_missing_values():
    """NaN is one class (as np.unique has it); None does not sort with strings."""
    y = np.array([1.0, np.nan, 0.0, np.nan])
    _check_encoding(y, *encode(y))
    with pytest.raises(TypeError):
        np.unique(np.array(["a", None], dtype=object))
    with pytest.raises(TypeError):
        encode(np.array(["a", None, "a"], dtype=object))
    classes, codes = encode(np.array([None, None], dtype=object))
    assert classes.tolist() == [None]
    assert codes.tolist() == [0, 0]


@settings(max_examples=80, **SETTINGS)
@given(y=LABELS, data=st.data())
def test_encode_union_codes_both_targets(y, data):
    """Every label is its class, and the classes hold the union of the labels."""
    if not y.shape[0]:
        return
    y_pred = y[data.draw(st.permutations(range(y.shape[0])))]
    classes, true_codes, pred_codes, n_codes = encode_union(y, y_pred)
    assert classes.shape[0] == n_codes
    for labels, codes in ((y, true_codes), (y_pred, pred_codes)):
        np.testing.assert_array_equal(classes[codes[0 : y.shape[0]]], labels)
    assert set(np.unique(y).tolist()) <= set(classes.tolist())


@settings(max_examples=100, **SETTINGS)
@given(
    y=LABELS,
    data=st.data(),
)
def test_codes_in_known_classes(y, data):
    distinct = np.unique(y)
    known = distinct[data.draw(st.permutations(range(distinct.shape[0])))]
    known = known[: data.draw(st.integers(1, max(distinct.shape[0], 1)))]
    if not known.shape[0]:
        return
    position = {label: i for i, label in enumerate(known.tolist())}
    expected = [position.get(label, known.shape[0]) for label in y.tolist()]
    assert codes_in(y, known).tolist() == expected


def test_codes_in_compares_exactly():
    """Strings as objects meet fixed-width strings; mixed signedness stays exact."""
    classes = np.array(["b", "a"])
    assert codes_in(np.array(["a", "c"], dtype=object), classes).tolist() == [1, 2]
    big = np.array([2**63 + 1], dtype=np.uint64)
    assert codes_in(np.array([-1, 2**62]), big).tolist() == [1, 1]
    assert codes_in(big, np.array([-1, 2**63 + 1], dtype=object)).tolist() == [1]
    with pytest.raises(ValueError, match="labels must be comparable"):
        codes_in(np.array([1, "a"], dtype=object), np.array([1, 2]))


def _sklearn_positive(y):
    """The class scikit-learn's curves count as positive with pos_label=None."""
    scores = np.linspace(0.0, 1.0, y.shape[0])
    default = skm.roc_curve(y, scores)
    for candidate in [*np.unique(y).tolist(), 1]:
        explicit = skm.roc_curve(y, scores, pos_label=candidate)
        if all(
            np.array_equal(a, b, equal_nan=True)
            for a, b in zip(default, explicit, strict=True)
        ):
            return candidate
    raise AssertionError("no positive class reproduces scikit-learn's curve")


CLASS_SETS = [
    [0, 1],
    [-1, 1],
    [0],
    [1],
    [-1],
    [-1, 0],
    [0, 2],
    [1, 2],
    [-1, 2],
    [False, True],
    [0.0, 1.0],
    ["0", "1"],
    ["a", "b"],
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@pytest.mark.parametrize("classes", CLASS_SETS, ids=str)
def test_default_pos_label_is_scikit_learns(classes):
    y = np.array(classes * 3)
    try:
        expected = _sklearn_positive(y)
    except ValueError:
        expected = None
    assert default_pos_label(np.unique(y)) == expected
    if expected is None:
        with pytest.raises(ValueError, match="pos_label must be given explicitly"):
            positive_label(np.unique(y), None)
    else:
        assert positive_label(np.unique(y), None) == expected


@pytest.mark.parametrize("classes", [[0, 1], ["a", "b"], [1, 2]], ids=str)
def test_explicit_pos_label_must_be_a_class(classes):
    classes = np.array(classes)
    assert positive_label(classes, classes[0]) == classes[0]
    with pytest.raises(ValueError, match=r"pos_label=7 is not a valid label"):
        positive_label(classes, 7)
    # One class: any pos_label is accepted (no sample of it, as in scikit-learn).
    assert positive_label(classes[:1], 7) == 7


def test_curve_asks_for_pos_label_of_labels_minus_one_and_zero():
    """Regression: labels {-1, 0} used to take 1 (absent) as the positive class."""
    y_true, y_score = np.array([-1, 0, 0, -1]), np.array([0.1, 0.4, 0.35, 0.8])
    with pytest.raises(ValueError, match="y_true takes value"):
        skm.roc_curve(y_true, y_score)
    with pytest.raises(ValueError, match="pos_label must be given explicitly"):
        balanced_accuracy_curve(y_true, y_score)
