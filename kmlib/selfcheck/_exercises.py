"""The book's exercises: what each asks for, its starter and its check cell.

The learner-notebook generator reads :func:`exercises` (its fields are fixed:
``label, title, chapter, kind, checkers, starter, check_source``).
"""

from __future__ import annotations

import dataclasses
import textwrap


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise of the book.

    Attributes
    ----------
    label : str
        The exercise's label in the book (``"ch2-ex-assign-update"``).
    title : str
        Its title in the book.
    chapter : int
        The chapter it closes.
    kind : {"function", "value", "discussion"}
        Checked by a named checker, by :func:`kmlib.selfcheck.check`, or
        not at all (the answer is prose: compare with the solution).
    checkers : tuple of (str, str)
        ``(checker name, the signature it expects)`` for each checker.
    starter : str
        Python source of the learner's starter cell ("" for discussions).
    check_source : str
        Python source of the cell that checks the starter's names.
    answer : str
        What the answer must be (value exercises) or what to write.
    note : str
        Why a discussion exercise has no checker, when its answer is a number.
    """

    label: str
    title: str
    chapter: int
    kind: str
    checkers: tuple = ()
    starter: str = ""
    check_source: str = ""
    answer: str = ""
    note: str = ""


SIGNATURES = {
    "euclidean": ("a, b", "float"),
    "nearest": ("X, C, chunk_size=100", "(labels, sq_dists)"),
    "assign": ("X, C", "labels"),
    "update": ("X, labels, k", "centers"),
    "lloyd": ("X, init_centers, max_iter", "(centers, labels)"),
    "kmeans_plusplus": ("X, k, rng", "centers"),
    "silhouette_samples": ("X, labels", "s"),
    "dbscan": ("X, eps, min_samples", "labels"),
    "quantize": ("image, k, rng", "(quantized_image, palette)"),
    "minibatch_step": ("batch, centers, counts", "(centers, counts)"),
    "map_chunk": ("chunk, centers", "(counts, sums)"),
}

DOCS = {
    "euclidean": "The Euclidean distance between two points a and b.",
    "nearest": "(labels, sq_dists): the nearest centre of every point, in "
    "blocks of\n    chunk_size rows; ties to the lowest index; sq_dists from "
    "x - c.",
    "assign": "The index of the nearest centre of every point (ties: the "
    "lowest\n    index), an int array of shape (n,).",
    "update": "The mean of every cluster, shape (k, d); an empty cluster "
    "takes the\n    point farthest from its own cluster's mean (never NaN).",
    "lloyd": "(centers, labels): assign, update, until the labels stop "
    "changing\n    or after max_iter iterations.",
    "kmeans_plusplus": "k-means++ seeding: the first centre uniform, then "
    "D² sampling;\n    every random number from rng.",
    "silhouette_samples": "The silhouette s(i) of every point (0 for a "
    "point alone in its\n    cluster).",
    "dbscan": "DBSCAN labels, -1 for noise; the neighbourhood includes the "
    "point\n    itself and uses <= eps.",
    "quantize": "(quantized_image, palette): at most k colours fitted by "
    "k-means, every\n    pixel replaced by its nearest palette colour.",
    "minibatch_step": "(centers, counts) after one mini-batch step: labels "
    "from the centres\n    of the start, then point by point v_j += 1, "
    "c_j += (x - c_j) / v_j;\n    the arguments stay unchanged.",
    "map_chunk": "(counts, sums): how many rows of chunk have each centre "
    "as their\n    nearest, shape (k,), and the sum of those rows, shape "
    "(k, d).",
}


def signature(name: str) -> str:
    """``"my_assign(X, C) -> labels"``."""
    params, returns = SIGNATURES[name]
    return f"my_{name}({params}) -> {returns}"


def starter_def(name: str, params: str, doc: str) -> str:
    """A starter function that raises NotImplementedError."""
    if "\n" not in doc:
        doc = "\n    ".join(textwrap.wrap(doc, 72))
    return (
        f"def {name}({params}):\n"
        f'    """{doc}"""\n'
        "    raise NotImplementedError\n"
    )


def function_exercise(label, title, chapter, names) -> Exercise:
    """An exercise checked by the named checkers, with its starter."""
    starter = "\n\n".join(
        starter_def(f"my_{n}", SIGNATURES[n][0], DOCS[n]) for n in names
    )
    check = "\n".join(f"selfcheck.{n}(my_{n})" for n in names)
    return Exercise(
        label,
        title,
        chapter,
        "function",
        tuple((n, signature(n)) for n in names),
        starter,
        check + "\n",
        "; ".join(signature(n) for n in names),
    )


def value_exercise(label, title, chapter, answer, fn=None) -> Exercise:
    """An exercise checked by ``selfcheck.check(label, answer)``.

    ``fn``: ``(name, params)`` when the answer is a function.
    """
    if fn is None:
        starter = "\n".join(wrap_comment(answer)) + "\nanswer = None\n"
        check = f'selfcheck.check("{label}", answer)\n'
    else:
        name, params = fn
        starter = starter_def(name, params, answer)
        check = f'selfcheck.check("{label}", {name})\n'
    sig = ("check", f'check("{label}", answer)')
    return Exercise(
        label, title, chapter, "value", (sig,), starter, check, answer
    )


def wrap_comment(text: str, width: int = 76) -> list[str]:
    """``text`` as comment lines of at most ``width`` characters."""
    lines, line = [], "#"
    for word in text.split():
        if len(line) + 1 + len(word) > width:
            lines.append(line)
            line = "#"
        line += " " + word
    return lines + [line]


def discussion(label, title, chapter, note="") -> Exercise:
    """An exercise whose answer is prose (or depends on external data)."""
    return Exercise(label, title, chapter, "discussion", note=note)


DATA_NOTE = (
    "its numbers come from data the chapter loads with scikit-learn ({}), "
    "which selfcheck (numpy only) cannot rebuild: compare with the solution"
)

EXERCISES = (
    function_exercise(
        "ch1-ex-euclidean", "Your own Euclidean distance", 1, ["euclidean"]
    ),
    value_exercise(
        "ch1-ex-manhattan",
        "Manhattan against Euclid",
        1,
        "The tuple (d1, x, a, b): d1 = the Manhattan distance of A = (3, 4) "
        "and B = (5, 1); then a point x and two centres a, b on which the "
        "Euclidean and the Manhattan distance disagree about the nearest.",
    ),
    value_exercise(
        "ch1-ex-scaling",
        "Another way to scale",
        1,
        "min_max_scale(W) -> M: every column of W mapped to [0, 1] by "
        "(x - min) / (max - min).",
        fn=("min_max_scale", "W"),
    ),
    value_exercise(
        "ch1-ex-cancellation",
        "When does the identity break?",
        1,
        "The tuple (s, p, d): your predicted shift s; the first power p for "
        "which the identity returns 0 at s = 2**p; and what kmlib.nearest "
        "returns for the squared distance there.",
    ),
    value_exercise(
        "ch1-ex-cube",
        "The typical distance in a cube",
        1,
        "The tuple (mean_sq, mean_dist) for d = 50, from a simulation with "
        "at least 20 000 pairs: the mean squared distance and the mean "
        "(plain) distance.",
    ),
    function_exercise(
        "ch1-ex-nearest",
        "Your own nearest-centre function, with a self-check",
        1,
        ["nearest"],
    ),
    value_exercise(
        "ch1-ex-try-tie",
        "A tie, in the widget",
        1,
        "The tuple (point, label): the point halfway between c0 and c1 as "
        "(x, y), and the index of the centre kmlib.nearest picks for it.",
    ),
    value_exercise(
        "ch2-ex-mean",
        "The mean, and only the mean",
        2,
        "The tuple (f1, f_mean, m): f(1), f at the mean, and the m that "
        "minimises the sum of |x - m| over S = {0, 1, 5}.",
    ),
    function_exercise(
        "ch2-ex-assign-update",
        "Assign and update, yourself",
        2,
        ["assign", "update"],
    ),
    function_exercise(
        "ch2-ex-own-loop", "A recorded Lloyd loop of your own", 2, ["lloyd"]
    ),
    value_exercise(
        "ch2-ex-restarts",
        "How many restarts?",
        2,
        "The tuple (p, n_init): your estimate of p and the n_init it needs "
        "(only n_init is checked against your p: the blobs come from "
        "scikit-learn).",
    ),
    value_exercise(
        "ch2-ex-scale",
        "Scale matters",
        2,
        "standardize(X) -> Z: every column minus its mean, divided by its "
        "standard deviation (numpy's std, ddof=0).",
        fn=("standardize", "X"),
    ),
    discussion("ch2-ex-try-same-spot", "Two centres on one spot", 2),
    value_exercise(
        "ch3-ex-by-hand",
        "D² probabilities by hand",
        3,
        "Two lists of 4 probabilities, in the order of the points 0, 1, 2, "
        "10: for the second centre (first centre 0), then for the third "
        "(centres 0 and 10).",
    ),
    function_exercise(
        "ch3-ex-own-plusplus", "k-means++ yourself", 3, ["kmeans_plusplus"]
    ),
    value_exercise(
        "ch3-ex-farthest",
        "Farthest point versus D² sampling",
        3,
        "farthest_first(X, k, first) -> centers (k, d): start at X[first], "
        "then take the point farthest from the centres so far (ties: the "
        "lowest index).",
        fn=("farthest_first", "X, k, first"),
    ),
    discussion(
        "ch3-ex-restarts",
        "Restarts against a better start",
        3,
        DATA_NOTE.format("make_blobs"),
    ),
    discussion(
        "ch3-ex-bound", "Test the bound", 3, DATA_NOTE.format("make_blobs")
    ),
    value_exercise(
        "ch4-ex-by-hand",
        "A silhouette by hand",
        4,
        "(a, b, s) for the point 3, then (a, b, s) for the point 7: six "
        "numbers.",
    ),
    function_exercise(
        "ch4-ex-own-silhouette",
        "The silhouette, yourself",
        4,
        ["silhouette_samples"],
    ),
    discussion(
        "ch4-ex-gap",
        "The gap statistic and its references",
        4,
        DATA_NOTE.format("load_iris"),
    ),
    discussion(
        "ch4-ex-ch",
        "Calinski–Harabasz on overlapping blobs",
        4,
        DATA_NOTE.format("make_blobs"),
    ),
    discussion(
        "ch4-ex-try-three-scores",
        "Elbow, silhouette and gap, side by side",
        4,
        DATA_NOTE.format("make_blobs"),
    ),
    value_exercise(
        "ch5-ex-core-count",
        "Core points from the k-distance plot",
        5,
        "The number of core points of the moons for eps = 0.05, 0.1, 0.14 "
        "and 0.2, with m = 5: four counts.",
    ),
    value_exercise(
        "ch5-ex-noise",
        "Noise that k-means cannot refuse",
        5,
        "The tuple (eps, min_samples, count): your DBSCAN parameters and how "
        "many of the 60 added points it labels as noise.",
    ),
    value_exercise(
        "ch5-ex-circles",
        "Rings",
        5,
        "The tuple (eps, min_samples) for which DBSCAN separates the two "
        "rings (ARI 1).",
    ),
    function_exercise("ch5-ex-own-dbscan", "DBSCAN yourself", 5, ["dbscan"]),
    value_exercise(
        "ch5-ex-try-three",
        "Three clusters are not the three blobs",
        5,
        "The tuple (eps, count): the smallest eps of 0.1, 0.2, ... for which "
        "DBSCAN with min_samples = 5 finds exactly three clusters on X_noisy, "
        "and how many of the 60 added points it labels as noise.",
    ),
    value_exercise(
        "ch6-ex-grey",
        "Four after all",
        6,
        "The four ratios MSE(K) / MSE(2K) for K = 2, 4, 8, 16 on the grey "
        "ramp.",
    ),
    value_exercise(
        "ch6-ex-db",
        "Decibels per doubling",
        6,
        "Three numbers: the dB of PSNR that each doubling of K adds when "
        "d = 1, 2 and 3.",
    ),
    discussion(
        "ch6-ex-shared",
        "One palette for two images",
        6,
        DATA_NOTE.format("load_sample_image"),
    ),
    function_exercise(
        "ch6-ex-own-quantize", "Your own palette", 6, ["quantize"]
    ),
    discussion(
        "ch6-ex-try-30db",
        "Thirty decibels",
        6,
        DATA_NOTE.format("load_sample_image"),
    ),
    function_exercise(
        "ch7-ex-step", "Your own mini-batch step", 7, ["minibatch_step"]
    ),
    function_exercise("ch7-ex-map", "The map step", 7, ["map_chunk"]),
    value_exercise(
        "ch7-ex-passes",
        "Passes by hand",
        7,
        "The tuple (t_plusplus, t_parallel): the seconds that seeding k = "
        "1000 centres takes on 10**9 points at 100 s per pass, with k-means++ "
        "and with k-means|| in 5 rounds (the runs on X are not checked: its "
        "blobs come from scikit-learn).",
    ),
)


class ExerciseList(list):
    """The exercises, printed as a table: chapter, label, kind, checkers."""

    def __repr__(self) -> str:
        lines = [f"{'ch':<3}{'exercise':<24}{'kind':<11}checker / answer"]
        for ex in self:
            what = "(no checker: compare with the solution)"
            if ex.kind == "value":
                what = f'selfcheck.check("{ex.label}", answer)'
            if ex.kind == "function":
                what = "; ".join(
                    f"selfcheck.{n}: {sig}" for n, sig in ex.checkers
                )
            lines.append(f"{ex.chapter:<3}{ex.label:<24}{ex.kind:<11}{what}")
            lines.append(f"{'':<3}  {ex.title}")
            if ex.kind == "value":
                lines.append(f"{'':<3}  answer: {ex.answer}")
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))
