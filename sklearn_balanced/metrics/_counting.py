"""The counting core: every balanced accuracy score is a function of these counts.

Labels are mapped to integer codes once (an offset for small-range integers, a
sorted set of classes otherwise), then one weighted ``bincount`` of
``true_code * n_codes + pred_code`` gives the confusion counts. The counting runs
over fixed-size chunks, so the extra memory stays bounded whatever the number of
samples, and counts of chunks simply add up.
"""

from functools import partial
from typing import NamedTuple

import numpy as np
from sklearn.utils import check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target, unique_labels

from sklearn_balanced.utils._validation import check_sample_weight_nonneg

#: Number of samples counted per chunk (bounded temporary memory, cache friendly).
_CHUNK = 1 << 16
#: Largest number of codes for which the full code-by-code table is counted.
_MAX_TABLE_CODES = 1 << 6
#: Fixed seed of the string hash's multipliers (results never depend on it).
_HASH_SEED = 20261123


class ClassCounts(NamedTuple):
    """Per-class counts behind every balanced accuracy score.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        The classes, in ``labels`` order, or the sorted union of the labels of
        ``y_true`` and ``y_pred`` when ``labels`` is None.
    correct : ndarray of shape (n_classes,)
        Total weight of the samples of each true class predicted as that class.
    support : ndarray of shape (n_classes,)
        Total weight of the samples of each true class.
    """

    classes: np.ndarray
    correct: np.ndarray
    support: np.ndarray


def confusion_counts(y_true, y_pred, *, labels=None, sample_weight=None):
    """Count, per class, the samples and the correctly predicted samples.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, in the order of the output. Samples whose true class is
        not in ``labels`` are ignored; predictions outside ``labels`` count as
        errors. None means the sorted union of the labels of both arrays.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    counts : ClassCounts
        ``(classes, correct, support)``; ``correct`` and ``support`` are float64.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counting import confusion_counts
    >>> confusion_counts(["a", "b", "b"], ["a", "a", "b"])
    ClassCounts(classes=array(['a', 'b'], dtype='<U1'), correct=array([1., 1.]),
                support=array([1., 2.]))
    """
    y_true, y_pred = check_targets(y_true, y_pred)
    sample_weight = check_sample_weight_nonneg(sample_weight, y_true.shape[0])
    if labels is None:
        counts = count_small_integers(y_true, y_pred, sample_weight)
        if counts is not None:
            return counts
        classes, true_codes, pred_codes, n_codes = encode_union(y_true, y_pred)
    else:
        classes = check_labels(labels, y_true)
        true_codes, pred_codes, n_codes = encode_with_labels(y_true, y_pred, classes)
    correct, support, present = count_codes(
        true_codes, pred_codes, n_codes, sample_weight, need_presence=labels is None
    )
    if labels is None:
        classes = classes[present]
        correct, support = correct[present], support[present]
    else:
        correct, support = correct[: classes.shape[0]], support[: classes.shape[0]]
    return ClassCounts(classes, correct, support)


def check_targets(y_true, y_pred):
    """Validate a pair of classification targets as scikit-learn's metrics do.

    Clean 1-D numeric or string NumPy arrays take a fast path; anything else goes
    through scikit-learn's public target checks, so the same inputs raise the
    same exception types.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Ground truth and predicted labels.

    Returns
    -------
    y_true, y_pred : ndarray of shape (n_samples,)
        The targets as 1-D arrays (views of the inputs where possible).
    """
    fast_true, fast_pred = _as_plain_1d(y_true), _as_plain_1d(y_pred)
    if (
        fast_true is not None
        and fast_pred is not None
        and fast_true.shape[0] == fast_pred.shape[0] > 0
        and _both_numeric_or_both_text(fast_true, fast_pred)
    ):
        return fast_true, fast_pred
    return _reference_check_targets(y_true, y_pred)


def _as_plain_1d(y):
    """Return ``y`` as a 1-D ndarray when it can skip scikit-learn's checks."""
    if isinstance(y, np.ndarray):
        array = y
    elif hasattr(y, "to_numpy") and isinstance(getattr(y, "dtype", None), np.dtype):
        array = y.to_numpy()  # a pandas Series with a plain NumPy dtype
    else:
        return None
    if array.ndim != 1:
        return None
    kind = array.dtype.kind
    if kind in "biuU":
        return array
    if kind == "O" and array.shape[0] and all(isinstance(v, str) for v in array):
        return array.astype(str)  # strings held as Python objects (e.g. pandas)
    if kind == "f":
        # NaN, infinite or fractional values: let the reference checks raise.
        with np.errstate(invalid="ignore"):
            if np.isfinite(array).all() and (array == np.trunc(array)).all():
                return array
    return None


def _both_numeric_or_both_text(y_true, y_pred):
    return (y_true.dtype.kind == "U") == (y_pred.dtype.kind == "U")


def _reference_check_targets(y_true, y_pred):
    """Validate targets with scikit-learn's public checks (the exact reference)."""
    check_consistent_length(y_true, y_pred)
    type_true = type_of_target(y_true, input_name="y_true")
    type_pred = type_of_target(y_pred, input_name="y_pred")
    if _num_samples(y_true) < 1:
        raise ValueError(
            "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum "
            "of 1 sample is required."
        )
    types = {type_true, type_pred}
    if types == {"binary", "multiclass"}:
        types = {"multiclass"}
    if len(types) > 1:
        raise ValueError(
            f"Classification metrics can't handle a mix of {type_true} and "
            f"{type_pred} targets"
        )
    (target_type,) = types
    if target_type not in ("binary", "multiclass"):
        raise ValueError(f"{target_type} is not supported")
    y_true = column_or_1d(y_true)
    y_pred = column_or_1d(y_pred)
    unique_labels(y_true, y_pred)  # raises on a mix of string and number labels
    return y_true, y_pred


def _num_samples(y):
    return y.shape[0] if hasattr(y, "shape") else len(y)


def check_labels(labels, y_true):
    """Validate ``labels``: 1-D, non-empty, no duplicates, comparable to ``y_true``."""
    classes = np.asarray(labels)
    if classes.ndim != 1 or classes.shape[0] == 0:
        raise ValueError(
            f"labels must be a non-empty 1-D array-like, got shape {classes.shape}."
        )
    if (classes.dtype.kind in "OUS") != (y_true.dtype.kind in "OUS"):
        raise ValueError(
            "labels must be of the same kind as y_true (all strings or all numbers), "
            f"got labels of dtype {classes.dtype} and y_true of dtype {y_true.dtype}."
        )
    try:
        sorted_classes = np.sort(classes)
    except TypeError as exc:
        raise ValueError("labels must be mutually comparable values.") from exc
    duplicated = sorted_classes[1:][sorted_classes[1:] == sorted_classes[:-1]]
    if duplicated.shape[0]:
        raise ValueError(
            f"labels must not contain duplicates, got {duplicated[:5].tolist()} "
            "more than once."
        )
    return classes


def encode_union(y_true, y_pred):
    """Map both targets to integer codes over the union of their labels.

    Returns
    -------
    classes : ndarray of shape (n_codes,)
        Sorted candidate classes; code ``i`` stands for ``classes[i]``. For
        small-range integers this is the whole range: classes that occur in
        neither array are dropped by the caller through the presence mask.
    true_codes, pred_codes : ndarray or _ChunkCodes of length n_samples
        Codes in ``0 .. n_codes - 1`` (small-range integers are shifted chunk by
        chunk as they are counted).
    n_codes : int
        Number of codes.
    """
    if y_true.dtype.kind in "biu" and y_pred.dtype.kind in "biu":
        low = min(_min_int(y_true), _min_int(y_pred))
        high = max(_max_int(y_true), _max_int(y_pred))
        span = high - low + 1
        fits = high <= np.iinfo(np.intp).max  # uint64 labels may not
        if span <= max(_MAX_TABLE_CODES, y_true.shape[0]) and fits:
            classes = np.arange(low, high + 1)
            classes = classes.astype(np.result_type(y_true.dtype, y_pred.dtype))
            encode = partial(_shift, low=low)
            return (
                classes,
                _ChunkCodes(y_true, encode),
                _ChunkCodes(y_pred, encode),
                span,
            )
    if y_true.dtype.kind == "U":
        classes, true_codes, pred_codes = _encode_strings(y_true, y_pred)
        return classes, true_codes, pred_codes, classes.shape[0]
    n_samples = y_true.shape[0]
    classes, codes = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
    codes = codes.reshape(-1)
    return classes, codes[:n_samples], codes[n_samples:], classes.shape[0]


def _min_int(y):
    return int(y.min()) if y.dtype.kind != "b" else int(y.min(initial=True))


def _max_int(y):
    return int(y.max()) if y.dtype.kind != "b" else int(y.max(initial=False))


class _ChunkCodes:
    """Codes of a target computed chunk by chunk, as the counting loop asks.

    Only one chunk of codes exists at a time, so encoding costs no n-sized
    temporaries: ``encode`` maps a chunk of labels to a chunk of ``intp`` codes.
    """

    def __init__(self, labels, encode):
        self.labels = labels
        self.encode = encode

    def __len__(self):
        return self.labels.shape[0]

    def __getitem__(self, key):
        return self.encode(self.labels[key])


def _shift(chunk, low):
    """Codes of small-range integer labels: the labels minus the smallest one."""
    chunk = chunk.astype(np.intp, copy=False)
    return chunk - low if low else chunk


def _code_in(chunk, sorted_classes, order, other):
    """Codes of labels in ``classes`` order (``other`` for labels not in it)."""
    try:
        position = np.searchsorted(sorted_classes, chunk)
    except TypeError as exc:
        raise ValueError(
            "labels must be comparable with the values of y_true and y_pred."
        ) from exc
    np.minimum(position, other - 1, out=position)
    matched = sorted_classes[position] == chunk
    return np.where(matched, order[position], other)


def _encode_strings(y_true, y_pred):
    """Encode string labels through a 64-bit hash of each string.

    Sorting integers is far cheaper than sorting strings, and a handful of
    distinct hashes maps to codes through a small lookup table. The hash is then
    checked exactly (every sample equals its class's representative string); on a
    collision the strings themselves are sorted.
    """
    width = max(y_true.dtype.itemsize, y_pred.dtype.itemsize) // 4
    chars = [_as_char_matrix(y, width) for y in (y_true, y_pred)]
    keys = [_hash_rows(matrix) for matrix in chars]
    distinct = np.unique(np.concatenate([np.unique(k) for k in keys]))
    codes = [_lookup(distinct, k) for k in keys]
    representatives = np.empty((distinct.shape[0], width), dtype=np.uint32)
    for matrix, code in zip(chars, codes, strict=True):
        representatives[code[::-1]] = matrix[::-1]
    if not all(
        _rows_match(representatives, code, matrix)
        for matrix, code in zip(chars, codes, strict=True)
    ):
        n_samples = y_true.shape[0]
        classes, both = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
        both = both.reshape(-1)
        return classes, both[:n_samples], both[n_samples:]
    strings = np.ascontiguousarray(representatives).view(f"<U{width}").reshape(-1)
    order = np.argsort(strings)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return strings[order], rank[codes[0]], rank[codes[1]]


def _as_char_matrix(strings, width):
    """View fixed-width strings as an (n, width) matrix of UCS-4 code points."""
    strings = np.ascontiguousarray(strings, dtype=f"<U{width}")
    return strings.view(np.uint32).reshape(-1, width)


def _hash_rows(chars):
    """Random-multiplier 64-bit hash of each row of code points (vectorised)."""
    multipliers = np.random.default_rng(_HASH_SEED).integers(
        1, 2**63, size=chars.shape[1], dtype=np.uint64
    )
    multipliers = multipliers * np.uint64(2) + np.uint64(1)  # odd multipliers
    return np.einsum("ij,j->i", chars, multipliers, dtype=np.uint64, casting="unsafe")


def _lookup(distinct, keys):
    """Codes of ``keys`` in the sorted ``distinct`` keys.

    For a few distinct keys, some window of their bits is collision free: then
    a table indexed by those bits replaces the binary search.
    """
    size = 1 << max(int(distinct.shape[0] - 1).bit_length() + 2, 1)
    if size <= 1 << 10:
        for shift in range(0, 64 - size.bit_length() + 2, 3):
            slots = (distinct >> np.uint64(shift)) & np.uint64(size - 1)
            if np.unique(slots).shape[0] == distinct.shape[0]:
                table = np.zeros(size, dtype=np.intp)
                table[slots] = np.arange(distinct.shape[0])
                return table[(keys >> np.uint64(shift)) & np.uint64(size - 1)]
    return np.searchsorted(distinct, keys)


def _rows_match(representatives, codes, chars):
    """Whether ``representatives[codes] == chars`` row for row (chunked)."""
    for start in range(0, chars.shape[0], _CHUNK):
        stop = start + _CHUNK
        if not (representatives[codes[start:stop]] == chars[start:stop]).all():
            return False
    return True


def encode_with_labels(y_true, y_pred, classes):
    """Map both targets to codes in ``classes`` order; code ``len(classes)`` is "other".

    Returns
    -------
    true_codes, pred_codes : _ChunkCodes
        Codes in ``0 .. len(classes)``, computed chunk by chunk.
    n_codes : int
        ``len(classes) + 1``.
    """
    order = np.argsort(classes, kind="stable")
    encode = partial(
        _code_in, sorted_classes=classes[order], order=order, other=classes.shape[0]
    )
    return _ChunkCodes(y_true, encode), _ChunkCodes(y_pred, encode), order.shape[0] + 1


def count_codes(true_codes, pred_codes, n_codes, sample_weight, need_presence):
    """Count correct and total weight per true code, chunk by chunk.

    Parameters
    ----------
    true_codes, pred_codes : array-like of int, shape (n_samples,)
        Codes in ``0 .. n_codes - 1`` (sliceable; converted per chunk).
    n_codes : int
        Number of codes.
    sample_weight : ndarray of shape (n_samples,) or None
        Validated weights.
    need_presence : bool
        Whether to report which codes occur at all, in either target, whatever
        their weight.

    Returns
    -------
    correct, support : ndarray of shape (n_codes,) of float64
        Weight of the correctly predicted samples and of all samples, per true code.
    present : ndarray of shape (n_codes,) of bool or None
        Which codes occur in ``true_codes`` or ``pred_codes`` (None when not needed).
    """
    if n_codes <= _MAX_TABLE_CODES:
        table = _CodeTable(n_codes, sample_weight is not None)
        for truth, pred, weights in _chunks(true_codes, pred_codes, sample_weight):
            table.add(truth, pred, weights)
        return table.summary(need_presence)
    dtype = np.float64 if sample_weight is not None else np.intp
    support = np.zeros(n_codes, dtype=dtype)
    correct = np.zeros(n_codes + 1, dtype=dtype)
    seen = np.zeros((2, n_codes), dtype=np.intp)
    for truth, pred, weights in _chunks(true_codes, pred_codes, sample_weight):
        support += np.bincount(truth, weights, minlength=n_codes).astype(dtype)
        hit = np.where(truth == pred, truth, n_codes)
        correct += np.bincount(hit, weights, minlength=n_codes + 1).astype(dtype)
        if need_presence:
            seen[0] += np.bincount(truth, minlength=n_codes)
            seen[1] += np.bincount(pred, minlength=n_codes)
    present = (seen > 0).any(axis=0) if need_presence else None
    return correct[:n_codes].astype(np.float64), support.astype(np.float64), present


def count_small_integers(y_true, y_pred, sample_weight):
    """Count integer labels of a small range in a single pass over the data.

    The range of the labels is found chunk by chunk while counting (the table of
    ``(true, pred)`` counts grows when a chunk extends it), so the targets are
    read from memory once instead of once for their range and once for counting.

    Returns
    -------
    counts : ClassCounts or None
        The per-class counts, or None when the targets are not integers or their
        range exceeds ``_MAX_TABLE_CODES`` values (the caller then sorts them out).
    """
    if y_true.dtype.kind not in "biu" or y_pred.dtype.kind not in "biu":
        return None
    low = high = None
    table = None
    for truth, pred, weights in _chunks(y_true, y_pred, sample_weight):
        chunk_low = min(int(truth.min()), int(pred.min()))
        chunk_high = max(int(truth.max()), int(pred.max()))
        if table is None or chunk_low < low or chunk_high > high:
            shift = 0 if table is None else low - min(low, chunk_low)
            low = chunk_low if low is None else min(low, chunk_low)
            high = chunk_high if high is None else max(high, chunk_high)
            if high - low >= _MAX_TABLE_CODES or high > np.iinfo(np.intp).max:
                return None
            table = _CodeTable(high - low + 1, sample_weight is not None, table, shift)
        table.add(_shift(truth, low), _shift(pred, low), weights)
    correct, support, present = table.summary(need_presence=True)
    classes = np.arange(low, high + 1).astype(np.result_type(y_true, y_pred))
    return ClassCounts(classes[present], correct[present], support[present])


def _chunks(y_true, y_pred, sample_weight):
    """Yield aligned ``(y_true, y_pred, sample_weight)`` chunks of the targets."""
    for start in range(0, len(y_true), _CHUNK):
        stop = start + _CHUNK
        weights = None if sample_weight is None else sample_weight[start:stop]
        yield y_true[start:stop], y_pred[start:stop], weights


class _CodeTable:
    """Running table of ``(true code, predicted code)`` counts for a few codes.

    One ``bincount`` of ``true * n_codes + pred`` per chunk fills it (a second,
    unweighted one records which codes occur when there are weights). A table
    built from a ``previous`` one over a range that starts ``shift`` codes lower
    keeps its counts.
    """

    def __init__(self, n_codes, weighted, previous=None, shift=0):
        self.n_codes = n_codes
        dtype = np.float64 if weighted else np.intp
        self.weighted = np.zeros((n_codes, n_codes), dtype=dtype)
        self.seen = np.zeros((n_codes, n_codes), dtype=np.intp) if weighted else None
        if previous is not None:
            kept = slice(shift, shift + previous.n_codes)
            self.weighted[kept, kept] = previous.weighted
            if self.seen is not None:
                self.seen[kept, kept] = previous.seen

    def add(self, truth, pred, weights):
        code = truth * self.n_codes
        code += pred
        size = self.n_codes * self.n_codes
        counts = np.bincount(code, weights, minlength=size)
        self.weighted += counts.reshape(self.weighted.shape).astype(
            self.weighted.dtype, copy=False
        )
        if weights is not None:
            self.seen += np.bincount(code, minlength=size).reshape(self.seen.shape)

    def summary(self, need_presence):
        """Per-code correct weight, total weight and presence (or None)."""
        matrix = self.weighted.astype(np.float64)
        correct, support = np.diagonal(matrix).copy(), matrix.sum(axis=1)
        if not need_presence:
            return correct, support, None
        seen = matrix if self.seen is None else self.seen
        return correct, support, (seen.sum(axis=1) > 0) | (seen.sum(axis=0) > 0)


def check_confusion_matrix(C):
    """Validate a confusion matrix (rows: true classes, columns: predicted).

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Square, finite, non-negative counts or weights.

    Returns
    -------
    C : ndarray of shape (n_classes, n_classes) of float64
        A validated copy.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counting import check_confusion_matrix
    >>> check_confusion_matrix([[3, 1], [0, 2]])
    array([[3., 1.],
           [0., 2.]])
    """
    matrix = np.asarray(C)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(
            "C must be a non-empty square 2-D array (rows: true classes, columns: "
            f"predicted classes), got shape {matrix.shape}."
        )
    if matrix.dtype.kind not in "biuf":
        raise ValueError(f"C must be numeric, got an array of dtype {matrix.dtype}.")
    matrix = matrix.astype(np.float64)
    if not np.isfinite(matrix).all():
        raise ValueError("C must be finite, got NaN or infinite values.")
    if (matrix < 0).any():
        raise ValueError("C must be non-negative, got negative values.")
    return matrix
