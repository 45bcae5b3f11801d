"""Types of command line options: each value checked when the line is parsed."""

import argparse
import math

#: The largest seed NumPy's and scikit-learn's random states accept.
MAX_SEED = 2**32 - 1


def seed(text):
    """A ``--random-state`` value: an integer from 0 to 2**32 - 1.

    Examples
    --------
    >>> from sklearn_balanced._cli._options import seed
    >>> seed("42")
    42
    """
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected an integer from 0 to {MAX_SEED}; got {text!r}"
        )
    return value


def open_probability(text):
    """A ``--confidence`` value: a number strictly between 0 and 1.

    Examples
    --------
    >>> from sklearn_balanced._cli._options import open_probability
    >>> open_probability("0.9")
    0.9
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1 (both excluded); got {text!r}"
        )
    return value


def positive_int(text):
    """A ``--threads`` value: a positive integer.

    Examples
    --------
    >>> from sklearn_balanced._cli._options import positive_int
    >>> positive_int("2")
    2
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}")
    return value
