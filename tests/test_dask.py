"""Tests of kmlib.dask: Lloyd and k-means‖ as map-reduce on Dask.

The oracle is kmlib.lloyd itself: from the same initial centres on data that
fit in memory, kmlib.dask must give exactly its labels and ``n_iter`` and its
inertia to 1e-9 (centres to rounding), whatever the chunking, on the local
scheduler and on a two-process ``distributed.LocalCluster`` bound to
127.0.0.1 (no network, no dashboard).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_blobs

import kmlib

da = pytest.importorskip("dask.array")
kd = pytest.importorskip("kmlib.dask")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data():
    X, _ = make_blobs(n_samples=5000, centers=6, n_features=3, cluster_std=2.0, random_state=3)
    X += 1000.0  # an offset, as the centring of kmlib.lloyd handles it
    C0 = kmlib.random_init(X, 6, random_state=0)
    return X, C0


def assert_same_run(result, expected):
    np.testing.assert_array_equal(np.asarray(result.labels.compute()), expected.labels)
    assert result.n_iter == expected.n_iter and result.converged == expected.converged
    assert result.inertia == pytest.approx(expected.inertia, rel=1e-9)
    np.testing.assert_allclose(result.centers, expected.centers, rtol=1e-12)


@pytest.mark.parametrize("rows", [5000, 1000, 777, 256, 100])
@pytest.mark.parametrize(("max_iter", "tol"), [(300, 1e-4), (300, 0.0), (3, 1e-4)])
def test_same_labels_and_iterations_as_kmlib_lloyd(data, rows, max_iter, tol):
    X, C0 = data
    expected = kmlib.lloyd(X, C0, max_iter=max_iter, tol=tol)
    result = kd.lloyd(da.from_array(X, chunks=(rows, 3)), C0, max_iter=max_iter, tol=tol)
    assert_same_run(result, expected)


def test_float32_and_column_chunks(data):
    X, C0 = data
    X32 = X.astype(np.float32)
    expected = kmlib.lloyd(X32, C0)
    assert_same_run(kd.lloyd(da.from_array(X32, chunks=(600, 1)), C0), expected)


def test_empty_cluster_is_reseeded_as_kmlib_does(data):
    X, C0 = data
    C = C0.copy()
    C[2] = 1e6  # a centre no point chooses: re-seeded at the farthest point
    expected = kmlib.lloyd(X, C)
    assert_same_run(kd.lloyd(da.from_array(X, chunks=(700, 3)), C), expected)


def test_fewer_distinct_points_than_k_warns_and_stays_finite():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 50, axis=0)
    with pytest.warns(kmlib.ConvergenceWarning):
        r = kd.lloyd(da.from_array(X, chunks=30), [[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]])
    assert np.isfinite(r.centers).all()


def test_from_npy_on_disk(tmp_path, data):
    X, C0 = data
    path = tmp_path / "x.npy"
    np.save(path, X.astype(np.float32))
    Xd = kd.from_npy(path, chunks=999)
    assert Xd.shape == X.shape and Xd.dtype == np.float32 and Xd.numblocks == (6, 1)
    expected = kmlib.lloyd(np.load(path), C0)
    assert_same_run(kd.lloyd(Xd, C0), expected)
    np.save(tmp_path / "v.npy", np.zeros(3))
    with pytest.raises(ValueError, match="2-D"):
        kd.from_npy(tmp_path / "v.npy")


def generated_chunk(block_id, rows=1000):
    """Rows generated where the task runs: two blobs, seeded by the chunk's index."""
    rng = np.random.default_rng(block_id[0])
    centres = np.array([[0.0, 0.0], [8.0, 8.0]])
    return centres[rng.integers(2, size=rows)] + rng.normal(size=(rows, 2))


def test_generated_per_chunk():
    X = da.map_blocks(generated_chunk, chunks=((1000,) * 8, (2,)), dtype=np.float64)
    r = kd.kmeans(X, 2, random_state=0)
    Xn = X.compute()
    labels = np.asarray(r.labels.compute())
    np.testing.assert_array_equal(labels, kmlib.nearest(Xn, r.centers)[0])
    assert r.inertia == pytest.approx(kmlib.inertia(Xn, r.centers, labels), rel=1e-9)
    np.testing.assert_allclose(np.sort(r.centers[:, 0]), [0.0, 8.0], atol=0.1)


def test_parallel_seeding_on_dask(data):
    X, _ = data
    s = kd.kmeans_parallel(da.from_array(X, chunks=800), 6, rounds=3, random_state=0)
    assert s.n_passes == 4 and s.centers.shape == (6, 3) and s.weights.sum() == len(X)
    best = kmlib.kmeans(X, 6, n_init=5, random_state=0).inertia
    assert kmlib.lloyd(X, s.centers).inertia <= 1.05 * best
    runs = [kd.kmeans(da.from_array(X, chunks=800), 6, random_state=s) for s in range(5)]
    assert np.median([r.inertia for r in runs]) <= 1.05 * best  # a seed can still be unlucky


def test_kmeans_with_explicit_init_is_lloyd(data):
    X, C0 = data
    assert_same_run(kd.kmeans(da.from_array(X, chunks=900), 6, init=C0), kmlib.lloyd(X, C0))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda X, C: kd.lloyd(np.zeros((5, 2)), C), TypeError, "dask.array"),
        (lambda X, C: kd.lloyd(X[:, 0], C), ValueError, "2-D"),
        (lambda X, C: kd.lloyd(X.astype(bool), C), TypeError, "real numbers"),
        (lambda X, C: kd.lloyd(X[X[:, 0] > 0], C), ValueError, "unknown chunk sizes"),
        (lambda X, C: kd.lloyd(X, C[:, :2]), ValueError, "columns"),
        (lambda X, C: kd.lloyd(X, np.zeros((0, 3))), ValueError, "init_centers"),
        (lambda X, C: kd.lloyd(X, C, max_iter=0), ValueError, "max_iter"),
        (lambda X, C: kd.lloyd(X, C, tol=-1.0), ValueError, "tol"),
        (lambda X, C: kd.kmeans(X, 0), ValueError, "k must be >= 1"),
        (lambda X, C: kd.kmeans(X, 6, init="k-means++"), ValueError, "init"),
        (lambda X, C: kd.kmeans(X, 5, init=C), ValueError, "k=5 rows"),
        (lambda X, C: kd.kmeans_parallel(X, 3, rounds=0), ValueError, "rounds"),
        (lambda X, C: kd.kmeans_parallel(X, 3, oversampling=0), ValueError, "oversampling"),
    ],
)
def test_bad_input(data, call, error, match):
    X, C0 = data
    with pytest.raises(error, match=match):
        call(da.from_array(X, chunks=1000), C0)


def test_non_finite_data():
    X = np.ones((20, 2))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        kd.lloyd(da.from_array(X, chunks=5), X[:2])


def test_import_kmlib_needs_no_dask():
    code = "import sys, kmlib; assert 'dask' not in sys.modules and 'kmlib.dask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_kmlib_never_imports_dask_ml():
    sources = [p.read_text() for p in (ROOT / "kmlib").rglob("*.py")]
    assert not any("dask_ml" in s for s in sources)


@pytest.mark.slow
def test_on_a_two_process_local_cluster(tmp_path, data):
    distributed = pytest.importorskip("distributed")
    X, C0 = data
    np.save(tmp_path / "x.npy", X)
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit="1GiB",
    )
    with cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        expected = kmlib.lloyd(X, C0)
        assert_same_run(kd.lloyd(kd.from_npy(tmp_path / "x.npy", chunks=700), C0), expected)
        assert_same_run(kd.lloyd(da.from_array(X, chunks=1100), C0), expected)
        # chunks persisted in the workers' memory, as Chapter 7 runs it
        persisted = client.persist(da.from_array(X, chunks=1100))
        assert_same_run(kd.lloyd(persisted, C0), expected)
        s = kd.kmeans_parallel(da.from_array(X, chunks=1100), 6, random_state=0)
        assert s.weights.sum() == len(X)


def test_scale_benchmark_report_and_data(tmp_path):
    """benchmarks/scale_bench.py: its data file, start and report (no cluster: that is `make bench`)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from benchmark_scripts import load_benchmark

    bench = load_benchmark("scale_bench")
    path = bench.make_file(tmp_path / "x.npy", 3000)
    X = np.load(path)
    assert X.shape == (3000, bench.D) and X.dtype == np.float32
    assert bench.initial_centers(path).shape == (bench.K, bench.D)
    row = {"n": 3000, "n_iter": 5, "s_per_iter": 0.5, "peak_mib": 100.0, "idle_mib": 60.0,
           "rss_peak_mib": 900.0, "true": 10.0}  # fmt: skip
    rows = [
        row | {"impl": "kmlib.dask", "reported": 10.0},
        row | {"impl": "dask-ml", "reported": 3.0, "s_per_iter": 2.0},
        {"impl": "mini-batch", "n": 3000, "full_seconds": 1.0, "full_n_iter": 9,
         "steps": 4, "seconds": 0.1},
        {"impl": "dask-ml", "n": 6000, "error": "KilledWorker: memory"},
    ]  # fmt: skip
    text = bench.report("env", rows)
    assert "| 3e+03 | kmlib.dask | 0.500 | 100 (60) | 900 | 10 | 10 | yes |" in text
    assert "| 3e+03 | dask-ml | 2.000 | 100 (60) | 900 | 3 | 10 | NO |" in text
    assert "failed: KilledWorker" in text
    assert "at least 2x faster per iteration than dask-ml: met (ratios [4.0])" in text
    assert "RssAnon" in text and "independent of n (max/min <= 1.5): met" in text
    assert bench.anon_mib(os.getpid()) > 0
    assert bench.parse_args([]).output == ROOT / "benchmarks" / "results" / "scale.md"


def test_kept_memory_restores_the_worker_setting(monkeypatch):
    """Inside a task freed memory is kept; after the last one the worker's setting is back."""
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    assert kd.KeptMemory().libc is None  # a plain process: glibc adapts by itself
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    kept = kd.KeptMemory()
    if kept.libc is None:
        pytest.skip("no glibc")
    calls = []
    monkeypatch.setattr(kept, "set", lambda trim, mmap: calls.append((trim, mmap)))
    with kept():
        with kept():  # a second task in another thread: nothing changes
            pass
        assert kept.active == 1 and calls == [(2 * kd.KEPT_BYTES, kd.KEPT_BYTES)]
    assert kept.active == 0 and calls[-1] == (65536, 128 * 1024) and len(calls) == 2
    with pytest.raises(RuntimeError), kept():
        raise RuntimeError  # an error in the task still restores the setting
    assert kept.active == 0 and calls[-1] == (65536, 128 * 1024)
