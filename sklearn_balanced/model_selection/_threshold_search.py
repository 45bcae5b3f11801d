"""Exact search of the threshold maximising cross-validated balanced accuracy.

Each fold's balanced accuracy of a thresholded score is a step function of the
threshold (:func:`~sklearn_balanced.metrics.balanced_accuracy_curve`); averaging
several folds' step functions on the union of their cut points gives the exact
cross-validated objective. So are the mean recalls and the mean positive rate,
which constrained searches keep above (or below) their bounds.
"""

from typing import NamedTuple

import numpy as np

from sklearn_balanced.metrics import BalancedAccuracyCurve, ScoreCounts
from sklearn_balanced.model_selection._search_checks import (
    _check_folds,
    _check_min_recall,
    _InfeasibleError,
    _is_number,
    _nanmean_rows,
)
from sklearn_balanced.utils._dask import any_dask, as_dask_arrays
from sklearn_balanced.utils._steps import (
    COUNT_TIE_TOLERANCE,
    balanced_accuracy_rates,
    check_tie_break,
    class_sums_above,
    select_plateau,
    union_evaluation,
)
from sklearn_balanced.utils._validation import weight_exponent

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


def _check_max_positive_rate(max_positive_rate):
    if max_positive_rate is None:
        return None
    if not _is_number(max_positive_rate) or not 0 < max_positive_rate <= 1:
        raise ValueError(
            f"max_positive_rate must be a number in (0, 1] or None, got "
            f"{max_positive_rate!r}."
        )
    return float(max_positive_rate)


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
    """The :class:`_RateCurve` of one fold (``weight`` None counts samples).

    The scores are sorted once; the class totals are those of the samples
    (numbers of samples without weights).
    """
    thresholds, true_positives, false_positives = class_sums_above(
        is_positive, scores, weight
    )
    tpr, tnr, balanced_accuracy = balanced_accuracy_rates(
        true_positives, false_positives, true_positives[-1], false_positives[-1]
    )
    curve = BalancedAccuracyCurve(thresholds, balanced_accuracy, tpr, tnr)
    if weight is None:
        return _rate_curve(curve, true_positives[-1], false_positives[-1])
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
    # A rate undefined for want of samples (NaN at every threshold: 1 is its
    # value at the end where the rule predicts its class for all) carries no
    # weight.
    if np.isnan(curve.tpr[-1]):
        predicted = np.zeros(curve.thresholds.shape)
    else:
        predicted = curve.tpr * positives
    if not np.isnan(curve.tnr[0]):
        negative_rate = 1 - curve.tnr
        negative_rate *= negatives
        predicted += negative_rate
    predicted /= positives + negatives
    return _RateCurve(*curve, predicted)


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


def _best_threshold(rates, feasible, tie_break):
    """The best threshold of ``rates`` where ``feasible``, and its balanced
    accuracy; NaN when none is feasible."""
    if not feasible.any():
        return np.nan, np.nan
    return select_plateau(
        rates.thresholds,
        rates.balanced_accuracy,
        tie_break,
        feasible=None if feasible.all() else feasible,
    )


def _mean_rate_curve(curves):
    """The mean :class:`_RateCurve` of several folds on the union of their cut
    points, and each fold's balanced accuracy there (one row per fold)."""
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
    return mean, fold_ba


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
    if len(curves) == 1:
        # The mean over one fold is that fold's curve, and its best threshold.
        (mean,) = curves
        fold_ba = mean.balanced_accuracy[np.newaxis]
    else:
        mean, fold_ba = _mean_rate_curve(curves)
    feasible = _feasible(constraints, mean)
    if not feasible.any():
        raise _infeasible_error(constraints, mean)
    threshold, score = _best_threshold(mean, feasible, tie_break)
    if len(curves) == 1:
        fold_best = np.array([[threshold, score]])
    else:
        fold_best = np.array(
            [
                _best_threshold(curve, _feasible(constraints, curve), tie_break)
                for curve in curves
            ]
        )
    return ThresholdSearchResult(
        threshold=threshold,
        score=score,
        fold_thresholds=fold_best[:, 0],
        fold_scores=fold_best[:, 1],
        thresholds=mean.thresholds,
        scores=mean.balanced_accuracy,
        fold_curve_scores=fold_ba,
        tpr=mean.tpr,
        tnr=mean.tnr,
        positive_rate=mean.positive_rate,
        feasible=feasible,
    )
