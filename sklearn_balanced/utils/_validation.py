"""Input validation shared by the metrics and the estimators."""

import numbers

import numpy as np


def check_sample_weight_nonneg(sample_weight, n_samples):
    """Validate sample weights for a score or a fit.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        The weights to check.

    n_samples : int
        The number of samples the weights must match.

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
    if weights.ndim != 1:
        raise ValueError(
            "sample_weight must be a 1-D array-like, got an array of shape "
            f"{weights.shape}."
        )
    if weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {weights.shape[0]} entries but there are "
            f"{n_samples} samples."
        )
    if weights.dtype.kind not in "biuf":
        raise ValueError(
            f"sample_weight must be numeric, got an array of dtype {weights.dtype}."
        )
    weights = weights.astype(np.float64)
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight must be finite, got NaN or infinite values.")
    if (weights < 0).any():
        raise ValueError("sample_weight must be non-negative, got negative values.")
    if n_samples and not weights.any():
        raise ValueError(
            "sample_weight must contain at least one positive weight; all weights "
            "are zero."
        )
    return weights


def check_zero_division(zero_division):
    """Validate the ``zero_division`` option of the balanced accuracy scores.

    Parameters
    ----------
    zero_division : {"warn"} or float
        ``"warn"``, a real number in [0, 1], or ``np.nan``.

    Returns
    -------
    zero_division : {"warn"} or float
        The validated option, numbers converted to float.

    Raises
    ------
    ValueError
        If ``zero_division`` is none of the accepted values.
    """
    if isinstance(zero_division, str) and zero_division == "warn":
        return zero_division
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        value = float(zero_division)
        if np.isnan(value) or 0.0 <= value <= 1.0:
            return value
    raise ValueError(
        "zero_division must be 'warn', a float in [0, 1] or np.nan, got "
        f"{zero_division!r}."
    )
