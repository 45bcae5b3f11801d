"""Time ``balanced_accuracy_score`` against scikit-learn's, in the same run.

First the goals of the counting engine, each a ratio measured in this run (both
functions timed on the same arrays, median of the repeats):

- integer labels, n = 1e6, K in {2, 10}: ours / the NumPy one-liner
  ``np.bincount(y_true * K + y_pred, minlength=K * K)`` <= 1.5, and with
  weights ours / ``np.bincount(y_true * K + y_pred, weights=w, minlength=K * K)``
  <= 1.5 (the one-liner and ours called in turn);
- unweighted integer labels, n = 1e6, K = 10: scikit-learn / ours >= 35;
- weighted integer labels, n = 1e6, K = 10: scikit-learn / ours >= 25;
- ``labels=`` given: ours with ``labels`` / ours without <= 1.5;
- string labels, n = 1e6, K in {2, 10, 1000}: scikit-learn / ours >= 5;

then the mergeable binary-score counts (``ScoreCounts``, exact, 10 chunks merged)
against the in-memory ``balanced_accuracy_curve`` and scikit-learn's
``roc_curve``, and then (unless ``--goals-only``) the grid of every case: n
samples, K classes, integer or string labels, with or without sample weights,
ratio scikit-learn time / our time (> 1 means we are faster). Results are checked
to agree before timing.

Usage::

    python benchmarks/bench_metric.py               # goals and the full grid
    python benchmarks/bench_metric.py --goals-only  # the goals (about a minute)
    python benchmarks/bench_metric.py --quick       # goals and the grid, n <= 1e6
"""

import argparse
import math
import time
import warnings

import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score as sklearn_score
from sklearn.metrics import roc_curve

from sklearn_balanced import ScoreCounts, balanced_accuracy_curve
from sklearn_balanced import balanced_accuracy_score as our_score

GOAL_SAMPLES = 1_000_000


def median_times(calls, budget, *, in_turn=False):
    """Median wall time of each of ``calls``, repeated within ``budget`` s.

    Each call is repeated on its own after a warm-up call (as the baseline of the
    goals was measured), at least 5 and at most 201 times; ``in_turn`` calls them
    one after the other instead, so that a drifting load of the machine affects
    them alike (fair for calls on the same data).
    """
    groups = [calls] if in_turn else [[call] for call in calls]
    medians = []
    for group in groups:
        for call in group:
            call()
        spent = [[] for _ in group]
        start = time.perf_counter()
        while len(spent[0]) < 5 or (
            time.perf_counter() - start < budget and len(spent[0]) < 201
        ):
            for call, times in zip(group, spent, strict=True):
                begin = time.perf_counter()
                call()
                times.append(time.perf_counter() - begin)
        medians += [float(np.median(times)) for times in spent]
    return medians


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


def check_agreement(y_true, y_pred, weights, **kwargs):
    """Raise unless both scores agree on the case."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = sklearn_score(y_true, y_pred, sample_weight=weights)
        ours = our_score(y_true, y_pred, sample_weight=weights, **kwargs)
    if not math.isclose(ref, ours, rel_tol=1e-12, abs_tol=1e-12):
        raise AssertionError(f"results differ: {ref} != {ours}")


def score_calls(y_true, y_pred, weights):
    """Calls of scikit-learn's score and ours on one case (warnings silenced)."""

    def quiet(score):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return score(y_true, y_pred, sample_weight=weights)

    return [lambda: quiet(sklearn_score), lambda: quiet(our_score)]


def goal_line(name, reference, ours, ratio, goal, met):
    return (
        f"{name:<34} {fmt_time(reference):>12} {fmt_time(ours):>12} "
        f"{ratio:>7.2f}x  {goal:<8} {'met' if met else 'NOT MET'}"
    )


def one_liner_calls(y_true, y_pred, weights, n_classes):
    """The bincount one-liner and our score on one case.

    Raises unless the balanced accuracy of the one-liner's counts is ours.
    """

    def one_liner():
        return np.bincount(
            y_true * n_classes + y_pred, weights, minlength=n_classes * n_classes
        )

    def ours():
        return our_score(y_true, y_pred, sample_weight=weights)

    counts = one_liner().reshape(n_classes, n_classes)
    line = float(np.mean(np.diagonal(counts) / counts.sum(axis=1)))
    if not math.isclose(ours(), line, rel_tol=1e-12):
        raise AssertionError(f"results differ: {ours()} != {line}")
    return [one_liner, ours]


def one_liner_goals(rng, budget):
    """Ours against the bincount one-liner, called in turn on the same labels."""
    for n_classes in (2, 10):
        for weighted in (False, True):
            case = make_case(GOAL_SAMPLES, n_classes, "int", weighted, rng)
            t_line, t_ours = median_times(
                one_liner_calls(*case, n_classes), budget, in_turn=True
            )
            name = f"{'weighted' if weighted else 'unweighted'} ints, K={n_classes}"
            ratio = t_ours / t_line
            print(
                goal_line(
                    f"{name} / one-liner",
                    t_line,
                    t_ours,
                    ratio,
                    "<= 1.5x",
                    ratio <= 1.5,
                )
            )


def speed_goals(rng, budget):
    """The ratio lines of the counting goals."""
    print(f"Goals (n = {GOAL_SAMPLES:.0e}, median of repeats)")
    print(
        "reference: np.bincount(y_true * K + y_pred[, weights=w], minlength=K * K) "
        "(ratio ours / it), else scikit-learn (ratio it / ours)"
    )
    header = (
        f"{'case':<34} {'reference':>12} {'ours':>12} {'ratio':>8}  {'goal':<8} met"
    )
    print(header)
    print("-" * len(header))
    one_liner_goals(rng, budget)
    for name, n_classes, kind, weighted, goal in [
        ("unweighted ints, K=10", 10, "int", False, 35),
        ("weighted ints, K=10", 10, "int", True, 25),
        ("strings, K=2", 2, "str", False, 5),
        ("strings, K=10", 10, "str", False, 5),
        ("strings, K=1000", 1000, "str", False, 5),
    ]:
        y_true, y_pred, weights = make_case(
            GOAL_SAMPLES, n_classes, kind, weighted, rng
        )
        check_agreement(y_true, y_pred, weights)
        t_ref, t_ours = median_times(score_calls(y_true, y_pred, weights), budget)
        ratio = t_ref / t_ours
        print(goal_line(name, t_ref, t_ours, ratio, f">= {goal}x", ratio >= goal))
    y_true, y_pred, _ = make_case(GOAL_SAMPLES, 10, "int", False, rng)
    labels = np.arange(10)[::-1]
    check_agreement(y_true, y_pred, None, labels=labels)
    t_none, t_labels = median_times(
        [
            lambda: our_score(y_true, y_pred),
            lambda: our_score(y_true, y_pred, labels=labels),
        ],
        budget,
        in_turn=True,
    )
    slowdown = t_labels / t_none
    print(
        goal_line(
            "labels= / labels=None, K=10 (ours)",
            t_none,
            t_labels,
            slowdown,
            "<= 1.5x",
            slowdown <= 1.5,
        )
    )


def score_counts_timing(rng, budget):
    """ScoreCounts (exact, merged from 10 chunks) against in-memory curves."""
    y_true = rng.integers(0, 2, GOAL_SAMPLES)
    y_score = np.round(y_true + rng.normal(size=GOAL_SAMPLES), 4)
    chunks = np.array_split(np.arange(GOAL_SAMPLES), 10)

    def counted():
        parts = [ScoreCounts().update(y_true[c], y_score[c]) for c in chunks]
        return sum(parts).curve()

    expected = balanced_accuracy_curve(y_true, y_score)
    for field in expected._fields:
        np.testing.assert_array_equal(
            getattr(counted(), field), getattr(expected, field)
        )
    t_roc, t_curve, t_counts = median_times(
        [
            lambda: roc_curve(y_true, y_score, drop_intermediate=False),
            lambda: balanced_accuracy_curve(y_true, y_score),
            counted,
        ],
        budget,
        in_turn=True,
    )
    print()
    print(
        f"Binary scores (n = {GOAL_SAMPLES:.0e}, "
        f"{expected.thresholds.shape[0] - 1} distinct scores)"
    )
    print(f"  sklearn roc_curve (drop_intermediate=False)  {fmt_time(t_roc)}")
    print(f"  balanced_accuracy_curve (in memory)          {fmt_time(t_curve)}")
    print(f"  ScoreCounts, 10 chunks merged, exact         {fmt_time(t_counts)}")
    print(
        f"  ScoreCounts / in-memory curve: {t_counts / t_curve:.2f}x the time; "
        f"roc_curve / ScoreCounts: {t_roc / t_counts:.1f}x"
    )


def grid(rng, sizes, budget):
    print()
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
                    check_agreement(y_true, y_pred, weights)
                    t_ref, t_ours = median_times(
                        score_calls(y_true, y_pred, weights),
                        budget * (3 if n >= 1_000_000 else 1),
                    )
                    print(
                        f"{n:>9.0e} {n_classes:>5} {kind:>7} "
                        f"{'yes' if weighted else 'no':>7} {fmt_time(t_ref):>12} "
                        f"{fmt_time(t_ours):>12} {t_ref / t_ours:>7.1f}x"
                    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="grid with n <= 1e6")
    parser.add_argument("--goals-only", action="store_true", help="skip the grid")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per timing")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    speed_goals(rng, 3 * args.budget)
    score_counts_timing(rng, 3 * args.budget)
    if not args.goals_only:
        sizes = [100, 10_000, 1_000_000] + ([] if args.quick else [10_000_000])
        grid(rng, sizes, args.budget)


if __name__ == "__main__":
    main()
