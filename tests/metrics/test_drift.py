"""Tests of the drop probability and change interval of balanced accuracies."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sklearn_balanced.metrics import _drift, _lattice_laws
from sklearn_balanced.metrics._drift import (
    _drop_probabilities,
    balanced_accuracy_change,
    drop_probability,
    flag_drops,
)

#: Accuracy of the lattice probabilities, checked against exact values (Fisher's
#: test, for one class) in ``test_one_class_is_fishers_exact_test``.
LATTICE_ERROR = 1e-3
#: Monte Carlo draws, and the number of standard errors allowed: a correct
#: probability misses by more than 5 SE with probability 6e-7.
N_DRAWS = 100_000
N_SE = 5.0


def _draw_recalls(alpha, beta, rng):
    """Draws of Beta variables whose parameters may be 0 (point masses)."""
    point = (alpha == 0) | (beta == 0)
    draws = rng.beta(
        np.where(point, 1.0, alpha),
        np.where(point, 1.0, beta),
        size=(N_DRAWS, alpha.shape[0]),
    )
    return np.where(point, (beta == 0).astype(float), draws)


def _draw_differences(alpha, beta, ref_alpha, ref_beta, rng):
    x = _draw_recalls(np.asarray(alpha, float), np.asarray(beta, float), rng)
    y = _draw_recalls(np.asarray(ref_alpha, float), np.asarray(ref_beta, float), rng)
    return x.mean(axis=1) - y.mean(axis=1)


def _mc_tolerance(p):
    return N_SE * np.sqrt(p * (1.0 - p) / N_DRAWS) + LATTICE_ERROR


# Per-class counts (correct, support) of a group and of its reference.
MC_CASES = [
    ([3, 40], [5, 45], [10, 30], [14, 33]),
    ([1, 1], [1, 2], [9, 18], [10, 20]),
    ([0, 5, 7], [2, 5, 9], [1, 30, 60], [3, 31, 70]),
    ([950, 48], [1000, 50], [9000, 470], [10000, 500]),
    ([12, 2973], [12, 2974], [12, 2973], [12, 2975]),
]


@pytest.mark.parametrize("case", range(len(MC_CASES)))
def test_drop_probability_matches_monte_carlo(case):
    correct, support, ref_correct, ref_support = map(np.array, MC_CASES[case])
    rng = np.random.default_rng(case)
    # The boundary priors of drop_probability.
    d = _draw_differences(
        correct + 1, support - correct, ref_correct, ref_support - ref_correct + 1, rng
    )
    p_mc = np.mean(d < 0.0)
    p = drop_probability([correct], [support], ref_correct, ref_support)[0]
    assert abs(p - p_mc) <= _mc_tolerance(p)


@pytest.mark.parametrize("case", range(len(MC_CASES)))
def test_interval_matches_monte_carlo(case):
    correct, support, ref_correct, ref_support = map(np.array, MC_CASES[case])
    rng = np.random.default_rng(100 + case)
    change = balanced_accuracy_change(
        [correct], [support], ref_correct, ref_support, confidence=0.9
    )
    # The upper end is the 0.95 quantile under the priors of p_drop, the lower
    # end the 0.05 quantile under the opposite ones.
    optimistic = _draw_differences(
        correct + 1, support - correct, ref_correct, ref_support - ref_correct + 1, rng
    )
    pessimistic = _draw_differences(
        correct, support - correct + 1, ref_correct + 1, ref_support - ref_correct, rng
    )
    assert abs(np.mean(optimistic <= change.high[0]) - 0.95) <= _mc_tolerance(0.95)
    assert abs(np.mean(pessimistic <= change.low[0]) - 0.05) <= _mc_tolerance(0.05)
    assert change.low[0] <= change.difference[0] <= change.high[0]
    assert change.difference[0] == pytest.approx(
        np.mean(correct / support) - np.mean(ref_correct / ref_support)
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 300), st.floats(0, 1), st.integers(1, 300), st.floats(0, 1)
        ),
        min_size=1,
        max_size=20,
    )
)
def test_one_class_is_fishers_exact_test(tables):
    """For one class, 1 - p_drop is the one-sided p-value of Fisher's test."""
    n, c, ref_n, ref_c = (np.array(x) for x in zip(*tables, strict=True))
    c, ref_c = np.round(c * n), np.round(ref_c * ref_n)
    p = drop_probability(c[:, None], n[:, None], ref_c[:, None], ref_n[:, None])
    fisher = [
        stats.fisher_exact([[ci, ni - ci], [rci, rni - rci]], alternative="less").pvalue
        for ci, ni, rci, rni in zip(c, n, ref_c, ref_n, strict=True)
    ]
    np.testing.assert_allclose(p, 1.0 - np.array(fisher), rtol=0, atol=LATTICE_ERROR)


def test_degenerate_cases_are_exact():
    # A group without errors cannot be below anything; nor can anything be below
    # a reference without a correct prediction.
    p = drop_probability(
        [[5, 7], [0, 0], [3, 1]],
        [[5, 7], [4, 2], [3, 4]],
        [[9, 9], [0, 0], [4, 0]],
        [[10, 10], [5, 5], [4, 6]],
    )
    assert p.tolist() == [0.0, 0.0, 0.0]
    # Against a reference so large that its recall is known, one class reduces to
    # the exact binomial test: p_drop = P(Binomial(n, r) > c).
    recall, n = 0.9, np.arange(1, 40)
    c = np.floor(0.8 * n)
    huge = 2.0**50
    p = drop_probability(c[:, None], n[:, None], [recall * huge], [huge])
    np.testing.assert_allclose(
        p, stats.binom.sf(c, n, recall), rtol=0, atol=LATTICE_ERROR
    )


def test_symmetry_of_the_difference_law():
    """P(A < B) + P(B < A) = 1 for continuous laws (any fixed Beta parameters)."""
    rng = np.random.default_rng(0)
    alpha, beta, ref_alpha, ref_beta = np.exp(rng.uniform(0, 7, size=(4, 50, 3)))
    forward = _drop_probabilities(alpha, beta, ref_alpha, ref_beta)
    backward = _drop_probabilities(ref_alpha, ref_beta, alpha, beta)
    np.testing.assert_allclose(forward + backward, 1.0, rtol=0, atol=2 * LATTICE_ERROR)


def test_drop_probability_is_conservative_both_ways():
    """The boundary priors never let both groups be flagged against each other."""
    rng = np.random.default_rng(1)
    support = rng.integers(1, 200, size=(100, 2)).astype(float)
    correct = rng.binomial(support.astype(int), 0.8).astype(float)
    ref_support = rng.integers(1, 200, size=(100, 2)).astype(float)
    ref_correct = rng.binomial(ref_support.astype(int), 0.8).astype(float)
    forward = drop_probability(correct, support, ref_correct, ref_support)
    backward = drop_probability(ref_correct, ref_support, correct, support)
    assert np.all(forward + backward <= 1.0 + 2 * LATTICE_ERROR)


def test_vectorised_equals_loop(monkeypatch):
    rng = np.random.default_rng(2)
    support = np.exp(rng.uniform(0, 9, size=(30, 3))).round()
    correct = rng.binomial(support.astype(int), rng.uniform(0, 1, size=3)).astype(float)
    correct[0] = support[0]  # a group without errors (point masses)
    ref_support = np.exp(rng.uniform(0, 9, size=(30, 3))).round()
    ref_correct = np.floor(ref_support * 0.9)
    change = balanced_accuracy_change(correct, support, ref_correct, ref_support)
    # Force chunks of a few groups at a time.
    monkeypatch.setattr(_lattice_laws, "NODE_BUDGET", 5000)
    chunked = balanced_accuracy_change(correct, support, ref_correct, ref_support)
    for g in range(30):
        single = balanced_accuracy_change(
            correct[g : g + 1], support[g : g + 1], ref_correct[g], ref_support[g]
        )
        for field, values in zip(single._fields, single, strict=True):
            expected = getattr(change, field)[g]
            np.testing.assert_allclose(values[0], expected, rtol=0, atol=1e-12)
            np.testing.assert_allclose(
                getattr(chunked, field)[g], expected, rtol=0, atol=1e-12
            )
    np.testing.assert_allclose(
        drop_probability(correct, support, ref_correct, ref_support),
        change.p_drop,
        rtol=0,
        atol=1e-12,
    )


@st.composite
def grouped_counts(draw, max_classes=4, max_groups=8):
    """Counts of groups and of their references drawn from a small pool, so that
    rows and components repeat: empty classes, tiny classes, classes without
    an error or without a hit (point masses), huge and fractional counts; the
    reference one for all groups or one per group."""
    n_classes = draw(st.integers(1, max_classes))
    size = st.one_of(
        st.integers(0, 5), st.integers(1, 300), st.just(2.0**40), st.floats(0.3, 50)
    )
    share = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1))

    def counts():
        n = np.array(draw(st.lists(size, min_size=n_classes, max_size=n_classes)))
        c = np.array(draw(st.lists(share, min_size=n_classes, max_size=n_classes)))
        c = c * n
        return np.where(n == np.round(n), np.round(c), c), n.astype(float)

    pool = [counts() for _ in range(draw(st.integers(1, 4)))]
    index = st.integers(0, len(pool) - 1)
    pairs = draw(st.lists(st.tuples(index, index), min_size=1, max_size=max_groups))
    correct, support = (np.array([pool[g][i] for g, _ in pairs]) for i in (0, 1))
    if draw(st.booleans()):
        return correct, support, *pool[0]
    ref_correct, ref_support = (
        np.array([pool[r][i] for _, r in pairs]) for i in (0, 1)
    )
    return correct, support, ref_correct, ref_support


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    grouped_counts(), st.sampled_from([200, 3000, 1 << 17]), st.sampled_from([3, 64])
)
def test_chunked_groups_equal_groups_one_at_a_time(counts, budget, n_rows):
    """Groups in small slices, chunks and blocks, equal rows and components
    computed once, as every group alone."""
    correct, support, ref_correct, ref_support = counts
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_lattice_laws, "NODE_BUDGET", budget)
        patch.setattr(_lattice_laws, "TABLE_BLOCKS", 1)
        patch.setattr(_drift, "ROW_CHUNK", n_rows)
        together = balanced_accuracy_change(correct, support, ref_correct, ref_support)
    ref_correct = np.broadcast_to(ref_correct, correct.shape)
    ref_support = np.broadcast_to(ref_support, correct.shape)
    for g in range(correct.shape[0]):
        alone = balanced_accuracy_change(
            correct[g : g + 1], support[g : g + 1], ref_correct[g], ref_support[g]
        )
        for field in alone._fields:
            np.testing.assert_allclose(
                getattr(together, field)[g],
                getattr(alone, field)[0],
                rtol=0,
                atol=1e-12,
                err_msg=field,
            )


def test_undefined_groups_are_nan_and_never_flagged():
    correct = [[3, 4], [0, 4], [3, 4], [0, 0]]
    support = [[5, 5], [0, 5], [5, 5], [0, 0]]
    # Group 2's reference lacks class 0; group 1 lacks it; group 3 is empty.
    ref_correct = [[4, 4], [4, 4], [0, 4], [4, 4]]
    ref_support = [[5, 5], [5, 5], [0, 5], [5, 5]]
    change = balanced_accuracy_change(correct, support, ref_correct, ref_support)
    for values in change:
        assert np.isnan(values[1:]).all()
        assert np.isfinite(values[0])
    assert np.isnan(drop_probability(correct, support, [4, 0], [5, 0])).all()
    assert flag_drops(change.p_drop, 0.5).tolist() == [
        change.p_drop[0] > 0.5,
        False,
        False,
        False,
    ]
    empty = drop_probability(np.zeros((0, 2)), np.zeros((0, 2)), [1, 1], [2, 2])
    assert empty.shape == (0,)
    empty = balanced_accuracy_change(np.zeros((0, 2)), np.zeros((0, 2)), [1, 1], [2, 2])
    assert all(values.shape == (0,) for values in empty)


def test_tiny_windows_are_not_flagged_on_noise():
    """Windows of 2 rows: flagged at most at the level's rate, unlike a threshold."""
    # Every outcome of one row per class: (correct_0, correct_1).
    outcomes = np.array(list(itertools.product([0, 1], repeat=2)), dtype=float)
    for recall in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999):
        p_drop = drop_probability(
            outcomes, np.ones((4, 2)), [recall * 1000] * 2, [1000, 1000]
        )
        flags = flag_drops(p_drop, 0.95)
        # Up to a reference of 0.8, no outcome at all is flagged.
        assert not flags.any() or recall > 0.8
        # The chance of a flag under no change: at most 5%.
        probability = np.prod(np.where(outcomes == 1, recall, 1 - recall), axis=1)
        assert probability[flags].sum() <= 0.05
        # "Flag when the balanced accuracy dropped by more than 0.05" flags every
        # window with an error (beyond recall 0.55): a chance of 1 - recall**2.
        naive = recall - outcomes.mean(axis=1) > 0.05
        assert naive[:3].all() == (recall > 0.55)


@pytest.mark.parametrize(
    ("sizes", "ref_sizes"),
    [((1, 1), (1, 1)), ((2, 6), (15, 20)), ((5, 5), (5, 5)), ((3, 10), (12, 4))],
)
def test_exact_false_alarm_rate_is_at_most_one_minus_level(sizes, ref_sizes):
    """The probability of a flag under no change, summed over every outcome."""
    k = len(sizes)
    grids = [np.arange(n + 1) for n in (*sizes, *ref_sizes)]
    outcomes = np.array(list(itertools.product(*grids)), dtype=float)
    p_drop = drop_probability(
        outcomes[:, :k],
        np.broadcast_to(sizes, (outcomes.shape[0], k)),
        outcomes[:, k:],
        np.broadcast_to(ref_sizes, (outcomes.shape[0], k)),
    )
    for recalls, level in itertools.product(
        [(0.5, 0.5), (0.7, 0.9), (0.95, 0.99), (0.999, 0.999)], (0.9, 0.95, 0.99)
    ):
        probability = np.prod(
            stats.binom.pmf(outcomes, [*sizes, *ref_sizes], [*recalls, *recalls]),
            axis=1,
        )
        rate = probability[flag_drops(p_drop, level)].sum()
        assert rate <= 1.0 - level + 1e-12, (recalls, level, rate)


def test_null_flag_rate_on_simulated_data():
    """200 seeded data sets without change: at most 5% + 3 binomial SE flagged."""
    rng = np.random.default_rng(3)
    sizes = np.array([20, 60, 100, 300, 500])
    recalls = np.array([0.6, 0.7, 0.8, 0.9, 0.99])
    correct = rng.binomial(sizes, recalls, size=(200, 5)).astype(float)
    ref_correct = rng.binomial(sizes, recalls, size=(200, 5)).astype(float)
    support = np.broadcast_to(sizes, correct.shape)
    p_drop = drop_probability(correct, support, ref_correct, support)
    rate = flag_drops(p_drop, 0.95).mean()
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 200)


def test_interval_and_flag_agree():
    """high < 0 at confidence 2 level - 1 exactly when p_drop > level."""
    rng = np.random.default_rng(4)
    support = rng.integers(1, 500, size=(300, 2)).astype(float)
    correct = rng.binomial(support.astype(int), [0.7, 0.8]).astype(float)
    change = balanced_accuracy_change(
        correct, support, [800, 850], [1000, 1000], confidence=0.9
    )
    clear = np.abs(change.p_drop - 0.95) > 2 * LATTICE_ERROR
    np.testing.assert_array_equal(
        (change.high < 0)[clear], flag_drops(change.p_drop, 0.95)[clear]
    )


def test_effective_counts_and_huge_classes():
    # Non-integer (effective) counts lie between their integer neighbours.
    ref = ([80, 90], [100, 100])
    p = drop_probability([[7, 8], [7.5, 8], [8, 8]], [[10, 10]] * 3, *ref)
    assert p[0] > p[1] > p[2]
    # Classes beyond 2**53 count as 2**53.
    big = drop_probability([[0.5e20, 0.8e20]], [[1e20, 1e20]], [5, 8], [10, 10])
    capped = drop_probability(
        [[2.0**52, 0.8 * 2.0**53]], [[2.0**53] * 2], [5, 8], [10, 10]
    )
    np.testing.assert_allclose(big, capped, rtol=0, atol=1e-12)


def test_inputs_are_not_mutated():
    correct, support = np.array([[3.0, 4.0]]), np.array([[5.0, 5.0]])
    ref_correct, ref_support = np.array([4.0, 4.0]), np.array([5.0, 5.0])
    copies = [x.copy() for x in (correct, support, ref_correct, ref_support)]
    balanced_accuracy_change(correct, support, ref_correct, ref_support)
    for array, copy in zip(
        (correct, support, ref_correct, ref_support), copies, strict=True
    ):
        np.testing.assert_array_equal(array, copy)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([3, 4], [5, 5], [4, 4], [5, 5]), "correct must be a 2-D array"),
        ((np.zeros((2, 0)), np.zeros((2, 0)), [], []), "correct must be a 2-D array"),
        (([[3, 4]], [[5, 5, 5]], [4, 4], [5, 5]), r"support must have shape \(1, 2\)"),
        (([[3, 4]], [[5, 5]], [4, 4, 4], [5, 5, 5]), "ref_correct must have shape"),
        (([[3, 4]], [[5, 5]], [4, 4], [[5, 5], [5, 5]]), "ref_support must have shape"),
        (([[-1, 4]], [[5, 5]], [4, 4], [5, 5]), "correct must hold finite non-neg"),
        (([[3, 4]], [[5, np.nan]], [4, 4], [5, 5]), "support must hold finite"),
        (([[3, 4]], [[5, 5]], [4, np.inf], [5, 5]), "ref_correct must hold finite"),
        (
            ([[3, 6]], [[5, 5]], [4, 4], [5, 5]),
            r"correct must not exceed support.*\(0, 1\)",
        ),
        (([[3, 4]], [[5, 5]], [6, 4], [5, 5]), "ref_correct must not exceed ref_supp"),
    ],
)
def test_invalid_counts(arguments, message):
    with pytest.raises(ValueError, match=message):
        drop_probability(*arguments)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, np.nan, "0.9", True, None])
def test_invalid_level_and_confidence(level):
    with pytest.raises(ValueError, match="level must be a float strictly between"):
        flag_drops([0.5], level)
    with pytest.raises(ValueError, match="confidence must be a float strictly"):
        balanced_accuracy_change([[3, 4]], [[5, 5]], [4, 4], [5, 5], confidence=level)


def test_p_drop_is_a_probability_despite_rounding():
    """Sums of lattice terms can round to 1 + 1e-16 (H5 met 1 + 4.4e-16 on a clear
    drop, which flag_drops rejected); p_drop is clipped to [0, 1]."""
    rng = np.random.default_rng(7)
    support = rng.integers(1, 2000, size=(500, 2)).astype(float)
    correct = rng.binomial(support.astype(int), 0.4).astype(float)
    ref_support = rng.integers(1, 2000, size=(500, 2)).astype(float)
    ref_correct = rng.binomial(ref_support.astype(int), 0.9).astype(float)
    # Unclipped, the first of these rounds to 1 + 8.9e-16.
    correct[:2] = [[490, 191], [724, 153]]
    support[:2] = [[1690, 614], [1693, 352]]
    ref_correct[:2] = [[1659, 35], [1537, 1244]]
    ref_support[:2] = [[1974, 41], [1768, 1445]]
    change = balanced_accuracy_change(correct, support, ref_correct, ref_support)
    p_drop = drop_probability(correct, support, ref_correct, ref_support)
    np.testing.assert_array_equal(change.p_drop, p_drop)
    assert np.all((p_drop >= 0.0) & (p_drop <= 1.0))
    np.testing.assert_array_equal(flag_drops(p_drop, 0.95), p_drop > 0.95)
    np.testing.assert_allclose(p_drop[:2], 1.0, rtol=0, atol=1e-12)


def test_invalid_p_drop():
    with pytest.raises(ValueError, match=r"p_drop must hold probabilities in \[0, 1\]"):
        flag_drops([0.5, 1.5], 0.95)
