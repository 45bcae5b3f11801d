"""ClassTotals: the classes of labels and their total weights, merged by addition."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_balanced.utils._class_totals import ClassTotals

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}


@settings(max_examples=80, **SETTINGS)
@given(
    labels=st.lists(st.sampled_from(["a", "bb", "c"]), min_size=1, max_size=30),
    weights=st.lists(st.integers(0, 9), min_size=30, max_size=30),
    cuts=st.lists(st.integers(0, 30), max_size=3),
    weighted=st.booleans(),
)
def test_parts_add_up_to_the_whole(labels, weights, cuts, weighted):
    """Integer weights: every sum is exact, so the merged totals are equal."""
    y = np.array(labels)
    w = np.array(weights[: y.shape[0]], dtype=float) if weighted else None
    bounds = [0, *sorted(min(c, y.shape[0]) for c in cuts), y.shape[0]]
    parts = [
        ClassTotals.of(y[a:b], None if w is None else w[a:b])
        for a, b in itertools.pairwise(bounds)
    ]
    merged = sum(parts[1:], parts[0])
    whole = ClassTotals.of(y, w)
    np.testing.assert_array_equal(merged.classes, np.unique(y))
    np.testing.assert_array_equal(merged.totals(), whole.totals())
    expected = [
        (y == label).sum() if w is None else w[y == label].sum()
        for label in np.unique(y)
    ]
    np.testing.assert_array_equal(whole.totals(), expected)


def test_weights_of_extreme_scale_merge_without_overflow():
    big = ClassTotals.of(np.array([0, 1]), np.array([1e308, 1e308]))
    tiny = ClassTotals.of(np.array([1, 2]), np.array([0.0, 0.0]))
    merged = big + tiny
    assert merged.classes.tolist() == [0, 1, 2]
    assert merged.totals().tolist() == [1e308, 1e308, 0.0]
    # In units of 2**exponent the sum of both classes stays finite.
    assert np.isfinite(merged.sums.sum())
    with np.errstate(over="ignore"):
        assert np.ldexp(merged.sums.sum(), merged.exponent) == np.inf


def test_empty_parts_and_mixed_kinds():
    empty = ClassTotals.of(np.array([], dtype=object))
    some = ClassTotals.of(np.array([3, 1], dtype=object))
    assert (empty + some) is some
    assert (some + empty) is some
    with pytest.raises(ValueError, match="Mix of label input types"):
        some + ClassTotals.of(np.array(["a"]))
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        ClassTotals.of(np.array([1, 2]), np.array([1.0, -1.0]))
