"""The learner notebooks (notebooks/, `make notebooks`): current, plain Markdown, no solutions.

Also unit tests of tools/make_notebooks.py's MyST conversions on small
strings. Running the notebooks themselves is `make learner-test`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from book_solutions import book_solutions, normalise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_notebooks as mk  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
LEARNER = ROOT / CONFIG["sphinx"]["config"]["learner_notebooks"]
# the chapters of _toc.yml (tests/test_notebooks.py checks that every notebook is listed)
BOOK_NOTEBOOKS = [
    ROOT / f"{d}.ipynb" for d in mk.toc_docnames(ROOT) if (ROOT / f"{d}.ipynb").exists()
]
MYST = [
    ("{term}", re.compile(r"\{term\}`")),
    ("{cite}", re.compile(r"\{cite(:\w+)?\}`")),
    ("{ref}/{numref}/{doc}", re.compile(r"\{(ref|numref|doc|eq)\}`")),
    ("any role", re.compile(r"\{[a-z][\w:-]*\}`")),
    ("```{", re.compile(r"^\s*`{3,}\{", re.M)),
    (":::{", re.compile(r"^\s*:{3,}\{", re.M)),
    ("(label)=", re.compile(r"^\s*\([\w-]+\)=\s*$", re.M)),
]
EXERCISE = re.compile(r"^\s*`{3,}\{exercise\}\s*(.*?)\s*\n:label:\s*(\S+)", re.M)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def learner_paths() -> list[Path]:
    return [LEARNER / p.name for p in BOOK_NOTEBOOKS]


@pytest.fixture(scope="module")
def book():
    return mk.index_book(ROOT)


# ------------------------------------------------------------- the committed notebooks


def test_notebooks_are_up_to_date():
    expected = mk.learner_notebooks(ROOT)
    assert sorted(expected) == sorted(p.name for p in BOOK_NOTEBOOKS)
    committed = sorted(p.name for p in LEARNER.glob("*.ipynb"))
    assert committed == sorted(expected), "notebooks/ lists other files: run `make notebooks`"
    stale = [n for n, text in expected.items() if (LEARNER / n).read_text("utf-8") != text]
    assert not stale, f"{stale} are out of date with book/: run `make notebooks` and commit"


@pytest.mark.parametrize("path", learner_paths(), ids=lambda p: p.name)
def test_learner_notebook_is_valid_nbformat4_python3(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", learner_paths(), ids=lambda p: p.name)
def test_no_myst_syntax(path):
    for index, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for what, pattern in MYST:
            found = pattern.search(source(cell))
            assert not found, f"{path.name} cell {index} contains {what}: {found[0]!r}"


@pytest.mark.parametrize("path", learner_paths(), ids=lambda p: p.name)
def test_no_remove_cell(path):
    for index, cell in enumerate(load(path)["cells"]):
        assert "remove-cell" not in cell.get("metadata", {}).get("tags", []), (path.name, index)
        assert "NBVAL_" not in source(cell), f"{path.name} cell {index}: an nbval comment"


def test_no_solution_in_any_learner_notebook():
    texts = {p.name: [source(c) for c in load(p)["cells"]] for p in learner_paths()}
    everything = normalise("\n".join(t for cells in texts.values() for t in cells))
    solutions = book_solutions()
    assert len(solutions) >= 20, "the reader of book solutions found too few"
    for solution in solutions:
        for marker in solution.markers:
            assert marker not in everything, (
                f"the solution of {solution.label} ({solution.notebook}) leaks: {marker!r}"
            )
        for cell in solution.code + solution.hidden:
            whole = cell.strip()
            leaked = [n for n, cells in texts.items() if whole and any(whole in c for c in cells)]
            assert not leaked, f"a code cell of the solution of {solution.label} is in {leaked}"


@pytest.mark.parametrize("book_path", BOOK_NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_of_the_book_appears(book_path, book):
    text = "\n".join(source(c) for c in load(book_path)["cells"] if c["cell_type"] == "markdown")
    exercises = EXERCISE.findall(text)
    learner = load(LEARNER / book_path.name)
    headings = [
        line
        for cell in learner["cells"]
        if cell["cell_type"] == "markdown"
        for line in source(cell).splitlines()
        if line.startswith("### Exercise")
    ]
    assert len(headings) == len(exercises), (book_path.name, headings, exercises)
    inline = mk.Inline(book, f"book/{book_path.stem}")
    for title, label in exercises:
        assert f"### Exercise: {inline(title, label)}" in headings, (book_path.name, label)
    # each solution became one link to the website
    solved = [s for s in book_solutions() if s.notebook == book_path.name]
    links = re.findall(r"\[the solution on the website\]\([^)]+\)", json.dumps(learner))
    assert len(links) == len(solved), (book_path.name, len(links), len(solved))


def test_every_checked_exercise_has_a_starter_and_a_checker():
    selfcheck = pytest.importorskip("kmlib.selfcheck")
    if not hasattr(selfcheck, "exercises"):
        pytest.skip("kmlib.selfcheck.exercises() is still being written")
    records = [r for r in selfcheck.exercises() if mk._field(r, "kind") in {"function", "value"}]
    assert records, "selfcheck lists no function or value exercise"
    cells = {p.name: load(p)["cells"] for p in learner_paths()}
    for record in records:
        label = mk._field(record, "label")
        found = [
            (name, i)
            for name, nb in cells.items()
            for i, c in enumerate(nb)
            if c.get("id") == f"{label}-starter"
        ]
        assert len(found) == 1, f"{label}: {len(found)} starter cells"
        name, i = found[0]
        starter, check = cells[name][i], cells[name][i + 1]
        assert source(starter).strip() == mk._field(record, "starter").strip()
        assert "from kmlib import selfcheck" in source(check)
        assert mk._field(record, "check_source").strip() in source(check)
        assert starter["outputs"] == [] and check["outputs"] == []
        previous = [source(c) for c in cells[name][:i] if c["cell_type"] == "markdown"]
        assert previous[-1].lstrip().startswith("### Exercise"), (label, previous[-1][:80])


@pytest.mark.parametrize("path", learner_paths(), ids=lambda p: p.name)
def test_install_cell_is_first_and_uses_the_configured_url(path):
    first = load(path)["cells"][0]
    assert first["cell_type"] == "code" and first["outputs"] == []
    url = CONFIG["repository"]["url"]
    assert re.search(rf'"kmlib\[plot(,dask)?\] @ git\+{re.escape(url)}"', source(first))


def test_install_cell_installs_only_where_kmlib_is_missing(monkeypatch):
    from IPython.core.inputtransformer2 import TransformerManager

    cell = source(load(learner_paths()[0])["cells"][0])
    python = TransformerManager().transform_cell(cell)
    calls = []

    class Shell:
        def run_line_magic(self, name, line):
            calls.append((name, line))

    exec(compile(python, "install", "exec"), {"get_ipython": Shell})
    assert calls == [], "kmlib is importable here, so the install cell must do nothing"
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "kmlib" else real(n, *a)
    )
    exec(compile(python, "install", "exec"), {"get_ipython": Shell})
    assert calls == [("pip", f'install --quiet "kmlib[plot] @ git+{CONFIG["repository"]["url"]}"')]


def test_generation_is_deterministic(book):
    path = ROOT / "book" / "appendix_fast.ipynb"
    first, second = (
        nbformat.writes(
            mk.Converter(book, "book/appendix_fast", {}).convert(
                mk.nbformat.read(path, as_version=4)
            )
        )
        for _ in range(2)
    )
    assert first == second


# --------------------------------------------------- the generator on small strings


def convert(book, markdown: str, registry=None, docname: str = "book/02_lloyd") -> list[dict]:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    }
    cells = markdown if isinstance(markdown, list) else [markdown]
    nb.cells = [nbformat.v4.new_markdown_cell(c) if isinstance(c, str) else c for c in cells]
    return mk.Converter(book, docname, registry or {}).convert(nb).cells[1:]


def md(book, markdown: str) -> str:
    return "\n\n".join(c.source for c in convert(book, markdown))


def test_term_becomes_bold_link_to_the_glossary(book):
    base = CONFIG["html"]["baseurl"]
    assert md(book, "the {term}`centre` here") == (
        f"the **[centre]({base}book/glossary.html#term-centre)** here"
    )
    assert md(book, "{term}`Voronoi regions <Voronoi cell>`") == (
        f"**[Voronoi regions]({base}book/glossary.html#term-Voronoi-cell)**"
    )
    # already bold in the book: no second pair of stars
    assert md(book, "**{term}`Lloyd's algorithm`**") == (
        f"**[Lloyd's algorithm]({base}book/glossary.html#term-Lloyd-s-algorithm)**"
    )


def test_cite_with_one_and_two_keys(book):
    refs = f"{CONFIG['html']['baseurl']}book/references.html"
    assert md(book, "see {cite}`lloyd1982`.") == f"see ([Lloyd 1982]({refs}))."
    assert md(book, "{cite:p}`lloyd1982,macqueen1967`") == (
        f"([Lloyd 1982]({refs}); [MacQueen 1967]({refs}))"
    )
    assert (
        md(book, "{cite:t}`arthur2007` showed")
        == f"[Arthur and Vassilvitskii (2007)]({refs}) showed"
    )
    assert md(book, "{cite:t}`harris2020`").startswith("[Harris et al. (2020)]")


def test_bibtex_reader():
    entries = mk.parse_bibtex(
        "@article{k1,\n  author = {Sander, J{\\\"o}rg and Cali{\\'n}ski, T.},\n"
        '  title = {A {PCM} title},\n  year = 1996\n}\n@misc{k2, author = "{Team A}", year = {2001}}'
    )
    assert mk.citation_names(entries["k1"]) == ("Sander and Caliński", "1996")
    assert mk.latex_to_text(entries["k1"]["title"]) == "A PCM title"
    assert mk.citation_names(entries["k2"]) == ("Team A", "2001")


def test_admonition_with_and_without_title(book):
    assert md(book, "```{admonition} Learning goals\n:class: tip\nYou can\n\n- a\n```") == (
        "> **Learning goals**\n>\n> You can\n>\n> - a"
    )
    assert md(book, ":::{note}\nPlain *note*.\n:::") == "> **Note**\n>\n> Plain *note*."
    with pytest.raises(mk.ConversionError, match="without a title"):
        md(book, "```{admonition}\ntext\n```")


def test_nested_fences(book):
    text = (
        "````{admonition} Outer\n:class: warning\n\nCode:\n\n```python\nx = {1: 2}\n```\n\n"
        "```{tip}\nInner {term}`centre`.\n```\n````"
    )
    out = md(book, text)
    assert out.startswith("> **Outer**\n>\n> Code:\n>\n> ```python\n> x = {1: 2}\n> ```\n>\n")
    assert "> > **Tip**\n> >\n> > Inner **[centre](" in out


def test_math_and_code_stay(book):
    text = "Inline $\\lVert x\\rVert^{2}$ and `{term}` in code.\n\n$$\na_{ij}\n$$"
    assert md(book, text) == text
    assert md(book, "```{math}\nx^2\n```") == "$$\nx^2\n$$"


def test_references_and_links_go_to_the_website(book):
    base = CONFIG["html"]["baseurl"]
    assert md(book, "[fast](appendix_fast.ipynb)") == f"[fast]({base}book/appendix_fast.html)"
    assert md(book, "[below](ch2-empty)") == f"[below]({base}book/02_lloyd.html#ch2-empty)"
    figure = next(t for t in book.targets.values() if t.kind == "figure")
    label = figure.anchor
    assert md(book, f"{{numref}}`{label}`") == (
        f"[Fig. {figure.number}]({base}{figure.docname}.html#{label})"
    )
    exercise = next(iter(book.exercises.values()))
    assert md(book, f"{{ref}}`{exercise.anchor}`").startswith("[Exercise: ")


def test_unknown_myst_fails_loudly(book):
    for text in [
        "{kbd}`Ctrl`",
        "```{glossary}\nx\n```",
        "{term}`no such term`",
        "{cite}`nokey`",
        "{ref}`no-such-label`",
        "[x](no_such_page.md)",
        "![img](local.png)",
        "```{exercise} Unclosed\n:label: x\n",
        "{{ substitution }}",
    ]:
        with pytest.raises(mk.ConversionError):
            md(book, text)


def test_exercise_solution_and_starter_cells(book):
    label, exercise = next(iter(book.exercises.items()))
    docname = exercise.docname
    record = {
        "label": label,
        "title": exercise.text,
        "chapter": 1,
        "kind": "function",
        "checkers": (("nearest", "fn(X, C)"),),
        "starter": "def my_fn(X):\n    raise NotImplementedError\n",
        "check_source": "selfcheck.nearest(my_fn)",
    }
    cells = [
        f"Intro.\n\n```{{exercise}} {exercise.text}\n:label: {label}\n\nDo it.\n```\n\n"
        f"```{{solution-start}} {label}\n:class: dropdown\n```\nSecret words of the solution.",
        nbformat.v4.new_code_cell("secret_code = 1"),
        "More secret.\n\n```{solution-end}\n```\n\nAfter the solution.",
    ]
    out = convert(book, cells, {label: record}, docname)
    kinds = [(c.cell_type, c.source[:25]) for c in out]
    assert [k for k, _ in kinds] == ["markdown"] * 2 + ["code"] * 2 + ["markdown"] * 2, kinds
    assert out[0].source == "Intro."
    assert out[1].source.startswith("### Exercise: ") and out[1].source.endswith("Do it.")
    assert out[2].source == record["starter"].strip() and out[2].id == f"{label}-starter"
    assert out[3].source == "from kmlib import selfcheck\n\nselfcheck.nearest(my_fn)"
    assert out[2].outputs == [] and out[3].outputs == []
    anchor = book.solutions[(docname, label)]
    assert f"{docname}.html#{anchor})" in out[4].source and "Secret" not in out[4].source
    assert out[5].source == "After the solution."
    assert "secret" not in json.dumps([c.source for c in out]).lower()


def test_a_checked_exercise_the_book_lacks_is_an_error(monkeypatch):
    monkeypatch.setattr(mk, "selfcheck_registry", lambda: None)
    with pytest.raises(mk.ConversionError, match="does not have"):
        mk.learner_notebooks(ROOT, {"ch9-ex-nowhere": {"kind": "function"}})


def test_removed_cells_are_left_out_and_display_tags_dropped(book):
    removed = nbformat.v4.new_code_cell("assert claim", metadata={"tags": ["remove-cell"]})
    shown = nbformat.v4.new_code_cell(
        "# NBVAL_IGNORE_OUTPUT\nplot()", metadata={"tags": ["hide-input"]}
    )
    out = convert(book, ["Text.", removed, shown])
    assert [c.source for c in out] == ["Text.", "plot()"]
    assert out[1].metadata == {}
