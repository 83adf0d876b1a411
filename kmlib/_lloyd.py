r"""Lloyd's algorithm and the k-means estimator (Chapter 2).

k-means looks for ``k`` centres :math:`c_1, \dots, c_k` and an assignment
:math:`\ell_i` of every point to a centre that minimise the within-cluster
sum of squares (WCSS, scikit-learn's *inertia*)

.. math:: J(C, \ell) = \sum_{i=1}^{n} \lVert x_i - c_{\ell_i} \rVert^2 .

Lloyd's algorithm (Lloyd, 1982) alternates the two steps that each minimise
``J`` over one half of the unknowns with the other half fixed:

1. **assign** every point to its nearest centre (:func:`assign`);
2. **update** every centre to the mean of its points (:func:`update`),
   because :math:`\sum_{x \in S} \lVert x - m \rVert^2 = \sum_{x \in S}
   \lVert x - \bar x_S \rVert^2 + |S|\,\lVert \bar x_S - m \rVert^2`
   is smallest at :math:`m = \bar x_S`.

Neither step can increase ``J``, and there are finitely many assignments, so
the algorithm stops at a local optimum.

The stopping rules, the handling of empty clusters and the iteration count
are scikit-learn's (``KMeans(algorithm="lloyd")``), so that from the same
initial centres kmlib and scikit-learn give the same labels, the same
``n_iter`` and the same inertia up to rounding:

- ``tol`` is relative: the run stops when the sum over centres of the squared
  shifts :math:`\sum_j \lVert c_j^{new} - c_j \rVert^2` is at most
  ``tol`` times the mean variance of the features;
- it stops at once when the labels are the same as in the previous iteration
  ("strict convergence"); otherwise (``tol`` stop or ``max_iter`` reached) one
  final assignment step runs, so the returned labels are always the nearest
  centres of the returned centres;
- like scikit-learn, the loop runs on the data minus its column means (the
  centres are shifted back at the end). The assignment step screens the
  points in single precision and settles the close calls in double
  precision on blocks of 256 rows, rounded as scikit-learn rounds them
  (:func:`kmlib._distance._nearest_labels`). This changes nothing in exact
  arithmetic; it makes exact ties (frequent with integer data such as the
  digits) break the same way as in scikit-learn.

Two deliberate differences, which only matter with duplicate points and
empty clusters (never on the data sets of the book's oracle tests):

- labels unchanged count as convergence only if no empty cluster was
  re-seeded in that iteration. scikit-learn stops there too, and then
  returns labels that do not describe its re-seeded centres (its inertia can
  even grow); kmlib goes on, so that WCSS never increases.
- "every point sits exactly on its centre, nothing to re-seed" is judged up
  to the rounding of a mean, not with ``== 0``.

Weights. Every function takes an optional ``sample_weight`` :math:`w_i \ge 0`
(scikit-learn's ``sample_weight``; ``None`` means all 1 and gives exactly the
unweighted results). The objective becomes
:math:`J = \sum_i w_i \lVert x_i - c_{\ell_i} \rVert^2`, the update step
takes weighted means, a cluster is empty when its weight is 0, and a point
moved into an empty cluster brings its weight. With integer weights this is
k-means on the data with row ``i`` repeated :math:`w_i` times (same
iterates, same inertia), without the copies: :func:`kmlib._quantize.quantize`
clusters the distinct colours of an image weighted by their pixel counts.
As in scikit-learn, the centring and ``tol`` use the *unweighted* mean and
variance of ``X``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._distance import _nearest_labels, _screen_points, nearest, pairwise_sq_dists
from ._seeding import _kmeans_plusplus, _random_init
from ._validation import (
    check_array,
    check_int,
    check_labels,
    check_matching_width,
    check_n_clusters,
    check_random_state,
    check_sample_weight,
    check_scalar,
)

__all__ = [
    "ConvergenceWarning",
    "NotFittedError",
    "IterationRecord",
    "KMeansResult",
    "assign",
    "update",
    "inertia",
    "lloyd",
    "kmeans",
    "KMeans",
]


class ConvergenceWarning(UserWarning):
    """k-means found fewer distinct clusters than it was asked for."""


class NotFittedError(ValueError, AttributeError):
    """A :class:`KMeans` method that needs a fitted model was called before ``fit``."""


@dataclass(frozen=True)
class IterationRecord:
    """One iteration of Lloyd's algorithm, as drawn by the animations.

    Attributes
    ----------
    centers : ndarray of shape (k, d)
        The centres at the *start* of the iteration.
    labels : ndarray of shape (n,)
        The assignment of every point to its nearest centre among ``centers``.
    inertia : float
        The WCSS of that assignment with those centres.
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float


@dataclass(frozen=True)
class KMeansResult:
    """The outcome of :func:`lloyd` or :func:`kmeans`.

    Attributes
    ----------
    centers : ndarray of shape (k, d), float64
        The final centres.
    labels : ndarray of shape (n,), int
        The final assignment; ``labels[i]`` is the nearest centre of ``X[i]``.
    inertia : float
        The WCSS :math:`\\sum_i \\lVert x_i - c_{\\ell_i} \\rVert^2` of the final
        centres and labels.
    n_iter : int
        Iterations run (scikit-learn's ``n_iter_``).
    converged : bool
        ``True`` if a stopping rule fired (labels unchanged, or centre shift
        within ``tol``), ``False`` if ``max_iter`` was reached first.
    history : list of IterationRecord or None
        With ``record=True``, one record per iteration; otherwise ``None``.
        ``history[i + 1].centers`` are the means computed from
        ``history[i].labels`` (after re-seeding any empty cluster).
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    history: list[IterationRecord] | None = None


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _check_centers(centers, X: np.ndarray, name: str) -> np.ndarray:
    centers = check_array(centers, name)
    check_matching_width(X, centers, "X", name)
    return centers


def _check_labels(labels, n_samples: int, k: int, name: str = "labels") -> np.ndarray:
    array = check_labels(labels, n_samples, name)
    if n_samples and (array.min() < 0 or array.max() >= k):
        raise ValueError(
            f"{name} must lie in [0, {k - 1}] for k={k}; got values from {array.min()} to {array.max()}"
        )
    return array


def _check_tol(tol) -> float:
    return check_scalar(tol, "tol", minimum=0.0)


def _tolerance(X: np.ndarray, tol: float) -> float:
    """scikit-learn's absolute tolerance: ``tol`` times the mean feature variance.

    Unweighted even when the fit has weights, as scikit-learn's ``_tolerance``.
    """
    if tol == 0.0:
        return 0.0
    return float(np.mean(np.var(X, axis=0)) * tol)


# ---------------------------------------------------------------------------
# The two steps
# ---------------------------------------------------------------------------


def assign(X, centers) -> np.ndarray:
    r"""Assignment step: the index of the nearest centre of every point.

    .. math:: \ell_i = \operatorname*{arg\,min}_j \lVert x_i - c_j \rVert^2

    Ties go to the lowest index. Memory stays bounded (see :func:`kmlib.nearest`).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    centers : array_like of shape (k, d)
        The centres.

    Returns
    -------
    ndarray of shape (n,), int

    Examples
    --------
    >>> assign([[0, 0], [4, 4], [1, 1]], [[0, 0], [5, 5]])
    array([0, 1, 0])
    """
    X = check_array(X, "X")
    centers = _check_centers(centers, X, "centers")
    return nearest(X, centers)[0]


def _update(
    X: np.ndarray,
    labels: np.ndarray,
    k: int,
    centers: np.ndarray | None,
    features: np.ndarray | None = None,
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, bool]:
    """Means of the clusters, empty ones re-seeded as scikit-learn does (validated input).

    ``features`` is ``X.T`` as a contiguous array (one row per feature), times
    ``sample_weight`` if there are weights; Lloyd's loop makes it once, since
    summing a contiguous row is several times faster than summing a strided
    column of ``X``. Without weights no multiplication by ones is done.

    Returns the new centres and whether any point was moved into an empty cluster
    (then ``labels`` no longer describe the new clusters until the next assignment).
    """
    n, d = X.shape
    w = sample_weight
    if features is None:
        features = np.ascontiguousarray(X.T)  # a view of X when d = 1: never write to it
        if w is not None:
            features = features * w  # a new contiguous array
    if w is None:
        counts = np.bincount(labels, minlength=k).astype(np.float64)
    else:  # the weight of every cluster
        counts = np.bincount(labels, weights=w, minlength=k)
    sums = np.empty((k, d), dtype=np.float64)
    for j in range(d):  # d passes of O(n) in index order, no (n, k) one-hot matrix
        sums[:, j] = np.bincount(labels, weights=features[j], minlength=k)

    empty = np.flatnonzero(counts == 0)
    relocated = False
    if empty.size:
        if centers is None:  # distance of each point to its own cluster's mean
            own = sums[labels] / counts[labels][:, None]
        else:  # ... to its own (old) centre, as scikit-learn
            own = np.take(centers, labels, axis=0)
        diff = X - own
        distances = np.einsum("ij,ij->i", diff, diff)
        if w is not None:  # a point of weight 0 cannot fill a cluster
            distances[w == 0] = 0.0
        # Every point on its centre (zero up to the rounding of a mean) means
        # fewer distinct points than clusters: relocating is pointless.
        # (scikit-learn tests == 0, which rounding can miss.)
        rounding = d * (n * np.finfo(np.float64).eps * np.abs(X).max()) ** 2
        if distances.max() > rounding:
            n_empty = empty.size
            # scikit-learn's exact choice: the n_empty farthest points.
            far = np.argpartition(distances, -n_empty)[: -n_empty - 1 : -1]
            for new_id, point in zip(empty, far, strict=True):
                old_id = labels[point]
                weight = 1.0 if w is None else w[point]  # the point brings its weight
                moved = X[point] if w is None else X[point] * weight
                sums[old_id] -= moved
                counts[old_id] -= weight
                sums[new_id] = moved
                counts[new_id] = weight
            relocated = True

    filled = counts > 0
    new_centers = np.empty((k, d), dtype=np.float64)
    # Times the reciprocal (not a division), as scikit-learn, to round alike.
    new_centers[filled] = sums[filled] * (1.0 / counts[filled])[:, None]
    if not filled.all():
        # Still empty (duplicate points): put it on the heaviest cluster's centre.
        new_centers[~filled] = new_centers[np.argmax(counts)]
    return new_centers, relocated


def update(X, labels, k, *, centers=None, sample_weight=None) -> np.ndarray:
    r"""Update step: every centre moves to the mean of its points.

    .. math:: c_j = \frac{1}{|S_j|} \sum_{i \in S_j} x_i, \qquad S_j = \{i : \ell_i = j\}

    or, with weights :math:`w_i`, the weighted mean
    :math:`c_j = \sum_{i \in S_j} w_i x_i \big/ \sum_{i \in S_j} w_i`, the
    minimiser of :math:`\sum_{i \in S_j} w_i \lVert x_i - c \rVert^2`.

    A cluster with no point would have the mean 0/0. Instead, as in
    scikit-learn, it is re-seeded at the point farthest from its own centre:
    with ``e`` empty clusters, the ``e`` points with the largest
    :math:`\lVert x_i - c_{\ell_i} \rVert^2` are moved, in turn, into the
    empty clusters (ascending cluster index) and removed from their old
    clusters before the means are taken. If every point sits exactly on its
    centre (fewer distinct points than ``k``), nothing can move and an empty
    cluster's centre is set to the centre of the largest cluster. The result
    never contains NaN.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    labels : array_like of shape (n,), int
        Cluster of each point, in ``[0, k)``.
    k : int
        Number of clusters.
    centers : array_like of shape (k, d), optional
        The centres the labels were assigned to. They are only used to find
        the point farthest from its own centre when a cluster is empty;
        without them, the distance to the point's cluster mean is used.
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every point, not all zero (``None``: all 1).
        A cluster is empty when its weight is 0; only a point of positive
        weight is moved into it, and it brings its weight.

    Returns
    -------
    ndarray of shape (k, d), float64
        The new centres.

    Examples
    --------
    >>> update([[0, 0], [2, 0], [10, 10]], [0, 0, 1], 2)
    array([[ 1.,  0.],
           [10., 10.]])
    """
    X = check_array(X, "X")
    k = check_n_clusters(k, X.shape[0], "k")
    labels = _check_labels(labels, X.shape[0], k)
    if centers is not None:
        centers = _check_centers(centers, X, "centers")
        if centers.shape[0] != k:
            raise ValueError(f"centers must have k={k} rows; got shape {centers.shape}")
    sample_weight = check_sample_weight(sample_weight, X.shape[0])
    return _update(X, labels, k, centers, None, sample_weight)[0]


def _inertia(
    X: np.ndarray,
    centers: np.ndarray,
    labels: np.ndarray,
    per_cluster: bool,
    sample_weight: np.ndarray | None = None,
):
    diff = np.take(centers, labels, axis=0)  # c_{l_i} for every i (faster than centers[labels])
    np.subtract(X, diff, out=diff)  # x_i - c_{l_i}, in place: one n-by-d temporary, not two
    if sample_weight is None and not per_cluster:
        return float(np.einsum("ij,ij->", diff, diff))
    sq = np.einsum("ij,ij->i", diff, diff)
    if sample_weight is not None:
        sq *= sample_weight
    if per_cluster:
        return np.bincount(labels, weights=sq, minlength=centers.shape[0])
    return float(sq.sum())


def inertia(X, centers, labels, *, per_cluster=False, sample_weight=None):
    r"""Within-cluster sum of squares (WCSS), scikit-learn's *inertia*.

    .. math:: J = \sum_{i=1}^{n} \lVert x_i - c_{\ell_i} \rVert^2
              = \sum_{j=1}^{k} \underbrace{\sum_{i : \ell_i = j}
                \lVert x_i - c_j \rVert^2}_{J_j}

    With weights, every term is multiplied by :math:`w_i`:
    :math:`J = \sum_i w_i \lVert x_i - c_{\ell_i} \rVert^2`.

    Distances are computed from the differences ``x_i - c_{l_i}`` (no
    cancellation).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    centers : array_like of shape (k, d)
        The centres.
    labels : array_like of shape (n,), int
        Cluster of each point, in ``[0, k)``.
    per_cluster : bool, default False
        Return the ``k`` terms :math:`J_j` instead of their sum.
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every point, not all zero (``None``: all 1).

    Returns
    -------
    float, or ndarray of shape (k,) with ``per_cluster=True``

    Examples
    --------
    >>> inertia([[0, 0], [2, 0], [10, 10]], [[1, 0], [10, 10]], [0, 0, 1])
    2.0
    >>> inertia([[0, 0], [2, 0], [10, 10]], [[1, 0], [10, 10]], [0, 0, 1], per_cluster=True)
    array([2., 0.])
    """
    X = check_array(X, "X")
    centers = _check_centers(centers, X, "centers")
    labels = _check_labels(labels, X.shape[0], centers.shape[0])
    sample_weight = check_sample_weight(sample_weight, X.shape[0])
    return _inertia(X, centers, labels, bool(per_cluster), sample_weight)


# ---------------------------------------------------------------------------
# Lloyd's loop
# ---------------------------------------------------------------------------


def _lloyd(
    X: np.ndarray,
    init_centers: np.ndarray,
    max_iter: int,
    tol_abs: float,
    record: bool,
    sample_weight: np.ndarray | None = None,
) -> KMeansResult:
    """Lloyd's loop with scikit-learn's stopping rules, on validated input."""
    k = init_centers.shape[0]
    w = sample_weight
    x_mean = X.mean(axis=0)  # unweighted, as scikit-learn
    columns = X.T.copy()  # one row per feature (a new array): fast to centre and to sum
    columns -= x_mean[:, None]  # centred, as scikit-learn; only rounding changes
    Xc = np.ascontiguousarray(columns.T)  # the same numbers, one row per point
    points = _screen_points(Xc)  # prepared once for every assignment step
    features = columns if w is None else columns * w  # the update sums them by cluster
    centers = init_centers - x_mean
    history = [] if record else None
    labels_old = None
    strict = converged = relocated_before = False
    for i in range(max_iter):
        labels = _nearest_labels(points, centers)
        if record:
            shown = init_centers.copy() if i == 0 else centers + x_mean  # exact at the start
            history.append(
                IterationRecord(shown, labels, _inertia(Xc, centers, labels, False, w))
            )
        new_centers, relocated = _update(Xc, labels, k, centers, features, w)
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        # The same labels give bit-for-bit the same means, so unless the last update
        # re-seeded a cluster, shift > 0 already proves that the labels changed.
        maybe_unchanged = shift == 0 or relocated_before
        if maybe_unchanged and not relocated and labels_old is not None and np.array_equal(labels, labels_old):
            strict = converged = True  # labels unchanged: the means are final
            break
        if shift <= tol_abs:
            converged = True
            break
        labels_old, relocated_before = labels, relocated
    if not strict:
        labels = _nearest_labels(points, centers)  # so that labels are the nearest centres
    return KMeansResult(
        centers=centers + x_mean,
        labels=labels,
        inertia=_inertia(Xc, centers, labels, False, w),
        n_iter=i + 1,
        converged=converged,
        history=history,
    )


def _warn_if_few_clusters(labels: np.ndarray, k: int) -> None:
    distinct = np.count_nonzero(np.bincount(labels, minlength=k))
    if distinct < k:
        warnings.warn(
            f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({k}). "
            "Possibly due to duplicate points in X.",
            ConvergenceWarning,
            stacklevel=3,
        )


def lloyd(
    X, init_centers, *, max_iter=300, tol=1e-4, record=False, sample_weight=None
) -> KMeansResult:
    r"""Lloyd's algorithm from given initial centres.

    Repeats, for ``i = 0, 1, ..., max_iter - 1``:

    1. :math:`\ell \leftarrow` nearest centre of every point (:func:`assign`);
    2. :math:`C^{new} \leftarrow` means of the clusters (:func:`update`);
    3. stop if :math:`\ell` equals the previous iteration's labels; else stop if
       :math:`\sum_j \lVert c^{new}_j - c_j \rVert^2 \le \mathrm{tol} \cdot
       \frac{1}{d}\sum_{f=1}^{d} \operatorname{Var}(X_{:,f})`.

    If the run did not stop on unchanged labels, one last assignment step
    makes the labels those of the final centres. These are scikit-learn's
    rules, and ``n_iter`` counts as its ``n_iter_`` does.

    With weights :math:`w_i` (scikit-learn's ``sample_weight``) step 2 takes
    weighted means :math:`c_j = \sum_{\ell_i = j} w_i x_i / \sum_{\ell_i = j} w_i`
    and the inertia is :math:`\sum_i w_i \lVert x_i - c_{\ell_i} \rVert^2`;
    with integer weights the run is the run on ``numpy.repeat(X, w, axis=0)``.
    The tolerance of step 3 stays the *unweighted* mean variance of the
    columns of ``X``, as in scikit-learn.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data. Integer and float32 input is accepted; work is in float64.
    init_centers : array_like of shape (k, d)
        The initial centres, ``1 <= k <= n``.
    max_iter : int, default 300
        Maximum number of iterations, at least 1.
    tol : float, default 1e-4
        Relative tolerance on the squared centre shift, at least 0.
    record : bool, default False
        Keep an :class:`IterationRecord` of every iteration in ``history``.
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every point, not all zero. ``None`` (default)
        means all 1 and gives exactly the unweighted computation.

    Returns
    -------
    KMeansResult

    Warns
    -----
    ConvergenceWarning
        If fewer than ``k`` distinct labels are found (duplicate points).

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> result = lloyd(X, [[0, 0], [10, 1]])
    >>> result.centers
    array([[ 0. ,  0.5],
           [10. ,  0.5]])
    >>> result.labels, result.inertia, result.n_iter, result.converged
    (array([0, 0, 1, 1]), 1.0, 2, True)
    """
    X = check_array(X, "X")
    init_centers = _check_centers(init_centers, X, "init_centers")
    k = check_n_clusters(init_centers.shape[0], X.shape[0], "the number of rows of init_centers")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol = _check_tol(tol)
    sample_weight = check_sample_weight(sample_weight, X.shape[0])
    result = _lloyd(X, init_centers, max_iter, _tolerance(X, tol), bool(record), sample_weight)
    _warn_if_few_clusters(result.labels, k)
    return result


# ---------------------------------------------------------------------------
# k-means with restarts
# ---------------------------------------------------------------------------

_INIT_NAMES = ("k-means++", "random")


def _check_init(init, X: np.ndarray, k: int):
    """Return ``"k-means++"``, ``"random"`` or a validated ``(k, d)`` float64 array."""
    if isinstance(init, str):
        if init not in _INIT_NAMES:
            raise ValueError(f"init must be 'k-means++', 'random' or an array of shape (k, d); got {init!r}")
        return init
    if init is not None and not callable(init) and np.ndim(init) > 0:  # array-like
        centers = check_array(init, "init")
        if centers.shape != (k, X.shape[1]):
            raise ValueError(
                f"init must have shape (k, d) = ({k}, {X.shape[1]}); got shape {centers.shape}"
            )
        return centers
    raise TypeError(
        f"init must be 'k-means++', 'random' or an array of shape (k, d); "
        f"got {init!r} (type {type(init).__name__})"
    )


def _check_n_init(n_init, init) -> int:
    if isinstance(n_init, str):
        if n_init != "auto":
            raise ValueError(f"n_init must be 'auto' or a positive integer; got {n_init!r}")
        return 10 if isinstance(init, str) and init == "random" else 1
    n_init = check_int(n_init, "n_init", minimum=1)
    if not isinstance(init, str) and n_init != 1:
        warnings.warn(
            f"Explicit initial centres were given, so n_init={n_init} is replaced by 1 "
            "(every run would start from the same centres).",
            UserWarning,
            stacklevel=3,
        )
        n_init = 1
    return n_init


def _same_clustering(labels1: np.ndarray, labels2: np.ndarray, k: int) -> bool:
    """Whether two labelings are equal up to a renaming of the clusters."""
    mapping = np.full(k, -1, dtype=np.intp)
    mapping[labels1] = labels2  # the last pair per cluster wins; then check all pairs
    return bool(np.array_equal(mapping[labels1], labels2))


def _kmeans(X, k, init, n_init, max_iter, tol, random_state, sample_weight=None) -> KMeansResult:
    """kmeans() without the final warning; returns the best run."""
    X = check_array(X, "X")
    k = check_n_clusters(k, X.shape[0], "k")
    sample_weight = check_sample_weight(sample_weight, X.shape[0])
    init = _check_init(init, X, k)
    n_init = _check_n_init(n_init, init)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    tol_abs = _tolerance(X, _check_tol(tol))
    rng = check_random_state(random_state)
    best = None
    for _ in range(n_init):
        if isinstance(init, str) and init == "k-means++":
            centers = _kmeans_plusplus(X, k, rng, None, sample_weight)[0]
        elif isinstance(init, str):
            centers = _random_init(X, k, rng, sample_weight)[0]
        else:
            centers = init
        result = _lloyd(X, centers, max_iter, tol_abs, False, sample_weight)
        # As scikit-learn: a later run wins only with a strictly smaller inertia
        # and a different clustering (so ties keep the earlier run).
        if best is None or (
            result.inertia < best.inertia and not _same_clustering(result.labels, best.labels, k)
        ):
            best = result
    return best


def kmeans(
    X, k, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4, random_state=None,
    sample_weight=None,
) -> KMeansResult:
    r"""k-means: the best of ``n_init`` runs of Lloyd's algorithm.

    Each run seeds ``k`` centres (``init``), then runs :func:`lloyd`. The run
    with the lowest inertia is returned.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : {"k-means++", "random"} or array_like of shape (k, d), default "k-means++"
        Seeding: :func:`kmlib.kmeans_plusplus` (greedy, scikit-learn's
        default), :func:`kmlib.random_init` (``k`` distinct data points), or
        the initial centres themselves.
    n_init : "auto" or int, default "auto"
        Number of runs. ``"auto"``: 1 for k-means++ and for an array, 10 for
        ``"random"``, as in scikit-learn. With an array, an explicit value
        other than 1 is replaced by 1 with a warning.
    max_iter : int, default 300
        Maximum iterations per run.
    tol : float, default 1e-4
        Relative tolerance (see :func:`lloyd`).
    random_state : None, int or numpy.random.Generator
        Source of randomness for the seeding. The runs use one generator in
        turn, so the same ``random_state`` gives the same result.
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every point, not all zero (``None``: all 1).
        The seeding, the means and the inertia are weighted (see
        :func:`kmlib.kmeans_plusplus`, :func:`kmlib.random_init` and
        :func:`lloyd`); ``tol`` stays relative to the unweighted variance.

    Returns
    -------
    KMeansResult
        The best run (``history`` is ``None``; use :func:`lloyd` with
        ``record=True`` to trace a run).

    Warns
    -----
    ConvergenceWarning
        If fewer than ``k`` distinct clusters are found (duplicate points).

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> result = kmeans(X, 2, random_state=0)
    >>> round(result.inertia, 6), sorted(result.centers[:, 0].tolist())
    (1.0, [0.0, 10.0])
    """
    result = _kmeans(X, k, init, n_init, max_iter, tol, random_state, sample_weight)
    _warn_if_few_clusters(result.labels, result.centers.shape[0])
    return result


class KMeans:
    """k-means estimator with scikit-learn's interface.

    A drop-in for ``sklearn.cluster.KMeans`` in the book's examples:
    the same constructor arguments (``n_clusters, init, n_init, max_iter, tol,
    random_state``), the same methods and the same fitted attributes.

    Parameters
    ----------
    n_clusters : int, default 8
        Number of clusters.
    init, n_init, max_iter, tol, random_state
        As in :func:`kmeans`. They are checked when :meth:`fit` is called.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, d)
    labels_ : ndarray of shape (n,)
    inertia_ : float
    n_iter_ : int
    n_features_in_ : int
    result_ : KMeansResult
        Everything :func:`kmeans` returned.

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> model = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> model.inertia_, model.score(X)
    (1.0, -1.0)
    >>> bool(model.predict([[9, 9]])[0] == model.labels_[2])
    True
    """

    def __init__(
        self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    _PARAMS = ("n_clusters", "init", "n_init", "max_iter", "tol", "random_state")

    def get_params(self, deep=True) -> dict:
        """The constructor arguments, as scikit-learn's ``get_params``."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params):
        """Set constructor arguments (checked at the next :meth:`fit`); returns ``self``."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(
                    f"Invalid parameter {name!r} for KMeans; valid parameters are {self._PARAMS}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {"init": "k-means++", "n_init": "auto", "max_iter": 300, "tol": 1e-4,
                    "random_state": None}
        parts = [f"n_clusters={self.n_clusters!r}"]
        for name, default in defaults.items():
            value = getattr(self, name)
            if isinstance(value, np.ndarray) or value != default:
                shown = "array(...)" if isinstance(value, np.ndarray) else repr(value)
                parts.append(f"{name}={shown}")
        return f"KMeans({', '.join(parts)})"

    def fit(self, X, y=None, sample_weight=None):
        """Compute the clustering of ``X``; returns ``self``. ``y`` is ignored.

        ``sample_weight`` (shape ``(n,)``, non-negative, not all zero; ``None``
        for all 1) weights the seeding, the means and the inertia, as in
        :func:`kmeans`.
        """
        X = check_array(X, "X")
        n_clusters = check_n_clusters(self.n_clusters, X.shape[0], "n_clusters")
        result = kmeans(
            X, n_clusters, init=self.init, n_init=self.n_init, max_iter=self.max_iter,
            tol=self.tol, random_state=self.random_state, sample_weight=sample_weight,
        )
        self.result_ = result
        self.cluster_centers_ = result.centers
        self.labels_ = result.labels
        self.inertia_ = result.inertia
        self.n_iter_ = result.n_iter
        self.n_features_in_ = X.shape[1]
        return self

    def fit_predict(self, X, y=None, sample_weight=None) -> np.ndarray:
        """Fit (with ``sample_weight``, see :meth:`fit`), then return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def _check_fitted_input(self, X) -> np.ndarray:
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError(
                "This KMeans instance is not fitted yet; call fit(X) before using this method."
            )
        X = check_array(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features (columns), but this KMeans was fitted "
                f"with {self.n_features_in_}"
            )
        return X

    def predict(self, X) -> np.ndarray:
        """Index of the nearest fitted centre of every row of ``X``."""
        X = self._check_fitted_input(X)
        return nearest(X, self.cluster_centers_)[0]

    def transform(self, X) -> np.ndarray:
        """Euclidean (not squared) distances from every row to every centre, shape (n, k)."""
        X = self._check_fitted_input(X)
        return np.sqrt(pairwise_sq_dists(X, self.cluster_centers_))

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        """Fit (with ``sample_weight``, see :meth:`fit`), then :meth:`transform` ``X``."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None) -> float:
        r"""Minus the inertia of ``X`` with its nearest fitted centres (higher is better).

        With ``sample_weight``: :math:`-\sum_i w_i \min_j \lVert x_i - c_j \rVert^2`.
        """
        X = self._check_fitted_input(X)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        sq = nearest(X, self.cluster_centers_)[1]
        if sample_weight is None:
            return -float(sq.sum())
        return -float(np.dot(sample_weight, sq))

