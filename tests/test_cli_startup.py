"""The command line answers ``--version``, ``--help`` and usage errors at once.

They need argparse only: scikit-learn, SciPy, matplotlib, NumPy and DuckDB are imported
by the command that runs, never for these answers.
"""

import json
import os
import subprocess
import sys

import pytest

import sklearn_balanced

#: Run by a fresh interpreter as ``python -m sklearn_balanced ARGS``: the exit
#: status, the output and the top-level modules it imported.
SCRIPT = """
import contextlib, io, json, runpy, sys
sys.argv = ["sklearn-balanced", *sys.argv[1:]]
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        runpy.run_module("sklearn_balanced", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        status = exit.code
imported = sorted({module.partition(".")[0] for module in sys.modules})
print(json.dumps({"status": status, "out": out.getvalue(), "err": err.getvalue(),
                  "imported": imported}))
"""
HEAVY = {"duckdb", "matplotlib", "narwhals", "numpy", "pyarrow", "scipy", "sklearn"}
COMPARE = ["compare", "p.csv", "--y-true", "y", "--y-pred-a", "a", "--y-pred-b", "b"]


def _run(argv):
    # -P: the installed package, not one in the folder the tests run from.
    done = subprocess.run(
        [sys.executable, "-P", "-c", SCRIPT, *argv],
        capture_output=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},  # the width argparse wraps help to
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("argv", "status", "says"),
    [
        (["--version"], 0, f"sklearn-balanced {sklearn_balanced.__version__}\n"),
        (["--help"], 0, "usage: sklearn-balanced [-h] [--version] COMMAND ..."),
        (["demo", "--help"], 0, "usage: sklearn-balanced demo [-h]"),
        (["report", "--help"], 0, "usage: sklearn-balanced report [-h]"),
        (["compare", "--help"], 0, "usage: sklearn-balanced compare [-h]"),
        ([], 2, "usage: sklearn-balanced [-h] [--version] COMMAND ..."),
        (["report", "p.csv"], 2, "error: the following arguments are required"),
        ([*COMPARE, "--method", "exact"], 2, "error: argument --method: invalid"),
        (["demo", "--random-state", "-1"], 2, "error: argument --random-state"),
    ],
)
def test_answers_without_importing_heavy_modules(argv, status, says):
    found = _run(argv)
    assert found["status"] == status
    assert says in (found["out"] if status == 0 else found["err"])
    assert "sklearn_balanced" in found["imported"]
    assert HEAVY.isdisjoint(found["imported"])
