"""Logistic regression with balanced class weights and early stopping on BA."""

import functools
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
from sklearn.utils.validation import check_array, check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

from sklearn_balanced.linear_model._class_weight import (
    class_totals,
    prior_shift,
    resolve_class_weight,
)
from sklearn_balanced.linear_model._loss import (
    LogLoss,
    linear_scores,
    predicted_codes,
    target_vectors,
)
from sklearn_balanced.linear_model._monitor import TrainingMonitor
from sklearn_balanced.linear_model._partitioned import (
    Encoding,
    PartitionedLogLoss,
    count_classes,
    partition,
    validation_scorer,
)
from sklearn_balanced.linear_model._solvers import (
    STOPPED,
    choose_solver,
    gauge_projector,
    minimize_lbfgs,
    minimize_lbfgs_then_newton,
    minimize_newton,
)
from sklearn_balanced.metrics import balanced_accuracy_score
from sklearn_balanced.utils._compat import Interval, StrOptions, _fit_context
from sklearn_balanced.utils._dask import (
    any_dask,
    as_row_blocks,
    empty_rows,
    map_row_blocks,
)
from sklearn_balanced.utils._encode import encode
from sklearn_balanced.utils._validation import (
    check_scaled_sample_weight,
    scale_weights,
)

_LBFGS_PHASE_ITER = 20
_SOLVERS = ("auto", "lbfgs", "newton-cholesky")


@functools.cache
def blas_controller():
    """Thread-pool controller of the BLAS libraries, created on first use.

    :func:`threadpoolctl.threadpool_limits` scans the loaded shared libraries on
    every call, which costs about a millisecond, as much as a whole fit of a
    small problem. The controller is built once instead; the BLAS libraries of
    NumPy and SciPy are loaded when this module is imported, so it holds them.

    Returns
    -------
    controller : threadpoolctl.ThreadpoolController
        Controller of the libraries loaded at the first call.

    Examples
    --------
    >>> from sklearn_balanced.linear_model._logistic import blas_controller
    >>> blas_controller() is blas_controller()
    True
    """
    return ThreadpoolController()


def encode_labels(y):
    """Check classification targets and encode them as class indices.

    Integer labels are always valid classification targets, so the costly
    :func:`~sklearn.utils.multiclass.check_classification_targets` only runs for
    other dtypes. The labels are encoded by
    :func:`~sklearn_balanced.utils._encode.encode`: the result is that of
    ``np.unique(y, return_inverse=True)``.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Validated, non-empty labels.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        Sorted distinct labels, of the dtype of ``y``.

    codes : ndarray of shape (n_samples,)
        Index in ``classes`` of each label.

    Raises
    ------
    ValueError
        If ``y`` holds continuous or multilabel targets.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_balanced.linear_model._logistic import encode_labels
    >>> classes, codes = encode_labels(np.array([7, 3, 7, 5]))
    >>> classes.tolist(), codes.tolist()
    ([3, 5, 7], [2, 0, 2, 1])
    """
    if y.dtype.kind not in "iu":
        check_classification_targets(y)
    return encode(y)


def _check_several_classes(classes):
    if classes.shape[0] < 2:
        raise ValueError(
            "BalancedLogisticRegression needs samples of at least 2 classes, "
            f"but y contains only one class: {classes[0]!r}."
        )


def _check_total_weight(weight_sum):
    if not math.isfinite(weight_sum):
        raise ValueError(
            "The training weights (sample_weight times class_weight) add up past "
            "the float64 range; divide sample_weight by a constant (and multiply "
            "C by it for the same fit)."
        )
    if not weight_sum > 0:
        raise ValueError(
            "The training samples have a total weight of zero: sample_weight "
            "and class_weight must leave some sample with a positive weight."
        )


def _on_checked_block(function, dtype, X):
    """``function`` of a block of samples, checked as :meth:`fit` checks them.

    A partition may hold no rows (a filtered data frame, say): its result has
    none either.
    """
    return function(
        check_array(
            X,
            accept_sparse="csr",
            dtype=dtype,
            ensure_min_samples=0,
            input_name="X",
            estimator="BalancedLogisticRegression",
        )
    )


class BalancedLogisticRegression(ClassifierMixin, BaseEstimator):
    r"""Logistic regression with balanced class weights and optional early stopping.

    Minimises the same L2-penalised, class- and sample-weighted log loss as
    :class:`sklearn.linear_model.LogisticRegression` (binary with one
    coefficient row, multinomial softmax for more than two classes, intercept not
    penalised) and reaches the same optimum, but weights the classes as
    ``"balanced"`` by default. It can stop training when the balanced accuracy on
    a stratified hold-out set stops improving, keeping the best coefficients.
    Like every scikit-learn classifier, its ``score`` method returns the mean
    accuracy of ``predict``; pass ``scoring="balanced_accuracy"`` to model
    selection tools to select on balanced accuracy. Dask arrays and data frames
    are fitted partition by partition, to the same optimum, and predicted lazily
    (see :meth:`fit` and the :ref:`User Guide <training_on_dask>`).

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

    proba_prior : {"balanced", "train"} or array-like, default="balanced"
        Class prior that :meth:`predict_proba` and :meth:`predict_log_proba` are
        calibrated to (see Notes); :meth:`predict` and :meth:`decision_function`
        do not depend on it.

        - ``"balanced"``: the probabilities of the weighted fit, those of
          scikit-learn's ``LogisticRegression`` with the same class weights; with
          balanced class weights they are calibrated to equally frequent classes.
        - ``"train"``: the shift of the class weights is removed from the logits,
          so the probabilities are calibrated to the training class frequencies
          (``class_prior_``). With ``class_weight=None`` this is ``"balanced"``.
        - array-like of shape (n_classes,): positive class frequencies of the
          data the model will be used on, in ``classes_`` order, normalised to
          sum to 1; the probabilities follow by Bayes' rule.

        Changing it takes effect at the next :meth:`fit`. Read more in the
        :ref:`User Guide <probabilities_after_weighting>`.

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

    class_prior_ : ndarray of shape (n_classes,)
        Training class frequencies: each class's share of the total
        ``sample_weight`` (of the sample count without it), on the training part
        when ``early_stopping=True``.

    proba_prior_ : ndarray of shape (n_classes,)
        Class prior the probabilities are calibrated to: proportional to
        ``class_weight_ * class_prior_`` for ``proba_prior="balanced"``,
        ``class_prior_`` for ``"train"``, the normalised array otherwise.

    proba_offset_ : ndarray of shape (n_classes,)
        Offsets added to the logits of each class before the softmax (for two
        classes, ``proba_offset_[1] - proba_offset_[0]`` is added to
        :meth:`decision_function`): ``log(proba_prior_) - log(class_weight_ *
        class_prior_)`` up to a constant, zeros for ``"balanced"``,
        ``-log(class_weight_)`` for ``"train"``.

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
    **Probabilities after class weighting.** Class ``k`` enters the loss with
    the weight :math:`w_k` = ``class_weight_[k]``: its weighted mass after class
    weighting divided by its mass before. The fit therefore sees the class
    prior :math:`q_k \propto w_k \pi_k`, where :math:`\pi` = ``class_prior_``,
    and its logits estimate :math:`f_k(x) = \log p(k \mid x) + \log w_k + c(x)`
    (for a well-specified model the intercepts absorb :math:`\log w_k`
    exactly, in the large-sample limit; otherwise the weights also change the
    slopes and this holds approximately). ``proba_prior`` undoes this by Bayes'
    rule: the probabilities are :math:`\operatorname{softmax}_k(f_k(x) +
    \log r_k - \log q_k)` for the prior :math:`r` = ``proba_prior_``, that is
    :math:`\operatorname{softmax}_k(f_k(x) - \log w_k)` for ``"train"``. For two
    classes the decision function is shifted by :math:`\log(r_1 / r_0) -
    \log(q_1 / q_0)`. The L2 penalty shrinks the logits towards zero and makes
    any probability estimate less sharp; the shift corrects the class prior,
    not that.

    **Why predict ignores proba_prior.** The rule that maximises balanced
    accuracy is :math:`\arg\max_k p(k \mid x) / \pi_k`, and
    :math:`p(k \mid x) / \pi_k \propto p(x \mid k)` whatever the prior, so
    it is the same rule under every deployment prior: changing the prior changes
    the probabilities, not the balanced-accuracy-optimal decision. With balanced
    class weights the fitted logits already implement that rule, and
    :meth:`predict` keeps it (the argmax of the weighted fit's logits) for every
    ``proba_prior``. Hence ``predict`` may differ from the argmax of
    ``predict_proba`` when ``proba_prior`` is not ``"balanced"``; to maximise
    accuracy under a prior instead, take that argmax yourself.

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

    Probabilities calibrated to the training class frequencies rather than to
    equally frequent classes; the predictions stay the same:

    >>> honest = BalancedLogisticRegression(proba_prior="train").fit(X, y)
    >>> honest.class_prior_.tolist()
    [0.91, 0.09]
    >>> clf.predict_proba(X[4:5]).round(3).tolist()
    [[0.638, 0.362]]
    >>> honest.predict_proba(X[4:5]).round(3).tolist()
    [[0.947, 0.053]]
    >>> bool((honest.predict(X) == clf.predict(X)).all())
    True
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
        "proba_prior": [StrOptions({"balanced", "train"}), "array-like"],
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
        proba_prior="balanced",
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
        self.proba_prior = proba_prior

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix, Dask array or data frame} of shape \
                (n_samples, n_features)
            Training data; float32 data is kept in float32. A Dask array must be
            chunked along its rows only; a Dask data frame must hold numeric
            columns.

        y : array-like or Dask collection of shape (n_samples,)
            Class labels (at least two classes).

        sample_weight : array-like or Dask collection of shape (n_samples,), \
                default=None
            Non-negative sample weights, multiplied with the class weights.

        Returns
        -------
        self : BalancedLogisticRegression
            The fitted estimator.

        Notes
        -----
        When any of ``X``, ``y`` and ``sample_weight`` is a Dask collection, the
        fit runs partition by partition: one pass counts the classes, then every
        solver iteration sums the loss and its gradient (and the Hessian, for a
        Newton step) over the partitions, so only ``O(n_features * n_classes)``
        numbers (squared for the Hessian) reach the client. It uses the active
        Dask scheduler, a ``distributed.Client`` included, and reaches the
        in-memory optimum. Every iteration reads the data again: persist them
        first (``X, y = dask.persist(X, y)``) unless recomputing them is cheap.
        With ``early_stopping=True`` every row is held out with probability
        ``validation_fraction`` (seeded by ``random_state``) instead of an exact
        stratified split.
        """
        if any_dask(X, y, sample_weight):
            return self._fit_partitioned(X, y, sample_weight)
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32]
        )
        classes, codes = encode_labels(y)
        _check_several_classes(classes)
        # In units of 2**exponent, no class total or sum of weights overflows.
        sample_weight, exponent = check_scaled_sample_weight(sample_weight, X.shape[0])
        self.classes_ = classes

        validation = None
        if self.early_stopping:
            X, codes, sample_weight, validation = self._split_validation(
                X, codes, sample_weight
            )
        totals = class_totals(codes, sample_weight, classes.shape[0])
        self.class_weight_ = resolve_class_weight(self.class_weight, classes, totals)
        weight = self.class_weight_[codes]
        if sample_weight is not None:
            weight *= sample_weight
        # Class weights of any scale too: the sum of the weights stays finite.
        weight, shift = scale_weights(np, weight)
        exponent += shift
        weight_sum = weight.sum()
        _check_total_weight(weight_sum)
        self._set_priors(totals)
        loss = LogLoss(
            X,
            target_vectors(codes, classes.shape[0]),
            weight,
            self._alpha(weight_sum, exponent),
            self.fit_intercept,
        )
        scorer = None
        if validation is not None:
            scorer = self._validation_scorer(loss, *validation)
        return self._optimise(loss, X.shape[0], scorer, X.dtype)

    def _fit_partitioned(self, X, y, sample_weight):
        """:meth:`fit` on Dask collections, partition by partition."""
        dtype = validate_data(
            self, empty_rows(X), dtype=[np.float64, np.float32], ensure_min_samples=0
        ).dtype
        held_out = self.validation_fraction if self.early_stopping else None
        partitions = partition(
            X,
            y,
            sample_weight,
            validation_fraction=held_out,
            random_state=self.random_state,
            caller_name=type(self).__name__,
        )
        counts = count_classes(partitions)
        _check_several_classes(counts.classes)
        self.classes_ = counts.classes
        self.class_weight_ = resolve_class_weight(
            self.class_weight, counts.classes, counts.totals
        )
        weight_sum = float(self.class_weight_ @ counts.totals)
        _check_total_weight(weight_sum)
        self._set_priors(counts.totals)
        encoding = Encoding(counts.classes, self.class_weight_, weight_sum, dtype)
        loss = PartitionedLogLoss(
            partitions, encoding, self._alpha(weight_sum), self.fit_intercept
        )
        scorer = None
        if self.early_stopping:
            scorer = validation_scorer(
                partitions, encoding, counts.validation_labels, loss.split
            )
        return self._optimise(loss, counts.n_train, scorer, dtype)

    def _alpha(self, weight_sum, exponent=0):
        """The penalty of weights summing to ``weight_sum * 2**exponent``.

        Scaling every weight by ``c`` scales ``C`` by ``c``: with huge weights
        the penalty may underflow to 0 (the unpenalised fit, to float
        precision); one too large to represent is an error.
        """
        if math.isinf(self.C):
            return 0.0
        # C and the weights apart by powers of two: no intermediate overflows.
        mantissa, c_exponent = math.frexp(self.C)
        with np.errstate(over="ignore"):
            alpha = float(
                np.ldexp(1.0 / (mantissa * weight_sum), -(exponent + c_exponent))
            )
            total = float(np.ldexp(weight_sum, exponent))
        if not math.isfinite(alpha):
            raise ValueError(
                f"The penalty 1 / (C * total weight) overflows: C={self.C!r} and "
                f"a total training weight of {total:.3g} leave no finite penalty; "
                "scale sample_weight or C up."
            )
        return alpha

    def _set_priors(self, totals):
        self.class_prior_ = totals / totals.sum()
        self.proba_prior_, self.proba_offset_ = prior_shift(
            self.proba_prior, self.classes_, self.class_weight_, self.class_prior_
        )

    def _optimise(self, loss, n_samples, validation_score, dtype):
        """Run the solver on ``loss`` and set the fitted attributes."""
        w0 = self._initial_parameters(loss)
        self.solver_ = choose_solver(self.solver, n_samples, w0.shape[0])
        monitor = TrainingMonitor(validation_score, self.n_iter_no_change, self.verbose)
        with blas_controller().limit(limits=1, user_api="blas"):
            result = self._solve(loss, w0, monitor, loss.alpha > 0)
        stopped_early = result.message == STOPPED
        if not (result.converged or stopped_early):
            warnings.warn(
                f"BalancedLogisticRegression ({self.solver_}) did not converge: "
                f"{result.message}. Increase max_iter, scale the data or "
                "increase tol.",
                ConvergenceWarning,
                stacklevel=3,
            )
        w = result.w
        self.loss_curve_ = monitor.loss_curve
        if self.early_stopping:
            self.validation_scores_ = monitor.validation_scores
            self.best_iteration_ = monitor.best_iteration
            if monitor.best_w is not None:
                w = monitor.best_w
        coef, intercept = loss.split(w)
        self.coef_ = coef.astype(dtype)
        self.intercept_ = intercept.astype(dtype)
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

    def _respond(self, X, function):
        """``function`` of the checked samples; lazily, block by block, on Dask."""
        check_is_fitted(self)
        dtypes = [np.float64, np.float32]
        if not any_dask(X):
            X = validate_data(self, X, accept_sparse="csr", dtype=dtypes, reset=False)
            return function(X)
        empty = validate_data(
            self, empty_rows(X), dtype=dtypes, reset=False, ensure_min_samples=0
        )
        checked = functools.partial(_on_checked_block, function, empty.dtype)
        return map_row_blocks(checked, as_row_blocks(X), function(empty))

    def decision_function(self, X):
        """Raw scores ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, Dask array or data frame} of shape \
                (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray or Dask array of shape (n_samples,) or \
                (n_samples, n_classes)
            Score of ``classes_[1]`` for two classes, one column per class
            otherwise; a Dask array, computed block by block, for Dask input.
        """
        return self._respond(X, self._scores)

    def _scores(self, X):
        return linear_scores(X, self.coef_, self.intercept_)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix, Dask array or data frame} of shape \
                (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray or Dask array of shape (n_samples,)
            Labels from ``classes_``; a Dask array for Dask input.
        """
        return self._respond(X, self._labels)

    def _labels(self, X):
        return self.classes_[predicted_codes(self._scores(X))]

    def _proba_scores(self, X):
        """Logits shifted by ``proba_offset_`` (their difference when binary)."""
        scores = self._scores(X)
        offset = self.proba_offset_
        if scores.ndim == 1:
            offset = offset[1] - offset[0]
        return scores + offset.astype(scores.dtype)

    def predict_proba(self, X):
        """Predict class probabilities, calibrated to the prior ``proba_prior_``.

        Parameters
        ----------
        X : {array-like, sparse matrix, Dask array or data frame} of shape \
                (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray or Dask array of shape (n_samples, n_classes)
            Probabilities, columns in ``classes_`` order; see ``proba_prior``. A
            Dask array for Dask input.
        """
        return self._respond(X, self._proba)

    def _proba(self, X):
        scores = self._proba_scores(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        """Predict log class probabilities, computed without overflow.

        Parameters
        ----------
        X : {array-like, sparse matrix, Dask array or data frame} of shape \
                (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray or Dask array of shape (n_samples, n_classes)
            Log probabilities, columns in ``classes_`` order, calibrated to the
            prior ``proba_prior_`` like :meth:`predict_proba`.
        """
        return self._respond(X, self._log_proba)

    def _log_proba(self, X):
        scores = self._proba_scores(X)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return log_softmax(scores, axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
