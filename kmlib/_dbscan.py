r"""DBSCAN: clusters as dense regions, with noise (Chapter 5).

Definitions, for a radius :math:`\varepsilon > 0` and an integer
``min_samples`` :math:`m \ge 1`:

- the :math:`\varepsilon`-neighbourhood of a point :math:`x_i` is
  :math:`N(i) = \{\, j : \lVert x_i - x_j \rVert \le \varepsilon \,\}`;
  it **includes** :math:`i` itself and the boundary (``<=``);
- :math:`x_i` is a **core point** when :math:`|N(i)| \ge m`;
- two core points are connected when they are neighbours; a cluster is a
  connected component of core points plus the non-core points (**border
  points**) within :math:`\varepsilon` of one of its core points;
- the other points are **noise**, label ``-1``.

Numbering and ties follow scikit-learn exactly (its ``dbscan_inner``):
points are visited in index order; an unlabelled core point opens the next
cluster id and a depth-first search gives that id to everything reachable
from it (kmlib runs the equivalent breadth-first search, vectorised one
frontier at a time; see ``_label``). Hence cluster ids are ordered by each
cluster's smallest core index, and a border point within
:math:`\varepsilon` of several clusters goes to the first one opened, the
**smallest id**. Labels therefore equal
``sklearn.cluster.DBSCAN(eps, min_samples=min_samples).fit(X).labels_``
for the same row order (up to rounding when a distance is within
floating-point error of :math:`\varepsilon`).

Memory is bounded: no ``(n, n)`` matrix is formed. The neighbour lists are
stored once, in compressed sparse row form (``indptr``, ``indices``), so
the memory is proportional to the number of neighbour pairs. They are
found

- in low dimension (``d <= 4``) with a **grid index**: points are hashed to
  cubic cells of side :math:`\varepsilon`, so the neighbours of a point lie
  in its own cell or one of the :math:`3^d - 1` adjacent cells; the squared
  distance to every such candidate is computed from coordinate differences,
  :math:`\sum_k (x_{ik} - x_{jk})^2 \le \varepsilon^2`, exactly as
  scikit-learn's k-d tree does, so pairs exactly :math:`\varepsilon` apart on
  integer grids are found as it finds them;
- in higher dimension by **chunked brute force**, blocks of rows against
  all points with :math:`\lVert x\rVert^2 + \lVert y\rVert^2 - 2\,x\cdot y`
  clipped at 0 (scikit-learn's brute-force rule, which it uses for
  ``d > 15``).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_array, check_int, check_scalar

__all__ = ["dbscan", "k_distance"]

#: Largest dimension handled by the grid index (it visits 3**d cells per point).
GRID_MAX_DIM = 4
#: Candidate pairs examined per chunk (bounds the temporary arrays).
CANDIDATES_PER_CHUNK = 1 << 18
#: A grid cell whose points have at least this many candidates in all is
#: processed as a dense block of its own.
HEAVY_CELL_CANDIDATES = 4096
#: k_distance uses brute force up to this many points (and always for d > GRID_MAX_DIM).
KNN_BRUTE_MAX_N = 2000
#: Points whose exact k-distance sets the cell side of k_distance's grid.
KNN_SAMPLE = 256
#: Bytes of the ``(rows, n)`` distance block of the brute-force path.
BLOCK_BYTES = 16 * 2**20


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

    Cell coordinates are ``floor((x - min) / eps) + 1`` (a margin of one
    empty cell on each side, so that the offsets -1, 0, +1 never wrap around),
    combined in mixed radix with the last coordinate varying fastest. The
    cells ``(c_1, ..., c_{d-1}, c_d - 1 .. c_d + 1)`` therefore have
    consecutive keys, and their points are contiguous once sorted by key.
    """
    low = X.min(axis=0)
    with np.errstate(over="ignore"):
        span = (X.max(axis=0) - low) / eps
    sizes = np.floor(span) + 3
    if not np.all(np.isfinite(sizes)) or np.prod(sizes) > 2.0**62:
        return None
    cells = np.floor((X - low) / eps).astype(np.int64) + 1
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
    cell_candidates = run_len.sum(axis=1)  # candidates of each point of the cell
    cell_of_point = np.repeat(np.arange(cell_start.size), cell_count)
    per_point = cell_candidates[cell_of_point]
    cumulative = np.cumsum(per_point)
    heavy = np.flatnonzero(cell_count * cell_candidates >= HEAVY_CELL_CANDIDATES)

    eps2 = eps * eps
    index_dtype = np.int32 if n < 2**31 else np.int64
    counts = np.zeros(n, dtype=np.int64)
    pieces = []

    def light_rows(start, stop):
        """Sorted points ``start:stop`` (whole cells), as flat candidate pairs."""
        while start < stop:
            before = cumulative[start - 1] if start else 0
            end = int(np.searchsorted(cumulative, before + CANDIDATES_PER_CHUNK, side="right"))
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
            counts[start:end] = np.bincount(src[keep] - start, minlength=end - start)
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
                np.subtract(columns[k][start:end, None], Xc[k][None, :], out=diff)
                diff *= diff
                sq += diff
            keep = sq <= eps2
            del sq, diff
            counts[start:end] = keep.sum(axis=1)
            pieces.append(order[candidates[np.nonzero(keep)[1]]].astype(index_dtype))

    done = 0  # sorted points before this are finished
    for c in heavy:
        light_rows(done, int(cell_start[c]))
        heavy_cell(c)
        done = int(cell_stop[c])
    light_rows(done, n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    indices = np.concatenate(pieces) if pieces else np.empty(0, dtype=index_dtype)
    return order, indptr, indices


def _brute_neighbours(X: np.ndarray, eps: float):
    """Neighbour lists (CSR in index order) by chunked brute force, GEMM identity."""
    n = X.shape[0]
    sq_norms = np.einsum("ij,ij->i", X, X)
    rows_per_block = int(max(1, min(n, BLOCK_BYTES // (8 * n))))
    eps2 = eps * eps
    counts = np.zeros(n, dtype=np.int64)
    pieces = []
    for start in range(0, n, rows_per_block):
        stop = min(start + rows_per_block, n)
        block = X[start:stop] @ X.T
        block *= -2.0
        block += sq_norms[start:stop, None]
        block += sq_norms[None, :]
        np.maximum(block, 0.0, out=block)
        local = np.arange(stop - start)
        block[local, start + local] = 0.0  # a point is always its own neighbour
        rows, cols = np.nonzero(block <= eps2)
        counts[start:stop] = np.bincount(rows, minlength=stop - start)
        pieces.append(cols.astype(np.int32 if n < 2**31 else np.int64))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return np.arange(n), indptr, np.concatenate(pieces)


def _neighbourhoods(X: np.ndarray, eps: float):
    """CSR neighbour lists: ``order, indptr, indices`` (see :func:`_grid_neighbours`)."""
    if X.shape[1] <= GRID_MAX_DIM:
        result = _grid_neighbours(X, eps)
        if result is not None:
            return result
    return _brute_neighbours(X, eps)


def _label(order, indptr, indices, core):
    """scikit-learn's index-order labelling, by breadth-first search over core points.

    A depth-first search from the smallest unlabelled core index, as in
    scikit-learn, labels exactly the core points of its connected component
    plus the still-unlabelled border points next to them; the order of the
    search does not matter, so a vectorised breadth-first search (one
    frontier at a time) gives the same labels.
    """
    n = core.size
    row_of = np.empty(n, dtype=np.int64)
    row_of[order] = np.arange(n)
    labels = np.full(n, -1, dtype=np.int64)
    # A core point whose only neighbour is itself is a cluster of its own:
    # no search needed (this keeps min_samples=1 with a tiny eps fast).
    alone = (indptr[row_of + 1] - indptr[row_of] == 1).tolist()
    next_id = 0
    for i in np.flatnonzero(core).tolist():
        if alone[i]:
            labels[i] = next_id
            next_id += 1
            continue
        if labels[i] != -1:
            continue
        labels[i] = next_id
        frontier = np.array([i])
        while frontier.size:
            rows = row_of[frontier]
            lengths = indptr[rows + 1] - indptr[rows]
            reached = indices[_expand_ranges(indptr[rows], lengths)]
            reached = reached[labels[reached] == -1]
            if reached.size == 0:
                break
            reached = np.unique(reached)
            labels[reached] = next_id
            frontier = reached[core[reached]]
        next_id += 1
    return labels


def dbscan(X, eps=0.5, min_samples=5, *, return_core=False):
    r"""Density-based clustering with noise (DBSCAN; Ester et al., 1996).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    eps : float > 0, default 0.5
        Neighbourhood radius; a point's neighbourhood is every point at
        distance ``<= eps``, itself included.
    min_samples : int >= 1, default 5
        A point is a core point when its neighbourhood (itself included)
        has at least ``min_samples`` points. ``min_samples=1`` makes every
        point core (no noise).
    return_core : bool, default False
        Also return the core-point mask.

    Returns
    -------
    labels : ndarray of shape (n,), int64
        Cluster ids ``0, 1, ...`` in order of each cluster's smallest core
        index; ``-1`` for noise. Equal to scikit-learn's ``DBSCAN`` labels
        for the same row order.
    core : ndarray of shape (n,), bool
        Only with ``return_core=True``: ``core[i]`` is True for core points.

    Examples
    --------
    >>> dbscan([[0.0], [1.0], [2.0], [10.0]], eps=1.0, min_samples=2)
    array([ 0,  0,  0, -1])
    >>> labels, core = dbscan([[0], [1], [2], [3]], eps=1, min_samples=3, return_core=True)
    >>> labels.tolist(), core.tolist()
    ([0, 0, 0, 0], [False, True, True, False])
    """
    X = check_array(X, "X")
    eps = check_scalar(eps, "eps", minimum=0.0, include_minimum=False)
    min_samples = check_int(min_samples, "min_samples", minimum=1)
    order, indptr, indices = _neighbourhoods(X, eps)
    counts = np.empty(X.shape[0], dtype=np.int64)
    counts[order] = np.diff(indptr)
    core = counts >= min_samples
    labels = _label(order, indptr, indices, core)
    if return_core:
        return labels, core
    return labels


def k_distance(X, k):
    r"""Distance from every point to its ``k``-th nearest neighbour, sorted descending.

    The point itself is **not** counted: for a point :math:`x_i` the
    distances :math:`\lVert x_i - x_j \rVert`, :math:`j \ne i`, are sorted
    and the ``k``-th smallest is kept (a duplicate of :math:`x_i` at
    another index counts, at distance 0).

    To choose ``eps`` for ``dbscan(X, eps, min_samples)``, plot
    ``k_distance(X, min_samples - 1)`` and look for the knee. The reason for
    the ``- 1``: DBSCAN's neighbourhood counts the point itself, so
    :math:`x_i` is a core point exactly when its ``(min_samples - 1)``-th
    nearest *other* point is within ``eps``, that is when
    ``k_distance(X, min_samples - 1)`` of it is ``<= eps``. The number of
    values ``<= eps`` in the curve is then the number of core points.

    Parameters
    ----------
    X : array_like of shape (n, d)
    k : int, 1 <= k <= n - 1

    Returns
    -------
    ndarray of shape (n,), float64
        Sorted in decreasing order (the usual "k-distance plot").

    Notes
    -----
    No ``(n, n)`` matrix is formed. In low dimension (``d <= 4``, more than
    ``KNN_BRUTE_MAX_N`` points) a grid index does most of the work (see
    ``_k_distance_grid``); otherwise, and for the points the grid cannot
    settle, chunks of rows are compared with all points: candidates are
    ranked by the GEMM identity, then the ``k`` nearest are measured again
    from coordinate differences. Either way the values are exact sums of
    squares of coordinate differences, so they agree with scikit-learn's
    ``NearestNeighbors(n_neighbors=k).fit(X).kneighbors()``.

    Examples
    --------
    >>> k_distance([[0.0], [1.0], [3.0]], 1)
    array([2., 1., 1.])
    """
    X = check_array(X, "X", min_rows=2)
    n = X.shape[0]
    k = check_int(k, "k", minimum=1, maximum=n - 1)
    out = None
    if X.shape[1] <= GRID_MAX_DIM and n > KNN_BRUTE_MAX_N:
        out = _k_distance_grid(X, k)
    if out is None:
        out = _k_distance_rows(X, np.arange(n), k)
    return np.sort(out)[::-1].copy()


def _k_distance_rows(X: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Exact k-th neighbour distance of the points ``X[rows]``, by chunked brute force.

    Candidates are ranked by the GEMM identity, then the ``k`` nearest are
    measured again from coordinate differences.
    """
    n = X.shape[0]
    sq_norms = np.einsum("ij,ij->i", X, X)
    rows_per_block = int(max(1, min(n, BLOCK_BYTES // (8 * n))))
    out = np.empty(rows.size)
    for start in range(0, rows.size, rows_per_block):
        stop = min(start + rows_per_block, rows.size)
        chunk = rows[start:stop]
        block = X[chunk] @ X.T
        block *= -2.0
        block += sq_norms[chunk, None]
        block += sq_norms[None, :]
        block[np.arange(chunk.size), chunk] = np.inf  # the point itself is not a neighbour
        nearest = np.argpartition(block, k - 1, axis=1)[:, :k]
        del block
        exact = np.zeros(nearest.shape)
        for c in range(X.shape[1]):
            diff = X[chunk, c][:, None] - X[nearest, c]
            exact += diff * diff
        out[start:stop] = np.sqrt(exact.max(axis=1))
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
                np.subtract(columns[j][start:end, None], Xc[j][None, :], out=diff)
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
