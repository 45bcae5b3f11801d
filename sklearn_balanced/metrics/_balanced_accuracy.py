"""Balanced accuracy: the mean of the per-class recalls."""

import warnings
from numbers import Real

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from sklearn_balanced.metrics._counting import check_confusion_matrix
from sklearn_balanced.utils._array_api import class_counts
from sklearn_balanced.utils._compat import Interval, StrOptions, validate_params
from sklearn_balanced.utils._validation import check_zero_division

_ZERO_DIVISION = [StrOptions({"warn"}), Interval(Real, 0, 1, closed="both"), "nan"]
_SCORE_PARAMS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "labels": ["array-like", None],
    "sample_weight": ["array-like", None],
    "zero_division": _ZERO_DIVISION,
}


def _recalls(correct, support, zero_division, labels_given):
    """Per-class recall; classes without true samples follow ``zero_division``.

    Returns the recalls (NaN where a class has no true sample and
    ``zero_division`` is "warn" or NaN) and the mask of such classes. With
    "warn", a warning says which classes are concerned. Raises ValueError when no
    class has a true sample of positive weight.
    """
    empty = support == 0
    if empty.all():
        raise ValueError(
            "Balanced accuracy is undefined: no class has a true sample of positive "
            "weight (check labels and sample_weight)."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = correct / support
    if not empty.any():
        return recall, empty
    if zero_division == "warn":
        if labels_given:
            warnings.warn(
                "Some classes in labels have no true samples; their recall is "
                "undefined and they are left out of the average. Set zero_division "
                "to choose their recall instead.",
                UndefinedMetricWarning,
                stacklevel=4,
            )
        else:
            warnings.warn("y_pred contains classes not in y_true", stacklevel=4)
        recall[empty] = np.nan
    else:
        recall[empty] = zero_division
    return recall, empty


def _mean_recall(recall, empty, zero_division, adjusted):
    """Average the per-class recalls into a (possibly adjusted) balanced accuracy."""
    if zero_division == "warn":
        recall = recall[~empty]
    elif np.isnan(zero_division) and empty.any():
        return float("nan")
    score = np.mean(recall)
    if adjusted:
        n_classes = recall.shape[0]
        if n_classes == 1:
            warnings.warn(
                "The adjusted balanced accuracy is undefined when a single class is "
                "averaged (chance level is 1); returning NaN.",
                UndefinedMetricWarning,
                stacklevel=4,
            )
            return float("nan")
        chance = 1 / n_classes
        score -= chance
        score /= 1 - chance
    return float(score)


@validate_params(
    {**_SCORE_PARAMS, "adjusted": ["boolean"]}, prefer_skip_nested_validation=True
)
def balanced_accuracy_score(
    y_true,
    y_pred,
    *,
    labels=None,
    sample_weight=None,
    adjusted=False,
    zero_division="warn",
):
    r"""Compute the balanced accuracy: the average of the recalls of the classes.

    The balanced accuracy of :math:`K` classes is

    .. math::

        \mathrm{BA} = \frac{1}{K} \sum_{k=1}^{K}
        \frac{\text{true class } k \text{ predicted as } k}{\text{true class } k},

    i.e. the mean of sensitivity and specificity for binary problems. Every class
    counts equally whatever its frequency, so "always predict the majority"
    scores :math:`1/K`. With the default ``labels=None`` and
    ``zero_division="warn"`` the result is exactly
    :func:`sklearn.metrics.balanced_accuracy_score`'s, with the same warnings and
    exception types.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    labels : array-like of shape (n_classes,), default=None
        The classes to average over, in any order (no duplicates). Samples whose
        true class is not in ``labels`` are ignored; predictions of classes outside
        ``labels`` count as errors for their true class; classes of ``labels``
        with no true sample take ``zero_division``. None means every class found
        in ``y_true`` or ``y_pred``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights. Each class's recall is the weighted
        fraction of its samples predicted correctly.

    adjusted : bool, default=False
        When True, rescale so that chance scores 0 and perfect prediction 1:
        :math:`(\mathrm{BA} - 1/K) / (1 - 1/K)`, with :math:`K` the number of
        classes averaged. Undefined (NaN, with a warning) when :math:`K = 1`.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        What to do with a class that has no true sample (a class only predicted,
        a class of ``labels`` absent from ``y_true``, or a class whose weights
        sum to zero), as its recall is 0/0:

        - ``"warn"``: leave the class out of the average and warn (scikit-learn's
          behaviour);
        - a float: use it as that class's recall;
        - ``np.nan``: return NaN.

    Returns
    -------
    balanced_accuracy : float
        The (adjusted) balanced accuracy.

    Raises
    ------
    ValueError
        For targets that are not binary or multiclass, of different lengths, empty
        or with NaN labels; for invalid ``labels`` or ``sample_weight``; and when
        no class averaged has a true sample of positive weight.

    See Also
    --------
    per_class_recall : The recalls that are averaged.
    balanced_accuracy_from_confusion_matrix : The same score from a confusion matrix.
    make_balanced_accuracy_scorer : A scorer for ``scoring=`` parameters.

    Notes
    -----
    The score is computed from per-class counts in a single pass (labels mapped to
    integer codes, one weighted ``bincount``), which is much faster than building
    a confusion matrix. With ``sklearn.set_config(array_api_dispatch=True)``, Array
    API inputs (PyTorch, CuPy, ...) are counted in their own namespace and device.

    Examples
    --------
    >>> from sklearn_balanced import balanced_accuracy_score
    >>> y_true = [0] * 990 + [1] * 10
    >>> y_pred = [0] * 1000
    >>> balanced_accuracy_score(y_true, y_pred)
    0.5
    >>> balanced_accuracy_score([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1])
    0.666...
    >>> balanced_accuracy_score(["a", "b", "c"], ["a", "b", "b"], labels=["a", "c"])
    0.5
    """
    zero_division = check_zero_division(zero_division)
    counts = class_counts(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    recall, empty = _recalls(
        counts.correct, counts.support, zero_division, labels is not None
    )
    return _mean_recall(recall, empty, zero_division, adjusted)


@validate_params(_SCORE_PARAMS, prefer_skip_nested_validation=True)
def per_class_recall(
    y_true, y_pred, *, labels=None, sample_weight=None, zero_division="warn"
):
    """Compute the recall of each class: the numbers balanced accuracy averages.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    labels : array-like of shape (n_classes,), default=None
        The classes to report, in this order. None means the sorted classes found
        in ``y_true`` or ``y_pred``. See :func:`balanced_accuracy_score`.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        Recall of a class with no true sample: ``"warn"`` gives NaN and a warning,
        a float gives that value, ``np.nan`` gives NaN silently.

    Returns
    -------
    recall : ndarray of shape (n_classes,)
        Recall of each class, in ``labels`` order. Its mean (``np.nanmean`` when
        ``zero_division="warn"`` left NaN entries) is
        :func:`balanced_accuracy_score` with the same arguments.

    See Also
    --------
    balanced_accuracy_score : The mean of these recalls.
    sklearn.metrics.recall_score : With ``average=None``, the same recalls.

    Examples
    --------
    >>> from sklearn_balanced import per_class_recall
    >>> per_class_recall(["cat", "dog", "dog", "dog"], ["cat", "cat", "dog", "dog"])
    array([1.        , 0.66666667])
    """
    zero_division = check_zero_division(zero_division)
    counts = class_counts(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    recall, _ = _recalls(
        counts.correct, counts.support, zero_division, labels is not None
    )
    return recall


@validate_params(
    {**_SCORE_PARAMS, "adjusted": ["boolean"]}, prefer_skip_nested_validation=True
)
def balanced_error_rate(
    y_true,
    y_pred,
    *,
    labels=None,
    sample_weight=None,
    adjusted=False,
    zero_division="warn",
):
    """Compute the balanced error rate: one minus the balanced accuracy.

    It is the average over classes of the fraction of each class's samples that
    are misclassified (also called the half total error rate for two classes).

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    labels : array-like of shape (n_classes,), default=None
        The classes to average over. See :func:`balanced_accuracy_score`.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights.

    adjusted : bool, default=False
        Return one minus the adjusted balanced accuracy.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        See :func:`balanced_accuracy_score`.

    Returns
    -------
    error_rate : float
        ``1 - balanced_accuracy_score(...)`` with the same arguments.

    See Also
    --------
    balanced_accuracy_score : The complement of this error rate.

    Examples
    --------
    >>> from sklearn_balanced import balanced_error_rate
    >>> balanced_error_rate([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1])
    0.333...
    """
    return 1.0 - balanced_accuracy_score(
        y_true,
        y_pred,
        labels=labels,
        sample_weight=sample_weight,
        adjusted=adjusted,
        zero_division=zero_division,
    )


@validate_params(
    {"C": ["array-like"], "adjusted": ["boolean"], "zero_division": _ZERO_DIVISION},
    prefer_skip_nested_validation=True,
)
def balanced_accuracy_from_confusion_matrix(C, *, adjusted=False, zero_division="warn"):
    """Compute the balanced accuracy of a confusion matrix.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Confusion matrix with true classes in rows and predicted classes in columns
        (the orientation of :func:`sklearn.metrics.confusion_matrix`): ``C[i, j]``
        is the number (or total weight) of samples of class ``i`` predicted as
        class ``j``. Square, finite and non-negative.

    adjusted : bool, default=False
        Rescale so that chance scores 0. See :func:`balanced_accuracy_score`.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        What to do with an all-zero row (a class with no true sample). See
        :func:`balanced_accuracy_score`.

    Returns
    -------
    balanced_accuracy : float
        The mean over rows of ``C[i, i] / C[i].sum()``.

    See Also
    --------
    balanced_accuracy_score : The same score from labels.

    Examples
    --------
    50 positives of which 45 are found, 50 negatives of which 39 are found:

    >>> from sklearn_balanced import balanced_accuracy_from_confusion_matrix
    >>> balanced_accuracy_from_confusion_matrix([[39, 11], [5, 45]])
    0.84
    >>> balanced_accuracy_from_confusion_matrix([[75, 5], [16, 4]])
    0.56875
    """
    zero_division = check_zero_division(zero_division)
    matrix = check_confusion_matrix(C)
    recall, empty = _recalls(
        np.diagonal(matrix).copy(), matrix.sum(axis=1), zero_division, False
    )
    return _mean_recall(recall, empty, zero_division, adjusted)
