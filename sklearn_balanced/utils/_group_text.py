"""Group keys as text, as the figures and the tables of the groups write them."""

import numpy as np

#: Longest key of a group or segment name written, in characters; longer ones
#: are cut and end in an ellipsis (so that the other keys stay readable).
MAX_KEY_LENGTH = 30


def key_text(key):
    """A group key as text: time windows as dates, or dates and times.

    A window starting at midnight is written as its date, others to the minute
    (or finer when the minute is not enough).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._group_text import key_text
    >>> key_text(np.datetime64("2024-01-04T00:00:00.000000"))
    '2024-01-04'
    >>> key_text(np.datetime64("2024-01-04T12:00:00.000000"))
    '2024-01-04T12:00'
    >>> key_text("north")
    'north'
    """
    if isinstance(key, np.datetime64) and not np.isnat(key):
        for unit in ("D", "m"):
            if key.astype(f"datetime64[{unit}]") == key:
                return str(np.datetime_as_string(key, unit=unit))
        return str(np.datetime_as_string(key, unit="auto"))
    return str(key)


def group_text(keys):
    """The name of a group or segment: the :func:`key_text` of its keys, joined.

    Keys longer than :data:`MAX_KEY_LENGTH` characters are cut and end in an
    ellipsis.

    Parameters
    ----------
    keys : sequence
        The keys of the group, in key order.

    Returns
    -------
    text : str
        The keys joined with ``", "``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._group_text import group_text
    >>> group_text(("north", 3))
    'north, 3'
    >>> group_text(("x" * 100, np.datetime64("2024-01-04")))
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxx…, 2024-01-04'
    """
    texts = [key_text(key) for key in keys]
    return ", ".join(
        text
        if len(text) <= MAX_KEY_LENGTH
        else text[: MAX_KEY_LENGTH - 1] + "\N{HORIZONTAL ELLIPSIS}"
        for text in texts
    )
