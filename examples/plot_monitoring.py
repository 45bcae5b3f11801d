"""
=====================================================
Monitoring a deployed model: which region, which week
=====================================================

A fraud model is deployed in four regions; its predictions are logged with the
true label once it is known. Positives are rare (5%), so accuracy hides what
matters and the balanced accuracy, the mean of the two recalls, is the score to
watch. From week 5 on, the model degrades in one region: it misses more of the
rare positives there.

:func:`~sklearn_balanced.metrics.balanced_accuracy_by` gives the balanced
accuracy of every region and week with its interval, and
:meth:`~sklearn_balanced.metrics.GroupedBalancedAccuracy.compare_to` asks of
every window whether it dropped below the previous one, with a drop probability
calibrated so that unchanged windows are rarely flagged. Here it finds the
degraded region in week 5 and flags nothing on a deployment without change.
"""

# %%
# A simulated deployment
# ----------------------
# Ten weeks of predictions, 80,000 rows with random timestamps and regions.
# The model finds 80% of the positives and 90% of the negatives (a balanced
# accuracy of 0.85); in the north region, from the fifth week on, it finds only
# 55% of the positives (0.725). The deployment starts on Thursday 4 January
# 2024, a day on which weekly windows start (see below).
import matplotlib.pyplot as plt
import numpy as np

from sklearn_balanced.metrics import (
    ConfusionCounts,
    GroupedBalancedAccuracy,
    GroupedBalancedAccuracyDisplay,
    GroupedConfusionCounts,
    balanced_accuracy_by,
    time_windows,
)

REGIONS = np.array(["east", "north", "south", "west"])
START = np.datetime64("2024-01-04T00:00:00", "s")
N_ROWS, N_WEEKS, POSITIVE_RATE = 80_000, 10, 0.05
RECALL_NEGATIVE, RECALL_POSITIVE, DEGRADED_RECALL = 0.90, 0.80, 0.55


def simulate(rng, degraded_region="north", first_degraded_week=5):
    """Timestamps, regions, true and predicted labels of one deployment.

    ``degraded_region=None`` simulates a deployment without change.
    """
    seconds = rng.integers(0, N_WEEKS * 7 * 86_400, N_ROWS)
    time = np.sort(START + seconds.astype("timedelta64[s]"))
    region = rng.choice(REGIONS, N_ROWS)
    y_true = (rng.random(N_ROWS) < POSITIVE_RATE).astype(int)
    week = (time - START) // np.timedelta64(7, "D") + 1
    degraded = (region == degraded_region) & (week >= first_degraded_week)
    recall = np.where(
        y_true == 1,
        np.where(degraded, DEGRADED_RECALL, RECALL_POSITIVE),
        RECALL_NEGATIVE,
    )
    correct = rng.random(N_ROWS) < recall
    y_pred = np.where(correct, y_true, 1 - y_true)
    return time, region, y_true, y_pred


time, region, y_true, y_pred = simulate(np.random.default_rng(0))

# %%
# Balanced accuracy by region and week
# ------------------------------------
# :func:`~sklearn_balanced.metrics.time_windows` maps every timestamp to the
# start of its 7-day window. Windows have a fixed width and start at the Unix
# epoch (``origin=`` moves them), a Thursday: they do not depend on the data,
# so that counts of different log files keyed by their windows add up. Each
# group's score is exactly :func:`~sklearn_balanced.metrics.balanced_accuracy_score`
# on its rows, with a 95% posterior interval.
weeks = time_windows(time, "7D")
result = balanced_accuracy_by(y_true, y_pred, [region, weeks])
print(result)


def show(result, columns, rows=None):
    """Some columns of some rows of ``result.to_frame()``, as text."""
    frame = result.to_frame()
    frame = frame.rename(columns={"group_0": "region", "group_1": "week"})
    keys = [name for name in ("group", "region", "week") if name in frame]
    if rows is not None:
        frame = frame.loc[rows]
    frame = frame[keys + columns]
    return frame.to_string(index=False, float_format="{:.3f}".format)


north = np.array([name == "north" for name, _ in result.groups])
print(show(result, ["balanced_accuracy", "low", "high", "support_1"], north))

# %%
# About 100 positives per region and week leave each score uncertain by about
# 0.04 either way; the north region's fall in week 5 (2024-02-01) is larger.
#
# Which windows dropped?
# ----------------------
# ``compare_to("previous")`` compares every window with the previous window of
# the same region (the first window has none) and gives ``p_drop``, the
# posterior probability that the balanced accuracy dropped. A window is flagged
# when ``p_drop`` exceeds ``level``, 0.95 by default:
drops = result.compare_to("previous")
print(show(drops, ["balanced_accuracy", "p_drop", "flag"], drops.flag))

# %%
# North's week 5 has a drop probability of 1.000. The second flag is chance:
# on windows without change, at most a fraction ``1 - level`` is flagged, and
# with 36 comparisons at ``level=0.95`` one or two false alarms are to be
# expected. To keep the chance of any false alarm in the whole table below 5%,
# divide the 5% among the comparisons (Bonferroni's rule):
n_compared = len(result) - len(REGIONS)
level = 1 - 0.05 / n_compared
drops = result.compare_to("previous", level=level)
print(f"level {level:.4f}: {drops.flag.sum()} of {n_compared} windows flagged")
print(show(drops, ["balanced_accuracy", "p_drop", "flag"], drops.flag))

# %%
# Only the onset is flagged: from week 6 on, the north region is compared with
# its own degraded previous week. The figure draws every region's balanced
# accuracy over the weeks, its interval as a band and the flagged window
# marked.
display = GroupedBalancedAccuracyDisplay.from_result(drops, kind="time")

# %%
# With no change, nothing is flagged
# ----------------------------------
# The same deployment without degradation:
time_0, region_0, y_true_0, y_pred_0 = simulate(
    np.random.default_rng(1), degraded_region=None
)
stable = balanced_accuracy_by(
    y_true_0, y_pred_0, [region_0, time_windows(time_0, "7D")]
).compare_to("previous")
print(f"no change: {stable.flag.sum()} flagged at level 0.95")
print(f"highest drop probability: {np.nanmax(stable.p_drop):.3f}")

# %%
# One deployment is one draw. The calibration promises a rate: on windows
# without change, at most a fraction ``1 - level`` is flagged. Thirty more
# deployments without change: at ``level=0.95`` the share of windows flagged
# stays below 5%, and at the Bonferroni level few tables have a flag at all.
# Thirty tables only estimate that rate roughly; ``benchmarks/bench_drift.py``
# measures the calibration on thousands of simulated data sets, of two rows to
# ten thousand. (A flag at the stricter level is a flag at 0.95 whose ``p_drop``
# exceeds that level.)
rng = np.random.default_rng(2)
n_runs, flagged_windows, flagged_tables = 30, 0, 0
for _ in range(n_runs):
    time_0, region_0, y_true_0, y_pred_0 = simulate(rng, degraded_region=None)
    keys = [region_0, time_windows(time_0, "7D")]
    run = balanced_accuracy_by(y_true_0, y_pred_0, keys, interval=None)
    run = run.compare_to("previous", level=0.95)
    flagged_windows += run.flag.sum()
    flagged_tables += (run.flag & (run.p_drop > level)).any()
rate = flagged_windows / (n_runs * n_compared)
print(f"level 0.95: {rate:.1%} of windows flagged")
print(f"level {level:.4f}: {flagged_tables} of {n_runs} tables with a flag")

# %%
# Against a fixed reference
# -------------------------
# ``compare_to`` also takes the counts of a reference period, as
# :class:`~sklearn_balanced.metrics.ConfusionCounts`. Here each region over the
# ten weeks against the whole deployment, as the command line does without a
# time column. The whole includes the region, which makes the comparison
# conservative: it flags less than one against the other regions would. Four
# comparisons: the level is left at 0.95.
whole = ConfusionCounts().update(y_true, y_pred)
regions = balanced_accuracy_by(y_true, y_pred, region).compare_to(whole)
print(f"whole deployment: {whole.score():.3f}")
print(show(regions, ["balanced_accuracy", "low", "high", "p_drop", "flag"]))

# %%
# A dot per region with its interval, worst first, flagged regions marked:
display = GroupedBalancedAccuracyDisplay.from_result(regions, kind="groups")

# %%
# Against a reference period, the first four weeks of all regions, every
# degraded week of the north region is flagged, not only the first (at the
# Bonferroni level of the 40 comparisons):
early = time < START + np.timedelta64(28, "D")
baseline = ConfusionCounts().update(y_true[early], y_pred[early])
later = result.compare_to(baseline, level=1 - 0.05 / len(result))
print(show(later, ["balanced_accuracy", "p_drop", "flag"], later.flag))

# %%
# Small windows are reported, not flagged
# ---------------------------------------
# On the last day the east region logged two rows only (its logger failed): a
# positive that was missed and a false alarm. By region and day, that window
# has a balanced accuracy of 0, down from 0.86 the day before: a rule such as
# "flag any drop larger than 0.05" raises an alarm. Yet this model gets both
# rows of such a pair wrong one time in fifty, and there are hundreds of
# region-days: the drop probability is high, not conclusive. Whatever that
# probability, a window needs ``min_support`` samples (10 by default) of every
# class it is compared over to be flagged; smaller ones are reported as
# ``too_small``, never flagged.
last_day = np.datetime64("2024-03-13T00:00:00", "s")
outage = (region == "east") & (time >= last_day)
time_d = np.append(time[~outage], [last_day + np.timedelta64(9, "h")] * 2)
region_d = np.append(region[~outage], ["east", "east"])
y_true_d = np.append(y_true[~outage], [1, 0])
y_pred_d = np.append(y_pred[~outage], [0, 1])
days = balanced_accuracy_by(
    y_true_d, y_pred_d, [region_d, time_windows(time_d, "1D")]
).compare_to("previous")
columns = ["balanced_accuracy", "n_samples", "p_drop", "flag", "too_small"]
print(show(days, columns, days.n_samples == 2))
print(f"too small: {days.too_small.sum()} of {len(days)} region-days")

# %%
# Daily windows are small in general: with about 14 positives a day per region,
# the days with fewer than 10 are reported too small as well, and in a day only
# large drops can be told from noise. Longer windows detect smaller drops, later.

# %%
# Counting chunk by chunk
# -----------------------
# A job over logs reads one file (here one day) at a time. Each chunk's
# :class:`~sklearn_balanced.metrics.GroupedConfusionCounts` holds a confusion
# matrix per region and window; they add up with ``update``, ``merge``, ``+`` or
# ``sum``, in any order, and the windows line up because they do not depend on
# the data. The result is the one computed on all rows at once.
day = time.astype("datetime64[D]")
chunks = []
for value in np.unique(day):
    rows = day == value
    keys = [region[rows], time_windows(time[rows], "7D")]
    chunk = GroupedConfusionCounts().update(y_true[rows], y_pred[rows], keys)
    chunks.append(chunk)
counts = sum(chunks)
streamed = GroupedBalancedAccuracy.from_counts(counts)
print(counts)
assert streamed.groups == result.groups
for name in ("balanced_accuracy", "low", "high", "support"):
    assert np.array_equal(getattr(streamed, name), getattr(result, name))

# %%
# The same counts come from a table engine without loading the rows:
# ``GroupedConfusionCounts.from_frame(logs, y_true="y", y_pred="p",
# by="region", time="ts", window="7D")`` has DuckDB, Polars, Spark or Dask run
# one ``GROUP BY`` (see :ref:`tables`). From a shell, the command line reads
# Parquet or CSV files the same way and prints the regions and weeks worst
# first, with their interval and drop flag (see :ref:`cli_groups`)::
#
#     sklearn-balanced report logs/*.parquet --y-true y --y-pred p \
#         --by region --time ts --window 7D

plt.show()
