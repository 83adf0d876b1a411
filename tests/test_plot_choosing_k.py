"""Smoke tests of the Chapter 4 figure helpers of kmlib.plot.

elbow_curve, silhouette_diagram, gap_curve and choosing_k_animation: they
draw what their docstrings say (artists, values, marked K), reject bad input
with a message naming the parameter, and close their figures. Agg backend,
no image comparison, fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import kmlib  # noqa: E402
from kmlib import plot  # noqa: E402
from kmlib._choosing_k import silhouette_samples  # noqa: E402


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    means = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    X = np.vstack([rng.normal(m, 0.6, size=(20, 2)) for m in means])
    return X, np.repeat(np.arange(3), 20)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def current_marker(ax):
    return [line for line in ax.lines if line.get_gid() == plot.CURRENT_K_GID]


def test_elbow_curve_draws_the_values_and_rings_the_current_k():
    fig, ax = plt.subplots()
    ks, values = [1, 2, 3, 4], [100.0, 40.0, 10.0, 8.0]
    assert plot.elbow_curve(ax, ks, values, current=3) is ax
    curve = ax.lines[0]
    assert np.array_equal(curve.get_xdata(), ks) and np.allclose(curve.get_ydata(), values)
    (ring,) = current_marker(ax)
    assert list(ring.get_xdata()) == [3] and list(ring.get_ydata()) == [10.0]
    assert list(ax.get_xticks()) == ks
    assert ax.get_ylabel() == "WCSS"


def test_elbow_curve_without_current_has_no_ring_and_checks_input():
    fig, ax = plt.subplots()
    plot.elbow_curve(ax, [2, 3], [0.5, 0.7], ylabel="mean silhouette")
    assert not current_marker(ax) and ax.get_ylabel() == "mean silhouette"
    with pytest.raises(ValueError, match="current"):
        plot.elbow_curve(ax, [2, 3], [0.5, 0.7], current=5)
    with pytest.raises(ValueError, match="values"):
        plot.elbow_curve(ax, [2, 3], [0.5])


def test_silhouette_diagram_draws_one_blade_per_cluster_and_the_mean(blobs):
    X, labels = blobs
    fig, ax = plt.subplots()
    mean = plot.silhouette_diagram(ax, X, labels)
    expected = silhouette_samples(X, labels)
    assert np.isclose(mean, expected.mean())
    blades = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    assert len(blades) == 3
    for j, blade in enumerate(blades):
        assert np.allclose(blade.get_facecolor()[0][:3], to_rgba(plot.PALETTE[j])[:3])
        # the blade reaches as far as the cluster's largest silhouette
        assert np.isclose(blade.get_paths()[0].vertices[:, 0].max(), expected[labels == j].max())
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and np.isclose(dashed[0].get_xdata()[0], mean)


def test_silhouette_diagram_accepts_precomputed_silhouettes(blobs):
    X, labels = blobs
    s = silhouette_samples(X, labels)
    fig, ax = plt.subplots()
    assert np.isclose(plot.silhouette_diagram(ax, s, labels, mean_line=False), s.mean())
    assert not [line for line in ax.lines if line.get_linestyle() == "--"]
    with pytest.raises(ValueError, match="shape"):
        plot.silhouette_diagram(ax, s[:-1], labels)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        plot.silhouette_diagram(ax, s * 3, labels)
    with pytest.raises(TypeError, match="labels"):
        plot.silhouette_diagram(ax, s, labels.astype(float))


@dataclass(frozen=True)
class FakeGap:
    ks: np.ndarray
    gap: np.ndarray
    s_k: np.ndarray
    best_k: int


def test_gap_curve_draws_error_bars_and_rings_the_chosen_k(blobs):
    X, _ = blobs
    result = kmlib.gap_statistic(X, range(1, 5), n_refs=3, random_state=0)
    assert result.best_k == 3
    fig, ax = plt.subplots()
    assert plot.gap_curve(ax, result, label="blobs") is ax
    container = ax.containers[0]
    line, _, (bars,) = container.lines
    assert np.allclose(line.get_ydata(), result.gap)
    segments = bars.get_segments()
    assert np.allclose([seg[1, 1] - seg[0, 1] for seg in segments], 2 * result.s_k)
    rings = [ln for ln in ax.lines if ln.get_label().startswith("chosen")]
    assert len(rings) == 1 and list(rings[0].get_xdata()) == [3]


def test_gap_curve_rejects_other_objects():
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="GapResult"):
        plot.gap_curve(ax, {"ks": [1, 2]})
    fake = FakeGap(np.array([1, 2]), np.array([0.1, 0.2]), np.array([0.01]), 1)
    with pytest.raises(ValueError, match="s_k"):
        plot.gap_curve(ax, fake)


def test_choosing_k_animation_has_one_frame_per_k_and_alt_text(blobs):
    X, _ = blobs
    results = {k: kmlib.kmeans(X, k, random_state=0) for k in (2, 3, 4)}
    before = plt.get_fignums()
    html = plot.choosing_k_animation(X, results, resolution=20, dpi=30, alt="three frames of K")
    assert plt.get_fignums() == before  # the figure is closed
    assert len(re.findall(r"frames\[\d+\] = ", html)) == 3
    assert 'alt="three frames of K"' in html
    assert "font-awesome" not in html


def test_choosing_k_animation_rejects_bad_results(blobs):
    X, _ = blobs
    with pytest.raises(TypeError, match="mapping"):
        plot.choosing_k_animation(X, [])
    many = {k: kmlib.kmeans(X, 2, random_state=0) for k in range(1, 16)}
    with pytest.raises(ValueError, match="14"):
        plot.choosing_k_animation(X, many)
