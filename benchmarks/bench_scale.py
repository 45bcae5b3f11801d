"""Benchmark the metrics beyond one machine's memory: Dask, and files in chunks.

(a) Labels (three classes), predictions and binary scores are generated block by
block on a LocalCluster of two single-thread worker processes and persisted there
(generated before any timing): 1e8 rows by default, 1e9 with ``--full``, 1e7 with
``--quick``. Measured in the same run, in rows per second (counting: the best of
three runs, after one that has every worker import the package):

- the hand-written limit for counting, ``da.bincount(y * K + p)``;
- ``balanced_accuracy_score``, ``per_class_recall`` and
  ``balanced_accuracy_interval`` on the Dask arrays;
- the exact best threshold through Dask: ``ScoreCounts`` in 65,536 bins (edges at
  quantiles of a strided sample of 1e5 scores) over the blocks, then ``refine``
  and passes over the candidate bins, each in at most 2**21 bins (so the
  client's memory is bounded whatever the rows), until the threshold is exact;
- where the data fit in memory: the same on NumPy arrays, the threshold by the
  exact in-memory sweep (``balanced_accuracy_curve``, which sorts the scores).

Then the binary case of the issue, on the same cluster: int8 labels and
predictions, float64 scores ``U(0, 1) * 0.6 + 0.25 * y`` (every score distinct):

- ``balanced_accuracy_score`` on the int8 arrays and on int64 copies, against
  ``da.bincount(y.astype("int64") * 2 + p)`` (best of three each);
- ``tune_threshold`` on the Dask arrays (bounded bins, refined pass after pass
  to the exact threshold), with the workers' peak RSS before and after.

Also: the peak of the client's Python allocations (tracemalloc) and each
worker's peak RSS.

(b) The ``report`` command on 2e7 rows (2e6 with ``--quick``) of labels, scores
and weights: 10 Parquet files, and the same as 10 CSV files, in a subprocess
(wall time and peak RSS); against reading one file in memory (pyarrow's
CSV reader, then the columns counted whole: ``ConfusionCounts`` and an exact
``ScoreCounts``) on the same rows as one CSV file. ``bench_tables.py`` measures
the command line against the bare DuckDB query it issues.

Goals: counting within 1.5x of the one-liner, int8 no slower than int64; the Dask
threshold faster than the in-memory sweep, and the same threshold;
``tune_threshold`` adds to the workers' peak RSS an amount bounded by the blocks
and the bins, not by the rows; CLI peak RSS at most 300 MB whatever the number of
rows; at least 1e6 rows/s per core from Parquet.

Run ``python benchmarks/bench_scale.py [--quick | --full] [--cli-only]``
(``--cli-only``: part (b) only).
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

N_CLASSES = 3
MAX_BINS = 1 << 16
REFINE_BINS = 1 << 21


def _timed(function, *args, repeat=1):
    """The result of ``function(*args)`` and its best time of ``repeat`` runs."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return result, best


def _client_timed(function, *args, repeat=1):
    """The result, its time, and the client's peak allocations meanwhile (text)."""
    tracemalloc.reset_peak()
    result, seconds = _timed(function, *args, repeat=repeat)
    peak = tracemalloc.get_traced_memory()[1]
    return result, seconds, f"client peak {peak / 2**20:.1f} MiB"


def _line(name, seconds, n_rows, extra=""):
    print(f"{name:<44}{seconds:8.2f} s  {n_rows / seconds:12.3g} rows/s  {extra}")


def _data(n_rows, chunk_rows):
    import dask
    import dask.array as da

    rng = da.random.default_rng(0)
    y = rng.integers(0, N_CLASSES, n_rows, chunks=chunk_rows, dtype=np.int64)
    noise = rng.integers(0, N_CLASSES, n_rows, chunks=chunk_rows, dtype=np.int64)
    p = da.where(rng.random(n_rows, chunks=chunk_rows) < 0.7, y, noise)
    binary = (y == 0).astype(np.int64)
    score = binary + rng.normal(size=n_rows, chunks=chunk_rows)
    return dask.persist(y, p, binary, score)


def _persisted(n_rows, chunk_rows):
    """The data, generated and held by the workers before any timing starts."""
    from distributed import wait

    data = _data(n_rows, chunk_rows)
    wait(list(data))
    return data


def _binary_data(n_rows, chunk_rows):
    """int8 labels and predictions, and scores ``U(0, 1) * 0.6 + 0.25 * y``."""
    import dask
    import dask.array as da
    from distributed import wait

    rng = da.random.default_rng(1)
    y = (rng.random(n_rows, chunks=chunk_rows) < 0.5).astype(np.int8)
    p = (rng.random(n_rows, chunks=chunk_rows) < 0.5).astype(np.int8)
    score = rng.random(n_rows, chunks=chunk_rows) * 0.6 + 0.25 * y
    data = dask.persist(y, p, score, y.astype(np.int64), p.astype(np.int64))
    wait(list(data))
    return data


def bench_binary(client, n_rows, chunk_rows):
    """Small integer dtypes against the one-liner, and tune_threshold's memory."""
    import dask.array as da

    from sklearn_balanced.metrics import balanced_accuracy_score
    from sklearn_balanced.model_selection import tune_threshold

    print(f"int8 labels and predictions, U(0,1)*0.6 + 0.25*y scores, {n_rows:.0e} rows")
    y, p, score, y64, p64 = _binary_data(n_rows, chunk_rows)
    balanced_accuracy_score(y, p)
    _, limit = _timed(
        lambda: da.bincount(y.astype("int64") * 2 + p, minlength=4).compute(),
        repeat=3,
    )
    _line('da.bincount(y.astype("int64") * 2 + p)', limit, n_rows)
    for name, labels, predictions in (("int8", y, p), ("int64", y64, p64)):
        _, seconds = _timed(balanced_accuracy_score, labels, predictions, repeat=3)
        _line(
            f"balanced_accuracy_score, {name} (Dask)",
            seconds,
            n_rows,
            f"{seconds / limit:.2f}x the one-liner",
        )
    before = _worker_peak_rss(client)
    result, seconds = _timed(tune_threshold, y, score)
    _line(
        "tune_threshold (Dask)",
        seconds,
        n_rows,
        f"worker peak RSS {before / 2**20:.0f} MiB before, "
        f"{_worker_peak_rss(client) / 2**20:.0f} MiB after",
    )
    print(
        f"threshold {result.threshold:.17g}, score {result.score:.17g}, "
        f"{result.thresholds.shape[0]} thresholds in the result"
    )


def _worker_peak_rss(client):
    def peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    return max(client.run(peak).values())


def bench_dask(n_rows, chunk_rows):
    import dask
    import dask.array as da
    from distributed import Client, LocalCluster

    from sklearn_balanced.metrics import (
        ScoreCounts,
        balanced_accuracy_curve,
        balanced_accuracy_interval,
        balanced_accuracy_score,
        per_class_recall,
    )

    print(f"(a) Dask: {n_rows:.0e} rows in blocks of {chunk_rows:.0e}")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        y, p, binary, score = _persisted(n_rows, chunk_rows)
        balanced_accuracy_score(y, p)  # every worker imports the package
        (counts, limit) = _timed(
            lambda: da.bincount(y * N_CLASSES + p, minlength=N_CLASSES**2).compute(),
            repeat=3,
        )
        _line("da.bincount(y * K + p)", limit, n_rows)
        tracemalloc.start()
        ba, seconds, peak = _client_timed(balanced_accuracy_score, y, p, repeat=3)
        _line(
            "balanced_accuracy_score (Dask)",
            seconds,
            n_rows,
            f"{seconds / limit:.2f}x the one-liner; {peak}",
        )
        _, seconds, peak = _client_timed(per_class_recall, y, p, repeat=3)
        _line("per_class_recall (Dask)", seconds, n_rows, peak)
        _, seconds, peak = _client_timed(balanced_accuracy_interval, y, p, repeat=3)
        _line("balanced_accuracy_interval (Dask)", seconds, n_rows, peak)

        def threshold():
            sample = score[:: max(1, n_rows // 10**5)].compute()
            quantiles = np.quantile(sample, np.linspace(0, 1, MAX_BINS + 1)[1:-1])
            counts = ScoreCounts(edges=np.unique(quantiles)).update(binary, score)
            passes = 1
            while not counts.exact:
                refined = counts.refine(max_bins=REFINE_BINS)
                counts = refined.update(binary, score)
                passes += 1
            return counts.best_threshold(), passes

        (best, passes), dask_threshold, peak = _client_timed(threshold)
        _line(
            f"exact best threshold, {passes} passes (Dask)",
            dask_threshold,
            n_rows,
            peak,
        )
        tracemalloc.stop()
        worker_peak = _worker_peak_rss(client)
        print(f"worker peak RSS {worker_peak / 2**20:.0f} MiB")
        bench_binary(client, n_rows, chunk_rows)
        matrix = counts.reshape(N_CLASSES, N_CLASSES)
        assert np.isclose(ba, np.mean(np.diag(matrix) / matrix.sum(axis=1)))
        if n_rows > 2 * 10**8:
            print("in-memory NumPy path skipped: the data do not fit")
            return
        y, p, binary, score = dask.compute(y, p, binary, score)
    _, seconds = _timed(balanced_accuracy_score, y, p)
    _line("balanced_accuracy_score (NumPy)", seconds, n_rows)
    in_memory, sweep = _timed(
        lambda: balanced_accuracy_curve(binary, score).best_threshold()
    )
    _line("exact best threshold, sort (NumPy)", sweep, n_rows)
    print(
        f"same threshold: {best == in_memory}; "
        f"Dask / in-memory time {dask_threshold / sweep:.2f}"
    )


def _write_files(folder, n_rows, n_files):
    import pandas as pd

    rng = np.random.default_rng(0)
    csv_parts, whole = [], folder / "whole.csv"
    for i, rows in enumerate(np.array_split(np.arange(n_rows), n_files)):
        y = (rng.random(rows.shape[0]) < 0.1).astype(np.int64)
        frame = pd.DataFrame(
            {
                "y": y,
                "s": np.round(y + rng.normal(size=rows.shape[0]), 4),
                "w": rng.integers(1, 4, rows.shape[0]),
            }
        )
        frame.to_parquet(folder / f"part-{i:02d}.parquet", index=False)
        csv_parts.append(folder / f"part-{i:02d}.csv")
        frame.to_csv(csv_parts[-1], index=False)
        frame.to_csv(whole, index=False, mode="a", header=i == 0)
    return [str(p) for p in sorted(folder.glob("*.parquet"))], csv_parts, whole


_RUN = """
import time
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
print(seconds, peak)
"""


def _subprocess(body):
    result = subprocess.run(
        [sys.executable, "-c", _RUN.format(body=body)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, rss = result.stdout.split()[-2:]
    return float(seconds), int(rss) * 1024


def bench_cli(n_rows, n_files=10):
    print(f"(b) CLI: {n_rows:.0e} rows of y, s, w in {n_files} files")
    options = "['--y-true', 'y', '--score', 's', '--sample-weight', 'w']"
    with tempfile.TemporaryDirectory() as folder:
        parquet, csv_parts, whole = _write_files(Path(folder), n_rows, n_files)
        runs = {
            "report, 10 Parquet files": parquet,
            "report, 10 CSV files": [str(p) for p in csv_parts],
        }
        for name, files in runs.items():
            body = (
                "import contextlib, io\nfrom sklearn_balanced._cli import main\n"
                "with contextlib.redirect_stdout(io.StringIO()):\n"
                f"    assert main(['report', *{files!r}, *{options}]) == 0"
            )
            seconds, rss = _subprocess(body)
            _line(name, seconds, n_rows, f"peak RSS {rss / 2**20:.0f} MiB")
        body = (
            "import pyarrow.csv\n"
            "from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts\n"
            f"table = pyarrow.csv.read_csv({str(whole)!r})\n"
            "y, s, w = (table[name].to_numpy() for name in ('y', 's', 'w'))\n"
            "ConfusionCounts().update(y, (s >= 0.5).astype(int), w)\n"
            "ScoreCounts().update(y, s, sample_weight=w).best_threshold()"
        )
        seconds, rss = _subprocess(body)
        _line(
            "in memory (pyarrow), one CSV file",
            seconds,
            n_rows,
            f"peak RSS {rss / 2**20:.0f} MiB",
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="1e7 rows, CLI on 2e6")
    size.add_argument("--full", action="store_true", help="1e9 rows, CLI on 2e7")
    parser.add_argument(
        "--cli-only", action="store_true", help="only part (b), without Dask"
    )
    args = parser.parse_args()
    n_rows = 10**7 if args.quick else 10**9 if args.full else 10**8
    if not args.cli_only:
        bench_dask(n_rows, chunk_rows=min(n_rows // 20, 5 * 10**6))
    bench_cli(2 * 10**6 if args.quick else 2 * 10**7)


if __name__ == "__main__":
    main()
