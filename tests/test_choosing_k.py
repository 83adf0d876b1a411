"""Tests for kmlib._choosing_k: elbow, knee, silhouette, CH/DB indices, gap statistic."""

import tracemalloc

import numpy as np
import pytest
from benchmark_scripts import load_benchmark
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import datasets
from sklearn import metrics as skm

from kmlib import (
    GapResult,
    calinski_harabasz_score,
    davies_bouldin_score,
    elbow,
    gap_statistic,
    k_distance,
    kmeans,
    knee,
    silhouette_samples,
    silhouette_score,
)
from kmlib import _choosing_k as ck

LABEL_FUNCTIONS = [
    silhouette_samples,
    silhouette_score,
    calinski_harabasz_score,
    davies_bouldin_score,
]
SETTINGS = settings(max_examples=30, deadline=None)


def two_blobs(n_per=30, seed=0):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(0, 0.3, (n_per, 2)), rng.normal(5, 0.3, (n_per, 2))])


# ---------------------------------------------------------------------------
# Worked examples
# ---------------------------------------------------------------------------


def test_silhouette_worked_example():
    # 1-D points 0, 1 | 5, 6 | 20: a = 1 in both pairs; b is the mean distance to the other pair.
    X = [[0.0], [1.0], [5.0], [6.0], [20.0]]
    labels = [0, 0, 1, 1, 2]
    expected = [(5.5 - 1) / 5.5, (4.5 - 1) / 4.5, (4.5 - 1) / 4.5, (5.5 - 1) / 5.5, 0.0]
    np.testing.assert_allclose(silhouette_samples(X, labels), expected, rtol=1e-14)
    assert silhouette_score(X, labels) == pytest.approx(np.mean(expected), rel=1e-14)


def test_silhouette_negative_for_a_misplaced_point():
    # 4 is labelled with 0, 1 although it sits next to 5, 6.
    X = [[0.0], [1.0], [4.0], [5.0], [6.0]]
    s = silhouette_samples(X, [0, 0, 0, 1, 1])
    a, b = (4 + 3) / 2, (1 + 2) / 2
    assert s[2] == pytest.approx((b - a) / a)
    assert s[2] < 0


def test_silhouette_duplicates_and_all_zero_distances():
    # A cluster of identical points has a = 0 exactly, so s = 1; points whose
    # a and b are both 0 get 0 (scikit-learn's nan_to_num).
    X = np.array([[1e8 + 0.1, 3.3]] * 3 + [[-7.0, 2.0]] * 3)
    np.testing.assert_array_equal(silhouette_samples(X, [0, 0, 0, 1, 1, 1]), np.ones(6))
    same = np.zeros((4, 2))
    np.testing.assert_array_equal(silhouette_samples(same, [0, 0, 1, 1]), np.zeros(4))


def test_elbow_worked_example():
    X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    np.testing.assert_allclose(elbow(X, [1, 2, 4], random_state=0), [101.0, 1.0, 0.0], atol=1e-12)


def test_elbow_matches_kmeans_and_decreases():
    X = datasets.load_iris().data
    ks = range(1, 7)
    w = elbow(X, ks, n_init=3, random_state=0)
    assert w.shape == (6,) and w.dtype == np.float64
    assert w[0] == pytest.approx(np.sum((X - X.mean(axis=0)) ** 2))
    assert np.all(np.diff(w) < 0)
    assert w[2] == pytest.approx(kmeans(X, 3, n_init=3, random_state=0).inertia)


def test_calinski_harabasz_and_davies_bouldin_worked_examples():
    X = [[0.0], [1.0], [5.0], [6.0]]
    labels = [0, 0, 1, 1]
    # between = 2*2.5^2*2 = 25 over K-1 = 1; within = 4*0.5^2 = 1 over n-K = 2.
    assert calinski_harabasz_score(X, labels) == pytest.approx(50.0)
    # spreads 0.5 and 0.5, means 5 apart.
    assert davies_bouldin_score(X, labels) == pytest.approx(0.2)


def test_degenerate_index_values_follow_scikit_learn():
    X = np.array([[0.0], [0.0], [3.0], [3.0]])
    assert calinski_harabasz_score(X, [0, 0, 1, 1]) == 1.0  # within-cluster dispersion 0
    assert davies_bouldin_score(X, [0, 0, 1, 1]) == 0.0  # every spread 0
    Y = np.array([[-1.0], [1.0], [-2.0], [2.0]])  # both clusters centred at 0
    assert davies_bouldin_score(Y, [0, 0, 1, 1]) == 0.0 == skm.davies_bouldin_score(Y, [0, 0, 1, 1])


# ---------------------------------------------------------------------------
# The knee rule
# ---------------------------------------------------------------------------


def test_knee_docstring_example():
    # scaled: x = 0, .25, .5, .75, 1 and y = 1, .2, .09, .03, 0: the largest
    # 1 - x - y is .55, at index 1
    assert knee([1, 2, 3, 4, 5], [100.0, 30.0, 20.0, 15.0, 12.0]) == 1


def test_knee_ties_go_to_the_first():
    # 1 - x - y = 0, .25, .25, .125, 0 (all exact in binary)
    assert knee([0, 1, 2, 3, 4], [4.0, 2.0, 1.0, 0.5, 0.0]) == 1
    # a straight line: every point is on the chord, the first one wins
    assert knee([1, 2, 3], [3.0, 2.0, 1.0]) == 0


def test_knee_depends_on_neither_the_units_nor_the_origin():
    x, y = np.arange(1.0, 9.0), np.array([90.0, 40.0, 12.0, 10.0, 8.5, 7.0, 6.0, 5.5])
    assert knee(x, y) == 2
    assert knee(1000 * x + 5, y / 7 - 3) == 2


@pytest.mark.parametrize(
    "x, y, error, match",
    [
        ([1, 2, 3], [3.0, 2.0], ValueError, "same length; got 3 and 2"),
        ([1], [3.0], ValueError, r"x must have at least 2 row\(s\)"),
        ([], [], ValueError, r"x must have at least 2 row\(s\)"),
        ([1, 3, 2], [3.0, 2.0, 1.0], ValueError, "x must be strictly increasing"),
        ([1, 1, 2], [3.0, 2.0, 1.0], ValueError, "x must be strictly increasing"),
        ([1, 2, 3], [5.0, 5.0, 5.0], ValueError, "y must not be constant; every value is 5"),
        ([[1, 2]], [3.0, 2.0], ValueError, "x must be a 1-D array"),
        ([1, 2, 3], [3.0, np.nan, 1.0], ValueError, "y must be finite"),
        (["a", "b"], [3.0, 2.0], TypeError, "x must contain real numbers"),
    ],
)
def test_knee_bad_input(x, y, error, match):
    with pytest.raises(error, match=match):
        knee(x, y)


def test_knee_of_the_chapter_4_elbow_curve():
    # Chapter 4: the three blobs, K = 1..8, each K from k-means with seed 0.
    X, _ = datasets.make_blobs(n_samples=500, centers=3, random_state=42)
    ks = np.arange(1, 9)
    wcss = elbow(X, ks, random_state=0)
    assert ks[knee(ks, wcss)] == 3


def test_knee_of_the_chapter_5_k_distance_curve():
    # Chapter 5: the k-distances of the moons, sorted largest first, against
    # their ranks; the chapter's own formula gives the same point.
    from kmlib.datasets import make_moons

    X, _ = make_moons(200, noise=0.05, random_state=0)
    kd = k_distance(X, 4)
    ranks = np.arange(len(kd))
    chord = 1 - np.linspace(0, 1, len(kd)) - (kd - kd.min()) / (kd.max() - kd.min())
    assert knee(ranks, kd) == int(np.argmax(chord)) == 12


# ---------------------------------------------------------------------------
# scikit-learn oracle on real data
# ---------------------------------------------------------------------------


REAL = {
    "iris": datasets.load_iris,  # has duplicated rows
    "wine": datasets.load_wine,
    "breast_cancer": datasets.load_breast_cancer,
    "digits": datasets.load_digits,
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_silhouette_equals_scikit_learn_on_real_data(name):
    X, y = REAL[name](return_X_y=True)
    np.testing.assert_allclose(
        silhouette_samples(X, y), skm.silhouette_samples(X, y), rtol=0, atol=1e-10
    )
    assert silhouette_score(X, y) == pytest.approx(skm.silhouette_score(X, y), abs=1e-10)
    # k-means labels, renamed to arbitrary integers
    labels = kmeans(X, 4, random_state=0).labels * 7 - 3
    np.testing.assert_allclose(
        silhouette_samples(X, labels, chunk_size=37), skm.silhouette_samples(X, labels), atol=1e-10
    )


def test_silhouette_is_accurate_far_from_the_origin():
    # Distances are computed on centred data: moving iris (with its duplicated
    # rows) far away changes nothing, while scikit-learn loses ~1e-10.
    X, y = datasets.load_iris(return_X_y=True)
    expected = skm.silhouette_samples(X, y)
    np.testing.assert_allclose(silhouette_samples(X + 1000.3, y), expected, atol=1e-12)
    np.testing.assert_allclose(silhouette_samples(X + 1e6, y), expected, atol=1e-9)


@pytest.mark.parametrize("name", sorted(REAL))
def test_indices_equal_scikit_learn_on_real_data(name):
    X, y = REAL[name](return_X_y=True)
    for labels in (y, kmeans(X, 5, random_state=1).labels):
        assert calinski_harabasz_score(X, labels) == pytest.approx(
            skm.calinski_harabasz_score(X, labels), rel=1e-10
        )
        assert davies_bouldin_score(X, labels) == pytest.approx(
            skm.davies_bouldin_score(X, labels), rel=1e-10
        )


def test_silhouette_with_singletons_and_noise_label_equals_scikit_learn():
    X, _ = datasets.make_blobs(80, centers=3, random_state=2)
    labels = kmeans(X, 3, random_state=0).labels
    labels[[0, 5]] = [10, 11]  # two singleton clusters
    labels[7:12] = -1  # DBSCAN-style noise: an ordinary cluster
    s = silhouette_samples(X, labels)
    assert s[0] == 0.0 and s[5] == 0.0
    np.testing.assert_allclose(s, skm.silhouette_samples(X, labels), atol=1e-10)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@st.composite
def points_and_labels(draw):
    n = draw(st.integers(3, 25))
    d = draw(st.integers(1, 3))
    # small integers: exact duplicates are frequent and every distance is exact
    X = draw(hnp.arrays(np.float64, (n, d), elements=st.integers(-20, 20).map(float)))
    n_labels = draw(st.integers(2, n - 1))
    labels = np.arange(n) % n_labels  # every label used at least once
    perm = draw(st.permutations(range(n)))
    return X, labels[np.array(perm)]


@SETTINGS
@given(points_and_labels())
def test_silhouette_properties_and_oracle(data):
    X, labels = data
    s = silhouette_samples(X, labels)
    assert s.shape == (X.shape[0],)
    assert np.all(s >= -1) and np.all(s <= 1)
    np.testing.assert_allclose(s, skm.silhouette_samples(X, labels), atol=1e-10)
    assert silhouette_score(X, labels) == pytest.approx(s.mean(), abs=1e-15)
    # chunked = unchunked, up to rounding: a block's matrix product may round
    # differently with its number of rows, and the square root turns a squared
    # distance of 1e-18 between duplicates into a distance of 1e-9.
    for chunk_size in (1, 2, X.shape[0]):
        np.testing.assert_allclose(
            silhouette_samples(X, labels, chunk_size=chunk_size), s, atol=1e-7
        )


@SETTINGS
@given(points_and_labels(), st.integers(0, 2**32 - 1))
def test_invariance_to_relabelling_reordering_and_similarity(data, seed):
    X, labels = data
    rng = np.random.default_rng(seed)
    s = silhouette_samples(X, labels)
    ch, db = calinski_harabasz_score(X, labels), davies_bouldin_score(X, labels)
    # rename the clusters with arbitrary distinct integers
    new_names = rng.permutation(100)[: labels.max() + 1] * 3 - 50
    renamed = new_names[labels]
    np.testing.assert_allclose(silhouette_samples(X, renamed), s, atol=1e-12)
    assert calinski_harabasz_score(X, renamed) == pytest.approx(ch, rel=1e-9)
    assert davies_bouldin_score(X, renamed) == pytest.approx(db, rel=1e-9, abs=1e-12)
    # reorder the points
    perm = rng.permutation(X.shape[0])
    np.testing.assert_allclose(silhouette_samples(X[perm], labels[perm]), s[perm], atol=1e-12)
    # translate and scale the data (on a grid of halves every distance stays
    # exact, so the test does not depend on cancellation in degenerate cases)
    Y = 2.5 * X + rng.integers(-100, 100, size=X.shape[1])
    np.testing.assert_allclose(silhouette_samples(Y, labels), s, atol=1e-7)
    assert calinski_harabasz_score(Y, labels) == pytest.approx(ch, rel=1e-7)
    assert davies_bouldin_score(Y, labels) == pytest.approx(db, rel=1e-7, abs=1e-12)


@SETTINGS
@given(points_and_labels())
def test_indices_equal_scikit_learn_on_random_data(data):
    X, labels = data
    assert calinski_harabasz_score(X, labels) == pytest.approx(
        skm.calinski_harabasz_score(X, labels), rel=1e-10
    )
    assert davies_bouldin_score(X, labels) == pytest.approx(
        skm.davies_bouldin_score(X, labels), rel=1e-10, abs=1e-12
    )


# ---------------------------------------------------------------------------
# The blocked distance sums (the named step of silhouette_samples)
# ---------------------------------------------------------------------------


def definition_sums(X, codes, n_clusters):
    """sums[i, c] = sum of ||x_i - x_j|| over j in c, point by point from the differences."""
    sums = np.zeros((len(X), n_clusters))
    for i in range(len(X)):
        distances = np.sqrt(((X - X[i]) ** 2).sum(axis=1))
        distances[i] = 0.0
        sums[i] = np.bincount(codes, weights=distances, minlength=n_clusters)
    return sums


def blocked_sums(X, codes, n_clusters, chunk_size=None):
    """The blocks of ck.cluster_distance_sums, put together; every point in one block."""
    sums = np.full((len(X), n_clusters), np.nan)
    seen = np.zeros(len(X), dtype=int)
    for block, block_sums in ck.cluster_distance_sums(X, codes, n_clusters, chunk_size):
        assert block_sums.shape == (len(block), n_clusters)
        sums[block] = block_sums
        seen[block] += 1
    np.testing.assert_array_equal(seen, 1)
    return sums


@pytest.fixture(params=["symmetric", "one-sided"])
def sums_path(request, monkeypatch):
    """Both ways of ck.cluster_distance_sums: with the (n, K) partial sums, and without."""
    if request.param == "one-sided":  # as when K is too large for the working memory
        monkeypatch.setattr(ck, "WORKING_MEMORY_BYTES", 0)
    return request.param


@pytest.mark.parametrize("name", ["iris", "wine"])
def test_cluster_distance_sums_equal_the_definition_on_real_data(name, sums_path):
    X, y = REAL[name](return_X_y=True)
    X = X - X.mean(axis=0)
    codes = np.unique(y, return_inverse=True)[1]
    expected = definition_sums(X, codes, codes.max() + 1)
    for chunk_size in (None, 1, 7, 50, len(X), 10 * len(X)):
        found = blocked_sums(X, codes, codes.max() + 1, chunk_size)
        np.testing.assert_allclose(found, expected, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(points_and_labels(), st.integers(1, 30))
def test_cluster_distance_sums_equal_the_definition_on_random_data(data, chunk_size):
    X, labels = data
    codes = np.unique(labels, return_inverse=True)[1]
    n_clusters = int(codes.max()) + 1
    expected = definition_sums(X, codes, n_clusters)
    for path_memory in (ck.WORKING_MEMORY_BYTES, 0):  # symmetric, then one-sided
        original = ck.WORKING_MEMORY_BYTES
        ck.WORKING_MEMORY_BYTES = path_memory
        try:
            for size in (None, chunk_size):
                found = blocked_sums(X, codes, n_clusters, size)
                # on a grid of integers the distances of duplicates are 0 or
                # sqrt of a tiny rounding error
                np.testing.assert_allclose(found, expected, rtol=1e-10, atol=1e-6)
        finally:
            ck.WORKING_MEMORY_BYTES = original


def test_silhouette_with_more_clusters_than_the_partial_sums_allow():
    # 8 n K bytes > 16 MiB: the one-sided path, on its own
    X, _ = datasets.load_digits(return_X_y=True)
    labels = np.arange(len(X)) % 1500
    assert 8 * len(X) * 1500 > ck.WORKING_MEMORY_BYTES
    np.testing.assert_allclose(
        silhouette_samples(X, labels), skm.silhouette_samples(X, labels), atol=1e-10
    )


def test_silhouette_is_the_same_on_both_paths(monkeypatch):
    X, y = datasets.load_breast_cancer(return_X_y=True)
    symmetric = silhouette_samples(X, y)
    monkeypatch.setattr(ck, "WORKING_MEMORY_BYTES", 0)
    np.testing.assert_allclose(silhouette_samples(X, y), symmetric, rtol=0, atol=1e-13)


def test_silhouette_memory_is_bounded():
    # An (n, n) float64 matrix would take 3.2 GB here; the chunked version
    # holds one (rows, n) block of at most 16 MiB.
    n = 20_000
    X, labels = datasets.make_blobs(n, n_features=2, centers=4, random_state=0)
    tracemalloc.start()
    try:
        silhouette_score(X, labels)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 2**20


# ---------------------------------------------------------------------------
# Gap statistic
# ---------------------------------------------------------------------------


def test_gap_finds_two_blobs_and_follows_tibshirani_rule():
    X = two_blobs()
    ks = range(1, 6)
    result = gap_statistic(X, ks, n_refs=8, random_state=0)
    assert isinstance(result, GapResult)
    assert result.best_k == 2
    np.testing.assert_array_equal(result.ks, np.arange(1, 6))
    for field in ("log_w", "ref_log_w_mean", "gap", "s_k"):
        assert getattr(result, field).shape == (5,)
    np.testing.assert_allclose(result.gap, result.ref_log_w_mean - result.log_w)
    assert np.all(result.s_k >= 0)
    assert result.log_w[0] == pytest.approx(np.log(np.sum((X - X.mean(axis=0)) ** 2)))
    # the rule, spelled out
    g, s = result.gap, result.s_k
    chosen = next(k for i, k in enumerate(ks[:-1]) if g[i] >= g[i + 1] - s[i + 1])
    assert result.best_k == chosen
    with pytest.raises(AttributeError):
        result.best_k = 3  # frozen
    with pytest.raises(ValueError, match="read-only"):
        result.gap[0] = 0.0


@SETTINGS
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(5, 20), st.integers(1, 3)),
        elements=st.floats(-50, 50).map(lambda v: round(v, 3)),
    ),
    st.sampled_from(["uniform", "pca"]),
    st.integers(0, 2**32 - 1),
)
def test_gap_properties(X, reference, seed):
    assume(np.unique(X, axis=0).shape[0] > 3)
    result = gap_statistic(X, [1, 2, 3], n_refs=3, reference=reference, random_state=seed)
    assert np.all(result.s_k >= 0) and np.all(np.isfinite(result.gap))
    assert result.best_k in (1, 2, 3)
    np.testing.assert_allclose(result.gap, result.ref_log_w_mean - result.log_w)
    assert result.log_w[0] == pytest.approx(np.log(np.sum((X - X.mean(axis=0)) ** 2)))


def test_gap_says_one_cluster_for_uniform_data():
    X = np.random.default_rng(3).uniform(size=(150, 2))
    assert gap_statistic(X, range(1, 5), random_state=0).best_k == 1
    assert gap_statistic(X, range(1, 5), reference="pca", random_state=0).best_k == 1


def test_gap_pca_reference_and_determinism():
    X = two_blobs(seed=1) @ np.array([[1.0, 0.8], [0.0, 0.3]])  # elongated, tilted
    a = gap_statistic(X, range(1, 5), reference="pca", n_refs=5, random_state=7)
    b = gap_statistic(
        X, range(1, 5), reference="pca", n_refs=5, random_state=np.random.default_rng(7)
    )
    assert a.best_k == 2
    for field in ("log_w", "ref_log_w_mean", "gap", "s_k"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    c = gap_statistic(X, range(1, 5), reference="pca", n_refs=5, random_state=8)
    assert not np.array_equal(a.ref_log_w_mean, c.ref_log_w_mean)


def test_gap_with_one_reference_has_zero_s_k_and_last_k_when_no_k_passes():
    X = two_blobs()
    result = gap_statistic(X, [1, 2], n_refs=1, random_state=0)
    np.testing.assert_array_equal(result.s_k, [0.0, 0.0])
    # with ks = [1] alone no k can be compared: the last (only) k is returned
    assert gap_statistic(X, [1], n_refs=2, random_state=0).best_k == 1


def test_reference_samplers_stay_in_their_boxes():
    X = two_blobs() @ np.array([[1.0, 0.8], [0.0, 0.3]])
    rng = np.random.default_rng(0)
    Z = ck.reference_sampler(X, "uniform")(rng)
    assert Z.shape == X.shape
    assert np.all(Z >= X.min(axis=0)) and np.all(Z <= X.max(axis=0))
    # PCA box: in the principal axes of X, Z stays within X's ranges
    mean = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    Zp, Xp = (ck.reference_sampler(X, "pca")(rng) - mean) @ vt.T, (X - mean) @ vt.T
    assert np.all(Zp >= Xp.min(axis=0) - 1e-9) and np.all(Zp <= Xp.max(axis=0) + 1e-9)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

X6 = np.arange(12.0).reshape(6, 2)


@pytest.mark.parametrize("func", LABEL_FUNCTIONS)
@pytest.mark.parametrize(
    "labels, error, match",
    [
        ([0] * 6, ValueError, "Number of labels is 1"),
        (list(range(6)), ValueError, "Number of labels is 6"),
        ([0, 0, 1, 1, 2], ValueError, r"shape \(6,\)"),
        ([[0, 0, 1], [1, 2, 2]], ValueError, r"shape \(6,\)"),
        ([0, 0, 1, 1, np.nan, 2], ValueError, "NaN"),
        ([0.5, 0, 1, 1, 2, 2], TypeError, "integers"),
        (["a", "a", "b", "b", "c", "c"], TypeError, "integers"),
        ([True, True, False, False, True, False], TypeError, "integers"),
        ([0, None, 1, 1, 2, 2], TypeError, "integers"),
    ],
)
def test_bad_labels(func, labels, error, match):
    with pytest.raises(error, match=match):
        func(X6, labels)


@pytest.mark.parametrize("func", LABEL_FUNCTIONS)
def test_bad_X(func):
    bad = X6.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        func(bad, [0, 0, 1, 1, 2, 2])
    with pytest.raises(ValueError, match="2-D"):
        func(np.arange(6.0), [0, 0, 1, 1, 2, 2])


def test_bad_chunk_size():
    with pytest.raises(ValueError, match="chunk_size"):
        silhouette_samples(X6, [0, 0, 1, 1, 2, 2], chunk_size=0)
    with pytest.raises(TypeError, match="chunk_size"):
        silhouette_score(X6, [0, 0, 1, 1, 2, 2], chunk_size=2.0)


@pytest.mark.parametrize("func", [elbow, gap_statistic])
@pytest.mark.parametrize(
    "ks, error, match",
    [
        ([0, 1, 2], ValueError, ">= 1"),
        ([1, 7], ValueError, "number of samples"),
        ([], ValueError, "at least one"),
        ([3, 2], ValueError, "strictly increasing"),
        ([1, 1], ValueError, "strictly increasing"),
        ([1, 2.0], TypeError, "integer"),
        ("123", TypeError, "sequence"),
        (3, TypeError, "sequence"),
    ],
)
def test_bad_ks(func, ks, error, match):
    with pytest.raises(error, match=match):
        func(X6, ks)


def test_bad_gap_parameters():
    with pytest.raises(ValueError, match="n_refs"):
        gap_statistic(X6, [1, 2], n_refs=0)
    with pytest.raises(TypeError, match="n_refs"):
        gap_statistic(X6, [1, 2], n_refs=2.5)
    with pytest.raises(ValueError, match="reference"):
        gap_statistic(X6, [1, 2], reference="gaussian")
    with pytest.raises(TypeError, match="random_state"):
        gap_statistic(X6, [1, 2], random_state="seed")
    duplicated = np.repeat(X6[:2], 3, axis=0)  # 2 distinct points: W_2 = 0
    with pytest.raises(ValueError, match="distinct points"):
        gap_statistic(duplicated, [1, 2])
    with pytest.raises(ValueError, match="X must be finite"):
        gap_statistic(np.full((4, 2), np.inf), [1, 2])
    # distinct, but the squared distance between 4e-218 and 0 underflows to 0
    tiny = np.array([[3.0], [1.0], [4e-218], [0.0], [0.0]])
    with pytest.raises(ValueError, match="W_k = 0 for k=3 on X"):
        gap_statistic(tiny, [1, 2, 3], random_state=0)


# ---------------------------------------------------------------------------
# The benchmark script still runs (a smoke test: no time is asserted)
# ---------------------------------------------------------------------------


def test_silhouette_benchmark_script_runs():
    bench = load_benchmark("silhouette_bench")
    text = bench.main(sizes=(300,))
    assert "| n | kmlib s | sklearn s | speed ratio | kmlib peak MiB | sklearn peak MiB |" in text
    assert "| 300 |" in text
    assert "Scores agree" in text and "(<= 1e-10)" in text
