"""The counting driver of the ``report`` sub-command: chunks to mergeable counts.

:func:`count_source` counts the chunks of any source (files on this machine,
partitions on a Dask cluster) into a :class:`ReportCounts`, whatever the rows:
the labels are typed and the classes found from every chunk, and the best
threshold of binary scores is made exact in bounded memory.
"""

import copy
import operator
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
from sklearn_balanced._cli._table import (
    TRUE_LABELS_HINT,
    _is_canonical_int64,
    check_classes,
    check_every_class_weighs,
    check_not_scores,
    check_predicted_among_true,
    parse_labels,
)
from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts
from sklearn_balanced.utils._encode import codes_in, default_pos_label

DEFAULT_THRESHOLD = 0.5
#: What to do about a label column that holds no labels, by option.
LABEL_HINTS = {
    "--y-true": TRUE_LABELS_HINT,
    "--y-pred": "use --score for a column of scores",
}
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
        positive = default_pos_label(classes)
        if positive is not None:
            return positive
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


def _binary_positive(classes, pos_label):
    """The positive class for --score, which needs exactly two classes."""
    if classes.shape[0] != 2:
        raise InputError(
            "--score needs exactly two classes in the true labels; got "
            f"{classes.shape[0]}"
        )
    return _resolve_pos_label(pos_label, classes)


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
        As for :func:`~sklearn_balanced._cli._report_files.count_files`.

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
    classes = check_classes(np.unique(parsed[0]), y_true)
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
    return copy.copy(empty).update(
        chunk_labels(chunk, columns["--y-true"], "--y-true", kind),
        chunk_numbers(chunk, columns["--score"], "--score"),
        pos_label=positive,
        sample_weight=weights,
    )


def _check_counted_weights(counts, classes, sample_weight):
    """Raise unless some weight is positive and every class weighs something."""
    if sample_weight is not None and not counts.confusion_matrix.any():
        raise InputError("--sample-weight: every sample weight is zero")
    check_every_class_weighs(classes, class_support(counts, classes) != 0)


def class_support(counts, classes):
    """The number (or total weight) of the samples of each class, as counted.

    Parameters
    ----------
    counts : ConfusionCounts
        The counts, of every class of ``classes`` among others.
    classes : ndarray of shape (n_classes,)
        The classes of the true labels.

    Returns
    -------
    support : ndarray of shape (n_classes,)
        The row sums of the confusion matrix, infinite where a total weight
        overflows float64.
    """
    with np.errstate(over="ignore"):
        support = counts.confusion_matrix.sum(axis=1)
    return support[codes_in(classes, counts.labels)]
