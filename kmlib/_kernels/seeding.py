r"""k-means++'s local trials: every candidate screened by one matrix product.

Notes
-----
:func:`best_candidate` is the step "of the ``L`` candidates, keep the one
whose potential :math:`\phi_l = \sum_i w_i \min(D_i^2, \lVert x_i - c_l
\rVert^2)` is smallest, then update :math:`D^2`" of
:func:`kmlib.kmeans_plusplus`, and it returns exactly what that readable
step returns when every squared distance is computed from the differences,
feature by feature in order (:func:`sq_dists_to`, bit for bit
``sum((X[:, j] - c[j]) ** 2 for j in range(d))``) and every potential is the
pairwise sum ``(w * trial).sum()``: the same candidate (the first one on
ties) and, bit for bit, the same :math:`D^2`. So a duplicate of a chosen
centre has :math:`D^2 = 0` exactly and is never drawn, and an offset added
to the data changes the draws only through the rounding of the differences.

On small data (:data:`DENSE_WORK`) it *is* the readable step, whose few
numpy calls cost less than the screen's fixed costs. On large data it does
much less work, in two stages, with :math:`u = 2^{-53}`,
:math:`\gamma_m = mu/(1 - mu)` and :math:`s = \lVert x_i\rVert^2 +
\lVert c_l\rVert^2`:

1. **Screen**, all candidates at once, with the GEMM identity. In blocks of
   rows sized by :func:`kmlib._blocks.block_rows`, one matrix product of
   the coefficients ``[-2 c_l, (1 - kappa) |c_l|^2, 1]`` (``(L, d + 2)``)
   with the points' columns, a row of ones and a row holding
   :math:`(1 - \kappa)\lVert x_i\rVert^2 - D_i^2` gives

   .. math::

      g_{li} = (1 - \kappa)\lVert c_l\rVert^2 - 2\, c_l \cdot x_i
      + (1 - \kappa)\lVert x_i\rVert^2 - D_i^2
      \approx \lVert x_i - c_l\rVert^2 - D_i^2 - \kappa s .

   Whatever the order of the sums, with or without FMA (Higham, *Accuracy
   and Stability of Numerical Algorithms*, §3.1), its rounding error is at
   most :math:`(3d + 6)us + (d + 3)uD_i^2`; if :math:`D_i^2 > 4s` then
   :math:`g_{li} < 0` regardless, otherwise the error is at most
   :math:`(7d + 18)us`, and the difference formula errs by at most
   :math:`\gamma_{d+2}\lVert x_i - c_l\rVert^2 \le (2d + 4)us`.
   :math:`\kappa` is the power of two at least :math:`2(9d + 24)u`, more
   than twice their sum (and :math:`1 - \kappa` is exact), and :math:`\eta`,
   a few subnormals, covers underflow. So :math:`g_{li} > \eta` proves that
   :math:`\lVert x_i - c_l\rVert^2` *as computed from the differences* is
   at least :math:`D_i^2`: the point's term of :math:`\phi_l` is
   :math:`w_i D_i^2`, exactly. NaN (overflowing squares) proves nothing.
   Far from the origin the margin :math:`\kappa s` grows and fewer points
   are proven far: that costs time, never exactness.
2. **Choose.** The screen also estimates :math:`\phi_l \approx \sum_i w_i
   D_i^2 + \sum_i w_i \min(0, g_{li})`, within a proven bound :math:`E_l`:
   the per-point error, at most :math:`2\kappa s + (d + 3)uD_i^2 + \eta` at
   the points not proven far, summed with the weights, plus about
   :math:`(n + \log_2 n + d)u` times the sums for their own rounding, all
   doubled (:data:`SAFETY`). If one candidate's interval lies below all the
   others, it is the readable step's choice. Otherwise (near-ties,
   duplicate points, huge offsets, NaN) the contenders' potentials are
   computed exactly as the readable step computes them and compared in
   order. Candidates with identical coordinates have identical potentials:
   only the first is evaluated. Last, :math:`D^2` is recomputed from the
   differences wherever the winner's screen did not prove the point far.

The work per centre: one ``(L, d + 2) x (d + 2, n)`` product, three passes
over an ``(L, block)`` buffer that is reused from block to block and from
step to step (a fresh one per block costs more than the product, in page
faults), and differences at the points that the new centre takes over.
Small sums use numpy's own loops rather than BLAS, whose threads would
have to wake for little work. Memory: one copy of the data by columns,
``n L`` bytes of flags, a few ``(n,)`` vectors and blocks of at most
:data:`kmlib._blocks.PIECE_ROWS` points (and :data:`kmlib._blocks.WORKING_MEMORY_BYTES`);
never an ``(L, n, d)`` array. Fresh memory costs page faults on first touch,
several microseconds per page on the machine this was measured on, so the
kernel keeps what it allocates small: its buffers are reused (and
:func:`kmlib.kmeans_plusplus` passes unit weights as a read-only view), and
no ``(n,)`` vector is kept that a block can compute.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._blocks import PIECE_ROWS, block_rows, row_blocks

__all__ = ["Points", "prepare_points", "sq_dists_to", "best_candidate"]

#: Unit roundoff of float64.
UNIT_ROUNDOFF = 2.0**-53

#: Safety factor on every proven error bound of this module.
SAFETY = 2.0

#: Rows per block when the data are copied by columns.
TRANSPOSE_ROWS = 4096

#: From this many features a point's row is a cache line or more, and a
#: few points are gathered faster as whole rows than from every column
#: (measured: 7-13 % less time for the whole seeding at 16 features; at 2
#: and 3 features, 5 and 17 % more).
WHOLE_ROWS = 8

#: Below ``n * L * (d + 2)`` of this, the readable step itself is faster than the screen.
DENSE_WORK = 2**18


class Points(NamedTuple):
    """The data as the steps below read them (made once per seeding)."""

    augmented: (
        np.ndarray
    )  #: (d + 2, n): X's columns, ones, the screen's threshold
    columns: np.ndarray  #: (d, n): view of the first d rows, feature by feature
    rows: (
        np.ndarray
    )  #: (n, d): X itself (not a copy), to gather a few points from
    sq_norms: np.ndarray  #: (n,): |x_i|^2, for the error bounds
    buffers: dict  #: the screen's work arrays, reused from step to step


def buffer(points: Points, name: str, size: int) -> np.ndarray:
    """A float64 work array of at least ``size`` items, kept in ``points`` for the next steps.

    Fresh large arrays cost page faults on first touch, more than the
    arithmetic done in them; reusing one costs nothing.
    """
    array = points.buffers.get(name)
    if array is None or array.size < size:
        array = points.buffers[name] = np.empty(size)
    return array[:size]


def screen_margin(d: int) -> tuple[float, float]:
    r"""``(kappa, eta)`` of the screen for ``d`` features.

    ``kappa`` is the smallest power of two at least ``SAFETY`` times
    :math:`(9d + 24)\,u`; ``eta`` covers underflow, :math:`(8d + 32)` times
    the smallest subnormal.
    """
    kappa = 2.0 ** math.ceil(math.log2(SAFETY * (9 * d + 24) * UNIT_ROUNDOFF))
    eta = (8 * d + 32) * 2.0**-1074
    return kappa, eta


def prepare_points(X: np.ndarray) -> Points:
    """``X`` (n, d) by columns, with a row of ones and squared norms: one copy of the data."""
    n, d = X.shape
    augmented = np.empty((d + 2, n))
    sq_norms = np.empty(
        n
    )  # any rounding: they only feed the screen and its bounds
    for block in row_blocks(n, TRANSPOSE_ROWS):  # in cache-sized blocks: faster
        augmented[:d, block] = X[block].T
        sq_norms[block] = np.einsum("ij,ij->i", X[block], X[block])
    augmented[d] = 1.0  # row d + 1 is written by every screen
    columns = augmented[:d]
    return Points(augmented, columns, X, sq_norms, {})


def column_sum_of_squares(columns: np.ndarray, c=None) -> np.ndarray:
    r""":math:`\sum_j (x_j - c_j)^2` for every column ``x`` of ``columns`` (d, n).

    Added feature by feature, in order; ``c=None`` means the origin. One
    ``(n,)`` temporary besides the result, never an ``(n, d)`` array.
    """
    out = np.empty(columns.shape[1])
    term = np.empty(columns.shape[1]) if len(columns) > 1 else out
    for j, feature in enumerate(columns):
        target = out if j == 0 else term
        if c is None:
            np.multiply(feature, feature, out=target)
        else:
            np.subtract(feature, c[j], out=target)
            target *= target
        if j > 0:
            out += term
    return out


def sq_dists_to(points: Points, c, rows=None) -> np.ndarray:
    r"""Squared distances :math:`\lVert x_i - c\rVert^2` from the differences.

    Feature by feature, in order: bit for bit
    ``sum((X[:, j] - c[j]) ** 2 for j in range(d))``, also at any subset
    ``rows`` (indices) of the points, since each point's sum depends on it
    alone. The subset is gathered in blocks of bounded size: from the
    columns, or from the points as rows from :data:`WHOLE_ROWS` features on.
    """
    c = np.asarray(c, dtype=np.float64)
    if rows is None:
        return column_sum_of_squares(points.columns, c)
    d = points.columns.shape[0]
    out = np.empty(len(rows))
    for part in row_blocks(len(rows), block_rows(len(rows), d)):
        if d >= WHOLE_ROWS:  # (d, part), copies
            gathered = points.rows.take(rows[part], axis=0).T
        else:
            gathered = points.columns.take(rows[part], axis=1)
        gathered -= c[:, None]
        gathered *= gathered
        total = out[part]
        total[:] = gathered[0]
        for term in gathered[1:]:  # in order, as column_sum_of_squares
            total += term
    return out


def distinct_rows(C: np.ndarray) -> np.ndarray:
    """Positions of the first row of each distinct point among the rows of ``C``."""
    seen, first = set(), []
    for position, row in enumerate(C):
        key = row.tobytes()
        if key not in seen:
            seen.add(key)
            first.append(position)
    return np.array(first, dtype=np.intp)


def screen(points: Points, C, closest, weights):
    r"""Stage 1 for the candidate points ``C``: ``(far, savings, potential)``.

    ``far[l, i]`` is True where the screen proves that ``C[l]`` is no closer
    to ``x_i`` than ``sqrt(closest[i])``. With two or more candidates,
    ``savings[l]`` estimates :math:`\sum_i w_i \min(0, d^2_{il} - D_i^2)`
    and ``potential`` is :math:`\sum_i w_i D_i^2`, added block by block
    while the block is in cache.
    """
    d, n = points.columns.shape
    m = len(C)
    kappa, eta = screen_margin(d)
    # [-2 c, (1 - kappa)|c|^2, 1]: -2 is exact, 1 - kappa is exact
    coefficients = np.empty((m, d + 2))
    coefficients[:, :d] = -2.0 * C
    coefficients[:, d] = (1.0 - kappa) * np.einsum("ij,ij->i", C, C)
    coefficients[:, d + 1] = 1.0
    far = np.empty((m, n), dtype=bool)
    savings, potential = np.zeros(m), 0.0
    rows = min(block_rows(n, m + 1), PIECE_ROWS)
    gap_buffer = buffer(points, "gap", m * rows)
    for block in row_blocks(n, rows):
        size = block.stop - block.start
        gap = gap_buffer[: m * size].reshape(m, size)
        # minus the threshold, (1 - kappa)|x|^2 - D^2, as the last row
        minus_threshold = points.augmented[d + 1, block]
        np.multiply(points.sq_norms[block], 1.0 - kappa, out=minus_threshold)
        minus_threshold -= closest[block]
        np.matmul(coefficients, points.augmented[:, block], out=gap)  # the GEMM
        np.greater(gap, eta, out=far[:, block])  # NaN: not proven far
        if m > 1:
            np.minimum(gap, 0.0, out=gap)
            # numpy's own loops: a BLAS call would wake its threads for little
            # work, and cannot take unit weights given as a view of one number
            savings += np.einsum("ij,j->i", gap, weights[block])
            potential += np.einsum("i,i->", weights[block], closest[block])
    return far, savings, potential


def weight_sums(points: Points, weights) -> tuple[float, float]:
    r""":math:`\sum_i w_i \lVert x_i\rVert^2` and :math:`\sum_i w_i`, once per seeding.

    Kept in ``points`` with the weights they belong to (compared by
    identity: a seeding passes the same weights to every step).
    """
    cached = points.buffers.get("weights")
    if cached is None or cached[0] is not weights:
        cached = points.buffers["weights"] = (
            weights,
            float(np.einsum("i,i->", weights, points.sq_norms)),
            float(weights.sum()),
        )
    return cached[1], cached[2]


def error_bounds(points: Points, C, savings, potential, weights) -> np.ndarray:
    r"""Proven bound on ``|potential + savings[l] - phi_l|`` for every candidate ``l``.

    The potential :math:`\sum w D^2` and the weight sums have relative
    errors below :math:`(n + 1) u`.
    """
    d, n = points.columns.shape
    kappa, eta = screen_margin(d)
    wx, total_weight = weight_sums(points, weights)
    margins = wx + total_weight * np.einsum("ij,ij->i", C, C)
    log_n = math.log2(max(n, 2))
    rounding = (n + log_n + d + 12) * potential + (n + log_n + 5) * np.abs(
        savings
    )
    return SAFETY * (
        2 * kappa * margins + 2 * eta * total_weight + UNIT_ROUNDOFF * rounding
    )


def exact_trial(points: Points, c, closest, far_row, weights):
    """The readable step for one candidate: ``(phi, rows, their new D^2)``."""
    rows = np.flatnonzero(~far_row)
    nearer = np.minimum(closest[rows], sq_dists_to(points, c, rows))
    weighted = weights * closest
    weighted[rows] = weights[rows] * nearer
    return weighted.sum(), rows, nearer


def update_closest(points: Points, c, closest, far_row) -> None:
    """``closest = min(closest, d(x, c)^2)`` where the screen did not prove it moot.

    With many such points, every distance, by contiguous columns (no
    gathers) and in blocks (small temporaries): at the other points the
    minimum is ``closest`` anyway.
    """
    rows = np.flatnonzero(~far_row)
    if len(rows) > len(closest) // 4:
        c = np.asarray(c, dtype=np.float64)
        for block in row_blocks(len(closest), PIECE_ROWS):
            part = closest[block]
            near = column_sum_of_squares(points.columns[:, block], c)
            np.minimum(part, near, out=part)
    else:
        closest[rows] = np.minimum(closest[rows], sq_dists_to(points, c, rows))


def readable_step(points: Points, C, closest, weights) -> int:
    """The readable step itself, for small data (the screen's fixed costs would dominate).

    Returns the position of the winner in ``C`` and updates ``closest``.
    """
    best = None
    for position, c in enumerate(C):
        trial = np.minimum(closest, sq_dists_to(points, c))
        potential = (weights * trial).sum()
        if best is None or potential < best[0]:
            best = potential, position, trial
    closest[:] = best[2]
    return best[1]


def best_candidate(points: Points, candidates, closest, weights):
    r"""The candidate of smallest potential, and :math:`D^2` updated with it.

    Equals, bit for bit, the readable step (``X`` the data, ``sq_dists(c)``
    the squared distances to ``c`` of :func:`sq_dists_to`)::

        best = None
        for c in candidates:
            trial = np.minimum(closest, sq_dists(X[c]))
            potential = (weights * trial).sum()
            if best is None or potential < best[0]:
                best = potential, c, trial
        return best[1], best[2]

    Parameters
    ----------
    points : Points
        The data, from :func:`prepare_points`.
    candidates : sequence of int
        Row indices of the candidates (repeats allowed).
    closest : ndarray of shape (n,)
        :math:`D_i^2`, the squared distance to the nearest chosen centre;
        **updated in place**.
    weights : ndarray of shape (n,)
        :math:`w_i \ge 0`.

    Returns
    -------
    best : int
        The chosen row index (the first candidate on ties).
    closest : ndarray of shape (n,)
        The same array, now :math:`\min(D_i^2, \lVert x_i - x_{best}\rVert^2)`.
    """
    candidates = np.asarray(candidates, dtype=np.intp)
    all_rows = points.columns[:, candidates].T
    first = distinct_rows(all_rows)
    C = np.ascontiguousarray(all_rows[first])
    if len(closest) * len(C) * (len(points.columns) + 2) <= DENSE_WORK:
        winner = readable_step(points, C, closest, weights)
        return int(candidates[first[winner]]), closest
    far, savings, potential = screen(points, C, closest, weights)
    winner, trial = 0, None
    if len(C) > 1:
        estimate = potential + savings
        bound = error_bounds(points, C, savings, potential, weights)
        contenders = np.flatnonzero(
            estimate - bound <= np.min(estimate + bound)
        )
        if not (np.isfinite(estimate).all() and np.isfinite(bound).all()):
            contenders = np.arange(len(C))
        winner = contenders[0]
        if len(contenders) > 1:  # not decided by the bounds: exactly, in order
            trials = [
                exact_trial(points, C[j], closest, far[j], weights)
                for j in contenders
            ]
            best = min(
                range(len(trials)), key=lambda j: trials[j][0]
            )  # first on ties
            winner, trial = contenders[best], trials[best]
    if trial is None:
        update_closest(points, C[winner], closest, far[winner])
    else:
        closest[trial[1]] = trial[2]
    return int(candidates[first[winner]]), closest
