// Portable reductions: per row (softmax, norms, argmax, with their backward passes) and over a
// whole matrix (sum, dot, non-finite count, largest magnitude).
import type { Matrix } from '../matrix.ts';
import type { KernelGroup } from '../kernels/methods.ts';

export function softmaxRowsTs(a: Matrix, t: number, out: Matrix): void {
  const n = a.cols;
  const x = a.data;
  const y = out.data;
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    // Subtract the row maximum of t·a so exp never overflows, even for t = 1e6.
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const z = t * x[o + j];
      if (z > m) m = z;
    }
    let s = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(t * x[o + j] - m);
      y[o + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < n; j++) y[o + j] *= inv;
  }
}

export function softmaxRowsBackwardTs(h: Matrix, g: Matrix, t: number, out: Matrix): void {
  const n = h.cols;
  const [hd, gd, y] = [h.data, g.data, out.data];
  for (let i = 0; i < h.rows; i++) {
    const o = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += gd[o + j] * hd[o + j];
    for (let j = 0; j < n; j++) y[o + j] = t * hd[o + j] * (gd[o + j] - s);
  }
}

export function rowNormsTs(a: Matrix, out: Float32Array): void {
  const n = a.cols;
  const x = a.data;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = i * n; j < (i + 1) * n; j++) s += x[j] * x[j];
    out[i] = Math.sqrt(s);
  }
}

export function normalizeRowsTs(a: Matrix, out: Matrix, eps = 1e-12): void {
  const n = a.cols;
  const x = a.data;
  const y = out.data;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = i * n; j < (i + 1) * n; j++) s += x[j] * x[j];
    const inv = 1 / Math.max(Math.sqrt(s), eps);
    for (let j = i * n; j < (i + 1) * n; j++) y[j] = x[j] * inv;
  }
}

export function normalizeRowsBackwardTs(a: Matrix, g: Matrix, out: Matrix, eps = 1e-12): void {
  const c = a.cols;
  const [x, gd, y] = [a.data, g.data, out.data];
  for (let i = 0; i < a.rows; i++) {
    const o = i * c;
    let ss = 0;
    let d = 0;
    for (let j = o; j < o + c; j++) {
      ss += x[j] * x[j];
      d += x[j] * gd[j];
    }
    const n = Math.max(Math.sqrt(ss), eps);
    // (g − x·(x·g)/n²)/n
    const k = d / (n * n * n);
    for (let j = o; j < o + c; j++) y[j] = gd[j] / n - x[j] * k;
  }
}

export function argmaxRowsTs(a: Matrix, out: Int32Array): void {
  const n = a.cols;
  const x = a.data;
  for (let i = 0; i < a.rows; i++) {
    let best = 0;
    let bv = x[i * n];
    for (let j = 1; j < n; j++) {
      if (x[i * n + j] > bv) {
        bv = x[i * n + j];
        best = j;
      }
    }
    out[i] = best;
  }
}

export function sumTs(a: Matrix, axis: 0 | 1, out: Float32Array): void {
  const n = a.cols;
  const x = a.data;
  if (axis === 1) {
    for (let i = 0; i < a.rows; i++) {
      let s = 0;
      for (let j = i * n; j < (i + 1) * n; j++) s += x[j];
      out[i] = s;
    }
    return;
  }
  const acc = new Float64Array(n);
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) acc[j] += x[o + j];
  }
  out.set(acc);
}

/** sumTs of a∘a: each square rounded to float32 (as binary 'mul' stores it), summed in float64. */
export function sumSquaresTs(a: Matrix, axis: 0 | 1, out: Float32Array): void {
  const n = a.cols;
  const x = a.data;
  if (axis === 1) {
    for (let i = 0; i < a.rows; i++) {
      let s = 0;
      for (let j = i * n; j < (i + 1) * n; j++) s += Math.fround(x[j] * x[j]);
      out[i] = s;
    }
    return;
  }
  const acc = new Float64Array(n);
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) acc[j] += Math.fround(x[o + j] * x[o + j]);
  }
  out.set(acc);
}

export function dotTs(a: Matrix, b: Matrix): number {
  const x = a.data;
  const z = b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * z[i];
  return s;
}

export function countNonFiniteTs(a: Float32Array): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) c++;
  return c;
}

export function absMaxTs(a: Matrix): number {
  let m = 0;
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (v > m) m = v;
  }
  return m;
}

/** The reductions of the portable backend. */
export const reduceKernels = {
  softmaxRows: softmaxRowsTs,
  softmaxRowsBackward: softmaxRowsBackwardTs,
  rowNorms: rowNormsTs,
  normalizeRows: normalizeRowsTs,
  normalizeRowsBackward: normalizeRowsBackwardTs,
  argmaxRows: argmaxRowsTs,
  sum: sumTs,
  sumSquares: sumSquaresTs,
  dot: dotTs,
  countNonFinite: countNonFiniteTs,
  absMax: absMaxTs,
} satisfies KernelGroup;
