"""Tests of kmlib._lloyd: the two steps, Lloyd's loop, kmeans and the KMeans estimator.

The oracle is scikit-learn: from the same initial centres, kmlib._lloyd and
``sklearn.cluster.KMeans(algorithm="lloyd", n_init=1)`` must give the same
labels, the same number of iterations and the same inertia (1e-9 relative)
on the real data sets iris, wine and digits.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kmlib
from kmlib import ConvergenceWarning, NotFittedError

sklearn = pytest.importorskip("sklearn")
from sklearn.cluster import KMeans as SkKMeans  # noqa: E402
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus  # noqa: E402
from sklearn.datasets import load_digits, load_iris, load_wine  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402  (a scikit-learn dependency)

FAST = settings(max_examples=50, deadline=None)
LOADERS = {"iris": load_iris, "wine": load_wine, "digits": load_digits}
_DATA: dict[str, np.ndarray] = {}


def data(name: str) -> np.ndarray:
    if name not in _DATA:
        _DATA[name] = LOADERS[name]().data
    return _DATA[name]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """scikit-learn's OpenMP threads only slow it down on a small shared machine,
    and one thread makes its sums run in row order, like kmlib's."""
    with threadpool_limits(limits=1):
        yield


def two_blobs():
    return np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])


# ---------------------------------------------------------------------------
# Examples
# ---------------------------------------------------------------------------


def test_public_names_importable():
    for name in [
        "assign",
        "update",
        "inertia",
        "lloyd",
        "kmeans",
        "KMeans",
        "KMeansResult",
        "IterationRecord",
        "kmeans_plusplus",
        "random_init",
    ]:
        assert name in kmlib.__all__
        assert hasattr(kmlib, name)


def test_assign_ties_go_to_lowest_index():
    X = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]
    labels = kmlib.assign(X, [[0.0, 1.0], [0.0, 1.0], [2.0, 0.0]])
    assert labels.tolist() == [0, 2, 2]  # centres 0 and 1 coincide: 0 wins
    # The midpoint of two centres is a tie: the lower index wins.
    assert kmlib.assign([[1.0, 0.0]], [[2.0, 0.0], [0.0, 0.0]]).tolist() == [0]


def test_update_means():
    X = [[0, 0], [2, 0], [10, 10], [12, 10]]
    C = kmlib.update(X, [0, 0, 1, 1], 2)
    np.testing.assert_array_equal(C, [[1, 0], [11, 10]])
    assert C.dtype == np.float64


def test_update_reseeds_empty_cluster_like_sklearn():
    # oracles.md: X = [0,1,2,10,11,30], init [1,11,1000] -> centres [1, 10.5, 30].
    X = np.array([0, 1, 2, 10, 11, 30], dtype=float).reshape(-1, 1)
    init = np.array([[1.0], [11.0], [1000.0]])
    labels = kmlib.assign(X, init)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]
    C = kmlib.update(X, labels, 3, centers=init)
    np.testing.assert_allclose(C.ravel(), [1, 10.5, 30])
    result = kmlib.lloyd(X, init, max_iter=1, record=True)
    np.testing.assert_allclose(result.centers.ravel(), [1, 10.5, 30])
    sk = SkKMeans(3, init=init, n_init=1, max_iter=1, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(result.centers, sk.cluster_centers_)


def test_update_without_centers_uses_cluster_means():
    # Cluster 1 empty; without centres, the point farthest from its cluster's mean moves.
    X = np.array([[0.0], [1.0], [2.0], [9.0]])
    C = kmlib.update(X, [0, 0, 0, 0], 2)
    np.testing.assert_allclose(C.ravel(), [1.0, 9.0])
    assert np.isfinite(C).all()


def test_update_several_empty_clusters_never_nan():
    X = np.arange(10.0).reshape(-1, 1)
    C = kmlib.update(X, np.zeros(10, dtype=int), 4, centers=[[0.0], [50.0], [60.0], [70.0]])
    assert np.isfinite(C).all()
    # the three farthest points from centre 0 went to the three empty clusters
    assert sorted(C[1:, 0].tolist()) == [7.0, 8.0, 9.0]
    np.testing.assert_allclose(C[0], [3.0])  # mean of 0..6


def test_update_duplicates_only_puts_empty_cluster_on_largest():
    X = np.ones((5, 2))
    C = kmlib.update(X, np.zeros(5, dtype=int), 3, centers=np.ones((3, 2)))
    np.testing.assert_array_equal(C, np.ones((3, 2)))


def test_inertia_total_and_per_cluster():
    X = [[0, 0], [2, 0], [10, 10], [13, 14]]
    C = [[1, 0], [10, 10]]
    labels = [0, 0, 1, 1]
    assert kmlib.inertia(X, C, labels) == 2.0 + 25.0
    per = kmlib.inertia(X, C, labels, per_cluster=True)
    np.testing.assert_array_equal(per, [2.0, 25.0])
    assert isinstance(kmlib.inertia(X, C, labels), float)


def test_lloyd_two_blobs():
    result = kmlib.lloyd(two_blobs(), [[0, 0], [10, 1]], record=True)
    assert isinstance(result, kmlib.KMeansResult)
    np.testing.assert_array_equal(result.centers, [[0, 0.5], [10, 0.5]])
    assert result.labels.tolist() == [0, 0, 1, 1]
    assert result.inertia == 1.0
    assert result.converged
    assert len(result.history) == result.n_iter
    first = result.history[0]
    assert isinstance(first, kmlib.IterationRecord)
    np.testing.assert_array_equal(first.centers, [[0, 0], [10, 1]])
    assert first.inertia == 2.0


def test_history_links_iterations():
    X = data("iris")
    init = X[[0, 50, 100]]
    result = kmlib.lloyd(X, init, record=True)
    np.testing.assert_array_equal(result.history[0].centers, init)
    for before, after in zip(result.history, result.history[1:], strict=False):
        np.testing.assert_allclose(after.centers, kmlib.update(X, before.labels, 3), atol=1e-12)
        np.testing.assert_array_equal(after.labels, kmlib.assign(X, after.centers))
        assert after.inertia == pytest.approx(kmlib.inertia(X, after.centers, after.labels))
    assert kmlib.lloyd(X, init).history is None


def test_result_is_frozen():
    result = kmlib.lloyd(two_blobs(), [[0, 0], [10, 1]])
    with pytest.raises(AttributeError):
        result.inertia = 0.0


def test_max_iter_reached_is_not_converged():
    X = data("digits")
    result = kmlib.lloyd(X, X[:10], max_iter=2)
    assert result.n_iter == 2
    assert not result.converged
    np.testing.assert_array_equal(result.labels, kmlib.assign(X, result.centers))


# ---------------------------------------------------------------------------
# scikit-learn oracle
# ---------------------------------------------------------------------------


def _oracle_inits():
    cases = []
    for name in LOADERS:
        for k in (3, 5, 10):
            for seed in (0, 1):
                cases.append((name, k, "k-means++", seed))
                cases.append((name, k, "rows", seed))
    return cases


@pytest.mark.parametrize(("name", "k", "how", "seed"), _oracle_inits())
def test_same_as_sklearn_from_same_init(name, k, how, seed):
    X = data(name)
    if how == "k-means++":
        init = sk_kmeans_plusplus(X, k, random_state=seed)[0]
    else:
        init = X[np.random.RandomState(seed).choice(len(X), k, replace=False)]
    for tol, max_iter in ((1e-4, 300), (0.0, 300), (1e-2, 300), (1e-4, 3)):
        sk = SkKMeans(k, init=init, n_init=1, algorithm="lloyd", tol=tol, max_iter=max_iter).fit(X)
        ours = kmlib.lloyd(X, init, tol=tol, max_iter=max_iter)
        np.testing.assert_array_equal(ours.labels, sk.labels_)
        assert ours.n_iter == sk.n_iter_
        assert ours.inertia == pytest.approx(sk.inertia_, rel=1e-9)
        np.testing.assert_allclose(ours.centers, sk.cluster_centers_, rtol=1e-9, atol=1e-9)
        # The estimator gives the same answer as the function.
        model = kmlib.KMeans(k, init=init, tol=tol, max_iter=max_iter).fit(X)
        np.testing.assert_array_equal(model.labels_, sk.labels_)
        assert model.n_iter_ == sk.n_iter_


def test_drop_in_for_sklearn_estimator():
    X = data("iris")
    init = X[[0, 60, 120]]
    fitted = {}
    for cls in (kmlib.KMeans, SkKMeans):
        model = cls(n_clusters=3, init=init, n_init=1, max_iter=300, tol=1e-4, random_state=0)
        labels = model.fit_predict(X)
        fitted[cls] = (
            labels,
            model.predict(X[:7]),
            model.transform(X[:7]),
            model.score(X),
            model.cluster_centers_,
            model.inertia_,
            model.n_iter_,
        )
    ours, theirs = fitted[kmlib.KMeans], fitted[SkKMeans]
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9)


# ---------------------------------------------------------------------------
# Laws (hypothesis)
# ---------------------------------------------------------------------------


@st.composite
def problems(draw, integer_grid=False):
    """(X, init) with 1 <= k <= n; integer_grid=True makes duplicates and ties likely."""
    n = draw(st.integers(1, 40))
    d = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if integer_grid:
        X = rng.integers(0, 4, size=(n, d)).astype(float)
    else:
        n_blobs = draw(st.integers(1, 4))
        X = (
            rng.normal(size=(n, d))
            + rng.normal(scale=5, size=(n_blobs, d))[rng.integers(n_blobs, size=n)]
        )
    k = draw(st.integers(1, min(n, 6)))
    init = X[rng.choice(n, k, replace=False)]
    return X, init


@FAST
@given(problems(integer_grid=True) | problems())
def test_wcss_never_increases(problem):
    X, init = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = kmlib.lloyd(X, init, record=True)
    values = [record.inertia for record in result.history] + [result.inertia]
    scale = 1e-12 * (1.0 + values[0])
    assert all(b <= a + scale for a, b in zip(values, values[1:], strict=False))
    assert np.isfinite(result.centers).all()


@FAST
@given(problems(integer_grid=True) | problems())
def test_fixed_point_at_convergence(problem):
    X, init = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = kmlib.lloyd(X, init, tol=0.0, max_iter=1000)
    assert result.converged
    k = init.shape[0]
    # every label is its nearest centre (up to rounding: with duplicate points
    # two centres can sit an ulp apart, and then either is "nearest") ...
    D = kmlib.pairwise_sq_dists(X, result.centers)
    own = D[np.arange(len(X)), result.labels]
    assert np.all(own <= D.min(axis=1) + 1e-9 * (1.0 + np.abs(X).max() ** 2))
    # ... and every (non-empty) cluster's centre is its mean
    means = kmlib.update(X, result.labels, k)
    filled = np.bincount(result.labels, minlength=k) > 0
    np.testing.assert_allclose(result.centers[filled], means[filled], atol=1e-9)
    assert result.inertia == pytest.approx(kmlib.inertia(X, result.centers, result.labels))


@FAST
@given(problems(), st.randoms(use_true_random=False))
def test_relabelling_invariance(problem, random):
    X, init = problem
    k = init.shape[0]
    perm = np.array(random.sample(range(k), k))
    a = kmlib.lloyd(X, init)
    b = kmlib.lloyd(X, init[perm])
    # centre j of run b is centre perm[j] of run a, so label perm[l] becomes l
    inverse = np.argsort(perm)
    np.testing.assert_array_equal(b.labels, inverse[a.labels])
    np.testing.assert_allclose(b.centers, a.centers[perm], atol=1e-9)
    assert b.n_iter == a.n_iter
    assert b.inertia == pytest.approx(a.inertia, rel=1e-9, abs=1e-12)
    # permuting the rows of X permutes the labels and leaves the centres
    rows = np.array(random.sample(range(len(X)), len(X)))
    c = kmlib.lloyd(X[rows], init)
    np.testing.assert_array_equal(c.labels, a.labels[rows])
    np.testing.assert_allclose(c.centers, a.centers, atol=1e-9)


@FAST
@given(problems(), st.integers(0, 2**32 - 1), st.sampled_from(["k-means++", "random"]))
def test_same_seed_same_result(problem, seed, init):
    X, centers = problem
    k = centers.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = kmlib.kmeans(X, k, init=init, n_init=2, random_state=seed)
        b = kmlib.kmeans(X, k, init=init, n_init=2, random_state=np.random.default_rng(seed))
    np.testing.assert_array_equal(a.centers, b.centers)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert (a.inertia, a.n_iter, a.converged) == (b.inertia, b.n_iter, b.converged)


# ---------------------------------------------------------------------------
# kmeans and restarts
# ---------------------------------------------------------------------------


def test_kmeans_keeps_best_of_n_init_runs():
    X = data("wine")
    rng = np.random.default_rng(7)
    runs = [kmlib.lloyd(X, kmlib.random_init(X, 4, random_state=rng)) for _ in range(5)]
    best = kmlib.kmeans(X, 4, init="random", n_init=5, random_state=7)
    assert best.inertia == min(run.inertia for run in runs)


def test_n_init_auto():
    X = data("iris")
    auto = kmlib.kmeans(X, 3, init="random", random_state=3)
    ten = kmlib.kmeans(X, 3, init="random", n_init=10, random_state=3)
    assert auto.inertia == ten.inertia
    auto = kmlib.kmeans(X, 3, random_state=3)
    one = kmlib.kmeans(X, 3, n_init=1, random_state=3)
    assert auto.inertia == one.inertia


def test_array_init_with_n_init_warns_and_runs_once():
    X = data("iris")
    with pytest.warns(UserWarning, match="n_init=3 is replaced by 1"):
        result = kmlib.kmeans(X, 3, init=X[:3], n_init=3)
    np.testing.assert_array_equal(result.labels, kmlib.lloyd(X, X[:3]).labels)


def test_kmeans_on_iris_is_good():
    X = data("iris")
    result = kmlib.kmeans(X, 3, n_init=10, random_state=0)
    sk = SkKMeans(3, n_init=10, random_state=0).fit(X)
    assert result.inertia == pytest.approx(sk.inertia_, rel=1e-6)


# ---------------------------------------------------------------------------
# Degenerate input
# ---------------------------------------------------------------------------


def test_all_points_identical():
    X = np.full((6, 2), 3.0)
    with pytest.warns(
        ConvergenceWarning, match=r"distinct clusters \(1\) found smaller than n_clusters \(3\)"
    ):
        result = kmlib.kmeans(X, 3, random_state=0)
    assert np.isfinite(result.centers).all()
    np.testing.assert_array_equal(result.centers, np.full((3, 2), 3.0))
    assert result.inertia == 0.0
    with pytest.warns(ConvergenceWarning):
        kmlib.kmeans(X, 2, init="random", random_state=0)
    ok = kmlib.kmeans(X, 1, random_state=0)  # k = 1: no warning
    assert ok.inertia == 0.0


def test_fewer_distinct_points_than_k():
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    for init in ("k-means++", "random"):
        with pytest.warns(ConvergenceWarning, match=r"\(2\) found smaller than n_clusters \(4\)"):
            result = kmlib.kmeans(X, 4, init=init, random_state=1)
        assert np.isfinite(result.centers).all()
        assert result.inertia == 0.0
        assert len(np.unique(result.labels)) == 2
    with pytest.warns(ConvergenceWarning):
        kmlib.KMeans(4, random_state=0).fit(X)
    with pytest.warns(ConvergenceWarning):
        kmlib.lloyd(X, np.zeros((3, 2)))


def test_k_equals_n():
    X = data("iris")[:20]
    X = np.unique(X, axis=0)
    result = kmlib.kmeans(X, len(X), random_state=0)
    assert result.inertia == 0.0
    assert sorted(result.labels.tolist()) == list(range(len(X)))


def test_k_equals_one():
    X = data("wine")
    result = kmlib.kmeans(X, 1, random_state=0)
    np.testing.assert_allclose(result.centers[0], X.mean(axis=0))
    assert result.inertia == pytest.approx(((X - X.mean(axis=0)) ** 2).sum())
    assert (result.labels == 0).all()
    assert result.n_iter == 2  # labels unchanged at the second iteration


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float32, np.uint8])
def test_int_and_float32_input(dtype):
    X = (data("digits")[:300]).astype(dtype)
    init = X[:5]
    result = kmlib.lloyd(X, init)
    ref = kmlib.lloyd(X.astype(np.float64), init.astype(np.float64))
    assert result.centers.dtype == np.float64
    assert isinstance(result.inertia, float)
    np.testing.assert_array_equal(result.labels, ref.labels)
    np.testing.assert_array_equal(result.centers, ref.centers)
    model = kmlib.KMeans(5, random_state=0).fit(X)
    assert model.cluster_centers_.dtype == np.float64
    np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_list_input():
    result = kmlib.kmeans([[0, 0], [0, 1], [10, 0], [10, 1]], 2, random_state=0)
    assert result.inertia == 1.0


# ---------------------------------------------------------------------------
# Bad input (DESIGN §3.6): clear TypeError / ValueError naming the parameter
# ---------------------------------------------------------------------------

X_SMALL = np.arange(20.0).reshape(10, 2)


@pytest.mark.parametrize("k", [0, -1])
def test_k_not_positive(k):
    with pytest.raises(ValueError, match="k must be >= 1"):
        kmlib.kmeans(X_SMALL, k)
    with pytest.raises(ValueError, match="n_clusters must be >= 1"):
        kmlib.KMeans(k).fit(X_SMALL)


def test_k_larger_than_n():
    with pytest.raises(
        ValueError, match="k must be <= the number of samples; got k=11 with n_samples=10"
    ):
        kmlib.kmeans(X_SMALL, 11)
    with pytest.raises(ValueError, match="n_clusters must be <= the number of samples"):
        kmlib.KMeans().fit(X_SMALL[:5])  # default n_clusters=8 > 5
    with pytest.raises(ValueError, match="init_centers"):
        kmlib.lloyd(X_SMALL[:2], X_SMALL[:3])


@pytest.mark.parametrize("k", [2.0, 2.5, "3", True, None])
def test_k_not_integer(k):
    with pytest.raises(TypeError, match="k must be an integer"):
        kmlib.kmeans(X_SMALL, k)


@pytest.mark.parametrize(
    ("init", "error", "match"),
    [
        (
            np.zeros((3, 2)),
            ValueError,
            r"init must have shape \(k, d\) = \(2, 2\); got shape \(3, 2\)",
        ),
        (np.zeros((2, 3)), ValueError, r"init must have shape \(k, d\)"),
        (np.zeros(4), ValueError, "init must be a 2-D array"),
        ([[0.0, np.nan], [1.0, 1.0]], ValueError, "init must be finite; it contains NaN"),
        ([[0.0, np.inf], [1.0, 1.0]], ValueError, "init must be finite"),
        ("kmeans++", ValueError, r"init must be 'k-means\+\+', 'random' or an array"),
        ("Random", ValueError, "init must be"),
        (3, TypeError, "init must be"),
        (None, TypeError, "init must be"),
    ],
)
def test_bad_init(init, error, match):
    with pytest.raises(error, match=match):
        kmlib.kmeans(X_SMALL, 2, init=init)
    with pytest.raises(error):
        kmlib.KMeans(2, init=init).fit(X_SMALL)


def test_bad_init_centers_for_lloyd():
    with pytest.raises(ValueError, match="same number of features"):
        kmlib.lloyd(X_SMALL, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="init_centers must be finite"):
        kmlib.lloyd(X_SMALL, [[np.nan, 0.0]])
    with pytest.raises(TypeError, match="init_centers must contain real numbers"):
        kmlib.lloyd(X_SMALL, [["a", "b"]])


@pytest.mark.parametrize("max_iter", [0, -5])
def test_max_iter_below_one(max_iter):
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        kmlib.kmeans(X_SMALL, 2, max_iter=max_iter)
    with pytest.raises(ValueError, match="max_iter must be >= 1"):
        kmlib.lloyd(X_SMALL, X_SMALL[:2], max_iter=max_iter)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        kmlib.lloyd(X_SMALL, X_SMALL[:2], max_iter=10.0)


@pytest.mark.parametrize(
    ("tol", "match"),
    [
        (-1e-4, "tol must be >= 0"),
        (float("nan"), "tol must be finite"),
        (float("inf"), "tol must be finite"),
    ],
)
def test_bad_tol(tol, match):
    with pytest.raises(ValueError, match=match):
        kmlib.kmeans(X_SMALL, 2, tol=tol)
    with pytest.raises(ValueError, match=match):
        kmlib.lloyd(X_SMALL, X_SMALL[:2], tol=tol)
    with pytest.raises(TypeError, match="tol must be a real number"):
        kmlib.lloyd(X_SMALL, X_SMALL[:2], tol="0.1")


@pytest.mark.parametrize(
    ("n_init", "error"), [(0, ValueError), ("many", ValueError), (2.0, TypeError)]
)
def test_bad_n_init(n_init, error):
    with pytest.raises(error, match="n_init"):
        kmlib.kmeans(X_SMALL, 2, n_init=n_init)


def test_bad_random_state():
    with pytest.raises(TypeError, match="random_state"):
        kmlib.kmeans(X_SMALL, 2, random_state="seed")


def test_bad_X():
    with pytest.raises(ValueError, match="X must be finite; it contains NaN"):
        kmlib.kmeans([[0.0, np.nan], [1.0, 1.0]], 1)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        kmlib.kmeans(np.arange(5.0), 2)
    with pytest.raises(ValueError, match="at least 1 row"):
        kmlib.kmeans(np.zeros((0, 2)), 1)


@pytest.mark.parametrize("method", ["predict", "transform", "score"])
def test_predict_before_fit(method):
    model = kmlib.KMeans(2)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(model, method)(X_SMALL)
    with pytest.raises(ValueError):  # NotFittedError is a ValueError, as in scikit-learn
        getattr(model, method)(X_SMALL)


@pytest.mark.parametrize("method", ["predict", "transform", "score"])
def test_wrong_width_at_predict(method):
    model = kmlib.KMeans(2, random_state=0).fit(X_SMALL)
    with pytest.raises(ValueError, match="X has 3 features .* fitted with 2"):
        getattr(model, method)(np.zeros((4, 3)))


def test_bad_labels_for_update_and_inertia():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\]"):
        kmlib.update(X_SMALL, np.full(10, 2), 2)
    with pytest.raises(ValueError, match=r"labels must have shape \(10,\)"):
        kmlib.update(X_SMALL, np.zeros(9, dtype=int), 2)
    with pytest.raises(TypeError, match="labels must be an array of integers"):
        kmlib.inertia(X_SMALL, X_SMALL[:2], np.zeros(10))
    with pytest.raises(ValueError, match="centers must have k=2 rows"):
        kmlib.update(X_SMALL, np.zeros(10, dtype=int), 2, centers=X_SMALL[:3])


def test_repr():
    assert repr(kmlib.KMeans(3, random_state=0)) == "KMeans(n_clusters=3, random_state=0)"


def test_update_k_larger_than_n():
    with pytest.raises(ValueError, match="k must be <= the number of samples"):
        kmlib.update([[0.0], [1.0]], [0, 0], 3)


def test_get_and_set_params():
    model = kmlib.KMeans(3, random_state=0)
    assert model.get_params() == {
        "n_clusters": 3,
        "init": "k-means++",
        "n_init": "auto",
        "max_iter": 300,
        "tol": 1e-4,
        "random_state": 0,
    }
    assert model.set_params(n_clusters=2) is model and model.n_clusters == 2
    with pytest.raises(ValueError, match="Invalid parameter 'k'"):
        model.set_params(k=2)
    assert set(model.get_params()) <= set(SkKMeans().get_params())


def test_estimator_attributes_after_fit():
    X = data("iris")
    model = kmlib.KMeans(3, random_state=0)
    assert model.fit(X) is model
    assert model.cluster_centers_.shape == (3, 4)
    assert model.labels_.shape == (150,)
    assert model.n_features_in_ == 4
    assert isinstance(model.result_, kmlib.KMeansResult)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    assert model.score(X) == pytest.approx(-model.inertia_)
    D = model.transform(X)
    assert D.shape == (150, 3)
    np.testing.assert_allclose(
        D.min(axis=1) ** 2, ((X - model.cluster_centers_[model.labels_]) ** 2).sum(1)
    )
    np.testing.assert_allclose(model.fit_transform(X), D)


# ---------------------------------------------------------------------------
# sample_weight
# ---------------------------------------------------------------------------


def _iris_weights(seed=0, low=0, high=5):
    X = data("iris")
    w = np.random.default_rng(seed).integers(low, high, size=len(X))
    return X, w


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_integer_weights_are_repeated_rows(seed):
    X, w = _iris_weights(seed)  # weights 0..4, some rows dropped by np.repeat
    repeated = np.repeat(X, w, axis=0)
    init = X[w > 0][np.random.default_rng(seed).choice(np.count_nonzero(w), 4, replace=False)]
    # tol=0: the relative tolerance depends on the unweighted variance of X (as
    # scikit-learn), which differs from that of the repeated rows.
    ours = kmlib.lloyd(X, init, tol=0, sample_weight=w)
    ref = kmlib.lloyd(repeated, init, tol=0)
    assert ours.n_iter == ref.n_iter and ours.converged and ref.converged
    np.testing.assert_allclose(ours.centers, ref.centers, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(np.repeat(ours.labels, w), ref.labels)
    assert ours.inertia == pytest.approx(ref.inertia, rel=1e-12)
    # The steps on their own.
    labels = kmlib.assign(X, init)
    np.testing.assert_allclose(
        kmlib.update(X, labels, 4, sample_weight=w),
        kmlib.update(repeated, np.repeat(labels, w), 4),
        rtol=0,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        kmlib.inertia(X, init, labels, sample_weight=w, per_cluster=True),
        kmlib.inertia(repeated, init, np.repeat(labels, w), per_cluster=True),
        rtol=1e-12,
    )
    # k-means (seeding + Lloyd) and the estimator accept weights too.
    result = kmlib.kmeans(X, 3, sample_weight=w, random_state=seed, n_init=3)
    assert result.inertia == pytest.approx(
        kmlib.inertia(repeated, result.centers, kmlib.assign(repeated, result.centers)), rel=1e-12
    )
    model = kmlib.KMeans(3, random_state=seed).fit(X, sample_weight=w)
    assert model.score(X, sample_weight=w) == pytest.approx(-model.inertia_, rel=1e-12)
    assert model.score(repeated) == pytest.approx(-model.inertia_, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [3, 5, 8])
def test_weighted_same_as_sklearn_from_same_init(k, seed):
    X = data("iris")
    w = np.random.default_rng(seed).uniform(0.1, 3.0, size=len(X))
    init = sk_kmeans_plusplus(X, k, random_state=seed, sample_weight=w)[0]
    for tol, max_iter in ((1e-4, 300), (0.0, 300), (1e-2, 300), (1e-4, 3)):
        sk = SkKMeans(k, init=init, n_init=1, algorithm="lloyd", tol=tol, max_iter=max_iter)
        sk.fit(X, sample_weight=w)
        ours = kmlib.lloyd(X, init, tol=tol, max_iter=max_iter, sample_weight=w)
        np.testing.assert_array_equal(ours.labels, sk.labels_)
        assert ours.n_iter == sk.n_iter_
        assert ours.inertia == pytest.approx(sk.inertia_, rel=1e-9)
        np.testing.assert_allclose(ours.centers, sk.cluster_centers_, rtol=1e-9, atol=1e-9)
        model = kmlib.KMeans(k, init=init, tol=tol, max_iter=max_iter)
        np.testing.assert_array_equal(model.fit_predict(X, sample_weight=w), sk.labels_)
        assert model.n_iter_ == sk.n_iter_
        assert model.score(X, sample_weight=w) == pytest.approx(
            sk.score(X, sample_weight=w), rel=1e-9
        )


def test_unit_weights_change_nothing():
    X = data("wine")
    init = X[[0, 60, 140, 170]]
    plain = kmlib.lloyd(X, init)
    ones = kmlib.lloyd(X, init, sample_weight=np.ones(len(X)))
    np.testing.assert_array_equal(ones.labels, plain.labels)
    assert ones.n_iter == plain.n_iter
    np.testing.assert_allclose(ones.centers, plain.centers, rtol=1e-12, atol=1e-12)
    assert ones.inertia == pytest.approx(plain.inertia, rel=1e-12)


def test_zero_weight_points_do_not_move_centres():
    X = np.array([[0.0], [1.0], [10.0], [11.0], [500.0]])
    w = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
    result = kmlib.lloyd(X, [[0.0], [10.0]], sample_weight=w)
    np.testing.assert_allclose(result.centers, [[0.5], [10.5]])
    assert result.labels[4] == 1  # still labelled (nearest centre), weighing nothing
    assert result.inertia == pytest.approx(1.0)


def test_weighted_empty_cluster_takes_the_points_weight():
    # oracles.md example with weights: the far point (30) moves with its weight.
    X = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 30.0]).reshape(-1, 1)
    w = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 5.0])
    labels = kmlib.assign(X, [[1.0], [11.0], [1000.0]])
    new = kmlib.update(X, labels, 3, centers=[[1.0], [11.0], [1000.0]], sample_weight=w)
    np.testing.assert_allclose(new.ravel(), [1.0, 10.75, 30.0])
    sk = SkKMeans(3, init=np.array([[1.0], [11.0], [1000.0]]), n_init=1, max_iter=1)
    sk.fit(X, sample_weight=w)
    np.testing.assert_allclose(sk.cluster_centers_.ravel(), [1.0, 10.75, 30.0])
    # A point of weight 0 is never moved into an empty cluster.
    w0 = w.copy()
    w0[5] = 0.0
    new = kmlib.update(X, labels, 3, centers=[[1.0], [11.0], [1000.0]], sample_weight=w0)
    assert new[2, 0] in (0.0, 2.0, 10.0)  # a farthest point of positive weight (ties at 1)


BAD_WEIGHTS = [
    (np.ones((150, 1)), ValueError, "sample_weight.*1-D.*\\(150,\\)"),
    (np.ones(149), ValueError, "sample_weight.*\\(150,\\)"),
    (2.0, ValueError, "sample_weight.*1-D"),
    (np.r_[np.nan, np.ones(149)], ValueError, "sample_weight must be finite.*NaN"),
    (np.r_[np.inf, np.ones(149)], ValueError, "sample_weight must be finite.*infinity"),
    (np.r_[-1.0, np.ones(149)], ValueError, "sample_weight must be non-negative"),
    (np.zeros(150), ValueError, "sample_weight must not be all zero"),
    (np.full(150, 1e308), ValueError, "sample_weight must have a finite sum"),
    (np.array(["a"] * 150), TypeError, "sample_weight"),
    (np.ones(150, dtype=complex), TypeError, "sample_weight"),
    (np.ones(150, dtype=bool), TypeError, "sample_weight"),
]


@pytest.mark.parametrize(("weights", "error", "match"), BAD_WEIGHTS)
def test_bad_sample_weight(weights, error, match):
    X = data("iris")
    init = X[:3]
    labels = kmlib.assign(X, init)
    calls = [
        lambda: kmlib.lloyd(X, init, sample_weight=weights),
        lambda: kmlib.kmeans(X, 3, sample_weight=weights),
        lambda: kmlib.update(X, labels, 3, sample_weight=weights),
        lambda: kmlib.inertia(X, init, labels, sample_weight=weights),
        lambda: kmlib.KMeans(3).fit(X, sample_weight=weights),
        lambda: kmlib.KMeans(3).fit(X).score(X, sample_weight=weights),
        lambda: kmlib.kmeans_plusplus(X, 3, sample_weight=weights),
        lambda: kmlib.random_init(X, 3, sample_weight=weights),
    ]
    for call in calls:
        with pytest.raises(error, match=match):
            call()


def test_weighted_input_not_modified_one_feature():
    # With d = 1, X.T is a view of X: the weighted sums must not be formed in place.
    X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [30.0]])
    w = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 5.0])
    X_before, w_before = X.copy(), w.copy()
    result = kmlib.lloyd(X, [[1.0], [11.0], [30.0]], sample_weight=w)
    kmlib.update(X, result.labels, 3, sample_weight=w)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_allclose(result.centers.ravel(), [(0 + 2 + 2) / 4, (10 + 33) / 4, 30.0])


# ---------------------------------------------------------------------------
# The fast paths equal the readable steps
# ---------------------------------------------------------------------------


def assert_same_run(a, b):
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centers, b.centers)
    assert (a.n_iter, a.converged, a.inertia) == (b.n_iter, b.converged, b.inertia)


@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("k", [3, 10])
def test_screened_and_exact_assignment_give_the_same_runs_on_real_data(name, k):
    X = data(name)
    for seed in range(3):
        init = X[np.random.default_rng(seed).choice(len(X), k, replace=False)]
        screened = kmlib.lloyd(X, init, tol=0.0, record=True)
        exact = kmlib.lloyd(X, init, tol=0.0, record=True, assignment="exact")
        assert_same_run(screened, exact)
        for a, b in zip(screened.history, exact.history, strict=True):
            np.testing.assert_array_equal(a.labels, b.labels)


@given(
    st.integers(1, 4).flatmap(
        lambda d: st.tuples(
            st.lists(
                st.lists(st.integers(-20, 20), min_size=d, max_size=d), min_size=3, max_size=200
            ),
            st.integers(1, 6),
            st.sampled_from([1.0, 0.37, 2.0**-600, 1e150]),
        )
    ),
    st.integers(0, 2**32 - 1),
)
@FAST
def test_screened_and_exact_assignment_give_the_same_runs_on_hypothesis_data(case, seed):
    points, k, scale = case
    X = np.array(points, dtype=float) * scale  # integer grid: exact ties everywhere
    k = min(k, len(X))
    init = X[np.random.default_rng(seed).choice(len(X), k, replace=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        screened = kmlib.lloyd(X, init, max_iter=20)
        exact = kmlib.lloyd(X, init, max_iter=20, assignment="exact")
    assert_same_run(screened, exact)


def test_lloyd_rejects_an_unknown_assignment_step():
    with pytest.raises(ValueError, match="assignment must be 'screened' or 'exact'; got 'fast'"):
        kmlib.lloyd(two_blobs(), two_blobs()[:2], assignment="fast")


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("scale", [2.0**-1040, 1e-300, 1e-160, 1e100, 1e150])
def test_lloyd_on_tiny_and_huge_data_finds_the_clusters(scale):
    # Centred and scaled by a power of two, the run is the unit-scale run.
    X = two_blobs()
    unit = kmlib.lloyd(X, X[[0, 3]])
    tiny = kmlib.lloyd(X * scale, X[[0, 3]] * scale)
    np.testing.assert_array_equal(tiny.labels, unit.labels)
    assert tiny.n_iter == unit.n_iter
    np.testing.assert_allclose(tiny.centers / scale, unit.centers, rtol=1e-12)
    if scale <= 1e150:  # (an inertia beyond 1.8e308 is issue 14: not representable)
        assert tiny.inertia == pytest.approx(unit.inertia * scale**2, rel=1e-12, abs=0)


def test_cluster_sums_kernel_equals_the_definition():
    from kmlib._kernels.sums import cluster_sums, feature_rows

    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 3)) * 10
    labels = rng.integers(0, 7, size=500)
    w = rng.uniform(0, 2, size=500)
    for weights in (None, w):
        counts, sums = cluster_sums(feature_rows(X, weights), labels, 7, weights)
        ones = np.ones(len(X)) if weights is None else weights
        for j in range(7):  # the definition, added left to right in index order
            members = np.flatnonzero(labels == j)
            total, weight = np.zeros(3), 0.0
            for i in members:
                total = total + ones[i] * X[i] if weights is not None else total + X[i]
                weight += ones[i]
            np.testing.assert_array_equal(sums[j], total)
            assert counts[j] == weight
