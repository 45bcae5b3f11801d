"""Displays: balanced accuracy against the threshold, per-class recall, training curves.

The classes follow scikit-learn's Display API: build them with ``from_estimator``,
``from_predictions`` (or ``from_cv_results``), or from precomputed values with the
constructor and :meth:`plot`. Each ``plot`` call stores the matplotlib artists it
draws as attributes ending in ``_`` and returns the display, so a display can be
drawn again on other axes. matplotlib is imported only when something is drawn.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_balanced.metrics._balanced_accuracy import (
    balanced_accuracy_score,
    per_class_recall,
)
from sklearn_balanced.metrics._counting import confusion_counts
from sklearn_balanced.utils._optional import check_matplotlib

_RESPONSE_METHODS = ("auto", "predict_proba", "decision_function")


def _prepare_axes(ax, caller_name):
    """Return ``(ax, figure)``, creating both when ``ax`` is None."""
    plt = check_matplotlib(caller_name)
    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


def _value_at_threshold(thresholds, values, threshold):
    """Value of a threshold curve at ``threshold`` (positive iff score >= threshold).

    ``thresholds`` is strictly decreasing and starts with ``inf``; ``values[j]``
    holds for every threshold in ``(thresholds[j + 1], thresholds[j]]``.
    """
    n_at_or_above = np.count_nonzero(np.asarray(thresholds) >= threshold)
    return float(values[max(n_at_or_above - 1, 0)])


def _step_abscissa(thresholds):
    """x values and index order to draw a threshold curve with ``steps-pre``.

    The finite thresholds are put in increasing order and one more point is
    added to their right, carrying the value of the first (infinite or largest)
    threshold, so that the "every sample negative" step is drawn too.
    """
    finite = np.flatnonzero(np.isfinite(thresholds))[::-1]
    if finite.size == 0:
        raise ValueError("thresholds must contain at least one finite value.")
    low, high = thresholds[finite[0]], thresholds[finite[-1]]
    margin = 0.05 * (high - low) if high > low else 0.05 * max(abs(high), 1.0)
    x = np.r_[thresholds[finite], high + margin]
    return x, np.r_[finite, 0]


def _binary_scores(estimator, X, response_method, pos_label, caller_name):
    """Scores of a fitted binary classifier for ``pos_label``, and their default cut.

    Returns ``(y_score, pos_label, default_threshold)``: the default threshold is
    0.5 for probabilities and 0.0 for decision values.
    """
    from sklearn_balanced.model_selection._threshold import (
        _resolve_response_method,
        _response_scores,
    )

    if response_method not in _RESPONSE_METHODS:
        raise ValueError(
            f"response_method must be one of {_RESPONSE_METHODS}; "
            f"got {response_method!r}."
        )
    check_is_fitted(estimator)
    classes = np.asarray(estimator.classes_)
    if classes.shape[0] != 2:
        raise ValueError(
            f"{caller_name} needs a binary classifier; estimator.classes_ has "
            f"{classes.shape[0]} classes."
        )
    if pos_label is None:
        pos_label = classes[1]
    elif pos_label not in classes:
        raise ValueError(
            f"pos_label={pos_label!r} is not one of the estimator's classes "
            f"{classes.tolist()}."
        )
    method = _resolve_response_method(estimator, response_method)
    scores = _response_scores(estimator, X, method, n_classes=2)
    is_probability = method == "predict_proba"
    if pos_label == classes[0]:
        scores = 1.0 - scores if is_probability else -scores
    return scores, pos_label, 0.5 if is_probability else 0.0


class BalancedAccuracyCurveDisplay:
    """Balanced accuracy against the decision threshold of a binary classifier.

    A sample is predicted positive when its score is at least the threshold.
    The curve is a step function; it is drawn exactly, one step per distinct
    score. Optional lines show accuracy, the true positive rate (TPR, the recall
    of the positive class) and the true negative rate (TNR); markers show the
    best threshold and the default one. When per-fold curves are given, their
    range is shaded around the (mean) curve.

    It is recommended to create a display with :meth:`from_estimator`,
    :meth:`from_predictions` or :meth:`from_cv_results`. All parameters are
    stored as attributes.

    Parameters
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Strictly decreasing thresholds; the first one may be ``inf`` (every
        sample negative). Non-finite thresholds are not drawn.

    balanced_accuracy : ndarray of shape (n_thresholds,)
        Balanced accuracy at each threshold.

    tpr : ndarray of shape (n_thresholds,), default=None
        True positive rate at each threshold.

    tnr : ndarray of shape (n_thresholds,), default=None
        True negative rate at each threshold.

    accuracy : ndarray of shape (n_thresholds,), default=None
        Accuracy at each threshold.

    fold_balanced_accuracy : ndarray of shape (n_folds, n_thresholds), default=None
        Balanced accuracy of each cross-validation fold at each threshold; its
        range across folds is shaded.

    best_threshold : float, default=None
        Threshold to mark as the best one. If None, nothing is marked.

    default_threshold : float, default=None
        Threshold to mark as the default one (0.5 for probabilities, 0 for
        decision values). If None, nothing is marked.

    name : str, default=None
        Name of the classifier, used in the legend.

    pos_label : int, float, bool or str, default=None
        The positive class, shown in the axis label.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The balanced accuracy curve.

    accuracy_line_ : matplotlib Line2D or None
        The accuracy curve, if drawn.

    tpr_line_ : matplotlib Line2D or None
        The TPR curve, if drawn.

    tnr_line_ : matplotlib Line2D or None
        The TNR curve, if drawn.

    fold_spread_ : matplotlib PolyCollection or None
        The shaded range of the per-fold curves, if drawn.

    best_marker_ : matplotlib Line2D or None
        Marker at the best threshold, if drawn.

    default_marker_ : matplotlib Line2D or None
        Marker at the default threshold, if drawn.

    ax_ : matplotlib Axes
        Axes with the curves.

    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    sklearn_balanced.model_selection.balanced_accuracy_curve : Compute the curve.
    sklearn_balanced.model_selection.BalancedThresholdClassifier : Learn the
        threshold with the best balanced accuracy.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_score = [0.1, 0.3, 0.35, 0.6, 0.4, 0.8]
    >>> display = BalancedAccuracyCurveDisplay.from_predictions(y_true, y_score)
    >>> round(display.best_threshold, 3)
    0.375
    >>> float(display.line_.get_ydata().max())
    0.875
    """

    def __init__(
        self,
        *,
        thresholds,
        balanced_accuracy,
        tpr=None,
        tnr=None,
        accuracy=None,
        fold_balanced_accuracy=None,
        best_threshold=None,
        default_threshold=None,
        name=None,
        pos_label=None,
    ):
        self.thresholds = thresholds
        self.balanced_accuracy = balanced_accuracy
        self.tpr = tpr
        self.tnr = tnr
        self.accuracy = accuracy
        self.fold_balanced_accuracy = fold_balanced_accuracy
        self.best_threshold = best_threshold
        self.default_threshold = default_threshold
        self.name = name
        self.pos_label = pos_label

    def _optional_curve(self, attribute, wanted):
        """Return the attribute's values if ``wanted``, checking they exist."""
        if not wanted:
            return None
        values = getattr(self, attribute)
        if values is None:
            raise ValueError(
                f"Cannot draw {attribute!r}: the display was built without it "
                f"(self.{attribute} is None)."
            )
        return np.asarray(values, dtype=np.float64)

    def plot(
        self,
        ax=None,
        *,
        name=None,
        plot_accuracy=False,
        plot_rates=False,
        curve_kwargs=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        name : str, default=None
            Name used in the legend; defaults to ``self.name``.

        plot_accuracy : bool, default=False
            Whether to draw accuracy too (needs ``self.accuracy``).

        plot_rates : bool, default=False
            Whether to draw the TPR and TNR too (needs ``self.tpr`` and
            ``self.tnr``).

        curve_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy curve.

        Returns
        -------
        display : BalancedAccuracyCurveDisplay
            The display, with its artists stored as attributes.
        """
        accuracy = self._optional_curve("accuracy", plot_accuracy)
        tpr = self._optional_curve("tpr", plot_rates)
        tnr = self._optional_curve("tnr", plot_rates)
        self.ax_, self.figure_ = _prepare_axes(ax, f"{type(self).__name__}.plot")
        name = self.name if name is None else name

        thresholds = np.asarray(self.thresholds, dtype=np.float64)
        balanced_accuracy = np.asarray(self.balanced_accuracy, dtype=np.float64)
        x, order = _step_abscissa(thresholds)

        def draw(values, **kwargs):
            (line,) = self.ax_.plot(x, values[order], drawstyle="steps-pre", **kwargs)
            return line

        label = "Balanced accuracy" if name is None else f"{name} balanced accuracy"
        self.line_ = draw(balanced_accuracy, **{"label": label, **(curve_kwargs or {})})
        color = self.line_.get_color()

        self.fold_spread_ = None
        if self.fold_balanced_accuracy is not None:
            folds = np.asarray(self.fold_balanced_accuracy, dtype=np.float64)
            self.fold_spread_ = self.ax_.fill_between(
                x,
                folds.min(axis=0)[order],
                folds.max(axis=0)[order],
                step="pre",
                alpha=0.25,
                color=color,
                label=f"Range over {folds.shape[0]} folds",
            )

        self.accuracy_line_ = None
        if accuracy is not None:
            self.accuracy_line_ = draw(accuracy, label="Accuracy", linestyle="--")
        self.tpr_line_ = self.tnr_line_ = None
        if tpr is not None:
            self.tpr_line_ = draw(tpr, label="TPR", linestyle=":", alpha=0.8)
            self.tnr_line_ = draw(tnr, label="TNR", linestyle="-.", alpha=0.8)

        self.best_marker_ = self._marker(
            self.best_threshold, balanced_accuracy, "best", marker="o", color=color
        )
        self.default_marker_ = self._marker(
            self.default_threshold, balanced_accuracy, "default", marker="s", color="k"
        )

        pos = "" if self.pos_label is None else f" (positive label: {self.pos_label})"
        self.ax_.set(
            xlabel=f"Decision threshold{pos}", ylabel="Score", ylim=(-0.01, 1.01)
        )
        self.ax_.legend(loc="best")
        return self

    def _marker(self, threshold, balanced_accuracy, kind, **kwargs):
        """Mark the balanced accuracy at ``threshold``; None when it is None."""
        if threshold is None:
            return None
        value = _value_at_threshold(self.thresholds, balanced_accuracy, threshold)
        (marker,) = self.ax_.plot(
            [threshold],
            [value],
            linestyle="none",
            markersize=8,
            label=f"{kind}: threshold {threshold:.3g}, BA {value:.3f}",
            **kwargs,
        )
        return marker

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_score,
        *,
        pos_label=None,
        sample_weight=None,
        default_threshold=0.5,
        name=None,
        ax=None,
        plot_accuracy=False,
        plot_rates=False,
        curve_kwargs=None,
    ):
        """Draw balanced accuracy against the threshold from true labels and scores.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True binary labels.

        y_score : array-like of shape (n_samples,)
            Scores of the positive class (probabilities or decision values).

        pos_label : int, float, bool or str, default=None
            The positive class. If None, labels must be {0, 1} or {-1, 1} and 1
            is positive.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        default_threshold : float or None, default=0.5
            Threshold to mark as the default one; use 0 for decision values, None
            to mark nothing.

        name : str, default=None
            Name used in the legend.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        plot_accuracy : bool, default=False
            Whether to draw accuracy too.

        plot_rates : bool, default=False
            Whether to draw the TPR and TNR too.

        curve_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy curve.

        Returns
        -------
        display : BalancedAccuracyCurveDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
        >>> display = BalancedAccuracyCurveDisplay.from_predictions(
        ...     [0, 0, 1, 1], [0.2, 0.6, 0.4, 0.9], plot_accuracy=True
        ... )
        >>> float(display.accuracy_line_.get_ydata().max())
        0.75
        """
        from sklearn_balanced.model_selection._sweep import (
            _select_plateau,
            balanced_accuracy_curve,
        )

        check_matplotlib(f"{cls.__name__}.from_predictions")
        curve = balanced_accuracy_curve(
            y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
        )
        counts = confusion_counts(y_true, y_true, sample_weight=sample_weight)
        resolved_label = counts.classes[-1] if pos_label is None else pos_label
        is_positive = counts.classes == resolved_label
        positive_share = counts.support[is_positive].sum() / counts.support.sum()
        accuracy = positive_share * curve.tpr + (1 - positive_share) * curve.tnr
        display = cls(
            thresholds=curve.thresholds,
            balanced_accuracy=curve.balanced_accuracy,
            tpr=curve.tpr,
            tnr=curve.tnr,
            accuracy=accuracy,
            best_threshold=_select_plateau(
                curve.thresholds, curve.balanced_accuracy, "middle"
            )[0],
            default_threshold=default_threshold,
            name=name,
            pos_label=resolved_label,
        )
        return display.plot(
            ax=ax,
            plot_accuracy=plot_accuracy,
            plot_rates=plot_rates,
            curve_kwargs=curve_kwargs,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        response_method="auto",
        pos_label=None,
        sample_weight=None,
        name=None,
        ax=None,
        plot_accuracy=False,
        plot_rates=False,
        curve_kwargs=None,
    ):
        """Draw balanced accuracy against the threshold of a fitted binary classifier.

        The default threshold marked is 0.5 for probabilities and 0 for decision
        values.

        Parameters
        ----------
        estimator : estimator instance
            Fitted binary classifier.

        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input values.

        y : array-like of shape (n_samples,)
            True labels.

        response_method : {"auto", "predict_proba", "decision_function"}, \
                default="auto"
            Scores to threshold; "auto" tries ``predict_proba`` then
            ``decision_function``.

        pos_label : int, float, bool or str, default=None
            The positive class; defaults to ``estimator.classes_[1]``.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        name : str, default=None
            Name used in the legend; defaults to the estimator's class name.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        plot_accuracy : bool, default=False
            Whether to draw accuracy too.

        plot_rates : bool, default=False
            Whether to draw the TPR and TNR too.

        curve_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy curve.

        Returns
        -------
        display : BalancedAccuracyCurveDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn_balanced._demo_data import make_demo_data
        >>> from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
        >>> X, y = make_demo_data(random_state=0)
        >>> clf = LogisticRegression().fit(X, y)
        >>> display = BalancedAccuracyCurveDisplay.from_estimator(clf, X, y)
        >>> display.default_threshold
        0.5
        """
        caller = f"{cls.__name__}.from_estimator"
        check_matplotlib(caller)
        y_score, pos_label, default_threshold = _binary_scores(
            estimator, X, response_method, pos_label, caller
        )
        return cls.from_predictions(
            y,
            y_score,
            pos_label=pos_label,
            sample_weight=sample_weight,
            default_threshold=default_threshold,
            name=type(estimator).__name__ if name is None else name,
            ax=ax,
            plot_accuracy=plot_accuracy,
            plot_rates=plot_rates,
            curve_kwargs=curve_kwargs,
        )

    @classmethod
    def from_cv_results(
        cls,
        estimator,
        *,
        name=None,
        ax=None,
        plot_rates=False,
        curve_kwargs=None,
    ):
        """Draw the cross-validated curve of a fitted BalancedThresholdClassifier.

        The mean balanced accuracy over the folds is drawn with the range of the
        per-fold curves shaded, and the learned threshold is marked.

        Parameters
        ----------
        estimator : BalancedThresholdClassifier
            A binary classifier fitted with ``store_cv_results=True``.

        name : str, default=None
            Name used in the legend; defaults to the inner estimator's class name.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        plot_rates : bool, default=False
            Whether to draw the mean TPR and TNR too.

        curve_kwargs : dict, default=None
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy curve.

        Returns
        -------
        display : BalancedAccuracyCurveDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn_balanced._demo_data import make_demo_data
        >>> from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
        >>> from sklearn_balanced.model_selection import BalancedThresholdClassifier
        >>> X, y = make_demo_data(random_state=0)
        >>> clf = BalancedThresholdClassifier(
        ...     LogisticRegression(), store_cv_results=True
        ... ).fit(X, y)
        >>> display = BalancedAccuracyCurveDisplay.from_cv_results(clf)
        >>> display.best_threshold == clf.best_threshold_
        True
        """
        check_matplotlib(f"{cls.__name__}.from_cv_results")
        check_is_fitted(estimator)
        cv_results = getattr(estimator, "cv_results_", None)
        if cv_results is None:
            raise ValueError(
                "from_cv_results needs a BalancedThresholdClassifier fitted with "
                "store_cv_results=True; the estimator has no cv_results_."
            )
        if "thresholds" not in cv_results:
            raise ValueError(
                "from_cv_results draws binary threshold curves; the estimator's "
                f"cv_results_ has no 'thresholds' (keys: {sorted(cv_results)})."
            )
        if name is None:
            name = type(getattr(estimator, "estimator", estimator)).__name__
        display = cls(
            thresholds=cv_results["thresholds"],
            balanced_accuracy=cv_results["scores"],
            tpr=cv_results["tpr"],
            tnr=cv_results["tnr"],
            fold_balanced_accuracy=cv_results["fold_scores"],
            best_threshold=estimator.best_threshold_,
            name=name,
            pos_label=estimator.classes_[1],
        )
        return display.plot(ax=ax, plot_rates=plot_rates, curve_kwargs=curve_kwargs)


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
        self.ax_, self.figure_ = _prepare_axes(ax, f"{type(self).__name__}.plot")
        mean = (
            float(np.nanmean(recall))
            if self.balanced_accuracy is None
            else float(self.balanced_accuracy)
        )
        positions = np.arange(recall.shape[0])
        self.bars_ = self.ax_.bar(positions, recall, **(bar_kwargs or {}))
        self.mean_line_ = self.ax_.axhline(
            mean, color="k", linestyle="--", label=f"mean = BA = {mean:.3f}"
        )
        names = [str(label) for label in labels]
        if show_support:
            names = [
                f"{name}\n(n={value:g})"
                for name, value in zip(names, support, strict=True)
            ]
        self.ax_.set_xticks(positions, names)
        self.support_texts_ = self.ax_.get_xticklabels() if show_support else []
        self.ax_.set(xlabel="Class", ylabel="Recall", ylim=(0, 1.15))
        self.ax_.legend(loc="upper center")
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
        balanced_accuracy = balanced_accuracy_score(
            y_true,
            y_pred,
            labels=shown,
            sample_weight=sample_weight,
            zero_division=zero_division,
        )
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


class TrainingCurveDisplay:
    """Training objective and validation balanced accuracy per iteration.

    The training objective is drawn on the left axis; when validation scores are
    given, they are drawn on a second y axis on the right, and the best iteration
    is marked with a vertical line.

    It is recommended to create a display with :meth:`from_estimator`. All
    parameters are stored as attributes.

    Parameters
    ----------
    loss_curve : array-like of shape (n_iter,)
        Training objective after each iteration.

    validation_scores : array-like of shape (n_iter,), default=None
        Validation balanced accuracy after each iteration.

    best_iteration : int, default=None
        Iteration to mark (1-based, like the x axis). If None, nothing is marked.

    name : str, default=None
        Name of the model, used in the title.

    Attributes
    ----------
    loss_line_ : matplotlib Line2D
        The training objective.

    validation_line_ : matplotlib Line2D or None
        The validation balanced accuracy, if drawn.

    best_iteration_line_ : matplotlib Line2D or None
        Vertical line at the best iteration, if drawn.

    ax_ : matplotlib Axes
        Axes with the training objective.

    validation_ax_ : matplotlib Axes or None
        Twin axes with the validation scores, if drawn.

    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    sklearn_balanced.linear_model.BalancedLogisticRegression : The model whose
        ``loss_curve_`` and ``validation_scores_`` are drawn.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_balanced.metrics import TrainingCurveDisplay
    >>> display = TrainingCurveDisplay(
    ...     [0.69, 0.5, 0.45], validation_scores=[0.6, 0.7, 0.68], best_iteration=2
    ... ).plot()
    >>> display.validation_line_.get_xdata().tolist()
    [1, 2, 3]
    """

    def __init__(
        self, loss_curve, *, validation_scores=None, best_iteration=None, name=None
    ):
        self.loss_curve = loss_curve
        self.validation_scores = validation_scores
        self.best_iteration = best_iteration
        self.name = name

    def plot(self, ax=None, *, name=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        name : str, default=None
            Title; defaults to ``self.name``.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with its artists stored as attributes.
        """
        loss = np.asarray(self.loss_curve, dtype=np.float64)
        if loss.ndim != 1 or loss.shape[0] == 0:
            raise ValueError(
                f"loss_curve must be a non-empty 1-D array; got shape {loss.shape}."
            )
        self.ax_, self.figure_ = _prepare_axes(ax, f"{type(self).__name__}.plot")
        name = self.name if name is None else name
        iterations = np.arange(1, loss.shape[0] + 1)
        (self.loss_line_,) = self.ax_.plot(
            iterations, loss, color="C0", label="Training objective"
        )
        self.ax_.set(xlabel="Iteration", ylabel="Training objective")
        self.ax_.xaxis.get_major_locator().set_params(integer=True)
        handles = [self.loss_line_]

        self.validation_ax_ = self.validation_line_ = None
        if self.validation_scores is not None:
            scores = np.asarray(self.validation_scores, dtype=np.float64)
            self.validation_ax_ = self.ax_.twinx()
            (self.validation_line_,) = self.validation_ax_.plot(
                np.arange(1, scores.shape[0] + 1),
                scores,
                color="C1",
                label="Validation balanced accuracy",
            )
            self.validation_ax_.set(ylabel="Validation balanced accuracy")
            handles.append(self.validation_line_)

        self.best_iteration_line_ = None
        if self.best_iteration is not None:
            self.best_iteration_line_ = self.ax_.axvline(
                self.best_iteration,
                color="k",
                linestyle=":",
                label=f"Best iteration ({self.best_iteration})",
            )
            handles.append(self.best_iteration_line_)

        if name is not None:
            self.ax_.set_title(name)
        self.ax_.legend(handles=handles, loc="center right")
        return self

    @classmethod
    def from_estimator(cls, estimator, *, name=None, ax=None):
        """Draw the training curves of a fitted BalancedLogisticRegression.

        Parameters
        ----------
        estimator : BalancedLogisticRegression
            Fitted model with ``loss_curve_`` (and, with early stopping,
            ``validation_scores_`` and ``best_iteration_``).

        name : str, default=None
            Title; defaults to the estimator's class name.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        Returns
        -------
        display : TrainingCurveDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn_balanced._demo_data import make_demo_data
        >>> from sklearn_balanced.linear_model import BalancedLogisticRegression
        >>> from sklearn_balanced.metrics import TrainingCurveDisplay
        >>> X, y = make_demo_data(random_state=0)
        >>> clf = BalancedLogisticRegression(early_stopping=True, random_state=0)
        >>> display = TrainingCurveDisplay.from_estimator(clf.fit(X, y))
        >>> len(display.loss_line_.get_ydata()) == len(clf.loss_curve_)
        True
        """
        check_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator, "loss_curve_")
        display = cls(
            estimator.loss_curve_,
            validation_scores=getattr(estimator, "validation_scores_", None),
            best_iteration=getattr(estimator, "best_iteration_", None),
            name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(ax=ax)
