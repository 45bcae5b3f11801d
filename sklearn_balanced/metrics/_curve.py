"""The balanced accuracy of a binary score at every threshold.

Balanced accuracy of a thresholded score is a step function of the threshold: it
only changes where the threshold crosses an observed score. Sorting the scores
once and taking cumulative sums of the class weights gives its value at every
cut point, exactly, in ``O(n log n)``.
"""

from typing import NamedTuple

import numpy as np

from sklearn_balanced.utils._steps import (
    accumulate,
    balanced_accuracy_rates,
    check_tie_break,
    class_sums_above,
    select_plateau,
)
from sklearn_balanced.utils._validation import check_scaled_sample_weight


class BalancedAccuracyCurve(NamedTuple):
    """Balanced accuracy, TPR and TNR at every cut point of a binary score.

    Attributes
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Strictly decreasing thresholds: ``np.inf`` first (every sample
        negative), then every distinct score.
    balanced_accuracy : ndarray of shape (n_thresholds,)
        Balanced accuracy of the rule "positive iff ``y_score >= threshold``".
    tpr : ndarray of shape (n_thresholds,)
        True positive rate (recall of the positive class) at each threshold.
    tnr : ndarray of shape (n_thresholds,)
        True negative rate (recall of the negative class) at each threshold.

    See Also
    --------
    balanced_accuracy_curve : The function returning it.

    Examples
    --------
    >>> from sklearn_balanced.metrics import balanced_accuracy_curve
    >>> curve = balanced_accuracy_curve([0, 1, 1], [0.2, 0.6, 0.9])
    >>> curve.tpr.tolist(), curve.tnr.tolist()
    ([0.0, 0.5, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0])
    >>> curve.best_threshold()
    0.4
    """

    thresholds: np.ndarray
    balanced_accuracy: np.ndarray
    tpr: np.ndarray
    tnr: np.ndarray

    def best_threshold(self, tie_break="middle"):
        """Threshold in the middle of the best plateau of the balanced accuracy.

        The balanced accuracy is constant between two consecutive cut points, so
        the best threshold is not a single value: the one returned lies in the
        middle of the best plateau, between two observed scores (or beyond the
        extreme score when predicting a single class is best).

        Parameters
        ----------
        tie_break : {"middle", "lowest", "highest"}, default="middle"
            Which plateau to use when several separated ones reach the best
            balanced accuracy: the median one in threshold order, the one with
            the lowest thresholds (more positive predictions) or the highest.

        Returns
        -------
        threshold : float
            The threshold; ``balanced_accuracy.max()`` is its balanced accuracy.
        """
        check_tie_break(tie_break)
        threshold, _ = select_plateau(
            self.thresholds, self.balanced_accuracy, tie_break
        )
        return threshold


def curve_of_scores(is_positive, scores, weights):
    """The balanced accuracy curve of a binary score, from one sort of the scores.

    Parameters
    ----------
    is_positive : ndarray of shape (n_samples,) of bool
        Which samples are positive.
    scores : ndarray of shape (n_samples,) of float64
        Finite scores.
    weights : ndarray of shape (n_samples,) or None
        Validated weights; None counts every sample once.

    Returns
    -------
    curve : BalancedAccuracyCurve
        The curve at ``np.inf`` and at every distinct score.
    """
    return _curve(*class_sums_above(is_positive, scores, weights))


def curve_from_sums(distinct, positive, negative):
    """The balanced accuracy curve of the positive and negative weight per score.

    Parameters
    ----------
    distinct : ndarray of shape (n_cuts,)
        Strictly decreasing cut points (distinct scores, or the lowest score of
        each bin of scores).
    positive, negative : ndarray of shape (n_cuts,)
        Positive and negative weight from each cut point down to the next one.

    Returns
    -------
    curve : BalancedAccuracyCurve
        The curve at ``np.inf`` and at every cut point.
    """
    return _curve(*accumulate(distinct, positive, negative))


def _curve(thresholds, true_positives, false_positives):
    """The curve of the class weights at or above each threshold."""
    tpr, tnr, balanced_accuracy = balanced_accuracy_rates(
        true_positives, false_positives, true_positives[-1], false_positives[-1]
    )
    return BalancedAccuracyCurve(thresholds, balanced_accuracy, tpr, tnr)


def check_binary_scores(y_true, y_score, sample_weight, *, allow_all_zero=False):
    """Validate a binary target, its scores and sample weights.

    Parameters
    ----------
    y_true, y_score : array-like of shape (n_samples,)
        Binary true labels and finite scores.
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative sample weights.
    allow_all_zero : bool, default=False
        The samples are a part of a larger set: their weights may all be zero.

    Returns
    -------
    y_true : ndarray of shape (n_samples,)
    y_score : ndarray of shape (n_samples,) of float64
    weights : ndarray of shape (n_samples,) of float64 or None
        The weights in units of ``2**exponent``, so that no sum of them
        overflows or underflows (the curve only depends on their ratios).
    exponent : int
        The exponent of the unit of ``weights`` (see
        :func:`~sklearn_balanced.utils._validation.weight_exponent`).
    """
    from sklearn.utils import check_array, check_consistent_length, column_or_1d

    y_true = column_or_1d(y_true)
    y_score = check_array(
        y_score, ensure_2d=False, dtype=np.float64, input_name="y_score"
    )
    if y_score.ndim != 1:
        raise ValueError(f"y_score must be 1-D, got an array of shape {y_score.shape}.")
    check_consistent_length(y_true, y_score)
    check_binary_type(type_of_target(y_true, input_name="y_true"))
    weights, exponent = check_scaled_sample_weight(
        sample_weight, y_true.shape[0], allow_all_zero=allow_all_zero
    )
    return y_true, y_score, weights, exponent


def type_of_target(y, input_name=""):
    """scikit-learn's ``type_of_target``, imported at the first call.

    The command line's report imports this module and never checks arrays of
    samples: it runs without scikit-learn, whose import takes over a second.
    """
    from sklearn.utils.multiclass import type_of_target as sklearn_type_of_target

    return sklearn_type_of_target(y, input_name=input_name)


def check_binary_type(target_type):
    """Raise unless ``y_true`` (of this ``type_of_target``) is binary."""
    if target_type != "binary":
        raise ValueError(
            f"y_true must be a binary target, got a {target_type!r} target."
        )
