r"""Measure Lloyd's algorithm: time per iteration and peak memory.

Four implementations run Lloyd iterations on the same data from the same
initial centres:

``scikit-learn``
    ``sklearn.cluster.KMeans(algorithm="lloyd")``, the reference.
``kmlib``
    :func:`kmlib.lloyd` (single-precision GEMM screen with a double-precision
    check of close calls, bincount means).
``naive broadcast``
    the ``(n, k, d)`` broadcast ``((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)``,
    then one boolean mask per cluster for the means.
``naive loop``
    a per-point Python loop: for each point, for each centre, one small numpy
    expression for the distance; the means are summed point by point.

Each (case, implementation) pair is measured in a fresh Python process (a
*worker*, this file run as a script), so that peak memory is not polluted by
earlier cases. The worker imports its library, builds the data, resets the
peak resident set size (``VmHWM``, by writing ``5`` to
``/proc/self/clear_refs``), runs the implementation and reports how far the
peak rose above the resident size it started from: this counts every
allocation, including BLAS and Cython buffers that ``tracemalloc`` misses.

Time per iteration is the wall time of one call divided by the number of
iterations it ran (``n_iter_`` for scikit-learn, ``n_iter`` for kmlib, a
fixed count for the naive styles), best of a few calls.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak_memory import max_rss_bytes, reset_peak, status_bytes  # noqa: E402

#: The (n, d, K) cases of issue 3.
CASES = ((10**3, 2, 3), (10**5, 2, 8), (10**5, 16, 32), (10**6, 3, 16))

#: Implementations in the order they are run and printed; the first is the reference.
IMPLEMENTATIONS = (
    "scikit-learn",
    "scikit-learn, 1 thread",
    "kmlib",
    "naive broadcast",
    "naive loop",
)
REFERENCE = "scikit-learn"
NAIVE = ("naive broadcast", "naive loop")

#: A naive case whose estimate exceeds either limit is skipped (estimate printed).
TIME_LIMIT_S = 60.0
MEMORY_LIMIT_BYTES = 8 * 10**9

#: Seed of the data and of the initial centres (shared by every implementation).
SEED = 0


@dataclass(frozen=True)
class Settings:
    """How one implementation is run: iterations per call, and calls (best time wins).

    At least ``repeats`` calls are made, and more (up to ``max_repeats``) while
    the calls so far took under ``min_seconds`` in all: quick cases get many
    tries, which makes their best time robust to a busy machine.
    """

    max_iter: int
    repeats: int
    min_seconds: float = 0.0
    max_repeats: int = 1


#: The fast implementations amortise their fixed costs over up to 30 iterations;
#: the naive ones are too slow for that and run a fixed, small number.
SETTINGS = {
    "scikit-learn": Settings(max_iter=30, repeats=5, min_seconds=1.0, max_repeats=50),
    "scikit-learn, 1 thread": Settings(max_iter=30, repeats=5, min_seconds=1.0, max_repeats=50),
    "kmlib": Settings(max_iter=30, repeats=5, min_seconds=1.0, max_repeats=50),
    "naive broadcast": Settings(max_iter=3, repeats=2),
    "naive loop": Settings(max_iter=1, repeats=1),
}


@dataclass(frozen=True)
class Measurement:
    """One implementation on one case.

    ``skipped`` rows carry estimates (from a small pilot run) instead of
    measurements, and ``reason`` says which limit the estimate broke.
    """

    n: int
    d: int
    k: int
    impl: str
    ms_per_iter: float
    peak_mib: float
    n_iter: int
    inertia: float | None = None
    skipped: bool = False
    reason: str = ""


# --------------------------------------------------------------------------- data


def make_data(n: int, d: int, k: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping Gaussian blobs and ``k`` distinct data points as initial centres.

    The ``k`` blob centres are uniform in ``[-10, 10]^d`` and every point has
    standard deviation 3 around its blob's centre, so the blobs overlap and
    the labels keep changing for many iterations (Lloyd does not stop early).

    Returns
    -------
    X : ndarray of shape (n, d), float64
    init_centers : ndarray of shape (k, d), float64
    """
    rng = np.random.default_rng(seed)
    blob_centers = rng.uniform(-10.0, 10.0, size=(k, d))
    X = rng.standard_normal((n, d))
    X *= 3.0
    X += blob_centers[rng.integers(k, size=n)]
    init_centers = X[rng.choice(n, size=k, replace=False)].copy()
    return X, init_centers


# ------------------------------------------------------------ the implementations


def run_sklearn(X: np.ndarray, init_centers: np.ndarray, max_iter: int) -> tuple[int, float]:
    """scikit-learn's Lloyd from ``init_centers``; returns ``(n_iter_, inertia_)``."""
    from sklearn.cluster import KMeans

    km = KMeans(
        n_clusters=init_centers.shape[0],
        init=init_centers,
        n_init=1,
        algorithm="lloyd",
        max_iter=max_iter,
        tol=0.0,
    ).fit(X)
    return int(km.n_iter_), float(km.inertia_)


def run_sklearn_one_thread(
    X: np.ndarray, init_centers: np.ndarray, max_iter: int
) -> tuple[int, float]:
    """scikit-learn's Lloyd on one core (its OpenMP threads and BLAS limited to 1), as kmlib runs."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return run_sklearn(X, init_centers, max_iter)


def run_kmlib(X: np.ndarray, init_centers: np.ndarray, max_iter: int) -> tuple[int, float]:
    """kmlib's Lloyd from ``init_centers``; returns ``(n_iter, inertia)``."""
    import kmlib

    result = kmlib.lloyd(X, init_centers, max_iter=max_iter, tol=0.0)
    return int(result.n_iter), float(result.inertia)


def broadcast_step(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """One Lloyd iteration in the ``(n, k, d)`` broadcast style; returns the new centres.

    It allocates the ``(n, k, d)`` array of differences (and its square), then
    computes each mean with a boolean mask. An empty cluster keeps its centre.
    """
    labels = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1).argmin(1)
    new = C.copy()
    for j in range(C.shape[0]):
        members = X[labels == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return new


def loop_step(X: np.ndarray, C: np.ndarray) -> np.ndarray:
    """One Lloyd iteration as a per-point Python loop; returns the new centres.

    For each point and each centre, the squared distance is one small numpy
    expression; the sums of the means are accumulated point by point. An
    empty cluster keeps its centre.
    """
    n, k = X.shape[0], C.shape[0]
    labels = np.zeros(n, dtype=np.intp)
    for i in range(n):
        best, best_j = np.inf, 0
        for j in range(k):
            dist = np.sum((X[i] - C[j]) ** 2)
            if dist < best:
                best, best_j = dist, j
        labels[i] = best_j
    sums = np.zeros_like(C)
    counts = np.zeros(k, dtype=np.intp)
    for i in range(n):
        sums[labels[i]] += X[i]
        counts[labels[i]] += 1
    new = C.copy()
    for j in range(k):
        if counts[j]:
            new[j] = sums[j] / counts[j]
    return new


def run_broadcast(X: np.ndarray, init_centers: np.ndarray, max_iter: int) -> tuple[int, None]:
    """Exactly ``max_iter`` iterations of :func:`broadcast_step`; returns ``(max_iter, None)``."""
    C = init_centers
    for _ in range(max_iter):
        C = broadcast_step(X, C)
    return max_iter, None


def run_loop(X: np.ndarray, init_centers: np.ndarray, max_iter: int) -> tuple[int, None]:
    """Exactly ``max_iter`` iterations of :func:`loop_step`; returns ``(max_iter, None)``."""
    C = init_centers
    for _ in range(max_iter):
        C = loop_step(X, C)
    return max_iter, None


RUNNERS = {
    "scikit-learn": run_sklearn,
    "scikit-learn, 1 thread": run_sklearn_one_thread,
    "kmlib": run_kmlib,
    "naive broadcast": run_broadcast,
    "naive loop": run_loop,
}


def import_library(impl: str) -> None:
    """Import what ``impl`` needs, so that imports are not counted as its memory or time."""
    if impl.startswith("scikit-learn"):
        import sklearn.cluster  # noqa: F401
        import threadpoolctl  # noqa: F401
    elif impl == "kmlib":
        import kmlib  # noqa: F401


# ---------------------------------------------------------------- measurements


def measure(n: int, d: int, k: int, impl: str, settings: Settings | None = None) -> Measurement:
    """Time and peak memory of ``impl`` on case ``(n, d, k)``, in this process.

    The peak memory is that of the first call (reset just before it, after the
    imports and the data); the time is the best ``ms / iteration`` of the
    calls that ``settings`` asks for.
    """
    settings = settings or SETTINGS[impl]
    run = RUNNERS[impl]
    import_library(impl)
    X, init_centers = make_data(n, d, k)
    reset_peak()
    baseline = status_bytes("VmRSS") or max_rss_bytes()
    best_ms, total, calls = math.inf, 0.0, 0
    while calls < settings.repeats or (
        total < settings.min_seconds and calls < settings.max_repeats
    ):
        start = time.perf_counter()
        n_iter, inertia = run(X, init_centers, settings.max_iter)
        elapsed = time.perf_counter() - start
        if calls == 0:
            peak_mib = max(0, (status_bytes("VmHWM") or max_rss_bytes()) - baseline) / 2**20
        best_ms = min(best_ms, 1000 * elapsed / n_iter)
        total, calls = total + elapsed, calls + 1
    return Measurement(n, d, k, impl, best_ms, peak_mib, n_iter, inertia)


def measure_in_subprocess(
    n: int, d: int, k: int, impl: str, settings: Settings | None = None
) -> Measurement:
    """:func:`measure` in a fresh Python process (this file run with ``--worker``)."""
    settings = settings or SETTINGS[impl]
    job = {"n": n, "d": d, "k": k, "impl": impl, "settings": asdict(settings)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(job)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"the worker for {impl} at {(n, d, k)} failed:\n{out.stderr}")
    return Measurement(**json.loads(out.stdout.strip().splitlines()[-1]))


def _worker(job_json: str) -> None:
    """Entry point of a worker process: measure one job, print it as JSON."""
    job = json.loads(job_json)
    result = measure(job["n"], job["d"], job["k"], job["impl"], Settings(**job["settings"]))
    print(json.dumps(asdict(result)))


# ------------------------------------------------------------------- estimates


def estimate_bytes(n: int, d: int, k: int, impl: str) -> float:
    """Rough extra memory of a naive style.

    The broadcast holds the ``(n, k, d)`` differences (numpy squares them in
    place: it reuses a temporary that nothing else refers to) plus the
    ``(n, k)`` sums: ``n k (d + 1)`` doubles. The loop's extra memory is small
    (``labels`` and a few ``(k, d)`` arrays).
    """
    if impl == "naive broadcast":
        return 8.0 * n * k * (d + 1)
    return 8.0 * (n + 2 * k * d)


def estimate_seconds_per_iter(n: int, d: int, k: int, impl: str, pilot_n: int) -> float:
    """Seconds per iteration of a naive style, from one iteration on ``pilot_n`` points.

    The work of both naive styles is proportional to ``n k d`` (or ``n k``)
    at fixed ``k`` and ``d``, so the pilot time is scaled by ``n / pilot_n``.
    """
    pilot_n = min(n, pilot_n)
    X, init_centers = make_data(pilot_n, d, k)
    start = time.perf_counter()
    RUNNERS[impl](X, init_centers, 1)
    return (time.perf_counter() - start) * n / pilot_n


#: Points in the pilot run of each naive style (enough to dwarf fixed costs).
PILOT_N = {"naive broadcast": 20_000, "naive loop": 2_000}


def check_naive_limits(
    n: int,
    d: int,
    k: int,
    impl: str,
    settings: Settings,
    *,
    time_limit_s: float = TIME_LIMIT_S,
    memory_limit_bytes: float = MEMORY_LIMIT_BYTES,
) -> Measurement | None:
    """A skipped row with the estimates if ``impl`` would break a limit, else None.

    "Would need" is the whole measurement: seconds per iteration times the
    iterations and repeats it would run; bytes of its largest temporaries.
    """
    seconds = estimate_seconds_per_iter(n, d, k, impl, PILOT_N[impl])
    needed_s = seconds * settings.max_iter * settings.repeats
    needed_bytes = estimate_bytes(n, d, k, impl)
    reasons = []
    if needed_bytes > memory_limit_bytes:
        reasons.append(f"needs ~{needed_bytes / 1e9:.1f} GB > {memory_limit_bytes / 1e9:g} GB")
    if needed_s > time_limit_s:
        reasons.append(f"needs ~{needed_s:.0f} s > {time_limit_s:g} s")
    if not reasons:
        return None
    return Measurement(
        n, d, k, impl, 1000 * seconds, needed_bytes / 2**20, settings.max_iter,
        skipped=True, reason="; ".join(reasons),
    )  # fmt: skip


#: Rounds of the fast implementations: each round measures every (case,
#: implementation) pair once, in a fresh process, and each pair keeps its best
#: round. On a shared machine whose speed drifts by tens of percent from one
#: minute to the next, alternating the implementations round by round and
#: keeping the best of each makes their ratio stable; one round does not.
ROUNDS = 3


def best_of_rounds(measurements: list[Measurement]) -> Measurement:
    """One pair's measurements from several rounds: the fastest round's time, the largest peak."""
    best = min(measurements, key=lambda m: m.ms_per_iter)
    peak = max(m.peak_mib for m in measurements)
    return dataclasses.replace(best, peak_mib=peak)


def run_benchmark(
    cases=CASES,
    impls=IMPLEMENTATIONS,
    *,
    settings: dict[str, Settings] | None = None,
    in_process: bool = False,
    rounds: int = 1,
    time_limit_s: float = TIME_LIMIT_S,
    memory_limit_bytes: float = MEMORY_LIMIT_BYTES,
    log=None,
) -> list[Measurement]:
    """Measure every implementation on every case; naive ones may be skipped.

    Parameters
    ----------
    cases : iterable of (n, d, k)
    impls : iterable of str
        Names from :data:`IMPLEMENTATIONS`.
    settings : dict, optional
        Per-implementation :class:`Settings`; defaults to :data:`SETTINGS`.
    in_process : bool
        Measure in this process instead of a fresh one per pair (quick, for
        the smoke test; the memory numbers are then less clean).
    rounds : int
        Rounds of the fast implementations (:data:`ROUNDS` in ``make bench``;
        :func:`best_of_rounds` combines them); the naive ones run once.
    time_limit_s, memory_limit_bytes : float
        Limits above which a naive style is skipped and its estimate reported.
    log : callable, optional
        Called with a progress message before each measurement.
    """
    settings = {**SETTINGS, **(settings or {})}
    measure_one = measure if in_process else measure_in_subprocess
    runs = {(case, impl): [] for case in cases for impl in impls}
    for round_ in range(1, rounds + 1):
        for (n, d, k), impl in runs:
            if impl in NAIVE and round_ > 1:
                continue  # slow, and far from every ratio that matters
            if log:
                log(f"round {round_}/{rounds}: ({n}, {d}, {k}) {impl} ...")
            skipped = None
            if impl in NAIVE:
                skipped = check_naive_limits(
                    n, d, k, impl, settings[impl],
                    time_limit_s=time_limit_s, memory_limit_bytes=memory_limit_bytes,
                )  # fmt: skip
            m = skipped or measure_one(n, d, k, impl, settings[impl])
            runs[(n, d, k), impl].append(m)
    return [best_of_rounds(ms) for ms in runs.values()]


# --------------------------------------------------------------- environment


def _owner(filepath: str | None) -> str:
    """The package whose wheel shipped a shared library: ``numpy`` for ``numpy.libs/...``."""
    if not filepath:
        return "?"
    folder = Path(filepath).parent.name
    return folder.removesuffix(".libs").replace("_", "-")


def _load_average() -> str:
    """The 1-minute load average (busy cores), or ``?`` where the OS does not say."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "?"


def environment() -> dict:
    """Versions, core count and the thread pools (BLAS, OpenMP) that threadpoolctl sees.

    scikit-learn and kmlib are imported first, so that every library they
    load (numpy's and scipy's OpenBLAS, scikit-learn's OpenMP) is listed.
    """
    import platform

    import sklearn
    import sklearn.cluster  # noqa: F401
    from threadpoolctl import threadpool_info

    import kmlib

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "kmlib": getattr(kmlib, "__version__", "?"),
        "cpu_count": os.cpu_count(),
        "load_average": _load_average(),
        "pools": [
            {
                "user_api": p.get("user_api"),
                "internal_api": p.get("internal_api"),
                "version": p.get("version"),
                "num_threads": p.get("num_threads"),
                "loaded_by": _owner(p.get("filepath")),
            }
            for p in threadpool_info()
        ],
    }


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--worker":
    _worker(sys.argv[2])
