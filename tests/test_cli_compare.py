"""Tests of the ``compare`` sub-command of the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest

from sklearn_balanced import compare_balanced_accuracy
from sklearn_balanced._cli import main
from sklearn_balanced._cli._compare import build_comparison, per_class_rows


@pytest.fixture(scope="module")
def predictions():
    """True labels and two correlated models' predictions, with weights."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [300, 40])
    old = np.where(rng.random(y.size) < 0.8, y, 1 - y)
    new = np.where(rng.random(y.size) < 0.9, old, y)
    weight = rng.integers(1, 4, y.size)
    return y, new, old, weight


@pytest.fixture
def predictions_csv(tmp_path, predictions):
    path = tmp_path / "predictions.csv"
    rows = ["y,new,old,w"] + [
        ",".join(map(str, row)) for row in zip(*predictions, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def _compare(path, *options):
    return [
        "compare",
        str(path),
        "--y-true",
        "y",
        "--y-pred-a",
        "new",
        "--y-pred-b",
        "old",
        *options,
    ]


def test_json_matches_the_library(predictions_csv, predictions, capsys):
    y, new, old, weight = predictions
    status = main(_compare(predictions_csv, "--format", "json", "--sample-weight", "w"))
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    expected = compare_balanced_accuracy(
        y, new, old, sample_weight=weight, random_state=0
    )
    assert printed["schema_version"] == 1
    assert printed["n_samples"] == y.size
    assert printed["models"] == {"a": "new", "b": "old"}
    assert printed["difference"] == pytest.approx(expected.difference)
    assert printed["interval"]["low"] == pytest.approx(expected.low)
    assert printed["interval"]["high"] == pytest.approx(expected.high)
    assert printed["p_value"] == pytest.approx(expected.p_value)
    assert printed["prob_a_better"] == pytest.approx(expected.prob_a_better)
    first = printed["per_class"][0]
    assert first["label"] == 0
    assert [first[key] for key in ("both_right", "only_a_right")] == list(
        expected.counts[0, :2]
    )
    assert first["recall_difference"] == pytest.approx(expected.recall_difference[0])


def test_text_and_html(predictions_csv, tmp_path, capsys):
    page = tmp_path / "compare.html"
    assert main(_compare(predictions_csv, "--html", str(page))) == 0
    text = capsys.readouterr().out
    assert text.startswith("Paired comparison of balanced accuracy for ")
    assert "only a" in text
    assert "95% posterior interval" in text
    assert "exact paired permutation test" in text
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Paired comparison of balanced accuracy" in html
    assert "How to read this" in html
    assert "<script" not in html


def test_bootstrap_method_and_tiny_p_values(tmp_path, capsys):
    path = tmp_path / "clear.csv"
    y = np.repeat([0, 1], [500, 100])
    rows = ["y,new,old"] + [f"{t},{t},{1 - t if i % 2 else t}" for i, t in enumerate(y)]
    path.write_text("\n".join(rows) + "\n")
    assert main(_compare(path, "--method", "bootstrap")) == 0
    text = capsys.readouterr().out
    assert "95% bootstrap interval" in text
    assert "P(a better)" not in text
    assert "< 1e-12 (exact paired permutation test)" in text


def test_build_comparison_with_text_labels():
    table = {
        "y": ["cat", "cat", "dog", "dog"],
        "a": ["cat", "cat", "dog", "cat"],
        "b": ["dog", "cat", "dog", "cat"],
    }
    comparison = build_comparison(table, y_true="y", y_pred_a="a", y_pred_b="b")
    assert [row["label"] for row in comparison["per_class"]] == ["cat", "dog"]
    assert comparison["difference"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("options", "table", "message"),
    [
        (["--y-pred-a", "nope"], None, "--y-pred-a: no column 'nope'"),
        ([], "y,new,old\n0,0,1\n0,1,0\n", "--y-true: column 'y' holds a single class"),
        (
            [],
            "y,new,old\n0,0,1\n1,,0\n",
            "bad.csv, data row 2: --y-pred-a: column 'new' holds a missing label",
        ),
        (["--confidence", "1.5"], None, "argument --confidence: expected a number"),
        (["--confidence", "nan"], None, "argument --confidence: expected a number"),
        (["--random-state", "-1"], None, "argument --random-state: expected an int"),
        (["--method", "magic"], None, "argument --method: invalid choice"),
        (
            ["--sample-weight", "w"],
            "y,new,old,w\n0,0,1,1\n1,1,0,0\n2,2,2,1\n",
            "--sample-weight: class 1 has zero total weight",
        ),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    tmp_path, predictions_csv, capsys, options, table, message
):
    path = predictions_csv
    if table is not None:
        path = tmp_path / "bad.csv"
        path.write_text(table)
    arguments = _compare(path)
    if options[:1] == ["--y-pred-a"]:
        arguments[5] = options[1]
        options = []
    assert main(arguments + options) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert message in error


def test_subprocess_help_lists_compare():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_balanced", "compare", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0
    assert "--y-pred-b COL" in result.stdout


def test_per_class_counts_are_written_in_full():
    row = {
        "label": 0,
        "support": 98765432.0,
        "both_right": 90000000.0,
        "only_a_right": 5000000.0,
        "only_b_right": 1234567.0,
        "both_wrong": 2530865.0,
        "recall_a": 0.96,
        "recall_b": 0.92,
        "recall_difference": 0.04,
    }
    cells = per_class_rows({"per_class": [row]})[0]
    assert cells[1:6] == ["98765432", "90000000", "5000000", "1234567", "2530865"]
