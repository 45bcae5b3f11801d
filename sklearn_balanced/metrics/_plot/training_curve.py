"""Training curves of a BalancedLogisticRegression."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_balanced.utils._optional import check_matplotlib
from sklearn_balanced.utils._plotting import plain_text, prepare_axes


class TrainingCurveDisplay:
    """Training objective and validation balanced accuracy per iteration.

    The training objective is drawn on the left axis; when validation scores are
    given, they are drawn on a second y axis on the right, and the best iteration
    is marked with a vertical line. The legend sits under the x axis, where it
    covers no curve.

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
        self.ax_, self.figure_ = prepare_axes(ax, f"{type(self).__name__}.plot")
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
            self.ax_.set_title(plain_text(name))
        self.ax_.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0),
            bbox_transform=_below_x_axis(self.ax_),
            ncols=2,
            fontsize="small",
        )
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
        >>> from sklearn.datasets import make_classification
        >>> from sklearn_balanced.linear_model import BalancedLogisticRegression
        >>> from sklearn_balanced.metrics import TrainingCurveDisplay
        >>> X, y = make_classification(weights=[0.9], random_state=0)
        >>> clf = BalancedLogisticRegression(early_stopping=True, random_state=0)
        >>> display = TrainingCurveDisplay.from_estimator(clf.fit(X, y))
        >>> len(display.loss_line_.get_ydata()) == len(clf.loss_curve_)
        True
        """
        check_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        if not hasattr(estimator, "loss_curve_"):
            raise ValueError(
                f"{cls.__name__}.from_estimator needs an estimator that records "
                "its training curves in loss_curve_, such as a fitted "
                f"BalancedLogisticRegression; {type(estimator).__name__} has none."
            )
        display = cls(
            estimator.loss_curve_,
            validation_scores=getattr(estimator, "validation_scores_", None),
            best_iteration=getattr(estimator, "best_iteration_", None),
            name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(ax=ax)


def _below_x_axis(ax):
    """Axes coordinates shifted down past the x tick labels and the x label."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import offset_copy

    def points(size):
        return FontProperties(size=size).get_size_in_points()

    gap = (
        rcParams["xtick.major.size"]
        + rcParams["xtick.major.pad"]
        + 1.4 * points(rcParams["xtick.labelsize"])
        + rcParams["axes.labelpad"]
        + 1.4 * points(rcParams["axes.labelsize"])
    )
    return offset_copy(ax.transAxes, fig=ax.figure, y=-gap, units="points")
