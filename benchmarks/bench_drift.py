"""Calibration, power and speed of the balanced accuracy drop flags.

Run ``python benchmarks/bench_drift.py`` (about a minute of CPU time) or
``--quick`` for a smoke run.

Every simulated data set is one window (or segment) and one reference, drawn
from the same model unless a drop is planted: class sizes are fixed by the size
``n`` and the class balance (every class at least one sample), and each class's
number of correct predictions is binomial with its true recall, which is what
simulating the labels would give. A window is flagged when
``drop_probability > level``.

1. Calibration (no change). Settings: K = 2 (minority shares 1/2, 1/10, 1/100)
   and K = 5 (balanced, and shares falling by halves), true recalls moderate
   (0.6 to 0.8), high (0.9) or nearly perfect (0.99 to 0.999), windows of
   2/5 to 10,000 rows, references as small as the window or of 10,000 rows.
   Printed: the flag rate at levels 0.9, 0.95, 0.99 over all data sets with a
   binomial (Wilson) 95% interval, the largest rate of any one setting, and the
   goal lines. For comparison, the same with the uniform prior of the posterior
   interval, and with the fixed rule "flag if the balanced accuracy dropped by
   more than 0.05".
2. Power. A drop of 0.05 or 0.10 in the recall of the minority class (K = 2,
   minority share 1/10, recalls 0.8 / 0.9, reference of 10,000 rows): the
   detection rate at level 0.95 by window size.
3. Speed. ``drop_probability`` on 1,000 groups x K = 2 and K = 5, and
   ``balanced_accuracy_change`` (interval as well) on 1,000 x K = 2.
"""

import argparse
import itertools
import time

import numpy as np
from scipy import stats

from sklearn_balanced.metrics._drift import (
    _check_counts,
    _drop_probabilities,
    balanced_accuracy_change,
    drop_probability,
    flag_drops,
)

LEVELS = (0.9, 0.95, 0.99)
GOAL_LEVEL = 0.95
REFERENCE_SIZE = 10_000
NAIVE_THRESHOLD = 0.05
BALANCES = {
    2: {"1:1": [0.5, 0.5], "1:9": [0.1, 0.9], "1:99": [0.01, 0.99]},
    5: {"balanced": [0.2] * 5, "halving": [1 / 31, 2 / 31, 4 / 31, 8 / 31, 16 / 31]},
}
RECALLS = {"moderate": (0.6, 0.8), "high": (0.9, 0.9), "near-perfect": (0.99, 0.999)}
WINDOW_SIZES = (2, 20, 100, 1000, 10_000)


def class_sizes(n, shares):
    return np.maximum(1, np.round(n * np.asarray(shares))).astype(np.int64)


def true_recalls(name, n_classes):
    low, high = RECALLS[name]
    return np.linspace(low, high, n_classes)


def simulate(sizes, recalls, n_sets, rng):
    """Correct counts of ``n_sets`` data sets, shape (n_sets, K)."""
    return rng.binomial(sizes, recalls, size=(n_sets, sizes.shape[0])).astype(float)


def uniform_prior_p_drop(correct, support, ref_correct, ref_support):
    """The drop probability with the uniform prior of the posterior interval."""
    counts = _check_counts(correct, support, ref_correct, ref_support)
    c, n, rc, rn = counts[:4]
    return _drop_probabilities(c + 1.0, n - c + 1.0, rc + 1.0, rn - rc + 1.0)


def naive_flags(correct, support, ref_correct, ref_support):
    drop = np.mean(ref_correct / ref_support, axis=1) - np.mean(
        correct / support, axis=1
    )
    return drop > NAIVE_THRESHOLD


def wilson(flags, n):
    """Wilson 95% interval of a binomial proportion."""
    z = stats.norm.ppf(0.975)
    p = flags / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def null_settings():
    for n_classes, balances in BALANCES.items():
        for (balance, shares), recall, n in itertools.product(
            balances.items(), RECALLS, WINDOW_SIZES
        ):
            for reference in ("same size", "large"):
                ref_n = n if reference == "same size" else REFERENCE_SIZE
                yield (n_classes, balance, recall, n, reference), shares, ref_n


def calibration(n_sets, rng):
    print(
        f"1. Calibration: {n_sets} null data sets per setting "
        "(window and reference from the same model)"
    )
    totals = {rule: np.zeros(len(LEVELS)) for rule in ("posterior", "uniform")}
    naive_total = 0
    worst = {rule: (np.zeros(len(LEVELS)), [None] * len(LEVELS)) for rule in totals}
    naive_by_size = {}
    n_total = 0
    for key, shares, ref_n in null_settings():
        n_classes, _, recall_name, n, _ = key
        recalls = true_recalls(recall_name, n_classes)
        support = class_sizes(n, shares)
        ref_support = class_sizes(ref_n, shares)
        correct = simulate(support, recalls, n_sets, rng)
        ref_correct = simulate(ref_support, recalls, n_sets, rng)
        supports = np.broadcast_to(support, correct.shape).astype(float)
        ref_supports = np.broadcast_to(ref_support, ref_correct.shape).astype(float)
        arguments = (correct, supports, ref_correct, ref_supports)
        p_drops = {
            "posterior": drop_probability(*arguments),
            "uniform": uniform_prior_p_drop(*arguments),
        }
        for rule, p_drop in p_drops.items():
            rates = np.array([flag_drops(p_drop, lv).mean() for lv in LEVELS])
            totals[rule] += rates * n_sets
            for i, rate in enumerate(rates):
                if rate > worst[rule][0][i]:
                    worst[rule][0][i] = rate
                    worst[rule][1][i] = key
        naive = naive_flags(*arguments)
        naive_total += naive.sum()
        naive_by_size.setdefault(n, []).append(naive.mean())
        n_total += n_sets
    n_settings = n_total // n_sets
    print(f"   {n_settings} settings, {n_total} data sets in all")
    for rule, label in (
        ("posterior", "drop_probability (boundary priors)"),
        ("uniform", "uniform prior (for comparison)"),
    ):
        print(f"   {label}:")
        for i, level in enumerate(LEVELS):
            flags = totals[rule][i]
            low, high = wilson(flags, n_total)
            print(
                f"     level {level:.2f}: flag rate {flags / n_total:.4f} "
                f"[{low:.4f}, {high:.4f}], worst setting {worst[rule][0][i]:.4f} "
                f"{worst[rule][1][i]}"
            )
    print(
        f"   fixed rule (drop > {NAIVE_THRESHOLD}): flag rate "
        f"{naive_total / n_total:.4f}; by window size: "
        + ", ".join(
            f"n={n}: {np.mean(rates):.3f}" for n, rates in naive_by_size.items()
        )
    )
    i = LEVELS.index(GOAL_LEVEL)
    rate = totals["posterior"][i] / n_total
    print(
        f"goal flag rate <= 5% at level 0.95 (all {n_total} null data sets): "
        f"{rate:.4f}: {'met' if rate <= 0.05 else 'NOT MET'}"
    )
    # Every setting: its rate must not exceed 5% beyond Monte Carlo noise.
    bound = 0.05 + 3.0 * np.sqrt(0.05 * 0.95 / n_sets)
    worst_rate = worst["posterior"][0][i]
    print(
        f"goal flag rate <= 5% at level 0.95 in every setting (worst "
        f"{worst_rate:.4f}, allowing 3 binomial SE: <= {bound:.4f}): "
        f"{'met' if worst_rate <= bound else 'NOT MET'}"
    )


def power(n_sets, rng):
    print(
        "2. Power at level 0.95: drop of the minority recall (K=2, share 1/10, "
        f"recalls 0.8 / 0.9, reference {REFERENCE_SIZE} rows)"
    )
    shares = BALANCES[2]["1:9"]
    recalls = np.array([0.8, 0.9])
    ref_support = class_sizes(REFERENCE_SIZE, shares).astype(float)
    for drop in (0.05, 0.10):
        line = []
        for n in (100, 1000, 10_000, 100_000):
            support = class_sizes(n, shares)
            correct = simulate(support, recalls - [drop, 0.0], n_sets, rng)
            ref_correct = simulate(ref_support.astype(np.int64), recalls, n_sets, rng)
            p_drop = drop_probability(
                correct,
                np.broadcast_to(support, correct.shape),
                ref_correct,
                np.broadcast_to(ref_support, ref_correct.shape),
            )
            line.append(f"n={n}: {flag_drops(p_drop, GOAL_LEVEL).mean():.3f}")
        print(f"   recall drop {drop:.2f} (BA drop {drop / 2:.3f}): " + ", ".join(line))


def speed(rng):
    print("3. Speed (best of 3; CPU seconds of this process, wall seconds beside)")
    for n_classes in (2, 5):
        support = rng.integers(1, 10_000, size=(1000, n_classes)).astype(float)
        correct = np.floor(support * rng.uniform(0.5, 1.0, size=support.shape))
        ref_support = np.full(n_classes, 50_000.0)
        ref_correct = np.floor(0.8 * ref_support)
        for function in (drop_probability, balanced_accuracy_change):
            cpu, wall = [], []
            for _ in range(3):
                start, start_cpu = time.perf_counter(), time.process_time()
                function(correct, support, ref_correct, ref_support)
                cpu.append(time.process_time() - start_cpu)
                wall.append(time.perf_counter() - start)
            print(
                f"   {function.__name__}, 1000 groups x K={n_classes}: "
                f"{min(cpu):.3f} s CPU ({min(wall):.3f} s wall)"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer data sets")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    calibration(100 if args.quick else 1000, rng)
    power(100 if args.quick else 1000, rng)
    speed(rng)


if __name__ == "__main__":
    main()
