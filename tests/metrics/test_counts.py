"""Mergeable statistics: ConfusionCounts and ScoreCounts.

The property tests split the data into chunks, count them apart and merge the
counts in a random order and tree: the result must be the one-shot result, bit
for bit (integer or dyadic weights make every sum exact), and the scores, curves
and thresholds those of the array functions.
"""

import itertools
import math
import pickle
import warnings

import numpy as np
import pytest
import sklearn
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sklearn_balanced import ConfusionCounts, ScoreCounts
from sklearn_balanced.metrics import (
    _pair_counts,
    balanced_accuracy_curve,
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_interval,
    balanced_accuracy_score,
    per_class_recall,
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
LABEL_POOLS = {
    "small": list(range(-2, 4)),
    "sparse": [-(2**40), -7, 0, 5, 10**6, 2**62],
    "strings": ["a", "b", "cat", "é", "", "x" * 12],
    "bool": [False, True],
}
TIE_BREAKS = ["middle", "lowest", "highest"]


def _quiet(function, *args, **kwargs):
    """``function``'s result and the messages of the warnings it emitted."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, [str(w.message) for w in record]


def _assert_same_result(ours, expected):
    """Same value (NaN included) and the same warnings."""
    assert np.array_equal(ours[0], expected[0], equal_nan=True)
    assert ours[1] == expected[1]


@st.composite
def _weights(draw, n_samples):
    """None, or weights whose sums are exact in float64, at some scale."""
    kind = draw(st.sampled_from(["none", "ints", "dyadic"]))
    if kind == "none":
        return None
    values = [0, 1, 2, 3, 7] if kind == "ints" else [0.0, 0.25, 0.5, 1.5, 3.0]
    weights = draw(
        st.lists(st.sampled_from(values), min_size=n_samples, max_size=n_samples)
    )
    scale = draw(st.sampled_from([1.0, 2.0**-80, 2.0**80, 2.0**-1000]))
    return np.asarray(weights, dtype=np.float64) * scale


@st.composite
def _labelled(draw):
    pool = LABEL_POOLS[draw(st.sampled_from(sorted(LABEL_POOLS)))]
    n_samples = draw(st.integers(1, 60))
    labels = st.lists(st.sampled_from(pool), min_size=n_samples, max_size=n_samples)
    y_true, y_pred = np.array(draw(labels)), np.array(draw(labels))
    if y_true.dtype.kind == "U" and draw(st.booleans()):
        y_true, y_pred = y_true.astype(object), y_pred.astype(object)
    return y_true, y_pred, draw(_weights(n_samples))


def _chunks(draw, n_samples):
    """Slices splitting ``range(n_samples)`` into between 1 and 6 chunks."""
    cuts = draw(st.lists(st.integers(1, max(n_samples - 1, 1)), max_size=5))
    bounds = [0, *sorted(set(cuts) - {n_samples}), n_samples]
    return [slice(a, b) for a, b in itertools.pairwise(bounds)]


def _merge_in_some_tree(draw, parts):
    """Merge ``parts`` pairwise in a drawn order, with ``+``, ``merge`` or ``sum``."""
    parts = list(parts)
    if draw(st.booleans()):
        return sum(parts)
    while len(parts) > 1:
        i = draw(st.integers(0, len(parts) - 1))
        j = draw(st.integers(0, len(parts) - 2))
        first = parts.pop(i)
        second = parts.pop(j)
        merged = first + second if draw(st.booleans()) else first.merge(second)
        parts.append(merged)
    return parts[0]


def _weights_of(weights, part):
    return None if weights is None else weights[part]


def _positive_part(weights, part):
    """Whether the chunk has no weights, or weights of positive sum."""
    return weights is None or weights[part].sum() > 0


# --- ConfusionCounts: any split, merged in any tree, is the one-shot count ----------


@settings(max_examples=150, **SETTINGS)
@given(problem=_labelled(), data=st.data())
def test_confusion_counts_of_chunks_merge_into_the_whole(problem, data):
    y_true, y_pred, weights = problem
    if weights is not None and weights.sum() == 0:
        weights[0] = 1.0
    whole = ConfusionCounts().update(y_true, y_pred, sample_weight=weights)
    parts = [
        ConfusionCounts().update(
            y_true[part], y_pred[part], sample_weight=_weights_of(weights, part)
        )
        for part in _chunks(data.draw, y_true.shape[0])
    ]
    merged = _merge_in_some_tree(data.draw, parts)
    assert merged == whole
    np.testing.assert_array_equal(merged.labels, whole.labels)
    assert merged.confusion_matrix.dtype == whole.confusion_matrix.dtype
    assert np.array_equal(merged.confusion_matrix, whole.confusion_matrix)
    assert merged.confusion_matrix.dtype == (
        np.int64 if weights is None else np.float64
    )
    for kwargs in [{}, {"zero_division": 0.5, "adjusted": True}]:
        expected = _quiet(
            balanced_accuracy_score, y_true, y_pred, sample_weight=weights, **kwargs
        )
        _assert_same_result(_quiet(merged.score, **kwargs), expected)
    recall, messages = _quiet(
        per_class_recall, y_true, y_pred, sample_weight=weights, zero_division=0.0
    )
    np.testing.assert_array_equal(merged.per_class_recall(zero_division=0.0), recall)
    assert not messages


@settings(max_examples=60, **SETTINGS)
@given(problem=_labelled(), data=st.data())
def test_confusion_counts_labels_match_the_array_functions(problem, data):
    y_true, y_pred, weights = problem
    if weights is not None and weights.sum() == 0:
        weights[0] = 1.0
    pool = np.unique(np.concatenate([y_true, y_pred]))
    labels = data.draw(st.permutations(pool.tolist()))[: data.draw(st.integers(1, 4))]
    kwargs = {"labels": labels, "zero_division": data.draw(st.sampled_from([0.0, 1]))}
    counts = ConfusionCounts().update(y_true, y_pred, sample_weight=weights)
    expected = _quiet(
        balanced_accuracy_score, y_true, y_pred, sample_weight=weights, **kwargs
    )
    _assert_same_result(_quiet(counts.score, **kwargs), expected)
    np.testing.assert_array_equal(
        counts.per_class_recall(**kwargs),
        per_class_recall(y_true, y_pred, sample_weight=weights, **kwargs),
    )


#: Integer label ranges a stream of small-range labels moves through: within the
#: dense table (up to 64 values), to its edge, past it or far past it.
RANGE_POOLS = {
    "within": list(range(-2, 4)),
    "edge": [0, 63],
    "past": [0, 64],
    "far": [5, 2**40],
}


@st.composite
def _ranged_stream(draw):
    """Integer labels whose range grows, segment by segment, and their weights.

    Weights (exact sums, often zero, at an ordinary or extreme scale) may carry
    one negative or NaN weight.
    """
    y_true, y_pred = [], []
    for _ in range(draw(st.integers(1, 4))):
        pool = RANGE_POOLS[draw(st.sampled_from(["within"] * 3 + sorted(RANGE_POOLS)))]
        size = draw(st.integers(1, 12))
        labels = st.lists(st.sampled_from(pool), min_size=size, max_size=size)
        y_true += draw(labels)
        y_pred += draw(labels)
    dtype = draw(st.sampled_from(["int64", "int32", "uint64"]))
    if dtype == "int32" and max(y_true + y_pred) >= 2**31:
        dtype = "int64"
    shift = -min(0, *y_true, *y_pred) if dtype == "uint64" else 0
    y_true = np.array([label + shift for label in y_true], dtype=dtype)
    y_pred = np.array([label + shift for label in y_pred], dtype=dtype)
    if not draw(st.booleans()):
        return y_true, y_pred, None
    values = st.sampled_from([0.0, 0.0, 0.25, 1.0, 3.0])
    n_samples = y_true.shape[0]
    weights = np.array(draw(st.lists(values, min_size=n_samples, max_size=n_samples)))
    weights[draw(st.integers(0, n_samples - 1))] = draw(
        st.sampled_from([1.0, 1.0, 1.0, -1.0, np.nan])
    )
    return y_true, y_pred, weights * draw(st.sampled_from([1.0, 1.0, 2.0**-1000]))


@settings(max_examples=200, **SETTINGS)
@given(problem=_ranged_stream(), chunk=st.integers(1, 7), probe=st.integers(1, 5))
# Label 1 only predicted for a zero-weight sample, before label 3 widens the table.
@example(
    problem=(np.array([0, 0, 3]), np.array([1, 0, 3]), np.array([0.0, 1.0, 1.0])),
    chunk=1,
    probe=1,
)
def test_small_integers_counted_in_any_chunks_are_the_confusion_matrix(
    problem, chunk, probe
):
    """Chunks and first ranges of any size count what scikit-learn counts.

    The one-pass counter of small-range integers widens its table when a chunk
    brings labels out of its range, falls back to encoding when the range grows
    too wide, and checks the weights on the way: tiny chunks take every path.
    """
    y_true, y_pred, weights = problem
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_pair_counts, "_CHUNK", chunk)
        patch.setattr(_pair_counts, "_PROBE", probe)
        if weights is not None and not (weights >= 0).all():
            message = "finite" if np.isnan(weights).any() else "non-negative"
            with pytest.raises(ValueError, match=message):
                ConfusionCounts().update(y_true, y_pred, sample_weight=weights)
            return
        counts = ConfusionCounts().update(y_true, y_pred, sample_weight=weights)
        squares = _interval_outcome(y_true, y_pred, weights)
    classes = np.unique(np.concatenate([y_true, y_pred]))
    np.testing.assert_array_equal(counts.labels, classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "A single label was found"
        expected = sklearn.metrics.confusion_matrix(
            y_true, y_pred, labels=classes, sample_weight=weights
        )
    assert np.array_equal(counts.confusion_matrix, expected)
    assert counts.confusion_matrix.dtype == (
        np.int64 if weights is None else np.float64
    )
    # The sums of squared weights of the interval, counted in one chunk.
    assert squares == _interval_outcome(y_true, y_pred, weights)


def _interval_outcome(y_true, y_pred, weights):
    """The posterior interval and its warnings, or the message of its error."""
    try:
        return _quiet(balanced_accuracy_interval, y_true, y_pred, sample_weight=weights)
    except ValueError as error:
        return str(error)


def test_counts_from_a_confusion_matrix_merge_with_counts_of_labels():
    matrix = np.array([[5, 1], [2, 7]])
    counts = ConfusionCounts.from_confusion_matrix(matrix, labels=["b", "a"])
    np.testing.assert_array_equal(counts.labels, ["a", "b"])
    np.testing.assert_array_equal(counts.confusion_matrix, [[7, 2], [1, 5]])
    merged = counts + ConfusionCounts().update(["a", "c"], ["c", "c"])
    np.testing.assert_array_equal(merged.labels, ["a", "b", "c"])
    np.testing.assert_array_equal(
        merged.confusion_matrix, [[7, 2, 1], [1, 5, 0], [0, 0, 1]]
    )
    assert balanced_accuracy_from_confusion_matrix(matrix) == counts.score()


def test_float_confusion_matrix_of_huge_entries_keeps_its_recalls():
    matrix = np.array([[3.0, 1.0], [1.0, 2.0]]) * 5e307
    counts = ConfusionCounts.from_confusion_matrix(matrix)
    np.testing.assert_array_equal(counts.confusion_matrix, matrix)
    assert counts.score() == pytest.approx((3 / 4 + 2 / 3) / 2, rel=1e-15)


def test_int64_counts_stay_exact_beyond_float_precision():
    """1e10 samples (and far more) are counted exactly, as int64."""
    big = 2**62
    counts = ConfusionCounts.from_confusion_matrix([[big, 1], [3, big]])
    counts += ConfusionCounts.from_confusion_matrix([[0, 1], [1, 0]])
    matrix = counts.confusion_matrix
    assert matrix.dtype == np.int64
    assert matrix.tolist() == [[big, 2], [4, big]]
    ten_billion = ConfusionCounts.from_confusion_matrix([[10**10 - 1, 1], [0, 1]])
    assert ten_billion.confusion_matrix[0].sum() == 10**10
    assert repr(ten_billion) == "ConfusionCounts(labels=[0, 1], n_samples=10000000001)"


def test_weights_of_any_scale_merge_exactly():
    """Parts whose largest weights differ by 2**2000 merge into the whole."""
    y_true = np.array([0, 1, 1, 0, 1, 0])
    y_pred = np.array([0, 1, 0, 0, 1, 1])
    weights = np.array([2.0**1000, 2.0**1000, 1.0, 2.0**-1000, 2.0**-1000, 3.0])
    whole = ConfusionCounts().update(y_true, y_pred, sample_weight=weights)
    parts = [
        ConfusionCounts().update(y_true[s], y_pred[s], sample_weight=weights[s])
        for s in (slice(0, 2), slice(2, 3), slice(3, 6))
    ]
    assert parts[2] + parts[1] + parts[0] == whole
    expected = balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    assert whole.score() == expected
    assert np.isinf(whole.confusion_matrix).sum() == 0


def test_unweighted_counts_merge_with_weighted_ones_as_unit_weights():
    y_true, y_pred = np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1])
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    merged = ConfusionCounts().update(y_true[:2], y_pred[:2])
    merged.update(y_true[2:], y_pred[2:], sample_weight=weights[2:])
    expected = ConfusionCounts().update(
        y_true, y_pred, sample_weight=np.r_[1.0, 1.0, weights[2:]]
    )
    assert merged == expected
    interval = balanced_accuracy_interval(
        y_true, y_pred, sample_weight=np.r_[1.0, 1.0, weights[2:]]
    )
    assert merged.interval() == interval


@pytest.mark.parametrize("method", ["posterior", "bootstrap"])
def test_interval_of_merged_counts_is_the_interval_of_the_whole(method):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 500)
    y_pred = np.where(rng.random(500) < 0.7, y_true, rng.integers(0, 3, 500))
    weights = rng.integers(1, 4, 500).astype(float)
    counts = sum(
        ConfusionCounts().update(y_true[s], y_pred[s], sample_weight=weights[s])
        for s in (slice(0, 100), slice(100, 500))
    )
    kwargs = {"method": method, "random_state": 0, "n_resamples": 999}
    for labels in (None, [2, 0]):
        expected = balanced_accuracy_interval(
            y_true, y_pred, sample_weight=weights, labels=labels, **kwargs
        )
        assert counts.interval(labels=labels, **kwargs) == expected


def test_warnings_and_errors_are_those_of_the_score_functions():
    counts = ConfusionCounts().update([0, 0, 1], [0, 2, 1])
    with pytest.warns(UserWarning, match="y_pred contains classes not in y_true"):
        assert counts.score() == balanced_accuracy_score([0, 0, 1], [0, 2, 1])
    with pytest.warns(UserWarning, match="labels have no true samples"):
        counts.score(labels=[1, 5])
    with pytest.raises(ValueError, match="duplicates"):
        counts.score(labels=[1, 1])
    with pytest.raises(ValueError, match="same kind"):
        counts.per_class_recall(labels=["a"])
    with pytest.raises(sklearn.utils._param_validation.InvalidParameterError):
        counts.score(zero_division=2)
    with pytest.raises(ValueError, match="at least two classes"):
        ConfusionCounts().update([1, 1], [1, 0]).interval()


def test_a_chunk_of_zero_weights_still_brings_its_labels():
    counts = ConfusionCounts().update([0, 1], [0, 1], sample_weight=[1.0, 1.0])
    counts.update([7], [3], sample_weight=[0.0])
    np.testing.assert_array_equal(counts.labels, [0, 1, 3, 7])
    with pytest.raises(ValueError, match="at least one positive weight"):
        balanced_accuracy_score([7], [3], sample_weight=[0.0])


def test_invalid_batches_leave_the_counts_unchanged():
    counts = ConfusionCounts().update([1, 2], [1, 1])
    before = counts.confusion_matrix
    with pytest.raises(ValueError, match="Mix of label input types"):
        counts.update(["a"], ["a"])
    with pytest.raises(ValueError, match="sample_weight"):
        counts.update([1], [1], sample_weight=[-1.0])
    np.testing.assert_array_equal(counts.confusion_matrix, before)
    with pytest.raises(TypeError, match="ConfusionCounts"):
        counts.merge(ScoreCounts())
    with pytest.raises(ValueError, match="No samples have been counted"):
        ConfusionCounts().score()


def test_merging_integers_of_both_signednesses_keeps_them_apart():
    big = np.array([2**64 - 1], dtype=np.uint64)
    counts = ConfusionCounts().update(big, big) + ConfusionCounts().update([-1], [-1])
    assert counts.labels.tolist() == [-1, 2**64 - 1]
    assert counts.score() == 1.0


def test_confusion_counts_pickle_and_repr():
    counts = ConfusionCounts().update(["x", "y"], ["y", "y"], sample_weight=[1, 2])
    clone = pickle.loads(pickle.dumps(counts))
    assert clone == counts
    assert clone.score() == counts.score()
    assert repr(counts) == "ConfusionCounts(labels=['x', 'y'], total_weight=3)"
    assert repr(ConfusionCounts()) == "ConfusionCounts(labels=[], n_samples=0)"


def test_confusion_counts_of_array_api_inputs():
    xp = pytest.importorskip("array_api_strict")
    y_true, y_pred = np.array([0, 4000, 4000, 1]), np.array([0, 4000, 1, 1])
    weights = np.array([1.0, 2.0, 0.0, 3.0])
    expected = ConfusionCounts().update(y_true, y_pred, sample_weight=weights)
    with sklearn.config_context(array_api_dispatch=True):
        counts = ConfusionCounts().update(
            xp.asarray(y_true), xp.asarray(y_pred), sample_weight=xp.asarray(weights)
        )
    assert counts == expected


# --- ScoreCounts -----------------------------------------------------------------


@st.composite
def _scored(draw):
    n_samples = draw(st.integers(1, 60))
    label_pool = draw(st.sampled_from([[0, 1], [-1, 1], ["no", "yes"]]))
    y_true = np.array(
        draw(
            st.lists(
                st.sampled_from(label_pool), min_size=n_samples, max_size=n_samples
            )
        )
    )
    score_pool = draw(st.sampled_from(["ties", "distinct"]))
    scores = (
        st.integers(-6, 6).map(lambda v: v / 4)
        if score_pool == "ties"
        else st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    )
    y_score = np.array(
        draw(st.lists(scores, min_size=n_samples, max_size=n_samples)), dtype=float
    )
    weights = draw(_weights(n_samples))
    if weights is not None and weights.sum() == 0:
        weights[0] = 1.0
    pos_label = "yes" if label_pool[0] == "no" else None
    return y_true, y_score, weights, pos_label


def _count_scores(counts, y_true, y_score, weights, pos_label, parts):
    return [
        counts().update(
            y_true[part],
            y_score[part],
            pos_label=pos_label,
            sample_weight=_weights_of(weights, part),
        )
        for part in parts
    ]


def _assert_same_curve(curve, expected):
    for field in expected._fields:
        np.testing.assert_array_equal(getattr(curve, field), getattr(expected, field))


@settings(max_examples=100, **SETTINGS)
@given(problem=_scored(), data=st.data())
def test_score_counts_of_chunks_merge_into_the_whole(problem, data):
    y_true, y_score, weights, pos_label = problem
    expected = balanced_accuracy_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=weights
    )
    parts = _count_scores(
        ScoreCounts,
        y_true,
        y_score,
        weights,
        pos_label,
        _chunks(data.draw, y_true.shape[0]),
    )
    merged = _merge_in_some_tree(data.draw, parts)
    whole = _count_scores(
        ScoreCounts, y_true, y_score, weights, pos_label, [slice(None)]
    )[0]
    for name in ("low", "high", "positive", "negative"):
        assert np.array_equal(getattr(merged._bins, name), getattr(whole._bins, name))
        assert getattr(merged._bins, name).dtype == getattr(whole._bins, name).dtype
    _assert_same_curve(merged.curve(), expected)
    if not np.isnan(expected.balanced_accuracy).all():
        for tie_break in TIE_BREAKS:
            assert merged.best_threshold(tie_break) == expected.best_threshold(
                tie_break
            )
        assert merged.optimality_gap() == 0.0


@settings(max_examples=80, **SETTINGS)
@given(
    problem=_scored(),
    data=st.data(),
    max_bins=st.integers(2, 8),
    use_edges=st.booleans(),
)
def test_binned_bound_is_certified_and_refine_finds_the_exact_threshold(
    problem, data, max_bins, use_edges
):
    y_true, y_score, weights, pos_label = problem
    expected = balanced_accuracy_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=weights
    )
    if np.isnan(expected.balanced_accuracy).all():
        return
    if use_edges:
        edges = np.unique(data.draw(st.lists(st.sampled_from(y_score), max_size=4)))
        binning = {"edges": edges} if edges.shape[0] else {"max_bins": max_bins}
    else:
        binning = {"max_bins": max_bins}

    def counts():
        return ScoreCounts(**binning)

    coarse = _merge_in_some_tree(
        data.draw,
        _count_scores(
            counts,
            y_true,
            y_score,
            weights,
            pos_label,
            _chunks(data.draw, y_true.shape[0]),
        ),
    )
    threshold = coarse.best_threshold()
    reached = _balanced_accuracy_at(expected, threshold)
    best = np.nanmax(expected.balanced_accuracy)
    assert reached <= best
    assert best - reached <= coarse.optimality_gap() + 1e-12
    _check_exact_second_pass(
        coarse.refine(), data.draw, (y_true, y_score, weights, pos_label), expected
    )


def _check_exact_second_pass(refined, draw, problem, expected):
    """Count ``problem`` again in random chunks and trees: the exact threshold."""
    y_true, y_score, weights, pos_label = problem
    fine = _merge_in_some_tree(
        draw,
        _count_scores(
            lambda: _empty_like(refined),
            y_true,
            y_score,
            weights,
            pos_label,
            _chunks(draw, y_true.shape[0]),
        ),
    )
    assert fine.exact
    assert fine.optimality_gap() == 0.0
    for tie_break in TIE_BREAKS:
        assert fine.best_threshold(tie_break) == expected.best_threshold(tie_break)


def _empty_like(refined):
    """A fresh copy of empty pass-2 counts (each partition starts from one)."""
    return pickle.loads(pickle.dumps(refined))


def _balanced_accuracy_at(curve, threshold):
    """Balanced accuracy of the rule ``score >= threshold`` on an exact curve."""
    above = np.count_nonzero(curve.thresholds >= threshold)
    return curve.balanced_accuracy[max(above - 1, 0)]


def test_edges_bin_the_same_way_in_any_order():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, 3000)
    y_score = np.round(y_true + rng.normal(size=3000), 2)
    edges = np.quantile(y_score[::10], np.linspace(0, 1, 17))
    parts = [
        ScoreCounts(edges=edges).update(y_true[s], y_score[s])
        for s in (slice(0, 1000), slice(1000, 1700), slice(1700, None))
    ]
    forward, backward = parts[0] + parts[1] + parts[2], parts[2] + (parts[1] + parts[0])
    _assert_same_curve(forward.curve(), backward.curve())
    assert forward.optimality_gap() == backward.optimality_gap()
    assert forward.curve().thresholds.shape[0] <= edges.shape[0] + 2


def test_max_bins_bounds_the_memory_and_the_gap():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 2, 50_000)
    y_score = y_true + rng.normal(size=50_000)
    counts = ScoreCounts(max_bins=256)
    for chunk in np.array_split(np.arange(50_000), 10):
        counts.update(y_true[chunk], y_score[chunk])
    assert 128 < counts._bins.low.shape[0] <= 256
    assert counts.optimality_gap() < 0.02
    refined = counts.refine()
    for chunk in np.array_split(np.arange(50_000), 7):
        refined.update(y_true[chunk], y_score[chunk])
    assert refined._bins.low.shape[0] < 50_000 // 4  # only scores near the optimum
    expected = balanced_accuracy_curve(y_true, y_score).best_threshold()
    assert refined.best_threshold() == expected


@st.composite
def _unweighted_scores(draw):
    """Labels and scores with ties, negative scores, -0.0 and 0.0."""
    n_samples = draw(st.integers(1, 80))
    y_true = np.array(
        draw(st.lists(st.sampled_from([0, 1]), min_size=n_samples, max_size=n_samples))
    )
    scores = st.one_of(
        st.sampled_from([-0.0, 0.0, 5e-324, -5e-324]),
        st.integers(-8, 8).map(lambda v: v / 4),
        st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
    )
    y_score = np.array(
        draw(st.lists(scores, min_size=n_samples, max_size=n_samples)), dtype=float
    )
    return y_true, y_score


def _assert_same_bins(bins, expected):
    for column, expected_column in zip(bins, expected, strict=True):
        assert column.dtype == expected_column.dtype
        assert np.array_equal(column.view(np.int64), expected_column.view(np.int64))


@settings(max_examples=150, **SETTINGS)
@given(problem=_unweighted_scores(), data=st.data(), max_bins=st.integers(2, 16))
def test_max_bins_are_the_same_for_any_split_and_merge_tree(problem, data, max_bins):
    y_true, y_score = problem

    def counts():
        return ScoreCounts(max_bins=max_bins)

    chunks = _chunks(data.draw, y_true.shape[0])
    parts = _count_scores(counts, y_true, y_score, None, None, chunks)
    merged = _merge_in_some_tree(data.draw, parts)
    whole = counts().update(y_true, y_score)
    _assert_same_bins(merged._bins, whole._bins)
    assert merged._level == whole._level
    # The finest level at which the whole data fits in max_bins bins.
    keys = np.unique((y_score + 0.0).view(np.int64))
    keys = np.where(keys < 0, keys ^ np.int64(2**63 - 1), keys)
    assert np.unique(keys >> whole._level).shape[0] <= max_bins
    if whole._level:
        assert np.unique(keys >> (whole._level - 1)).shape[0] > max_bins
    expected = balanced_accuracy_curve(y_true, y_score)
    if np.isnan(expected.balanced_accuracy).all():
        return
    assert merged.optimality_gap() == whole.optimality_gap()
    _check_exact_second_pass(
        merged.refine(), data.draw, (y_true, y_score, None, None), expected
    )


def test_merged_partitions_bound_the_optimum_as_one_stream_does():
    rng = np.random.default_rng(6)
    y_true = rng.integers(0, 2, 100_000)
    y_score = y_true + rng.normal(size=100_000)
    stream = ScoreCounts(max_bins=1024)
    for chunk in np.array_split(np.arange(100_000), 10):
        stream.update(y_true[chunk], y_score[chunk])
    halves = [
        ScoreCounts(max_bins=1024).update(y_true[part], y_score[part])
        for part in (slice(None, 50_000), slice(50_000, None))
    ]
    merged = halves[1] + halves[0]
    assert merged.optimality_gap() == stream.optimality_gap() < 0.005
    _assert_same_bins(merged._bins, stream._bins)
    assert 512 < merged._bins.low.shape[0] <= 1024


def test_score_counts_validation():
    with pytest.raises(ValueError, match="max_bins"):
        ScoreCounts(max_bins=1)
    with pytest.raises(ValueError, match="exclusive"):
        ScoreCounts(max_bins=4, edges=[0.5])
    with pytest.raises(ValueError, match="edges"):
        ScoreCounts(edges=[1.0, 0.0])
    counts = ScoreCounts().update([0, 1], [0.1, 0.9])
    with pytest.raises(ValueError, match="pos_label must be the same"):
        counts.update(["a"], [0.3], pos_label="a")
    with pytest.raises(ValueError, match="binary"):
        counts.update([-1], [0.3])
    with pytest.raises(ValueError, match="same max_bins"):
        counts.merge(ScoreCounts(max_bins=4))
    with pytest.raises(TypeError, match="ScoreCounts"):
        counts.merge(ConfusionCounts())
    with pytest.raises(ValueError, match="No samples have been counted"):
        ScoreCounts().curve()
    with pytest.raises(ValueError, match="tie_break"):
        counts.best_threshold("best")
    assert counts.curve().thresholds.shape[0] == 3  # failed updates changed nothing


def test_score_counts_pickle_repr_and_zero_weight_chunks():
    counts = ScoreCounts(max_bins=4).update([0, 1, 1], [0.2, 0.7, 0.4])
    counts.update([0, 1], [0.5, 0.9], sample_weight=[0.0, 0.0])
    clone = pickle.loads(pickle.dumps(counts))
    _assert_same_curve(clone.curve(), counts.curve())
    assert repr(counts) == "ScoreCounts(n_bins=4, max_bins=4, n_samples=5)"
    assert math.isclose(counts.best_threshold(), clone.best_threshold())


def test_merging_empty_score_counts_keeps_pos_label_and_labels():
    counts = ScoreCounts() + ScoreCounts().update(
        ["no", "yes"], [0.1, 0.2], pos_label="yes"
    )
    counts.merge(ScoreCounts())
    counts.update(["yes"], [0.3], pos_label="yes")
    np.testing.assert_array_equal(counts.curve().tpr, [0.0, 0.5, 1.0, 1.0])
    with pytest.raises(ValueError, match="pos_label must be the same"):
        counts.merge(ScoreCounts().update([0, 1], [0.5, 0.6]))


def test_refining_in_several_passes_reaches_the_exact_threshold():
    rng = np.random.default_rng(5)
    y_true = rng.integers(0, 2, 20_000)
    y_score = np.round(y_true + rng.normal(size=20_000), 3)
    weights = rng.integers(0, 3, 20_000).astype(float)
    expected = balanced_accuracy_curve(y_true, y_score, sample_weight=weights)
    counts = ScoreCounts(max_bins=8)
    passes = 0
    while True:
        for chunk in np.array_split(np.arange(20_000), 3):
            counts.update(y_true[chunk], y_score[chunk], sample_weight=weights[chunk])
        passes += 1
        if counts.exact:
            break
        counts = counts.refine(max_bins=8 if passes < 3 else None)
    assert passes > 2
    for tie_break in TIE_BREAKS:
        assert counts.best_threshold(tie_break) == expected.best_threshold(tie_break)


def test_refining_exact_counts_changes_nothing():
    y_true, y_score = np.array([0, 1, 1, 0]), np.array([0.3, 0.8, 0.4, 0.1])
    exact = ScoreCounts().update(y_true, y_score)
    again = exact.refine().update(y_true, y_score)
    _assert_same_curve(again.curve(), exact.curve())
    assert repr(again) == "ScoreCounts(n_bins=4, refined, n_samples=4)"


@settings(max_examples=150, **SETTINGS)
@given(
    problem=_unweighted_scores(),
    data=st.data(),
    max_bins=st.integers(2, 8),
    weighting=st.sampled_from(["none", "integers", "zeros"]),
)
def test_refining_in_bounded_bins_ends_at_the_exact_threshold(
    problem, data, max_bins, weighting
):
    # Passes of at most max_bins bins, each over the data in another split,
    # until the gap is zero: the loop ends, and at the in-memory threshold.
    y_true, y_score = problem
    if not y_true.any():
        y_true[0] = 1
    weights = None
    if weighting != "none":
        low = 0 if weighting == "zeros" else 1
        weights = np.array(
            data.draw(
                st.lists(
                    st.integers(low, 3),
                    min_size=y_true.size,
                    max_size=y_true.size,
                )
            ),
            dtype=float,
        )
        weights[np.flatnonzero(y_true)[0]] = 1.0  # a positive of positive weight
        weights[y_true == 0] = np.maximum(weights[y_true == 0], 0)

    def count(counts):
        n_parts = data.draw(st.integers(1, min(4, y_true.size)))
        for part in np.array_split(np.arange(y_true.size), n_parts):
            part_weights = None if weights is None else weights[part]
            counts = counts.update(
                y_true[part], y_score[part], sample_weight=part_weights
            )
        return counts

    counts = count(ScoreCounts(max_bins=max_bins))
    n_passes = 1
    while not counts.exact:
        assert n_passes <= y_true.size + 1  # every pass leaves fewer scores
        counts = count(counts.refine(max_bins=max_bins))
        n_passes += 1
    curve = balanced_accuracy_curve(y_true, y_score, sample_weight=weights)
    for tie_break in ("middle", "lowest", "highest"):
        assert counts.best_threshold(tie_break) == curve.best_threshold(tie_break)


def test_refining_zero_weight_scores_on_the_best_plateau_ends():
    # Bins of zero weight on the best plateau bound nothing away: every bin of
    # a pass stays a candidate, so the next pass counts them exactly.
    rng = np.random.default_rng(0)
    y_true = np.r_[1, 0, np.zeros(1000, dtype=int)]
    y_score = np.r_[2.0, -2.0, rng.uniform(-1.0, 1.0, 1000)]
    weights = np.r_[1.0, 1.0, np.zeros(1000)]
    counts = ScoreCounts(max_bins=16).update(y_true, y_score, sample_weight=weights)
    passes = 1
    while not counts.exact:
        counts = counts.refine(max_bins=16).update(
            y_true, y_score, sample_weight=weights
        )
        passes += 1
    assert passes <= 4
    expected = balanced_accuracy_curve(y_true, y_score, sample_weight=weights)
    assert counts.best_threshold() == expected.best_threshold()
