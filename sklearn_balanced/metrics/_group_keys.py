"""Group keys: the key columns of every sample, and the codes of their groups.

Groups are the distinct combinations of one or more key columns (numbers,
strings, booleans, datetimes or other sortable objects), sorted column after
column; each sample gets the index of its group, for the counts of
:mod:`sklearn_balanced.metrics._grouped_pairs`.
"""

import numpy as np

from sklearn_balanced.utils._encode import encode


def group_columns(groups, n_samples):
    """The key columns of ``groups``, as a list of 1-D arrays of ``n_samples``.

    Raises
    ------
    ValueError
        If a column is not 1-D or not of ``n_samples`` entries.
    """
    if hasattr(groups, "columns") and hasattr(groups, "iloc"):  # a data frame
        columns = [np.asarray(groups.iloc[:, i]) for i in range(groups.shape[1])]
    else:
        columns = [np.asarray(column) for column in key_collections(groups)]
        if len(columns) == 1 and columns[0].ndim == 2:
            columns = list(columns[0].T)
    for column in columns:
        if column.ndim != 1 or column.shape[0] != n_samples:
            raise ValueError(
                f"groups must hold one key per sample ({n_samples}) in each of its "
                f"columns, got a column of shape {column.shape}."
            )
    if not columns:
        raise ValueError("groups must hold at least one key column.")
    return columns


def key_collections(groups):
    """``groups`` as a list of key columns, not converted (Dask ones stay Dask).

    A list or tuple of sequences is several columns; anything else is one
    column (a list of keys, an array, a series, a data frame).
    """
    if (
        isinstance(groups, (list, tuple))
        and groups
        and all(
            hasattr(column, "__len__") and not isinstance(column, (str, bytes))
            for column in groups
        )
    ):
        return list(groups)
    return [groups]


def encode_groups(columns):
    """The sorted distinct groups of key columns, and the group code of every row.

    Returns
    -------
    keys : tuple of ndarray of shape (n_groups,)
        One array per column, groups sorted column after column.
    codes : ndarray of shape (n_samples,) of intp
        The index of each row's group.
    """
    encoded = [_encode_keys(column) for column in columns]
    if len(encoded) == 1:
        classes, codes = encoded[0]
        return (classes,), np.asarray(codes, dtype=np.intp)
    sizes = [classes.shape[0] for classes, _ in encoded]
    if float(np.prod(sizes, dtype=np.float64)) < 2.0**62:
        combined = np.zeros(columns[0].shape[0], dtype=np.int64)
        for (_, codes), size in zip(encoded, sizes, strict=True):
            combined *= size
            combined += codes
        distinct, codes = np.unique(combined, return_inverse=True)
        parts = []
        for size in reversed(sizes):
            distinct, part = np.divmod(distinct, size)
            parts.append(part)
        parts.reverse()
    else:
        rows = np.column_stack([codes for _, codes in encoded])
        distinct, codes = np.unique(rows, axis=0, return_inverse=True)
        parts = list(distinct.T)
    keys = tuple(
        classes[part] for (classes, _), part in zip(encoded, parts, strict=True)
    )
    return keys, np.asarray(codes, dtype=np.intp).reshape(-1)


def _encode_keys(column):
    """:func:`encode` of one key column, with an error naming ``groups``.

    NaN and NaT are no keys: they equal no key, themselves included, so their
    groups could be neither merged nor looked up.
    """
    if column.dtype.kind in "fc":
        missing = np.isnan(column)
    elif column.dtype.kind in "mM":
        missing = np.isnat(column)
    elif column.dtype.kind == "O":
        missing = np.asarray(column != column, dtype=bool)
    else:
        missing = None
    if missing is not None and missing.any():
        raise ValueError(
            f"groups must hold no NaN (or NaT) keys, got {int(missing.sum())}; drop "
            "or fill them first."
        )
    try:
        return encode(column)
    except TypeError as exc:
        kinds = sorted({type(key).__name__ for key in column.tolist()})
        raise ValueError(
            "groups must hold keys that sort together (numbers, strings, booleans "
            f"or datetimes, one kind per column), got a column of {kinds}."
        ) from exc
