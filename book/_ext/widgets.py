"""The book's "Try it" widgets: include their scripts and style sheet on every page.

The widgets themselves are the HTML that ``kmlib.plot.try_*`` returns in a notebook's output
(a ``<div class="kmlib-widget" data-widget="...">`` holding its data as JSON and a static
fallback figure); the scripts in ``book/_static/widgets/`` find those roots and draw the live
widget. The files are plain JavaScript and CSS, served from the site itself (nothing from a
CDN), loaded with ``defer`` so that they run after the page is parsed, in this order (the
shared module first).

Register in ``_config.yml``::

    sphinx:
      local_extensions:
        widgets: book/_ext
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "_static"
#: The shared module first, then one script per widget.
SCRIPTS = (
    "common.js",
    "nearest.js",
    "lloyd.js",
    "choosing_k.js",
    "dbscan.js",
    "palette.js",
)


def _add_static_path(app, config):
    """Serve ``book/_static`` (the widgets' files) as the site's ``_static``."""
    known = [
        str(Path(app.confdir, p).resolve()) for p in config.html_static_path
    ]
    if str(STATIC) not in known:
        config.html_static_path.append(str(STATIC))


def setup(app):
    """Add ``book/_static`` to the static path and include the widgets' files."""
    app.connect("config-inited", _add_static_path)
    app.add_css_file("widgets/widgets.css")
    app.add_css_file("book.css")  # the book's own styling: code at 0.8rem fits 84 columns
    for name in SCRIPTS:
        app.add_js_file(f"widgets/{name}", loading_method="defer")
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
