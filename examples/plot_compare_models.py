"""
===============================
Is the new model better?
===============================

A new model scores a higher balanced accuracy than the old one on the test set.
Is it really better, or is the gap noise? The tempting check, "do their two
intervals overlap?", is badly conservative: both models are scored on the same
samples, so their balanced accuracies move together from one test set to
another, and most of their uncertainty cancels in the difference.
:func:`~sklearn_balanced.metrics.compare_balanced_accuracy` compares them
*paired*, from the samples on which they disagree.

The second half shows the opposite trap: a large gain in accuracy that is no gain
in balanced accuracy.
"""

# %%
# Two models on an imbalanced problem
# -----------------------------------
# A binary problem with 10% positives and six informative features. The old
# model is a class-weighted logistic regression on five of them; the new one
# adds the sixth. Both are scored on the same 3000 test samples (about 300
# positives).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from sklearn_balanced.metrics import (
    balanced_accuracy_interval,
    compare_balanced_accuracy,
)

X, y = make_classification(
    n_samples=6000,
    n_features=6,
    n_informative=6,
    n_redundant=0,
    weights=[0.9],
    class_sep=0.7,
    flip_y=0.0,
    shuffle=False,
    random_state=5,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
old = LogisticRegression(class_weight="balanced").fit(X_train[:, :5], y_train)
new = LogisticRegression(class_weight="balanced").fit(X_train, y_train)
pred_old = old.predict(X_test[:, :5])
pred_new = new.predict(X_test)

intervals = {
    "old model": balanced_accuracy_interval(y_test, pred_old),
    "new model": balanced_accuracy_interval(y_test, pred_new),
}
for name, interval in intervals.items():
    print(
        f"{name}: balanced accuracy {interval.score:.3f}, "
        f"95% interval [{interval.low:.3f}, {interval.high:.3f}]"
    )

# %%
# The separate intervals overlap; the paired comparison is decisive
# -----------------------------------------------------------------
# The comparison counts, per true class, the samples both models get right, only
# the new one, only the old one, and neither. Only the disagreements move the
# difference, and here the new model wins most of them in both classes.
comparison = compare_balanced_accuracy(y_test, pred_new, pred_old)
print(
    f"BA(new) - BA(old) = {comparison.difference:+.3f}, "
    f"95% interval [{comparison.low:+.3f}, {comparison.high:+.3f}]"
)
print(f"P(new better) = {comparison.prob_a_better:.4f}")
print(
    f"p-value of 'equal balanced accuracy' = {comparison.p_value:.2g} "
    f"({'exact' if comparison.p_value_exact else 'Monte Carlo'})"
)
print("per class: both right, only new, only old, both wrong")
print(comparison.counts.astype(int))

fig, (top, bottom) = plt.subplots(
    2, 1, figsize=(7, 4.2), height_ratios=[2, 1.3], layout="constrained"
)
for row, interval in enumerate(intervals.values()):
    top.errorbar(
        interval.score,
        row,
        xerr=[[interval.score - interval.low], [interval.high - interval.score]],
        fmt="o",
        capsize=4,
        color=f"C{row}",
    )
low = intervals["new model"].low
high = intervals["old model"].high
top.axvspan(low, high, color="0.85", label="the intervals overlap")
top.set(
    yticks=[0, 1],
    yticklabels=list(intervals),
    ylim=(-0.6, 1.6),
    xlabel="balanced accuracy (95% interval)",
    title="Separate intervals: inconclusive",
)
top.legend(loc="lower right")
bottom.errorbar(
    comparison.difference,
    0,
    xerr=[
        [comparison.difference - comparison.low],
        [comparison.high - comparison.difference],
    ],
    fmt="o",
    capsize=4,
    color="C2",
)
bottom.axvline(0, color="k", linestyle="--", linewidth=1)
bottom.set(
    yticks=[0],
    yticklabels=["new - old"],
    xlim=(-0.03, 0.08),
    xlabel="difference of balanced accuracy (95% paired interval)",
    title=f"Paired comparison: p = {comparison.p_value:.1g}",
)

# %%
# A large accuracy gain that is no balanced-accuracy gain
# -------------------------------------------------------
# Drop the class weights: the plain logistic regression predicts the majority
# class more often. Its accuracy jumps by about ten points, which looks like a
# clear improvement, but it finds far fewer positives. The paired comparison of
# balanced accuracy shows that it is in fact worse.
plain = LogisticRegression().fit(X_train, y_train)
pred_plain = plain.predict(X_test)
gain = accuracy_score(y_test, pred_plain) - accuracy_score(y_test, pred_new)
trap = compare_balanced_accuracy(y_test, pred_plain, pred_new)
print(f"accuracy: plain - weighted = {gain:+.3f}")
print(
    f"balanced accuracy: plain - weighted = {trap.difference:+.3f}, "
    f"95% interval [{trap.low:+.3f}, {trap.high:+.3f}], p = {trap.p_value:.1g}"
)

support = trap.counts.sum(axis=1)
recalls = {
    "weighted (new model)": (trap.counts[:, 0] + trap.counts[:, 2]) / support,
    "plain": (trap.counts[:, 0] + trap.counts[:, 1]) / support,
}
fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
width = 0.38
for shift, (name, recall) in zip([-width / 2, width / 2], recalls.items(), strict=True):
    bars = ax.bar(np.arange(2) + shift, recall, width, label=name)
    ax.bar_label(bars, fmt="%.2f")
ax.set(
    xticks=[0, 1],
    xticklabels=[f"class {c} ({n:.0f} samples)" for c, n in enumerate(support)],
    ylim=(0, 1.1),
    ylabel="recall",
    title=(
        f"Plain - weighted: accuracy {gain:+.2f}, balanced accuracy "
        f"{trap.difference:+.2f} [{trap.low:+.2f}, {trap.high:+.2f}]"
    ),
)
ax.legend(loc="upper right")

# %%
# Reading the results
# -------------------
# - Compare two models on the same test set with a paired method. Separate
#   intervals answer "how good is each model?", not "which is better?".
# - The interval of the difference, ``P(new better)`` and the permutation
#   p-value agree here. The p-value is exact when the lattice of possible
#   differences is short enough (``p_value_exact``), and otherwise estimated
#   from ``n_resamples`` random swaps, so that it cannot go below
#   ``1 / (n_resamples + 1)``: the 1e-4 above means "at most about 1e-4".
# - Judge by balanced accuracy, not accuracy, when the classes are imbalanced: an
#   accuracy gain may only mean that the majority class is predicted more often.
# - ``sklearn-balanced compare FILE --y-true y --y-pred-a new --y-pred-b old``
#   does the same from a file of predictions.

plt.show()
