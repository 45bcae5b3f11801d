"""The ``report`` sub-command: per-class recall, balanced accuracy, its interval."""

import json
import operator
import sys
import textwrap
from dataclasses import dataclass
from functools import partial

import numpy as np

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._stream import (
    DaskSource,
    Progress,
    dask_client,
    expand_sources,
    iter_chunks,
)
from sklearn_balanced._cli._table import (
    MISSING,
    column,
    parse_labels,
    parse_numbers,
    parse_weights,
    read_table,
)
from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts

DEFAULT_THRESHOLD = 0.5
JSON_SCHEMA_VERSION = 1
#: Bins of the counting pass over the scores of files, at the quantiles of a
#: sample of the scores; the pass after it is exact where the optimum may be.
SCORE_BINS = 1 << 16
#: Scores of each chunk sampled in the first pass, and most kept in all.
_SAMPLE_PER_CHUNK = 256
_SAMPLE_SIZE = 4 * SCORE_BINS


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
            if isinstance(label, int) and _float_or_none(pos_label) == label
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


@dataclass(frozen=True)
class ReportInputs:
    """The parsed columns of a report and the predictions it scores.

    Attributes
    ----------
    truth, predicted : ndarray of shape (n_samples,)
        True and predicted labels (with ``--score``, the predictions at 0.5).

    classes : ndarray of shape (n_classes,)
        The classes of ``truth``, sorted.

    weights : ndarray of shape (n_samples,) or None
        Sample weights.

    scores : ndarray of shape (n_samples,) or None
        Binary scores, with ``--score``.

    positive : scalar or None
        The positive class, with ``--score``.
    """

    truth: np.ndarray
    predicted: np.ndarray
    classes: np.ndarray
    weights: np.ndarray | None = None
    scores: np.ndarray | None = None
    positive: object = None


def read_inputs(
    columns, *, y_true, y_pred=None, score=None, pos_label=None, sample_weight=None
):
    """Parse and check the columns a report is computed from.

    Parameters are those of :func:`build_report`.

    Returns
    -------
    inputs : ReportInputs
        The labels, predictions, weights and scores.

    Examples
    --------
    >>> from sklearn_balanced._cli._report import read_inputs
    >>> table = {"y": ["0", "1"], "s": ["0.2", "0.7"]}
    >>> inputs = read_inputs(table, y_true="y", score="s")
    >>> inputs.predicted.tolist(), int(inputs.positive)
    ([0, 1], 1)
    """
    raw_truth = column(columns, y_true, "--y-true")
    raw_prediction = (
        column(columns, y_pred, "--y-pred")
        if score is None
        else column(columns, score, "--score")
    )
    raw_weights = (
        None
        if sample_weight is None
        else column(columns, sample_weight, "--sample-weight")
    )
    if score is None:
        truth, predicted = parse_labels(
            {"--y-true": raw_truth, "--y-pred": raw_prediction}
        )
    else:
        (truth,) = parse_labels({"--y-true": raw_truth})
    weights = None if raw_weights is None else parse_weights(raw_weights)
    classes = _check_classes(np.unique(truth), y_true)
    _check_support(classes, _support(truth, classes, weights))
    if score is None:
        return ReportInputs(truth, predicted, classes, weights)
    scores = parse_numbers(raw_prediction, "--score")
    positive = _binary_positive(classes, pos_label)
    negative = classes[0] if positive == classes[1] else classes[1]
    predicted = np.where(scores >= DEFAULT_THRESHOLD, positive, negative)
    return ReportInputs(truth, predicted, classes, weights, scores, positive)


def _check_classes(classes, y_true):
    """The classes of the true labels, checked to be at least two."""
    if classes.shape[0] < 2:
        raise InputError(
            f"--y-true: column {y_true!r} holds a single class ({classes[0]}); "
            "balanced accuracy needs at least two"
        )
    return classes


def _check_support(classes, support):
    """Raise unless every class has samples of positive weight."""
    if (support == 0).any():
        raise InputError(
            f"--sample-weight: class {classes[support == 0][0]} has zero total "
            "weight; balanced accuracy needs every class to weigh something"
        )


def _support(truth, classes, weights):
    """Number (or total weight) of the samples of each class."""
    return np.bincount(
        np.searchsorted(classes, truth), weights=weights, minlength=classes.shape[0]
    )


@dataclass(frozen=True)
class ReportCounts:
    """The mergeable statistics a report is computed from.

    Attributes
    ----------
    counts : ConfusionCounts
        True labels against predictions (with ``--score``, those at 0.5).
    classes : ndarray of shape (n_classes,)
        The classes of the true labels, sorted.
    n_samples : int
        Number of rows counted.
    scores : ScoreCounts or None
        The counts of the binary scores, exact at the best threshold.
    positive : scalar or None
        The positive class, with ``--score``.
    """

    counts: ConfusionCounts
    classes: np.ndarray
    n_samples: int
    scores: ScoreCounts | None = None
    positive: object = None


def count_inputs(inputs):
    """The :class:`ReportCounts` of parsed inputs held in memory."""
    scores = None
    if inputs.scores is not None:
        scores = ScoreCounts().update(
            inputs.truth,
            inputs.scores,
            pos_label=inputs.positive,
            sample_weight=inputs.weights,
        )
    return ReportCounts(
        ConfusionCounts().update(inputs.truth, inputs.predicted, inputs.weights),
        inputs.classes,
        int(inputs.truth.shape[0]),
        scores,
        inputs.positive,
    )


def _binary_positive(classes, pos_label):
    """The positive class for --score, which needs exactly two classes."""
    if classes.shape[0] != 2:
        raise InputError(
            "--score needs exactly two classes in the true labels; got "
            f"{classes.shape[0]}"
        )
    return _resolve_pos_label(pos_label, classes)


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
    >>> from sklearn_balanced._cli._report import build_report
    >>> table = {"y": ["0", "0", "0", "1"], "p": ["0", "0", "1", "1"]}
    >>> report = build_report(table, y_true="y", y_pred="p")
    >>> round(report["balanced_accuracy"], 4), report["threshold"]
    (0.8333, None)
    """
    inputs = read_inputs(
        columns,
        y_true=y_true,
        y_pred=y_pred,
        score=score,
        pos_label=pos_label,
        sample_weight=sample_weight,
    )
    return summarise(inputs)


def summarise(inputs):
    """The report dict of parsed inputs (see :func:`build_report`).

    Parameters
    ----------
    inputs : ReportInputs
        As returned by :func:`read_inputs`.

    Returns
    -------
    report : dict
        The report.
    """
    return summarise_counts(count_inputs(inputs))


def summarise_counts(counted):
    """The report dict of counted inputs (see :func:`build_report`).

    Parameters
    ----------
    counted : ReportCounts
        The counts, of arrays (:func:`count_inputs`) or of files read in chunks
        (:func:`count_files`).

    Returns
    -------
    report : dict
        The report.
    """
    counts, classes = counted.counts, counted.classes
    matrix = counts.confusion_matrix
    support = matrix.sum(axis=1)[np.searchsorted(counts.labels, classes)]
    recall = counts.per_class_recall(labels=classes)
    interval = counts.interval(labels=classes)
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "n_samples": counted.n_samples,
        "per_class": [
            {"label": _python(label), "recall": float(r), "support": float(s)}
            for label, r, s in zip(classes, recall, support, strict=True)
        ],
        "balanced_accuracy": counts.score(),
        "adjusted_balanced_accuracy": counts.score(adjusted=True),
        "accuracy": float(np.trace(matrix) / matrix.sum()),
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


def count_files(
    paths,
    *,
    y_true,
    y_pred=None,
    score=None,
    pos_label=None,
    sample_weight=None,
    read=iter_chunks,
    progress=None,
):
    """Count files chunk by chunk, in memory independent of their number of rows.

    Parameters
    ----------
    paths : list of Path
        The files, as :func:`~sklearn_balanced._cli._stream.expand_sources`
        gives them.
    y_true, y_pred, score, pos_label, sample_weight : str or None
        As for :func:`build_report`.
    read : callable, default=iter_chunks
        ``read(path, names)`` yields the chunks of a file, as
        :func:`~sklearn_balanced._cli._stream.iter_chunks` (with the delimiter
        and encoding bound).
    progress : Progress, default=None
        Told of the rows read.

    Returns
    -------
    counted : ReportCounts
        The counts, as :func:`count_source` makes them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_balanced._cli._report import count_files, summarise_counts
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "p.csv"
    ...     _ = path.write_text("y,p\\n0,0\\n0,1\\n1,1\\n")
    ...     counted = count_files([path], y_true="y", y_pred="p")
    >>> summarise_counts(counted)["balanced_accuracy"]
    0.75
    """
    progress = Progress(enabled=False) if progress is None else progress
    return count_source(
        FileSource(paths, read, progress),
        y_true=y_true,
        y_pred=y_pred,
        score=score,
        pos_label=pos_label,
        sample_weight=sample_weight,
    )


def count_source(source, *, y_true, y_pred, score, pos_label, sample_weight):
    """Count a source of chunks: each chunk apart, the statistics merged.

    A first pass reads the label columns: their distinct labels decide, by the
    rule of :func:`~sklearn_balanced._cli._table.parse_labels`, whether all
    labels are integers or all text (a chunk alone cannot tell), and give the
    classes; with ``score`` it also samples the scores. A second pass counts
    every chunk: the scores in bins whose edges are quantiles of the sample (so
    that the bins of all chunks line up and merge). Where that leaves the best
    threshold uncertain, a third pass counts exactly the scores of the bins that
    may hold it (:meth:`ScoreCounts.refine`).

    Parameters
    ----------
    source : FileSource or DaskSource
        Its ``reduce(columns, function, combine, stage)`` applies ``function``
        to every chunk holding ``columns`` (option to column name) and merges
        the results with ``combine``, in row order.
    y_true, y_pred, score, pos_label, sample_weight : str or None
        As for :func:`build_report`.

    Returns
    -------
    counted : ReportCounts
        The counts.
    """
    labels = {"--y-true": y_true}
    if score is None:
        labels["--y-pred"] = y_pred
    first_pass = labels if score is None else {**labels, "--score": score}
    distinct, sample = source.reduce(
        first_pass,
        partial(_chunk_labels, labels=labels, score=score),
        _union,
        "reading labels",
    )
    parsed = parse_labels({option: list(values) for option, values in distinct.items()})
    classes = _check_classes(np.unique(parsed[0]), y_true)
    kind = parsed[0].dtype.kind
    positive = None if score is None else _binary_positive(classes, pos_label)
    columns = {**labels, "--score": score, "--sample-weight": sample_weight}
    columns = {option: name for option, name in columns.items() if name is not None}
    count = partial(
        _chunk_counts,
        columns=columns,
        kind=kind,
        positive=positive,
        classes=classes,
        edges=_edges(sample),
    )
    counts, scores, n_samples = source.reduce(columns, count, _add, "counting")
    _check_counted_weights(counts, classes, sample_weight)
    if scores is not None and scores.optimality_gap() > 0.0:
        refine = partial(
            _chunk_refined, coarse=scores, columns=columns, kind=kind, positive=positive
        )
        scores = source.reduce(columns, refine, operator.add, "refining the threshold")
    return ReportCounts(counts, classes, n_samples, scores, positive)


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

    def reduce(self, columns, function, combine, stage):
        """Merge ``function`` of every chunk, in file and row order."""
        result = None
        for chunk in _read_all(self.paths, columns, self.read, self.progress, stage):
            value = function(chunk)
            result = value if result is None else combine(result, value)
        return result


def _chunk_labels(chunk, labels, score):
    """The distinct labels of a chunk's label columns, and a sample of its scores.

    The labels are text, in order of rows; the sample holds evenly spaced order
    statistics of the chunk's ``--score`` column (empty without it).
    """
    distinct = {}
    for option, name in labels.items():
        values = _label_values(chunk, name, option)
        unique, first = np.unique(values, return_index=True)
        distinct[option] = dict.fromkeys(map(str, unique[np.argsort(first)].tolist()))
    sample = np.zeros(0)
    if score is not None:
        scores = np.sort(_numbers(chunk, score, "--score"))
        spaced = np.linspace(0, scores.shape[0] - 1, _SAMPLE_PER_CHUNK)
        sample = scores[spaced.astype(np.intp)]
    return distinct, sample


def _union(first, second):
    """The distinct labels of two parts (the first part's first), and their sample."""
    labels = {
        option: {**values, **second[0][option]} for option, values in first[0].items()
    }
    sample = np.sort(np.concatenate([first[1], second[1]]))
    return labels, sample[:: 1 + sample.shape[0] // _SAMPLE_SIZE]


def _edges(sample):
    """Bin edges at the quantiles of a sample of the scores (None without one)."""
    if not sample.shape[0]:
        return None
    return np.unique(np.quantile(sample, np.linspace(0, 1, SCORE_BINS + 1)[1:-1]))


def _chunk_counts(chunk, columns, kind, positive, classes, edges):
    """The confusion counts, binned score counts and number of rows of a chunk."""
    truth, predicted, scores, weights = _parse_chunk(
        chunk, columns, kind, positive, classes
    )
    counts = ConfusionCounts().update(truth, predicted, weights)
    if scores is not None:
        scores = ScoreCounts(edges=edges).update(
            truth, scores, pos_label=positive, sample_weight=weights
        )
    return counts, scores, chunk.n_rows


def _add(first, second):
    """The counts of two parts together."""
    return tuple(
        None if one is None else one + other
        for one, other in zip(first, second, strict=True)
    )


def _chunk_refined(chunk, coarse, columns, kind, positive):
    """The score counts of a chunk, exact inside the candidate bins of ``coarse``."""
    weights = None
    if "--sample-weight" in columns:
        weights = _weights(chunk, columns["--sample-weight"])
    return coarse.refine().update(
        _labels(chunk, columns["--y-true"], "--y-true", kind),
        _numbers(chunk, columns["--score"], "--score"),
        pos_label=positive,
        sample_weight=weights,
    )


def _read_all(paths, columns, read, progress, stage):
    """The chunks of every file, with the needed columns (each read once)."""
    names = {}
    for option, name in columns.items():
        names.setdefault(name, option)
    progress.start(stage)
    try:
        for path in paths:
            for chunk in read(path, names):
                progress.advance(chunk.n_rows)
                yield chunk
    finally:
        progress.finish()


def _present(chunk, name, option):
    """A column of a chunk, checked to have no missing value (empty, NA, NaN)."""
    values = chunk.columns[name]
    if values.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(values))
    elif values.dtype.kind in "iub":
        missing = np.zeros(0, dtype=np.intp)
    else:
        lowered = np.char.lower(np.char.strip(values))
        missing = np.flatnonzero(np.isin(lowered, list(MISSING)))
    if missing.shape[0]:
        rows = chunk.rows(missing[:5])
        more = ", ..." if missing.shape[0] > 5 else ""
        raise chunk.error(
            option,
            f"{missing.shape[0]} missing value(s) (NaN or empty) in data row(s) "
            f"{rows}{more}",
        )
    return values


def _label_values(chunk, name, option):
    """A label column of a chunk: integers as read, anything else as stripped text."""
    values = _present(chunk, name, option)
    if values.dtype.kind in "iu":
        return values
    return np.char.strip(values.astype(str))


def _labels(chunk, name, option, kind):
    """A label column of a chunk as int64 (``kind`` "i") or as text."""
    values = _label_values(chunk, name, option)
    return values.astype(np.int64 if kind == "i" else str)


def _parse_chunk(chunk, columns, kind, positive, classes):
    """The labels, predictions, scores and weights of a chunk, parsed."""
    truth = _labels(chunk, columns["--y-true"], "--y-true", kind)
    weights = None
    if "--sample-weight" in columns:
        weights = _weights(chunk, columns["--sample-weight"])
    if "--score" not in columns:
        predicted = _labels(chunk, columns["--y-pred"], "--y-pred", kind)
        return truth, predicted, None, weights
    scores = _numbers(chunk, columns["--score"], "--score")
    negative = classes[0] if positive == classes[1] else classes[1]
    predicted = np.where(scores >= DEFAULT_THRESHOLD, positive, negative)
    return truth, predicted, scores, weights


def _numbers(chunk, name, option):
    """A column of a chunk as finite float64 numbers."""
    values = _present(chunk, name, option)
    if values.dtype.kind not in "iuf":
        text = np.char.strip(values).tolist()
        numbers = [_float_or_none(value) for value in text]
        if None in numbers:
            index = numbers.index(None)
            raise chunk.error(
                option,
                f"expected numbers; data row {chunk.rows([index])} holds "
                f"{text[index]!r}",
            )
        values = np.array(numbers)
    numbers = values.astype(np.float64)
    infinite = np.flatnonzero(~np.isfinite(numbers))
    if infinite.shape[0]:
        raise chunk.error(
            option,
            f"expected finite numbers; data row {chunk.rows(infinite[:1])} is infinite",
        )
    return numbers


def _weights(chunk, name):
    """A chunk's sample weights: finite and non-negative."""
    weights = _numbers(chunk, name, "--sample-weight")
    negative = np.flatnonzero(weights < 0)
    if negative.shape[0]:
        row = chunk.rows(negative[:1])
        raise chunk.error(
            "--sample-weight",
            f"sample weights must be non-negative; data row {row} holds "
            f"{weights[negative[0]]:g}",
        )
    return weights


def _check_counted_weights(counts, classes, sample_weight):
    """Raise unless some weight is positive and every class weighs something."""
    matrix = counts.confusion_matrix
    if sample_weight is not None and not matrix.any():
        raise InputError("--sample-weight: every sample weight is zero")
    _check_support(classes, matrix.sum(axis=1)[np.searchsorted(counts.labels, classes)])


def interval_note(report):
    """Why the interval leaves out the observed score, or None when it does not.

    Parameters
    ----------
    report : dict
        As returned by :func:`build_report`.

    Returns
    -------
    note : str or None
        One sentence for the reader.

    Examples
    --------
    >>> from sklearn_balanced._cli._report import build_report, interval_note
    >>> table = {"y": ["0", "1"], "p": ["0", "1"]}
    >>> report = build_report(table, y_true="y", y_pred="p")
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
        As returned by :func:`build_report`.

    source : str
        Description of the input, printed in the first line.

    Returns
    -------
    text : str
        The report.

    Examples
    --------
    >>> from sklearn_balanced._cli._report import build_report, format_report
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


def print_report(args):
    """Read the files named by ``args`` and print their report as text or JSON.

    Without ``--html`` the files are read chunk by chunk into counts
    (:func:`count_files`), or with ``--dask`` or ``--scheduler`` partition by
    partition on a Dask cluster; with ``--html``, the one file is read in
    memory, as its figures need every sample.

    Returns
    -------
    report : dict
        As returned by :func:`build_report`.
    inputs : ReportInputs or None
        What the report was computed from, with ``--html``.
    """
    options = {
        "y_true": args.y_true,
        "y_pred": args.y_pred,
        "score": args.score,
        "pos_label": args.pos_label,
        "sample_weight": args.sample_weight,
    }
    inputs = None
    if args.dask or args.scheduler is not None:
        paths = expand_sources(args.file)
        with dask_client(args.scheduler):
            source = DaskSource(paths, delimiter=args.delimiter, encoding=args.encoding)
            report = summarise_counts(count_source(source, **options))
    elif args.html is None:
        paths = expand_sources(args.file)

        def read(path, names):
            return iter_chunks(
                path, names, delimiter=args.delimiter, encoding=args.encoding
            )

        progress = Progress(enabled=not args.quiet and sys.stderr.isatty())
        report = summarise_counts(
            count_files(paths, read=read, progress=progress, **options)
        )
    else:
        if len(args.file) != 1:
            raise InputError("--html reads one FILE in memory; give only one")
        columns = read_table(
            args.file[0], delimiter=args.delimiter, encoding=args.encoding
        )
        inputs = read_inputs(columns, **options)
        report = summarise(inputs)
    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report, source=", ".join(args.file)))
    return report, inputs
