"""
===========================================
Multiclass: per-class recall and offsets
===========================================

With several imbalanced classes, predicting the most probable class neglects the
small ones. The balanced-accuracy-optimal rule for calibrated probabilities is
:math:`\\arg\\max_k p(k \\mid x) / \\pi_k` (*logit adjustment*).
:class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier` starts
from that rule and tunes one offset per class by cross-validation.
"""

# %%
# Four imbalanced classes
# -----------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from sklearn_balanced.metrics import PerClassRecallDisplay, balanced_accuracy_score
from sklearn_balanced.model_selection import BalancedThresholdClassifier

X, y = make_classification(
    n_samples=8000,
    n_features=8,
    n_informative=5,
    n_classes=4,
    n_clusters_per_class=1,
    weights=[0.75, 0.17, 0.06, 0.02],
    class_sep=0.9,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
print("test samples per class:", np.bincount(y_test))

# %%
# Three decision rules
# --------------------
# 1. ``argmax``: the most probable class (the classifier's ``predict``);
# 2. logit adjustment: :math:`\arg\max_k \log p(k \mid x) - \log \pi_k`, with the
#    priors of the training set;
# 3. tuned offsets, learned by
#    :class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier`.
model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
log_prior = np.log(np.bincount(y_train) / y_train.size)
tuned = BalancedThresholdClassifier(
    LogisticRegression(max_iter=1000), random_state=0
).fit(X_train, y_train)

predictions = {
    "argmax": model.predict(X_test),
    "logit adjustment": model.classes_[
        np.argmax(model.predict_log_proba(X_test) - log_prior, axis=1)
    ],
    "tuned offsets": tuned.predict(X_test),
}
for name, y_pred in predictions.items():
    score = balanced_accuracy_score(y_test, y_pred)
    print(f"{name:<17} balanced accuracy = {score:.3f}")
print("logit adjustment offsets:", np.round(log_prior[0] - log_prior, 2))
print("tuned offsets:           ", np.round(tuned.best_offsets_, 2))

# %%
# Per-class recall
# ----------------
# The plain argmax finds most of class 0 and few of the rare classes; both
# balanced rules trade a little recall on class 0 for much more on the others.
fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
for ax, (name, y_pred) in zip(axes, predictions.items(), strict=True):
    PerClassRecallDisplay.from_predictions(y_test, y_pred, ax=ax)
    ax.set_title(name)
fig.tight_layout()

# %%
# Normalised confusion matrices
# -----------------------------
# scikit-learn's :class:`~sklearn.metrics.ConfusionMatrixDisplay` with
# ``normalize="true"`` puts the same recalls on the diagonal and shows where the
# errors go.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
for ax, name in zip(axes, ["argmax", "tuned offsets"], strict=True):
    ConfusionMatrixDisplay.from_predictions(
        y_test,
        predictions[name],
        normalize="true",
        values_format=".2f",
        colorbar=False,
        ax=ax,
    )
    ax.set_title(name)
fig.tight_layout()

plt.show()
