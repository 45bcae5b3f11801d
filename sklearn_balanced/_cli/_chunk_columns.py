"""The columns of a chunk of rows, parsed: labels, finite numbers, sample weights.

The ``chunk_*`` functions and :func:`label_values` read one column of a
:class:`~sklearn_balanced._cli._stream.Chunk` and raise an ``InputError`` naming
the file, the option and the data rows of a value they cannot take (missing,
not a number, infinite, negative weight).
"""

import numpy as np

from sklearn_balanced._cli._table import MISSING
from sklearn_balanced.utils._encode import factorise


def float_or_none(text):
    """``float(text)``, or None where ``text`` is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


def typed_labels(keys, kind):
    """Label keys (text, or integers as read) as labels of ``kind``."""
    if kind == "i":
        return np.array(list(map(int, keys)), dtype=np.int64)
    return np.array(list(map(str, keys)), dtype=str)


def _present(chunk, name, option):
    """A column of a chunk, checked to have no missing value (empty, NA, NaN)."""
    values = chunk.columns[name]
    if values.dtype.kind == "f":
        _check_present(chunk, option, np.isnan(values))
    elif values.dtype.kind not in "iub":
        keys, codes = factorise(_texts(values))
        _check_present(chunk, option, _missing(keys, codes))
    return values


def _texts(values):
    """A column as a list of str."""
    return (values if values.dtype.kind == "O" else values.astype(str)).tolist()


def _check_present(chunk, option, missing):
    """Raise for the rows where ``missing`` is True, if any."""
    missing = np.flatnonzero(missing)
    if missing.shape[0]:
        rows = chunk.rows(missing[:5])
        more = ", ..." if missing.shape[0] > 5 else ""
        raise chunk.error(
            option,
            f"{missing.shape[0]} missing value(s) (NaN or empty) in data row(s) "
            f"{rows}{more}",
        )


def _missing(keys, codes):
    """Which rows hold a missing value (empty, NA, NaN, ...) among text ``keys``."""
    missing = [
        index for index, key in enumerate(keys) if key.strip().lower() in MISSING
    ]
    return np.isin(codes, missing)


def label_values(chunk, name, option):
    """The distinct labels of a chunk's column, in order of first row, and codes.

    Integers as read; anything else as stripped text (the distinct values are
    stripped, not every row).
    """
    values = chunk.columns[name]
    if values.dtype.kind in "iu":
        keys, first, codes = np.unique(values, return_index=True, return_inverse=True)
        order = np.argsort(first)
        return keys[order].tolist(), np.argsort(order)[codes]
    if values.dtype.kind in "fb":
        _present(chunk, name, option)
    raw, codes = factorise(_texts(values))
    keys, stripped = factorise([key.strip() for key in raw])
    codes = stripped[codes]
    _check_present(chunk, option, _missing(keys, codes))
    return keys, codes


def chunk_labels(chunk, name, option, kind):
    """A label column of a chunk as int64 (``kind`` "i") or as text."""
    keys, codes = label_values(chunk, name, option)
    return typed_labels(keys, kind)[codes]


def chunk_numbers(chunk, name, option):
    """A column of a chunk as finite float64 numbers."""
    values = chunk.columns[name]
    if values.dtype.kind in "OU":
        numbers = _plain_numbers(values.tolist())
        if numbers is not None:
            return numbers
    values = _present(chunk, name, option)
    if values.dtype.kind not in "iuf":
        text = [value.strip() for value in _texts(values)]
        numbers = [float_or_none(value) for value in text]
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


def _plain_numbers(texts):
    """Text as float64 numbers; None unless every one is a finite number."""
    try:
        numbers = np.fromiter(map(float, texts), np.float64, len(texts))
    except ValueError:
        return None
    return numbers if np.isfinite(numbers).all() else None


def chunk_weights(chunk, name):
    """A chunk's sample weights: finite and non-negative."""
    weights = chunk_numbers(chunk, name, "--sample-weight")
    negative = np.flatnonzero(weights < 0)
    if negative.shape[0]:
        row = chunk.rows(negative[:1])
        raise chunk.error(
            "--sample-weight",
            f"sample weights must be non-negative; data row {row} holds "
            f"{weights[negative[0]]:g}",
        )
    return weights
