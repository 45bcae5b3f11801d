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
#: of ``_CHUNK`` integers, 1 MiB each) stay small whatever the number of samples,
#: and the work of a chunk large next to the interpreter's fixed cost of the
#: dozen NumPy calls that count it (in a process that streams data, where that
#: cost is several times the one measured in a tight loop).
_CHUNK = 1 << 17
#: Number of first labels whose range sizes the first table of small-range
#: integers: few, as the range of labels not in cache costs a pass of its own
#: (a chunk whose labels fall outside the range widens the table).
_PROBE = 1 << 10
#: The unsigned integer dtype of each integer width (see ``_below``).
_UNSIGNED = {size: np.dtype(f"u{size}") for size in (1, 2, 4, 8)}
_INTP_SIZE = np.dtype(np.intp).itemsize
_INTP_MAX = int(np.iinfo(np.intp).max)
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


def count_codes(classes, true_codes, pred_codes, n_codes, weights, squares):
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
    squares : bool
        Keep the per-class sums of squared weights (with weights only).

    Returns
    -------
    pairs : PairCounts
        The counts, with ``exponent`` 0 (the caller sets it).
    """
    if not dense_fits(n_codes, len(true_codes)):
        return _count_sparse(classes, true_codes, pred_codes, n_codes, weights, squares)
    table = _PairTable(n_codes, weights is not None, squares)
    chunk = max(_CHUNK, n_codes * n_codes)
    for truth, pred, chunk_weights in _chunks(true_codes, pred_codes, weights, chunk):
        table.count(*table.codes(truth, pred), chunk_weights)
    return table.pairs(classes)


def dense_fits(n_codes, n_samples):
    """Whether the table of every pair of ``n_codes`` codes is worth counting.

    It must be small, and not much larger than the number of samples (a sparse
    table then costs less than zeroing and scanning a dense one).
    """
    size = n_codes * n_codes
    return size <= min(_MAX_DENSE_PAIRS, max(MAX_TABLE_CODES**2, 4 * n_samples))


def _count_sparse(classes, true_codes, pred_codes, n_codes, weights, squares):
    """Pair counts of many codes: the keys of each chunk's pairs, sorted and summed.

    Chunk sums wait in a list and are folded into the running sums once they
    outnumber them, so the memory stays a few times the number of distinct pairs
    and the work ``O(n log n)``.
    """
    keys = np.zeros(0, dtype=np.int64)
    counts = np.zeros(0, dtype=np.int64 if weights is None else np.float64)
    waiting = []
    square_sums = np.zeros(n_codes) if squares and weights is not None else None
    for truth, pred, chunk_weights in _chunks(true_codes, pred_codes, weights, _CHUNK):
        chunk_keys = truth.astype(np.int64) * n_codes + pred
        if chunk_weights is None:
            chunk_weights = np.ones(chunk_keys.shape, dtype=np.int64)
        waiting.append(sum_by_key(chunk_keys, chunk_weights))
        if square_sums is not None:
            square_sums += np.bincount(truth, chunk_weights**2, minlength=n_codes)
        if sum(part[0].shape[0] for part in waiting) >= keys.shape[0]:
            keys, counts = _fold([(keys, counts), *waiting])
            waiting = []
    keys, counts = _fold([(keys, counts), *waiting])
    true, pred = np.divmod(keys, n_codes)
    return compact_pairs(classes, true, pred, counts, square_sums)


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


def count_small_integers(y_true, y_pred, weights, squares):
    """Count integer labels of a small range in a single pass over the data.

    The range of the labels is found chunk by chunk while counting (the table of
    ``(true, pred)`` counts grows when a chunk extends it), so the targets are
    read from memory once instead of once for their range and once for counting.
    Once the range is known, one reduction per target checks a chunk: its labels
    minus the lowest one, read as unsigned integers, stay below the range size.
    The weights need not be checked first: one reduction per chunk finds their
    smallest value on the way.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,)
        Validated targets.
    weights : ndarray of shape (n_samples,) of float64 or None
        The weights, checked or not.
    squares : bool
        Keep the per-class sums of squared weights (with weights only).

    Returns
    -------
    pairs : PairCounts or None
        The counts (``exponent`` 0), or None when the targets are not integers,
        their range exceeds ``MAX_TABLE_CODES`` values (the caller then encodes
        them) or a weight is negative (the caller then checks them). NaN weights
        give NaN counts.
    """
    if y_true.dtype.kind not in "biu" or y_pred.dtype.kind not in "biu":
        return None
    table = _wider_table(
        None, y_true[:_PROBE], y_pred[:_PROBE], weights is not None, squares
    )
    if table is None:
        return None
    for truth, pred, chunk_weights in _chunks(y_true, y_pred, weights, _CHUNK):
        codes = table.codes(truth, pred, check=True)
        if codes is None:
            table = _wider_table(table, truth, pred, weights is not None, squares)
            if table is None:
                return None
            codes = table.codes(truth, pred)
        if not table.count(*codes, chunk_weights) >= 0:
            return None
    classes = np.arange(table.low, table.low + table.n_codes)
    return table.pairs(classes.astype(np.result_type(y_true, y_pred)))


def _wider_table(table, truth, pred, weighted, squares):
    """A table of small-range integer labels that also spans a chunk's labels.

    ``table`` (None before the first chunk) with its counts, over the union of
    its range and the chunk's; None when that range is too wide for a table.
    """
    true_low, true_high = int(np.minimum.reduce(truth)), int(np.maximum.reduce(truth))
    pred_low, pred_high = int(np.minimum.reduce(pred)), int(np.maximum.reduce(pred))
    low, high = min(true_low, pred_low), max(true_high, pred_high)
    if table is not None:
        low, high = min(low, table.low), max(high, table.low + table.n_codes - 1)
    if high - low >= MAX_TABLE_CODES or high > _INTP_MAX:
        return None
    return _PairTable(high - low + 1, weighted, squares, table, low)


def _table_codes(chunk, low):
    """Codes of a chunk of small-range integer labels for :class:`_PairTable`.

    Labels from 0 that add to ``intp`` codes as they are (signed ones, or narrower
    than ``intp``: int8 labels of 0 and 1, say) are their own codes, kept in their
    dtype: the table widens them inside its arithmetic, so no copy of either
    target is made. Others are shifted to ``intp``.
    """
    if not low and (chunk.dtype.kind != "u" or chunk.dtype.itemsize < _INTP_SIZE):
        return chunk
    return shift_codes(chunk, low)


def _below(codes, n_codes):
    """Whether every code lies in ``0 .. n_codes - 1`` (negative ones wrap high)."""
    unsigned = codes.view(_UNSIGNED[codes.dtype.itemsize])
    return int(np.maximum.reduce(unsigned)) < n_codes


def _chunks(y_true, y_pred, weights, size):
    """Yield aligned ``(y_true, y_pred, weights)`` chunks of ``size`` samples."""
    for start in range(0, len(y_true), size):
        stop = start + size
        chunk_weights = None if weights is None else weights[start:stop]
        yield y_true[start:stop], y_pred[start:stop], chunk_weights


class _PairTable:
    """Running dense table of the ``(true code, predicted code)`` counts.

    One ``bincount`` of ``true * n_codes + pred`` per chunk fills it. Once a
    chunk has zero weights, the pairs of zero-weight samples are recorded apart
    (their labels are classes too); with ``squares`` and weights, one more
    ``bincount`` sums the squared weights of each true code. The codes of
    integer labels are the labels minus ``low``; a table built from a
    ``previous`` one over a range that starts lower keeps its counts. The pair
    codes of every chunk are written into one buffer, reused: a new array per
    chunk would cost a fresh mapping of memory where the allocator returns freed
    memory to the system at once (as Dask's workers ask it to).

    Every array of a chunk is checked right after the pass that reads it, while
    it is still in the processor's cache: checks cost far less there.
    """

    def __init__(self, n_codes, weighted, squares, previous=None, low=0):
        self.n_codes = n_codes
        self.low = low
        self.buffer = (
            np.empty(0, dtype=np.intp) if previous is None else previous.buffer
        )
        dtype = np.float64 if weighted else np.int64
        self.counts = np.zeros((n_codes, n_codes), dtype=dtype)
        self.flat = self.counts.reshape(-1)  # a view, summed into chunk by chunk
        self.seen = None
        self.squares = np.zeros(n_codes) if squares and weighted else None
        # The squared weights of a chunk (no fresh array per chunk: see
        # ``shift_codes``).
        self.square_buffer = np.empty(0) if previous is None else previous.square_buffer
        if previous is not None:
            kept = slice(previous.low - low, previous.low - low + previous.n_codes)
            self.counts[kept, kept] = previous.counts
            if previous.seen is not None:
                self.seen = np.zeros((n_codes, n_codes), bool)
                self.seen[kept, kept] = previous.seen
            if self.squares is not None:
                self.squares[kept] = previous.squares

    def codes(self, truth, pred, *, check=False):
        """The true codes and the pair codes of chunks of labels.

        The pair codes ``true * n_codes + pred`` are written into the buffer.
        With ``check``, None when a label lies outside the table's range.
        """
        true_codes = _table_codes(truth, self.low)
        if self.buffer.shape[0] < true_codes.shape[0]:
            self.buffer = np.empty(true_codes.shape[0], dtype=np.intp)
        code = np.multiply(
            true_codes,
            self.n_codes,
            out=self.buffer[: true_codes.shape[0]],
            dtype=np.intp,
        )
        if check and not _below(true_codes, self.n_codes):
            return None
        pred_codes = _table_codes(pred, self.low)
        code += pred_codes
        if check and not _below(pred_codes, self.n_codes):
            return None
        return true_codes, code

    def count(self, true_codes, code, weights):
        """Count a chunk of :meth:`codes` and its weights (or None).

        Returns
        -------
        smallest : float
            The smallest weight other than NaN (NaN when they all are), 1 without
            weights: when it is negative, the counts are meaningless.
        """
        self.flat += np.bincount(code, weights, minlength=self.flat.shape[0])
        if weights is None:
            return 1
        smallest = np.fmin.reduce(weights)
        if smallest == 0:
            if self.seen is None:
                self.seen = np.zeros((self.n_codes, self.n_codes), bool)
            self.seen.reshape(-1)[code[weights == 0]] = True
        if self.squares is not None:
            if self.square_buffer.shape[0] < weights.shape[0]:
                self.square_buffer = np.empty(weights.shape[0])
            squared = np.multiply(
                weights, weights, out=self.square_buffer[: weights.shape[0]]
            )
            self.squares += np.bincount(true_codes, squared, minlength=self.n_codes)
        return smallest

    def pairs(self, classes):
        """The counts as :class:`PairCounts` of ``classes`` (one per code)."""
        occurs = self.counts != 0
        if self.seen is not None:
            occurs |= self.seen
        flat = np.flatnonzero(occurs)
        true, pred = np.divmod(flat, self.n_codes)
        counts = self.counts.reshape(-1)[flat]
        return compact_pairs(classes, true, pred, counts, self.squares)
