r"""Lloyd's assignment step, fast and still exact: a single-precision screen.

Lloyd's algorithm asks "which centre is nearest?" about the same points on
every iteration, and needs only the labels. :func:`exact_labels` answers it
in double precision, in blocks of :data:`EXACT_BLOCK` rows rounded exactly
as scikit-learn rounds them; :func:`screened_labels` gives the same labels
(ties included) several times faster, in two stages: a screen in single
precision that decides almost every point, and :func:`exact_labels` for the
few close calls. :func:`prepare` readies the points once per run.

Notes
-----
**Scaling.** :func:`prepare` multiplies the points by a power of two
:math:`2^e` that brings their largest coordinate into :math:`[1/2, 1)`, and
both stages multiply the centres by the same :math:`2^e`. Multiplying by a
power of two is exact and commutes with every rounding that follows, so
the labels are those of the unscaled data, bit for bit, whenever those
could be computed; and for huge or tiny data (subnormal coordinates
included) they are right where the squares of the unscaled numbers would
overflow or underflow. The exponent comes from ``frexp`` and the scaling
from a multiplication by ``2.0 ** e`` where that is a normal number and
from ``ldexp`` beyond (subnormal data), so that nothing overflows. A centre so
far away that its scaled square could overflow (beyond :math:`2^{500}`)
makes that call rescale to the centres' own size instead; so do data that
are all zero, which have no size of their own (tiny centres' squares would
underflow at the data's scale, 1, and tie).

**The exact stage** computes :math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j`
(``||x_i||^2`` is the same for every centre and is dropped) with one GEMM
per block of 256 rows, as scikit-learn's ``CHUNK_SIZE``, and takes the first
minimum. BLAS rounds an entry of a product depending on the product's shape
and the row's place in it, so a row is always computed within its whole
block: that is why exact ties (integer data such as the digits) break as in
scikit-learn. The blocks to recompute go to one batched product, a stack of
``(256, d)`` matrices that numpy multiplies one by one: consecutive blocks as
a view of the points, scattered ones gathered.

**Settling the close calls.** Most of the screen's close calls are not close
in double precision. Their rows alone get one double-precision product
first, with errors of at most :math:`(d + 2)\, 2^{-53} S` per entry (in this
product and in the exact stage's alike). A row whose smallest entry is
below all its others by more than :math:`4 (d + 3)\, 2^{-53} S` has the
same first minimum in every such product, so its label is settled; only the
rest (true near-ties, and the exact ties of integer data) have their whole
256-row blocks recomputed by the exact stage.

**The screen.** With the points as the columns of a ``(d + 1, n)`` float32
array (``x_i`` over a 1), one product per block of :data:`SCREEN_BLOCK`
points gives :math:`D_{ji} = \lVert c_j \rVert^2 - 2\, c_j \cdot x_i` with
one row per centre. A computed :math:`\hat D_{ji}` is off by at most
:math:`(d + 3)\, u\, S` with :math:`u = 2^{-24}` and
:math:`S = 2 \max_j \lVert c_j \rVert \max_i \lVert x_i \rVert + \max_j
\lVert c_j \rVert^2` (a bound on the sum of the magnitudes of the terms; the
maximum over :math:`i` is taken per block), plus :math:`(d + 3)` times the
smallest normal float32 for underflow. The slack
:math:`s = 2 (d + 6)\, u\, S` covers the errors of two entries, and
scikit-learn's double-precision ones, with room to spare. So a point with a
single centre within :math:`s` of its column minimum has that centre as its
nearest, exactly; a point with two or more (a near-tie, or an exact tie) is
a close call, and its whole 256-row block is recomputed by the exact stage.

**Fallbacks.** A centre more than :math:`2^{40}` times the data's extent
away could overflow single precision: the whole step is exact then. So is a
step where more than a quarter of the points of its first screen block are
close calls (many features, heavily overlapping clusters), where the screen
would decide too little to pay for itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._blocks import (
    WORKING_MEMORY_BYTES,
    largest_magnitude,
    partial_sq_dists,
    power_of_two_exponent,
    sq_norms,
    times_power_of_two,
)

__all__ = [
    "EXACT_BLOCK",
    "SCREEN_BLOCK",
    "ScreenPoints",
    "prepare",
    "exact_labels",
    "screened_labels",
    "settle",
    "screen_slack",
    "screen_matrix",
    "screen_block",
    "exact_blocks",
    "every_block",
    "on_one_scale",
    "screen_applies",
    "close_calls_everywhere",
    "U32",
    "TINY32",
]

#: Rows per block of the exact search: scikit-learn's ``CHUNK_SIZE``.
EXACT_BLOCK = 256

#: Points per block of the single-precision screen: long enough that numpy's
#: fixed cost per call is small against the passes over the block, short
#: enough that a ``(k, 16384)`` block of distances stays in the processor's
#: cache for most ``k``. On the cases of ``benchmarks/run.py`` the screen
#: alone ran about 10 % faster than with 8192 (32768 and 65536 were slower);
#: a whole Lloyd run, within the noise.
SCREEN_BLOCK = 16384

#: Unit roundoff of single precision, and its smallest normal number.
U32 = float(np.finfo(np.float32).eps) / 2
TINY32 = float(np.finfo(np.float32).tiny)

#: Scaled centres beyond this could overflow the exact stage's squares.
_FAR = 2.0**500


@dataclass(frozen=True)
class ScreenPoints:
    r"""Points prepared once for the many assignment steps of a Lloyd run.

    Attributes
    ----------
    rows : ndarray of shape (n, d), float64
        ``2**exponent * x_i`` as row ``i``, for the exact stage (the points
        themselves when ``exponent`` is 0: nothing is copied). Any memory
        order: the exact stage copies the blocks it multiplies into C order,
        so that they round as scikit-learn's do.
    columns : ndarray of shape (d + 1, n), float32, or None
        ``rows.T`` rounded to single precision, with a row of ones below
        (``None`` when only the exact stage is wanted).
    block_norms : ndarray of shape (blocks,), float64, or None
        The largest :math:`\lVert x_i \rVert` of ``rows`` in each block of
        ``SCREEN_BLOCK`` points, for the rounding bound.
    exponent : int
        The points were multiplied by ``2**exponent``.
    zero : bool
        Every coordinate is 0: the points have no scale of their own, and
        the centres set it (see :func:`on_one_scale`).
    """

    rows: np.ndarray
    columns: np.ndarray | None
    block_norms: np.ndarray | None
    exponent: int
    zero: bool = False


def prepare(X: np.ndarray, screen: bool = True) -> ScreenPoints:
    """Prepare validated float64 points ``(n, d)`` for :func:`screened_labels` (or :func:`exact_labels`)."""
    n, d = X.shape
    largest = largest_magnitude(X)
    exponent = power_of_two_exponent(largest)
    rows = X if exponent == 0 else times_power_of_two(X, exponent)
    if not screen:
        return ScreenPoints(rows, None, None, exponent, largest == 0.0)
    columns = np.empty((d + 1, n), dtype=np.float32)
    columns[:-1] = rows.T  # rounded to single precision
    columns[-1] = 1.0
    starts = range(0, n, SCREEN_BLOCK)
    block_norms = np.empty(len(starts))
    for block, start in enumerate(starts):  # no n-long temporary
        x = columns[:-1, start : start + SCREEN_BLOCK]
        block_norms[block] = np.einsum("ij,ij->j", x, x, dtype=np.float64).max()
    return ScreenPoints(
        rows, columns, np.sqrt(block_norms), exponent, largest == 0.0
    )


def on_one_scale(
    points: ScreenPoints, C: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows and centres on one power-of-two scale at which nothing overflows or underflows.

    The data's scale, unless a centre lies far outside the data, or the
    data are all zero (then tiny centres' squares would underflow): then
    the centres' own scale, and the rows returned are a new array.
    """
    largest = float(np.abs(C).max(initial=0.0))
    if largest == 0.0 or (
        not points.zero
        and np.frexp(largest)[1] + points.exponent <= np.frexp(_FAR)[1]
    ):
        return points.rows, np.ldexp(C, points.exponent)
    exponent = power_of_two_exponent(largest)  # the centres' own scale
    return np.ldexp(points.rows, exponent - points.exponent), np.ldexp(
        C, exponent
    )


def exact_blocks(
    X: np.ndarray, C: np.ndarray, labels: np.ndarray, blocks: np.ndarray
) -> None:
    """Write the exact labels of the given sorted ``EXACT_BLOCK``-row blocks into ``labels``."""
    n, d = X.shape
    k = C.shape[0]
    rows = EXACT_BLOCK
    c_sq_norms = sq_norms(C)
    n_whole = n // rows
    whole = blocks[blocks < n_whole]
    per_call = max(1, WORKING_MEMORY_BYTES // (8 * rows * k))
    offsets = np.arange(rows)
    for first in range(0, whole.size, per_call):
        chosen = whole[first : first + per_call]
        if chosen[-1] - chosen[0] == chosen.size - 1:  # consecutive: a view
            index = np.s_[chosen[0] * rows : (chosen[-1] + 1) * rows]
        else:  # scattered blocks, gathered into one stack
            index = (chosen[:, None] * rows + offsets).ravel()
        stack = np.ascontiguousarray(X[index].reshape(-1, rows, d))
        stack = partial_sq_dists(stack, C, c_sq_norms)  # C order, as sklearn
        labels[index] = stack.reshape(-1, k).argmin(axis=1)
    if (
        n_whole * rows < n and blocks.size and blocks[-1] == n_whole
    ):  # the short last block
        block = np.ascontiguousarray(X[n_whole * rows :])
        block = partial_sq_dists(block, C, c_sq_norms)
        labels[n_whole * rows :] = block.argmin(axis=1)


def settle(
    X: np.ndarray, C: np.ndarray, labels: np.ndarray, close: np.ndarray
) -> None:
    """Write the exact labels of the screen's close calls ``close`` (sorted row numbers).

    A double-precision product of those rows settles those that are
    not close at that precision; the rest have their whole 256-row blocks
    recomputed by the exact stage (see the module's Notes).
    """
    if not close.size:
        return
    k, d = C.shape
    c_sq_norms = sq_norms(C)
    c_max_sq = c_sq_norms.max()
    ties = []
    per_call = max(1, WORKING_MEMORY_BYTES // (8 * k))
    for first in range(0, close.size, per_call):
        some = close[first : first + per_call]
        rows = X[some]
        D = partial_sq_dists(rows, C, c_sq_norms)  # any shape: errors bounded
        S = 2 * np.sqrt(c_max_sq * sq_norms(rows).max()) + c_max_sq
        slack = 4 * (d + 3) * 2.0**-53 * S + (d + 3) * 2.0**-1022
        near = D <= (D.min(axis=1) + slack)[:, None]
        settled = np.count_nonzero(near, axis=1) == 1
        labels[some[settled]] = D[settled].argmin(axis=1)
        ties.append(some[~settled])
    ties = np.concatenate(ties) if ties else close
    if ties.size:
        exact_blocks(X, C, labels, np.unique(ties // EXACT_BLOCK))


def every_block(n: int) -> np.ndarray:
    return np.arange(-(-n // EXACT_BLOCK))


def exact_labels(points: ScreenPoints, C: np.ndarray) -> np.ndarray:
    """The nearest centre of every point in double precision, rounded as scikit-learn rounds.

    Ties go to the lowest index. ``C`` is in the units of the data that
    :func:`prepare` was given.
    """
    rows, centers = on_one_scale(points, C)
    labels = np.empty(rows.shape[0], dtype=np.intp)
    exact_blocks(rows, centers, labels, every_block(rows.shape[0]))
    return labels


def screen_slack(S, d: int):
    r"""The screen's slack :math:`s = 2 (d + 6)\, u\, S` plus underflow, in single precision.

    ``S`` is the bound of the module's Notes (a number, or one per block).
    """
    return np.float32(2 * (d + 6) * U32 * S + (d + 3) * TINY32)


def screen_matrix(centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(A, weights)``: the screen's float32 ``(k, d + 1)`` matrix and its tie-breaking weights.

    Row ``j`` of ``A`` is :math:`(-2 c_j, \\lVert c_j \rVert^2)`, so that
    ``A @ [x; 1]`` is :math:`\\lVert c_j \rVert^2 - 2\\, c_j \\cdot x`; the
    weights ``k - j`` pick the first of the centres that come close.
    """
    k = centers.shape[0]
    A = np.hstack([-2.0 * centers, sq_norms(centers)[:, None]])
    weights = np.arange(k, 0, -1, dtype=np.min_scalar_type(k))[:, None]
    return A.astype(np.float32), weights


def screen_block(A, weights, slack, columns, labels):
    """Screen one block of points (``columns``, ``(d + 1, m)``); write their labels.

    Returns ``(D, threshold, near, close)``: the ``(k, m)`` entries, each
    point's smallest entry plus ``slack``, which entries come within it,
    and the positions of the close calls (two or more centres within it).
    """
    k, m = A.shape[0], columns.shape[1]
    D = A @ columns  # (k, m): the only O(m k d) work
    threshold = D.min(axis=0)
    threshold += slack
    near = D <= threshold  # the minimum, and centres within the slack of it
    np.subtract(k, (near * weights).max(axis=0), out=labels)
    close = np.flatnonzero(near[0, :0])
    if np.count_nonzero(near) > m:  # some point has two or more
        close = np.flatnonzero(near.sum(axis=0, dtype=weights.dtype) > 1)
    return D, threshold, near, close


def screen_applies(points: ScreenPoints, rows, centers) -> bool:
    """Whether the single-precision screen may decide this call.

    ``rows, centers`` come from :func:`on_one_scale`. Not when it rescaled
    (a far centre, or all-zero data), nor when a scaled centre beyond
    :math:`2^{40}` could overflow single precision: then the whole step is
    exact.
    """
    return rows is points.rows and bool(np.abs(centers).max() < 2.0**40)


def close_calls_everywhere(close: np.ndarray, screened: int) -> bool:
    """Whether more than a quarter of the first ``screened`` points are close calls.

    Then the clusters overlap heavily (or there are many features), and the
    screen would only add to the exact search: the whole step is exact.
    """
    return close.size > screened / 4


def screened_labels(points: ScreenPoints, C: np.ndarray) -> np.ndarray:
    """The labels of :func:`exact_labels` (ties included), screened in single precision.

    See the module's Notes for the bound that makes the screen exact.
    """
    d = C.shape[1]
    n = points.rows.shape[0]
    rows, centers = on_one_scale(points, C)
    labels = np.empty(n, dtype=np.intp)
    if not screen_applies(points, rows, centers):
        exact_blocks(rows, centers, labels, every_block(n))
        return labels
    A, weights = screen_matrix(centers)
    c_max_sq = sq_norms(centers).max()
    S = 2 * np.sqrt(c_max_sq) * points.block_norms + c_max_sq
    slack = screen_slack(S, d)
    undecided = []
    for block, start in enumerate(range(0, n, SCREEN_BLOCK)):
        stop = min(start + SCREEN_BLOCK, n)
        columns, out = points.columns[:, start:stop], labels[start:stop]
        close = screen_block(A, weights, slack[block], columns, out)[3]
        undecided.append(start + close)
        if start == 0 and close_calls_everywhere(close, stop):
            exact_blocks(rows, centers, labels, every_block(n))
            return labels
    settle(rows, centers, labels, np.concatenate(undecided))
    return labels
