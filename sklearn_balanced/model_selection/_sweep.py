"""Exact sweeps of balanced accuracy over decision thresholds and class offsets.

Balanced accuracy of a thresholded score is a step function of the threshold: it
only changes where the threshold crosses an observed score. Sorting the scores
once and taking cumulative sums of the class weights gives its value at every
cut point; averaging several folds' step functions on the union of their cut
points gives the exact cross-validated objective. The multiclass offsets of the
rule ``argmax_k(s_k + b_k)`` are tuned by coordinate ascent, where each
coordinate is one such exact sweep.
"""

import warnings
from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target

from sklearn_balanced.utils._validation import check_sample_weight_nonneg

_TIE_BREAKS = ("middle", "lowest", "highest")
_MARGIN_DECIMALS = 12


class BalancedAccuracyCurve(NamedTuple):
    """Balanced accuracy, TPR and TNR at every cut point of a binary score.

    Attributes
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Strictly decreasing thresholds: ``np.inf`` first (every sample
        negative), then every distinct score.
    balanced_accuracy : ndarray of shape (n_thresholds,)
        Balanced accuracy of the rule "positive iff ``y_score >= threshold``".
    tpr : ndarray of shape (n_thresholds,)
        True positive rate (recall of the positive class) at each threshold.
    tnr : ndarray of shape (n_thresholds,)
        True negative rate (recall of the negative class) at each threshold.

    See Also
    --------
    balanced_accuracy_curve : The function returning it.

    Examples
    --------
    >>> from sklearn_balanced.model_selection import balanced_accuracy_curve
    >>> curve = balanced_accuracy_curve([0, 1, 1], [0.2, 0.6, 0.9])
    >>> curve.tpr.tolist(), curve.tnr.tolist()
    ([0.0, 0.5, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0])
    """

    thresholds: np.ndarray
    balanced_accuracy: np.ndarray
    tpr: np.ndarray
    tnr: np.ndarray


class ThresholdSearchResult(NamedTuple):
    """Outcome of :func:`tune_threshold`.

    Attributes
    ----------
    threshold : float
        The chosen threshold, in the middle of the best plateau of the mean
        balanced accuracy.
    score : float
        Mean balanced accuracy over the folds at ``threshold``.
    fold_thresholds : ndarray of shape (n_folds,)
        Each fold's own best threshold, chosen the same way on that fold alone.
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
        Number of passes over the classes that were run.
    path_offsets : ndarray of shape (n_steps + 1, n_classes)
        The initial offsets followed by the offsets after each accepted step.
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


def _cut_points(scores):
    """Sort ``scores`` decreasingly and locate the ends of equal-score blocks.

    Returns
    -------
    order : ndarray of shape (n_samples,)
        Indices sorting ``scores`` in decreasing order.
    ends : ndarray of shape (n_distinct,)
        Position, in sorted order, of the last sample of each distinct score.
    thresholds : ndarray of shape (n_distinct + 1,)
        ``np.inf`` followed by the distinct scores in decreasing order.
    """
    order = np.argsort(scores)[::-1]
    ranked = scores[order]
    ends = np.r_[np.flatnonzero(ranked[1:] != ranked[:-1]), scores.size - 1]
    return order, ends, np.r_[np.inf, ranked[ends]]


def _sums_above(sorted_values, ends):
    """``sums[j]``: total of the values scoring at least ``thresholds[j]``."""
    return np.r_[0, np.cumsum(sorted_values)[ends]]


def _binary_curve(is_positive, scores, sample_weight):
    """The balanced accuracy curve of "positive iff ``scores >= t``", unvalidated.

    A class with zero total weight has an undefined recall, reported as NaN;
    the balanced accuracy is then the recall of the other class.
    """
    order, ends, thresholds = _cut_points(scores)
    ranked_positive = is_positive[order]
    if sample_weight is None:
        true_positives = _sums_above(ranked_positive, ends)
        false_positives = np.r_[0, ends + 1] - true_positives
    else:
        ranked_weight = sample_weight[order]
        true_positives = _sums_above(ranked_weight * ranked_positive, ends)
        false_positives = _sums_above(ranked_weight * ~ranked_positive, ends)
    positives, negatives = true_positives[-1], false_positives[-1]
    nan = np.full(thresholds.shape, np.nan)
    tpr = true_positives / positives if positives > 0 else nan
    tnr = (negatives - false_positives) / negatives if negatives > 0 else nan
    if positives > 0 and negatives > 0:
        balanced_accuracy = (tpr + tnr) / 2
    else:
        balanced_accuracy = tpr if positives > 0 else tnr
    return BalancedAccuracyCurve(thresholds, balanced_accuracy, tpr, tnr)


def _pos_label_mask(y_true, pos_label):
    """Boolean mask of the positive samples, with scikit-learn's pos_label rules."""
    classes = np.unique(y_true)
    if pos_label is None:
        known = {0, 1, -1}
        if classes.dtype.kind in "OUS" or not set(classes.tolist()) <= known:
            raise ValueError(
                "y_true takes values in "
                f"{classes.tolist()}; pos_label must be given explicitly when the "
                "labels are not {0, 1} or {-1, 1}."
            )
        pos_label = 1
    elif classes.size == 2 and pos_label not in classes.tolist():
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label: it must be one of "
            f"{classes.tolist()}."
        )
    return y_true == pos_label


def balanced_accuracy_curve(y_true, y_score, *, pos_label=None, sample_weight=None):
    """Balanced accuracy of a binary score at every possible threshold.

    The rule at threshold ``t`` is "positive iff ``y_score >= t``", as in
    :func:`sklearn.metrics.roc_curve`. The scores are sorted once and the class
    weights accumulated, so every cut point is evaluated exactly in
    ``O(n log n)`` time.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary true labels.

    y_score : array-like of shape (n_samples,)
        Scores of the positive class (probabilities or decision values).

    pos_label : int, float, bool or str, default=None
        The positive class. When None, ``y_true`` must take values in
        ``{0, 1}`` or ``{-1, 1}`` and the positive class is 1.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    curve : BalancedAccuracyCurve
        Named tuple ``(thresholds, balanced_accuracy, tpr, tnr)`` of float64
        arrays aligned with the strictly decreasing ``thresholds``, whose first
        entry is ``np.inf`` (every sample negative) followed by every distinct
        score. If a class has zero total weight its recall is NaN and the
        balanced accuracy is the recall of the other class, as with
        :func:`sklearn.metrics.balanced_accuracy_score`.

    See Also
    --------
    tune_threshold : Best threshold for the mean balanced accuracy over folds.
    sklearn.metrics.roc_curve : TPR and FPR at every threshold.

    Examples
    --------
    >>> from sklearn_balanced.model_selection import balanced_accuracy_curve
    >>> curve = balanced_accuracy_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.thresholds.tolist()
    [inf, 0.8, 0.4, 0.35, 0.1]
    >>> curve.balanced_accuracy.tolist()
    [0.5, 0.75, 0.5, 0.75, 0.5]
    """
    y_true = column_or_1d(y_true)
    y_score = check_array(
        y_score, ensure_2d=False, dtype=np.float64, input_name="y_score"
    )
    if y_score.ndim != 1:
        raise ValueError(f"y_score must be 1-D, got an array of shape {y_score.shape}.")
    check_consistent_length(y_true, y_score)
    target_type = type_of_target(y_true, input_name="y_true")
    if target_type != "binary":
        raise ValueError(
            f"y_true must be a binary target, got a {target_type!r} target."
        )
    weight = check_sample_weight_nonneg(sample_weight, y_true.shape[0])
    is_positive = _pos_label_mask(y_true, pos_label)
    return _binary_curve(is_positive, y_score, weight)


def _union_evaluation(fold_thresholds):
    """Union of the folds' cut points and each fold's curve index at each of them.

    Parameters
    ----------
    fold_thresholds : list of ndarray
        Each fold's strictly decreasing thresholds, ``np.inf`` first.

    Returns
    -------
    thresholds : ndarray of shape (n_thresholds,)
        ``np.inf`` followed by the union of the finite thresholds, decreasing.
    indices : list of ndarray of shape (n_thresholds,) or of slice
        For each fold, the position in its own curve that applies at each
        union threshold (the number of its cut points at or above it); the
        whole curve for a single fold.
    """
    if len(fold_thresholds) == 1:
        return fold_thresholds[0], [slice(None)]
    finite = np.unique(np.concatenate([thr[1:] for thr in fold_thresholds]))
    thresholds = np.r_[np.inf, finite[::-1]]
    indices = []
    for thr in fold_thresholds:
        ascending = thr[:0:-1]
        above = ascending.size - np.searchsorted(ascending, thresholds, side="left")
        indices.append(above)
    return thresholds, indices


def _tie_tolerance(objective):
    """Absolute tolerance under which two objective values count as equal.

    The values are sums of up to ``objective.size`` rounded terms of magnitude at
    most one, so their rounding error stays below a few ``size * eps``.
    """
    return 4 * np.finfo(np.float64).eps * objective.size


def _plateau_value(upper, lower):
    """A point of the interval ``(lower, upper]``, central when it is bounded.

    An unbounded side (the rule predicting a single class is among the best) is
    replaced by a point at distance ``max(1, |end|)`` beyond the finite end.
    """
    if np.isinf(upper) and np.isinf(lower):
        return 0.0
    if np.isinf(upper):
        return lower + max(1.0, abs(lower))
    if np.isinf(lower):
        return upper - max(1.0, abs(upper))
    middle = lower / 2 + upper / 2
    return middle if lower < middle <= upper else upper


def _select_plateau(thresholds, objective, tie_break):
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

    Returns
    -------
    threshold : float
        A threshold inside the chosen plateau.
    best : float
        The best objective value.
    """
    best = np.max(objective)
    is_best = objective >= best - _tie_tolerance(objective)
    edges = np.diff(np.r_[0, is_best.astype(np.int8), 0])
    # Plateaus in increasing threshold order: the curve is stored decreasing.
    starts = np.flatnonzero(edges == 1)[::-1]
    stops = np.flatnonzero(edges == -1)[::-1] - 1
    chosen = {"lowest": 0, "highest": -1, "middle": (starts.size - 1) // 2}[tie_break]
    start, stop = starts[chosen], stops[chosen]
    lower = thresholds[stop + 1] if stop + 1 < thresholds.size else -np.inf
    return float(_plateau_value(thresholds[start], lower)), float(best)


def _check_tie_break(tie_break):
    if tie_break not in _TIE_BREAKS:
        raise ValueError(
            f"tie_break must be one of {list(_TIE_BREAKS)}, got {tie_break!r}."
        )


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
        fold_weight = check_sample_weight_nonneg(fold_weight, fold_labels.shape[0])
        checked.append((fold_labels, fold_scores, fold_weight))
    return checked


def _nanmean_rows(values):
    """Column means of a 2-D array over its non-NaN entries (NaN if none)."""
    if values.shape[0] == 1:
        return values[0]
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        return np.where(defined, values, 0.0).sum(axis=0) / defined.sum(axis=0)


def tune_threshold(y_true, y_score, *, sample_weight=None, tie_break="middle"):
    """Threshold maximising the mean balanced accuracy over folds, exactly.

    Each fold's balanced accuracy is a step function of the threshold ``t`` of
    the rule "positive iff ``y_score >= t``"; the mean over folds is evaluated
    exactly on the union of all folds' cut points, and the threshold is placed
    in the middle of the best plateau, between two observed scores.

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

    Returns
    -------
    result : ThresholdSearchResult
        The chosen threshold and score, each fold's own best threshold and
        score, and the mean curve over the union of cut points.

    Raises
    ------
    ValueError
        If the scores of a fold are all equal (no threshold separates anything).

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
    """
    _check_tie_break(tie_break)
    curves = []
    folds = _check_folds(y_true, y_score, sample_weight, score_ndim=1)
    for fold_labels, fold_scores, fold_weight in folds:
        if fold_labels.dtype.kind != "b" and not (
            fold_labels.dtype.kind in "iuf"
            and ((fold_labels == 0) | (fold_labels == 1)).all()
        ):
            raise ValueError(
                "y_true must hold booleans or 0/1 values (True or 1 for the "
                "positive class)."
            )
        curve = _binary_curve(fold_labels == 1, fold_scores, fold_weight)
        if curve.thresholds.size < 3:
            raise ValueError(
                "The scores of a validation fold are all equal: the estimator "
                "makes constant predictions, so no threshold can be tuned."
            )
        curves.append(curve)
    thresholds, indices = _union_evaluation([curve.thresholds for curve in curves])
    fold_ba, fold_tpr, fold_tnr = (
        np.array([getattr(c, name)[i] for c, i in zip(curves, indices, strict=True)])
        for name in ("balanced_accuracy", "tpr", "tnr")
    )
    mean_ba = fold_ba.mean(axis=0)
    threshold, score = _select_plateau(thresholds, mean_ba, tie_break)
    fold_best = np.array(
        [
            _select_plateau(curve.thresholds, curve.balanced_accuracy, tie_break)
            for curve in curves
        ]
    )
    return ThresholdSearchResult(
        threshold=threshold,
        score=score,
        fold_thresholds=fold_best[:, 0],
        fold_scores=fold_best[:, 1],
        thresholds=thresholds,
        scores=mean_ba,
        fold_curve_scores=fold_ba,
        tpr=_nanmean_rows(fold_tpr),
        tnr=_nanmean_rows(fold_tnr),
    )


class _OffsetFold:
    """One fold's codes, scores and per-sample share of the balanced accuracy."""

    def __init__(self, codes, scores, sample_weight):
        n_classes = scores.shape[1]
        weight = np.ones(codes.shape[0]) if sample_weight is None else sample_weight
        support = np.bincount(codes, weights=weight, minlength=n_classes)
        n_present = np.count_nonzero(support)
        own_support = support[codes]
        safe_support = np.where(own_support > 0, own_support, 1.0)
        self.codes = codes
        self.scores = scores
        self.share = np.where(own_support > 0, weight / (n_present * safe_support), 0)

    def balanced_accuracy(self, offsets):
        predicted = np.argmax(self.scores + offsets, axis=1)
        return float(self.share[predicted == self.codes].sum())

    def coordinate_curve(self, offsets, k):
        """Balanced accuracy as a step function of ``t = -offsets[k]``.

        Class ``k`` wins sample ``i`` when ``offsets[k]`` exceeds its margin
        ``max_{j != k}(s_ij + b_j) - s_ik``, i.e. when ``-margin > t``; otherwise
        the runner-up class is predicted.
        """
        others = self.scores + offsets
        others[:, k] = -np.inf
        runner_up = np.argmax(others, axis=1)
        margin = others[np.arange(runner_up.size), runner_up] - self.scores[:, k]
        # Margins equal up to rounding (ties between classes) must share one
        # breakpoint, or the sweep sees spurious plateaus narrower than an ulp.
        margin = np.round(margin, _MARGIN_DECIMALS)
        runner_up_correct = runner_up == self.codes
        gain = self.share * ((self.codes == k).astype(float) - runner_up_correct)
        order, ends, thresholds = _cut_points(-margin)
        base = self.share[runner_up_correct].sum()
        return thresholds, base + _sums_above(gain[order], ends)


def _mean_score(folds, offsets):
    return float(np.mean([fold.balanced_accuracy(offsets) for fold in folds]))


def tune_offsets(
    y_codes,
    scores,
    *,
    sample_weight=None,
    offsets=None,
    tie_break="middle",
    max_iter=100,
):
    """Class offsets maximising the mean balanced accuracy of ``argmax_k(s_k + b_k)``.

    Exact coordinate ascent: with the other offsets fixed, the balanced accuracy
    of each fold is a step function of ``b_k`` whose breakpoints are the
    samples' margins ``max_{j != k}(s_ij + b_j) - s_ik``; the mean over folds is
    maximised exactly on the union of those breakpoints and ``b_k`` is moved to
    the middle of the best plateau when this improves the objective. Passes
    over the classes repeat until none improves. Offsets are normalised so that
    ``b[0] == 0`` (adding a constant to every offset leaves the rule unchanged).

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
        Maximum number of passes over the classes.

    Returns
    -------
    result : OffsetSearchResult
        The tuned offsets, their mean balanced accuracy, the score at the
        starting offsets, the number of passes and the path of accepted steps.

    Raises
    ------
    ValueError
        If the scores of a fold are the same for every sample.

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
    """
    _check_tie_break(tie_break)
    if not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}.")
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
    current = (
        np.zeros(n_classes) if offsets is None else _check_offsets(offsets, n_classes)
    )
    current = current - current[0]
    current_score = _mean_score(folds, current)
    path_offsets, path_scores = [current.copy()], [current_score]
    flipped = {"lowest": "highest", "highest": "lowest", "middle": "middle"}[tie_break]
    n_iter = 0
    improved = True
    while improved and n_iter < max_iter:
        n_iter += 1
        improved = False
        for k in range(n_classes):
            curves = [fold.coordinate_curve(current, k) for fold in folds]
            thresholds, indices = _union_evaluation([curve[0] for curve in curves])
            objective = np.mean(
                [values[idx] for (_, values), idx in zip(curves, indices, strict=True)],
                axis=0,
            )
            threshold, _ = _select_plateau(thresholds, objective, flipped)
            candidate = current.copy()
            candidate[k] = -threshold
            candidate -= candidate[0]
            candidate_score = _mean_score(folds, candidate)
            if candidate_score > current_score + _tie_tolerance(objective):
                current, current_score, improved = candidate, candidate_score, True
                path_offsets.append(current.copy())
                path_scores.append(current_score)
    if improved:
        warnings.warn(
            f"tune_offsets stopped after max_iter={max_iter} passes while the "
            "balanced accuracy was still improving; increase max_iter.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return OffsetSearchResult(
        offsets=current,
        score=current_score,
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
