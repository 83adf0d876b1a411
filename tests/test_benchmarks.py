"""Smoke test of the benchmark harness (``benchmarks/``), so that ``make bench`` cannot rot.

Every implementation runs one tiny case; the worker process, the skip rule
and the report are exercised once. No time is ever asserted: timings depend
on the machine.
"""

import sys

import pytest
from benchmark_scripts import BENCHMARKS, load_benchmark

sys.path.insert(0, str(BENCHMARKS))

import lloyd_bench  # noqa: E402
import lloyd_report  # noqa: E402

run = load_benchmark("run")  # benchmarks/run.py, under a name that cannot shadow anything

TINY = lloyd_bench.Settings(max_iter=2, repeats=1)
TINY_SETTINGS = dict.fromkeys(lloyd_bench.IMPLEMENTATIONS, TINY)


@pytest.mark.parametrize("impl", lloyd_bench.IMPLEMENTATIONS)
def test_each_implementation_runs_a_tiny_case(impl):
    m = lloyd_bench.measure(200, 2, 3, impl, TINY)
    assert (m.n, m.d, m.k, m.impl) == (200, 2, 3, impl)
    assert 1 <= m.n_iter <= TINY.max_iter
    assert m.ms_per_iter > 0
    assert m.peak_mib >= 0
    assert not m.skipped


def test_kmlib_and_sklearn_do_the_same_work():
    km = lloyd_bench.measure(300, 2, 3, "kmlib", TINY)
    sk = lloyd_bench.measure(300, 2, 3, "scikit-learn", TINY)
    assert km.n_iter == sk.n_iter
    assert km.inertia == pytest.approx(sk.inertia, rel=1e-9)


def test_naive_styles_compute_lloyd_steps():
    """One step of either naive style gives scikit-learn's centres after one iteration."""
    from sklearn.cluster import KMeans

    X, C0 = lloyd_bench.make_data(150, 2, 3)
    expected = KMeans(3, init=C0, n_init=1, max_iter=1, algorithm="lloyd").fit(X)
    for step in (lloyd_bench.loop_step, lloyd_bench.broadcast_step):
        assert step(X, C0) == pytest.approx(expected.cluster_centers_, rel=1e-12, abs=1e-12)


def test_worker_process_round_trip():
    m = lloyd_bench.measure_in_subprocess(200, 2, 3, "naive broadcast", TINY)
    assert isinstance(m, lloyd_bench.Measurement)
    assert m.impl == "naive broadcast" and m.n_iter == TINY.max_iter


def test_skipped_cases_print_their_estimate_and_the_report_is_complete():
    rows = lloyd_bench.run_benchmark(
        [(300, 2, 3)], settings=TINY_SETTINGS, in_process=True, time_limit_s=0.0
    )
    assert [r.impl for r in rows] == list(lloyd_bench.IMPLEMENTATIONS)
    assert [r.skipped for r in rows] == [r.impl in lloyd_bench.NAIVE for r in rows]
    text = lloyd_report.report(lloyd_bench.environment(), rows)
    assert "| (300, 2, 3) | naive loop (skipped) | 2 | ~" in text
    assert "Skipped naive broadcast at (300, 2, 3): needs ~" in text
    assert "blas: " in text
    assert "kmlib peak memory within 2x scikit-learn's + 64 MB: " in text
    assert "| (300, 2, 3) | scikit-learn, 1 thread |" in text


def test_command_line_defaults():
    args = run.parse_args([])
    assert args.case is None and args.impl is None
    assert args.output == BENCHMARKS / "results" / "lloyd.md"


# --------------------------------------------------------------------------- seeding_bench.py

seeding_bench = load_benchmark("seeding_bench")


def test_seeding_bench_rows_and_report():
    case = (200, 2, 3)
    cells = {
        (task, impl, case): seeding_bench.worker(task, impl, *case, repeats=2)
        for task in ("seeding", "fit")
        for impl in seeding_bench.IMPLS
    }
    for cell in cells.values():
        assert cell["ms"] > 0 and cell["peak_mib"] >= 0
    assert (
        cells["fit", "kmlib", case]["n_iter"] == cells["fit", "scikit-learn", case]["n_iter"] >= 1
    )
    text = seeding_bench.report(lloyd_bench.environment(), cells, [case], lambda n: 2)
    assert "| (200, 2, 3) | 2 |" in text
    assert "blas: " in text
    assert "Target (seeding within 1.25x of scikit-learn at every case): " in text
    assert "Check (fit: the same number of iterations as scikit-learn at every case): met" in text


def test_seeding_bench_worker_process_round_trip():
    cell = seeding_bench.measure("seeding", "kmlib", 200, 2, 3, 1)
    assert set(cell) == {"ms", "n_iter", "peak_mib", "exact_peak"}


def test_seeding_bench_command_line_defaults():
    args = seeding_bench.parse_args([])
    assert not args.quick
    assert args.output == BENCHMARKS / "results" / "seeding.md"
    assert seeding_bench.CASES == lloyd_bench.CASES


def test_rounds_keep_each_pairs_fastest_time_and_largest_peak():
    def row(ms, peak):
        return lloyd_bench.Measurement(100, 2, 3, "kmlib", ms, peak, 5)

    best = lloyd_bench.best_of_rounds([row(3.0, 1.0), row(2.0, 0.5), row(4.0, 2.0)])
    assert (best.ms_per_iter, best.peak_mib, best.n_iter) == (2.0, 2.0, 5)


def test_rounds_measure_the_fast_implementations_each_round_and_the_naive_ones_once():
    seen = []
    rows = lloyd_bench.run_benchmark(
        [(200, 2, 3), (300, 2, 3)],
        ["scikit-learn", "kmlib", "naive broadcast"],
        settings=TINY_SETTINGS,
        in_process=True,
        rounds=2,
        log=seen.append,
    )
    assert [(r.n, r.impl) for r in rows] == [
        (n, impl) for n in (200, 300) for impl in ("scikit-learn", "kmlib", "naive broadcast")
    ]
    assert sum("kmlib" in msg for msg in seen) == 4  # 2 cases x 2 rounds
    assert sum("naive broadcast" in msg for msg in seen) == 2  # once per case
    assert seen[0].startswith("round 1/2: (200, 2, 3) scikit-learn")
    text = lloyd_report.report(lloyd_bench.environment(), rows, rounds=2)
    assert "the best of 2 rounds, each a fresh process per row" in text


def test_run_py_takes_the_number_of_rounds():
    assert run.parse_args([]).rounds == lloyd_bench.ROUNDS
    assert run.parse_args(["--rounds", "1"]).rounds == 1


def test_seeding_bench_keeps_each_rows_fastest_round_and_says_so():
    cells = [
        {"ms": 5.0, "n_iter": 4, "peak_mib": 1.0, "exact_peak": True},
        {"ms": 3.0, "n_iter": 4, "peak_mib": 0.5, "exact_peak": True},
    ]
    assert seeding_bench.best_round(cells) == {
        "ms": 3.0,
        "n_iter": 4,
        "peak_mib": 1.0,
        "exact_peak": True,
    }
    assert seeding_bench.parse_args([]).rounds == lloyd_bench.ROUNDS
    case = (200, 2, 3)
    cell = {"ms": 1.0, "n_iter": 2, "peak_mib": 0.1, "exact_peak": True}
    table = {
        (task, impl, case): cell for task in ("seeding", "fit") for impl in seeding_bench.IMPLS
    }
    text = seeding_bench.report(lloyd_bench.environment(), table, [case], lambda n: 2, rounds=3)
    assert "in the best of 3 rounds (a fresh process per row and round" in text
