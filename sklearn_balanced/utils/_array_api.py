"""Counting in the inputs' own Array API namespace and device.

When ``sklearn.set_config(array_api_dispatch=True)`` is on and the targets are not
NumPy arrays (PyTorch, CuPy, array-api-strict, ...), the per-class counts are
computed where the data lives: no n-sized array is copied to the host, only the
small per-class counts come back.
"""

import numpy as np
from sklearn import get_config

from sklearn_balanced.metrics._counting import (
    _MAX_TABLE_CODES,
    ClassCounts,
    confusion_counts,
)
from sklearn_balanced.utils._compat import get_namespace


def class_counts(y_true, y_pred, *, labels=None, sample_weight=None):
    """Per-class counts of any supported input, NumPy or Array API.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Ground truth and predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, as in ``confusion_counts``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    counts : ClassCounts
        Per-class ``(classes, correct, support)`` as NumPy arrays.
    """
    if get_config()["array_api_dispatch"]:
        xp, is_array_api = get_namespace(y_true, y_pred, sample_weight)
        if is_array_api and not _is_numpy(xp):
            return _namespace_counts(xp, y_true, y_pred, labels, sample_weight)
    return confusion_counts(y_true, y_pred, labels=labels, sample_weight=sample_weight)


def _is_numpy(xp):
    return xp.__name__ in {
        "numpy",
        "array_api_compat.numpy",
        "sklearn.externals.array_api_compat.numpy",
    }


def _to_numpy(array):
    """Bring a small array (per-class counts) back to NumPy on the host."""
    if hasattr(array, "__dlpack__"):
        try:
            return np.from_dlpack(array)
        except (BufferError, RuntimeError, TypeError):
            pass
    if hasattr(array, "cpu"):
        return array.cpu().numpy()
    if hasattr(array, "get"):
        return array.get()
    return np.asarray(array)


def _check_namespace_targets(xp, y_true, y_pred, sample_weight):
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an array of shape {y.shape}.")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{y_true.shape[0]}, {y_pred.shape[0]}]"
        )
    if y_true.shape[0] == 0:
        raise ValueError(
            "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum "
            "of 1 sample is required."
        )
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if xp.isdtype(y.dtype, "real floating"):
            if not bool(xp.all(xp.isfinite(y))):
                raise ValueError(f"Input {name} contains NaN or infinity.")
            if not bool(xp.all(y == xp.round(y))):
                raise ValueError(
                    f"Classification metrics can't handle continuous {name} targets."
                )
        elif not xp.isdtype(y.dtype, ("integral", "bool")):
            raise ValueError(f"{name} must hold integer labels, got dtype {y.dtype}.")
    if sample_weight is not None:
        if sample_weight.ndim != 1 or sample_weight.shape[0] != y_true.shape[0]:
            raise ValueError(
                f"sample_weight must be 1-D with {y_true.shape[0]} entries, got shape "
                f"{sample_weight.shape}."
            )
        if not bool(xp.all(xp.isfinite(sample_weight))):
            raise ValueError(
                "sample_weight must be finite, got NaN or infinite values."
            )
        if bool(xp.any(sample_weight < 0)):
            raise ValueError("sample_weight must be non-negative, got negative values.")


def _bincount(xp, codes, weights, minlength):
    """``bincount`` in namespace ``xp``: native when it has one.

    Otherwise each code that occurs is summed on its own (a cumulative sum over
    sorted codes would lose small weights next to large ones).
    """
    native = getattr(xp, "bincount", None)
    if native is not None:
        return native(codes, weights=weights, minlength=minlength)
    counts = np.zeros(minlength, dtype=np.float64 if weights is not None else np.int64)
    for code in _to_numpy(xp.unique_values(codes)).tolist():
        member = codes == code
        if weights is None:
            counts[code] = int(xp.sum(xp.astype(member, xp.int64)))
        else:
            counts[code] = float(xp.sum(xp.where(member, weights, 0.0)))
    return counts


def _namespace_counts(xp, y_true, y_pred, labels, sample_weight):
    if sample_weight is not None:
        sample_weight = xp.asarray(sample_weight, device=y_true.device)
    _check_namespace_targets(xp, y_true, y_pred, sample_weight)
    if labels is None:
        classes, true_codes, pred_codes = _namespace_encode_union(xp, y_true, y_pred)
        n_codes = classes.shape[0]
    else:
        classes = np.asarray(labels)
        if classes.ndim != 1 or len(set(classes.tolist())) != classes.shape[0]:
            raise ValueError("labels must be a non-empty 1-D array without duplicates.")
        true_codes, pred_codes = _namespace_encode_with_labels(
            xp, y_true, y_pred, classes
        )
        n_codes = classes.shape[0] + 1
    weights = None if sample_weight is None else xp.astype(sample_weight, xp.float64)
    correct, support, present = _namespace_count_codes(
        xp, true_codes, pred_codes, n_codes, weights
    )
    if labels is not None:
        return ClassCounts(classes, correct[:-1], support[:-1])
    return ClassCounts(classes[present], correct[present], support[present])


def _namespace_count_codes(xp, true_codes, pred_codes, n_codes, weights):
    """Per-code correct and total weight, and which codes occur at all.

    For a few codes, one ``bincount`` of ``true * n_codes + pred`` (two with
    weights) gives everything; otherwise per-code counts avoid the square table.
    """
    if n_codes <= _MAX_TABLE_CODES:
        codes = true_codes * n_codes + pred_codes
        size = n_codes * n_codes
        table = _to_numpy(_bincount(xp, codes, weights, size)).astype(np.float64)
        table = table.reshape(n_codes, n_codes)
        seen = table
        if weights is not None:
            seen = _to_numpy(_bincount(xp, codes, None, size)).reshape(n_codes, n_codes)
        present = (seen.sum(axis=1) > 0) | (seen.sum(axis=0) > 0)
        return np.diagonal(table).copy(), table.sum(axis=1), present
    support = _to_numpy(_bincount(xp, true_codes, weights, n_codes)).astype(np.float64)
    hits = xp.where(true_codes == pred_codes, true_codes, n_codes)
    correct = _to_numpy(_bincount(xp, hits, weights, n_codes + 1))[:n_codes]
    present = _to_numpy(_bincount(xp, true_codes, None, n_codes)) > 0
    present |= _to_numpy(_bincount(xp, pred_codes, None, n_codes)) > 0
    return correct.astype(np.float64), support, present


def _namespace_encode_union(xp, y_true, y_pred):
    """Codes over the union of labels: an offset for small spans, else a sort."""
    true_codes = xp.astype(y_true, xp.int64, copy=False)
    pred_codes = xp.astype(y_pred, xp.int64, copy=False)
    bounds = xp.stack(
        [xp.min(true_codes), xp.min(pred_codes), xp.max(true_codes), xp.max(pred_codes)]
    )
    low_true, low_pred, high_true, high_pred = _to_numpy(bounds).tolist()
    low, high = min(low_true, low_pred), max(high_true, high_pred)
    if high - low < max(_MAX_TABLE_CODES, y_true.shape[0]):
        if low:
            true_codes, pred_codes = true_codes - low, pred_codes - low
        return np.arange(low, high + 1), true_codes, pred_codes
    values, codes = xp.unique_inverse(xp.concat([true_codes, pred_codes]))
    n_samples = y_true.shape[0]
    return _to_numpy(values), codes[:n_samples], codes[n_samples:]


def _namespace_encode_with_labels(xp, y_true, y_pred, classes):
    """Codes in ``classes`` order; ``len(classes)`` marks labels outside them."""
    lookup = xp.asarray(classes, dtype=xp.int64, device=y_true.device)
    order = xp.argsort(lookup)
    sorted_labels = xp.take(lookup, order)
    other = classes.shape[0]
    codes = []
    for y in (y_true, y_pred):
        y = xp.astype(y, xp.int64)
        position = xp.clip(xp.searchsorted(sorted_labels, y), max=other - 1)
        matched = xp.take(sorted_labels, position) == y
        codes.append(xp.where(matched, xp.take(order, position), other))
    return codes
