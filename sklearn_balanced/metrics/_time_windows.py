"""Fixed-width time windows: the group key of a timestamp.

A window of width ``w`` from an origin ``o`` holds the times ``t`` with
``floor((t - o) / w) = i``; it is labelled by its start ``o + i * w``. Windows
depend on the origin and the width only, never on the data, so the counts of
batches keyed by their windows merge into those of the whole. The width is a
pandas-style string (``"7D"``, ``"12h"``, ``"30min"``) read without pandas,
as a NumPy ``timedelta64``.
"""

import re

import numpy as np

#: Units of a window, as pandas spells them, and their NumPy unit and multiple.
_UNITS = {
    "W": ("D", 7),
    "D": ("D", 1),
    "h": ("h", 1),
    "H": ("h", 1),
    "min": ("m", 1),
    "T": ("m", 1),
    "s": ("s", 1),
    "S": ("s", 1),
    "ms": ("ms", 1),
    "L": ("ms", 1),
    "us": ("us", 1),
    "U": ("us", 1),
}
_WINDOW = re.compile(r"\s*(\d*)\s*([A-Za-z]+)\s*")
#: The origin of the windows when none is given: the Unix epoch (UTC).
EPOCH = np.datetime64("1970-01-01", "D")


def parse_window(window):
    """The width of a window string as a positive ``timedelta64``.

    Parameters
    ----------
    window : str or numpy.timedelta64
        A whole number of a unit, as pandas writes offsets: ``"1D"``, ``"7D"``,
        ``"2W"``, ``"12h"``, ``"30min"``, ``"10s"``, ``"500ms"``, ``"100us"``
        (the number defaults to 1); or a positive ``timedelta64``.

    Returns
    -------
    width : numpy.timedelta64
        The width, in microseconds or a coarser unit.

    Raises
    ------
    ValueError
        If ``window`` is not such a string or is not positive.

    Examples
    --------
    >>> from sklearn_balanced.metrics._time_windows import parse_window
    >>> [str(parse_window(window)) for window in ("7D", "30min")]
    ['7 days', '30 minutes']
    """
    if isinstance(window, np.timedelta64):
        width = window
    else:
        match = _WINDOW.fullmatch(window) if isinstance(window, str) else None
        if match is None or match.group(2) not in _UNITS:
            raise ValueError(
                "window must be a width such as '1D', '7D', '2W', '12h', '30min', "
                f"'10s', '500ms' or '100us' (units {sorted(_UNITS)}), got {window!r}."
            )
        unit, multiple = _UNITS[match.group(2)]
        width = np.timedelta64(int(match.group(1) or 1) * multiple, unit)
    if np.datetime_data(width.dtype)[0] in ("ns", "ps", "fs", "as", "generic"):
        raise ValueError(
            f"window must be a whole number of microseconds or more, got {window!r}."
        )
    if not width > np.timedelta64(0, "us"):
        raise ValueError(f"window must be a positive width, got {window!r}.")
    return width


def check_origin(origin):
    """The origin of the windows as a ``datetime64`` (the epoch for None)."""
    if origin is None:
        return EPOCH
    try:
        value = np.datetime64(origin)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "origin must be a date and time (a string such as '2024-01-01', a "
            f"datetime or a numpy.datetime64), got {origin!r}."
        ) from exc
    if np.isnat(value):
        raise ValueError("origin must be a date and time, got NaT.")
    return value


def time_windows(time, window, *, origin=None):
    """The start of the fixed-width time window of every timestamp.

    A window of width ``w`` from ``origin`` holds the times ``t`` with
    ``floor((t - origin) / w) = i`` and is labelled by its start
    ``origin + i * w``: ``"7D"`` windows from the default origin (the Unix
    epoch, a Thursday) run Thursday to Wednesday. Pass the result as
    ``groups`` (alone or beside other group columns) to
    :class:`GroupedConfusionCounts` or :func:`balanced_accuracy_by`.

    Parameters
    ----------
    time : array-like of shape (n_samples,)
        Timestamps: ``numpy.datetime64`` values, a pandas datetime Series, or
        anything NumPy converts to ``datetime64``. Time-zone-aware pandas
        Series are converted to UTC first (windows are UTC windows); naive
        times are taken as they are. NaT is an error.
    window : str or numpy.timedelta64
        The width: a whole number of a unit, as pandas writes offsets
        (``"1D"``, ``"7D"``, ``"2W"``, ``"12h"``, ``"30min"``, ``"10s"``,
        ``"500ms"``, ``"100us"``), or a positive ``timedelta64``. Calendar
        widths (months, years) are not fixed and not accepted.
    origin : str, datetime or numpy.datetime64, default=None
        Where the windows start; None means the Unix epoch,
        ``1970-01-01T00:00``. Counts keyed with the same width and origin merge.

    Returns
    -------
    starts : ndarray of shape (n_samples,) of datetime64
        The start of each timestamp's window, in the finer of the units of
        ``time`` and ``window``.

    Raises
    ------
    ValueError
        If ``time`` is not a 1-D array of datetimes or holds NaT, or for an
        invalid ``window`` or ``origin``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics import time_windows
    >>> time = np.array(["2024-01-01T09:00", "2024-01-01T23:59", "2024-01-02T00:00"],
    ...                 dtype="datetime64[m]")
    >>> time_windows(time, "1D")
    array(['2024-01-01T00:00', '2024-01-01T00:00', '2024-01-02T00:00'],
          dtype='datetime64[m]')
    >>> time_windows(time, "12h", origin="2024-01-01T06:00")
    array(['2024-01-01T06:00', '2024-01-01T18:00', '2024-01-01T18:00'],
          dtype='datetime64[m]')
    """
    width = parse_window(window)
    start = check_origin(origin)
    times = _datetimes(time)
    dtype = np.result_type(times.dtype, width.dtype, start.dtype)
    unit = np.timedelta64(1, np.datetime_data(dtype)[0])
    step = int(width / unit)
    offset = (times.astype(dtype) - start.astype(dtype)) // unit
    return start.astype(dtype) + (offset // step * step) * unit


def _datetimes(time):
    """``time`` as a 1-D ``datetime64`` array without NaT (UTC if zone-aware)."""
    dtype = getattr(time, "dtype", None)
    if getattr(dtype, "tz", None) is not None:  # a zone-aware pandas Series
        time = time.dt.tz_convert("UTC").dt.tz_localize(None)
    times = np.asarray(time)
    message = (
        "time must hold dates and times (datetime64 values, or strings and "
        f"datetimes NumPy converts to them), got values of dtype {times.dtype}."
    )
    if times.dtype.kind not in "MOSU":
        raise ValueError(message)
    if times.dtype.kind != "M":
        try:
            times = times.astype("datetime64")
        except (TypeError, ValueError) as exc:
            raise ValueError(message) from exc
    if times.ndim != 1:
        raise ValueError(f"time must be 1-D, got an array of shape {times.shape}.")
    n_nat = int(np.isnat(times).sum())
    if n_nat:
        raise ValueError(
            f"time holds {n_nat} NaT value{'s' if n_nat > 1 else ''}; drop or fill "
            "them first."
        )
    return times
