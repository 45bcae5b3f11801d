"""Reading prediction tables and parsing their columns for the command line."""

import codecs
import csv
import gzip
import io
import warnings
import zlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from sklearn_balanced._cli._errors import InputError

MISSING = frozenset({"", "na", "nan", "null", "none", "n/a"})
_TAB_SUFFIXES = (".tsv", ".tab")
_SNIFFED_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
PARQUET_SUFFIXES = (".parquet", ".pq")
GZIP_MAGIC = b"\x1f\x8b"
_UTF16_HINT = "it starts with a UTF-16 byte order mark: add --encoding utf-16"
_SIGNATURES = (
    (codecs.BOM_UTF16_LE, _UTF16_HINT),
    (codecs.BOM_UTF16_BE, _UTF16_HINT),
)
#: The first bytes of files that are not delimited text, and what they are.
_BINARY_SIGNATURES = (
    (b"PAR1", "a Parquet file; give it a .parquet suffix"),
    (b"PK\x03\x04", "a ZIP archive (an Excel workbook?); export it as CSV"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an Excel 97-2003 workbook; export it as CSV",
    ),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a table"),
    (b"\xff\xd8\xff", "a JPEG image, not a table"),
    (b"GIF87a", "a GIF image, not a table"),
    (b"GIF89a", "a GIF image, not a table"),
    (b"%PDF-", "a PDF document, not a table"),
    (b"\xfd7zXZ\x00", "an xz archive; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract it first"),
)
#: Bytes of a file read to tell binary files from text.
SIGNATURE_BYTES = 8
_INT64 = np.iinfo(np.int64)


def read_table(path, *, delimiter=None, encoding="utf-8"):
    """Read a table with a header row into a dict of string columns.

    ``.parquet`` and ``.pq`` files are read with pyarrow. Other files are
    delimited text, gzip-compressed or not, read with strict quoting and with
    blank lines skipped. Their delimiter is ``delimiter`` if given, a tab for
    ``.tsv`` and ``.tab`` files (before any ``.gz``), and otherwise whichever of
    comma, semicolon, tab and ``|`` splits the header into the most fields
    (comma on a tie).

    Parameters
    ----------
    path : str or Path
        The file.

    delimiter : str, default=None
        One character, or ``"tab"``, ``"comma"`` or ``"semicolon"``; None to
        choose it as described above.

    encoding : str, default="utf-8"
        Text encoding of a delimited file. A UTF-8 byte order mark is skipped.

    Returns
    -------
    columns : dict of str to list of str
        Each column's values as text, in file order.

    Raises
    ------
    InputError
        If the file is missing, empty, broken gzip, not text in ``encoding``,
        badly quoted, has a row whose number of fields differs from the
        header's, a column name twice in the header, or no data rows; or if
        ``delimiter`` or ``encoding`` is not valid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_balanced._cli._table import read_table
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "p.csv"
    ...     _ = path.write_text("y;p\\n0;1\\n1;1\\n")
    ...     read_table(path)
    {'y': ['0', '1'], 'p': ['1', '1']}
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; name a file")
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    if path.suffix.lower() in PARQUET_SUFFIXES:
        names, values = _read_parquet(path)
    else:
        data = _read_bytes(path)
        check_not_binary(path, data[:SIGNATURE_BYTES])
        text = _decode(data, path, encoding)
        header = next((line for line in text.splitlines() if line.strip()), "")
        names, values = _read_delimited(
            text, path, delimiter_of(delimiter, path, header)
        )
    duplicate = first_duplicate(names)
    if duplicate is not None:
        raise InputError(f"{path}: column {duplicate!r} appears twice in the header")
    if not names or not any(values):
        raise InputError(f"{path} has no data rows")
    return dict(zip(names, values, strict=True))


def _read_bytes(path):
    """The bytes of a file, decompressed when they are gzip-compressed."""
    data = path.read_bytes()
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"{path} looks gzip-compressed but cannot be decompressed ({exc}); "
            "is it truncated?"
        ) from None


def delimiter_of(delimiter, path, header):
    """The delimiter given, implied by the suffix, or sniffed from the header line."""
    if delimiter is not None:
        delimiter = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise InputError(
                f"--delimiter: expected one character, 'tab', 'comma' or "
                f"'semicolon'; got {delimiter!r}"
            )
        return delimiter
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes.pop()
    if suffixes and suffixes[-1] in _TAB_SUFFIXES:
        return "\t"
    return max(_SNIFFED_DELIMITERS, key=lambda candidate: header.count(candidate))


def _read_delimited(text, path, delimiter):
    """Column names and columns of delimited text whose rows all match."""
    rows = _csv_rows(text, path, delimiter)
    if not rows:
        raise InputError(f"{path} is empty")
    (_, header), body = rows[0], rows[1:]
    for line, row in body:
        if len(row) != len(header):
            raise InputError(
                f"{path}, line {line}: expected {len(header)} fields as in the "
                f"header, found {len(row)} (delimiter {describe_delimiter(delimiter)}; "
                "choose another with --delimiter)"
            )
    columns = [[row[i] for _, row in body] for i in range(len(header))]
    return [name.strip() for name in header], columns


def describe_delimiter(delimiter):
    """A delimiter as a reader would name it in a message."""
    return "tab" if delimiter == "\t" else repr(delimiter)


def _decode(data, path, encoding):
    """The text of a file's bytes in ``encoding``, without a UTF-8 byte order mark."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"--encoding: unknown encoding {encoding!r}") from None
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path}, line {line}: not {encoding} text (byte "
            f"0x{data[exc.start]:02x} cannot be decoded); " + decoding_hint(data)
        ) from None


def check_not_binary(path, head):
    """Raise if a file to read as delimited text starts as a known binary format.

    Parameters
    ----------
    path : Path
        The file, for the message.
    head : bytes
        Its first bytes (at least ``SIGNATURE_BYTES`` unless it is shorter),
        decompressed when it is gzip-compressed.

    Raises
    ------
    InputError
        If ``head`` starts with the signature of an image, a document, an
        archive or a Parquet file.
    """
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise InputError(f"{path} is not delimited text: it looks like {kind}")


def decoding_hint(data):
    """What to do about a file (starting with ``data``) not in the encoding tried."""
    for signature, hint in _SIGNATURES:
        if data.startswith(signature):
            return hint
    if b"\0" in data:
        return "it holds NUL bytes, as binary files do: is it a table at all?"
    return (
        "save it as UTF-8, or name its encoding with --encoding "
        "(for example --encoding cp1252 or --encoding latin-1)"
    )


def _csv_rows(text, path, delimiter):
    """The non-blank rows of delimited text, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, start = [], 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        runs_on = (
            f"; the row runs on to line {reader.line_num}: is a quote unmatched?"
            if reader.line_num > start
            else ""
        )
        raise InputError(f"{path}, line {start}: {exc}{runs_on}") from None
    return rows


def first_duplicate(names):
    """The first name that occurs twice in ``names``, or None."""
    seen = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


def _read_parquet(path):
    """Column names and columns, as text, of a Parquet file read with pyarrow."""
    from sklearn_balanced.utils._optional import import_optional

    parquet = import_optional("pyarrow.parquet", "reading Parquet files")
    try:
        table = parquet.read_table(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    columns = [
        ["" if value is None else str(value) for value in values.to_pylist()]
        for values in table.columns
    ]
    return [str(name) for name in table.column_names], columns


def column(columns, name, option):
    if name not in columns:
        available = ", ".join(repr(column) for column in columns)
        raise InputError(
            f"{option}: no column {name!r}; available columns: {available}"
        )
    return columns[name]


def _missing_rows(values):
    """1-based data row numbers of the missing entries."""
    return [i + 1 for i, value in enumerate(values) if value.strip().lower() in MISSING]


def _check_complete(values, option):
    missing = _missing_rows(values)
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
        raise InputError(
            f"{option}: {len(missing)} missing value(s) (NaN or empty) in data row(s) "
            f"{shown}"
        )


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
    >>> from sklearn_balanced._cli._table import parse_labels
    >>> [y.tolist() for y in parse_labels({"--y-true": ["1", " 0"]})]
    [[1, 0]]
    >>> y, p = parse_labels({"--y-true": ["1", "2"], "--y-pred": ["1", "other"]})
    >>> y.tolist(), p.tolist()
    (['1', '2'], ['1', 'other'])
    """
    for option, values in columns.items():
        _check_complete(values, option)
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
    >>> from sklearn_balanced._cli._table import parse_numbers
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


def parse_weights(values):
    """Sample weights: finite, non-negative numbers, not all zero."""
    weights = parse_numbers(values, "--sample-weight")
    if (weights < 0).any():
        row = int(np.flatnonzero(weights < 0)[0]) + 1
        raise InputError(
            f"--sample-weight: sample weights must be non-negative; data row {row} "
            f"holds {weights[row - 1]:g}"
        )
    if not weights.any():
        raise InputError("--sample-weight: every sample weight is zero")
    return weights


#: What to do about a column of true labels that holds no labels.
TRUE_LABELS_HINT = "--y-true names the column of the true labels"
#: A label column with more distinct values than this, all numbers and some
#: not whole, looks like scores.
SCORE_LIKE_DISTINCT = 100
#: A label column with more distinct values than this, and than half its rows,
#: looks like scores (or row ids): its confusion matrix would not fit in memory.
NEAR_UNIQUE_DISTINCT = 1000


def check_not_scores(distinct, n_rows, option, name, hint, *, where=""):
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

    Raises
    ------
    InputError
        If the column has more than ``SCORE_LIKE_DISTINCT`` distinct values,
        all numbers and some not whole, or more than ``NEAR_UNIQUE_DISTINCT``
        distinct values and more than half as many as rows.

    Examples
    --------
    >>> from sklearn_balanced._cli._table import check_not_scores
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
        f"({n_distinct} distinct values in {n_rows} rows, such as {example!r}); "
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
    >>> from sklearn_balanced._cli._table import check_predicted_among_true
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
    >>> from sklearn_balanced._cli._table import check_classes
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
