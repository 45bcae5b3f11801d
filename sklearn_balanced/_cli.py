"""Command line interface: ``sklearn-balanced`` and ``python -m sklearn_balanced``.

Two sub-commands:

``demo``
    The walkthrough on the built-in synthetic data: a table of accuracy, balanced
    accuracy and per-class recall for five models, and the figures as PNG files.

``report``
    Balanced accuracy report for predictions (or binary scores) stored in a
    CSV, TSV or Parquet file, as text or as JSON.

Bad input ends with a one-line message on stderr and exit status 2.
"""

import argparse
import csv
import json
import sys
import warnings
from pathlib import Path

import numpy as np

EXIT_INPUT_ERROR = 2
_MISSING = frozenset({"", "na", "nan", "null", "none", "n/a"})
_DELIMITERS = {".tsv": "\t", ".tab": "\t"}
_PARQUET_SUFFIXES = (".parquet", ".pq")
DEFAULT_THRESHOLD = 0.5
JSON_SCHEMA_VERSION = 1


class InputError(Exception):
    """Bad command line input; reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line long."""

    def error(self, message):
        raise InputError(message)


def build_parser():
    """Return the argument parser of the ``sklearn-balanced`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with the ``demo`` and ``report`` sub-commands.

    Examples
    --------
    >>> from sklearn_balanced._cli import build_parser
    >>> args = build_parser().parse_args(["demo", "--random-state", "3"])
    >>> args.command, args.random_state
    ('demo', 3)
    """
    parser = _Parser(
        prog="sklearn-balanced",
        description="Balanced accuracy tools for imbalanced classification.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )

    demo = commands.add_parser(
        "demo",
        help="walk through balanced accuracy on built-in synthetic data",
        description=(
            "Fit five models on built-in imbalanced data (1200 vs 80 points), print "
            "accuracy, balanced accuracy and per-class recall on a held-out set, "
            "and write the figures as PNG files."
        ),
    )
    demo.add_argument(
        "--output",
        metavar="DIR",
        default="sklearn_balanced_demo",
        help="folder for the PNG figures (default: %(default)s)",
    )
    demo.add_argument(
        "--random-state",
        metavar="N",
        type=int,
        default=0,
        help="seed of the data and the models (default: %(default)s)",
    )

    report = commands.add_parser(
        "report",
        help="balanced accuracy report for predictions stored in a file",
        description=(
            "Read true labels and predictions (or binary scores) from a CSV/TSV "
            "file with a header row (Parquet too, with pandas installed) and report "
            "per-class recall, balanced accuracy with its interval, adjusted "
            "balanced accuracy and accuracy. With --score, also the best threshold "
            "and the balanced accuracy there and at 0.5."
        ),
        epilog=(
            "JSON output (schema_version 1) has the keys schema_version, n_samples, "
            "per_class (label, recall, support), balanced_accuracy, "
            "adjusted_balanced_accuracy, accuracy, interval (method, confidence, "
            "low, high, mean, p_below_chance) and threshold (null, or pos_label, "
            "default, balanced_accuracy_at_default, best, balanced_accuracy_at_best); "
            "see the 'Command line' page of the documentation. Bad input exits "
            "with status 2 and a one-line message on stderr."
        ),
    )
    report.add_argument("file", metavar="FILE", help="CSV, TSV or Parquet file")
    report.add_argument("--y-true", metavar="COL", required=True, help="true labels")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--y-pred", metavar="COL", help="predicted labels")
    source.add_argument(
        "--score", metavar="COL", help="binary scores; positive iff score >= threshold"
    )
    report.add_argument(
        "--pos-label",
        metavar="L",
        help="positive class for --score (default: 1 when labels are 0/1 or -1/1)",
    )
    report.add_argument("--sample-weight", metavar="COL", help="sample weights")
    report.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: %(default)s)",
    )
    return parser


def main(argv=None):
    """Run the command line interface.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on bad input.

    Examples
    --------
    >>> from sklearn_balanced._cli import main
    >>> main(["report", "no-such-file.csv", "--y-true", "y", "--y-pred", "p"])
    2
    """
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning_on_one_line
        try:
            args = build_parser().parse_args(argv)
            if args.command == "demo":
                from sklearn_balanced._demo import run_demo

                run_demo(output=Path(args.output), random_state=args.random_state)
            else:
                _print_report(args)
        except (InputError, ValueError, OSError, ImportError) as exc:
            message = " ".join(str(exc).split())
            print(f"sklearn-balanced: error: {message}", file=sys.stderr)
            return EXIT_INPUT_ERROR
    return 0


def _show_warning_on_one_line(
    message, category, filename, lineno, file=None, line=None
):
    text = " ".join(str(message).split())
    print(f"sklearn-balanced: warning: {text}", file=sys.stderr)


def read_table(path):
    """Read a table with a header row into a dict of string columns.

    ``.tsv`` and ``.tab`` files are tab-separated, ``.parquet`` and ``.pq`` files
    are read with pandas, anything else is read as comma-separated.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    columns : dict of str to list of str
        Each column's values as text, in file order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_balanced._cli import read_table
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "p.csv"
    ...     _ = path.write_text("y,p\\n0,1\\n1,1\\n")
    ...     read_table(path)
    {'y': ['0', '1'], 'p': ['1', '1']}
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        columns = _read_parquet(path)
    else:
        columns = _read_delimited(path, _DELIMITERS.get(path.suffix.lower(), ","))
    if not columns or not any(columns.values()):
        raise InputError(f"{path} has no data rows")
    return columns


def _read_delimited(path, delimiter):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    if not rows:
        raise InputError(f"{path} is empty")
    header, body = [name.strip() for name in rows[0]], rows[1:]
    body = [row for row in body if any(cell.strip() for cell in row)]
    return {
        name: [row[i] if i < len(row) else "" for row in body]
        for i, name in enumerate(header)
    }


def _read_parquet(path):
    from sklearn_balanced.utils._optional import import_optional

    pandas = import_optional("pandas", "reading Parquet files")
    frame = pandas.read_parquet(path)
    return {
        str(name): ["" if pandas.isna(value) else str(value) for value in frame[name]]
        for name in frame.columns
    }


def _column(columns, name, option):
    if name not in columns:
        available = ", ".join(repr(column) for column in columns)
        raise InputError(
            f"{option}: no column {name!r}; available columns: {available}"
        )
    return columns[name]


def _missing_rows(values):
    """1-based data row numbers of the missing entries."""
    return [
        i + 1 for i, value in enumerate(values) if value.strip().lower() in _MISSING
    ]


def _check_complete(values, option):
    missing = _missing_rows(values)
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
        raise InputError(
            f"{option}: {len(missing)} missing value(s) (NaN or empty) in data row(s) "
            f"{shown}"
        )


def parse_labels(values, option):
    """Convert text labels to integers, else floats, else stripped strings.

    Parameters
    ----------
    values : list of str
        The labels as read from the file.

    option : str
        The command line option naming the column, used in error messages.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        The labels.

    Examples
    --------
    >>> from sklearn_balanced._cli import parse_labels
    >>> parse_labels(["1", " 0"], "--y-true").tolist()
    [1, 0]
    >>> parse_labels(["cat", "dog"], "--y-true").tolist()
    ['cat', 'dog']
    """
    _check_complete(values, option)
    stripped = [value.strip() for value in values]
    for convert in (int, float):
        try:
            return np.asarray([convert(value) for value in stripped])
        except ValueError:
            continue
    return np.asarray(stripped)


def parse_numbers(values, option):
    """Convert a column of text to finite float64 numbers.

    Parameters
    ----------
    values : list of str
        The numbers as read from the file.

    option : str
        The command line option naming the column, used in error messages.

    Returns
    -------
    numbers : ndarray of shape (n_samples,) of float64
        The numbers.

    Examples
    --------
    >>> from sklearn_balanced._cli import parse_numbers
    >>> parse_numbers(["0.25", "1e-3"], "--score").tolist()
    [0.25, 0.001]
    """
    _check_complete(values, option)
    numbers = np.empty(len(values), dtype=np.float64)
    for i, value in enumerate(values):
        try:
            numbers[i] = float(value)
        except ValueError:
            raise InputError(
                f"{option}: expected numbers; data row {i + 1} holds {value.strip()!r}"
            ) from None
    if not np.isfinite(numbers).all():
        row = int(np.flatnonzero(~np.isfinite(numbers))[0]) + 1
        raise InputError(
            f"{option}: expected finite numbers; data row {row} is infinite"
        )
    return numbers


def _resolve_pos_label(pos_label, classes):
    """The positive class for --score, as a value of the same type as the labels."""
    if pos_label is None:
        if classes.tolist() in ([0, 1], [-1, 1]):
            return classes[1]
        raise InputError(
            "--pos-label is required when the labels are not 0/1 or -1/1; classes: "
            + ", ".join(map(str, classes.tolist()))
        )
    matches = [label for label in classes.tolist() if str(label) == pos_label.strip()]
    if not matches:
        matches = [
            label
            for label in classes.tolist()
            if isinstance(label, int | float) and _float_or_none(pos_label) == label
        ]
    if not matches:
        raise InputError(
            f"--pos-label: {pos_label!r} is not one of the classes "
            + ", ".join(map(str, classes.tolist()))
        )
    return matches[0]


def _float_or_none(text):
    try:
        return float(text)
    except ValueError:
        return None


def _python(value):
    """A numpy scalar as the matching Python scalar, for JSON."""
    return value.item() if isinstance(value, np.generic) else value


def build_report(
    columns, *, y_true, y_pred=None, score=None, pos_label=None, sample_weight=None
):
    """Compute the report of the ``report`` sub-command as a JSON-ready dict.

    Parameters
    ----------
    columns : dict of str to list of str
        The table, as returned by :func:`read_table`.

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

    Returns
    -------
    report : dict
        The keys are documented on the "Command line" page of the
        documentation (``--format json`` prints this dict).

    Examples
    --------
    >>> from sklearn_balanced._cli import build_report
    >>> table = {"y": ["0", "0", "0", "1"], "p": ["0", "0", "1", "1"]}
    >>> report = build_report(table, y_true="y", y_pred="p")
    >>> round(report["balanced_accuracy"], 4), report["threshold"]
    (0.8333, None)
    """
    from sklearn.metrics import accuracy_score

    from sklearn_balanced.metrics import (
        balanced_accuracy_interval,
        balanced_accuracy_score,
        per_class_recall,
    )
    from sklearn_balanced.metrics._counting import confusion_counts

    raw_truth = _column(columns, y_true, "--y-true")
    raw_prediction = (
        _column(columns, y_pred, "--y-pred")
        if score is None
        else _column(columns, score, "--score")
    )
    raw_weights = (
        None
        if sample_weight is None
        else _column(columns, sample_weight, "--sample-weight")
    )
    truth = parse_labels(raw_truth, "--y-true")
    weights = (
        None if raw_weights is None else parse_numbers(raw_weights, "--sample-weight")
    )
    classes = np.unique(truth)
    if classes.shape[0] < 2:
        raise InputError(
            f"--y-true: column {y_true!r} holds a single class ({classes[0]}); "
            "balanced accuracy needs at least two"
        )
    threshold = None
    if score is None:
        predicted = parse_labels(raw_prediction, "--y-pred")
    else:
        scores = parse_numbers(raw_prediction, "--score")
        threshold, predicted = _threshold_section(
            truth, scores, classes, pos_label, weights
        )

    counts = confusion_counts(truth, predicted, labels=classes, sample_weight=weights)
    recall = per_class_recall(truth, predicted, labels=classes, sample_weight=weights)
    interval = balanced_accuracy_interval(
        truth, predicted, labels=classes, sample_weight=weights
    )
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "n_samples": int(truth.shape[0]),
        "per_class": [
            {"label": _python(label), "recall": float(r), "support": float(s)}
            for label, r, s in zip(classes, recall, counts.support, strict=True)
        ],
        "balanced_accuracy": balanced_accuracy_score(
            truth, predicted, sample_weight=weights
        ),
        "adjusted_balanced_accuracy": balanced_accuracy_score(
            truth, predicted, sample_weight=weights, adjusted=True
        ),
        "accuracy": float(accuracy_score(truth, predicted, sample_weight=weights)),
        "interval": {
            "method": interval.method,
            "confidence": float(interval.confidence),
            "low": float(interval.low),
            "high": float(interval.high),
            "mean": float(interval.mean),
            "p_below_chance": float(interval.p_below_chance),
        },
        "threshold": threshold,
    }


def _threshold_section(truth, scores, classes, pos_label, weights):
    """Best threshold and the balanced accuracy there and at 0.5, plus the 0.5 cut."""
    from sklearn_balanced.metrics import balanced_accuracy_score
    from sklearn_balanced.model_selection._sweep import (
        _select_plateau,
        balanced_accuracy_curve,
    )

    if classes.shape[0] != 2:
        raise InputError(
            "--score needs exactly two classes in the true labels; got "
            f"{classes.shape[0]}"
        )
    positive = _resolve_pos_label(pos_label, classes)
    negative = classes[0] if positive == classes[1] else classes[1]
    curve = balanced_accuracy_curve(
        truth, scores, pos_label=positive, sample_weight=weights
    )
    best, best_score = _select_plateau(
        curve.thresholds, curve.balanced_accuracy, "middle"
    )
    predicted = np.where(scores >= DEFAULT_THRESHOLD, positive, negative)
    section = {
        "pos_label": _python(positive),
        "default": DEFAULT_THRESHOLD,
        "balanced_accuracy_at_default": balanced_accuracy_score(
            truth, predicted, sample_weight=weights
        ),
        "best": best,
        "balanced_accuracy_at_best": best_score,
    }
    return section, predicted


def format_report(report, *, source):
    """Render a report dict as aligned text.

    Parameters
    ----------
    report : dict
        As returned by :func:`build_report`.

    source : str
        Description of the input, printed in the first line.

    Returns
    -------
    text : str
        The report.

    Examples
    --------
    >>> from sklearn_balanced._cli import build_report, format_report
    >>> table = {"y": ["0", "0", "0", "1"], "p": ["0", "0", "1", "1"]}
    >>> print(format_report(build_report(table, y_true="y", y_pred="p"), source="t"))
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
        f"{row['label']!s:<{label_width}}  {row['recall']:>7.4f}  {row['support']:>9g}"
        for row in report["per_class"]
    ]
    interval = report["interval"]
    width = 28
    interval_name = f"  {interval['confidence']:.0%} {interval['method']} interval"
    lines += [
        "",
        f"{'balanced accuracy':<{width}}{report['balanced_accuracy']:.4f}",
        f"{interval_name:<{width}}[{interval['low']:.4f}, {interval['high']:.4f}]",
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
            f"{'  best ' + format(threshold['best'], '.6g'):<{width}}"
            f"balanced accuracy {threshold['balanced_accuracy_at_best']:.4f}",
        ]
    return "\n".join(lines)


def _print_report(args):
    columns = read_table(args.file)
    report = build_report(
        columns,
        y_true=args.y_true,
        y_pred=args.y_pred,
        score=args.score,
        pos_label=args.pos_label,
        sample_weight=args.sample_weight,
    )
    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report, source=args.file))
