r"""DBSCAN's fast paths: ε-neighbourhoods and k-distances through a grid index.

Notes
-----
Both kernels answer questions about *every* pair of points closer than a
radius without forming the ``(n, n)`` distance matrix.

**The grid index** (``d <= GRID_MAX_DIM``). Points are hashed to cubic cells
of side :math:`h` (``eps`` for the neighbourhoods). Cell coordinates are
``floor((x - min) / h) + 1``; because the cells are cubes of side
:math:`h`, two points at distance :math:`\le h` are in the same or in
adjacent cells (their cell coordinates differ by at most 1 in every
coordinate), so the :math:`3^d` cells around a point hold all its
candidates. Rounding in ``(x - min) / h`` can move a point across a cell
wall when it lies within a few ulps of it; then a pair judged within
:math:`h` could land two cells apart and be missed. So the cells are made a
hair wider than :math:`h` (relatively :math:`2^{-50}` times the number of
cells along an axis, see ``_grid_keys``), which keeps every such pair at
most one cell apart: no neighbour is missed. Cell coordinates are combined into one int64 key in
mixed radix; when the product of the grid's sizes would exceed
:math:`2^{62}` (a huge span over a tiny radius) no grid is built and brute
force is used instead.

Candidates are then measured **from coordinate differences**,
:math:`\sum_k (x_{ik} - x_{jk})^2`, summed coordinate by coordinate in the
order ``k = 0, 1, ...``: no cancellation, and exactly the sum a brute-force
reference (and scikit-learn's k-d tree) computes, so pairs exactly
``eps`` apart (integer grids, say) are kept by ``<= eps**2`` exactly as
there. These kernels do not rescale: :func:`kmlib.dbscan` and
:func:`kmlib.k_distance` multiply huge or tiny data (and ``eps``) by a
power of two first (:func:`kmlib._blocks.safely_scaled`, exact), so that
no difference overflows or underflows when squared.

**Brute force** (``d > GRID_MAX_DIM``, or no grid). Blocks of rows against
all points, by the GEMM identity of :mod:`kmlib._blocks`,
:math:`\lVert x\rVert^2 + \lVert y\rVert^2 - 2\,x\cdot y` clipped at 0,
on the **centred** points (smaller norms, so less cancellation), with every
point's distance to itself set to exactly 0. The identity is only trusted
where rounding cannot matter: a bound on its error against the sum of
squared differences (``_rounding_slack``, from the usual analysis of dot
products, doubled) decides every pair farther than that from ``eps**2``,
and the few pairs within it are measured again from coordinate
differences. Decisions are therefore those of the pairwise definition, near
ties included (scikit-learn's k-d tree, which it uses for ``d <= 15``, makes
the same ones; its brute force, for ``d > 15``, trusts the identity, so a
pair within an ulp or so of ``eps`` could be decided differently there).

**k-distances** rank candidates by the same identity (or search the grid),
then measure every candidate that rounding could put among the ``k``
nearest again from coordinate differences, so the value returned is an
exact sum of squares, the one the pairwise definition gives.

Hence the neighbourhoods (and the k-distances) equal those of the readable
definition :math:`N(i) = \{ j : \lVert x_i - x_j \rVert \le \varepsilon \}`
computed pair by pair: tested in ``tests/test_dbscan.py`` on Hypothesis data
with many pairs exactly ``eps`` apart, and on iris and wine.

Memory: the neighbour lists are stored once, in compressed sparse row (CSR)
form, proportional to the number of neighbour pairs; temporaries hold at most
``CANDIDATES_PER_CHUNK`` candidate pairs (grid) or one block of
:data:`kmlib._blocks.WORKING_MEMORY_BYTES` (brute force).
"""

from __future__ import annotations

import numpy as np

from .._blocks import (
    block_rows,
    partial_sq_dists,
    row_blocks,
    sq_dists,
    sq_norms,
)

__all__ = ["Neighbourhoods", "grid_neighbourhoods", "kth_neighbour_distances"]

#: Largest dimension handled by the grid index (it visits 3**d cells per point).
GRID_MAX_DIM = 4
#: Candidate pairs examined per chunk (bounds the temporary arrays).
CANDIDATES_PER_CHUNK = 1 << 18
#: A grid cell whose points have at least this many candidates in all is
#: processed as a dense block of its own.
HEAVY_CELL_CANDIDATES = 4096
#: k-distances use brute force up to this many points (and always for d > GRID_MAX_DIM).
KNN_BRUTE_MAX_N = 2000
#: Points whose exact k-distance sets the cell side of the k-distance grid.
KNN_SAMPLE = 256


class Neighbourhoods:
    r"""The ε-neighbourhood :math:`N(i)` of every point, stored once (CSR).

    Row ``r`` of the compressed sparse rows ``indptr, indices`` lists the
    neighbours (original indices) of point ``order[r]``: the grid index sorts
    the points by cell, and keeping its order avoids a permutation of every
    neighbour pair.

    Attributes
    ----------
    sizes : ndarray of shape (n,), int64
        :math:`|N(i)|`, the point itself included.
    """

    def __init__(
        self, order: np.ndarray, indptr: np.ndarray, indices: np.ndarray
    ):
        n = order.size
        self.order, self.indptr, self.indices = order, indptr, indices
        self.row_of = np.empty(n, dtype=np.int64)
        self.row_of[order] = np.arange(n)
        self.sizes = np.empty(n, dtype=np.int64)
        self.sizes[order] = np.diff(indptr)

    def __len__(self) -> int:
        return self.sizes.size

    def of(self, points) -> np.ndarray:
        """The union of the neighbourhoods of ``points`` (an index or an array), sorted.

        A new array each time (never a view of the stored lists).
        """
        rows = self.row_of[np.atleast_1d(points)]
        if rows.size == 1:  # one neighbourhood: no duplicates to remove
            return np.sort(
                self.indices[self.indptr[rows[0]] : self.indptr[rows[0] + 1]]
            )
        starts = self.indptr[rows]
        reached = self.indices[
            _expand_ranges(starts, self.indptr[rows + 1] - starts)
        ]
        if reached.size * 8 < self.sizes.size:
            return np.unique(reached)
        union = np.zeros(
            self.sizes.size, dtype=bool
        )  # many: a mask beats a sort
        union[reached] = True
        return np.flatnonzero(union)


def grid_neighbourhoods(X: np.ndarray, eps: float) -> Neighbourhoods:
    """Every point's ε-neighbourhood (``<= eps``, itself included).

    ``X`` is a checked float64 array ``(n, d)``, ``eps > 0``. A grid index
    of cells of side ``eps`` in low dimension, chunked brute force otherwise
    (see the module's Notes).
    """
    found = None
    if X.shape[1] <= GRID_MAX_DIM:
        found = _grid_neighbours(X, eps)
    if found is None:
        found = _brute_neighbours(X, eps)
    return Neighbourhoods(*found)


def kth_neighbour_distances(X: np.ndarray, k: int) -> np.ndarray:
    """Distance from every point to its ``k``-th nearest *other* point, in index order.

    ``X`` is a checked float64 array ``(n, d)``, ``1 <= k <= n - 1``. A
    duplicate of a point at another index counts, at distance 0. Through a
    grid index for many points in low dimension, else by chunked brute force.
    """
    out = None
    if X.shape[1] <= GRID_MAX_DIM and X.shape[0] > KNN_BRUTE_MAX_N:
        out = _k_distance_grid(X, k)
    if out is None:
        out = _k_distance_rows(X, np.arange(X.shape[0]), k)
    return out


# ---------------------------------------------------------------------------
# The grid index
# ---------------------------------------------------------------------------


def _expand_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + l)`` for every (start, length) pair, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    shift = np.repeat(starts - (ends - lengths), lengths)
    return np.arange(total, dtype=np.int64) + shift


def _grid_keys(X: np.ndarray, eps: float):
    """Integer cell key of every point, and the key strides; None if keys would overflow.

    Cell coordinates are ``floor((x - min) / side) + 1`` (a margin of one
    empty cell on each side, so that the offsets -1, 0, +1 never wrap around),
    combined in mixed radix with the last coordinate varying fastest. The
    cells ``(c_1, ..., c_{d-1}, c_d - 1 .. c_d + 1)`` therefore have
    consecutive keys, and their points are contiguous once sorted by key.

    The side is ``eps`` widened by a relative :math:`2^{-50}(T + d + 8)`,
    ``T`` the number of cells along the longest axis: the rounding of
    ``(x - min) / side`` moves a point by at most about :math:`2uT` cells
    (:math:`u = 2^{-53}`), and a pair judged within ``eps`` (whose true
    distance may exceed ``eps`` by :math:`(d + 3)u` relatively) is then
    less than one cell apart after rounding, never two: no neighbour is
    missed, even for a point within an ulp of a cell wall.
    """
    low = X.min(axis=0)
    with np.errstate(over="ignore"):
        span = (X.max(axis=0) - low) / eps
    sizes = (
        np.floor(span) + 3
    )  # also enough for the wider side (division is monotone)
    if not np.all(np.isfinite(sizes)) or np.prod(sizes) > 2.0**62:
        return None
    side = eps * (1.0 + 2.0**-50 * (span.max() + X.shape[1] + 8))
    cells = np.floor((X - low) / side).astype(np.int64) + 1
    sizes = sizes.astype(np.int64)
    strides = np.ones(X.shape[1], dtype=np.int64)
    for k in range(X.shape[1] - 2, -1, -1):
        strides[k] = strides[k + 1] * sizes[k + 1]
    return cells @ strides, strides


def _grid_index(X: np.ndarray, side: float):
    """Points sorted into cubic cells of side ``side``, with each cell's candidate runs.

    Returns None when the cell keys would overflow, else
    ``order, columns, cell_start, cell_count, run_lo, run_len``: ``order``
    sorts the points by cell key, ``columns[k]`` is coordinate ``k`` of the
    sorted points, occupied cell ``c`` holds sorted points
    ``cell_start[c] : cell_start[c] + cell_count[c]``, and the points of the
    ``3**d`` cells around it are the ``3**(d-1)`` ranges
    ``run_lo[c, r] : run_lo[c, r] + run_len[c, r]`` of sorted points.
    """
    grid = _grid_keys(X, side)
    if grid is None:
        return None
    keys, strides = grid
    d = X.shape[1]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    columns = [np.ascontiguousarray(X[order, k]) for k in range(d)]
    cell_keys, cell_start, cell_count = np.unique(
        sorted_keys, return_index=True, return_counts=True
    )
    # Key of the middle cell of every run: offsets -1, 0, 1 in all but the last coordinate.
    grids = np.meshgrid(*([np.array([-1, 0, 1])] * (d - 1)), indexing="ij")
    offsets = (
        np.stack([g.ravel() for g in grids], axis=1) @ strides[:-1]
        if d > 1
        else np.zeros(1, np.int64)
    )
    middle = cell_keys[:, None] + offsets[None, :]  # (n_cells, 3**(d-1))
    run_lo = np.searchsorted(sorted_keys, middle - 1, side="left")
    run_hi = np.searchsorted(sorted_keys, middle + 1, side="right")
    return order, columns, cell_start, cell_count, run_lo, run_hi - run_lo


def _grid_neighbours(X: np.ndarray, eps: float):
    """Neighbour lists (CSR over ``order``) through a grid of cells of side ``eps``.

    Returns ``order, indptr, indices``, or None when the grid cannot be built:
    row ``r`` of the CSR lists the neighbours (original indices) of point
    ``order[r]``.

    The points are sorted by cell key. For each occupied cell, its
    ``3**(d-1)`` runs of three adjacent cells are ``3**(d-1)`` contiguous
    ranges of sorted points: the candidates. Cells with many points are
    handled one at a time as dense blocks (cell points x candidates, no
    gathers); runs of small cells are handled together, one candidate pair
    per entry of flat arrays. Either way at most ``CANDIDATES_PER_CHUNK``
    candidates are held at once.
    """
    index = _grid_index(X, eps)
    if index is None:
        return None
    order, columns, cell_start, cell_count, run_lo, run_len = index
    n, d = X.shape
    cell_stop = cell_start + cell_count
    runs = run_len.shape[1]
    cell_candidates = run_len.sum(
        axis=1
    )  # candidates of each point of the cell
    cell_of_point = np.repeat(np.arange(cell_start.size), cell_count)
    per_point = cell_candidates[cell_of_point]
    cumulative = np.cumsum(per_point)
    heavy = np.flatnonzero(
        cell_count * cell_candidates >= HEAVY_CELL_CANDIDATES
    )

    eps2 = eps * eps
    index_dtype = np.int32 if n < 2**31 else np.int64
    counts = np.zeros(n, dtype=np.int64)
    pieces = []

    def light_rows(start, stop):
        """Sorted points ``start:stop`` (whole cells), as flat candidate pairs."""
        while start < stop:
            before = cumulative[start - 1] if start else 0
            end = int(
                np.searchsorted(
                    cumulative, before + CANDIDATES_PER_CHUNK, side="right"
                )
            )
            end = min(max(end, start + 1), stop)
            rows = np.arange(start, end)
            cells = cell_of_point[rows]
            lengths = run_len[cells].ravel()
            src = np.repeat(np.repeat(rows, runs), lengths)
            dst = _expand_ranges(run_lo[cells].ravel(), lengths)
            diff = columns[0][src] - columns[0][dst]
            sq = diff * diff
            for k in range(1, d):
                np.subtract(columns[k][src], columns[k][dst], out=diff)
                diff *= diff
                sq += diff
            keep = sq <= eps2
            del sq, diff
            # src is non-decreasing, so the kept pairs come grouped by row.
            counts[start:end] = np.bincount(
                src[keep] - start, minlength=end - start
            )
            pieces.append(order[dst[keep]].astype(index_dtype))
            start = end

    def heavy_cell(c):
        """The points of cell ``c`` against its candidates, as dense blocks."""
        candidates = _expand_ranges(run_lo[c], run_len[c])
        Xc = [columns[k][candidates] for k in range(d)]
        step = max(1, CANDIDATES_PER_CHUNK // candidates.size)
        for start in range(cell_start[c], cell_stop[c], step):
            end = min(start + step, cell_stop[c])
            diff = columns[0][start:end, None] - Xc[0][None, :]
            sq = diff * diff
            for k in range(1, d):
                np.subtract(
                    columns[k][start:end, None], Xc[k][None, :], out=diff
                )
                diff *= diff
                sq += diff
            keep = sq <= eps2
            del sq, diff
            counts[start:end] = keep.sum(axis=1)
            pieces.append(
                order[candidates[np.nonzero(keep)[1]]].astype(index_dtype)
            )

    done = 0  # sorted points before this are finished
    for c in heavy:
        light_rows(done, int(cell_start[c]))
        heavy_cell(c)
        done = int(cell_stop[c])
    light_rows(done, n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = (
        np.concatenate(pieces) if pieces else np.empty(0, dtype=index_dtype)
    )
    return order, indptr, indices


# ---------------------------------------------------------------------------
# Brute force
# ---------------------------------------------------------------------------


def _rounding_slack(norms: np.ndarray, d: int) -> np.ndarray:
    r"""Per row ``i``, a bound on ``|G_ij - E_ij|`` for every ``j``.

        ``G`` is the squared distance by the GEMM identity on the centred data
        (whose squared norms are ``norms``), ``E`` the sum of squared coordinate
        differences of the data themselves. Rounding analysis (the dot product,
        the norms, the two additions, the centring and ``E`` itself) gives about
        :math:`(4d + 14)\,u\,(\lVert x_i
    Vert^2 + \lVert x_j
    Vert^2)` with
        :math:`u = 2^{-53}`; this is twice that, with the largest norm for
        :math:`\lVert x_j
    Vert^2`.
    """
    return (8 * d + 32) * 2.0**-53 * (norms + norms.max())


def _brute_neighbours(X: np.ndarray, eps: float):
    """Neighbour lists (CSR in index order) by chunked brute force, GEMM identity.

    The identity runs on the centred points and decides every pair farther
    from ``eps**2`` than the rounding slack; the pairs within it are decided
    by the sum of squared coordinate differences, as the grid does.
    """
    n, d = X.shape
    centred = X - X.mean(axis=0)
    norms = sq_norms(centred)
    slack = _rounding_slack(norms, d)
    eps2 = eps * eps
    counts = np.zeros(n, dtype=np.int64)
    pieces = []
    for block in row_blocks(n, block_rows(n, n)):
        sq = sq_dists(centred[block], centred, norms)
        local = np.arange(sq.shape[0])
        sq[local, block.start + local] = (
            0.0  # a point is always its own neighbour
        )
        rows, cols = np.nonzero(sq <= eps2 + slack[block, None])
        close = sq[rows, cols] > eps2 - slack[block][rows]  # too close to call
        del sq
        exact = np.zeros(int(close.sum()))
        for k in range(d):
            diff = X[block.start + rows[close], k] - X[cols[close], k]
            exact += diff * diff
        keep = ~close
        keep[close] = exact <= eps2
        rows, cols = rows[keep], cols[keep]
        counts[block] = np.bincount(rows, minlength=local.size)
        pieces.append(cols.astype(np.int32 if n < 2**31 else np.int64))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return np.arange(n), indptr, np.concatenate(pieces)


# ---------------------------------------------------------------------------
# k-th neighbour distances
# ---------------------------------------------------------------------------


def _k_distance_rows(X: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Exact k-th neighbour distance of the points ``X[rows]``, by chunked brute force.

    Candidates are ranked by the GEMM identity on the centred points
    (without the row's own norm, the same for all its candidates). Every
    candidate ranked within twice the rounding slack of the ``k``-th is
    measured again from coordinate differences, and the ``k``-th smallest of
    those exact values is kept: the slack guarantees that the ``k`` truly
    nearest are among them, so the value is the one the pairwise definition
    gives, near-ties included.
    """
    n, d = X.shape
    centred = X - X.mean(axis=0)
    norms = sq_norms(centred)
    slack = 2.0 * _rounding_slack(norms, d)
    out = np.empty(rows.size)
    for block in row_blocks(rows.size, block_rows(rows.size, n)):
        chunk = rows[block]
        ranks = partial_sq_dists(centred[chunk], centred, norms)
        ranks[np.arange(chunk.size), chunk] = (
            np.inf
        )  # the point itself is not a neighbour
        kth = np.partition(ranks, k - 1, axis=1)[:, k - 1]
        near_row, near = np.nonzero(ranks <= (kth + slack[chunk])[:, None])
        del ranks
        exact = np.zeros(near.size)
        for c in range(d):
            diff = X[chunk[near_row], c] - X[near, c]
            exact += diff * diff
        # near_row is sorted: sort each row's exact values, take the k-th
        by_value = np.lexsort((exact, near_row))
        first = np.searchsorted(near_row, np.arange(chunk.size))
        out[block] = np.sqrt(exact[by_value][first + k - 1])
    return out


def _k_distance_grid(X: np.ndarray, k: int):
    """k-th neighbour distances through a grid index, or None if no grid fits.

    The cell side ``h`` is a high quantile of the k-distances of a sample of
    points (computed exactly). The ``3**d`` cells around a point cover the
    ball of radius ``h`` about it, so when its ``k``-th nearest candidate in
    those cells is within ``h``, it is its true ``k``-th neighbour. The few
    points for which it is not are done by brute force.
    """
    n, d = X.shape
    sample = np.unique(np.linspace(0, n - 1, KNN_SAMPLE).astype(np.int64))
    h = float(np.quantile(_k_distance_rows(X, sample, k), 0.95))
    if not h > 0:
        return None
    index = _grid_index(X, h)
    if index is None:
        return None
    order, columns, cell_start, cell_count, run_lo, run_len = index
    h2 = h * h
    out = np.full(n, np.inf)  # in sorted order; inf = still to do
    for c in range(cell_start.size):
        candidates = _expand_ranges(run_lo[c], run_len[c])
        if candidates.size <= k:
            continue
        Xc = [columns[j][candidates] for j in range(d)]
        step = max(1, CANDIDATES_PER_CHUNK // candidates.size)
        stop_c = cell_start[c] + cell_count[c]
        for start in range(cell_start[c], stop_c, step):
            end = min(start + step, stop_c)
            diff = columns[0][start:end, None] - Xc[0][None, :]
            sq = diff * diff
            for j in range(1, d):
                np.subtract(
                    columns[j][start:end, None], Xc[j][None, :], out=diff
                )
                diff *= diff
                sq += diff
            # the point itself is not a neighbour
            sq[candidates[None, :] == np.arange(start, end)[:, None]] = np.inf
            kth = np.partition(sq, k - 1, axis=1)[:, k - 1]
            found = kth <= h2
            out[start:end][found] = np.sqrt(kth[found])
    result = np.empty(n)
    result[order] = out
    todo = np.flatnonzero(np.isinf(result))
    if todo.size:
        result[todo] = _k_distance_rows(X, todo, k)
    return result
