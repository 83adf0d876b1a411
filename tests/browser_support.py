"""What every browser test shares: Chromium, a local server, the network blocked.

Playwright drives Debian's Chromium (``apt-get install chromium``; Playwright's
own browser download is not used). ``KMLIB_CHROMIUM`` may name the browser.
Without Playwright or Chromium the importing test module is skipped with a
message, unless ``CI=true``, when it fails.

* :func:`serve` serves a folder over HTTP on 127.0.0.1 on a free port;
* :func:`launch` starts Chromium with a fresh profile and no service workers;
* :func:`watch` refuses (and records) every request to another host and records
  every failed request, HTTP error, JavaScript error and console error.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def no_browser(reason: str):
    """Skip the importing module (fail it under CI) because the browser cannot run."""
    if IN_CI:
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:
    no_browser("the Python package playwright is not installed (pip install -r requirements.txt)")

CHROMIUM = (
    os.environ.get("KMLIB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
if not CHROMIUM:
    no_browser("no Chromium found (apt-get install -y chromium, or set KMLIB_CHROMIUM)")
if not os.access(CHROMIUM, os.X_OK):
    no_browser(f"KMLIB_CHROMIUM={CHROMIUM} is not an executable file")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# pydata-sphinx-theme 0.17 logs this on a visitor's first page (no colour mode
# stored yet in localStorage), then uses "auto": harmless, and not the book's doing.
BENIGN_CONSOLE_ERRORS = {"Got invalid theme mode: . Resetting to auto."}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` over HTTP on 127.0.0.1; yields the root URL (ends with ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def launch(width: int, timeout_ms: int):
    """A Chromium context ``width`` px wide (fresh profile, no service workers)."""
    with tempfile.TemporaryDirectory(prefix="kmlib-chromium-") as profile:
        with sync_playwright() as pw:
            try:
                context = pw.chromium.launch_persistent_context(
                    profile,
                    executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS,
                    headless=True,
                    viewport={"width": width, "height": 900},
                    service_workers="block",
                )
            except PlaywrightError as exc:
                no_browser(f"Chromium at {CHROMIUM} does not start: {exc}")
            context.set_default_timeout(timeout_ms)
            try:
                yield context
            finally:
                context.close()


def watch(page, problems: list[str]) -> None:
    """Block ``page``'s requests to other hosts and record every problem in ``problems``."""

    def offline(route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems.append(f"network request refused: {route.request.url}")
            route.abort("blockedbyclient")

    page.route("**/*", offline)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.on("pageerror", lambda e: problems.append(f"JavaScript error: {e}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and m.text not in BENIGN_CONSOLE_ERRORS
            and problems.append(f"console error: {m.text}")
        ),
    )
