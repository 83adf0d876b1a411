r"""Lloyd's algorithm and k-means‖ as map-reduce on Dask (Chapter 7).

The optional extra ``kmlib[dask]``: ``import kmlib.dask`` needs ``dask``
(``import kmlib`` does not). Every function takes a 2-D ``dask.array`` of
any origin (in memory, :func:`from_npy` on disk, ``da.from_zarr``, generated
chunk by chunk) and runs on whatever scheduler is active, a
``distributed`` cluster included.

One Lloyd iteration is one map-reduce over the row chunks:

- **map**: every chunk, on its worker, is centred and scaled as
  :class:`kmlib.lloyd` does it, assigned with kmlib's own screened kernel
  (:mod:`kmlib._kernels.screen`), and reduced to its per-cluster counts
  and sums (:mod:`kmlib._kernels.sums`): ``k (d + 1)`` numbers;
- **reduce**: the driver adds the chunks' numbers in chunk order and takes
  the means (an empty cluster is re-seeded at the farthest point, found by
  one more pass, exactly as :func:`kmlib.update` does);
- **broadcast**: the new centres go out with the next iteration's tasks.

Nothing of size ``n`` is kept between iterations: a worker holds a few
chunks at a time, whatever ``n``. Within a chunk it works on pieces of
:data:`PIECE_ROWS` rows, and while its task runs it keeps the memory it
frees for the next piece (:class:`KeptMemory`).

Notes
-----
The stopping rules are :func:`kmlib.lloyd`'s. "Labels unchanged" needs no
stored labels: from the same labels the sums are the same numbers (they
are added in a fixed order), so unchanged labels give a centre shift of
exactly 0, which the ``tol`` rule (``shift <= tol``) catches in the same
iteration; :func:`kmlib.lloyd` would stop there too, with the same
``n_iter`` and labels. From the same initial centres on the same data the
labels and ``n_iter`` are :func:`kmlib.lloyd`'s, whatever the chunking,
and the inertia agrees to rounding. The centres agree to rounding, not bit
for bit: the column means and the per-cluster sums are added chunk by
chunk here and in one sweep there, and floating-point addition is not
associative. Points tied to rounding (exact ties such as integer data) can
therefore be labelled differently; the tests use data without ties.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import threading
from pathlib import Path

import dask.array as da
import numpy as np

import dask

from ._blocks import (
    PIECE_ROWS,  # rows of a chunk a worker works on at a time
    power_of_two_exponent,
    sq_norms,
    times_power_of_two,
)
from ._kernels.screen import prepare, screened_labels
from ._kernels.sums import cluster_sums, feature_rows
from ._lloyd import KMeansResult, means, warn_if_few_clusters
from ._parallel import (
    ParallelSeeding,
    attraction,
    check_parallel_params,
    draw_candidates,
    keep_drawn,
    recluster,
)
from ._validation import (
    check_array,
    check_int,
    check_n_clusters,
    check_random_state,
    check_scalar,
)

__all__ = ["from_npy", "lloyd", "kmeans", "kmeans_parallel", "DaskData"]

#: Rows per chunk that :func:`from_npy` uses by default (8 MiB of float32 at d = 8).
CHUNK_ROWS = 262_144


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


def read_rows(path: str, offset, block_info=None) -> np.ndarray:
    """The rows of one chunk of a ``.npy`` file.

    A C-ordered file (``offset`` is where its data start) is read with one
    ``read`` into a new array: the file's pages are never mapped into the
    worker. A Fortran-ordered file (``offset`` None) is read through a memory
    map.
    """
    (start, stop), (_, d) = block_info[None]["array-location"]
    dtype = block_info[None]["dtype"]
    if offset is None:
        return np.array(np.load(path, mmap_mode="r")[start:stop])
    with open(path, "rb") as file:
        file.seek(offset + start * d * dtype.itemsize)
        rows = np.fromfile(file, dtype=dtype, count=(stop - start) * d)
    return rows.reshape(stop - start, d)


def from_npy(path, chunks=CHUNK_ROWS):
    """A ``.npy`` file of shape ``(n, d)`` as a dask array, read by the workers.

    Each chunk of ``chunks`` rows is read where its task runs (nothing of
    the file travels through the driver), so the data can be larger than
    any worker's memory.

    Parameters
    ----------
    path : str or Path
        A 2-D ``.npy`` file.
    chunks : int, default 262144
        Rows per chunk.

    Returns
    -------
    dask.array.Array
    """
    path = str(Path(path).resolve())
    header = np.load(path, mmap_mode="r")
    if header.ndim != 2:
        raise ValueError(
            f"path must hold a 2-D array; got shape {header.shape}"
        )
    chunks = check_int(chunks, "chunks", minimum=1)
    (n, d), dtype = header.shape, header.dtype
    offset = None if np.isfortran(header) else header.offset
    rows = tuple(min(chunks, n - a) for a in range(0, n, chunks))
    token = dask.base.tokenize(path, os.stat(path).st_mtime_ns, rows)
    return da.map_blocks(
        functools.partial(read_rows, path, offset),
        chunks=(rows, (d,)),
        dtype=dtype,
        meta=np.empty((0, d), dtype=dtype),
        name=f"from-npy-{token}",
    )


def check_dask_array(X, name: str = "X"):
    """``X`` as a 2-D numeric dask array with one chunk along the columns."""
    if not isinstance(X, da.Array):
        raise TypeError(
            f"{name} must be a dask.array.Array (use kmlib.lloyd for numpy "
            f"arrays); got {type(X).__name__}"
        )
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n, d); got shape {X.shape}")
    if X.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {X.dtype}")
    if any(np.isnan(size) for size in X.shape):
        raise ValueError(
            f"{name} has unknown chunk sizes; call {name}.compute_chunk_sizes()"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and column")
    return X.rechunk({1: -1}) if X.numblocks[1] > 1 else X


# ---------------------------------------------------------------------------
# What a worker does with one chunk
# ---------------------------------------------------------------------------


def work_units(block, mean, exponent) -> np.ndarray:
    """A chunk centred and scaled exactly as :class:`kmlib.lloyd` does it."""
    centred = np.asarray(block, dtype=np.float64) - mean
    return times_power_of_two(centred, exponent, out=centred)


def pieces(block, mean, exponent):
    """The chunk in pieces of :data:`PIECE_ROWS` rows, each in the run's units.

    A worker centres, scales and assigns one piece at a time: its
    temporaries stay small (and in the processor's cache), whatever the
    chunk size.
    """
    for start in range(0, block.shape[0], PIECE_ROWS):
        yield work_units(block[start : start + PIECE_ROWS], mean, exponent)


def labelled_pieces(block, mean, exponent, centers):
    """Each piece of :func:`pieces` with its labels (kmlib's screened kernel)."""
    for X in pieces(block, mean, exponent):
        yield X, screened_labels(prepare(X), centers)


def chunk_sums(block, mean, exponent, centers):
    """Map step: the chunk's per-cluster counts ``(k,)`` and sums ``(k, d)``."""
    k, d = centers.shape
    counts, sums = np.zeros(k), np.zeros((k, d))
    for X, labels in labelled_pieces(block, mean, exponent, centers):
        piece_counts, piece_sums = cluster_sums(feature_rows(X), labels, k)
        counts += piece_counts
        sums += piece_sums
    return counts, sums


def chunk_far(block, mean, exponent, centers, m):
    """The chunk's ``m`` points farthest from their centres: distances, points, labels."""
    d = centers.shape[1]
    parts = [(np.zeros(0), np.zeros((0, d)), np.zeros(0, dtype=np.intp))]
    for X, labels in labelled_pieces(block, mean, exponent, centers):
        dist = sq_norms(X - centers[labels])
        top = np.argsort(-dist, kind="stable")[:m]
        parts.append((dist[top], X[top], labels[top]))
    dist, points, labels = (np.concatenate(p) for p in zip(*parts, strict=True))
    top = np.argsort(-dist, kind="stable")[:m]  # ties: the earlier point
    return dist[top], points[top], labels[top]


def chunk_labels(block, mean, exponent, centers) -> np.ndarray:
    """The chunk's labels (nearest centres)."""
    parts = labelled_pieces(block, mean, exponent, centers)
    return np.concatenate([np.zeros(0, np.intp), *(lab for _, lab in parts)])


def chunk_inertia(block, mean, exponent, centers):
    """The chunk's counts ``(k,)`` and WCSS, in the run's units."""
    counts, wcss = np.zeros(centers.shape[0], dtype=np.intp), 0.0
    for X, labels in labelled_pieces(block, mean, exponent, centers):
        counts += np.bincount(labels, minlength=centers.shape[0])
        wcss += float(sq_norms(X - centers[labels]).sum())
    return counts, wcss


def chunk_moments(block):
    """The chunk's rows, column means, squared deviations, maxima and minima.

    The deviations are from the chunk's own means (no cancellation), added
    piece by piece; :func:`combine_moments` merges the chunks.
    """
    n, d = block.shape
    if n == 0:
        return (
            0,
            np.zeros(d),
            np.zeros(d),
            np.full(d, -np.inf),
            np.full(d, np.inf),
        )
    mean = np.sum(block, axis=0, dtype=np.float64) / n
    m2 = np.zeros(d)
    for X in pieces(block, mean, 0):
        m2 += np.einsum("ij,ij->j", X, X)
    return n, mean, m2, block.max(axis=0), block.min(axis=0)


def combine_moments(parts):
    """The column means, variances, maxima and minima of all the chunks.

    Chan, Golub and LeVeque's pairwise update, in chunk order.
    """
    n, mean, m2 = 0, 0.0, 0.0
    for n_b, mean_b, m2_b, _, _ in parts:
        if n_b == 0:
            continue
        delta = mean_b - mean
        mean = mean + delta * (n_b / (n + n_b))
        m2 = m2 + m2_b + delta**2 * (n * n_b / (n + n_b))
        n += n_b
    top = np.max([p[3] for p in parts], axis=0).astype(np.float64)
    bottom = np.min([p[4] for p in parts], axis=0).astype(np.float64)
    return mean, m2 / n, top, bottom


#: ``mallopt`` parameters (glibc's ``malloc.h``) and their default values.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, MALLOC_DEFAULT = -1, -3, 128 * 1024

#: Bytes of freed memory a task keeps for its next pieces (a few pieces).
KEPT_BYTES = 64 * 2**20


class KeptMemory:
    """While a task runs, freed memory stays with the process for its next piece.

    ``distributed`` starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``,
    so that glibc returns freed memory to the system at once; every piece's
    temporaries are then fresh pages, and a page fault costs more than the
    arithmetic on it. While at least one task of kmlib runs in the process,
    blocks up to :data:`KEPT_BYTES` come from the heap and freed memory up to
    twice that is kept; when the last one ends, the worker's own setting is
    back and the heap is trimmed. Nothing changes where that variable is not
    set (glibc then adapts by itself) or where there is no glibc.
    """

    def __init__(self):
        self.lock, self.active = threading.Lock(), 0
        trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
        self.libc = None if trim is None else glibc()
        if self.libc is not None:
            mmap = os.environ.get("MALLOC_MMAP_THRESHOLD_", MALLOC_DEFAULT)
            self.restore = (int(trim), int(mmap))

    def set(self, trim, mmap):
        self.libc.mallopt(M_TRIM_THRESHOLD, trim)
        self.libc.mallopt(M_MMAP_THRESHOLD, mmap)

    @contextlib.contextmanager
    def __call__(self):
        if self.libc is None:
            yield
            return
        with self.lock:
            self.active += 1
            if self.active == 1:
                self.set(2 * KEPT_BYTES, KEPT_BYTES)
        try:
            yield
        finally:
            with self.lock:
                self.active -= 1
                if self.active == 0:
                    self.set(*self.restore)
                    self.libc.malloc_trim(0)


def glibc():
    """The C library if it is glibc (it has ``mallopt`` and ``malloc_trim``), or None."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt, libc.malloc_trim  # noqa: B018 (AttributeError if not glibc)
    except (OSError, AttributeError, TypeError):
        return None
    return libc


kept_memory = KeptMemory()


def on_chunk(step, args, per_chunk, block, block_info=None):
    """``step(block, *args[, per_chunk[i]])`` for chunk ``i``, boxed in a 1-element object array."""
    extra = ()
    if per_chunk is not None:
        extra = (per_chunk[block_info[0]["chunk-location"][0]],)
    out = np.empty(1, dtype=object)
    with kept_memory():
        out[0] = step(block, *args, *extra)
    return out


def map_chunks(X, step, *args, per_chunk=None) -> list:
    """``step`` on every row chunk of ``X``, computed, in chunk order.

    A blockwise operation on ``X`` itself, so that each task reads (or
    generates) its chunk and reduces it at once: the chunk is never kept
    waiting in a worker's memory.
    """
    fn = functools.partial(on_chunk, step, args, per_chunk)
    out = X.map_blocks(fn, drop_axis=1, chunks=(1,), dtype=object,
                       meta=np.empty(0, dtype=object))  # fmt: skip
    return list(out.compute())


def add_up(parts):
    """The element-wise sum of a sequence of arrays, in its order."""
    return functools.reduce(np.add, parts)


# ---------------------------------------------------------------------------
# Lloyd on the driver
# ---------------------------------------------------------------------------


class DaskData:
    """A dask array prepared for Lloyd's loop (the counterpart of ``LloydData``).

    One pass computes the column means, variances and extremes; the chunks
    are then centred and scaled by a power of two on the workers, as
    :func:`kmlib.lloyd` centres and scales its data, and ``tol_abs`` is
    scikit-learn's absolute tolerance in those units.
    """

    def __init__(self, X, tol=1e-4):
        tol = check_scalar(tol, "tol", minimum=0.0)
        self.X, (self.n, self.d) = X, X.shape
        mean, var, top, bottom = combine_moments(map_chunks(X, chunk_moments))
        if not (np.isfinite(mean).all() and np.isfinite(var).all()):
            raise ValueError(
                "X must be finite (no NaN or infinity), and its squares too"
            )
        self.mean = mean
        spread = max(float(np.max(top - mean)), float(np.max(mean - bottom)))
        self.exponent = power_of_two_exponent(spread)
        self.largest = float(np.ldexp(spread, self.exponent))
        self.tol_abs = float(np.ldexp(np.mean(var) * tol, 2 * self.exponent))

    def work_units(self, centers):
        """Centres of the data, in the run's units."""
        return np.ldexp(centers - self.mean, self.exponent)

    def data_units(self, centers):
        """Centres of the run, in the data's units."""
        return np.ldexp(centers, -self.exponent) + self.mean

    def map(self, step, *args):
        """``step(chunk, mean, exponent, *args)`` on every chunk, computed, in order."""
        return map_chunks(self.X, step, self.mean, self.exponent, *args)

    def update(self, centers):
        """One iteration: map the chunks to sums, reduce, take the means."""
        parts = self.map(chunk_sums, centers)
        counts, sums = add_up(p[0] for p in parts), add_up(p[1] for p in parts)
        if np.any(counts == 0):
            self.reseed(centers, counts, sums)
        return means(counts, sums)

    def reseed(self, centers, counts, sums) -> bool:
        """:func:`kmlib.update`'s empty-cluster rule, with the far points of one more pass."""
        empty = np.flatnonzero(counts == 0)
        parts = self.map(chunk_far, centers, empty.size)
        dist, points, labels = (
            np.concatenate([p[i] for p in parts]) for i in range(3)
        )
        rounding = (
            self.d * (self.n * np.finfo(np.float64).eps * self.largest) ** 2
        )
        if not dist.max() > rounding:  # every point sits on its centre
            return False
        far = np.argsort(-dist, kind="stable")[: empty.size]
        for new_id, i in zip(empty, far, strict=True):
            sums[labels[i]] -= points[i]
            counts[labels[i]] -= 1
            sums[new_id], counts[new_id] = points[i], 1
        return True

    def result(self, centers, n_iter, converged) -> KMeansResult:
        """The run's outcome; ``labels`` is a lazy dask array (one more pass when computed)."""
        parts = self.map(chunk_inertia, centers)
        counts = add_up(p[0] for p in parts)
        J = float(np.ldexp(sum(p[1] for p in parts), -2 * self.exponent))
        warn_if_few_clusters(np.flatnonzero(counts), len(centers), stacklevel=4)
        step = functools.partial(chunk_labels, mean=self.mean,
                                 exponent=self.exponent, centers=centers)  # fmt: skip
        labels = self.X.map_blocks(step, drop_axis=1, dtype=np.intp)
        return KMeansResult(
            self.data_units(centers), labels, J, n_iter, converged
        )


def run_lloyd(data: DaskData, init_centers, max_iter) -> KMeansResult:
    """Lloyd's loop on prepared data (see :func:`lloyd`)."""
    centers = data.work_units(init_centers)
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (n_iter is returned)
        new_centers = data.update(centers)  # one map-reduce
        shift = float(np.sum((new_centers - centers) ** 2))
        centers = new_centers
        if shift <= data.tol_abs:  # unchanged labels give shift 0
            break
    return data.result(centers, n_iter, shift <= data.tol_abs)


def check_init_centers(init_centers, X, name="init_centers"):
    """``init_centers`` as a float64 array with ``X``'s columns and 1..n rows."""
    centers = check_array(init_centers, name)
    if centers.shape[1] != X.shape[1]:
        raise ValueError(
            f"{name} must have as many columns as X ({X.shape[1]}); "
            f"got shape {centers.shape}"
        )
    check_n_clusters(len(centers), X.shape[0], f"the number of rows of {name}")
    return centers


def lloyd(X, init_centers, *, max_iter=300, tol=1e-4) -> KMeansResult:
    r"""Lloyd's algorithm on a dask array, one map-reduce per iteration.

    The same iteration, stopping rules and empty-cluster policy as
    :func:`kmlib.lloyd`: every chunk is mapped to its per-cluster counts
    and sums with kmlib's assignment kernel, the driver adds them up and
    takes the means, and the new centres go out with the next tasks.

    Parameters
    ----------
    X : dask.array.Array of shape (n, d)
        The data, real numbers (float32 is fine; work is in float64).
    init_centers : array_like of shape (k, d)
        The initial centres, ``1 <= k <= n``.
    max_iter : int, default 300
        Maximum number of iterations.
    tol : float, default 1e-4
        Relative tolerance on the squared centre shift (see
        :func:`kmlib.lloyd`).

    Returns
    -------
    KMeansResult
        ``labels`` is a lazy ``dask.array`` (computing it is one more
        pass); ``history`` is ``None``.

    Warns
    -----
    ConvergenceWarning
        If fewer than ``k`` clusters have points.
    """
    X = check_dask_array(X)
    init_centers = check_init_centers(init_centers, X)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    return run_lloyd(DaskData(X, tol), init_centers, max_iter)


def parallel_seeding(X, k, ell, rounds, rng) -> ParallelSeeding:
    """k-means‖ on validated input (see :func:`kmeans_parallel`)."""
    first = int(rng.integers(X.shape[0]))  # 1. one row, uniformly
    candidates = np.asarray(X[first : first + 1].compute(), dtype=np.float64)
    for _ in range(rounds):  # 2. one map-reduce per round
        seeds = list(rng.integers(2**63, size=X.numblocks[0]))
        draws = map_chunks(X, draw_candidates, candidates, ell, per_chunk=seeds)
        candidates = np.vstack([candidates, keep_drawn(draws, ell)])
    weights = add_up(map_chunks(X, attraction, candidates))  # 3. one more
    centers = recluster(candidates, weights, k, rng)  # 4. on the driver
    return ParallelSeeding(centers, candidates, weights, rounds + 1, rounds)


def kmeans_parallel(X, k, *, oversampling=None, rounds=5, random_state=None):
    r"""k-means‖ seeding (:func:`kmlib.kmeans_parallel`) on a dask array.

    Each round is one map-reduce: every chunk draws its candidates with its
    own cost (a superset), and the driver keeps those that pass the test
    with the total cost. One more map-reduce weighs the candidates; the
    reclustering runs on the driver.

    Parameters
    ----------
    X : dask.array.Array of shape (n, d)
        The data.
    k, oversampling, rounds, random_state
        As in :func:`kmlib.kmeans_parallel`. The draws depend on the
        chunking too (one generator per chunk and round).

    Returns
    -------
    ParallelSeeding
    """
    X = check_dask_array(X)
    k, ell, rounds = check_parallel_params(k, X.shape[0], oversampling, rounds)
    return parallel_seeding(X, k, ell, rounds, check_random_state(random_state))


def kmeans(
    X,
    k,
    *,
    init="k-means||",
    max_iter=300,
    tol=1e-4,
    oversampling=None,
    rounds=5,
    random_state=None,
) -> KMeansResult:
    r"""k-means on a dask array: k-means‖ seeding, then :func:`lloyd`.

    Parameters
    ----------
    X : dask.array.Array of shape (n, d)
        The data.
    k : int
        Number of clusters, ``1 <= k <= n``.
    init : "k-means||" or array_like of shape (k, d), default "k-means||"
        The seeding (:func:`kmeans_parallel`), or the initial centres.
    max_iter, tol
        As in :func:`lloyd`.
    oversampling, rounds, random_state
        As in :func:`kmeans_parallel`.

    Returns
    -------
    KMeansResult
    """
    X = check_dask_array(X)
    k, ell, rounds = check_parallel_params(k, X.shape[0], oversampling, rounds)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    if isinstance(init, str):
        if init != "k-means||":
            raise ValueError(
                f"init must be 'k-means||' or an array; got {init!r}"
            )
    else:
        init = check_init_centers(init, X, "init")
        if len(init) != k:
            raise ValueError(
                f"init must have k={k} rows; got shape {init.shape}"
            )
    data = DaskData(X, tol)  # checks the data (finite) before the seeding
    if isinstance(init, str):
        rng = check_random_state(random_state)
        init = parallel_seeding(X, k, ell, rounds, rng).centers
    return run_lloyd(data, init, max_iter)
