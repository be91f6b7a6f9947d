// Portable SoftHebb plasticity kernels (src/softhebb/): the batch update, its fused soft-WTA
// and hard-WTA forms, and the online rule.
import { Matrix } from '../matrix.ts';
import type { SoftHebbOnlineOptions, SoftHebbSoftStepOptions } from '../types.ts';
import { gemmTs } from './gemm.ts';
import { softmaxRowsTs } from './reduce.ts';
import type { KernelGroup } from '../kernels/methods.ts';

/**
 * Online SoftHebb, one sample after another (see Backend.softHebbOnline). Dot products
 * accumulate in float64 so the result does not depend on summation order beyond float32
 * rounding of the stored weights.
 */
export function softHebbOnlineTs(
  w: Matrix,
  x: Matrix,
  bias: Float32Array | null,
  o: SoftHebbOnlineOptions,
): void {
  const K = w.rows;
  const n = w.cols;
  const W = w.data;
  const u = new Float64Array(K);
  const y = new Float64Array(K);
  for (let s = 0; s < x.rows; s++) {
    const xs = x.data.subarray(s * n, (s + 1) * n);
    let best = -Infinity;
    let arg = 0;
    for (let k = 0; k < K; k++) {
      let acc = 0;
      const off = k * n;
      for (let j = 0; j < n; j++) acc += W[off + j] * xs[j];
      u[k] = Math.fround(acc);
      const a = u[k] + (bias ? bias[k] : 0);
      if (a > best) [best, arg] = [a, k];
    }
    if (o.preActivations)
      for (let k = 0; k < K; k++) o.preActivations.data[s * K + k] = u[k] + (bias ? bias[k] : 0);
    if (o.hard) {
      y.fill(0);
      y[arg] = 1;
    } else {
      // Max-subtracted softmax of t·(u + b).
      let z = 0;
      for (let k = 0; k < K; k++) {
        y[k] = Math.exp((o.inverseTemperature ?? 0) * (u[k] + (bias ? bias[k] : 0) - best));
        z += y[k];
      }
      for (let k = 0; k < K; k++) y[k] = Math.fround(y[k] / z);
    }
    const e = o.eta[s];
    for (let k = 0; k < K; k++) {
      if (y[k] === 0) continue;
      const sc = Math.fround(1 - e * y[k] * u[k]);
      const a = Math.fround(e * y[k]);
      const off = k * n;
      for (let j = 0; j < n; j++) W[off + j] = sc * W[off + j] + a * xs[j];
    }
    if (bias && o.biasRate) {
      const eb = o.biasRate[s];
      const t = o.biasInverseTemperature ?? 0;
      for (let k = 0; k < K; k++) bias[k] += eb * (y[k] * Math.exp(-t * bias[k]) - 1);
    }
  }
}

/**
 * Hard-WTA mini-batch update (see Backend.softHebbHardUpdate): rows grouped by winner, each
 * group's inputs summed in batch order in float32, then one pass over the winner's row —
 * the same operation order as the native kernel, so both give the same bits.
 */
export function softHebbHardUpdateTs(
  w: Matrix,
  x: Matrix,
  winners: Int32Array,
  u: Matrix,
  eta: number | Float32Array,
): void {
  const K = w.rows;
  const n = w.cols;
  const B = x.rows;
  const start = new Int32Array(K + 1);
  for (let b = 0; b < B; b++) start[winners[b] + 1]++;
  for (let k = 0; k < K; k++) start[k + 1] += start[k];
  const order = new Int32Array(B);
  const fill = start.slice(0, K);
  for (let b = 0; b < B; b++) order[fill[winners[b]]++] = b;
  const sum = new Float32Array(n);
  const wd = w.data;
  for (let k = 0; k < K; k++) {
    if (start[k] === start[k + 1]) continue;
    let c = 0;
    sum.fill(0);
    for (let i = start[k]; i < start[k + 1]; i++) {
      const b = order[i];
      c += u.data[b * K + k];
      for (let j = 0; j < n; j++) sum[j] += x.data[b * n + j];
    }
    const e = typeof eta === 'number' ? eta : eta[k];
    const s = Math.fround(1 - e * c);
    const a = Math.fround(e);
    const o = k * n;
    for (let j = 0; j < n; j++) wd[o + j] = Math.fround(s * wd[o + j]) + Math.fround(a * sum[j]);
  }
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

/** The forward pass U = X Wᵀ, then softHebbSoftStepTs (y = null: the posteriors are dropped). */
export function softHebbForwardStepTs(
  w: Matrix,
  x: Matrix,
  bias: Float32Array | null,
  o: SoftHebbSoftStepOptions,
  y: Matrix | null,
): void {
  const u = new Matrix(x.rows, w.rows);
  gemmTs(false, true, 1, x, w, 0, u);
  softHebbSoftStepTs(w, x, u, bias, o, y ?? new Matrix(x.rows, w.rows));
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

/** The SoftHebb kernels of the portable backend. */
export const softHebbKernels = {
  softHebbUpdate: softHebbUpdateTs,
  softHebbOnline: softHebbOnlineTs,
  softHebbHardUpdate: softHebbHardUpdateTs,
  softHebbSoftStep: softHebbSoftStepTs,
  softHebbForwardStep: softHebbForwardStepTs,
} satisfies KernelGroup;
