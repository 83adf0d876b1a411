"""Checkers for Chapter 7: ``minibatch_step`` and ``map_chunk``."""

from __future__ import annotations

import numpy as np

from .._distance import nearest as key_nearest
from .._kernels.sums import cluster_sums, feature_rows
from .._minibatch import minibatch_step as key_minibatch_step
from ._contract import (
    as_array,
    as_tuple,
    close_mask,
    describe_inputs,
    differing_rows,
    rtol_for,
    scale_of,
    show,
)
from ._core import Case, Failure, run, table_cases, wrong

# minibatch_step -------------------------------------------------------------

_X3 = [[2.0], [8.0], [12.0]]
_C2 = [[0.0], [10.0]]
_CORNERS = [[0.0, 0.0], [1.0, 0.0], [9.0, 9.0], [10.0, 8.0]]

#: (title, batch, centers, counts): hand-made cases of one mini-batch step.
STEP_TABLE = (
    ("three points in 1-D, counts all 0 (a chosen centre becomes the mean "
     "of its points)", _X3, _C2, [0.0, 0.0]),
    ("the same with counts all 1 (kmlib.minibatch_step's example)",
     _X3, _C2, [1.0, 1.0]),
    ("counts all 5 (the old centre keeps five points' worth of weight)",
     _CORNERS, [[0.0, 1.0], [9.0, 10.0]], [5.0, 5.0]),
    ("a centre that no point chooses stays put (counts 3, 7, 2)",
     _CORNERS, [[0.0, 0.0], [50.0, 50.0], [10.0, 10.0]], [3.0, 7.0, 2.0]),
    ("a batch of one row", [[4.0, 2.0]],
     [[0.0, 0.0], [5.0, 5.0], [3.0, 1.0]], [2.0, 0.0, 1.0]),
    ("a point exactly between two centres (the lowest index wins)",
     [[1.0, 0.0]], [[2.0, 0.0], [0.0, 0.0]], [1.0, 1.0]),
    ("integer input (batch, centers and counts of int)",
     np.array([[0, 0], [1, 3], [8, 8], [9, 6], [2, 1]]),
     np.array([[0, 0], [9, 9]]), np.array([2, 0])),
    ("float32 input",
     np.array([[0.5, 1.0], [3.0, 2.5], [1.0, 1.0]], np.float32),
     np.array([[0.0, 0.0], [3.0, 3.0]], np.float32),
     np.array([1.0, 3.0], np.float32)),
)  # fmt: skip


def step_cases():
    """Smallest first, then seeded random batches with counts 0 and > 0."""
    for case in table_cases(("batch", "centers", "counts"), STEP_TABLE):
        yield Case(case.title, {k: np.array(v) for k, v in case.args.items()})
    rng = np.random.default_rng(73)
    batch, centers = rng.normal(size=(100, 3)), rng.normal(size=(5, 3))
    for counts, what in (
        (np.zeros(5), "all 0"),
        (rng.integers(0, 20, 5).astype(float), "from 0 to 19"),
    ):
        yield Case(
            f"100 seeded random rows in 3-D, 5 centres, counts {what}",
            {"batch": batch, "centers": centers, "counts": counts},
        )


def step_key(batch, centers, counts):
    """kmlib.minibatch_step on float64 copies: ``(centers, counts)``."""
    C = np.array(centers, dtype=np.float64)
    v = np.array(counts, dtype=np.float64)
    key_minibatch_step(batch, C, v)
    return C, v


def last_nearest(X, C) -> np.ndarray:
    """The nearest centre of every row, ties to the *highest* index."""
    return len(C) - 1 - key_nearest(X, C[::-1])[0]


def point_by_point(batch, centers, counts, mistake):
    """Sculley's update with a typical mistake, as ``(centers, counts)``."""
    X, C = np.asarray(batch, float), np.array(centers, dtype=float)
    v = np.array(counts, dtype=float)
    if mistake == "last tie":
        labels = last_nearest(X, C)
    else:
        labels = key_nearest(X, C)[0]
    for i, x in enumerate(X):
        j = labels[i]
        if mistake == "relabel":  # the current centres, point after point
            j = key_nearest(x[None], C)[0][0]
        v[j] += 1
        eta = 1.0 / len(X) if mistake == "1/batch_size" else 1.0 / v[j]
        C[j] = (1 - eta) * C[j] + eta * x
    return C, v


STEP_MISTAKES = {
    "1/batch_size": "The rate is 1/v_j (the centre's count after adding the "
    "point), not 1/batch_size: a centre that has seen many points moves less.",
    "relabel": "Compute every batch point's nearest centre first, with the "
    "centres of the start of the step; then update point by point.",
    "last tie": "On a tie, the lowest centre index must win (argmin).",
}


def step_diagnosis(case, got, part: str) -> str:
    """A sentence on a typical mistake behind wrong ``part``, if one fits."""
    batch, centers, counts = (case.args[k] for k in STEP_ARGS)
    key = step_key(batch, centers, counts)
    index = 0 if part == "centers" else 1
    atol = 1e-9 * scale_of(batch) if part == "centers" else 0.0
    if part == "centers" and not close_mask(got, centers, 1e-6, atol).any():
        return (
            "\nThese are the centres you were given: move each chosen "
            "centre towards its batch points."
        )
    for mistake, text in STEP_MISTAKES.items():
        variant = point_by_point(batch, centers, counts, mistake)[index]
        differs = close_mask(variant, key[index], 1e-6, atol).any()
        if differs and not close_mask(got, variant, 1e-6, atol).any():
            return "\n" + text
    return ""


STEP_ARGS = ("batch", "centers", "counts")


def step_output(value, k, d, counts_in):
    """Contract: ``(centers (k, d), counts (k,))``, numbers, finite."""
    if not isinstance(value, tuple | list) and np.ndim(value) == 0:
        raise wrong(
            f"return the tuple (centers, counts); got {show(value)}. "
            "kmlib.minibatch_step changes its arguments in place and returns "
            "the batch's WCSS; yours leaves them unchanged and returns the "
            "new centres and counts."
        )
    centers, counts = as_tuple(value, ("centers", "counts"))
    try:
        centers = as_array(centers, "centers", (k, d))
    except Failure as failure:
        if "NaN" in failure.message and (np.asarray(counts_in) == 0).any():
            failure.message += (
                "\nA count of 0 gives 1/0: add the point first (v_j += 1), "
                "then use the rate 1/v_j."
            )
        raise
    return centers, as_array(counts, "counts", (k,))


def changed_arguments(args: dict, copies) -> list[str]:
    """The names of the arguments the learner's function changed."""
    return [
        name
        for name, copy in zip(STEP_ARGS, copies, strict=True)
        if not np.array_equal(np.asarray(copy), np.asarray(args[name]))
    ]


def check_step(learner, case):
    """Contract, counts exactly, centres within a tolerance, inputs kept."""
    batch, centers, counts = (case.args[k] for k in STEP_ARGS)
    k, d = np.shape(centers)
    got_C, got_v = step_output(learner(batch, centers, counts), k, d, counts)
    key_C, key_v = step_key(batch, centers, counts)
    shown = describe_inputs(case.args)
    if not np.array_equal(np.asarray(got_v, float), key_v):
        text = shown + "\ncounts differ:\n"
        text += differing_rows(
            got_v != key_v, {"expected": key_v, "got": got_v}
        )
        if np.array_equal(np.asarray(got_v, float), np.asarray(counts, float)):
            text += (
                "\nThe counts are unchanged: v_j must grow by one for every "
                "batch point that chooses centre j."
            )
        raise wrong(text + step_diagnosis(case, got_v, "counts"))
    rtol = rtol_for(batch, centers, counts)
    bad = close_mask(got_C, key_C, rtol, 1e-12 * scale_of(batch))
    if bad.any():
        raise wrong(
            shown
            + f"\ncenters differ (tolerance {rtol:g} relative):\n"
            + differing_rows(bad, {"expected": key_C, "got": got_C})
            + step_diagnosis(case, got_C, "centers")
        )
    changed = changed_arguments(case.args, learner.last_args)
    if changed:
        raise wrong(
            shown + f"\nyour function changed its argument(s) "
            f"{', '.join(changed)} in place; leave them unchanged and work "
            "on copies: C = np.array(centers, dtype=float), v = "
            "np.array(counts, dtype=float)."
        )


def minibatch_step(fn):
    """Check ``fn(batch, centers, counts) -> (centers, counts)``.

    One step of Sculley's mini-batch k-means that leaves its arguments
    unchanged: every batch point picks its nearest centre among the centres
    of the start of the step (ties to the lowest index), then, point after
    point, ``v_j += 1`` and ``c_j = (1 - 1/v_j) c_j + x / v_j``. The key is
    :func:`kmlib.minibatch_step` on float64 copies: counts must be equal
    exactly, centres within 1e-9 relative (1e-5 for float32 input), and
    ``batch``, ``centers`` and ``counts`` must not be changed. Cases,
    smallest first: three points with counts 0, then 1; counts 5; a centre
    no point chooses (it stays put); one row; a tie; int and float32 input;
    100 seeded random rows with counts 0 and from 0 to 19.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_minibatch_step``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "10 cases: counts 0, 1 and 5, a centre no point chooses, one row, a "
        "tie (lowest index), int and float32 input, 100 random rows with "
        "counts 0 and > 0; your arguments were left unchanged."
    )
    return run("minibatch_step", fn, step_cases(), check_step, covered)


# map_chunk ------------------------------------------------------------------

#: (title, chunk, centers): hand-made cases of the map step.
MAP_TABLE = (
    ("three points, two centres", [[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]],
     [[0.0, 0.0], [10.0, 0.0]]),
    ("the last centre is chosen by no point (count 0, sums 0)",
     [[0.0], [1.0], [2.0]], [[0.0], [1.5], [50.0]]),
    ("a centre in the middle chosen by no point",
     [[0.0, 0.0], [1.0, 1.0], [9.0, 9.0]],
     [[0.0, 0.0], [-30.0, 40.0], [9.0, 9.0]]),
    ("a point exactly between two centres (the lowest index wins)",
     [[1.0, 0.0], [5.0, 5.0]], [[2.0, 0.0], [0.0, 0.0]]),
    ("a chunk of one row", [[3.0, 4.0]],
     [[0.0, 0.0], [3.0, 3.0], [9.0, 9.0]]),
    ("integer input", np.array([[0, 0], [5, 1], [2, 9], [7, 7], [3, 3]]),
     np.array([[5, 1], [2, 9]])),
    ("float32 input",
     np.array([[0.5, 1.0], [3.0, 2.5], [1.0, 1.0]], np.float32),
     np.array([[3.0, 2.5], [1.0, 1.0]], np.float32)),
)  # fmt: skip


def map_cases():
    """Smallest first; seeded data; then splits whose parts must add up."""
    for case in table_cases(("chunk", "centers"), MAP_TABLE):
        yield Case(case.title, {k: np.array(v) for k, v in case.args.items()})
    rng = np.random.default_rng(74)
    X, C = rng.normal(size=(200, 3)), rng.normal(size=(6, 3)) * 2
    yield Case(
        "200 seeded random points in 3-D, 6 centres", {"chunk": X, "centers": C}
    )
    for parts in (3, 7):
        yield Case(
            f"the same 200 points split into {parts} chunks: your parts must "
            "add up to the counts and sums of the whole",
            {"chunk": X, "centers": C, "parts": parts},
        )


def map_key(chunk, centers):
    """The counts ``(k,)`` and sums ``(k, d)`` of the nearest centres."""
    X = np.asarray(chunk, dtype=np.float64)
    labels = key_nearest(X, centers)[0]
    return cluster_sums(feature_rows(X), labels, np.shape(centers)[0])


def map_output(value, k, d):
    """Contract: ``(counts (k,), sums (k, d))``."""
    counts, sums = as_tuple(value, ("counts", "sums"))
    shape = np.shape(counts)
    if len(shape) == 1 and shape[0] < k:
        raise wrong(
            f"counts must have shape ({k},), one per centre; got shape "
            f"{shape}. np.bincount(labels) stops at the largest label "
            "present: np.bincount(labels, minlength=k) counts 0 for a centre "
            "no point chooses."
        )
    counts = as_array(counts, "counts", (k,))
    return counts, as_array(sums, "sums", (k, d))


def map_diagnosis(chunk, centers, counts, sums, key_counts, key_sums) -> str:
    """A sentence on a typical mistake, if one fits."""
    filled = key_counts > 0
    means = key_sums[filled] / key_counts[filled, None]
    if np.allclose(sums[filled], means) and not np.allclose(
        means, key_sums[filled]
    ):
        return (
            "\nThese are the means of the clusters: return the sums. The "
            "reduce adds the sums and the counts of every chunk, then divides "
            "once; means of chunks do not add up."
        )
    X, C = np.asarray(chunk, float), np.asarray(centers, float)
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    last = len(C) - 1 - d2[:, ::-1].argmin(axis=1)
    if np.array_equal(counts, np.bincount(last, minlength=len(C))):
        return "\nOn a tie, the lowest centre index must win (argmin)."
    return ""


def check_map(learner, case):
    """Counts exactly and sums within a tolerance; parts add to the whole."""
    chunk, centers = case.args["chunk"], case.args["centers"]
    k, d = np.shape(centers)
    pieces = np.array_split(chunk, case.args.get("parts", 1))
    outputs = [map_output(learner(p, centers), k, d) for p in pieces]
    counts = sum(np.asarray(c, dtype=np.float64) for c, _ in outputs)
    sums = sum(np.asarray(s, dtype=np.float64) for _, s in outputs)
    key_counts, key_sums = map_key(chunk, centers)
    shown = describe_inputs(case.args)
    if not np.array_equal(counts, key_counts):
        raise wrong(
            shown + "\ncounts differ:\n"
            + differing_rows(counts != key_counts,
                             {"expected": key_counts, "got": counts})
            + map_diagnosis(chunk, centers, counts, sums, key_counts, key_sums)
        )  # fmt: skip
    rtol = rtol_for(chunk, centers)
    bad = close_mask(sums, key_sums, rtol, 1e-12 * scale_of(chunk) * len(chunk))
    if bad.any():
        raise wrong(
            shown
            + f"\nsums differ (tolerance {rtol:g} relative):\n"
            + differing_rows(bad, {"expected": key_sums, "got": sums})
            + map_diagnosis(chunk, centers, counts, sums, key_counts, key_sums)
        )


def map_chunk(fn):
    """Check ``fn(chunk, centers) -> (counts, sums)``, the map step.

    ``counts`` of shape ``(k,)``: how many rows of ``chunk`` have each
    centre as their nearest (ties to the lowest index), 0 for a centre no
    row chooses (``np.bincount(labels, minlength=k)``); ``sums`` of shape
    ``(k, d)``: the sum of those rows, zeros for such a centre. Counts must
    be exact, sums within 1e-9 relative (1e-5 for float32 input). Cases,
    smallest first: three points; the last and a middle centre chosen by
    no point; a tie; one row; int and float32 input; 200 seeded points; the
    same points in 3 and 7 chunks, whose counts and sums must add up to
    those of the whole.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_map_chunk``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "10 cases: small ones, a last and a middle centre no point chooses, "
        "a tie (lowest index), one row, int and float32 input, 200 random "
        "points whole and in 3 and 7 chunks that add up."
    )
    return run("map_chunk", fn, map_cases(), check_map, covered)
