"""Has the balanced accuracy of a group dropped below a reference's?

Every group ``g`` (a segment, a time window) is compared with a reference (another
group, the previous window, a fixed period) measured on other samples: the two
balanced accuracies are independent, and the change is

``D = BA_g - BA_ref = mean_k (X_k - Y_k)``,

with ``X_k`` and ``Y_k`` the recalls of class ``k`` in the group and in the
reference. Only the per-class numbers of samples and of correct predictions are
needed, so everything here is vectorised over groups.

The prior. With the uniform prior of the posterior interval
(:mod:`sklearn_balanced.metrics._interval`), a small group's recalls are pulled
towards 1/2 much more than a large reference's: against a reference whose
recalls are near 1, a window of a few rows, all of them correct, looks like a
drop, and is flagged almost surely (see ``benchmarks/bench_drift.py``). The drop
probability is therefore computed with the boundary priors that favour "no drop"
the most (Altham, JRSS B 1969): the group's recalls get
``Beta(correct + 1, wrong)`` and the reference's ``Beta(correct, wrong + 1)``
(a parameter of 0 is a point mass). For one class, ``P(D < 0)`` is then exactly
one minus the one-sided p-value of Fisher's exact test, so that flagging
``P(D < 0) > level`` has a false alarm rate of at most ``1 - level``; the
benchmark checks that this carries over to averages of several classes. The
interval of ``D`` takes its lower end from the opposite boundary priors (group
``Beta(correct, wrong + 1)``, reference ``Beta(correct + 1, wrong)``), like the
Clopper-Pearson interval of a single proportion: its upper end is below 0 at
``confidence = 2 * level - 1`` exactly when a drop is flagged at ``level``.

The law of ``D``. Writing ``D = (S - K) / K`` with
``S = sum_k X_k + sum_k (1 - Y_k)``, a sum of ``2 K`` independent Beta variables
(``1 - Y_k`` is a Beta with its parameters swapped), ``S`` is computed on a
lattice by the batched functions of :mod:`sklearn_balanced.metrics._lattice_laws`
(every component discretised mean-preservingly, with at least ``RESOLUTION``
steps per root-mean-square standard deviation, on a window holding all but
``TAIL`` of each tail; one FFT convolution), for many groups at once: the cost
is about a hundred lattice nodes per component and group, whatever the counts,
and less where groups share counts (groups of equal counts and reference are
computed once, equal components discretised once). Groups are taken
``ROW_CHUNK`` at a time, and their lattices in chunks of ``NODE_BUDGET`` nodes:
the memory held does not grow with their number beyond a few arrays of their
counts. Point masses are kept out of the lattice and added as constants. The
drop probability ``P(S < K)`` leaves the widest component ``W`` out of the
lattice as well and averages its exact CDF over the lattice law of the rest,
``E[F_W(K - R)]``: for one class, this matches Fisher's test to about 1e-4, where
smoothing ``W`` would miss by 1e-2 next to a narrow reference recall close to 1.

Weighted counts. The functions take effective counts: for weighted samples, pass
Kish effective class sizes (:func:`~sklearn_balanced.metrics._interval.kish_sizes`)
as ``support`` and ``recall * support`` as ``correct``, as the posterior interval
does. Classes larger than ``MAX_CLASS_SIZE`` count as that many.
"""

from numbers import Real
from typing import NamedTuple

import numpy as np
from scipy import special

from sklearn_balanced.metrics._beta_average import (
    MAX_COMPONENT_NODES,
    ROW_CHUNK,
    _lattice_span,
    _window,
)
from sklearn_balanced.metrics._interval import MAX_CLASS_SIZE
from sklearn_balanced.metrics._lattice_laws import (
    LatticeLaws,
    beta_sums,
    distinct_rows,
    lattice_step,
    laws_ppf,
)

#: Lattice steps per root-mean-square standard deviation of the components (at
#: least: steps are rounded down by ``lattice_step``), for the drop probability
#: (accurate to about 1e-3, see the tests) and for the interval (its ends move
#: out by under 1% of a standard deviation).
RESOLUTION = 8
INTERVAL_RESOLUTION = 5
#: Probability of each tail of a component folded into its end cell.
TAIL = 1e-7
#: Largest lattice step.
MAX_STEP = 0.02
#: Lattice probabilities below this are round-off, left out of sums.
NEGLIGIBLE = 1e-16


class BalancedAccuracyChange(NamedTuple):
    """Change of the balanced accuracy of every group against its reference.

    Returned by :func:`balanced_accuracy_change`. Every field is an array of
    shape ``(n_groups,)``, NaN where a balanced accuracy is undefined (a class
    without samples in the group or in the reference).

    Attributes
    ----------
    difference : ndarray
        The observed ``BA_group - BA_reference``.
    low, high : ndarray
        The interval of the difference (see the module's notes on the priors).
    p_drop : ndarray
        The probability that the group's balanced accuracy is below the
        reference's, as :func:`drop_probability`.
    """

    difference: np.ndarray
    low: np.ndarray
    high: np.ndarray
    p_drop: np.ndarray


def drop_probability(correct, support, ref_correct, ref_support):
    """Posterior probability that each group's balanced accuracy is below a reference's.

    The recalls of the group get ``Beta(correct + 1, support - correct)``
    posteriors and those of the reference ``Beta(ref_correct, ref_support -
    ref_correct + 1)``: the boundary priors most favourable to "no drop", so that
    for one class the result is one minus the one-sided p-value of Fisher's exact
    test, and flagging it above ``level`` raises false alarms at a rate of at
    most ``1 - level`` (for several classes, a property checked by simulation and
    exact enumeration rather than proved).

    Parameters
    ----------
    correct, support : array-like of shape (n_groups, n_classes)
        Correct predictions and samples of every class in every group (effective
        counts allowed: for weighted samples, Kish effective sizes and
        ``recall * size``).
    ref_correct, ref_support : array-like of shape (n_classes,) or (n_groups, n_classes)
        The same for the reference: one for all groups, or one per group (e.g.
        the previous window).

    Returns
    -------
    p_drop : ndarray of shape (n_groups,)
        ``P(BA_group < BA_reference)``; NaN where a class has no samples in the
        group or in its reference.

    Examples
    --------
    A group of 200 rows with recalls 0.7 and 0.8 against a reference of 200 rows
    with recalls 0.9, and a group of 3 rows with one error:

    >>> from sklearn_balanced.metrics._drift import drop_probability
    >>> correct, support = [[70, 80], [1, 1]], [[100, 100], [1, 2]]
    >>> p_drop = drop_probability(correct, support, [90, 90], [100, 100])
    >>> p_drop.round(3).tolist()
    [1.0, 0.614]
    """
    counts = _check_counts(correct, support, ref_correct, ref_support)
    p_drop = np.full(counts.defined.shape[0], np.nan)
    distinct, inverse = _distinct(counts)
    p_drop[counts.defined] = _in_slices(
        lambda *part: _drop_probabilities(*_optimistic(*part)), distinct
    )[inverse]
    return p_drop


def balanced_accuracy_change(
    correct, support, ref_correct, ref_support, *, confidence=0.95
):
    """Change of the balanced accuracy of every group, its interval and p_drop.

    Parameters
    ----------
    correct, support : array-like of shape (n_groups, n_classes)
        Correct predictions and samples of every class in every group.
    ref_correct, ref_support : array-like of shape (n_classes,) or (n_groups, n_classes)
        The same for the reference, shared or one per group.
    confidence : float, default=0.95
        Probability content of the interval, strictly between 0 and 1.

    Returns
    -------
    change : BalancedAccuracyChange
        ``difference``, ``low``, ``high`` and ``p_drop`` per group. The upper end
        at ``confidence`` is below 0 exactly when ``p_drop > (1 + confidence) /
        2`` (up to the lattice's accuracy).

    Examples
    --------
    >>> from sklearn_balanced.metrics._drift import balanced_accuracy_change
    >>> change = balanced_accuracy_change(
    ...     [[70, 80]], [[100, 100]], [90, 90], [100, 100], confidence=0.95
    ... )
    >>> round(float(change.difference[0]), 3)
    -0.15
    >>> round(float(change.low[0]), 3), round(float(change.high[0]), 3)
    (-0.231, -0.066)
    """
    _check_fraction(confidence, "confidence")
    counts = _check_counts(correct, support, ref_correct, ref_support)
    tail = (1.0 - confidence) / 2.0
    n_groups = counts.defined.shape[0]
    low, high, p_drop = (np.full(n_groups, np.nan) for _ in range(3))
    defined = counts.defined
    distinct, inverse = _distinct(counts)
    changes = _in_slices(_changes, distinct, tail)
    p_drop[defined], low[defined], high[defined] = changes[inverse].T
    difference = np.full(n_groups, np.nan)
    difference[defined] = np.mean(
        counts.correct[defined] / counts.support[defined]
        - counts.ref_correct[defined] / counts.ref_support[defined],
        axis=1,
    )
    return BalancedAccuracyChange(difference, low, high, p_drop)


def flag_drops(p_drop, level):
    """Flag the groups whose drop probability exceeds ``level``.

    Parameters
    ----------
    p_drop : array-like of shape (n_groups,)
        Drop probabilities, from :func:`drop_probability` (NaN for undefined
        groups).
    level : float
        Strictly between 0 and 1 (e.g. 0.95). On data with no change, at most a
        fraction ``1 - level`` of the groups is flagged.

    Returns
    -------
    flags : ndarray of shape (n_groups,) of bool
        ``p_drop > level``; False where ``p_drop`` is NaN.

    Examples
    --------
    >>> from sklearn_balanced.metrics._drift import flag_drops
    >>> flag_drops([0.99, 0.5, float("nan")], 0.95).tolist()
    [True, False, False]
    """
    _check_fraction(level, "level")
    p_drop = np.asarray(p_drop, dtype=np.float64)
    if np.any((p_drop < 0.0) | (p_drop > 1.0)):
        raise ValueError("p_drop must hold probabilities in [0, 1] (or NaN).")
    # NaN compares False: undefined groups are never flagged.
    return p_drop > level


def _check_fraction(value, name):
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not 0.0 < float(value) < 1.0
    ):
        raise ValueError(
            f"{name} must be a float strictly between 0 and 1, got {value!r}."
        )


class _Counts(NamedTuple):
    """Validated counts, the reference broadcast to one row per group."""

    correct: np.ndarray
    support: np.ndarray
    ref_correct: np.ndarray
    ref_support: np.ndarray
    defined: np.ndarray


def _check_counts(correct, support, ref_correct, ref_support):
    """Validate the counts; mark the groups whose both balanced accuracies exist."""
    shape = np.shape(correct)
    if len(shape) != 2 or shape[1] == 0:
        raise ValueError(
            "correct must be a 2-D array of shape (n_groups, n_classes) with at "
            f"least one class, got shape {shape}."
        )
    correct, support = _check_pair(correct, support, "", [shape])
    ref_correct, ref_support = _check_pair(
        ref_correct, ref_support, "ref_", [shape[1:], shape]
    )
    ref_correct, ref_support = np.broadcast_arrays(ref_correct, ref_support)
    ref_correct, ref_support = (
        np.broadcast_to(x, shape) for x in (ref_correct, ref_support)
    )
    defined = np.all(support > 0, axis=1) & np.all(ref_support > 0, axis=1)
    return _Counts(correct, support, ref_correct, ref_support, defined)


def _check_pair(correct, support, prefix, shapes):
    """Validate one pair of count arrays; cap the classes at ``MAX_CLASS_SIZE``."""
    correct = np.asarray(correct, dtype=np.float64)
    support = np.asarray(support, dtype=np.float64)
    for name, value in ((prefix + "correct", correct), (prefix + "support", support)):
        if value.shape not in shapes:
            raise ValueError(
                f"{name} must have shape {' or '.join(map(str, shapes))}, got "
                f"{value.shape}."
            )
        if not np.all(np.isfinite(value) & (value >= 0.0)):
            raise ValueError(f"{name} must hold finite non-negative counts.")
    excess = correct > support
    if excess.any():
        raise ValueError(
            f"{prefix}correct must not exceed {prefix}support, which it does at "
            f"index {tuple(int(i) for i in np.argwhere(excess)[0])}."
        )
    size = np.minimum(support, MAX_CLASS_SIZE)
    recall = np.divide(correct, support, out=np.zeros(excess.shape), where=support > 0)
    return recall * size, size


def _distinct(counts):
    """The distinct counts of the defined groups, and every defined group's.

    Groups of equal counts and equal references (many small groups, against one
    reference) are computed once.

    Returns
    -------
    distinct : tuple of 4 ndarray of shape (n_distinct, n_classes)
        ``correct``, ``support``, ``ref_correct`` and ``ref_support``.
    inverse : ndarray of shape (n_defined,) of int
        The distinct counts of every defined group.
    """
    defined = [x[counts.defined] for x in counts[:4]]
    rows, inverse = distinct_rows(*defined)
    return [x[rows] for x in defined], inverse


def _in_slices(function, arrays, *args):
    """``function(*rows, *args)`` of the rows of ``arrays``, ``ROW_CHUNK`` at a time.

    The parameters, windows and lattice spans of a slice take a few hundred
    bytes per row and class: the memory held is bounded by the slice, not by
    the number of groups.
    """
    n_rows = arrays[0].shape[0]
    return np.concatenate(
        [
            function(*(x[start : start + ROW_CHUNK] for x in arrays), *args)
            for start in range(0, max(n_rows, 1), ROW_CHUNK)
        ]
    )


def _changes(c, n, rc, rn, tail):
    """The drop probability and the interval of rows of counts, as columns."""
    optimistic, pessimistic = _optimistic(c, n, rc, rn), _pessimistic(c, n, rc, rn)
    return np.column_stack(
        [
            _drop_probabilities(*optimistic),
            _difference_quantiles(*pessimistic, tail),
            _difference_quantiles(*optimistic, 1.0 - tail),
        ]
    )


def _optimistic(c, n, rc, rn):
    """Beta parameters of the group's and the reference's recalls, for p_drop."""
    return c + 1.0, n - c, rc, rn - rc + 1.0


def _pessimistic(c, n, rc, rn):
    """The opposite boundary priors, for the lower end of the interval."""
    return c, n - c + 1.0, rc + 1.0, rn - rc


def _drop_probabilities(alpha, beta, ref_alpha, ref_beta):
    """``P(mean_k (X_k - Y_k) < 0)`` for every row.

    Parameters
    ----------
    alpha, beta, ref_alpha, ref_beta : ndarray of shape (n_rows, n_classes)
        Non-negative Beta parameters of the independent ``X_k`` and ``Y_k`` (of
        every pair, at most one is 0: a point mass at 0 or at 1).

    Returns
    -------
    p_drop : ndarray of shape (n_rows,)

    Notes
    -----
    With ``S = sum_k X_k + sum_k (1 - Y_k)``, the probability is ``P(S < K)``.
    The component ``W`` of ``S`` with the largest variance is kept out of the
    lattice: ``P(S < K) = E[F_W(K - R)]`` over the lattice law of the rest ``R``,
    with ``F_W`` the exact Beta CDF. The lattice then only smooths ``R`` by a
    fraction of its own spread, where the CDF of ``S`` itself would be smoothed by
    a fraction of ``W``'s: a narrow component near a recall of 1 next to a wide one
    whose density jumps at 1 (a class with one error, or none) is exact too.
    """
    n_classes = alpha.shape[1]
    alpha, beta = _components(alpha, beta, ref_alpha, ref_beta)
    n_rows = alpha.shape[0]
    if n_rows == 0:
        return np.zeros(0)
    rows = np.arange(n_rows)
    widest = np.argmax(_variance(alpha, beta), axis=1)
    rest = np.ones(alpha.shape, dtype=bool)
    rest[rows, widest] = False
    alpha_w, beta_w = alpha[rows, widest], beta[rows, widest]
    alpha, beta = (x[rest].reshape(n_rows, -1) for x in (alpha, beta))
    # The rest's point masses at 1 (see _sum_laws).
    offset = np.sum(beta == 0.0, axis=1)
    p_drop = np.empty(n_rows)
    # Rows sorted by W: F_W is evaluated once per run of rows of equal W, step
    # and offset, at the lattice nodes they need.
    leading = (alpha_w, beta_w, offset)
    for chunk, origin, laws in _sum_laws(alpha, beta, RESOLUTION, leading):
        p_drop[chunk] = _expected_cdf(
            laws, origin, offset[chunk], alpha_w[chunk], beta_w[chunk], n_classes
        )
    return np.clip(p_drop, 0.0, 1.0)


def _expected_cdf(laws, origin, offset, alpha, beta, n_classes):
    """``E[F_W(n_classes - R)]`` for ``W ~ Beta(alpha, beta)`` and ``R`` of ``laws``.

    ``laws`` are the lattice laws of the rests ``R``, on the nodes
    ``offset + (origin + i) * step``, with ``offset`` the whole number of their
    point masses at 1. ``W`` may be a point mass (then all components are: the
    rest is a single node).
    """
    # F_W at the lattice nodes ``n`` the rows of a run of equal W, step and
    # offset need, once per run.
    change = np.zeros(alpha.shape[0], dtype=bool)
    change[0] = True
    for key in (alpha, beta, laws.step, offset):
        change[1:] |= key[1:] != key[:-1]
    first = np.flatnonzero(change)
    key = np.cumsum(change) - 1
    n_keys = first.shape[0]
    lowest = np.minimum.reduceat(origin, first)
    highest = np.maximum.reduceat(origin + laws.size - 1, first)
    length = highest - lowest + 1
    begin = np.cumsum(length) - length
    of = np.repeat(np.arange(n_keys), length)
    node = lowest[of] + (np.arange(begin[-1] + length[-1]) - begin[of])
    x = (n_classes - offset[first][of]) - node * laws.step[first][of]
    a, b = alpha[first][of], beta[first][of]
    below = np.where(b == 0.0, x > 1.0, x > 0.0).astype(np.float64)
    inside = (a > 0.0) & (b > 0.0) & (x > 0.0) & (x < 1.0)
    below[inside] = special.betainc(a[inside], b[inside], x[inside])
    # Nodes of negligible mass (FFT round-off in the far tails) are left out.
    column = np.arange(laws.mass.shape[1])
    used = (column < laws.size[:, np.newaxis]) & (laws.mass > NEGLIGIBLE)
    position = (begin[key] + origin - lowest[key])[:, np.newaxis] + column
    return np.sum(
        np.where(used, laws.mass * below[np.where(used, position, 0)], 0.0), axis=1
    )


def _components(alpha, beta, ref_alpha, ref_beta):
    """Parameters of the ``X_k`` and of the ``1 - Y_k ~ Beta(ref_beta, ref_alpha)``."""
    return np.hstack([alpha, ref_beta]), np.hstack([beta, ref_alpha])


def _variance(alpha, beta):
    """Variances of Beta laws; 0 for point masses (a parameter of 0)."""
    total = alpha + beta
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = alpha * beta / (total**2 * (total + 1.0))
    return np.where((alpha == 0.0) | (beta == 0.0), 0.0, variance)


def _difference_quantiles(alpha, beta, ref_alpha, ref_beta, q):
    """The ``q`` quantile of ``mean_k (X_k - Y_k)`` for every row, in its support.

    Parameters
    ----------
    alpha, beta, ref_alpha, ref_beta : ndarray of shape (n_rows, n_classes)
        Non-negative Beta parameters of the independent ``X_k`` and ``Y_k`` (of
        every pair, at most one is 0: a point mass at 0 or at 1).
    q : float
        The probability.

    Returns
    -------
    quantile : ndarray of shape (n_rows,)
    """
    n_classes = alpha.shape[1]
    # D = (S - K) / K with S the sum of the X_k and the 1 - Y_k.
    alpha, beta = _components(alpha, beta, ref_alpha, ref_beta)
    quantile = np.empty(alpha.shape[0])
    for chunk, _, laws in _sum_laws(alpha, beta, INTERVAL_RESOLUTION):
        difference = LatticeLaws(
            start=(laws.start - n_classes) / n_classes,
            step=laws.step / n_classes,
            mass=laws.mass,
            size=laws.size,
        )
        quantile[chunk] = laws_ppf(difference, q)
    # Every component lies in [0, 1], and a point mass at its value.
    lowest = np.sum(beta == 0.0, axis=1)
    highest = alpha.shape[1] - np.sum(alpha == 0.0, axis=1)
    return np.clip(
        quantile, (lowest - n_classes) / n_classes, (highest - n_classes) / n_classes
    )


def _sum_laws(alpha, beta, resolution, leading=()):
    """Lattice laws of the sums of independent Betas, row by row, in chunks.

    Parameters
    ----------
    alpha, beta : ndarray of shape (n_rows, n_components)
        Non-negative shape parameters; ``beta == 0`` is a point mass at 1 and
        ``alpha == 0`` one at 0 (never both).
    resolution : float
        Lattice steps per root-mean-square standard deviation of the components
        (at least: the step is rounded down by ``lattice_step``).
    leading : tuple of ndarray of shape (n_rows,), default=()
        Keys to sort the rows by, after their steps (see :func:`beta_sums`).

    Yields
    ------
    rows : ndarray of int
        The rows of a chunk.
    origin : ndarray of int
        The index of the first lattice node of every one of these rows' laws.
    laws : LatticeLaws
        The law of every one of these rows' sums, on the nodes
        ``offset + (origin + i) * step`` with ``offset`` the number of the
        row's point masses at 1.
    """
    point = (alpha == 0.0) | (beta == 0.0)
    offset = np.sum(point & (beta == 0.0), axis=1, dtype=np.float64)
    variance = _variance(alpha, beta)
    # Point masses get a placeholder law on a window of one node, 0 (their value
    # is in the offset): that node takes the whole mass.
    alpha = np.where(point, 1.0, alpha)
    beta = np.where(point, 1.0, beta)
    low, high = _window(alpha, beta, TAIL)
    widest = np.max(np.where(point, 0.0, high - low), axis=1)
    step = np.maximum(
        np.minimum(np.sqrt(np.mean(variance, axis=1)) / resolution, MAX_STEP),
        widest / MAX_COMPONENT_NODES,
    )
    # Rows made of point masses only: any step does.
    step = lattice_step(np.where(step > 0.0, step, MAX_STEP))
    first, last = _lattice_span(low, high, step[:, np.newaxis])
    first, last = np.where(point, 0, first), np.where(point, 0, last)
    for rows, laws in beta_sums(alpha, beta, first, last, step, leading):
        yield (
            rows,
            np.sum(first[rows], axis=1),
            laws._replace(start=laws.start + offset[rows]),
        )
