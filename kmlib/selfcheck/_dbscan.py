"""Checker for Chapter 5: ``dbscan``, compared up to renaming."""

from __future__ import annotations

import numpy as np

from .._dbscan import dbscan as key_dbscan
from ..datasets import make_blobs, make_uniform_noise
from ._contract import as_array, describe_inputs, show
from ._core import Case, Failure, run, table_cases, wrong

#: (title, X, eps, min_samples): hand-made cases of DBSCAN.
DBSCAN_TABLE = (
    ("neighbours at exactly eps (<= eps)", [[0.0], [1.0], [2.0], [10.0]],
     1.0, 2),
    ("the point itself is in its neighbourhood",
     [[0.0], [0.5], [1.0], [10.0]], 0.75, 3),
    ("min_samples = 1: every point is a core point",
     [[0.0], [5.0], [10.0]], 1.0, 1),
    ("a point at exactly eps in 2-D (distance 5 = eps)",
     [[0.0, 0.0], [3.0, 4.0], [20.0, 20.0]], 5.0, 2),
    ("a border point within eps of two clusters (either is right)",
     [[2.0], [0.0], [0.25], [0.5], [0.75], [1.0], [3.0], [3.25], [3.5],
      [3.75], [4.0]], 1.0, 4),
    ("clusters grow through core points only, not border points",
     [[0.0], [0.25], [0.5], [0.75], [1.0], [1.9], [2.8], [3.7], [3.95],
      [4.2], [4.45], [4.7]], 1.0, 4),
    ("integer input",
     np.array([[i, j] for i in range(4) for j in range(3)] + [[9, 9]]), 1, 4),
    ("float32 input", np.array([[0, 0], [0.5, 0], [1, 0], [5, 5], [5.5, 5],
     [9, 0]], np.float32), 0.5, 2),
)  # fmt: skip


def dbscan_cases():
    """Smallest first: exactly eps, the point itself, borders, dtypes."""
    yield from table_cases(("X", "eps", "min_samples"), DBSCAN_TABLE)
    for n, seed, eps in ((60, 51, 0.9), (300, 52, 0.7)):
        blobs = make_blobs(n, 3, cluster_std=0.6, random_state=seed)[0]
        noise = make_uniform_noise(n // 10, random_state=seed)
        X = np.vstack([blobs, noise])
        yield Case(
            f"{len(X)} seeded random points (blobs and noise)",
            {"X": X, "eps": eps, "min_samples": 4},
        )


def neighbourhoods(X, eps) -> np.ndarray:
    """``within[i, j]``: is x_j within eps of x_i (i itself included)."""
    X = np.asarray(X, dtype=np.float64)
    diff = X[:, None, :] - X[None, :, :]
    return np.sqrt((diff**2).sum(axis=2)) <= eps


def point(X, i) -> str:
    return f"point {i} {show(np.asarray(X, float)[i])}"


def check_noise(X, got, expected, within, core, min_samples):
    """The noise points are exactly kmlib's (they do not depend on order)."""
    bad = np.flatnonzero((got == -1) != (expected == -1))
    if bad.size == 0:
        return
    i = bad[0]
    size = int(within[i].sum())
    if expected[i] == -1:
        raise wrong(
            f"{point(X, i)} should be noise (-1): {size} point(s) within eps "
            f"(itself included), fewer than min_samples={min_samples}, and "
            f"no core point within eps; you gave {got[i]}"
        )
    why = "a core point" if core[i] else "within eps of a core point"
    raise wrong(
        f"{point(X, i)} should be in a cluster: it is {why} ({size} point(s) "
        f"within eps, itself included); you gave -1 (noise)"
    )


def check_core(X, got, expected, core):
    """On core points, the clusterings agree up to renaming."""
    rename = {}
    for i in np.flatnonzero(core):
        mine = rename.setdefault(expected[i], got[i])
        if mine != got[i]:
            j = np.flatnonzero(core & (expected == expected[i]))[0]
            raise wrong(
                f"{point(X, j)} and {point(X, i)} are core points of one "
                f"cluster (linked through core points within eps), but you "
                f"gave them different labels ({got[j]} and {got[i]})"
            )
    names = list(rename.values())
    if len(set(names)) < len(names):
        twice = next(v for v in names if names.count(v) > 1)
        first = [i for i in np.flatnonzero(core) if got[i] == twice]
        i, j = (
            first[0],
            next(k for k in first if expected[k] != expected[first[0]]),
        )
        raise wrong(
            f"{point(X, i)} and {point(X, j)} are core points of different "
            f"clusters (no chain of core points within eps links them), but "
            f"you gave both the label {twice}: only core points are expanded"
        )
    return rename


def check_borders(X, got, expected, within, core, rename):
    """A border point takes the cluster of one of its core neighbours."""
    for i in np.flatnonzero(~core & (expected != -1)):
        allowed = {
            rename[expected[j]] for j in np.flatnonzero(within[i] & core)
        }
        if got[i] not in allowed:
            raise wrong(
                f"{point(X, i)} is a border point: it belongs to the cluster "
                f"of a core point within eps (label(s) {sorted(allowed)} in "
                f"your numbering); you gave {got[i]}"
            )


def variant_labels(within, min_samples, expand_all=False) -> np.ndarray:
    """DBSCAN on a neighbourhood matrix, in index order (for diagnoses)."""
    core = within.sum(axis=1) >= min_samples
    labels = np.full(len(within), -1)
    cluster = 0
    for i in np.flatnonzero(core):
        if labels[i] != -1:
            continue
        labels[i], stack = cluster, [i]
        while stack:
            for q in np.flatnonzero(within[stack.pop()]):
                if labels[q] == -1:
                    labels[q] = cluster
                    if core[q] or expand_all:
                        stack.append(q)
        cluster += 1
    return labels


def same_partition(a, b) -> bool:
    """Equal up to renaming the clusters (noise -1 stays -1)."""
    a, b = np.asarray(a), np.asarray(b)
    if not np.array_equal(a == -1, b == -1):
        return False
    pairs = {(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    return (
        len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})
    )


def dbscan_diagnosis(X, eps, min_samples, got) -> str:
    """A sentence on a typical mistake, if the labels fit one."""
    X = np.asarray(X, dtype=np.float64)
    dist = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    without_self = (dist <= eps) & ~np.eye(len(X), dtype=bool)
    mistakes = {
        "Use <= eps, not < eps: a point at exactly eps is a neighbour.": (
            variant_labels(dist < eps, min_samples)
        ),
        "The neighbourhood includes the point itself.": variant_labels(
            without_self, min_samples
        ),
        "Only core points are expanded: a border point joins a cluster "
        "but does not pass it on.": variant_labels(
            dist <= eps, min_samples, expand_all=True
        ),
    }
    for explanation, labels in mistakes.items():
        if same_partition(got, labels):
            return "\n" + explanation
    return ""


def check_dbscan(learner, case):
    """Noise exactly; core points up to renaming; borders to a neighbour's."""
    X, eps, m = case.args["X"], case.args["eps"], case.args["min_samples"]
    n = len(X)
    got = as_array(learner(X, eps, m), "labels", (n,), kind="int")
    if got.size and got.min() < -1:
        raise wrong(f"labels are -1 (noise) or 0, 1, ...; got {show(got)}")
    expected, core = key_dbscan(X, eps, m, return_core=True)
    within = neighbourhoods(X, eps)
    try:
        check_noise(X, got, expected, within, core, m)
        rename = check_core(X, got, expected, core)
        check_borders(X, got, expected, within, core, rename)
    except Failure as failure:
        failure.message = (
            describe_inputs(case.args)
            + f"\nexpected (kmlib, up to renaming) {show(expected)}"
            + f"\ngot {show(got)}\n"
            + failure.message
            + dbscan_diagnosis(X, eps, m, got)
        )
        raise


def dbscan(fn):
    """Check ``fn(X, eps, min_samples) -> labels`` (-1 for noise).

    A point's neighbourhood is every point at distance ``<= eps``, itself
    included; core points have at least ``min_samples`` neighbours.
    Accepted, against :func:`kmlib.dbscan`: integer labels of shape
    ``(n,)``; exactly the same noise points (-1); on core points the same
    clusters up to renaming (any cluster numbers); a border point may take
    the cluster of *any* core point within ``eps`` of it (DBSCAN gives it to
    the first that reaches it, which depends on the order of the visits).
    Cases, smallest first: neighbours at exactly eps, the point itself
    counted, ``min_samples = 1``, a point at exactly eps in 2-D, a border
    point between two clusters, two clusters linked only through border
    points, int and float32 input, 66 and 330 seeded random points (blobs
    and uniform noise).

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_dbscan``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "10 cases: neighbours at exactly eps, the point itself, "
        "min_samples = 1, a border point of two clusters, clusters linked "
        "by border points, int and float32 input, 66 and 330 random points."
    )
    return run("dbscan", fn, dbscan_cases(), check_dbscan, covered)
