"""Tests of the displays: artists' data against scikit-learn, errors, PNG output."""

import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError, UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score
from sklearn.svm import LinearSVC

from sklearn_balanced.linear_model import BalancedLogisticRegression
from sklearn_balanced.metrics import (
    BalancedAccuracyCurveDisplay,
    PerClassRecallDisplay,
    TrainingCurveDisplay,
)
from sklearn_balanced.model_selection import BalancedThresholdClassifier
from sklearn_balanced.utils._optional import check_matplotlib, import_optional

PLOT_HINT = 'pip install "sklearn-balanced[plot]"'
# The ``pyplot`` fixture only hands over the module (each example closes its
# figures), so sharing it between examples is safe.
HYPOTHESIS = settings(
    derandomize=True,
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _curve_points(line):
    """(x, y) of a threshold curve without the extra right-hand point."""
    x, y = line.get_xdata(), line.get_ydata()
    return np.asarray(x[:-1]), np.asarray(y[:-1]), float(y[-1])


binary_cases = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(
            lambda labels: 0 < sum(labels) < len(labels)
        ),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(1, 3), min_size=n, max_size=n),
    )
)


@HYPOTHESIS
@given(binary_cases)
def test_curve_from_predictions_matches_sklearn(pyplot, case):
    labels, raw_scores, weights = case
    y_true = np.array(labels)
    y_score = np.array(raw_scores) / 6
    sample_weight = np.array(weights, dtype=float)
    display = BalancedAccuracyCurveDisplay.from_predictions(
        y_true,
        y_score,
        sample_weight=sample_weight,
        plot_accuracy=True,
        plot_rates=True,
    )
    x, ba, all_negative = _curve_points(display.line_)
    np.testing.assert_array_equal(x, np.unique(y_score))
    for threshold, value in zip(x, ba, strict=True):
        y_pred = (y_score >= threshold).astype(int)
        assert value == pytest.approx(
            balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight)
        )
    acc = display.accuracy_line_.get_ydata()[:-1]
    tpr = display.tpr_line_.get_ydata()[:-1]
    tnr = display.tnr_line_.get_ydata()[:-1]
    for threshold, a, p, n in zip(x, acc, tpr, tnr, strict=True):
        y_pred = (y_score >= threshold).astype(int)
        kwargs = {"sample_weight": sample_weight}
        assert a == pytest.approx(accuracy_score(y_true, y_pred, **kwargs))
        assert p == pytest.approx(recall_score(y_true, y_pred, **kwargs))
        assert n == pytest.approx(recall_score(y_true, y_pred, pos_label=0, **kwargs))
    assert all_negative == pytest.approx(0.5)
    (best_x,), (best_y,) = display.best_marker_.get_data()
    assert best_y == pytest.approx(max(ba.max(), 0.5))
    best_pred = (y_score >= best_x).astype(int)
    assert best_y == pytest.approx(
        balanced_accuracy_score(y_true, best_pred, sample_weight=sample_weight)
    )
    (_,), (default_y,) = display.default_marker_.get_data()
    default_pred = (y_score >= 0.5).astype(int)
    assert default_y == pytest.approx(
        balanced_accuracy_score(y_true, default_pred, sample_weight=sample_weight)
    )
    pyplot.close("all")


def test_curve_from_predictions_string_labels_and_png(pyplot, tmp_path):
    y_true = np.array(["spam", "ham", "ham", "spam", "ham", "ham"])
    y_score = np.array([0.9, 0.1, 0.6, 0.4, 0.3, 0.2])
    display = BalancedAccuracyCurveDisplay.from_predictions(
        y_true, y_score, pos_label="spam", name="filter", default_threshold=None
    )
    assert display.pos_label == "spam"
    assert display.default_marker_ is None
    assert display.accuracy_line_ is None
    assert display.tpr_line_ is None
    assert display.fold_spread_ is None
    assert "filter" in display.line_.get_label()
    assert "spam" in display.ax_.get_xlabel()
    path = tmp_path / "curve.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 0


def test_curve_from_estimator_proba_and_decision(pyplot, demo_split):
    X_train, X_test, y_train, y_test = demo_split
    model = LogisticRegression().fit(X_train, y_train)
    display = BalancedAccuracyCurveDisplay.from_estimator(model, X_test, y_test)
    assert display.default_threshold == 0.5
    assert display.name == "LogisticRegression"
    reference = BalancedAccuracyCurveDisplay.from_predictions(
        y_test, model.predict_proba(X_test)[:, 1]
    )
    np.testing.assert_allclose(display.line_.get_xydata(), reference.line_.get_xydata())

    decision = BalancedAccuracyCurveDisplay.from_estimator(
        model, X_test, y_test, response_method="decision_function"
    )
    assert decision.default_threshold == 0.0
    (_,), (default_y,) = decision.default_marker_.get_data()
    assert default_y == pytest.approx(
        balanced_accuracy_score(y_test, model.predict(X_test))
    )
    svc = LinearSVC().fit(X_train, y_train)
    auto = BalancedAccuracyCurveDisplay.from_estimator(svc, X_test, y_test)
    assert auto.default_threshold == 0.0


def test_curve_from_estimator_negative_pos_label(pyplot, demo_split):
    X_train, X_test, y_train, y_test = demo_split
    model = LogisticRegression().fit(X_train, y_train)
    for method in ("predict_proba", "decision_function"):
        display = BalancedAccuracyCurveDisplay.from_estimator(
            model, X_test, y_test, pos_label=0, response_method=method
        )
        assert display.pos_label == 0
        (best_x,), (best_y,) = display.best_marker_.get_data()
        scores = (
            model.predict_proba(X_test)[:, 0]
            if method == "predict_proba"
            else -model.decision_function(X_test)
        )
        y_pred = np.where(scores >= best_x, 0, 1)
        assert best_y == pytest.approx(balanced_accuracy_score(y_test, y_pred))


def test_curve_from_estimator_errors(pyplot, demo_split):
    X_train, X_test, y_train, y_test = demo_split
    model = LogisticRegression().fit(X_train, y_train)
    with pytest.raises(ValueError, match="response_method must be one of"):
        BalancedAccuracyCurveDisplay.from_estimator(
            model, X_test, y_test, response_method="predict"
        )
    with pytest.raises(
        ValueError,
        match=r"pos_label=5 is not a valid label: it must be one of \[0, 1\]",
    ):
        BalancedAccuracyCurveDisplay.from_estimator(model, X_test, y_test, pos_label=5)
    with pytest.raises(NotFittedError):
        BalancedAccuracyCurveDisplay.from_estimator(
            LogisticRegression(), X_test, y_test
        )
    y3 = np.arange(y_train.size) % 3
    multi = LogisticRegression().fit(X_train, y3)
    with pytest.raises(ValueError, match="needs a binary classifier"):
        BalancedAccuracyCurveDisplay.from_estimator(multi, X_train, y3)


def test_curve_plot_needs_the_optional_curves(pyplot):
    display = BalancedAccuracyCurveDisplay(
        thresholds=[np.inf, 0.7, 0.2], balanced_accuracy=[0.5, 0.75, 0.5]
    )
    with pytest.raises(ValueError, match=r"self\.accuracy is None"):
        display.plot(plot_accuracy=True)
    with pytest.raises(ValueError, match=r"self\.tpr is None"):
        display.plot(plot_rates=True)
    display.plot()
    assert display.best_marker_ is None
    assert display.default_marker_ is None
    assert display.line_.get_xdata().tolist() == pytest.approx([0.2, 0.7, 0.725])
    assert display.line_.get_ydata().tolist() == [0.5, 0.75, 0.5]


def test_curve_single_score_and_no_finite_threshold(pyplot):
    display = BalancedAccuracyCurveDisplay.from_predictions([0, 1, 1], [2.0, 2.0, 2.0])
    x, ba, all_negative = _curve_points(display.line_)
    assert x.tolist() == [2.0]
    assert ba.tolist() == [0.5]
    assert all_negative == 0.5
    assert display.line_.get_xdata()[-1] == pytest.approx(2.1)
    with pytest.raises(ValueError, match="at least one finite value"):
        BalancedAccuracyCurveDisplay(
            thresholds=[np.inf], balanced_accuracy=[0.5]
        ).plot()


def test_curve_is_replottable_on_given_axes(pyplot):
    display = BalancedAccuracyCurveDisplay.from_predictions(
        [0, 0, 1, 1], [0.2, 0.6, 0.4, 0.9], curve_kwargs={"color": "red"}
    )
    first_figure = display.figure_
    figure, ax = pyplot.subplots()
    display.plot(ax=ax, name="again", curve_kwargs={"linewidth": 3})
    assert display.ax_ is ax
    assert display.figure_ is figure
    assert display.figure_ is not first_figure
    assert display.line_.get_linewidth() == 3
    assert display.line_.get_label() == "again balanced accuracy"


@pytest.fixture(scope="module")
def tuned(demo_split):
    X_train, _, y_train, _ = demo_split
    return BalancedThresholdClassifier(
        LogisticRegression(), cv=3, store_cv_results=True, random_state=0
    ).fit(X_train, y_train)


def test_curve_from_cv_results(pyplot, tuned, tmp_path):
    named = BalancedAccuracyCurveDisplay.from_cv_results(tuned, name="mine")
    assert named.name == "mine"
    display = BalancedAccuracyCurveDisplay.from_cv_results(tuned, plot_rates=True)
    results = tuned.cv_results_
    # cv_results_ ascend and have no "every sample negative" step: no extra point.
    x, ba = display.line_.get_xdata(), display.line_.get_ydata()
    np.testing.assert_allclose(x, results["thresholds"])
    np.testing.assert_allclose(ba, results["scores"])
    (best_x,), (best_y,) = display.best_marker_.get_data()
    assert best_x == tuned.best_threshold_
    assert best_y == pytest.approx(tuned.best_score_)
    spread = display.fold_spread_.get_paths()[0].vertices[:, 1]
    folds = np.asarray(results["fold_scores"])
    assert spread.min() == pytest.approx(folds.min())
    assert spread.max() == pytest.approx(folds.max())
    assert display.name == "LogisticRegression"
    assert "3 folds" in display.fold_spread_.get_label()
    display.figure_.savefig(tmp_path / "cv.png")
    assert (tmp_path / "cv.png").stat().st_size > 0


def test_curve_from_cv_results_errors(pyplot, demo_split):
    X_train, _, y_train, _ = demo_split
    plain = BalancedThresholdClassifier(LogisticRegression(), cv=3).fit(
        X_train, y_train
    )
    with pytest.raises(ValueError, match="store_cv_results=True"):
        BalancedAccuracyCurveDisplay.from_cv_results(plain)
    y3 = np.arange(y_train.size) % 3
    multi = BalancedThresholdClassifier(
        LogisticRegression(), cv=3, store_cv_results=True
    ).fit(X_train, y3)
    with pytest.raises(ValueError, match="no 'thresholds'"):
        BalancedAccuracyCurveDisplay.from_cv_results(multi)
    with pytest.raises(NotFittedError):
        BalancedAccuracyCurveDisplay.from_cv_results(
            BalancedThresholdClassifier(LogisticRegression())
        )


multiclass_cases = st.integers(3, 50).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from("abcd"), min_size=n, max_size=n),
        st.lists(st.sampled_from("abcde"), min_size=n, max_size=n),
        st.lists(st.integers(1, 4), min_size=n, max_size=n),
    )
)


@HYPOTHESIS
@given(multiclass_cases)
def test_per_class_recall_matches_sklearn(pyplot, case):
    y_true, y_pred, weights = (np.array(values) for values in case)
    display = PerClassRecallDisplay.from_predictions(
        y_true, y_pred, sample_weight=weights
    )
    present = np.unique(y_true)
    heights = [bar.get_height() for bar in display.bars_]
    expected = recall_score(
        y_true,
        y_pred,
        labels=present,
        average=None,
        sample_weight=weights,
        zero_division=0,
    )
    np.testing.assert_allclose(heights, expected)
    support = [weights[y_true == label].sum() for label in present]
    np.testing.assert_allclose(display.support, support)
    with warnings.catch_warnings():
        # scikit-learn warns when y_pred has classes absent from y_true.
        warnings.simplefilter("ignore", UserWarning)
        reference = balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    assert display.mean_line_.get_ydata()[0] == pytest.approx(reference)
    ticks = [text.get_text() for text in display.support_texts_]
    assert ticks == [f"{c}\n(n={s:g})" for c, s in zip(present, support, strict=True)]
    pyplot.close("all")


def test_per_class_recall_with_labels_and_png(pyplot, tmp_path):
    y_true = [2, 2, 0, 0, 0, 1]
    y_pred = [2, 0, 0, 0, 1, 1]
    display = PerClassRecallDisplay.from_predictions(
        y_true,
        y_pred,
        labels=[2, 0, 1, 3],
        zero_division=0.0,
        display_labels=["two", "zero", "one", "three"],
        show_support=False,
    )
    assert [bar.get_height() for bar in display.bars_] == pytest.approx(
        [0.5, 2 / 3, 1.0, 0.0]
    )
    assert display.balanced_accuracy == pytest.approx((0.5 + 2 / 3 + 1.0) / 4)
    assert display.support.tolist() == [2, 3, 1, 0]
    assert display.support_texts_ == []
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == [
        "two",
        "zero",
        "one",
        "three",
    ]
    display.figure_.savefig(tmp_path / "recall.png")
    assert (tmp_path / "recall.png").stat().st_size > 0


def test_per_class_recall_class_without_samples_warns(pyplot):
    with pytest.warns(UndefinedMetricWarning, match="no true samples"):
        display = PerClassRecallDisplay.from_predictions(
            [0, 0, 1], [0, 1, 1], labels=[0, 1, 2]
        )
    heights = [bar.get_height() for bar in display.bars_]
    assert heights[:2] == [0.5, 1.0]
    assert np.isnan(heights[2])
    assert display.mean_line_.get_ydata()[0] == pytest.approx(0.75)


def test_per_class_recall_from_estimator_and_replot(pyplot):
    X, y = [[0]] * 5, [0, 0, 0, 1, 1]
    display = PerClassRecallDisplay.from_estimator(DummyClassifier().fit(X, y), X, y)
    assert [bar.get_height() for bar in display.bars_] == [1.0, 0.0]
    assert display.balanced_accuracy == 0.5
    figure, ax = pyplot.subplots()
    display.plot(ax=ax, bar_kwargs={"color": "green"})
    assert display.ax_ is ax
    assert display.figure_ is figure
    with pytest.raises(NotFittedError):
        PerClassRecallDisplay.from_estimator(DummyClassifier(), X, y)


def test_per_class_recall_constructor(pyplot):
    display = PerClassRecallDisplay([0.2, 0.8, 0.5], [10, 5, 1]).plot()
    assert display.mean_line_.get_ydata()[0] == pytest.approx(0.5)
    assert display.support_texts_[0].get_text() == "0\n(n=10)"
    # Supports of large counts and total weights are written in full.
    large = PerClassRecallDisplay([0.5, 0.5], [98765432, 2.5]).plot()
    ticks = [text.get_text() for text in large.support_texts_]
    assert ticks == ["0\n(n=98765432)", "1\n(n=2.5)"]
    with pytest.raises(ValueError, match="same length"):
        PerClassRecallDisplay([0.2, 0.8], [10]).plot()
    with pytest.raises(ValueError, match="display_labels has 1 entries"):
        PerClassRecallDisplay([0.2, 0.8], [1, 1], display_labels=["a"]).plot()


def test_training_curve_from_estimator(pyplot, demo_split, tmp_path):
    X_train, _, y_train, _ = demo_split
    model = BalancedLogisticRegression(
        early_stopping=True, validation_fraction=0.2, random_state=0
    ).fit(X_train, y_train)
    display = TrainingCurveDisplay.from_estimator(model)
    n_iter = len(model.loss_curve_)
    assert display.loss_line_.get_xdata().tolist() == list(range(1, n_iter + 1))
    np.testing.assert_allclose(display.loss_line_.get_ydata(), model.loss_curve_)
    np.testing.assert_allclose(
        display.validation_line_.get_ydata(), model.validation_scores_
    )
    assert display.validation_line_.axes is display.validation_ax_
    assert display.best_iteration_line_.get_xdata()[0] == model.best_iteration_
    assert display.ax_.get_title() == "BalancedLogisticRegression"
    display.figure_.savefig(tmp_path / "training.png")
    assert (tmp_path / "training.png").stat().st_size > 0


def test_training_curve_without_validation(pyplot, demo_split):
    X_train, _, y_train, _ = demo_split
    model = BalancedLogisticRegression().fit(X_train, y_train)
    figure, ax = pyplot.subplots()
    display = TrainingCurveDisplay.from_estimator(model, name="plain", ax=ax)
    assert display.ax_ is ax
    assert display.figure_ is figure
    assert display.validation_line_ is None
    assert display.validation_ax_ is None
    assert display.best_iteration_line_ is None
    assert display.ax_.get_title() == "plain"
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(BalancedLogisticRegression())


def test_training_curve_constructor_errors(pyplot):
    with pytest.raises(ValueError, match="non-empty 1-D"):
        TrainingCurveDisplay([]).plot()
    untitled = TrainingCurveDisplay([0.5, 0.4]).plot()
    assert untitled.ax_.get_title() == ""
    display = TrainingCurveDisplay([0.5, 0.4]).plot(name="title")
    assert display.ax_.get_title() == "title"


@pytest.mark.parametrize(
    "call",
    [
        lambda: BalancedAccuracyCurveDisplay.from_predictions([0, 1], [0.1, 0.9]),
        lambda: BalancedAccuracyCurveDisplay(
            thresholds=[np.inf, 0.5], balanced_accuracy=[0.5, 1.0]
        ).plot(),
        lambda: PerClassRecallDisplay.from_predictions([0, 1], [0, 1]),
        lambda: TrainingCurveDisplay([0.5]).plot(),
    ],
)
def test_missing_matplotlib_names_the_extra(monkeypatch, call):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn-balanced\[plot\]"'):
        call()
    with pytest.raises(ImportError, match="requires matplotlib"):
        check_matplotlib("caller")


def test_import_optional_without_an_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow_like_module", None)
    with pytest.raises(ImportError, match="pip install pyarrow_like_module"):
        import_optional("pyarrow_like_module", "reader")


def test_curve_with_a_single_class_has_a_defined_accuracy_line(pyplot):
    y_true, y_score = [0, 0, 0, 0], [0.1, 0.4, 0.35, 0.8]
    display = BalancedAccuracyCurveDisplay.from_predictions(
        y_true, y_score, pos_label=1, plot_accuracy=True
    )
    accuracy = display.accuracy_line_.get_ydata()
    assert not np.isnan(accuracy).any()
    for threshold in y_score:
        expected = accuracy_score(y_true, np.asarray(y_score) >= threshold)
        index = np.flatnonzero(display.thresholds == threshold)[0]
        assert display.accuracy[index] == pytest.approx(expected)
    with pytest.raises(ValueError, match=r"'tpr'.*undefined"):
        display.plot(plot_rates=True)


def test_training_curve_of_an_estimator_without_curves(pyplot, demo_split):
    X_train, _, y_train, _ = demo_split
    with pytest.raises(ValueError, match=r"loss_curve_.*LogisticRegression has none"):
        TrainingCurveDisplay.from_estimator(LogisticRegression().fit(X_train, y_train))
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(LogisticRegression())


@pytest.mark.parametrize(
    ("y_true", "pos_label"),
    [([0, 0, 0], None), ([-1, -1, -1], None), ([1, 1, 1], None), ([0, 0, 0], 0)],
)
def test_curve_accuracy_when_y_true_has_one_class(pyplot, y_true, pos_label):
    # The positive class of pos_label=None is 1 even when no label is 1.
    y_score = np.array([0.1, 0.5, 0.9])
    display = BalancedAccuracyCurveDisplay.from_predictions(
        y_true, y_score, pos_label=pos_label, plot_accuracy=True
    )
    x, accuracy, all_negative = _curve_points(display.accuracy_line_)
    positive = 1 if pos_label is None else pos_label
    is_positive = np.asarray(y_true) == positive
    expected = [accuracy_score(is_positive, y_score >= threshold) for threshold in x]
    np.testing.assert_allclose(accuracy, expected, rtol=1e-12)
    assert all_negative == accuracy_score(is_positive, np.zeros(3, dtype=bool))


def test_curve_accuracy_of_negatives_only_is_the_share_predicted_negative(pyplot):
    display = BalancedAccuracyCurveDisplay.from_predictions(
        [0, 0, 0], [0.1, 0.5, 0.9], plot_accuracy=True
    )
    np.testing.assert_allclose(
        display.accuracy_line_.get_ydata(), [0, 1 / 3, 2 / 3, 1], rtol=1e-12
    )


def test_curve_colours_are_one_per_quantity_on_every_axes(pyplot):
    _, (top, bottom) = pyplot.subplots(2)
    y_true, y_score = [0, 0, 1, 1, 0], [0.1, 0.6, 0.4, 0.9, 0.3]
    kwargs = {"plot_accuracy": True, "plot_rates": True}
    first = BalancedAccuracyCurveDisplay.from_predictions(
        y_true, y_score, ax=top, **kwargs
    )
    second = BalancedAccuracyCurveDisplay.from_predictions(
        y_true, y_score, ax=top, name="again", **kwargs
    )
    # One curve and its rates alone: the rates take the same colours.
    alone = BalancedAccuracyCurveDisplay.from_predictions(
        y_true, y_score, ax=bottom, plot_rates=True
    )
    for line in ("accuracy_line_", "tpr_line_", "tnr_line_"):
        assert getattr(first, line).get_color() == getattr(second, line).get_color()
    for line in ("tpr_line_", "tnr_line_"):
        assert getattr(first, line).get_color() == getattr(alone, line).get_color()
    quantities = [
        first.line_,
        second.line_,
        first.accuracy_line_,
        first.tpr_line_,
        first.tnr_line_,
    ]
    colours = [line.get_color() for line in quantities]
    assert len(set(colours)) == len(colours)


def test_curve_draws_labels_as_text_not_mathtext(pyplot, drawn_texts, mathtext_labels):
    for label, name in zip(mathtext_labels, mathtext_labels[::-1], strict=True):
        curve = BalancedAccuracyCurveDisplay.from_predictions(
            ["neg", label, "neg", label],
            [0.1, 0.8, 0.4, 0.3],
            pos_label=label,
            name=name,
        )
        texts = drawn_texts(curve.figure_)
        assert f"Decision threshold (positive label: {label})" in texts
        assert f"{name} balanced accuracy" in texts
        pyplot.close("all")


def test_recall_and_training_draw_labels_as_text_not_mathtext(
    pyplot, drawn_texts, mathtext_labels
):
    recall = PerClassRecallDisplay.from_predictions(
        mathtext_labels, mathtext_labels[::-1]
    )
    texts = drawn_texts(recall.figure_)
    assert {f"{label}\n(n=1)" for label in mathtext_labels} <= set(texts)
    named = PerClassRecallDisplay([0.5] * 4, [1] * 4, display_labels=mathtext_labels)
    named.plot(show_support=False)
    assert set(mathtext_labels) <= set(drawn_texts(named.figure_))
    for label in mathtext_labels:
        training = TrainingCurveDisplay([0.7, 0.5], name=label).plot()
        assert label in drawn_texts(training.figure_)
