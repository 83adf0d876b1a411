"""The "Try it" widgets in a real browser (Chromium via Playwright, network blocked).

Phase 1 (always): a standalone harness page, written to a temporary folder and served from
127.0.0.1, holds the five widgets as ``kmlib.plot.try_*`` returns them (their
``_repr_html_``) and includes ``book/_static/widgets/*`` exactly as the book's extension
does. No built book is needed. Checked, reading every widget's ``data-state``:

* Lloyd: for every data set and several starts (k-means++, random, clicked centres,
  two and three at the same spot, so with empty clusters), every half-step's labels equal
  ``kmlib.lloyd(X, init, record=True)``'s from the start read out of the page, its centres
  agree to 1e-9 relative, the WCSS never goes up, and "run to convergence" ends where
  ``kmlib.lloyd`` does (centres, labels, n_iter);
* DBSCAN: labels equal ``kmlib.dbscan`` for at least five (eps, min_samples) per data set;
* choosing K and palette: the displayed numbers equal kmlib's, formatted as printed;
* nearest: the nearest centre and distances equal ``kmlib.nearest`` / ``kmlib.euclidean``,
  ties to the lowest index;
* every control changes what is drawn; no console error, no failed or outside request;
  a screenshot of each widget in ``_build/screenshots/widget-<name>.png``.

Phase 2: once the lead embeds the widgets in the chapters, the same smoke checks run on the
built site's chapter pages (skipped while a page has no widget, or with no built site).
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from browser_support import launch, serve, watch  # skips without a browser

import kmlib
import kmlib.plot as kplot

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "book" / "_static"
SHOTS = ROOT / "_build" / "screenshots"
SITE = ROOT / "_build" / "html"
SCRIPTS = ("common.js", "nearest.js", "lloyd.js", "choosing_k.js", "dbscan.js", "palette.js")


@functools.cache
def widgets() -> dict:
    """The five widgets, with the palette widget on a synthetic photograph-like image."""
    rng = np.random.default_rng(0)
    rows, cols = np.indices((96, 128))
    image = np.stack([rows * 2, cols * 2, (rows + cols) % 256], axis=-1).astype(float)
    image += rng.normal(scale=12, size=image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    return {
        "nearest": kplot.try_nearest(),
        "lloyd": kplot.try_lloyd(),
        "choosing_k": kplot.try_choosing_k(),
        "dbscan": kplot.try_dbscan(),
        "palette": kplot.try_palette(image, ks=(2, 5, 16, 64)),
        "_image": image,
    }


HARNESS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>widgets</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="_static/widgets/widgets.css">
{scripts}
</head><body>
{body}
</body></html>
"""


@pytest.fixture(scope="module")
def harness_url():
    """The harness page (one section per widget), served over HTTP on 127.0.0.1."""
    with tempfile.TemporaryDirectory(prefix="kmlib-widgets-") as tmp:
        folder = Path(tmp)
        shutil.copytree(STATIC / "widgets", folder / "_static" / "widgets")
        scripts = "\n".join(
            f'<script defer src="_static/widgets/{name}"></script>' for name in SCRIPTS
        )
        ws = widgets()
        for name in kplot.WIDGET_NAMES:
            body = f'<section id="w-{name}">{ws[name]._repr_html_()}</section>'
            (folder / f"{name}.html").write_text(
                HARNESS.format(scripts=scripts, body=body), encoding="utf-8"
            )
        with serve(folder) as url:
            yield url


@pytest.fixture(scope="module")
def browser():
    with launch(390, 15_000) as context:
        yield context


class Page:
    """One page, with every failed or outside request and console error recorded."""

    def __init__(self, context, url: str, name: str):
        self.page = context.new_page()
        self.problems: list[str] = []
        watch(self.page, self.problems)
        self.page.goto(url, wait_until="networkidle")
        self.root = self.page.locator(f'.kmlib-widget[data-widget="{name}"]').first
        self.page.wait_for_function(
            f"""() => {{ const r = document.querySelector('.kmlib-widget[data-widget="{name}"]');
                       return r && r.dataset.state; }}"""
        )

    def state(self) -> dict:
        return json.loads(self.root.get_attribute("data-state"))

    def drawn(self) -> str:
        """What is drawn (the live part's SVG and text), to see that a control changed it."""
        return self.root.locator(".kmw-live").inner_html()

    def button(self, name: str):
        return self.root.get_by_role("button", name=name, exact=True)

    def select(self, label: str, index: int):
        self.root.get_by_label(label, exact=True).select_option(str(index))

    def slide(self, label: str, value: int):
        self.root.get_by_label(label, exact=True).fill(str(value))


@pytest.fixture
def open_widget(browser, harness_url):
    opened = []

    def _open(name: str) -> Page:
        opened.append(Page(browser, harness_url + f"{name}.html", name))
        return opened[-1]

    yield _open
    for p in opened:
        assert not p.problems, "\n".join(p.problems)
        p.page.close()


def _shot(p: Page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"widget-{name}.png"
    p.root.screenshot(path=str(target))
    assert target.stat().st_size > 2_000


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9 * max(1.0, float(np.abs(b).max())))


# --- every widget starts, hides its fallback, and shows no error -----------------


@pytest.mark.parametrize("name", kplot.WIDGET_NAMES)
def test_widget_starts_and_replaces_its_fallback(open_widget, name):
    p = open_widget(name)
    assert p.root.locator(".kmlib-widget-fallback").is_hidden()
    assert p.root.locator(".kmw-live").is_visible()
    width = p.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the {name} widget scrolls sideways at 390 px ({width} px)"
    _shot(p, name)
    p.page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
    background = p.page.evaluate(
        "() => getComputedStyle(document.querySelector('.kmw-live')).backgroundColor"
    )
    assert background == "rgb(30, 31, 34)", background  # the dark theme's colours apply
    _shot(p, f"{name}-dark")


# --- Lloyd -------------------------------------------------------------------------


def _check_lloyd_run(p: Page, manual_steps: int = 4):
    """Step by hand, then run to convergence; compare everything with kmlib.lloyd."""
    start = p.state()
    X, init = np.array(start["points"]), np.array(start["initial_centers"])
    ref = kmlib.lloyd(X, init, record=True)
    assert start["labels"] is None and start["half_step"] == 0
    wcss = []
    for h in range(1, manual_steps + 1):
        s = p.state()
        if s["finished"]:
            break
        drawn = p.drawn()
        p.button("Assign" if s["next"] == "assign" else "Update").click()
        s = p.state()
        assert s["half_step"] == h
        if h <= 2 and not s["finished"]:  # the colours, then the centres and regions, change
            assert p.drawn() != drawn
        wcss.append(s["wcss"])
        if h % 2 == 1 and not s["finished"]:  # after an assignment: iteration (h + 1) / 2
            rec = ref.history[(h - 1) // 2]
            assert s["labels"] == rec.labels.tolist(), f"labels differ at half-step {h}"
            _close(s["history"][-1]["centers"], rec.centers)
            assert s["wcss"] == pytest.approx(rec.inertia, rel=1e-12)
    if not p.state()["finished"]:
        p.button("Run to convergence").click()
    s = p.state()
    assert s["finished"] and s["iteration"] == ref.n_iter
    assert s["labels"] == ref.labels.tolist()
    _close(s["centers"], ref.centers)
    assert s["wcss"] == pytest.approx(ref.inertia, rel=1e-12)
    assert len(s["history"]) == len(ref.history)
    for mine, theirs in zip(s["history"], ref.history, strict=True):
        assert mine["labels"] == theirs.labels.tolist()
        _close(mine["centers"], theirs.centers)
    history = np.array(s["wcss_history"])
    assert np.all(np.diff(history) <= 1e-12 * history[:-1]), "the WCSS went up"
    return s


@pytest.mark.parametrize("dataset", range(5))
def test_lloyd_equals_kmlib_from_seeded_starts(open_widget, dataset):
    p = open_widget("lloyd")
    p.select("Data", dataset)
    starts = ((0, 3), (1, 5), (0, 8)) if dataset == 1 else ((0, 3), (1, 5))
    for mode, k in starts:
        p.select("Start", mode)
        p.slide("K", k)
        before = p.state()["initial_centers"]
        p.button("New seed").click()
        assert p.state()["initial_centers"] != before  # a new seed, a new start
        s = _check_lloyd_run(p)
        assert s["k"] == k and len(s["centers"]) == k
        p.button("Reset").click()
        assert p.state()["half_step"] == 0


def _click_data(p: Page, fractions):
    """Click the Lloyd plot at the given fractions of its width and height."""
    svg = p.root.locator("svg.kmw-plot")
    box = svg.bounding_box()
    for fx, fy in fractions:
        svg.click(position={"x": fx * box["width"], "y": fy * box["height"]})


@pytest.mark.parametrize("dataset", range(5))
def test_lloyd_equals_kmlib_from_clicked_centres(open_widget, dataset):
    p = open_widget("lloyd")
    p.select("Data", dataset)
    p.select("Start", 2)
    drawn = p.drawn()
    cases = {
        3: [(0.2, 0.2), (0.8, 0.3), (0.5, 0.8)],  # spread out
        2: [(0.5, 0.5), (0.5, 0.5)],  # the same spot: an empty cluster
        4: [(0.05, 0.05), (0.05, 0.05), (0.05, 0.05), (0.9, 0.9)],  # three at one spot: two empty
    }
    if dataset not in (0, 3):
        del cases[3]
    for k, fractions in cases.items():
        p.slide("K", k)
        assert p.state()["initial_centers"] is None
        _click_data(p, fractions)
        s = p.state()
        assert len(s["initial_centers"]) == k
        assert p.drawn() != drawn
        _check_lloyd_run(p)


def test_lloyd_keyboard_placement_and_controls_change_the_drawing(open_widget):
    p = open_widget("lloyd")
    drawn = p.drawn()
    p.slide("K", 4)
    assert p.drawn() != drawn and p.state()["k"] == 4
    drawn = p.drawn()
    p.select("Data", 3)
    assert p.drawn() != drawn and p.state()["dataset"] == "smiley face"
    p.select("Start", 2)
    svg = p.root.locator("svg.kmw-plot")
    svg.focus()
    for _ in range(4):
        for key in ("ArrowLeft", "ArrowUp", "Enter"):
            p.page.keyboard.press(key)
    s = p.state()
    assert len(s["initial_centers"]) == 4
    xs = [c[0] for c in s["initial_centers"]]
    assert xs == sorted(xs, reverse=True)  # each placed further left
    _check_lloyd_run(p, manual_steps=2)
    _shot(p, "lloyd-converged")


# --- nearest -----------------------------------------------------------------------


def _check_nearest(s):
    q, C = np.array(s["query"]), np.array(s["centers"])
    labels, _ = kmlib.nearest(q[None, :], C)
    assert s["nearest"] == int(labels[0])
    expected = [kmlib.euclidean(q, c) for c in C]
    assert s["distances"] == pytest.approx(expected, rel=1e-15)


def test_nearest_follows_the_keyboard_and_the_pointer(open_widget):
    p = open_widget("nearest")
    _check_nearest(p.state())
    handle = p.root.get_by_role("slider", name="query point")
    seen = set()
    drawn = p.drawn()
    for key in ["ArrowRight"] * 8 + ["ArrowUp"] * 10 + ["Shift+ArrowLeft"] * 2:
        handle.press(key)
        s = p.state()
        _check_nearest(s)
        seen.add(s["nearest"])
    assert p.drawn() != drawn
    assert len(seen) >= 2
    centre = p.root.get_by_role("slider", name="centre c1")
    centre.press("ArrowDown")
    _check_nearest(p.state())
    box = handle.bounding_box()  # drag the query point with the mouse
    p.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    p.page.mouse.down()
    p.page.mouse.move(box["x"] - 60, box["y"] + 40, steps=4)
    p.page.mouse.up()
    _check_nearest(p.state())


def test_nearest_ties_go_to_the_lowest_index(browser, harness_url, tmp_path):
    widget = kplot.try_nearest(centers=[[3.0, 1.0], [1.0, 1.0], [2.0, 3.0]], query=[2.0, 0.0])
    p = Page(browser, harness_url + "nearest.html", "nearest")
    p.page.evaluate(
        """(html) => { const s = document.querySelector('section');
                       s.innerHTML = html; KMW.startAll(); }""",
        widget._repr_html_(),
    )
    s = p.state()
    assert s["distances"][0] == s["distances"][1] and s["nearest"] == 0
    _check_nearest(s)
    assert not p.problems
    p.page.close()


# --- choosing K --------------------------------------------------------------------


def test_choosing_k_shows_kmlib_numbers(open_widget):
    p = open_widget("choosing_k")
    data = json.loads(widgets()["choosing_k"].data_json().replace("<\\/", "</"))
    sets = {name: X for name, X in kplot.choosing_k_datasets().items()}
    drawn = p.drawn()
    for d, entry in enumerate(data["datasets"]):
        p.select("Data", d)
        X = sets[entry["name"]]
        for k in (1, 2, 3, 4, 7, 10):
            p.slide("K", k)
            s = p.state()
            run = kmlib.kmeans(X, k, random_state=0)
            assert s["k"] == k and s["inertia"] == f"{run.inertia:.2f}"
            assert p.root.locator(".kmw-wcss").inner_text() == f"{run.inertia:.2f}"
            sil = "—" if k == 1 else f"{kmlib.silhouette_score(X, run.labels):.3f}"
            assert s["silhouette"] == sil
            assert p.root.locator(".kmw-silhouette").inner_text() == sil
            assert p.drawn() != drawn
            drawn = p.drawn()


# --- DBSCAN --------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", range(2))
def test_dbscan_equals_kmlib(open_widget, dataset):
    p = open_widget("dbscan")
    p.select("Data", dataset)
    X = np.array(list(kplot.dbscan_datasets().values())[dataset])
    entry = json.loads(widgets()["dbscan"].data_json())["datasets"][dataset]
    top = entry["eps_steps"]
    drawn = p.drawn()
    settings = [
        (1, 1),
        (max(1, top // 8), 3),
        (top // 3, 10),
        (top, 20),
        (max(1, top // 5), 7),
        (entry["eps_step"], 5),
    ]
    seen_clusters = set()
    for step, m in settings:
        p.slide("eps", step)
        p.slide("min_samples", m)
        s = p.state()
        assert s["eps"] == step / entry["eps_denominator"] and s["min_samples"] == m
        labels, core = kmlib.dbscan(X, s["eps"], m, return_core=True)
        assert s["labels"] == labels.tolist(), (step, m)
        assert s["core"] == core.tolist()
        assert s["n_noise"] == int((labels == -1).sum())
        seen_clusters.add(s["n_clusters"])
        assert p.drawn() != drawn
        drawn = p.drawn()
    assert len(seen_clusters) >= 2
    svg = p.root.locator("svg.kmw-plot")  # the eps circle follows the pointer
    box = svg.bounding_box()
    p.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert p.root.locator("circle.kmw-eps").get_attribute("visibility") == "visible"


# --- palette ---------------------------------------------------------------------------


def test_palette_shows_kmlib_numbers(open_widget):
    p = open_widget("palette")
    image = widgets()["_image"]
    stops = json.loads(widgets()["palette"].data_json())["stops"]
    drawn = p.drawn()
    for i, stop in enumerate(stops):
        p.slide("K", i)
        s = p.state()
        quantized, palette = kmlib.quantize(image, stop["k"], random_state=0)
        assert s["k"] == stop["k"] and len(palette) == stop["k"]
        assert s["mse"] == f"{kmlib.mse(quantized, image):.2f}"
        assert s["psnr"] == f"{kmlib.psnr(quantized, image):.2f} dB"
        assert p.root.locator(".kmw-psnr").inner_text() == s["psnr"]
        assert p.root.locator(".kmw-palette rect").count() == stop["k"]
        assert p.drawn() != drawn
        drawn = p.drawn()
    p.button("Show the original").click()
    assert p.state()["original"] is True


# --- phase 2: the widgets embedded in the built chapters ---------------------------------


def _chapter_pages():
    if not (SITE / "index.html").exists():
        return []
    return sorted((SITE / "book").glob("[0-9][0-9]_*.html"))


@pytest.mark.parametrize("page", [p.name for p in _chapter_pages()] or ["(no built site)"])
def test_widgets_in_the_built_chapters(browser, page):
    path = SITE / "book" / page
    if not path.exists() or "kmlib-widget" not in path.read_text(encoding="utf-8"):
        pytest.skip(f"{page}: no widget embedded yet")
    with serve(SITE) as root_url:
        name = path.read_text(encoding="utf-8").split('data-widget="')[1].split('"')[0]
        v = Page(browser, f"{root_url}book/{page}", name)
        roots = v.page.locator(".kmlib-widget[data-widget]")
        for i in range(roots.count()):
            root = roots.nth(i)
            assert root.get_attribute("data-state"), f"widget {i} of {page} did not start"
            assert root.locator(".kmlib-widget-fallback").is_hidden()
        assert not v.problems, "\n".join(v.problems)
        v.page.close()
