"""Tests of the command line (report and demo), in-process and in a subprocess."""

import doctest
import gzip
import io
import json
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score

from sklearn_balanced import ConfusionCounts
from sklearn_balanced._cli import _demo as demo_module
from sklearn_balanced._cli import _report as report_module
from sklearn_balanced._cli import main
from sklearn_balanced._cli._demo import demo_models, evaluate, format_table, run_demo
from sklearn_balanced._cli._demo_data import make_demo_data
from sklearn_balanced._cli._labels import parse_labels
from sklearn_balanced._cli._report_counts import ReportCounts
from sklearn_balanced._cli._report_files import count_files
from sklearn_balanced._cli._report_summary import format_report, summarise_counts
from sklearn_balanced.metrics import balanced_accuracy_interval

DEMO_FIGURES = {
    "balanced_accuracy_vs_threshold.png",
    "confusion_matrices.png",
    "decision_boundaries.png",
    "per_class_recall.png",
    "training_curves.png",
}


def run_cli(*args, cwd=None):
    """Run ``python -m sklearn_balanced`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "sklearn_balanced", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def write_csv(path, header, rows, delimiter=","):
    lines = [delimiter.join(header)]
    lines += [delimiter.join(map(str, row)) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def scored():
    """Labels, probabilities, predictions and weights of a weak imbalanced model."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [150, 30])
    proba = np.clip(0.15 + 0.25 * y + rng.normal(0, 0.15, y.size), 0, 1).round(4)
    pred = (proba >= 0.5).astype(int)
    weight = rng.integers(1, 4, y.size)
    return y, proba, pred, weight


@pytest.fixture
def scored_csv(tmp_path, scored):
    y, proba, pred, weight = scored
    return write_csv(
        tmp_path / "scores.csv",
        ["y", "proba", "pred", "w"],
        zip(y, proba, pred, weight, strict=True),
    )


def test_report_json_subprocess_matches_sklearn(scored_csv, scored):
    y, proba, pred, weight = scored
    result = run_cli(
        "report",
        scored_csv,
        "--y-true",
        "y",
        "--score",
        "proba",
        "--sample-weight",
        "w",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema_version"] == 1
    assert report["n_samples"] == y.size
    kwargs = {"sample_weight": weight}
    assert report["balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(y, pred, **kwargs)
    )
    assert report["adjusted_balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(y, pred, adjusted=True, **kwargs)
    )
    assert report["accuracy"] == pytest.approx(accuracy_score(y, pred, **kwargs))
    recalls = recall_score(y, pred, average=None, **kwargs)
    assert [row["label"] for row in report["per_class"]] == [0, 1]
    assert [row["recall"] for row in report["per_class"]] == pytest.approx(recalls)
    assert [row["support"] for row in report["per_class"]] == [
        weight[y == 0].sum(),
        weight[y == 1].sum(),
    ]
    interval = balanced_accuracy_interval(y, pred, sample_weight=weight)
    assert report["interval"] == {
        "method": "posterior",
        "confidence": 0.95,
        "low": pytest.approx(interval.low),
        "high": pytest.approx(interval.high),
        "mean": pytest.approx(interval.mean),
        "p_below_chance": pytest.approx(interval.p_below_chance),
    }
    threshold = report["threshold"]
    assert threshold["pos_label"] == 1
    assert threshold["default"] == 0.5
    assert threshold["balanced_accuracy_at_default"] == pytest.approx(
        report["balanced_accuracy"]
    )
    brute_force = max(
        balanced_accuracy_score(y, (proba >= t).astype(int), **kwargs)
        for t in np.unique(proba)
    )
    assert threshold["balanced_accuracy_at_best"] == pytest.approx(brute_force)
    at_best = (proba >= threshold["best"]).astype(int)
    assert balanced_accuracy_score(y, at_best, **kwargs) == pytest.approx(brute_force)
    assert threshold["best"] not in set(proba)


def test_report_text_subprocess(scored_csv, scored):
    y, _, pred, _ = scored
    result = run_cli("report", scored_csv, "--y-true", "y", "--y-pred", "pred")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Balanced accuracy report for {scored_csv} ({y.size} samples)"
    expected = balanced_accuracy_score(y, pred)
    assert f"balanced accuracy           {expected:.4f}" in lines
    assert any(line.startswith("  95% posterior interval") for line in lines)
    assert "thresholds" not in result.stdout


def test_report_error_subprocess_is_one_line(tmp_path):
    result = run_cli(
        "report", tmp_path / "missing.csv", "--y-true", "y", "--y-pred", "p"
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("sklearn-balanced: error: no such file")
    assert "Traceback" not in result.stderr


def test_demo_writes_figures_and_page(demo_run):
    status, stdout, folder = demo_run
    assert status == 0
    for name in demo_models():
        assert name in stdout
    assert "Figures written to" in stdout
    assert f"HTML page written to {folder / 'demo.html'}" in stdout
    figures = folder / "figures"
    assert {path.name for path in figures.iterdir()} == DEMO_FIGURES
    for path in figures.iterdir():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_version_and_usage_subprocess():
    import sklearn_balanced

    result = run_cli("--version")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == f"sklearn-balanced {sklearn_balanced.__version__}"
    result = run_cli()
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("usage: sklearn-balanced")
    for command in ("demo", "report", "--version"):
        assert command in result.stderr


def test_demo_rows_match_sklearn():
    X, y = make_demo_data(random_state=0)
    train, test = np.arange(y.size) % 3 != 0, np.arange(y.size) % 3 == 0
    models = demo_models(random_state=0)
    rows = evaluate(models, X[train], X[test], y[train], y[test])
    assert [row["name"] for row in rows] == list(models)
    for row, model in zip(rows, models.values(), strict=True):
        y_pred = model.predict(X[test])
        assert row["accuracy"] == pytest.approx(accuracy_score(y[test], y_pred))
        assert row["balanced_accuracy"] == pytest.approx(
            balanced_accuracy_score(y[test], y_pred)
        )
        assert row["recall"] == pytest.approx(
            recall_score(y[test], y_pred, average=None)
        )
        assert row["low"] <= row["high"]
    majority = rows[0]
    assert majority["balanced_accuracy"] == 0.5
    assert majority["recall"] == [1.0, 0.0]
    assert rows[-1]["balanced_accuracy"] > 0.75
    table = format_table(rows).splitlines()
    assert len(table) == len(rows) + 1
    assert table[0].split()[:3] == ["model", "accuracy", "balanced"]


def test_demo_data_is_the_seed_walkthrough():
    X, y = make_demo_data(random_state=3)
    assert X.shape == (1280, 2)
    assert np.bincount(y).tolist() == [1200, 80]
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [0, 0], atol=0.1)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [1.2, 1.2], atol=0.3)
    np.testing.assert_array_equal(make_demo_data(random_state=3)[0], X)


def test_demo_without_matplotlib_says_how_to_get_figures(monkeypatch, tmp_path):
    majority = {"always majority": DummyClassifier(strategy="most_frequent")}
    monkeypatch.setattr(demo_module, "demo_models", lambda random_state: majority)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    stream = io.StringIO()
    with pytest.warns(UserWarning, match=r"install it with: pip install"):
        written = run_demo(
            tmp_path / "figures", stream=stream, html=tmp_path / "page.html"
        )
    assert written == [tmp_path / "page.html"]
    assert not (tmp_path / "figures").exists()
    assert 'pip install "sklearn-balanced[plot]"' in stream.getvalue()
    assert "always majority" in stream.getvalue()
    page = (tmp_path / "page.html").read_text()
    assert "matplotlib is not installed" in page
    assert "<img" not in page


def _errors(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("header", "rows", "args", "message"),
    [
        (["y", "p"], [], ["--y-pred", "p"], "has no data rows"),
        (["y", "p"], [[0, 1]], ["--y-pred", "nope"], "available columns: 'y', 'p'"),
        (
            ["y", "p"],
            [[0, 1], ["", 0], ["NaN", 1]],
            ["--y-pred", "p"],
            "bad.csv, data row 2: --y-true: column 'y' holds a missing label",
        ),
        (
            ["y", "s"],
            [[0, 0.1], [1, "high"]],
            ["--score", "s"],
            "bad.csv, line 3: --score: expected numbers in column 's'; got 'high'",
        ),
        (
            ["y", "s"],
            [[0, 0.1], [1, "inf"]],
            ["--score", "s"],
            "bad.csv, data row 2: --score: column 's' holds a value that is not a "
            "finite number",
        ),
        (["y", "p"], [[1, 1], [1, 0]], ["--y-pred", "p"], "a single class (1)"),
        (
            ["y", "s"],
            [[0, 0.1], [1, 0.2], [2, 0.3]],
            ["--score", "s"],
            "exactly two classes",
        ),
        (
            ["y", "s"],
            [["a", 0.1], ["b", 0.2]],
            ["--score", "s"],
            "--pos-label is required",
        ),
        (
            ["y", "s"],
            [[0, 0.1], [1, 0.2]],
            ["--score", "s", "--pos-label", "7"],
            "'7' is not one of the classes 0, 1",
        ),
        (
            ["y", "p", "w"],
            [[0, 0, 1], [1, 1, -1]],
            ["--y-pred", "p", "--sample-weight", "w"],
            "bad.csv, data row 2: --sample-weight: column 'w' holds a negative "
            "sample weight",
        ),
        (
            ["y", "p"],
            [[0, 0], [1, 1]],
            ["--y-pred", "p", "--score", "p"],
            "not allowed",
        ),
        (["y", "p"], [[0, 0], [1, 1]], [], "one of the arguments"),
        (
            ["y", "s"],
            [[0, 0.1], [1, 0.2]],
            ["--score", "s", "--pos-label", "x"],
            "'x' is not one of the classes",
        ),
    ],
)
def test_report_bad_input_is_one_line_exit_2(
    tmp_path, capsys, header, rows, args, message
):
    path = write_csv(tmp_path / "bad.csv", header, rows)
    status, out, err = _errors(capsys, ["report", str(path), "--y-true", "y", *args])
    assert status == 2
    assert out == ""
    assert err.startswith("sklearn-balanced: error: ")
    assert err.count("\n") == 1
    assert message in err


def test_report_empty_file_and_no_command(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_text("")
    status, _, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert "is empty" in err
    status, out, err = _errors(capsys, [])
    assert (status, out) == (2, "")
    assert err.startswith("usage: sklearn-balanced [-h] [--version] COMMAND")
    assert "demo" in err
    assert "report" in err
    status, _, err = _errors(
        capsys, ["report", str(tmp_path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert "a directory without .parquet or .pq files" in err


FIELD_LIMIT = 131_072


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'y,p\n0,0\n1,"1\n1,0\n',
            "bad.csv, line 3: a quoted value is not closed as it should be: "
            "is a quote unmatched?",
        ),
        (b'y,p\n0,"0"x\n', "bad.csv, line 2: a quoted value is not closed"),
        (
            b"y,p\n0,1\n1,1,1\n",
            "bad.csv, line 3: expected 2 fields as in the header, found 3 "
            "(delimiter ','; choose another with --delimiter)",
        ),
        (
            b"y,p\n\n0\n1,1\n",
            "bad.csv, line 3: expected 2 fields as in the header, found 1",
        ),
        (
            b"y,p\n0,1\n1,\xe9\n",
            "bad.csv, line 3: not utf-8 text; "
            "save it as UTF-8, or name its encoding with --encoding",
        ),
        (b"\xfe\xffy\x00", "bad.csv, line 1: not utf-8 text: it starts with a UTF-16"),
        (
            gzip.compress(b"y,p\n0,1\n1,1\n")[:-6],
            "bad.csv looks gzip-compressed but cannot be decompressed",
        ),
        (
            "y,p\n0,1\n".encode("utf-16"),
            "bad.csv, line 1: not utf-8 text: "
            "it starts with a UTF-16 byte order mark: add --encoding utf-16",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\x21\x00\xd8", "a ZIP archive"),
        (b"PAR1\x15\x04\x15\xe0", "give it a .parquet suffix"),
        (b" \n\n", "bad.csv is empty"),
        (b"y,p,y\n0,1,1\n1,1,0\n", "bad.csv: column 'y' appears twice in the header"),
        (b"y, p,p \n0,1,1\n", "bad.csv: column 'p' appears twice in the header"),
    ],
    ids=[
        "unclosed-quote",
        "text-after-quote",
        "long-row",
        "short-row",
        "latin-1",
        "utf-16-be",
        "broken-gzip",
        "utf-16-le",
        "xlsx",
        "parquet",
        "blank",
        "duplicate-header",
        "duplicate-after-strip",
    ],
)
def test_report_unreadable_file_is_one_line_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    status, out, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"sklearn-balanced: error: {path}")
    assert message in err


def test_report_long_field_subprocess_has_no_traceback(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text('y,p\n0,"1\n' + "1,1\n" * FIELD_LIMIT)
    result = run_cli("report", path, "--y-true", "y", "--y-pred", "p")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"sklearn-balanced: error: {path}, line 2: ")


def test_report_parquet_duplicate_column(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow", reason="pyarrow is optional")
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "data.parquet"
    table = pa.table([[0, 1], [0, 1], [1, 1]], names=["y", "p", "p"])
    parquet.write_table(table, path)
    status, _, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert "column 'p' appears twice in the header" in err


def test_report_class_without_weight_is_bad_input(tmp_path, capsys):
    path = write_csv(tmp_path / "w.csv", ["y", "p", "w"], [[0, 0, 1], [1, 1, 0]])
    args = ["--y-true", "y", "--y-pred", "p", "--sample-weight", "w"]
    assert main(["report", str(path), *args]) == 2
    err = capsys.readouterr().err
    assert "--sample-weight: class 1 has zero total weight" in err


def test_report_bug_is_not_bad_input(tmp_path, monkeypatch):
    def broken(inputs):
        raise TypeError("a bug")

    monkeypatch.setattr(report_module, "summarise_counts", broken)
    path = write_csv(tmp_path / "p.csv", ["y", "p"], [[0, 0], [1, 1]])
    with pytest.raises(TypeError, match="a bug"):
        main(["report", str(path), "--y-true", "y", "--y-pred", "p"])


def test_report_reads_its_files_only_through_count_files(tmp_path, capsys, monkeypatch):
    # The reading is one seam that another reader can replace whole: the file
    # here is never read (it holds a single class, which reading rejects).
    counted = ReportCounts(
        ConfusionCounts.from_confusion_matrix([[3, 1], [0, 2]]), np.array([0, 1]), 6
    )
    calls = []

    def count(paths, **options):
        calls.append((paths, options))
        return counted

    monkeypatch.setattr(report_module, "count_files", count)
    path = write_csv(tmp_path / "p.csv", ["y", "p"], [[0, 0]])
    args = ["--y-true", "y", "--y-pred", "p", "--format", "json", "--threads", "1"]
    assert main(["report", str(path), *args]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(
        json.dumps(summarise_counts(counted))
    )
    [(paths, options)] = calls
    assert paths == [str(path)]
    assert {name: options[name] for name in ("y_true", "y_pred", "score")} == {
        "y_true": "y",
        "y_pred": "p",
        "score": None,
    }
    assert (options["threads"], options["memory_limit"]) == (1, None)


def test_report_tsv_string_labels_and_pos_label(tmp_path, capsys):
    rows = [["cat", 0.9], ["dog", 0.2], ["dog", 0.3], ["cat", 0.4], ["dog", 0.1]]
    path = write_csv(tmp_path / "pets.tsv", ["truth", "score"], rows, delimiter="\t")
    status = main(
        [
            "report",
            str(path),
            "--y-true",
            "truth",
            "--score",
            "score",
            "--pos-label",
            "cat",
            "--format",
            "json",
        ]
    )
    assert status == 0
    report = json.loads(capsys.readouterr().out)
    assert [row["label"] for row in report["per_class"]] == ["cat", "dog"]
    assert report["threshold"]["pos_label"] == "cat"
    assert report["threshold"]["balanced_accuracy_at_best"] == 1.0
    y_true = np.array([row[0] for row in rows])
    y_pred = np.where(np.array([row[1] for row in rows]) >= 0.5, "cat", "dog")
    assert report["balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(y_true, y_pred)
    )


def test_report_text_with_score_and_float_pos_label(tmp_path, capsys):
    rows = [[-1, -2.0], [-1, 0.7], [1, 1.5], [1, 0.2], [-1, -0.5]]
    path = write_csv(tmp_path / "svm.csv", ["y", "margin"], rows)
    status = main(
        [
            "report",
            str(path),
            "--y-true",
            "y",
            "--score",
            "margin",
            "--pos-label",
            "1.0",
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "thresholds (positive class 1, positive iff score >= threshold)" in out
    assert "  in-sample best " in out


def test_report_warnings_are_one_line(tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", ["y", "p"], [[0, 0], [1, 1], [0, 2]])
    status = main(["report", str(path), "--y-true", "y", "--y-pred", "p"])
    assert status == 0
    err = capsys.readouterr().err
    assert err == (
        "sklearn-balanced: warning: --y-pred: 1 value(s) of column 'p' are not true "
        "labels (2); the rows that predict them count as errors\n"
    )


def test_report_parquet_missing_value(tmp_path, capsys):
    pandas = pytest.importorskip("pandas", reason="pandas is optional")
    pytest.importorskip("pyarrow", reason="pyarrow is optional")
    path = tmp_path / "data.parquet"
    frame = pandas.DataFrame({"y": [0, 1, 1, 0], "p": [0.0, 1.0, None, 0.0]})
    frame.to_parquet(path)
    status, _, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert (
        "data.parquet, row group 0, row 3: --y-pred: column 'p' holds a missing" in err
    )


def test_report_parquet_file(tmp_path, capsys):
    pandas = pytest.importorskip("pandas", reason="pandas is optional")
    pytest.importorskip("pyarrow", reason="a Parquet engine is optional")
    path = tmp_path / "data.parquet"
    pandas.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 0, 0]}).to_parquet(path)
    assert main(["report", str(path), "--y-true", "y", "--y-pred", "p"]) == 0
    assert "balanced accuracy           0.7500" in capsys.readouterr().out


def test_parsers():
    (labels,) = parse_labels({"--y-true": ["1", " 2 ", "-3"]})
    assert labels.dtype == np.int64
    assert labels.tolist() == [1, 2, -3]
    assert parse_labels({"--y-true": ["a", "1"]})[0].tolist() == ["a", "1"]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "expected"),
    [
        (["1", "2", "other"], ["1", "2", "2"], (["1", "2", "other"], ["1", "2", "2"])),
        (["0", "1"], ["1", "1.5"], (["0", "1"], ["1", "1.5"])),
        (["0.0", "1.0"], ["1.0", "0.0"], (["0.0", "1.0"], ["1.0", "0.0"])),
        (["-1", "1"], ["0", "1"], ([-1, 1], [0, 1])),
        (
            ["1", str(2**63 - 1)],
            ["1", str(-(2**63))],
            ([1, 2**63 - 1], [1, -(2**63)]),
        ),
        (["1", str(2**63)], ["1", "1"], (["1", str(2**63)], ["1", "1"])),
    ],
)
def test_parse_labels_integers_only_if_every_label_is_canonical(
    y_true, y_pred, expected
):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        truth, predicted = parse_labels({"--y-true": y_true, "--y-pred": y_pred})
    assert (truth.tolist(), predicted.tolist()) == expected
    assert (
        truth.dtype.kind
        == predicted.dtype.kind
        == ("i" if isinstance(expected[0][0], int) else "U")
    )


@pytest.mark.parametrize("spelling", ["007", "+7", "7.0", "7e0", "7_0"])
def test_parse_labels_keeps_other_spellings_of_an_integer_distinct(spelling):
    same_number = spelling != "7_0"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        truth, predicted = parse_labels(
            {"--y-true": ["7", "8"], "--y-pred": [spelling, "8"]}
        )
    assert truth.tolist() == ["7", "8"]
    assert predicted.tolist() == [spelling, "8"]
    messages = [str(warning.message) for warning in caught]
    if same_number:
        assert messages == [
            f"--y-true label '7' and --y-pred label {spelling!r} are the same "
            "number written differently; as not every label is a canonical "
            "integer, labels are compared as text, so these are different classes"
        ]
    else:
        assert messages == []


def test_report_mixed_labels_are_text(tmp_path, capsys):
    path = write_csv(tmp_path / "mixed.csv", ["y", "p"], [[1, 1], [2, 2], ["other", 2]])
    status, out, err = _errors(
        capsys,
        ["report", str(path), "--y-true", "y", "--y-pred", "p", "--format", "json"],
    )
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert [row["label"] for row in report["per_class"]] == ["1", "2", "other"]
    assert [row["recall"] for row in report["per_class"]] == [1.0, 1.0, 0.0]


def test_report_same_number_written_differently_warns(tmp_path, capsys):
    path = write_csv(tmp_path / "zeros.csv", ["y", "p"], [[7, 7], [8, 8], [7, "007"]])
    status, out, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 0
    assert err.splitlines()[0] == (
        "sklearn-balanced: warning: --y-true label '7' and --y-pred label '007' "
        "are the same number written differently; as not every label is a "
        "canonical integer, labels are compared as text, so these are different "
        "classes"
    )
    assert "balanced accuracy           0.7500" in out


def test_report_integers_beyond_int64_are_text(tmp_path, capsys):
    big = str(2**64)
    path = write_csv(tmp_path / "ids.csv", ["y", "p"], [[big, big], [1, 1], [1, big]])
    status, out, err = _errors(
        capsys,
        ["report", str(path), "--y-true", "y", "--y-pred", "p", "--format", "json"],
    )
    assert (status, err) == (0, "")
    report = json.loads(out)
    assert [row["label"] for row in report["per_class"]] == ["1", big]
    assert report["balanced_accuracy"] == 0.75


def test_report_scores_default_to_positive_one(tmp_path):
    rows = [[0, 0.1], [1, 0.9], [1, 0.4], [0, 0.3]]
    path = write_csv(tmp_path / "s.csv", ["y", "s"], rows)
    report = summarise_counts(count_files([path], y_true="y", score="s"))
    assert report["threshold"]["pos_label"] == 1
    assert report["threshold"]["balanced_accuracy_at_best"] == 1.0
    assert report["threshold"]["balanced_accuracy_at_default"] == 0.75


def test_report_multiclass_against_sklearn(tmp_path):
    rng = np.random.default_rng(1)
    y = rng.choice(["a", "b", "c"], 60, p=[0.6, 0.3, 0.1])
    p = np.where(rng.random(60) < 0.7, y, rng.choice(["a", "b", "c"], 60))
    path = write_csv(tmp_path / "p.csv", ["t", "p"], zip(y, p, strict=True))
    report = summarise_counts(count_files([path], y_true="t", y_pred="p"))
    assert report["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, p))
    assert [row["recall"] for row in report["per_class"]] == pytest.approx(
        recall_score(y, p, average=None, labels=["a", "b", "c"])
    )
    assert report["threshold"] is None
    assert json.loads(json.dumps(report)) == report


@pytest.mark.parametrize(
    ("name", "content", "args"),
    [
        ("semicolon.csv", "y;p\n0;0\n1;1\n0;1\n", []),
        ("tab.txt", "y\tp\n0\t0\n1\t1\n0\t1\n", []),
        ("pipe.csv", "y|p\n0|0\n1|1\n0|1\n", []),
        ("forced.tsv", "y;p\n0;0\n1;1\n0;1\n", ["--delimiter", "semicolon"]),
        ("comma.tsv.gz", "y,p\n0,0\n1,1\n0,1\n", ["--delimiter", ","]),
        ("tab.tsv.gz", "y\tp\n0\t0\n1\t1\n0\t1\n", []),
        (
            "latin.csv",
            "y,p,\xe9t\xe9\n0,0,a\n1,1,b\n0,1,c\n",
            ["--encoding", "latin-1"],
        ),
    ],
)
def test_report_delimiters_encodings_and_gzip(tmp_path, capsys, name, content, args):
    path = tmp_path / name
    data = content.encode("cp1252")
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    status = main(["report", str(path), "--y-true", "y", "--y-pred", "p", *args])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert "balanced accuracy           0.7500" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--delimiter", "ab"], "--delimiter: expected one character"),
        (["--encoding", "klingon"], "--encoding: unknown encoding 'klingon'"),
        (["--encoding", "cp1252"], "--encoding: DuckDB reads UTF-8, UTF-16 and"),
        (["--threads", "0"], "argument --threads: expected a positive integer"),
        (["--memory-limit", "lots"], "--memory-limit: DuckDB refuses 'lots'"),
    ],
)
def test_report_bad_delimiter_or_encoding(tmp_path, capsys, args, message):
    path = write_csv(tmp_path / "p.csv", ["y", "p"], [[0, 0], [1, 1]])
    status, out, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p", *args]
    )
    assert (status, out) == (2, "")
    assert err.startswith(f"sklearn-balanced: error: {message}")
    assert err.count("\n") == 1


def test_report_calls_the_best_threshold_in_sample_and_optimistic(scored_csv):
    result = run_cli("report", scored_csv, "--y-true", "y", "--score", "proba")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    best = next(line for line in lines if line.startswith("  in-sample best "))
    assert best.endswith("(optimistic)")
    assert "Note: The in-sample best threshold is chosen on the data it is" in (
        result.stdout
    )
    assert max(map(len, lines[1:])) <= 79


def test_report_says_why_the_interval_leaves_out_the_score(tmp_path, capsys):
    path = write_csv(tmp_path / "tiny.csv", ["y", "p"], [[0, 0], [0, 0], [1, 1]])
    assert main(["report", str(path), "--y-true", "y", "--y-pred", "p"]) == 0
    out = capsys.readouterr().out
    report = summarise_counts(count_files([path], y_true="y", y_pred="p"))
    assert report["balanced_accuracy"] > report["interval"]["high"]
    assert "Note: The interval leaves out the observed 1.0000." in out
    assert "class 1 has a support of only 1" in " ".join(out.split())


def test_report_keeps_quiet_when_the_interval_holds_the_score(scored_csv):
    result = run_cli("report", scored_csv, "--y-true", "y", "--y-pred", "pred")
    assert "leaves out" not in result.stdout


# Under pytest every DeprecationWarning is shown, those of matplotlib 3.8's use
# of pyparsing 3.3 included (the oldest supported versions), which users, whose
# filters hide DeprecationWarnings of libraries, never see.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_report_html_into_a_missing_folder_makes_it(scored_csv, tmp_path, capsys):
    page = tmp_path / "no" / "such" / "page.html"
    args = ["--y-true", "y", "--y-pred", "pred", "--html", str(page)]
    status, _, err = _errors(capsys, ["report", str(scored_csv), *args])
    assert (status, err) == (0, "")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


QUICK_START = Path(__file__).resolve().parents[1] / "docs" / "quick_start.rst"


@pytest.mark.skipif(not QUICK_START.is_file(), reason="no docs/ in this tree")
def test_quick_start_uses_the_demo_data_and_shows_its_numbers():
    text = QUICK_START.read_text(encoding="utf-8")
    setup = re.search(r"\.\. code-block:: python\n\n(.*?)\n\n\S", text, re.S)
    namespace = {}
    exec(textwrap.dedent(setup.group(1)), namespace)
    X, y = make_demo_data(random_state=0)
    np.testing.assert_array_equal(namespace["X"], X)
    np.testing.assert_array_equal(namespace["y"], y)
    blocks = re.findall(r"\.\. code-block:: pycon\n\n(.*?)(?=\n\S|\Z)", text, re.S)
    examples = textwrap.dedent("\n".join(blocks))
    test = doctest.DocTestParser().get_doctest(
        examples, namespace, "quick_start", str(QUICK_START), 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0
    assert runner.tries > 10


def test_report_writes_large_supports_in_full():
    # Tens of millions of streamed rows: supports as whole numbers, not 1.2e+07.
    counts = ConfusionCounts.from_confusion_matrix([[12345678, 2], [3, 98765432]])
    counted = ReportCounts(counts, np.array([0, 1]), 111111115)
    text = format_report(summarise_counts(counted), source="big")
    assert " 12345680" in text
    assert " 98765435" in text
    assert "e+07" not in text
