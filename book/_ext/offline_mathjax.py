"""Serve MathJax from the built site itself, so math renders with no network.

Sphinx's ``sphinx.ext.mathjax`` loads MathJax from a CDN by default. This
extension points ``mathjax_path`` at ``_static/mathjax/tex-mml-chtml.js`` and,
when the HTML build finishes, copies MathJax's ``es5`` distribution (script,
fonts and on-demand components) there from the ``django-static-mathjax``
package on PyPI (a plain copy of MathJax 3.2.2; no Django inside), which
``requirements.txt`` pins. No page of the site then requests anything outside
its own folder for its math.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MATHJAX_ENTRY = "mathjax/tex-mml-chtml.js"


def mathjax_es5_dir() -> Path:
    """Return the folder of MathJax's ``es5`` build inside the installed package."""
    import mathjax  # the django-static-mathjax distribution

    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise FileNotFoundError(
            f"MathJax's es5 build was not found at {es5}; "
            "install the pinned 'django-static-mathjax' from requirements.txt"
        )
    return es5


def _use_local_mathjax(app, config) -> None:
    config.mathjax_path = MATHJAX_ENTRY


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.copytree(mathjax_es5_dir(), target, dirs_exist_ok=True)


def setup(app):
    mathjax_es5_dir()  # fail early, with a clear message, if MathJax is missing
    app.connect("config-inited", _use_local_mathjax, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
