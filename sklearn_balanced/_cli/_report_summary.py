"""The report of the ``report`` sub-command: its JSON-ready dict and its text."""

import textwrap
import warnings

import numpy as np

from sklearn_balanced._cli._json import (
    JSON_SCHEMA_VERSION,
    count_value,
    warn_past_float64,
)
from sklearn_balanced._cli._report_counts import DEFAULT_THRESHOLD, class_support
from sklearn_balanced.utils._plotting import count_text


def _python(value):
    """A numpy scalar as the matching Python scalar, for JSON."""
    return value.item() if isinstance(value, np.generic) else value


def summarise_counts(counted):
    """Compute the report of the ``report`` sub-command as a JSON-ready dict.

    Parameters
    ----------
    counted : ReportCounts
        The counts, as
        :func:`~sklearn_balanced._cli._report_files.count_files` makes them.

    Returns
    -------
    report : dict
        The keys are documented on the "Command line" page of the
        documentation (``--format json`` prints this dict).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics import ConfusionCounts
    >>> from sklearn_balanced._cli._report_counts import ReportCounts
    >>> from sklearn_balanced._cli._report_summary import summarise_counts
    >>> counts = ConfusionCounts.from_confusion_matrix([[2, 1], [0, 1]])
    >>> report = summarise_counts(ReportCounts(counts, np.array([0, 1]), 4))
    >>> round(report["balanced_accuracy"], 4), report["threshold"]
    (0.8333, None)
    """
    with warnings.catch_warnings():
        # check_predicted_among_true has warned of these, naming the column
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        return _summary(counted)


def _summary(counted):
    """The report dict of :func:`summarise_counts`."""
    counts, classes = counted.counts, counted.classes
    support = class_support(counts, classes)
    warn_past_float64(support, classes)
    recall = counts.per_class_recall(labels=classes)
    interval = counts.interval(labels=classes)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "n_samples": counted.n_samples,
        "per_class": [
            {"label": _python(label), "recall": float(r), "support": count_value(s)}
            for label, r, s in zip(classes, recall, support, strict=True)
        ],
        "balanced_accuracy": counts.score(),
        "adjusted_balanced_accuracy": counts.score(adjusted=True),
        "accuracy": counts.accuracy(),
        "interval": {
            "method": interval.method,
            "confidence": float(interval.confidence),
            "low": float(interval.low),
            "high": float(interval.high),
            "mean": float(interval.mean),
            "p_below_chance": float(interval.p_below_chance),
        },
        "threshold": None if counted.scores is None else _threshold_section(counted),
    }


def _threshold_section(counted):
    """The in-sample best threshold, and the balanced accuracy there and at 0.5."""
    return {
        "pos_label": _python(counted.positive),
        "default": DEFAULT_THRESHOLD,
        "balanced_accuracy_at_default": counted.counts.score(),
        "best": counted.scores.best_threshold(),
        "balanced_accuracy_at_best": float(
            np.max(counted.scores.curve().balanced_accuracy)
        ),
    }


def interval_note(report):
    """Why the interval leaves out the observed score, or None when it does not.

    Parameters
    ----------
    report : dict
        As returned by :func:`summarise_counts`.

    Returns
    -------
    note : str or None
        One sentence for the reader.

    Examples
    --------
    >>> from sklearn_balanced._cli._report_summary import interval_note
    >>> report = {
    ...     "balanced_accuracy": 1.0,
    ...     "interval": {"low": 0.4, "high": 0.9},
    ...     "per_class": [{"label": 0, "support": 1}, {"label": 1, "support": 1}],
    ... }
    >>> print(interval_note(report))
    The interval leaves out the observed 1.0000. ...
    """
    interval, observed = report["interval"], report["balanced_accuracy"]
    if interval["low"] <= observed <= interval["high"]:
        return None
    smallest = min(report["per_class"], key=lambda row: row["support"])
    return (
        f"The interval leaves out the observed {observed:.4f}. This is expected "
        "with small classes: each recall starts from a uniform prior, which "
        "pulls the posterior towards 0.5 until many samples outweigh it, so a "
        "recall of exactly 0 or 1 lies outside its central interval (class "
        f"{smallest['label']} has a support of only {smallest['support']:g})."
    )


IN_SAMPLE_NOTE = (
    "The in-sample best threshold is chosen on the data it is scored on, so its "
    "balanced accuracy is optimistic: tune the threshold on other data (for "
    "example with BalancedThresholdClassifier) before trusting it."
)


def format_report(report, *, source):
    """Render a report dict as aligned text.

    Parameters
    ----------
    report : dict
        As returned by :func:`summarise_counts`.

    source : str
        Description of the input, printed in the first line.

    Returns
    -------
    text : str
        The report.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics import ConfusionCounts
    >>> from sklearn_balanced._cli._report_counts import ReportCounts
    >>> from sklearn_balanced._cli._report_summary import (
    ...     format_report,
    ...     summarise_counts,
    ... )
    >>> counts = ConfusionCounts.from_confusion_matrix([[2, 1], [0, 1]])
    >>> report = summarise_counts(ReportCounts(counts, np.array([0, 1]), 4))
    >>> print(format_report(report, source="t"))
    Balanced accuracy report for t (4 samples)
    ...
    balanced accuracy           0.8333
    ...
    """
    label_width = max(5, *(len(str(row["label"])) for row in report["per_class"]))
    lines = [
        f"Balanced accuracy report for {source} ({report['n_samples']} samples)",
        "",
        f"{'class':<{label_width}}  {'recall':>7}  {'support':>9}",
    ]
    lines += [
        f"{row['label']!s:<{label_width}}  {row['recall']:>7.4f}  "
        f"{count_text(row['support']):>9}"
        for row in report["per_class"]
    ]
    interval = report["interval"]
    width = 28
    interval_name = f"  {interval['confidence']:.0%} {interval['method']} interval"
    lines += [
        "",
        f"{'balanced accuracy':<{width}}{report['balanced_accuracy']:.4f}",
        f"{interval_name:<{width}}[{interval['low']:.4f}, {interval['high']:.4f}]",
        *_wrapped_note(interval_note(report)),
        f"{'adjusted balanced accuracy':<{width}}"
        f"{report['adjusted_balanced_accuracy']:.4f}",
        f"{'accuracy':<{width}}{report['accuracy']:.4f}",
    ]
    threshold = report["threshold"]
    if threshold is not None:
        lines += [
            "",
            f"thresholds (positive class {threshold['pos_label']}, "
            "positive iff score >= threshold)",
            f"{'  at ' + format(threshold['default'], 'g'):<{width}}"
            f"balanced accuracy {threshold['balanced_accuracy_at_default']:.4f}",
            f"{'  in-sample best ' + format(threshold['best'], '.6g'):<{width}}"
            f"balanced accuracy {threshold['balanced_accuracy_at_best']:.4f}"
            " (optimistic)",
            *_wrapped_note(IN_SAMPLE_NOTE),
        ]
    return "\n".join(lines)


def _wrapped_note(note):
    """A note as indented lines of at most 79 characters; none for None."""
    if note is None:
        return []
    return textwrap.wrap(
        "Note: " + note, width=79, initial_indent="  ", subsequent_indent="    "
    )
