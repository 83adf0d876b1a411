"""Smoke tests of the DBSCAN figures in kmlib.plot (Chapter 5).

No image comparison: these check the artists drawn, the validation and that
figures are closed, quickly and with the Agg backend.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from kmlib import plot  # noqa: E402

X = np.array(
    [[0.0, 0.0], [0.3, 0.0], [0.0, 0.3], [0.6, 0.0], [5.0, 5.0], [5.2, 5.0], [5.0, 5.2], [9.0, 0.0]]
)
LABELS = np.array([0, 0, 0, 0, 1, 1, 1, -1])
CORE = np.array([True, True, True, False, True, True, True, False])


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def by_label(ax):
    return {c.get_label(): c for c in ax.collections}


def test_plot_dbscan_draws_core_border_noise(ax):
    assert plot.plot_dbscan(ax, X, LABELS, CORE, legend=True, title="t") is ax
    drawn = by_label(ax)
    assert set(drawn) == {"cluster 0: core", "cluster 0: border", "cluster 1: core", "noise"}
    assert len(drawn["cluster 0: core"].get_offsets()) == 3
    assert np.allclose(drawn["cluster 0: border"].get_offsets(), X[[3]])
    assert np.allclose(drawn["noise"].get_offsets(), X[[7]])
    # core filled in the cluster's colour, border hollow with a coloured edge, same colour
    core_face = drawn["cluster 0: core"].get_facecolors()[0]
    border = drawn["cluster 0: border"]
    assert np.allclose(core_face, to_rgba(plot.PALETTE[0]))
    assert len(border.get_facecolors()) == 0 or border.get_facecolors()[0][3] == 0
    assert np.allclose(border.get_edgecolors()[0], to_rgba(plot.PALETTE[0]))
    # core points are larger than border points
    assert drawn["cluster 0: core"].get_sizes()[0] > border.get_sizes()[0]
    assert ax.get_title() == "t" and ax.get_legend() is not None


def test_plot_dbscan_without_core_mask_draws_borders_only(ax):
    plot.plot_dbscan(ax, X, LABELS)
    names = set(by_label(ax))
    assert "cluster 0: border" in names and "noise" in names
    assert all(len(c.get_offsets()) == 0 for c in ax.collections if c.get_label().endswith("core"))


@pytest.mark.parametrize(
    ("labels", "core", "match"),
    [
        (LABELS[:-1], CORE, "labels must be an int array"),
        (LABELS.astype(float), CORE, "labels must be an int array"),
        (np.where(LABELS == -1, -2, LABELS), CORE, "labels must be >= -1"),
        (LABELS, CORE.astype(int), "core_mask must be a boolean"),
        (LABELS, np.ones(len(X), dtype=bool), "noise"),
    ],
)
def test_plot_dbscan_validates(ax, labels, core, match):
    with pytest.raises(ValueError, match=match):
        plot.plot_dbscan(ax, X, labels, core)


def test_plot_dbscan_rejects_3d_points(ax):
    with pytest.raises(ValueError, match="2 columns"):
        plot.plot_dbscan(ax, np.zeros((3, 3)), np.zeros(3, dtype=int), np.ones(3, dtype=bool))


def test_eps_circles(ax):
    patches = plot.eps_circles(ax, X[:2], 0.5)
    assert len(patches) == 2 and all(isinstance(p, Circle) for p in patches)
    assert patches[0].get_radius() == 0.5 and np.allclose(patches[1].center, X[1])
    assert plot.eps_circles(ax, np.empty((0, 2)), 1.0) == []
    with pytest.raises(ValueError, match="eps must be a positive"):
        plot.eps_circles(ax, X, 0.0)


def test_dbscan_animation_html_and_closed():
    before = plt.get_fignums()
    frames = [np.full(len(X), -2), np.where(np.arange(len(X)) < 3, 0, -2), LABELS]
    html = plot.dbscan_animation(
        X,
        frames,
        CORE,
        eps=0.5,
        active=[[], [0], [4]],
        titles=["a", "b", "c"],
        alt="Growing clusters.",
    )
    assert html.count("data:image/png;base64") == 3
    assert 'alt="Growing clusters."' in html and "font-awesome" not in html
    assert plt.get_fignums() == before


def test_dbscan_animation_validates():
    frames = [LABELS, LABELS]
    with pytest.raises(ValueError, match="at most max_frames"):
        plot.dbscan_animation(X, frames, CORE, max_frames=1, alt="x")
    with pytest.raises(ValueError, match="one title per frame"):
        plot.dbscan_animation(X, frames, CORE, titles=["a"], alt="x")
    with pytest.raises(ValueError, match="one index array per frame"):
        plot.dbscan_animation(X, frames, CORE, active=[[0]], alt="x")
    with pytest.raises(ValueError, match="alt"):
        plot.dbscan_animation(X, frames, CORE, alt=" ")
    with pytest.raises(ValueError, match="at least one"):
        plot.dbscan_animation(X, [], CORE, alt="x")
    assert plt.get_fignums() == []
