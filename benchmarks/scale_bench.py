r"""Benchmark Chapter 7: k-means beyond one machine (issue 16).

Run ``python benchmarks/scale_bench.py`` (long: tens of minutes on a 2-core
machine; ``--quick`` runs tiny sizes, for the smoke test). It writes a
markdown report to ``benchmarks/results/scale.md`` (``--output``) and prints it.

For every ``n`` of ``SIZES`` (d = 8, k = 16, float32 points in 16 Gaussian
blobs, written to a ``.npy`` file chunk by chunk, so that the largest never
sits in the driver's memory), from the same initial centres ``C0``
(:func:`kmlib.kmeans_plusplus` on the first 100 000 rows, seed 0):

1. **kmlib.dask** on a fresh 2-worker ``distributed.LocalCluster``
   (processes, one thread each, ``127.0.0.1``, no dashboard, a memory limit
   per worker below the size of the largest data, so the data cannot be held
   by the workers): :func:`kmlib.dask.lloyd` on :func:`kmlib.dask.from_npy`
   for ``ITERS`` iterations (``tol=0``), seconds per iteration (the whole call
   divided by the iterations: the setup pass and the final pass are charged
   too), the peak anonymous memory (``RssAnon``, sampled from ``/proc``) of
   each worker, which counts what the worker allocates and not the pages of
   the file it reads, and whether its inertia equals a recomputation;
2. **dask-ml** ``KMeans(init=C0, max_iter=ITERS, tol=0)`` on the same kind of
   cluster and the same array: the same numbers, and its reported
   ``inertia_`` against the recomputed WCSS;
3. **in memory** (a fresh process each, sizes up to ``IN_MEMORY_MAX``):
   :func:`kmlib.lloyd` and scikit-learn's ``KMeans(algorithm="lloyd")``,
   ``ITERS`` iterations from ``C0``;
4. **mini-batch** (in memory, sizes up to ``IN_MEMORY_MAX``): the time
   :func:`kmlib.minibatch_kmeans` (batches of 1024) takes to reach 1.01 times
   the WCSS of full :func:`kmlib.lloyd` run to convergence from ``C0``, and
   that full run's time.

Targets (issue 16): kmlib.dask per iteration at least 2x faster than
dask-ml's on the same cluster, with the correct inertia; peak memory per
worker bounded by a few chunks (independent of n); time per iteration linear
in n. Timings move with the machine's load (printed in the header): compare
the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SIZES = (1_000_000, 10_000_000, 50_000_000)
QUICK_SIZES = (20_000, 60_000)
D, K, ITERS = 8, 16, 5
CHUNK_ROWS = 262_144
IN_MEMORY_MAX = 10_000_000
MEMORY_LIMIT = "768MiB"  # per worker; 2 x 768 MiB < the 1.6 GB of the largest data
SAMPLE_SECONDS = 0.01  # how often the workers' anonymous memory is read
CHUNK_MIB = CHUNK_ROWS * D * 4 / 2**20  # one float32 chunk
#: The environment before any LocalCluster: its nanny writes OMP_NUM_THREADS=1 and
#: MALLOC_TRIM_THRESHOLD_ into os.environ, which the in-memory runs must not inherit.
CLEAN_ENV = dict(os.environ)


def make_file(path: Path, n: int, seed: int = 0) -> Path:
    """``n`` float32 points in ``K`` blobs, written block by block to ``path``."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(K, D))
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, D))
    for start in range(0, n, 1_000_000):
        m = min(1_000_000, n - start)
        block = centres[rng.integers(K, size=m)] + rng.normal(scale=2.0, size=(m, D))
        out[start : start + m] = block
    out.flush()
    del out
    return path


def initial_centers(path: Path) -> np.ndarray:
    import kmlib

    head = np.load(path, mmap_mode="r")[:100_000]
    return kmlib.kmeans_plusplus(np.asarray(head, dtype=np.float64), K, random_state=0)


def local_cluster():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=MEMORY_LIMIT,
    )
    return cluster, Client(cluster)


def worker_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def anon_mib(pid: int) -> float:
    """``RssAnon`` of a process: its own resident memory (heap, arrays), no file pages."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no RssAnon in /proc/{pid}/status")


class AnonPeaks:
    """The peak ``RssAnon`` of some processes, read every ``SAMPLE_SECONDS`` by a thread.

    ``RssAnon`` is what a process allocated itself and keeps resident; unlike the
    resident set (``ru_maxrss``, psutil's ``rss``) it does not count the pages of a
    file it maps (a memory-mapped ``.npy``), which belong to the page cache.
    """

    def __init__(self, pids):
        self.idle = {pid: anon_mib(pid) for pid in pids}
        self.peak = dict(self.idle)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        while not self.done.is_set():
            for pid in self.peak:
                self.peak[pid] = max(self.peak[pid], anon_mib(pid))
            self.done.wait(SAMPLE_SECONDS)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def recomputed_wcss(X, centers) -> float:
    """The WCSS of the nearest-centre labels of ``centers``, chunk by chunk."""
    import dask

    import kmlib

    def part(block):
        return float(kmlib.nearest(np.asarray(block, np.float64), centers)[1].sum())

    parts = dask.compute(*[dask.delayed(part)(b) for b in X.to_delayed().ravel()])
    return float(sum(parts))


def run_distributed(impl: str, path: Path, C0: np.ndarray) -> dict:
    """One row of table 1 on a fresh LocalCluster."""
    import kmlib.dask as kd

    cluster, client = local_cluster()
    try:
        X = kd.from_npy(path, chunks=CHUNK_ROWS)
        pids = list(client.run(os.getpid).values())
        with AnonPeaks(pids) as memory:
            start = time.perf_counter()
            if impl == "kmlib.dask":
                result = kd.lloyd(X, C0, max_iter=ITERS, tol=0.0)
                n_iter, centers, reported = result.n_iter, result.centers, result.inertia
            else:
                from dask_ml.cluster import KMeans

                model = KMeans(n_clusters=K, init=C0, max_iter=ITERS, tol=0.0).fit(X)
                n_iter, reported = int(model.n_iter_), float(model.inertia_)
                centers = np.asarray(model.cluster_centers_, dtype=np.float64)
            seconds = time.perf_counter() - start
        rss_peaks = client.run(worker_peak_mib)
        true = recomputed_wcss(X, centers)
    except Exception as error:  # a worker killed by its memory limit, ...
        return {"impl": impl, "n": int(np.load(path, mmap_mode="r").shape[0]),
                "error": f"{type(error).__name__}: {str(error)[:120]}"}  # fmt: skip
    finally:
        client.close()
        cluster.close()
    return {
        "impl": impl,
        "n": int(X.shape[0]),
        "n_iter": n_iter,
        "s_per_iter": seconds / n_iter,
        "peak_mib": max(memory.peak.values()),
        "idle_mib": max(memory.idle.values()),
        "rss_peak_mib": max(rss_peaks.values()),
        "reported": reported,
        "true": true,
    }


def in_memory_worker(impl: str, path: str, centers: list) -> dict:
    """Run in a fresh process (``--worker``): one in-memory row."""
    import kmlib

    X = np.load(path)
    C0 = np.asarray(centers)
    base = worker_peak_mib()
    start = time.perf_counter()
    if impl == "kmlib.lloyd":
        r = kmlib.lloyd(X, C0, max_iter=ITERS, tol=0.0)
        n_iter, inertia = r.n_iter, r.inertia
    elif impl == "scikit-learn":
        from sklearn.cluster import KMeans

        m = KMeans(K, init=C0, n_init=1, max_iter=ITERS, tol=0.0, algorithm="lloyd").fit(X)
        n_iter, inertia = int(m.n_iter_), float(m.inertia_)
    else:  # mini-batch time to 1.01 x full Lloyd
        return minibatch_row(X, C0)
    seconds = time.perf_counter() - start
    return {"impl": impl, "n": len(X), "n_iter": n_iter, "s_per_iter": seconds / n_iter,
            "peak_mib": worker_peak_mib() - base, "reported": inertia, "true": inertia}  # fmt: skip


def minibatch_row(X, C0) -> dict:
    import kmlib

    start = time.perf_counter()
    full = kmlib.lloyd(X, C0)
    full_seconds = time.perf_counter() - start
    target = 1.01 * full.inertia
    start = time.perf_counter()
    run = kmlib.minibatch_kmeans(X, K, init=C0, max_iter=1, max_no_improvement=None,
                                 record=True, random_state=0)  # fmt: skip
    overhead = time.perf_counter() - start - run.history[-1].seconds
    reached = None
    steps = np.unique(np.geomspace(1, run.n_steps, 30).astype(int))
    for s in steps:  # the first checkpoint within 1.01 x
        if kmlib.nearest(X, run.history[s - 1].centers)[1].sum() <= target:
            reached = s
            break
    seconds = None if reached is None else run.history[reached - 1].seconds + overhead
    return {"impl": "mini-batch", "n": len(X), "full_seconds": full_seconds,
            "full_n_iter": full.n_iter, "steps": reached, "seconds": seconds}  # fmt: skip


def run_in_memory(impl: str, path: Path, C0: np.ndarray) -> dict:
    args = [sys.executable, __file__, "--worker", impl, str(path), json.dumps(C0.tolist())]
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=CLEAN_ENV)
    return json.loads(out.stdout.strip().splitlines()[-1])


def environment() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    import dask
    import distributed

    try:
        import dask_ml

        dml = dask_ml.__version__
    except ImportError:
        dml = "not installed"
    return (f"python {platform.python_version()}, numpy {np.__version__}, dask {dask.__version__}, "
            f"distributed {distributed.__version__}, dask-ml {dml}; {os.cpu_count()} cores; "
            f"load average {load}")  # fmt: skip


MEMORY_NOTE = (
    "Memory. Distributed rows: the peak `RssAnon` of each worker (its own heap and arrays, "
    f"read from /proc every {SAMPLE_SECONDS * 1000:.0f} ms during the call; the largest over the "
    "workers), with the idle worker before the call in brackets; `ru_maxrss` is the worker's "
    "peak resident set as the kernel reports it, which also counts file pages it maps and, on "
    "Linux, is inherited through fork and exec, so it is not the worker's working set. "
    f"One chunk is {CHUNK_MIB:.0f} MiB of float32 ({2 * CHUNK_MIB:.0f} MiB as float64). "
    "The data are read from a .npy file on disk at every n (nothing is persisted or "
    "scattered). In-memory rows: the growth of the process's resident set (`ru_maxrss`) "
    "after loading the data."
)


def fmt(x, spec):
    return "—" if x is None else format(x, spec)


def report(env: str, rows: list[dict]) -> str:
    lines = ["# Chapter 7 benchmark: k-means beyond one machine", "", env, "",
             f"d = {D}, k = {K}, {ITERS} iterations from the same C0, chunks of {CHUNK_ROWS} rows, "
             f"2 workers x 1 thread, memory limit {MEMORY_LIMIT} per worker.", "",
             "| n | engine | s / iteration | peak MiB per worker (idle) | ru_maxrss MiB | "
             "reported inertia | recomputed WCSS | inertia correct |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        if r["impl"] == "mini-batch":
            continue
        if "error" in r:
            lines.append(f"| {r['n']:.0e} | {r['impl']} | failed: {r['error']} | | | | | |")
            continue
        ok = abs(r["reported"] - r["true"]) <= 1e-6 * r["true"]
        idle = "" if r.get("idle_mib") is None else f" ({r['idle_mib']:.0f})"
        lines.append(f"| {r['n']:.0e} | {r['impl']} | {r['s_per_iter']:.3f} | {r['peak_mib']:.0f}{idle} | "
                     f"{fmt(r.get('rss_peak_mib'), '.0f')} | "
                     f"{r['reported']:.6g} | {r['true']:.6g} | {'yes' if ok else 'NO'} |")  # fmt: skip
    lines += ["", MEMORY_NOTE, "",
              "| n | full Lloyd (to convergence) | mini-batch to 1.01 x its WCSS |", "|---|---|---|"]  # fmt: skip
    for r in rows:
        if r["impl"] == "mini-batch":
            lines.append(f"| {r['n']:.0e} | {r['full_seconds']:.2f} s ({r['full_n_iter']} iterations) | "
                         f"{fmt(r['seconds'], '.2f')} s ({r['steps']} steps of 1024) |")  # fmt: skip
    lines += ["", *targets(rows)]
    return "\n".join(lines) + "\n"


def targets(rows: list[dict]) -> list[str]:
    def get(impl):
        return {r["n"]: r for r in rows if r["impl"] == impl and "error" not in r}

    ours, theirs = get("kmlib.dask"), get("dask-ml")
    common = sorted(set(ours) & set(theirs))
    speed = [theirs[n]["s_per_iter"] / ours[n]["s_per_iter"] for n in common]
    correct = all(abs(r["reported"] - r["true"]) <= 1e-6 * r["true"] for r in ours.values())
    peaks = [r["peak_mib"] for r in ours.values()]
    above = [(r["peak_mib"] - r.get("idle_mib", 0.0)) / CHUNK_MIB for r in ours.values()]
    per_point = [ours[n]["s_per_iter"] / n for n in sorted(ours)]
    return [
        "Targets:",
        f"- kmlib.dask at least 2x faster per iteration than dask-ml: "
        f"{'met' if speed and min(speed) >= 2 else 'NOT met'} (ratios {[round(s, 1) for s in speed]})",
        f"- kmlib.dask inertia correct at every n: {'met' if correct else 'NOT met'}",
        f"- kmlib.dask peak memory (RssAnon) per worker independent of n (max/min <= 1.5): "
        f"{'met' if peaks and max(peaks) <= 1.5 * min(peaks) else 'NOT met'} ({[round(p) for p in peaks]} MiB; "
        f"{[round(a, 1) for a in above]} float32 chunks above the idle worker)",
        f"- time per iteration linear in n (per-point time within 2x across n, largest sizes): "
        f"{'met' if len(per_point) > 1 and max(per_point[1:]) <= 2 * min(per_point[1:]) else 'see table'}"
        f" ({[f'{p * 1e9:.1f}' for p in per_point]} ns per point)",
    ]


def run_benchmark(sizes, folder: Path, with_dask_ml: bool = True) -> list[dict]:
    rows = []
    for n in sizes:
        path = make_file(folder / f"blobs_{n}.npy", n)
        C0 = initial_centers(path)
        for impl in ("kmlib.dask", "dask-ml") if with_dask_ml else ("kmlib.dask",):
            rows.append(run_distributed(impl, path, C0))
            print(rows[-1], flush=True)
        if n <= IN_MEMORY_MAX:
            for impl in ("kmlib.lloyd", "scikit-learn", "mini-batch"):
                rows.append(run_in_memory(impl, path, C0))
                print(rows[-1], flush=True)
        path.unlink()
    return rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "scale.md")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        impl, path, centers = args.worker
        print(
            json.dumps(
                in_memory_worker(impl, path, json.loads(centers)), default=lambda o: o.item()
            )
        )
        return
    sizes = QUICK_SIZES if args.quick else SIZES
    with tempfile.TemporaryDirectory(prefix="scale_bench_") as folder:
        rows = run_benchmark(sizes, Path(folder))
    text = report(environment(), rows)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)


if __name__ == "__main__":
    main()
