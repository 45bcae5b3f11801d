"""Grouped counts of a PySpark DataFrame, counted by Spark (local[2]): those of arrays.

A session takes seconds to start, so this test only runs when asked for
(``pytest -m spark``) and the module shares one session.
"""

import datetime

import numpy as np
import pytest

from sklearn_balanced.metrics import GroupedConfusionCounts, time_windows

pytestmark = pytest.mark.spark

pytest.importorskip("narwhals")


@pytest.fixture(scope="module")
def spark():
    """One local[2] session for the module, in UTC (pyspark imported only when run)."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("sklearn-balanced-grouped-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_grouped_counts_by_segment_and_window(spark):
    rng = np.random.default_rng(0)
    n = 300
    start = datetime.datetime(2024, 1, 1)
    seconds = rng.integers(0, 40 * 86400, n)
    data = {
        "label": rng.integers(0, 3, n),
        "guess": rng.integers(0, 3, n),
        "region": rng.choice(["north", "south"], n),
        "ts": [start + datetime.timedelta(seconds=int(s)) for s in seconds],
        "weight": rng.integers(0, 4, n).astype(float),
    }
    names = list(data)
    rows = list(
        zip(
            *(list(data[k]) if k == "ts" else data[k].tolist() for k in names),
            strict=True,
        )
    )
    frame = spark.createDataFrame(rows, schema=names)
    counts = GroupedConfusionCounts.from_frame(
        frame,
        y_true="label",
        y_pred="guess",
        by="region",
        time="ts",
        window="7D",
        sample_weight="weight",
    )
    times = np.array(data["ts"], dtype="datetime64[us]")
    assert counts == GroupedConfusionCounts().update(
        data["label"],
        data["guess"],
        [data["region"], time_windows(times, "7D")],
        data["weight"],
    )
