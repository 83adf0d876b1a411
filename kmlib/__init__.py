"""kmlib: the small, tested k-means library behind *K-Means from Scratch*.

Every public name is importable from here (``kmlib.lloyd``, ``kmlib.dbscan``,
...); the modules behind them are private, one per chapter, and this file
only re-exports. Which file holds what:

========================  ===================================================
``_distance.py``          Chapter 1: distances, nearest centre
``_lloyd.py``             Chapter 2: assign, update, inertia, Lloyd's loop,
                          ``kmeans``, ``KMeans``
``_metrics.py``           Chapter 2: matching clusters to classes, scores
``_seeding.py``           Chapter 3: random and k-means++ initial centres
``_choosing_k.py``        Chapter 4: elbow and knee, silhouette, gap
                          statistic, CH and DB scores
``_dbscan.py``            Chapter 5: DBSCAN (with its replay), k-distance
``datasets.py``           Chapter 5: seeded data sets that break k-means
                          (public: ``kmlib.datasets.make_moons``, ...)
``_quantize.py``          Chapter 6: colour quantization, MSE, PSNR, storage
``_minibatch.py``         Chapter 7: mini-batch k-means, ``MiniBatchKMeans``
``_parallel.py``          Chapter 7: k-means‖ seeding in a few passes
``dask.py``               Chapter 7: Lloyd and k-means‖ as map-reduce on Dask
                          (optional extra ``kmlib[dask]``; import it as
                          ``kmlib.dask``, it needs dask)
``_kernels/``             the fast paths beneath the readable functions
                          (appendix "How kmlib is fast"), each tested equal
                          to the step it speeds up
``_blocks.py``            the GEMM identity and the block sizes, shared by
                          every distance computation
``_validation.py``        the input checks of every public function
``plot/``                 figures and animations, one module per chapter
                          (public: ``kmlib.plot.*``; needs matplotlib)
``selfcheck/``            checkers for the learner's own functions
                          (public: ``kmlib.selfcheck.assign``, ...)
========================  ===================================================

Only numpy is needed; :mod:`kmlib.plot` also needs matplotlib.
"""

from . import datasets
from ._choosing_k import (
    GapResult,
    calinski_harabasz_score,
    davies_bouldin_score,
    elbow,
    gap_statistic,
    knee,
    silhouette_samples,
    silhouette_score,
)
from ._dbscan import DBSCANReplay, dbscan, k_distance
from ._distance import euclidean, nearest, pairwise_sq_dists
from ._lloyd import (
    ConvergenceWarning,
    IterationRecord,
    KMeans,
    KMeansResult,
    NotFittedError,
    assign,
    inertia,
    kmeans,
    lloyd,
    update,
)
from ._metrics import (
    adjusted_rand_score,
    center_error,
    classification_scores,
    contingency_matrix,
    linear_sum_assignment,
    match_labels,
    purity,
)
from ._minibatch import (
    MiniBatchKMeans,
    MiniBatchRecord,
    MiniBatchResult,
    minibatch_kmeans,
    minibatch_step,
)
from ._parallel import ParallelSeeding, kmeans_parallel
from ._quantize import mse, psnr, quantize, storage_cost
from ._seeding import DuplicatePointsWarning, kmeans_plusplus, random_init

# Last: the checkers use the functions above as their answer key.
from . import selfcheck  # noqa: E402  (isort: skip)

__all__ = [
    "euclidean",
    "nearest",
    "pairwise_sq_dists",
    "assign",
    "update",
    "inertia",
    "lloyd",
    "kmeans",
    "KMeans",
    "KMeansResult",
    "IterationRecord",
    "ConvergenceWarning",
    "NotFittedError",
    "kmeans_plusplus",
    "random_init",
    "DuplicatePointsWarning",
    "contingency_matrix",
    "match_labels",
    "classification_scores",
    "center_error",
    "adjusted_rand_score",
    "linear_sum_assignment",
    "elbow",
    "knee",
    "silhouette_samples",
    "silhouette_score",
    "calinski_harabasz_score",
    "davies_bouldin_score",
    "gap_statistic",
    "GapResult",
    "dbscan",
    "k_distance",
    "DBSCANReplay",
    "purity",
    "datasets",
    "selfcheck",
    "quantize",
    "mse",
    "psnr",
    "storage_cost",
    "minibatch_kmeans",
    "minibatch_step",
    "MiniBatchKMeans",
    "MiniBatchResult",
    "MiniBatchRecord",
    "kmeans_parallel",
    "ParallelSeeding",
]
__version__ = "0.1.0"
