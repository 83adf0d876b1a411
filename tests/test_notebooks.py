"""The book's notebooks are committed executed, listed in the table of contents, and small.

nbval passes trivially on a notebook without stored outputs, so this test
makes sure there is something to compare: every non-empty code cell has been
executed, in order, in one fresh kernel (``make execute``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
MAX_BYTES = 3 * 2**20  # DESIGN: a chapter stays under 3 MB with its figures


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def toc_files() -> set[str]:
    files = set()
    for line in (ROOT / "_toc.yml").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        for key in ("root:", "- file:", "file:"):
            if line.startswith(key):
                files.add(line[len(key) :].strip())
                break
    return files


def test_there_are_notebooks():
    assert NOTEBOOKS, "book/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_executed_in_order(path):
    cells = code_cells(load(path))
    counts = [c.get("execution_count") for c in cells]
    missing = [i for i, n in enumerate(counts) if n is None]
    assert not missing, f"{path.name}: code cells {missing} were never executed; run `make execute`"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(counts)} in order; "
        "re-run the notebook top to bottom with `make execute`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_error_outputs(path):
    for i, cell in enumerate(code_cells(load(path))):
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: cell {i} stored an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_python3_kernel(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stays_small(path):
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{path.name} is {size / 2**20:.1f} MiB; lower figure dpi or frames"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_table_of_contents(path):
    assert f"book/{path.stem}" in toc_files(), f"{path.name} is missing from _toc.yml"


def test_every_toc_entry_exists():
    for entry in toc_files():
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(p.exists() for p in candidates), f"_toc.yml lists {entry}, which does not exist"
