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
from functools import partial

import numpy as np

from ._blocks import (
    PIECE_ROWS,
    largest_magnitude,
    nearest_blocks,
    power_of_two_exponent,
    row_blocks,
    safely_scaled,
    sq_dists_in_frame,
    sq_norms,
    times_power_of_two,
)
from ._kernels.bounds import screened_step
from ._kernels.screen import exact_labels, prepare
from ._kernels.sums import cluster_sums, feature_rows
from ._seeding import DuplicatePointsWarning, kmeans_plusplus, random_init
from ._validation import (
    check_array,
    check_bool,
    check_int,
    check_labels,
    check_matching_width,
    check_n_clusters,
    check_random_state,
    check_representable,
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
# Input checks
# ---------------------------------------------------------------------------


def check_centers(
    centers, X: np.ndarray, name: str = "centers", k: int | None = None
):
    """``centers`` as a float64 array with the columns of ``X`` (and ``k`` rows if given)."""
    centers = check_array(centers, name)
    check_matching_width(X, centers, "X", name)
    if k is not None and centers.shape[0] != k:
        raise ValueError(
            f"{name} must have k={k} rows; got shape {centers.shape}"
        )
    return centers


def check_cluster_labels(
    labels, n_samples: int, k: int, name: str = "labels"
) -> np.ndarray:
    """``labels`` as an int array of shape ``(n,)`` with values in ``[0, k)``."""
    array = check_labels(labels, n_samples, name)
    if n_samples and (array.min() < 0 or array.max() >= k):
        raise ValueError(
            f"{name} must lie in [0, {k - 1}] for k={k}; "
            f"got values from {array.min()} to {array.max()}"
        )
    return array


def tolerance(X: np.ndarray, tol) -> float:
    """scikit-learn's absolute tolerance: ``tol`` times the mean feature variance.

    ``tol`` is checked (a number >= 0). Unweighted even when the fit has
    weights, as scikit-learn's ``_tolerance``.
    """
    tol = check_scalar(tol, "tol", minimum=0.0)
    if tol == 0.0:
        return 0.0
    return float(np.mean(np.var(X, axis=0)) * tol)


# ---------------------------------------------------------------------------
# The two steps
# ---------------------------------------------------------------------------


def assign(X, centers) -> np.ndarray:
    r"""Assignment step: the index of the nearest centre of every point.

    .. math:: \ell_i = \operatorname*{arg\,min}_j \lVert x_i - c_j \rVert^2

    Ties go to the lowest index. Memory stays bounded (see
    :func:`kmlib.nearest`).

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
    centers = check_centers(centers, X)
    # on the points shifted near the centres, scaled by a power of two
    labels, _, _ = nearest_blocks(X, centers, distances=False)
    return labels


def reseed_empty(X, labels, counts, sums, centers, sample_weight=None) -> bool:
    """Move the farthest points into the empty clusters, as scikit-learn does.

    ``counts`` and ``sums`` (the weight and weighted sum of every cluster) are
    changed in place. With ``e`` empty clusters, the ``e`` points with the
    largest squared distance to their own centre (``centers``, or the means
    of their clusters if ``centers`` is None) move, in turn, into the empty
    clusters (ascending index), each taking its weight out of its old
    cluster. Returns whether any point moved: it does not when every point
    sits on its centre up to the rounding of a mean (fewer distinct points
    than clusters; scikit-learn tests ``== 0``, which rounding can miss).
    """
    X = np.ascontiguousarray(X)  # Lloyd's loop passes a transposed view
    n, d = X.shape
    w = sample_weight
    empty = np.flatnonzero(counts == 0)
    if centers is None:  # distance of each point to its own cluster's mean
        own = sums[labels] / counts[labels][:, None]
    else:
        own = np.take(centers, labels, axis=0)
    distances = sq_norms(X - own)
    if w is not None:  # a point of weight 0 cannot fill a cluster
        distances[w == 0] = 0.0
    rounding = d * (n * np.finfo(np.float64).eps * np.abs(X).max()) ** 2
    if not distances.max() > rounding:
        return False
    # scikit-learn's exact choice: the len(empty) farthest points.
    far = np.argpartition(distances, -empty.size)[: -empty.size - 1 : -1]
    for new_id, point in zip(empty, far, strict=True):
        weight = 1.0 if w is None else w[point]  # the point brings its weight
        moved = X[point] if w is None else X[point] * weight
        sums[labels[point]] -= moved
        counts[labels[point]] -= weight
        sums[new_id] = moved
        counts[new_id] = weight
    return True


def means(counts: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """The centre of every cluster: its sum over its weight (never NaN).

    Times the reciprocal (not a division), as scikit-learn, to round alike. A
    cluster still empty (duplicate points) gets the heaviest cluster's centre.
    """
    filled = counts > 0
    centers = np.empty_like(sums)
    centers[filled] = sums[filled] * (1.0 / counts[filled])[:, None]
    centers[~filled] = centers[np.argmax(counts)]
    return centers


def update(X, labels, k, *, centers=None, sample_weight=None) -> np.ndarray:
    r"""Update step: every centre moves to the mean of its points.

    .. math:: c_j = \frac{1}{|S_j|} \sum_{i \in S_j} x_i,
              \qquad S_j = \{i : \ell_i = j\}

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
    labels = check_cluster_labels(labels, X.shape[0], k)
    if centers is not None:
        centers = check_centers(centers, X, k=k)
    w = check_sample_weight(sample_weight, X.shape[0])
    # huge or tiny numbers are scaled by a power of two (exact), and back
    X, centers, e = safely_scaled(X, centers)
    w, _ = safely_scaled(w)  # weights too: the means do not change
    # N_j (the weight of cluster j) and the sum of w_i x_i over cluster j
    counts, sums = cluster_sums(feature_rows(X, w), labels, k, w)
    if np.any(counts == 0):  # an empty cluster: re-seed it at a far point
        reseed_empty(X, labels, counts, sums, centers, w)
    return np.ldexp(means(counts, sums), -e)


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
    >>> inertia([[0, 0], [2, 0], [10, 10]], [[1, 0], [10, 10]], [0, 0, 1],
    ...         per_cluster=True)
    array([2., 0.])
    """
    X = check_array(X, "X")
    centers = check_centers(centers, X)
    k = centers.shape[0]
    labels = check_cluster_labels(labels, X.shape[0], k)
    per_cluster = check_bool(per_cluster, "per_cluster")
    w = check_sample_weight(sample_weight, X.shape[0])
    # w_i ||x_i - c_l||^2, on X scaled by 2**e if it is huge or tiny
    terms, e = inertia_terms(X, centers, labels, w)
    if per_cluster:
        J = np.bincount(labels, weights=terms, minlength=k)
    else:
        J = float(terms.sum())
    return check_representable(scale_back(J, -2 * e), "X", "the inertia")


def inertia_terms(X, centers, labels, sample_weight=None, exponent=None):
    r"""``(terms, e)``: :math:`w_i \lVert x_i - c_{\ell_i} \rVert^2` in units of ``2**-2e``.

    From the differences, on ``X`` and ``centers`` scaled by ``2**e``
    (:func:`kmlib._blocks.safely_scaled`: ``e = 0`` unless they are huge or
    tiny, so that no square overflows or underflows). A caller that knows
    that ``e`` (Lloyd's loop does) passes it as ``exponent``.
    """
    if exponent is None:
        X, centers, e = safely_scaled(X, centers)
    else:
        e = exponent
        if e:
            X = times_power_of_two(X, e)
            centers = times_power_of_two(centers, e)
    terms = np.empty(len(X))
    for block in row_blocks(len(X), PIECE_ROWS):  # small temporaries
        diff = np.take(centers, labels[block], axis=0)  # c_l for every point
        np.subtract(X[block], diff, out=diff)  # x - c_l, in place
        terms[block] = sq_norms(diff)  # ||x_i - c_l||^2
    if sample_weight is not None:  # (weights of 1 change nothing, bit for bit)
        terms *= sample_weight
    return terms, e


def scale_back(J, e: int):
    """``J * 2**e`` for a float or an array (``J`` itself when ``e`` is 0)."""
    if e == 0:
        return J
    with np.errstate(over="ignore"):
        scaled = np.ldexp(J, e)
    return float(scaled) if np.ndim(scaled) == 0 else scaled


# ---------------------------------------------------------------------------
# Lloyd's loop
# ---------------------------------------------------------------------------

#: The assignment steps Lloyd's loop can receive (see :class:`LloydData`).
ASSIGNMENT_STEPS = ("screened", "exact")


class LloydData:
    """The data of a Lloyd run, prepared once for its many iterations.

    The points are centred (their unweighted column means subtracted, as
    scikit-learn does), then multiplied by the power of two that brings the
    largest coordinate into ``[1/2, 1)``; ``tol_abs`` is scikit-learn's
    absolute tolerance in those units. Both change only the rounding
    (scaling by a power of two not even that), and keep squares far from
    overflow and underflow. The centres live in the same units inside the
    run; :meth:`work_units` and :meth:`data_units` convert.

    The result is checked on the data themselves: the inertia is recomputed
    from the returned centres (so ``result.inertia`` equals
    :func:`inertia` of the result), and if the centring rounded away digits
    that matter (a column mixing ``2**62`` and ``1``: a centre off its
    cluster's mean by more than ``2**-24`` of the cluster's radius), Lloyd's
    steps are finished on the uncentred data (:meth:`settle`). Ordinary data
    never get there: a bound on the centring's rounding, compared with every
    cluster's radius, rules it out without a pass over the data.

    The assignment step is ``"screened"`` (:mod:`kmlib._kernels.screen`:
    single precision with an exact recheck of the close calls; from 8
    features with bounds that skip the points that cannot move,
    :mod:`kmlib._kernels.bounds`) or
    ``"exact"`` (double precision in scikit-learn's 256-row blocks). Both give
    the same labels, ties included; the tests prove it.
    """

    def __init__(self, X, sample_weight=None, tol=1e-4, assignment="screened"):
        if assignment not in ASSIGNMENT_STEPS:
            raise ValueError(
                f"assignment must be 'screened' or 'exact'; got {assignment!r}"
            )
        # Data far outside [2**-200, 2**200]: means and variances on X * 2**e0,
        # which round exactly as X's would, but cannot overflow or underflow.
        largest = largest_magnitude(X)
        e0 = power_of_two_exponent(largest)
        e0 = e0 if abs(e0) > 200 else 0
        Xs = X if e0 == 0 else times_power_of_two(X, e0)
        self.offset, self.mean = (
            e0,
            Xs.mean(axis=0),
        )  # unweighted, as scikit-learn
        columns = (
            Xs.T.copy()
        )  # one row per feature: fast to centre, scale and sum
        columns -= self.mean[:, None]
        self.exponent = power_of_two_exponent(largest_magnitude(columns))
        if self.exponent:
            times_power_of_two(columns, self.exponent, out=columns)  # exact
        self.tol_abs = float(np.ldexp(tolerance(Xs, tol), 2 * self.exponent))
        self.original = X
        # centring rounds each number by at most about 2**-52 of the largest
        self.centring_error = 2.0**-51 * max(
            largest, largest_magnitude(np.ldexp(self.mean, -e0))
        )
        # The same numbers, one row per point: a view, not a copy (the
        # kernels copy the rows they multiply into C order).
        self.X = columns.T
        self.sample_weight = sample_weight
        self.features = (
            columns if sample_weight is None else columns * sample_weight
        )
        self.points = prepare(self.X, screen=assignment == "screened")
        self.step = (
            screened_step(self.points)  # with bounds between iterations
            if assignment == "screened"
            else partial(exact_labels, self.points)
        )

    def work_units(self, centers):
        """Centres of the data, in the run's units (centred and scaled)."""
        return np.ldexp(
            np.ldexp(centers, self.offset) - self.mean, self.exponent
        )

    def data_units(self, centers):
        """Centres of the run, in the data's units."""
        return np.ldexp(
            np.ldexp(centers, -self.exponent) + self.mean, -self.offset
        )

    def assign(self, centers):
        """Step 1: the nearest centre of every point."""
        return self.step(centers)

    def update(self, labels, centers):
        """Step 2: the means, empty clusters re-seeded; and whether any was."""
        k, w = centers.shape[0], self.sample_weight
        counts, sums = cluster_sums(self.features, labels, k, w)
        reseeded = bool(np.any(counts == 0)) and reseed_empty(
            self.X, labels, counts, sums, centers, w
        )
        return means(counts, sums), reseeded

    def wcss(self, centers, labels) -> float:
        """The inertia of the labels and centres, in the data's units.

        Recomputed on the data from the centres in the data's units, exactly
        as :func:`inertia` computes it, so that ``result.inertia ==
        kmlib.inertia(X, result.centers, result.labels)``; ``ValueError`` if
        it exceeds float64's range.
        """
        centers = self.data_units(centers)  # what the result returns
        w = self.sample_weight
        return inertia(self.original, centers, labels, sample_weight=w)

    def record(self, n_iter, init_centers, centers, labels) -> IterationRecord:
        """What the animations draw of one iteration (its starting centres)."""
        shown = init_centers.copy() if n_iter == 1 else self.data_units(centers)
        return IterationRecord(shown, labels, self.wcss(centers, labels))

    def result(
        self, centers, labels, n_iter, converged, history, means_of=None
    ) -> KMeansResult:
        """The run's outcome, in the data's units; warns if clusters are missing.

        If centring lost digits of the data (a huge offset with fine detail,
        such as 2**62 and 1 in one column), or rounding the centres to the
        data's units moved a point to another centre (data whose coordinates
        differ in their last bits only, such as ``2**-149`` plus a few
        ``2**-201``), the centres and labels are settled again on the data
        themselves (:meth:`settle`). ``means_of``: the labels whose means
        ``centers`` are (``labels`` if None).
        """
        k, w = centers.shape[0], self.sample_weight
        data_centers = self.data_units(centers)
        terms, e = inertia_terms(
            self.original, data_centers, labels, w, exponent=self.offset
        )
        J = check_representable(
            scale_back(float(terms.sum()), -2 * e), "X", "the inertia"
        )
        means_of = labels if means_of is None else means_of
        if self.may_have_lost_digits(terms, e, labels, k) and (
            self.lost_digits(data_centers, means_of)
            or not np.array_equal(assign(self.original, data_centers), labels)
        ):
            data_centers, labels, J = self.settle(labels, k)
        centers = data_centers
        warn_if_few_clusters(labels, centers.shape[0], stacklevel=4)
        return KMeansResult(centers, labels, J, n_iter, converged, history)

    def may_have_lost_digits(self, terms, e, labels, k) -> bool:
        """Whether the centring's rounding could matter for some cluster.

        It cannot when it is below ``2**-26`` of every cluster's radius
        (from the inertia ``terms`` of the points, in units of ``2**-2e``);
        then :meth:`lost_digits` need not look.
        """
        w = self.sample_weight
        sizes = np.bincount(labels, weights=w, minlength=k)
        per_cluster = np.bincount(labels, weights=terms, minlength=k)
        filled = sizes > 0
        radius = np.ldexp(np.sqrt(per_cluster[filled] / sizes[filled]), -e)
        return bool(np.any(2.0**26 * self.centring_error >= radius))

    def lost_digits(self, centers, labels) -> bool:
        """Whether the run's centres are off their clusters' true means.

        Off by more than ``2**-24`` of the cluster's radius (plus ``2**-40``
        of its mean's size): digits the centring rounded away mattered.
        On ordinary data the two agree to about ``1e-16`` and nothing
        changes; ``[[2**62, 0], [0, 0], [1, 1]]`` does not.
        """
        X, w = self.original, self.sample_weight
        k = centers.shape[0]
        sizes = np.bincount(labels, weights=w, minlength=k)
        filled = sizes > 0
        exact = update(X, labels, k, sample_weight=w)
        J = inertia(X, exact, labels, per_cluster=True, sample_weight=w)
        radius = np.sqrt(J[filled] / sizes[filled])
        size = np.abs(exact[filled]).max(axis=1)
        off = np.abs(centers[filled] - exact[filled]).max(axis=1)
        return bool(np.any(off > 2.0**-24 * radius + 2.0**-40 * size))

    def settle(self, labels, k: int, max_rounds: int = 100):
        """Lloyd's steps on the uncentred data, from ``labels``, until they repeat.

        :func:`update` and :func:`assign` work on the data themselves (shifted
        near the centres, scaled by a power of two), so every centre is the
        mean of its points and every label the nearest centre of the result.
        """
        X, w = self.original, self.sample_weight
        for _ in range(max_rounds):
            centers = update(X, labels, k, sample_weight=w)
            new_labels = assign(X, centers)
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
        return centers, labels, inertia(X, centers, labels, sample_weight=w)


def warn_if_few_clusters(
    labels: np.ndarray, k: int, stacklevel: int = 3
) -> None:
    """Warn, as scikit-learn, when fewer than ``k`` clusters have points."""
    distinct = np.count_nonzero(np.bincount(labels, minlength=k))
    if distinct < k:
        warnings.warn(
            f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({k}). "
            "Possibly due to duplicate points in X.",
            ConvergenceWarning,
            stacklevel=stacklevel,
        )


def lloyd(
    X,
    init_centers,
    *,
    max_iter=300,
    tol=1e-4,
    record=False,
    sample_weight=None,
    assignment="screened",
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
    rules, and ``n_iter`` counts as its ``n_iter_`` does. Labels unchanged
    count as convergence only if no empty cluster was re-seeded in that
    iteration (scikit-learn stops there too, and then returns labels that do
    not describe its re-seeded centres; kmlib goes on, so that the WCSS never
    increases).

    The run works on the data centred and scaled by a power of two
    (:class:`LloydData`), as scikit-learn centres them: only the rounding
    changes, and huge or tiny coordinates stay representable.

    With weights :math:`w_i` (scikit-learn's ``sample_weight``) step 2 takes
    weighted means
    :math:`c_j = \sum_{\ell_i = j} w_i x_i / \sum_{\ell_i = j} w_i`
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
    assignment : {"screened", "exact"}, default "screened"
        How step 1 is computed: screened in single precision with an exact
        recheck of the close calls (fast), or entirely in double precision.
        Both give the same labels, ties included (the appendix "How kmlib is
        fast" explains why).

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
    init_centers = check_centers(init_centers, X, "init_centers")
    rows = "the number of rows of init_centers"
    check_n_clusters(len(init_centers), len(X), rows)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    w = check_sample_weight(sample_weight, len(X))
    record = check_bool(record, "record")
    data = LloydData(X, w, tol, assignment)  # centred and scaled, once
    tol_abs = data.tol_abs
    centers = data.work_units(init_centers)
    history, labels_old = ([] if record else None), None
    for n_iter in range(1, max_iter + 1):
        labels = data.assign(centers)  # 1. the nearest centre of every point
        if record:
            history.append(data.record(n_iter, init_centers, centers, labels))
        new_centers, reseeded = data.update(labels, centers)  # 2. the means
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        if not reseeded and np.array_equal(labels, labels_old):
            return data.result(centers, labels, n_iter, True, history)  # 3.
        if shift <= tol_abs:
            break  # 3. the centres have (almost) stopped moving
        labels_old = labels
    final = data.assign(centers)  # the labels of the final centres
    return data.result(
        centers, final, n_iter, shift <= tol_abs, history, labels
    )


# ---------------------------------------------------------------------------
# k-means with restarts
# ---------------------------------------------------------------------------

INIT_NAMES = ("k-means++", "random")


def check_init(init, X: np.ndarray, k: int):
    """Return ``"k-means++"``, ``"random"`` or a validated ``(k, d)`` float64 array."""
    if isinstance(init, str):
        if init not in INIT_NAMES:
            raise ValueError(
                f"init must be 'k-means++', 'random' or an array of shape (k, d); got {init!r}"
            )
        return init
    if (
        init is not None and not callable(init) and np.ndim(init) > 0
    ):  # array-like
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


def check_n_init(n_init, init) -> int:
    """The number of runs: ``"auto"`` as scikit-learn, forced to 1 for an array."""
    if isinstance(n_init, str):
        if n_init != "auto":
            raise ValueError(
                f"n_init must be 'auto' or a positive integer; got {n_init!r}"
            )
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


def same_clustering(labels1: np.ndarray, labels2: np.ndarray, k: int) -> bool:
    """Whether two labelings are equal up to a renaming of the clusters."""
    mapping = np.full(k, -1, dtype=np.intp)
    mapping[labels1] = (
        labels2  # the last pair per cluster wins; then check all pairs
    )
    return bool(np.array_equal(mapping[labels1], labels2))


def initial_centers(X, k, init, rng, sample_weight):
    """One run's initial centres: seeded by ``init`` from ``rng``, or ``init`` itself."""
    if not isinstance(init, str):
        return init
    seeding = kmeans_plusplus if init == "k-means++" else random_init
    with (
        warnings.catch_warnings()
    ):  # duplicate points: kmeans warns once, at the end
        warnings.simplefilter("ignore", DuplicatePointsWarning)
        return seeding(X, k, random_state=rng, sample_weight=sample_weight)


def kmeans(
    X,
    k,
    *,
    init="k-means++",
    n_init="auto",
    max_iter=300,
    tol=1e-4,
    random_state=None,
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
    X = check_array(X, "X")
    k = check_n_clusters(k, X.shape[0], "k")
    w = check_sample_weight(sample_weight, X.shape[0])
    init = check_init(init, X, k)
    n_init = check_n_init(n_init, init)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    check_scalar(tol, "tol", minimum=0.0)
    rng = check_random_state(random_state)
    best = None
    for _ in range(n_init):
        centers = initial_centers(X, k, init, rng, w)
        with warnings.catch_warnings():  # kmeans warns once, for the best run
            warnings.simplefilter("ignore", ConvergenceWarning)
            result = lloyd(
                X, centers, max_iter=max_iter, tol=tol, sample_weight=w
            )
        # As scikit-learn: a later run wins only with a strictly smaller inertia
        # and a different clustering (so ties keep the earlier run).
        if best is None or (
            result.inertia < best.inertia
            and not same_clustering(result.labels, best.labels, k)
        ):
            best = result
    warn_if_few_clusters(best.labels, k)
    return best


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
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    _PARAMS = (
        "n_clusters",
        "init",
        "n_init",
        "max_iter",
        "tol",
        "random_state",
    )

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
        defaults = {
            "init": "k-means++",
            "n_init": "auto",
            "max_iter": 300,
            "tol": 1e-4,
            "random_state": None,
        }
        parts = [f"n_clusters={self.n_clusters!r}"]
        for name, default in defaults.items():
            value = getattr(self, name)
            if isinstance(value, np.ndarray) or value != default:
                shown = (
                    "array(...)"
                    if isinstance(value, np.ndarray)
                    else repr(value)
                )
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
            X,
            n_clusters,
            init=self.init,
            n_init=self.n_init,
            max_iter=self.max_iter,
            tol=self.tol,
            random_state=self.random_state,
            sample_weight=sample_weight,
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
        return nearest_blocks(X, self.cluster_centers_, distances=False)[0]

    def transform(self, X) -> np.ndarray:
        """Euclidean (not squared) distances from every row to every centre, shape (n, k)."""
        X = self._check_fitted_input(X)
        D, frame = sq_dists_in_frame(X, self.cluster_centers_)
        return frame.units(np.sqrt(D), "X", "the distances")

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        """Fit (with ``sample_weight``, see :meth:`fit`), then :meth:`transform` ``X``."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None) -> float:
        r"""Minus the inertia of ``X`` with its nearest fitted centres (higher is better).

        With ``sample_weight``: :math:`-\sum_i w_i \min_j \lVert x_i - c_j \rVert^2`.
        """
        X = self._check_fitted_input(X)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        _, sq, frame = nearest_blocks(X, self.cluster_centers_)
        w, e = safely_scaled(sample_weight)  # (None, 0) without weights
        J = float(sq.sum()) if w is None else float(np.dot(w, sq))
        J = scale_back(J, -2 * frame.exponent - e)
        return -check_representable(J, "X", "the inertia")
