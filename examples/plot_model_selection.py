"""
==========================================
Model selection with balanced scorers
==========================================

The scorers of :mod:`sklearn_balanced.metrics` plug into every ``scoring=``
argument of scikit-learn. This example shows how the choice of scorer changes the
model :class:`~sklearn.model_selection.GridSearchCV` selects, reports several
scores at once with :func:`~sklearn.model_selection.cross_validate`, and tunes a
:class:`~sklearn.pipeline.Pipeline` wrapped in
:class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier`.
"""

# %%
# Data
# ----
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_balanced.metrics import (
    adjusted_balanced_accuracy_scorer,
    balanced_accuracy_score,
    balanced_accuracy_scorer,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier

X, y = make_classification(
    n_samples=2000, n_features=20, n_informative=5, weights=[0.93], random_state=1
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0
)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)

# %%
# The scorer decides the winner
# -----------------------------
# The same grid over the regularisation and the class weights, scored by accuracy
# and by balanced accuracy.
grid = {"C": [0.01, 0.1, 1.0], "class_weight": [None, "balanced"]}
searches = {}
for name, scoring in {
    "accuracy": "accuracy",
    "balanced accuracy": balanced_accuracy_scorer,
}.items():
    searches[name] = GridSearchCV(
        LogisticRegression(), grid, scoring=scoring, cv=cv
    ).fit(X_train, y_train)
    best = searches[name].best_estimator_
    print(
        f"selected by {name:<18} {searches[name].best_params_}  "
        f"test BA={balanced_accuracy_score(y_test, best.predict(X_test)):.3f}"
    )

# %%
# Several scores at once
# ----------------------
# :func:`~sklearn.model_selection.cross_validate` takes a dict of scorers.
scoring = {
    "accuracy": "accuracy",
    "balanced_accuracy": balanced_accuracy_scorer,
    "adjusted_balanced_accuracy": adjusted_balanced_accuracy_scorer,
}
candidates = {
    "unweighted": LogisticRegression(),
    "balanced weights": LogisticRegression(class_weight="balanced"),
}
summary = {}
for name, estimator in candidates.items():
    scores = cross_validate(estimator, X_train, y_train, scoring=scoring, cv=cv)
    summary[name] = {key: float(scores[f"test_{key}"].mean()) for key in scoring}
    print(name, {key: round(value, 3) for key, value in summary[name].items()})

fig, ax = plt.subplots(figsize=(7, 4))
width = 0.35
positions = np.arange(len(scoring))
for offset, (name, values) in zip(
    [-width / 2, width / 2], summary.items(), strict=True
):
    ax.bar(positions + offset, list(values.values()), width, label=name)
ax.set_xticks(positions, list(scoring))
ax.set(ylabel="mean cross-validated score", ylim=(0, 1))
ax.legend(loc="lower left")
ax.set_title("Accuracy prefers the unweighted model; BA does not")

# %%
# A pipeline inside the threshold tuner, inside a grid search
# -----------------------------------------------------------
# :class:`~sklearn_balanced.model_selection.BalancedThresholdClassifier` wraps
# any classifier, including a pipeline; its parameters are reached with the
# usual ``estimator__step__param`` names, so a grid search can tune the model
# while the wrapper tunes the threshold for each candidate.
pipeline = make_pipeline(StandardScaler(), LogisticRegression())
search = GridSearchCV(
    BalancedThresholdClassifier(pipeline, cv=3, random_state=0),
    {"estimator__logisticregression__C": [0.01, 1.0]},
    scoring=balanced_accuracy_scorer,
    cv=cv,
).fit(X_train, y_train)
best = search.best_estimator_
print("best C:", search.best_params_["estimator__logisticregression__C"])
print(f"learned threshold: {best.best_threshold_:.3f}")
test_score = balanced_accuracy_score(y_test, best.predict(X_test))
print(f"test balanced accuracy: {test_score:.3f}")

plt.show()
