"""Drawing helpers shared by the Displays (matplotlib is imported lazily)."""

import numpy as np

from sklearn_balanced.utils._optional import check_matplotlib


def prepare_axes(ax, caller_name):
    """Return ``(ax, figure)``, creating both when ``ax`` is None."""
    plt = check_matplotlib(caller_name)
    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


def step_abscissa(thresholds):
    """x values and index order to draw a threshold curve with ``steps-pre``.

    The finite thresholds are put in increasing order. When the curve starts
    with ``inf`` (the "every sample negative" rule), one more point is added to
    their right, carrying that value, so that its step is drawn too.
    """
    finite = np.flatnonzero(np.isfinite(thresholds))[::-1]
    if finite.size == 0:
        raise ValueError("thresholds must contain at least one finite value.")
    if not np.isinf(thresholds[0]):
        return thresholds[finite], finite
    low, high = thresholds[finite[0]], thresholds[finite[-1]]
    margin = 0.05 * (high - low) if high > low else 0.05 * max(abs(high), 1.0)
    x = np.r_[thresholds[finite], high + margin]
    return x, np.r_[finite, 0]


def count_text(value):
    """A count or total weight as text: whole numbers in full, others to 6 digits.

    Examples
    --------
    >>> from sklearn_balanced.utils._plotting import count_text
    >>> count_text(123456789.0), count_text(0.29 * 100), count_text(2.5)
    ('123456789', '29', '2.5')
    """
    if abs(value) < 1e15:
        whole = round(value)
        if abs(value - whole) <= 1e-9 * max(abs(value), 1.0):
            return f"{whole:.0f}"
    return f"{value:.6g}"
