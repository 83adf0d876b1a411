"""Checker for Chapter 4: ``silhouette_samples``."""

from __future__ import annotations

import numpy as np

from .._choosing_k import silhouette_samples as key_silhouette
from ._contract import (
    as_array,
    close_mask,
    describe_inputs,
    differing_rows,
    rtol_for,
)
from ._core import Case, run, table_cases, wrong

#: (title, X, labels): hand-made cases of the silhouette.
SILHOUETTE_TABLE = (
    ("the book's example: A = {0, 2, 3}, B = {7, 9}",
     [[0.0], [2.0], [3.0], [7.0], [9.0]], [0, 0, 0, 1, 1]),
    ("a singleton cluster (its silhouette is 0)",
     [[0.0], [1.0], [5.0], [6.0], [20.0]], [0, 0, 1, 1, 2]),
    ("labels in any order",
     [[0.0, 0.0], [5.0, 5.0], [0.0, 1.0], [6.0, 5.0], [9.0, 0.0], [9.0, 1.0]],
     [1, 0, 1, 0, 2, 2]),
    ("duplicate points", [[0.0], [0.0], [0.0], [3.0]], [0, 0, 1, 1]),
    ("all points equal (a = b = 0 gives 0)", [[1.0, 1.0]] * 4, [0, 0, 1, 1]),
    ("integer input", np.array([[0, 0], [1, 2], [8, 8], [9, 7], [4, 4]]),
     [0, 0, 1, 1, 1]),
    ("float32 input", np.array([[0.5], [1.0], [4.0], [4.5], [2.0]],
     np.float32), [0, 0, 1, 1, 0]),
)  # fmt: skip


def silhouette_cases():
    """Smallest first: the book's example, a singleton, duplicates, dtypes."""
    yield from table_cases(("X", "labels"), SILHOUETTE_TABLE)
    rng = np.random.default_rng(41)
    for n, d, k in ((40, 2, 3), (150, 3, 4)):
        labels = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
        X = rng.normal(size=(n, d)) + 3.0 * labels[:, None]
        yield Case(
            f"{n} seeded random points in {d}-D, {k} clusters",
            {"X": X, "labels": labels},
        )


def silhouette_parts(D, labels, divide_by_size=False):
    """``s`` from a distance matrix (the definition, written out)."""
    labels = np.asarray(labels)
    ks, own = np.unique(labels, return_inverse=True)
    sizes = np.bincount(own)[own]
    means = np.stack([D[:, own == c].mean(axis=1) for c in range(len(ks))], 1)
    rows = np.arange(len(labels))
    a = means[rows, own]
    if not divide_by_size:
        a = a * sizes / np.maximum(sizes - 1, 1)
    means[rows, own] = np.inf
    b = means.min(axis=1)
    top = np.maximum(a, b)
    s = np.divide(b - a, top, out=np.zeros_like(a), where=top > 0)
    return s, sizes


def variants(X, labels) -> dict:
    """Typical mistakes, computed on this case: explanation -> s."""
    X = np.asarray(X, dtype=np.float64)
    sq = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    s_self, sizes = silhouette_parts(np.sqrt(sq), labels, True)
    s_one, _ = silhouette_parts(np.sqrt(sq), labels)
    s_sq, _ = silhouette_parts(sq, labels)
    return {
        "a(i) was averaged with the point itself: divide by |C| - 1, "
        "not |C|.": np.where(sizes > 1, s_self, 0.0),
        "A point alone in its cluster must get s = 0.": np.where(
            sizes > 1, s_one, 1.0
        ),
        "These come from squared distances: the silhouette uses plain "
        "distances.": np.where(sizes > 1, s_sq, 0.0),
    }


def check_silhouette(learner, case):
    """Shape (n,), finite, then within tolerance of kmlib's."""
    X, labels = case.args["X"], case.args["labels"]
    n = len(labels)
    s = as_array(learner(X, labels), "s", (n,))
    expected = key_silhouette(X, labels)
    rtol = rtol_for(X)
    bad = close_mask(s, expected, rtol, rtol)
    if not bad.any():
        return
    message = (
        describe_inputs(case.args)
        + "\nsilhouettes differ:\n"
        + differing_rows(bad, {"expected": expected, "got": s})
    )
    for explanation, variant in variants(X, labels).items():
        if not close_mask(s, variant, 1e-6, 1e-6).any():
            message += "\n" + explanation
            break
    raise wrong(message)


def silhouette_samples(fn):
    """Check ``fn(X, labels) -> s``, the silhouette of every point.

    ``s`` of shape ``(n,)``, finite, within 1e-9 (1e-5 for float32 input)
    of :func:`kmlib.silhouette_samples`: Euclidean distances, ``a(i)`` the
    mean distance to the *other* points of its cluster, ``b(i)`` the
    smallest mean distance to another cluster, ``s = 0`` for a point alone
    in its cluster and where ``a = b = 0``. Cases, smallest first: the
    book's example on the line, a singleton cluster, labels in any order,
    duplicate points, all points equal, int and float32 input, 40 and 150
    seeded random points.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_silhouette_samples``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "9 cases: the book's example, a singleton (s = 0), labels in any "
        "order, duplicate and equal points, int and float32 input, 40 and "
        "150 random points."
    )
    return run(
        "silhouette_samples", fn, silhouette_cases(), check_silhouette, covered
    )
