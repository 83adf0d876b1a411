"""Checks on the website that `make book` built (run by `make site-test`).

The site must work with no network: every script, style sheet, font and image
a page loads comes from the site's own folder, and math is typeset by the
MathJax copy that the build puts in ``_static/mathjax``. Without a built site
these tests skip, unless ``KMLIB_REQUIRE_SITE=1`` (set by `make site-test`).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from built_site import SITE, chapters, pages, require_site

require_site()
PAGES = pages()
CHAPTERS = chapters()
# (tag, attribute) pairs whose URL the browser fetches when the page loads.
LOADED = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("link", "href"),
}
LINK_RELS_LOADED = {
    "stylesheet",
    "preload",
    "icon",
    "shortcut",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
}


class ResourceParser(HTMLParser):
    """Collects the URLs a page loads by itself (not the links a reader may click)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for t, attr in LOADED:
            if tag == t and attrs.get(attr):
                if tag == "link" and not (set((attrs.get("rel") or "").split()) & LINK_RELS_LOADED):
                    continue
                self.loaded.append(attrs[attr])


def parse(page: Path) -> ResourceParser:
    parser = ResourceParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def is_remote(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") or parts.netloc or url.startswith("//"))


def test_site_has_pages_and_chapters():
    assert PAGES and CHAPTERS


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_page_loads_nothing_from_the_network(page):
    remote = [u for u in parse(page).loaded if is_remote(u)]
    assert not remote, f"{page.name} loads remote resources: {remote}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_every_local_resource_exists(page):
    missing = []
    for url in parse(page).loaded:
        parts = urlsplit(url)
        if is_remote(url) or parts.scheme in ("data", "blob") or not parts.path:
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        if not target.exists():
            missing.append(url)
    assert not missing, f"{page.name} refers to missing files: {missing}"


def test_mathjax_is_served_from_the_site():
    entry = SITE / "_static" / "mathjax" / "tex-mml-chtml.js"
    assert entry.is_file()
    assert list(
        (SITE / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff")
    )
    pages_with_math = [p for p in CHAPTERS if "tex-mml-chtml.js" in p.read_text(encoding="utf-8")]
    assert pages_with_math, "no chapter loads MathJax"
    for page in pages_with_math:
        srcs = [u for u in parse(page).loaded if urlsplit(u).path.endswith("tex-mml-chtml.js")]
        assert srcs and all(not is_remote(u) for u in srcs), f"{page.name}: {srcs}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapter_has_launch_and_download_buttons(chapter):
    html = chapter.read_text(encoding="utf-8")
    assert "mybinder.org/v2/gh/" in html, "Binder launch button missing"
    assert "colab.research.google.com/github/" in html, "Colab launch button missing"
    # the learner notebook (book/_ext/learner_buttons.py; tests/test_learner_buttons.py)
    assert f"notebooks/{chapter.stem}.ipynb" in html, "download (.ipynb) button missing"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapter_solutions_are_hidden_in_dropdowns(chapter):
    solutions = [
        attrs
        for tag, attrs in parse(chapter).tags
        if "solution" in (attrs.get("class") or "").split()
    ]
    assert solutions, f"{chapter.name} has no exercise solution"
    assert all("dropdown" in (a.get("class") or "").split() for a in solutions), (
        f"{chapter.name}: a solution is not hidden in a dropdown"
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_chapter_figures_have_alt_text(chapter):
    images = [attrs for tag, attrs in parse(chapter).tags if tag == "img"]
    assert images, f"{chapter.name} has no figure"
    missing = [a.get("src") for a in images if not (a.get("alt") or "").strip()]
    assert not missing, f"{chapter.name}: images without alt text: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_no_dollar_sign_left_around_math(page):
    """A `$$` block that does not start its own paragraph renders as `$` + inline math + `$`."""
    html = page.read_text(encoding="utf-8")
    assert '$<span class="math' not in html, (
        f"{page.name}: a $$ block is glued to the text before it"
    )
