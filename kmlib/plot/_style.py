"""The book's look: palette, markers, centre style, matplotlib settings, and the shared helpers.

The palette is Okabe & Ito's (2008), which stays distinguishable under the
common forms of colour blindness; markers also differ by cluster, so colour
is never the only cue. The helpers at the end (points check, palette as RGB,
axis limits) are used by every other module of :mod:`kmlib.plot`.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from .._validation import check_array, check_labels

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
CENTER_STYLE = dict(
    marker="*", s=260, c="white", edgecolors="black", linewidths=1.5, zorder=5
)
#: Colour of noise points (label -1) in :func:`cluster_colors` and :func:`scatter_clusters`.
NOISE_COLOR = "#BBBBBB"

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
    """The book's matplotlib settings (a dict for ``plt.rcParams.update``).

    Examples
    --------
    >>> rc = style()
    >>> rc["figure.figsize"], rc["axes.prop_cycle"].by_key()["color"][0]
    ((6.0, 4.0), '#0072B2')
    """
    import matplotlib as mpl

    rc = dict(_RC)
    rc["axes.prop_cycle"] = mpl.cycler(color=list(PALETTE))
    return rc


@contextmanager
def use_style():
    """Context manager applying :func:`style` temporarily.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with use_style():
    ...     plt.rcParams["axes.grid"]
    True
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(style()):
        yield


def cluster_colors(labels) -> np.ndarray:
    """The palette colour of each label (noise, label -1, is drawn grey).

    Examples
    --------
    >>> cluster_colors([0, 1, -1, 8]).tolist()
    ['#0072B2', '#E69F00', '#BBBBBB', '#0072B2']
    """
    labels = np.asarray(labels)
    labels = check_plot_labels(labels, labels.shape[0] if labels.ndim else -1)
    colors = np.array(PALETTE, dtype=object)[np.mod(labels, len(PALETTE))]
    colors[labels < 0] = NOISE_COLOR
    return colors


def palette_rgb(k: int) -> np.ndarray:
    """``(k, 3)`` RGB floats of the palette colours of clusters ``0..k-1``.

    Examples
    --------
    >>> palette_rgb(2).round(3)
    array([[0.   , 0.447, 0.698],
           [0.902, 0.624, 0.   ]])
    """
    from matplotlib.colors import to_rgb

    return np.array([to_rgb(PALETTE[j % len(PALETTE)]) for j in range(k)])


def check_plot_labels(
    labels, n: int, name: str = "labels", k: int | None = None
) -> np.ndarray:
    """Cluster labels that can be drawn: ``n`` integers, ``-1`` (noise) or more.

    With ``k`` (the number of centres), every label must index a centre:
    ``0 <= label < k``. Floats, strings, NaN, the wrong shape or a label out
    of range raise ``TypeError``/``ValueError`` naming ``name``, as in the
    rest of kmlib, not an error from inside matplotlib.

    Examples
    --------
    >>> check_plot_labels([0, 1, -1], 3).tolist()
    [0, 1, -1]
    >>> check_plot_labels([0, 2], 2, k=2)
    Traceback (most recent call last):
    ...
    ValueError: labels must lie in [0, 1] (one per centre, k=2); got values from 0 to 2
    """
    labels = check_labels(labels, n, name)
    if n and k is not None and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(
            f"{name} must lie in [0, {k - 1}] (one per centre, k={k}); "
            f"got values from {labels.min()} to {labels.max()}"
        )
    if n and labels.min() < -1:
        raise ValueError(
            f"{name} must be cluster ids >= 0, or -1 for noise; got {labels.min()}"
        )
    return labels


def check_points_2d(X, name: str) -> np.ndarray:
    """``X`` as a finite float array of 2 columns (points that can be drawn in the plane).

    Examples
    --------
    >>> check_points_2d([[0, 1]], "X")
    array([[0., 1.]])
    >>> check_points_2d([[0, 1, 2]], "X")
    Traceback (most recent call last):
    ...
    ValueError: X must have 2 columns to be drawn in the plane; got shape (1, 3)
    """
    X = check_array(X, name)
    if X.shape[1] != 2:
        raise ValueError(
            f"{name} must have 2 columns to be drawn in the plane; got shape {X.shape}"
        )
    return X


def limits(
    *arrays, pad: float = 0.06
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits that hold every point of ``arrays`` with a margin of ``pad`` (a fraction).

    Each side gets ``pad`` times the extent of the points along its axis.

    Examples
    --------
    >>> limits([[0, 0], [10, 1]], [[5, 2]], pad=0.1)
    ((-1.0, 11.0), (-0.2, 2.2))
    """
    points = np.vstack([np.asarray(a, dtype=float)[:, :2] for a in arrays])
    low, high = points.min(axis=0), points.max(axis=0)
    margin = pad * np.maximum(high - low, 1e-12)
    low, high = low - margin, high + margin
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))
