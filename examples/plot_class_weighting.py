"""
==========================================================
Class-weighted logistic regression and validation BA
==========================================================

Balanced class weights make every class count the same in the training loss.
This example trains an unweighted and a class-weighted
:class:`~sklearn_balanced.linear_model.BalancedLogisticRegression` on the
walkthrough data (1200 vs 80 points), with early stopping on the validation
balanced accuracy, and compares their training curves and decision boundaries at
the default and at a tuned threshold.
"""

# %%
# Data
# ----
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split

from sklearn_balanced.linear_model import BalancedLogisticRegression
from sklearn_balanced.metrics import (
    PerClassRecallDisplay,
    TrainingCurveDisplay,
    balanced_accuracy_score,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier

# 1200 points of class 0 around the origin, 80 of class 1 around (1.2, 1.2).
rng = np.random.default_rng(0)
X = np.vstack([rng.standard_normal((1200, 2)), rng.standard_normal((80, 2)) + 1.2])
y = np.repeat([0, 1], [1200, 80])
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

# %%
# Training with early stopping
# ----------------------------
# With ``early_stopping=True`` the model holds out a stratified 20% of the
# training data, scores its balanced accuracy after every iteration and keeps the
# best iteration. ``loss_curve_`` and ``validation_scores_`` record the run.
models = {
    "unweighted": BalancedLogisticRegression(
        class_weight=None, early_stopping=True, validation_fraction=0.2, random_state=0
    ),
    "balanced weights": BalancedLogisticRegression(
        early_stopping=True, validation_fraction=0.2, random_state=0
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, (name, model) in zip(axes, models.items(), strict=True):
    model.fit(X_train, y_train)
    TrainingCurveDisplay.from_estimator(model, name=name, ax=ax)
    print(
        f"{name:<17} iterations={len(model.loss_curve_)}  "
        f"best iteration={model.best_iteration_}  "
        f"class weights={np.round(model.class_weight_, 2)}"
    )
fig.tight_layout()

# %%
# The unweighted model's validation balanced accuracy starts at 0.5 (it predicts
# the majority class everywhere) and stays low; the weighted one is high from
# its first iteration. Both solvers converge in a handful of Newton steps.
#
# Per-class recall on the test set
# --------------------------------
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    PerClassRecallDisplay.from_estimator(model, X_test, y_test, ax=ax)
    ax.set_title(name)
fig.tight_layout()

# %%
# Default and tuned thresholds
# ----------------------------
# Tuning the threshold of the unweighted model by cross-validation reaches
# nearly the same rule as weighting: for a well-specified model both approximate
# the Bayes-optimal rule :math:`p(1 \mid x) \ge \pi_1`.
rules = {
    "unweighted, threshold 0.5": models["unweighted"],
    "unweighted, tuned threshold": BalancedThresholdClassifier(
        BalancedLogisticRegression(class_weight=None), random_state=0
    ).fit(X_train, y_train),
    "balanced weights, 0.5": models["balanced weights"],
    "balanced weights, tuned": BalancedThresholdClassifier(
        BalancedLogisticRegression(), random_state=0
    ).fit(X_train, y_train),
}
for name, rule in rules.items():
    score = balanced_accuracy_score(y_test, rule.predict(X_test))
    print(f"{name:<28} test balanced accuracy = {score:.3f}")

# %%
# Decision boundaries
# -------------------
# Each line separates the region predicted as class 1 (upper right) from class 0.
# The default unweighted boundary sits far in the minority cloud; the other three
# nearly coincide.
fig, ax = plt.subplots(figsize=(9.5, 6), layout="constrained")
ax.scatter(*X_test[y_test == 0].T, s=8, alpha=0.4, color="tab:blue")
ax.scatter(*X_test[y_test == 1].T, s=16, color="tab:red")
handles = [
    Line2D([], [], marker="o", linestyle="", color="tab:blue", label="class 0"),
    Line2D([], [], marker="o", linestyle="", color="tab:red", label="class 1"),
]
styles = [
    ("black", "-"),
    ("tab:orange", "--"),
    ("tab:green", "-."),
    ("tab:purple", ":"),
]
for (color, style), (name, rule) in zip(styles, rules.items(), strict=True):
    DecisionBoundaryDisplay.from_estimator(
        rule,
        X_test,
        response_method="predict",
        plot_method="contour",
        levels=[0.5],
        grid_resolution=400,
        colors=[color],
        linestyles=[style],
        ax=ax,
    )
    handles.append(Line2D([], [], color=color, linestyle=style, label=name))
ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1))
ax.set(xlabel="feature 0", ylabel="feature 1", title="Decision boundaries")

plt.show()
