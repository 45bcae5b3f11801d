"""Exact sweeps of balanced accuracy, checked against brute force with the metric."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score as sklearn_balanced_accuracy

from sklearn_balanced.metrics import (
    BalancedAccuracyCurve,
    balanced_accuracy_curve,
    balanced_accuracy_score,
)
from sklearn_balanced.model_selection import (
    _offset_search,
    tune_offsets,
    tune_threshold,
)
from sklearn_balanced.model_selection._offset_search import _OffsetFold, _TopTwo
from sklearn_balanced.utils._steps import cut_points, select_plateau, sums_above

SETTINGS = settings(derandomize=True, deadline=None, max_examples=60)


def _metric(y_true, y_pred, sample_weight):
    """The package's metric, silencing its warning for classes absent in y_true."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight)


@st.composite
def binary_fold(draw, min_size=1, max_size=14, weighted=True, both_classes=False):
    """Labels, tie-heavy scores and optional integer-valued weights of one fold."""
    n = draw(st.integers(min_size, max_size))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    if both_classes:
        assume(0 < y.sum() < n)
    scores = np.array(
        draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)), dtype=float
    )
    scores = scores / 4 + draw(st.sampled_from([0.0, 0.5, 10.0]))
    weight = None
    if weighted and draw(st.booleans()):
        weight = np.array(
            draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float
        )
        assume(weight.sum() > 0)
    return y, scores, weight


def _brute_force_curve(y, scores, weight):
    thresholds = np.r_[np.inf, np.unique(scores)[::-1]]
    values = np.array(
        [_metric(y, (scores >= t).astype(int), weight) for t in thresholds]
    )
    return thresholds, values


@SETTINGS
@given(binary_fold())
def test_curve_matches_metric_at_every_threshold(fold):
    y, scores, weight = fold
    curve = balanced_accuracy_curve(y, scores, sample_weight=weight)
    thresholds, expected = _brute_force_curve(y, scores, weight)
    assert isinstance(curve, BalancedAccuracyCurve)
    np.testing.assert_array_equal(curve.thresholds, thresholds)
    np.testing.assert_allclose(curve.balanced_accuracy, expected, rtol=0, atol=1e-12)
    w = np.ones_like(scores) if weight is None else weight
    for t, tpr, tnr in zip(curve.thresholds, curve.tpr, curve.tnr, strict=True):
        predicted = scores >= t
        pos, neg = w[y == 1].sum(), w[y == 0].sum()
        expected_tpr = w[(y == 1) & predicted].sum() / pos if pos else np.nan
        expected_tnr = w[(y == 0) & ~predicted].sum() / neg if neg else np.nan
        np.testing.assert_allclose([tpr, tnr], [expected_tpr, expected_tnr])
    assert curve.thresholds.dtype == np.float64
    assert np.all(np.diff(curve.thresholds) < 0)


@SETTINGS
@given(binary_fold(both_classes=True))
def test_curve_matches_scikit_learn_metric(fold):
    y, scores, weight = fold
    assume(weight is None or (weight[y == 1].sum() > 0 and weight[y == 0].sum() > 0))
    curve = balanced_accuracy_curve(y, scores, sample_weight=weight)
    expected = [
        sklearn_balanced_accuracy(y, (scores >= t).astype(int), sample_weight=weight)
        for t in curve.thresholds
    ]
    np.testing.assert_allclose(curve.balanced_accuracy, expected, atol=1e-12)


def test_curve_labels_pos_label_and_inputs_untouched():
    y = np.array(["b", "a", "b", "a", "a"])
    scores = np.array([0.9, 0.1, 0.4, 0.4, 0.2])
    weight = np.array([1.0, 2.0, 1.0, 1.0, 3.0])
    copies = y.copy(), scores.copy(), weight.copy()
    curve = balanced_accuracy_curve(y, scores, pos_label="b", sample_weight=weight)
    flipped = balanced_accuracy_curve(y == "b", scores, sample_weight=weight)
    for got, expected in zip(curve, flipped, strict=True):
        np.testing.assert_array_equal(got, expected)
    for original, copy in zip((y, scores, weight), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
    minus_one = balanced_accuracy_curve(np.where(y == "b", 1, -1), scores)
    np.testing.assert_allclose(
        minus_one.balanced_accuracy, [0.5, 0.75, 5 / 6, 2 / 3, 0.5]
    )


def test_curve_with_one_class_is_its_recall():
    curve = balanced_accuracy_curve([1, 1, 1], [0.2, 0.5, 0.9])
    np.testing.assert_allclose(curve.balanced_accuracy, curve.tpr)
    assert np.isnan(curve.tnr).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y_true": [0, 1, 2], "y_score": [0.1, 0.2, 0.3]}, "binary target"),
        ({"y_true": ["a", "b"], "y_score": [0.1, 0.2]}, "pos_label must be given"),
        ({"y_true": [2, 3], "y_score": [0.1, 0.2]}, "pos_label must be given"),
        (
            {"y_true": [0, 1], "y_score": [0.1, 0.2], "pos_label": 2},
            "pos_label=2 is not a valid label",
        ),
        (
            {"y_true": [0, 1], "y_score": [[0.1, 0.2], [0.3, 0.4]]},
            "y_score must be 1-D",
        ),
        ({"y_true": [0, 1], "y_score": [0.1, np.nan]}, "NaN"),
        ({"y_true": [0, 1, 1], "y_score": [0.1, 0.2]}, "inconsistent numbers"),
        (
            {"y_true": [0, 1], "y_score": [0.1, 0.2], "sample_weight": [1, -1]},
            "sample_weight must be non-negative",
        ),
        (
            {"y_true": [0, 1], "y_score": [0.1, 0.2], "sample_weight": [0, 0]},
            "at least one positive weight",
        ),
    ],
)
def test_curve_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        balanced_accuracy_curve(**kwargs)


@st.composite
def binary_folds(draw):
    n_folds = draw(st.integers(1, 4))
    weighted = draw(st.booleans())
    folds = [
        draw(binary_fold(min_size=2, max_size=10, weighted=weighted))
        for _ in range(n_folds)
    ]
    for _, scores, _ in folds:
        assume(np.unique(scores).size > 1)
    if weighted:
        folds = [(y, s, np.ones_like(s) if w is None else w) for y, s, w in folds]
    return folds


def _brute_force_mean(folds, threshold):
    return np.mean([_metric(y, (s >= threshold).astype(int), w) for y, s, w in folds])


@SETTINGS
@given(binary_folds(), st.sampled_from(["middle", "lowest", "highest"]))
def test_tune_threshold_matches_brute_force(folds, tie_break):
    labels = [y.astype(bool) for y, _, _ in folds]
    scores = [s for _, s, _ in folds]
    weights = None if folds[0][2] is None else [w for _, _, w in folds]
    result = tune_threshold(labels, scores, sample_weight=weights, tie_break=tie_break)
    candidates = np.r_[np.inf, np.unique(np.concatenate(scores))]
    brute = np.array([_brute_force_mean(folds, t) for t in candidates])
    # The search is exact: its optimum is the brute-force optimum over all cut
    # points, and the chosen threshold (between observed scores) achieves it.
    np.testing.assert_allclose(result.score, brute.max(), atol=1e-12)
    np.testing.assert_allclose(
        _brute_force_mean(folds, result.threshold), result.score, atol=1e-12
    )
    assert result.threshold not in set(np.concatenate(scores).tolist())
    np.testing.assert_allclose(
        result.scores, [_brute_force_mean(folds, t) for t in result.thresholds]
    )
    np.testing.assert_allclose(result.fold_curve_scores.mean(axis=0), result.scores)
    for fold, threshold, score in zip(
        folds, result.fold_thresholds, result.fold_scores, strict=True
    ):
        own = [_brute_force_mean([fold], t) for t in np.r_[np.inf, fold[1]]]
        np.testing.assert_allclose(score, max(own), atol=1e-12)
        np.testing.assert_allclose(_brute_force_mean([fold], threshold), score)


def test_tune_threshold_mean_rates_and_single_fold():
    y = np.array([False, True, False, True, True])
    s = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    single = tune_threshold(y, s)
    curve = balanced_accuracy_curve(y, s)
    np.testing.assert_allclose(single.scores, curve.balanced_accuracy)
    np.testing.assert_allclose(single.tpr, curve.tpr)
    np.testing.assert_allclose(single.tnr, curve.tnr)
    both = tune_threshold([y, y], [s, s + 1.0])
    assert both.thresholds.size == np.unique(np.r_[s, s + 1]).size + 1
    for t, tpr, tnr in zip(both.thresholds, both.tpr, both.tnr, strict=True):
        expected_tpr = np.mean([(s[y] >= t).mean(), (s[y] + 1 >= t).mean()])
        expected_tnr = np.mean([(s[~y] < t).mean(), (s[~y] + 1 < t).mean()])
        np.testing.assert_allclose([tpr, tnr], [expected_tpr, expected_tnr])


def test_tune_threshold_tie_break_chooses_among_plateaus():
    # Two separated plateaus reach the best balanced accuracy 0.75: t in
    # (0.2, 0.4] (all positives found, one negative) and t in (0.6, 0.8].
    y = np.array([False, True, False, True])
    s = np.array([0.2, 0.4, 0.6, 0.8])
    lowest = tune_threshold(y, s, tie_break="lowest")
    highest = tune_threshold(y, s, tie_break="highest")
    middle = tune_threshold(y, s, tie_break="middle")
    assert lowest.threshold == pytest.approx(0.3)
    assert highest.threshold == pytest.approx(0.7)
    assert middle.threshold == pytest.approx(0.3)
    assert lowest.score == highest.score == middle.score == 0.75
    # With three plateaus, "middle" takes the central one.
    y3 = np.array([False, True, False, True, False, True])
    s3 = np.arange(6) / 10
    thresholds = [
        tune_threshold(y3, s3, tie_break=rule).threshold
        for rule in ("lowest", "middle", "highest")
    ]
    np.testing.assert_allclose(thresholds, [0.05, 0.25, 0.45])


def test_select_plateau_unbounded_and_adjacent_values():
    thresholds = np.array([np.inf, 2.0, 1.0])
    assert select_plateau(thresholds, np.array([0.5, 0.5, 0.2]), "middle") == (
        3.0,
        0.5,
    )
    # An unbounded plateau extends by the largest |threshold| (2) by default...
    assert select_plateau(thresholds, np.array([0.2, 0.3, 0.5]), "middle") == (
        -1.0,
        0.5,
    )
    # ... or by a given unit.
    assert select_plateau(
        thresholds, np.array([0.2, 0.3, 0.5]), "middle", scale=1.0
    ) == (0.0, 0.5)
    assert select_plateau(100 * thresholds, np.array([0.2, 0.3, 0.5]), "middle") == (
        -100.0,
        0.5,
    )
    assert select_plateau(thresholds, np.array([0.5, 0.5, 0.5]), "middle") == (
        0.0,
        0.5,
    )
    big = np.array([np.inf, 1e300, -1e300])
    assert select_plateau(big, np.array([0.1, 0.9, 0.1]), "middle")[0] == 0.0
    tight = np.array([np.inf, np.nextafter(1.0, 2.0), 1.0])
    value, _ = select_plateau(tight, np.array([0.1, 0.9, 0.1]), "middle")
    assert 1.0 < value <= tight[1]


def test_select_plateau_tolerance_is_not_relative_to_the_grid():
    # A million steps: two plateaus 1e-12 apart are not a tie (the tolerance
    # once grew with the number of steps, to 9e-10 here) ...
    thresholds = np.r_[np.inf, np.linspace(1.0, 0.0, 10**6)]
    objective = np.full(thresholds.size, 0.5)
    objective[10:20] = 0.9
    objective[-20:-10] = 0.9 - 1e-12
    threshold, best = select_plateau(thresholds, objective, "middle")
    assert best == 0.9
    assert thresholds[20] < threshold <= thresholds[10]
    # ... while values equal up to rounding still are.
    objective[-20:-10] = np.nextafter(0.9, 0.0)
    assert select_plateau(thresholds, objective, "lowest")[0] <= thresholds[-20]
    # Values summed over many rounded terms take their own tolerance.
    objective[-20:-10] = 0.9 - 1e-12
    assert select_plateau(thresholds, objective, "lowest", tol=1e-9)[0] < 0.1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([True, False], [0.3, 0.3]), {}, "constant predictions"),
        (([True, False], [0.1, 0.3]), {"tie_break": "first"}, "tie_break must be"),
        (([], []), {}, "at least one fold"),
        (([[True, False]], [[0.1, 0.2], [0.2, 0.3]]), {}, "same number of folds"),
        (([True, False], [[0.1, 0.2], [0.2, 0.3]]), {}, "1-D arrays"),
        ((["a", "b"], [0.1, 0.2]), {}, "booleans or 0/1"),
        (([0, 2], [0.1, 0.2]), {}, "booleans or 0/1"),
    ],
)
def test_tune_threshold_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tune_threshold(*args, **kwargs)


@st.composite
def multiclass_folds(draw):
    n_classes = draw(st.integers(2, 4))
    n_folds = draw(st.integers(1, 3))
    weighted = draw(st.booleans())
    folds = []
    for _ in range(n_folds):
        n = draw(st.integers(n_classes, 10))
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
        weight = None
        if weighted:
            weight = np.array(
                draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)), dtype=float
            )
        folds.append((codes, scores / 2, weight))
    return folds


def _mean_argmax_score(folds, offsets):
    return np.mean([_metric(c, np.argmax(s + offsets, axis=1), w) for c, s, w in folds])


@settings(derandomize=True, deadline=None, max_examples=40)
@given(multiclass_folds(), st.sampled_from(["middle", "lowest", "highest"]))
def test_tune_offsets_path_is_consistent_with_ties(folds, tie_break):
    codes = [c for c, _, _ in folds]
    scores = [s for _, s, _ in folds]
    weights = None if folds[0][2] is None else [w for _, _, w in folds]
    result = tune_offsets(codes, scores, sample_weight=weights, tie_break=tie_break)
    assert result.offsets[0] == 0
    assert np.all(np.diff(result.path_scores) > 0)
    for offsets, score in zip(result.path_offsets, result.path_scores, strict=True):
        np.testing.assert_allclose(score, _mean_argmax_score(folds, offsets))


@settings(derandomize=True, deadline=None, max_examples=60)
@given(multiclass_folds(), st.sampled_from(["middle", "lowest", "highest"]))
def test_tune_offsets_is_coordinatewise_optimal(folds, tie_break):
    codes = [c for c, _, _ in folds]
    scores = [s for _, s, _ in folds]
    weights = None if folds[0][2] is None else [w for _, _, w in folds]
    n_classes = scores[0].shape[1]
    start = np.linspace(0.0, 0.3, n_classes)
    result = tune_offsets(
        codes, scores, sample_weight=weights, offsets=start, tie_break=tie_break
    )
    assert result.offsets[0] == 0
    np.testing.assert_allclose(result.score, _mean_argmax_score(folds, result.offsets))
    np.testing.assert_allclose(
        result.initial_score, _mean_argmax_score(folds, start - start[0])
    )
    assert np.all(np.diff(result.path_scores) > 0)
    assert result.score >= result.initial_score
    np.testing.assert_allclose(result.path_offsets[-1], result.offsets)
    # No single offset can be moved to improve the objective: try every value
    # between (and beyond) the breakpoints at which a sample changes class.
    for k in range(n_classes):
        margins = []
        for _, s, _ in folds:
            others = s + result.offsets
            others[:, k] = -np.inf
            margins.append(others.max(axis=1) - s[:, k])
        points = np.unique(np.concatenate(margins))
        candidates = np.r_[
            points[0] - 1, (points[1:] + points[:-1]) / 2, points[-1] + 1
        ]
        for value in candidates:
            trial = result.offsets.copy()
            trial[k] = value
            assert _mean_argmax_score(folds, trial) <= result.score + 1e-12


@SETTINGS
@given(binary_folds())
def test_tune_offsets_with_two_classes_equals_threshold_search(folds):
    labels = [y for y, _, _ in folds]
    scores = [s for _, s, _ in folds]
    weights = None if folds[0][2] is None else [w for _, _, w in folds]
    for y in labels:
        assume(np.unique(y).size == 2)
    binary = tune_threshold(
        [y.astype(bool) for y in labels], scores, sample_weight=weights
    )
    two_column = [np.column_stack([np.zeros_like(s), s]) for s in scores]
    multi = tune_offsets(labels, two_column, sample_weight=weights)
    np.testing.assert_allclose(multi.score, binary.score, atol=1e-12)


def test_tune_offsets_improves_on_imbalanced_scores_and_accepts_arrays():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2, 3], [300, 80, 30, 10])
    scores = rng.normal(size=(y.size, 4)) + 1.2 * np.eye(4)[y]
    scores[:, 0] += 1.5
    result = tune_offsets(y, scores)
    assert result.score > result.initial_score + 0.1
    assert result.n_iter >= 2
    assert result.path_offsets.shape == (result.path_scores.size, 4)


def test_tune_offsets_warns_when_max_iter_is_reached():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2, 3], [300, 80, 30, 10])
    scores = rng.normal(size=(y.size, 4)) + 1.2 * np.eye(4)[y]
    scores[:, 0] += 1.5
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        result = tune_offsets(y, scores, max_iter=1)
    assert result.n_iter == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0, 1], [[0.1, 0.2], [0.3, 0.1]]), {"max_iter": 0}, "max_iter must be"),
        (([0, 1], [[0.1, 0.2], [0.3, 0.1]]), {"tie_break": "x"}, "tie_break must"),
        (([0, 2], [[0.1, 0.2], [0.3, 0.1]]), {}, r"integers in \[0, 2\)"),
        (([0.5, 1], [[0.1, 0.2], [0.3, 0.1]]), {}, "integers"),
        (([0, 1], [[0.1], [0.3]]), {}, "at least 2"),
        (
            ([[0, 1], [0, 1]], [[[0.1, 0.2], [0.3, 0.1]], [[0.1, 0.2, 0], [0, 0, 0]]]),
            {},
            "same number",
        ),
        (([0, 1], [[0.1, 0.2], [0.3, 0.1]]), {"offsets": [0.0]}, "offsets must"),
        (([0, 1], [[0.1, 0.2], [0.3, 0.1]]), {"sample_weight": [0, 0]}, "positive"),
        (([0, 1], [0.1, 0.2]), {}, "2D array"),
        (([0, 1], [[0.1, 0.2], [0.1, 0.2]]), {}, "constant predictions"),
    ],
)
def test_tune_offsets_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tune_offsets(*args, **kwargs)


def _reference_tune_offsets(folds, start, tie_break, max_iter=100):
    """The coordinate ascent written plainly, in O(n_classes**2 * n) per pass.

    Each coordinate recomputes every sample's runner-up with a full argmax over
    the other classes and sweeps every sample; the package keeps each row's
    top two adjusted scores instead and sweeps only the samples that matter.
    """
    n_folds = len(folds)
    n_classes = folds[0][1].shape[1]
    scale = max(np.abs(s).max() for _, s, _ in folds)
    flipped = {"lowest": "highest", "highest": "lowest", "middle": "middle"}[tie_break]
    offsets = start - start[0]
    score = _mean_argmax_score(folds, offsets)
    path = [offsets]
    for _ in range(max_iter):
        improved = False
        for k in range(n_classes):
            leads, gains, base = [], [], 0.0
            for codes, s, w in folds:
                w = np.ones(codes.size) if w is None else w
                support = np.bincount(codes, weights=w, minlength=n_classes)
                own = support[codes]
                share = np.divide(w, own, out=np.zeros(codes.size), where=own > 0)
                share /= np.count_nonzero(support) * n_folds
                others = s + offsets
                others[:, k] = -np.inf
                runner_up = np.argmax(others, axis=1)
                value = others[np.arange(codes.size), runner_up]
                correct = runner_up == codes
                base += share[correct].sum()
                leads.append(s[:, k] - value)
                gains.append(share * ((codes == k) - correct.astype(float)))
            lead, gain = np.concatenate(leads), np.concatenate(gains)
            tol = 16 * np.finfo(float).eps * (scale + np.abs(offsets).max())
            order, ends, thresholds = cut_points(lead, tol)
            objective = base + sums_above(gain[order], ends)
            threshold, _ = select_plateau(thresholds, objective, flipped, scale=scale)
            candidate = offsets.copy()
            candidate[k] = -threshold
            candidate -= candidate[0]
            candidate_score = _mean_argmax_score(folds, candidate)
            if candidate_score > score + 4 * np.finfo(float).eps * objective.size:
                offsets, score, improved = candidate, candidate_score, True
                path.append(offsets)
        if not improved:
            break
    return offsets, score, np.array(path)


@settings(derandomize=True, deadline=None, max_examples=80)
@given(
    multiclass_folds(),
    st.sampled_from(["middle", "lowest", "highest"]),
    st.integers(0, 2**32 - 1),
)
def test_tune_offsets_matches_the_plain_reference_with_ties(folds, tie_break, seed):
    codes = [c for c, _, _ in folds]
    scores = [s for _, s, _ in folds]
    weights = None if folds[0][2] is None else [w for _, _, w in folds]
    n_classes = scores[0].shape[1]
    start = np.random.default_rng(seed).integers(-2, 3, n_classes) / 4
    result = tune_offsets(
        codes, scores, sample_weight=weights, offsets=start, tie_break=tie_break
    )
    offsets, score, path = _reference_tune_offsets(folds, start, tie_break)
    np.testing.assert_array_equal(result.offsets, offsets)
    np.testing.assert_allclose(result.score, score, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(result.path_offsets, path)


@pytest.mark.parametrize("seed", range(4))
def test_tune_offsets_matches_the_plain_reference_on_continuous_scores(seed):
    rng = np.random.default_rng(seed)
    n_classes = 7
    prior = 1 / np.arange(1, n_classes + 1)
    folds = []
    for _ in range(3):
        codes = rng.choice(n_classes, size=150, p=prior / prior.sum())
        scores = rng.normal(size=(150, n_classes)) + 1.5 * np.eye(n_classes)[codes]
        scores[:, 0] += 1.0
        folds.append((codes, scores, rng.uniform(0.5, 2.0, 150) if seed else None))
    start = rng.normal(size=n_classes)
    result = tune_offsets(
        [c for c, _, _ in folds],
        [s for _, s, _ in folds],
        sample_weight=None if folds[0][2] is None else [w for _, _, w in folds],
        offsets=start,
    )
    offsets, score, path = _reference_tune_offsets(folds, start, "middle")
    assert result.score > result.initial_score
    np.testing.assert_array_equal(result.offsets, offsets)
    np.testing.assert_allclose(result.score, score, rtol=0, atol=1e-12)
    assert result.path_offsets.shape == path.shape


@st.composite
def continuous_multiclass(draw):
    """Continuous scores, with some exact ties copied across classes and rows."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_classes = draw(st.integers(2, 5))
    n = draw(st.integers(2 * n_classes, 40))
    codes = rng.integers(0, n_classes, n)
    scores = rng.normal(size=(n, n_classes)) + np.eye(n_classes)[codes]
    if draw(st.booleans()):
        scores[: n // 2, -1] = scores[: n // 2, 0]
    if draw(st.booleans()):
        scores[n // 2 :: 3] = scores[n // 2]
    assume(np.unique(codes).size >= 2)
    return codes, scores


@settings(derandomize=True, deadline=None, max_examples=60)
@given(
    continuous_multiclass(),
    st.sampled_from([1e-13, 1e-6, 1.0, 1e6, 1e13]),
    st.sampled_from(["middle", "lowest", "highest"]),
)
def test_tune_offsets_is_invariant_to_the_scale_of_the_scores(problem, factor, rule):
    codes, scores = problem
    reference = tune_offsets(codes, scores, tie_break=rule)
    scaled = tune_offsets(codes, scores * factor, tie_break=rule)
    assert scaled.score == reference.score
    assert scaled.initial_score == reference.initial_score
    # Offsets equal up to rounding, relative to the scale of the scores.
    atol = 1e-12 * factor * np.abs(scores).max()
    np.testing.assert_allclose(
        scaled.offsets, factor * reference.offsets, rtol=1e-9, atol=atol
    )
    np.testing.assert_array_equal(scaled.path_scores, reference.path_scores)


def test_tune_offsets_on_tiny_log_probabilities_issue_11():
    # Log-probabilities times 1e-13 tuned to a balanced accuracy of 0.46
    # instead of 0.60 when margins were rounded to 12 decimals.
    X, y = make_classification(
        n_samples=3000,
        n_classes=4,
        n_informative=6,
        weights=[0.6, 0.25, 0.1, 0.05],
        class_sep=0.7,
        random_state=0,
    )
    log_proba = LogisticRegression().fit(X, y).predict_log_proba(X)
    reference = tune_offsets(y, log_proba)
    for factor in (1e-13, 1e13):
        scaled = tune_offsets(y, log_proba * factor)
        assert scaled.score == reference.score
        np.testing.assert_allclose(scaled.offsets, factor * reference.offsets)


@settings(derandomize=True, deadline=None, max_examples=100)
@given(st.data())
def test_top_two_updates_match_a_full_rescan_with_ties(data):
    n_classes = data.draw(st.integers(2, 6))
    n = data.draw(st.integers(1, 12))
    halves = st.integers(-2, 2).map(lambda v: v / 2)
    scores = np.array(
        data.draw(st.lists(halves, min_size=n * n_classes, max_size=n * n_classes))
    )
    scores = scores.reshape(n, n_classes)
    offsets = np.array(
        data.draw(st.lists(halves, min_size=n_classes, max_size=n_classes))
    )
    top = _TopTwo(scores, offsets)
    fold = _OffsetFold(np.zeros(n, dtype=np.intp), scores, None)
    rows = np.arange(n)
    for _ in range(data.draw(st.integers(1, 8))):
        k = data.draw(st.integers(0, n_classes - 1))
        offsets[k] = data.draw(halves)
        top.move(k, fold, offsets)
        adjusted = scores + offsets
        first = np.argmax(adjusted, axis=1)
        masked = adjusted.copy()
        masked[rows, first] = -np.inf
        np.testing.assert_array_equal(top.c1, first)
        np.testing.assert_array_equal(top.c2, np.argmax(masked, axis=1))
        np.testing.assert_array_equal(top.v1, adjusted.max(axis=1))
        np.testing.assert_array_equal(top.v2, masked.max(axis=1))
        for j in range(n_classes):
            others = adjusted.copy()
            others[:, j] = -np.inf
            value, runner_up = top.runner_up(j)
            np.testing.assert_array_equal(runner_up, np.argmax(others, axis=1))
            np.testing.assert_array_equal(value, others.max(axis=1))


def test_top_two_is_built_in_blocks(monkeypatch):
    rng = np.random.default_rng(0)
    scores = rng.integers(-3, 3, size=(50, 4)).astype(float)
    offsets = rng.normal(size=4)
    whole = _TopTwo(scores, offsets)
    monkeypatch.setattr(_offset_search, "_BLOCK_SIZE", 7)
    blocks = _TopTwo(scores, offsets)
    for name in ("v1", "c1", "v2", "c2"):
        np.testing.assert_array_equal(getattr(blocks, name), getattr(whole, name))


def _shares(codes, weight, n_classes):
    """Each sample's share of the balanced accuracy of its fold."""
    support = np.bincount(codes, weights=weight, minlength=n_classes)
    return weight / (np.count_nonzero(support) * support[codes])


@settings(derandomize=True, deadline=None, max_examples=40)
@given(continuous_multiclass(), st.sampled_from([0.5, 1.0, 2.0]))
def test_min_improvement_se_takes_only_steps_clearing_the_bound(problem, z):
    codes, scores = problem
    n_classes = scores.shape[1]
    result = tune_offsets(codes, scores, min_improvement_se=z)
    share = _shares(codes, np.ones(codes.size), n_classes)
    for before, after in zip(
        result.path_offsets, result.path_offsets[1:], strict=False
    ):
        right_before = np.argmax(scores + before, axis=1) == codes
        right_after = np.argmax(scores + after, axis=1) == codes
        change = share * (right_after.astype(float) - right_before)
        assert change.sum() > z * np.sqrt(np.sum(change**2))
    exact = tune_offsets(codes, scores)
    assert result.score <= exact.score + 1e-12


def test_min_improvement_se_zero_is_the_exact_ascent_and_large_stays_put():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2, 3], [300, 80, 30, 10])
    scores = rng.normal(size=(y.size, 4)) + 1.2 * np.eye(4)[y]
    start = -np.log(np.bincount(y) / y.size)
    exact = tune_offsets(y, scores, offsets=start)
    zero = tune_offsets(y, scores, offsets=start, min_improvement_se=0)
    np.testing.assert_array_equal(zero.path_offsets, exact.path_offsets)
    cautious = tune_offsets(y, scores, offsets=start, min_improvement_se=2.0)
    assert 1 < cautious.path_scores.size < exact.path_scores.size
    still = tune_offsets(y, scores, offsets=start, min_improvement_se=1e6)
    np.testing.assert_array_equal(still.offsets, start - start[0])
    assert still.path_scores.size == 1
    with pytest.raises(ValueError, match="min_improvement_se must be a non-negative"):
        tune_offsets(y, scores, min_improvement_se=-1)
