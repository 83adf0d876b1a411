"""kmlib: the small, tested k-means library behind *K-Means from Scratch*.

Each module belongs to one chapter of the book:

=================  ==========================================
``distance``       Chapter 1: distances, nearest centre
``lloyd``          Chapter 2: Lloyd's algorithm, ``kmeans``, ``KMeans``
``metrics``        Chapter 2: matching clusters to classes, scores
``seeding``        Chapter 3: random and k-means++ initial centres
``choosing_k``     Chapter 4: elbow, silhouette, gap statistic, CH and DB scores
``dbscan``         Chapter 5: DBSCAN and the k-distance curve
``datasets``       Chapter 5: seeded data sets that break k-means
``quantize``       Chapter 6: colour quantization, MSE, PSNR, storage cost
=================  ==========================================

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
from ._dbscan import dbscan, k_distance
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
from ._quantize import mse, psnr, quantize, storage_cost
from ._seeding import DuplicatePointsWarning, kmeans_plusplus, random_init

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
    "purity",
    "datasets",
    "quantize",
    "mse",
    "psnr",
    "storage_cost",
]
__version__ = "0.1.0"
