"""Bad inputs: exception types, messages naming the argument, inputs never mutated."""

import copy

import numpy as np
import pytest
import sklearn
import sklearn.metrics as skm
from packaging.version import Version
from sklearn.dummy import DummyClassifier

from sklearn_balanced.metrics import (
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_error_rate,
    make_balanced_accuracy_scorer,
    per_class_recall,
)

GOOD_TRUE = [0, 1, 1, 2]
GOOD_PRED = [0, 1, 0, 2]

# Bad targets and weights, with the built-in exception type scikit-learn 1.9 (the
# anchor) raises for each: (id, y_true, y_pred, sample_weight, exception type).
BAD_TARGETS = [
    ("continuous-true", [0.1, 0.5, 0.9], [0, 1, 1], None, ValueError),
    ("continuous-pred", [0, 1, 1], [0.5, 1.0, 0.0], None, ValueError),
    ("continuous-both", [0.1, 0.2, 0.3], [0.1, 0.2, 0.3], None, ValueError),
    (
        "multilabel-indicator",
        np.eye(3, dtype=int),
        np.eye(3, dtype=int),
        None,
        ValueError,
    ),
    (
        "multioutput",
        [[0, 1], [1, 2], [2, 0]],
        [[0, 1], [1, 2], [2, 0]],
        None,
        ValueError,
    ),
    ("three-dimensional", np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), None, ValueError),
    ("length-mismatch", [0, 1, 1], [0, 1], None, ValueError),
    ("nan-true", [0.0, np.nan, 1.0], [0, 1, 1], None, ValueError),
    ("nan-pred", [0, 1, 1], [0.0, np.nan, 1.0], None, ValueError),
    ("inf-true", [0.0, np.inf, 1.0], [0, 1, 1], None, ValueError),
    ("mixed-string-number", ["a", "b", "a"], [1, 0, 1], None, ValueError),
    ("object-integers", np.array([0, 1, 1], dtype=object), [0, 1, 0], None, ValueError),
    (
        "object-with-none",
        np.array([0, None, 1], dtype=object),
        [0, 1, 1],
        None,
        ValueError,
    ),
    (
        "strings-with-none",
        np.array(["a", None], dtype=object),
        ["a", "b"],
        None,
        TypeError,
    ),
    ("bytes", np.array([b"a", b"b"]), np.array([b"a", b"a"]), None, TypeError),
    ("empty", [], [], None, ValueError),
    (
        "empty-arrays",
        np.array([], dtype=int),
        np.array([], dtype=int),
        None,
        ValueError,
    ),
    ("none-true", None, [0, 1], None, ValueError),
    ("scalar-true", 1, 1, None, ValueError),
    ("complex", np.array([1 + 1j, 0]), np.array([1 + 1j, 0]), None, ValueError),
    ("weight-length", [0, 1], [0, 1], [1.0, 2.0, 3.0], ValueError),
    ("weight-nan", [0, 1], [0, 1], [1.0, np.nan], ValueError),
    ("weight-inf", [0, 1], [0, 1], [1.0, np.inf], ValueError),
    ("weight-2d", [0, 1], [0, 1], [[1.0, 1.0]], ValueError),
    ("weight-all-zero", [0, 1], [0, 1], [0.0, 0.0], ValueError),
    ("weight-strings", [0, 1], [0, 1], ["a", "b"], ValueError),
]
# Older scikit-learn versions accept some of these or raise other types.
SKLEARN_IS_ANCHOR = Version(sklearn.__version__) >= Version("1.9")
# Bytes labels were only deprecated before scikit-learn 1.7, and our target
# checks are scikit-learn's.
VERSION_DEPENDENT = {
    "bytes": pytest.mark.skipif(
        Version(sklearn.__version__) < Version("1.7"),
        reason="scikit-learn < 1.7 accepts bytes labels",
    )
}


def _builtin_type(exception):
    """The first built-in exception class in the exception's MRO."""
    return next(cls for cls in type(exception).__mro__ if cls.__module__ == "builtins")


# scikit-learn's target-type check casts NaN labels to int before raising.
IGNORE_CAST_WARNING = pytest.mark.filterwarnings(
    "ignore:invalid value encountered in cast:RuntimeWarning"
)


@IGNORE_CAST_WARNING
@pytest.mark.parametrize(
    ("y_true", "y_pred", "sample_weight", "error"),
    [
        pytest.param(*case[1:], id=case[0], marks=VERSION_DEPENDENT.get(case[0], ()))
        for case in BAD_TARGETS
    ],
)
def test_same_exception_types_as_sklearn(y_true, y_pred, sample_weight, error):
    if SKLEARN_IS_ANCHOR:
        with pytest.raises(error) as expected:
            skm.balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight)
        assert _builtin_type(expected.value) is error
    for function in (balanced_accuracy_score, balanced_error_rate, per_class_recall):
        with pytest.raises(error) as ours:
            function(y_true, y_pred, sample_weight=sample_weight)
        assert _builtin_type(ours.value) is error, (function.__name__, ours.value)


def _score(**kwargs):
    """Score good integer targets unless ``kwargs`` replaces them."""
    arguments = {"y_true": GOOD_TRUE, "y_pred": GOOD_PRED, **kwargs}
    return balanced_accuracy_score(**arguments)


def _score_strings(**kwargs):
    return balanced_accuracy_score(["a", "b", "b"], ["a", "a", "b"], **kwargs)


def _recall(**kwargs):
    return per_class_recall(GOOD_TRUE, GOOD_PRED, **kwargs)


def _from_matrix(**kwargs):
    return balanced_accuracy_from_confusion_matrix(**kwargs)


def _cases(function, argument, values, match=None):
    """One catalogue entry per bad value of ``argument``; ValueError naming it."""
    return [
        pytest.param(
            function, {argument: value}, match or argument, id=f"{argument}-{name}"
        )
        for name, value in values.items()
    ]


CATALOGUE = [
    *_cases(
        _score,
        "y_true",
        {
            "nan": [0.0, np.nan, 1.0, 2.0],
            "inf": [0.0, 1.0, -np.inf, 2.0],
            "none": None,
            "scalar": 3,
        },
    ),
    *_cases(
        _score,
        "y_pred",
        {"nan": [0.0, 1.0, np.nan, 2.0], "inf": [np.inf, 1.0, 1.0, 2.0], "none": None},
    ),
    pytest.param(_score, {"y_true": [], "y_pred": []}, "y_true", id="empty"),
    *_cases(
        _score,
        "sample_weight",
        {
            "negative": [1, -1, 1, 1],
            "nan": [1, np.nan, 1, 1],
            "inf": [1, np.inf, 1, 1],
            "minus-inf": [1, 1, -np.inf, 1],
            "short": [1, 1, 1],
            "long": [1] * 5,
            "2d": np.ones((4, 1)),
            "scalar": 2.0,
            "strings": list("abcd"),
            "complex": np.ones(4) * 1j,
            "all-zero": np.zeros(4),
        },
    ),
    *_cases(
        _score,
        "labels",
        {
            "duplicates": [0, 1, 0],
            "empty": [],
            "2d": [[0, 1], [2, 3]],
            "strings-for-integers": ["a", "b"],
            "absent-from-y_true": [5, 6],
        },
    ),
    *_cases(
        _score_strings,
        "labels",
        {
            "duplicate-strings": ["b", "a", "b"],
            "integers-for-strings": [0, 1],
            "not-comparable": np.array(["a", None], dtype=object),
            "bytes-for-strings": np.array([b"a", b"b"], dtype=object),
        },
    ),
    *_cases(_recall, "labels", {"recall-duplicates": [2, 2]}),
    *_cases(
        _score,
        "zero_division",
        {
            "above-one": 2.0,
            "negative": -0.1,
            "string": "ignore",
            "none": None,
            "list": [0.5],
            "inf": np.inf,
        },
    ),
    *_cases(_score, "adjusted", {"string": "yes", "none": None}),
    *_cases(_recall, "zero_division", {"recall-above-one": 1.5}),
    pytest.param(
        _from_matrix,
        {"C": [[1, 0], [0, 1]], "zero_division": 1.5},
        "zero_division",
        id="matrix-zero_division",
    ),
    *_cases(
        _from_matrix,
        "C",
        {
            "non-square": [[1, 2, 3], [4, 5, 6]],
            "negative": [[1, -2], [3, 4]],
            "nan": [[1, np.nan], [3, 4]],
            "inf": [[1, 2], [np.inf, 4]],
            "1d": [1, 2, 3, 4],
            "3d": np.ones((2, 2, 2)),
            "empty": np.zeros((0, 0)),
            "scalar": 5,
            "strings": [["a", "b"], ["c", "d"]],
        },
        match=r"\bC\b",
    ),
]


@IGNORE_CAST_WARNING
@pytest.mark.parametrize(("function", "kwargs", "match"), CATALOGUE)
def test_bad_input_catalogue(function, kwargs, match):
    originals = copy.deepcopy(kwargs)
    with pytest.raises(ValueError, match=match):
        function(**kwargs)
    # The arguments are left exactly as they were given.
    for name, value in originals.items():
        assert type(kwargs[name]) is type(value)
        assert repr(kwargs[name]) == repr(value)


def test_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 25
    assert len({case.id for case in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(
    "kwargs",
    [{"zero_division": 2.0}, {"labels": [0, 0]}, {"zero_division": "ignore"}],
)
def test_scorer_factory_rejects_bad_options(kwargs):
    X = np.zeros((len(GOOD_TRUE), 1))
    estimator = DummyClassifier(strategy="most_frequent").fit(X, GOOD_TRUE)
    # Validation may happen when the scorer is built or when it is called.
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        make_balanced_accuracy_scorer(**kwargs)(estimator, X, GOOD_TRUE)
