r"""Colour quantization with k-means (Chapter 6).

An RGB image is a cloud of :math:`n = H \cdot W` points in three dimensions,
one per pixel. Quantizing it to ``k`` colours means choosing a *palette*
:math:`c_1, \dots, c_k` and replacing every pixel :math:`x_i` by a palette
colour :math:`c_{\ell_i}`. The squared error of that replacement,

.. math:: \sum_{i=1}^{n} \lVert x_i - c_{\ell_i} \rVert^2 ,

is exactly the k-means objective (WCSS), so the best palette is the k-means
solution on the pixels, and the best replacement of each pixel is its nearest
palette colour.

:func:`quantize` follows scikit-learn's recipe: fit k-means on a random sample
of pixels (fitting is the expensive part and a few thousand pixels already
give a good palette), then map *every* pixel to its nearest palette colour.
The mapping is the kernel :func:`kmlib._kernels.palette.map_to_palette`: it
works on blocks of pixels, so memory stays bounded (a naive broadcast
``image[:, :, None, :] - palette`` for a 12-megapixel image and ``k = 64``
would need about 18 GB), and in single precision for 8-bit images, which is
exact for them.

:func:`mse` and :func:`psnr` measure the error, and :func:`storage_cost`
counts the bits of the quantized image (indices plus palette).
"""

from __future__ import annotations

import math

import numpy as np

from ._blocks import SAFE_EXPONENT, largest_magnitude, power_of_two_exponent
from ._kernels.palette import map_to_palette
from ._lloyd import kmeans
from ._validation import (
    _describe,
    as_array,
    check_int,
    check_random_state,
    check_representable,
    check_scalar,
)

__all__ = ["quantize", "mse", "psnr", "storage_cost"]

#: Elements per block in :func:`mse` (bounded float64 temporaries).
_BLOCK_ELEMENTS = 2**20


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def check_image(image, name: str = "image") -> np.ndarray:
    """Return ``image`` as an ``(H, W, 3)`` array, unchanged dtype; raise clearly otherwise.

    Integer images (any integer dtype) must hold values in 0..255; float
    images values in [0, 1], no NaN or infinity. bool, complex, object and
    string arrays raise ``TypeError``.
    """
    array = as_array(image, name, what="an (H, W, 3) array")
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold integers (0-255) or floats (0-1); got {_describe(array)}"
        )
    check_image_shape(array, name)
    check_image_values(array, name)
    return array


def check_image_shape(array: np.ndarray, name: str = "image") -> None:
    """Raise ``ValueError`` unless ``array`` has shape ``(H, W, 3)`` with ``H, W >= 1``."""
    if array.ndim != 3:
        raise ValueError(
            f"{name} must be a 3-D array of shape (H, W, 3); got a {array.ndim}-D array of shape {array.shape}"
            + (
                " (a grey-level image? stack it: np.stack([image] * 3, axis=-1))"
                if array.ndim == 2
                else ""
            )
        )
    if array.shape[2] != 3:
        raise ValueError(
            f"{name} must have 3 channels (RGB) in its last axis; got shape {array.shape}"
            + (
                " (drop the alpha channel: image[..., :3])"
                if array.shape[2] == 4
                else ""
            )
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one pixel; got shape {array.shape}"
        )


def check_image_values(array: np.ndarray, name: str = "image") -> None:
    """Raise ``ValueError`` unless an integer image is in 0..255, a float one finite in [0, 1]."""
    if array.dtype.kind == "f":
        if not np.isfinite(array).all():
            bad = "NaN" if np.isnan(array).any() else "infinity"
            raise ValueError(f"{name} must be finite; it contains {bad}")
        low, high = float(array.min()), float(array.max())
        if low < 0.0 or high > 1.0:
            raise ValueError(
                f"a float {name} must have values in [0, 1]; got values in [{low:g}, {high:g}] "
                "(for 0-255 values, convert to uint8 or divide by 255)"
            )
    elif array.dtype != np.uint8:
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 255:
            raise ValueError(
                f"an integer {name} must have values in 0..255; got values in {low}..{high}"
            )


def check_sample_size(sample_size) -> int | None:
    """``None`` (all pixels) or an integer >= 1."""
    if sample_size is None:
        return None
    return check_int(sample_size, "sample_size", minimum=1)


def check_n_init(n_init) -> int:
    """``"auto"`` (1 run, as scikit-learn for k-means++) or an integer >= 1."""
    if isinstance(n_init, str):
        if n_init != "auto":
            raise ValueError(
                f"n_init must be 'auto' or a positive integer; got {n_init!r}"
            )
        return 1
    return check_int(n_init, "n_init", minimum=1)


def check_enough_colours(k: int, n_colours: int) -> None:
    """Raise ``ValueError`` if ``k`` is more than the ``n_colours`` the image has."""
    if n_colours < k:
        raise ValueError(
            f"k must be <= the number of distinct colours in the image; got k={k} "
            f"with only {n_colours} distinct colour(s)"
        )


# ---------------------------------------------------------------------------
# The steps of quantize
# ---------------------------------------------------------------------------


def sample_pixels(
    pixels: np.ndarray, sample_size: int | None, rng
) -> np.ndarray:
    """``sample_size`` rows of ``pixels`` drawn without replacement; all of them if ``None`` or more."""
    n_pixels = pixels.shape[0]
    if sample_size is None or sample_size >= n_pixels:
        return pixels
    return pixels[rng.choice(n_pixels, size=sample_size, replace=False)]


def distinct_colours(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of an ``(n, 3)`` array of pixels (sorted) and how often each occurs.

    Integer pixels (0..255) are packed into one integer per colour, which
    makes ``numpy.unique`` a 1-D sort, much faster than ``axis=0``.
    Returns float64 colours ``(m, 3)`` and float64 counts ``(m,)``.
    """
    if pixels.dtype.kind != "f":
        codes = (
            pixels[:, 0].astype(np.int32) << 16
        )  # 4 bytes a pixel, whatever the dtype
        codes |= pixels[:, 1].astype(np.int32) << 8
        codes |= pixels[:, 2].astype(np.int32)
        codes, counts = np.unique(codes, return_counts=True)
        colours = np.stack(
            [codes >> 16, (codes >> 8) & 255, codes & 255], axis=1
        )
    else:
        colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return colours.astype(np.float64), counts.astype(np.float64)


def as_palette(centers: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Palette in the image's convention: rounded integers of ``dtype``, or float64 in [0, 1]."""
    if dtype.kind == "f":
        return np.clip(centers, 0.0, 1.0)
    return np.clip(np.rint(centers), 0, 255).astype(dtype)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def quantize(
    image,
    k,
    *,
    sample_size=10_000,
    random_state=None,
    max_iter=300,
    n_init="auto",
):
    r"""Reduce an RGB image to ``k`` colours with k-means.

    1. Draw ``sample_size`` pixels at random, without replacement (all
       pixels if ``sample_size`` is ``None`` or at least the number of
       pixels), and see them as a cloud of colours: the sample's *distinct*
       colours, each weighted by how many of its pixels have it
       (china.jpg: 273 280 pixels, 96 615 colours).
    2. Fit k-means on that cloud (greedy k-means++ seeding, then Lloyd's
       algorithm with scikit-learn's stopping rules, ``tol = 1e-4``): the
       centres minimise :math:`\sum_{i \in S} \lVert x_i - c_{\ell_i} \rVert^2`
       over the sample :math:`S`. The fit is :func:`kmlib.kmeans` on the
       distinct colours with ``sample_weight`` = their counts, which is the
       same k-means problem as on the pixels (same objective, same iterates
       in exact arithmetic, same k-means++ distribution) and much faster
       for photographs, which repeat their colours. Only the stopping
       threshold differs: as in scikit-learn, ``tol`` is relative to the
       unweighted variance of the distinct colours. For an integer image
       the centres are rounded to integers; they form the palette.
    3. Replace *every* pixel by its nearest palette colour (the rule of
       :func:`kmlib.nearest`, ties to the lowest index), one block of 2048
       pixels at a time, so memory stays bounded.

    Two cases are settled without Lloyd's algorithm:

    - if the sample holds exactly ``k`` distinct colours, the palette is
      those colours (sorted): that is the k-means optimum (WCSS 0). So
      with ``k`` equal to the number of distinct colours of the image and
      all pixels used, the image comes back unchanged;
    - if the sample holds fewer than ``k`` distinct colours but the image
      holds at least ``k``, the fit uses all pixels instead of the sample
      (a sample cannot support more centres than it has distinct colours).

    Parameters
    ----------
    image : array_like of shape (H, W, 3)
        RGB image, integers in 0..255 (usually ``uint8``) or floats in
        [0, 1].
    k : int
        Number of colours, ``1 <= k <=`` the number of distinct colours of
        the image.
    sample_size : int or None, default 10 000
        Pixels used to fit the palette; ``None`` for all of them.
    random_state : None, int or numpy.random.Generator
        Source of randomness (the sample and the seeding). The same value
        gives the same result.
    max_iter : int, default 300
        Maximum number of Lloyd iterations.
    n_init : "auto" or int, default "auto"
        Number of k-means runs (``"auto"``: 1, as scikit-learn for
        k-means++).

    Returns
    -------
    quantized : ndarray of shape (H, W, 3)
        The image with every pixel replaced by a palette colour; same dtype
        and range as ``image``. Measure the error (:func:`mse`) on *this*
        image: for integer images the palette is rounded, so it is not
        exactly the k-means centres.
    palette : ndarray of shape (k, 3)
        The colours; of the image's dtype (rounded) for integer images,
        float64 in [0, 1] for float images. Two centres closer than the
        rounding may give equal rows.

    Raises
    ------
    TypeError
        Not an array of numbers; ``k`` or ``sample_size`` not an integer.
    ValueError
        Not of shape ``(H, W, 3)``, no pixels, values out of range, NaN,
        ``k < 1`` or ``k`` more than the number of distinct colours.

    Examples
    --------
    >>> image = np.array([[[0, 0, 0], [10, 10, 10]],
    ...                   [[200, 0, 0], [210, 0, 0]]], dtype=np.uint8)
    >>> quantized, palette = quantize(image, 2, random_state=0)
    >>> sorted(palette.tolist())
    [[5, 5, 5], [205, 0, 0]]
    >>> quantized.dtype, quantized.shape
    (dtype('uint8'), (2, 2, 3))
    """
    image = check_image(image)
    k = check_int(k, "k", minimum=1)
    sample_size = check_sample_size(sample_size)
    rng = check_random_state(random_state)
    n_init = check_n_init(n_init)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    pixels = image.reshape(-1, 3)  # the image as a cloud of points

    # The sample as a cloud of colours: its distinct colours, each weighted
    # by how many of the sampled pixels have it.
    colours, counts = distinct_colours(sample_pixels(pixels, sample_size, rng))
    if len(colours) < k:  # an unlucky sample: take every pixel instead
        colours, counts = distinct_colours(pixels)
    check_enough_colours(k, len(colours))

    # k-means on the pixels is k-means on their distinct colours, weighted.
    if len(colours) == k:
        centers = colours  # every colour its own centre: WCSS 0
    else:
        centers = kmeans(
            colours,
            k,
            sample_weight=counts,
            random_state=rng,
            max_iter=max_iter,
            n_init=n_init,
        ).centers
    palette = as_palette(centers, image.dtype)

    # Every pixel becomes its nearest palette colour.
    labels = map_to_palette(pixels, palette)
    quantized = palette.astype(image.dtype, copy=False)[labels]
    return quantized.reshape(image.shape), palette


def _check_pair(a, b):
    a_arr, b_arr = as_array(a, "a"), as_array(b, "b")
    for name, arr in (("a", a_arr), ("b", b_arr)):
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} must be an array of numbers; got {_describe(arr)}"
            )
    if a_arr.shape != b_arr.shape:
        raise ValueError(
            f"a and b must have the same shape; got {a_arr.shape} and {b_arr.shape}"
        )
    if a_arr.size == 0:
        raise ValueError(f"a and b must not be empty; got shape {a_arr.shape}")
    return a_arr, b_arr


def mse(a, b) -> float:
    r"""Mean squared error between two arrays of the same shape.

    .. math:: \mathrm{MSE}(a, b) = \frac{1}{N} \sum_{j=1}^{N} (a_j - b_j)^2

    over all ``N`` elements (for images: pixels times channels), in float64
    (so ``uint8`` differences do not wrap around) and in the arrays' own
    units: 0-255 images give errors in squared intensity levels, [0, 1]
    images in squared fractions (255² times smaller). The sum runs over
    blocks of elements, so a large image needs no float64 copy.

    Examples
    --------
    >>> mse(np.array([0, 0, 0, 0], dtype=np.uint8), np.array([0, 2, 2, 255], dtype=np.uint8))
    16258.25
    """
    a, b = _check_pair(a, b)
    a, b = a.reshape(-1), b.reshape(-1)
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("a and b must be finite")
    e = _mse_exponent(a, b)  # huge or tiny floats: scaled by 2**e, exactly
    total = 0.0
    for start in range(0, a.size, _BLOCK_ELEMENTS):
        block = slice(start, start + _BLOCK_ELEMENTS)
        diff = _difference(a[block], b[block], e)
        total += float(diff @ diff)
    with np.errstate(over="ignore"):
        result = float(np.ldexp(total / a.size, -2 * e))
    return check_representable(result, "a and b", "the mean squared error")


def _mse_exponent(a: np.ndarray, b: np.ndarray) -> int:
    """0, or the power of two that brings huge or tiny float data to about 1."""
    if a.dtype.kind != "f" and b.dtype.kind != "f":
        return 0
    largest = max(largest_magnitude(a), largest_magnitude(b))
    e = power_of_two_exponent(largest)
    return e if abs(e) > SAFE_EXPONENT else 0


def _difference(a: np.ndarray, b: np.ndarray, e: int) -> np.ndarray:
    """``(a - b) * 2**e`` in float64, exact for integers of any width.

    Integers are subtracted as integers (int64, or Python ints for 64-bit
    types, whose difference may need 65 bits), so 2**62 and 2**62 + 1 differ
    by 1; only then is the difference rounded to float64.
    """
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        if max(a.dtype.itemsize, b.dtype.itemsize) < 8:
            return (a.astype(np.int64) - b.astype(np.int64)).astype(np.float64)
        diff = a.astype(object) - b.astype(object)
        return diff.astype(np.float64)
    diff = np.ldexp(np.asarray(a, dtype=np.float64), e)
    diff -= np.ldexp(np.asarray(b, dtype=np.float64), e)
    return diff


def _default_range(a: np.ndarray, b: np.ndarray) -> float:
    """``psnr``'s ``R`` from the dtypes: 1.0 for floats, 255 for 8-bit, ... (see psnr)."""
    kinds = {"f" if arr.dtype.kind == "f" else "i" for arr in (a, b)}
    if len(kinds) != 1:
        raise ValueError(
            f"a and b mix an integer ({a.dtype if a.dtype.kind != 'f' else b.dtype}) and a float array; "
            "give data_range (255 for 0-255 values, 1.0 for 0-1 values)"
        )
    if kinds == {"f"}:
        return 1.0
    wide = [
        arr.dtype
        for arr in (a, b)
        if arr.dtype.kind == "u" and arr.itemsize > 1
    ]
    if wide:  # uint16 images: 65535, and so on
        return float(max(np.iinfo(dtype).max for dtype in wide))
    low = min(int(a.min()), int(b.min()))
    high = max(int(a.max()), int(b.max()))
    if a.dtype.kind == "b" or (0 <= low and high <= 255):
        return 255.0
    raise ValueError(
        f"a and b hold integers in {low}..{high}, beyond 0..255 and not of an "
        "unsigned image type; give data_range (their largest possible value)"
    )


def psnr(a, b, *, data_range=None) -> float:
    r"""Peak signal-to-noise ratio, in decibels.

    .. math:: \mathrm{PSNR}(a, b) = 10 \log_{10} \frac{R^2}{\mathrm{MSE}(a, b)}

    where ``R`` is ``data_range``, the largest possible value. By default it
    comes from the dtype: 1.0 for float arrays, the type's largest value for
    unsigned integer images wider than 8 bits (65535 for ``uint16``), 255 for
    ``uint8`` and for other integers within 0..255 (both arrays must be of
    the same kind; other integers need an explicit ``data_range``). Higher
    is better; identical arrays give ``inf``. Each halving
    of the MSE adds :math:`10 \log_{10} 2 \approx 3.01` dB.

    Examples
    --------
    >>> round(psnr(np.zeros(4, dtype=np.uint8), np.full(4, 255, dtype=np.uint8)), 6)
    0.0
    >>> psnr([0.0, 0.5], [0.0, 0.5])
    inf
    """
    a, b = _check_pair(a, b)
    if data_range is None:
        data_range = _default_range(a, b)
    else:
        data_range = check_scalar(
            data_range, "data_range", minimum=0.0, include_minimum=False
        )
    error = mse(a, b)
    if error == 0.0:
        return math.inf
    # 20 log10 R - 10 log10 MSE: R**2 could overflow (R = 1e200, say)
    return float(20.0 * math.log10(data_range) - 10.0 * math.log10(error))


def storage_cost(n_pixels, k, *, palette_bits_per_color=24) -> dict:
    r"""Bits needed to store an image of ``n_pixels`` pixels quantized to ``k`` colours.

    Each pixel stores the index of its palette colour, on
    :math:`b = \lceil \log_2 k \rceil` bits (0 for ``k = 1``), and the palette
    stores ``k`` colours of ``palette_bits_per_color`` bits (24 for 8-bit RGB):

    .. math:: \text{bits per pixel} = \frac{n\,b + 24 k}{n}

    against 24 bits per pixel for the original. (No entropy coding: a real
    format such as PNG compresses the indices further.)

    Returns
    -------
    dict
        ``index_bits_per_pixel`` (int), ``palette_bits`` (int),
        ``total_bits`` (int), ``bits_per_pixel`` (float) and
        ``total_bytes`` (int, ``total_bits / 8`` rounded up).

    Examples
    --------
    >>> storage_cost(1000, 16)
    {'index_bits_per_pixel': 4, 'palette_bits': 384, 'total_bits': 4384, 'bits_per_pixel': 4.384, 'total_bytes': 548}
    """
    n_pixels = check_int(n_pixels, "n_pixels", minimum=1)
    k = check_int(k, "k", minimum=1)
    palette_bits_per_color = check_int(
        palette_bits_per_color, "palette_bits_per_color", minimum=0
    )
    index_bits = (k - 1).bit_length()  # ceil(log2 k), exact; 0 for k = 1
    palette_bits = k * palette_bits_per_color
    total_bits = n_pixels * index_bits + palette_bits
    return {
        "index_bits_per_pixel": index_bits,
        "palette_bits": palette_bits,
        "total_bits": total_bits,
        "bits_per_pixel": total_bits / n_pixels,
        "total_bytes": -(-total_bits // 8),
    }
