"""The bins of :class:`~sklearn_balanced.metrics.ScoreCounts` and their algebra.

Bins of neighbouring scores, highest first, with the positive and negative weight
of each: merged (overlapping bins joined, or cells of a dyadic hierarchy over the
float64 order), brought to a common power-of-two unit of weight, and bounded (the
best balanced accuracy a threshold inside a bin may reach). Pure functions over
arrays; :mod:`._score_counts` holds the state and the passes over the data.
"""

from typing import NamedTuple

import numpy as np

from sklearn_balanced.utils._steps import COUNT_TIE_TOLERANCE, balanced_accuracy_rates


class Bins(NamedTuple):
    """Bins of scores, highest first, with their positive and negative weight.

    ``low[i] <= high[i]`` are the lowest and highest score counted in bin ``i``;
    ``high[i + 1] < low[i]`` (bins do not overlap). A bin with ``low == high``
    holds one distinct score, exactly.
    """

    low: np.ndarray
    high: np.ndarray
    positive: np.ndarray
    negative: np.ndarray

    def take(self, index):
        return Bins(*(column[index] for column in self))

    def copy(self):
        return Bins(*(column.copy() for column in self))


NO_BINS = Bins(
    np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
)


def common_unit(*parts):
    """The largest exponent of the ``(bins, exponent)`` parts that hold bins.

    Units only grow with the weights (see ``weight_exponent``), so counts merged
    in this unit are in the unit of the whole data.
    """
    return max((exponent for bins, exponent in parts if bins.low.shape[0]), default=0)


def in_unit(bins, exponent, unit):
    """``bins`` with their weights (in units of ``2**exponent``) in units of
    ``2**unit``, ``unit >= exponent``: exact, or negligible weights underflow."""
    if exponent == unit:
        return bins
    return bins._replace(
        positive=np.ldexp(bins.positive, exponent - unit),
        negative=np.ldexp(bins.negative, exponent - unit),
    )


def singletons(scores, positive, negative):
    """Bins of one distinct score each."""
    return scores, scores, positive, negative


def inside(windows, scores):
    """Which scores lie in one of the ``windows`` (rows ``[low, high]``, sorted)."""
    if not windows.shape[0]:
        return np.zeros(scores.shape, dtype=bool)
    index = np.searchsorted(windows[:, 0], scores, side="right") - 1
    return (index >= 0) & (scores <= windows[np.maximum(index, 0), 1])


def merge_bins(first, second, edges):
    """Bins of both: overlapping bins (or, with edges, bins of a cell) joined.

    The weights of joined bins are summed in the order of
    :func:`ascending_union`.
    """
    bins = ascending_union(first, second)
    if not bins.low.shape[0]:
        return bins
    if edges is None:
        reach = np.maximum.accumulate(bins.high)
        starts = np.r_[True, bins.low[1:] > reach[:-1]]
    else:
        cell = np.searchsorted(edges, bins.low, side="right")
        starts = np.r_[True, cell[1:] != cell[:-1]]
    return Bins(*(column[::-1] for column in join(bins, np.flatnonzero(starts))))


def join(bins, starts):
    """Join the runs of bins that begin at ``starts``."""
    return Bins(
        np.minimum.reduceat(bins.low, starts),
        np.maximum.reduceat(bins.high, starts),
        np.add.reduceat(bins.positive, starts),
        np.add.reduceat(bins.negative, starts),
    )


def merge_cells(first, second, level, max_bins):
    """Bins of both, joined by cell at the finest level that fits ``max_bins``.

    A bin at level ``L`` is the cell ``key >> L`` of the :func:`order_keys` of
    its scores: the cells of a level are nested in those of the next. The bins
    of both are of ``level`` or a finer one, so each lies in one cell of any
    level from ``level`` up.

    Returns
    -------
    bins : Bins
        The bins of both joined by cell, highest first.
    level : int
        The lowest level from ``level`` up at which they occupy at most
        ``max_bins`` cells.
    """
    bins = ascending_union(first, second)
    if not bins.low.shape[0]:
        return bins, level
    keys = order_keys(bins.low)
    if keys.shape[0] > max_bins:
        # Neighbouring keys share their cell at level L iff L is at least the
        # bit length of their XOR, so L leaves one cell more than the bit
        # lengths above L: at most max_bins from the max_bins-th largest up.
        split = bit_length((keys[1:] ^ keys[:-1]).view(np.uint64))
        level = max(level, int(np.partition(split, -max_bins)[-max_bins]))
    cells = keys >> level
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    low, high, positive, negative = join(bins, starts)
    # -0.0 and 0.0 share a key: 0.0 whichever of them came first.
    joined = Bins(low + 0.0, high + 0.0, positive, negative)
    return joined.take(slice(None, None, -1)), level


def ascending_union(first, second):
    """The bins of both (highest first), sorted stably by their lowest score.

    At equal lowest scores, the bins of ``first`` come before those of
    ``second``.
    """
    columns = [
        np.concatenate([one[::-1], other[::-1]])
        for one, other in zip(first, second, strict=True)
    ]
    order = np.argsort(columns[0], kind="stable")
    return Bins(*(column[order] for column in columns))


def order_keys(scores):
    """int64 keys of finite float64 scores, in the same order (0.0 == -0.0).

    The bits of a non-negative float64 grow with it; those of a negative one,
    sign bit aside, grow with its magnitude, so they are flipped.
    """
    bits = (scores + 0.0).view(np.int64)
    return bits ^ ((bits >> 63) & 0x7FFF_FFFF_FFFF_FFFF)


def bit_length(values):
    """The number of significant bits of each uint64 value."""
    length = np.zeros(values.shape, dtype=np.int64)
    for shift in (32, 16, 8, 4, 2, 1):
        shifted = values >> np.uint64(shift)
        above = shifted != 0
        values = np.where(above, shifted, values)
        length += shift * above
    return length + (values != 0)


def steps_between_bins(curve, high, coarse):
    """The balanced accuracy as a step function whose steps avoid bin insides.

    Each bin of several scores adds the step of its inside, from its highest
    score down to (not including) its lowest, where the balanced accuracy is
    unknown: that step is marked infeasible, so that a threshold is only chosen
    where the balanced accuracy of the counted samples is exact.
    """
    lows = np.cumsum(1 + coarse)  # the step of each bin's lowest score
    thresholds = np.empty(lows[-1] + 1)
    values = np.empty(thresholds.shape)
    feasible = np.ones(thresholds.shape, dtype=bool)
    thresholds[0], values[0] = np.inf, curve.balanced_accuracy[0]
    thresholds[lows] = curve.thresholds[1:]
    values[lows] = curve.balanced_accuracy[1:]
    insides = lows[coarse] - 1
    thresholds[insides] = high[coarse]
    values[insides] = curve.balanced_accuracy[:-1][coarse]
    feasible[insides] = False
    return thresholds, values, feasible


def candidates(upper, best, where=None):
    """The bins whose upper bound reaches ``best``: they may hold the optimum.

    Reaching means a tie (select_plateau's tolerance), up to the rounding of
    the bound itself; a bin of one score (bound ``-inf``) has no inside, even
    for ``best = -inf``. ``where`` (one entry per bin, or None) excludes bins.
    """
    reach = (upper >= best - 2 * COUNT_TIE_TOLERANCE) & (upper > -np.inf)
    if where is None:
        return reach
    where = np.asarray(where, dtype=bool)
    if where.shape != upper.shape:
        raise ValueError(
            "where must hold one entry per step of curve() (n_thresholds - 1 = "
            f"{upper.shape[0]}), got shape {where.shape}."
        )
    return reach & where


def upper_bounds(bins):
    """The best balanced accuracy a threshold inside each bin may reach.

    At most all the bin's positive weight and none of its negative weight is
    predicted positive; ``-inf`` for bins of one distinct score.
    """
    true_positives = np.cumsum(bins.positive)
    false_positives = np.cumsum(bins.negative)
    above = np.concatenate(([0], false_positives[:-1]))
    _, _, upper = balanced_accuracy_rates(
        true_positives, above, true_positives[-1], false_positives[-1]
    )
    return np.where(bins.low < bins.high, upper, -np.inf)
