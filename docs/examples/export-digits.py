"""scikit-learn's digits (1797 images of 8x8, pixels 0..16) as files hebb reads (docs/data.md):
digits.npy (1797 x 64 float32, pixels / 16 so they lie in [0, 1] like MNIST's), digits-labels.npy
(the classes 0..9), digits.npz (both, as x and y) and digits.csv (a header p0..p63,label).

    python3 docs/examples/export-digits.py [folder]      # default: the current folder
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_digits

out = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(out, exist_ok=True)
digits = load_digits()
x = (digits.data / 16).astype(np.float32)
y = digits.target.astype(np.int64)

np.save(os.path.join(out, "digits.npy"), x)
np.save(os.path.join(out, "digits-labels.npy"), y)
np.savez_compressed(os.path.join(out, "digits.npz"), x=x, y=y)
header = ",".join([f"p{j}" for j in range(x.shape[1])] + ["label"])
np.savetxt(
    os.path.join(out, "digits.csv"),
    np.column_stack([x, y]),
    delimiter=",",
    header=header,
    comments="",
    fmt=["%.6g"] * x.shape[1] + ["%d"],  # the label as 3, not 3.0
)
print(f"wrote {out}/digits.npy, digits-labels.npy, digits.npz, digits.csv: {x.shape[0]} images of 8x8, classes 0..9")
