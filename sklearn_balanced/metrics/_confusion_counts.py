"""Mergeable confusion counts: the statistic behind every balanced accuracy score.

Counts of batches add up to the counts of the whole, so data that does not fit in
memory (chunks of a file, partitions of a cluster) is scored by counting each
part and merging the counts, in any order or tree.
"""

from functools import partial

import numpy as np

from sklearn_balanced.metrics._counts import count_pairs, select_classes
from sklearn_balanced.metrics._frame_counts import frame_pairs
from sklearn_balanced.metrics._interval import (
    _interval_from_counts,
    classes_with_samples,
    interval_params,
    kish_sizes,
)
from sklearn_balanced.metrics._pair_counts import PairCounts, sum_by_key
from sklearn_balanced.metrics._recall import recall_summary, zero_division_constraints
from sklearn_balanced.metrics._targets import (
    check_confusion_matrix,
    check_labels,
    check_not_empty,
)
from sklearn_balanced.utils._compat import validate_params
from sklearn_balanced.utils._dask import any_dask, as_dask_arrays, map_reduce
from sklearn_balanced.utils._encode import find_labels, union_labels
from sklearn_balanced.utils._validation import check_weight_values, weight_exponent

_LABELS = {"labels": ["array-like", None]}


class ConfusionCounts:
    """Weighted confusion counts over a growing set of labels, mergeable.

    The confusion counts (samples of each true class predicted as each class)
    hold everything a balanced accuracy score needs, take memory for at most
    ``n_classes**2`` numbers whatever the number of samples, and add up: the
    counts of the parts of a data set, merged in any order, are the counts of the
    whole. Count data too large for memory chunk by chunk with :meth:`update`, or
    count partitions apart and combine them with :meth:`merge` or ``+`` (``sum``
    works too), then score them with the semantics of the score functions.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Attributes
    ----------
    labels : ndarray of shape (n_classes,)
        The labels counted so far, sorted as scikit-learn sorts them.
    confusion_matrix : ndarray of shape (n_classes, n_classes)
        The counts, true labels in rows and predicted labels in columns.

    See Also
    --------
    balanced_accuracy_score : The score of arrays held in memory.
    ScoreCounts : The mergeable statistic of a binary score, for thresholds.

    Notes
    -----
    Without weights the counts are int64 numbers of samples, exact up to 2**63
    samples. With weights they are float64 sums, kept (with the per-class sums of
    squared weights, for :meth:`interval`) in units of a power of two that only
    depends on the largest weight, so that weights of any scale neither overflow
    nor underflow and merged counts are in the unit of the whole. Merged weighted
    counts are bit for bit those of the whole when the sums are exact (for
    instance integer weights); otherwise they differ by the rounding of sums taken
    in another order. Counts without weights merged with weighted ones count each
    sample with weight 1. A batch whose weights are all zero still adds its
    labels.

    Examples
    --------
    >>> from sklearn_balanced.metrics import ConfusionCounts
    >>> counts = ConfusionCounts()
    >>> counts.update(["cat", "dog", "dog"], ["cat", "cat", "dog"])
    ConfusionCounts(labels=['cat', 'dog'], n_samples=3)
    >>> counts.update(["dog", "bird"], ["dog", "bird"]).labels
    array(['bird', 'cat', 'dog'], dtype='<U4')
    >>> counts.confusion_matrix
    array([[1, 0, 0],
           [0, 1, 0],
           [0, 1, 2]])
    >>> counts.score()
    0.888...

    Counts of partitions, merged:

    >>> parts = [ConfusionCounts().update([0, 1], [0, 0]),
    ...          ConfusionCounts().update([1, 2], [1, 2])]
    >>> sum(parts).per_class_recall()
    array([1. , 0.5, 1. ])
    """

    def __init__(self):
        self._pairs = _EMPTY

    @classmethod
    def _of(cls, pairs):
        counts = cls.__new__(cls)
        counts._pairs = pairs
        return counts

    @classmethod
    def _count(cls, y_true, y_pred, sample_weight, *, squares=False):
        """The counts of arrays, as the score functions need them.

        All-zero weights are rejected, and sums of squared weights (for an
        interval's effective sizes) are kept only when ``squares`` is True.
        """
        return cls._of(_pairs_of(y_true, y_pred, sample_weight, squares=squares))

    @classmethod
    def from_confusion_matrix(cls, C, labels=None):
        """Counts from a confusion matrix.

        Parameters
        ----------
        C : array-like of shape (n_classes, n_classes)
            Confusion matrix with true classes in rows and predicted classes in
            columns, as :func:`sklearn.metrics.confusion_matrix` returns it.
            Square, finite and non-negative; integer entries are numbers of
            samples, other entries are weights (or effective numbers of
            samples, for :meth:`interval`).
        labels : array-like of shape (n_classes,), default=None
            The label of each row (and column) of ``C``, in any order; None means
            ``0 .. n_classes - 1``.

        Returns
        -------
        counts : ConfusionCounts
            The counts, mergeable with counts of labels.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts.from_confusion_matrix(
        ...     [[45, 5], [11, 39]], labels=["yes", "no"]
        ... )
        >>> counts.labels
        array(['no', 'yes'], dtype='<U3')
        >>> counts.confusion_matrix
        array([[39, 11],
               [ 5, 45]])
        >>> counts.score()
        0.84
        """
        return cls._of(_matrix_pairs(C, labels))

    @classmethod
    def from_frame(cls, frame, *, y_true, y_pred, sample_weight=None):
        """Counts of the columns of a table, counted by the table's engine.

        One ``group_by(y_true, y_pred)`` runs where the data lives; lazy frames
        stay lazy and only the counts come back: those of :meth:`update` of
        the columns as arrays, which merge with counts of arrays.

        Parameters
        ----------
        frame : DataFrame or table
            Any frame narwhals supports (the ``tables`` extra), eager or lazy:
            pandas, Polars ``DataFrame`` or ``LazyFrame``, PyArrow ``Table``,
            DuckDB relation, PySpark or Dask ``DataFrame``, Ibis table.
        y_true : str
            The column of ground truth (correct) target labels.
        y_pred : str
            The column of predicted labels.
        sample_weight : str, default=None
            The column of non-negative, finite sample weights.

        Returns
        -------
        counts : ConfusionCounts
            The counts of every row of ``frame``.

        Raises
        ------
        TypeError
            If narwhals does not support ``frame``.
        ValueError
            If a column is missing or holds null values (the message names it
            and says how many), or for what :meth:`update` rejects.

        Notes
        -----
        Labels keep the type of their column: integers, strings (``'007'`` and
        ``'7'`` differ), booleans; pandas nullable dtypes count as the plain
        ones, categorical columns as their strings. Counts of rows, and sums of
        integer weights below 2**53, are exact; other sums are those of
        :meth:`update` up to rounding (the engine adds in its own order: a
        relative difference of about 1e-12 at most). Weights of any scale are
        summed in units of a power of two, as :meth:`update` sums them: past
        2**64 (or all under 2**-64) at the cost of a second query.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> frame = pd.DataFrame({"label": ["cat", "dog", "dog"],
        ...                       "predicted": ["cat", "cat", "dog"]})
        >>> counts = ConfusionCounts.from_frame(frame, y_true="label",
        ...                                     y_pred="predicted")
        >>> counts == ConfusionCounts().update(frame["label"], frame["predicted"])
        True
        >>> counts.score()
        0.75
        """
        return cls._of(frame_pairs(frame, y_true, y_pred, sample_weight))

    def update(self, y_true, y_pred, sample_weight=None):
        """Add the counts of a batch of samples.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Ground truth (correct) target labels.
        y_pred : array-like of shape (n_samples,)
            Predicted labels. Array API inputs (with
            ``sklearn.set_config(array_api_dispatch=True)``) are counted in their
            namespace and device; only the counts come back to NumPy. Dask
            arrays and series are counted block by block where they live, and
            the blocks' counts merged in a tree.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative, finite sample weights.

        Returns
        -------
        self : ConfusionCounts
            The updated counts.

        Raises
        ------
        ValueError
            For the targets and weights :func:`balanced_accuracy_score` rejects
            (but weights that are all zero), or labels of another kind (strings
            or numbers) than those counted. The counts are unchanged then.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts().update([0, 1, 1], [0, 1, 0])
        >>> counts.update([1, 2], [1, 2], sample_weight=[2.0, 0.5]).confusion_matrix
        array([[1. , 0. , 0. ],
               [1. , 3. , 0. ],
               [0. , 0. , 0.5]])
        """
        batch = _pairs_of(
            y_true, y_pred, sample_weight, squares=True, allow_all_zero=True
        )
        self._pairs = merge_pairs(self._pairs, batch)
        return self

    def merge(self, other):
        """Add the counts of ``other`` (for instance those of another partition).

        Parameters
        ----------
        other : ConfusionCounts
            The counts to add; they are not changed.

        Returns
        -------
        self : ConfusionCounts
            The merged counts, over the union of the labels.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts().update(["b", "b"], ["b", "a"])
        >>> counts.merge(ConfusionCounts().update(["c"], ["c"])).labels
        array(['a', 'b', 'c'], dtype='<U1')
        """
        self._pairs = merge_pairs(self._pairs, _check_other(other)._pairs)
        return self

    def __add__(self, other):
        if not isinstance(other, ConfusionCounts):
            return NotImplemented
        return ConfusionCounts._of(merge_pairs(self._pairs, other._pairs))

    def __radd__(self, other):
        if isinstance(other, int) and other == 0:  # the start of sum()
            return ConfusionCounts._of(self._pairs)
        return NotImplemented

    def __eq__(self, other):
        if not isinstance(other, ConfusionCounts):
            return NotImplemented
        first, second = self._pairs, other._pairs
        return (
            np.array_equal(first.classes, second.classes)
            and np.array_equal(self.confusion_matrix, other.confusion_matrix)
            and np.array_equal(
                _squares_on(first, first.classes, 0),
                _squares_on(second, second.classes, 0),
            )
        )

    __hash__ = None

    def __repr__(self):
        total = self._pairs.counts.sum()
        size = (
            f"n_samples={int(total)}"
            if self._pairs.counts.dtype.kind == "i"
            else f"total_weight={float(np.ldexp(total, self._pairs.exponent)):.6g}"
        )
        return f"{type(self).__name__}(labels={self._pairs.classes.tolist()}, {size})"

    @property
    def labels(self):
        """The labels counted so far, sorted as scikit-learn sorts them."""
        return self._pairs.classes.copy()

    @property
    def confusion_matrix(self):
        """The counts: ``[i, j]`` is the weight of true ``labels[i]`` predicted ``j``.

        int64 numbers of samples without weights, float64 total weights (as
        given, infinite past the float64 range) with weights.
        """
        pairs = self._pairs
        n_classes = pairs.classes.shape[0]
        matrix = np.zeros((n_classes, n_classes), dtype=pairs.counts.dtype)
        matrix[pairs.true, pairs.pred] = pairs.counts
        if matrix.dtype.kind == "f":
            with np.errstate(over="ignore"):
                matrix = np.ldexp(matrix, pairs.exponent)
        return matrix

    @validate_params(
        lambda: {
            "adjusted": ["boolean"],
            "zero_division": zero_division_constraints(),
            **_LABELS,
        },
        prefer_skip_nested_validation=True,
    )
    def score(self, *, adjusted=False, zero_division="warn", labels=None):
        """The balanced accuracy of the counts.

        The same value, warnings and errors as :func:`balanced_accuracy_score`
        with the same arguments on the samples counted.

        Parameters
        ----------
        adjusted : bool, default=False
            Rescale so that chance scores 0 and perfect prediction 1.
        zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
            What to do with a class without true samples. See
            :func:`balanced_accuracy_score`.
        labels : array-like of shape (n_classes,), default=None
            The classes to average over, in any order; labels never counted have
            no true samples. None means every counted label.

        Returns
        -------
        balanced_accuracy : float
            The (adjusted) balanced accuracy.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts().update([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1])
        >>> counts.score()
        0.666...
        >>> counts.score(labels=[1, 2], zero_division=0.0)
        0.333...
        """
        counts, _ = self._class_counts(labels)
        _, score = recall_summary(
            counts,
            zero_division=zero_division,
            adjusted=adjusted,
            labels_given=labels is not None,
        )
        return score

    def accuracy(self):
        """The share of the counted weight on the diagonal: the plain accuracy.

        The value of :func:`sklearn.metrics.accuracy_score` on the samples
        counted, computed on the counts in their power-of-two unit, so that it
        is finite whatever the scale of the weights (where the total weight, or
        even one cell of :attr:`confusion_matrix`, is past the float64 range).

        Returns
        -------
        accuracy : float
            The counted weight of correct predictions over the total counted
            weight; NaN where every weight counted is zero.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts().update([0, 0, 1, 1], [0, 0, 1, 0])
        >>> counts.accuracy()
        0.75
        >>> counts.update([0, 1], [0, 1], sample_weight=[1e308, 1e308]).accuracy()
        1.0
        """
        self._class_counts(None)  # the error when nothing was counted
        pairs = self._pairs
        total = pairs.counts.sum()
        if not total:
            return float("nan")
        return float(pairs.counts[pairs.true == pairs.pred].sum() / total)

    @validate_params(
        lambda: {"zero_division": zero_division_constraints(), **_LABELS},
        prefer_skip_nested_validation=True,
    )
    def per_class_recall(self, *, zero_division="warn", labels=None):
        """The recall of each class, as :func:`per_class_recall` computes it.

        Parameters
        ----------
        zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
            Recall of a class with no true sample.
        labels : array-like of shape (n_classes,), default=None
            The classes to report, in this order. None means every counted label.

        Returns
        -------
        recall : ndarray of shape (n_classes,)
            Recall of each class, in ``labels`` order.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts().update(["cat", "dog"], ["cat", "cat"])
        >>> counts.per_class_recall()
        array([1., 0.])
        """
        counts, _ = self._class_counts(labels)
        recall, _ = recall_summary(
            counts, zero_division=zero_division, labels_given=labels is not None
        )
        return recall

    @validate_params(
        lambda: {**interval_params(), **_LABELS}, prefer_skip_nested_validation=True
    )
    def interval(
        self,
        *,
        confidence=0.95,
        method="posterior",
        labels=None,
        n_resamples=9999,
        random_state=None,
    ):
        """Interval estimate of the balanced accuracy of the counts.

        The result of :func:`balanced_accuracy_interval` with the same arguments
        on the samples counted: weighted counts use each class's Kish effective
        sample size, from the sums of squared weights kept while counting.

        Parameters
        ----------
        confidence : float, default=0.95
            Probability content of the interval, strictly between 0 and 1.
        method : {"posterior", "bootstrap", "bootstrap-percentile"}, \
                default="posterior"
            How the interval is computed.
        labels : array-like of shape (n_classes,), default=None
            The classes to average over; each must have true samples. None means
            the labels with true samples.
        n_resamples : int, default=9999
            Number of bootstrap replicates (bootstrap methods only).
        random_state : int, RandomState instance or None, default=None
            Seed of the bootstrap replicates (bootstrap methods only).

        Returns
        -------
        result : BalancedAccuracyInterval
            The score, the interval and, for the posterior, its summaries.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ConfusionCounts
        >>> counts = ConfusionCounts.from_confusion_matrix([[39, 11], [5, 45]])
        >>> result = counts.interval()
        >>> round(result.low, 3), round(result.high, 3)
        (0.751, 0.892)
        """
        counts, squares = self._class_counts(labels)
        labels_given = labels is not None
        kept = classes_with_samples(
            counts.classes, counts.support, labels_given=labels_given
        )
        if squares is None:
            with np.errstate(over="ignore"):
                sizes = np.ldexp(counts.support, self._pairs.exponent)
        else:
            sizes = kish_sizes(counts.classes, counts.support, squares)
        _, score = recall_summary(counts, labels_given=labels_given)
        return _interval_from_counts(
            score,
            counts.correct[kept] / counts.support[kept],
            sizes[kept],
            confidence,
            method,
            n_resamples,
            random_state,
        )

    def _class_counts(self, labels):
        """Per-class counts and sums of squared weights, as ``select_classes``."""
        if not self._pairs.classes.shape[0]:
            raise ValueError(
                "No samples have been counted: call update (or merge counts) first."
            )
        return select_classes(self._pairs, labels)


_EMPTY = PairCounts(
    classes=np.zeros(0),
    true=np.zeros(0, dtype=np.intp),
    pred=np.zeros(0, dtype=np.intp),
    counts=np.zeros(0, dtype=np.int64),
    squares=None,
    exponent=0,
)


def _pairs_of(y_true, y_pred, sample_weight, *, squares, allow_all_zero=False):
    """``count_pairs`` of arrays, or of Dask collections block by block.

    A Dask input is counted where each block lives (the blocks validate
    themselves) and the blocks' counts are merged in a tree: only counts reach
    the client.
    """
    if not any_dask(y_true, y_pred, sample_weight):
        return count_pairs(
            y_true,
            y_pred,
            sample_weight,
            squares=squares,
            allow_all_zero=allow_all_zero,
        )
    blocks = as_dask_arrays(
        y_true, y_pred, sample_weight, caller_name="ConfusionCounts"
    )
    pairs = map_reduce(partial(_block_pairs, squares=squares), merge_pairs, *blocks)
    check_not_empty(pairs.classes.shape[0])
    if sample_weight is not None:
        check_weight_values(
            np,
            np.append(pairs.counts.astype(np.float64), 0.0),
            allow_all_zero=allow_all_zero,
        )
    return pairs


def _block_pairs(y_true, y_pred, sample_weight, *, squares):
    """The pair counts of one block of a Dask input (none for an empty block)."""
    if not np.shape(y_true)[0]:
        return _EMPTY
    return count_pairs(
        y_true, y_pred, sample_weight, squares=squares, allow_all_zero=True
    )


def _check_other(other):
    if not isinstance(other, ConfusionCounts):
        raise TypeError(
            f"other must be a ConfusionCounts, got {type(other).__name__} instead."
        )
    return other


def merge_pairs(first, second):
    """The pair counts of two batches together, over the union of their labels.

    Both are brought to the larger of their units (a power of two), re-indexed on
    the union of their labels and summed pair by pair, first's counts before
    second's.
    """
    if not first.classes.shape[0]:
        return second
    if not second.classes.shape[0]:
        return first
    classes = union_labels(first.classes, second.classes)
    exponent = max(first.exponent, second.exponent)
    keys, counts = sum_by_key(
        *(
            np.concatenate(column)
            for column in zip(
                *(_reindexed(pairs, classes, exponent) for pairs in (first, second)),
                strict=True,
            )
        )
    )
    positive = counts != 0  # only underflow on rescaling makes a zero
    true, pred = np.divmod(keys[positive], classes.shape[0])
    squares = None
    if first.squares is not None or second.squares is not None:
        squares = _squares_on(first, classes, exponent)
        squares += _squares_on(second, classes, exponent)
    return PairCounts(classes, true, pred, counts[positive], squares, exponent)


def _reindexed(pairs, classes, exponent):
    """Keys of ``pairs`` on ``classes`` and their counts in units of ``2**exponent``."""
    position, _ = find_labels(classes, pairs.classes)
    keys = position[pairs.true].astype(np.int64) * classes.shape[0]
    keys += position[pairs.pred]
    counts = pairs.counts
    if exponent != pairs.exponent:
        counts = np.ldexp(counts.astype(np.float64), pairs.exponent - exponent)
    return keys, counts


def _squares_on(pairs, classes, exponent):
    """Per-class sums of squared weights of ``pairs`` on ``classes``.

    In units of ``2**(2 * exponent)``; counts without weights count as weight 1
    per sample (or per unit of a confusion matrix entry).
    """
    squares = np.zeros(classes.shape[0])
    if not pairs.classes.shape[0]:
        return squares
    position, _ = find_labels(classes, pairs.classes)
    if pairs.squares is None:
        totals = np.bincount(
            pairs.true,
            pairs.counts.astype(np.float64),
            minlength=pairs.classes.shape[0],
        )
        shift = pairs.exponent - 2 * exponent
    else:
        totals, shift = pairs.squares, 2 * (pairs.exponent - exponent)
    with np.errstate(over="ignore"):
        squares[position] = np.ldexp(totals, shift)
    return squares


def _matrix_pairs(C, labels):
    """The pair counts of a confusion matrix whose rows are ``labels``."""
    matrix = check_confusion_matrix(C)
    n_classes = matrix.shape[0]
    labels = np.arange(n_classes) if labels is None else np.asarray(labels)
    if labels.shape != (n_classes,):
        raise ValueError(
            f"labels must hold one label per row of C ({n_classes}), got an array "
            f"of shape {labels.shape}."
        )
    check_labels(labels, labels)
    order = np.argsort(labels, kind="stable")
    matrix = matrix[np.ix_(order, order)]
    exponent = 0
    if matrix.dtype.kind == "f":
        exponent = weight_exponent(float(matrix.max()))
        matrix = np.ldexp(matrix, -exponent)
    flat = np.flatnonzero(matrix)
    true, pred = np.divmod(flat, n_classes)
    return PairCounts(
        labels[order], true, pred, matrix.reshape(-1)[flat], None, exponent
    )
