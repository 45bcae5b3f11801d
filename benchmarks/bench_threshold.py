"""Benchmark BalancedThresholdClassifier against TunedThresholdClassifierCV.

Three parts, each timing the anchor and ours in the same run:

1. prefit logistic regression, tuning only (``cv="prefit"``), 1e4/1e5/1e6
   samples: tuning time (median of repeats) and in-sample balanced accuracy;
2. full ``cv=5`` fit with LogisticRegression: total fit time and held-out
   balanced accuracy on synthetic 1e5-sample problems and on real data shipped
   with scikit-learn, made imbalanced (with standardised features);
3. multiclass: held-out balanced accuracy of plain argmax, logit adjustment
   and our tuned offsets on imbalanced problems.

Run ``python benchmarks/bench_threshold.py`` (about 3 minutes on 2 cores) or
with ``--quick`` to skip the 1e6-sample prefit case.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_balanced import BalancedThresholdClassifier, balanced_accuracy_score


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


def bench_prefit(sizes, repeats):
    print("== 1. prefit LogisticRegression, tuning only (cv='prefit', refit=False)")
    header = (
        f"{'n_samples':>10} {'anchor s':>10} {'ours s':>9} {'anchor BA':>10} "
        f"{'ours BA':>9} {'repeats (anchor/ours)'}"
    )
    print(header)
    lines = []
    for n_samples in sizes:
        X, y = _binary_problem(n_samples, seed=0)
        model = LogisticRegression().fit(X, y)
        anchor_repeats = repeats if n_samples < 1_000_000 else 1
        ours_repeats = 3 * repeats
        anchor = TunedThresholdClassifierCV(
            model, scoring="balanced_accuracy", cv="prefit", refit=False
        )
        anchor_time, _ = _median_time(anchor_repeats, anchor.fit, X, y)
        ours = BalancedThresholdClassifier(model, cv="prefit", refit=False)
        ours_time, _ = _median_time(ours_repeats, ours.fit, X, y)
        anchor_ba = balanced_accuracy_score(y, anchor.predict(X))
        ours_ba = balanced_accuracy_score(y, ours.predict(X))
        print(
            f"{n_samples:>10} {anchor_time:>10.4f} {ours_time:>9.4f} "
            f"{anchor_ba:>10.5f} {ours_ba:>9.5f} {anchor_repeats}/{ours_repeats:<6}"
        )
        lines.append(
            f"ratio n={n_samples}: ours is {anchor_time / ours_time:.1f}x faster "
            f"(goal >= 50x); BA ours - anchor = {ours_ba - anchor_ba:+.5f} "
            "(goal >= 0)"
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="skip the 1e6-sample prefit case"
    )
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    bench_prefit(sizes, args.repeats)
    bench_full_cv(100_000, seeds=[0, 1, 2, 3, 4] if not args.quick else [0])
    bench_multiclass()


if __name__ == "__main__":
    main()
