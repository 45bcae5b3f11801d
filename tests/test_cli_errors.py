"""The command line on bad input: strict JSON, scores as labels, one-line errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from sklearn_balanced._cli import _compare as compare_module
from sklearn_balanced._cli import _demo as demo_module
from sklearn_balanced._cli import build_parser, main
from sklearn_balanced._cli._compare import build_comparison
from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._json import count_value, json_text
from sklearn_balanced._cli._labels import check_not_scores
from sklearn_balanced._cli._report_files import count_files


def _strict(text):
    """JSON text parsed by a strict parser: NaN and Infinity are errors."""

    def reject(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=reject)


def _run(capsys, args):
    """The status, stdout and stderr of ``main(args)``."""
    status = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _one_line_error(capsys, args):
    """The message of a command line that must end in a one-line error."""
    status, out, err = _run(capsys, args)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("sklearn-balanced: error: ")
    return err


def _csv(path, text):
    path.write_text(text)
    return path


@pytest.fixture
def scores_csv(tmp_path):
    """3000 rows: labels 'neg'/'pos' and 0/1, predictions, two score columns."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 3000)
    proba, proba_b = rng.random(3000).round(6), rng.random(3000).round(6)
    rows = [
        f"{'pos' if t else 'neg'},{t},{a},{b},{int(a >= 0.5)},{rng.integers(1, 4)}"
        for t, a, b in zip(y, proba, proba_b, strict=True)
    ]
    return _csv(tmp_path / "p.csv", "label,y,proba,proba_b,pred,w\n" + "\n".join(rows))


# --format json: strict JSON, whole supports as integers


def test_report_json_is_strict_with_integer_supports(scores_csv, capsys):
    args = ["report", scores_csv, "--y-true", "y", "--y-pred", "pred"]
    for weights in ([], ["--sample-weight", "w"]):
        status, out, _ = _run(capsys, [*args, *weights, "--format", "json"])
        assert status == 0
        report = _strict(out)
        supports = [row["support"] for row in report["per_class"]]
        assert all(type(support) is int for support in supports)
    assert sum(supports) == sum(
        int(line.rsplit(",", 1)[1]) for line in scores_csv.read_text().splitlines()[1:]
    )


def test_report_json_past_the_float64_range(tmp_path, capsys):
    # Each count is finite, their total is not: the accuracy is still 3/4.
    path = _csv(
        tmp_path / "w.csv", "y,p,w\n0,0,1e308\n1,1,1e308\n2,2,1e308\n2,0,1e308\n"
    )
    args = ["report", path, "--y-true", "y", "--y-pred", "p", "--sample-weight", "w"]
    status, out, err = _run(capsys, [*args, "--format", "json"])
    assert status == 0
    report = _strict(out)
    assert report["accuracy"] == 0.75
    assert report["balanced_accuracy"] == pytest.approx(5 / 6, rel=1e-15)
    assert [row["support"] for row in report["per_class"]] == [1e308, 1e308, None]
    assert "class 2 add up past the float64 range" in err
    assert err.count("\n") == 1


def test_report_json_accuracy_where_a_cell_is_past_the_float64_range(tmp_path, capsys):
    # Two correct rows of class 0, each 1e308: that cell of the confusion matrix
    # is infinite, yet the accuracy is 3/4 of equal weights.
    path = _csv(
        tmp_path / "w.csv", "y,p,w\n0,0,1e308\n0,0,1e308\n1,1,1e308\n1,0,1e308\n"
    )
    args = ["report", path, "--y-true", "y", "--y-pred", "p", "--sample-weight", "w"]
    status, out, _ = _run(capsys, [*args, "--format", "json"])
    assert status == 0
    report = _strict(out)
    assert report["accuracy"] == 0.75
    assert report["balanced_accuracy"] == 0.75


def test_compare_json_is_strict_with_integer_counts(tmp_path, capsys):
    path = _csv(
        tmp_path / "c.csv",
        "y,a,b,w\n0,0,0,1e308\n0,1,0,1e308\n1,1,1,1e308\n1,1,0,2\n",
    )
    args = ["compare", path, "--y-true", "y", "--y-pred-a", "a", "--y-pred-b", "b"]
    status, out, _ = _run(capsys, [*args, "--format", "json"])
    assert status == 0
    rows = _strict(out)["per_class"]
    assert [row["support"] for row in rows] == [2, 2]
    assert all(
        type(row[key]) is int for row in rows for key in ("both_right", "support")
    )
    status, out, err = _run(capsys, [*args, "--sample-weight", "w", "--format", "json"])
    assert status == 0
    first = _strict(out)["per_class"][0]
    assert first["support"] is None  # 2e308
    assert (first["recall_a"], first["recall_b"]) == (0.5, 1.0)
    assert "class 0 add up past the float64 range" in err


def test_json_text_and_count_value():
    assert _strict(json_text({"a": [float("nan"), -float("inf"), 1.5]})) == {
        "a": [None, None, 1.5]
    }
    assert [count_value(v) for v in (5995.0, np.int64(3), 0.5, 2.0**60)] == [
        5995,
        3,
        0.5,
        2.0**60,
    ]


# Label columns that hold scores, predictions that are no true label


def test_report_score_column_as_labels_is_one_line(scores_csv, tmp_path, capsys):
    err = _one_line_error(
        capsys, ["report", scores_csv, "--y-true", "y", "--y-pred", "proba"]
    )
    assert "--y-pred: column 'proba' looks like scores" in err
    assert "use --score" in err
    err = _one_line_error(
        capsys, ["report", scores_csv, "--y-true", "proba", "--score", "proba_b"]
    )
    assert "--y-true: column 'proba' looks like scores" in err
    rows = "".join(f"{i % 2},{i / 300}\n" for i in range(300))
    path = _csv(tmp_path / "s.csv", "y,s\n" + rows)
    with pytest.raises(InputError, match="column 's' looks like scores"):
        count_files([path], y_true="y", y_pred="s")


def test_compare_score_columns_as_predictions_is_one_line(scores_csv, capsys):
    args = ["compare", scores_csv, "--y-true", "label"]
    err = _one_line_error(
        capsys, [*args, "--y-pred-a", "proba", "--y-pred-b", "proba_b"]
    )
    assert "--y-pred-a: column 'proba' looks like scores" in err


@pytest.mark.parametrize(
    ("distinct", "n_rows", "scores"),
    [
        ([f"{i / 200:g}" for i in range(200)], 10_000, True),  # continuous
        ([str(i) for i in range(2000)], 3000, True),  # near-unique integers
        ([str(i) for i in range(2000)], 5000, False),  # many classes
        ([f"{i / 2:g}" for i in range(100)], 10_000, False),  # few half-numbers
        ([f"c{i / 200:g}" for i in range(200)], 10_000, False),  # text
    ],
)
def test_check_not_scores(distinct, n_rows, scores):
    if scores:
        with pytest.raises(InputError, match="looks like scores"):
            check_not_scores(distinct, n_rows, "--y-pred", "p", "use --score")
    else:
        check_not_scores(distinct, n_rows, "--y-pred", "p", "use --score")


def test_scores_past_the_group_limit_say_a_lower_bound(tmp_path, capsys, monkeypatch):
    # The survey stops at MAX_GROUPS + 1 groups: the number of distinct values
    # it saw is a lower bound, and the message says so (it said "1048577
    # distinct values" of a column of 2e6 distinct scores).
    from sklearn_balanced._cli import _survey

    monkeypatch.setattr(_survey, "MAX_GROUPS", 150)
    rows = [f"{i % 2},{i / 1000:.3f}" for i in range(400)]
    path = _csv(tmp_path / "s.csv", "y,s\n" + "\n".join(rows) + "\n")
    err = _one_line_error(capsys, ["report", path, "--y-true", "y", "--y-pred", "s"])
    assert "--y-pred: column 's' looks like scores" in err
    assert "(151 or more distinct values in 400 rows" in err
    # Below the limit, the number is exact.
    monkeypatch.setattr(_survey, "MAX_GROUPS", 1000)
    err = _one_line_error(capsys, ["report", path, "--y-true", "y", "--y-pred", "s"])
    assert "(400 distinct values in 400 rows" in err


def test_predictions_that_are_no_true_label(tmp_path, capsys):
    # None is a true label: an error; some are not: a warning naming the column.
    path = _csv(tmp_path / "p.csv", "y,s,p,q\nneg,0.1,neg,0.2\npos,0.8,cat,0.7\n")
    err = _one_line_error(capsys, ["report", path, "--y-true", "y", "--y-pred", "s"])
    assert "--y-pred: no value of column 's' is a true label" in err
    args = ["compare", path, "--y-true", "y", "--y-pred-a", "q"]
    err = _one_line_error(capsys, [*args, "--y-pred-b", "p"])
    assert "--y-pred-a: no value of column 'q' is a true label" in err
    args[-1] = "p"
    for command in (
        ["report", path, "--y-true", "y", "--y-pred", "p"],
        [*args, "--y-pred-b", "p"],
    ):
        status, _, err = _run(capsys, command)
        assert status == 0
        options = (
            ["--y-pred"] if command[0] == "report" else ["--y-pred-a", "--y-pred-b"]
        )
        assert err == "".join(
            f"sklearn-balanced: warning: {option}: 1 value(s) of column 'p' are not "
            "true labels ('cat'); the rows that predict them count as errors\n"
            for option in options
        )
    path = _csv(tmp_path / "q.csv", "y,p\n0,0\n1,2\n")
    with pytest.warns(UserWarning, match="column 'p' are not true labels"):
        count_files([path], y_true="y", y_pred="p")
    with pytest.raises(InputError, match="no value of column 'p'"):
        build_comparison(
            {"y": ["0", "1"], "p": ["a", "b"], "q": ["0", "1"]},
            y_true="y",
            y_pred_a="p",
            y_pred_b="q",
        )


# Options checked when the line is parsed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo", "--random-state", "-1"], "argument --random-state: expected an int"),
        (["demo", "--random-state", str(2**32)], "from 0 to 4294967295; got"),
        (
            [
                "compare",
                "f",
                "--y-true",
                "y",
                "--y-pred-a",
                "a",
                "--y-pred-b",
                "b",
                "--confidence",
                "1",
            ],
            "argument --confidence: expected a number",
        ),
    ],
)
def test_bad_option_values_are_one_line(capsys, args, message):
    assert message in _one_line_error(capsys, args)


def test_parsed_seed_and_confidence():
    args = build_parser().parse_args(
        [
            "compare",
            "f",
            "--y-true",
            "y",
            "--y-pred-a",
            "a",
            "--y-pred-b",
            "b",
            "--random-state",
            "4294967295",
            "--confidence",
            "0.9",
        ]
    )
    assert (args.random_state, args.confidence) == (2**32 - 1, 0.9)


# Output files: their folders made before the work


def test_html_folders_are_made(scores_csv, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(compare_module, "comparison_page", lambda *a, **k: "<p>")
    args = ["--y-true", "y", "--y-pred-a", "pred", "--y-pred-b", "pred"]
    page = tmp_path / "new" / "deeper" / "c.html"
    status, _, _ = _run(capsys, ["compare", scores_csv, *args, "--html", page])
    assert status == 0
    assert page.read_text() == "<p>"


def test_demo_output_checked_before_the_work(tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(demo_module, "run_demo", lambda **kwargs: calls.append(kwargs))
    page = tmp_path / "out" / "x.html"
    assert _run(capsys, ["demo", "--html", page, "--output", tmp_path / "figs"])[0] == 0
    assert page.parent.is_dir()
    assert calls[0]["html"] == page
    a_file = _csv(tmp_path / "file", "")
    err = _one_line_error(capsys, ["demo", "--output", a_file])
    assert f"--output: {a_file} exists and is not a folder" in err
    err = _one_line_error(capsys, ["demo", "--html", tmp_path])
    assert f"--html: {tmp_path} is a folder" in err
    err = _one_line_error(capsys, ["demo", "--html", a_file / "x.html"])
    assert "--html: cannot make the folder" in err
    assert len(calls) == 1


# Files that are folders or not text


def test_folder_and_binary_files_are_named(tmp_path, capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    args = ["--y-true", "y", "--y-pred-a", "a", "--y-pred-b", "b"]
    err = _one_line_error(capsys, ["compare", folder, *args])
    assert f"{folder}: a directory without .parquet or .pq files" in err
    png = tmp_path / "plot.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    for command in (
        ["compare", png, *args],
        ["report", png, "--y-true", "y", "--y-pred", "p"],
    ):
        err = _one_line_error(capsys, command)
        assert f"{png} is not delimited text: it looks like a PNG image" in err
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"y,p\n\x00\x00\xff\x00")
    err = _one_line_error(capsys, ["report", binary, "--y-true", "y", "--y-pred", "p"])
    assert "NUL bytes" in err


def test_help_names_the_formats_and_parquet_errors_name_the_row_group(capsys, tmp_path):
    for command in ("report", "compare"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "CSV/TSV file" in help_text
        assert "Parquet file" in help_text
        assert "--threads N" in help_text
        assert "--memory-limit SIZE" in help_text
    parquet = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    path = tmp_path / "t.parquet"
    table = pa.table({"y": [0, 1, 1, 0], "a": [0, 1, 0, 0], "b": [0, 1, 1, None]})
    parquet.write_table(table, path, row_group_size=2)
    err = _one_line_error(
        capsys, ["compare", path, "--y-true", "y", "--y-pred-a", "a", "--y-pred-b", "b"]
    )
    assert f"{path}, row group 1, row 4: --y-pred-b: column 'b' holds a missing" in err


def test_broken_optional_install_shows_its_error(tmp_path, capsys, monkeypatch):
    broken = tmp_path / "site" / "narwhals"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('numpy is too old')\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    for name in [name for name in sys.modules if name.partition(".")[0] == "narwhals"]:
        monkeypatch.delitem(sys.modules, name)
    path = _csv(tmp_path / "t.csv", "y,p\n0,0\n1,1\n")
    err = _one_line_error(capsys, ["report", path, "--y-true", "y", "--y-pred", "p"])
    assert "narwhals, which is installed but cannot be imported" in err
    assert "ImportError: numpy is too old" in err


@pytest.mark.parametrize("module", ["duckdb", "narwhals"])
def test_without_the_engine_says_which_extra(tmp_path, capsys, monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)
    path = _csv(tmp_path / "t.csv", "y,p,q\n0,0,0\n1,1,1\n")
    for command in (
        ["report", path, "--y-true", "y", "--y-pred", "p"],
        ["compare", path, "--y-true", "y", "--y-pred-a", "p", "--y-pred-b", "q"],
    ):
        err = _one_line_error(capsys, command)
        assert f"requires {module}, which is not installed" in err
        assert 'pip install "sklearn-balanced[cli]"' in err


def test_output_whose_reader_went_away_ends_quietly(tmp_path):
    """``report ... | head``: no "Broken pipe" error line, status 1."""
    table = tmp_path / "p.csv"
    table.write_text("y,p\n0,0\n1,1\n1,0\n")
    args = ["--y-true", "y", "--y-pred", "p"]
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader at all: the first write fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sklearn_balanced", "report", str(table), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""
