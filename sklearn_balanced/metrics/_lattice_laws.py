"""Laws of sums of independent discretised Beta variables, on lattices, in batches.

The numerical engine behind the posteriors of balanced accuracies: the averages
and differences of :mod:`sklearn_balanced.metrics._beta_average`, the groups of
:mod:`sklearn_balanced.metrics._by_group` and the drop probabilities of
:mod:`sklearn_balanced.metrics._drift` are all laws of sums of independent
Beta-based variables, computed on a lattice ``{j * h}``:

1. Every component is discretised on the lattice, restricted to a window that
   holds (almost) all of its mass (:func:`discretize_beta`; the caller chooses
   the window, and the mass outside it goes to its end nodes). The probability
   of each lattice cell (a difference of regularized incomplete Beta functions,
   or Simpson's rule on the density where it is smooth at the scale of the
   lattice: :func:`simpson_ranges`) is split between the two ends of the cell so
   that the cell's conditional mean is preserved ("mean-preserving" or linear
   discretisation).
   The discretised variable therefore has the exact mean, and its law is the Beta
   law smoothed by a kernel of width ``h``: quantiles are accurate to second
   order in ``h``.
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
from scipy import fft, special

from sklearn_balanced.utils._threads import run_parts

# Most lattice nodes in one array of the batched functions (1 MB): sums are
# computed in chunks of about this many nodes.
NODE_BUDGET = 1 << 17
# The distinct components of a block of sums are discretised and transformed
# together: their transforms hold at most this many times ``NODE_BUDGET`` values.
TABLE_BLOCKS = 16
# Lattice steps are powers of ``2 ** (1 / STEP_LEVELS)``.
STEP_LEVELS = 4
# Laws whose lattice has this many cells per standard deviation have the
# probabilities of their cells this many cells from 0 and 1 by Simpson's rule
# (see ``simpson_ranges``).
SIMPSON_CELLS_PER_SD = 4
SIMPSON_EDGE_CELLS = 16


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


def discretize_beta(alpha, beta, first, last, step, loc=0.0, scale=1.0):
    """Mean-preserving discretisation of ``loc + scale * Beta(alpha, beta)``, batched.

    Every argument is a float or an array; they broadcast together to the shape
    ``laws`` of the set of variables discretised at once.

    Parameters
    ----------
    alpha, beta : float or ndarray
        Positive shape parameters.
    first, last : int or ndarray of int
        Indices of the first and last lattice nodes ``j * step`` of every variable
        (``last >= first``); the window ``[first * step, last * step]`` must hold
        (almost) all the mass, the rest being given to its end nodes.
    step : float or ndarray
        Lattice step of every variable.
    loc, scale : float or ndarray, default=0.0 and 1.0
        Location and positive scale of every variable.

    Returns
    -------
    mass : ndarray of shape (*laws, max(last - first) + 1)
        Probabilities of every variable's nodes ``(first + i) * step``, zero past
        its ``last``: sum one and the exact mean (a window of one node takes the
        whole mass).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._lattice_laws import discretize_beta
    >>> mass = discretize_beta(2.0, 2.0, 0, 4, 0.25)
    >>> round(float(mass @ (np.arange(5) * 0.25)), 12)
    0.5
    >>> discretize_beta([2.0, 1.0], [2.0, 3.0], 0, [4, 2], 0.25).shape
    (2, 5)
    """
    laws = np.broadcast_arrays(alpha, beta, first, last, step, loc, scale)
    shape = laws[0].shape
    flat, count = _discretize_flat(*(x.ravel() for x in laws))
    width = int(np.max(count, initial=1))
    if np.all(count == width):
        return flat.reshape(*shape, width)
    return _pad(flat, np.cumsum(count) - count, count).reshape(*shape, width)


def _discretize_flat(alpha, beta, first, last, step, loc, scale):
    """:func:`discretize_beta` of 1-D arguments, the laws one after the other.

    Returns
    -------
    flat : ndarray of shape (sum(count),)
        The probabilities of the nodes of every law, law after law.
    count : ndarray of int
        The number of nodes of every law.
    """
    # The nodes of all the laws in one flat array, law after law (no padding),
    # as offsets from their laws' locations; arrays of that size are updated in
    # place: fresh ones cost page faults.
    count = last - first + 1
    start = np.cumsum(count) - count
    size = int(np.sum(count))
    offset = np.arange(size, dtype=np.float64)
    offset += np.repeat(first - start, count)
    offset *= np.repeat(step, count)
    offset -= np.repeat(loc, count)
    # Every cell's probability and first moment about its left node: by
    # Simpson's rule on the cells where the density is smooth at the scale of
    # the lattice, else by the incomplete Beta function.
    position = np.arange(size) - np.repeat(start, count)
    with np.errstate(over="ignore", invalid="ignore"):
        begin, end = simpson_ranges(
            alpha, beta, offset[start] / scale, step / scale, count
        )
    ranged = end > begin
    begin_at, end_at = np.repeat(begin, count), np.repeat(end, count)
    mass, moment = _exact_cells(
        alpha,
        beta,
        offset,
        step,
        scale,
        count,
        skip=(position > begin_at) & (position < end_at),
    )
    if ranged.any():
        in_range = (position >= begin_at) & (position <= end_at) & (end_at > begin_at)
        n_range = (end - begin + 1)[ranged]
        range_mass, range_moment = _simpson_cells(
            alpha[ranged],
            beta[ranged],
            offset[in_range],
            step[ranged],
            scale[ranged],
            n_range,
            lower=begin[ranged] == 0,
            upper=end[ranged] == count[ranged] - 1,
        )
        # The cells of the ranges: from every node of a range but its last.
        cells = np.ones(range_mass.shape[0], dtype=bool)
        cells[np.cumsum(n_range) - 1] = False
        on = in_range & (position < end_at)
        mass[on], moment[on] = range_mass[cells], range_moment[cells]
    # Share of each cell's mass sent to its right node, from the cell's mean.
    moment /= np.repeat(step, count)
    to_right = np.clip(moment, 0.0, mass, out=moment)
    mass -= to_right
    mass[1:] += to_right[:-1]
    # A window of one node takes the whole mass.
    mass[start[count == 1]] = 1.0
    return mass, count


def simpson_ranges(alpha, beta, low, cell, count):
    """The nodes of every law whose cells Simpson's rule gives.

    A law's lattice qualifies when it has at least ``SIMPSON_CELLS_PER_SD``
    cells per standard deviation of ``Beta(alpha, beta)``; its range is then
    its nodes at least ``SIMPSON_EDGE_CELLS`` cells away from 0 and 1, where the
    density may be infinite or not smooth (the cells nearer, by the incomplete
    Beta function). Simpson's rule errs on a cell by ``cell**5 / 2880`` times
    the fourth derivative of its integrand somewhere in it: relative to the
    law's largest cell probability, a cell's probability by about
    ``(cell / sd) ** 4 / 1000`` (4e-6 at four cells per standard deviation), the
    share of it sent to the right node by about ``(cell / sd) ** 3 / 360``
    (1e-4); at ``distance`` from an end, relative to the cell's own
    probability, by about ``(cell / distance) ** 4 / 100`` (2e-7). These are far
    below the lattice's own smoothing of the law, a variance of about
    ``cell**2 / 6``, and the law keeps its exact mass and mean (see
    :func:`_simpson_cells`).

    Parameters
    ----------
    alpha, beta : ndarray of shape (n_laws,)
        Shape parameters.
    low : ndarray of shape (n_laws,)
        The first node of every window, on the scale of the Beta variable.
    cell : ndarray of shape (n_laws,)
        The lattice step on that scale.
    count : ndarray of shape (n_laws,) of int
        The number of nodes of every window.

    Returns
    -------
    begin, end : ndarray of shape (n_laws,) of int
        The first and last nodes of every law's range, from 0; equal (zero)
        for a law without one (a range spans two cells at least).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._lattice_laws import simpson_ranges
    >>> begin, end = simpson_ranges(
    ...     np.array([300.0, 300.0]), np.array([60.0, 60.0]), np.array([0.7, 0.7]),
    ...     np.array([0.001, 0.02]), np.array([200, 10]))
    >>> begin.tolist(), end.tolist()
    ([0, 0], [199, 0])
    """
    total = alpha + beta
    sd = np.sqrt(alpha * beta / (total * total * (total + 1.0)))
    fine = cell * SIMPSON_CELLS_PER_SD <= sd
    # In cells from the first node: the first at, and the last within, the
    # margin's distance from 0 and from 1.
    cell = np.where(fine, cell, 1.0)
    low = np.where(fine, low, 0.0)
    begin = np.clip(np.ceil(SIMPSON_EDGE_CELLS - low / cell), 0, count - 1)
    end = np.clip(np.floor((1.0 - low) / cell - SIMPSON_EDGE_CELLS), 0, count - 1)
    kept = fine & (end - begin >= 2)
    return (
        np.where(kept, begin, 0).astype(np.int64),
        np.where(kept, end, 0).astype(np.int64),
    )


def _exact_cells(alpha, beta, offset, step, scale, count, skip=None):
    """Probability and first moment about the left node of every cell, exactly.

    Of the cells of the lattices of ``loc + scale * Beta(alpha, beta)``, from
    the regularized incomplete Beta functions ``I_u(a, b)`` and
    ``I_u(a + 1, b)`` at the nodes (``E[U; U <= u] = a / (a + b) I_u(a + 1, b)``);
    the first cell of every law takes the mass below the window, its last cell
    the mass above.

    Parameters
    ----------
    alpha, beta : ndarray of shape (n_laws,)
        Shape parameters.
    offset : ndarray of shape (sum(count),)
        The nodes of every law minus its ``loc``, law after law.
    step : ndarray of shape (n_laws,)
        The distance between two nodes of every law (the offsets say it).
    scale : ndarray of shape (n_laws,)
        The positive scale of every law.
    count : ndarray of shape (n_laws,) of int
        The number of nodes of every law.
    skip : ndarray of shape (sum(count),) of bool, default=None
        Nodes whose CDFs are not needed: the cells that touch them are
        meaningless (the caller computes them otherwise).

    Returns
    -------
    mass, moment : ndarray of shape (sum(count),)
        Of the cell from every node to the next one of its law (zero for the
        last node of a law), the moment on the scale of the nodes.
    """
    first = np.cumsum(count) - count
    last = first + count - 1
    with np.errstate(over="ignore"):
        nodes = offset / np.repeat(scale, count)
    # Only nodes inside the support need the incomplete Beta function.
    inside = (nodes > 0.0) & (nodes < 1.0)
    if skip is not None:
        inside &= ~skip
    n_inside = np.add.reduceat(inside, first, dtype=np.intp) if nodes.size else count
    cdf = (nodes >= 1.0).astype(np.float64)
    cdf_next = cdf.copy()
    cdf[inside], cdf_next[inside] = _incomplete_beta_cdfs(
        *(np.repeat(x, n_inside) for x in (alpha, beta, _log_norm(alpha, beta))),
        nodes[inside],
    )
    for values in (cdf, cdf_next):
        values[first] = 0.0
        values[last] = 1.0
    mass, moment = np.zeros_like(cdf), np.zeros_like(cdf)
    np.subtract(cdf[1:], cdf[:-1], out=mass[:-1])
    np.subtract(cdf_next[1:], cdf_next[:-1], out=moment[:-1])
    moment *= np.repeat(scale * (alpha / (alpha + beta)), count)
    moment -= offset * mass
    mass[last] = moment[last] = 0.0
    return mass, moment


def _simpson_cells(alpha, beta, offset, step, scale, count, lower, upper):
    """:func:`_exact_cells` of laws of smooth density, by Simpson's rule.

    Every cell's probability and first moment about its left node are
    integrated by Simpson's rule from the density at its ends and middle (two
    evaluations of the density per node instead of one of ``betainc``, several
    times dearer). The probabilities are then scaled to add up to the exact
    ``I(last) - I(first)`` of the window (the density is known up to its
    normalising constant, whose ``betaln`` would lose 1e-8 for shapes of
    millions), and the moments to the window's exact first moment about the
    nodes, so that the law keeps its exact mean. With ``lower`` (``upper``),
    the first (last) cell takes the mass and moment below the first node
    (above the last), exactly.

    Parameters
    ----------
    alpha, beta : ndarray of shape (n_laws,)
        Shape parameters of ranges that :func:`simpson_ranges` gives.
    offset, step, scale : ndarray
        As for :func:`_exact_cells`.
    count : ndarray of shape (n_laws,) of int
        The number of nodes of every law (three at least).
    lower, upper : ndarray of shape (n_laws,) of bool
        Whether the first (last) node is that of the law's window.

    Returns
    -------
    mass, moment : ndarray of shape (sum(count),)
    """
    first = np.cumsum(count) - count
    last = first + count - 1
    h, node_scale = np.repeat(step / scale, count), np.repeat(scale, count)
    nodes = offset / node_scale
    below, above = np.repeat(alpha - 1.0, count), np.repeat(beta - 1.0, count)
    total = alpha + beta
    mean_below, mean_above = (np.repeat(x / total, count) for x in (alpha, beta))

    def density(x):
        """The Beta density at points strictly inside (0, 1), up to a constant.

        Written about the mean ``m`` as ``(x / m) ** (a - 1) * ((1 - x) / (1 -
        m)) ** (b - 1)``, with ``log1p`` of the small relative distances: the
        terms ``(a - 1) log(x)`` of shapes of 1e12 and more would each lose
        ``a`` times the rounding of the logarithm (25% of the density at 1e15).
        """
        distance = x - mean_below
        log_density = np.divide(distance, mean_below)
        np.log1p(log_density, out=log_density)
        log_density *= below
        log_above = np.divide(distance, mean_above)
        np.negative(log_above, out=log_above)
        np.log1p(log_above, out=log_above)
        log_above *= above
        log_density += log_above
        return np.exp(log_density, out=log_density)

    at_middle = density(nodes + 0.5 * h)
    at_node = density(nodes)
    at_next = np.empty_like(at_node)  # the density at the cell's right end
    at_next[:-1] = at_node[1:]
    at_next[-1] = 0.0
    # Simpson's rule on the cell from every node to the next one of its law,
    # for the density and for (x - node) times it.
    mass = 4.0 * at_middle
    mass += at_next
    mass += at_node
    moment = 2.0 * at_middle
    moment += at_next
    moment *= h
    h /= 6.0
    mass *= h
    moment *= h
    moment *= node_scale
    mass[last] = moment[last] = 0.0
    mean = alpha / (alpha + beta)
    law_norm = _log_norm(alpha, beta)
    low, low_next = _incomplete_beta_cdfs(alpha, beta, law_norm, nodes[first])
    high, high_next = _incomplete_beta_cdfs(alpha, beta, law_norm, nodes[last])
    # The probabilities of the window add up to the exact I(last) - I(first),
    # and the moments about the nodes to the exact first moment of the window
    # about them (minus a sum of the nodes weighted by those probabilities):
    # the law keeps its exact mean, to rounding.
    mass *= np.repeat((high - low) / np.add.reduceat(mass, first), count)
    exact = scale * mean * (high_next - low_next)
    exact -= np.add.reduceat(offset * mass, first)
    moment *= np.repeat(exact / np.add.reduceat(moment, first), count)
    # The tails of the window, below its first node and above its last.
    low, low_next = np.where(lower, low, 0.0), np.where(lower, low_next, 0.0)
    high, high_next = np.where(upper, high, 1.0), np.where(upper, high_next, 1.0)
    mass[first] += low
    moment[first] += scale * (mean * low_next - nodes[first] * low)
    mass[last - 1] += 1.0 - high
    moment[last - 1] += scale * (
        mean * (1.0 - high_next) - nodes[last - 1] * (1.0 - high)
    )
    return mass, moment


def _incomplete_beta_cdfs(a, b, log_norm, x):
    """``I_x(a, b)`` and ``I_x(a + 1, b)`` at every point, by ``betainc``.

    ``I_x(a + 1, b) = I_x(a, b) - x^a (1 - x)^b / (a B(a, b))``, with
    ``log_norm = log(a B(a, b))``: the second needs no second incomplete Beta
    evaluation.
    """
    cdf = special.betainc(a, b, x)
    with np.errstate(divide="ignore"):
        cdf_next = cdf - np.exp(special.xlogy(a, x) + special.xlog1py(b, -x) - log_norm)
    return cdf, cdf_next


def _log_norm(alpha, beta):
    """``log(alpha B(alpha, beta))``: see :func:`_incomplete_beta_cdfs`."""
    return np.log(alpha) + special.betaln(alpha, beta)


def _pad(flat, offset, count):
    """Rows of ``count[i]`` values of ``flat`` from ``offset[i]``, zero-padded."""
    column = np.arange(int(np.max(count, initial=1)))
    inside = column < count[:, np.newaxis]
    return np.where(
        inside, flat[np.where(inside, offset[:, np.newaxis] + column, 0)], 0.0
    )


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

    Row ``r`` sums the variables ``Beta(alpha[r, k], beta[r, k])`` discretised by
    :func:`discretize_beta` on their windows of the lattice of step ``step[r]``.
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
