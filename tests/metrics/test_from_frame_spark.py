"""Counts of PySpark DataFrames, counted by Spark (local[2]): those of arrays.

A session takes seconds to start, so these tests only run when asked for
(``pytest -m spark``, as ``tox -e spark`` does) and share one session.
"""

import numpy as np
import pytest

from sklearn_balanced.metrics import ConfusionCounts, ScoreCounts

pytestmark = pytest.mark.spark

pytest.importorskip("narwhals")


@pytest.fixture(scope="module")
def spark():
    """One local[2] session for the module (pyspark imported only when run)."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("sklearn-balanced-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def _frame(spark, columns):
    """A Spark DataFrame of equal-length NumPy columns (Python values inside)."""
    names = list(columns)
    rows = list(zip(*(columns[name].tolist() for name in names), strict=True))
    return spark.createDataFrame(rows, schema=names)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 400
    label = rng.integers(0, 2, n)
    return {
        "label": label,
        "guess": rng.integers(0, 3, n),
        "proba": np.round(label + rng.normal(size=n), 2),
        "weight": rng.integers(0, 4, n).astype(float),
    }


def test_confusion_counts(spark, data):
    frame = _frame(spark, data)
    counts = ConfusionCounts.from_frame(frame, y_true="label", y_pred="guess")
    assert counts == ConfusionCounts().update(data["label"], data["guess"])
    weighted = ConfusionCounts.from_frame(
        frame, y_true="label", y_pred="guess", sample_weight="weight"
    )
    assert weighted == ConfusionCounts().update(
        data["label"], data["guess"], data["weight"]
    )


def test_string_labels_keep_their_type(spark):
    label = np.array(["007", "7", "7", "a"], dtype=object)
    guess = np.array(["7", "7", "007", "a"], dtype=object)
    frame = _frame(spark, {"label": label, "guess": guess})
    counts = ConfusionCounts.from_frame(frame, y_true="label", y_pred="guess")
    assert counts == ConfusionCounts().update(label, guess)
    assert counts.labels.tolist() == ["007", "7", "a"]


@pytest.mark.parametrize("max_bins", [1 << 20, 16])
def test_score_counts(spark, data, max_bins):
    frame = _frame(spark, data)
    counts = ScoreCounts.from_frame(
        frame, y_true="label", score="proba", sample_weight="weight", max_bins=max_bins
    )
    want = ScoreCounts().update(
        data["label"], data["proba"], sample_weight=data["weight"]
    )
    assert counts.exact
    for tie_break in ("middle", "lowest", "highest"):
        assert counts.best_threshold(tie_break) == want.best_threshold(tie_break)
    if max_bins > 400:
        np.testing.assert_array_equal(
            counts.curve().balanced_accuracy, want.curve().balanced_accuracy
        )


def test_null_values_are_an_error_naming_the_column(spark):
    frame = spark.createDataFrame(
        [(0, 0.1), (None, 0.2), (1, None), (None, 0.4)],
        schema="label int, proba double",
    )
    with pytest.raises(ValueError, match="y_true column 'label' holds 2 null"):
        ConfusionCounts.from_frame(frame, y_true="label", y_pred="label")
    with pytest.raises(ValueError, match="y_true column 'label' holds 2 null"):
        ScoreCounts.from_frame(frame, y_true="label", score="proba", max_bins=2)
    frame = frame.fillna({"label": 0})
    with pytest.raises(ValueError, match="score column 'proba' holds 1 null value"):
        ScoreCounts.from_frame(frame, y_true="label", score="proba")
