"""Balanced accuracy, balanced decision rules and balanced models for scikit-learn."""

from sklearn_balanced.linear_model import BalancedLogisticRegression
from sklearn_balanced.metrics import (
    BalancedAccuracyComparison,
    BalancedAccuracyCurveDisplay,
    BalancedAccuracyInterval,
    ConfusionCounts,
    PerClassRecallDisplay,
    ScoreCounts,
    TrainingCurveDisplay,
    adjusted_balanced_accuracy_scorer,
    balanced_accuracy_curve,
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_interval,
    balanced_accuracy_interval_from_confusion_matrix,
    balanced_accuracy_score,
    balanced_accuracy_scorer,
    balanced_error_rate,
    compare_balanced_accuracy,
    compare_balanced_accuracy_from_counts,
    make_balanced_accuracy_scorer,
    per_class_recall,
)
from sklearn_balanced.model_selection import (
    BalancedThresholdClassifier,
    tune_offsets,
    tune_threshold,
)

__version__ = "0.1.0"

__all__ = [
    "BalancedAccuracyComparison",
    "BalancedAccuracyCurveDisplay",
    "BalancedAccuracyInterval",
    "BalancedLogisticRegression",
    "BalancedThresholdClassifier",
    "ConfusionCounts",
    "PerClassRecallDisplay",
    "ScoreCounts",
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
    "compare_balanced_accuracy",
    "compare_balanced_accuracy_from_counts",
    "make_balanced_accuracy_scorer",
    "per_class_recall",
    "tune_offsets",
    "tune_threshold",
]
