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

Distances to a new centre are computed from the differences ``x - c``
directly (one ``(n, d)`` temporary per candidate), so a duplicate of a chosen
point has ``D^2 = 0`` exactly and is never drawn again. When the data hold
fewer distinct points than ``k``, the potential reaches 0 before ``k`` centres
are chosen: the remaining centres are then uniform data points (duplicates
of chosen ones) and a :class:`DuplicatePointsWarning` says so. No probability
is ever computed as ``0/0``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validation import check_array, check_int, check_n_clusters, check_random_state

__all__ = ["DuplicatePointsWarning", "kmeans_plusplus", "random_init"]


class DuplicatePointsWarning(UserWarning):
    """The data hold fewer distinct points than the number of centres asked for."""


def _duplicates_message(n_distinct: int, k: int) -> str:
    return (
        f"X has only {n_distinct} distinct point(s), fewer than k={k}; "
        f"some initial centres coincide (possibly due to duplicate points in X)"
    )


def _n_distinct(X: np.ndarray) -> int:
    """Number of distinct rows of ``X`` (sorts the rows: O(n log n))."""
    return int(np.unique(X, axis=0).shape[0])


def _sq_dist_to(X: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Squared distances from every row of ``X`` to one point ``c``, from differences."""
    diff = X - c
    return np.einsum("ij,ij->i", diff, diff)


def _random_init(X: np.ndarray, k: int, rng: np.random.Generator):
    """Forgy seeding on validated input: ``(centers, indices, enough_distinct)``."""
    indices = rng.choice(X.shape[0], size=k, replace=False)
    centers = X[indices].copy()
    enough = True
    if k > 1 and _n_distinct(centers) < k:  # only then can X be short of distinct points
        enough = _n_distinct(X) >= k
    return centers, indices, enough


def _kmeans_plusplus(X: np.ndarray, k: int, rng: np.random.Generator, n_local_trials: int | None):
    """k-means++ on validated input: ``(centers, indices, enough_distinct)``."""
    n, d = X.shape
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(k))
    centers = np.empty((k, d), dtype=np.float64)
    indices = np.empty(k, dtype=np.intp)

    indices[0] = rng.integers(n)  # first centre: uniform
    centers[0] = X[indices[0]]
    closest = _sq_dist_to(X, centers[0])  # D(x)^2 for the centres chosen so far
    enough = True
    for c in range(1, k):
        cumulative = np.cumsum(closest)
        potential = cumulative[-1]
        if potential <= 0.0:
            # Every point coincides with a chosen centre: fewer distinct points than k.
            enough = False
            indices[c] = rng.integers(n)
            centers[c] = X[indices[c]]
            continue
        # Draw L candidates with P(x_i) = D(x_i)^2 / potential. side="right" and
        # values < potential make the index land on a point with D^2 > 0.
        values = rng.random(n_local_trials) * potential
        candidates = np.searchsorted(cumulative, values, side="right")
        np.minimum(candidates, n - 1, out=candidates)
        best_potential = np.inf
        for candidate in candidates:
            trial = np.minimum(closest, _sq_dist_to(X, X[candidate]))
            trial_potential = trial.sum()
            if trial_potential < best_potential:  # strict: first candidate wins ties
                best_potential, best_candidate, best_closest = trial_potential, candidate, trial
        indices[c] = best_candidate
        centers[c] = X[best_candidate]
        closest = best_closest
    return centers, indices, enough


def random_init(X, k, *, random_state=None) -> np.ndarray:
    """``k`` distinct data points drawn uniformly at random (Forgy seeding).

    The rows are drawn without replacement, so no row is used twice; if the
    data hold fewer than ``k`` distinct points, some centres coincide and a
    :class:`DuplicatePointsWarning` says so.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    k : int
        Number of centres, ``1 <= k <= n``.
    random_state : None, int or numpy.random.Generator
        Source of randomness (see :func:`kmlib._validation.check_random_state`).

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
    k = check_n_clusters(k, X.shape[0])
    rng = check_random_state(random_state)
    centers, _, enough = _random_init(X, k, rng)
    if not enough:
        warnings.warn(_duplicates_message(_n_distinct(X), k), DuplicatePointsWarning, stacklevel=2)
    return centers


def kmeans_plusplus(X, k, *, random_state=None, n_local_trials=None) -> np.ndarray:
    r"""k-means++ seeding: D² sampling (Arthur & Vassilvitskii, 2007).

    The first centre is a data point drawn uniformly. Each later centre is a
    data point drawn with probability
    :math:`D(x_i)^2 / \sum_j D(x_j)^2`, where :math:`D(x)` is the distance
    from ``x`` to the nearest centre already chosen. With
    ``n_local_trials = L``, ``L`` candidates are drawn that way and the one
    giving the smallest potential :math:`\sum_j \min(D(x_j)^2, \lVert x_j - x_{cand}\rVert^2)`
    is kept (first one on ties).

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

    Returns
    -------
    ndarray of shape (k, d), float64
        The initial centres (always data points, always finite).

    Warns
    -----
    DuplicatePointsWarning
        If ``X`` has fewer than ``k`` distinct points; the extra centres are
        then uniform data points, which coincide with chosen centres.

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> C = kmeans_plusplus(X, 2, random_state=0)
    >>> sorted(C[:, 0].tolist())  # one centre in each group
    [0.0, 10.0]
    """
    X = check_array(X, "X")
    k = check_n_clusters(k, X.shape[0])
    if n_local_trials is not None:
        n_local_trials = check_int(n_local_trials, "n_local_trials", minimum=1)
    rng = check_random_state(random_state)
    centers, _, enough = _kmeans_plusplus(X, k, rng, n_local_trials)
    if not enough:
        warnings.warn(_duplicates_message(_n_distinct(X), k), DuplicatePointsWarning, stacklevel=2)
    return centers
