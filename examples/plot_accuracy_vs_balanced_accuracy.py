"""
==============================
Why accuracy misleads
==============================

On imbalanced data, accuracy rewards a classifier for ignoring the small class.
This example takes the textbook case — 990 negatives and 10 positives — and shows
that accuracy is the *prior-weighted* average of sensitivity and specificity,
while balanced accuracy is their *plain* average. It ends with the adjusted
balanced accuracy, which puts chance at zero.
"""

# %%
# Two classifiers on a 990 / 10 test set
# ---------------------------------------
# Classifier A always answers "negative". Classifier B finds 9 of the 10
# positives, at the price of 99 false alarms among the 990 negatives.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score

from sklearn_balanced.metrics import (
    PerClassRecallDisplay,
    balanced_accuracy_score,
    per_class_recall,
)

y_true = np.repeat([0, 1], [990, 10])
y_always_negative = np.zeros_like(y_true)
y_alarms = y_true.copy()
y_alarms[:99] = 1  # 99 false alarms among the negatives
y_alarms[-1] = 0  # one positive missed

cases = {"A: always negative": y_always_negative, "B: 9 of 10 found": y_alarms}
for name, y_pred in cases.items():
    print(
        f"{name:<20} accuracy={accuracy_score(y_true, y_pred):.3f}  "
        f"balanced accuracy={balanced_accuracy_score(y_true, y_pred):.3f}"
    )

# %%
# Accuracy ranks A first, balanced accuracy ranks B first. The confusion
# matrices show why: normalised by row (``normalize="true"``), their diagonal
# holds the recall of each class — the specificity (class 0) and the
# sensitivity (class 1).
fig, axes = plt.subplots(2, 2, figsize=(9, 8))
for column, (name, y_pred) in enumerate(cases.items()):
    ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, ax=axes[0, column], colorbar=False
    )
    axes[0, column].set_title(f"{name}\ncounts")
    ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        normalize="true",
        ax=axes[1, column],
        colorbar=False,
        values_format=".2f",
    )
    axes[1, column].set_title("normalised by true class: recall on the diagonal")
fig.tight_layout()

# %%
# The decomposition
# -----------------
# With class priors :math:`\pi_0 = 0.99` and :math:`\pi_1 = 0.01`,
#
# .. math::
#
#    \mathrm{accuracy} = \pi_0\,\mathrm{TNR} + \pi_1\,\mathrm{TPR}, \qquad
#    \mathrm{BA} = \tfrac12\,\mathrm{TNR} + \tfrac12\,\mathrm{TPR}.
#
# Both are weighted averages of the same two recalls; only the weights differ.
priors = np.bincount(y_true) / y_true.size
for name, y_pred in cases.items():
    tnr, tpr = per_class_recall(y_true, y_pred)
    print(
        f"{name:<20} TNR={tnr:.3f} TPR={tpr:.3f}  "
        f"accuracy = {priors[0]:.2f}*{tnr:.3f} + {priors[1]:.2f}*{tpr:.3f} = "
        f"{priors @ [tnr, tpr]:.3f}   BA = ({tnr:.3f} + {tpr:.3f})/2 = "
        f"{(tnr + tpr) / 2:.3f}"
    )

# %%
# :class:`~sklearn_balanced.metrics.PerClassRecallDisplay` draws the recalls
# with their support and a line at their mean, the balanced accuracy.
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
for ax, (name, y_pred) in zip(axes, cases.items(), strict=True):
    PerClassRecallDisplay.from_predictions(y_true, y_pred, ax=ax)
    ax.set_title(name)
fig.tight_layout()

# %%
# Adjusted balanced accuracy
# --------------------------
# Any classifier that ignores its input scores :math:`1/K` balanced accuracy on
# average — 0.5 for two classes, 0.25 for four. ``adjusted=True`` rescales the
# score so that chance is 0 and perfection is 1, which makes scores comparable
# across numbers of classes. For two classes it is Youden's J,
# :math:`\mathrm{TPR} + \mathrm{TNR} - 1`.
rng = np.random.default_rng(0)
y_four = rng.choice(4, size=20_000, p=[0.7, 0.2, 0.07, 0.03])
y_guess = rng.choice(4, size=20_000)
for name, y_t, y_p in [
    ("A, two classes", y_true, y_always_negative),
    ("B, two classes", y_true, y_alarms),
    ("random guess, four classes", y_four, y_guess),
]:
    print(
        f"{name:<27} BA={balanced_accuracy_score(y_t, y_p):.3f}  adjusted="
        f"{balanced_accuracy_score(y_t, y_p, adjusted=True):+.3f}"
    )

plt.show()
