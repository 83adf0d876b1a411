"""Tests of kmlib._metrics against scipy and scikit-learn (test-only dependencies)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kmlib
from kmlib import linear_sum_assignment

scipy_optimize = pytest.importorskip("scipy.optimize")
sk_metrics = pytest.importorskip("sklearn.metrics")
from sklearn.metrics.cluster import contingency_matrix as sk_contingency  # noqa: E402

FAST = settings(max_examples=50, deadline=None)

labelings = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


# ---------------------------------------------------------------------------
# Hungarian algorithm
# ---------------------------------------------------------------------------


def test_assignment_example():
    rows, cols = linear_sum_assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    assert rows.tolist() == [0, 1, 2] and cols.tolist() == [1, 0, 2]


@FAST
@given(st.integers(1, 8), st.integers(1, 8), st.integers(0, 2**32 - 1), st.booleans())
def test_assignment_optimal_like_scipy(r, c, seed, integer):
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 4, size=(r, c)).astype(float) if integer else rng.normal(size=(r, c))
    rows, cols = linear_sum_assignment(cost)
    ref_rows, ref_cols = scipy_optimize.linear_sum_assignment(cost)
    assert len(rows) == min(r, c)
    assert len(set(rows.tolist())) == len(rows) and len(set(cols.tolist())) == len(cols)
    assert np.all(np.diff(rows) > 0)
    assert cost[rows, cols].sum() == pytest.approx(cost[ref_rows, ref_cols].sum(), abs=1e-9)


def test_assignment_brute_force_small():
    rng = np.random.default_rng(0)
    for _ in range(20):
        cost = rng.integers(-5, 5, size=(4, 4)).astype(float)
        best = min(sum(cost[i, p[i]] for i in range(4)) for p in itertools.permutations(range(4)))
        rows, cols = linear_sum_assignment(cost)
        assert cost[rows, cols].sum() == best


# ---------------------------------------------------------------------------
# Contingency matrix, matching, scores
# ---------------------------------------------------------------------------


@FAST
@given(labelings)
def test_contingency_like_sklearn(pair):
    true, pred = pair
    np.testing.assert_array_equal(kmlib.contingency_matrix(true, pred), sk_contingency(true, pred))


def test_contingency_example():
    C = kmlib.contingency_matrix(["b", "a", "a"], [5, 5, 7])
    np.testing.assert_array_equal(C, [[1, 1], [1, 0]])
    assert C.dtype.kind == "i"


def test_match_labels_undoes_a_renaming():
    true = np.array([0, 0, 1, 1, 2, 2, 2])
    pred = np.array([7, 7, 3, 3, 5, 5, 5])
    np.testing.assert_array_equal(kmlib.match_labels(true, pred), true)


def test_match_labels_with_mistakes():
    true = np.array([0, 0, 0, 1, 1, 1])
    pred = np.array([1, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(kmlib.match_labels(true, pred), [0, 0, 1, 1, 1, 1])


def test_match_labels_more_clusters_than_classes():
    true = np.array(["a"] * 4 + ["b"] * 4)
    pred = np.array([0, 0, 1, 1, 2, 2, 2, 1])
    matched = kmlib.match_labels(true, pred)
    # cluster 2 is b's best partner, cluster 0 or 1 a's; the leftover takes its majority class
    np.testing.assert_array_equal(matched, ["a", "a", "a", "a", "b", "b", "b", "a"])
    assert matched.dtype == true.dtype


def test_match_labels_fewer_clusters_than_classes():
    true = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 0, 1, 1, 1, 1])
    matched = kmlib.match_labels(true, pred)
    assert set(matched.tolist()) <= {0, 1, 2}
    assert (matched == true).sum() == 4


@FAST
@given(labelings)
def test_match_labels_maximises_agreement(pair):
    true, pred = map(np.asarray, pair)
    matched = kmlib.match_labels(true, pred)
    C = kmlib.contingency_matrix(true, pred)
    rows, cols = scipy_optimize.linear_sum_assignment(-C)
    one_to_one_best = C[rows, cols].sum()
    # the one-to-one part reaches the optimum, leftovers can only add correct points
    assert (matched == true).sum() >= one_to_one_best
    assert set(np.unique(matched).tolist()) <= set(np.unique(true).tolist())


@FAST
@given(labelings)
def test_classification_scores_like_sklearn(pair):
    true, pred = map(np.asarray, pair)
    scores = kmlib.classification_scores(true, pred)
    matched = kmlib.match_labels(true, pred)
    labels = np.unique(true)
    p, r, f, _ = sk_metrics.precision_recall_fscore_support(
        true, matched, labels=labels, average="macro", zero_division=0
    )
    assert scores["accuracy"] == pytest.approx(sk_metrics.accuracy_score(true, matched))
    assert scores["precision"] == pytest.approx(p)
    assert scores["recall"] == pytest.approx(r)
    assert scores["f1"] == pytest.approx(f)
    assert set(scores) == {"accuracy", "precision", "recall", "f1"}
    assert all(isinstance(v, float) for v in scores.values())


def test_classification_scores_perfect_up_to_renaming():
    scores = kmlib.classification_scores([0, 0, 1, 1, 2], [2, 2, 0, 0, 1])
    assert scores == {"accuracy": 1.0, "precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_center_error():
    true = np.array([[0.0, 0.0], [10.0, 10.0], [20.0, 0.0]])
    est = true[[2, 0, 1]] + np.array([[0.5, -0.5], [0.0, 1.0], [-1.0, 0.0]])
    assert kmlib.center_error(true, est) == pytest.approx(3.0 / 6)
    assert kmlib.center_error(true, true[::-1]) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        kmlib.center_error(true, true[:2])


# ---------------------------------------------------------------------------
# Adjusted Rand index
# ---------------------------------------------------------------------------


@FAST
@given(labelings)
def test_adjusted_rand_like_sklearn(pair):
    true, pred = pair
    assert kmlib.adjusted_rand_score(true, pred) == pytest.approx(
        sk_metrics.adjusted_rand_score(true, pred), abs=1e-12
    )


@pytest.mark.parametrize(
    ("true", "pred"),
    [
        ([0], [0]),
        ([0, 0, 0], [1, 1, 1]),
        ([0, 1, 2], [0, 1, 2]),
        ([0, 1, 2], [0, 0, 0]),
        ([0, 0, 1, 1], [1, 1, 0, 0]),
    ],
)
def test_adjusted_rand_edge_cases(true, pred):
    assert kmlib.adjusted_rand_score(true, pred) == sk_metrics.adjusted_rand_score(true, pred)


def test_adjusted_rand_large_n_no_overflow():
    rng = np.random.default_rng(0)
    true = rng.integers(0, 3, size=200_000)
    pred = np.where(rng.random(200_000) < 0.9, true, rng.integers(0, 3, size=200_000))
    assert kmlib.adjusted_rand_score(true, pred) == pytest.approx(
        sk_metrics.adjusted_rand_score(true, pred), rel=1e-12
    )


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func",
    [
        kmlib.contingency_matrix,
        kmlib.match_labels,
        kmlib.classification_scores,
        kmlib.adjusted_rand_score,
    ],
)
def test_bad_labels(func):
    with pytest.raises(ValueError, match="same length; got 3 and 2"):
        func([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="labels_true must be a 1-D array"):
        func([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="labels_pred must not be empty"):
        func([0], [])


def test_bad_cost_and_centres():
    with pytest.raises(ValueError, match="cost must be finite"):
        linear_sum_assignment([[0.0, np.inf]])
    with pytest.raises(ValueError, match="centers must be finite"):
        kmlib.center_error([[0.0]], [[np.nan]])
