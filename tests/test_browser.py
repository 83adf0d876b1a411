"""The built website in a real browser, with the network blocked (`make site-test`).

Playwright drives Debian's Chromium (``apt-get install chromium``; Playwright's
own browser download is not used) over the site that `make book` built,
served by a local HTTP server on 127.0.0.1. Any request to another host is
refused and counted as a failure, so the site must work offline. Checked:

* every page loads with no failed request, no JavaScript error and no error in
  the console, and every image on it decodes;
* chapters: math is typeset by the MathJax copy served from the site, every
  animation player works ("Next frame" changes the frame), every exercise
  solution is hidden until its title is clicked and shown after;
* the search page finds "silhouette";
* a full-page screenshot of each chapter is saved in ``_build/screenshots/``
  (for a person to look at; nothing compares them).

Without a built site these tests skip, unless ``KMLIB_REQUIRE_SITE=1`` (set by
`make site-test`). Without Playwright or Chromium they skip with a message,
unless ``CI=true``, when they fail. ``KMLIB_CHROMIUM`` may name the browser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from built_site import SITE, chapters, pages, require_site

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "_build" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() == "true"

require_site()

from browser_support import launch, serve, watch  # noqa: E402 (skips without a browser)
from playwright.sync_api import expect  # noqa: E402

TIMEOUT_MS = 20_000

# Pages of the site, as paths relative to its root.
PAGES = [p.relative_to(SITE).as_posix() for p in pages()]
CHAPTERS = [p.relative_to(SITE).as_posix() for p in chapters()]
# Animation players in the built HTML (matplotlib's to_jshtml, via kmlib.plot.animation_html).
PLAYERS = {c: (SITE / c).read_text(encoding="utf-8").count('title="Next frame"') for c in CHAPTERS}


# --- the server and the browser ----------------------------------------------


@pytest.fixture(scope="module")
def site_url():
    """The built site served over HTTP on 127.0.0.1, on a free port."""
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launch(1280, TIMEOUT_MS) as context:
        yield context


class Visit:
    """A page opened in the browser, with every problem it reports recorded."""

    def __init__(self, context, url: str):
        self.page = context.new_page()
        self.problems: list[str] = []
        self.requested: list[str] = []
        self.page.on("request", lambda r: self.requested.append(r.url))
        watch(self.page, self.problems)
        self.page.goto(url, wait_until="networkidle")
        # MathJax typesets after the load event; wait for it (and its fonts).
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
            await document.fonts.ready;
        }""")
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.page.close()

    def undecodable_images(self) -> list[str]:
        """The images of the page that do not load and decode."""
        return self.page.evaluate("""async () => {
            const bad = [];
            for (const img of document.images) {
                img.loading = "eager";
                try {
                    await img.decode();
                    if (!img.naturalWidth) throw new Error("zero width");
                } catch (e) {
                    bad.push(`${(img.currentSrc || img.src || "(no src)").slice(0, 80)} `
                             + `[alt: ${(img.alt || "").slice(0, 60)}]: ${e}`);
                }
            }
            return bad;
        }""")


@pytest.fixture
def visit(browser, site_url):
    """Open one of the site's pages: ``visit("book/intro.html")``."""
    opened = []

    def _open(path: str) -> Visit:
        opened.append(Visit(browser, site_url + path))
        return opened[-1]

    yield _open
    for v in opened:
        v.close()


@pytest.fixture(scope="module", params=CHAPTERS)
def chapter(request, browser, site_url):
    """A chapter, opened once for all the chapter checks (screenshot first)."""
    v = Visit(browser, site_url + request.param)
    v.path, v.name = request.param, Path(request.param).stem
    yield v
    v.close()


# --- every page ----------------------------------------------------------------


def test_site_has_pages_and_chapters():
    assert PAGES and CHAPTERS
    assert sum(PLAYERS.values()) > 0, "no animation player in the book"


def test_network_outside_the_site_is_blocked(visit):
    v = visit("search.html")
    error = v.page.evaluate("""() => fetch("https://example.org/").then(
        () => "fetched", e => String(e))""")
    assert error != "fetched"
    assert any("refused: https://example.org/" in p for p in v.problems), v.problems


@pytest.mark.parametrize("path", [p for p in PAGES if p not in CHAPTERS])
def test_page_loads_offline_without_errors(visit, path):
    v = visit(path)
    assert not v.problems, "\n".join(v.problems)
    assert not v.undecodable_images()


# --- chapters --------------------------------------------------------------------


def test_chapter_screenshot(chapter):
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"{chapter.name}.png"
    chapter.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def test_chapter_loads_offline_without_errors(chapter):
    assert not chapter.problems, "\n".join(chapter.problems)


def test_chapter_images_decode(chapter):
    bad = chapter.undecodable_images()
    assert not bad, "\n".join(bad)
    assert chapter.page.evaluate("document.images.length") > 0


def test_chapter_math_is_typeset_by_the_sites_mathjax(chapter):
    mathjax = [
        u
        for u in chapter.requested
        if urlsplit(u).path.endswith("/_static/mathjax/tex-mml-chtml.js")
    ]
    assert mathjax, "MathJax was not loaded from the site"
    page = chapter.page
    assert page.evaluate("!!(window.MathJax && MathJax.version)"), "MathJax did not start"
    assert page.locator("mjx-container").count() > 0, "no typeset math"
    # Math left as TeX source, or TeX that MathJax could not parse.
    assert page.locator("mjx-merror").count() == 0, page.locator("mjx-merror").first.inner_text()
    untypeset = page.locator(
        "span.math:not(:has(mjx-container)), div.math:not(:has(mjx-container))"
    )
    assert untypeset.count() == 0, untypeset.first.inner_text()


def test_chapter_animation_players_step(chapter):
    page, seen = chapter.page, len(chapter.problems)
    players = page.locator("div.animation:has(img[id^='_anim_img'])")
    assert players.count() == PLAYERS[chapter.path], "an animation player did not render"
    for i in range(players.count()):
        player = players.nth(i)
        img = player.locator("img[id^='_anim_img']")
        expect(img).to_be_visible()
        before = img.get_attribute("src")
        assert before and before.startswith("data:image/"), f"player {i}: no first frame"
        player.get_by_role("button", name="Next frame").click()
        expect(img).not_to_have_attribute("src", before)
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), (
            f"player {i}: frame 2 does not decode"
        )
    assert not chapter.problems[seen:], "\n".join(chapter.problems[seen:])


def test_chapter_solutions_hidden_until_clicked(chapter):
    page, seen = chapter.page, len(chapter.problems)
    solutions = page.locator("div.solution.dropdown")
    assert solutions.count() > 0, "no exercise solution"
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > :not(.admonition-title)").first
        expect(body).to_be_hidden()
        # The toggle button (a chevron at the right of the title): most of the
        # title is a link back to the exercise, which does not toggle.
        button = solution.locator(":scope > .admonition-title button.toggle-button")
        expect(button).to_have_attribute("aria-expanded", "false")
        button.click()
        expect(body).to_be_visible()
        expect(button).to_have_attribute("aria-expanded", "true")
    assert not chapter.problems[seen:], "\n".join(chapter.problems[seen:])


# --- search ---------------------------------------------------------------------


def test_search_finds_silhouette(visit):
    v = visit("search.html?q=silhouette")
    results = v.page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible()
    links = results.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any(re.search(r"book/\d\d_\w+\.html", h or "") for h in links), (
        f"no chapter found: {links}"
    )
    assert not v.problems, "\n".join(v.problems)
