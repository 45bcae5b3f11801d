"""Counts of tables, counted by their engine: the same as the counts of arrays.

``ConfusionCounts.from_frame`` and ``ScoreCounts.from_frame`` on every engine
narwhals supports here (pandas with plain, nullable and Arrow dtypes, Polars
eager and lazy, PyArrow, DuckDB, Dask with an empty partition, Ibis) against
``update`` of the same columns as NumPy arrays: equal counts (integer weights
exactly, float weights within rtol 1e-12), the same labels of the same type,
the same curve and best threshold, the same errors. PySpark has its own file.
"""

import warnings
from functools import partial

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts

pytest.importorskip("narwhals")
pd = pytest.importorskip("pandas")

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
TIE_BREAKS = ["middle", "lowest", "highest"]
#: Labels of each kind, with the pandas dtype of their column.
LABELS = {
    "int": ([-1, 0, 1, 2, 7], "int64"),
    "str": (["007", "7", "a", "é", ""], "str"),
    "bool": ([False, True], "bool"),
}
#: Binary labels for scores, the positive class (None: the default rule).
BINARY = {
    "01": ([0, 1], "int64", None),
    "-11": ([-1, 1], "int64", None),
    "str": (["007", "7"], "str", "7"),
    "bool": ([False, True], "bool", True),
}


def _dask(frame):
    dd = pytest.importorskip("dask.dataframe")
    parts = dd.from_pandas(frame, npartitions=2)
    return dd.concat([parts, dd.from_pandas(frame.iloc[:0], npartitions=1)])


def _duckdb(frame):
    duckdb = pytest.importorskip("duckdb")
    pa = pytest.importorskip("pyarrow")
    return duckdb.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))


def _polars(frame):
    return pytest.importorskip("polars").from_pandas(frame)


def _arrow(frame):
    return pytest.importorskip("pyarrow").Table.from_pandas(frame, preserve_index=False)


def _ibis(frame):
    return pytest.importorskip("ibis").memtable(_arrow(frame))


ENGINES = {
    "pandas": lambda frame: frame,
    "pandas-nullable": lambda frame: frame.convert_dtypes(),
    "pandas-arrow": lambda frame: (
        pytest.importorskip("pyarrow") and frame.convert_dtypes(dtype_backend="pyarrow")
    ),
    "polars": _polars,
    "polars-lazy": lambda frame: _polars(frame).lazy(),
    "pyarrow": _arrow,
    "duckdb": _duckdb,
    "dask": _dask,
    "ibis": _ibis,
}


#: Engines whose queries take a tenth of a second or more: fewer examples.
SLOW = ["dask", "ibis"]
FAST = [name for name in ENGINES if name not in SLOW]


def _engines(names, max_examples):
    """Parametrize a hypothesis test over ``names`` at ``max_examples`` each."""

    def decorate(test):
        test = settings(max_examples=max_examples, **SETTINGS)(test)
        return pytest.mark.parametrize("engine", names, indirect=True)(test)

    return decorate


@pytest.fixture(scope="module", params=list(ENGINES))
def engine(request):
    """Turn a pandas frame into a frame of the engine (skipped if not installed)."""
    convert = ENGINES[request.param]
    convert(pd.DataFrame({"a": [1]}))  # skips here when the engine is missing
    return convert


def _column(values, dtype):
    return pd.Series(values, dtype=dtype)


@st.composite
def weights(draw, n, kind):
    """A column of ``n`` weights of a kind, or None."""
    if kind == "none":
        return None
    if kind == "int":
        return _column(
            draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), "int64"
        )
    if kind == "float":
        values = st.floats(0, 10, allow_subnormal=False)
    elif kind == "huge":
        values = st.sampled_from([0.0, 1e308, 5e307, 1.7e308, 3e306])
    else:  # tiny: subnormal
        values = st.integers(0, 5).map(lambda k: k * 5e-324)
    return _column(draw(st.lists(values, min_size=n, max_size=n)), "float64")


WEIGHT_KINDS = ["none", "int", "float", "huge", "tiny"]


def _outcome(function):
    """The value of ``function()``, or the type and message of its ValueError."""
    try:
        return function()
    except ValueError as exc:
        return ValueError, str(exc)


def _same_errors(got, want):
    """Both raised the same error, or neither did (then False)."""
    if isinstance(want, tuple) or isinstance(got, tuple):
        assert got == want
        return True
    return False


def _assert_same_pairs(got, want, exact):
    """Equal confusion counts: bit for bit, or sums within rtol 1e-12."""
    if exact:
        assert got == want
    first, second = got._pairs, want._pairs
    assert np.array_equal(first.classes, second.classes)
    assert first.classes.dtype.kind == second.classes.dtype.kind
    assert np.array_equal(first.true, second.true)
    assert np.array_equal(first.pred, second.pred)
    assert first.counts.dtype == second.counts.dtype
    assert first.exponent == second.exponent
    np.testing.assert_allclose(first.counts, second.counts, rtol=1e-12)
    if second.squares is None:
        assert first.squares is None
    else:
        np.testing.assert_allclose(first.squares, second.squares, rtol=1e-12)


@st.composite
def label_tables(draw):
    """A pandas frame of true and predicted labels and weights."""
    pool, dtype = LABELS[draw(st.sampled_from(sorted(LABELS)))]
    n = draw(st.integers(0, 25))
    labels = st.lists(st.sampled_from(pool), min_size=n, max_size=n)
    kind = draw(st.sampled_from(WEIGHT_KINDS))
    frame = pd.DataFrame(
        {"label": _column(draw(labels), dtype), "guess": _column(draw(labels), dtype)}
    )
    weight = draw(weights(n, kind))
    if weight is not None:
        frame["weight"] = weight
    return frame, kind


@_engines(FAST, 12)
@given(table=label_tables())
def test_confusion_counts_of_a_frame_are_those_of_its_columns(engine, table):
    _check_confusion_counts(engine, table)


@_engines(SLOW, 4)
@given(table=label_tables())
def test_confusion_counts_of_a_slow_engine(engine, table):
    _check_confusion_counts(engine, table)


def _check_confusion_counts(engine, table):
    frame, kind = table
    sample_weight = None if kind == "none" else "weight"
    got = _outcome(
        lambda: ConfusionCounts.from_frame(
            engine(frame), y_true="label", y_pred="guess", sample_weight=sample_weight
        )
    )
    want = _outcome(
        lambda: ConfusionCounts().update(
            frame["label"].to_numpy(),
            frame["guess"].to_numpy(),
            None if kind == "none" else frame["weight"].to_numpy(),
        )
    )
    if _same_errors(got, want):
        return
    _assert_same_pairs(got, want, exact=kind in ("none", "int", "tiny"))
    if kind != "none" and not want._pairs.counts.sum():
        return  # all weights zero: no score
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # predicted classes not true
        assert got.score() == pytest.approx(want.score(), rel=1e-12)


@st.composite
def score_tables(draw, *, many=False):
    """A pandas frame of binary labels, scores (with ties) and weights."""
    name = draw(st.sampled_from(sorted(BINARY)))
    pool, dtype, pos_label = BINARY[name]
    n = draw(st.integers(20, 60) if many else st.integers(0, 20))
    labels = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    if many:
        scores = st.integers(-30, 30).map(lambda k: k / 8)
    else:
        scores = st.sampled_from([-1.5, -0.0, 0.0, 0.25, 0.5, 2.0, 1e300])
    kind = draw(st.sampled_from(["none", "int"] if many else WEIGHT_KINDS))
    frame = pd.DataFrame(
        {
            "label": _column(labels, dtype),
            "proba": _column(draw(st.lists(scores, min_size=n, max_size=n)), "float64"),
        }
    )
    weight = draw(weights(n, kind))
    if weight is not None:
        frame["weight"] = weight
    return frame, kind, pos_label


def _score_counts(frame, kind, pos_label):
    return ScoreCounts().update(
        frame["label"].to_numpy(),
        frame["proba"].to_numpy(),
        pos_label=pos_label,
        sample_weight=None if kind == "none" else frame["weight"].to_numpy(),
    )


def _from_frame(native, kind, pos_label, **params):
    return ScoreCounts.from_frame(
        native,
        y_true="label",
        score="proba",
        pos_label=pos_label,
        sample_weight=None if kind == "none" else "weight",
        **params,
    )


def _thresholds(counts):
    return _outcome(lambda: [counts.best_threshold(tie) for tie in TIE_BREAKS])


@_engines(FAST, 12)
@given(table=score_tables())
def test_score_counts_of_a_frame_are_those_of_its_columns(engine, table):
    _check_score_counts(engine, table)


@_engines(SLOW, 4)
@given(table=score_tables())
def test_score_counts_of_a_slow_engine(engine, table):
    _check_score_counts(engine, table)


def _check_score_counts(engine, table):
    frame, kind, pos_label = table
    got = _outcome(lambda: _from_frame(engine(frame), kind, pos_label))
    want = _outcome(lambda: _score_counts(frame, kind, pos_label))
    if _same_errors(got, want):
        return
    assert repr(got) == repr(want)
    assert np.array_equal(got._classes, want._classes)
    assert got._classes.dtype.kind == want._classes.dtype.kind
    assert got._exponent == want._exponent
    bins, reference = got._all_bins(), want._all_bins()
    assert np.array_equal(bins.low, reference.low)
    assert bins.positive.dtype == reference.positive.dtype
    np.testing.assert_allclose(bins.positive, reference.positive, rtol=1e-12)
    np.testing.assert_allclose(bins.negative, reference.negative, rtol=1e-12)
    thresholds = _thresholds(got)
    if kind in ("none", "int", "tiny"):
        assert thresholds == _thresholds(want)
        curve, expected = got.curve(), want.curve()
        for column, reference_column in zip(curve, expected, strict=True):
            np.testing.assert_array_equal(column, reference_column)


@_engines(FAST, 6)
@given(table=score_tables(many=True), max_bins=st.integers(2, 8))
def test_many_scores_take_passes_and_find_the_threshold_of_memory(
    engine, table, max_bins
):
    _check_binned_counts(engine, table, max_bins)


@_engines(SLOW, 2)
@given(table=score_tables(many=True), max_bins=st.integers(4, 8))
def test_many_scores_on_a_slow_engine(engine, table, max_bins):
    _check_binned_counts(engine, table, max_bins)


def _check_binned_counts(engine, table, max_bins):
    frame, kind, pos_label = table
    got = _outcome(
        lambda: _from_frame(engine(frame), kind, pos_label, max_bins=max_bins)
    )
    want = _outcome(lambda: _score_counts(frame, kind, pos_label))
    if _same_errors(got, want):
        return
    assert got.exact
    assert got._n_samples == want._n_samples
    assert np.array_equal(got._classes, want._classes)
    assert _thresholds(got) == _thresholds(want)
    # The curve is exact at the lowest score of each bin.
    curve, expected = got.curve(), want.curve()
    index = np.searchsorted(-expected.thresholds, -curve.thresholds)
    assert np.array_equal(expected.thresholds[index], curve.thresholds)
    np.testing.assert_array_equal(
        expected.balanced_accuracy[index], curve.balanced_accuracy
    )


def test_many_scores_come_back_in_bounded_groups(monkeypatch):
    """No query brings back more than about ``2 * max_bins`` groups."""
    from sklearn_balanced.metrics import _frame_counts

    sizes = []
    run_query = _frame_counts.run_query

    def counting(*args, **kwargs):
        result = run_query(*args, **kwargs)
        sizes.append(result["rows"].shape[0])
        return result

    monkeypatch.setattr(_frame_counts, "run_query", counting)
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 2_000)
    y_score = np.round(y_true + rng.normal(size=2_000), 3)
    frame = pd.DataFrame({"label": y_true, "proba": y_score})
    for max_bins in (3, 64):
        sizes.clear()
        counts = _from_frame(frame, "none", None, max_bins=max_bins)
        assert counts.exact
        assert counts.best_threshold() == balanced_threshold(y_true, y_score)
        assert len(sizes) > 2
        assert max(sizes) <= 2 * max_bins + 1


def balanced_threshold(y_true, y_score):
    return ScoreCounts().update(y_true, y_score).best_threshold()


@settings(**SETTINGS, max_examples=60)
@given(
    groups=st.lists(
        st.tuples(st.sampled_from([-0.0, 0.0, 0.25, 0.5, 1e300]), st.booleans()),
        unique=True,
    ),
    weighted=st.booleans(),
    shuffled=st.booleans(),
)
def test_sums_of_sorted_groups_are_those_of_score_sums(groups, weighted, shuffled):
    """The groups of a label and a score, sorted by score or not (then sorted)."""
    from sklearn_balanced.metrics._frame_counts import _sorted_score_sums
    from sklearn_balanced.utils._steps import score_sums

    rng = np.random.default_rng(len(groups))
    groups = sorted(groups, key=lambda group: group[0])
    if shuffled:
        rng.shuffle(groups)
    scores = np.array([score for score, _ in groups], dtype=np.float64)
    is_positive = np.array([positive for _, positive in groups], dtype=bool)
    amounts = rng.integers(1, 5, len(groups))
    if weighted:
        amounts = amounts * 0.1
    got = _sorted_score_sums(is_positive, scores, amounts)
    want = score_sums(is_positive, scores, amounts)
    for ours, theirs in zip(got, want, strict=True):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("counts", ["confusion", "score"])
def test_counts_of_a_frame_merge_with_counts_of_arrays(engine, counts):
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 40)
    y_pred = rng.integers(0, 2, 40)
    y_score = rng.integers(0, 9, 40) / 8
    weight = rng.integers(0, 3, 40)
    frame = pd.DataFrame(
        {"label": y_true[:25], "guess": y_pred[:25], "proba": y_score[:25]}
    )
    frame["weight"] = weight[:25]
    if counts == "confusion":
        merged = ConfusionCounts.from_frame(
            engine(frame), y_true="label", y_pred="guess", sample_weight="weight"
        ) + ConfusionCounts().update(y_true[25:], y_pred[25:], weight[25:])
        assert merged == ConfusionCounts().update(y_true, y_pred, weight)
    else:
        merged = _from_frame(engine(frame), "int", None) + ScoreCounts().update(
            y_true[25:], y_score[25:], sample_weight=weight[25:]
        )
        whole = ScoreCounts().update(y_true, y_score, sample_weight=weight)
        assert _thresholds(merged) == _thresholds(whole)
        assert np.array_equal(merged.curve().tpr, whole.curve().tpr)


def test_binned_counts_refuse_to_merge_with_counts_of_arrays():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"label": rng.integers(0, 2, 200), "proba": rng.random(200)})
    counts = _from_frame(frame, "none", None, max_bins=4)
    assert counts.exact
    with pytest.raises(ValueError, match="can only be merged"):
        counts + ScoreCounts().update([0, 1], [0.2, 0.3])


@pytest.mark.parametrize(
    ("column", "argument", "build"),
    [
        ("label", "y_true", "confusion"),
        ("guess", "y_pred", "confusion"),
        ("weight", "sample_weight", "confusion"),
        ("label", "y_true", "score"),
        ("proba", "score", "score"),
        ("weight", "sample_weight", "score"),
        ("label", "y_true", "binned"),
        ("proba", "score", "binned"),
        ("weight", "sample_weight", "binned"),
    ],
)
def test_null_values_are_an_error_naming_the_column(engine, column, argument, build):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "label": pd.array(rng.integers(0, 2, 30), dtype="Int64"),
            "guess": pd.array(rng.integers(0, 2, 30), dtype="Int64"),
            "proba": pd.array(rng.random(30), dtype="Float64"),
            "weight": pd.array(rng.random(30), dtype="Float64"),
        }
    )
    frame.loc[[3, 7, 11], column] = pd.NA
    native = engine(frame)
    if build == "confusion":
        count = partial(
            ConfusionCounts.from_frame,
            native,
            y_true="label",
            y_pred="guess",
            sample_weight="weight",
        )
    else:
        max_bins = 4 if build == "binned" else 99
        count = partial(_from_frame, native, "float", None, max_bins=max_bins)
    with pytest.raises(ValueError, match=f"{argument} column '{column}' holds 3 null"):
        count()


@pytest.mark.parametrize("max_bins", [2, 1 << 20])
def test_nan_scores_and_weights_are_the_errors_of_arrays(max_bins):
    pl = pytest.importorskip("polars")  # NaN is a value there, not a null
    frame = pl.DataFrame(
        {"label": [0, 1, 1, 0], "proba": [0.1, np.nan, 0.3, 0.4], "weight": 1.0}
    )
    with pytest.raises(ValueError, match="Input y_score contains NaN"):
        _from_frame(frame, "none", None, max_bins=max_bins)
    frame = frame.with_columns(proba=pl.lit(0.5), weight=pl.Series([1.0, np.nan] * 2))
    with pytest.raises(ValueError, match="sample_weight must be finite"):
        _from_frame(frame, "float", None, max_bins=max_bins)
    with pytest.raises(ValueError, match="sample_weight must be finite"):
        ConfusionCounts.from_frame(
            frame, y_true="label", y_pred="label", sample_weight="weight"
        )


def test_labels_keep_their_type():
    frame = pd.DataFrame(
        {
            "code": pd.array(["007", "7", "7", "007"], dtype="string[pyarrow]"),
            "flag": pd.array([True, False, False, True], dtype="boolean"),
            "count": pd.array([3, 1, 1, 3], dtype="Int64"),
            "kind": pd.Categorical(["x", "y", "y", "x"]),
            "small": np.array([3, 1, 1, 3], dtype=np.int8),
        }
    )
    for column, expected in [
        ("code", np.array(["007", "7"], dtype=object)),
        ("flag", np.array([False, True])),
        ("count", np.array([1, 3])),
        ("kind", np.array(["x", "y"], dtype=object)),
        ("small", np.array([1, 3], dtype=np.int8)),
    ]:
        labels = ConfusionCounts.from_frame(frame, y_true=column, y_pred=column).labels
        assert labels.dtype == expected.dtype
        assert np.array_equal(labels, expected)


def test_decimal_weights_and_scores_are_counted_as_floats():
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    relation = duckdb.sql(
        "select (range % 2)::INTEGER as label, (range % 5)::DECIMAL(6, 2) / 4 "
        "as proba, (1 + range % 3)::DECIMAL(6, 2) as weight from range(30)"
    )
    frame = relation.df()
    label = frame["label"].to_numpy()
    weight = frame["weight"].astype(float).to_numpy()
    counts = ConfusionCounts.from_frame(
        relation, y_true="label", y_pred="label", sample_weight="weight"
    )
    assert counts == ConfusionCounts().update(label, label, weight)
    scores = _from_frame(relation, "int", None)
    want = ScoreCounts().update(
        label, frame["proba"].astype(float).to_numpy(), sample_weight=weight
    )
    assert _thresholds(scores) == _thresholds(want)


def test_extreme_weights_of_a_lazy_frame_are_rescaled_in_the_engine():
    pl = pytest.importorskip("polars")
    weight = np.array([1e308, 1.7e308, 4e307, 1e308, 5e-324, 0.0])
    frame = pl.DataFrame(
        {"label": [0, 1, 1, 0, 1, 0], "proba": [0.1, 0.9, 0.4, 0.3, 0.2, 0.5]}
    ).with_columns(weight=pl.Series(weight))
    got = ConfusionCounts.from_frame(
        frame.lazy(), y_true="label", y_pred="label", sample_weight="weight"
    )
    want = ConfusionCounts().update(frame["label"], frame["label"], weight)
    _assert_same_pairs(got, want, exact=False)
    assert got.accuracy() == 1.0
    for max_bins in (2, 99):
        counts = _from_frame(frame.lazy(), "float", None, max_bins=max_bins)
        reference = ScoreCounts().update(
            frame["label"].to_numpy(), frame["proba"].to_numpy(), sample_weight=weight
        )
        assert _thresholds(counts) == _thresholds(reference)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"y_true": "nope"}, ValueError, "y_true must name a column of frame: 'nope'"),
        ({"y_pred": 3}, TypeError, "y_pred must be the name of a column"),
        ({"sample_weight": "label"}, ValueError, "sample_weight must name a numeric"),
    ],
)
def test_bad_columns_are_errors_naming_the_argument(arguments, error, message):
    frame = pd.DataFrame({"label": ["a", "b"], "guess": ["a", "a"]})
    with pytest.raises(error, match=message):
        ConfusionCounts.from_frame(
            frame, **{"y_true": "label", "y_pred": "guess", **arguments}
        )
    with pytest.raises(ValueError, match="score must name a numeric column"):
        ScoreCounts.from_frame(frame, y_true="label", score="guess", pos_label="a")


@pytest.mark.parametrize("frame", [[1, 2], np.zeros((2, 2)), "table"])
def test_a_frame_narwhals_does_not_support_is_a_type_error(frame):
    with pytest.raises(TypeError, match="frame must be a data frame or table"):
        ConfusionCounts.from_frame(frame, y_true="a", y_pred="b")
    with pytest.raises(TypeError, match="frame must be a data frame or table"):
        ScoreCounts.from_frame(frame, y_true="a", score="b")


def test_max_bins_is_checked():
    frame = pd.DataFrame({"label": [0, 1], "proba": [0.1, 0.2]})
    with pytest.raises(ValueError, match="max_bins must be an integer of at least 2"):
        ScoreCounts.from_frame(frame, y_true="label", score="proba", max_bins=1)


@pytest.mark.parametrize(
    "pool",
    [
        [-1.7e308, 1.7e308, -1e300, 0.0, 5e-324, -5e-324, 1e-323, 1.0, 1 + 2**-52],
        (1 + 2.0**-52) ** np.arange(40),  # neighbouring floats
        np.arange(1, 50) * 5e-324,  # subnormals: widths without a finite inverse
    ],
    ids=["extremes", "neighbours", "subnormals"],
)
@pytest.mark.parametrize(
    "make", [_duckdb, lambda frame: _polars(frame).lazy()], ids=["duckdb", "polars"]
)
def test_bins_of_scores_of_any_scale_find_the_threshold_of_memory(pool, make):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {"label": rng.integers(0, 2, 60), "proba": rng.choice(pool, 60)}
    )
    frame["weight"] = rng.integers(0, 3, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # plateaus near inf
        want = _thresholds(_score_counts(frame, "int", None))
        for max_bins in (2, 5):
            counts = _from_frame(make(frame), "int", None, max_bins=max_bins)
            assert counts.exact
            assert _thresholds(counts) == want
