// Inverted dropout of a classifier's inputs during training (PyTorch's nn.Dropout).
import { Matrix } from '../backend/matrix.ts';
import type { Rng } from '../backend/rng.ts';

/**
 * out ← x with each entry zeroed with probability p and the others scaled by 1/(1 − p), so
 * that E[out] = x and inference needs no rescaling (nn.Dropout in train mode). out may be x.
 */
export function dropoutInto(x: Matrix, p: number, rng: Rng, out: Matrix): Matrix {
  // The uniforms go into out when it is not x: one buffer fewer (the kernel reads u[i] before
  // it writes out[i]).
  const u = rng.uniform(out === x ? x.data.length : out.data);
  rng.backend.dropout(x, out === x ? new Matrix(x.rows, x.cols, u) : out, p, out);
  return out;
}
