"""The ``report`` sub-command: per-class recall, balanced accuracy, its interval."""

import contextlib
import copy
import operator
import sys
import textwrap
import warnings
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np

from sklearn_balanced._cli._chunk_columns import (
    chunk_labels,
    chunk_numbers,
    chunk_weights,
    float_or_none,
    label_values,
    typed_labels,
)
from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._json import count_value, json_text, warn_past_float64
from sklearn_balanced._cli._stream import (
    DaskSource,
    Progress,
    dask_client,
    expand_sources,
    iter_chunks,
)
from sklearn_balanced._cli._table import (
    TRUE_LABELS_HINT,
    _is_canonical_int64,
    check_not_scores,
    check_predicted_among_true,
    column,
    parse_labels,
    parse_numbers,
    parse_weights,
)
from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts
from sklearn_balanced.utils._plotting import count_text

DEFAULT_THRESHOLD = 0.5
#: What to do about a label column that holds no labels, by option.
LABEL_HINTS = {
    "--y-true": TRUE_LABELS_HINT,
    "--y-pred": "use --score for a column of scores",
}
JSON_SCHEMA_VERSION = 1
#: Bins of the counting pass over the scores of files: ``ScoreCounts(max_bins=)``
#: bins line up in every chunk; the pass after it is exact where the optimum may be.
SCORE_BINS = 1 << 16
#: Bins of each pass over the scores of the bins that may hold the best
#: threshold: exact when they hold fewer distinct scores, otherwise another
#: pass follows, so that memory stays bounded whatever the number of rows.
REFINE_BINS = 1 << 19


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
            if isinstance(label, int) and float_or_none(pos_label) == label
        ]
    if not matches:
        raise InputError(
            f"--pos-label: {pos_label!r} is not one of the classes "
            + ", ".join(map(str, classes.tolist()))
        )
    return matches[0]


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
    labels = {"--y-true": (y_true, raw_truth)}
    if score is None:
        labels["--y-pred"] = (y_pred, raw_prediction)
    for option, (name, values) in labels.items():
        distinct = list(dict.fromkeys(value.strip() for value in values))
        check_not_scores(distinct, len(values), option, name, LABEL_HINTS[option])
    parsed = parse_labels({option: values for option, (_, values) in labels.items()})
    truth = parsed[0]
    weights = None if raw_weights is None else parse_weights(raw_weights)
    classes = _check_classes(np.unique(truth), y_true)
    _check_support(classes, _support(truth, classes, weights))
    if score is None:
        predicted = parsed[1]
        check_predicted_among_true(
            classes, predicted, "--y-pred", y_pred, LABEL_HINTS["--y-pred"]
        )
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
    with warnings.catch_warnings():
        # check_predicted_among_true has warned of these, naming the column
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        return _summary(counted)


def _summary(counted):
    """The report dict of :func:`summarise_counts`."""
    counts, classes = counted.counts, counted.classes
    matrix = counts.confusion_matrix
    with np.errstate(over="ignore"):
        support = matrix.sum(axis=1)[np.searchsorted(counts.labels, classes)]
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

    Whether all labels are integers or all text, by the rule of
    :func:`~sklearn_balanced._cli._table.parse_labels`, depends on every label
    (a chunk alone cannot tell), and so do the classes. The first chunk gives
    guesses of these, which one pass over every chunk checks while it counts
    (the scores in the ``SCORE_BINS`` bins of :class:`ScoreCounts`, which line
    up in all chunks) and gathers the distinct labels. Where a guess was wrong,
    a second pass counts again with what the first found. Where the bins leave
    the best threshold uncertain, a pass counts the scores of the bins that may
    hold it (:meth:`ScoreCounts.refine`) in at most ``REFINE_BINS`` bins:
    exactly when they are fewer, otherwise a further pass follows.

    Parameters
    ----------
    source : FileSource or DaskSource
        Its ``reduce(columns, function, combine, stage)`` applies ``function``
        to every chunk holding ``columns`` (option to column name) and merges
        the results with ``combine``, in row order; its ``first(columns,
        function)`` applies ``function`` to the first chunk.
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
    columns = {**labels, "--score": score, "--sample-weight": sample_weight}
    columns = {option: name for option, name in columns.items() if name is not None}
    guess = source.first(columns, partial(_guess, columns=columns, pos_label=pos_label))
    count = partial(_chunk_counts, columns=columns, guess=guess)
    counted = source.reduce(columns, count, _add, "counting")
    parsed = parse_labels(
        {option: list(values) for option, values in counted.distinct.items()}
    )
    classes = _check_classes(np.unique(parsed[0]), y_true)
    if score is None:
        check_predicted_among_true(
            classes, parsed[1], "--y-pred", y_pred, LABEL_HINTS["--y-pred"]
        )
    positive = None if score is None else _binary_positive(classes, pos_label)
    if counted.error is not None:
        raise counted.error
    found = _Guess(parsed[0].dtype.kind)
    if score is not None:
        found = _Guess(found.kind, classes, positive)
    if counted.counts is None or not _same_guess(guess, found):
        count = partial(_chunk_counts, columns=columns, guess=found)
        counted = source.reduce(columns, count, _add, "counting again")
        if counted.error is not None:
            raise counted.error
        guess = found
    counts, scores = counted.counts, counted.scores
    _check_counted_weights(counts, classes, sample_weight)
    while scores is not None and not scores.exact:
        refine = partial(
            _chunk_refined,
            empty=scores.refine(max_bins=REFINE_BINS),
            columns=columns,
            kind=guess.kind,
            positive=positive,
        )
        scores = source.reduce(columns, refine, operator.add, "refining the threshold")
    return ReportCounts(counts, classes, counted.n_samples, scores, positive)


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


@dataclass(frozen=True)
class _Guess:
    """What counting a chunk needs to know of all chunks, guessed or found.

    Attributes
    ----------
    kind : str
        "i" if the labels are integers, else "U" (text).
    classes : ndarray of shape (2,) or None
        With ``--score``, the two classes (None: unknown).
    positive : scalar or None
        With ``--score``, the positive class (None: unknown).
    """

    kind: str
    classes: np.ndarray | None = None
    positive: object = None


def _guess(chunk, columns, pos_label):
    """The :class:`_Guess` of the first chunk: its kind of labels and classes."""
    options = [option for option in ("--y-true", "--y-pred") if option in columns]
    keys = [label_values(chunk, columns[option], option)[0] for option in options]
    texts = {str(key) for values in keys for key in values}
    kind = "i" if all(map(_is_canonical_int64, texts)) else "U"
    if "--score" not in columns:
        return _Guess(kind)
    classes = np.unique(typed_labels(keys[0], kind))
    try:
        positive = _binary_positive(classes, pos_label)
    except InputError:
        return _Guess(kind)
    return _Guess(kind, classes, positive)


def _same_guess(guess, found):
    """Whether counts made with ``guess`` are those ``found`` asks for."""
    if guess.kind != found.kind or guess.positive != found.positive:
        return False
    if found.classes is None or guess.classes is None:
        return found.classes is guess.classes
    return bool(np.array_equal(guess.classes, found.classes))


class _Counted(NamedTuple):
    """What one pass over chunks gathers.

    ``counts`` and ``scores`` are None where a chunk did not match the guess
    (``scores`` also without ``--score``); ``error`` is the first chunk's error
    of its sample weights, raised once the labels are checked.
    """

    distinct: dict
    counts: ConfusionCounts | None
    scores: ScoreCounts | None
    n_samples: int
    error: InputError | None


def _chunk_counts(chunk, columns, guess):
    """The :class:`_Counted` of one chunk, counted as ``guess`` says.

    The distinct labels are text, in order of rows.
    """
    labels = {}
    for option in ("--y-true", "--y-pred"):
        if option in columns:
            labels[option] = label_values(chunk, columns[option], option)
            check_not_scores(
                list(map(str, labels[option][0])),
                chunk.n_rows,
                option,
                columns[option],
                LABEL_HINTS[option],
                where=f"{chunk.path}: ",
            )
    distinct = {
        option: dict.fromkeys(map(str, keys)) for option, (keys, _) in labels.items()
    }
    scores = None
    if "--score" in columns:
        scores = chunk_numbers(chunk, columns["--score"], "--score")
    counted = _Counted(distinct, None, None, chunk.n_rows, None)
    weights = None
    if "--sample-weight" in columns:
        try:
            weights = chunk_weights(chunk, columns["--sample-weight"])
        except InputError as error:
            return counted._replace(error=error)
    texts = {str(key) for keys, _ in labels.values() for key in keys}
    if guess.kind == "i" and not all(map(_is_canonical_int64, texts)):
        return counted
    keys, codes = labels["--y-true"]
    truth = typed_labels(keys, guess.kind)
    if scores is None:
        keys, codes_pred = labels["--y-pred"]
        predicted = typed_labels(keys, guess.kind)[codes_pred]
        counts = ConfusionCounts().update(truth[codes], predicted, weights)
        return counted._replace(counts=counts)
    if guess.classes is None or not np.isin(truth, guess.classes).all():
        return counted
    positive, classes = guess.positive, guess.classes
    negative = classes[0] if positive == classes[1] else classes[1]
    predicted = np.where(scores >= DEFAULT_THRESHOLD, positive, negative)
    counts = ConfusionCounts().update(truth[codes], predicted, weights)
    binned = ScoreCounts(max_bins=SCORE_BINS).update(
        truth[codes], scores, pos_label=positive, sample_weight=weights
    )
    return counted._replace(counts=counts, scores=binned)


def _union(first, second):
    """The distinct labels of two parts, the first part's first."""
    return {option: {**values, **second[option]} for option, values in first.items()}


def _add(first, second):
    """What two parts gather, together (the first part's error first)."""
    counts, scores = (
        None if one is None or other is None else one + other
        for one, other in zip(first[1:3], second[1:3], strict=True)
    )
    return _Counted(
        _union(first.distinct, second.distinct),
        counts,
        scores,
        first.n_samples + second.n_samples,
        first.error or second.error,
    )


def _chunk_refined(chunk, empty, columns, kind, positive):
    """The score counts of a chunk, by a copy of the refined ``empty`` counts."""
    weights = None
    if "--sample-weight" in columns:
        weights = chunk_weights(chunk, columns["--sample-weight"])
    return copy.deepcopy(empty).update(
        chunk_labels(chunk, columns["--y-true"], "--y-true", kind),
        chunk_numbers(chunk, columns["--score"], "--score"),
        pos_label=positive,
        sample_weight=weights,
    )


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


def _check_counted_weights(counts, classes, sample_weight):
    """Raise unless some weight is positive and every class weighs something."""
    matrix = counts.confusion_matrix
    if sample_weight is not None and not matrix.any():
        raise InputError("--sample-weight: every sample weight is zero")
    with np.errstate(over="ignore"):
        support = matrix.sum(axis=1)
    _check_support(classes, support[np.searchsorted(counts.labels, classes)])


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


def print_report(args):
    """Count the files named by ``args`` and print their report as text or JSON.

    The files are read chunk by chunk into counts (:func:`count_files`), or
    with ``--dask`` or ``--scheduler`` partition by partition on a Dask cluster
    (:func:`count_source`), in memory independent of their number of rows.

    Returns
    -------
    report : dict
        As returned by :func:`build_report`.
    counted : ReportCounts
        The counts the report was computed from, which the figures of
        ``--html`` are drawn from.
    """
    options = {
        "y_true": args.y_true,
        "y_pred": args.y_pred,
        "score": args.score,
        "pos_label": args.pos_label,
        "sample_weight": args.sample_weight,
    }
    paths = expand_sources(args.file)
    if args.dask or args.scheduler is not None:
        with dask_client(args.scheduler):
            source = DaskSource(paths, delimiter=args.delimiter, encoding=args.encoding)
            counted = count_source(source, **options)
    else:

        def read(path, names):
            return iter_chunks(
                path, names, delimiter=args.delimiter, encoding=args.encoding
            )

        progress = Progress(enabled=not args.quiet and sys.stderr.isatty())
        counted = count_files(paths, read=read, progress=progress, **options)
    report = summarise_counts(counted)
    if args.format == "json":
        print(json_text(report))
    else:
        print(format_report(report, source=", ".join(args.file)))
    return report, counted
