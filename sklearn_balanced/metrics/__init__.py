"""Balanced accuracy metrics, scorers and displays."""

from sklearn_balanced.metrics._balanced_accuracy import (
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)
from sklearn_balanced.metrics._interval import (
    BalancedAccuracyInterval,
    balanced_accuracy_interval,
    balanced_accuracy_interval_from_confusion_matrix,
)
from sklearn_balanced.metrics._plot import (
    BalancedAccuracyCurveDisplay,
    PerClassRecallDisplay,
    TrainingCurveDisplay,
)
from sklearn_balanced.metrics._scorer import (
    adjusted_balanced_accuracy_scorer,
    balanced_accuracy_scorer,
    make_balanced_accuracy_scorer,
)

__all__ = [
    "BalancedAccuracyCurveDisplay",
    "BalancedAccuracyInterval",
    "PerClassRecallDisplay",
    "TrainingCurveDisplay",
    "adjusted_balanced_accuracy_scorer",
    "balanced_accuracy_from_confusion_matrix",
    "balanced_accuracy_interval",
    "balanced_accuracy_interval_from_confusion_matrix",
    "balanced_accuracy_score",
    "balanced_accuracy_scorer",
    "balanced_error_rate",
    "make_balanced_accuracy_scorer",
    "per_class_recall",
]
