"""The demo's figures and page: true to its numbers, one colour per quantity."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier

from sklearn_balanced._cli import _demo as demo_module
from sklearn_balanced._cli._demo import demo_models
from sklearn_balanced._cli._html import demo_reading

PLAIN, TUNED = "logistic regression", "logistic regression + tuned threshold"


def _row(name, accuracy, balanced_accuracy, minority_recall):
    return {
        "name": name,
        "accuracy": accuracy,
        "balanced_accuracy": balanced_accuracy,
        "low": balanced_accuracy - 0.1,
        "high": balanced_accuracy + 0.1,
        "recall": [2 * balanced_accuracy - minority_recall, minority_recall],
    }


def test_demo_reading_says_which_way_each_score_moves():
    rows = [
        _row("always majority", 0.9, 0.5, 0.0),
        _row(PLAIN, 0.70, 0.60, 0.30),
        _row(TUNED, 0.80, 0.60, 0.50),
        _row("balanced logistic regression", 0.75, 0.65, 0.60),
    ]
    text = " ".join(demo_reading(rows))
    assert "its accuracy rises from 0.7000 to 0.8000" in text
    assert "its balanced accuracy stays at 0.6000" in text
    assert "from 0.3000 to 0.5000" in text
    assert "an accuracy of 0.9000" in text
    # Only the points about the models in the rows.
    alone = demo_reading(rows[:1])
    assert len(alone) == 3
    assert "logistic" not in " ".join(alone)


@pytest.fixture(scope="module")
def fitted(demo_split):
    X_train, X_test, y_train, y_test = demo_split
    models = demo_models(random_state=0)
    models = {name: models[name] for name in (PLAIN, TUNED)}
    for model in models.values():
        model.fit(X_train, y_train)
    return models, X_test, y_test


def test_demo_threshold_panels_share_x_and_colours(pyplot, fitted):
    models, X_test, y_test = fitted
    _, figure = demo_module._threshold_figure(models, X_test, y_test)
    test, cv = figure.axes
    assert test.get_shared_x_axes().joined(test, cv)
    assert test.get_xlim() == cv.get_xlim()
    assert all(label.get_visible() for label in test.get_xticklabels())

    def colours(ax):
        return {line.get_label(): line.get_color() for line in ax.get_lines()}

    top, bottom = colours(test), colours(cv)
    for quantity in (
        "recall of the positive class (TPR)",
        "recall of the negative class (TNR)",
    ):
        assert top[quantity] == bottom[quantity]
    curves = [top["test-set balanced accuracy"], top["accuracy"]]
    curves += [top["recall of the positive class (TPR)"]]
    curves += [top["recall of the negative class (TNR)"]]
    assert len(set(curves)) == len(curves)


def test_demo_figures_draw_names_as_text(
    pyplot, drawn_texts, demo_split, mathtext_labels
):
    X_train, X_test, y_train, y_test = demo_split
    dummy = DummyClassifier().fit(X_train, y_train)
    models = {"always majority": dummy}
    models |= {label: clone(dummy).fit(X_train, y_train) for label in mathtext_labels}
    _, recall = demo_module._recall_figure(models, X_test, y_test)
    texts = drawn_texts(recall)
    assert set(mathtext_labels) <= set(texts)
    rows = [
        {"name": name, "balanced_accuracy": 0.5 + 0.01 * i}
        for i, name in enumerate(models)
    ]
    _, confusion = demo_module._confusion_figure(models, rows, X_test, y_test)
    best = f"{mathtext_labels[-1]}: the best balanced accuracy in the table"
    assert best in drawn_texts(confusion)
    assert np.isin(["0", "1"], drawn_texts(confusion)).all()
