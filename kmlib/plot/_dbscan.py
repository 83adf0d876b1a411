"""Chapter 5: DBSCAN's core, border and noise points, and its clusters growing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._validation import check_int, check_labels
from ._animation import animate, check_alt
from ._style import MARKERS, PALETTE, check_points_2d, limits

#: How DBSCAN's noise points are drawn: grey crosses.
NOISE_STYLE = dict(marker="x", c="#777777", linewidths=1.2)
#: Colour of points an animation has not reached yet.
_UNREACHED_COLOR = "#D0D0D0"


def _check_core_mask(core_mask, n: int) -> np.ndarray:
    core_mask = np.asarray(core_mask)
    if core_mask.shape != (n,) or core_mask.dtype != bool:
        raise ValueError(
            f"core_mask must be a boolean array of shape ({n},); "
            f"got {core_mask.dtype} array of shape {core_mask.shape}"
        )
    return core_mask


def _check_dbscan_labels(
    X: np.ndarray, labels, core_mask, *, allow_unreached: bool = False
):
    """Validate the labels and core mask of a DBSCAN result against ``X``.

    The labels go through :func:`kmlib._validation.check_labels`; whatever it
    rejects is reported as one ``ValueError`` that says what a DBSCAN figure
    needs (``-1`` noise, ``-2`` not reached yet, in animations).
    """
    array = np.asarray(labels)
    n = X.shape[0]
    try:
        labels = check_labels(array, n)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"labels must be an int array of shape ({n},) to match X; "
            f"got {array.dtype} array of shape {array.shape}"
        ) from error
    lowest = -2 if allow_unreached else -1
    if n and labels.min() < lowest:
        raise ValueError(
            f"labels must be >= {lowest} (-1 = noise); got {labels.min()}"
        )
    core_mask = _check_core_mask(
        np.zeros(n, dtype=bool) if core_mask is None else core_mask, n
    )
    if np.any(core_mask & (labels < 0)):
        raise ValueError(
            "core_mask marks a point labelled noise (-1) as core; a core point "
            "always belongs to a cluster"
        )
    return labels.astype(np.int64), core_mask


def _draw_dbscan_points(ax, X, labels, core_mask, *, s: float):
    """Scatter core, border, noise (and unreached, label -2) points; returns the artists."""
    artists = []
    unreached = labels == -2
    if unreached.any():
        artists.append(
            ax.scatter(
                X[unreached, 0],
                X[unreached, 1],
                s=0.5 * s,
                c=_UNREACHED_COLOR,
                marker="o",
                edgecolors="none",
                label="not reached yet",
                zorder=1,
            )
        )
    for j in np.unique(labels[labels >= 0]):
        color = PALETTE[j % len(PALETTE)]
        marker = MARKERS[j % len(MARKERS)]
        core = (labels == j) & core_mask
        border = (labels == j) & ~core_mask
        artists.append(
            ax.scatter(
                X[core, 0],
                X[core, 1],
                s=s,
                c=color,
                marker=marker,
                edgecolors="white",
                linewidths=0.5,
                label=f"cluster {j}: core",
                zorder=3,
            )
        )
        if border.any():
            artists.append(
                ax.scatter(
                    X[border, 0],
                    X[border, 1],
                    s=0.6 * s,
                    marker=marker,
                    facecolors="none",
                    edgecolors=color,
                    linewidths=1.3,
                    label=f"cluster {j}: border",
                    zorder=3,
                )
            )
    noise = labels == -1
    if noise.any():
        artists.append(
            ax.scatter(
                X[noise, 0],
                X[noise, 1],
                s=0.8 * s,
                label="noise",
                zorder=2,
                **NOISE_STYLE,
            )
        )
    return artists


def plot_dbscan(
    ax,
    X,
    labels,
    core_mask=None,
    *,
    s: float = 36,
    legend: bool = False,
    title: str | None = None,
):
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
        :func:`kmlib.dbscan`).
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> X = [[0, 0], [0, 0.1], [0, 0.2], [3, 3]]
    >>> _ = plot_dbscan(ax, X, [0, 0, 0, -1], [False, True, False, False])
    >>> [c.get_label() for c in ax.collections]
    ['cluster 0: core', 'cluster 0: border', 'noise']
    >>> plt.close(fig)
    """
    X = check_points_2d(X, "X")
    labels, core_mask = _check_dbscan_labels(X, labels, core_mask)
    _draw_dbscan_points(ax, X, labels, core_mask, s=s)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8)
    return ax


def eps_circles(
    ax,
    centers,
    eps: float,
    *,
    color: str = "black",
    alpha: float = 0.5,
    linestyle: str = "--",
    linewidth: float = 1.0,
):
    """Draw the ``eps``-neighbourhood (a circle of radius ``eps``) around each of ``centers``.

    Returns the list of :class:`matplotlib.patches.Circle` added. The axes'
    aspect ratio is not changed; use ``ax.set_aspect("equal")`` for round circles.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> [circle.get_radius() for circle in eps_circles(ax, [[0, 0], [1, 1]], 0.5)]
    [0.5, 0.5]
    >>> plt.close(fig)
    """
    from matplotlib.patches import Circle

    centers = (
        check_points_2d(centers, "centers")
        if len(np.asarray(centers))
        else np.empty((0, 2))
    )
    eps = float(eps)
    if not eps > 0:
        raise ValueError(f"eps must be a positive number; got {eps!r}")
    patches = []
    for x, y in centers:
        patch = Circle(
            (x, y),
            eps,
            fill=False,
            edgecolor=color,
            alpha=alpha,
            linestyle=linestyle,
            linewidth=linewidth,
            zorder=2,
        )
        ax.add_patch(patch)
        patches.append(patch)
    return patches


def _check_animation_frames(X, frames, core_mask, active, titles, max_frames):
    """The frames' labels (checked) and the core mask of :func:`dbscan_animation`."""
    frames = [np.asarray(f) for f in frames]
    if not frames:
        raise ValueError(
            "frames must hold at least one array of labels; got none"
        )
    max_frames = check_int(max_frames, "max_frames", minimum=1)
    if len(frames) > max_frames:
        raise ValueError(
            f"frames must hold at most max_frames={max_frames} frames; got {len(frames)}"
        )
    checked = [
        _check_dbscan_labels(X, f, None, allow_unreached=True)[0]
        for f in frames
    ]
    core_mask = _check_core_mask(core_mask, X.shape[0])
    if active is not None and len(active) != len(frames):
        raise ValueError(
            f"active must hold one index array per frame ({len(frames)}); got {len(active)}"
        )
    if titles is not None and len(titles) != len(frames):
        raise ValueError(
            f"titles must hold one title per frame ({len(frames)}); got {len(titles)}"
        )
    return checked, core_mask


def dbscan_animation(
    X,
    frames,
    core_mask,
    *,
    eps: float | None = None,
    active=None,
    titles: Sequence[str] | None = None,
    interval: int = 700,
    dpi: int = 72,
    figsize: tuple[float, float] = (5.6, 4.2),
    s: float = 30,
    max_frames: int = 40,
    alt: str,
) -> str:
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

    Examples
    --------
    >>> X = [[0, 0], [0, 0.1], [0, 0.2], [3, 3]]
    >>> frames = [[-2, -2, -2, -2], [0, 0, -2, -2], [0, 0, 0, -1]]
    >>> html = dbscan_animation(X, frames, [False, True, False, False], eps=0.15,
    ...                         active=[[], [1], [1]], dpi=20, alt="One cluster grows")
    >>> html.count("data:image/png;base64")
    3
    """
    check_alt(alt)
    X = check_points_2d(X, "X")
    checked, core_mask = _check_animation_frames(
        X, frames, core_mask, active, titles, max_frames
    )
    xlim, ylim = limits(X, pad=0.08)

    def setup(fig, ax):
        def draw(index):
            ax.clear()
            labels = checked[index]
            _draw_dbscan_points(ax, X, labels, core_mask & (labels >= 0), s=s)
            if eps is not None and active is not None and len(active[index]):
                eps_circles(
                    ax, X[np.asarray(active[index], dtype=int)], eps, alpha=0.6
                )
            ax.set_xlim(xlim)
            ax.set_ylim(ylim)
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            ax.set_title(
                titles[index] if titles is not None else f"step {index}",
                fontsize=11,
            )
            return []

        draw(0)
        return draw

    return animate(
        setup,
        len(checked),
        alt=alt,
        interval=interval,
        figsize=figsize,
        dpi=dpi,
    )
