"""The book's "Try it" widgets: data computed by kmlib, drawn by plain JavaScript.

Each ``try_*`` function computes, with kmlib and at build time, everything a
widget needs, and returns a :class:`Widget`. Displayed in a notebook (its
``_repr_html_``) it is one ``<div class="kmlib-widget" data-widget="...">``
holding

- the data as JSON, in a ``<script type="application/json">`` child, which
  the book's scripts (``book/_static/widgets/*.js``, included by the
  extension ``book/_ext/widgets.py``) read to draw the live widget;
- a static figure with a caption, made with :mod:`kmlib.plot`, that those
  scripts replace: without JavaScript (and in Jupyter or on GitHub) the
  reader sees the picture.

Where a widget computes in the page (a Lloyd step, DBSCAN), the JSON carries
what makes the JavaScript's arithmetic equal kmlib's: for Lloyd, the column
means, the power-of-two exponent and the absolute tolerance that
:func:`kmlib.lloyd` derives from the data; the browser tests compare the
two. Every widget's HTML is at most :data:`MAX_WIDGET_BYTES`.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .. import datasets
from .._choosing_k import silhouette_score
from .._dbscan import dbscan, k_distance
from .._distance import euclidean, nearest
from .._lloyd import LloydData, kmeans
from .._quantize import mse, psnr, quantize
from .._validation import check_array, check_int, check_scalar
from ._choosing_k import elbow_curve
from ._clusters import plot_clusters, scatter_clusters, voronoi_regions
from ._dbscan import plot_dbscan
from ._style import PALETTE, check_points_2d, use_style

__all__ = [
    "MAX_WIDGET_BYTES",
    "WIDGET_NAMES",
    "PALETTE_KS",
    "Widget",
    "lloyd_datasets",
    "try_nearest",
    "try_lloyd",
    "try_choosing_k",
    "try_dbscan",
    "try_palette",
]

#: Largest size of a widget's HTML (data and fallback figure), in bytes.
MAX_WIDGET_BYTES = 300_000
#: The widgets the book's scripts know, one script each.
WIDGET_NAMES = ("nearest", "lloyd", "choosing_k", "dbscan", "palette")
#: Palette sizes of :func:`try_palette` by default (the slider's stops).
PALETTE_KS = (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 56, 64)


@dataclass(frozen=True)
class Widget:
    """A "Try it" widget: its data, and the static figure shown without JavaScript.

    Attributes
    ----------
    name : str
        One of ``kmlib.plot.WIDGET_NAMES`` (the ``data-widget`` attribute).
    data : dict
        Everything the script draws, JSON-serialisable.
    fallback_png : bytes
        The static figure (PNG).
    caption : str
        The figure's caption (also its alt text, with ``alt``).
    alt : str
        Alternative text of the figure.
    """

    name: str
    data: dict = field(repr=False)
    fallback_png: bytes = field(repr=False)
    caption: str = ""
    alt: str = ""

    def data_json(self) -> str:
        """The data as compact JSON, safe inside a ``<script>`` element."""
        text = json.dumps(self.data, separators=(",", ":"), allow_nan=False)
        return text.replace("</", "<\\/")

    def _repr_html_(self) -> str:
        png = base64.b64encode(self.fallback_png).decode("ascii")
        return (
            f'<div class="kmlib-widget" data-widget="{self.name}">'
            f'<script type="application/json" class="kmlib-widget-data">'
            f"{self.data_json()}</script>"
            f'<figure class="kmlib-widget-fallback">'
            f'<img src="data:image/png;base64,{png}" '
            f'alt="{html.escape(self.alt)}">'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
            f"</div>"
        )

    def _repr_png_(self) -> bytes:
        """The static figure, for front ends without HTML (the PDF's still).

        Jupyter and the website prefer the HTML; the LaTeX builder
        (``book/_ext/pdf_stills.py``) shows this PNG instead.
        """
        return self.fallback_png

    @property
    def nbytes(self) -> int:
        """Size of the widget's HTML, in bytes (UTF-8)."""
        return len(self._repr_html_().encode("utf-8"))


def _finish(widget: Widget) -> Widget:
    if widget.nbytes > MAX_WIDGET_BYTES:
        raise ValueError(
            f"the {widget.name} widget would weigh {widget.nbytes} bytes, more "
            f"than {MAX_WIDGET_BYTES}; use fewer or smaller data"
        )
    return widget


def _figure_png(draw, size=(4.2, 3.2), dpi=64) -> bytes:
    """Run ``draw(fig)`` on a new figure in the book's style; the PNG bytes."""
    import matplotlib.pyplot as plt

    with use_style():
        fig = plt.figure(figsize=size, dpi=dpi)
        try:
            draw(fig)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi)
        finally:
            plt.close(fig)
    return buffer.getvalue()


def _points(X) -> list:
    return np.asarray(X, dtype=np.float64).tolist()


def _bounds(X, pad=0.08) -> list:
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.maximum(high - low, 1e-9)
    return (low - pad * span).tolist() + (high + pad * span).tolist()


def _check_datasets(data, name, min_rows, max_rows, default):
    """``{name: (n, 2) float64 array}`` from a mapping (``None``: ``default()``)."""
    if data is None:
        data = default()
    if not isinstance(data, Mapping) or not data:
        raise TypeError(
            f"{name} must be a non-empty mapping of names to (n, 2) arrays; "
            f"got {type(data).__name__}"
        )
    out = {}
    for key, X in data.items():
        if not isinstance(key, str) or not key:
            raise TypeError(
                f"{name} keys must be non-empty strings; got {key!r}"
            )
        X = check_points_2d(
            check_array(X, f"{name}[{key!r}]"), f"{name}[{key!r}]"
        )
        if not min_rows <= len(X) <= max_rows:
            raise ValueError(
                f"{name}[{key!r}] must have {min_rows} to {max_rows} points; "
                f"got {len(X)}"
            )
        out[key] = np.ascontiguousarray(X, dtype=np.float64)
    return out


# ---------------------------------------------------------------------------
# Chapter 1: the nearest centre
# ---------------------------------------------------------------------------


def try_nearest(
    centers=None, query=None, *, xlim=(-0.5, 6.5), ylim=(-0.8, 6.0)
):
    """Chapter 1: drag a query point and the centres; the nearest centre follows.

    Parameters
    ----------
    centers : array_like of shape (k, 2), 1 <= k <= 8, optional
        The centres (default: the chapter's three, ``(1, 4), (5, 4.5), (4, 0.5)``).
    query : array_like of shape (2,), optional
        The query point (default ``(2.6, 2.0)``).
    xlim, ylim : (float, float)
        The drawn box; handles stay inside it.

    Returns
    -------
    Widget
        Named ``"nearest"``; its data hold the centres, the query, the box
        and kmlib's nearest centre and distances for the starting position.
    """
    centers = (
        np.array([[1.0, 4.0], [5.0, 4.5], [4.0, 0.5]])
        if centers is None
        else centers
    )
    centers = check_points_2d(check_array(centers, "centers"), "centers")
    if not 1 <= len(centers) <= len(PALETTE):
        raise ValueError(
            f"centers must have 1 to {len(PALETTE)} rows; got {len(centers)}"
        )
    query = np.array([2.6, 2.0]) if query is None else query
    query = check_array(query, "query", ndim=1)
    if query.shape != (2,):
        raise ValueError(
            f"query must have 2 coordinates; got shape {query.shape}"
        )
    box = [_check_range(xlim, "xlim"), _check_range(ylim, "ylim")]
    label = int(nearest(query[None, :], centers)[0][0])
    distances = [euclidean(query, c) for c in centers]
    data = {
        "centers": _points(centers),
        "query": query.tolist(),
        "bounds": [box[0][0], box[1][0], box[0][1], box[1][1]],
        "nearest": label,
        "distances": distances,
    }

    def draw(fig):
        ax = fig.add_subplot()
        voronoi_regions(ax, centers, box[0], box[1], resolution=160, alpha=0.3)
        for j, c in enumerate(centers):
            ax.plot(
                *zip(query, c, strict=True),
                "-" if j == label else "--",
                color=PALETTE[j % len(PALETTE)] if j == label else "0.4",
                lw=2.5 if j == label else 1,
            )
        ax.scatter(
            *centers.T,
            marker="*",
            s=200,
            c="white",
            edgecolors="black",
            zorder=5,
        )
        ax.scatter(*query, s=60, color="black", zorder=6)
        ax.set_aspect("equal")
        ax.set_title(f"nearest centre: c{label} ({distances[label]:.2f})")

    caption = (
        f"The query point and {len(centers)} centres: the nearest is centre {label}, at "
        f"distance {distances[label]:.2f}. With JavaScript on, drag the point or a centre "
        "(or focus one and use the arrow keys) to see the nearest centre change."
    )
    alt = "Query point joined to every centre over the shaded Voronoi regions; "
    alt += f"the line to the nearest centre, {label}, is thick."
    return _finish(Widget("nearest", data, _figure_png(draw), caption, alt))


def _check_range(pair, name):
    if np.ndim(pair) != 1 or len(pair) != 2:
        raise ValueError(f"{name} must be a pair (low, high); got {pair!r}")
    low = check_scalar(pair[0], f"{name}[0]")
    high = check_scalar(pair[1], f"{name}[1]")
    if not low < high:
        raise ValueError(f"{name} must have low < high; got ({low}, {high})")
    return (low, high)


# ---------------------------------------------------------------------------
# Chapter 2: Lloyd's algorithm step by step
# ---------------------------------------------------------------------------


def lloyd_datasets() -> dict:
    """The five data sets of the Lloyd widget by default, each ``(n, 2)``, 400-500 points.

    ``"three blobs"`` and ``"six close blobs"`` (:func:`kmlib.datasets.make_blobs`),
    ``"uniform square"`` (:func:`kmlib.datasets.make_uniform_noise` in
    :math:`[0, 1)^2`), ``"smiley face"`` (:func:`kmlib.datasets.make_smiley`)
    and ``"rings"`` (:func:`kmlib.datasets.make_circles`), all seeded.
    """
    return {
        "three blobs": datasets.make_blobs(500, 3, random_state=42)[0],
        "six close blobs": datasets.make_blobs(500, 6, random_state=7)[0],
        "uniform square": datasets.make_uniform_noise(
            400, low=0.0, high=1.0, random_state=0
        ),
        "smiley face": datasets.make_smiley(400, random_state=0)[0],
        "rings": datasets.make_circles(400, noise=0.05, random_state=0)[0],
    }


def try_lloyd(data=None, *, k=3, seed=0, tol=1e-4, max_iter=300):
    """Chapter 2: run Lloyd's algorithm yourself, one half-step at a time.

    The script implements :func:`kmlib.lloyd`'s arithmetic: the run works on
    the points centred and scaled as :class:`kmlib._lloyd.LloydData` does
    (the means, exponent and tolerance are in the data), the assignment
    takes the first minimum of :math:`\\lVert c\\rVert^2 - 2\\,x \\cdot c`,
    the update sums in index order and multiplies by the reciprocal count,
    an empty cluster is re-seeded at the point farthest from its centre,
    and "run to convergence" applies the same stopping rules.

    Parameters
    ----------
    data : mapping of str to array_like of shape (n, 2), optional
        The data sets (10 to 2000 points each); default :func:`lloyd_datasets`.
    k : int in [1, 10], default 3
        The K shown first.
    seed : int >= 0, default 0
        The first seed of the script's random starts; the static figure is
        ``kmlib.kmeans(X, k, random_state=seed)`` on the first data set.
    tol : float >= 0, default 1e-4
        :func:`kmlib.lloyd`'s relative tolerance.
    max_iter : int >= 1, default 300
        Largest number of iterations of "run to convergence".

    Returns
    -------
    Widget
        Named ``"lloyd"``.
    """
    sets = _check_datasets(data, "data", 10, 2000, lloyd_datasets)
    k = check_int(k, "k", minimum=1, maximum=10)
    seed = check_int(seed, "seed", minimum=0)
    check_scalar(tol, "tol", minimum=0.0)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    entries = []
    for name, X in sets.items():
        prepared = LloydData(X, tol=tol)
        if prepared.offset != 0:
            raise ValueError(
                f"data[{name!r}] has coordinates too large or small to draw"
            )
        entries.append(
            {
                "name": name,
                "points": _points(X),
                "bounds": _bounds(X),
                "mean": prepared.mean.tolist(),
                "exponent": int(prepared.exponent),
                "tol_abs": prepared.tol_abs,
            }
        )
    data_out = {"datasets": entries, "k": k, "seed": seed, "max_iter": max_iter}
    first_name, X0 = next(iter(sets.items()))
    result = kmeans(X0, k, random_state=seed)

    def draw(fig):
        ax = fig.add_subplot()
        plot_clusters(
            ax, X0, result.labels, result.centers, resolution=100, s=8
        )
        ax.set_title(f"{first_name}, K = {k}: WCSS = {result.inertia:.2f}")

    caption = (
        f"k-means with K = {k} on the {first_name} (k-means++ start, run to convergence "
        f"in {result.n_iter} iterations): points coloured by cluster, centres as stars, "
        "the Voronoi regions shaded. With JavaScript on, choose the data, K and the start "
        "(or click to place the centres) and press assign and update yourself."
    )
    alt = f"The {first_name} clustered by k-means into {k} clusters."
    return _finish(Widget("lloyd", data_out, _figure_png(draw), caption, alt))


# ---------------------------------------------------------------------------
# Chapter 4: choosing K
# ---------------------------------------------------------------------------


def choosing_k_datasets() -> dict:
    """The widget's data sets: clear blobs, overlapping blobs, no structure."""
    return {
        "clear blobs": datasets.make_blobs(400, 3, random_state=0)[0],
        "overlapping blobs": datasets.make_blobs(
            400, 4, cluster_std=1.8, random_state=3
        )[0],
        "no structure": datasets.make_uniform_noise(
            200, low=0.0, high=1.0, random_state=0
        ),
    }


def try_choosing_k(data=None, *, max_k=10, random_state=0, k=3):
    """Chapter 4: slide K and watch the clustering, the elbow and the silhouette.

    For every data set and every ``K = 1 .. max_k``: ``kmlib.kmeans(X, K,
    random_state=random_state)`` (labels, centres, WCSS) and
    :func:`kmlib.silhouette_score` (undefined at ``K = 1``, shown "—").
    The displayed texts are made here, so the page prints kmlib's numbers.

    Parameters
    ----------
    data : mapping of str to array_like of shape (n, 2), optional
        10 to 1000 points each; default: clear blobs, overlapping blobs and
        uniform noise (:func:`choosing_k_datasets`).
    max_k : int in [2, 10], default 10
    random_state : int, default 0
    k : int, default 3
        The K shown first (and in the static figure).

    Returns
    -------
    Widget
        Named ``"choosing_k"``.
    """
    sets = _check_datasets(data, "data", 10, 1000, choosing_k_datasets)
    max_k = check_int(max_k, "max_k", minimum=2, maximum=10)
    random_state = check_int(random_state, "random_state", minimum=0)
    k = check_int(k, "k", minimum=1, maximum=max_k)
    entries = []
    for name, X in sets.items():
        rows = []
        for K in range(1, max_k + 1):
            run = kmeans(X, K, random_state=random_state)
            distinct = len(np.unique(run.labels))
            sil = silhouette_score(X, run.labels) if distinct > 1 else None
            rows.append(
                {
                    "k": K,
                    "labels": "".join(str(int(v)) for v in run.labels),
                    "centers": _points(run.centers),
                    "wcss": run.inertia,
                    "wcss_text": f"{run.inertia:.2f}",
                    "silhouette": sil,
                    "silhouette_text": "—" if sil is None else f"{sil:.3f}",
                }
            )
        entries.append(
            {
                "name": name,
                "points": _points(X),
                "bounds": _bounds(X),
                "runs": rows,
            }
        )
    data_out = {
        "datasets": entries,
        "k": k,
        "max_k": max_k,
        "random_state": random_state,
    }
    first = entries[0]
    X0 = next(iter(sets.values()))

    def draw(fig):
        ax1, ax2 = fig.subplots(1, 2)
        run = first["runs"][k - 1]
        labels = np.array([int(c) for c in run["labels"]])
        scatter_clusters(ax1, X0, labels, s=6)
        ax1.set_title(f"K = {k}")
        elbow_curve(
            ax2,
            list(range(1, max_k + 1)),
            [r["wcss"] for r in first["runs"]],
            current=k,
        )
        fig.tight_layout()

    caption = (
        f"The {first['name']} with K = {k} (left) and the WCSS for K = 1 to {max_k} "
        "(right). With JavaScript on, slide K and change the data set to see the elbow "
        "and the silhouette curves."
    )
    alt = (
        f"The {first['name']} clustered with K = {k}, next to the elbow curve."
    )
    return _finish(
        Widget(
            "choosing_k", data_out, _figure_png(draw, (5.6, 2.8)), caption, alt
        )
    )


# ---------------------------------------------------------------------------
# Chapter 5: DBSCAN
# ---------------------------------------------------------------------------


def dbscan_datasets() -> dict:
    """The widget's data sets: two moons, and three blobs with noise."""
    return {
        "moons": datasets.make_moons(300, noise=0.06, random_state=0)[0],
        "blobs with noise": datasets.make_blobs_with_noise(
            300, 3, n_noise=60, random_state=2
        )[0],
    }


def _eps_slider(X, min_samples):
    """``(denominator, max step, first step)``: eps is ``step / denominator``."""
    extent = float(np.max(X.max(axis=0) - X.min(axis=0)))
    denominator = 100 / 10 ** math.floor(math.log10(extent))
    top = max(10, round(extent / 6 * denominator))
    curve = (
        k_distance(X, min_samples - 1) if min_samples > 1 else k_distance(X, 1)
    )
    first = int(
        np.clip(
            round(float(np.median(curve[: len(curve) // 10])) * denominator),
            1,
            top,
        )
    )
    return denominator, top, first


def try_dbscan(data=None, *, min_samples=5):
    """Chapter 5: move eps and min_samples and watch DBSCAN's clusters and noise.

    The script finds the neighbourhoods and grows the clusters as
    :func:`kmlib.dbscan` does (the same squared distances from coordinate
    differences, compared with ``eps * eps``; the same visiting order), so
    its labels are kmlib's. eps moves on a grid ``i / denominator`` chosen
    from each data set's extent; it starts near the k-distance curve's
    upper values (:func:`kmlib.k_distance`).

    Parameters
    ----------
    data : mapping of str to array_like of shape (n, 2), optional
        10 to 1000 points each; default: moons and blobs with noise.
    min_samples : int in [1, 20], default 5
        The min_samples shown first.

    Returns
    -------
    Widget
        Named ``"dbscan"``.
    """
    sets = _check_datasets(data, "data", 10, 1000, dbscan_datasets)
    min_samples = check_int(min_samples, "min_samples", minimum=1, maximum=20)
    entries = []
    for name, X in sets.items():
        denominator, top, first = _eps_slider(X, min_samples)
        entries.append(
            {
                "name": name,
                "points": _points(X),
                "bounds": _bounds(X),
                "eps_denominator": denominator,
                "eps_steps": top,
                "eps_step": first,
            }
        )
    data_out = {"datasets": entries, "min_samples": min_samples}
    first_entry, X0 = entries[0], next(iter(sets.values()))
    eps0 = first_entry["eps_step"] / first_entry["eps_denominator"]
    labels, core = dbscan(X0, eps0, min_samples, return_core=True)
    n_clusters, n_noise = int(labels.max() + 1), int((labels == -1).sum())

    def draw(fig):
        ax = fig.add_subplot()
        plot_dbscan(ax, X0, labels, core, s=14)
        ax.set_title(f"eps = {eps0:g}, min_samples = {min_samples}")

    caption = (
        f"DBSCAN on the {first_entry['name']} with eps = {eps0:g} and min_samples = "
        f"{min_samples}: {n_clusters} clusters and {n_noise} noise points (crosses). "
        "With JavaScript on, move the sliders and point at a point to see its eps circle."
    )
    alt = (
        f"DBSCAN clusters of the {first_entry['name']}; noise as grey crosses."
    )
    return _finish(Widget("dbscan", data_out, _figure_png(draw), caption, alt))


# ---------------------------------------------------------------------------
# Chapter 6: the palette
# ---------------------------------------------------------------------------


def _png(array) -> str:
    from PIL import Image  # matplotlib's own dependency

    buffer = io.BytesIO()
    colours, index = np.unique(
        array.reshape(-1, 3), axis=0, return_inverse=True
    )
    if len(colours) <= 256:  # a palette image, exactly these colours: smaller
        image = Image.fromarray(
            index.reshape(array.shape[:2]).astype(np.uint8), "P"
        )
        image.putpalette(colours.astype(np.uint8).ravel().tolist())
    else:
        image = Image.fromarray(np.ascontiguousarray(array))
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(
        buffer.getvalue()
    ).decode("ascii")


def try_palette(image, *, ks=PALETTE_KS, max_side=128, random_state=0):
    """Chapter 6: slide the palette size K and see the quantized photograph.

    The photograph is first reduced (every ``s``-th row and column, ``s``
    the smallest step that makes both sides at most ``max_side``); for each
    K, :func:`kmlib.quantize` gives the quantized image and its palette,
    :func:`kmlib.mse` and :func:`kmlib.psnr` its errors against the reduced
    photograph. The images are PNGs (palette images), one per K.

    Parameters
    ----------
    image : array_like of shape (H, W, 3), uint8
        The photograph (the chapter passes scikit-learn's ``china.jpg``).
    ks : sequence of int, default PALETTE_KS
        The palette sizes, increasing, from 2 to 64 (the slider's stops).
    max_side : int in [16, 256], default 128
    random_state : int, default 0

    Returns
    -------
    Widget
        Named ``"palette"``.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise TypeError(f"image must be a uint8 array; got dtype {image.dtype}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (H, W, 3); got {image.shape}")
    max_side = check_int(max_side, "max_side", minimum=16, maximum=256)
    random_state = check_int(random_state, "random_state", minimum=0)
    if np.ndim(ks) != 1 or len(ks) == 0:
        raise ValueError(f"ks must be a non-empty sequence of int; got {ks!r}")
    ks = [check_int(v, "ks[i]", minimum=2, maximum=64) for v in ks]
    if any(b <= a for a, b in zip(ks, ks[1:], strict=False)):
        raise ValueError(f"ks must be increasing; got {ks}")
    step = max(1, math.ceil(max(image.shape[:2]) / max_side))
    small = np.ascontiguousarray(image[::step, ::step])
    stops = []
    for K in ks:
        quantized, palette = quantize(small, K, random_state=random_state)
        error, gain = mse(quantized, small), psnr(quantized, small)
        stops.append(
            {
                "k": K,
                "image": _png(quantized),
                "palette": palette.tolist(),
                "mse": error,
                "psnr": gain,
                "mse_text": f"{error:.2f}",
                "psnr_text": f"{gain:.2f} dB",
            }
        )
    data_out = {
        "width": small.shape[1],
        "height": small.shape[0],
        "original": _png(small),
        "stops": stops,
    }
    shown = stops[len(stops) // 2]

    def draw(fig):
        ax = fig.add_axes((0, 0, 1, 0.88))
        ax.imshow(quantize(small, shown["k"], random_state=random_state)[0])
        ax.axis("off")
        ax.set_title(f"K = {shown['k']}, PSNR = {shown['psnr_text']}")

    caption = (
        f"The photograph with a palette of K = {shown['k']} colours found by k-means: "
        f"MSE {shown['mse_text']}, PSNR {shown['psnr_text']}. With JavaScript on, slide K "
        f"from {ks[0]} to {ks[-1]} to see the image, its palette and the errors change."
    )
    alt = f"The photograph quantized to {shown['k']} colours."
    size = (3.2, 3.2 * small.shape[0] / small.shape[1] / 0.88)
    return _finish(
        Widget("palette", data_out, _figure_png(draw, size), caption, alt)
    )
