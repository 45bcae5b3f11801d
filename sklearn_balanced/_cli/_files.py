"""The files of the command line as one DuckDB relation; DuckDB's errors in one line.

CSV/TSV files (gzip-compressed or not) and Parquet files, named by paths, globs
or directories of Parquet parts, are read by DuckDB (``read_csv`` with every
column typed, ``read_parquet``) into one relation holding only the needed
columns: the engine reads and counts them, in parallel and in bounded memory,
and only counts come back. :func:`connect` sets the threads and the memory
limit of the engine, and a folder it may spill to.
"""

import codecs
import contextlib
import csv
import glob
import gzip
import os
import re
import tempfile
import zlib
from pathlib import Path

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced.utils._optional import import_optional

PARQUET_SUFFIXES = (".parquet", ".pq")
GZIP_MAGIC = b"\x1f\x8b"
_TAB_SUFFIXES = (".tsv", ".tab")
_SNIFFED_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
#: Python's names of the encodings DuckDB's CSV reader reads, and DuckDB's names.
_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16", "iso8859-1": "latin-1"}
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
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: The type of a column of delimited text, by whether it holds numbers.
_TYPES = {False: "VARCHAR", True: "DOUBLE"}
#: Bytes of a delimited file read to find its header and tell binary files.
_HEAD_BYTES = 1 << 16
#: Threads of the engine: a few, so that a small machine stays usable.
DEFAULT_THREADS = min(4, os.cpu_count() or 1)
#: Memory the engine may hold before it spills to disk (counts need little).
DEFAULT_MEMORY_LIMIT = "1GB"


@contextlib.contextmanager
def connect(*, threads=None, memory_limit=None):
    """A DuckDB connection of its own, for the duration of a command.

    Parameters
    ----------
    threads : int, default=None
        Threads of the engine; None means ``DEFAULT_THREADS``.
    memory_limit : str, default=None
        Memory the engine may hold before it spills to a temporary folder,
        as DuckDB writes it (``"1GB"``, ``"500MB"``); None means
        ``DEFAULT_MEMORY_LIMIT``.

    Yields
    ------
    connection : duckdb.DuckDBPyConnection
        The connection, closed (and its folder removed) on exit.
    """
    duckdb = engine_module("duckdb")
    engine_module("narwhals")
    config = {
        "threads": DEFAULT_THREADS if threads is None else threads,
        "memory_limit": DEFAULT_MEMORY_LIMIT if memory_limit is None else memory_limit,
        "preserve_insertion_order": False,
    }
    with tempfile.TemporaryDirectory(prefix="sklearn-balanced-") as folder:
        config["temp_directory"] = folder
        try:
            connection = duckdb.connect(config=config)
        except duckdb.Error as exc:
            raise InputError(_option_error(exc, threads, memory_limit)) from None
        try:
            connection.execute("SET enable_progress_bar = false")
            # Prefetching reads whole column chunks of Parquet row groups ahead,
            # into memory the engine keeps until the connection closes (50 to
            # 90 MB more at the peak of a --score report of 2e7 rows, on two
            # threads); from a local disk, reading ahead gains little.
            connection.execute("SET disable_parquet_prefetching = true")
            yield connection
        finally:
            connection.close()


def engine_module(name):
    """Import ``duckdb`` or ``narwhals``, or say to install the ``cli`` extra."""
    try:
        return import_optional(name, "sklearn-balanced report and compare")
    except ImportError as exc:
        hint = str(exc).replace("sklearn-balanced[tables]", "sklearn-balanced[cli]")
        raise ImportError(hint) from None


def _option_error(exc, threads, memory_limit):
    """The message of a connection refused for ``--threads`` or ``--memory-limit``."""
    first = str(exc).splitlines()[0]
    option = "--memory-limit" if "memory" in first.lower() else "--threads"
    value = memory_limit if option == "--memory-limit" else threads
    return f"{option}: DuckDB refuses {value!r} ({first})"


def expand_sources(patterns):
    """The files named by paths, globs and directories of Parquet parts.

    Parameters
    ----------
    patterns : list of str
        Files, glob patterns (``*``, ``?``, ``[...]``, ``**``) and directories,
        whose ``*.parquet`` and ``*.pq`` files are read in name order.

    Returns
    -------
    paths : list of Path
        The files, each once, in the order given (glob matches sorted).

    Raises
    ------
    InputError
        If a path does not exist or a pattern or directory matches no file.

    Examples
    --------
    >>> from sklearn_balanced._cli._files import expand_sources
    >>> expand_sources(["no-such-file.csv"])
    Traceback (most recent call last):
    ...
    sklearn_balanced._cli._errors.InputError: no such file: no-such-file.csv
    """
    paths = {}
    for pattern in patterns:
        for path in _expand(pattern):
            paths.setdefault(path, None)
    return list(paths)


def _expand(pattern):
    path = Path(pattern)
    if path.is_dir():
        parts = sorted(
            p for p in path.iterdir() if p.suffix.lower() in PARQUET_SUFFIXES
        )
        if not parts:
            raise InputError(f"{path}: a directory without .parquet or .pq files")
        return parts
    if path.is_file():
        return [path]
    if glob.has_magic(pattern):
        matches = sorted(Path(p) for p in glob.glob(pattern, recursive=True))
        files = [p for p in matches if p.is_file()]
        if files:
            return files
    raise InputError(f"no such file: {pattern}")


def is_parquet(path):
    """Whether ``path`` names a Parquet file (by its suffix)."""
    return path.suffix.lower() in PARQUET_SUFFIXES


def read_files(
    connection, paths, columns, *, delimiter=None, encoding="utf-8", located=False
):
    """One relation of the needed columns of every file, read by DuckDB.

    Parameters
    ----------
    connection : duckdb.DuckDBPyConnection
        As :func:`connect` gives it.
    paths : list of Path
        The files, as :func:`expand_sources` gives them: Parquet by suffix,
        the others delimited text, gzip-compressed by suffix or content.
    columns : dict of str to tuple of (str, bool)
        The column name of each option (for messages), and whether it holds
        numbers (read as DOUBLE from delimited text) rather than labels (read
        as VARCHAR, so that ``'007'`` stays ``'007'``).
    delimiter : str, default=None
        One character, or ``"tab"``, ``"comma"`` or ``"semicolon"``; None for a
        tab in ``.tsv`` and ``.tab`` files and otherwise whichever of comma,
        semicolon, tab and ``|`` splits the header into the most fields.
    encoding : str, default="utf-8"
        Encoding of delimited text: UTF-8, UTF-16 or Latin-1.
    located : bool, default=False
        Whether to add the columns ``filename`` and ``file_row`` (the 0-based
        data row in the file), for messages that point at a row; the files
        are then read in order, on one thread.

    Returns
    -------
    relation : duckdb.DuckDBPyRelation
        The columns of every file (each needed column once, under its own
        name), Parquet columns with their Parquet types.

    Raises
    ------
    InputError
        If a file misses a column, or a delimited file is binary, not in a
        readable encoding, or its header names a needed column twice.
    """
    names = {name: (option, numeric) for option, (name, numeric) in columns.items()}
    parquet = [path for path in paths if is_parquet(path)]
    delimited = [path for path in paths if not is_parquet(path)]
    parts = []
    if located:
        connection.execute("SET threads = 1; SET preserve_insertion_order = true")
    if parquet:
        parts.append(_parquet(connection, parquet, names, located))
    if delimited:
        duckdb_encoding = _duckdb_encoding(encoding)
        groups = {}
        for path in delimited:
            options = _delimited_options(path, delimiter, encoding, names)
            groups.setdefault(options, []).append(path)
        parts.extend(
            _delimited(connection, group, options, names, duckdb_encoding, located)
            for options, group in groups.items()
        )
    relation = parts[0]
    for part in parts[1:]:
        relation = relation.union(part)
    return relation


def _parquet(connection, paths, names, located):
    """The needed columns of Parquet files, with their Parquet types."""
    with duckdb_errors(paths):
        for path in paths:
            available = connection.read_parquet(str(path)).columns
            schema = connection.sql(
                "SELECT name FROM parquet_schema(?)", params=[str(path)]
            ).fetchall()
            for name in names:
                if schema.count((name,)) > 1:
                    raise InputError(
                        f"{path}: column {name!r} appears twice in the header"
                    )
            for name, (option, _) in names.items():
                if name not in available:
                    raise _no_column(path, option, name, available)
        files = ", ".join(_literal(str(path)) for path in paths)
        if not located:
            return connection.sql(
                f"SELECT {', '.join(map(quoted, names))} "
                f"FROM read_parquet([{files}], union_by_name = true)"
            )
        return connection.sql(
            f"SELECT {', '.join(map(quoted, names))}, filename, file_row_number "
            f"AS file_row FROM read_parquet([{files}], union_by_name = true, "
            "filename = true, file_row_number = true)"
        )


def _no_column(path, option, name, available):
    shown = ", ".join(repr(column) for column in available)
    return InputError(
        f"{path}: {option}: no column {name!r}; available columns: {shown}"
    )


def _duckdb_encoding(encoding):
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"--encoding: unknown encoding {encoding!r}") from None
    if codec.startswith("utf-16"):
        codec = "utf-16"
    if codec not in _ENCODINGS:
        raise InputError(
            f"--encoding: DuckDB reads UTF-8, UTF-16 and Latin-1 text, not "
            f"{encoding!r}; convert the file first (for example: iconv -f "
            f"{encoding} -t utf-8 FILE > FILE.utf8.csv)"
        )
    return _ENCODINGS[codec]


def _delimited_options(path, delimiter, encoding, names):
    """The reading options of a delimited file.

    (delimiter, compression, header, blank lines before the header).
    """
    head, compressed = _head(path)
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            raise InputError(f"{path} is not delimited text: it looks like {kind}")
    codec = codecs.lookup(encoding).name
    if not codec.startswith("utf-16"):
        if head.startswith(_UTF16_BOMS):
            raise InputError(
                f"{path}, line 1: not {encoding} text: it starts with a UTF-16 "
                "byte order mark: add --encoding utf-16"
            )
        if b"\0" in head:
            raise InputError(
                f"{path} is not delimited text: it holds NUL bytes, as binary files do"
            )
    text = head.decode(codec if codec != "utf-8" else "utf-8-sig", errors="replace")
    lines = text.splitlines()
    skip = next((i for i, line in enumerate(lines) if line.strip()), None)
    if skip is None:
        raise InputError(f"{path} is empty")
    lines = lines[skip:]
    separator = _delimiter_of(delimiter, path, lines[0])
    header = tuple(
        cell.strip() for cell in next(csv.reader([lines[0]], delimiter=separator), [])
    )
    seen = set()
    for name in header:
        if name in seen and name in names:
            raise InputError(f"{path}: column {name!r} appears twice in the header")
        seen.add(name)
    for name, (option, _) in names.items():
        if name not in header:
            raise _no_column(path, option, name, header)
    return separator, "gzip" if compressed else "none", header, skip


def _head(path):
    """The first bytes of a file, decompressed, and whether it is gzip-compressed."""
    with open(path, "rb") as file:
        head = file.read(_HEAD_BYTES)
    if not head.startswith(GZIP_MAGIC):
        return head, False
    try:
        with gzip.open(path, "rb") as file:
            return file.read(_HEAD_BYTES), True
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(_gzip_message(path, exc)) from None


def _gzip_message(path, reason):
    return (
        f"{path} looks gzip-compressed but cannot be decompressed ({reason}); "
        "is it truncated?"
    )


def _delimiter_of(delimiter, path, header):
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


def _delimited(connection, paths, options, names, encoding, located):
    """The needed columns of delimited files read with the same options."""
    separator, compression, header, skip = options
    types = ", ".join(
        f"{_literal(name)}: '{_TYPES[names.get(name, (None, False))[1]]}'"
        for name in header
    )
    files = ", ".join(_literal(str(path)) for path in paths)
    selected = ", ".join(map(quoted, names))
    if located:
        selected += (
            ", filename, row_number() OVER (PARTITION BY filename) - 1 AS file_row"
        )
    return connection.sql(
        f"SELECT {selected} FROM read_csv([{files}], "
        f"header = true, skip = {skip}, auto_detect = false, "
        f"delim = {_literal(separator)}, "
        "quote = '\"', escape = '\"', strict_mode = true, "
        f"compression = '{compression}', encoding = '{encoding}', "
        f"filename = {str(located).lower()}, columns = {{{types}}})"
    )


def _literal(text):
    """A string as a SQL literal."""
    return "'" + text.replace("'", "''") + "'"


def quoted(name):
    """A column name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def duckdb_errors(paths, columns=None, connection=None):
    """Turn DuckDB's errors while reading ``paths`` into one-line InputErrors.

    Parameters
    ----------
    paths : list of Path
        The files read, for messages where DuckDB names none.
    columns : dict of str to tuple, default=None
        As for :func:`read_files`: the column of each option, for messages
        about cells that are not numbers.
    connection : duckdb.DuckDBPyConnection, default=None
        Where DuckDB names no file of several, each file is read again alone
        on it (on the error path only), to name the first that fails.
    """
    duckdb = engine_module("duckdb")
    names = {name: option for option, (name, _) in (columns or {}).items()}
    try:
        yield
    except duckdb.Error as exc:
        message = str(exc)
        if (
            connection is not None
            and len(paths) > 1
            and not any(str(path) in message for path in paths)
        ):
            for path in paths:
                with duckdb_errors([path], columns):
                    _read_all(connection, path, columns)
        raise InputError(condense(message, paths, names)) from None


def _read_all(connection, path, columns):
    """Read every needed cell of one file (to find the one that fails)."""
    relation = read_files(connection, [path], columns or {})
    relation.aggregate(
        ", ".join(f"max(hash({quoted(name)}))" for name in relation.columns)
    ).fetchall()


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FILE = re.compile(r"^\s*file = (.*)$", re.MULTILINE)
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_DELIMITER = re.compile(r"^\s*delimiter = (\S+) \(", re.MULTILINE)
_ENCODING = re.compile(r"This file is not (\S+) encoded")
_CONVERSION = re.compile(
    r'Error when converting column "(.*)"\. Could not convert string "(.*)" to'
)


def condense(message, paths, names=None):
    """DuckDB's multi-line error ``message`` as one line naming file, line and column.

    Parameters
    ----------
    message : str
        The error as DuckDB words it.
    paths : list of Path
        The files read; the first is named where DuckDB names none.
    names : dict of str to str, default=None
        The option naming each column, by column name.

    Returns
    -------
    message : str
        One line.

    Examples
    --------
    >>> from sklearn_balanced._cli._files import condense
    >>> condense(
    ...     "Invalid Input Error: CSV Error on Line: 3\\nOriginal Line: 1,0\\n"
    ...     "Expected Number of Columns: 3 Found: 2\\n\\n  file = p.csv\\n"
    ...     "  delimiter = , (Set By User)\\n",
    ...     ["p.csv"],
    ... ).split(" (")[0]
    'p.csv, line 3: expected 3 fields as in the header, found 2'
    """
    names = names or {}
    message = "".join(
        text if text.isprintable() or text == "\n" else f"\\x{ord(text):02x}"
        for text in message
    )
    found = _FILE.search(message)
    named = [str(path) for path in paths if str(path) in message]
    where = (
        found.group(1).strip() if found else (named or [", ".join(map(str, paths))])[0]
    )
    line = _LINE.search(message)
    if line is None:
        first = message.splitlines()[0] if message else "unknown error"
        if "GZIP" in first or "gzip" in first:
            return _gzip_message(where, first.split(": ", 1)[-1])
        if "magic bytes" in first or "Parquet" in first or "parquet" in first:
            return f"{where}: not a readable Parquet file ({first})"
        return f"{where}: {first}"
    where = f"{where}, line {line.group(1)}"
    columns = _COLUMNS.search(message)
    if columns is not None:
        separator = _DELIMITER.search(message)
        separator = separator.group(1) if separator else ","
        shown = "tab" if separator in ("\\t", "\t") else repr(separator)
        return (
            f"{where}: expected {columns.group(1)} fields as in the header, found "
            f"{columns.group(2)} (delimiter {shown}; choose another with --delimiter)"
        )
    conversion = _CONVERSION.search(message)
    if conversion is not None:
        name, value = conversion.groups()
        option = names.get(name, "--score")
        return f"{where}: {option}: expected numbers in column {name!r}; got {value!r}"
    if "unterminated quote" in message:
        return (
            f"{where}: a quoted value is not closed as it should be: is a quote "
            "unmatched?"
        )
    encoding = _ENCODING.search(message)
    if encoding is not None:
        return (
            f"{where}: not {encoding.group(1)} text; save it as UTF-8, or name its "
            "encoding with --encoding (utf-16 or latin-1)"
        )
    reason = next(
        (
            text.strip()
            for text in message.splitlines()[1:]
            if text.strip() and not text.startswith("Original Line")
        ),
        "",
    )
    return f"{where}: {reason}"
