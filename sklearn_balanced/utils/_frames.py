"""Tables of any engine through narwhals: columns checked, queries collected.

The plumbing of counting where the data lives, apart from what is counted: a
frame of any engine narwhals supports (pandas, Polars, PyArrow, DuckDB, PySpark,
Dask, Ibis) as a narwhals lazy frame, its columns checked by name, label,
score and weight columns as the expressions a query groups or sums, and the
small result of a query collected to NumPy arrays, null values reported by
column. Only :mod:`narwhals` is needed (imported on first use); the engine
is whatever the user hands in.
"""

import warnings

import numpy as np

from sklearn_balanced.utils._optional import import_optional

#: DuckDB types of group keys that DuckDB's own NumPy conversion gives as their
#: Arrow form does (dates, decimals and the other types go through Arrow).
_DUCKDB_NUMPY_KEYS = frozenset(
    {
        "BOOLEAN",
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "FLOAT",
        "DOUBLE",
        "VARCHAR",
        "TIMESTAMP",
    }
)


def lazy_frame(frame, caller_name):
    """``frame`` as a narwhals LazyFrame (an eager frame stays in its engine).

    Parameters
    ----------
    frame : object
        A data frame or table of an engine narwhals supports.
    caller_name : str
        The public name that needs narwhals, quoted if it is not installed.

    Returns
    -------
    nw : module
        :mod:`narwhals`.
    lazy : narwhals.LazyFrame
        The frame; its queries run in its engine when collected.

    Raises
    ------
    TypeError
        If narwhals does not support ``frame`` (a Series, a NumPy array, ...).
    """
    nw = import_optional("narwhals", caller_name)
    try:
        with warnings.catch_warnings():
            # narwhals announces that its Dask support moves to another
            # package; nothing the user of these counts can act on yet.
            warnings.filterwarnings(
                "ignore", "Dask support is moving", category=FutureWarning
            )
            wrapped = nw.from_native(frame)
    except TypeError as exc:
        raise TypeError(
            "frame must be a data frame or table narwhals supports (pandas, Polars "
            "DataFrame or LazyFrame, PyArrow Table, DuckDB relation, PySpark, Dask or "
            f"Ibis), got {type(frame).__name__} instead."
        ) from exc
    if isinstance(wrapped, nw.DataFrame):
        return nw, wrapped.lazy()
    return nw, wrapped


def column_dtype(schema, name, argument):
    """The narwhals dtype of the column ``name`` given as ``argument``.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If the frame has no column ``name``.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"{argument} must be the name of a column (a str), got "
            f"{type(name).__name__} instead."
        )
    if name not in schema:
        raise ValueError(
            f"{argument} must name a column of frame: {name!r} is not one of "
            f"{list(schema.names())}."
        )
    return schema[name]


def label_column(nw, schema, name, argument):
    """The expression of a column of labels, which keep their type.

    Categorical and enum columns become their strings (the labels they show).
    """
    dtype = column_dtype(schema, name, argument)
    column = nw.col(name)
    if isinstance(dtype, (nw.Categorical, nw.Enum)):
        return column.cast(nw.String())
    return column


def number_column(nw, schema, name, argument, *, exponent=0):
    """The expression of a numeric (or boolean) column as float64.

    Integers and booleans become float64 as NumPy converts them, decimals
    their nearest float64, and the values are divided by ``2**exponent``
    (exact for float64 results in the normal range: see
    :func:`~sklearn_balanced.utils._validation.weight_exponent`).

    Raises
    ------
    ValueError
        If the column is neither numeric nor boolean.
    """
    dtype = column_dtype(schema, name, argument)
    if not (dtype.is_numeric() or dtype == nw.Boolean):
        raise ValueError(
            f"{argument} must name a numeric column, got column {name!r} of dtype "
            f"{dtype}."
        )
    column = nw.col(name).cast(nw.Float64())
    if exponent:
        column = column * 2.0**-exponent
    return column


def run_query(
    lazy,
    columns,
    keys,
    aggregations,
    *,
    where=None,
    derived=None,
    limit=None,
    order=None,
):
    """Group rows in the frame's engine; the (small) result as an eager frame.

    ``lazy.select(columns).filter(where).with_columns(derived)``, grouped by
    ``keys`` (null keys kept, as a group of their own) and aggregated, at most
    ``limit`` groups, sorted by ``order``.

    Parameters
    ----------
    lazy : narwhals.LazyFrame
        The frame.
    columns : dict
        ``{name: expression}`` of the frame's columns to select.
    keys : list of str
        Names of the selected or derived columns to group by.
    aggregations : list of narwhals.Expr
        Aggregations of the selected columns (each aliased).
    where : narwhals.Expr, default=None
        A filter of the selected columns.
    derived : dict, default=None
        ``{name: expression}`` of columns computed from the selected ones.
    limit : int, default=None
        The most groups to return (any of them, when there are more).
    order : str, default=None
        A key to sort the groups by (after the limit).

    Returns
    -------
    result : dict of str to ndarray
        One row per group: the keys and the aggregations, each column a NumPy
        array (see :func:`collect_columns`).

    Notes
    -----
    Sums past the float64 range come back infinite, without the warning of
    NumPy in engines that add with it (pandas): callers sum such weights
    again, scaled. Engines of eager frames (pandas) run each step at once,
    hence the whole query under ``np.errstate``.
    """
    with np.errstate(over="ignore"):
        query = lazy.select(
            *(expression.alias(name) for name, expression in columns.items())
        )
        if where is not None:
            query = query.filter(where)
        if derived:
            query = query.with_columns(
                *(expression.alias(name) for name, expression in derived.items())
            )
        query = query.group_by(*keys, drop_null_keys=False).agg(*aggregations)
        if limit is not None:
            query = query.head(limit)
        if order is not None:
            query = query.sort(order)
        return collect_columns(query, keys)


def collect_columns(query, keys):
    """Run a narwhals query; its result as NumPy arrays, null values masked.

    A DuckDB result whose ``keys`` are of plain types (numbers, booleans,
    text, timestamps) is fetched by DuckDB straight into NumPy arrays: one
    copy of the result, without Arrow (nor the pandas that Arrow's conversion
    to NumPy imports). Other results are collected by narwhals (for DuckDB,
    through Arrow), their labels keeping their type: integers of their width,
    strings as Python strings, booleans as bool. Columns other than ``keys``
    are taken to hold numbers (counts, sums, extremes).

    Parameters
    ----------
    query : narwhals.LazyFrame
        The query.
    keys : list of str
        Its columns that hold labels (group keys), whose types must survive.

    Returns
    -------
    result : dict of str to ndarray
        Each column of the result, a ``numpy.ma.MaskedArray`` where it holds
        null values.
    """
    native = query.to_native()
    if query.implementation.is_duckdb():
        types = dict(zip(native.columns, map(str, native.types), strict=True))
        if all(types[key] in _DUCKDB_NUMPY_KEYS for key in keys):
            return native.fetchnumpy()
    frame = query.collect()
    return {name: _numpy_column(frame[name]) for name in frame.columns}


def _numpy_column(column):
    """A narwhals Series as a NumPy array of the type of its values, nulls masked.

    Whichever engine (or pandas nullable dtype) held them, strings come back
    as Python strings and booleans as bool.
    """
    values = column.to_numpy()
    if values.dtype.kind == "U":
        values = values.astype(object)
    elif values.dtype.kind == "O" and column.dtype.is_boolean():
        # pandas < 2.2 gives the nullable "boolean" dtype as objects
        values = values.astype(bool)
    nulls = np.asarray(column.is_null().to_numpy(), dtype=bool)
    if nulls.any():
        return np.ma.masked_array(values, mask=nulls)
    return values


def check_no_nulls(result, counts, columns):
    """Raise if a key column of a grouped result holds nulls, saying how many.

    Parameters
    ----------
    result : dict of str to ndarray
        The result of :func:`run_query` (a ``group_by`` that keeps null keys).
    counts : ndarray of shape (n_groups,)
        The number of rows of each group.
    columns : dict
        ``{key: (argument, name)}``: each key column of ``result`` and the
        argument and column of the frame it comes from.

    Raises
    ------
    ValueError
        Naming the argument, the column and its number of null values.
    """
    for key, (argument, name) in columns.items():
        nulls = int(counts[np.ma.getmaskarray(result[key])].sum())
        raise_nulls(argument, name, nulls)


def raise_nulls(argument, name, n_nulls):
    """Raise a ValueError naming the column when it holds null values.

    Examples
    --------
    >>> raise_nulls("y_true", "label", 0)
    >>> raise_nulls("y_true", "label", 3)
    Traceback (most recent call last):
    ...
    ValueError: y_true column 'label' holds 3 null values; drop or fill them first.
    """
    if n_nulls:
        raise ValueError(
            f"{argument} column {name!r} holds {n_nulls} null "
            f"value{'s' if n_nulls > 1 else ''}; drop or fill them first."
        )


def to_numpy(result, key):
    """A column of a result of :func:`run_query` as a plain ndarray.

    The values under the mask of null values stay: check the nulls first.
    """
    return np.ma.getdata(result[key])


def to_float(result, key):
    """A column of sums (or extremes) of a result as float64."""
    return np.asarray(to_numpy(result, key), dtype=np.float64)


def int_counts(result, key):
    """A column of row counts as int64 (engines count in various widths)."""
    return np.asarray(to_numpy(result, key), dtype=np.int64)
