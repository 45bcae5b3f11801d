"""Decision-rule tuning for balanced accuracy: exact sweeps and a meta-classifier."""

from sklearn_balanced.model_selection._sweep import (
    BalancedAccuracyCurve,
    OffsetSearchResult,
    ThresholdSearchResult,
    balanced_accuracy_curve,
    tune_offsets,
    tune_threshold,
)
from sklearn_balanced.model_selection._threshold import BalancedThresholdClassifier

__all__ = [
    "BalancedAccuracyCurve",
    "BalancedThresholdClassifier",
    "OffsetSearchResult",
    "ThresholdSearchResult",
    "balanced_accuracy_curve",
    "tune_offsets",
    "tune_threshold",
]
