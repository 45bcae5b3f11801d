"""
=========================================
Tuning under constraints: floors, budgets
=========================================

The threshold with the best balanced accuracy is not always one a team can use.
A screening test may have to find nearly every sick patient, whatever the cost
in false alarms; a fraud team can only investigate so many alerts a day.
:class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier` takes
such requirements as constraints: ``min_recall`` (floors on the recall of some
classes) and ``max_positive_rate`` (a budget on the fraction of samples
predicted positive). Among the rules that meet them on the mean over the
cross-validation folds, it picks the one with the best balanced accuracy,
exactly: the recalls and the positive rate are step functions of the threshold
on the same cut points as the balanced accuracy.
"""

# %%
# A screening test that must find 95% of the sick
# ------------------------------------------------
# One sample in twenty is sick. Without a constraint, the tuned threshold
# balances the recall of both classes; with ``min_recall={"sick": 0.95}`` it
# moves down until, on average over the folds, 95% of the sick are flagged.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    balanced_accuracy_score,
    per_class_recall,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier

X, y = make_classification(
    n_samples=3000,
    n_features=10,
    n_informative=4,
    n_clusters_per_class=1,
    weights=[0.95],
    class_sep=0.7,
    flip_y=0.0,
    random_state=0,
)
y = np.where(y == 1, "sick", "healthy")
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)


def report(name, classifier):
    """Threshold, cross-validated score and test-set recalls of a classifier."""
    predicted = classifier.predict(X_test)
    recall = per_class_recall(y_test, predicted, labels=classifier.classes_)
    recalls = ", ".join(
        f"{label} {value:.3f}"
        for label, value in zip(classifier.classes_, recall, strict=True)
    )
    flagged = np.mean(predicted == classifier.classes_[1])
    print(
        f"{name:<22} threshold {classifier.best_threshold_:.3f}  "
        f"CV BA {classifier.best_score_:.3f}  "
        f"test BA {balanced_accuracy_score(y_test, predicted):.3f}  "
        f"test recall: {recalls}  flagged {flagged:.1%}"
    )


free = BalancedThresholdClassifier(LogisticRegression(), store_cv_results=True)
screening = BalancedThresholdClassifier(
    LogisticRegression(), min_recall={"sick": 0.95}, store_cv_results=True
)
report("best balanced accuracy", free.fit(X_train, y_train))
report("sick recall >= 0.95", screening.fit(X_train, y_train))

# %%
# The cross-validated curve shows the price of the floor: the shaded thresholds
# are those whose mean recall of the sick class over the folds (dotted) is at
# least 0.95 (thin line). The best of them sits at the edge of the region, below the
# unconstrained best threshold; the balanced accuracy lost is the drop of the
# curve between the two. The thresholds are probabilities of a rare class,
# drawn on a log scale.
display = BalancedAccuracyCurveDisplay.from_cv_results(screening, plot_rates=True)
display.ax_.axvline(
    free.best_threshold_, color="k", linestyle="--", label="unconstrained best"
)
display.ax_.axhline(0.95, color="tab:orange", linewidth=0.8, label="floor 0.95")
display.ax_.set(xscale="log", xlim=(1e-4, 1))
display.ax_.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
display.ax_.set_title("Screening: recall of the sick class at least 0.95")

# %%
# A fraud team with a budget of 2% alerts
# ---------------------------------------
# Fraud is rare (1%), and the threshold with the best balanced accuracy flags
# more transactions than the team can investigate. With
# ``max_positive_rate=0.02``, at most 2% of the (weighted) validation samples
# are predicted ``classes_[1]`` (here 1, fraud) on average over the folds.
X, y = make_classification(
    n_samples=8000,
    n_features=10,
    n_informative=4,
    n_clusters_per_class=1,
    weights=[0.99],
    class_sep=1.3,
    flip_y=0.0,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
free = BalancedThresholdClassifier(LogisticRegression())
budget = BalancedThresholdClassifier(
    LogisticRegression(), max_positive_rate=0.02, store_cv_results=True
)
report("best balanced accuracy", free.fit(X_train, y_train))
report("at most 2% flagged", budget.fit(X_train, y_train))

# %%
# Here the feasible region is on the right: high thresholds, few alerts. The
# mean positive rate over the folds is drawn from ``cv_results_`` on a second
# axis, with the budget.
display = BalancedAccuracyCurveDisplay.from_cv_results(budget)
display.ax_.set(xscale="log", xlim=(1e-4, 1))
rate_ax = display.ax_.twinx()
results = budget.cv_results_
rate_ax.plot(
    results["thresholds"],
    results["positive_rate"],
    color="tab:red",
    drawstyle="steps-pre",
    label="mean positive rate",
)
rate_ax.axhline(0.02, color="tab:red", linestyle=":", label="budget 2%")
rate_ax.set(ylabel="fraction flagged", yscale="log", ylim=(1e-3, 1))
rate_ax.legend(loc="lower left")
display.ax_.set_title("Fraud: at most 2% of transactions flagged")

# %%
# When the constraints cannot be met together
# -------------------------------------------
# Asking for 99% of the fraud within the same budget is impossible on these
# folds; the error says which constraint fails and how far the others let it go.
try:
    BalancedThresholdClassifier(
        LogisticRegression(), min_recall={1: 0.99}, max_positive_rate=0.02
    ).fit(X_train, y_train)
except ValueError as error:
    print(error)

plt.show()
