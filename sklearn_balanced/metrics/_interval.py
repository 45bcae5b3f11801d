"""Posterior and bootstrap intervals for the balanced accuracy.

Both methods only need, per class, the number of samples and the number of
correctly predicted samples:

- ``"posterior"`` (Brodersen et al., ICPR 2010): with a uniform prior, the recall
  of class ``k`` has the posterior ``Beta(correct_k + 1, wrong_k + 1)`` and the
  balanced accuracy is distributed as the average of these independent Betas,
  computed numerically by :mod:`sklearn_balanced.metrics._beta_average`;
- ``"bootstrap"`` / ``"bootstrap-percentile"``: the bootstrap stratified by true
  class. Resampling the samples of class ``k`` with replacement draws its number
  of correct predictions from ``Binomial(n_k, recall_k)``, so a replicate costs
  ``n_classes`` binomial draws whatever the number of samples.

The bootstrap engine is written for any statistic that averages over classes a
value per sample outcome (for the balanced accuracy: 1 for a correct prediction,
0 for a wrong one), so that the paired comparison of two classifiers
(:mod:`sklearn_balanced.metrics._compare`) resamples its four paired outcomes per
class with the same code.
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy import special

from sklearn_balanced.metrics._beta_average import (
    beta_average_distribution,
    lattice_cdf,
    lattice_mode,
    lattice_ppf,
)
from sklearn_balanced.metrics._counts import matrix_counts
from sklearn_balanced.metrics._recall import recall_summary
from sklearn_balanced.utils._compat import validate_params
from sklearn_balanced.utils._interval_methods import METHODS

#: Value of each outcome of a sample (correct, wrong) for the balanced accuracy.
RECALL_VALUES = np.array([1.0, 0.0])
#: Largest class size the methods use. Float64 no longer tells 2**53 + 1 samples
#: from 2**53, and the posterior of so large a class is far narrower than the
#: accuracy of its quantiles (about 1e-6), so larger classes count as this many.
MAX_CLASS_SIZE = 2.0**53


def interval_params():
    """The constraints of the options of every interval function and method.

    Built at the first call of a function that validates them (see
    :func:`~sklearn_balanced.utils._compat.validate_params`).
    """
    from sklearn_balanced.utils._compat import Interval, StrOptions

    return {
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "method": [StrOptions(set(METHODS))],
        "n_resamples": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }


@dataclass(frozen=True)
class BalancedAccuracyInterval:
    """An interval estimate of the balanced accuracy.

    Returned by :func:`balanced_accuracy_interval` and
    :func:`balanced_accuracy_interval_from_confusion_matrix`.

    Attributes
    ----------
    score : float
        The ordinary balanced accuracy of the data (the point estimate).
    low, high : float
        The interval's lower and upper limits.
    confidence : float
        Its nominal probability content (e.g. 0.95).
    method : str
        ``"posterior"``, ``"bootstrap"`` or ``"bootstrap-percentile"``.
    n_classes : int
        The number of classes averaged; chance level is ``1 / n_classes``.
    mean : float or None
        Posterior mean (``"posterior"`` only, None otherwise).
    mode : float or None
        Posterior mode (``"posterior"`` only, None otherwise). When the posterior
        has a flat top (classes with no errors and no hits look alike) this is one
        point of it.
    p_below_chance : float or None
        Posterior probability that the balanced accuracy is at most chance level,
        ``1 / n_classes`` (``"posterior"`` only, None otherwise). Values below
        about ``1e-12`` are numerically zero.

    Examples
    --------
    >>> from sklearn_balanced import balanced_accuracy_interval_from_confusion_matrix
    >>> result = balanced_accuracy_interval_from_confusion_matrix([[39, 11], [5, 45]])
    >>> round(result.score, 3), round(result.low, 3), round(result.high, 3)
    (0.84, 0.751, 0.892)
    """

    score: float
    low: float
    high: float
    confidence: float
    method: str
    n_classes: int
    mean: float | None = None
    mode: float | None = None
    p_below_chance: float | None = None


@validate_params(
    lambda: {"C": ["array-like"], **interval_params()},
    prefer_skip_nested_validation=True,
)
def balanced_accuracy_interval_from_confusion_matrix(
    C, *, confidence=0.95, method="posterior", n_resamples=9999, random_state=None
):
    """Interval estimate of the balanced accuracy of a confusion matrix.

    The counterpart of :func:`balanced_accuracy_interval` for data already
    summarised as counts (the methods only need, per class, the number of samples
    and of correct predictions).

    Read more in the :ref:`User Guide <intervals>`.

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Confusion matrix with true classes in rows and predicted classes in
        columns, as returned by :func:`sklearn.metrics.confusion_matrix`:
        ``C[i, j]`` is the number of samples of class ``i`` predicted as class
        ``j``. Entries are counts of samples; non-integer entries are accepted as
        effective counts (the bootstrap rounds each row total to a whole number,
        at least 1). At least two classes, and every row must have a positive
        total.

    confidence : float, default=0.95
        Probability content of the interval, strictly between 0 and 1.

    method : {"posterior", "bootstrap", "bootstrap-percentile"}, default="posterior"
        How the interval is computed. See :func:`balanced_accuracy_interval`.

    n_resamples : int, default=9999
        Number of bootstrap replicates (bootstrap methods only).

    random_state : int, RandomState instance or None, default=None
        Seed of the bootstrap replicates (bootstrap methods only). Pass an int for
        reproducible results. See :term:`Glossary <random_state>`.

    Returns
    -------
    result : BalancedAccuracyInterval
        See :func:`balanced_accuracy_interval`.

    Raises
    ------
    ValueError
        If ``C`` is not a square, finite, non-negative matrix of at least two
        classes, if a row of ``C`` sums to zero, or for an invalid
        ``confidence``, ``method`` or ``n_resamples``.

    See Also
    --------
    balanced_accuracy_interval : The same from labels.
    balanced_accuracy_from_confusion_matrix : The point estimate.

    Examples
    --------
    The binary example of Brodersen et al. (2010): 50 positives of which 45 are
    found, 50 negatives of which 39 are found.

    >>> from sklearn_balanced import balanced_accuracy_interval_from_confusion_matrix
    >>> result = balanced_accuracy_interval_from_confusion_matrix([[39, 11], [5, 45]])
    >>> round(result.score, 3), round(result.mean, 3), round(result.mode, 3)
    (0.84, 0.827, 0.833)
    >>> round(result.low, 3), round(result.high, 3)
    (0.751, 0.892)
    """
    counts, exponents = matrix_counts(C)
    if counts.support.shape[0] < 2:
        raise ValueError(
            "C must describe at least two classes to estimate a balanced accuracy "
            f"interval, got shape {(counts.support.shape[0],) * 2}."
        )
    empty = np.flatnonzero(counts.support == 0)
    if empty.shape[0]:
        raise ValueError(
            f"Every row of C needs a positive total; rows {empty.tolist()} sum to "
            "zero (classes without true samples)."
        )
    _, score = recall_summary(counts, labels_given=False)
    with np.errstate(over="ignore"):
        sizes = np.ldexp(counts.support, exponents)
    return _interval_from_counts(
        score,
        counts.correct / counts.support,
        sizes,
        confidence,
        method,
        n_resamples,
        random_state,
    )


def classes_with_samples(classes, support, *, labels_given):
    """Mask of the classes with true samples; raise unless two or more have some.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The classes, for the message.
    support : ndarray of shape (n_classes,)
        Total weight of the true samples of every class.
    labels_given : bool
        Whether the classes came from ``labels``, which then must all have true
        samples.

    Returns
    -------
    kept : ndarray of shape (n_classes,) of bool
        The classes whose support is positive.
    """
    empty = support == 0
    if labels_given and empty.any():
        raise ValueError(
            "Every class in labels needs true samples of positive weight; "
            f"{classes[empty].tolist()} have none."
        )
    if np.count_nonzero(~empty) < 2:
        raise ValueError(
            "Balanced accuracy intervals need at least two classes with true "
            f"samples in y_true, got {np.count_nonzero(~empty)}."
        )
    return ~empty


def kish_sizes(classes, support, squares):
    """Kish effective class sizes ``support**2 / squares`` (0 for empty classes).

    ``support`` and ``squares`` are the sums of the weights of each class and of
    their squares, in the units of ``class_counts`` (so the ratio is the one of
    the weights as given). Squares of weights over about 1e135 times smaller
    than the largest weight underflow: a class made only of such weights has no
    computable effective size.
    """
    positive = support > 0
    tiny = positive & (squares < np.finfo(np.float64).tiny)
    if tiny.any():
        raise ValueError(
            "sample_weight spans too many orders of magnitude to estimate effective "
            f"sample sizes: the weights of classes {classes[tiny].tolist()} are all "
            "over about 1e135 times smaller than the largest weight."
        )
    sizes = np.zeros_like(support)
    sizes[positive] = support[positive] ** 2 / squares[positive]
    return sizes


def _interval_from_counts(
    score, recall, sizes, confidence, method, n_resamples, random_state
):
    """Build the interval of the chosen method from per-class recalls and sizes.

    Sizes may be effective (non-integer) sample sizes; those above
    ``MAX_CLASS_SIZE`` (or infinite) count as ``MAX_CLASS_SIZE``.
    """
    tail = (1.0 - confidence) / 2.0
    support = np.minimum(sizes, MAX_CLASS_SIZE)
    correct = recall * support
    n_classes = int(support.shape[0])
    if method == "posterior":
        low, high, mean, mode, p_below_chance = posterior_summary(
            correct, support, tail
        )
        return BalancedAccuracyInterval(
            score=score,
            low=low,
            high=high,
            confidence=confidence,
            method=method,
            n_classes=n_classes,
            mean=mean,
            mode=mode,
            p_below_chance=p_below_chance,
        )
    low, high = bootstrap_interval(
        np.column_stack([recall, 1.0 - recall]),
        RECALL_VALUES,
        support,
        tail,
        method,
        n_resamples,
        random_state,
    )
    return BalancedAccuracyInterval(
        score=score,
        low=float(low),
        high=float(high),
        confidence=confidence,
        method=method,
        n_classes=n_classes,
    )


def posterior_summary(correct, support, tail):
    """Equal-tailed interval, mean, mode and P(BA <= chance) of the posterior.

    Parameters
    ----------
    correct, support : ndarray of shape (n_classes,)
        Correct predictions and samples per class (effective counts allowed).
    tail : float
        Posterior probability left out on each side of the interval.

    Returns
    -------
    low, high, mean, mode, p_below_chance : float
        The interval, the posterior mean and mode, and ``P(BA <= 1 / n_classes)``.
    """
    alpha = correct + 1.0
    beta = support - correct + 1.0
    distribution = beta_average_distribution(alpha, beta)
    low, high = lattice_ppf(distribution, [tail, 1.0 - tail])
    mean = float(np.mean(alpha / (alpha + beta)))
    chance = 1.0 / support.shape[0]
    p_below_chance = float(lattice_cdf(distribution, chance))
    mode = float(lattice_mode(distribution))
    return float(low), float(high), mean, mode, p_below_chance


def bootstrap_interval(
    proportions, values, sizes, tail, method, n_resamples, random_state
):
    """Stratified bootstrap interval of a mean over classes of outcome values.

    The statistic is ``mean_k sum_j values[j] * proportions[k, j]``: every class
    ``k`` holds samples of the outcomes ``j`` in the given proportions, and a
    sample of outcome ``j`` is worth ``values[j]``.

    Parameters
    ----------
    proportions : ndarray of shape (n_classes, n_outcomes)
        Observed share of every outcome in every class (rows sum to one).
    values : ndarray of shape (n_outcomes,)
        Value of every outcome.
    sizes : ndarray of shape (n_classes,)
        Number of samples of every class, possibly effective (non-integer):
        rounded to whole numbers, at least 1.
    tail : float
        Probability left out on each side.
    method : {"bootstrap", "bootstrap-percentile"}
        BCa or percentile interval.
    n_resamples : int
        Number of replicates.
    random_state : int, RandomState instance or None
        Source of the draws.

    Returns
    -------
    low, high : float
        The interval.
    """
    from sklearn.utils import check_random_state

    sizes = np.maximum(np.round(sizes), 1.0)
    observed, replicates = bootstrap_replicates(
        proportions, values, sizes, n_resamples, check_random_state(random_state)
    )
    if method == "bootstrap":
        acceleration = bca_acceleration(proportions, values, sizes)
        low, high = bca_interval(observed, replicates, acceleration, tail)
    else:
        low, high = np.quantile(replicates, [tail, 1.0 - tail])
    return float(low), float(high)


def bootstrap_replicates(proportions, values, sizes, n_resamples, random_state):
    """Stratified bootstrap replicates of a mean of outcome values, from counts.

    Resampling the ``n_k`` samples of class ``k`` with replacement draws its
    outcome counts from ``Multinomial(n_k, proportions[k])``, drawn as a chain of
    binomials (the first outcome, then the second among the rest, ...): a
    replicate costs ``n_classes * (n_outcomes - 1)`` binomial draws whatever the
    number of samples.

    Parameters
    ----------
    proportions : ndarray of shape (n_classes, n_outcomes)
        Share of every outcome in every class (rows sum to one).
    values : ndarray of shape (n_outcomes,)
        Value of every outcome.
    sizes : ndarray of shape (n_classes,)
        Whole number of samples of each class.
    n_resamples : int
        Number of replicates.
    random_state : RandomState
        Source of the binomial draws.

    Returns
    -------
    observed : float
        The statistic of the data on the replicates' lattice (computed by the
        same arithmetic as the replicates, so that ties compare equal).
    replicates : ndarray of shape (n_resamples,)
        The statistic of every replicate.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._interval import bootstrap_replicates
    >>> observed, replicates = bootstrap_replicates(
    ...     np.array([[0.8, 0.2], [0.9, 0.1]]),
    ...     np.array([1.0, 0.0]),
    ...     np.array([20.0, 180.0]),
    ...     1000,
    ...     np.random.RandomState(0),
    ... )
    >>> round(float(observed), 4), replicates.shape
    (0.85, (1000,))
    """
    n_classes, n_outcomes = proportions.shape
    remaining = sizes.astype(np.int64)
    left = np.ones(n_classes)
    totals = np.zeros((n_resamples, n_classes))
    for outcome in range(n_outcomes - 1):
        share = proportions[:, outcome]
        conditional = np.divide(
            share, left, out=np.zeros(n_classes), where=left > share
        )
        conditional[left <= share] = 1.0
        draws = random_state.binomial(
            remaining, np.clip(conditional, 0.0, 1.0), size=totals.shape
        )
        totals += values[outcome] * draws
        remaining = remaining - draws
        left = left - share
    totals += values[-1] * remaining
    observed = np.round(proportions * sizes[:, np.newaxis]) @ values
    scores = (np.vstack([observed, totals]) / sizes).mean(axis=1)
    return scores[0], scores[1:]


def bca_acceleration(proportions, values, sizes):
    """Acceleration of the BCa interval for a stratified mean of outcome values.

    The statistic is linear in the per-class outcome proportions, so its
    empirical influence values are exact: a sample of class ``k`` with value
    ``x`` has influence ``(x - mu_k) / K``, ``mu_k`` its class's mean value. For
    independent strata the acceleration is ``sum_k n_k**-3 sum_i l_ki**3`` over
    ``6 (sum_k n_k**-2 sum_i l_ki**2)**1.5`` (Davison and Hinkley, 1997), which
    here is ``sum_k m3_k / n_k**2 / (6 (sum_k m2_k / n_k)**1.5)`` with ``m2_k``
    and ``m3_k`` the second and third central moments of the values in class
    ``k`` (for the balanced accuracy, ``p_k q_k`` and ``p_k q_k (q_k - p_k)``).
    It is zero when every class holds a single outcome.

    Parameters
    ----------
    proportions : ndarray of shape (n_classes, n_outcomes)
        Share of every outcome in every class.
    values : ndarray of shape (n_outcomes,)
        Value of every outcome.
    sizes : ndarray of shape (n_classes,)
        Number of samples of every class.

    Returns
    -------
    acceleration : float
    """
    centred = values - (proportions @ values)[:, np.newaxis]
    variance = np.sum(np.sum(proportions * centred**2, axis=1) / sizes)
    if variance == 0.0:
        return 0.0
    skew = np.sum(np.sum(proportions * centred**3, axis=1) / sizes**2)
    return float(skew / (6.0 * variance**1.5))


def bca_interval(observed, replicates, acceleration, tail):
    """Bias-corrected and accelerated bootstrap interval.

    Parameters
    ----------
    observed : float
        The statistic on the data.
    replicates : ndarray of shape (n_resamples,)
        The statistic on the bootstrap replicates.
    acceleration : float
        The acceleration, from :func:`bca_acceleration`.
    tail : float
        Probability left out on each side.

    Returns
    -------
    low, high : float
        The interval.
    """
    n_resamples = replicates.shape[0]
    # Mid-rank of the observed value among the replicates (ties count half).
    below = np.count_nonzero(replicates < observed)
    ties = np.count_nonzero(replicates == observed)
    rank = (below + 0.5 * ties) / n_resamples
    rank = np.clip(rank, 0.5 / n_resamples, 1.0 - 0.5 / n_resamples)
    bias = special.ndtri(rank)
    z = special.ndtri(np.array([tail, 1.0 - tail])) + bias
    denominator = 1.0 - acceleration * z
    # Past the pole of the BCa map (a * z >= 1) the level is 0 or 1.
    with np.errstate(divide="ignore"):
        shift = np.where(denominator > 0.0, z / denominator, np.sign(z) * np.inf)
    return np.quantile(replicates, special.ndtr(bias + shift))
