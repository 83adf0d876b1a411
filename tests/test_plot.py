"""Smoke tests of kmlib.plot: the helpers return the right objects and draw what they say.

No image comparison: these check artists, limits, frame counts and that
figures are closed, quickly and with the Agg backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

import kmlib  # noqa: E402
from kmlib import plot  # noqa: E402


@dataclass(frozen=True)
class Record:
    """A stand-in for kmlib.IterationRecord (same three fields)."""

    centers: np.ndarray
    labels: np.ndarray
    inertia: float


def naive_history(X, centers, n_iter):
    """A Lloyd history written out by hand: centres at the start, labels, WCSS."""
    history = []
    for _ in range(n_iter):
        labels = np.argmin(((X[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
        wcss = float(((X - centers[labels]) ** 2).sum())
        history.append(Record(centers.copy(), labels, wcss))
        centers = np.array([X[labels == j].mean(axis=0) for j in range(len(centers))])
    return history


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    means = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    X = np.vstack([rng.normal(m, 0.7, size=(30, 2)) for m in means])
    labels = np.repeat(np.arange(3), 30)
    return X, labels, means


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_all_names_exist():
    for name in plot.__all__:
        assert hasattr(plot, name), name
    assert len(set(plot.PALETTE)) == len(plot.PALETTE)


def test_voronoi_regions_colours_each_pixel_by_its_nearest_centre():
    fig, ax = plt.subplots()
    centers = np.array([[-1.0, 0.0], [1.0, 0.0]])
    image = plot.voronoi_regions(ax, centers, (-2, 2), (-1, 1), resolution=20)
    assert isinstance(image, matplotlib.image.AxesImage)
    data = np.asarray(image.get_array())
    assert data.shape == (20, 20, 3)
    # left half is centre 0's colour, right half centre 1's
    assert np.allclose(data[:, 0], to_rgb(plot.PALETTE[0]))
    assert np.allclose(data[:, -1], to_rgb(plot.PALETTE[1]))
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)
    assert 0 < image.get_alpha() < 0.5


def test_voronoi_regions_rejects_bad_input():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="centers"):
        plot.voronoi_regions(ax, np.zeros((2, 3)), (0, 1), (0, 1))
    with pytest.raises(TypeError, match="resolution"):
        plot.voronoi_regions(ax, np.zeros((2, 2)), (0, 1), (0, 1), resolution=2.5)


@pytest.mark.parametrize("voronoi", [True, False])
def test_plot_clusters_draws_points_centres_and_regions(blobs, voronoi):
    X, labels, means = blobs
    fig, ax = plt.subplots()
    out = plot.plot_clusters(ax, X, labels, means, voronoi=voronoi)
    assert out is ax
    # one collection per cluster, plus one for the centres
    assert len(ax.collections) == 3 + 1
    assert len(ax.images) == (1 if voronoi else 0)
    centres = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(centres, means)
    x0, x1 = ax.get_xlim()
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max()


def test_plot_clusters_checks_label_length(blobs):
    X, labels, means = blobs
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="labels"):
        plot.plot_clusters(ax, X, labels[:-1], means)


def test_lloyd_frames_alternate_and_never_raise_the_wcss(blobs):
    X, _, _ = blobs
    history = naive_history(X, X[[0, 1, 2]].copy(), 4)
    frames = plot.lloyd_frames(X, history)
    assert len(frames) == 2 * len(history)
    assert [f.step for f in frames[:4]] == ["assign", "update", "assign", "update"]
    assert [f.iteration for f in frames[:4]] == [1, 1, 2, 2]
    wcss = np.array([f.inertia for f in frames])
    assert np.all(np.diff(wcss) <= 1e-9)
    # an update frame shows the next record's centres and remembers the old ones
    np.testing.assert_allclose(frames[1].centers, history[1].centers)
    np.testing.assert_allclose(frames[1].previous_centers, history[0].centers)
    assert frames[0].previous_centers is None


def test_lloyd_frames_reject_missing_history(blobs):
    X, _, _ = blobs

    @dataclass
    class NoHistory:
        centers: np.ndarray
        history: None = None

    with pytest.raises(ValueError, match="history"):
        plot.lloyd_frames(X, NoHistory(np.zeros((3, 2))))
    with pytest.raises(ValueError, match="history"):
        plot.lloyd_frames(X, [])
    with pytest.raises(TypeError, match="IterationRecord"):
        plot.lloyd_frames(X, [object()])


def test_lloyd_animation_html_has_one_frame_per_half_step_and_closes(blobs):
    X, _, _ = blobs
    history = naive_history(X, X[[0, 1, 2]].copy(), 3)
    before = plt.get_fignums()
    html = plot.lloyd_animation(X, history, resolution=30, dpi=40)
    assert isinstance(html, str)
    assert plt.get_fignums() == before  # the figure was closed
    n_frames = int(re.search(r"new Array\((\d+)\)", html).group(1))
    assert n_frames == 2 * len(history)
    assert html.count("data:image/png;base64") >= n_frames


def test_lloyd_animation_caps_frames(blobs):
    X, _, _ = blobs
    history = naive_history(X, X[[0, 1, 2]].copy(), 6)
    html = plot.lloyd_animation(X, history, resolution=20, dpi=30, max_frames=5)
    assert int(re.search(r"new Array\((\d+)\)", html).group(1)) == 5


@pytest.mark.skipif(not hasattr(kmlib, "lloyd"), reason="kmlib._lloyd not available yet")
def test_lloyd_animation_accepts_a_recorded_result(blobs):
    X, _, means = blobs
    result = kmlib.lloyd(X, X[[0, 1, 2]], record=True)
    frames = plot.lloyd_frames(X, result)
    assert len(frames) in (2 * len(result.history), 2 * len(result.history) + 1)
    np.testing.assert_allclose(frames[-1].centers, result.centers)
    np.testing.assert_array_equal(frames[-1].labels, result.labels)
    wcss = np.array([f.inertia for f in frames])
    assert np.all(np.diff(wcss) <= 1e-9 * wcss[0])
    html = plot.lloyd_animation(X, result, resolution=20, dpi=30)
    assert "new Array(" in html


def test_lloyd_animation_image_has_alt_text(blobs):
    X, _, _ = blobs
    history = naive_history(X, X[[0, 1, 2]].copy(), 1)
    html = plot.lloyd_animation(X, history, resolution=10, dpi=20, alt='3 "quoted" frames')
    assert '<img alt="3 &quot;quoted&quot; frames" id="_anim_img' in html
    default = plot.lloyd_animation(X, history, resolution=10, dpi=20)
    assert re.search(r'<img alt="Animation of Lloyd[^"]+" id="_anim_img', default)


def test_lloyd_animation_loads_nothing_from_the_network(blobs):
    X, _, _ = blobs
    html = plot.lloyd_animation(X, naive_history(X, X[[0, 1, 2]].copy(), 1), resolution=10, dpi=20)
    assert "font-awesome" not in html and "<link" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert 'class="fa ' not in html
    assert html.count("<button") == html.count('<span aria-hidden="true">') == 9
    assert "\u25b6" in html  # the play button


def test_animate_draws_each_frame_once_with_the_layout_it_fixed(monkeypatch):
    from matplotlib.figure import Figure

    from kmlib.plot._animation import animate

    draws, figures = [], []
    original = Figure.draw
    monkeypatch.setattr(
        Figure, "draw", lambda self, renderer: draws.append(1) or original(self, renderer)
    )

    def setup(fig, ax):
        ax.set_title("a long title that tight_layout must make room for")
        (line,) = ax.plot([0, 1], [0, 0])
        figures.append(fig)
        return lambda i: [line.set_ydata([0, i]) or line]

    html = animate(setup, 4, alt="A rising line", interval=100, figsize=(3, 2), dpi=30)
    assert html.count("data:image/png;base64") == 4
    # one draw per frame, not two: a layout engine left on the figure (as
    # tight_layout leaves one) would lay the figure out again at every savefig
    assert len(draws) == 4, f"{len(draws)} draws for 4 frames"
    fig = figures[0]
    assert fig.get_layout_engine() is None
    # the layout tight_layout fixed is kept, not the default margins
    assert fig.subplotpars.left != plt.rcParams["figure.subplot.left"]


def test_animation_html_is_offline_and_has_alt_text():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from kmlib.plot import animation_html

    fig, ax = plt.subplots(dpi=40)
    (line,) = ax.plot([0, 1], [0, 1])
    anim = FuncAnimation(fig, lambda i: line.set_ydata([0, i]), frames=3)
    html = animation_html(anim, alt="A line rising in 3 frames")
    plt.close(fig)
    assert 'alt="A line rising in 3 frames"' in html
    assert "http://" not in html and "https://" not in html
    assert "font-awesome" not in html


def test_animation_html_requires_alt_text():
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from kmlib.plot import animation_html

    fig, ax = plt.subplots(dpi=40)
    anim = FuncAnimation(fig, lambda i: None, frames=2)
    with pytest.raises(ValueError, match="alt must be a non-empty description"):
        animation_html(anim, alt="  ")
    anim.to_jshtml()  # render it, so matplotlib does not warn about an unused animation
    plt.close(fig)
