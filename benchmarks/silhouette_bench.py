r"""Benchmark the silhouette score: kmlib against scikit-learn.

Run ``python benchmarks/silhouette_bench.py`` (about a minute on a 2-core
machine). It prints a markdown table

    n | kmlib s | sklearn s | speed ratio | kmlib peak MiB | sklearn peak MiB

for n = 10^3, 10^4 and 2·10^4 points, then whether the target of the issue is
met: **at n = 10^4, kmlib at least 1.5x faster than scikit-learn, with peak
memory under 64 MiB**.

What is compared: ``kmlib.silhouette_score(X, labels)`` and
``sklearn.metrics.silhouette_score(X, labels)`` (default ``working_memory``,
1024 MiB), on the same data: ``K = 8`` Gaussian blobs in ``d = 16``
dimensions (centres uniform in ``[-10, 10]^d``, standard deviation 3, seed 0)
with their true labels. Both scores are also compared (they must agree to
1e-10).

How: every (n, library) pair runs in a fresh Python process (this file with
``--worker``). The worker imports both libraries, makes the data, then resets
the peak resident set size (``VmHWM``, by writing ``5`` to
``/proc/self/clear_refs``) and notes the resident size; the peak is how far
``VmHWM`` rises above it during the first call. This counts every byte,
BLAS buffers included, that ``tracemalloc`` would miss. Where
``clear_refs`` cannot be written, ``ru_maxrss`` is used instead (an upper
bound). The time is the best of a few calls (``time.perf_counter``).
Timings depend on the machine and on its load; the ratio is what matters.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak_memory import (  # noqa: E402
    UPPER_BOUND_NOTE,
    max_rss_bytes,
    reset_peak,
    status_bytes,
)

SIZES = (1_000, 10_000, 20_000)
N_FEATURES = 16
N_CLUSTERS = 8
SEED = 0
TARGET_N = 10_000
TARGET_SPEEDUP = 1.5
TARGET_PEAK_MIB = 64.0
AGREEMENT = 1e-10
MIB = 2**20


def make_data(n: int):
    """``N_CLUSTERS`` Gaussian blobs (sd 3) in ``N_FEATURES`` dimensions, and their labels."""
    rng = np.random.default_rng(SEED)
    centres = rng.uniform(-10, 10, size=(N_CLUSTERS, N_FEATURES))
    labels = rng.integers(0, N_CLUSTERS, size=n)
    X = centres[labels] + rng.normal(0.0, 3.0, size=(n, N_FEATURES))
    return X, labels


def worker(library: str, n: int, repeats: int) -> dict:
    """Measure one library at one size; runs in its own process."""
    import sklearn.metrics

    from kmlib import silhouette_score as kmlib_score

    function = kmlib_score if library == "kmlib" else sklearn.metrics.silhouette_score
    X, labels = make_data(n)
    exact = reset_peak()
    baseline = status_bytes("VmRSS") or max_rss_bytes()
    start = time.perf_counter()
    score = function(X, labels)
    best = time.perf_counter() - start
    peak = (status_bytes("VmHWM") if exact else None) or max_rss_bytes()
    for _ in range(repeats - 1):
        start = time.perf_counter()
        function(X, labels)
        best = min(best, time.perf_counter() - start)
    return {
        "seconds": best,
        "peak_mib": max(0, peak - baseline) / MIB,
        "score": float(score),
        "exact_peak": exact,
    }


def measure(library: str, n: int, repeats: int) -> dict:
    """Run :func:`worker` in a fresh interpreter and return what it printed."""
    command = [sys.executable, __file__, "--worker", library, str(n), "--repeats", str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(sizes=SIZES) -> str:
    lines = [
        f"Silhouette score, K = {N_CLUSTERS} blobs in d = {N_FEATURES} (best of a few calls; "
        "peak = rise of the resident set size, fresh process per cell)",
        "",
        "| n | kmlib s | sklearn s | speed ratio | kmlib peak MiB | sklearn peak MiB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    rows = {}
    worst_difference = 0.0
    for n in sizes:
        repeats = 7 if n <= 1_000 else 3 if n <= 10_000 else 2
        ours, theirs = measure("kmlib", n, repeats), measure("sklearn", n, repeats)
        rows[n] = ours, theirs
        worst_difference = max(worst_difference, abs(ours["score"] - theirs["score"]))
        ratio = theirs["seconds"] / ours["seconds"]
        lines.append(
            f"| {n} | {ours['seconds']:.3f} | {theirs['seconds']:.3f} | {ratio:.2f}x | "
            f"{ours['peak_mib']:.1f} | {theirs['peak_mib']:.1f} |"
        )
        print(f"measured n = {n}", file=sys.stderr, flush=True)
    lines.append("")
    agree = worst_difference <= AGREEMENT
    lines.append(
        f"Scores agree: largest |kmlib - sklearn| = {worst_difference:.1e} "
        f"({'<=' if agree else '>'} {AGREEMENT:g})."
    )
    if not all(cell["exact_peak"] for pair in rows.values() for cell in pair):
        lines.append(UPPER_BOUND_NOTE)
    if TARGET_N in rows:
        ours, theirs = rows[TARGET_N]
        ratio = theirs["seconds"] / ours["seconds"]
        met = ratio >= TARGET_SPEEDUP and ours["peak_mib"] < TARGET_PEAK_MIB
        lines.append(
            f"Target (n = {TARGET_N}: >= {TARGET_SPEEDUP}x faster than scikit-learn, peak < "
            f"{TARGET_PEAK_MIB:g} MiB): {'target met' if met else 'target NOT met'} "
            f"({ratio:.2f}x, {ours['peak_mib']:.1f} MiB)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("LIBRARY", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of points"
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), args.repeats)))
    else:
        print(main(tuple(args.sizes)))
