"""Balanced accuracy against the decision threshold of a binary classifier."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_balanced.metrics._counts import class_counts
from sklearn_balanced.metrics._score_curve import balanced_accuracy_curve
from sklearn_balanced.utils._encode import positive_label
from sklearn_balanced.utils._optional import check_matplotlib
from sklearn_balanced.utils._plotting import plain_text, prepare_axes, step_abscissa
from sklearn_balanced.utils._response import binary_scores
from sklearn_balanced.utils._steps import value_at

LEGEND_WIDTH = 3.5  # inches added to a figure the display creates
#: Colour of each optional curve, the same on every axes. They are not among the
#: first colours of matplotlib's cycle, which the balanced accuracy curves of
#: the first models drawn on the same axes take.
CURVE_COLORS = {"accuracy": "tab:gray", "tpr": "tab:purple", "tnr": "tab:brown"}


def _feasible_spans(x, feasible):
    """``(low, high)`` of each run of feasible points of a ``steps-pre`` curve.

    The value at ``x[i]`` is drawn over ``(x[i - 1], x[i]]``, so a run of
    feasible points ``a..b`` covers ``(x[a - 1], x[b]]`` (from ``x[0]`` when it
    starts at the first point).
    """
    edges = np.diff(np.concatenate(([0], feasible.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1) - 1
    return [
        (x[max(start - 1, 0)], x[stop])
        for start, stop in zip(starts, stops, strict=True)
    ]


class BalancedAccuracyCurveDisplay:
    """Balanced accuracy against the decision threshold of a binary classifier.

    A sample is predicted positive when its score is at least the threshold.
    The curve is a step function; it is drawn exactly, one step per distinct
    score. Optional lines show accuracy, the true positive rate (TPR, the recall
    of the positive class) and the true negative rate (TNR, the recall of the
    negative class), each in the same colour on every axes: grey, purple and
    brown, which are not the colours of the first balanced accuracy curves drawn
    on one axes. Markers show the best threshold and the default one. When
    per-fold curves are given, their range is shaded around the (mean) curve and
    the best threshold is labelled as the cross-validated one; otherwise it is
    labelled "in-sample", as it is chosen on the data it is scored on, which
    makes its balanced accuracy optimistic. When the threshold search was
    constrained (``min_recall``, ``max_positive_rate``), the thresholds meeting
    the constraints are shaded.

    The legend is drawn beside the axes, on the right, so that it covers no
    curve; a figure the display creates is made wider for it and uses
    matplotlib's constrained layout.

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

    feasible : ndarray of shape (n_thresholds,) of bool, default=None
        Whether the rule at each threshold meets the constraints of a
        constrained search. The feasible thresholds are shaded, unless all of
        them are feasible (no constraint binds) or it is None.

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

    feasible_region_ : list of matplotlib Rectangle or None
        The shaded ranges of feasible thresholds, if drawn.

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
    balanced_accuracy_curve : Compute the curve.
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
        feasible=None,
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
        self.feasible = feasible
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
        values = np.asarray(values, dtype=np.float64)
        if np.isnan(values).all():
            raise ValueError(
                f"Cannot draw {attribute!r}: it is undefined (all NaN), as the "
                "rate of a class that has no true sample is."
            )
        return values

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
            Axes to draw on. If None, a new figure and axes are created. The
            legend goes to the right of the axes: give the figure of ``ax`` a
            constrained layout, or save it with ``bbox_inches="tight"``.

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
        self.ax_, self.figure_ = prepare_axes(ax, f"{type(self).__name__}.plot")
        name = self.name if name is None else name

        thresholds = np.asarray(self.thresholds, dtype=np.float64)
        balanced_accuracy = np.asarray(self.balanced_accuracy, dtype=np.float64)
        x, order = step_abscissa(thresholds)

        def draw(values, **kwargs):
            (line,) = self.ax_.plot(x, values[order], drawstyle="steps-pre", **kwargs)
            return line

        label = (
            "balanced accuracy"
            if name is None
            else f"{plain_text(name)} balanced accuracy"
        )
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
                label=f"range over {folds.shape[0]} folds",
            )

        self.feasible_region_ = None
        if self.feasible is not None and not np.all(self.feasible):
            spans = _feasible_spans(x, np.asarray(self.feasible, dtype=bool)[order])
            self.feasible_region_ = [
                self.ax_.axvspan(
                    low,
                    high,
                    color="gold",
                    alpha=0.25,
                    zorder=0,
                    label="feasible: constraints met (CV mean)" if i == 0 else None,
                )
                for i, (low, high) in enumerate(spans)
            ]

        self.accuracy_line_ = None
        if accuracy is not None:
            self.accuracy_line_ = draw(
                accuracy,
                label="accuracy",
                linestyle="--",
                color=CURVE_COLORS["accuracy"],
            )
        self.tpr_line_ = self.tnr_line_ = None
        if tpr is not None:
            self.tpr_line_ = draw(
                tpr,
                label="recall of the positive class (TPR)",
                linestyle=":",
                color=CURVE_COLORS["tpr"],
            )
            self.tnr_line_ = draw(
                tnr,
                label="recall of the negative class (TNR)",
                linestyle="-.",
                color=CURVE_COLORS["tnr"],
            )

        best = (
            "in-sample best"
            if self.fold_balanced_accuracy is None
            else "cross-validated best"
        )
        self.best_marker_ = self._marker(
            self.best_threshold, balanced_accuracy, best, marker="o", color=color
        )
        self.default_marker_ = self._marker(
            self.default_threshold, balanced_accuracy, "default", marker="s", color="k"
        )

        pos = (
            ""
            if self.pos_label is None
            else f" (positive label: {plain_text(self.pos_label)})"
        )
        self.ax_.set(
            xlabel=f"Decision threshold{pos}", ylabel="Score", ylim=(-0.01, 1.01)
        )
        self.ax_.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
        if ax is None:
            # Widen the figure the display made by the room the legend takes.
            self.figure_.set_figwidth(self.figure_.get_figwidth() + LEGEND_WIDTH)
            self.figure_.set_layout_engine("constrained")
        return self

    def _marker(self, threshold, balanced_accuracy, kind, **kwargs):
        """Mark the balanced accuracy at ``threshold``; None when it is None."""
        if threshold is None:
            return None
        value = float(value_at(self.thresholds, balanced_accuracy, threshold))
        (marker,) = self.ax_.plot(
            [threshold],
            [value],
            linestyle="none",
            markersize=8,
            label=f"{kind}: threshold {threshold:.6g}, BA {value:.4f}",
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
        check_matplotlib(f"{cls.__name__}.from_predictions")
        curve = balanced_accuracy_curve(
            y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
        )
        # Supports in a unit of a power of two: their ratio cannot overflow.
        counts = class_counts(y_true, y_true, sample_weight=sample_weight)
        resolved_label = positive_label(counts.classes, pos_label)
        is_positive = counts.classes == resolved_label
        positive_share = counts.support[is_positive].sum() / counts.support.sum()
        # A class without samples has an undefined (NaN) rate but no weight.
        accuracy = np.nan_to_num(positive_share * curve.tpr) + np.nan_to_num(
            (1 - positive_share) * curve.tnr
        )
        display = cls(
            thresholds=curve.thresholds,
            balanced_accuracy=curve.balanced_accuracy,
            tpr=curve.tpr,
            tnr=curve.tnr,
            accuracy=accuracy,
            best_threshold=curve.best_threshold(),
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
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
        >>> X, y = make_classification(weights=[0.9], random_state=0)
        >>> clf = LogisticRegression().fit(X, y)
        >>> display = BalancedAccuracyCurveDisplay.from_estimator(clf, X, y)
        >>> display.default_threshold
        0.5
        """
        caller = f"{cls.__name__}.from_estimator"
        check_matplotlib(caller)
        y_score, pos_label, default_threshold = binary_scores(
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
        per-fold curves shaded, and the learned threshold is marked. When the
        classifier was fitted with ``min_recall`` or ``max_positive_rate``, the
        thresholds meeting them on the means over the folds are shaded.

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
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
        >>> from sklearn_balanced.model_selection import BalancedThresholdClassifier
        >>> X, y = make_classification(weights=[0.9], random_state=0)
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
            thresholds=cv_results["thresholds"][::-1],
            balanced_accuracy=cv_results["scores"][::-1],
            tpr=cv_results["tpr"][::-1],
            tnr=cv_results["tnr"][::-1],
            fold_balanced_accuracy=cv_results["fold_scores"][:, ::-1],
            feasible=cv_results["feasible"][::-1],
            best_threshold=estimator.best_threshold_,
            name=name,
            pos_label=estimator.classes_[1],
        )
        return display.plot(ax=ax, plot_rates=plot_rates, curve_kwargs=curve_kwargs)
