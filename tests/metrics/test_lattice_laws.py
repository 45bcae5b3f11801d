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
from scipy import special

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


@st.composite
def windows(draw):
    """Laws on their windows, maybe shifted and scaled, on lattices of 4 to 200
    cells per standard deviation: windows near 0 and 1 (small shapes) have
    cells of both kinds.

    Shapes up to 1e4, where ``betainc`` differences (the exact path) are accurate
    to rounding, so that they are the reference.
    """
    n_laws = draw(st.integers(1, 6))
    shape = st.one_of(st.floats(0.5, 30.0), st.floats(1.0, 1e4))
    alpha = np.array(draw(st.lists(shape, min_size=n_laws, max_size=n_laws)))
    beta = np.array(draw(st.lists(shape, min_size=n_laws, max_size=n_laws)))
    low, high = _beta_average._window(alpha, beta)
    nodes = draw(st.lists(st.integers(50, 3000), min_size=n_laws, max_size=n_laws))
    scale = np.array(
        draw(st.lists(st.floats(0.25, 4.0), min_size=n_laws, max_size=n_laws))
    )
    loc = np.array(
        draw(st.lists(st.floats(-2.0, 2.0), min_size=n_laws, max_size=n_laws))
    )
    step = lattice_step(scale * (high - low) / np.array(nodes))
    first = np.floor((loc + scale * low) / step).astype(np.int64)
    last = np.ceil((loc + scale * high) / step).astype(np.int64)
    return alpha, beta, first, last, step, loc, scale


@settings(max_examples=80, **SETTINGS)
@given(windows())
def test_simpson_cells_are_the_incomplete_beta_cells(window):
    # The nodes' probabilities, with Simpson's rule on the cells it serves and
    # with the incomplete Beta function everywhere (the reference).
    mass, count = _lattice_laws._discretize_flat(*window)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_lattice_laws, "SIMPSON_CELLS_PER_SD", np.inf)
        exact, _ = _lattice_laws._discretize_flat(*window)
    # Simpson's rule errs by about cell**5 / 2880 times the integrand's fourth
    # derivative: relative to a law's largest cell probability, by
    # (cell / sd)**4 / 1000 for a probability and (cell / sd)**3 / 360 for the
    # share of it sent to the right node (see ``simpson_ranges``). The
    # reference is exact to betainc's accuracy (about 1e-14), its shares to
    # that times the node's distance from the origin in steps (the moment
    # about a node is a difference of moments about the origin).
    alpha, beta, first, last, step, loc, scale = window
    total = alpha + beta
    sd = np.sqrt(alpha * beta / (total * total * (total + 1.0)))
    ratio = np.minimum(step / scale / sd, 1 / _lattice_laws.SIMPSON_CELLS_PER_SD)
    largest = np.maximum.reduceat(exact, np.cumsum(count) - count)
    index = np.concatenate(
        [np.arange(start, stop + 1) for start, stop in zip(first, last, strict=True)]
    )
    distance = np.abs(index - np.repeat(loc / step, count))
    # A node takes parts of two cells; cells 16 from an end err by about
    # (1 / 16)**4 / 100 of their probability besides.
    bound = np.repeat(largest * (ratio**3 / 90 + 4e-7), count)
    bound += 1e-13 * (1.0 + distance)
    assert np.all(np.abs(mass - exact) <= bound)


@settings(max_examples=60, **SETTINGS)
@given(windows())
def test_discretized_laws_keep_their_mass_and_mean(window):
    alpha, beta, first, last, step, loc, scale = window
    mass = _lattice_laws.discretize_beta(alpha, beta, first, last, step, loc, scale)
    nodes = (first[:, np.newaxis] + np.arange(mass.shape[1])) * step[:, np.newaxis]
    assert np.all(mass >= 0.0)
    np.testing.assert_allclose(mass.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    sd = scale * np.sqrt(alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1.0)))
    mean = loc + scale * alpha / (alpha + beta)
    np.testing.assert_allclose(
        (np.sum(mass * nodes, axis=1) - mean) / sd, 0.0, rtol=0, atol=1e-8
    )


@settings(max_examples=30, **SETTINGS)
@given(st.floats(9.0, 15.0), st.floats(9.0, 15.0))
def test_huge_shapes_are_discretised_as_their_normal_law(log_alpha, log_beta):
    # Shapes of 1e9 to 1e15 (classes of that many samples, or weights): the
    # Beta law is the normal law of its mean and variance to its skewness,
    # |skew| < 7e-5, against which the density written about the mean keeps
    # 1e-6 (about 0.25 for log-densities of 1e15 * log(x)).
    alpha, beta = np.array([10.0**log_alpha]), np.array([10.0**log_beta])
    total = alpha + beta
    mean = alpha / total
    sd = np.sqrt(alpha * beta / (total * total * (total + 1.0)))
    step = lattice_step(sd / 50)
    first = np.floor((mean - 8 * sd) / step).astype(np.int64)
    last = np.ceil((mean + 8 * sd) / step).astype(np.int64)
    mass, _ = _lattice_laws._discretize_flat(
        alpha, beta, first, last, step, np.zeros(1), np.ones(1)
    )
    # The normal law, discretised the same way (mean-preserving cells).
    nodes = np.arange(first[0], last[0] + 1) * step[0]
    z = (nodes - mean) / sd
    cdf, density = special.ndtr(z), np.exp(-z * z / 2) / np.sqrt(2 * np.pi)
    cell = np.diff(cdf)
    right = np.clip(
        ((mean - nodes[:-1]) * cell + sd * (density[:-1] - density[1:])) / step,
        0.0,
        cell,
    )
    normal = np.zeros_like(nodes)
    normal[1:] += right
    normal[:-1] += cell - right
    normal[0] += cdf[0]
    normal[-1] += 1.0 - cdf[-1]
    assert np.abs(mass - normal).max() <= 1e-4 * normal.max()


def test_simpson_ranges_keep_away_from_coarse_lattices_and_the_ends():
    # Beta(1, 200) on 200 cells per standard deviation: its window starts at 0,
    # where the density is not smooth at that scale: the range starts 16 cells
    # away. The same law on a lattice of 2 cells per standard deviation: none.
    alpha, beta = np.array([300.0, 1.0, 1.0]), np.array([60.0, 200.0, 200.0])
    sd = np.sqrt(alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1.0)))
    low, high = _beta_average._window(alpha, beta)
    cell = sd / np.array([200.0, 200.0, 2.0])
    count = np.ceil((high - low) / cell).astype(np.int64) + 1
    begin, end = _lattice_laws.simpson_ranges(alpha, beta, low, cell, count)
    assert begin.tolist() == [0, 16, 0]
    assert end.tolist() == [count[0] - 1, count[1] - 1, 0]
    nodes = low[1] + cell[1] * np.arange(count[1])
    assert nodes[15] < 16 * cell[1] <= nodes[16]


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
