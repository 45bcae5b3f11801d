"""The groups of the ``report`` sub-command: ``--by``, ``--time`` and ``--window``.

The engine counts every group (segment, time window) in one grouped query of
the typed relation (:meth:`GroupedConfusionCounts.from_frame`); each group's
balanced accuracy, interval and drop flag come from those counts
(:class:`GroupedBalancedAccuracy`), computed once (:func:`compare_groups`) for
the text, the JSON and the page. The text and the page show the worst groups
first, at most ``--top`` of them; JSON has every group.
"""

from dataclasses import dataclass

import numpy as np

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._json import count_value
from sklearn_balanced.metrics import (
    GroupedBalancedAccuracy,
    GroupedConfusionCounts,
    time_windows,
)
from sklearn_balanced.utils._group_text import group_text


def key_options(by, time):
    """The options of the group key columns, in key order, with their columns.

    Examples
    --------
    >>> from sklearn_balanced._cli._report_groups import key_options
    >>> key_options(["region, site"], "ts")
    {'--by region': 'region', '--by site': 'site', '--time': 'ts'}
    """
    names = [name.strip() for value in by or () for name in value.split(",")]
    if "" in names:
        raise InputError("--by: empty column name")
    options = {f"--by {name}": name for name in dict.fromkeys(names)}
    if time is not None:
        options["--time"] = time
    return options


def check_group_options(args):
    """Raise for ``--by``, ``--time`` and ``--window`` options that do not fit.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from sklearn_balanced._cli._report_groups import check_group_options
    >>> args = SimpleNamespace(by=None, time="ts", window="7 days", reference=None,
    ...                        score=None)
    >>> check_group_options(args)
    Traceback (most recent call last):
    ...
    sklearn_balanced._cli._errors.InputError: --window: ...
    """
    if (args.time is None) != (args.window is None):
        raise InputError("--time and --window go together: give both or neither")
    if args.reference is not None and args.time is None:
        raise InputError("--reference previous needs --time and --window")
    if not args.by and args.time is None:
        return
    if args.score is not None:
        raise InputError("--by needs --y-pred")
    if args.window is None:
        return
    try:  # the width is checked before the files are read
        time_windows(np.zeros(1, dtype="datetime64[s]"), args.window)
    except ValueError as exc:
        raise InputError(f"--window: {exc}") from None


def count_groups(typed, n_keys, window):
    """The counts of every group of the survey's typed relation, in one query.

    ``typed`` has the columns ``y_true``, ``y_pred``, ``key_0``... (the last one
    the time with ``window``) and maybe ``sample_weight``.
    """
    keys = [f"key_{i}" for i in range(n_keys)]
    time = keys.pop() if window is not None else None
    weight = "sample_weight" if "sample_weight" in typed.columns else None
    try:
        return GroupedConfusionCounts.from_frame(
            typed,
            y_true="y_true",
            y_pred="y_pred",
            by=keys or None,
            time=time,
            window=window,
            sample_weight=weight,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None


@dataclass(frozen=True)
class ReportGroups:
    """The groups of a report, compared, and the options that made them.

    Attributes
    ----------
    result : GroupedBalancedAccuracy
        Every group's balanced accuracy, interval and drop flag.
    columns : tuple of str
        The key columns, in key order (the ``--time`` column last).
    window : str or None
        The width of the windows of ``--time``; None without it.
    top : int
        The most groups shown in the text and on the page.
    """

    result: GroupedBalancedAccuracy
    columns: tuple
    window: str | None
    top: int


def compare_groups(counted, *, columns, window, level, min_support, top):
    """Every group's balanced accuracy, interval and drop flag, computed once.

    Each group is compared with the previous window of its segment with a
    ``window``, else with the counts of the whole data.

    Returns
    -------
    groups : ReportGroups
    """
    result = GroupedBalancedAccuracy.from_counts(
        counted.grouped, labels=counted.classes
    )
    reference = "previous" if window is not None else counted.counts
    result = result.compare_to(reference, level=level, min_support=min_support)
    return ReportGroups(result, tuple(columns), window, top)


def summarise_groups(result):
    """Every group of a compared result, JSON-ready, worst first.

    Returns
    -------
    groups : list of dict
        ``group`` (keys, windows as ISO date-times), ``balanced_accuracy``,
        ``low``, ``high``, ``support`` (per class), ``p_drop``, ``flag`` and
        ``too_small``, worst balanced accuracy first (undefined last).
    """
    order = np.argsort(
        np.where(np.isnan(result.balanced_accuracy), np.inf, result.balanced_accuracy),
        kind="stable",
    )
    labels = [_key(label) for label in result.classes.tolist()]
    texts = {}  # the text of every distinct key: windows repeat across segments

    def text_of(key):
        typed = (type(key), key)  # 1 and True are equal keys, not equal texts
        if typed not in texts:
            texts[typed] = _key(key)
        return texts[typed]

    columns = zip(
        [result.groups[i] for i in order.tolist()],
        *(
            getattr(result, name)[order].tolist()
            for name in ("balanced_accuracy", "low", "high", "p_drop")
        ),
        result.support[order].tolist(),
        result.flag[order].tolist(),
        result.too_small[order].tolist(),
        strict=True,
    )
    return [
        {
            "group": [
                text_of(key) for key in (keys if isinstance(keys, tuple) else (keys,))
            ],
            "balanced_accuracy": score,
            "low": low,
            "high": high,
            "support": [
                {"label": label, "support": count_value(count)}
                for label, count in zip(labels, support, strict=True)
            ],
            "p_drop": p_drop,
            "flag": flag,
            "too_small": too_small,
        }
        for keys, score, low, high, p_drop, support, flag, too_small in columns
    ]


def _key(key):
    """A group key or label as JSON writes it: windows as ISO date-times."""
    if isinstance(key, np.datetime64):
        if np.datetime_data(key.dtype)[0] in ("Y", "M", "W", "D"):
            return str(key)  # a date
        seconds = key.astype("datetime64[s]")
        return str(seconds if seconds == key else key)
    key = key.item() if isinstance(key, np.generic) else key
    if hasattr(key, "isoformat"):
        return key.isoformat()
    return key if isinstance(key, int | float | str) else str(key)


def format_groups(groups, top, *, windowed):
    """The groups as a text table, the worst ``top`` of them.

    The keys are written as the figures write them (:func:`group_text`): a
    window starting at midnight as its date, and keys longer than 30
    characters cut with an ellipsis.

    Parameters
    ----------
    groups : list of dict
        The groups, worst first, as :func:`summarise_groups` returns them.
    top : int
        The most groups written.
    windowed : bool
        Whether the last key of every group is a time window (``--time``).

    Returns
    -------
    text : str
        The table, under a line with the number of groups.

    Examples
    --------
    >>> from sklearn_balanced._cli._report_groups import format_groups
    >>> group = {"group": ["north", "2024-06-27T00:00:00"],
    ...          "balanced_accuracy": 0.5, "low": 0.25, "high": 0.75,
    ...          "support": [{"label": 0, "support": 4},
    ...          {"label": 1, "support": 4}], "p_drop": 0.99, "flag": True,
    ...          "too_small": True}
    >>> print(format_groups([group], 20, windowed=True))
    Groups (worst first): 1
      group              balanced accuracy  interval     n  drop
      north, 2024-06-27              0.500  0.250-0.750  8  too small (p=0.99)

    Without ``--time``, no key is read as a window, and long keys are cut:

    >>> segment = dict(group, group=["2024-06-27T00:00:00", "x" * 40])
    >>> print(format_groups([segment], 20, windowed=False))
    Groups (worst first): 1
      group                                                balanced accuracy ...
      2024-06-27T00:00:00, xxxxxxxxxxxxxxxxxxxxxxxxxxxxx…              0.500 ...
    """
    shown = groups[:top]
    rows = [("group", "balanced accuracy", "interval", "n", "drop")]
    rows += [
        (
            group_text(table_keys(group["group"], windowed=windowed)),
            _number(group["balanced_accuracy"]),
            f"{_number(group['low'])}-{_number(group['high'])}",
            f"{sum(item['support'] for item in group['support']):g}",
            drop_text(group),
        )
        for group in shown
    ]
    widths = [max(len(row[j]) for row in rows) for j in range(5)]
    lines = [f"Groups (worst first): {len(groups)}"]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].ljust(widths[2]),
            row[3].rjust(widths[3]),
            row[4],
        ]
        lines.append(("  " + "  ".join(cells)).rstrip())
    if len(groups) > len(shown):
        lines.append(f"  {len(groups) - len(shown)} more groups not shown (--top)")
    return "\n".join(lines)


def table_keys(keys, *, windowed):
    """The keys of a group of the JSON list, its time window as a datetime64.

    JSON writes windows as ISO date-times; the tables read the last key back
    with ``windowed`` (``--time``) only, so that they write it as the figures
    do, and leave every other key as it is, whatever it looks like.

    Parameters
    ----------
    keys : list
        The ``group`` of a group of :func:`summarise_groups`.
    windowed : bool
        Whether the last key is a time window.

    Returns
    -------
    keys : list
        The keys, a new list.

    Examples
    --------
    >>> from sklearn_balanced._cli._report_groups import table_keys
    >>> keys = table_keys(["north", "2024-06-27T00:00:00"], windowed=True)
    >>> keys[0], str(keys[1].dtype), str(keys[1])
    ('north', 'datetime64[s]', '2024-06-27T00:00:00')
    >>> table_keys(["2024-06-27T00:00:00"], windowed=False)
    ['2024-06-27T00:00:00']
    """
    if not windowed:
        return list(keys)
    *segment, window = keys
    return [*segment, np.datetime64(window)]


def _number(value):
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.3f}"


def drop_text(group):
    """The drop column of a group of the JSON list: flag and probability.

    Examples
    --------
    >>> from sklearn_balanced._cli._report_groups import drop_text
    >>> drop_text({"p_drop": 0.97, "flag": True, "too_small": False})
    'DROP (p=0.97)'
    """
    p_drop = group["p_drop"]
    if p_drop is None or not np.isfinite(p_drop):
        return "n/a"
    if group["too_small"]:
        return f"too small (p={p_drop:.2f})"
    return f"{'DROP' if group['flag'] else 'ok'} (p={p_drop:.2f})"
