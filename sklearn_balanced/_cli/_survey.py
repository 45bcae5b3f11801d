"""The first query over the files: the checks of a command and the type of its labels.

One grouped query over the label columns gathers what every check needs: the
distinct labels (or label pairs) with their numbers of rows, and the numbers of
missing, non-finite and negative numbers. Only these groups come back, at most
``MAX_GROUPS`` of them, whatever the number of rows: a column of scores passed
as labels is caught without pulling its values into Python. Where a check
fails, one more query, on the error path only, finds the file and the row.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sklearn_balanced._cli._errors import InputError
from sklearn_balanced._cli._files import (
    duckdb_errors,
    is_parquet,
    quoted,
    read_files,
)
from sklearn_balanced._cli._labels import (
    MISSING,
    check_classes,
    check_not_scores,
    parse_labels,
)

#: Groups of labels fetched at most; more mean a column of scores or row ids.
MAX_GROUPS = 1 << 20
#: Where ``score >= DEFAULT_THRESHOLD`` the prediction of ``--score`` is positive.
DEFAULT_THRESHOLD = 0.5
#: The checks of the number columns: SQL condition of a bad cell, and the problem.
_NUMBER_CHECKS = (
    ("{} IS NULL", "a missing value (empty or null)"),
    ("NOT isfinite({})", "a value that is not a finite number"),
)
_WEIGHT_CHECK = ("{} < 0", "a negative sample weight")
#: The problem of a bad cell of a group key column, and of the time column.
_KEY_PROBLEM = (
    "a missing value (empty or null)",
    "a missing value or one that is not a timestamp",
)


@dataclass(frozen=True)
class Reading:
    """The files of a command and how to read them.

    Attributes
    ----------
    connection : duckdb.DuckDBPyConnection
        The engine.
    paths : list of Path
        The files.
    columns : dict of str to tuple of (str, bool)
        The column of each option, and whether it holds numbers.
    options : dict
        ``delimiter`` and ``encoding``, as for
        :func:`~sklearn_balanced._cli._files.read_files`.
    """

    connection: object
    paths: list
    columns: dict
    options: dict

    def relation(self, *, located=False):
        """The needed columns of every file, as one relation."""
        with duckdb_errors(self.paths, self.columns, self.connection):
            return read_files(
                self.connection,
                self.paths,
                self.columns,
                located=located,
                **self.options,
            )


@dataclass(frozen=True)
class Survey:
    """What the first query found.

    Attributes
    ----------
    typed : duckdb.DuckDBPyRelation
        The columns, named by their options without dashes (``y_true``,
        ``y_pred``, ``score``, ``sample_weight``...), labels typed as
        :func:`~sklearn_balanced._cli._labels.parse_labels` says (text labels
        trimmed), numbers as DOUBLE.
    groups : dict of str to ndarray
        The distinct label tuples: the typed labels of each label option, and
        ``n`` (rows) and, with ``--score``, ``high`` (rows with a score of at
        least ``DEFAULT_THRESHOLD``) of each.
    n_samples : int
        The number of rows.
    """

    typed: object
    groups: dict
    n_samples: int

    def distinct(self, option):
        """The distinct typed labels of a label option."""
        return np.unique(self.groups[option])


def survey(reading, labels, hints, keys=()):
    """Run the first query over the files, check its answer, type the labels.

    Parameters
    ----------
    reading : Reading
        The files.
    labels : list of str
        The options naming label columns, the true labels first.
    hints : dict of str to str
        What to do about a label column that holds scores, by option.
    keys : sequence of str, default=()
        The options naming group key columns (``--by ...``, ``--time``): kept
        as read (text trimmed; ``--time`` text cast to TIMESTAMP), checked for
        missing (or, for ``--time``, unreadable) values, and named ``key_0``,
        ``key_1``... in the typed relation.

    Returns
    -------
    survey : Survey
        The typed relation and the groups.

    Raises
    ------
    InputError
        If the files have no rows, a label column looks like scores or holds
        missing labels, the true labels hold a single class, or a number
        column holds a missing, non-finite (or, for weights, negative) number;
        naming the file and the row.
    """
    relation = reading.relation()
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    names = {option: name for option, (name, _) in reading.columns.items()}
    text = any(types[names[option]] == "VARCHAR" for option in labels)
    keys_sql = {option: _key_sql(option, names[option], types) for option in keys}
    label_sql = [
        _label_sql(names[option], types[names[option]], text) for option in labels
    ]
    numbers = [option for option in reading.columns if option not in [*labels, *keys]]
    checks = _checks(numbers, names) + [
        (option, f"{sql} IS NULL", _KEY_PROBLEM[option == "--time"])
        for option, sql in keys_sql.items()
    ]
    found = _fetch(reading, relation, _survey_sql(label_sql, checks, names))
    n_rows = int(found["n"].sum())
    if not n_rows:
        raise InputError(f"{', '.join(map(str, reading.paths))} has no data rows")
    if found["n"].shape[0] > MAX_GROUPS:
        _too_many_groups(reading, relation, found, labels, hints)
    for i, option in enumerate(labels):
        _check_labels(reading, option, found[f"key_{i}"], label_sql[i], n_rows, hints)
    check_classes(np.unique(np.ma.getdata(found["key_0"])), names[labels[0]])
    for i, (option, condition, problem) in enumerate(checks):
        if found[f"bad_{i}"].sum():
            _raise_at(reading, option, condition, problem)
    kind, groups = _typed_groups(found, labels, text)
    selected = [
        f"{_cast(key, kind)} AS {_alias(option)}"
        for option, key in zip(labels, label_sql, strict=True)
    ] + [f"{_number_sql(names[option])} AS {_alias(option)}" for option in numbers]
    selected += [f"{sql} AS key_{i}" for i, sql in enumerate(keys_sql.values())]
    typed = relation.query("files", f"SELECT {', '.join(selected)} FROM files")
    return Survey(typed, groups, n_rows)


def _survey_sql(keys, checks, names):
    """The query of the survey: groups of ``keys``, with their counts."""
    aggregates = ["count(*) AS n"]
    if "--score" in names:
        high = f"{_number_sql(names['--score'])} >= {DEFAULT_THRESHOLD}"
        aggregates.append(f"count(*) FILTER (WHERE {high}) AS high")
    aggregates.extend(
        f"count(*) FILTER (WHERE {condition}) AS bad_{i}"
        for i, (_, condition, _) in enumerate(checks)
    )
    return (
        f"SELECT {', '.join(f'{key} AS key_{i}' for i, key in enumerate(keys))}, "
        f"{', '.join(aggregates)} FROM files GROUP BY ALL LIMIT {MAX_GROUPS + 1}"
    )


def _typed_groups(found, labels, text):
    """The kind of the labels ("i", "U" or None: as read) and the typed groups.

    Text labels are integers when every distinct label is a canonical integer
    (:func:`~sklearn_balanced._cli._labels.parse_labels`, on the distinct
    labels only).
    """
    values = [np.ma.getdata(found[f"key_{i}"]) for i in range(len(labels))]
    kind = None
    if text:
        distinct = {
            option: np.unique(values[i].astype(str)).tolist()
            for i, option in enumerate(labels)
        }
        kind = parse_labels(distinct)[0].dtype.kind
        values = [_typed(value.astype(str), kind) for value in values]
    groups = {option: values[i] for i, option in enumerate(labels)}
    groups["n"] = np.asarray(found["n"], dtype=np.int64)
    if "high" in found:
        groups["high"] = np.asarray(found["high"], dtype=np.int64)
    return kind, groups


def _checks(numbers, names):
    """(option, SQL condition of a bad cell, the problem) of each number column."""
    return [
        (option, condition.format(_number_sql(names[option])), problem)
        for option in numbers
        for condition, problem in _NUMBER_CHECKS
        + ((_WEIGHT_CHECK,) if option == "--sample-weight" else ())
    ]


def _fetch(reading, relation, sql):
    """The columns of ``sql`` over ``relation`` (``files`` in it), as NumPy arrays."""
    with duckdb_errors(reading.paths, reading.columns, reading.connection):
        return relation.query("files", sql).fetchnumpy()


def _alias(option):
    """The column name of an option in the typed relation: ``--y-true``: ``y_true``."""
    return option.lstrip("-").replace("-", "_")


def _label_sql(name, duckdb_type, text):
    """A label column in SQL: text trimmed, other types as they are unless ``text``."""
    column = quoted(name)
    if duckdb_type == "VARCHAR":
        return f"trim({column})"
    if text:
        return f"trim(CAST({column} AS VARCHAR))"
    return column


def _key_sql(option, name, types):
    """A group key column in SQL: text trimmed, ``--time`` text as a TIMESTAMP."""
    column = quoted(name)
    if types[name] != "VARCHAR":
        return column
    if option == "--time":
        return f"TRY_CAST(trim({column}) AS TIMESTAMP)"
    return f"trim({column})"


def _number_sql(name):
    return f"CAST({quoted(name)} AS DOUBLE)"


def _cast(key, kind):
    """A label in SQL, cast to the type the labels were found to have."""
    return f"CAST({key} AS BIGINT)" if kind == "i" else key


def _typed(values, kind):
    """Text labels as :func:`parse_labels` types them."""
    if kind == "i":
        return values.astype(np.int64)
    return values.astype(str)


def _check_labels(reading, option, values, key, n_rows, hints):
    """Raise if a label column holds missing labels or looks like scores."""
    missing = np.ma.getmaskarray(values)
    text = ~missing & np.asarray(
        [isinstance(value, str) for value in np.ma.getdata(values)], dtype=bool
    )
    words = np.zeros_like(missing)
    if text.any():
        data = np.ma.getdata(values)[text].astype(str)
        words[text] = np.isin(np.char.lower(np.char.strip(data)), sorted(MISSING))
    if missing.any() or words.any():
        condition = " OR ".join(
            [f"{key} IS NULL"]
            + [f"lower({key}) IN ({', '.join(repr(w) for w in sorted(MISSING))})"]
            * bool(words.any())
        )
        _raise_at(reading, option, condition, "a missing label (empty, NA or null)")
    distinct = list(dict.fromkeys(map(str, np.ma.getdata(values).tolist())))
    name = reading.columns[option][0]
    check_not_scores(distinct, n_rows, option, name, hints[option])


def _too_many_groups(reading, relation, found, labels, hints):
    """Raise for more than ``MAX_GROUPS`` label groups, naming the culprit column."""
    n_rows = int(_fetch(reading, relation, "SELECT count(*) AS n FROM files")["n"][0])
    sizes = []
    for i, option in enumerate(labels):
        distinct = list(
            dict.fromkeys(map(str, np.ma.getdata(found[f"key_{i}"]).tolist()))
        )
        check_not_scores(
            distinct,
            n_rows,
            option,
            reading.columns[option][0],
            hints[option],
            complete=False,
        )
        sizes.append((len(distinct), option))
    size, option = max(sizes)
    raise InputError(
        f"{option}: column {reading.columns[option][0]!r} holds {size} or more "
        f"distinct labels; more than {MAX_GROUPS} groups of labels are not counted"
    )


def _raise_at(reading, option, condition, problem):
    """Raise naming the file and the row of the first cell matching ``condition``."""
    name = reading.columns[option][0]
    located = reading.relation(located=True)
    with duckdb_errors(reading.paths, reading.columns):
        rows = located.filter(condition).order("filename, file_row").limit(1)
        ((filename, file_row),) = rows.select("filename, file_row").fetchall()
    raise InputError(
        f"{filename}, {_where(reading, filename, file_row)}: {option}: column "
        f"{name!r} holds {problem}"
    )


def _where(reading, filename, file_row):
    """The data row (and Parquet row group) of the 0-based ``file_row`` of a file."""
    if not is_parquet(Path(filename)):
        return f"data row {file_row + 1}"
    sizes = reading.connection.sql(
        "SELECT row_group_id, any_value(row_group_num_rows) FROM parquet_metadata(?) "
        "GROUP BY row_group_id ORDER BY row_group_id",
        params=[str(filename)],
    ).fetchall()
    ends = np.cumsum([size for _, size in sizes])
    group = int(np.searchsorted(ends, file_row, side="right"))
    return f"row group {group}, row {file_row + 1}"
