"""The one label encoder: classes and integer codes of labels, and the pos_label rule.

Labels of any kind become integer codes (indices into their sorted classes, as
``np.unique(return_inverse=True)`` gives them), fast: small-range integers by an
offset and a ``bincount``, fixed-width strings through one 64-bit key per string,
Python objects through a dict of the distinct ones. Labels of known classes
(``labels=``, an estimator's ``classes_``) get the code of their class, and one
more code for any other label.
"""

from functools import partial
from itertools import chain

import numpy as np

#: Largest range of integer labels encoded by an offset whatever the number of
#: samples (more than the number of samples are sorted otherwise).
MAX_TABLE_CODES = 1 << 6
#: Largest number of bits of the collision-free hash table that maps string hashes
#: to codes (more distinct strings than about 2**(bits / 2) are binary searched).
_MAX_LOOKUP_BITS = 22
#: Number of keys sampled to find most distinct string labels at little cost.
_KEY_SAMPLE = 1 << 14
#: Fixed seed of the string hash's multipliers (results never depend on it).
_HASH_SEED = 20261123
#: Number of strings compared with their class's representative at a time.
_ROWS_PER_CHECK = 1 << 14
#: scikit-learn's sorted labels whose positive class is 1 when pos_label is None.
_DEFAULT_POSITIVE_CLASSES = ([0, 1], [-1, 1], [0], [-1], [1])


def encode(y):
    """The sorted classes of labels and the code (class index) of every label.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels: integers, booleans, floats, fixed-width strings or Python
        objects that sort.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        The sorted distinct labels, of the dtype of ``y``.
    codes : ndarray of shape (n_samples,) of intp
        The index in ``classes`` of each label.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._encode import encode
    >>> encode(np.array([40, -2, 40]))
    (array([-2, 40]), array([1, 0, 1]))
    >>> classes, codes = encode(np.array(["b", "a", "b"], dtype=object))
    >>> classes.tolist(), codes.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    if not y.shape[0]:
        return _unique(y)
    if y.dtype.kind in "iu":
        low, high = int(y.min()), int(y.max())
        if high - low <= y.shape[0] and high <= np.iinfo(np.intp).max:
            shifted = np.subtract(y, low, dtype=np.intp)
            present = np.bincount(shifted, minlength=high - low + 1) > 0
            classes = (np.flatnonzero(present) + low).astype(y.dtype)
            return classes, (np.cumsum(present) - 1)[shifted]
    if y.dtype.kind == "O":
        return _factorise_objects(y)
    if y.dtype.kind == "U":
        classes, codes = _encode_strings(y)
        return classes, codes.astype(np.intp, copy=False)
    return _unique(y)


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
        if span <= max(MAX_TABLE_CODES, y_true.shape[0]) and fits:
            classes = np.arange(low, high + 1)
            classes = classes.astype(np.result_type(y_true.dtype, y_pred.dtype))
            encode = partial(shift_codes, low=low)
            return (
                classes,
                _ChunkCodes(y_true, encode),
                _ChunkCodes(y_pred, encode),
                span,
            )
    if y_true.dtype.kind == "O" or y_pred.dtype.kind == "O":
        classes, true_codes, pred_codes = _factorise_objects(y_true, y_pred)
    elif y_true.dtype.kind == "U":
        classes, true_codes, pred_codes = _encode_strings(y_true, y_pred)
    else:
        classes, true_codes, pred_codes = _unique(y_true, y_pred)
    return classes, true_codes, pred_codes, classes.shape[0]


def _unique(*targets):
    """Classes and per-target codes by one ``np.unique`` over all the targets."""
    classes, codes = np.unique(np.concatenate(targets), return_inverse=True)
    bounds = np.cumsum([y.shape[0] for y in targets])[:-1]
    return classes, *np.split(codes.reshape(-1), bounds)


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

    def codes_into(self, key, out):
        """The codes of ``labels[key]``, written into ``out`` when it is long
        enough (no fresh array for every chunk: see :func:`shift_codes`)."""
        labels = self.labels[key]
        if out.shape[0] < labels.shape[0]:
            return self.encode(labels)
        return self.encode(labels, out=out[: labels.shape[0]])


def shift_codes(chunk, low, out=None):
    """Codes of small-range integer labels: the labels minus the smallest one.

    With ``out`` (of ``intp``), the codes are written there: the counting loops
    reuse one buffer, since a fresh array for every chunk costs page faults
    where large allocations are given back to the system at once (Dask's
    workers set ``MALLOC_TRIM_THRESHOLD_``).
    """
    if out is not None:
        return np.subtract(chunk, low, out=out, dtype=np.intp)
    if low:
        return np.subtract(chunk, low, dtype=np.intp)
    return chunk.astype(np.intp, copy=False)


def codes_in(y, classes):
    """The index of each label in ``classes``; ``len(classes)`` for other labels.

    Labels are compared exactly (strings held as objects with fixed-width
    strings, integers of different signedness as Python integers).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Labels.
    classes : ndarray of shape (n_classes,)
        Distinct known classes, in any order.

    Returns
    -------
    codes : ndarray of shape (n_samples,) of intp
        Codes in ``0 .. len(classes)``: the callers decide what a label of no
        class (code ``len(classes)``) means.

    Raises
    ------
    ValueError
        If the labels cannot be compared with the classes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._encode import codes_in
    >>> codes_in(np.array(["b", "z", "a"]), np.array(["b", "a"])).tolist()
    [0, 2, 1]
    """
    classes, y = comparable_labels(np.asarray(classes), np.asarray(y))
    order = np.argsort(classes, kind="stable")
    return _sorted_codes(y, classes[order], order)


def _sorted_codes(chunk, sorted_classes, order):
    """Codes of labels in ``classes`` order (``len(classes)`` for labels not in it).

    ``sorted_classes`` is ``classes[order]``.
    """
    other = order.shape[0]
    try:
        position = np.searchsorted(sorted_classes, chunk)
    except TypeError as exc:
        raise ValueError(
            "labels must be comparable with the values of y_true and y_pred."
        ) from exc
    np.minimum(position, other - 1, out=position)
    matched = sorted_classes[position] == chunk
    return np.where(matched, order[position], other)


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
    encode = partial(_sorted_codes, sorted_classes=sorted_classes, order=order)
    return _ChunkCodes(y_true, encode), _ChunkCodes(y_pred, encode), order.shape[0] + 1


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
    codes = codes_in(labels, classes)
    found = codes < classes.shape[0]
    return np.minimum(codes, classes.shape[0] - 1), found


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


def default_pos_label(classes):
    """scikit-learn's positive class when no pos_label is given, or None.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The sorted distinct labels of ``y_true``.

    Returns
    -------
    pos_label : int or None
        1 for numeric labels [0, 1], [-1, 1], [0], [-1] or [1]; None for any
        other labels (the caller asks for an explicit pos_label).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._encode import default_pos_label
    >>> default_pos_label(np.array([-1, 1])), default_pos_label(np.array([1, 2]))
    (1, None)
    """
    if classes.dtype.kind in "OUS":
        return None
    return 1 if classes.tolist() in _DEFAULT_POSITIVE_CLASSES else None


def positive_label(classes, pos_label):
    """The positive class among ``classes``, with scikit-learn's pos_label rules.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The sorted distinct labels of ``y_true`` (at most two), or a binary
        estimator's ``classes_``.
    pos_label : int, float, bool, str or None
        The positive class; None means :func:`default_pos_label`.

    Returns
    -------
    pos_label : int, float, bool or str
        The positive class.

    Raises
    ------
    ValueError
        If ``pos_label`` is None and the labels have no default positive class,
        or if ``classes`` holds two labels and ``pos_label`` is neither.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._encode import positive_label
    >>> positive_label(np.array([0, 1]), None)
    1
    >>> positive_label(np.array(["a", "b"]), "a")
    'a'
    """
    if pos_label is None:
        pos_label = default_pos_label(classes)
        if pos_label is None:
            raise ValueError(
                "y_true takes values in "
                f"{classes.tolist()}; pos_label must be given explicitly when the "
                "labels are not {0, 1} or {-1, 1}."
            )
        return pos_label
    if classes.size == 2 and pos_label not in classes.tolist():
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label: it must be one of "
            f"{classes.tolist()}."
        )
    return pos_label


def _encode_strings(*targets):
    """Encode fixed-width string labels through one 64-bit key per string.

    Keys of rows of code points are far cheaper to handle than strings. Short
    strings are packed into their key exactly, in the order of the strings;
    others are hashed, and the hash is checked exactly (every sample equals its
    class's representative string), the strings themselves being sorted on a
    collision.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        The sorted distinct strings of all the targets.
    *codes : ndarray of int32 or intp
        The codes of each target, in the order given (int32 from the lookup
        table of the keys).
    """
    width = max(y.dtype.itemsize for y in targets) // 4
    chars = [_as_char_matrix(y, width) for y in targets]
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
        return _unique(*targets)
    strings = np.ascontiguousarray(representatives).view(f"<U{width}").reshape(-1)
    return _sort_codes(strings, *codes)


def factorise(*targets):
    """The distinct labels of some targets, in order of first occurrence, and codes.

    Each label is hashed once (labels equal as Python objects are one label, the
    first one seen standing for them) and no fixed-width copy is made, so one very
    long label costs its own size only, not its length times the number of labels.

    Parameters
    ----------
    *targets : sequences of hashable labels
        Lists or 1-D arrays of labels.

    Returns
    -------
    distinct : list
        The distinct labels, in order of first occurrence over the targets taken
        one after the other.
    *codes : ndarray of shape (len(target),) of intp, one per target
        The index in ``distinct`` of each label.

    Examples
    --------
    >>> from sklearn_balanced.utils._encode import factorise
    >>> distinct, codes = factorise(["b", "a", "b"])
    >>> distinct, codes.tolist()
    (['b', 'a'], [0, 1, 0])
    """
    distinct = list(dict.fromkeys(chain.from_iterable(targets)))
    index = {label: code for code, label in enumerate(distinct)}
    return distinct, *(
        np.fromiter(map(index.__getitem__, y), dtype=np.intp, count=len(y))
        for y in targets
    )


def _factorise_objects(*targets):
    """Encode labels held as Python objects: :func:`factorise`, then sort."""
    distinct, *codes = factorise(*targets)
    labels = np.empty(len(distinct), dtype=object)
    labels[:] = distinct
    return _sort_codes(labels, *codes)


def _sort_codes(distinct, *codes):
    """Sort the distinct labels and renumber codes to follow that order."""
    order = np.argsort(distinct, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return distinct[order], *(rank[code] for code in codes)


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
    for start in range(0, chars.shape[0], _ROWS_PER_CHECK):
        stop = start + _ROWS_PER_CHECK
        if not (representatives[codes[start:stop]] == chars[start:stop]).all():
            return False
    return True
