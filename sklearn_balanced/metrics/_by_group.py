"""The balanced accuracy of every group, with intervals and drop flags.

Per-class counts of every group come from :class:`GroupedConfusionCounts`; each
group's score follows :func:`balanced_accuracy_score` on that group's samples
exactly (classes without true samples in a group are left out of its average, as
scikit-learn leaves them out), its posterior interval is that of
:meth:`ConfusionCounts.interval`, and :meth:`GroupedBalancedAccuracy.compare_to`
asks, group by group, whether the score dropped below a reference's
(:mod:`sklearn_balanced.metrics._drift`).
"""

import dataclasses
from numbers import Real

import numpy as np

from sklearn_balanced.metrics._beta_average import N_NODES, beta_average_laws
from sklearn_balanced.metrics._confusion_counts import ConfusionCounts
from sklearn_balanced.metrics._counts import select_classes
from sklearn_balanced.metrics._drift import balanced_accuracy_change, flag_drops
from sklearn_balanced.metrics._grouped_counts import (
    GroupedConfusionCounts,
    group_index,
    hashable_group,
)
from sklearn_balanced.metrics._interval import MAX_CLASS_SIZE, kish_sizes
from sklearn_balanced.metrics._lattice_laws import distinct_rows, laws_ppf
from sklearn_balanced.metrics._recall import TARGET_PARAMS
from sklearn_balanced.metrics._targets import check_labels
from sklearn_balanced.utils._compat import validate_params
from sklearn_balanced.utils._encode import find_labels
from sklearn_balanced.utils._optional import import_optional

#: Lattice nodes per class of the posterior of a group (see ``_posterior_limits``).
NODES_PER_CLASS = 1024


def _result_params():
    """The constraints of the options of every group's result.

    Built at the first call of a function that validates them (see
    :func:`~sklearn_balanced.utils._compat.validate_params`).
    """
    from sklearn_balanced.utils._compat import Interval, StrOptions

    return {
        "labels": ["array-like", None],
        "interval": [StrOptions({"posterior"}), None],
        "confidence": [Interval(Real, 0, 1, closed="neither")],
    }


@dataclasses.dataclass(frozen=True, eq=False)
class GroupedBalancedAccuracy:
    """The balanced accuracy of every group, with its interval.

    Returned by :func:`balanced_accuracy_by` and :meth:`from_counts`; the drop
    columns are filled by :meth:`compare_to`. Arrays have one row per group,
    in ``groups`` order.

    Attributes
    ----------
    groups : list
        The groups, sorted (tuples for several key columns).
    classes : ndarray of shape (n_classes,)
        The classes averaged.
    balanced_accuracy : ndarray of shape (n_groups,)
        Each group's balanced accuracy: that of :func:`balanced_accuracy_score`
        on the group's samples, the mean recall of the classes with true
        samples in the group; NaN for a group without samples of positive
        weight.
    low, high : ndarray of shape (n_groups,)
        The posterior interval of each group (that of
        :meth:`ConfusionCounts.interval`, on a coarser lattice: within about
        1e-6); NaN without ``interval`` or for a group with fewer than two
        classes with true samples.
    support : ndarray of shape (n_groups, n_classes)
        Total weight (number, without weights) of the true samples of every
        class in every group.
    n_samples : ndarray of shape (n_groups,)
        Total weight (number, without weights) of each group's samples counted
        by a class of ``classes``.
    complete : ndarray of shape (n_groups,) of bool
        Whether every class has true samples in the group; the others average
        fewer classes (as scikit-learn does, with a warning, on their samples).
    confidence : float
        The probability content of the intervals.
    difference, difference_low, difference_high : ndarray of shape (n_groups,) \
            or None
        After :meth:`compare_to`: the change ``BA_group - BA_reference`` and its
        interval at ``confidence``; NaN where a group cannot be compared.
    p_drop : ndarray of shape (n_groups,) or None
        After :meth:`compare_to`: the posterior probability that the group's
        balanced accuracy is below the reference's; NaN for a group (or
        reference) without true samples of one of the classes both average,
        without samples, or without a reference.
    flag : ndarray of shape (n_groups,) of bool or None
        After :meth:`compare_to`: ``p_drop > level``, never for NaN nor for a
        group ``too_small``.
    too_small : ndarray of shape (n_groups,) of bool or None
        After :meth:`compare_to`: whether the group has fewer than
        ``min_support`` samples of a class it is compared over (its
        ``p_drop`` is shown, never flagged).
    level : float or None
        The level of ``flag``.
    min_support : float or None
        The samples per class a group needs to be flagged.

    Examples
    --------
    >>> from sklearn_balanced.metrics import balanced_accuracy_by
    >>> result = balanced_accuracy_by(
    ...     [0, 1, 0, 1], [0, 1, 1, 1], groups=["a", "a", "b", "b"]
    ... )
    >>> result.groups, result.balanced_accuracy.tolist()
    (['a', 'b'], [1.0, 0.5])
    """

    groups: list
    classes: np.ndarray
    balanced_accuracy: np.ndarray
    low: np.ndarray
    high: np.ndarray
    support: np.ndarray
    n_samples: np.ndarray
    complete: np.ndarray
    confidence: float
    difference: np.ndarray | None = None
    difference_low: np.ndarray | None = None
    difference_high: np.ndarray | None = None
    p_drop: np.ndarray | None = None
    flag: np.ndarray | None = None
    too_small: np.ndarray | None = None
    level: float | None = None
    min_support: float | None = None
    _counts: tuple = dataclasses.field(default=(), repr=False)

    def __len__(self):
        return len(self.groups)

    def __repr__(self):
        compared = "" if self.p_drop is None else f", flagged={int(self.flag.sum())}"
        return (
            f"{type(self).__name__}(n_groups={len(self)}, "
            f"classes={self.classes.tolist()}{compared})"
        )

    @classmethod
    @validate_params(
        lambda: {"counts": [GroupedConfusionCounts], **_result_params()},
        prefer_skip_nested_validation=True,
    )
    def from_counts(cls, counts, *, labels=None, interval="posterior", confidence=0.95):
        """The balanced accuracy of every group of grouped counts.

        Parameters
        ----------
        counts : GroupedConfusionCounts
            The counts of the groups (for instance merged from partitions, or
            counted by a table's engine).
        labels : array-like of shape (n_classes,), default=None
            The classes to average over, in any order: samples of other true
            classes are left out, predictions of other classes count as errors.
            None means every counted label.
        interval : {"posterior"} or None, default="posterior"
            The interval of each group; None skips them (``low`` and ``high``
            are then NaN).
        confidence : float, default=0.95
            Probability content of the intervals, strictly between 0 and 1.

        Returns
        -------
        result : GroupedBalancedAccuracy

        Examples
        --------
        >>> from sklearn_balanced.metrics import (
        ...     GroupedBalancedAccuracy, GroupedConfusionCounts)
        >>> counts = GroupedConfusionCounts().update(
        ...     [0, 1, 1, 0, 1], [0, 1, 0, 0, 1], groups=[1, 1, 1, 2, 2])
        >>> result = GroupedBalancedAccuracy.from_counts(counts)
        >>> result.balanced_accuracy.tolist()
        [0.75, 1.0]
        >>> result.low.round(3).tolist()
        [0.25, 0.311]
        """
        state = counts._state
        if not state.keys:
            raise ValueError(
                "No samples have been counted: call update (or merge counts) first."
            )
        classes, correct, support, squares = _class_counts(state, labels)
        present = support > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            recall = np.where(present, correct / support, np.nan)
            n_present = present.sum(axis=1)
            score = np.where(
                n_present > 0,
                np.nansum(recall, axis=1) / np.maximum(n_present, 1),
                np.nan,
            )
        sizes = _effective_sizes(classes, support, squares, state.exponent)
        low = np.full(score.shape, np.nan)
        high = np.full(score.shape, np.nan)
        if interval is not None:
            tail = (1.0 - confidence) / 2.0
            rows = n_present >= 2
            first, pattern_of = distinct_rows(present)
            for index, kept in enumerate(present[first]):
                same = np.flatnonzero(rows & (pattern_of == index))
                if same.shape[0]:
                    cells = np.ix_(same, kept)
                    low[same], high[same] = _posterior_limits(
                        recall[cells], sizes[cells], tail
                    )
        with np.errstate(over="ignore"):
            given = np.ldexp(support, state.exponent)
        if state.counts.dtype.kind == "i":
            given = given.astype(np.int64)
        return cls(
            groups=counts.groups,
            classes=classes,
            balanced_accuracy=score,
            low=low,
            high=high,
            support=given,
            n_samples=given.sum(axis=1),
            complete=present.all(axis=1),
            confidence=float(confidence),
            _counts=(recall, sizes, state.keys),
        )

    def compare_to(self, reference="previous", *, level=0.95, min_support=10):
        """Compare every group's balanced accuracy with a reference's.

        Parameters
        ----------
        reference : "previous", a group, or ConfusionCounts, default="previous"
            What each group is compared with: ``"previous"``, the group before
            it (for keys of several columns, the group before it with the same
            leading keys: the previous time window of the same segment when the
            window is the last key; the first group has none); a group of the
            result (itself not compared); or counts of a fixed reference period,
            as :class:`ConfusionCounts`.
        level : float, default=0.95
            A group is flagged when the probability that its balanced accuracy
            dropped exceeds ``level``, strictly between 0 and 1. With no change,
            at most a fraction ``1 - level`` of groups is flagged.
        min_support : float, default=10
            The fewest samples of every class compared (effective samples,
            with weights) a group needs to be flagged: smaller groups are
            reported as ``too_small``, with their ``p_drop``, and never
            flagged. 0 flags groups of any size.

        Returns
        -------
        result : GroupedBalancedAccuracy
            A copy with ``difference``, ``difference_low``, ``difference_high``
            (at ``confidence``), ``p_drop``, ``flag``, ``too_small``, ``level``
            and ``min_support`` filled.

        Raises
        ------
        ValueError
            If ``reference`` is none of the above, ``level`` is not strictly
            between 0 and 1, or ``min_support`` is not a non-negative number.

        Notes
        -----
        Each group is compared over the classes with true samples in it or in
        its reference; it needs true samples of every one of them, in both,
        else it gets NaN and no flag.

        The drop probability is calibrated: with no change, at most about
        ``1 - level`` of the groups are flagged, whatever their size. A group
        of a few samples can therefore be flagged by chance on one or two
        errors (a window of two samples, both wrong, against a reference at
        0.85 or more: one time in fifty), and flagged or not it says little.
        Hence ``min_support``: with 10 samples per class, the default, a
        drop of the recalls from 0.85 to 0.5 is flagged about 95% of the time
        (65% with 5, 30% with 2), so that a group at that size is flagged for
        drops that matter rather than for a coincidence of a few errors.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_balanced.metrics import balanced_accuracy_by
        >>> y_true = np.tile([0, 1], 200)
        >>> y_pred = y_true.copy()
        >>> y_pred[300:][::3] = 1 - y_pred[300:][::3]  # the last window worsens
        >>> weeks = np.repeat([1, 2, 3, 4], 100)
        >>> result = balanced_accuracy_by(y_true, y_pred, weeks).compare_to("previous")
        >>> result.flag.tolist()
        [False, False, False, True]
        """
        flag_drops(np.zeros(0), level)  # checks level first
        if (
            isinstance(min_support, bool)
            or not isinstance(min_support, Real)
            or not min_support >= 0
        ):
            raise ValueError(
                f"min_support must be a non-negative number, got {min_support!r}."
            )
        recall, sizes, keys = self._counts
        correct = np.where(sizes > 0, recall * sizes, 0.0)
        ref_correct, ref_sizes, has_reference = self._reference(
            reference, correct, sizes, keys
        )
        n_groups = len(self)
        columns = {
            name: np.full(n_groups, np.nan)
            for name in ("difference", "low", "high", "p_drop")
        }
        too_small = np.zeros(n_groups, dtype=bool)
        used = (sizes > 0) | (ref_sizes > 0)
        first, pattern_of = distinct_rows(used)
        for index, pattern in enumerate(used[first]):
            rows = np.flatnonzero((pattern_of == index) & has_reference)
            if not rows.shape[0] or not pattern.any():
                continue
            cells = np.ix_(rows, pattern)
            change = balanced_accuracy_change(
                correct[cells],
                sizes[cells],
                ref_correct[cells],
                ref_sizes[cells],
                confidence=self.confidence,
            )
            columns["difference"][rows] = change.difference
            columns["low"][rows] = change.low
            columns["high"][rows] = change.high
            columns["p_drop"][rows] = change.p_drop
            too_small[rows] = (sizes[cells] < min_support).any(axis=1)
        return dataclasses.replace(
            self,
            difference=columns["difference"],
            difference_low=columns["low"],
            difference_high=columns["high"],
            p_drop=columns["p_drop"],
            flag=flag_drops(columns["p_drop"], level) & ~too_small,
            too_small=too_small,
            level=float(level),
            min_support=float(min_support),
        )

    def _reference(self, reference, correct, sizes, keys):
        """Per-group reference counts and which groups have a reference."""
        n_groups = len(self)
        if isinstance(reference, str) and reference == "previous":
            before = np.arange(n_groups) - 1
            has_reference = before >= 0
            for column in keys[:-1]:  # same leading keys
                has_reference[1:] &= column[1:] == column[:-1]
            before = np.maximum(before, 0)
            return correct[before], sizes[before], has_reference
        if isinstance(reference, ConfusionCounts):
            ref_correct, ref_sizes = _reference_counts(reference, self.classes)
            shape = correct.shape
            return (
                np.broadcast_to(ref_correct, shape),
                np.broadcast_to(ref_sizes, shape),
                np.ones(n_groups, dtype=bool),
            )
        index = group_index(keys).get(hashable_group(reference))
        if index is None:
            raise ValueError(
                'reference must be "previous", a group of the result, or '
                f"ConfusionCounts; got {reference!r}, which is none of them."
            )
        has_reference = np.ones(n_groups, dtype=bool)
        has_reference[index] = False
        shape = correct.shape
        return (
            np.broadcast_to(correct[index], shape),
            np.broadcast_to(sizes[index], shape),
            has_reference,
        )

    def to_frame(self):
        """The result as a pandas DataFrame, one row per group.

        Columns: the group keys (``group``, or ``group_0``, ``group_1``, ...
        for several), ``balanced_accuracy``, ``low``, ``high``, ``n_samples``,
        ``complete``, ``support_<class>`` for every class, and after
        :meth:`compare_to` ``difference``, ``difference_low``,
        ``difference_high``, ``p_drop``, ``flag`` and ``too_small``.

        Returns
        -------
        frame : pandas.DataFrame

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from sklearn_balanced.metrics import balanced_accuracy_by
        >>> result = balanced_accuracy_by([0, 1, 1], [0, 1, 0], ["a", "a", "b"])
        >>> frame = result.to_frame()
        >>> frame[["group", "balanced_accuracy", "complete"]]
          group  balanced_accuracy  complete
        0     a                1.0      True
        1     b                0.0     False
        """
        pd = import_optional("pandas", "GroupedBalancedAccuracy.to_frame")
        keys = self._counts[2]
        names = (
            ["group"] if len(keys) == 1 else [f"group_{i}" for i in range(len(keys))]
        )
        data = dict(zip(names, keys, strict=True))
        data.update(
            balanced_accuracy=self.balanced_accuracy,
            low=self.low,
            high=self.high,
            n_samples=self.n_samples,
            complete=self.complete,
        )
        for index, label in enumerate(self.classes.tolist()):
            data[f"support_{label}"] = self.support[:, index]
        if self.p_drop is not None:
            data.update(
                difference=self.difference,
                difference_low=self.difference_low,
                difference_high=self.difference_high,
                p_drop=self.p_drop,
                flag=self.flag,
                too_small=self.too_small,
            )
        return pd.DataFrame(data)


def _posterior_limits(recall, sizes, tail):
    """The posterior intervals of groups, as ``posterior_summary`` computes them.

    On a lattice of ``NODES_PER_CLASS`` nodes per class (``posterior_summary``
    takes ``N_NODES`` in all, 8192 per class for two): limits within about
    1e-6 of its own. Groups of the same counts share one computation, and the
    others are computed in chunks (see
    :func:`~sklearn_balanced.metrics._lattice_laws.beta_sums`: groups of a few
    samples share their classes' posteriors, whose incomplete Beta functions are
    evaluated once).

    Parameters
    ----------
    recall, sizes : ndarray of shape (n_groups, n_classes)
        The recall and the (effective) size of every class with true samples
        in the group.
    tail : float
        Posterior probability left out on each side of the interval.

    Returns
    -------
    low, high : ndarray of shape (n_groups,)
    """
    support = np.minimum(sizes, MAX_CLASS_SIZE)
    correct = recall * support
    rows, group_of = distinct_rows(correct, support)
    correct, support = correct[rows], support[rows]
    n_nodes = min(N_NODES, NODES_PER_CLASS * support.shape[1])
    limits = np.empty((rows.shape[0], 2))
    for chunk, laws in beta_average_laws(
        correct + 1.0, support - correct + 1.0, n_nodes=n_nodes
    ):
        limits[chunk] = laws_ppf(laws, [tail, 1.0 - tail])
    return limits[group_of].T


def _class_counts(state, labels):
    """Per-group, per-class ``(classes, correct, support, squares)`` of the state.

    In the units of the counts; ``labels`` selects and orders the classes as
    :func:`~sklearn_balanced.metrics._counts.select_classes` does.
    """
    counts = state.counts.astype(np.float64)
    support = counts.sum(axis=2)
    correct = np.diagonal(counts, axis1=1, axis2=2).copy()
    squares = state.squares
    classes = state.classes
    if labels is None:
        return classes, correct, support, squares
    labels = check_labels(labels, classes)
    position, found = find_labels(classes, labels)

    def take(values):
        return np.where(found, values[:, position], 0.0)

    return (
        labels,
        take(correct),
        take(support),
        None if squares is None else take(squares),
    )


def _effective_sizes(classes, support, squares, exponent):
    """Effective sizes of every class in every group (Kish's, with weights)."""
    if squares is None:
        with np.errstate(over="ignore"):
            return np.ldexp(support, exponent)
    return np.stack(
        [
            kish_sizes(classes, row, row_squares)
            for row, row_squares in zip(support, squares, strict=True)
        ]
    )


def _reference_counts(reference, classes):
    """Recall times effective size, and effective size, of reference counts."""
    pairs = reference._pairs
    if not pairs.classes.shape[0]:
        raise ValueError("reference counts are empty: count some samples first.")
    counts, squares = select_classes(pairs, classes)
    sizes = _effective_sizes(
        classes,
        counts.support[np.newaxis],
        None if squares is None else squares[np.newaxis],
        pairs.exponent,
    )[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(counts.support > 0, counts.correct / counts.support, 0.0)
    return recall * sizes, sizes


@validate_params(
    lambda: {**TARGET_PARAMS, "groups": ["array-like", list], **_result_params()},
    prefer_skip_nested_validation=True,
)
def balanced_accuracy_by(
    y_true,
    y_pred,
    groups,
    *,
    sample_weight=None,
    labels=None,
    interval="posterior",
    confidence=0.95,
):
    """The balanced accuracy of every group of samples, with its interval.

    Each group's score is that of :func:`balanced_accuracy_score` on the
    group's samples, counted in one pass over the data
    (:class:`GroupedConfusionCounts`); for counts merged from partitions or
    counted by a table's engine, use :meth:`GroupedBalancedAccuracy.from_counts`.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    groups : array-like of shape (n_samples,) or (n_samples, n_keys), or \
            list of array-likes of shape (n_samples,)
        The group of each sample: one key column or several (see
        :meth:`GroupedConfusionCounts.update`); :func:`time_windows` makes
        keys of timestamps.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights.
    labels : array-like of shape (n_classes,), default=None
        The classes to average over (see
        :meth:`GroupedBalancedAccuracy.from_counts`).
    interval : {"posterior"} or None, default="posterior"
        The interval of each group (as :meth:`ConfusionCounts.interval`); None
        skips them.
    confidence : float, default=0.95
        Probability content of the intervals, strictly between 0 and 1.

    Returns
    -------
    result : GroupedBalancedAccuracy
        Per group: ``balanced_accuracy``, ``low``, ``high``, ``support``,
        ``n_samples``, ``complete``; :meth:`~GroupedBalancedAccuracy.compare_to`
        adds drop probabilities and flags, and
        :meth:`~GroupedBalancedAccuracy.to_frame` makes a pandas DataFrame.

    See Also
    --------
    balanced_accuracy_score : The score of one set of samples.
    GroupedConfusionCounts : The mergeable counts behind the result.

    Notes
    -----
    A group without true samples of some class averages the recalls of the
    classes it has, exactly as :func:`balanced_accuracy_score` does on its
    samples (which warns that ``y_pred`` contains classes not in ``y_true``);
    ``complete`` is False for it, and no warning is raised per group.

    Examples
    --------
    >>> from sklearn_balanced.metrics import balanced_accuracy_by
    >>> y_true = ["cat", "dog", "dog", "cat", "dog", "dog"]
    >>> y_pred = ["cat", "dog", "cat", "cat", "dog", "dog"]
    >>> result = balanced_accuracy_by(y_true, y_pred, groups=[1, 1, 1, 2, 2, 2])
    >>> result.balanced_accuracy.tolist()
    [0.75, 1.0]
    >>> result.support.tolist()
    [[1, 2], [1, 2]]
    """
    counts = GroupedConfusionCounts().update(y_true, y_pred, groups, sample_weight)
    return GroupedBalancedAccuracy.from_counts(
        counts, labels=labels, interval=interval, confidence=confidence
    )
