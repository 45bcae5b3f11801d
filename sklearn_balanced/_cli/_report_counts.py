"""The counting of the ``report`` sub-command: the engine's counts of the files.

:func:`count_survey` counts what :func:`~sklearn_balanced._cli._survey.survey`
found and checked into a :class:`ReportCounts`: without weights, the confusion
counts are those of the survey's groups (no further pass over the files); with
weights they are one grouped query of the engine
(:meth:`ConfusionCounts.from_frame`), and the counts of binary scores, exact
at the best threshold, are :meth:`ScoreCounts.from_frame`'s.
"""

from dataclasses import dataclass

import numpy as np

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._labels import (
    TRUE_LABELS_HINT,
    check_classes,
    check_every_class_weighs,
    check_predicted_among_true,
)
from sklearn_balanced._cli._survey import DEFAULT_THRESHOLD
from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts
from sklearn_balanced.utils._encode import codes_in, default_pos_label

#: Bins of the score counts: exact per distinct score up to this many distinct
#: scores, and beyond it exact at the best threshold by further engine passes.
SCORE_BINS = 1 << 20
#: What to do about a label column that holds no labels, by option.
LABEL_HINTS = {
    "--y-true": TRUE_LABELS_HINT,
    "--y-pred": "use --score for a column of scores",
}


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


def float_or_none(text):
    """``float(text)``, or None where ``text`` is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


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
    grouped : GroupedConfusionCounts or None
        The counts of every group, with ``--by`` or ``--time``.
    """

    counts: ConfusionCounts
    classes: np.ndarray
    n_samples: int
    scores: ScoreCounts | None = None
    positive: object = None
    grouped: object = None


def count_survey(survey, *, y_true, y_pred=None, pos_label=None, weighted=False):
    """Count the files of a report, as checked and typed by the survey.

    Parameters
    ----------
    survey : Survey
        The answer of :func:`~sklearn_balanced._cli._survey.survey`, with the
        options ``--y-true`` and ``--y-pred`` (or ``--score``).
    y_true, y_pred : str or None
        The columns, for messages; ``y_pred`` None for ``--score``.
    pos_label : str, default=None
        Positive class for ``--score``, as text.
    weighted : bool, default=False
        Whether the relation has a ``sample_weight`` column.

    Returns
    -------
    counted : ReportCounts
        The counts.
    """
    classes = check_classes(survey.distinct("--y-true"), y_true)
    truth = survey.groups["--y-true"]
    rows = survey.groups["n"]
    if y_pred is not None:
        predicted = survey.groups["--y-pred"]
        check_predicted_among_true(
            classes, predicted, "--y-pred", y_pred, LABEL_HINTS["--y-pred"]
        )
        if weighted:
            counts = _engine(ConfusionCounts.from_frame, survey.typed, "y_pred")
        else:
            counts = _counts_of_groups(truth, predicted, rows)
        _check_counted_weights(counts, classes, weighted)
        return ReportCounts(counts, classes, survey.n_samples)
    positive = _binary_positive(classes, pos_label)
    negative = classes[0] if positive == classes[1] else classes[1]
    if weighted:
        at_threshold = survey.typed.query(
            "typed",
            "SELECT y_true, CASE WHEN score >= "
            f"{DEFAULT_THRESHOLD} THEN {_sql_value(positive)} ELSE "
            f"{_sql_value(negative)} END AS y_pred, sample_weight FROM typed",
        )
        counts = _engine(ConfusionCounts.from_frame, at_threshold, "y_pred")
    else:
        high = survey.groups["high"]
        counts = _counts_of_groups(
            np.concatenate([truth, truth]),
            np.repeat(np.array([positive, negative]), truth.shape[0]),
            np.concatenate([high, rows - high]),
        )
    _check_counted_weights(counts, classes, weighted)
    scores = _engine(
        ScoreCounts.from_frame,
        survey.typed,
        "score",
        pos_label=positive,
        max_bins=SCORE_BINS,
    )
    return ReportCounts(counts, classes, survey.n_samples, scores, positive)


def _counts_of_groups(truth, predicted, rows):
    """The confusion counts of groups of rows: ``rows[i]`` of each label pair ``i``.

    Without weights, the counts of the files are those of the survey's groups:
    no further pass over the files.
    """
    labels = np.union1d(truth, predicted)
    matrix = np.zeros((labels.shape[0],) * 2, dtype=np.int64)
    np.add.at(matrix, (codes_in(truth, labels), codes_in(predicted, labels)), rows)
    return ConfusionCounts.from_confusion_matrix(matrix, labels=labels)


def _engine(from_frame, relation, column, **options):
    """``from_frame`` of the typed relation; its ValueErrors as InputErrors."""
    weight = "sample_weight" if "sample_weight" in relation.columns else None
    try:
        return from_frame(
            relation,
            y_true="y_true",
            sample_weight=weight,
            **{column: column},
            **options,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _sql_value(label):
    """A label as a SQL literal of its type."""
    label = label.item() if isinstance(label, np.generic) else label
    if isinstance(label, str):
        return "'" + label.replace("'", "''") + "'"
    return repr(label)


def _check_counted_weights(counts, classes, weighted):
    """Raise unless some weight is positive and every class weighs something."""
    if weighted and not counts.confusion_matrix.any():
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
