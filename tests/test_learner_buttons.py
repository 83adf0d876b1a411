"""The website's chapters offer their learner notebooks, and the notebooks' links land on the site.

Reads the site that `make book` built (_build/html); skips without it, unless
KMLIB_REQUIRE_SITE=1 (as tests/test_site.py).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from built_site import SITE, chapters, require_site

require_site()
ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO = CONFIG["repository"]["url"].rstrip("/")
BASE = CONFIG["html"]["baseurl"].rstrip("/") + "/"
LEARNER = CONFIG["sphinx"]["config"]["learner_notebooks"]
BRANCH = CONFIG["repository"]["branch"]
CHAPTERS = [p for p in chapters()] + sorted((SITE / "book").glob("appendix*.html"))
MD_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def parse(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_launch_buttons_open_the_learner_notebook(chapter):
    hrefs = parse(chapter).hrefs
    org_repo = urlsplit(REPO).path.strip("/")
    colab = [h for h in hrefs if h.startswith("https://colab.research.google.com/")]
    binder = [h for h in hrefs if h.startswith("https://mybinder.org/")]
    learner = f"{LEARNER}/{chapter.stem}.ipynb"
    assert colab == [
        f"https://colab.research.google.com/github/{org_repo}/blob/{BRANCH}/{learner}"
    ], colab
    assert binder == [f"https://mybinder.org/v2/gh/{org_repo}/{BRANCH}?urlpath=lab/tree/{learner}"]
    assert (ROOT / learner).is_file()
    assert not [h for h in hrefs if h.endswith(f"book/{chapter.stem}.ipynb")], "a book source link"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_download_button_serves_the_learner_notebook(chapter):
    hrefs = [h for h in parse(chapter).hrefs if h.endswith(".ipynb") and not urlsplit(h).scheme]
    assert hrefs == [f"../{LEARNER}/{chapter.stem}.ipynb"], hrefs
    served = (chapter.parent / hrefs[0]).resolve()
    assert served.read_bytes() == (ROOT / LEARNER / f"{chapter.stem}.ipynb").read_bytes()


def test_every_website_link_of_the_learner_notebooks_exists():
    """Pages and anchors (glossary terms, figures, sections, solutions) are on the built site."""
    ids: dict[Path, set[str]] = {}
    checked = 0
    for notebook in sorted((ROOT / LEARNER).glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"]) if cell["cell_type"] == "markdown" else ""
            for url in MD_LINK.findall(text):
                if not url.startswith(BASE):
                    continue
                parts = urlsplit(url)
                page = SITE / unquote(url[len(BASE) :].split("#")[0])
                assert page.is_file(), f"{notebook.name}: {url} is not a page of the site"
                if parts.fragment:
                    if page not in ids:
                        ids[page] = parse(page).ids
                    assert unquote(parts.fragment) in ids[page], f"{notebook.name}: no anchor {url}"
                checked += 1
    assert checked > 100


def test_figure_numbers_match_the_website():
    for notebook in sorted((ROOT / LEARNER).glob("*.ipynb")):
        page = SITE / "book" / f"{notebook.stem}.html"
        site = re.findall(
            r'<span class="caption-number">Fig\. ([\d.]+) </span>', page.read_text("utf-8")
        )
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        ours = [
            m[1]
            for c in cells
            if c["cell_type"] == "markdown"
            for m in [re.match(r"^\*Fig\. ([\d.]+)\. ", "".join(c["source"]))]
            if m
        ]
        # in the website's order; a solution's figures are on the site only
        remaining = iter(site)
        assert all(number in remaining for number in ours), (notebook.name, ours, site)
        assert len(ours) >= len(site) - 2, (notebook.name, ours, site)
