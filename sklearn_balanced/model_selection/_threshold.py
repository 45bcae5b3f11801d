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

from sklearn_balanced.metrics import balanced_accuracy_score
from sklearn_balanced.model_selection._offset_search import _tune_offsets
from sklearn_balanced.model_selection._search_checks import (
    _check_min_recall,
    _InfeasibleError,
)
from sklearn_balanced.model_selection._threshold_search import _tune_threshold
from sklearn_balanced.utils._compat import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _check_method_params,
    _fit_context,
    _safe_indexing,
)
from sklearn_balanced.utils._encode import codes_in, encode
from sklearn_balanced.utils._response import (
    RESPONSE_METHODS,
    resolve_response_method,
    response_scores,
)
from sklearn_balanced.utils._steps import TIE_BREAKS
from sklearn_balanced.utils._validation import check_scaled_sample_weight


def _estimator_has(attr):
    """Whether the fitted estimator, or else the unfitted one, has ``attr``."""

    def check(self):
        return hasattr(getattr(self, "estimator_", self.estimator), attr)

    return check


def _fit_and_score(estimator, X, y, train, val, fit_params, response_method, classes):
    """Fit ``estimator`` on ``train`` and score it on ``val``.

    ``train=None`` keeps ``estimator`` as it is (prefit) and scores all of ``X``.
    Returns the fitted estimator and the scores.
    """
    if train is None:
        return estimator, response_scores(estimator, X, response_method, classes.size)
    fold_params = _check_method_params(X, fit_params, indices=train)
    estimator.fit(_safe_indexing(X, train), _safe_indexing(y, train), **fold_params)
    if not np.array_equal(estimator.classes_, classes):
        raise ValueError(
            f"A training fold holds the classes {list(estimator.classes_)} "
            f"instead of {list(classes)}; use a stratified cv or fewer folds."
        )
    scores = response_scores(
        estimator, _safe_indexing(X, val), response_method, classes.size
    )
    return estimator, scores


def _prefit_codes(codes, y_classes, classes):
    """Codes in the prefit estimator's ``classes`` of labels coded in their own.

    ``codes`` index the sorted distinct labels ``y_classes`` of ``y``; an error
    names the labels unknown to the estimator.
    """
    mapping = codes_in(y_classes, classes)
    unknown = mapping == classes.size
    if unknown.any():
        raise ValueError(
            f"y contains labels {sorted(y_classes[unknown].tolist())} "
            f"unknown to the prefit estimator, whose classes are {list(classes)}."
        )
    if np.array_equal(mapping, np.arange(classes.size)):
        return codes
    return mapping[codes]


def _rule_codes(scores, rule):
    """Class codes given by a decision rule to ``scores``.

    ``rule`` is a threshold for binary (1-D) scores, code 1 iff the score is at
    least it, or offsets ``b`` for multiclass (2-D) scores, ``argmax_k(s_k + b_k)``.
    """
    if scores.ndim == 1:
        return (scores >= rule).astype(int)
    return np.argmax(scores + rule, axis=1)


def _check_weighted_classes(codes, sample_weight):
    """Error unless at least two classes (of these codes) keep a positive weight."""
    if sample_weight is None:
        return
    if np.unique(codes[sample_weight > 0]).size < 2:
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


def _ascending_cv_results(result):
    """Binary ``cv_results_``: the curves at increasing thresholds, and where
    the constraints hold.

    The decreasing cut points of the search (``inf`` first) are reversed, and the
    chosen threshold is inserted with the values of the step it lies on, so that
    linear interpolation at ``result.threshold`` gives the score there.
    """
    thresholds = result.thresholds
    step = np.count_nonzero(thresholds >= result.threshold) - 1
    at_best = np.r_[: step + 1, step, step + 1 : thresholds.size]
    keep = at_best[1:][::-1]
    grid = np.r_[thresholds[: step + 1], result.threshold, thresholds[step + 1 :]]
    return {
        "thresholds": grid[1:][::-1],
        "scores": result.scores[keep],
        "fold_scores": result.fold_curve_scores[:, keep],
        "tpr": result.tpr[keep],
        "tnr": result.tnr[keep],
        "positive_rate": result.positive_rate[keep],
        "feasible": result.feasible[keep],
    }


class BalancedThresholdClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Classifier with a decision rule cross-validated for balanced accuracy.

    For binary targets, the rule is "predict ``classes_[1]`` iff the score is at
    least ``best_threshold_``", where the threshold maximises the mean balanced
    accuracy over the validation folds, exactly: every distinct validation score
    is a candidate cut point (no grid), and the threshold is placed in the middle
    of the best plateau, between two observed scores. For multiclass targets, the
    rule is ``argmax_k(s_k(x) + b_k)`` on log-probabilities or decision values;
    the offsets ``b`` start at the logit adjustment ``-log(class prior)`` and are
    improved by exact coordinate ascent on the mean validation balanced accuracy.

    The rule can be constrained: ``min_recall`` keeps the mean validation recall
    of some classes above floors (a screening test that must find 95% of the
    sick), ``max_positive_rate`` keeps the mean fraction of samples predicted
    positive below a budget (fraud alerts an investigation team can handle).
    The best rule meeting the constraints on the means over the folds is chosen,
    exactly for binary targets, by a local search for multiclass targets (see
    :func:`tune_offsets`).

    Parameters and attributes mirror
    :class:`sklearn.model_selection.TunedThresholdClassifierCV` with
    ``scoring="balanced_accuracy"``. Like every scikit-learn classifier, its
    ``score`` method returns the mean accuracy of ``predict``; pass
    ``scoring="balanced_accuracy"`` (or
    :data:`~sklearn_balanced.balanced_accuracy_scorer`) to model selection tools
    to select on balanced accuracy.

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

    min_recall : dict or None, default=None
        Floors ``{label: floor}`` on the mean validation recall of some classes,
        keyed by labels of ``y``, floors in [0, 1]. For a binary target, a floor
        on ``classes_[1]`` is one on the true positive rate, on ``classes_[0]``
        one on the true negative rate.

    max_positive_rate : float in (0, 1] or None, default=None
        Binary targets only: the largest mean fraction of the (weighted)
        validation samples predicted ``classes_[1]``.

    min_improvement_se : float >= 0, default=2.0
        Multiclass targets only: a step of the offset search is taken only
        where it improves the mean validation balanced accuracy by more than
        this many standard errors (see :func:`tune_offsets`). 0 is the exact
        coordinate ascent, which with many small classes fits the noise of the
        validation folds and loses to the logit adjustment it starts from on
        held-out data (``benchmarks/bench_threshold.py``: 50 and 200 classes).
        The default, 2, keeps the offsets at the logit adjustment unless the
        validation folds give clear evidence for a move.

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
        on that fold alone, under the same constraints: their spread shows how
        stable the rule is. NaN where a fold alone cannot meet the constraints.

    fold_scores_ : ndarray of shape (n_folds,)
        Each fold's balanced accuracy at its own best threshold or offsets
        (NaN where those are NaN).

    cv_results_ : dict of ndarray
        Only with ``store_cv_results=True``. Binary, with the keys of
        :class:`~sklearn.model_selection.TunedThresholdClassifierCV`:
        ``"thresholds"`` (in increasing order: every distinct validation score
        and ``best_threshold_``) and ``"scores"`` (mean balanced accuracy over the
        folds of the rule "positive iff score >= threshold"), so that
        ``np.interp(best_threshold_, cv_results_["thresholds"],
        cv_results_["scores"])`` is ``best_score_``; plus ``"fold_scores"`` (of
        shape (n_folds, n_thresholds)), ``"tpr"`` and ``"tnr"`` (mean true
        positive and true negative rates over folds), ``"positive_rate"`` (mean
        fraction predicted positive) and ``"feasible"`` (whether the rule meets
        ``min_recall`` and ``max_positive_rate`` on these means; all True
        without constraints) at the same thresholds. Multiclass:
        ``"offsets"`` (the starting offsets followed by those after each
        accepted step) and ``"scores"`` (mean balanced accuracy along them).

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
        "response_method": [StrOptions({"auto", *RESPONSE_METHODS})],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "store_cv_results": ["boolean"],
        "tie_break": [StrOptions(set(TIE_BREAKS))],
        "min_recall": [dict, None],
        "max_positive_rate": [Interval(Real, 0.0, 1.0, closed="right"), None],
        "min_improvement_se": [Interval(Real, 0.0, None, closed="left")],
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
        min_recall=None,
        max_positive_rate=None,
        min_improvement_se=2.0,
    ):
        self.estimator = estimator
        self.response_method = response_method
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.store_cv_results = store_cv_results
        self.tie_break = tie_break
        self.min_recall = min_recall
        self.max_positive_rate = max_positive_rate
        self.min_improvement_se = min_improvement_se

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
        y, classes, codes = self._check_target(y)
        # The tuning objective and the class prior only use ratios of sums of
        # weights: in units of a power of two, no sum overflows or underflows.
        weight, _ = check_scaled_sample_weight(sample_weight, y.shape[0])
        _check_weighted_classes(codes, weight)
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
            y_classes, classes = classes, np.asarray(self.estimator.classes_)
            codes = _prefit_codes(codes, y_classes, classes)
        self._check_constraints(classes)
        response_method = resolve_response_method(self.estimator, self.response_method)
        if cv == "prefit":
            # All of X validates; a slice takes no copy of the codes and weights.
            splits = [(None, slice(None))]
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

    def _check_constraints(self, classes):
        """Errors for constraints that do not fit the classes, before fitting."""
        _check_min_recall(self.min_recall, classes)
        if self.max_positive_rate is not None and classes.size > 2:
            raise ValueError(
                "max_positive_rate is only defined for binary targets; y has "
                f"{classes.size} classes. Use min_recall to constrain a "
                "multiclass rule."
            )

    @staticmethod
    def _check_target(y):
        """Validated 1-D binary or multiclass ``y``, its sorted classes and the
        code (class index) of each label.

        A 1-D array of integers is always a binary or multiclass target, so the
        costly :func:`~sklearn.utils.multiclass.type_of_target` (which sorts
        the labels) only runs for other inputs.
        """
        if not (type(y) is np.ndarray and y.ndim == 1 and y.dtype.kind in "iu"):
            target_type = type_of_target(y, input_name="y")
            if target_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"Unknown label type: {target_type!r}. y must be a binary or "
                    "multiclass target for BalancedThresholdClassifier."
                )
            y = column_or_1d(y, warn=True)
        classes, codes = encode(y)
        if classes.size < 2:
            raise ValueError(
                "y must contain at least 2 classes to tune a decision rule; got "
                "only one class."
            )
        return y, classes, codes

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
        """Mean over folds of the balanced accuracy of the decision ``rule``
        (a threshold or offsets, see ``_rule_codes``)."""
        return float(
            np.mean(
                [
                    balanced_accuracy_score(
                        codes, _rule_codes(scores, rule), sample_weight=weight
                    )
                    for codes, scores, weight in folds
                ]
            )
        )

    def _tune_binary(self, folds):
        codes, scores, weights = zip(*folds, strict=True)
        weights = None if weights[0] is None else list(weights)
        result = _tune_threshold(
            [fold_codes == 1 for fold_codes in codes],
            list(scores),
            sample_weight=weights,
            tie_break=self.tie_break,
            min_recall=self.min_recall,
            max_positive_rate=self.max_positive_rate,
            labels=self.classes_,
        )
        self.best_threshold_ = result.threshold
        self.fold_thresholds_ = result.fold_thresholds
        at_best = [self._cv_score([fold], result.threshold) for fold in folds]
        self.best_score_ = float(np.mean(at_best))
        self.fold_scores_ = np.array(
            [
                np.nan
                if np.isnan(threshold)
                else score
                if threshold == result.threshold
                else self._cv_score([fold], threshold)
                for fold, threshold, score in zip(
                    folds, result.fold_thresholds, at_best, strict=True
                )
            ]
        )
        if self.store_cv_results:
            self.cv_results_ = _ascending_cv_results(result)

    def _tune_multiclass(self, folds, codes, weight):
        initial = _logit_adjustment(codes, weight, self.classes_.size)
        codes_list, scores_list, weights = (
            list(part) for part in zip(*folds, strict=True)
        )
        weights = None if weights[0] is None else weights
        result = self._search_offsets(codes_list, scores_list, weights, initial)
        fold_offsets = np.array([self._fold_offsets(fold, initial) for fold in folds])
        self.best_offsets_ = result.offsets
        self.fold_thresholds_ = fold_offsets
        self.best_score_ = self._cv_score(folds, result.offsets)
        self.initial_score_ = self._cv_score(folds, initial)
        self.fold_scores_ = np.array(
            [
                np.nan if np.isnan(b).any() else self._cv_score([fold], b)
                for fold, b in zip(folds, fold_offsets, strict=True)
            ]
        )
        if self.store_cv_results:
            self.cv_results_ = {
                "offsets": result.path_offsets,
                "scores": result.path_scores,
            }

    def _search_offsets(self, codes, scores, weights, initial):
        return _tune_offsets(
            codes,
            scores,
            sample_weight=weights,
            offsets=initial,
            tie_break=self.tie_break,
            max_iter=100,
            min_recall=self.min_recall,
            min_improvement_se=self.min_improvement_se,
            labels=self.classes_,
        )

    def _fold_offsets(self, fold, initial):
        """One fold's own offsets; NaN when it alone cannot meet min_recall."""
        try:
            return self._search_offsets(*fold, initial).offsets
        except _InfeasibleError:
            return np.full(self.classes_.size, np.nan)

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
        scores = response_scores(
            self.estimator_, X, self._response_method, self.classes_.size
        )
        rule = self.best_threshold_ if self.classes_.size == 2 else self.best_offsets_
        return self.classes_[_rule_codes(scores, rule)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of ``estimator_``, unchanged by the tuned rule.

        Delegates unchanged to ``estimator_.predict_proba``: the tuned rule only
        changes :meth:`predict`, and the probabilities are calibrated to whatever
        prior ``estimator_`` gives them (for a
        :class:`~sklearn_balanced.linear_model.BalancedLogisticRegression`, its
        ``proba_prior``).

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
