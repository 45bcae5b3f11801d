"""Time ``balanced_accuracy_score`` against scikit-learn's, in the same run.

For every case (n samples, K classes, integer or string labels, with or without
sample weights) both functions are timed on the same arrays (median of several
repeats, after a warm-up call), their results are checked to agree, and the table
prints the ratio scikit-learn time / our time (> 1 means we are faster).

Usage::

    python benchmarks/bench_metric.py            # the full grid (a few minutes)
    python benchmarks/bench_metric.py --quick    # n <= 1e6 only
"""

import argparse
import math
import time
import warnings

import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score as sklearn_score

from sklearn_balanced import balanced_accuracy_score as our_score


def median_time(score, y_true, y_pred, weights, budget):
    """Median wall time of one score call over repeats fitting in ``budget`` s."""
    times = []
    for repeat in range(201):
        start = time.perf_counter()
        score(y_true, y_pred, sample_weight=weights)
        if repeat:  # the first call is a warm-up
            times.append(time.perf_counter() - start)
        if len(times) >= 3 and sum(times) > budget:
            break
    return float(np.median(times))


def make_case(n, n_classes, kind, weighted, rng):
    """Random targets with about 80% accuracy and their optional weights."""
    y_true = rng.integers(0, n_classes, n)
    wrong = rng.random(n) < 0.2
    y_pred = np.where(wrong, rng.integers(0, n_classes, n), y_true)
    if kind == "str":
        names = np.array([f"class_{k}" for k in range(n_classes)])
        y_true, y_pred = names[y_true], names[y_pred]
    elif kind == "object":
        names = np.array([f"class_{k}" for k in range(n_classes)], dtype=object)
        y_true, y_pred = names[y_true], names[y_pred]
    weights = rng.random(n) if weighted else None
    return y_true, y_pred, weights


def fmt_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:8.2f} {unit}"
    return f"{seconds / 1e-6:8.2f} us"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only n <= 1e6")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per timing")
    args = parser.parse_args()
    sizes = [100, 10_000, 1_000_000] + ([] if args.quick else [10_000_000])
    rng = np.random.default_rng(0)
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    header = (
        f"{'n':>9} {'K':>5} {'labels':>7} {'weights':>7} "
        f"{'scikit-learn':>12} {'ours':>12} {'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        for n_classes in (2, 10, 1000):
            for kind in ("int", "str", "object"):
                if kind != "int" and n > 1_000_000:
                    continue  # scikit-learn needs minutes per call here
                for weighted in (False, True):
                    y_true, y_pred, weights = make_case(
                        n, n_classes, kind, weighted, rng
                    )
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        ref = sklearn_score(y_true, y_pred, sample_weight=weights)
                        ours = our_score(y_true, y_pred, sample_weight=weights)
                        if not math.isclose(ref, ours, rel_tol=1e-12, abs_tol=1e-12):
                            raise AssertionError(f"results differ: {ref} != {ours}")
                        budget = args.budget * (3 if n >= 1_000_000 else 1)
                        case = (y_true, y_pred, weights, budget)
                        t_ref = median_time(sklearn_score, *case)
                        t_ours = median_time(our_score, *case)
                    print(
                        f"{n:>9.0e} {n_classes:>5} {kind:>7} "
                        f"{'yes' if weighted else 'no':>7} {fmt_time(t_ref):>12} "
                        f"{fmt_time(t_ours):>12} {t_ref / t_ours:>7.1f}x"
                    )


if __name__ == "__main__":
    main()
