"""Input validation shared by the metrics and the estimators."""

import math

import numpy as np

#: Weights whose largest value lies in [2**-WEIGHT_RANGE, 2**WEIGHT_RANGE) are
#: summed as given (scores then match scikit-learn's to the last bit): sums of up
#: to 2**63 of them or of their squares stay finite, and only squares of weights
#: over about 1e135 times smaller than the largest underflow. Others are rescaled.
WEIGHT_RANGE = 64
#: The smallest exponent of a unit of weights (``2.0**-MIN_WEIGHT_EXPONENT`` is
#: finite); that of weights which are all zero.
MIN_WEIGHT_EXPONENT = -1021


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


def check_scaled_sample_weight(sample_weight, n_samples, *, allow_all_zero=False):
    """Validate sample weights and bring them to a safe scale by a power of two.

    For every computation that only depends on ratios of sums of weights (a
    recall, a rate, a balanced accuracy, a class prior): the weights are
    divided by the power of two of :func:`weight_exponent`, so that no sum of
    them overflows or underflows whatever their scale, and the ratios are those
    of the weights as given.

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
    weights : ndarray of shape (n_samples,) of float64, or None
        The weights divided by ``2**exponent`` (a new array), or None when
        ``sample_weight`` is None.
    exponent : int
        The exponent of the unit of ``weights``; 0 without weights.

    Raises
    ------
    ValueError
        As :func:`check_sample_weight_nonneg`.

    Examples
    --------
    >>> from sklearn_balanced.utils._validation import check_scaled_sample_weight
    >>> weights, exponent = check_scaled_sample_weight([1e308, 5e307], 2)
    >>> weights.tolist(), exponent
    ([0.5563..., 0.2781...], 1024)
    """
    weights = check_sample_weight_nonneg(
        sample_weight, n_samples, allow_all_zero=allow_all_zero
    )
    if weights is None or not weights.shape[0]:
        return weights, 0
    return scale_weights(np, weights)


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


def scale_weights(xp, weights, largest=None):
    """Bring float64 weights of extreme scale to a safe one, by a power of two.

    Parameters
    ----------
    xp : module
        The weights' namespace (NumPy or an Array API namespace).
    weights : array of shape (n_samples,)
        Validated float64 weights, at least one positive (never modified).
    largest : float, default=None
        The largest weight, when already known.

    Returns
    -------
    weights : array of shape (n_samples,)
        The weights divided by ``2**exponent`` (``weights`` itself when the
        exponent is 0).
    exponent : int
        See ``weight_exponent``.
    """
    exponent = weight_exponent(float(xp.max(weights)) if largest is None else largest)
    if exponent:
        weights = weights * 2.0**-exponent
    return weights, exponent


def weight_exponent(largest):
    """The exponent of the unit in which weights of this largest value are summed.

    0 when the largest weight lies in [2**-64, 2**64): the weights are summed as
    given. Otherwise the exponent brings the largest weight into [0.5, 1), so that
    no sum of weights or of squared weights overflows, nor loses weights to
    underflow, whatever their scale; dividing by a power of two is exact wherever
    the result is a normal float, and the choice only depends on the largest
    weight, so that counts of batches merge into the counts of the whole: it
    grows with the largest weight, and weights that are all zero get the
    smallest exponent, so that the unit of merged counts (the largest of
    theirs) is that of the whole.

    Examples
    --------
    >>> from sklearn_balanced.utils._validation import weight_exponent
    >>> weight_exponent(3.0), weight_exponent(1e300), weight_exponent(0.0)
    (0, 997, -1021)
    """
    if 2.0**-WEIGHT_RANGE <= largest < 2.0**WEIGHT_RANGE:
        return 0
    if largest == 0:
        return MIN_WEIGHT_EXPONENT
    # Bounded below so that 2.0**-exponent is finite.
    return max(math.frexp(largest)[1], MIN_WEIGHT_EXPONENT)
