// Similarity matrices of representations (Fig. 2's convention), browser-safe.
import { Matrix } from '../backend/matrix.ts';

/** Pairwise dot products of the rows of x, scaled so the largest is 1 (Fig. 2's convention). */
export function similarityMatrix(x: Matrix): Matrix {
  const n = x.rows;
  const out = Matrix.zeros(n, n);
  let max = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < x.cols; k++) s += x.data[i * x.cols + k] * x.data[j * x.cols + k];
      out.data[i * n + j] = s;
      max = Math.max(max, Math.abs(s));
    }
  if (max > 0) for (let i = 0; i < n * n; i++) out.data[i] /= max;
  return out;
}

/** Columns [from, to) of x. */
export function columns(x: Matrix, from: number, to: number): Matrix {
  const out = Matrix.zeros(x.rows, to - from);
  for (let i = 0; i < x.rows; i++) {
    out.data.set(x.data.subarray(i * x.cols + from, i * x.cols + to), i * (to - from));
  }
  return out;
}
