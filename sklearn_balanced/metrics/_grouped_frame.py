"""The grouped confusion counts of a table, counted by its engine.

One ``group_by(*by, window, y_true, y_pred)`` runs where the data lives
(:class:`~sklearn_balanced.metrics._frame_counts.FrameQuery`): the ``by``
columns are keys as they are, and a time column's window (see
:func:`~sklearn_balanced.metrics.time_windows`) is an expression of it computed
in the engine, its index from the origin. Only the counts of the groups come
back, and they are counted as those of arrays, the groups playing the part of
samples (:func:`~sklearn_balanced.metrics._grouped_pairs.count_groups`).
"""

import numpy as np

from sklearn_balanced.metrics._frame_counts import confusion_query
from sklearn_balanced.metrics._group_keys import encode_groups
from sklearn_balanced.metrics._grouped_pairs import count_groups
from sklearn_balanced.metrics._time_windows import EPOCH, check_origin, parse_window
from sklearn_balanced.utils._frames import column_dtype, to_numpy

#: The name of the window key inside the query.
_WINDOW = "window"
#: Engines whose ``total_microseconds`` (DuckDB's ``epoch_us``) also takes
#: datetimes: their microseconds from the epoch, floored (nanosecond times too),
#: an integer, cheaper than any difference of datetimes (an interval in DuckDB).
_EPOCH_ENGINES = {"duckdb"}
#: Engines that take the difference of two datetimes in microseconds exactly (a
#: cheaper window key than the parts of the datetimes, which Spark and Ibis take).
_DIFFERENCE_ENGINES = {"pyarrow", "polars"}
#: Engines that give datetimes as integer microseconds from the epoch: narwhals
#: takes their differences through float seconds, often a microsecond off.
_TIMESTAMP_ENGINES = {"pandas", "modin", "cudf", "dask"}
#: Names of UTC: columns in it are windowed as they are. DuckDB gives its
#: time-zone-aware columns the zone of the connection (often "Etc/UTC"), and
#: converts them to no other zone.
_UTC_ZONES = {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}
#: Leap days of the years 1 to 1969 (proleptic Gregorian calendar).
_LEAP_DAYS_TO_1970 = 1969 // 4 - 1969 // 100 + 1969 // 400


def frame_grouped_pairs(frame, y_true, y_pred, by, time, window, origin, sample_weight):
    """The grouped counts of a frame's columns, counted by its engine.

    See :meth:`GroupedConfusionCounts.from_frame` for the parameters.

    Returns
    -------
    state : GroupedPairs
        Those of ``GroupedConfusionCounts().update`` of the columns as arrays
        (the time column keyed by :func:`time_windows`).
    """
    by = [by] if isinstance(by, str) else list(by or [])
    if not by and time is None:
        raise ValueError("Give by (group columns), time (with window), or both.")
    if (time is None) != (window is None):
        raise ValueError("time and window go together: give both or neither.")
    query = confusion_query(
        frame, "GroupedConfusionCounts.from_frame", y_true, y_pred, sample_weight
    )
    group_keys = [f"group_{index}" for index in range(len(by))]
    for key, name in zip(group_keys, by, strict=True):
        query.add_key(key, "by", name)
    if time is not None:
        width = parse_window(window)
        start = check_origin(origin)
        query.add_key(_WINDOW, "time", time, _window_key(query, time, start, width))
        group_keys.append(_WINDOW)
    result, true, pred, amounts, squares = query.confusion_groups(group_keys)
    columns = [to_numpy(result, key) for key in group_keys]
    if time is not None:
        columns[-1] = _window_starts(columns[-1], start, width)
    keys, codes = encode_groups(columns)
    return count_groups(keys, codes, true, pred, amounts, squares, query.exponent)


def _window_starts(index, start, width):
    """The starts of the windows of (float) index ``index``, as ``datetime64[us]``."""
    micros = int(width / np.timedelta64(1, "us"))
    return start.astype("datetime64[us]") + index.astype(np.int64) * np.timedelta64(
        micros, "us"
    )


def _window_key(query, time, start, width):
    """The expression of the window index of a datetime column, in the engine."""
    nw = query.nw
    dtype = column_dtype(query.schema, time, "time")
    column = nw.col(time)
    if isinstance(dtype, nw.Date):
        column = column.cast(nw.Datetime("us"))
    elif not isinstance(dtype, nw.Datetime):
        raise ValueError(
            f"time must name a datetime column, got column {time!r} of dtype {dtype}."
        )
    elif dtype.time_zone is not None:
        if dtype.time_zone not in _UTC_ZONES:
            column = column.dt.convert_time_zone("UTC")
        column = column.dt.replace_time_zone(None)
    micros = int(width / np.timedelta64(1, "us"))
    engine = query.lazy.implementation.value
    if engine in _DIFFERENCE_ENGINES:
        origin = start.astype("datetime64[us]").astype(object)  # a datetime
        offset = (column - nw.lit(origin)).dt.total_microseconds()
    else:
        origin = int((start - EPOCH) // np.timedelta64(1, "us"))
        if engine in _EPOCH_ENGINES:
            offset = column.dt.total_microseconds() - origin
        elif engine in _TIMESTAMP_ENGINES:
            offset = column.dt.timestamp("us") - origin
        else:
            offset = _epoch_microseconds(nw, column) - origin
    # A float quotient floored: cheaper in engines than an integer floor
    # division (which narwhals spells as cases), and exact while the offsets
    # stay below 2**52 microseconds (142 years). Not cast to integers in the
    # engine: pandas holds null times as NaN, which a cast would reject before
    # the null check names the column.
    return (offset / float(micros)).floor()


def _epoch_microseconds(nw, column):
    """Microseconds from the Unix epoch to naive datetimes, from their parts.

    Every engine narwhals reaches takes the parts of a datetime (Spark and
    Ibis have no difference of datetimes in narwhals), and the proleptic
    Gregorian day number of a date is arithmetic on them; in float64, exact
    (below 2**53 microseconds) from about 1685 to 2255.
    """

    def part(name):
        return getattr(column.dt, name)().cast(nw.Float64())

    before = part("year") - 1  # leap days up to the year, less those to 1970
    days = (
        (before - 1969) * 365
        + ((before // 4) - (before // 100) + (before // 400) - _LEAP_DAYS_TO_1970)
        + part("ordinal_day")
        - 1
    )
    seconds = ((days * 24 + part("hour")) * 60 + part("minute")) * 60
    return (seconds + part("second")) * 1_000_000 + part("microsecond")
