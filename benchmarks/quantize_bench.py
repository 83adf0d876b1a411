r"""Benchmark colour quantization: kmlib.quantize against scikit-learn's recipe.

Run ``python benchmarks/quantize_bench.py`` (a minute or two on a 2-core
machine). It prints a markdown table

    image | K | method | seconds | peak MiB | MSE

and whether each target of issue 6 is met:

- **fit on a sample**: ``kmlib.quantize(image, K, sample_size=1000)`` within
  1.5x the time of scikit-learn's recipe (``KMeans(K).fit`` on 1 000 random
  pixels, then ``predict`` on all), on china.jpg at K = 16 and 64;
- **fit on all pixels**: ``quantize(image, K, sample_size=None)`` within 3x
  the time of ``KMeans(K).fit`` on all 273 280 pixels;
- **12 megapixels**: ``quantize`` (default ``sample_size=10_000``) of a
  3000 x 4000 image (china.jpg tiled) at K = 64 with peak memory under 1 GB.

What is compared: both start from the ``uint8`` image and end with the
quantized image. scikit-learn's recipe is the one of its gallery example
"Color Quantization using K-Means": the image divided by 255 (float64),
``shuffle(..., n_samples=1000)``, ``KMeans(n_clusters=K, random_state=0)``,
``predict``, ``cluster_centers_[labels]``. kmlib keeps the ``uint8`` image
(rounded palette). The MSE is in squared 0-255 levels, of the returned image
against the original, for both. The default ``sample_size=10_000`` of kmlib
is shown too (better MSE, more time).

How: every cell runs in a fresh Python process (this file with
``--worker``). The worker imports both libraries and makes the image, then
resets the peak resident set size (``VmHWM``, by writing ``5`` to
``/proc/self/clear_refs``) and notes the resident size; the peak is how far
``VmHWM`` rises above it during the first call (every byte, BLAS buffers
included). Where ``clear_refs`` cannot be written, ``ru_maxrss`` is used (an
upper bound). The time is the best of a few calls (``time.perf_counter``),
all with ``random_state=0``. Timings depend on the machine and its load; the
ratios are what matter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak_memory import (  # noqa: E402
    UPPER_BOUND_NOTE,
    max_rss_bytes,
    reset_peak,
    status_bytes,
)

KS = (16, 64)
BIG_K = 64
BIG_SHAPE = (3000, 4000)
SAMPLE_TARGET = 1.5
ALL_TARGET = 3.0
BIG_TARGET_MIB = 1024.0
MIB = 2**20

#: Method key -> its description in the table; the methods are in :func:`run_method`.
METHODS = {
    "kmlib-1000": "kmlib, fit on 1 000 pixels",
    "sklearn-1000": "scikit-learn recipe, fit on 1 000 pixels",
    "kmlib-default": "kmlib, fit on 10 000 pixels (default)",
    "kmlib-all": "kmlib, fit on all pixels",
    "sklearn-all": "scikit-learn, fit on all pixels",
}


def make_image(name: str) -> np.ndarray:
    """china.jpg (427 x 640), or it tiled and cut to ``BIG_SHAPE`` (12 megapixels)."""
    from sklearn.datasets import load_sample_image

    china = load_sample_image("china.jpg")
    if name == "china":
        return china
    height, width = BIG_SHAPE
    reps = (-(-height // china.shape[0]), -(-width // china.shape[1]), 1)
    return np.ascontiguousarray(np.tile(china, reps)[:height, :width])


def run_method(method: str, image: np.ndarray, k: int) -> np.ndarray:
    """Quantize ``image`` to ``k`` colours; returns the image in 0-255 units."""
    if method.startswith("kmlib"):
        from kmlib import quantize

        sample_size = {"kmlib-1000": 1000, "kmlib-default": 10_000, "kmlib-all": None}[method]
        return quantize(image, k, sample_size=sample_size, random_state=0)[0]
    from sklearn.cluster import KMeans
    from sklearn.utils import shuffle

    pixels = (np.asarray(image, dtype=np.float64) / 255).reshape(-1, 3)
    if method == "sklearn-1000":
        model = KMeans(n_clusters=k, random_state=0).fit(
            shuffle(pixels, random_state=0, n_samples=1000)
        )
        labels = model.predict(pixels)
    else:
        model = KMeans(n_clusters=k, random_state=0).fit(pixels)
        labels = model.labels_
    return model.cluster_centers_[labels].reshape(image.shape) * 255


def worker(method: str, image_name: str, k: int, repeats: int) -> dict:
    """Measure one cell; runs in its own process."""
    import sklearn.cluster  # noqa: F401  (imported before the baseline, like kmlib)

    import kmlib  # noqa: F401
    from kmlib import mse

    image = make_image(image_name)
    exact = reset_peak()
    baseline = status_bytes("VmRSS") or max_rss_bytes()
    start = time.perf_counter()
    quantized = run_method(method, image, k)
    best = time.perf_counter() - start
    peak = (status_bytes("VmHWM") if exact else None) or max_rss_bytes()
    for _ in range(repeats - 1):
        start = time.perf_counter()
        run_method(method, image, k)
        best = min(best, time.perf_counter() - start)
    return {
        "seconds": best,
        "peak_mib": max(0, peak - baseline) / MIB,
        "process_peak_mib": peak / MIB,
        "mse": mse(image, quantized),
        "exact_peak": exact,
    }


def measure(method: str, image_name: str, k: int, repeats: int) -> dict:
    """Run :func:`worker` in a fresh interpreter and return what it printed."""
    command = [sys.executable, __file__, "--worker", method, image_name, str(k)]
    command += ["--repeats", str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(ks=KS, big: bool = True) -> str:
    lines = [
        "Colour quantization (best of a few calls; peak = rise of the resident set size "
        "during the first call, fresh process per row; MSE in squared 0-255 levels)",
        "",
        "| image | K | method | seconds | peak MiB | MSE |",
        "|---|---:|---|---:|---:|---:|",
    ]
    cells = {}

    def row(image_name, label, k, method, repeats):
        cell = measure(method, image_name, k, repeats)
        cells[image_name, k, method] = cell
        lines.append(
            f"| {label} | {k} | {METHODS[method]} | {cell['seconds']:.3f} | "
            f"{cell['peak_mib']:.0f} | {cell['mse']:.1f} |"
        )
        print(f"measured {image_name} K={k} {method}", file=sys.stderr, flush=True)

    for k in ks:
        for method in METHODS:
            repeats = 2 if method.endswith("all") else 5
            row("china", "china.jpg 427x640", k, method, repeats)
    if big:
        label = f"tiled {BIG_SHAPE[0]}x{BIG_SHAPE[1]} (12 MP)"
        row("big", label, BIG_K, "kmlib-default", 1)
        row("big", label, BIG_K, "sklearn-1000", 1)

    lines.append("")
    if not all(cell["exact_peak"] for cell in cells.values()):
        lines.append(UPPER_BOUND_NOTE)
    comparisons = (  # which pixels, the two methods, the target, what scikit-learn runs
        ("1 000 pixels", "1000", SAMPLE_TARGET, "scikit-learn's recipe"),
        ("all pixels", "all", ALL_TARGET, "scikit-learn"),
    )
    for pixels, method, target, reference in comparisons:
        for k in ks:
            ours = cells["china", k, f"kmlib-{method}"]
            theirs = cells["china", k, f"sklearn-{method}"]
            ratio = ours["seconds"] / theirs["seconds"]
            met = ratio <= target
            lines.append(
                f"Target (china.jpg, K = {k}, fit on {pixels}: kmlib within {target}x of "
                f"{reference}): {'target met' if met else 'target NOT met'} "
                f"({ratio:.2f}x; MSE {ours['mse']:.1f} vs {theirs['mse']:.1f})."
            )
    if big:
        ours = cells["big", BIG_K, "kmlib-default"]
        met = ours["peak_mib"] < BIG_TARGET_MIB and ours["process_peak_mib"] < BIG_TARGET_MIB
        lines.append(
            f"Target (12 MP, K = {BIG_K}: peak under 1 GB): "
            f"{'target met' if met else 'target NOT met'} ({ours['peak_mib']:.0f} MiB during "
            f"quantize, {ours['process_peak_mib']:.0f} MiB for the whole process, "
            f"{ours['seconds']:.2f} s)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--worker", nargs=3, metavar=("METHOD", "IMAGE", "K"), help=argparse.SUPPRESS
    )
    parser.add_argument("--repeats", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS), help="palette sizes")
    parser.add_argument("--no-big", action="store_true", help="skip the 12-megapixel image")
    args = parser.parse_args()
    if args.worker:
        method, image_name, k = args.worker
        print(json.dumps(worker(method, image_name, int(k), args.repeats)))
    else:
        print(main(tuple(args.ks), big=not args.no_big))
