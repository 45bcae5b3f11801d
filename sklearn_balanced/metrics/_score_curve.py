"""The balanced accuracy of a binary score at every threshold, in one call.

Scores held in memory are sorted once; Dask collections go through the
mergeable :class:`~sklearn_balanced.metrics.ScoreCounts` of their blocks, so
that only the counts of the distinct scores reach the client.
"""

import numpy as np

from sklearn_balanced.metrics._curve import (
    check_binary_scores,
    curve_from_sums,
    curve_of_scores,
)
from sklearn_balanced.metrics._score_counts import ScoreCounts
from sklearn_balanced.utils._dask import any_dask
from sklearn_balanced.utils._encode import positive_label
from sklearn_balanced.utils._validation import check_weight_values


def balanced_accuracy_curve(y_true, y_score, *, pos_label=None, sample_weight=None):
    """Balanced accuracy of a binary score at every possible threshold.

    The rule at threshold ``t`` is "positive iff ``y_score >= t``", as in
    :func:`sklearn.metrics.roc_curve`. The scores are sorted once and the class
    weights accumulated, so every cut point is evaluated exactly in
    ``O(n log n)`` time.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary true labels.

    y_score : array-like of shape (n_samples,)
        Scores of the positive class (probabilities or decision values).

    pos_label : int, float, bool or str, default=None
        The positive class. When None, ``y_true`` must take values in
        ``{0, 1}`` or ``{-1, 1}`` and the positive class is 1.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    curve : BalancedAccuracyCurve
        Named tuple ``(thresholds, balanced_accuracy, tpr, tnr)`` of float64
        arrays aligned with the strictly decreasing ``thresholds``, whose first
        entry is ``np.inf`` (every sample negative) followed by every distinct
        score. If a class has zero total weight its recall is NaN and the
        balanced accuracy is the recall of the other class, as with
        :func:`sklearn.metrics.balanced_accuracy_score`.

    See Also
    --------
    tune_threshold : Best threshold for the mean balanced accuracy over folds.
    ScoreCounts : The same curve from scores counted in parts, in bounded memory.
    sklearn.metrics.roc_curve : TPR and FPR at every threshold.

    Examples
    --------
    >>> from sklearn_balanced.metrics import balanced_accuracy_curve
    >>> curve = balanced_accuracy_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.thresholds.tolist()
    [inf, 0.8, 0.4, 0.35, 0.1]
    >>> curve.balanced_accuracy.tolist()
    [0.5, 0.75, 0.5, 0.75, 0.5]
    """
    if any_dask(y_true, y_score, sample_weight):
        return _dask_curve(y_true, y_score, pos_label, sample_weight)
    y_true, y_score, weights, _ = check_binary_scores(y_true, y_score, sample_weight)
    is_positive = y_true == positive_label(np.unique(y_true), pos_label)
    return curve_of_scores(is_positive, y_score, weights)


def _dask_curve(y_true, y_score, pos_label, sample_weight):
    """:func:`balanced_accuracy_curve` of Dask collections, from merged counts.

    Every distinct score is counted, so the curve is exact; only the counts of
    the distinct scores reach the client.
    """
    counts = ScoreCounts().update(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    bins = counts._all_bins()
    if sample_weight is not None:
        check_weight_values(np, np.concatenate([bins.positive, bins.negative, [0.0]]))
    return curve_from_sums(bins.low, bins.positive, bins.negative)
