"""Counting a batch of targets: its pair counts and the per-class counts of scores.

Labels are mapped to integer codes once (an offset for small-range integers, a
sorted set of classes otherwise, see :mod:`sklearn_balanced.utils._encode`), then
counted chunk by chunk (:mod:`~sklearn_balanced.metrics._pair_counts`), or in
their own namespace for Array API inputs
(:mod:`~sklearn_balanced.metrics._namespace_counts`). The counts of batches simply
add up: a batch is summarised by
:class:`~sklearn_balanced.metrics._pair_counts.PairCounts`, which
:class:`~sklearn_balanced.metrics.ConfusionCounts` merges.

Weights of extreme scale are first divided by a power of two near the largest
one: ratios of counts (every score) do not change, and no sum of weights, or of
squared weights, overflows or underflows whatever their scale.
"""

from typing import NamedTuple

import numpy as np

from sklearn_balanced.metrics._namespace_counts import namespace_pairs
from sklearn_balanced.metrics._pair_counts import count_codes, count_small_integers
from sklearn_balanced.metrics._targets import (
    check_confusion_matrix,
    check_labels,
    check_targets,
)
from sklearn_balanced.utils._array_api import is_numpy_namespace
from sklearn_balanced.utils._encode import encode_union, find_labels
from sklearn_balanced.utils._validation import (
    WEIGHT_RANGE,
    check_weight_layout,
    check_weight_values,
    scale_weights,
)


class ClassCounts(NamedTuple):
    """Per-class counts behind every balanced accuracy score.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        The classes, in ``labels`` order, or the sorted union of the labels of
        ``y_true`` and ``y_pred`` when ``labels`` is None.
    correct : ndarray of shape (n_classes,)
        Total weight of the samples of each true class predicted as that class.
    support : ndarray of shape (n_classes,)
        Total weight of the samples of each true class.
    """

    classes: np.ndarray
    correct: np.ndarray
    support: np.ndarray


def count_pairs(
    y_true, y_pred, sample_weight=None, *, squares=False, allow_all_zero=False
):
    """The confusion counts of a batch of targets, NumPy or Array API.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Ground truth and predicted labels. Array API inputs (with
        ``sklearn.set_config(array_api_dispatch=True)``) are counted in their own
        namespace and device; only the counts come back to NumPy.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    squares : bool, default=False
        Also sum the squared weights of each true class (with weights only).
    allow_all_zero : bool, default=False
        The samples are a part of a larger set: their weights may all be zero.

    Returns
    -------
    pairs : PairCounts
        The counts, in units of ``2**exponent`` with weights.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import count_pairs
    >>> pairs = count_pairs(["a", "b", "b"], ["a", "a", "b"])
    >>> pairs.classes.tolist(), pairs.true.tolist(), pairs.pred.tolist()
    (['a', 'b'], [0, 1, 1], [0, 0, 1])
    >>> pairs.counts
    array([1, 1, 1])
    """
    from sklearn import get_config

    if get_config()["array_api_dispatch"]:
        # Only arrays name a namespace: scikit-learn < 1.7 rejects plain lists.
        from sklearn_balanced.utils._compat import get_namespace

        arrays = [a for a in (y_true, y_pred, sample_weight) if hasattr(a, "shape")]
        xp, is_array_api = get_namespace(*arrays)
        if is_array_api and not is_numpy_namespace(xp):
            return namespace_pairs(
                xp, y_true, y_pred, sample_weight, squares, allow_all_zero
            )
    y_true, y_pred = check_targets(y_true, y_pred)
    weights = _weight_array(sample_weight, y_true.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):  # weights unchecked yet
        pairs = count_small_integers(y_true, y_pred, weights, squares)
        if pairs is not None and _ordinary_total(pairs, weights):
            return pairs
    weights, exponent = _scaled_weights(weights, allow_all_zero)
    if pairs is not None:  # weights of an extreme scale or all zero, now checked
        pairs = count_small_integers(y_true, y_pred, weights, squares)
    else:
        classes, true_codes, pred_codes, n_codes = encode_union(y_true, y_pred)
        pairs = count_codes(classes, true_codes, pred_codes, n_codes, weights, squares)
    return pairs._replace(exponent=exponent)


def _weight_array(sample_weight, n_samples):
    """NumPy sample weights of a valid layout, as float64 (values unchecked).

    The input itself when it is float64: it is never modified.
    """
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    check_weight_layout(
        weights.shape, weights.dtype, n_samples, numeric=weights.dtype.kind in "biuf"
    )
    return weights.astype(np.float64, copy=False)


def _ordinary_total(pairs, weights):
    """Whether counts of unchecked weights, none negative or NaN, stand as they are.

    The total weight counted rules out infinite weights and bounds the largest
    weight: a total in ``[2 n 2**-64, 2**63)`` keeps it where weights are summed
    as given (see ``weight_exponent``), with no reduction over the weights.
    Without weights, every count stands.
    """
    if weights is None:
        return True
    total = float(np.add.reduce(pairs.counts))
    return (
        2 * weights.shape[0] * 2.0**-WEIGHT_RANGE <= total < 2.0 ** (WEIGHT_RANGE - 1)
    )


def _scaled_weights(weights, allow_all_zero):
    """Check float64 sample weights and bring them to a safe scale.

    Returns
    -------
    weights : ndarray of shape (n_samples,) of float64 or None
        The weights in units of ``2**exponent`` (the input itself when it
        needs no scaling: it is never modified).
    exponent : int
        See ``weight_exponent``.
    """
    if weights is None:
        return None, 0
    _, largest = check_weight_values(np, weights, allow_all_zero=allow_all_zero)
    return scale_weights(np, weights, largest)


def select_classes(pairs, labels=None):
    """Per-class counts of the counted classes, or of ``labels`` in their order.

    Parameters
    ----------
    pairs : PairCounts
        Counts with at least one class.
    labels : array-like of shape (n_labels,), default=None
        Classes to report, in this order. Samples whose true class is not in
        ``labels`` are left out; predictions outside ``labels`` count as errors;
        labels never counted have zero counts. None means every counted class.

    Returns
    -------
    counts : ClassCounts
        ``(classes, correct, support)``, float64 in the units of ``pairs``.
    squares : ndarray of shape (n_classes,) of float64 or None
        The per-class sums of squared weights (``pairs.squares`` selected alike).

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import count_pairs, select_classes
    >>> pairs = count_pairs([0, 1, 1, 2], [0, 0, 1, 1])
    >>> counts, _ = select_classes(pairs, labels=[1, 5])
    >>> counts.correct, counts.support
    (array([1., 0.]), array([2., 0.]))
    """
    n_classes = pairs.classes.shape[0]
    weights = pairs.counts.astype(np.float64)
    support = np.bincount(pairs.true, weights, minlength=n_classes)
    correct = np.zeros(n_classes)
    diagonal = pairs.true == pairs.pred
    correct[pairs.true[diagonal]] = weights[diagonal]
    if labels is None:
        return ClassCounts(pairs.classes, correct, support), pairs.squares
    labels = check_labels(labels, pairs.classes)
    position, found = find_labels(pairs.classes, labels)
    counts = ClassCounts(
        labels, _take(correct, position, found), _take(support, position, found)
    )
    squares = None if pairs.squares is None else _take(pairs.squares, position, found)
    return counts, squares


def _take(values, position, found):
    """``values[position]`` where found, 0 elsewhere."""
    return np.where(found, values[position], 0.0)


def confusion_counts(y_true, y_pred, *, labels=None, sample_weight=None):
    """Count, per class, the samples and the correctly predicted samples.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, in the order of the output. Samples whose true class is
        not in ``labels`` are ignored; predictions outside ``labels`` count as
        errors. None means the sorted union of the labels of both arrays.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    counts : ClassCounts
        ``(classes, correct, support)``; ``correct`` and ``support`` are float64
        totals of the weights as given (infinite where a total exceeds the
        float64 range).

    See Also
    --------
    count_pairs : The counts of every (true, predicted) pair, in units of a power
        of two of the weights.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import confusion_counts
    >>> confusion_counts(["a", "b", "b"], ["a", "a", "b"])
    ClassCounts(classes=array(['a', 'b'], dtype='<U1'), correct=array([1., 1.]),
                support=array([1., 2.]))
    """
    pairs = count_pairs(y_true, y_pred, sample_weight, allow_all_zero=True)
    counts, _ = select_classes(pairs, labels)
    with np.errstate(over="ignore"):
        return counts._replace(
            correct=np.ldexp(counts.correct, pairs.exponent),
            support=np.ldexp(counts.support, pairs.exponent),
        )


def class_counts(
    y_true, y_pred, *, labels=None, sample_weight=None, squared_weights=False
):
    """Per-class counts of any supported input, NumPy or Array API.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Ground truth and predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, as in ``confusion_counts``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    squared_weights : bool, default=False
        Return, as ``support``, the per-class sums of the squares of the scaled
        weights (the squares of the units of ``squared_weights=False``, so that
        ``support**2 / squared_support`` is the Kish effective size); ``correct``
        is then None.

    Returns
    -------
    counts : ClassCounts
        Per-class ``(classes, correct, support)`` as NumPy arrays. With weights,
        ``correct`` and ``support`` are in the units of ``weight_exponent``:
        their ratios (the recalls) are those of the weights as given, free of
        overflow and underflow.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import class_counts
    >>> class_counts([0, 1, 1], [0, 0, 1]).correct
    array([1., 1.])
    >>> class_counts([0, 1, 1], [0, 0, 1], sample_weight=[1e308] * 3).support
    array([0.55626846, 1.11253693])
    """
    pairs = count_pairs(y_true, y_pred, sample_weight, squares=squared_weights)
    counts, squares = select_classes(pairs, labels)
    if not squared_weights:
        return counts
    return counts._replace(
        correct=None, support=counts.support if squares is None else squares
    )


def matrix_counts(C):
    """Per-class counts of a confusion matrix, each row scaled to its largest entry.

    Every row is divided by the power of two that brings its largest entry into
    [0.5, 1), so its total cannot overflow and its recall is exact.

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Confusion matrix (rows: true classes, columns: predicted classes).

    Returns
    -------
    counts : ClassCounts
        ``(arange(n_classes), correct, support)``, row ``i`` in units of
        ``2**exponents[i]``.
    exponents : ndarray of shape (n_classes,) of int
        The exponents of the rows' units: ``np.ldexp(counts.support, exponents)``
        are the row totals (infinite where they exceed the float64 range).

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import matrix_counts
    >>> counts, exponents = matrix_counts([[3, 1], [0, 2]])
    >>> counts.correct / counts.support
    array([0.75, 1.  ])
    """
    matrix = check_confusion_matrix(C).astype(np.float64)
    _, exponents = np.frexp(matrix.max(axis=1))
    relative = np.ldexp(matrix, -exponents[:, np.newaxis])
    counts = ClassCounts(
        np.arange(matrix.shape[0]), np.diagonal(relative).copy(), relative.sum(axis=1)
    )
    return counts, exponents
