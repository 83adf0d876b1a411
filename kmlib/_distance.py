r"""Distances between points and centres (Chapter 1).

Everything in k-means rests on one question: which centre is nearest to this
point? This module answers it for many points at once, fast and in bounded
memory.

The fast way uses the expansion of the squared Euclidean distance

.. math::

    \lVert x - c \rVert^2 = \lVert x \rVert^2 - 2\, x \cdot c + \lVert c \rVert^2 ,

whose middle term, for all pairs at once, is one matrix product ``X @ C.T``
(a BLAS "GEMM" call). Two guards keep it honest:

- *cancellation*: when ``x`` and ``c`` are close and far from the origin, the
  three terms are large and nearly cancel, so rounding can leave a small
  negative number. Results are clipped at 0, and :func:`nearest` recomputes the
  distance to the winning centre directly from ``x - c``.
- *memory*: the points are processed in blocks of rows ("chunks"), so the
  largest temporary is ``(chunk, k)``; nothing of shape ``(n, k, d)`` or
  ``(n, n)`` is ever allocated.

Lloyd's algorithm asks the question again on every iteration, about the same
points, and needs only the labels. For it, :func:`_nearest_labels` screens
the points in single precision and settles the few close calls in double
precision, with the same labels (ties included) several times faster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_int, check_matching_width

__all__ = ["euclidean", "pairwise_sq_dists", "nearest", "WORKING_MEMORY_BYTES"]

#: Bytes that one chunk's ``(rows, k)`` block of distances may use.
WORKING_MEMORY_BYTES = 16 * 2**20


def euclidean(a, b) -> float:
    r"""Euclidean distance between two points.

    .. math:: d(a, b) = \sqrt{\textstyle\sum_j (a_j - b_j)^2}

    Parameters
    ----------
    a, b : array_like of shape (d,)
        Two points with the same number of coordinates.

    Returns
    -------
    float
        The distance, computed directly from the differences (no cancellation).

    Examples
    --------
    >>> euclidean([3, 4], [5, 1])  # sqrt(2**2 + 3**2) = sqrt(13)
    3.605551275463989
    """
    a = check_array(a, "a", ndim=1)
    b = check_array(b, "b", ndim=1)
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must have the same number of coordinates; got {a.shape[0]} and {b.shape[0]}"
        )
    diff = a - b
    return float(np.sqrt(diff @ diff))


def _chunk_rows(n_samples: int, n_centers: int, chunk_size: int | None) -> int:
    """Rows per chunk: ``chunk_size`` if given, else what fits the working memory."""
    if chunk_size is not None:
        return check_int(chunk_size, "chunk_size", minimum=1)
    return int(max(1, min(n_samples, WORKING_MEMORY_BYTES // (8 * n_centers))))


def _partial_block(X_block: np.ndarray, C: np.ndarray, c_sq_norms: np.ndarray) -> np.ndarray:
    """``(rows, k)`` block of ``||c||^2 - 2 x.c``: squared distances minus ``||x||^2``.

    ``X_block`` may also be a stack ``(blocks, rows, d)``; numpy multiplies
    each block of it separately, and the result is ``(blocks, rows, k)``.

    The dropped term is the same for every centre of a row, so it does not
    change which centre is nearest; scikit-learn drops it too.
    """
    block = X_block @ C.T  # the only O(rows * k * d) work: one BLAS call
    block *= -2.0
    block += c_sq_norms[None, :]
    return block


def _sq_dists_block(X_block: np.ndarray, C: np.ndarray, c_sq_norms: np.ndarray) -> np.ndarray:
    """``(rows, k)`` squared distances by the GEMM identity, clipped at 0."""
    block = _partial_block(X_block, C, c_sq_norms)
    block += np.einsum("ij,ij->i", X_block, X_block)[:, None]
    np.maximum(block, 0.0, out=block)
    return block


# ---------------------------------------------------------------------------
# Lloyd's inner loop: labels only, many times over the same points
# ---------------------------------------------------------------------------

#: Rows per block of the exact search: scikit-learn's ``CHUNK_SIZE``. Matrix
#: products of the same shape round the same way, so exact ties (common with
#: integer data such as the digits) are broken as in scikit-learn.
EXACT_BLOCK = 256

#: Points per block of the single-precision screen: a ``(k, 8192)`` block of
#: distances stays in the processor's cache for the passes over it.
SCREEN_BLOCK = 8192

#: Unit roundoff of single precision, and its smallest normal number.
_U32 = float(np.finfo(np.float32).eps) / 2
_TINY32 = float(np.finfo(np.float32).tiny)


def _exact_labels(X: np.ndarray, C: np.ndarray, labels: np.ndarray, blocks: np.ndarray) -> None:
    r"""Nearest centres in double precision, rounded exactly as scikit-learn rounds.

    Writes into ``labels`` the winners of
    :math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j` (``||x_i||^2`` is dropped:
    it is the same for every centre) for the rows of ``X`` in the given
    blocks (sorted block numbers; block ``b`` is rows ``b * EXACT_BLOCK`` to
    ``(b + 1) * EXACT_BLOCK``, the last one may be short). How BLAS rounds an
    entry of a product depends on the shape of the product and on the row's
    place in it, so a row is always computed within its whole block, as in
    scikit-learn's loop. Consecutive blocks go to :func:`_partial_block` in
    one call as a stack ``(blocks, rows, d)`` (a view of ``X``), which numpy
    multiplies block by block; its distances stay within ``WORKING_MEMORY_BYTES``.
    """
    n, d = X.shape
    k = C.shape[0]
    rows = EXACT_BLOCK
    c_sq_norms = np.einsum("ij,ij->i", C, C)
    n_whole = n // rows
    whole = blocks[blocks < n_whole]
    per_call = max(1, WORKING_MEMORY_BYTES // (8 * rows * k))
    runs = np.split(whole, np.flatnonzero(np.diff(whole) != 1) + 1) if whole.size else []
    for run in runs:  # consecutive blocks are a view of X: nothing is copied
        for first in range(run[0], run[-1] + 1, per_call):
            index = np.s_[first * rows : min(first + per_call, run[-1] + 1) * rows]
            stack = _partial_block(X[index].reshape(-1, rows, d), C, c_sq_norms)
            labels[index] = stack.reshape(-1, k).argmin(axis=1)
    if n_whole * rows < n and blocks.size and blocks[-1] == n_whole:  # the short last block
        block = _partial_block(X[n_whole * rows :], C, c_sq_norms)
        labels[n_whole * rows :] = block.argmin(axis=1)


@dataclass(frozen=True)
class _ScreenPoints:
    r"""Points prepared once for the many assignment steps of a Lloyd run.

    Attributes
    ----------
    rows : ndarray of shape (n, d), float64
        The points, for the exact search of the close calls.
    columns : ndarray of shape (d + 1, n), float32
        ``scale * x_i`` as column ``i``, with a 1 below it.
    block_norms : ndarray of shape (blocks,), float64
        The largest :math:`\lVert \mathrm{scale}\; x_i \rVert` in each block
        of ``SCREEN_BLOCK`` points, for the rounding bound.
    scale : float
        A power of two (exact to multiply by) that brings the largest
        coordinate near 1, far from single precision's overflow and underflow.
    """

    rows: np.ndarray
    columns: np.ndarray
    block_norms: np.ndarray
    scale: float


def _screen_points(X: np.ndarray) -> _ScreenPoints:
    """Prepare validated float64 points for :func:`_nearest_labels`."""
    n, d = X.shape
    largest = max(float(X.max(initial=0.0)), -float(X.min(initial=0.0)))
    scale = 2.0 ** -np.frexp(largest)[1] if largest > 0 else 1.0  # largest * scale in [1/2, 1)
    columns = np.ones((d + 1, n), dtype=np.float32)
    np.multiply(X.T, scale, out=columns[:-1], casting="same_kind")  # scale (exact), then round
    sq_norms = np.einsum("ij,ij->j", columns[:-1], columns[:-1], dtype=np.float64)
    block_norms = np.sqrt(np.maximum.reduceat(sq_norms, np.arange(0, n, SCREEN_BLOCK)))
    return _ScreenPoints(X, columns, block_norms, scale)


def _share_of_blocks(points: np.ndarray, n: int) -> float:
    """The share of the ``EXACT_BLOCK``-point blocks of ``range(n)`` that hold some of ``points``."""
    return np.unique(points // EXACT_BLOCK).size / -(-n // EXACT_BLOCK)


def _nearest_labels(points: _ScreenPoints, C: np.ndarray) -> np.ndarray:
    r"""Labels only, for validated input: the assignment step of Lloyd's loop.

    The same labels as :func:`_exact_labels` (ties included), several times
    faster, in two stages.

    **Screen in single precision.** With the points as the columns of a
    ``(d + 1, n)`` array (``x_i`` over a 1), one matrix product per block gives
    :math:`D_{ji} = \lVert c_j \rVert^2 - 2\, c_j \cdot x_i` with one row per
    centre, and every further step is one numpy call along long rows: the
    column minimum ``D.min(axis=0)``, which centres come within a slack
    :math:`s` of it, and the first of those (centre ``j`` gets the weight
    ``k - j``; the largest weight wins). Single precision halves the memory
    traffic of these passes, and the short rows of a ``(n, k)`` layout, where
    ``argmin`` loops point by point, never appear.

    **Decide the close calls in double precision.** Single precision rounds:
    a computed :math:`\hat D_{ji}` is off by at most :math:`(d + 3)\, u\, S`
    with :math:`u = 2^{-24}` and
    :math:`S = 2 \max_j \lVert c_j \rVert \max_i \lVert x_i \rVert + \max_j \lVert c_j \rVert^2`
    (a bound on the sum of the magnitudes of the terms; the maximum over
    :math:`i` is taken per block). The slack :math:`s = 2 (d + 6)\, u\, S`
    covers the errors of two entries, and scikit-learn's double-precision
    ones, with room to spare. So a point with a single centre within
    :math:`s` of its minimum has that centre as its nearest, exactly; for a
    point with two or more (a near-tie, or an exact tie) its block of
    ``EXACT_BLOCK`` points is recomputed by :func:`_exact_labels`. On real
    data these are a few blocks per iteration.

    Scaling by a power of two (exact) keeps the single-precision numbers in
    range; a centre far outside the data (more than :math:`2^{40}` times its
    extent) sends the whole step to the exact search. So does a first block
    of points in which more than half of the ``EXACT_BLOCK`` blocks hold a
    close call: with many features and heavily overlapping clusters the
    screen decides too little to pay for itself.
    """
    k, d = C.shape
    n = points.columns.shape[1]
    labels = np.empty(n, dtype=np.intp)
    every_block = np.arange(-(-n // EXACT_BLOCK))
    centers = C * points.scale
    if not np.abs(centers).max() < 2.0**40:  # single precision could overflow
        _exact_labels(points.rows, C, labels, every_block)
        return labels
    c_sq_norms = np.einsum("ij,ij->i", centers, centers)
    # D = A @ [x; 1]: the row of centre j is (-2 c_j, ||c_j||^2)
    A = np.hstack([-2.0 * centers, c_sq_norms[:, None]]).astype(np.float32)
    c_max_sq = c_sq_norms.max()
    S = 2 * np.sqrt(c_max_sq) * points.block_norms + c_max_sq
    slack = (2 * (d + 6) * _U32 * S + (d + 3) * _TINY32).astype(np.float32)  # + underflow
    weights = np.arange(k, 0, -1, dtype=np.min_scalar_type(k))[:, None]  # k - j
    undecided = []
    for block, start in enumerate(range(0, n, SCREEN_BLOCK)):
        stop = min(start + SCREEN_BLOCK, n)
        D = A @ points.columns[:, start:stop]  # (k, m): the only O(n k d) work
        threshold = D.min(axis=0)
        threshold += slack[block]
        near = D <= threshold  # the minimum itself, and centres within the slack of it
        np.subtract(k, (near * weights).max(axis=0), out=labels[start:stop])
        if np.count_nonzero(near) > stop - start:  # some point has two or more
            counts = near.sum(axis=0, dtype=weights.dtype)  # small integers: a fast sum
            undecided.append(start + np.flatnonzero(counts > 1))
            if start == 0 and _share_of_blocks(undecided[0], stop) > 0.5:
                # Close calls everywhere (many features, clusters that overlap
                # heavily): the screen would only add to the exact search.
                _exact_labels(points.rows, C, labels, every_block)
                return labels
    if undecided:  # recompute the blocks that hold them
        blocks = np.unique(np.concatenate(undecided) // EXACT_BLOCK)
        _exact_labels(points.rows, C, labels, blocks)
    return labels


def _validate_points_and_centers(X, C):
    X = check_array(X, "X")
    C = check_array(C, "C")
    check_matching_width(X, C, "X", "C")
    return X, C


def pairwise_sq_dists(X, C, *, chunk_size: int | None = None) -> np.ndarray:
    r"""Squared Euclidean distances between every point and every centre.

    .. math:: D_{ij} = \max\bigl(0,\; \lVert x_i \rVert^2 - 2\, x_i \cdot c_j
              + \lVert c_j \rVert^2\bigr)

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points. Integer and float32 input is accepted; work is in float64.
    C : array_like of shape (k, d)
        The centres.
    chunk_size : int, optional
        Rows of ``X`` processed at a time. By default, as many as keep the
        ``(rows, k)`` block within ``WORKING_MEMORY_BYTES``.

    Returns
    -------
    ndarray of shape (n, k), float64
        ``D[i, j]`` is the squared distance from ``X[i]`` to ``C[j]``; never negative.

    Examples
    --------
    >>> pairwise_sq_dists([[0, 0], [3, 4]], [[0, 0], [3, 0]])
    array([[ 0.,  9.],
           [25., 16.]])
    """
    X, C = _validate_points_and_centers(X, C)
    n, k = X.shape[0], C.shape[0]
    rows = _chunk_rows(n, k, chunk_size)
    c_sq_norms = np.einsum("ij,ij->i", C, C)
    out = np.empty((n, k), dtype=np.float64)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        out[start:stop] = _sq_dists_block(X[start:stop], C, c_sq_norms)
    return out


def nearest(X, C, *, chunk_size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""The nearest centre of every point, and the squared distance to it.

    .. math:: \ell_i = \operatorname*{arg\,min}_j \lVert x_i - c_j \rVert^2

    Ties go to the lowest centre index (``numpy.argmin`` keeps the first
    minimum), as in scikit-learn. The winner is found from
    :math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j` (the identity without the
    term :math:`\lVert x_i \rVert^2`, which is the same for every centre). The squared distance returned for the winning
    centre is recomputed directly from ``x_i - c_{\ell_i}``, so it does not
    suffer the cancellation of the GEMM identity used to find the winner.
    Memory stays bounded: only one ``(chunk, k)`` block exists at a time.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    C : array_like of shape (k, d)
        The centres.
    chunk_size : int, optional
        Rows of ``X`` processed at a time (see :func:`pairwise_sq_dists`).

    Returns
    -------
    labels : ndarray of shape (n,), int
        Index of the nearest centre of each point.
    sq_dists : ndarray of shape (n,), float64
        Squared distance from each point to that centre.

    Examples
    --------
    >>> labels, sq = nearest([[0, 0], [3, 4], [1, 0]], [[0, 0], [3, 3]])
    >>> labels, sq
    (array([0, 1, 0]), array([0., 1., 1.]))
    """
    X, C = _validate_points_and_centers(X, C)
    n, k = X.shape[0], C.shape[0]
    rows = _chunk_rows(n, k, chunk_size)
    c_sq_norms = np.einsum("ij,ij->i", C, C)
    labels = np.empty(n, dtype=np.intp)
    sq_dists = np.empty(n, dtype=np.float64)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        block = _partial_block(X[start:stop], C, c_sq_norms)
        labels[start:stop] = np.argmin(block, axis=1)
        diff = X[start:stop] - C[labels[start:stop]]
        sq_dists[start:stop] = np.einsum("ij,ij->i", diff, diff)
    return labels, sq_dists
