"""The ``report`` sub-command on files read and counted by DuckDB.

The report of files counted by the engine must be the report of the same table
read and counted in memory, whatever the number of files and their formats;
errors name the file, the line (delimited text) or row group (Parquet) and the
column, in one line.
"""

import csv
import gzip
import itertools
import json
import tracemalloc
import warnings

import numpy as np
import pytest

pytest.importorskip("duckdb")
pytest.importorskip("narwhals")

from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_balanced._cli import _report_counts as counts_module
from sklearn_balanced._cli import _survey as survey_module
from sklearn_balanced._cli import main
from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._files import (
    DEFAULT_MEMORY_LIMIT,
    condense,
    connect,
    read_files,
)
from sklearn_balanced._cli._labels import parse_labels
from sklearn_balanced._cli._report_counts import ReportCounts
from sklearn_balanced._cli._report_files import count_files
from sklearn_balanced._cli._report_summary import summarise_counts
from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts


def _table(n_samples, labels, seed=0):
    """Columns y, p (labels), s (scores with ties) and w (integer weights)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(labels, n_samples, p=[0.8, 0.2] if len(labels) == 2 else None)
    p = np.where(rng.random(n_samples) < 0.7, y, rng.choice(labels, n_samples))
    s = np.round(rng.random(n_samples) * 0.6 + 0.4 * (y == labels[-1]), 3)
    w = rng.integers(1, 4, n_samples)
    return {"y": y, "p": p, "s": s, "w": w}


def _write_csv(path, table, rows=slice(None), opener=open, delimiter=","):
    with opener(path, "wt", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(list(table))
        writer.writerows(zip(*(column[rows] for column in table.values()), strict=True))
    return path


def _write_parts(folder, table, n_parts=3):
    """The table as CSV parts (the last gzip-compressed); the path of the whole."""
    n_samples = len(table["y"])
    bounds = np.linspace(0, n_samples, n_parts + 1).astype(int)
    parts = [
        str(
            _write_csv(
                folder / (f"part-{i}.csv" + (".gz" if i == n_parts - 1 else "")),
                table,
                slice(start, stop),
                gzip.open if i == n_parts - 1 else open,
            )
        )
        for i, (start, stop) in enumerate(itertools.pairwise(bounds))
    ]
    return parts, _write_csv(folder / "whole.csv", table)


def _in_memory_report(
    path, *, y_true, y_pred=None, score=None, pos_label=None, sample_weight=None
):
    """The report of a whole CSV file read by the csv module and counted at once.

    The reference: the labels parsed whole by ``parse_labels``, counted by one
    ``ConfusionCounts`` and one ``ScoreCounts`` without bins.
    """
    with open(path, newline="") as stream:
        rows = list(csv.DictReader(stream))
    labels = {"--y-true": [row[y_true] for row in rows]}
    if score is None:
        labels["--y-pred"] = [row[y_pred] for row in rows]
    parsed = parse_labels(labels)
    truth, classes = parsed[0], np.unique(parsed[0])
    weights = None
    if sample_weight is not None:
        weights = np.array([float(row[sample_weight]) for row in rows])
    scores = positive = None
    if score is None:
        predicted = parsed[1]
    else:
        positive = classes[1]
        if pos_label is not None:
            positive = next(label for label in classes if str(label) == pos_label)
        values = np.array([float(row[score]) for row in rows])
        predicted = np.where(values >= 0.5, positive, classes[classes != positive][0])
        scores = ScoreCounts().update(
            truth, values, pos_label=positive, sample_weight=weights
        )
    counts = ConfusionCounts().update(truth, predicted, weights)
    counted = ReportCounts(counts, classes, truth.shape[0], scores, positive)
    return summarise_counts(counted)


OPTIONS = [
    {"y_true": "y", "y_pred": "p"},
    {"y_true": "y", "y_pred": "p", "sample_weight": "w"},
    {"y_true": "y", "score": "s", "pos_label": "1"},
    {"y_true": "y", "score": "s", "pos_label": "1", "sample_weight": "w"},
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("labels", [[0, 1], ["10", "9"], ["1", "01"], ["no", "yes"]])
def test_files_give_the_in_memory_report(tmp_path, labels, options):
    table = _table(500, labels)
    parts, whole = _write_parts(tmp_path, table)
    if options.get("pos_label"):
        options = {**options, "pos_label": str(labels[-1])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "1" and "01" are the same number
        counted = count_files(parts, threads=2, **options)
        expected = _in_memory_report(whole, **options)
    assert summarise_counts(counted) == expected


_LABELS = st.sampled_from([[0, 1], [-1, 1], ["a", "b"], ["007", "7"], [3, 10, 7]])


@settings(max_examples=12, deadline=None)
@given(
    labels=_LABELS,
    n_samples=st.integers(2, 300),
    seed=st.integers(0, 2**16),
    n_parts=st.integers(1, 3),
    weighted=st.booleans(),
)
def test_random_tables_give_the_in_memory_report(
    tmp_path_factory, labels, n_samples, seed, n_parts, weighted
):
    rng = np.random.default_rng(seed)
    table = _table(n_samples, labels, seed=seed)
    table["s"] = np.round(table["s"] + rng.normal(size=n_samples), 2)
    table["y"][:2] = labels[:2]  # two classes at least
    folder = tmp_path_factory.mktemp("random")
    parts, whole = _write_parts(folder, table, n_parts=min(n_parts, n_samples))
    weight = {"sample_weight": "w"} if weighted else {}
    options = [{"y_true": "y", "y_pred": "p", **weight}]
    if len(labels) == 2:
        options.append({"y_true": "y", "score": "s", "pos_label": str(labels[-1])})
        options[-1].update(weight)
    for option in options:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # classes never predicted, "007"/"7"
            counted = count_files(parts, **option)
            expected = _in_memory_report(whole, **option)
        assert summarise_counts(counted) == expected


def test_exact_threshold_beyond_the_bins_of_one_pass(tmp_path, monkeypatch):
    # Far more distinct scores than bins: the engine's further passes find
    # the in-memory best threshold.
    monkeypatch.setattr(counts_module, "SCORE_BINS", 8)
    table = _table(3000, [0, 1], seed=5)
    rng = np.random.default_rng(5)
    table["s"] = np.round(table["s"] + rng.normal(0, 0.2, 3000), 4)
    path = _write_csv(tmp_path / "t.csv", table)
    for weight in ({}, {"sample_weight": "w"}):
        counted = count_files([str(path)], y_true="y", score="s", **weight)
        assert counted.scores.exact
        expected = ScoreCounts().update(
            table["y"], table["s"], sample_weight=table["w"] if weight else None
        )
        assert counted.scores.best_threshold() == expected.best_threshold()


def test_parquet_directory_glob_and_csv_agree(tmp_path, capsys):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    table = _table(3000, ["cat", "dog"], seed=2)
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, rows in enumerate(np.array_split(np.arange(3000), 4)):
        frame = pandas.DataFrame({name: values[rows] for name, values in table.items()})
        frame.to_parquet(folder / f"part-{i}.parquet")
    whole = _write_csv(tmp_path / "whole.csv", table)
    args = ["--y-true", "y", "--y-pred", "p", "--format", "json"]
    reports = []
    for source in (
        [str(folder)],
        [str(folder / "*.parquet")],
        [str(whole)],
        [str(folder / "part-0.parquet"), str(folder / "part-[123].parquet")],
    ):
        assert main(["report", *source, *args, "--sample-weight", "w"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1] == reports[2] == reports[3]
    assert reports[0]["n_samples"] == 3000


def test_parquet_labels_keep_their_type(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    parquet.write_table(
        pa.table({"y": ["007", "7", "7"], "p": ["7", "7", "007"], "n": [0, 1, 1]}),
        path,
    )
    args = ["report", str(path), "--format", "json"]
    assert main([*args, "--y-true", "y", "--y-pred", "p"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["label"] for row in report["per_class"]] == ["007", "7"]
    assert main([*args, "--y-true", "n", "--y-pred", "n"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["label"] for row in report["per_class"]] == [0, 1]


def test_quoting_blank_lines_and_spaces_are_read_as_text(tmp_path, capsys):
    path = tmp_path / "q.csv"
    path.write_bytes(
        b'\xef\xbb\xbf\r\n y ,"p",other\r\n\r\n" cat ",cat,"a,b"\r\n'
        b'dog,"d""og","two\r\nlines"\r\ndog, dog ,\r\n'
    )
    assert main(["report", str(path), "--y-true", "y", "--y-pred", "p"]) == 0
    out = capsys.readouterr().out
    assert "(3 samples)" in out
    assert "balanced accuracy           0.7500" in out


def test_bad_row_of_a_later_file_is_named(tmp_path, capsys):
    good = _write_csv(tmp_path / "a.csv", {"y": [0, 1], "s": [0.1, 0.9]})
    bad = _write_csv(tmp_path / "b.csv", {"y": [0, 1, 1], "s": [0.2, 0.3, "x"]})
    status = main(["report", str(good), str(bad), "--y-true", "y", "--score", "s"])
    err = capsys.readouterr().err
    assert status == 2
    assert err == (
        f"sklearn-balanced: error: {bad}, line 4: --score: expected numbers in "
        "column 's'; got 'x'\n"
    )
    bad.write_text("y,s\n0,0.2\n1,\n")
    status = main(["report", str(good), str(bad), "--y-true", "y", "--score", "s"])
    assert status == 2
    assert capsys.readouterr().err == (
        f"sklearn-balanced: error: {bad}, data row 2: --score: column 's' holds "
        "a missing value (empty or null)\n"
    )
    status = main(["report", str(tmp_path / "*.txt"), "--y-true", "y", "--score", "s"])
    assert status == 2
    assert "no such file" in capsys.readouterr().err


def test_broken_gzip_part_and_missing_column_are_named(tmp_path, capsys):
    good = _write_csv(tmp_path / "a.csv", {"y": [0, 1], "p": [0, 1]})
    broken = tmp_path / "b.csv.gz"
    rows = np.random.default_rng(0).integers(0, 2, (20_000, 2))
    text = "y,p\n" + "".join(f"{y},{p}\n" for y, p in rows)
    broken.write_bytes(gzip.compress(text.encode())[:-200])
    args = ["report", str(good), str(broken), "--y-true", "y", "--y-pred", "p"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sklearn-balanced: error: {broken} looks gzip-compressed")
    assert err.count("\n") == 1
    other = _write_csv(tmp_path / "c.csv", {"y": [0, 1], "q": [0, 1]})
    assert main(["report", str(good), str(other), "--y-true", "y", "--y-pred", "p"])
    assert capsys.readouterr().err == (
        f"sklearn-balanced: error: {other}: --y-pred: no column 'p'; available "
        "columns: 'y', 'q'\n"
    )


def _parquet_parts(folder, n_parts=3, rows=100):
    """Parquet parts of ``rows`` rows (y, s), in row groups of 30 rows."""
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(n_parts):
        table = pa.table({"y": rng.integers(0, 2, rows), "s": rng.random(rows)})
        parquet.write_table(
            table, folder / f"part-{i}.parquet", compression="none", row_group_size=30
        )
    return sorted(folder.iterdir())


def _truncated(path):
    path.write_bytes(path.read_bytes()[:-100])


def _corrupt_first_page(path):
    """Garble the header of the first data page; the footer stays readable."""
    data = bytearray(path.read_bytes())
    data[4:24] = bytes(byte ^ 0x5A for byte in data[4:24])
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("spoil", [_truncated, _corrupt_first_page])
def test_bad_parquet_part_is_named(tmp_path, capsys, spoil):
    parts = _parquet_parts(tmp_path / "parts")
    spoil(parts[1])
    args = ["report", str(tmp_path / "parts"), "--y-true", "y", "--score", "s"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sklearn-balanced: error: {parts[1]}")
    assert err.count("\n") == 1


def test_parquet_rows_are_named_by_row_group(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    scores = np.linspace(0, 1, 100)
    scores[75] = np.inf
    table = pa.table({"y": np.arange(100) % 2, "s": scores})
    parquet.write_table(table, path, row_group_size=30)
    assert main(["report", str(path), "--y-true", "y", "--score", "s"]) == 2
    assert capsys.readouterr().err == (
        f"sklearn-balanced: error: {path}, row group 2, row 76: --score: column "
        "'s' holds a value that is not a finite number\n"
    )


def test_errors_come_in_the_order_of_the_checks(tmp_path, capsys):
    path = _write_csv(
        tmp_path / "t.csv", {"y": [0, 0, 0], "s": [0.1, 0.2, 0.3], "w": [1, -1, 1]}
    )
    args = ["report", str(path), "--y-true", "y", "--score", "s"]
    assert main([*args, "--sample-weight", "w"]) == 2
    assert "holds a single class (0)" in capsys.readouterr().err
    path.write_text("y,s,w\n0,0.1,1\n1,0.2,-1\n")
    assert main([*args, "--sample-weight", "w"]) == 2
    assert capsys.readouterr().err == (
        f"sklearn-balanced: error: {path}, data row 2: --sample-weight: column "
        "'w' holds a negative sample weight\n"
    )


def test_many_distinct_labels_stay_in_the_engine(tmp_path, capsys, monkeypatch):
    # A column of scores (or ids) passed as labels: the groups that come back
    # are bounded, and the message names the column.
    monkeypatch.setattr(survey_module, "MAX_GROUPS", 150)
    n = 400
    scores = {"y": np.arange(n) % 2, "p": np.arange(n) / n}
    path = _write_csv(tmp_path / "s.csv", scores)
    args = ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    assert main(args) == 2
    assert "--y-pred: column 'p' looks like scores, not labels" in (
        capsys.readouterr().err
    )
    classes = {"y": np.arange(n) % 2, "p": np.arange(n) % 200}
    _write_csv(path, classes)
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "sklearn-balanced: error: --y-pred: column 'p' holds 151 or more distinct "
        "labels; more than 150 groups of labels are not counted\n"
    )


def test_threads_and_memory_limit_reach_duckdb():
    with connect(threads=1, memory_limit="300MB") as connection:
        threads, memory = connection.sql(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchall()[0]
        folder = connection.sql("SELECT current_setting('temp_directory')")
        folder = folder.fetchall()[0][0]
        (prefetching,) = connection.sql(
            "SELECT NOT current_setting('disable_parquet_prefetching')"
        ).fetchall()[0]
    assert threads == 1
    assert not prefetching
    assert memory.replace(" ", "").startswith("286.1MiB") or "MiB" in memory
    assert "sklearn-balanced-" in folder
    with connect() as connection:
        (memory,) = connection.sql("SELECT current_setting('memory_limit')").fetchall()[
            0
        ]
    assert DEFAULT_MEMORY_LIMIT == "1GB"
    assert "953.6" in memory or "GiB" in memory or "MiB" in memory


def test_options_reach_the_connection(tmp_path, capsys, monkeypatch):
    seen = []
    original = connect

    def recording(**options):
        seen.append(options)
        return original(**options)

    monkeypatch.setattr("sklearn_balanced._cli._report_files.connect", recording)
    path = _write_csv(tmp_path / "t.csv", {"y": [0, 1], "p": [0, 1]})
    args = ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    assert main([*args, "--threads", "1", "--memory-limit", "200MB"]) == 0
    assert seen == [{"threads": 1, "memory_limit": "200MB"}]


def test_read_files_keeps_only_the_needed_columns(tmp_path):
    path = _write_csv(tmp_path / "t.csv", {"a": ["007"], "b": [1.5], "c": ["x"]})
    with connect() as connection:
        relation = read_files(
            connection, [path], {"--y-true": ("a", False), "--score": ("b", True)}
        )
        assert relation.columns == ["a", "b"]
        assert [str(t) for t in relation.types] == ["VARCHAR", "DOUBLE"]
        assert relation.fetchall() == [("007", 1.5)]


def test_condense_falls_back_to_the_first_line():
    assert condense("IO Error: No files found\nmore", ["x.csv"]) == (
        "x.csv: IO Error: No files found"
    )
    assert condense("IO Error: Unexpected end of GZIP stream", ["x.gz"]).startswith(
        "x.gz looks gzip-compressed but cannot be decompressed"
    )


def _peak_bytes(path):
    tracemalloc.start()
    try:
        count_files([str(path)], y_true="y", score="s", sample_weight="w")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_python_memory_does_not_grow_with_rows(tmp_path):
    small = _write_csv(tmp_path / "small.csv", _table(2_000, [0, 1]))
    large = _write_csv(tmp_path / "large.csv", _table(100_000, [0, 1]))
    _peak_bytes(small)  # warm: imports and caches
    assert _peak_bytes(large) < 2 * _peak_bytes(small) + (1 << 20)


def test_input_error_is_raised_not_printed_by_count_files(tmp_path):
    path = _write_csv(tmp_path / "t.csv", {"y": [0, 1], "p": [0, 1]})
    with pytest.raises(InputError, match="no column 'q'"):
        count_files([str(path)], y_true="y", y_pred="q")
