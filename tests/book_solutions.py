"""The book's exercise solutions, read straight from book/*.ipynb, and markers to find them by.

Used by tests/test_learner_notebooks.py and tests/test_student_edition.py to
prove that no solution reaches a learner. This reader is deliberately
independent of tools/make_notebooks.py (a line scanner, not its parser): a
bug that makes the generator miss a solution must not make the tests miss it
too.

A marker is a piece of a solution that appears nowhere else in the book: its
longest such code line, and its longest run of plain words (no markup, no
quotes or dashes that Sphinx's smart quotes would change), whitespace
normalised (and not in kmlib's docstrings, which the API page shows), taken from what the website shows of the solution (not from its
hidden check cells). A solution without any marker is an error, so the tests cannot
pass by finding nothing to look for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
START = re.compile(r"^\s*(`{3,}|:{3,})\{solution-start\}\s*(\S+)")
END = re.compile(r"^\s*(`{3,}|:{3,})\{solution-end\}")
PLAIN = re.compile(r"^\s*(`{3,}|:{3,})\{solution\}\s*(\S+)")
LIST_ITEM = re.compile(r"^\s*(\d+[.)]|[-+*])\s+")
MARKUP = re.compile(r"[*`$\[\](){}\\_|<>#=\n]|--|\.\.\.|['\"\u2018\u2019\u201c\u201d]")


@dataclass
class Solution:
    notebook: str
    label: str
    code: list[str] = field(default_factory=list)  # whole code cells the website shows
    hidden: list[str] = field(default_factory=list)  # its remove-cell check cells
    prose: list[str] = field(default_factory=list)  # Markdown text
    markers: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    return " ".join(text.split())


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def read(path: Path) -> tuple[list[Solution], str]:
    """The solutions of one notebook, and all its text outside them."""
    solutions: list[Solution] = []
    outside: list[str] = []
    gated: Solution | None = None
    for cell in _cells(path):
        source = _source(cell)
        if cell["cell_type"] == "code":
            removed = "remove-cell" in cell.get("metadata", {}).get("tags", [])
            if gated is None:
                outside.append(source)
            else:
                (gated.hidden if removed else gated.code).append(source)
            continue
        lines = source.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if gated is None and (m := START.match(line)):
                gated = Solution(path.name, m[2])
                solutions.append(gated)
                i = _skip_fence(lines, i, m[1])
            elif gated is not None and END.match(line):
                gated = None
                i = _skip_fence(lines, i, END.match(line)[1])
            elif gated is None and (m := PLAIN.match(line)):
                solution = Solution(path.name, m[2])
                end = _skip_fence(lines, i, m[1], options_only=False)
                solution.prose.append("\n".join(lines[i + 1 : end - 1]))
                solutions.append(solution)
                i = end
            else:
                (gated.prose if gated else outside).append(line)
                i += 1
    return solutions, "\n".join(outside)


def _skip_fence(lines: list[str], i: int, fence: str, options_only: bool = True) -> int:
    """The index after the fence opened at line ``i`` closes."""
    closer = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for j in range(i + 1, len(lines)):
        if closer.match(lines[j]):
            return j + 1
    raise AssertionError(f"an unclosed solution fence: {lines[i]!r}")


def book_solutions() -> list[Solution]:
    """Every solution of every chapter, with its markers."""
    solutions: list[Solution] = []
    outside: list[str] = []
    for path in sorted(BOOK.glob("*.ipynb")):
        found, rest = read(path)
        solutions += found
        outside.append(rest)
    outside += [p.read_text(encoding="utf-8") for p in sorted(BOOK.glob("*.md"))]
    # kmlib's docstrings are on the API page
    outside += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "kmlib").rglob("*.py"))]
    elsewhere = normalise("\n".join(outside))
    for solution in solutions:
        code_lines = [
            normalise(line)
            for cell in solution.code
            for line in cell.splitlines()
            if len(line.strip()) >= 16
        ]
        runs = [
            normalise(run)
            for text in solution.prose
            for line in text.splitlines()
            for run in MARKUP.split(LIST_ITEM.sub("", line))  # "2. " becomes <li>
            if len(run.split()) >= 5
        ]
        for candidates in (code_lines, runs):
            unique = [c for c in candidates if c not in elsewhere]
            if unique:
                solution.markers.append(max(unique, key=len))
        assert solution.markers, (
            f"{solution.notebook}: no marker for the solution of {solution.label}"
        )
    return solutions
