"""Tests of the command line (report and demo), in-process and in a subprocess."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score

from sklearn_balanced._cli import (
    build_report,
    main,
    parse_labels,
    parse_numbers,
    read_table,
)
from sklearn_balanced._demo import demo_models, evaluate, format_table, run_demo
from sklearn_balanced._demo_data import make_demo_data
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


def test_demo_subprocess_writes_figures(tmp_path):
    result = run_cli("demo", "--output", tmp_path / "figures", "--random-state", "1")
    assert result.returncode == 0, result.stderr
    for name in demo_models():
        assert name in result.stdout
    assert {path.name for path in (tmp_path / "figures").iterdir()} == DEMO_FIGURES
    for path in (tmp_path / "figures").iterdir():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    stream = io.StringIO()
    written = run_demo(tmp_path / "figures", stream=stream)
    assert written == []
    assert not (tmp_path / "figures").exists()
    assert 'pip install "sklearn-balanced[plot]"' in stream.getvalue()
    assert "always majority" in stream.getvalue()


def test_demo_main_in_process(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the plot extra is absent")
    assert main(["demo", "--output", str(tmp_path)]) == 0
    assert "Figures written to" in capsys.readouterr().out
    assert {path.name for path in tmp_path.iterdir()} == DEMO_FIGURES


def _errors(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("header", "rows", "args", "message"),
    [
        (["y", "p"], [], ["--y-pred", "p"], "has no data rows"),
        (["y", "p"], [[0, 1]], ["--y-pred", "nope"], "available columns: 'y', 'p'"),
        (["y", "p"], [[0, 1], ["", 0], ["NaN", 1]], ["--y-pred", "p"], "row(s) 2, 3"),
        (["y", "s"], [[0, 0.1], [1, "high"]], ["--score", "s"], "row 2 holds 'high'"),
        (["y", "s"], [[0, 0.1], [1, "inf"]], ["--score", "s"], "row 2 is infinite"),
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
            "sample_weight",
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
    status, _, err = _errors(capsys, [])
    assert status == 2
    assert err.count("\n") == 1
    status, _, err = _errors(
        capsys, ["report", str(tmp_path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert "no such file" in err


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
    assert "  best " in out


def test_report_warnings_are_one_line(tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", ["y", "p"], [[0, 0], [1, 1], [0, 2]])
    status = main(["report", str(path), "--y-true", "y", "--y-pred", "p"])
    assert status == 0
    err = capsys.readouterr().err
    assert err.startswith("sklearn-balanced: warning: y_pred contains classes")
    assert all(line.startswith("sklearn-balanced: ") for line in err.splitlines())


def test_report_parquet_through_pandas(tmp_path, monkeypatch, capsys):
    pandas = pytest.importorskip("pandas", reason="pandas is optional")
    frame = pandas.DataFrame({"y": [0, 1, 1, 0], "p": [0.0, 1.0, None, 0.0]})
    monkeypatch.setattr(pandas, "read_parquet", lambda path: frame)
    path = tmp_path / "data.parquet"
    path.write_bytes(b"not read: read_parquet is replaced")
    status, _, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert "--y-pred: 1 missing value(s)" in err
    columns = read_table(path)
    assert columns == {"y": ["0", "1", "1", "0"], "p": ["0.0", "1.0", "", "0.0"]}


def test_report_parquet_file(tmp_path, capsys):
    pandas = pytest.importorskip("pandas", reason="pandas is optional")
    pytest.importorskip("pyarrow", reason="a Parquet engine is optional")
    path = tmp_path / "data.parquet"
    pandas.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 0, 0]}).to_parquet(path)
    assert main(["report", str(path), "--y-true", "y", "--y-pred", "p"]) == 0
    assert "balanced accuracy           0.7500" in capsys.readouterr().out


def test_report_parquet_without_pandas(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pandas", None)
    path = tmp_path / "data.pq"
    path.write_bytes(b"")
    status, _, err = _errors(
        capsys, ["report", str(path), "--y-true", "y", "--y-pred", "p"]
    )
    assert status == 2
    assert "requires pandas" in err


def test_parsers():
    assert parse_labels(["1", " 2 ", "3"], "--y-true").dtype.kind == "i"
    assert parse_labels(["1.5", "2"], "--y-true").tolist() == [1.5, 2.0]
    assert parse_labels(["a", "1"], "--y-true").tolist() == ["a", "1"]
    assert parse_numbers([" 1e-3", "2"], "--score").tolist() == [0.001, 2.0]


def test_build_report_scores_default_to_positive_one():
    table = {"y": ["0", "1", "1", "0"], "s": ["0.1", "0.9", "0.4", "0.3"]}
    report = build_report(table, y_true="y", score="s")
    assert report["threshold"]["pos_label"] == 1
    assert report["threshold"]["balanced_accuracy_at_best"] == 1.0
    assert report["threshold"]["balanced_accuracy_at_default"] == 0.75


def test_build_report_multiclass_against_sklearn():
    rng = np.random.default_rng(1)
    y = rng.choice(["a", "b", "c"], 60, p=[0.6, 0.3, 0.1])
    p = np.where(rng.random(60) < 0.7, y, rng.choice(["a", "b", "c"], 60))
    report = build_report({"t": list(y), "p": list(p)}, y_true="t", y_pred="p")
    assert report["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, p))
    assert [row["recall"] for row in report["per_class"]] == pytest.approx(
        recall_score(y, p, average=None, labels=["a", "b", "c"])
    )
    assert report["threshold"] is None
    assert json.loads(json.dumps(report)) == report
