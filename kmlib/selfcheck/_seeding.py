"""Checker for Chapter 3: ``kmeans_plusplus``, deterministic cases and a
statistical test of the D² probabilities."""

from __future__ import annotations

import itertools

import numpy as np

from .._distance import nearest as key_nearest
from ._contract import as_array, describe_inputs, show
from ._core import Case, Failure, run, wrong

#: The small set of the statistical test (Chapter 3's exercise by hand).
POINTS = np.array([[0.0], [1.0], [2.0], [10.0]])
TRIALS = 1500
FALSE_ALARM = 1e-6
SEED = 20240


def plusplus_cases():
    """Contract cases smallest first, then the statistical test."""
    square = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    yield Case("k = 1", {"X": square, "k": 1})
    five = [[0.0, 0.0], [4.0, 0.0], [0.0, 3.0], [4.0, 3.0], [2.0, 9.0]]
    yield Case("k = n: every point exactly once", {"X": five, "k": 5})
    dup = [[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0], [9.0, 0.0]]
    yield Case(
        "duplicate points, k = the number of distinct points",
        {"X": dup, "k": 3},
    )
    ints = np.array([[0, 0], [9, 1], [2, 7], [8, 8], [1, 1]])
    yield Case("integer input", {"X": ints, "k": 3})
    f32 = np.array([[0.5, 0.25], [3.0, 2.5], [1.0, 7.0]], np.float32)
    yield Case("float32 input", {"X": f32, "k": 2})
    rng = np.random.default_rng(31)
    yield Case(
        "the same seed gives the same centres",
        {"X": rng.normal(size=(50, 2)), "k": 4},
    )
    yield Case(
        f"the D² probabilities: X = {show(POINTS.ravel())}, k = 3, "
        f"{TRIALS} runs",
        {"X": POINTS, "k": 3},
    )


def chosen_rows(X, centers) -> np.ndarray:
    """The row of ``X`` each centre is (raises if one is not a data point)."""
    X = np.asarray(X, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    labels, sq = key_nearest(centers, X)
    tol = (1e-6 * max(1.0, float(np.abs(X).max()))) ** 2
    off = np.flatnonzero(sq > tol)
    if off.size:
        raise wrong(
            f"every centre must be a data point; centre {off[0]} "
            f"{show(centers[off[0]])} is not a row of X"
        )
    return labels


def draw(learner, X, k, rng):
    """One run of the learner's seeding: the indices of its centres."""
    centers = learner(X, k, rng)
    centers = as_array(centers, "centers", (k, np.shape(X)[1]))
    rows = chosen_rows(X, centers)
    distinct = np.unique(np.asarray(X, float), axis=0)
    points = np.unique(np.asarray(X, float)[rows], axis=0)
    if len(points) < min(k, len(distinct)):
        raise wrong(
            f"the centres repeat a point: {show(centers)}. D² sampling gives "
            "a chosen point (and its copies) probability 0 (D = 0)."
        )
    return rows


def check_plusplus(learner, case):
    """Contract on every case; the last one is the statistical test."""
    X, k = case.args["X"], case.args["k"]
    if case.args["X"] is POINTS:
        return check_probabilities(learner)
    try:
        rows = draw(learner, X, k, np.random.default_rng(5))
        if "same seed" in case.title:
            again = draw(learner, X, k, np.random.default_rng(5))
            if not np.array_equal(rows, again):
                raise wrong(
                    "two runs with np.random.default_rng(5) chose rows "
                    f"{show(rows)} and {show(again)}: draw every random "
                    "number from rng (not np.random), so that a seed "
                    "reproduces the centres."
                )
    except Failure as failure:
        failure.message = describe_inputs(case.args) + "\n" + failure.message
        raise


RULES = {
    "D² sampling": lambda d2_all: d2_all.min(axis=1),
    "D sampling (P ∝ D, not D²)": lambda d2_all: np.sqrt(d2_all.min(axis=1)),
    "uniform draws among the points not chosen yet": lambda d2_all: (
        d2_all.min(axis=1) > 0
    ).astype(float),
    "D² to the last centre only (not the nearest of all chosen)": lambda d2: (
        d2[:, -1] * (d2.min(axis=1) > 0)
    ),
}


def sequence_probabilities(X, k, rule) -> dict:
    """P(the centres are rows i1, i2, ... in this order), exactly.

    The first centre is uniform; each later one has probability
    ``w_i / sum(w)`` with ``w = rule(squared distances to the chosen)``.
    """
    X = np.asarray(X, dtype=np.float64)
    n = len(X)
    probabilities = {}
    for order in itertools.permutations(range(n), k):
        p = 1.0 / n
        for t in range(1, k):
            d2_all = ((X[:, None, :] - X[None, list(order[:t]), :]) ** 2).sum(2)
            w = rule(d2_all)
            p *= w[order[t]] / w.sum()
        probabilities[order] = p
    return probabilities


def binomial_p_value(trials: int, p: float, count: int) -> float:
    """Exact two-sided p-value of ``count`` successes in Binomial(trials, p)."""
    if p <= 0.0:
        return 1.0 if count == 0 else 0.0
    i = np.arange(trials + 1)
    log_choose = np.concatenate(
        [[0.0], np.cumsum(np.log(trials - i[:-1]) - np.log(i[1:]))]
    )
    pmf = np.exp(log_choose + i * np.log(p) + (trials - i) * np.log1p(-p))
    tails = min(pmf[: count + 1].sum(), pmf[count:].sum())
    return float(min(1.0, 2.0 * tails))


def quick_rows(centers, k) -> tuple:
    """The rows of POINTS chosen in one run (a light contract check)."""
    try:
        c = np.asarray(centers, dtype=np.float64)
    except (TypeError, ValueError):
        c = None
    if c is None or c.shape != (k, 1):
        as_array(centers, "centers", (k, 1))  # raises with the details
    gaps = np.abs(c - POINTS.T)  # (k, n)
    rows = gaps.argmin(axis=1)
    if not (gaps.min(axis=1) <= 1e-9).all() or len(set(rows.tolist())) < k:
        raise wrong(
            f"every centre must be a different data point; got {show(c)}"
        )
    return tuple(rows.tolist())


def observed_orders(learner, k) -> dict:
    """How often each ordered choice of rows came, over TRIALS runs."""
    rng = np.random.default_rng(SEED)
    counts: dict = {}
    for _ in range(TRIALS):
        order = quick_rows(learner(POINTS, k, rng), k)
        counts[order] = counts.get(order, 0) + 1
    return counts


def check_probabilities(learner, k: int = 3):
    """Every ordered outcome's frequency against its exact probability.

    Exact binomial test per outcome, Bonferroni over the outcomes: a correct
    sampler fails with probability below FALSE_ALARM.
    """
    expected = sequence_probabilities(POINTS, k, RULES["D² sampling"])
    counts = observed_orders(learner, k)
    level = FALSE_ALARM / len(expected)
    p_values = {
        order: binomial_p_value(TRIALS, p, counts.get(order, 0))
        for order, p in expected.items()
    }
    if min(p_values.values()) >= level:
        return
    raise wrong(frequency_report(counts, expected) + closest_rule(counts, k))


def conditional(counts_or_p: dict, prefix: tuple, n: int) -> np.ndarray:
    """P(next row | the first rows are ``prefix``), from counts or P."""
    totals = np.zeros(n)
    for order, value in counts_or_p.items():
        if order[: len(prefix)] == prefix:
            totals[order[len(prefix)]] += value
    return totals / totals.sum() if totals.sum() else totals


def frequency_report(counts, expected) -> str:
    """The learner's frequencies next to D² sampling's, stage by stage."""
    n, x = len(POINTS), POINTS.ravel()
    lines = [
        f"Over {TRIALS} runs with one Generator (seed {SEED}), the centres "
        f"came too far from D² sampling's probabilities (points {show(x)}):"
    ]
    stages = (
        ((), "first centre"),
        ((0,), "second centre when the first is 0"),
        ((0, 3), "third centre when the first two are 0 and 10"),
    )
    for prefix, title in stages:
        lines.append(f"  {title}:")
        lines.append(
            f"    expected {show(conditional(expected, prefix, n), 3)}"
        )
        lines.append(f"    yours    {show(conditional(counts, prefix, n), 3)}")
    return "\n".join(lines)


def closest_rule(counts, k) -> str:
    """Which sampling rule explains the learner's draws best."""
    best, best_ll = None, -np.inf
    for name, rule in RULES.items():
        probabilities = sequence_probabilities(POINTS, k, rule)
        ll = sum(
            c * np.log(probabilities.get(order, 0.0) or 1e-300)
            for order, c in counts.items()
        )
        if ll > best_ll:
            best, best_ll = name, ll
    if best is None or best == "D² sampling":
        return ""
    return f"\nYour draws fit {best} best."


def kmeans_plusplus(fn):
    """Check ``fn(X, k, rng) -> centers``: plain k-means++ (D² sampling).

    ``rng`` is a ``numpy.random.Generator``. Deterministic cases first
    (k = 1; k = n, where every point must come exactly once; duplicate
    points with k = the number of distinct points, where each distinct
    point must come once; int and float32 input; the same seed must give
    the same centres): centres of shape ``(k, d)`` that are rows of ``X``,
    no point chosen twice. Then the statistical test: 1500 runs on the
    points 0, 1, 2, 10 with k = 3, all drawing from one Generator of a
    fixed seed, count every ordered choice of three rows and compare it with
    its exact D² probability (first centre uniform, then
    P(x) = D(x)² / Σ D², D the distance to the nearest chosen centre) by an
    exact two-sided binomial test at level 1e-6 / 24 (Bonferroni over the 24
    orders): a correct sampler fails with probability below 1e-6. D instead
    of D², uniform draws and the distance to the last centre only fail.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_kmeans_plusplus``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "7 cases: k = 1, k = n, duplicate points, int and float32 input, "
        "reproducibility, and the exact D² probabilities over 1500 runs "
        "(false-alarm rate below 1e-6)."
    )
    return run("kmeans_plusplus", fn, plusplus_cases(), check_plusplus, covered)
