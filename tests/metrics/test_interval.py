"""Tests of the posterior and bootstrap intervals of the balanced accuracy.

References used:

- the posterior against a Monte Carlo of the same Beta model, and for two classes
  against the exact CDF ``P(S <= s) = integral F_1(2 s - y) f_2(y) dy`` by
  quadrature;
- the lattice algorithm against a much finer lattice (convergence);
- the count-based bootstrap against ``scipy.stats.bootstrap`` resampling every
  class's samples (a multi-sample bootstrap is a stratified bootstrap), and the
  closed-form BCa acceleration against a brute-force jackknife of scikit-learn's
  ``balanced_accuracy_score``.
"""

import inspect

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, special, stats

from sklearn_balanced import (
    BalancedAccuracyInterval,
    balanced_accuracy_interval,
    balanced_accuracy_interval_from_confusion_matrix,
)
from sklearn_balanced.metrics._beta_average import (
    LatticeDistribution,
    _lattice_span,
    _window,
    beta_average_distribution,
    lattice_cdf,
    lattice_mode,
    lattice_ppf,
)
from sklearn_balanced.metrics._beta_cells import discretize_beta
from sklearn_balanced.metrics._interval import (
    RECALL_VALUES,
    bca_acceleration,
    bootstrap_replicates,
)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
METHODS = ["posterior", "bootstrap", "bootstrap-percentile"]


@st.composite
def confusion_matrices(draw, max_classes=4, max_count=30):
    """Square count matrices whose rows all have at least one sample."""
    n_classes = draw(st.integers(2, max_classes))
    entries = st.integers(0, max_count)
    matrix = np.array(
        draw(
            st.lists(
                st.lists(entries, min_size=n_classes, max_size=n_classes),
                min_size=n_classes,
                max_size=n_classes,
            )
        ),
        dtype=np.int64,
    )
    empty = matrix.sum(axis=1) == 0
    matrix[empty, 0] = 1
    return matrix


def _labels_from_matrix(matrix):
    """Expand a confusion matrix into (y_true, y_pred) label arrays."""
    n_classes = matrix.shape[0]
    true_codes = np.repeat(np.arange(n_classes), matrix.sum(axis=1))
    pred_codes = np.concatenate(
        [np.repeat(np.arange(n_classes), row) for row in matrix]
    )
    return true_codes, pred_codes


def _matrix_from_counts(correct, support):
    """A confusion matrix whose errors of class k all go to class k + 1."""
    n_classes = correct.shape[0]
    matrix = np.diag(correct)
    matrix[np.arange(n_classes), (np.arange(n_classes) + 1) % n_classes] = (
        support - correct
    )
    return matrix


def _outcomes(recall):
    """Per-class shares of the (correct, wrong) outcomes."""
    return np.column_stack([recall, 1.0 - recall])


def _posterior_parameters(matrix):
    correct = np.diagonal(matrix).astype(float)
    support = matrix.sum(axis=1).astype(float)
    return correct + 1.0, support - correct + 1.0


def _monte_carlo_average(alpha, beta, n_draws, seed):
    rng = np.random.default_rng(seed)
    draws = rng.beta(alpha, beta, size=(n_draws, alpha.shape[0]))
    return draws.mean(axis=1)


def _exact_two_class_cdf(alpha, beta, s):
    """P((X1 + X2) / 2 <= s) for independent Betas, by quadrature."""

    def integrand(y):
        return special.betainc(alpha[0], beta[0], np.clip(2.0 * s - y, 0, 1)) * (
            _beta_pdf(y, alpha[1], beta[1])
        )

    centre = alpha[1] / (alpha[1] + beta[1])
    value, _ = integrate.quad(
        integrand, 0.0, 1.0, points=[centre], limit=400, epsabs=1e-12
    )
    return value


def _beta_pdf(x, a, b):
    """Beta density, zero outside [0, 1]."""
    inside = np.clip(x, 0.0, 1.0)
    density = np.exp(
        special.xlogy(a - 1, inside)
        + special.xlog1py(b - 1, -inside)
        - special.betaln(a, b)
    )
    return np.where(inside == x, density, 0.0)


# --- posterior ---------------------------------------------------------------


@settings(max_examples=25, **SETTINGS)
@given(matrix=confusion_matrices(), confidence=st.sampled_from([0.5, 0.9, 0.95]))
def test_posterior_matches_monte_carlo(matrix, confidence):
    """Interval limits, mean and P(BA <= chance) against 200k draws of the model."""
    result = balanced_accuracy_interval_from_confusion_matrix(
        matrix, confidence=confidence
    )
    alpha, beta = _posterior_parameters(matrix)
    n_draws = 200_000
    sample = _monte_carlo_average(alpha, beta, n_draws, seed=int(matrix.sum()))
    tail = (1 - confidence) / 2

    def tolerance(p):
        return 5 * np.sqrt(p * (1 - p) / n_draws) + 1e-6

    assert abs(np.mean(sample <= result.low) - tail) <= tolerance(tail)
    assert abs(np.mean(sample <= result.high) - (1 - tail)) <= tolerance(tail)
    chance = 1 / matrix.shape[0]
    p_below = np.mean(sample <= chance)
    assert abs(result.p_below_chance - p_below) <= tolerance(max(p_below, 1e-6))
    assert result.mean == pytest.approx(np.mean(alpha / (alpha + beta)), abs=1e-12)
    assert abs(result.mean - sample.mean()) <= 5 * sample.std() / np.sqrt(n_draws)
    assert result.score == pytest.approx(
        skm.balanced_accuracy_score(*_labels_from_matrix(matrix)), abs=1e-12
    )
    assert result.low < result.high
    assert result.n_classes == matrix.shape[0]


@settings(max_examples=25, **SETTINGS)
@given(
    support=st.tuples(st.integers(1, 2000), st.integers(1, 2000)),
    fraction=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_posterior_two_classes_matches_exact_cdf(support, fraction):
    """For two classes the CDF is a 1-D integral: the limits must hit the tails."""
    support = np.array(support)
    correct = np.round(np.array(fraction) * support).astype(int)
    matrix = _matrix_from_counts(correct, support)
    result = balanced_accuracy_interval_from_confusion_matrix(matrix)
    alpha, beta = _posterior_parameters(matrix)
    assert _exact_two_class_cdf(alpha, beta, result.low) == pytest.approx(
        0.025, abs=1e-5
    )
    assert _exact_two_class_cdf(alpha, beta, result.high) == pytest.approx(
        0.975, abs=1e-5
    )
    assert result.p_below_chance == pytest.approx(
        _exact_two_class_cdf(alpha, beta, 0.5), abs=1e-5
    )


@pytest.mark.parametrize(
    ("alpha", "beta"),
    [([41.0, 46.0], [12.0, 6.0]), ([3.0, 2.0], [1.0, 2.0]), ([8.0, 300.0], [4.0, 9.0])],
)
def test_posterior_mode_matches_density_maximum(alpha, beta):
    """The mode is where the exact two-class density (by quadrature) peaks."""
    alpha, beta = np.array(alpha), np.array(beta)
    matrix = np.array(
        [[alpha[0] - 1, beta[0] - 1], [beta[1] - 1, alpha[1] - 1]], dtype=int
    )
    result = balanced_accuracy_interval_from_confusion_matrix(matrix)

    def negative_density(s):
        value, _ = integrate.quad(
            lambda y: (
                _beta_pdf(2 * s - y, alpha[0], beta[0])
                * _beta_pdf(y, alpha[1], beta[1])
            ),
            0.0,
            1.0,
            limit=400,
        )
        return -2.0 * value

    best = optimize.minimize_scalar(
        negative_density, bounds=(result.low, result.high), method="bounded"
    )
    assert result.mode == pytest.approx(best.x, abs=2e-4)


@settings(max_examples=15, **SETTINGS)
@given(
    n_classes=st.integers(2, 10),
    log_support=st.lists(st.floats(0, 6), min_size=10, max_size=10),
    fraction=st.lists(st.floats(0, 1), min_size=10, max_size=10),
)
def test_lattice_converges(n_classes, log_support, fraction):
    """Default lattice within 1e-6 of a 16 times finer one, counts up to 1e6."""
    support = np.round(10 ** np.array(log_support[:n_classes]))
    correct = np.round(np.array(fraction[:n_classes]) * support)
    alpha, beta = correct + 1, support - correct + 1
    levels = [0.005, 0.025, 0.5, 0.975, 0.995]
    coarse = lattice_ppf(beta_average_distribution(alpha, beta), levels)
    fine = lattice_ppf(beta_average_distribution(alpha, beta, n_nodes=2**18), levels)
    np.testing.assert_allclose(coarse, fine, rtol=0, atol=1e-6)


@settings(max_examples=30, **SETTINGS)
@given(
    st.lists(
        st.tuples(
            st.floats(0.5, 1e4),
            st.floats(0.5, 1e4),
            st.integers(1, 300),
            st.floats(-1, 1),
            st.floats(0.1, 2),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_discretized_laws_side_by_side_are_the_laws_alone(laws):
    """A batch of ragged windows: every law keeps its mass, its mean, and the
    masses it has alone (nothing leaks between neighbouring laws)."""
    alpha, beta, n_steps, loc, scale = map(np.array, zip(*laws, strict=True))
    low, high = _window(alpha, beta)
    low, high = loc + scale * low, loc + scale * high
    step = np.maximum(high - low, 1e-300) / n_steps
    first, last = _lattice_span(low, high, step)
    mass = discretize_beta(alpha, beta, first, last, step, loc, scale)
    assert mass.shape == (len(laws), np.max(last - first) + 1)
    nodes = (first[:, np.newaxis] + np.arange(mass.shape[1])) * step[:, np.newaxis]
    np.testing.assert_allclose(mass.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    mean = loc + scale * alpha / (alpha + beta)
    np.testing.assert_allclose(np.sum(mass * nodes, axis=1), mean, rtol=0, atol=1e-10)
    for k in range(len(laws)):
        alone = discretize_beta(
            alpha[k], beta[k], first[k], last[k], step[k], loc[k], scale[k]
        )
        np.testing.assert_array_equal(mass[k, : alone.shape[0]], alone)
        assert not mass[k, alone.shape[0] :].any()


def test_a_window_of_one_node_takes_the_whole_mass():
    # How _drift lays point masses on the lattice.
    mass = discretize_beta([1.0, 2.0], [1.0, 3.0], [0, 0], [0, 2], 0.5)
    np.testing.assert_array_equal(mass[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(mass[1].sum(), 1.0, rtol=0, atol=1e-15)


def test_lattice_helpers_on_a_small_law():
    law = LatticeDistribution(start=1.0, step=0.5, mass=np.array([0.5, 0.3, 0.2]))
    assert lattice_mode(law) == 1.0  # largest mass on the first node
    peaked = LatticeDistribution(start=0.0, step=1.0, mass=np.array([0.2, 0.5, 0.3]))
    assert lattice_mode(peaked) == pytest.approx(1.0 + 0.5 * (0.2 - 0.3) / -0.5)
    # Node CDF counts half of each node's mass; outside the nodes it is 0 or 1.
    np.testing.assert_allclose(
        lattice_cdf(law, [0.0, 1.0, 1.5, 2.0, 9.0]), [0, 0.25, 0.65, 0.9, 1]
    )
    np.testing.assert_allclose(lattice_ppf(law, [0.25, 0.65, 0.9]), [1.0, 1.5, 2.0])


def test_windows_of_huge_shapes_hold_the_mass_in_a_few_deviations():
    """SciPy's betaincinv misses the 1e-10 quantiles of Beta(3.5e14, 8.7e15), the
    sum of a class of huge counts: SciPy 1.11 answered 4e6 standard deviations
    out (a lattice of 3e7 nodes a row, 7 GB), SciPy 1.17 1.7 and 3.9 deviations
    in (the tails cut). The window holds the normal quantiles (6.36 deviations;
    the skewness is 1e-7) within the sub-Gaussian bound (17.6 deviations)."""
    alpha, beta, tail = np.array([3.46430741e14]), np.array([8.66076851e15]), 1e-10
    low, high = _window(alpha, beta, tail)
    mean = alpha / (alpha + beta)
    deviation = np.sqrt(mean * (1 - mean) / (alpha + beta + 1))
    assert (low - mean) / deviation <= stats.norm.ppf(tail) * (1 - 1e-3)
    assert (high - mean) / deviation >= stats.norm.isf(tail) * (1 - 1e-3)
    bound = np.sqrt(np.log(1 / tail) / (2 * (alpha + beta + 1))) / deviation
    assert (high - mean) / deviation <= bound * (1 + 1e-9)
    assert (mean - low) / deviation <= bound * (1 + 1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("n_classes", [2, 5, 10])
def test_posterior_large_counts_match_monte_carlo(n_classes):
    """Counts up to a million per class, against two million draws."""
    rng = np.random.default_rng(n_classes)
    support = np.round(10 ** rng.uniform(0, 6, n_classes))
    correct = np.round(rng.uniform(0, 1, n_classes) * support)
    matrix = _matrix_from_counts(correct, support)
    result = balanced_accuracy_interval_from_confusion_matrix(matrix)
    alpha, beta = correct + 1, support - correct + 1
    n_draws = 2_000_000
    sample = _monte_carlo_average(alpha, beta, n_draws, seed=0)
    bound = 5 * np.sqrt(0.025 * 0.975 / n_draws)
    assert abs(np.mean(sample <= result.low) - 0.025) <= bound
    assert abs(np.mean(sample <= result.high) - 0.975) <= bound


@pytest.mark.parametrize("n_classes", [2, 3, 7])
@pytest.mark.parametrize("size", [1, 5, 400])
def test_all_correct_and_all_wrong_limits(n_classes, size):
    """Exact limits: perfect and useless classifiers, mirrored posteriors."""
    perfect = np.diag(np.full(n_classes, size))
    useless = np.roll(perfect, 1, axis=1)
    best = balanced_accuracy_interval_from_confusion_matrix(perfect)
    worst = balanced_accuracy_interval_from_confusion_matrix(useless)
    assert best.score == 1.0
    assert worst.score == 0.0
    assert 0.0 < best.low < best.high < 1.0
    assert best.low < best.mode < 1.0
    assert worst.mode == pytest.approx(1.0 - best.mode, abs=1e-6)
    # Swapping right and wrong reflects the posterior about 1/2.
    assert worst.low == pytest.approx(1.0 - best.high, abs=1e-7)
    assert worst.high == pytest.approx(1.0 - best.low, abs=1e-7)
    assert worst.mean == pytest.approx(1.0 - best.mean, abs=1e-12)
    assert best.p_below_chance < worst.p_below_chance
    # Two classes: the lower limit against the exact CDF.
    if n_classes == 2:
        alpha, beta = np.full(2, size + 1.0), np.ones(2)
        assert _exact_two_class_cdf(alpha, beta, best.low) == pytest.approx(
            0.025, abs=1e-5
        )
    for method in ["bootstrap", "bootstrap-percentile"]:
        for matrix, value in [(perfect, 1.0), (useless, 0.0)]:
            boot = balanced_accuracy_interval_from_confusion_matrix(
                matrix, method=method, n_resamples=50, random_state=0
            )
            assert (boot.low, boot.score, boot.high) == (value, value, value)


# --- bootstrap ---------------------------------------------------------------


def _scipy_stratified_bootstrap(matrix, method, n_resamples, seed):
    """scipy.stats.bootstrap resampling each class's samples independently.

    Each class is one sample of "was this sample predicted right" indicators; the
    statistic, the mean of the per-class means, is the balanced accuracy.
    """
    samples = [
        np.repeat([1.0, 0.0], [row[k], row.sum() - row[k]])
        for k, row in enumerate(matrix)
    ]

    def mean_of_means(*indicators, axis=-1):
        return np.mean([np.mean(x, axis=axis) for x in indicators], axis=0)

    # SciPy 1.15 renamed ``random_state`` to ``rng``; older SciPy only knows the former.
    seed_name = (
        "rng"
        if "rng" in inspect.signature(stats.bootstrap).parameters
        else ("random_state")
    )
    result = stats.bootstrap(
        samples,
        mean_of_means,
        vectorized=True,
        paired=False,
        n_resamples=n_resamples,
        method=method,
        confidence_level=0.95,
        **{seed_name: np.random.default_rng(seed)},
    )
    return result.confidence_interval


@st.composite
def skewed_matrices(draw):
    """Binary matrices with a rare class that is nearly always missed: a skewed
    bootstrap distribution, where bias correction and acceleration matter."""
    rare = draw(st.integers(15, 60))
    found = draw(st.integers(1, 3))
    common = draw(st.integers(20, 200))
    missed = draw(st.integers(1, 3))
    return np.array([[found, rare - found], [missed, common - missed]])


def _assert_same_as_scipy(matrix, tolerance_in_steps):
    step = 1 / (matrix.shape[0] * matrix.sum(axis=1).min())
    for ours, theirs in [("bootstrap", "BCa"), ("bootstrap-percentile", "percentile")]:
        result = balanced_accuracy_interval_from_confusion_matrix(
            matrix, method=ours, n_resamples=4000, random_state=1
        )
        reference = _scipy_stratified_bootstrap(matrix, theirs, 4000, seed=2)
        assert result.low == pytest.approx(reference.low, abs=tolerance_in_steps * step)
        assert result.high == pytest.approx(
            reference.high, abs=tolerance_in_steps * step
        )


@settings(max_examples=12, **SETTINGS)
@given(matrix=confusion_matrices(max_classes=3, max_count=12))
def test_bootstrap_matches_scipy_stratified_bootstrap(matrix):
    """Same limits as scipy's multi-sample bootstrap, within a lattice step.

    The replicates live on a lattice of step ``1 / (K * n_k)``; the two Monte
    Carlo runs can pick neighbouring lattice points.
    """
    # scipy needs two samples per class and a non-degenerate distribution.
    _assert_same_as_scipy(matrix + 1, tolerance_in_steps=1.25)


@settings(max_examples=10, **SETTINGS)
@given(matrix=skewed_matrices())
def test_bca_matches_scipy_on_skewed_distributions(matrix):
    """Tight enough that a wrong acceleration (sign or zero) fails it."""
    _assert_same_as_scipy(matrix, tolerance_in_steps=0.75)


@settings(max_examples=15, **SETTINGS)
@given(matrix=confusion_matrices(max_classes=4, max_count=40))
def test_bootstrap_replicates_have_the_stratified_moments(matrix):
    """Replicates: mean BA and the exact stratified-bootstrap variance."""
    support = matrix.sum(axis=1).astype(float)
    recall = np.diagonal(matrix) / support
    observed, replicates = bootstrap_replicates(
        _outcomes(recall), RECALL_VALUES, support, 20000, np.random.RandomState(0)
    )
    k = matrix.shape[0]
    variance = np.sum(recall * (1 - recall) / support) / k**2
    assert observed == pytest.approx(recall.mean(), abs=1e-12)
    bound = 5 * np.sqrt(variance / 20000) + 1e-12
    assert abs(replicates.mean() - recall.mean()) <= bound
    if variance > 0:
        assert replicates.var() == pytest.approx(variance, rel=0.06)
    else:
        assert np.all(replicates == observed)


@settings(max_examples=20, **SETTINGS)
@given(matrix=confusion_matrices(max_classes=3, max_count=8))
def test_bca_acceleration_matches_brute_force_jackknife(matrix):
    """Closed form against leave-one-out balanced accuracy of every sample."""
    y_true, y_pred = _labels_from_matrix(matrix)
    support = matrix.sum(axis=1).astype(float)
    recall = np.diagonal(matrix) / support
    numerator = denominator = 0.0
    for k in range(matrix.shape[0]):
        members = np.flatnonzero(y_true == k)
        n = members.shape[0]
        if n == 1:
            continue  # leaving the only sample out removes the class
        left_out = np.array(
            [
                skm.balanced_accuracy_score(np.delete(y_true, i), np.delete(y_pred, i))
                for i in members
            ]
        )
        influence = (n - 1) * (left_out.mean() - left_out)
        numerator += np.sum(influence**3) / n**3
        denominator += np.sum(influence**2) / n**2
    singletons = support == 1
    expected = 0.0 if denominator == 0 else numerator / (6 * denominator**1.5)
    if singletons.any():
        # A class of one sample has no jackknife; its recall is 0 or 1 and
        # contributes nothing to either sum of the closed form either.
        assert np.all((recall[singletons] == 0) | (recall[singletons] == 1))
    acceleration = bca_acceleration(_outcomes(recall), RECALL_VALUES, support)
    assert acceleration == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("matrix", "side"),
    [([[1, 999], [0, 50]], "high"), ([[999, 1], [0, 50]], "low")],
)
def test_bca_beyond_the_pole_takes_the_extreme_replicate(matrix, side):
    """With a * z >= 1 the BCa level is 0 or 1: the extreme replicate."""
    result = balanced_accuracy_interval_from_confusion_matrix(
        matrix, method="bootstrap", confidence=1 - 1e-9, random_state=3
    )
    matrix = np.array(matrix, dtype=float)
    support = matrix.sum(axis=1)
    _, replicates = bootstrap_replicates(
        _outcomes(np.diagonal(matrix) / support),
        RECALL_VALUES,
        support,
        9999,
        np.random.RandomState(3),
    )
    extreme = replicates.max() if side == "high" else replicates.min()
    assert getattr(result, side) == extreme


# --- labels, weights and the two entry points ---------------------------------


@settings(max_examples=15, **SETTINGS)
@given(matrix=confusion_matrices(max_classes=4, max_count=15))
def test_labels_and_matrix_entry_points_agree(matrix):
    y_true, y_pred = _labels_from_matrix(matrix)
    names = np.array(["ant", "bee", "cat", "dog"])[: matrix.shape[0]]
    for method in METHODS:
        from_labels = balanced_accuracy_interval(
            names[y_true], names[y_pred], method=method, random_state=4
        )
        from_matrix = balanced_accuracy_interval_from_confusion_matrix(
            matrix, method=method, random_state=4
        )
        assert from_labels.score == pytest.approx(from_matrix.score, abs=1e-12)
        for field in ["low", "high", "mean", "mode", "p_below_chance"]:
            value = getattr(from_labels, field)
            if value is None:
                assert getattr(from_matrix, field) is None
            else:
                assert value == pytest.approx(getattr(from_matrix, field), abs=1e-12)


def test_equal_weights_change_nothing():
    y_true, y_pred = _labels_from_matrix(np.array([[30, 5], [4, 9]]))
    plain = balanced_accuracy_interval(y_true, y_pred)
    for weight in [1.0, 3.5]:
        weighted = balanced_accuracy_interval(
            y_true, y_pred, sample_weight=np.full(y_true.shape[0], weight)
        )
        assert weighted.low == pytest.approx(plain.low, abs=1e-12)
        assert weighted.high == pytest.approx(plain.high, abs=1e-12)


def test_unequal_weights_use_kish_effective_counts():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 300)
    y_pred = np.where(rng.random(300) < 0.7, y_true, rng.integers(0, 3, 300))
    weights = rng.uniform(0.1, 3.0, 300)
    weights_before = weights.copy()
    result = balanced_accuracy_interval(y_true, y_pred, sample_weight=weights)
    np.testing.assert_array_equal(weights, weights_before)
    assert result.score == pytest.approx(
        skm.balanced_accuracy_score(y_true, y_pred, sample_weight=weights)
    )
    # The same posterior from the effective counts written as a matrix.
    rows = []
    for k in range(3):
        w = weights[y_true == k]
        recall = w[y_pred[y_true == k] == k].sum() / w.sum()
        size = w.sum() ** 2 / np.sum(w**2)
        row = np.zeros(3)
        row[k], row[(k + 1) % 3] = recall * size, (1 - recall) * size
        rows.append(row)
    expected = balanced_accuracy_interval_from_confusion_matrix(np.array(rows))
    assert result.low == pytest.approx(expected.low, abs=1e-10)
    assert result.high == pytest.approx(expected.high, abs=1e-10)
    unweighted = balanced_accuracy_interval(y_true, y_pred)
    assert result.high - result.low > unweighted.high - unweighted.low
    boot = balanced_accuracy_interval(
        y_true, y_pred, sample_weight=weights, method="bootstrap", random_state=0
    )
    assert boot.low < result.score < boot.high


def test_classes_only_predicted_are_left_out_like_the_score():
    y_true = [0, 0, 0, 1, 1, 1, 1]
    y_pred = [0, 2, 0, 1, 1, 2, 1]
    with pytest.warns(UserWarning, match="y_pred contains classes not in y_true"):
        implicit = balanced_accuracy_interval(y_true, y_pred)
    explicit = balanced_accuracy_interval(y_true, y_pred, labels=[0, 1])
    assert implicit == explicit
    assert implicit.n_classes == 2


def test_inputs_are_not_mutated_and_results_are_deterministic():
    y_true = np.array([0] * 12 + [1] * 30)
    y_pred = np.array([0] * 9 + [1] * 3 + [1] * 25 + [0] * 5)
    copies = y_true.copy(), y_pred.copy()
    for method in METHODS:
        first = balanced_accuracy_interval(
            y_true, y_pred, method=method, random_state=7
        )
        second = balanced_accuracy_interval(
            y_true, y_pred, method=method, random_state=7
        )
        assert first == second
        assert isinstance(first, BalancedAccuracyInterval)
        assert first.method == method
        assert first.confidence == 0.95
    rng = np.random.RandomState(7)
    from_instance = balanced_accuracy_interval(
        y_true, y_pred, method="bootstrap", random_state=rng
    )
    assert from_instance == balanced_accuracy_interval(
        y_true, y_pred, method="bootstrap", random_state=7
    )
    np.testing.assert_array_equal(y_true, copies[0])
    np.testing.assert_array_equal(y_pred, copies[1])
    with pytest.raises(AttributeError):
        first.low = 0.0


def test_wider_confidence_gives_wider_interval():
    matrix = np.array([[40, 10], [3, 17]])
    widths = []
    for confidence in [0.5, 0.8, 0.95, 0.99]:
        result = balanced_accuracy_interval_from_confusion_matrix(
            matrix, confidence=confidence
        )
        widths.append(result.high - result.low)
    assert np.all(np.diff(widths) > 0)


def test_bootstrap_fields_are_posterior_only():
    result = balanced_accuracy_interval_from_confusion_matrix(
        [[5, 1], [2, 6]], method="bootstrap-percentile", random_state=0
    )
    assert (result.mean, result.mode, result.p_below_chance) == (None, None, None)


# --- errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"confidence": 0.0}, "'confidence' parameter"),
        ({"confidence": 1.0}, "'confidence' parameter"),
        ({"confidence": 1.5}, "'confidence' parameter"),
        ({"confidence": "high"}, "'confidence' parameter"),
        ({"method": "jackknife"}, "'method' parameter"),
        ({"n_resamples": 0}, "'n_resamples' parameter"),
        ({"n_resamples": 2.5}, "'n_resamples' parameter"),
        ({"random_state": "seed"}, "'random_state' parameter"),
    ],
)
def test_invalid_options_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        balanced_accuracy_interval([0, 1, 1], [0, 1, 0], **kwargs)
    with pytest.raises(ValueError, match=match):
        balanced_accuracy_interval_from_confusion_matrix([[1, 0], [1, 1]], **kwargs)


def test_one_class_targets_are_rejected():
    with pytest.raises(ValueError, match=r"at least two classes .* in y_true, got 1"):
        balanced_accuracy_interval([1, 1, 1], [1, 0, 1])
    with pytest.raises(ValueError, match="C must describe at least two classes"):
        balanced_accuracy_interval_from_confusion_matrix([[4]])


def test_empty_classes_are_rejected():
    with pytest.raises(ValueError, match=r"labels needs true samples.*\[2\]"):
        balanced_accuracy_interval([0, 1, 1], [0, 1, 2], labels=[0, 1, 2])
    with pytest.raises(ValueError, match=r"labels needs true samples.*\[1\]"):
        balanced_accuracy_interval(
            [0, 1, 1, 0], [0, 1, 1, 0], labels=[0, 1], sample_weight=[1, 0, 0, 1]
        )
    with pytest.raises(ValueError, match=r"rows \[1\] sum to zero"):
        balanced_accuracy_interval_from_confusion_matrix(
            [[3, 1, 0], [0, 0, 0], [1, 0, 2]]
        )


def test_invalid_data_errors_come_from_the_metric():
    with pytest.raises(ValueError, match="sample_weight"):
        balanced_accuracy_interval([0, 1], [0, 1], sample_weight=[1, -1])
    with pytest.raises(ValueError, match="C must be non-negative"):
        balanced_accuracy_interval_from_confusion_matrix([[1, -1], [0, 2]])
    with pytest.raises(ValueError, match="square"):
        balanced_accuracy_interval_from_confusion_matrix([[1, 2, 3], [0, 2, 1]])
