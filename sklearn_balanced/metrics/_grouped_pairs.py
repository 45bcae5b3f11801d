"""The confusion counts of every group, as a dense table: counted and merged.

The samples of each group are counted in one pass: labels are encoded to
integer codes once, and one weighted ``bincount`` of
``(group * K + true) * K + pred`` per chunk fills a dense table of shape
``(n_groups, K, K)``. Memory is that table, whatever the number of samples, and
tables of batches, chunks or Dask partitions add up, keyed by the union of
their groups and labels (:func:`merge_grouped`).
"""

from functools import partial
from typing import NamedTuple

import numpy as np

from sklearn_balanced.metrics._group_keys import encode_groups
from sklearn_balanced.utils._encode import (
    _ChunkCodes,
    encode_union,
    find_labels,
    shift_codes,
    union_labels,
)

#: Samples counted per chunk: the chunk's temporaries stay small (see
#: ``sklearn_balanced.metrics._pair_counts``).
_CHUNK = 1 << 16


class GroupedPairs(NamedTuple):
    """The confusion counts of every group, as a dense table.

    Attributes
    ----------
    keys : tuple of ndarray of shape (n_groups,)
        One array per key column: the groups, sorted by their first column,
        then their second, ...
    classes : ndarray of shape (n_classes,)
        Sorted labels found in any group.
    counts : ndarray of shape (n_groups, n_classes, n_classes)
        ``[g, i, j]`` counts the samples of group ``g``, true ``classes[i]``,
        predicted ``classes[j]``: int64 numbers of samples, or float64 sums of
        weights in units of ``2**exponent``.
    squares : ndarray of shape (n_groups, n_classes) or None
        Sums of squared weights per group and true class, in units of
        ``2**(2 * exponent)``; None without weights.
    seen : ndarray of shape (n_groups, n_classes) of bool
        The labels found in each group (whatever their weight).
    exponent : int
        The exponent of the unit of ``counts`` (see ``weight_exponent``).
    """

    keys: tuple
    classes: np.ndarray
    counts: np.ndarray
    squares: np.ndarray | None
    seen: np.ndarray
    exponent: int


EMPTY = GroupedPairs(
    keys=(),
    classes=np.zeros(0),
    counts=np.zeros((0, 0, 0), dtype=np.int64),
    squares=None,
    seen=np.zeros((0, 0), dtype=bool),
    exponent=0,
)


class _GroupTable:
    """Running dense table of the ``(group, true, pred)`` counts of one batch."""

    def __init__(self, n_groups, n_codes, dtype, squares):
        size = n_groups * n_codes * n_codes
        if size >= np.iinfo(np.intp).max // 2:
            raise ValueError(
                f"{n_groups} groups of {n_codes} classes are too many to count: "
                "n_groups * n_classes**2 must stay below 2**62."
            )
        self.n_codes = n_codes
        self.counts = np.zeros(size, dtype=dtype)
        self.squares = np.zeros(n_groups * n_codes) if squares else None
        self.seen = np.zeros(n_groups * n_codes, dtype=bool)
        # The codes of a chunk, written into these (no fresh arrays per chunk:
        # see ``shift_codes``).
        self.rows = np.empty(0, dtype=np.intp)
        self.keys = np.empty(0, dtype=np.intp)

    def add(self, group, true, pred, amounts, squares):
        """Count a chunk of codes, each row counting ``amounts`` (None: one).

        ``squares`` are the rows' sums of squared weights (with ``self.squares``).
        """
        n_rows = group.shape[0]
        if self.keys.shape[0] < n_rows:
            self.rows = np.empty(n_rows, dtype=np.intp)
            self.keys = np.empty(n_rows, dtype=np.intp)
        row = np.multiply(group, self.n_codes, out=self.rows[:n_rows], dtype=np.intp)
        row += true
        key = np.multiply(row, self.n_codes, out=self.keys[:n_rows])
        key += pred
        counted = np.bincount(key, amounts, minlength=self.counts.shape[0])
        self.counts += counted.astype(self.counts.dtype, copy=False)
        if self.squares is not None:
            self.squares += np.bincount(row, squares, minlength=self.squares.shape[0])
        if amounts is not None and not np.minimum.reduce(amounts) > 0:
            zero = amounts == 0  # their labels are labels of the group too
            base = np.multiply(group[zero], self.n_codes, dtype=np.intp)
            self.seen[base + true[zero]] = True
            self.seen[base + pred[zero]] = True

    def state(self, keys, classes, exponent):
        """The counts as :class:`GroupedPairs`, over the groups and labels found."""
        n_groups = keys[0].shape[0]
        counts = self.counts.reshape(n_groups, self.n_codes, self.n_codes)
        seen = self.seen.reshape(n_groups, self.n_codes)
        nonzero = counts != 0
        seen |= nonzero.any(axis=2) | nonzero.any(axis=1)
        squares = self.squares
        if squares is not None:
            squares = squares.reshape(n_groups, self.n_codes)
        rows = seen.any(axis=1)  # a range of integer keys may have gaps
        if not rows.all():
            keys = tuple(column[rows] for column in keys)
            counts, seen = counts[rows], seen[rows]
            squares = None if squares is None else squares[rows]
        present = seen.any(axis=0)
        if not present.all():
            counts = counts[:, present][:, :, present]
            seen = seen[:, present]
            classes = classes[present]
            squares = None if squares is None else squares[:, present]
        return GroupedPairs(keys, classes, counts, squares, seen, exponent)


def count_groups(keys, group_codes, y_true, y_pred, amounts, squares, exponent):
    """The grouped counts of validated labels, group codes and row amounts.

    Parameters
    ----------
    keys : tuple of ndarray, or callable
        The groups (see :func:`encode_groups`); groups without rows are
        dropped. A callable of the number of label codes returns the keys and
        the group codes (see :func:`integer_range_codes`).
    group_codes : ndarray or sliceable of shape (n_rows,), or None
        Each row's group (intp codes, made chunk by chunk when sliced); None
        when ``keys`` is a callable.
    y_true, y_pred : ndarray of shape (n_rows,)
        Validated labels.
    amounts : ndarray of shape (n_rows,) or None
        What each row counts: None (one sample), int64 numbers of samples, or
        float64 weights in units of ``2**exponent``.
    squares : ndarray of shape (n_rows,), "weights" or None
        Each row's sum of squared weights; "weights" squares ``amounts``; None
        keeps no sums of squares.
    exponent : int
        The unit of the float amounts.

    Returns
    -------
    state : GroupedPairs
    """
    classes, true_codes, pred_codes, n_codes = encode_union(y_true, y_pred)
    if callable(keys):
        keys, group_codes = keys(n_codes)
    integer = amounts is None or amounts.dtype.kind == "i"
    table = _GroupTable(
        keys[0].shape[0],
        n_codes,
        np.int64 if integer else np.float64,
        squares is not None,
    )
    chunk = max(_CHUNK, table.counts.shape[0])
    size = min(chunk, len(true_codes))
    scratch = [np.empty(size, dtype=np.intp) for _ in range(3)]
    floats = [np.empty(size if amounts is not None else 0) for _ in range(2)]
    for start in range(0, len(true_codes), chunk):
        part = slice(start, start + chunk)
        chunk_amounts = None if amounts is None else amounts[part]
        chunk_squares = None
        if isinstance(squares, str):
            chunk_squares = np.multiply(
                chunk_amounts, chunk_amounts, out=floats[0][: chunk_amounts.shape[0]]
            )
        elif squares is not None:
            chunk_squares = squares[part]
        if chunk_amounts is not None and integer:  # exact below 2**53
            as_floats = floats[1][: chunk_amounts.shape[0]]
            np.copyto(as_floats, chunk_amounts)
            chunk_amounts = as_floats
        table.add(
            *(
                codes.codes_into(part, out)
                if isinstance(codes, _ChunkCodes)
                else codes[part]
                for codes, out in zip(
                    (group_codes, true_codes, pred_codes), scratch, strict=True
                )
            ),
            chunk_amounts,
            chunk_squares,
        )
    return table.state(keys, classes, exponent if not integer else 0)


def integer_range_codes(column, n_samples):
    """Keys and codes of one integer key column by an offset, or None.

    A function of the number of label codes: the keys are the whole range of
    the column (groups without rows are dropped after counting) and the codes
    are shifted chunk by chunk, when that table is small next to the number of
    samples; None otherwise (or for keys of another kind).
    """
    if column.dtype.kind not in "iu" or not column.shape[0]:
        return None
    low, high = int(column.min()), int(column.max())
    if high > np.iinfo(np.intp).max:
        return None

    def keys_and_codes(n_codes):
        if (high - low + 1) * n_codes * n_codes > max(_CHUNK, n_samples):
            return encode_groups([column])
        keys = (np.arange(low, high + 1).astype(column.dtype),)
        return keys, _ChunkCodes(column, partial(shift_codes, low=low))

    return keys_and_codes


def merge_grouped(first, second):
    """The grouped counts of two batches, over the union of groups and labels."""
    if not first.keys:
        return second
    if not second.keys:
        return first
    if len(first.keys) != len(second.keys):
        raise ValueError(
            f"Counts keyed by {len(first.keys)} group columns cannot be merged with "
            f"counts keyed by {len(second.keys)}."
        )
    columns = []
    for a, b in zip(first.keys, second.keys, strict=True):
        if (a.dtype.kind in "OUS") != (
            b.dtype.kind in "OUS"
        ) and not _same_kind_objects(a, b):
            raise ValueError(
                "Mix of group key types: counts of groups of dtype "
                f"{a.dtype} cannot be merged with counts of groups of dtype "
                f"{b.dtype}."
            )
        columns.append(_concatenate_keys(a, b))
    keys, codes = encode_groups(columns)
    n_first = first.keys[0].shape[0]
    classes = union_labels(first.classes, second.classes)
    exponent = max(first.exponent, second.exponent)
    integer = first.counts.dtype.kind == second.counts.dtype.kind == "i"
    shape = (keys[0].shape[0], classes.shape[0], classes.shape[0])
    counts = np.zeros(shape, dtype=np.int64 if integer else np.float64)
    seen = np.zeros(shape[:2], dtype=bool)
    weighted = first.squares is not None or second.squares is not None
    squares = np.zeros(shape[:2]) if weighted else None
    for part, rows in ((first, codes[:n_first]), (second, codes[n_first:])):
        position, _ = find_labels(classes, part.classes)
        cells = np.ix_(rows, position, position)
        if integer or part.exponent == exponent:
            counts[cells] += part.counts
        else:
            counts[cells] += np.ldexp(
                part.counts.astype(np.float64), part.exponent - exponent
            )
        seen[np.ix_(rows, position)] |= part.seen
        if squares is not None:
            with np.errstate(over="ignore"):
                squares[np.ix_(rows, position)] += squares_in(part, exponent)
    return GroupedPairs(keys, classes, counts, squares, seen, exponent)


def _same_kind_objects(a, b):
    """Whether key arrays of objects and of another dtype hold keys of one kind."""
    values = [a, b]
    return all(
        (v.dtype.kind == "O" and not any(isinstance(x, str) for x in v))
        or (v.dtype.kind not in "OUS")
        for v in values
    )


def _concatenate_keys(a, b):
    """Two key columns end to end (objects kept objects, strings never padded)."""
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        return np.concatenate([a.astype(object), b.astype(object)])
    return np.concatenate([a, b])


def squares_in(state, exponent):
    """Sums of squared weights per group and true class in units of ``2**(2e)``.

    Counts without weights count each sample with weight 1.
    """
    if state.squares is None:
        totals = state.counts.sum(axis=2).astype(np.float64)
        shift = state.exponent - 2 * exponent
    else:
        totals, shift = state.squares, 2 * (state.exponent - exponent)
    with np.errstate(over="ignore"):
        return np.ldexp(totals, shift)
