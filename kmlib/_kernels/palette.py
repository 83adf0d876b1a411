r"""The nearest palette colour of every pixel, by blocks (Chapter 6).

:func:`kmlib.quantize` replaces every pixel :math:`x_i` by its nearest
palette colour,

.. math:: \ell_i = \operatorname*{arg\,min}_j \lVert x_i - c_j \rVert^2
          = \operatorname*{arg\,min}_j \bigl(\lVert c_j \rVert^2 - 2\, x_i \cdot c_j\bigr),

the rule of :func:`kmlib.nearest` (the term :math:`\lVert x_i \rVert^2` is the
same for every colour and is dropped), with ties to the lowest index.
:func:`map_to_palette` computes it on blocks of ``PALETTE_ROWS`` pixels; for
an 8-bit image it works in single precision, with one matrix product a block.

Notes
-----
**8-bit images: single precision is exact.** For integer pixels and an
integer palette (values 0..255, what :func:`kmlib.quantize` validates) every
number the product computes is an integer, and a small one:

- each product :math:`x_{im} c_{jm}` of two channels is at most :math:`255^2 = 65\,025`;
- :math:`\lVert c_j \rVert^2` and :math:`x_i \cdot c_j` are at most
  :math:`3 \cdot 255^2 = 195\,075`, and :math:`-2\, x_i \cdot c_j` at
  least :math:`-390\,150`;
- so every partial sum, in whatever order BLAS adds the terms (with or
  without fused multiply-adds), is an integer of magnitude below
  :math:`2^{19}`.

float32 represents every integer up to :math:`2^{24}` exactly, so no
operation rounds: each computed :math:`\lVert c_j \rVert^2 - 2\, x_i \cdot c_j`
is the exact value, as it is in :func:`kmlib.nearest`'s float64. The
minimum is therefore the same, and so are the ties (exact ties are common:
equidistant colours, and palette rows made equal by rounding); ``argmin``
keeps the first minimum in both, so the indices are identical. The product
is arranged as :math:`[x_i, 1] \cdot [-2 c_j;\ \lVert c_j \rVert^2]`, so the
whole block is *one* matrix product: the ``(rows, k)`` block is written once
(by BLAS) and read once (by ``argmin``), in half the bytes of float64; with
``PALETTE_ROWS = 2048`` pixels it is small enough (512 KiB for ``k = 64``)
to stay in the processor's cache. On china.jpg this is several times as fast as
:func:`kmlib.nearest` (which also recomputes the winners' distances).

**Float images: double precision, nearest's arithmetic.** Colours in
[0, 1] are not integers: in single precision the values being compared
would be rounded (relative error about :math:`2^{-24}`), and two colours
closer than that could swap. Float images (and an integer image with a
non-integer palette) are therefore mapped in float64 with exactly the
operations of :func:`kmlib.nearest`: the GEMM identity of
:func:`kmlib._blocks.partial_sq_dists` (``X @ C.T``, times -2, which is
exact, plus the squared norms) on nearest's frame (the points shifted near
the palette and scaled by a power of two), then ``argmin``. These do round, but
exactly as nearest's do: the blocks are shorter than nearest's
(``PALETTE_ROWS``, for the cache), yet an entry of a product with three
columns is the same short dot product whichever block holds its row, so
the values, and the labels, ties included, are the same; the tests check
it on real images and on Hypothesis data. Values in [0, 1] cannot
overflow, and a tiny one underflows here exactly as it does in nearest.

**Memory.** One ``(rows, 4)`` block of pixels, one ``(rows, k)`` block of
values and the ``(n,)`` labels, whatever the size of the image.
"""

from __future__ import annotations

import numpy as np

from .._blocks import (
    block_rows,
    partial_sq_dists,
    row_blocks,
    sq_norms,
    unit_frame,
)

__all__ = ["PALETTE_ROWS", "map_to_palette"]

#: Pixels per block: a ``(2048, k)`` block of values stays in the processor's cache.
PALETTE_ROWS = 2048


def map_to_palette(pixels: np.ndarray, palette: np.ndarray) -> np.ndarray:
    r"""Index of the nearest palette colour of every pixel, ties to the lowest index.

    Parameters
    ----------
    pixels : ndarray of shape (n, 3)
        The pixels: integers in 0..255, or floats.
    palette : ndarray of shape (k, 3)
        The colours: integers in 0..255 (then the work is in float32, exact)
        or floats (float64, the arithmetic of :func:`kmlib.nearest`).

    Returns
    -------
    ndarray of shape (n,), intp
        ``kmlib.nearest(pixels, palette)[0]``, exactly.

    Examples
    --------
    >>> pixels = np.array([[0, 0, 0], [200, 10, 10], [100, 100, 100]], dtype=np.uint8)
    >>> palette = np.array([[0, 0, 0], [255, 0, 0]], dtype=np.uint8)
    >>> map_to_palette(pixels, palette)
    array([0, 1, 0])
    """
    if pixels.dtype.kind in "iu" and palette.dtype.kind in "iu":
        return _map_exactly_in_single_precision(pixels, palette)
    return _map_in_double_precision(pixels, palette)


def _map_exactly_in_single_precision(
    pixels: np.ndarray, palette: np.ndarray
) -> np.ndarray:
    """8-bit pixels and palette: one float32 product ``[x, 1] @ [-2 C.T; ||c||^2]`` a block."""
    n, k = pixels.shape[0], palette.shape[0]
    rows = min(n, block_rows(n, k, chunk_size=PALETTE_ROWS))
    colours = palette.astype(np.float32)
    weights = np.empty((4, k), dtype=np.float32)
    weights[:3] = colours.T
    weights[:3] *= -2.0
    weights[3] = sq_norms(colours)
    labels = np.empty(n, dtype=np.intp)
    block = np.ones((rows, 4), dtype=np.float32)  # the last column stays 1
    for rows_slice in row_blocks(n, rows):
        m = rows_slice.stop - rows_slice.start
        block[:m, :3] = pixels[rows_slice]
        labels[rows_slice] = np.argmin(block[:m] @ weights, axis=1)
    return labels


def _map_in_double_precision(
    pixels: np.ndarray, palette: np.ndarray
) -> np.ndarray:
    """Float pixels or palette: :func:`kmlib.nearest`'s float64 arithmetic, by blocks.

    In nearest's frame too (:func:`kmlib._blocks.unit_frame`: shifted near
    the palette, scaled by a power of two), so the values are the same.
    """
    n, k = pixels.shape[0], palette.shape[0]
    rows = block_rows(n, k, chunk_size=PALETTE_ROWS)
    colours = np.asarray(palette, dtype=np.float64)
    frame = unit_frame(pixels, colours)
    colours = frame(colours)
    colour_sq_norms = sq_norms(colours)
    labels = np.empty(n, dtype=np.intp)
    for rows_slice in row_blocks(n, rows):
        block = frame(np.asarray(pixels[rows_slice], dtype=np.float64))
        labels[rows_slice] = np.argmin(
            partial_sq_dists(block, colours, colour_sq_norms), axis=1
        )
    return labels
