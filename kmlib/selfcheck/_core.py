"""What every checker shares: the result, calling the learner's code, messages.

A checker runs *cases* (smallest first) through the learner's function. The
first case that fails stops the run with a :class:`Failure`, whose message is
the case shown as data; an exception raised by the learner's code becomes
status ``"error"`` with its type, its message and the learner's own line.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import textwrap
import traceback
import warnings

import numpy as np

STATUSES = ("not attempted", "error", "wrong", "correct")
_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(path))
    for path in (np.__file__, os.__file__, os.path.dirname(__file__))
)
KMLIB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    name : str
        The checker (``"assign"``) or exercise label (``"ch2-ex-mean"``).
    status : {"not attempted", "error", "wrong", "correct"}
        What the check found.
    message : str
        The feedback that was printed.
    """

    name: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True exactly when the status is ``"correct"``."""
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        # One short line: the printed feedback is the message, so a result
        # shown at the end of a notebook cell must not repeat it.
        return f"<CheckResult {self.name}: {self.status}>"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


class Failure(Exception):
    """A check that did not pass: ``status`` and the message to show."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class NotAttempted(Exception):
    """The starter is still there (NotImplementedError, or None returned)."""


def wrong(message: str) -> Failure:
    """A :class:`Failure` with status ``"wrong"``."""
    return Failure("wrong", message)


def is_library_file(filename: str) -> bool:
    """Whether a traceback frame belongs to numpy, Python or kmlib itself."""
    path = os.path.abspath(filename)
    if path.startswith(KMLIB_DIR + os.sep):
        return True
    return any(path.startswith(folder + os.sep) for folder in _LIBRARY_DIRS)


def describe_exception(exc: BaseException) -> str:
    """The exception's type and message and the learner's own line."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [frame for frame in frames if not is_library_file(frame.filename)]
    text = f"{type(exc).__name__}: {exc}"
    if own or frames:
        frame = (own or frames)[-1]
        where = f"line {frame.lineno} of {frame.name}"
        if frame.line:
            where += f":  {frame.line.strip()}"
        text += f"\n  raised at {where}"
    return text


class Learner:
    """The learner's function, called safely.

    The first call decides "not attempted" (``NotImplementedError`` or
    ``None``); later calls turn an exception into status ``"error"``.
    Warnings are recorded, not printed, and reported with a failure. The
    function gets copies of the arguments; ``last_args`` keeps the copies of
    the last call, so that a check can tell whether it changed them.
    """

    def __init__(self, fn, name: str):
        self.fn = fn
        self.name = name
        self.calls = 0
        self.warnings: list[str] = []
        self.last_args: list = []

    def __call__(self, *args, **kwargs):
        args = self.last_args = [copy_input(a) for a in args]
        first = self.calls == 0
        self.calls += 1
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = self.fn(*args, **kwargs)
            except NotImplementedError as exc:
                if first:
                    raise NotAttempted from None
                raise Failure("error", describe_exception(exc)) from None
            except Exception as exc:
                raise Failure("error", describe_exception(exc)) from None
        for item in caught:
            text = f"{item.category.__name__}: {item.message}"
            if text not in self.warnings:
                self.warnings.append(text)
        if value is None:
            if first:
                raise NotAttempted
            raise wrong("your function returned None: is a `return` missing?")
        return value


def copy_input(value):
    """A copy of an argument, so the learner cannot change the key's."""
    if isinstance(value, np.ndarray | list | tuple | dict):
        return copy.deepcopy(value)
    return value


@dataclasses.dataclass(frozen=True)
class Case:
    """One input of a checker: a title (what it tests) and the arguments."""

    title: str
    args: dict


def table_cases(keys: tuple, rows):
    """Cases from a table: every row is ``(title, *values)`` for ``keys``."""
    for title, *values in rows:
        yield Case(title, dict(zip(keys, values, strict=True)))


def feedback(result: CheckResult) -> str:
    """The text printed for a result."""
    name = result.name
    if result.status == "not attempted" and result.message:
        return f"{name}: not attempted yet. {result.message}"
    if result.status == "not attempted":
        return (
            f"{name}: not attempted yet. Replace `raise NotImplementedError` "
            f"with your code and run the check again. Stuck? "
            f'selfcheck.hint("{name}")'
        )
    if result.status == "correct":
        return f"{name}: correct! {result.message}"
    head = "your code raised an error" if result.status == "error" else ""
    head = head or "not yet right"
    return (
        f"{name}: {head}.\n{result.message}\n"
        f'Stuck? selfcheck.hint("{name}") gives a hint; '
        f'selfcheck.hint("{name}", 2) a stronger one.'
    )


#: Feedback lines are wrapped to this width: they fit the book's code boxes.
WIDTH = 79


def wrap(text: str, width: int = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped at spaces.

    A wrapped line keeps its indentation on its continuation lines, so data
    shown indented stays aligned.
    """
    lines = []
    for line in text.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        if len(line) <= width or not line.strip():
            lines.append(line)
            continue
        lines.append(
            textwrap.fill(
                line,
                width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def finish(name: str, status: str, message: str) -> CheckResult:
    """Print the feedback (wrapped to :data:`WIDTH`) and return the result."""
    result = CheckResult(name, status, message)
    print(wrap(feedback(result)))
    return result


def run(name: str, fn, cases, check, covered: str) -> CheckResult:
    """Run ``check(learner, case)`` on every case, smallest first.

    ``cases`` is an iterable of :class:`Case`; ``check`` raises
    :class:`Failure` on the first problem. ``covered`` is the line printed
    when every case passes.
    """
    if fn is None:
        return finish(name, "not attempted", "")
    if not callable(fn):
        return finish(name, "wrong", pass_the_function(name, fn))
    learner = Learner(fn, name)
    try:
        for case in cases:
            try:
                check(learner, case)
            except NotAttempted:
                raise
            except Exception as exc:  # a Failure, or output too odd to read
                status, text = getattr(exc, "status", "wrong"), unreadable(exc)
                text = getattr(exc, "message", text)
                raise Failure(status, f"Case: {case.title}\n{text}") from None
    except NotAttempted:
        return finish(name, "not attempted", "")
    except Failure as failure:
        message = failure.message
        if learner.warnings:
            message += "\nYour code warned: " + "; ".join(learner.warnings[:2])
        return finish(name, failure.status, message)
    return finish(name, "correct", covered)


def unreadable(exc: Exception) -> str:
    """The message when selfcheck cannot even compare the output."""
    return (
        "selfcheck could not compare what your function returned with the "
        f"expected answer ({type(exc).__name__}: {exc}). Check the types and "
        "shapes it returns against selfcheck.exercises()."
    )


def pass_the_function(name: str, value) -> str:
    """The message for a checker given something that is not a function."""
    return (
        f"selfcheck.{name} needs your function itself, for example "
        f"selfcheck.{name}(my_{name}) (no parentheses after my_{name}); "
        f"it got a {type(value).__name__}."
    )
