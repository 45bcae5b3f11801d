"""Distributions of averages of independent Beta-based random variables.

The posterior of the balanced accuracy under independent Beta posteriors of the
per-class recalls (Brodersen et al., ICPR 2010) is the law of
``S = (X_1 + ... + X_K) / K`` with ``X_k ~ Beta(alpha_k, beta_k)``. It has no
closed form, so it is computed numerically on a lattice, by the batched engine of
:mod:`sklearn_balanced.metrics._lattice_laws` (every component discretised
mean-preservingly on its window by :mod:`sklearn_balanced.metrics._beta_cells`,
the sum convolved by FFT):

1. Every component's window holds all but ``2 * TAIL`` of its mass
   (:func:`_window`).
2. The step ``h`` is chosen so that the total number of lattice nodes is fixed
   (about ``n_nodes``), whatever the counts: the cost does not grow with the
   class sizes, and a wide component (few observations) and a narrow one (a
   million observations) share one lattice without loss, because a narrow
   component occupies only a few cells whose mean is exact. It is then rounded
   down to a power of ``2 ** (1 / STEP_LEVELS)``
   (:func:`~sklearn_balanced.metrics._lattice_laws.lattice_step`): a finer
   lattice, by at most 19%.

The laws of many averages are computed at once (:func:`beta_average_laws`); a
single law is the batch of one.

The same lattice serves the posterior of the difference of two balanced
accuracies measured on the same samples: the mean of ``D_k = A_k - B_k`` where,
independently for every class, ``(A_k, B_k, 1 - A_k - B_k)`` has a Dirichlet law
(:func:`dirichlet_difference_distribution`). ``D_k`` is not a Beta variable but
a mixture of them: ``S_k = A_k + B_k`` is Beta distributed, and given
``S_k = s`` the share ``A_k / S_k`` is an independent Beta variable, so that
``D_k`` is the scaled Beta ``s * (2 * A_k / S_k - 1)``. ``S_k`` is discretised on
a lattice of its own, mean-preservingly as above, and every conditional law on
the common lattice; their mixture is mean-preserving as well.
"""

from typing import NamedTuple

import numpy as np
from scipy import special

from sklearn_balanced.metrics._beta_cells import _pad, discretize_beta
from sklearn_balanced.metrics._lattice_laws import (
    LatticeLaws,
    _node_cdfs,
    beta_sums,
    distinct_rows,
    lattice_step,
    lattice_sums,
    laws_ppf,
)

# Probability left out in each tail of every component's window.
TAIL = 1e-13
# The same for the two Beta variables behind a component of a difference, whose
# product needs a window per pair of nodes: folding tails of 1e-10 into the end
# cells moves no quantile between 1e-9 and 1 - 1e-9.
DIFFERENCE_TAIL = 1e-10
# Default total number of lattice nodes over all components.
N_NODES = 16384
# Default number of lattice steps per root-mean-square standard deviation of the
# components of a difference (see ``dirichlet_difference_distribution``).
RESOLUTION = 12
# Largest lattice step of a difference: components of a few observations have
# densities that are infinite at the ends of their support, which a step relative
# to their standard deviation would smooth too much.
MAX_STEP = 0.005
# Most nodes of the lattices of one component of a difference. The cap only binds
# where the windows are far wider than the law: SciPy 1.11, for one, misplaces the
# tail quantiles of Betas with parameters above about 1e12, and the step is then
# coarser than ``RESOLUTION`` asks, yet a tiny fraction of the (wrong) window.
MAX_COMPONENT_NODES = 4096
# Most sums whose parameters, windows and lattice spans are set up at once (a
# few hundred bytes per sum and component).
ROW_CHUNK = 1 << 15


class LatticeDistribution(NamedTuple):
    """Probabilities of a distribution on the lattice ``start + step * i``.

    Attributes
    ----------
    start : float
        Location of the first node.
    step : float
        Distance between two nodes.
    mass : ndarray of shape (n_nodes,)
        Probability of every node (non-negative, sums to one).
    """

    start: float
    step: float
    mass: np.ndarray


def _window(alpha, beta, tail=TAIL):
    """Return the quantiles ``tail`` and ``1 - tail`` of every component.

    The upper one is taken as the lower tail of the mirrored ``Beta(beta, alpha)``:
    inverting ``1 - TAIL`` directly loses the tail to rounding (SciPy < 1.15 even
    returns 1 for ``betaincinv(1, 401, 1 - 1e-12)``). Equal pairs of shapes,
    common in batches, are inverted once.
    """
    alpha, beta = np.broadcast_arrays(alpha, beta)
    rows, inverse = distinct_rows(alpha.ravel(), beta.ravel())
    alpha, beta, shape = alpha.ravel()[rows], beta.ravel()[rows], alpha.shape
    low = _lower_quantile(alpha, beta, tail)
    high = 1.0 - _lower_quantile(beta, alpha, tail)
    return low[inverse].reshape(shape), high[inverse].reshape(shape)


def _lower_quantile(alpha, beta, tail):
    """A lower ``tail`` quantile of ``Beta(alpha, beta)``, safe for huge shapes.

    SciPy's ``betaincinv`` can miss by many standard deviations: SciPy 1.11 far
    out for lopsided shapes such as ``(2.5e5, 13)`` and for shapes of 1e14 (lattices
    of millions of nodes), SciPy 1.17 too far in for shapes of 1e13 and more (the
    tails cut). Where its answer leaves more than ``2 * tail`` below (by
    ``betainc``) or lies past the sub-Gaussian bound (variance proxy
    ``1 / (4 (alpha + beta + 1))``, whose tail beyond holds at most ``tail``),
    that bound is used.
    """
    quantile = special.betaincinv(alpha, beta, tail)
    bound = np.maximum(
        alpha / (alpha + beta)
        - np.sqrt(np.log(1.0 / tail) / (2.0 * (alpha + beta + 1.0))),
        0.0,
    )
    held = special.betainc(alpha, beta, quantile) <= 2.0 * tail
    return np.where(held, np.maximum(quantile, bound), bound)


def _lattice_span(low, high, step):
    """Indices of the lattice nodes around ``[low, high]``: at least two."""
    first = np.floor(low / step).astype(np.int64)
    last = np.maximum(np.ceil(high / step).astype(np.int64), first + 1)
    return first, last


def beta_average_distribution(alpha, beta, *, n_nodes=N_NODES):
    """Lattice approximation of the law of the mean of independent Betas.

    Parameters
    ----------
    alpha, beta : array-like of shape (n_components,)
        Positive shape parameters of the independent Beta variables.
    n_nodes : int, default=16384
        Approximate total number of lattice nodes over all components; it sets the
        accuracy and the cost, which do not depend on the size of the parameters.

    Returns
    -------
    distribution : LatticeDistribution
        The law of ``mean(X_k)`` on a lattice of step ``h / n_components``.

    Examples
    --------
    >>> from sklearn_balanced.metrics._beta_average import (
    ...     beta_average_distribution,
    ...     lattice_ppf,
    ... )
    >>> law = beta_average_distribution([40.0, 46.0], [12.0, 6.0])
    >>> round(float(lattice_ppf(law, 0.5)), 4)
    0.8289
    """
    ((_, laws),) = beta_average_laws(
        np.asarray(alpha, dtype=np.float64)[np.newaxis],
        np.asarray(beta, dtype=np.float64)[np.newaxis],
        n_nodes=n_nodes,
    )
    return _row_law(laws, 0)


def beta_average_laws(alpha, beta, *, n_nodes=N_NODES):
    """:func:`beta_average_distribution` of every row of shape parameters, in chunks.

    The laws are those of :func:`beta_average_distribution` row by row (up to
    rounding), for a fraction of the cost per row, computed by :func:`beta_sums`
    in chunks of rows.

    Parameters
    ----------
    alpha, beta : array-like of shape (n_rows, n_components)
        Positive shape parameters of the independent Beta variables of every
        row.
    n_nodes : int, default=16384
        Approximate total number of lattice nodes of a row.

    Yields
    ------
    rows : ndarray of int
        The rows of a chunk.
    laws : LatticeLaws
        The law of the mean of every one of these rows' variables.

    Examples
    --------
    >>> from sklearn_balanced.metrics._beta_average import (
    ...     beta_average_laws,
    ...     laws_ppf,
    ... )
    >>> ((rows, laws),) = beta_average_laws(
    ...     [[40.0, 46.0], [4.0, 5.0]], [[12.0, 6.0], [2.0, 1.0]]
    ... )
    >>> rows.tolist(), laws_ppf(laws, 0.5).round(4).tolist()
    ([0, 1], [0.8289, 0.7606])
    """
    alpha = np.asarray(alpha, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    for begin in range(0, alpha.shape[0], ROW_CHUNK):
        part = slice(begin, begin + ROW_CHUNK)
        low, high = _window(alpha[part], beta[part])
        width = np.maximum(high - low, np.finfo(np.float64).tiny)
        step = lattice_step(width.sum(axis=1) / n_nodes)
        first, last = _lattice_span(low, high, step[:, np.newaxis])
        for rows, laws in beta_sums(alpha[part], beta[part], first, last, step):
            yield rows + begin, _mean_laws(laws, alpha.shape[1])


def dirichlet_difference_distribution(a, b, c, *, resolution=RESOLUTION):
    """Lattice law of the mean of differences of two Dirichlet components.

    For every component ``k``, ``(A_k, B_k, C_k)`` follows the Dirichlet law of
    parameters ``(a[k], b[k], c[k])``, independently across components; the law
    computed is that of ``mean(A_k - B_k)``.

    Parameters
    ----------
    a, b, c : array-like of shape (n_components,)
        Positive Dirichlet parameters.
    resolution : int, default=12
        Lattice steps per root-mean-square standard deviation of the ``A_k - B_k``
        (the step is also at most ``MAX_STEP``). Discretising smooths every
        component by independent zero-mean noise of variance at most about
        ``step**2 / 3``; for a nearly normal mean this moves its quantiles
        outwards by about ``z * sd / (6 * resolution**2)``, for a standard normal
        quantile ``z`` and the mean's standard deviation ``sd`` (under 1e-3 of a
        standard deviation at 12). The cost grows like ``resolution**2`` per
        component and does not depend on the parameters' size.

    Returns
    -------
    distribution : LatticeDistribution
        The law of ``mean(A_k - B_k)`` on a lattice of step ``h / n_components``.

    Examples
    --------
    >>> from sklearn_balanced.metrics._beta_average import (
    ...     dirichlet_difference_distribution,
    ...     lattice_cdf,
    ... )
    >>> law = dirichlet_difference_distribution([8.5, 4.5], [2.5, 3.5], [81, 91])
    >>> round(float(1 - lattice_cdf(law, 0.0)), 3)
    0.956
    """
    a, b, c = (np.asarray(x, dtype=np.float64) for x in (a, b, c))
    total = a + b + c
    variance = (a * (total - a) + b * (total - b) + 2.0 * a * b) / (
        total**2 * (total + 1.0)
    )
    s_low, s_high = _window(a + b, c, DIFFERENCE_TAIL)
    u_low, u_high = _window(a, b, DIFFERENCE_TAIL)
    widest = np.max(s_high * 2.0 * (u_high - u_low))
    step = max(
        min(float(np.sqrt(np.mean(variance)) / resolution), MAX_STEP),
        widest / MAX_COMPONENT_NODES,
    )
    masses, first, last = zip(
        *(
            _difference_masses(*parameters, step)
            for parameters in zip(
                a,
                b,
                c,
                s_low,
                s_high,
                2.0 * u_low - 1.0,
                2.0 * u_high - 1.0,
                strict=True,
            )
        ),
        strict=True,
    )
    count = np.array([mass.shape[0] for mass in masses])
    laws = lattice_sums(
        _pad(np.concatenate(masses), np.cumsum(count) - count, count),
        np.arange(count.shape[0])[np.newaxis],
        np.array([first]),
        np.array([last]),
        np.array([step]),
    )
    return _row_law(_mean_laws(laws, count.shape[0]), 0)


def _difference_masses(a, b, c, s_low, s_high, v_low, v_high, step):
    """Lattice masses of ``A - B`` for one Dirichlet ``(a, b, c)`` component.

    ``S = A + B ~ Beta(a + b, c)`` within ``[s_low, s_high]`` is discretised on a
    lattice of step ``step / sqrt(E[V**2])``, with ``V = 2 A / S - 1``, which is
    ``2 Beta(a, b) - 1`` within ``[v_low, v_high]`` and independent of ``S``.
    Moving ``S`` by ``e`` to its neighbouring nodes (``E[e | S] = 0``,
    ``E[e**2] <= (step / sqrt(E[V**2]))**2 / 4``) moves ``S * V`` by ``e V``, of
    variance at most ``step**2 / 4``: no more than the common lattice's own
    smoothing. Given a node ``s``, ``A - B = s V``.

    Returns
    -------
    mass : ndarray
        Probabilities of the nodes ``(first + i) * step``.
    first, last : int
        Indices of the first and last nodes.
    """
    mean, total = a / (a + b), a + b
    spread = np.sqrt(
        4.0 * mean * (1.0 - mean) / (total + 1.0) + (2.0 * mean - 1.0) ** 2
    )
    s_step = max(step / max(spread, step), (s_high - s_low) / MAX_COMPONENT_NODES)
    s_first, s_last = _lattice_span(s_low, s_high, s_step)
    s_mass = discretize_beta(a + b, c, s_first, s_last, s_step)
    s_nodes = np.arange(s_first, s_last + 1)[s_mass > 0] * s_step
    corners = np.outer(s_nodes[[0, -1]], [v_low, v_high])
    first, last = _lattice_span(corners.min(), corners.max(), step)
    conditional = discretize_beta(
        a,
        b,
        first,
        last,
        step,
        loc=-s_nodes,
        scale=np.maximum(2.0 * s_nodes, np.finfo(np.float64).tiny),
    )
    return s_mass[s_mass > 0] @ conditional, int(first), int(last)


def _mean_laws(laws, n_components):
    """The laws of ``S / n_components`` for ``S`` of laws ``laws``."""
    return laws._replace(start=laws.start / n_components, step=laws.step / n_components)


def _row_law(laws, row):
    """One law of a :class:`LatticeLaws`, as a :class:`LatticeDistribution`."""
    return LatticeDistribution(
        start=float(laws.start[row]),
        step=float(laws.step[row]),
        mass=laws.mass[row, : laws.size[row]],
    )


def _node_cdf(distribution):
    """CDF at the nodes, each node's mass counted half (trapezoidal rule)."""
    return _node_cdfs(distribution.mass)


def _nodes(distribution):
    return distribution.start + distribution.step * np.arange(
        distribution.mass.shape[0]
    )


def lattice_cdf(distribution, x):
    """Cumulative distribution function of a lattice law, interpolated.

    Parameters
    ----------
    distribution : LatticeDistribution
        The law, from :func:`beta_average_distribution` or
        :func:`dirichlet_difference_distribution`.
    x : float or ndarray
        Points at which to evaluate the CDF.

    Returns
    -------
    cdf : float or ndarray
        ``P(S <= x)``, piecewise linear between the nodes.
    """
    return np.interp(x, _nodes(distribution), _node_cdf(distribution), 0.0, 1.0)


def lattice_ppf(distribution, q):
    """Quantile function of a lattice law, the inverse of :func:`lattice_cdf`.

    Parameters
    ----------
    distribution : LatticeDistribution
        The law, from :func:`beta_average_distribution` or
        :func:`dirichlet_difference_distribution`.
    q : float or ndarray
        Probabilities in [0, 1].

    Returns
    -------
    quantile : float or ndarray
        The points ``x`` with ``lattice_cdf(distribution, x) == q``.
    """
    mass = distribution.mass
    laws = LatticeLaws(
        np.array([distribution.start]),
        np.array([distribution.step]),
        mass[np.newaxis],
        np.array([mass.shape[0]]),
    )
    return laws_ppf(laws, q)[0]


def lattice_mode(distribution):
    """Location of the largest probability, refined by a parabola.

    Parameters
    ----------
    distribution : LatticeDistribution
        The law, from :func:`beta_average_distribution`.

    Returns
    -------
    mode : float
        A mode of the law; on a flat top, one of its points.
    """
    mass = distribution.mass
    top = int(np.argmax(mass))
    offset = 0.0
    if 0 < top < mass.shape[0] - 1:
        # ``top`` is the first maximum, so left < centre >= right: the parabola
        # through the three points is concave and its vertex within half a step.
        left, centre, right = mass[top - 1 : top + 2]
        offset = 0.5 * (left - right) / (left - 2.0 * centre + right)
    return distribution.start + distribution.step * (top + offset)
