"""``report`` on files imports neither scikit-learn nor SciPy's statistics.

They take over a second to import, several times the engine's counting of a
large file: the modules of the report import without them, the command line
skips the validation of the arguments it checked itself, and the checks of the
engine's counts skip scikit-learn where the counts pass them by construction.
Inputs those checks reject still get scikit-learn's checks and messages.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("narwhals")

#: Modules the report must do without.
HEAVY = ["scipy.stats", "sklearn"]
#: Run by a fresh interpreter: the command lines of ``sys.argv[1]`` (a JSON list)
#: one after the other; for each, the status, the output and the heavy modules
#: imported so far (so that none of the later ones hides an earlier import).
SCRIPT = """
import contextlib, io, json, sys
from sklearn_balanced._cli import main
heavy = json.loads(sys.argv[2])
found = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exit:
            status = exit.code
    imported = [name for name in heavy if name in sys.modules]
    found.append({"status": status, "out": out.getvalue(), "err": err.getvalue(),
                  "imported": imported})
print(json.dumps(found))
"""
#: The report's options, by case; ``{}`` is the file.
CASES = {
    "y_pred": ["--y-pred", "p"],
    "score": ["--score", "s"],
    "score_weighted_json": ["--score", "s", "--sample-weight", "w", "--format", "json"],
    "sample_weight": ["--y-pred", "p", "--sample-weight", "w"],
    "by_time_window": ["--y-pred", "p", "--by", "g", "--time", "t", "--window", "7D"],
    "by_weighted_json": [
        *("--y-pred", "p", "--by", "g", "--sample-weight", "w"),
        *("--format", "json"),
    ],
}


def _write_files(folder):
    """The same small table as a CSV file and as a Parquet file."""
    rng = np.random.default_rng(0)
    n_samples = 300
    y = rng.integers(0, 2, n_samples)
    score = np.round(1 / (1 + np.exp(-(2 * y - 1 + rng.normal(size=n_samples)))), 3)
    days = rng.integers(0, 28, n_samples)
    csv = folder / "data.csv"
    rows = zip(
        y,
        (score >= 0.5).astype(int),
        score,
        np.round(rng.random(n_samples) + 0.5, 2),
        rng.choice(["east", "west"], n_samples),
        np.datetime64("2024-01-04") + days.astype("timedelta64[D]"),
        strict=True,
    )
    lines = ["y,p,s,w,g,t"] + [",".join(map(str, row)) for row in rows]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parquet = folder / "data.parquet"
    duckdb.sql(f"COPY (FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)")
    return {"csv": str(csv), "parquet": str(parquet)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every case on both files, and ``--version``, in one fresh interpreter."""
    files = _write_files(tmp_path_factory.mktemp("imports"))
    argvs = {"version": ["--version"]}
    for kind, path in files.items():
        for case, options in CASES.items():
            argvs[f"{kind}-{case}"] = ["report", path, "--y-true", "y", *options]
    # Last: labels scikit-learn's checks reject, which still get them.
    fractional = tmp_path_factory.mktemp("fractional") / "data.parquet"
    duckdb.sql(
        f"COPY (SELECT y / 2 + 0.25 AS y, s FROM read_parquet('{files['parquet']}')) "
        f"TO '{fractional}' (FORMAT parquet)"
    )
    argvs["rejected"] = ["report", str(fractional), "--y-true", "y", "--score", "s"]
    argvs["rejected"] += ["--pos-label", "0.75"]
    # -P: the installed package, not one in the folder the tests run from.
    arguments = [json.dumps(list(argvs.values())), json.dumps(HEAVY)]
    done = subprocess.run(
        [sys.executable, "-P", "-c", SCRIPT, *arguments],
        capture_output=True,
        check=True,
        text=True,
    )
    return dict(zip(argvs, json.loads(done.stdout), strict=True))


@pytest.mark.parametrize("kind", ["csv", "parquet"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_report_imports_neither_sklearn_nor_scipy_stats(runs, kind, case):
    found = runs[f"{kind}-{case}"]
    assert found["status"] == 0, found["err"]
    if "json" in case:
        assert 0 < json.loads(found["out"])["balanced_accuracy"] <= 1
    else:
        assert "balanced accuracy" in found["out"]
    assert found["imported"] == []


def test_version_imports_neither(runs):
    assert runs["version"]["status"] == 0
    assert runs["version"]["out"].startswith("sklearn-balanced ")
    assert runs["version"]["imported"] == []


def test_labels_scikit_learn_rejects_still_get_its_checks(runs):
    found = runs["rejected"]
    assert found["status"] == 2
    assert found["err"] == (
        "sklearn-balanced: error: y_true must be a binary target, got a "
        "'continuous' target.\n"
    )
    assert found["imported"] == HEAVY  # and the imports are seen


def test_the_command_line_leaves_parameter_validation_on(tmp_path):
    from sklearn.utils._param_validation import InvalidParameterError

    from sklearn_balanced._cli import main
    from sklearn_balanced.metrics import ConfusionCounts

    missing = str(tmp_path / "missing.csv")
    assert main(["report", missing, "--y-true", "y", "--y-pred", "p"]) == 2
    counts = ConfusionCounts.from_confusion_matrix([[3, 1], [0, 2]])
    with pytest.raises(InvalidParameterError, match="'adjusted' parameter of Conf"):
        counts.score(adjusted=3)


def test_warnings_of_validated_functions_point_at_their_caller():
    from sklearn.exceptions import UndefinedMetricWarning

    from sklearn_balanced.metrics import ConfusionCounts, balanced_accuracy_score

    counts = ConfusionCounts().update([0, 0, 1], [0, 1, 2])
    with pytest.warns(UndefinedMetricWarning) as record:
        counts.score(labels=[0, 1, 5])
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="not in y_true") as record:
        balanced_accuracy_score([0, 0, 1], [0, 1, 2])
    assert record[0].filename == __file__
