"""Tests of kmlib.datasets: shapes, labels, determinism, geometry, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from kmlib.datasets import (
    make_anisotropic,
    make_blobs,
    make_circles,
    make_moons,
    make_unequal_densities,
    make_unequal_sizes,
    make_uniform_noise,
)

sk_datasets = pytest.importorskip("sklearn.datasets")

LABELLED = {
    "blobs": lambda rs: make_blobs(random_state=rs)[:2],
    "moons": lambda rs: make_moons(noise=0.1, random_state=rs),
    "circles": lambda rs: make_circles(noise=0.05, random_state=rs),
    "anisotropic": lambda rs: make_anisotropic(random_state=rs),
    "unequal sizes": lambda rs: make_unequal_sizes(random_state=rs),
    "unequal densities": lambda rs: make_unequal_densities(random_state=rs),
}
EXPECTED = {  # (n, d, number of classes)
    "blobs": (300, 2, 3),
    "moons": (200, 2, 2),
    "circles": (200, 2, 2),
    "anisotropic": (300, 2, 3),
    "unequal sizes": (570, 2, 3),
    "unequal densities": (300, 2, 3),
}


def sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


@pytest.mark.parametrize("name", LABELLED)
def test_shapes_types_and_labels(name):
    X, y = LABELLED[name](0)
    n, d, k = EXPECTED[name]
    assert X.shape == (n, d) and X.dtype == np.float64 and X.flags.c_contiguous
    assert y.shape == (n,) and y.dtype == np.int64
    assert sorted(np.unique(y).tolist()) == list(range(k))
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", LABELLED)
def test_determinism(name):
    X1, y1 = LABELLED[name](7)
    X2, y2 = LABELLED[name](7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = LABELLED[name](8)
    assert not np.array_equal(X1, X3)
    X4, y4 = LABELLED[name](np.random.default_rng(7))  # a Generator draws the same as its seed
    np.testing.assert_array_equal(X1, X4)
    np.testing.assert_array_equal(y1, y4)


def test_rows_are_shuffled():
    _, y = make_moons(100, random_state=0)
    assert not np.array_equal(y, np.sort(y))


def test_uniform_noise():
    X = make_uniform_noise(500, low=-2.0, high=3.0, n_features=3, random_state=1)
    assert X.shape == (500, 3) and X.dtype == np.float64
    assert X.min() >= -2.0 and X.max() < 3.0
    np.testing.assert_array_equal(
        X, make_uniform_noise(500, low=-2.0, high=3.0, n_features=3, random_state=1)
    )
    assert make_uniform_noise(random_state=0).shape == (100, 2)


# ---------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 7, 200])
def test_noiseless_moons_and_circles_equal_sklearns_points(n):
    X, y = make_moons(n, random_state=0)
    Xs, ys = sk_datasets.make_moons(n, shuffle=False)
    np.testing.assert_allclose(sorted_rows(X), sorted_rows(Xs), atol=1e-12)
    assert np.bincount(y).tolist() == np.bincount(ys).tolist()
    X, y = make_circles(n, factor=0.3, random_state=0)
    Xs, ys = sk_datasets.make_circles(n, shuffle=False, factor=0.3)
    np.testing.assert_allclose(sorted_rows(X), sorted_rows(Xs), atol=1e-12)
    assert np.bincount(y).tolist() == np.bincount(ys).tolist()


def test_circle_radii_and_moon_labels():
    X, y = make_circles(100, factor=0.4, random_state=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.4)
    X, y = make_moons(101, random_state=0)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5), 1.0)
    assert np.bincount(y).tolist() == [50, 51]


def test_noise_moves_points():
    X, y = make_moons(4000, noise=0.02, random_state=4)
    radial = np.hypot(X[y == 0, 0], X[y == 0, 1]) - 1.0
    assert abs(radial.mean()) < 0.005 and radial.std() == pytest.approx(0.02, rel=0.1)
    X, y = make_circles(4000, noise=0.02, random_state=4)
    radial = np.hypot(X[y == 0, 0], X[y == 0, 1]) - 1.0
    assert radial.std() == pytest.approx(0.02, rel=0.1)


def test_blobs_sizes_centres_and_spread():
    centres = np.array([[0.0, 0.0, 0.0], [20.0, 0.0, 0.0], [0.0, 20.0, 0.0]])
    X, y, C = make_blobs(3001, centres, cluster_std=[0.5, 1.0, 2.0], random_state=0)
    assert X.shape == (3001, 3)
    assert np.bincount(y).tolist() == [1001, 1000, 1000]  # split as evenly as possible
    np.testing.assert_array_equal(C, centres)
    for j, sd in enumerate([0.5, 1.0, 2.0]):
        np.testing.assert_allclose(X[y == j].mean(axis=0), centres[j], atol=0.2)
        np.testing.assert_allclose(X[y == j].std(axis=0), sd, rtol=0.1)
    X, y, C = make_blobs([5, 10], 2, center_box=(3.0, 4.0), random_state=1)
    assert np.bincount(y).tolist() == [5, 10] and C.shape == (2, 2)
    assert np.all((C >= 3.0) & (C < 4.0))


def test_unequal_sizes_and_densities():
    X, y = make_unequal_sizes((40, 7, 3), random_state=0)
    assert np.bincount(y).tolist() == [40, 7, 3]
    X, y = make_unequal_densities(3000, cluster_std=(0.2, 2.0), random_state=0)
    np.testing.assert_allclose(X[y == 0].std(axis=0), 0.2, rtol=0.1)
    np.testing.assert_allclose(X[y == 1].std(axis=0), 2.0, rtol=0.1)


def test_anisotropic_is_blobs_times_the_map():
    A = np.array([[0.6, -0.64], [-0.41, 0.85]])
    X, y = make_anisotropic(120, random_state=3)
    B, yb, _ = make_blobs(120, 3, random_state=3)
    np.testing.assert_allclose(X, B @ A)
    np.testing.assert_array_equal(y, yb)
    X2, _ = make_anisotropic(120, transformation=np.eye(2), random_state=3)
    np.testing.assert_allclose(X2, B)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: make_blobs(0), ValueError, "n_samples"),
        (lambda: make_blobs(2.5), TypeError, "n_samples"),
        (lambda: make_blobs(2, 3), ValueError, "n_samples"),
        (lambda: make_blobs(10, 0), ValueError, "centers"),
        (lambda: make_blobs([5, 5], 3), ValueError, "centers"),
        (lambda: make_blobs([5, 0]), ValueError, r"n_samples\[1\]"),
        (lambda: make_blobs([5, 5], [[0.0, 0.0]]), ValueError, "centers"),
        (lambda: make_blobs(10, [[0.0, np.nan]]), ValueError, "centers"),
        (lambda: make_blobs(10, 2, cluster_std=-1.0), ValueError, "cluster_std"),
        (lambda: make_blobs(10, 2, cluster_std=[1.0]), ValueError, "cluster_std"),
        (lambda: make_blobs(10, 2, center_box=(1.0, 1.0)), ValueError, "center_box"),
        (lambda: make_blobs(10, 2, center_box=5.0), ValueError, "center_box"),
        (lambda: make_blobs(10, random_state=-1), ValueError, "random_state"),
        (lambda: make_blobs(10, random_state="x"), TypeError, "random_state"),
        (lambda: make_moons(1), ValueError, "n_samples"),
        (lambda: make_moons(10, noise=-0.1), ValueError, "noise"),
        (lambda: make_moons(10, noise=np.nan), ValueError, "noise"),
        (lambda: make_circles(10, factor=1.0), ValueError, "factor"),
        (lambda: make_circles(10, factor=-0.5), ValueError, "factor"),
        (lambda: make_anisotropic(10, transformation=np.eye(3)), ValueError, "transformation"),
        (
            lambda: make_anisotropic(10, transformation=[[1, np.inf], [0, 1]]),
            ValueError,
            "transformation",
        ),
        (lambda: make_unequal_sizes(()), ValueError, "sizes"),
        (lambda: make_unequal_sizes((5, -1)), ValueError, "sizes"),
        (lambda: make_unequal_densities(10, cluster_std=1.0), ValueError, "cluster_std"),
        (lambda: make_unequal_densities(10, cluster_std=(1.0, -1.0)), ValueError, "cluster_std"),
        (lambda: make_uniform_noise(0), ValueError, "n_samples"),
        (lambda: make_uniform_noise(5, n_features=0), ValueError, "n_features"),
        (lambda: make_uniform_noise(5, low=1.0, high=1.0), ValueError, "low"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the data sets of the "Try it" widgets ------------------------------------------------


def test_smiley_has_a_ring_two_eyes_and_a_mouth():
    from kmlib.datasets import make_smiley

    X, y = make_smiley(400, noise=0.0, random_state=0)
    assert X.shape == (400, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [200, 50, 50, 100]
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)  # the ring
    np.testing.assert_allclose(np.linalg.norm(X[y == 3], axis=1), 0.55)  # the mouth
    assert np.all(X[y == 3][:, 1] < 0)  # below the centre
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [-0.35, 0.35], atol=0.05)
    np.testing.assert_allclose(X[y == 2].mean(axis=0), [0.35, 0.35], atol=0.05)
    X1, y1 = make_smiley(400, random_state=3)
    X2, y2 = make_smiley(400, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, make_smiley(400, random_state=4)[0])


def test_blobs_with_noise_are_blobs_plus_uniform_noise_labelled_minus_one():
    from kmlib.datasets import make_blobs_with_noise

    X, y = make_blobs_with_noise(300, 3, n_noise=60, noise_box=(-12, 12), random_state=2)
    assert X.shape == (360, 2) and y.shape == (360,) and y.dtype == np.int64
    assert np.bincount(y + 1).tolist() == [60, 100, 100, 100]
    assert np.all((X[y == -1] >= -12) & (X[y == -1] < 12))
    assert make_blobs_with_noise(30, 2, n_noise=0, random_state=0)[0].shape == (30, 2)
    np.testing.assert_array_equal(
        make_blobs_with_noise(random_state=5)[0], make_blobs_with_noise(random_state=5)[0]
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: __import__("kmlib").datasets.make_smiley(3), ValueError, "n_samples"),
        (lambda: __import__("kmlib").datasets.make_smiley(40, noise=-1), ValueError, "noise"),
        (lambda: __import__("kmlib").datasets.make_smiley("40"), TypeError, "n_samples"),
        (
            lambda: __import__("kmlib").datasets.make_blobs_with_noise(n_noise=-1),
            ValueError,
            "n_noise",
        ),
        (
            lambda: __import__("kmlib").datasets.make_blobs_with_noise(noise_box=3),
            ValueError,
            "noise_box",
        ),
        (
            lambda: __import__("kmlib").datasets.make_blobs_with_noise(noise_box=(2, 1)),
            ValueError,
            "noise_box",
        ),
        (
            lambda: __import__("kmlib").datasets.make_blobs_with_noise(cluster_std=-1),
            ValueError,
            "cluster_std",
        ),
    ],
)
def test_widget_data_sets_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
