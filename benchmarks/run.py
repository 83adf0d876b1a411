"""Benchmark Lloyd's algorithm: kmlib vs scikit-learn vs two naive styles (``make bench``).

Prints, in one run, a table of time per iteration and peak memory for the
cases of issue 3, the ratios to scikit-learn, whether each target is met,
and the BLAS that threadpoolctl reports; the same text is written to
``benchmarks/results/lloyd.md``. See ``benchmarks/README.md``.

Usage::

    python benchmarks/run.py                 # all cases (a few minutes on 2 cores)
    python benchmarks/run.py --case 100000 2 8 --case 1000 2 3
    python benchmarks/run.py --impl kmlib --impl scikit-learn
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lloyd_bench  # noqa: E402
import lloyd_report  # noqa: E402

RESULTS = HERE / "results" / "lloyd.md"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options: which cases and implementations, where to write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--case", nargs=3, type=int, action="append", metavar=("N", "D", "K"),
        help="a case to run (repeatable; default: the four cases of issue 3)",
    )  # fmt: skip
    parser.add_argument(
        "--impl", action="append", choices=lloyd_bench.IMPLEMENTATIONS,
        help="an implementation to run (repeatable; default: all four)",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=lloyd_bench.ROUNDS,
        help=f"rounds of the fast implementations, best kept (default: {lloyd_bench.ROUNDS})",
    )  # fmt: skip
    parser.add_argument(
        "--output", type=Path, default=RESULTS,
        help=f"where to write the report (default: {RESULTS.relative_to(HERE.parent)})",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the report and write it to ``--output``."""
    args = parse_args(argv)
    cases = [tuple(c) for c in args.case] if args.case else lloyd_bench.CASES
    impls = args.impl or lloyd_bench.IMPLEMENTATIONS
    if args.impl and lloyd_bench.REFERENCE not in impls:
        impls = [lloyd_bench.REFERENCE, *impls]  # ratios need the reference
    impls = [i for i in lloyd_bench.IMPLEMENTATIONS if i in impls]

    start = time.perf_counter()
    env = lloyd_bench.environment()
    rows = lloyd_bench.run_benchmark(
        cases,
        impls,
        rounds=args.rounds,
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
    )
    text = lloyd_report.report(env, rows, rounds=args.rounds)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(
        f"(written to {args.output}; whole run {time.perf_counter() - start:.0f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
