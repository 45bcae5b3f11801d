"""balanced_accuracy_by: scikit-learn's score on each group's rows, with intervals."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import balanced_accuracy_score as sklearn_score

from sklearn_balanced.metrics import (
    ConfusionCounts,
    GroupedBalancedAccuracy,
    GroupedConfusionCounts,
    balanced_accuracy_by,
    balanced_accuracy_score,
    time_windows,
)
from sklearn_balanced.metrics._beta_average import (
    N_NODES,
    beta_average_distribution,
    lattice_ppf,
)
from sklearn_balanced.metrics._by_group import NODES_PER_CLASS
from sklearn_balanced.metrics._drift import balanced_accuracy_change

SETTINGS = settings(max_examples=30, deadline=None)


@st.composite
def batches(draw, max_size=40):
    """Targets with groups: empty-of-a-class groups, weights with zeros, strings."""
    n = draw(st.integers(1, max_size))
    labels = draw(st.sampled_from([[0, 1], [0, 1, 2], ["no", "yes", "maybe"]]))

    def column(values):
        return np.array(draw(st.lists(st.sampled_from(values), min_size=n, max_size=n)))

    weights = None
    if draw(st.booleans()):
        weights = column([0.0, 0.5, 1.0, 3.0])  # dyadic: sums exact in any order
    return column(labels), column(labels), column(["n", "s", "e", "w"]), weights


def _groups_of(groups):
    for key in np.unique(groups):
        yield key, groups == key


@SETTINGS
@given(batches())
def test_each_group_scores_as_scikit_learn_on_its_rows(batch):
    y_true, y_pred, groups, weights = batch
    result = balanced_accuracy_by(y_true, y_pred, groups, sample_weight=weights)
    assert result.groups == np.unique(groups).tolist()
    for index, (_, mask) in enumerate(_groups_of(groups)):
        w = None if weights is None else weights[mask]
        support = np.array(
            [
                (w if w is not None else np.ones(mask.sum()))[y_true[mask] == c].sum()
                for c in result.classes
            ]
        )
        np.testing.assert_array_equal(result.support[index], support)
        assert result.complete[index] == (support > 0).all()
        if not support.any():
            assert np.isnan(result.balanced_accuracy[index])
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = sklearn_score(y_true[mask], y_pred[mask], sample_weight=w)
        assert result.balanced_accuracy[index] == expected
        counts = ConfusionCounts().update(y_true[mask], y_pred[mask], w)
        if (support > 0).sum() >= 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # classes only predicted
                interval = counts.interval()
            # a coarser lattice than the interval's (NODES_PER_CLASS)
            np.testing.assert_allclose(
                [result.low[index], result.high[index]],
                [interval.low, interval.high],
                rtol=0,
                atol=1e-5,
            )
        else:
            assert np.isnan(result.low[index])
            assert np.isnan(result.high[index])


@SETTINGS
@given(batches(), st.sampled_from([[0, 1], [1, 5], ["yes", "no"], ["maybe"]]))
def test_labels_select_classes_as_the_score_function(batch, labels):
    y_true, y_pred, groups, weights = batch
    if (np.asarray(labels).dtype.kind == "U") != (y_true.dtype.kind == "U"):
        return
    result = balanced_accuracy_by(
        y_true, y_pred, groups, sample_weight=weights, labels=labels, interval=None
    )
    assert result.classes.tolist() == labels
    assert np.isnan(result.low).all()
    for index, (_, mask) in enumerate(_groups_of(groups)):
        w = None if weights is None else weights[mask]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected = balanced_accuracy_score(
                    y_true[mask], y_pred[mask], sample_weight=w, labels=labels
                )
            except ValueError:  # no class of labels has true samples
                expected = np.nan
        np.testing.assert_array_equal(result.balanced_accuracy[index], expected)


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_classes=st.integers(2, 3),
    weighted=st.booleans(),
)
def test_batched_intervals_equal_those_of_each_group_alone(seed, n_classes, weighted):
    """Groups batched (and shared by groups of equal counts) as one by one."""
    rng = np.random.default_rng(seed)
    n = 3000
    groups = rng.integers(0, 60, n)
    y_true = rng.integers(0, n_classes, n)
    y_true[groups < 10] = 0  # groups of one class: no interval
    y_pred = np.where(rng.random(n) < 0.8, y_true, rng.integers(0, n_classes, n))
    weights = rng.random(n) + 0.5 if weighted else None
    result = balanced_accuracy_by(y_true, y_pred, groups, sample_weight=weights)
    recall, sizes, _ = result._counts
    for index in range(len(result)):
        kept = sizes[index] > 0
        if kept.sum() < 2:
            assert np.isnan([result.low[index], result.high[index]]).all()
            continue
        correct = recall[index, kept] * sizes[index, kept]
        law = beta_average_distribution(
            correct + 1.0,
            sizes[index, kept] - correct + 1.0,
            n_nodes=min(N_NODES, NODES_PER_CLASS * int(kept.sum())),
        )
        np.testing.assert_allclose(
            [result.low[index], result.high[index]],
            lattice_ppf(law, [0.025, 0.975]),
            rtol=0,
            atol=1e-12,
        )


def test_from_counts_of_merged_parts_equals_the_whole():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 2, (2, 500))
    groups = rng.integers(0, 7, 500)
    parts = [
        GroupedConfusionCounts().update(y_true[s], y_pred[s], groups[s])
        for s in (slice(0, 123), slice(123, 400), slice(400, 500))
    ]
    merged = GroupedBalancedAccuracy.from_counts(sum(parts))
    whole = balanced_accuracy_by(y_true, y_pred, groups)
    for name in ("balanced_accuracy", "low", "high", "support", "n_samples"):
        np.testing.assert_array_equal(getattr(merged, name), getattr(whole, name))
    assert merged.groups == whole.groups == list(range(7))


def test_result_fields_repr_pickle_and_frame():
    pytest.importorskip("pandas")
    result = balanced_accuracy_by(
        ["a", "b", "b", "a", "b"], ["a", "b", "a", "a", "b"], [[1, 1, 1, 2, 2], [0] * 5]
    )
    assert repr(result) == "GroupedBalancedAccuracy(n_groups=2, classes=['a', 'b'])"
    assert result.groups == [(1, 0), (2, 0)]
    assert result.n_samples.tolist() == [3, 2]
    assert result.support.tolist() == [[1, 2], [1, 1]]
    frame = result.to_frame()
    assert list(frame.columns) == [
        "group_0",
        "group_1",
        "balanced_accuracy",
        "low",
        "high",
        "n_samples",
        "complete",
        "support_a",
        "support_b",
    ]
    assert frame["balanced_accuracy"].tolist() == [0.75, 1.0]
    restored = pickle.loads(pickle.dumps(result))
    np.testing.assert_array_equal(restored.low, result.low)
    compared = result.compare_to((1, 0), level=0.9)
    assert "p_drop" in compared.to_frame().columns
    assert repr(compared).endswith("flagged=0)")


def test_to_frame_names_pandas_when_missing(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ModuleNotFoundError("No module named 'pandas'", name="pandas")
        return real_import(name, *args, **kwargs)

    result = balanced_accuracy_by([0, 1], [0, 1], [1, 1])
    monkeypatch.setattr(builtins, "__import__", no_pandas)
    monkeypatch.delitem(__import__("sys").modules, "pandas", raising=False)
    with pytest.raises(ImportError, match="to_frame requires pandas"):
        result.to_frame()


def _weekly(rng, n_weeks, per_week, recall, *, worse_week=None, drop=0.0):
    """Binary predictions over weeks; one week's recalls worse by ``drop``."""
    week = np.repeat(np.arange(n_weeks), per_week)
    y_true = rng.integers(0, 2, week.shape[0])
    chance = np.where(week == worse_week, recall - drop, recall)
    correct = rng.random(week.shape[0]) < chance
    return y_true, np.where(correct, y_true, 1 - y_true), week


def test_compare_to_previous_window_matches_the_drift_maths():
    rng = np.random.default_rng(3)
    y_true, y_pred, week = _weekly(rng, 6, 400, 0.9, worse_week=4, drop=0.25)
    result = balanced_accuracy_by(y_true, y_pred, week).compare_to("previous")
    assert result.flag.tolist() == [False, False, False, False, True, False]
    assert np.isnan(result.p_drop[0])
    assert not result.flag[0]
    counts = GroupedConfusionCounts().update(y_true, y_pred, week)
    matrices = counts.confusion_matrices.astype(float)
    correct = np.diagonal(matrices, axis1=1, axis2=2)
    support = matrices.sum(axis=2)
    change = balanced_accuracy_change(
        correct[1:], support[1:], correct[:-1], support[:-1], confidence=0.95
    )
    np.testing.assert_array_equal(result.p_drop[1:], change.p_drop)
    np.testing.assert_array_equal(result.difference_low[1:], change.low)
    np.testing.assert_array_equal(result.difference_high[1:], change.high)
    np.testing.assert_allclose(
        result.difference[1:],
        result.balanced_accuracy[1:] - result.balanced_accuracy[:-1],
        rtol=1e-12,
    )


def test_previous_window_is_taken_within_each_segment():
    rng = np.random.default_rng(4)
    y_true, y_pred, week = _weekly(rng, 4, 300, 0.9, worse_week=3, drop=0.3)
    region = np.where(np.arange(week.shape[0]) % 2, "north", "south")
    y_pred[(region == "south") & (week == 3)] = y_true[
        (region == "south") & (week == 3)
    ]
    result = balanced_accuracy_by(y_true, y_pred, [region, week]).compare_to("previous")
    assert [g for g, f in zip(result.groups, result.flag, strict=True) if f] == [
        ("north", 3)
    ]
    firsts = [i for i, (_, w) in enumerate(result.groups) if w == 0]
    assert np.isnan(result.p_drop[firsts]).all()


def test_compare_to_a_group_and_to_reference_counts():
    rng = np.random.default_rng(5)
    y_true, y_pred, week = _weekly(rng, 3, 500, 0.85, worse_week=2, drop=0.3)
    result = balanced_accuracy_by(y_true, y_pred, week)
    by_group = result.compare_to(0)
    assert by_group.flag.tolist() == [False, False, True]
    assert np.isnan(by_group.p_drop[0])
    first = week == 0
    reference = ConfusionCounts().update(y_true[first], y_pred[first])
    by_counts = result.compare_to(reference)
    np.testing.assert_array_equal(by_counts.p_drop[1:], by_group.p_drop[1:])
    assert by_counts.p_drop[0] < 0.95
    with pytest.raises(ValueError, match="reference must be"):
        result.compare_to("last")
    with pytest.raises(ValueError, match="level must be"):
        result.compare_to(0, level=1.5)
    for bad in (-1, "10", True, float("nan")):
        with pytest.raises(ValueError, match="min_support must be"):
            result.compare_to(0, min_support=bad)


def test_tiny_and_one_class_groups_are_never_flagged():
    rng = np.random.default_rng(6)
    y_true = rng.integers(0, 2, 2000)
    y_pred = np.where(rng.random(2000) < 0.95, y_true, 1 - y_true)
    groups = np.zeros(2000, dtype=int)
    # a window of two rows, one wrong (a drop of 0.45 to a fixed threshold);
    # a window of one class, all wrong
    y_true = np.r_[y_true, 0, 1, 1, 1, 1]
    y_pred = np.r_[y_pred, 0, 0, 0, 0, 0]
    groups = np.r_[groups, 1, 1, 2, 2, 2]
    result = balanced_accuracy_by(y_true, y_pred, groups).compare_to(0)
    assert result.balanced_accuracy[1:].tolist() == [0.5, 0.0]
    assert not result.flag.any()
    assert result.p_drop[1] < 0.95
    assert np.isnan(result.p_drop[2])
    assert result.complete.tolist() == [True, True, False]
    assert np.isnan(result.low[2])


def _all_wrong_windows(rng, n_windows, per_class, ref_recall=0.99):
    """A large reference window (group 0), then windows all wrong, of both classes."""
    n_ref = 4000
    y_ref = rng.integers(0, 2, n_ref)
    p_ref = np.where(rng.random(n_ref) < ref_recall, y_ref, 1 - y_ref)
    y_win = np.tile(np.repeat([0, 1], per_class), n_windows)
    groups = np.r_[
        np.zeros(n_ref, dtype=int),
        np.repeat(np.arange(1, n_windows + 1), 2 * per_class),
    ]
    return np.r_[y_ref, y_win], np.r_[p_ref, 1 - y_win], groups


@pytest.mark.parametrize("per_class", [1, 2, 9])
def test_windows_below_min_support_are_shown_never_flagged(per_class):
    rng = np.random.default_rng(per_class)
    y_true, y_pred, groups = _all_wrong_windows(rng, 3, per_class)
    result = balanced_accuracy_by(y_true, y_pred, groups)
    compared = result.compare_to(0)
    assert compared.min_support == 10.0
    assert compared.too_small.tolist() == [False, True, True, True]
    assert not compared.flag.any()
    # the evidence is still shown: every small window is all wrong
    assert (compared.p_drop[1:] > 0.95).all()
    assert compared.to_frame()["too_small"].tolist() == [False, True, True, True]
    # without the rule, the same windows are flagged
    assert (
        compared.p_drop[1:].tolist()
        == result.compare_to(0, min_support=0).p_drop[1:].tolist()
    )
    assert result.compare_to(0, min_support=0).flag[1:].all()


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    per_class=st.integers(1, 4),
    ref_recall=st.floats(0.85, 1.0),
)
def test_two_row_and_tiny_windows_are_never_flagged(seed, per_class, ref_recall):
    """Tiny windows (a few rows per class, any errors) against any reference."""
    rng = np.random.default_rng(seed)
    n_ref, n_windows = 500, 50
    y_ref = rng.integers(0, 2, n_ref)
    p_ref = np.where(rng.random(n_ref) < ref_recall, y_ref, 1 - y_ref)
    y_win = np.tile(np.repeat([0, 1], per_class), n_windows)
    p_win = np.where(rng.random(y_win.shape[0]) < 0.5, y_win, 1 - y_win)
    groups = np.r_[
        np.zeros(n_ref, dtype=int),
        np.repeat(np.arange(1, n_windows + 1), 2 * per_class),
    ]
    result = balanced_accuracy_by(
        np.r_[y_ref, y_win], np.r_[p_ref, p_win], groups, interval=None
    )
    for reference in (0, "previous"):
        compared = result.compare_to(reference, min_support=per_class + 1)
        assert not compared.flag.any()
        assert compared.too_small[1:].all()
        loose = result.compare_to(reference, min_support=per_class)
        np.testing.assert_array_equal(loose.p_drop, compared.p_drop)
        np.testing.assert_array_equal(loose.flag, loose.p_drop > 0.95)


@pytest.mark.parametrize("per_class", [10, 12])
def test_windows_at_min_support_still_flag_real_drops(per_class):
    rng = np.random.default_rng(per_class)
    y_true, y_pred, groups = _all_wrong_windows(rng, 3, per_class, ref_recall=0.9)
    compared = balanced_accuracy_by(y_true, y_pred, groups).compare_to(0)
    assert not compared.too_small.any()
    assert compared.flag.tolist() == [False, True, True, True]
    # a drop of the recalls from 0.9 to 0.5, in weeks of 10 samples per class
    n_weeks = 40
    y_true = np.tile(np.repeat([0, 1], 10), n_weeks)
    week = np.repeat(np.arange(n_weeks), 20)
    worse = week >= 20
    chance = np.where(worse, 0.5, 0.9)
    y_pred = np.where(rng.random(y_true.shape[0]) < chance, y_true, 1 - y_true)
    reference = ConfusionCounts().update(y_true[~worse], y_pred[~worse])
    compared = balanced_accuracy_by(y_true, y_pred, week).compare_to(reference)
    assert not compared.too_small.any()
    assert compared.flag[20:].mean() > 0.7
    assert compared.flag[:20].sum() <= 2


def test_min_support_counts_effective_samples():
    y_true = np.tile(np.repeat([0, 1], 10), 2)
    y_pred = np.r_[y_true[:20], 1 - y_true[20:]]
    groups = np.repeat([0, 1], 20)
    plain = balanced_accuracy_by(y_true, y_pred, groups, interval=None)
    assert plain.compare_to(0, min_support=10).too_small.tolist() == [False, False]
    # one heavy sample per class: an effective size of about 1, not 10
    weights = np.ones(40)
    weights[[20, 30]] = 1000.0
    weighted = balanced_accuracy_by(
        y_true, y_pred, groups, sample_weight=weights, interval=None
    )
    compared = weighted.compare_to(0, min_support=10)
    assert compared.too_small.tolist() == [False, True]
    assert not compared.flag.any()


def test_weighted_groups_use_effective_sizes():
    y_true = np.array([0, 1] * 50)
    y_pred = y_true.copy()
    y_pred[:10] = 1 - y_pred[:10]
    groups = np.repeat([0, 1], 50)
    plain = balanced_accuracy_by(y_true, y_pred, groups)
    doubled = balanced_accuracy_by(
        y_true, y_pred, groups, sample_weight=np.full(100, 2.0)
    )
    np.testing.assert_array_equal(plain.balanced_accuracy, doubled.balanced_accuracy)
    np.testing.assert_allclose(plain.low, doubled.low, rtol=1e-12)
    assert doubled.support.tolist() == [[50.0, 50.0], [50.0, 50.0]]


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="confidence"):
        balanced_accuracy_by([0, 1], [0, 1], [1, 1], confidence=1.0)
    with pytest.raises(ValueError, match="interval"):
        balanced_accuracy_by([0, 1], [0, 1], [1, 1], interval="bootstrap")
    with pytest.raises(ValueError, match="groups must hold one key per sample"):
        balanced_accuracy_by([0, 1], [0, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="No samples have been counted"):
        GroupedBalancedAccuracy.from_counts(GroupedConfusionCounts())


# --- tables: every engine counts what NumPy counts ----------------------------


@pytest.fixture(scope="module")
def pd():
    """pandas, for the tables (and narwhals, which counts them)."""
    pytest.importorskip("narwhals")
    return pytest.importorskip("pandas")


def _pandas(frame):
    return frame


def _polars(frame):
    return pytest.importorskip("polars").from_pandas(frame).lazy()


def _duckdb(frame):
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    return duckdb.from_arrow(
        __import__("pyarrow").Table.from_pandas(frame, preserve_index=False)
    )


def _dask(frame):
    return pytest.importorskip("dask.dataframe").from_pandas(frame, npartitions=3)


@st.composite
def tables(draw):
    import pandas as pd  # the tests that draw tables ask for the pd fixture

    n = draw(st.integers(1, 30))
    labels = draw(st.sampled_from([[0, 1, 2], ["a", "b"]]))

    def column(values):
        return draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))

    seconds = draw(st.lists(st.integers(-(10**7), 10**7), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "y": column(labels),
            "p": column(labels),
            "region": column(["n", "s"]),
            "site": column([1, 2, 3]),
            "ts": np.array(seconds, dtype="datetime64[s]").astype("datetime64[us]"),
            "w": np.array(column([0.0, 0.5, 2.0])),
        }
    )


def _numpy_counts(frame, by, window, weighted):
    columns = [frame[name].to_numpy() for name in by]
    if window is not None:
        columns.append(time_windows(frame["ts"], window))
    return GroupedConfusionCounts().update(
        frame["y"].to_numpy(),
        frame["p"].to_numpy(),
        columns,
        frame["w"].to_numpy() if weighted else None,
    )


def _ibis(frame):
    ibis = pytest.importorskip("ibis")
    pa = pytest.importorskip("pyarrow")
    return ibis.memtable(pa.Table.from_pandas(frame, preserve_index=False))


@pytest.mark.parametrize("engine", [_pandas, _polars, _duckdb, _ibis])
@settings(max_examples=15, deadline=None)
@given(
    table=tables(),
    by=st.sampled_from([["region"], ["region", "site"], []]),
    window=st.sampled_from(["1D", "7D", "12h", None]),
    weighted=st.booleans(),
)
def test_from_frame_equals_numpy(pd, engine, table, by, window, weighted):
    if not by and window is None:
        by = ["site"]
    counts = GroupedConfusionCounts.from_frame(
        engine(table),
        y_true="y",
        y_pred="p",
        by=by,
        time="ts" if window else None,
        window=window,
        sample_weight="w" if weighted else None,
    )
    assert counts == _numpy_counts(table, by, window, weighted)


def test_from_frame_on_dask_with_an_empty_partition(pd):
    dd = pytest.importorskip("dask.dataframe")
    rng = np.random.default_rng(7)
    n = 120
    frame = pd.DataFrame(
        {
            "y": rng.integers(0, 3, n),
            "p": rng.integers(0, 3, n),
            "region": rng.choice(["n", "s"], n),
            "site": rng.integers(1, 4, n),
            "ts": np.datetime64("2024-03-01", "us")
            + rng.integers(0, 40 * 86400, n).astype("timedelta64[s]"),
            "w": rng.integers(0, 3, n).astype(float),
        }
    )
    lazy = dd.from_pandas(frame, npartitions=3)
    lazy = dd.concat([lazy, lazy.head(0, compute=False)])  # an empty partition
    counts = GroupedConfusionCounts.from_frame(
        lazy,
        y_true="y",
        y_pred="p",
        by="region",
        time="ts",
        window="7D",
        sample_weight="w",
    )
    assert counts == _numpy_counts(frame, ["region"], "7D", True)


@pytest.mark.parametrize("engine", [_pandas, _polars, _duckdb, _dask])
@settings(max_examples=15, deadline=None)
@given(
    micros=st.lists(st.integers(-(10**15), 10**15), min_size=1, max_size=20),
    window=st.sampled_from(["1us", "7us", "500ms", "1D"]),
)
def test_from_frame_windows_of_microseconds_equal_numpy(pd, engine, micros, window):
    # narwhals takes pandas' differences of datetimes through float seconds, a
    # microsecond off (towards 0) for about one time in ten: times next to a
    # window's edge (and before the origin) went to the wrong window.
    micros = np.array([*micros, -2, -1, 1, 86_400_000_000 - 1])
    n = micros.shape[0]
    frame = pd.DataFrame(
        {
            "y": np.arange(n) % 2,
            "p": np.zeros(n, dtype=int),
            "ts": np.datetime64("1970-01-01", "us") + micros.astype("timedelta64[us]"),
        }
    )
    counts = GroupedConfusionCounts.from_frame(
        engine(frame), y_true="y", y_pred="p", time="ts", window=window
    )
    expected = GroupedConfusionCounts().update(
        frame["y"], frame["p"], time_windows(frame["ts"], window)
    )
    assert counts == expected


def test_from_frame_windows_zone_aware_duckdb_columns(pd):
    # DuckDB gives zone-aware columns the connection's zone ("Etc/UTC" here),
    # and converts them to no other: windowing them raised NotImplementedError.
    duckdb = pytest.importorskip("duckdb")
    times = pd.Series(
        pd.date_range("2024-03-30", periods=6, freq="7h", tz="Europe/Berlin")
    )
    frame = pd.DataFrame(
        {"y": [0, 1, 1, 0, 1, 0], "p": [0, 1, 0, 0, 1, 1], "ts": times}
    )
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Etc/UTC'")
    counts = GroupedConfusionCounts.from_frame(
        connection.from_df(frame), y_true="y", y_pred="p", time="ts", window="1D"
    )
    expected = GroupedConfusionCounts().update(
        frame["y"], frame["p"], time_windows(times, "1D")
    )
    assert counts == expected
    assert len(counts) == 3  # UTC days 29, 30 and 31 March (across DST)


def test_from_frame_time_zones_and_origin(pd):
    local = pd.DatetimeIndex(["2024-03-10 23:30", "2024-03-11 00:30"]).tz_localize(
        "US/Eastern"
    )
    frame = pd.DataFrame({"y": [0, 1], "p": [0, 1], "ts": local})
    counts = GroupedConfusionCounts.from_frame(
        frame, y_true="y", y_pred="p", time="ts", window="1D"
    )
    assert [str(w) for w in counts.groups] == ["2024-03-11T00:00:00.000000"]
    shifted = GroupedConfusionCounts.from_frame(
        frame, y_true="y", y_pred="p", time="ts", window="1D", origin="2024-03-11T04:00"
    )
    assert [str(w)[:16] for w in shifted.groups] == [
        "2024-03-10T04:00",
        "2024-03-11T04:00",
    ]


def test_from_frame_errors_name_the_argument(pd):
    frame = pd.DataFrame(
        {
            "y": [0, 1],
            "p": [0, 1],
            "g": ["a", None],
            "ts": pd.to_datetime(["2024-01-01", None]),
        }
    )
    kwargs = {"y_true": "y", "y_pred": "p"}
    with pytest.raises(ValueError, match="by column 'g' holds 1 null value"):
        GroupedConfusionCounts.from_frame(frame, by="g", **kwargs)
    with pytest.raises(ValueError, match="time column 'ts' holds 1 null value"):
        GroupedConfusionCounts.from_frame(frame, time="ts", window="1D", **kwargs)
    with pytest.raises(ValueError, match="by must name a column of frame"):
        GroupedConfusionCounts.from_frame(frame, by="region", **kwargs)
    with pytest.raises(ValueError, match="time must name a datetime column"):
        GroupedConfusionCounts.from_frame(frame, time="y", window="1D", **kwargs)
    with pytest.raises(ValueError, match="Give by"):
        GroupedConfusionCounts.from_frame(frame, **kwargs)
    with pytest.raises(ValueError, match="time and window go together"):
        GroupedConfusionCounts.from_frame(frame, time="ts", **kwargs)
    with pytest.raises(ValueError, match="window must be"):
        GroupedConfusionCounts.from_frame(frame, time="ts", window="1 week", **kwargs)


def test_from_frame_of_a_date_column():
    pytest.importorskip("narwhals")
    pl = pytest.importorskip("polars")
    days = np.array(["2023-12-27", "2023-12-28", "2024-01-03", "2024-01-04"], "M8[D]")
    frame = pl.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 0, 0], "day": days})
    assert frame.schema["day"] == pl.Date
    counts = GroupedConfusionCounts.from_frame(
        frame.lazy(), y_true="y", y_pred="p", time="day", window="7D"
    )
    assert counts == GroupedConfusionCounts().update(
        [0, 1, 1, 0], [0, 1, 0, 0], time_windows(days, "7D")
    )
    assert len(counts) == 3  # windows start on Thursdays (the epoch)


@pytest.mark.parametrize("window", ["1us", "7us", "1D"])
@pytest.mark.parametrize("origin", [None, "2024-01-01"])
def test_from_frame_windows_of_duckdb_nanosecond_times_equal_numpy(window, origin):
    # Times between two microseconds go to the window of the earlier one, as
    # in NumPy (a difference of DuckDB timestamps, an interval, rounded them).
    pytest.importorskip("narwhals")
    duckdb = pytest.importorskip("duckdb")
    nanos = np.array([-1, -999, -1000, -1001, -1500, 1, 999, 1000, 1001, 7999])
    nanos = np.r_[nanos, nanos + 1_704_067_200 * 10**9, -(86_400 * 10**9) - 1]
    connection = duckdb.connect()
    relation = connection.sql(
        "SELECT range % 2 AS y, 0 AS p, make_timestamp_ns(x) AS ts FROM "
        "(SELECT unnest(?::BIGINT[]) AS x, generate_subscripts(?::BIGINT[], 1) "
        "AS range)",
        params=[nanos.tolist(), nanos.tolist()],
    )
    assert relation.types[2] == "TIMESTAMP_NS"
    y = np.arange(1, nanos.shape[0] + 1) % 2
    counts = GroupedConfusionCounts.from_frame(
        relation, y_true="y", y_pred="p", time="ts", window=window, origin=origin
    )
    times = np.datetime64(0, "ns") + nanos.astype("timedelta64[ns]")
    expected = GroupedConfusionCounts().update(
        y, np.zeros_like(y), time_windows(times, window, origin=origin)
    )
    assert counts == expected
