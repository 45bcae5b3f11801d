"""The classes of labels and the total weight of each: a mergeable statistic.

Totals of batches (chunks, Dask partitions) add up to the totals of the whole,
over the union of their classes, in any order or tree.
"""

from dataclasses import dataclass

import numpy as np

from sklearn_balanced.utils._encode import codes_in, encode, union_labels
from sklearn_balanced.utils._validation import check_scaled_sample_weight


@dataclass(frozen=True)
class ClassTotals:
    """The sorted classes of some labels and the total sample weight of each.

    Labels of zero weight are classes too. Sums are kept in units of
    ``2**exponent`` (see
    :func:`~sklearn_balanced.utils._validation.weight_exponent`), so that no sum
    overflows or underflows whatever the scale of the weights; adding two
    :class:`ClassTotals` merges them.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted distinct labels.
    sums : ndarray of shape (n_classes,) of float64
        Total weight (number of labels without weights) of each class, in units
        of ``2**exponent``.
    exponent : int
        The exponent of the unit of ``sums``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.utils._class_totals import ClassTotals
    >>> first = ClassTotals.of(np.array(["b", "a", "b"]))
    >>> merged = first + ClassTotals.of(np.array(["c"]), np.array([0.5]))
    >>> merged.classes.tolist(), merged.totals().tolist()
    (['a', 'b', 'c'], [1.0, 2.0, 0.5])
    """

    classes: np.ndarray
    sums: np.ndarray
    exponent: int = 0

    @classmethod
    def of(cls, y, sample_weight=None):
        """The totals of 1-D labels and their sample weights.

        Parameters
        ----------
        y : ndarray of shape (n_samples,)
            Labels (checked to be classification targets by the caller).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, which may all be zero.

        Returns
        -------
        totals : ClassTotals
            The classes of ``y`` and their totals.
        """
        weights, exponent = check_scaled_sample_weight(
            sample_weight, y.shape[0], allow_all_zero=True
        )
        classes, codes = encode(y)
        sums = np.bincount(codes, weights, minlength=classes.shape[0])
        return cls(classes, sums.astype(np.float64, copy=False), exponent)

    def __add__(self, other):
        if not isinstance(other, ClassTotals):
            return NotImplemented
        if not other.classes.shape[0]:
            return self
        if not self.classes.shape[0]:
            return other
        classes = union_labels(self.classes, other.classes)
        exponent = max(self.exponent, other.exponent)
        sums = self.totals_over(classes, exponent) + other.totals_over(
            classes, exponent
        )
        return ClassTotals(classes, sums, exponent)

    def totals_over(self, classes, exponent=None):
        """The sums of each of ``classes``, a superset of ``self.classes``.

        Parameters
        ----------
        classes : ndarray of shape (n_classes,)
            Classes including every one of ``self.classes``; those not counted
            here get 0.
        exponent : int, default=None
            The exponent of the unit of the result; None means the weights as
            given (infinite past the float64 range).

        Returns
        -------
        sums : ndarray of shape (n_classes,) of float64
        """
        sums = np.zeros(classes.shape[0])
        with np.errstate(over="ignore"):
            sums[codes_in(self.classes, classes)] = np.ldexp(
                self.sums, self.exponent - (0 if exponent is None else exponent)
            )
        return sums

    def totals(self):
        """The total weight of each class, as given (infinite past float64)."""
        return self.totals_over(self.classes)
