"""PyTorch peer of bench/softhebb-conv.ts: one epoch of convolutional SoftHebb as a plain loop,
F.unfold for the patches and the dense rule on them: soft WTA over the K kernels at every
position (softmax at inverse temperature t), the exact per-unit step
r_k = (1 - exp(-eta c_k)) / c_k with c_k = sum over the batch's patches of y_pk u_pk,
W <- (1 - r c) W + r (Y^T P), linear rate eta from lr0 to 0 over the epoch, raw patches.

argv[1] is a JSON object: {w, x, order, out, units, side, kernel, padding, samples, batch, t,
lr0, threads, flush?, reps, stop?}. w: raw little-endian float32 (units x kernel*kernel); x: float32
(samples x side*side, one grey image per row); order: int32 image order (the trainer's, so both
sides see the same batches). threads: an intra-op thread count, or 0 for PyTorch's default; flush: set_flush_denormal(True); stop:
end after this many images (the same-rule check). Runs the epoch `reps` times from w, keeps the
fastest, writes the final W of the last run to `out` and prints one JSON line."""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

from softhebb_rule_torch import exact_step, time_epochs

cfg = json.loads(sys.argv[1])
if int(cfg["threads"]) > 0:
    torch.set_num_threads(int(cfg["threads"]))
# Late in training most of t*u - max underflows; flushing subnormals keeps exp at full speed.
flush = bool(cfg.get("flush")) and torch.set_flush_denormal(True)
K, S, k, pad = cfg["units"], cfg["side"], cfg["kernel"], cfg["padding"]
N, B = cfg["samples"], cfg["batch"]
t, lr0 = float(cfg["t"]), float(cfg["lr0"])
w0 = torch.from_numpy(np.fromfile(cfg["w"], dtype="<f4").reshape(K, k * k).copy())
X = torch.from_numpy(np.fromfile(cfg["x"], dtype="<f4", count=N * S * S).reshape(N, 1, S, S).copy())
order = torch.from_numpy(np.fromfile(cfg["order"], dtype="<i4", count=N).astype(np.int64))


def epoch(W):
    for s in range(0, int(cfg.get("stop", N)), B):
        x = X[order[s : s + B]]
        # (b, k*k, L) -> one row per patch; for one channel unfold's (c, ky, kx) is our (ky, kx, c).
        p = F.unfold(x, k, padding=pad).transpose(1, 2).reshape(-1, k * k)
        eta = lr0 * (1 - s / N)
        exact_step(W, p, t, eta)


time_epochs(epoch, w0, cfg, flush=flush)
