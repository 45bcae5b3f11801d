"""Mergeable counts of a binary score: its balanced accuracy at every threshold.

The balanced accuracy of "positive iff ``score >= t``" only depends on the
positive and negative weight at each distinct score, which add up over parts of
the data. Bins of neighbouring scores bound the memory; since the balanced
accuracy is known exactly between bins and bounded inside them, a second pass
over the data that keeps only the scores of the bins that may hold the optimum
finds the exact optimum in bounded memory.

:func:`~sklearn_balanced.metrics.balanced_accuracy_curve` (in :mod:`._score_curve`)
goes through these counts for a Dask input.
"""

import copy
import math
import operator
from functools import partial
from numbers import Integral
from typing import NamedTuple

import numpy as np

from sklearn_balanced.metrics._curve import (
    check_binary_scores,
    check_binary_type,
    curve_from_sums,
)
from sklearn_balanced.metrics._frame_counts import frame_score_parts
from sklearn_balanced.metrics._score_bins import (
    NO_BINS,
    Bins,
    candidates,
    common_unit,
    in_unit,
    inside,
    merge_bins,
    merge_cells,
    singletons,
    steps_between_bins,
    upper_bounds,
)
from sklearn_balanced.utils._dask import any_dask, as_dask_arrays, map_reduce
from sklearn_balanced.utils._encode import positive_label, union_labels
from sklearn_balanced.utils._steps import (
    check_tie_break,
    score_sums,
    select_plateau,
)


class _Parts(NamedTuple):
    """All that :class:`ScoreCounts` holds but its parameters.

    ``max_bins`` and ``edges`` are the binning, checked. ``bins`` are the
    counts, of the hierarchy of ``max_bins`` at ``level``; ``frozen`` are the
    bins of a first pass that :meth:`ScoreCounts.refine` keeps, and
    ``windows`` (rows ``[low, high]``, increasing; None for all scores)
    the scores that the pass after it counts. The weights of ``bins``
    (``frozen``) are in units of ``2**exponent`` (``2**frozen_exponent``), so
    that no sum of weights overflows. ``classes`` and ``pos_label`` are the
    labels counted, ``n_samples`` the number of samples.
    """

    max_bins: int | None
    edges: np.ndarray | None
    bins: Bins = NO_BINS
    level: int = 0
    exponent: int = 0
    frozen: Bins = NO_BINS
    frozen_exponent: int = 0
    windows: np.ndarray | None = None
    classes: np.ndarray = np.zeros(0)
    pos_label: object = None
    n_samples: int = 0


class ScoreCounts:
    """Positive and negative weight per distinct score, mergeable: exact thresholds.

    The balanced accuracy of the rule "positive iff ``y_score >= threshold``" at
    every threshold, and its best threshold, only depend on the total positive
    and negative weight at each distinct score. These totals add up over parts of
    the data: count chunks with :meth:`update`, or partitions apart and combine
    them with :meth:`merge` or ``+`` (``sum`` works too), in any order.

    Read more in the :ref:`User Guide <threshold_tuning>`.

    Parameters
    ----------
    max_bins : int, default=None
        Bound the memory to ``max_bins`` bins: the scores share the bins of a
        fixed hierarchy of intervals, the same for all counts, that halve the
        float64 numbers in order (bins as fine as a distinct score each, then
        pairs of neighbouring float64 numbers, fours, ...), and the counts use
        the finest level at which the counted scores occupy at most
        ``max_bins`` bins; while at most ``max_bins`` distinct scores are
        counted, nothing is binned. The balanced accuracy is then exact
        between bins and bounded inside them; :meth:`optimality_gap` certifies
        how far the best threshold found can be from the exact optimum, and
        :meth:`refine` starts the pass over the data that removes the gap.
        None counts every distinct score (exact, memory proportional to the
        number of distinct scores).
    edges : array-like of shape (n_edges,), default=None
        Fixed bin edges instead (for instance quantiles of a sample of the
        scores): the scores of each interval ``[edges[i], edges[i + 1])`` (and
        those below the first edge or above the last) share a bin. Bins defined
        by edges at quantiles of the scores bound the optimum more tightly than
        those of ``max_bins``, which are narrower near zero than far from it.
        Exclusive with ``max_bins``.

    See Also
    --------
    balanced_accuracy_curve : The curve of scores held in memory.
    ConfusionCounts : The mergeable statistic of predicted labels.

    Notes
    -----
    Without weights the counts are int64 numbers of samples, so merged counts
    (and curves, thresholds) are bit for bit those of the whole data; with
    weights this holds whenever the sums are exact (for instance integer
    weights), and otherwise up to the rounding of sums taken in another order.
    Weighted counts are kept in units of a power of two that only depends on
    the largest weight, as in :class:`ConfusionCounts`, so that weights of any
    scale (1e308, subnormals) neither overflow nor underflow.
    The bins of ``max_bins``, like those of ``edges``, do not depend on the
    order in which the data is counted, nor on how it is split into chunks and
    partitions: the level of the hierarchy is the finest at which all the
    counted scores fit in ``max_bins`` bins, which no part of the data needs
    to exceed, so the bins of every part line up. Counts hold at most
    ``max_bins`` bins after each update or merge (and, during an update, the
    distinct scores of its batch). Counts made from counts (``copy.copy``,
    ``+``, ``sum``, :meth:`refine`) share no array with them, so a copy of
    refined empty counts can count each chunk of the next pass.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics import ScoreCounts, balanced_accuracy_curve
    >>> rng = np.random.default_rng(0)
    >>> y_true = rng.integers(0, 2, 10_000)
    >>> y_score = y_true + rng.normal(size=10_000)
    >>> counts = ScoreCounts()
    >>> for chunk in np.array_split(np.arange(10_000), 4):
    ...     counts = counts.update(y_true[chunk], y_score[chunk])
    >>> threshold = counts.best_threshold()
    >>> threshold == balanced_accuracy_curve(y_true, y_score).best_threshold()
    True

    In bounded memory, with two passes over the data:

    >>> coarse = ScoreCounts(max_bins=64)
    >>> for chunk in np.array_split(np.arange(10_000), 4):
    ...     coarse = coarse.update(y_true[chunk], y_score[chunk])
    >>> bool(coarse.optimality_gap() < 0.05)
    True
    >>> fine = coarse.refine()
    >>> for chunk in np.array_split(np.arange(10_000), 4):
    ...     fine = fine.update(y_true[chunk], y_score[chunk])
    >>> fine.best_threshold() == threshold, fine.optimality_gap()
    (True, 0.0)
    """

    def __init__(self, *, max_bins=None, edges=None):
        self.max_bins = max_bins
        self.edges = edges
        self._hold(_Parts(*_check_binning(max_bins, edges)))

    @classmethod
    def _from_parts(cls, parts, *, max_bins, edges):
        """Counts of the parameters ``max_bins`` and ``edges`` holding ``parts``.

        ``parts.max_bins`` and ``parts.edges`` are the checked parameters. The
        counts hold copies of the arrays of ``parts``: no two counts share one.
        """
        counts = cls.__new__(cls)
        counts.max_bins = max_bins
        counts.edges = edges
        counts._hold(parts)
        return counts

    def _hold(self, parts):
        """Hold ``parts``, copies of their arrays."""
        self._max_bins = parts.max_bins
        self._edges = None if parts.edges is None else parts.edges.copy()
        self._bins = parts.bins.copy()
        self._level = parts.level
        self._exponent = parts.exponent
        self._frozen = parts.frozen.copy()
        self._frozen_exponent = parts.frozen_exponent
        self._windows = None if parts.windows is None else parts.windows.copy()
        self._classes = parts.classes.copy()
        self._pos_label = parts.pos_label
        self._n_samples = parts.n_samples

    def _parts(self):
        """The :class:`_Parts` these counts hold (their own arrays, not copies)."""
        return _Parts(
            self._max_bins,
            self._edges,
            self._bins,
            self._level,
            self._exponent,
            self._frozen,
            self._frozen_exponent,
            self._windows,
            self._classes,
            self._pos_label,
            self._n_samples,
        )

    def __copy__(self):
        """Counts equal to these, sharing no array with them (``copy.copy``)."""
        return ScoreCounts._from_parts(
            self._parts(), max_bins=self.max_bins, edges=self.edges
        )

    @classmethod
    def from_frame(
        cls,
        frame,
        *,
        y_true,
        score,
        pos_label=None,
        sample_weight=None,
        max_bins=1 << 20,
    ):
        """Counts of the columns of a table, counted by the table's engine.

        The queries run where the data lives; lazy frames stay lazy and only
        counts come back. While the frame holds at most ``max_bins`` distinct
        scores, one ``group_by(y_true, score)`` counts each: the counts are
        those of :meth:`update` of the columns as arrays, and merge with counts
        of arrays. With more, the scores are counted in bins, pass after pass
        as :meth:`refine` counts them (the filter to the bins that may hold
        the best threshold runs in the engine), until the counts are
        :attr:`exact`: the :meth:`best_threshold` of :meth:`update`.

        Parameters
        ----------
        frame : DataFrame or table
            Any frame narwhals supports (the ``tables`` extra), eager or lazy:
            pandas, Polars, PyArrow, DuckDB, PySpark, Dask, Ibis.
        y_true : str
            The column of binary true labels.
        score : str
            The column of scores of the positive class (numeric).
        pos_label : int, float, bool or str, default=None
            The positive class. When None, ``y_true`` must take values in
            ``{0, 1}`` or ``{-1, 1}`` and the positive class is 1.
        sample_weight : str, default=None
            The column of non-negative, finite sample weights.
        max_bins : int, default=2**20
            The bound of the memory, at least 2: a query brings back at most
            ``2 * max_bins + 1`` groups (of a label and a score, or a bin).

        Returns
        -------
        counts : ScoreCounts
            The counts of every row of ``frame``, :attr:`exact`.

        Raises
        ------
        TypeError
            If narwhals does not support ``frame``.
        ValueError
            If a column is missing or holds null values (the message names it
            and says how many), or for what :meth:`update` rejects.

        Notes
        -----
        With more groups than ``2 * max_bins``, the counts are those of a
        finished :meth:`refine`: bins away from the best threshold stay bins
        (:meth:`curve` is exact at their lowest scores), merging them with
        other counts raises a ValueError, and :meth:`update` would only count
        the scores inside their last bins. Labels, weights and nulls are read
        as in :meth:`ConfusionCounts.from_frame`; pandas reads NaN as null.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> frame = pd.DataFrame({"label": [0, 0, 1, 0, 1, 1],
        ...                       "proba": [0.1, 0.2, 0.3, 0.6, 0.7, 0.9]})
        >>> counts = ScoreCounts.from_frame(frame, y_true="label", score="proba")
        >>> counts.best_threshold()
        0.25
        >>> few = ScoreCounts.from_frame(frame, y_true="label", score="proba",
        ...                              max_bins=2)
        >>> few.best_threshold(), few.exact
        (0.25, True)
        """
        _check_binning(max_bins, None)
        parts = frame_score_parts(
            cls(), frame, y_true, score, pos_label, sample_weight, max_bins
        )
        return cls._from_parts(parts, max_bins=None, edges=None)

    def update(self, y_true, y_score, *, pos_label=None, sample_weight=None):
        """Add the counts of a batch of samples.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary true labels. Every batch counted together must use the same
            two labels (one batch may hold one of them only).
        y_score : array-like of shape (n_samples,)
            Scores of the positive class (probabilities or decision values).
            Dask arrays and series are counted block by block where they live
            (with the binning of these counts) and the blocks' counts merged in
            a tree, with the bins the whole data would get in one update.
        pos_label : int, float, bool or str, default=None
            The positive class, the same in every batch. When None, ``y_true``
            must take values in ``{0, 1}`` or ``{-1, 1}`` and the positive class
            is 1.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : ScoreCounts
            The updated counts. After :meth:`refine`, only the scores inside the
            bins that may hold the optimum are counted.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> counts = ScoreCounts().update(["no", "yes"], [0.2, 0.7], pos_label="yes")
        >>> counts.update(["yes"], [0.4], pos_label="yes").curve().tpr
        array([0. , 0.5, 1. , 1. ])
        """
        if any_dask(y_true, y_score, sample_weight):
            return self.merge(
                self._dask_counts(y_true, y_score, pos_label, sample_weight)
            )
        y_true, y_score, weights, exponent = check_binary_scores(
            y_true, y_score, sample_weight, allow_all_zero=True
        )
        classes = self._binary_union(np.unique(y_true), pos_label)
        is_positive = y_true == positive_label(classes, pos_label)
        if self._windows is not None:
            kept = inside(self._windows, y_score)
            is_positive, y_score = is_positive[kept], y_score[kept]
            weights = None if weights is None else weights[kept]
        batch = Bins(*singletons(*score_sums(is_positive, y_score, weights)))
        self._combine(batch, 0, exponent)
        self._classes, self._pos_label = classes, pos_label
        self._n_samples += y_true.shape[0]
        return self

    def merge(self, other):
        """Add the counts of ``other`` (for instance those of another partition).

        Parameters
        ----------
        other : ScoreCounts
            Counts with the same ``max_bins`` and ``edges`` (and, after
            :meth:`refine`, refined from the same counts); they are not changed.

        Returns
        -------
        self : ScoreCounts
            The merged counts.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> counts = ScoreCounts().update([0, 1], [0.1, 0.8])
        >>> counts.merge(ScoreCounts().update([0, 1], [0.3, 0.5])).best_threshold()
        0.4
        """
        self._check_compatible(other)
        classes = self._binary_union(other._classes, other._pos_label)
        if other._classes.shape[0]:
            self._pos_label = other._pos_label
        self._combine(other._bins, other._level, other._exponent)
        self._classes = classes.copy()  # they may be those of other
        self._n_samples += other._n_samples
        return self

    def __add__(self, other):
        if not isinstance(other, ScoreCounts):
            return NotImplemented
        return copy.copy(self).merge(other)

    def __radd__(self, other):
        if isinstance(other, int) and other == 0:  # the start of sum()
            return copy.copy(self)
        return NotImplemented

    def __repr__(self):
        n_bins = self._bins.low.shape[0] + self._frozen.low.shape[0]
        binning = (
            f", max_bins={self.max_bins}" if self._max_bins is not None else ""
        ) + (", edges=..." if self._edges is not None else "")
        refined = ", refined" if self._windows is not None else ""
        return (
            f"{type(self).__name__}(n_bins={n_bins}{binning}{refined}, "
            f"n_samples={self._n_samples})"
        )

    def curve(self):
        """The balanced accuracy curve of the counted scores.

        Returns
        -------
        curve : BalancedAccuracyCurve
            Exactly what :func:`balanced_accuracy_curve` returns for the
            counted samples, when every distinct score is counted. With bins,
            the curve at ``np.inf`` and at the lowest score of each bin (those
            points are exact); use :meth:`best_threshold` for a threshold, which
            avoids the inside of the bins.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> curve = ScoreCounts().update([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).curve()
        >>> curve.thresholds.tolist(), curve.balanced_accuracy.tolist()
        ([inf, 0.8, 0.4, 0.35, 0.1], [0.5, 0.75, 0.5, 0.75, 0.5])
        """
        bins = self._all_bins()
        return curve_from_sums(bins.low, bins.positive, bins.negative)

    def best_threshold(self, tie_break="middle"):
        """Threshold in the middle of the best plateau of the balanced accuracy.

        The threshold :meth:`BalancedAccuracyCurve.best_threshold` returns for
        the counted samples when every distinct score is counted (also after
        :meth:`refine`). With bins, the best threshold between bins, whose
        balanced accuracy is exact; :meth:`optimality_gap` bounds what a
        threshold inside a bin could add.

        Parameters
        ----------
        tie_break : {"middle", "lowest", "highest"}, default="middle"
            Which plateau to use when several separated ones reach the best
            balanced accuracy.

        Returns
        -------
        threshold : float
            The threshold of the rule "positive iff ``y_score >= threshold``".

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> counts = ScoreCounts().update([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> counts.best_threshold("lowest"), counts.best_threshold("highest")
        (0.22499999999999998, 0.6000000000000001)
        """
        check_tie_break(tie_break)
        threshold, _, _, _ = self._search(tie_break)
        return threshold

    def optimality_gap(self):
        """Certified bound on what the best threshold misses of the optimum.

        Returns
        -------
        gap : float
            An upper bound on the best balanced accuracy over all thresholds
            minus that of :meth:`best_threshold`, on the counted samples: 0.0
            when every distinct score is counted. Inside a bin, the balanced
            accuracy is at most that of counting all the bin's positive weight
            and none of its negative weight.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> counts = ScoreCounts(edges=[0.5])
        >>> counts = counts.update([0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.9])
        >>> counts.best_threshold(), round(counts.optimality_gap(), 3)
        (0.44999999999999996, 0.167)
        """
        _, best, upper, _ = self._search("middle")
        return float(max(np.max(upper, initial=-np.inf) - best, 0.0))

    @property
    def exact(self):
        """Whether :meth:`best_threshold` is that of every score counted apart.

        True when no bin of several scores may hold, or tie with, the best
        balanced accuracy: :meth:`best_threshold` is then the threshold of
        :func:`balanced_accuracy_curve` on the counted samples (for any
        ``tie_break``). A zero :meth:`optimality_gap` is not enough: a bin on
        a plateau of best values can only widen the plateau, which moves its
        middle. Refine and count again until it is True.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> y_true, y_score = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.9]
        >>> counts = ScoreCounts(edges=[0.5]).update(y_true, y_score)
        >>> counts.exact, counts.refine().update(y_true, y_score).exact
        (False, True)
        """
        _, best, _, _ = self._search("middle")
        return not self.may_reach(best)

    def may_reach(self, value, *, where=None):
        """Whether a threshold inside a bin of several scores may reach ``value``.

        Parameters
        ----------
        value : float
            A balanced accuracy, for instance the best one under constraints
            that only the caller knows, found on the exact points of
            :meth:`curve`.
        where : array-like of bool of shape (n_thresholds - 1,), default=None
            Which steps of :meth:`curve`, between ``thresholds[i]`` and
            ``thresholds[i + 1]``, may hold the threshold sought (a bin lies
            inside one step): for instance those where constraints on rates
            that are monotone in the threshold hold at one end at least. None
            allows every step.

        Returns
        -------
        may_reach : bool
            True when the upper bound of some bin of several scores reaches
            ``value`` (ties included, within rounding): refining that bin, see
            ``floor`` in :meth:`refine`, may find a threshold as good. False
            when no threshold of the counted samples that these counts do not
            show can reach it.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> y_true, y_score = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.9]
        >>> counts = ScoreCounts(edges=[0.5]).update(y_true, y_score)
        >>> counts.may_reach(0.8), counts.may_reach(0.9)
        (True, False)
        """
        _, _, upper, _ = self._search("middle")
        return bool(candidates(upper, value, where).any())

    def refine(self, *, max_bins=None, floor=None, where=None):
        """Counts for a second pass over the data, exact where the optimum may be.

        The bins whose upper bound reaches the best balanced accuracy found
        (within rounding) may hold the optimum: the returned counts keep the
        totals of the other bins, and their :meth:`update` counts only the
        scores inside those bins. Once the same data is counted again (in any
        chunks or partitions, merged), :meth:`best_threshold` is the exact one.

        Parameters
        ----------
        max_bins : int, default=None
            Bound the memory of the next pass: the scores of the candidate bins
            are counted in at most ``max_bins`` bins (exactly when they hold at
            most ``max_bins`` distinct scores). Refine and count again while
            the counts are not :attr:`exact`: each pass leaves fewer scores
            in the candidate bins, and a pass whose bins all stay candidates is
            followed by an exact one, so the loop ends. None counts the scores
            of the candidate bins exactly, in one pass (memory proportional to
            their number of distinct scores).
        floor : float, default=None
            Keep the bins that :meth:`may_reach` this balanced accuracy rather
            than the best one found between bins: for a threshold chosen under
            constraints (on the recalls, say), the best balanced accuracy that
            meets them, lower than the best one. Refine and count again while
            the counts :meth:`may_reach` it. None uses the best one found.
        where : array-like of bool of shape (n_thresholds - 1,), default=None
            Keep only the bins inside these steps of :meth:`curve`, as in
            :meth:`may_reach`. None allows every step.

        Returns
        -------
        counts : ScoreCounts
            Empty counts for the next pass.

        Examples
        --------
        >>> from sklearn_balanced.metrics import ScoreCounts
        >>> y_true, y_score = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.9]
        >>> fine = ScoreCounts(edges=[0.5]).update(y_true, y_score).refine()
        >>> fine = fine.update(y_true, y_score)
        >>> fine.best_threshold(), fine.optimality_gap()
        (0.25, 0.0)

        In bounded memory, pass after pass:

        >>> counts = ScoreCounts(max_bins=2).update(y_true, y_score)
        >>> while not counts.exact:
        ...     counts = counts.refine(max_bins=2).update(y_true, y_score)
        >>> counts.best_threshold()
        0.25
        """
        _, best, upper, bins = self._search("middle")
        if floor is not None and math.isnan(floor):
            raise ValueError("floor must be a balanced accuracy, got nan.")
        candidate = candidates(upper, best if floor is None else floor, where)
        window = bins.take(candidate)
        windows = np.column_stack([window.low, window.high])[::-1]
        if self._windows is not None and (
            np.count_nonzero(candidate) >= self._bins.low.shape[0]
            or np.array_equal(windows, self._windows)
        ):
            # Every bin of this pass may still hold the optimum: binned again,
            # the same scores would give the same bins. Count them exactly.
            max_bins = None
        parts = _Parts(
            *_check_binning(max_bins, None),
            frozen=bins.take(~candidate),
            frozen_exponent=self._unit(),
            windows=windows,
            classes=self._classes,
            pos_label=self._pos_label,
        )
        return ScoreCounts._from_parts(parts, max_bins=max_bins, edges=None)

    def _dask_counts(self, y_true, y_score, pos_label, sample_weight):
        """The counts of Dask collections, made block by block, merged in a tree.

        Each block is counted by empty counts of the same binning (and, after
        :meth:`refine`, the same windows), so that the blocks' counts merge
        with these.
        """
        parts = self._parts()._replace(bins=NO_BINS, level=0, exponent=0, n_samples=0)
        empty = ScoreCounts._from_parts(parts, max_bins=self.max_bins, edges=self.edges)
        blocks = as_dask_arrays(
            y_true, y_score, sample_weight, caller_name="ScoreCounts"
        )
        count = partial(_count_block, empty, pos_label=pos_label)
        return map_reduce(count, operator.add, *blocks)

    def _binary_union(self, classes, pos_label):
        """The labels counted and ``classes``, checked to be binary for pos_label.

        Once labels are counted, ``pos_label`` must stay the same.
        """
        if not classes.shape[0]:
            return self._classes
        if self._classes.shape[0]:
            if pos_label != self._pos_label:
                raise ValueError(
                    "pos_label must be the same for all the counts, got "
                    f"{pos_label!r} after {self._pos_label!r}."
                )
            classes = union_labels(self._classes, classes)
        if classes.shape[0] > 2:
            check_binary_type("multiclass")
        positive_label(classes, pos_label)
        return classes

    def _check_compatible(self, other):
        if not isinstance(other, ScoreCounts):
            raise TypeError(
                f"other must be a ScoreCounts, got {type(other).__name__} instead."
            )
        same = (
            self._max_bins == other._max_bins
            and _same(self._edges, other._edges)
            and _same(self._windows, other._windows)
            and all(map(_same, self._frozen, other._frozen))
            and self._frozen_exponent == other._frozen_exponent
        )
        if not same:
            raise ValueError(
                "ScoreCounts can only be merged with counts of the same max_bins "
                "and edges (refined from the same counts, after refine)."
            )

    def _combine(self, bins, level, exponent):
        """Add ``bins`` (of the max_bins hierarchy at ``level``, weights in units
        of ``2**exponent``) to these, in the larger of the two units."""
        unit = common_unit((self._bins, self._exponent), (bins, exponent))
        ours = in_unit(self._bins, self._exponent, unit)
        bins = in_unit(bins, exponent, unit)
        if self._max_bins is None:
            self._bins = merge_bins(ours, bins, self._edges)
        else:
            self._bins, self._level = merge_cells(
                ours, bins, max(self._level, level), self._max_bins
            )
        self._exponent = unit

    def _unit(self):
        """The exponent of the unit of the weights of :meth:`_all_bins`."""
        return common_unit(
            (self._frozen, self._frozen_exponent), (self._bins, self._exponent)
        )

    def _all_bins(self):
        unit = self._unit()
        bins = merge_bins(
            in_unit(self._frozen, self._frozen_exponent, unit),
            in_unit(self._bins, self._exponent, unit),
            None,
        )
        if not bins.low.shape[0]:
            raise ValueError(
                "No samples have been counted: call update (or merge counts) first."
            )
        return bins

    def _search(self, tie_break):
        """The best threshold between bins, its value and each bin's upper bound.

        Returns
        -------
        threshold, best : float
            The threshold (``select_plateau`` over the steps between bins) and
            its balanced accuracy.
        upper : ndarray of shape (n_bins,)
            The most a threshold inside each bin may reach (``-inf`` for a bin of
            one distinct score, which has no inside).
        bins : Bins
            All the bins, those of the first pass kept by :meth:`refine` included.
        """
        bins = self._all_bins()
        curve = curve_from_sums(bins.low, bins.positive, bins.negative)
        if np.isnan(curve.balanced_accuracy).all():
            raise ValueError(
                "No sample of positive weight has been counted: the balanced "
                "accuracy is undefined."
            )
        thresholds, values, feasible = steps_between_bins(
            curve, bins.high, bins.low < bins.high
        )
        threshold, best = select_plateau(
            thresholds, values, tie_break, feasible=feasible
        )
        return threshold, best, upper_bounds(bins), bins


def _count_block(empty, y_true, y_score, sample_weight, *, pos_label):
    """The counts of one block of a Dask input, by a copy of ``empty``."""
    counts = copy.copy(empty)
    if not np.shape(y_true)[0]:
        return counts
    return counts.update(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )


def _check_binning(max_bins, edges):
    """Validate ``max_bins`` and ``edges``; return them as used."""
    if max_bins is not None and edges is not None:
        raise ValueError("max_bins and edges are exclusive: give one of them.")
    if max_bins is not None and (
        not isinstance(max_bins, Integral) or isinstance(max_bins, bool) or max_bins < 2
    ):
        raise ValueError(
            f"max_bins must be an integer of at least 2, got {max_bins!r}."
        )
    if edges is None:
        return max_bins, None
    edges = np.asarray(edges, dtype=np.float64)
    if (
        edges.ndim != 1
        or not edges.shape[0]
        or not np.isfinite(edges).all()
        or (np.diff(edges) <= 0).any()
    ):
        raise ValueError(
            "edges must be a non-empty 1-D array of finite, strictly increasing values."
        )
    return None, edges


def _same(first, second):
    if first is None or second is None:
        return first is second
    return np.array_equal(first, second)
