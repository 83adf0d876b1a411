"""Format the Lloyd measurements: a header, a markdown table and the targets of issue 3."""

from __future__ import annotations

from lloyd_bench import REFERENCE, SETTINGS, Measurement

#: Targets of issue 3 (time targets apply at n >= TARGET_MIN_N).
TARGET_MIN_N = 10**5
MAX_TIME_RATIO = 2.5  # kmlib ms/iter <= 2.5 x scikit-learn's
#: The per-iteration target of issue 11 (at n >= TARGET_MIN_N, against scikit-learn's default).
MAX_TIME_RATIO_11 = 1.3
#: The reference that runs on one core, as kmlib does (reported, not a target).
ONE_THREAD = "scikit-learn, 1 thread"
MIN_BROADCAST_SPEEDUP = 20.0  # broadcast ms/iter >= 20 x kmlib's
MEMORY_FACTOR = 2.0  # kmlib peak <= 2 x scikit-learn's + 64 MB
MEMORY_SLACK_MIB = 64e6 / 2**20  # 64 MB (64 * 10^6 bytes) in MiB: 61.0

#: Below this, scikit-learn's peak is noise and a memory ratio means nothing.
MIN_RATIO_MIB = 1.0


def n_label(n: int) -> str:
    """``10^5`` for a power of ten from 100 up, else the plain number."""
    s = str(n)
    return f"10^{len(s) - 1}" if n >= 100 and s.strip("0") == "1" else s


def case_label(n: int, d: int, k: int) -> str:
    """``(10^5, 16, 32)``."""
    return f"({n_label(n)}, {d}, {k})"


def fmt_ms(ms: float) -> str:
    """Milliseconds to three significant figures, without exponents."""
    if ms >= 100:
        return f"{ms:,.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    if ms >= 1:
        return f"{ms:.2f}"
    return f"{ms:.3f}"


def fmt_ratio(x: float) -> str:
    """A ratio such as ``1.43x`` or ``212x``."""
    if x >= 100:
        return f"{x:,.0f}x"
    if x >= 10:
        return f"{x:.1f}x"
    return f"{x:.2f}x"


def _by_case(rows: list[Measurement]) -> dict[tuple[int, int, int], dict[str, Measurement]]:
    """Rows grouped by case, then by implementation."""
    grouped: dict[tuple[int, int, int], dict[str, Measurement]] = {}
    for row in rows:
        grouped.setdefault((row.n, row.d, row.k), {})[row.impl] = row
    return grouped


def header(env: dict) -> str:
    """Versions, cores, and every thread pool threadpoolctl reports (BLAS first)."""
    lines = [
        "# Lloyd's algorithm: time per iteration and peak memory",
        "",
        f"python {env['python']} | numpy {env['numpy']} | scikit-learn {env['scikit-learn']}"
        f" | kmlib {env['kmlib']} | {env['cpu_count']} CPU cores"
        f" | load average at start {env['load_average']}",
        "",
        "Thread pools reported by threadpoolctl (kmlib and the naive styles use numpy's BLAS;"
        " scikit-learn's Lloyd runs its OpenMP threads, each calling scipy's BLAS):",
        "",
    ]
    pools = sorted(env["pools"], key=lambda p: p["user_api"] != "blas")
    for p in pools:
        lines.append(
            f"- {p['user_api']}: {p['internal_api']} {p['version'] or ''}".rstrip()
            + f", {p['num_threads']} threads (shipped with {p['loaded_by']})"
        )
    return "\n".join(lines)


def method(rounds: int = 1) -> str:
    """How the numbers were obtained, in two lines."""
    fast, broad, loop = SETTINGS["kmlib"], SETTINGS["naive broadcast"], SETTINGS["naive loop"]
    rounds_text = (
        f"the best of {rounds} rounds, each a fresh process per row, the implementations "
        "alternating round by round; in each round "
        if rounds > 1
        else ""
    )
    return (
        f"ms/iter: {rounds_text}wall time of one call / its iterations, best of >= {fast.repeats} calls "
        f"(more, up to {fast.max_repeats}, while under {fast.min_seconds:g} s in all) of up to "
        f"{fast.max_iter} iterations (tol=0) for kmlib and scikit-learn, {broad.repeats} calls of "
        f"{broad.max_iter} for the broadcast, {loop.repeats} call of {loop.max_iter} for the loop; "
        "same data and initial centres for all.\n"
        "peak MiB: rise of the peak RSS (VmHWM) during the first call above the RSS before it, "
        "in a fresh process per row, after the imports and the data"
        + (" (the largest of the rounds)." if rounds > 1 else ".")
    )


def table(rows: list[Measurement]) -> str:
    """The markdown table; ratios are to scikit-learn on the same case; ``~`` marks estimates."""
    lines = [
        "| case (n, d, K) | implementation | iters | ms/iter | peak MiB | time / sklearn "
        "| memory / sklearn |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for case, impls in _by_case(rows).items():
        ref = impls.get(REFERENCE)
        for impl, row in impls.items():
            est = "~" if row.skipped else ""
            time_ratio = fmt_ratio(row.ms_per_iter / ref.ms_per_iter) if ref else "-"
            if ref and ref.peak_mib >= MIN_RATIO_MIB:
                mem_ratio = fmt_ratio(row.peak_mib / ref.peak_mib)
            else:
                mem_ratio = "-"
            name = f"{impl} (skipped)" if row.skipped else impl
            lines.append(
                f"| {case_label(*case)} | {name} | {row.n_iter} | {est}{fmt_ms(row.ms_per_iter)} "
                f"| {est}{row.peak_mib:,.1f} | {est}{time_ratio} | {est}{mem_ratio} |"
            )
    skipped = [r for r in rows if r.skipped]
    notes = [
        "",
        "`-`: no ratio (scikit-learn's peak under "
        f"{MIN_RATIO_MIB:g} MiB is noise). `~`: estimate, not a measurement.",
    ]
    for r in skipped:
        notes.append(
            f"Skipped {r.impl} at {case_label(r.n, r.d, r.k)}: {r.reason} "
            "(time estimated from a pilot run on fewer points, scaled by n)."
        )
    return "\n".join(lines + notes)


def _status(ok: bool) -> str:
    return "met" if ok else "NOT met"


def targets(rows: list[Measurement]) -> str:
    """One line per target of issue 3: met / NOT met, with the numbers behind it."""
    time_parts, speed_parts, mem_parts, one_parts = [], [], [], []
    time_ok = speed_ok = mem_ok = True
    time_ok_11 = True
    for case, impls in _by_case(rows).items():
        km, sk = impls.get("kmlib"), impls.get(REFERENCE)
        if km is None or sk is None:
            continue
        label = case_label(*case)
        limit = MEMORY_FACTOR * sk.peak_mib + MEMORY_SLACK_MIB
        mem_ok &= km.peak_mib <= limit
        mem_parts.append(f"{label} {km.peak_mib:.1f} <= {limit:.1f} MiB")
        if case[0] < TARGET_MIN_N:
            continue
        ratio = km.ms_per_iter / sk.ms_per_iter
        time_ok &= ratio <= MAX_TIME_RATIO
        time_ok_11 &= ratio <= MAX_TIME_RATIO_11
        time_parts.append(f"{label} {fmt_ratio(ratio)}")
        one = impls.get(ONE_THREAD)
        if one is not None:
            one_parts.append(f"{label} {fmt_ratio(km.ms_per_iter / one.ms_per_iter)}")
        broadcast = impls.get("naive broadcast")
        if broadcast is not None:
            speedup = broadcast.ms_per_iter / km.ms_per_iter
            speed_ok &= speedup >= MIN_BROADCAST_SPEEDUP
            est = " (estimated)" if broadcast.skipped else ""
            speed_parts.append(f"{label} {fmt_ratio(speedup)}{est}")
    n_min = n_label(TARGET_MIN_N)
    lines = ["Targets (issues 3 and 11):", ""]
    if not mem_parts:
        lines.append("- not evaluated: they need both kmlib and scikit-learn rows")
    if time_parts:
        lines.append(
            f"- kmlib within {MAX_TIME_RATIO:g}x of scikit-learn per iteration at n >= {n_min}: "
            f"{_status(time_ok)} (kmlib / scikit-learn: {'; '.join(time_parts)})"
        )
    if time_parts:
        lines.append(
            f"- kmlib within {MAX_TIME_RATIO_11:g}x of scikit-learn per iteration at n >= "
            f"{n_min} (issue 11): {_status(time_ok_11)} (kmlib / scikit-learn: "
            f"{'; '.join(time_parts)})"
        )
    if one_parts:
        lines.append(
            "- for comparison, not a target: kmlib / scikit-learn on one thread (kmlib runs "
            f"on one core; scikit-learn's default uses every core): {'; '.join(one_parts)}"
        )
    if speed_parts:
        lines.append(
            f"- kmlib at least {MIN_BROADCAST_SPEEDUP:g}x faster than the broadcast at "
            f"n >= {n_min}: {_status(speed_ok)} (broadcast / kmlib: {'; '.join(speed_parts)})"
        )
    if mem_parts:
        lines.append(
            f"- kmlib peak memory within {MEMORY_FACTOR:g}x scikit-learn's + 64 MB: "
            f"{_status(mem_ok)} ({'; '.join(mem_parts)})"
        )
    return "\n".join(lines)


def agreement(rows: list[Measurement]) -> str:
    """A sanity line: kmlib and scikit-learn did the same work (iterations, inertia)."""
    same_iters, worst = True, 0.0
    for impls in _by_case(rows).values():
        km, sk = impls.get("kmlib"), impls.get(REFERENCE)
        if km is None or sk is None or km.inertia is None or sk.inertia is None:
            continue
        same_iters &= km.n_iter == sk.n_iter
        worst = max(worst, abs(km.inertia - sk.inertia) / max(abs(sk.inertia), 1e-300))
    iters = "the same" if same_iters else "DIFFERENT"
    return (
        f"Check: kmlib and scikit-learn ran {iters} numbers of iterations; largest relative "
        f"difference of their final inertias: {worst:.1e}."
    )


def report(env: dict, rows: list[Measurement], rounds: int = 1) -> str:
    """The whole printed report (also written to ``benchmarks/results/lloyd.md``)."""
    parts = [header(env), method(rounds), table(rows), targets(rows)]
    if any(r.impl == "kmlib" for r in rows) and any(r.impl == REFERENCE for r in rows):
        parts.append(agreement(rows))
    parts.append(
        "Times are wall-clock and vary with the machine and its load; rerun `make bench` "
        "for fresh numbers. Tests never assert a time."
    )
    return "\n\n".join(parts) + "\n"
