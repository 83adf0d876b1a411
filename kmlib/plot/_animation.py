"""The scaffold of every animation of the book, written once.

An animation is a figure, a function that draws frame ``i``, and
matplotlib's ``FuncAnimation`` rendered with ``to_jshtml``: every frame a
PNG inside the HTML, with play/step buttons that need no kernel. The book
adds three things: alt text on the image (screen readers), a player that
loads nothing from the network (DESIGN §3.8), and a closed figure (so that a
notebook does not also show the last frame). :func:`animate` does all of it
for the chapters' animations; :func:`animation_html` is the last step, for
an animation a notebook builds itself.
"""

from __future__ import annotations

import re
from html import escape

#: Text glyphs for the player's buttons, in place of Font Awesome icons.
_BUTTON_GLYPHS = {
    "fa-minus": "\u2212",  # slower
    "fa-fast-backward": "\u21e4",  # first frame
    "fa-step-backward": "\u2039",  # previous frame
    "fa-play fa-flip-horizontal": "\u25c0",  # play backwards
    "fa-pause": "\u275a\u275a",  # pause
    "fa-play": "\u25b6",  # play
    "fa-step-forward": "\u203a",  # next frame
    "fa-fast-forward": "\u21e5",  # last frame
    "fa-plus": "+",  # faster
}


def check_alt(alt) -> str:
    """``alt`` if it is a non-empty sentence, else ``ValueError``.

    Examples
    --------
    >>> check_alt("A line rising")
    'A line rising'
    >>> check_alt(" ")
    Traceback (most recent call last):
    ...
    ValueError: alt must be a non-empty description of the animation; got ' '
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(
            f"alt must be a non-empty description of the animation; got {alt!r}"
        )
    return alt


def animate(
    setup,
    n_frames: int,
    *,
    alt: str,
    interval: int,
    figsize,
    dpi: int,
    **subplots,
) -> str:
    """Make a figure, animate it frame by frame and return the offline HTML player.

    ``setup(fig, axes)`` receives the new figure and what ``plt.subplots``
    returned for it (one Axes, or an array of them with ``nrows``/``ncols``
    in ``subplots``); it draws the first frame and returns ``draw(index)``,
    which turns the figure into frame ``index`` and returns the artists it
    changed. The layout is fixed once (``tight_layout``) after ``setup``,
    and every frame is rendered exactly once. The figure is closed before
    returning, also on error.

    Parameters
    ----------
    setup : callable ``(fig, axes) -> draw``
    n_frames : int
        Frames of the animation (``draw(0)`` to ``draw(n_frames - 1)``).
    alt : str
        A sentence describing the animation, for screen readers.
    interval : int
        Milliseconds between frames.
    figsize : pair of float
        Figure size in inches.
    dpi : int
        Resolution of each frame (every frame is a PNG embedded in the HTML).
    **subplots
        Passed on to ``plt.subplots`` (``nrows``, ``ncols``, ``gridspec_kw``).

    Returns
    -------
    str
        The HTML of :func:`animation_html`.

    Examples
    --------
    >>> def setup(fig, ax):
    ...     (line,) = ax.plot([0, 1], [0, 0])
    ...     return lambda i: [line.set_ydata([0, i]) or line]
    >>> html = animate(setup, 3, alt="A rising line", interval=500, figsize=(2, 2), dpi=20)
    >>> html.count("data:image/png;base64"), 'alt="A rising line"' in html
    (3, True)
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    check_alt(alt)
    fig, axes = plt.subplots(figsize=figsize, dpi=dpi, **subplots)
    try:
        draw = setup(fig, axes)
        fig.tight_layout()
        # No layout engine from here on: the layout is fixed, and with one
        # (tight_layout leaves a placeholder) every savefig would first lay
        # out the whole figure again, doubling the cost of each frame.
        fig.set_layout_engine(None)
        # Every frame is rendered once, by the writer's savefig; the extra redraw that
        # FuncAnimation asks for after each frame (meant for a screen) is skipped.
        fig.canvas.draw_idle = lambda *args, **kwargs: None
        animation = FuncAnimation(
            fig, draw, frames=n_frames, interval=interval, blit=False
        )
        return animation_html(animation, alt=alt)
    finally:
        plt.close(fig)


def animation_html(
    animation, *, alt: str, default_mode: str = "once", fps: float | None = None
) -> str:
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from matplotlib.animation import FuncAnimation
    >>> fig, ax = plt.subplots(figsize=(2, 2), dpi=20)
    >>> html = animation_html(FuncAnimation(fig, lambda i: [], frames=2), alt="Nothing moves")
    >>> plt.close(fig)
    >>> 'alt="Nothing moves"' in html, "font-awesome" in html
    (True, False)
    """
    check_alt(alt)
    if not callable(getattr(animation, "to_jshtml", None)):
        raise TypeError(
            "animation must be a matplotlib animation (FuncAnimation, say), "
            f"with a to_jshtml method; got {type(animation).__name__}"
        )
    html = animation.to_jshtml(fps=fps, default_mode=default_mode)
    html = html.replace(
        '<img id="_anim_img',
        f'<img alt="{escape(alt, quote=True)}" id="_anim_img',
        1,
    )
    return _offline_controls(html)


def _offline_controls(html: str) -> str:
    """Make matplotlib's ``to_jshtml`` player work offline.

    matplotlib links a Font Awesome style sheet from a CDN for its button
    icons; the book loads nothing from the network (DESIGN §3.8). The link is
    removed and each icon replaced by a plain text glyph (the buttons keep
    their ``title`` and ``aria-label``).
    """
    html = re.sub(
        r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">\s*',
        "",
        html,
    )

    def glyph(match):
        text = _BUTTON_GLYPHS.get(match.group(1), "\u2022")
        return f'<span aria-hidden="true">{text}</span>'

    return re.sub(r'<i class="fa ([a-z -]+)"></i>', glyph, html)
