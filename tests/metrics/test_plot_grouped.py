"""GroupedBalancedAccuracyDisplay: the groups, or the segments over time windows."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import balanced_accuracy_score

from sklearn_balanced.metrics import (
    ConfusionCounts,
    GroupedBalancedAccuracy,
    GroupedBalancedAccuracyDisplay,
    GroupedConfusionCounts,
    balanced_accuracy_by,
    time_windows,
)

#: A Thursday: 7D windows from the Unix epoch start on Thursdays.
START = np.datetime64("2024-01-04T00:00:00", "s")
WEEK = np.timedelta64(7, "D")


def _monitoring(seed=0, n_samples=12_000, regions=("east", "north", "south")):
    """Three regions over 8 weeks; north's minority class is missed in week 5."""
    rng = np.random.default_rng(seed)
    region = rng.choice(np.asarray(regions), n_samples)
    seconds = rng.integers(0, 8 * 7 * 86400, n_samples)
    time = START + seconds.astype("timedelta64[s]")
    y_true = (rng.random(n_samples) < 0.2).astype(int)
    y_pred = np.where(rng.random(n_samples) < 0.9, y_true, 1 - y_true)
    worse = (region == "north") & (seconds // (7 * 86400) == 5) & (y_true == 1)
    y_pred = np.where(worse & (rng.random(n_samples) < 0.6), 0, y_pred)
    return y_true, y_pred, region, time_windows(time, "7D")


def _brute_force(y_true, y_pred, *keys):
    """The balanced accuracy of every group, by scikit-learn on its rows."""
    rows = list(zip(*keys, strict=True))
    scores = {}
    for group in sorted(set(rows)):
        mask = np.array([row == group for row in rows])
        scores[group] = balanced_accuracy_score(y_true[mask], y_pred[mask])
    return scores


def _group_key(group):
    return group if isinstance(group, tuple) else (group,)


def test_groups_are_drawn_worst_first_as_in_the_result(pyplot):
    y_true, y_pred, region, window = _monitoring()
    result = balanced_accuracy_by(y_true, y_pred, [region, window])
    display = GroupedBalancedAccuracyDisplay.from_result(result, kind="groups", top=7)
    scores = _brute_force(y_true, y_pred, region, window)
    worst = sorted(scores, key=scores.get)[:7]
    assert display.kind_ == "groups"
    (line,) = display.lines_
    np.testing.assert_allclose(line.get_xdata(), [scores[g] for g in worst])
    np.testing.assert_array_equal(line.get_ydata(), np.arange(7))
    names = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert names == [f"{name}, {str(start)[:10]}" for name, start in worst]
    index = [result.groups.index(group) for group in worst]
    (intervals,) = display.intervals_
    segments = np.array(intervals.get_segments())
    np.testing.assert_array_equal(segments[:, 0, 0], result.low[index])
    np.testing.assert_array_equal(segments[:, 1, 0], result.high[index])
    assert display.n_not_shown_ == len(scores) - 7 == 17
    assert "17 more groups not shown" in display.ax_.get_title()
    assert display.flagged_ is None
    assert display.too_small_ is None
    # the worst row is at the top
    bottom, top = display.ax_.get_ylim()
    assert top < 0 < 6 < bottom


def _flagged_and_small():
    """Group a is perfect, b misses half its minority class, c has 4 rows."""
    y_true = np.array([0, 1] * 50 + [0, 1] * 50 + [0, 1, 0, 1])
    y_pred = y_true.copy()
    y_pred[101:200:4] = 0  # half of b's class 1
    y_pred[203] = 0  # one of c's two class-1 samples
    groups = np.array(["a"] * 100 + ["b"] * 100 + ["c"] * 4)
    return y_true, y_pred, groups


def test_flagged_and_too_small_groups_are_marked(pyplot):
    y_true, y_pred, groups = _flagged_and_small()
    result = balanced_accuracy_by(y_true, y_pred, groups).compare_to("a")
    assert result.flag.tolist() == [False, True, False]
    assert result.too_small.tolist() == [False, False, True]
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    # rows, worst first: b (0.75), c (0.75, after b), a (1.0)
    names = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert names == ["b", "c", "a"]
    np.testing.assert_array_equal(display.flagged_.get_offsets(), [[0.75, 0]])
    np.testing.assert_array_equal(display.too_small_.get_offsets(), [[0.75, 1]])
    assert display.too_small_.get_facecolors().shape[0] == 0  # hollow
    assert list(display.lines_[0].get_markevery()) == [0, 2]  # c is hollow only
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert "drop flagged (P(drop) > 0.95): 1" in legend
    assert "too small to flag: 1" in legend


def test_time_kind_draws_each_segment_over_its_windows(pyplot):
    y_true, y_pred, region, window = _monitoring()
    result = balanced_accuracy_by(y_true, y_pred, [region, window]).compare_to(
        "previous"
    )
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    assert display.kind_ == "time"
    scores = _brute_force(y_true, y_pred, region, window)
    lowest = {
        name: min(s for (r, _), s in scores.items() if r == name)
        for name in ("east", "north", "south")
    }
    lines = {line.get_label(): line for line in display.lines_}
    assert list(lines) == sorted(lowest, key=lowest.get)
    assert next(iter(lines)) == "north"
    for name, line in lines.items():
        windows = sorted(w for r, w in scores if r == name)
        np.testing.assert_array_equal(line.get_xdata(), windows)
        np.testing.assert_allclose(line.get_ydata(), [scores[name, w] for w in windows])
    for line, band in zip(display.lines_, display.intervals_, strict=True):
        index = [result.groups.index((line.get_label(), w)) for w in line.get_xdata()]
        drawn = band.get_paths()[0].vertices[:, 1]
        assert np.isin(result.low[index], drawn).all()
        assert np.isin(result.high[index], drawn).all()
    assert display.n_not_shown_ == 0
    assert display.ax_.get_title() == "Balanced accuracy over time"
    assert [text.get_text() for text in display.ax_.get_legend().get_texts()][:3] == (
        list(lines)
    )


def test_time_kind_marks_the_flagged_window(pyplot):
    from matplotlib.dates import date2num

    y_true, y_pred, region, window = _monitoring()
    result = balanced_accuracy_by(y_true, y_pred, [region, window]).compare_to(
        "previous", level=0.999
    )
    ((flagged_region, flagged_window),) = [
        group for group, flag in zip(result.groups, result.flag, strict=True) if flag
    ]
    assert (flagged_region, flagged_window) == ("north", START + 5 * WEEK)
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    (index,) = np.flatnonzero(result.flag)
    np.testing.assert_allclose(
        display.flagged_.get_offsets(),
        [[date2num(flagged_window), result.balanced_accuracy[index]]],
    )
    assert display.too_small_.get_offsets().shape[0] == 0


def test_time_kind_hollow_too_small_windows(pyplot):
    from matplotlib.dates import date2num

    y_true, y_pred, region, window = _monitoring(n_samples=400)
    result = balanced_accuracy_by(y_true, y_pred, [region, window]).compare_to(
        "previous", min_support=12
    )
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    expected = sorted(
        (date2num(w), score)
        for (_, w), score, small in zip(
            result.groups, result.balanced_accuracy, result.too_small, strict=True
        )
        if small
    )
    assert len(expected) > 3
    np.testing.assert_allclose(
        sorted(map(tuple, display.too_small_.get_offsets())), expected
    )
    for line in display.lines_:
        index = [result.groups.index((line.get_label(), w)) for w in line.get_xdata()]
        filled = np.flatnonzero(~result.too_small[index])
        np.testing.assert_array_equal(line.get_markevery(), filled)


def test_top_draws_the_segments_of_the_lowest_minimum(pyplot):
    rng = np.random.default_rng(5)
    n_segments, n_weeks, per = 30, 4, 40
    segment = np.repeat(np.arange(n_segments), n_weeks * per)
    window = START + np.tile(np.repeat(np.arange(n_weeks), per), n_segments) * WEEK
    y_true = rng.integers(0, 2, segment.shape[0])
    y_pred = np.where(rng.random(segment.shape[0]) < 0.8, y_true, 1 - y_true)
    result = balanced_accuracy_by(y_true, y_pred, [segment, window], interval=None)
    display = GroupedBalancedAccuracyDisplay.from_result(result, top=4)
    scores = _brute_force(y_true, y_pred, segment, window)
    lowest = {s: min(scores[s, w] for w in np.unique(window)) for s in range(30)}
    worst = sorted(lowest, key=lambda s: (lowest[s], s))[:4]
    assert [line.get_label() for line in display.lines_] == [str(s) for s in worst]
    assert display.n_not_shown_ == 26
    assert "4 of 30 segments shown" in display.ax_.get_title()
    assert "26 more segments not shown" in display.ax_.get_title()


def test_groups_without_samples_are_not_drawn(pyplot):
    # Group "z" has only samples of class 2, which labels leaves out.
    y_true = np.array([0, 1, 0, 1, 2, 2, 0, 1])
    y_pred = np.array([0, 1, 1, 1, 2, 2, 0, 0])
    groups = np.array(["a", "a", "a", "a", "z", "z", "b", "b"])
    result = balanced_accuracy_by(y_true, y_pred, groups, labels=[0, 1])
    assert np.isnan(result.balanced_accuracy[2])
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    names = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert names == ["b", "a"]
    assert not np.isnan(display.lines_[0].get_xdata()).any()
    assert display.n_not_shown_ == 1
    assert "1 more groups not shown (1 without samples)" in display.ax_.get_title()


def test_windows_without_samples_are_skipped_in_time(pyplot):
    time = START + np.array([0, 0, 7, 7, 14, 14, 21, 21]) * np.timedelta64(1, "D")
    y_true = np.array([0, 1, 0, 1, 2, 2, 0, 1])
    y_pred = np.array([0, 1, 0, 0, 2, 2, 1, 1])
    result = balanced_accuracy_by(
        y_true, y_pred, time_windows(time, "7D"), labels=[0, 1]
    )
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    (line,) = display.lines_
    assert line.get_label() == "balanced accuracy"
    np.testing.assert_array_equal(
        line.get_xdata(), START + np.array([0, 7, 21]) * 86400
    )
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 0.5, 0.5])


def test_several_key_columns(pyplot):
    y_true, y_pred, region, window = _monitoring(n_samples=3000)
    site = np.where(np.arange(y_true.shape[0]) % 3 == 0, 7, 3)
    result = balanced_accuracy_by(y_true, y_pred, [region, site, window])
    display = GroupedBalancedAccuracyDisplay.from_result(result, kind="time")
    scores = _brute_force(y_true, y_pred, region, site, window)
    labels = sorted(line.get_label() for line in display.lines_)
    assert labels == sorted(f"{r}, {s}" for r, s, _ in scores if _ == START)
    for line in display.lines_:
        name, number = line.get_label().split(", ")
        expected = [scores[name, int(number), w] for w in line.get_xdata()]
        np.testing.assert_allclose(line.get_ydata(), expected)
    display = GroupedBalancedAccuracyDisplay.from_result(result, kind="groups", top=3)
    worst = sorted(scores, key=scores.get)[:3]
    names = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert names == [f"{r}, {s}, {str(w)[:10]}" for r, s, w in worst]


def test_long_and_mathtext_names_are_cut_and_drawn_as_text(pyplot, drawn_texts):
    long = "<script>alert(1)</script>" + "x" * 200
    y_true = np.tile([0, 1], 30)
    y_pred = np.where(np.arange(60) % 7 == 0, 1 - y_true, y_true)
    groups = np.array([long, "$x$", "a &amp; b"] * 20)
    result = balanced_accuracy_by(y_true, y_pred, groups)
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    texts = drawn_texts(display.figure_)
    assert "$x$" in texts
    assert "a &amp; b" in texts
    (cut,) = [text for text in texts if text.startswith("<script>")]
    assert cut == long[:29] + "\N{HORIZONTAL ELLIPSIS}"
    # nothing drawn outside the figure: the layout engine made room
    renderer = display.figure_.canvas.get_renderer()
    figure_box = display.figure_.bbox
    for label in display.ax_.get_yticklabels():
        box = label.get_window_extent(renderer)
        assert box.x0 >= figure_box.x0
        assert box.x1 <= figure_box.x1
    legend = display.ax_.get_legend().get_window_extent(renderer)
    assert legend.x1 <= figure_box.x1


@given(
    day=st.integers(-20_000, 20_000),
    nanoseconds=st.integers(0, 86_400 * 10**9 - 1),
    step=st.sampled_from([86_400 * 10**9, 60 * 10**9, 10**9, 10**6, 10**3, 1]),
    unit=st.sampled_from(["D", "m", "s", "ms", "us", "ns"]),
)
def test_window_names_are_the_shortest_exact_iso_text(day, nanoseconds, step, unit):
    from sklearn_balanced.utils._group_text import key_text

    start = np.datetime64(day, "D") + np.timedelta64(nanoseconds // step * step, "ns")
    if start.astype(f"datetime64[{unit}]") == start:
        start = start.astype(f"datetime64[{unit}]")  # the unit does not matter
    text = key_text(start)
    # the reference: the ISO text to the nanosecond, without the zeros not needed
    iso = str(start.astype("datetime64[ns]"))
    whole, _, fraction = iso.partition(".")
    digits = -(-len(fraction.rstrip("0")) // 3) * 3  # milli, micro or nano
    if iso.endswith("T00:00:00.000000000"):
        assert text == iso[:10]
    elif iso.endswith(":00.000000000"):
        assert text == iso[:16]
    else:
        assert text == (f"{whole}.{fraction[:digits]}" if digits else whole)
    assert np.datetime64(text) == start


def test_group_names_cut_long_keys_only(pyplot):
    from sklearn_balanced.utils._group_text import MAX_KEY_LENGTH, group_text

    keys = ("a" * MAX_KEY_LENGTH, "b" * (MAX_KEY_LENGTH + 1), 7, "$x$")
    cut = "b" * (MAX_KEY_LENGTH - 1) + "\N{HORIZONTAL ELLIPSIS}"
    assert group_text(keys) == ", ".join([keys[0], cut, "7", "$x$"])
    result = balanced_accuracy_by([0, 1], [0, 1], [[keys[1]] * 2, ["$x$"] * 2])
    display = GroupedBalancedAccuracyDisplay.from_result(result)
    (label,) = display.ax_.get_yticklabels()
    assert label.get_text() == rf"{cut}, \$x\$"


def test_auto_kind_and_the_given_axes(pyplot):
    y_true, y_pred, region, window = _monitoring(n_samples=600)
    figure, ax = pyplot.subplots(figsize=(5, 4))
    by_region = balanced_accuracy_by(y_true, y_pred, region)
    display = GroupedBalancedAccuracyDisplay(by_region).plot(ax=ax)
    assert display.kind_ == "groups"
    assert display.ax_ is ax
    assert display.figure_ is figure
    assert tuple(figure.get_size_inches()) == (5, 4)
    by_window = balanced_accuracy_by(y_true, y_pred, [region, window])
    assert GroupedBalancedAccuracyDisplay(by_window).plot().kind_ == "time"
    groups = GroupedBalancedAccuracyDisplay(by_window).plot(kind="groups")
    assert groups.kind_ == "groups"


def test_kwargs_go_to_the_points(pyplot):
    y_true, y_pred, region, window = _monitoring(n_samples=600)
    result = balanced_accuracy_by(y_true, y_pred, [region, window])
    display = GroupedBalancedAccuracyDisplay.from_result(
        result, kind="groups", marker="s", color="tab:green"
    )
    assert display.lines_[0].get_marker() == "s"
    assert display.lines_[0].get_color() == "tab:green"
    display = GroupedBalancedAccuracyDisplay.from_result(result, linewidth=3)
    assert all(line.get_linewidth() == 3 for line in display.lines_)


def test_from_predictions_is_from_result_of_balanced_accuracy_by(pyplot):
    y_true, y_pred, groups = _flagged_and_small()
    weights = np.arange(y_true.shape[0]) % 3 + 1.0
    display = GroupedBalancedAccuracyDisplay.from_predictions(
        y_true, y_pred, groups, sample_weight=weights, reference="a", level=0.9
    )
    result = balanced_accuracy_by(
        y_true, y_pred, groups, sample_weight=weights
    ).compare_to("a", level=0.9)
    expected = GroupedBalancedAccuracyDisplay.from_result(result)
    np.testing.assert_array_equal(
        display.lines_[0].get_xdata(), expected.lines_[0].get_xdata()
    )
    np.testing.assert_array_equal(
        display.flagged_.get_offsets(), expected.flagged_.get_offsets()
    )
    reference = ConfusionCounts().update(y_true, y_pred)
    display = GroupedBalancedAccuracyDisplay.from_predictions(
        y_true, y_pred, groups, reference=reference, confidence=0.5
    )
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert "50% interval" in legend


def _many_segments(n_segments, n_weeks=2):
    """A compared result of many small segments, built fast (no intervals)."""
    rng = np.random.default_rng(n_segments)
    segment = np.repeat(np.arange(n_segments), 4 * n_weeks)
    window = START + np.tile(np.repeat(np.arange(n_weeks), 4), n_segments) * WEEK
    y_true = np.tile([0, 1], 2 * n_weeks * n_segments)
    y_pred = np.where(rng.random(y_true.shape[0]) < 0.85, y_true, 1 - y_true)
    counts = GroupedConfusionCounts().update(y_true, y_pred, [segment, window])
    result = GroupedBalancedAccuracy.from_counts(counts, interval=None)
    flag = np.zeros(len(result), dtype=bool)
    flag[::1000] = True
    return dataclasses.replace(
        result,
        p_drop=np.where(flag, 0.99, 0.5),
        flag=flag,
        too_small=~flag,
        level=0.95,
        min_support=10.0,
    )


def test_100k_segments_draw_the_top_ones(pyplot):
    result = _many_segments(100_000)
    display = GroupedBalancedAccuracyDisplay.from_result(result, top=20)
    assert len(display.lines_) == len(display.intervals_) == 20
    assert display.n_not_shown_ == 99_980
    assert "20 of 100,000 segments shown" in display.ax_.get_title()
    lowest = np.fmin.reduceat(result.balanced_accuracy, np.arange(0, 200_000, 2))
    drawn = [line.get_ydata().min() for line in display.lines_]
    np.testing.assert_array_equal(drawn, np.sort(lowest)[:20])
    display = GroupedBalancedAccuracyDisplay.from_result(result, kind="groups")
    assert display.n_not_shown_ == 199_980
    np.testing.assert_array_equal(
        display.lines_[0].get_xdata(), np.sort(result.balanced_accuracy)[:20]
    )


def test_errors(pyplot):
    y_true, y_pred, region, _ = _monitoring(n_samples=300)
    result = balanced_accuracy_by(y_true, y_pred, region)
    with pytest.raises(ValueError, match='kind="time" needs groups whose last key'):
        GroupedBalancedAccuracyDisplay.from_result(result, kind="time")
    with pytest.raises(ValueError, match="kind must be one of"):
        GroupedBalancedAccuracyDisplay.from_result(result, kind="bars")
    for top in (0, -1, 2.5, True, "5"):
        with pytest.raises(ValueError, match="top must be a positive integer"):
            GroupedBalancedAccuracyDisplay.from_result(result, top=top)
    with pytest.raises(ValueError, match="top must be a positive integer"):
        GroupedBalancedAccuracyDisplay.from_predictions(y_true, y_pred, region, top=0)
    with pytest.raises(TypeError, match="result must be a GroupedBalancedAccuracy"):
        GroupedBalancedAccuracyDisplay.from_result(result.to_frame())
