"""Launch and download buttons that offer the learner notebook, not the book's source.

sphinx-book-theme builds a chapter's Colab and Binder links from the page's
path (``book/01_distance.ipynb``, see ``sphinx_book_theme/header_buttons/
launch.py``) and its download button from the copied source
(``_sources/book/01_distance.ipynb``). Both hold every solution. This
extension rewrites those links to the chapter's learner notebook
(``notebooks/01_distance.ipynb``, written by ``make notebooks``: no
solutions, an install cell, self-checks) and copies the learner notebooks into
the built site, so the download button serves them. A chapter without a
learner notebook is a warning (an error under ``-W``). Where the sources are
not copied (``html_copy_source = False``, the student edition), the other
pages lose their download-source button, which would point nowhere.

Configuration: ``learner_notebooks`` (the folder, relative to the
repository root; ``sphinx.config`` in ``_config.yml``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def _learner_root(app) -> Path:
    # The repository root is the Sphinx source folder (jupyter-book build .).
    return Path(app.srcdir) / app.config.learner_notebooks


def rewrite_buttons(app, pagename, templatename, context, doctree) -> None:
    """Point the page's launch and download buttons at its learner notebook."""
    buttons = context.get("header_buttons")
    if not buttons:
        return
    if not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        if (
            not app.config.html_copy_source
        ):  # no _sources/ to download from (student edition)
            for group in buttons:
                if group.get("label") == "download-buttons":
                    group["buttons"] = [
                        b
                        for b in group["buttons"]
                        if b.get("label") != "download-source-button"
                    ]
        return
    name = f"{Path(pagename).name}.ipynb"
    learner = f"{app.config.learner_notebooks.strip('/')}/{name}"
    if not (_learner_root(app) / name).is_file():
        LOGGER.warning(
            f"{pagename}: no learner notebook {learner}; run `make notebooks`"
        )
        return
    source = f"{pagename}.ipynb"
    for group in buttons:
        if group.get("label") == "launch-buttons":
            for button in group.get("buttons", []):
                if "url" in button:
                    if source not in button["url"]:
                        LOGGER.warning(
                            f"{pagename}: cannot find {source} in {button['url']}"
                        )
                        continue
                    button["url"] = button["url"].replace(source, learner)
        elif group.get("label") == "download-buttons":
            for button in group.get("buttons", []):
                if button.get("label") in {
                    "download-source-button",
                    "download-notebook-button",
                }:
                    button["url"] = context["pathto"](learner, 1)
                    button["text"] = ".ipynb"
                    button["tooltip"] = (
                        "Download the learner notebook (no solutions)"
                    )


def copy_notebooks(app, exception) -> None:
    """Put the learner notebooks into the built site, next to the pages."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / app.config.learner_notebooks
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(_learner_root(app).glob("*.ipynb")):
        shutil.copy2(path, target / path.name)


def setup(app):
    app.add_config_value("learner_notebooks", "notebooks", "html")
    # After sphinx-book-theme's own handlers (priority 501) have built the buttons.
    app.connect("html-page-context", rewrite_buttons, priority=900)
    app.connect("build-finished", copy_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
