"""ScoreCounts built from parts: copies, merges and refined counts own their arrays."""

import copy

import numpy as np
import pytest

from sklearn_balanced.metrics import ScoreCounts


def _arrays(counts):
    """Every array the counts hold, by attribute (the columns of bins apart)."""
    found = {}
    for name, value in vars(counts).items():
        if isinstance(value, np.ndarray):
            found[name] = value
        elif isinstance(value, tuple):
            for field, column in zip(value._fields, value, strict=True):
                found[f"{name}.{field}"] = column
    return found


def _refined_counts():
    """Counts after refine and a second pass: frozen bins, windows and labels."""
    rng = np.random.default_rng(0)
    y_true = np.array(["no", "yes"])[rng.integers(0, 2, 500)]
    y_score = rng.normal(size=500) + (y_true == "yes")
    counts = ScoreCounts(max_bins=8).update(y_true, y_score, pos_label="yes")
    refined = counts.refine(max_bins=8)
    return refined.update(y_true[:250], y_score[:250], pos_label="yes"), (
        y_true[250:],
        y_score[250:],
    )


@pytest.mark.parametrize(
    "make",
    [
        copy.copy,
        lambda counts: sum([counts]),
        lambda counts: counts + counts,
        lambda counts: counts.refine(max_bins=4),
    ],
    ids=["copy", "sum", "add", "refine"],
)
def test_counts_made_from_counts_share_no_array(make):
    counts, _ = _refined_counts()
    made = make(counts)
    held = _arrays(counts)
    assert held
    assert _arrays(made)
    for name, array in _arrays(made).items():
        for other_name, other in held.items():
            assert not np.shares_memory(array, other), (name, other_name)


def test_a_copy_counts_apart_from_its_original():
    counts, (y_true, y_score) = _refined_counts()
    before = {name: array.copy() for name, array in _arrays(counts).items()}
    curve = counts.curve()
    copied = copy.copy(counts).update(y_true, y_score, pos_label="yes")
    for name, array in _arrays(counts).items():
        np.testing.assert_array_equal(array, before[name])
    for line, line_before in zip(counts.curve(), curve, strict=True):
        np.testing.assert_array_equal(line, line_before)
    assert "n_samples=250)" in repr(counts)
    assert "n_samples=500)" in repr(copied)


def test_edges_are_copied_from_the_argument():
    edges = np.array([0.0, 0.5])
    counts = ScoreCounts(edges=edges)
    edges[:] = [-2.0, -1.0]
    y_true, y_score = [0, 1, 0, 1], [0.1, 0.2, 0.6, 0.9]
    fresh = ScoreCounts(edges=[0.0, 0.5]).update(y_true, y_score)
    counts.update(y_true, y_score)
    np.testing.assert_array_equal(counts.curve().thresholds, fresh.curve().thresholds)
    assert counts.edges is edges


@pytest.mark.parametrize(
    "merge",
    [
        lambda first, second: first + second,
        lambda first, second: sum([first, second]),
        lambda first, second: ScoreCounts(max_bins=8) + second,
        lambda first, second: copy.copy(first).merge(second),
    ],
    ids=["add", "sum", "empty-add", "merge"],
)
def test_merged_counts_share_no_array_with_either_part(merge):
    rng = np.random.default_rng(1)
    first, second = (
        ScoreCounts(max_bins=8).update(
            rng.integers(0, 2, 100), rng.normal(size=100), sample_weight=np.ones(100)
        )
        for _ in range(2)
    )
    merged = merge(first, second)
    for part in (first, second):
        for name, array in _arrays(merged).items():
            for other_name, other in _arrays(part).items():
                assert not np.shares_memory(array, other), (name, other_name)
