"""The narwhals plumbing of counting in tables: frames, columns, nulls, results."""

import sys
import warnings

import numpy as np
import pytest

from sklearn_balanced.utils import _frames

nw = pytest.importorskip("narwhals")
pd = pytest.importorskip("pandas")


def test_an_eager_frame_becomes_lazy_in_its_own_engine():
    frame = pd.DataFrame({"a": [1, 2]})
    module, lazy = _frames.lazy_frame(frame, "caller")
    assert module is nw
    assert isinstance(lazy, nw.LazyFrame)
    assert lazy.collect().to_native().equals(frame)


def test_a_lazy_frame_stays_lazy():
    pl = pytest.importorskip("polars")
    frame = pl.LazyFrame({"a": [1, 2]})
    _, lazy = _frames.lazy_frame(frame, "caller")
    assert lazy.to_native() is frame


@pytest.mark.parametrize(
    "frame", [[1, 2], {"a": [1]}, np.zeros((2, 2)), pd.Series([1, 2]), None]
)
def test_what_narwhals_does_not_take_is_a_type_error_naming_frame(frame):
    with pytest.raises(TypeError, match=r"^frame must be a data frame or table"):
        _frames.lazy_frame(frame, "caller")


def test_without_narwhals_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "narwhals", None)
    with pytest.raises(ImportError, match=r"caller requires narwhals.*\[tables\]"):
        _frames.lazy_frame(pd.DataFrame({"a": [1]}), "caller")


def test_dask_frames_come_without_narwhals_packaging_warning():
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame({"a": [1, 2]}), npartitions=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, lazy = _frames.lazy_frame(frame, "caller")
    assert isinstance(lazy, nw.LazyFrame)


def test_columns_are_checked_by_name():
    schema = nw.Schema({"label": nw.Int64(), "text": nw.String()})
    assert _frames.column_dtype(schema, "text", "y_pred") == nw.String
    with pytest.raises(TypeError, match="y_pred must be the name of a column"):
        _frames.column_dtype(schema, ["text"], "y_pred")
    with pytest.raises(ValueError, match=r"'lab' is not one of \['label', 'text'\]"):
        _frames.column_dtype(schema, "lab", "y_true")


def _values(expression, frame):
    return nw.from_native(frame).select(expression.alias("x"))["x"].to_numpy()


def test_categorical_labels_are_their_strings():
    frame = pd.DataFrame({"kind": pd.Categorical(["b", "a", "b"])})
    schema = nw.from_native(frame).schema
    expression = _frames.label_column(nw, schema, "kind", "y_true")
    assert _values(expression, frame).tolist() == ["b", "a", "b"]
    plain = _frames.label_column(nw, nw.Schema({"n": nw.Int8()}), "n", "y_true")
    assert str(plain) == str(nw.col("n"))


@pytest.mark.parametrize(
    ("values", "exponent", "expected"),
    [
        (np.array([True, False]), 0, [1.0, 0.0]),
        (np.array([3, 4], dtype=np.int16), 0, [3.0, 4.0]),
        (np.array([1e308, 4e307]), 1024, [1e308 * 2.0**-1024, 4e307 * 2.0**-1024]),
        (np.array([5e-324, 1e-323]), -1021, [2.0**-53, 2.0**-52]),
    ],
)
def test_numbers_are_float64_divided_by_a_power_of_two(values, exponent, expected):
    frame = pd.DataFrame({"w": values})
    schema = nw.from_native(frame).schema
    expression = _frames.number_column(
        nw, schema, "w", "sample_weight", exponent=exponent
    )
    got = _values(expression, frame)
    assert got.dtype == np.float64
    assert got.tolist() == expected


def test_a_column_of_text_is_no_number():
    frame = pd.DataFrame({"w": ["1", "2"]})
    with pytest.raises(ValueError, match="sample_weight must name a numeric column"):
        _frames.number_column(nw, nw.from_native(frame).schema, "w", "sample_weight")


def _collected(native, keys=("k",)):
    """The columns of an eager frame, as ``run_query`` gives them."""
    return _frames.collect_columns(nw.from_native(native).lazy(), list(keys))


def test_nulls_of_group_keys_are_counted_by_rows():
    result = _collected(pd.DataFrame({"k": pd.array([1, None, 2, None], "Int64")}))
    rows = np.array([5, 2, 1, 4])
    with pytest.raises(ValueError, match=r"^y_true column 'label' holds 6 null values"):
        _frames.check_no_nulls(result, rows, {"k": ("y_true", "label")})
    full = _collected(pd.DataFrame({"k": [1, 2]}))
    _frames.check_no_nulls(full, rows[:2], {"k": ("y_true", "label")})


def test_one_null_value_is_singular():
    with pytest.raises(ValueError, match="'w' holds 1 null value; drop"):
        _frames.raise_nulls("sample_weight", "w", 1)
    _frames.raise_nulls("sample_weight", "w", 0)


def test_results_come_back_as_plain_numpy_arrays():
    pl = pytest.importorskip("polars")
    result = _collected(
        pl.DataFrame(
            {"text": ["007", "7"], "rows": pl.Series([3, 4], dtype=pl.UInt32)}
        ),
        ["text"],
    )
    text = _frames.to_numpy(result, "text")
    assert text.dtype == object
    assert text.tolist() == ["007", "7"]
    rows = _frames.int_counts(result, "rows")
    assert rows.dtype == np.int64
    assert rows.tolist() == [3, 4]


def test_collecting_sums_past_the_float64_range_does_not_warn():
    frame = pd.DataFrame({"k": [0, 0, 1], "w": [1e308, 1e308, 1.0]})
    _, lazy = _frames.lazy_frame(frame, "caller")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = _frames.run_query(
            lazy,
            {"k": nw.col("k"), "w": nw.col("w")},
            ["k"],
            [nw.col("w").sum(), nw.len().alias("n")],
            where=nw.col("w") > 0,
            derived={"k": nw.col("k") * 10},
            limit=5,
            order="k",
        )
    assert result["k"].tolist() == [0, 10]
    assert result["w"].tolist() == [np.inf, 1.0]
    assert result["n"].tolist() == [2, 1]


#: A row of every DuckDB type a key may have, plain ones and others.
_DUCKDB_ROW = (
    "SELECT 1::BIGINT AS i, 4::INTEGER AS i32, 3::UTINYINT AS u, true AS b, "
    "2.5::FLOAT AS f, 1.5::DOUBLE AS d, ' 007' AS s, "
    "TIMESTAMP '2020-01-01 10:00' AS ts, DATE '2020-01-02' AS dt, "
    "1.25::DECIMAL(5, 2) AS dec, 7::HUGEINT AS h, "
    "TIMESTAMPTZ '2020-01-01 10:00+00' AS tz"
)


@pytest.mark.parametrize(
    "key", ["i", "i32", "u", "b", "f", "d", "s", "ts", "dt", "dec", "h", "tz"]
)
def test_duckdb_results_are_the_columns_arrow_gives(key):
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    relation = duckdb.sql(f"{_DUCKDB_ROW} UNION ALL {_DUCKDB_ROW}")
    query = nw.from_native(relation).group_by(key).agg(nw.len().alias("n"))
    got = _frames.collect_columns(query, [key])
    via_arrow = nw.from_native(relation.to_arrow_table()).lazy()
    want = _frames.collect_columns(
        via_arrow.group_by(key).agg(nw.len().alias("n")), [key]
    )
    for name in (key, "n"):
        assert got[name].dtype == want[name].dtype
        assert got[name].tolist() == want[name].tolist()


def test_duckdb_fetches_plain_results_into_numpy_itself(monkeypatch):
    """One copy of the result: DuckDB's own, without Arrow (and pandas)."""
    duckdb = pytest.importorskip("duckdb")

    def refused(self, *args, **kwargs):
        raise AssertionError("collected through Arrow")

    monkeypatch.setattr(nw.LazyFrame, "collect", refused)
    relation = duckdb.sql("SELECT range % 3 AS k, 'x' AS t FROM range(10)")
    query = nw.from_native(relation).group_by("k", "t").agg(nw.len().alias("n"))
    result = _frames.collect_columns(query.sort("k"), ["k", "t"])
    assert result["k"].tolist() == [0, 1, 2]
    assert result["n"].tolist() == [4, 3, 3]
    dates = nw.from_native(duckdb.sql("SELECT DATE '2020-01-01' AS day"))
    with pytest.raises(AssertionError, match="through Arrow"):
        _frames.collect_columns(dates, ["day"])


def test_null_keys_of_duckdb_results_are_masked():
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.sql("SELECT * FROM (VALUES (1), (NULL), (NULL)) t(k)")
    query = nw.from_native(relation).group_by("k", drop_null_keys=False)
    result = _frames.collect_columns(query.agg(nw.len().alias("n")), ["k"])
    with pytest.raises(ValueError, match="'label' holds 2 null values"):
        _frames.check_no_nulls(
            result, _frames.int_counts(result, "n"), {"k": ("y_true", "label")}
        )
