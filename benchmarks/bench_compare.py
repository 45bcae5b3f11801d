"""Coverage, type-I error, power and speed of the paired comparison of two models.

Run ``python benchmarks/bench_compare.py`` (about 4-6 minutes on two cores) or
``--quick`` for a smoke run (200 data sets per cell). ``--accuracy`` adds the
check of the posterior quantiles against a 10-million-draw Monte Carlo.

1. The grid. Binary test sets whose minority class has m = 10, 100, 1000 samples
   and whose majority class has 1, 9 or 99 times as many (imbalance 1:1, 1:9,
   1:99), for two models whose correctness on a sample is weakly (phi = 0.2) or
   strongly (phi = 0.8) correlated within each class (phi is the correlation of
   the two "is right" indicators). Each data set draws each class's four paired
   counts (both right, only a, only b, both wrong) from their multinomial, which
   is what simulating the labels would give.
2. Coverage and power: true recalls (a, b) of (0.80, 0.78) on the minority class
   and (0.91, 0.89) on the majority class, a true difference of balanced
   accuracy of 0.02. Reported: how often the 95% intervals of the difference
   (posterior, BCa and percentile bootstrap with 1999 resamples) contain 0.02,
   with the Monte Carlo standard error, and the power of three rules at 5%: the
   permutation p-value below 0.05, the posterior interval excluding 0, and the
   naive rule "the two models' separate 95% intervals do not overlap"
   (:func:`balanced_accuracy_interval_from_confusion_matrix` for each).
3. Type-I error: recalls (0.79, 0.79) and (0.90, 0.90), equal balanced accuracy;
   how often the permutation p-value is below 0.05.
4. Speed: n = 100,000 labels (1:9), ``compare_balanced_accuracy`` (counting
   included, 9999 resamples) against ``scipy.stats.bootstrap(paired=True)``
   resampling the rows around the difference of scikit-learn's
   ``balanced_accuracy_score`` of the two models. SciPy is timed with fewer
   resamples and scaled linearly to 9999, as printed; its BCa also needs n
   jackknife evaluations of the statistic, estimated from the time of one call.
"""

import argparse
import inspect
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import sklearn.metrics as skm
from scipy import stats

from sklearn_balanced import (
    balanced_accuracy_interval_from_confusion_matrix,
    compare_balanced_accuracy,
    compare_balanced_accuracy_from_counts,
)
from sklearn_balanced.metrics._beta_average import (
    dirichlet_difference_distribution,
    lattice_ppf,
)
from sklearn_balanced.metrics._compare import permutation_p_value

MINORITY = (10, 100, 1000)
RATIOS = (1, 9, 99)
CORRELATIONS = {"low": 0.2, "high": 0.8}
ALTERNATIVE = np.array([[0.80, 0.78], [0.91, 0.89]])  # recall of (a, b) per class
NULL = np.array([[0.79, 0.79], [0.90, 0.90]])
TRUE_DIFFERENCE = float(np.mean(ALTERNATIVE[:, 0] - ALTERNATIVE[:, 1]))
INTERVALS = {
    "posterior": {},
    "BCa": {"method": "bootstrap", "n_resamples": 1999},
    "percentile": {"method": "bootstrap-percentile", "n_resamples": 1999},
}
N_RESAMPLES = 9999


def outcome_probabilities(recalls, phi):
    """Probabilities of (both right, only a, only b, both wrong) in each class."""
    right_a, right_b = recalls[:, 0], recalls[:, 1]
    both = right_a * right_b + phi * np.sqrt(
        right_a * (1 - right_a) * right_b * (1 - right_b)
    )
    return np.column_stack(
        [both, right_a - both, right_b - both, 1 - right_a - right_b + both]
    )


def simulate(sizes, probabilities, n_datasets, rng):
    """Paired counts of every simulated data set, shape (n_datasets, 2, 4)."""
    return np.stack(
        [
            rng.multinomial(n, p, size=n_datasets)
            for n, p in zip(sizes, probabilities, strict=True)
        ],
        axis=1,
    )


def _separate_intervals_overlap(table):
    """The naive rule: do the two models' separate 95% intervals overlap?"""
    limits = []
    for right in ([0, 1], [0, 2]):
        correct = table[:, right].sum(axis=1)
        wrong = table.sum(axis=1) - correct
        result = balanced_accuracy_interval_from_confusion_matrix(
            [[correct[0], wrong[0]], [wrong[1], correct[1]]]
        )
        limits.append((result.low, result.high))
    (low_a, high_a), (low_b, high_b) = limits
    return low_a <= high_b and low_b <= high_a


def alternative_cell(task):
    """Coverage and power in one cell of the grid."""
    minority, ratio, phi, n_datasets, seed = task
    sizes = np.array([minority, ratio * minority])
    rng = np.random.default_rng(seed)
    tables = simulate(
        sizes, outcome_probabilities(ALTERNATIVE, phi), n_datasets, rng
    ).reshape(n_datasets, 8)
    unique, inverse = np.unique(tables, axis=0, return_inverse=True)
    rows = []
    for flat in unique:
        table = flat.reshape(2, 4)
        covered = []
        for name, options in INTERVALS.items():
            result = compare_balanced_accuracy_from_counts(
                table, random_state=seed, **options
            )
            covered.append(result.low <= TRUE_DIFFERENCE <= result.high)
            if name == "posterior":
                posterior = result
        rows.append(
            [
                *covered,
                posterior.p_value < 0.05,
                posterior.low > 0 or posterior.high < 0,
                not _separate_intervals_overlap(table),
            ]
        )
    return np.asarray(rows, dtype=float)[inverse.reshape(-1)].mean(axis=0)


def null_cell(task):
    """Type-I error of the permutation test in one cell of the grid."""
    minority, ratio, phi, n_datasets, seed = task
    sizes = np.array([minority, ratio * minority])
    rng = np.random.default_rng(seed)
    tables = simulate(sizes, outcome_probabilities(NULL, phi), n_datasets, rng)
    unique, inverse = np.unique(
        tables.reshape(n_datasets, 8), axis=0, return_inverse=True
    )
    random_state = np.random.RandomState(seed)
    rejected = np.array(
        [
            permutation_p_value(
                flat[[1, 5]], flat[[2, 6]], sizes, N_RESAMPLES, random_state
            )[0]
            < 0.05
            for flat in unique
        ]
    )
    return rejected[inverse.reshape(-1)].mean()


def grid_studies(n_datasets, seed, jobs):
    cells = [
        (minority, ratio, name)
        for minority in MINORITY
        for ratio in RATIOS
        for name in CORRELATIONS
    ]
    tasks = [
        (minority, ratio, CORRELATIONS[name], n_datasets, seed + i)
        for i, (minority, ratio, name) in enumerate(cells)
    ]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        alternative = list(pool.map(alternative_cell, tasks))
        null = list(pool.map(null_cell, tasks))
    se = np.sqrt(0.95 * 0.05 / n_datasets)
    print(
        f"Coverage of the 95% intervals of BA(a) - BA(b) = {TRUE_DIFFERENCE:.2f} "
        f"({n_datasets} data sets per cell; Monte Carlo se {100 * se:.1f} points at "
        "95%); power at 5% against that difference; type-I error at 5% under equal "
        "balanced accuracy"
    )
    header = (
        f"{'minority':>8} {'ratio':>5} {'corr':>4} | {'posterior':>9} {'BCa':>6} "
        f"{'pctile':>6} | {'p<.05':>6} {'post.':>6} {'naive':>6} | {'type-I':>6}  note"
    )
    print(header)
    print("-" * len(header))
    for (minority, ratio, name), rates, type_one in zip(
        cells, alternative, null, strict=True
    ):
        coverage, power = 100 * rates[:3], 100 * rates[3:]
        print(
            f"{minority:>8} {'1:' + str(ratio):>5} {name:>4} | "
            f"{coverage[0]:>8.1f}% {coverage[1]:>5.1f}% {coverage[2]:>5.1f}% | "
            f"{power[0]:>5.1f}% {power[1]:>5.1f}% {power[2]:>5.1f}% | "
            f"{100 * type_one:>5.1f}%  {_note(coverage, 100 * type_one)}"
        )
    print(
        "coverage: posterior / BCa / percentile intervals; power: permutation "
        "p < 0.05, posterior interval excludes 0, separate intervals do not overlap"
    )


def _note(coverage, type_one):
    notes = [
        name
        for name, value in zip(("posterior", "BCa", "pctile"), coverage, strict=True)
        if not 93 <= value <= 97
    ]
    outside = f"coverage outside [93, 97]: {', '.join(notes)}" if notes else ""
    if not 4 <= type_one <= 6:
        outside += ("; " if outside else "") + "type-I outside [4, 6]"
    return outside or "ok"


def median_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def speed_study(scipy_resamples, seed):
    n = 100_000
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < 0.1).astype(int)
    pred_b = np.where(rng.random(n) < 0.85, y_true, 1 - y_true)
    pred_a = np.where(rng.random(n) < 0.9, pred_b, y_true)

    def difference(y, a, b):
        return skm.balanced_accuracy_score(y, a) - skm.balanced_accuracy_score(y, b)

    one_call = median_time(lambda: difference(y_true, pred_a, pred_b), 5)
    seed_name = (
        "rng"
        if "rng" in inspect.signature(stats.bootstrap).parameters
        else "random_state"
    )
    scipy_percentile = (
        median_time(
            lambda: stats.bootstrap(
                (y_true, pred_a, pred_b),
                difference,
                paired=True,
                vectorized=False,
                n_resamples=scipy_resamples,
                method="percentile",
                **{seed_name: np.random.default_rng(0)},
            ),
            1,
        )
        * N_RESAMPLES
        / scipy_resamples
    )
    print()
    print(
        f"Time per comparison, n = {n} binary 1:9 labels, {N_RESAMPLES} resamples; "
        "scipy.stats.bootstrap(paired=True) around the difference of two"
    )
    print(
        f"sklearn.metrics.balanced_accuracy_score calls, timed with {scipy_resamples} "
        f"resamples and scaled linearly to {N_RESAMPLES} (BCa: + n jackknife calls, "
        "estimated from one call's time)"
    )
    header = f"{'method':<21} {'ours (ms)':>10} {'scipy (s)':>10} {'ratio':>9}"
    print(header)
    print("-" * len(header))
    scipy_times = {
        "posterior": scipy_percentile,
        "bootstrap-percentile": scipy_percentile,
        "bootstrap": scipy_percentile + n * one_call,
    }
    for method, reference in scipy_times.items():
        ours = median_time(
            lambda method=method: compare_balanced_accuracy(
                y_true,
                pred_a,
                pred_b,
                method=method,
                n_resamples=N_RESAMPLES,
                random_state=0,
            ),
            7,
        )
        print(
            f"{method:<21} {1e3 * ours:>10.2f} {reference:>10.1f} "
            f"{reference / ours:>8.0f}x"
        )
    print(
        "ratio = scipy time / our time (posterior and percentile vs scipy's "
        "percentile; BCa vs scipy's BCa estimate); ours includes counting and the "
        "permutation p-value"
    )


def posterior_accuracy(n_draws, seed):
    print()
    print(
        f"Posterior quantiles (2.5%, 50%, 97.5%) against a {n_draws:.0e}-draw Monte "
        "Carlo of the Dirichlet model; z = error / Monte Carlo standard error"
    )
    patterns = {
        "10/10, phi high": [[7, 1, 1, 1], [8, 1, 0, 1]],
        "10/990, phi low": [[6, 2, 2, 0], [790, 100, 80, 20]],
        "1000/99000": [[760, 40, 20, 180], [87000, 3100, 1900, 7000]],
        "3 classes, 0s": [[0, 0, 0, 5], [40, 3, 0, 7], [900, 10, 30, 60]],
        "no discordance": [[50, 0, 0, 10], [400, 0, 0, 100]],
    }
    header = f"{'counts':<18} {'time (ms)':>10} {'max |error|':>12} {'max |z|':>8}"
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(seed)
    levels = np.array([0.025, 0.5, 0.975])
    for name, table in patterns.items():
        prior = np.asarray(table, dtype=float) + 0.5
        parameters = (prior[:, 1], prior[:, 2], prior[:, 0] + prior[:, 3])
        elapsed = median_time(
            lambda p=parameters: dirichlet_difference_distribution(*p), 5
        )
        law = dirichlet_difference_distribution(*parameters)
        ours = lattice_ppf(law, levels)
        total = np.zeros(n_draws)
        for row in prior:
            theta = rng.dirichlet(row, size=n_draws)
            total += theta[:, 1] - theta[:, 2]
        total /= prior.shape[0]
        reference = np.quantile(total, levels)
        step = 1e-3
        density = (
            2
            * step
            / (lattice_ppf(law, levels + step) - lattice_ppf(law, levels - step))
        )
        se = np.sqrt(levels * (1 - levels) / n_draws) / density
        error = np.abs(ours - reference)
        print(
            f"{name:<18} {1e3 * elapsed:>10.2f} {error.max():>12.1e} "
            f"{np.max(error / se):>8.2f}"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--accuracy", action="store_true", help="posterior vs 1e7-draw Monte Carlo"
    )
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    grid_studies(200 if args.quick else 1000, args.seed, args.jobs)
    speed_study(3 if args.quick else 19, args.seed)
    if args.accuracy:
        posterior_accuracy(10**7, args.seed)


if __name__ == "__main__":
    main()
