"""Figures for the book, in one consistent, colour-blind-safe style.

Every chapter draws with these helpers so that clusters, centres and points
look the same from page to page. The palette is Okabe & Ito's (2008), which
stays distinguishable under the common forms of colour blindness; markers
also differ by cluster, so colour is never the only cue.

matplotlib is imported lazily (it is an optional dependency of kmlib).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape

import numpy as np

from ._validation import check_array, check_int
from .distance import nearest

__all__ = [
    "PALETTE",
    "MARKERS",
    "CENTER_STYLE",
    "style",
    "use_style",
    "cluster_colors",
    "scatter_clusters",
    "draw_centers",
    "voronoi_regions",
    "plot_clusters",
    "LloydFrame",
    "lloyd_frames",
    "lloyd_animation",
    "animation_html",
]

#: Okabe-Ito colours (without black, which is kept for centres and text).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
)
#: One marker per cluster, repeating with the palette.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "h")
#: How centres are drawn: a black-edged white star, visible on any colour.
CENTER_STYLE = dict(marker="*", s=260, c="white", edgecolors="black", linewidths=1.5, zorder=5)

_RC = {
    "figure.figsize": (6.0, 4.0),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "font.size": 10,
    "image.cmap": "viridis",
}


def style() -> dict:
    """The book's matplotlib settings (a dict for ``plt.rcParams.update``)."""
    import matplotlib as mpl

    rc = dict(_RC)
    rc["axes.prop_cycle"] = mpl.cycler(color=list(PALETTE))
    return rc


@contextmanager
def use_style():
    """Context manager applying :func:`style` temporarily."""
    import matplotlib.pyplot as plt

    with plt.rc_context(style()):
        yield


def cluster_colors(labels) -> np.ndarray:
    """The palette colour of each label (noise, label -1, is drawn grey)."""
    labels = np.asarray(labels)
    colors = np.array(PALETTE, dtype=object)[np.mod(labels, len(PALETTE))]
    colors[labels < 0] = "#BBBBBB"
    return colors


def scatter_clusters(ax, X, labels=None, *, s=18, alpha=0.85, legend=False, label_prefix="cluster"):
    """Scatter 2-D points coloured (and marked) by cluster.

    Parameters
    ----------
    ax : matplotlib Axes
    X : array_like of shape (n, 2)
    labels : array_like of shape (n,), optional
        Cluster of each point; without it all points share the first colour.
    s, alpha : marker size and opacity.
    legend : bool
        Add a legend entry per cluster.
    """
    X = np.asarray(X, dtype=float)
    if labels is None:
        labels = np.zeros(len(X), dtype=int)
    labels = np.asarray(labels)
    for j in np.unique(labels):
        mask = labels == j
        color = "#BBBBBB" if j < 0 else PALETTE[j % len(PALETTE)]
        marker = "." if j < 0 else MARKERS[j % len(MARKERS)]
        name = "noise" if j < 0 else f"{label_prefix} {j}"
        ax.scatter(X[mask, 0], X[mask, 1], s=s, c=color, marker=marker, alpha=alpha,
                   edgecolors="none", label=name)
    if legend:
        ax.legend(loc="best", fontsize=9)
    return ax


def draw_centers(ax, centers, *, annotate=False, **kwargs):
    """Draw centres as black-edged stars (optionally numbered)."""
    centers = np.asarray(centers, dtype=float)
    opts = dict(CENTER_STYLE)
    opts.update(kwargs)
    ax.scatter(centers[:, 0], centers[:, 1], **opts)
    if annotate:
        for j, (x, y) in enumerate(centers[:, :2]):
            ax.annotate(f"$c_{j}$", (x, y), xytext=(8, 8), textcoords="offset points",
                        fontsize=11, weight="bold")
    return ax


def _palette_rgb(k: int) -> np.ndarray:
    """``(k, 3)`` RGB floats of the palette colours of clusters ``0..k-1``."""
    from matplotlib.colors import to_rgb

    return np.array([to_rgb(PALETTE[j % len(PALETTE)]) for j in range(k)])


def _check_2d_points(X, name: str) -> np.ndarray:
    X = check_array(X, name)
    if X.shape[1] != 2:
        raise ValueError(f"{name} must have 2 columns to be drawn in the plane; got shape {X.shape}")
    return X


def _limits(*arrays, pad: float = 0.06) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits that hold every point of ``arrays`` with a margin of ``pad`` (a fraction)."""
    points = np.vstack([np.asarray(a, dtype=float)[:, :2] for a in arrays])
    low, high = points.min(axis=0), points.max(axis=0)
    margin = pad * np.maximum(high - low, 1e-12)
    low, high = low - margin, high + margin
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def _region_image(centers: np.ndarray, xlim, ylim, resolution: int) -> np.ndarray:
    """``(resolution, resolution, 3)`` RGB image: each pixel in the colour of its nearest centre."""
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    labels, _ = nearest(grid, centers)  # chunked: at most a (chunk, k) block
    return _palette_rgb(len(centers))[labels].reshape(resolution, resolution, 3)


def voronoi_regions(ax, centers, xlim, ylim, *, resolution: int = 200, alpha: float = 0.18):
    r"""Shade the Voronoi region of each centre in its palette colour.

    The region of centre :math:`c_j` is the set of points nearer to it than
    to any other centre,

    .. math:: V_j = \{x : \lVert x - c_j \rVert \le \lVert x - c_l \rVert
              \ \text{for all } l\},

    exactly the points that the assignment step gives to cluster ``j``. It is
    drawn by asking :func:`kmlib.nearest` for the nearest centre of every
    pixel of a ``resolution`` × ``resolution`` grid (in chunks, so memory is
    bounded) and showing the result as a light image under the points.

    Parameters
    ----------
    ax : matplotlib Axes
    centers : array_like of shape (k, 2)
        The centres.
    xlim, ylim : pair of float
        The rectangle to shade; the axes are set to it.
    resolution : int, default 200
        Pixels along each side of the grid.
    alpha : float, default 0.18
        Opacity of the shading (light, so that points stay readable).

    Returns
    -------
    matplotlib.image.AxesImage
        The image, whose data can be replaced with ``set_data`` (animations do).
    """
    centers = _check_2d_points(centers, "centers")
    resolution = check_int(resolution, "resolution", minimum=2)
    xlim = (float(xlim[0]), float(xlim[1]))
    ylim = (float(ylim[0]), float(ylim[1]))
    image = ax.imshow(
        _region_image(centers, xlim, ylim, resolution),
        extent=(xlim[0], xlim[1], ylim[0], ylim[1]),
        origin="lower",
        alpha=alpha,
        aspect="auto",
        interpolation="nearest",
        zorder=0,
    )
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return image


def plot_clusters(ax, X, labels, centers, *, voronoi: bool = True, resolution: int = 200,
                  s: float = 18, legend: bool = False, annotate: bool = False):
    """Points coloured by cluster, their centres as stars, and (optionally) the Voronoi regions.

    Parameters
    ----------
    ax : matplotlib Axes
    X : array_like of shape (n, 2)
        The points.
    labels : array_like of shape (n,)
        Cluster of each point (an index into ``centers``).
    centers : array_like of shape (k, 2)
        The centres.
    voronoi : bool, default True
        Shade each centre's region (see :func:`voronoi_regions`).
    resolution : int, default 200
        Grid size of the shading.
    s : float, default 18
        Marker size of the points.
    legend : bool, default False
        Add a legend entry per cluster.
    annotate : bool, default False
        Number the centres :math:`c_0, c_1, \\dots`.

    Returns
    -------
    matplotlib Axes
        ``ax``, with limits that hold every point and centre.
    """
    X = _check_2d_points(X, "X")
    centers = _check_2d_points(centers, "centers")
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels must have shape ({X.shape[0]},) to match X; got {labels.shape}")
    xlim, ylim = _limits(X, centers)
    if voronoi:
        voronoi_regions(ax, centers, xlim, ylim, resolution=resolution)
    scatter_clusters(ax, X, labels, s=s, legend=legend)
    draw_centers(ax, centers, annotate=annotate)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


@dataclass(frozen=True)
class LloydFrame:
    """One picture of a Lloyd run: what the animation shows at one half-step.

    Attributes
    ----------
    iteration : int
        Iteration number, counted from 1.
    step : str
        ``"assign"`` (points just took their nearest centre) or ``"update"``
        (centres just moved to the means of their points).
    centers : ndarray of shape (k, d)
        The centres shown.
    labels : ndarray of shape (n,)
        The assignment shown.
    inertia : float
        WCSS of ``labels`` measured from ``centers``.
    previous_centers : ndarray of shape (k, d) or None
        For an update frame, where the centres were before they moved.
    """

    iteration: int
    step: str
    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    previous_centers: np.ndarray | None = None


def _wcss(X: np.ndarray, centers: np.ndarray, labels: np.ndarray) -> float:
    diff = X - centers[labels]
    return float(np.einsum("ij,ij->", diff, diff))


def _means(X: np.ndarray, labels: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Cluster means; a cluster without points keeps its old centre (drawing only)."""
    k = len(old)
    counts = np.bincount(labels, minlength=k).astype(float)
    sums = np.zeros_like(old)
    np.add.at(sums, labels, X)
    new = old.copy()
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, None]
    return new


def _history_of(result_or_history) -> tuple[list, np.ndarray | None]:
    history = getattr(result_or_history, "history", result_or_history)
    final = getattr(result_or_history, "centers", None)
    if history is None:
        raise ValueError(
            "result_or_history has no history; run kmlib.lloyd(..., record=True) "
            "or pass its .history list"
        )
    if not isinstance(history, Sequence) or len(history) == 0:
        raise ValueError(
            "result_or_history must be a KMeansResult with a history or a non-empty "
            f"list of IterationRecord; got {type(result_or_history).__name__}"
        )
    for record in history:
        if not all(hasattr(record, name) for name in ("centers", "labels", "inertia")):
            raise TypeError(
                "every history record must have centers, labels and inertia "
                f"(an IterationRecord); got {type(record).__name__}"
            )
    return list(history), None if final is None else np.asarray(final, dtype=float)


def lloyd_frames(X, result_or_history) -> list[LloydFrame]:
    """The half-steps of a recorded Lloyd run, in order: assign, update, assign, update, ...

    Frame ``2i`` is iteration ``i+1``'s assignment step: the points coloured
    by their nearest centre among ``history[i].centers``, with WCSS
    ``history[i].inertia``. Frame ``2i+1`` is its update step: the centres
    moved to the means of those clusters (``history[i+1].centers``, or the
    result's final centres after the last record), same labels, and the
    WCSS of those labels from the new centres. If a result's final labels
    differ from the last record's (the run stopped on ``tol`` or
    ``max_iter``, and one last assignment followed), a final assign frame
    shows them. Along the frames the WCSS never increases: that is the
    argument of Chapter 2, made visible.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The clustered points.
    result_or_history : KMeansResult or sequence of IterationRecord
        A result of ``kmlib.lloyd(..., record=True)`` (or ``kmeans``), or its
        ``history``. Without a result, the last update is computed as the
        means of the last labels.

    Returns
    -------
    list of LloydFrame
        ``2 * len(history)`` frames (one more for a final assignment).
    """
    X = check_array(X, "X")
    history, final = _history_of(result_or_history)
    frames = []
    for i, record in enumerate(history):
        centers = np.asarray(record.centers, dtype=float)
        labels = np.asarray(record.labels)
        if labels.shape != (X.shape[0],) or centers.ndim != 2 or centers.shape[1] != X.shape[1]:
            raise ValueError(
                f"history record {i} does not match X of shape {X.shape}: centers "
                f"{centers.shape}, labels {labels.shape}"
            )
        frames.append(LloydFrame(i + 1, "assign", centers, labels, float(record.inertia)))
        if i + 1 < len(history):
            moved = np.asarray(history[i + 1].centers, dtype=float)
        elif final is not None:
            moved = final
        else:
            moved = _means(X, labels, centers)
        frames.append(LloydFrame(i + 1, "update", moved, labels, _wcss(X, moved, labels), centers))
    final_labels = getattr(result_or_history, "labels", None)
    if final is not None and final_labels is not None:
        final_labels = np.asarray(final_labels)
        if final_labels.shape == labels.shape and not np.array_equal(final_labels, labels):
            # the run stopped on tol or max_iter: one last assignment to the final centres
            frames.append(LloydFrame(len(history) + 1, "assign", final,
                                     final_labels, _wcss(X, final, final_labels)))
    return frames


def lloyd_animation(X, result_or_history, *, interval: int = 900, dpi: int = 72,
                    figsize: tuple[float, float] = (5.6, 4.4), resolution: int = 150,
                    max_frames: int = 30, title: str | None = None,
                    alt: str | None = None) -> str:
    """A step-by-step animation of Lloyd's algorithm, as HTML that plays without a kernel.

    One frame per half-step (see :func:`lloyd_frames`): *assign* recolours the
    points and the Voronoi regions of the current centres; *update* moves the
    centres to the means of their clusters (a thin line joins each centre's
    old and new position). The title says which half-step it is and the WCSS.

    Parameters
    ----------
    X : array_like of shape (n, 2)
        The points (two features, to be drawn).
    result_or_history : KMeansResult or sequence of IterationRecord
        A recorded run: ``kmlib.lloyd(X, init, record=True)``, or its history.
    interval : int, default 900
        Milliseconds between frames.
    dpi : int, default 72
        Resolution of each frame; small keeps a notebook light (every frame is
        a PNG embedded in the HTML).
    figsize : pair of float
        Figure size in inches.
    resolution : int, default 150
        Grid size of the Voronoi shading.
    max_frames : int, default 30
        At most this many frames: a longer run shows its first ``max_frames - 1``
        half-steps and its last one.
    title : str, optional
        Text put before the half-step in every frame's title.
    alt : str, optional
        Alt text of the animation's image, for screen readers (matplotlib's
        HTML has none); by default a sentence describing the animation.

    Returns
    -------
    str
        HTML (matplotlib's ``to_jshtml``) with play/step controls; show it
        with ``IPython.display.HTML``. It loads nothing from the network (the
        buttons show text glyphs instead of matplotlib's CDN icon font). The
        figure is closed before returning.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    X = _check_2d_points(X, "X")
    max_frames = check_int(max_frames, "max_frames", minimum=2)
    frames = lloyd_frames(X, result_or_history)
    if len(frames) > max_frames:
        frames = frames[: max_frames - 1] + frames[-1:]
    k = max(len(f.centers) for f in frames)
    xlim, ylim = _limits(X, *[f.centers for f in frames])

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    try:
        first = frames[0]
        image = voronoi_regions(ax, first.centers, xlim, ylim, resolution=resolution)
        points = [
            ax.scatter([], [], s=14, c=PALETTE[j % len(PALETTE)], marker=MARKERS[j % len(MARKERS)],
                       alpha=0.85, edgecolors="none")
            for j in range(k)
        ]
        trails = [ax.plot([], [], color="black", lw=1.2, alpha=0.7, zorder=4)[0] for _ in range(k)]
        ghosts = ax.scatter([], [], marker="*", s=120, facecolors="none", edgecolors="black",
                            linewidths=0.8, alpha=0.6, zorder=4)
        stars = ax.scatter(first.centers[:, 0], first.centers[:, 1], **CENTER_STYLE)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        prefix = f"{title}: " if title else ""

        def caption(frame):
            return f"{prefix}iteration {frame.iteration}: {frame.step}   WCSS = {frame.inertia:.2f}"

        heading = ax.set_title(caption(first), fontsize=11)  # before tight_layout, for room
        empty = np.empty((0, 2))

        def draw(index):
            frame = frames[index]
            image.set_data(_region_image(frame.centers, xlim, ylim, resolution))
            for j, collection in enumerate(points):
                collection.set_offsets(X[frame.labels == j] if j < len(frame.centers) else empty)
            stars.set_offsets(frame.centers)
            old = frame.previous_centers
            ghosts.set_offsets(old if old is not None else empty)
            for j, line in enumerate(trails):
                if old is not None and j < len(old):
                    line.set_data([old[j, 0], frame.centers[j, 0]], [old[j, 1], frame.centers[j, 1]])
                else:
                    line.set_data([], [])
            heading.set_text(caption(frame))
            return [image, *points, *trails, ghosts, stars, heading]

        fig.tight_layout()
        # Every frame is rendered once, by the writer's savefig; the extra redraw that
        # FuncAnimation asks for after each frame (meant for a screen) is skipped.
        fig.canvas.draw_idle = lambda *args, **kwargs: None
        animation = FuncAnimation(fig, draw, frames=len(frames), interval=interval, blit=False)
        if alt is None:
            alt = (f"Animation of Lloyd's algorithm in {len(frames)} frames: points coloured by "
                   "their nearest centre over shaded Voronoi regions, centres moving to the means "
                   "of their clusters, with the WCSS in the title")
        return animation_html(animation, alt=alt)
    finally:
        plt.close(fig)


def animation_html(animation, *, alt: str, default_mode: str = "once", fps: float | None = None) -> str:
    """Render a matplotlib animation as HTML that plays on a static page, offline.

    This is ``animation.to_jshtml()`` (every frame a PNG embedded in the page,
    with play/step buttons that need no kernel) made fit for the book: the
    image gets ``alt`` text for screen readers, and the player loads nothing
    from the network (see :func:`_offline_controls`). Close the figure
    afterwards (``plt.close(fig)``) so the notebook does not also show it.

    Parameters
    ----------
    animation : matplotlib.animation.Animation
        The animation, e.g. a ``FuncAnimation``.
    alt : str
        A sentence describing what the animation shows.
    default_mode : {"once", "loop", "reflect"}
        What the player does at the last frame.
    fps : float, optional
        Frames per second when playing; by default the animation's interval.

    Returns
    -------
    str
        The HTML; show it with ``IPython.display.HTML``.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty description of the animation; got {alt!r}")
    html = animation.to_jshtml(fps=fps, default_mode=default_mode)
    html = html.replace('<img id="_anim_img', f'<img alt="{escape(alt, quote=True)}" id="_anim_img', 1)
    return _offline_controls(html)


#: Text glyphs for the player's buttons, in place of Font Awesome icons.
_BUTTON_GLYPHS = {
    "fa-minus": "\u2212",              # slower
    "fa-fast-backward": "\u21e4",      # first frame
    "fa-step-backward": "\u2039",      # previous frame
    "fa-play fa-flip-horizontal": "\u25c0",  # play backwards
    "fa-pause": "\u275a\u275a",        # pause
    "fa-play": "\u25b6",               # play
    "fa-step-forward": "\u203a",       # next frame
    "fa-fast-forward": "\u21e5",       # last frame
    "fa-plus": "+",                    # faster
}


def _offline_controls(html: str) -> str:
    """Make matplotlib's ``to_jshtml`` player work offline.

    matplotlib links a Font Awesome style sheet from a CDN for its button
    icons; the book loads nothing from the network (DESIGN §3.8). The link is
    removed and each icon replaced by a plain text glyph (the buttons keep
    their ``title`` and ``aria-label``).
    """
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">\s*', "", html)

    def glyph(match):
        text = _BUTTON_GLYPHS.get(match.group(1), "\u2022")
        return f'<span aria-hidden="true">{text}</span>'

    return re.sub(r'<i class="fa ([a-z -]+)"></i>', glyph, html)
