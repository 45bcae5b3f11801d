"""Laws of sums of independent discretised Beta variables, on lattices, in batches.

The numerical engine behind the posteriors of balanced accuracies: the averages
and differences of :mod:`sklearn_balanced.metrics._beta_average`, the groups of
:mod:`sklearn_balanced.metrics._by_group` and the drop probabilities of
:mod:`sklearn_balanced.metrics._drift` are all laws of sums of independent
Beta-based variables, computed on a lattice ``{j * h}``:

1. Every component is discretised on the lattice, mean-preservingly, restricted
   to a window that holds (almost) all of its mass
   (:mod:`sklearn_balanced.metrics._beta_cells`): its law is the Beta law
   smoothed by a kernel of width ``h``, with the exact mean, and quantiles are
   accurate to second order in ``h``.
2. The sum lives on the same lattice; its probabilities are the convolution of
   the components', computed with one real FFT of the summed length
   (:func:`lattice_sums`).

FFT convolution was preferred over inverting the characteristic function because
the Beta characteristic function is a confluent hypergeometric function that is
slow and delicate to evaluate for large parameters, whereas cell probabilities
only need ``scipy.special.betainc`` or the density.

Both steps are batched over sums (:func:`beta_sums`): hundreds of thousands of
sums are computed chunk by chunk in a few NumPy calls per chunk, with memory
bounded by ``NODE_BUDGET`` rather than by the number of sums. Steps rounded down
to powers of ``2 ** (1 / STEP_LEVELS)`` (:func:`lattice_step`) make the
components of different sums alike (groups of a few samples share a few hundred
distinct posteriors): every distinct component (:func:`distinct_rows`) is
discretised, and transformed, once. The laws of a batch are held in one
:class:`LatticeLaws`, whose quantiles are interpolated all at once
(:func:`laws_ppf`).
"""

from typing import NamedTuple

import numpy as np
from scipy import fft

from sklearn_balanced.metrics._beta_cells import _discretize_flat, _pad
from sklearn_balanced.utils._threads import run_parts

# Most lattice nodes in one array of the batched functions (1 MB): sums are
# computed in chunks of about this many nodes.
NODE_BUDGET = 1 << 17
# The distinct components of a block of sums are discretised and transformed
# together: their transforms hold at most this many times ``NODE_BUDGET`` values.
TABLE_BLOCKS = 16
# Lattice steps are powers of ``2 ** (1 / STEP_LEVELS)``.
STEP_LEVELS = 4


class LatticeLaws(NamedTuple):
    """Laws of many variables, one per row, each on a lattice of its own.

    Attributes
    ----------
    start, step : ndarray of shape (n_rows,)
        Location of the first node and distance between two nodes of every law:
        row ``r`` has its nodes at ``start[r] + step[r] * i``.
    mass : ndarray of shape (n_rows, n_nodes)
        Probability of every node (non-negative, every row sums to one), zero
        from ``size[r]`` on.
    size : ndarray of shape (n_rows,) of int
        Number of nodes of every law.
    """

    start: np.ndarray
    step: np.ndarray
    mass: np.ndarray
    size: np.ndarray


def distinct_rows(*columns):
    """The distinct rows of a table of numbers, and the distinct row of every row.

    Parameters
    ----------
    *columns : ndarray of shape (n_rows,) or (n_rows, n_columns)
        The table, in blocks of columns.

    Returns
    -------
    rows : ndarray of shape (n_distinct,) of int
        The first row of every distinct value, in lexicographic order of the
        values.
    inverse : ndarray of shape (n_rows,) of int
        The position in ``rows`` of the value of every row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._lattice_laws import distinct_rows
    >>> rows, inverse = distinct_rows(np.array([[2, 1], [0, 5], [2, 1]]))
    >>> rows.tolist(), inverse.tolist()
    ([1, 0], [1, 0, 1])
    """
    # Every column's values numbered, the numbers of a row combined into one
    # integer (renumbered before they could overflow): far faster than
    # ``np.unique(..., axis=0)``, which sorts rows as byte strings.
    arrays = [np.asarray(column) for column in columns]
    code = np.zeros(arrays[0].shape[0], dtype=np.int64)
    n_codes = 1
    for array in arrays:
        for column in array.T if array.ndim > 1 else [array]:
            number, n_values = _numbered(column)
            if n_codes * n_values >= 2**62:
                code, n_codes = _numbered(code)
            code = code * n_values + number
            n_codes *= n_values
    inverse, n_distinct = _numbered(code)
    rows = np.full(n_distinct if inverse.shape[0] else 0, inverse.shape[0])
    np.minimum.at(rows, inverse, np.arange(inverse.shape[0]))
    return rows, inverse


def _numbered(values):
    """Number the distinct values of a 1-D array in increasing order.

    Returns
    -------
    number : ndarray of int64
        The number of every value, from 0: equal values, equal numbers.
    n_numbers : int
        The number of distinct values (1 for no value).
    """
    n_values = values.shape[0]
    if n_values == 0:
        return np.zeros(0, dtype=np.int64), 1
    if values.dtype.kind in "iub":
        low = int(values.min())
        span = int(values.max()) - low + 1
        if span <= 2 * n_values:  # small integers: no sorting
            shifted = values.astype(np.int64) - low
            present = np.zeros(span, dtype=bool)
            present[shifted] = True
            number = np.cumsum(present) - 1
            return number[shifted], int(number[-1]) + 1
    order = np.argsort(values)
    ordered = values[order]
    new = np.empty(n_values, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    number = np.empty(n_values, dtype=np.int64)
    number[order] = np.cumsum(new) - 1
    return number, int(number[order[-1]]) + 1


def lattice_step(step):
    """Lattice steps rounded down to a power of ``2 ** (1 / STEP_LEVELS)``.

    Sums whose steps round alike share the lattices of their equal components,
    which :func:`beta_sums` then discretises once; the lattice is never coarser
    than asked, and at most ``2 ** (1 / STEP_LEVELS)`` times finer.

    Examples
    --------
    >>> from sklearn_balanced.metrics._lattice_laws import lattice_step
    >>> lattice_step([0.25, 0.26, 0.3]).round(4).tolist()
    [0.25, 0.25, 0.2973]
    """
    return np.exp2(np.floor(np.log2(step) * STEP_LEVELS) / STEP_LEVELS)


def beta_sums(alpha, beta, first, last, step, leading=()):
    """Laws of the sums of independent discretised Betas, row by row, in chunks.

    Row ``r`` sums the variables ``Beta(alpha[r, k], beta[r, k])`` discretised
    (:func:`~sklearn_balanced.metrics._beta_cells.discretize_beta`) on their
    windows of the lattice of step ``step[r]``.
    The rows are sorted by the length of their sums, their steps, ``leading``
    and their components, and cut into blocks: equal components (equal
    parameters, window and step) are discretised and transformed once per
    block. The memory held is that of the transforms of a block (about
    ``TABLE_BLOCKS * NODE_BUDGET`` values) and of chunks of about ``NODE_BUDGET``
    nodes, whatever the number of rows.

    Parameters
    ----------
    alpha, beta : ndarray of shape (n_rows, n_components)
        Positive shape parameters of every row's components.
    first, last : ndarray of shape (n_rows, n_components) of int
        Indices of the first and last lattice nodes of every component.
    step : ndarray of shape (n_rows,)
        Lattice step of every row, best rounded by :func:`lattice_step` so that
        rows share components.
    leading : tuple of ndarray of shape (n_rows,), default=()
        Keys the rows are sorted by after their steps, before their components.

    Yields
    ------
    rows : ndarray of int
        The rows of a chunk, a run of rows in that order.
    laws : LatticeLaws
        The law of the sum of each of these rows, on its nodes
        ``(sum_k first[r, k] + i) * step[r]``.
    """
    n_rows, n_components = alpha.shape
    if n_rows == 0:
        return
    parameters = (
        alpha,
        beta,
        first,
        last,
        np.broadcast_to(step[:, np.newaxis], alpha.shape),
    )
    ids_of, ids = distinct_rows(*(x.ravel() for x in parameters))
    ids = ids.reshape(n_rows, n_components)
    component = [x.ravel()[ids_of] for x in parameters]
    size = np.sum(last - first, axis=1) + 1
    # Sums of about the same length (within 2 ** (1 / 8)) share the length of
    # their transforms.
    length = np.ceil(np.log2(size) * 8.0)
    order = np.lexsort((*ids.T[::-1], *leading[::-1], step, length))
    ids, size, length = ids[order], size[order], length[order]
    for block, n_fft in _blocks(ids, size, length, TABLE_BLOCKS * NODE_BUDGET):
        used, local = distinct_rows(ids[block].ravel())
        spectra = _spectra([x[ids[block].ravel()[used]] for x in component], n_fft)
        local = local.reshape(-1, n_components)
        n_chunk = max(1, NODE_BUDGET // n_fft)
        for start in range(0, local.shape[0], n_chunk):
            chunk = order[block][start : start + n_chunk]
            yield (
                chunk,
                _spectral_sums(
                    spectra,
                    n_fft,
                    local[start : start + n_chunk],
                    first[chunk],
                    last[chunk],
                    step[chunk],
                ),
            )


def _blocks(ids, size, length, budget):
    """Runs of rows of equal ``length`` whose transforms fit in ``budget`` values.

    Every run holds rows of one ``length`` and at most ``budget // n_fft``
    distinct components (one row at least); it is grown by doubling, so that
    every row is read once, or twice at the end of a run.

    Yields
    ------
    block : slice
        The rows of the run.
    n_fft : int
        The length of the transforms of its sums.
    """
    held = np.zeros(int(ids.max(initial=0)) + 1, dtype=bool)
    bounds = np.flatnonzero(np.diff(length)) + 1
    for begin, end in zip([0, *bounds], [*bounds, ids.shape[0]], strict=True):
        n_fft = fft.next_fast_len(int(size[begin:end].max()), real=True)
        start = begin
        while start < end:
            stop, held_count, grow = start, 0, 1
            while stop < end:
                trial = min(end, stop + grow)
                fresh = np.unique(ids[stop:trial])
                fresh = fresh[~held[fresh]]
                held_count += fresh.shape[0]
                if stop > start and held_count * n_fft > budget:
                    break
                held[fresh] = True
                stop, grow = trial, 2 * grow
            held[ids[start:stop]] = False
            yield slice(start, stop), n_fft
            start = stop


def _spectra(component, n_fft):
    """Real FFTs of length ``n_fft`` of distinct discretised components.

    They are discretised in batches of about ``NODE_BUDGET`` nodes, in threads
    (:func:`~sklearn_balanced.utils._threads.run_parts`: NumPy and SciPy's
    functions release the GIL), each batch writing its own rows.
    """
    alpha, beta, first, last, step = component
    width = last - first + 1
    end = np.cumsum(width)
    spectra = np.empty((width.shape[0], n_fft // 2 + 1), dtype=np.complex128)
    batches, start = [], 0
    while start < width.shape[0]:
        stop = max(
            start + 1,
            int(np.searchsorted(end, end[start] - width[start] + NODE_BUDGET, "right")),
        )
        batches.append(slice(start, stop))
        start = stop

    def transform(part):
        n_laws = part.stop - part.start
        mass, count = _discretize_flat(
            alpha[part],
            beta[part],
            first[part],
            last[part],
            step[part],
            np.zeros(n_laws),
            np.ones(n_laws),
        )
        spectra[part] = fft.rfft(
            _pad(mass, np.cumsum(count) - count, count), n_fft, axis=-1
        )

    run_parts(transform, batches)
    return spectra


def lattice_sums(components, index, first, last, step):
    """Laws of the sums of independent lattice variables, one per row, by FFT.

    Parameters
    ----------
    components : ndarray of shape (n_distinct, n_nodes)
        Probabilities of distinct lattice variables from their first nodes on
        (zero past their last).
    index : ndarray of shape (n_rows, n_components) of int
        The components summed by every row: row ``r`` sums independent copies
        of ``components[index[r, k]]`` on the nodes
        ``(first[r, k] + i) * step[r]``.
    first, last : ndarray of shape (n_rows, n_components) of int
        Indices of the first and last node of every component of every row.
    step : ndarray of shape (n_rows,)
        The lattice step of every row.

    Returns
    -------
    laws : LatticeLaws
        The law of every row's sum, on its lattice of step ``step[r]``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._lattice_laws import lattice_sums
    >>> coin = np.array([[0.5, 0.5]])
    >>> laws = lattice_sums(coin, [[0, 0]], np.zeros((1, 2), int), [[1, 1]], [1.0])
    >>> laws.mass.round(12).tolist()
    [[0.25, 0.5, 0.25]]
    """
    first, last = np.asarray(first), np.asarray(last)
    n_fft = fft.next_fast_len(int(np.max(np.sum(last - first, axis=1))) + 1, real=True)
    spectra = fft.rfft(components, n_fft, axis=-1)
    return _spectral_sums(spectra, n_fft, np.asarray(index), first, last, step)


def _spectral_sums(spectra, n_fft, index, first, last, step):
    """:func:`lattice_sums` of components given by their real FFTs of ``n_fft``."""
    step = np.asarray(step, dtype=np.float64)
    size = np.sum(last - first, axis=1) + 1
    width = int(size.max())
    # Components shared by all the rows (a common reference) are multiplied once.
    shared = np.all(index == index[:1], axis=0)
    common = np.prod(spectra[index[0, shared]], axis=0)
    varying = index[:, ~shared].T
    if not varying.shape[0]:
        spectrum = np.repeat(common[np.newaxis], index.shape[0], axis=0)
    else:
        spectrum = spectra[varying[0]]
        factor = np.empty_like(spectrum)
        for column in varying[1:]:
            spectrum *= np.take(spectra, column, axis=0, out=factor)
        if shared.any():
            spectrum *= common
    mass = fft.irfft(spectrum, n_fft, axis=-1)[:, :width]
    np.clip(mass, 0.0, None, out=mass)
    mass[np.arange(width) >= size[:, np.newaxis]] = 0.0
    mass /= mass.sum(axis=1, keepdims=True)
    return LatticeLaws(first.sum(axis=1) * step, step, mass, size)


def _node_cdfs(mass):
    """CDFs at the nodes of the laws of the rows of ``mass``, each node's mass
    counted half (trapezoidal rule).

    The midpoints of the cumulative sums: ``cumsum - mass / 2``, which they
    equal up to rounding, can decrease by rounding; they cannot.
    """
    cumulative = np.cumsum(mass, axis=-1)
    cdf = np.empty_like(cumulative)
    cdf[..., 0] = cumulative[..., 0]
    np.add(cumulative[..., 1:], cumulative[..., :-1], out=cdf[..., 1:])
    cdf *= 0.5
    return cdf


def laws_ppf(laws, q):
    """Quantile function of every law of a batch, the inverse of its node CDF.

    The CDF at the nodes (:func:`_node_cdfs`) is interpolated linearly between
    them, as ``lattice_ppf`` of :mod:`sklearn_balanced.metrics._beta_average`
    does for one law.

    Parameters
    ----------
    laws : LatticeLaws
        The laws, one per row.
    q : float or array-like
        Probabilities in [0, 1].

    Returns
    -------
    quantile : ndarray of shape (n_rows, *q.shape)
        The quantiles of every law.
    """
    q = np.asarray(q, dtype=np.float64)
    n_rows, n_nodes = laws.mass.shape
    rows, column = np.arange(n_rows), np.arange(n_nodes)
    # The node CDF of every law, continued flat past its last node.
    cdf = _node_cdfs(laws.mass)
    last = cdf[rows, laws.size - 1]
    cdf = np.where(column < laws.size[:, np.newaxis], cdf, last[:, np.newaxis])
    quantile = np.empty((n_rows, q.size))
    for position, level in enumerate(q.ravel()):
        quantile[:, position] = _interpolate(laws, cdf, level)
    return quantile.reshape(n_rows, *q.shape)


def _interpolate(laws, cdf, level):
    """The ``level`` quantile of every law, as ``np.interp`` inverts one CDF.

    The CDF is inverted where it increases: between the first node of the run of
    equal values at or below ``level`` and the first node above it (the first
    node below the CDF's range, the first node of its last run above it).
    """
    rows = np.arange(cdf.shape[0])
    above = np.count_nonzero(cdf <= level, axis=1)
    value = cdf[rows, np.maximum(above - 1, 0)]
    below = np.count_nonzero(cdf < value[:, np.newaxis], axis=1)
    after = np.minimum(above, cdf.shape[1] - 1)
    x0, x1 = cdf[rows, below], cdf[rows, after]
    y0 = laws.start + laws.step * below
    y1 = laws.start + laws.step * after
    inside = (above > 0) & (above < cdf.shape[1]) & (x0 != level)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (y1 - y0) / (x1 - x0)
        return np.where(inside, slope * (level - x0) + y0, y0)
