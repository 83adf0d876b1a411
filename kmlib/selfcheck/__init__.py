"""Self-checks for the learner's own code: one checker per core algorithm.

Each checker takes *your* function, runs it on named edge cases (smallest
first) and seeded random data, compares it with kmlib's own function, prints
short feedback and returns a :class:`CheckResult`::

    from kmlib import selfcheck

    def my_assign(X, C):
        ...

    selfcheck.assign(my_assign)       # prints feedback, returns a result
    selfcheck.hint("assign")          # a gentle hint; ("assign", 2) more
    selfcheck.exercises()             # every checker and exercise

A result's ``status`` is ``"not attempted"`` (the starter still raises
``NotImplementedError`` or returns ``None``), ``"error"`` (your code raised:
its message and your line are shown), ``"wrong"`` (the smallest failing case,
as data) or ``"correct"``; ``passed`` is True only for ``"correct"``.
Exercises whose answer is a number or a small array are checked by
:func:`check`. Only numpy is needed.
"""

from __future__ import annotations

import difflib

from ._core import CheckResult, finish, run
from ._dbscan import dbscan
from ._distance import euclidean, nearest
from ._exercises import EXERCISES, Exercise, ExerciseList
from ._hints import ALIASES, HINTS
from ._lloyd import assign, lloyd, update
from ._quantize import quantize
from ._scale import map_chunk, minibatch_step
from ._seeding import kmeans_plusplus
from ._silhouette import silhouette_samples
from ._values import FUNCTION_ANSWERS, check_value

__all__ = [
    "CheckResult",
    "Exercise",
    "euclidean",
    "nearest",
    "assign",
    "update",
    "lloyd",
    "kmeans_plusplus",
    "silhouette_samples",
    "dbscan",
    "quantize",
    "minibatch_step",
    "map_chunk",
    "check",
    "hint",
    "exercises",
]

CHECKERS = (
    "euclidean",
    "nearest",
    "assign",
    "update",
    "lloyd",
    "kmeans_plusplus",
    "silhouette_samples",
    "dbscan",
    "quantize",
    "minibatch_step",
    "map_chunk",
)


def exercises() -> ExerciseList:
    """Every exercise of the book, with its checkers and starter.

    Returns
    -------
    ExerciseList
        A list of :class:`Exercise` records (``label``, ``title``,
        ``chapter``, ``kind``, ``checkers``, ``starter``, ``check_source``,
        ``answer``, ``note``), in the order of the book; printed, it is a
        table of every checker, its signature and its exercise.
    """
    return ExerciseList(EXERCISES)


def unknown(name: str, known) -> ValueError:
    """A ValueError for a name that is neither a checker nor a label."""
    close = difflib.get_close_matches(name, list(known), n=1)
    guess = f"; did you mean {close[0]!r}?" if close else ""
    return ValueError(
        f"unknown exercise or checker {name!r}{guess} "
        "(selfcheck.exercises() lists them)"
    )


def check(label: str, answer) -> CheckResult:
    """Check the answer of an exercise whose answer is a value or code.

    Parameters
    ----------
    label : str
        The exercise's label, for example ``"ch6-ex-db"``.
    answer : object
        What :func:`exercises` says for that label (its ``answer`` field):
        a number, a tuple of numbers, or a function. ``None`` means "not
        attempted".

    Returns
    -------
    CheckResult

    Raises
    ------
    ValueError
        If ``label`` is not an exercise with a value answer.

    Notes
    -----
    Every key is computed by kmlib and numpy here, on the data the chapter
    builds with :mod:`kmlib.datasets`. What passes: exact values within
    1e-9 (d1, f(1), f(mean), the median, the first power p, kmlib.nearest's
    value, core counts, the recount of noise points, n_init from your p);
    hand computations within 1e-3 (D² probabilities, a, b and s of the
    silhouette by hand); the predicted shift within a factor 2 of
    1/sqrt(2 eps); simulations within their noise (mean squared distance
    within 2 % of d/6, mean distance within 0.006 of a 100 000-pair
    simulation, which rejects sqrt(d/6) itself); the grey-ramp ratios within
    0.25 of kmlib's (any seed); dB per doubling within 0.01; the rings'
    (eps, min_samples) must give ARI 1; the noise exercise's eps must leave
    at least 30 of the 60 added points and at most 30 blob points as noise;
    the widget exercises' answers exactly: the midpoint of c0 and c1 (1e-9)
    and kmlib.nearest's label there, and the first eps of 0.1, 0.2, ... with
    three clusters on the noisy blobs (1e-9) and its noise count among the
    added points; the seconds of seeding by passes (1e-9 relative).
    Function answers are compared with numpy's formula on small tables
    (1e-9), and farthest-first exactly.
    """
    kinds = {ex.label: ex.kind for ex in EXERCISES}
    if kinds.get(label) != "value":
        if label in kinds:
            raise ValueError(
                f"{label!r} is a {kinds[label]} exercise: "
                + (
                    "check it with its checker (selfcheck.exercises())"
                    if kinds[label] == "function"
                    else "there is no value to check; compare with the "
                    "solution in the book"
                )
            )
        raise unknown(label, kinds)
    if label in FUNCTION_ANSWERS:
        cases, compare, covered = FUNCTION_ANSWERS[label]
        return run(label, answer, cases(), compare, covered)
    if answer is None:
        form = next(ex.answer for ex in EXERCISES if ex.label == label)
        return finish(label, "not attempted", f"Set answer to {form}")
    status, message = check_value(label, answer)
    return finish(label, status, message)


def hint(name: str, n: int = 1) -> None:
    """Print hint number ``n`` for a checker or an exercise label.

    ``n = 1`` is gentle; higher numbers are more specific, and the last one
    is nearly the answer. Asking beyond the last hint says so.

    Parameters
    ----------
    name : str
        A checker (``"assign"``) or an exercise label (``"ch2-ex-mean"``).
    n : int, default 1
        Which hint, from 1.
    """
    hints = HINTS.get(ALIASES.get(name, name))
    if hints is None:
        raise unknown(name, list(HINTS) + list(ALIASES))
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an integer >= 1; got {n!r}")
    if n > len(hints):
        print(
            f"There are {len(hints)} hints for {name}, and you have seen "
            "them all. Keep going: the solution in the book (after the "
            "exercise) shows one way to do it."
        )
        return
    more = " (the last one)" if n == len(hints) else ""
    print(f"Hint {n} of {len(hints)} for {name}{more}: {hints[n - 1]}")
