"""The exact sweeps' primitives against brute force: counts above every cut point
and the choice of the best plateau."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sklearn_balanced.utils._steps import (
    accumulate,
    class_sums_above,
    score_sums,
    select_plateau,
)

SETTINGS = settings(derandomize=True, deadline=None, max_examples=80)


@st.composite
def scored_samples(draw):
    """Labels (either class may be the rarer) and tie-heavy scores, signed zeros
    included."""
    n = draw(st.integers(0, 30))
    is_positive = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    values = st.sampled_from([-1.5, -0.0, 0.0, 0.25, 0.5, 2.0]) | st.floats(
        -3, 3, allow_nan=False
    )
    scores = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=float)
    return is_positive.astype(bool), scores


@SETTINGS
@given(scored_samples())
def test_class_sums_above_counts_every_cut_point(samples):
    is_positive, scores = samples
    before = scores.copy()
    thresholds, true_positives, false_positives = class_sums_above(
        is_positive, scores, None
    )
    distinct = np.unique(scores)[::-1]
    np.testing.assert_array_equal(thresholds, np.r_[np.inf, distinct])
    at_or_above = scores >= thresholds[:, np.newaxis]
    np.testing.assert_array_equal(true_positives, (at_or_above & is_positive).sum(1))
    np.testing.assert_array_equal(false_positives, (at_or_above & ~is_positive).sum(1))
    assert true_positives.dtype == false_positives.dtype == np.int64
    np.testing.assert_array_equal(scores, before)


@SETTINGS
@given(scored_samples(), st.integers(0, 2**32 - 1))
def test_class_sums_above_with_weights_accumulates_each_score(samples, seed):
    is_positive, scores = samples
    weights = np.random.default_rng(seed).random(scores.shape[0])
    expected = accumulate(*score_sums(is_positive, scores, weights))
    got = class_sums_above(is_positive, scores, weights)
    for left, right in zip(got, expected, strict=True):
        np.testing.assert_array_equal(left, right)
    # Integer weights count the samples as often: the same cut points and sums.
    _, true_positives, false_positives = class_sums_above(is_positive, scores, None)
    _, ones_tp, ones_fp = class_sums_above(
        is_positive, scores, np.ones(scores.shape[0])
    )
    np.testing.assert_array_equal(ones_tp, true_positives)
    np.testing.assert_array_equal(ones_fp, false_positives)


def _plateau_by_enumeration(thresholds, objective, tie_break, feasible, tol):
    """The plateau choice of :func:`select_plateau`, one step at a time."""
    allowed = [j for j in range(objective.size) if feasible[j]]
    best = max(objective[j] for j in allowed)
    runs = []
    for j in allowed:
        if objective[j] >= best - tol:
            if runs and runs[-1][-1] == j - 1:
                runs[-1].append(j)
            else:
                runs.append([j])
    runs = runs[::-1]  # increasing thresholds
    run = runs[{"lowest": 0, "highest": -1, "middle": (len(runs) - 1) // 2}[tie_break]]
    upper = thresholds[run[0]]
    lower = thresholds[run[-1] + 1] if run[-1] + 1 < thresholds.size else -np.inf
    return upper, lower, best


@SETTINGS
@given(
    st.lists(st.sampled_from([0.25, 0.5, 0.75, 1.0]), min_size=1, max_size=25),
    st.sampled_from(["middle", "lowest", "highest"]),
    st.integers(0, 2**32 - 1),
)
def test_select_plateau_chooses_the_enumerated_plateau(values, tie_break, seed):
    rng = np.random.default_rng(seed)
    objective = np.array(values)
    objective += rng.choice([0.0, 1e-16, -1e-16], objective.size)
    thresholds = np.r_[np.inf, np.sort(rng.normal(size=objective.size - 1))[::-1]]
    assume(np.unique(thresholds).size == thresholds.size)
    feasible = rng.random(objective.size) < 0.7
    feasible[rng.integers(objective.size)] = True
    for mask in (None, feasible):
        allowed = np.ones(objective.size, bool) if mask is None else mask
        upper, lower, best = _plateau_by_enumeration(
            thresholds, objective, tie_break, allowed, 1e-12
        )
        threshold, score = select_plateau(
            thresholds, objective, tie_break, feasible=mask, tol=1e-12
        )
        assert score == best
        # The plateaus are disjoint intervals: this is the enumerated one,
        # and the threshold is in the middle of it where it is bounded.
        assert lower < threshold <= upper
        if np.isfinite([lower, upper]).all():
            assert threshold == lower / 2 + upper / 2


@pytest.mark.parametrize("tie_break", ["middle", "lowest", "highest"])
def test_select_plateau_scale_only_matters_for_an_unbounded_plateau(tie_break):
    thresholds = np.array([np.inf, 3.0, 2.0, 1.0])
    bounded = np.array([0.1, 0.9, 0.2, 0.1])
    assert select_plateau(thresholds, bounded, tie_break, scale=1e9)[0] == 2.5
    unbounded = np.array([0.1, 0.2, 0.3, 0.9])
    assert select_plateau(thresholds, unbounded, tie_break)[0] == -2.0
    assert select_plateau(thresholds, unbounded, tie_break, scale=5.0)[0] == -4.0
