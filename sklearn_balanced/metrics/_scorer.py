"""Scorers for the ``scoring=`` parameter of scikit-learn's model selection tools."""

from sklearn.metrics import make_scorer

from sklearn_balanced.metrics._balanced_accuracy import balanced_accuracy_score
from sklearn_balanced.metrics._recall import zero_division_constraints
from sklearn_balanced.utils._compat import validate_params


@validate_params(
    lambda: {
        "labels": ["array-like", None],
        "adjusted": ["boolean"],
        "zero_division": zero_division_constraints(),
    },
    prefer_skip_nested_validation=True,
)
def make_balanced_accuracy_scorer(*, labels=None, adjusted=False, zero_division="warn"):
    """Make a balanced accuracy scorer for ``scoring=`` parameters.

    The scorer calls the estimator's ``predict`` and scores the predictions with
    :func:`~sklearn_balanced.balanced_accuracy_score`. Sample weights reach it
    through scikit-learn's metadata routing: enable routing and call
    ``scorer.set_score_request(sample_weight=True)``.

    Read more in the :ref:`User Guide <scorers>`.

    Parameters
    ----------
    labels : array-like of shape (n_classes,), default=None
        The classes to average over. See :func:`balanced_accuracy_score`.

    adjusted : bool, default=False
        Score the adjusted balanced accuracy (chance = 0).

    zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
        Recall of a class with no true sample in a validation fold. See
        :func:`balanced_accuracy_score`.

    Returns
    -------
    scorer : callable
        A scorer ``scorer(estimator, X, y, sample_weight=None)``; greater is better.

    See Also
    --------
    balanced_accuracy_scorer : The scorer with default options.
    adjusted_balanced_accuracy_scorer : The scorer with ``adjusted=True``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn_balanced import make_balanced_accuracy_scorer
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> scorer = make_balanced_accuracy_scorer(adjusted=True)
    >>> scores = cross_val_score(LogisticRegression(), X, y, scoring=scorer, cv=3)
    >>> scores.shape
    (3,)
    """
    return make_scorer(
        balanced_accuracy_score,
        response_method="predict",
        labels=labels,
        adjusted=adjusted,
        zero_division=zero_division,
    )


#: Scorer for :func:`~sklearn_balanced.balanced_accuracy_score` (default options).
#: Copy it before ``set_score_request`` (or build one with
#: :func:`make_balanced_accuracy_scorer`) to keep this shared instance unchanged.
balanced_accuracy_scorer = make_balanced_accuracy_scorer()

#: Scorer for the adjusted balanced accuracy (chance level 0).
adjusted_balanced_accuracy_scorer = make_balanced_accuracy_scorer(adjusted=True)
