"""Dask arrays and series through the metrics and the threshold search.

Every result must equal NumPy's on the computed data, on the default scheduler
and on a ``distributed`` cluster of two worker processes, with only small counts
reaching the client.
"""

import tracemalloc
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from sklearn_balanced.metrics import (
    ConfusionCounts,
    ScoreCounts,
    balanced_accuracy_curve,
    balanced_accuracy_interval,
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier, tune_threshold

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
LABEL_FUNCTIONS = [
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
    balanced_accuracy_interval,
]


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two single-thread worker processes, closed after use."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            memory_limit="2GiB",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


def _outcome(function, *args, **kwargs):
    """The result of a call, or the type and message of its error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            return type(error), str(error)


def _assert_same(first, second):
    if isinstance(first, tuple) and not isinstance(first[0], type):
        for one, other in zip(first, second, strict=True):
            np.testing.assert_array_equal(one, other)
    elif isinstance(first, np.ndarray):
        np.testing.assert_array_equal(first, second)
    else:
        assert first == second or (first != first and second != second)


@st.composite
def _labelled(draw, n_classes=3):
    """Labels, predictions, integer weights or None, and a chunk size."""
    n = draw(st.integers(1, 60))
    labels = st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)
    y_true, y_pred = np.array(draw(labels)), np.array(draw(labels))
    weights = draw(
        st.none() | st.lists(st.integers(0, 3), min_size=n, max_size=n).map(np.array)
    )
    return y_true, y_pred, weights, draw(st.integers(1, 20))


def _chunked(chunks, *arrays):
    return [None if a is None else da.from_array(a, chunks=chunks) for a in arrays]


@SETTINGS
@given(data=_labelled())
def test_label_metrics_equal_numpy(data):
    y_true, y_pred, weights, chunks = data
    lazy = _chunked(chunks, y_true, y_pred, weights)
    for function in LABEL_FUNCTIONS:
        expected = _outcome(function, y_true, y_pred, sample_weight=weights)
        _assert_same(_outcome(function, *lazy[:2], sample_weight=lazy[2]), expected)
    counts = ConfusionCounts().update(y_true, y_pred, weights)
    assert _outcome(ConfusionCounts().update, *lazy) == counts


@SETTINGS
@given(data=_labelled(n_classes=2))
def test_curve_and_threshold_equal_numpy(data):
    y_true, y_pred, weights, chunks = data
    y_score = y_pred + np.arange(y_pred.shape[0]) % 4 / 8  # ties across chunks
    lazy = _chunked(chunks, y_true, y_score, weights)
    for function in (balanced_accuracy_curve, tune_threshold):
        expected = _outcome(function, y_true, y_score, sample_weight=weights)
        _assert_same(_outcome(function, *lazy[:2], sample_weight=lazy[2]), expected)


def test_binned_two_passes_give_the_exact_threshold():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 5000)
    y_score = np.round(y_true + rng.normal(size=5000), 3)
    lazy_true, lazy_score = _chunked(700, y_true, y_score)
    coarse = ScoreCounts(max_bins=32).update(lazy_true, lazy_score)
    whole = ScoreCounts(max_bins=32).update(y_true, y_score)  # the same bins
    for column, expected_column in zip(coarse._bins, whole._bins, strict=True):
        np.testing.assert_array_equal(column, expected_column)
    assert coarse.optimality_gap() == whole.optimality_gap()
    fine = coarse.refine().update(lazy_true, lazy_score)
    assert fine.optimality_gap() == 0.0
    expected = balanced_accuracy_curve(y_true, y_score).best_threshold()
    assert fine.best_threshold() == expected


def test_dask_series_with_string_labels():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "y": rng.choice(["cat", "dog", "emu"], 500),
            "p": rng.choice(["cat", "dog", "emu"], 500),
            "w": rng.integers(1, 4, 500).astype(float),
        }
    )
    lazy = dd.from_pandas(frame, npartitions=4)
    assert balanced_accuracy_score(
        lazy["y"], lazy["p"], sample_weight=lazy["w"]
    ) == balanced_accuracy_score(frame["y"], frame["p"], sample_weight=frame["w"])
    np.testing.assert_array_equal(
        per_class_recall(lazy["y"], lazy["p"], labels=["emu", "cat"]),
        per_class_recall(frame["y"], frame["p"], labels=["emu", "cat"]),
    )


def test_errors_of_blocks_reach_the_caller():
    y_true = da.from_array(np.array([0, 1, 1, 2]), chunks=2)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        balanced_accuracy_score(y_true, da.zeros(3, chunks=2, dtype=int))
    with pytest.raises(ValueError, match="booleans or 0/1"):
        tune_threshold(y_true, da.ones(4, chunks=2))
    with pytest.raises(ValueError, match="all weights"):
        balanced_accuracy_score(y_true, y_true, sample_weight=da.zeros(4, chunks=2))


def test_distributed_client_gives_the_same_results(client):
    rng = np.random.default_rng(2)
    y_true, y_pred = rng.integers(0, 2, 3000), rng.integers(0, 2, 3000)
    y_score = y_pred + rng.normal(size=3000)
    lazy_true, lazy_pred, lazy_score = _chunked(400, y_true, y_pred, y_score)
    with dask.config.set(scheduler=client):
        assert balanced_accuracy_score(lazy_true, lazy_pred) == (
            balanced_accuracy_score(y_true, y_pred)
        )
        assert balanced_accuracy_interval(lazy_true, lazy_pred) == (
            balanced_accuracy_interval(y_true, y_pred)
        )
        assert tune_threshold(lazy_true, lazy_score).threshold == (
            tune_threshold(y_true, y_score).threshold
        )


def _client_peak(n_samples):
    """Peak memory traced on the client while scoring data made on the workers."""
    state = da.random.RandomState(0)
    y_true = state.randint(0, 3, n_samples, chunks=250_000)
    y_pred = state.randint(0, 3, n_samples, chunks=250_000)
    tracemalloc.start()
    try:
        balanced_accuracy_score(y_true, y_pred)
        per_class_recall(y_true, y_pred)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_client_memory_does_not_grow_with_rows(client):
    with dask.config.set(scheduler=client):
        _client_peak(500_000)  # warm up the imports and the connection
        small, large = _client_peak(500_000), _client_peak(4_000_000)
    assert large < 4_000_000 < 32_000_000  # well below the 64 MB of labels
    assert large < 2 * small + 500_000


def test_threshold_classifier_folds_run_on_the_cluster(client):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.normal(size=400) > 1).astype(int)
    model = BalancedThresholdClassifier(LogisticRegression(), cv=3, n_jobs=2)
    expected = BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(X, y)
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_backend("dask", client=client),
    ):
        model.fit(X, y)
    assert stream.data  # the folds ran as tasks of the cluster
    assert model.best_threshold_ == expected.best_threshold_


def _error_of(function, *args, **kwargs):
    """The type and message of the error of a call (None if it succeeds)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            function(*args, **kwargs)
        except (TypeError, ValueError) as error:
            return type(error), str(error)
    return None


def _all_results(y_true, y_pred, y_score):
    """Every metric and count of labels, predictions and scores, or its error."""
    return {
        "balanced_accuracy_score": _outcome(balanced_accuracy_score, y_true, y_pred),
        "per_class_recall": _outcome(per_class_recall, y_true, y_pred),
        "ConfusionCounts": _outcome(ConfusionCounts().update, y_true, y_pred),
        "balanced_accuracy_curve": _outcome(balanced_accuracy_curve, y_true, y_score),
        "ScoreCounts": _outcome(
            lambda *args: ScoreCounts().update(*args).curve(), y_true, y_score
        ),
        "tune_threshold": _outcome(
            lambda *args: tune_threshold(*args).threshold, y_true, y_score
        ),
    }


def _assert_same_results(got, expected):
    for name, value in expected.items():
        if isinstance(value, ConfusionCounts):
            assert got[name] == value, name
        else:
            _assert_same(got[name], value)


@pytest.mark.parametrize(
    ("label_dtype", "score_dtype", "missing"),
    [
        ("Int64", "Float64", None),
        ("Int8", "Float64", None),
        ("boolean", "Float64", None),
        ("Int64", "Float64", "y_true"),
        ("Int64", "Float64", "y_pred"),
        ("Int64", "Float64", "y_score"),
        ("boolean", "Float32", "y_true"),
    ],
)
def test_nullable_dtypes_give_the_pandas_answer_or_error(
    label_dtype, score_dtype, missing
):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "y_true": pd.array(rng.integers(0, 2, 60), dtype="int64"),
            "y_pred": pd.array(rng.integers(0, 2, 60), dtype="int64"),
            "y_score": rng.random(60).round(2),
        }
    ).astype({"y_true": label_dtype, "y_pred": label_dtype, "y_score": score_dtype})
    if missing is not None:
        frame.loc[37, missing] = pd.NA  # in the third of four partitions
    expected = _all_results(frame["y_true"], frame["y_pred"], frame["y_score"])
    lazy = dd.from_pandas(frame, npartitions=4)
    got = _all_results(lazy["y_true"], lazy["y_pred"], lazy["y_score"])
    _assert_same_results(got, expected)
    if missing is None:
        assert got["balanced_accuracy_score"] == balanced_accuracy_score(
            frame["y_true"].to_numpy(int), frame["y_pred"].to_numpy(int)
        )
    else:
        uses = "balanced_accuracy_curve" if missing == "y_score" else "per_class_recall"
        assert got[uses][0] is ValueError
        assert f"Input {missing} contains NaN" in got[uses][1]


def test_empty_partitions_count_nothing():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "y_true": rng.integers(0, 2, 80),
            "y_pred": rng.integers(0, 2, 80),
            "y_score": rng.random(80),
        }
    )
    lazy = dd.from_pandas(frame, npartitions=4)
    # The second partition (rows 20 to 39) left without rows, as a filter may.
    filtered = lazy[(lazy["y_score"] >= 0) & ((lazy.index < 20) | (lazy.index >= 40))]
    kept = frame.iloc[np.r_[0:20, 40:80]]
    assert filtered.map_partitions(len).compute().tolist() == [20, 0, 20, 20]
    expected = _all_results(kept["y_true"], kept["y_pred"], kept["y_score"])
    got = _all_results(filtered["y_true"], filtered["y_pred"], filtered["y_score"])
    _assert_same_results(got, expected)
    assert not any(
        isinstance(value, tuple) and value[0] is ValueError for value in got.values()
    )


def test_zero_dimensional_dask_arrays_give_the_numpy_error():
    label, score = np.array(1), np.array(0.5)
    lazy_label, lazy_score = da.from_array(label), da.from_array(score)
    calls = [
        (balanced_accuracy_score, (label, label), (lazy_label, lazy_label)),
        (ConfusionCounts().update, (label, label), (lazy_label, lazy_label)),
        (balanced_accuracy_curve, (label, score), (lazy_label, lazy_score)),
        (ScoreCounts().update, (label, score), (lazy_label, lazy_score)),
        (tune_threshold, (label, score), (lazy_label, lazy_score)),
        # A zero-dimensional array beside a Dask one.
        (balanced_accuracy_score, (label, label), (lazy_label, da.ones(1, dtype=int))),
    ]
    for function, arrays, lazy in calls:
        expected = _error_of(function, *arrays)
        got = _error_of(function, *lazy)
        assert expected is not None, function
        assert got is not None, function
        # The same error; a message may show the array (a NumPy or a Dask one).
        assert got[0] is expected[0], function
        assert got[1].split("got")[0] == expected[1].split("got")[0], function
