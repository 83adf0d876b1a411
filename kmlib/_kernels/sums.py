r"""The update step's per-cluster weights and sums, feature by feature.

The update step needs, for every cluster :math:`j`, its weight
:math:`N_j = \sum_{\ell_i = j} w_i` (its size without weights) and the sum
:math:`\Sigma_j = \sum_{\ell_i = j} w_i x_i`. :func:`cluster_sums` computes
them with one ``numpy.bincount`` per feature over the points stored as the
rows of a contiguous ``(d, n)`` array (:func:`feature_rows`); Lloyd's loop
prepares that array once per run.

Notes
-----
``bincount`` adds the weights of each bin in index order, one pass of
:math:`O(n)` per feature, with no ``(n, k)`` one-hot matrix. Summing along a
contiguous row is several times faster than along a strided column of an
``(n, d)`` array, hence the transposed layout. The order of the additions is
the order of the points, exactly as in the definition
:math:`\Sigma_j = \sum_{i : \ell_i = j} w_i x_i` evaluated left to right, so
the sums equal a plain loop over the points bit for bit (the tests check
it), and from the same labels they are the same numbers on every call.
Without weights the counts are integers, exact in float64 up to
:math:`2^{53}` points, and no multiplication by ones is done, so
``sample_weight=None`` is the unweighted computation itself. With weights,
:func:`feature_rows` multiplies every point by its weight once, and the
counts are sums of weights, rounded like the sums.
"""

from __future__ import annotations

import numpy as np

__all__ = ["feature_rows", "cluster_sums"]


def feature_rows(
    X: np.ndarray, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """``(d, n)``: feature ``f`` of every point as row ``f``, times its weight if there are weights.

    A view of ``X`` (never to be written to) when ``d = 1`` and there are no weights.
    """
    rows = np.ascontiguousarray(X.T)
    return rows if sample_weight is None else rows * sample_weight


def cluster_sums(
    features: np.ndarray,
    labels: np.ndarray,
    k: int,
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(N, Sigma)``: the weight ``(k,)`` and the weighted sum ``(k, d)`` of every cluster.

    ``features`` comes from :func:`feature_rows` (with the same weights).
    """
    d = features.shape[0]
    if sample_weight is None:
        counts = np.bincount(labels, minlength=k).astype(np.float64)
    else:
        counts = np.bincount(labels, weights=sample_weight, minlength=k)
    sums = np.empty((k, d), dtype=np.float64)
    for j in range(d):  # d passes of O(n) in index order
        sums[:, j] = np.bincount(labels, weights=features[j], minlength=k)
    return counts, sums
