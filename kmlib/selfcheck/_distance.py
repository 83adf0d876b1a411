"""Checkers for Chapter 1: ``euclidean`` and ``nearest``."""

from __future__ import annotations

import numpy as np

from .._distance import euclidean as key_euclidean
from .._distance import nearest as key_nearest
from ._contract import (
    as_array,
    as_tuple,
    compare_floats,
    compare_labels,
    describe_inputs,
    format_number,
    rtol_for,
    show,
)
from ._core import Case, Failure, run, wrong


def euclidean_cases():
    """Smallest first: hand-made points, then dtypes, offsets, seeded data."""
    rng = np.random.default_rng(12)
    far = 1e8
    yield Case("a 3-4-5 triangle", {"a": [0.0, 0.0], "b": [3.0, 4.0]})
    yield Case("one coordinate, negative values", {"a": [-1.0], "b": [2.0]})
    yield Case("the same point twice", {"a": [1.5, -2, 7], "b": [1.5, -2, 7]})
    yield Case("integer input (lists of int)", {"a": [3, 4], "b": [5, 1]})
    f32 = np.float32
    yield Case(
        "float32 input",
        {"a": np.array([1, 2, 3], f32), "b": np.array([4, 6, 3], f32)},
    )
    yield Case(
        "far from the origin (coordinates near 1e8)",
        {"a": [far + 3, far], "b": [far, far + 4]},
    )
    yield Case(
        "50 seeded random coordinates",
        {"a": rng.normal(size=50), "b": rng.normal(size=50)},
    )


def check_euclidean(learner, case):
    """Contract (one real number), then the value within a tolerance."""
    a, b = case.args["a"], case.args["b"]
    got = learner(a, b)
    if np.ndim(got) != 0 or np.asarray(got).dtype.kind not in "iuf":
        raise wrong(
            describe_inputs(case.args) + "\nreturn one number (a float); "
            f"got {show(got)}, of shape {np.shape(got)}: "
            "did you forget to sum over the coordinates?"
        )
    expected = key_euclidean(a, b)
    got = float(got)
    if abs(got - expected) <= rtol_for(a, b) * expected + 1e-12:
        return
    diff = np.asarray(a, float) - np.asarray(b, float)
    message = (
        describe_inputs(case.args)
        + f"\nexpected {format_number(expected)}, got {format_number(got)}"
    )
    if np.isclose(got, expected**2):
        message += "\nThat is the squared distance: take the square root."
    elif np.isclose(got, np.abs(diff).sum()):
        message += "\nThat is the Manhattan distance (the sum of |a - b|)."
    elif "far" in case.title:
        message += (
            "\nFar from the origin, a**2 - 2ab + b**2 cancels: compute the "
            "differences a - b first."
        )
    raise wrong(message)


def euclidean(fn):
    """Check ``fn(a, b) -> float``, the Euclidean distance of two points.

    Cases, smallest first: a 3-4-5 triangle, one coordinate, the same point
    twice (0), integer lists, float32 arrays, points near 1e8 (where the
    expanded formula cancels) and 50 seeded random coordinates. Accepted:
    any real number within 1e-9 relative (1e-5 for float32 input) of
    :func:`kmlib.euclidean`.

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_euclidean``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "7 cases: a 3-4-5 triangle, one coordinate, the same point, int and "
        "float32 input, points near 1e8, 50 random coordinates."
    )
    return run("euclidean", fn, euclidean_cases(), check_euclidean, covered)


def nearest_cases():
    """The checks of the book's former ``check_nearest``, smallest first."""
    tiny_X, tiny_C = [[0, 0], [3, 4], [1, 0]], [[0, 0], [3, 3]]
    yield Case("three points, two centres", {"X": tiny_X, "C": tiny_C})
    tie_X = np.array([[1.0, 0.0], [0.0, 0.0], [2.0, 1.0]])
    tie_C = np.array([[2.0, 0.0], [0.0, 0.0]])
    yield Case("a point exactly between two centres", {"X": tie_X, "C": tie_C})
    ints = np.array([[0, 0], [5, 1], [2, 9], [7, 7]])
    yield Case("integer input", {"X": ints, "C": ints[[1, 2]]})
    f32 = np.array([[0.5, 1.0], [3.0, 2.5], [1.0, 1.0]], dtype=np.float32)
    yield Case("float32 input", {"X": f32, "C": f32[[0, 1]]})
    rng = np.random.default_rng(7)  # as the book's check_nearest
    X, C = rng.normal(size=(500, 5)), rng.normal(size=(6, 5))
    for chunk in (100, 1, 7, 1000):
        title = f"500 random points, 6 centres, chunk_size={chunk}"
        yield Case(title, {"X": X, "C": C, "chunk_size": chunk})
    title = "duplicated centres (ties go to the lowest index)"
    yield Case(title, {"X": X, "C": np.vstack([C, C]), "chunk_size": 100})
    title = "far from the origin (every coordinate + 1e6)"
    yield Case(title, {"X": X + 1e6, "C": C + 1e6, "chunk_size": 100})


def check_nearest_output(case, value, n, k):
    """Contract: ``(labels, sq_dists)``, int labels in [0, k), finite floats."""
    labels, sq = as_tuple(value, ("labels", "sq_dists"))
    labels = as_array(labels, "labels", (n,), kind="int")
    sq = as_array(sq, "sq_dists", (n,))
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise wrong(f"labels must lie in 0..{k - 1}; got {show(labels)}")
    if (sq < 0).any():
        raise wrong(f"squared distances cannot be negative: {show(sq)}")
    return labels, sq


def nearest_diagnosis(X, C, labels, sq, ref_labels):
    """A sentence on a typical mistake behind wrong labels, if one fits."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    if np.array_equal(labels, d2.argmax(axis=1)) and C.shape[0] > 1:
        return "These are the *farthest* centres: use argmin, not argmax."
    last = C.shape[0] - 1 - d2[:, ::-1].argmin(axis=1)
    if np.array_equal(labels, last):
        return "On a tie, the lowest index must win (argmin keeps the first)."
    return ""


def check_nearest(learner, case):
    """Labels equal kmlib's; squared distances close, or exact far away."""
    X, C = case.args["X"], case.args["C"]
    chunk = case.args.get("chunk_size", 100)
    n, k = np.shape(X)[0], np.shape(C)[0]
    labels, sq = check_nearest_output(
        case, learner(X, C, chunk_size=chunk), n, k
    )
    Xf, Cf = np.asarray(X, float), np.asarray(C, float)
    if "far" in case.title:  # the winner's distance, from x - c
        direct = ((Xf - Cf[labels]) ** 2).sum(axis=1)
        try:
            compare_floats(sq, direct, "sq_dists", 1e-9, 0.0)
        except Failure as failure:
            failure.message += (
                "\nFar from the origin the identity cancels: recompute the "
                "winner's squared distance directly from x_i - c_l."
            )
            raise
        return
    ref_labels, ref_sq = key_nearest(X, C)
    try:
        compare_labels(labels, ref_labels, X=Xf if n <= 20 else None)
    except Failure as failure:
        hint = nearest_diagnosis(X, C, labels, sq, ref_labels)
        failure.message = describe_inputs(case.args) + "\n" + failure.message
        failure.message += "\n" + hint if hint else ""
        raise
    if np.allclose(sq, np.sqrt(ref_sq)) and not np.allclose(sq, ref_sq):
        raise wrong("sq_dists are distances: return their squares.")
    rtol = max(rtol_for(X, C), 1e-7)
    compare_floats(sq, ref_sq, "sq_dists", rtol, 1e-9)


def nearest(fn):
    """Check ``fn(X, C, chunk_size=100) -> (labels, sq_dists)``.

    The checks of the book's former ``check_nearest``, plus small cases
    first: three points; a point exactly between two centres (the lowest
    index wins); integer and float32 input; 500 seeded random points in 5-D
    with 6 centres, for ``chunk_size`` 100, 1, 7 and 1000; the centres
    duplicated (every point ties: the lowest index wins); and everything
    shifted by 1e6, where the squared distance of the winner must be
    recomputed from ``x - c`` (within 1e-9 relative of that recomputation).
    Labels must equal :func:`kmlib.nearest`'s exactly (int dtype); squared
    distances within 1e-7 relative (1e-5 for float32 input).

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_nearest``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "11 cases: small ones, a tie, int and float32 input, 500 random "
        "points with chunk_size 100, 1, 7 and 1000, duplicated centres "
        "(ties) and data far from the origin."
    )
    return run("nearest", fn, nearest_cases(), check_nearest, covered)
