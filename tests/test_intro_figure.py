"""The intro's figure (book/_static/intro.png) comes from tools/intro_figure.py.

The PNG is committed, so that the Markdown intro shows it; `make book` and
`make pdf` redraw it before the build. These tests run the script and check
that it redraws a picture of the committed size, within the figure budget
(narrower than the 690-px content column, at the style's dpi), and that the
intro shows it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "book" / "_static" / "intro.png"
SCRIPT = ROOT / "tools" / "intro_figure.py"
COLUMN_PX = 690


def test_the_script_redraws_the_committed_picture(tmp_path):
    out = tmp_path / "intro.png"
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, cwd=tmp_path)
    with Image.open(out) as new, Image.open(COMMITTED) as old:
        assert new.size == old.size, (
            f"tools/intro_figure.py draws {new.size}, the committed intro.png is {old.size}: "
            "run it and commit the result"
        )
        assert new.size[0] <= COLUMN_PX, f"the intro figure is {new.size[0]} px wide"
        assert round(new.info["dpi"][0]) == 80, f"saved at {new.info['dpi']} dpi, not 80"
        pixels = np.asarray(new.convert("RGB")).reshape(-1, 3)
    # three panels with clusters and a photograph: far from a blank canvas
    assert len(np.unique(pixels, axis=0)) > 50


def test_the_intro_shows_the_figure_with_alt_text():
    text = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert "```{figure} _static/intro.png" in text
    block = text.split("```{figure} _static/intro.png", 1)[1].split("```", 1)[0]
    assert ":alt:" in block
