"""Counting in the inputs' own Array API namespace and device.

When ``sklearn.set_config(array_api_dispatch=True)`` is on and the targets are not
NumPy arrays (PyTorch, CuPy, array-api-strict, ...), the per-class counts are
computed where the data lives: no n-sized array is copied to the host, only the
small per-class counts come back.
"""

import numpy as np
from sklearn import get_config

from sklearn_balanced.metrics._counting import ClassCounts, confusion_counts
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


def _as_int(xp, y):
    return xp.astype(y, xp.int64)


def _bincount(xp, codes, weights, minlength):
    """``bincount`` in namespace ``xp``: native when it has one, else sort based."""
    native = getattr(xp, "bincount", None)
    if native is not None:
        return native(codes, weights=weights, minlength=minlength)
    order = xp.argsort(codes)
    sorted_codes = xp.take(codes, order)
    edges = xp.searchsorted(
        sorted_codes, xp.arange(minlength + 1, dtype=codes.dtype, device=codes.device)
    )
    if weights is None:
        return edges[1:] - edges[:-1]
    cumulative = xp.cumulative_sum(xp.take(weights, order), include_initial=True)
    return xp.take(cumulative, edges[1:]) - xp.take(cumulative, edges[:-1])


def _namespace_counts(xp, y_true, y_pred, labels, sample_weight):
    _check_namespace_targets(xp, y_true, y_pred, sample_weight)
    true_codes, pred_codes = _as_int(xp, y_true), _as_int(xp, y_pred)
    if labels is None:
        low = int(xp.min(xp.stack([xp.min(true_codes), xp.min(pred_codes)])))
        high = int(xp.max(xp.stack([xp.max(true_codes), xp.max(pred_codes)])))
        classes = np.arange(low, high + 1)
        n_codes = classes.shape[0]
        true_codes, pred_codes = true_codes - low, pred_codes - low
    else:
        classes = np.asarray(labels)
        if len(set(classes.tolist())) != classes.shape[0] or classes.ndim != 1:
            raise ValueError("labels must be a non-empty 1-D array without duplicates.")
        n_codes = classes.shape[0] + 1
        lookup = xp.asarray(classes, dtype=xp.int64, device=y_true.device)
        order = xp.argsort(lookup)
        sorted_labels = xp.take(lookup, order)
        coded = []
        for codes in (true_codes, pred_codes):
            position = xp.clip(
                xp.searchsorted(sorted_labels, codes), max=classes.shape[0] - 1
            )
            matched = xp.take(sorted_labels, position) == codes
            coded.append(xp.where(matched, xp.take(order, position), classes.shape[0]))
        true_codes, pred_codes = coded
    weights = None
    if sample_weight is not None:
        weights = xp.astype(sample_weight, xp.float64)
    table = _bincount(xp, true_codes * n_codes + pred_codes, weights, n_codes * n_codes)
    matrix = _to_numpy(table).astype(np.float64).reshape(n_codes, n_codes)
    correct, support = np.diagonal(matrix).copy(), matrix.sum(axis=1)
    if labels is not None:
        return ClassCounts(classes, correct[:-1], support[:-1])
    presence = _to_numpy(
        _bincount(xp, true_codes * n_codes + pred_codes, None, n_codes * n_codes)
    )
    presence = presence.reshape(n_codes, n_codes)
    present = (presence.sum(axis=1) > 0) | (presence.sum(axis=0) > 0)
    return ClassCounts(classes[present], correct[present], support[present])
