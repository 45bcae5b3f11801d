"""Balanced accuracy metrics, scorers and displays."""

from sklearn_balanced.metrics._balanced_accuracy import (
    balanced_accuracy_from_confusion_matrix,
    balanced_accuracy_interval,
    balanced_accuracy_score,
    balanced_error_rate,
    per_class_recall,
)
from sklearn_balanced.metrics._compare import (
    BalancedAccuracyComparison,
    compare_balanced_accuracy,
    compare_balanced_accuracy_from_counts,
)
from sklearn_balanced.metrics._confusion_counts import ConfusionCounts
from sklearn_balanced.metrics._curve import BalancedAccuracyCurve
from sklearn_balanced.metrics._interval import (
    BalancedAccuracyInterval,
    balanced_accuracy_interval_from_confusion_matrix,
)
from sklearn_balanced.metrics._plot.balanced_accuracy_curve import (
    BalancedAccuracyCurveDisplay,
)
from sklearn_balanced.metrics._plot.per_class_recall import PerClassRecallDisplay
from sklearn_balanced.metrics._plot.training_curve import TrainingCurveDisplay
from sklearn_balanced.metrics._score_counts import (
    ScoreCounts,
    balanced_accuracy_curve,
)
from sklearn_balanced.metrics._scorer import (
    adjusted_balanced_accuracy_scorer,
    balanced_accuracy_scorer,
    make_balanced_accuracy_scorer,
)

__all__ = [
    "BalancedAccuracyComparison",
    "BalancedAccuracyCurve",
    "BalancedAccuracyCurveDisplay",
    "BalancedAccuracyInterval",
    "ConfusionCounts",
    "PerClassRecallDisplay",
    "ScoreCounts",
    "TrainingCurveDisplay",
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
]
