"""Chapter 2: Lloyd's algorithm, half-step by half-step, from a recorded run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._lloyd import inertia, update
from .._validation import check_array, check_int
from ._animation import animate
from ._clusters import region_image, voronoi_regions
from ._style import CENTER_STYLE, MARKERS, PALETTE, check_points_2d, limits


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


def _history_of(result_or_history) -> tuple[list, np.ndarray | None]:
    """The records of a run, and its final centres (``None`` for a bare history)."""
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
        if not all(
            hasattr(record, name) for name in ("centers", "labels", "inertia")
        ):
            raise TypeError(
                "every history record must have centers, labels and inertia "
                f"(an IterationRecord); got {type(record).__name__}"
            )
    return list(history), None if final is None else np.asarray(
        final, dtype=float
    )


def _record_arrays(
    record, i: int, X: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A record's centres and labels as arrays, checked against ``X``."""
    centers = np.asarray(record.centers, dtype=float)
    labels = np.asarray(record.labels)
    if (
        labels.shape != (X.shape[0],)
        or centers.ndim != 2
        or centers.shape[1] != X.shape[1]
    ):
        raise ValueError(
            f"history record {i} does not match X of shape {X.shape}: centers "
            f"{centers.shape}, labels {labels.shape}"
        )
    return centers, labels


def lloyd_frames(X, result_or_history) -> list[LloydFrame]:
    """The half-steps of a recorded Lloyd run, in order: assign, update, assign, update, ...

    Frame ``2i`` is iteration ``i+1``'s assignment step: the points coloured
    by their nearest centre among ``history[i].centers``, with WCSS
    ``history[i].inertia``. Frame ``2i+1`` is its update step: the centres
    moved to the means of those clusters (``history[i+1].centers``, or the
    result's final centres after the last record), same labels, and the
    WCSS of those labels from the new centres (:func:`kmlib.inertia`). If a
    result's final labels differ from the last record's (the run stopped on
    ``tol`` or ``max_iter``, and one last assignment followed), a final
    assign frame shows them, with the result's ``inertia``. Along the frames
    the WCSS never increases: that is the argument of Chapter 2, made visible.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The clustered points.
    result_or_history : KMeansResult or sequence of IterationRecord
        A result of ``kmlib.lloyd(..., record=True)`` (or ``kmeans``), or its
        ``history``. Without a result, the last update is computed as the
        means of the last labels (:func:`kmlib.update`).

    Returns
    -------
    list of LloydFrame
        ``2 * len(history)`` frames (one more for a final assignment).

    Examples
    --------
    >>> import kmlib
    >>> X = [[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [10.0, 2.0]]
    >>> run = kmlib.lloyd(X, [[0.0, 0.0], [0.0, 2.0]], record=True)
    >>> for frame in lloyd_frames(X, run):
    ...     print(frame.iteration, frame.step, frame.labels, frame.inertia)
    1 assign [0 1 0 1] 200.0
    1 update [0 1 0 1] 100.0
    2 assign [0 1 0 1] 100.0
    2 update [0 1 0 1] 100.0
    """
    X = check_array(X, "X")
    history, final = _history_of(result_or_history)
    frames = []
    for i, record in enumerate(history):
        centers, labels = _record_arrays(record, i, X)
        frames.append(
            LloydFrame(i + 1, "assign", centers, labels, float(record.inertia))
        )
        if i + 1 < len(history):
            moved = np.asarray(history[i + 1].centers, dtype=float)
        elif final is not None:
            moved = final
        else:  # a bare history: the means it stopped before
            moved = update(X, labels, len(centers), centers=centers)
        frames.append(
            LloydFrame(
                i + 1,
                "update",
                moved,
                labels,
                inertia(X, moved, labels),
                centers,
            )
        )
    final_labels = getattr(result_or_history, "labels", None)
    if final is not None and final_labels is not None:
        final_labels = np.asarray(final_labels)
        if final_labels.shape == labels.shape and not np.array_equal(
            final_labels, labels
        ):
            # the run stopped on tol or max_iter: one last assignment to the final centres
            wcss = getattr(result_or_history, "inertia", None)
            wcss = (
                inertia(X, final, final_labels) if wcss is None else float(wcss)
            )
            frames.append(
                LloydFrame(
                    len(history) + 1, "assign", final, final_labels, wcss
                )
            )
    return frames


def lloyd_animation(
    X,
    result_or_history,
    *,
    interval: int = 900,
    dpi: int = 72,
    figsize: tuple[float, float] = (5.6, 4.4),
    resolution: int = 150,
    max_frames: int = 30,
    title: str | None = None,
    alt: str | None = None,
) -> str:
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

    Examples
    --------
    >>> import kmlib
    >>> X = [[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [10.0, 2.0]]
    >>> run = kmlib.lloyd(X, [[0.0, 0.0], [0.0, 2.0]], record=True)
    >>> html = lloyd_animation(X, run, resolution=10, dpi=20)
    >>> html.count("data:image/png;base64")  # one frame per half-step
    4
    """
    X = check_points_2d(X, "X")
    max_frames = check_int(max_frames, "max_frames", minimum=2)
    frames = lloyd_frames(X, result_or_history)
    if len(frames) > max_frames:
        frames = frames[: max_frames - 1] + frames[-1:]
    if alt is None:
        alt = (
            f"Animation of Lloyd's algorithm in {len(frames)} frames: points coloured by "
            "their nearest centre over shaded Voronoi regions, centres moving to the means "
            "of their clusters, with the WCSS in the title"
        )
    xlim, ylim = limits(X, *[f.centers for f in frames])
    prefix = f"{title}: " if title else ""

    def caption(frame):
        return f"{prefix}iteration {frame.iteration}: {frame.step}   WCSS = {frame.inertia:.2f}"

    def setup(fig, ax):
        first = frames[0]
        image = voronoi_regions(
            ax, first.centers, xlim, ylim, resolution=resolution
        )
        k = max(len(f.centers) for f in frames)
        points = [
            ax.scatter(
                [],
                [],
                s=14,
                c=PALETTE[j % len(PALETTE)],
                marker=MARKERS[j % len(MARKERS)],
                alpha=0.85,
                edgecolors="none",
            )
            for j in range(k)
        ]
        trails = [
            ax.plot([], [], color="black", lw=1.2, alpha=0.7, zorder=4)[0]
            for _ in range(k)
        ]
        ghosts = ax.scatter(
            [],
            [],
            marker="*",
            s=120,
            facecolors="none",
            edgecolors="black",
            linewidths=0.8,
            alpha=0.6,
            zorder=4,
        )
        stars = ax.scatter(
            first.centers[:, 0], first.centers[:, 1], **CENTER_STYLE
        )
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        heading = ax.set_title(
            caption(first), fontsize=11
        )  # before tight_layout, for room
        empty = np.empty((0, 2))

        def draw(index):
            frame = frames[index]
            image.set_data(region_image(frame.centers, xlim, ylim, resolution))
            for j, collection in enumerate(points):
                collection.set_offsets(
                    X[frame.labels == j] if j < len(frame.centers) else empty
                )
            stars.set_offsets(frame.centers)
            old = frame.previous_centers
            ghosts.set_offsets(old if old is not None else empty)
            for j, line in enumerate(trails):
                if old is not None and j < len(old):
                    line.set_data(
                        [old[j, 0], frame.centers[j, 0]],
                        [old[j, 1], frame.centers[j, 1]],
                    )
                else:
                    line.set_data([], [])
            heading.set_text(caption(frame))
            return [image, *points, *trails, ghosts, stars, heading]

        return draw

    return animate(
        setup, len(frames), alt=alt, interval=interval, figsize=figsize, dpi=dpi
    )
