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


class LogLoss:
    """The objective of a penalised, weighted logistic regression.

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
        self.X = X
        self.target = target
        self.weight = sample_weight / sample_weight.sum()
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.n_outputs = target.shape[0]
        self.n_features = X.shape[1]
        self.shape = (self.n_outputs, self.n_features + fit_intercept)

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

    def _chunk_rows(self, order):
        if sparse.issparse(self.X) and order < 2:
            return self.X.shape[0]
        return max(_MIN_CHUNK_ROWS, _CHUNK_BYTES // (8 * self.shape[1]))

    def _row_blocks(self, step):
        """Yield ``(X, target, weight)`` blocks of ``step`` rows.

        A single block is the data itself: slicing a sparse matrix copies it.
        """
        n_samples = self.X.shape[0]
        if step >= n_samples:
            yield self.X, self.target, self.weight
            return
        for start in range(0, n_samples, step):
            rows = slice(start, start + step)
            yield self.X[rows], self.target[:, rows], self.weight[rows]

    def _evaluate(self, w, order):
        coef, intercept = self.split(w)
        coef_x = coef.astype(self.X.dtype, copy=False)
        value = 0.0
        grad = np.zeros(self.shape) if order >= 1 else None
        hessian = np.zeros(self.shape * 2) if order >= 2 else None
        for X, target, weight in self._row_blocks(self._chunk_rows(order)):
            raw = (X @ coef_x.T).T if sparse.issparse(X) else coef_x @ X.T
            raw = np.ascontiguousarray(raw, dtype=np.float64)
            raw += intercept[:, None]
            linear = np.einsum("ij,ij->j", target, raw)
            pointwise, proba = log_partition(raw)
            pointwise -= linear
            value += float(pointwise @ weight)
            if order >= 2:
                hessian += hessian_blocks(X, proba, weight, self.fit_intercept)
            if order >= 1:
                proba -= target
                proba *= weight
                residual = proba.astype(X.dtype, copy=False)
                if sparse.issparse(X):
                    grad[:, : self.n_features] += (X.T @ residual.T).T
                else:
                    grad[:, : self.n_features] += residual @ X
                if self.fit_intercept:
                    grad[:, -1] += proba.sum(axis=1)
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
