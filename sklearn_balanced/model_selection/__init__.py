"""Decision-rule tuning for balanced accuracy: exact searches and a meta-classifier."""

from sklearn_balanced.utils._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    {
        "sklearn_balanced.model_selection._offset_search": (
            "OffsetSearchResult",
            "tune_offsets",
        ),
        "sklearn_balanced.model_selection._threshold": ("BalancedThresholdClassifier",),
        "sklearn_balanced.model_selection._threshold_search": (
            "ThresholdSearchResult",
            "tune_threshold",
        ),
    },
)
del attach  # not a public name
