r"""DBSCAN: clusters as dense regions, with noise (Chapter 5).

Definitions, for a radius :math:`\varepsilon > 0` and an integer
``min_samples`` :math:`m \ge 1`:

- the :math:`\varepsilon`-neighbourhood of a point :math:`x_i` is
  :math:`N(i) = \{\, j : \lVert x_i - x_j \rVert \le \varepsilon \,\}`;
  it **includes** :math:`i` itself and the boundary (``<=``);
- :math:`x_i` is a **core point** when :math:`|N(i)| \ge m`;
- two core points are connected when they are neighbours; a cluster is a
  connected component of core points plus the non-core points (**border
  points**) within :math:`\varepsilon` of one of its core points;
- the other points are **noise**, label ``-1``.

:func:`dbscan` is the algorithm as the chapter derives it: all
neighbourhoods first, then the core points, then clusters grown wave by wave
from each unlabelled core point in index order. The neighbourhoods are one
step, :func:`kmlib._kernels.grid.grid_neighbourhoods` (a grid index of cells
of side :math:`\varepsilon` in low dimension, chunked brute force otherwise;
no ``(n, n)`` matrix), and :func:`k_distance` likewise calls
``kmlib._kernels.grid.kth_neighbour_distances``.

Numbering and ties follow scikit-learn exactly (its ``dbscan_inner``):
points are visited in index order; an unlabelled core point opens the next
cluster id and a depth-first search gives that id to everything reachable
from it. The breadth-first search here (one wave of neighbourhoods at a
time) reaches the same points, so cluster ids are ordered by each cluster's
smallest core index, and a border point within :math:`\varepsilon` of
several clusters goes to the first one opened, the **smallest id**. Labels
therefore equal
``sklearn.cluster.DBSCAN(eps, min_samples=min_samples).fit(X).labels_``
for the same row order (up to rounding when a distance is within
floating-point error of :math:`\varepsilon`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._blocks import safely_scaled, scaled_radius
from ._kernels.grid import grid_neighbourhoods, kth_neighbour_distances
from ._validation import (
    check_array,
    check_bool,
    check_int,
    check_representable,
    check_scalar,
)

__all__ = ["dbscan", "k_distance", "DBSCANReplay"]


@dataclass(frozen=True, eq=False)
class DBSCANReplay:
    """A run of :func:`dbscan`, wave by wave (``record=True``), for animations.

    Frame 0 shows nothing reached; then, for each cluster, one frame when
    its first core point opens it and one per wave of the expansion; the last
    frame marks the points never reached as noise and equals the labels.

    Attributes
    ----------
    labels : ndarray of shape (n,), int64
        The labels of the run (its last frame).
    core : ndarray of shape (n,), bool
        The core-point mask.
    joined_at : ndarray of shape (n,), int64
        The frame in which each point gets its label (for noise: the last).
    active : tuple of int ndarrays
        For each frame, the core points whose neighbourhoods were searched
        to make it (empty for the first, the opening and the last frames).
    titles : tuple of str
        One title per frame.
    frames : tuple of int ndarrays of shape (n,)
        The labels of each frame: a cluster id, ``-1`` for noise, ``-2`` for
        a point not reached yet. Built from ``labels`` and ``joined_at`` on
        first access (the replay itself stores O(n) numbers; the frames
        take n per frame).
    """

    labels: np.ndarray
    core: np.ndarray
    joined_at: np.ndarray
    active: tuple
    titles: tuple

    @cached_property
    def frames(self) -> tuple:
        """The label array of every frame (``-2``: not reached yet)."""
        return tuple(
            np.where(self.joined_at <= frame, self.labels, -2)
            for frame in range(len(self.titles))
        )


class WaveRecorder:
    """Collects a :class:`DBSCANReplay` while :func:`dbscan` runs."""

    def __init__(self, core: np.ndarray):
        self.core = core
        self.joined_at = np.full(core.size, -1, dtype=np.int64)
        self.active = [np.empty(0, dtype=np.int64)]
        self.titles = ["start: nothing reached"]
        self.cluster, self.step = -1, 0

    def frame(self, joined, active, title: str):
        """A new frame: the points ``joined`` get their label in it."""
        self.joined_at[joined] = len(self.titles)
        self.active.append(np.asarray(active, dtype=np.int64))
        self.titles.append(title)

    def opened(self, point: int):
        """Core point ``point`` opens the next cluster."""
        self.cluster, self.step = self.cluster + 1, 0
        self.frame(
            [point], [], f"cluster {self.cluster} opened at point {point}"
        )

    def grew(self, wave: np.ndarray, new: np.ndarray):
        """The neighbourhoods of the core points ``wave`` bring in ``new``."""
        self.step += 1
        joins = "1 point joins" if new.size == 1 else f"{new.size} points join"
        self.frame(
            new, wave, f"cluster {self.cluster}, wave {self.step}: {joins}"
        )

    def replay(self, labels: np.ndarray) -> DBSCANReplay:
        """The finished replay: the points never reached become noise."""
        noise = self.joined_at == -1
        self.frame(noise, [], f"done: {int(noise.sum())} noise points")
        return DBSCANReplay(
            labels.copy(),
            self.core.copy(),
            self.joined_at,
            tuple(self.active),
            tuple(self.titles),
        )


#: kept for callers of the old name: :func:`kmlib._validation.check_bool`
check_flag = check_bool


def dbscan(X, eps=0.5, min_samples=5, *, return_core=False, record=False):
    r"""Density-based clustering with noise (DBSCAN; Ester et al., 1996).

    With :math:`N(i) = \{ j : \lVert x_i - x_j \rVert \le \varepsilon \}`
    (``i`` included), :math:`x_i` is a core point when
    :math:`|N(i)| \ge m`. Visiting the core points in index order, an
    unlabelled one opens a new cluster, which grows wave by wave: every
    unlabelled point in the neighbourhoods of the wave's core points joins
    it, and the core points among them form the next wave. A border point
    (not core) joins the first cluster that reaches it and is not expanded;
    points never reached are noise (``-1``).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    eps : float > 0, default 0.5
        Neighbourhood radius; a point's neighbourhood is every point at
        distance ``<= eps``, itself included.
    min_samples : int >= 1, default 5
        A point is a core point when its neighbourhood (itself included)
        has at least ``min_samples`` points. ``min_samples=1`` makes every
        point core (no noise).
    return_core : bool, default False
        Also return the core-point mask.
    record : bool, default False
        Also return the run wave by wave, a :class:`DBSCANReplay` (what the
        chapter's animation draws). Meant for small data: the replay holds
        O(n) numbers, but its ``frames`` hold ``n`` labels per frame, and
        there are about as many frames as waves.

    Returns
    -------
    labels : ndarray of shape (n,), int64
        Cluster ids ``0, 1, ...`` in order of each cluster's smallest core
        index; ``-1`` for noise. Equal to scikit-learn's ``DBSCAN`` labels
        for the same row order.
    core : ndarray of shape (n,), bool
        Only with ``return_core=True``: ``core[i]`` is True for core points.
    replay : DBSCANReplay
        Only with ``record=True``, after ``core`` if both are asked for:
        ``labels, core, replay = dbscan(..., return_core=True, record=True)``.

    Examples
    --------
    >>> dbscan([[0.0], [1.0], [2.0], [10.0]], eps=1.0, min_samples=2)
    array([ 0,  0,  0, -1])
    >>> labels, core = dbscan([[0], [1], [2], [3]], eps=1, min_samples=3,
    ...                       return_core=True)
    >>> labels.tolist(), core.tolist()
    ([0, 0, 0, 0], [False, True, True, False])
    >>> labels, replay = dbscan([[0], [1], [2], [5]], eps=1, min_samples=2,
    ...                         record=True)
    >>> for title, frame in zip(replay.titles, replay.frames):
    ...     print(f"{title:34s} {frame}")
    start: nothing reached             [-2 -2 -2 -2]
    cluster 0 opened at point 0        [ 0 -2 -2 -2]
    cluster 0, wave 1: 1 point joins   [ 0  0 -2 -2]
    cluster 0, wave 2: 1 point joins   [ 0  0  0 -2]
    done: 1 noise points               [ 0  0  0 -1]
    """
    X = check_array(X, "X")
    eps = check_scalar(eps, "eps", minimum=0.0, include_minimum=False)
    min_samples = check_int(min_samples, "min_samples", minimum=1)
    return_core = check_bool(return_core, "return_core")
    record = check_bool(record, "record")
    X, e = safely_scaled(X)  # huge or tiny: X and eps times 2**e, exactly
    neighbourhoods = grid_neighbourhoods(X, scaled_radius(eps, e))  # N(i)
    core = neighbourhoods.sizes >= min_samples
    labels = np.full(len(X), -1, dtype=np.int64)  # -1: not reached (yet)
    waves = WaveRecorder(core) if record else None
    cluster = 0
    for i in np.flatnonzero(core):  # the core points, in index order
        if labels[i] != -1:
            continue  # already in a cluster
        labels[i] = cluster  # an unlabelled core point opens a cluster
        if record:
            waves.opened(i)
        wave = np.array([i])  # the core points to expand
        while wave.size:
            reached = neighbourhoods.of(wave)  # the union of N(p), p in wave
            new = reached[labels[reached] == -1]
            labels[new] = cluster  # a border point keeps the first cluster
            if record and new.size:
                waves.grew(wave, new)
            wave = new[core[new]]  # only core points are expanded
        cluster += 1
    outputs = (labels, core) if return_core else (labels,)
    if record:
        outputs += (waves.replay(labels),)
    return outputs if len(outputs) > 1 else labels


def k_distance(X, k):
    r"""Each point's distance to its ``k``-th nearest neighbour, largest first.

    The point itself is **not** counted: for a point :math:`x_i` the
    distances :math:`\lVert x_i - x_j \rVert`, :math:`j \ne i`, are sorted
    and the ``k``-th smallest is kept (a duplicate of :math:`x_i` at
    another index counts, at distance 0).

    To choose ``eps`` for ``dbscan(X, eps, min_samples)``, plot
    ``k_distance(X, min_samples - 1)`` and look for the knee. The reason for
    the ``- 1``: DBSCAN's neighbourhood counts the point itself, so
    :math:`x_i` is a core point exactly when its ``(min_samples - 1)``-th
    nearest *other* point is within ``eps``, that is when
    ``k_distance(X, min_samples - 1)`` of it is ``<= eps``. The number of
    values ``<= eps`` in the curve is then the number of core points.

    Parameters
    ----------
    X : array_like of shape (n, d)
    k : int, 1 <= k <= n - 1

    Returns
    -------
    ndarray of shape (n,), float64
        Sorted in decreasing order (the usual "k-distance plot").

    Notes
    -----
    No ``(n, n)`` matrix is formed: the distances come from one step,
    ``kmlib._kernels.grid.kth_neighbour_distances`` (a grid index for
    many points in low dimension, chunked brute force otherwise). Either
    way the values are exact sums of squares of coordinate differences, so
    they agree with scikit-learn's
    ``NearestNeighbors(n_neighbors=k).fit(X).kneighbors()``.

    Examples
    --------
    >>> k_distance([[0.0], [1.0], [3.0]], 1)
    array([2., 1., 1.])
    """
    X = check_array(X, "X", min_rows=2)
    k = check_int(k, "k", minimum=1, maximum=X.shape[0] - 1)
    X, e = safely_scaled(X)  # huge or tiny: times 2**e, exactly, and back
    distances = kth_neighbour_distances(X, k)  # to the k-th nearest other point
    distances = np.ldexp(np.sort(distances)[::-1], -e)
    return check_representable(distances, "X", "the k-distances")
