"""Figures for the book, in one consistent, colour-blind-safe style.

Every chapter draws with these helpers so that clusters, centres and points
look the same from page to page. The palette is Okabe & Ito's (2008), which
stays distinguishable under the common forms of colour blindness; markers
also differ by cluster, so colour is never the only cue.

This package needs matplotlib (an optional dependency of kmlib: the core of
kmlib imports without it); import it as ``import kmlib.plot``. Each module
holds the figures of one chapter, and this file only re-exports them:

===================  ================================================================
``_style.py``        the look: ``PALETTE``, ``MARKERS``, ``CENTER_STYLE``, ``style``,
                     ``use_style``, ``cluster_colors`` (and the shared helpers:
                     2-D points check, palette as RGB, axis limits)
``_animation.py``    the animation scaffold written once (figure, ``FuncAnimation``,
                     ``to_jshtml``, alt text, offline player, closed figure) and
                     ``animation_html``
``_clusters.py``     Chapters 1–2: ``scatter_clusters``, ``draw_centers``,
                     ``voronoi_regions``, ``plot_clusters``
``_lloyd.py``        Chapter 2: ``LloydFrame``, ``lloyd_frames``, ``lloyd_animation``
``_choosing_k.py``   Chapter 4: ``CURRENT_K_GID``, ``elbow_curve``,
                     ``silhouette_diagram``, ``gap_curve``, ``choosing_k_animation``
``_dbscan.py``       Chapter 5: ``NOISE_STYLE``, ``plot_dbscan``, ``eps_circles``,
                     ``dbscan_animation``
``_scale.py``        Chapter 7: ``time_to_quality``, ``passes_against_k``,
                     ``map_reduce_diagram``, ``minibatch_animation``
``_widgets.py``      the "Try it" widgets of Chapters 1, 2, 4, 5 and 6: ``Widget``,
                     ``try_nearest``, ``try_lloyd``, ``try_choosing_k``, ``try_dbscan``,
                     ``try_palette`` (and ``lloyd_datasets``, ``WIDGET_NAMES``, ...)
===================  ================================================================

Chapters 3 and 6 draw with the shared pieces only (``style``, ``PALETTE``,
``CENTER_STYLE``, ``animation_html``).

Attributes
----------
PALETTE : tuple of str
    Okabe-Ito colours (without black, which is kept for centres and text).
MARKERS : tuple of str
    One marker per cluster, repeating with the palette.
CENTER_STYLE : dict
    How centres are drawn: a black-edged white star, visible on any colour.
CURRENT_K_GID : str
    ``gid`` of the marker that :func:`elbow_curve` puts at the current ``k``.
NOISE_STYLE : dict
    How DBSCAN's noise points are drawn: grey crosses.
"""

from ._animation import animation_html
from ._choosing_k import (
    CURRENT_K_GID,
    choosing_k_animation,
    elbow_curve,
    gap_curve,
    silhouette_diagram,
)
from ._clusters import (
    draw_centers,
    plot_clusters,
    scatter_clusters,
    voronoi_regions,
)
from ._dbscan import NOISE_STYLE, dbscan_animation, eps_circles, plot_dbscan
from ._lloyd import LloydFrame, lloyd_animation, lloyd_frames
from ._scale import (
    map_reduce_diagram,
    minibatch_animation,
    passes_against_k,
    time_to_quality,
)
from ._style import (
    CENTER_STYLE,
    MARKERS,
    PALETTE,
    cluster_colors,
    style,
    use_style,
)
from ._widgets import (
    MAX_WIDGET_BYTES,
    PALETTE_KS,
    WIDGET_NAMES,
    Widget,
    choosing_k_datasets,
    dbscan_datasets,
    lloyd_datasets,
    try_choosing_k,
    try_dbscan,
    try_lloyd,
    try_nearest,
    try_palette,
)

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
    "Widget",
    "WIDGET_NAMES",
    "MAX_WIDGET_BYTES",
    "PALETTE_KS",
    "lloyd_datasets",
    "choosing_k_datasets",
    "dbscan_datasets",
    "try_nearest",
    "try_lloyd",
    "try_choosing_k",
    "try_dbscan",
    "try_palette",
    "time_to_quality",
    "passes_against_k",
    "map_reduce_diagram",
    "minibatch_animation",
]
