"""Balanced accuracy by segment and window: grouped counting against the usual ways.

Every ratio is measured in this run, the reference and ours side by side
(median of ``--repeat`` runs after a warm-up run), each result checked against
the reference's before timing:

1. In memory, ``--rows`` rows (1e7 by default), ``--groups`` groups (1,000),
   K = 2 (int8 labels, int64 group ids): ``balanced_accuracy_by(...,
   interval=None)`` against ``pandas.groupby`` + scikit-learn's
   ``balanced_accuracy_score`` per group (goal: ours >= 20x faster), and
   ``GroupedConfusionCounts().update`` against our ungrouped
   ``ConfusionCounts().update`` of the same rows (goal: <= 2x). The
   posterior intervals of every group and ``compare_to("previous")`` are
   timed too (no goal), and so are they for ``--many-groups`` groups of about
   20 rows (1e5), with ``compare_to`` a fixed reference's counts, each with
   the peak of its Python allocations.
2. ``GroupedConfusionCounts.from_frame`` over ``--frame-rows`` rows (2e7) in
   10 Parquet files with ``--groups`` groups, on a DuckDB relation and a
   Polars ``scan_parquet``, against the bare ``group_by`` it issues, written
   natively (goal: <= 1.3x); by group, and by group and 7-day window.
3. Dask, ``--dask-rows`` rows (1e8) on a LocalCluster of two single-thread
   worker processes, data persisted there: ``GroupedConfusionCounts().update``
   against ``da.bincount`` of the combined code ``(g * 2 + y) * 2 + p``
   (goal: <= 1.5x), with the client's peak of Python allocations and the
   workers' peak RSS.
4. The command line over the Parquet files of 2: ``sklearn-balanced report
   --by g --time ts --window 7D --format json``, its wall time minus that of
   ``sklearn-balanced --version``, against the bare DuckDB query by group and
   week (goal: <= 2x), and its peak RSS (goal: <= 300 MB).

Usage::

    python benchmarks/bench_monitor.py            # the issue's sizes: minutes
    python benchmarks/bench_monitor.py --rows 2e6 --frame-rows 2e6 --dask-rows 1e7
"""

import argparse
import resource
import shutil
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

N_FILES = 10
SPEEDUP_GOAL = 20.0
UNGROUPED_GOAL = 2.0
FRAME_GOAL = 1.3
DASK_GOAL = 1.5
CLI_GOAL = 2.0
RSS_GOAL = 300 * 10**6
WEEK_US = 7 * 86400 * 10**6


def medians_in_turn(functions, repeat):
    """Median time of each function, run in turn ``repeat`` times after a warm-up."""
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


def header(reference):
    line = f"{'case':<52} {reference:>11} {'ours':>11} {'ratio':>7}  {'goal':<10} met"
    print(line)
    print("-" * len(line))


def goal_line(name, reference, ours, ratio, goal, met):
    print(
        f"{name:<52} {fmt_time(reference):>11} {fmt_time(ours):>11} "
        f"{ratio:>6.2f}x  {goal:<10} {'met' if met else 'NOT MET'}"
    )


def _columns(n_rows, n_groups, rng):
    """int8 labels (30% positives), predictions right 85% of the time, groups."""
    y = (rng.random(n_rows) < 0.3).astype(np.int8)
    p = np.where(rng.random(n_rows) < 0.85, y, 1 - y).astype(np.int8)
    g = rng.integers(0, n_groups, n_rows)
    return y, p, g


# ---------------------------------------------------------------- 1. in memory


def in_memory(n_rows, n_groups, repeat):
    import pandas as pd
    from sklearn.metrics import balanced_accuracy_score

    from sklearn_balanced.metrics import (
        ConfusionCounts,
        GroupedBalancedAccuracy,
        GroupedConfusionCounts,
        balanced_accuracy_by,
    )

    print(
        f"1. In memory: {n_rows:.0e} rows, {n_groups} groups, K=2 (median of {repeat})"
    )
    y, p, g = _columns(n_rows, n_groups, np.random.default_rng(0))
    frame = pd.DataFrame({"y": y, "p": p, "g": g})

    def pandas_sklearn():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return frame.groupby("g").apply(
                lambda part: balanced_accuracy_score(part["y"], part["p"]),
                include_groups=False,
            )

    def ours():
        return balanced_accuracy_by(y, p, g, interval=None)

    reference = pandas_sklearn()
    result = ours()
    np.testing.assert_allclose(result.balanced_accuracy, reference.to_numpy(), rtol=0)
    assert result.groups == reference.index.tolist()
    header("reference")
    t_ref, t_ours = medians_in_turn([pandas_sklearn, ours], max(1, repeat // 3))
    ratio = t_ref / t_ours
    goal_line(
        "balanced_accuracy_by vs pandas.groupby + sklearn",
        t_ref,
        t_ours,
        ratio,
        f">= {SPEEDUP_GOAL:.0f}x",
        ratio >= SPEEDUP_GOAL,
    )
    t_flat, t_grouped = medians_in_turn(
        [
            lambda: ConfusionCounts().update(y, p),
            lambda: GroupedConfusionCounts().update(y, p, g),
        ],
        repeat,
    )
    ratio = t_grouped / t_flat
    goal_line(
        "GroupedConfusionCounts vs ungrouped ConfusionCounts",
        t_flat,
        t_grouped,
        ratio,
        f"<= {UNGROUPED_GOAL:.0f}x",
        ratio <= UNGROUPED_GOAL,
    )
    counts = GroupedConfusionCounts().update(y, p, g)
    start = time.perf_counter()
    with_intervals = GroupedBalancedAccuracy.from_counts(counts)
    intervals = time.perf_counter() - start
    sample = counts.groups[:20]
    start = time.perf_counter()
    for group in sample:
        counts[group].interval()
    one_by_one = (time.perf_counter() - start) / len(sample) * len(counts)
    start = time.perf_counter()
    compared = with_intervals.compare_to("previous")
    comparing = time.perf_counter() - start
    print(
        f"posterior intervals of {n_groups} groups: {fmt_time(intervals)} "
        f"(ConfusionCounts.interval group by group, extrapolated from "
        f"{len(sample)}: {fmt_time(one_by_one)}, {one_by_one / intervals:.1f}x); "
        f'compare_to("previous"): {fmt_time(comparing)} '
        f"({int(compared.flag.sum())} flagged, {int(compared.too_small.sum())} "
        "too small, no change simulated)"
    )


def many_groups(n_groups):
    """Intervals and compare_to of many small groups: time and traced peak."""
    from sklearn_balanced.metrics import (
        ConfusionCounts,
        GroupedBalancedAccuracy,
        GroupedConfusionCounts,
    )

    y, p, g = _columns(20 * n_groups, n_groups, np.random.default_rng(1))
    counts = GroupedConfusionCounts().update(y, p, g)
    reference = ConfusionCounts().update(y, p)
    print(f"{n_groups} groups of about 20 rows, K=2 (one run each):")

    def measure(name, run):
        tracemalloc.reset_peak()
        start = time.perf_counter()
        output = run()
        spent = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        print(f"  {name:<30} {fmt_time(spent)}, peak of allocations {peak:6.1f} MiB")
        return output

    tracemalloc.start()
    result = measure(
        "posterior intervals", lambda: GroupedBalancedAccuracy.from_counts(counts)
    )
    measure("compare_to(reference counts)", lambda: result.compare_to(reference))
    measure('compare_to("previous")', lambda: result.compare_to("previous"))
    tracemalloc.stop()


# ---------------------------------------------------------------- 2. from_frame


def write_parquet(folder, n_rows, n_groups):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(1)
    per_file = n_rows // N_FILES
    start = np.datetime64("2024-01-01T00:00:00", "us")
    for index in range(N_FILES):
        y, p, g = _columns(per_file, n_groups, rng)
        seconds = rng.integers(0, 180 * 86400, per_file)
        table = pa.table(
            {
                "y": y.astype(np.int64),
                "p": p.astype(np.int64),
                "g": g,
                "ts": start + seconds.astype("timedelta64[s]"),
            }
        )
        pq.write_table(table, folder / f"part-{index}.parquet")


def parquet_folder(data, n_rows, n_groups):
    """``data``, or a temporary folder, holding the Parquet files (written once)."""
    folder = data or Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.glob("*.parquet")):
        write_parquet(folder, n_rows, n_groups)
    return folder


def bare_queries(glob):
    """The bare group_by of each engine, by group and by group and week."""
    import duckdb
    import polars as pl

    sql = f"FROM read_parquet('{glob}')"
    week = f"(epoch_us(ts) // {WEEK_US})"
    return {
        "DuckDB": {
            "by group": lambda: duckdb.sql(
                f"SELECT g, y, p, count(*) AS n {sql} GROUP BY ALL"
            ).fetchnumpy(),
            "by group and 7D window": lambda: duckdb.sql(
                f"SELECT g, {week} AS w, y, p, count(*) AS n {sql} GROUP BY ALL"
            ).fetchnumpy(),
        },
        "Polars lazy": {
            "by group": lambda: (
                pl.scan_parquet(glob).group_by("g", "y", "p").agg(pl.len()).collect()
            ),
            "by group and 7D window": lambda: (
                pl.scan_parquet(glob)
                .group_by(
                    "g",
                    (pl.col("ts").dt.epoch("us") // WEEK_US).alias("w"),
                    "y",
                    "p",
                )
                .agg(pl.len())
                .collect()
            ),
        },
    }


def from_frame(n_rows, n_groups, repeat, data):
    import duckdb
    import polars as pl

    from sklearn_balanced.metrics import GroupedConfusionCounts

    folder = parquet_folder(data, n_rows, n_groups)
    glob = f"{folder}/*.parquet"
    print(f"\n2. from_frame over {glob}, {n_groups} groups (median of {repeat})")
    header("bare query")
    frames = {
        "DuckDB": lambda: duckdb.read_parquet(glob),
        "Polars lazy": lambda: pl.scan_parquet(glob),
    }
    options = {
        "by group": {"by": "g"},
        "by group and 7D window": {"by": "g", "time": "ts", "window": "7D"},
    }
    counts = {}
    for engine, queries in bare_queries(glob).items():
        for case, bare in queries.items():

            def ours(engine=engine, case=case):
                return GroupedConfusionCounts.from_frame(
                    frames[engine](), y_true="y", y_pred="p", **options[case]
                )

            result = ours()
            if case in counts:
                assert result == counts[case], f"{engine} differs, {case}"
            counts[case] = result
            assert int(result.confusion_matrices.sum()) == n_rows // N_FILES * N_FILES
            t_bare, t_ours = medians_in_turn([bare, ours], repeat)
            ratio = t_ours / t_bare
            goal_line(
                f"{engine}, {case}",
                t_bare,
                t_ours,
                ratio,
                f"<= {FRAME_GOAL}x",
                ratio <= FRAME_GOAL,
            )
    if data is None:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- 3. Dask


def _worker_peak_rss(client):
    def peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    return max(client.run(peak).values())


def on_dask(n_rows, n_groups, repeat):
    import dask
    import dask.array as da
    from distributed import Client, LocalCluster, wait

    from sklearn_balanced.metrics import GroupedConfusionCounts

    chunk = min(10**7, max(n_rows // 8, 1))
    print(f"\n3. Dask: {n_rows:.0e} rows in blocks of {chunk:.0e}, {n_groups} groups")
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c,
        Client(c) as client,
    ):
        rng = da.random.default_rng(2)
        y = (rng.random(n_rows, chunks=chunk) < 0.3).astype(np.int8)
        p = da.where(rng.random(n_rows, chunks=chunk) < 0.85, y, 1 - y).astype(np.int8)
        g = rng.integers(0, n_groups, n_rows, chunks=chunk)
        y, p, g = dask.persist(y, p, g)
        wait([y, p, g])

        def bare():
            code = (g * 2 + y) * 2 + p
            return da.bincount(code, minlength=4 * n_groups).compute()

        def ours():
            return GroupedConfusionCounts().update(y, p, g)

        expected = bare().reshape(n_groups, 2, 2)
        np.testing.assert_array_equal(ours().confusion_matrices, expected)
        header("da.bincount")
        t_bare, t_ours = medians_in_turn([bare, ours], repeat)
        tracemalloc.start()  # after the timing: it slows the client's Python
        ours()
        _, client_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ratio = t_ours / t_bare
        goal_line(
            "GroupedConfusionCounts (Dask) vs da.bincount",
            t_bare,
            t_ours,
            ratio,
            f"<= {DASK_GOAL}x",
            ratio <= DASK_GOAL,
        )
        print(
            f"client peak Python allocations {client_peak / 2**20:.1f} MiB "
            f"(the counts: {expected.nbytes / 2**10:.0f} KiB); worker peak RSS "
            f"{_worker_peak_rss(client) / 2**20:.0f} MiB"
        )


# ---------------------------------------------------------------- 4. command line


def command_line(n_rows, n_groups, repeat, data):
    """``report --by g --time ts --window 7D`` against the bare DuckDB query."""
    from bench_tables import command_times, sklearn_balanced_command

    folder = parquet_folder(data, n_rows, n_groups)
    glob = f"{folder}/*.parquet"
    command = sklearn_balanced_command()
    _, start_up, _ = command_times(lambda: None, [command, "--version"], repeat)
    bare = bare_queries(glob)["DuckDB"]["by group and 7D window"]
    argv = [command, "report", glob, "--y-true", "y", "--y-pred", "p", "--by", "g"]
    argv += ["--time", "ts", "--window", "7D", "--format", "json"]
    print(
        f"\n4. sklearn-balanced report --by g --time ts --window 7D over {glob} "
        f"(median of {repeat}, minus --version's {fmt_time(start_up).strip()})"
    )
    header("bare DuckDB")
    t_bare, wall, rss = command_times(bare, argv, repeat)
    ratio = (wall - start_up) / t_bare
    goal_line(
        "report --by --window",
        t_bare,
        wall - start_up,
        ratio,
        f"<= {CLI_GOAL:.0f}x",
        ratio <= CLI_GOAL,
    )
    print(
        f"{'  peak RSS':<52} {rss / 1e6:>9.0f} MB {'':>11}  <= 300 MB   "
        f"{'met' if rss <= RSS_GOAL else 'NOT MET'}"
    )
    if data is None:
        shutil.rmtree(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7, help="in-memory rows")
    parser.add_argument("--frame-rows", type=float, default=2e7, help="Parquet rows")
    parser.add_argument("--dask-rows", type=float, default=1e8, help="Dask rows")
    parser.add_argument("--groups", type=int, default=1000, help="number of groups")
    parser.add_argument(
        "--many-groups", type=int, default=100_000, help="groups of the scale case"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument("--data", type=Path, help="folder keeping the Parquet data")
    parser.add_argument(
        "--parts",
        default="memory,frame,dask,cli",
        help="comma-separated parts to run (memory, frame, dask, cli)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "memory" in parts:
        in_memory(int(args.rows), args.groups, args.repeat)
        many_groups(args.many_groups)
    if "frame" in parts:
        from_frame(int(args.frame_rows), args.groups, args.repeat, args.data)
    if "cli" in parts:
        command_line(int(args.frame_rows), args.groups, args.repeat, args.data)
    # Last: a LocalCluster leaves MALLOC_TRIM_THRESHOLD_ in this process's
    # environment, which the command line's process would inherit (every large
    # array a fresh mapping: its intervals 2.5x slower).
    if "dask" in parts:
        on_dask(int(args.dask_rows), args.groups, args.repeat)


if __name__ == "__main__":
    main()
