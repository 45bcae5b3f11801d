"""The labels of the command line: their type, and the checks of label columns.

The label columns of delimited files are read as text; :func:`parse_labels`
decides, from the distinct labels only, whether they are integers or text. The
checks raise :class:`~sklearn_balanced._cli._errors.InputError` (or warn) with
messages naming the option and the column.
"""

import warnings
from decimal import Decimal, InvalidOperation

import numpy as np

from sklearn_balanced._cli._errors import InputError

#: Cells that mean "no value" in a label column (compared stripped, lowercase).
MISSING = frozenset({"", "na", "nan", "null", "none", "n/a"})
_INT64 = np.iinfo(np.int64)


def parse_labels(columns):
    """Parse label columns together, as integers or else as text.

    The labels are integers when every label of every column is an integer in
    canonical form: optional minus sign, no leading zero, no plus sign, no decimal
    point or exponent, within the int64 range (``"7"``, ``"-1"``; not ``"007"``,
    ``"+7"`` or ``"7.0"``). Otherwise all labels are text, so that labels written
    differently are different classes; a warning names two labels that are the
    same number written differently.

    Parameters
    ----------
    columns : dict of str to list of str
        The label columns as read from the file, keyed by the command line option
        naming them (used in messages). Surrounding spaces are ignored.

    Returns
    -------
    labels : list of ndarray of shape (n_samples,)
        The labels of each column, in the order of ``columns``: all of dtype int64
        or all of a string dtype.

    Examples
    --------
    >>> from sklearn_balanced._cli._labels import parse_labels
    >>> [y.tolist() for y in parse_labels({"--y-true": ["1", " 0"]})]
    [[1, 0]]
    >>> y, p = parse_labels({"--y-true": ["1", "2"], "--y-pred": ["1", "other"]})
    >>> y.tolist(), p.tolist()
    (['1', '2'], ['1', 'other'])
    """
    texts = {
        option: [value.strip() for value in values]
        for option, values in columns.items()
    }
    labels = {text for values in texts.values() for text in values}
    if all(_is_canonical_int64(text) for text in labels):
        return [
            np.asarray([int(text) for text in values], dtype=np.int64)
            for values in texts.values()
        ]
    same = _same_number(texts)
    if same is not None:
        (first, first_option), (second, second_option) = same
        warnings.warn(
            f"{first_option} label {first!r} and {second_option} label {second!r} "
            "are the same number written differently; as not every label is a "
            "canonical integer, labels are compared as text, so these are "
            "different classes",
            UserWarning,
            stacklevel=2,
        )
    return [np.asarray(values, dtype=str) for values in texts.values()]


def _is_canonical_int64(text):
    """Whether ``text`` is ``str(n)`` for an integer ``n`` in the int64 range."""
    try:
        number = int(text)
    except ValueError:
        return False
    return str(number) == text and _INT64.min <= number <= _INT64.max


def _same_number(texts):
    """Two different labels, with their options, that read as the same number.

    Parameters
    ----------
    texts : dict of str to list of str
        The stripped labels of each option.

    Returns
    -------
    pair : tuple of two (label, option) tuples, or None
        The first label that reads as the number of an earlier, differently
        written label, after that earlier label; None if there is none.
    """
    seen = {}
    for option, values in texts.items():
        for text in dict.fromkeys(values):
            number = _decimal_or_none(text)
            if number is None:
                continue
            first = seen.setdefault(number, (text, option))
            if first[0] != text:
                return first, (text, option)
    return None


def _decimal_or_none(text):
    """The number ``text`` reads as, as a Decimal; None for text and NaN."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return None if number.is_nan() else number


#: What to do about a column of true labels that holds no labels.
TRUE_LABELS_HINT = "--y-true names the column of the true labels"
#: A label column with more distinct values than this, all numbers and some
#: not whole, looks like scores.
SCORE_LIKE_DISTINCT = 100
#: A label column with more distinct values than this, and than half its rows,
#: looks like scores (or row ids): its confusion matrix would not fit in memory.
NEAR_UNIQUE_DISTINCT = 1000


def check_not_scores(distinct, n_rows, option, name, hint, *, where="", complete=True):
    """Raise if a label column looks like scores: continuous or nearly unique.

    Parameters
    ----------
    distinct : list of str
        The distinct (stripped) values of the column.
    n_rows : int
        Its number of rows.
    option, name : str
        The option naming the column, and its name, for the message.
    hint : str
        What to do instead, ending the message.
    where : str, default=""
        The start of the message, such as the file and a colon.
    complete : bool, default=True
        Whether ``distinct`` holds every distinct value, or only those of the
        first groups (then the message says "or more").

    Raises
    ------
    InputError
        If the column has more than ``SCORE_LIKE_DISTINCT`` distinct values,
        all numbers and some not whole, or more than ``NEAR_UNIQUE_DISTINCT``
        distinct values and more than half as many as rows.

    Examples
    --------
    >>> from sklearn_balanced._cli._labels import check_not_scores
    >>> values = [f"0.{i:03d}" for i in range(500)]
    >>> check_not_scores(values, 500, "--y-pred", "proba", "use --score")
    Traceback (most recent call last):
    ...
    sklearn_balanced._cli._errors.InputError: --y-pred: column 'proba' looks like ...
    """
    n_distinct = len(distinct)
    if n_distinct <= SCORE_LIKE_DISTINCT:
        return
    fraction = _first_fraction(distinct)
    if fraction is None and not (
        n_distinct > NEAR_UNIQUE_DISTINCT and 2 * n_distinct > n_rows
    ):
        return
    example = distinct[0] if fraction is None else fraction
    raise InputError(
        f"{where}{option}: column {name!r} looks like scores, not labels "
        f"({n_distinct}{'' if complete else ' or more'} distinct values in "
        f"{n_rows} rows, such as {example!r}); "
        f"{hint}"
    )


def _first_fraction(values):
    """The first value that is a number but not a whole one, if all are numbers."""
    fraction = None
    for value in values:
        number = _decimal_or_none(value)
        if number is None or not number.is_finite():
            return None
        if fraction is None and number != number.to_integral_value():
            fraction = value
    return fraction


def check_predicted_among_true(classes, predicted, option, name, hint):
    """Raise if no predicted label is a true label; warn if some are not.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The sorted true labels.
    predicted : ndarray
        The predicted labels (of the same dtype as ``classes``).
    option, name : str
        The option naming the predictions' column, and its name.
    hint : str
        What to do, ending the message of the error.

    Raises
    ------
    InputError
        If no predicted label is a true label.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced._cli._labels import check_predicted_among_true
    >>> classes = np.array(["neg", "pos"])
    >>> check_predicted_among_true(classes, np.array(["0.2"]), "--y-pred", "s", "!")
    Traceback (most recent call last):
    ...
    sklearn_balanced._cli._errors.InputError: --y-pred: no value of column 's' ...
    """
    distinct = np.unique(predicted)
    outside = distinct[~np.isin(distinct, classes)]
    if not outside.shape[0]:
        return
    shown = ", ".join(repr(label) for label in outside[:3].tolist())
    shown += ", ..." if outside.shape[0] > 3 else ""
    if outside.shape[0] == distinct.shape[0]:
        true = ", ".join(map(str, classes[:5].tolist()))
        true += ", ..." if classes.shape[0] > 5 else ""
        raise InputError(
            f"{option}: no value of column {name!r} is a true label (true labels: "
            f"{true}; column {name!r} holds {shown}); {hint}"
        )
    warnings.warn(
        f"{option}: {outside.shape[0]} value(s) of column {name!r} are not true "
        f"labels ({shown}); the rows that predict them count as errors",
        UserWarning,
        stacklevel=2,
    )


def check_classes(classes, name):
    """Return the classes of the true labels; raise unless there are two or more.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The sorted true labels.
    name : str
        The column of the true labels, for the message.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        ``classes`` itself.

    Raises
    ------
    InputError
        If there are fewer than two classes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced._cli._labels import check_classes
    >>> check_classes(np.array(["cat"]), "y")
    Traceback (most recent call last):
    ...
    sklearn_balanced._cli._errors.InputError: --y-true: column 'y' holds a single ...
    """
    if classes.shape[0] < 2:
        raise InputError(
            f"--y-true: column {name!r} holds a single class ({classes[0]}); "
            "balanced accuracy needs at least two"
        )
    return classes


def check_every_class_weighs(classes, weighs):
    """Raise unless every class has samples of positive total weight.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The sorted true labels.
    weighs : ndarray of bool of shape (n_classes,)
        Whether each class's total weight is positive.

    Raises
    ------
    InputError
        Naming the first class that weighs nothing.
    """
    if not weighs.all():
        raise InputError(
            f"--sample-weight: class {classes[~weighs][0]} has zero total "
            "weight; balanced accuracy needs every class to weigh something"
        )
