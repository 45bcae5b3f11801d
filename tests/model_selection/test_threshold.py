"""BalancedThresholdClassifier: exactness, scikit-learn conventions and errors."""

import re
import warnings

import numpy as np
import pytest
import sklearn
from joblib import parallel_backend
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression, RidgeClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_validate,
    train_test_split,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_balanced import (
    BalancedThresholdClassifier,
    balanced_accuracy_score,
    balanced_accuracy_scorer,
    make_balanced_accuracy_scorer,
)

_TUNED_PREDICT = (
    "predict applies the tuned threshold, so it deliberately differs from "
    "thresholding predict_proba at 0.5 or decision_function at 0 (the same "
    "exception scikit-learn makes for TunedThresholdClassifierCV)."
)


def _expected_failed_checks(estimator):
    return {"check_classifiers_train": _TUNED_PREDICT}


def _listed(mark):
    """The mark of ``parametrize_with_checks`` with its checks in a list.

    scikit-learn 1.6 passes a generator, which pytest 9 deprecates.
    """
    names, values = mark.args
    return pytest.mark.parametrize(names, list(values), **mark.kwargs)


@_listed(
    parametrize_with_checks(
        [
            BalancedThresholdClassifier(LogisticRegression()),
            BalancedThresholdClassifier(RidgeClassifier()),
        ],
        expected_failed_checks=_expected_failed_checks,
    )
)
def test_scikit_learn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        # Tiny check datasets leave classes out of some validation folds.
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        check(estimator)


@pytest.fixture(scope="module")
def imbalanced():
    X, y = make_classification(
        n_samples=600, weights=[0.9], class_sep=0.5, flip_y=0.02, random_state=0
    )
    return X, y


def _fold_scores(estimator, X, y, cv, sample_weight=None):
    """Validation labels, scores and weights of each fold, fitted by hand."""
    folds = []
    for train, val in cv.split(X, y):
        fitted = clone(estimator).fit(X[train], y[train])
        scores = fitted.predict_proba(X[val])[:, 1]
        weight = None if sample_weight is None else sample_weight[val]
        folds.append((y[val], scores, weight))
    return folds


def _mean_ba(folds, threshold, classes=(0, 1)):
    return np.mean(
        [
            balanced_accuracy_score(
                y, np.where(s >= threshold, classes[1], classes[0]), sample_weight=w
            )
            for y, s, w in folds
        ]
    )


def test_binary_threshold_is_the_exact_cross_validated_optimum(imbalanced):
    X, y = imbalanced
    cv = StratifiedKFold(5)
    clf = BalancedThresholdClassifier(
        LogisticRegression(), cv=cv, store_cv_results=True
    ).fit(X, y)
    folds = _fold_scores(LogisticRegression(), X, y, cv)
    candidates = np.unique(np.concatenate([s for _, s, _ in folds]))
    brute = [_mean_ba(folds, t) for t in candidates]
    assert clf.best_score_ == pytest.approx(max(brute), abs=1e-12)
    assert _mean_ba(folds, clf.best_threshold_) == pytest.approx(clf.best_score_)
    assert clf.best_threshold_ not in candidates
    for fold, threshold, score in zip(
        folds, clf.fold_thresholds_, clf.fold_scores_, strict=True
    ):
        own = max(_mean_ba([fold], t) for t in fold[1])
        assert score == pytest.approx(own)
        assert _mean_ba([fold], threshold) == pytest.approx(score)
    results = clf.cv_results_
    assert set(results) == {
        "thresholds",
        "scores",
        "fold_scores",
        "tpr",
        "tnr",
        "positive_rate",
        "feasible",
    }
    assert results["feasible"].dtype == bool
    assert results["feasible"].all()
    grid = np.sort(np.r_[candidates, clf.best_threshold_])
    np.testing.assert_array_equal(results["thresholds"], grid)
    assert results["fold_scores"].shape == (5, grid.size)
    assert np.interp(
        clf.best_threshold_, results["thresholds"], results["scores"]
    ) == pytest.approx(clf.best_score_, abs=1e-12)
    for threshold, score, rate in zip(
        results["thresholds"], results["scores"], results["positive_rate"], strict=True
    ):
        assert _mean_ba(folds, threshold) == pytest.approx(score, abs=1e-12)
        expected_rate = np.mean([np.mean(s >= threshold) for _, s, _ in folds])
        assert rate == pytest.approx(expected_rate, abs=1e-12)
    np.testing.assert_allclose(results["scores"], results["fold_scores"].mean(axis=0))
    np.testing.assert_allclose(
        results["scores"], (results["tpr"] + results["tnr"]) / 2, atol=1e-12
    )
    refit = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(clf.estimator_.coef_, refit.coef_)
    expected = (refit.predict_proba(X)[:, 1] >= clf.best_threshold_).astype(int)
    np.testing.assert_array_equal(clf.predict(X), expected)


def test_at_least_as_good_as_tuned_threshold_classifier_cv(imbalanced):
    X, y = imbalanced
    cv = StratifiedKFold(5)
    ours = BalancedThresholdClassifier(LogisticRegression(), cv=cv).fit(X, y)
    anchor = TunedThresholdClassifierCV(
        LogisticRegression(), scoring="balanced_accuracy", cv=cv
    ).fit(X, y)
    folds = _fold_scores(LogisticRegression(), X, y, cv)
    assert ours.best_score_ >= _mean_ba(folds, anchor.best_threshold_) - 1e-12


@pytest.mark.parametrize(
    "labels", [("neg", "pos"), ("pos", "neg"), (-1, 1), (5, 2), (True, False)]
)
def test_any_label_type_and_order(imbalanced, labels):
    X, y = imbalanced
    y_labels = np.where(y == 1, labels[1], labels[0])
    clf = BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(X, y_labels)
    np.testing.assert_array_equal(clf.classes_, np.unique(y_labels))
    positive = clf.predict_proba(X)[:, 1] >= clf.best_threshold_
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[positive.astype(int)])
    assert set(np.unique(clf.predict(X))) <= set(clf.classes_.tolist())


def test_decision_function_estimator(imbalanced):
    X, y = imbalanced
    clf = BalancedThresholdClassifier(LinearSVC(), cv=3).fit(X, y)
    assert not hasattr(clf, "predict_proba")
    scores = clf.decision_function(X)
    np.testing.assert_allclose(scores, clf.estimator_.decision_function(X))
    np.testing.assert_array_equal(
        clf.predict(X), (scores >= clf.best_threshold_).astype(int)
    )
    auto = BalancedThresholdClassifier(
        LogisticRegression(), response_method="decision_function", cv=3
    ).fit(X, y)
    np.testing.assert_array_equal(
        auto.predict(X), (auto.decision_function(X) >= auto.best_threshold_)
    )
    assert abs(auto.best_threshold_) < 10


def test_delegated_methods(imbalanced):
    X, y = imbalanced
    clf = BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), clf.estimator_.predict_proba(X))
    np.testing.assert_allclose(
        clf.predict_log_proba(X), clf.estimator_.predict_log_proba(X)
    )
    nb = BalancedThresholdClassifier(GaussianNB())
    assert not hasattr(nb, "decision_function")
    assert hasattr(nb, "predict_proba")
    assert clf.score(X, y) == pytest.approx(accuracy_score(y, clf.predict(X)))
    with pytest.raises(NotFittedError):
        BalancedThresholdClassifier(LogisticRegression()).predict_proba(X)


def test_prefit_and_single_split(imbalanced):
    X, y = imbalanced
    X_fit, X_tune, y_fit, y_tune = train_test_split(X, y, stratify=y, random_state=0)
    prefit = LogisticRegression().fit(X_fit, y_fit)
    clf = BalancedThresholdClassifier(prefit, cv="prefit", refit=False)
    clf.fit(X_tune, y_tune)
    assert clf.estimator_ is prefit
    assert clf.fold_thresholds_.shape == (1,)
    curve_best = max(
        _mean_ba([(y_tune, prefit.predict_proba(X_tune)[:, 1], None)], t)
        for t in prefit.predict_proba(X_tune)[:, 1]
    )
    assert clf.best_score_ == pytest.approx(curve_best)

    split = BalancedThresholdClassifier(
        LogisticRegression(), cv=0.25, refit=False, random_state=0
    ).fit(X, y)
    assert split.fold_scores_.shape == (1,)
    assert split.best_score_ == pytest.approx(split.fold_scores_[0])
    full = LogisticRegression().fit(X, y)
    assert not np.allclose(split.estimator_.coef_, full.coef_)
    again = BalancedThresholdClassifier(
        LogisticRegression(), cv=0.25, refit=False, random_state=0
    ).fit(X, y)
    assert again.best_threshold_ == split.best_threshold_


def test_sample_weight_equals_repetition_with_prefit(imbalanced):
    X, y = imbalanced
    prefit = LogisticRegression().fit(X[::2], y[::2])
    rng = np.random.default_rng(0)
    weight = rng.integers(0, 4, size=y.size)
    weighted = BalancedThresholdClassifier(prefit, cv="prefit", refit=False).fit(
        X, y, sample_weight=weight
    )
    repeated = BalancedThresholdClassifier(prefit, cv="prefit", refit=False).fit(
        np.repeat(X, weight, axis=0), np.repeat(y, weight)
    )
    assert weighted.best_score_ == pytest.approx(repeated.best_score_)
    assert weighted.best_threshold_ == pytest.approx(repeated.best_threshold_)
    unweighted = BalancedThresholdClassifier(prefit, cv="prefit", refit=False).fit(X, y)
    assert unweighted.best_score_ != pytest.approx(weighted.best_score_)


def test_sample_weight_reaches_the_estimator_and_the_objective(imbalanced):
    X, y = imbalanced
    weight = np.linspace(0.5, 2.0, y.size)
    original = weight.copy()
    clf = BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(
        X, y, sample_weight=weight
    )
    np.testing.assert_array_equal(weight, original)
    direct = LogisticRegression().fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(clf.estimator_.coef_, direct.coef_)
    with pytest.warns(UserWarning, match="does not accept sample_weight"):
        BalancedThresholdClassifier(KNeighborsClassifier(), cv=3).fit(
            X, y, sample_weight=weight
        )


def test_metadata_routing(imbalanced):
    X, y = imbalanced
    weight = np.linspace(0.5, 2.0, y.size)
    groups = np.arange(y.size) % 7
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = LogisticRegression().set_fit_request(sample_weight=True)
        clf = BalancedThresholdClassifier(estimator, cv=GroupKFold(3))
        clf.fit(X, y, sample_weight=weight, groups=groups)
        direct = LogisticRegression().fit(X, y, sample_weight=weight)
        np.testing.assert_allclose(clf.estimator_.coef_, direct.coef_)
        unweighted = LogisticRegression().set_fit_request(sample_weight=False)
        objective_only = BalancedThresholdClassifier(unweighted, cv=GroupKFold(3))
        objective_only.fit(X, y, sample_weight=weight, groups=groups)
        plain = LogisticRegression().fit(X, y)
        np.testing.assert_allclose(objective_only.estimator_.coef_, plain.coef_)
        with pytest.raises(Exception, match="sample_weight"):
            BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(
                X, y, sample_weight=weight
            )
        grouped_only = BalancedThresholdClassifier(
            LogisticRegression(), cv=GroupKFold(3)
        )
        grouped_only.fit(X, y, groups=groups)
        np.testing.assert_allclose(grouped_only.estimator_.coef_, plain.coef_)
        routing = clf.get_metadata_routing()
        assert "estimator" in str(routing)
        assert "splitter" in str(routing)
        # Nested in a search, the classifier itself requests sample_weight.
        search = GridSearchCV(
            BalancedThresholdClassifier(estimator, cv=3).set_fit_request(
                sample_weight=True
            ),
            {"estimator__C": [0.1, 1.0]},
            scoring=make_balanced_accuracy_scorer().set_score_request(
                sample_weight=True
            ),
            cv=2,
        )
        search.fit(X, y, sample_weight=weight)
        assert search.best_params_["estimator__C"] in (0.1, 1.0)
    with pytest.raises(ValueError, match="needs metadata routing"):
        BalancedThresholdClassifier(LogisticRegression()).fit(X, y, groups=groups)


def test_meta_estimator_integration(imbalanced):
    X, y = imbalanced
    pipe = make_pipeline(
        StandardScaler(), BalancedThresholdClassifier(LogisticRegression(), cv=3)
    )
    pipe.fit(X, y)
    assert pipe.predict(X).shape == y.shape
    wrapped = BalancedThresholdClassifier(
        make_pipeline(StandardScaler(), LogisticRegression()), cv=3
    ).fit(X, y)
    assert wrapped.n_features_in_ == X.shape[1]
    search = GridSearchCV(
        BalancedThresholdClassifier(LogisticRegression(), cv=2),
        {"estimator__C": [0.01, 1.0]},
        scoring=balanced_accuracy_scorer,
        cv=2,
    ).fit(X, y)
    best_c = search.best_params_["estimator__C"]
    assert best_c == search.best_estimator_.estimator_.C
    result = cross_validate(
        BalancedThresholdClassifier(LogisticRegression(), cv=3),
        X,
        y,
        cv=3,
        scoring=balanced_accuracy_scorer,
    )
    plain = cross_validate(
        LogisticRegression(), X, y, cv=3, scoring=balanced_accuracy_scorer
    )
    assert result["test_score"].mean() > plain["test_score"].mean()


def test_params_clone_repr_and_tags():
    clf = BalancedThresholdClassifier(LogisticRegression(C=2.0), tie_break="lowest")
    params = clf.get_params(deep=True)
    assert params["estimator__C"] == 2.0
    assert params["tie_break"] == "lowest"
    clf.set_params(estimator__C=0.5)
    assert clf.estimator.C == 0.5
    copy = clone(clf)
    assert copy.estimator is not clf.estimator
    assert copy.estimator.C == 0.5
    html = clf._repr_html_()
    assert "LogisticRegression" in html
    assert "BalancedThresholdClassifier" in html
    tags = clf.__sklearn_tags__()
    assert tags.input_tags.sparse
    assert tags.estimator_type == "classifier"
    assert (
        not BalancedThresholdClassifier(GaussianNB())
        .__sklearn_tags__()
        .input_tags.sparse
    )


def test_parallel_folds_match_sequential(imbalanced):
    X, y = imbalanced
    sequential = BalancedThresholdClassifier(LogisticRegression(), n_jobs=1).fit(X, y)
    with parallel_backend("threading", n_jobs=2):
        parallel = BalancedThresholdClassifier(LogisticRegression(), n_jobs=2).fit(X, y)
    assert parallel.best_threshold_ == sequential.best_threshold_
    np.testing.assert_array_equal(parallel.fold_scores_, sequential.fold_scores_)


def test_pandas_feature_names(imbalanced):
    pd = pytest.importorskip("pandas")
    X, y = imbalanced
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    assert clf.n_features_in_ == X.shape[1]


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(
        n_samples=3000,
        n_classes=4,
        n_informative=5,
        n_redundant=0,
        weights=[0.75, 0.15, 0.07, 0.03],
        class_sep=0.8,
        random_state=0,
    )
    return train_test_split(X, y, stratify=y, test_size=0.5, random_state=0)


def test_multiclass_offsets_beat_argmax_on_held_out_data(multiclass):
    X_train, X_test, y_train, y_test = multiclass
    plain = LogisticRegression().fit(X_train, y_train)
    clf = BalancedThresholdClassifier(
        LogisticRegression(), min_improvement_se=0.0, store_cv_results=True
    )
    clf.fit(X_train, y_train)
    plain_ba = balanced_accuracy_score(y_test, plain.predict(X_test))
    tuned_ba = balanced_accuracy_score(y_test, clf.predict(X_test))
    assert tuned_ba > plain_ba + 0.05
    assert not hasattr(clf, "best_threshold_")
    assert clf.best_offsets_.shape == (4,)
    assert clf.best_offsets_[0] == 0
    assert clf.best_score_ >= clf.initial_score_
    assert clf.fold_thresholds_.shape == (5, 4)
    assert clf.fold_scores_.shape == (5,)
    log_proba = np.log(clf.predict_proba(X_test))
    np.testing.assert_array_equal(
        clf.predict(X_test), np.argmax(log_proba + clf.best_offsets_, axis=1)
    )
    np.testing.assert_allclose(clf.cv_results_["scores"][-1], clf.best_score_)
    np.testing.assert_allclose(clf.cv_results_["offsets"][-1], clf.best_offsets_)
    cautious = BalancedThresholdClassifier(
        LogisticRegression(), store_cv_results=True
    ).fit(X_train, y_train)
    assert cautious.min_improvement_se == 2.0
    assert cautious.initial_score_ == pytest.approx(clf.initial_score_)
    assert cautious.initial_score_ <= cautious.best_score_ <= clf.best_score_
    assert (
        cautious.cv_results_["offsets"].shape[0] < clf.cv_results_["offsets"].shape[0]
    )


def test_multiclass_scores_match_the_metric_per_fold(multiclass):
    X_train, _, y_train, _ = multiclass
    cv = StratifiedKFold(3)
    clf = BalancedThresholdClassifier(LogisticRegression(), cv=cv).fit(X_train, y_train)
    prior = np.bincount(y_train) / y_train.size
    initial = -np.log(prior) + np.log(prior[0])
    tuned, start, own = [], [], []
    for (train, val), offsets in zip(
        cv.split(X_train, y_train), clf.fold_thresholds_, strict=True
    ):
        fitted = LogisticRegression().fit(X_train[train], y_train[train])
        log_proba = np.log(fitted.predict_proba(X_train[val]))
        y_val = y_train[val]
        tuned.append(
            balanced_accuracy_score(
                y_val, np.argmax(log_proba + clf.best_offsets_, axis=1)
            )
        )
        start.append(
            balanced_accuracy_score(y_val, np.argmax(log_proba + initial, axis=1))
        )
        own.append(
            balanced_accuracy_score(y_val, np.argmax(log_proba + offsets, axis=1))
        )
    assert clf.best_score_ == pytest.approx(np.mean(tuned))
    assert clf.initial_score_ == pytest.approx(np.mean(start))
    np.testing.assert_allclose(clf.fold_scores_, own)


def test_multiclass_decision_function_and_strings(multiclass):
    X_train, _, y_train, _ = multiclass
    names = np.array(["w", "x", "y", "z"])[y_train]
    clf = BalancedThresholdClassifier(LinearSVC(), cv=3).fit(X_train, names)
    np.testing.assert_array_equal(clf.classes_, ["w", "x", "y", "z"])
    decision = clf.decision_function(X_train)
    np.testing.assert_array_equal(
        clf.predict(X_train), clf.classes_[np.argmax(decision + clf.best_offsets_, 1)]
    )


def test_prefit_multiclass_with_a_class_missing_from_the_tuning_data(multiclass):
    X_train, X_test, y_train, y_test = multiclass
    prefit = LogisticRegression().fit(X_train, y_train)
    keep = y_test != 3
    clf = BalancedThresholdClassifier(prefit, cv="prefit", refit=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        clf.fit(X_test[keep], y_test[keep])
    assert clf.classes_.size == 4
    assert set(np.unique(clf.predict(X_test[keep]))) <= {0, 1, 2, 3}


def _error_cases():
    X, y = make_classification(n_samples=60, random_state=0)
    return X, y


@pytest.mark.parametrize(
    ("estimator", "params", "target", "error", "message"),
    [
        (
            LogisticRegression(),
            {"cv": "prefit", "refit": False},
            None,
            NotFittedError,
            "When cv='prefit', estimator must be fitted",
        ),
        (
            LogisticRegression(),
            {"cv": "prefit"},
            None,
            ValueError,
            "refit cannot be True",
        ),
        (
            LogisticRegression(),
            {"refit": False},
            None,
            ValueError,
            "refit cannot be False",
        ),
        (LinearRegression(), {}, None, ValueError, "'estimator' parameter"),
        (
            LinearSVC(),
            {"response_method": "predict_proba"},
            None,
            ValueError,
            "response_method='predict_proba' needs an estimator implementing",
        ),
        (LogisticRegression(), {"cv": 1.5}, None, ValueError, "'cv' parameter"),
        (LogisticRegression(), {"tie_break": "first"}, None, ValueError, "'tie_break'"),
        (
            LogisticRegression(),
            {"min_improvement_se": -1.0},
            None,
            ValueError,
            "'min_improvement_se'",
        ),
        (LogisticRegression(), {}, "continuous", ValueError, "Unknown label type"),
        (LogisticRegression(), {}, "multilabel", ValueError, "Unknown label type"),
        (LogisticRegression(), {}, "one class", ValueError, "at least 2 classes"),
        (DummyClassifier(), {"cv": 3}, None, ValueError, "constant predictions"),
        (
            DummyClassifier(),
            {"cv": 3},
            "four classes",
            ValueError,
            "constant predictions",
        ),
        (
            SVC(decision_function_shape="ovo"),
            {"cv": 2},
            "four classes",
            ValueError,
            "one-vs-one decision functions are not supported",
        ),
    ],
)
def test_errors(estimator, params, target, error, message):
    X, y = _error_cases()
    if target == "continuous":
        y = np.linspace(0, 1, y.size)
    elif target == "multilabel":
        y = np.column_stack([y, 1 - y])
    elif target == "one class":
        y = np.zeros_like(y)
    elif target == "four classes":
        y = np.arange(y.size) % 4
    clf = BalancedThresholdClassifier(estimator, **params)
    with pytest.raises(error, match=re.escape(message) if "(" in message else message):
        clf.fit(X, y)


class _NaNProbabilities(LogisticRegression):
    """A classifier whose probabilities contain NaN."""

    def predict_proba(self, X):
        proba = super().predict_proba(X)
        proba[0] = np.nan
        return proba


def test_non_finite_scores_are_an_error():
    X, y = _error_cases()
    with pytest.raises(ValueError, match="returned NaN or infinite scores"):
        BalancedThresholdClassifier(_NaNProbabilities(), cv=3).fit(X, y)


def test_errors_from_folds_and_labels():
    X, y = _error_cases()
    # A training fold without class 2: its model cannot score that class.
    y3 = np.arange(y.size) % 3
    splits = [(np.flatnonzero(y3 != 2), np.arange(y.size))]
    with pytest.raises(ValueError, match="A training fold holds the classes"):
        BalancedThresholdClassifier(LogisticRegression(), cv=splits, refit=False).fit(
            X, y3
        )
    prefit = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"y contains labels \[7\] unknown"):
        BalancedThresholdClassifier(prefit, cv="prefit", refit=False).fit(
            X, np.where(y == 1, 7, 0)
        )
    with pytest.raises(ValueError, match="all samples but those of one class"):
        BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(
            X, y, sample_weight=(y == 1).astype(float)
        )
