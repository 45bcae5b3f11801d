"""The balanced accuracy of every group, or of every segment over time windows."""

from numbers import Integral

import numpy as np

from sklearn_balanced.metrics._by_group import (
    GroupedBalancedAccuracy,
    balanced_accuracy_by,
)
from sklearn_balanced.utils._group_text import group_text
from sklearn_balanced.utils._optional import check_matplotlib
from sklearn_balanced.utils._plotting import plain_text, prepare_axes

#: The kinds of figure :meth:`GroupedBalancedAccuracyDisplay.plot` draws.
KINDS = ("auto", "time", "groups")
#: Size, in inches, of a figure the display creates, by kind (the height of a
#: figure of groups grows with its rows).
TIME_FIGSIZE = (10.0, 4.8)
GROUPS_WIDTH = 9.0
#: Height, in inches, of a legend entry and of the margins around the legend.
LEGEND_ENTRY_HEIGHT = 0.22
LEGEND_MARGIN = 0.8
#: Line styles of the segments over time, ten (one per colour of the cycle)
#: with each.
SEGMENT_STYLES = ("-", "--", ":", "-.")
FLAG_COLOR = "tab:red"
#: Most time windows whose starts are all ticks of the x axis.
MAX_WINDOW_TICKS = 12


def group_name(keys):
    r"""The name drawn for a group or segment: its :func:`group_text`.

    Its long keys are cut with an ellipsis, and ``$`` is escaped so that
    matplotlib draws the name as it is.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.metrics._plot.grouped_balanced_accuracy import (
    ...     group_name)
    >>> group_name(("$x$", np.datetime64("2024-01-04T12:00")))
    '\\$x\\$, 2024-01-04T12:00'
    """
    return plain_text(group_text(keys))


def _check_options(kind, top):
    """Raise a ValueError naming ``kind`` or ``top`` when it is invalid."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    if isinstance(top, bool) or not isinstance(top, Integral) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}.")


def _segments_and_times(groups):
    """The segment (the leading keys, a tuple) and the last key of every group."""
    if groups and isinstance(groups[0], tuple):
        return [group[:-1] for group in groups], [group[-1] for group in groups]
    return [()] * len(groups), list(groups)


def _with_count(text, drawn, total):
    """``text: drawn`` or, when some are not drawn, ``text: drawn of total``."""
    return f"{text}: {drawn:,}" if drawn == total else f"{text}: {drawn:,} of {total:,}"


class GroupedBalancedAccuracyDisplay:
    """The balanced accuracy of every group with its interval, or over time.

    Two figures of a :class:`GroupedBalancedAccuracy`:

    - ``kind="groups"``: one row per group, worst first, its balanced accuracy
      as a dot and its interval as a line, at most ``top`` rows (the title
      says how many more groups are not shown);
    - ``kind="time"``, for groups whose last key is a time window (see
      :func:`time_windows`): one line per segment (the groups of the same
      leading keys) through the balanced accuracy of its windows, with its
      interval as a translucent band; at most ``top`` segments, those with the
      lowest balanced accuracy in any window (the title says how many more
      are not shown).

    After :meth:`GroupedBalancedAccuracy.compare_to`, groups flagged as a drop
    are marked with a red triangle, and groups too small to be flagged are
    drawn as hollow circles. A group without samples (balanced accuracy NaN)
    is not drawn. Keys longer than 30 characters are cut with an ellipsis;
    a figure the display creates uses matplotlib's constrained layout, so that
    the names and the legend fit.

    It is recommended to create a display with :meth:`from_result` or
    :meth:`from_predictions`. All parameters are stored as attributes.

    Parameters
    ----------
    result : GroupedBalancedAccuracy
        The balanced accuracy of every group, as :func:`balanced_accuracy_by`
        returns it, maybe compared with a reference by
        :meth:`~GroupedBalancedAccuracy.compare_to`.

    Attributes
    ----------
    kind_ : {"time", "groups"}
        The kind of figure drawn.

    lines_ : list of matplotlib Line2D
        With ``kind="groups"``, one line holding the dots of the rows drawn,
        worst first (hollow ones are left to ``too_small_``); with
        ``kind="time"``, one line per segment drawn, through its windows in
        time order.

    intervals_ : list of matplotlib artists
        With ``kind="groups"``, one LineCollection of the intervals of the
        rows; with ``kind="time"``, one PolyCollection (the band) per segment.

    flagged_ : matplotlib PathCollection or None
        The red triangles at the groups drawn that are flagged; None when the
        result was not compared.

    too_small_ : matplotlib PathCollection or None
        The hollow circles at the groups drawn that are too small to be
        flagged; None when the result was not compared.

    n_not_shown_ : int
        The number of groups (``kind="groups"``) or segments (``kind="time"``)
        not drawn: beyond ``top``, or without samples.

    ax_ : matplotlib Axes
        Axes with the figure.

    figure_ : matplotlib Figure
        Figure containing the axes.

    See Also
    --------
    balanced_accuracy_by : Compute the balanced accuracy of every group.
    GroupedBalancedAccuracy.compare_to : Flag the groups whose balanced
        accuracy dropped.
    time_windows : Group timestamps into fixed-width windows.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_balanced.metrics import GroupedBalancedAccuracyDisplay
    >>> y_true = [0, 1, 0, 1, 0, 1, 0, 1]
    >>> y_pred = [0, 1, 0, 1, 1, 1, 0, 0]
    >>> region = ["north"] * 4 + ["south"] * 4
    >>> display = GroupedBalancedAccuracyDisplay.from_predictions(
    ...     y_true, y_pred, region
    ... )
    >>> display.kind_
    'groups'
    >>> [label.get_text() for label in display.ax_.get_yticklabels()]
    ['south', 'north']
    >>> display.lines_[0].get_xdata().tolist()
    [0.5, 1.0]
    """

    def __init__(self, result):
        self.result = result

    def plot(self, *, kind="auto", top=20, ax=None, **kwargs):
        """Draw the groups, or the segments over time.

        Parameters
        ----------
        kind : {"auto", "time", "groups"}, default="auto"
            ``"groups"``: a dot and an interval per group, worst first;
            ``"time"``: the balanced accuracy of each segment over its time
            windows, the last key of the groups, which must be ``datetime64``
            (made by :func:`time_windows`); ``"auto"``: ``"time"`` when the
            last key is ``datetime64``, else ``"groups"``.

        top : int, default=20
            The most groups (``kind="groups"``: the worst ones) or segments
            (``kind="time"``: those of the lowest minimum over their windows)
            drawn.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created. The
            legend goes to the right of the axes: give the figure of ``ax`` a
            constrained layout, or save it with ``bbox_inches="tight"``.

        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy: the dots with ``kind="groups"``, each segment's line
            with ``kind="time"``.

        Returns
        -------
        display : GroupedBalancedAccuracyDisplay
            The display, with its artists stored as attributes.

        Raises
        ------
        ValueError
            If ``kind`` or ``top`` is invalid, or if ``kind="time"`` and the
            last key of the groups is not a ``datetime64`` time window.
        """
        _check_options(kind, top)
        result = self.result
        if not isinstance(result, GroupedBalancedAccuracy):
            raise TypeError(
                "result must be a GroupedBalancedAccuracy (as balanced_accuracy_by "
                f"returns it), got {type(result).__name__}."
            )
        segments, times = _segments_and_times(result.groups)
        times = np.asarray(times)
        if kind == "auto":
            kind = "time" if times.dtype.kind == "M" else "groups"
        elif kind == "time" and times.dtype.kind != "M":
            raise ValueError(
                'kind="time" needs groups whose last key is a datetime64 time '
                "window (made by time_windows); the last key holds values of "
                f'dtype {times.dtype}. Use kind="groups".'
            )
        self.ax_, self.figure_ = prepare_axes(ax, f"{type(self).__name__}.plot")
        self.kind_ = kind
        if kind == "time":
            rows = self._plot_time(segments, times, top, kwargs)
        else:
            rows = self._plot_groups(top, kwargs)
        if ax is None:
            self.figure_.set_size_inches(*self._figsize(rows))
            self.figure_.set_layout_engine("constrained")
        return self

    def _figsize(self, rows):
        """The size of a figure the display creates for ``rows`` drawn rows.

        High enough for the rows and for the legend, whose entries (one per
        segment, with ``kind="time"``) take about a fifth of an inch each.
        """
        legend = LEGEND_MARGIN + LEGEND_ENTRY_HEIGHT * (
            len(self.ax_.get_legend().get_texts()) + 1
        )
        if self.kind_ == "time":
            width, height = TIME_FIGSIZE
            return width, max(height, legend)
        return GROUPS_WIDTH, max(3.0, 1.3 + 0.3 * rows, legend)

    def _plot_groups(self, top, kwargs):
        """Draw a dot and an interval per group, worst first; return the rows."""
        result, ax = self.result, self.ax_
        score = result.balanced_accuracy
        defined = np.flatnonzero(~np.isnan(score))
        order = defined[np.argsort(score[defined], kind="stable")][:top]
        rows = np.arange(order.shape[0])
        too_small = self._marked(result.too_small, order)
        line_kwargs = {"linestyle": "none", "marker": "o", "color": "C0"}
        line_kwargs.update(label="balanced accuracy", **kwargs)
        (line,) = ax.plot(
            score[order], rows, markevery=np.flatnonzero(~too_small), **line_kwargs
        )
        color = line.get_color()
        self.lines_ = [line]
        self.intervals_ = [
            ax.hlines(
                rows,
                result.low[order],
                result.high[order],
                color=color,
                alpha=0.6,
                linewidth=2.5,
                label=f"{result.confidence:.0%} interval",
            )
        ]
        handles = self._mark(score[order], rows, order, [color] * order.shape[0])
        ax.set_yticks(rows, [group_name(self._keys(i)) for i in order])
        ax.set_ylim(order.shape[0] - 0.5, -0.5)
        ax.set_xlabel("Balanced accuracy")
        ax.grid(axis="x", alpha=0.3)
        self.n_not_shown_ = len(result) - order.shape[0]
        title = "Balanced accuracy by group, worst first"
        if self.n_not_shown_:
            n_empty = len(result) - defined.shape[0]
            title += f"\n{self.n_not_shown_:,} more groups not shown"
            if n_empty:
                title += f" ({n_empty:,} without samples)"
        ax.set_title(title)
        self._legend([line, self.intervals_[0], *handles], title=None)
        return order.shape[0]

    def _plot_time(self, segments, times, top, kwargs):
        """Draw each segment's windows, those of the lowest minimum first."""
        result, ax = self.result, self.ax_
        score = result.balanced_accuracy
        codes = {}
        segment_of = np.fromiter(
            (codes.setdefault(segment, len(codes)) for segment in segments),
            dtype=np.intp,
            count=len(segments),
        )
        lowest = np.full(len(codes), np.nan)
        np.fmin.at(lowest, segment_of, score)
        defined = np.flatnonzero(~np.isnan(lowest))
        chosen = defined[np.argsort(lowest[defined], kind="stable")][:top]
        names = list(codes)
        has_segments = names[0] != ()
        self.lines_, self.intervals_ = [], []
        drawn, colors = [], []
        # Fainter bands when many overlap, so that the lines stay readable.
        band_alpha = 0.25 / max(1.0, np.sqrt(chosen.shape[0]))
        for rank, code in enumerate(chosen):
            members = np.flatnonzero((segment_of == code) & ~np.isnan(score))
            members = members[np.argsort(times[members], kind="stable")]
            too_small = self._marked(result.too_small, members)
            line_kwargs = {
                "color": f"C{rank % 10}",
                "linestyle": SEGMENT_STYLES[rank // 10 % len(SEGMENT_STYLES)],
                "marker": "o",
                "markersize": 4,
            }
            line_kwargs.update(
                label=group_name(names[code]) if has_segments else "balanced accuracy",
                **kwargs,
            )
            (line,) = ax.plot(
                times[members],
                score[members],
                markevery=np.flatnonzero(~too_small),
                **line_kwargs,
            )
            self.lines_.append(line)
            self.intervals_.append(
                ax.fill_between(
                    times[members],
                    result.low[members],
                    result.high[members],
                    color=line.get_color(),
                    alpha=band_alpha,
                    linewidth=0,
                )
            )
            drawn.append(members)
            colors += [line.get_color()] * members.shape[0]
        drawn = np.concatenate(drawn) if drawn else np.zeros(0, dtype=np.intp)
        handles = self._mark(times[drawn], score[drawn], drawn, colors)
        self._format_time_axis(times[drawn])
        ax.set_ylabel("Balanced accuracy")
        ax.set_xlabel("Time window (start)")
        ax.grid(alpha=0.3)
        self.n_not_shown_ = len(codes) - chosen.shape[0]
        title = "Balanced accuracy over time"
        if self.n_not_shown_:
            title += (
                f"\n{chosen.shape[0]:,} of {len(codes):,} segments shown (lowest "
                f"minimum first); {self.n_not_shown_:,} more segments not shown"
            )
        ax.set_title(title)
        from matplotlib.patches import Patch

        band = Patch(
            facecolor="0.5", alpha=0.3, label=f"{result.confidence:.0%} interval"
        )
        self._legend(
            [*self.lines_, band, *handles], title="segment" if has_segments else None
        )
        return chosen.shape[0]

    def _format_time_axis(self, windows):
        """Concise dates on the x axis, and the y axis within [0, 1].

        The ticks are at the starts of the ``windows`` drawn when they are few,
        else where matplotlib puts them.
        """
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
        from matplotlib.ticker import FixedLocator

        starts = np.unique(windows)
        if starts.shape[0] <= MAX_WINDOW_TICKS:
            self.ax_.set_xticks(starts)
            locator = FixedLocator(self.ax_.get_xticks())
        else:
            locator = AutoDateLocator()
        self.ax_.xaxis.set_major_locator(locator)
        self.ax_.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        low, high = self.ax_.get_ylim()
        self.ax_.set_ylim(max(low, -0.02), min(high, 1.02))

    def _keys(self, index):
        """The keys of the group at ``index``, as a tuple."""
        group = self.result.groups[index]
        return group if isinstance(group, tuple) else (group,)

    @staticmethod
    def _marked(marks, indices):
        """``marks`` at ``indices``, as booleans; all False when ``marks`` is None."""
        if marks is None:
            return np.zeros(indices.shape[0], dtype=bool)
        return np.asarray(marks, dtype=bool)[indices]

    def _mark(self, x, y, indices, colors):
        """Mark the flagged and the too small groups among those drawn.

        Returns the legend entries of the marks (none when the result was not
        compared).
        """
        result = self.result
        self.flagged_ = self.too_small_ = None
        if result.flag is None:
            return []
        from matplotlib.lines import Line2D

        colors = np.asarray(colors, dtype=object)
        flagged = self._marked(result.flag, indices)
        too_small = self._marked(result.too_small, indices)
        self.too_small_ = self.ax_.scatter(
            x[too_small],
            y[too_small],
            s=30,
            facecolors="none",
            edgecolors=list(colors[too_small]),
            linewidths=1.2,
            zorder=3,
        )
        self.flagged_ = self.ax_.scatter(
            x[flagged], y[flagged], s=80, marker="v", color=FLAG_COLOR, zorder=4
        )
        level = f"P(drop) > {result.level:g}"
        return [
            Line2D(
                [],
                [],
                linestyle="none",
                marker="v",
                markersize=9,
                color=FLAG_COLOR,
                label=_with_count(
                    f"drop flagged ({level})",
                    int(flagged.sum()),
                    int(np.sum(result.flag)),
                ),
            ),
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="none",
                markeredgecolor="0.3",
                label=_with_count(
                    "too small to flag",
                    int(too_small.sum()),
                    int(np.sum(result.too_small)),
                ),
            ),
        ]

    def _legend(self, handles, *, title):
        """The legend, right of the axes."""
        self.ax_.legend(
            handles=handles,
            title=title,
            loc="upper left",
            bbox_to_anchor=(1.02, 1),
            borderaxespad=0,
            fontsize="small",
            title_fontsize="small",
        )

    @classmethod
    def from_result(cls, result, *, kind="auto", top=20, ax=None, **kwargs):
        """Draw the balanced accuracy of every group of a result.

        Parameters
        ----------
        result : GroupedBalancedAccuracy
            As :func:`balanced_accuracy_by` or
            :meth:`GroupedBalancedAccuracy.from_counts` return it, maybe
            compared with a reference by
            :meth:`~GroupedBalancedAccuracy.compare_to` (then its flagged and
            too small groups are marked).

        kind : {"auto", "time", "groups"}, default="auto"
            The figure: see :meth:`plot`.

        top : int, default=20
            The most groups (or segments, with ``kind="time"``) drawn.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy.

        Returns
        -------
        display : GroupedBalancedAccuracyDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from sklearn_balanced.metrics import (
        ...     GroupedBalancedAccuracyDisplay, balanced_accuracy_by, time_windows)
        >>> days = np.arange("2024-01-01", "2024-01-29", dtype="datetime64[D]")
        >>> time = np.repeat(days, 10)
        >>> y_true = np.tile([0, 1], 140)
        >>> y_pred = np.where(time < np.datetime64("2024-01-22"), y_true, 1)
        >>> result = balanced_accuracy_by(
        ...     y_true, y_pred, time_windows(time, "7D", origin="2024-01-01")
        ... ).compare_to("previous")
        >>> display = GroupedBalancedAccuracyDisplay.from_result(result)
        >>> display.kind_
        'time'
        >>> display.lines_[0].get_ydata().tolist()
        [1.0, 1.0, 1.0, 0.5]
        >>> display.flagged_.get_offsets().shape[0]
        1
        """
        check_matplotlib(f"{cls.__name__}.from_result")
        return cls(result).plot(kind=kind, top=top, ax=ax, **kwargs)

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        groups,
        *,
        sample_weight=None,
        labels=None,
        confidence=0.95,
        reference=None,
        level=0.95,
        kind="auto",
        top=20,
        ax=None,
        **kwargs,
    ):
        """Draw the balanced accuracy of every group of predictions.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.

        y_pred : array-like of shape (n_samples,)
            Predicted labels.

        groups : array-like of shape (n_samples,) or (n_samples, n_keys), \
                or list of array-likes of shape (n_samples,)
            The group of each sample, as for :func:`balanced_accuracy_by`;
            for ``kind="time"``, the last key column holds time windows
            (:func:`time_windows`).

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        labels : array-like of shape (n_classes,), default=None
            The classes to average over; None means every label counted.

        confidence : float, default=0.95
            Probability content of the intervals.

        reference : "previous", a group, or ConfusionCounts, default=None
            What every group is compared with, as for
            :meth:`GroupedBalancedAccuracy.compare_to`, to mark the groups
            whose balanced accuracy dropped; None compares nothing.

        level : float, default=0.95
            A group is flagged when the probability that its balanced accuracy
            dropped exceeds ``level`` (with ``reference`` only).

        kind : {"auto", "time", "groups"}, default="auto"
            The figure: see :meth:`plot`.

        top : int, default=20
            The most groups (or segments, with ``kind="time"``) drawn.

        ax : matplotlib Axes, default=None
            Axes to draw on. If None, a new figure and axes are created.

        **kwargs : dict
            Keyword arguments passed to matplotlib's ``plot`` for the balanced
            accuracy.

        Returns
        -------
        display : GroupedBalancedAccuracyDisplay
            The drawn display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn_balanced.metrics import GroupedBalancedAccuracyDisplay
        >>> y_true = [0, 1] * 30
        >>> y_pred = [0, 1] * 20 + [1, 1] * 10
        >>> site = ["a"] * 20 + ["b"] * 20 + ["c"] * 20
        >>> display = GroupedBalancedAccuracyDisplay.from_predictions(
        ...     y_true, y_pred, site, reference="a"
        ... )
        >>> [label.get_text() for label in display.ax_.get_yticklabels()]
        ['c', 'a', 'b']
        >>> display.flagged_.get_offsets().tolist()
        [[0.5, 0.0]]
        """
        check_matplotlib(f"{cls.__name__}.from_predictions")
        _check_options(kind, top)
        result = balanced_accuracy_by(
            y_true,
            y_pred,
            groups,
            sample_weight=sample_weight,
            labels=labels,
            confidence=confidence,
        )
        if reference is not None:
            result = result.compare_to(reference, level=level)
        return cls.from_result(result, kind=kind, top=top, ax=ax, **kwargs)
