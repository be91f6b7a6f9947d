"""PyTorch peer of bench/softhebb-deep.ts: the Hebbian epoch of the authors' deep SoftHebb
(4SoftHebbCnnCIFAR's blocks, hebbconv.py HebbSoftKrotovConv2d mode 0) written as they compute
it, block by block (their 'successive' mode): batch norm without affine with the training set's
statistics (as hebb's Standardize), reflect padding, u = conv2d(x, W), y = softmax(t u) over
channels with every loser negated, ΔW = conv2d(xᵀ, yᵀ) − (Σ y u) W, ΔW / max|ΔW|, per-kernel
rate η (|‖w‖ − 1| + 1e-10)^0.5; then triangle and pooling give the next block's input (each
block's whole output computed once, in chunks, which hebb's greedy stack recomputes).

argv[1] is JSON: {x, order, w: [paths], out, samples, side, blocks: [{units, kernel, padding,
t, lr, triangle, pool: [kind, size, stride, padding]}], batch, threads, reps}. x: float32
samples × side² (grey); order: int32 image order per block (blocks × samples); w: each block's
initial kernels, float32 units × (kernel² · channels) in hebb's (ky, kx, c) order. Prints one
JSON line: the best seconds of `reps` epochs; writes the last block's final kernels to `out`."""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
if int(cfg["threads"]) > 0:
    torch.set_num_threads(int(cfg["threads"]))
N, S, B = cfg["samples"], cfg["side"], cfg["batch"]
X0 = torch.from_numpy(np.fromfile(cfg["x"], dtype="<f4", count=N * S * S).reshape(N, 1, S, S).copy())
order = torch.from_numpy(
    np.fromfile(cfg["order"], dtype="<i4").reshape(len(cfg["blocks"]), N).astype(np.int64)
)


def load_w(path, K, C, k):  # hebb's rows (ky, kx, c) → K × C × k × k
    w = np.fromfile(path, dtype="<f4").reshape(K, k, k, C)
    return torch.from_numpy(w.transpose(0, 3, 1, 2).copy())


def learn(W, X, blk, idx):
    p, t, eta = blk["padding"], blk["t"], blk["lr"]
    K = W.shape[0]
    for s in range(0, N, B):
        x = F.pad(X[idx[s : s + B]], (p, p, p, p), "reflect")
        u = F.conv2d(x, W)
        b, _, ho, wo = u.shape
        flat = u.transpose(0, 1).reshape(K, -1)
        y = -torch.softmax(t * flat, dim=0)
        cols = torch.arange(flat.shape[1])
        win = torch.argmax(flat, dim=0)
        y[win, cols] = -y[win, cols]
        y = y.view(K, b, ho, wo).transpose(0, 1)
        yx = F.conv2d(x.transpose(0, 1), y.transpose(0, 1)).transpose(0, 1)
        d = yx - torch.sum(y * u, dim=(0, 2, 3)).view(-1, 1, 1, 1) * W
        d /= torch.abs(d).amax() + 1e-30
        rate = eta * (torch.abs(torch.linalg.norm(W.reshape(K, -1), dim=1) - 1) + 1e-10) ** 0.5
        W += rate.view(-1, 1, 1, 1) * d


def forward(W, X, blk):
    p = blk["padding"]
    kind, size, stride, pad = blk["pool"]
    outs = []
    for s in range(0, X.shape[0], 1000):
        u = F.conv2d(F.pad(X[s : s + 1000], (p, p, p, p), "reflect"), W)
        h = F.relu(u - u.mean(dim=1, keepdim=True)) ** blk["triangle"]
        if kind == "max":
            h = F.max_pool2d(h, size, stride, pad)
        else:
            h = F.avg_pool2d(h, size, stride, pad)  # count_include_pad, as theirs and hebb's countPadding
        outs.append(h)
    return torch.cat(outs)


def epoch(ws):
    X = X0
    for i, blk in enumerate(cfg["blocks"]):
        mean = X.mean(dim=(0, 2, 3), keepdim=True)
        var = X.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
        X = (X - mean) / torch.sqrt(var + 1e-5)
        learn(ws[i], X, blk, order[i])
        if i + 1 < len(cfg["blocks"]):
            X = forward(ws[i], X, blk)
    return ws


with torch.no_grad():
    best = float("inf")
    for _ in range(int(cfg["reps"])):
        ws, C = [], 1
        for path, blk in zip(cfg["w"], cfg["blocks"]):
            ws.append(load_w(path, blk["units"], C, blk["kernel"]))
            C = blk["units"]
        t0 = time.perf_counter()
        epoch(ws)
        best = min(best, time.perf_counter() - t0)
    ws[-1].permute(0, 2, 3, 1).numpy().astype("<f4").tofile(cfg["out"])
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": best}))
