// Inverted dropout of a classifier's inputs during training (PyTorch's nn.Dropout).
import type { Matrix } from '../backend/matrix.ts';
import type { Rng } from '../backend/rng.ts';

/**
 * out ← x with each entry zeroed with probability p and the others scaled by 1/(1 − p), so
 * that E[out] = x and inference needs no rescaling (nn.Dropout in train mode). out may be x.
 */
export function dropoutInto(x: Matrix, p: number, rng: Rng, out: Matrix): Matrix {
  const u = rng.uniform(x.data.length);
  const keep = 1 / (1 - p);
  const src = x.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) dst[i] = u[i] < p ? 0 : src[i] * keep;
  return out;
}
