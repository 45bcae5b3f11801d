"""Distribution of the average of independent Beta random variables.

The posterior of the balanced accuracy under independent Beta posteriors of the
per-class recalls (Brodersen et al., ICPR 2010) is the law of
``S = (X_1 + ... + X_K) / K`` with ``X_k ~ Beta(alpha_k, beta_k)``. It has no
closed form, so it is computed numerically on a lattice:

1. Every component is discretised on a common lattice ``{j * h}`` restricted to
   the window that holds all but ``2 * TAIL`` of its mass. The exact probability
   of each lattice cell (a difference of regularized incomplete Beta functions)
   is split between the two ends of the cell so that the cell's conditional mean
   is preserved ("mean-preserving" or linear discretisation). The discretised
   variable therefore has the exact mean, and its law is the Beta law smoothed by
   a kernel of width ``h``: quantiles are accurate to second order in ``h``.
2. The sum lives on the same lattice; its probabilities are the convolution of
   the components', computed with one real FFT of the summed length.
3. The step ``h`` is chosen so that the total number of lattice nodes is fixed
   (about ``n_nodes``), whatever the counts: the cost does not grow with the
   class sizes, and a wide component (few observations) and a narrow one (a
   million observations) share one lattice without loss, because a narrow
   component occupies only a few cells whose mean is exact.

FFT convolution was preferred over inverting the characteristic function because
the Beta characteristic function is a confluent hypergeometric function that is
slow and delicate to evaluate for large parameters, whereas cell probabilities
only need ``scipy.special.betainc``.
"""

from typing import NamedTuple

import numpy as np
from scipy import fft, special

# Probability left out in each tail of every component's window.
TAIL = 1e-13
# Default total number of lattice nodes over all components.
N_NODES = 16384


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


def _incomplete_beta_step(alpha, beta, x):
    """Return ``x**alpha * (1 - x)**beta / (alpha * B(alpha, beta))``."""
    with np.errstate(divide="ignore"):
        log_value = (
            special.xlogy(alpha, x)
            + special.xlog1py(beta, -x)
            - np.log(alpha)
            - special.betaln(alpha, beta)
        )
    return np.exp(log_value)


def discretize_beta(alpha, beta, first, last, step):
    """Mean-preserving discretisation of ``Beta(alpha, beta)`` on a lattice.

    Parameters
    ----------
    alpha, beta : float
        Positive shape parameters.
    first, last : int
        Indices of the first and last lattice nodes ``j * step`` to use; the
        window ``[first * step, last * step]`` must hold (almost) all the mass.
    step : float
        Lattice step.

    Returns
    -------
    mass : ndarray of shape (last - first + 1,)
        Node probabilities with sum one and the exact Beta mean.
    """
    nodes = np.arange(first, last + 1) * step
    edges = np.clip(nodes, 0.0, 1.0)
    cdf = special.betainc(alpha, beta, edges)
    # I_x(alpha + 1, beta) = I_x(alpha, beta) - x^a (1 - x)^b / (a B(a, b)), so the
    # partial first moments need no second incomplete Beta evaluation.
    cdf_next = cdf - _incomplete_beta_step(alpha, beta, edges)
    # Tail mass outside the window is assigned to the end cells.
    cdf[0], cdf[-1] = 0.0, 1.0
    cdf_next[0], cdf_next[-1] = 0.0, 1.0
    cell_mass = np.diff(cdf)
    cell_moment = alpha / (alpha + beta) * np.diff(cdf_next)
    # Share of each cell's mass sent to its right node, from the cell's mean.
    to_right = np.clip((cell_moment - nodes[:-1] * cell_mass) / step, 0.0, cell_mass)
    mass = np.zeros(nodes.shape[0])
    mass[1:] += to_right
    mass[:-1] += cell_mass - to_right
    return mass


def _window(alpha, beta):
    """Return the quantiles ``TAIL`` and ``1 - TAIL`` of every component.

    The upper one is taken as the lower tail of the mirrored ``Beta(beta, alpha)``:
    inverting ``1 - TAIL`` directly loses the tail to rounding (SciPy < 1.15 even
    returns 1 for ``betaincinv(1, 401, 1 - 1e-12)``).
    """
    low = special.betaincinv(alpha, beta, TAIL)
    high = 1.0 - special.betaincinv(beta, alpha, TAIL)
    return low, high


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
    """
    alpha = np.asarray(alpha, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    n_components = alpha.shape[0]
    low, high = _window(alpha, beta)
    width = np.maximum(high - low, np.finfo(np.float64).tiny)
    step = float(width.sum() / n_nodes)
    first = np.floor(low / step).astype(np.int64)
    last = np.ceil(high / step).astype(np.int64)
    last = np.maximum(last, first + 1)
    masses = [
        discretize_beta(a, b, f, la, step)
        for a, b, f, la in zip(alpha, beta, first, last, strict=True)
    ]
    size = sum(m.shape[0] for m in masses) - n_components + 1
    n_fft = fft.next_fast_len(size, real=True)
    spectrum = np.ones(n_fft // 2 + 1, dtype=np.complex128)
    for mass in masses:
        spectrum *= fft.rfft(mass, n_fft)
    total = np.clip(fft.irfft(spectrum, n_fft)[:size], 0.0, None)
    total /= total.sum()
    return LatticeDistribution(
        start=float(first.sum()) * step / n_components,
        step=step / n_components,
        mass=total,
    )


def _node_cdf(distribution):
    """CDF at the nodes, each node's mass counted half (trapezoidal rule)."""
    mass = distribution.mass
    return np.cumsum(mass) - 0.5 * mass


def _nodes(distribution):
    return distribution.start + distribution.step * np.arange(
        distribution.mass.shape[0]
    )


def lattice_cdf(distribution, x):
    """Cumulative distribution function of a lattice law, interpolated.

    Parameters
    ----------
    distribution : LatticeDistribution
        The law, from :func:`beta_average_distribution`.
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
        The law, from :func:`beta_average_distribution`.
    q : float or ndarray
        Probabilities in [0, 1].

    Returns
    -------
    quantile : float or ndarray
        The points ``x`` with ``lattice_cdf(distribution, x) == q``.
    """
    cdf = _node_cdf(distribution)
    nodes = _nodes(distribution)
    # Flat stretches of the CDF (zero mass) are dropped so that it can be inverted.
    keep = np.concatenate(([True], np.diff(cdf) > 0))
    return np.interp(q, cdf[keep], nodes[keep])


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
