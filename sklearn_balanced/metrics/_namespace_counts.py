"""Confusion counts of Array API targets, computed in their namespace and device.

No n-sized array is copied to the host; only the pair counts come back, as the
:class:`~sklearn_balanced.metrics._pair_counts.PairCounts` of the NumPy path.
"""

import numpy as np

from sklearn_balanced.metrics._pair_counts import compact_pairs, dense_fits
from sklearn_balanced.metrics._targets import check_not_empty, check_target_types
from sklearn_balanced.utils._array_api import to_numpy
from sklearn_balanced.utils._encode import MAX_TABLE_CODES
from sklearn_balanced.utils._validation import (
    check_weight_layout,
    check_weight_values,
    scale_weights,
)


def namespace_pairs(xp, y_true, y_pred, sample_weight, squares, allow_all_zero):
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
    if dense_fits(n_codes, y_true.shape[0]):
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
    pairs = compact_pairs(classes, true, pred, counts, square_sums)
    return pairs._replace(exponent=exponent)


def _host(array):
    """A namespace array of counts as a NumPy array of int64 or float64."""
    array = to_numpy(array)
    return array.astype(np.float64 if array.dtype.kind == "f" else np.int64)


def _check_namespace_targets(xp, y_true, y_pred):
    """Check Array API targets, with the messages of the NumPy path."""
    from sklearn.utils import assert_all_finite, check_consistent_length

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
    if key_dtype.kind in "iu" and high - low < max(MAX_TABLE_CODES, n_samples):
        codes = [xp.astype(y - low if low else y, xp.int64) for y in keys]
        return np.arange(low, high + 1, dtype=key_dtype), *codes
    values, codes = xp.unique_inverse(xp.concat(keys))
    return to_numpy(values), codes[:n_samples], codes[n_samples:]
