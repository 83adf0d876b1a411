"""Tests of kmlib.dbscan and kmlib.k_distance: worked examples, the scikit-learn oracle,
the grid kernel against the readable definition, the replay, properties, bad input."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from benchmark_scripts import load_benchmark
from hypothesis import given, settings
from hypothesis import strategies as st

from kmlib import _blocks, dbscan, k_distance
from kmlib import _dbscan as kd
from kmlib._kernels import grid
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
        monkeypatch.setattr(grid, "HEAVY_CELL_CANDIDATES", 1)
        monkeypatch.setattr(grid, "CANDIDATES_PER_CHUNK", 7)
    elif request.param == "all light, tiny chunks":
        monkeypatch.setattr(grid, "HEAVY_CELL_CANDIDATES", 10**18)
        monkeypatch.setattr(grid, "CANDIDATES_PER_CHUNK", 5)
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
    assert grid._grid_keys(X, 1e-4) is None
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
        monkeypatch.setattr(grid, "KNN_BRUTE_MAX_N", 10)
        monkeypatch.setattr(grid, "KNN_SAMPLE", 20)
    return request.param


@pytest.mark.parametrize("k", [1, 4, 10])
def test_k_distance_equals_sklearn(k, knn_paths):
    X, _ = make_moons(700, noise=0.05, random_state=1)
    X[:20] *= 3  # a few far points: the grid leaves them to brute force
    if knn_paths == "grid":
        assert grid._k_distance_grid(X, k) is not None
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
    monkeypatch.setattr(_blocks, "WORKING_MEMORY_BYTES", 8 * 300 * 7)  # 7 rows per block
    assert _blocks.block_rows(300, 300) == 7
    X, _ = make_moons(300, noise=0.1, random_state=2)
    kdist = k_distance(X, 3)
    assert kdist.shape == (300,) and np.all(np.diff(kdist) <= 0)
    monkeypatch.undo()
    np.testing.assert_array_equal(kdist, k_distance(X, 3))


# ---------------------------------------------------------------------------
# The grid kernel against the readable definition
# ---------------------------------------------------------------------------


def reference_neighbourhoods(X, eps):
    """N(i) = {j : sum_k (x_ik - x_jk)^2 <= eps^2}, pair by pair, coordinate by coordinate."""
    sq = np.zeros((len(X), len(X)))
    for k in range(X.shape[1]):
        diff = X[:, None, k] - X[None, :, k]
        sq += diff * diff
    return [np.flatnonzero(row <= eps * eps) for row in sq]


def reference_k_distances(X, k):
    """Distance to the k-th nearest other point, pair by pair (index order)."""
    sq = np.zeros((len(X), len(X)))
    for c in range(X.shape[1]):
        diff = X[:, None, c] - X[None, :, c]
        sq += diff * diff
    np.fill_diagonal(sq, np.inf)
    return np.sqrt(np.sort(sq, axis=1)[:, k - 1])


def assert_kernel_neighbourhoods(X, eps):
    found = grid.grid_neighbourhoods(X, eps)
    expected = reference_neighbourhoods(X, eps)
    assert len(found) == len(X)
    np.testing.assert_array_equal(found.sizes, [nb.size for nb in expected])
    for i, nb in enumerate(expected):
        np.testing.assert_array_equal(found.of(i), nb)
    # a batch of points: the union of their neighbourhoods
    batch = np.arange(0, len(X), 3)
    np.testing.assert_array_equal(
        found.of(batch), np.unique(np.concatenate([expected[i] for i in batch]))
    )


boundary_data = st.tuples(
    st.integers(1, 7),  # d: the grid up to 4, brute force above
    st.integers(1, 60),
    st.sampled_from([1.0, 1.5, 2.0, np.sqrt(2), np.sqrt(3), np.sqrt(5), 3.0]),
    st.sampled_from([1.0, 0.1, 0.25]),  # scale: exact (1, 0.25) and rounded (0.1) distances
    st.integers(0, 2**32 - 1),
)


@FAST
@given(boundary_data)
def test_grid_kernel_equals_pairwise_definition(data):
    """Integer points at a scale: many pairs exactly eps apart, all found as pair by pair."""
    d, n, eps, scale, seed = data
    X = np.random.default_rng(seed).integers(0, 5, size=(n, d)) * scale
    assert_kernel_neighbourhoods(X, eps * scale)


@pytest.mark.parametrize(
    ("low", "x", "y", "eps"),
    [
        (24.41794143656864, 1840.8684526925556, 1840.922076430858, 0.05362373830241445),
        (65.81934548561185, 37333.89737022407, 37334.34934007532, 0.4519698512526342),
    ],
)
def test_grid_finds_a_pair_across_a_rounded_cell_wall(low, x, y, eps):
    """(x - low) / eps rounds x just below a cell wall and y just above the next one:
    cells of side exactly eps would put the pair two cells apart and miss it."""
    assert (y - x) ** 2 <= eps * eps
    assert np.floor((y - low) / eps) - np.floor((x - low) / eps) == 2
    X = np.array([[low], [x], [y]])
    assert_kernel_neighbourhoods(X, eps)
    assert dbscan(X, eps, 2).tolist() == [-1, 0, 0]
    kd_tree = sk_cluster.DBSCAN(eps=eps, min_samples=2, algorithm="kd_tree").fit(X)
    assert kd_tree.labels_.tolist() == [-1, 0, 0]


def test_grid_kernel_paths_equal_pairwise_definition(grid_paths):
    rng = np.random.default_rng(7)
    for d in (1, 2, 3, 4):
        X = rng.integers(0, 4, size=(70, d)) * 0.5
        for eps in (0.5, np.sqrt(0.5), 1.0):
            assert_kernel_neighbourhoods(X, eps)


@pytest.mark.parametrize("eps", [0.2, 0.3, 0.5, 0.8])
def test_grid_kernel_on_iris(eps, grid_paths):
    """4-D, one decimal: the grid path, with many pairs exactly eps apart."""
    assert_kernel_neighbourhoods(sk_datasets.load_iris().data, eps)


@pytest.mark.parametrize(
    ("scaled", "eps"), [(False, 30.0), (False, 70.0), (True, 2.0), (True, 3.0)]
)
def test_grid_kernel_on_wine(scaled, eps):
    """13-D: the brute-force path (GEMM identity), raw and standardised."""
    X = sk_datasets.load_wine().data
    if scaled:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    assert_kernel_neighbourhoods(X, eps)


@FAST
@given(boundary_data, st.integers(1, 8))
def test_k_distance_kernel_equals_pairwise_definition(data, k):
    d, n, _, _, seed = data
    X = np.random.default_rng(seed).integers(0, 5, size=(n + 1, d)).astype(float)
    k = min(k, n)
    np.testing.assert_array_equal(grid.kth_neighbour_distances(X, k), reference_k_distances(X, k))


@pytest.mark.parametrize("loader", ["load_iris", "load_wine"])
@pytest.mark.parametrize("k", [1, 4, 9])
def test_k_distance_kernel_on_iris_and_wine(loader, k, knn_paths):
    X = getattr(sk_datasets, loader)().data
    np.testing.assert_array_equal(grid.kth_neighbour_distances(X, k), reference_k_distances(X, k))
    np.testing.assert_array_equal(k_distance(X, k), np.sort(reference_k_distances(X, k))[::-1])
    # scikit-learn's k-d tree sums the same squares: equal to the last bit, near-ties included
    distances, _ = sk_neighbors.NearestNeighbors(n_neighbors=k).fit(X).kneighbors()
    np.testing.assert_array_equal(k_distance(X, k), np.sort(distances[:, k - 1])[::-1])


@pytest.mark.parametrize(
    ("loader", "eps"), [("load_iris", 0.3), ("load_iris", 0.5), ("load_wine", 30.0)]
)
def test_iris_and_wine_equal_sklearn(loader, eps):
    X = getattr(sk_datasets, loader)().data
    for min_samples in (3, 5, 10):
        assert_same_as_sklearn(X, eps, min_samples)


# ---------------------------------------------------------------------------
# The replay (record=True)
# ---------------------------------------------------------------------------


def teaching_waves(X, eps, min_samples):
    """Chapter 5's former inline replay (a full distance table: small data only)."""
    neighbours = reference_neighbourhoods(np.asarray(X, dtype=float), eps)
    core = np.array([len(nb) >= min_samples for nb in neighbours])
    labels = np.full(len(X), -2)  # -2: not reached yet
    frames, active, titles = [labels.copy()], [[]], ["start: nothing reached"]
    cluster = 0
    for i in range(len(X)):
        if labels[i] != -2 or not core[i]:
            continue
        labels[i] = cluster
        frames.append(labels.copy()), active.append([])
        titles.append(f"cluster {cluster} opened at point {i}")
        wave, step = [i], 1
        while True:
            grow = [p for p in wave if core[p]]
            new = list(dict.fromkeys(q for p in grow for q in neighbours[p] if labels[q] == -2))
            if not new:
                break
            labels[new] = cluster
            frames.append(labels.copy()), active.append(grow)
            s = "s" * (len(new) > 1)
            titles.append(
                f"cluster {cluster}, wave {step}: {len(new)} point{s} join{'s' * (not s)}"
            )
            wave, step = new, step + 1
        cluster += 1
    labels[labels == -2] = -1
    frames.append(labels.copy()), active.append([])
    titles.append(f"done: {(labels == -1).sum()} noise points")
    return frames, active, titles, core


def assert_replay_consistent(labels, replay):
    n = labels.size
    frames = replay.frames
    assert len(frames) == len(replay.active) == len(replay.titles)
    np.testing.assert_array_equal(frames[-1], labels)  # the last frame is the answer
    assert np.all(frames[0] == -2)
    for f, (before, after) in enumerate(zip(frames, frames[1:], strict=False), start=1):
        assert before.shape == (n,) and after.dtype == np.int64
        # a label, once given, never changes; each frame but the last gives one at least
        assert np.all((before == -2) | (before == after))
        assert f == len(frames) - 1 or np.any(before != after)
        assert np.all(replay.core[replay.active[f]])  # only core points are expanded
        np.testing.assert_array_equal(
            np.flatnonzero((before == -2) & (after != -2)), np.flatnonzero(replay.joined_at == f)
        )
    np.testing.assert_array_equal(replay.joined_at.shape, (n,))


def test_replay_equals_the_chapters_teaching_version():
    X_moon, _ = make_moons(60, noise=0.05, random_state=1)
    rng = np.random.default_rng(1)
    X = np.vstack([X_moon, rng.uniform(-1.0, 2.0, size=(4, 2))])
    for eps, min_samples in ((0.3, 4), (0.2, 3), (0.5, 8), (0.1, 2)):
        labels, replay = dbscan(X, eps, min_samples, record=True)
        frames, active, titles, core = teaching_waves(X, eps, min_samples)
        assert replay.titles == tuple(titles)
        assert len(replay.frames) == len(frames)
        for ours, theirs in zip(replay.frames, frames, strict=True):
            np.testing.assert_array_equal(ours, theirs)
        for ours, theirs in zip(replay.active, active, strict=True):
            np.testing.assert_array_equal(ours, np.sort(theirs))  # ours come sorted
        np.testing.assert_array_equal(replay.core, core)
        assert_replay_consistent(labels, replay)


@pytest.mark.parametrize("data", ["moons", "blobs"])
def test_replay_last_frame_equals_sklearn(data):
    if data == "moons":
        X, _ = make_moons(400, noise=0.06, random_state=4)
        runs = ((0.1, 5), (0.15, 5), (0.3, 10))
    else:
        X, _, _ = make_blobs(400, 4, cluster_std=0.8, random_state=4)
        runs = ((0.5, 5), (0.8, 8), (1.5, 4))
    for eps, min_samples in runs:
        labels, core, replay = dbscan(X, eps, min_samples, return_core=True, record=True)
        sk_labels, sk_core = sklearn_dbscan(X, eps, min_samples)
        np.testing.assert_array_equal(replay.frames[-1], sk_labels)
        np.testing.assert_array_equal(labels, sk_labels)
        np.testing.assert_array_equal(replay.core, sk_core)
        np.testing.assert_array_equal(core, sk_core)
        np.testing.assert_array_equal(replay.labels, labels)
        assert_replay_consistent(labels, replay)


@FAST
@given(small_data)
def test_replay_properties(data):
    points, eps, min_samples, _ = data
    X = np.array(points, dtype=float)
    labels, replay = dbscan(X, eps, min_samples, record=True)
    np.testing.assert_array_equal(labels, dbscan(X, eps, min_samples))
    assert_replay_consistent(labels, replay)
    assert replay.titles[-1] == f"done: {(labels == -1).sum()} noise points"
    assert (
        sum(t.endswith(tuple(f"opened at point {i}" for i in range(len(X)))) for t in replay.titles)
        == labels.max() + 1
    )


def test_replay_uses_the_same_neighbourhoods(monkeypatch):
    """One call of the kernel per run: labels and replay come from the same neighbourhoods."""
    calls = []

    def counting(X, eps):
        calls.append(eps)
        return grid.grid_neighbourhoods(X, eps)

    monkeypatch.setattr(kd, "grid_neighbourhoods", counting)
    X, _ = make_moons(100, noise=0.05, random_state=0)
    dbscan(X, 0.2, 5, return_core=True, record=True)
    assert calls == [0.2]


def test_return_shapes_with_record():
    X, _ = make_moons(50, noise=0.05, random_state=0)
    labels, replay = dbscan(X, 0.3, 4, record=True)
    assert isinstance(replay, kd.DBSCANReplay)
    labels2, core, replay2 = dbscan(X, 0.3, 4, return_core=True, record=True)
    np.testing.assert_array_equal(labels, labels2)
    np.testing.assert_array_equal(core, replay2.core)
    assert replay.titles == replay2.titles
    assert replay.frames is replay.frames  # built once, on first access
    with pytest.raises(AttributeError):
        replay.titles = ()  # frozen


def test_replay_memory_is_linear():
    """The replay stores O(n) numbers; without record nothing is kept."""
    X, _ = make_moons(5000, noise=0.05, random_state=0)
    _, replay = dbscan(X, 0.05, 5, record=True)
    assert len(replay.titles) > 50  # many waves ...
    stored = replay.joined_at.nbytes + sum(a.nbytes for a in replay.active)
    assert stored < 3 * X.shape[0] * 8  # ... yet no frame is stored until asked for
    assert "frames" not in vars(replay)


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


@pytest.mark.parametrize("name", ["record", "return_core"])
@pytest.mark.parametrize("value", [1, 0, "yes", None, np.array([True])])
def test_bad_flags(name, value):
    with pytest.raises(TypeError, match=f"{name} must be True or False; got"):
        dbscan(GOOD, **{name: value})
    assert isinstance(dbscan(GOOD, **{name: np.True_}), tuple)  # numpy's bool is a bool


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
