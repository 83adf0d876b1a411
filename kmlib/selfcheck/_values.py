"""Answer keys of the exercises whose answer is a number, an array or code.

Every key is computed here with kmlib and numpy (the data sets the chapters
make with :mod:`kmlib.datasets`), never copied from the book's output.
"""

from __future__ import annotations

import math

import numpy as np

from .._choosing_k import silhouette_samples
from .._dbscan import dbscan
from .._distance import euclidean, nearest
from .._metrics import adjusted_rand_score
from .._parallel import kmeans_parallel
from .._quantize import mse, quantize
from ..datasets import make_blobs, make_circles, make_moons, make_uniform_noise
from ._contract import as_array, compare_floats, format_number, show
from ._core import Case, Failure, wrong


def numbers(answer, count: int, form: str) -> np.ndarray:
    """``answer`` as ``count`` finite floats, or a message with the form."""
    try:
        values = np.asarray(answer, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        values = None
    if values is None or values.size != count or not np.isfinite(values).all():
        raise wrong(f"the answer must be {form}; got {show_answer(answer)}")
    return values


def show_answer(answer) -> str:
    if isinstance(answer, str):
        return repr(answer)
    try:
        return show(answer)
    except Exception:  # anything the learner typed
        return repr(answer)


def near(got, key, atol: float, what: str) -> None:
    """Raise if ``got`` is not within ``atol`` of ``key`` (element-wise)."""
    got, key = np.atleast_1d(got), np.atleast_1d(key)
    if np.any(np.abs(got - key) > atol):
        raise wrong(f"{what}: got {show(got, 4)}, which is not right")


# Chapter 1 -----------------------------------------------------------------


def manhattan(answer) -> str:
    """(d1, x, a, b): d1(A, B), then a point and two centres that disagree."""
    if not isinstance(answer, tuple | list) or len(answer) != 4:
        raise wrong("the answer must be the tuple (d1, x, a, b)")
    d1 = numbers(answer[0], 1, "d1, one number")[0]
    A, B = np.array([3.0, 4.0]), np.array([5.0, 1.0])
    near(d1, np.abs(A - B).sum(), 1e-9, "d1(A, B)")
    x, a, b = (np.asarray(v, dtype=np.float64) for v in answer[1:])
    if not (x.shape == a.shape == b.shape and x.ndim == 1):
        raise wrong("x, a and b must be points with the same coordinates")
    euclid = euclidean(x, a) - euclidean(x, b)
    taxi = np.abs(x - a).sum() - np.abs(x - b).sum()
    if not euclid * taxi < 0:
        raise wrong(
            f"for these points Euclid says {euclid:+.4g} and Manhattan "
            f"{taxi:+.4g} (distance to a minus distance to b): they must have "
            "opposite signs, with no tie"
        )
    return "d1(A, B) = 5, and your x, a, b make the two distances disagree."


def min_max_key(W) -> np.ndarray:
    W = np.asarray(W, dtype=np.float64)
    return (W - W.min(axis=0)) / (W.max(axis=0) - W.min(axis=0))


def cancellation(answer) -> str:
    """(predicted s, p found by experiment, kmlib.nearest's value there)."""
    s, p, value = numbers(answer, 3, "the tuple (s, p, d)")
    predicted = 1 / math.sqrt(2 * np.finfo(float).eps)
    if not predicted / 2 <= s <= predicted * 2:
        raise wrong(
            f"the predicted shift s = {s:.3g} is off: the error 2*eps*s**2 "
            "reaches the answer 1 when s is about 1/sqrt(2*eps)"
        )
    key_p = next(q for q in range(60) if identity(2.0**q) == 0.0)
    near(p, key_p, 0, "the first p with no correct digit")
    shift = 2.0**key_p
    key_value = nearest([[shift + 1, shift]], [[shift, shift]])[1][0]
    near(value, key_value, 1e-12, "kmlib.nearest's squared distance at 2**p")
    return (
        f"s is about {predicted:.2g}; from 2**{key_p} on the identity "
        f"returns 0, while kmlib.nearest still returns {key_value:g}."
    )


def identity(s: float) -> float:
    """|x|^2 - 2 x.c + |c|^2 for x = (s + 1, s), c = (s, s), in floats."""
    x, c = (s + 1.0, s), (s, s)
    return (
        x[0] ** 2
        + x[1] ** 2
        - 2 * (x[0] * c[0] + x[1] * c[1])
        + (c[0] ** 2 + c[1] ** 2)
    )


def cube(answer, d: int = 50) -> str:
    """(mean squared distance, mean distance) for d = 50, by simulation."""
    mean_sq, mean_dist = numbers(answer, 2, "the tuple (mean_sq, mean_dist)")
    rng = np.random.default_rng(2026)
    sq = np.concatenate(
        [
            ((rng.random((10_000, d)) - rng.random((10_000, d))) ** 2).sum(1)
            for _ in range(10)
        ]
    )
    if abs(mean_sq - d / 6) > 0.02 * d / 6:
        raise wrong(
            f"the mean squared distance {mean_sq:.4g} is not close to the "
            f"theory's d/6 = {d / 6:.4g} (within 2 %)"
        )
    key = np.sqrt(sq).mean()
    if abs(mean_dist - key) > 0.006:
        extra = ""
        if abs(mean_dist - math.sqrt(d / 6)) < 1e-3:
            extra = (
                ": that is sqrt(d/6) itself, but the mean of a square root "
                "is a little smaller than the square root of the mean"
            )
        raise wrong(f"the mean distance {mean_dist:.4f} is off{extra}")
    return (
        f"mean squared distance d/6 = {d / 6:.3f}; the mean distance, "
        f"about {key:.3f}, is a little below sqrt(d/6) = "
        f"{math.sqrt(d / 6):.3f}."
    )


#: c0, c1, c2 of Chapter 1's Try it widget (the chapter's ``centers3``).
TRY_CENTERS = np.array([[1.0, 4.0], [5.0, 4.5], [4.0, 0.5]])


def widget_tie(answer) -> str:
    """(point, label): the midpoint of c0 and c1, and kmlib.nearest's label."""
    form = "the tuple (point, label), with point = (x, y)"
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise wrong(f"the answer must be {form}; got {show_answer(answer)}")
    point = numbers(answer[0], 2, form)
    label = numbers(answer[1], 1, form)[0]
    mid = (TRY_CENTERS[0] + TRY_CENTERS[1]) / 2
    key = int(nearest(mid[None, :], TRY_CENTERS)[0][0])
    if np.abs(point - mid).max() > 1e-9:
        d0, d1 = ((TRY_CENTERS[:2] - point) ** 2).sum(axis=1)
        raise wrong(
            f"{show(point)} is not halfway between c0 = {show(TRY_CENTERS[0])}"
            f" and c1 = {show(TRY_CENTERS[1])}: its squared distances to "
            f"them are {d0:g} and {d1:g} (the midpoint is their mean)"
        )
    if label != key:
        raise wrong(
            f"kmlib.nearest picks c{key} for {show(mid)}, not "
            f"c{format_number(label)}: the two distances are exactly equal, "
            "and a tie goes to the lowest index"
        )
    return (
        f"the midpoint {show(mid)} is exactly as far from c0 as from c1, and "
        f"kmlib.nearest (like the widget) picks c{key}: the lowest index."
    )


# Chapter 2 -----------------------------------------------------------------


def mean_only(answer) -> str:
    """(f(1), f(mean), the m minimising sum |x - m|) for S = {0, 1, 5}."""
    f1, f_mean, m_abs = numbers(answer, 3, "the tuple (f(1), f(mean), m)")
    S = np.array([0.0, 1.0, 5.0])
    f = lambda m: float(((S - m) ** 2).sum())  # noqa: E731
    near(f1, f(1.0), 1e-9, "f(1)")
    near(f_mean, f(S.mean()), 1e-9, "f at the mean")
    if abs(m_abs - np.median(S)) > 1e-9:
        raise wrong(
            f"m = {format_number(m_abs)} does not minimise the sum of |x - m|"
            f" (it gives {np.abs(S - m_abs).sum():g}; try the median)"
        )
    return (
        f"f(1) = {f(1.0):g}, f({S.mean():g}) = {f(S.mean()):g}: the "
        f"difference {f(1.0) - f(S.mean()):g} = |S| (mean - 1)^2; the median "
        "minimises the absolute distances."
    )


def restarts(answer) -> str:
    """(p, n_init): n_init must follow from p (the data need scikit-learn)."""
    p, n_init = numbers(answer, 2, "the tuple (p, n_init)")
    if not 0 < p <= 1:
        raise wrong(f"p = {p:g} must be a probability in (0, 1]")
    key = 1 if p == 1 else math.ceil(math.log(0.01) / math.log(1 - p))
    if n_init != key:
        raise wrong(
            f"with p = {p:g}, the smallest n with (1 - p)**n <= 0.01 is "
            f"{key}, not {format_number(n_init)}"
        )
    return (
        f"n_init = {key} follows from your p = {p:g}. (Your p itself is "
        "not checked: it comes from the chapter's scikit-learn blobs.)"
    )


def standardize_key(X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return (X - X.mean(axis=0)) / X.std(axis=0)


# Chapter 3 -----------------------------------------------------------------


def by_hand_plusplus(answer) -> str:
    """The D² probabilities of the second and third centre, 4 numbers each."""
    got = numbers(answer, 8, "two lists of 4 probabilities (8 numbers)")
    x = np.array([[0.0], [1.0], [2.0], [10.0]])
    keys = []
    for chosen in ([0], [0, 3]):
        d2 = nearest(x, x[chosen])[1]
        keys.append(d2 / d2.sum())
    for part, key, title in zip(
        (got[:4], got[4:]), keys, ("second", "third"), strict=True
    ):
        if np.abs(part - key).max() > 1e-3:
            raise wrong(
                f"the probabilities of the {title} centre, {show(part, 4)}, "
                "are not D(x)^2 / sum D^2 (D: the distance to the nearest "
                "chosen centre)"
            )
    return f"P(second) = {show(keys[0], 4)}, P(third) = {show(keys[1], 4)}."


def farthest_key(X, k, first) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    chosen = [first]
    for _ in range(1, k):
        chosen.append(int(np.argmax(nearest(X, X[chosen])[1])))
    return X[chosen]


def outlier_blobs() -> np.ndarray:
    blobs = make_blobs(60, 3, random_state=8)[0]
    return np.vstack([blobs, [[60.0, 60.0]]])


# Chapter 4 -----------------------------------------------------------------


def by_hand_silhouette(answer) -> str:
    """a, b, s of the point 3 and of the point 7 (2 x 3 numbers)."""
    got = numbers(answer, 6, "(a, b, s) for the point 3, then for 7").reshape(
        2, 3
    )
    X = np.array([[0.0], [2.0], [3.0], [7.0], [9.0]])
    labels = np.array([0, 0, 0, 1, 1])
    s = silhouette_samples(X, labels)
    for row, i in zip(got, (2, 3), strict=True):
        own, other = labels == labels[i], labels != labels[i]
        dist = np.abs(X[:, 0] - X[i, 0])
        a = dist[own].sum() / (own.sum() - 1)
        b = dist[other].mean()
        near(row, [a, b, s[i]], 1e-3, f"(a, b, s) of the point {X[i, 0]:g}")
    return f"s(3) = {s[2]:.4g} and s(7) = {s[3]:.4g}: 7 sits more comfortably."


# Chapter 5 -----------------------------------------------------------------

CORE_EPS = (0.05, 0.1, 0.14, 0.2)


def core_count(answer) -> str:
    """The number of core points for eps in CORE_EPS, m = 5, on the moons."""
    got = numbers(answer, 4, f"4 counts, for eps = {CORE_EPS}")
    X = make_moons(200, noise=0.05, random_state=0)[0]
    key = [int(dbscan(X, e, 5, return_core=True)[1].sum()) for e in CORE_EPS]
    bad = np.flatnonzero(got != key)
    if bad.size:
        raise wrong(
            f"for eps = {CORE_EPS[bad[0]]} you counted "
            f"{format_number(got[bad[0]])} core points: count the points whose "
            "k-distance with k = m - 1 = 4 is <= eps"
        )
    return f"core points: {key}."


def noise_data() -> np.ndarray:
    blobs = make_blobs(300, 3, random_state=2)[0]
    noise = make_uniform_noise(60, low=-12.0, high=12.0, random_state=2)
    return np.vstack([blobs, noise])


def noise_points(answer) -> str:
    """(eps, min_samples, how many of the 60 added points are noise)."""
    eps, m, count = numbers(answer, 3, "the tuple (eps, min_samples, count)")
    labels = dbscan(noise_data(), eps, int(m))
    key = int((labels[300:] == -1).sum())
    if count != key:
        raise wrong(
            f"with eps = {eps:g} and min_samples = {int(m)}, DBSCAN labels "
            f"{key} of the 60 added points as noise, not {format_number(count)}"
        )
    if key < 30 or (labels[:300] == -1).sum() > 30:
        raise wrong(
            f"eps = {eps:g} does not separate noise from the blobs ({key} of "
            f"60 added points and {(labels[:300] == -1).sum()} of 300 blob "
            "points are noise): read eps at the knee of the k-distance plot"
        )
    return f"{key} of the 60 added points are noise for eps = {eps:g}."


def first_three_clusters():
    """The first eps of 0.1, 0.2, ... (the widget's stops) with 3 clusters."""
    X = noise_data()
    for i in range(1, 101):
        labels = dbscan(X, i / 10, 5)
        if labels.max() + 1 == 3:
            return i / 10, labels
    raise AssertionError("no eps up to 10 gives three clusters")


def widget_three(answer) -> str:
    """(eps, count): the first eps with three clusters, noise among the 60."""
    eps, count = numbers(answer, 2, "the tuple (eps, count)")
    key_eps, labels = first_three_clusters()
    key = int((labels[300:] == -1).sum())
    if abs(eps - key_eps) > 1e-9:
        found = int(dbscan(noise_data(), eps, 5).max() + 1) if eps > 0 else 0
        if found == 3:
            raise wrong(
                f"eps = {eps:g} finds three clusters, but it is not the "
                f"smallest: {key_eps:g} already does (slide eps up from 0.1)"
            )
        raise wrong(
            f"with eps = {eps:g} and min_samples = 5, DBSCAN finds {found} "
            "cluster(s), not 3"
        )
    if count != key:
        extra = ""
        if count == (labels[:300] == -1).sum():
            extra = ": that is the noise among the 300 blob points"
        elif count == (labels == -1).sum():
            extra = ": that is all the noise; count only the last 60 rows"
        raise wrong(
            f"with eps = {key_eps:g}, DBSCAN labels {key} of the 60 added "
            f"points as noise, not {format_number(count)}{extra}"
        )
    return (
        f"eps = {key_eps:g} is the first with three clusters; {key} of the 60 "
        f"added points and {(labels[:300] == -1).sum()} of the 300 blob "
        "points are noise: the clusters are the blobs' dense cores."
    )


def rings(answer) -> str:
    """(eps, min_samples) for which DBSCAN separates the two rings."""
    eps, m = numbers(answer, 2, "the tuple (eps, min_samples)")
    X, y = make_circles(200, noise=0.05, factor=0.5, random_state=0)
    labels = dbscan(X, eps, int(m))
    ari = adjusted_rand_score(y, labels)
    if ari < 1 - 1e-9:
        raise wrong(
            f"with eps = {eps:g}, min_samples = {int(m)}: {labels.max() + 1} "
            f"cluster(s), {(labels == -1).sum()} noise points, ARI {ari:.3f}"
        )
    return f"eps = {eps:g}, min_samples = {int(m)} give the two rings (ARI 1)."


# Chapter 6 -----------------------------------------------------------------

RAMP_KS = (2, 4, 8, 16, 32)


def grey_ramp(answer) -> str:
    """MSE(K) / MSE(2K) for K = 2, 4, 8, 16 on the grey ramp."""
    got = numbers(answer, 4, "the 4 ratios MSE(K)/MSE(2K), K = 2, 4, 8, 16")
    ramp = np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 16, axis=0)
    ramp = np.repeat(ramp, 3, axis=2)
    errors = np.array(
        [
            mse(quantize(ramp, k, sample_size=None, random_state=0)[0], ramp)
            for k in RAMP_KS
        ]
    )
    key = errors[:-1] / errors[1:]
    near(got, key, 0.25, "the ratios (kmlib gets " + show(key, 2) + ")")
    return f"ratios {show(key, 2)}: close to 2**(2/1) = 4, for d = 1."


def decibels(answer) -> str:
    """The dB of PSNR added per doubling of K, for d = 1, 2 and 3."""
    got = numbers(answer, 3, "3 numbers: the dB per doubling for d = 1, 2, 3")
    key = np.array([2 / d * 10 * math.log10(2) for d in (1, 2, 3)])
    near(got, key, 0.01, "the decibels per doubling")
    return f"{show(key, 3)} dB per doubling: 6.02/d."


# Chapter 7 -----------------------------------------------------------------

PASS_SECONDS, BIG_K, ROUNDS = 100.0, 1000, 5


def seeding_passes() -> tuple[int, int]:
    """Passes to seed BIG_K centres: k-means++, and k-means|| in ROUNDS.

    k-means++ draws its first centre without a pass and needs one per
    centre after it; kmeans_parallel counts its own passes, which do not
    depend on the data or on k (a small data set is enough).
    """
    X = make_blobs(30, 3, random_state=0)[0]
    seeding = kmeans_parallel(X, 3, rounds=ROUNDS, random_state=0)
    return BIG_K - 1, seeding.n_passes


def passes(answer) -> str:
    """(t_plusplus, t_parallel) in seconds for k = 1000 at 100 s a pass."""
    got = numbers(answer, 2, "the tuple (t_plusplus, t_parallel)")
    counts = seeding_passes()
    keys = [count * PASS_SECONDS for count in counts]
    hours = [key / 3600 for key in keys]
    why = (
        ": the first centre is drawn without a pass, each of the other "
        f"{BIG_K - 1} needs one",
        f": after the {ROUNDS} rounds, one more pass weights the candidates "
        "(how many points are nearest to each)",
    )
    for value, key, hour, name, reason, rounds_only in zip(
        got, keys, hours, ("k-means++", "k-means||"), why,
        (BIG_K * PASS_SECONDS, ROUNDS * PASS_SECONDS), strict=True,
    ):  # fmt: skip
        if abs(value - key) <= 1e-9 * key:
            continue
        extra = reason if value == rounds_only else ""
        if abs(value - hour) <= 0.01 * hour or abs(value - key / 60) <= 0.1:
            extra = ": give the time in seconds"
        raise wrong(f"{name}: {format_number(value)} s is not right{extra}")
    return (
        f"k-means++ needs {counts[0]} passes, {keys[0]:g} s (about "
        f"{hours[0]:.0f} hours); k-means|| {counts[1]} passes, {keys[1]:g} s."
    )


VALUE_CHECKS = {
    "ch1-ex-manhattan": manhattan,
    "ch1-ex-cancellation": cancellation,
    "ch1-ex-cube": cube,
    "ch1-ex-try-tie": widget_tie,
    "ch2-ex-mean": mean_only,
    "ch2-ex-restarts": restarts,
    "ch3-ex-by-hand": by_hand_plusplus,
    "ch4-ex-by-hand": by_hand_silhouette,
    "ch5-ex-core-count": core_count,
    "ch5-ex-noise": noise_points,
    "ch5-ex-circles": rings,
    "ch5-ex-try-three": widget_three,
    "ch6-ex-grey": grey_ramp,
    "ch6-ex-db": decibels,
    "ch7-ex-passes": passes,
}


def check_value(label: str, answer):
    """(status, message) of a value answer."""
    try:
        return "correct", VALUE_CHECKS[label](answer)
    except Failure as failure:
        return failure.status, failure.message


# Exercises whose answer is a function ----------------------------------------


def table_cases():
    """Small tables for a scaling function: ints, floats, seeded data."""
    yield Case(
        "a 3 x 2 table of integers",
        {"W": np.array([[1, 10], [2, 30], [4, 20]])},
    )
    rng = np.random.default_rng(71)
    yield Case(
        "50 seeded random rows, 4 columns of different scales",
        {"W": rng.normal(size=(50, 4)) * [1, 10, 100, 1000] + 5},
    )


def scaling_check(key, name):
    """A check comparing the learner's scaling with ``key`` (same shape)."""

    def check(learner, case):
        W = case.args["W"]
        got = as_array(learner(W), name, np.shape(W))
        compare_floats(got, key(W), name, 1e-9, 1e-12)

    return check


def farthest_cases():
    """The three blobs with an outlier, from several first points."""
    X = outlier_blobs()
    yield Case(
        "4 points on a line, first = 0",
        {"X": np.array([[0.0], [1.0], [3.0], [10.0]]), "k": 3, "first": 0},
    )
    for k, first in ((3, 0), (4, 17)):
        yield Case(
            f"three blobs and an outlier, k = {k}, first = {first}",
            {"X": X, "k": k, "first": first},
        )


def check_farthest(learner, case):
    X, k, first = case.args["X"], case.args["k"], case.args["first"]
    got = as_array(learner(X, k, first), "centers", (k, np.shape(X)[1]))
    key = farthest_key(X, k, first)
    compare_floats(got, key, "centers", 1e-12, 0.0)


FUNCTION_ANSWERS = {
    "ch1-ex-scaling": (
        table_cases,
        scaling_check(min_max_key, "M"),
        "min-max scaling matches (W - min) / (max - min) on 2 tables.",
    ),
    "ch2-ex-scale": (
        table_cases,
        scaling_check(standardize_key, "Z"),
        "standardising matches (X - mean) / std on 2 tables.",
    ),
    "ch3-ex-farthest": (
        farthest_cases,
        check_farthest,
        "farthest-first matches on 3 cases (a line, blobs with an outlier).",
    ),
}
