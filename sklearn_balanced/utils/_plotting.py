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


def plain_text(value):
    r"""``str(value)`` escaped so that matplotlib draws it as it is, never as mathtext.

    matplotlib parses a text holding two unescaped ``$`` as mathtext, so a class
    label such as ``$x$`` would be drawn as an italic x and one such as
    ``$\frac$`` would fail to draw. Every ``$`` is escaped as ``\$``, which
    matplotlib draws as ``$``; no other character starts mathtext. Escape the
    data (labels, class, model and column names) where it is put in a text, and
    only there, so that it is escaped once.

    Examples
    --------
    >>> from sklearn_balanced.utils._plotting import plain_text
    >>> print(plain_text("$x$"), plain_text(1.5))
    \$x\$ 1.5
    """
    return str(value).replace("$", r"\$")


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


def score_text(value):
    """A score as text, to 4 decimals, as the tables and figures of the CLI write it.

    Examples
    --------
    >>> from sklearn_balanced.utils._plotting import score_text
    >>> score_text(0.78786)
    '0.7879'
    """
    return f"{value:.4f}"


def difference_text(value):
    """A difference of scores as text, to 4 decimals, with its sign.

    Examples
    --------
    >>> from sklearn_balanced.utils._plotting import difference_text
    >>> difference_text(0.04216), difference_text(-0.5)
    ('+0.0422', '-0.5000')
    """
    return f"{value:+.4f}"
