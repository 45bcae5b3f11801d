"""``report --by / --time / --window``: the groups of the command line."""

import contextlib
import io
import json

import numpy as np
import pytest

pytest.importorskip("duckdb")
pytest.importorskip("narwhals")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sklearn_balanced._cli import main  # noqa: E402
from sklearn_balanced.metrics import (  # noqa: E402
    ConfusionCounts,
    balanced_accuracy_by,
    time_windows,
)

#: A Thursday: 7D windows from the Unix epoch start on Thursdays.
START = pd.Timestamp("2024-01-04")
#: A region name longer than the figures draw.
LONG_REGION = "<long>" + "r" * 194


def _frame(seed, n_samples=600, weeks=3, regions=("east", "north", "south")):
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, weeks * 7 * 86400, n_samples)
    y = rng.integers(0, 2, n_samples)
    return pd.DataFrame(
        {
            "y": y,
            "p": np.where(rng.random(n_samples) < 0.85, y, 1 - y),
            "region": rng.choice(list(regions), n_samples),
            "ts": START + pd.to_timedelta(seconds, unit="s"),
        }
    )


def _write(frame, folder, kind):
    path = folder / f"data.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    return str(path)


def _report(capsys, path, *options):
    status = main(["report", path, "--y-true", "y", "--y-pred", "p", *options])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def _json(capsys, path, *options):
    out = _report(capsys, path, *options, "--format", "json")
    return json.loads(out, parse_constant=_strict)


def _strict(token):
    raise AssertionError(f"{token} in the JSON output")


def _key(key):
    if isinstance(key, np.datetime64):
        seconds = key.astype("datetime64[s]")
        return str(seconds if seconds == key else key)
    return key.item() if isinstance(key, np.generic) else key


def _expected(frame, *, time, window="7D", reference="previous", **options):
    groups = [frame["region"].to_numpy()]
    if time:
        groups.append(time_windows(frame["ts"], window))
    result = balanced_accuracy_by(frame["y"], frame["p"], groups)
    if reference != "previous":
        reference = ConfusionCounts().update(frame["y"], frame["p"])
    result = result.compare_to(reference, **options)
    expected = {}
    for i, keys in enumerate(result.groups):
        keys = keys if isinstance(keys, tuple) else (keys,)
        expected[tuple(map(_key, keys))] = {
            name: getattr(result, name)[i]
            for name in ("balanced_accuracy", "low", "high", "p_drop")
        } | {
            "flag": bool(result.flag[i]),
            "too_small": bool(result.too_small[i]),
            "support": result.support[i].tolist(),
        }
    return expected


def _check_groups(groups, expected):
    assert len(groups) == len(expected)
    for group in groups:
        want = expected[tuple(group["group"])]
        for name in ("balanced_accuracy", "low", "high", "p_drop"):
            value = np.nan if group[name] is None else group[name]
            np.testing.assert_array_equal(value, want[name], err_msg=name)
        assert group["flag"] == want["flag"]
        assert group["too_small"] == want["too_small"]
        assert [item["support"] for item in group["support"]] == want["support"]
    scores = [
        np.inf if g["balanced_accuracy"] is None else g["balanced_accuracy"]
        for g in groups
    ]
    assert scores == sorted(scores)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_groups_equal_those_in_memory(tmp_path, capsys, kind):
    frame = _frame(0)
    path = _write(frame, tmp_path, kind)
    report = _json(capsys, path, "--by", "region", "--time", "ts", "--window", "7D")
    _check_groups(report["groups"], _expected(frame, time=True))
    assert report["n_samples"] == frame.shape[0]
    assert report["schema_version"] == 1
    # the first window of every region has no reference: null, never NaN
    assert sum(group["p_drop"] is None for group in report["groups"]) == 3
    report = _json(capsys, path, "--by", "region", "--min-support", "0")
    _check_groups(
        report["groups"],
        _expected(frame, time=False, reference="all", min_support=0),
    )


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n_samples=st.integers(5, 80),
    window=st.sampled_from(["1D", "3D", "7D"]),
)
def test_random_groups_equal_those_in_memory(tmp_path_factory, seed, n_samples, window):
    frame = _frame(seed, n_samples, regions=("a", "b"))
    path = _write(frame, tmp_path_factory.mktemp("by"), "csv")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([
            "report", path, "--y-true", "y", "--y-pred", "p", "--by", "region",
            "--time", "ts", "--window", window, "--format", "json", "--level", "0.9",
        ])  # fmt: skip
    assert status == 0
    groups = json.loads(out.getvalue(), parse_constant=_strict)["groups"]
    _check_groups(groups, _expected(frame, time=True, window=window, level=0.9))


def test_degraded_region_is_flagged_and_the_others_are_not(tmp_path, capsys):
    rng = np.random.default_rng(1)
    n_samples = 9000
    frame = _frame(1, n_samples, weeks=6)
    week = ((frame["ts"] - START).dt.days // 7).to_numpy()
    worse = (frame["region"].to_numpy() == "north") & (week == 4)
    y = frame["y"].to_numpy()
    frame["p"] = np.where(worse & (rng.random(n_samples) < 0.4), 1 - y, frame["p"])
    path = _write(frame, tmp_path, "parquet")
    options = ("--by", "region", "--time", "ts", "--window", "7D")
    report = _json(capsys, path, *options)
    flagged = [group["group"] for group in report["groups"] if group["flag"]]
    assert flagged == [["north", "2024-02-01T00:00:00"]]
    text = _report(capsys, path, *options, "--top", "5")
    assert "north, 2024-02-01 " in text.splitlines()[-6]  # the window, as drawn
    assert "DROP" in text
    assert "13 more groups not shown" in text


def test_tiny_windows_are_too_small(tmp_path, capsys):
    frame = _frame(2, 200, weeks=1)
    path = _write(frame, tmp_path, "csv")
    report = _json(capsys, path, "--time", "ts", "--window", "1h")
    groups = report["groups"]
    assert len(groups) > 50
    assert all(group["too_small"] for group in groups if group["p_drop"] is not None)
    assert not any(group["flag"] for group in groups)
    assert all(len(group["group"]) == 1 for group in groups)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--by", "regoin"], "--by regoin: no column 'regoin'"),
        (["--window", "7D"], "--time and --window go together"),
        (["--time", "ts"], "--time and --window go together"),
        (["--time", "ts", "--window", "7X"], "--window: window must be"),
        (["--by", "region", "--reference", "previous"], "needs --time"),
        (["--time", "region", "--window", "1D"], "not a timestamp"),
    ],
)
def test_errors_are_one_line(tmp_path, capsys, options, message):
    path = _write(_frame(3, 50), tmp_path, "csv")
    status = main(["report", path, "--y-true", "y", "--y-pred", "p", *options])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_html_with_groups_prints_the_same_report(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = _write(_frame(3, 300), tmp_path, "parquet")
    options = ("--by", "region", "--time", "ts", "--window", "7D", "--top", "4")
    text = _report(capsys, path, *options)
    page = tmp_path / "page.html"
    assert _report(capsys, path, *options, "--html", str(page)) == text
    assert "Groups" in page.read_text(encoding="utf-8")


def test_score_with_by_is_an_error(tmp_path, capsys):
    path = _write(_frame(3, 50), tmp_path, "csv")
    status = main(["report", path, "--y-true", "y", "--score", "p", "--by", "region"])
    assert status == 2
    assert "--by needs --y-pred" in capsys.readouterr().err


def test_missing_group_key_names_the_row(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("y,p,region\n0,0,a\n1,1,\n")
    status = main([
        "report", str(path), "--y-true", "y", "--y-pred", "p", "--by", "region",
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2
    assert "data row 2: --by region: column 'region' holds a missing value" in err


def test_several_by_columns_and_weights_equal_those_in_memory(tmp_path, capsys):
    frame = _frame(4, 400)
    rng = np.random.default_rng(4)
    frame["site"] = rng.choice([3, 7], frame.shape[0])
    frame["w"] = rng.integers(0, 4, frame.shape[0]) / 2
    path = _write(frame, tmp_path, "parquet")
    report = _json(
        capsys, path, "--by", "region,site", "--by", "site", "--sample-weight", "w"
    )
    result = balanced_accuracy_by(
        frame["y"],
        frame["p"],
        [frame["region"].to_numpy(), frame["site"].to_numpy()],
        sample_weight=frame["w"],
    ).compare_to(
        ConfusionCounts().update(frame["y"], frame["p"], sample_weight=frame["w"])
    )
    by_key = {tuple(group["group"]): group for group in report["groups"]}
    assert sorted(by_key) == sorted(
        (region, int(site)) for region, site in result.groups
    )
    for i, (region, site) in enumerate(result.groups):
        group = by_key[region, int(site)]
        assert group["balanced_accuracy"] == result.balanced_accuracy[i]
        assert group["p_drop"] == result.p_drop[i]
        assert [s["support"] for s in group["support"]] == result.support[i].tolist()


def test_empty_by_name_and_a_time_column_of_numbers_are_errors(tmp_path, capsys):
    frame = _frame(5, 50)
    frame["ts"] = np.arange(frame.shape[0])
    path = _write(frame, tmp_path, "parquet")
    for options, message in [
        (["--by", "region,"], "--by: empty column name"),
        (["--time", "ts", "--window", "1D"], "time must name a datetime column"),
    ]:
        status = main(["report", path, "--y-true", "y", "--y-pred", "p", *options])
        err = capsys.readouterr().err
        assert status == 2
        assert message in err
        assert len(err.strip().splitlines()) == 1


def test_date_and_decimal_keys_are_written_as_text(tmp_path, capsys):
    import datetime
    import decimal

    frame = _frame(6, 60)
    frame["day"] = [datetime.date(2024, 1, 1 + i % 2) for i in range(60)]
    frame["price"] = [decimal.Decimal("1.50") if i % 3 else None for i in range(60)]
    frame["price"] = frame["price"].fillna(decimal.Decimal("2.25"))
    frame["shift"] = datetime.time(6, 30)
    path = _write(frame, tmp_path, "parquet")
    report = _json(capsys, path, "--by", "day,price,shift", "--min-support", "0")
    keys = sorted(tuple(group["group"]) for group in report["groups"])
    assert keys == [
        (f"2024-01-0{day}", price, "06:30:00")
        for day in (1, 2)
        for price in ("1.50", "2.25")
    ]


def _table_lines(text):
    """The header and the rows of the text table of the groups."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Groups ("))
    return [line for line in lines[start + 1 :] if not line.endswith("(--top)")]


def _table_names(text):
    """The group column of the text table of the groups."""
    header, *rows = _table_lines(text)
    end = header.index("balanced accuracy") - 2
    return [row[2:end].rstrip() for row in rows]


def _window_text(start):
    """A window start as the figures write it, from its ISO date-time."""
    if start.endswith("T00:00:00"):
        return start[:10]
    return start[:16] if start.endswith(":00") else start


@pytest.mark.parametrize(
    ("window", "n_samples"), [("7D", 400), ("5h", 150), ("45s", 60)]
)
def test_text_table_writes_the_names_the_figure_draws(
    tmp_path, capsys, pyplot, window, n_samples
):
    from sklearn_balanced.metrics import GroupedBalancedAccuracyDisplay

    frame = _frame(7, n_samples, regions=("north", LONG_REGION, "south"))
    path = _write(frame, tmp_path, "csv")
    options = ("--by", "region", "--time", "ts", "--window", window)
    text = _report(capsys, path, *options, "--top", "1000")
    names = _table_names(text)
    result = balanced_accuracy_by(
        frame["y"],
        frame["p"],
        [frame["region"].to_numpy(), time_windows(frame["ts"], window)],
    )
    display = GroupedBalancedAccuracyDisplay.from_result(
        result, kind="groups", top=len(result)
    )
    drawn = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert sorted(names) == sorted(drawn)
    assert len(names) == len(result)
    assert max(map(len, names)) <= len(f"{'r' * 30}, 2024-01-04T05:00:45")
    # JSON keeps its ISO date-times; the table cuts the long name as the figure
    # does, and writes a window as a date at midnight, else to the minute or second
    keys = [group["group"] for group in _json(capsys, path, *options)["groups"]]
    starts = np.unique(time_windows(frame["ts"], window)).astype("datetime64[s]")
    assert {start for _, start in keys} == set(map(str, starts))
    cut = LONG_REGION[:29] + "\N{HORIZONTAL ELLIPSIS}"
    short = {"north": "north", LONG_REGION: cut, "south": "south"}
    assert sorted(names) == sorted(
        f"{short[region]}, {_window_text(start)}" for region, start in keys
    )


def test_a_segment_named_like_a_window_is_written_as_it_is(tmp_path, capsys):
    named = "2024-06-27T00:00:00"
    frame = _frame(8, 300, regions=(named, "south"))
    path = _write(frame, tmp_path, "csv")
    names = _table_names(_report(capsys, path, "--by", "region"))
    assert sorted(names) == [named, "south"]
    options = ("--by", "region", "--time", "ts", "--window", "7D")
    names = _table_names(_report(capsys, path, *options))
    assert sorted(names) == [
        f"{region}, 2024-01-{day}"
        for region in (named, "south")
        for day in ("04", "11", "18")
    ]
    keys = [group["group"] for group in _json(capsys, path, *options)["groups"]]
    assert sorted(keys) == [
        [region, f"2024-01-{day}T00:00:00"]
        for region in (named, "south")
        for day in ("04", "11", "18")
    ]
