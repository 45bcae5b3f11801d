"""Beta laws discretised on lattices: Simpson's rule against the incomplete Beta.

References: the discretisation with the incomplete Beta function on every cell
(Simpson's rule turned off) within the rule's error bound; the exact mass and
mean of every law; for shapes of 1e9 to 1e15, the normal law of the same mean
and variance, discretised the same way.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import special

from sklearn_balanced.metrics import _beta_average, _beta_cells
from sklearn_balanced.metrics._lattice_laws import lattice_step

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}


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
    mass, count = _beta_cells._discretize_flat(*window)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_beta_cells, "SIMPSON_CELLS_PER_SD", np.inf)
        exact, _ = _beta_cells._discretize_flat(*window)
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
    ratio = np.minimum(step / scale / sd, 1 / _beta_cells.SIMPSON_CELLS_PER_SD)
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
    mass = _beta_cells.discretize_beta(alpha, beta, first, last, step, loc, scale)
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
    mass, _ = _beta_cells._discretize_flat(
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
    begin, end = _beta_cells.simpson_ranges(alpha, beta, low, cell, count)
    assert begin.tolist() == [0, 16, 0]
    assert end.tolist() == [count[0] - 1, count[1] - 1, 0]
    nodes = low[1] + cell[1] * np.arange(count[1])
    assert nodes[15] < 16 * cell[1] <= nodes[16]
