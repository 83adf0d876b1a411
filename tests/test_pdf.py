"""The book as one PDF (`make pdf`), opened with poppler's ``pdfinfo`` and ``pdftotext``.

Checked: the PDF has pages and figures; every chapter's title (the first ``# ``
heading of each notebook in the table of contents, without a hand-written
number) is in it, numbered chapters are "Chapter N" as on the website, with
figures and exercises numbered per chapter (1.1, 1.2, ...); no cross-reference
or citation is left unresolved (LaTeX prints "??" for those); math was typeset
(a math font is embedded, no ``\\(`` left); every work of the bibliography is
listed; each animation became a still with a note pointing to the website; the
website offers the PDF.

Without a PDF these tests skip, unless ``KMLIB_REQUIRE_PDF=1`` (set by
`make pdf`), when a missing PDF or missing poppler tools is an error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "_build" / "latex" / "kmeans-from-scratch.pdf"
SITE_COPY = ROOT / "_build" / "html" / "_static" / PDF.name
REQUIRED = os.environ.get("KMLIB_REQUIRE_PDF") == "1"
MIN_PAGES = 60  # six chapters, an appendix and the back matter


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"KMLIB_REQUIRE_PDF=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not PDF.is_file():
    _unavailable(f"no PDF at {PDF} (run `make pdf`)")
for _tool in ("pdfinfo", "pdftotext", "pdfimages", "pdffonts"):
    if shutil.which(_tool) is None:
        _unavailable(f"{_tool} is not installed (apt-get install poppler-utils)")


def normalise(text: str) -> str:
    """Text with ligatures split, typographic quotes and dashes made ASCII, spaces collapsed.

    Examples
    --------
    >>> normalise("Lloyd\u2019s  \ufb01ne\\nalgorithm \u2013 k")
    "Lloyd's fine algorithm - k"
    """
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}.items():
        text = text.replace(fancy, plain)
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text)


def toc_notebooks() -> list[Path]:
    """The notebooks listed in _toc.yml, in its order."""
    files = re.findall(
        r"^\s*- file:\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"), re.M
    )
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").is_file()]


def numbered_chapters() -> list[Path]:
    """The notebooks of the ``numbered: true`` parts of _toc.yml, in order."""
    chapters, numbered = [], False
    for line in (ROOT / "_toc.yml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("- caption:"):
            numbered = False
        elif re.match(r"\s*numbered:\s*true", line):
            numbered = True
        elif numbered and (m := re.match(r"\s*- file:\s*(\S+)", line)):
            chapters.append(ROOT / f"{m.group(1)}.ipynb")
    return chapters


def chapter_title(notebook: Path) -> str:
    """The first ``# `` heading of a notebook, without a leading "3. " and without markup."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("# "):
                title = re.sub(r"^\d+\.\s+", "", line[2:].strip())
                return re.sub(r"[*_`]", "", title)
    raise AssertionError(f"{notebook.name} has no '# ' title")


@pytest.fixture(scope="module")
def info() -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True)
    return dict(
        (k.strip(), v.strip())
        for k, _, v in (line.partition(":") for line in out.stdout.splitlines())
    )


@pytest.fixture(scope="module")
def text() -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True, check=True
    )
    return normalise(out.stdout)


def test_pdf_has_pages(info):
    pages = int(info["Pages"])
    assert MIN_PAGES <= pages <= 2000, f"{pages} pages"


def test_pdf_title(info):
    assert info.get("Title") == "K-Means from Scratch", info


def test_pdf_has_figures():
    out = subprocess.run(
        ["pdfimages", "-list", str(PDF)], capture_output=True, text=True, check=True
    )
    images = [line for line in out.stdout.splitlines()[2:] if line.strip()]
    assert len(images) >= 30, f"only {len(images)} images in the PDF"


@pytest.mark.parametrize("notebook", toc_notebooks(), ids=lambda p: p.stem)
def test_every_chapter_title_is_in_the_pdf(text, notebook):
    title = normalise(chapter_title(notebook))
    assert title in text, f"{title!r} not found in the PDF"


def test_no_unresolved_reference(text):
    # LaTeX prints "??" for an unresolved \ref or \cite; Sphinx's own fallback is "[?]".
    for mark in ("??", "[?]"):
        at = text.find(mark)
        assert at < 0, f"unresolved reference: ...{text[max(at - 80, 0) : at + 40]}..."


def test_math_is_typeset(text):
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True)
    assert "Math" in fonts.stdout, f"no math font in the PDF:\n{fonts.stdout}"
    # Inline math left as MathJax source. (TeX inside code listings, such as a
    # docstring's :math: role, is legitimately shown as source.)
    for source in (r"\(", r"\)"):
        at = text.find(source)
        assert at < 0, f"TeX source in the PDF: ...{text[max(at - 60, 0) : at + 60]}..."


def test_chapters_figures_and_exercises_are_numbered_per_chapter(text):
    chapters = numbered_chapters()
    assert chapters, "no numbered part in _toc.yml"
    for number, notebook in enumerate(chapters, start=1):
        title = re.escape(normalise(chapter_title(notebook)))
        # The running head of the chapter's pages: "Chapter 1. Distance" (until the
        # title loses its hand-written number: "Chapter 1. 1. Distance").
        assert re.search(rf"Chapter {number}\. (?:{number}\. )?{title}", text), (
            f"no 'Chapter {number}' heading for {notebook.name}"
        )
    assert "Exercise 1.1 " in text and "Fig. 1.1" in text
    assert not re.search(r"Exercise \d+\.\d+\.\d+", text), "exercises numbered per section"


def test_bibliography_lists_every_work(text):
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    # The first author's surname of each entry ("Lloyd, Stuart P." -> "Lloyd").
    surnames = re.findall(r"^\s*author\s*=\s*\{\s*([^,{}]+),", bib, re.M)
    assert surnames, "no author in references.bib"
    missing = [s for s in surnames if normalise(s) not in text]
    assert not missing, f"not in the PDF's bibliography: {missing}"


def test_animations_are_stills_pointing_to_the_website(text):
    assert "IPython.core.display.HTML object" not in text, "an HTML output printed as text"
    players = 0
    for notebook in toc_notebooks():
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                html = "".join(output.get("data", {}).get("text/html", []))
                players += "_anim_img" in html
    assert players > 0, "no animation in the book"
    assert text.count("on the website,") >= players, "an animation has no note to the website"


def test_the_website_offers_the_pdf():
    intro = ROOT / "_build" / "html" / "book" / "intro.html"
    if not intro.is_file():
        pytest.skip("the website is not built")
    assert SITE_COPY.is_file() and SITE_COPY.read_bytes() == PDF.read_bytes(), (
        f"{SITE_COPY} is not a copy of {PDF}"
    )
    assert f"_static/{PDF.name}" in intro.read_text(encoding="utf-8"), "no link to the PDF"
