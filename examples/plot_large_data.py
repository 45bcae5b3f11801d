"""
==============================================
Large data: Dask arrays, then files in chunks
==============================================

Balanced accuracy, per-class recall, their interval and the best threshold of a
score only depend on small counts that add up over parts of the data. So the
metrics accept Dask arrays and Dask data frame columns, count every block where it
lives and merge the counts in a tree; and the ``sklearn-balanced report`` command
reads files chunk by chunk, in memory that does not grow with their rows.

Here two million rows in twenty blocks, then the same predictions written as a
directory of Parquet files and reported by the command line.
"""

# %%
# Dask arrays
# -----------
# The labels, predictions and scores are generated block by block. A score is
# ``y + noise``; about one sample in ten is positive.
import contextlib
import io
import tempfile
import time
from pathlib import Path

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np

from sklearn_balanced.metrics import (
    ScoreCounts,
    balanced_accuracy_interval,
    balanced_accuracy_score,
    per_class_recall,
)
from sklearn_balanced.model_selection import tune_threshold

n_samples, rows_per_block = 2_000_000, 100_000
rng = da.random.default_rng(0)
y_true = (rng.random(n_samples, chunks=rows_per_block) < 0.1).astype(np.int64)
y_score = y_true + rng.normal(scale=0.8, size=n_samples, chunks=rows_per_block)
y_score = da.round(y_score, 3)  # a few thousand distinct scores
y_pred = (y_score >= 0.5).astype(np.int64)
y_true, y_score, y_pred = dask.persist(y_true, y_score, y_pred)

# %%
# Scores of the Dask arrays: each block is counted, the counts are merged.
start = time.perf_counter()
print(f"balanced accuracy  {balanced_accuracy_score(y_true, y_pred):.4f}")
print(f"per-class recall   {per_class_recall(y_true, y_pred).round(4)}")
interval = balanced_accuracy_interval(y_true, y_pred)
print(f"95% interval       [{interval.low:.4f}, {interval.high:.4f}]")
print(f"({time.perf_counter() - start:.2f} s for {n_samples:,} rows)")

# %%
# They equal NumPy's on the computed data.
y_true_np, y_pred_np = dask.compute(y_true, y_pred)
assert balanced_accuracy_score(y_true, y_pred) == balanced_accuracy_score(
    y_true_np, y_pred_np
)

# %%
# The best threshold
# ------------------
# :func:`~sklearn_balanced.model_selection.tune_threshold` on one Dask fold
# returns the exact curve (one point per distinct score). For the best threshold
# alone in bounded memory, count the scores in bins (edges at quantiles of a
# sample), then count exactly only the scores of the bins that may hold the
# optimum: two passes, no sort of all the scores, and the same threshold.
search = tune_threshold(y_true, y_score)
sample = y_score[::1000].compute()  # fixed edges: the bins of all blocks line up
edges = np.unique(np.quantile(sample, np.linspace(0, 1, 257)[1:-1]))
coarse = ScoreCounts(edges=edges).update(y_true, y_score)
fine = coarse.refine().update(y_true, y_score)
print(f"tune_threshold     {search.threshold:.4f} (score {search.score:.4f})")
print(f"two passes of bins {fine.best_threshold():.4f} ({fine!r})")
assert fine.best_threshold() == search.threshold

# %%
# Files in chunks: the command line
# ---------------------------------
# The same predictions, written as eight Parquet files in a directory (one per
# Dask partition group), are reported by ``sklearn-balanced report``. It reads
# them batch by batch into the same counts, so its memory stays flat whatever
# the number of rows. From a shell::
#
#     sklearn-balanced report predictions/ --y-true y --score score
from sklearn_balanced._cli import main

frame = dd.from_dask_array(da.stack([y_true, y_score], axis=1), columns=["y", "score"])
frame = frame.astype({"y": "int64"}).repartition(npartitions=8)
with tempfile.TemporaryDirectory() as folder:
    frame.to_parquet(Path(folder) / "predictions", write_index=False)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        args = ["--y-true", "y", "--score", "score"]
        main(["report", str(Path(folder) / "predictions"), *args])
print(output.getvalue().replace(folder, "<tmp>"))
