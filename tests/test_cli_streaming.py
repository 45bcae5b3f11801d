"""The ``report`` sub-command on files read chunk by chunk.

The report of files counted chunk by chunk must be the report of the same table
read in memory, whatever the chunks, the number of files and their formats, and
the memory must not grow with the number of rows.
"""

import csv
import gzip
import itertools
import json
import tracemalloc
import warnings

import numpy as np
import pytest

from sklearn_balanced._cli import _report_counts as counts_module
from sklearn_balanced._cli import main
from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._progress import Progress
from sklearn_balanced._cli._report_counts import ReportCounts
from sklearn_balanced._cli._report_files import count_files
from sklearn_balanced._cli._report_summary import summarise_counts
from sklearn_balanced._cli._stream import iter_chunks
from sklearn_balanced._cli._table import (
    parse_labels,
    parse_numbers,
    parse_weights,
    read_table,
)
from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts


def _table(n_samples, labels, seed=0):
    """Columns y, p (labels), s (scores with ties) and w (integer weights)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(labels, n_samples, p=[0.8, 0.2] if len(labels) == 2 else None)
    p = np.where(rng.random(n_samples) < 0.7, y, rng.choice(labels, n_samples))
    s = np.round(rng.random(n_samples) * 0.6 + 0.4 * (y == labels[-1]), 3)
    w = rng.integers(1, 4, n_samples)
    return {"y": y, "p": p, "s": s, "w": w}


def _write_csv(path, table, rows=slice(None), opener=open):
    with opener(path, "wt", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(list(table))
        writer.writerows(zip(*(column[rows] for column in table.values()), strict=True))
    return path


def _write_parts(folder, table, n_parts=3):
    """The table as CSV parts (the last gzip-compressed); the path of the whole."""
    n_samples = len(table["y"])
    bounds = np.linspace(0, n_samples, n_parts + 1).astype(int)
    parts = [
        _write_csv(
            folder / (f"part-{i}.csv" + (".gz" if i == n_parts - 1 else "")),
            table,
            slice(start, stop),
            gzip.open if i == n_parts - 1 else open,
        )
        for i, (start, stop) in enumerate(itertools.pairwise(bounds))
    ]
    return parts, _write_csv(folder / "whole.csv", table)


def _in_memory_report(
    path, *, y_true, y_pred=None, score=None, pos_label=None, sample_weight=None
):
    """The report of a whole table read and counted at once: the reference.

    The columns are parsed whole, and counted by one ``ConfusionCounts`` and one
    ``ScoreCounts`` without bins (exact at every threshold).
    """
    columns = read_table(path)
    labels = {"--y-true": columns[y_true]}
    if score is None:
        labels["--y-pred"] = columns[y_pred]
    parsed = parse_labels(labels)
    truth, classes = parsed[0], np.unique(parsed[0])
    weights = None
    if sample_weight is not None:
        weights = parse_weights(columns[sample_weight])
    scores = positive = None
    if score is None:
        predicted = parsed[1]
    else:
        positive = classes[1]
        if pos_label is not None:
            positive = next(label for label in classes if str(label) == pos_label)
        values = parse_numbers(columns[score], "--score")
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
@pytest.mark.parametrize("labels", [[0, 1], ["10", "9"], ["1", "01"]])
def test_chunked_files_give_the_in_memory_report(tmp_path, labels, options):
    table = _table(500, labels)
    parts, whole = _write_parts(tmp_path, table)
    if options.get("pos_label"):
        options = {**options, "pos_label": str(labels[-1])}
    counted = count_files(parts, rows=37, **options)
    expected = _in_memory_report(whole, **options)
    assert summarise_counts(counted) == expected


def test_bins_then_exact_pass_find_the_in_memory_threshold(tmp_path, monkeypatch):
    monkeypatch.setattr(counts_module, "SCORE_BINS", 8)
    table = _table(2000, [0, 1], seed=1)
    table["s"] = table["s"] + np.arange(2000) * 1e-7  # every score distinct
    path = _write_csv(tmp_path / "t.csv", table)
    options = {"y_true": "y", "score": "s"}
    counted = count_files([path], rows=300, **options)
    assert summarise_counts(counted) == _in_memory_report(path, **options)


def test_refining_passes_in_bounded_bins_find_the_in_memory_threshold(
    tmp_path, monkeypatch
):
    # Candidate bins holding more distinct scores than REFINE_BINS are binned
    # again, pass after pass, until the threshold is exact.
    monkeypatch.setattr(counts_module, "SCORE_BINS", 8)
    monkeypatch.setattr(counts_module, "REFINE_BINS", 8)
    table = _table(2000, [0, 1], seed=1)
    table["s"] = table["s"] + np.arange(2000) * 1e-7  # every score distinct
    path = _write_csv(tmp_path / "t.csv", table)
    options = {"y_true": "y", "score": "s", "sample_weight": "w"}
    stages = _Stages()
    counted = count_files([path], rows=300, progress=stages, **options)
    assert counted.scores.exact
    assert stages.stages.count("refining the threshold") >= 2
    assert summarise_counts(counted) == _in_memory_report(path, **options)


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
    for source in ([str(folder)], [str(folder / "*.parquet")], [str(whole)]):
        assert main(["report", *source, *args]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1] == reports[2]
    assert reports[0]["n_samples"] == 3000


def test_bad_row_of_a_later_file_is_named(tmp_path, capsys):
    good = _write_csv(tmp_path / "a.csv", {"y": [0, 1], "s": [0.1, 0.9]})
    bad = _write_csv(tmp_path / "b.csv", {"y": [0, 1, 1], "s": [0.2, 0.3, "x"]})
    status = main(["report", str(good), str(bad), "--y-true", "y", "--score", "s"])
    err = capsys.readouterr().err
    assert status == 2
    assert err == (
        f"sklearn-balanced: error: {bad}: --score: expected numbers; data row 3 "
        "holds 'x'\n"
    )
    status = main(["report", str(tmp_path / "*.txt"), "--y-true", "y", "--score", "s"])
    assert status == 2
    assert "no such file" in capsys.readouterr().err


def _peak_bytes(path):
    tracemalloc.start()
    try:
        count_files([path], y_true="y", score="s", sample_weight="w", rows=2048)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(counts_module, "SCORE_BINS", 256)
    small = _write_csv(tmp_path / "small.csv", _table(20_000, [0, 1]))
    large = _write_csv(tmp_path / "large.csv", _table(200_000, [0, 1]))
    _peak_bytes(small)  # imports and caches
    assert _peak_bytes(large) < 1.5 * _peak_bytes(small) + 200_000


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of two single-thread workers.

    Its size is fixed (workers, threads, memory), not derived from the machine.
    """
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, memory_limit="2GiB", dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_cluster_gives_the_same_report(tmp_path, capsys, scheduler):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    table = _table(3000, [0, 1], seed=3)
    folder = tmp_path / "parts"
    folder.mkdir()
    for i, rows in enumerate(np.array_split(np.arange(3000), 3)):
        frame = pandas.DataFrame({name: values[rows] for name, values in table.items()})
        frame.to_parquet(folder / f"part-{i}.parquet")
    parts, _ = _write_parts(tmp_path, table)
    args = ["--y-true", "y", "--score", "s", "--sample-weight", "w", "--format", "json"]
    reports = []
    for source, cluster in [
        ([str(folder)], []),
        ([str(folder)], ["--scheduler", scheduler]),
        ([str(path) for path in parts], ["--scheduler", scheduler]),
    ]:
        assert main(["report", *source, *args, *cluster]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1] == reports[2]


def test_dask_errors_name_the_files(tmp_path, capsys, scheduler):
    bad = _write_csv(tmp_path / "b.csv", {"y": [0, 1, 1], "s": [0.2, 0.3, "x"]})
    args = ["report", str(bad), "--y-true", "y", "--score", "s"]
    assert main([*args, "--scheduler", scheduler]) == 2
    assert capsys.readouterr().err == (
        f"sklearn-balanced: error: {bad}: --score: expected numbers; data row 3 of "
        "a partition holds 'x'\n"
    )
    ragged = tmp_path / "r.csv"
    ragged.write_text("y,s\n0,0.1\n1,0.2,3\n")
    assert main(["report", str(ragged), *args[2:], "--scheduler", scheduler]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sklearn-balanced: error: {ragged}: ")
    assert err.count("\n") == 1
    assert main([*args, "--dask", "--scheduler", scheduler]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


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


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_truncated, "not a readable Parquet file (Parquet magic bytes not found"),
        (_corrupt_first_page, "not a readable Parquet file (Couldn't deserialize"),
    ],
)
def test_bad_parquet_part_is_named_with_and_without_dask(
    tmp_path, capsys, scheduler, spoil, message
):
    parts = _parquet_parts(tmp_path / "parts")
    spoil(parts[1])
    args = ["report", str(tmp_path / "parts"), "--y-true", "y", "--score", "s"]
    for cluster in ([], ["--scheduler", scheduler]):
        assert main([*args, *cluster]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"sklearn-balanced: error: {parts[1]}: {message}")
        assert err.count("\n") == 1


def test_empty_csv_among_several_with_dask(tmp_path, capsys, scheduler):
    table = _table(300, [0, 1])
    parts, _ = _write_parts(tmp_path, table)
    parts[1].write_text("")
    args = ["report", *map(str, parts), "--y-true", "y", "--y-pred", "p"]
    for cluster in ([], ["--scheduler", scheduler]):
        assert main([*args, *cluster]) == 2
        assert capsys.readouterr().err == (
            f"sklearn-balanced: error: {parts[1]} is empty\n"
        )


def test_dask_names_the_rows_of_parquet_files(tmp_path, capsys, scheduler):
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    scores = [0.5] * 100
    scores[64] = None
    path = tmp_path / "t.parquet"
    table = pa.table({"y": [0, 1] * 50, "s": scores})
    parquet.write_table(table, path, row_group_size=30)
    args = ["report", str(path), "--y-true", "y", "--score", "s"]
    for cluster in ([], ["--scheduler", scheduler]):
        assert main([*args, *cluster]) == 2
        assert capsys.readouterr().err == (
            f"sklearn-balanced: error: {path}: --score: 1 missing value(s) (NaN or "
            "empty) in data row(s) 65\n"
        )


def test_score_bins_of_chunks_line_up(tmp_path, monkeypatch):
    monkeypatch.setattr(counts_module, "SCORE_BINS", 1024)
    table = _table(20_000, [0, 1], seed=4)
    table["s"] = table["s"] + np.random.default_rng(4).normal(size=20_000)
    path = _write_csv(tmp_path / "t.csv", table)
    options = {"y_true": "y", "score": "s"}
    counted = count_files([path], rows=1000, **options)
    n_bins = int(repr(counted.scores).split("n_bins=")[1].split(",")[0])
    assert n_bins < 4_000  # the candidate bins' scores, not all 20,000
    assert summarise_counts(counted) == _in_memory_report(path, **options)


class _Stages(Progress):
    """Progress that records the passes over the files."""

    def __init__(self):
        super().__init__(enabled=False)
        self.stages = []

    def start(self, stage):
        super().start(stage)
        self.stages.append(stage)


def _random_table(rng, n_samples, labels):
    """A table of labels, scores with ties and integer weights, as text."""
    table = _table(n_samples, labels, seed=int(rng.integers(1000)))
    table["s"] = np.round(table["s"] + rng.normal(size=n_samples), 2)
    return table


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_give_the_in_memory_report(tmp_path, seed):
    rng = np.random.default_rng(seed)
    labels = [[0, 1], ["no", "yes"], [-1, 1], ["1", "01"], [2, 10, 7]][seed % 5]
    table = _random_table(rng, int(rng.integers(500, 3000)), labels)
    parts, whole = _write_parts(tmp_path, table, n_parts=int(rng.integers(1, 4)))
    rows = int(rng.choice([50, 400, 5000]))
    options = [{"y_true": "y", "y_pred": "p", "sample_weight": "w"}]
    if len(labels) == 2:
        positive = str(labels[-1])
        options += [
            {"y_true": "y", "score": "s", "pos_label": positive},
            {"y_true": "y", "score": "s", "pos_label": positive, "sample_weight": "w"},
        ]
    for option in options:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "1" and "01"
            counted = count_files(parts, rows=rows, **option)
            expected = _in_memory_report(whole, **option)
        assert summarise_counts(counted) == expected


def _count_stages(path, rows, **options):
    stages = _Stages()
    counted = count_files([path], rows=rows, progress=stages, **options)
    assert summarise_counts(counted) == _in_memory_report(path, **options)
    return stages.stages


def test_one_pass_counts_when_the_first_chunk_guesses_right(tmp_path, monkeypatch):
    monkeypatch.setattr(counts_module, "SCORE_BINS", 64)
    table = _random_table(np.random.default_rng(0), 6000, [0, 1])
    path = _write_csv(tmp_path / "t.csv", table)
    stages = _count_stages(path, 2000, y_true="y", y_pred="p", sample_weight="w")
    assert stages == ["counting"]
    stages = _count_stages(path, 2000, y_true="y", score="s", sample_weight="w")
    assert stages == ["counting", "refining the threshold"]


@pytest.mark.parametrize("change", ["late text label", "late class"])
def test_a_wrong_guess_of_the_first_chunk_counts_again(tmp_path, change):
    table = _random_table(np.random.default_rng(1), 3000, [0, 1])
    options = {"y_true": "y", "score": "s", "pos_label": "1"}
    if change == "late text label":
        table["y"] = table["y"].astype(object)
        table["y"][2500] = "007"
        options = {"y_true": "y", "y_pred": "p"}
    else:
        table["y"][:1000] = 0
    path = _write_csv(tmp_path / "t.csv", table)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "007"
        stages = _count_stages(path, 1000, **options)
    assert stages[:2] == ["counting", "counting again"]


def test_sorted_scores_need_no_second_counting_pass(tmp_path, monkeypatch):
    # The bins of the scores line up in every chunk whatever the first holds.
    monkeypatch.setattr(counts_module, "SCORE_BINS", 64)
    table = _random_table(np.random.default_rng(1), 3000, [0, 1])
    table["s"] = np.sort(table["s"])
    path = _write_csv(tmp_path / "t.csv", table)
    stages = _count_stages(path, 1000, y_true="y", score="s", pos_label="1")
    assert stages == ["counting", "refining the threshold"]


def test_sample_weight_error_comes_after_the_label_errors(tmp_path, capsys):
    path = _write_csv(
        tmp_path / "t.csv", {"y": [0, 0, 0], "s": [0.1, 0.2, 0.3], "w": [1, -1, 1]}
    )
    args = ["report", str(path), "--y-true", "y", "--score", "s"]
    assert main([*args, "--sample-weight", "w"]) == 2
    assert "holds a single class (0)" in capsys.readouterr().err
    path.write_text("y,s,w\n0,0.1,1\n1,0.2,-1\n")
    assert main([*args, "--sample-weight", "w"]) == 2
    assert capsys.readouterr().err == (
        f"sklearn-balanced: error: {path}: --sample-weight: sample weights must be "
        "non-negative; data row 2 holds -1\n"
    )


_CELLS = ["0", "1", " 1 ", "", " ", "x", '"q"', '"a,b"', '"two\nlines"', "é", "2.5"]


def _random_csv(rng):
    """Delimited text with quotes, blank lines, CRLF and rows of other lengths."""
    delimiter = str(rng.choice([",", ";", "\t"]))
    lines = [delimiter.join(["a", "b", "c"])]
    for _ in range(int(rng.integers(0, 15))):
        n_fields = 3 if rng.random() < 0.9 else int(rng.integers(1, 5))
        if rng.random() < 0.1:
            lines.append(delimiter * int(rng.integers(0, 3)))
        else:
            lines.append(delimiter.join(rng.choice(_CELLS, n_fields).tolist()))
    newline = "\r\n" if rng.random() < 0.3 else "\n"
    return newline.join(lines) + ("" if rng.random() < 0.3 else newline)


def _read_or_error(function):
    try:
        return function()
    except InputError as error:
        return str(error)


@pytest.mark.parametrize("seed", range(3))
def test_blocks_of_lines_read_as_the_csv_module_reads_the_file(tmp_path, seed):
    rng = np.random.default_rng(seed)
    for trial in range(150):
        path = tmp_path / ("t.csv.gz" if trial % 5 == 0 else "t.csv")
        data = _random_csv(rng).encode()
        path.write_bytes(gzip.compress(data) if trial % 5 == 0 else data)
        rows = int(rng.choice([1, 2, 3, 100]))
        names = {"a": "--y-true", "c": "--score"}

        def streamed(path=path, rows=rows, names=names):
            chunks = list(iter_chunks(path, names, rows=rows))
            assert all(0 < chunk.n_rows <= rows for chunk in chunks)
            return {
                name: [v for c in chunks for v in c.columns[name]] for name in names
            }

        def in_memory(path=path, names=names):
            return {name: read_table(path)[name] for name in names}

        assert _read_or_error(streamed) == _read_or_error(in_memory)
