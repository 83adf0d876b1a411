"""Tests of kmlib._seeding (random (Forgy) seeding and k-means++) and its kernel.

The statistical tests draw many seedings from one seeded generator and check,
with a chi-square test, that k-means++ draws its first centre uniformly and
each later centre with probability proportional to D(x)^2. The seeds are
fixed, so the tests are deterministic; the threshold p > 1e-4 would rarely
fail for a correct sampler with another seed, and the sample sizes make a
wrong sampler (uniform, or proportional to D instead of D^2) fail badly.

The kernel tests compare ``kmlib._kernels.seeding.best_candidate`` (a GEMM
screen, then exact differences where it cannot decide) with the readable
step written out below, bit for bit, and the whole seeding with a
straightforward reference and with scikit-learn fed the same uniforms.
"""

from __future__ import annotations

import contextlib
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus
from sklearn.datasets import load_digits, load_iris, load_wine

import kmlib
from kmlib import DuplicatePointsWarning, _blocks
from kmlib._kernels import seeding as kernel

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
        return np.array(
            [sum((X[i, f] - X[j, f]) ** 2 for f in range(X.shape[1])) for i in range(n)]
        )

    chosen = [int(rng.integers(n))]
    closest = sq(chosen[0])
    for _ in range(1, k):
        cumulative = np.cumsum(closest)
        values = rng.random(n_local_trials) * cumulative[-1]
        last = int(np.searchsorted(cumulative, cumulative[-1]))  # last point with D^2 > 0
        best = None
        for value in values:
            candidate = min(int(np.searchsorted(cumulative, value, side="right")), last)
            trial = np.minimum(closest, sq(candidate))
            if best is None or trial.sum() < best[0]:
                best = (trial.sum(), candidate, trial)
        chosen.append(best[1])
        closest = best[2]
    return X[chosen]


@FAST
@given(
    st.integers(2, 30), st.integers(1, 3), st.integers(0, 2**32 - 1), st.sampled_from([None, 1, 3])
)
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
        with pytest.warns(
            DuplicatePointsWarning, match="only 3 distinct point\\(s\\), fewer than k=5"
        ):
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
    with pytest.raises(
        ValueError, match="k must be <= the number of samples; got k=6 with n_samples=5"
    ):
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
            kmlib.kmeans_plusplus(
                POINTS, 2, random_state=rng, n_local_trials=1, sample_weight=WEIGHTS
            )
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
    # Unit weights draw what no weights draw (see test_unit_weights_draw_what_no_weights_draw);
    # the centres are always distinct data points.
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


# ---------------------------------------------------------------------------
# The readable algorithm, written out: the references of the fast path
# ---------------------------------------------------------------------------

REAL_DATA = {"iris": load_iris().data, "wine": load_wine().data, "digits": load_digits().data}


def sq_dists(X, c):
    """Squared distances to ``c`` from the differences, feature by feature in order."""
    return sum((X[:, j] - c[j]) ** 2 for j in range(X.shape[1]))


def reference_step(X, candidates, closest, w):
    """Of the candidates, the one whose potential sum w min(D^2, d^2) is smallest (first on ties)."""
    best = None
    for c in candidates:
        trial = np.minimum(closest, sq_dists(X, X[c]))
        potential = (w * trial).sum()
        if best is None or potential < best[0]:
            best = (potential, int(c), trial)
    return best[1], best[2]


def reference_kmeans_plusplus(X, k, rng, n_local_trials=None, sample_weight=None):
    """Greedy k-means++, straightforwardly: the row indices it chooses."""
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    trials = 2 + int(np.log(k)) if n_local_trials is None else n_local_trials

    def draw():  # uniform when the weights are all equal, else P(i) = w_i / sum(w)
        return int(rng.integers(n) if (w == w[0]).all() else rng.choice(n, p=w / w.sum()))

    chosen = [draw()]
    closest = sq_dists(X, X[chosen[0]])
    for _ in range(1, k):
        cumulative = np.cumsum(w * closest)
        if cumulative[-1] == 0:
            chosen.append(draw())
            continue
        values = rng.random(trials) * cumulative[-1]
        last = np.searchsorted(cumulative, cumulative[-1])
        candidates = np.minimum(np.searchsorted(cumulative, values, side="right"), last)
        best, closest = reference_step(X, candidates, closest, w)
        chosen.append(best)
    return np.array(chosen)


def seeding_states(X, rng, n_states, weighted):
    """Random (candidates, D^2, weights) states of a seeding of ``X``, duplicates included."""
    n = len(X)
    for s in range(n_states):
        centres = rng.choice(n, size=int(rng.integers(1, min(n, 7) + 1)), replace=False)
        closest = np.min([sq_dists(X, X[c]) for c in centres], axis=0)
        candidates = rng.choice(n, size=int(rng.integers(1, 9)))
        if s % 3 == 0:
            candidates[-1] = candidates[0]  # the same point drawn twice
        if s % 5 == 0:
            candidates[0] = centres[0]  # a chosen centre again: it saves nothing
        w = rng.uniform(0, 2, n) * (rng.random(n) > 0.1) if weighted else np.ones(n)
        yield candidates, closest, w


@contextlib.contextmanager
def kernel_path(path):
    """Make the kernel take ``path``: "screen" (the GEMM screen) or "dense" (the readable step)."""
    saved = kernel.DENSE_WORK
    kernel.DENSE_WORK = {"screen": -1, "dense": 2**62}[path]
    try:
        yield
    finally:
        kernel.DENSE_WORK = saved


PATHS = ["screen", "dense"]


@pytest.fixture(params=PATHS)
def either_path(request):
    """Run the test once through the screen and once through the readable step."""
    with kernel_path(request.param):
        yield request.param


def check_kernel_step(X, candidates, closest, w):
    points = kernel.prepare_points(np.ascontiguousarray(X, dtype=np.float64))
    expected = reference_step(X, candidates, closest.copy(), w)
    for path in PATHS:
        with kernel_path(path):
            got = kernel.best_candidate(points, candidates, closest.copy(), w)
        assert got[0] == expected[0], path
        np.testing.assert_array_equal(got[1], expected[1], err_msg=path)  # bit for bit


@pytest.mark.parametrize("name", sorted(REAL_DATA))
@pytest.mark.parametrize("offset", [0.0, 1e9])
@pytest.mark.parametrize("weighted", [False, True])
def test_kernel_equals_readable_step_on_real_data(name, offset, weighted):
    X = REAL_DATA[name] + offset
    rng = np.random.default_rng(len(name))
    for candidates, closest, w in seeding_states(X, rng, 12, weighted):
        check_kernel_step(X, candidates, closest, w)


def test_kernel_sq_dists_equal_the_differences():
    X = REAL_DATA["digits"] * 0.37 + 5.0
    points = kernel.prepare_points(X)
    rows = np.array([5, 0, 1796, 5, 17])
    for c in (X[3], np.arange(64.0)):
        np.testing.assert_array_equal(kernel.sq_dists_to(points, c), sq_dists(X, c))
        np.testing.assert_array_equal(kernel.sq_dists_to(points, c, rows), sq_dists(X, c)[rows])


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def seeding_data(draw):
    """Small data sets: floats, integer grids (exact ties) or repeated rows."""
    n, d = draw(st.integers(1, 40)), draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["floats", "grid", "repeats"]))
    if kind == "grid":
        X = draw(arrays(np.float64, (n, d), elements=st.integers(-3, 3).map(float)))
    else:
        X = draw(arrays(np.float64, (n, d), elements=finite))
    if kind == "repeats":
        X = X[draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n))]
    X = X * draw(st.sampled_from([1.0, 2.0**-40, 2.0**30])) + draw(st.sampled_from([0.0, 1e6]))
    return X


@FAST
@given(seeding_data(), st.integers(0, 2**32 - 1), st.sampled_from([None, 1, 2, 5]), st.booleans())
def test_kmeans_plusplus_equals_the_reference(X, seed, trials, weighted):
    n = len(X)
    k = 1 + seed % min(n, 8)
    rng = np.random.default_rng(seed)
    w = rng.uniform(0, 3, n) * (rng.random(n) > 0.3) if weighted else None
    if w is not None and w.sum() == 0:
        w = None
    # The numerical policy: huge or tiny data are scaled by a power of two
    # (exact) before the squares, so the reference sees them scaled too.
    largest = np.abs(X).max()
    e = 0 if largest == 0 else -int(np.frexp(largest)[1])
    Xs = X if abs(e) <= 200 else np.ldexp(X, e)
    chosen = reference_kmeans_plusplus(Xs, k, np.random.default_rng(seed), trials, w)
    for path in PATHS:
        with kernel_path(path), warnings.catch_warnings():
            warnings.simplefilter("ignore", DuplicatePointsWarning)
            ours = kmlib.kmeans_plusplus(
                X, k, random_state=seed, n_local_trials=trials, sample_weight=w
            )
        np.testing.assert_array_equal(ours, X[chosen], err_msg=path)


@FAST
@given(seeding_data(), st.integers(0, 2**32 - 1))
def test_kernel_equals_readable_step_on_hypothesis_data(X, seed):
    rng = np.random.default_rng(seed)
    for candidates, closest, w in seeding_states(X, rng, 3, weighted=seed % 2 == 1):
        check_kernel_step(X, candidates, closest, w)


@pytest.mark.parametrize("name", sorted(REAL_DATA))
@pytest.mark.parametrize("trials", [None, 1, 7])
@pytest.mark.parametrize("path", PATHS)
def test_kmeans_plusplus_equals_the_reference_on_real_data(name, trials, path):
    X = REAL_DATA[name]
    for seed in range(4):
        with kernel_path(path):
            ours = kmlib.kmeans_plusplus(X, 12, random_state=seed, n_local_trials=trials)
        chosen = reference_kmeans_plusplus(X, 12, np.random.default_rng(seed), trials)
        np.testing.assert_array_equal(ours, X[chosen])


def test_undecided_candidates_go_through_the_exact_step(monkeypatch):
    # With huge bounds nothing is decided by the screen: every potential is exact.
    calls = []
    exact_trial = kernel.exact_trial
    monkeypatch.setattr(kernel, "exact_trial", lambda *a: calls.append(1) or exact_trial(*a))
    monkeypatch.setattr(kernel, "error_bounds", lambda points, C, *rest: np.full(len(C), 1e300))
    monkeypatch.setattr(kernel, "DENSE_WORK", -1)
    X = REAL_DATA["wine"]
    for seed in range(3):
        ours = kmlib.kmeans_plusplus(X, 10, random_state=seed)
        np.testing.assert_array_equal(
            ours, X[reference_kmeans_plusplus(X, 10, np.random.default_rng(seed))]
        )
    assert len(calls) > 20


def test_screen_decides_ordinary_steps(monkeypatch):
    # On data near the origin the bounds decide: no potential is computed exactly.
    monkeypatch.setattr(kernel, "exact_trial", lambda *a: pytest.fail("exact step used"))
    monkeypatch.setattr(kernel, "DENSE_WORK", -1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3)) + rng.integers(0, 5, size=(2000, 1))
    for seed in range(5):
        kmlib.kmeans_plusplus(X, 10, random_state=seed)


# ---------------------------------------------------------------------------
# One draw sequence: no weights, unit weights and scikit-learn's
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REAL_DATA))
@pytest.mark.parametrize("trials", [None, 1])
def test_unit_weights_draw_what_no_weights_draw(name, trials, either_path):
    X = REAL_DATA[name]
    for seed in range(5):
        np.testing.assert_array_equal(
            kmlib.kmeans_plusplus(X, 8, random_state=seed, n_local_trials=trials),
            kmlib.kmeans_plusplus(
                X, 8, random_state=seed, n_local_trials=trials, sample_weight=np.ones(len(X))
            ),
        )


@pytest.mark.parametrize("weights", [2.0, 0.25])
def test_equal_weights_draw_what_no_weights_draw(weights, either_path):
    X = REAL_DATA["wine"]
    for seed in range(5):
        np.testing.assert_array_equal(
            kmlib.kmeans_plusplus(X, 8, random_state=seed),
            kmlib.kmeans_plusplus(X, 8, random_state=seed, sample_weight=np.full(len(X), weights)),
        )


@pytest.mark.parametrize("name", sorted(REAL_DATA))
@pytest.mark.parametrize("k", [3, 8, 10])
@pytest.mark.parametrize("trials", [None, 1])
def test_same_weighted_centres_as_sklearn_from_the_same_uniforms(name, k, trials, either_path):
    # A Generator and a RandomState on one PCG64 stream give the same uniforms;
    # with unequal weights kmlib and scikit-learn then draw the same way and
    # choose the same centres (scikit-learn's D^2 comes from the GEMM
    # identity: only exact ties could break differently).
    X = REAL_DATA[name]
    w = np.random.default_rng(k).uniform(0.5, 3.0, len(X))
    for seed in range(5):
        ours = kmlib.kmeans_plusplus(
            X,
            k,
            random_state=np.random.Generator(np.random.PCG64(seed)),
            n_local_trials=trials,
            sample_weight=w,
        )
        theirs, _ = sk_kmeans_plusplus(
            X,
            k,
            random_state=np.random.RandomState(np.random.PCG64(seed)),
            n_local_trials=trials,
            sample_weight=w,
        )
        np.testing.assert_array_equal(ours, theirs)


# ---------------------------------------------------------------------------
# Exactness: duplicates and offsets
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [0.0, 1e8])
@pytest.mark.parametrize("trials", [None, 1, 5])
def test_duplicates_of_chosen_centres_are_never_drawn(offset, trials, either_path):
    # 30 distinct points, each four times: k = 30 must give the 30 points once each.
    rng = np.random.default_rng(4)
    points = rng.normal(size=(30, 3)) + offset
    X = points[rng.permutation(np.repeat(np.arange(30), 4))]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DuplicatePointsWarning)
        for seed in range(10):
            C = kmlib.kmeans_plusplus(X, 30, random_state=seed, n_local_trials=trials)
            assert np.unique(C, axis=0).shape[0] == 30
            w = rng.uniform(0.1, 2.0, len(X))
            C = kmlib.kmeans_plusplus(
                X, 30, random_state=seed, n_local_trials=trials, sample_weight=w
            )
            assert np.unique(C, axis=0).shape[0] == 30


def test_an_exact_offset_does_not_change_the_draws(either_path):
    # digits are small integers: adding 2**30 keeps every difference exact,
    # so the draws, which depend on differences only, are the same.
    X = REAL_DATA["digits"]
    for seed in range(3):
        np.testing.assert_array_equal(
            kmlib.kmeans_plusplus(X + 2.0**30, 10, random_state=seed),
            kmlib.kmeans_plusplus(X, 10, random_state=seed) + 2.0**30,
        )


def test_a_power_of_two_scale_does_not_change_the_draws(either_path):
    X = REAL_DATA["iris"]
    for scale in (2.0**-500, 2.0**400):
        np.testing.assert_array_equal(
            kmlib.kmeans_plusplus(X * scale, 10, random_state=1),
            kmlib.kmeans_plusplus(X, 10, random_state=1) * scale,
        )


# ---------------------------------------------------------------------------
# Memory and the old private entry points
# ---------------------------------------------------------------------------


def test_memory_stays_far_below_an_L_n_d_array():
    rng = np.random.default_rng(0)
    n, d, k = 200_000, 16, 8
    X = rng.normal(size=(n, d))
    L = 2 + int(np.log(k))
    candidates_bytes = L * n * d * 8  # what one (L, n, d) array of differences would take
    tracemalloc.start()
    try:
        kmlib.kmeans_plusplus(X, k, random_state=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One copy of the data (by columns, plus two rows), about a dozen (n,)
    # vectors and the screen's buffer, bounded by WORKING_MEMORY_BYTES.
    assert peak < (d + 2) * n * 8 + 14 * n * 8 + _blocks.WORKING_MEMORY_BYTES
    assert peak < candidates_bytes * 0.7


# ---------------------------------------------------------------------------
# More bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "error", "match"),
    [
        (np.ones(4), ValueError, "sample_weight must be a 1-D array of shape \\(5,\\)"),
        (-np.ones(5), ValueError, "sample_weight must be non-negative"),
        (np.zeros(5), ValueError, "sample_weight must not be all zero"),
        (np.array([1.0, np.nan, 1, 1, 1]), ValueError, "sample_weight must be finite"),
        (["a"] * 5, TypeError, "sample_weight must be None or an array of real numbers"),
    ],
)
def test_bad_sample_weight(weights, error, match):
    for seeding in (kmlib.kmeans_plusplus, kmlib.random_init):
        with pytest.raises(error, match=match):
            seeding(POINTS, 2, sample_weight=weights)


def test_bad_input_of_more_kinds():
    with pytest.raises(TypeError, match="n_local_trials must be an integer; got True"):
        kmlib.kmeans_plusplus(POINTS, 2, n_local_trials=True)
    with pytest.raises(ValueError, match="X must be finite; it contains infinity"):
        kmlib.kmeans_plusplus([[0.0], [np.inf]], 1)
    with pytest.raises(TypeError, match="X must contain real numbers"):
        kmlib.kmeans_plusplus([["a"], ["b"]], 1)
    with pytest.raises(ValueError, match="X must have at least 1 row"):
        kmlib.kmeans_plusplus(np.zeros((0, 2)), 1)
    assert kmlib.kmeans_plusplus(POINTS, np.int64(2), random_state=np.uint8(3)).shape == (2, 1)


def test_random_init_with_equal_weights_draws_what_no_weights_draw():
    X = np.random.default_rng(4).normal(size=(300, 2))
    plain = kmlib.random_init(X, 5, random_state=11)
    for w in (np.ones(300), np.full(300, 0.25)):
        np.testing.assert_array_equal(
            kmlib.random_init(X, 5, random_state=11, sample_weight=w), plain
        )
    # and so kmeans gives the same clustering with either seeding
    for init in ("random", "k-means++"):
        a = kmlib.kmeans(X, 5, init=init, random_state=3)
        b = kmlib.kmeans(X, 5, init=init, random_state=3, sample_weight=np.ones(300))
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.centers, b.centers)
        assert a.inertia == b.inertia
