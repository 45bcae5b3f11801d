"""Balanced accuracy: the mean of the per-class recalls.

The score functions are thin wrappers over
:class:`~sklearn_balanced.metrics.ConfusionCounts`: the arrays are counted once
and the counts scored by ``recall_summary``, as the methods of the counts do.
The interval estimate lives here too (its methods are in ``_interval``), so that
Dask inputs can go through the counts' own :meth:`ConfusionCounts.interval`.
"""

from sklearn_balanced.metrics._confusion_counts import ConfusionCounts
from sklearn_balanced.metrics._interval import interval_params
from sklearn_balanced.metrics._recall import (
    TARGET_PARAMS,
    recall_summary,
    zero_division_constraints,
)
from sklearn_balanced.utils._compat import validate_params


def _score_params():
    """The constraints of the score functions (see ``validate_params``)."""
    return {**TARGET_PARAMS, "zero_division": zero_division_constraints()}


@validate_params(
    lambda: {**_score_params(), "adjusted": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def balanced_accuracy_score(
    y_true,
    y_pred,
    *,
    labels=None,
    sample_weight=None,
    adjusted=False,
    zero_division="warn",
):
    r"""Compute the balanced accuracy: the average of the recalls of the classes.

    The balanced accuracy of :math:`K` classes is

    .. math::

        \mathrm{BA} = \frac{1}{K} \sum_{k=1}^{K}
        \frac{\text{true class } k \text{ predicted as } k}{\text{true class } k},

    i.e. the mean of sensitivity and specificity for binary problems. Every class
    counts equally whatever its frequency, so "always predict the majority"
    scores :math:`1/K`. With the default ``labels=None`` and
    ``zero_division="warn"`` the result is exactly
    :func:`sklearn.metrics.balanced_accuracy_score`'s, with the same warnings and
    exception types.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    labels : array-like of shape (n_classes,), default=None
        The classes to average over, in any order (no duplicates). Samples whose
        true class is not in ``labels`` are ignored; predictions of classes outside
        ``labels`` count as errors for their true class; classes of ``labels``
        with no true sample take ``zero_division``. None means every class found
        in ``y_true`` or ``y_pred``.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights. Each class's recall is the weighted
        fraction of its samples predicted correctly.

    adjusted : bool, default=False
        When True, rescale so that chance scores 0 and perfect prediction 1:
        :math:`(\mathrm{BA} - 1/K) / (1 - 1/K)`, with :math:`K` the number of
        classes averaged. Undefined (NaN, with a warning) when :math:`K = 1`.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        What to do with a class that has no true sample (a class only predicted,
        a class of ``labels`` absent from ``y_true``, or a class whose weights
        sum to zero), as its recall is 0/0:

        - ``"warn"``: leave the class out of the average and warn (scikit-learn's
          behaviour);
        - a float: use it as that class's recall;
        - ``np.nan``: return NaN.

    Returns
    -------
    balanced_accuracy : float
        The (adjusted) balanced accuracy.

    Raises
    ------
    ValueError
        For targets that are not binary or multiclass, of different lengths, empty
        or with NaN labels; for invalid ``labels`` or ``sample_weight``; and when
        no class averaged has a true sample of positive weight while
        ``zero_division="warn"`` (a numeric ``zero_division`` then applies to
        every class).

    See Also
    --------
    per_class_recall : The recalls that are averaged.
    balanced_accuracy_from_confusion_matrix : The same score from a confusion matrix.
    ConfusionCounts : Mergeable counts, for data counted in parts.
    make_balanced_accuracy_scorer : A scorer for ``scoring=`` parameters.

    Notes
    -----
    The score is computed from the confusion counts of
    :class:`ConfusionCounts`, made in a single pass (labels mapped to integer
    codes, one weighted ``bincount``), which is much faster than scikit-learn's
    confusion matrix. Data too large for memory can be counted in parts and the
    counts merged. With ``sklearn.set_config(array_api_dispatch=True)``, Array
    API inputs (PyTorch, CuPy, ...) are counted in their own namespace and device.

    Examples
    --------
    >>> from sklearn_balanced import balanced_accuracy_score
    >>> y_true = [0] * 990 + [1] * 10
    >>> y_pred = [0] * 1000
    >>> balanced_accuracy_score(y_true, y_pred)
    0.5
    >>> balanced_accuracy_score([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1])
    0.666...
    >>> balanced_accuracy_score(["a", "b", "c"], ["a", "b", "b"], labels=["a", "c"])
    0.5
    """
    counts, _ = ConfusionCounts._count(y_true, y_pred, sample_weight)._class_counts(
        labels
    )
    _, score = recall_summary(
        counts,
        zero_division=zero_division,
        adjusted=adjusted,
        labels_given=labels is not None,
    )
    return score


@validate_params(_score_params, prefer_skip_nested_validation=True)
def per_class_recall(
    y_true, y_pred, *, labels=None, sample_weight=None, zero_division="warn"
):
    """Compute the recall of each class: the numbers balanced accuracy averages.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    labels : array-like of shape (n_classes,), default=None
        The classes to report, in this order. None means the sorted classes found
        in ``y_true`` or ``y_pred``. See :func:`balanced_accuracy_score`.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        Recall of a class with no true sample: ``"warn"`` gives NaN and a warning,
        a float gives that value, ``np.nan`` gives NaN silently.

    Returns
    -------
    recall : ndarray of shape (n_classes,)
        Recall of each class, in ``labels`` order. Its mean (``np.nanmean`` when
        ``zero_division="warn"`` left NaN entries) is
        :func:`balanced_accuracy_score` with the same arguments.

    See Also
    --------
    balanced_accuracy_score : The mean of these recalls.
    sklearn.metrics.recall_score : With ``average=None``, the same recalls.

    Examples
    --------
    >>> from sklearn_balanced import per_class_recall
    >>> per_class_recall(["cat", "dog", "dog", "dog"], ["cat", "cat", "dog", "dog"])
    array([1.        , 0.66666667])
    """
    counts, _ = ConfusionCounts._count(y_true, y_pred, sample_weight)._class_counts(
        labels
    )
    recall, _ = recall_summary(
        counts, zero_division=zero_division, labels_given=labels is not None
    )
    return recall


@validate_params(
    lambda: {**_score_params(), "adjusted": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def balanced_error_rate(
    y_true,
    y_pred,
    *,
    labels=None,
    sample_weight=None,
    adjusted=False,
    zero_division="warn",
):
    """Compute the balanced error rate: one minus the balanced accuracy.

    It is the average over classes of the fraction of each class's samples that
    are misclassified (also called the half total error rate for two classes).

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    labels : array-like of shape (n_classes,), default=None
        The classes to average over. See :func:`balanced_accuracy_score`.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative, finite sample weights.

    adjusted : bool, default=False
        Return one minus the adjusted balanced accuracy.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        See :func:`balanced_accuracy_score`.

    Returns
    -------
    error_rate : float
        ``1 - balanced_accuracy_score(...)`` with the same arguments.

    See Also
    --------
    balanced_accuracy_score : The complement of this error rate.

    Examples
    --------
    >>> from sklearn_balanced import balanced_error_rate
    >>> balanced_error_rate([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1])
    0.333...
    """
    return 1.0 - balanced_accuracy_score(
        y_true,
        y_pred,
        labels=labels,
        sample_weight=sample_weight,
        adjusted=adjusted,
        zero_division=zero_division,
    )


@validate_params(
    lambda: {
        "C": ["array-like"],
        "adjusted": ["boolean"],
        "zero_division": zero_division_constraints(),
    },
    prefer_skip_nested_validation=True,
)
def balanced_accuracy_from_confusion_matrix(C, *, adjusted=False, zero_division="warn"):
    """Compute the balanced accuracy of a confusion matrix.

    Read more in the :ref:`User Guide <balanced_accuracy>`.

    Parameters
    ----------
    C : array-like of shape (n_classes, n_classes)
        Confusion matrix with true classes in rows and predicted classes in columns
        (the orientation of :func:`sklearn.metrics.confusion_matrix`): ``C[i, j]``
        is the number (or total weight) of samples of class ``i`` predicted as
        class ``j``. Square, finite and non-negative.

    adjusted : bool, default=False
        Rescale so that chance scores 0. See :func:`balanced_accuracy_score`.

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        What to do with an all-zero row (a class with no true sample). See
        :func:`balanced_accuracy_score`.

    Returns
    -------
    balanced_accuracy : float
        The mean over rows of ``C[i, i] / C[i].sum()``.

    See Also
    --------
    balanced_accuracy_score : The same score from labels.

    Examples
    --------
    50 positives of which 45 are found, 50 negatives of which 39 are found:

    >>> from sklearn_balanced import balanced_accuracy_from_confusion_matrix
    >>> balanced_accuracy_from_confusion_matrix([[39, 11], [5, 45]])
    0.84
    >>> balanced_accuracy_from_confusion_matrix([[75, 5], [16, 4]])
    0.56875
    """
    counts, _ = ConfusionCounts.from_confusion_matrix(C)._class_counts(None)
    _, score = recall_summary(
        counts, zero_division=zero_division, adjusted=adjusted, labels_given=False
    )
    return score


@validate_params(
    lambda: {**TARGET_PARAMS, **interval_params()}, prefer_skip_nested_validation=True
)
def balanced_accuracy_interval(
    y_true,
    y_pred,
    *,
    confidence=0.95,
    method="posterior",
    labels=None,
    sample_weight=None,
    n_resamples=9999,
    random_state=None,
):
    r"""Interval estimate of the balanced accuracy: how sure is the score?

    The balanced accuracy of a finite test set is noisy: with 20 positives, one
    more positive found moves the sensitivity by 5 points. This function returns
    the ordinary score with an interval that expresses this uncertainty.

    - ``method="posterior"`` (default) follows Brodersen, Ong, Stephan and
      Buhmann (2010) [1]_: with a uniform prior, the recall of class :math:`k`, with
      :math:`c_k` of its :math:`n_k` samples correctly predicted, has the posterior
      :math:`\mathrm{Beta}(c_k + 1, n_k - c_k + 1)`; the recalls are independent
      and the balanced accuracy is distributed as their average. The interval is
      the equal-tailed (central) posterior interval; the result also holds the
      posterior mean and mode and the posterior probability that the balanced
      accuracy is at most chance level :math:`1/K`. The distribution of the
      average is computed numerically (mean-preserving discretisation on a
      lattice and FFT convolution; quantiles accurate to about :math:`10^{-6}`)
      in a few milliseconds, whatever the class sizes.
    - ``method="bootstrap"`` is the bias-corrected and accelerated (BCa)
      bootstrap [2]_, stratified by true class: every replicate resamples each
      class's samples with replacement, keeping the class sizes. A class's
      number of correct predictions in a replicate is then binomial, so a
      replicate costs one binomial draw per class instead of a pass over the
      samples. The acceleration is computed exactly from the per-class counts
      [3]_.
    - ``method="bootstrap-percentile"`` is the same bootstrap with the plain
      percentile interval.

    Read more in the :ref:`User Guide <intervals>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground truth (correct) target labels.

    y_pred : array-like of shape (n_samples,)
        Predicted labels, as returned by a classifier.

    confidence : float, default=0.95
        Probability content of the interval, strictly between 0 and 1.

    method : {"posterior", "bootstrap", "bootstrap-percentile"}, default="posterior"
        How the interval is computed (see above).

    labels : array-like of shape (n_classes,), default=None
        The classes to average over, as in :func:`balanced_accuracy_score`. Every
        class of ``labels`` must have true samples (of positive total weight).
        None means the classes of ``y_true``; classes that only occur in
        ``y_pred`` are left out, with the warning that
        :func:`balanced_accuracy_score` gives.

    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights, read as survey (importance) weights: the
        score uses the weighted recalls, and the uncertainty uses each class's
        Kish effective sample size :math:`(\sum_i w_i)^2 / \sum_i w_i^2` in place
        of its number of samples (with the weighted recall times that size as
        its number of correct predictions). Equal weights change nothing; unequal
        weights widen the interval. Weights are *not* read as frequencies: to
        count a sample twice, repeat it. The bootstrap rounds effective sizes to
        whole numbers (at least 1).

    n_resamples : int, default=9999
        Number of bootstrap replicates (bootstrap methods only).

    random_state : int, RandomState instance or None, default=None
        Seed of the bootstrap replicates (bootstrap methods only). Pass an int for
        reproducible results. See :term:`Glossary <random_state>`.

    Returns
    -------
    result : BalancedAccuracyInterval
        ``score`` (the ordinary balanced accuracy), ``low``, ``high``,
        ``confidence``, ``method``, ``n_classes`` and, for the posterior,
        ``mean``, ``mode`` and ``p_below_chance``.

    Raises
    ------
    ValueError
        For the invalid inputs :func:`balanced_accuracy_score` rejects, a
        ``confidence`` outside (0, 1), an unknown ``method``, ``n_resamples < 1``,
        a class of ``labels`` without true samples, or fewer than two classes with
        true samples.

    See Also
    --------
    balanced_accuracy_interval_from_confusion_matrix : The same from a confusion
        matrix.
    balanced_accuracy_score : The point estimate.

    Notes
    -----
    The posterior interval and the bootstrap intervals answer slightly different
    questions (a Bayesian credible interval under a uniform prior, and a
    frequentist confidence interval) but agree closely once every class has a few
    dozen samples. With few samples the posterior is the better behaved: a class
    whose samples are all correct (or all wrong) gives a bootstrap distribution
    concentrated on one value, so the bootstrap intervals shrink to nothing,
    while the posterior still reflects the small sample. In the coverage study
    of ``benchmarks/bench_interval.py`` (two classes, true recalls 0.8 and 0.9,
    nominal 95%), the posterior intervals covered 93-97% of the time whenever
    every class had at least 10 samples (and 92-98% even with one or two
    samples in a class); the bootstrap intervals did as well from 50 samples per
    class, but covered only about 88% with a class of 10 samples, which is
    then perfectly classified in 11% of the data sets.

    References
    ----------
    .. [1] K. H. Brodersen, C. S. Ong, K. E. Stephan and J. M. Buhmann, "The
       balanced accuracy and its posterior distribution", Proceedings of the 20th
       International Conference on Pattern Recognition (ICPR), 2010.
    .. [2] B. Efron, "Better bootstrap confidence intervals", Journal of the
       American Statistical Association 82(397), 1987.
    .. [3] A. C. Davison and D. V. Hinkley, "Bootstrap Methods and their
       Application", Cambridge University Press, 1997 (sections 3.2 and 5.3).

    Examples
    --------
    20 positives of which 16 are found, 180 negatives of which 171 are found:

    >>> from sklearn_balanced import balanced_accuracy_interval
    >>> y_true = [1] * 20 + [0] * 180
    >>> y_pred = [1] * 16 + [0] * 4 + [0] * 171 + [1] * 9
    >>> result = balanced_accuracy_interval(y_true, y_pred)
    >>> result.score
    0.875
    >>> round(result.low, 3), round(result.high, 3)
    (0.762, 0.934)
    >>> result.p_below_chance < 1e-6
    True
    >>> boot = balanced_accuracy_interval(
    ...     y_true, y_pred, method="bootstrap", random_state=0
    ... )
    >>> round(boot.low, 2), round(boot.high, 2)
    (0.76, 0.95)
    """
    counts = ConfusionCounts._count(
        y_true, y_pred, sample_weight, squares=sample_weight is not None
    )
    return counts.interval(
        confidence=confidence,
        method=method,
        labels=labels,
        n_resamples=n_resamples,
        random_state=random_state,
    )
