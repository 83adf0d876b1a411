"""Figures of Chapter 7 (k-means beyond one machine)."""

from __future__ import annotations

import numpy as np

from ._animation import animate
from ._clusters import scatter_clusters
from ._style import CENTER_STYLE, PALETTE, check_points_2d, limits

__all__ = [
    "time_to_quality",
    "passes_against_k",
    "map_reduce_diagram",
    "minibatch_animation",
]


def time_to_quality(ax, curves, *, reference=None, target=None):
    """Inertia against wall time, one line per method (log-scaled time).

    Parameters
    ----------
    ax : matplotlib Axes
    curves : dict of str to (seconds, inertia)
        Each method's points in time and the WCSS it had reached then.
    reference : float, optional
        A WCSS to divide by (e.g. full Lloyd's), so the y axis reads
        "times the reference".
    target : float, optional
        A level (in the units of the y axis) drawn as a dashed line.

    Returns
    -------
    matplotlib Axes
    """
    scale = 1.0 if reference is None else float(reference)
    styles = ("-", "--", ":", "-.")
    for i, (name, (seconds, inertia)) in enumerate(curves.items()):
        y = np.asarray(inertia, dtype=float) / scale
        ax.plot(seconds, y, styles[i % 4], color=PALETTE[i], marker="o",
                markersize=3, label=name)  # fmt: skip
    if target is not None:
        ax.axhline(target, color="black", lw=0.8, ls="--", label=f"{target:g}")
    ax.set_xscale("log")
    ax.set_xlabel("wall time (s, log scale)")
    ax.set_ylabel("WCSS" if reference is None else "WCSS / full Lloyd's")
    ax.legend()
    return ax


def passes_against_k(ax, ks, passes):
    """Passes over the data against ``k``, one line per seeding.

    ``passes`` maps a seeding's name to its pass counts, one per ``k``.
    """
    for i, (name, counts) in enumerate(passes.items()):
        ax.plot(ks, counts, marker="os^"[i % 3], color=PALETTE[i], label=name)
    ax.set_xlabel("number of clusters k")
    ax.set_ylabel("passes over the data")
    ax.legend()
    return ax


def _box(ax, x, y, w, h, text, color):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02",
                                facecolor=color, edgecolor="black", lw=1))  # fmt: skip
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=9)


def _arrow(ax, start, end, text=None):
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="->", color="black", lw=1))  # fmt: skip
    if text:
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        ax.text(mid[0] + 0.1, mid[1], text, fontsize=9, va="center")


def map_reduce_diagram(ax, n_chunks=6, n_workers=2):
    """One Lloyd iteration as map-reduce: chunks, workers, the reduce, the broadcast.

    Chunk ``i`` is drawn in the colour of worker ``i % n_workers``; each
    sends ``k (d + 1)`` numbers (its per-cluster counts and sums) to the
    driver, which adds them up, takes the means and sends the centres back.
    """
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")
    width = 9.0 / n_chunks
    for i in range(n_chunks):
        x = 0.5 + i * width
        colour = PALETTE[i % n_workers]
        _box(
            ax,
            x,
            3.6,
            width * 0.8,
            0.9,
            f"chunk {i}\nworker {i % n_workers}",
            colour,
        )
        _arrow(ax, (x + width * 0.4, 3.55), (5.0, 2.15))
    ax.text(5.0, 5.3, "map: assign the chunk, sum each cluster (N_j, Σ_j)",
            ha="center", fontsize=10)  # fmt: skip
    _box(
        ax,
        3.2,
        1.2,
        3.6,
        0.9,
        "reduce: add, in chunk order\nc_j = Σ_j / N_j",
        "#FFFFFF",
    )
    _arrow(ax, (6.9, 1.6), (9.3, 3.5), "broadcast the centres")
    ax.text(5.0, 0.5, "one iteration = one pass; k(d+1) numbers per chunk",
            ha="center", fontsize=10)  # fmt: skip
    return ax


def minibatch_animation(
    X, history, labels=None, *, alt, frames=None, interval=400
):
    """The centres of mini-batch k-means, step by step (offline HTML player).

    Parameters
    ----------
    X : array_like of shape (n, 2)
        The points, drawn once (coloured by ``labels`` if given).
    history : list of kmlib.MiniBatchRecord
        The steps of a run with ``record=True``.
    labels : array_like of shape (n,), optional
    alt : str
        A sentence describing the animation.
    frames : sequence of int, optional
        The steps to show (indices into ``history``); default all.
    interval : int, default 400
        Milliseconds between frames.

    Returns
    -------
    str
        HTML for ``IPython.display.HTML``.
    """
    X = check_points_2d(X, "X")
    frames = list(range(len(history))) if frames is None else list(frames)
    trail = np.array([history[i].centers for i in frames])  # (f, k, 2)

    def setup(fig, ax):
        scatter_clusters(ax, X, labels, s=6, alpha=0.35)
        xlim, ylim = limits(X, trail.reshape(-1, 2))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        paths = [
            ax.plot([], [], color="black", lw=1)[0]
            for _ in range(trail.shape[1])
        ]
        stars = ax.scatter(trail[0, :, 0], trail[0, :, 1], **CENTER_STYLE)
        title = ax.set_title("")

        def draw(f):
            for j, path in enumerate(paths):
                path.set_data(trail[: f + 1, j, 0], trail[: f + 1, j, 1])
            stars.set_offsets(trail[f])
            title.set_text(f"after step {history[frames[f]].step}")
            return [*paths, stars, title]

        return draw

    return animate(setup, len(frames), alt=alt, interval=interval,
                   figsize=(5.0, 4.0), dpi=72)  # fmt: skip
