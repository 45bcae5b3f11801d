"""Reading prediction tables chunk by chunk, in memory independent of their rows.

A report only needs mergeable statistics (the confusion counts, and for a score
the class weights per score), so the files are read in chunks of rows and each
chunk is counted, then dropped. Sources are CSV/TSV files (gzip-compressed or
not) and Parquet files, given as paths, globs or directories of Parquet parts.

Each chunk holds the needed columns as NumPy arrays: text (object arrays of
``str``) for delimited files, and for Parquet the integers of integer columns,
the numbers of float columns for scores and weights, and text otherwise.
"""

import codecs
import contextlib
import csv
import glob
import gzip
import io
import itertools
import logging
import zlib
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from pathlib import Path

import numpy as np

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._progress import Progress
from sklearn_balanced._cli._table import (
    GZIP_MAGIC,
    PARQUET_SUFFIXES,
    SIGNATURE_BYTES,
    check_not_binary,
    column,
    decoding_hint,
    delimiter_of,
    describe_delimiter,
    first_duplicate,
)

#: Rows counted at once: bounds the memory of a chunk whatever the file's size.
CHUNK_ROWS = 1 << 16
_READ_BYTES = 1 << 16


@dataclass(frozen=True)
class Chunk:
    """Rows of one file: the needed columns, by name, and where they start.

    Attributes
    ----------
    path : Path
        The file.
    first_row : int or None
        The 1-based data row number of the chunk's first row in its file;
        None when unknown.
    columns : dict of str to ndarray
        The needed columns, each of shape (n_rows,).
    """

    path: Path
    first_row: int
    columns: dict

    @property
    def n_rows(self):
        return next(iter(self.columns.values())).shape[0]

    def rows(self, indices):
        """The data rows of the chunk at ``indices``, as a message names them.

        Numbered in the file; in the partition when its start is unknown
        (``first_row`` None, as for Dask partitions).
        """
        start = 1 if self.first_row is None else self.first_row
        rows = ", ".join(str(start + i) for i in indices)
        return rows if self.first_row is not None else f"{rows} of a partition"

    def error(self, option, message):
        """An :class:`InputError` naming the file and the option."""
        return InputError(f"{self.path}: {option}: {message}")


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
    >>> from sklearn_balanced._cli._stream import expand_sources
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


def iter_chunks(path, names, *, delimiter=None, encoding="utf-8", rows=CHUNK_ROWS):
    """The chunks of a file: the columns ``names`` of up to ``rows`` rows each.

    Parameters
    ----------
    path : Path
        A delimited or Parquet file.
    names : dict of str to str
        Column name to the command line option naming it (for messages).
    delimiter, encoding : str or None
        As for :func:`~sklearn_balanced._cli._table.read_table`.
    rows : int, default=CHUNK_ROWS
        Rows per chunk.

    Yields
    ------
    chunk : Chunk
        The next rows.

    Raises
    ------
    InputError
        For the same bad files as
        :func:`~sklearn_balanced._cli._table.read_table`, named with the line.
    """
    if path.suffix.lower() in PARQUET_SUFFIXES:
        yield from _parquet_chunks(path, names, rows)
    else:
        yield from _delimited_chunks(path, names, delimiter, encoding, rows)


def _check_header(path, header, names):
    """The position of each needed column in ``header``."""
    duplicate = first_duplicate(header)
    if duplicate is not None:
        raise InputError(f"{path}: column {duplicate!r} appears twice in the header")
    table = {name: index for index, name in enumerate(header)}
    return {
        name: column(table, name, f"{path}: {option}") for name, option in names.items()
    }


def _delimited_chunks(path, names, delimiter, encoding, rows):
    with _open_text(path, encoding) as text:
        lines = _guarded(path, text, encoding)
        head = []  # the lines up to the first non-blank one, which is sniffed
        for line in lines:
            head.append(line)
            if line.strip():
                break
        delimiter = delimiter_of(delimiter, path, head[-1] if head else "")
        reader = csv.reader(
            itertools.chain(head, lines), delimiter=delimiter, strict=True
        )
        _, header = next(_records(reader, path), (None, None))
        if header is None:
            raise InputError(f"{path} is empty")
        positions = _check_header(path, [name.strip() for name in header], names)
        body = _Body(path, text, encoding, delimiter, len(header), reader.line_num)
        first_row = 1
        while cells := body.read(list(positions.values()), rows):
            columns = {
                name: np.array(values, dtype=object)
                for name, values in zip(positions, cells, strict=True)
            }
            yield Chunk(path, first_row, columns)
            first_row += len(cells[0])
        if first_row == 1:
            raise InputError(f"{path} has no data rows")


class _Body:
    """The data rows of a delimited file after its header, read in blocks of lines.

    A block of lines without quotes (nor NUL, lone carriage returns or fields
    past the csv module's size limit) is split with ``str`` methods, as the csv
    module would split it; another block of whole, good records is read by the
    csv module at once; any other block record by record, for the line of its
    first bad record.

    Parameters
    ----------
    path : Path
        The file, for messages.
    text : file
        Its text, positioned after the header.
    encoding : str
        Its encoding, for messages.
    delimiter : str
        The delimiter.
    n_fields : int
        The number of fields of the header.
    line : int
        The number of lines read so far (those of the header included).
    """

    def __init__(self, path, text, encoding, delimiter, n_fields, line):
        self.path, self.text, self.encoding = path, text, encoding
        self.delimiter, self.n_fields, self.line = delimiter, n_fields, line

    def read(self, indices, rows):
        """The cells of the fields at ``indices`` of the next ``rows`` data rows.

        Returns
        -------
        cells : list of list of str
            One list per index, in the order of ``indices``; empty at the end
            of the file (fewer rows just before it).

        Raises
        ------
        InputError
            For a row the csv module cannot read, or else for the first row of
            another number of fields than the header.
        """
        cells = [[] for _ in indices]
        n_rows, ragged = 0, None
        while n_rows < rows:
            with _reading(self.path, self.encoding):
                block = list(itertools.islice(self.text, rows - n_rows))
            if not block:
                break
            fields = _plain_fields(
                block, self.delimiter, self.n_fields
            ) or _quoted_fields(block, self.delimiter, self.n_fields)
            if fields is None:
                fields, n_records, found = self._csv_fields(block)
                ragged = ragged or found
            else:
                n_records = len(fields[0])
                self.line += len(block)
            for values, index in zip(cells, indices, strict=True):
                values += fields[index]
            n_rows += n_records
        if ragged is not None:
            line, n_fields = ragged
            raise InputError(
                f"{self.path}, line {line}: expected {self.n_fields} fields as in "
                f"the header, found {n_fields} (delimiter "
                f"{describe_delimiter(self.delimiter)}; choose another with "
                "--delimiter)"
            )
        return cells if n_rows else []

    def _csv_fields(self, block):
        """The fields of the records that start in ``block``, by the csv module.

        The last record may run on past the block, on the next lines of the
        file. Returns the fields of the records of ``n_fields`` fields, by
        column, the number of records, and the line and number of fields of
        the first record of another number of fields (None if none).
        """
        lines = itertools.chain(block, _guarded(self.path, self.text, self.encoding))
        reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
        rows, n_records, ragged = [], 0, None
        for line, row in _records(reader, self.path, self.line):
            n_records += 1
            if len(row) == self.n_fields:
                rows.append(row)
            elif ragged is None:
                ragged = line, len(row)
            if reader.line_num >= len(block):
                break
        self.line += reader.line_num
        return _columns(rows, self.n_fields), n_records, ragged


def _without_nul(cells):
    """Cells without trailing NUL characters."""
    if "\0" in "".join(cells):
        return [cell.rstrip("\0") for cell in cells]
    return cells


def _plain_fields(block, delimiter, n_fields):
    """The fields of lines without quotes, by column, blank lines left out.

    None when the csv module must read the lines: for quotes, NUL, a carriage
    return other than before a newline, a line longer than the csv module's
    field size limit, or a non-blank line without ``n_fields`` fields.
    """
    text = "".join(block)
    if (
        '"' in text
        or "\0" in text
        or max(map(len, block)) > csv.field_size_limit()
        or ("\r" in text and text.count("\r") != text.count("\r\n"))
    ):
        return None
    lines = text.replace("\r\n", "\n").removesuffix("\n").split("\n")
    counts = list(map(str.count, lines, itertools.repeat(delimiter)))
    if counts.count(n_fields - 1) != len(lines):
        if any(
            count != n_fields - 1 and not _blank(line, delimiter)
            for line, count in zip(lines, counts, strict=True)
        ):
            return None
        lines = [
            line
            for line, count in zip(lines, counts, strict=True)
            if count == n_fields - 1
        ]
    fields = delimiter.join(lines).split(delimiter) if lines else []
    if "" in map(str.strip, fields[::n_fields]):  # a blank first field
        lines = [line for line in lines if not _blank(line, delimiter)]
        fields = delimiter.join(lines).split(delimiter) if lines else []
    return [fields[index::n_fields] for index in range(n_fields)]


def _quoted_fields(block, delimiter, n_fields):
    """The fields of whole records, by column, by the csv module; blank ones left out.

    None when the csv module must read the lines one by one (for the line of
    an error): for a record that does not end in the block, or that the csv
    module rejects, or a non-blank record without ``n_fields`` fields.
    """
    try:
        rows = list(csv.reader(block, delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    texts = list(map(str.strip, map("".join, rows)))
    if "" in texts:
        rows = [row for row, text in zip(rows, texts, strict=True) if text]
    if any(map(n_fields.__ne__, map(len, rows))):
        return None
    return _columns(rows, n_fields)


def _columns(rows, n_fields):
    """Rows of ``n_fields`` fields as columns: lists of str without trailing NUL.

    NUL characters end a cell as NumPy's str arrays read it.
    """
    return [_without_nul(list(map(itemgetter(i), rows))) for i in range(n_fields)]


def _blank(line, delimiter):
    """Whether every field of a line is blank (the csv module skips it)."""
    return not line.replace(delimiter, "").strip()


def _open_text(path, encoding):
    """A text stream of a file (gunzipped when it starts like gzip)."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"--encoding: unknown encoding {encoding!r}") from None
    raw = path.open("rb")
    if raw.peek(2)[:2] == GZIP_MAGIC:
        raw.close()
        raw = gzip.open(path, "rb")  # noqa: SIM115 (the caller closes it)
    with _reading(path, encoding):
        head = raw.peek(SIGNATURE_BYTES)[:SIGNATURE_BYTES]
    try:
        check_not_binary(path, head)
    except InputError:
        raw.close()
        raise
    return io.TextIOWrapper(
        raw, encoding="utf-8-sig" if codec == "utf-8" else codec, newline=""
    )


def _guarded(path, text, encoding):
    """The lines of ``text``; a decoding or decompression error as an InputError.

    Closing the generator leaves ``text`` open (``yield from`` would close it).
    """
    with _reading(path, encoding):
        for line in text:  # noqa: UP028 (not yield from: see above)
            yield line


@contextlib.contextmanager
def _reading(path, encoding):
    """A decoding or decompression error of ``path`` as an InputError."""
    try:
        yield
    except UnicodeDecodeError:
        raise _decoding_error(path, encoding) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(
            f"{path} looks gzip-compressed but cannot be decompressed ({exc}); "
            "is it truncated?"
        ) from None


def _decoding_error(path, encoding):
    """The message of the first byte of a file that is not text in ``encoding``."""
    opener = gzip.open if path.read_bytes()[:2] == GZIP_MAGIC else open
    codec = codecs.lookup(encoding).name
    decoder = codecs.getincrementaldecoder("utf-8-sig" if codec == "utf-8" else codec)()
    lines, first = 0, b""
    with opener(path, "rb") as raw:
        while block := raw.read(_READ_BYTES):
            first = first or block
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines + block.count(b"\n", 0, max(exc.start, 0)) + 1
                byte = block[max(exc.start, 0)]
                return InputError(
                    f"{path}, line {line}: not {encoding} text (byte "
                    f"0x{byte:02x} cannot be decoded); " + decoding_hint(first)
                )
            lines += block.count(b"\n")
    return InputError(f"{path}: not {encoding} text; " + decoding_hint(first))


def _records(reader, path, offset=0):
    """The non-blank rows of a CSV reader, each with the line it starts on.

    The reader starts after ``offset`` lines of the file.
    """
    start = offset + 1
    try:
        for row in reader:
            if "".join(row).strip():  # a cell that is not blank
                yield start, row
            start = offset + reader.line_num + 1
    except csv.Error as exc:
        runs_on = (
            f"; the row runs on to line {offset + reader.line_num}: is a quote "
            "unmatched?"
            if offset + reader.line_num > start
            else ""
        )
        raise InputError(f"{path}, line {start}: {exc}{runs_on}") from None


def _parquet_chunks(path, names, rows):
    data = _open_parquet(path)
    positions = _check_header(
        path, [str(name) for name in data.schema_arrow.names], names
    )
    if not data.metadata.num_rows:
        raise InputError(f"{path} has no data rows")
    yield from _parquet_batches(path, data, list(positions), rows)


def _open_parquet(path):
    """A Parquet file, opened with pyarrow (its metadata read)."""
    from sklearn_balanced.utils._optional import import_optional

    parquet = import_optional("pyarrow.parquet", "reading Parquet files")
    with _parquet_errors(path):
        return parquet.ParquetFile(path)


@contextlib.contextmanager
def _parquet_errors(path):
    """An error of pyarrow reading ``path`` as an InputError naming the file."""
    try:
        yield
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None


def _parquet_batches(path, data, names, rows, row_groups=None, first_row=1):
    """The chunks of the columns ``names`` of a Parquet file (or of its row groups).

    A page that cannot be read is an InputError naming the file.
    """
    batches = data.iter_batches(batch_size=rows, columns=names, row_groups=row_groups)
    while True:
        with _parquet_errors(path):
            batch = next(batches, None)
        if batch is None:
            return
        columns = {
            name: _arrow_values(batch.column(batch.schema.get_field_index(name)))
            for name in names
        }
        yield Chunk(path, first_row, columns)
        first_row += batch.num_rows


def _arrow_values(array):
    """An Arrow column as integers, as numbers or as text (nulls as ``""``)."""
    import pyarrow as pa

    kind = array.type
    if array.null_count == 0 and (
        pa.types.is_integer(kind) or pa.types.is_floating(kind)
    ):
        return array.to_numpy()
    values = array.to_numpy(zero_copy_only=False).astype(str)
    if array.null_count:
        values[array.is_null().to_numpy(zero_copy_only=False)] = ""
    return values


class DaskSource:
    """Files read on a Dask cluster, each part counted where it is read.

    Parquet files are read by pyarrow row group by row group (in chunks of
    ``CHUNK_ROWS`` rows), so that their rows are numbered in the file; delimited
    files by ``dask.dataframe`` with pandas' parser (every column as text,
    blank lines skipped), so that their rows are numbered within a partition.

    Parameters
    ----------
    paths : list of Path
        The files: all Parquet, or all delimited.
    delimiter, encoding : str or None
        As for :func:`iter_chunks`.
    progress : Progress, default=None
        Shows Dask's progress bar during each pass when enabled; None shows
        nothing.
    """

    def __init__(self, paths, *, delimiter=None, encoding="utf-8", progress=None):
        if len({path.suffix.lower() in PARQUET_SUFFIXES for path in paths}) > 1:
            raise InputError("--dask reads files of one format: Parquet or delimited")
        self.files = [_dask_file(path, delimiter, encoding) for path in paths]
        self.progress = Progress(enabled=False) if progress is None else progress

    def first(self, columns, function):
        """``function`` of the first chunk of the first file, on the cluster."""
        first = self.files[0]
        node = first.apply(columns, function, None)[0]
        with _pandas_errors(first.path):
            return node.compute()

    def reduce(self, columns, function, combine, stage):
        """Merge ``function`` of every chunk, in a tree, on the cluster."""
        from sklearn_balanced.utils._dask import reduce_delayed

        nodes = [
            node
            for file in self.files
            for node in file.apply(columns, function, combine)
        ]
        compute = partial(self.progress.compute, stage=stage)
        with _pandas_errors(", ".join(str(file.path) for file in self.files)):
            return reduce_delayed(nodes, combine, compute=compute)


def _dask_file(path, delimiter, encoding):
    """A file as :class:`DaskSource` reads it."""
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _DaskParquet(path)
    return _DaskDelimited(path, _dask_frame(path, delimiter, encoding))


class _DaskParquet:
    """A Parquet file read row group by row group on a Dask cluster."""

    def __init__(self, path):
        self.path = path
        data = _open_parquet(path)
        self.header = [str(name) for name in data.schema_arrow.names]
        sizes = [
            data.metadata.row_group(i).num_rows for i in range(data.num_row_groups)
        ]
        if not sum(sizes):
            raise InputError(f"{path} has no data rows")
        starts = np.cumsum([1, *sizes[:-1]]).tolist()
        self.row_groups = [
            (index, start)
            for index, (start, size) in enumerate(zip(starts, sizes, strict=True))
            if size
        ]

    def apply(self, columns, function, combine):
        """Delayed ``function`` of the chunks of each row group, merged with
        ``combine`` (None: of the first chunk only)."""
        import dask

        names = _frame_columns(self.path, self.header, columns)
        return [
            dask.delayed(_row_group_apply)(
                function, combine, self.path, names, index, start
            )
            for index, start in self.row_groups
        ]


def _row_group_apply(function, combine, path, names, row_group, first_row):
    """``function`` of the chunks of a row group, merged (see :class:`_DaskParquet`)."""
    data = _open_parquet(path)
    result = None
    for chunk in _parquet_batches(
        path, data, names, CHUNK_ROWS, [row_group], first_row
    ):
        value = function(chunk)
        if combine is None:
            return value
        result = value if result is None else combine(result, value)
    return result


class _DaskDelimited:
    """A delimited file read as a ``dask.dataframe``, partition by partition."""

    def __init__(self, path, frame):
        self.path, self.frame = path, frame

    def apply(self, columns, function, combine):
        """Delayed ``function`` of each partition (``combine`` is not needed)."""
        import dask

        names = _frame_columns(self.path, self.frame.columns, columns)
        return [
            dask.delayed(_partition_apply)(function, part, self.path)
            for part in self.frame[names].to_delayed()
        ]


@contextlib.contextmanager
def _pandas_errors(files):
    """Errors of pandas' reading of ``files`` as an InputError naming them."""
    from pandas.errors import ParserError

    try:
        yield
    except (ParserError, UnicodeDecodeError, EOFError, zlib.error) as exc:
        raise InputError(f"{files}: {exc}") from None


def _frame_columns(path, labels, columns):
    """The distinct column labels of ``columns``, checked against a header.

    ``labels`` are the header's column labels (str, or any for a data frame).
    """
    header = [str(name) for name in labels]
    duplicate = first_duplicate(header)
    if duplicate is not None:
        raise InputError(f"{path}: column {duplicate!r} appears twice in the header")
    table = dict(zip(header, labels, strict=True))
    return list(
        dict.fromkeys(
            column(table, name, f"{path}: {option}") for option, name in columns.items()
        )
    )


def _partition_apply(function, frame, path):
    """``function`` of a partition of a data frame, as a :class:`Chunk`."""
    columns = {str(name): _pandas_values(frame[name]) for name in frame.columns}
    return function(Chunk(path, None, columns))


def _pandas_values(series):
    """A pandas column as numbers (without missing values) or as text."""
    values = series.to_numpy()
    missing = series.isna().to_numpy()
    if values.dtype.kind in "iuf" and not missing.any():
        return values
    return np.where(missing, "", series.astype(str).to_numpy()).astype(str)


def _dask_frame(path, delimiter, encoding):
    """A delimited file as a Dask data frame."""
    from sklearn_balanced.utils._optional import import_optional

    dd = import_optional("dask.dataframe", "--dask")
    with _open_text(path, encoding) as text:
        lines = _guarded(path, text, encoding)
        header = next((line for line in lines if line.strip()), "")
    if not header:
        raise InputError(f"{path} is empty")
    with _pandas_errors(path):
        return dd.read_csv(
            str(path),
            sep=delimiter_of(delimiter, path, header),
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            blocksize=None if path.suffix.lower() == ".gz" else "64MiB",
            compression="gzip" if path.suffix.lower() == ".gz" else None,
        )


@contextlib.contextmanager
def dask_client(address=None):
    """A ``distributed`` client of the scheduler at ``address``, or of a new
    local cluster (one single-thread worker per core), closed on exit.

    Parameters
    ----------
    address : str, default=None
        The address of a running scheduler, for instance
        ``"tcp://10.0.0.5:8786"``; None starts a local cluster.

    Yields
    ------
    client : distributed.Client
        The client, the default Dask scheduler meanwhile.
    """
    from sklearn_balanced.utils._optional import import_optional

    distributed = import_optional("distributed", "--dask")
    if address is not None:
        try:
            client = distributed.Client(address)
        except OSError as exc:
            raise InputError(
                f"--scheduler: cannot connect to {address} ({exc})"
            ) from None
        with client:
            yield client
        return
    with (
        distributed.LocalCluster(
            threads_per_worker=1,
            # a free port: the scheduler serves HTTP even without a dashboard,
            # and warns when the default port 8787 is taken
            dashboard_address=":0",
            # a worker's error is raised here, in one line: not logged as well
            silence_logs=logging.CRITICAL,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
