"""Per-class recalls and balanced accuracy from per-class counts.

The one path from counts to scores, shared by the score functions,
:class:`~sklearn_balanced.metrics.ConfusionCounts`, the intervals, the Displays
and the command line, so that counting once is enough.
"""

import warnings
from numbers import Real

import numpy as np

#: Frames from the warnings of ``_recalls`` and ``mean_recall`` up to the caller
#: of the public function that counted: ``recall_summary``, the function, and the
#: wrappers of scikit-learn's ``validate_params`` and of the one that builds it.
_STACKLEVEL = 6
#: Constraints of the targets, labels and weights of every score from labels.
TARGET_PARAMS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "labels": ["array-like", None],
    "sample_weight": ["array-like", None],
}


def zero_division_constraints():
    """The ``zero_division`` constraints of every function and scorer that takes it.

    Built at the first call of a function that validates them (see
    :func:`~sklearn_balanced.utils._compat.validate_params`).
    """
    from sklearn_balanced.utils._compat import Interval, StrOptions

    return [StrOptions({"warn"}), Interval(Real, 0, 1, closed="both"), "nan"]


def _recalls(correct, support, zero_division, labels_given):
    """Per-class recall; classes without true samples follow ``zero_division``.

    Returns the recalls (NaN where a class has no true sample and
    ``zero_division`` is "warn" or NaN) and the mask of such classes. With
    "warn", a warning says which classes are concerned; when no class has a true
    sample of positive weight nothing is left to average and ValueError is raised
    (a numeric ``zero_division`` applies to every class instead).
    """
    empty = support == 0
    if not empty.any():  # finite counts: no 0/0 to silence
        return correct / support, empty
    if zero_division == "warn" and empty.all():
        raise ValueError(
            "Balanced accuracy is undefined: no class has a true sample of positive "
            "weight (check labels and sample_weight, or set zero_division)."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = correct / support
    if zero_division == "warn":
        if labels_given:
            from sklearn.exceptions import UndefinedMetricWarning

            warnings.warn(
                "Some classes in labels have no true samples; their recall is "
                "undefined and they are left out of the average. Set zero_division "
                "to choose their recall instead.",
                UndefinedMetricWarning,
                stacklevel=_STACKLEVEL,
            )
        else:
            warnings.warn(
                "y_pred contains classes not in y_true", stacklevel=_STACKLEVEL
            )
        recall[empty] = np.nan
    else:
        recall[empty] = zero_division
    return recall, empty


def mean_recall(recall, empty, zero_division, adjusted=False):
    """Average the per-class recalls into a (possibly adjusted) balanced accuracy."""
    if zero_division == "warn":
        recall = recall[~empty]
    elif np.isnan(zero_division) and empty.any():
        return float("nan")
    score = np.mean(recall)
    if adjusted:
        n_classes = recall.shape[0]
        if n_classes == 1:
            from sklearn.exceptions import UndefinedMetricWarning

            warnings.warn(
                "The adjusted balanced accuracy is undefined when a single class is "
                "averaged (chance level is 1); returning NaN.",
                UndefinedMetricWarning,
                stacklevel=_STACKLEVEL,
            )
            return float("nan")
        chance = 1 / n_classes
        score -= chance
        score /= 1 - chance
    return float(score)


def recall_summary(counts, *, zero_division="warn", adjusted=False, labels_given):
    """Per-class recall and balanced accuracy from per-class counts.

    Warnings point at the caller of the function that called this one (a public
    score function or method).

    Parameters
    ----------
    counts : ClassCounts
        Per-class ``(classes, correct, support)``.
    zero_division : {"warn"} or float
        A ``zero_division`` option satisfying ``zero_division_constraints()``.
    adjusted : bool
        Whether the balanced accuracy is adjusted for chance.
    labels_given : bool
        Whether the classes came from a ``labels`` argument (changes the warning).

    Returns
    -------
    recall : ndarray of shape (n_classes,)
        The per-class recalls, as :func:`per_class_recall` returns them.
    score : float
        The balanced accuracy, as :func:`balanced_accuracy_score` returns it.
    """
    recall, empty = _recalls(
        counts.correct, counts.support, zero_division, labels_given
    )
    return recall, mean_recall(recall, empty, zero_division, adjusted)
