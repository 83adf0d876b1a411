r"""k-means‖ seeding (Chapter 7; Bahmani et al., 2012).

k-means++ (Chapter 3) picks its ``k`` centres one after the other, and each
pick needs the distance of every point to the centres so far: ``k`` passes
over the data. k-means‖ ("k-means parallel") needs a handful:

1. one centre, drawn uniformly;
2. ``rounds`` times, in one pass each: with :math:`D^2(x)` the squared
   distance of ``x`` to the candidates so far and
   :math:`\phi = \sum_x D^2(x)` their cost, keep every point independently
   with probability :math:`\min(1, \ell D^2(x) / \phi)` as a new
   candidate (:math:`\ell` is the *oversampling*, ``2k`` by default: about
   :math:`\ell` candidates a round);
3. one more pass: weight each candidate by the number of points nearest
   to it;
4. recluster the candidates (a few dozen times ``k`` points, in memory) to
   ``k`` centres: weighted k-means++, then weighted Lloyd.

Step 2 is written so that a chunk of the data can be processed without
knowing the total cost :math:`\phi` of the pass:
:func:`draw_candidates` keeps every point with
:math:`u \phi_c < \ell D^2` for its chunk's own cost :math:`\phi_c \le \phi`
(a superset of the final draw) together with :math:`u` and :math:`D^2`, and
:func:`keep_drawn` applies the test :math:`u \phi < \ell D^2` once the
chunks' costs are added up. So every round is one pass, on one machine or
on many (:mod:`kmlib.dask`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._distance import nearest
from ._lloyd import ConvergenceWarning, lloyd
from ._seeding import DuplicatePointsWarning, kmeans_plusplus
from ._validation import (
    check_array,
    check_int,
    check_n_clusters,
    check_random_state,
    check_scalar,
)

__all__ = [
    "ParallelSeeding",
    "Draw",
    "draw_candidates",
    "keep_drawn",
    "attraction",
    "recluster",
    "check_parallel_params",
    "kmeans_parallel",
]


@dataclass(frozen=True)
class ParallelSeeding:
    """The outcome of :func:`kmeans_parallel`.

    Attributes
    ----------
    centers : ndarray of shape (k, d)
        The ``k`` initial centres.
    candidates : ndarray of shape (m, d)
        Every candidate drawn (the first one included).
    weights : ndarray of shape (m,)
        How many points are nearest to each candidate.
    n_passes : int
        Passes over the data: ``rounds + 1`` (k-means++ needs ``k - 1``,
        one per centre after the first).
    rounds : int
        Sampling rounds run.
    """

    centers: np.ndarray
    candidates: np.ndarray
    weights: np.ndarray
    n_passes: int
    rounds: int


@dataclass(frozen=True)
class Draw:
    """What one chunk contributes to a round (see :func:`draw_candidates`)."""

    points: np.ndarray
    u: np.ndarray
    sq_dists: np.ndarray
    cost: float


def draw_candidates(X, candidates, oversampling, seed) -> Draw:
    r"""One chunk's share of a k-means‖ round, before the total cost is known.

    With :math:`D^2` the squared distance of every row of ``X`` to its
    nearest candidate, :math:`\phi_c` their sum and uniform :math:`u` from
    ``seed``, keep the rows with :math:`u \phi_c < \ell D^2`.
    """
    X = check_array(X, "X")
    sq = nearest(X, candidates)[1]
    cost = float(sq.sum())
    u = np.random.default_rng(seed).random(X.shape[0])
    kept = u * cost < oversampling * sq
    return Draw(X[kept], u[kept], sq[kept], cost)


def keep_drawn(draws, oversampling) -> np.ndarray:
    r"""The new candidates of a round: :math:`u \phi < \ell D^2` with the total cost."""
    cost = sum(draw.cost for draw in draws)  # phi, chunk after chunk
    d = draws[0].points.shape[1]
    kept = [
        draw.points[draw.u * cost < oversampling * draw.sq_dists]
        for draw in draws
    ]
    return np.concatenate(kept) if kept else np.empty((0, d))


def attraction(X, candidates) -> np.ndarray:
    """How many rows of ``X`` are nearest to each candidate (ties: lowest index)."""
    labels = nearest(check_array(X, "X"), candidates)[0]
    return np.bincount(labels, minlength=len(candidates)).astype(np.float64)


def recluster(candidates, weights, k, rng) -> np.ndarray:
    """``k`` centres from the weighted candidates: k-means++, then Lloyd.

    With fewer than ``k`` candidates of positive weight (fewer than ``k``
    distinct points), the missing centres repeat candidates drawn by weight,
    with a :class:`kmlib.DuplicatePointsWarning`.
    """
    keep = weights > 0
    C, w = candidates[keep], weights[keep]
    if len(C) < k:
        warnings.warn(
            f"k-means‖ found only {len(C)} distinct candidates for k={k}; "
            "some centres repeat",
            DuplicatePointsWarning,
            stacklevel=3,
        )
        extra = rng.choice(len(C), size=k - len(C), p=w / w.sum())
        return np.vstack([C, C[extra]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DuplicatePointsWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        init = kmeans_plusplus(C, k, random_state=rng, sample_weight=w)
        return lloyd(C, init, sample_weight=w).centers


def check_parallel_params(k, n, oversampling, rounds):
    """Validated ``(k, oversampling, rounds)``; ``oversampling=None`` means ``2k``."""
    k = check_n_clusters(k, n, "k")
    if oversampling is None:
        oversampling = 2 * k
    oversampling = check_scalar(oversampling, "oversampling", minimum=0.0)
    if oversampling == 0:
        raise ValueError("oversampling must be > 0; got 0")
    return k, float(oversampling), check_int(rounds, "rounds", minimum=1)


def kmeans_parallel(
    X, k, *, oversampling=None, rounds=5, random_state=None
) -> ParallelSeeding:
    r"""k-means‖ seeding (Bahmani et al., 2012): k-means++ in a few passes.

    1. One candidate, a row drawn uniformly.
    2. ``rounds`` passes: keep each row with probability
       :math:`\min(1, \ell D^2(x) / \phi)` as a new candidate, where
       :math:`D^2(x)` is its squared distance to the candidates so far and
       :math:`\phi = \sum_x D^2(x)`.
    3. One pass: weight each candidate by the rows nearest to it.
    4. Recluster the candidates to ``k`` centres: weighted
       :func:`kmlib.kmeans_plusplus`, then weighted :func:`kmlib.lloyd`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    k : int
        Number of centres, ``1 <= k <= n``.
    oversampling : float, optional
        :math:`\ell`, the expected number of candidates per round; ``None``
        (default) means ``2 * k``.
    rounds : int, default 5
        Sampling rounds (passes over the data in step 2).
    random_state : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ParallelSeeding
        The centres, the weighted candidates and ``n_passes = rounds + 1``.

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> seeding = kmeans_parallel(X, 2, random_state=0)
    >>> sorted(seeding.centers[:, 0].tolist()), seeding.n_passes
    ([0.0, 10.0], 6)
    """
    X = check_array(X, "X")
    k, ell, rounds = check_parallel_params(k, len(X), oversampling, rounds)
    rng = check_random_state(random_state)
    candidates = X[[rng.integers(len(X))]]  # 1. one row, uniformly
    for _ in range(rounds):  # 2. one pass per round
        seed = rng.integers(2**63)
        draw = draw_candidates(X, candidates, ell, seed)
        candidates = np.vstack([candidates, keep_drawn([draw], ell)])
    weights = attraction(X, candidates)  # 3. one more pass
    centers = recluster(candidates, weights, k, rng)  # 4. in memory
    return ParallelSeeding(centers, candidates, weights, rounds + 1, rounds)
