"""Beta laws discretised on lattices, mean-preservingly, in batches.

A variable ``loc + scale * Beta(alpha, beta)`` is replaced by a variable on the
nodes ``j * step`` of a window that holds (almost) all of its mass, the mass
outside going to the window's end nodes (:func:`discretize_beta`). The
probability of each cell between two nodes is split between its two ends so that
the cell's conditional mean is preserved ("mean-preserving" or linear
discretisation): the discretised variable has the exact mean, and its law is the
Beta law smoothed by a kernel of width ``step``.

Cell probabilities and moments come from the regularized incomplete Beta
function (:func:`_exact_cells`), or, where the density is smooth at the scale of
the lattice (:func:`simpson_ranges`), from Simpson's rule on the density
(:func:`_simpson_cells`), several times cheaper. These laws are the components
whose sums :mod:`sklearn_balanced.metrics._lattice_laws` convolves.
"""

import numpy as np
from scipy import special

# Laws whose lattice has this many cells per standard deviation have the
# probabilities of their cells this many cells from 0 and 1 by Simpson's rule
# (see ``simpson_ranges``).
SIMPSON_CELLS_PER_SD = 4
SIMPSON_EDGE_CELLS = 16


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
    >>> from sklearn_balanced.metrics._beta_cells import discretize_beta
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
        alpha, beta, offset, scale, count, (position > begin_at) & (position < end_at)
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
    >>> from sklearn_balanced.metrics._beta_cells import simpson_ranges
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


def _exact_cells(alpha, beta, offset, scale, count, skip):
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
    scale : ndarray of shape (n_laws,)
        The positive scale of every law.
    count : ndarray of shape (n_laws,) of int
        The number of nodes of every law.
    skip : ndarray of shape (sum(count),) of bool
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
    inside = (nodes > 0.0) & (nodes < 1.0) & ~skip
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
    offset, scale : ndarray
        As for :func:`_exact_cells`.
    step : ndarray of shape (n_laws,)
        The distance between two nodes of every law.
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
