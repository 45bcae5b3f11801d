"""Reading the files of a report into counts: the one seam of the reading.

:func:`count_files` is all that reads the files of the ``report`` sub-command:
from file paths, column names and reading options to a
:class:`~sklearn_balanced._cli._report_counts.ReportCounts`. A reader of another
kind replaces it whole.
"""

import contextlib
from functools import partial

from sklearn_balanced._cli._progress import Progress
from sklearn_balanced._cli._report_counts import count_source
from sklearn_balanced._cli._stream import (
    CHUNK_ROWS,
    DaskSource,
    dask_client,
    iter_chunks,
)


def count_files(
    paths,
    *,
    y_true,
    y_pred=None,
    score=None,
    pos_label=None,
    sample_weight=None,
    delimiter=None,
    encoding="utf-8",
    dask=False,
    scheduler=None,
    progress=None,
    rows=CHUNK_ROWS,
):
    """Count the files of a report, in memory independent of their number of rows.

    The files are read chunk by chunk on this machine, or with ``dask`` or a
    ``scheduler`` partition by partition on a Dask cluster, and counted by
    :func:`~sklearn_balanced._cli._report_counts.count_source`.

    Parameters
    ----------
    paths : list of Path
        The files, as :func:`~sklearn_balanced._cli._stream.expand_sources`
        gives them.
    y_true : str
        Column of the true labels.
    y_pred : str, default=None
        Column of the predicted labels; exactly one of ``y_pred`` and ``score``.
    score : str, default=None
        Column of binary scores; the predictions are ``score >= 0.5``.
    pos_label : str, default=None
        Positive class for ``score``, as text.
    sample_weight : str, default=None
        Column of sample weights.
    delimiter, encoding : str or None
        As for :func:`~sklearn_balanced._cli._table.read_table`.
    dask : bool, default=False
        Whether to count on a local Dask cluster.
    scheduler : str, default=None
        Address of the Dask scheduler to count on (implies ``dask``).
    progress : Progress, default=None
        Told of the rows read on this machine, or shows Dask's progress of
        each pass on a cluster; None shows nothing.
    rows : int, default=CHUNK_ROWS
        Rows per chunk read on this machine.

    Returns
    -------
    counted : ReportCounts
        The counts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_balanced._cli._report_files import count_files
    >>> from sklearn_balanced._cli._report_summary import summarise_counts
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "p.csv"
    ...     _ = path.write_text("y,p\\n0,0\\n0,1\\n1,1\\n")
    ...     counted = count_files([path], y_true="y", y_pred="p")
    >>> summarise_counts(counted)["balanced_accuracy"]
    0.75
    """
    options = {
        "y_true": y_true,
        "y_pred": y_pred,
        "score": score,
        "pos_label": pos_label,
        "sample_weight": sample_weight,
    }
    if dask or scheduler is not None:
        with dask_client(scheduler):
            source = DaskSource(
                paths, delimiter=delimiter, encoding=encoding, progress=progress
            )
            return count_source(source, **options)
    read = partial(iter_chunks, delimiter=delimiter, encoding=encoding, rows=rows)
    progress = Progress(enabled=False) if progress is None else progress
    return count_source(FileSource(paths, read, progress), **options)


class FileSource:
    """Files read chunk by chunk, one after the other, on this machine.

    Parameters
    ----------
    paths : list of Path
        The files.
    read : callable
        ``read(path, names)`` yields the chunks of a file.
    progress : Progress
        Told of the rows read.
    """

    def __init__(self, paths, read, progress):
        self.paths, self.read, self.progress = paths, read, progress

    def first(self, columns, function):
        """``function`` of the first chunk of the first file."""
        with contextlib.closing(self.read(self.paths[0], _names(columns))) as chunks:
            return function(next(chunks))

    def reduce(self, columns, function, combine, stage):
        """Merge ``function`` of every chunk, in file and row order."""
        result = None
        for chunk in _read_all(self.paths, columns, self.read, self.progress, stage):
            value = function(chunk)
            result = value if result is None else combine(result, value)
        return result


def _read_all(paths, columns, read, progress, stage):
    """The chunks of every file, with the needed columns (each read once)."""
    names = _names(columns)
    progress.start(stage)
    try:
        for path in paths:
            for chunk in read(path, names):
                progress.advance(chunk.n_rows)
                yield chunk
    finally:
        progress.finish()


def _names(columns):
    """Each column needed once, with the first option naming it (for messages)."""
    names = {}
    for option, name in columns.items():
        names.setdefault(name, option)
    return names
