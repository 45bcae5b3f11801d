"""Constrained tuning: recall floors and a positive-rate budget on the CV means."""

import re
import warnings

import matplotlib
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_balanced import BalancedThresholdClassifier, balanced_accuracy_score
from sklearn_balanced.metrics import BalancedAccuracyCurveDisplay
from sklearn_balanced.model_selection import tune_offsets, tune_threshold

matplotlib.use("Agg")

SETTINGS = settings(derandomize=True, deadline=None, max_examples=80)


def _quiet_ba(y, y_pred, sample_weight=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return balanced_accuracy_score(y, y_pred, sample_weight=sample_weight)


def _rates(y, predicted, weight):
    """Recall of class 0 and 1 (NaN without samples) and the positive rate."""
    w = np.ones(y.size) if weight is None else weight
    recalls = [
        np.sum(w[(y == c) & (predicted == c)]) / w[y == c].sum()
        if w[y == c].sum() > 0
        else np.nan
        for c in (0, 1)
    ]
    return recalls[0], recalls[1], np.sum(w[predicted == 1]) / w.sum()


def _brute_force(folds, threshold):
    """Mean BA, mean recalls of class 0 and 1 and mean positive rate."""
    rows = []
    for y, s, w in folds:
        predicted = (s >= threshold).astype(int)
        rows.append((_quiet_ba(y, predicted, w), *_rates(y, predicted, w)))
    rows = np.array(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return rows[:, 0].mean(), *np.nanmean(rows[:, 1:3], axis=0), rows[:, 3].mean()


def _meets(values, min_recall, max_positive_rate, tol=1e-12):
    _, tnr, tpr, rate = values
    recall = {0: tnr, 1: tpr}
    ok = all(np.isnan(recall[c]) or recall[c] >= f - tol for c, f in min_recall.items())
    return ok and (max_positive_rate is None or rate <= max_positive_rate + tol)


@st.composite
def binary_problem(draw):
    n_folds = draw(st.integers(1, 3))
    folds = []
    for _ in range(n_folds):
        n = draw(st.integers(3, 12))
        y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
        s = np.array(draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))) / 4
        assume(np.unique(s).size > 1)
        folds.append((y, s, None))
    min_recall = draw(
        st.dictionaries(
            st.sampled_from([0, 1]),
            st.sampled_from([0.0, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0]),
            max_size=2,
        )
    )
    max_positive_rate = draw(st.sampled_from([None, 0.1, 0.3, 0.5, 0.8, 1.0]))
    return folds, min_recall, max_positive_rate


@SETTINGS
@given(binary_problem())
def test_tune_threshold_is_the_exact_constrained_optimum(problem):
    folds, min_recall, max_positive_rate = problem
    labels = [y for y, _, _ in folds]
    scores = [s for _, s, _ in folds]
    candidates = np.r_[np.inf, np.unique(np.concatenate(scores))]
    values = [_brute_force(folds, t) for t in candidates]
    feasible = [_meets(v, min_recall, max_positive_rate) for v in values]
    if not any(feasible):
        with pytest.raises(ValueError, match="cannot be met"):
            tune_threshold(
                labels,
                scores,
                min_recall=min_recall,
                max_positive_rate=max_positive_rate,
            )
        return
    result = tune_threshold(
        labels, scores, min_recall=min_recall, max_positive_rate=max_positive_rate
    )
    best = max(v[0] for v, ok in zip(values, feasible, strict=True) if ok)
    np.testing.assert_allclose(result.score, best, atol=1e-12)
    at_threshold = _brute_force(folds, result.threshold)
    np.testing.assert_allclose(at_threshold[0], result.score, atol=1e-12)
    assert _meets(at_threshold, min_recall, max_positive_rate)
    for t, ok, rate in zip(
        result.thresholds, result.feasible, result.positive_rate, strict=True
    ):
        values_t = _brute_force(folds, t)
        assert ok == _meets(values_t, min_recall, max_positive_rate)
        np.testing.assert_allclose(rate, values_t[3], atol=1e-12)


@settings(derandomize=True, deadline=None, max_examples=40)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([1e-13, 1e-6, 1e6, 1e13]),
    st.sampled_from([0.5, 0.8, 0.95]),
    st.sampled_from([None, 0.2, 0.4]),
)
def test_tune_threshold_constraints_are_invariant_to_scale(
    seed, factor, floor, max_positive_rate
):
    rng = np.random.default_rng(seed)
    y = rng.random(60) < 0.2
    s = rng.normal(size=60) + y
    assume(0 < y.sum() < y.size)
    kwargs = {"min_recall": {True: floor}, "max_positive_rate": max_positive_rate}
    try:
        reference = tune_threshold(y, s, **kwargs)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            tune_threshold(y, s * factor, **kwargs)
        return
    scaled = tune_threshold(y, s * factor, **kwargs)
    assert scaled.score == reference.score
    np.testing.assert_array_equal(scaled.feasible, reference.feasible)
    np.testing.assert_allclose(scaled.threshold, factor * reference.threshold)


@st.composite
def multiclass_problem(draw):
    n_classes = draw(st.integers(2, 4))
    folds = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(2 * n_classes, 14))
        codes = np.array(
            draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n))
        )
        assume(np.unique(codes).size >= 2)
        scores = np.array(
            draw(
                st.lists(
                    st.integers(-4, 4), min_size=n * n_classes, max_size=n * n_classes
                )
            ),
            dtype=float,
        ).reshape(n, n_classes)
        assume(np.ptp(scores, axis=0).max() > 0)
        folds.append((codes, scores / 2, None))
    floors = draw(
        st.dictionaries(
            st.integers(0, n_classes - 1),
            st.sampled_from([0.25, 0.5, 0.75, 1.0]),
            min_size=1,
            max_size=n_classes,
        )
    )
    return folds, floors


def _mean_recalls(folds, offsets):
    n_classes = folds[0][1].shape[1]
    recalls = np.full((len(folds), n_classes), np.nan)
    for f, (codes, s, _) in enumerate(folds):
        predicted = np.argmax(s + offsets, axis=1)
        for c in np.unique(codes):
            recalls[f, c] = np.mean(predicted[codes == c] == c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(recalls, axis=0)


def _mean_score(folds, offsets):
    return np.mean([_quiet_ba(c, np.argmax(s + offsets, axis=1)) for c, s, _ in folds])


def _meets_floors(folds, offsets, floors):
    recall = _mean_recalls(folds, offsets)
    return all(np.isnan(recall[c]) or recall[c] >= f - 1e-12 for c, f in floors.items())


def _tune_or_error(*args, **kwargs):
    """The result of tune_offsets and None, or None and the error message."""
    try:
        return tune_offsets(*args, **kwargs), None
    except ValueError as error:
        return None, str(error)


@settings(derandomize=True, deadline=None, max_examples=60)
@given(multiclass_problem())
def test_tune_offsets_meets_the_floors_and_is_coordinatewise_optimal(problem):
    folds, floors = problem
    codes = [c for c, _, _ in folds]
    scores = [s for _, s, _ in folds]
    result, message = _tune_or_error(codes, scores, min_recall=floors)
    if result is None:
        assert "was not met: the local search" in message
        return
    assert _meets_floors(folds, result.offsets, floors)
    np.testing.assert_allclose(result.score, _mean_score(folds, result.offsets))
    # Every step after the floors are met keeps them and improves the score.
    feasible_path = [_meets_floors(folds, b, floors) for b in result.path_offsets]
    first = feasible_path.index(True)
    assert all(feasible_path[first:])
    assert np.all(np.diff(result.path_scores[first:]) > 0)
    # No single offset moves to a value that keeps the floors and scores more.
    for k in range(scores[0].shape[1]):
        margins = []
        for s in scores:
            others = s + result.offsets
            others[:, k] = -np.inf
            margins.append(others.max(axis=1) - s[:, k])
        points = np.unique(np.concatenate(margins))
        for value in np.r_[
            points[0] - 1, (points[1:] + points[:-1]) / 2, points[-1] + 1
        ]:
            trial = result.offsets.copy()
            trial[k] = value
            if _meets_floors(folds, trial, floors):
                assert _mean_score(folds, trial) <= result.score + 1e-12


@settings(derandomize=True, deadline=None, max_examples=30)
@given(st.integers(0, 2**32 - 1), st.sampled_from([1e-13, 1e-6, 1e6, 1e13]))
def test_tune_offsets_floors_are_invariant_to_scale(seed, factor):
    rng = np.random.default_rng(seed)
    codes = rng.choice(4, size=80, p=[0.6, 0.2, 0.15, 0.05])
    assume(np.unique(codes).size == 4)
    scores = rng.normal(size=(80, 4)) + np.eye(4)[codes]
    floors = {3: 0.75, 1: 0.5}
    reference, message = _tune_or_error(codes, scores, min_recall=floors)
    scaled, scaled_message = _tune_or_error(codes, scores * factor, min_recall=floors)
    assert scaled_message == message
    if reference is None:
        return
    assert scaled.score == reference.score
    np.testing.assert_allclose(scaled.offsets, factor * reference.offsets, rtol=1e-9)


def test_tune_offsets_finds_floors_that_random_offsets_miss():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2, 3], [300, 80, 30, 10])
    scores = rng.normal(size=(y.size, 4)) + 1.2 * np.eye(4)[y]
    scores[:, 0] += 1.5
    floors = {0: 0.6, 1: 0.6, 2: 0.6, 3: 0.6}
    unconstrained = tune_offsets(y, scores)
    assert not _meets_floors([(y, scores, None)], unconstrained.offsets, floors)
    result = tune_offsets(y, scores, min_recall=floors)
    assert _meets_floors([(y, scores, None)], result.offsets, floors)
    assert result.score <= unconstrained.score


def test_infeasible_binary_constraints_name_the_best_reachable_value():
    y = np.array([0, 1, 0, 1, 1, 0, 0, 0])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.3, 0.2, 0.5, 0.6])
    message = (
        "min_recall={1: 1.0} cannot be met together with max_positive_rate=0.3: "
        "the highest mean recall of class 1 reachable is 0.3333."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        tune_threshold(y, s, min_recall={True: 1.0}, max_positive_rate=0.3)
    with pytest.raises(ValueError, match=r"min_recall=\{0: 1.0\} cannot be met"):
        tune_threshold(y, s, min_recall={0: 1.0, 1: 1.0})


def test_a_single_constraint_is_always_feasible_and_binds():
    y = np.array([0, 1, 0, 1, 1, 0, 0, 0])
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.3, 0.2, 0.5, 0.6])
    free = tune_threshold(y, s)
    floored = tune_threshold(y, s, min_recall={1: 1.0})
    budget = tune_threshold(y, s, max_positive_rate=0.25)
    assert floored.threshold == pytest.approx(0.25)
    assert np.mean(s >= budget.threshold) <= 0.25
    assert floored.score <= free.score
    assert budget.score <= free.score
    np.testing.assert_array_equal(
        floored.feasible, np.r_[[False] * (floored.thresholds.size - 3), [True] * 3]
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_recall": {1: 1.5}}, r"min_recall\[1\] must be a number in \[0, 1\]"),
        ({"min_recall": {1: -0.1}}, r"min_recall\[1\] must be a number in \[0, 1\]"),
        ({"min_recall": {1: "high"}}, r"min_recall\[1\] must be a number"),
        ({"min_recall": {1: True}}, r"min_recall\[1\] must be a number"),
        ({"min_recall": {2: 0.5}}, r"min_recall has keys \[2\] that are not classes"),
        ({"min_recall": [0.5]}, "min_recall must be a dict"),
        ({"max_positive_rate": 0.0}, r"max_positive_rate must be a number in \(0, 1\]"),
        ({"max_positive_rate": 1.2}, r"max_positive_rate must be a number in \(0, 1\]"),
        ({"max_positive_rate": "1%"}, "max_positive_rate must be a number"),
    ],
)
def test_tune_threshold_constraint_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tune_threshold([0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8], **kwargs)


@pytest.mark.parametrize(
    ("floors", "message"),
    [
        ({3: 0.5}, r"min_recall has keys \[3\] that are not classes; the classes are"),
        ({0: 2}, r"min_recall\[0\] must be a number in \[0, 1\]"),
    ],
)
def test_tune_offsets_constraint_errors(floors, message):
    scores = [[2.0, 1.0, 0.0], [2.0, 1.5, 0.0], [1.0, 0.0, 0.5], [2.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match=message):
        tune_offsets([0, 1, 2, 0], scores, min_recall=floors)


@pytest.fixture(scope="module")
def screening():
    X, y = make_classification(
        n_samples=1500, weights=[0.9], class_sep=0.6, flip_y=0.02, random_state=0
    )
    return X, np.where(y == 1, "sick", "healthy")


def _cv_folds(X, y, cv):
    folds = []
    for train, val in cv.split(X, y):
        model = LogisticRegression().fit(X[train], y[train])
        folds.append((y[val] == "sick", model.predict_proba(X[val])[:, 1]))
    return folds


def test_classifier_min_recall_by_label_on_the_cv_mean(screening):
    X, y = screening
    cv = StratifiedKFold(5)
    free = BalancedThresholdClassifier(LogisticRegression(), cv=cv).fit(X, y)
    clf = BalancedThresholdClassifier(
        LogisticRegression(), cv=cv, min_recall={"sick": 0.95}, store_cv_results=True
    ).fit(X, y)
    folds = _cv_folds(X, y, cv)
    mean_tpr = np.mean([np.mean(s[sick] >= clf.best_threshold_) for sick, s in folds])
    assert mean_tpr >= 0.95
    assert clf.best_threshold_ < free.best_threshold_
    assert clf.best_score_ <= free.best_score_
    results = clf.cv_results_
    assert np.interp(
        clf.best_threshold_, results["thresholds"], results["scores"]
    ) == pytest.approx(clf.best_score_, abs=1e-12)
    feasible = results["feasible"]
    assert feasible.dtype == bool
    assert feasible.any()
    assert not feasible.all()
    np.testing.assert_array_equal(feasible, results["tpr"] >= 0.95 - 1e-12)
    # The chosen threshold is the best of the feasible ones.
    assert clf.best_score_ == pytest.approx(results["scores"][feasible].max())


def test_classifier_alert_budget(screening):
    X, y = screening
    clf = BalancedThresholdClassifier(
        LogisticRegression(), max_positive_rate=0.05, store_cv_results=True
    ).fit(X, y)
    results = clf.cv_results_
    at_best = np.interp(
        clf.best_threshold_, results["thresholds"], results["positive_rate"]
    )
    assert at_best <= 0.05
    np.testing.assert_array_equal(
        results["feasible"], results["positive_rate"] <= 0.05 + 1e-12
    )


def test_classifier_multiclass_min_recall():
    X, y = make_classification(
        n_samples=1200,
        n_classes=4,
        n_informative=5,
        weights=[0.7, 0.15, 0.1, 0.05],
        class_sep=0.7,
        random_state=0,
    )
    names = np.array(["a", "b", "c", "d"])[y]
    cv = StratifiedKFold(3)
    clf = BalancedThresholdClassifier(
        LogisticRegression(), cv=cv, min_recall={"d": 0.9}, store_cv_results=True
    ).fit(X, names)
    recalls = []
    for train, val in cv.split(X, names):
        model = LogisticRegression().fit(X[train], names[train])
        predicted = np.argmax(model.predict_log_proba(X[val]) + clf.best_offsets_, 1)
        recalls.append(np.mean(predicted[names[val] == "d"] == 3))
    assert np.mean(recalls) >= 0.9
    assert clf.fold_thresholds_.shape == (3, 4)


def test_fold_diagnostics_are_nan_when_a_fold_alone_cannot_meet_them():
    # The second fold's only positive scores below every negative: alone, it
    # cannot find it while flagging at most 30% of its samples; the mean can.
    y = [np.array([0, 0, 0, 0, 1, 1]), np.array([0, 0, 0, 0, 0, 1])]
    s = [
        np.array([0.1, 0.2, 0.3, 0.4, 0.8, 0.9]),
        np.array([0.05, 0.06, 0.07, 0.08, 0.09, 0.01]),
    ]
    result = tune_threshold(y, s, min_recall={1: 0.5}, max_positive_rate=0.3)
    assert np.isnan(result.fold_thresholds[1])
    assert np.isnan(result.fold_scores[1])
    assert not np.isnan(result.fold_thresholds[0])


@pytest.mark.parametrize(
    ("params", "target", "message"),
    [
        ({"min_recall": [0.9]}, "binary", "'min_recall' parameter"),
        ({"max_positive_rate": 1.5}, "binary", "'max_positive_rate' parameter"),
        ({"max_positive_rate": 0}, "binary", "'max_positive_rate' parameter"),
        ({"min_recall": {"ill": 0.9}}, "binary", r"keys \['ill'\] that are not"),
        ({"min_recall": {"sick": 1.1}}, "binary", r"min_recall\['sick'\] must be"),
        ({"max_positive_rate": 0.1}, "multiclass", "only defined for binary"),
    ],
)
def test_classifier_constraint_errors(params, target, message):
    X, y = make_classification(n_samples=90, random_state=0)
    y = np.where(y == 1, "sick", "healthy")
    if target == "multiclass":
        y = np.array(["a", "b", "c"])[np.arange(90) % 3]
    clf = BalancedThresholdClassifier(LogisticRegression(), cv=3, **params)
    error = InvalidParameterError if "parameter" in message else ValueError
    with pytest.raises(error, match=message):
        clf.fit(X, y)


def test_classifier_infeasible_error_names_labels(screening):
    X, y = screening
    clf = BalancedThresholdClassifier(
        LogisticRegression(), min_recall={"sick": 0.99}, max_positive_rate=0.02
    )
    message = (
        r"min_recall=\{'sick': 0.99\} cannot be met together with "
        r"max_positive_rate=0.02: the highest mean recall of class 'sick' "
        r"reachable is 0\.\d+\."
    )
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)


def test_display_shades_the_feasible_region(screening):
    X, y = screening
    clf = BalancedThresholdClassifier(
        LogisticRegression(), min_recall={"sick": 0.9}, store_cv_results=True
    ).fit(X, y)
    display = BalancedAccuracyCurveDisplay.from_cv_results(clf)
    (span,) = display.feasible_region_
    # axvspan draws a Polygon before matplotlib 3.9 and a Rectangle since.
    corners = span.get_transform().transform(span.get_path().vertices)
    x = display.ax_.transData.inverted().transform(corners)[:, 0]
    low, high = x.min(), x.max()
    feasible = clf.cv_results_["thresholds"][clf.cv_results_["feasible"]]
    # Feasible rules are the thresholds up to the highest feasible one.
    assert low <= feasible.min()
    assert high == pytest.approx(feasible.max())
    assert low <= clf.best_threshold_ <= high
    labels = display.ax_.get_legend_handles_labels()[1]
    assert any("constraints met" in label for label in labels)
    free = BalancedThresholdClassifier(LogisticRegression(), store_cv_results=True)
    display = BalancedAccuracyCurveDisplay.from_cv_results(free.fit(X, y))
    assert display.feasible_region_ is None
