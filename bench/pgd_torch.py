"""Reference for `npm run bench -- pgd`: the same L-inf PGD written in PyTorch on the same
networks, read from a safetensors file (parsed here with NumPy: header length, JSON, raw F32).
Network kinds: 'softhebb' (x/|x| -> u = W x + b -> softmax(t u) -> (h - mean)/std -> logits)
and 'mlp' (relu(W1 x + b1) -> logits). PGD: from the clean input or a uniform random start in the eps-ball (meta randomStart), steps of
alpha * sign(grad of the cross-entropy), projection, clipping to [0, 1]; a sample stops being
attacked once misclassified; robust = correct when clean and never fooled.
Args: model.safetensors x.f32 y.i32 meta.json. Prints one JSON line per network."""
import json
import os
import struct
import sys
import time

import numpy as np
import torch


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[8 + n + a : 8 + n + b], dtype=np.float32).reshape(v["shape"]).copy()
    return out


def main():
    model, xf, yf, metaf = sys.argv[1:5]
    meta = json.load(open(metaf))
    t = read_safetensors(model)
    D = meta["inputs"]
    X = torch.from_numpy(np.fromfile(xf, dtype=np.float32).reshape(-1, D))
    Y = torch.from_numpy(np.fromfile(yf, dtype=np.int32).astype(np.int64))
    T = lambda k: torch.from_numpy(t[k])

    def softhebb(x):
        xh = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
        u = xh @ T("sh.w").T
        if "sh.b" in t:
            u = u + T("sh.b")
        h = torch.softmax(meta["t"] * u, dim=1)
        h = (h - T("sh.mean")) / T("sh.std")
        return h @ T("sh.w2").T + T("sh.b2")

    def mlp(x):
        return torch.relu(x @ T("mlp.w1").T + T("mlp.b1")) @ T("mlp.w2").T + T("mlp.b2")

    # PyTorch's best configuration: its default intra-op threads and one per core, whichever is
    # faster at each point (its OpenMP threads can compete with OpenBLAS's own).
    configs = sorted({torch.get_num_threads(), os.cpu_count() or 1})
    for name, net in (("softhebb", softhebb), ("mlp", mlp)):
        res = []
        for eps in meta["eps"]:
            best = None
            # The same seeded attack reps times: the same result, the best time.
            for threads in configs:
                torch.set_num_threads(threads)
                for _ in range(meta.get("reps", 1)):
                    point = attack(net, X, Y, eps, meta)
                    point["threads"] = threads
                    if best is None or point["seconds"] < best["seconds"]:
                        best = point
            res.append(best)
        print(json.dumps({"net": name, "torch": torch.__version__, "threads": configs, "points": res}))


def attack(net, X, Y, eps, meta):
    gen = torch.Generator().manual_seed(meta["seed"])
    alpha = 0.01 / 0.3 * eps
    t0 = time.perf_counter()
    steps_done = 0
    with torch.no_grad():
        robust = net(X).argmax(1) == Y
    for _ in range(meta["restarts"]):
        idx = robust.nonzero().flatten()
        x0, y0 = X[idx], Y[idx]
        a = x0.clone()
        if meta["randomStart"]:
            a = (x0 + (torch.rand(x0.shape, generator=gen) * 2 - 1) * eps).clamp(0, 1)
        live = torch.arange(len(idx))
        for s in range(meta["steps"] + 1):
            a.requires_grad_(True)
            z = net(a)
            loss = torch.nn.functional.cross_entropy(z, y0, reduction="sum")
            (g,) = torch.autograd.grad(loss, a)
            with torch.no_grad():
                ok = z.argmax(1) == y0
                robust[idx[live[~ok]]] = False
                live, a, g, x0, y0 = live[ok], a[ok].detach(), g[ok], x0[ok], y0[ok]
                if s == meta["steps"] or len(live) == 0:
                    break
                steps_done += len(live)
                a = torch.min(torch.max(a + alpha * g.sign(), x0 - eps), x0 + eps).clamp(0, 1)
    seconds = time.perf_counter() - t0
    return {"eps": eps, "accuracy": robust.float().mean().item(), "seconds": seconds, "sampleSteps": steps_done}


main()
