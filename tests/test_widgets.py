"""Tests of kmlib.plot's "Try it" widgets on the Python side (the browser side is
tests/test_widgets_browser.py): the HTML contract, the data equal kmlib's values, the
page weight, the fallback figure, and bad input."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np
import pytest

import kmlib
import kmlib.plot as kplot
from kmlib._lloyd import LloydData

ROOT_RE = re.compile(
    r'^<div class="kmlib-widget" data-widget="(\w+)">'
    r'<script type="application/json" class="kmlib-widget-data">(.*?)</script>'
    r'<figure class="kmlib-widget-fallback"><img src="data:image/png;base64,([A-Za-z0-9+/=]+)" '
    r'alt="([^"]*)"><figcaption>(.+)</figcaption></figure></div>$',
    re.S,
)


def small_image():
    rng = np.random.default_rng(1)
    rows, cols = np.indices((60, 90))
    image = np.stack([rows * 4, cols * 2, (rows * cols) % 256], axis=-1) + rng.normal(
        scale=10, size=(60, 90, 3)
    )
    return np.clip(image, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def all_widgets():
    return {
        "nearest": kplot.try_nearest(),
        "lloyd": kplot.try_lloyd(),
        "choosing_k": kplot.try_choosing_k(),
        "dbscan": kplot.try_dbscan(),
        "palette": kplot.try_palette(small_image(), ks=(2, 3, 8, 16)),
    }


def parse(widget):
    match = ROOT_RE.match(widget._repr_html_())
    assert match, widget._repr_html_()[:300]
    name, data, png, alt, caption = match.groups()
    return name, json.loads(data), base64.b64decode(png), html.unescape(alt), caption


@pytest.mark.parametrize("name", kplot.WIDGET_NAMES)
def test_root_holds_the_data_and_a_fallback_figure(all_widgets, name):
    widget = all_widgets[name]
    found, data, png, alt, caption = parse(widget)
    assert found == name == widget.name
    assert data == widget.data
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == widget.fallback_png
    assert len(png) > 2_000
    assert alt and "JavaScript" in caption
    assert widget.nbytes == len(widget._repr_html_().encode()) <= kplot.MAX_WIDGET_BYTES


def test_jupyter_shows_the_html_and_the_pdf_gets_the_figure_as_png(all_widgets):
    """IPython's bundle has text/html (Jupyter, the website) and image/png (the PDF's still)."""
    from IPython.core.formatters import DisplayFormatter

    bundle, _ = DisplayFormatter().format(all_widgets["nearest"])
    assert bundle["text/html"] == all_widgets["nearest"]._repr_html_()
    assert bundle["image/png"] == all_widgets["nearest"].fallback_png


def test_the_json_cannot_close_its_script_element():
    widget = kplot.try_lloyd({"</script><b>x": np.arange(40.0).reshape(20, 2)})
    text = widget._repr_html_()
    assert text.count("</script>") == 1
    assert parse(widget)[1]["datasets"][0]["name"] == "</script><b>x"


def test_lloyd_data_carry_kmlib_units(all_widgets):
    data = all_widgets["lloyd"].data
    sets = kplot.lloyd_datasets()
    assert [d["name"] for d in data["datasets"]] == list(sets) and len(sets) >= 5
    for entry in data["datasets"]:
        X = sets[entry["name"]]
        assert 200 <= len(X) <= 600
        np.testing.assert_array_equal(np.array(entry["points"]), X)  # exact round trip
        prepared = LloydData(X)
        assert entry["mean"] == prepared.mean.tolist()
        assert entry["exponent"] == prepared.exponent
        assert entry["tol_abs"] == prepared.tol_abs
        low, high = np.array(entry["bounds"][:2]), np.array(entry["bounds"][2:])
        assert np.all(low < X.min(axis=0)) and np.all(high > X.max(axis=0))
    assert data["k"] == 3 and data["max_iter"] == 300


def test_nearest_data_are_kmlib_values(all_widgets):
    data = all_widgets["nearest"].data
    C, q = np.array(data["centers"]), np.array(data["query"])
    assert data["nearest"] == int(kmlib.nearest(q[None], C)[0][0])
    assert data["distances"] == [kmlib.euclidean(q, c) for c in C]
    ties = kplot.try_nearest(centers=[[1, 0], [-1, 0]], query=[0, 5]).data
    assert ties["nearest"] == 0 and ties["distances"][0] == ties["distances"][1]


def test_choosing_k_values_are_kmlib_values(all_widgets):
    data = all_widgets["choosing_k"].data
    sets = kplot.choosing_k_datasets()
    assert len(data["datasets"]) >= 3
    for entry in data["datasets"]:
        X = sets[entry["name"]]
        assert [r["k"] for r in entry["runs"]] == list(range(1, 11))
        for run in entry["runs"]:
            ref = kmlib.kmeans(X, run["k"], random_state=0)
            assert run["labels"] == "".join(map(str, ref.labels))
            assert run["wcss"] == ref.inertia and run["wcss_text"] == f"{ref.inertia:.2f}"
            np.testing.assert_array_equal(run["centers"], ref.centers)
            if run["k"] == 1:
                assert run["silhouette"] is None and run["silhouette_text"] == "—"
            else:
                sil = kmlib.silhouette_score(X, ref.labels)
                assert run["silhouette"] == sil and run["silhouette_text"] == f"{sil:.3f}"


def test_dbscan_eps_grid_and_data(all_widgets):
    data = all_widgets["dbscan"].data
    sets = kplot.dbscan_datasets()
    assert [d["name"] for d in data["datasets"]] == ["moons", "blobs with noise"]
    for entry in data["datasets"]:
        np.testing.assert_array_equal(entry["points"], sets[entry["name"]])
        assert 1 <= entry["eps_step"] <= entry["eps_steps"]
        eps = entry["eps_step"] / entry["eps_denominator"]
        labels = kmlib.dbscan(sets[entry["name"]], eps, data["min_samples"])
        assert labels.max() >= 1  # the first eps finds clusters
        assert (labels == -1).sum() < len(labels) / 3


def test_palette_values_are_kmlib_values(all_widgets):
    data = all_widgets["palette"].data
    image = small_image()
    assert (data["height"], data["width"]) == image.shape[:2]  # small already: not reduced
    from PIL import Image

    for stop in data["stops"]:
        quantized, palette = kmlib.quantize(image, stop["k"], random_state=0)
        assert stop["palette"] == palette.tolist()
        assert stop["mse"] == kmlib.mse(quantized, image)
        assert stop["psnr_text"] == f"{kmlib.psnr(quantized, image):.2f} dB"
        png = base64.b64decode(stop["image"].split(",", 1)[1])
        import io

        decoded = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
        np.testing.assert_array_equal(decoded, quantized)  # the PNG is exactly the image


def test_palette_reduces_a_large_photograph():
    big = np.repeat(np.repeat(small_image(), 4, axis=0), 4, axis=1)  # 240 x 360
    data = kplot.try_palette(big, ks=(2, 4), max_side=100).data
    assert (data["height"], data["width"]) == (60, 90)  # every 4th row and column


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: kplot.try_nearest(centers=[[0, 0, 0]]), ValueError, "2 columns"),
        (lambda: kplot.try_nearest(centers=np.zeros((9, 2))), ValueError, "1 to 8"),
        (lambda: kplot.try_nearest(query=[1, 2, 3]), ValueError, "query"),
        (lambda: kplot.try_nearest(xlim=(1, 0)), ValueError, "xlim"),
        (lambda: kplot.try_lloyd(k=11), ValueError, "k"),
        (lambda: kplot.try_lloyd(seed=-1), ValueError, "seed"),
        (lambda: kplot.try_lloyd({"a": np.zeros((5, 2))}), ValueError, "10 to 2000"),
        (lambda: kplot.try_lloyd({"a": np.zeros((50, 3))}), ValueError, "2 columns"),
        (lambda: kplot.try_lloyd([np.zeros((50, 2))]), TypeError, "mapping"),
        (lambda: kplot.try_lloyd({1: np.zeros((50, 2))}), TypeError, "keys"),
        (lambda: kplot.try_lloyd(tol=-1), ValueError, "tol"),
        (lambda: kplot.try_choosing_k(max_k=11), ValueError, "max_k"),
        (lambda: kplot.try_choosing_k(k=0), ValueError, "k"),
        (lambda: kplot.try_dbscan(min_samples=0), ValueError, "min_samples"),
        (lambda: kplot.try_dbscan({"a": np.full((20, 2), np.nan)}), ValueError, "finite|NaN"),
        (lambda: kplot.try_palette(small_image().astype(float)), TypeError, "uint8"),
        (lambda: kplot.try_palette(small_image()[..., 0]), ValueError, "H, W, 3"),
        (lambda: kplot.try_palette(small_image(), ks=(2, 65)), ValueError, "ks"),
        (lambda: kplot.try_palette(small_image(), ks=(4, 2)), ValueError, "increasing"),
        (lambda: kplot.try_palette(small_image(), ks=()), ValueError, "ks"),
        (lambda: kplot.try_palette(small_image(), max_side=8), ValueError, "max_side"),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_too_heavy_a_widget_is_refused():
    rng = np.random.default_rng(0)
    many = {f"set {i}": rng.normal(size=(2000, 2)) for i in range(5)}
    with pytest.raises(ValueError, match="300000"):
        kplot.try_lloyd(many)
