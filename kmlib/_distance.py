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
- *offset and scale*: the points and centres are first moved near the
  centres and, if huge or tiny, multiplied by a power of two
  (:func:`kmlib._blocks.unit_frame`), so Unix timestamps or coordinates in
  metres lose nothing to the identity, and no square overflows or
  underflows; results are scaled back exactly, or refused with a
  ``ValueError`` if float64 cannot hold them.
- *memory*: the points are processed in blocks of rows ("chunks"), so the
  largest temporary is ``(chunk, k)``; nothing of shape ``(n, k, d)`` or
  ``(n, n)`` is ever allocated.

The identity and the block sizes live in :mod:`kmlib._blocks`, shared with
every other distance computation of kmlib. Lloyd's algorithm asks the
question again on every iteration, about the same points, and needs only
the labels: it uses the fast assignment step of :mod:`kmlib._kernels.screen`
(the appendix "How kmlib is fast").
"""

from __future__ import annotations

import numpy as np

from ._blocks import (
    WORKING_MEMORY_BYTES,
    nearest_blocks,
    sq_dists_in_frame,
    unit_frame,
)
from ._validation import check_array, check_matching_width

__all__ = ["euclidean", "pairwise_sq_dists", "nearest", "WORKING_MEMORY_BYTES"]


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
            "a and b must have the same number of coordinates; "
            f"got {a.shape[0]} and {b.shape[0]}"
        )
    frame = unit_frame(a[None, :], b[None, :])  # scaled: 2e200 is a float
    diff = frame(a[None, :])[0] - frame(b[None, :])[0]
    return float(frame.units(np.sqrt(diff @ diff), "a and b", "the distance"))


def check_points_and_centers(X, C):
    """``X`` and ``C`` as float64 arrays with the same number of columns."""
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
        ``D[i, j]`` is the squared distance from ``X[i]`` to ``C[j]``; never
        negative. Computed on the points moved near the centres and scaled
        by a power of two where needed (see the module's notes).

    Raises
    ------
    ValueError
        If a squared distance exceeds float64's range (about 1.8e308).

    Examples
    --------
    >>> pairwise_sq_dists([[0, 0], [3, 4]], [[0, 0], [3, 0]])
    array([[ 0.,  9.],
           [25., 16.]])
    """
    X, C = check_points_and_centers(X, C)
    # ||x||^2 - 2 x.c + ||c||^2, clipped at 0, in blocks of rows, on the
    # points shifted near C and scaled by a power of two (then scaled back)
    D, frame = sq_dists_in_frame(X, C, chunk_size)
    return frame.sq_units(D)


def nearest(X, C, *, chunk_size=None) -> tuple[np.ndarray, np.ndarray]:
    r"""The nearest centre of every point, and the squared distance to it.

    .. math:: \ell_i = \operatorname*{arg\,min}_j \lVert x_i - c_j \rVert^2

    Ties go to the lowest centre index (``numpy.argmin`` keeps the first
    minimum), as in scikit-learn. The work is done on the points moved near
    the centres when their offset dwarfs their spread, and scaled by a power
    of two when they are huge or tiny (exact; see the module's notes). The winner is found from
    :math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j` (the identity without the
    term :math:`\lVert x_i \rVert^2`, which is the same for every centre).
    The squared distance returned for the winning centre is recomputed
    directly from ``x_i - c_{\ell_i}``, so it does not suffer the
    cancellation of the GEMM identity used to find the winner.
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
    X, C = check_points_and_centers(X, C)
    # In blocks of rows, on the points shifted near C and scaled by a power
    # of two: ||c||^2 - 2 x.c decides the winner (||x||^2 is the same for
    # all c); its squared distance is recomputed from x - c.
    labels, winners, frame = nearest_blocks(X, C, chunk_size)
    return labels, frame.sq_units(winners)
