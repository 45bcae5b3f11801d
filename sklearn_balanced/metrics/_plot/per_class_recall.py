"""The recall of each class, whose mean is the balanced accuracy."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_balanced.metrics._balanced_accuracy import per_class_recall
from sklearn_balanced.metrics._counts import confusion_counts
from sklearn_balanced.metrics._recall import mean_recall
from sklearn_balanced.utils._optional import check_matplotlib
from sklearn_balanced.utils._plotting import count_text, plain_text, prepare_axes


class PerClassRecallDisplay:
    """Bar chart of the recall of each class, with a line at their mean.

    The mean of the per-class recalls is the balanced accuracy. Under each
    class name is its support (its number of true samples, or their total
    weight).

    It is recommended to create a display with :meth:`from_estimator` or
    :meth:`from_predictions`. All parameters are stored as attributes.

    Parameters
    ----------
    recall : ndarray of shape (n_classes,)
        Recall of each class.

    support : ndarray of shape (n_classes,)
        Number (or total weight) of true samples of each class.

    display_labels : array-like of shape (n_classes,), default=None
        Class names on the x axis. If None, ``0`` to ``n_classes - 1``.

    balanced_accuracy : float, default=None
        Height of the horizontal line. If None, the mean of the recalls that
        are not NaN.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        One bar per class.

    mean_line_ : matplotlib Line2D
        Horizontal line at the balanced accuracy.

    value_texts_ : list of matplotlib Text
        The recall written above each bar (``0.00`` too, whose bar has no
        height; ``n/a`` for an undefined recall).

    support_texts_ : list of matplotlib Text
        The x tick labels giving each class's support, or an empty list when
        ``show_support=False``.

    ax_ : matplotlib Axes
        Axes with the bars.

    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    sklearn_balanced.metrics.per_class_recall : Compute the recalls.
    sklearn.metrics.ConfusionMatrixDisplay : With ``normalize="true"``, the
        diagonal holds the same recalls.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_balanced.metrics import PerClassRecallDisplay
    >>> display = PerClassRecallDisplay.from_predictions(
    ...     ["a", "a", "a", "b", "b", "c"], ["a", "a", "b", "b", "c", "c"]
    ... )
    >>> [round(float(bar.get_height()), 3) for bar in display.bars_]
    [0.667, 0.5, 1.0]
    >>> round(display.balanced_accuracy, 3)
    0.722
    """

    def __init__(self, recall, support, *, display_labels=None, balanced_accuracy=None):
        self.recall = recall
        self.support = support
        self.display_labels = display_labels
        self.balanced_accuracy = balanced_accuracy

    def plot(self, ax=None, *, bar_kwargs=None, show_support=True):
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        bar_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``bar``.

        show_support : bool, default=True
            Whether to write the support under each class name.

        Returns
        -------
        display : PerClassRecallDisplay
            The display, with its artists stored as attributes.
        """
        recall = np.asarray(self.recall, dtype=np.float64)
        support = np.asarray(self.support, dtype=np.float64)
        if recall.ndim != 1 or recall.shape != support.shape:
            raise ValueError(
                "recall and support must be 1-D arrays of the same length; got "
                f"shapes {recall.shape} and {support.shape}."
            )
        labels = (
            np.arange(recall.shape[0])
            if self.display_labels is None
            else np.asarray(self.display_labels)
        )
        if labels.shape != recall.shape:
            raise ValueError(
                f"display_labels has {labels.shape[0]} entries but there are "
                f"{recall.shape[0]} classes."
            )
        self.ax_, self.figure_ = prepare_axes(ax, f"{type(self).__name__}.plot")
        mean = (
            float(np.nanmean(recall))
            if self.balanced_accuracy is None
            else float(self.balanced_accuracy)
        )
        positions = np.arange(recall.shape[0])
        self.bars_ = self.ax_.bar(positions, recall, **(bar_kwargs or {}))
        self.value_texts_ = self.ax_.bar_label(
            self.bars_,
            labels=["n/a" if np.isnan(r) else f"{r:.2f}" for r in recall],
            padding=2,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
            zorder=3,
        )
        self.mean_line_ = self.ax_.axhline(
            mean, color="k", linestyle="--", label=f"mean = BA = {mean:.4f}"
        )
        names = [plain_text(label) for label in labels]
        if show_support:
            names = [
                f"{name}\n(n={count_text(value)})"
                for name, value in zip(names, support, strict=True)
            ]
        self.ax_.set_xticks(positions, names)
        self.support_texts_ = self.ax_.get_xticklabels() if show_support else []
        # Room above 1 for the value labels and, above them, the legend.
        self.ax_.set(xlabel="Class", ylabel="Recall", ylim=(0, 1.3))
        self.ax_.set_yticks(np.linspace(0, 1, 6))
        self.ax_.legend(loc="upper center", fontsize="small")
        return self

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        labels=None,
        sample_weight=None,
        zero_division="warn",
        display_labels=None,
        ax=None,
        bar_kwargs=None,
        show_support=True,
    ):
        """Draw the per-class recall of predictions.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.

        y_pred : array-like of shape (n_samples,)
            Predicted labels.

        labels : array-like of shape (n_classes,), default=None
            Classes to show, in this order. If None, the classes present in
            ``y_true``, sorted.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
            Recall of a class of ``labels`` without true samples, as in
            :func:`~sklearn_balanced.metrics.per_class_recall`; with "warn" its
            bar is not drawn and it is left out of the mean.

        display_labels : array-like of shape (n_classes,), default=None
            Names on the x axis; defaults to the classes.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        bar_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``bar``.

        show_support : bool, default=True
            Whether to write the support under each class name.

        Returns
        -------
        display : PerClassRecallDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn_balanced.metrics import PerClassRecallDisplay
        >>> display = PerClassRecallDisplay.from_predictions([0, 0, 1], [0, 1, 1])
        >>> display.support.tolist()
        [2.0, 1.0]
        """
        check_matplotlib(f"{cls.__name__}.from_predictions")
        counts = confusion_counts(
            y_true, y_pred, labels=labels, sample_weight=sample_weight
        )
        shown = (
            counts.classes if labels is not None else counts.classes[counts.support > 0]
        )
        support = (
            counts.support if labels is not None else counts.support[counts.support > 0]
        )
        recall = per_class_recall(
            y_true,
            y_pred,
            labels=shown,
            sample_weight=sample_weight,
            zero_division=zero_division,
        )
        # Their mean as balanced_accuracy_score takes it, without counting again.
        balanced_accuracy = mean_recall(recall, support == 0, zero_division)
        display = cls(
            recall,
            support,
            display_labels=shown if display_labels is None else display_labels,
            balanced_accuracy=balanced_accuracy,
        )
        return display.plot(ax=ax, bar_kwargs=bar_kwargs, show_support=show_support)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        labels=None,
        sample_weight=None,
        zero_division="warn",
        display_labels=None,
        ax=None,
        bar_kwargs=None,
        show_support=True,
    ):
        """Draw the per-class recall of a fitted classifier's predictions.

        Parameters
        ----------
        estimator : estimator instance
            Fitted classifier.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input values.

        y : array-like of shape (n_samples,)
            True labels.

        labels : array-like of shape (n_classes,), default=None
            Classes to show, in this order. If None, the classes present in
            ``y``, sorted.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        zero_division : {"warn"}, float in [0, 1] or np.nan, default="warn"
            Recall of a class of ``labels`` without true samples, as in
            :func:`~sklearn_balanced.metrics.per_class_recall`; with "warn" its
            bar is not drawn and it is left out of the mean.

        display_labels : array-like of shape (n_classes,), default=None
            Names on the x axis; defaults to the classes.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        bar_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``bar``.

        show_support : bool, default=True
            Whether to write the support under each class name.

        Returns
        -------
        display : PerClassRecallDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.dummy import DummyClassifier
        >>> from sklearn_balanced.metrics import PerClassRecallDisplay
        >>> X, y = [[0], [0], [0], [0]], [0, 0, 0, 1]
        >>> clf = DummyClassifier().fit(X, y)
        >>> display = PerClassRecallDisplay.from_estimator(clf, X, y)
        >>> display.balanced_accuracy
        0.5
        """
        check_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        return cls.from_predictions(
            y,
            estimator.predict(X),
            labels=labels,
            sample_weight=sample_weight,
            zero_division=zero_division,
            display_labels=display_labels,
            ax=ax,
            bar_kwargs=bar_kwargs,
            show_support=show_support,
        )
