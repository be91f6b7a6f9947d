"""PyTorch peer of bench/mlp.ts: the SoftHebb paper's backprop baseline and its linear read-out,
written as a plain PyTorch loop (nn.Linear layers, cross-entropy, torch.optim.Adam at lr 1e-3,
batch 64, a fresh random order each epoch).

argv[1] is a JSON object: {x, y, tx, ty, samples, tests, inputs, hidden, classes, batch,
epochs, threads, reps}. x, tx: raw float32 (samples x inputs, tests x inputs); y, ty: uint8
labels. hidden 0 is the linear classifier. threads: intra-op threads, 0 for PyTorch's default.
Trains `reps` times from a seeded init, keeps the fastest run's seconds per epoch, prints one
JSON line with it and the last run's test accuracy."""
import json
import sys
import time

import numpy as np
import torch

cfg = json.loads(sys.argv[1])
if int(cfg["threads"]) > 0:
    torch.set_num_threads(int(cfg["threads"]))
N, T, D, H, C = cfg["samples"], cfg["tests"], cfg["inputs"], cfg["hidden"], cfg["classes"]
B, E = cfg["batch"], cfg["epochs"]
X = torch.from_numpy(np.fromfile(cfg["x"], dtype="<f4", count=N * D).reshape(N, D).copy())
Y = torch.from_numpy(np.fromfile(cfg["y"], dtype=np.uint8, count=N).astype(np.int64))
TX = torch.from_numpy(np.fromfile(cfg["tx"], dtype="<f4", count=T * D).reshape(T, D).copy())
TY = torch.from_numpy(np.fromfile(cfg["ty"], dtype=np.uint8, count=T).astype(np.int64))


def model():
    torch.manual_seed(0)
    if H == 0:
        return torch.nn.Linear(D, C)
    return torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.ReLU(), torch.nn.Linear(H, C))


best = float("inf")
for _ in range(int(cfg["reps"])):
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(E):
        order = torch.randperm(N)
        for s in range(0, N, B):
            idx = order[s : s + B]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(X[idx]), Y[idx])
            loss.backward()
            opt.step()
    best = min(best, (time.perf_counter() - t0) / E)
with torch.no_grad():
    acc = (net(TX).argmax(1) == TY).float().mean().item()

print(
    json.dumps(
        {"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": best, "accuracy": acc}
    )
)
