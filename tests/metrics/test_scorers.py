"""The scorers in scikit-learn's model selection tools, against sklearn's own."""

import copy
import pickle

import numpy as np
import pytest
import sklearn
import sklearn.metrics as skm
from sklearn.datasets import make_classification
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.tree import DecisionTreeClassifier

from sklearn_balanced.metrics import (
    adjusted_balanced_accuracy_scorer,
    balanced_accuracy_score,
    balanced_accuracy_scorer,
    make_balanced_accuracy_scorer,
)

CV = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
SKLEARN_ADJUSTED = skm.make_scorer(skm.balanced_accuracy_score, adjusted=True)


@pytest.fixture(scope="module")
def binary_data():
    X, y = make_classification(
        n_samples=240, n_features=6, weights=[0.85], flip_y=0.05, random_state=0
    )
    weights = np.random.default_rng(0).uniform(0.2, 3.0, size=y.shape[0])
    return X, y, weights


@pytest.fixture(scope="module")
def multiclass_data():
    X, y = make_classification(
        n_samples=300,
        n_features=8,
        n_informative=5,
        n_classes=4,
        weights=[0.55, 0.25, 0.15],
        random_state=1,
    )
    names = np.array(["ant", "bee", "cat", "dog"])
    return X, names[y]


def _tree(**params):
    return DecisionTreeClassifier(random_state=0, **params)


@pytest.mark.parametrize(
    ("ours", "reference"),
    [
        (balanced_accuracy_scorer, skm.get_scorer("balanced_accuracy")),
        (adjusted_balanced_accuracy_scorer, SKLEARN_ADJUSTED),
    ],
    ids=["plain", "adjusted"],
)
def test_scorer_objects_score_like_sklearn(ours, reference, multiclass_data):
    X, y = multiclass_data
    estimator = _tree(max_depth=3).fit(X[:200], y[:200])
    score = ours(estimator, X[200:], y[200:])
    assert score == pytest.approx(reference(estimator, X[200:], y[200:]), rel=1e-12)
    assert score == pytest.approx(
        balanced_accuracy_score(
            y[200:],
            estimator.predict(X[200:]),
            adjusted=ours is adjusted_balanced_accuracy_scorer,
        ),
        rel=1e-12,
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"adjusted": True},
        {"labels": ["dog", "ant"]},
        {"labels": ["ant", "bee", "cat", "dog", "eel"], "zero_division": 0.0},
        {"labels": ["ant", "eel"], "zero_division": 1.0, "adjusted": True},
    ],
)
def test_made_scorer_passes_its_options(options, multiclass_data):
    X, y = multiclass_data
    estimator = _tree(max_depth=2).fit(X[:200], y[:200])
    scorer = make_balanced_accuracy_scorer(**options)
    expected = balanced_accuracy_score(y[200:], estimator.predict(X[200:]), **options)
    assert scorer(estimator, X[200:], y[200:]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "scorer",
    [
        balanced_accuracy_scorer,
        adjusted_balanced_accuracy_scorer,
        make_balanced_accuracy_scorer(labels=[0, 1], zero_division=0.0),
    ],
    ids=["plain", "adjusted", "made"],
)
def test_scorers_survive_pickling(scorer, binary_data):
    # Parallel searches (n_jobs > 1) send scorers to worker processes.
    X, y, _ = binary_data
    estimator = _tree(max_depth=2).fit(X, y)
    restored = pickle.loads(pickle.dumps(scorer))
    assert restored(estimator, X, y) == scorer(estimator, X, y)


def test_scorers_are_greater_is_better(binary_data):
    X, y, _ = binary_data
    estimator = _tree(max_depth=2).fit(X, y)
    for scorer in (balanced_accuracy_scorer, make_balanced_accuracy_scorer()):
        assert scorer(estimator, X, y) == pytest.approx(
            balanced_accuracy_score(y, estimator.predict(X))
        )
        assert scorer(estimator, X, y) > 0.5


def test_grid_search_matches_sklearn_scoring(multiclass_data):
    X, y = multiclass_data
    grid = {"max_depth": [1, 2, 4], "min_samples_leaf": [1, 10]}
    ours = GridSearchCV(_tree(), grid, scoring=balanced_accuracy_scorer, cv=CV)
    reference = GridSearchCV(_tree(), grid, scoring="balanced_accuracy", cv=CV)
    ours.fit(X, y)
    reference.fit(X, y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"],
        reference.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    assert ours.best_params_ == reference.best_params_
    assert ours.score(X, y) == pytest.approx(reference.score(X, y), rel=1e-12)


def test_grid_search_refits_on_a_scorer_of_a_multi_metric_dict(binary_data):
    X, y, _ = binary_data
    scoring = {
        "balanced": balanced_accuracy_scorer,
        "adjusted": adjusted_balanced_accuracy_scorer,
        "accuracy": "accuracy",
    }
    search = GridSearchCV(
        _tree(), {"max_depth": [1, 3, None]}, scoring=scoring, refit="balanced", cv=CV
    ).fit(X, y)
    balanced = search.cv_results_["mean_test_balanced"]
    assert search.best_index_ == int(np.argmax(balanced))
    # Adjusted = 2 * plain - 1 for two classes, fold by fold.
    for split in range(CV.get_n_splits()):
        np.testing.assert_allclose(
            search.cv_results_[f"split{split}_test_adjusted"],
            2 * search.cv_results_[f"split{split}_test_balanced"] - 1,
            rtol=1e-12,
            atol=1e-12,
        )


def test_cross_val_score_matches_sklearn(binary_data):
    X, y, _ = binary_data
    for ours, reference in (
        (balanced_accuracy_scorer, "balanced_accuracy"),
        (adjusted_balanced_accuracy_scorer, SKLEARN_ADJUSTED),
    ):
        np.testing.assert_allclose(
            cross_val_score(_tree(max_depth=3), X, y, scoring=ours, cv=CV),
            cross_val_score(_tree(max_depth=3), X, y, scoring=reference, cv=CV),
            rtol=1e-12,
        )


def test_cross_validate_with_a_multi_metric_dict(multiclass_data):
    X, y = multiclass_data
    scoring = {
        "ours": balanced_accuracy_scorer,
        "sklearn": "balanced_accuracy",
        "adjusted": adjusted_balanced_accuracy_scorer,
        "two_classes": make_balanced_accuracy_scorer(labels=["bee", "dog"]),
        "accuracy": "accuracy",
    }
    results = cross_validate(_tree(max_depth=3), X, y, scoring=scoring, cv=CV)
    np.testing.assert_allclose(
        results["test_ours"], results["test_sklearn"], rtol=1e-12
    )
    for fold, (train, test) in enumerate(CV.split(X, y)):
        predicted = _tree(max_depth=3).fit(X[train], y[train]).predict(X[test])
        assert results["test_adjusted"][fold] == pytest.approx(
            balanced_accuracy_score(y[test], predicted, adjusted=True), rel=1e-12
        )
        assert results["test_two_classes"][fold] == pytest.approx(
            balanced_accuracy_score(y[test], predicted, labels=["bee", "dog"]),
            rel=1e-12,
        )


# --- sample_weight through metadata routing ---------------------------------------


def _weighted_fold_scores(X, y, weights, depth=3):
    """Weighted balanced accuracy of a tree on each fold of ``CV``."""
    scores = []
    for train, test in CV.split(X, y):
        predicted = _tree(max_depth=depth).fit(X[train], y[train]).predict(X[test])
        scores.append(
            balanced_accuracy_score(y[test], predicted, sample_weight=weights[test])
        )
    return np.array(scores)


@pytest.mark.parametrize(
    "make_scorer",
    [
        lambda: copy.deepcopy(balanced_accuracy_scorer),
        lambda: make_balanced_accuracy_scorer(),
    ],
    ids=["copied-instance", "factory"],
)
def test_cross_validate_routes_sample_weight_to_the_scorer(make_scorer, binary_data):
    X, y, weights = binary_data
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_scorer().set_score_request(sample_weight=True)
        estimator = _tree(max_depth=3).set_fit_request(sample_weight=False)
        results = cross_validate(
            estimator, X, y, scoring=scorer, cv=CV, params={"sample_weight": weights}
        )
        reference = cross_validate(
            estimator,
            X,
            y,
            scoring=skm.make_scorer(skm.balanced_accuracy_score).set_score_request(
                sample_weight=True
            ),
            cv=CV,
            params={"sample_weight": weights},
        )
    expected = _weighted_fold_scores(X, y, weights)
    np.testing.assert_allclose(results["test_score"], expected, rtol=1e-12)
    np.testing.assert_allclose(
        results["test_score"], reference["test_score"], rtol=1e-12
    )
    # The weights matter: the unweighted scores differ.
    unweighted = cross_val_score(_tree(max_depth=3), X, y, scoring=scorer, cv=CV)
    assert not np.allclose(unweighted, expected)


def test_grid_search_routes_sample_weight_to_the_scorer(binary_data):
    X, y, weights = binary_data
    grid = {"max_depth": [1, 3, 6]}
    with sklearn.config_context(enable_metadata_routing=True):
        scoring = {
            "weighted": make_balanced_accuracy_scorer().set_score_request(
                sample_weight=True
            ),
            "adjusted": make_balanced_accuracy_scorer(adjusted=True).set_score_request(
                sample_weight=True
            ),
        }
        search = GridSearchCV(
            _tree().set_fit_request(sample_weight=False),
            grid,
            scoring=scoring,
            refit="weighted",
            cv=CV,
        ).fit(X, y, sample_weight=weights)
        cross_val_weighted = cross_val_score(
            _tree(max_depth=6).set_fit_request(sample_weight=False),
            X,
            y,
            scoring=scoring["weighted"],
            cv=CV,
            params={"sample_weight": weights},
        )
    for index, depth in enumerate(grid["max_depth"]):
        expected = _weighted_fold_scores(X, y, weights, depth).mean()
        assert search.cv_results_["mean_test_weighted"][index] == pytest.approx(
            expected, rel=1e-12
        )
        assert search.cv_results_["mean_test_adjusted"][index] == pytest.approx(
            2 * expected - 1, rel=1e-12, abs=1e-12
        )
    np.testing.assert_allclose(
        cross_val_weighted, _weighted_fold_scores(X, y, weights, 6), rtol=1e-12
    )
