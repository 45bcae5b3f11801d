"""Paired comparison of the balanced accuracies of two classifiers on one test set.

Scored on the same samples, two classifiers' balanced accuracies are strongly
correlated, and what decides between them is where they disagree. Per true class
``k`` every sample has one of four paired outcomes: both classifiers right, only
``a`` right, only ``b`` right, both wrong. The difference of the balanced
accuracies is the mean over classes of ``(only a right - only b right) / n_k``,
and every method below works from these per-class counts:

- ``"posterior"``: the four outcome probabilities of a class get the Jeffreys
  prior ``Dirichlet(1/2, 1/2, 1/2, 1/2)``, whose two recall marginals are the
  uniform-prior Betas of :func:`balanced_accuracy_interval`; the posterior of the
  difference is the mean over classes of differences of two Dirichlet
  components, computed on a lattice by
  :func:`~sklearn_balanced.metrics._beta_average.dirichlet_difference_distribution`;
- ``"bootstrap"`` / ``"bootstrap-percentile"``: the paired bootstrap stratified by
  true class, drawn as one multinomial of the four outcomes per class by the
  interval's bootstrap engine, at a cost independent of the number of samples;
- the p-value: the paired permutation test, which swaps the two predictions of
  each sample at random. Only the discordant samples change, so under the null
  the number of "only a right" samples of class ``k`` is
  ``Binomial(discordant_k, 1/2)``: its exact law is one convolution on an
  integer lattice, and a Monte Carlo of these binomials replaces it when that
  lattice is too long.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import fft, stats
from sklearn.utils import check_random_state

from sklearn_balanced.metrics._beta_average import (
    dirichlet_difference_distribution,
    lattice_cdf,
    lattice_ppf,
)
from sklearn_balanced.metrics._interval import (
    MAX_CLASS_SIZE,
    bootstrap_interval,
    classes_with_samples,
    interval_params,
    kish_sizes,
)
from sklearn_balanced.metrics._pair_counts import _CHUNK
from sklearn_balanced.metrics._recall import TARGET_PARAMS
from sklearn_balanced.metrics._targets import check_labels, check_targets
from sklearn_balanced.utils._compat import validate_params
from sklearn_balanced.utils._encode import encode_union, encode_with_labels
from sklearn_balanced.utils._validation import check_scaled_sample_weight

#: The four paired outcomes of a sample, in the column order of the counts.
OUTCOMES = ("both right", "only a right", "only b right", "both wrong")
#: What each outcome adds to ``recall_a - recall_b`` (per sample of its class).
DIFFERENCE_VALUES = np.array([0.0, 1.0, -1.0, 0.0])
#: Dirichlet prior of every outcome (Jeffreys).
PRIOR = 0.5
#: Longest integer lattice on which the permutation law is computed exactly.
EXACT_MAX_NODES = 1 << 20


@dataclass(frozen=True, eq=False)
class BalancedAccuracyComparison:
    """A paired comparison of the balanced accuracies of two classifiers.

    Returned by :func:`compare_balanced_accuracy` and
    :func:`compare_balanced_accuracy_from_counts`.

    Attributes
    ----------
    difference : float
        The observed ``BA(a) - BA(b)``, the mean of ``recall_difference``.
    low, high : float
        The interval of the difference.
    confidence : float
        Its nominal probability content (e.g. 0.95).
    method : str
        ``"posterior"``, ``"bootstrap"`` or ``"bootstrap-percentile"``.
    p_value : float
        Two-sided p-value of the paired permutation test of "a and b have the same
        balanced accuracy" (whatever ``method``). Values below about ``1e-12``
        are numerically zero.
    p_value_exact : bool
        Whether ``p_value`` is exact (True) or a Monte Carlo estimate from
        ``n_resamples`` random swaps (False).
    prob_a_better : float or None
        Posterior probability that ``a`` has the higher balanced accuracy
        (``"posterior"`` only, None otherwise).
    score_a, score_b : float
        The balanced accuracies of ``a`` and ``b``.
    classes : ndarray of shape (n_classes,)
        The classes compared.
    counts : ndarray of shape (n_classes, 4)
        Per class, the number (or weight) of samples that both classifiers
        predict right, only ``a``, only ``b``, and neither (see ``OUTCOMES``).
    recall_difference : ndarray of shape (n_classes,)
        Per class, ``recall_a - recall_b``.

    Examples
    --------
    >>> from sklearn_balanced import compare_balanced_accuracy_from_counts
    >>> result = compare_balanced_accuracy_from_counts([[30, 8, 1, 1], [400, 5, 9, 46]])
    >>> round(result.difference, 4), round(result.low, 3), round(result.high, 3)
    (0.0832, 0.013, 0.152)
    >>> round(result.p_value, 4), round(result.prob_a_better, 3)
    (0.0359, 0.99)
    """

    difference: float
    low: float
    high: float
    confidence: float
    method: str
    p_value: float
    p_value_exact: bool
    prob_a_better: float | None
    score_a: float
    score_b: float
    classes: np.ndarray
    counts: np.ndarray
    recall_difference: np.ndarray


class PairedCounts(NamedTuple):
    """Per-class counts of the four paired outcomes of two classifiers.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        The candidate classes (some may have no true samples).
    counts : ndarray of shape (n_classes, 4)
        Weight of every outcome in every class, in units of ``2**exponent``.
    squares : ndarray of shape (n_classes,) or None
        Sum of the squared weights of every class in the squared units (None
        without weights).
    exponent : int
        Exponent of the units of the weights (see ``scale_weights``).
    """

    classes: np.ndarray
    counts: np.ndarray
    squares: np.ndarray | None
    exponent: int


@validate_params(
    lambda: {
        "y_true": TARGET_PARAMS["y_true"],
        "y_pred_a": ["array-like"],
        "y_pred_b": ["array-like"],
        "labels": TARGET_PARAMS["labels"],
        "sample_weight": TARGET_PARAMS["sample_weight"],
        **interval_params(),
    },
    prefer_skip_nested_validation=True,
)
def compare_balanced_accuracy(
    y_true,
    y_pred_a,
    y_pred_b,
    *,
    method="posterior",
    confidence=0.95,
    labels=None,
    sample_weight=None,
    n_resamples=9999,
    random_state=None,
):
    r"""Paired comparison of two classifiers' balanced accuracies on one test set.

    Is classifier ``a`` really better than classifier ``b``, or is the gap noise?
    Scored on the same samples, the two balanced accuracies are strongly
    correlated, so comparing two separate intervals is badly conservative. This
    function works from the per-class paired outcomes instead: for every true
    class, how many samples both classifiers predict right, only ``a``, only
    ``b``, and neither. It returns the observed difference
    :math:`\mathrm{BA}(a) - \mathrm{BA}(b)` with an interval, the p-value of a
    paired permutation test of "equal balanced accuracy" and, for the
    posterior, the probability that ``a`` is better.

    - ``method="posterior"`` (default): in class :math:`k` the probabilities of
      the four outcomes get the Jeffreys prior
      :math:`\mathrm{Dirichlet}(\tfrac12, \tfrac12, \tfrac12, \tfrac12)`, so that
      each classifier's recall has the uniform-prior Beta posterior of
      :func:`balanced_accuracy_interval`; the difference of the balanced
      accuracies is the mean over classes of
      :math:`\theta_{k,a} - \theta_{k,b}` (only ``a`` right minus only ``b``
      right). Its distribution is computed numerically on a lattice
      (deterministic; quantiles within :math:`10^{-3}` of the exact ones,
      typically :math:`10^{-4}`), and the interval is the central one.
    - ``method="bootstrap"``: the paired bootstrap stratified by true class, with
      the BCa interval: every replicate resamples the samples of each class with
      replacement, which draws its four outcome counts from one multinomial, so
      a replicate costs a few binomial draws per class whatever the number of
      samples. ``"bootstrap-percentile"`` gives the percentile interval.
    - The p-value (every method) is the paired permutation test: swapping the
      two predictions of a sample changes nothing unless they disagree, so under
      the null the number of "only a right" samples of class :math:`k` is
      :math:`\mathrm{Binomial}(m_k, 1/2)` with :math:`m_k` the class's
      discordant samples. The p-value is
      :math:`P(|\Delta^*| \ge |\Delta|)` for the difference :math:`\Delta^*`
      under random swaps: exact (a convolution on an integer lattice) when that
      lattice has at most about a million nodes, otherwise estimated from
      ``n_resamples`` swaps. It extends McNemar's exact test, its one-class case.

    Read more in the :ref:`User Guide <comparing>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred_a : array-like of shape (n_samples,)
        Predicted labels of classifier ``a``.

    y_pred_b : array-like of shape (n_samples,)
        Predicted labels of classifier ``b``, for the same samples.

    method : {"posterior", "bootstrap", "bootstrap-percentile"}, default="posterior"
        How the interval is computed (see above).

    confidence : float, default=0.95
        Probability content of the interval, strictly between 0 and 1.

    labels : array-like of shape (n_classes,), default=None
        The classes to average over, as in :func:`balanced_accuracy_score`. Every
        class of ``labels`` must have true samples (of positive total weight).
        None means the classes of ``y_true``; a prediction of any other label is
        an error of that classifier.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights, read as survey weights as in
        :func:`balanced_accuracy_interval`: the scores use the weighted counts,
        and the uncertainty uses each class's Kish effective sample size (with
        the weighted outcome shares times that size as effective counts; the
        bootstrap and the permutation test round them to whole numbers).

    n_resamples : int, default=9999
        Number of bootstrap replicates, and of random swaps when the permutation
        test is not exact.

    random_state : int, RandomState instance or None, default=None
        Seed of the bootstrap and of the Monte Carlo permutation test. Pass an
        int for reproducible results. See :term:`Glossary <random_state>`.

    Returns
    -------
    result : BalancedAccuracyComparison
        ``difference``, ``low``, ``high``, ``p_value``, ``prob_a_better`` (for the
        posterior), the two scores, and per class the paired ``counts`` and the
        ``recall_difference``.

    Raises
    ------
    ValueError
        For the invalid inputs :func:`balanced_accuracy_score` rejects (naming
        ``y_pred_a`` or ``y_pred_b``), a ``confidence`` outside (0, 1), an
        unknown ``method``, ``n_resamples < 1``, a class of ``labels`` without
        true samples, or fewer than two classes with true samples.

    See Also
    --------
    compare_balanced_accuracy_from_counts : The same from per-class paired counts.
    balanced_accuracy_interval : The interval of one classifier.

    Notes
    -----
    In ``benchmarks/bench_compare.py`` (two classes, the smaller one of 10, 100 or
    1000 samples and the larger 1 to 99 times as large, weakly or strongly
    correlated classifiers), the 95% posterior interval covered the true
    difference 94-97% of the time whenever the smaller class had 100 samples or
    more, and 96-100% with 10 (conservative: its prior counts one disagreement
    where such data have fewer); the bootstrap intervals did as well from 1000
    samples, but covered as little as 40% with 10. The permutation test never
    exceeded its level by more than noise (type-I error at most 5.2% at 5%), and
    is conservative where few samples are discordant (0-3%).

    Examples
    --------
    Two classifiers that agree on most of 400 samples; ``a`` finds 8 more of the
    40 positives and raises 4 more false alarms among the 360 negatives:

    >>> import numpy as np
    >>> from sklearn_balanced import compare_balanced_accuracy
    >>> y_true = np.repeat([1, 0], [40, 360])
    >>> y_pred_b = np.r_[[1] * 24, [0] * 16, [0] * 342, [1] * 18]
    >>> y_pred_a = y_pred_b.copy()
    >>> y_pred_a[24:32] = 1  # eight more positives found
    >>> y_pred_a[40:44] = 1  # four more false alarms
    >>> result = compare_balanced_accuracy(y_true, y_pred_a, y_pred_b)
    >>> round(result.score_a, 4), round(result.score_b, 4)
    (0.8694, 0.775)
    >>> round(result.difference, 4), round(result.low, 3), round(result.high, 3)
    (0.0944, 0.032, 0.158)
    >>> round(result.p_value, 4), round(result.prob_a_better, 3)
    (0.0078, 0.999)
    >>> result.counts[1]  # class 1: both right, only a, only b, both wrong
    array([24.,  8.,  0.,  8.])

    The separate intervals of the two classifiers overlap, [0.793, 0.917]
    against [0.695, 0.843], yet the paired comparison is clear: where they
    disagree, ``a`` is right 8 times out of 12 on the rare class, which counts
    nine times as much per sample.
    """
    paired = paired_counts(
        y_true, y_pred_a, y_pred_b, labels=labels, sample_weight=sample_weight
    )
    support = paired.counts.sum(axis=1)
    kept = classes_with_samples(
        paired.classes, support, labels_given=labels is not None
    )
    sizes = support[kept]
    if paired.squares is not None:
        sizes = kish_sizes(paired.classes[kept], sizes, paired.squares[kept])
    with np.errstate(over="ignore"):
        counts = np.ldexp(paired.counts[kept], paired.exponent)
    return _compare(
        paired.classes[kept],
        counts,
        paired.counts[kept],
        sizes,
        confidence=confidence,
        method=method,
        n_resamples=n_resamples,
        random_state=random_state,
    )


@validate_params(
    lambda: {"counts": ["array-like"], **interval_params()},
    prefer_skip_nested_validation=True,
)
def compare_balanced_accuracy_from_counts(
    counts, *, method="posterior", confidence=0.95, n_resamples=9999, random_state=None
):
    """Paired comparison of two balanced accuracies from per-class paired counts.

    The counterpart of :func:`compare_balanced_accuracy` for data already
    summarised: every method only needs, per true class, the counts of the four
    paired outcomes.

    Read more in the :ref:`User Guide <comparing>`.

    Parameters
    ----------
    counts : array-like of shape (n_classes, 4)
        Row ``k`` holds the number of samples of class ``k`` that both classifiers
        predict right, only ``a`` predicts right, only ``b`` predicts right, and
        neither predicts right (see ``OUTCOMES``). Non-integer entries are
        accepted as effective counts (the bootstrap and the permutation test
        round them to whole numbers). At least two rows, each with a positive
        total.

    method : {"posterior", "bootstrap", "bootstrap-percentile"}, default="posterior"
        How the interval is computed. See :func:`compare_balanced_accuracy`.

    confidence : float, default=0.95
        Probability content of the interval, strictly between 0 and 1.

    n_resamples : int, default=9999
        Number of bootstrap replicates, and of random swaps when the permutation
        test is not exact.

    random_state : int, RandomState instance or None, default=None
        Seed of the bootstrap and of the Monte Carlo permutation test. See
        :term:`Glossary <random_state>`.

    Returns
    -------
    result : BalancedAccuracyComparison
        See :func:`compare_balanced_accuracy`; ``classes`` are the row indices.

    Raises
    ------
    ValueError
        If ``counts`` is not a finite, non-negative array of shape
        ``(n_classes, 4)`` with at least two rows, if a row sums to zero, or for
        an invalid ``confidence``, ``method`` or ``n_resamples``.

    See Also
    --------
    compare_balanced_accuracy : The same from labels.

    Examples
    --------
    McNemar's layout, one row per class: 40 positives and 460 negatives.

    >>> from sklearn_balanced import compare_balanced_accuracy_from_counts
    >>> result = compare_balanced_accuracy_from_counts(
    ...     [[30, 8, 1, 1], [400, 5, 9, 46]], method="bootstrap", random_state=0
    ... )
    >>> round(result.difference, 4), round(result.score_a - result.score_b, 4)
    (0.0832, 0.0832)
    >>> round(result.low, 3), round(result.high, 3)
    (0.022, 0.159)
    >>> result.p_value_exact, round(result.p_value, 4)
    (True, 0.0359)
    """
    table = check_paired_counts(counts)
    _, exponents = np.frexp(table.max(axis=1))
    relative = np.ldexp(table, -exponents[:, np.newaxis])
    with np.errstate(over="ignore"):
        sizes = np.ldexp(relative.sum(axis=1), exponents)
    return _compare(
        np.arange(table.shape[0]),
        table,
        relative,
        sizes,
        confidence=confidence,
        method=method,
        n_resamples=n_resamples,
        random_state=random_state,
    )


def check_paired_counts(counts):
    """Validate per-class paired counts: finite, non-negative, shape (K >= 2, 4).

    Parameters
    ----------
    counts : array-like of shape (n_classes, 4)
        Counts of the four paired outcomes of every class.

    Returns
    -------
    counts : ndarray of shape (n_classes, 4) of float64
        A validated copy.

    Examples
    --------
    >>> from sklearn_balanced.metrics._compare import check_paired_counts
    >>> check_paired_counts([[3, 1, 0, 1], [5, 0, 2, 0]])
    array([[3., 1., 0., 1.],
           [5., 0., 2., 0.]])
    """
    table = np.asarray(counts)
    if table.ndim != 2 or table.shape[1] != len(OUTCOMES) or table.shape[0] < 2:
        raise ValueError(
            "counts must be a 2-D array of shape (n_classes, 4), n_classes >= 2 "
            "(columns: both right, only a right, only b right, both wrong), got "
            f"shape {table.shape}."
        )
    if table.dtype.kind not in "biuf":
        raise ValueError(
            f"counts must be numeric, got an array of dtype {table.dtype}."
        )
    table = table.astype(np.float64)
    if not np.isfinite(table).all():
        raise ValueError("counts must be finite, got NaN or infinite values.")
    if (table < 0).any():
        raise ValueError("counts must be non-negative, got negative values.")
    empty = np.flatnonzero(table.sum(axis=1) == 0)
    if empty.shape[0]:
        raise ValueError(
            f"Every row of counts needs a positive total; rows {empty.tolist()} "
            "sum to zero (classes without true samples)."
        )
    return table


def paired_counts(y_true, y_pred_a, y_pred_b, *, labels=None, sample_weight=None):
    """Count the four paired outcomes of two classifiers in every true class.

    The true labels are encoded once by the counting engine's encoder; each
    sample's outcome is ``3 - 2 * (a right) - (b right)``, and one weighted
    ``bincount`` of ``true code * 4 + outcome`` per chunk counts everything.

    Parameters
    ----------
    y_true, y_pred_a, y_pred_b : array-like of shape (n_samples,)
        True labels and the predictions of the two classifiers.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, in this order; samples of other true classes are
        ignored. None means every label of ``y_true`` (and, for small-range
        integers, the labels between them, with no samples).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    paired : PairedCounts
        The classes, their outcome counts and, with weights, their sums of
        squared weights.

    Examples
    --------
    >>> from sklearn_balanced.metrics._compare import paired_counts
    >>> paired = paired_counts(["x", "x", "y"], ["x", "y", "y"], ["x", "x", "x"])
    >>> paired.classes, paired.counts
    (array(['x', 'y'], dtype='<U1'), array([[1., 0., 1., 0.],
           [0., 1., 0., 0.]]))
    """
    y_true, y_pred_a = _check_pair(y_true, y_pred_a, "y_pred_a")
    _, y_pred_b = _check_pair(y_true, y_pred_b, "y_pred_b")
    n_samples = y_true.shape[0]
    weights, exponent = check_scaled_sample_weight(sample_weight, n_samples)
    if labels is None:
        classes, true_codes, _, n_codes = encode_union(y_true, y_true)
    else:
        classes = check_labels(labels, y_true)
        true_codes, _, n_codes = encode_with_labels(y_true, y_true, classes)
    n_outcomes = len(OUTCOMES)
    counts = np.zeros(n_codes * n_outcomes)
    squares = None if weights is None else np.zeros(n_codes)
    for start in range(0, n_samples, _CHUNK):
        chunk = slice(start, start + _CHUNK)
        truth = y_true[chunk]
        outcome = 3 - 2 * (y_pred_a[chunk] == truth) - (y_pred_b[chunk] == truth)
        codes = np.asarray(true_codes[chunk])
        chunk_weights = None if weights is None else weights[chunk]
        counts += np.bincount(
            codes * n_outcomes + outcome, chunk_weights, minlength=counts.shape[0]
        )
        if squares is not None:
            squares += np.bincount(codes, chunk_weights**2, minlength=n_codes)
    counts = counts.reshape(n_codes, n_outcomes)[: classes.shape[0]]
    if squares is not None:
        squares = squares[: classes.shape[0]]
    return PairedCounts(classes, counts, squares, exponent)


def _check_pair(y_true, y_pred, name):
    """Validate ``y_true`` with one classifier's predictions, naming them."""
    try:
        return check_targets(y_true, y_pred)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc


def _compare(
    classes, counts, table, sizes, *, confidence, method, n_resamples, random_state
):
    """Build the comparison from per-class outcome counts.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The classes.
    counts : ndarray of shape (n_classes, 4)
        The counts to report, in the units of the weights as given.
    table : ndarray of shape (n_classes, 4)
        The same up to a power of two per row (free of overflow), for the
        shares of the outcomes.
    sizes : ndarray of shape (n_classes,)
        The (effective) number of samples of every class; those above
        ``MAX_CLASS_SIZE`` (or infinite) count as ``MAX_CLASS_SIZE``.
    """
    support = table.sum(axis=1)
    recall_a = (table[:, 0] + table[:, 1]) / support
    recall_b = (table[:, 0] + table[:, 2]) / support
    recall_difference = (table[:, 1] - table[:, 2]) / support
    proportions = table / support[:, np.newaxis]
    sizes = np.minimum(sizes, MAX_CLASS_SIZE)
    effective = proportions * sizes[:, np.newaxis]
    tail = (1.0 - confidence) / 2.0
    random_state = check_random_state(random_state)
    prob_a_better = None
    if method == "posterior":
        low, high, prob_a_better = posterior_difference(effective, tail)
    else:
        low, high = bootstrap_interval(
            proportions,
            DIFFERENCE_VALUES,
            sizes,
            tail,
            method,
            n_resamples,
            random_state,
        )
    whole = np.round(effective)
    p_value, exact = permutation_p_value(
        whole[:, 1],
        whole[:, 2],
        np.maximum(np.round(sizes), 1.0),
        n_resamples,
        random_state,
    )
    for array in (classes, counts, recall_difference):
        array.setflags(write=False)
    return BalancedAccuracyComparison(
        difference=float(np.mean(recall_difference)),
        low=low,
        high=high,
        confidence=confidence,
        method=method,
        p_value=p_value,
        p_value_exact=exact,
        prob_a_better=prob_a_better,
        score_a=float(np.mean(recall_a)),
        score_b=float(np.mean(recall_b)),
        classes=classes,
        counts=counts,
        recall_difference=recall_difference,
    )


def posterior_difference(effective, tail):
    """Equal-tailed interval of the posterior difference, and P(a better).

    Parameters
    ----------
    effective : ndarray of shape (n_classes, 4)
        (Effective) counts of the four outcomes of every class.
    tail : float
        Posterior probability left out on each side of the interval.

    Returns
    -------
    low, high, prob_a_better : float
        The interval and ``P(BA(a) > BA(b))``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._compare import posterior_difference
    >>> low, high, better = posterior_difference(
    ...     np.array([[338.0, 0, 4, 18], [24, 8, 0, 8]]), 0.025
    ... )
    >>> round(low, 3), round(high, 3), round(better, 3)
    (0.032, 0.158, 0.999)
    """
    prior = effective + PRIOR
    distribution = dirichlet_difference_distribution(
        prior[:, 1], prior[:, 2], prior[:, 0] + prior[:, 3]
    )
    low, high = lattice_ppf(distribution, [tail, 1.0 - tail])
    prob_a_better = 1.0 - float(lattice_cdf(distribution, 0.0))
    return float(low), float(high), prob_a_better


def permutation_p_value(only_a, only_b, sizes, n_resamples, random_state):
    """Two-sided p-value of the paired permutation test of equal balanced accuracy.

    Swapping the predictions of the two classifiers on each sample at random,
    the number of "only a right" samples of class ``k`` is
    ``Binomial(m_k, 1/2)`` with ``m_k = only_a[k] + only_b[k]``, and the
    difference is ``mean_k (2 X_k - m_k) / n_k``. With ``L`` the least common
    multiple of the ``n_k``, ``K * L`` times the difference is an integer:
    when that integer lattice is short, its law is one FFT convolution and the
    p-value is exact; otherwise it is estimated from ``n_resamples`` draws as
    ``(1 + #{|D*| >= |D|}) / (1 + n_resamples)``.

    Parameters
    ----------
    only_a, only_b : ndarray of shape (n_classes,)
        Whole numbers of samples only ``a``, or only ``b``, predicts right.
    sizes : ndarray of shape (n_classes,)
        Whole numbers of samples of the classes.
    n_resamples : int
        Number of Monte Carlo draws, when not exact.
    random_state : RandomState
        Source of the Monte Carlo draws.

    Returns
    -------
    p_value : float
        ``P(|D*| >= |D|)``.
    exact : bool
        Whether it was computed exactly.

    Examples
    --------
    With one class, McNemar's exact test: 8 against 1 discordant samples.

    >>> import numpy as np
    >>> from sklearn_balanced.metrics._compare import permutation_p_value
    >>> p_value, exact = permutation_p_value(
    ...     np.array([8.0]), np.array([1.0]), np.array([40.0]), 99, None
    ... )
    >>> round(p_value, 4), exact
    (0.0391, True)
    """
    discordant = only_a + only_b
    active = discordant > 0
    if not active.any():
        return 1.0, True
    discordant = discordant[active].astype(np.int64)
    excess = (only_a - only_b)[active].astype(np.int64)
    sizes = sizes[active].astype(np.int64)
    multiple = math.lcm(*sizes.tolist())
    weights = [multiple // size for size in sizes.tolist()]
    span = sum(w * m for w, m in zip(weights, discordant.tolist(), strict=True))
    if 2 * span + 1 <= EXACT_MAX_NODES:
        mass = _swap_distribution(weights, discordant.tolist(), span)
        observed = abs(
            sum(w * e for w, e in zip(weights, excess.tolist(), strict=True))
        )
        extreme = np.abs(np.arange(-span, span + 1)) >= observed
        return float(min(mass[extreme].sum(), 1.0)), True
    draws = random_state.binomial(discordant, 0.5, size=(n_resamples, sizes.shape[0]))
    differences = (np.vstack([excess, 2 * draws - discordant]) / sizes).sum(axis=1)
    slack = sizes.shape[0] * np.finfo(np.float64).eps * np.sum(discordant / sizes)
    extreme = np.abs(differences[1:]) >= np.abs(differences[0]) - slack
    return float((1 + np.count_nonzero(extreme)) / (1 + n_resamples)), False


def _swap_distribution(weights, discordant, span):
    """Law of ``sum_k w_k (2 X_k - m_k)``, ``X_k ~ Binomial(m_k, 1/2)``.

    Returns the probabilities of ``-span, ..., span`` (FFT convolution; errors
    of about 1e-16 per node).
    """
    size = 2 * span + 1
    n_fft = fft.next_fast_len(size, real=True)
    spectrum = np.ones(n_fft // 2 + 1, dtype=np.complex128)
    for weight, count in zip(weights, discordant, strict=True):
        pmf = np.zeros(2 * weight * count + 1)
        pmf[:: 2 * weight] = stats.binom.pmf(np.arange(count + 1), count, 0.5)
        spectrum *= fft.rfft(pmf, n_fft)
    mass = np.clip(fft.irfft(spectrum, n_fft)[:size], 0.0, None)
    return mass / mass.sum()
