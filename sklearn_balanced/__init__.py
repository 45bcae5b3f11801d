"""Balanced accuracy, balanced decision rules and balanced models for scikit-learn."""

from sklearn_balanced.utils._lazy import attach

__version__ = "0.1.0"

# The public names are imported on first use, so that ``import sklearn_balanced``
# (and the command line's ``--version``) does not import scikit-learn.
__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "sklearn_balanced.linear_model": ("BalancedLogisticRegression",),
        "sklearn_balanced.metrics": (
            "BalancedAccuracyComparison",
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
        ),
        "sklearn_balanced.model_selection": (
            "BalancedThresholdClassifier",
            "tune_offsets",
            "tune_threshold",
        ),
    },
    submodules=("linear_model", "metrics", "model_selection", "utils"),
)
__all__ = sorted([*__all__, "__version__"])
del attach  # not a public name
