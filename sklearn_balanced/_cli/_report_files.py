"""Reading the files of a report into counts: the one seam of the reading.

:func:`count_files` is all that reads the files of the ``report`` sub-command:
from file paths, column names and reading options to a
:class:`~sklearn_balanced._cli._report_counts.ReportCounts`. DuckDB reads the
files and counts them (:mod:`._files`, :mod:`._survey`); a reader of another
kind replaces this function whole.
"""

import dataclasses

from sklearn_balanced._cli._files import connect, expand_sources
from sklearn_balanced._cli._report_counts import LABEL_HINTS, count_survey
from sklearn_balanced._cli._report_groups import count_groups
from sklearn_balanced._cli._survey import Reading, survey


def count_files(
    patterns,
    *,
    y_true,
    y_pred=None,
    score=None,
    pos_label=None,
    sample_weight=None,
    delimiter=None,
    encoding="utf-8",
    threads=None,
    memory_limit=None,
    keys=None,
    window=None,
):
    """Count the files of a report in the engine: only counts come back.

    Parameters
    ----------
    patterns : list of str
        Files, globs and directories of Parquet parts, as for
        :func:`~sklearn_balanced._cli._files.expand_sources`.
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
        As for :func:`~sklearn_balanced._cli._files.read_files`.
    threads : int, default=None
        Threads of the engine (None: a few, at most 4).
    memory_limit : str, default=None
        Memory the engine may hold before it spills to disk (None: 1GB).
    keys : dict of str to str, default=None
        The group key columns by option, as
        :func:`~sklearn_balanced._cli._report_groups.key_options` gives them
        (``--time`` last); with ``y_pred`` only.
    window : str, default=None
        The width of the windows of ``--time``.

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
    ...     counted = count_files([str(path)], y_true="y", y_pred="p")
    >>> summarise_counts(counted)["balanced_accuracy"]
    0.75
    """
    keys = keys or {}
    columns = {"--y-true": (y_true, False)}
    if y_pred is not None:
        columns["--y-pred"] = (y_pred, False)
    if score is not None:
        columns["--score"] = (score, True)
    if sample_weight is not None:
        columns["--sample-weight"] = (sample_weight, True)
    paths = expand_sources(patterns)
    columns.update((option, (name, False)) for option, name in keys.items())
    labels = ["--y-true"] + ["--y-pred"] * (y_pred is not None)
    with connect(threads=threads, memory_limit=memory_limit) as connection:
        options = {"delimiter": delimiter, "encoding": encoding}
        found = survey(
            Reading(connection, paths, columns, options), labels, LABEL_HINTS, keys
        )
        counted = count_survey(
            found,
            y_true=y_true,
            y_pred=y_pred,
            pos_label=pos_label,
            weighted=sample_weight is not None,
        )
        if not keys:
            return counted
        grouped = count_groups(found.typed, len(keys), window)
        return dataclasses.replace(counted, grouped=grouped)
