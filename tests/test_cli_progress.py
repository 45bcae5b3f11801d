"""The progress display of the ``report`` sub-command, on stderr.

Nothing here depends on the clock: the plain line is given one, tqdm's clock is
stopped (so its lines are exact: no redraw between the first and the last, an
elapsed time of 00:00, no rate), and of Dask's display only what every run draws
is asserted (the first line and the completed bar).
"""

import io
import json
import sys

import numpy as np
import pytest

from sklearn_balanced._cli import main
from sklearn_balanced._cli._progress import Progress

# tqdm's last line of a pass with its clock stopped: the final count, no time.
_TQDM_END = "\rcounting: {rows} rows [00:00, ? rows/s]\n"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def stopped_tqdm(monkeypatch):
    """tqdm with a clock that never moves, as on a machine infinitely fast."""
    tqdm_std = pytest.importorskip("tqdm.std")
    monkeypatch.setattr(tqdm_std, "time", lambda: 0.0)


@pytest.fixture
def without_tqdm(monkeypatch):
    """tqdm made impossible to import, as where it is not installed."""
    monkeypatch.setitem(sys.modules, "tqdm", None)


def _report_args(tmp_path, n_samples=100):
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, (2, n_samples))
    rows = "\n".join(f"{a},{b}" for a, b in zip(y, p, strict=True))
    path = tmp_path / "t.csv"
    path.write_text(f"y,p\n{rows}\n")
    return ["report", str(path), "--y-true", "y", "--y-pred", "p", "--format", "json"]


def _report_stderr(monkeypatch, args, stderr):
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(args) == 0
    return stderr.getvalue()


def test_tqdm_counts_the_rows_on_a_terminal_only(
    tmp_path, monkeypatch, capsys, stopped_tqdm
):
    args = _report_args(tmp_path)
    shown = _report_stderr(monkeypatch, args, _Terminal())
    assert shown == "\rcounting: 0 rows [00:00, ? rows/s]" + _TQDM_END.format(rows=100)
    assert json.loads(capsys.readouterr().out)["n_samples"] == 100
    assert _report_stderr(monkeypatch, [*args, "--quiet"], _Terminal()) == ""
    assert _report_stderr(monkeypatch, args, io.StringIO()) == ""


def test_plain_line_without_tqdm(tmp_path, monkeypatch, without_tqdm):
    args = _report_args(tmp_path)
    # However fast the machine and whatever its clock, the line is drawn at the
    # first rows and the final count closes it; nothing in between is asserted.
    shown = _report_stderr(monkeypatch, args, _Terminal())
    assert shown.startswith("\rcounting: ")
    assert shown.endswith("\rcounting: 100 rows\n")
    assert _report_stderr(monkeypatch, [*args, "--quiet"], _Terminal()) == ""
    assert _report_stderr(monkeypatch, args, io.StringIO()) == ""


def test_plain_line_redraws_at_most_every_interval(without_tqdm):
    # The clock starts at 0, as time.monotonic() does on a machine just booted.
    times = iter([0.0, 0.1, 0.15, 0.2, 0.3])
    stream = io.StringIO()
    progress = Progress(enabled=True, stream=stream, interval=0.2, clock=times.__next__)
    progress.start("counting")
    for _ in range(5):
        progress.advance(10)
    progress.finish()
    # Drawn at 0 (the first rows), at 0.2 (40 rows) and at the end.
    assert stream.getvalue() == (
        "\rcounting: 10 rows\rcounting: 40 rows\rcounting: 50 rows\n"
    )


def test_tqdm_ends_each_pass_on_its_own_line(stopped_tqdm):
    stream = io.StringIO()
    progress = Progress(enabled=True, stream=stream)
    for stage, rows in [("counting", 30), ("counting again", 1500)]:
        progress.start(stage)
        progress.advance(rows)
        progress.finish()
    assert stream.getvalue() == (
        "\rcounting: 0 rows [00:00, ? rows/s]"
        + _TQDM_END.format(rows=30)
        + "\rcounting again: 0 rows [00:00, ? rows/s]"
        + "\rcounting again: 1,500 rows [00:00, ? rows/s]\n"
    )
    progress = Progress(enabled=False, stream=stream)
    progress.start("counting")
    progress.advance(10)
    progress.finish()
    assert stream.getvalue().count("\n") == 2


@pytest.fixture(scope="module")
def cluster():
    """An in-process LocalCluster of one single-thread worker (fixed size)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        memory_limit="1GiB",
        dashboard_address=":0",
    ) as cluster:
        yield cluster


def test_dask_passes_show_dask_progress_bar(tmp_path, monkeypatch, capsys, cluster):
    args = [*_report_args(tmp_path), "--scheduler", cluster.scheduler_address]
    shown = _report_stderr(monkeypatch, args, _Terminal())
    # distributed draws the bar (on stderr: stdout holds the report) and
    # clears it when the pass is complete.
    assert shown.startswith("counting:\n")
    assert "| 100% Completed |" in shown
    assert json.loads(capsys.readouterr().out)["n_samples"] == 100
    assert _report_stderr(monkeypatch, [*args, "--quiet"], _Terminal()) == ""
    assert _report_stderr(monkeypatch, args, io.StringIO()) == ""


def test_error_on_the_cluster_ends_the_bar_with_one_line(
    tmp_path, monkeypatch, capsys, cluster
):
    good, ragged = tmp_path / "a.csv", tmp_path / "b.csv"
    good.write_text("y,p\n0,1\n1,1\n")
    # the ragged row after the bytes that dask.dataframe samples to set it up
    ragged.write_text("y,p\n" + "0,1\n" * 100_000 + "1,0,3\n")
    args = ["report", str(good), str(ragged), "--y-true", "y", "--y-pred", "p"]
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert main([*args, "--scheduler", cluster.scheduler_address]) == 2
    shown = sys.stderr.getvalue()
    assert shown.startswith("counting:\n")
    error = shown.rsplit("\r", 1)[-1]
    assert error.startswith(f"sklearn-balanced: error: {good}, {ragged}: ")
    assert error.count("\n") == 1
    assert error.endswith("\n")
    assert capsys.readouterr().out == ""


def test_compute_without_display_uses_the_current_scheduler():
    da = pytest.importorskip("dask.array")
    stream = io.StringIO()
    total = Progress(enabled=False, stream=stream).compute(da.ones(10), "counting")
    assert total.sum() == 10
    assert stream.getvalue() == ""
