"""
===================================================
Training on a Dask array, tuning on streamed counts
===================================================

:class:`~sklearn_balanced.BalancedLogisticRegression` fits Dask arrays partition by
partition: one pass counts the classes, then every solver iteration sums the loss
and its gradient over the partitions, so only a few numbers per feature reach the
client, and the optimum is the in-memory one. Its predictions on a Dask array are
Dask arrays, computed block by block. The decision threshold that maximises
balanced accuracy on a validation set then comes from
:class:`~sklearn_balanced.metrics.ScoreCounts` counted in every partition and
merged: the scores are never gathered in one place.

The data here are small enough for a laptop (300 000 rows in twelve partitions);
the same code runs on a ``distributed.Client`` with data that fit nowhere else.
"""

# %%
# Data in partitions
# ------------------
# Each partition is generated where it lives; about one sample in fifty is
# positive. :func:`dask.persist` keeps the partitions in memory (the workers'
# memory on a cluster): every solver iteration reads them again, and recomputing
# them each time would cost more than the fit.
import time

import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np

from sklearn_balanced import BalancedLogisticRegression
from sklearn_balanced.metrics import ScoreCounts, balanced_accuracy_score

n_samples, n_features, rows_per_partition = 300_000, 10, 25_000
rng = da.random.default_rng(0)
X = rng.standard_normal((n_samples, n_features), chunks=(rows_per_partition, -1))
coef = np.linspace(-1.0, 1.0, n_features)
noise = rng.logistic(size=n_samples, chunks=rows_per_partition)
y = (X @ coef + noise > 5.0).astype(np.int64)
X, y = dask.persist(X, y)

X_train, y_train = X[:150_000], y[:150_000]
X_valid, y_valid = X[150_000:225_000], y[150_000:225_000]
X_test, y_test = X[225_000:], y[225_000:]
print(f"{X_train.numblocks[0]} training partitions; positive rate", y.mean().compute())

# %%
# Fit on the Dask array
# ---------------------
# The same estimator as in memory; with Dask input it runs on the active Dask
# scheduler. The in-memory fit of the same rows gives the same coefficients.
# ``proba_prior="train"`` calibrates ``predict_proba`` to the training class
# frequencies (about 3% positives), the probabilities a user would report;
# ``predict`` keeps the balanced decision rule either way.
params = {"tol": 1e-8, "proba_prior": "train"}
start = time.perf_counter()
model = BalancedLogisticRegression(**params).fit(X_train, y_train)
print(f"Dask fit: {time.perf_counter() - start:.2f} s, solver {model.solver_}")

in_memory = BalancedLogisticRegression(**params).fit(*dask.compute(X_train, y_train))
print("largest coefficient difference:", np.abs(model.coef_ - in_memory.coef_).max())

# %%
# Probabilities as a Dask array
# -----------------------------
# ``predict_proba`` maps the fitted model over the partitions lazily, like
# dask-ml's ``ParallelPostFit``; nothing is computed yet.
score_valid = model.predict_proba(X_valid)[:, 1]
print(score_valid)

# %%
# The best threshold from streamed counts
# ---------------------------------------
# Each validation partition is counted where it lives, in at most 256 bins of
# scores; the merged counts bound how much a threshold inside a bin could add
# (:meth:`~sklearn_balanced.metrics.ScoreCounts.optimality_gap`), and a second
# pass, counting only the scores of the bins that may hold the optimum, gives the
# exact best threshold (:meth:`~sklearn_balanced.metrics.ScoreCounts.refine`).


def count_partitions(new_counts, y_true, y_score):
    """Count every partition in a Dask task, with fresh ``new_counts()``; merge."""
    count = dask.delayed(lambda labels, scores: new_counts().update(labels, scores))
    blocks = zip(y_true.to_delayed(), y_score.to_delayed(), strict=True)
    return sum(dask.compute(*(count(labels, scores) for labels, scores in blocks)))


coarse = count_partitions(lambda: ScoreCounts(max_bins=256), y_valid, score_valid)
print(f"after one pass: gap <= {coarse.optimality_gap():.4f}")
exact = count_partitions(coarse.refine, y_valid, score_valid)
threshold = exact.best_threshold()
print(f"after two passes: gap {exact.optimality_gap()}, threshold {threshold:.4f}")

# %%
# On the test partitions
# ----------------------
# Calibrated to a 3% prior, the probabilities rarely reach 0.5: that threshold
# finds few positives. The tuned one sits near the prior, where the balanced
# accuracy peaks, and matches the balanced rule of ``predict`` (computed here
# partition by partition as well).
score_test, labels_test, predicted = dask.compute(
    model.predict_proba(X_test)[:, 1], y_test, model.predict(X_test)
)
rules = {
    "predict": predicted,
    "threshold 0.5": score_test >= 0.5,
    f"threshold {threshold:.3f}": score_test >= threshold,
}
for name, rule in rules.items():
    score = balanced_accuracy_score(labels_test, rule.astype(np.int64))
    print(f"test balanced accuracy, {name}: {score:.4f}")

curve = exact.curve()
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.semilogx(curve.thresholds[1:], curve.balanced_accuracy[1:], label="validation")
ax.axvline(0.5, color="grey", linestyle=":", label="0.5")
ax.axvline(threshold, color="C3", linestyle="--", label="tuned")
ax.set(
    xlabel="threshold on predict_proba",
    ylabel="balanced accuracy",
    title="Balanced accuracy from merged ScoreCounts",
)
ax.legend()
fig.tight_layout()
plt.show()
