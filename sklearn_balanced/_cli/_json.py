"""The JSON output of the command line: strict JSON, counts as integers where whole.

Every document printed by ``--format json`` parses with a strict parser
(RFC 8259): a number that is not finite in float64 (a quantity that is
undefined, or a total weight past the float64 range, about 1.8e308) is written
as ``null``, never as ``NaN`` or ``Infinity``. Counts and total weights are
integers when they are whole numbers (always without sample weights, and with
integer weights), as in ``"support": 5995``.
"""

import json
import math
import warnings

import numpy as np

#: The version of the layout of every document that ``--format json`` prints.
JSON_SCHEMA_VERSION = 1
#: Floats up to this size are integers exactly where they are whole, and so are
#: their neighbours: past it, a whole float is not written as an integer.
_EXACT_INTEGERS = 2**53


def count_value(total):
    """A count or total weight as JSON writes it: an int where it is whole.

    Parameters
    ----------
    total : int or float
        A number of samples or a sum of sample weights.

    Returns
    -------
    value : int or float
        ``int(total)`` where ``total`` is a whole number below 2**53 in
        magnitude, else ``float(total)``.

    Examples
    --------
    >>> from sklearn_balanced._cli._json import count_value
    >>> count_value(5995.0), count_value(2.5)
    (5995, 2.5)
    """
    total = float(total)
    if total.is_integer() and abs(total) < _EXACT_INTEGERS:
        return int(total)
    return total


def warn_past_float64(support, classes):
    """Warn where the total weight of a class is past the float64 range.

    Parameters
    ----------
    support : ndarray of shape (n_classes,)
        The total weight of each class, infinite past the float64 range.
    classes : ndarray of shape (n_classes,)
        The classes.
    """
    past = np.flatnonzero(~np.isfinite(support))
    if past.shape[0]:
        warnings.warn(
            f"--sample-weight: the weights of class {classes[past[0]]} add up past "
            "the float64 range (about 1.8e308): its support is infinite in the "
            "text and null in JSON; divide the weights by a constant",
            UserWarning,
            stacklevel=2,
        )


def json_text(document):
    """A JSON-ready document as strict JSON text, non-finite numbers as null.

    The document is indented by two spaces, except that every object inside a
    list is written on one line: a class, a group, a threshold per line, which
    ``grep`` finds and which keeps a report of 100,000 groups small and fast to
    write.

    Parameters
    ----------
    document : dict
        Made of dicts, lists, str, int, float, bool and None.

    Returns
    -------
    text : str
        The document as text.

    Examples
    --------
    >>> from sklearn_balanced._cli._json import json_text
    >>> print(json_text({"accuracy": 0.75, "support": float("inf"),
    ...                  "per_class": [{"label": "a", "recall": float("nan")}]}))
    {
      "accuracy": 0.75,
      "support": null,
      "per_class": [
        {"label": "a", "recall": null}
      ]
    }
    """
    return _indented(document, 0)


def _indented(value, depth):
    """``value`` as JSON text at ``depth`` levels of indentation."""
    inner = "  " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{json.dumps(key)}: {_indented(item, depth + 1)}"
            for key, item in value.items()
        ]
    elif isinstance(value, list | tuple) and value:
        items = [
            inner
            + (
                _one_line(item)
                if isinstance(item, dict)
                else _indented(item, depth + 1)
            )
            for item in value
        ]
    else:
        return _one_line(value)
    brackets = "{}" if isinstance(value, dict) else "[]"
    return f"{brackets[0]}\n" + ",\n".join(items) + f"\n{'  ' * depth}{brackets[1]}"


def _one_line(value):
    """``value`` as JSON text on one line, non-finite floats as null."""
    try:  # the C encoder, unless a float is not finite
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False)


def print_document(document, output_format, as_text):
    """Print a command's document in the ``--format`` asked for.

    Parameters
    ----------
    document : dict
        The JSON-ready document.
    output_format : {"text", "json"}
        The ``--format`` option.
    as_text : callable
        ``as_text(document)`` is the document as text.

    Examples
    --------
    >>> from sklearn_balanced._cli._json import print_document
    >>> print_document({"n_samples": 3}, "text", lambda d: f"{d['n_samples']} rows")
    3 rows
    """
    print(json_text(document) if output_format == "json" else as_text(document))


def _finite(value):
    """``value`` with every float that is not finite replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
