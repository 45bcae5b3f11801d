"""
=====================================
Threshold dependence and tuning
=====================================

A probabilistic classifier predicts the positive class when its score exceeds a
threshold, 0.5 by default. That cut-off maximises accuracy for calibrated
probabilities, not balanced accuracy. This example draws both scores against the
threshold, then learns the threshold by cross-validation with
:class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier` and compares
it with scikit-learn's :class:`~sklearn.model_selection.TunedThresholdClassifierCV`.
"""

# %%
# Data and a plain logistic regression
# ------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TunedThresholdClassifierCV, train_test_split

from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    balanced_accuracy_score,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier

X, y = make_classification(
    n_samples=6000,
    n_features=10,
    n_informative=4,
    weights=[0.95],
    class_sep=0.8,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
model = LogisticRegression().fit(X_train, y_train)
print(f"positives in the test set: {y_test.sum()} of {y_test.size}")
print(
    "balanced accuracy at 0.5:",
    round(balanced_accuracy_score(y_test, model.predict(X_test)), 3),
)

# %%
# Accuracy and balanced accuracy against the threshold
# -----------------------------------------------------
# :class:`~sklearn_balanced.metrics.BalancedAccuracyCurveDisplay` evaluates every
# cut point exactly (one sort of the scores). Accuracy peaks near 0.5 and is
# flat to the left of it only because almost every sample is negative; balanced
# accuracy peaks much lower, near the positive prior — the Bayes-optimal
# threshold for calibrated probabilities.
display = BalancedAccuracyCurveDisplay.from_estimator(
    model, X_test, y_test, plot_accuracy=True, plot_rates=True
)
display.ax_.set_title("Test set, logistic regression")
print(f"positive prior: {y_train.mean():.3f}")

# %%
# Learning the threshold
# ----------------------
# :class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier` computes
# each fold's exact balanced-accuracy curve, averages the folds on the union of
# their cut points and takes the middle of the best plateau.
# :class:`~sklearn.model_selection.TunedThresholdClassifierCV` evaluates a grid
# of candidate thresholds with a scorer. Both refit the model on all the training
# data.
results = {}
for name, tuner in {
    "BalancedThresholdClassifier": BalancedThresholdClassifier(
        LogisticRegression(), cv=5, store_cv_results=True, random_state=0
    ),
    "TunedThresholdClassifierCV": TunedThresholdClassifierCV(
        LogisticRegression(),
        scoring="balanced_accuracy",
        cv=5,
        store_cv_results=True,
        random_state=0,
    ),
}.items():
    start = time.perf_counter()
    tuner.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    results[name] = tuner
    test_score = balanced_accuracy_score(y_test, tuner.predict(X_test))
    print(
        f"{name}\n  threshold {tuner.best_threshold_:.4f}, CV score "
        f"{tuner.best_score_:.4f}, test BA {test_score:.4f}, fit {seconds:.2f} s"
    )

# %%
# The cross-validated curve
# -------------------------
# With ``store_cv_results=True``, ``from_cv_results`` draws the mean curve over
# the folds, shades the range of the per-fold curves and marks the learned
# threshold. The grid of :class:`~sklearn.model_selection.TunedThresholdClassifierCV`
# is drawn as points for comparison.
tuned = results["BalancedThresholdClassifier"]
display = BalancedAccuracyCurveDisplay.from_cv_results(tuned)
grid = results["TunedThresholdClassifierCV"].cv_results_
display.ax_.plot(grid["thresholds"], grid["scores"], ".", markersize=3, label="grid")
display.ax_.set_xlim(0, 0.6)
display.ax_.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
display.ax_.set_title("Mean cross-validated balanced accuracy")

# %%
# How stable is the threshold?
# ----------------------------
# Each fold's own best threshold shows how much the choice depends on the data
# it is tuned on. The spread is a reminder that a threshold tuned on a small
# validation set is itself noisy.
fold_thresholds = np.asarray(tuned.fold_thresholds_)
print("per-fold best thresholds:", np.round(fold_thresholds, 3))
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.plot(fold_thresholds, np.zeros_like(fold_thresholds), "o", label="fold best")
ax.axvline(tuned.best_threshold_, color="k", label="learned threshold")
ax.axvline(0.5, color="grey", linestyle="--", label="default 0.5")
ax.set(yticks=[], xlabel="threshold", title="Per-fold best thresholds")
ax.legend(loc="upper right")
fig.tight_layout()

plt.show()
