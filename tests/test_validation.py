"""Specification of kmlib._validation: the shared input checks."""

from __future__ import annotations

import numpy as np
import pytest

from kmlib._validation import (
    check_array,
    check_int,
    check_labels,
    check_n_clusters,
    check_random_state,
    check_scalar,
)


def test_check_array_returns_contiguous_float64():
    X = np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2]
    out = check_array(X)
    assert out.dtype == np.float64 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, X)


def test_check_array_one_d_hint_mentions_reshape():
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        check_array([1.0, 2.0, 3.0])


def test_check_array_names_the_parameter():
    with pytest.raises(ValueError, match="^centers must be finite"):
        check_array([[np.nan]], "centers")


@pytest.mark.parametrize("value", [1, 3, np.int64(2), np.uint8(7)])
def test_check_int_accepts_integers(value):
    assert check_int(value, "k") == int(value)
    assert type(check_int(value, "k")) is int


@pytest.mark.parametrize("value", [2.0, "3", None, True, np.bool_(True), [3]])
def test_check_int_rejects_non_integers(value):
    with pytest.raises(TypeError, match="k must be an integer; got"):
        check_int(value, "k")


def test_check_int_bounds():
    with pytest.raises(ValueError, match="max_iter must be >= 1; got 0"):
        check_int(0, "max_iter", minimum=1)
    with pytest.raises(ValueError, match="k must be <= 5; got 6"):
        check_int(6, "k", maximum=5)


@pytest.mark.parametrize("k", [0, -1])
def test_check_n_clusters_rejects_k_below_one(k):
    with pytest.raises(ValueError, match=f"k must be >= 1; got {k}"):
        check_n_clusters(k, 10)


def test_check_n_clusters_rejects_k_above_n():
    with pytest.raises(
        ValueError, match="k must be <= the number of samples; got k=11 with n_samples=10"
    ):
        check_n_clusters(11, 10)
    assert check_n_clusters(10, 10) == 10


@pytest.mark.parametrize(
    "value, error, match",
    [
        (float("nan"), ValueError, "tol must be finite; got nan"),
        (float("inf"), ValueError, "tol must be finite; got inf"),
        (-1e-3, ValueError, "tol must be >= 0"),
        ("0.1", TypeError, "tol must be a real number"),
        (None, TypeError, "tol must be a real number"),
        (True, TypeError, "tol must be a real number"),
    ],
)
def test_check_scalar_rejects(value, error, match):
    with pytest.raises(error, match=match):
        check_scalar(value, "tol", minimum=0.0)


def test_check_scalar_exclusive_bounds():
    with pytest.raises(ValueError, match="eps must be > 0"):
        check_scalar(0.0, "eps", minimum=0.0, include_minimum=False)
    assert check_scalar(np.float32(0.5), "eps", minimum=0.0, include_minimum=False) == 0.5


def test_random_state_int_is_reproducible():
    a = check_random_state(42).random(3)
    b = check_random_state(np.int64(42)).random(3)
    np.testing.assert_array_equal(a, b)


def test_random_state_generator_is_passed_through():
    rng = np.random.default_rng(0)
    assert check_random_state(rng) is rng


def test_random_state_none_gives_a_generator():
    assert isinstance(check_random_state(None), np.random.Generator)


@pytest.mark.parametrize("value", [1.5, "0", True, np.random.RandomState(0), object()])
def test_random_state_rejects_other_types(value):
    with pytest.raises(
        TypeError, match="random_state must be None, a non-negative int or a numpy.random.Generator"
    ):
        check_random_state(value)


def test_random_state_rejects_negative_seed():
    with pytest.raises(ValueError, match="random_state must be a non-negative integer; got -1"):
        check_random_state(-1)


def test_check_labels_returns_intp_ids():
    out = check_labels(np.array([3, -1, 3], dtype=np.int8), 3)
    assert out.dtype == np.intp
    np.testing.assert_array_equal(out, [3, -1, 3])


@pytest.mark.parametrize(
    "labels, error, match",
    [
        ([0.0, np.nan, 1.0], ValueError, "labels must not contain NaN"),
        ([0.5, 1.0, 2.0], TypeError, "labels must be an array of integers"),
        (["a", "b", "c"], TypeError, r"np.unique\(labels, return_inverse=True\)"),
        ([True, False, True], TypeError, "labels must be an array of integers"),
        ([0, 1], ValueError, r"labels must have shape \(3,\)"),
        ([[0, 1, 2]], ValueError, r"labels must have shape \(3,\)"),
    ],
)
def test_check_labels_rejects(labels, error, match):
    with pytest.raises(error, match=match):
        check_labels(labels, 3)
