r"""Choosing the initial centres (Chapter 3).

Lloyd's algorithm only improves the centres it starts from, so where it
starts decides which local optimum it ends in. Two classic choices:

- :func:`random_init` ("Forgy"): ``k`` data points drawn uniformly without
  replacement.
- :func:`kmeans_plusplus` (Arthur & Vassilvitskii, 2007): the first centre is
  a uniform data point; every later centre is a data point drawn with
  probability proportional to :math:`D(x)^2`, its squared distance to the
  nearest centre chosen so far,

  .. math:: P(x_i) = \frac{D(x_i)^2}{\sum_{j} D(x_j)^2}.

  With ``n_local_trials = L > 1`` ("greedy" k-means++, scikit-learn's
  default with :math:`L = 2 + \lfloor \ln k \rfloor`), each step draws ``L``
  candidates that way and keeps the one that lowers the potential
  :math:`\sum_j D(x_j)^2` the most.

Both take an optional ``sample_weight`` :math:`w_i \ge 0`, as scikit-learn's
``kmeans_plusplus`` and ``KMeans.fit``: a point of integer weight ``w``
counts as ``w`` copies of it. Forgy then draws without replacement with
probability proportional to :math:`w_i`, and k-means++ draws its first
centre with :math:`P(x_i) = w_i / \sum_j w_j` and the later ones with
:math:`P(x_i) = w_i D(x_i)^2 / \sum_j w_j D(x_j)^2`. A point of weight 0
is never chosen.

Every distance is computed from the differences ``x - c``, so a duplicate
of a chosen point has ``D^2 = 0`` exactly and is never drawn again; the
fast path (:mod:`kmlib._kernels.seeding`) screens the candidates with one
matrix product and returns, bit for bit, what these differences give. When
the data hold fewer distinct points than ``k``, the potential reaches 0
before ``k`` centres are chosen: the remaining centres are then drawn with
:math:`P(x_i) = w_i / \sum_j w_j` (duplicates of chosen ones) and a
:class:`DuplicatePointsWarning` says so. No probability is ever computed as
``0/0``.

One draw sequence serves every weighting (:func:`draw_by_weight`): an
index with :math:`P(i) = w_i / \sum_j w_j` is ``rng.integers(n)`` when all
the weights are equal (the uniform draw, as without weights: so
``sample_weight=np.ones(n)`` draws exactly what ``None`` draws) and
``rng.choice(n, p=w / w.sum())`` otherwise, as scikit-learn. The later
centres are ``random(L) * potential`` looked up with ``searchsorted`` in the
cumulative sums of :math:`w_i D(x_i)^2`, as scikit-learn: with unequal
weights and the same uniform numbers (a ``numpy.random.Generator`` and a
``numpy.random.RandomState`` on one bit generator), kmlib and
``sklearn.cluster.kmeans_plusplus`` choose the same centres, up to
scikit-learn's rounding of :math:`D^2` (it uses the GEMM identity).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._blocks import safely_scaled
from ._kernels.seeding import best_candidate, prepare_points, sq_dists_to
from ._validation import (
    check_array,
    check_int,
    check_n_clusters,
    check_random_state,
    check_sample_weight,
)

__all__ = ["DuplicatePointsWarning", "kmeans_plusplus", "random_init"]


class DuplicatePointsWarning(UserWarning):
    """The data hold fewer distinct points than the number of centres asked for."""


def count_distinct(X: np.ndarray) -> int:
    """Number of distinct rows of ``X`` (sorts the rows: O(n log n))."""
    return int(np.unique(X, axis=0).shape[0])


def too_few_distinct(X, centers, sample_weight) -> int | None:
    """The number of distinct points of ``X`` if it is below ``k``, else None.

    Only the rows of positive weight count. The rows are counted only when
    the centres coincide, which they must if ``X`` is short of points.
    """
    k = len(centers)
    if k == 1 or count_distinct(centers) == k:
        return None
    rows = X if sample_weight is None else X[sample_weight > 0]
    n_distinct = count_distinct(rows)
    return n_distinct if n_distinct < k else None


def warn_if_too_few_distinct(X, centers, sample_weight) -> None:
    """Warn (:class:`DuplicatePointsWarning`) if ``X`` has fewer than ``k`` distinct points."""
    n_distinct = too_few_distinct(X, centers, sample_weight)
    if n_distinct is not None:
        warnings.warn(
            f"X has only {n_distinct} distinct point(s), fewer than k={len(centers)}; "
            f"some initial centres coincide (possibly due to duplicate points in X)",
            DuplicatePointsWarning,
            stacklevel=3,
        )


def check_enough_positive(sample_weight, k: int) -> None:
    """Raise ``ValueError`` unless at least ``k`` rows have a positive weight."""
    positive = int(np.count_nonzero(sample_weight))
    if positive < k:
        raise ValueError(
            f"random initialisation draws k={k} distinct points of positive "
            f"sample_weight; only {positive} point(s) have a positive sample_weight"
        )


def draw_by_weight(rng: np.random.Generator, w: np.ndarray) -> int:
    r"""One index ``i`` drawn with :math:`P(i) = w_i / \sum_j w_j`.

    Equal weights give the uniform draw ``rng.integers(n)``, exactly what
    kmlib draws without weights; other weights ``rng.choice(n, p=w / w.sum())``,
    as scikit-learn.
    """
    if (w == w[0]).all():
        return int(rng.integers(len(w)))
    return int(rng.choice(len(w), p=w / w.sum()))


def random_init(X, k, *, random_state=None, sample_weight=None) -> np.ndarray:
    r"""``k`` distinct data points drawn at random (Forgy seeding).

    The rows are drawn without replacement, so no row is used twice; if the
    data hold fewer than ``k`` distinct points, some centres coincide and a
    :class:`DuplicatePointsWarning` says so. Without weights every row is
    equally likely (equal weights draw exactly what no weights draw); with
    other ``sample_weight`` the rows are drawn, one after the
    other, with probability proportional to :math:`w_i` among the rows not
    drawn yet (numpy's ``choice(n, k, replace=False, p=w / w.sum())``, as
    scikit-learn's ``init="random"``).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    k : int
        Number of centres, ``1 <= k <= n``.
    random_state : None, int or numpy.random.Generator
        Source of randomness (see :func:`kmlib._validation.check_random_state`).
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every row (``None``: all 1). At least ``k``
        rows must have a positive weight; rows of weight 0 are never drawn.

    Returns
    -------
    ndarray of shape (k, d), float64
        The initial centres.

    Examples
    --------
    >>> random_init([[0, 0], [1, 1], [2, 2]], 3, random_state=0).shape
    (3, 2)
    """
    X = check_array(X, "X")
    n = X.shape[0]
    k = check_n_clusters(k, n)
    w = check_sample_weight(sample_weight, n)
    rng = check_random_state(random_state)
    if w is None or (w == w[0]).all():  # every row equally likely
        chosen = rng.choice(n, size=k, replace=False)
    else:  # one row after the other, P(x_i) proportional to w_i
        check_enough_positive(w, k)
        chosen = rng.choice(n, size=k, replace=False, p=w / w.sum())
    centers = X[chosen]
    warn_if_too_few_distinct(X, centers, w)
    return centers


def kmeans_plusplus(
    X, k, *, random_state=None, n_local_trials=None, sample_weight=None
) -> np.ndarray:
    r"""k-means++ seeding: D² sampling (Arthur & Vassilvitskii, 2007).

    The first centre is a data point drawn uniformly. Each later centre is a
    data point drawn with probability
    :math:`D(x_i)^2 / \sum_j D(x_j)^2`, where :math:`D(x)` is the distance
    from ``x`` to the nearest centre already chosen. With
    ``n_local_trials = L``, ``L`` candidates are drawn that way and the one
    giving the smallest potential
    :math:`\sum_j \min(D(x_j)^2, \lVert x_j - x_{cand}\rVert^2)`
    is kept (first one on ties).

    With weights :math:`w_i` (scikit-learn's ``sample_weight``) every
    probability and potential is weighted: the first centre is drawn with
    :math:`P(x_i) = w_i / \sum_j w_j`, the later ones with
    :math:`P(x_i) = w_i D(x_i)^2 / \sum_j w_j D(x_j)^2`, and the potential is
    :math:`\sum_j w_j \min(D(x_j)^2, \lVert x_j - x_{cand}\rVert^2)`. With
    integer weights this is the distribution of k-means++ on the data with
    row ``i`` repeated :math:`w_i` times; a row of weight 0 is never chosen.
    No weights means every :math:`w_i = 1`: ``sample_weight=np.ones(n)``
    draws the same centres as ``None``.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    k : int
        Number of centres, ``1 <= k <= n``.
    random_state : None, int or numpy.random.Generator
        Source of randomness.
    n_local_trials : int, optional
        Candidates per step. ``None`` (default) means
        :math:`2 + \lfloor \ln k \rfloor`, scikit-learn's greedy k-means++;
        ``1`` is the paper's plain version.
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every row, not all zero (``None``: all 1).

    Returns
    -------
    ndarray of shape (k, d), float64
        The initial centres (always data points, always finite).

    Warns
    -----
    DuplicatePointsWarning
        If ``X`` has fewer than ``k`` distinct points; the extra centres are
        then drawn with :math:`P(x_i) = w_i / \sum_j w_j`, and coincide with
        chosen centres.

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> C = kmeans_plusplus(X, 2, random_state=0)
    >>> sorted(C[:, 0].tolist())  # one centre in each group
    [0.0, 10.0]
    """
    X = check_array(X, "X")
    n = X.shape[0]
    k = check_n_clusters(k, n)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(k))  # scikit-learn's greedy default
    L = check_int(n_local_trials, "n_local_trials", minimum=1)
    w = check_sample_weight(sample_weight, n)
    rng = check_random_state(random_state)
    # huge or tiny X and w: scaled by powers of two (exact, same draws)
    Xs, _ = safely_scaled(X)
    ones = np.broadcast_to(1.0, n)  # w = 1 for all: a view, no n numbers
    w, _ = safely_scaled(ones if w is None else w)

    points = prepare_points(Xs)  # X by columns, as the fast steps read it
    chosen = [draw_by_weight(rng, w)]  # first centre: P(x_i) = w_i / sum w
    closest = sq_dists_to(points, Xs[chosen[0]])  # D(x_i)^2
    for _ in range(1, k):
        cumulative = np.cumsum(w * closest)
        potential = cumulative[-1]  # sum of w_i D(x_i)^2
        if potential == 0:  # every point of positive weight is a centre
            chosen.append(draw_by_weight(rng, w))
            continue
        # L candidates, each x_i drawn with P(x_i) = w_i D(x_i)^2 / potential
        values = rng.random(L) * potential
        candidates = np.searchsorted(cumulative, values, side="right")
        last = np.searchsorted(cumulative, potential)  # last x_i: w_i D^2 > 0
        candidates = np.minimum(candidates, last)  # if a value rounded up
        # keep the one whose sum of w_i min(D(x_i)^2, |x_i - c|^2) is smallest
        best, closest = best_candidate(points, candidates, closest, w)
        chosen.append(best)
    centers = X[chosen]
    warn_if_too_few_distinct(X, centers, w)
    return centers
