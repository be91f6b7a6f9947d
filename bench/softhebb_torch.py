"""PyTorch reference for bench/softhebb.ts: the SoftHebb rule (paper Eq. 8, no bias) written the
straightforward way the authors' code does it (matmul, softmax, matmul, broadcasting).

argv[1] is a JSON object: {w, x, out, units, inputs, samples, batch, t, lr, threads, chunk,
warmup, budget}. w and x are raw little-endian float32 files (units×inputs, samples×inputs). Trains one
pass over the first `samples` rows in order from w, timing every `chunk` samples, and stops early
after the chunk that ends past `budget` seconds (a busy machine); writes the final W to `out`
(raw float32) and prints one JSON line with the chunk times and the samples done."""
import json
import sys
import time

import numpy as np
import torch

cfg = json.loads(sys.argv[1])
torch.set_num_threads(int(cfg["threads"]))
K, n, N, B = cfg["units"], cfg["inputs"], cfg["samples"], cfg["batch"]
t, lr = float(cfg["t"]), float(cfg["lr"])
w0 = torch.from_numpy(np.fromfile(cfg["w"], dtype="<f4").reshape(K, n).copy())
X = torch.from_numpy(np.fromfile(cfg["x"], dtype="<f4", count=N * n).reshape(N, n).copy())


def update(W, x):
    """One SoftHebb step from the rows of x (summed over them), in place on W."""
    x = x / x.norm(dim=1, keepdim=True)
    u = torch.mm(x, W.t())
    y = torch.softmax(t * u, dim=1)
    yx = torch.mm(y.t(), x)
    yu = torch.sum(y * u, dim=0)
    W += lr * (yx - yu.view(-1, 1) * W)


def run(W, start, count):
    for s in range(start, start + count, B):
        update(W, X[s : s + B])


with torch.no_grad():
    # Warm-up on a throw-away copy (allocator, thread pool, caches), not on the timed weights.
    run(w0.clone(), 0, min(N, int(cfg["warmup"])))
    W = w0.clone()
    chunk = int(cfg["chunk"])
    times = []
    done = 0
    start = time.perf_counter()
    for s in range(0, N, chunk):
        m = min(chunk, N - s)
        t0 = time.perf_counter()
        run(W, s, m)
        times.append((time.perf_counter() - t0, m))
        done += m
        if time.perf_counter() - start > float(cfg["budget"]):
            break
    W.numpy().astype("<f4").tofile(cfg["out"])

print(
    json.dumps(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "samples": done,
            "chunks": [[sec, m] for sec, m in times],
        }
    )
)
