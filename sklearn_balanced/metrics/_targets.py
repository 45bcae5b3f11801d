"""Validation of classification targets, labels and confusion matrices.

The checks of scikit-learn's metrics, with the same exception types and messages,
and a fast path for clean 1-D NumPy labels that needs none of them.
"""

import numpy as np


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
    from sklearn.utils import check_consistent_length, column_or_1d
    from sklearn.utils.multiclass import type_of_target, unique_labels

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
    >>> from sklearn_balanced.metrics._targets import check_confusion_matrix
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
