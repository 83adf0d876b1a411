"""Tests for kmlib._quantize: colour quantization, MSE/PSNR, storage cost, and the
palette kernel (kmlib._kernels.palette) against the readable rule, kmlib.nearest."""

import math
import tracemalloc

import numpy as np
import pytest
from benchmark_scripts import load_benchmark
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.datasets import load_sample_image

from kmlib import _quantize as quantize_module  # noqa: E402
from kmlib import kmeans, lloyd, mse, nearest, psnr, quantize, storage_cost
from kmlib._kernels import palette as palette_kernel


@pytest.fixture(scope="module")
def china():
    return load_sample_image("china.jpg")


@pytest.fixture(scope="module")
def flower():
    return load_sample_image("flower.jpg")


@pytest.fixture(scope="module")
def crop(china):
    return china[100:140, 200:250].copy()  # 40 x 50 = 2000 pixels


def few_colour_image(n_colours=7, shape=(30, 20), seed=0):
    rng = np.random.default_rng(seed)
    colours = rng.integers(0, 256, size=(n_colours, 3), dtype=np.uint8)
    labels = np.arange(shape[0] * shape[1]) % n_colours
    rng.shuffle(labels)
    return colours[labels].reshape(*shape, 3), colours


def gradient_image(size=128):
    """R grows along x, G along y, B constant: pixels fill a square of the RGB cube."""
    ramp = np.linspace(0, 255, size)
    red, green = np.meshgrid(ramp, ramp)
    return np.stack([red, green, np.full_like(red, 128)], axis=-1).round().astype(np.uint8)


# --- round trip --------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 5, 16])
def test_round_trip_uint8(crop, k):
    quantized, palette = quantize(crop, k, random_state=0)
    assert quantized.shape == crop.shape and quantized.dtype == np.uint8
    assert palette.shape == (k, 3) and palette.dtype == np.uint8
    pixels = quantized.reshape(-1, 3)
    # every pixel is a palette colour ...
    matches = (pixels[:, None, :] == palette[None, :, :]).all(axis=2)
    assert matches.any(axis=1).all()
    # ... and the nearest one to the original pixel (same rule as kmlib._distance.nearest)
    labels, sq = nearest(crop.reshape(-1, 3), palette.astype(float))
    np.testing.assert_array_equal(pixels, palette[labels])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_float(crop, dtype):
    image = (crop / 255.0).astype(dtype)
    quantized, palette = quantize(image, 8, random_state=1)
    assert quantized.dtype == dtype and quantized.shape == image.shape
    assert palette.dtype == np.float64 and palette.shape == (8, 3)
    assert palette.min() >= 0.0 and palette.max() <= 1.0
    labels = nearest(image.reshape(-1, 3), palette)[0]
    np.testing.assert_array_equal(quantized.reshape(-1, 3), palette[labels].astype(dtype))


def test_other_integer_dtype_keeps_dtype(crop):
    image = crop.astype(np.int64)
    quantized, palette = quantize(image, 4, random_state=0)
    assert quantized.dtype == np.int64 and palette.dtype == np.int64
    np.testing.assert_array_equal(quantized, quantize(crop, 4, random_state=0)[0])


def test_k_equal_to_distinct_colours_reproduces_the_image():
    image, colours = few_colour_image(7)
    quantized, palette = quantize(image, 7, random_state=0)
    np.testing.assert_array_equal(quantized, image)
    np.testing.assert_array_equal(np.unique(palette, axis=0), np.unique(colours, axis=0))
    assert mse(image, quantized) == 0.0 and psnr(image, quantized) == math.inf


def test_all_distinct_colours_of_a_photo_crop(crop):
    n_distinct = np.unique(crop.reshape(-1, 3), axis=0).shape[0]
    quantized, _ = quantize(crop, n_distinct, sample_size=None, random_state=0)
    np.testing.assert_array_equal(quantized, crop)
    float_crop = crop / 255.0
    np.testing.assert_array_equal(quantize(float_crop, n_distinct, sample_size=None)[0], float_crop)


def test_unlucky_sample_falls_back_to_all_pixels():
    # one dominant colour and 3 rare ones: a 10-pixel sample misses the rare ones
    image = np.zeros((50, 50, 3), dtype=np.uint8)
    image[0, 0] = (255, 0, 0)
    image[0, 1] = (0, 255, 0)
    image[0, 2] = (0, 0, 255)
    quantized, palette = quantize(image, 4, sample_size=10, random_state=0)
    np.testing.assert_array_equal(quantized, image)


def test_sample_size_none_and_large_are_all_pixels(crop):
    a = quantize(crop, 6, sample_size=None, random_state=3)
    b = quantize(crop, 6, sample_size=10**9, random_state=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_weighted_lloyd_is_lloyd_on_the_pixels(crop):
    """kmlib._lloyd on distinct colours weighted by counts = kmlib._lloyd on every pixel."""
    X = crop.reshape(-1, 3).astype(float)
    colours, counts = quantize_module.distinct_colours(crop.reshape(-1, 3))
    assert counts.sum() == X.shape[0] and colours.shape[0] < X.shape[0]  # there are duplicates
    init = colours[:: colours.shape[0] // 6][:6]
    reference = lloyd(X, init, tol=0)  # tol=0: both run to strict convergence
    weighted = lloyd(colours, init, tol=0, sample_weight=counts)
    assert weighted.n_iter == reference.n_iter
    np.testing.assert_allclose(weighted.centers, reference.centers, rtol=0, atol=1e-9)
    assert weighted.inertia == pytest.approx(reference.inertia, rel=1e-12)


def test_quantize_uses_weighted_kmeans(crop):
    """The palette is kmlib.kmeans on the sample's distinct colours, rounded."""
    colours, counts = quantize_module.distinct_colours(crop.reshape(-1, 3))
    rng = np.random.default_rng(3)
    expected = kmeans(colours, 7, sample_weight=counts, random_state=rng).centers
    _, palette = quantize(crop, 7, sample_size=None, random_state=3)
    np.testing.assert_array_equal(palette, np.clip(np.rint(expected), 0, 255).astype(np.uint8))
    assert not hasattr(quantize_module, "_weighted_lloyd")  # one k-means in kmlib


def test_quality_on_china(china):
    quantized, _ = quantize(china, 64, random_state=0)
    assert mse(china, quantized) < 45  # scikit-learn's 1 000-pixel recipe: about 44


def test_mapping_in_bounded_memory():
    image = np.tile(gradient_image(100), (10, 10, 1))  # 1000 x 1000 pixels
    tracemalloc.start()
    quantize(image, 64, sample_size=2_000, random_state=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # labels (8 MB) + output (3 MB) + small blocks; a (n, k) float64 matrix alone is 512 MB
    assert peak < 40 * 2**20


def test_gradient_image_error_halves_per_doubling_of_k():
    """Pixels uniform on a square (2-D): MSE ~ 1/K, so each doubling of K halves it."""
    image = gradient_image(128)
    ks = [4, 8, 16, 32, 64]
    errors = [mse(image, quantize(image, k, random_state=0)[0]) for k in ks]
    ratios = np.array(errors[1:]) / np.array(errors[:-1])
    assert np.all(ratios > 0.42) and np.all(ratios < 0.6), ratios
    assert abs(np.exp(np.log(ratios).mean()) - 0.5) < 0.05


def test_determinism(crop):
    a = quantize(crop, 12, random_state=42)
    b = quantize(crop, 12, random_state=42)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = quantize(crop, 12, random_state=np.random.default_rng(42))
    np.testing.assert_array_equal(a[1], c[1])


def test_n_init_keeps_the_best(crop):
    one = mse(crop, quantize(crop, 10, sample_size=None, random_state=0, n_init=1)[0])
    five = mse(crop, quantize(crop, 10, sample_size=None, random_state=0, n_init=5)[0])
    assert five <= one + 1e-9  # the first run is one of the five


# --- the palette kernel == the readable rule (kmlib.nearest) ------------------


def nearest_labels(pixels, palette):
    """The readable step: kmlib.nearest's labels, in float64."""
    return nearest(pixels.astype(np.float64), palette.astype(np.float64))[0]


def sample_palettes(pixels, seed=0, ks=(1, 7, 64, 256)):
    """Palettes to map a photograph to: its pixels, duplicated rows, extremes, a k-means palette."""
    rng = np.random.default_rng(seed)
    drawn = {k: pixels[rng.choice(len(pixels), size=k, replace=False)] for k in ks}
    duplicated = np.concatenate(
        [drawn[7], drawn[7][::-1], drawn[7][:3]]
    )  # every colour twice or more
    corners = np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 0, 0]], dtype=np.uint8)
    fitted = quantize(pixels.reshape(-1, 1, 3), 16, sample_size=2000, random_state=seed)[1]
    return [*drawn.values(), duplicated, corners, fitted]


@pytest.mark.parametrize("name", ["china", "flower"])
def test_palette_kernel_equals_nearest_on_sample_images(name, request):
    image = request.getfixturevalue(name)
    pixels = image.reshape(-1, 3)
    assert pixels.shape[0] % palette_kernel.PALETTE_ROWS != 0  # a short last block too
    for palette in sample_palettes(pixels):
        assert palette.dtype == np.uint8
        labels = palette_kernel.map_to_palette(pixels, palette)
        assert labels.dtype == np.intp
        np.testing.assert_array_equal(labels, nearest_labels(pixels, palette))


@pytest.mark.parametrize(
    "name, dtype", [("china", np.float64), ("flower", np.float64), ("china", np.float32)]
)
def test_palette_kernel_equals_nearest_on_float_images(name, dtype, request):
    image = request.getfixturevalue(name)
    pixels = (image.reshape(-1, 3) / 255.0).astype(dtype)
    for palette in sample_palettes(image.reshape(-1, 3), seed=1, ks=(1, 7, 64)):
        palette = palette / 255.0  # float64, with the same duplicates and exact ties
        labels = palette_kernel.map_to_palette(pixels, palette)
        np.testing.assert_array_equal(labels, nearest_labels(pixels, palette))


def test_palette_kernel_ties_go_to_the_lowest_index():
    pixels = np.array([[1, 0, 0], [5, 5, 5], [3, 3, 3]], dtype=np.uint8)
    palette = np.array([[2, 0, 0], [0, 0, 0], [5, 5, 5], [5, 5, 5], [0, 0, 0]], dtype=np.uint8)
    expected = [0, 2, 2]  # [1,0,0]: equidistant from colours 0, 1 and 4; [3,3,3] from 2 and 3
    np.testing.assert_array_equal(palette_kernel.map_to_palette(pixels, palette), expected)
    np.testing.assert_array_equal(nearest_labels(pixels, palette), expected)
    np.testing.assert_array_equal(palette_kernel.map_to_palette(pixels / 8, palette / 8), expected)


def test_palette_kernel_single_precision_is_exact_at_the_extremes():
    """The largest values the products reach (3 * 255^2) are still exact in float32."""
    pixels = np.array([[255, 255, 255], [0, 0, 0], [128, 127, 128]], dtype=np.uint8)
    palette = np.array([[255, 255, 254], [255, 255, 255], [0, 0, 1], [127, 128, 127]])
    np.testing.assert_array_equal(palette_kernel.map_to_palette(pixels, palette), [1, 2, 3])
    np.testing.assert_array_equal(nearest_labels(pixels, palette), [1, 2, 3])


#: 8-bit values, often from a narrow range (so that exact ties are common), sometimes the full one.
channel_values = st.one_of(st.integers(0, 3), st.integers(0, 255), st.sampled_from([0, 127, 255]))


@st.composite
def pixels_and_palette(draw, kind="uint8"):
    """Pixels and a palette with duplicated colours (k rows drawn from m <= k colours)."""
    n = draw(st.integers(1, 300))
    m = draw(st.integers(1, 8))
    if kind == "uint8":
        elements = channel_values
        dtype = np.uint8
    else:  # floats in [0, 1]: a coarse grid (ties) or anything
        elements = st.one_of(
            st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
            st.floats(0.0, 1.0, allow_subnormal=False),
        )
        dtype = np.float64
    pixels = draw(hnp.arrays(dtype, (n, 3), elements=elements))
    colours = draw(hnp.arrays(dtype, (m, 3), elements=elements))
    rows = draw(st.lists(st.integers(0, m - 1), min_size=1, max_size=12))
    return pixels, colours[rows]


@given(pixels_and_palette())
def test_palette_kernel_equals_nearest_on_hypothesis_uint8_data(data):
    pixels, palette = data
    np.testing.assert_array_equal(
        palette_kernel.map_to_palette(pixels, palette), nearest_labels(pixels, palette)
    )


@given(pixels_and_palette(kind="float"))
def test_palette_kernel_equals_nearest_on_hypothesis_float_data(data):
    pixels, palette = data
    np.testing.assert_array_equal(
        palette_kernel.map_to_palette(pixels, palette), nearest_labels(pixels, palette)
    )
    np.testing.assert_array_equal(
        palette_kernel.map_to_palette(pixels.astype(np.float32), palette),
        nearest_labels(pixels.astype(np.float32), palette),
    )


def test_quantize_maps_every_pixel_through_the_kernel(crop, monkeypatch):
    calls = []

    def spy(pixels, palette):
        calls.append(pixels.shape)
        return palette_kernel.map_to_palette(pixels, palette)

    monkeypatch.setattr(quantize_module, "map_to_palette", spy)
    quantize(crop, 5, random_state=0)
    assert calls == [(crop.shape[0] * crop.shape[1], 3)]  # one step, every pixel


# --- bad inputs --------------------------------------------------------------


@pytest.mark.parametrize(
    "image, match",
    [
        (np.zeros((4, 4), dtype=np.uint8), "3-D"),
        (np.zeros((1, 4, 4, 3), dtype=np.uint8), "3-D"),
        (np.zeros((4, 4, 4), dtype=np.uint8), "3 channels"),
        (np.zeros((4, 4, 1), dtype=np.uint8), "3 channels"),
        (np.zeros((0, 4, 3), dtype=np.uint8), "at least one pixel"),
        (np.zeros((4, 0, 3)), "at least one pixel"),
        (np.full((2, 2, 3), 1.5), r"\[0, 1\]"),
        (np.full((2, 2, 3), -0.1), r"\[0, 1\]"),
        (np.full((2, 2, 3), 300), "0..255"),
        (np.full((2, 2, 3), -1), "0..255"),
        (np.full((2, 2, 3), np.nan), "NaN"),
    ],
)
def test_bad_images(image, match):
    with pytest.raises(ValueError, match=match):
        quantize(image, 1)


@pytest.mark.parametrize("image", [np.zeros((2, 2, 3), dtype=bool), np.full((2, 2, 3), "a")])
def test_non_numeric_images(image):
    with pytest.raises(TypeError, match="image"):
        quantize(image, 1)


def test_bad_k():
    image, _ = few_colour_image(5)
    with pytest.raises(ValueError, match="k must be >= 1"):
        quantize(image, 0)
    with pytest.raises(ValueError, match=r"k=6 with only 5 distinct colour"):
        quantize(image, 6)
    with pytest.raises(TypeError, match="k must be an integer"):
        quantize(image, 2.0)
    with pytest.raises(ValueError, match="k=2 with only 1 distinct"):
        quantize(np.zeros((3, 3, 3)), 2)


def test_bad_options():
    image, _ = few_colour_image(5)
    with pytest.raises(ValueError, match="sample_size"):
        quantize(image, 2, sample_size=0)
    with pytest.raises(ValueError, match="n_init"):
        quantize(image, 2, n_init="many")
    with pytest.raises(ValueError, match="max_iter"):
        quantize(image, 2, max_iter=0)
    with pytest.raises(TypeError, match="random_state"):
        quantize(image, 2, random_state="seed")


# --- MSE, PSNR, storage cost ------------------------------------------------


def test_mse_worked_examples():
    assert mse([1, 2, 3], [1, 2, 3]) == 0.0
    assert mse([0, 0], [3, 4]) == 12.5  # (9 + 16) / 2
    # uint8 differences do not wrap around: (0 - 255)^2, not (0 - 255) % 256
    a = np.zeros((1, 1, 3), dtype=np.uint8)
    b = np.full((1, 1, 3), 255, dtype=np.uint8)
    assert mse(a, b) == 255.0**2


def test_mse_against_direct_computation(china):
    rng = np.random.default_rng(0)
    other = rng.integers(0, 256, size=china.shape, dtype=np.uint8)
    direct = np.mean((china.astype(np.float64) - other.astype(np.float64)) ** 2)
    assert mse(china, other) == pytest.approx(direct, rel=1e-12)
    assert mse(china / 255, other / 255) == pytest.approx(direct / 255**2, rel=1e-12)


def test_psnr_worked_examples():
    a = np.zeros((2, 2, 3), dtype=np.uint8)
    b = a.copy()
    b[0, 0, 0] = 12  # MSE = 144 / 12 = 12
    assert mse(a, b) == 12.0
    assert psnr(a, b) == pytest.approx(10 * math.log10(255**2 / 12))
    assert psnr(a / 255, b / 255) == pytest.approx(psnr(a, b))  # same image, other units
    assert psnr(a, b, data_range=1.0) == pytest.approx(10 * math.log10(1 / 12))
    assert psnr([0.0, 1.0], [0.0, 1.0]) == math.inf
    # each halving of the MSE adds 10 log10(2) dB
    assert psnr([0.0, 0.0], [0.1, 0.1]) - psnr([0.0, 0.0], [0.2, 0.2]) == pytest.approx(
        20 * math.log10(2)
    )


def test_psnr_against_direct_computation(china, crop):
    quantized = quantize(china, 16, random_state=0)[0]
    error = np.mean((china.astype(float) - quantized.astype(float)) ** 2)
    assert psnr(china, quantized) == pytest.approx(10 * np.log10(255**2 / error), rel=1e-12)


def test_mse_psnr_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="empty"):
        mse([], [])
    with pytest.raises(TypeError):
        mse(["a"], ["b"])
    with pytest.raises(ValueError, match="data_range"):
        psnr(np.zeros(3, dtype=np.uint8), np.zeros(3))
    with pytest.raises(ValueError, match="data_range"):
        psnr(np.zeros(3), np.ones(3), data_range=0)


@pytest.mark.parametrize(
    "k, index_bits", [(1, 0), (2, 1), (3, 2), (4, 2), (16, 4), (17, 5), (64, 6), (256, 8)]
)
def test_storage_cost_index_bits(k, index_bits):
    cost = storage_cost(1000, k)
    assert cost["index_bits_per_pixel"] == index_bits == math.ceil(math.log2(k))
    assert cost["palette_bits"] == 24 * k
    assert cost["total_bits"] == 1000 * index_bits + 24 * k
    assert cost["bits_per_pixel"] == pytest.approx((1000 * index_bits + 24 * k) / 1000)
    assert cost["total_bytes"] == math.ceil(cost["total_bits"] / 8)


def test_storage_cost_worked_example(china):
    n = china.shape[0] * china.shape[1]  # 273 280 pixels
    cost = storage_cost(n, 64)
    assert cost["total_bits"] == n * 6 + 64 * 24
    assert cost["bits_per_pixel"] == pytest.approx(6 + 1536 / n)
    assert storage_cost(10, 2, palette_bits_per_color=8)["palette_bits"] == 16
    with pytest.raises(ValueError, match="k must be >= 1"):
        storage_cost(10, 0)
    with pytest.raises(ValueError, match="n_pixels"):
        storage_cost(0, 4)


def test_weighted_lloyd_reseeds_an_empty_cluster(crop):
    colours, counts = quantize_module.distinct_colours(crop.reshape(-1, 3))
    init = np.vstack([colours[:3], [[1000.0, 1000.0, 1000.0]]])  # the last centre gets no pixel
    result = lloyd(colours, init, tol=0.0, sample_weight=counts)
    assert np.isfinite(result.centers).all() and np.isfinite(result.inertia)
    assert np.unique(result.centers, axis=0).shape[0] == 4
    assert result.centers.max() <= 255  # the far centre moved onto the data


def test_benchmark_harness_runs(crop):
    """Smoke test of benchmarks/quantize_bench.py (no time is asserted)."""
    bench = load_benchmark("quantize_bench")
    assert bench.make_image("china").shape == (427, 640, 3)
    for method in bench.METHODS:
        quantized = bench.run_method(method, crop, 4)
        assert quantized.shape == crop.shape
        assert mse(crop, quantized) < mse(crop, np.zeros_like(crop))
