"""What the threshold search and the offset search share.

The validation of their per-fold inputs and of floors on the recall of classes,
the mean of per-fold rates over the folds that define them, and the error
raised when constraints cannot be met.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.utils import check_array, check_consistent_length, column_or_1d

from sklearn_balanced.utils._dask import any_dask
from sklearn_balanced.utils._validation import check_scaled_sample_weight


class _InfeasibleError(ValueError):
    """The constraints of a search cannot be met (or, multiclass, were not)."""


def _check_folds(y_true, y_score, sample_weight, *, score_ndim):
    """Validate per-fold labels, scores and weights given for one or several folds.

    Several folds are given as a list or tuple of per-fold labels (each itself
    array-like), with scores and weights in lists of the same length.
    """
    several = isinstance(y_true, list | tuple) and (
        len(y_true) == 0 or np.ndim(y_true[0]) > 0
    )
    if several and len(y_true) == 0:
        raise ValueError("y_true must contain at least one fold.")
    labels = list(y_true) if several else [y_true]
    scores = list(y_score) if several else [y_score]
    if sample_weight is None:
        weights = [None] * len(labels)
    else:
        weights = list(sample_weight) if several else [sample_weight]
    if not len(labels) == len(scores) == len(weights):
        raise ValueError(
            "y_true, y_score and sample_weight must hold the same number of folds, "
            f"got {len(labels)}, {len(scores)} and {len(weights)}."
        )
    checked = []
    for fold_labels, fold_scores, fold_weight in zip(
        labels, scores, weights, strict=True
    ):
        if any_dask(fold_labels, fold_scores, fold_weight):
            raise ValueError(
                "Dask collections are taken for one fold of binary scores only "
                "(tune_threshold(y_true, y_score)): give several folds, and "
                "multiclass scores, as NumPy arrays."
            )
        fold_scores = check_array(
            fold_scores,
            ensure_2d=score_ndim == 2,
            dtype=np.float64,
            input_name="y_score",
        )
        if fold_scores.ndim != score_ndim:
            raise ValueError(
                f"y_score must hold {score_ndim}-D arrays, got shape "
                f"{fold_scores.shape}."
            )
        fold_labels = column_or_1d(fold_labels)
        check_consistent_length(fold_labels, fold_scores)
        # Only ratios of sums of weights matter: a power of two keeps them safe.
        fold_weight, _ = check_scaled_sample_weight(fold_weight, fold_labels.shape[0])
        checked.append((fold_labels, fold_scores, fold_weight))
    return checked


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_min_recall(min_recall, labels):
    """``{class code: floor}`` from ``min_recall`` given as ``{label: floor}``."""
    if min_recall is None:
        return {}
    if not isinstance(min_recall, Mapping):
        raise ValueError(
            "min_recall must be a dict {label: floor} or None, got "
            f"{type(min_recall).__name__}."
        )
    labels = np.asarray(labels).tolist()
    unknown = [key for key in min_recall if key not in labels]
    if unknown:
        raise ValueError(
            f"min_recall has keys {unknown} that are not classes; the classes are "
            f"{labels}."
        )
    floors = {}
    for key, floor in min_recall.items():
        if not _is_number(floor) or not 0 <= floor <= 1:
            raise ValueError(
                f"min_recall[{key!r}] must be a number in [0, 1], got {floor!r}."
            )
        floors[labels.index(key)] = float(floor)
    return floors


def _nanmean_rows(values):
    """Column means of a 2-D array over its non-NaN entries (NaN if none)."""
    if values.shape[0] == 1:
        return values[0]
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        return np.where(defined, values, 0.0).sum(axis=0) / defined.sum(axis=0)
