"""Dask collections: detect them without importing Dask, and reduce them in a tree.

Every statistic of this package is mergeable (counts add up), so a Dask input is
handled the same way everywhere: compute the statistic of each block where the
block lives, then merge the blocks' statistics in a tree, by
:func:`dask.array.reduction` over a Dask array holding one statistic (a Python
object) per block. Only the small statistics travel; nothing of the size of the
data reaches the client. Results with one row per sample (predictions) are
mapped over the row blocks lazily.
"""

import math
import sys
from functools import partial, reduce

import numpy as np

from sklearn_balanced.utils._optional import import_optional


def is_dask_collection(obj):
    """Whether ``obj`` is a Dask collection (array, series, data frame, ...).

    Dask is not imported: an object whose type comes from Dask means Dask is
    already imported, and anything else is not a Dask collection.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._dask import is_dask_collection
    >>> is_dask_collection(np.arange(3))
    False
    """
    if not type(obj).__module__.startswith("dask"):
        return False
    dask = sys.modules.get("dask")
    return dask is not None and dask.is_dask_collection(obj)


def any_dask(*objects):
    """Whether any of ``objects`` (None allowed) is a Dask collection of samples.

    A zero-dimensional Dask array is not one: it holds a single value, so the
    NumPy code path computes it and rejects it as it rejects a NumPy scalar.
    """
    return any(is_dask_collection(obj) and obj.ndim > 0 for obj in objects)


def as_dask_arrays(*collections, caller_name):
    """The collections as Dask arrays of aligned row blocks.

    Dask data frames and series become arrays with known chunk sizes (a
    single-column frame becomes one-dimensional); NumPy arrays and array-likes
    are wrapped; every array is rechunked along its rows to the row blocks of the
    first Dask collection. ``None`` stays ``None``.

    Parameters
    ----------
    *collections : Dask collection, array-like or None
        Row-aligned inputs (same number of rows).
    caller_name : str
        The public function asking, named in the error when Dask is absent.

    Returns
    -------
    arrays : list of dask.array.Array or None

    Raises
    ------
    TypeError
        If an array is zero-dimensional (as scikit-learn's checks raise).
    ValueError
        If an array has unknown chunk sizes, or the collections do not have the
        same number of rows.
    """
    da = import_optional("dask.array", caller_name)
    arrays = [None if c is None else _as_dask_array(da, c) for c in collections]
    present = [a for a in arrays if a is not None]
    if any(a.ndim == 0 for a in present):
        raise TypeError(
            "Input should have at least 1 dimension i.e. satisfy `len(x.shape) > 0`, "
            "got a zero-dimensional array instead."
        )
    if any(math.isnan(size) for a in present for size in a.chunks[0]):
        raise ValueError(
            "A Dask array with unknown chunk sizes was passed; call its "
            "compute_chunk_sizes() method first, or pass the Dask data frame itself."
        )
    lengths = [a.shape[0] for a in present]
    if len(set(lengths)) > 1:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"{[int(n) for n in lengths]}"
        )
    reference = next(
        a for a, c in zip(arrays, collections, strict=True) if is_dask_collection(c)
    )
    rows = reference.chunks[0]
    return [
        None if a is None else a.rechunk({0: rows} if a.ndim == 1 else {0: rows, 1: -1})
        for a in arrays
    ]


def _as_dask_array(da, collection):
    if not is_dask_collection(collection):
        return da.from_array(np.asarray(collection))
    if not hasattr(collection, "to_dask_array"):
        return collection
    array = _with_numpy_dtypes(collection).to_dask_array(lengths=True)
    return array[:, 0] if array.ndim == 2 and array.shape[1] == 1 else array


def as_row_blocks(collection, *, lengths=False):
    """A two-dimensional Dask collection as a Dask array, for block-wise work.

    Parameters
    ----------
    collection : dask.array.Array or dask.dataframe.DataFrame
        Samples in rows.
    lengths : bool, default=False
        Whether to compute the number of rows of each partition of a data frame
        (one pass over it); otherwise its blocks have unknown sizes.

    Returns
    -------
    array : dask.array.Array
        The same rows.
    """
    if hasattr(collection, "to_dask_array"):
        return _with_numpy_dtypes(collection).to_dask_array(lengths=lengths or None)
    return collection


def _with_numpy_dtypes(collection):
    """A Dask data frame or series whose partitions hold NumPy dtypes only.

    Columns of pandas' nullable dtypes (``Int64``, ``Float64``, ``boolean``,
    ...) become their NumPy dtype in the partitions without a missing value,
    and float64 with NaN for ``<NA>`` in the others, as scikit-learn reads
    them: its checks then accept or reject each partition as they do the same
    pandas data. Other collections are returned unchanged.
    """
    from dask.dataframe.utils import make_meta

    meta = make_meta(collection)
    dtypes = [meta.dtype] if meta.ndim == 1 else list(meta.dtypes)
    if not any(_numpy_counterpart(dtype) is not None for dtype in dtypes):
        return collection
    return collection.map_partitions(_numpy_partition, meta=_numpy_partition(meta))


def _numpy_counterpart(dtype):
    """The NumPy dtype of a nullable pandas dtype; None for any other dtype."""
    if isinstance(dtype, np.dtype):
        return None
    return getattr(dtype, "numpy_dtype", None)


def _numpy_partition(part):
    """A pandas partition with its nullable columns as NumPy columns."""
    if part.ndim == 1:
        return _numpy_column(part)
    import pandas as pd

    columns = [_numpy_column(part.iloc[:, i]) for i in range(part.shape[1])]
    return pd.concat(columns, axis=1)


def _numpy_column(column):
    counterpart = _numpy_counterpart(column.dtype)
    if counterpart is None:
        return column
    return column.astype(np.float64 if column.hasnans else counterpart)


def empty_rows(collection):
    """A NumPy array or pandas frame like the rows of a Dask collection, with none.

    It has the columns, dtypes and column names of the collection, so that
    validating it checks the collection's layout without computing anything.

    Parameters
    ----------
    collection : dask.array.Array, dask.dataframe.DataFrame or array-like
        Samples in rows.

    Returns
    -------
    empty : ndarray or pandas.DataFrame
        Zero rows.
    """
    if hasattr(collection, "to_dask_array"):
        from dask.dataframe.utils import make_meta

        return make_meta(collection)
    if not is_dask_collection(collection):
        collection = np.asarray(collection)
    return np.empty((0, *collection.shape[1:]), dtype=collection.dtype)


def map_row_blocks(function, array, meta):
    """Apply ``function`` to the row blocks of a Dask array, lazily.

    Parameters
    ----------
    function : callable
        Maps a NumPy block of rows to a result with one row per input row.
    array : dask.array.Array of shape (n_samples, n_columns)
        Input with one block along its columns.
    meta : ndarray of shape (0,) or (0, n_outputs)
        ``function`` of zero rows: the dtype and width of the result.

    Returns
    -------
    result : dask.array.Array of shape (n_samples,) or (n_samples, n_outputs)
        Computed block by block, with the row chunks of ``array``.
    """
    if meta.ndim == 1:
        return array.map_blocks(function, drop_axis=1, meta=meta)
    return array.map_blocks(
        function, chunks=(array.chunks[0], meta.shape[1:]), meta=meta
    )


def map_reduce(function, combine, *arrays, split_every=8):
    """Apply ``function`` to aligned row blocks and merge the results in a tree.

    The statistics of the blocks form a Dask array of objects (one per block),
    which :func:`dask.array.reduction` merges in a tree of at most
    ``split_every`` statistics per task: Dask's own tasks, named
    ``merge-statistics`` on the dashboard.

    Parameters
    ----------
    function : callable
        Called as ``function(*blocks)`` on NumPy blocks (``None`` for a ``None``
        array); returns a mergeable statistic.
    combine : callable
        Merges two statistics into one, the first one's rows before the
        second's; it must be associative.
    *arrays : dask.array.Array or None
        Inputs with the same row blocks (see :func:`as_dask_arrays`), of one or
        two dimensions (then with one block along the columns).
    split_every : int, default=8
        How many statistics one task of the tree merges at most.

    Returns
    -------
    statistic : object
        The statistic of all rows, computed with the current Dask scheduler (a
        ``distributed.Client`` when one is active).

    """
    import dask.array as da

    indexed = []
    for array in arrays:
        indexed += [None, None] if array is None else [array, "ij"[: array.ndim]]
    statistics = da.blockwise(
        _boxed_rows,
        "i",
        function,
        None,
        *indexed,
        adjust_chunks={"i": 1},
        # a list of the column blocks of a two-dimensional array, not a copy
        # of them concatenated (there is one)
        concatenate=False,
        # the name of the reduction's tasks: Dask fuses each block's task with
        # the first merge under that name, adding no alias task
        token="merge-statistics",
        dtype=object,
        meta=np.empty(0, dtype=object),
    )
    return _merged(statistics, combine, split_every).compute()[()]


def reduce_delayed(nodes, combine, *, split_every=8, compute=None):
    """Merge delayed statistics in a tree and compute the result.

    Parameters
    ----------
    nodes : list of dask.delayed.Delayed
        The statistics of the parts (at least one), in order.
    combine : callable
        Merges two statistics into one, the first one's part before the
        second's; it must be associative.
    split_every : int, default=8
        How many statistics one task of the tree merges at most.
    compute : callable, default=None
        ``compute(collection)`` returns the value of a Dask collection (for
        instance showing a progress bar meanwhile); None calls the
        collection's ``compute()`` with the current Dask scheduler.

    Returns
    -------
    statistic : object
        The statistic of all parts.
    """
    import dask
    import dask.array as da

    box = dask.delayed(_box)
    statistics = da.concatenate(
        [
            da.from_delayed(box(node), shape=(1,), meta=np.empty(0, dtype=object))
            for node in nodes
        ]
    )
    merged = _merged(statistics, combine, split_every)
    return (merged.compute() if compute is None else compute(merged))[()]


def _merged(statistics, combine, split_every):
    """The lazy merge of a Dask array of statistics, as a zero-dimensional array."""
    import dask.array as da

    merge = partial(_merge_boxes, combine)
    return da.reduction(
        statistics,
        chunk=merge,
        combine=merge,
        aggregate=merge,
        axis=0,
        dtype=object,
        split_every=split_every,
        concatenate=False,
        name="merge-statistics",
        meta=np.empty((), dtype=object),
    )


def _box(statistic):
    """A one-element object array holding ``statistic`` whole (not unpacked)."""
    box = np.empty(1, dtype=object)
    box[0] = statistic
    return box


def _boxed_rows(function, *blocks):
    """``function`` of a row block of each array, boxed (see :func:`_box`).

    A two-dimensional array comes as the list of its column blocks (one).
    """
    rows = [block[0] if isinstance(block, list) else block for block in blocks]
    return _box(function(*rows))


def _merge_boxes(combine, boxes, axis, keepdims):
    """Merge the statistics in object arrays, in order, into one boxed statistic.

    ``boxes`` is an object array or a list of them, as :func:`dask.array.reduction`
    passes them with ``concatenate=False``. Dask also calls this on empty
    arrays to learn the type of the result: no statistic gives an empty array.
    """
    boxes = boxes if isinstance(boxes, list) else [boxes]
    statistics = [statistic for box in boxes for statistic in box.ravel()]
    if not statistics:
        return np.empty(0, dtype=object)
    merged = _box(reduce(combine, statistics))
    return merged if keepdims else merged.reshape(())
