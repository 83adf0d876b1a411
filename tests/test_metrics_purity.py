"""Tests of kmlib._metrics.purity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kmlib import purity

FAST = settings(max_examples=50, deadline=None)


def purity_by_definition(labels_true, labels_pred):
    total = 0
    for cluster in set(labels_pred):
        members = [t for t, p in zip(labels_true, labels_pred, strict=True) if p == cluster]
        total += max(members.count(c) for c in set(members))
    return total / len(labels_true)


def test_examples():
    assert purity([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert purity([0, 0, 1, 1, 1], [0, 0, 0, -1, -1]) == 0.8
    assert purity([0, 1, 2, 3], [0, 0, 0, 0]) == 0.25
    assert purity([0, 1, 2, 3], [0, 1, 2, 3]) == 1.0  # singletons are pure


def test_noise_counts_as_one_cluster():
    # the three noise points hold classes 0, 1, 1: as one cluster they score 2
    labels_true = [0, 0, 0, 1, 1, 0, 1, 1]
    labels_pred = [0, 0, 0, 1, 1, -1, -1, -1]
    assert purity(labels_true, labels_pred) == pytest.approx(7 / 8)


def test_string_and_any_integer_labels():
    assert purity(["a", "a", "b"], [5, 5, 9]) == 1.0
    assert purity(np.array([3, 3, 7]), np.array([-1, -1, -1])) == pytest.approx(2 / 3)


labelings = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(-1, 6), min_size=n, max_size=n),
    )
)


@FAST
@given(labelings)
def test_matches_the_definition(pair):
    labels_true, labels_pred = pair
    value = purity(labels_true, labels_pred)
    assert value == pytest.approx(purity_by_definition(labels_true, labels_pred))
    assert 0.0 < value <= 1.0
    assert isinstance(value, float)
    # renaming the clusters does not change purity
    renamed = [10 * p + 3 for p in labels_pred]
    assert purity(labels_true, renamed) == value


@pytest.mark.parametrize(
    ("labels_true", "labels_pred", "match"),
    [
        ([0, 1], [0], "same length"),
        ([], [], "empty"),
        ([[0, 1]], [[0, 1]], "1-D"),
    ],
)
def test_bad_input(labels_true, labels_pred, match):
    with pytest.raises(ValueError, match=match):
        purity(labels_true, labels_pred)
