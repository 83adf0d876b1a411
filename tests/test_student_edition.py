"""The student edition (`make book-student`) exposes no solution anywhere.

Every file of the built student site (pages, search index, anything copied)
is searched for a marker of every solution of the book (tests/
book_solutions.py: a code line or a run of words that only that solution
has); its launch and download buttons must offer the learner notebooks,
which hold no solution either. As a control, the markers are found on the
full website when that is built: a marker that the rendering changes could
never be found, and the test would prove nothing.

Skips when the student edition is not built, unless KMLIB_REQUIRE_STUDENT_SITE=1
(.ci/run sets it after building it).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from book_solutions import book_solutions, normalise
from built_site import SITE as FULL_SITE

ROOT = Path(__file__).resolve().parents[1]
STUDENT = ROOT / "_build" / "student" / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
LEARNER = CONFIG["sphinx"]["config"]["learner_notebooks"]
TEXT_SUFFIXES = {".html", ".txt", ".js", ".json", ".ipynb", ".md", ".py", ".inv", ".css"}

if not (STUDENT / "index.html").exists():
    if os.environ.get("KMLIB_REQUIRE_STUDENT_SITE") == "1":
        raise RuntimeError(f"no student edition at {STUDENT}: run `make book-student` first")
    pytest.skip("the student edition is not built (make book-student)", allow_module_level=True)


def site_text(site: Path) -> dict[Path, str]:
    """Every text file of a site, HTML as the reader sees it (tags out, entities decoded)."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES or "_static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            text = html.unescape(re.sub(r"<[^>]+>", "", text))
        texts[path] = normalise(text)
    return texts


@pytest.fixture(scope="module")
def solutions():
    found = book_solutions()
    assert len(found) >= 20
    return found


def test_no_solution_marker_anywhere_in_the_student_site(solutions):
    texts = site_text(STUDENT)
    assert any(p.suffix == ".html" for p in texts)
    for solution in solutions:
        for marker in solution.markers:
            leaks = [str(p.relative_to(STUDENT)) for p, t in texts.items() if marker in t]
            assert not leaks, f"the solution of {solution.label} is in {leaks}: {marker!r}"


def test_the_markers_are_found_on_the_full_website(solutions):
    if not (FULL_SITE / "index.html").exists():
        pytest.skip("the full website is not built (make book)")
    pages = {p: t for p, t in site_text(FULL_SITE).items() if p.suffix == ".html"}
    controlled = 0
    for solution in solutions:
        page = pages.get(FULL_SITE / "book" / solution.notebook.replace(".ipynb", ".html"))
        if page is None:  # a notebook not (yet) in _toc.yml is on neither site
            continue
        for marker in solution.markers:
            assert marker in page, f"{solution.label}: the marker {marker!r} is not on the website"
        controlled += 1
    assert controlled >= 20


def test_student_buttons_offer_only_learner_notebooks():
    chapters = sorted((STUDENT / "book").glob("[0-9][0-9]_*.html"))
    assert chapters
    for chapter in chapters:
        page = chapter.read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]+)"', page)
        launch = [u for u in links if "colab.research.google.com" in u or "mybinder.org" in u]
        assert len(launch) == 2, (chapter.name, launch)
        for url in launch:
            assert url.endswith(f"{LEARNER}/{chapter.stem}.ipynb"), url
        notebooks = [u for u in links if urlsplit(u).path.endswith(".ipynb")]
        local = [u for u in notebooks if not urlsplit(u).scheme]
        assert local == [f"../{LEARNER}/{chapter.stem}.ipynb"], local
        assert (chapter.parent / local[0]).resolve().is_file()
        assert not (STUDENT / "_sources").exists(), "the student edition copies the book sources"
