"""Array API inputs: counted in their own namespace and device, same results.

Runs with array-api-strict (the ``array-api`` extra) and, where installed, PyTorch
on the CPU and on CUDA. ``tests/conftest.py`` sets ``SCIPY_ARRAY_API=1``, which
scikit-learn's Array API dispatch requires.
"""

import math
import tracemalloc
import warnings

import numpy as np
import pytest
import sklearn
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_balanced.metrics import (
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)

xps = pytest.importorskip(
    "array_api_strict", reason="array-api-strict (the 'array-api' extra) is needed"
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
SKLEARN_VALIDATES_WEIGHTS = tuple(map(int, sklearn.__version__.split(".")[:2])) >= (
    1,
    7,
)
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8"]


@pytest.fixture(autouse=True)
def _dispatch():
    with sklearn.config_context(array_api_dispatch=True):
        yield


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@st.composite
def _problem(draw):
    dtype = draw(st.sampled_from([*INT_DTYPES, "bool", "float64"]))
    if dtype == "bool":
        low, high = 0, 1
    else:
        low = draw(st.integers(-5, 5)) if dtype != "uint8" else draw(st.integers(0, 5))
        high = low + draw(st.integers(0, 7))
    n_samples = draw(st.integers(1, 40))
    codes = st.lists(st.integers(low, high), min_size=n_samples, max_size=n_samples)
    y_true = np.asarray(draw(codes)).astype(dtype)
    y_pred = np.asarray(draw(codes)).astype(dtype)
    weights = draw(
        st.none()
        | st.lists(st.floats(0.0, 5.0), min_size=n_samples, max_size=n_samples).filter(
            lambda w: sum(w) > 0
        )
    )
    return y_true, y_pred, None if weights is None else np.asarray(weights)


def _to_xp(array, **kwargs):
    return None if array is None else xps.asarray(array, **kwargs)


@settings(max_examples=120, **SETTINGS)
@given(problem=_problem(), adjusted=st.booleans())
def test_array_api_strict_matches_sklearn_on_numpy(problem, adjusted):
    y_true, y_pred, weights = problem
    score = _quiet(
        balanced_accuracy_score,
        _to_xp(y_true),
        _to_xp(y_pred),
        sample_weight=_to_xp(weights),
        adjusted=adjusted,
    )
    assert type(score) is float
    weighted_true = y_true if weights is None else y_true[weights > 0]
    if adjusted and np.unique(weighted_true).shape[0] == 1:
        assert math.isnan(score)  # undefined for a single class
        return
    expected = _quiet(
        skm.balanced_accuracy_score,
        y_true,
        y_pred,
        sample_weight=weights,
        adjusted=adjusted,
    )
    assert score == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=60, **SETTINGS)
@given(
    problem=_problem(),
    labels=st.lists(st.integers(-5, 12), min_size=1, max_size=5, unique=True),
    zero_division=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_labels_and_zero_division_match_numpy(problem, labels, zero_division):
    y_true, y_pred, weights = problem
    if y_true.dtype == bool:
        labels = [bool(v % 2) for v in labels[:2]]
        labels = list(dict.fromkeys(labels))
    kwargs = {"labels": labels, "zero_division": zero_division}
    expected = balanced_accuracy_score(y_true, y_pred, sample_weight=weights, **kwargs)
    score = balanced_accuracy_score(
        _to_xp(y_true), _to_xp(y_pred), sample_weight=_to_xp(weights), **kwargs
    )
    assert score == pytest.approx(expected, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        per_class_recall(
            _to_xp(y_true), _to_xp(y_pred), sample_weight=_to_xp(weights), **kwargs
        ),
        per_class_recall(y_true, y_pred, sample_weight=weights, **kwargs),
        rtol=1e-12,
    )


Y_TRUE = np.array([0, 1, 1, 2, 2, 2, 3])
Y_PRED = np.array([0, 1, 0, 2, 2, 1, 0])
WEIGHT = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 2.0])


def test_results_are_python_floats_and_numpy_recalls():
    y_true, y_pred = _to_xp(Y_TRUE), _to_xp(Y_PRED)
    score = balanced_accuracy_score(y_true, y_pred, sample_weight=_to_xp(WEIGHT))
    assert type(score) is float
    assert type(balanced_error_rate(y_true, y_pred)) is float
    recall = per_class_recall(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(recall), per_class_recall(Y_TRUE, Y_PRED))


def test_labels_may_be_given_in_the_input_namespace():
    expected = balanced_accuracy_score(Y_TRUE, Y_PRED, labels=[3, 1])
    score = balanced_accuracy_score(
        _to_xp(Y_TRUE), _to_xp(Y_PRED), labels=xps.asarray([3, 1])
    )
    assert score == pytest.approx(expected, rel=1e-12)


def test_sample_weight_may_be_a_list():
    # scikit-learn accepts plain-list weights next to Array API targets.
    expected = skm.balanced_accuracy_score(Y_TRUE, Y_PRED, sample_weight=WEIGHT)
    score = balanced_accuracy_score(
        _to_xp(Y_TRUE), _to_xp(Y_PRED), sample_weight=WEIGHT.tolist()
    )
    assert score == pytest.approx(expected, rel=1e-12)


def test_small_weights_next_to_large_ones_are_not_lost():
    """Per-class weight totals must not come from differences of running sums."""
    y_true = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 0, 1, 1, 0, 2, 0])
    weights = np.array([1e12, 1e12, 1e12, 1e-4, 1e-4, 2e-4, 1.0, 1.0])
    expected = skm.balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = balanced_accuracy_score(
            _to_xp(y_true), _to_xp(y_pred), sample_weight=_to_xp(weights)
        )
        recall = per_class_recall(
            _to_xp(y_true), _to_xp(y_pred), sample_weight=_to_xp(weights)
        )
    assert score == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(recall, [2 / 3, 1 / 2, 1 / 2], rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_thousands_of_classes(weighted):
    rng = np.random.default_rng(8)
    y_true = rng.integers(-100, 2900, 3000)
    y_pred = np.where(rng.random(3000) < 0.5, y_true, rng.integers(-100, 2900, 3000))
    weights = rng.random(3000) if weighted else None
    expected = _quiet(
        skm.balanced_accuracy_score, y_true, y_pred, sample_weight=weights
    )
    score = _quiet(
        balanced_accuracy_score,
        _to_xp(y_true),
        _to_xp(y_pred),
        sample_weight=_to_xp(weights),
    )
    assert score == pytest.approx(expected, rel=1e-12)


def test_counting_stays_on_a_non_default_device():
    device = xps.Device("device1")
    y_true = _to_xp(Y_TRUE, device=device)
    y_pred = _to_xp(Y_PRED, device=device)
    weights = _to_xp(WEIGHT, device=device)
    score = balanced_accuracy_score(
        y_true, y_pred, sample_weight=weights, labels=[2, 0]
    )
    expected = balanced_accuracy_score(
        Y_TRUE, Y_PRED, sample_weight=WEIGHT, labels=[2, 0]
    )
    assert score == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="device"):
        balanced_accuracy_score(y_true, _to_xp(Y_PRED))


def test_no_sample_sized_array_is_copied_to_the_host(monkeypatch):
    """Only per-class counts may leave the namespace (``__array__``/``__dlpack__``)."""
    array_type = type(xps.asarray([0]))
    exported = []
    for name in ("__array__", "__dlpack__"):
        original = getattr(array_type, name)

        def recording(self, *args, _original=original, **kwargs):
            exported.append(self.shape)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(array_type, name, recording)
    n_samples = 5_000
    rng = np.random.default_rng(0)
    y_true = _to_xp(rng.integers(0, 3, n_samples))
    y_pred = _to_xp(rng.integers(0, 3, n_samples))
    weights = _to_xp(rng.random(n_samples))
    balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    balanced_accuracy_score(y_true, y_pred, labels=[2, 1], adjusted=True)
    per_class_recall(y_true, y_pred, sample_weight=weights)
    assert all(math.prod(shape) < n_samples for shape in exported), exported


def test_memory_does_not_grow_with_the_span_of_integer_labels():
    """Few classes spread over a wide integer range need no range-sized table."""
    y_true = _to_xp(np.array([0, 4000, 4000, -4000]))
    y_pred = _to_xp(np.array([0, 4000, 0, -4000]))
    tracemalloc.start()
    try:
        score = balanced_accuracy_score(y_true, y_pred)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert score == pytest.approx((1 + 0.5 + 1) / 3)
    assert peak < 16 * 2**20, f"peak traced memory {peak / 2**20:.0f} MiB"


def test_adjusted_single_class_is_nan_with_a_warning():
    with pytest.warns(UserWarning, match="adjusted"):
        score = balanced_accuracy_score(
            _to_xp(np.array([1, 1])), _to_xp(np.array([1, 1])), adjusted=True
        )
    assert math.isnan(score)


BAD = [
    ("continuous", np.array([0.5, 1.0, 0.0]), np.array([0, 1, 0]), None),
    ("nan", np.array([np.nan, 1.0, 0.0]), np.array([0, 1, 0]), None),
    ("two-dimensional", np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]]), None),
    ("length-mismatch", np.array([0, 1, 1]), np.array([0, 1]), None),
    ("weight-length", np.array([0, 1]), np.array([0, 1]), np.array([1.0, 2.0, 3.0])),
    ("weight-nan", np.array([0, 1]), np.array([0, 1]), np.array([1.0, np.nan])),
    ("weight-all-zero", np.array([0, 1]), np.array([0, 1]), np.array([0.0, 0.0])),
    ("empty", np.array([], dtype=int), np.array([], dtype=int), None),
    ("complex", np.array([1j, 0]), np.array([1j, 0]), None),
]


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize(
    ("y_true", "y_pred", "weights"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_bad_inputs_raise_value_error_like_sklearn(y_true, y_pred, weights):
    # scikit-learn's reference on the same values as NumPy arrays: its own Array
    # API path is not what is compared (and fails differently on old versions).
    # Before 1.7 it accepted NaN and all-zero weights, which we always reject.
    if SKLEARN_VALIDATES_WEIGHTS or weights is None:
        with pytest.raises(ValueError):  # noqa: PT011 - the type is what is compared
            skm.balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    with pytest.raises(ValueError, match=r"y_true|y_pred|samples|sample_weight|tar"):
        balanced_accuracy_score(
            _to_xp(y_true), _to_xp(y_pred), sample_weight=_to_xp(weights)
        )


def test_duplicated_labels_are_rejected():
    with pytest.raises(ValueError, match="labels"):
        balanced_accuracy_score(_to_xp(Y_TRUE), _to_xp(Y_PRED), labels=[1, 2, 1])


def test_negative_weights_are_rejected():
    with pytest.raises(ValueError, match="sample_weight"):
        balanced_accuracy_score(
            _to_xp(Y_TRUE), _to_xp(Y_PRED), sample_weight=_to_xp(-WEIGHT)
        )


# --- PyTorch --------------------------------------------------------------------------


def _torch_device(device):
    """A ``device`` parameter that skips, with its reason, where it cannot run."""
    try:
        import torch
    except ImportError:
        return pytest.param(
            device, marks=pytest.mark.skip(reason="torch not installed")
        )
    if device == "cuda" and not torch.cuda.is_available():
        return pytest.param(device, marks=pytest.mark.skip(reason="no CUDA device"))
    return device


@pytest.mark.parametrize("device", [_torch_device("cpu"), _torch_device("cuda")])
def test_torch_tensors_on_their_device(device):
    import torch

    rng = np.random.default_rng(0)
    y_true_np = rng.integers(0, 5, 20_000)
    y_pred_np = np.where(
        rng.random(20_000) < 0.7, y_true_np, rng.integers(0, 5, 20_000)
    )
    weights_np = rng.random(20_000)
    y_true = torch.asarray(y_true_np, device=device)
    y_pred = torch.asarray(y_pred_np, device=device)
    weights = torch.asarray(weights_np, device=device)
    for kwargs in ({}, {"labels": [4, 0, 2]}, {"adjusted": True}):
        score = balanced_accuracy_score(y_true, y_pred, sample_weight=weights, **kwargs)
        expected = balanced_accuracy_score(
            y_true_np, y_pred_np, sample_weight=weights_np, **kwargs
        )
        assert type(score) is float
        assert score == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("device", [_torch_device("cpu"), _torch_device("cuda")])
def test_torch_tensors_with_thousands_of_classes(device):
    import torch

    rng = np.random.default_rng(9)
    y_true_np = rng.integers(0, 3000, 20_000)
    y_pred_np = np.where(
        rng.random(20_000) < 0.5, y_true_np, rng.integers(0, 3000, 20_000)
    )
    y_true = torch.asarray(y_true_np, device=device)
    y_pred = torch.asarray(y_pred_np, device=device)
    expected = _quiet(skm.balanced_accuracy_score, y_true_np, y_pred_np)
    assert _quiet(balanced_accuracy_score, y_true, y_pred) == pytest.approx(
        expected, rel=1e-12
    )
    np.testing.assert_allclose(
        _quiet(per_class_recall, y_true, y_pred),
        _quiet(per_class_recall, y_true_np, y_pred_np),
        rtol=1e-12,
    )
