"""Exact coordinate ascent on the class offsets of a multiclass decision rule.

The offsets ``b`` of the rule ``argmax_k(s_k + b_k)`` are tuned for the mean
balanced accuracy over folds: with the other offsets fixed, the objective is a
step function of ``b_k`` (each fold's balanced accuracy changes where a sample
switches to or from class ``k``), so each coordinate step is one exact sweep.
"""

import warnings
from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array

from sklearn_balanced.model_selection._search_checks import (
    _check_folds,
    _check_min_recall,
    _InfeasibleError,
    _is_number,
    _nanmean_rows,
)
from sklearn_balanced.utils._steps import (
    check_tie_break,
    cut_points,
    select_plateau,
    sums_above,
    tie_tolerance,
)

# Margins ``max_{j != k}(s_ij + b_j) - s_ik`` carry rounding errors of a few
# ulps of the largest adjusted score; margins closer than this many ulps share
# one breakpoint, so that the scale of the scores does not matter.
_MARGIN_ULPS = 16
# Elements of the (n_rows, n_classes) blocks of adjusted scores built at once.
_BLOCK_SIZE = 1 << 20


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
        return self.plateau(coordinate, objective, tie_break, feasible), coordinate

    def plateau(self, coordinate, objective, tie_break, feasible):
        """Threshold ``t = -b_k`` in the best plateau of ``objective`` (a step
        function on the steps of ``coordinate``) where ``feasible``."""
        threshold, _ = select_plateau(
            coordinate.thresholds,
            objective,
            tie_break,
            feasible=feasible,
            scale=self.scale,
            tol=tie_tolerance(coordinate.objective.size),
        )
        return threshold

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
        feasible = shortfall <= shortfall.min() + self.tol
        threshold = self.plateau(coordinate, coordinate.objective, "middle", feasible)
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
