"""Linear classifiers for imbalanced problems."""

from sklearn_balanced.linear_model._logistic import BalancedLogisticRegression

__all__ = ["BalancedLogisticRegression"]
