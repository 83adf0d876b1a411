r"""Comparing a clustering with known classes or known centres (Chapter 2).

Cluster numbers are arbitrary: k-means may call the *setosa* irises
"cluster 2". Before counting mistakes we must therefore rename the clusters
to the classes they match best. "Best" means the one-to-one renaming that
agrees on the most points, an *assignment problem* on the contingency
matrix :math:`N_{cj}` (points of class ``c`` put in cluster ``j``):

.. math:: \max_{\sigma \text{ one-to-one}} \sum_j N_{\sigma(j)\, j}.

:func:`linear_sum_assignment` solves it exactly with the Hungarian
(Kuhn–Munkres) algorithm, here in the shortest-augmenting-path form with
dual potentials, :math:`O(r^2 c)` for an ``r × c`` matrix, in numpy alone.
"""

from __future__ import annotations

import numpy as np

from ._blocks import safely_scaled
from ._validation import check_array, check_label_values, check_representable

__all__ = [
    "linear_sum_assignment",
    "contingency_matrix",
    "match_labels",
    "classification_scores",
    "center_error",
    "adjusted_rand_score",
    "purity",
]


def linear_sum_assignment(cost) -> tuple[np.ndarray, np.ndarray]:
    r"""Minimum-cost one-to-one assignment of rows to columns (Hungarian algorithm).

    Finds the pairs :math:`(r_t, c_t)`, ``t < min(R, C)``, with distinct rows
    and distinct columns that minimise :math:`\sum_t \mathrm{cost}[r_t, c_t]`.
    Same contract as ``scipy.optimize.linear_sum_assignment``: rows are
    returned in increasing order; a rectangular matrix leaves some rows or
    columns unassigned. Negate the matrix to maximise.

    Parameters
    ----------
    cost : array_like of shape (R, C)
        Finite costs.

    Returns
    -------
    rows, cols : ndarray of shape (min(R, C),), int

    Examples
    --------
    >>> linear_sum_assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    (array([0, 1, 2]), array([1, 0, 2]))
    """
    cost = check_array(cost, "cost", min_rows=1)
    transposed = cost.shape[0] > cost.shape[1]
    if transposed:
        cost = cost.T
    n, m = cost.shape  # n <= m: every row gets a column
    u = np.zeros(n + 1)  # row potentials (index 0 unused)
    v = np.zeros(m + 1)  # column potentials (index 0 is a virtual column)
    owner = np.zeros(
        m + 1, dtype=np.intp
    )  # owner[j]: row (1-based) holding column j, 0 = free
    way = np.zeros(m + 1, dtype=np.intp)  # previous column on the shortest path
    for row in range(1, n + 1):
        j0 = _shortest_augmenting_path(cost, row, u, v, owner, way)
        while j0:  # augment along the path
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    cols = np.flatnonzero(owner[1:])
    rows = owner[1:][cols] - 1
    if transposed:
        rows, cols = cols, rows
    order = np.argsort(rows)
    return rows[order], cols[order]


def _shortest_augmenting_path(cost, row, u, v, owner, way) -> int:
    """Dijkstra-like search for an augmenting path from ``row`` (1-based).

    Updates the potentials ``u`` and ``v`` and the path links ``way`` in
    place (``owner[0]`` is set to ``row``) and returns the free column
    (1-based) where the path ends; :func:`linear_sum_assignment` then flips
    the path.
    """
    m = cost.shape[1]
    owner[0] = row
    j0 = 0
    minv = np.full(m + 1, np.inf)
    used = np.zeros(m + 1, dtype=bool)
    while True:
        used[j0] = True
        i0 = owner[j0]
        free = ~used[1:]
        reduced = cost[i0 - 1] - u[i0] - v[1:]
        better = free & (reduced < minv[1:])
        minv[1:][better] = reduced[better]
        way[1:][better] = j0
        candidates = np.where(free, minv[1:], np.inf)
        j1 = int(np.argmin(candidates)) + 1
        delta = candidates[j1 - 1]
        done = np.flatnonzero(used)
        u[owner[done]] += delta
        v[done] -= delta
        minv[1:][free] -= delta
        j0 = j1
        if owner[j0] == 0:
            return j0


def _check_label_pair(labels_true, labels_pred):
    """Both labelings as 1-D arrays of integers or strings, of one length.

    Missing values (NaN, ``None``, pandas ``NA``), a mix of numbers and
    strings and non-integral floats are refused (see
    :func:`kmlib._validation.check_label_values`).
    """
    labels_true = check_label_values(labels_true, "labels_true")
    labels_pred = check_label_values(labels_pred, "labels_pred")
    if labels_true.shape != labels_pred.shape:
        raise ValueError(
            "labels_true and labels_pred must have the same length; got "
            f"{labels_true.shape[0]} and {labels_pred.shape[0]}"
        )
    return labels_true, labels_pred


def _pairs(labels_true, labels_pred):
    """The (class, cluster) pairs that occur, and how often: no dense table.

    Returns ``(classes, clusters, rows, cols, counts)``: the sorted distinct
    values of each labeling, and for every pair that occurs its row and
    column in the contingency matrix and its count. Memory is ``O(n)``,
    whatever the numbers of classes and clusters (``n`` singletons each
    would make an ``n x n`` table).
    """
    classes, true_idx = np.unique(labels_true, return_inverse=True)
    clusters, pred_idx = np.unique(labels_pred, return_inverse=True)
    codes = true_idx.ravel().astype(np.int64) * clusters.size + pred_idx.ravel()
    pairs, counts = np.unique(codes, return_counts=True)
    rows, cols = np.divmod(pairs, clusters.size)
    return classes, clusters, rows, cols, counts.astype(np.int64)


def _contingency(labels_true, labels_pred):
    classes, clusters, rows, cols, counts = _pairs(labels_true, labels_pred)
    table = np.zeros((classes.size, clusters.size), dtype=np.int64)
    table[rows, cols] = counts
    return table, classes, clusters


def contingency_matrix(labels_true, labels_pred) -> np.ndarray:
    r"""Counts of points per (class, cluster) pair.

    .. math:: N_{cj} = \#\{i : y_i = c,\ \ell_i = j\}

    Rows follow the sorted distinct values of ``labels_true``, columns those
    of ``labels_pred`` (as ``sklearn.metrics.cluster.contingency_matrix``).

    Parameters
    ----------
    labels_true : array_like of shape (n,)
        The known classes (any sortable values).
    labels_pred : array_like of shape (n,)
        The clusters.

    Returns
    -------
    ndarray of shape (n_classes, n_clusters), int64

    Examples
    --------
    >>> contingency_matrix([0, 0, 1, 1, 1], [1, 1, 0, 0, 1])
    array([[0, 2],
           [2, 1]])
    """
    labels_true, labels_pred = _check_label_pair(labels_true, labels_pred)
    return _contingency(labels_true, labels_pred)[0]


def match_labels(labels_true, labels_pred) -> np.ndarray:
    """Rename the clusters to the classes they best match.

    The clusters and classes are paired one-to-one so that the most points
    keep a correct label (Hungarian algorithm on the contingency matrix, see
    :func:`linear_sum_assignment`). If there are more clusters than classes,
    the clusters left without a partner take their majority class (so a
    class split in two clusters is not counted wrong twice); if there are
    fewer, some classes are never predicted.

    Parameters
    ----------
    labels_true : array_like of shape (n,)
        The known classes.
    labels_pred : array_like of shape (n,)
        The clusters.

    Returns
    -------
    ndarray of shape (n,)
        ``labels_pred`` with every cluster replaced by its class; same dtype
        as ``labels_true``.

    Examples
    --------
    >>> match_labels([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])
    array([0, 0, 1, 1, 2, 2])
    >>> match_labels(["a", "a", "b", "b"], [0, 1, 2, 2])  # 3 clusters, 2 classes
    array(['a', 'a', 'b', 'b'], dtype='<U1')
    """
    labels_true, labels_pred = _check_label_pair(labels_true, labels_pred)
    counts, classes, clusters = _contingency(labels_true, labels_pred)
    class_of_cluster = np.argmax(
        counts, axis=0
    )  # majority class, for unmatched clusters
    rows, cols = linear_sum_assignment(-counts)
    class_of_cluster[cols] = rows
    pred_idx = np.searchsorted(clusters, labels_pred)
    return classes[class_of_cluster[pred_idx]]


def classification_scores(labels_true, labels_pred) -> dict[str, float]:
    r"""Accuracy and macro precision, recall and F1 after :func:`match_labels`.

    With :math:`\hat y` the renamed clusters and, for each class ``c``,
    :math:`TP_c = \#\{y = c, \hat y = c\}`:

    .. math::

        \text{accuracy} = \frac{1}{n}\#\{y_i = \hat y_i\},\quad
        P_c = \frac{TP_c}{\#\{\hat y = c\}},\quad
        R_c = \frac{TP_c}{\#\{y = c\}},\quad
        F_c = \frac{2 P_c R_c}{P_c + R_c},

    and precision, recall, f1 are the means of :math:`P_c, R_c, F_c` over the
    classes (a class never predicted has :math:`P_c = F_c = 0`), as
    ``sklearn.metrics.precision_recall_fscore_support(average="macro",
    zero_division=0)``.

    Returns
    -------
    dict
        ``{"accuracy": ..., "precision": ..., "recall": ..., "f1": ...}``, floats.

    Examples
    --------
    >>> classification_scores([0, 0, 1, 1], [1, 1, 0, 1])
    {'accuracy': 0.75, 'precision': 0.8333333333333333, 'recall': 0.75, 'f1': 0.7333333333333334}
    """
    labels_true, labels_pred = _check_label_pair(labels_true, labels_pred)
    matched = match_labels(labels_true, labels_pred)
    counts, _, _ = _contingency(labels_true, matched)
    # After matching every predicted value is a class, but some classes may be
    # missing from `matched`: spread the columns over all classes.
    classes = np.unique(labels_true)
    predicted = np.unique(matched)
    full = np.zeros((classes.size, classes.size), dtype=np.int64)
    full[:, np.searchsorted(classes, predicted)] = counts
    tp = np.diag(full).astype(np.float64)
    n_pred = full.sum(axis=0)
    n_true = full.sum(axis=1)
    precision = np.divide(tp, n_pred, out=np.zeros_like(tp), where=n_pred > 0)
    recall = tp / n_true
    denom = precision + recall
    f1 = np.divide(
        2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0
    )
    return {
        "accuracy": float(tp.sum() / labels_true.size),
        "precision": float(precision.mean()),
        "recall": float(recall.mean()),
        "f1": float(f1.mean()),
    }


def center_error(true_centers, centers) -> float:
    r"""Mean absolute error between two sets of centres, after matching them.

    The centres are paired one-to-one to minimise the total absolute error
    :math:`\sum_j \lVert t_j - c_{\sigma(j)} \rVert_1` (Hungarian algorithm),
    then

    .. math:: \text{error} = \frac{1}{k d} \sum_{j=1}^{k} \sum_{f=1}^{d}
              \lvert t_{jf} - c_{\sigma(j) f} \rvert .

    Parameters
    ----------
    true_centers, centers : array_like of shape (k, d)
        The two sets, in any order.

    Returns
    -------
    float

    Examples
    --------
    >>> center_error([[0, 0], [10, 10]], [[10, 11], [1, 0]])
    0.5
    """
    true_centers = check_array(true_centers, "true_centers")
    centers = check_array(centers, "centers")
    if true_centers.shape != centers.shape:
        raise ValueError(
            "true_centers and centers must have the same shape (k, d); got "
            f"{true_centers.shape} and {centers.shape}"
        )
    k, d = centers.shape
    # huge numbers: scaled by a power of two (exact), so no sum overflows
    both, e = safely_scaled(np.vstack([true_centers, centers]))
    true_centers, centers = both[:k], both[k:]
    cost = np.empty((k, k))
    for j in range(k):  # (k, d) temporaries only
        cost[j] = np.abs(centers - true_centers[j]).sum(axis=1)
    rows, cols = linear_sum_assignment(cost)
    error = float(np.ldexp(cost[rows, cols].sum() / (k * d), -e))
    return check_representable(error, "centers", "the mean absolute error")


def adjusted_rand_score(labels_true, labels_pred) -> float:
    r"""Adjusted Rand index (Hubert & Arabie, 1985), equal to scikit-learn's.

    Over the :math:`\binom{n}{2}` pairs of points, count the pairs together in
    both labelings (``tp``), apart in both (``tn``) and the disagreements
    (``fp``, ``fn``); then

    .. math:: \mathrm{ARI} = \frac{2\,(tp \cdot tn - fn \cdot fp)}
              {(tp + fn)(fn + tn) + (tp + fp)(fp + tn)},

    1 for identical partitions (up to renaming), about 0 for random ones.
    Computed from the contingency matrix in exact integer arithmetic.

    Examples
    --------
    >>> adjusted_rand_score([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1])
    0.5714285714285714
    """
    labels_true, labels_pred = _check_label_pair(labels_true, labels_pred)
    _, _, rows, cols, counts = _pairs(labels_true, labels_pred)  # no n x n
    n = int(labels_true.size)
    sum_squares = sum(int(x) ** 2 for x in counts)
    n_c = [int(x) for x in np.bincount(rows, weights=counts)]
    n_k = [int(x) for x in np.bincount(cols, weights=counts)]
    # Ordered pairs (i != j), as scikit-learn's pair_confusion_matrix.
    tp = sum_squares - n
    fp = sum(x * x for x in n_k) - sum_squares  # same cluster, different class
    fn = sum(x * x for x in n_c) - sum_squares  # same class, different cluster
    tn = n * n - fp - fn - sum_squares
    if fn == 0 and fp == 0:
        return 1.0
    return (
        2.0
        * (tp * tn - fn * fp)
        / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    )


def purity(labels_true, labels_pred) -> float:
    r"""Purity: the share of points in the majority class of their cluster.

    .. math:: \mathrm{purity} = \frac{1}{n} \sum_{j} \max_c N_{cj},

    with :math:`N_{cj}` the contingency matrix (points of class ``c`` in
    cluster ``j``). 1 when every cluster holds a single class; it does not
    penalise splitting (``n`` singleton clusters have purity 1), so read it
    with the number of clusters.

    Every distinct value of ``labels_pred`` is one cluster, including the
    noise label ``-1`` of DBSCAN: all noise points count as **one** cluster,
    whose majority class scores like any other.

    Examples
    --------
    >>> purity([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> purity([0, 0, 1, 1, 1], [0, 0, 0, -1, -1])
    0.8
    """
    labels_true, labels_pred = _check_label_pair(labels_true, labels_pred)
    _, clusters, _, cols, counts = _pairs(labels_true, labels_pred)  # no n x n
    largest = np.zeros(clusters.size, dtype=np.int64)
    np.maximum.at(largest, cols, counts)  # the majority class of each cluster
    return float(largest.sum() / labels_true.size)
