"""Reference GEMM timings from NumPy (OpenBLAS through numpy.matmul) for bench/gemm.ts.

Reads a JSON list of [m, k, n] or [m, k, n, 1] shapes on argv[1]; prints one JSON object per
shape with the median seconds of float32 C = A @ B, or C = A @ B.T for B stored n x k when the
fourth entry is 1 (output buffer reused, like ours)."""
import json
import sys
import time

import numpy as np

shapes = json.loads(sys.argv[1])
min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
rng = np.random.default_rng(0)
for shape in shapes:
    m, k, n = shape[:3]
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    if len(shape) > 3 and shape[3]:
        b = rng.standard_normal((n, k), dtype=np.float32).T  # a view: BLAS reads it transposed
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < min_seconds and len(times) < 200):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({"shape": shape, "seconds": times[len(times) // 2], "reps": len(times)}))

# Which BLAS numpy actually loaded, so the report can say whether it is the same library as ours.
with open("/proc/self/maps") as f:
    libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1]})
print(json.dumps({"numpy": np.__version__, "python": sys.executable, "blas_libraries": libs}))
