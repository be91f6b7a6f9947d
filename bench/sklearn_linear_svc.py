"""Reference for bench/linear-svc.ts: scikit-learn's LinearSVC (defaults: squared hinge, L2,
C = 1, one-vs-rest, dual coordinate descent, tol 1e-4, max_iter 1000) on MNIST raw pixels
scaled to [0, 1], read from the IDX files in argv[1]. Optional argv[2]: number of training
samples (default all 60000). Prints one JSON object: fit seconds, test accuracy, n_iter_."""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC


def idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


folder = sys.argv[1]
n_train = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
xtr = idx(f"{folder}/train-images-idx3-ubyte", 16).reshape(-1, 784)[:n_train] / 255.0
ytr = idx(f"{folder}/train-labels-idx1-ubyte", 8)[:n_train]
xte = idx(f"{folder}/t10k-images-idx3-ubyte", 16).reshape(-1, 784) / 255.0
yte = idx(f"{folder}/t10k-labels-idx1-ubyte", 8)

clf = LinearSVC(random_state=0)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    t0 = time.perf_counter()
    clf.fit(xtr, ytr)
    seconds = time.perf_counter() - t0
converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
acc = float((clf.predict(xte) == yte).mean())
print(json.dumps({"sklearn": sklearn.__version__, "n_train": n_train, "fit_seconds": seconds,
                  "test_accuracy": acc, "n_iter": int(clf.n_iter_), "converged": converged}))
