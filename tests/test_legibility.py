"""Every figure readable and no block scrolling sideways, on the built site at 1280 px (issue 15).

Run by `make site-test`, in the same Chromium, with the same blocked network,
as tests/test_browser.py (whose browser, server and page helpers this reuses).
Each page of a notebook (chapters and appendix) is opened at 1280 px with every
toggle opened (hidden inputs, solutions), then:

* **The figure budget.** For every image in the page's content (figures,
  animation frames), a matplotlib PNG of natural width ``W`` px saved at ``D`` dpi
  (the PNG's ``pHYs``; the style's dpi if it has none) shown ``w`` CSS px wide
  draws a font of ``f`` pt at ``f * D / 72 * w / W`` px. With ``f`` the smallest
  font size of :func:`kmlib.plot.style` (tick labels and legends: 10 pt), that is
  the figure's smallest text; it must be at least ``MIN_TEXT_PX`` (9 px). Its
  effective resolution, ``96 * W / w`` image pixels per CSS inch, must be at
  least 96 (the image is not blown up beyond its pixels).
* **No sideways scrolling.** No code block (a cell's source, a Markdown code
  block) or output block is wider than its box: ``scrollWidth <= clientWidth``.

A failure lists each offender with its notebook cell index (the n-th rendered
cell is the n-th code cell that is not ``remove-cell``), so it can be fixed in
``book/*.ipynb``.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from built_site import SITE, require_site

require_site()

# The browser, the local server and the page visits of tests/test_browser.py (which
# skips, or fails under CI, when Playwright or Chromium is missing).
from test_browser import Visit, browser, site_url  # noqa: E402, F401

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1280, "height": 900}
MIN_TEXT_PX = 9.0
MIN_PPI = 96.0  # image pixels per CSS inch (96 CSS px): not upscaled
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
PAGES = [f"book/{nb.stem}.html" for nb in NOTEBOOKS if (SITE / "book" / f"{nb.stem}.html").exists()]


@cache
def smallest_font_pt() -> float:
    """The smallest font size, in points, that :func:`kmlib.plot.style` sets (sizes resolved)."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    import kmlib.plot

    keys = (
        "font.size",
        "axes.titlesize",
        "axes.labelsize",
        "xtick.labelsize",
        "ytick.labelsize",
        "legend.fontsize",
        "legend.title_fontsize",
        "figure.titlesize",
    )
    with mpl.rc_context(kmlib.plot.style()):
        sizes = [mpl.rcParams[k] for k in keys]
        return min(FontProperties(size=s).get_size_in_points() for s in sizes if s is not None)


@cache
def style_dpi() -> float:
    import kmlib.plot

    return float(kmlib.plot.style()["savefig.dpi"])


def png_dpi(data: bytes) -> float | None:
    """The dpi a PNG records (its ``pHYs`` chunk, as matplotlib writes it), or None."""
    from PIL import Image

    with Image.open(BytesIO(data)) as image:
        dpi = image.info.get("dpi")
    return float(dpi[0]) if dpi and dpi[0] > 1 else None


def image_bytes(src: str) -> bytes | None:
    """The bytes of an image of the site, from a ``data:`` URL or the built file."""
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        return base64.b64decode(payload) if header.endswith(";base64") else None
    path = SITE / unquote(urlsplit(src).path).lstrip("/")
    return path.read_bytes() if path.is_file() else None


def text_px(font_pt: float, dpi: float, natural_px: float, shown_px: float) -> float:
    """Displayed size, in CSS px, of a font of ``font_pt`` in a PNG saved at ``dpi``.

    Examples
    --------
    >>> round(text_px(10, 80, 480, 480), 2)  # 6 in at 80 dpi, shown at its size
    11.11
    >>> round(text_px(10, 80, 1200, 690), 2)  # a 15-in figure in a 690-px column
    6.39
    """
    return font_pt * dpi / 72 * shown_px / natural_px


def cell_indices(notebook: Path) -> list[int]:
    """Notebook index of each cell the website renders (code cells not tagged remove-cell)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and "remove-cell" not in c.get("metadata", {}).get("tags", [])
    ]


# --- in the page -----------------------------------------------------------------

OPEN_EVERYTHING = """async () => {
    document.querySelectorAll("details").forEach(d => d.open = true);
    for (const b of document.querySelectorAll("button.toggle-button[aria-expanded='false']")) {
        b.click();
    }
    await new Promise(r => setTimeout(r, 300));
}"""

# Every image of the article, with its rendered cell (index among div.cell, or -1).
IMAGES = """async () => {
    const cells = [...document.querySelectorAll("article div.cell")];
    const out = [];
    for (const img of document.querySelectorAll("article img")) {
        // A "Try it" widget draws its own pictures (a palette's pixels are
        // meant to be seen enlarged); tests/test_widgets_browser.py checks them.
        if (img.closest("[data-widget]")) continue;
        img.loading = "eager";
        try { await img.decode(); } catch (e) {}
        const box = img.getBoundingClientRect();
        out.push({
            src: img.currentSrc || img.src,
            natural: img.naturalWidth,
            shown: box.width,
            animation: (img.id || "").startsWith("_anim_img"),
            alt: (img.alt || "").slice(0, 70),
            cell: cells.indexOf(img.closest("div.cell")),
        });
    }
    return out;
}"""

# Code and output blocks wider than their box.
OVERFLOWS = """() => {
    const cells = [...document.querySelectorAll("article div.cell")];
    // Code and text outputs are <pre>; other outputs (HTML tables, players) their box.
    const blocks = [...document.querySelectorAll("article pre")];
    for (const el of document.querySelectorAll("article div.cell_output > div.output")) {
        if (!el.querySelector("pre")) blocks.push(el);
    }
    const out = [];
    let total = 0;
    for (const el of blocks) {
        if (!el.offsetParent && el.tagName !== "BODY") continue;  // not displayed
        total += 1;
        const over = el.scrollWidth - el.clientWidth;
        if (over > 1) {
            const where = el.closest("div.cell_input") ? "input"
                        : el.closest("div.cell_output") ? "output" : "markdown code";
            out.push({
                cell: cells.indexOf(el.closest("div.cell")),
                where: where,
                over: over,
                width: el.clientWidth,
                text: (el.innerText || "").trim().split("\\n")[0].slice(0, 60),
            });
        }
    }
    return {total: total, overflowing: out};
}"""


@pytest.fixture(scope="module", params=PAGES)
def page(request, browser, site_url):  # noqa: F811 (the fixtures imported above)
    """A notebook's page at 1280 px, every toggle open."""
    v = Visit(browser, site_url + request.param)
    v.page.set_viewport_size(VIEWPORT)
    v.page.evaluate(OPEN_EVERYTHING)
    v.notebook = ROOT / "book" / (Path(request.param).stem + ".ipynb")
    v.cells = cell_indices(v.notebook)
    v.rendered = v.page.locator("article div.cell").count()
    yield v
    v.close()


def where(v, cell: int) -> str:
    """``"cell 12"`` (notebook index) for the n-th rendered cell."""
    if cell < 0:
        return "Markdown"
    if v.rendered != len(v.cells):  # the site was built from other notebooks
        return f"rendered cell {cell} (site out of date)"
    return f"cell {v.cells[cell]}"


def test_font_rule_reads_the_style():
    assert 6 <= smallest_font_pt() <= 14
    assert 50 <= style_dpi() <= 300


def test_figures_meet_the_text_budget(page):
    font = smallest_font_pt()
    images = page.page.evaluate(IMAGES)
    figures = [im for im in images if im["natural"] > 0 and im["shown"] > 0]
    assert figures or "appendix" in page.notebook.stem, "no figure on the page"
    bad = []
    for im in figures:
        data = image_bytes(im["src"])
        dpi = (png_dpi(data) if data else None) or style_dpi()
        size = text_px(font, dpi, im["natural"], im["shown"])
        ppi = 96 * im["natural"] / im["shown"]
        kind = "animation" if im["animation"] else "figure"
        if size < MIN_TEXT_PX or ppi < MIN_PPI:
            bad.append(
                f"{page.notebook.name} {where(page, im['cell'])} ({kind}, {im['alt']!r}): "
                f"{font:g}-pt text at {size:.1f} px (scale {im['shown'] / im['natural']:.2f}, "
                f"{dpi:.0f} dpi, {im['natural']} px shown at {im['shown']:.0f}), "
                f"{ppi:.0f} px per inch"
            )
    assert not bad, (
        f"{len(bad)} of {len(figures)} figures below the budget (text >= {MIN_TEXT_PX:g} px, "
        f">= {MIN_PPI:g} px per inch):\n" + "\n".join(bad)
    )


def test_no_block_overflows(page):
    found = page.page.evaluate(OVERFLOWS)
    assert found["total"] > 0, "no code or output block found"
    bad = [
        f"{page.notebook.name} {where(page, b['cell'])} {b['where']}: {b['over']} px too wide "
        f"for {b['width']} px ({b['text']!r})"
        for b in found["overflowing"]
    ]
    assert not bad, (
        f"{len(bad)} of {found['total']} code/output blocks scroll sideways at "
        f"{VIEWPORT['width']} px:\n" + "\n".join(bad)
    )
