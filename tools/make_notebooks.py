"""Write the learner notebooks (``make notebooks``): ``notebooks/*.ipynb`` from ``book/*.ipynb``.

A learner notebook is the chapter as a learner runs it in Jupyter, Colab or
Binder (DESIGN.md §3.10):

- a first code cell installs kmlib where it is missing (Colab) and does
  nothing where it is installed (Binder, a local checkout); the repository URL
  is read from ``_config.yml`` (``repository.url``);
- MyST becomes plain Markdown: a term is bold text linked to the website's
  glossary, a citation "(Lloyd 1982)" links to the bibliography page, a
  reference links to the website, an admonition is a titled blockquote, an
  exercise a ``### Exercise: Title`` heading, figure captions are kept;
- cells tagged ``remove-cell`` (the book's check cells) are left out;
- every solution is left out and replaced by one line linking to it on the
  website;
- after every exercise that ``kmlib.selfcheck.exercises()`` lists as a
  "function" or "value" exercise come a starter cell and a checker cell;
- the outputs of the kept cells are kept, so the notebooks read well on
  GitHub too.

Anything this tool does not know how to convert stops it with an error that
names the notebook, the cell and the construct: nothing MyST-only leaks.
Generating twice gives identical bytes.

Usage: ``python tools/make_notebooks.py`` (write) or ``--check`` (exit 1 when
``notebooks/`` is not up to date).
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # this checkout's kmlib (and its selfcheck), whatever is installed
    sys.path.insert(0, str(ROOT))

ADMONITIONS = {
    "admonition": None,
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}
# Directives that take a serial number from Sphinx in document order, which
# sphinx-exercise uses for the anchor of a solution without a label.
SERIAL_DIRECTIVES = {"exercise", "exercise-start", "solution", "solution-start"}
# Cell tags that only steer how the website shows a kept cell.
DISPLAY_TAGS = {
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
    "remove-stderr",
    "full-width",
    "margin",
}
NBVAL_COMMENT = re.compile(r"^\s*#\s*NBVAL_\w+\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.+-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
HEADING = re.compile(r"^\s*#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
ROLE = re.compile(
    r"\{(?P<name>[A-Za-z][\w:.+-]*)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)(?!`)", re.S
)
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
WITH_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
LEFTOVER = [
    (re.compile(r"\{[A-Za-z][\w:.+-]*\}`"), "a MyST role"),
    (re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{", re.M), "a MyST directive"),
    (re.compile(r"^\s*\([^()\s]+\)=\s*$", re.M), "a MyST target"),
    (re.compile(r"\{\{.*?\}\}"), "a MyST substitution"),
]


class ConversionError(ValueError):
    """The book uses a construct the learner notebooks cannot show."""


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Settings:
    """What the generator reads from ``_config.yml``."""

    repository_url: str
    base_url: str
    learner_dir: str

    @property
    def install_spec(self) -> str:
        return self.install_spec_with(("plot",))

    def install_spec_with(self, extras: tuple[str, ...]) -> str:
        """The pip requirement of kmlib with ``extras``, from the repository."""
        return f"kmlib[{','.join(extras)}] @ git+{self.repository_url}"


#: Packages a notebook may import beyond kmlib[plot]: (marker in its code, kmlib
#: extra or None, module, what to pip install when the module is missing).
EXTRA_NEEDS = (
    ("kmlib.dask", "dask", None, None),
    ("dask_ml", None, "dask_ml", "dask-ml"),
)


def read_settings(root: Path = ROOT) -> Settings:
    """Read the repository URL, the website's base URL and the notebooks folder.

    Parameters
    ----------
    root : Path
        The repository root, holding ``_config.yml``.

    Returns
    -------
    Settings
        ``repository.url``, ``html.baseurl`` (with a trailing slash) and
        ``sphinx.config.learner_notebooks``.
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    try:
        repository_url = config["repository"]["url"].rstrip("/")
        base_url = config["html"]["baseurl"].rstrip("/") + "/"
        learner_dir = config["sphinx"]["config"]["learner_notebooks"].strip("/")
    except (KeyError, AttributeError) as err:
        raise ConversionError(f"_config.yml lacks a setting the generator needs: {err}") from err
    return Settings(repository_url, base_url, learner_dir)


def toc_docnames(root: Path = ROOT) -> list[str]:
    """The documents of ``_toc.yml`` in reading order (``book/01_distance``, ...)."""
    return list(toc_numbers(root))


def toc_numbers(root: Path = ROOT) -> dict[str, tuple[int, ...]]:
    """``{docname: section number}`` in reading order; ``()`` for an unnumbered document.

    A part (or chapter list) with ``numbered: true`` numbers its chapters 1, 2,
    ... (a Sphinx ``:numbered:`` toctree each); sections inside a chapter
    extend its number.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    numbers: dict[str, tuple[int, ...]] = {toc["root"]: ()}

    def walk(entries: Iterable[dict], prefix: tuple[int, ...] | None) -> None:
        count = 0
        for entry in entries:
            number: tuple[int, ...] | None = None
            if "file" in entry:
                count += 1
                number = None if prefix is None else (*prefix, count)
                numbers[entry["file"]] = number or ()
            for key in ("chapters", "sections"):
                if key in entry:
                    inner = number if number is not None else None
                    if entry.get("numbered") and inner is None:
                        inner = ()
                    walk(entry[key], inner)

    for part in toc.get("parts", []):
        walk(part.get("chapters", []), () if part.get("numbered") else None)
    walk(toc.get("chapters", []), () if toc.get("numbered") else None)
    return numbers


# ---------------------------------------------------------------------- BibTeX

LATEX_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
}
LATEX_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "l": "ł", "i": "ı"}


def latex_to_text(value: str) -> str:
    """Turn the LaTeX of a BibTeX field (``J{\\"o}rg``, ``{PCM}``) into plain text."""

    def accent(match: re.Match) -> str:
        return unicodedata.normalize("NFC", match["letter"] + LATEX_ACCENTS[match["accent"]])

    value = re.sub(
        r"\\(?P<accent>[\"'`^~=.]|[cvuH](?=[\s{]))\s*\{?(?P<letter>[A-Za-z])\}?", accent, value
    )
    value = re.sub(r"\\(ss|ae|AE|aa|o|O|l|i)(?![A-Za-z])", lambda m: LATEX_LETTERS[m[1]], value)
    value = value.replace("\\&", "&").replace("~", "\u00a0").replace("--", "\u2013")
    if "\\" in value:
        raise ConversionError(f"references.bib: cannot read the LaTeX in {value!r}")
    return " ".join(value.replace("{", "").replace("}", "").split())


def _braced(text: str, start: int, close: str) -> tuple[str, int]:
    """The text from ``start`` up to the matching ``close`` at brace depth 0."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
        elif char == close and depth == 0:
            return text[start:i], i
        i += 1
    raise ConversionError("references.bib: an entry is not closed")


def parse_bibtex(text: str) -> dict[str, dict[str, str]]:
    """Read ``@type{key, field = {value}, ...}`` entries (enough for references.bib).

    Parameters
    ----------
    text : str
        The contents of a BibTeX file.

    Returns
    -------
    dict
        ``{key: {field: raw value}}``, field names lowercased.
    """
    entries: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", text):
        if match[1].lower() in {"comment", "string", "preamble"}:
            continue
        body, _ = _braced(text, match.end(), "}")
        fields: dict[str, str] = {}
        pos = 0
        while True:
            fmatch = re.compile(r"\s*(\w+)\s*=\s*").match(body, pos)
            if not fmatch:
                break
            pos = fmatch.end()
            if body[pos] == "{":
                value, end = _braced(body, pos + 1, "}")
                pos = end + 1
            elif body[pos] == '"':
                end = body.index('"', pos + 1)
                value, pos = body[pos + 1 : end], end + 1
            else:
                vmatch = re.compile(r"[^,\s]+").match(body, pos)
                value, pos = vmatch[0], vmatch.end()
            fields[fmatch[1].lower()] = value
            comma = re.compile(r"\s*,?").match(body, pos)
            pos = comma.end()
        entries[match[2]] = fields
    return entries


def surnames(author_field: str) -> list[str]:
    """The surnames of a BibTeX author list (``Last, First and First Last``)."""
    names, depth, current = [], 0, ""
    tokens = re.split(r"(\{|\}|\s+and\s+)", author_field)
    for token in tokens:
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if re.fullmatch(r"\s+and\s+", token or "") and depth == 0:
            names.append(current)
            current = ""
        else:
            current += token or ""
    names.append(current)
    result = []
    for name in names:
        name = name.strip()
        if name.startswith("{") and name.endswith("}"):
            result.append(latex_to_text(name))
        elif "," in name:
            result.append(latex_to_text(name.split(",")[0]))
        else:
            result.append(latex_to_text(name).split()[-1])
    return result


def citation_names(entry: dict[str, str]) -> tuple[str, str]:
    """``("Arthur and Vassilvitskii", "2007")``: the author part and the year of a citation."""
    people = surnames(entry.get("author") or entry.get("editor") or "")
    if not people or not entry.get("year"):
        raise ConversionError(f"references.bib: an entry without author or year: {entry}")
    if len(people) == 1:
        authors = people[0]
    elif len(people) == 2:
        authors = f"{people[0]} and {people[1]}"
    else:
        authors = f"{people[0]} et al."
    return authors, latex_to_text(entry["year"])


# ------------------------------------------------------------- block structure


@dataclass
class Text:
    lines: list[str]


@dataclass
class Code:
    """A fenced code block: copied verbatim."""

    lines: list[str]


@dataclass
class Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: list[str]
    indent: str
    children: list = field(default_factory=list)


def parse_blocks(lines: Sequence[str], where: str) -> list:
    """Split Markdown lines into text, code fences and MyST directives (recursively).

    A directive's body is parsed again, so admonitions inside exercises and
    code fences inside admonitions are found. The closing fence is the first
    line of the same fence character, at least as long and without an info
    string, as in CommonMark.
    """
    blocks: list = []
    text: list[str] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match or (match["fence"][0] == "`" and "`" in match["info"]):
            text.append(lines[i])
            i += 1
            continue
        fence, indent, info = match["fence"], match["indent"], match["info"].strip()
        closer = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if closer.match(lines[j])), None)
        if end is None:
            raise ConversionError(f"{where}: the fence {lines[i].strip()!r} is never closed")
        if text:
            blocks.append(Text(text))
            text = []
        inner = [_dedent(line, indent) for line in lines[i + 1 : end]]
        directive = DIRECTIVE_INFO.match(info)
        if directive:
            options, body = _split_options(inner)
            node = Directive(directive["name"], directive["arg"].strip(), options, body, indent)
            if node.name not in {"math", "code", "code-block", "code-cell"}:
                node.children = parse_blocks(body, where)
            blocks.append(node)
        elif fence[0] == ":":
            raise ConversionError(f"{where}: a colon fence without a directive: {lines[i]!r}")
        else:
            blocks.append(Code(lines[i : end + 1]))
        i = end + 1
    if text:
        blocks.append(Text(text))
    return blocks


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip()


def _split_options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    options: dict[str, str] = {}
    i = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is not None:
            options = {k: str(v) for k, v in (yaml.safe_load("\n".join(body[1:end])) or {}).items()}
            i = end + 1
    else:
        while i < len(body) and (match := OPTION.match(body[i].strip())):
            options[match["key"]] = match["value"].strip()
            i += 1
    if i < len(body) and not body[i].strip():
        i += 1
    return options, body[i:]


def walk_directives(blocks: Iterable) -> Iterator[Directive]:
    """Every directive in document order, nested ones included."""
    for block in blocks:
        if isinstance(block, Directive):
            yield block
            yield from walk_directives(block.children)


# ------------------------------------------------------------------ book index


@dataclass
class Target:
    docname: str
    anchor: str
    kind: str  # "section", "figure", "exercise", "label"
    text: str = ""
    number: str = ""


@dataclass
class Book:
    """What the conversion needs to know about the whole book."""

    settings: Settings
    docnames: list[str]
    targets: dict[str, Target]
    terms: dict[str, str]
    glossary_doc: str
    bibliography: dict[str, dict[str, str]]
    references_doc: str
    solutions: dict[tuple[str, str], str]
    exercises: dict[str, Target]
    figures: dict[str, list[str]]
    root: Path = ROOT

    def page_url(self, docname: str, anchor: str = "") -> str:
        url = f"{self.settings.base_url}{docname}.html"
        return f"{url}#{anchor}" if anchor else url


def kept_cells(nb: dict) -> Iterator[tuple[int, dict]]:
    """The cells the website shows (``remove-cell`` ones left out), with their index."""
    for index, cell in enumerate(nb["cells"]):
        if "remove-cell" not in cell.get("metadata", {}).get("tags", []):
            yield index, cell


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _markdown_parts(root: Path, docname: str) -> Iterator[tuple[str, object]]:
    """``("markdown", text)`` and ``("figure", cell)`` parts of a document, in order."""
    md, ipynb = root / f"{docname}.md", root / f"{docname}.ipynb"
    if ipynb.exists():
        nb = nbformat.read(ipynb, as_version=4)
        for _, cell in kept_cells(nb):
            if cell["cell_type"] == "markdown":
                yield "markdown", _source(cell)
            elif cell["cell_type"] == "code" and cell.get("metadata", {}).get("mystnb", {}).get(
                "figure"
            ):
                yield "figure", cell
    elif md.exists():
        yield "markdown", md.read_text(encoding="utf-8")
    else:
        raise ConversionError(f"_toc.yml lists {docname}, which does not exist")


def index_book(root: Path = ROOT, settings: Settings | None = None) -> Book:
    """Collect the book's targets, glossary, bibliography and solution anchors.

    Parameters
    ----------
    root : Path
        The repository root.
    settings : Settings, optional
        Read from ``_config.yml`` when not given.

    Returns
    -------
    Book
    """
    settings = settings or read_settings(root)
    numbers = toc_numbers(root)
    docnames = list(numbers)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    depth = int(config.get("sphinx", {}).get("config", {}).get("numfig_secnum_depth", 1))
    counters: dict[tuple[int, ...], int] = {}
    figure_numbers: dict[str, list[str]] = {}
    targets: dict[str, Target] = {}
    exercises: dict[str, Target] = {}
    solutions: dict[tuple[str, str], str] = {}
    terms: dict[str, str] = {}
    glossary_doc = references_doc = ""

    def add(label: str, target: Target) -> None:
        if label in targets:
            raise ConversionError(f"the label {label!r} is defined twice")
        targets[label] = target

    def next_figure(docname: str) -> str:
        # Sphinx: figures are counted per section number cut to numfig_secnum_depth; all
        # unnumbered documents share one counter, in reading order.
        key = numbers[docname][:depth]
        counters[key] = counters.get(key, 0) + 1
        number = ".".join(str(n) for n in (*key, counters[key]))
        figure_numbers.setdefault(docname, []).append(number)
        return number

    for docname in docnames:
        serial = 0
        for kind, part in _markdown_parts(root, docname):
            if kind == "figure":
                number = next_figure(docname)
                spec = part["metadata"]["mystnb"]["figure"]
                if spec.get("name"):
                    add(
                        spec["name"],
                        Target(docname, spec["name"], "figure", spec.get("caption", ""), number),
                    )
                continue
            lines = part.splitlines()
            for i, line in enumerate(lines):
                if match := TARGET.match(line):
                    following = next((x for x in lines[i + 1 :] if x.strip()), "")
                    heading = HEADING.match(following)
                    kind_ = "section" if heading else "label"
                    title = heading["title"] if heading else ""
                    add(match["label"], Target(docname, match["label"], kind_, title))
            for node in walk_directives(parse_blocks(lines, docname)):
                if node.name in SERIAL_DIRECTIVES or node.name.startswith("prf:"):
                    number = serial
                    serial += 1
                else:
                    number = None
                if node.name == "exercise":
                    label = node.options.get("label", "")
                    if label:
                        target = Target(docname, label, "exercise", node.argument)
                        add(label, target)
                        exercises[label] = target
                elif node.name in {"solution", "solution-start"}:
                    anchor = node.options.get("label") or f"{docname}-solution-{number}"
                    solutions[(docname, node.argument)] = anchor
                elif node.name == "figure":
                    number = next_figure(docname)
                    if node.options.get("name"):
                        caption = " ".join(node.body).strip()
                        add(
                            node.options["name"],
                            Target(docname, node.options["name"], "figure", caption, number),
                        )
                elif node.name == "glossary":
                    glossary_doc = docname
                    for body_line in node.body:
                        if body_line.strip() and not body_line[0].isspace():
                            terms[body_line.strip().lower()] = body_line.strip()
                elif node.name == "bibliography":
                    references_doc = docname
    bib = parse_bibtex((root / "references.bib").read_text(encoding="utf-8"))
    return Book(
        settings,
        docnames,
        targets,
        terms,
        glossary_doc,
        bib,
        references_doc,
        solutions,
        exercises,
        figure_numbers,
        root,
    )


def term_anchor(term: str) -> str:
    """The id Sphinx gives a glossary term (``term-Lloyd-s-algorithm``)."""
    from sphinx.util.nodes import _make_id  # the function Sphinx itself uses

    return _make_id(f"term-{term}")


# ---------------------------------------------------------- inline conversion


class Inline:
    """Converts MyST roles and book-relative links in one document's Markdown."""

    def __init__(self, book: Book, docname: str):
        self.book, self.docname = book, docname

    def __call__(self, text: str, where: str) -> str:
        protected: list[str] = []

        def protect(value: str) -> str:
            protected.append(value)
            return f"\x00{len(protected) - 1}\x00"

        out, i = [], 0
        while i < len(text):
            role = ROLE.match(text, i)
            if text[i] == "{" and role:
                before = "".join(out)
                inside_bold = before[before.rfind("\n\n") + 1 :].count("**") % 2 == 1
                out.append(protect(self.role(role, where, inside_bold)))
                i = role.end()
            elif text[i] == "`":
                run = re.match(r"`+", text[i:])[0]
                close = re.compile(rf"(?<!`){run}(?!`)").search(text, i + len(run))
                end = close.end() if close else i + len(run)
                out.append(protect(text[i:end]))
                i = end
            else:
                out.append(text[i])
                i += 1
        converted = LINK.sub(lambda m: self.link(m, where), "".join(out))
        for pattern, what in LEFTOVER:
            if found := pattern.search(converted):
                raise ConversionError(f"{where}: {what} the generator does not know: {found[0]!r}")
        return re.sub("\x00(\\d+)\x00", lambda m: protected[int(m[1])], converted)

    # roles
    def role(self, match: re.Match, where: str, inside_bold: bool) -> str:
        name, content = match["name"], " ".join(match["content"].split())
        if name == "term":
            return self.term(content, where, inside_bold)
        if name in {"cite", "cite:p", "cite:t"}:
            return self.cite(name, content, where)
        if name in {"ref", "numref", "doc"}:
            return self.reference(name, content, where)
        if name == "math":
            return f"${match['content']}$"
        raise ConversionError(f"{where}: the role {{{name}}} has no plain-Markdown form yet")

    def term(self, content: str, where: str, inside_bold: bool) -> str:
        explicit = WITH_TARGET.match(content)
        text, term = (explicit["text"], explicit["target"]) if explicit else (content, content)
        canonical = self.book.terms.get(term.strip().lower())
        if canonical is None:
            raise ConversionError(f"{where}: {{term}} {term!r} is not in the glossary")
        url = self.book.page_url(self.book.glossary_doc, term_anchor(canonical))
        link = f"[{text}]({url})"
        return link if inside_bold else f"**{link}**"

    def cite(self, name: str, content: str, where: str) -> str:
        keys = [key.strip() for key in content.split(",") if key.strip()]
        url = self.book.page_url(self.book.references_doc)
        parts = []
        for key in keys:
            if key not in self.book.bibliography:
                raise ConversionError(f"{where}: {{cite}} {key!r} is not in references.bib")
            authors, year = citation_names(self.book.bibliography[key])
            parts.append(
                f"[{authors} ({year})]({url})" if name == "cite:t" else f"[{authors} {year}]({url})"
            )
        if name == "cite:t":
            return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return "(" + "; ".join(parts) + ")"

    def reference(self, name: str, content: str, where: str) -> str:
        explicit = WITH_TARGET.match(content)
        text, label = (explicit["text"], explicit["target"]) if explicit else ("", content)
        if name == "doc":
            docname = self.resolve_doc(label, where)
            return f"[{text or self.doc_title(docname)}]({self.book.page_url(docname)})"
        target = self.book.targets.get(label)
        if target is None:
            raise ConversionError(f"{where}: {{{name}}} to an unknown label {label!r}")
        if name == "numref":
            if target.kind != "figure":
                raise ConversionError(f"{where}: {{numref}} to {label!r}, which is not a figure")
            shown = (text or "Fig. %s").replace("%s", target.number)
            shown = shown.replace("{number}", target.number)
        elif text:
            shown = text
        elif target.kind == "exercise":
            shown = f"Exercise: {self(target.text, where)}"
        elif target.kind in {"section", "figure"} and target.text:
            shown = self(target.text, where)
        else:
            raise ConversionError(f"{where}: {{ref}} to {label!r} needs an explicit text")
        return f"[{shown}]({self.book.page_url(target.docname, target.anchor)})"

    def resolve_doc(self, path: str, where: str) -> str:
        base = Path(self.docname).parent
        stem = str(Path(path).with_suffix("")) if Path(path).suffix in {".md", ".ipynb"} else path
        for candidate in (str((base / stem).as_posix()), stem.lstrip("/")):
            candidate = re.sub(r"(^|/)\./", r"\1", candidate)
            if candidate in self.book.docnames:
                return candidate
        raise ConversionError(f"{where}: a link to {path!r}, which is not a page of the book")

    def doc_title(self, docname: str) -> str:
        for kind, part in _markdown_parts(self.book.root, docname):
            if kind == "markdown":
                for line in part.splitlines():
                    if match := re.match(r"^#\s+(.+)$", line):
                        return match[1].strip()
        return docname

    # links
    def link(self, match: re.Match, where: str) -> str:
        bang, text, target = match["bang"], match["text"], match["target"]
        if re.match(r"^(https?|mailto):", target) or "\x00" in target:
            return match[0]
        if bang:
            raise ConversionError(f"{where}: an image with a local path: {match[0]!r}")
        path, _, anchor = target.partition("#")
        if not path:
            url = self.book.page_url(self.docname, anchor)
        elif path in self.book.targets and not anchor:
            found = self.book.targets[path]
            url = self.book.page_url(found.docname, found.anchor)
        else:
            url = self.book.page_url(self.resolve_doc(path, where), anchor)
        return f"[{text}]({url})"


# ------------------------------------------------------- notebook conversion


@dataclass
class Piece:
    """One part of the learner notebook: Markdown text or the cells after an exercise."""

    markdown: str = ""
    exercise: str = ""
    new_cell: bool = False  # the next Markdown starts a cell of its own


class Converter:
    """Turns one book notebook into its learner notebook."""

    def __init__(self, book: Book, docname: str, registry: dict[str, object]):
        self.book, self.docname, self.registry = book, docname, registry
        self.inline = Inline(book, docname)
        self.in_solution = ""
        self.figures = 0
        self.seen_exercises: list[str] = []

    # Markdown blocks
    def blocks(self, blocks: list, where: str) -> list[Piece]:
        pieces: list[Piece] = []
        for block in blocks:
            if self.in_solution:
                if isinstance(block, Directive) and block.name == "solution-end":
                    self.in_solution = ""
                elif isinstance(block, Directive):
                    self.figures += sum(d.name == "figure" for d in walk_directives([block]))
                continue
            if isinstance(block, Text):
                pieces.append(Piece(markdown=self.text(block.lines, where)))
            elif isinstance(block, Code):
                pieces.append(Piece(markdown="\n".join(block.lines)))
            else:
                pieces.extend(self.directive(block, where))
        return pieces

    def text(self, lines: list[str], where: str) -> str:
        kept = [
            line
            for line in lines
            if not TARGET.match(line) and not line.startswith("%") and line.strip() != "+++"
        ]
        for i in range(1, len(kept)):
            if kept[i].startswith(": ") and kept[i - 1].strip():
                raise ConversionError(f"{where}: a definition list has no plain-Markdown form")
        return self.inline("\n".join(kept), where)

    def nested(self, node: Directive, where: str) -> str:
        pieces = self.blocks(node.children, where)
        if any(piece.exercise for piece in pieces):
            raise ConversionError(f"{where}: an exercise inside {{{node.name}}}")
        return "\n".join(piece.markdown for piece in pieces).strip("\n")

    def directive(self, node: Directive, where: str) -> list[Piece]:
        name = node.name
        if name in ADMONITIONS:
            title = node.argument if name == "admonition" else ADMONITIONS[name]
            if not title:
                raise ConversionError(f"{where}: an {{admonition}} without a title")
            body = self.nested(node, where)
            quoted = [f"> **{self.inline(title, where)}**", ">"] + [
                f"> {line}" if line.strip() else ">" for line in body.splitlines()
            ]
            return [Piece(markdown=self.indent(quoted, node))]
        if name == "exercise":
            label = node.options.get("label", "")
            if not label:
                raise ConversionError(f"{where}: an {{exercise}} without a :label:")
            self.seen_exercises.append(label)
            heading = "### Exercise" + (
                f": {self.inline(node.argument, where)}" * bool(node.argument)
            )
            body = self.nested(node, where)
            return [
                Piece(new_cell=True),
                Piece(markdown=f"{heading}\n\n{body}"),
                Piece(exercise=label),
            ]
        if name in {"solution", "solution-start"}:
            if node.indent:
                raise ConversionError(f"{where}: a solution inside another block")
            if name == "solution-start":
                self.in_solution = node.argument
            return [Piece(markdown=self.solution_link(node.argument, where))]
        if name == "solution-end":
            raise ConversionError(f"{where}: {{solution-end}} without {{solution-start}}")
        if name == "math":
            return [Piece(markdown=self.indent(["$$", *node.body, "$$"], node))]
        if name in {"code", "code-block"}:
            return [Piece(markdown=self.indent([f"```{node.argument}", *node.body, "```"], node))]
        if name == "figure":
            number = self.next_figure()
            caption = self.nested(node, where)
            alt = node.options.get("alt", caption.splitlines()[0] if caption else "figure")
            image = node.argument
            if not re.match(r"^https?://", image):
                image = str(Path("..") / Path(self.docname).parent / image)
            lines = [f"![{alt}]({image})", "", f"*Fig. {number}. {caption}*"]
            return [Piece(markdown=self.indent(lines, node))]
        raise ConversionError(f"{where}: the directive {{{name}}} has no plain-Markdown form yet")

    def next_figure(self) -> str:
        """The website's number of the next figure of this page."""
        self.figures += 1
        return self.book.figures[self.docname][self.figures - 1]

    @staticmethod
    def indent(lines: list[str], node: Directive) -> str:
        return "\n".join(node.indent + line if line else line for line in lines)

    def solution_link(self, label: str, where: str) -> str:
        anchor = self.book.solutions.get((self.docname, label))
        exercise = self.book.exercises.get(label)
        if anchor is None or exercise is None:
            raise ConversionError(f"{where}: a solution to an unknown exercise {label!r}")
        url = self.book.page_url(self.docname, anchor)
        return f"*Solution: try the exercise first, then compare with [the solution on the website]({url}).*"

    # cells
    def convert(self, nb: dict) -> dict:
        out = nbformat.v4.new_notebook()
        out.metadata = {"kernelspec": copy.deepcopy(nb["metadata"]["kernelspec"])}
        if "language_info" in nb["metadata"]:
            out.metadata["language_info"] = copy.deepcopy(nb["metadata"]["language_info"])
        out.cells.append(self.install_cell(nb))
        for index, cell in kept_cells(nb):
            where = f"{self.docname}.ipynb cell {index}"
            cell_id = cell.get("id") or f"cell-{index}"
            if cell["cell_type"] == "markdown":
                lines = _source(cell).splitlines()
                pieces = self.blocks(parse_blocks(lines, where), where)
                out.cells.extend(self.pieces_to_cells(pieces, cell_id, where))
            elif cell["cell_type"] == "code":
                if self.in_solution:  # the website numbers a solution's figures too
                    self.figures += bool(cell.get("metadata", {}).get("mystnb", {}).get("figure"))
                    continue
                out.cells.extend(self.code_cells(cell, cell_id, where))
            elif cell["cell_type"] == "raw":
                raise ConversionError(f"{where}: a raw cell has no learner form")
        if self.in_solution:
            raise ConversionError(f"{self.docname}: {{solution-start}} without {{solution-end}}")
        return out

    def pieces_to_cells(self, pieces: list[Piece], cell_id: str, where: str) -> list:
        cells, text = [], []

        def flush() -> None:
            joined = "\n".join(text).strip("\n")
            text.clear()
            if joined.strip():
                suffix = f"-{len(cells)}" if cells else ""
                cells.append(nbformat.v4.new_markdown_cell(joined, id=f"{cell_id}{suffix}"))

        for piece in pieces:
            if piece.new_cell:
                flush()
            elif piece.exercise:
                flush()
                cells.extend(self.exercise_cells(piece.exercise, where))
            else:
                text.append(piece.markdown)
        flush()
        return cells

    def exercise_cells(self, label: str, where: str) -> list:
        record = self.registry.get(label)
        if record is None or _field(record, "kind") not in {"function", "value"}:
            return []
        starter = _field(record, "starter").strip("\n")
        check = "from kmlib import selfcheck\n\n" + _field(record, "check_source").strip("\n")
        return [
            nbformat.v4.new_code_cell(starter, id=f"{label}-starter"),
            nbformat.v4.new_code_cell(check, id=f"{label}-check"),
        ]

    def code_cells(self, cell: dict, cell_id: str, where: str) -> list:
        source = "\n".join(
            line for line in _source(cell).split("\n") if not NBVAL_COMMENT.match(line)
        )
        tags = [t for t in cell.get("metadata", {}).get("tags", []) if t not in DISPLAY_TAGS]
        kept = nbformat.v4.new_code_cell(source, id=cell_id)
        kept.metadata = {"tags": tags} if tags else {}
        kept.outputs = copy.deepcopy(cell.get("outputs", []))
        kept.execution_count = cell.get("execution_count")
        cells = [kept]
        spec = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if spec:
            number = self.next_figure()
            caption = self.inline(spec.get("caption", ""), where)
            text = f"*Fig. {number}. {caption}*" if caption else f"*Fig. {number}.*"
            cells.append(nbformat.v4.new_markdown_cell(text, id=f"{cell_id}-caption"))
        return cells

    def install_cell(self, nb: dict) -> dict:
        settings = self.book.settings
        code = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
        needs = [need for need in EXTRA_NEEDS if need[0] in code]
        extras = ("plot",) + tuple(extra for _, extra, _, _ in needs if extra)
        lines = [
            f"# The learner edition of {self.docname}.ipynb, generated by `make notebooks`.",
            f"# The website: {self.book.page_url(self.docname)}",
            "# Run this cell first. Where kmlib (the book's library) is missing, as on Colab,",
            "# it installs it; where kmlib is installed (Binder, a local checkout) it does nothing.",
            "import importlib.util",
            "",
            'if importlib.util.find_spec("kmlib") is None:',
            f'    %pip install --quiet "{settings.install_spec_with(extras)}"',
            "    importlib.invalidate_caches()",
        ]
        for _, _, module, package in needs:
            if module:
                lines += [
                    f'if importlib.util.find_spec("{module}") is None:',
                    f'    %pip install --quiet "{package}"',
                    "    importlib.invalidate_caches()",
                ]
        return nbformat.v4.new_code_cell("\n".join(lines), id="install-kmlib")


def _field(record: object, name: str):
    return record[name] if isinstance(record, dict) else getattr(record, name)


# ------------------------------------------------------------------- the tool


def selfcheck_registry() -> dict[str, object] | None:
    """``kmlib.selfcheck.exercises()`` by label, or None while kmlib has no selfcheck."""
    try:
        from kmlib import selfcheck
    except ImportError:
        return None
    if not hasattr(selfcheck, "exercises"):  # still being written
        return None
    return {_field(record, "label"): record for record in selfcheck.exercises()}


def learner_notebooks(
    root: Path = ROOT, registry: dict[str, object] | None = None
) -> dict[str, str]:
    """Every learner notebook, as ``{file name: notebook JSON text}``, in _toc.yml order.

    Parameters
    ----------
    root : Path
        The repository root.
    registry : dict, optional
        ``{exercise label: record}`` with the fields of
        ``kmlib.selfcheck.exercises()``; by default that function's list
        (empty, with a warning, while kmlib has no ``selfcheck``).

    Returns
    -------
    dict
        Ordered ``{"01_distance.ipynb": text, ...}``.

    Raises
    ------
    ConversionError
        On a construct that has no plain-Markdown form, or a checked exercise
        that the book does not contain.
    """
    if registry is None:
        registry = selfcheck_registry()
        if registry is None:
            print(
                "warning: kmlib.selfcheck is missing: no starter or checker cells", file=sys.stderr
            )
            registry = {}
    book = index_book(root)
    unknown = sorted(set(registry) - set(book.exercises))
    if unknown:
        raise ConversionError(f"kmlib.selfcheck lists exercises the book does not have: {unknown}")
    result: dict[str, str] = {}
    for docname in book.docnames:
        path = root / f"{docname}.ipynb"
        if not path.exists():
            continue
        converter = Converter(book, docname, registry)
        nb = converter.convert(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        result[path.name] = nbformat.writes(nb) + "\n"
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check notebooks/ is current")
    args = parser.parse_args(argv)
    settings = read_settings(ROOT)
    target = ROOT / settings.learner_dir
    try:
        notebooks = learner_notebooks(ROOT)
    except ConversionError as err:
        print(f"make notebooks: {err}", file=sys.stderr)
        return 2
    stale = sorted(p.name for p in target.glob("*.ipynb") if p.name not in notebooks)
    changed = [
        name
        for name, text in notebooks.items()
        if not (target / name).exists() or (target / name).read_text(encoding="utf-8") != text
    ]
    if args.check:
        if changed or stale:
            print(f"out of date: {changed + stale}; run `make notebooks`", file=sys.stderr)
            return 1
        print(f"{settings.learner_dir}/ is up to date ({len(notebooks)} notebooks)")
        return 0
    target.mkdir(exist_ok=True)
    for name in stale:
        (target / name).unlink()
    for name, text in notebooks.items():
        (target / name).write_text(text, encoding="utf-8")
    print(
        f"wrote {len(notebooks)} learner notebooks to {settings.learner_dir}/ "
        f"({len(changed)} changed, {len(stale)} removed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
