r"""Lloyd's assignment step across iterations: skip the points that cannot move.

Late in a Lloyd run most points keep their centre, and the centres move
little. :class:`BoundedLabels` is the assignment step of a whole run. It
remembers, for every point, a lower bound :math:`g_i` on the *gap*
:math:`\lVert x_i - c_{(2)} \rVert - \lVert x_i - c_{\ell_i} \rVert` between
its second-nearest centre and its own (Hamerly, 2010, keeps the two ends as
separate bounds). When the centres move by
:math:`\delta_j = \lVert c^{new}_j - c_j \rVert`, the triangle inequality
keeps it a bound after :math:`g_i \leftarrow g_i - \delta_{\ell_i} -
\max_j \delta_j`: one pass over ``n`` numbers instead of ``n k`` distances.
A point whose gap stays above a margin keeps its label; the others (the
*candidates*) go through the single-precision screen of
:mod:`kmlib._kernels.screen`, with its exact recheck of the close calls,
which also gives them fresh gaps. The labels are those of
:func:`kmlib._kernels.screen.exact_labels`, ties included, at every call.

Notes
-----
**Why a skipped label is exact.** The exact stage computes
:math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j` in double precision with an
error of at most :math:`(d + 2)\, 2^{-53} S` per entry, with
:math:`S = 2 \max_j \lVert c_j \rVert \max_i \lVert x_i \rVert + \max_j
\lVert c_j \rVert^2`; those entries are the squared distances minus
:math:`\lVert x_i \rVert^2`, the same for every centre. A point is skipped
only when :math:`g_i > \sqrt{s}`, with :math:`s = 2 (d + 6)\, 2^{-24} S` the
screen's slack. Then for every other centre
:math:`\lVert x_i - c_j \rVert^2 - \lVert x_i - c_{\ell_i} \rVert^2 \ge
g_i^2 > s`, more than twice the exact stage's error: every other centre's
computed entry is larger than its own centre's, so the first minimum the
exact stage would find is its current label, with no tie.

**Why the gaps stay bounds in floating point.** Each operation on them
errs on the safe side. :math:`\delta_j` is inflated by
:math:`(d + 4)\, 2^{-52}` (relative) for the roundings of its sum of squares
and square root, and the decrement :math:`\delta_{\ell_i} + \max_j \delta_j`
by :math:`2^{-51}` (relative) and :math:`2^{-52} (G + 2 \max)` (absolute,
with :math:`G` the largest gap stored), more than the roundings of the sum
and of the subtraction. A fresh gap comes from the screen's single-
precision entries, each within :math:`s/2` of the true one: the nearest
distance is bounded above by the square root of the smallest entry plus
:math:`s` plus :math:`\lVert x_i \rVert^2`, the second-nearest below by the
square root of the second smallest minus :math:`s` plus
:math:`\lVert x_i \rVert^2`, with :math:`(d + 2)\, 2^{-52}
\lVert x_i \rVert^2` and a factor :math:`1 \pm 2^{-48}` for the roundings
of these sums and roots. A close call (two centres within the slack) gets
the gap :math:`-\infty`: it is a candidate at every call, and its label is
settled as the screen settles close calls.

**When there is nothing to remember.** The first call, a call with other
centres' shape, and a call where more than half of the points are
candidates screen every point, in contiguous blocks, with the screen's rule
for close calls everywhere (then all is exact); a call whose centres make the
screen fall back to the exact stage (a centre very far from the data)
forgets every gap. With one centre every label is 0.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .._blocks import sq_norms
from .screen import (
    SCREEN_BLOCK,
    ScreenPoints,
    close_calls_everywhere,
    every_block,
    exact_blocks,
    on_one_scale,
    screen_applies,
    screen_block,
    screen_matrix,
    screen_slack,
    screened_labels,
    settle,
)

__all__ = ["BoundedLabels", "MIN_FEATURES", "screened_step"]

#: Bounds pay off from this many features: below it the single-precision
#: product is so cheap that refreshing a point's bound costs about as much as
#: screening it again. Measured on the cases of ``benchmarks/run.py``, 30
#: assignment steps of a Lloyd run took 86 ms instead of 143 ms with bounds
#: at (10^5, 16, 32), but 57 ms instead of 50 ms at (10^5, 2, 8) and 676 ms
#: instead of 472 ms at (10^6, 3, 16).
MIN_FEATURES = 8

#: Added to the entries that are not a point's nearest, to find its second.
_FAR32 = np.float32(2.0**100)


def screened_step(points: ScreenPoints):
    """The screened assignment step of a Lloyd run: with bounds when they pay off.

    Returns a function of the centres that gives
    :func:`kmlib._kernels.screen.exact_labels`'s labels: a
    :class:`BoundedLabels` from :data:`MIN_FEATURES` features, else
    :func:`kmlib._kernels.screen.screened_labels` on ``points``.
    """
    if points.rows.shape[1] >= MIN_FEATURES:
        return BoundedLabels(points)
    return partial(screened_labels, points)


class BoundedLabels:
    """The assignment step of one Lloyd run: exact labels, skipping the points that cannot move.

    Call it with the run's centres (in the units of the data given to
    :func:`kmlib._kernels.screen.prepare`), once per iteration; it returns
    the labels of :func:`kmlib._kernels.screen.exact_labels`, a new array
    each time. ``screened`` holds how many points the last call screened.

    Parameters
    ----------
    points : ScreenPoints
        The run's points, prepared with ``screen=True``.
    """

    def __init__(self, points: ScreenPoints):
        n, d = points.rows.shape
        self.points = points
        xx = sq_norms(points.rows)  # ||x_i||^2 in the scaled units
        self.sq_norms = xx.astype(np.float32)
        self.largest_sq_norm = float(xx.max(initial=0.0))
        self.labels = np.zeros(n, dtype=np.intp)
        self.gap = np.full(n, -np.inf, dtype=np.float32)  # <= d_(2) - d_(1)
        self.largest_gap = 0.0
        self.centers = None  # the scaled centres of the last call
        self.screened = n

    def __call__(self, C: np.ndarray) -> np.ndarray:
        rows, centers = on_one_scale(self.points, C)
        n, k = len(rows), len(centers)
        if k == 1:
            return np.zeros(n, dtype=np.intp)
        if not screen_applies(self.points, rows, centers):
            self.centers = None
            self.labels = np.empty(n, dtype=np.intp)
            exact_blocks(rows, centers, self.labels, every_block(n))
            self.gap[:], self.screened = -np.inf, n
            return self.labels.copy()
        S = self.extent(centers)
        slack = float(screen_slack(S, centers.shape[1]))
        candidates = None  # every point
        if self.centers is not None and self.centers.shape == centers.shape:
            self.narrow(centers)
            far_enough = self.gap > np.float32(np.sqrt(slack) * (1 + 2.0**-22))
            candidates = np.flatnonzero(~far_enough)
            if candidates.size > n // 2:
                candidates = None  # cheaper to screen them all in place
        self.centers = centers
        self.screen(centers, slack, S, candidates)
        return self.labels.copy()

    def extent(self, centers: np.ndarray) -> float:
        """``S``: a bound on the magnitudes of the terms of every entry."""
        c_max_sq = float(sq_norms(centers).max())
        return 2 * np.sqrt(c_max_sq * self.largest_sq_norm) + c_max_sq

    def narrow(self, centers: np.ndarray) -> None:
        """Lower every gap by how far the centres moved since the last call."""
        d = centers.shape[1]
        delta = np.sqrt(sq_norms(centers - self.centers))
        delta *= 1 + (d + 4) * 2.0**-52
        drop = (delta + delta.max()) * (1 + 2.0**-22)  # rounded up to float32
        drop += 2.0**-22 * (self.largest_gap + drop.max())
        self.gap -= drop.astype(np.float32).take(self.labels)

    def screen(self, centers, slack: float, S: float, candidates) -> None:
        """Screen the candidates (every point if None): labels and fresh gaps."""
        n = len(self.labels)
        A, weights = screen_matrix(centers)
        total = n if candidates is None else candidates.size
        self.screened = total
        undecided = []
        for start in range(0, total, SCREEN_BLOCK):
            stop = min(start + SCREEN_BLOCK, total)
            if candidates is None:  # a slice: nothing is copied
                index, which = slice(start, stop), np.arange(start, stop)
            else:
                index = which = candidates[start:stop]
            close = which[self.refresh(A, weights, slack, S, index)]
            undecided.append(close)
            if (
                candidates is None
                and start == 0
                and close_calls_everywhere(close, stop)
            ):
                self.gap[:] = -np.inf
                every = every_block(n)
                exact_blocks(self.points.rows, centers, self.labels, every)
                return
        close = np.concatenate(undecided) if undecided else np.zeros(0, int)
        if close.size:
            self.gap[close] = -np.inf
            settle(self.points.rows, centers, self.labels, close)

    def refresh(self, A, weights, slack, S, index) -> np.ndarray:
        """Labels and fresh gaps of the points ``index`` (a slice or indices).

        Returns the positions, within ``index``, of the close calls.
        """
        columns = self.points.columns[:, index]
        labels = np.empty(columns.shape[1], dtype=np.intp)
        D, threshold, near, close = screen_block(
            A, weights, np.float32(slack), columns, labels
        )
        self.labels[index] = labels
        others = near * _FAR32
        others += D
        second = others.min(axis=0)  # the second smallest (the rest if close)
        # Roundings of the single-precision sums below, with ||x||^2 rounded.
        sums = 2.0**-21 * (S + self.largest_sq_norm)
        xx = self.sq_norms[index]
        second -= np.float32((slack + sums) * (1 + 2.0**-22))
        second += xx
        np.maximum(second, 0.0, out=second)
        np.sqrt(second, out=second)  # <= the second-nearest distance
        threshold += xx
        threshold += np.float32(sums * (1 + 2.0**-22))
        np.sqrt(threshold, out=threshold)  # >= the nearest distance
        gap = np.subtract(second, threshold, out=second)
        reach = np.sqrt(S + self.largest_sq_norm)  # >= every distance
        gap -= np.float32(2.0**-20 * reach)  # the roundings of the roots
        gap[close] = -np.inf
        self.largest_gap = max(self.largest_gap, float(gap.max()))
        self.gap[index] = gap
        return close
