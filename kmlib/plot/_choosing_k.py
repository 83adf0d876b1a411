"""Chapter 4: choosing K (elbow curve, silhouette diagram, gap curve, animation)."""

from __future__ import annotations

import numpy as np

from .._choosing_k import silhouette_samples, silhouette_score
from .._validation import check_int, check_labels
from ._animation import animate
from ._clusters import plot_clusters
from ._style import PALETTE, check_points_2d, limits

#: ``gid`` of the marker that :func:`elbow_curve` puts at the current ``k``.
CURRENT_K_GID = "current-k"


#: The ring that marks the chosen K on a curve.
RING = dict(
    marker="o", ms=14, mfc="none", mec="black", mew=2.0, ls="none", zorder=5
)


def _check_curve(
    ks, values, names=("ks", "values")
) -> tuple[np.ndarray, np.ndarray]:
    ks = np.asarray(ks)
    values = np.asarray(values, dtype=float)
    if ks.ndim != 1 or ks.size == 0:
        raise ValueError(
            f"{names[0]} must be a non-empty 1-D sequence of numbers of clusters; "
            f"got shape {ks.shape}"
        )
    if values.shape != ks.shape:
        raise ValueError(
            f"{names[1]} must have one value per k, shape {ks.shape}; got shape {values.shape}"
        )
    return ks, values


def elbow_curve(
    ax,
    ks,
    values,
    *,
    current=None,
    ylabel: str = "WCSS",
    color=None,
    marker: str = "o",
    label: str | None = None,
):
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = elbow_curve(ax, [1, 2, 3, 4], [90.0, 30.0, 10.0, 8.0], current=3)
    >>> [line.get_gid() for line in ax.lines]
    [None, 'current-k']
    >>> plt.close(fig)
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
            raise ValueError(
                f"current must be one of ks {ks.tolist()}; got {current!r}"
            )
        ax.plot(
            [current],
            [values[where[0]]],
            **RING,
            gid=CURRENT_K_GID,
        )
    return ax


def silhouette_diagram(
    ax,
    X_or_samples,
    labels,
    *,
    gap: int = 8,
    mean_line: bool = True,
    annotate: bool = True,
):
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> silhouette_diagram(ax, [0.5, 0.7, 0.9, 0.1], [0, 0, 1, 1])
    0.55
    >>> plt.close(fig)
    """
    data = np.asarray(X_or_samples, dtype=float)
    labels = check_labels(labels, data.shape[0] if data.ndim else 0)
    if data.ndim == 1:
        samples = data
        if (
            not np.all(np.isfinite(samples))
            or np.abs(samples).max(initial=0) > 1
        ):
            raise ValueError("silhouettes must be finite numbers in [-1, 1]")
    else:
        samples = silhouette_samples(data, labels)
    gap = check_int(gap, "gap", minimum=0)
    y = 0
    for j in np.unique(labels):
        values = np.sort(samples[labels == j])
        rows = np.arange(y, y + values.size)
        color = PALETTE[int(j) % len(PALETTE)]
        ax.fill_betweenx(
            rows, 0.0, values, color=color, alpha=0.85, lw=0, step="mid"
        )
        if annotate:
            ax.text(
                -0.03,
                y + values.size / 2,
                str(j),
                ha="right",
                va="center",
                fontsize=9,
            )
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


def gap_curve(
    ax, result, *, color=None, mark_best: bool = True, label: str | None = None
):
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from types import SimpleNamespace
    >>> result = SimpleNamespace(ks=[1, 2, 3], gap=[0.1, 0.6, 0.5], s_k=[0.05] * 3, best_k=2)
    >>> fig, ax = plt.subplots()
    >>> _ = gap_curve(ax, result)
    >>> ax.get_legend_handles_labels()[1]
    ['chosen $\\hat K$ = 2']
    >>> plt.close(fig)
    """
    missing = [
        name
        for name in ("ks", "gap", "s_k", "best_k")
        if not hasattr(result, name)
    ]
    if missing:
        raise TypeError(
            f"result must be a GapResult (from kmlib.gap_statistic); "
            f"{type(result).__name__} has no {', '.join(missing)}"
        )
    ks, gap = _check_curve(result.ks, result.gap, ("result.ks", "result.gap"))
    _, s_k = _check_curve(result.ks, result.s_k, ("result.ks", "result.s_k"))
    color = PALETTE[0] if color is None else color
    ax.errorbar(
        ks,
        gap,
        yerr=s_k,
        marker="o",
        ms=5,
        color=color,
        capsize=3,
        lw=1.6,
        label=label,
    )
    ax.axhline(0.0, color="black", lw=0.8, ls=":")
    if mark_best:
        where = np.flatnonzero(ks == result.best_k)
        if where.size:
            ax.plot(
                [result.best_k],
                [gap[where[0]]],
                **RING,
                label=f"chosen $\\hat K$ = {result.best_k}",
            )
    ax.set_xticks(ks)
    ax.set_xlabel("number of clusters $K$")
    ax.set_ylabel("Gap($K$)")
    return ax


def choosing_k_animation(
    X,
    results,
    *,
    silhouettes=None,
    interval: int = 1200,
    dpi: int = 72,
    figsize: tuple[float, float] = (11.0, 3.6),
    resolution: int = 120,
    title: str | None = None,
    alt: str | None = None,
) -> str:
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

    Examples
    --------
    >>> import kmlib
    >>> X = [[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [5.0, 1.0], [9.0, 9.0]]
    >>> results = {k: kmlib.kmeans(X, k, random_state=0) for k in (1, 2, 3)}
    >>> html = choosing_k_animation(X, results, resolution=10, dpi=20)
    >>> html.count("data:image/png;base64")  # one frame per K
    3
    """
    X = check_points_2d(X, "X")
    if not hasattr(results, "keys") or len(results) == 0:
        raise TypeError("results must be a non-empty mapping {K: KMeansResult}")
    ks = np.array(sorted(int(k) for k in results))
    if len(ks) > 14:
        raise ValueError(
            f"results must hold at most 14 values of K (one frame each); got {len(ks)}"
        )
    if silhouettes is None:
        silhouettes = {
            int(k): (
                float("nan")
                if k < 2
                else silhouette_score(X, results[k].labels)
            )
            for k in ks
        }
    wcss = np.array([float(results[k].inertia) for k in ks])
    sil = np.array([float(silhouettes[k]) for k in ks])
    xlim, ylim = limits(X, *[np.asarray(results[k].centers) for k in ks])
    prefix = f"{title}: " if title else ""
    if alt is None:
        alt = (
            f"Animation in {len(ks)} frames, K from {ks[0]} to {ks[-1]}: on the left the "
            "data clustered with the current K over shaded Voronoi regions; in the middle "
            "the WCSS and on the right the mean silhouette against K, each with a ring "
            "at the current K"
        )

    def setup(fig, axes):
        ax_data, ax_elbow, ax_sil = axes

        def draw(index):
            k = int(ks[index])
            result = results[k]
            ax_data.clear()
            plot_clusters(
                ax_data,
                X,
                np.asarray(result.labels),
                np.asarray(result.centers),
                resolution=resolution,
                s=10,
            )
            ax_data.set_xlim(xlim)
            ax_data.set_ylim(ylim)
            ax_data.set_title(f"{prefix}K = {k}", fontsize=11)
            for ax, values, name in (
                (ax_elbow, wcss, "WCSS"),
                (ax_sil, sil, "mean silhouette"),
            ):
                marker = [
                    line for line in ax.lines if line.get_gid() == CURRENT_K_GID
                ]
                if marker:
                    marker[0].set_data([k], [values[index]])
                else:
                    elbow_curve(
                        ax,
                        ks,
                        values,
                        current=k,
                        ylabel=name,
                        color=PALETTE[0] if name == "WCSS" else PALETTE[2],
                    )
            ax_elbow.set_title(f"elbow: WCSS = {wcss[index]:.1f}", fontsize=11)
            ax_sil.set_title(f"silhouette = {sil[index]:.3f}", fontsize=11)
            return list(axes)

        draw(0)
        return draw

    return animate(
        setup,
        len(ks),
        alt=alt,
        interval=interval,
        figsize=figsize,
        dpi=dpi,
        nrows=1,
        ncols=3,
        gridspec_kw={"width_ratios": [1.25, 1.0, 1.0]},
    )
