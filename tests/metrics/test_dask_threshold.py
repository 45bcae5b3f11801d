"""The exact threshold of Dask collections in memory bounded by the blocks and bins.

``tune_threshold`` counts a Dask fold in bins of ``ScoreCounts(max_bins=...)`` and
refines, pass after pass, the bins that may hold a threshold as good as the best
feasible one: whatever the scores, no block returns more than the bins, and the
threshold is the in-memory one.
"""

import pickle

import numpy as np
import pytest

from sklearn_balanced.metrics import ScoreCounts
from sklearn_balanced.model_selection import (
    _threshold_search,
    tune_offsets,
    tune_threshold,
)

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
Callback = pytest.importorskip("dask.callbacks").Callback

MAX_BINS = 16
N_SAMPLES = 2000
CHUNKS = 250


@pytest.fixture(autouse=True)
def _few_bins(monkeypatch):
    """Bins few enough that a CI-sized fold is binned, on the local scheduler."""
    monkeypatch.setattr(_threshold_search, "_DASK_MAX_BINS", MAX_BINS)
    with dask.config.set(scheduler="synchronous"):
        yield


def _problem(kind, seed=0, n_samples=N_SAMPLES):
    """Labels, scores of a distribution and integer weights."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n_samples) < 0.2).astype(np.int64)
    noise = {
        "uniform": lambda: rng.random(n_samples) * 0.6 + 0.25 * y,
        "skewed": lambda: rng.beta(0.3, 8, n_samples) + 0.02 * y,
        "bimodal": lambda: (
            np.where(rng.random(n_samples) < 0.5, 0.0, 1e6)
            + rng.normal(size=n_samples) * 1e-3
            + 1e-3 * y
        ),
        "ties": lambda: np.round(rng.normal(size=n_samples) + y, 1),
        "few": lambda: rng.integers(0, 5, n_samples) + 0.5 * y,
        "tiny": lambda: (rng.random(n_samples) + y) * 1e-300,
    }[kind]
    return y, noise(), rng.integers(0, 4, n_samples).astype(np.float64)


def _lazy(*arrays):
    return [None if a is None else da.from_array(a, chunks=CHUNKS) for a in arrays]


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        return str(error)


@pytest.mark.parametrize(
    "kind", ["uniform", "skewed", "bimodal", "ties", "few", "tiny"]
)
@pytest.mark.parametrize(
    "constraints",
    [
        {},
        {"min_recall": {1: 0.9}},
        {"max_positive_rate": 0.2, "tie_break": "lowest"},
        {"min_recall": {0: 0.95, 1: 0.3}},
        {"min_recall": {0: 0.999, 1: 0.999}},  # none feasible
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_binned_dask_threshold_is_the_in_memory_one(kind, constraints, weighted):
    y, score, weight = _problem(kind)
    weight = weight if weighted else None
    expected = _outcome(tune_threshold, y, score, sample_weight=weight, **constraints)
    lazy_y, lazy_score, lazy_weight = _lazy(y, score, weight)
    got = _outcome(
        tune_threshold, lazy_y, lazy_score, sample_weight=lazy_weight, **constraints
    )
    if isinstance(expected, str):
        assert got == expected
        return
    assert got.threshold == expected.threshold
    assert got.score == expected.score
    np.testing.assert_array_equal(got.fold_thresholds, expected.fold_thresholds)
    np.testing.assert_array_equal(got.fold_scores, expected.fold_scores)
    # The curves of the bins are exact at their thresholds, all of them the
    # data's (integer counts and weights: exact sums).
    at = np.searchsorted(-expected.thresholds, -got.thresholds)
    np.testing.assert_array_equal(expected.thresholds[at], got.thresholds)
    for name in ("scores", "tpr", "tnr", "positive_rate", "feasible"):
        np.testing.assert_array_equal(
            getattr(expected, name)[at], getattr(got, name), err_msg=name
        )
    if np.unique(score).shape[0] > MAX_BINS:
        assert got.thresholds.shape[0] < expected.thresholds.shape[0]


class _ResultSizes(Callback):
    """The pickled size of every ScoreCounts a task returns (alone, or in the
    object arrays that Dask's reduction passes between its tasks)."""

    def __init__(self):
        super().__init__()
        self.sizes = []

    def _posttask(self, key, result, dsk, state, worker_id):
        boxed = isinstance(result, np.ndarray) and result.dtype == object
        for value in result.ravel() if boxed else [result]:
            if isinstance(value, ScoreCounts):
                self.sizes.append(len(pickle.dumps(value)))


@pytest.mark.parametrize("kind", ["uniform", "skewed", "bimodal"])
def test_partition_statistics_are_bounded_by_the_bins(kind, monkeypatch):
    max_bins, n_samples, chunks = 64, 8000, 1000
    monkeypatch.setattr(_threshold_search, "_DASK_MAX_BINS", max_bins)
    y, score, _ = _problem(kind, n_samples=n_samples)
    lazy_y, lazy_score = (da.from_array(a, chunks=chunks) for a in (y, score))
    with _ResultSizes() as binned:
        result = tune_threshold(lazy_y, lazy_score)
    assert result.threshold == tune_threshold(y, score).threshold
    # Every score is distinct: counted apart, a block returns 1000 rows of four
    # 8-byte numbers (32 kB), and the merges up to 8000 (256 kB). Binned, the
    # counts of a block or a merge hold at most max_bins bins and, after
    # refine, the bins kept from the passes before and the windows of the
    # candidate bins: a few times max_bins rows, whatever the number of rows.
    bound = 6 * max_bins * 4 * 8 + 2048
    assert binned.sizes
    assert max(binned.sizes) <= bound
    with _ResultSizes() as exact:
        ScoreCounts().update(lazy_y, lazy_score)
    assert max(exact.sizes) > 16 * bound


def test_refine_with_a_floor_keeps_the_bins_that_may_reach_it():
    y, score, _ = _problem("uniform", seed=1)
    counts = ScoreCounts(max_bins=MAX_BINS).update(y, score)
    best = counts.curve().balanced_accuracy.max()
    assert counts.may_reach(best) is not counts.exact
    floor = best - 0.1  # the best under some constraint, say
    assert counts.may_reach(floor)
    while counts.may_reach(floor):
        counts = counts.refine(max_bins=MAX_BINS, floor=floor).update(y, score)
    exact = ScoreCounts().update(y, score).curve()
    curve = counts.curve()
    # Every threshold reaching the floor is counted apart, with its exact value.
    reaching = exact.thresholds[exact.balanced_accuracy >= floor]
    assert np.isin(reaching, curve.thresholds).all()
    with pytest.raises(ValueError, match="floor must be a balanced accuracy"):
        counts.refine(floor=np.nan)


def test_several_dask_folds_are_refused():
    y, score, _ = _problem("uniform")
    folds_y, folds_score = _lazy(y[:1000], y[1000:]), _lazy(score[:1000], score[1000:])
    with pytest.raises(ValueError, match="one fold of binary scores only"):
        tune_threshold(folds_y, folds_score)
    with pytest.raises(ValueError, match="one fold of binary scores only"):
        tune_threshold([y[:1000], folds_y[1]], [score[:1000], folds_score[1]])
    multiclass = da.from_array(np.column_stack([score, -score]), chunks=(CHUNKS, 2))
    with pytest.raises(ValueError, match="one fold of binary scores only"):
        tune_offsets(_lazy(y)[0], multiclass)
