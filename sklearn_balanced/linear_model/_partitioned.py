"""Training on Dask arrays: one counting pass, then the loss summed over partitions.

Every evaluation of the objective maps the in-memory data term
(:func:`~sklearn_balanced.linear_model._loss.data_term`) over the row blocks of
the data, where they live, and adds the blocks' terms in a tree: only the value,
the gradient (``n_outputs * width`` numbers) and, for a Newton step, the Hessian
(``(n_outputs * width) ** 2`` numbers) reach the client. The terms of the blocks
sum to the in-memory terms up to rounding; the normalisation by the total weight
is a constant of every block, and the penalty is added once, on the client.

Before that, one pass counts the classes and their total weights with mergeable
:class:`~sklearn_balanced.utils._class_totals.ClassTotals`, and checks the data
where they are. Nothing is persisted: each evaluation reads the data, so persist
them first unless recomputing them is cheaper than keeping them in the workers'
memory.
"""

import operator
from functools import partial
from typing import NamedTuple

import numpy as np
from scipy.sparse import issparse
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils.multiclass import check_classification_targets

from sklearn_balanced.linear_model._loss import (
    PenalisedLoss,
    data_term,
    linear_scores,
    predicted_codes,
    target_vectors,
)
from sklearn_balanced.metrics import ConfusionCounts
from sklearn_balanced.utils._class_totals import ClassTotals
from sklearn_balanced.utils._dask import (
    as_dask_arrays,
    as_row_blocks,
    is_dask_collection,
    map_reduce,
)
from sklearn_balanced.utils._encode import codes_in
from sklearn_balanced.utils._optional import import_optional


class Partitions(NamedTuple):
    """Training data as Dask arrays with the same row blocks.

    Attributes
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        Samples, one block along the columns.
    y : dask.array.Array of shape (n_samples,)
        Labels.
    sample_weight : dask.array.Array of shape (n_samples,) or None
        Sample weights.
    validation : dask.array.Array of shape (n_samples,) or None
        True for the rows held out for early stopping.
    """

    X: object
    y: object
    sample_weight: object
    validation: object


def partition(X, y, sample_weight, *, validation_fraction, random_state, caller_name):
    """Check the training collections and align their row blocks.

    Parameters
    ----------
    X : Dask array or data frame, or array-like of shape (n_samples, n_features)
        Samples, chunked along the rows only.
    y : Dask collection or array-like of shape (n_samples,)
        Labels.
    sample_weight : Dask collection, array-like of shape (n_samples,) or None
        Sample weights.
    validation_fraction : float or None
        Draw each row into the validation part with this probability; None holds
        out nothing.
    random_state : int, RandomState instance or None
        Seed of the validation draw.
    caller_name : str
        Named in the error when Dask is absent.

    Returns
    -------
    partitions : Partitions
        The aligned arrays.

    Raises
    ------
    ValueError
        If ``X`` has several blocks along its columns, ``y`` is not
        one-dimensional or the numbers of rows differ.
    """
    X = as_row_blocks(X, lengths=True)
    if is_dask_collection(X) and X.ndim == 2 and X.numblocks[1] > 1:
        raise ValueError(
            f"{caller_name} needs every row of a Dask array X in one block, but X "
            f"is chunked along its columns too (chunks {X.chunks[1]}); rechunk it "
            "with X.rechunk({1: -1})."
        )
    X, y, sample_weight = as_dask_arrays(X, y, sample_weight, caller_name=caller_name)
    if y.ndim != 1:
        raise ValueError(
            f"y should be a 1d array, got an array of shape {y.shape} instead."
        )
    validation = None
    if validation_fraction is not None:
        validation = validation_rows(X.chunks[0], validation_fraction, random_state)
    return Partitions(X, y, sample_weight, validation)


def validation_rows(row_chunks, fraction, random_state):
    """Rows held out for early stopping: each one independently, with a probability.

    Parameters
    ----------
    row_chunks : tuple of int
        Row blocks of the data.
    fraction : float
        Probability that a row is held out.
    random_state : int, RandomState instance or None
        Seed of the draw; the same seed and blocks hold out the same rows.

    Returns
    -------
    held_out : dask.array.Array of shape (sum(row_chunks),)
        Boolean, with the given row blocks, drawn block by block.
    """
    da = import_optional("dask.array", "BalancedLogisticRegression")
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    uniform = da.random.default_rng(seed).random(sum(row_chunks), chunks=(row_chunks,))
    return uniform < fraction


class ClassSummary(NamedTuple):
    """What the counting pass learns about the labels.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted labels of all rows.
    totals : ndarray of shape (n_classes,)
        Total sample weight (number of rows without weights) of each class in the
        training rows.
    validation_labels : ndarray or None
        Indices in ``classes`` of the classes with validation rows.
    n_train : int
        Number of training rows.
    """

    classes: np.ndarray
    totals: np.ndarray
    validation_labels: np.ndarray
    n_train: int


def count_classes(partitions):
    """Count the classes in one pass over the data, checking it on the way.

    Parameters
    ----------
    partitions : Partitions
        The training data.

    Returns
    -------
    counts : ClassSummary
        Classes, their training totals and the validation classes.

    Raises
    ------
    ValueError
        For ``X`` with NaN or infinite values, labels that are not classes,
        invalid sample weights (raised where the block is counted), or, with a
        validation part, when no row was held out.
    """
    train, held_out, n_train = map_reduce(_count_block, _add_all, *partitions)
    if held_out is None:
        classes = train.classes
    elif not held_out.classes.shape[0]:
        raise ValueError(
            "early_stopping=True held out no validation rows; increase "
            "validation_fraction or train on more rows."
        )
    else:
        classes = (train + held_out).classes
    validation_labels = (
        None if held_out is None else codes_in(held_out.classes, classes)
    )
    return ClassSummary(classes, train.totals_over(classes), validation_labels, n_train)


def _count_block(X, y, sample_weight, validation):
    assert_all_finite(X, input_name="X")
    if y.dtype.kind not in "iu":
        check_classification_targets(y)
    if validation is None:
        return ClassTotals.of(y, sample_weight), None, y.shape[0]
    train = ~validation
    return (
        ClassTotals.of(y[train], _rows(sample_weight, train)),
        ClassTotals.of(y[validation], _rows(sample_weight, validation)),
        int(train.sum()),
    )


def _rows(array, rows):
    return None if array is None else array[rows]


def _rows_of(X):
    """A block of samples as the in-memory fit takes it: SciPy sparse as CSR."""
    return X.tocsr() if issparse(X) else X


def _add_all(first, second):
    """Add two tuples of mergeable statistics, item by item (None stays None)."""
    return tuple(
        None if a is None else operator.add(a, b)
        for a, b in zip(first, second, strict=True)
    )


class Encoding(NamedTuple):
    """How the rows of a block enter the fit.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        Sorted labels.
    class_weight : ndarray of shape (n_classes,)
        Weight of each class.
    weight_sum : float
        Total weight of the training rows, class weights included.
    dtype : numpy.dtype
        Float dtype the blocks of X are used in.
    """

    classes: np.ndarray
    class_weight: np.ndarray
    weight_sum: float
    dtype: np.dtype

    def codes(self, y):
        """Index in ``classes`` of each label."""
        return codes_in(y, self.classes)

    def weights(self, codes, sample_weight, validation):
        """Normalised weights of a block's rows: zero for held-out rows."""
        weight = self.class_weight[codes]
        if sample_weight is not None:
            weight *= sample_weight
        if validation is not None:
            weight[validation] = 0.0
        return weight / self.weight_sum


class PartitionedLogLoss(PenalisedLoss):
    """:class:`~sklearn_balanced.linear_model._loss.LogLoss` of Dask arrays.

    Parameters
    ----------
    partitions : Partitions
        The training data.
    encoding : Encoding
        Classes, class weights and total weight from :func:`count_classes`.
    alpha : float
        L2 penalty strength, on the scale of the normalised weights.
    fit_intercept : bool
        Whether the last parameter of each row is an intercept.
    """

    def __init__(self, partitions, encoding, alpha, fit_intercept):
        n_classes = encoding.classes.shape[0]
        n_outputs = 1 if n_classes == 2 else n_classes
        super().__init__(n_outputs, partitions.X.shape[1], alpha, fit_intercept)
        self.partitions = partitions
        self.encoding = encoding

    def _data_term(self, coef, intercept, order):
        block_term = partial(
            _block_term, self.encoding, coef, intercept, self.fit_intercept, order
        )
        return map_reduce(block_term, _add_all, *self.partitions)


def _block_term(encoding, coef, intercept, fit_intercept, order, X, y, sw, held_out):
    codes = encoding.codes(y)
    return data_term(
        _rows_of(X).astype(encoding.dtype, copy=False),
        target_vectors(codes, encoding.classes.shape[0]),
        encoding.weights(codes, sw, held_out),
        coef,
        intercept,
        fit_intercept,
        order,
    )


def validation_scorer(partitions, encoding, labels, split):
    """Balanced accuracy on the held-out rows, from merged confusion counts.

    Parameters
    ----------
    partitions : Partitions
        The data, with its ``validation`` rows.
    encoding : Encoding
        Classes and dtype.
    labels : ndarray
        Class indices averaged over (those with validation rows).
    split : callable
        ``split(w) -> (coef, intercept)``.

    Returns
    -------
    score : callable
        ``score(w) -> float``, one pass over the data.
    """

    def score(w):
        coef, intercept = split(w)
        block_counts = partial(_validation_counts, encoding, coef, intercept)
        counts = map_reduce(block_counts, operator.add, *partitions)
        return counts.score(labels=labels)

    return score


def _validation_counts(encoding, coef, intercept, X, y, sample_weight, held_out):
    if not held_out.any():
        return ConfusionCounts()
    scores = linear_scores(
        _rows_of(X)[held_out].astype(encoding.dtype), coef, intercept
    )
    return ConfusionCounts().update(
        encoding.codes(y[held_out]),
        predicted_codes(scores),
        _rows(sample_weight, held_out),
    )
