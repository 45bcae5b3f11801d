"""Penalised, weighted log loss of a linear model, with its gradient and Hessian.

Binary and multinomial logistic regression share one code path. Both minimise

    sum_i s_i * (A(z_i) - <y_i, z_i>) + alpha / 2 * ||coef||^2,

where ``z_i = coef @ x_i + intercept`` holds the raw scores of sample ``i``,
``y_i`` its target vector and ``s_i`` its weight, normalised so that the weights
sum to one (scikit-learn's scaling). Only the log-partition function ``A``
differs: ``log(1 + exp(z))`` with a single score column in the binary case,
``logsumexp(z)`` over ``K`` score columns in the multinomial case. Its gradient
``p`` (sigmoid or softmax) and Hessian ``diag(p) - p p^T`` have the same form in
both cases, so the gradient and the Hessian below are written once.

The parameters are a flat vector: row ``k`` of the ``(n_outputs, n_features +
fit_intercept)`` matrix ``[coef, intercept]`` laid out in C order. The data are
visited in row chunks of about 1 MiB: the scores, loss, gradient (and Hessian)
of a chunk are computed while it is in cache, so each evaluation reads ``X``
once.
"""

import numpy as np
from scipy import sparse

_CHUNK_BYTES = 2**20
_MIN_CHUNK_ROWS = 256


def log_partition(raw):
    """Evaluate the log-partition function and its gradient on raw scores.

    Parameters
    ----------
    raw : ndarray of shape (n_outputs, n_samples)
        Raw scores, one row per output; one row means the binary (sigmoid)
        model, several rows the multinomial (softmax) model. It is overwritten.

    Returns
    -------
    value : ndarray of shape (n_samples,)
        ``log(1 + exp(z))`` (binary) or ``logsumexp(z)`` (multinomial), computed
        without overflow.

    proba : ndarray of shape (n_outputs, n_samples)
        The gradient of ``value``: the sigmoid or softmax of the scores. It
        shares memory with ``raw``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import log_partition
    >>> value, proba = log_partition(np.array([[0.0, 1000.0]]))
    >>> value.round(3).tolist(), proba.round(3).tolist()
    ([0.693, 1000.0], [[0.5, 1.0]])
    >>> value, proba = log_partition(np.array([[0.0], [1000.0]]))
    >>> value.round(3).tolist(), proba.round(3).tolist()
    ([1000.0], [[0.0], [1.0]])
    """
    if raw.shape[0] == 1:
        z = raw[0]
        small = np.exp(-np.abs(z))
        value = np.log1p(small)
        value += np.maximum(z, 0.0)
        inverse = small + 1.0
        np.reciprocal(inverse, out=inverse)
        small *= inverse
        np.copyto(z, np.where(z >= 0.0, inverse, small))
        return value, raw
    top = raw.max(axis=0)
    raw -= top
    np.exp(raw, out=raw)
    total = raw.sum(axis=0)
    raw /= total
    value = np.log(total)
    value += top
    return value, raw


def cross_gram(X, a, b, fit_intercept):
    """Return ``(Xa * a[:, None]).T @ (Xa * b[:, None])``, ``Xa`` = ``X`` (+ ones).

    The intercept row and column are formed from ``a`` and ``b`` directly rather
    than by appending a column to ``X``; when ``b`` is ``a`` the product is a
    symmetric rank-k update, much faster than a general product.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Data (a sparse matrix is densified: call this on row chunks).

    a, b : ndarray of shape (n_samples,)
        Row scalings; pass the same array twice for the weights ``a**2``.

    fit_intercept : bool
        Whether ``Xa`` has a trailing column of ones.

    Returns
    -------
    gram : ndarray of shape (n_features + fit_intercept, n_features + fit_intercept)
        The weighted Gram matrix, float64.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import cross_gram
    >>> X = np.array([[1.0], [2.0]])
    >>> cross_gram(X, np.array([1.0, 1.0]), np.array([1.0, 2.0]), True).tolist()
    [[9.0, 5.0], [5.0, 3.0]]
    """
    dense = X.toarray() if sparse.issparse(X) else X
    a = a.astype(X.dtype, copy=False)
    b = b.astype(X.dtype, copy=False)
    left = dense * a[:, None]
    right = left if b is a else dense * b[:, None]
    n_features = X.shape[1]
    width = n_features + fit_intercept
    gram = np.empty((width, width))
    gram[:n_features, :n_features] = left.T @ right
    if fit_intercept:
        gram[:n_features, -1] = left.T @ b
        gram[-1, :n_features] = right.T @ a
        gram[-1, -1] = a @ b
    return gram


def hessian_blocks(X, proba, weight, fit_intercept):
    """Hessian of the weighted data term with respect to the parameter matrix.

    With ``Xa`` = ``X`` with an optional ones column, block ``(k, m)`` is
    ``Xa.T @ diag(weight * (p_k * (k == m) - p_k * p_m)) @ Xa``. The diagonal
    blocks use the weights ``weight * p_k * (1 - p_k)`` directly (no
    cancellation when ``p_k`` is close to 1) as symmetric rank-k updates.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Data (a sparse matrix is densified: call this on row chunks).

    proba : ndarray of shape (n_outputs, n_samples)
        Sigmoid or softmax probabilities from :func:`log_partition`.

    weight : ndarray of shape (n_samples,)
        Non-negative sample weights.

    fit_intercept : bool
        Whether the parameters include an intercept per output.

    Returns
    -------
    hessian : ndarray of shape (n_outputs, width, n_outputs, width)
        The blocks, float64, with ``width = n_features + fit_intercept``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import hessian_blocks
    >>> X, proba = np.array([[1.0], [2.0]]), np.array([[0.5, 0.5]])
    >>> hessian_blocks(X, proba, np.ones(2), False).ravel().tolist()
    [1.25]
    """
    n_outputs = proba.shape[0]
    width = X.shape[1] + fit_intercept
    hessian = np.empty((n_outputs, width, n_outputs, width))
    root = np.sqrt(weight)
    scaled = root * proba
    for k in range(n_outputs):
        own = root * np.sqrt(proba[k] * (1.0 - proba[k]))
        hessian[k, :, k, :] = cross_gram(X, own, own, fit_intercept)
        for m in range(k + 1, n_outputs):
            block = cross_gram(X, scaled[k], -scaled[m], fit_intercept)
            hessian[k, :, m, :] = block
            hessian[m, :, k, :] = block.T
    return hessian


def _inner_products(target, raw):
    """Column-wise inner products ``<y_i, z_i>`` of targets and raw scores.

    A plain product for a single row, which avoids the overhead of
    :func:`numpy.einsum` on small chunks and gives the same values.
    """
    if raw.shape[0] == 1:
        return target[0] * raw[0]
    return np.einsum("ij,ij->j", target, raw)


def linear_scores(X, coef, intercept):
    """Raw scores of a linear classifier.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Samples.

    coef : ndarray of shape (n_outputs, n_features)
        Coefficients (cast to the dtype of ``X``).

    intercept : ndarray of shape (n_outputs,)
        Intercepts.

    Returns
    -------
    scores : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        One-dimensional for a single output (binary classification).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import linear_scores
    >>> linear_scores(np.eye(2), np.array([[1.0, -1.0]]), np.array([0.5])).tolist()
    [1.5, -0.5]
    """
    scores = np.asarray(X @ coef.T.astype(X.dtype, copy=False))
    scores = scores + intercept.astype(scores.dtype, copy=False)
    return scores[:, 0] if scores.shape[1] == 1 else scores


def predicted_codes(scores):
    """Index of the predicted class for raw scores from :func:`linear_scores`.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Binary scores (positive means class 1) or one column per class.

    Returns
    -------
    codes : ndarray of shape (n_samples,)
        Class indices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import predicted_codes
    >>> predicted_codes(np.array([0.5, -1.0])).tolist()
    [1, 0]
    >>> predicted_codes(np.array([[0.1, 0.7, 0.2]])).tolist()
    [1]
    """
    if scores.ndim == 1:
        return (scores > 0).astype(np.intp)
    return scores.argmax(axis=1)


def _chunk_rows(X, width, order):
    """Rows per chunk (about 1 MiB); a sparse matrix is one chunk below order 2."""
    if sparse.issparse(X) and order < 2:
        return X.shape[0]
    return max(_MIN_CHUNK_ROWS, _CHUNK_BYTES // (8 * width))


def _row_blocks(X, target, weight, step):
    """Yield ``(X, target, weight)`` blocks of ``step`` rows.

    A single block is the data itself: slicing a sparse matrix copies it.
    """
    n_samples = X.shape[0]
    if step >= n_samples:
        yield X, target, weight
        return
    for start in range(0, n_samples, step):
        rows = slice(start, start + step)
        yield X[rows], target[:, rows], weight[rows]


def data_term(X, target, weight, coef, intercept, fit_intercept, order):
    """The weighted log loss summed over samples, with its derivatives, unpenalised.

    The terms of disjoint sets of rows add up to the terms of their union, which
    is what evaluating the loss partition by partition needs.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Data, float32 or float64.

    target : ndarray of shape (n_outputs, n_samples)
        Target vectors, as for :class:`LogLoss`.

    weight : ndarray of shape (n_samples,)
        Sample weights, used as given (not normalised).

    coef : ndarray of shape (n_outputs, n_features)
        Coefficients, float64.

    intercept : ndarray of shape (n_outputs,)
        Intercepts, float64.

    fit_intercept : bool
        Whether the parameters include an intercept per output.

    order : {0, 1, 2}
        Highest derivative to compute.

    Returns
    -------
    value : float
        ``sum_i weight_i * (A(z_i) - <y_i, z_i>)``.

    gradient : ndarray of shape (n_outputs, n_features + fit_intercept) or None
        Its gradient as a parameter matrix, when ``order >= 1``.

    hessian : ndarray of shape (n_outputs, width, n_outputs, width) or None
        Its Hessian blocks (see :func:`hessian_blocks`), when ``order == 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import data_term
    >>> X, target = np.array([[0.0], [1.0]]), np.array([[0.0, 1.0]])
    >>> value, gradient, _ = data_term(
    ...     X, target, np.ones(2), np.zeros((1, 1)), np.zeros(1), True, 1
    ... )
    >>> round(value, 4), gradient.tolist()
    (1.3863, [[-0.5, 0.0]])
    """
    n_outputs, n_features = target.shape[0], X.shape[1]
    shape = (n_outputs, n_features + fit_intercept)
    coef_x = coef.astype(X.dtype, copy=False)
    value = 0.0
    grad = np.zeros(shape) if order >= 1 else None
    hessian = np.zeros(shape * 2) if order >= 2 else None
    step = _chunk_rows(X, shape[1], order)
    for X_rows, target_rows, weight_rows in _row_blocks(X, target, weight, step):
        raw = (X_rows @ coef_x.T).T if sparse.issparse(X_rows) else coef_x @ X_rows.T
        raw = np.ascontiguousarray(raw, dtype=np.float64)
        raw += intercept[:, None]
        linear = _inner_products(target_rows, raw)
        pointwise, proba = log_partition(raw)
        pointwise -= linear
        value += float(pointwise @ weight_rows)
        if order >= 2:
            hessian += hessian_blocks(X_rows, proba, weight_rows, fit_intercept)
        if order >= 1:
            proba -= target_rows
            proba *= weight_rows
            residual = proba.astype(X_rows.dtype, copy=False)
            if sparse.issparse(X_rows):
                grad[:, :n_features] += (X_rows.T @ residual.T).T
            else:
                grad[:, :n_features] += residual @ X_rows
            if fit_intercept:
                grad[:, -1] += proba.sum(axis=1)
    return value, grad, hessian


def target_vectors(codes, n_classes):
    """The target vectors of class indices, as :class:`LogLoss` takes them.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Index of each sample's class.

    n_classes : int
        Number of classes, at least 2.

    Returns
    -------
    target : ndarray of shape (n_outputs, n_samples)
        The 0/1 indicator of class 1 for two classes (``n_outputs = 1``), the
        one-hot encoding otherwise (``n_outputs = n_classes``), float64.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import target_vectors
    >>> target_vectors(np.array([1, 0]), 2).tolist()
    [[1.0, 0.0]]
    >>> target_vectors(np.array([2, 0]), 3).tolist()
    [[0.0, 1.0], [0.0, 0.0], [1.0, 0.0]]
    """
    if n_classes == 2:
        return (codes == 1).astype(np.float64)[None, :]
    target = np.zeros((n_classes, codes.shape[0]))
    target[codes, np.arange(codes.shape[0])] = 1.0
    return target


class PenalisedLoss:
    """A data term plus ``alpha / 2 * ||coef||^2``, over flat parameter vectors.

    Subclasses compute the data term (:func:`data_term` of normalised weights)
    in ``_data_term(coef, intercept, order)``; the penalty is added here, once.

    Parameters
    ----------
    n_outputs : int
        Number of parameter rows (1 for binary, ``n_classes`` otherwise).

    n_features : int
        Number of features.

    alpha : float
        L2 penalty strength on the coefficients (not on the intercept).

    fit_intercept : bool
        Whether the last parameter of each row is an intercept.
    """

    def __init__(self, n_outputs, n_features, alpha, fit_intercept):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.n_outputs = n_outputs
        self.n_features = n_features
        self.shape = (n_outputs, n_features + fit_intercept)

    def split(self, w):
        """Return the ``(coef, intercept)`` views of a flat parameter vector.

        Parameters
        ----------
        w : ndarray of shape (n_outputs * (n_features + fit_intercept),)
            Flat parameters.

        Returns
        -------
        coef : ndarray of shape (n_outputs, n_features)
            Coefficients.

        intercept : ndarray of shape (n_outputs,)
            Intercepts (zeros without an intercept).
        """
        matrix = w.reshape(self.shape)
        if self.fit_intercept:
            return matrix[:, :-1], matrix[:, -1]
        return matrix, np.zeros(self.n_outputs)

    def _evaluate(self, w, order):
        coef, intercept = self.split(w)
        value, grad, hessian = self._data_term(coef, intercept, order)
        value += 0.5 * self.alpha * float(np.einsum("ij,ij->", coef, coef))
        if order >= 1:
            grad[:, : self.n_features] += self.alpha * coef
            grad = grad.ravel()
        if order >= 2:
            hessian = hessian.reshape(grad.shape[0], -1)
            penalised = np.arange(hessian.shape[0]).reshape(self.shape)
            penalised = penalised[:, : self.n_features].ravel()
            hessian[penalised, penalised] += self.alpha
        return value, grad, hessian

    def loss(self, w):
        """Objective value at ``w``.

        Parameters
        ----------
        w : ndarray of shape (n_params,)
            Flat parameters.

        Returns
        -------
        loss : float
            The penalised, weighted mean log loss.
        """
        return self._evaluate(w, 0)[0]

    def loss_gradient(self, w):
        """Objective value and gradient at ``w``, from one pass over the data.

        Parameters
        ----------
        w : ndarray of shape (n_params,)
            Flat parameters.

        Returns
        -------
        loss : float
            The objective value.

        gradient : ndarray of shape (n_params,)
            Its gradient, float64.
        """
        return self._evaluate(w, 1)[:2]

    def loss_gradient_hessian(self, w):
        """Objective value, gradient and Hessian at ``w``.

        Parameters
        ----------
        w : ndarray of shape (n_params,)
            Flat parameters.

        Returns
        -------
        loss : float
            The objective value.

        gradient : ndarray of shape (n_params,)
            Its gradient.

        hessian : ndarray of shape (n_params, n_params)
            Its Hessian, float64.
        """
        return self._evaluate(w, 2)


class LogLoss(PenalisedLoss):
    """The objective of a penalised, weighted logistic regression on data in memory.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data, float32 or float64. Never copied or modified.

    target : ndarray of shape (n_outputs, n_samples)
        The target vectors ``y_i`` (columns): the 0/1 indicator of the positive class
        (binary, ``n_outputs = 1``) or the one-hot encoding of the class
        (multinomial, ``n_outputs = n_classes``).

    sample_weight : ndarray of shape (n_samples,)
        Positive-sum sample weights; normalised to sum to one here.

    alpha : float
        L2 penalty strength on the coefficients (not on the intercept), on the
        scale of the normalised weights; 0 means no penalty.

    fit_intercept : bool
        Whether the last parameter of each row is an intercept.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._loss import LogLoss
    >>> X = np.array([[0.0], [1.0]])
    >>> loss = LogLoss(X, np.array([[0.0, 1.0]]), np.ones(2), 0.0, True)
    >>> round(loss.loss(np.zeros(2)), 4)
    0.6931
    """

    def __init__(self, X, target, sample_weight, alpha, fit_intercept):
        super().__init__(target.shape[0], X.shape[1], alpha, fit_intercept)
        self.X = X
        self.target = target
        self.weight = sample_weight / sample_weight.sum()

    def _data_term(self, coef, intercept, order):
        return data_term(
            self.X, self.target, self.weight, coef, intercept, self.fit_intercept, order
        )
