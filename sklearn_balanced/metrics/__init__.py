"""Balanced accuracy metrics, scorers and displays."""

from sklearn_balanced.utils._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "sklearn_balanced.metrics._balanced_accuracy": (
            "balanced_accuracy_from_confusion_matrix",
            "balanced_accuracy_interval",
            "balanced_accuracy_score",
            "balanced_error_rate",
            "per_class_recall",
        ),
        "sklearn_balanced.metrics._by_group": (
            "GroupedBalancedAccuracy",
            "balanced_accuracy_by",
        ),
        "sklearn_balanced.metrics._compare": (
            "BalancedAccuracyComparison",
            "compare_balanced_accuracy",
            "compare_balanced_accuracy_from_counts",
        ),
        "sklearn_balanced.metrics._confusion_counts": ("ConfusionCounts",),
        "sklearn_balanced.metrics._curve": ("BalancedAccuracyCurve",),
        "sklearn_balanced.metrics._grouped_counts": ("GroupedConfusionCounts",),
        "sklearn_balanced.metrics._interval": (
            "BalancedAccuracyInterval",
            "balanced_accuracy_interval_from_confusion_matrix",
        ),
        "sklearn_balanced.metrics._plot.balanced_accuracy_curve": (
            "BalancedAccuracyCurveDisplay",
        ),
        "sklearn_balanced.metrics._plot.grouped_balanced_accuracy": (
            "GroupedBalancedAccuracyDisplay",
        ),
        "sklearn_balanced.metrics._plot.per_class_recall": ("PerClassRecallDisplay",),
        "sklearn_balanced.metrics._plot.training_curve": ("TrainingCurveDisplay",),
        "sklearn_balanced.metrics._score_counts": ("ScoreCounts",),
        "sklearn_balanced.metrics._score_curve": ("balanced_accuracy_curve",),
        "sklearn_balanced.metrics._scorer": (
            "adjusted_balanced_accuracy_scorer",
            "balanced_accuracy_scorer",
            "make_balanced_accuracy_scorer",
        ),
        "sklearn_balanced.metrics._time_windows": ("time_windows",),
    },
)
del attach  # not a public name
