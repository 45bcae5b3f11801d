"""Reductions of Dask collections: block statistics merged by Dask's own tree."""

import operator

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

from dask.callbacks import Callback  # noqa: E402
from dask.core import get_dependencies  # noqa: E402

from sklearn_balanced.utils._dask import map_reduce, reduce_delayed  # noqa: E402


class _Graph(Callback):
    """The task graph that the local scheduler runs."""

    def _start(self, dsk):
        self.graph = dict(dsk)


def _rows_of(block):
    """A statistic that is a tuple holding an array: kept whole, not unpacked."""
    return ([int(v) for v in block], np.array([block.shape[0]]))


def _concatenate(first, second):
    return (first[0] + second[0], first[1] + second[1])


def test_blocks_merge_in_row_order_with_empty_blocks():
    values = np.arange(20)
    x = da.from_array(values, chunks=((3, 0, 5, 0, 0, 7, 5),))
    rows, n = map_reduce(_rows_of, _concatenate, x, split_every=2)
    assert rows == list(range(20))
    np.testing.assert_array_equal(n, [20])


def test_blocks_of_one_and_two_dimensions_and_none_align():
    parts = [np.full((n, 3), float(i)) for i, n in enumerate([7, 7, 5])]
    X = da.concatenate(
        [da.from_delayed(dask.delayed(p), shape=p.shape, dtype=float) for p in parts]
    )
    y = da.arange(19, chunks=((7, 7, 5),))

    def rows(X_block, y_block, missing):
        assert missing is None
        # the block itself, not a copy
        (part,) = (p for p in parts if np.shares_memory(X_block, p))
        return [(X_block.shape, y_block.shape, part[0, 0])]

    with dask.config.set(scheduler="synchronous"):
        got = map_reduce(rows, operator.add, X, y, None)
    assert got == [((7, 3), (7,), 0.0), ((7, 3), (7,), 1.0), ((5, 3), (5,), 2.0)]


@pytest.mark.parametrize("split_every", [2, 4, 8])
def test_no_task_merges_more_than_split_every(split_every):
    x = da.arange(100, chunks=1)
    with _Graph() as seen:
        total = map_reduce(
            lambda b: int(b.sum()), operator.add, x, split_every=split_every
        )
    assert total == 4950
    fan_in = {
        key: len(get_dependencies(seen.graph, key))
        for key in seen.graph
        if "merge-statistics" in str(key) and "-partial" in str(key)
    }
    # a tree: 100 statistics merged in at least log(100, split_every) levels
    assert len(fan_in) >= 100 // split_every
    assert max(fan_in.values()) == split_every


def test_delayed_parts_merge_in_order_with_the_given_compute():
    parts = [dask.delayed(list)(range(i, i + 2)) for i in range(0, 30, 2)]
    computed = []

    def compute(collection):
        computed.append(collection)
        return collection.compute()

    got = reduce_delayed(parts, operator.add, split_every=3, compute=compute)
    assert got == list(range(30))
    assert len(computed) == 1
    assert reduce_delayed(parts[:1], operator.add) == [0, 1]
