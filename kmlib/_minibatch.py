r"""Mini-batch k-means (Chapter 7; Sculley, 2010).

Lloyd's algorithm reads every point on every iteration. Mini-batch k-means
reads a small random batch of ``b`` points per step instead, and moves each
centre towards the batch points that chose it with a *per-centre learning
rate* :math:`\eta_j = 1 / v_j`, where :math:`v_j` counts every point that
has ever chosen centre :math:`j`:

.. math:: c_j \leftarrow (1 - \eta_j)\, c_j + \eta_j\, x
          \qquad \text{for every } x \text{ of the batch with } \ell(x) = j.

With that rate each centre is the running mean of all the points it has
been given, so a centre settles as it sees more points. The update of a
whole batch, point after point, adds up to

.. math:: c_j \leftarrow c_j + \frac{s_j - m_j c_j}{v_j + m_j},
          \qquad v_j \leftarrow v_j + m_j,

with :math:`m_j` the batch points that chose :math:`j` and :math:`s_j` their
sum (the batch's labels are computed from the centres at the start of the
step, as in Sculley's algorithm), which is what :func:`minibatch_step` does.

The names of the parameters are scikit-learn's (``MiniBatchKMeans``) where
they mean the same: ``batch_size``, ``max_iter`` (passes over the data's
worth of batches), ``init_size``, ``tol``, ``max_no_improvement``. Unlike
scikit-learn, kmlib does not re-seed centres that receive few points
(``reassignment_ratio``); a centre that no batch point chooses stays put.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from ._distance import nearest
from ._kernels.sums import cluster_sums, feature_rows
from ._lloyd import KMeans, check_init, tolerance
from ._seeding import DuplicatePointsWarning, kmeans_plusplus, random_init
from ._validation import (
    _describe,
    check_array,
    check_bool,
    check_int,
    check_matching_width,
    check_n_clusters,
    check_random_state,
)

__all__ = [
    "MiniBatchRecord",
    "MiniBatchResult",
    "minibatch_step",
    "minibatch_kmeans",
    "MiniBatchKMeans",
]


@dataclass(frozen=True)
class MiniBatchRecord:
    """One step of mini-batch k-means (``record=True``).

    Attributes
    ----------
    step : int
        The step, from 1.
    seconds : float
        Wall time since the start of the run, after this step.
    centers : ndarray of shape (k, d)
        The centres after this step.
    """

    step: int
    seconds: float
    centers: np.ndarray


@dataclass(frozen=True)
class MiniBatchResult:
    """The outcome of :func:`minibatch_kmeans`.

    Attributes
    ----------
    centers : ndarray of shape (k, d)
        The final centres.
    labels : ndarray of shape (n,), int
        The nearest final centre of every point (one full pass at the end).
    inertia : float
        The WCSS of ``X`` with those labels and centres.
    n_steps : int
        Mini-batch steps taken (scikit-learn's ``n_steps_``).
    n_iter : int
        Passes over the data's worth of batches, ``ceil(n_steps * b / n)``
        (scikit-learn's ``n_iter_``).
    counts : ndarray of shape (k,)
        :math:`v_j`: how many batch points chose each centre.
    converged : bool
        ``True`` if a stopping rule fired before the step budget ran out.
    history : list of MiniBatchRecord or None
        With ``record=True``, one record per step.
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_steps: int
    n_iter: int
    counts: np.ndarray
    converged: bool
    history: list[MiniBatchRecord] | None = None


def minibatch_step(batch, centers, counts) -> float:
    r"""One mini-batch step (Sculley, 2010): ``centers``, ``counts`` change in place.

    Every point of ``batch`` picks its nearest centre; then each centre
    :math:`j` chosen by :math:`m_j > 0` points with sum :math:`s_j` moves to
    :math:`c_j + (s_j - m_j c_j)/(v_j + m_j)` and :math:`v_j` grows by
    :math:`m_j`: the same as applying :math:`c_j \leftarrow (1 - 1/v_j) c_j
    + x / v_j` point after point.

    Parameters
    ----------
    batch : array_like of shape (b, d)
        The batch.
    centers : ndarray of shape (k, d), float64
        The centres; updated in place.
    counts : ndarray of shape (k,), float64
        :math:`v_j >= 0`, the points each centre has received; updated in
        place.

    Returns
    -------
    float
        The batch's WCSS with the centres of the start of the step.

    Raises
    ------
    TypeError
        If ``centers`` or ``counts`` is not a writeable float64 array (a
        converted copy would not be updated), or ``batch`` is not numbers.
    ValueError
        On a wrong shape, NaN or infinity, or a negative count.

    Examples
    --------
    >>> centers, counts = np.array([[0.0], [10.0]]), np.array([1.0, 1.0])
    >>> minibatch_step(np.array([[2.0], [8.0], [12.0]]), centers, counts)
    12.0
    >>> centers.ravel().tolist(), counts.tolist()
    ([1.0, 10.0], [2.0, 3.0])
    """
    batch, k = check_step(batch, centers, counts), centers.shape[0]
    labels, sq = nearest(batch, centers)  # the centres of the step's start
    m, s = cluster_sums(feature_rows(batch), labels, k)  # m_j and s_j
    hit = m > 0
    counts[hit] += m[hit]  # v_j + m_j
    centers[hit] += (s[hit] - m[hit, None] * centers[hit]) / counts[hit, None]
    return float(sq.sum())


def check_step(batch, centers, counts) -> np.ndarray:
    """The validated ``batch`` (float64) of :func:`minibatch_step`.

    ``centers`` and ``counts`` are updated in place, so they must already
    be writeable float64 numpy arrays (``TypeError`` otherwise, since a
    converted copy would leave the caller's arrays unchanged): ``centers``
    finite of shape ``(k, d)``, ``counts`` finite and ``>= 0`` of shape
    ``(k,)``; ``batch`` has ``d`` columns (``ValueError`` otherwise).
    """
    for value, name in ((centers, "centers"), (counts, "counts")):
        if not (
            isinstance(value, np.ndarray)
            and value.dtype == np.float64
            and value.flags.writeable
        ):
            raise TypeError(
                f"{name} must be a writeable float64 numpy array, since "
                f"minibatch_step updates it in place; got {_describe(value)}."
                f" Pass np.array({name}, dtype=float) and keep that array"
            )
    check_array(centers, "centers")  # 2-D, finite
    check_array(counts, "counts", ndim=1)
    if counts.shape != (centers.shape[0],):
        raise ValueError(
            f"counts must have shape ({centers.shape[0]},), one per row of "
            f"centers; got shape {counts.shape}"
        )
    if (counts < 0).any():
        raise ValueError(f"counts must be >= 0; got {counts.min():g}")
    batch = check_array(batch, "batch")
    check_matching_width(batch, centers, "batch", "centers")
    return batch


class EarlyStopping:
    """scikit-learn's stopping rules of mini-batch k-means.

    Stop when the squared centre shift of a step is at most ``tol_abs``
    (only if ``tol_abs > 0``), or when the smoothed batch inertia (an
    exponentially weighted average with weight ``alpha = min(1, 2 b / (n +
    1))`` of the WCSS per batch point) has not improved for
    ``max_no_improvement`` steps in a row (``None``: never). The first step
    is not counted: its inertia is that of the initial centres.
    """

    def __init__(self, n, batch_size, tol_abs, max_no_improvement):
        self.alpha = min(1.0, 2.0 * batch_size / (n + 1))
        self.batch_size, self.tol_abs = batch_size, tol_abs
        self.patience = max_no_improvement
        self.ewa = self.best = None
        self.no_improvement = 0

    def stop(self, step: int, batch_inertia: float, shift: float) -> bool:
        """Whether to stop after ``step`` (from 1) with these numbers."""
        if step == 1:
            return False
        value = batch_inertia / self.batch_size
        a = self.alpha
        self.ewa = value if self.ewa is None else self.ewa * (1 - a) + value * a
        if self.tol_abs > 0.0 and shift <= self.tol_abs:
            return True
        if self.best is None or self.ewa < self.best:
            self.best, self.no_improvement = self.ewa, 0
        else:
            self.no_improvement += 1
        return (
            self.patience is not None and self.no_improvement >= self.patience
        )


def seed_from_sample(X, k, init, init_size, rng) -> np.ndarray:
    """Initial centres from ``init_size`` random rows (or ``init`` itself)."""
    if not isinstance(init, str):
        return init.copy()
    sample = X[rng.choice(X.shape[0], size=init_size, replace=False)]
    seeding = kmeans_plusplus if init == "k-means++" else random_init
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DuplicatePointsWarning)
        return seeding(sample, k, random_state=rng)


def check_minibatch_params(X, k, batch_size, max_iter, init, init_size):
    """Validated ``(k, batch_size, max_iter, init, init_size)``."""
    n = X.shape[0]
    k = check_n_clusters(k, n, "k")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    init = check_init(init, X, k)
    if init_size is None:  # scikit-learn's default
        init_size = 3 * batch_size if 3 * batch_size >= k else 3 * k
    init_size = min(check_int(init_size, "init_size", minimum=1), n)
    if init_size < k:
        raise ValueError(
            f"init_size must be at least k={k}; got init_size={init_size}"
        )
    return k, batch_size, max_iter, init, init_size


def minibatch_kmeans(
    X,
    k,
    *,
    batch_size=1024,
    max_iter=100,
    init="k-means++",
    init_size=None,
    tol=0.0,
    max_no_improvement=10,
    random_state=None,
    record=False,
) -> MiniBatchResult:
    r"""Mini-batch k-means (Sculley, 2010): Lloyd on random batches.

    1. Seed ``k`` centres (``init``) on ``init_size`` random rows; set
       every count :math:`v_j = 0`.
    2. Repeat at most ``ceil(max_iter * n / batch_size)`` times: draw a
       batch of ``batch_size`` rows (uniformly, with replacement, from
       ``random_state``) and apply :func:`minibatch_step`.
    3. Stop early by scikit-learn's rules: a squared centre shift within
       ``tol`` (relative, as in :func:`kmlib.lloyd`; 0 turns it off) or
       ``max_no_improvement`` steps without a better smoothed batch WCSS.
    4. Label every point with its nearest centre (one full pass).

    Parameters
    ----------
    X : array_like of shape (n, d)
        The data.
    k : int
        Number of clusters, ``1 <= k <= n``.
    batch_size : int, default 1024
        Rows per batch.
    max_iter : int, default 100
        Budget, in passes over the data's worth of batches.
    init : {"k-means++", "random"} or array_like of shape (k, d)
        Seeding on the ``init_size`` sample, or the initial centres.
    init_size : int, optional
        Rows seeded on; default ``3 * batch_size`` (``3 * k`` if smaller
        than ``k``), at most ``n``.
    tol : float, default 0.0
        Relative tolerance on a step's squared centre shift.
    max_no_improvement : int or None, default 10
        Patience of the smoothed batch WCSS; ``None`` never stops on it.
    random_state : None, int or numpy.random.Generator
        Source of the seeding and of the batches.
    record : bool, default False
        Keep a :class:`MiniBatchRecord` of every step in ``history``.

    Returns
    -------
    MiniBatchResult

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> result = minibatch_kmeans(X, 2, batch_size=4, random_state=0)
    >>> sorted(result.centers[:, 0].round(6).tolist()), round(result.inertia, 1)
    ([0.0, 10.0], 1.0)
    """
    X, record = check_array(X, "X"), check_bool(record, "record")
    params = check_minibatch_params(X, k, batch_size, max_iter, init, init_size)
    k, b, max_iter, init, init_size = params
    tol_abs = tolerance(X, tol)
    if max_no_improvement is not None:
        check_int(max_no_improvement, "max_no_improvement", minimum=0)
    rng = check_random_state(random_state)
    return run_minibatch(
        X, seed_from_sample(X, k, init, init_size, rng), b, max_iter,
        EarlyStopping(len(X), b, tol_abs, max_no_improvement), rng, record,
    )  # fmt: skip


def run_minibatch(X, centers, b, max_iter, stopping, rng, record):
    """Steps 2 to 4 of :func:`minibatch_kmeans` from validated input."""
    n, k = X.shape[0], centers.shape[0]
    counts, history, start = (
        np.zeros(k),
        [] if record else None,
        time.perf_counter(),
    )
    max_steps, converged, step = -(-max_iter * n // b), False, 0
    for step in range(1, max_steps + 1):
        old = centers.copy()
        batch = X[rng.integers(0, n, size=b)]  # b rows, with replacement
        batch_inertia = minibatch_step(batch, centers, counts)
        if record:
            seconds = time.perf_counter() - start
            history.append(MiniBatchRecord(step, seconds, centers.copy()))
        shift = float(np.sum((centers - old) ** 2))
        if stopping.stop(step, batch_inertia, shift):
            converged = True
            break
    labels, sq = nearest(X, centers)
    n_iter = -(-step * b // n)
    return MiniBatchResult(
        centers,
        labels,
        float(sq.sum()),
        step,
        n_iter,
        counts,
        converged,
        history,
    )


class MiniBatchKMeans(KMeans):
    """Mini-batch k-means with scikit-learn's interface (``MiniBatchKMeans``).

    Parameters
    ----------
    n_clusters : int, default 8
        Number of clusters.
    init, max_iter, batch_size, tol, max_no_improvement, init_size, random_state
        As in :func:`minibatch_kmeans`; checked when :meth:`fit` is called.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, d)
    labels_ : ndarray of shape (n,)
    inertia_ : float
    n_iter_, n_steps_ : int
    counts_ : ndarray of shape (n_clusters,)
        Points each centre has received (what :meth:`partial_fit` goes on from).
    n_features_in_ : int
    result_ : MiniBatchResult

    Examples
    --------
    >>> X = [[0, 0], [0, 1], [10, 0], [10, 1]]
    >>> model = MiniBatchKMeans(2, batch_size=4, random_state=0).fit(X)
    >>> round(model.inertia_, 1)  # the centres are means of random batches
    1.0
    """

    _PARAMS = (
        "n_clusters",
        "init",
        "max_iter",
        "batch_size",
        "tol",
        "max_no_improvement",
        "init_size",
        "random_state",
    )

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        random_state=None,
    ):
        self.n_clusters, self.init, self.max_iter = n_clusters, init, max_iter
        self.batch_size, self.tol = batch_size, tol
        self.max_no_improvement, self.init_size = max_no_improvement, init_size
        self.random_state = random_state

    def __repr__(self) -> str:
        return f"MiniBatchKMeans(n_clusters={self.n_clusters!r})"

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X`` with :func:`minibatch_kmeans`; returns ``self``.

        ``y`` is ignored; ``sample_weight`` is not supported (must be None).
        """
        if sample_weight is not None:
            raise TypeError("MiniBatchKMeans does not support sample_weight")
        X = check_array(X, "X")
        result = minibatch_kmeans(
            X, self.n_clusters, batch_size=self.batch_size,
            max_iter=self.max_iter, init=self.init, init_size=self.init_size,
            tol=self.tol, max_no_improvement=self.max_no_improvement,
            random_state=self.random_state,
        )  # fmt: skip
        self.result_, self.counts_ = result, result.counts
        self.cluster_centers_, self.labels_ = result.centers, result.labels
        self.inertia_, self.n_iter_ = result.inertia, result.n_iter
        self.n_steps_, self.n_features_in_ = result.n_steps, X.shape[1]
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One :func:`minibatch_step` with all of ``X`` as the batch; returns ``self``.

        The first call seeds the centres on ``X`` (which needs at least
        ``n_clusters`` rows). ``labels_`` and ``inertia_`` describe the last
        batch with the centres of the start of its step.
        """
        if sample_weight is not None:
            raise TypeError("MiniBatchKMeans does not support sample_weight")
        X = check_array(X, "X")
        if not hasattr(self, "cluster_centers_"):
            k = check_n_clusters(self.n_clusters, X.shape[0], "n_clusters")
            rng = check_random_state(self.random_state)
            init = check_init(self.init, X, k)
            self.cluster_centers_ = seed_from_sample(X, k, init, len(X), rng)
            self.counts_, self.n_steps_ = np.zeros(k), 0
            self.n_features_in_ = X.shape[1]
        X = self._check_fitted_input(X)
        labels = nearest(X, self.cluster_centers_)[0]
        inertia = minibatch_step(X, self.cluster_centers_, self.counts_)
        self.labels_, self.inertia_ = labels, inertia
        self.n_steps_ += 1
        return self
