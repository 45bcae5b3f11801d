"""Benchmark BalancedLogisticRegression against scikit-learn's LogisticRegression.

Every shape is fitted with balanced class weights and the same ``tol`` by
scikit-learn's ``lbfgs`` (its default), scikit-learn's ``newton-cholesky`` and
ours (``solver="auto"``), all timed in the same run: the estimators are
fitted in turn, and each time is the median over the repeats (30 on the small
shapes, where a fit takes milliseconds and its fixed cost matters, as in a grid
search). The final objective of every fit is evaluated with one formula (the penalised,
class-weighted mean log loss that both libraries minimise), so "equal or lower
objective" is checked on the same scale.

Goals: ours <= 1.0x scikit-learn's lbfgs fit time at equal or lower objective on
every shape, <= 0.7x on 1e3 x 20 and 1e4 x 20 binary; ours >= 1.5x faster than
scikit-learn's default on 1e6 x 20 binary.

Run ``python benchmarks/bench_logistic.py`` (about 3 minutes on 2 cores) or
with ``--quick`` (half the repeats, at least one; no newton-cholesky on the
5-class shape).
"""

import argparse
import time
import warnings

import numpy as np
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from sklearn_balanced import BalancedLogisticRegression
from sklearn_balanced.linear_model._class_weight import (
    class_totals,
    resolve_class_weight,
)
from sklearn_balanced.linear_model._loss import LogLoss

TOL = 1e-4
MAX_ITER = 1000


def _dense_problem(n_samples, n_features, n_classes):
    weights = [0.9] if n_classes == 2 else [0.45, 0.25, 0.15, 0.1, 0.05]
    return make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=min(n_features, 10),
        n_classes=n_classes,
        weights=weights,
        random_state=0,
    )


def _text_problem(n_samples, n_features, seed=0):
    """Sparse, tf-idf-like CSR data: Zipf-distributed terms, l2-normalised rows."""
    rng = np.random.default_rng(seed)
    terms_per_doc = rng.poisson(30, n_samples) + 1
    indptr = np.concatenate([[0], np.cumsum(terms_per_doc)])
    frequency = 1.0 / np.arange(1, n_features + 1)
    indices = rng.choice(n_features, indptr[-1], p=frequency / frequency.sum())
    data = rng.exponential(1.0, indptr[-1])
    X = sparse.csr_matrix((data, indices, indptr), shape=(n_samples, n_features))
    X.sum_duplicates()
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sparse.diags(1.0 / norms) @ X
    coef = rng.standard_normal(n_features) * (rng.random(n_features) < 0.05) * 8
    scores = X @ coef
    y = (scores > np.quantile(scores, 0.9)).astype(int)
    flip = rng.random(n_samples) < 0.02
    y[flip] = 1 - y[flip]
    return X.tocsr(), y


def _objective(X, y, coef, intercept, C=1.0):
    """Penalised, balanced-weighted mean log loss of a fitted model."""
    classes, codes = np.unique(y, return_inverse=True)
    totals = class_totals(codes, None, classes.shape[0])
    weight = resolve_class_weight("balanced", classes, totals)[codes]
    n_classes = classes.shape[0]
    if n_classes == 2:
        target = (codes == 1).astype(float)[None, :]
    else:
        target = np.eye(n_classes)[:, codes]
    loss = LogLoss(X, target, weight, 1.0 / (C * weight.sum()), True)
    w = np.column_stack([np.asarray(coef, float), np.asarray(intercept, float)])
    return loss.loss(w.ravel())


def _median_fit_times(estimators, X, y, repeats):
    """Median fit time of every estimator, fitting them in turn.

    Round ``r`` fits every estimator whose entry of ``repeats`` exceeds ``r``, so
    a load change on a shared machine slows all of them alike.

    Parameters
    ----------
    estimators : list of estimators
        The estimators to fit on ``(X, y)``.

    X, y : array-like
        Training data.

    repeats : list of int
        Number of fits of each estimator.

    Returns
    -------
    times : list of float
        Median fit time of each estimator, in seconds.
    """
    times = [[] for _ in estimators]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for round_ in range(max(repeats)):
            for estimator, count, spent in zip(estimators, repeats, times, strict=True):
                if round_ < count:
                    start = time.perf_counter()
                    estimator.fit(X, y)
                    spent.append(time.perf_counter() - start)
    return [float(np.median(spent)) for spent in times]


def _runners(quick, n_classes, is_sparse):
    common = {"tol": TOL, "max_iter": MAX_ITER}
    runners = [
        ("sklearn lbfgs", LogisticRegression(class_weight="balanced", **common)),
    ]
    if not is_sparse and not (quick and n_classes > 2):
        runners.append(
            (
                "sklearn newton-cholesky",
                LogisticRegression(
                    class_weight="balanced", solver="newton-cholesky", **common
                ),
            )
        )
    runners.append(("ours auto", BalancedLogisticRegression(**common)))
    return runners


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)

    shapes = [
        ("1e3 x 20 binary", lambda: _dense_problem(1_000, 20, 2), 30),
        ("1e4 x 20 binary", lambda: _dense_problem(10_000, 20, 2), 30),
        ("1e5 x 50 binary", lambda: _dense_problem(100_000, 50, 2), 3),
        ("1e5 x 50 5-class", lambda: _dense_problem(100_000, 50, 5), 3),
        ("1e6 x 20 binary", lambda: _dense_problem(1_000_000, 20, 2), 3),
        ("1e5 x 1e4 CSR binary", lambda: _text_problem(100_000, 10_000), 3),
    ]
    header = (
        f"{'shape':<22}{'method':<25}{'time [ms]':>10}{'n_iter':>8}"
        f"{'objective':>16}{'minus lbfgs':>14}"
    )
    print(f"tol={TOL}, max_iter={MAX_ITER}, class_weight='balanced', C=1.0")
    print(header)
    print("-" * len(header))
    ratio_lines = []
    for name, make, repeats in shapes:
        X, y = make()
        n_classes = np.unique(y).shape[0]
        repeats = max(1, repeats // 2) if args.quick else repeats
        runners = _runners(args.quick, n_classes, sparse.issparse(X))
        # newton-cholesky on 5 classes x 51 parameters is very slow: time once
        counts = [
            1 if method == "sklearn newton-cholesky" and n_classes > 2 else repeats
            for method, _ in runners
        ]
        times = _median_fit_times([est for _, est in runners], X, y, counts)
        results = {}
        for (method, fitted), seconds in zip(runners, times, strict=True):
            objective = _objective(X, y, fitted.coef_, fitted.intercept_)
            results[method] = (seconds, objective)
            difference = objective - results["sklearn lbfgs"][1]
            print(
                f"{name:<22}{method:<25}{1e3 * seconds:>10.2f}"
                f"{int(np.max(fitted.n_iter_)):>8}{objective:>16.10f}"
                f"{difference:>14.2e}"
            )
        ours_time, ours_objective = results["ours auto"]
        lbfgs_time, lbfgs_objective = results["sklearn lbfgs"]
        ratio_lines.append(
            f"{name}: ours/sklearn-lbfgs time ratio = {ours_time / lbfgs_time:.2f} "
            f"(speed-up {lbfgs_time / ours_time:.2f}x), objective difference = "
            f"{ours_objective - lbfgs_objective:.2e} "
            f"(relative {(ours_objective - lbfgs_objective) / lbfgs_objective:.1e})"
        )
        if "sklearn newton-cholesky" in results:
            newton_time = results["sklearn newton-cholesky"][0]
            ratio_lines.append(
                f"{name}: ours/sklearn-newton-cholesky time ratio = "
                f"{ours_time / newton_time:.2f}"
            )
    print()
    print("\n".join(ratio_lines))


if __name__ == "__main__":
    main()
