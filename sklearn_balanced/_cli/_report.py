"""The ``report`` sub-command: per-class recall, balanced accuracy, its interval.

The command reads its files into counts (:mod:`._report_files`, the one seam of
the reading, over the counting driver of :mod:`._report_counts`) and prints the
report of the counts (:mod:`._report_summary`).
"""

from functools import partial

from sklearn_balanced._cli._json import print_document
from sklearn_balanced._cli._report_files import count_files
from sklearn_balanced._cli._report_groups import (
    check_group_options,
    compare_groups,
    format_groups,
    key_options,
    summarise_groups,
)
from sklearn_balanced._cli._report_summary import format_report, summarise_counts


def print_report(args):
    """Count the files named by ``args`` and print their report as text or JSON.

    DuckDB reads and counts the files
    (:func:`~sklearn_balanced._cli._report_files.count_files`): only counts
    come back, whatever the number of rows.

    Returns
    -------
    report : dict
        As returned by
        :func:`~sklearn_balanced._cli._report_summary.summarise_counts`,
        with the key ``groups`` with ``--by`` or ``--time``.
    counted : ReportCounts
        The counts the report was computed from, which the figures of
        ``--html`` are drawn from.
    groups : ReportGroups or None
        The groups the key ``groups`` was computed from, with ``--by`` or
        ``--time``, which the page of ``--html`` shows.
    """
    check_group_options(args)
    keys = key_options(args.by, args.time)
    counted = count_files(
        args.file,
        y_true=args.y_true,
        y_pred=args.y_pred,
        score=args.score,
        pos_label=args.pos_label,
        sample_weight=args.sample_weight,
        delimiter=args.delimiter,
        encoding=args.encoding,
        threads=args.threads,
        memory_limit=args.memory_limit,
        keys=keys,
        window=args.window,
    )
    report = summarise_counts(counted)
    text = partial(format_report, source=", ".join(args.file))
    groups = None
    if keys:
        groups = compare_groups(
            counted,
            columns=keys.values(),
            window=args.window,
            level=args.level,
            min_support=args.min_support,
            top=args.top,
        )
        report["groups"] = summarise_groups(groups.result)
        text = partial(
            _with_groups, text, top=args.top, windowed=groups.window is not None
        )
    print_document(report, args.format, text)
    return report, counted, groups


def _with_groups(as_text, report, *, top, windowed):
    """The report as text, its groups after it."""
    groups = format_groups(report["groups"], top, windowed=windowed)
    return f"{as_text(report)}\n\n{groups}"
