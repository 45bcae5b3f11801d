"""Balanced accuracy, balanced decision rules and balanced models for scikit-learn."""

from sklearn_balanced.linear_model import BalancedLogisticRegression
from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    BalancedAccuracyInterval,
    PerClassRecallDisplay,
    TrainingCurveDisplay,
    adjusted_balanced_accuracy_scorer,
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_interval,
    balanced_accuracy_interval_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_accuracy_scorer,
    balanced_error_rate,
    make_balanced_accuracy_scorer,
    per_class_recall,
)
from sklearn_balanced.model_selection import (
    BalancedThresholdClassifier,
    balanced_accuracy_curve,
    tune_offsets,
    tune_threshold,
)

__version__ = "0.1.0"

__all__ = [
    "BalancedAccuracyCurveDisplay",
    "BalancedAccuracyInterval",
    "BalancedLogisticRegression",
    "BalancedThresholdClassifier",
    "PerClassRecallDisplay",
    "TrainingCurveDisplay",
    "__version__",
    "adjusted_balanced_accuracy_scorer",
    "balanced_accuracy_curve",
    "balanced_accuracy_from_confusion_matrix",
    "balanced_accuracy_interval",
    "balanced_accuracy_interval_from_confusion_matrix",
    "balanced_accuracy_score",
    "balanced_accuracy_scorer",
    "balanced_error_rate",
    "make_balanced_accuracy_scorer",
    "per_class_recall",
    "tune_offsets",
    "tune_threshold",
]
