"""The counting engine: every balanced accuracy score is a function of these counts.

Labels are mapped to integer codes once (an offset for small-range integers, a
sorted set of classes otherwise), then one weighted ``bincount`` of
``true_code * n_codes + pred_code`` gives the count of every (true, predicted)
pair of classes. The counting runs over chunks, so the extra memory stays bounded
whatever the number of samples, and the counts of batches simply add up: a batch
is summarised by :class:`PairCounts`, which
:class:`~sklearn_balanced.metrics.ConfusionCounts` merges.

Weights of extreme scale are first divided by a power of two near the largest
one: ratios of counts (every score) do not change, and no sum of weights, or of
squared weights, overflows or underflows whatever their scale.
"""

from functools import partial
from typing import NamedTuple

import numpy as np
from sklearn import get_config
from sklearn.utils import assert_all_finite, check_consistent_length, column_or_1d
from sklearn.utils.multiclass import type_of_target, unique_labels

from sklearn_balanced.utils._array_api import is_numpy_namespace, to_numpy
from sklearn_balanced.utils._compat import get_namespace
from sklearn_balanced.utils._validation import (
    WEIGHT_RANGE,
    check_weight_layout,
    check_weight_values,
    scale_weights,
)

#: Number of samples counted per chunk (bounded temporary memory, cache friendly).
_CHUNK = 1 << 14
#: Largest range of integer labels counted in a single pass over the data.
_MAX_TABLE_CODES = 1 << 6
#: Largest number of (true, predicted) code pairs counted in a dense table; more
#: codes than its square root are counted pair by pair (sorted keys).
_MAX_DENSE_PAIRS = 1 << 20
#: Largest number of bits of the collision-free hash table that maps string hashes
#: to codes (more distinct strings than about 2**(bits / 2) are binary searched).
_MAX_LOOKUP_BITS = 22
#: Number of keys sampled to find most distinct string labels at little cost.
_KEY_SAMPLE = 1 << 14
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


class _Counting(NamedTuple):
    """What the counting loops record besides the pair counts."""

    #: Sum float64 weights (int64 numbers of samples otherwise).
    weighted: bool
    #: Some weights are zero: record the pairs of zero-weight samples, whose labels
    #: are classes too.
    zero_weights: bool
    #: Keep the per-class sums of squared weights.
    squares: bool


def count_pairs(
    y_true, y_pred, sample_weight=None, *, squares=False, allow_all_zero=False
):
    """The confusion counts of a batch of targets, NumPy or Array API.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Ground truth and predicted labels. Array API inputs (with
        ``sklearn.set_config(array_api_dispatch=True)``) are counted in their own
        namespace and device; only the counts come back to NumPy.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    squares : bool, default=False
        Also sum the squared weights of each true class (with weights only).
    allow_all_zero : bool, default=False
        The samples are a part of a larger set: their weights may all be zero.

    Returns
    -------
    pairs : PairCounts
        The counts, in units of ``2**exponent`` with weights.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import count_pairs
    >>> pairs = count_pairs(["a", "b", "b"], ["a", "a", "b"])
    >>> pairs.classes.tolist(), pairs.true.tolist(), pairs.pred.tolist()
    (['a', 'b'], [0, 1, 1], [0, 0, 1])
    >>> pairs.counts
    array([1, 1, 1])
    """
    if get_config()["array_api_dispatch"]:
        # Only arrays name a namespace: scikit-learn < 1.7 rejects plain lists.
        arrays = [a for a in (y_true, y_pred, sample_weight) if hasattr(a, "shape")]
        xp, is_array_api = get_namespace(*arrays)
        if is_array_api and not is_numpy_namespace(xp):
            return _namespace_pairs(
                xp, y_true, y_pred, sample_weight, squares, allow_all_zero
            )
    y_true, y_pred = check_targets(y_true, y_pred)
    weights = _weight_array(sample_weight, y_true.shape[0])
    if weights is not None:
        pairs = _count_ordinary_weights(y_true, y_pred, weights, squares)
        if pairs is not None:
            return pairs
    weights, exponent, smallest = _scaled_weights(weights, allow_all_zero)
    counting = _Counting(
        weighted=weights is not None,
        zero_weights=weights is not None and smallest == 0,
        squares=squares and weights is not None,
    )
    pairs = count_small_integers(y_true, y_pred, weights, counting)
    if pairs is None:
        classes, true_codes, pred_codes, n_codes = encode_union(y_true, y_pred)
        pairs = count_codes(classes, true_codes, pred_codes, n_codes, weights, counting)
    return pairs._replace(exponent=exponent)


def _weight_array(sample_weight, n_samples):
    """NumPy sample weights of a valid layout, as float64 (values unchecked).

    The input itself when it is float64: it is never modified.
    """
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    check_weight_layout(
        weights.shape, weights.dtype, n_samples, numeric=weights.dtype.kind in "biuf"
    )
    return weights.astype(np.float64, copy=False)


def _count_ordinary_weights(y_true, y_pred, weights, squares):
    """Counts of small-range integer labels, their weights checked on the way.

    The smallest weight rules out NaN and negative weights; the total weight
    counted then rules out infinite ones and bounds the largest weight: a total
    in ``[2 n 2**-64, 2**63)`` keeps it where weights are summed as given (see
    ``weight_exponent``), with no second reduction over the weights.

    Returns
    -------
    pairs : PairCounts or None
        The counts (``exponent`` 0); None when the labels are not small-range
        integers or the weights are not ordinary (NaN, negative, infinite,
        all zero, of an extreme scale): the caller then checks them in full.
    """
    smallest = float(np.min(weights))
    if not smallest >= 0:  # NaN or negative
        return None
    counting = _Counting(weighted=True, zero_weights=smallest == 0, squares=squares)
    with np.errstate(over="ignore", invalid="ignore"):
        pairs = count_small_integers(y_true, y_pred, weights, counting)
        if pairs is None:
            return None
        total = float(pairs.counts.sum())
    lowest = 2 * weights.shape[0] * 2.0**-WEIGHT_RANGE
    return pairs if lowest <= total < 2.0 ** (WEIGHT_RANGE - 1) else None


def _scaled_weights(weights, allow_all_zero):
    """Check float64 sample weights and bring them to a safe scale.

    Returns
    -------
    weights : ndarray of shape (n_samples,) of float64 or None
        The weights in units of ``2**exponent`` (the input itself when it
        needs no scaling: it is never modified).
    exponent : int
        See ``weight_exponent``.
    smallest : float
        The smallest weight (zero weights still make their labels classes).
    """
    if weights is None:
        return None, 0, 1.0
    smallest, largest = check_weight_values(np, weights, allow_all_zero=allow_all_zero)
    return *scale_weights(np, weights, largest), smallest


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
        and _is_text(fast_true) == _is_text(fast_pred)
    ):
        return fast_true, fast_pred
    return _reference_check_targets(y_true, y_pred)


def _as_plain_1d(y):
    """Return ``y`` as a 1-D ndarray when it can skip scikit-learn's checks.

    Subclasses of ndarray are read as plain arrays, as scikit-learn reads them: a
    masked array counts with its data, whatever its mask. Strings held as Python
    objects stay objects (a fixed-width copy would pad every label to the longest).
    """
    if isinstance(y, np.ndarray):
        array = np.asarray(y)
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
        return array
    if kind == "f":
        # NaN, infinite or fractional values: let the reference checks raise.
        with np.errstate(invalid="ignore"):
            if np.isfinite(array).all() and (array == np.trunc(array)).all():
                return array
    return None


def _is_text(y):
    """Whether validated labels are strings (fixed-width or Python objects)."""
    return y.dtype.kind in "UO"


def _reference_check_targets(y_true, y_pred):
    """Validate targets with scikit-learn's public checks (the exact reference)."""
    check_consistent_length(y_true, y_pred)
    type_true = type_of_target(y_true, input_name="y_true")
    type_pred = type_of_target(y_pred, input_name="y_pred")
    check_not_empty(_num_samples(y_true))
    check_target_types(type_true, type_pred)
    y_true = column_or_1d(y_true)
    y_pred = column_or_1d(y_pred)
    unique_labels(y_true, y_pred)  # raises on a mix of string and number labels
    return y_true, y_pred


def check_not_empty(n_samples):
    """Raise scikit-learn's error for targets without samples."""
    if n_samples < 1:
        raise ValueError(
            "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum "
            "of 1 sample is required."
        )


def check_target_types(type_true, type_pred):
    """Raise scikit-learn's error unless both targets are binary or multiclass.

    Parameters
    ----------
    type_true, type_pred : str
        Types of the targets, as :func:`sklearn.utils.multiclass.type_of_target`
        names them.
    """
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


def _num_samples(y):
    return y.shape[0] if hasattr(y, "shape") else len(y)


def check_labels(labels, classes):
    """Validate ``labels``: 1-D, non-empty, no duplicates, of the kind of ``classes``.

    Parameters
    ----------
    labels : array-like of shape (n_labels,)
        The classes asked for.
    classes : ndarray
        The counted classes (or targets) they are compared with.

    Returns
    -------
    labels : ndarray of shape (n_labels,)
        ``labels`` as an array.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] == 0:
        raise ValueError(
            f"labels must be a non-empty 1-D array-like, got shape {labels.shape}."
        )
    if (labels.dtype.kind in "OUS") != (classes.dtype.kind in "OUS"):
        raise ValueError(
            "labels must be of the same kind as y_true (all strings or all numbers), "
            f"got labels of dtype {labels.dtype} and y_true of dtype {classes.dtype}."
        )
    try:
        sorted_labels = np.sort(labels)
    except TypeError as exc:
        raise ValueError("labels must be mutually comparable values.") from exc
    duplicated = sorted_labels[1:][sorted_labels[1:] == sorted_labels[:-1]]
    if duplicated.shape[0]:
        raise ValueError(
            f"labels must not contain duplicates, got {duplicated[:5].tolist()} "
            "more than once."
        )
    return labels


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
    if y_true.dtype.kind == "O" or y_pred.dtype.kind == "O":
        classes, true_codes, pred_codes = _factorise_objects(y_true, y_pred)
        return classes, true_codes, pred_codes, classes.shape[0]
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
    if chunk.dtype != np.intp:
        chunk = chunk.astype(np.intp)
    return chunk - low if low else chunk


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
    sorted_classes = classes[order]
    if "O" in (y_true.dtype.kind, y_pred.dtype.kind):
        sorted_classes = sorted_classes.astype(object)  # no fixed-width chunks
    encode = partial(
        _code_in, sorted_classes=sorted_classes, order=order, other=classes.shape[0]
    )
    return _ChunkCodes(y_true, encode), _ChunkCodes(y_pred, encode), order.shape[0] + 1


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
    """Encode fixed-width string labels through one 64-bit key per string.

    Keys of rows of code points are far cheaper to handle than strings. Short
    strings are packed into their key exactly, in the order of the strings;
    others are hashed, and the hash is checked exactly (every sample equals its
    class's representative string), the strings themselves being sorted on a
    collision.
    """
    width = max(y_true.dtype.itemsize, y_pred.dtype.itemsize) // 4
    chars = [_as_char_matrix(y, width) for y in (y_true, y_pred)]
    bits = max(max(int(matrix.max()) for matrix in chars).bit_length(), 1)
    if bits * width <= 64:
        distinct, codes = _distinct_codes([_pack_rows(m, bits) for m in chars])
        return _unpack_rows(distinct, bits, width), *codes
    distinct, codes = _distinct_codes([_hash_rows(matrix) for matrix in chars])
    representatives = _representatives(chars, codes, distinct.shape[0])
    if not all(
        _rows_match(representatives, code, matrix)
        for matrix, code in zip(chars, codes, strict=True)
    ):
        n_samples = y_true.shape[0]
        classes, both = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
        both = both.reshape(-1)
        return classes, both[:n_samples], both[n_samples:]
    strings = np.ascontiguousarray(representatives).view(f"<U{width}").reshape(-1)
    return _sort_codes(strings, *codes)


def _factorise_objects(y_true, y_pred):
    """Encode labels held as Python objects through a dict of the distinct ones.

    Each label is hashed once and no fixed-width copy is made, so one very long
    label costs its own size only, not its length times the number of samples.
    """
    index = {}
    codes = [
        np.fromiter(
            (index.setdefault(label, len(index)) for label in y),
            dtype=np.intp,
            count=y.shape[0],
        )
        for y in (y_true, y_pred)
    ]
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return _sort_codes(distinct, *codes)


def _sort_codes(distinct, true_codes, pred_codes):
    """Sort the distinct labels and renumber codes to follow that order."""
    order = np.argsort(distinct, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return distinct[order], rank[true_codes], rank[pred_codes]


def _as_char_matrix(strings, width):
    """View fixed-width strings as an (n, width) matrix of UCS-4 code points."""
    strings = np.ascontiguousarray(strings, dtype=f"<U{width}")
    return strings.view(np.uint32).reshape(-1, width)


def _pack_rows(chars, bits):
    """Rows of code points of fewer than ``bits`` bits, packed into one integer.

    The first code point takes the highest bits, so the integers sort as the
    strings do (a shorter string is padded with zeros).
    """
    shifts = bits * np.arange(chars.shape[1] - 1, -1, -1, dtype=np.uint64)
    return np.einsum(
        "ij,j->i", chars, np.uint64(1) << shifts, dtype=np.uint64, casting="unsafe"
    )


def _unpack_rows(keys, bits, width):
    """The strings that ``_pack_rows`` packed into ``keys``."""
    shifts = bits * np.arange(width - 1, -1, -1, dtype=np.uint64)
    mask = np.uint64((1 << bits) - 1)
    chars = ((keys[:, np.newaxis] >> shifts) & mask).astype(np.uint32)
    return chars.view(f"<U{width}").reshape(-1)


def _hash_rows(chars):
    """Random-multiplier 64-bit hash of each row of code points (vectorised)."""
    multipliers = np.random.default_rng(_HASH_SEED).integers(
        1, 2**63, size=chars.shape[1], dtype=np.uint64
    )
    multipliers = multipliers * np.uint64(2) + np.uint64(1)  # odd multipliers
    return np.einsum("ij,j->i", chars, multipliers, dtype=np.uint64, casting="unsafe")


def _distinct_codes(keys):
    """The sorted distinct values of arrays of keys and the code of every key.

    The distinct keys of a sample give a first lookup; the keys it does not find
    (of classes missing from the sample) are then added and the lookup redone.
    This saves finding the distinct values of every key, which costs more than
    the lookup.

    Parameters
    ----------
    keys : list of ndarray of uint64
        The keys of each target.

    Returns
    -------
    distinct : ndarray of uint64
        The sorted distinct keys.
    codes : list of ndarray of int
        The index in ``distinct`` of every key, per target.
    """
    n_samples = keys[0].shape[0]
    stride = max(n_samples // _KEY_SAMPLE, 1)
    distinct = np.unique(np.concatenate([k[::stride] for k in keys]))
    while True:
        lookup = _hash_lookup(distinct)
        codes = [lookup(k) for k in keys]
        missing = [k[distinct[c] != k] for k, c in zip(keys, codes, strict=True)]
        if not any(m.shape[0] for m in missing):
            return distinct, codes
        distinct = np.union1d(distinct, np.concatenate(missing))


def _hash_lookup(distinct):
    """A function mapping keys to their index in the sorted ``distinct`` keys.

    Keys that are not in ``distinct`` get some index (which the caller checks).

    A multiply-shift hash ``(key * m) >> (64 - bits)`` that is collision free on
    the distinct keys indexes a table of their indices, which replaces a binary
    search. Such an ``m`` is found with probability above one half per try once
    ``2**bits`` exceeds the square of the number of keys; too many keys for a
    table of ``2**_MAX_LOOKUP_BITS`` entries are binary searched.
    """
    n_keys = distinct.shape[0]
    rng = np.random.default_rng(_HASH_SEED)
    for bits in range(max(n_keys * n_keys, 2).bit_length(), _MAX_LOOKUP_BITS + 1):
        multiplier = rng.integers(1 << 62, 1 << 63, dtype=np.uint64) | np.uint64(1)
        shift = np.uint64(64 - bits)
        slots = (distinct * multiplier) >> shift
        if np.unique(slots).shape[0] == n_keys:
            table = np.zeros(1 << bits, dtype=np.int32)
            table[slots] = np.arange(n_keys)
            return partial(
                _table_lookup, table=table, multiplier=multiplier, shift=shift
            )
    return partial(_binary_lookup, distinct=distinct)


def _table_lookup(keys, table, multiplier, shift):
    slots = keys * multiplier
    slots >>= shift
    return table[slots]


def _binary_lookup(keys, distinct):
    position = np.searchsorted(distinct, keys)
    return np.minimum(position, distinct.shape[0] - 1, out=position)


def _representatives(chars, codes, n_codes):
    """One row of code points per code: that of any sample with the code."""
    rows = np.empty((n_codes, chars[0].shape[1]), dtype=np.uint32)
    for matrix, code in zip(chars, codes, strict=True):
        sample = np.full(n_codes, -1, dtype=np.intp)
        sample[code] = np.arange(code.shape[0])
        found = sample >= 0
        rows[found] = matrix[sample[found]]
    return rows


def _rows_match(representatives, codes, chars):
    """Whether ``representatives[codes] == chars`` row for row (chunked)."""
    for start in range(0, chars.shape[0], _CHUNK):
        stop = start + _CHUNK
        if not (representatives[codes[start:stop]] == chars[start:stop]).all():
            return False
    return True


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
    counting : _Counting
        What to record besides the counts.

    Returns
    -------
    pairs : PairCounts
        The counts, with ``exponent`` 0 (the caller sets it).
    """
    if not _dense_fits(n_codes, len(true_codes)):
        return _count_sparse(
            classes, true_codes, pred_codes, n_codes, weights, counting
        )
    table = _PairTable(n_codes, counting)
    chunk = max(_CHUNK, n_codes * n_codes)
    for truth, pred, chunk_weights in _chunks(true_codes, pred_codes, weights, chunk):
        table.add(truth, pred, chunk_weights)
    return table.pairs(classes)


def _dense_fits(n_codes, n_samples):
    """Whether the table of every pair of ``n_codes`` codes is worth counting.

    It must be small, and not much larger than the number of samples (a sparse
    table then costs less than zeroing and scanning a dense one).
    """
    size = n_codes * n_codes
    return size <= min(_MAX_DENSE_PAIRS, max(_MAX_TABLE_CODES**2, 4 * n_samples))


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
    return _compact(classes, true, pred, counts, squares)


def _fold(parts):
    """Sums by key of several ``(keys, values)`` parts."""
    return sum_by_key(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def sum_by_key(keys, values):
    """The sorted distinct ``keys`` and the sums of the ``values`` of each.

    The sort is stable, so the values of a key are summed in their order: the
    same inputs give the same sums, bit for bit.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import sum_by_key
    >>> sum_by_key(np.array([5, 2, 5]), np.array([1, 10, 100]))
    (array([2, 5]), array([ 10, 101]))
    """
    if not keys.shape[0]:
        return keys, values
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.add.reduceat(values[order], starts)


def _compact(classes, true, pred, counts, squares):
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
        their range exceeds ``_MAX_TABLE_CODES`` values (the caller then encodes
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
        if high - low >= _MAX_TABLE_CODES or high > np.iinfo(np.intp).max:
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
    if not low and chunk.dtype.itemsize < np.dtype(np.intp).itemsize:
        return chunk
    return _shift(chunk, low)


def _below(codes, n_codes):
    """Whether every code lies in ``0 .. n_codes - 1`` (negative ones wrap high)."""
    unsigned = codes.view(f"u{codes.dtype.itemsize}")
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
        return _compact(classes, true, pred, counts, self.squares)


def select_classes(pairs, labels=None):
    """Per-class counts of the counted classes, or of ``labels`` in their order.

    Parameters
    ----------
    pairs : PairCounts
        Counts with at least one class.
    labels : array-like of shape (n_labels,), default=None
        Classes to report, in this order. Samples whose true class is not in
        ``labels`` are left out; predictions outside ``labels`` count as errors;
        labels never counted have zero counts. None means every counted class.

    Returns
    -------
    counts : ClassCounts
        ``(classes, correct, support)``, float64 in the units of ``pairs``.
    squares : ndarray of shape (n_classes,) of float64 or None
        The per-class sums of squared weights (``pairs.squares`` selected alike).

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import count_pairs, select_classes
    >>> pairs = count_pairs([0, 1, 1, 2], [0, 0, 1, 1])
    >>> counts, _ = select_classes(pairs, labels=[1, 5])
    >>> counts.correct, counts.support
    (array([1., 0.]), array([2., 0.]))
    """
    n_classes = pairs.classes.shape[0]
    weights = pairs.counts.astype(np.float64)
    support = np.bincount(pairs.true, weights, minlength=n_classes)
    correct = np.zeros(n_classes)
    diagonal = pairs.true == pairs.pred
    correct[pairs.true[diagonal]] = weights[diagonal]
    if labels is None:
        return ClassCounts(pairs.classes, correct, support), pairs.squares
    labels = check_labels(labels, pairs.classes)
    position, found = find_labels(pairs.classes, labels)
    counts = ClassCounts(
        labels, _take(correct, position, found), _take(support, position, found)
    )
    squares = None if pairs.squares is None else _take(pairs.squares, position, found)
    return counts, squares


def find_labels(classes, labels):
    """Where each of ``labels`` is in the sorted, non-empty ``classes``.

    Labels are compared exactly (integers of different signedness as Python
    integers, as scikit-learn compares them).

    Returns
    -------
    position : ndarray of shape (n_labels,) of intp
        The index in ``classes`` of each label that is found.
    found : ndarray of shape (n_labels,) of bool
        Which labels are in ``classes``.
    """
    classes, labels = comparable_labels(classes, labels)
    try:
        position = np.searchsorted(classes, labels)
    except TypeError as exc:
        raise ValueError(
            "labels must be comparable with the values of y_true and y_pred."
        ) from exc
    np.minimum(position, classes.shape[0] - 1, out=position)
    return position, classes[position] == labels


def comparable_labels(first, second):
    """Two label arrays in dtypes that compare (and concatenate) them exactly.

    Strings held as objects and integers of different signedness (whose common
    NumPy dtype is float64) become Python objects.
    """
    kinds = {first.dtype.kind, second.dtype.kind}
    exact = kinds <= set("biu") and np.result_type(first, second).kind == "f"
    if "O" in kinds or exact:
        return first.astype(object), second.astype(object)
    return first, second


def union_labels(first, second):
    """The sorted union of two sorted label arrays, as scikit-learn sorts labels."""
    if _holds_strings(first) != _holds_strings(second):
        raise ValueError(
            "Mix of label input types (string and number): counts of string labels "
            "cannot be merged with counts of numeric labels."
        )
    return np.unique(np.concatenate(comparable_labels(first, second)))


def _holds_strings(classes):
    if classes.dtype.kind == "O":
        return all(isinstance(label, str) for label in classes)
    return classes.dtype.kind in "US"


def _take(values, position, found):
    """``values[position]`` where found, 0 elsewhere."""
    return np.where(found, values[position], 0.0)


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
        ``(classes, correct, support)``; ``correct`` and ``support`` are float64
        totals of the weights as given (infinite where a total exceeds the
        float64 range).

    See Also
    --------
    count_pairs : The counts of every (true, predicted) pair, in units of a power
        of two of the weights.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import confusion_counts
    >>> confusion_counts(["a", "b", "b"], ["a", "a", "b"])
    ClassCounts(classes=array(['a', 'b'], dtype='<U1'), correct=array([1., 1.]),
                support=array([1., 2.]))
    """
    pairs = count_pairs(y_true, y_pred, sample_weight, allow_all_zero=True)
    counts, _ = select_classes(pairs, labels)
    with np.errstate(over="ignore"):
        return counts._replace(
            correct=np.ldexp(counts.correct, pairs.exponent),
            support=np.ldexp(counts.support, pairs.exponent),
        )


def class_counts(
    y_true, y_pred, *, labels=None, sample_weight=None, squared_weights=False
):
    """Per-class counts of any supported input, NumPy or Array API.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Ground truth and predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, as in ``confusion_counts``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    squared_weights : bool, default=False
        Return, as ``support``, the per-class sums of the squares of the scaled
        weights (the squares of the units of ``squared_weights=False``, so that
        ``support**2 / squared_support`` is the Kish effective size); ``correct``
        is then None.

    Returns
    -------
    counts : ClassCounts
        Per-class ``(classes, correct, support)`` as NumPy arrays. With weights,
        ``correct`` and ``support`` are in the units of ``weight_exponent``:
        their ratios (the recalls) are those of the weights as given, free of
        overflow and underflow.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import class_counts
    >>> class_counts([0, 1, 1], [0, 0, 1]).correct
    array([1., 1.])
    >>> class_counts([0, 1, 1], [0, 0, 1], sample_weight=[1e308] * 3).support
    array([0.55626846, 1.11253693])
    """
    pairs = count_pairs(y_true, y_pred, sample_weight, squares=squared_weights)
    counts, squares = select_classes(pairs, labels)
    if not squared_weights:
        return counts
    return counts._replace(
        correct=None, support=counts.support if squares is None else squares
    )


def check_confusion_matrix(C):
    """Validate a confusion matrix (rows: true classes, columns: predicted).

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Square, finite, non-negative counts or weights.

    Returns
    -------
    C : ndarray of shape (n_classes, n_classes)
        A validated copy: int64 numbers of samples for boolean and integer
        entries (within the int64 range), float64 otherwise.

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import check_confusion_matrix
    >>> check_confusion_matrix([[3, 1], [0, 2]])
    array([[3, 1],
           [0, 2]])
    >>> check_confusion_matrix([[3, 0.5], [0, 2]])
    array([[3. , 0.5],
           [0. , 2. ]])
    """
    matrix = np.asarray(C)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(
            "C must be a non-empty square 2-D array (rows: true classes, columns: "
            f"predicted classes), got shape {matrix.shape}."
        )
    if matrix.dtype.kind not in "biuf":
        raise ValueError(f"C must be numeric, got an array of dtype {matrix.dtype}.")
    if matrix.dtype.kind in "bi" or (
        matrix.dtype.kind == "u" and matrix.max() <= np.iinfo(np.int64).max
    ):
        matrix = matrix.astype(np.int64)
    else:
        matrix = matrix.astype(np.float64)
    if not np.isfinite(matrix).all():
        raise ValueError("C must be finite, got NaN or infinite values.")
    if (matrix < 0).any():
        raise ValueError("C must be non-negative, got negative values.")
    return matrix


def matrix_counts(C):
    """Per-class counts of a confusion matrix, each row scaled to its largest entry.

    Every row is divided by the power of two that brings its largest entry into
    [0.5, 1), so its total cannot overflow and its recall is exact.

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Confusion matrix (rows: true classes, columns: predicted classes).

    Returns
    -------
    counts : ClassCounts
        ``(arange(n_classes), correct, support)``, row ``i`` in units of
        ``2**exponents[i]``.
    exponents : ndarray of shape (n_classes,) of int
        The exponents of the rows' units: ``np.ldexp(counts.support, exponents)``
        are the row totals (infinite where they exceed the float64 range).

    Examples
    --------
    >>> from sklearn_balanced.metrics._counts import matrix_counts
    >>> counts, exponents = matrix_counts([[3, 1], [0, 2]])
    >>> counts.correct / counts.support
    array([0.75, 1.  ])
    """
    matrix = check_confusion_matrix(C).astype(np.float64)
    _, exponents = np.frexp(matrix.max(axis=1))
    relative = np.ldexp(matrix, -exponents[:, np.newaxis])
    counts = ClassCounts(
        np.arange(matrix.shape[0]), np.diagonal(relative).copy(), relative.sum(axis=1)
    )
    return counts, exponents


# Array API inputs: the same counts, computed in the inputs' namespace and device.
# No n-sized array is copied to the host; only the pair counts come back.


def _namespace_pairs(xp, y_true, y_pred, sample_weight, squares, allow_all_zero):
    """Pair counts of Array API targets, computed in their namespace."""
    _check_namespace_targets(xp, y_true, y_pred)
    weights, exponent, smallest = None, 0, 1.0
    if sample_weight is not None:
        weights, exponent, smallest = _check_namespace_weights(
            xp, sample_weight, y_true.shape[0], y_true.device, allow_all_zero
        )
    keys, key_dtype, span = _namespace_keys(xp, y_true, y_pred)
    classes, true_codes, pred_codes = _namespace_encode_union(xp, keys, key_dtype, span)
    n_codes = classes.shape[0]
    square_sums = None
    if squares and weights is not None:
        square_sums = _host(_bincount(xp, true_codes, weights * weights, n_codes))
    codes = true_codes * n_codes + pred_codes
    if _dense_fits(n_codes, y_true.shape[0]):
        table = _host(_bincount(xp, codes, weights, n_codes * n_codes))
        occurs = table != 0
        if weights is not None and smallest == 0:
            occurs |= _host(_bincount(xp, codes, None, n_codes * n_codes)) > 0
        keys = np.flatnonzero(occurs)
        counts = table[keys]
    else:
        values, inverse = xp.unique_inverse(codes)
        keys = _host(values)
        counts = _host(_bincount(xp, inverse, weights, keys.shape[0]))
    true, pred = np.divmod(keys, n_codes)
    pairs = _compact(classes, true, pred, counts, square_sums)
    return pairs._replace(exponent=exponent)


def _host(array):
    """A namespace array of counts as a NumPy array of int64 or float64."""
    array = to_numpy(array)
    return array.astype(np.float64 if array.dtype.kind == "f" else np.int64)


def _check_namespace_targets(xp, y_true, y_pred):
    """Check Array API targets, with the messages of the NumPy path."""
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an array of shape {y.shape}.")
    check_consistent_length(y_true, y_pred)
    check_not_empty(y_true.shape[0])
    continuous = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if xp.isdtype(y.dtype, "real floating"):
            assert_all_finite(y, input_name=name)
            continuous.append(not bool(xp.all(y == xp.round(y))))
        elif xp.isdtype(y.dtype, ("integral", "bool")):
            continuous.append(False)
        else:
            raise ValueError(f"{name} must hold integer labels, got dtype {y.dtype}.")
    if any(continuous):
        check_target_types(
            *(
                "continuous" if is_continuous else _discrete_type(xp, y)
                for is_continuous, y in zip(continuous, (y_true, y_pred), strict=True)
            )
        )


def _discrete_type(xp, y):
    """``type_of_target`` of integer-valued 1-D labels: binary or multiclass."""
    return "binary" if xp.unique_values(y).shape[0] <= 2 else "multiclass"


def _check_namespace_weights(xp, sample_weight, n_samples, device, allow_all_zero):
    """Check Array API sample weights, with the messages of the NumPy path.

    Returns the weights in units of ``2**exponent``, the exponent and the
    smallest weight, as ``_scaled_weights`` does.
    """
    weights = xp.asarray(sample_weight, device=device)
    numeric = xp.isdtype(weights.dtype, ("bool", "integral", "real floating"))
    check_weight_layout(weights.shape, weights.dtype, n_samples, numeric=numeric)
    weights = xp.astype(weights, xp.float64)
    smallest, largest = check_weight_values(xp, weights, allow_all_zero=allow_all_zero)
    return *scale_weights(xp, weights, largest), smallest


def _bincount(xp, codes, weights, minlength):
    """``bincount`` in namespace ``xp``: native when it has one.

    Otherwise each code that occurs is summed on its own (a cumulative sum over
    sorted codes would lose small weights next to large ones).
    """
    native = getattr(xp, "bincount", None)
    if native is not None:
        return native(codes, weights=weights, minlength=minlength)
    counts = np.zeros(minlength, dtype=np.float64 if weights is not None else np.int64)
    for code in to_numpy(xp.unique_values(codes)).tolist():
        member = codes == code
        if weights is None:
            counts[code] = int(xp.sum(xp.astype(member, xp.int64)))
        else:
            counts[code] = float(
                xp.sum(xp.where(member, weights, xp.zeros_like(weights)))
            )
    return counts


def _namespace_keys(xp, y_true, y_pred):
    """Cast both targets to one dtype that holds all their labels exactly.

    Integer-valued labels within the int64 range (floats included) become int64,
    then uint64 is tried, and anything else (floats beyond 2**64, a mix of
    negative labels and labels beyond 2**63) is compared as float64, as NumPy's
    type promotion does.

    Returns
    -------
    keys : list of two arrays
        ``y_true`` and ``y_pred`` in the common dtype.
    key_dtype : numpy.dtype
        The NumPy dtype of that name.
    span : tuple of two int or float
        The smallest and largest label of the targets (ints for integer keys).
    """
    targets = [
        xp.astype(y, xp.int64) if xp.isdtype(y.dtype, "bool") else y
        for y in (y_true, y_pred)
    ]
    bounds = [to_numpy(xp.stack([xp.min(y), xp.max(y)])).tolist() for y in targets]
    low, high = min(b[0] for b in bounds), max(b[1] for b in bounds)
    name = _exact_key_dtype([low, high])
    keys = [xp.astype(y, getattr(xp, name), copy=False) for y in targets]
    span = (low, high) if name == "float64" else (int(low), int(high))
    return keys, np.dtype(name), span


def _exact_key_dtype(values):
    """The first of int64, uint64 and float64 that holds ``values`` exactly."""
    for name in ("int64", "uint64"):
        info = np.iinfo(name)
        if all(_is_integer(v) and info.min <= v <= info.max for v in values):
            return name
    return "float64"


def _is_integer(value):
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _namespace_encode_union(xp, keys, key_dtype, span):
    """Codes over the union of labels: an offset for small spans, else a sort."""
    n_samples = keys[0].shape[0]
    low, high = span
    if key_dtype.kind in "iu" and high - low < max(_MAX_TABLE_CODES, n_samples):
        codes = [xp.astype(y - low if low else y, xp.int64) for y in keys]
        return np.arange(low, high + 1, dtype=key_dtype), *codes
    values, codes = xp.unique_inverse(xp.concat(keys))
    return to_numpy(values), codes[:n_samples], codes[n_samples:]
