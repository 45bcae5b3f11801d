"""Coverage, width and speed of the balanced accuracy intervals.

Run ``python benchmarks/bench_interval.py`` (about 3-5 minutes on two cores) or
``--quick`` for a smoke run. ``--accuracy`` adds the check of the posterior
quantiles against a 10-million-draw Monte Carlo (another minute or two).

1. Coverage study. Binary test sets of n = 20, 100, 1000 samples with class
   ratios (minority:majority) 1:1, 1:9, 1:99; the class sizes are fixed
   (minority = max(1, round(n * r / (1 + r)))), and the true recalls are 0.80
   for the minority class and 0.90 for the majority (true balanced accuracy
   0.85). Every data set draws each class's number of correct predictions from
   its binomial, which is what simulating the labels would give. Reported: the
   fraction of the 95% intervals that contain 0.85 (with its Monte Carlo
   standard error) and their mean width.
2. Speed. Time per interval of ``balanced_accuracy_interval`` (from labels,
   counting included) against ``scipy.stats.bootstrap`` around scikit-learn's
   ``balanced_accuracy_score`` (paired resampling of all n rows, 9999
   resamples). The scipy bootstrap is timed with fewer resamples and scaled
   linearly to 9999, as printed; its BCa also needs n jackknife evaluations of
   the metric, estimated from the time of one call.
"""

import argparse
import time

import numpy as np
import sklearn.metrics as skm
from scipy import stats

from sklearn_balanced import (
    balanced_accuracy_interval,
    balanced_accuracy_interval_from_confusion_matrix,
)
from sklearn_balanced.metrics._beta_average import (
    beta_average_distribution,
    lattice_ppf,
)

SIZES = (20, 100, 1000)
RATIOS = (1, 9, 99)
TRUE_RECALL = np.array([0.80, 0.90])  # minority, majority
TRUE_BA = TRUE_RECALL.mean()
METHODS = ("posterior", "bootstrap", "bootstrap-percentile")
N_RESAMPLES = 9999


def class_sizes(n, ratio):
    minority = max(1, round(n / (1 + ratio)))
    return np.array([minority, n - minority])


def simulate_correct(sizes, n_datasets, rng):
    """Number of correct predictions per class for every simulated data set."""
    return rng.binomial(sizes, TRUE_RECALL, size=(n_datasets, 2))


def matrix(correct, sizes):
    return np.array(
        [[correct[0], sizes[0] - correct[0]], [sizes[1] - correct[1], correct[1]]]
    )


def intervals(correct, sizes, method, seed):
    """Limits of every data set's interval (posterior: once per distinct counts)."""
    if method == "posterior":
        unique, inverse = np.unique(correct, axis=0, return_inverse=True)
        limits = np.array(
            [
                _limits(
                    balanced_accuracy_interval_from_confusion_matrix(matrix(c, sizes))
                )
                for c in unique
            ]
        )
        return limits[inverse.reshape(-1)]
    rng = np.random.RandomState(seed)
    return np.array(
        [
            _limits(
                balanced_accuracy_interval_from_confusion_matrix(
                    matrix(c, sizes),
                    method=method,
                    n_resamples=N_RESAMPLES,
                    random_state=rng,
                )
            )
            for c in correct
        ]
    )


def _limits(result):
    return result.low, result.high


def exact_posterior_coverage(sizes, max_pairs=3000):
    """Coverage of the posterior interval by enumerating the possible counts.

    The posterior interval is a deterministic function of the counts, so its
    coverage is a finite sum over the binomial outcomes (those of probability
    below 1e-10 are dropped). None when there are more than ``max_pairs`` pairs.
    """
    outcomes = []
    for size, recall in zip(sizes, TRUE_RECALL, strict=True):
        counts = np.arange(size + 1)
        pmf = stats.binom.pmf(counts, size, recall)
        keep = pmf > 1e-10
        outcomes.append((counts[keep], pmf[keep]))
    if outcomes[0][0].shape[0] * outcomes[1][0].shape[0] > max_pairs:
        return None
    total = 0.0
    for first, p_first in zip(*outcomes[0], strict=True):
        for second, p_second in zip(*outcomes[1], strict=True):
            low, high = _limits(
                balanced_accuracy_interval_from_confusion_matrix(
                    matrix((first, second), sizes)
                )
            )
            total += p_first * p_second * (low <= TRUE_BA <= high)
    return total


def coverage_study(n_datasets, seed):
    print(
        f"Coverage of 95% intervals, {n_datasets} simulated data sets per cell, "
        f"true recalls {TRUE_RECALL.tolist()} (BA {TRUE_BA:.2f}), "
        f"bootstrap with {N_RESAMPLES} resamples"
    )
    print(
        "exact = the posterior's coverage by enumeration of all outcomes, where "
        "cheap; the note uses it when shown"
    )
    header = (
        f"{'n':>5} {'ratio':>5} {'sizes':>9} {'method':<21} {'coverage':>9} "
        f"{'(se)':>6} {'exact':>7} {'width':>7}  note"
    )
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(seed)
    for n in SIZES:
        for ratio in RATIOS:
            sizes = class_sizes(n, ratio)
            correct = simulate_correct(sizes, n_datasets, rng)
            for method in METHODS:
                limits = intervals(correct, sizes, method, seed)
                covered = (limits[:, 0] <= TRUE_BA) & (limits[:, 1] >= TRUE_BA)
                coverage = covered.mean()
                se = np.sqrt(coverage * (1 - coverage) / n_datasets)
                width = np.mean(limits[:, 1] - limits[:, 0])
                exact = (
                    exact_posterior_coverage(sizes) if method == "posterior" else None
                )
                shown = "-" if exact is None else f"{100 * exact:.1f}%"
                verdict = _note(sizes, coverage if exact is None else exact)
                print(
                    f"{n:>5} {'1:' + str(ratio):>5} {f'{sizes[0]}/{sizes[1]}':>9} "
                    f"{method:<21} {100 * coverage:>8.1f}% {100 * se:>5.1f} "
                    f"{shown:>7} {width:>7.3f}  {verdict}"
                )


def _note(sizes, coverage):
    if sizes.min() < 10:
        return "(a class < 10 samples: goal not applicable)"
    return "ok" if 0.93 <= coverage <= 0.97 else "OUTSIDE [93%, 97%]"


def median_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def labels(n, rng):
    sizes = class_sizes(n, 9)
    y_true = np.repeat([1, 0], sizes)
    right = rng.random(n) < np.repeat(TRUE_RECALL, sizes)
    y_pred = np.where(right, y_true, 1 - y_true)
    return y_true, y_pred


def speed_study(scipy_resamples, seed):
    print()
    print(
        "Time per 95% interval, binary 1:9 labels, 9999 resamples "
        "(median of repeats; scipy.stats.bootstrap around "
        "sklearn.metrics.balanced_accuracy_score,"
    )
    print(
        "timed with fewer resamples and scaled linearly to 9999; scipy BCa = that "
        "+ n jackknife calls, estimated from one call's time)"
    )
    header = (
        f"{'n':>7} {'method':<21} {'ours (ms)':>10} {'scipy (ms)':>12} "
        f"{'scipy resamples':>16} {'ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(seed)
    for n in (1_000, 10_000, 100_000):
        y_true, y_pred = labels(n, rng)
        resamples = scipy_resamples[n]
        metric_call = median_time(
            lambda y_true=y_true, y_pred=y_pred: skm.balanced_accuracy_score(
                y_true, y_pred
            ),
            5,
        )
        scipy_percentile = (
            median_time(
                lambda y_true=y_true, y_pred=y_pred, resamples=resamples: (
                    _scipy_bootstrap(y_true, y_pred, resamples)
                ),
                3 if n < 100_000 else 1,
            )
            * N_RESAMPLES
            / resamples
        )
        scipy_times = {
            "posterior": scipy_percentile,
            "bootstrap-percentile": scipy_percentile,
            "bootstrap": scipy_percentile + n * metric_call,
        }
        for method in METHODS:
            ours = median_time(
                lambda y_true=y_true, y_pred=y_pred, method=method: (
                    balanced_accuracy_interval(
                        y_true,
                        y_pred,
                        method=method,
                        n_resamples=N_RESAMPLES,
                        random_state=0,
                    )
                ),
                7,
            )
            reference = scipy_times[method]
            kind = "BCa est." if method == "bootstrap" else "percentile"
            print(
                f"{n:>7} {method:<21} {1e3 * ours:>10.2f} {1e3 * reference:>12.0f} "
                f"{f'{resamples} ({kind})':>16} {reference / ours:>8.0f}x"
            )
    print(
        "ratio = scipy time / our time (posterior and percentile vs scipy's "
        "percentile; BCa vs scipy's BCa estimate)"
    )


def _scipy_bootstrap(y_true, y_pred, n_resamples):
    return stats.bootstrap(
        (y_true, y_pred),
        skm.balanced_accuracy_score,
        paired=True,
        vectorized=False,
        n_resamples=n_resamples,
        method="percentile",
        rng=np.random.default_rng(0),
    )


def posterior_speed_and_accuracy(n_draws, seed):
    print()
    levels = np.array([0.025, 0.5, 0.975])
    rng = np.random.default_rng(seed)
    if n_draws:
        print(
            f"Posterior quantiles (2.5%, 50%, 97.5%) against a {n_draws:.0e}-draw "
            "Monte Carlo of the same Betas; z = error / Monte Carlo standard error"
        )
    else:
        print("Posterior time, worst case over count patterns (--accuracy adds MC)")
    header = f"{'K':>3} {'counts per class':<22} {'time (ms)':>10}" + (
        f" {'max |error|':>12} {'max |z|':>8}" if n_draws else ""
    )
    print(header)
    print("-" * len(header))
    for n_classes in (2, 3, 5, 10):
        patterns = {
            "0 (uniform)": (np.zeros(n_classes), np.zeros(n_classes)),
            "1e6, all correct": (np.full(n_classes, 1e6), np.full(n_classes, 1e6)),
            "random up to 1e6": _random_counts(n_classes, rng),
            "1e6 and 0 mixed": (
                np.r_[5e5, np.zeros(n_classes - 1)],
                np.r_[1e6, np.zeros(n_classes - 1)],
            ),
        }
        for name, (correct, support) in patterns.items():
            alpha, beta = correct + 1, support - correct + 1
            elapsed = median_time(
                lambda alpha=alpha, beta=beta: lattice_ppf(
                    beta_average_distribution(alpha, beta), levels
                ),
                5,
            )
            row = f"{n_classes:>3} {name:<22} {1e3 * elapsed:>10.2f}"
            if n_draws:
                error, z = _monte_carlo_error(alpha, beta, levels, n_draws, rng)
                row += f" {error:>12.1e} {z:>8.2f}"
            print(row)


def _random_counts(n_classes, rng):
    support = np.round(10 ** rng.uniform(0, 6, n_classes))
    return np.round(rng.uniform(0, 1, n_classes) * support), support


def _monte_carlo_error(alpha, beta, levels, n_draws, rng):
    ours = lattice_ppf(beta_average_distribution(alpha, beta), levels)
    total = np.zeros(n_draws)
    for a, b in zip(alpha, beta, strict=True):
        total += rng.beta(a, b, n_draws)
    total /= alpha.shape[0]
    reference = np.quantile(total, levels)
    # Density at the quantiles, from the (accurate) lattice, for the MC error.
    step = 1e-3
    density = (2 * step) / (
        lattice_ppf(beta_average_distribution(alpha, beta), levels + step)
        - lattice_ppf(beta_average_distribution(alpha, beta), levels - step)
    )
    se = np.sqrt(levels * (1 - levels) / n_draws) / density
    error = np.abs(ours - reference)
    return error.max(), np.max(error / se)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--accuracy", action="store_true", help="posterior vs 1e7-draw Monte Carlo"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n_datasets = 200 if args.quick else 2000
    scipy_resamples = (
        {1_000: 19, 10_000: 9, 100_000: 3}
        if args.quick
        else {1_000: 999, 10_000: 199, 100_000: 49}
    )
    coverage_study(n_datasets, args.seed)
    speed_study(scipy_resamples, args.seed)
    posterior_speed_and_accuracy(10**7 if args.accuracy else 0, args.seed)


if __name__ == "__main__":
    main()
