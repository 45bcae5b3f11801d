"""Decision-rule tuning for balanced accuracy: exact searches and a meta-classifier."""

from sklearn_balanced.model_selection._sweep import (
    OffsetSearchResult,
    ThresholdSearchResult,
    tune_offsets,
    tune_threshold,
)
from sklearn_balanced.model_selection._threshold import BalancedThresholdClassifier

__all__ = [
    "BalancedThresholdClassifier",
    "OffsetSearchResult",
    "ThresholdSearchResult",
    "tune_offsets",
    "tune_threshold",
]
