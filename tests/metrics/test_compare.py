"""Tests of the paired comparison of two classifiers' balanced accuracies.

References used:

- the paired counts against a plain Python count of every sample, and the
  scores against scikit-learn's ``balanced_accuracy_score``;
- the posterior lattice for one class against the exact CDF
  ``P(D <= x) = integral f_S(s) I_{(1 + x / s) / 2}(a, b) ds`` by quadrature, for
  several classes against a Monte Carlo of the Dirichlet model, and against a
  much finer lattice (convergence);
- the permutation p-value against the brute-force enumeration of every swap of
  the two predictions of every sample, scored with scikit-learn;
- the count-based paired bootstrap against ``scipy.stats.bootstrap`` resampling
  every class's samples of "only a right minus only b right" values.
"""

import inspect
import itertools

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from sklearn_balanced import (
    BalancedAccuracyComparison,
    compare_balanced_accuracy,
    compare_balanced_accuracy_from_counts,
)
from sklearn_balanced.metrics import _compare
from sklearn_balanced.metrics._beta_average import (
    dirichlet_difference_distribution,
    lattice_ppf,
)
from sklearn_balanced.metrics._compare import (
    DIFFERENCE_VALUES,
    paired_counts,
    permutation_p_value,
)
from sklearn_balanced.metrics._interval import bootstrap_replicates

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
METHODS = ["posterior", "bootstrap", "bootstrap-percentile"]


@st.composite
def paired_tables(draw, max_classes=3, max_count=12):
    """Per-class paired counts whose rows all have at least one sample."""
    n_classes = draw(st.integers(2, max_classes))
    table = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, max_count), min_size=4, max_size=4),
                min_size=n_classes,
                max_size=n_classes,
            )
        ),
        dtype=np.int64,
    )
    table[table.sum(axis=1) == 0, 0] = 1
    return table


def _labels_from_table(table):
    """Expand paired counts into (y_true, y_pred_a, y_pred_b) label arrays.

    A wrong prediction of class ``k`` is ``k + 1`` (mod the number of classes).
    """
    n_classes = table.shape[0]
    y_true, right_a, right_b = [], [], []
    for k, row in enumerate(table):
        for (a, b), count in zip(
            [(1, 1), (1, 0), (0, 1), (0, 0)], row.tolist(), strict=True
        ):
            y_true += [k] * count
            right_a += [a] * count
            right_b += [b] * count
    y_true = np.array(y_true)
    wrong = (y_true + 1) % n_classes
    return (
        y_true,
        np.where(right_a, y_true, wrong),
        np.where(right_b, y_true, wrong),
    )


def _monte_carlo_difference(table, n_draws, seed):
    """Draws of the posterior difference of balanced accuracies."""
    rng = np.random.default_rng(seed)
    total = np.zeros(n_draws)
    for row in table:
        theta = rng.dirichlet(row + 0.5, size=n_draws)
        total += theta[:, 1] - theta[:, 2]
    return total / table.shape[0]


def _exact_one_class_cdf(a, b, c, x):
    """P(A - B <= x) for (A, B, C) ~ Dirichlet(a, b, c), by quadrature.

    With S = A + B ~ Beta(a + b, c) and A / S ~ Beta(a, b) independent of S,
    P(A - B <= x | S = s) = I_{(1 + x / s) / 2}(a, b).
    """

    def integrand(s):
        share = np.clip((1.0 + x / s) / 2.0, 0.0, 1.0)
        return special.betainc(a, b, share) * stats.beta.pdf(s, a + b, c)

    mode = max(a + b - 1.0, 0.0) / max(a + b + c - 2.0, 1e-12)
    value, _ = integrate.quad(
        integrand, 0.0, 1.0, points=[abs(x), min(mode, 1.0)], limit=500, epsabs=1e-12
    )
    return value


# --- paired counts and scores --------------------------------------------------


@settings(max_examples=30, **SETTINGS)
@given(table=paired_tables(max_classes=4))
def test_paired_counts_and_scores_match_plain_counting(table):
    y_true, y_pred_a, y_pred_b = _labels_from_table(table)
    names = np.array(["ant", "bee", "cat", "dog"])
    for labels in (
        (y_true, y_pred_a, y_pred_b),
        tuple(names[y] for y in (y_true, y_pred_a, y_pred_b)),
    ):
        result = compare_balanced_accuracy(*labels, random_state=0)
        np.testing.assert_array_equal(result.counts, table)
        assert result.score_a == pytest.approx(
            skm.balanced_accuracy_score(labels[0], labels[1]), abs=1e-12
        )
        assert result.score_b == pytest.approx(
            skm.balanced_accuracy_score(labels[0], labels[2]), abs=1e-12
        )
        assert result.difference == pytest.approx(
            result.score_a - result.score_b, abs=1e-12
        )
        assert result.difference == pytest.approx(
            np.mean(result.recall_difference), abs=0
        )


def test_paired_counts_with_labels_and_weights():
    y_true = np.array([2, 2, 5, 5, 7, 7])
    y_pred_a = np.array([2, 5, 5, 9, 7, 2])
    y_pred_b = np.array([2, 2, 2, 5, 9, 2])
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    paired = paired_counts(
        y_true, y_pred_a, y_pred_b, labels=[5, 2], sample_weight=weights
    )
    np.testing.assert_array_equal(paired.classes, [5, 2])
    # Class 7 is left out; a prediction of 9 (not in labels) is an error.
    np.testing.assert_array_equal(paired.counts, [[0, 3, 4, 0], [1, 0, 2, 0]])
    np.testing.assert_array_equal(paired.squares, [25.0, 5.0])
    # A long input crosses the chunks of the counting loop.
    long = paired_counts(
        np.tile(y_true, 30_000), np.tile(y_pred_a, 30_000), np.tile(y_pred_b, 30_000)
    )
    np.testing.assert_array_equal(long.classes, [2, 3, 4, 5, 6, 7])
    expected = 30_000 * np.array([[1, 0, 1, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    np.testing.assert_array_equal(long.counts[[0, 3, 5]], expected)
    assert long.counts[[1, 2, 4]].sum() == 0


def test_weights_are_survey_weights():
    y_true, y_pred_a, y_pred_b = _labels_from_table(
        np.array([[30, 6, 2, 2], [300, 4, 12, 24]])
    )
    plain = compare_balanced_accuracy(y_true, y_pred_a, y_pred_b)
    unit = compare_balanced_accuracy(
        y_true, y_pred_a, y_pred_b, sample_weight=np.full(y_true.shape, 7.5)
    )
    for field in ["difference", "low", "high", "p_value", "prob_a_better"]:
        assert getattr(unit, field) == pytest.approx(getattr(plain, field), abs=1e-9)
    # Unequal weights: same shares, fewer effective samples, a wider interval.
    weights = np.where(np.arange(y_true.shape[0]) % 2 == 0, 1.0, 5.0)
    weighted = compare_balanced_accuracy(
        y_true, y_pred_a, y_pred_b, sample_weight=weights
    )
    assert weighted.high - weighted.low > plain.high - plain.low


# --- posterior ---------------------------------------------------------------


@settings(max_examples=15, **SETTINGS)
@given(
    counts=st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(0, 2000)),
    prior=st.sampled_from([0.5, 1.0]),
)
def test_posterior_lattice_matches_exact_one_class_cdf(counts, prior):
    """Quantiles within 1e-3 of the exact one-class law (the hardest case for
    the lattice: no average over classes smooths a skewed component)."""
    a, b, c = (float(count) + prior for count in counts)
    law = dirichlet_difference_distribution([a], [b], [c])
    levels = np.array([0.025, 0.5, 0.975])
    ours = lattice_ppf(law, levels)
    # Quantile error = CDF error / density, the density from the lattice law.
    density = 2e-4 / (lattice_ppf(law, levels + 1e-4) - lattice_ppf(law, levels - 1e-4))
    for quantile, level, slope in zip(ours, levels, density, strict=True):
        error = (_exact_one_class_cdf(a, b, c, quantile) - level) / slope
        assert abs(error) <= 1e-3


@settings(max_examples=20, **SETTINGS)
@given(table=paired_tables(max_classes=4, max_count=40))
def test_posterior_matches_monte_carlo(table):
    """Interval limits and P(a better) against 400k draws of the Dirichlet model."""
    result = compare_balanced_accuracy_from_counts(table)
    n_draws = 400_000
    sample = _monte_carlo_difference(table, n_draws, seed=int(table.sum()))

    def tolerance(p):
        return 5 * np.sqrt(p * (1 - p) / n_draws) + 1e-4

    assert abs(np.mean(sample <= result.low) - 0.025) <= tolerance(0.025)
    assert abs(np.mean(sample <= result.high) - 0.975) <= tolerance(0.025)
    better = np.mean(sample > 0)
    assert abs(result.prob_a_better - better) <= tolerance(max(better, 1e-4))
    assert result.low < result.high


@settings(max_examples=20, **SETTINGS)
@given(table=paired_tables(max_classes=5, max_count=10_000))
def test_posterior_lattice_has_the_exact_mean(table):
    """The discretisation preserves means: the lattice law's mean is exact."""
    prior = table + 0.5
    law = dirichlet_difference_distribution(
        prior[:, 1], prior[:, 2], prior[:, 0] + prior[:, 3]
    )
    nodes = law.start + law.step * np.arange(law.mass.shape[0])
    exact = np.mean((prior[:, 1] - prior[:, 2]) / prior.sum(axis=1))
    assert law.mass @ nodes == pytest.approx(exact, abs=1e-12)


@settings(max_examples=8, **SETTINGS)
@given(
    n_classes=st.integers(1, 5),
    log_size=st.lists(st.floats(0, 6), min_size=5, max_size=5),
    shares=st.lists(st.floats(0.0, 1.0), min_size=15, max_size=15),
)
def test_posterior_lattice_converges(n_classes, log_size, shares):
    """Default resolution within 1e-3 of a 4 times finer lattice."""
    sizes = np.round(10 ** np.array(log_size[:n_classes]))
    shares = np.array(shares[: 3 * n_classes]).reshape(n_classes, 3)
    table = np.column_stack(
        [np.round(shares[:, 0] * sizes), np.round(shares[:, 1] * shares[:, 2] * sizes)]
    )
    a = table[:, 1] + 0.5
    b = np.maximum(sizes - table.sum(axis=1), 0.0) * shares[:, 2] + 0.5
    c = table[:, 0] + 1.0
    levels = [0.025, 0.5, 0.975]
    coarse = dirichlet_difference_distribution(a, b, c)
    fine = dirichlet_difference_distribution(a, b, c, resolution=48)
    np.testing.assert_allclose(
        lattice_ppf(coarse, levels), lattice_ppf(fine, levels), rtol=0, atol=1e-3
    )


@pytest.mark.slow
@pytest.mark.parametrize("n_classes", [2, 5])
def test_posterior_large_counts_match_monte_carlo(n_classes):
    """Classes up to a million samples, against two million draws."""
    rng = np.random.default_rng(n_classes)
    sizes = np.round(10 ** rng.uniform(1, 6, n_classes))
    shares = rng.dirichlet([8, 1, 1, 2], size=n_classes)
    table = np.round(shares * sizes[:, np.newaxis])
    result = compare_balanced_accuracy_from_counts(table)
    n_draws = 2_000_000
    sample = _monte_carlo_difference(table, n_draws, seed=0)
    bound = 5 * np.sqrt(0.025 * 0.975 / n_draws)
    assert abs(np.mean(sample <= result.low) - 0.025) <= bound
    assert abs(np.mean(sample <= result.high) - 0.975) <= bound


# --- permutation test -----------------------------------------------------------


def _balanced_accuracy_rows(y_true, predictions):
    """Balanced accuracy of each row of ``predictions``, counted sample by sample."""
    recalls = [
        (predictions[:, y_true == k] == k).mean(axis=1) for k in np.unique(y_true)
    ]
    return np.mean(recalls, axis=0)


@settings(max_examples=20, **SETTINGS)
@given(table=paired_tables(max_classes=3, max_count=5))
def test_exact_p_value_matches_brute_force_swaps(table):
    """Every swap of the two predictions of every sample, counted one by one."""
    table = table.copy()
    table[:, 1:3] = np.minimum(table[:, 1:3], [3, 2] if len(table) == 2 else [1, 1])
    y_true, y_pred_a, y_pred_b = _labels_from_table(table)
    discordant = np.flatnonzero(y_pred_a != y_pred_b)
    flips = np.array(
        list(itertools.product([False, True], repeat=discordant.shape[0])), dtype=bool
    ).reshape(2 ** discordant.shape[0], discordant.shape[0])
    a = np.tile(y_pred_a, (flips.shape[0], 1))
    b = np.tile(y_pred_b, (flips.shape[0], 1))
    a[:, discordant] = np.where(flips, y_pred_b[discordant], y_pred_a[discordant])
    b[:, discordant] = np.where(flips, y_pred_a[discordant], y_pred_b[discordant])
    swapped = _balanced_accuracy_rows(y_true, a) - _balanced_accuracy_rows(y_true, b)
    observed = skm.balanced_accuracy_score(
        y_true, y_pred_a
    ) - skm.balanced_accuracy_score(y_true, y_pred_b)
    assert swapped[0] == pytest.approx(observed, abs=1e-12)  # no flip: the data
    expected = np.mean(np.abs(swapped) >= abs(observed) - 1e-12)
    result = compare_balanced_accuracy(y_true, y_pred_a, y_pred_b)
    assert result.p_value_exact
    assert result.p_value == pytest.approx(expected, abs=1e-10)


def test_one_class_p_value_is_mcnemars_exact_test():
    for only_a, only_b in [(8, 1), (0, 5), (13, 13), (30, 12)]:
        p_value, exact = permutation_p_value(
            np.array([only_a]), np.array([only_b]), np.array([200]), 99, None
        )
        expected = stats.binomtest(only_a, only_a + only_b, 0.5).pvalue
        assert exact
        assert p_value == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("only_a", "only_b", "sizes"),
    [([9, 3], [1, 8], [997, 1009]), ([40, 2, 7], [25, 5, 1], [120, 18, 30])],
)
def test_monte_carlo_p_value_agrees_with_exact(monkeypatch, only_a, only_b, sizes):
    only_a, only_b, sizes = (np.array(x, dtype=float) for x in (only_a, only_b, sizes))
    exact, is_exact = permutation_p_value(
        only_a, only_b, sizes, 99, np.random.RandomState(0)
    )
    assert is_exact
    monkeypatch.setattr(_compare, "EXACT_MAX_NODES", 0)
    estimate, is_exact = permutation_p_value(
        only_a, only_b, sizes, 40_000, np.random.RandomState(0)
    )
    assert not is_exact
    assert estimate == pytest.approx(
        exact, abs=5 * np.sqrt(exact * (1 - exact) / 40_000) + 1e-4
    )


def test_long_lattices_fall_back_to_monte_carlo():
    table = np.array([[5000, 400, 350, 248], [90000, 900, 1000, 7101]])
    result = compare_balanced_accuracy_from_counts(
        table, n_resamples=999, random_state=0
    )
    assert not result.p_value_exact
    assert result.p_value * 1000 == pytest.approx(round(result.p_value * 1000))


# --- bootstrap ---------------------------------------------------------------


def _scipy_paired_bootstrap(table, method, n_resamples, seed):
    """scipy.stats.bootstrap resampling each class's paired outcomes."""
    samples = [np.repeat(DIFFERENCE_VALUES, row) for row in table]

    def mean_of_means(*values, axis=-1):
        return np.mean([np.mean(x, axis=axis) for x in values], axis=0)

    seed_name = (
        "rng"
        if "rng" in inspect.signature(stats.bootstrap).parameters
        else "random_state"
    )
    return stats.bootstrap(
        samples,
        mean_of_means,
        vectorized=True,
        paired=False,
        n_resamples=n_resamples,
        method=method,
        **{seed_name: np.random.default_rng(seed)},
    ).confidence_interval


@settings(max_examples=10, **SETTINGS)
@given(table=paired_tables(max_classes=3, max_count=15))
def test_bootstrap_matches_scipy_stratified_bootstrap(table):
    """Same limits as scipy's multi-sample bootstrap, within a lattice step."""
    if np.all(table[:, 1:3] == 0) or np.any(np.count_nonzero(table, axis=1) == 1):
        table = table + np.array([0, 1, 1, 0])  # a spread scipy can bootstrap
    step = 1 / (table.shape[0] * table.sum(axis=1).min())
    for ours, theirs in [("bootstrap", "BCa"), ("bootstrap-percentile", "percentile")]:
        result = compare_balanced_accuracy_from_counts(
            table, method=ours, n_resamples=4000, random_state=1
        )
        reference = _scipy_paired_bootstrap(table, theirs, 4000, seed=2)
        assert result.low == pytest.approx(reference.low, abs=1.5 * step)
        assert result.high == pytest.approx(reference.high, abs=1.5 * step)


def test_paired_bootstrap_replicates_have_the_stratified_variance():
    table = np.array([[30, 8, 1, 1], [400, 5, 9, 46], [20, 0, 3, 7]], dtype=float)
    sizes = table.sum(axis=1)
    shares = table / sizes[:, np.newaxis]
    observed, replicates = bootstrap_replicates(
        shares, DIFFERENCE_VALUES, sizes, 40_000, np.random.RandomState(0)
    )
    means = shares @ DIFFERENCE_VALUES
    variances = shares @ DIFFERENCE_VALUES**2 - means**2
    variance = np.sum(variances / sizes) / 3**2
    assert observed == pytest.approx(means.mean(), abs=1e-12)
    assert replicates.mean() == pytest.approx(
        means.mean(), abs=5 * np.sqrt(variance / 40_000)
    )
    assert replicates.var() == pytest.approx(variance, rel=0.03)


# --- properties, determinism and bad input -----------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_swapping_the_models_mirrors_the_result(method):
    table = np.array([[30, 8, 1, 1], [400, 5, 9, 46]])
    forward = compare_balanced_accuracy_from_counts(
        table, method=method, random_state=0
    )
    backward = compare_balanced_accuracy_from_counts(
        table[:, [0, 2, 1, 3]], method=method, random_state=0
    )
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-15)
    assert backward.p_value == pytest.approx(forward.p_value, abs=1e-12)
    if method == "posterior":
        assert backward.low == pytest.approx(-forward.high, abs=1e-9)
        assert backward.high == pytest.approx(-forward.low, abs=1e-9)
        assert backward.prob_a_better == pytest.approx(
            1 - forward.prob_a_better, abs=1e-9
        )
    else:
        assert backward.prob_a_better is None


def test_identical_models_are_equal():
    y_true = np.repeat([0, 1, 2], [50, 30, 5])
    y_pred = np.roll(y_true, 7)
    result = compare_balanced_accuracy(y_true, y_pred, y_pred)
    assert result.difference == 0.0
    assert result.p_value == 1.0
    assert result.p_value_exact
    assert result.prob_a_better == pytest.approx(0.5, abs=1e-9)
    assert result.low == pytest.approx(-result.high, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_random_state_makes_results_reproducible(method):
    table = np.array([[5000, 400, 350, 248], [90000, 900, 1000, 7101]])
    first, second = (
        compare_balanced_accuracy_from_counts(
            table, method=method, n_resamples=500, random_state=7
        )
        for _ in range(2)
    )
    for field in ["low", "high", "p_value"]:
        assert getattr(first, field) == getattr(second, field)
    other = compare_balanced_accuracy_from_counts(
        table, method=method, n_resamples=500, random_state=8
    )
    assert other.p_value != first.p_value
    if method != "posterior":
        assert (other.low, other.high) != (first.low, first.high)


def test_posterior_with_an_exact_p_value_needs_no_seed():
    table = np.array([[30, 8, 1, 1], [400, 5, 9, 46]])
    first = compare_balanced_accuracy_from_counts(table, random_state=1)
    second = compare_balanced_accuracy_from_counts(table, random_state=2)
    assert (first.low, first.high, first.p_value) == (
        second.low,
        second.high,
        second.p_value,
    )


def test_result_is_frozen():
    result = compare_balanced_accuracy_from_counts([[3, 1, 0, 1], [5, 0, 2, 0]])
    assert isinstance(result, BalancedAccuracyComparison)
    with pytest.raises(AttributeError):
        result.difference = 0.0
    with pytest.raises(ValueError, match="read-only"):
        result.counts[0, 0] = 9


def test_huge_and_effective_counts():
    huge = compare_balanced_accuracy_from_counts(
        [[1e300, 3e298, 1e298, 0], [4e299, 0, 0, 1e299]]
    )
    assert huge.difference == pytest.approx(0.02 / 1.04 / 2)
    assert huge.low < huge.difference < huge.high
    assert huge.high - huge.low < 1e-6
    effective = compare_balanced_accuracy_from_counts(
        [[10.5, 3.2, 0.7, 1], [20, 0, 1.5, 4]]
    )
    assert effective.counts[0, 1] == 3.2
    assert 0.0 < effective.p_value <= 1.0


def test_inputs_are_not_modified():
    y_true = np.array([0, 0, 1, 1, 1])
    y_pred_a = np.array([0, 1, 1, 1, 0])
    y_pred_b = np.array([0, 0, 1, 0, 0])
    weights = np.array([1.0, 2.0, 1.0, 3.0, 1.0])
    copies = [x.copy() for x in (y_true, y_pred_a, y_pred_b, weights)]
    compare_balanced_accuracy(
        y_true, y_pred_a, y_pred_b, sample_weight=weights, method="bootstrap"
    )
    for original, copy in zip(
        (y_true, y_pred_a, y_pred_b, weights), copies, strict=True
    ):
        np.testing.assert_array_equal(original, copy)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_pred_b": [0, 1]}, r"y_pred_b: Found input variables with inconsistent"),
        ({"y_pred_a": [0, 1, 0.5]}, r"y_pred_a: .*mix of"),
        ({"y_pred_b": ["x", "y", "x"]}, r"y_pred_b: "),
        ({"y_true": [1, 1, 1]}, r"at least two classes .* got 1"),
        ({"labels": [0, 1, 2]}, r"labels needs true samples.*\[2\]"),
        ({"sample_weight": [1, 1, -1]}, "sample_weight must be non-negative"),
        ({"sample_weight": [0, 1, 1]}, r"at least two classes .* got 1"),
        ({"method": "exact"}, "'method' parameter"),
        ({"confidence": 1.0}, "'confidence' parameter"),
        ({"n_resamples": 0}, "'n_resamples' parameter"),
    ],
)
def test_bad_labels_raise(kwargs, match):
    arguments = {"y_true": [0, 1, 1], "y_pred_a": [0, 1, 0], "y_pred_b": [1, 1, 0]}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        compare_balanced_accuracy(**arguments)


@pytest.mark.parametrize(
    ("counts", "match"),
    [
        ([[1, 2, 3, 4]], r"shape \(n_classes, 4\).*got shape \(1, 4\)"),
        ([[1, 2, 3], [4, 5, 6]], r"got shape \(2, 3\)"),
        ([1, 2, 3, 4], r"got shape \(4,\)"),
        ([["a", "b", "c", "d"], ["a", "b", "c", "d"]], "numeric"),
        ([[1, 2, np.nan, 4], [1, 1, 1, 1]], "finite"),
        ([[1, 2, -3, 4], [1, 1, 1, 1]], "non-negative"),
        ([[1, 2, 3, 4], [0, 0, 0, 0]], r"rows \[1\] sum to zero"),
    ],
)
def test_bad_counts_raise(counts, match):
    with pytest.raises(ValueError, match=match):
        compare_balanced_accuracy_from_counts(counts)
