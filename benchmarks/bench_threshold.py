"""Benchmark BalancedThresholdClassifier against TunedThresholdClassifierCV.

Five parts, each timing the anchor and ours in the same run:

1. prefit logistic regression, tuning only (``cv="prefit"``), 1e4/1e5/1e6
   samples: tuning time (median of repeats) beside the floor of any exact
   search (one ``predict_proba`` and one ``np.argsort`` of the scores, timed
   in turn with ours), in-sample balanced accuracy, and the goal lines
   (scikit-learn / ours >= 80x at 1e5 and >= 100x at 1e6; ours / floor
   <= 3x at 1e5 and <= 1.5x at 1e6);
2. full ``cv=5`` fit with LogisticRegression: total fit time and held-out
   balanced accuracy on synthetic 1e5-sample problems and on real data shipped
   with scikit-learn, made imbalanced (with standardised features);
3. multiclass: held-out balanced accuracy of plain argmax, logit adjustment
   and our tuned offsets on imbalanced problems;
4. long-tail multiclass, K in {5, 50, 200} classes with Zipf-like priors: on
   one train/validation/test split, plain argmax, logit adjustment,
   optimal-classification-cutoffs' multiclass search (when it optimises
   balanced accuracy) and ``tune_offsets`` tuned on the validation part, exact
   (``min_improvement_se=0``, the default) and cautious (``=2``), with held-out
   balanced accuracy (and the paired standard error of ours - logit adjustment)
   and tuning time;
5. ``tune_offsets`` at scale: time of the whole search on synthetic
   log-probabilities of 20,000 samples x 200 classes and 1e5 x 1,000.

Run ``python benchmarks/bench_threshold.py`` (about 8 minutes on 2 cores), with
``--quick`` to skip the 1e6-sample prefit case, use one problem per K in part 4
and skip the 1e5 x 1,000 case, or with ``--goals-only`` for the goal lines
alone (parts 1 and 2 at their goal sizes, part 5 at 20,000 x 200: the search
there must stay within 4 s).
"""

import argparse
import importlib
import time
from functools import partial

import numpy as np
from scipy.special import log_softmax
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_balanced import BalancedThresholdClassifier, balanced_accuracy_score
from sklearn_balanced.model_selection import tune_offsets


def _median_time(repeats, function, *args):
    """Median wall time of ``function(*args)`` over ``repeats`` calls, and result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def _binary_problem(n_samples, seed, weight=0.95):
    return make_classification(
        n_samples=n_samples,
        n_features=20,
        n_informative=5,
        weights=[weight],
        class_sep=0.8,
        flip_y=0.01,
        random_state=seed,
    )


#: Prefit goals per number of samples: scikit-learn / ours at least the first,
#: ours / the floor at most the second.
PREFIT_GOALS = {100_000: (80, 3.0), 1_000_000: (100, 1.5)}


def _times_in_turn(repeats, *functions):
    """Median wall time of each function, called in turn ``repeats`` times.

    Each is called once first (a warm-up); calling them one after the other
    lets a drifting load of the machine affect them alike.
    """
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, spent in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return [float(np.median(spent)) for spent in times]


def _floor(model, X):
    """What any exact threshold search does: score every sample, sort the scores."""
    return np.argsort(model.predict_proba(X)[:, 1])


def _goal_line(name, ratio, goal, met):
    return f"{name:<44} {ratio:>7.2f}x  {goal:<8} {'met' if met else 'NOT MET'}"


def bench_prefit(sizes, repeats):
    print("== 1. prefit LogisticRegression, tuning only (cv='prefit', refit=False)")
    print(
        "floor: one clf.predict_proba(X) and one np.argsort of the positive-class "
        "scores, what any exact search does; ours and the floor timed in turn"
    )
    header = (
        f"{'n_samples':>10} {'sklearn s':>10} {'ours s':>9} {'floor s':>9} "
        f"{'sklearn/ours':>13} {'ours/floor':>11} {'sklearn BA':>11} {'ours BA':>9}"
    )
    print(header)
    lines = []
    for n_samples in sizes:
        X, y = _binary_problem(n_samples, seed=0)
        model = LogisticRegression().fit(X, y)
        anchor = TunedThresholdClassifierCV(
            model, scoring="balanced_accuracy", cv="prefit", refit=False
        )
        anchor_time, _ = _median_time(
            repeats if n_samples < 1_000_000 else 1, anchor.fit, X, y
        )
        ours = BalancedThresholdClassifier(model, cv="prefit", refit=False)
        ours_time, floor_time = _times_in_turn(
            5 * repeats,
            partial(ours.fit, X, y),
            partial(_floor, model, X),
        )
        anchor_ba = balanced_accuracy_score(y, anchor.predict(X))
        ours_ba = balanced_accuracy_score(y, ours.predict(X))
        speedup, above_floor = anchor_time / ours_time, ours_time / floor_time
        print(
            f"{n_samples:>10} {anchor_time:>10.4f} {ours_time:>9.4f} "
            f"{floor_time:>9.4f} {speedup:>12.1f}x {above_floor:>10.2f}x "
            f"{anchor_ba:>11.5f} {ours_ba:>9.5f}"
        )
        lines.append(
            f"n={n_samples}: BA ours - scikit-learn = {ours_ba - anchor_ba:+.5f} "
            "(goal >= 0)"
        )
        if n_samples in PREFIT_GOALS:
            least_speedup, most_above_floor = PREFIT_GOALS[n_samples]
            lines.append(
                _goal_line(
                    f"n={n_samples}: scikit-learn / ours",
                    speedup,
                    f">= {least_speedup}x",
                    speedup >= least_speedup,
                )
            )
            lines.append(
                _goal_line(
                    f"n={n_samples}: ours / floor",
                    above_floor,
                    f"<= {most_above_floor}x",
                    above_floor <= most_above_floor,
                )
            )
    print("\n".join(lines))
    print()


def _scaled_logistic_regression():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _real_binary_problems():
    """Real data shipped with scikit-learn, made imbalanced (features scaled)."""
    digits = load_digits()
    # 8 is the digit most often confused with others: a non-trivial problem.
    yield "digits 8 vs rest", digits.data, (digits.target == 8).astype(int)
    cancer = load_breast_cancer()
    rng = np.random.default_rng(0)
    benign = np.flatnonzero(cancer.target == 1)
    malignant = rng.choice(np.flatnonzero(cancer.target == 0), 36, replace=False)
    keep = np.r_[benign, malignant]
    # Positive class: malignant (label 0 in the dataset), 36 of 393 samples.
    yield "breast cancer 10% malignant", cancer.data[keep], 1 - cancer.target[keep]


def _full_cv_problems(n_samples, seeds):
    for seed in seeds:
        X, y = _binary_problem(2 * n_samples, seed=seed, weight=0.95)
        yield f"synthetic 1e5 seed={seed}", X, y, LogisticRegression()
    for name, X, y in _real_binary_problems():
        yield name, X, y, _scaled_logistic_regression()


def bench_full_cv(n_samples, seeds):
    print("== 2. full cv=5 fit with LogisticRegression (refit on all training data)")
    print(
        f"{'dataset':>28} {'n_train':>8} {'anchor s':>9} {'ours s':>8} "
        f"{'ratio':>6} {'anchor BA':>10} {'ours BA':>8}"
    )
    ratios, deltas = [], []
    for name, X, y, estimator in _full_cv_problems(n_samples, seeds):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.5, stratify=y, random_state=0
        )
        anchor = TunedThresholdClassifierCV(
            estimator, scoring="balanced_accuracy", cv=5
        )
        anchor_time, _ = _median_time(1, anchor.fit, X_train, y_train)
        ours = BalancedThresholdClassifier(estimator, cv=5)
        ours_time, _ = _median_time(1, ours.fit, X_train, y_train)
        anchor_ba = balanced_accuracy_score(y_test, anchor.predict(X_test))
        ours_ba = balanced_accuracy_score(y_test, ours.predict(X_test))
        ratio = anchor_time / ours_time
        if name.startswith("synthetic"):
            ratios.append(ratio)
        deltas.append(ours_ba - anchor_ba)
        print(
            f"{name:>28} {y_train.size:>8} {anchor_time:>9.3f} {ours_time:>8.3f} "
            f"{ratio:>5.1f}x {anchor_ba:>10.5f} {ours_ba:>8.5f}"
        )
    print(
        f"ratio full cv=5 fit time at 1e5 (median over {len(ratios)} synthetic "
        f"sets): ours is {np.median(ratios):.2f}x faster (goal >= 2x)"
    )
    print(
        f"held-out BA ours - anchor, mean over {len(deltas)} datasets: "
        f"{np.mean(deltas):+.6f} (goal >= 0); per dataset: "
        + ", ".join(f"{delta:+.4f}" for delta in deltas)
    )
    print()


def _multiclass_problems():
    yield (
        "synthetic 4 classes 70/20/7/3",
        *make_classification(
            n_samples=20_000,
            n_classes=4,
            n_informative=6,
            n_redundant=2,
            weights=[0.7, 0.2, 0.07, 0.03],
            class_sep=0.8,
            random_state=0,
        ),
    )
    yield (
        "synthetic 5 classes geometric",
        *make_classification(
            n_samples=20_000,
            n_classes=5,
            n_informative=8,
            weights=[0.52, 0.26, 0.13, 0.06, 0.03],
            class_sep=0.6,
            flip_y=0.02,
            random_state=1,
        ),
    )
    digits = load_digits()
    rng = np.random.default_rng(0)
    keep = []
    for label, fraction in zip(range(5), [1.0, 0.4, 0.2, 0.1, 0.05], strict=True):
        members = np.flatnonzero(digits.target == label)
        keep.append(rng.choice(members, int(fraction * members.size), replace=False))
    keep = np.concatenate(keep)
    yield "digits 0-4 subsampled 1/.4/.2/.1/.05", digits.data[keep], digits.target[keep]


def bench_multiclass():
    print("== 3. multiclass held-out BA: argmax vs logit adjustment vs tuned offsets")
    print(f"{'dataset':>38} {'argmax':>8} {'logit adj':>10} {'tuned':>8} {'tune s':>7}")
    gains = []
    for name, X, y in _multiclass_problems():
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.5, stratify=y, random_state=0
        )
        estimator = _scaled_logistic_regression()
        plain = estimator.fit(X_train, y_train)
        log_proba = np.log(plain.predict_proba(X_test))
        prior = np.bincount(y_train) / y_train.size
        argmax_ba = balanced_accuracy_score(y_test, plain.predict(X_test))
        adjusted = plain.classes_[np.argmax(log_proba - np.log(prior), axis=1)]
        adjusted_ba = balanced_accuracy_score(y_test, adjusted)
        tuned = BalancedThresholdClassifier(estimator, cv=5)
        tune_time, _ = _median_time(1, tuned.fit, X_train, y_train)
        tuned_ba = balanced_accuracy_score(y_test, tuned.predict(X_test))
        gains.append((tuned_ba - argmax_ba, tuned_ba - adjusted_ba))
        print(
            f"{name:>38} {argmax_ba:>8.4f} {adjusted_ba:>10.4f} {tuned_ba:>8.4f} "
            f"{tune_time:>7.2f}"
        )
    gains = np.array(gains)
    print(
        "tuned - argmax: "
        + ", ".join(f"{g:+.4f}" for g in gains[:, 0])
        + "; tuned - logit adjustment: "
        + ", ".join(f"{g:+.4f}" for g in gains[:, 1])
    )


def _zipf_prior(n_classes, exponent=1.0):
    prior = 1.0 / np.arange(1, n_classes + 1) ** exponent
    return prior / prior.sum()


def _long_tail_problem(n_classes, seed):
    """Zipf-like priors, about 40 samples or more in the rarest class."""
    prior = _zipf_prior(n_classes)
    return make_classification(
        n_samples=max(20_000, int(80 / prior[-1])),
        n_features=20,
        n_informative=10,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        weights=prior,
        random_state=seed,
    )


def _occ_skip_reason():
    """Why optimal-classification-cutoffs' multiclass search is not compared."""
    try:
        occ = importlib.import_module("optimal_cutoffs")
    except ImportError:
        return (
            "not installed. Its newest release for Python < 3.12 on PyPI, 0.6.0, "
            "searches multiclass thresholds for macro-F1 (coordinate ascent) or "
            "per-class one-vs-rest metrics (f1, accuracy, precision, recall, iou, "
            "specificity), with no balanced-accuracy objective: skipped"
        )
    metrics = sorted(getattr(occ, "METRICS", {}))
    return (
        f"version {getattr(occ, '__version__', '?')} installed, metrics {metrics}; "
        "its multiclass search does not optimise balanced accuracy: skipped"
    )


def _paired_se(y_true, pred_a, pred_b, n_classes):
    """Standard error of BA(a) - BA(b) on the same samples (classes independent)."""
    diff = (pred_a == y_true).astype(float) - (pred_b == y_true)
    var = [
        diff[y_true == c].var(ddof=1) / np.sum(y_true == c) for c in range(n_classes)
    ]
    return float(np.sqrt(np.sum(var)) / n_classes)


# Our rules in part 4: the exact ascent (the default) and a cautious one.
LONG_TAIL_OURS = {"ours": 0.0, "ours se=2": 2.0}


def _long_tail_rules(n_classes, seed):
    """Held-out predictions of each rule, and the tuning times, on one problem."""
    X, y = _long_tail_problem(n_classes, seed)
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=seed
    )
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=seed
    )
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    log_prior = np.log(np.bincount(y_train, minlength=n_classes) / y_train.size)
    val, test = model.predict_log_proba(X_val), model.predict_log_proba(X_test)
    predictions = {
        "argmax": np.argmax(test, axis=1),
        "logit adj": np.argmax(test - log_prior, axis=1),
    }
    times = {}
    for name, min_se in LONG_TAIL_OURS.items():
        search = partial(tune_offsets, offsets=-log_prior, min_improvement_se=min_se)
        times[name], result = _median_time(1, search, y_val, val)
        predictions[name] = np.argmax(test + result.offsets, axis=1)
    return y_val, y_test, predictions, times


def bench_long_tail(seeds):
    print("== 4. long-tail multiclass, train 50% / validation 25% / test 25%")
    print(f"optimal-classification-cutoffs: {_occ_skip_reason()}")
    print(
        "ours: tune_offsets on the validation part from the logit adjustment; "
        "'se=2': min_improvement_se=2. 'SE': paired standard error of "
        "ours - logit adj on the test part."
    )
    names = ["argmax", "logit adj", *LONG_TAIL_OURS]
    print(
        f"{'K':>4} {'seed':>4} {'n_val':>6} {'rarest':>6} "
        + " ".join(f"{name:>10}" for name in names)
        + " "
        + " ".join(f"{name + '-adj':>14} {'SE':>6}" for name in LONG_TAIL_OURS)
        + " "
        + " ".join(f"{name + ' s':>11}" for name in LONG_TAIL_OURS)
    )
    rows = []
    for n_classes in (5, 50, 200):
        for seed in seeds:
            y_val, y_test, predictions, times = _long_tail_rules(n_classes, seed)
            scores = {
                name: balanced_accuracy_score(y_test, predicted)
                for name, predicted in predictions.items()
            }
            errors = {
                name: _paired_se(
                    y_test, predictions[name], predictions["logit adj"], n_classes
                )
                for name in LONG_TAIL_OURS
            }
            rows.append((n_classes, scores, errors, times))
            print(
                f"{n_classes:>4} {seed:>4} {y_val.size:>6} "
                f"{np.bincount(y_val).min():>6} "
                + " ".join(f"{scores[name]:>10.4f}" for name in names)
                + " "
                + " ".join(
                    f"{scores[name] - scores['logit adj']:>+14.4f} {errors[name]:>6.4f}"
                    for name in LONG_TAIL_OURS
                )
                + " "
                + " ".join(f"{times[name]:>11.2f}" for name in LONG_TAIL_OURS)
            )
    _long_tail_summary(rows, names)
    print()


def _long_tail_summary(rows, names):
    for n_classes in (5, 50, 200):
        part = [row for row in rows if row[0] == n_classes]
        means = {name: np.mean([row[1][name] for row in part]) for name in names}
        print(
            f"K={n_classes}: mean held-out BA "
            + ", ".join(f"{name} {value:.4f}" for name, value in means.items())
        )
    for name in LONG_TAIL_OURS:
        gain = np.array([row[1][name] - row[1]["logit adj"] for row in rows])
        errors = np.array([row[2][name] for row in rows])
        # Identical predictions: no difference, no standard error.
        in_se = np.divide(gain, errors, out=np.zeros_like(gain), where=errors > 0)
        ratio = np.mean([row[1][name] / row[1]["logit adj"] for row in rows])
        beats = np.mean([row[1][name] / row[1]["argmax"] for row in rows])
        time_ = np.mean([row[3][name] for row in rows])
        print(
            f"ratio {name} / logit adjustment held-out BA, mean over {len(rows)} "
            f"problems: {ratio:.4f} (goal >= 1); {name} / argmax {beats:.4f}; "
            f"{name} - logit adj: mean {gain.mean():+.4f}, worst {gain.min():+.4f}, "
            f"worst in standard errors {in_se.min():+.1f} SE (goal > -2 SE); "
            f"tuning {time_:.2f} s on average"
        )


def _log_proba_problem(n_samples, n_classes, seed=0):
    """Synthetic log-probabilities of long-tail classes (no model to fit)."""
    rng = np.random.default_rng(seed)
    prior = _zipf_prior(n_classes, 1.1)
    y = rng.choice(n_classes, size=n_samples, p=prior)
    logits = rng.normal(size=(n_samples, n_classes)) + np.log(prior)
    logits[np.arange(n_samples), y] += 2.5
    return y, log_softmax(logits, axis=1), prior


def bench_scale(sizes):
    print("== 5. tune_offsets at scale (one fold, from the logit adjustment)")
    print(f"{'n_samples':>10} {'K':>6} {'time s':>8} {'passes':>7} {'steps':>6}")
    for n_samples, n_classes in sizes:
        y, log_proba, prior = _log_proba_problem(n_samples, n_classes)
        search = partial(tune_offsets, offsets=-np.log(prior))
        seconds, result = _median_time(1, search, y, log_proba)
        print(
            f"{n_samples:>10} {n_classes:>6} {seconds:>8.2f} {result.n_iter:>7} "
            f"{result.path_scores.size - 1:>6}"
        )
        print(
            f"n={n_samples} K={n_classes}: {seconds / result.n_iter:.2f} s per pass "
            f"(before the top-two bookkeeping, a pass cost O(K^2 n))"
        )
        if (n_samples, n_classes) == (20_000, 200):
            met = "met" if seconds <= 4 else "NOT MET"
            print(
                f"{f'n={n_samples} K={n_classes}: tune_offsets':<44} "
                f"{seconds:>7.2f}s  {'<= 4 s':<8} {met}"
            )
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="skip the 1e6-sample prefit case"
    )
    parser.add_argument(
        "--goals-only",
        action="store_true",
        help="only the goals: prefit at 1e5 and 1e6, cv=5 on one synthetic set "
        "(and the real ones), tune_offsets at n=2e4, K=200 (about 2 minutes)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats")
    args = parser.parse_args()
    if args.goals_only:
        bench_prefit(list(PREFIT_GOALS), args.repeats)
        bench_full_cv(100_000, seeds=[0])
        bench_scale([(20_000, 200)])
        return
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    bench_prefit(sizes, args.repeats)
    bench_full_cv(100_000, seeds=[0, 1, 2, 3, 4] if not args.quick else [0])
    bench_multiclass()
    print()
    bench_long_tail(seeds=[0] if args.quick else [0, 1, 2])
    sizes = [(20_000, 200)] if args.quick else [(20_000, 200), (100_000, 1000)]
    bench_scale(sizes)


if __name__ == "__main__":
    main()
