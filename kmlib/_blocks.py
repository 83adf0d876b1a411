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

from ._validation import check_int, check_representable

__all__ = [
    "WORKING_MEMORY_BYTES",
    "PIECE_ROWS",
    "block_rows",
    "row_blocks",
    "sq_norms",
    "partial_sq_dists",
    "sq_dists",
    "power_of_two_exponent",
    "times_power_of_two",
    "largest_magnitude",
    "shift_for",
    "Frame",
    "nearest_blocks",
    "unit_frame",
    "safely_scaled",
    "sq_dists_in_frame",
    "centred_unit",
    "scaled_radius",
]

#: Bytes that one block of distances (rows by columns, float64) may use.
WORKING_MEMORY_BYTES = 16 * 2**20

#: Rows per piece of a pass over the data that needs only small temporaries
#: (2 MiB of float64 at 8 features): they come from memory the allocator
#: keeps and stay in the processor's cache, where n-long ones would be fresh
#: pages, each cleared on first touch (several microseconds per 4 KiB page
#: on the machine this was measured on).
PIECE_ROWS = 2**15


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


def largest_magnitude(A: np.ndarray) -> float:
    """``max |a|`` over the entries of ``A``, without an ``abs`` copy of it."""
    return max(float(A.max(initial=0.0)), -float(A.min(initial=0.0)))


#: Points are shifted only when the centres' offset exceeds this many times
#: their spread (below it the GEMM identity loses at most about 2**-36).
SHIFT_RATIO = 2.0**8


def shift_for(C: np.ndarray) -> np.ndarray:
    """A reference point near the rows of ``C``, with few significant bits.

    Per column: the midpoint of ``C``'s range rounded to a multiple of the
    power of two just above that range. Points near ``C`` are then at most
    a few times the range away from it, so ``x - ref`` is exact for them
    (Sterbenz): an offset such as 1.7e9 (Unix timestamps) costs nothing.
    Centres whose offset is below :data:`SHIFT_RATIO` times their spread
    (ordinary data) get the reference 0: nothing changes, and no pass over
    the data is spent.
    """
    low, high = C.min(axis=0), C.max(axis=0)
    half_spread = high / 2 - low / 2  # cannot overflow
    mid = low / 2 + high / 2
    q = np.frexp(half_spread)[1] + 1  # range < 2**q
    ref = np.ldexp(np.round(np.ldexp(mid, -q)), q)
    ref = np.where(half_spread == 0, low, ref)
    # Not worth a pass over the data unless the offset dwarfs the spread
    # (the identity's cancellation grows like offset**2 / spread**2).
    spread = 2 * float(half_spread.max())
    if not largest_magnitude(ref) > SHIFT_RATIO * spread:
        return np.zeros_like(ref)
    return ref


class Frame:
    """Coordinates ``(x - ref) * 2**e``: shifted near the points compared, scaled to about 1.

    ``ref`` from :func:`shift_for`; ``e`` is 0 unless the shifted points and
    centres are huge or tiny (beyond ``2**SAFE_EXPONENT`` or below its
    inverse), and then brings them within about ``[-1, 1]``: no square can
    overflow or underflow, and distances in the data's units are ``2**-e``
    times those in the frame (exactly, a power of two).
    """

    def __init__(self, ref: np.ndarray, exponent: int):
        self.ref, self.exponent = ref, exponent
        self.scaled_ref = times_power_of_two(ref, exponent)
        self.shifted = bool(np.any(ref != 0))

    def __call__(self, A: np.ndarray) -> np.ndarray:
        """``A`` (rows of points) in the frame's coordinates.

        ``A`` itself (not a copy: do not write to it) when the frame is
        the identity, as for ordinary data around the origin.
        """
        if self.exponent == 0:
            return A - self.scaled_ref if self.shifted else A
        out = times_power_of_two(A, self.exponent)
        if self.shifted:
            out -= self.scaled_ref
        return out

    def sq_units(self, values, name="X", what="the squared distances"):
        """Squared distances of the frame in the data's units (or ``ValueError``)."""
        if self.exponent == 0:
            return values
        with np.errstate(over="ignore"):
            result = np.ldexp(values, -2 * self.exponent)
        return check_representable(result, name, what)

    def units(self, values, name="X", what="the distances"):
        """Distances of the frame in the data's units (or ``ValueError``)."""
        if self.exponent == 0:
            return values
        with np.errstate(over="ignore"):
            result = np.ldexp(values, -self.exponent)
        return check_representable(result, name, what)


def unit_frame(X: np.ndarray, C: np.ndarray | None = None) -> Frame:
    """The :class:`Frame` for comparing the rows of ``X`` with those of ``C``.

    The reference comes from ``C`` (``X`` itself if ``C`` is None); the
    exponent from the largest ``|x - ref|`` and ``|c - ref|``, found from
    the columns' extremes without a copy of ``X``.
    """
    arrays = (X,) if C is None else (X, C)
    ref = shift_for(arrays[-1])
    largest = 0.0  # the largest |a - ref|: inf if that overflows
    half = 0.0  # half of it, which cannot overflow (but underflows to 0 at 2**-1074)
    for A in arrays:
        if not ref.any():  # no shift: the largest |a|, fast
            largest = max(largest, largest_magnitude(A))
            continue
        for extreme in (A.min(axis=0), A.max(axis=0)):
            with np.errstate(over="ignore"):
                largest = max(largest, largest_magnitude(extreme - ref))
            half = max(half, largest_magnitude(extreme / 2 - ref / 2))
    if np.isfinite(largest):
        e = power_of_two_exponent(largest)
    else:
        e = power_of_two_exponent(half) - 1
    return Frame(ref, e if abs(e) > SAFE_EXPONENT else 0)


def nearest_blocks(X, C, chunk_size=None, *, distances=True):
    """Labels of the nearest centre, and (``distances``) the squared distances to it.

    In the frame of :func:`unit_frame` (shifted near the centres, scaled to
    about 1): the winner by the GEMM identity without ``||x||^2``, its
    squared distance from the difference ``x - c``. Returns ``(labels,
    sq_dists in the frame's units, frame)``; ``sq_dists`` is None without
    ``distances``.
    """
    n, k = X.shape[0], C.shape[0]
    frame = unit_frame(X, C)
    Cs = frame(C)
    c_sq_norms = sq_norms(Cs)
    labels = np.empty(n, dtype=np.intp)
    winners = np.empty(n, dtype=np.float64) if distances else None
    for rows in row_blocks(n, block_rows(n, k, chunk_size)):
        Xs = frame(X[rows])
        labels[rows] = partial_sq_dists(Xs, Cs, c_sq_norms).argmin(axis=1)
        if distances and frame.exponent == 0:  # from x - c
            winners[rows] = sq_norms(X[rows] - C[labels[rows]])
        elif distances:  # from x - c, scaled exactly
            diff = times_power_of_two(X[rows], frame.exponent)
            diff -= times_power_of_two(C[labels[rows]], frame.exponent)
            winners[rows] = sq_norms(diff)
    return labels, winners, frame


#: Data with every magnitude within ``[2**-SAFE, 2**SAFE]`` are left unscaled:
#: their squares, summed over many points, stay far from overflow and underflow.
SAFE_EXPONENT = 200


def safely_scaled(A: np.ndarray | None, *others: np.ndarray):
    """``(A * 2**e, *others * 2**e, e)``: scaled to about 1 if ``A`` is huge or tiny.

    ``e`` is 0 (and the arrays are returned as they are, not copied) when
    the largest magnitude of ``A`` lies within ``2**-SAFE_EXPONENT`` and
    ``2**SAFE_EXPONENT``; otherwise it brings that magnitude into
    ``[1/2, 1)``. ``others`` (centres, say) get the same ``e``. Scaling by
    a power of two is exact: results computed on the scaled arrays are the
    unscaled ones times a power of two, where those could be computed at all.
    """
    e = 0 if A is None else power_of_two_exponent(largest_magnitude(A))
    if -SAFE_EXPONENT <= e <= SAFE_EXPONENT:
        return (A, *others, 0)
    scaled = [
        None if B is None else times_power_of_two(B, e) for B in (A, *others)
    ]
    return (*scaled, e)


def sq_dists_in_frame(X: np.ndarray, C: np.ndarray, chunk_size=None):
    """``(D, frame)``: the ``(n, k)`` squared distances in :func:`unit_frame`'s units.

    The GEMM identity, clipped at 0, on the points shifted near ``C`` and
    scaled to about 1, in blocks of rows; ``frame.sq_units(D)`` gives them
    in the data's units.
    """
    n, k = X.shape[0], C.shape[0]
    frame = unit_frame(X, C)
    Cs = frame(C)
    c_sq_norms = sq_norms(Cs)
    out = np.empty((n, k), dtype=np.float64)
    for rows in row_blocks(n, block_rows(n, k, chunk_size)):
        out[rows] = sq_dists(frame(X[rows]), Cs, c_sq_norms)
    return out, frame


def centred_unit(X: np.ndarray) -> np.ndarray:
    """``(X - mean) * 2**e`` with its largest magnitude in ``[1/2, 1)``: a new array.

    For measures that neither a translation nor a scaling changes
    (silhouette, Calinski-Harabasz, Davies-Bouldin). The mean is taken on
    ``X`` scaled by a power of two if ``X`` is huge or tiny (it cannot
    overflow); the scaling after centring is exact.
    """
    Xs, _ = safely_scaled(X)
    centred = Xs - Xs.mean(axis=0)
    e = power_of_two_exponent(largest_magnitude(centred))
    return times_power_of_two(centred, e, out=centred)


def scaled_radius(eps: float, e: int) -> float:
    """``eps * 2**e`` for data scaled by ``2**e`` (:func:`safely_scaled`).

    Exact, except where it would overflow or vanish: data scaled to about 1
    lie within ``2 * sqrt(d)`` of each other, so a radius beyond ``2**100``
    holds every pair (as ``eps`` did) and one below the smallest subnormal
    holds only pairs at distance 0 (as ``eps`` did).
    """
    if e == 0:
        return eps
    with np.errstate(over="ignore", under="ignore"):
        scaled = float(np.ldexp(eps, e))
    return min(max(scaled, 2.0**-1074), 2.0**100)
