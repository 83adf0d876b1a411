"""Tests of kmlib._minibatch (mini-batch k-means) and kmlib._parallel (k-means‖).

The mini-batch step is compared with Sculley's per-point update written out
below; whole runs with full Lloyd and with scikit-learn's MiniBatchKMeans
(the oracle: same algorithm family, different random draws, so compared by
quality, not bit for bit). k-means‖ is checked for its pass count, its
candidate weights, the distribution of its draws (every round keeps about
``oversampling`` points, and chunked draws keep exactly the points the
one-pass test keeps) and its quality against k-means++.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import MiniBatchKMeans as SkMiniBatchKMeans
from sklearn.datasets import make_blobs

import kmlib
from kmlib import DuplicatePointsWarning
from kmlib._parallel import draw_candidates, keep_drawn

FAST = settings(max_examples=40, deadline=None)


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=6000, centers=8, n_features=3, random_state=0)
    return X


def sculley_step(batch, centers, counts):
    """Sculley (2010), Algorithm 1, one batch: cache the labels, then update point by point."""
    C, v = centers.copy(), counts.copy()
    labels = kmlib.nearest(batch, C)[0]
    for x, j in zip(batch, labels, strict=True):
        v[j] += 1
        eta = 1.0 / v[j]
        C[j] = (1 - eta) * C[j] + eta * x
    return C, v


finite = st.floats(-100, 100, allow_nan=False, width=64)


@FAST
@given(
    batch=arrays(np.float64, st.tuples(st.integers(1, 30), st.just(2)), elements=finite),
    centers=arrays(np.float64, (3, 2), elements=finite),
    counts=arrays(np.float64, 3, elements=st.integers(0, 20).map(float)),
)
def test_step_equals_sculleys_point_by_point_update(batch, centers, counts):
    expected_C, expected_v = sculley_step(batch, centers, counts)
    C, v = centers.copy(), counts.copy()
    batch_wcss = kmlib.minibatch_step(batch, C, v)
    np.testing.assert_allclose(C, expected_C, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(v, expected_v)
    assert batch_wcss == pytest.approx(kmlib.nearest(batch, centers)[1].sum(), rel=1e-12, abs=1e-9)


def test_centre_chosen_by_no_point_stays_put():
    C, v = np.array([[0.0, 0.0], [100.0, 100.0]]), np.zeros(2)
    kmlib.minibatch_step(np.array([[1.0, 1.0], [3.0, 3.0]]), C, v)
    assert C.tolist() == [[2.0, 2.0], [100.0, 100.0]] and v.tolist() == [2.0, 0.0]


def step_args(**change):
    """Valid (batch, centers, counts) of minibatch_step, with some replaced."""
    args = {
        "batch": np.array([[1.0, 1.0], [3.0, 3.0]]),
        "centers": np.array([[0.0, 0.0], [100.0, 100.0]]),
        "counts": np.zeros(2),
    }
    return args | change


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (
            {"centers": [[0.0, 0.0], [100.0, 100.0]]},
            TypeError,
            "centers must be a writeable float64",
        ),
        (
            {"centers": np.array([[0, 0], [100, 100]])},
            TypeError,
            r"np.array\(centers, dtype=float\)",
        ),
        ({"centers": np.zeros((2, 2), np.float32)}, TypeError, "centers .* in place"),
        ({"counts": [0.0, 0.0]}, TypeError, "counts must be a writeable float64"),
        ({"counts": np.zeros(2, dtype=int)}, TypeError, "dtype int64"),
        ({"counts": np.zeros(3)}, ValueError, r"counts must have shape \(2,\)"),
        ({"counts": np.array([1.0, -1.0])}, ValueError, "counts must be >= 0"),
        ({"counts": np.array([1.0, np.nan])}, ValueError, "counts must be finite"),
        ({"centers": np.array([[0.0, np.inf], [1.0, 1.0]])}, ValueError, "centers must be finite"),
        ({"centers": np.zeros(2)}, ValueError, "centers must be a 2-D"),
        ({"counts": np.zeros((2, 1))}, ValueError, "counts must be a 1-D"),
        ({"batch": np.ones((2, 3))}, ValueError, "batch and centers must have the same number"),
        ({"batch": [[1.0, np.nan]]}, ValueError, "batch must be finite"),
        ({"batch": [["a", "b"]]}, TypeError, "batch must contain real numbers"),
        ({"batch": np.ones(2)}, ValueError, "batch must be a 2-D"),
        ({"batch": np.ones((0, 2))}, ValueError, "batch must have at least 1 row"),
    ],
)
def test_step_refuses_bad_input_and_changes_nothing(change, error, match):
    args = step_args(**change)
    before = copy.deepcopy(args)
    with pytest.raises(error, match=match):
        kmlib.minibatch_step(**args)
    for key, value in args.items():  # NaN equals NaN here
        np.testing.assert_array_equal(np.asarray(value), np.asarray(before[key]))


def test_step_refuses_read_only_centres_and_accepts_any_numeric_batch():
    args = step_args()
    args["centers"].flags.writeable = False
    with pytest.raises(TypeError, match="centers must be a writeable"):
        kmlib.minibatch_step(**args)
    for batch in ([[1, 1], [3, 3]], np.array([[1, 1], [3, 3]], np.float32)):
        args = step_args(batch=batch)
        assert kmlib.minibatch_step(**args) == 2.0 + 18.0
        assert args["centers"].tolist() == [[2.0, 2.0], [100.0, 100.0]]


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_record_accepts_only_bool(blobs, flag):
    with pytest.raises(TypeError, match="record must be True or False"):
        kmlib.minibatch_kmeans(blobs[:50], 2, batch_size=10, record=flag)


def test_result_invariants_and_determinism(blobs):
    a = kmlib.minibatch_kmeans(blobs, 8, batch_size=256, random_state=1)
    b = kmlib.minibatch_kmeans(blobs, 8, batch_size=256, random_state=1)
    np.testing.assert_array_equal(a.centers, b.centers)
    assert a.n_steps == b.n_steps and a.n_iter == -(-a.n_steps * 256 // len(blobs))
    labels, sq = kmlib.nearest(blobs, a.centers)
    np.testing.assert_array_equal(a.labels, labels)
    assert a.inertia == pytest.approx(kmlib.inertia(blobs, a.centers, a.labels), rel=1e-12)
    assert a.counts.sum() == a.n_steps * 256


def test_quality_close_to_full_lloyd_and_to_scikit_learn(blobs):
    best = kmlib.kmeans(blobs, 8, n_init=5, random_state=0).inertia
    ours = [kmlib.minibatch_kmeans(blobs, 8, random_state=s).inertia for s in range(5)]
    theirs = [SkMiniBatchKMeans(8, random_state=s, n_init=1).fit(blobs).inertia_ for s in range(5)]
    assert np.median(ours) <= 1.05 * best
    assert np.median(ours) <= 1.05 * np.median(theirs)


def test_budget_and_stopping_rules(blobs):
    n = len(blobs)
    r = kmlib.minibatch_kmeans(
        blobs, 4, batch_size=100, max_iter=1, max_no_improvement=None, random_state=0
    )
    assert r.n_steps == n // 100 and r.n_iter == 1 and not r.converged
    r = kmlib.minibatch_kmeans(blobs, 4, batch_size=100, max_no_improvement=0, random_state=0)
    assert r.n_steps == 2 and r.converged  # the first step does not count
    r = kmlib.minibatch_kmeans(blobs, 4, tol=1e-2, max_no_improvement=None, random_state=0)
    assert r.converged and r.n_steps < 100 * n // 1024


def test_record_and_explicit_init(blobs):
    init = blobs[:3]
    r = kmlib.minibatch_kmeans(blobs, 3, init=init, record=True, random_state=0)
    assert [h.step for h in r.history] == list(range(1, r.n_steps + 1))
    np.testing.assert_array_equal(r.history[-1].centers, r.centers)
    times = [h.seconds for h in r.history]
    assert times == sorted(times)
    assert np.array_equal(init, blobs[:3])  # not changed in place


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"k": 0}, ValueError, "k must be >= 1"),
        ({"k": 2.0}, TypeError, "k must be an integer"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"init_size": 1}, ValueError, "init_size"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"max_no_improvement": -1}, ValueError, "max_no_improvement"),
        ({"init": "kmeans"}, ValueError, "init must be"),
        ({"init": np.zeros((3, 2))}, ValueError, "init must have shape"),
        ({"random_state": -1}, ValueError, "random_state"),
    ],
)
def test_bad_input(blobs, kwargs, error, match):
    args = {"k": 2} | kwargs
    k = args.pop("k")
    with pytest.raises(error, match=match):
        kmlib.minibatch_kmeans(blobs, k, **args)


def test_bad_data():
    with pytest.raises(ValueError, match="X"):
        kmlib.minibatch_kmeans([[0.0, np.nan], [1.0, 1.0]], 1)
    with pytest.raises(ValueError, match="k must be <="):
        kmlib.minibatch_kmeans([[0.0], [1.0]], 3)


def test_estimator(blobs):
    model = kmlib.MiniBatchKMeans(8, batch_size=512, random_state=0)
    assert model.get_params()["batch_size"] == 512
    with pytest.raises(kmlib.NotFittedError):
        model.predict(blobs)
    model.fit(blobs)
    np.testing.assert_array_equal(model.predict(blobs), model.labels_)
    assert model.score(blobs) == pytest.approx(-model.inertia_)
    assert model.transform(blobs[:5]).shape == (5, 8)
    with pytest.raises(TypeError, match="sample_weight"):
        model.fit(blobs, sample_weight=np.ones(len(blobs)))
    with pytest.raises(ValueError, match="features"):
        model.predict(blobs[:, :2])


def test_partial_fit_streams_chunks(blobs):
    model = kmlib.MiniBatchKMeans(8, random_state=0)
    for chunk in np.array_split(blobs, 6):
        model.partial_fit(chunk)
    assert model.n_steps_ == 6 and model.counts_.sum() == len(blobs)
    best = kmlib.kmeans(blobs, 8, n_init=5, random_state=0).inertia
    assert -model.score(blobs) <= 1.2 * best


# --------------------------------------------------------------------------- k-means‖


def test_parallel_passes_candidates_and_weights(blobs):
    s = kmlib.kmeans_parallel(blobs, 8, rounds=3, random_state=0)
    assert s.n_passes == 4 and s.rounds == 3 and s.centers.shape == (8, 3)
    assert s.weights.sum() == len(blobs) and len(s.weights) == len(s.candidates)
    np.testing.assert_array_equal(
        s.weights, np.bincount(kmlib.nearest(blobs, s.candidates)[0], minlength=len(s.weights))
    )
    # the candidates are rows of X (the first uniformly, the others drawn)
    assert all((blobs == c).all(axis=1).any() for c in s.candidates)


def test_each_round_keeps_about_oversampling_points(blobs):
    # Expected number kept in a round: sum of min(1, l D^2 / phi) <= l.
    per_round = [
        (len(kmlib.kmeans_parallel(blobs, 8, rounds=1, random_state=s).candidates) - 1)
        for s in range(40)
    ]
    assert 0.7 * 16 <= np.mean(per_round) <= 16 + 2  # l = 2k = 16
    few = kmlib.kmeans_parallel(blobs, 8, oversampling=4, rounds=2, random_state=0)
    assert len(few.candidates) < 20


def test_chunked_draws_keep_exactly_what_one_pass_would(blobs):
    C = blobs[:5]
    chunks = np.array_split(blobs, 7)
    seeds = list(range(7))
    draws = [draw_candidates(c, C, 16.0, s) for c, s in zip(chunks, seeds, strict=True)]
    kept = keep_drawn(draws, 16.0)
    # the same uniforms, tested against the total cost directly
    u = np.concatenate(
        [np.random.default_rng(s).random(len(c)) for c, s in zip(chunks, seeds, strict=True)]
    )
    sq = kmlib.nearest(blobs, C)[1]
    np.testing.assert_array_equal(kept, blobs[u * sq.sum() < 16.0 * sq])


def test_parallel_quality_like_kmeans_plusplus(blobs):
    par = [
        kmlib.lloyd(blobs, kmlib.kmeans_parallel(blobs, 8, random_state=s).centers).inertia
        for s in range(10)
    ]
    pp = [
        kmlib.lloyd(blobs, kmlib.kmeans_plusplus(blobs, 8, random_state=s)).inertia
        for s in range(10)
    ]
    assert np.median(par) <= 1.05 * np.median(pp)


def test_parallel_with_few_distinct_points():
    X = np.repeat([[0.0, 0.0], [5.0, 5.0]], 10, axis=0)
    with pytest.warns(DuplicatePointsWarning, match="only 2 distinct"):
        s = kmlib.kmeans_parallel(X, 3, random_state=0)
    assert s.centers.shape == (3, 2) and np.isfinite(s.centers).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kmlib.kmeans_parallel(X, 2, random_state=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"oversampling": 0}, ValueError, "oversampling"),
        ({"oversampling": -1.0}, ValueError, "oversampling"),
        ({"oversampling": "2k"}, TypeError, "oversampling"),
        ({"rounds": 0}, ValueError, "rounds"),
        ({"rounds": 1.5}, TypeError, "rounds"),
        ({"random_state": "0"}, TypeError, "random_state"),
    ],
)
def test_parallel_bad_input(blobs, kwargs, error, match):
    with pytest.raises(error, match=match):
        kmlib.kmeans_parallel(blobs, 3, **kwargs)
    with pytest.raises(ValueError, match="k must be <="):
        kmlib.kmeans_parallel(blobs[:2], 3)
