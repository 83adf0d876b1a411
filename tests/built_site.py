"""The website that `make book` built, as tests/test_site.py and tests/test_browser.py see it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[1] / "_build" / "html"


def require_site() -> None:
    """Skip the calling test module if the site is not built (an error with KMLIB_REQUIRE_SITE=1)."""
    if not (SITE / "index.html").exists():
        if os.environ.get("KMLIB_REQUIRE_SITE") == "1":
            raise RuntimeError(f"no built site at {SITE}: run `make book` first")
        pytest.skip("the website is not built (run `make book`)", allow_module_level=True)


def pages() -> list[Path]:
    """Every HTML page of the site (not _static's, nor leftovers in hidden folders of an old build)."""
    return sorted(
        p
        for p in SITE.rglob("*.html")
        if not any(part == "_static" or part.startswith(".") for part in p.relative_to(SITE).parts)
    )


def chapters() -> list[Path]:
    """The chapter pages, ``book/NN_*.html``."""
    return sorted((SITE / "book").glob("[0-9][0-9]_*.html"))
