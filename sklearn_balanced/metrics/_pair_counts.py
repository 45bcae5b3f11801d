"""Chunked counting of (true, predicted) code pairs: :class:`PairCounts`.

Targets encoded as integer codes are counted chunk by chunk, so the extra memory
stays bounded whatever the number of samples: one weighted ``bincount`` of
``true_code * n_codes + pred_code`` per chunk into a dense table of every pair
when it is small, the sorted keys of the pairs that occur otherwise. Small-range
integer labels are counted in a single pass, their range found on the way.
"""

from typing import NamedTuple

import numpy as np

from sklearn_balanced.utils._encode import MAX_TABLE_CODES, shift_codes

#: Number of samples counted per chunk: the temporaries of a chunk (a few arrays
#: of ``_CHUNK`` integers, 512 KiB each) stay small whatever the number of
#: samples, and the work of a chunk large next to the interpreter's fixed cost of
#: the half dozen NumPy calls that count it.
_CHUNK = 1 << 16
#: The unsigned integer dtype of each integer width (see ``_below``).
_UNSIGNED = {size: np.dtype(f"u{size}") for size in (1, 2, 4, 8)}
_INTP_SIZE = np.dtype(np.intp).itemsize
#: Largest number of (true, predicted) code pairs counted in a dense table; more
#: codes than its square root are counted pair by pair (sorted keys).
_MAX_DENSE_PAIRS = 1 << 20


class PairCounts(NamedTuple):
    """The confusion counts of a batch of samples, stored pair by pair.

    Only the (true, predicted) pairs of positive count are stored, so the memory
    is at most the number of samples and at most ``n_classes**2``.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted labels found in ``y_true`` or ``y_pred`` (whatever their weight).
    true, pred : ndarray of shape (n_pairs,) of intp
        Codes (indices into ``classes``) of the true and predicted class of each
        pair, sorted by ``(true, pred)`` without repetition.
    counts : ndarray of shape (n_pairs,)
        Positive count of each pair: int64 numbers of samples without weights,
        float64 total weights in units of ``2**exponent`` with weights.
    squares : ndarray of shape (n_classes,) of float64 or None
        Per true class, the sum of the squared weights in units of
        ``2**(2 * exponent)``; None when every sample counts as one (the sums of
        squares are then the class totals).
    exponent : int
        The exponent of the unit of ``counts`` (see ``weight_exponent``).
    """

    classes: np.ndarray
    true: np.ndarray
    pred: np.ndarray
    counts: np.ndarray
    squares: np.ndarray | None
    exponent: int


class Counting(NamedTuple):
    """What the counting loops record besides the pair counts."""

    #: Sum float64 weights (int64 numbers of samples otherwise).
    weighted: bool
    #: Some weights are zero: record the pairs of zero-weight samples, whose labels
    #: are classes too.
    zero_weights: bool
    #: Keep the per-class sums of squared weights.
    squares: bool


def count_codes(classes, true_codes, pred_codes, n_codes, weights, counting):
    """Pair counts of targets encoded as codes ``0 .. n_codes - 1`` of ``classes``.

    A dense table of every pair when it is small next to the number of samples
    (one ``bincount`` per chunk, chunks at least as long as the table), the sorted
    keys of the pairs that occur otherwise.

    Parameters
    ----------
    classes : ndarray of shape (n_codes,)
        The class of each code (codes that occur in neither target are dropped).
    true_codes, pred_codes : array-like of int, shape (n_samples,)
        Codes of the targets (sliceable; converted per chunk).
    n_codes : int
        Number of codes.
    weights : ndarray of shape (n_samples,) or None
        Validated, scaled weights.
    counting : Counting
        What to record besides the counts.

    Returns
    -------
    pairs : PairCounts
        The counts, with ``exponent`` 0 (the caller sets it).
    """
    if not dense_fits(n_codes, len(true_codes)):
        return _count_sparse(
            classes, true_codes, pred_codes, n_codes, weights, counting
        )
    table = _PairTable(n_codes, counting)
    chunk = max(_CHUNK, n_codes * n_codes)
    for truth, pred, chunk_weights in _chunks(true_codes, pred_codes, weights, chunk):
        table.add(truth, pred, chunk_weights)
    return table.pairs(classes)


def dense_fits(n_codes, n_samples):
    """Whether the table of every pair of ``n_codes`` codes is worth counting.

    It must be small, and not much larger than the number of samples (a sparse
    table then costs less than zeroing and scanning a dense one).
    """
    size = n_codes * n_codes
    return size <= min(_MAX_DENSE_PAIRS, max(MAX_TABLE_CODES**2, 4 * n_samples))


def _count_sparse(classes, true_codes, pred_codes, n_codes, weights, counting):
    """Pair counts of many codes: the keys of each chunk's pairs, sorted and summed.

    Chunk sums wait in a list and are folded into the running sums once they
    outnumber them, so the memory stays a few times the number of distinct pairs
    and the work ``O(n log n)``.
    """
    keys = np.zeros(0, dtype=np.int64)
    counts = np.zeros(0, dtype=np.float64 if counting.weighted else np.int64)
    waiting = []
    squares = np.zeros(n_codes) if counting.squares else None
    for truth, pred, chunk_weights in _chunks(true_codes, pred_codes, weights):
        chunk_keys = truth.astype(np.int64) * n_codes + pred
        if chunk_weights is None:
            chunk_weights = np.ones(chunk_keys.shape, dtype=np.int64)
        waiting.append(sum_by_key(chunk_keys, chunk_weights))
        if squares is not None:
            squares += np.bincount(truth, chunk_weights**2, minlength=n_codes)
        if sum(part[0].shape[0] for part in waiting) >= keys.shape[0]:
            keys, counts = _fold([(keys, counts), *waiting])
            waiting = []
    keys, counts = _fold([(keys, counts), *waiting])
    true, pred = np.divmod(keys, n_codes)
    return compact_pairs(classes, true, pred, counts, squares)


def _fold(parts):
    """Sums by key of several ``(keys, values)`` parts."""
    return sum_by_key(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def sum_by_key(keys, values):
    """The sorted distinct ``keys`` and the sums of the ``values`` of each.

    The sort is stable, so the values of a key are summed in their order: the
    same inputs give the same sums, bit for bit.

    Examples
    --------
    >>> from sklearn_balanced.metrics._pair_counts import sum_by_key
    >>> sum_by_key(np.array([5, 2, 5]), np.array([1, 10, 100]))
    (array([2, 5]), array([ 10, 101]))
    """
    if not keys.shape[0]:
        return keys, values
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(values[order], starts)


def compact_pairs(classes, true, pred, counts, squares):
    """Pair counts over the codes that occur, without the pairs of zero count.

    ``true`` and ``pred`` list every pair of codes that occurs (sorted), those of
    zero-weight samples included: their labels are classes too.
    """
    present = np.zeros(classes.shape[0], dtype=bool)
    present[true] = True
    present[pred] = True
    positive = counts != 0
    if not positive.all():
        true, pred, counts = true[positive], pred[positive], counts[positive]
    if not present.all():
        renumber = np.cumsum(present) - 1
        classes, true, pred = classes[present], renumber[true], renumber[pred]
        squares = None if squares is None else squares[present]
    return PairCounts(classes, true, pred, counts, squares, exponent=0)


def count_small_integers(y_true, y_pred, weights, counting):
    """Count integer labels of a small range in a single pass over the data.

    The range of the labels is found chunk by chunk while counting (the table of
    ``(true, pred)`` counts grows when a chunk extends it), so the targets are
    read from memory once instead of once for their range and once for counting.
    Once the range is known, one reduction per target checks a chunk: its labels
    minus the lowest one, read as unsigned integers, stay below the range size.

    Returns
    -------
    pairs : PairCounts or None
        The counts (``exponent`` 0), or None when the targets are not integers or
        their range exceeds ``MAX_TABLE_CODES`` values (the caller then encodes
        them).
    """
    if y_true.dtype.kind not in "biu" or y_pred.dtype.kind not in "biu":
        return None
    low = high = None
    table = None
    for truth, pred, chunk_weights in _chunks(y_true, y_pred, weights):
        if table is not None:
            true_codes, pred_codes = _table_codes(truth, low), _table_codes(pred, low)
            if _below(true_codes, table.n_codes) and _below(pred_codes, table.n_codes):
                table.add(true_codes, pred_codes, chunk_weights)
                continue
        chunk_low = min(int(truth.min()), int(pred.min()))
        chunk_high = max(int(truth.max()), int(pred.max()))
        shift = 0 if table is None else low - min(low, chunk_low)
        low = chunk_low if low is None else min(low, chunk_low)
        high = chunk_high if high is None else max(high, chunk_high)
        if high - low >= MAX_TABLE_CODES or high > np.iinfo(np.intp).max:
            return None
        table = _PairTable(high - low + 1, counting, table, shift)
        table.add(_table_codes(truth, low), _table_codes(pred, low), chunk_weights)
    classes = np.arange(low, high + 1).astype(np.result_type(y_true, y_pred))
    return table.pairs(classes)


def _table_codes(chunk, low):
    """Codes of a chunk of small-range integer labels for :class:`_PairTable`.

    Labels from 0 narrower than ``intp`` (int8 labels of 0 and 1, say) are their
    own codes, kept in their dtype: the table widens them inside its arithmetic,
    so no wide copy of either target is made. Others are shifted to ``intp``.
    """
    if not low and chunk.dtype.itemsize < _INTP_SIZE:
        return chunk
    return shift_codes(chunk, low)


def _below(codes, n_codes):
    """Whether every code lies in ``0 .. n_codes - 1`` (negative ones wrap high)."""
    unsigned = codes.view(_UNSIGNED[codes.dtype.itemsize])
    return int(np.maximum.reduce(unsigned)) < n_codes


def _chunks(y_true, y_pred, weights, size=_CHUNK):
    """Yield aligned ``(y_true, y_pred, weights)`` chunks of ``size`` samples."""
    for start in range(0, len(y_true), size):
        stop = start + size
        chunk_weights = None if weights is None else weights[start:stop]
        yield y_true[start:stop], y_pred[start:stop], chunk_weights


class _PairTable:
    """Running dense table of the ``(true code, predicted code)`` counts.

    One ``bincount`` of ``true * n_codes + pred`` per chunk fills it. With zero
    weights, the pairs of zero-weight samples are recorded apart (their labels
    are classes too); with ``counting.squares``, one more ``bincount`` sums the
    squared weights of each true code. A table built from a ``previous`` one over
    a range that starts ``shift`` codes lower keeps its counts. The pair codes of
    every chunk are written into one buffer, reused: a new array per chunk would
    cost a fresh mapping of memory where the allocator returns freed memory
    to the system at once (as Dask's workers ask it to).
    """

    def __init__(self, n_codes, counting, previous=None, shift=0):
        self.n_codes = n_codes
        self.buffer = (
            np.empty(0, dtype=np.intp) if previous is None else previous.buffer
        )
        dtype = np.float64 if counting.weighted else np.int64
        self.counts = np.zeros((n_codes, n_codes), dtype=dtype)
        self.flat = self.counts.reshape(-1)  # a view, summed into chunk by chunk
        self.seen = (
            np.zeros((n_codes, n_codes), bool) if counting.zero_weights else None
        )
        self.squares = np.zeros(n_codes) if counting.squares else None
        if previous is not None:
            kept = slice(shift, shift + previous.n_codes)
            self.counts[kept, kept] = previous.counts
            if self.seen is not None:
                self.seen[kept, kept] = previous.seen
            if self.squares is not None:
                self.squares[kept] = previous.squares

    def add(self, truth, pred, weights):
        """Count a chunk of codes (integer arrays) and their weights (or None)."""
        if self.buffer.shape[0] < truth.shape[0]:
            self.buffer = np.empty(truth.shape[0], dtype=np.intp)
        code = np.multiply(
            truth, self.n_codes, out=self.buffer[: truth.shape[0]], dtype=np.intp
        )
        code += pred
        self.flat += np.bincount(code, weights, minlength=self.flat.shape[0])
        if self.seen is not None:
            self.seen.reshape(-1)[code[weights == 0]] = True
        if self.squares is not None:
            self.squares += np.bincount(
                truth, weights * weights, minlength=self.n_codes
            )

    def pairs(self, classes):
        """The counts as :class:`PairCounts` of ``classes`` (one per code)."""
        occurs = self.counts != 0
        if self.seen is not None:
            occurs |= self.seen
        flat = np.flatnonzero(occurs)
        true, pred = np.divmod(flat, self.n_codes)
        counts = self.counts.reshape(-1)[flat]
        return compact_pairs(classes, true, pred, counts, self.squares)
