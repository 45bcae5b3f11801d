"""A meta-classifier that learns the decision rule maximising balanced accuracy."""

import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils import get_tags, indexable
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
)

from sklearn_balanced.base import BalancedScoreMixin
from sklearn_balanced.metrics import balanced_accuracy_score
from sklearn_balanced.model_selection._sweep import (
    _TIE_BREAKS,
    tune_offsets,
    tune_threshold,
)
from sklearn_balanced.utils._compat import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _check_method_params,
    _fit_context,
    _safe_indexing,
)
from sklearn_balanced.utils._validation import check_sample_weight_nonneg

_RESPONSE_METHODS = ("predict_proba", "decision_function")


def _estimator_has(attr):
    """Whether the fitted estimator, or else the unfitted one, has ``attr``."""

    def check(self):
        return hasattr(getattr(self, "estimator_", self.estimator), attr)

    return check


def _resolve_response_method(estimator, response_method):
    """Name of the method giving the scores, checked against ``estimator``."""
    candidates = _RESPONSE_METHODS if response_method == "auto" else [response_method]
    for name in candidates:
        if hasattr(estimator, name):
            return name
    raise ValueError(
        f"response_method={response_method!r} needs an estimator implementing "
        f"{' or '.join(candidates)}; {type(estimator).__name__} does not."
    )


def _response_scores(estimator, X, response_method, n_classes):
    """Scores used by the decision rule.

    Binary: the positive-class (``classes_[1]``) score, shape (n_samples,).
    Multiclass: log-probabilities or decision values, shape (n_samples, n_classes).
    """
    raw = np.asarray(getattr(estimator, response_method)(X), dtype=np.float64)
    if response_method == "predict_proba":
        if n_classes == 2:
            scores = raw[:, 1]
        else:
            scores = np.log(np.clip(raw, np.finfo(np.float64).tiny, None))
    elif n_classes == 2:
        scores = raw.reshape(-1) if raw.ndim == 2 and raw.shape[1] == 1 else raw
    else:
        scores = raw
    expected = (raw.shape[0],) if n_classes == 2 else (raw.shape[0], n_classes)
    if scores.shape != expected:
        raise ValueError(
            f"{type(estimator).__name__}.{response_method} returned an array of "
            f"shape {raw.shape}; expected {expected} for {n_classes} classes "
            "(one-vs-one decision functions are not supported)."
        )
    if not np.isfinite(scores).all():
        raise ValueError(
            f"{type(estimator).__name__}.{response_method} returned NaN or infinite "
            "scores, which cannot be thresholded."
        )
    return scores


def _fit_and_score(estimator, X, y, train, val, fit_params, response_method, classes):
    """Fit ``estimator`` on ``train`` and score it on ``val``.

    ``train=None`` keeps ``estimator`` as it is (prefit) and scores all of ``X``.
    Returns the fitted estimator and the scores.
    """
    if train is None:
        return estimator, _response_scores(estimator, X, response_method, classes.size)
    fold_params = _check_method_params(X, fit_params, indices=train)
    estimator.fit(_safe_indexing(X, train), _safe_indexing(y, train), **fold_params)
    if not np.array_equal(estimator.classes_, classes):
        raise ValueError(
            f"A training fold holds the classes {list(estimator.classes_)} "
            f"instead of {list(classes)}; use a stratified cv or fewer folds."
        )
    scores = _response_scores(
        estimator, _safe_indexing(X, val), response_method, classes.size
    )
    return estimator, scores


def _encode(y, classes):
    """Integer codes of ``y`` in ``classes``; an error for an unknown label."""
    if classes.size == 2:
        positive = y == classes[1]
        codes = positive.astype(np.intp)
        unknown = ~positive & (y != classes[0])
    else:
        order = np.argsort(classes)
        position = np.searchsorted(classes, y, sorter=order)
        codes = order[position.clip(max=classes.size - 1)]
        unknown = classes[codes] != y
    if unknown.any():
        raise ValueError(
            f"y contains labels {sorted(set(np.asarray(y)[unknown].tolist()))} "
            f"unknown to the prefit estimator, whose classes are {list(classes)}."
        )
    return codes


def _check_weighted_classes(y, sample_weight):
    """Error unless at least two classes of ``y`` keep a positive total weight."""
    if sample_weight is None:
        return
    if np.unique(y[sample_weight > 0]).size < 2:
        raise ValueError(
            "sample_weight is zero for all samples but those of one class; at "
            "least 2 classes with a positive weight are needed to tune a rule."
        )


def _logit_adjustment(codes, sample_weight, n_classes):
    """Offsets ``-log(prior_k)`` from the (weighted) class frequencies.

    A class without weight (unseen when tuning a prefit estimator) gets offset 0,
    below every other class's.
    """
    prior = np.bincount(codes, weights=sample_weight, minlength=n_classes)
    prior = prior / prior.sum()
    seen = prior > 0
    return np.where(seen, -np.log(np.where(seen, prior, 1.0)), 0.0)


class BalancedThresholdClassifier(
    BalancedScoreMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator
):
    """Classifier with a decision rule cross-validated for balanced accuracy.

    For binary targets, the rule is "predict ``classes_[1]`` iff the score is at
    least ``best_threshold_``", where the threshold maximises the mean balanced
    accuracy over the validation folds, exactly: every distinct validation score
    is a candidate cut point (no grid), and the threshold is placed in the middle
    of the best plateau, between two observed scores. For multiclass targets, the
    rule is ``argmax_k(s_k(x) + b_k)`` on log-probabilities or decision values;
    the offsets ``b`` start at the logit adjustment ``-log(class prior)`` and are
    improved by exact coordinate ascent on the mean validation balanced accuracy.

    Parameters and attributes mirror
    :class:`sklearn.model_selection.TunedThresholdClassifierCV` with
    ``scoring="balanced_accuracy"``. Its ``score`` method returns the balanced
    accuracy of ``predict`` (see :class:`~sklearn_balanced.base.BalancedScoreMixin`).

    Parameters
    ----------
    estimator : estimator instance
        The classifier, fitted (with ``cv="prefit"``) or not, whose decision rule
        is tuned. It must implement ``predict_proba`` or ``decision_function``.

    response_method : {"auto", "predict_proba", "decision_function"}, \
            default="auto"
        Method of ``estimator`` giving the scores. ``"auto"`` uses
        ``predict_proba`` when available and ``decision_function`` otherwise.
        Multiclass probabilities are turned into log-probabilities.

    cv : int, float, cross-validation generator, iterable or "prefit", \
            default=None
        How the validation scores are obtained:

        * None: 5-fold stratified cross-validation;
        * int: that number of stratified folds;
        * float in (0, 1): one stratified shuffle split, with that fraction of
          the samples used for validation;
        * a splitter or an iterable of (train, validation) index pairs;
        * ``"prefit"``: ``estimator`` is already fitted and the whole of ``X``
          is used for tuning (``refit`` must then be False). Tune on data not
          used to fit ``estimator``, or the rule overfits.

    refit : bool, default=True
        Whether to refit ``estimator`` on the whole of ``X`` once the rule is
        tuned. False is only possible with ``cv="prefit"`` or a single split,
        whose training part then gives the final estimator.

    n_jobs : int, default=None
        Number of jobs fitting the folds (and the final refit) in parallel.
        ``None`` means 1 unless in a :func:`joblib.parallel_backend` context.

    random_state : int, RandomState instance or None, default=None
        Seed of the shuffle split used when ``cv`` is a float.

    store_cv_results : bool, default=False
        Whether to keep the whole cross-validated objective in ``cv_results_``.

    tie_break : {"middle", "lowest", "highest"}, default="middle"
        Which rule to use when several separated ranges of thresholds (or of
        an offset, in the multiclass search) reach the same best mean balanced
        accuracy: the median range, the lowest or the highest one.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier whose scores are thresholded.

    classes_ : ndarray of shape (n_classes,)
        The class labels; ``classes_[1]`` is the positive class of a binary
        problem.

    best_threshold_ : float
        Binary targets only. Threshold on the ``response_method`` scores of the
        positive class: ``classes_[1]`` is predicted iff score >= threshold.

    best_offsets_ : ndarray of shape (n_classes,)
        Multiclass targets only. The offsets ``b`` (``b[0] == 0``) of the rule
        ``argmax_k(s_k + b_k)``.

    best_score_ : float
        Mean balanced accuracy over the validation folds of the chosen rule.

    initial_score_ : float
        Multiclass targets only. Mean validation balanced accuracy of the
        logit-adjusted rule the search started from.

    fold_thresholds_ : ndarray of shape (n_folds,) or (n_folds, n_classes)
        Each fold's own best threshold (binary) or offsets (multiclass), tuned
        on that fold alone: their spread shows how stable the rule is.

    fold_scores_ : ndarray of shape (n_folds,)
        Each fold's balanced accuracy at its own best threshold or offsets.

    cv_results_ : dict of ndarray
        Only with ``store_cv_results=True``. Binary: ``"thresholds"`` (every
        distinct validation score, in decreasing order; the values at
        ``thresholds[j]`` hold for any threshold in
        ``(thresholds[j + 1], thresholds[j]]``), ``"scores"`` (mean balanced
        accuracy over folds), ``"fold_scores"`` (of shape (n_folds,
        n_thresholds)), ``"tpr"`` and ``"tnr"`` (mean true positive and true
        negative rates over folds). Multiclass: ``"offsets"`` (the starting
        offsets followed by those after each accepted coordinate step) and
        ``"scores"`` (mean balanced accuracy along them).

    n_features_in_ : int
        Number of features seen during :term:`fit`, when ``estimator_`` has it.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when ``estimator_`` has them.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : Grid-based binary
        threshold tuning for any metric.
    tune_threshold : The exact binary search this classifier runs.
    tune_offsets : The exact multiclass search this classifier runs.

    Notes
    -----
    ``predict_proba``, ``predict_log_proba`` and ``decision_function`` are
    those of ``estimator_``, unchanged: only :meth:`predict` applies the tuned
    rule. :meth:`score` is the accuracy, as for every scikit-learn classifier;
    use :data:`~sklearn_balanced.balanced_accuracy_scorer` for balanced
    accuracy.

    ``sample_weight`` passed to :meth:`fit` always weights the tuning
    objective; it is also passed to ``estimator.fit`` (when that accepts it),
    or, with metadata routing enabled, routed to ``estimator.fit`` and to the
    splitter as they request it.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn_balanced import balanced_accuracy_score
    >>> from sklearn_balanced import BalancedThresholdClassifier
    >>> X, y = make_classification(
    ...     n_samples=2_000, weights=[0.95], class_sep=0.3, flip_y=0.05, random_state=0
    ... )
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0
    ... )
    >>> plain = LogisticRegression().fit(X_train, y_train)
    >>> tuned = BalancedThresholdClassifier(LogisticRegression()).fit(X_train, y_train)
    >>> print(round(balanced_accuracy_score(y_test, plain.predict(X_test)), 1))
    0.6
    >>> print(round(balanced_accuracy_score(y_test, tuned.predict(X_test)), 1))
    0.7
    >>> bool(tuned.best_threshold_ < 0.5)
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "response_method": [StrOptions({"auto", *_RESPONSE_METHODS})],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "store_cv_results": ["boolean"],
        "tie_break": [StrOptions(set(_TIE_BREAKS))],
    }

    def __init__(
        self,
        estimator,
        *,
        response_method="auto",
        cv=None,
        refit=True,
        n_jobs=None,
        random_state=None,
        store_cv_results=False,
        tie_break="middle",
    ):
        self.estimator = estimator
        self.response_method = response_method
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.store_cv_results = store_cv_results
        self.tie_break = tie_break

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator and tune the decision rule by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, in any format ``estimator`` accepts.

        y : array-like of shape (n_samples,)
            Binary or multiclass target.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the tuning objective, also passed to
            ``estimator.fit`` (see Notes of the class).

        **fit_params : dict
            Other metadata, routed to ``estimator.fit`` and to the splitter.
            Only available with ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        routing = get_config()["enable_metadata_routing"]
        if fit_params and not routing:
            raise ValueError(
                f"Passing {sorted(fit_params)} to BalancedThresholdClassifier.fit "
                "needs metadata routing: call "
                "sklearn.set_config(enable_metadata_routing=True) and set the "
                "requests of the estimator and splitter."
            )
        X, y = indexable(X, y)
        y, classes = self._check_target(y)
        weight = check_sample_weight_nonneg(sample_weight, y.shape[0])
        _check_weighted_classes(y, weight)
        if routing:
            passed = dict(fit_params)
            if sample_weight is not None:
                passed["sample_weight"] = sample_weight
            routed = process_routing(self, "fit", **passed)
            estimator_params, split_params = routed.estimator.fit, routed.splitter.split
        else:
            estimator_params = self._weight_params(sample_weight)
            split_params = {}

        cv = self._check_cv(X, y, split_params)
        if cv == "prefit":
            classes = np.asarray(self.estimator.classes_)
        codes = _encode(y, classes)
        response_method = _resolve_response_method(self.estimator, self.response_method)
        if cv == "prefit":
            splits = [(None, np.arange(y.shape[0]))]
        else:
            splits = list(cv.split(X, y, **split_params))
        jobs = [
            delayed(_fit_and_score)(
                self.estimator if cv == "prefit" else clone(self.estimator),
                X,
                y,
                train,
                val,
                estimator_params,
                response_method,
                classes,
            )
            for train, val in splits
        ]
        refit = cv != "prefit" and self.refit
        if refit:
            jobs.append(delayed(clone(self.estimator).fit)(X, y, **estimator_params))
        fitted = Parallel(n_jobs=self.n_jobs)(jobs)
        fold_results = fitted[: len(splits)]
        self.estimator_ = fitted[-1] if refit else fold_results[-1][0]
        folds = [
            (codes[val], scores, None if weight is None else weight[val])
            for (_, val), (_, scores) in zip(splits, fold_results, strict=True)
        ]
        self._response_method = response_method
        self.classes_ = classes
        if classes.size == 2:
            self._tune_binary(folds)
        else:
            self._tune_multiclass(folds, codes, weight)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    @staticmethod
    def _check_target(y):
        """Validated 1-D binary or multiclass ``y`` and its sorted classes."""
        target_type = type_of_target(y, input_name="y")
        if target_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Unknown label type: {target_type!r}. y must be a binary or "
                "multiclass target for BalancedThresholdClassifier."
            )
        y = column_or_1d(y, warn=True)
        classes = np.unique(y)
        if classes.size < 2:
            raise ValueError(
                "y must contain at least 2 classes to tune a decision rule; got "
                "only one class."
            )
        return y, classes

    def _weight_params(self, sample_weight):
        """Fit parameters for ``estimator`` without metadata routing."""
        if sample_weight is None:
            return {}
        if has_fit_parameter(self.estimator, "sample_weight"):
            return {"sample_weight": sample_weight}
        warnings.warn(
            f"{type(self.estimator).__name__}.fit does not accept sample_weight: "
            "the weights are only used by the tuning objective.",
            UserWarning,
            stacklevel=3,
        )
        return {}

    def _check_cv(self, X, y, split_params):
        """The splitter, or "prefit", with the refit/cv consistency checks."""
        if isinstance(self.cv, str):
            if self.refit:
                raise ValueError(
                    "When cv='prefit', refit cannot be True: set refit=False."
                )
            try:
                check_is_fitted(self.estimator, "classes_")
            except NotFittedError as exc:
                raise NotFittedError(
                    "When cv='prefit', estimator must be fitted; "
                    f"{type(self.estimator).__name__} is not."
                ) from exc
            return "prefit"
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral):
            cv = StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        else:
            cv = check_cv(self.cv, y, classifier=True)
        if not self.refit and cv.get_n_splits(X, y, **split_params) > 1:
            raise ValueError(
                "When cv has several folds, refit cannot be False: set refit=True "
                "or use a single split (a float cv)."
            )
        return cv

    @staticmethod
    def _cv_score(folds, rule):
        """Mean over folds of the balanced accuracy of the codes ``rule(scores)``."""
        return float(
            np.mean(
                [
                    balanced_accuracy_score(codes, rule(scores), sample_weight=weight)
                    for codes, scores, weight in folds
                ]
            )
        )

    def _tune_binary(self, folds):
        codes, scores, weights = zip(*folds, strict=True)
        weights = None if weights[0] is None else list(weights)
        result = tune_threshold(
            [fold_codes == 1 for fold_codes in codes],
            list(scores),
            sample_weight=weights,
            tie_break=self.tie_break,
        )
        self.best_threshold_ = result.threshold
        self.fold_thresholds_ = result.fold_thresholds
        at_best = [
            self._cv_score([fold], lambda s: (s >= result.threshold).astype(int))
            for fold in folds
        ]
        self.best_score_ = float(np.mean(at_best))
        self.fold_scores_ = np.array(
            [
                score
                if threshold == result.threshold
                else self._cv_score([fold], lambda s, t=threshold: (s >= t).astype(int))
                for fold, threshold, score in zip(
                    folds, result.fold_thresholds, at_best, strict=True
                )
            ]
        )
        if self.store_cv_results:
            self.cv_results_ = {
                "thresholds": result.thresholds[1:],
                "scores": result.scores[1:],
                "fold_scores": result.fold_curve_scores[:, 1:],
                "tpr": result.tpr[1:],
                "tnr": result.tnr[1:],
            }

    def _tune_multiclass(self, folds, codes, weight):
        initial = _logit_adjustment(codes, weight, self.classes_.size)
        codes_list, scores_list, weights = (
            list(part) for part in zip(*folds, strict=True)
        )
        weights = None if weights[0] is None else weights
        result = tune_offsets(
            codes_list,
            scores_list,
            sample_weight=weights,
            offsets=initial,
            tie_break=self.tie_break,
        )
        fold_offsets = np.array(
            [
                tune_offsets(
                    fold_codes,
                    fold_scores,
                    sample_weight=fold_weight,
                    offsets=initial,
                    tie_break=self.tie_break,
                ).offsets
                for fold_codes, fold_scores, fold_weight in folds
            ]
        )
        self.best_offsets_ = result.offsets
        self.fold_thresholds_ = fold_offsets
        self.best_score_ = self._cv_score(
            folds, lambda s: np.argmax(s + result.offsets, axis=1)
        )
        self.initial_score_ = self._cv_score(
            folds, lambda s: np.argmax(s + initial, axis=1)
        )
        self.fold_scores_ = np.array(
            [
                self._cv_score([fold], lambda s, b=b: np.argmax(s + b, axis=1))
                for fold, b in zip(folds, fold_offsets, strict=True)
            ]
        )
        if self.store_cv_results:
            self.cv_results_ = {
                "offsets": result.path_offsets,
                "scores": result.path_scores,
            }

    def predict(self, X):
        """Predict classes with the tuned decision rule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, in any format ``estimator_`` accepts.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        check_is_fitted(self, "estimator_")
        scores = _response_scores(
            self.estimator_, X, self._response_method, self.classes_.size
        )
        if self.classes_.size == 2:
            return self.classes_[(scores >= self.best_threshold_).astype(int)]
        return self.classes_[np.argmax(scores + self.best_offsets_, axis=1)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of ``estimator_``, unchanged by the tuned rule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The probabilities given by ``estimator_.predict_proba``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities of ``estimator_``, unchanged by the tuned rule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The values given by ``estimator_.predict_log_proba``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of ``estimator_``, unchanged by the tuned rule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        decision : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The values given by ``estimator_.decision_function``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is consumed by the tuning objective; metadata is also
        routed to ``estimator.fit`` and to the splitter's ``split``.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return (
            MetadataRouter(owner=type(self).__name__)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags
