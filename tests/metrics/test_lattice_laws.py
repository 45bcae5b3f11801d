"""The batched lattice laws: chunks, blocks and shared components change nothing.

References: every law computed alone (a batch of one, in one chunk) for the
chunked path that discretises equal components once; ``np.unique(axis=0)`` for
the distinct rows; ``np.interp`` on the node CDF with its flat stretches dropped
(what ``lattice_ppf`` computed law by law) for the batched quantiles.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_balanced.metrics import _beta_average, _lattice_laws
from sklearn_balanced.metrics._beta_average import (
    beta_average_distribution,
    beta_average_laws,
)
from sklearn_balanced.metrics._lattice_laws import (
    STEP_LEVELS,
    LatticeLaws,
    distinct_rows,
    lattice_step,
    laws_ppf,
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
#: Nodes of the laws of these tests: few, for speed (the path is the same).
N_NODES = 512


@st.composite
def shape_tables(draw, max_components=4, max_rows=12):
    """Rows of Beta shapes drawn from a small pool: rows and components repeat."""
    n_components = draw(st.integers(1, max_components))
    shape = st.one_of(
        st.integers(1, 6).map(float),
        st.floats(0.5, 60.0),
        st.sampled_from([1e3, 2.5e5, 1e9]),
    )
    pool = draw(st.lists(st.tuples(shape, shape), min_size=1, max_size=5))
    picks = draw(
        st.lists(
            st.lists(
                st.integers(0, len(pool) - 1),
                min_size=n_components,
                max_size=n_components,
            ),
            min_size=1,
            max_size=max_rows,
        )
    )
    alpha, beta = np.array(pool)[np.array(picks)].transpose(2, 0, 1)
    return alpha, beta


@settings(max_examples=25, **SETTINGS)
@given(
    shape_tables(),
    st.sampled_from([300, 3000, 1 << 17]),
    st.integers(1, 4),
    st.sampled_from([2, 64]),
)
def test_chunked_laws_are_the_laws_alone(table, budget, blocks, n_rows):
    """Rows in slices, chunks and blocks, equal components discretised once."""
    alpha, beta = table
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_lattice_laws, "NODE_BUDGET", budget)
        patch.setattr(_lattice_laws, "TABLE_BLOCKS", blocks)
        patch.setattr(_beta_average, "ROW_CHUNK", n_rows)
        chunks = list(beta_average_laws(alpha, beta, n_nodes=N_NODES))
    seen = np.concatenate([rows for rows, _ in chunks])
    assert sorted(seen.tolist()) == list(range(alpha.shape[0]))
    for rows, laws in chunks:
        for position, row in enumerate(rows):
            alone = beta_average_distribution(alpha[row], beta[row], n_nodes=N_NODES)
            size = laws.size[position]
            assert size == alone.mass.shape[0]
            assert laws.start[position] == pytest.approx(alone.start, abs=1e-15)
            assert laws.step[position] == alone.step
            np.testing.assert_allclose(
                laws.mass[position, :size], alone.mass, rtol=0, atol=1e-12
            )
            assert not laws.mass[position, size:].any()


def _interp_ppf(start, step, mass, q):
    """The quantile of one law as np.interp inverts its CDF (the reference)."""
    cdf = np.cumsum(mass) - 0.5 * mass
    nodes = start + step * np.arange(mass.shape[0])
    keep = np.concatenate(([True], np.diff(cdf) > 0))
    return np.interp(q, cdf[keep], nodes[keep])


@st.composite
def lattice_laws(draw, max_rows=6, max_nodes=12):
    """Laws of ragged sizes, with zero masses (flat stretches of the CDF)."""
    n_rows = draw(st.integers(1, max_rows))
    weight = st.one_of(st.just(0.0), st.integers(1, 9).map(float))
    sizes = draw(st.lists(st.integers(1, max_nodes), min_size=n_rows, max_size=n_rows))
    mass = np.zeros((n_rows, max(sizes)))
    for row, size in enumerate(sizes):
        values = draw(st.lists(weight, min_size=size, max_size=size))
        values[draw(st.integers(0, size - 1))] += 1.0  # not all zero
        mass[row, :size] = np.array(values) / np.sum(values)
    start = np.array(draw(st.lists(st.floats(-2, 2), min_size=n_rows, max_size=n_rows)))
    step = np.array(
        draw(st.lists(st.floats(0.01, 1), min_size=n_rows, max_size=n_rows))
    )
    return LatticeLaws(start, step, mass, np.array(sizes))


@settings(max_examples=50, **SETTINGS)
@given(lattice_laws(), st.lists(st.floats(0, 1), min_size=1, max_size=5))
def test_batched_quantiles_invert_every_cdf_as_interp(laws, q):
    # The CDF's own values too: where interpolation meets a node.
    levels = np.concatenate([q, [0.0, 1.0], np.cumsum(laws.mass[0])[:3]])
    quantiles = laws_ppf(laws, levels)
    assert quantiles.shape == (laws.mass.shape[0], levels.shape[0])
    for row, size in enumerate(laws.size):
        expected = _interp_ppf(
            laws.start[row], laws.step[row], laws.mass[row, :size], levels
        )
        np.testing.assert_allclose(quantiles[row], expected, rtol=0, atol=1e-12)


@settings(max_examples=50, **SETTINGS)
@given(
    st.integers(0, 30),
    st.lists(
        st.sampled_from(["small", "wide", "float", "bool", "negative"]),
        min_size=1,
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_distinct_rows_as_numpy_unique(n_rows, kinds, random):
    rng = np.random.default_rng(random.randrange(2**32))
    values = {
        "small": lambda: rng.integers(0, 3, n_rows),
        "wide": lambda: rng.choice([0, 2**40, -(2**50), 7], n_rows),
        "float": lambda: rng.choice([0.5, -1.25, 1e300, 3.0], n_rows),
        "bool": lambda: rng.random(n_rows) < 0.5,
        "negative": lambda: -rng.integers(0, 4, (n_rows, 2)),
    }
    columns = [values[kind]() for kind in kinds]
    table = np.column_stack([c.astype(float) for c in columns])
    rows, inverse = distinct_rows(*columns)
    expected, expected_inverse = np.unique(table, axis=0, return_inverse=True)
    np.testing.assert_array_equal(table[rows], expected)
    np.testing.assert_array_equal(inverse, expected_inverse.reshape(-1))
    # The first row of every value.
    for position, row in enumerate(rows):
        assert np.flatnonzero(inverse == position)[0] == row


@settings(max_examples=50, **SETTINGS)
@given(st.floats(1e-300, 1e300))
def test_lattice_steps_are_finer_by_less_than_one_level(step):
    rounded = lattice_step(step)
    assert step / 2 ** (1 / STEP_LEVELS) * (1 - 1e-12) < rounded <= step * (1 + 1e-12)
    # Steps of one level round alike.
    assert lattice_step(rounded * (1 + 1e-9)) == rounded


def test_threads_change_nothing(monkeypatch):
    # Enough distinct components for several batches of NODE_BUDGET nodes,
    # discretised in threads or one after the other: the same laws, bit for bit.
    from sklearn_balanced.utils import _threads

    rng = np.random.default_rng(0)
    alpha = rng.integers(1, 500, size=(40, 2)).astype(float)
    beta = rng.integers(1, 500, size=(40, 2)).astype(float)

    def quantiles(threads):
        monkeypatch.setattr(_threads, "n_threads", lambda: threads)
        result = np.empty((40, 2))
        for rows, laws in beta_average_laws(alpha, beta, n_nodes=8192):
            result[rows] = laws_ppf(laws, [0.025, 0.975])
        return result

    assert np.array_equal(quantiles(1), quantiles(3))
