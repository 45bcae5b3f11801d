"""Mixin shared by the package's classifiers."""

from sklearn_balanced.metrics import balanced_accuracy_score

__all__ = ["BalancedScoreMixin"]


class BalancedScoreMixin:
    """Mixin making ``score`` return the balanced accuracy of ``predict``.

    scikit-learn's :class:`~sklearn.base.ClassifierMixin` scores with plain
    accuracy, which rewards predicting the majority class on imbalanced data. The
    classifiers of this package are built to maximise balanced accuracy, so their
    ``score`` (used by ``GridSearchCV`` and ``cross_validate`` when no ``scoring``
    is given) measures that. Put it before ``ClassifierMixin`` in the bases.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_balanced.base import BalancedScoreMixin
    >>> class Majority(BalancedScoreMixin, DummyClassifier):
    ...     pass
    >>> X, y = [[0]] * 4, [0, 0, 0, 1]
    >>> Majority().fit(X, y).score(X, y)
    0.5
    """

    def score(self, X, y, sample_weight=None):
        """Return the balanced accuracy of the predictions on ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.

        y : array-like of shape (n_samples,)
            True labels of ``X``.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Balanced accuracy (mean per-class recall) of ``self.predict(X)``,
            not the plain accuracy scikit-learn's classifiers return.
        """
        return balanced_accuracy_score(y, self.predict(X), sample_weight=sample_weight)
