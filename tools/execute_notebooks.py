"""Re-execute notebooks in place, deterministically, for committing (``make execute``).

Each notebook runs top to bottom in a fresh kernel from its own folder, with
``PYTHONHASHSEED=0`` and matplotlib's inline backend, and without
per-cell timing metadata, so that re-running an unchanged notebook changes
nothing but what really changed. The run time of each notebook is printed:
DESIGN §5 asks for under 20 s.

Usage: python tools/execute_notebooks.py book/01_distance.ipynb [...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def execute(path: Path, timeout: int = 300) -> float:
    """Execute one notebook in place and return its run time in seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata["language_info"] = {
        k: v for k, v in nb.metadata.get("language_info", {}).items() if k in ("name", "version")
    }
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    os.environ["PYTHONHASHSEED"] = "0"
    # Figures are shown inline, as in Jupyter, nbval and the website build,
    # whatever backend the calling shell asked for.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    if not paths:
        print(__doc__)
        return 2
    for name in paths:
        seconds = execute(Path(name))
        flag = "" if seconds < 20 else "   <-- over the 20 s budget of DESIGN §5"
        print(f"{name}: executed in {seconds:.1f} s{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
