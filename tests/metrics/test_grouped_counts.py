"""GroupedConfusionCounts: equal, group by group, to ConfusionCounts of each group."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_balanced.metrics import (
    ConfusionCounts,
    GroupedConfusionCounts,
    time_windows,
)

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def grouped_batches(draw, max_size=40):
    """Targets, one or two group columns and optional weights (zeros included)."""
    n = draw(st.integers(1, max_size))
    labels = draw(st.sampled_from([[0, 1], [0, 1, 2], ["a", "b", "c", "d"], [-3, 7]]))
    y_true = np.array(draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n)))
    y_pred = np.array(draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n)))
    keys = draw(st.sampled_from([["n", "s", "e"], [-2, 5, 9], [True, False]]))
    first = np.array(draw(st.lists(st.sampled_from(keys), min_size=n, max_size=n)))
    if draw(st.booleans()):
        groups = [
            first,
            np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))),
        ]
    else:
        groups = first
    weights = None
    if draw(st.booleans()):
        weights = np.array(
            draw(
                st.lists(
                    st.sampled_from([0.0, 0.5, 1.0, 3.0, 2.5]), min_size=n, max_size=n
                )
            )
        )
    return y_true, y_pred, groups, weights


def _rows(groups):
    """Each sample's group key, as the groups property spells it."""
    if isinstance(groups, list):
        return list(zip(*(column.tolist() for column in groups), strict=True))
    return groups.tolist()


def _brute_force(y_true, y_pred, groups, weights):
    """ConfusionCounts of every group's samples, by a loop over the groups."""
    keys = _rows(groups)
    result = {}
    for key in sorted(set(keys)):
        mask = np.array([k == key for k in keys])
        result[key] = ConfusionCounts().update(
            y_true[mask], y_pred[mask], None if weights is None else weights[mask]
        )
    return result


@SETTINGS
@given(grouped_batches())
def test_every_group_equals_its_confusion_counts(batch):
    y_true, y_pred, groups, weights = batch
    counts = GroupedConfusionCounts().update(y_true, y_pred, groups, weights)
    expected = _brute_force(y_true, y_pred, groups, weights)
    assert counts.groups == list(expected)
    for key, reference in expected.items():
        assert counts[key] == reference
    assert counts.to_counts() == ConfusionCounts().update(y_true, y_pred, weights)


@SETTINGS
@given(grouped_batches(), st.integers(0, 2**32 - 1))
def test_merge_in_any_order_equals_the_whole(batch, seed):
    y_true, y_pred, groups, weights = batch
    if weights is not None:
        weights = np.round(weights)  # integer weights: sums exact in any order
    rng = np.random.default_rng(seed)
    order = rng.permutation(y_true.shape[0])
    cuts = np.sort(rng.integers(0, y_true.shape[0] + 1, size=2))
    parts = []
    for part in np.split(order, cuts):
        if not part.shape[0]:
            continue
        part_groups = (
            [column[part] for column in groups]
            if isinstance(groups, list)
            else groups[part]
        )
        parts.append(
            GroupedConfusionCounts().update(
                y_true[part],
                y_pred[part],
                part_groups,
                None if weights is None else weights[part],
            )
        )
    whole = GroupedConfusionCounts().update(y_true, y_pred, groups, weights)
    assert sum(parts[::-1]) == whole
    assert sum(parts) == whole
    merged = GroupedConfusionCounts()
    for part in rng.permutation(len(parts)):
        merged.merge(parts[part])
    assert merged == whole


def test_matrices_repr_and_pickle():
    counts = GroupedConfusionCounts().update(
        ["a", "b", "b", "a"], ["a", "a", "b", "a"], groups=[2, 1, 1, 2]
    )
    assert repr(counts) == (
        "GroupedConfusionCounts(groups=2, labels=['a', 'b'], n_samples=4)"
    )
    np.testing.assert_array_equal(
        counts.confusion_matrices, [[[0, 0], [1, 1]], [[2, 0], [0, 0]]]
    )
    assert len(counts) == 2
    assert pickle.loads(pickle.dumps(counts)) == counts
    assert counts != GroupedConfusionCounts().update(["a"], ["a"], groups=[2])
    weighted = GroupedConfusionCounts().update([0, 1], [0, 1], [1, 1], [1e300, 2e300])
    assert repr(weighted).endswith("total_weight=3e+300)")
    np.testing.assert_array_equal(
        weighted.confusion_matrices, [[[1e300, 0], [0, 2e300]]]
    )
    assert pickle.loads(pickle.dumps(weighted)) == weighted


def test_extreme_weights_merge_in_their_unit():
    big = GroupedConfusionCounts().update([0, 1], [0, 0], ["x", "y"], [1e300, 1e300])
    small = GroupedConfusionCounts().update([0, 1], [1, 1], ["x", "y"], [1.0, 1.0])
    merged = big + small
    whole = GroupedConfusionCounts().update(
        [0, 1, 0, 1], [0, 0, 1, 1], ["x", "y", "x", "y"], [1e300, 1e300, 1.0, 1.0]
    )
    assert merged == whole
    assert merged["x"] == ConfusionCounts().update([0, 0], [0, 1], [1e300, 1.0])


def test_zero_weight_samples_still_add_their_labels_and_groups():
    counts = GroupedConfusionCounts().update(
        [0, 1, 2], [0, 1, 2], groups=["a", "a", "b"], sample_weight=[1.0, 0.0, 0.0]
    )
    assert counts.groups == ["a", "b"]
    assert counts["a"].labels.tolist() == [0, 1]
    assert counts["b"].labels.tolist() == [2]


def test_errors_name_the_argument():
    counts = GroupedConfusionCounts()
    with pytest.raises(ValueError, match="groups must hold one key per sample"):
        counts.update([0, 1], [0, 1], groups=[1, 2, 3])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        counts.update([0, 1], [0, 1], groups=[1, 2], sample_weight=[1.0, -1.0])
    assert counts == GroupedConfusionCounts()
    with pytest.raises(KeyError):
        GroupedConfusionCounts().update([0], [0], ["a"])["b"]
    with pytest.raises(TypeError, match="other must be a GroupedConfusionCounts"):
        counts.merge(ConfusionCounts())
    strings = GroupedConfusionCounts().update([0], [0], ["a"])
    numbers = GroupedConfusionCounts().update([0], [0], [1])
    with pytest.raises(ValueError, match="Mix of group key types"):
        strings + numbers
    with pytest.raises(ValueError, match="group columns cannot be merged"):
        strings + GroupedConfusionCounts().update([0], [0], [["a"], [1]])
    with pytest.raises(ValueError, match="Mix of label input types"):
        strings + GroupedConfusionCounts().update(["x"], ["x"], ["a"])


def test_group_columns_of_a_data_frame_and_a_2d_array():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"region": ["n", "s", "n"], "site": [1, 1, 2]})
    by_frame = GroupedConfusionCounts().update([0, 1, 1], [0, 1, 0], frame)
    by_list = GroupedConfusionCounts().update(
        [0, 1, 1], [0, 1, 0], [frame["region"], frame["site"]]
    )
    assert by_frame == by_list
    assert by_frame.groups == [("n", 1), ("n", 2), ("s", 1)]
    by_array = GroupedConfusionCounts().update(
        [0, 1, 1], [0, 1, 0], np.array([[1, 1], [2, 1], [1, 2]])
    )
    assert by_array.groups == [(1, 1), (1, 2), (2, 1)]


def test_time_windows_floor_from_the_origin():
    time = np.array(
        [
            "1969-12-31T23:59",
            "1970-01-01T00:00",
            "1970-01-07T23:59",
            "1970-01-08T00:00",
        ],
        dtype="datetime64[m]",
    )
    starts = time_windows(time, "7D")
    np.testing.assert_array_equal(
        starts,
        np.array(
            ["1969-12-25", "1970-01-01", "1970-01-01", "1970-01-08"],
            dtype="datetime64[D]",
        ),
    )
    assert starts.dtype == np.dtype("datetime64[m]")
    assert time_windows(time, "1W").tolist() == starts.tolist()
    halves = time_windows(time, "12h", origin="1970-01-01T06:00")
    assert str(halves[1]) == "1969-12-31T18:00"
    np.testing.assert_array_equal(
        time_windows(time.astype("datetime64[s]"), "30min"),
        np.array(
            [
                "1969-12-31T23:30",
                "1970-01-01T00:00",
                "1970-01-07T23:30",
                "1970-01-08T00:00",
            ],
            dtype="datetime64[s]",
        ),
    )


@SETTINGS
@given(
    st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=30),
    st.sampled_from(["1D", "7D", "12h", "30min", "10s", "500ms"]),
)
def test_time_windows_contain_their_times(seconds, window):
    time = np.array(seconds, dtype="datetime64[ms]")
    starts = time_windows(time, window)
    width = time_windows(np.array([0], dtype="datetime64[ms]"), window)  # epoch
    assert width[0] == np.datetime64(0, "ms")
    from sklearn_balanced.metrics._time_windows import parse_window

    step = parse_window(window)
    assert (starts <= time).all()
    assert (time < starts + step).all()
    assert ((starts - np.datetime64(0, "ms")) % step == np.timedelta64(0, "ms")).all()


def test_time_windows_of_zone_aware_times_are_utc():
    pd = pytest.importorskip("pandas")
    local = pd.Series(pd.to_datetime(["2024-03-10 23:30"]).tz_localize("US/Eastern"))
    assert str(time_windows(local, "1D")[0]).startswith("2024-03-11")


def test_time_windows_errors():
    time = np.array(["2024-01-01"], dtype="datetime64[D]")
    for window in ["7 days", "1M", "", 7, "1ns"]:
        with pytest.raises(ValueError, match="window must be"):
            time_windows(time, window)
    with pytest.raises(ValueError, match="window must be a positive"):
        time_windows(time, np.timedelta64(0, "D"))
    with pytest.raises(ValueError, match="origin must be"):
        time_windows(time, "1D", origin="yesterday")
    with pytest.raises(ValueError, match="time holds 1 NaT value"):
        time_windows(np.array(["NaT"], dtype="datetime64[D]"), "1D")
    with pytest.raises(ValueError, match="time must hold dates"):
        time_windows(np.array([1.5]), "1D")
    with pytest.raises(ValueError, match="time must hold dates"):
        time_windows(np.array(["monday"]), "1D")


def test_windows_and_segments_as_keys():
    time = np.array(["2024-01-01", "2024-01-02", "2024-01-09"], dtype="datetime64[D]")
    counts = GroupedConfusionCounts().update(
        [0, 1, 1], [0, 1, 0], [["a", "a", "a"], time_windows(time, "7D")]
    )
    assert [(g, str(w)) for g, w in counts.groups] == [
        ("a", "2023-12-28"),
        ("a", "2024-01-04"),
    ]
    assert counts[("a", np.datetime64("2024-01-04"))].confusion_matrix.tolist() == [
        [0, 0],
        [1, 0],
    ]


def test_dask_blocks_equal_numpy_with_an_empty_block():
    da = pytest.importorskip("dask.array")
    rng = np.random.default_rng(0)
    n = 300
    y_true = rng.integers(0, 3, n)
    y_pred = rng.integers(0, 3, n)
    region = rng.choice(np.array(["n", "s", "e"]), n)
    site = rng.integers(0, 4, n)
    weights = rng.integers(0, 4, n).astype(float)
    chunks = ((0, 100, 120, 80),)
    lazy = [da.from_array(a, chunks=chunks) for a in (y_true, y_pred, region, site)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        counts = GroupedConfusionCounts().update(
            lazy[0], lazy[1], [lazy[2], lazy[3]], da.from_array(weights, chunks=chunks)
        )
    assert counts == GroupedConfusionCounts().update(
        y_true, y_pred, [region, site], weights
    )
    single = GroupedConfusionCounts().update(lazy[0], lazy[1], lazy[3])
    assert single == GroupedConfusionCounts().update(y_true, y_pred, site)


def test_dask_data_frame_columns():
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"y": [0, 1, 1, 0, 1], "p": [0, 1, 0, 0, 0], "g": [3, 3, 4, 4, 5]}
    )
    lazy = dd.from_pandas(frame, npartitions=2)
    counts = GroupedConfusionCounts().update(lazy["y"], lazy["p"], lazy["g"])
    assert counts == GroupedConfusionCounts().update(frame["y"], frame["p"], frame["g"])


@pytest.mark.parametrize("keys", [[1, "1", 1], ["a", None, "b"]])
def test_keys_that_do_not_sort_together_are_a_clear_error(keys):
    groups = np.array(keys, dtype=object)
    with pytest.raises(ValueError, match="groups must hold keys that sort together"):
        GroupedConfusionCounts().update([0, 1, 0], [0, 1, 1], groups)


@pytest.mark.parametrize(
    "groups",
    [
        np.array([1.0, np.nan, 1.0]),
        np.array([1.0, np.nan, 1.0], dtype=object),
        np.array(["2024-01-01", "NaT", "2024-01-02"], dtype="datetime64[D]"),
    ],
)
def test_nan_keys_are_a_clear_error(groups):
    with pytest.raises(ValueError, match="groups must hold no NaN"):
        GroupedConfusionCounts().update([0, 1, 0], [0, 1, 1], groups)


def test_nan_keys_of_a_table_are_the_same_error():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {"y": [0, 1, 0], "p": [0, 1, 1], "g": [1.0, float("nan"), 1.0]}
    )
    with pytest.raises(ValueError, match="groups must hold no NaN"):
        GroupedConfusionCounts.from_frame(frame, y_true="y", y_pred="p", by=["g"])
