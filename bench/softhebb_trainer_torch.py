"""PyTorch peer of bench/softhebb.ts's trainer rows: one epoch of SoftHebb's 'default' preset
(paper Eq. 8 without bias, softmax at inverse temperature t, the exact per-unit step
r_k = (1 - exp(-eta c_k)) / c_k with c_k = sum_b y_bk u_bk, linear rate eta from lr0 to 0 over
the epoch, unit-norm inputs) as a plain loop: no work per batch beyond the rule.

argv[1] is a JSON object: {w, x, order, out, units, inputs, samples, batch, t, lr0, threads,
reps, stop?}. w, x: raw little-endian float32 (units x inputs, samples x inputs); order: raw int32
sample order (the trainer's shuffled order, so both sides see the same batches). threads: an
intra-op thread count, or 0 for PyTorch's default; stop: end after this many samples (the
same-rule check: the first batch). Runs the epoch `reps` times from w, keeps
the fastest, writes the final W of the last run to `out` and prints one JSON line."""
import json
import sys

import numpy as np
import torch

from softhebb_rule_torch import exact_step, time_epochs

cfg = json.loads(sys.argv[1])
if int(cfg["threads"]) > 0:
    torch.set_num_threads(int(cfg["threads"]))
K, n, N, B = cfg["units"], cfg["inputs"], cfg["samples"], cfg["batch"]
t, lr0 = float(cfg["t"]), float(cfg["lr0"])
w0 = torch.from_numpy(np.fromfile(cfg["w"], dtype="<f4").reshape(K, n).copy())
X = torch.from_numpy(np.fromfile(cfg["x"], dtype="<f4", count=N * n).reshape(N, n).copy())
order = torch.from_numpy(np.fromfile(cfg["order"], dtype="<i4", count=N).astype(np.int64))


def epoch(W):
    Xn = X / X.norm(dim=1, keepdim=True)
    for s in range(0, int(cfg.get("stop", N)), B):
        x = Xn[order[s : s + B]]
        eta = lr0 * (1 - s / N)
        exact_step(W, x, t, eta)


time_epochs(epoch, w0, cfg)
