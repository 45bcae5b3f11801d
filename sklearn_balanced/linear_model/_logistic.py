"""Logistic regression with balanced class weights and early stopping on BA."""

import math
import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from sklearn_balanced.base import BalancedScoreMixin
from sklearn_balanced.linear_model._class_weight import resolve_class_weight
from sklearn_balanced.linear_model._loss import LogLoss
from sklearn_balanced.linear_model._monitor import TrainingMonitor
from sklearn_balanced.linear_model._solvers import (
    STOPPED,
    minimize_lbfgs,
    minimize_lbfgs_then_newton,
    minimize_newton,
)
from sklearn_balanced.metrics import balanced_accuracy_score
from sklearn_balanced.utils._compat import Interval, StrOptions, _fit_context
from sklearn_balanced.utils._validation import check_sample_weight_nonneg

_NEWTON_MAX_PARAMS = 200
_NEWTON_SAMPLES_PER_PARAM = 10
_LBFGS_PHASE_ITER = 20
_SOLVERS = ("auto", "lbfgs", "newton-cholesky")


def choose_solver(solver, n_samples, n_params):
    """Resolve ``solver="auto"`` for a problem size.

    Parameters
    ----------
    solver : {"auto", "lbfgs", "newton-cholesky"}
        Requested solver.

    n_samples : int
        Number of training samples.

    n_params : int
        Number of optimised parameters (coefficients and intercepts).

    Returns
    -------
    solver : {"lbfgs", "newton-cholesky", "lbfgs-then-newton"}
        For ``"auto"``: ``"lbfgs-then-newton"`` when the Hessian is small (at
        most 200 parameters) and there are at least ten samples per parameter,
        so a Newton step costs a few gradients; ``"lbfgs"`` otherwise.

    Examples
    --------
    >>> from sklearn_balanced.linear_model._logistic import choose_solver
    >>> choose_solver("auto", 10**6, 21), choose_solver("auto", 10**5, 10**4)
    ('lbfgs-then-newton', 'lbfgs')
    """
    if solver != "auto":
        return solver
    if (
        n_params <= _NEWTON_MAX_PARAMS
        and n_samples >= _NEWTON_SAMPLES_PER_PARAM * n_params
    ):
        return "lbfgs-then-newton"
    return "lbfgs"


def gauge_projector(n_outputs, width, n_features, penalised):
    """Projector onto the parameter directions the softmax loss cannot see.

    Adding one vector to every class row of the multinomial parameters leaves the
    probabilities unchanged. For the intercepts (and for the coefficients when
    they are not penalised) these directions are flat, which makes the Hessian
    singular; :func:`~sklearn_balanced.linear_model._solvers.newton_direction`
    adds this projector to it.

    Parameters
    ----------
    n_outputs : int
        Number of parameter rows; 1 (binary) has no such direction.

    width : int
        Parameters per row (features plus intercept).

    n_features : int
        Number of features.

    penalised : bool
        Whether the coefficients carry an L2 penalty (then only the intercept
        directions are flat).

    Returns
    -------
    projector : ndarray of shape (n_outputs * width, n_outputs * width) or None
        None when ``n_outputs == 1``.

    Examples
    --------
    >>> from sklearn_balanced.linear_model._logistic import gauge_projector
    >>> gauge_projector(2, 2, 1, True)
    array([[0. , 0. , 0. , 0. ],
           [0. , 0.5, 0. , 0.5],
           [0. , 0. , 0. , 0. ],
           [0. , 0.5, 0. , 0.5]])
    """
    if n_outputs == 1:
        return None
    flat = np.ones(width)
    if penalised:
        flat[:n_features] = 0.0
    return np.kron(np.full((n_outputs, n_outputs), 1.0 / n_outputs), np.diag(flat))


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
    >>> from sklearn_balanced.linear_model._logistic import linear_scores
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
    >>> from sklearn_balanced.linear_model._logistic import predicted_codes
    >>> predicted_codes(np.array([0.5, -1.0])).tolist()
    [1, 0]
    >>> predicted_codes(np.array([[0.1, 0.7, 0.2]])).tolist()
    [1]
    """
    if scores.ndim == 1:
        return (scores > 0).astype(np.intp)
    return scores.argmax(axis=1)


class BalancedLogisticRegression(BalancedScoreMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression with balanced class weights and optional early stopping.

    Minimises the same L2-penalised, class- and sample-weighted log loss as
    :class:`sklearn.linear_model.LogisticRegression` (binary with one
    coefficient row, multinomial softmax for more than two classes, intercept not
    penalised) and reaches the same optimum, but weights the classes as
    ``"balanced"`` by default. It can stop training when the balanced accuracy on
    a stratified hold-out set stops improving, keeping the best coefficients.
    Its ``score`` method returns the balanced accuracy of ``predict`` (see
    :class:`~sklearn_balanced.base.BalancedScoreMixin`).

    Parameters
    ----------
    C : float, default=1.0
        Inverse of the L2 penalty strength; ``np.inf`` means no penalty. The
        objective is ``sum_i w_i * logloss_i / sum_i w_i + ||coef||^2 / (2 * C *
        sum_i w_i)``, scikit-learn's scaling.

    class_weight : "balanced", dict or None, default="balanced"
        Weight of each class, multiplied with ``sample_weight``. ``"balanced"``
        gives class ``k`` the weight ``total / (n_classes * total_k)``, where the
        totals sum ``sample_weight`` (counts without it), as scikit-learn 1.7+
        does; a dict maps labels to weights (missing classes get 1); None weighs
        every class 1.

    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept.

    solver : {"auto", "lbfgs", "newton-cholesky"}, default="auto"
        ``"lbfgs"``: scipy's L-BFGS-B with scikit-learn's settings.
        ``"newton-cholesky"``: Newton steps with the full Hessian and a
        backtracking line search, fast when parameters are few compared with
        samples. ``"auto"``, when there are at most 200 parameters and at least
        ten samples per parameter, runs up to 20 L-BFGS iterations (enough on
        well-conditioned data) and continues with Newton steps if they did not
        converge (badly scaled or correlated features); otherwise ``"lbfgs"``.

    tol : float, default=1e-4
        Stop when the largest absolute entry of the gradient of the objective is
        at most ``tol``.

    max_iter : int, default=100
        Maximum number of solver iterations.

    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data, score
        balanced accuracy on it after every iteration, stop after
        ``n_iter_no_change`` iterations without improvement and keep the best
        coefficients.

    validation_fraction : float, default=0.1
        Fraction of the training data held out when ``early_stopping=True``;
        strictly between 0 and 1.

    n_iter_no_change : int, default=5
        Patience of early stopping, in iterations.

    random_state : int, RandomState instance or None, default=None
        Seed of the stratified hold-out split.

    warm_start : bool, default=False
        Start from the coefficients of the previous fit when they have the right
        shape.

    verbose : int, default=0
        Print the objective (and validation score) after every iteration when
        positive.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row for two classes (the score of ``classes_[1]``).

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).

    n_iter_ : ndarray of shape (1,)
        Number of solver iterations run, as in scikit-learn's LogisticRegression.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when ``X`` has string column names.

    class_weight_ : ndarray of shape (n_classes,)
        Class weights used, aligned with ``classes_`` (computed on the training
        part when ``early_stopping=True``).

    solver_ : {"lbfgs", "newton-cholesky", "lbfgs-then-newton"}
        Solver strategy used.

    loss_curve_ : list of float
        Training objective after each iteration.

    validation_scores_ : list of float
        Validation balanced accuracy after each iteration; only with
        ``early_stopping=True``.

    best_iteration_ : int
        1-based iteration whose coefficients were kept
        (``validation_scores_[best_iteration_ - 1]`` is the best score); only
        with ``early_stopping=True``.

    See Also
    --------
    sklearn.linear_model.LogisticRegression : The reference implementation.

    Notes
    -----
    :meth:`score` returns the balanced accuracy, not the accuracy.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_balanced import BalancedLogisticRegression
    >>> X, y = make_classification(weights=[0.9], random_state=0)
    >>> clf = BalancedLogisticRegression().fit(X, y)
    >>> clf.class_weight_.round(2).tolist()
    [0.55, 5.56]
    >>> clf.predict(X[:3]).tolist(), round(clf.score(X, y), 3)
    ([0, 0, 0], 1.0)
    """

    _parameter_constraints: ClassVar[dict] = {
        "C": [Interval(Real, 0, None, closed="right")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions(set(_SOLVERS))],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        C=1.0,
        *,
        class_weight="balanced",
        fit_intercept=True,
        solver="auto",
        tol=1e-4,
        max_iter=100,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.C = C
        self.class_weight = class_weight
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 data is kept in float32.

        y : array-like of shape (n_samples,)
            Class labels (at least two classes).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, multiplied with the class weights.

        Returns
        -------
        self : BalancedLogisticRegression
            The fitted estimator.
        """
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32]
        )
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if classes.shape[0] < 2:
            raise ValueError(
                "BalancedLogisticRegression needs samples of at least 2 classes, "
                f"but y contains only one class: {classes[0]!r}."
            )
        sample_weight = check_sample_weight_nonneg(sample_weight, X.shape[0])
        self.classes_ = classes

        validation = None
        if self.early_stopping:
            X, codes, sample_weight, validation = self._split_validation(
                X, codes, sample_weight
            )
        self.class_weight_ = resolve_class_weight(
            self.class_weight, classes, codes, sample_weight
        )
        weight = self.class_weight_[codes]
        if sample_weight is not None:
            weight *= sample_weight
        weight_sum = weight.sum()
        if not weight_sum > 0:
            raise ValueError(
                "The training samples have a total weight of zero: sample_weight "
                "and class_weight must leave some sample with a positive weight."
            )

        n_classes = classes.shape[0]
        if n_classes == 2:
            target = (codes == 1).astype(np.float64)[None, :]
        else:
            target = np.zeros((n_classes, codes.shape[0]))
            target[codes, np.arange(codes.shape[0])] = 1.0
        alpha = 0.0 if math.isinf(self.C) else 1.0 / (self.C * weight_sum)
        loss = LogLoss(X, target, weight, alpha, self.fit_intercept)
        w0 = self._initial_parameters(loss)
        self.solver_ = choose_solver(self.solver, X.shape[0], w0.shape[0])

        monitor = TrainingMonitor(
            None if validation is None else self._validation_scorer(loss, *validation),
            self.n_iter_no_change,
            self.verbose,
        )
        with threadpool_limits(limits=1, user_api="blas"):
            result = self._solve(loss, w0, monitor, alpha > 0)
        stopped_early = result.message == STOPPED
        if not (result.converged or stopped_early):
            warnings.warn(
                f"BalancedLogisticRegression ({self.solver_}) did not converge: "
                f"{result.message}. Increase max_iter, scale the data or "
                "increase tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        w = result.w
        self.loss_curve_ = monitor.loss_curve
        if self.early_stopping:
            self.validation_scores_ = monitor.validation_scores
            self.best_iteration_ = monitor.best_iteration
            if monitor.best_w is not None:
                w = monitor.best_w
        coef, intercept = loss.split(w)
        self.coef_ = coef.astype(X.dtype)
        self.intercept_ = intercept.astype(X.dtype)
        self.n_iter_ = np.array([result.n_iter], dtype=np.int32)
        return self

    def _solve(self, loss, w0, monitor, penalised):
        options = {"tol": self.tol, "max_iter": self.max_iter, "callback": monitor}
        if self.solver_ == "lbfgs":
            return minimize_lbfgs(loss.loss_gradient, w0, **options)
        gauge = gauge_projector(*loss.shape, loss.n_features, penalised)
        if self.solver_ == "newton-cholesky":
            return minimize_newton(
                loss.loss, loss.loss_gradient_hessian, w0, gauge=gauge, **options
            )
        return minimize_lbfgs_then_newton(
            loss.loss,
            loss.loss_gradient,
            loss.loss_gradient_hessian,
            w0,
            gauge=gauge,
            lbfgs_iter=_LBFGS_PHASE_ITER,
            **options,
        )

    def _split_validation(self, X, codes, sample_weight):
        n_samples = codes.shape[0]
        n_classes = self.classes_.shape[0]
        n_validation = math.ceil(self.validation_fraction * n_samples)
        smallest = int(np.bincount(codes).min())
        if smallest < 2 or min(n_validation, n_samples - n_validation) < n_classes:
            raise ValueError(
                "early_stopping=True needs at least 2 samples of every class and at "
                f"least {n_classes} (the number of classes) samples in both the "
                f"training and the validation part; with validation_fraction="
                f"{self.validation_fraction} there are {n_validation} validation "
                f"samples of {n_samples} and the smallest class has {smallest}."
            )
        indices = np.arange(n_samples)
        train, test = train_test_split(
            indices,
            test_size=n_validation,
            stratify=codes,
            random_state=self.random_state,
        )
        weight_train = weight_test = None
        if sample_weight is not None:
            weight_train, weight_test = sample_weight[train], sample_weight[test]
        validation = (X[test], codes[test], weight_test)
        return X[train], codes[train], weight_train, validation

    def _validation_scorer(self, loss, X_val, codes_val, weight_val):
        labels = np.unique(codes_val)

        def score(w):
            coef, intercept = loss.split(w)
            predicted = predicted_codes(linear_scores(X_val, coef, intercept))
            return balanced_accuracy_score(
                codes_val, predicted, labels=labels, sample_weight=weight_val
            )

        return score

    def _initial_parameters(self, loss):
        w0 = np.zeros(loss.shape)
        if not (self.warm_start and hasattr(self, "coef_")):
            return w0.ravel()
        if self.coef_.shape != (loss.shape[0], loss.n_features):
            raise ValueError(
                "warm_start=True needs the previous coef_ to have shape "
                f"{(loss.shape[0], loss.n_features)}, got {self.coef_.shape}; refit "
                "with warm_start=False."
            )
        w0[:, : loss.n_features] = self.coef_
        if self.fit_intercept:
            w0[:, -1] = self.intercept_
        return w0.ravel()

    def decision_function(self, X):
        """Raw scores ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Score of ``classes_[1]`` for two classes, one column per class
            otherwise.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
        )
        return linear_scores(X, self.coef_, self.intercept_)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        scores = self.decision_function(X)
        return self.classes_[predicted_codes(scores)]

    def predict_proba(self, X):
        """Predict class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in ``classes_`` order.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        """Predict log class probabilities, computed without overflow.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log probabilities, columns in ``classes_`` order.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return log_softmax(scores, axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
