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

from ._distance import nearest
from ._validation import check_array, check_int, check_labels

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
    "CURRENT_K_GID",
    "elbow_curve",
    "silhouette_diagram",
    "gap_curve",
    "choosing_k_animation",
    "NOISE_STYLE",
    "plot_dbscan",
    "eps_circles",
    "dbscan_animation",
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


# ---------------------------------------------------------------------------
# DBSCAN figures (Chapter 5): core, border and noise points, and an animation
# of clusters growing from their core points.
# ---------------------------------------------------------------------------

#: How DBSCAN's noise points are drawn: grey crosses.
NOISE_STYLE = dict(marker="x", c="#777777", linewidths=1.2)
#: Colour of points an animation has not reached yet.
_UNREACHED_COLOR = "#D0D0D0"


def _check_dbscan_labels(X: np.ndarray, labels, core_mask, *, allow_unreached: bool = False):
    """Validate the labels and core mask of a DBSCAN result against ``X``."""
    labels = np.asarray(labels)
    n = X.shape[0]
    if labels.shape != (n,) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be an int array of shape ({n},) to match X; "
                         f"got {labels.dtype} array of shape {labels.shape}")
    lowest = -2 if allow_unreached else -1
    if n and labels.min() < lowest:
        raise ValueError(f"labels must be >= {lowest} (-1 = noise); got {labels.min()}")
    if core_mask is None:
        core_mask = np.zeros(n, dtype=bool)
    core_mask = np.asarray(core_mask)
    if core_mask.shape != (n,) or core_mask.dtype != bool:
        raise ValueError(f"core_mask must be a boolean array of shape ({n},); "
                         f"got {core_mask.dtype} array of shape {core_mask.shape}")
    if np.any(core_mask & (labels < 0)):
        raise ValueError("core_mask marks a point labelled noise (-1) as core; a core point "
                         "always belongs to a cluster")
    return labels.astype(np.int64), core_mask


def _draw_dbscan_points(ax, X, labels, core_mask, *, s: float):
    """Scatter core, border, noise (and unreached, label -2) points; returns the artists."""
    artists = []
    unreached = labels == -2
    if unreached.any():
        artists.append(ax.scatter(X[unreached, 0], X[unreached, 1], s=0.5 * s,
                                  c=_UNREACHED_COLOR, marker="o", edgecolors="none",
                                  label="not reached yet", zorder=1))
    for j in np.unique(labels[labels >= 0]):
        color = PALETTE[j % len(PALETTE)]
        marker = MARKERS[j % len(MARKERS)]
        core = (labels == j) & core_mask
        border = (labels == j) & ~core_mask
        artists.append(ax.scatter(X[core, 0], X[core, 1], s=s, c=color, marker=marker,
                                  edgecolors="white", linewidths=0.5, label=f"cluster {j}: core",
                                  zorder=3))
        if border.any():
            artists.append(ax.scatter(X[border, 0], X[border, 1], s=0.6 * s, marker=marker,
                                      facecolors="none", edgecolors=color, linewidths=1.3,
                                      label=f"cluster {j}: border", zorder=3))
    noise = labels == -1
    if noise.any():
        artists.append(ax.scatter(X[noise, 0], X[noise, 1], s=0.8 * s, label="noise", zorder=2,
                                  **NOISE_STYLE))
    return artists


def plot_dbscan(ax, X, labels, core_mask=None, *, s: float = 36, legend: bool = False,
                title: str | None = None):
    """Draw a DBSCAN clustering: core, border and noise points, each distinct.

    A DBSCAN result has three kinds of points (Ester et al., 1996): *core*
    points, with at least ``min_samples`` points (themselves included) within
    ``eps``; *border* points, within ``eps`` of a core point but not core
    themselves; and *noise*, neither. Here core points are large filled
    markers in their cluster's colour and marker, border points smaller hollow
    markers of the same colour and shape, and noise grey crosses, so the
    three kinds differ by shape and fill, not by colour alone.

    Parameters
    ----------
    ax : matplotlib Axes
    X : array_like of shape (n, 2)
        The points.
    labels : array_like of int, shape (n,)
        Cluster of each point, ``-1`` for noise (as returned by
        :func:`kmlib._dbscan.dbscan`).
    core_mask : array_like of bool, shape (n,), optional
        Which points are core points (``dbscan(..., return_core=True)``).
        Without it every clustered point is drawn as a border point.
    s : float, default 36
        Marker size of the core points (border and noise points are smaller).
    legend : bool, default False
        Add a legend entry per kind and cluster.
    title : str, optional
        The axes title.

    Returns
    -------
    matplotlib Axes
        ``ax``.
    """
    X = _check_2d_points(X, "X")
    labels, core_mask = _check_dbscan_labels(X, labels, core_mask)
    _draw_dbscan_points(ax, X, labels, core_mask, s=s)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8)
    return ax


def eps_circles(ax, centers, eps: float, *, color: str = "black", alpha: float = 0.5,
                linestyle: str = "--", linewidth: float = 1.0):
    """Draw the ``eps``-neighbourhood (a circle of radius ``eps``) around each of ``centers``.

    Returns the list of :class:`matplotlib.patches.Circle` added. The axes'
    aspect ratio is not changed; use ``ax.set_aspect("equal")`` for round circles.
    """
    from matplotlib.patches import Circle

    centers = _check_2d_points(centers, "centers") if len(np.asarray(centers)) else np.empty((0, 2))
    eps = float(eps)
    if not eps > 0:
        raise ValueError(f"eps must be a positive number; got {eps!r}")
    patches = []
    for x, y in centers:
        patch = Circle((x, y), eps, fill=False, edgecolor=color, alpha=alpha,
                       linestyle=linestyle, linewidth=linewidth, zorder=2)
        ax.add_patch(patch)
        patches.append(patch)
    return patches


def dbscan_animation(X, frames, core_mask, *, eps: float | None = None, active=None,
                     titles: Sequence[str] | None = None, interval: int = 700, dpi: int = 72,
                     figsize: tuple[float, float] = (5.6, 4.2), s: float = 30,
                     max_frames: int = 40, alt: str) -> str:
    """An animation of DBSCAN clusters growing, as HTML that plays without a kernel.

    Parameters
    ----------
    X : array_like of shape (n, 2)
        The points.
    frames : sequence of int arrays of shape (n,)
        The labels shown in each frame: a cluster id, ``-1`` for noise, or
        ``-2`` for a point not reached yet (drawn as a small light-grey dot).
    core_mask : array_like of bool, shape (n,)
        Which points are core points (drawn filled once they join a cluster).
    eps : float, optional
        With ``active``, the radius of the circles drawn around the points
        being expanded in each frame.
    active : sequence of int arrays, optional
        For each frame, the indices of the core points whose neighbourhoods are
        being searched (circled, if ``eps`` is given).
    titles : sequence of str, optional
        One title per frame.
    interval : int, default 700
        Milliseconds between frames.
    dpi : int, default 72
        Resolution of each frame (every frame is a PNG embedded in the HTML).
    figsize : pair of float
        Figure size in inches.
    s : float, default 30
        Marker size of core points.
    max_frames : int, default 40
        Refuse longer animations (they make heavy pages).
    alt : str
        A sentence describing the animation, for screen readers.

    Returns
    -------
    str
        HTML with play/step controls (see :func:`animation_html`); the figure
        is closed before returning.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty description of the animation; got {alt!r}")
    X = _check_2d_points(X, "X")
    frames = [np.asarray(f) for f in frames]
    if not frames:
        raise ValueError("frames must hold at least one array of labels; got none")
    max_frames = check_int(max_frames, "max_frames", minimum=1)
    if len(frames) > max_frames:
        raise ValueError(f"frames must hold at most max_frames={max_frames} frames; got {len(frames)}")
    checked = [_check_dbscan_labels(X, f, None, allow_unreached=True)[0] for f in frames]
    core_mask = np.asarray(core_mask)
    if core_mask.shape != (X.shape[0],) or core_mask.dtype != bool:
        raise ValueError(f"core_mask must be a boolean array of shape ({X.shape[0]},); "
                         f"got {core_mask.dtype} array of shape {core_mask.shape}")
    if active is not None and len(active) != len(frames):
        raise ValueError(f"active must hold one index array per frame ({len(frames)}); got {len(active)}")
    if titles is not None and len(titles) != len(frames):
        raise ValueError(f"titles must hold one title per frame ({len(frames)}); got {len(titles)}")
    xlim, ylim = _limits(X, pad=0.08)

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    try:
        def draw(index):
            ax.clear()
            labels = checked[index]
            _draw_dbscan_points(ax, X, labels, core_mask & (labels >= 0), s=s)
            if eps is not None and active is not None and len(active[index]):
                eps_circles(ax, X[np.asarray(active[index], dtype=int)], eps, alpha=0.6)
            ax.set_xlim(xlim)
            ax.set_ylim(ylim)
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            ax.set_title(titles[index] if titles is not None else f"step {index}", fontsize=11)
            return []

        draw(0)
        fig.tight_layout()
        fig.canvas.draw_idle = lambda *args, **kwargs: None  # one render per frame (see lloyd_animation)
        animation = FuncAnimation(fig, draw, frames=len(checked), interval=interval, blit=False)
        return animation_html(animation, alt=alt)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------------
# Chapter 4: choosing K (elbow curve, silhouette diagram, gap curve, animation)
# ---------------------------------------------------------------------------

#: ``gid`` of the marker that :func:`elbow_curve` puts at the current ``k``.
CURRENT_K_GID = "current-k"


def _check_curve(ks, values, names=("ks", "values")) -> tuple[np.ndarray, np.ndarray]:
    ks = np.asarray(ks)
    values = np.asarray(values, dtype=float)
    if ks.ndim != 1 or ks.size == 0:
        raise ValueError(f"{names[0]} must be a non-empty 1-D sequence of numbers of clusters; "
                         f"got shape {ks.shape}")
    if values.shape != ks.shape:
        raise ValueError(f"{names[1]} must have one value per k, shape {ks.shape}; "
                         f"got shape {values.shape}")
    return ks, values


def elbow_curve(ax, ks, values, *, current=None, ylabel: str = "WCSS", color=None,
                marker: str = "o", label: str | None = None):
    r"""A criterion plotted against the number of clusters, with the current ``k`` marked.

    Drawn for the elbow method (``values`` the WCSS :math:`W_k`, which only
    falls as ``k`` grows; one looks for the bend), but any per-``k`` score
    (a mean silhouette, a Calinski–Harabasz index) draws the same way.

    Parameters
    ----------
    ax : matplotlib Axes
    ks : sequence of int
        The numbers of clusters, in increasing order.
    values : sequence of float
        The criterion for each ``k`` (NaN values are left out of the line).
    current : int, optional
        A ``k`` of ``ks`` to mark with a large black ring, as in the "choosing K"
        animation. The ring is a ``Line2D`` with ``gid`` :data:`CURRENT_K_GID`;
        move it with ``set_data``.
    ylabel : str, default "WCSS"
        Label of the vertical axis.
    color : colour, optional
        Line colour; by default the first palette colour.
    marker : str, default "o"
        Marker of every point of the curve.
    label : str, optional
        Legend label of the curve.

    Returns
    -------
    matplotlib Axes
        ``ax``, with integer ticks at ``ks``.
    """
    ks, values = _check_curve(ks, values)
    color = PALETTE[0] if color is None else color
    ax.plot(ks, values, marker=marker, color=color, lw=1.6, ms=5, label=label)
    ax.set_xticks(ks)
    ax.set_xlabel("number of clusters $K$")
    ax.set_ylabel(ylabel)
    if current is not None:
        where = np.flatnonzero(ks == current)
        if where.size == 0:
            raise ValueError(f"current must be one of ks {ks.tolist()}; got {current!r}")
        ax.plot([current], [values[where[0]]], marker="o", ms=14, mfc="none", mec="black",
                mew=2.0, ls="none", zorder=5, gid=CURRENT_K_GID)
    return ax


def silhouette_diagram(ax, X_or_samples, labels, *, gap: int = 8, mean_line: bool = True,
                       annotate: bool = True):
    r"""Rousseeuw's silhouette plot: one horizontal bar per point, grouped by cluster.

    Each point :math:`i` gets a bar of length :math:`s(i)` (see
    :func:`kmlib.silhouette_samples`); within a cluster the bars are sorted,
    longest on top, and drawn in the cluster's palette colour, so that each
    cluster shows as a blade whose width is its size and whose reach is how
    well its points sit in it. A dashed line marks the mean silhouette
    :math:`\bar s`. Bars to the left of 0 are points closer, on average, to
    another cluster than to their own.

    Parameters
    ----------
    ax : matplotlib Axes
    X_or_samples : array_like of shape (n, d) or (n,)
        The data (then the silhouettes are computed with
        :func:`kmlib.silhouette_samples`), or the silhouettes themselves (1-D).
    labels : array_like of int, shape (n,)
        The cluster of each point; clusters are drawn in the order of their
        label values, each in ``PALETTE[label]``.
    gap : int, default 8
        Empty rows between two clusters.
    mean_line : bool, default True
        Draw the mean silhouette as a dashed vertical line.
    annotate : bool, default True
        Write each cluster's label beside its blade.

    Returns
    -------
    float
        The mean silhouette :math:`\bar s` of all points.
    """
    data = np.asarray(X_or_samples, dtype=float)
    labels = check_labels(labels, data.shape[0] if data.ndim else 0)
    if data.ndim == 1:
        samples = data
        if not np.all(np.isfinite(samples)) or np.abs(samples).max(initial=0) > 1:
            raise ValueError("silhouettes must be finite numbers in [-1, 1]")
    else:
        from ._choosing_k import silhouette_samples

        samples = silhouette_samples(data, labels)
    gap = check_int(gap, "gap", minimum=0)
    y = 0
    for j in np.unique(labels):
        values = np.sort(samples[labels == j])
        rows = np.arange(y, y + values.size)
        color = PALETTE[int(j) % len(PALETTE)]
        ax.fill_betweenx(rows, 0.0, values, color=color, alpha=0.85, lw=0, step="mid")
        if annotate:
            ax.text(-0.03, y + values.size / 2, str(j), ha="right", va="center", fontsize=9)
        y += values.size + gap
    mean = float(np.mean(samples))
    if mean_line:
        ax.axvline(mean, color="black", ls="--", lw=1.2)
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_xlim(min(-0.1, float(samples.min()) - 0.05), 1.0)
    ax.set_ylim(-gap / 2, max(y - gap / 2, 1))
    ax.set_yticks([])
    ax.set_xlabel("silhouette $s(i)$")
    return mean


def gap_curve(ax, result, *, color=None, mark_best: bool = True, label: str | None = None):
    r"""The gap statistic against ``k``, with :math:`\pm s_k` error bars and the chosen ``k``.

    Plots :math:`\mathrm{Gap}(k)` from a :class:`kmlib.GapResult` with error
    bars of :math:`s_k`, a dotted line at 0 (data no more clustered than the
    references) and, with ``mark_best``, a black ring at Tibshirani's
    :math:`\hat k`, the smallest ``k`` with
    :math:`\mathrm{Gap}(k) \ge \mathrm{Gap}(k+1) - s_{k+1}`.

    Parameters
    ----------
    ax : matplotlib Axes
    result : GapResult
        What :func:`kmlib.gap_statistic` returned (any object with ``ks``,
        ``gap``, ``s_k`` and ``best_k``).
    color : colour, optional
        By default the first palette colour.
    mark_best : bool, default True
        Ring the chosen ``k`` and say it in the legend.
    label : str, optional
        Legend label of the curve.

    Returns
    -------
    matplotlib Axes
        ``ax``.
    """
    missing = [name for name in ("ks", "gap", "s_k", "best_k") if not hasattr(result, name)]
    if missing:
        raise TypeError(f"result must be a GapResult (from kmlib.gap_statistic); "
                        f"{type(result).__name__} has no {', '.join(missing)}")
    ks, gap = _check_curve(result.ks, result.gap, ("result.ks", "result.gap"))
    _, s_k = _check_curve(result.ks, result.s_k, ("result.ks", "result.s_k"))
    color = PALETTE[0] if color is None else color
    ax.errorbar(ks, gap, yerr=s_k, marker="o", ms=5, color=color, capsize=3, lw=1.6, label=label)
    ax.axhline(0.0, color="black", lw=0.8, ls=":")
    if mark_best:
        where = np.flatnonzero(ks == result.best_k)
        if where.size:
            ax.plot([result.best_k], [gap[where[0]]], marker="o", ms=14, mfc="none", mec="black",
                    mew=2.0, ls="none", zorder=5, label=f"chosen $\\hat K$ = {result.best_k}")
    ax.set_xticks(ks)
    ax.set_xlabel("number of clusters $K$")
    ax.set_ylabel("Gap($K$)")
    return ax


def choosing_k_animation(X, results, *, silhouettes=None, interval: int = 1200, dpi: int = 72,
                         figsize: tuple[float, float] = (11.0, 3.6), resolution: int = 120,
                         title: str | None = None, alt: str | None = None) -> str:
    """Step through ``K``: the clustering beside the elbow and silhouette curves.

    Frame ``i`` shows the clustering with the ``i``-th ``K`` (points, centres
    and Voronoi regions, as :func:`plot_clusters`), and, beside it, the WCSS
    curve (:func:`elbow_curve`) and the mean-silhouette curve over all the
    ``K``, each with a ring at the current ``K``.

    Parameters
    ----------
    X : array_like of shape (n, 2)
        The points.
    results : mapping of int to KMeansResult
        The clustering for each ``K`` (objects with ``centers``, ``labels``
        and ``inertia``), in increasing ``K``; at most 14 of them.
    silhouettes : mapping of int to float, optional
        Mean silhouette for each ``K``; computed with
        :func:`kmlib.silhouette_score` if not given (NaN for ``K = 1``).
    interval : int, default 1200
        Milliseconds between frames.
    dpi : int, default 72
        Resolution of the frames (each is a PNG inside the HTML).
    figsize : pair of float
        Figure size in inches.
    resolution : int, default 120
        Grid size of the Voronoi shading.
    title : str, optional
        Text put before ``K = ...`` in the left panel's title.
    alt : str, optional
        Alt text of the animation for screen readers; by default a sentence
        describing it.

    Returns
    -------
    str
        Offline HTML player (see :func:`animation_html`); the figure is closed.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    X = _check_2d_points(X, "X")
    if not hasattr(results, "keys") or len(results) == 0:
        raise TypeError("results must be a non-empty mapping {K: KMeansResult}")
    ks = np.array(sorted(int(k) for k in results))
    if len(ks) > 14:
        raise ValueError(f"results must hold at most 14 values of K (one frame each); got {len(ks)}")
    if silhouettes is None:
        from ._choosing_k import silhouette_score

        silhouettes = {int(k): (float("nan") if k < 2 else silhouette_score(X, results[k].labels))
                       for k in ks}
    wcss = np.array([float(results[k].inertia) for k in ks])
    sil = np.array([float(silhouettes[k]) for k in ks])
    xlim, ylim = _limits(X, *[np.asarray(results[k].centers) for k in ks])

    fig, axes = plt.subplots(1, 3, figsize=figsize, dpi=dpi,
                             gridspec_kw={"width_ratios": [1.25, 1.0, 1.0]})
    try:
        ax_data, ax_elbow, ax_sil = axes
        prefix = f"{title}: " if title else ""

        def draw(index):
            k = int(ks[index])
            result = results[k]
            ax_data.clear()
            plot_clusters(ax_data, X, np.asarray(result.labels), np.asarray(result.centers),
                          resolution=resolution, s=10)
            ax_data.set_xlim(xlim)
            ax_data.set_ylim(ylim)
            ax_data.set_title(f"{prefix}K = {k}", fontsize=11)
            for ax, values, name in ((ax_elbow, wcss, "WCSS"), (ax_sil, sil, "mean silhouette")):
                marker = [line for line in ax.lines if line.get_gid() == CURRENT_K_GID]
                if marker:
                    marker[0].set_data([k], [values[index]])
                else:
                    elbow_curve(ax, ks, values, current=k, ylabel=name,
                                color=PALETTE[0] if name == "WCSS" else PALETTE[2])
            ax_elbow.set_title(f"elbow: WCSS = {wcss[index]:.1f}", fontsize=11)
            ax_sil.set_title(f"silhouette = {sil[index]:.3f}", fontsize=11)
            return list(axes)

        draw(0)
        fig.tight_layout()
        fig.canvas.draw_idle = lambda *args, **kwargs: None  # see lloyd_animation
        animation = FuncAnimation(fig, draw, frames=len(ks), interval=interval, blit=False)
        if alt is None:
            alt = (f"Animation in {len(ks)} frames, K from {ks[0]} to {ks[-1]}: on the left the "
                   "data clustered with the current K over shaded Voronoi regions; in the middle "
                   "the WCSS and on the right the mean silhouette against K, each with a ring "
                   "at the current K")
        return animation_html(animation, alt=alt)
    finally:
        plt.close(fig)
