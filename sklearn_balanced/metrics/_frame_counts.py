"""The counts of a table, computed by its engine: one narwhals query per statistic.

Confusion counts are one ``group_by(y_true, y_pred)`` (number of rows, and the
sums of the weights and of their squares); the counts of a score are one
``group_by(y_true, score)`` when the scores take few distinct values, and
otherwise the passes of :meth:`ScoreCounts.refine`, each a ``group_by`` of the
label and a monotone integer key of the score (its bin) whose filter, to the
bins that may hold the best threshold, runs in the engine. Only the counts come
back, and they are turned into the counts of arrays by the same code as
:meth:`ConfusionCounts.update` and :meth:`ScoreCounts.update`: the groups play
the part of samples.

Engines add floats in any order: counts of rows and sums of integer weights are
exact (below 2**53), other sums of weights agree with those of NumPy to rounding.
Weights too large or too small to be summed as given are summed divided by a
power of two in the engine, as :func:`~sklearn_balanced.utils._validation.
weight_exponent` says, which takes a second query only for such weights.
"""

import math

import numpy as np

from sklearn_balanced.metrics._curve import check_binary_type
from sklearn_balanced.metrics._pair_counts import compact_pairs, sum_by_key
from sklearn_balanced.metrics._score_bins import (
    NO_BINS,
    Bins,
    join,
    merge_bins,
    singletons,
)
from sklearn_balanced.metrics._targets import _as_plain_1d, check_targets
from sklearn_balanced.utils._encode import encode_union, positive_label
from sklearn_balanced.utils._frames import (
    check_no_nulls,
    int_counts,
    label_column,
    lazy_frame,
    number_column,
    raise_nulls,
    run_query,
    to_float,
    to_numpy,
)
from sklearn_balanced.utils._steps import score_sums
from sklearn_balanced.utils._validation import check_weight_values, weight_exponent

# Column names inside the queries (the frame's own names are only selected).
_TRUE, _PRED, _SCORE, _KEY = "y_true", "y_pred", "score", "bin"
_WEIGHT, _SQUARE, _NAN, _WEIGHT_NAN = "weight", "square", "nan", "weight_nan"
_ROWS, _WEIGHTS, _SQUARES = "rows", "weights", "squares"
_N_WEIGHTS, _LOWEST_WEIGHT, _HIGHEST_WEIGHT = "n_weights", "lowest", "highest"
_N_NAN_WEIGHTS = "n_nan_weights"
_N_SCORES, _N_NAN, _LOW, _HIGH = "n_scores", "n_nan", "low", "high"
#: Most windows (candidate bins) one query bins: the expression of their keys
#: grows with their number. More windows take more queries.
_MAX_WINDOWS = 32


class FrameQuery:
    """A frame, its key columns as expressions, and the grouped queries over them.

    Parameters
    ----------
    frame : DataFrame or table
        Any frame narwhals supports, eager or lazy.
    caller_name : str
        The public function, for the error of a frame narwhals does not take.
    labels : dict
        ``{key: (argument, name)}``: the columns of labels to group by (see
        :meth:`add_key`).
    score : str or None
        The column of scores, or None.
    sample_weight : str or None
        The column of weights, or None.
    """

    def __init__(self, frame, caller_name, labels, score, sample_weight):
        self.nw, self.lazy = lazy_frame(frame, caller_name)
        self.schema = self.lazy.collect_schema()
        self.names = {}
        self.keys = {}
        for key, (argument, name) in labels.items():
            self.add_key(key, argument, name)
        self.score = None
        if score is not None:
            self.score = number_column(self.nw, self.schema, score, "score")
            self.names[_SCORE] = ("score", score)
        self.weight_name = sample_weight
        self.exponent = 0
        if sample_weight is not None:
            number_column(self.nw, self.schema, sample_weight, "sample_weight")

    def add_key(self, key, argument, name, expression=None):
        """Group by one more key, named ``key`` in the queries.

        Parameters
        ----------
        key : str
            The key's name inside the queries.
        argument, name : str
            The argument that names the key's column, and the column: the
            errors (a missing column, one of the wrong type, null values) name
            both.
        expression : narwhals expression, default=None
            The key, computed from the column in the engine (for instance a
            time window's index); None groups by the column itself, which must
            hold labels (numbers, strings or booleans).
        """
        if expression is None:
            expression = label_column(self.nw, self.schema, name, argument)
        self.keys[key] = expression
        self.names[key] = (argument, name)

    def weight(self):
        """The weights, divided by ``2**exponent``, or None."""
        if self.weight_name is None:
            return None
        return number_column(
            self.nw,
            self.schema,
            self.weight_name,
            "sample_weight",
            exponent=self.exponent,
        )

    def grouped(self, keys, *, squares=False, checks=False, limit=None, order=None):
        """Rows and weights of each group of the ``keys`` (names of columns).

        ``squares`` also sums the squared weights; ``checks`` counts, and takes
        the lowest and highest of, the weights of each group. ``limit`` bounds
        the number of groups returned, which are sorted by ``order`` (a key).
        """
        nw = self.nw
        columns = {**self.keys}
        if self.score is not None:
            columns[_SCORE] = self.score
        aggregations = [nw.len().alias(_ROWS)]
        weight = self.weight()
        if weight is not None:
            columns[_WEIGHT] = weight
            aggregations.append(nw.col(_WEIGHT).sum().alias(_WEIGHTS))
            if squares:
                columns[_SQUARE] = weight * weight
                aggregations.append(nw.col(_SQUARE).sum().alias(_SQUARES))
            if checks:
                columns[_WEIGHT_NAN] = _is_nan(nw, weight)
                aggregations += _weight_checks(nw)
        return self.run(columns, keys, aggregations, limit=limit, order=order)

    def run(self, columns, keys, aggregations, **options):
        """The groups of the ``keys``, aggregated: see ``run_query``."""
        return run_query(self.lazy, columns, keys, aggregations, **options)

    def check_nulls(self, result, rows, keys):
        """Raise if the key columns of ``result`` hold null values."""
        check_no_nulls(result, rows, {key: self.names[key] for key in keys})

    def confusion_groups(self, group_keys=()):
        """The checked rows and weights of every group of keys and labels.

        One ``group_by(*group_keys, y_true, y_pred)`` (two for weights of an
        extreme scale, see :meth:`check_weights`); the labels pass the checks
        of :meth:`ConfusionCounts.update`, no key may be null.

        Returns
        -------
        result : dict of str to ndarray
            The groups, as ``run_query`` gives them (the keys included).
        true, pred : ndarray of shape (n_groups,)
            The labels of every group.
        amounts : ndarray of shape (n_groups,)
            The int64 number of rows of every group, or with weights the
            float64 sum of its weights in units of ``2**self.exponent``.
        squares : ndarray of shape (n_groups,) or None
            The sums of the squared weights (None without weights).
        """
        keys = [*group_keys, _TRUE, _PRED]
        result = self.grouped(keys, squares=True, checks=True)
        rows = int_counts(result, _ROWS)
        self.check_nulls(result, rows, keys)
        true, pred = check_targets(to_numpy(result, _TRUE), to_numpy(result, _PRED))
        if self.check_weights(result, rows):
            result = self.grouped(keys, squares=True)
            rows = int_counts(result, _ROWS)
            true, pred = to_numpy(result, _TRUE), to_numpy(result, _PRED)
        if self.weight_name is None:
            return result, true, pred, rows, None
        return (
            result,
            true,
            pred,
            to_float(result, _WEIGHTS),
            to_float(result, _SQUARES),
        )

    def check_weights(self, result, rows):
        """Check the weights of a grouped result; set (and return) their exponent.

        Returns True when the weights need a unit other than 1 and were not all
        zero: the sums of ``result`` are then to be taken again, scaled.
        """
        if self.weight_name is None:
            return False
        n_weights = int_counts(result, _N_WEIGHTS).sum()
        raise_nulls("sample_weight", self.weight_name, int(rows.sum() - n_weights))
        extremes = np.concatenate(
            [to_float(result, _LOWEST_WEIGHT), to_float(result, _HIGHEST_WEIGHT)]
        )
        if int_counts(result, _N_NAN_WEIGHTS).sum():
            # engines whose min and max skip NaN (a sum is no proof: sums
            # past the float64 range come back NaN from some engines)
            extremes = np.append(extremes, np.nan)
        _, largest = check_weight_values(np, extremes, allow_all_zero=True)
        self.exponent = weight_exponent(largest)
        return bool(self.exponent) and largest > 0


def _is_nan(nw, column):
    """1 where ``column`` is NaN, else 0 (null where it is null)."""
    return column.is_nan().cast(nw.Int64())


def _weight_checks(nw):
    """Aggregations of the number, the NaNs, the lowest and the highest weight
    of a group (the NaNs of the column ``_WEIGHT_NAN``)."""
    weight = nw.col(_WEIGHT)
    return [
        weight.count().alias(_N_WEIGHTS),
        nw.col(_WEIGHT_NAN).sum().alias(_N_NAN_WEIGHTS),
        weight.min().alias(_LOWEST_WEIGHT),
        weight.max().alias(_HIGHEST_WEIGHT),
    ]


def confusion_query(frame, caller_name, y_true, y_pred, sample_weight):
    """The :class:`FrameQuery` of the columns of true and predicted labels."""
    return FrameQuery(
        frame,
        caller_name,
        {_TRUE: ("y_true", y_true), _PRED: ("y_pred", y_pred)},
        None,
        sample_weight,
    )


def frame_pairs(frame, y_true, y_pred, sample_weight):
    """The pair counts of the columns of a frame, as ``count_pairs`` of arrays.

    One ``group_by(y_true, y_pred)`` in the frame's engine (two for weights of
    an extreme scale); see :meth:`ConfusionCounts.from_frame`.

    Returns
    -------
    pairs : PairCounts
        Those of ``ConfusionCounts().update`` of the columns as arrays (with
        the sums of squared weights).
    """
    query = confusion_query(
        frame, "ConfusionCounts.from_frame", y_true, y_pred, sample_weight
    )
    _, true, pred, amounts, squares = query.confusion_groups()
    pairs = _group_pairs(true, pred, amounts, squares)
    return pairs._replace(exponent=query.exponent)


def _group_pairs(true, pred, counts, squares):
    """Pair counts of groups of samples: labels, and each group's count.

    ``squares`` (or None) are the groups' sums of squared weights.
    """
    classes, true_codes, pred_codes, n_codes = encode_union(true, pred)
    true_codes = np.asarray(true_codes[:], dtype=np.intp)
    pred_codes = np.asarray(pred_codes[:], dtype=np.intp)
    class_squares = None
    if squares is not None:
        class_squares = np.bincount(true_codes, squares, minlength=n_codes)
    keys, counts = sum_by_key(
        true_codes.astype(np.int64) * n_codes + pred_codes, counts
    )
    true_codes, pred_codes = np.divmod(keys, n_codes)
    return compact_pairs(
        classes,
        true_codes.astype(np.intp),
        pred_codes.astype(np.intp),
        counts,
        class_squares,
    )


def frame_score_parts(empty, frame, y_true, score, pos_label, sample_weight, max_bins):
    """The counts of a score column, as :meth:`ScoreCounts.update` counts arrays.

    Parameters
    ----------
    empty : ScoreCounts
        Counts without binning and without samples: the class whose
        ``refine`` drives the passes over the frame (taken as a parameter, so
        that this module does not import the one that calls it).
    frame, y_true, score, pos_label, sample_weight, max_bins
        See :meth:`ScoreCounts.from_frame`.

    Returns
    -------
    parts : _Parts
        The state of the counts: every distinct score counted when the frame
        holds few, else the state of a finished :meth:`ScoreCounts.refine`.
    """
    query = FrameQuery(
        frame,
        "ScoreCounts.from_frame",
        {_TRUE: ("y_true", y_true)},
        score,
        sample_weight,
    )
    # The groups come back sorted by score (the engine sorts them, in
    # parallel): see _sorted_score_sums.
    keys = [_TRUE, _SCORE]
    result = query.grouped(keys, checks=True, limit=2 * max_bins + 1, order=_SCORE)
    rows = int_counts(result, _ROWS)
    if rows.shape[0] > 2 * max_bins:
        return _binned_parts(empty, query, pos_label, max_bins)
    query.check_nulls(result, rows, keys)
    labels, scores = to_numpy(result, _TRUE), to_numpy(result, _SCORE)
    classes = _check_scores(labels, scores)
    if query.check_weights(result, rows):
        result = query.grouped(keys, order=_SCORE)
        rows = int_counts(result, _ROWS)
        labels, scores = to_numpy(result, _TRUE), to_numpy(result, _SCORE)
    weights = rows
    if sample_weight is not None:
        weights = to_float(result, _WEIGHTS)
    is_positive = labels == positive_label(classes, pos_label)
    bins = Bins(*singletons(*_sorted_score_sums(is_positive, scores, weights)))
    return empty._parts()._replace(
        bins=bins,
        exponent=query.exponent,
        classes=classes,
        pos_label=pos_label,
        n_samples=int(rows.sum()),
    )


def _sorted_score_sums(is_positive, scores, weights):
    """``score_sums`` of groups of a label and a score, sorted by score.

    A score has at most one group per class, adjacent ones when the engine
    sorted the groups by score: the sums of each distinct score are those of
    its groups, taken in that order without the sort (and the copies of the
    groups) of ``score_sums``, which sums groups in any other order.
    """
    if not scores.shape[0] or (scores[1:] < scores[:-1]).any():
        return score_sums(is_positive, scores, weights)
    starts = np.flatnonzero(np.r_[True, scores[1:] != scores[:-1]])
    positive = np.add.reduceat(np.where(is_positive, weights, 0), starts)
    negative = np.add.reduceat(np.where(is_positive, 0, weights), starts)
    return scores[starts][::-1], positive[::-1], negative[::-1]


def _check_scores(labels, scores):
    """The classes of the labels, after the checks of :meth:`ScoreCounts.update`.

    ``labels`` and ``scores`` are those of groups (or the extreme scores of
    each label): the same errors as for the samples, in the same order.
    Finite float64 scores, and at most two classes of a type that
    ``check_targets`` takes as it is, pass scikit-learn's checks: they skip
    them, and the import of scikit-learn (the command line runs without it).
    """
    if not (scores.dtype == np.float64 and scores.size and np.isfinite(scores).all()):
        from sklearn.utils import check_array

        check_array(scores, ensure_2d=False, dtype=np.float64, input_name="y_score")
    classes = np.unique(labels)
    if classes.shape[0] > 2 or _as_plain_1d(classes) is None:
        from sklearn.utils.multiclass import type_of_target

        check_binary_type(type_of_target(classes, input_name="y_true"))
    return classes


def _binned_parts(empty, query, pos_label, max_bins):
    """The counts of many distinct scores, pass after pass of bins.

    A first query takes the range of the scores (and checks the labels, the
    scores and the weights); the first pass bins the whole range, each next one
    the bins that may hold the best threshold (see :meth:`ScoreCounts.refine`),
    until none of several scores may.
    """
    summary, classes = _summary(query)
    rows = int_counts(summary, _ROWS)
    lowest = float(to_float(summary, _LOW).min())
    highest = float(to_float(summary, _HIGH).max())
    parts = empty._parts()._replace(
        windows=np.array([[lowest, highest]]),
        classes=classes,
        pos_label=pos_label,
        n_samples=int(rows.sum()),
    )
    positive = positive_label(classes, pos_label)
    while True:
        bins = _window_bins(query, parts.windows, positive, max_bins)
        counts = type(empty)._from_parts(
            parts._replace(bins=bins, exponent=query.exponent),
            max_bins=None,
            edges=None,
        )
        if counts.exact:
            return counts._parts()
        parts = counts.refine()._parts()._replace(n_samples=counts._n_samples)


def _summary(query):
    """Rows, scores and weights of each label: their ranges and null values.

    Raises the errors of :meth:`ScoreCounts.update` (nulls aside) for them.
    """
    nw = query.nw
    score = nw.col(_SCORE)
    columns = {
        **query.keys,
        _SCORE: query.score,
        _NAN: _is_nan(nw, query.score),
    }
    aggregations = [
        nw.len().alias(_ROWS),
        score.count().alias(_N_SCORES),
        score.min().alias(_LOW),
        score.max().alias(_HIGH),
        nw.col(_NAN).sum().alias(_N_NAN),
    ]
    weight = query.weight()
    if weight is not None:
        columns[_WEIGHT] = weight
        columns[_WEIGHT_NAN] = _is_nan(nw, weight)
        aggregations += [nw.col(_WEIGHT).sum().alias(_WEIGHTS), *_weight_checks(nw)]
    summary = query.run(columns, [_TRUE], aggregations)
    rows = int_counts(summary, _ROWS)
    query.check_nulls(summary, rows, [_TRUE])
    raise_nulls(
        "score",
        query.names[_SCORE][1],
        int(rows.sum() - int_counts(summary, _N_SCORES).sum()),
    )
    scores = np.concatenate([to_float(summary, _LOW), to_float(summary, _HIGH)])
    if int_counts(summary, _N_NAN).sum():
        scores = np.append(scores, np.nan)  # engines whose min and max skip NaN
    classes = _check_scores(to_numpy(summary, _TRUE), scores)
    query.check_weights(summary, rows)
    return summary, classes


def _window_bins(query, windows, positive, max_bins):
    """The bins of the scores inside ``windows`` (rows ``[low, high]``, sorted).

    Each window is cut into ``max_bins // n_windows`` equal parts (at least 2),
    a monotone integer key of the score. The windows are binned a few at a
    time, one query each, so that a query brings back at most ``2 * max_bins``
    groups (a label and a part).
    """
    n_parts = max(2, max_bins // windows.shape[0])
    per_query = min(_MAX_WINDOWS, max_bins // n_parts)
    parts = [
        _bins_of_windows(query, windows[start : start + per_query], positive, n_parts)
        for start in range(0, windows.shape[0], per_query)
    ]
    bins = Bins(*(np.concatenate(column[::-1]) for column in zip(*parts, strict=True)))
    return merge_bins(NO_BINS, bins, None)  # joins bins that overlap, if any


def _bins_of_windows(query, windows, positive, n_parts):
    """The bins of one query: ``n_parts`` keys per window, grouped with labels."""
    nw = query.nw
    score = nw.col(_SCORE)
    key = None
    inside = None
    for index, (low, high) in enumerate(windows):
        window_key = _part_key(nw, score, low, high, n_parts) + index * n_parts
        key = (
            window_key
            if key is None
            else (nw.when(score >= low).then(window_key).otherwise(key))
        )
        within = (score >= low) & (score <= high)
        inside = within if inside is None else inside | within
    columns = {**query.keys, _SCORE: query.score}
    weight = query.weight()
    aggregations = [
        nw.len().alias(_ROWS),
        score.min().alias(_LOW),
        score.max().alias(_HIGH),
    ]
    if weight is not None:
        columns[_WEIGHT] = weight
        aggregations.append(nw.col(_WEIGHT).sum().alias(_WEIGHTS))
    result = query.run(
        columns,
        [_TRUE, _KEY],
        aggregations,
        where=inside,
        derived={_KEY: key},
        order=_KEY,
    )
    keys = int_counts(result, _KEY)
    is_positive = to_numpy(result, _TRUE) == positive
    amounts = int_counts(result, _ROWS)
    if weight is not None:
        amounts = to_float(result, _WEIGHTS)
    return _key_bins(
        keys,
        to_float(result, _LOW),
        to_float(result, _HIGH),
        is_positive,
        amounts,
    )


def _part_key(nw, score, low, high, n_parts):
    """The part ``0 .. n_parts - 1`` of ``[low, high]`` a score lies in, monotone.

    ``(score - low) * (n_parts / (high - low))`` grows with the score (each
    rounding does), is 0 at ``low`` and about ``n_parts`` at ``high``, so a
    window of several scores always gets several parts. The factor is a
    number, not a division in the engine, which may take the reciprocal of a
    width too small for it to be finite; such widths (and infinite ones) are
    scaled by a power of two first.
    """
    low, high = float(low), float(high)
    if not high > low:
        return nw.lit(0, dtype=nw.Int64())
    unit = 1.0
    if math.isinf(high - low):
        unit = 0.5
    elif math.isinf(n_parts / (high - low)):
        unit = 2.0**600  # the window lies near 0: no overflow
    offset = score - low if unit == 1.0 else score * unit - low * unit
    fraction = offset * (n_parts / (high * unit - low * unit))
    return fraction.floor().clip(0, n_parts - 1).cast(nw.Int64())


def _key_bins(keys, low, high, is_positive, amounts):
    """Bins, highest first, of the groups of ``(label, key)``: labels joined.

    The groups of a key hold the positive and the negative samples of a bin
    (their lowest and highest scores, and amounts: rows or weights).
    """
    order = np.argsort(keys, kind="stable")  # the engine sorted them: cheap
    keys, is_positive = keys[order], is_positive[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    bins = join(
        Bins(
            low[order],
            high[order],
            np.where(is_positive, amounts[order], 0),
            np.where(is_positive, 0, amounts[order]),
        ),
        starts,
    )
    return bins.take(slice(None, None, -1))
