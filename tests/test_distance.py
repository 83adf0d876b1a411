"""Specification of kmlib._distance (Chapter 1)."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_digits, load_iris
from sklearn.metrics.pairwise import euclidean_distances

from kmlib import _blocks, euclidean, nearest, pairwise_sq_dists
from kmlib._kernels import screen as screen_module

# Coordinates of moderate size, so that the GEMM identity's rounding error is
# far below the tolerances used (Chapter 1 studies the large-coordinate case).
coords = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


def point_sets(max_rows=30, max_dim=5):
    """Pairs (X, C) of 2-D float arrays with the same number of columns."""
    return st.integers(1, max_dim).flatmap(
        lambda d: st.tuples(
            arrays(np.float64, st.tuples(st.integers(1, max_rows), st.just(d)), elements=coords),
            arrays(np.float64, st.tuples(st.integers(1, 8), st.just(d)), elements=coords),
        )
    )


def direct_sq_dists(X, C):
    """The definition, by broadcasting: fine for the small arrays of the tests."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


# --- worked examples (the ones the book quotes) -------------------------------


def test_euclidean_worked_example_2d_is_sqrt_13():
    assert euclidean([3, 4], [5, 1]) == pytest.approx(math.sqrt(13), rel=1e-15)


def test_euclidean_worked_example_3d_is_sqrt_14():
    assert euclidean([3, 4, 2], [5, 1, 1]) == pytest.approx(math.sqrt(14), rel=1e-15)


def test_euclidean_returns_python_float():
    assert type(euclidean(np.array([0.0]), np.array([1.0]))) is float


def test_pairwise_sq_dists_small_example():
    D = pairwise_sq_dists([[0, 0], [3, 4]], [[0, 0], [3, 0]])
    np.testing.assert_array_equal(D, [[0, 9], [25, 16]])
    assert D.dtype == np.float64


def test_nearest_small_example():
    labels, sq = nearest([[0, 0], [3, 4], [1, 0]], [[0, 0], [3, 3]])
    np.testing.assert_array_equal(labels, [0, 1, 0])
    np.testing.assert_array_equal(sq, [0, 1, 1])


def test_nearest_ties_go_to_lowest_index():
    # The point (0, 0) is exactly as far from every centre.
    C = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    labels, sq = nearest([[0.0, 0.0]], C)
    assert labels[0] == 0
    labels, _ = nearest([[0.0, 0.0]], C[::-1])
    assert labels[0] == 0
    # Duplicate centres: the first copy wins.
    labels, _ = nearest([[5.0, 5.0], [0.0, 0.0]], [[9.0, 9.0], [5.0, 5.0], [5.0, 5.0]])
    np.testing.assert_array_equal(labels, [1, 1])


def test_nearest_guards_against_cancellation_far_from_origin():
    # x and c differ by 1e-3 in one coordinate but sit at 1e8 from the origin:
    # ||x||^2 and ||c||^2 are ~1e16, where float64 spacing is 2, so the GEMM
    # identity alone cannot see a squared distance of 1e-6.
    x = np.array([[1e8, 1e8 + 1e-3]])
    c = np.array([[1e8, 1e8]])
    identity = pairwise_sq_dists(x, c)[0, 0]
    _, exact = nearest(x, c)
    true_value = (x - c)[0] @ (x - c)[0]
    assert identity >= 0.0  # clipped: never a negative "squared distance"
    assert exact[0] == pytest.approx(true_value, rel=1e-6)


def test_pairwise_sq_dists_never_negative_for_identical_points():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=1e4, scale=1e-3, size=(200, 3))
    D = pairwise_sq_dists(X, X)
    assert (D >= 0).all()


# --- properties ------------------------------------------------------------------


@given(point_sets())
@settings(max_examples=60, deadline=None)
def test_pairwise_sq_dists_matches_definition(XC):
    X, C = XC
    D = pairwise_sq_dists(X, C)
    scale = 1.0 + np.abs(X).max() ** 2 + np.abs(C).max() ** 2
    np.testing.assert_allclose(D, direct_sq_dists(X, C), rtol=1e-9, atol=1e-9 * scale)


@given(point_sets())
@settings(max_examples=60, deadline=None)
def test_pairwise_sq_dists_is_non_negative_and_symmetric(XC):
    X, C = XC
    D = pairwise_sq_dists(X, C)
    assert (D >= 0).all()
    np.testing.assert_allclose(D, pairwise_sq_dists(C, X).T, rtol=1e-9, atol=1e-6)


@given(point_sets())
@settings(max_examples=60, deadline=None)
def test_distance_to_itself_is_zero_within_tolerance(XC):
    X, _ = XC
    diag = np.diag(pairwise_sq_dists(X, X))
    scale = 1.0 + np.abs(X).max() ** 2
    assert np.all(diag <= 1e-12 * scale * X.shape[1])
    # Each point's nearest centre is itself or a copy indistinguishable from it.
    _, sq = nearest(X, X)
    assert np.all(sq <= 1e-12 * scale * X.shape[1])


@given(
    st.integers(1, 6).flatmap(lambda d: st.tuples(*[arrays(np.float64, d, elements=coords)] * 3))
)
@settings(max_examples=100, deadline=None)
def test_euclidean_is_a_metric(abc):
    a, b, c = abc
    assert euclidean(a, b) >= 0
    assert euclidean(a, b) == euclidean(b, a)
    assert euclidean(a, a) == 0
    assert euclidean(a, c) <= euclidean(a, b) + euclidean(b, c) + 1e-9


@given(point_sets(), arrays(np.float64, 5, elements=coords))
@settings(max_examples=60, deadline=None)
def test_translation_does_not_change_distances(XC, shift):
    X, C = XC
    t = shift[: X.shape[1]]
    D = pairwise_sq_dists(X, C)
    scale = 1.0 + (np.abs(X).max() + np.abs(C).max() + np.abs(t).max()) ** 2
    np.testing.assert_allclose(pairwise_sq_dists(X + t, C + t), D, rtol=1e-9, atol=1e-9 * scale)


@given(point_sets(max_rows=40), st.integers(1, 50))
@settings(max_examples=80, deadline=None)
def test_chunked_result_is_identical_to_unchunked(XC, chunk):
    """Chunk sizes that do not divide n are the interesting ones; all are tried.

    BLAS may round a one-row product differently from a many-row one (in the
    last bit), so the identity's values agree to a few ulps; the labels agree
    exactly wherever the nearest centre is not a tie within that rounding, and
    the winner's squared distance, computed directly, is then bit-identical.
    """
    X, C = XC
    whole = pairwise_sq_dists(X, C, chunk_size=len(X))
    scale = 1.0 + np.abs(X).max() ** 2 + np.abs(C).max() ** 2
    np.testing.assert_allclose(
        pairwise_sq_dists(X, C, chunk_size=chunk), whole, rtol=1e-13, atol=1e-13 * scale
    )
    labels_a, sq_a = nearest(X, C, chunk_size=chunk)
    labels_b, sq_b = nearest(X, C, chunk_size=len(X))
    ordered = np.sort(direct_sq_dists(X, C), axis=1)
    clear = (
        (ordered[:, 1] - ordered[:, 0] > 1e-9 * scale) if C.shape[0] > 1 else np.ones(len(X), bool)
    )
    np.testing.assert_array_equal(labels_a[clear], labels_b[clear])
    np.testing.assert_array_equal(sq_a[clear], sq_b[clear])


def test_chunked_result_is_identical_on_real_data():
    X = load_digits().data
    C = X[::37]
    labels, sq = nearest(X, C)
    for chunk in (1, 7, 100, 1000, 1796):
        labels_c, sq_c = nearest(X, C, chunk_size=chunk)
        np.testing.assert_array_equal(labels_c, labels)
        np.testing.assert_array_equal(sq_c, sq)


@given(point_sets())
@settings(max_examples=60, deadline=None)
def test_nearest_is_the_argmin_of_the_distances(XC):
    X, C = XC
    labels, sq = nearest(X, C)
    D = direct_sq_dists(X, C)
    scale = 1.0 + np.abs(X).max() ** 2 + np.abs(C).max() ** 2
    # The chosen centre is a nearest one (up to rounding), and the distance is exact.
    assert np.all(D[np.arange(len(X)), labels] <= D.min(axis=1) + 1e-9 * scale)
    np.testing.assert_allclose(sq, D[np.arange(len(X)), labels], rtol=1e-12, atol=1e-12)


# --- scikit-learn as oracle ------------------------------------------------------


@pytest.mark.parametrize("loader", [load_iris, load_digits])
def test_pairwise_sq_dists_agrees_with_sklearn_on_real_data(loader):
    X = loader().data
    C = X[::17]
    expected = euclidean_distances(X, C, squared=True)
    np.testing.assert_allclose(pairwise_sq_dists(X, C), expected, rtol=1e-10, atol=1e-8)


def test_nearest_agrees_with_sklearn_argmin():
    from sklearn.metrics import pairwise_distances_argmin_min

    X = load_digits().data
    C = X[::50]
    labels, sq = nearest(X, C)
    expected_labels, expected_dist = pairwise_distances_argmin_min(X, C)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(np.sqrt(sq), expected_dist, rtol=1e-10, atol=1e-10)


# --- dtypes -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.uint8, bool])
def test_integer_float32_and_bool_input_give_float64(dtype):
    X = np.array([[0, 1], [1, 0], [1, 1]]).astype(dtype)
    D = pairwise_sq_dists(X, X)
    assert D.dtype == np.float64
    labels, sq = nearest(X, X)
    assert sq.dtype == np.float64
    np.testing.assert_array_equal(labels, [0, 1, 2])


def test_float32_input_is_computed_in_float64():
    # In float32 the identity would lose these digits entirely.
    X = np.array([[1000.0, 1000.0]], dtype=np.float32)
    C = np.array([[1000.0, 1000.5]], dtype=np.float32)
    assert pairwise_sq_dists(X, C)[0, 0] == pytest.approx(0.25, rel=1e-9)


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X, C, error, match",
    [
        ([1.0, 2.0], [[1.0]], ValueError, "X must be a 2-D array; got 1-D"),
        ([[1.0]], [1.0], ValueError, "C must be a 2-D array; got 1-D"),
        (np.zeros((2, 2, 2)), [[1.0, 2.0]], ValueError, "X must be a 2-D array; got 3-D"),
        (
            np.empty((0, 2)),
            [[1.0, 2.0]],
            ValueError,
            r"X must have at least 1 row\(s\); got shape \(0, 2\)",
        ),
        ([[1.0, 2.0]], np.empty((0, 2)), ValueError, r"C must have at least 1 row"),
        (np.empty((3, 0)), np.empty((1, 0)), ValueError, "X must have at least 1 column"),
        ([[np.nan, 1.0]], [[1.0, 2.0]], ValueError, "X must be finite; it contains NaN"),
        ([[1.0, 1.0]], [[np.inf, 2.0]], ValueError, "C must be finite; it contains infinity"),
        ([["a", "b"]], [[1.0, 2.0]], TypeError, "X must contain real numbers"),
        ([[1 + 2j, 1.0]], [[1.0, 2.0]], TypeError, "X must contain real numbers"),
        (
            np.array([[None, 1.0]], dtype=object),
            [[1.0, 2.0]],
            TypeError,
            "X must contain real numbers",
        ),
        ([[1.0, 2.0, 3.0]], [[1.0, 2.0]], ValueError, "same number of features"),
        (
            [[1.0], [1.0, 2.0]],
            [[1.0]],
            ValueError,
            "X must be a 2-D array of numbers; could not convert",
        ),
    ],
)
@pytest.mark.parametrize("func", [pairwise_sq_dists, nearest])
def test_bad_input_gets_a_clear_error(func, X, C, error, match):
    with pytest.raises(error, match=match):
        func(X, C)


@pytest.mark.parametrize(
    "chunk, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_bad_chunk_size_gets_a_clear_error(chunk, error):
    with pytest.raises(error, match="chunk_size"):
        nearest([[0.0]], [[1.0]], chunk_size=chunk)


@pytest.mark.parametrize(
    "a, b, error, match",
    [
        ([1, 2], [1, 2, 3], ValueError, "same number of coordinates"),
        ([[1, 2]], [[1, 2]], ValueError, "a must be a 1-D array"),
        ([], [], ValueError, "a must have at least 1 row"),
        ([np.nan], [1.0], ValueError, "a must be finite"),
        (["x"], [1.0], TypeError, "a must contain real numbers"),
    ],
)
def test_euclidean_bad_input(a, b, error, match):
    with pytest.raises(error, match=match):
        euclidean(a, b)


# --- memory ------------------------------------------------------------------------------


def test_nearest_memory_stays_far_below_the_broadcast():
    """10^6 x 3 points and 64 centres: an (n, k, d) broadcast needs 1.5 GB."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000_000, 3))
    C = rng.normal(size=(64, 3))
    broadcast_bytes = X.shape[0] * C.shape[0] * X.shape[1] * 8
    assert broadcast_bytes > 1.5e9
    tracemalloc.start()
    try:
        labels, sq = nearest(X, C)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The outputs themselves take 16 MB; the working block is bounded by
    # WORKING_MEMORY_BYTES plus a few row-sized temporaries.
    assert peak < 16e6 + 4 * _blocks.WORKING_MEMORY_BYTES
    assert peak < broadcast_bytes / 10
    assert labels.shape == sq.shape == (1_000_000,)


# --- Lloyd's assignment step: single-precision screen, exact close calls -------

screen_points = screen_module.prepare
screened_labels = screen_module.screened_labels


_exact_search = screen_module.exact_blocks  # unaffected by the spy below


def every_exact_block(n):
    """The numbers of all ``EXACT_BLOCK``-row blocks of ``n`` points."""
    return np.arange(-(-n // screen_module.EXACT_BLOCK))


def exact_labels(X, C):
    """The reference: every block through the double-precision search (on the scaled points)."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    return screen_module.exact_labels(screen_points(X, screen=False), C)


@pytest.fixture
def exact_search_calls(monkeypatch):
    """The ``blocks`` of every call the screen makes to the exact search."""
    calls = []

    def spy(X, C, labels, blocks):
        calls.append(blocks.copy())
        return _exact_search(X, C, labels, blocks)

    monkeypatch.setattr(screen_module, "exact_blocks", spy)
    return calls


@pytest.fixture
def small_screen_blocks(monkeypatch):
    """Screen blocks of 64 points, so that small tests cross several blocks."""
    monkeypatch.setattr(screen_module, "SCREEN_BLOCK", 64)


@given(
    point_sets(max_rows=700, max_dim=6),
    st.sampled_from([1e-150, 1e-20, 1.0, 1e20, 1e150]),
)
@settings(max_examples=80, deadline=None)
def test_screened_labels_equal_exact_labels(XC, scale):
    X, C = XC[0] * scale, XC[1] * scale
    expected = exact_labels(X, C)
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), expected)


@given(point_sets(max_rows=300, max_dim=4))
@settings(max_examples=40, deadline=None)
def test_screened_labels_equal_exact_labels_across_screen_blocks(XC):
    X, C = XC
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(screen_module, "SCREEN_BLOCK", 64)
        got = screened_labels(screen_points(X), C)
    np.testing.assert_array_equal(got, exact_labels(X, C))


def test_screened_labels_break_exact_ties_to_the_lowest_index(small_screen_blocks):
    # Integer points and integer centres: many points are exactly as far from
    # two centres; C[3] repeats C[0], so it must never win.
    rng = np.random.default_rng(0)
    X = rng.integers(-5, 6, size=(2000, 2)).astype(float)
    C = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [0.0, 0.0], [-2.0, -2.0]])
    labels = screened_labels(screen_points(X), C)
    np.testing.assert_array_equal(labels, exact_labels(X, C))
    np.testing.assert_array_equal(labels, direct_sq_dists(X, C).argmin(axis=1))  # exact here
    assert not np.any(labels == 3)


def test_screened_labels_on_points_straddling_a_border(small_screen_blocks):
    # Points within a few ulps of the bisector of two centres: the close calls.
    t = np.linspace(-3, 3, 1001)
    offsets = np.array([-1e-15, -1e-16, 0.0, 1e-16, 1e-15])
    X = np.array([[1.0 + e, y] for y in t for e in offsets])
    C = np.array([[0.0, 0.5], [2.0, 0.5], [1.0, 40.0]])
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), exact_labels(X, C))


def test_screened_labels_on_digits_with_data_points_as_centres():
    # Integer data, centres on data points: exact ties, as in the oracle tests.
    X = load_digits().data
    X = X - X.mean(axis=0)
    for seed in range(3):
        C = X[np.random.default_rng(seed).choice(len(X), 10, replace=False)]
        np.testing.assert_array_equal(screened_labels(screen_points(X), C), exact_labels(X, C))


def test_centre_far_outside_the_data_uses_the_exact_search():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 3))
    C = np.vstack([rng.normal(size=(3, 3)), np.full((1, 3), 1e25)])
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), exact_labels(X, C))


def test_screened_labels_of_all_zero_points():
    X = np.zeros((10, 2))
    C = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), np.ones(10, dtype=int))


def test_screen_decides_almost_every_point(exact_search_calls):
    # The fast path must do the work: on overlapping Gaussian blobs only a
    # handful of blocks go to the double-precision search.
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50_000, 3)) + rng.integers(0, 4, size=(50_000, 1))
    C = rng.normal(size=(12, 3))
    labels = screened_labels(screen_points(X), C)
    assert (
        sum(len(blocks) for blocks in exact_search_calls) <= 0.05 * every_exact_block(len(X)).size
    )
    np.testing.assert_array_equal(labels, exact_labels(X, C))


def test_screen_points_do_not_modify_the_input():
    X = np.random.default_rng(3).normal(size=(100, 1))  # X.T is X's memory when d = 1
    before = X.copy()
    points = screen_points(X)
    screened_labels(points, np.array([[0.0], [1.0]]))
    np.testing.assert_array_equal(X, before)
    assert points.columns.dtype == np.float32 and points.columns.shape == (2, 100)


def test_screened_labels_with_points_at_wildly_different_scales(small_screen_blocks):
    # Single precision underflows for the tiny points (below 1e-38 after the
    # scaling), and centres of equal norm make them near-ties: the slack must
    # still send every doubtful point to the exact search.
    rng = np.random.default_rng(4)
    X = np.vstack([rng.normal(size=(300, 2)), rng.normal(size=(300, 2)) * 1e-42,
                   rng.normal(size=(300, 2)) * 1e-20, np.zeros((10, 2))])  # fmt: skip
    C = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.6, 0.8], [1e-43, 0.0]])
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), exact_labels(X, C))


def test_close_calls_scattered_over_many_blocks():
    # A clean first screen block, then integer points with exact ties spread
    # over later blocks: runs of consecutive blocks and single ones are recomputed.
    rng = np.random.default_rng(5)
    clean = rng.normal(size=(screen_module.SCREEN_BLOCK, 2)) * 0.3 + [10.0, 0.0]
    ties = rng.integers(-3, 4, size=(6000, 2)).astype(float)
    X = np.vstack([clean, ties, clean[:1000], ties[:300]])
    C = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [10.0, 0.0]])
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), exact_labels(X, C))


def test_mostly_close_calls_switch_to_the_exact_search(exact_search_calls):
    # Integer points with ties in most blocks: after the first screen block
    # the whole step goes to the exact search, in one pass over every block.
    X = np.random.default_rng(6).integers(-3, 4, size=(20_000, 2)).astype(float)
    C = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    labels = screened_labels(screen_points(X), C)
    assert len(exact_search_calls) == 1
    np.testing.assert_array_equal(exact_search_calls[0], every_exact_block(len(X)))
    np.testing.assert_array_equal(labels, exact_labels(X, C))


def test_exact_search_copies_no_points():
    # Many features, every block exact: the stacks are views of X, so the
    # extra memory is the labels and the bounded blocks of distances.
    rng = np.random.default_rng(7)
    X = rng.integers(0, 3, size=(8192, 400)).astype(float)
    C = X[:5].copy()
    labels = np.empty(len(X), dtype=np.intp)
    tracemalloc.start()
    _exact_search(X, C, labels, every_exact_block(len(X)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < X.nbytes / 10
    np.testing.assert_array_equal(labels, exact_labels(X, C))


# --- the screen on subnormal and huge input (found by Hypothesis: it failed CI at random)


@pytest.mark.filterwarnings("error")
def test_screen_on_a_subnormal_point_scales_without_overflow():
    # 2.0 ** -frexp(2.2e-313)[1] overflowed; ldexp cannot.
    X = np.array([[2.2e-313]])
    C = np.array([[0.0], [1.0]])
    assert screened_labels(screen_points(X), C)[0] == 0
    assert screen_module.exact_labels(screen_points(X), C)[0] == 0


@pytest.mark.filterwarnings("error")
def test_exact_search_decides_tiny_points_on_the_scaled_data():
    # Unscaled, every term underflows to 0 and both centres tie; scaled by a
    # power of two the nearer centre, C[1], wins in both stages.
    X = np.array([[2.2e-293]])
    C = np.array([[0.0], [4.9e-304]])
    assert screened_labels(screen_points(X), C)[0] == 1
    assert screen_module.exact_labels(screen_points(X), C)[0] == 1
    assert direct_sq_dists(X * 2.0**900, C * 2.0**900).argmin() == 1  # the truth


@pytest.mark.filterwarnings("error")
@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 40), st.just(2)), elements=st.floats(-1e-300, 1e-300)
    ),
    arrays(
        np.float64, st.tuples(st.integers(1, 5), st.just(2)), elements=st.floats(-1e-300, 1e-300)
    ),
)
@example(  # a genuine near-tie in double precision, found by Hypothesis
    X=np.array([[9.47411155e-301, 0.0]]),
    C=np.array([[9.26806346e-301, 2.22507386e-309], [9.26806346e-301, 0.0]]),
)
@example(  # all-zero data, tiny centres: their squares underflowed to a tie (Hypothesis)
    X=np.array([[0.0, 0.0]]),
    C=np.array([[6.33858395e-301, 6.33858395e-301], [0.0, 6.33858395e-301]]),
)
@settings(max_examples=60, deadline=None)
def test_screened_labels_are_the_nearest_centres_on_subnormal_data(X, C):
    labels = screened_labels(screen_points(X), C)
    np.testing.assert_array_equal(labels, exact_labels(X, C))
    # The truth, from differences scaled far from underflow (exact: powers of
    # two): the label is a nearest centre up to double precision's rounding
    # of the GEMM identity (the error of scikit-learn's own arithmetic).
    Xs, Cs = X * 2.0**1000, C * 2.0**1000
    D = direct_sq_dists(Xs, Cs)
    size = (np.linalg.norm(Xs, axis=1) + np.linalg.norm(Cs, axis=1).max()) ** 2
    excess = D[np.arange(len(X)), labels] - D.min(axis=1)
    assert np.all(excess <= 16 * np.finfo(float).eps * size)


@pytest.mark.filterwarnings("error")
def test_centre_far_beyond_tiny_data_does_not_overflow():
    X = np.array([[1e-300], [2e-300], [3e-300]])
    C = np.array([[0.0], [1e300]])
    np.testing.assert_array_equal(screened_labels(screen_points(X), C), [0, 0, 0])
    np.testing.assert_array_equal(exact_labels(X, C), [0, 0, 0])
