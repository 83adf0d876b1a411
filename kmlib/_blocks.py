r"""The GEMM identity and the block sizes: the one place kmlib writes them.

Every distance computation in kmlib that compares many points with many
centres (or with each other) uses the expansion

.. math::

    \lVert x - c \rVert^2 = \lVert x \rVert^2 - 2\, x \cdot c + \lVert c \rVert^2 ,

whose middle term, for a block of rows at once, is one matrix product
(a BLAS "GEMM" call), and processes the rows in blocks so that the largest
temporary stays within :data:`WORKING_MEMORY_BYTES`: nothing of shape
``(n, k, d)`` or ``(n, n)`` is ever allocated.

Two guards keep the identity honest. It cancels when ``x`` and ``c`` are
close and far from the origin, so results are clipped at 0 and the distance
that is reported for a winner is recomputed from the difference ``x - c``
(callers do this); and its squares overflow or underflow for huge or tiny
coordinates, so the callers that need it rescale by a power of two
(:func:`power_of_two_exponent`), which is exact.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_int

__all__ = [
    "WORKING_MEMORY_BYTES",
    "block_rows",
    "row_blocks",
    "sq_norms",
    "partial_sq_dists",
    "sq_dists",
    "power_of_two_exponent",
    "times_power_of_two",
]

#: Bytes that one block of distances (rows by columns, float64) may use.
WORKING_MEMORY_BYTES = 16 * 2**20


def block_rows(
    n_rows: int,
    n_columns: int,
    chunk_size: int | None = None,
    itemsize: int = 8,
) -> int:
    """Rows per block: ``chunk_size`` if given, else what fits the working memory.

    A block has ``n_columns`` numbers of ``itemsize`` bytes per row; the
    result is at least 1 and at most ``n_rows`` (at least 1 if ``n_rows`` is 0).
    """
    if chunk_size is not None:
        return check_int(chunk_size, "chunk_size", minimum=1)
    fitting = WORKING_MEMORY_BYTES // (itemsize * max(1, n_columns))
    return int(max(1, min(n_rows, fitting)))


def row_blocks(n_rows: int, rows: int):
    """The slices ``start:stop`` of consecutive blocks of ``rows`` rows covering ``range(n_rows)``."""
    for start in range(0, n_rows, rows):
        yield slice(start, min(start + rows, n_rows))


def sq_norms(A: np.ndarray) -> np.ndarray:
    r"""The squared Euclidean norm :math:`\lVert a_i \rVert^2` of every row of ``A``."""
    return np.einsum("ij,ij->i", A, A)


def partial_sq_dists(
    X_block: np.ndarray, C: np.ndarray, c_sq_norms: np.ndarray
) -> np.ndarray:
    r"""``(rows, k)`` block of :math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j`.

    These are the squared distances minus :math:`\lVert x_i \rVert^2`, the
    same number for every centre of a row, so they decide which centre is
    nearest; scikit-learn drops the term too. ``X_block`` may also be a stack
    ``(blocks, rows, d)``; numpy multiplies each block of it separately, and
    the result is ``(blocks, rows, k)``. Multiplying by -2 after the product
    rounds exactly as multiplying before it (-2 is a power of two).
    """
    block = X_block @ C.T  # the only O(rows * k * d) work: one BLAS call
    block *= -2.0
    block += c_sq_norms
    return block


def sq_dists(
    X_block: np.ndarray, C: np.ndarray, c_sq_norms: np.ndarray
) -> np.ndarray:
    """``(rows, k)`` squared distances by the GEMM identity, clipped at 0."""
    block = partial_sq_dists(X_block, C, c_sq_norms)
    block += sq_norms(X_block)[:, None]
    np.maximum(block, 0.0, out=block)
    return block


def power_of_two_exponent(largest: float) -> int:
    """The ``e`` for which ``largest * 2**e`` lies in ``[1/2, 1)``; 0 if ``largest`` is 0.

    Multiplying by ``2**e`` (``numpy.ldexp``) is exact, and it commutes with
    every rounding of the arithmetic that follows (as long as nothing
    overflows or underflows), so scaled data give the same decisions, bit
    for bit, as the data themselves, and huge or tiny data give right ones.
    Subnormal ``largest`` is handled too (``frexp`` reads its true exponent).
    """
    if not largest > 0:
        return 0
    return -int(np.frexp(largest)[1])


def times_power_of_two(A: np.ndarray, e: int, out: np.ndarray | None = None):
    """``A * 2**e``, exactly: a multiplication while ``2**e`` is a normal float.

    ``numpy.ldexp`` gives the same numbers but is about ten times slower;
    it is used only where ``2.0 ** e`` itself would overflow or be subnormal.
    """
    if -1022 <= e <= 1023:
        return np.multiply(A, 2.0**e, out=out)
    return np.ldexp(A, e, out=out)
