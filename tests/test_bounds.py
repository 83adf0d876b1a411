"""Lloyd's assignment step with bounds (kmlib/_kernels/bounds.py) and the screen's settling of close calls.

The specification: at every call, in any sequence of centres, the bounded step
gives exactly the labels of the exact double-precision search (ties included);
it screens few points once the centres settle; and the close calls of the screen
go to the exact 256-row blocks only when they are close in double precision too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import load_digits, load_wine

import kmlib
from kmlib._kernels import bounds as bounds_module
from kmlib._kernels import screen as screen_module
from kmlib._kernels.bounds import MIN_FEATURES, BoundedLabels, screened_step


def exact(X, C):
    """The reference: the double-precision search over every block."""
    return screen_module.exact_labels(screen_module.prepare(X, screen=False), C)


def lloyd_centres(X, C, steps):
    """The centres of ``steps`` exact Lloyd iterations from ``C`` (empty clusters keep theirs)."""
    out = [C]
    for _ in range(steps):
        labels = exact(X, C)
        C = C.copy()
        for j in range(len(C)):
            if np.any(labels == j):
                C[j] = X[labels == j].mean(axis=0)
        out.append(C)
    return out


@pytest.fixture
def small_blocks(monkeypatch):
    """Screen blocks of 64 points, so that small tests cross several blocks."""
    monkeypatch.setattr(screen_module, "SCREEN_BLOCK", 64)
    monkeypatch.setattr(bounds_module, "SCREEN_BLOCK", 64)


coords = st.floats(-100, 100, allow_nan=False, width=64)


@st.composite
def runs(draw):
    """Points, and a sequence of centres: small steps, jumps, repeats and a swap."""
    d = draw(st.integers(1, 10))
    n = draw(st.integers(1, 300))
    k = draw(st.integers(1, 6))
    integer = draw(st.booleans())  # integer data: exact ties
    elements = st.integers(-3, 3).map(float) if integer else coords
    X = draw(arrays(np.float64, (n, d), elements=elements))
    C = draw(arrays(np.float64, (k, d), elements=elements))
    sequence = [C]
    for _ in range(draw(st.integers(1, 6))):
        move = draw(st.sampled_from(["small", "jump", "same", "swap"]))
        C = C.copy()
        if move == "small":
            C += draw(arrays(np.float64, (k, d), elements=st.floats(-1e-3, 1e-3)))
        elif move == "jump":
            C[draw(st.integers(0, k - 1))] = X[draw(st.integers(0, n - 1))]
        elif move == "swap" and k > 1:
            C[[0, 1]] = C[[1, 0]]
        sequence.append(C)
    scale = draw(st.sampled_from([1e-300, 1e-150, 1.0, 1e150, 1e300]))
    return X * scale, [C * scale for C in sequence]


@given(runs())
@settings(max_examples=150, deadline=None)
def test_bounded_labels_equal_exact_labels_at_every_call(run):
    X, sequence = run
    step = BoundedLabels(screen_module.prepare(X))
    for C in sequence:
        np.testing.assert_array_equal(step(C), exact(X, C))


@given(runs())
@settings(max_examples=60, deadline=None)
def test_bounded_labels_across_screen_blocks(run):
    X, sequence = run
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bounds_module, "SCREEN_BLOCK", 64)
        step = BoundedLabels(screen_module.prepare(X))
        for C in sequence:
            np.testing.assert_array_equal(step(C), exact(X, C))


def test_bounded_labels_follow_a_lloyd_run_on_blobs(small_blocks):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 8)) + 4 * rng.integers(0, 5, size=(3000, 1))
    step = BoundedLabels(screen_module.prepare(X))
    for C in lloyd_centres(X, X[:5].copy(), 12):
        np.testing.assert_array_equal(step(C), exact(X, C))


def test_bounds_skip_most_points_once_the_centres_settle():
    rng = np.random.default_rng(1)
    blobs = 6.0 * rng.integers(0, 8, size=(8, 10))
    X = rng.normal(size=(20_000, 10)) + blobs[rng.integers(0, 8, size=20_000)]
    sequence = lloyd_centres(X, blobs + 1.0, 6)  # one start per blob
    step = BoundedLabels(screen_module.prepare(X))
    for C in sequence:
        step(C)
    assert step.screened < 0.05 * len(X), step.screened
    np.testing.assert_array_equal(step(sequence[-1]), exact(X, sequence[-1]))


def test_the_returned_labels_are_the_callers():
    # Lloyd compares this iteration's labels with the last ones and may move
    # points into empty clusters: the step must not share its state.
    X = np.random.default_rng(2).normal(size=(500, 9))
    step = BoundedLabels(screen_module.prepare(X))
    first = step(X[:3])
    first[:] = 7
    np.testing.assert_array_equal(step(X[:3] + 1e-9), exact(X, X[:3] + 1e-9))


def test_a_far_away_centre_makes_the_step_exact_and_forget_its_bounds():
    X = np.random.default_rng(3).normal(size=(400, 9))
    step = BoundedLabels(screen_module.prepare(X))
    C = X[:3].copy()
    step(C)
    far = C.copy()
    far[2] = 1e60
    np.testing.assert_array_equal(step(far), exact(X, far))
    assert step.centers is None and np.all(step.gap == -np.inf)
    np.testing.assert_array_equal(step(C), exact(X, C))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("tiny", [1e-300, 5e-324, 1e-160])
def test_all_zero_data_take_the_scale_of_tiny_centres(tiny):
    # At the data's scale these centres' squares underflow to 0 and would tie;
    # the nearest is the one with the smallest norm, centre 1.
    X = np.zeros((6, 9))
    C = np.full((3, 9), tiny)
    C[1, 0] = 0.0
    points = screen_module.prepare(X)
    step = BoundedLabels(points)
    for _ in range(2):
        np.testing.assert_array_equal(step(C), 1)
    np.testing.assert_array_equal(screen_module.screened_labels(points, C), 1)
    np.testing.assert_array_equal(exact(X, C), 1)
    np.testing.assert_array_equal(kmlib.assign(X, C), 1)  # the readable step agrees


def test_one_centre_labels_every_point_zero():
    X = np.random.default_rng(4).normal(size=(50, 9))
    np.testing.assert_array_equal(BoundedLabels(screen_module.prepare(X))(X[:1]), 0)


def test_screened_step_uses_bounds_from_min_features():
    wide = screen_module.prepare(np.zeros((10, MIN_FEATURES)))
    narrow = screen_module.prepare(np.zeros((10, MIN_FEATURES - 1)))
    assert isinstance(screened_step(wide), BoundedLabels)
    assert not isinstance(screened_step(narrow), BoundedLabels)


@pytest.mark.parametrize("load", [load_wine, load_digits])
def test_lloyd_with_bounds_equals_lloyd_exact(load):
    X = load().data
    assert X.shape[1] >= MIN_FEATURES  # the bounded step is the one used
    for seed in range(3):
        start = X[np.random.default_rng(seed).choice(len(X), 10, replace=False)]
        fast = kmlib.lloyd(X, start)
        slow = kmlib.lloyd(X, start, assignment="exact")
        np.testing.assert_array_equal(fast.labels, slow.labels)
        np.testing.assert_array_equal(fast.centers, slow.centers)
        assert fast.n_iter == slow.n_iter


# --- settling the screen's close calls ----------------------------------------


@pytest.fixture
def exact_block_calls(monkeypatch):
    calls = []
    real = screen_module.exact_blocks

    def spy(X, C, labels, blocks):
        calls.append(blocks.copy())
        return real(X, C, labels, blocks)

    monkeypatch.setattr(screen_module, "exact_blocks", spy)
    return calls


def test_close_calls_that_double_precision_decides_need_no_exact_block(exact_block_calls):
    # One point in ten 1e-9 off the bisector of two centres: close in single
    # precision (the screen sees a tie), clear in double precision.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2000, 2))
    X[::10, 0] = 1e-9 * np.sign(X[::10, 0])
    C = np.array([[-1.0, 0.0], [1.0, 0.0]])
    expected = exact(X, C)
    exact_block_calls.clear()
    labels = screen_module.screened_labels(screen_module.prepare(X), C)
    np.testing.assert_array_equal(labels, expected)
    assert exact_block_calls == []


def test_exact_ties_still_go_to_their_whole_blocks(exact_block_calls):
    rng = np.random.default_rng(6)
    X = rng.integers(-20, 21, size=(2000, 2)).astype(float)
    X[::50] = [1.0, 0.0]  # a tie between the two centres
    X[::50, 1] = rng.integers(-20, 21, size=40)
    C = np.array([[0.0, 0.0], [2.0, 0.0]])
    expected = exact(X, C)
    exact_block_calls.clear()
    labels = screen_module.screened_labels(screen_module.prepare(X), C)
    np.testing.assert_array_equal(labels, expected)
    ties = np.flatnonzero(X[:, 0] == 1.0)
    assert np.all(labels[ties] == 0)  # the lower index, as argmin
    blocks = np.concatenate(exact_block_calls)
    np.testing.assert_array_equal(blocks, np.unique(ties // screen_module.EXACT_BLOCK))


@given(
    arrays(np.float64, st.tuples(st.integers(1, 300), st.just(3)), elements=coords),
    arrays(np.float64, st.tuples(st.integers(1, 5), st.just(3)), elements=coords),
    st.data(),
)
@settings(max_examples=100, deadline=None)
def test_settle_gives_the_exact_labels_of_any_rows(X, C, data):
    rows = np.unique(data.draw(st.lists(st.integers(0, len(X) - 1), min_size=1)))
    labels = np.full(len(X), -1)
    # on the one scale its callers give it (tiny data such as 7e-245 would
    # otherwise have squares that underflow: Hypothesis found two)
    scaled, centres = screen_module.on_one_scale(screen_module.prepare(X, screen=False), C)
    screen_module.settle(scaled, centres, labels, np.asarray(rows))
    np.testing.assert_array_equal(labels[rows], exact(X, C)[rows])


@pytest.mark.parametrize(
    ("X", "C"),
    [  # found by Hypothesis: squares that underflow at the data's own scale
        (
            np.full((1, 3), 6.86050476e-245),
            [[0.0, 6.86050476e-245, 6.86050476e-245], [6.86050476e-245] * 3],
        ),
        (np.zeros((1, 3)), [[2.76235875e-192, 0.0, 0.0], [0.0] * 3]),
    ],
)
def test_settle_on_the_callers_scale_is_exact_for_tiny_data(X, C):
    C = np.array(C)
    labels = np.full(1, -1)
    scaled, centres = screen_module.on_one_scale(screen_module.prepare(X, screen=False), C)
    screen_module.settle(scaled, centres, labels, np.array([0]))
    np.testing.assert_array_equal(labels, [1])
    np.testing.assert_array_equal(exact(X, C), [1])
