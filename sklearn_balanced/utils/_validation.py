"""Input validation shared by the metrics and the estimators."""

import math

import numpy as np


def check_sample_weight_nonneg(sample_weight, n_samples, *, allow_all_zero=False):
    """Validate sample weights for a score or a fit.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        The weights to check.

    n_samples : int
        The number of samples the weights must match.

    allow_all_zero : bool, default=False
        Accept weights that are all zero (a part of a larger set of samples).

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,) of float64, or None
        The weights as a float64 array (a new array: the input is never modified),
        or None when ``sample_weight`` is None.

    Raises
    ------
    ValueError
        If the weights are not one-dimensional, do not have ``n_samples`` entries,
        are not numeric, contain negative, NaN or infinite values, or are all zero.
    """
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    check_weight_layout(
        weights.shape, weights.dtype, n_samples, numeric=weights.dtype.kind in "biuf"
    )
    weights = weights.astype(np.float64)
    check_weight_values(np, weights, allow_all_zero=allow_all_zero)
    return weights


def check_weight_layout(shape, dtype, n_samples, *, numeric):
    """Check the shape and dtype of sample weights, in any array namespace.

    Parameters
    ----------
    shape : tuple of int
        Shape of the weights.
    dtype : object
        Their dtype (only shown in the message).
    n_samples : int
        The number of samples the weights must match.
    numeric : bool
        Whether the dtype is boolean, integral or real floating.

    Raises
    ------
    ValueError
        If the weights are not 1-D, do not have ``n_samples`` entries or are not
        numeric.
    """
    if len(shape) != 1:
        raise ValueError(
            f"sample_weight must be a 1-D array-like, got an array of shape {shape}."
        )
    if shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {shape[0]} entries but there are {n_samples} samples."
        )
    if not numeric:
        raise ValueError(
            f"sample_weight must be numeric, got an array of dtype {dtype}."
        )


def check_weight_values(xp, weights, *, allow_all_zero=False):
    """Check that float sample weights are finite, non-negative and not all zero.

    Two reductions (the smallest and the largest weight) make every check: NaN
    propagates through both, so no boolean temporary of the size of the weights is
    made.

    Parameters
    ----------
    xp : module
        The weights' array namespace (NumPy or an Array API namespace).
    weights : array of shape (n_samples,)
        Floating-point weights.
    allow_all_zero : bool, default=False
        Accept weights that are all zero (a part of a larger set of samples).

    Returns
    -------
    smallest, largest : float
        The smallest and largest weight (both 0.0 when there is none), which the
        counting code uses to scale the weights and to spot zero weights.

    Raises
    ------
    ValueError
        If a weight is NaN, infinite or negative, or if every weight is zero
        (unless allowed).
    """
    if not weights.shape[0]:
        return 0.0, 0.0
    smallest, largest = float(xp.min(weights)), float(xp.max(weights))
    if not (math.isfinite(smallest) and math.isfinite(largest)):
        raise ValueError("sample_weight must be finite, got NaN or infinite values.")
    if smallest < 0:
        raise ValueError("sample_weight must be non-negative, got negative values.")
    if largest == 0 and not allow_all_zero:
        raise ValueError(
            "sample_weight must contain at least one positive weight; all weights "
            "are zero."
        )
    return smallest, largest
