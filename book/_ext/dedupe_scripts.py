"""Write each inline ``<script>`` of a page once.

Sphinx 7.4 keeps two copies of an inline script that an extension adds after
the HTML builder starts (one named ``None``, one ``''``), so sphinx-thebe's
``const THEBE_JS_URL = ...`` is declared twice on every page and the browser
raises "Identifier 'THEBE_JS_URL' has already been declared". This drops the
repeats from each page's script list (tests/test_browser.py checks for
JavaScript errors).
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (js.filename or "", tuple(sorted((k, str(v)) for k, v in js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
