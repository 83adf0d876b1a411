"""Checker for Chapter 6: ``quantize``, judged by its contract, the
nearest-colour property and its error against kmlib's."""

from __future__ import annotations

import warnings

import numpy as np

from .._distance import nearest as key_nearest
from .._quantize import mse as key_mse
from .._quantize import quantize as key_quantize
from ._contract import as_array, as_tuple, describe_inputs, show
from ._core import Case, Failure, run, wrong

#: The learner's MSE may be at most this many times kmlib's (plus SLACK).
MSE_FACTOR = 1.5
SLACK = {"u": 1.0, "f": 1e-6}  # squared levels (uint8), squared fractions


def gradient(h, w, dtype=np.float64):
    """A smooth colour gradient in [0, 1] (no natural number of colours)."""
    y, x = np.mgrid[0:h, 0:w]
    image = np.stack([x / (w - 1), y / (h - 1), (x + y) / (w + h - 2)], -1)
    return image.astype(dtype)


def quantize_cases():
    """Smallest first: k = 1, two colours, gradients, a noisy uint8 photo."""
    rng = np.random.default_rng(61)
    yield Case("k = 1: the mean colour", {"image": gradient(4, 4), "k": 1})
    two = np.zeros((4, 6, 3), np.uint8)
    two[:, 3:] = (200, 30, 90)
    yield Case(
        "an image of two colours, k = 2 (comes back unchanged)",
        {"image": two, "k": 2},
    )
    yield Case("a float gradient, k = 4", {"image": gradient(8, 8), "k": 4})
    yield Case(
        "a float32 gradient, k = 3",
        {"image": gradient(6, 10, np.float32), "k": 3},
    )
    photo = gradient(12, 16) * 255 + rng.normal(0, 12, (12, 16, 3))
    photo = np.clip(np.round(photo), 0, 255).astype(np.uint8)
    yield Case("a noisy uint8 image, k = 6", {"image": photo, "k": 6})
    yield Case(
        "a uint8 image with values near 0 and 255, k = 8",
        {"image": rng.integers(0, 256, (10, 10, 3), dtype=np.uint8), "k": 8},
    )


def check_quantize_output(image, value, k):
    """Contract: shapes, dtype kind, range; returns float64 copies."""
    quantized, palette = as_tuple(value, ("quantized_image", "palette"))
    quantized = as_array(quantized, "quantized_image", image.shape)
    palette = np.asarray(palette)
    if palette.ndim != 2 or palette.shape[1] != 3 or not 1 <= len(palette) <= k:
        raise wrong(
            f"palette must have shape (k', 3) with 1 <= k' <= k = {k}; "
            f"got shape {palette.shape}"
        )
    palette = as_array(palette, "palette", palette.shape)
    if (quantized.dtype.kind == "f") != (image.dtype.kind == "f"):
        raise wrong(
            f"quantized_image must be of the image's kind: {image.dtype} in, "
            f"{image.dtype} out (got {quantized.dtype}); for uint8 images, "
            "round the palette and use .astype(np.uint8)"
        )
    top = 255.0 if image.dtype.kind in "iu" else 1.0
    for name, array in (("quantized_image", quantized), ("palette", palette)):
        if array.min() < -1e-9 or array.max() > top + 1e-9:
            raise wrong(f"{name} values must lie in [0, {top:g}]")
    return quantized.astype(np.float64), palette.astype(np.float64)


def check_nearest_colour(image, quantized, palette):
    """Every pixel is a palette colour, and the nearest one to the input."""
    pixels = image.reshape(-1, 3).astype(np.float64)
    out = quantized.reshape(-1, 3)
    integer = image.dtype.kind in "iu"
    match, gap = key_nearest(out, palette)
    limit = 3.0 if integer else 1e-12  # uint8: a rounded palette colour
    off = np.flatnonzero(gap > limit)
    if off.size:
        i = off[0]
        raise wrong(
            f"pixel {where(i, image)} of the output, "
            f"{show(out[i])}, is not a palette colour; palette: {show(palette)}"
        )
    best, best_sq = key_nearest(pixels, palette)
    own_sq = ((pixels - palette[match]) ** 2).sum(axis=1)
    slack = 2 * np.sqrt(3.0) if integer else 1e-9
    far = np.flatnonzero(np.sqrt(own_sq) > np.sqrt(best_sq) + slack)
    if far.size:
        i = far[0]
        message = (
            f"pixel {where(i, image)}, {show(pixels[i])}, became "
            f"{show(out[i])}, but the palette colour {show(palette[best[i]])}"
            " is nearer: map every pixel to its nearest palette colour"
        )
        if integer:
            message += (
                ". With uint8 pixels, x - c wraps around (0 - 1 = 255): "
                "convert to float before subtracting"
            )
        raise wrong(message)


def where(i, image) -> tuple:
    """The (row, column) of flat pixel ``i``."""
    return tuple(int(j) for j in np.unravel_index(i, image.shape[:2]))


def reference_mse(image, k) -> float:
    """kmlib.quantize's error on the image (all pixels, random_state=0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantized, _ = key_quantize(image, k, sample_size=None, random_state=0)
    return key_mse(quantized, image)


def check_quantize(learner, case):
    """Contract, nearest colour, then the error against kmlib's."""
    image, k = case.args["image"], case.args["k"]
    value = learner(image, k, np.random.default_rng(0))
    try:
        quantized, palette = check_quantize_output(image, value, k)
        check_nearest_colour(image, quantized, palette)
    except Failure as failure:
        failure.message = describe_inputs(case.args) + "\n" + failure.message
        raise
    error = key_mse(quantized, image.astype(np.float64))
    reference = reference_mse(image, k)
    limit = (
        MSE_FACTOR * reference + SLACK["f" if image.dtype.kind == "f" else "u"]
    )
    if error > limit:
        raise wrong(
            describe_inputs(case.args)
            + f"\nthe MSE of your image is {error:.6g}; kmlib.quantize gets "
            f"{reference:.6g} on the same image, and up to {MSE_FACTOR} "
            f"times that passes ({limit:.6g}). Fit the palette with k-means "
            "(seeding, then Lloyd's iterations until the labels stop "
            "changing)."
        )


def quantize(fn):
    """Check ``fn(image, k, rng) -> (quantized_image, palette)``.

    ``image`` is ``(h, w, 3)``, floats in [0, 1] or ``uint8``; ``rng`` a
    ``numpy.random.Generator`` (``np.random.default_rng(0)``). k-means
    has many local optima, so there is no single right palette. Accepted:
    ``quantized_image`` of the image's shape and kind (uint8 in, uint8 out;
    float in, float out) with values in range; a finite ``palette`` of
    shape ``(k', 3)``, ``1 <= k' <= k``; every output pixel a palette colour
    (for uint8 within 1 level per channel of one, the rounding) and the
    nearest palette colour to the input pixel (up to that rounding); and an
    MSE at most 1.5 times that of :func:`kmlib.quantize` on the same image
    (all pixels, ``random_state=0``), plus 1 squared level for uint8 images
    (1e-6 for float images). Cases, smallest first: k = 1 (the mean
    colour), two colours with k = 2 (MSE 0), a float and a float32
    gradient, a noisy uint8 image, and random uint8 colours near 0 and 255
    (where uint8 differences wrap around).

    Parameters
    ----------
    fn : callable
        The learner's function, e.g. ``my_quantize``.

    Returns
    -------
    CheckResult
    """
    covered = (
        "6 images: k = 1, two colours, float and float32 gradients, noisy "
        "and random uint8 images; palette nearest colours, MSE within 1.5x "
        "of kmlib.quantize's."
    )
    return run("quantize", fn, quantize_cases(), check_quantize, covered)
