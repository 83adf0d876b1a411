"""Tests of kmlib._dbscan: worked examples, the scikit-learn oracle, properties, bad input."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from benchmark_scripts import load_benchmark
from hypothesis import given, settings
from hypothesis import strategies as st

from kmlib import _dbscan as kd  # noqa: E402
from kmlib import dbscan, k_distance
from kmlib.datasets import make_blobs, make_moons

sk_cluster = pytest.importorskip("sklearn.cluster")
sk_neighbors = pytest.importorskip("sklearn.neighbors")
sk_datasets = pytest.importorskip("sklearn.datasets")

FAST = settings(max_examples=40, deadline=None)


def sklearn_dbscan(X, eps, min_samples):
    model = sk_cluster.DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    core = np.zeros(len(X), dtype=bool)
    core[model.core_sample_indices_] = True
    return model.labels_, core


def brute_neighbours(X, eps):
    """Boolean (n, n) neighbourhood matrix from coordinate differences (tests only)."""
    X = np.asarray(X, dtype=float)
    sq = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    return sq <= eps * eps


def assert_same_as_sklearn(X, eps, min_samples):
    labels, core = dbscan(X, eps, min_samples, return_core=True)
    sk_labels, sk_core = sklearn_dbscan(X, eps, min_samples)
    np.testing.assert_array_equal(core, sk_core)
    np.testing.assert_array_equal(labels, sk_labels)
    return labels


@pytest.fixture(params=["default", "all heavy", "all light, tiny chunks"])
def grid_paths(request, monkeypatch):
    """Run a test through each code path of the grid index."""
    if request.param == "all heavy":
        monkeypatch.setattr(kd, "HEAVY_CELL_CANDIDATES", 1)
        monkeypatch.setattr(kd, "CANDIDATES_PER_CHUNK", 7)
    elif request.param == "all light, tiny chunks":
        monkeypatch.setattr(kd, "HEAVY_CELL_CANDIDATES", 10**18)
        monkeypatch.setattr(kd, "CANDIDATES_PER_CHUNK", 5)
    return request.param


# ---------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------


def test_chain_exactly_eps_apart_is_one_cluster(grid_paths):
    X = np.arange(6.0)[:, None] * 0.5  # 0, 0.5, ..., 2.5: neighbours exactly eps apart
    labels, core = dbscan(X, eps=0.5, min_samples=3, return_core=True)
    assert labels.tolist() == [0] * 6
    assert core.tolist() == [False, True, True, True, True, False]  # the ends have 2 neighbours
    # a hair smaller and nobody has a neighbour: all noise
    assert dbscan(X, eps=0.4999, min_samples=2).tolist() == [-1] * 6


def test_oracle_example_from_the_reference():
    assert dbscan([[0], [1], [2]], eps=1, min_samples=2).tolist() == [0, 0, 0]


def test_border_point_goes_to_the_first_cluster_opened(grid_paths):
    left = [[0.0, 0.0], [0.0, 0.1], [0.0, -0.1], [-0.1, 0.0]]
    right = [[2.0, 0.0], [2.0, 0.1], [2.0, -0.1], [2.1, 0.0]]
    border = [[1.0, 0.0]]  # exactly eps from (0, 0) and from (2, 0), farther from the rest
    X = np.array(left + right + border)
    labels, core = dbscan(X, eps=1.0, min_samples=4, return_core=True)
    assert core.tolist() == [True] * 8 + [False]  # the border point has 3 neighbours
    assert labels.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0]
    # Put the right-hand cluster first: it is opened first, and takes the border point.
    order = [4, 5, 6, 7, 8, 0, 1, 2, 3]
    assert dbscan(X[order], eps=1.0, min_samples=4).tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert_same_as_sklearn(X, 1.0, 4)
    assert_same_as_sklearn(X[order], 1.0, 4)
    # With one more neighbour needed, the blobs are no longer core: all noise.
    assert dbscan(X, eps=1.0, min_samples=6).tolist() == [-1] * 9


def test_min_samples_one_makes_every_point_core():
    X = np.array([[0.0], [10.0], [20.0]])
    labels, core = dbscan(X, eps=1.0, min_samples=1, return_core=True)
    assert core.all() and labels.tolist() == [0, 1, 2]


def test_single_point_and_duplicates():
    assert dbscan([[1.0, 2.0]], eps=0.1, min_samples=1).tolist() == [0]
    assert dbscan([[1.0, 2.0]], eps=0.1, min_samples=2).tolist() == [-1]
    X = np.array([[3.0, 3.0]] * 5 + [[9.0, 9.0]])
    assert dbscan(X, eps=1e-9, min_samples=5).tolist() == [0] * 5 + [-1]


def test_return_types():
    X, _ = make_moons(100, noise=0.05, random_state=0)
    labels = dbscan(X, 0.2, 5)
    assert labels.dtype == np.int64 and labels.shape == (100,)
    labels2, core = dbscan(X, 0.2, 5, return_core=True)
    assert core.dtype == bool and core.shape == (100,)
    np.testing.assert_array_equal(labels, labels2)


# ---------------------------------------------------------------------------
# The scikit-learn oracle
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [0.05, 0.1, 0.2, 0.3])
@pytest.mark.parametrize("min_samples", [1, 5, 12])
def test_moons_equal_sklearn(eps, min_samples):
    X, _ = make_moons(1500, noise=0.06, random_state=3)
    assert_same_as_sklearn(X, eps, min_samples)


def test_integer_grids_equal_sklearn(grid_paths):
    """Many distances equal eps exactly: the boundary must be included as sklearn does."""
    rng = np.random.default_rng(2024)
    for _ in range(60):
        n = int(rng.integers(1, 90))
        d = int(rng.integers(1, 5))
        X = rng.integers(0, 5, size=(n, d)).astype(float)
        eps = float(rng.choice([1.0, np.sqrt(2), 1.5, 2.0, np.sqrt(5), np.sqrt(3)]))
        assert_same_as_sklearn(X, eps, int(rng.integers(1, 8)))


def test_scaled_grid_boundary_pairs():
    X = np.array([[i, j] for i in range(12) for j in range(12)], dtype=float) * 0.1
    for eps in (0.1, 0.2, np.hypot(0.1, 0.1), 0.3):
        for min_samples in (3, 5, 6, 9):
            assert_same_as_sklearn(X, eps, min_samples)


@pytest.mark.parametrize("d", [3, 4, 5, 8])
def test_blobs_in_more_dimensions_equal_sklearn(d):
    rng = np.random.default_rng(d)
    X, _, _ = make_blobs(600, rng.uniform(-6, 6, size=(4, d)), random_state=d)
    for eps in (0.8, 1.3):
        assert_same_as_sklearn(X, eps, 6)


@pytest.mark.parametrize(("eps", "min_samples"), [(15.3, 3), (20.7, 5), (20.7, 10), (25.1, 5)])
def test_digits_equal_sklearn(eps, min_samples):
    """64-D: the brute-force path, at radii away from rounding boundaries."""
    X = sk_datasets.load_digits().data
    labels = assert_same_as_sklearn(X, eps, min_samples)
    assert labels.max() >= 2  # several clusters: a real test of the numbering


def test_far_apart_and_tiny_eps_fall_back_safely():
    # a span / eps too large for the grid keys: brute force is used instead
    X = np.array([[0.0, 0.0], [1e10, 0.0], [1e10, 1e-5], [5.0, 5.0]])
    assert kd._grid_keys(X, 1e-4) is None
    assert dbscan(X, eps=1e-4, min_samples=2).tolist() == [-1, 0, 0, -1]


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

small_data = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=n, max_size=n),
        st.sampled_from([1.0, 1.5, 2.0, np.sqrt(2), np.sqrt(5)]),
        st.integers(1, 6),
        st.integers(0, 2**32 - 1),
    )
)


@FAST
@given(small_data)
def test_dbscan_properties(data):
    points, eps, min_samples, seed = data
    X = np.array(points, dtype=float)
    labels, core = dbscan(X, eps, min_samples, return_core=True)
    A = brute_neighbours(X, eps)
    counts = A.sum(axis=1)
    np.testing.assert_array_equal(core, counts >= min_samples)
    noise = labels == -1
    # noise: fewer than min_samples neighbours and no core neighbour
    assert np.all(counts[noise] < min_samples)
    assert not np.any(A[noise][:, core])
    # every neighbour of a core point shares its cluster, unless it is a border
    # point already taken by a cluster with a smaller id
    for i in np.flatnonzero(core):
        nb = np.flatnonzero(A[i])
        assert np.all(labels[nb[core[nb]]] == labels[i])
        assert np.all((labels[nb] == labels[i]) | ((~core[nb]) & (labels[nb] < labels[i])))
        assert np.all(labels[nb] >= 0)
    # ids are numbered by each cluster's smallest core index
    firsts = [np.flatnonzero(core & (labels == c))[0] for c in range(labels.max() + 1)]
    assert firsts == sorted(firsts)
    # permuting the rows keeps the partition of the core points
    perm = np.random.default_rng(seed).permutation(len(X))
    labels_p, core_p = dbscan(X[perm], eps, min_samples, return_core=True)
    np.testing.assert_array_equal(core_p, core[perm])
    core_idx = np.flatnonzero(core[perm])
    a, b = labels[perm][core_idx], labels_p[core_idx]
    assert np.array_equal(a[:, None] == a[None, :], b[:, None] == b[None, :])


def test_memory_is_bounded():
    """No (n, n) matrix: at n = 5000 that alone would be 200 MB."""
    X, _ = make_moons(5000, noise=0.05, random_state=0)
    tracemalloc.start()
    try:
        dbscan(X, 0.05, 5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20
    digits = sk_datasets.load_digits().data
    digits = np.vstack([digits] * 3)  # 5391 points in 64-D: the brute-force path
    tracemalloc.start()
    try:
        dbscan(digits, 15.0, 5)
        k_distance(digits, 4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60 * 2**20


# ---------------------------------------------------------------------------
# k_distance
# ---------------------------------------------------------------------------


@pytest.fixture(params=["brute force", "grid"])
def knn_paths(request, monkeypatch):
    """Run a test through both paths of k_distance."""
    if request.param == "grid":
        monkeypatch.setattr(kd, "KNN_BRUTE_MAX_N", 10)
        monkeypatch.setattr(kd, "KNN_SAMPLE", 20)
    return request.param


@pytest.mark.parametrize("k", [1, 4, 10])
def test_k_distance_equals_sklearn(k, knn_paths):
    X, _ = make_moons(700, noise=0.05, random_state=1)
    X[:20] *= 3  # a few far points: the grid leaves them to brute force
    if knn_paths == "grid":
        assert kd._k_distance_grid(X, k) is not None
    distances, _ = sk_neighbors.NearestNeighbors(n_neighbors=k).fit(X).kneighbors()
    expected = np.sort(distances[:, k - 1])[::-1]
    np.testing.assert_allclose(k_distance(X, k), expected, rtol=1e-12, atol=1e-12)


def test_k_distance_grid_with_duplicates_and_ties(knn_paths):
    X = np.random.default_rng(0).integers(0, 9, size=(900, 3)).astype(float)
    for k in (1, 6, 30):
        distances, _ = sk_neighbors.NearestNeighbors(n_neighbors=k).fit(X).kneighbors()
        np.testing.assert_array_equal(k_distance(X, k), np.sort(distances[:, k - 1])[::-1])
    X = np.zeros((30, 2))  # all k-distances 0: no grid can be built
    np.testing.assert_array_equal(k_distance(X, 3), np.zeros(30))


def test_k_distance_examples():
    np.testing.assert_array_equal(k_distance([[0.0], [1.0], [3.0]], 1), [2.0, 1.0, 1.0])
    np.testing.assert_array_equal(k_distance([[0.0], [1.0], [3.0]], 2), [3.0, 3.0, 2.0])
    # a duplicate is a neighbour at distance exactly 0; the point itself is not
    np.testing.assert_array_equal(
        k_distance([[5.0, 5.0], [5.0, 5.0], [8.0, 9.0]], 1), [5.0, 0.0, 0.0]
    )


def test_k_distance_counts_core_points(knn_paths):
    """Core points for min_samples are those whose (min_samples - 1)-distance is <= eps."""
    X, _ = make_moons(800, noise=0.08, random_state=5)
    for min_samples, eps in ((5, 0.07), (10, 0.11), (2, 0.03)):
        _, core = dbscan(X, eps, min_samples, return_core=True)
        assert core.sum() == (k_distance(X, min_samples - 1) <= eps).sum()


def test_k_distance_is_sorted_descending_and_chunked(monkeypatch):
    monkeypatch.setattr(kd, "BLOCK_BYTES", 8 * 50 * 7)  # 7 rows per block
    X, _ = make_moons(300, noise=0.1, random_state=2)
    kdist = k_distance(X, 3)
    assert kdist.shape == (300,) and np.all(np.diff(kdist) <= 0)
    monkeypatch.undo()
    np.testing.assert_array_equal(kdist, k_distance(X, 3))


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

GOOD = np.zeros((4, 2))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"eps": 0.0}, ValueError, "eps"),
        ({"eps": -1.0}, ValueError, "eps"),
        ({"eps": float("nan")}, ValueError, "eps"),
        ({"eps": float("inf")}, ValueError, "eps"),
        ({"eps": "0.5"}, TypeError, "eps"),
        ({"min_samples": 0}, ValueError, "min_samples"),
        ({"min_samples": 2.0}, TypeError, "min_samples"),
        ({"min_samples": 2.5}, TypeError, "min_samples"),
        ({"min_samples": True}, TypeError, "min_samples"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        dbscan(GOOD, **kwargs)


@pytest.mark.parametrize(
    ("X", "error"),
    [
        (np.zeros(4), ValueError),  # 1-D
        (np.zeros((0, 2)), ValueError),  # no rows
        (np.zeros((3, 0)), ValueError),  # no columns
        (np.zeros((2, 2, 2)), ValueError),  # 3-D
        (np.array([[0.0, np.nan]]), ValueError),
        (np.array([[0.0, np.inf]]), ValueError),
        (np.array([["a", "b"]]), TypeError),
        (np.array([[1 + 1j, 0]]), TypeError),
        ([[1.0, 2.0], [3.0]], ValueError),  # ragged
    ],
)
def test_bad_X(X, error):
    with pytest.raises(error, match="X"):
        dbscan(X)
    with pytest.raises(error, match="X"):
        k_distance(X, 1)


def test_k_distance_bad_k():
    with pytest.raises(ValueError, match="k"):
        k_distance(GOOD, 0)
    with pytest.raises(ValueError, match="k"):
        k_distance(GOOD, 4)  # only 3 other points
    with pytest.raises(TypeError, match="k"):
        k_distance(GOOD, 1.0)
    with pytest.raises(ValueError, match="X"):
        k_distance([[1.0, 2.0]], 1)  # one point has no neighbour


def test_int_and_float32_input_accepted():
    X = np.array([[0, 0], [0, 1], [1, 0], [5, 5]])
    np.testing.assert_array_equal(dbscan(X, 1, 3), dbscan(X.astype(np.float32), 1.0, 3))


# ---------------------------------------------------------------------------
# The benchmark script
# ---------------------------------------------------------------------------


def test_dbscan_benchmark_script_runs():
    bench = load_benchmark("dbscan_bench")
    text = bench.main(sizes=(300,))
    assert "| n | kmlib s | sklearn s | ratio | kmlib MiB | sklearn MiB |" in text
    assert "| 300 |" in text
    assert "Labels equal to scikit-learn's at every n: yes." in text


def test_docstring_examples():
    import doctest

    failures, tried = doctest.testmod(kd, extraglobs={"np": np})
    assert tried > 0 and failures == 0
