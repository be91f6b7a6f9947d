"""The SoftHebb rule of hebb's 'default' preset as a plain PyTorch step, shared by the peers of
bench/softhebb-trainer.ts and bench/softhebb-conv.ts: on the rows x (samples or patches),
u = x W^T, y = softmax(t u) over the units, c_k = sum_b y_bk u_bk, the exact per-unit rate
r_k = (1 - exp(-eta c_k)) / c_k (its series where eta c_k is tiny), then
W <- (1 - r c) W + r (Y^T x), in place."""
import torch


def exact_step(W, x, t, eta):
    u = torch.mm(x, W.t())
    y = torch.softmax(t * u, dim=1)
    c = torch.sum(y * u, dim=0)
    z = eta * c
    small = z.abs() < 1e-6
    r = torch.where(small, eta * (1 - z / 2), -torch.expm1(-z) / torch.where(small, 1.0, c))
    W.mul_((1 - r * c).view(-1, 1))
    W.add_(torch.mm((y * r).t(), x))


def time_epochs(epoch, w0, cfg, **report):
    """Runs epoch(W) cfg["reps"] times from w0 without autograd, keeps the fastest, writes the
    last run's W to cfg["out"] (raw float32) and prints one JSON line with the seconds."""
    import json
    import time

    with torch.no_grad():
        best = float("inf")
        for _ in range(int(cfg["reps"])):
            W = w0.clone()
            t0 = time.perf_counter()
            epoch(W)
            best = min(best, time.perf_counter() - t0)
        W.numpy().astype("<f4").tofile(cfg["out"])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), **report, "seconds": best}
    print(json.dumps(out))
