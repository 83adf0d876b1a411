r"""Synthetic data sets, among them the ones that break k-means (Chapter 5).

k-means assumes round clusters of similar size and spread, one centre each.
Each generator below produces data that honours or breaks one of those
assumptions:

==============================  ==============================================
:func:`make_blobs`              isotropic Gaussian blobs: k-means' home ground
:func:`make_moons`              two interleaved half circles: not convex
:func:`make_circles`            two concentric circles: not convex, same mean
:func:`make_anisotropic`        blobs under a linear map: elongated, tilted
:func:`make_unequal_sizes`      500, 50 and 20 points: very different sizes
:func:`make_unequal_densities`  standard deviations 0.5, 1.5, 3: different spreads
:func:`make_uniform_noise`      no clusters at all
:func:`make_smiley`             a face: a ring, two eyes and a mouth (Chapter 2)
:func:`make_blobs_with_noise`   blobs plus uniform noise labelled ``-1``
==============================  ==============================================

Everything is made with numpy alone and a ``numpy.random.Generator`` from
``random_state`` (``None``, a non-negative int or a ``Generator``), so the
same int always gives the same data. Every function returns ``X`` as a
float64 array of shape ``(n, d)`` and, except :func:`make_uniform_noise`,
the true labels ``y`` as an int64 array of shape ``(n,)``. Rows are
shuffled (as scikit-learn's generators do by default), so the labels do not
come sorted.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import (
    _describe,
    check_array,
    check_int,
    check_random_state,
    check_scalar,
)

__all__ = [
    "make_blobs",
    "make_moons",
    "make_circles",
    "make_anisotropic",
    "make_unequal_sizes",
    "make_unequal_densities",
    "make_uniform_noise",
    "make_smiley",
    "make_blobs_with_noise",
]


def _is_sequence(value) -> bool:
    return not isinstance(value, (str, bytes)) and np.ndim(value) == 1


def _check_sizes(sizes, name: str) -> np.ndarray:
    """A 1-D sequence of positive ints, as an int64 array."""
    if not _is_sequence(sizes) or len(sizes) == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of ints; got {_describe(sizes)}"
        )
    return np.array(
        [check_int(s, f"{name}[{i}]", minimum=1) for i, s in enumerate(sizes)]
    )


def _check_stds(cluster_std, k: int) -> np.ndarray:
    """``cluster_std`` as an array of ``k`` non-negative floats."""
    if _is_sequence(cluster_std):
        if len(cluster_std) != k:
            raise ValueError(
                f"cluster_std must be a float or a sequence of one float per cluster "
                f"({k}); got a sequence of length {len(cluster_std)}"
            )
        return np.array(
            [
                check_scalar(s, f"cluster_std[{i}]", minimum=0.0)
                for i, s in enumerate(cluster_std)
            ]
        )
    return np.full(k, check_scalar(cluster_std, "cluster_std", minimum=0.0))


def _shuffle(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    order = rng.permutation(X.shape[0])
    return np.ascontiguousarray(X[order]), y[order].astype(np.int64)


def _blob_centers(
    centers, sizes, center_box, rng: np.random.Generator
) -> np.ndarray:
    """``make_blobs``' centres: ``centers`` drawn uniformly in ``center_box`` (2-D) if an int.

    ``sizes`` (the cluster sizes, or None) must agree with their number.
    """
    if isinstance(centers, numbers.Integral) and not isinstance(
        centers, bool | np.bool_
    ):
        k = check_int(centers, "centers", minimum=1)
        if sizes is not None and k != sizes.size:
            raise ValueError(
                f"centers must equal the number of cluster sizes when n_samples is a sequence; "
                f"got centers={k} with {sizes.size} sizes"
            )
        if not _is_sequence(center_box) or len(center_box) != 2:
            raise ValueError(
                f"center_box must be a pair (low, high); got {_describe(center_box)}"
            )
        low = check_scalar(center_box[0], "center_box[0]")
        high = check_scalar(center_box[1], "center_box[1]")
        if not low < high:
            raise ValueError(
                f"center_box must have low < high; got ({low}, {high})"
            )
        if not np.isfinite(high - low):
            raise ValueError(
                f"center_box must have a width high - low within the float64 "
                f"range (about 1.8e308); got ({low}, {high})"
            )
        return rng.uniform(low, high, size=(k, 2))
    centers = check_array(centers, "centers")
    if sizes is not None and centers.shape[0] != sizes.size:
        raise ValueError(
            f"centers must have one row per cluster size; got {centers.shape[0]} centres and "
            f"{sizes.size} sizes"
        )
    return centers


def make_blobs(
    n_samples=300,
    centers=3,
    *,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    random_state=None,
):
    r"""Isotropic Gaussian blobs: cluster :math:`j` is :math:`\mathcal N(\mu_j, \sigma_j^2 I)`.

    Parameters
    ----------
    n_samples : int or sequence of int, default 300
        Total number of points, split as evenly as possible between the
        clusters (the first ``n_samples % k`` clusters get one point more),
        or the number of points of each cluster.
    centers : int or array_like of shape (k, d), default 3
        The number ``k`` of clusters, whose centres are then drawn uniformly
        in ``center_box`` in ``d = 2`` dimensions, or the centres themselves.
        With a sequence ``n_samples`` and an int ``centers``, the two must
        agree (``centers == len(n_samples)``).
    cluster_std : float or sequence of float, default 1.0
        Standard deviation of every cluster, or one per cluster.
    center_box : (float, float), default (-10, 10)
        Bounds of the random centres.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, d), float64
    y : ndarray of shape (n,), int64
        ``y[i]`` is the index of the centre point ``i`` was drawn around.
    centers : ndarray of shape (k, d), float64

    Examples
    --------
    >>> X, y, centers = make_blobs(10, 2, random_state=0)
    >>> X.shape, y.shape, centers.shape, np.bincount(y).tolist()
    ((10, 2), (10,), (2, 2), [5, 5])
    """
    rng = check_random_state(random_state)
    if _is_sequence(n_samples):
        sizes = _check_sizes(n_samples, "n_samples")
    else:
        sizes = None
        n_total = check_int(n_samples, "n_samples", minimum=1)
    centers = _blob_centers(centers, sizes, center_box, rng)
    k = centers.shape[0]
    if sizes is None:
        if n_total < k:
            raise ValueError(
                f"n_samples must be >= the number of centres ({k}); got {n_total}"
            )
        sizes = np.full(k, n_total // k)
        sizes[: n_total % k] += 1
    stds = _check_stds(cluster_std, k)
    y = np.repeat(np.arange(k), sizes)
    with np.errstate(over="ignore", invalid="ignore"):
        X = (
            centers[y]
            + rng.normal(size=(y.size, centers.shape[1])) * stds[y][:, None]
        )
    if not np.isfinite(X).all():
        raise ValueError(
            "cluster_std is too large for these centres: the points would "
            "overflow float64 (about 1.8e308)"
        )
    X, y = _shuffle(rng, X, y)
    return X, y, np.array(centers, dtype=np.float64)


def make_moons(n_samples=200, *, noise=0.0, random_state=None):
    r"""Two interleaved half circles, as scikit-learn's ``make_moons``.

    The upper moon (label 0, ``n // 2`` points) is :math:`(\cos t, \sin t)`,
    the lower one (label 1, the other points) is
    :math:`(1 - \cos t,\ 1/2 - \sin t)`, for ``t`` evenly spaced in
    :math:`[0, \pi]`; then Gaussian noise of standard deviation ``noise`` is
    added to every coordinate.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_moons(6, random_state=0)
    >>> X.shape, sorted(y.tolist())
    ((6, 2), [0, 0, 0, 1, 1, 1])
    """
    n = check_int(n_samples, "n_samples", minimum=2)
    noise = check_scalar(noise, "noise", minimum=0.0)
    rng = check_random_state(random_state)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffle(rng, X, y)


def make_circles(n_samples=200, *, noise=0.0, factor=0.5, random_state=None):
    r"""Two concentric circles, as scikit-learn's ``make_circles``.

    The outer circle (label 0, ``n // 2`` points) has radius 1, the inner
    one (label 1, the other points) radius ``factor``; angles are evenly
    spaced in :math:`[0, 2\pi)`. Gaussian noise of standard deviation
    ``noise`` is added to every coordinate. Both circles have the same
    mean, the origin, which is why no two centres can separate them.

    Parameters
    ----------
    factor : float in [0, 1), default 0.5
        Radius of the inner circle relative to the outer one.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    n = check_int(n_samples, "n_samples", minimum=2)
    noise = check_scalar(noise, "noise", minimum=0.0)
    factor = check_scalar(
        factor, "factor", minimum=0.0, maximum=1.0, include_maximum=False
    )
    rng = check_random_state(random_state)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffle(rng, X, y)


def make_anisotropic(
    n_samples=300,
    *,
    transformation=((0.6, -0.64), (-0.41, 0.85)),
    random_state=None,
):
    r"""Three blobs stretched and tilted by a linear map: :math:`x \mapsto x A`.

    The points of :func:`make_blobs` (``n_samples`` points, 3 centres, unit
    standard deviation) are multiplied on the right by the ``2 × 2`` matrix
    ``transformation`` (the default is scikit-learn's example
    "Demonstration of k-means assumptions"). Each cluster becomes a
    Gaussian with covariance :math:`A^\top A`, elongated and tilted, which
    the Euclidean distance of k-means does not see.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    A = check_array(transformation, "transformation")
    if A.shape != (2, 2):
        raise ValueError(
            f"transformation must be a 2 x 2 matrix; got shape {A.shape}"
        )
    X, y, _ = make_blobs(n_samples, 3, random_state=random_state)
    return X @ A, y


def make_unequal_sizes(
    sizes=(500, 50, 20), *, cluster_std=1.0, random_state=None
):
    r"""Blobs with very different numbers of points (default 500, 50 and 20).

    :func:`make_blobs` with ``n_samples=sizes`` and one random centre per
    size. k-means tends to split the big cluster and merge the small ones,
    because moving a centre into a big cluster lowers the inertia more.

    Returns
    -------
    X : ndarray of shape (sum(sizes), 2), float64
    y : ndarray of shape (sum(sizes),), int64
        ``np.bincount(y)`` equals ``sizes``.
    """
    sizes = _check_sizes(sizes, "sizes")
    X, y, _ = make_blobs(
        sizes, sizes.size, cluster_std=cluster_std, random_state=random_state
    )
    return X, y


def make_unequal_densities(
    n_samples=300, *, cluster_std=(0.5, 1.5, 3.0), random_state=None
):
    r"""Blobs with different spreads (default standard deviations 0.5, 1.5 and 3).

    :func:`make_blobs` with one random centre per entry of ``cluster_std``.
    k-means cuts between centres half way (the Voronoi boundary), so the
    wide cluster loses points to its tight neighbours; one ``eps`` of DBSCAN
    cannot suit all densities either.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
    """
    if not _is_sequence(cluster_std) or len(cluster_std) == 0:
        raise ValueError(
            f"cluster_std must be a non-empty sequence of floats; got {_describe(cluster_std)}"
        )
    X, y, _ = make_blobs(
        n_samples,
        len(cluster_std),
        cluster_std=cluster_std,
        random_state=random_state,
    )
    return X, y


def make_uniform_noise(
    n_samples=100, *, low=-10.0, high=10.0, n_features=2, random_state=None
):
    r"""Points drawn uniformly in the box :math:`[\text{low}, \text{high})^d`: no clusters.

    k-means still returns ``k`` clusters on such data; a method that can
    say "noise" (DBSCAN) or a criterion that can answer ``k = 1`` (the gap
    statistic) is needed to notice.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    d = check_int(n_features, "n_features", minimum=1)
    low = check_scalar(low, "low")
    high = check_scalar(high, "high")
    if not low < high:
        raise ValueError(f"low must be < high; got low={low}, high={high}")
    rng = check_random_state(random_state)
    return rng.uniform(low, high, size=(n, d))


def make_smiley(n_samples=400, *, noise=0.04, random_state=None):
    r"""A smiley face: a ring, two eyes and a mouth (four clusters, none a blob).

    Half of the points (label 0) lie on the unit circle, an eighth on each
    eye (labels 1 and 2: Gaussian spots of standard deviation 0.08 at
    :math:`(\mp 0.35, 0.35)`), and the rest (label 3) on the mouth, the arc
    of radius 0.55 about the origin from 200 to 340 degrees. The angles on
    the ring and the mouth are evenly spaced; then Gaussian noise of
    standard deviation ``noise`` is added to every coordinate. k-means with
    ``k = 4`` cuts the ring into pieces instead of finding the face's parts.

    Parameters
    ----------
    n_samples : int >= 4, default 400
        Number of points.
    noise : float >= 0, default 0.04
        Standard deviation of the noise added to every coordinate.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_smiley(8, random_state=0)
    >>> X.shape, np.bincount(y).tolist()
    ((8, 2), [4, 1, 1, 2])
    """
    n = check_int(n_samples, "n_samples", minimum=4)
    noise = check_scalar(noise, "noise", minimum=0.0)
    rng = check_random_state(random_state)
    n_ring, n_eye = n // 2, max(1, n // 8)
    n_mouth = n - n_ring - 2 * n_eye
    t_ring = np.linspace(0.0, 2 * np.pi, n_ring, endpoint=False)
    t_mouth = np.linspace(np.radians(200), np.radians(340), n_mouth)
    eyes = rng.normal(scale=0.08, size=(2 * n_eye, 2))
    eyes[:n_eye] += (-0.35, 0.35)
    eyes[n_eye:] += (0.35, 0.35)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_ring), np.sin(t_ring)]),
            eyes,
            0.55 * np.column_stack([np.cos(t_mouth), np.sin(t_mouth)]),
        ]
    )
    y = np.repeat([0, 1, 2, 3], [n_ring, n_eye, n_eye, n_mouth])
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffle(rng, X, y)


def make_blobs_with_noise(
    n_samples=300,
    centers=3,
    *,
    n_noise=60,
    cluster_std=1.0,
    center_box=(-10.0, 10.0),
    noise_box=(-12.0, 12.0),
    random_state=None,
):
    r"""Gaussian blobs (:func:`make_blobs`) plus points scattered uniformly: noise.

    The blobs are those of :func:`make_blobs` with the same arguments; then
    ``n_noise`` points are drawn uniformly in the square ``noise_box`` in
    every coordinate and labelled ``-1``, as DBSCAN labels noise, and the
    rows are shuffled. k-means must give every noise point to a cluster,
    which pulls its centres; DBSCAN can leave them out.

    Parameters
    ----------
    n_samples : int or sequence of int, default 300
        The points of the blobs (see :func:`make_blobs`).
    centers : int or array_like of shape (k, d), default 3
        As in :func:`make_blobs`.
    n_noise : int >= 0, default 60
        Number of noise points.
    cluster_std, center_box
        As in :func:`make_blobs`.
    noise_box : (float, float), default (-12, 12)
        Bounds ``(low, high)``, ``low < high``, of the noise in every
        coordinate.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_blobs + n_noise, d), float64
    y : ndarray of shape (n_blobs + n_noise,), int64
        The blob of every point, ``-1`` for the noise.

    Examples
    --------
    >>> X, y = make_blobs_with_noise(30, 3, n_noise=6, random_state=0)
    >>> X.shape, int((y == -1).sum()), sorted(set(y.tolist()))
    ((36, 2), 6, [-1, 0, 1, 2])
    """
    n_noise = check_int(n_noise, "n_noise", minimum=0)
    if not (_is_sequence(noise_box) and len(noise_box) == 2):
        raise ValueError(
            f"noise_box must be a pair (low, high); got {_describe(noise_box)}"
        )
    low = check_scalar(noise_box[0], "noise_box[0]")
    high = check_scalar(noise_box[1], "noise_box[1]")
    if not low < high:
        raise ValueError(f"noise_box must have low < high; got ({low}, {high})")
    rng = check_random_state(random_state)
    X, y, _ = make_blobs(
        n_samples,
        centers,
        cluster_std=cluster_std,
        center_box=center_box,
        random_state=rng,
    )
    spread = rng.uniform(low, high, size=(n_noise, X.shape[1]))
    X = np.vstack([X, spread])
    y = np.concatenate([y, np.full(n_noise, -1)])
    return _shuffle(rng, X, y)
