"""Exact searches of the decision rule maximising cross-validated balanced accuracy.

Each fold's balanced accuracy of a thresholded score is a step function of the
threshold (:func:`~sklearn_balanced.metrics.balanced_accuracy_curve`); averaging
several folds' step functions on the union of their cut points gives the exact
cross-validated objective. So are the mean recalls and the mean positive rate,
which constrained searches keep above (or below) their bounds. The multiclass
offsets of the rule ``argmax_k(s_k + b_k)`` are tuned by coordinate ascent,
where each coordinate is one such exact sweep.
"""

import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_consistent_length, column_or_1d

from sklearn_balanced.metrics import ScoreCounts, balanced_accuracy_curve
from sklearn_balanced.utils._dask import any_dask, as_dask_arrays
from sklearn_balanced.utils._steps import (
    COUNT_TIE_TOLERANCE,
    check_tie_break,
    cut_points,
    select_plateau,
    sums_above,
    tie_tolerance,
    union_evaluation,
)
from sklearn_balanced.utils._validation import (
    check_scaled_sample_weight,
    weight_exponent,
)

# Margins ``max_{j != k}(s_ij + b_j) - s_ik`` carry rounding errors of a few
# ulps of the largest adjusted score; margins closer than this many ulps share
# one breakpoint, so that the scale of the scores does not matter.
_MARGIN_ULPS = 16
# Elements of the (n_rows, n_classes) blocks of adjusted scores built at once.
_BLOCK_SIZE = 1 << 20
# Bins of the counts of a Dask fold: 65,536 bins of four float64 numbers (2 MiB)
# per block and per merge, whatever the number of rows and of distinct scores.
_DASK_MAX_BINS = 1 << 16


class ThresholdSearchResult(NamedTuple):
    """Outcome of :func:`tune_threshold`.

    Attributes
    ----------
    threshold : float
        The chosen threshold, in the middle of the best feasible plateau of the
        mean balanced accuracy.
    score : float
        Mean balanced accuracy over the folds at ``threshold``.
    fold_thresholds : ndarray of shape (n_folds,)
        Each fold's own best threshold, chosen the same way on that fold alone
        (NaN where that fold alone cannot meet the constraints).
    fold_scores : ndarray of shape (n_folds,)
        Each fold's balanced accuracy at its own best threshold.
    thresholds : ndarray of shape (n_thresholds,)
        Strictly decreasing union of all folds' cut points, ``np.inf`` first.
    scores : ndarray of shape (n_thresholds,)
        Mean balanced accuracy over the folds at each threshold.
    fold_curve_scores : ndarray of shape (n_folds, n_thresholds)
        Balanced accuracy of each fold at each threshold.
    tpr : ndarray of shape (n_thresholds,)
        Mean true positive rate over the folds at each threshold.
    tnr : ndarray of shape (n_thresholds,)
        Mean true negative rate over the folds at each threshold.
    positive_rate : ndarray of shape (n_thresholds,)
        Mean fraction of the (weighted) samples predicted positive.
    feasible : ndarray of shape (n_thresholds,) of bool
        Whether the rule at each threshold meets every constraint on the means
        over the folds (all True without constraints).

    See Also
    --------
    tune_threshold : The function returning it.

    Examples
    --------
    >>> from sklearn_balanced.model_selection import tune_threshold
    >>> result = tune_threshold([False, True, False, True], [0.1, 0.4, 0.35, 0.8])
    >>> round(result.threshold, 3), result.score
    (0.375, 1.0)
    """

    threshold: float
    score: float
    fold_thresholds: np.ndarray
    fold_scores: np.ndarray
    thresholds: np.ndarray
    scores: np.ndarray
    fold_curve_scores: np.ndarray
    tpr: np.ndarray
    tnr: np.ndarray
    positive_rate: np.ndarray
    feasible: np.ndarray


class OffsetSearchResult(NamedTuple):
    """Outcome of :func:`tune_offsets`.

    Attributes
    ----------
    offsets : ndarray of shape (n_classes,)
        The tuned offsets ``b``, with ``b[0] == 0``.
    score : float
        Mean balanced accuracy over the folds of ``argmax_k(s_k + b_k)``.
    initial_score : float
        Mean balanced accuracy over the folds at the initial offsets.
    n_iter : int
        Number of passes of the coordinate ascent over the classes.
    path_offsets : ndarray of shape (n_steps + 1, n_classes)
        The initial offsets followed by the offsets after each accepted step
        (with ``min_recall``, first the steps towards offsets meeting the
        floors, which may lower the score).
    path_scores : ndarray of shape (n_steps + 1,)
        Mean balanced accuracy along ``path_offsets``.

    See Also
    --------
    tune_offsets : The function returning it.

    Examples
    --------
    >>> from sklearn_balanced.model_selection import tune_offsets
    >>> scores = [[2.0, 1.0, 0.0], [2.0, 1.5, 0.0], [1.0, 0.0, 0.5], [2.0, 0.0, 0.0]]
    >>> result = tune_offsets([0, 1, 2, 0], scores)
    >>> round(result.initial_score, 3), round(result.score, 3)
    (0.333, 1.0)
    >>> result.offsets.tolist()
    [0.0, 0.75, 0.75]
    """

    offsets: np.ndarray
    score: float
    initial_score: float
    n_iter: int
    path_offsets: np.ndarray
    path_scores: np.ndarray


class _InfeasibleError(ValueError):
    """The constraints of a search cannot be met (or, multiclass, were not)."""


def _check_folds(y_true, y_score, sample_weight, *, score_ndim):
    """Validate per-fold labels, scores and weights given for one or several folds.

    Several folds are given as a list or tuple of per-fold labels (each itself
    array-like), with scores and weights in lists of the same length.
    """
    several = isinstance(y_true, list | tuple) and (
        len(y_true) == 0 or np.ndim(y_true[0]) > 0
    )
    if several and len(y_true) == 0:
        raise ValueError("y_true must contain at least one fold.")
    labels = list(y_true) if several else [y_true]
    scores = list(y_score) if several else [y_score]
    if sample_weight is None:
        weights = [None] * len(labels)
    else:
        weights = list(sample_weight) if several else [sample_weight]
    if not len(labels) == len(scores) == len(weights):
        raise ValueError(
            "y_true, y_score and sample_weight must hold the same number of folds, "
            f"got {len(labels)}, {len(scores)} and {len(weights)}."
        )
    checked = []
    for fold_labels, fold_scores, fold_weight in zip(
        labels, scores, weights, strict=True
    ):
        if any_dask(fold_labels, fold_scores, fold_weight):
            raise ValueError(
                "Dask collections are taken for one fold of binary scores only "
                "(tune_threshold(y_true, y_score)): give several folds, and "
                "multiclass scores, as NumPy arrays."
            )
        fold_scores = check_array(
            fold_scores,
            ensure_2d=score_ndim == 2,
            dtype=np.float64,
            input_name="y_score",
        )
        if fold_scores.ndim != score_ndim:
            raise ValueError(
                f"y_score must hold {score_ndim}-D arrays, got shape "
                f"{fold_scores.shape}."
            )
        fold_labels = column_or_1d(fold_labels)
        check_consistent_length(fold_labels, fold_scores)
        # Only ratios of sums of weights matter: a power of two keeps them safe.
        fold_weight, _ = check_scaled_sample_weight(fold_weight, fold_labels.shape[0])
        checked.append((fold_labels, fold_scores, fold_weight))
    return checked


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_min_recall(min_recall, labels):
    """``{class code: floor}`` from ``min_recall`` given as ``{label: floor}``."""
    if min_recall is None:
        return {}
    if not isinstance(min_recall, Mapping):
        raise ValueError(
            "min_recall must be a dict {label: floor} or None, got "
            f"{type(min_recall).__name__}."
        )
    labels = np.asarray(labels).tolist()
    unknown = [key for key in min_recall if key not in labels]
    if unknown:
        raise ValueError(
            f"min_recall has keys {unknown} that are not classes; the classes are "
            f"{labels}."
        )
    floors = {}
    for key, floor in min_recall.items():
        if not _is_number(floor) or not 0 <= floor <= 1:
            raise ValueError(
                f"min_recall[{key!r}] must be a number in [0, 1], got {floor!r}."
            )
        floors[labels.index(key)] = float(floor)
    return floors


def _check_max_positive_rate(max_positive_rate):
    if max_positive_rate is None:
        return None
    if not _is_number(max_positive_rate) or not 0 < max_positive_rate <= 1:
        raise ValueError(
            f"max_positive_rate must be a number in (0, 1] or None, got "
            f"{max_positive_rate!r}."
        )
    return float(max_positive_rate)


def _nanmean_rows(values):
    """Column means of a 2-D array over its non-NaN entries (NaN if none)."""
    if values.shape[0] == 1:
        return values[0]
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        return np.where(defined, values, 0.0).sum(axis=0) / defined.sum(axis=0)


class _RateCurve(NamedTuple):
    """Balanced accuracy, recalls and positive rate at decreasing thresholds."""

    thresholds: np.ndarray
    balanced_accuracy: np.ndarray
    tpr: np.ndarray
    tnr: np.ndarray
    positive_rate: np.ndarray


def _positive_block(labels):
    """Which of the (checked 1-D) labels of a fold, or of a block, are positive."""
    if labels.dtype.kind != "b" and not (
        labels.dtype.kind in "iuf" and ((labels == 0) | (labels == 1)).all()
    ):
        raise ValueError(
            "y_true must hold booleans or 0/1 values (True or 1 for the "
            "positive class)."
        )
    return labels == 1


def _fold_rate_curve(is_positive, scores, weight):
    """The :class:`_RateCurve` of one fold (``weight`` None counts samples)."""
    if weight is None:
        weight = np.ones(scores.shape)
    curve = balanced_accuracy_curve(is_positive, scores, sample_weight=weight)
    return _rate_curve(curve, weight[is_positive].sum(), weight[~is_positive].sum())


def _dask_fold_rate_curve(y_true, y_score, sample_weight, constraints):
    """The :class:`_RateCurve` of one fold of Dask collections, in bounded memory.

    The blocks check their labels and are counted where they live in
    :class:`~sklearn_balanced.metrics.ScoreCounts` of at most
    ``_DASK_MAX_BINS`` bins, merged; then each pass over the data counts apart
    the scores of the bins that may hold a threshold as good as the best one
    that meets the constraints, until no bin may. So no worker holds more than
    a block and the bins, whatever the scores, and the client only gets bins:
    the curve is exact at its thresholds (every distinct score, where there are
    at most ``_DASK_MAX_BINS``), and its best feasible plateau is the in-memory
    one. The class weights are summed in the unit of ``weight_exponent`` of
    the largest weight (one more reduction), so that their sums cannot
    overflow.
    """
    import dask
    import dask.array as da

    y_true, y_score, weight = as_dask_arrays(
        y_true, y_score, sample_weight, caller_name="tune_threshold"
    )
    is_positive = y_true.map_blocks(_positive_block, dtype=bool)
    if weight is not None:
        weight = weight * 2.0 ** -weight_exponent(float(weight.max().compute()))
    totals = da.ones(y_score.shape, chunks=y_score.chunks) if weight is None else weight
    positives, negatives = dask.compute(
        totals[is_positive].sum(), totals[~is_positive].sum()
    )
    counts = ScoreCounts(max_bins=_DASK_MAX_BINS)
    while True:
        counts = counts.update(is_positive, y_score, sample_weight=weight)
        rates = _rate_curve(counts.curve(), positives, negatives)
        feasible = _feasible(constraints, rates)
        floor = np.max(rates.balanced_accuracy[feasible], initial=-np.inf)
        where = _steps_to_refine(constraints, rates, feasible.any())
        if not counts.may_reach(floor, where=where):
            return rates
        counts = counts.refine(max_bins=_DASK_MAX_BINS, floor=floor, where=where)


def _steps_to_refine(constraints, rates, any_feasible):
    """The steps between consecutive thresholds whose bins a Dask fold refines.

    The rate of every constraint is monotone in the threshold: inside a step it
    lies between its values at the step's two ends. So where some threshold is
    feasible, only the steps where every constraint holds at one end at least
    may hold a better one. Where none is, the steps where a constraint starts
    to hold are refined, so that the error names the exact reachable rates.
    """
    holds = [constraint.holds(rates) for constraint in constraints]
    if any_feasible:
        where = np.ones(rates.thresholds.shape[0] - 1, dtype=bool)
        for met in holds:
            where &= met[:-1] | met[1:]
        return where
    where = np.zeros(rates.thresholds.shape[0] - 1, dtype=bool)
    for met in holds:
        where |= met[:-1] != met[1:]
    return where


def _rate_curve(curve, positives, negatives):
    """The :class:`_RateCurve` of a fold's curve and total class weights.

    Raises
    ------
    ValueError
        If the fold's scores are all equal (no threshold to tune).
    """
    if curve.thresholds.size < 3:
        raise ValueError(
            "The scores of a validation fold are all equal: the estimator "
            "makes constant predictions, so no threshold can be tuned."
        )
    # A rate undefined for want of samples (NaN) carries no weight.
    predicted = np.nan_to_num(curve.tpr) * positives
    predicted += np.nan_to_num(1 - curve.tnr) * negatives
    return _RateCurve(*curve, predicted / (positives + negatives))


class _Constraint(NamedTuple):
    """A bound on a curve of a :class:`_RateCurve`, named for error messages."""

    name: str
    quantity: str
    curve: str
    bound: float
    is_floor: bool

    def holds(self, rates):
        """Where the bound holds on ``rates``; an undefined (NaN) rate meets it."""
        values = getattr(rates, self.curve)
        with np.errstate(invalid="ignore"):
            met = (
                values >= self.bound - COUNT_TIE_TOLERANCE
                if self.is_floor
                else values <= self.bound + COUNT_TIE_TOLERANCE
            )
        return met | np.isnan(values)


def _binary_constraints(floors, max_positive_rate, labels):
    labels = np.asarray(labels).tolist()
    constraints = [
        _Constraint(
            name=f"min_recall={{{labels[code]!r}: {floor}}}",
            quantity=f"mean recall of class {labels[code]!r}",
            curve="tpr" if code == 1 else "tnr",
            bound=floor,
            is_floor=True,
        )
        for code, floor in sorted(floors.items())
    ]
    if max_positive_rate is not None:
        constraints.append(
            _Constraint(
                name=f"max_positive_rate={max_positive_rate}",
                quantity="mean positive rate",
                curve="positive_rate",
                bound=max_positive_rate,
                is_floor=False,
            )
        )
    return constraints


def _feasible(constraints, rates):
    feasible = np.ones(rates.thresholds.shape, dtype=bool)
    for constraint in constraints:
        feasible &= constraint.holds(rates)
    return feasible


def _infeasible_error(constraints, rates):
    """The error naming a constraint that no threshold meets with the others."""
    for constraint in constraints:
        others = [other for other in constraints if other is not constraint]
        allowed = _feasible(others, rates)
        if not allowed.any():
            continue
        values = getattr(rates, constraint.curve)[allowed]
        reachable = np.nanmax(values) if constraint.is_floor else np.nanmin(values)
        together = (
            f" together with {', '.join(other.name for other in others)}"
            if others
            else ""
        )
        extreme = "highest" if constraint.is_floor else "lowest"
        return _InfeasibleError(
            f"{constraint.name} cannot be met{together}: the {extreme} "
            f"{constraint.quantity} reachable is {reachable:.4g}."
        )
    return _InfeasibleError(
        f"{', '.join(c.name for c in constraints)} cannot be met together."
    )


def _best_own_threshold(rates, constraints, tie_break):
    """One fold's best feasible threshold and score; NaN when none is feasible."""
    feasible = _feasible(constraints, rates)
    if not feasible.any():
        return np.nan, np.nan
    return select_plateau(
        rates.thresholds,
        rates.balanced_accuracy,
        tie_break,
        feasible=feasible,
    )


def tune_threshold(
    y_true,
    y_score,
    *,
    sample_weight=None,
    tie_break="middle",
    min_recall=None,
    max_positive_rate=None,
):
    """Threshold maximising the mean balanced accuracy over folds, exactly.

    Each fold's balanced accuracy is a step function of the threshold ``t`` of
    the rule "positive iff ``y_score >= t``"; the mean over folds is evaluated
    exactly on the union of all folds' cut points, and the threshold is placed
    in the middle of the best plateau, between two observed scores.

    With constraints, only the thresholds whose rule meets them on the mean
    over the folds (mean recall of a class, mean positive rate) are candidates.
    These means are step functions on the same cut points, so the constrained
    optimum is exact too.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) of bool or 0/1, or list of such arrays
        Whether each sample belongs to the positive class, for one fold or for
        several folds.

    y_score : array-like of shape (n_samples,), or list of such arrays
        Finite scores of the positive class, aligned with ``y_true``.

    sample_weight : array-like of shape (n_samples,), list of such arrays or \
            None, default=None
        Non-negative weights, aligned with ``y_true``.

    tie_break : {"middle", "lowest", "highest"}, default="middle"
        Which plateau to use when several separated ones reach the best mean
        balanced accuracy: the median one in threshold order, the one with the
        lowest thresholds (more positive predictions) or the highest.

    min_recall : dict or None, default=None
        Floors ``{class: floor}`` on the mean recall over the folds, floors in
        [0, 1]; the class is ``True`` or 1 for the positive class (a floor on
        the true positive rate) and ``False`` or 0 for the negative class (on
        the true negative rate).

    max_positive_rate : float in (0, 1] or None, default=None
        Largest mean fraction of the (weighted) samples predicted positive, for
        example an alert budget.

    Returns
    -------
    result : ThresholdSearchResult
        The chosen threshold and score, each fold's own best threshold and
        score, and the mean curves over the union of cut points with the
        feasibility of each threshold.

    Raises
    ------
    ValueError
        If the scores of a fold are all equal (no threshold separates anything),
        or if no threshold meets the constraints (the message names the
        constraint and the best value of it that the others allow).

    See Also
    --------
    balanced_accuracy_curve : The curve of a single score vector.
    tune_offsets : The multiclass counterpart.

    Examples
    --------
    >>> from sklearn_balanced.model_selection import tune_threshold
    >>> y_true = [[False, False, True, True], [False, True, False, True]]
    >>> y_score = [[0.1, 0.3, 0.6, 0.9], [0.2, 0.5, 0.7, 0.8]]
    >>> result = tune_threshold(y_true, y_score)
    >>> round(result.threshold, 3), round(result.score, 3)
    (0.4, 0.875)
    >>> result.fold_scores
    array([1.  , 0.75])

    Requiring every negative sample to be recognised moves the threshold up:

    >>> result = tune_threshold(y_true, y_score, min_recall={False: 1.0})
    >>> round(result.threshold, 3), round(result.score, 3)
    (0.75, 0.75)
    """
    return _tune_threshold(
        y_true,
        y_score,
        sample_weight=sample_weight,
        tie_break=tie_break,
        min_recall=min_recall,
        max_positive_rate=max_positive_rate,
        labels=(0, 1),
    )


def _tune_threshold(
    y_true, y_score, *, sample_weight, tie_break, min_recall, max_positive_rate, labels
):
    """:func:`tune_threshold`, naming the classes ``labels`` in ``min_recall``."""
    check_tie_break(tie_break)
    floors = _check_min_recall(min_recall, labels)
    constraints = _binary_constraints(
        floors, _check_max_positive_rate(max_positive_rate), labels
    )
    if any_dask(y_true, y_score, sample_weight):
        curves = [_dask_fold_rate_curve(y_true, y_score, sample_weight, constraints)]
    else:
        folds = _check_folds(y_true, y_score, sample_weight, score_ndim=1)
        curves = [
            _fold_rate_curve(_positive_block(labels), scores, weight)
            for labels, scores, weight in folds
        ]
    thresholds, indices = union_evaluation([curve.thresholds for curve in curves])
    fold_ba, fold_tpr, fold_tnr, fold_rate = (
        np.array([getattr(c, name)[i] for c, i in zip(curves, indices, strict=True)])
        for name in _RateCurve._fields[1:]
    )
    mean = _RateCurve(
        thresholds,
        fold_ba.mean(axis=0),
        _nanmean_rows(fold_tpr),
        _nanmean_rows(fold_tnr),
        fold_rate.mean(axis=0),
    )
    feasible = _feasible(constraints, mean)
    if not feasible.any():
        raise _infeasible_error(constraints, mean)
    threshold, score = select_plateau(
        thresholds,
        mean.balanced_accuracy,
        tie_break,
        feasible=feasible,
    )
    fold_best = np.array(
        [_best_own_threshold(curve, constraints, tie_break) for curve in curves]
    )
    return ThresholdSearchResult(
        threshold=threshold,
        score=score,
        fold_thresholds=fold_best[:, 0],
        fold_scores=fold_best[:, 1],
        thresholds=thresholds,
        scores=mean.balanced_accuracy,
        fold_curve_scores=fold_ba,
        tpr=mean.tpr,
        tnr=mean.tnr,
        positive_rate=mean.positive_rate,
        feasible=feasible,
    )


def _best_two(adjusted):
    """Value and class of the best and second-best column of each row.

    Among equal values the lowest class wins, as in ``np.argmax``.
    ``adjusted`` is overwritten.
    """
    rows = np.arange(adjusted.shape[0])
    first = np.argmax(adjusted, axis=1)
    first_value = adjusted[rows, first]
    adjusted[rows, first] = -np.inf
    second = np.argmax(adjusted, axis=1)
    return first_value, first, adjusted[rows, second], second


def _beats(value, k, other_value, other_class):
    """Whether class ``k`` with ``value`` wins over ``other_class`` (argmax order)."""
    return (value > other_value) | ((value == other_value) & (k < other_class))


class _TopTwo:
    """The best and second-best adjusted scores ``s_ij + b_j`` of each row.

    With them, the best class other than ``k`` (the runner-up when ``k``
    competes) is found in O(1) per row, and moving one offset updates them in
    O(n_samples) plus a rescan of the rows whose top two held that class.
    """

    def __init__(self, scores, offsets):
        step = max(1, _BLOCK_SIZE // scores.shape[1])
        blocks = [
            _best_two(scores[start : start + step] + offsets)
            for start in range(0, scores.shape[0], step)
        ]
        self.v1, self.c1, self.v2, self.c2 = (
            np.concatenate(part) for part in zip(*blocks, strict=True)
        )

    def runner_up(self, k):
        """Value and class of the best adjusted score among classes other than k."""
        first_is_k = self.c1 == k
        return (
            np.where(first_is_k, self.v2, self.v1),
            np.where(first_is_k, self.c2, self.c1),
        )

    def move(self, k, fold, offsets):
        """Update after ``offsets[k]`` changed (the other offsets unchanged).

        The rows whose top two held class ``k`` are rescanned; in the others,
        class ``k`` enters the top two where it now beats the second best.
        """
        held = (self.c1 == k) | (self.c2 == k)
        value = fold.columns[k] + offsets[k]
        rows = np.flatnonzero(value >= self.v2)
        rows = rows[~held[rows]]
        value = value[rows]
        enters = _beats(value, k, self.v2[rows], self.c2[rows])
        rows, value = rows[enters], value[enters]
        first = _beats(value, k, self.v1[rows], self.c1[rows])
        top, second = rows[first], rows[~first]
        self.v2[top], self.c2[top] = self.v1[top], self.c1[top]
        self.v1[top], self.c1[top] = value[first], k
        self.v2[second], self.c2[second] = value[~first], k
        held = np.flatnonzero(held)
        if held.size:
            rescanned = _TopTwo(fold.scores[held], offsets)
            self.v1[held], self.c1[held] = rescanned.v1, rescanned.c1
            self.v2[held], self.c2[held] = rescanned.v2, rescanned.c2


def _transposed(scores, block=256):
    """``scores.T`` made C-contiguous, copied by blocks of rows (cache-friendly)."""
    columns = np.empty(scores.shape[::-1])
    for start in range(0, scores.shape[0], block):
        columns[:, start : start + block] = scores[start : start + block].T
    return columns


class _OffsetFold:
    """One fold's codes, scores (also by class, contiguous), weights and each
    sample's share of its class's recall."""

    def __init__(self, codes, scores, sample_weight):
        n_classes = scores.shape[1]
        self.codes = codes
        self.scores = scores
        self.columns = _transposed(scores)
        self.weight = (
            np.ones(codes.shape[0]) if sample_weight is None else sample_weight
        )
        self.support = np.bincount(codes, weights=self.weight, minlength=n_classes)
        own = self.support[codes]
        self.unit = np.divide(
            self.weight, own, out=np.zeros(codes.shape[0]), where=own > 0
        )
        self.n_present = np.count_nonzero(self.support)

    def recall(self, codes, weight):
        """Recall of each class given the ``codes`` and ``weight`` of samples
        predicted right (NaN for a class without weight in the fold)."""
        hits = np.bincount(codes, weights=weight, minlength=self.support.size)
        return np.divide(
            hits,
            self.support,
            out=np.full(self.support.size, np.nan),
            where=self.support > 0,
        )

    def recall_of(self, predicted):
        """Recall of each class for the predicted classes of every sample."""
        return self.recall(
            self.codes, np.where(predicted == self.codes, self.weight, 0.0)
        )


class _Swept(NamedTuple):
    """One fold's samples that class ``k`` wins or loses with an effect: those
    of class ``k`` and those its runner-up gets right (the others are wrong
    whichever of the two is predicted)."""

    rows: np.ndarray
    is_k: np.ndarray
    own: np.ndarray
    runner_up: np.ndarray
    runner_up_class: np.ndarray


class _Coordinate(NamedTuple):
    """The mean balanced accuracy as a step function of ``t = -b_k``.

    ``thresholds`` and ``objective`` describe the step function, the other
    offsets fixed; ``variance`` accumulates the squared changes of the
    objective over the steps, as ``objective`` accumulates the changes;
    ``swept`` holds each fold's :class:`_Swept`. With recall
    floors, ``codes`` (each swept sample's class), ``recall_change`` (the
    change of its class's mean recall when ``k`` wins it) and ``steps`` (the
    first step at which ``k`` wins it), in sorted order, and ``base_recall``
    (the mean recalls at the first step); otherwise None.
    """

    k: int
    thresholds: np.ndarray
    objective: np.ndarray
    variance: np.ndarray
    swept: list
    codes: np.ndarray | None
    recall_change: np.ndarray | None
    steps: np.ndarray | None
    base_recall: np.ndarray | None


_RECALL_FIELDS = ("codes", "recall_change", "steps", "base_recall")


class _OffsetAscent:
    """The state of the coordinate ascent: offsets, top two per row, scores."""

    def __init__(self, folds, offsets, floors, min_improvement_se):
        self.folds = folds
        self.min_improvement_se = min_improvement_se
        self.shares = [fold.unit / (fold.n_present * len(folds)) for fold in folds]
        present = np.sum([fold.support > 0 for fold in folds], axis=0)
        self.recall_folds = np.where(present > 0, present, 1)
        # A class without weight in every fold has no recall to keep.
        self.floor = np.full(present.size, -np.inf)
        for code, floor in floors.items():
            self.floor[code] = floor if present[code] else -np.inf
        self.with_recall = bool(np.isfinite(self.floor).any())
        self.scale = max(float(np.abs(fold.scores).max()) for fold in folds)
        self.tol = tie_tolerance(sum(fold.codes.size for fold in folds))
        tops = [_TopTwo(fold.scores, offsets) for fold in folds]
        self.accept(0, offsets, tops, self.evaluate_tops(tops))

    def evaluate(self, recalls):
        """Mean balanced accuracy and mean recall of each class over the folds,
        from the recalls of each fold."""
        recalls = np.array(recalls)
        score = float(np.mean([np.nanmean(recall) for recall in recalls]))
        return score, _nanmean_rows(recalls)

    def evaluate_tops(self, tops):
        return self.evaluate(
            [fold.recall_of(top.c1) for fold, top in zip(self.folds, tops, strict=True)]
        )

    def shortfall(self, recall, codes=None):
        """Shortfall of each mean recall below its floor (0 within rounding).

        ``codes`` gives the class of each entry of ``recall``; by default the
        entries are all the classes in order.
        """
        floor = self.floor if codes is None else self.floor[codes]
        return np.fmax(floor - self.tol - recall, 0.0)

    def meets(self, recall):
        """Whether the mean recalls meet every floor (up to rounding)."""
        return self.shortfall(recall).sum() <= self.tol

    def sweep(self, k):
        """The exact :class:`_Coordinate` of class ``k``, the other offsets fixed.

        Class ``k`` wins sample ``i`` when ``b_k`` exceeds its margin
        ``max_{j != k}(s_ij + b_j) - s_ik``, i.e. when ``s_ik - runner-up`` is
        at least ``t = -b_k``; otherwise the runner-up class is predicted.
        """
        swept, parts, base = [], [], 0.0
        for fold, share, top in zip(self.folds, self.shares, self.tops, strict=True):
            value, other = top.runner_up(k)
            is_k = fold.codes == k
            rows = np.flatnonzero(is_k | (other == fold.codes))
            is_k, share = is_k[rows], share[rows]
            fold_swept = _Swept(
                rows, is_k, fold.columns[k][rows], value[rows], other[rows]
            )
            base += share.sum() - share[is_k].sum()
            swept.append(fold_swept)
            parts.append(
                (fold_swept.own - fold_swept.runner_up, np.where(is_k, share, -share))
            )
        lead, gain = (np.concatenate(part) for part in zip(*parts, strict=True))
        scale = self.scale + np.abs(self.offsets).max()
        order, ends, thresholds = cut_points(
            lead, _MARGIN_ULPS * np.finfo(np.float64).eps * scale
        )
        recall_fields = dict.fromkeys(_RECALL_FIELDS)
        if self.with_recall:
            recall_fields = self._recall_fields(swept, order, ends)
        return _Coordinate(
            k=k,
            thresholds=thresholds,
            objective=base + sums_above(gain[order], ends),
            variance=sums_above(gain[order] ** 2, ends),
            swept=swept,
            **recall_fields,
        )

    def _recall_fields(self, swept, order, ends):
        """The recall fields of a :class:`_Coordinate` from its swept samples."""
        is_k, codes, unit = (
            np.concatenate(part)
            for part in zip(
                *(
                    (part.is_k, fold.codes[part.rows], fold.unit[part.rows])
                    for fold, part in zip(self.folds, swept, strict=True)
                ),
                strict=True,
            )
        )
        base_recall = np.bincount(
            codes, weights=np.where(is_k, 0.0, unit), minlength=self.floor.size
        )
        codes = codes[order]
        change = np.where(is_k, unit, -unit)[order]
        return {
            "codes": codes,
            "recall_change": change / self.recall_folds[codes],
            "steps": np.repeat(np.arange(1, ends.size + 1), np.diff(ends, prepend=-1)),
            "base_recall": base_recall / self.recall_folds,
        }

    def shortfall_curve(self, coordinate):
        """Total shortfall of the mean recalls below their floors at each step.

        Each swept sample of a class with a floor changes that class's mean
        recall when class ``k`` wins it: summed per class in sorted order, the
        changes give the class's recall before and after that sample, hence
        the change of its shortfall, accumulated over the steps.
        """
        rows = np.flatnonzero(np.isfinite(self.floor[coordinate.codes]))
        rows = rows[np.argsort(coordinate.codes[rows], kind="stable")]
        codes, change = coordinate.codes[rows], coordinate.recall_change[rows]
        total = np.cumsum(change)
        starts = np.flatnonzero(np.diff(codes, prepend=-1))
        before_class = np.repeat(
            (total - change)[starts], np.diff(starts, append=codes.size)
        )
        after = coordinate.base_recall[codes] + total - before_class
        delta = self.shortfall(after, codes) - self.shortfall(after - change, codes)
        changes = np.bincount(
            coordinate.steps[rows], weights=delta, minlength=coordinate.thresholds.size
        )
        return self.shortfall(coordinate.base_recall).sum() + np.cumsum(changes)

    def best_threshold(self, k, tie_break):
        """Middle of the best plateau of class ``k``'s curve meeting the floors.

        Returns the threshold ``t = -b_k`` (None when no value of ``b_k`` meets
        the floors) and the :class:`_Coordinate`.
        """
        coordinate = self.sweep(k)
        feasible = np.ones(coordinate.thresholds.shape, dtype=bool)
        if self.with_recall:
            feasible = self.shortfall_curve(coordinate) <= self.tol
        objective = coordinate.objective
        if self.min_improvement_se > 0:
            objective = self.improvement_bound(coordinate)
            feasible &= objective > self.tol
        if not feasible.any():
            return None, coordinate
        threshold, _ = select_plateau(
            coordinate.thresholds,
            objective,
            tie_break,
            feasible=feasible,
            scale=self.scale,
            tol=tie_tolerance(coordinate.objective.size),
        )
        return threshold, coordinate

    def improvement_bound(self, coordinate):
        """Improvement of the objective over the current step, less
        ``min_improvement_se`` standard errors, at each step.

        Between two steps, each sample that changes prediction moves the
        objective by plus or minus its share; were the move no improvement on
        new data, these signs would be coin flips, so the variance of the
        improvement is the sum of the squared shares of the samples in between.
        """
        current = np.count_nonzero(coordinate.thresholds >= -self.offsets[coordinate.k])
        current = max(current - 1, 0)
        improvement = coordinate.objective - coordinate.objective[current]
        spread = np.sqrt(np.abs(coordinate.variance - coordinate.variance[current]))
        return improvement - self.min_improvement_se * spread

    def least_shortfall(self, k):
        """Middle of the best plateau of class ``k``'s curve among those with the
        least total shortfall below the floors, and the :class:`_Coordinate`."""
        coordinate = self.sweep(k)
        shortfall = self.shortfall_curve(coordinate)
        threshold, _ = select_plateau(
            coordinate.thresholds,
            coordinate.objective,
            "middle",
            feasible=shortfall <= shortfall.min() + self.tol,
            scale=self.scale,
            tol=tie_tolerance(coordinate.objective.size),
        )
        return threshold, coordinate

    def propose(self, coordinate, threshold):
        """The move ``b_k = -threshold``: the normalised offsets, their top two
        per row (None when :meth:`_TopTwo.move` gives them), their mean
        balanced accuracy and mean recalls."""
        k = coordinate.k
        offsets = self.offsets.copy()
        offsets[k] = -threshold
        if k == 0:
            offsets -= offsets[0]
            tops = [_TopTwo(fold.scores, offsets) for fold in self.folds]
            return offsets, tops, self.evaluate_tops(tops)
        recalls = []
        for fold, part in zip(self.folds, coordinate.swept, strict=True):
            wins = _beats(
                part.own + offsets[k], k, part.runner_up, part.runner_up_class
            )
            right = np.where(part.is_k, wins, ~wins)
            recalls.append(
                fold.recall(
                    fold.codes[part.rows], np.where(right, fold.weight[part.rows], 0.0)
                )
            )
        return offsets, None, self.evaluate(recalls)

    def accept(self, k, offsets, tops, evaluated):
        """Move to ``offsets``, whose score and mean recalls are ``evaluated``."""
        if tops is None:
            tops = self.tops
            for fold, top in zip(self.folds, tops, strict=True):
                top.move(k, fold, offsets)
        self.offsets, self.tops = offsets, tops
        self.score, self.recall = evaluated


def _meet_floors(ascent, max_iter, labels, path):
    """Coordinate descent on the total shortfall of the mean recalls below their
    floors, until every floor is met.

    Each step moves one offset to the exact minimum of the shortfall along it
    (the best balanced accuracy among the minima); passes over the classes
    repeat while the shortfall decreases, at most ``max_iter`` times.
    """
    for _ in range(max_iter):
        improved = False
        for k in range(ascent.floor.size):
            if ascent.meets(ascent.recall):
                return
            threshold, coordinate = ascent.least_shortfall(k)
            offsets, tops, (score, recall) = ascent.propose(coordinate, threshold)
            current = ascent.shortfall(ascent.recall).sum()
            if ascent.shortfall(recall).sum() < current - ascent.tol:
                ascent.accept(k, offsets, tops, (score, recall))
                path.append((ascent.offsets.copy(), ascent.score))
                improved = True
        if not improved:
            break
    if not ascent.meets(ascent.recall):
        floored = np.flatnonzero(np.isfinite(ascent.floor))
        shown = {labels[code]: float(ascent.floor[code]) for code in floored}
        reached = {
            labels[code]: round(float(ascent.recall[code]), 4) for code in floored
        }
        raise _InfeasibleError(
            f"min_recall={shown} was not met: the local search (coordinate "
            "descent on the shortfall of the mean recalls below their floors) "
            f"stopped at mean recalls {reached}. Offsets meeting every floor may "
            "still exist; lower the floors or start from other offsets."
        )


def tune_offsets(
    y_codes,
    scores,
    *,
    sample_weight=None,
    offsets=None,
    tie_break="middle",
    max_iter=100,
    min_recall=None,
    min_improvement_se=0.0,
):
    """Class offsets maximising the mean balanced accuracy of ``argmax_k(s_k + b_k)``.

    Exact coordinate ascent: with the other offsets fixed, the balanced accuracy
    of each fold is a step function of ``b_k`` whose breakpoints are the
    samples' margins ``max_{j != k}(s_ij + b_j) - s_ik``; the mean over folds is
    maximised exactly over those breakpoints and ``b_k`` is moved to the middle
    of the best plateau when this improves the objective. Passes over the
    classes repeat until none improves. Offsets are normalised so that
    ``b[0] == 0`` (adding a constant to every offset leaves the rule unchanged).

    Each row's best and second-best adjusted scores are kept up to date, so a
    pass costs ``O(n_classes * n_samples * log(n_samples))``; a class-major
    copy of the scores is kept too (twice their memory). Margins equal up
    to rounding, relative to the scale of the scores, share one breakpoint:
    multiplying the scores by a positive factor multiplies the offsets by it
    and leaves the score unchanged.

    With ``min_recall``, the search first looks for offsets meeting every
    floor on the mean over the folds: exact coordinate descent on the total
    shortfall of the mean recalls below their floors (each step also the best
    balanced accuracy among the least shortfalls). From there, each coordinate
    step of the ascent is restricted to the values of ``b_k`` that keep every
    floor, found exactly on the same breakpoints. Both stages are local
    searches: when the descent stops with a floor still unmet, the function
    raises an error, although offsets meeting every floor might exist.

    Parameters
    ----------
    y_codes : array-like of shape (n_samples,) of int, or list of such arrays
        True classes as integer codes in ``[0, n_classes)``, for one fold or for
        several folds.

    scores : array-like of shape (n_samples, n_classes), or list of such arrays
        Finite per-class scores (log-probabilities or decision values), aligned
        with ``y_codes``.

    sample_weight : array-like of shape (n_samples,), list of such arrays or \
            None, default=None
        Non-negative weights, aligned with ``y_codes``.

    offsets : array-like of shape (n_classes,), default=None
        Starting offsets; None starts from plain argmax (all zeros). For
        log-probabilities, ``-log(class prior)`` (logit adjustment) is the
        usual start.

    tie_break : {"middle", "lowest", "highest"}, default="middle"
        Which plateau to move ``b_k`` to when several separated ones are equally
        good: the median one, the lowest offset or the highest.

    max_iter : int, default=100
        Maximum number of passes over the classes, of the ascent and of the
        descent towards offsets meeting ``min_recall``.

    min_recall : dict or None, default=None
        Floors ``{code: floor}`` on the mean recall over the folds of some
        classes (integer codes), floors in [0, 1].

    min_improvement_se : float >= 0, default=0.0
        A coordinate step is taken only where it improves the objective by
        more than this many standard errors of the improvement (the samples
        changing prediction, each worth plus or minus its share of the
        balanced accuracy, counted as coin flips), and moves to the step with
        the best such lower bound. 0 takes the best step whenever it improves
        the objective: the exact ascent. With many small classes, the exact
        ascent fits the noise of the validation samples; 1 to 3 keeps the
        offsets where the evidence is.

    Returns
    -------
    result : OffsetSearchResult
        The tuned offsets, their mean balanced accuracy, the score at the
        starting offsets, the number of passes and the path of accepted steps.

    Raises
    ------
    ValueError
        If the scores of a fold are the same for every sample, or if no offsets
        meeting ``min_recall`` were found.

    Warns
    -----
    ConvergenceWarning
        If the last of ``max_iter`` passes still improved the objective.

    See Also
    --------
    tune_threshold : The binary counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.model_selection import tune_offsets
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1, 2], [80, 15, 5])
    >>> scores = rng.normal(size=(100, 3)) + 1.5 * np.eye(3)[y]
    >>> scores[:, 0] += 1.0  # a bias towards the majority class
    >>> result = tune_offsets(y, scores)
    >>> bool(result.score > result.initial_score)
    True
    >>> float(result.offsets[0])
    0.0
    >>> floored = tune_offsets(y, scores, min_recall={2: 1.0})
    >>> recall_2 = np.mean(np.argmax(scores + floored.offsets, axis=1)[y == 2] == 2)
    >>> float(recall_2)
    1.0
    """
    return _tune_offsets(
        y_codes,
        scores,
        sample_weight=sample_weight,
        offsets=offsets,
        tie_break=tie_break,
        max_iter=max_iter,
        min_recall=min_recall,
        min_improvement_se=min_improvement_se,
        labels=None,
    )


def _tune_offsets(
    y_codes,
    scores,
    *,
    sample_weight,
    offsets,
    tie_break,
    max_iter,
    min_recall,
    min_improvement_se,
    labels,
):
    """:func:`tune_offsets`, naming the classes ``labels`` in ``min_recall``."""
    check_tie_break(tie_break)
    if not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}.")
    if not _is_number(min_improvement_se) or not min_improvement_se >= 0:
        raise ValueError(
            "min_improvement_se must be a non-negative number, got "
            f"{min_improvement_se!r}."
        )
    checked = _check_folds(y_codes, scores, sample_weight, score_ndim=2)
    n_classes = checked[0][1].shape[1]
    folds = []
    for codes, fold_scores, weight in checked:
        if fold_scores.shape[1] != n_classes or n_classes < 2:
            raise ValueError(
                "scores must have the same number (at least 2) of columns in every "
                f"fold, got {fold_scores.shape[1]} and {n_classes}."
            )
        if codes.dtype.kind not in "iub" or codes.min() < 0 or codes.max() >= n_classes:
            raise ValueError(
                f"y_codes must be integers in [0, {n_classes}), one per class "
                "column of scores."
            )
        if np.ptp(fold_scores, axis=0).max() == 0:
            raise ValueError(
                "The scores of a validation fold are the same for every sample: "
                "the estimator makes constant predictions, so no offsets can be "
                "tuned."
            )
        folds.append(_OffsetFold(codes.astype(np.intp), fold_scores, weight))
    labels = np.arange(n_classes) if labels is None else np.asarray(labels)
    floors = _check_min_recall(min_recall, labels)
    labels = labels.tolist()
    start = (
        np.zeros(n_classes) if offsets is None else _check_offsets(offsets, n_classes)
    )
    ascent = _OffsetAscent(folds, start - start[0], floors, min_improvement_se)
    path = [(ascent.offsets.copy(), ascent.score)]
    _meet_floors(ascent, max_iter, labels, path)
    flipped = {"lowest": "highest", "highest": "lowest", "middle": "middle"}[tie_break]
    n_iter = 0
    improved = True
    while improved and n_iter < max_iter:
        n_iter += 1
        improved = False
        for k in range(n_classes):
            threshold, coordinate = ascent.best_threshold(k, flipped)
            if threshold is None:
                continue
            candidate, tops, (score, recall) = ascent.propose(coordinate, threshold)
            tol = tie_tolerance(coordinate.objective.size)
            if score > ascent.score + tol and ascent.meets(recall):
                ascent.accept(k, candidate, tops, (score, recall))
                improved = True
                path.append((ascent.offsets.copy(), ascent.score))
    if improved:
        warnings.warn(
            f"tune_offsets stopped after max_iter={max_iter} passes while the "
            "balanced accuracy was still improving; increase max_iter.",
            ConvergenceWarning,
            stacklevel=3,
        )
    path_offsets, path_scores = zip(*path, strict=True)
    return OffsetSearchResult(
        offsets=ascent.offsets,
        score=ascent.score,
        initial_score=path_scores[0],
        n_iter=n_iter,
        path_offsets=np.array(path_offsets),
        path_scores=np.array(path_scores),
    )


def _check_offsets(offsets, n_classes):
    offsets = check_array(
        offsets, ensure_2d=False, dtype=np.float64, input_name="offsets"
    )
    if offsets.shape != (n_classes,):
        raise ValueError(
            f"offsets must have shape ({n_classes},), got {offsets.shape}."
        )
    return offsets
