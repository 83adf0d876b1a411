r"""Choosing the number of clusters (Chapter 4).

k-means needs ``k`` before it starts, and its own objective cannot choose it:
the within-cluster sum of squares (WCSS)

.. math:: W_k = \sum_{i=1}^{n} \lVert x_i - c_{\ell_i} \rVert^2

only falls as ``k`` grows (it is 0 at ``k = n``). This module holds three
classic answers and two indices often quoted beside them:

- the **elbow** (:func:`elbow`): :math:`W_k` for a range of ``k``, to be
  plotted and read by eye where the curve stops falling steeply, or located
  by the knee rule (:func:`knee`);
- the **silhouette** (:func:`silhouette_samples`, :func:`silhouette_score`,
  Rousseeuw 1987): how much closer each point is to its own cluster than to
  the next one, averaged over the points;
- the **gap statistic** (:func:`gap_statistic`, Tibshirani, Walther & Hastie
  2001): how far :math:`\log W_k` falls below what data without clusters
  would give, with a rule that can answer ``k = 1`` ("no structure");
- the Calinski–Harabasz and Davies–Bouldin indices
  (:func:`calinski_harabasz_score`, :func:`davies_bouldin_score`).

The silhouette needs every pairwise distance, :math:`n^2` of them. They are
computed a block of rows at a time with the GEMM identity of
:mod:`kmlib._blocks` (``cluster_distance_sums``), reduced to per-cluster
sums at once, and dropped: no ``(n, n)`` matrix is ever held. All scores
equal scikit-learn's (``sklearn.metrics``) up to rounding.

Labels are cluster ids: integers of any values (``-1``, DBSCAN's noise, is an
ordinary cluster here, as in scikit-learn). Unlike scikit-learn, strings,
floats and booleans are refused with a ``TypeError``: a float label is
usually a mistake (a column of the wrong array), and
``np.unique(labels, return_inverse=True)[1]`` turns any labels into integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._blocks import (
    WORKING_MEMORY_BYTES,
    block_rows,
    centred_unit,
    row_blocks,
    safely_scaled,
    sq_dists,
    sq_norms,
)
from ._lloyd import kmeans
from ._validation import (
    _describe,
    check_array,
    check_int,
    check_labels,
    check_random_state,
)

__all__ = [
    "elbow",
    "knee",
    "silhouette_samples",
    "silhouette_score",
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "gap_statistic",
    "GapResult",
]


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def check_cluster_labels(
    labels, n_samples: int, name: str = "labels"
) -> tuple[np.ndarray, int]:
    """Encode integer ``labels`` as ``0..K-1`` and check ``2 <= K <= n - 1``.

    Returns the codes (ndarray of intp, shape ``(n,)``; code ``c`` is the
    ``c``-th smallest label) and ``K``.
    """
    array = check_labels(labels, n_samples, name)
    _, codes = np.unique(array, return_inverse=True)
    n_labels = int(codes.max()) + 1
    if not 2 <= n_labels <= n_samples - 1:
        raise ValueError(
            f"Number of labels is {n_labels}. Valid values are 2 to n_samples - 1 "
            f"(inclusive): {name} must name between 2 and {n_samples - 1} distinct "
            f"clusters for n_samples={n_samples}"
        )
    return codes.reshape(-1).astype(np.intp, copy=False), n_labels


def check_ks(ks, n_samples: int, name: str = "ks") -> np.ndarray:
    """``ks`` as a strictly increasing int array with ``1 <= k <= n_samples``."""
    if isinstance(ks, str) or not np.iterable(ks):
        raise TypeError(
            f"{name} must be a sequence of integers such as range(1, 11); got {_describe(ks)}"
        )
    values = list(ks)
    if not values:
        raise ValueError(
            f"{name} must contain at least one number of clusters; got {_describe(ks)}"
        )
    checked = [check_int(k, f"each k in {name}", minimum=1) for k in values]
    if max(checked) > n_samples:
        raise ValueError(
            f"each k in {name} must be <= the number of samples ({n_samples}); got k={max(checked)}"
        )
    if any(b <= a for a, b in zip(checked, checked[1:], strict=False)):
        raise ValueError(f"{name} must be strictly increasing; got {checked}")
    return np.asarray(checked, dtype=np.intp)


def check_reference(reference) -> str:
    """``reference`` if it is ``"uniform"`` or ``"pca"``, else ``ValueError``."""
    if not isinstance(reference, str) or reference not in ("uniform", "pca"):
        raise ValueError(
            f'reference must be "uniform" or "pca"; got {_describe(reference)}'
        )
    return reference


def check_fewer_clusters_than_points(X: np.ndarray, ks: np.ndarray) -> None:
    r"""``ValueError`` unless every ``k`` is below the number of distinct rows of ``X``.

    With as many clusters as distinct points, :math:`W_k = 0` and
    :math:`\log W_k` is undefined.
    """
    n_distinct = np.unique(X, axis=0).shape[0]
    if ks[-1] >= n_distinct:
        raise ValueError(
            f"each k in ks must be smaller than the number of distinct points of X "
            f"({n_distinct}), or W_k = 0 and log W_k is undefined; got k={int(ks[-1])}"
        )


def _sorted_by_cluster(X: np.ndarray, codes: np.ndarray, n_labels: int):
    """Rows of ``X`` grouped by cluster (stable order), and where each group starts."""
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=n_labels)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return order, X[order], codes[order], sizes, starts


# ---------------------------------------------------------------------------
# Elbow
# ---------------------------------------------------------------------------


def elbow(X, ks, **kmeans_kwargs) -> np.ndarray:
    r"""The WCSS (inertia) of k-means for each ``k`` in ``ks``.

    .. math:: W_k = \min_{\text{run}} \sum_i \lVert x_i - c_{\ell_i} \rVert^2

    as found by :func:`kmlib.kmeans` (a local optimum, the best of its
    ``n_init`` runs). Plotted against ``k``, the curve falls steeply while
    ``k`` splits real clusters and slowly once it splits clusters in two; the
    bend, if there is one, is the "elbow".

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    ks : sequence of int
        Strictly increasing numbers of clusters, each ``1 <= k <= n``.
    **kmeans_kwargs
        Passed to :func:`kmlib.kmeans` (``init``, ``n_init``, ``max_iter``,
        ``tol``, ``random_state``). A ``random_state`` given as an int seeds
        every ``k`` the same way; a ``Generator`` is shared and advances.

    Returns
    -------
    ndarray of shape (len(ks),), float64
        ``W_k`` for each ``k`` in ``ks``.

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> elbow(X, [1, 2, 4], random_state=0).round(6).tolist()
    [101.0, 1.0, 0.0]
    """
    X = check_array(X, "X")
    ks = check_ks(ks, X.shape[0])
    wcss = [kmeans(X, int(k), **kmeans_kwargs).inertia for k in ks]
    return np.array(wcss, dtype=np.float64)


def knee(x, y) -> int:
    r"""The knee of a falling curve: the index of its point farthest below the chord.

    With both axes scaled to ``[0, 1]``,
    :math:`\hat x_i = (x_i - x_0) / (x_{n-1} - x_0)` and
    :math:`\hat y_i = (y_i - \min y) / (\max y - \min y)`, the chord from the
    first point to the last is the line :math:`\hat x + \hat y = 1` (for a
    curve that falls from its maximum to its minimum), and the knee is the
    point with the largest :math:`1 - \hat x_i - \hat y_i`, the first one on
    ties. Chapter 4 reads it off the elbow curve (``x`` = the values of
    ``k``, ``y`` = the WCSS), Chapter 5 off the sorted k-distances (``x`` =
    their ranks) to choose DBSCAN's ``eps``.

    Parameters
    ----------
    x : array_like of shape (n,)
        Strictly increasing positions, ``n >= 2``.
    y : array_like of shape (n,)
        The curve's values there, not all equal.

    Returns
    -------
    int
        The index ``i`` of the knee (``x[i]`` is its position).

    Examples
    --------
    >>> knee([1, 2, 3, 4, 5], [100.0, 30.0, 20.0, 15.0, 12.0])
    1
    """
    x = check_array(x, "x", ndim=1, min_rows=2)
    y = check_array(y, "y", ndim=1)
    if y.shape != x.shape:
        raise ValueError(
            f"x and y must have the same length; got {x.shape[0]} and {y.shape[0]}"
        )
    if not np.all(np.diff(x) > 0):
        raise ValueError("x must be strictly increasing")
    if not y.max() > y.min():
        raise ValueError(f"y must not be constant; every value is {y[0]:g}")
    x_scaled = (x - x[0]) / (x[-1] - x[0])
    y_scaled = (y - y.min()) / (y.max() - y.min())
    return int(np.argmax(1.0 - x_scaled - y_scaled))


# ---------------------------------------------------------------------------
# Silhouette
# ---------------------------------------------------------------------------


def cluster_distance_sums(
    X: np.ndarray, clusters: np.ndarray, n_clusters: int, chunk_size=None
):
    r"""The sums of the distances from every point to every cluster, a block of points at a time.

    Yields ``(block, sums)``: ``block`` holds the indices of a block of
    points (each point is in exactly one block), and ``sums``, of shape
    ``(len(block), K)``, their sums of distances to each cluster,

    .. math:: \mathrm{sums}[r, c] = \sum_{j \,:\, \ell_j = c} d(x_{\mathrm{block}[r]}, x_j) .

    A block has ``chunk_size`` points, by default as many as keep its
    distances within :data:`kmlib._blocks.WORKING_MEMORY_BYTES` (16 MiB). The
    points are taken grouped by cluster (a stable sort of ``clusters``, the
    codes ``0 .. K-1``), so that one ``np.add.reduceat`` sums a block's
    distances cluster by cluster. Their squares come from the GEMM identity
    (:func:`kmlib._blocks.sq_dists`, clipped at 0); each point's distance to
    itself is set to exactly 0, whatever the rounding; then square roots.

    Every distance serves two points, :math:`d(x_i, x_j) = d(x_j, x_i)`. So
    when the partial sums of all the points, an ``(n, K)`` array, fit the
    working memory too, a block is compared only with itself and the points
    after it, and the same distances, summed over the block's clusters, are
    added to the sums of those later points: half the work, and a point's
    sums are complete when its block comes. With more clusters than that,
    each block is compared with all ``n`` points. The two ways add the same
    distances in different orders: their sums agree up to rounding.

    Centre ``X`` first: a translation changes no distance, and near the
    origin the identity loses less to cancellation.
    """
    n = X.shape[0]
    order, points, codes, sizes, starts = _sorted_by_cluster(
        X, clusters, n_clusters
    )
    ends = starts + sizes
    norms = sq_norms(points)
    refine = far_from_origin(points, starts, sizes)
    symmetric = 8 * n * n_clusters <= WORKING_MEMORY_BYTES
    partial = np.zeros((n, n_clusters)) if symmetric else None
    for block in row_blocks(n, block_rows(n, n, chunk_size)):
        start, stop = block.start, block.stop
        first = start if symmetric else 0  # the first point compared
        distances = sq_dists(points[block], points[first:], norms[first:])
        if refine:  # clusters far from the origin: close pairs from x - y
            refine_close_pairs(distances, points, block, first, norms)
        m = stop - start
        distances[np.arange(m), np.arange(start - first, stop - first)] = 0.0
        np.sqrt(distances, out=distances)
        c0 = codes[first]  # the clusters from c0 on meet the points compared
        sums = np.add.reduceat(
            distances, np.maximum(starts[c0:] - first, 0), axis=1
        )
        if symmetric:
            partial[block, c0:] += sums
            sums = partial[block]
            for c in range(
                c0, codes[stop - 1] + 1
            ):  # the clusters of the block
                of_c = slice(
                    max(starts[c], start) - start, min(ends[c], stop) - start
                )
                partial[stop:, c] += distances[of_c, m:].sum(axis=0)
        del distances  # before the next block is allocated
        yield order[block], sums


#: Pairs closer than this many times the GEMM identity's rounding bound are
#: measured again from their differences (relative error below 2**-40).
CLOSE_PAIR_FACTOR = 2.0**40


def far_from_origin(points, starts, sizes) -> bool:
    """Whether some cluster sits far from the origin for its size.

    Then the GEMM identity's cancellation (about ``2**-53`` of the squared
    norms) would show in its own distances: farther than ``2**15`` of its
    radius (``2**-23`` relative error in a squared distance).
    """
    for start, size in zip(starts, sizes, strict=True):
        cluster = points[start : start + size]
        mean = cluster.mean(axis=0)
        radius = np.sqrt(sq_norms(cluster - mean).max())
        if radius > 0 and np.sqrt(mean @ mean) > 2.0**15 * radius:
            return True
    return False


def refine_close_pairs(distances, points, block, first, norms) -> None:
    """Recompute from differences the squared distances the identity cannot resolve.

    ``distances[r, c]`` is the GEMM identity's value for the points
    ``block.start + r`` and ``first + c``; where it is below
    :data:`CLOSE_PAIR_FACTOR` times the identity's rounding bound
    :math:`(8d + 32)\\,u\\,(\\lVert x\rVert^2 + \\lVert y\rVert^2)`, it is
    replaced by :math:`\\sum_j (x_j - y_j)^2` (in bounded chunks of pairs).
    """
    d = points.shape[1]
    bound = (8 * d + 32) * 2.0**-53 * CLOSE_PAIR_FACTOR
    threshold = bound * (norms[block][:, None] + norms[first:][None, :])
    rows, cols = np.nonzero(distances < threshold)
    del threshold
    step = max(1, WORKING_MEMORY_BYTES // (8 * d))
    for lo in range(0, rows.size, step):
        r, c = rows[lo : lo + step], cols[lo : lo + step]
        diff = points[block.start + r] - points[first + c]
        distances[r, c] = np.einsum("ij,ij->i", diff, diff)


def silhouette_samples(X, labels, *, chunk_size=None) -> np.ndarray:
    r"""The silhouette of every point (Rousseeuw, 1987).

    For a point :math:`i` in cluster :math:`C` (with Euclidean distances
    :math:`d`):

    .. math::

        a(i) = \frac{1}{|C| - 1} \sum_{j \in C,\, j \ne i} d(i, j), \qquad
        b(i) = \min_{C' \ne C} \frac{1}{|C'|} \sum_{j \in C'} d(i, j),

        s(i) = \frac{b(i) - a(i)}{\max\{a(i),\, b(i)\}} \in [-1, 1].

    :math:`s(i)` near 1: the point sits well inside its cluster; near 0: on the
    border of two; negative: closer on average to another cluster. A point
    alone in its cluster gets :math:`s(i) = 0`, and so does a point with
    :math:`a(i) = b(i) = 0` (exactly as scikit-learn's ``silhouette_samples``,
    which this function equals up to rounding).

    Both means come from the sums of distances from each point to each
    cluster (``cluster_distance_sums``), computed on the data centred and
    scaled by a power of two (neither changes any :math:`s(i)`; near the
    origin the GEMM identity loses less to cancellation, and at about 1 no
    square overflows or underflows). When a cluster sits far from the
    origin for its size, the pairs the identity cannot resolve are measured
    again from their differences (``refine_close_pairs``). They are summed
    ``chunk_size`` rows at a time (by default as many as fit
    ``kmlib._blocks.WORKING_MEMORY_BYTES``, 16 MiB): memory grows like
    ``n``, not ``n**2``, and time like :math:`n^2 d`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    labels : array_like of int, shape (n,)
        The cluster of each point; any integer values. There must be between
        2 and ``n - 1`` distinct labels.
    chunk_size : int, optional
        Rows of the distance matrix held at once. The result does not depend
        on it beyond rounding.

    Returns
    -------
    ndarray of shape (n,), float64
        :math:`s(i)` for each point, in the order of ``X``.

    Raises
    ------
    TypeError
        If ``labels`` are not integers (strings, floats, booleans).
    ValueError
        If ``labels`` has the wrong length, contains NaN, or names fewer than
        2 or more than ``n - 1`` clusters; if ``X`` has NaN or infinity.

    Examples
    --------
    >>> X = [[0.0], [1.0], [5.0], [6.0], [20.0]]
    >>> silhouette_samples(X, [0, 0, 1, 1, 2]).round(4).tolist()
    [0.8182, 0.7778, 0.7778, 0.8182, 0.0]
    """
    X = check_array(X, "X")
    n = X.shape[0]
    clusters, n_clusters = check_cluster_labels(labels, n)
    if chunk_size is not None:
        chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
    sizes = np.bincount(clusters).astype(np.float64)  # |C| for each cluster
    # A translation or a scaling changes no s(i); near the origin the GEMM
    # identity loses less, and at about 1 no square overflows: centre, scale.
    X = centred_unit(X)
    a, b = np.zeros(n), np.zeros(n)
    blocks = cluster_distance_sums(X, clusters, n_clusters, chunk_size)
    for block, sums in blocks:  # sums[i, c]: sum of d(i, j) over j in c
        own = clusters[block]
        rows = np.arange(len(own))
        # a: the mean distance to the other points of the own cluster
        a[block] = sums[rows, own] / np.maximum(sizes[own] - 1, 1)
        # b: the smallest mean distance to another cluster
        means = sums / sizes
        means[rows, own] = np.inf
        b[block] = means.min(axis=1)
    s = np.zeros(n)
    # s = 0 for a point alone in its cluster, and where a = b = 0
    defined = (sizes[clusters] > 1) & (np.maximum(a, b) > 0)
    s[defined] = (b - a)[defined] / np.maximum(a, b)[defined]
    return s


def silhouette_score(X, labels, *, chunk_size: int | None = None) -> float:
    r"""The mean silhouette over all points, :math:`\bar s = \frac1n \sum_i s(i)`.

    The higher, the better separated the clusters; comparing it across ``k``
    is one way to choose ``k``. See :func:`silhouette_samples` for the
    definition, the parameters and the errors.

    Examples
    --------
    >>> X = [[0.0], [1.0], [5.0], [6.0], [20.0]]
    >>> round(silhouette_score(X, [0, 0, 1, 1, 2]), 4)
    0.6384
    """
    return float(np.mean(silhouette_samples(X, labels, chunk_size=chunk_size)))


# ---------------------------------------------------------------------------
# Calinski-Harabasz and Davies-Bouldin
# ---------------------------------------------------------------------------


def _cluster_means(X, labels, centre=True):
    X = check_array(X, "X")
    codes, n_labels = check_cluster_labels(labels, X.shape[0])
    # CH and DB are ratios: a translation or a scaling changes neither. DB
    # is only scaled (exactly): equal means must stay equal (they count 0).
    X = centred_unit(X) if centre else safely_scaled(X)[0]
    _, Xs, codes_s, sizes, starts = _sorted_by_cluster(X, codes, n_labels)
    means = np.add.reduceat(Xs, starts, axis=0) / sizes[:, None]
    return Xs, codes_s, sizes, starts, means


def calinski_harabasz_score(X, labels) -> float:
    r"""The Calinski–Harabasz index (variance ratio criterion).

    With :math:`K` clusters of sizes :math:`n_k` and means :math:`\mu_k`, and
    :math:`\mu` the mean of all :math:`n` points:

    .. math::

        CH = \frac{\sum_k n_k \lVert \mu_k - \mu \rVert^2 / (K - 1)}
                  {\sum_k \sum_{x \in C_k} \lVert x - \mu_k \rVert^2 / (n - K)} ,

    between-cluster over within-cluster dispersion, each per degree of
    freedom; higher is better. It is 1.0 when the within-cluster dispersion
    is 0, as in scikit-learn, whose value this equals up to rounding.

    Parameters
    ----------
    X : array_like of shape (n, d)
    labels : array_like of int, shape (n,)
        Between 2 and ``n - 1`` distinct integer labels.

    Returns
    -------
    float

    Examples
    --------
    >>> round(calinski_harabasz_score([[0.0], [1.0], [5.0], [6.0]], [0, 0, 1, 1]), 6)
    50.0
    """
    Xs, codes_s, sizes, _, means = _cluster_means(X, labels)
    n, n_labels = Xs.shape[0], means.shape[0]
    mean = Xs.mean(axis=0)
    between = float(np.sum(sizes * np.sum((means - mean) ** 2, axis=1)))
    within = float(np.sum((Xs - means[codes_s]) ** 2))
    if within == 0.0:
        return 1.0
    return between * (n - n_labels) / (within * (n_labels - 1.0))


def davies_bouldin_score(X, labels) -> float:
    r"""The Davies–Bouldin index (Davies & Bouldin, 1979).

    With :math:`s_k` the mean distance from the points of cluster :math:`k`
    to its mean :math:`\mu_k`:

    .. math:: DB = \frac1K \sum_{k} \max_{j \ne k}
              \frac{s_k + s_j}{\lVert \mu_k - \mu_j \rVert} ,

    the average over clusters of the worst "spread over separation" ratio with
    another cluster; lower is better, 0 is the minimum. As in scikit-learn
    (whose value this equals up to rounding), a pair of clusters with the same
    mean contributes 0, and the index is 0.0 when every :math:`s_k` is 0 or
    every pair of means coincides. (scikit-learn tests these with
    ``np.allclose``, an absolute tolerance of 1e-8; kmlib tests for exact 0,
    so that the index does not depend on the units of ``X``.)

    Parameters
    ----------
    X : array_like of shape (n, d)
    labels : array_like of int, shape (n,)
        Between 2 and ``n - 1`` distinct integer labels.

    Returns
    -------
    float

    Examples
    --------
    >>> round(davies_bouldin_score([[0.0], [1.0], [5.0], [6.0]], [0, 0, 1, 1]), 6)
    0.2
    """
    Xs, codes_s, sizes, starts, means = _cluster_means(X, labels, centre=False)
    diff = Xs - means[codes_s]
    to_mean = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    spread = np.add.reduceat(to_mean, starts) / sizes
    centre_diff = means[:, None, :] - means[None, :, :]  # (K, K, d): K is small
    separation = np.sqrt(np.einsum("ijk,ijk->ij", centre_diff, centre_diff))
    if not spread.any() or not separation.any():
        return 0.0
    separation[separation == 0] = np.inf  # the diagonal, and coinciding means
    ratio = (spread[:, None] + spread[None, :]) / separation
    return float(np.mean(ratio.max(axis=1)))


# ---------------------------------------------------------------------------
# Gap statistic
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GapResult:
    r"""What :func:`gap_statistic` computed, one entry per ``k`` in ``ks``.

    Attributes
    ----------
    ks : ndarray of int
        The numbers of clusters tried.
    log_w : ndarray
        :math:`\log W_k` of the data.
    ref_log_w_mean : ndarray
        :math:`\frac1B \sum_b \log W^*_{kb}` over the ``B`` reference data sets.
    gap : ndarray
        :math:`\mathrm{Gap}(k)` = ``ref_log_w_mean - log_w``.
    s_k : ndarray
        :math:`s_k = \mathrm{sd}_k \sqrt{1 + 1/B}`, never negative.
    best_k : int
        The ``k`` chosen by Tibshirani's rule.
    """

    ks: np.ndarray
    log_w: np.ndarray
    ref_log_w_mean: np.ndarray
    gap: np.ndarray
    s_k: np.ndarray
    best_k: int


#: log 2, to move log W_k back to the data's units after scaling by 2**e.
LN2 = float(np.log(2.0))


def reference_sampler(X: np.ndarray, reference: str):
    """A function ``rng -> Z`` drawing one reference data set shaped like ``X``.

    ``"uniform"``: uniform over the range of each feature of ``X`` (the
    paper's (a)). ``"pca"``: uniform over the box of ``X``'s principal
    components (centre ``X``, take its SVD ``X = U D V^T``, draw uniformly over
    the ranges of ``X V`` and rotate back), the paper's (b).
    """
    if reference == "uniform":
        low, high = X.min(axis=0), X.max(axis=0)
        return lambda rng: rng.uniform(low, high, size=X.shape)
    mean = X.mean(axis=0)
    _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
    rotated = (X - mean) @ vt.T
    low, high = rotated.min(axis=0), rotated.max(axis=0)
    return lambda rng: rng.uniform(low, high, size=rotated.shape) @ vt + mean


def log_wcss(
    data: np.ndarray, ks: np.ndarray, what: str, **kmeans_kwargs
) -> np.ndarray:
    r""":math:`\log W_k` of ``data`` for each ``k`` in ``ks``, one :func:`kmlib.kmeans` each.

    ``kmeans_kwargs`` go to every run. ``ValueError`` if some :math:`W_k` is
    0 (``what`` names the data in the message): its log is undefined.
    """
    wcss = np.array([kmeans(data, int(k), **kmeans_kwargs).inertia for k in ks])
    if not np.all(wcss > 0):
        k = int(ks[np.argmin(wcss > 0)])
        raise ValueError(
            f"W_k = 0 for k={k} on {what}: in float64 it has at most {k} distinct "
            f"points, so log W_k is undefined; use smaller ks"
        )
    return np.log(wcss)


def frozen(*arrays: np.ndarray) -> None:
    """Make ``arrays`` read-only (a frozen result's arrays are frozen too)."""
    for array in arrays:
        array.flags.writeable = False


def gap_statistic(
    X,
    ks,
    *,
    n_refs: int = 10,
    reference: str = "uniform",
    random_state=None,
    **kmeans_kwargs,
) -> GapResult:
    r"""The gap statistic of Tibshirani, Walther & Hastie (2001).

    Let :math:`W_k` be the WCSS of k-means with ``k`` clusters. The gap
    compares :math:`\log W_k` with its mean over ``B = n_refs`` reference data
    sets :math:`Z_1, \dots, Z_B` drawn without clusters:

    .. math::

        \mathrm{Gap}(k) = \frac1B \sum_{b=1}^{B} \log W^*_{kb} - \log W_k ,
        \qquad
        s_k = \sqrt{1 + 1/B}\; \Bigl[\tfrac1B \textstyle\sum_b
              (\log W^*_{kb} - \bar l_k)^2\Bigr]^{1/2}

        \hat k = \text{the smallest } k \text{ with }
                 \mathrm{Gap}(k) \ge \mathrm{Gap}(k+1) - s_{k+1} .

    ``k + 1`` is the next entry of ``ks`` (use consecutive ``ks``, such as
    ``range(1, 11)``, for the paper's rule). If no ``k`` passes the test, the
    largest is returned (as R's ``cluster::maxSE``). Start ``ks`` at 1 so that
    "no cluster structure" can be the answer. :math:`W_k` here is the WCSS,
    the paper's :math:`W_k` with squared Euclidean distances (R's
    ``clusGap`` uses plain distances by default; its ``SE.sim`` also divides
    by ``B - 1``, the paper by ``B`` as here).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    ks : sequence of int
        Strictly increasing numbers of clusters, each ``1 <= k`` and ``k``
        smaller than the number of distinct points of ``X`` (else
        :math:`W_k = 0` and its log is undefined).
    n_refs : int, default 10
        ``B``, the number of reference data sets.
    reference : {"uniform", "pca"}, default "uniform"
        How references are drawn: uniformly over the range of each feature
        (the paper's (a)), or uniformly over a box aligned with the principal
        components of ``X`` (the paper's (b): centre ``X``, take its SVD
        ``X = U D V^T``, draw uniformly over the ranges of ``X V`` and rotate
        back), which follows the shape of the data.
    random_state : None, int or numpy.random.Generator
        Seeds the references and every k-means run; the same int gives the
        same result.
    **kmeans_kwargs
        Passed to :func:`kmlib.kmeans` (``init``, ``n_init``, ``max_iter``,
        ``tol``) for the data and the references alike.

    Returns
    -------
    GapResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> blob = rng.normal(0, 0.3, (30, 2))
    >>> X = np.vstack([blob, rng.normal(5, 0.3, (30, 2))])
    >>> gap_statistic(X, range(1, 5), random_state=0).best_k
    2
    """
    X = check_array(X, "X")
    ks = check_ks(ks, X.shape[0])
    n_refs = check_int(n_refs, "n_refs", minimum=1)
    X, e = safely_scaled(X)  # huge or tiny: by 2**e; log W_k moves by -2e ln 2
    draw_reference = reference_sampler(X, check_reference(reference))
    check_fewer_clusters_than_points(X, ks)
    rng = check_random_state(random_state)

    def log_w_of(data, what):  # log W_k for each k in ks, by k-means
        return log_wcss(data, ks, what, random_state=rng, **kmeans_kwargs)

    # 1. log W_k of the data
    log_w = log_w_of(X, "X")
    # 2. log W*_kb of B = n_refs reference data sets, drawn from the null
    refs = (draw_reference(rng) for _ in range(n_refs))
    ref_log_w = np.array([log_w_of(Z, "a reference data set") for Z in refs])
    # 3. Gap(k), and s_k (the sd with ddof=0, as in the paper)
    ref_log_w_mean = ref_log_w.mean(axis=0)
    gap = ref_log_w_mean - log_w
    log_w, ref_log_w_mean = log_w - 2 * e * LN2, ref_log_w_mean - 2 * e * LN2
    s_k = ref_log_w.std(axis=0) * np.sqrt(1.0 + 1.0 / n_refs)
    # 4. the smallest k with Gap(k) >= Gap(k+1) - s_{k+1}, else the largest
    passes = gap[:-1] >= gap[1:] - s_k[1:]
    best_k = int(ks[np.argmax(passes)]) if passes.any() else int(ks[-1])
    frozen(ks, log_w, ref_log_w_mean, gap, s_k)
    return GapResult(ks, log_w, ref_log_w_mean, gap, s_k, best_k)
