"""Tests of ``proba_prior``: probabilities of BalancedLogisticRegression."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_balanced import BalancedLogisticRegression
from sklearn_balanced.model_selection import BalancedThresholdClassifier

TIGHT = {"tol": 1e-10, "max_iter": 10_000}


def _logistic_data(seed, n_samples, n_classes):
    """Samples of a true multinomial logistic model with imbalanced classes."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, 3))
    coef = rng.standard_normal((n_classes, 3))
    intercept = np.array([0.0, -3.0, -2.0, -2.5])[:n_classes]

    def true_proba(X):
        return softmax(X @ coef.T + intercept, axis=1)

    cumulative = true_proba(X).cumsum(axis=1)
    y = (rng.random(n_samples)[:, None] > cumulative).sum(axis=1)
    return X, y, true_proba


def _fit_all(X, y, priors, sample_weight=None, **params):
    return {
        prior if isinstance(prior, str) else str(prior): BalancedLogisticRegression(
            proba_prior=prior, **params
        ).fit(X, y, sample_weight=sample_weight)
        for prior in priors
    }


@pytest.mark.parametrize("n_classes", [2, 3])
def test_train_prior_recovers_the_true_probabilities(n_classes):
    X, y, true_proba = _logistic_data(0, 40_000, n_classes)
    assert np.bincount(y).min() / y.shape[0] < 0.25
    X_test = np.random.default_rng(1).standard_normal((5_000, 3))
    truth = true_proba(X_test)
    models = _fit_all(X, y, ["balanced", "train"], C=np.inf)
    unweighted = LogisticRegression(C=np.inf).fit(X, y).predict_proba(X_test)
    train = models["train"].predict_proba(X_test)
    balanced = models["balanced"].predict_proba(X_test)
    # the weighted fit is consistent too, only less efficient than the
    # unweighted one (mean errors 0.003 and 0.002 binary, 0.004 both multiclass)
    assert np.abs(train - truth).mean() < 0.01
    assert np.abs(train - unweighted).max() < 0.02
    assert np.abs(balanced - truth).mean() > 0.05


def test_train_prior_with_sample_weight_matches_unweighted_fit():
    # sample_weight as frequency weights: "train" is calibrated to the weighted
    # class frequencies, like a fit with the same sample_weight and no class weight
    X, y, _ = _logistic_data(2, 30_000, 2)
    weight = np.random.default_rng(2).integers(1, 4, y.shape[0]).astype(float)
    train = BalancedLogisticRegression(proba_prior="train", C=np.inf).fit(
        X, y, sample_weight=weight
    )
    plain = LogisticRegression(C=np.inf).fit(X, y, sample_weight=weight)
    assert_allclose(train.class_prior_, np.bincount(y, weights=weight) / weight.sum())
    assert np.abs(train.predict_proba(X) - plain.predict_proba(X)).max() < 0.02


@pytest.mark.parametrize("n_classes", [2, 3])
def test_balanced_default_is_the_weighted_fit(n_classes):
    X, y, _ = _logistic_data(3, 500, n_classes)
    ours = BalancedLogisticRegression(**TIGHT).fit(X, y)
    ref = LogisticRegression(class_weight="balanced", **TIGHT).fit(X, y)
    assert ours.proba_prior == "balanced"
    assert_array_equal(ours.proba_offset_, np.zeros(n_classes))
    assert_allclose(ours.proba_prior_, np.full(n_classes, 1 / n_classes))
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_train_equals_balanced_without_class_weight(n_classes):
    X, y, _ = _logistic_data(4, 500, n_classes)
    models = _fit_all(X, y, ["balanced", "train"], class_weight=None)
    assert_array_equal(models["train"].proba_offset_, np.zeros(n_classes))
    assert_array_equal(models["train"].proba_prior_, models["train"].class_prior_)
    assert_allclose(models["balanced"].proba_prior_, models["train"].class_prior_)
    assert_array_equal(
        models["train"].predict_proba(X), models["balanced"].predict_proba(X)
    )
    assert_array_equal(
        models["train"].predict_log_proba(X), models["balanced"].predict_log_proba(X)
    )


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("class_weight", ["balanced", {1: 5.0}])
def test_bayes_rule_identities(n_classes, class_weight):
    X, y, _ = _logistic_data(5, 600, n_classes)
    weight = np.random.default_rng(5).uniform(0.5, 2.0, y.shape[0])
    deploy = np.arange(1, n_classes + 1) / (n_classes * (n_classes + 1) / 2)
    models = _fit_all(
        X,
        y,
        ["balanced", "train", deploy, 7 * deploy],
        sample_weight=weight,
        class_weight=class_weight,
    )
    reference = models["balanced"]
    for model in models.values():
        assert_array_equal(model.coef_, reference.coef_)
        assert_array_equal(model.intercept_, reference.intercept_)
    log_proba = {name: m.predict_log_proba(X) for name, m in models.items()}
    effective = reference.class_weight_ * reference.class_prior_
    assert_allclose(reference.proba_prior_, effective / effective.sum())
    priors = {
        "balanced": reference.proba_prior_,
        "train": reference.class_prior_,
        str(deploy): deploy,
        str(7 * deploy): deploy,
    }
    for name, prior in priors.items():
        assert_allclose(models[name].proba_prior_, prior)
        # log-odds ratios between two settings are log-prior ratios, exactly
        shift = log_proba[name] - log_proba["balanced"]
        expected = np.log(prior) - np.log(priors["balanced"])
        assert_allclose(
            shift - shift[:, :1],
            np.tile(expected - expected[0], (len(y), 1)),
            atol=1e-12,
        )
    # an array equal to the training frequencies is "train"; scaling changes nothing
    assert_allclose(log_proba[str(deploy)], log_proba[str(7 * deploy)])
    same_as_train = BalancedLogisticRegression(
        proba_prior=reference.class_prior_, class_weight=class_weight
    ).fit(X, y, sample_weight=weight)
    assert_allclose(same_as_train.predict_proba(X), models["train"].predict_proba(X))


def test_binary_shift_of_the_decision_function():
    X, y, _ = _logistic_data(6, 400, 2)
    model = BalancedLogisticRegression(proba_prior=[0.3, 0.7]).fit(X, y)
    q = model.class_weight_ * model.class_prior_
    shift = np.log(0.7 / 0.3) - np.log(q[1] / q[0])
    assert model.proba_offset_[1] - model.proba_offset_[0] == pytest.approx(shift)
    expected = expit(model.decision_function(X) + shift)
    assert_allclose(model.predict_proba(X)[:, 1], expected)
    assert_allclose(model.predict_log_proba(X), np.log(model.predict_proba(X)))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_predict_and_decision_function_ignore_proba_prior(n_classes):
    X, y, _ = _logistic_data(7, 800, n_classes)
    models = _fit_all(X, y, ["balanced", "train", np.full(n_classes, 1.0)])
    reference = models["balanced"]
    for model in models.values():
        assert_array_equal(model.predict(X), reference.predict(X))
        assert_array_equal(model.decision_function(X), reference.decision_function(X))
    # the balanced rule is kept although the "train" argmax would differ
    train = models["train"]
    argmax = train.classes_[train.predict_proba(X).argmax(axis=1)]
    assert (argmax != train.predict(X)).any()
    assert (argmax == train.classes_[0]).mean() > (train.predict(X) == 0).mean()


@pytest.mark.parametrize("n_classes", [2, 3])
def test_float32_and_normalised_probabilities(n_classes):
    X, y, _ = _logistic_data(8, 300, n_classes)
    X = X.astype(np.float32)
    model = BalancedLogisticRegression(proba_prior="train").fit(X, y)
    proba = model.predict_proba(X)
    assert proba.dtype == np.float32
    assert model.predict_log_proba(X).dtype == np.float32
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def test_class_prior_on_the_training_part_with_early_stopping():
    X, y, _ = _logistic_data(9, 1000, 2)
    model = BalancedLogisticRegression(
        proba_prior="train", early_stopping=True, random_state=0
    ).fit(X, y)
    train, _ = train_test_split(
        np.arange(1000), test_size=100, stratify=y, random_state=0
    )
    assert_allclose(model.class_prior_, np.bincount(y[train]) / 900)
    assert_allclose(model.proba_offset_, -np.log(model.class_weight_))


@pytest.mark.parametrize(
    ("proba_prior", "error", "match"),
    [
        ("uniform", InvalidParameterError, "'proba_prior' parameter"),
        (None, InvalidParameterError, "'proba_prior' parameter"),
        (0.5, InvalidParameterError, "'proba_prior' parameter"),
        ([0.5, 0.5], ValueError, r"proba_prior must hold .* \(3 classes"),
        ([[1, 1, 1]], ValueError, "proba_prior must hold"),
        ([1.0, 0.0, 1.0], ValueError, "proba_prior must hold one positive"),
        ([1.0, -1.0, 1.0], ValueError, "proba_prior must hold one positive"),
        ([1.0, np.nan, 1.0], ValueError, "proba_prior must hold one positive"),
        ([1.0, np.inf, 1.0], ValueError, "proba_prior must hold one positive"),
        (["a", "b", "c"], ValueError, "proba_prior must be 'balanced', 'train'"),
        ({0: 1.0}, ValueError, "proba_prior must be 'balanced', 'train'"),
    ],
)
def test_bad_proba_prior(proba_prior, error, match):
    X, y, _ = _logistic_data(10, 120, 3)
    with pytest.raises(error, match=match):
        BalancedLogisticRegression(proba_prior=proba_prior).fit(X, y)


def test_proba_prior_needs_classes_with_weight():
    X, y, _ = _logistic_data(11, 120, 3)
    zero_class = {0: 1.0, 1: 0.0, 2: 1.0}
    with pytest.raises(ValueError, match=r"proba_prior='train' needs .* \[1\]"):
        BalancedLogisticRegression(class_weight=zero_class, proba_prior="train").fit(
            X, y
        )
    weight = np.where(y == 2, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"proba_prior=\[1, 1, 1\] needs .* \[2\]"):
        BalancedLogisticRegression(class_weight=None, proba_prior=[1, 1, 1]).fit(
            X, y, sample_weight=weight
        )
    # "balanced" and "train" stay available where the shift is defined
    BalancedLogisticRegression(class_weight=zero_class).fit(X, y)
    BalancedLogisticRegression(class_weight=None, proba_prior="train").fit(
        X, y, sample_weight=weight
    )


def test_threshold_classifier_delegates_predict_proba():
    X, y, _ = _logistic_data(12, 600, 2)
    tuned = BalancedThresholdClassifier(
        BalancedLogisticRegression(proba_prior="train"), cv=3
    ).fit(X, y)
    assert_array_equal(tuned.predict_proba(X), tuned.estimator_.predict_proba(X))
    assert_array_equal(
        tuned.predict_log_proba(X), tuned.estimator_.predict_log_proba(X)
    )
