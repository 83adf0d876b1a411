"""Shown code lines are at most 80 characters (issue 15), so code never scrolls sideways.

The website shows the source of every code cell except those tagged
``remove-cell`` or ``remove-input`` (a ``hide-input`` cell's source is one click
away, so it counts too). 80 characters fit the content column at 1280 px in the
theme's code font (tests/test_legibility.py checks that in a browser).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
MAX_CHARS = 80
NOT_SHOWN = {"remove-cell", "remove-input"}


def shown_code_cells(notebook: Path) -> list[tuple[int, str]]:
    """``(cell index, source)`` of the code cells whose source the website shows."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        (i, "".join(c["source"]))
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and not NOT_SHOWN & set(c.get("metadata", {}).get("tags", []))
    ]


def long_lines(notebook: Path, limit: int = MAX_CHARS) -> list[str]:
    """``"cell 12, line 3: 93 characters"`` for every shown code line over ``limit``."""
    return [
        f"cell {i}, line {n}: {len(line)} characters: {line[:60]}..."
        for i, source in shown_code_cells(notebook)
        for n, line in enumerate(source.splitlines(), start=1)
        if len(line) > limit
    ]


def test_the_rule_sees_long_lines(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "y" * 81]},
            {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": ["z" * 99]},
            {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": ["w" * 80]},
            {"cell_type": "markdown", "metadata": {}, "source": ["m" * 200]},
        ]
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert [line.split(":")[0] for line in long_lines(path)] == ["cell 0, line 2"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_shown_code_lines_fit(notebook):
    offenders = long_lines(notebook)
    assert not offenders, (
        f"{notebook.name}: {len(offenders)} shown code lines over {MAX_CHARS} characters:\n"
        + "\n".join(offenders)
    )
