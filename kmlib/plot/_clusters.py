"""Chapters 1 and 2: points coloured by cluster, centres as stars, Voronoi regions."""

from __future__ import annotations

import numpy as np

from .._distance import nearest
from .._validation import check_int
from ._style import (
    CENTER_STYLE,
    MARKERS,
    NOISE_COLOR,
    PALETTE,
    check_plot_labels,
    check_points_2d,
    limits,
    palette_rgb,
)


def scatter_clusters(
    ax,
    X,
    labels=None,
    *,
    s=18,
    alpha=0.85,
    legend=False,
    label_prefix="cluster",
):
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = scatter_clusters(ax, [[0, 0], [1, 1], [5, 5]], [0, 0, 1])
    >>> [c.get_label() for c in ax.collections]
    ['cluster 0', 'cluster 1']
    >>> plt.close(fig)
    """
    X = check_points_2d(X, "X")
    if labels is None:
        labels = np.zeros(len(X), dtype=int)
    labels = check_plot_labels(labels, len(X))
    for j in np.unique(labels):
        mask = labels == j
        color = NOISE_COLOR if j < 0 else PALETTE[j % len(PALETTE)]
        marker = "." if j < 0 else MARKERS[j % len(MARKERS)]
        name = "noise" if j < 0 else f"{label_prefix} {j}"
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=s,
            c=color,
            marker=marker,
            alpha=alpha,
            edgecolors="none",
            label=name,
        )
    if legend:
        ax.legend(loc="best", fontsize=9)
    return ax


def draw_centers(ax, centers, *, annotate=False, **kwargs):
    """Draw centres as black-edged stars (optionally numbered).

    Keyword arguments override :data:`CENTER_STYLE`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = draw_centers(ax, [[0, 0], [1, 2]], annotate=True)
    >>> [text.get_text() for text in ax.texts]
    ['$c_0$', '$c_1$']
    >>> plt.close(fig)
    """
    centers = np.asarray(centers, dtype=float)
    opts = dict(CENTER_STYLE)
    opts.update(kwargs)
    ax.scatter(centers[:, 0], centers[:, 1], **opts)
    if annotate:
        for j, (x, y) in enumerate(centers[:, :2]):
            ax.annotate(
                f"$c_{j}$",
                (x, y),
                xytext=(8, 8),
                textcoords="offset points",
                fontsize=11,
                weight="bold",
            )
    return ax


def region_image(
    centers: np.ndarray, xlim, ylim, resolution: int
) -> np.ndarray:
    """``(resolution, resolution, 3)`` RGB image: each pixel in the colour of its nearest centre.

    Row 0 is the bottom of the rectangle (draw it with ``origin="lower"``).

    Examples
    --------
    >>> image = region_image(np.array([[-1.0, 0.0], [1.0, 0.0]]), (-2, 2), (-1, 1), 4)
    >>> bool((image[:, 0] == palette_rgb(1)[0]).all()), image.shape
    (True, (4, 4, 3))
    """
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    labels, _ = nearest(grid, centers)  # chunked: at most a (chunk, k) block
    return palette_rgb(len(centers))[labels].reshape(resolution, resolution, 3)


def voronoi_regions(
    ax, centers, xlim, ylim, *, resolution: int = 200, alpha: float = 0.18
):
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> image = voronoi_regions(ax, [[-1, 0], [1, 0]], (-2, 2), (-1, 1), resolution=20)
    >>> image.get_array().shape, tuple(map(float, ax.get_xlim()))
    ((20, 20, 3), (-2.0, 2.0))
    >>> plt.close(fig)
    """
    centers = check_points_2d(centers, "centers")
    resolution = check_int(resolution, "resolution", minimum=2)
    xlim = (float(xlim[0]), float(xlim[1]))
    ylim = (float(ylim[0]), float(ylim[1]))
    image = ax.imshow(
        region_image(centers, xlim, ylim, resolution),
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


def plot_clusters(
    ax,
    X,
    labels,
    centers,
    *,
    voronoi: bool = True,
    resolution: int = 200,
    s: float = 18,
    legend: bool = False,
    annotate: bool = False,
):
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> X = [[0, 0], [0, 1], [4, 4], [4, 5]]
    >>> _ = plot_clusters(ax, X, [0, 0, 1, 1], [[0, 0.5], [4, 4.5]], resolution=10)
    >>> len(ax.images), len(ax.collections)  # the regions; two clusters and the centres
    (1, 3)
    >>> plt.close(fig)
    """
    X = check_points_2d(X, "X")
    centers = check_points_2d(centers, "centers")
    labels = check_plot_labels(labels, X.shape[0], k=centers.shape[0])
    xlim, ylim = limits(X, centers)
    if voronoi:
        voronoi_regions(ax, centers, xlim, ylim, resolution=resolution)
    scatter_clusters(ax, X, labels, s=s, legend=legend)
    draw_centers(ax, centers, annotate=annotate)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax
