"""
=======================================
Probabilities after class weighting
=======================================

Balanced class weights give a good decision rule for balanced accuracy, but they
also move the predicted probabilities: a model trained with class weights
:math:`w_k` has logits :math:`\\log p(k \\mid x) + \\log w_k + c(x)`, so its
probabilities are calibrated to a world where every class is equally frequent.
On imbalanced data they overstate the small class.

:class:`~sklearn_balanced.linear_model.BalancedLogisticRegression` removes the
shift with ``proba_prior="train"`` (probabilities for the training class
frequencies) or moves the probabilities to any deployment prior with an array
(Bayes' rule). Its predictions stay those of the balanced rule. This example
compares the reliability curves, log-loss and Brier score of the balanced and
the ``"train"`` probabilities with those of an unweighted logistic regression.
"""

# %%
# Imbalanced data: 6% positives
# -----------------------------
# The labels are drawn from a logistic model, :math:`p(1 \mid x) =
# \sigma(-4 + 1.5 x_0 - x_1 + 0.5 x_2)` on six standard normal features, so a
# logistic regression is well specified and its probabilities can be calibrated.
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit
from sklearn.calibration import CalibrationDisplay
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.model_selection import train_test_split

from sklearn_balanced.linear_model import BalancedLogisticRegression
from sklearn_balanced.metrics import balanced_accuracy_score

rng = np.random.default_rng(0)
X = rng.standard_normal((20_000, 6))
y = (rng.random(20_000) < expit(-4 + X @ [1.5, -1.0, 0.5, 0, 0, 0])).astype(int)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
print(f"positives: {y_train.mean():.1%} of training, {y_test.mean():.1%} of test")

# %%
# Three models
# ------------
# The balanced model with its default probabilities, the same model with
# ``proba_prior="train"``, and an unweighted logistic regression for reference.
# The first two have the same coefficients and the same predictions; only their
# probabilities differ, by the shift :math:`-\log(w_1 / w_0)` of the log-odds.
models = {
    'balanced, proba_prior="balanced"': BalancedLogisticRegression(),
    'balanced, proba_prior="train"': BalancedLogisticRegression(proba_prior="train"),
    "unweighted LogisticRegression": LogisticRegression(),
}
for model in models.values():
    model.fit(X_train, y_train)
balanced, train, unweighted = models.values()
print(f"class weights: {np.round(train.class_weight_, 2)}")
shift = train.proba_offset_[1] - train.proba_offset_[0]
print(f"log-odds shift of 'train': {shift:.2f} = -log(w_1 / w_0)")
print(
    "same predictions with either proba_prior:",
    bool((balanced.predict(X_test) == train.predict(X_test)).all()),
)

# %%
# Held-out log-loss and Brier score
# ---------------------------------
# The test set is drawn from the training distribution, so the probabilities
# that should score best are those calibrated to the training frequencies.
print(f"{'model':<34} {'log-loss':>9} {'Brier':>7} {'balanced acc.':>14}")
for name, model in models.items():
    proba = model.predict_proba(X_test)[:, 1]
    score = balanced_accuracy_score(y_test, model.predict(X_test))
    print(
        f"{name:<34} {log_loss(y_test, proba):>9.4f} "
        f"{brier_score_loss(y_test, proba):>7.4f} {score:>14.3f}"
    )

# %%
# The balanced probabilities pay for their shift: their log-loss and Brier score
# are about three times the unweighted model's. ``proba_prior="train"`` brings
# them back to the unweighted model's level, while the predictions keep the
# balanced accuracy of the weighted rule, far above the unweighted model's.
#
# Reliability curves
# ------------------
# A calibrated model follows the diagonal: among the samples given a probability
# near :math:`p`, a fraction :math:`p` are positive. The balanced probabilities
# lie far below it (the positive class is predicted too often and too surely);
# the ``"train"`` probabilities follow the diagonal like the unweighted model's.
fig, (ax_curve, ax_hist) = plt.subplots(
    2, 1, figsize=(7, 8), height_ratios=[2, 1], layout="constrained"
)
colors = ["tab:red", "tab:green", "tab:gray"]
for (name, model), color in zip(models.items(), colors, strict=True):
    display = CalibrationDisplay.from_estimator(
        model,
        X_test,
        y_test,
        n_bins=10,
        strategy="uniform",
        name=name,
        ax=ax_curve,
        color=color,
    )
    ax_hist.hist(
        display.y_prob,
        bins=np.linspace(0, 1, 41),
        histtype="step",
        color=color,
        label=name,
    )
ax_curve.set_title("Reliability curves on held-out data (10 equal-width bins)")
ax_curve.legend(loc="upper left")
ax_hist.set(
    yscale="log",
    xlabel="predicted probability of the positive class",
    ylabel="test samples",
    title="Predicted probabilities",
)

# %%
# A different deployment prior
# ----------------------------
# When the class frequencies where the model is used are known and differ from
# the training ones, pass them as ``proba_prior``. Here the deployment data has
# 20% positives (the test positives with a subsample of the negatives).
rng = np.random.default_rng(0)
positives = np.flatnonzero(y_test == 1)
negatives = rng.choice(np.flatnonzero(y_test == 0), 4 * positives.size, replace=False)
deploy = np.concatenate([positives, negatives])
X_deploy, y_deploy = X_test[deploy], y_test[deploy]
deployed = BalancedLogisticRegression(proba_prior=[0.8, 0.2]).fit(X_train, y_train)
for name, model in {
    'proba_prior="balanced"': balanced,
    'proba_prior="train"': train,
    "proba_prior=[0.8, 0.2]": deployed,
}.items():
    proba = model.predict_proba(X_deploy)[:, 1]
    print(
        f"{name:<24} log-loss {log_loss(y_deploy, proba):.4f}  "
        f"Brier {brier_score_loss(y_deploy, proba):.4f}"
    )

# %%
# On the deployment data the probabilities for its own prior score best; those
# calibrated to equal classes or to the 6% of training are both off. The
# predictions do not change with the prior: the rule that maximises balanced
# accuracy, :math:`\arg\max_k p(k \mid x) / \pi_k`, compares the class-conditional
# densities :math:`p(x \mid k)`, which the prior does not affect.
#
# When the model is misspecified
# ------------------------------
# The shift is exact for a well-specified model. Otherwise the weights also
# change which linear model is fitted (it spends its capacity on the small class),
# and ``"train"`` only removes the prior part of the distortion. On
# ``make_classification`` data (two clusters per class, so the log-odds are not
# linear) it still recovers most of the log-loss, not all of it.
X, y = make_classification(
    n_samples=20_000,
    n_features=10,
    n_informative=4,
    weights=[0.95],
    class_sep=1.5,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
for name, model in models.items():
    proba = model.fit(X_train, y_train).predict_proba(X_test)[:, 1]
    print(
        f"{name:<34} log-loss {log_loss(y_test, proba):.4f}  "
        f"Brier {brier_score_loss(y_test, proba):.4f}"
    )

plt.show()
