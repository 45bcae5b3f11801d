"""Exact sweeps of step functions of a threshold: the shared search primitives.

A thresholded score changes its predictions only where the threshold crosses an
observed score, so every objective built from counts (balanced accuracy, a
recall, a positive rate) is a step function of the threshold. These functions
sort scores into cut points, accumulate per-sample contributions over them,
evaluate several folds' step functions on the union of their cut points and
pick a threshold in the middle of the best plateau, among the feasible ones when
constraints restrict the choice. They are pure functions over
arrays, used by the curves of :mod:`sklearn_balanced.metrics` and by the
searches of :mod:`sklearn_balanced.model_selection`.
"""

import numpy as np

TIE_BREAKS = ("middle", "lowest", "highest")


def check_tie_break(tie_break):
    """Raise a ValueError naming ``tie_break`` unless it is a known option."""
    if tie_break not in TIE_BREAKS:
        raise ValueError(
            f"tie_break must be one of {list(TIE_BREAKS)}, got {tie_break!r}."
        )


def cut_points(scores, tol=0.0):
    """Sort ``scores`` decreasingly and locate the ends of equal-score blocks.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,)
        Finite scores.
    tol : float, default=0.0
        Scores closer than ``tol`` to their neighbour in sorted order share a
        block (chained), whose cut point is its lowest score. Scores computed
        with rounding errors (sums of several terms) then share one cut point
        when they are equal up to rounding.

    Returns
    -------
    order : ndarray of shape (n_samples,)
        Indices sorting ``scores`` in decreasing order.
    ends : ndarray of shape (n_blocks,)
        Position, in sorted order, of the last sample of each block.
    thresholds : ndarray of shape (n_blocks + 1,)
        ``np.inf`` followed by the lowest score of each block, decreasing.

    Examples
    --------
    >>> from sklearn_balanced.utils._steps import cut_points
    >>> order, ends, thresholds = cut_points(np.array([0.2, 0.9, 0.2]))
    >>> ends.tolist(), thresholds.tolist()
    ([0, 2], [inf, 0.9, 0.2])
    >>> cut_points(np.array([0.3, 0.1 + 0.2, 0.9]), tol=1e-12)[2].tolist()
    [inf, 0.9, 0.3]
    """
    order = np.argsort(scores)[::-1]
    ranked = scores[order]
    breaks = np.append(ranked[:-1] - ranked[1:] > tol, scores.size > 0)
    ends = np.flatnonzero(breaks)
    return order, ends, np.concatenate(([np.inf], ranked[ends]))


def sums_above(sorted_values, ends):
    """``sums[j]``: total of the values scoring at least ``thresholds[j]``.

    ``sorted_values`` are aligned with the decreasing order of :func:`cut_points`
    and ``ends`` are its block ends; ``sums[0]`` (threshold ``inf``) is 0.
    """
    return np.concatenate(([0.0], np.cumsum(sorted_values)[ends]))


def score_sums(is_positive, scores, weights):
    """Positive and negative weight of every distinct score, highest score first.

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
    distinct : ndarray of shape (n_distinct,)
        The distinct scores, decreasing.
    positive, negative : ndarray of shape (n_distinct,)
        Positive and negative weight at each score: int64 numbers of samples
        without weights, float64 sums with weights.

    Examples
    --------
    >>> from sklearn_balanced.utils._steps import score_sums
    >>> score_sums(np.array([True, False, True]), np.array([0.2, 0.9, 0.2]), None)
    (array([0.9, 0.2]), array([0, 2]), array([1, 0]))
    """
    order, ends, thresholds = cut_points(scores)
    if not ends.shape[0]:
        empty = np.zeros(0, dtype=np.int64 if weights is None else np.float64)
        return thresholds[1:], empty, empty
    starts = np.r_[0, ends[:-1] + 1]
    ranked_positive = is_positive[order]
    if weights is None:
        positive = np.add.reduceat(ranked_positive.astype(np.int64), starts)
        negative = np.diff(np.r_[starts, scores.shape[0]]) - positive
    else:
        ranked_weight = weights[order]
        positive = np.add.reduceat(ranked_weight * ranked_positive, starts)
        negative = np.add.reduceat(ranked_weight * ~ranked_positive, starts)
    return thresholds[1:], positive, negative


def accumulate(distinct, positive, negative):
    """Thresholds and the weights at or above them, from the weights per cut point.

    ``distinct`` are strictly decreasing cut points and ``positive`` and
    ``negative`` the weights from each cut point down to the next one (as
    :func:`score_sums` gives them). Returns ``thresholds`` (``np.inf`` then
    ``distinct``) and the cumulative ``true_positives`` and ``false_positives``
    (0 at ``np.inf``).
    """
    true_positives = np.concatenate(([0], np.cumsum(positive)))
    false_positives = np.concatenate(([0], np.cumsum(negative)))
    return np.concatenate(([np.inf], distinct)), true_positives, false_positives


def class_sums_above(is_positive, scores, weights):
    """Cut points of a binary score and the class weights at or above each.

    With weights, the scores are sorted once and each distinct score's weights
    are summed, then accumulated (:func:`score_sums`, :func:`accumulate`), so
    that the sums do not depend on the order of tied samples. Without weights,
    the counts are exact integers, found without sorting the samples' indices
    (:func:`_counts_above`).

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
    thresholds : ndarray of shape (n_distinct + 1,)
        ``np.inf`` followed by the distinct scores, decreasing.
    true_positives, false_positives : ndarray of shape (n_distinct + 1,)
        Positive and negative weight scoring at least each threshold: int64
        numbers of samples without weights, float64 sums with weights.

    Examples
    --------
    >>> from sklearn_balanced.utils._steps import class_sums_above
    >>> is_positive = np.array([True, False, True])
    >>> class_sums_above(is_positive, np.array([0.2, 0.9, 0.2]), None)
    (array([inf, 0.9, 0.2]), array([0, 0, 2]), array([0, 1, 1]))
    """
    if weights is not None:
        return accumulate(*score_sums(is_positive, scores, weights))
    return _counts_above(is_positive, scores)


def _counts_above(is_positive, scores):
    """:func:`class_sums_above` without weights, from sorted values only.

    Sorting the values is several times faster than sorting their indices
    (``np.sort`` against ``np.argsort``), and the counts need no order of the
    samples: the scores are sorted, and so are those of the rarer class, each
    of which is then located at the start of its block of equal scores (one
    binary search per rare sample). The numbers of rare samples and of all
    samples below each block give the counts at or above every distinct score.
    """
    n_samples = scores.shape[0]
    ascending = np.sort(scores)
    is_start = np.empty(n_samples, dtype=bool)
    is_start[:1] = True
    np.greater(ascending[1:], ascending[:-1], out=is_start[1:])
    # First position of each block of equal scores, highest scores first.
    starts = np.flatnonzero(is_start)[::-1]
    n_positive = np.count_nonzero(is_positive)
    count_positives = 2 * n_positive <= n_samples
    rare = is_positive if count_positives else ~is_positive
    n_rare = n_positive if count_positives else n_samples - n_positive
    block_of_rare = np.searchsorted(ascending, np.sort(scores[rare]))
    rare_through = np.cumsum(np.bincount(block_of_rare, minlength=n_samples))[starts]
    # At each threshold, inf first, the samples not below it: the rare ones
    # below a distinct score are those through the next lower one.
    thresholds = np.empty(starts.shape[0] + 1)
    thresholds[0] = np.inf
    np.take(ascending, starts, out=thresholds[1:])
    above = np.empty(thresholds.shape, dtype=np.int64)
    above[0] = 0
    np.subtract(n_samples, starts, out=above[1:])
    rare_above = np.empty(thresholds.shape, dtype=np.int64)
    np.subtract(n_rare, rare_through, out=rare_above[:-1])
    rare_above[-1] = n_rare
    true_positives = rare_above if count_positives else above - rare_above
    above -= true_positives
    return thresholds, true_positives, above


def balanced_accuracy_rates(true_positives, false_positives, positives, negatives):
    """TPR, TNR and balanced accuracy of the rules with these counts.

    A class with zero total weight has an undefined recall, reported as NaN;
    the balanced accuracy is then the recall of the other class.
    """
    if positives > 0:
        tpr = true_positives / positives
    else:
        tpr = np.full(np.shape(true_positives), np.nan)
    if negatives > 0:
        # Counts (integers below 2**53) subtract exactly in float64.
        tnr = np.subtract(negatives, false_positives, dtype=np.float64)
        tnr /= negatives
    else:
        tnr = np.full(np.shape(false_positives), np.nan)
    if positives > 0 and negatives > 0:
        balanced_accuracy = tpr + tnr
        balanced_accuracy /= 2
        return tpr, tnr, balanced_accuracy
    return tpr, tnr, tpr if positives > 0 else tnr


def union_evaluation(fold_thresholds):
    """Union of the folds' cut points and each fold's curve index at each of them.

    Parameters
    ----------
    fold_thresholds : list of ndarray
        Each fold's strictly decreasing thresholds, ``np.inf`` first.

    Returns
    -------
    thresholds : ndarray of shape (n_thresholds,)
        ``np.inf`` followed by the union of the finite thresholds, decreasing.
    indices : list of ndarray of shape (n_thresholds,)
        For each fold, the position in its own curve that applies at each
        union threshold (the number of its cut points at or above it).
    """
    finite = np.unique(np.concatenate([thr[1:] for thr in fold_thresholds]))
    thresholds = np.r_[np.inf, finite[::-1]]
    indices = []
    for thr in fold_thresholds:
        ascending = thr[:0:-1]
        above = ascending.size - np.searchsorted(ascending, thresholds, side="left")
        indices.append(above)
    return thresholds, indices


def tie_tolerance(n_terms):
    """Absolute tolerance under which two objective values count as equal.

    The values (a balanced accuracy, a recall, a rate) are sums of up to
    ``n_terms`` rounded terms of magnitude at most one, so their rounding error
    stays below a few ``n_terms * eps``.
    """
    return 4 * np.finfo(np.float64).eps * n_terms


#: Tolerance for ties between values computed by a few operations from sums of
#: counts (recalls, balanced accuracies, their means over a few folds). It does
#: not grow with the number of thresholds: one sample changes the balanced
#: accuracy of a billion samples by about 1e-9, far above it.
COUNT_TIE_TOLERANCE = tie_tolerance(16)


def _plateau_value(upper, lower, scale):
    """A point of the interval ``(lower, upper]``, central when it is bounded.

    An unbounded side (the rule predicting a single class is among the best) is
    replaced by a point at distance ``max(scale, |end|)`` beyond the finite end.
    """
    if np.isinf(upper) and np.isinf(lower):
        return 0.0
    if np.isinf(upper):
        return lower + max(scale, abs(lower))
    if np.isinf(lower):
        return upper - max(scale, abs(upper))
    middle = lower / 2 + upper / 2
    return middle if lower < middle <= upper else upper


def select_plateau(
    thresholds, objective, tie_break, *, feasible=None, scale=None, tol=None
):
    """Threshold in the middle of the best plateau of a step function.

    Parameters
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Strictly decreasing thresholds, ``np.inf`` first; ``objective[j]`` holds
        for every ``t`` in ``(thresholds[j + 1], thresholds[j]]``.
    objective : ndarray of shape (n_thresholds,)
        Values of the step function.
    tie_break : {"middle", "lowest", "highest"}
        Which of several separated, equally good plateaus to use, by threshold.
    feasible : ndarray of shape (n_thresholds,) of bool, default=None
        Where the step function may be chosen (constraints met); at least one
        entry must be True. None allows every step.
    scale : float, default=None
        Distance unit of the thresholds: an unbounded best plateau gives the
        threshold ``max(scale, |end|)`` beyond its finite end. None uses the
        largest magnitude of a finite threshold (1 if there is none but 0), so
        that scaling the scores scales the threshold.
    tol : float, default=None
        Values within ``tol`` of the best are ties: they belong to the best
        plateaus. None uses :data:`COUNT_TIE_TOLERANCE`, for values computed
        from counts; values accumulated over many rounded terms need
        :func:`tie_tolerance` of their number of terms.

    Returns
    -------
    threshold : float
        A threshold inside the chosen plateau.
    best : float
        The best objective value over the feasible steps.

    Raises
    ------
    ValueError
        If a feasible value of the objective is NaN: the best plateau is then
        undefined.

    Examples
    --------
    >>> from sklearn_balanced.utils._steps import select_plateau
    >>> thresholds = np.array([np.inf, 0.8, 0.4, 0.2])
    >>> objective = np.array([0.5, 0.75, 1.0, 0.5])
    >>> select_plateau(thresholds, objective, "middle")
    (0.30000000000000004, 1.0)
    >>> select_plateau(
    ...     thresholds, objective, "middle", feasible=np.array([1, 1, 0, 0], bool)
    ... )
    (0.6000000000000001, 0.75)
    """
    best = (
        np.max(objective)
        if feasible is None
        else np.max(objective, where=feasible, initial=-np.inf)
    )
    if np.isnan(best):
        raise ValueError(
            "The objective is undefined (NaN) at some feasible threshold, so no "
            "best threshold can be chosen; are the sums of the sample weights "
            "finite and positive for each class?"
        )
    if tol is None:
        tol = COUNT_TIE_TOLERANCE
    is_best = objective >= best - tol
    if feasible is not None:
        is_best &= feasible
    # Plateaus: runs of consecutive best steps, in increasing threshold order
    # (the curve is stored decreasing).
    best_steps = np.flatnonzero(is_best)
    gaps = np.flatnonzero(np.diff(best_steps) > 1)
    starts = best_steps[np.r_[0, gaps + 1]][::-1]
    stops = best_steps[np.r_[gaps, best_steps.size - 1]][::-1]
    chosen = {"lowest": 0, "highest": -1, "middle": (starts.size - 1) // 2}[tie_break]
    upper, stop = thresholds[starts[chosen]], stops[chosen]
    lower = thresholds[stop + 1] if stop + 1 < thresholds.size else -np.inf
    if scale is None and (np.isinf(upper) or np.isinf(lower)):
        scale = _magnitude(thresholds)
    return float(_plateau_value(upper, lower, scale)), float(best)


def _magnitude(thresholds):
    """Largest magnitude of a finite threshold, or 1 when all are 0 or infinite."""
    finite = np.abs(thresholds[np.isfinite(thresholds)])
    largest = float(finite.max()) if finite.size else 0.0
    return largest if largest > 0 else 1.0


def value_at(thresholds, values, threshold):
    """Value of a step curve at ``threshold`` (the rule "score >= threshold").

    ``thresholds`` is strictly decreasing and starts with ``inf``; ``values[j]``
    holds for every threshold in ``(thresholds[j + 1], thresholds[j]]``.
    """
    n_at_or_above = np.count_nonzero(np.asarray(thresholds) >= threshold)
    return values[max(n_at_or_above - 1, 0)]
