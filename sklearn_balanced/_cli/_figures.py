"""Figures of the ``report`` and ``demo`` pages, drawn with matplotlib (extra ``plot``).

The figures are :class:`matplotlib.figure.Figure` objects made without pyplot, so
that drawing them needs no GUI backend and leaves no figure open.
"""

import warnings

import numpy as np

from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    GroupedBalancedAccuracyDisplay,
    PerClassRecallDisplay,
)
from sklearn_balanced.utils._optional import check_matplotlib
from sklearn_balanced.utils._plotting import (
    count_text,
    difference_text,
    plain_text,
    score_text,
)

PLOT_HINT = 'pip install "sklearn-balanced[plot]"'


def matplotlib_available(purpose):
    """Whether matplotlib can be imported; if not, warn that figures are left out.

    Parameters
    ----------
    purpose : str
        What the figures are for, quoted in the warning.

    Returns
    -------
    available : bool
        True when matplotlib is installed.
    """
    try:
        check_matplotlib(purpose)
    except ImportError:
        warnings.warn(
            f"{purpose}: matplotlib is not installed, so the page has the tables "
            f"but no figures; install it with: {PLOT_HINT}",
            UserWarning,
            stacklevel=2,
        )
        return False
    return True


def new_figure(width, height, *, ncols=1, nrows=1, sharex=False):
    """A constrained-layout figure of ``width`` x ``height`` inches and its axes.

    With ``sharex=True``, every axes has the same x range.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots(nrows, ncols, squeeze=False, sharex=sharex)


def confusion_panels(axes, matrix, row_labels, column_labels, *, name=None):
    """Draw a confusion matrix as counts and as row-normalised values.

    Both panels are coloured by the share of each cell in its row, so that the
    cells of a small class are as visible as those of a large one.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        The counts go on the first, the row-normalised values on the second.

    matrix : array-like of shape (n_true_classes, n_predicted_classes)
        Number (or total weight) of the samples of each true class (rows)
        predicted as each class (columns).

    row_labels, column_labels : list
        The true and the predicted classes, drawn as text.

    name : str, default=None
        Name of the model, put in front of the titles.
    """
    counts = np.asarray(matrix, dtype=np.float64)
    support = counts.sum(axis=1, keepdims=True)
    shares = counts / np.where(support > 0, support, 1)
    prefix = "" if name is None else f"{plain_text(name)}\n"
    texts = map(count_text, counts.ravel())
    _heat_map(axes[0], shares, texts, row_labels, column_labels)
    axes[0].set_title(f"{prefix}counts, coloured by share of the row")
    texts = map(score_text, shares.ravel())
    _heat_map(axes[1], shares, texts, row_labels, column_labels)
    axes[1].set_title(f"{prefix}row-normalised: recall on the diagonal")


def _heat_map(ax, shares, texts, row_labels, column_labels):
    """One confusion matrix panel coloured by the row ``shares``, ``texts`` in it."""
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for ((row, col), share), text in zip(np.ndenumerate(shares), texts, strict=True):
        ax.text(
            col,
            row,
            text,
            ha="center",
            va="center",
            color="white" if share > 0.6 else "black",
        )
    ax.set_xticks(range(len(column_labels)), [plain_text(c) for c in column_labels])
    ax.set_yticks(range(len(row_labels)), [plain_text(r) for r in row_labels])
    ax.set(xlabel="Predicted class", ylabel="True class")


def report_figures(report, counted):
    """The figures of the ``report`` page, each with its caption.

    Parameters
    ----------
    report : dict
        As returned by :func:`~sklearn_balanced._cli._report_summary.summarise_counts`.

    counted : ReportCounts
        The counts the report was computed from.

    Returns
    -------
    figures : list of (str, matplotlib Figure) or None
        Per-class recall, the confusion matrix and, with scores, balanced
        accuracy against the threshold; None, with a warning, when matplotlib
        is not installed.
    """
    if not matplotlib_available("sklearn-balanced report --html"):
        return None
    figures = [recall_figure(report), confusion_figure(counted)]
    if counted.scores is not None:
        figures.append(threshold_figure(report, counted))
    return figures


def recall_figure(report):
    """Per-class recall bars with counts, and the balanced accuracy's interval.

    The interval is drawn as an error bar right of the bars, whose caps show
    however narrow it is, and its width is written in the legend.
    """
    rows = report["per_class"]
    recall = np.array([row["recall"] for row in rows])
    support = np.array([row["support"] for row in rows])
    balanced_accuracy = report["balanced_accuracy"]
    figure, ((ax,),) = new_figure(max(5.5, 1.2 * len(rows) + 3.0), 4.4)
    display = PerClassRecallDisplay(
        recall,
        support,
        display_labels=[row["label"] for row in rows],
        balanced_accuracy=balanced_accuracy,
    ).plot(ax=ax)
    for text, r, n in zip(display.value_texts_, recall, support, strict=True):
        text.set_text(f"{score_text(r)}\n{count_text(r * n)} of {count_text(n)}")
    interval = report["interval"]
    low, high = interval["low"], interval["high"]
    # Right of the last bar, whose right edge is at len(rows) - 0.6; from low
    # to high, which may leave out the observed balanced accuracy.
    ax.errorbar(
        [len(rows) - 0.3],
        [(low + high) / 2],
        yerr=[(high - low) / 2],
        fmt="none",
        ecolor="k",
        capsize=7,
        capthick=2,
        elinewidth=2,
        label=(
            f"{interval['confidence']:.0%} interval of BA "
            f"[{score_text(low)}, {score_text(high)}], "
            f"width {score_text(high - low)}"
        ),
    )
    ax.set_xlim(-0.6, len(rows) - 0.05)
    ax.set_ylim(0, 1.35)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(loc="upper center", fontsize="small")
    ax.set_title("Recall of each class (correct of support under the value)")
    caption = (
        "Recall of each class, with the number of its samples predicted correctly "
        "out of its support. The dashed line is their mean, the balanced "
        "accuracy; the error bar on the right is its interval."
    )
    return caption, figure


def confusion_figure(counted):
    """The confusion matrix of the report, as counts and row-normalised.

    One row per class of the true labels, one column per label counted (a
    prediction may name a label that no true label has).
    """
    counts = counted.counts
    columns = counts.labels
    rows = np.isin(columns, counted.classes)
    size = len(columns)
    figure, ((left, right),) = new_figure(
        max(8.0, 1.4 * size + 5), max(3.5, 0.6 * size + 2.2), ncols=2
    )
    confusion_panels(
        (left, right),
        counts.confusion_matrix[rows],
        [str(label) for label in columns[rows]],
        [str(label) for label in columns],
    )
    caption = (
        "Confusion matrix: one row per true class, one column per predicted "
        "class. Left, the counts (or total weights); right, each row divided by "
        "its total, so that the diagonal holds the recalls. Both are coloured by "
        "the share of each cell in its row, so that the cells of a small class "
        "show as clearly as those of a large one."
    )
    return caption, figure


#: Most points of a threshold curve drawn: a figure of every distinct score
#: of a large file would hold millions of points for a few hundred pixels.
MAX_CURVE_POINTS = 4000


def thin_curve(curve, marked, max_points=MAX_CURVE_POINTS):
    """At most about ``max_points`` points of a threshold curve, for drawing.

    Half the points kept are evenly spaced by threshold rank (the first and the
    last among them), which follows the curve where the scores are dense; the
    other half are those whose value holds at thresholds evenly spaced from the
    lowest score to the highest, which follows it where they are sparse. The
    point whose value holds at each threshold of ``marked`` is kept too, so
    that a marker there lies on the drawn curve: marking the best threshold
    keeps the maximum.

    Parameters
    ----------
    curve : BalancedAccuracyCurve
        The curve, its thresholds strictly decreasing from ``inf``.

    marked : sequence of float
        Thresholds whose value must stay exact.

    max_points : int, default=MAX_CURVE_POINTS
        Number of points kept (besides those of ``marked``) when the curve has
        more.

    Returns
    -------
    curve : BalancedAccuracyCurve
        The curve itself when it has at most ``max_points`` points, otherwise
        the kept points.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics import balanced_accuracy_curve
    >>> from sklearn_balanced._cli._figures import thin_curve
    >>> y = np.arange(1000) % 7 == 0
    >>> curve = balanced_accuracy_curve(y, np.linspace(0, 1, 1000))
    >>> thin = thin_curve(curve, [curve.best_threshold()], max_points=50)
    >>> len(curve.thresholds), len(thin.thresholds) <= 51
    (1001, True)
    >>> bool(thin.balanced_accuracy.max() == curve.balanced_accuracy.max())
    True
    """
    thresholds = curve.thresholds
    n_points = thresholds.shape[0]
    if n_points <= max_points:
        return curve
    by_rank = np.linspace(0, n_points - 1, max_points // 2).round().astype(np.intp)
    by_value = np.linspace(thresholds[-1], thresholds[1], max_points - by_rank.size)
    at = np.concatenate([by_value, np.asarray(marked, dtype=np.float64)])
    # The point whose value holds at t is the last one of threshold >= t.
    held = n_points - 1 - np.searchsorted(thresholds[::-1], at, side="left")
    kept = np.unique(np.concatenate([by_rank, held]))
    return type(curve)(*(values[kept] for values in curve))


def threshold_figure(report, counted):
    """Balanced accuracy, accuracy and both recalls against the threshold.

    Drawn from the score counts: exact at each of their points (every distinct
    score, or the lowest score of a bin of neighbouring scores), thinned by
    :func:`thin_curve`; accuracy weighs the two recalls by the class weights.
    """
    threshold = report["threshold"]
    curve = thin_curve(
        counted.scores.curve(), [threshold["best"], threshold["default"]]
    )
    matrix = counted.counts.confusion_matrix
    support = matrix.sum(axis=1)
    is_positive = counted.counts.labels == counted.positive
    positive_share = support[is_positive].sum() / support.sum()
    figure, ((ax,),) = new_figure(9.5, 4.5)
    BalancedAccuracyCurveDisplay(
        thresholds=curve.thresholds,
        balanced_accuracy=curve.balanced_accuracy,
        tpr=curve.tpr,
        tnr=curve.tnr,
        accuracy=positive_share * curve.tpr + (1 - positive_share) * curve.tnr,
        best_threshold=threshold["best"],
        default_threshold=threshold["default"],
        pos_label=counted.positive,
    ).plot(ax=ax, plot_accuracy=True, plot_rates=True)
    ax.set_title("Scores against the threshold, on these data")
    caption = (
        "Balanced accuracy, accuracy and the recall of each class when the rule "
        "is 'positive iff score >= threshold'. The square marks the default "
        f"threshold {threshold['default']:g}, the circle the in-sample best: "
        "chosen on these same data, its balanced accuracy is optimistic."
    )
    return caption, figure


#: Width of the figures of the groups, and the height of one of their rows
#: (a group, or a legend entry) and of their margins, in inches.
GROUPS_FIGURE_WIDTH = 9.5
ROW_HEIGHT = 0.3
LEGEND_ROW_HEIGHT = 0.22
MARGIN_HEIGHT = 1.4


def group_figures(report, groups):
    """The figures of the groups of the ``report`` page, each with its caption.

    Parameters
    ----------
    report : dict
        As returned by :func:`~sklearn_balanced._cli._report_summary.summarise_counts`.

    groups : ReportGroups
        The compared groups, as
        :func:`~sklearn_balanced._cli._report_groups.compare_groups` makes them.

    Returns
    -------
    figures : list of (str, matplotlib Figure)
        With ``--time``, the balanced accuracy of the segments over the windows;
        with ``--by``, the worst groups with their intervals. Call it where
        :func:`report_figures` found matplotlib.
    """
    has_time = groups.window is not None
    figures = [time_figure(groups)] if has_time else []
    if len(groups.columns) > has_time:  # --by columns
        figures.append(worst_groups_figure(report, groups))
    return figures


def _fit_height(figure, ax, rows):
    """Make ``figure`` high enough for ``rows`` rows of data and its legend."""
    entries = len(ax.get_legend().get_texts()) + 1  # and its title
    figure.set_figheight(
        MARGIN_HEIGHT + max(ROW_HEIGHT * rows, LEGEND_ROW_HEIGHT * entries, 2.6)
    )


def _flag_rule(result):
    """When a group is flagged, and when it is too small for it, in words."""
    return (
        f"a red triangle marks a drop (P(drop) > {result.level:g}); a hollow "
        f"circle, a group with fewer than {count_text(result.min_support)} samples "
        "of a class compared, too small to be flagged"
    )


def time_figure(groups):
    """Balanced accuracy over the windows of ``--time``, one line per segment."""
    result = groups.result
    figure, ((ax,),) = new_figure(GROUPS_FIGURE_WIDTH, 4.0)
    display = GroupedBalancedAccuracyDisplay(result).plot(
        kind="time", top=groups.top, ax=ax
    )
    _fit_height(figure, ax, 0)
    *segments, time = groups.columns
    per = f", one line per {', '.join(segments)}" if segments else ""
    caption = (
        f"Balanced accuracy of every {groups.window} window of {time}{per}, with "
        f"its {result.confidence:.0%} interval as a band. Each window is compared "
        f"with the previous window of its line: {_flag_rule(result)}."
    )
    if display.n_not_shown_:
        caption += (
            f" The {len(display.lines_)} segments of the lowest balanced accuracy "
            f"in a window are drawn; {display.n_not_shown_:,} more are not shown."
        )
    return caption, figure


def worst_groups_figure(report, groups):
    """The worst groups, each as a dot with its interval, worst at the top."""
    result = groups.result
    figure, ((ax,),) = new_figure(GROUPS_FIGURE_WIDTH, 4.0)
    display = GroupedBalancedAccuracyDisplay(result).plot(
        kind="groups", top=groups.top, ax=ax
    )
    rows = len(display.lines_[0].get_xdata())
    _fit_height(figure, ax, rows)
    if groups.window is None:
        whole = report["balanced_accuracy"]
        ax.axvline(whole, color="0.3", linestyle="--", linewidth=1, zorder=0)
        ax.set_xlabel(
            f"Balanced accuracy (dashed: the whole data, {score_text(whole)})"
        )
        compared = "the whole data"
    else:
        compared = "the previous window of its segment"
    caption = (
        f"The {rows} groups of the lowest balanced accuracy, worst first, with "
        f"their {result.confidence:.0%} intervals. Each group is compared with "
        f"{compared}: {_flag_rule(result)}."
    )
    if display.n_not_shown_:
        caption += f" {display.n_not_shown_:,} more groups are not shown."
    return caption, figure


def comparison_figures(comparison):
    """The figures of the ``compare`` page, each with its caption.

    Parameters
    ----------
    comparison : dict
        As returned by :func:`~sklearn_balanced._cli._compare.build_comparison`.

    Returns
    -------
    figures : list of (str, matplotlib Figure) or None
        The paired differences; None, with a warning, when matplotlib is not
        installed.
    """
    if not matplotlib_available("sklearn-balanced compare --html"):
        return None
    return [difference_figure(comparison)]


def difference_figure(comparison):
    """The difference a - b of balanced accuracy with its interval, and per class.

    One row per class, its recall difference, under one row for the balanced
    accuracy, the mean of those, with its interval as an error bar.
    """
    interval = comparison["interval"]
    rows = comparison["per_class"]
    values = [comparison["difference"], *(row["recall_difference"] for row in rows)]
    names = [
        "balanced accuracy",
        *(f"recall of {plain_text(row['label'])}" for row in rows),
    ]
    position = np.arange(len(values))
    figure, ((ax,),) = new_figure(8.5, 1.6 + 0.45 * len(values))
    ax.axvline(0, color="0.4", linewidth=1, zorder=0)
    ax.errorbar(
        [(interval["low"] + interval["high"]) / 2],
        [0],
        xerr=[(interval["high"] - interval["low"]) / 2],
        fmt="none",
        ecolor="k",
        capsize=6,
        capthick=2,
        elinewidth=2,
        label=(
            f"{interval['confidence']:.0%} {interval['method']} interval "
            f"[{difference_text(interval['low'])}, {difference_text(interval['high'])}]"
        ),
    )
    ax.plot(values[:1], [0], "D", color="k", label="difference of balanced accuracy")
    ax.plot(values[1:], position[1:], "o", color="tab:blue", label="recall differences")
    for y, value in zip(position, values, strict=True):
        ax.annotate(
            difference_text(value),
            (value, y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize="small",
        )
    ax.set_yticks(position, names)
    ax.set_ylim(len(values) - 0.4, -0.8)
    ax.margins(x=0.12)  # room for the values written over the end points
    models = comparison["models"]
    ax.set(
        xlabel=(
            f"a - b: column {plain_text(repr(models['a']))} minus column "
            f"{plain_text(repr(models['b']))}"
        ),
        title="Paired differences a - b (right of 0: a is better)",
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    caption = (
        "Difference a - b of the balanced accuracy, with its interval, and of "
        "the recall of each class; the balanced accuracy's difference is the "
        "mean of the recall differences."
    )
    return caption, figure
