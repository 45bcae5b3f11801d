"""Count where the data lives: ``from_frame`` and ``report`` against bare queries.

The data are generated into ``--data DIR`` and reused by later runs (into a
temporary folder, removed at the end, without it): ``--rows`` rows (2e7 by
default) in 10 Parquet files of int labels ``y`` (5% positives), int
predictions ``p``, float scores ``s`` (a sigmoid of a normal, rounded to 6
decimals: about 730,000 distinct values at 2e7 rows) and float weights ``w``;
and ``--csv-rows`` rows (3e6) of the same columns as one CSV file.

Each ratio is measured in this run, the anchor and ours on the same files
(median of ``--repeat`` runs after a warm-up run), and each result is checked
against the anchor's counts before timing:

1. ``ConfusionCounts.from_frame`` and ``ScoreCounts.from_frame`` on a DuckDB
   relation (``read_parquet``) and on a Polars ``scan_parquet``, against the
   bare query that they issue, written natively: DuckDB SQL ``SELECT y, p,
   count(*) ... GROUP BY ALL`` fetched to NumPy, Polars ``group_by().agg(
   pl.len()).collect()``, for the confusion counts (also weighted: the sums of
   the weights and of their squares, and their checks: count, min, max, NaNs)
   and the per-score counts (at most ``2 * max_bins + 1`` groups, sorted by
   score, as ``from_frame`` asks). Goal: ours / bare <= 1.3.
2. ``sklearn-balanced report`` on the same files, in a subprocess: its wall
   time minus that of ``sklearn-balanced --version``, against the bare DuckDB
   query, with ``--y-pred``, with ``--score`` (against the per-score query) and
   on the CSV file; and minus the time of the same report on 4 rows (its
   start-up: imports, queries, interval), which ``--version`` no longer pays;
   beside them, the floor: a process that imports NumPy and DuckDB and runs
   the bare query, the least any Python command counting with DuckDB takes.
   Goals: <= 2x; the report's peak RSS (its own, from ``os.wait4``) <= 300 MB,
   printed beside that of the report of 4 rows (the imports' share).
3. An unfriendly case: ``--rows / 4`` rows of bimodal, skewed scores, every
   one distinct, more than ``max_bins`` (the default 2**20 at 2e7 rows, and
   ``--max-bins``, 2**16): ``ScoreCounts.from_frame`` passes over the DuckDB
   relation, against the bare per-score query that fetches every distinct
   score; the client's peak of Python allocations (NumPy's included) of each,
   and the best threshold against the in-memory one. No time goal.
4. With ``--spark``: the bare counts (fetched with ``toArrow``, PySpark >= 4)
   and ``from_frame`` on PySpark ``local[2]``, the first job of a new session
   and warm jobs. No goal (the point there is reaching the data); skipped when
   PySpark is missing.

Usage::

    python benchmarks/bench_tables.py                   # 2e7 rows: minutes
    python benchmarks/bench_tables.py --rows 2e6 --csv-rows 3e5   # a quick run
    python benchmarks/bench_tables.py --data /tmp/tables --spark
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

N_FILES = 10
POSITIVE_RATE = 0.05
RATIO_GOAL = 1.3
REPORT_GOAL = 2.0
RSS_GOAL = 300 * 10**6
CSV_TYPES = "{'y': 'VARCHAR', 'p': 'VARCHAR', 's': 'DOUBLE', 'w': 'DOUBLE'}"


# ---------------------------------------------------------------- the data


def _scores(y, rng):
    """Sigmoid of a normal shifted by the label, rounded to 6 decimals."""
    logit = 2.0 * y - 2.5 + rng.normal(size=y.shape[0])
    return np.round(1.0 / (1.0 + np.exp(-logit)), 6)


def _columns(n_rows, rng):
    y = (rng.random(n_rows) < POSITIVE_RATE).astype(np.int64)
    s = _scores(y, rng)
    p = (s >= 0.2).astype(np.int64)
    w = np.round(rng.random(n_rows) + 0.5, 3)
    return {"y": y, "p": p, "s": s, "w": w}


def _skewed_columns(n_rows, rng):
    """Bimodal, skewed scores, every one distinct (float64, unrounded).

    Negatives are log-normal, spread over about eight orders of magnitude;
    half of the positives sit on their own mode far out, the other half among
    the negatives: equal bins over the range put most scores in the first.
    """
    y = (rng.random(n_rows) < 0.1).astype(np.int64)
    spread = np.exp(2.0 * rng.normal(size=n_rows))
    far = (y == 1) & (rng.random(n_rows) < 0.5)
    s = np.where(far, 1e4 + 1e3 * spread, spread * np.where(y == 1, 3.0, 1.0))
    return {"y": y, "s": s}


def _write_parquet(folder, n_rows, columns_of, seed):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i, rows in enumerate(np.array_split(np.arange(n_rows), N_FILES)):
        table = pa.table(columns_of(rows.shape[0], rng))
        pq.write_table(table, folder / f"part-{i:02d}.parquet")


def _write_csv(path, n_rows, seed):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    pcsv.write_csv(pa.table(_columns(n_rows, rng)), path)


def _cached(path, make):
    """``path``, made by ``make(path)`` unless a previous run finished it."""
    done = Path(f"{path}.done")
    if not done.exists():
        if path.is_dir():
            shutil.rmtree(path)
        make(path)
        done.touch()
    return path


def make_data(folder, n_rows, csv_rows):
    """The Parquet folders and the CSV file, generated unless already there."""
    main = _cached(
        folder / f"tables-{n_rows}",
        lambda path: _write_parquet(path, n_rows, _columns, seed=0),
    )
    skewed = _cached(
        folder / f"skewed-{n_rows // 4}",
        lambda path: _write_parquet(path, n_rows // 4, _skewed_columns, seed=1),
    )
    csv = _cached(
        folder / f"tables-{csv_rows}.csv",
        lambda path: _write_csv(path, csv_rows, seed=2),
    )
    return main, skewed, csv


# ---------------------------------------------------------------- timing


def median_time(function, repeat):
    """Median wall time of ``function()`` over ``repeat`` calls after a warm-up."""
    return medians_in_turn([function], repeat)[0]


def medians_in_turn(functions, repeat):
    """Median wall time of each function, called in turn ``repeat`` times.

    Each is called once first (a warm-up); calling them one after the other
    makes a drifting load of the machine affect them alike.
    """
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(repeat):
        for function, spent in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return [float(np.median(spent)) for spent in times]


def fmt_time(seconds):
    if seconds >= 1.0:
        return f"{seconds:8.2f} s"
    return f"{seconds * 1e3:8.1f} ms"


def goal_line(name, reference, ours, ratio, goal, met):
    return (
        f"{name:<46} {fmt_time(reference):>11} {fmt_time(ours):>11} "
        f"{ratio:>6.2f}x  {goal:<8} {'met' if met else 'NOT MET'}"
    )


def header(reference):
    line = f"{'case':<46} {reference:>11} {'ours':>11} {'ratio':>7}  {'goal':<8} met"
    print(line)
    print("-" * len(line))


def _grouped(keys, counts):
    """``{key: count}`` of grouped rows (parallel arrays), to compare results."""
    rows = zip(*(key.tolist() for key in keys), strict=True)
    return dict(zip(rows, counts.tolist(), strict=True))


# ---------------------------------------------------------------- 1. from_frame


#: Groups the per-score query of ``ScoreCounts.from_frame`` fetches at most, with
#: its default ``max_bins``.
_SCORE_GROUPS = 2 * (1 << 20) + 1


def duckdb_sql(glob):
    """The SQL of the bare DuckDB queries: confusion counts, weighted, per score."""

    def query(keys, sums=""):
        return (
            f"SELECT {keys}, count(*) AS n{sums} FROM read_parquet('{glob}') "
            "GROUP BY ALL"
        )

    # The aggregations of weighted from_frame: sums of weights and of their
    # squares (for the intervals), and the checks of the weights.
    checks = (
        ", sum(w) AS w, sum(w * w) AS w2, count(w) AS nw, min(w) AS lo, max(w) AS hi,"
        " sum(isnan(w)::BIGINT) AS nan"
    )
    # The per-score query of ScoreCounts.from_frame: at most 2 * max_bins + 1
    # groups (more start the passes of bins), sorted by score in the engine.
    scores = (
        f"SELECT * FROM (SELECT y, s, count(*) AS n FROM read_parquet('{glob}') "
        f"GROUP BY ALL LIMIT {_SCORE_GROUPS}) ORDER BY s"
    )
    return query("y, p"), query("y, p", checks), scores


def duckdb_queries(glob):
    """The bare DuckDB queries of :func:`duckdb_sql`, fetched to NumPy."""
    import duckdb

    return [lambda sql=sql: duckdb.sql(sql).fetchnumpy() for sql in duckdb_sql(glob)]


def polars_queries(glob):
    """The bare Polars lazy queries: confusion counts, weighted, per-score counts."""
    import polars as pl

    def query(keys, *sums, scores=False):
        def run():
            frame = pl.scan_parquet(glob).group_by(*keys)
            frame = frame.agg(pl.len().alias("n"), *sums)
            if scores:  # as ScoreCounts.from_frame asks (see duckdb_queries)
                frame = frame.head(_SCORE_GROUPS).sort("s")
            frame = frame.collect()
            return {name: column.to_numpy() for name, column in frame.to_dict().items()}

        return run

    w = pl.col("w")
    checks = [
        w.sum().alias("w"),
        (w * w).sum().alias("w2"),
        w.count().alias("nw"),
        w.min().alias("lo"),
        w.max().alias("hi"),
        w.is_nan().cast(pl.Int64).sum().alias("nan"),
    ]
    return (
        query(["y", "p"]),
        query(["y", "p"], *checks),
        query(["y", "s"], scores=True),
    )


def check_confusion(counts, bare, column="n"):
    """Raise unless ``ConfusionCounts`` hold the bare query's counts (or sums).

    Sums of weights may differ in the last digits (another order of addition).
    """
    labels = counts.labels.tolist()
    matrix = counts.confusion_matrix
    ours = {
        (t, p): matrix[i, j]
        for i, t in enumerate(labels)
        for j, p in enumerate(labels)
        if matrix[i, j]
    }
    expected = _grouped((bare["y"], bare["p"]), bare[column])
    same = ours.keys() == expected.keys() and all(
        np.isclose(ours[key], expected[key], rtol=1e-12, atol=0) for key in ours
    )
    if not same:
        raise AssertionError(f"confusion counts differ: {ours} != {expected}")


def check_scores(counts, bare):
    """Raise unless ``ScoreCounts`` give the curve of the bare query's counts."""
    from sklearn_balanced.metrics import ScoreCounts

    expected = ScoreCounts().update(bare["y"], bare["s"], sample_weight=bare["n"])
    if not counts.exact or counts.best_threshold() != expected.best_threshold():
        raise AssertionError(
            f"thresholds differ: {counts.best_threshold()} != "
            f"{expected.best_threshold()}"
        )
    ours, theirs = counts.curve(), expected.curve()
    for field in theirs._fields:
        np.testing.assert_array_equal(getattr(ours, field), getattr(theirs, field))


def from_frame_goals(glob, repeat):
    """Part 1: from_frame on DuckDB and Polars lazy against their bare queries."""
    import duckdb

    from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts

    print(f"1. from_frame over {glob} (median of {repeat})")
    header("bare query")
    engines = {"DuckDB": (duckdb_queries(glob), lambda: duckdb.read_parquet(glob))}
    try:
        import polars as pl

        engines["Polars lazy"] = (polars_queries(glob), lambda: pl.scan_parquet(glob))
    except ImportError:
        print("Polars lazy: skipped (polars is not installed)")
    for engine, (
        (bare_confusion, bare_weighted, bare_scores),
        frame,
    ) in engines.items():

        def confusion(frame=frame):
            return ConfusionCounts.from_frame(frame(), y_true="y", y_pred="p")

        def weighted(frame=frame):
            return ConfusionCounts.from_frame(
                frame(), y_true="y", y_pred="p", sample_weight="w"
            )

        def scores(frame=frame):
            return ScoreCounts.from_frame(frame(), y_true="y", score="s")

        check_confusion(confusion(), bare_confusion())
        check_confusion(weighted(), bare_weighted(), column="w")
        check_scores(scores(), bare_scores())
        for name, bare, ours in (
            ("confusion counts", bare_confusion, confusion),
            ("weighted confusion counts", bare_weighted, weighted),
            ("per-score counts", bare_scores, scores),
        ):
            t_bare, t_ours = medians_in_turn([bare, ours], repeat)
            ratio = t_ours / t_bare
            print(
                goal_line(
                    f"{engine}, {name}",
                    t_bare,
                    t_ours,
                    ratio,
                    f"<= {RATIO_GOAL}x",
                    ratio <= RATIO_GOAL,
                )
            )


# ---------------------------------------------------------------- 2. report


#: Runs the command of its arguments; prints its wall time and peak RSS (bytes).
#: A child of this small process, the command's peak RSS is its own: a child of
#: the benchmark would inherit the benchmark's peak from before its ``exec``.
#: The floor of the report's goal: a process that imports NumPy and DuckDB and
#: runs the bare query, as any Python command that counts with DuckDB must.
FLOOR_PROGRAM = "import numpy, duckdb; duckdb.sql({sql!r}).fetchnumpy()"
_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_child(argv):
    """Wall time and peak RSS (bytes) of the command ``argv``.

    Raises, with the command's stderr, when it fails.
    """
    result = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *argv], capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"{argv} failed: {result.stderr}")
    seconds, rss = result.stdout.split()
    return float(seconds), int(rss)


def command_times(bare, argv, repeat):
    """Median times of ``bare()`` and of the command, and the command's peak RSS.

    The two are called in turn; the command's time is its own wall time (the
    launcher's start excluded) and its peak RSS the largest of its runs.
    """
    runs = []
    t_bare, _ = medians_in_turn([bare, lambda: runs.append(run_child(argv))], repeat)
    return (
        t_bare,
        float(np.median([seconds for seconds, _ in runs[1:]])),
        max(rss for _, rss in runs),
    )


def sklearn_balanced_command():
    """The path of the ``sklearn-balanced`` command, that of this venv first."""
    beside = Path(sys.executable).with_name("sklearn-balanced")
    return str(beside) if beside.exists() else shutil.which("sklearn-balanced")


def _tiny_files(folder):
    """A 4-row Parquet file and CSV file of the columns, for the start-up."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "y": [0, 1, 1, 0],
            "p": [0, 1, 0, 0],
            "s": [0.1, 0.8, 0.4, 0.3],
            "w": [1.0] * 4,
        }
    )
    folder.mkdir(exist_ok=True)
    pq.write_table(table, folder / "tiny.parquet")
    pcsv.write_csv(table, folder / "tiny.csv")
    return folder / "tiny.parquet", folder / "tiny.csv"


def report_goals(folder, csv, repeat):
    """Part 2: the report command against the bare DuckDB query."""
    import duckdb

    command = sklearn_balanced_command()
    _, start_up, _ = command_times(lambda: None, [command, "--version"], repeat)
    glob = f"{folder}/*.parquet"
    confusion_sql, _, scores_sql = duckdb_sql(glob)
    csv_sql = (
        f"SELECT y, p, count(*) AS n FROM read_csv('{csv}', header = true, "
        f"columns = {CSV_TYPES}) GROUP BY ALL"
    )

    tiny_parquet, tiny_csv = _tiny_files(csv.parent / "tiny")
    print()
    print(
        f"2. sklearn-balanced report (median of {repeat}, minus --version's "
        f"{fmt_time(start_up).strip()}; then minus the same report of 4 rows, "
        "its start-up; peak RSS of the report)"
    )
    header("bare DuckDB")
    options = ["--y-true", "y"]
    cases = [
        ("Parquet, --y-pred", folder, tiny_parquet, ["--y-pred", "p"], confusion_sql),
        ("Parquet, --score", folder, tiny_parquet, ["--score", "s"], scores_sql),
        ("CSV, --y-pred", csv, tiny_csv, ["--y-pred", "p"], csv_sql),
    ]
    for name, files, tiny, arguments, sql in cases:
        t_bare, wall, rss = command_times(
            lambda sql=sql: duckdb.sql(sql).fetchnumpy(),
            [command, "report", str(files), *arguments, *options],
            repeat,
        )
        # The least any Python command counting with DuckDB can score: a
        # process that imports NumPy and DuckDB and runs the bare query.
        _, floor_wall, _ = command_times(
            lambda: None,
            [sys.executable, "-c", FLOOR_PROGRAM.format(sql=sql)],
            repeat,
        )
        _, tiny_wall, tiny_rss = command_times(
            lambda: None, [command, "report", str(tiny), *arguments, *options], repeat
        )
        ratio = (wall - start_up) / t_bare
        print(
            goal_line(
                f"report, {name}",
                t_bare,
                wall - start_up,
                ratio,
                f"<= {REPORT_GOAL}x",
                ratio <= REPORT_GOAL,
            )
        )
        print(
            f"{'  floor: import numpy, duckdb; the query':<46} {fmt_time(t_bare):>11} "
            f"{fmt_time(floor_wall - start_up):>11} "
            f"{(floor_wall - start_up) / t_bare:>6.2f}x  (any Python command)"
        )
        # Not the goal: what the rows cost, once the start-up (imports, the
        # interval) is paid.
        print(
            f"{'  of which past a 4-row report (no goal)':<46} {fmt_time(t_bare):>11} "
            f"{fmt_time(wall - tiny_wall):>11} {(wall - tiny_wall) / t_bare:>6.2f}x"
        )
        print(
            f"{'  peak RSS':<46} {rss / 1e6:>9.0f} MB {'':>18}  <= 300 MB "
            f"{'met' if rss <= RSS_GOAL else 'NOT MET'}"
        )
        # Not the goal: the share of the imports and the engine's start.
        print(f"{'  of which a 4-row report (no goal)':<46} {tiny_rss / 1e6:>9.0f} MB")


# ---------------------------------------------------------------- 3. unfriendly


def _traced(function):
    """``function()``, its wall time and the peak of Python allocations (bytes)."""
    tracemalloc.start()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def unfriendly(folder, small_bins):
    """Part 3: more distinct scores than ``max_bins``, bimodal and skewed.

    ``ScoreCounts.from_frame`` with its default ``max_bins`` and with
    ``small_bins``, against the bare query and the in-memory threshold.
    """
    import duckdb

    from sklearn_balanced.metrics import ScoreCounts

    glob = f"{folder}/*.parquet"

    def bare_scores():  # every distinct score, which from_frame does not fetch
        return duckdb.sql(
            f"SELECT y, s, count(*) AS n FROM read_parquet('{glob}') GROUP BY ALL"
        ).fetchnumpy()

    columns = duckdb.sql(f"SELECT y, s FROM read_parquet('{glob}')").fetchnumpy()
    n_rows = columns["y"].shape[0]
    in_memory = ScoreCounts().update(columns["y"], columns["s"]).best_threshold()
    del columns
    bare_scores()  # warm the file cache
    bare, t_bare, bare_peak = _traced(bare_scores)
    print()
    print(
        f"3. bimodal, skewed scores: {n_rows:.0e} rows, "
        f"{bare['n'].shape[0]:,} (y, score) groups"
    )
    del bare
    print(
        f"{'bare per-score query (every distinct score)':<46} {fmt_time(t_bare):>11}"
        f"   client peak {bare_peak / 1e6:7.1f} MB"
    )
    for max_bins in (1 << 20, small_bins):
        counts, t_ours, peak = _traced(
            lambda max_bins=max_bins: ScoreCounts.from_frame(
                duckdb.read_parquet(glob), y_true="y", score="s", max_bins=max_bins
            )
        )
        same = counts.exact and counts.best_threshold() == in_memory
        print(
            f"{f'ScoreCounts.from_frame, max_bins={max_bins:,}':<46} "
            f"{fmt_time(t_ours):>11}   client peak {peak / 1e6:7.1f} MB   "
            f"{t_ours / t_bare:.2f}x the bare query; "
            f"exact, in-memory threshold: {same}"
        )


# ---------------------------------------------------------------- 4. Spark


def spark_figures(folder, repeat):
    """Part 4: PySpark local[2], first job and warm jobs; no goal."""
    print()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("4. PySpark: skipped (pyspark is not installed)")
        return
    from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts

    start = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(
        f"4. PySpark local[2] (session started in {time.perf_counter() - start:.1f} s)"
    )
    try:
        frame = spark.read.parquet(str(folder))
        jobs = {
            "bare groupBy(y, p).count()": lambda: (
                frame.groupBy("y", "p").count().toArrow()
            ),
            "ConfusionCounts.from_frame": lambda: ConfusionCounts.from_frame(
                frame, y_true="y", y_pred="p"
            ),
            "bare groupBy(y, s).count()": lambda: (
                frame.groupBy("y", "s").count().toArrow()
            ),
            "ScoreCounts.from_frame": lambda: ScoreCounts.from_frame(
                frame, y_true="y", score="s"
            ),
        }
        for name, job in jobs.items():
            begin = time.perf_counter()
            job()
            first = time.perf_counter() - begin
            warm = median_time(job, repeat)
            print(f"{name:<46} first {fmt_time(first)}   warm {fmt_time(warm)}")
    finally:
        spark.stop()


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e7, help="Parquet rows")
    parser.add_argument("--csv-rows", type=float, default=3e6, help="CSV rows")
    parser.add_argument("--data", type=Path, help="folder keeping the data")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument(
        "--max-bins", type=int, default=1 << 16, help="a small max_bins in part 3"
    )
    parser.add_argument("--spark", action="store_true", help="PySpark figures too")
    args = parser.parse_args()
    import duckdb

    duckdb.execute("SET enable_progress_bar = false")  # the default connection's
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"duckdb {duckdb.__version__}, {os.cpu_count()} cores, load average {load}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.data or Path(temporary)
        main_files, skewed, csv = make_data(folder, int(args.rows), int(args.csv_rows))
        from_frame_goals(f"{main_files}/*.parquet", args.repeat)
        report_goals(main_files, csv, args.repeat)
        unfriendly(skewed, args.max_bins)
        if args.spark:
            spark_figures(main_files, args.repeat)


if __name__ == "__main__":
    main()
