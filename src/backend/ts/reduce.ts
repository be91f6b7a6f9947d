import type { Matrix } from '../matrix.ts';
import { gemmTs } from './gemm.ts';

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

/**
 * Posteriors, then the update with per-unit rates: the reference for the fused native step,
 * with the same choice between keeping the row scale and folding it into W.
 */
export function softHebbSoftStepTs(
  w: Matrix,
  x: Matrix,
  u: Matrix,
  bias: Float32Array | null,
  o: { inverseTemperature: number; eta: number; exact: boolean; scale?: Float32Array | null },
  y: Matrix,
): void {
  const B = x.rows;
  const K = w.rows;
  const scale = o.scale ?? null;
  const [yd, ud] = [y.data, u.data];
  for (let b = 0; b < B; b++)
    for (let k = 0; k < K; k++)
      yd[b * K + k] = ud[b * K + k] * (scale ? scale[k] : 1) + (bias ? bias[k] : 0);
  softmaxRowsTs(y, o.inverseTemperature, y);
  const c = new Float64Array(K);
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) c[k] += yd[b * K + k] * ud[b * K + k];
  const rate = new Float64Array(K);
  const keep = new Float64Array(K);
  let lazy = scale !== null && (o.exact || B < w.cols);
  for (let k = 0; k < K; k++) {
    const s = scale ? scale[k] : 1;
    c[k] *= s;
    const z = o.eta * c[k];
    rate[k] = !o.exact ? o.eta : Math.abs(z) < 1e-6 ? o.eta * (1 - z / 2) : -Math.expm1(-z) / c[k];
    keep[k] = 1 - rate[k] * c[k];
    lazy &&= keep[k] > 0 && s * keep[k] >= 1e-3 && s * keep[k] <= 1e3;
  }
  const coef = new Float32Array(K);
  if (lazy) {
    for (let k = 0; k < K; k++) {
      scale![k] *= keep[k];
      coef[k] = rate[k] / scale![k];
    }
  } else {
    const wd = w.data;
    const n = w.cols;
    for (let k = 0; k < K; k++) {
      const f = Math.fround((scale ? scale[k] : 1) * keep[k]);
      for (let j = k * n; j < (k + 1) * n; j++) wd[j] *= f;
      coef[k] = rate[k];
    }
    scale?.fill(1);
  }
  const ys = y.clone();
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) ys.data[b * K + k] *= coef[k];
  gemmTs(true, false, 1, ys, x, 1, w);
}

/**
 * W ← W + η⊙(YᵀX − diag(c)W), c_k = Σ_b y_bk u_bk, as a row scaling of W by (1 − η_k c_k)
 * followed by one GEMM with beta = 1.
 */
export function softHebbUpdateTs(
  w: Matrix,
  x: Matrix,
  y: Matrix,
  u: Matrix,
  eta: number | Float32Array,
): void {
  const K = w.rows;
  const B = x.rows;
  const c = new Float64Array(K);
  const yd = y.data;
  const ud = u.data;
  for (let b = 0; b < B; b++) {
    const o = b * K;
    for (let k = 0; k < K; k++) c[k] += yd[o + k] * ud[o + k];
  }
  const wd = w.data;
  const n = w.cols;
  for (let k = 0; k < K; k++) {
    const s = 1 - (typeof eta === 'number' ? eta : eta[k]) * c[k];
    for (let j = k * n; j < (k + 1) * n; j++) wd[j] *= s;
  }
  if (typeof eta === 'number') {
    gemmTs(true, false, eta, y, x, 1, w);
  } else {
    // Per-unit rates scale Y's columns (B×K, small next to W) instead of the product.
    const ys = y.clone();
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) ys.data[b * K + k] *= eta[k];
    gemmTs(true, false, 1, ys, x, 1, w);
  }
}
