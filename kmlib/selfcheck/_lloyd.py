"""Checkers for Chapter 2: ``assign``, ``update`` and ``lloyd``."""

from __future__ import annotations

import warnings

import numpy as np

from .._lloyd import assign as key_assign
from .._lloyd import lloyd as key_lloyd
from .._lloyd import update as key_update
from ..datasets import make_blobs
from ._contract import (
    as_array,
    as_tuple,
    close_mask,
    compare_labels,
    describe_inputs,
    differing_rows,
    rtol_for,
    scale_of,
    show,
)
from ._core import Case, Failure, run, table_cases, wrong


def assign_cases():
    """Smallest first: ties, duplicates, dtypes, then seeded random data."""
    yield Case(
        "three points, two centres",
        {"X": [[0, 0], [4, 4], [1, 1]], "C": [[0, 0], [5, 5]]},
    )
    yield Case(
        "a point exactly between two centres (lowest index wins)",
        {"X": [[1.0, 0.0], [3.0, 0.0]], "C": [[2.0, 0.0], [0.0, 0.0]]},
    )
    C = np.array([[0.0, 1.0], [0.0, 1.0], [2.0, 0.0]])
    yield Case(
        "two equal centres (ties go to the lowest index)",
        {"X": np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]), "C": C},
    )
    yield Case(
        "duplicate points",
        {"X": [[1.0, 1.0]] * 3 + [[5.0, 5.0]], "C": [[0.0, 0.0], [4.0, 4.0]]},
    )
    yield Case("a single centre", {"X": [[1.0], [2.0], [3.0]], "C": [[0.0]]})
    yield Case(
        "more centres than points",
        {"X": [[0.0], [10.0]], "C": [[9.0], [1.0], [5.0]]},
    )
    ints = np.array([[0, 0], [5, 1], [2, 9], [7, 7], [3, 3]])
    yield Case("integer input", {"X": ints, "C": ints[[1, 2]]})
    f32 = np.array([[0.5, 1.0], [3.0, 2.5], [1.0, 1.0]], dtype=np.float32)
    yield Case("float32 input", {"X": f32, "C": f32[[1, 2]]})
    rng = np.random.default_rng(21)
    for n, d, k in ((50, 2, 4), (500, 5, 8)):
        yield Case(
            f"{n} seeded random points in {d}-D, {k} centres",
            {"X": rng.normal(size=(n, d)), "C": rng.normal(size=(k, d))},
        )


def check_assign(learner, case):
    """Contract (int labels of shape (n,)), then equal to kmlib.assign."""
    X, C = case.args["X"], case.args["C"]
    n, k = len(X), len(C)
    labels = as_array(learner(X, C), "labels", (n,), kind="int")
    expected = key_assign(X, C)
    try:
        compare_labels(labels, expected, X=X if n <= 20 else None)
    except Failure as failure:
        failure.message = describe_inputs(case.args) + "\n" + failure.message
        Xf, Cf = np.asarray(X, float), np.asarray(C, float)
        d2 = ((Xf[:, None, :] - Cf[None, :, :]) ** 2).sum(axis=2)
        if k > 1 and np.array_equal(labels, d2.argmax(axis=1)):
            failure.message += "\nThese are the farthest centres: argmin."
        elif np.array_equal(labels, k - 1 - d2[:, ::-1].argmin(axis=1)):
            failure.message += "\nOn a tie, the lowest centre index must win."
        raise


def assign(fn):
    """Check ``fn(X, C) -> labels``, the assignment step.

    ``labels`` must be an integer array of shape ``(n,)`` equal to
    :func:`kmlib.assign` exactly: the nearest centre, ties to the lowest
    index. Cases, smallest first: three points; a point midway between two
    centres; two equal centres; duplicate points; one centre; more centres
    than points; int and float32 input; 50 and 500 seeded random points.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_assign``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "10 cases: small ones, ties (lowest index), duplicate points, one "
        "centre, k > n, int and float32 input, 50 and 500 random points."
    )
    return run("assign", fn, assign_cases(), check_assign, covered)


#: (title, X, labels, k): hand-made cases of the update step.
UPDATE_TABLE = (
    ("one cluster in 1-D: {0, 1, 5}", [[0.0], [1.0], [5.0]], [0, 0, 0], 1),
    ("two clusters", [[0.0, 0.0], [2.0, 0.0], [10.0, 10.0]], [0, 0, 1], 2),
    ("labels in any order", np.arange(12.0).reshape(6, 2),
     [1, 0, 1, 2, 0, 2], 3),
    ("integer input (means need not be integers)",
     np.array([[0, 0], [1, 1], [4, 4], [4, 5]]), [0, 0, 1, 1], 2),
    ("float32 input", np.array([[0.5], [1.0], [4.0]], np.float32),
     [0, 0, 1], 2),
    ("a cluster of a single point", [[0.0, 1.0], [2.0, 3.0], [9.0, 9.0]],
     [0, 0, 1], 2),
    ("an empty cluster (k = 3, only labels 0 and 1 used)",
     [[0.0], [1.0], [2.0], [10.0], [11.0], [30.0]], [0, 0, 0, 1, 1, 1], 3),
    ("an empty cluster in the middle (label 1 unused)",
     [[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0], [20.0, 5.0]],
     [0, 0, 2, 2, 2], 3),
    ("two empty clusters", [[0.0], [1.0], [9.0], [20.0], [21.0], [40.0]],
     [0, 0, 0, 1, 1, 1], 4),
    ("duplicate points: all equal, k = 2", [[1.0, 1.0]] * 4, [0, 0, 0, 0], 2),
)  # fmt: skip


def update_cases():
    """Smallest first; then the empty clusters; then seeded random data."""
    yield from table_cases(("X", "labels", "k"), UPDATE_TABLE)
    rng = np.random.default_rng(22)
    X = rng.normal(size=(200, 3))
    labels = np.concatenate([np.arange(5), rng.integers(0, 5, 195)])
    yield Case(
        "200 seeded random points, k = 5", {"X": X, "labels": labels, "k": 5}
    )
    labels = np.concatenate([np.arange(5), rng.integers(0, 5, 95)])
    yield Case(
        "100 seeded random points, labels 0..4, k = 6 (one empty)",
        {"X": X[:100], "labels": labels, "k": 6},
    )


def empty_rule(X, labels, k) -> str:
    """The re-seeding rule spelled out on this case's data."""
    X, labels = np.asarray(X, float), np.asarray(labels)
    counts = np.bincount(labels, minlength=k)
    empty = np.flatnonzero(counts == 0)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, X)
    means = sums[labels] / counts[labels][:, None]
    far = np.argsort(-((X - means) ** 2).sum(axis=1), kind="stable")
    moved = ", ".join(
        f"row {i} {show(X[i])} -> cluster {j}"
        for j, i in zip(empty, far, strict=False)
    )
    return (
        f"Cluster(s) {show(empty)} have no points. Move the point(s) farthest "
        "from their own cluster's mean into them, one each, and take them "
        f"out of their old clusters before computing the means ({moved})."
    )


def sort_rows(A):
    """The rows of ``A`` in lexicographic order."""
    A = np.asarray(A, dtype=np.float64)
    return A[np.lexsort(A.T[::-1])] if A.size else A


def check_update(learner, case):
    """Shape (k, d), no NaN, then the means (re-seeding as kmlib.update)."""
    X, labels, k = case.args["X"], case.args["labels"], case.args["k"]
    d = np.shape(X)[1]
    got = learner(X, labels, k)
    counts = np.bincount(np.asarray(labels), minlength=k)
    if np.shape(got) == (k, d) and has_nan(got):
        raise wrong(
            describe_inputs(case.args)
            + f"\ngot {show(got)}: NaN, the mean of no points (0/0).\n"
            + empty_rule(X, labels, k)
        )
    got = as_array(got, "centers", (k, d))
    expected = key_update(X, labels, k)
    empty = counts == 0
    if empty.sum() > 1:  # which far point fills which empty cluster: any
        got, expected = got.astype(float), expected.copy()
        got[empty], expected[empty] = (
            sort_rows(got[empty]),
            sort_rows(expected[empty]),
        )
    rtol = rtol_for(X)
    bad = close_mask(got, expected, rtol, 1e-12 * scale_of(X))
    if not bad.any():
        return
    message = (
        describe_inputs(case.args)
        + "\ncenters differ from the means:\n"
        + differing_rows(bad, {"expected": expected, "got": got})
    )
    message += update_diagnosis(X, labels, k, got, empty)
    raise wrong(message)


def update_diagnosis(X, labels, k, got, empty) -> str:
    """A sentence on a typical mistake, if one fits."""
    X, labels = np.asarray(X, float), np.asarray(labels)
    filled = np.flatnonzero(~empty)
    medians = np.array([np.median(X[labels == j], axis=0) for j in filled])
    means = np.array([X[labels == j].mean(axis=0) for j in filled])
    if not np.allclose(medians, means) and np.allclose(got[filled], medians):
        return "\nThese are medians: the update takes the mean."
    fractional = not np.allclose(means, np.floor(means))
    if fractional and np.allclose(got[filled], np.floor(means)):
        return "\nThe means were rounded down: divide as floats, not with //."
    if empty.any():
        return "\n" + empty_rule(X, labels, k)
    return ""


def update(fn):
    """Check ``fn(X, labels, k) -> centers``, the update step.

    ``centers`` of shape ``(k, d)``, never NaN, within 1e-9 relative (1e-5
    for float32 input) of :func:`kmlib.update` ``(X, labels, k)``: the
    mean of every cluster; an empty cluster is re-seeded at the point
    farthest from its own cluster's mean, which leaves its old cluster first
    (several empty clusters take the farthest points in turn; which of
    those points fills which empty cluster is not checked). Cases, smallest
    first: one cluster {0, 1, 5} (mean 2, not the median 1), two clusters,
    labels in any order, int input with fractional means, float32 input, a
    single-point cluster, one empty cluster (at the end, in the middle), two
    empty clusters, all points equal, and 200 and 100 seeded random points
    (the latter with an empty cluster).

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_update``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "12 cases: small ones, labels in any order, int and float32 input, "
        "a single-point cluster, one and two empty clusters, duplicate "
        "points, 200 and 100 random points."
    )
    return run("update", fn, update_cases(), check_update, covered)


def lloyd_cases():
    """Smallest first; every run keeps all its clusters non-empty."""
    X = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
    yield Case(
        "four points, two clusters",
        {"X": X, "init_centers": [[0.0, 0.0], [10.0, 1.0]], "max_iter": 10},
    )
    blobs = make_blobs(60, 3, random_state=3)[0]
    start = blobs[np.argsort(blobs[:, 0])[:3]]  # the three leftmost points
    for max_iter in (1, 2):
        yield Case(
            f"three blobs from a poor start, max_iter={max_iter}",
            {"X": blobs, "init_centers": start, "max_iter": max_iter},
        )
    yield Case(
        "three blobs from a poor start, max_iter=100 (until the "
        "labels stop changing)",
        {"X": blobs, "init_centers": start, "max_iter": 100},
    )
    ints = np.array([[0, 0], [1, 0], [0, 2], [9, 9], [8, 9], [9, 7]])
    yield Case(
        "integer input",
        {"X": ints, "init_centers": ints[[0, 1]], "max_iter": 20},
    )
    f32 = np.array([[0, 0], [1, 0], [6, 5], [5, 6], [6, 6]], np.float32)
    yield Case(
        "float32 input", {"X": f32, "init_centers": f32[[0, 2]], "max_iter": 20}
    )
    big = make_blobs(300, 5, random_state=4)[0]
    yield Case(
        "300 seeded random points, k = 5, max_iter=300",
        {"X": big, "init_centers": big[:5], "max_iter": 300},
    )


def lloyd_key(X, init_centers, max_iter):
    """kmlib.lloyd with tol=0: stop when the labels stop changing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return key_lloyd(X, init_centers, max_iter=max_iter, tol=0)


def check_lloyd_output(value, n, k, d):
    """Contract: ``(centers (k, d), labels (n,))``, in that order."""
    centers, labels = as_tuple(value, ("centers", "labels"))
    if np.shape(centers) == (n,) and np.shape(labels) == (k, d) and n != k:
        raise wrong("return (centers, labels), in that order")
    centers = as_array(centers, "centers", (k, d))
    labels = as_array(labels, "labels", (n,), kind="int")
    if labels.min() < 0 or labels.max() >= k:
        raise wrong(f"labels must lie in 0..{k - 1}; got {show(labels)}")
    return centers, labels


def iterations_done(X, init_centers, centers, rtol, atol) -> str:
    """Which number of iterations gives the learner's centres, if any."""
    for i in range(6):
        if i == 0:
            ref = np.asarray(init_centers, float)
        else:
            ref = lloyd_key(X, init_centers, i).centers
        if not close_mask(centers, ref, rtol, atol).any():
            if i == 0:
                return "\nThese are the initial centres: nothing was updated."
            return f"\nYour centres are those after {i} iteration(s)."
    return ""


def check_lloyd(learner, case):
    """Centres as kmlib.lloyd(tol=0); labels of them (or, cut off, of the last
    assignment)."""
    X, init = case.args["X"], case.args["init_centers"]
    max_iter = case.args["max_iter"]
    (n, d), k = np.shape(X), len(init)
    centers, labels = check_lloyd_output(learner(X, init, max_iter), n, k, d)
    key = lloyd_key(X, init, max_iter)
    rtol, atol = max(rtol_for(X), 1e-7), 1e-9 * scale_of(X)
    bad = close_mask(centers, key.centers, rtol, atol)
    if bad.any():
        raise wrong(
            describe_inputs(case.args)
            + f"\ncenters differ (kmlib ran {key.n_iter} iteration(s)):\n"
            + differing_rows(bad, {"expected": key.centers, "got": centers})
            + iterations_done(X, init, centers, rtol, atol)
        )
    if np.array_equal(labels, key.labels):
        return
    if not key.converged:  # stopped by max_iter
        means = key_update(X, labels, k)
        if not close_mask(means, centers, rtol, atol).any():
            return  # the labels the final centres are the means of
    compare_labels(labels, key.labels, "labels (of the returned centres)")


def has_nan(value) -> bool:
    """Whether an array-like of numbers holds a NaN (False if not numbers)."""
    try:
        return bool(np.isnan(np.asarray(value, dtype=np.float64)).any())
    except (TypeError, ValueError):
        return False


def lloyd(fn):
    """Check ``fn(X, init_centers, max_iter) -> (centers, labels)``.

    The answer key is :func:`kmlib.lloyd` ``(X, init_centers,
    max_iter=max_iter, tol=0)``: assign, update, and stop when the labels
    stop changing or after ``max_iter`` iterations. Accepted: centres within
    1e-7 relative of kmlib's (1e-5 for float32 input); labels equal to
    kmlib's (the nearest of the returned centres) or, when the run was cut
    off by ``max_iter``, the labels whose means are the returned centres
    (the last assignment). Cases, smallest first: four points; three blobs
    from the three leftmost points with ``max_iter`` 1, 2 and 100; int and
    float32 input; 300 seeded points with k = 5. No cluster ever empties in
    these runs, so any empty-cluster policy passes.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_lloyd``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "7 cases: four points, three blobs with max_iter 1, 2 and 100, int "
        "and float32 input, 300 random points with k = 5."
    )
    return run("lloyd", fn, lloyd_cases(), check_lloyd, covered)
