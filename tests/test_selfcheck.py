"""kmlib.selfcheck: every checker passes right code and catches typical mistakes.

For each checker: "not attempted" on its starter; "correct" for kmlib's own
function, the book's solution and an independent implementation written
here differently (loops or broadcasting); "wrong" or "error", with a useful
message, on typical mistakes. Then ``check`` for every value exercise,
``hint``, and ``exercises()`` against the exercises in book/*.ipynb.
"""

from __future__ import annotations

import ast
import collections
import json
import math
import re
import types
from pathlib import Path

import numpy as np
import pytest

import kmlib
from kmlib import selfcheck
from kmlib.selfcheck import _seeding

ROOT = Path(__file__).resolve().parents[1]
BOOK = sorted((ROOT / "book").glob("0*.ipynb"))
EXERCISE = re.compile(r"```\{exercise\}\s*(.*)\n:label:\s*(\S+)")


def run_quietly(checker, fn, capsys):
    """Run a checker; return its result and what it printed."""
    result = checker(fn)
    printed = capsys.readouterr().out
    # the printed feedback is wrapped to 79 columns: compare the words
    assert " ".join(result.message.split()) in " ".join(printed.split()) or (
        result.status == "not attempted"
    )
    return result, printed


def assert_status(result, status, *words):
    assert result.status == status, result.message
    assert result.passed is (status == "correct")
    for word in words:
        assert word.lower() in result.message.lower(), (word, result.message)


# The book ------------------------------------------------------------------


def cells(path: Path) -> list:
    """The cells of a notebook, as objects with ``source`` and ``cell_type``."""
    return CELLS[path]


def _read(path: Path) -> list:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in notebook["cells"]:
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        out.append(types.SimpleNamespace(source=source, cell_type=cell["cell_type"]))
    return out


CELLS = {path: _read(path) for path in BOOK}


def book_exercises() -> dict:
    """label -> (title, chapter) of every exercise in the book."""
    found = {}
    for path in BOOK:
        text = "\n".join(c.source for c in cells(path))
        for title, label in EXERCISE.findall(text):
            found[label] = (title.strip(), int(path.name[:2]))
    return found


def solution_functions() -> dict:
    """name -> function defined in a solution of the book (defs only)."""
    namespace = {"np": np, "kmlib": kmlib, "selfcheck": selfcheck}
    names = []
    for path in BOOK:
        inside = False
        for cell in cells(path):
            if "{solution-start}" in cell.source:
                inside = True
            elif "{solution-end}" in cell.source:
                inside = False
            elif inside and cell.cell_type == "code":
                tree = ast.parse(cell.source)
                keep = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
                exec(compile(ast.Module(keep, []), str(path), "exec"), namespace)
                names += [n.name for n in keep if isinstance(n, ast.FunctionDef)]
    return {name: namespace[name] for name in names}


SOLUTIONS = solution_functions()


def starter(name: str):
    """The starter function ``name`` of the exercises' starters."""
    for ex in selfcheck.exercises():
        namespace = {"np": np}
        exec(ex.starter, namespace)
        if name in namespace:
            return namespace[name]
    raise KeyError(name)


def book_solution(name: str):
    fn = SOLUTIONS.get(f"my_{name}")
    if fn is None:
        pytest.skip(f"book/*.ipynb has no solution defining my_{name} yet")
    import inspect

    expected = list(inspect.signature(starter(f"my_{name}")).parameters)
    if list(inspect.signature(fn).parameters) != expected:
        pytest.skip(f"the book's my_{name} does not have the signature {expected} yet")
    return fn


# Wrappers of kmlib's own functions, to the exercises' signatures ------------

KMLIB = {
    "euclidean": kmlib.euclidean,
    "nearest": lambda X, C, chunk_size=100: kmlib.nearest(X, C, chunk_size=chunk_size),
    "assign": kmlib.assign,
    "update": kmlib.update,
    "lloyd": lambda X, C, max_iter: (lambda r: (r.centers, r.labels))(
        kmlib.lloyd(X, C, max_iter=max_iter, tol=0)
    ),
    "kmeans_plusplus": lambda X, k, rng: kmlib.kmeans_plusplus(
        X, k, random_state=rng, n_local_trials=1
    ),
    "silhouette_samples": kmlib.silhouette_samples,
    "dbscan": kmlib.dbscan,
    "quantize": lambda image, k, rng: kmlib.quantize(image, k, random_state=rng),
    "minibatch_step": lambda batch, centers, counts: kmlib_minibatch_step(batch, centers, counts),
    "map_chunk": lambda chunk, centers: kmlib_map_chunk(chunk, centers),
}


def kmlib_minibatch_step(batch, centers, counts):
    """kmlib.minibatch_step, which works in place, on float64 copies."""
    C, v = np.array(centers, dtype=float), np.array(counts, dtype=float)
    kmlib.minibatch_step(batch, C, v)
    return C, v


def kmlib_map_chunk(chunk, centers):
    """kmlib.dask's map step, in the data's own units (no shift, no scaling)."""
    dask = pytest.importorskip("kmlib.dask")
    return dask.chunk_sums(chunk, 0.0, 0, np.asarray(centers, dtype=float))


# Independent implementations (loops or broadcasting, not kmlib's code) -------


def loop_euclidean(a, b):
    return math.sqrt(sum((float(x) - float(y)) ** 2 for x, y in zip(a, b, strict=True)))


def loop_nearest(X, C, chunk_size=100):
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    labels, sq = np.zeros(len(X), dtype=int), np.zeros(len(X))
    for i, x in enumerate(X):
        best = np.inf
        for j, c in enumerate(C):
            d = float(((x - c) ** 2).sum())
            if d < best:  # strict: the first minimum wins
                best, labels[i], sq[i] = d, j, d
    return labels, sq


def broadcast_assign(X, C):
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)


def loop_update(X, labels, k):
    X, labels = np.asarray(X, dtype=float), np.array(labels)
    counts = np.bincount(labels, minlength=k)
    means = {j: X[labels == j].mean(axis=0) for j in range(k) if counts[j]}
    dist = [float(((x - means[j]) ** 2).sum()) for x, j in zip(X, labels, strict=True)]
    order = sorted(range(len(X)), key=lambda i: -dist[i])
    if max(dist) > 0:
        for j, i in zip([j for j in range(k) if not counts[j]], order, strict=False):
            labels[i] = j
    centers = np.array(
        [X[labels == j].mean(axis=0) if (labels == j).any() else X[0] for j in range(k)]
    )
    return centers


def loop_lloyd(X, C, max_iter):
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    old = None
    for _ in range(max_iter):
        labels = broadcast_assign(X, C)
        if old is not None and np.array_equal(labels, old):
            break
        C, old = loop_update(X, labels, len(C)), labels
    return C, broadcast_assign(X, C)


def cumsum_plusplus(X, k, rng):
    X = np.asarray(X, dtype=float)
    chosen = [int(rng.integers(len(X)))]
    d2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        cumulative = np.cumsum(d2)
        j = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
        chosen.append(j)
        d2 = np.minimum(d2, ((X - X[j]) ** 2).sum(axis=1))
    return X[chosen]


def loop_silhouette(X, labels):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    s = np.zeros(len(X))
    for i, x in enumerate(X):
        dist = np.sqrt(((X - x) ** 2).sum(axis=1))
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = dist[own].sum() / (own.sum() - 1)
        b = min(dist[labels == c].mean() for c in set(labels.tolist()) - {labels[i]})
        s[i] = 0.0 if max(a, b) == 0 else (b - a) / max(a, b)
    return s


def reversed_dbscan(X, eps, min_samples):
    """BFS from the *last* core point first, numbering clusters from 5."""
    X = np.asarray(X, dtype=float)
    within = np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=2)) <= eps
    core = within.sum(axis=1) >= min_samples
    labels, cluster = np.full(len(X), -1), 5
    for i in np.flatnonzero(core)[::-1]:
        if labels[i] != -1:
            continue
        labels[i], queue = cluster, collections.deque([i])
        while queue:
            p = queue.popleft()
            for q in np.flatnonzero(within[p]):
                if labels[q] == -1:
                    labels[q] = cluster
                    if core[q]:
                        queue.append(q)
        cluster += 1
    return labels


def simple_quantize(image, k, rng):
    image = np.asarray(image)
    pixels = image.reshape(-1, 3).astype(float)
    centers, _ = loop_lloyd(pixels, cumsum_plusplus(pixels, k, rng), 100)
    if image.dtype.kind in "iu":
        centers = np.round(centers)
    labels = broadcast_assign(pixels, centers)
    return centers[labels].reshape(image.shape).astype(image.dtype), centers


def loop_minibatch_step(batch, centers, counts):
    """Sculley's Algorithm 1 for one batch, in plain loops."""
    C = [[float(c) for c in row] for row in np.asarray(centers)]
    v = [float(c) for c in np.asarray(counts)]
    rows = [[float(x) for x in row] for row in np.asarray(batch)]
    labels = [
        min(
            range(len(C)),
            key=lambda j: (sum((a - b) ** 2 for a, b in zip(x, C[j], strict=True)), j),
        )
        for x in rows
    ]
    for x, j in zip(rows, labels, strict=True):
        v[j] += 1
        C[j] = [c + (a - c) / v[j] for a, c in zip(x, C[j], strict=True)]
    return np.array(C), np.array(v)


def loop_map_chunk(chunk, centers):
    X, C = np.asarray(chunk, dtype=float), np.asarray(centers, dtype=float)
    counts, sums = np.zeros(len(C), dtype=int), np.zeros(C.shape)
    for x, j in zip(X, broadcast_assign(X, C), strict=True):
        counts[j] += 1
        sums[j] += x
    return counts, sums


INDEPENDENT = {
    "euclidean": loop_euclidean,
    "nearest": loop_nearest,
    "assign": broadcast_assign,
    "update": loop_update,
    "lloyd": loop_lloyd,
    "kmeans_plusplus": cumsum_plusplus,
    "silhouette_samples": loop_silhouette,
    "dbscan": reversed_dbscan,
    "quantize": simple_quantize,
    "minibatch_step": loop_minibatch_step,
    "map_chunk": loop_map_chunk,
}
CHECKERS = list(INDEPENDENT)


@pytest.mark.parametrize("name", CHECKERS)
def test_starter_is_not_attempted(name, capsys):
    result, printed = run_quietly(getattr(selfcheck, name), starter(f"my_{name}"), capsys)
    assert_status(result, "not attempted")
    assert "not attempted" in printed and f'selfcheck.hint("{name}")' in printed


@pytest.mark.parametrize("name", CHECKERS)
def test_none_is_not_attempted(name, capsys):
    result, _ = run_quietly(getattr(selfcheck, name), lambda *args, **kwargs: None, capsys)
    assert_status(result, "not attempted")


@pytest.mark.parametrize("name", CHECKERS)
def test_kmlib_passes(name, capsys):
    result, printed = run_quietly(getattr(selfcheck, name), KMLIB[name], capsys)
    assert_status(result, "correct")
    assert printed.startswith(f"{name}: correct!")
    assert "cases" in printed or "images" in printed  # what the checks covered


@pytest.mark.parametrize("name", CHECKERS)
def test_independent_implementation_passes(name, capsys):
    result, _ = run_quietly(getattr(selfcheck, name), INDEPENDENT[name], capsys)
    assert_status(result, "correct")


@pytest.mark.parametrize("name", CHECKERS)
def test_book_solution_passes(name, capsys):
    result, _ = run_quietly(getattr(selfcheck, name), book_solution(name), capsys)
    assert_status(result, "correct")


# Typical mistakes ---------------------------------------------------------------


def sq_euclidean(a, b):
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    return float(diff @ diff)


def unsummed_euclidean(a, b):
    return np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))


def identity_euclidean(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.sqrt(max(a @ a - 2 * a @ b + b @ b, 0.0)))


def argmax_nearest(X, C, chunk_size=100):
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    d2 = ((X[:, None] - C[None]) ** 2).sum(axis=2)
    labels = d2.argmax(axis=1)
    return labels, d2[np.arange(len(X)), labels]


def identity_nearest(X, C, chunk_size=100):
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    d2 = (X**2).sum(axis=1)[:, None] - 2 * X @ C.T + (C**2).sum(axis=1)
    labels = d2.argmin(axis=1)
    return labels, np.maximum(d2[np.arange(len(X)), labels], 0)


def last_tie_nearest(X, C, chunk_size=100):
    labels, sq = loop_nearest(X, np.asarray(C)[::-1])
    return len(C) - 1 - labels, sq


def sqrt_nearest(X, C, chunk_size=100):
    labels, sq = kmlib.nearest(X, C)
    return labels, np.sqrt(sq)


def float_assign(X, C):
    return broadcast_assign(X, C).astype(float)


def raising_assign(X, C):
    X = np.asarray(X, dtype=float)
    raise ValueError(f"cannot handle {len(X)} points yet")


def median_update(X, labels, k):
    X = np.asarray(X, dtype=float)
    return np.array([np.median(X[np.asarray(labels) == j], axis=0) for j in range(k)])


def nan_update(X, labels, k):
    X = np.asarray(X, dtype=float)
    return np.array([X[np.asarray(labels) == j].mean(axis=0) for j in range(k)])


def floor_update(X, labels, k):
    X, labels = np.asarray(X), np.asarray(labels)
    return np.array([X[labels == j].sum(axis=0) // max((labels == j).sum(), 1) for j in range(k)])


def zero_update(X, labels, k):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    return np.array(
        [X[labels == j].mean(axis=0) if (labels == j).any() else 0 * X[0] for j in range(k)]
    )


def one_iteration_lloyd(X, C, max_iter):
    labels = broadcast_assign(X, C)
    return loop_update(X, labels, len(C)), labels


def no_update_lloyd(X, C, max_iter):
    C = np.asarray(C, dtype=float)
    return C, broadcast_assign(X, C)


def swapped_lloyd(X, C, max_iter):
    centers, labels = loop_lloyd(X, C, max_iter)
    return labels, centers


def rule_plusplus(weight):
    """k-means++ with P(x) proportional to weight(D², D² to the last centre)."""

    def seeding(X, k, rng):
        X = np.asarray(X, dtype=float)
        chosen = [int(rng.integers(len(X)))]
        d2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
        last = d2
        for _ in range(1, k):
            w = weight(d2, last)
            j = int(rng.choice(len(X), p=w / w.sum()))
            chosen.append(j)
            last = ((X - X[j]) ** 2).sum(axis=1)
            d2 = np.minimum(d2, last)
        return X[chosen]

    return seeding


D_PLUSPLUS = rule_plusplus(lambda d2, last: np.sqrt(d2))
UNIFORM_PLUSPLUS = rule_plusplus(lambda d2, last: (d2 > 0).astype(float))
LAST_ONLY_PLUSPLUS = rule_plusplus(lambda d2, last: last * (d2 > 0))


def replacement_plusplus(X, k, rng):
    return np.asarray(X, dtype=float)[rng.choice(len(X), k)]


def global_random_plusplus(X, k, rng):
    return cumsum_plusplus(X, k, np.random.default_rng())


def with_self_silhouette(X, labels):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    s = np.zeros(len(X))
    for i, x in enumerate(X):
        dist = np.sqrt(((X - x) ** 2).sum(axis=1))
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = dist[own].mean()  # the point itself counted
        b = min(dist[labels == c].mean() for c in set(labels.tolist()) - {labels[i]})
        s[i] = 0.0 if max(a, b) == 0 else (b - a) / max(a, b)
    return s


def singleton_one_silhouette(X, labels):
    s = loop_silhouette(X, labels)
    sizes = np.bincount(np.unique(labels, return_inverse=True)[1])
    s[sizes[np.unique(labels, return_inverse=True)[1]] == 1] = 1.0
    return s


def nan_silhouette(X, labels):
    s = loop_silhouette(X, labels)
    X = np.asarray(X, dtype=float)
    s[(X == X[0]).all(axis=1) & (np.ptp(X, axis=0) == 0).all()] = np.nan
    return s


def variant_dbscan(strict=False, with_self=True, expand_all=False, dtype=int):
    def fn(X, eps, min_samples):
        X = np.asarray(X, dtype=float)
        dist = np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=2))
        within = dist < eps if strict else dist <= eps
        if not with_self:
            within &= ~np.eye(len(X), dtype=bool)
        core = within.sum(axis=1) >= min_samples
        labels, cluster = np.full(len(X), -1), 0
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
        return labels.astype(dtype)

    return fn


def overflow_quantize(image, k, rng):
    image = np.asarray(image)
    pixels = image.reshape(-1, 3)
    centers = simple_quantize(image, k, rng)[1].astype(image.dtype)
    labels = ((pixels[:, None] - centers[None]) ** 2).sum(axis=2).argmin(axis=1)  # wraps
    return centers[labels].reshape(image.shape), centers


def float_out_quantize(image, k, rng):
    quantized, palette = simple_quantize(image, k, rng)
    return quantized.astype(float), palette


def labels_quantize(image, k, rng):
    quantized, palette = simple_quantize(image, k, rng)
    pixels = np.asarray(image, dtype=float).reshape(-1, 3)
    return broadcast_assign(pixels, palette).reshape(np.shape(image)[:2]), palette


def uniform_palette_quantize(image, k, rng):
    image = np.asarray(image)
    top = 255.0 if image.dtype.kind in "iu" else 1.0
    palette = np.repeat(np.linspace(0, top, k)[:, None], 3, axis=1)
    labels = broadcast_assign(image.reshape(-1, 3).astype(float), palette)
    return palette[labels].reshape(image.shape).astype(image.dtype), palette


def too_many_quantize(image, k, rng):
    quantized, palette = simple_quantize(image, k, rng)
    return quantized, np.vstack([palette, palette[:1]])


def batch_rate_step(batch, centers, counts):
    C, v = np.array(centers, dtype=float), np.array(counts, dtype=float)
    for x, j in zip(np.asarray(batch, float), broadcast_assign(batch, C), strict=True):
        v[j] += 1
        C[j] += (x - C[j]) / len(batch)  # 1/batch_size instead of 1/v_j
    return C, v


def frozen_counts_step(batch, centers, counts):
    C, v = np.array(centers, dtype=float), np.array(counts, dtype=float)
    for x, j in zip(np.asarray(batch, float), broadcast_assign(batch, C), strict=True):
        C[j] += (x - C[j]) / (v[j] + 1)  # the right rate, but v never grows
    return C, v


def in_place_step(batch, centers, counts):
    """kmlib.minibatch_step's own way: change the arguments, return them."""
    C = np.asarray(centers, dtype=float)
    v = np.asarray(counts, dtype=float)
    new_C, new_v = loop_minibatch_step(batch, C, v)
    C[...], v[...] = new_C, new_v
    return C, v


def rate_before_count_step(batch, centers, counts):
    C, v = np.array(centers, dtype=float), np.array(counts, dtype=float)
    for x, j in zip(np.asarray(batch, float), broadcast_assign(batch, C), strict=True):
        with np.errstate(all="ignore"):
            C[j] = (1 - 1 / v[j]) * C[j] + x / v[j]  # v_j before the point
        v[j] += 1
    return C, v


def relabelling_step(batch, centers, counts):
    C, v = np.array(centers, dtype=float), np.array(counts, dtype=float)
    for x in np.asarray(batch, dtype=float):
        j = broadcast_assign(x[None], C)[0]  # the moving centres: online k-means
        v[j] += 1
        C[j] += (x - C[j]) / v[j]
    return C, v


def wcss_step(batch, centers, counts):
    return kmlib.minibatch_step(batch, np.array(centers, float), np.array(counts, float))


def means_map(chunk, centers):
    counts, sums = loop_map_chunk(chunk, centers)
    return counts, sums / np.maximum(counts, 1)[:, None]


def no_minlength_map(chunk, centers):
    labels = broadcast_assign(chunk, centers)
    sums = np.zeros(np.shape(centers))
    np.add.at(sums, labels, np.asarray(chunk, dtype=float))
    return np.bincount(labels), sums


def last_tie_map(chunk, centers):
    counts, sums = loop_map_chunk(chunk, np.asarray(centers)[::-1])
    return counts[::-1], sums[::-1]


MISTAKES = [
    ("euclidean", sq_euclidean, "wrong", ["squared distance", "square root"]),
    ("euclidean", unsummed_euclidean, "wrong", ["one number", "sum over the coordinates"]),
    ("euclidean", identity_euclidean, "wrong", ["far from the origin", "differences"]),
    ("nearest", argmax_nearest, "wrong", ["argmax", "expected 0, got 1"]),
    ("nearest", identity_nearest, "wrong", ["far from the origin", "recompute"]),
    ("nearest", last_tie_nearest, "wrong", ["between two centres", "lowest index"]),
    ("nearest", sqrt_nearest, "wrong", ["squares"]),
    (
        "assign",
        lambda X, C: broadcast_assign(X, C) * 0 + argmax_nearest(X, C)[0],
        "wrong",
        ["farthest", "argmin"],
    ),
    ("assign", float_assign, "wrong", ["integers", "float64"]),
    ("assign", lambda X, C: last_tie_nearest(X, C)[0], "wrong", ["lowest"]),
    (
        "assign",
        raising_assign,
        "error",
        [
            "ValueError",
            "cannot handle 3 points yet",
            "raising_assign",
            'raise ValueError(f"cannot handle',
        ],
    ),
    ("update", median_update, "wrong", ["medians", "expected [2.], got [1.]"]),
    ("update", nan_update, "wrong", ["NaN", "no points", "row 5 [30.] -> cluster 2"]),
    ("update", floor_update, "wrong", ["rounded down", "integer input"]),
    ("update", zero_update, "wrong", ["an empty cluster", "farthest"]),
    ("lloyd", one_iteration_lloyd, "wrong", ["max_iter=2", "after 1 iteration"]),
    ("lloyd", no_update_lloyd, "wrong", ["initial centres"]),
    ("lloyd", swapped_lloyd, "wrong", ["(centers, labels), in that order"]),
    ("kmeans_plusplus", D_PLUSPLUS, "wrong", ["D² probabilities", "D sampling (P ∝ D"]),
    ("kmeans_plusplus", UNIFORM_PLUSPLUS, "wrong", ["D² probabilities", "uniform draws"]),
    ("kmeans_plusplus", LAST_ONLY_PLUSPLUS, "wrong", ["last centre only"]),
    ("kmeans_plusplus", replacement_plusplus, "wrong", ["repeat a point"]),
    ("kmeans_plusplus", global_random_plusplus, "wrong", ["same seed", "from rng"]),
    ("silhouette_samples", with_self_silhouette, "wrong", ["book's example", "itself"]),
    ("silhouette_samples", singleton_one_silhouette, "wrong", ["singleton", "alone"]),
    ("silhouette_samples", nan_silhouette, "wrong", ["all points equal", "NaN"]),
    ("dbscan", variant_dbscan(strict=True), "wrong", ["exactly eps", "<= eps, not < eps"]),
    ("dbscan", variant_dbscan(with_self=False), "wrong", ["itself", "includes the point"]),
    (
        "dbscan",
        variant_dbscan(expand_all=True),
        "wrong",
        ["different clusters", "only core points are expanded"],
    ),
    ("dbscan", variant_dbscan(dtype=float), "wrong", ["integers"]),
    ("quantize", overflow_quantize, "wrong", ["nearest palette colour", "wraps around"]),
    ("quantize", float_out_quantize, "wrong", ["uint8 in, uint8 out"]),
    ("quantize", labels_quantize, "wrong", ["shape (4, 4, 3)"]),
    ("quantize", uniform_palette_quantize, "wrong", ["MSE", "1.5 times"]),
    ("quantize", too_many_quantize, "wrong", ["1 <= k' <= k"]),
    ("minibatch_step", batch_rate_step, "wrong", ["centers differ", "not 1/batch_size"]),
    ("minibatch_step", frozen_counts_step, "wrong", ["counts differ", "counts are unchanged"]),
    ("minibatch_step", in_place_step, "wrong", ["changed its argument(s) centers, counts"]),
    ("minibatch_step", rate_before_count_step, "wrong", ["NaN", "add the point first"]),
    ("minibatch_step", relabelling_step, "wrong", ["nearest centre first", "start of the step"]),
    ("minibatch_step", wcss_step, "wrong", ["(centers, counts)", "returns the batch's WCSS"]),
    ("minibatch_step", lambda b, C, v: loop_minibatch_step(b, C, v)[::-1], "wrong", ["shape"]),
    ("map_chunk", means_map, "wrong", ["sums differ", "means of the clusters"]),
    ("map_chunk", no_minlength_map, "wrong", ["shape (3,)", "minlength=k"]),
    ("map_chunk", last_tie_map, "wrong", ["exactly between", "lowest centre index"]),
    ("map_chunk", lambda c, C: loop_map_chunk(c, C)[::-1], "wrong", ["counts must have shape"]),
]


@pytest.mark.parametrize(
    ("name", "fn", "status", "words"),
    MISTAKES,
    ids=[
        f"{m[0]}-{m[1].__name__ if m[1].__name__ != '<lambda>' else i}"
        for i, m in enumerate(MISTAKES)
    ],
)
def test_typical_mistake_fails_with_a_useful_message(name, fn, status, words, capsys):
    result, printed = run_quietly(getattr(selfcheck, name), fn, capsys)
    assert_status(result, status, *words)
    assert "Case:" in printed and "Traceback" not in printed
    assert f'selfcheck.hint("{name}")' in printed


def test_every_checker_is_proven_on_two_mistakes():
    counts = collections.Counter(name for name, *_ in MISTAKES)
    assert set(counts) == set(CHECKERS) and min(counts.values()) >= 2


# The result and the feedback ------------------------------------------------------


def test_result_repr_is_one_short_line_and_passed_follows_the_status(capsys):
    result = selfcheck.assign(broadcast_assign)
    capsys.readouterr()
    assert repr(result) == "<CheckResult assign: correct>" and "\n" not in repr(result)
    assert result.passed and bool(result)
    wrong = selfcheck.assign(float_assign)
    capsys.readouterr()
    assert not wrong.passed and not bool(wrong) and repr(wrong) == "<CheckResult assign: wrong>"
    assert set(selfcheck._core.STATUSES) == {"not attempted", "error", "wrong", "correct"}


def test_something_that_is_not_a_function_is_refused_kindly(capsys):
    result = selfcheck.assign(np.zeros(3))
    assert_status(result, "wrong", "selfcheck.assign(my_assign)", "no parentheses")
    assert "Traceback" not in capsys.readouterr().out


def test_not_implemented_after_the_first_call_is_an_error(capsys):
    calls = []

    def partial_update(X, labels, k):
        calls.append(1)
        if len(calls) > 1:
            raise NotImplementedError("empty clusters: later")
        return kmlib.update(X, labels, k)

    result = selfcheck.update(partial_update)
    capsys.readouterr()
    assert_status(result, "error", "NotImplementedError", "empty clusters: later", "two clusters")


def test_none_after_the_first_call_is_wrong(capsys):
    calls = []

    def forgetful(a, b):
        calls.append(1)
        return kmlib.euclidean(a, b) if len(calls) == 1 else None

    result = selfcheck.euclidean(forgetful)
    capsys.readouterr()
    assert_status(result, "wrong", "returned None", "return")


def test_warnings_of_the_learners_code_are_reported_not_printed(capsys):
    result = selfcheck.update(nan_update)
    captured = capsys.readouterr()
    assert_status(result, "wrong", "Your code warned", "Mean of empty slice")
    assert "RuntimeWarning" not in captured.err


def test_the_learners_inputs_are_copies(capsys):
    def mutating_assign(X, C):
        labels = broadcast_assign(X, C)
        if isinstance(X, np.ndarray):
            X[:] = 0
        return labels

    result = selfcheck.assign(mutating_assign)
    capsys.readouterr()
    assert_status(result, "correct")


# The cases themselves -------------------------------------------------------------------


def test_lloyd_cases_never_empty_a_cluster_and_the_long_run_needs_several_iterations():
    from kmlib.selfcheck._lloyd import lloyd_cases

    for case in lloyd_cases():
        X, init = case.args["X"], case.args["init_centers"]
        run = kmlib.lloyd(X, init, max_iter=case.args["max_iter"], tol=0, record=True)
        for record in run.history:
            assert np.bincount(record.labels, minlength=len(init)).min() > 0, case.title
        if case.args["max_iter"] == 100:
            assert run.n_iter >= 3 and run.converged, case.title


def test_update_cases_have_one_farthest_point_where_one_cluster_is_empty():
    from kmlib.selfcheck._lloyd import update_cases

    for case in update_cases():
        X, labels, k = (
            np.asarray(case.args["X"], float),
            np.asarray(case.args["labels"]),
            case.args["k"],
        )
        counts = np.bincount(labels, minlength=k)
        if (counts == 0).sum() == 1 and np.ptp(X) > 0:
            means = np.array([X[labels == j].mean(axis=0) if counts[j] else X[0] for j in range(k)])
            d = np.sort(((X - means[labels]) ** 2).sum(axis=1))
            assert d[-1] > d[-2], case.title  # the point that moves is unambiguous


def test_dbscan_border_case_is_ambiguous_and_both_answers_pass(capsys):
    from kmlib.selfcheck._dbscan import DBSCAN_TABLE

    title, X, eps, m = next(row for row in DBSCAN_TABLE if "border point within" in row[0])
    labels = kmlib.dbscan(X, eps, m)
    assert labels[0] == labels[1] != labels[-1]  # kmlib gives it to the first cluster
    result, _ = run_quietly(selfcheck.dbscan, reversed_dbscan, capsys)  # gives it to the other
    assert_status(result, "correct")
    assert reversed_dbscan(X, eps, m)[0] == reversed_dbscan(X, eps, m)[-1]


def test_plusplus_statistics_exact_probabilities_and_false_alarm_level():
    expected = _seeding.sequence_probabilities(_seeding.POINTS, 3, _seeding.RULES["D² sampling"])
    assert len(expected) == 24 and math.isclose(sum(expected.values()), 1.0)
    # first centre 0, then 10 (D² = 100 of 105), then 2 (D² = 4 of 5)
    assert math.isclose(expected[(0, 3, 2)], 0.25 * 100 / 105 * 4 / 5)
    assert _seeding.FALSE_ALARM <= 1e-6
    # the exact binomial p-value is a valid (conservative) two-sided p-value
    trials, p = 50, 0.3
    pmf = [math.comb(trials, i) * p**i * (1 - p) ** (trials - i) for i in range(trials + 1)]
    for count in (0, 5, 15, 30, 50):
        expected_tail = min(sum(pmf[: count + 1]), sum(pmf[count:]))
        assert math.isclose(
            _seeding.binomial_p_value(trials, p, count), min(1.0, 2 * expected_tail), rel_tol=1e-9
        )


def test_chapter_five_builds_the_data_the_value_keys_use():
    text = "\n".join(c.source for c in cells(ROOT / "book" / "05_failure_modes_dbscan.ipynb"))
    for call in (
        "make_moons(200, noise=0.05, random_state=0)",
        "make_circles(200, noise=0.05, factor=0.5, random_state=0)",
        "make_blobs(300, 3, random_state=2)",
        "make_uniform_noise(60, low=-12.0, high=12.0, random_state=2)",
    ):
        assert call in text, call


# Value exercises: selfcheck.check ---------------------------------------------------------


def cube_answer():
    rng = np.random.default_rng(42)  # as the book's solution
    a, b = rng.random((20000, 50)), rng.random((20000, 50))
    sq = ((a - b) ** 2).sum(axis=1)
    return sq.mean(), np.sqrt(sq).mean()


def noise_answer():
    from kmlib.datasets import make_blobs, make_uniform_noise

    Xn = np.vstack(
        [
            make_blobs(300, 3, random_state=2)[0],
            make_uniform_noise(60, low=-12.0, high=12.0, random_state=2),
        ]
    )
    kd = kmlib.k_distance(Xn, 4)
    eps = float(kd[kmlib.knee(np.arange(len(kd)), kd)])
    return eps, 5, int((kmlib.dbscan(Xn, eps, 5)[300:] == -1).sum())


def core_count_answer():
    from kmlib.datasets import make_moons

    X = make_moons(200, noise=0.05, random_state=0)[0]
    return [int((kmlib.k_distance(X, 4) <= e).sum()) for e in (0.05, 0.1, 0.14, 0.2)]


def noisy_blobs():
    from kmlib.datasets import make_blobs, make_uniform_noise

    return np.vstack(
        [
            make_blobs(300, 3, random_state=2)[0],
            make_uniform_noise(60, low=-12.0, high=12.0, random_state=2),
        ]
    )


def try_three_answer(count_what=slice(300, None)):
    """As the book's solution: the widget's eps stops, the first with 3 clusters."""
    X = noisy_blobs()
    eps_grid = np.arange(1, 41) / 10
    eps = float(next(e for e in eps_grid if kmlib.dbscan(X, e, 5).max() + 1 == 3))
    return eps, int((kmlib.dbscan(X, eps, 5)[count_what] == -1).sum())


def tie_answer():
    centers3 = np.array([[1.0, 4.0], [5.0, 4.5], [4.0, 0.5]])  # as Chapter 1
    mid = (centers3[0] + centers3[1]) / 2
    return tuple(mid), int(kmlib.nearest(mid[None, :], centers3)[0][0])


def grey_answer():
    ramp = np.repeat(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 16, axis=0), 3, 2)
    errors = [
        kmlib.mse(kmlib.quantize(ramp, k, sample_size=None, random_state=1)[0], ramp)
        for k in (2, 4, 8, 16, 32)
    ]
    return np.array(errors[:-1]) / np.array(errors[1:])


VALUES = [  # label, a right answer, a wrong one, words of the wrong one's message
    (
        "ch1-ex-manhattan",
        lambda: (5, [0, 0], [2, 2], [3, 0]),
        lambda: (5, [0, 0], [2, 2], [2, 0]),
        ["opposite signs"],
    ),
    ("ch1-ex-try-tie", tie_answer, lambda: (tie_answer()[0], 1), ["tie goes to the lowest"]),
    ("ch1-ex-cancellation", lambda: (4.7e7, 26, 1.0), lambda: (4.7e7, 25, 1.0), ["first p"]),
    (
        "ch1-ex-cube",
        cube_answer,
        lambda: (cube_answer()[0], math.sqrt(50 / 6)),
        ["sqrt(d/6) itself"],
    ),
    ("ch2-ex-mean", lambda: (17, 14.0, 1), lambda: (17, 14, 2), ["median"]),
    ("ch2-ex-restarts", lambda: (0.25, 17), lambda: (0.25, 16), ["17, not 16"]),
    (
        "ch3-ex-by-hand",
        lambda: ([0, 0.0095, 0.038, 0.952], [0, 0.2, 0.8, 0]),
        lambda: ([0, 1 / 13, 2 / 13, 10 / 13], [0, 1 / 3, 2 / 3, 0]),
        ["D(x)^2"],
    ),
    (
        "ch4-ex-by-hand",
        lambda: [[2, 5, 0.6], [2, 16 / 3, 0.625]],
        lambda: [[4 / 3, 5, 0.733], [2, 16 / 3, 0.625]],
        ["point 3"],
    ),
    ("ch5-ex-core-count", core_count_answer, lambda: [2, 105, 183, 200], ["eps = 0.2"]),
    ("ch5-ex-noise", noise_answer, lambda: (noise_answer()[0], 5, 60), ["not 60"]),
    ("ch5-ex-circles", lambda: (0.2, 5), lambda: (0.6, 5), ["ARI"]),
    (
        "ch5-ex-try-three",
        try_three_answer,
        lambda: try_three_answer(slice(None, 300)),
        ["the noise among the 300 blob points"],
    ),
    ("ch6-ex-grey", grey_answer, lambda: [2, 2, 2, 2], ["ratios"]),
    (
        "ch6-ex-db",
        lambda: [20 * math.log10(2) / d for d in (1, 2, 3)],
        lambda: [10 * math.log10(2) / d for d in (1, 2, 3)],
        ["decibels"],
    ),
    ("ch7-ex-passes", lambda: (99_900, 600), lambda: (99_900, 500), ["one more pass"]),
]


MORE_WRONG_VALUES = [  # label, a wrong answer, words of its message
    ("ch1-ex-try-tie", ((3.0, 4.0), 0), ["not halfway", "4 and 4.25"]),
    ("ch1-ex-try-tie", ((3.0, 4.25, 1.0), 0), ["the answer must be"]),
    ("ch5-ex-try-three", (0.8, 57), ["not the smallest", "0.5 already"]),
    ("ch5-ex-try-three", (0.4, 58), ["finds 9 cluster(s), not 3"]),
    ("ch5-ex-try-three", (0.5, 118), ["all the noise", "last 60 rows"]),
    ("ch7-ex-passes", (100_000, 600), ["k-means++", "without a pass"]),
    ("ch7-ex-passes", (99_900 / 3600, 600), ["in seconds"]),
    ("ch7-ex-passes", (99_900, 600, 1), ["the answer must be"]),
]


@pytest.mark.parametrize(("label", "answer", "words"), MORE_WRONG_VALUES)
def test_value_exercise_names_the_mistake(label, answer, words, capsys):
    assert_status(selfcheck.check(label, answer), "wrong", *words)


def test_widget_keys_follow_the_chapters():
    from kmlib.selfcheck import _values

    text = "\n".join(c.source for c in cells(ROOT / "book" / "01_distance.ipynb"))
    assert "centers3 = np.array([[1.0, 4.0], [5.0, 4.5], [4.0, 0.5]])" in text
    np.testing.assert_array_equal(_values.TRY_CENTERS, [[1.0, 4.0], [5.0, 4.5], [4.0, 0.5]])
    # the midpoint really is a tie in floating point, which the lowest index wins
    mid = (_values.TRY_CENTERS[0] + _values.TRY_CENTERS[1]) / 2
    d2 = kmlib.pairwise_sq_dists(mid[None, :], _values.TRY_CENTERS)[0]
    assert d2[0] == d2[1] < d2[2]
    text = "\n".join(c.source for c in cells(ROOT / "book" / "05_failure_modes_dbscan.ipynb"))
    assert 'eps_grid = np.arange(1, noisy_slider["eps_steps"] + 1) / 10' in text
    np.testing.assert_array_equal(_values.noise_data(), noisy_blobs())
    eps, labels = _values.first_three_clusters()
    assert eps == 0.5 and kmlib.dbscan(noisy_blobs(), 0.4, 5).max() + 1 != 3


def test_passes_key_counts_with_kmlib():
    from kmlib.selfcheck import _values

    assert _values.seeding_passes() == (999, 6)
    X = np.random.default_rng(0).normal(size=(2000, 2))
    assert kmlib.kmeans_parallel(X, 1000, rounds=5, random_state=0).n_passes == 6


@pytest.mark.parametrize(("label", "right", "wrong", "words"), VALUES, ids=[v[0] for v in VALUES])
def test_value_exercise(label, right, wrong, words, capsys):
    assert_status(selfcheck.check(label, right()), "correct")
    assert_status(selfcheck.check(label, wrong()), "wrong", *words)
    assert_status(selfcheck.check(label, None), "not attempted")
    assert_status(selfcheck.check(label, "three"), "wrong", "the answer must be")
    assert "not attempted yet" in capsys.readouterr().out


FUNCTION_VALUES = [  # label, the starter's name, a right function, a wrong one
    (
        "ch1-ex-scaling",
        "min_max_scale",
        lambda W: (W - np.min(W, 0)) / np.ptp(W, 0),
        lambda W: W / np.max(W, 0),
    ),
    (
        "ch2-ex-scale",
        "standardize",
        lambda X: (X - np.mean(X, 0)) / np.std(X, 0),
        lambda X: (X - np.mean(X, 0)) / np.std(X, 0, ddof=1),
    ),
    (
        "ch3-ex-farthest",
        "farthest_first",
        lambda X, k, first: SOLUTIONS.get("farthest_first", kmlib_farthest)(X, k, first),
        lambda X, k, first: np.asarray(X, float)[first : first + k],
    ),
]


def kmlib_farthest(X, k, first):
    chosen = [first]
    for _ in range(1, k):
        chosen.append(int(np.argmax(kmlib.nearest(X, np.asarray(X)[chosen])[1])))
    return np.asarray(X, float)[chosen]


@pytest.mark.parametrize(
    ("label", "name", "right", "wrong"), FUNCTION_VALUES, ids=[v[0] for v in FUNCTION_VALUES]
)
def test_function_valued_exercise(label, name, right, wrong, capsys):
    assert_status(selfcheck.check(label, starter(name)), "not attempted")
    assert_status(selfcheck.check(label, right), "correct")
    assert_status(selfcheck.check(label, wrong), "wrong", "differ", "Case:")


def test_check_refuses_labels_it_cannot_check():
    with pytest.raises(ValueError, match="did you mean 'ch6-ex-db'"):
        selfcheck.check("ch6-ex-dB", 1)
    with pytest.raises(ValueError, match="discussion exercise"):
        selfcheck.check("ch4-ex-gap", 4)
    with pytest.raises(ValueError, match="function exercise"):
        selfcheck.check("ch2-ex-assign-update", broadcast_assign)


# Hints ----------------------------------------------------------------------------------------


def every_name():
    return CHECKERS + [ex.label for ex in selfcheck.exercises()]


@pytest.mark.parametrize("name", every_name())
def test_hints_are_graded_and_end_kindly(name, capsys):
    selfcheck.hint(name)
    first = capsys.readouterr().out
    assert first.startswith("Hint 1 of ") and name in first
    total = int(re.search(r"Hint 1 of (\d+)", first).group(1))
    assert total >= 2
    hints = []
    for n in range(1, total + 1):
        selfcheck.hint(name, n)
        hints.append(capsys.readouterr().out)
    assert len(set(hints)) == total and "(the last one)" in hints[-1]
    selfcheck.hint(name, total + 1)
    assert "seen them all" in capsys.readouterr().out


def test_hint_refuses_unknown_names_and_bad_numbers():
    with pytest.raises(ValueError, match="did you mean 'assign'"):
        selfcheck.hint("asign")
    with pytest.raises(ValueError, match="n must be an integer"):
        selfcheck.hint("assign", 0)


# exercises() -----------------------------------------------------------------------------------


def test_exercises_cover_every_exercise_of_the_book_with_its_title_and_chapter():
    records = {ex.label: ex for ex in selfcheck.exercises()}
    book = book_exercises()
    assert set(book) <= set(records), f"missing: {sorted(set(book) - set(records))}"
    for label, (title, chapter) in book.items():
        assert (records[label].title, records[label].chapter) == (title, chapter), label
    new = {
        "ch1-ex-euclidean",
        "ch2-ex-assign-update",
        "ch3-ex-own-plusplus",
        "ch4-ex-own-silhouette",
        "ch5-ex-own-dbscan",
        "ch6-ex-own-quantize",
    }
    assert set(records) <= set(book) | new, "an exercise that is not in the book"


def test_exercises_name_every_checker_with_its_signature_and_runnable_cells(capsys):
    records = selfcheck.exercises()
    names = [name for ex in records if ex.kind == "function" for name, _ in ex.checkers]
    assert sorted(names) == sorted(CHECKERS)
    table = repr(records)
    for ex in records:
        assert ex.kind in {"function", "value", "discussion"}
        assert ex.label in table and ex.title in table
        if ex.kind == "discussion":
            assert ex.starter == ex.check_source == "" and ex.checkers == ()
            continue
        namespace = {"np": np, "selfcheck": selfcheck}
        exec(ex.starter, namespace)  # the starter, then its check cell: "not attempted"
        exec(ex.check_source, namespace)
        assert "not attempted yet" in capsys.readouterr().out
        assert all(len(line) <= 79 for line in ex.starter.splitlines()), ex.label
        for name, signature in ex.checkers:
            assert signature in table
            if ex.kind == "function":
                assert signature.startswith(f"my_{name}(") and f"my_{name}" in namespace
                assert f"selfcheck.{name}(my_{name})" in ex.check_source
            else:
                assert ex.check_source.startswith(f'selfcheck.check("{ex.label}", ')
                assert ex.answer and ex.answer in table


def test_every_value_label_has_a_checker_and_only_those():
    from kmlib.selfcheck._values import FUNCTION_ANSWERS, VALUE_CHECKS

    values = {ex.label for ex in selfcheck.exercises() if ex.kind == "value"}
    assert values == set(VALUE_CHECKS) | set(FUNCTION_ANSWERS)
    assert {v[0] for v in VALUES} | {v[0] for v in FUNCTION_VALUES} == values


def test_selfcheck_is_an_attribute_of_kmlib_and_needs_only_numpy():
    import kmlib.selfcheck as by_import

    assert kmlib.selfcheck is selfcheck is by_import
    for path in (ROOT / "kmlib" / "selfcheck").glob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+(sklearn|matplotlib|scipy)", text, re.M), path
