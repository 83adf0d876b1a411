"""Tests of kmlib._seeding: random (Forgy) seeding and k-means++.

The statistical tests draw many seedings from one seeded generator and check,
with a chi-square test, that k-means++ draws its first centre uniformly and
each later centre with probability proportional to D(x)^2. The seeds are
fixed, so the tests are deterministic; the threshold p > 1e-4 would rarely
fail for a correct sampler with another seed, and the sample sizes make a
wrong sampler (uniform, or proportional to D instead of D^2) fail badly.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kmlib
from kmlib import DuplicatePointsWarning

stats = pytest.importorskip("scipy.stats")

FAST = settings(max_examples=50, deadline=None)

# Distinct 1-D points at uneven gaps, so D^2 probabilities are far from uniform.
POINTS = np.array([0.0, 1.0, 3.0, 7.0, 15.0]).reshape(-1, 1)


def _index_of(centers: np.ndarray) -> list[int]:
    lookup = {value: i for i, value in enumerate(POINTS.ravel())}
    return [lookup[value] for value in centers.ravel()]


def _chi2_pvalue(observed: np.ndarray, expected: np.ndarray, dof: int) -> float:
    keep = expected > 0
    assert observed[~keep].sum() == 0  # never a point of probability 0
    chi2 = (((observed - expected) ** 2)[keep] / expected[keep]).sum()
    return float(stats.chi2.sf(chi2, dof))


# ---------------------------------------------------------------------------
# Examples and basic properties
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seeding", [kmlib.kmeans_plusplus, kmlib.random_init])
def test_centres_are_distinct_data_points(seeding):
    X = np.random.default_rng(0).normal(size=(50, 3))
    C = seeding(X, 7, random_state=1)
    assert C.shape == (7, 3) and C.dtype == np.float64
    rows = {tuple(row) for row in X}
    assert all(tuple(c) in rows for c in C)
    assert len({tuple(c) for c in C}) == 7


@pytest.mark.parametrize("seeding", [kmlib.kmeans_plusplus, kmlib.random_init])
def test_k_equals_n_gives_every_point(seeding):
    C = seeding(POINTS, 5, random_state=0)
    assert sorted(C.ravel().tolist()) == sorted(POINTS.ravel().tolist())


@pytest.mark.parametrize("seeding", [kmlib.kmeans_plusplus, kmlib.random_init])
def test_same_seed_same_centres(seeding):
    X = np.random.default_rng(0).normal(size=(100, 2))
    a = seeding(X, 5, random_state=42)
    b = seeding(X, 5, random_state=np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)
    c = seeding(X, 5, random_state=43)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.uint8])
def test_int_and_float32_input(dtype):
    X = np.arange(40).reshape(20, 2).astype(dtype)
    for seeding in (kmlib.kmeans_plusplus, kmlib.random_init):
        C = seeding(X, 4, random_state=0)
        assert C.dtype == np.float64
        np.testing.assert_array_equal(C, seeding(X.astype(np.float64), 4, random_state=0))


def test_default_local_trials_is_two_plus_log_k():
    X = np.random.default_rng(1).normal(size=(200, 2))
    for k in (1, 2, 3, 8, 20):
        trials = 2 + int(np.log(k))
        np.testing.assert_array_equal(
            kmlib.kmeans_plusplus(X, k, random_state=5),
            kmlib.kmeans_plusplus(X, k, random_state=5, n_local_trials=trials),
        )


def _reference_kmeans_plusplus(X, k, rng, n_local_trials):
    """Naive loops with the same draws as kmlib (documents the draw order)."""
    n = len(X)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(k))

    def sq(j):
        return np.array([sum((X[i, f] - X[j, f]) ** 2 for f in range(X.shape[1])) for i in range(n)])

    chosen = [int(rng.integers(n))]
    closest = sq(chosen[0])
    for _ in range(1, k):
        cumulative = np.cumsum(closest)
        values = rng.random(n_local_trials) * cumulative[-1]
        best = None
        for value in values:
            candidate = min(int(np.searchsorted(cumulative, value, side="right")), n - 1)
            trial = np.minimum(closest, sq(candidate))
            if best is None or trial.sum() < best[0]:
                best = (trial.sum(), candidate, trial)
        chosen.append(best[1])
        closest = best[2]
    return X[chosen]


@FAST
@given(st.integers(2, 30), st.integers(1, 3), st.integers(0, 2**32 - 1), st.sampled_from([None, 1, 3]))
def test_matches_reference_implementation(n, d, seed, trials):
    X = np.random.default_rng(seed).normal(size=(n, d))
    k = min(n, 1 + seed % 6)
    ours = kmlib.kmeans_plusplus(X, k, random_state=seed, n_local_trials=trials)
    ref = _reference_kmeans_plusplus(X, k, np.random.default_rng(seed), trials)
    np.testing.assert_allclose(ours, ref)


@pytest.mark.parametrize("trials", [None, 1])
def test_one_centre_per_far_blob(trials):
    rng = np.random.default_rng(3)
    offsets = np.array([[0, 0], [1000, 0], [0, 1000], [1000, 1000]])
    X = (rng.normal(size=(200, 2)) + offsets[np.arange(200) % 4]).astype(float)
    for seed in range(20):
        C = kmlib.kmeans_plusplus(X, 4, random_state=seed, n_local_trials=trials)
        blobs = {tuple(np.round(c / 1000).astype(int)) for c in C}
        assert len(blobs) == 4


# ---------------------------------------------------------------------------
# Statistical tests of D^2 sampling
# ---------------------------------------------------------------------------


def test_first_centre_uniform():
    rng = np.random.default_rng(2024)
    draws = 5000
    counts = np.zeros(len(POINTS))
    for _ in range(draws):
        counts[_index_of(kmlib.kmeans_plusplus(POINTS, 1, random_state=rng))[0]] += 1
    expected = np.full(len(POINTS), draws / len(POINTS))
    assert _chi2_pvalue(counts, expected, len(POINTS) - 1) > 1e-4


def test_later_centres_proportional_to_d_squared():
    rng = np.random.default_rng(7)
    n, draws = len(POINTS), 12000
    sq = (POINTS - POINTS.T) ** 2  # (n, n) for 5 points, test only
    second = np.zeros((n, n))  # [first, second] counts
    third = np.zeros((n, n, n))  # [first, second, third]
    for _ in range(draws):
        f, s, t = _index_of(kmlib.kmeans_plusplus(POINTS, 3, random_state=rng, n_local_trials=1))
        second[f, s] += 1
        third[f, s, t] += 1
    # second | first  ~  D^2 to the first
    p2 = sq / sq.sum(axis=1, keepdims=True)
    expected2 = second.sum(axis=1, keepdims=True) * p2
    assert _chi2_pvalue(second, expected2, n * (n - 2)) > 1e-4
    # third | first, second  ~  min(D^2) to both
    d3 = np.minimum(sq[:, None, :], sq[None, :, :])
    with np.errstate(invalid="ignore"):
        p3 = np.nan_to_num(d3 / d3.sum(axis=2, keepdims=True))
    expected3 = third.sum(axis=2, keepdims=True) * p3
    observed_pairs = int((third.sum(axis=2) > 0).sum())
    assert _chi2_pvalue(third, expected3, observed_pairs * (n - 3)) > 1e-4
    # a D^1 sampler would be rejected by the same test
    p_wrong = np.sqrt(sq) / np.sqrt(sq).sum(axis=1, keepdims=True)
    assert _chi2_pvalue(second, second.sum(axis=1, keepdims=True) * p_wrong, n * (n - 2)) < 1e-6


def test_random_init_uniform_over_rows():
    rng = np.random.default_rng(11)
    draws = 4000
    counts = np.zeros(len(POINTS))
    for _ in range(draws):
        for i in _index_of(kmlib.random_init(POINTS, 2, random_state=rng)):
            counts[i] += 1
    expected = np.full(len(POINTS), 2 * draws / len(POINTS))
    assert _chi2_pvalue(counts, expected, len(POINTS) - 1) > 1e-4


# ---------------------------------------------------------------------------
# Degenerate input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("trials", [None, 1])
def test_fewer_distinct_points_than_k(trials):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]] * 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no 0/0 anywhere
        with pytest.warns(DuplicatePointsWarning, match="only 3 distinct point\\(s\\), fewer than k=5"):
            C = kmlib.kmeans_plusplus(X, 5, random_state=0, n_local_trials=trials)
    assert np.isfinite(C).all()
    assert {tuple(c) for c in C} == {(0.0, 0.0), (1.0, 1.0), (5.0, 5.0)}


def test_all_points_identical():
    X = np.full((4, 3), 2.5)
    with pytest.warns(DuplicatePointsWarning, match="only 1 distinct"):
        C = kmlib.kmeans_plusplus(X, 4, random_state=0)
    np.testing.assert_array_equal(C, X)
    with pytest.warns(DuplicatePointsWarning, match="only 1 distinct"):
        C = kmlib.random_init(X, 2, random_state=0)
    np.testing.assert_array_equal(C, X[:2])


def test_no_warning_when_enough_distinct_points():
    X = np.array([[0.0], [0.0], [1.0], [2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in range(20):
            C = kmlib.kmeans_plusplus(X, 3, random_state=seed)
            assert sorted(C.ravel().tolist()) == [0.0, 1.0, 2.0]
            kmlib.random_init(X, 3, random_state=seed)  # may repeat 0.0, but X has 3 distinct


def test_k_one():
    X = np.random.default_rng(0).normal(size=(10, 2))
    assert kmlib.kmeans_plusplus(X, 1, random_state=0).shape == (1, 2)
    assert kmlib.random_init(X, 1, random_state=0).shape == (1, 2)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seeding", [kmlib.kmeans_plusplus, kmlib.random_init])
def test_bad_k(seeding):
    with pytest.raises(ValueError, match="k must be >= 1"):
        seeding(POINTS, 0)
    with pytest.raises(ValueError, match="k must be <= the number of samples; got k=6 with n_samples=5"):
        seeding(POINTS, 6)
    with pytest.raises(TypeError, match="k must be an integer"):
        seeding(POINTS, 2.0)


@pytest.mark.parametrize("seeding", [kmlib.kmeans_plusplus, kmlib.random_init])
def test_bad_X_and_random_state(seeding):
    with pytest.raises(ValueError, match="X must be finite"):
        seeding([[0.0], [np.nan]], 1)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        seeding([0.0, 1.0], 1)
    with pytest.raises(ValueError, match="random_state must be a non-negative integer"):
        seeding(POINTS, 2, random_state=-1)
    with pytest.raises(TypeError, match="random_state"):
        seeding(POINTS, 2, random_state=1.5)


@pytest.mark.parametrize(("trials", "error"), [(0, ValueError), (-1, ValueError), (1.5, TypeError)])
def test_bad_n_local_trials(trials, error):
    with pytest.raises(error, match="n_local_trials"):
        kmlib.kmeans_plusplus(POINTS, 2, n_local_trials=trials)


# ---------------------------------------------------------------------------
# sample_weight
# ---------------------------------------------------------------------------

WEIGHTS = np.array([1.0, 2.0, 0.5, 0.0, 3.0])  # point 3 (x = 7) weighs nothing


@pytest.mark.parametrize(("seeding", "seed"), [(kmlib.kmeans_plusplus, 5), (kmlib.random_init, 3)])
def test_weighted_first_centre_proportional_to_weight(seeding, seed):
    # k-means++'s first centre and a random start are both drawn with P ~ w.
    rng = np.random.default_rng(seed)
    draws = 5000
    counts = np.zeros(len(POINTS))
    for _ in range(draws):
        counts[_index_of(seeding(POINTS, 1, random_state=rng, sample_weight=WEIGHTS))[0]] += 1
    assert counts[3] == 0
    expected = draws * WEIGHTS / WEIGHTS.sum()
    assert _chi2_pvalue(counts, expected, len(POINTS) - 2) > 1e-4


def test_weighted_second_centre_proportional_to_w_d_squared():
    rng = np.random.default_rng(8)
    n, draws = len(POINTS), 8000
    sq = (POINTS - POINTS.T) ** 2
    second = np.zeros((n, n))
    for _ in range(draws):
        f, s = _index_of(
            kmlib.kmeans_plusplus(POINTS, 2, random_state=rng, n_local_trials=1, sample_weight=WEIGHTS)
        )
        second[f, s] += 1
    p2 = WEIGHTS * sq / (WEIGHTS * sq).sum(axis=1, keepdims=True)
    expected2 = second.sum(axis=1, keepdims=True) * p2
    observed_rows = int((second.sum(axis=1) > 0).sum())
    assert _chi2_pvalue(second, expected2, observed_rows * (n - 3)) > 1e-4


@pytest.mark.parametrize("trials", [None, 1, 5])
def test_zero_weight_points_never_chosen(trials):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    X[::2] *= 50  # the zero-weight points are the far ones, D^2 would favour them
    w = np.where(np.arange(60) % 2 == 0, 0.0, rng.uniform(0.5, 2.0, size=60))
    allowed = {tuple(row) for row in X[w > 0]}
    for seed in range(40):
        for centers in (
            kmlib.kmeans_plusplus(X, 10, random_state=seed, n_local_trials=trials, sample_weight=w),
            kmlib.random_init(X, 10, random_state=seed, sample_weight=w),
        ):
            assert {tuple(row) for row in centers} <= allowed
            assert np.unique(centers, axis=0).shape[0] == 10


def test_unit_weights_give_distinct_data_points():
    # With unit weights only the first draw differs (choice with p instead of
    # integers); the centres are always distinct data points.
    X = np.random.default_rng(1).normal(size=(40, 3))
    centers = kmlib.kmeans_plusplus(X, 6, random_state=0, sample_weight=np.ones(40))
    assert np.unique(centers, axis=0).shape[0] == 6
    assert all((X == c).all(axis=1).any() for c in centers)


def test_weighted_fewer_positive_points_than_k():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    w = np.array([1.0, 0.0, 2.0, 0.0])
    with pytest.warns(DuplicatePointsWarning, match="only 2 distinct"):
        centers = kmlib.kmeans_plusplus(X, 3, random_state=0, sample_weight=w)
    assert set(centers.ravel()) <= {0.0, 2.0}
    with pytest.raises(ValueError, match="only 2 point\\(s\\) have a positive sample_weight"):
        kmlib.random_init(X, 3, random_state=0, sample_weight=w)


def test_sample_weight_is_keyword_only_and_not_modified():
    X = np.random.default_rng(2).normal(size=(10, 2))
    w = np.arange(10, dtype=float)
    before = w.copy()
    kmlib.kmeans_plusplus(X, 3, random_state=0, sample_weight=w)
    kmlib.random_init(X, 3, random_state=0, sample_weight=w)
    np.testing.assert_array_equal(w, before)
    with pytest.raises(TypeError):
        kmlib.kmeans_plusplus(X, 3, 0, None, w)  # sample_weight is keyword-only
