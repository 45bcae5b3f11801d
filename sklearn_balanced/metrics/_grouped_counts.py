"""Mergeable confusion counts of every group: segments, time windows, or both.

:class:`GroupedConfusionCounts` holds the dense table of
:mod:`sklearn_balanced.metrics._grouped_pairs`: counted from arrays (Dask
collections block by block) by :meth:`~GroupedConfusionCounts.update`, from a
table by its engine (:mod:`sklearn_balanced.metrics._grouped_frame`), and
merged with ``+``; each group's counts are those of :class:`ConfusionCounts`.
"""

import numpy as np

from sklearn_balanced.metrics._confusion_counts import ConfusionCounts
from sklearn_balanced.metrics._counts import _scaled_weights, _weight_array
from sklearn_balanced.metrics._group_keys import (
    encode_groups,
    group_columns,
    key_collections,
)
from sklearn_balanced.metrics._grouped_frame import frame_grouped_pairs
from sklearn_balanced.metrics._grouped_pairs import (
    EMPTY,
    count_groups,
    integer_range_codes,
    merge_grouped,
    squares_in,
)
from sklearn_balanced.metrics._pair_counts import PairCounts
from sklearn_balanced.metrics._targets import check_not_empty, check_targets
from sklearn_balanced.utils._dask import any_dask, as_dask_arrays, map_reduce
from sklearn_balanced.utils._validation import check_weight_values


class GroupedConfusionCounts:
    """Weighted confusion counts of every group of samples, mergeable.

    The confusion counts of each group (a segment such as a region, a time
    window, or a combination of several key columns) in one table of
    ``n_groups * n_classes**2`` numbers, whatever the number of samples. Like
    :class:`ConfusionCounts`, the counts of the parts of a data set (chunks,
    files, Dask partitions, tables counted by their engine with
    :meth:`from_frame`) merge into the counts of the whole with :meth:`merge`,
    ``+`` or ``sum``, in any order.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Attributes
    ----------
    groups : list
        The groups counted so far, sorted (tuples for several key columns).
    labels : ndarray of shape (n_classes,)
        The labels counted so far, in any group, sorted.
    confusion_matrices : ndarray of shape (n_groups, n_classes, n_classes)
        The counts of each group, in ``groups`` order.

    See Also
    --------
    ConfusionCounts : The counts of all samples together.
    balanced_accuracy_by : The balanced accuracy of each group, with intervals.
    time_windows : Fixed-width time windows, as group keys.

    Notes
    -----
    Counts of one group are those of :class:`ConfusionCounts` on that group's
    samples (``counts[group]``), with the same units and guarantees for
    weights. Memory is dense: ``n_groups * n_classes**2`` numbers. Group keys
    may be numbers, strings, booleans, ``datetime64`` values or other Python
    objects that sort; keys of several columns are tuples.

    Examples
    --------
    >>> from sklearn_balanced.metrics import GroupedConfusionCounts
    >>> counts = GroupedConfusionCounts()
    >>> counts.update([0, 1, 1, 0], [0, 1, 0, 0], groups=["north", "north", "south",
    ...                                                      "south"])
    GroupedConfusionCounts(groups=2, labels=[0, 1], n_samples=4)
    >>> counts.groups
    ['north', 'south']
    >>> counts["south"].confusion_matrix
    array([[1, 0],
           [1, 0]])
    >>> counts.to_counts().score()
    0.75

    Several key columns, and counts of partitions merged:

    >>> first = GroupedConfusionCounts().update(
    ...     [0, 1], [0, 1], groups=[[1, 1], ["a", "b"]]
    ... )
    >>> second = GroupedConfusionCounts().update([1], [0], groups=[[2], ["a"]])
    >>> (first + second).groups
    [(1, 'a'), (1, 'b'), (2, 'a')]
    """

    def __init__(self):
        self._state = EMPTY

    @classmethod
    def _of(cls, state):
        counts = cls.__new__(cls)
        counts._state = state
        return counts

    @classmethod
    def from_frame(
        cls,
        frame,
        *,
        y_true,
        y_pred,
        by=None,
        time=None,
        window=None,
        origin=None,
        sample_weight=None,
    ):
        """Counts of every group of a table's rows, counted by the table's engine.

        One ``group_by(*by, window, y_true, y_pred)`` runs where the data lives
        (DuckDB, Polars, Spark, Dask, ...); only the counts come back. They
        equal those of :meth:`update` with the columns as arrays (and
        :func:`time_windows` of the time column), and merge with them.

        Parameters
        ----------
        frame : DataFrame or table
            Any frame narwhals supports, eager or lazy (see
            :meth:`ConfusionCounts.from_frame`). Needs narwhals (the ``tables``
            extra).
        y_true, y_pred : str
            The columns of true and predicted labels.
        by : str or list of str, default=None
            The group columns (labels keep the type of their column; nulls are
            an error).
        time : str, default=None
            A datetime (or date) column, keyed (after the ``by`` columns) by
            the start of its fixed-width window, computed in the engine.
            Time-zone-aware columns are windowed in UTC. Windows are exact
            for times within 142 years (2**52 microseconds) of ``origin``.
        window : str, default=None
            The window width, as :func:`time_windows` takes it (whole
            microseconds or coarser); required with ``time``.
        origin : str, datetime or numpy.datetime64, default=None
            Where the windows start (see :func:`time_windows`).
        sample_weight : str, default=None
            The column of non-negative, finite sample weights.

        Returns
        -------
        counts : GroupedConfusionCounts
            The counts of every group; window keys are ``datetime64[us]``.

        Raises
        ------
        ValueError
            If neither ``by`` nor ``time`` is given, if ``time`` comes without
            ``window`` (or the reverse), if a column is missing or of the wrong
            type, or holds null values (the message names the argument and
            column, and says how many).

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn_balanced.metrics import GroupedConfusionCounts
        >>> frame = pd.DataFrame({
        ...     "y": [0, 1, 1, 0], "p": [0, 1, 0, 0], "site": ["a", "a", "b", "b"],
        ...     "ts": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09",
        ...                           "2024-01-10"]),
        ... })
        >>> counts = GroupedConfusionCounts.from_frame(
        ...     frame, y_true="y", y_pred="p", by="site", time="ts", window="7D")
        >>> [(site, str(start)) for site, start in counts.groups]
        [('a', '2023-12-28T00:00:00.000000'), ('b', '2024-01-04T00:00:00.000000')]
        """
        return cls._of(
            frame_grouped_pairs(
                frame, y_true, y_pred, by, time, window, origin, sample_weight
            )
        )

    def update(self, y_true, y_pred, groups, sample_weight=None):
        """Add the counts of a batch of samples, group by group.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Ground truth (correct) target labels.
        y_pred : array-like of shape (n_samples,)
            Predicted labels.
        groups : array-like of shape (n_samples,) or (n_samples, n_keys), or \
                list of array-likes of shape (n_samples,)
            The group of each sample: one key column, or several (the columns
            of a 2-D array or data frame, or a list of columns), each of
            numbers, strings, booleans, datetimes (see :func:`time_windows`)
            or other sortable objects; NaN and NaT keys are an error. Dask
            arrays and series (for any of ``y_true``, ``y_pred``, ``groups``
            and ``sample_weight``) are counted block by block where they live,
            the blocks' counts merged in a tree.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative, finite sample weights.

        Returns
        -------
        self : GroupedConfusionCounts
            The updated counts.

        Raises
        ------
        ValueError
            For the targets and weights :meth:`ConfusionCounts.update` rejects,
            group columns of another length or another number of columns than
            those counted, or group keys of another kind (strings or numbers).
            The counts are unchanged then.

        Examples
        --------
        >>> from sklearn_balanced.metrics import GroupedConfusionCounts
        >>> counts = GroupedConfusionCounts().update(
        ...     ["a", "b", "b"], ["a", "a", "b"], groups=[2024, 2024, 2025],
        ...     sample_weight=[1.0, 2.0, 0.5])
        >>> counts.confusion_matrices
        array([[[1. , 0. ],
                [2. , 0. ]],
        <BLANKLINE>
               [[0. , 0. ],
                [0. , 0.5]]])
        """
        batch = _grouped_pairs(y_true, y_pred, groups, sample_weight)
        self._state = merge_grouped(self._state, batch)
        return self

    def merge(self, other):
        """Add the counts of ``other`` (for instance those of another partition).

        Parameters
        ----------
        other : GroupedConfusionCounts
            The counts to add, keyed by as many columns; they are not changed.

        Returns
        -------
        self : GroupedConfusionCounts
            The merged counts, over the union of the groups and of the labels.

        Examples
        --------
        >>> from sklearn_balanced.metrics import GroupedConfusionCounts
        >>> counts = GroupedConfusionCounts().update([0], [0], groups=["x"])
        >>> counts.merge(GroupedConfusionCounts().update([1], [1], groups=["y"]))
        GroupedConfusionCounts(groups=2, labels=[0, 1], n_samples=2)
        """
        if not isinstance(other, GroupedConfusionCounts):
            raise TypeError(
                "other must be a GroupedConfusionCounts, got "
                f"{type(other).__name__} instead."
            )
        self._state = merge_grouped(self._state, other._state)
        return self

    def __add__(self, other):
        if not isinstance(other, GroupedConfusionCounts):
            return NotImplemented
        return GroupedConfusionCounts._of(merge_grouped(self._state, other._state))

    def __radd__(self, other):
        if isinstance(other, int) and other == 0:  # the start of sum()
            return GroupedConfusionCounts._of(self._state)
        return NotImplemented

    def __eq__(self, other):
        if not isinstance(other, GroupedConfusionCounts):
            return NotImplemented
        first, second = self._state, other._state
        return (
            len(first.keys) == len(second.keys)
            and all(
                np.array_equal(a, b)
                for a, b in zip(first.keys, second.keys, strict=True)
            )
            and np.array_equal(first.classes, second.classes)
            and np.array_equal(first.seen, second.seen)
            and np.array_equal(self.confusion_matrices, other.confusion_matrices)
            and np.array_equal(squares_in(first, 0), squares_in(second, 0))
        )

    __hash__ = None

    def __len__(self):
        return self._state.counts.shape[0]

    def __repr__(self):
        state = self._state
        total = state.counts.sum()
        size = (
            f"n_samples={int(total)}"
            if state.counts.dtype.kind == "i"
            else f"total_weight={float(np.ldexp(total, state.exponent)):.6g}"
        )
        return (
            f"{type(self).__name__}(groups={len(self)}, "
            f"labels={state.classes.tolist()}, {size})"
        )

    def __getitem__(self, group):
        """The counts of one group, as :class:`ConfusionCounts`.

        Raises
        ------
        KeyError
            If ``group`` was never counted.
        """
        index = group_index(self._state.keys).get(hashable_group(group))
        if index is None:
            raise KeyError(group)
        state = self._state
        return _confusion_counts(
            state.classes,
            state.counts[index],
            None if state.squares is None else state.squares[index],
            state.seen[index],
            state.exponent,
        )

    @property
    def groups(self):
        """The groups counted so far, sorted: keys, or tuples of several keys."""
        columns = [_key_list(column) for column in self._state.keys]
        if len(columns) == 1:
            return columns[0]
        return list(zip(*columns, strict=True))

    @property
    def labels(self):
        """The labels counted so far (in any group), sorted."""
        return self._state.classes.copy()

    @property
    def confusion_matrices(self):
        """The counts: ``[g, i, j]`` weighs group ``g``, true ``i``, predicted ``j``.

        int64 numbers of samples without weights, float64 total weights (as
        given, infinite past the float64 range) with weights.
        """
        counts = self._state.counts
        if counts.dtype.kind == "f":
            with np.errstate(over="ignore"):
                return np.ldexp(counts, self._state.exponent)
        return counts.copy()

    def to_counts(self):
        """The counts of all groups together, as :class:`ConfusionCounts`.

        Sums of float weights are taken group by group, so they may differ from
        those of the samples counted together by rounding.

        Returns
        -------
        counts : ConfusionCounts
            The ungrouped counts.

        Examples
        --------
        >>> from sklearn_balanced.metrics import GroupedConfusionCounts
        >>> counts = GroupedConfusionCounts().update([0, 1], [0, 0], groups=[1, 2])
        >>> counts.to_counts().confusion_matrix
        array([[1, 0],
               [1, 0]])
        """
        state = self._state
        return _confusion_counts(
            state.classes,
            state.counts.sum(axis=0),
            None if state.squares is None else state.squares.sum(axis=0),
            state.seen.any(axis=0),
            state.exponent,
        )


def _confusion_counts(classes, matrix, squares, seen, exponent):
    """:class:`ConfusionCounts` of one confusion matrix over the ``seen`` labels."""
    matrix = matrix[np.ix_(seen, seen)]
    flat = np.flatnonzero(matrix)
    true, pred = np.divmod(flat, matrix.shape[0])
    return ConfusionCounts._of(
        PairCounts(
            classes[seen],
            true.astype(np.intp),
            pred.astype(np.intp),
            matrix.reshape(-1)[flat],
            None if squares is None else squares[seen],
            exponent,
        )
    )


def _key_list(column):
    """Group keys as Python values (datetimes stay ``numpy.datetime64``)."""
    if column.dtype.kind in "mM":
        return list(column)
    return column.tolist()


def hashable_group(group):
    """A key as the dictionary of groups holds it (tuples for several keys)."""
    if isinstance(group, list):
        return tuple(group)
    return group


def group_index(keys):
    """The index of every group, by key."""
    columns = [_key_list(column) for column in keys]
    if len(columns) == 1:
        return {key: index for index, key in enumerate(columns[0])}
    return {key: index for index, key in enumerate(zip(*columns, strict=True))}


def _array_pairs(y_true, y_pred, groups, sample_weight):
    """The grouped counts of NumPy arrays (one batch; its weights may all be 0)."""
    y_true, y_pred = check_targets(y_true, y_pred)
    columns = group_columns(groups, y_true.shape[0])
    weights, exponent = _scaled_weights(
        _weight_array(sample_weight, y_true.shape[0]), True
    )
    keys = len(columns) == 1 and integer_range_codes(columns[0], y_true.shape[0])
    codes = None
    if not keys:
        keys, codes = encode_groups(columns)
    return count_groups(
        keys,
        codes,
        y_true,
        y_pred,
        weights,
        None if weights is None else "weights",
        exponent,
    )


def _grouped_pairs(y_true, y_pred, groups, sample_weight):
    """:func:`_array_pairs`, or that of Dask collections block by block."""
    columns = key_collections(groups)
    if not any_dask(y_true, y_pred, sample_weight, *columns):
        return _array_pairs(y_true, y_pred, groups, sample_weight)
    blocks = as_dask_arrays(
        y_true,
        y_pred,
        sample_weight,
        *columns,
        caller_name="GroupedConfusionCounts",
    )
    state = map_reduce(_block_pairs, merge_grouped, *blocks)
    check_not_empty(state.classes.shape[0])
    if sample_weight is not None:
        check_weight_values(
            np, np.append(state.counts.reshape(-1), 0.0), allow_all_zero=True
        )
    return state


def _block_pairs(y_true, y_pred, sample_weight, *columns):
    """The grouped counts of one block of Dask inputs (none for an empty block)."""
    if not np.shape(y_true)[0]:
        return EMPTY
    keys = [
        part
        for column in columns
        for part in (column.T if np.ndim(column) == 2 else [column])
    ]
    return _array_pairs(y_true, y_pred, keys, sample_weight)
