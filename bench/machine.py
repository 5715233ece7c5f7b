"""What the benchmarks print about the machine: measured float32 matrix-product speed."""

import os
import time

import numpy as np


def sgemm_gflops(n=1024, repeats=20):
    """Best-of-`repeats` GFLOPS of an n×n float32 matrix product (2n³ flops each)."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


def describe():
    """One line: cores and sgemm GFLOPS, to put a benchmark's numbers in context."""
    return f"machine: {os.cpu_count()} cores, sgemm {sgemm_gflops():.0f} GFLOPS (float32 1024x1024, best of 20)"
