"""Linear classifiers for imbalanced problems."""

from sklearn_balanced.utils._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {"sklearn_balanced.linear_model._logistic": ("BalancedLogisticRegression",)},
)
del attach  # not a public name
