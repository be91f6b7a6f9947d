"""Reference for `npm run bench -- similarity`: what the authors' code does — one sample at a
time, Euler steps u += dt·(−u + Wx − (L − I)r), r = tanh(u), dt = max(0.2/(1+0.005 i), 0.05),
stop when ‖Δu‖/‖u‖ < tol or after max_steps — with the same structure as dense masked W and L.
Args: a folder with meta.json, W.f32 (N×K), L.f32 (N×N), X.f32 (n×K). Writes R.f32 and prints
one JSON line {seconds, samples, steps, sampleSteps}."""
import json
import sys
import time

import numpy as np

d = sys.argv[1]
meta = json.load(open(f"{d}/meta.json"))
N, K, n = meta["N"], meta["K"], meta["n"]
W = np.fromfile(f"{d}/W.f32", dtype=np.float32).reshape(N, K)
L = np.fromfile(f"{d}/L.f32", dtype=np.float32).reshape(N, N)
X = np.fromfile(f"{d}/X.f32", dtype=np.float32).reshape(n, K)
tol, max_steps = meta["tol"], meta["maxSteps"]
LmI = L - np.eye(N, dtype=np.float32)
R = np.zeros((n, N), dtype=np.float32)
steps = 0
sample_steps = []
t = time.perf_counter()
for s in range(n):
    ff = W @ X[s]
    u = np.zeros(N, dtype=np.float32)
    r = np.tanh(u)
    for i in range(max_steps):
        dt = np.float32(max(0.2 / (1 + 0.005 * i), 0.05))
        du = dt * (-u + ff - LmI @ r)
        u = u + du
        r = np.tanh(u)
        steps += 1
        if np.linalg.norm(du) <= tol * np.linalg.norm(u):
            break
    sample_steps.append(i + 1)
    R[s] = r
seconds = time.perf_counter() - t
R.tofile(f"{d}/R.f32")
print(
    json.dumps(
        {"seconds": seconds, "samples": n, "steps": steps, "sampleSteps": sample_steps, "numpy": np.__version__}
    )
)
