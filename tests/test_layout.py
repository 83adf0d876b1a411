"""The layout of kmlib (DESIGN §2, §3.1): what a reader and a maintainer can rely on.

- chapter modules are private and ``kmlib`` re-exports them, so no public
  name shadows a module;
- the public functions the book shows are the readable algorithms (short, no
  private names), and no function outside ``_kernels/`` and ``plot/`` is long;
- modules share only the helpers meant to be shared;
- notebooks show only public functions' sources.
"""

from __future__ import annotations

import ast
import inspect
import pkgutil
import re
import textwrap
import types
from pathlib import Path

import nbformat
import pytest

import kmlib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kmlib"
SHARED = {"_validation", "_blocks", "_kernels"}  # the modules whose private names may be imported

#: The functions each chapter derives and shows: the algorithm, in the chapter's names.
READABLE = [
    "assign",
    "update",
    "inertia",
    "lloyd",
    "kmeans_plusplus",
    "silhouette_samples",
    "gap_statistic",
    "dbscan",
    "quantize",
]
READABLE_MAX_LINES = 30
FUNCTION_MAX_LINES = 40


def code_lines(source: str) -> int:
    """Lines of a function's body: no signature, docstring, blank or comment-only lines.

    The signature is left out because the formatter puts one parameter per
    line once they do not fit one line: that is layout, not algorithm.
    """
    tree = ast.parse(source)
    node = tree.body[0]
    body = node.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    lines = source.splitlines()[body[0].lineno - 1 :]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def private_identifiers(source: str) -> set[str]:
    """Names starting with one underscore used in a function's code (docstring excluded)."""
    tree = ast.parse(source)
    node = tree.body[0]
    if ast.get_docstring(node) is not None:
        node.body = node.body[1:]
    names = set()
    for sub in ast.walk(node):
        name = None
        if isinstance(sub, ast.Name):
            name = sub.id
        elif isinstance(sub, ast.Attribute):
            name = sub.attr
        if name and re.match(r"_[A-Za-z]", name) and not name.startswith("__"):
            names.add(name)
    return names


def modules():
    """Every module file of kmlib, as (dotted name, path)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def functions(path: Path):
    """Every function and method defined in a module file, with its source."""
    text = path.read_text()
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, ast.get_source_segment(text, node, padded=True)


def test_no_public_name_is_also_a_submodule_name():
    submodules = {info.name for info in pkgutil.iter_modules(kmlib.__path__)}
    shadowing = [
        name
        for name in kmlib.__all__
        if name in submodules and not isinstance(getattr(kmlib, name), types.ModuleType)
    ]
    assert shadowing == []
    chapter_modules = {
        "distance",
        "lloyd",
        "seeding",
        "choosing_k",
        "dbscan",
        "metrics",
        "quantize",
    }
    assert not chapter_modules & submodules, "chapter modules are private (kmlib/_lloyd.py, ...)"


def test_every_public_name_is_importable_from_the_top_level():
    for name in kmlib.__all__:
        assert hasattr(kmlib, name), name


@pytest.mark.parametrize("folder", ["book", "tests"])
def test_nothing_uses_import_module(folder):
    offenders = []
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix not in {".py", ".ipynb", ".md"} or path.name == "test_layout.py":
            continue
        text = path.read_text()
        if path.suffix == ".ipynb":
            text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        if "import_module" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize("name", READABLE)
def test_readable_function_is_short_and_uses_no_private_names(name):
    source = inspect.getsource(getattr(kmlib, name))
    assert code_lines(source) <= READABLE_MAX_LINES, (name, code_lines(source))
    assert private_identifiers(source) == set(), name
    wide = [line for line in source.splitlines() if len(line) > 80]
    assert wide == [], f"{name}: shown code lines must fit 80 columns"


def test_no_function_outside_kernels_and_plot_is_long():
    long = []
    for dotted, path in modules():
        if dotted.startswith(("kmlib._kernels", "kmlib.plot")):
            continue
        for name, source in functions(path):
            lines = code_lines(textwrap.dedent(source))
            if lines > FUNCTION_MAX_LINES:
                long.append(f"{dotted}.{name}: {lines} lines")
    assert long == []


def private_imports(path: Path):
    """``(module, name)`` for every private name a module imports from another kmlib module."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            module = node.module or ""
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield module, alias.name


def test_modules_import_private_names_only_from_the_shared_helpers():
    offenders = []
    for dotted, path in modules():
        for module, name in private_imports(path):
            if module.split(".")[0] not in SHARED:
                offenders.append(f"{dotted} imports {name} from {module or '.'}")
    assert offenders == []


def test_every_kernel_opens_with_a_notes_section_on_its_numerics():
    kernels = sorted((PACKAGE / "_kernels").glob("*.py"))
    assert kernels, "kmlib/_kernels/ holds the fast paths"
    for path in kernels:
        if path.name == "__init__.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        assert re.search(r"^Notes\n-----$", doc, flags=re.M), path.name


SHOWN = re.compile(r"(?:getsource|show_source)\(\s*([\w.]+)\s*\)")


def shown_sources():
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for target in SHOWN.findall(cell.source):
                    if target != "obj":  # a helper's parameter
                        yield path.name, target


def test_notebooks_show_only_public_readable_functions():
    shown = list(shown_sources())
    assert shown, "the chapters show kmlib's source"
    for notebook, target in shown:
        parts = target.split(".")
        assert parts[0] == "kmlib", (notebook, target)
        if notebook.startswith("appendix"):  # the appendix shows the kernels themselves
            assert target.startswith("kmlib._kernels."), (notebook, target)
            continue
        assert len(parts) == 2 and parts[1] in kmlib.__all__, (notebook, target)
        source = inspect.getsource(getattr(kmlib, parts[1]))
        assert private_identifiers(source) == set(), (notebook, target)
