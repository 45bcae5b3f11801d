"""BalancedThresholdClassifier checks its target once: integer arrays skip the
costly type check and give what every other encoding of the same labels gives."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import type_of_target

from sklearn_balanced import BalancedThresholdClassifier
from sklearn_balanced.metrics import _curve
from sklearn_balanced.model_selection import _threshold


def _problem(n_classes):
    return make_classification(
        n_samples=300,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        weights=[0.8] if n_classes == 2 else None,
        flip_y=0.05,
        random_state=n_classes,
    )


def _fitted(clf):
    """The fitted attributes of a classifier, but its estimator."""
    return {
        name: value
        for name, value in vars(clf).items()
        if name.endswith("_") and not name.startswith("_") and name != "estimator_"
    }


def _assert_same(left, right):
    assert left.keys() == right.keys()
    for name, value in left.items():
        if isinstance(value, dict):
            _assert_same(value, right[name])
        else:
            np.testing.assert_array_equal(value, right[name], err_msg=name)


@pytest.fixture
def target_checks(monkeypatch):
    """Count the calls of type_of_target by the classifier and by the curve."""
    calls = []

    def counted(y, *args, **kwargs):
        calls.append(np.shape(y))
        return type_of_target(y, *args, **kwargs)

    monkeypatch.setattr(_threshold, "type_of_target", counted)
    monkeypatch.setattr(_curve, "type_of_target", counted)
    return calls


@pytest.mark.parametrize("cv", ["prefit", 3])
def test_the_target_is_checked_at_most_once(target_checks, cv):
    X, y = _problem(2)
    estimator = (
        LogisticRegression().fit(X, y) if cv == "prefit" else LogisticRegression()
    )
    clf = BalancedThresholdClassifier(estimator, cv=cv, refit=cv != "prefit")
    clf.fit(X, y)
    assert target_checks == []
    clf.fit(X, y.tolist())
    assert target_checks == [(y.shape[0],)]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "options",
    [
        {"cv": "prefit", "refit": False, "store_cv_results": True},
        {"cv": 3, "store_cv_results": True},
    ],
)
def test_integer_targets_fit_as_any_encoding_of_their_labels(n_classes, options):
    X, y = _problem(n_classes)
    # Labels that sort as the integers do, with a gap and an offset.
    shifted = 3 * y - 1
    encodings = [
        shifted,
        shifted.astype(np.int8),
        shifted.tolist(),
        shifted.astype(float),
        np.array([f"c{value + 1:02d}" for value in shifted], dtype=object),
    ]
    fits = []
    for labels in encodings:
        estimator = LogisticRegression()
        if options["cv"] == "prefit":
            estimator.fit(X, labels)
        fits.append(BalancedThresholdClassifier(estimator, **options).fit(X, labels))
    reference = _fitted(fits[0])
    np.testing.assert_array_equal(reference.pop("classes_"), np.unique(shifted))
    for clf in fits[1:]:
        fitted = _fitted(clf)
        assert len(fitted.pop("classes_")) == n_classes
        _assert_same(fitted, reference)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.zeros(300, dtype=int), "at least 2 classes"),
        (np.r_[np.full(150, 7), np.zeros(150, dtype=int)], r"labels \[7\] unknown"),
    ],
)
def test_integer_targets_raise_as_lists_do(labels, message):
    X, y = _problem(2)
    estimator = LogisticRegression().fit(X, y)
    for target in (labels, labels.tolist()):
        with pytest.raises(ValueError, match=message):
            BalancedThresholdClassifier(estimator, cv="prefit", refit=False).fit(
                X, target
            )
