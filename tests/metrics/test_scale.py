"""Sizes, ranges and dtypes at the edges of the counting core.

The fast tests cross the counting chunks, use many classes, wide integer ranges and
whole dtype ranges, and bound the temporary memory. The slow test scores 1e8
uint8 labels against an exact count made independently, chunk by chunk.
"""

import tracemalloc
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sklearn.metrics as skm

from sklearn_balanced.metrics import (
    ScoreCounts,
    _counts,
    _pair_counts,
    balanced_accuracy_curve,
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)
from sklearn_balanced.utils import _encode


def _noisy_predictions(rng, y_true, classes, accuracy):
    """Predictions equal to ``y_true`` with probability ``accuracy``."""
    keep = rng.random(y_true.shape[0]) < accuracy
    return np.where(keep, y_true, rng.choice(classes, size=y_true.shape[0]))


def _check_against_sklearn(y_true, y_pred, sample_weight=None, rel=1e-12):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = skm.balanced_accuracy_score(
            y_true, y_pred, sample_weight=sample_weight
        )
        expected_recall = skm.recall_score(
            y_true, y_pred, sample_weight=sample_weight, average=None
        )
        score = balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight)
        recall = per_class_recall(y_true, y_pred, sample_weight=sample_weight)
    assert score == pytest.approx(expected, rel=rel)
    present = np.isin(np.unique(np.concatenate([y_true, y_pred])), y_true)
    np.testing.assert_allclose(recall[present], expected_recall[present], rtol=rel)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_samples", [(1 << 16) - 1, 1 << 16, 3 * (1 << 16) + 17])
def test_counts_across_chunk_boundaries(n_samples, weighted):
    rng = np.random.default_rng(n_samples)
    y_true = rng.choice([-2, 0, 7], size=n_samples, p=[0.7, 0.2, 0.1])
    y_pred = _noisy_predictions(rng, y_true, [-2, 0, 7], 0.6)
    weights = rng.random(n_samples) if weighted else None
    _check_against_sklearn(y_true, y_pred, weights)
    with_labels = balanced_accuracy_score(
        y_true, y_pred, sample_weight=weights, labels=[7, -2, 0]
    )
    assert with_labels == pytest.approx(
        balanced_accuracy_score(y_true, y_pred, sample_weight=weights), rel=1e-12
    )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("first_range", [(0, 2), (5, 9)])
def test_label_range_growing_in_later_chunks(first_range, weighted):
    """The one-pass counter widens its table when later chunks bring new labels."""
    rng = np.random.default_rng(first_range[0])
    n_samples = 3 * _pair_counts._CHUNK + 17
    y_true = rng.integers(*first_range, size=n_samples)
    y_pred = _noisy_predictions(rng, y_true, np.arange(*first_range), 0.7)
    y_true[_pair_counts._CHUNK + 5] = -3  # below, in the second chunk
    y_pred[2 * _pair_counts._CHUNK + 9] = 20  # above, only predicted, third chunk
    y_true[3 * _pair_counts._CHUNK + 1] = -5  # below again, in the last chunk
    weights = rng.random(n_samples) if weighted else None
    _check_against_sklearn(y_true, y_pred, weights)
    counts = _counts.confusion_counts(y_true, y_pred, sample_weight=weights)
    np.testing.assert_array_equal(counts.classes, np.unique(np.r_[y_true, y_pred]))


@pytest.mark.parametrize("weighted", [False, True])
def test_thousands_of_classes(weighted):
    rng = np.random.default_rng(1)
    classes = np.arange(3000) * 3 - 1000
    y_true = rng.choice(classes, size=20_000)
    y_pred = _noisy_predictions(rng, y_true, classes, 0.5)
    _check_against_sklearn(y_true, y_pred, rng.random(20_000) if weighted else None)


@pytest.mark.parametrize(
    "classes",
    [[0, 5000], [-(2**40), 2**40], [-(2**63), 2**63 - 1], [3, 10**6, 10**9]],
    ids=["span-5000", "span-2e12", "int64-extremes", "three-wide"],
)
def test_few_classes_over_a_wide_integer_range(classes):
    rng = np.random.default_rng(2)
    y_true = rng.choice(np.array(classes, dtype=np.int64), size=6000)
    y_pred = _noisy_predictions(rng, y_true, np.array(classes, dtype=np.int64), 0.7)
    _check_against_sklearn(y_true, y_pred)
    _check_against_sklearn(y_true, y_pred, rng.random(6000))


@pytest.mark.parametrize(
    "dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32"]
)
def test_whole_range_of_small_integer_dtypes(dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(3)
    # Extremes of the dtype plus up to 256 values in between.
    classes = np.unique(
        np.concatenate(
            [[info.min, info.max], rng.integers(info.min, info.max, 254, dtype=dtype)]
        )
    ).astype(dtype)
    y_true = rng.choice(classes, size=5000)
    y_pred = _noisy_predictions(rng, y_true, classes, 0.6).astype(dtype)
    _check_against_sklearn(y_true, y_pred)


@pytest.mark.parametrize(
    "classes",
    [[2**63 + 5, 2**63 + 6], [2**64 - 2, 2**64 - 1, 0], [2**63 + 7, 3]],
    ids=["narrow", "top-and-zero", "wide"],
)
def test_uint64_labels_above_the_int64_range(classes):
    rng = np.random.default_rng(7)
    classes = np.array(classes, dtype=np.uint64)
    y_true = rng.choice(classes, size=300)
    y_pred = _noisy_predictions(rng, y_true, classes, 0.6).astype(np.uint64)
    _check_against_sklearn(y_true, y_pred)


@pytest.mark.parametrize("n_classes", [40, 300])
def test_many_string_classes(n_classes):
    rng = np.random.default_rng(n_classes)
    classes = np.array([f"class {i:03d}" for i in range(n_classes)])
    y_true = rng.choice(classes, size=5000)
    y_pred = _noisy_predictions(rng, y_true, classes, 0.5)
    _check_against_sklearn(y_true, y_pred)
    _check_against_sklearn(y_true.astype(object), y_pred.astype(object))


def test_string_hash_collisions_fall_back_to_sorting(monkeypatch):
    """A hash that ignores the order of characters makes "ab..." and "ba..." collide.

    The labels are too long to be packed into 64 bits, so they are hashed.
    """
    hashed = []

    def order_blind_hash(chars):
        hashed.append(chars.shape)
        return chars.sum(axis=1, dtype=np.uint64)

    monkeypatch.setattr(_encode, "_hash_rows", order_blind_hash)
    rng = np.random.default_rng(10)
    classes = np.array([label * 6 for label in ["ab", "ba", "c", "abc", "cba"]])
    y_true = rng.choice(classes, size=400)
    y_pred = _noisy_predictions(rng, y_true, classes, 0.6)
    _check_against_sklearn(y_true, y_pred)
    assert hashed


@pytest.mark.parametrize(
    "classes",
    [
        ["a", "b\x00", "a\x00b", "ab", ""],
        ["é", "e", "🙂", "z" * 3, "\U0010ffff"],
        ["class_0", "class_10", "class_9", "Class_1", "class_1" * 3],
    ],
    ids=["nul-and-empty", "unicode", "mixed-widths"],
)
def test_packed_strings_sort_as_strings(classes):
    """Short labels are packed into integers that keep their order and identity."""
    rng = np.random.default_rng(11)
    classes = np.array(classes)
    y_true = rng.choice(classes, size=3000)
    y_pred = _noisy_predictions(rng, y_true, classes, 0.6)
    counts = _counts.confusion_counts(y_true, y_pred)
    np.testing.assert_array_equal(counts.classes, np.unique(np.r_[y_true, y_pred]))
    _check_against_sklearn(y_true, y_pred)


def test_rare_string_classes_missing_from_the_key_sample():
    """Classes too rare to be in the sample of keys are still found."""
    rng = np.random.default_rng(12)
    y_true = rng.choice(np.array(["common", "usual"], dtype="U14"), size=200_000)
    y_pred = y_true.copy()
    y_true[[7, 99_999]] = ["rare", "rarer"]
    y_pred[[123_457]] = "only predicted"
    counts = _counts.confusion_counts(y_true, y_pred)
    assert counts.classes.tolist() == [
        "common",
        "only predicted",
        "rare",
        "rarer",
        "usual",
    ]
    _check_against_sklearn(y_true, y_pred)


def _peak_memory(function, *args, **kwargs):
    tracemalloc.start()
    try:
        function(*args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"adjusted": True}, {"labels": [1, 0]}, {"sample_weight": True}],
    ids=["default", "adjusted", "labels", "weights"],
)
def test_temporary_memory_is_at_most_two_int64_arrays(kwargs):
    """NumPy reports its allocations to tracemalloc: bound the peak extra memory."""
    n_samples = 2_000_000
    rng = np.random.default_rng(5)
    y_true = (rng.random(n_samples) < 0.1).astype(np.uint8)
    y_pred = (rng.random(n_samples) < 0.1).astype(np.uint8)
    if "sample_weight" in kwargs:
        kwargs = {"sample_weight": rng.random(n_samples)}
    peak = _peak_memory(balanced_accuracy_score, y_true, y_pred, **kwargs)
    budget = 2 * 8 * n_samples
    assert peak <= budget, f"peak {peak / (8 * n_samples):.2f} arrays of n int64"


@pytest.mark.parametrize("weights", ["none", "with zeros", "squared"])
def test_small_integer_counting_memory_does_not_grow_with_the_samples(weights):
    """The chunked counter's temporaries are a few chunks, whatever the length.

    Labels 1..3 (shifted to codes chunk by chunk), zero weights (their pairs are
    recorded apart) and squared weights take every temporary of the loop.
    """
    chunk_bytes = 8 * _pair_counts._CHUNK
    n_samples = 32 * _pair_counts._CHUNK
    rng = np.random.default_rng(7)
    y_true = rng.integers(1, 4, n_samples)
    y_pred = rng.integers(1, 4, n_samples)
    sample_weight = None
    if weights != "none":
        sample_weight = rng.random(n_samples)
        sample_weight[::7] = 0.0
    peak = _peak_memory(
        _counts.class_counts,
        y_true,
        y_pred,
        sample_weight=sample_weight,
        squared_weights=weights == "squared",
    )
    assert peak <= 8 * chunk_bytes, f"peak {peak / chunk_bytes:.1f} chunks of int64"


# --- 1e8 labels -----------------------------------------------------------------------

SCALE_SAMPLES = 100_000_000
SCALE_CHUNK = 1 << 22


def _scale_targets():
    """1e8 uint8 binary labels, 10% positives, predictions right 80% of the time."""
    rng = np.random.default_rng(6)
    y_true = np.empty(SCALE_SAMPLES, dtype=np.uint8)
    y_pred = np.empty(SCALE_SAMPLES, dtype=np.uint8)
    for start in range(0, SCALE_SAMPLES, SCALE_CHUNK):
        stop = min(start + SCALE_CHUNK, SCALE_SAMPLES)
        truth = rng.random(stop - start, dtype=np.float32) < 0.1
        flip = rng.random(stop - start, dtype=np.float32) < 0.2
        y_true[start:stop] = truth
        y_pred[start:stop] = truth ^ flip
    return y_true, y_pred


def _exact_counts(y_true, y_pred):
    """Positives, negatives, true positives and true negatives, as Python ints."""
    positives = true_positives = false_positives = 0
    for start in range(0, y_true.shape[0], SCALE_CHUNK):
        truth = y_true[start : start + SCALE_CHUNK].view(bool)
        pred = y_pred[start : start + SCALE_CHUNK].view(bool)
        positives += int(np.count_nonzero(truth))
        true_positives += int(np.count_nonzero(truth & pred))
        false_positives += int(np.count_nonzero(pred & ~truth))
    negatives = y_true.shape[0] - positives
    return positives, negatives, true_positives, negatives - false_positives


@pytest.mark.slow
def test_1e8_uint8_binary_labels():
    y_true, y_pred = _scale_targets()
    positives, negatives, true_positives, true_negatives = _exact_counts(y_true, y_pred)
    assert positives + negatives == SCALE_SAMPLES
    recall = [Fraction(true_negatives, negatives), Fraction(true_positives, positives)]
    expected = float(sum(recall) / 2)

    peak = _peak_memory(balanced_accuracy_score, y_true, y_pred)
    assert peak <= 2 * 8 * SCALE_SAMPLES, f"peak {peak / 2**20:.0f} MiB"
    assert balanced_accuracy_score(y_true, y_pred) == pytest.approx(expected, rel=1e-14)
    assert balanced_accuracy_score(y_true, y_pred, adjusted=True) == pytest.approx(
        2 * expected - 1, rel=1e-13
    )
    assert balanced_error_rate(y_true, y_pred) == pytest.approx(1 - expected, rel=1e-13)
    np.testing.assert_allclose(
        per_class_recall(y_true, y_pred), [float(r) for r in recall], rtol=1e-15
    )


def test_near_ties_do_not_widen_with_the_number_of_thresholds():
    # Two separated plateaus 5e-13 apart among a million thresholds (samples of
    # zero weight): a tolerance growing with the grid (4 eps per threshold, 9e-10
    # here) took them as a tie and chose the lower plateau; the higher one is
    # the best, in memory and through two passes of binned counts alike.
    rng = np.random.default_rng(0)
    filler = rng.uniform(-1.0, 4.0, 10**6)
    y_true = np.r_[1, 0, 1, 0, np.zeros(filler.size, dtype=int)]
    y_score = np.r_[3.0, 2.0, 1.0, 0.0, filler]
    weights = np.r_[1 + 4e-12, 1.0, 1.0, 1.0, np.zeros(filler.size)]
    curve = balanced_accuracy_curve(y_true, y_score, sample_weight=weights)
    threshold = curve.best_threshold()
    assert 2.0 < threshold <= 3.0
    edges = np.linspace(-1.0, 4.0, 101)
    coarse = ScoreCounts(edges=edges).update(y_true, y_score, sample_weight=weights)
    fine = coarse.refine().update(y_true, y_score, sample_weight=weights)
    assert fine.best_threshold() == threshold
