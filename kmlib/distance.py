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
"""

from __future__ import annotations

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


def _nearest_labels(X: np.ndarray, C: np.ndarray, rows: int) -> np.ndarray:
    """Labels only, for validated float64 input: the inner loop of Lloyd's algorithm.

    The same arithmetic as :func:`nearest` (``||c||^2 - 2 x.c``; ``-2 C^T`` is
    formed once, which is exact since 2 is a power of two), without the
    exact recomputation of the winner's distance. The products are taken
    ``rows`` rows at a time, but many such blocks go to numpy in one call as
    a stack ``(blocks, rows, d) @ (d, k)``: numpy multiplies each block of the
    stack separately, so the rounding is that of ``rows``-row products while
    the Python overhead is that of a few large calls. Memory stays bounded:
    one stack holds at most ``WORKING_MEMORY_BYTES`` of distances.
    """
    n, d = X.shape
    k = C.shape[0]
    c_sq_norms = np.einsum("ij,ij->i", C, C)
    minus_two_ct = -2.0 * C.T
    labels = np.empty(n, dtype=np.intp)
    blocks_per_call = max(1, WORKING_MEMORY_BYTES // (8 * k * rows))
    whole = (n // rows) * rows  # rows in complete blocks; the rest is one short block
    step = rows * blocks_per_call
    for start in range(0, whole, step):
        stop = min(start + step, whole)
        stack = np.matmul(X[start:stop].reshape(-1, rows, d), minus_two_ct)
        stack += c_sq_norms
        labels[start:stop] = stack.reshape(-1, k).argmin(axis=1)
    if whole < n:
        block = X[whole:] @ minus_two_ct
        block += c_sq_norms
        labels[whole:] = block.argmin(axis=1)
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
