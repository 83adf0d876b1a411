"""Draw the intro's figure, book/_static/intro.png: three things the book builds.

The intro (book/intro.md) is Markdown and cannot run code, so this script makes
its one figure with kmlib and kmlib.plot: k-means on three blobs (Chapter 2),
DBSCAN on the two moons (Chapter 5) and a photograph in 16 colours (Chapter 6).
`make book` and `make pdf` run it before the build; the PNG is committed so that
the Markdown source shows it too, and tests/test_intro_figure.py checks that the
script runs and redraws a picture of the committed size.

Usage: python tools/intro_figure.py [output.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from sklearn.datasets import load_sample_image, make_blobs  # noqa: E402

import kmlib  # noqa: E402
import kmlib.plot  # noqa: E402
from kmlib.datasets import make_moons  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "book" / "_static" / "intro.png"
# 8.4 in at the style's 80 dpi: 672 px, narrower than the 690-px content column.
FIGSIZE = (8.4, 3.0)


def draw(path: Path = OUTPUT) -> Path:
    """Draw the figure and save it as a PNG at ``path``; return the path."""
    plt.rcParams.update(kmlib.plot.style())
    fig, axes = plt.subplots(1, 3, figsize=FIGSIZE)

    X, _ = make_blobs(n_samples=500, centers=3, random_state=42)
    result = kmlib.kmeans(X, 3, random_state=0)
    kmlib.plot.plot_clusters(axes[0], X, result.labels, result.centers, resolution=100, s=8)
    axes[0].set_title("k-means, K = 3")

    X_moons, _ = make_moons(200, noise=0.05, random_state=0)
    labels, core = kmlib.dbscan(X_moons, 0.15, 5, return_core=True)
    kmlib.plot.plot_dbscan(axes[1], X_moons, labels, core, s=14)
    axes[1].set_title("DBSCAN on two moons")

    photo = load_sample_image("china.jpg")[::2, ::2]
    quantized, _ = kmlib.quantize(photo, 16, sample_size=5000, random_state=0)
    axes[2].imshow(quantized, interpolation="nearest")
    axes[2].set_title("a photograph in 16 colours")
    axes[2].axis("off")
    for ax in axes[:2]:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")

    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=kmlib.plot.style()["savefig.dpi"], metadata={"Software": None})
    plt.close(fig)
    return path


if __name__ == "__main__":
    print(draw(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
