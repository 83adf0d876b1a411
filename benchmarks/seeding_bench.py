r"""Benchmark k-means++ seeding and a fit from it: kmlib against scikit-learn.

Run ``python benchmarks/seeding_bench.py`` (a few minutes on a 2-core
machine; ``--quick`` runs tiny cases once, for the smoke test). It prints
two markdown tables for the cases ``(n, d, k)`` of issue 3 and whether the
targets are met, and writes the same text to ``benchmarks/results/seeding.md``:

1. **seeding**: ``kmlib.kmeans_plusplus(X, k, random_state=seed)`` against
   ``sklearn.cluster.kmeans_plusplus(X, k, random_state=seed)`` (greedy,
   ``2 + ln k`` local trials in both), median wall time of several calls
   (seeds 0, 1, ...), the ratio, and the peak memory of each;
2. **fit from the same initial centres** ``C0`` (kmlib's k-means++ with seed
   0): ``kmlib.KMeans(k, init=C0, n_init=1).fit(X)`` against
   ``sklearn.cluster.KMeans(k, init=C0, n_init=1, algorithm="lloyd").fit(X)``
   (default ``tol`` and ``max_iter``): total time, the iterations of each
   (they must be equal), the ratio, and the peak memory of each.

Targets: the seeding within 1.25x of scikit-learn at every case, and every
peak within 2x scikit-learn's + 64 MB.

The data are those of ``benchmarks/run.py`` (``lloyd_bench.make_data``):
``k`` overlapping Gaussian blobs, seed 0. Every row runs in a fresh Python
process (this file with ``--worker``): the worker imports both libraries
and makes the data, then resets the peak resident set size (``VmHWM``, by
writing ``5`` to ``/proc/self/clear_refs``; ``peak_memory.py``) and reports
how far it rises above the resident size during the first call, every byte
included (BLAS buffers too). The header lists the thread pools
(threadpoolctl) and the load average: timings move with the machine's load,
compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import lloyd_bench  # noqa: E402
from lloyd_report import case_label, fmt_ms, fmt_ratio  # noqa: E402
from peak_memory import (  # noqa: E402
    UPPER_BOUND_NOTE,
    max_rss_bytes,
    reset_peak,
    status_bytes,
)

CASES = lloyd_bench.CASES
QUICK_CASES = ((300, 2, 3), (2_000, 3, 4))
RESULTS = HERE / "results" / "seeding.md"

SEEDING_TARGET = 1.25  # kmlib's seeding time <= 1.25 x scikit-learn's
MEMORY_FACTOR = 2.0  # kmlib's peak <= 2 x scikit-learn's + 64 MB
MEMORY_SLACK_MIB = 64e6 / 2**20
MIB = 2**20

IMPLS = ("kmlib", "scikit-learn")
FIT_REPEATS = 3


def default_repeats(n: int) -> int:
    """Seeding calls per row (the median is reported): more for the quick cases."""
    return 21 if n <= 10**4 else 5 if n <= 10**5 else 3


def make_data(n: int, d: int, k: int) -> np.ndarray:
    """The data of ``benchmarks/run.py`` for case ``(n, d, k)``."""
    return lloyd_bench.make_data(n, d, k)[0]


def initial_centres(X: np.ndarray, k: int) -> np.ndarray:
    """``C0``: kmlib's k-means++ centres with seed 0 (the same in every worker)."""
    import kmlib

    return kmlib.kmeans_plusplus(X, k, random_state=0)


def run(task: str, impl: str, X: np.ndarray, k: int, seed: int, C0=None):
    """One call; returns the number of Lloyd iterations for ``fit`` (else 0)."""
    if task == "seeding":
        if impl == "kmlib":
            import kmlib

            kmlib.kmeans_plusplus(X, k, random_state=seed)
        else:
            from sklearn.cluster import kmeans_plusplus

            kmeans_plusplus(X, k, random_state=seed)
        return 0
    if impl == "kmlib":
        import kmlib

        return int(kmlib.KMeans(k, init=C0, n_init=1).fit(X).n_iter_)
    from sklearn.cluster import KMeans

    return int(KMeans(k, init=C0, n_init=1, algorithm="lloyd").fit(X).n_iter_)


def worker(task: str, impl: str, n: int, d: int, k: int, repeats: int) -> dict:
    """Measure one row in this process: median ms, iterations, peak MiB of the first call."""
    import sklearn.cluster  # noqa: F401  (both libraries are imported before the baseline)

    import kmlib  # noqa: F401

    X = make_data(n, d, k)
    C0 = initial_centres(X, k) if task == "fit" else None
    exact = reset_peak()
    baseline = status_bytes("VmRSS") or max_rss_bytes()
    times, iters = [], 0
    for seed in range(repeats):
        start = time.perf_counter()
        iters = run(task, impl, X, k, seed, C0)
        times.append(time.perf_counter() - start)
        if seed == 0:
            peak = (status_bytes("VmHWM") if exact else None) or max_rss_bytes()
    return {
        "ms": 1000 * statistics.median(times),
        "n_iter": iters,
        "peak_mib": max(0, peak - baseline) / MIB,
        "exact_peak": exact,
    }


def measure(task: str, impl: str, n: int, d: int, k: int, repeats: int) -> dict:
    """:func:`worker` in a fresh interpreter."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", task, impl]
    command += [str(n), str(d), str(k), str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the worker for {task} {impl} at {(n, d, k)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_round(cells: list[dict]) -> dict:
    """One row's rounds: the fastest round's time, the largest peak (see ``lloyd_bench.ROUNDS``)."""
    best = dict(min(cells, key=lambda cell: cell["ms"]))
    best["peak_mib"] = max(cell["peak_mib"] for cell in cells)
    return best


def memory_met(ours: dict, theirs: dict) -> bool:
    return ours["peak_mib"] <= MEMORY_FACTOR * theirs["peak_mib"] + MEMORY_SLACK_MIB


def header(env: dict) -> list[str]:
    """Title, versions, cores, load and the thread pools that threadpoolctl reports."""
    lines = [
        "# k-means++ seeding and a fit from it: kmlib and scikit-learn",
        "",
        f"python {env['python']} | numpy {env['numpy']} | scikit-learn {env['scikit-learn']}"
        f" | kmlib {env['kmlib']} | {env['cpu_count']} CPU cores"
        f" | load average at start {env['load_average']}",
        "",
        "Thread pools (threadpoolctl): both seedings make their matrix products with numpy's "
        "BLAS; scikit-learn's Lloyd runs its OpenMP threads, each calling scipy's BLAS:",
        "",
    ]
    for p in sorted(env["pools"], key=lambda p: p["user_api"] != "blas"):
        lines.append(
            f"- {p['user_api']}: {p['internal_api']} {p['version'] or ''}".rstrip()
            + f", {p['num_threads']} threads (shipped with {p['loaded_by']})"
        )
    return lines


def report(env: dict, cells: dict, cases, repeats_of, rounds: int = 1) -> str:
    """The header, both tables and the target lines."""
    lines = header(env)
    lines += [
        "",
        "## Seeding: `kmeans_plusplus(X, k)` (greedy, 2 + ln k local trials)",
        "",
        "| case (n, d, k) | calls | kmlib ms | sklearn ms | time / sklearn "
        "| kmlib peak MiB | sklearn peak MiB |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for case in cases:
        ours, theirs = cells["seeding", "kmlib", case], cells["seeding", "scikit-learn", case]
        lines.append(
            f"| {case_label(*case)} | {repeats_of(case[0])} | {fmt_ms(ours['ms'])} "
            f"| {fmt_ms(theirs['ms'])} | {fmt_ratio(ours['ms'] / theirs['ms'])} "
            f"| {ours['peak_mib']:,.1f} | {theirs['peak_mib']:,.1f} |"
        )
    lines += [
        "",
        "## Fit from the same initial centres C0: `KMeans(k, init=C0, n_init=1).fit(X)`",
        "",
        "| case (n, d, k) | kmlib ms | sklearn ms | kmlib iters | sklearn iters "
        "| time / sklearn | kmlib peak MiB | sklearn peak MiB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for case in cases:
        ours, theirs = cells["fit", "kmlib", case], cells["fit", "scikit-learn", case]
        lines.append(
            f"| {case_label(*case)} | {fmt_ms(ours['ms'])} | {fmt_ms(theirs['ms'])} "
            f"| {ours['n_iter']} | {theirs['n_iter']} | {fmt_ratio(ours['ms'] / theirs['ms'])} "
            f"| {ours['peak_mib']:,.1f} | {theirs['peak_mib']:,.1f} |"
        )
    lines += [
        "",
        "ms: median wall time of the calls (seeding: seeds 0, 1, ...; fit: the same "
        "call again)"
        + (
            f", in the best of {rounds} rounds (a fresh process per row and round, "
            "the rows alternating)"
            if rounds > 1
            else ""
        )
        + ". peak MiB: rise of the peak RSS (VmHWM) during the first call, "
        "fresh process per row, after the imports and the data"
        + (" (the largest of the rounds)." if rounds > 1 else "."),
        "",
    ]
    if not all(cell["exact_peak"] for cell in cells.values()):
        lines += [UPPER_BOUND_NOTE, ""]
    lines += target_lines(cells, cases)
    return "\n".join(lines)


def target_lines(cells: dict, cases) -> list[str]:
    """One line per target: met / NOT met, with the worst case."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    ratios = {
        c: cells["seeding", "kmlib", c]["ms"] / cells["seeding", "scikit-learn", c]["ms"]
        for c in cases
    }
    worst = max(ratios, key=ratios.get)
    memory = [
        memory_met(cells[task, "kmlib", c], cells[task, "scikit-learn", c])
        for task in ("seeding", "fit")
        for c in cases
    ]
    same_iters = all(
        cells["fit", "kmlib", c]["n_iter"] == cells["fit", "scikit-learn", c]["n_iter"]
        for c in cases
    )
    return [
        f"Target (seeding within {SEEDING_TARGET}x of scikit-learn at every case): "
        f"{verdict(ratios[worst] <= SEEDING_TARGET)} (worst {fmt_ratio(ratios[worst])} at "
        f"{case_label(*worst)}).",
        f"Target (kmlib peak memory within 2x scikit-learn's + 64 MB, seeding and fit): "
        f"{verdict(all(memory))}.",
        f"Check (fit: the same number of iterations as scikit-learn at every case): "
        f"{verdict(same_iters)}.",
    ]


def parse_args(argv=None) -> argparse.Namespace:
    """``--quick`` (tiny cases, one call each) and ``--output PATH``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny cases, one call each")
    parser.add_argument(
        "--rounds", type=int, default=lloyd_bench.ROUNDS,
        help="rounds, each row in a fresh process per round, best round kept "
        f"(default: {lloyd_bench.ROUNDS}; 1 with --quick)",
    )  # fmt: skip
    parser.add_argument(
        "--output", type=Path, default=RESULTS,
        help=f"where to write the report (default: {RESULTS.relative_to(HERE.parent)})",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv=None) -> str:
    """Measure every row, print the report and write it to ``--output``."""
    args = parse_args(argv)
    cases = QUICK_CASES if args.quick else CASES

    def repeats_of(n: int) -> int:
        return 1 if args.quick else default_repeats(n)

    rounds = 1 if args.quick else args.rounds
    start = time.perf_counter()
    env = lloyd_bench.environment()
    runs = {}
    for round_ in range(1, rounds + 1):
        for task in ("seeding", "fit"):
            for case in cases:
                for impl in IMPLS:
                    print(
                        f"round {round_}/{rounds}: {task} {case_label(*case)} {impl} ...",
                        file=sys.stderr,
                        flush=True,
                    )
                    repeats = (
                        repeats_of(case[0])
                        if task == "seeding"
                        else min(FIT_REPEATS, repeats_of(case[0]))
                    )
                    cell = measure(task, impl, *case, repeats)
                    runs.setdefault((task, impl, case), []).append(cell)
    cells = {key: best_round(measured) for key, measured in runs.items()}
    text = report(env, cells, cases, repeats_of, rounds)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n")
    print(
        f"(written to {args.output}; whole run {time.perf_counter() - start:.0f} s)",
        file=sys.stderr,
    )
    return text


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "--worker":
        task, impl, n, d, k, repeats = sys.argv[2:]
        print(json.dumps(worker(task, impl, int(n), int(d), int(k), int(repeats))))
    else:
        print(main())
