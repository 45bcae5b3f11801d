"""Benchmark BalancedLogisticRegression on Dask arrays against the in-memory fit.

Problems: 1e7 x 20 binary with one positive per hundred samples, and 1e6 x 50 with
five classes (priors 0.6 / 0.25 / 0.1 / 0.04 / 0.01). The training data are
generated partition by partition on a LocalCluster of two single-threaded worker
processes and persisted there; the held-out set (1e6 rows, or 2e5 for five
classes) is generated in memory from the same distribution.

Fitted in the same run:

- ours on the Dask arrays, on the cluster (fit time; the peak of the client's
  Python allocations during the fit, by tracemalloc);
- ours in memory on the same rows, fetched to the client (fit time; the relative
  difference of the two final objectives, both evaluated in memory with one
  formula);
- dask-ml's ``LogisticRegression(solver="lbfgs")`` on the Dask arrays, its
  defaults otherwise; it ignores class weights and only fits two classes;
- scikit-learn's ``LogisticRegression(class_weight="balanced")`` in memory.

Ours use ``tol=1e-6``; scikit-learn the same ``tol`` and ``max_iter=1000``. Every
model is scored by its balanced accuracy on the held-out set.

Goals: the Dask objective within a relative 1e-8 of the in-memory one; held-out
balanced accuracy at or above dask-ml's; the Dask fit at most 2x our in-memory
fit time on 1e7 x 20; client memory O(n_features * n_classes), not O(n_samples).

Run ``python benchmarks/bench_logistic_dask.py`` (about 5 minutes on 2 cores, 4 GB
of memory) or with ``--quick`` (2e6 x 20 and 2e5 x 50).
"""

import argparse
import time
import tracemalloc
import warnings

import dask
import dask.array as da
import numpy as np
from distributed import Client, LocalCluster, wait
from sklearn.linear_model import LogisticRegression

from sklearn_balanced import BalancedLogisticRegression, balanced_accuracy_score
from sklearn_balanced.linear_model._loss import LogLoss, target_vectors

TOL = 1e-6
PRIORS_5 = np.array([0.6, 0.25, 0.1, 0.04, 0.01])


class Problem:
    """A linear-logistic problem: Dask training rows, NumPy held-out rows.

    Binary problems draw ``y = 1`` when ``X @ coef + logistic noise`` passes the
    quantile of the given positive rate; multiclass problems take the argmax of
    ``X @ coef + log(prior) + Gumbel noise``.
    """

    def __init__(self, n_features, n_classes, positive_rate=None, seed=0):
        rng = np.random.default_rng(seed)
        n_outputs = 1 if n_classes == 2 else n_classes
        self.n_features, self.n_classes = n_features, n_classes
        self.coef = rng.standard_normal((n_features, n_outputs)) * 2 / n_features**0.5
        if n_classes == 2:
            sample = rng.standard_normal((10**6, n_features)) @ self.coef[:, 0]
            sample += rng.logistic(size=sample.shape[0])
            self.offset = -np.quantile(sample, 1 - positive_rate)
        else:
            self.offset = np.log(PRIORS_5[:n_classes])

    def labels(self, scores, noise):
        if self.n_classes == 2:
            return (scores[:, 0] + self.offset + noise[:, 0] > 0).astype(np.int64)
        return (scores + self.offset + noise).argmax(axis=1)

    def dask_rows(self, n_samples, chunk_rows, seed=1):
        rng = da.random.default_rng(seed)
        X = rng.standard_normal((n_samples, self.n_features), chunks=(chunk_rows, -1))
        width = self.coef.shape[1]
        if self.n_classes == 2:
            noise = rng.logistic(size=(n_samples, width), chunks=(chunk_rows, -1))
        else:
            noise = rng.gumbel(size=(n_samples, width), chunks=(chunk_rows, -1))
        y = da.map_blocks(
            self.labels, X @ self.coef, noise, drop_axis=1, dtype=np.int64
        )
        return X, y

    def numpy_rows(self, n_samples, seed=2):
        rng = np.random.default_rng(seed)
        X = rng.standard_normal((n_samples, self.n_features))
        noise_shape = (n_samples, self.coef.shape[1])
        noise = (rng.logistic if self.n_classes == 2 else rng.gumbel)(size=noise_shape)
        return X, self.labels(X @ self.coef, noise)


def objective(X, y, coef, intercept, class_weight="balanced", C=1.0):
    """Penalised, class-weighted mean log loss, evaluated in memory."""
    classes, codes = np.unique(y, return_inverse=True)
    totals = np.bincount(codes, minlength=classes.shape[0]).astype(float)
    weights = (
        totals.sum() / (classes.shape[0] * totals)
        if class_weight == "balanced"
        else np.ones(classes.shape[0])
    )[codes]
    target = target_vectors(codes, classes.shape[0])
    loss = LogLoss(X, target, weights, 1.0 / (C * weights.sum()), True)
    w = np.column_stack([np.atleast_2d(coef), np.ravel(intercept)]).ravel()
    return loss.loss(w)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def client_peak(function):
    """``function()``, its duration and the peak of the client's traced memory."""
    tracemalloc.start()
    try:
        result, seconds = timed(function)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def _persisted(*arrays):
    arrays = dask.persist(*arrays)
    wait(arrays)
    return arrays


def run(name, problem, n_samples, chunk_rows, n_test):
    X, y = problem.dask_rows(n_samples, chunk_rows)
    (X, y), persist_s = timed(lambda: _persisted(X, y))
    X_test, y_test = problem.numpy_rows(n_test)
    ours = BalancedLogisticRegression(tol=TOL, max_iter=1000)
    dask_fit, dask_s, peak = client_peak(lambda: ours.fit(X, y))
    (X_mem, y_mem), fetch_s = timed(lambda: dask.compute(X, y))
    memory_fit, memory_s = timed(
        lambda: BalancedLogisticRegression(tol=TOL, max_iter=1000).fit(X_mem, y_mem)
    )
    dask_objective = objective(X_mem, y_mem, dask_fit.coef_, dask_fit.intercept_)
    memory_objective = objective(X_mem, y_mem, memory_fit.coef_, memory_fit.intercept_)
    rows = [
        (
            "ours, Dask",
            dask_s,
            dask_fit,
            f"{abs(dask_objective - memory_objective) / memory_objective:.1e}",
        ),
        ("ours, in memory", memory_s, memory_fit, "0 (reference)"),
    ]
    if problem.n_classes == 2:
        from dask_ml.linear_model import LogisticRegression as DaskMLLogistic

        dask_ml, dask_ml_s = timed(lambda: DaskMLLogistic(solver="lbfgs").fit(X, y))
        rows.append(("dask-ml lbfgs (unweighted)", dask_ml_s, dask_ml, "-"))
    sklearn, sklearn_s = timed(
        lambda: LogisticRegression(class_weight="balanced", tol=TOL, max_iter=1000).fit(
            X_mem, y_mem
        )
    )
    sklearn_objective = objective(X_mem, y_mem, sklearn.coef_, sklearn.intercept_)
    rows.append(
        (
            "sklearn balanced, in memory",
            sklearn_s,
            sklearn,
            f"{(sklearn_objective - memory_objective) / memory_objective:+.1e}",
        )
    )
    size_mb = X.nbytes / 1e6
    print(
        f"\n{name}: {n_samples:.0e} x {problem.n_features}, {problem.n_classes} "
        f"classes, {X.numblocks[0]} partitions of {chunk_rows} rows ({size_mb:.0f} "
        f"MB), persisted in {persist_s:.1f} s, fetched to the client in "
        f"{fetch_s:.1f} s; held-out {n_test:.0e} rows"
    )
    print(
        f"{'model':<30}{'fit s':>8}{'vs in-memory':>14}{'held-out BA':>13}"
        f"{'objective vs in-memory (rel.)':>32}"
    )
    for label, seconds, model, gap in rows:
        score = balanced_accuracy_score(y_test, np.asarray(model.predict(X_test)))
        print(
            f"{label:<30}{seconds:>8.2f}{seconds / memory_s:>13.2f}x"
            f"{score:>13.4f}{gap:>32}"
        )
    if problem.n_classes != 2:
        print(f"{'dask-ml lbfgs':<30}{'n/a: fits two classes only':>35}")
    n_params = dask_fit.coef_.size + dask_fit.intercept_.size
    print(
        f"client peak during the Dask fit: {peak / 1e3:.0f} kB (the data: "
        f"{size_mb:.0f} MB; parameters: {n_params}); ours: {dask_fit.solver_}, "
        f"{dask_fit.n_iter_[0]} iterations on Dask, {memory_fit.n_iter_[0]} in "
        "memory"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2e6 x 20, 2e5 x 50")
    args = parser.parse_args()
    scale = 5 if args.quick else 1
    warnings.filterwarnings("ignore", category=FutureWarning)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        run(
            "binary 1:100",
            Problem(20, 2, positive_rate=0.01),
            10**7 // scale,
            500_000 // scale,
            10**6,
        )
        run("five classes", Problem(50, 5), 10**6 // scale, 100_000 // scale, 200_000)


if __name__ == "__main__":
    main()
